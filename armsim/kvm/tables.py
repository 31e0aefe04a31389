"""The trap tables of the modelled KVM: CP15 (generic + per-CPU target), CP14 32-bit and 64-bit (reference 8).

CP15 (Linux arch/arm/kvm/coproc.c ``cp15_regs``, coproc_a15.c / coproc_a7.c):
the VM context registers (written under HCR.TVM, read from the shadow), the
set/way cache operations (HCR.TSW), the PMU registers (HDCR.TPM/TPMCR, RAZ/WI),
L2CTLR/L2ECTLR (HCR.TIDCP) and CBAR (HSTR.T15).  The shadow-only rows (CPACR,
CSSELR, the thread ID registers, CNTKCTL: never trapped, switched by the world
switch) have no access function: a trap that reaches one injects UNDEF.  The
target table of each CPU (searched first) holds its ACTLR (HCR.TAC).

CP14, built per CPU profile so that every row is reachable (pair rows only for
the implemented BRPs/WRPs, DBGBXVRn for the context-capable ones), sorted by
the builder and checked; modelled on the arm64 ``cp14_regs`` with the choices
of reference 8 (DBGDTR[RT]Xint at c0,c5,0; DBGDSCRint reads the DBGDSCR shadow;
the guest has its own OS Lock).  CP14 64-bit: DBGDRAR (CRm64(1)) and DBGDSAR
(CRm64(2)), RAZ/WI.

:class:`VcpuTables` is what a VCPU uses: the three table sets, the shadow
index of every shadow-backed register, each debug register's write view, and
the reset of every row.  Users extend it with their own tables
(:meth:`VcpuTables.add`) and shadow slots (:meth:`VcpuTables.add_shadow`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Tuple

from armsim.kvm.coproc_table import AccessFn, CoprocReg, TableSet, TrapTable
from armsim.kvm.handlers import (
    access_const,
    access_dcsw,
    access_vm_reg,
    reset_cp14_val,
    reset_cp15_val,
    trap_dbgauthstatus,
    trap_dbgidr,
    trap_debug32,
    trap_dscr_int,
    trap_oslar,
    trap_oslsr,
    trap_raz_wi,
)
from armsim.kvm.layouts import Enc, switched_debug_set, write_mask
from armsim.timing.profiles import CpuProfile, get_profile

if TYPE_CHECKING:
    from armsim.kvm.vcpu import VCPU

MASK32 = 0xFFFFFFFF

# The CP15 registers KVM/ARM v4.1 keeps per vcpu and switches (reference 9: 24 registers; 64-bit: TTBR0,
# TTBR1, PAR).  name -> (Op1, CRn, CRm, Op2, 64-bit shadow, reset value).  Choice: UNKNOWN registers
# reset to 0 (KVM writes 0xdecafbad); SCTLR resets as the Cortex-A15/A7 SCTLR (B4.1.130).
CP15_SHADOW: Dict[str, Tuple[int, int, int, int, bool, int]] = {
    "CSSELR": (2, 0, 0, 0, False, 0),
    "SCTLR": (0, 1, 0, 0, False, 0x00C50078),
    "CPACR": (0, 1, 0, 2, False, 0),
    "TTBR0": (0, 2, 0, 0, True, 0),
    "TTBR1": (0, 2, 0, 1, True, 0),
    "TTBCR": (0, 2, 0, 2, False, 0),
    "DACR": (0, 3, 0, 0, False, 0),
    "DFSR": (0, 5, 0, 0, False, 0),
    "IFSR": (0, 5, 0, 1, False, 0),
    "ADFSR": (0, 5, 1, 0, False, 0),
    "AIFSR": (0, 5, 1, 1, False, 0),
    "DFAR": (0, 6, 0, 0, False, 0),
    "IFAR": (0, 6, 0, 2, False, 0),
    "PAR": (0, 7, 4, 0, True, 0),
    "PRRR": (0, 10, 2, 0, False, 0),
    "NMRR": (0, 10, 2, 1, False, 0),
    "AMAIR0": (0, 10, 3, 0, False, 0),
    "AMAIR1": (0, 10, 3, 1, False, 0),
    "VBAR": (0, 12, 0, 0, False, 0),
    "CONTEXTIDR": (0, 13, 0, 1, False, 0),
    "TPIDRURW": (0, 13, 0, 2, False, 0),
    "TPIDRURO": (0, 13, 0, 3, False, 0),
    "TPIDRPRW": (0, 13, 0, 4, False, 0),
    "CNTKCTL": (0, 14, 1, 0, False, 0),
}
# Written by the guest under HCR.TVM (B1.14.13): these rows emulate the write into the shadow.
CP15_TVM = frozenset(("SCTLR", "TTBR0", "TTBR1", "TTBCR", "DACR", "DFSR", "IFSR", "ADFSR", "AIFSR", "DFAR",
                      "IFAR", "PRRR", "NMRR", "AMAIR0", "AMAIR1", "CONTEXTIDR"))
# 64-bit forms (MCRR/MRRC p15, Op1, Rt, Rt2, CRm): TTBR0 (Op1 0, c2), TTBR1 (Op1 1, c2), PAR (Op1 0, c7).
CP15_SHADOW_64: Dict[str, Tuple[int, int]] = {"TTBR0": (0, 2), "TTBR1": (1, 2), "PAR": (0, 7)}

CP15_SLOTS: Dict[str, int] = {name: i + 1 for i, name in enumerate(CP15_SHADOW)}


def _vm_row(name: str) -> CoprocReg:
    op1, crn, crm, op2, _wide, val = CP15_SHADOW[name]
    access: Optional[AccessFn] = access_vm_reg if name in CP15_TVM or name == "PAR" else None
    return CoprocReg(op1, crn, crm, op2, False, access, reset_cp15_val, CP15_SLOTS[name], val, name)


def _generic_cp15_rows() -> List[CoprocReg]:
    rows = [_vm_row(n) for n in CP15_SHADOW]
    for name, (op1, crm) in CP15_SHADOW_64.items():
        rows.append(CoprocReg(op1, crm, 0, 0, True, access_vm_reg, None, CP15_SLOTS[name], 0, name))
    # B4.2.x cache maintenance by set/way (HCR.TSW): DC ISW c7,c6,2; DC CSW c7,c10,2; DC CISW c7,c14,2.
    for name, crm in (("DCISW", 6), ("DCCSW", 10), ("DCCISW", 14)):
        rows.append(CoprocReg(0, 7, crm, 2, False, access_dcsw, name=name))
    # C12.x PMU (HDCR.TPM/TPMCR): c9, c12-c14 RAZ/WI ("pm_fake").
    pmu = {12: ("PMCR", "PMCNTENSET", "PMCNTENCLR", "PMOVSR", "PMSWINC", "PMSELR", "PMCEID0", "PMCEID1"),
           13: ("PMCCNTR", "PMXEVTYPER", "PMXEVCNTR"),
           14: ("PMUSERENR", "PMINTENSET", "PMINTENCLR")}
    for crm, names in pmu.items():
        for op2, name in enumerate(names):
            rows.append(CoprocReg(0, 9, crm, op2, False, trap_raz_wi, name=name))
    # Cortex-A15/A7 L2CTLR (p15, 1, c9, c0, 2) and L2ECTLR (c9, c0, 3) under HCR.TIDCP: one CPU,
    # no optional features (choice; KVM reports the vcpu count in L2CTLR[25:24]).
    rows.append(CoprocReg(1, 9, 0, 2, False, access_const, name="L2CTLR", val=0))
    rows.append(CoprocReg(1, 9, 0, 3, False, access_const, name="L2ECTLR", val=0))
    # CBAR (p15, 4, c15, c0, 0) under HSTR.T15: no memory-mapped peripherals base (KVM: RAZ).
    rows.append(CoprocReg(4, 15, 0, 0, False, access_const, name="CBAR", val=0))
    return rows


# Checked (sorted, no duplicate) at import.
GENERIC_CP15 = TrapTable("CP15 generic", _generic_cp15_rows(), sort=True)

# Per-CPU target tables (coproc_a15.c, coproc_a7.c): ACTLR (p15, 0, c1, c0, 1) under HCR.TAC.
# Choice: the reset values of the TRMs with SMP set (bit 6), as KVM's reset_actlr reports for a
# vcpu in an SMP VM (Cortex-A15 TRM 4.3.29, Cortex-A7 TRM 4.3.31).
TARGET_CP15: Dict[str, TrapTable] = {
    "cortex-a15": TrapTable("CP15 cortex-a15", [CoprocReg(0, 1, 0, 1, False, access_const, name="ACTLR",
                                                          val=0x00000040)]),
    "cortex-a7": TrapTable("CP15 cortex-a7", [CoprocReg(0, 1, 0, 1, False, access_const, name="ACTLR",
                                                        val=0x00000040)]),
}


def _r(name: str, crn: int, crm: int, op2: int, access: AccessFn, slot: int = 0) -> CoprocReg:
    return CoprocReg(0, crn, crm, op2, False, access, reset_cp14_val if slot else None, slot, 0, name)


def build_cp14_tables(profile: CpuProfile, slots: Dict[str, int]) -> Tuple[TrapTable, TrapTable]:
    """The CP14 32-bit and 64-bit tables of ``profile``; ``slots``: the shadow index of each switched register."""

    def shadow(enc: Enc) -> CoprocReg:
        return _r(enc.name, enc.crn, enc.crm, enc.opc2, trap_debug32, slots[enc.name])

    rows: List[CoprocReg] = [
        _r("DBGDIDR", 0, 0, 0, trap_dbgidr),
        _r("DBGDSCRint", 0, 1, 0, trap_dscr_int),
        _r("DBGDTRRXext", 0, 0, 2, trap_raz_wi),
        _r("DBGDTRTXext", 0, 3, 2, trap_raz_wi),
        _r("DBGDTRint", 0, 5, 0, trap_raz_wi),
        _r("DBGWFAR", 0, 6, 0, trap_raz_wi),
        _r("DBGDRAR", 1, 0, 0, trap_raz_wi),
        _r("DBGOSLAR", 1, 0, 4, trap_oslar),
        _r("DBGOSLSR", 1, 1, 4, trap_oslsr),
        _r("DBGOSDLR", 1, 3, 4, trap_raz_wi),
        _r("DBGPRCR", 1, 4, 4, trap_raz_wi),
        _r("DBGDSAR", 2, 0, 0, trap_raz_wi),
        _r("DBGDEVID2", 7, 0, 7, trap_raz_wi),
        _r("DBGDEVID1", 7, 1, 7, trap_raz_wi),
        _r("DBGDEVID", 7, 2, 7, trap_raz_wi),
        _r("DBGCLAIMSET", 7, 8, 6, trap_raz_wi),
        _r("DBGCLAIMCLR", 7, 9, 6, trap_raz_wi),
        _r("DBGAUTHSTATUS", 7, 14, 6, trap_dbgauthstatus),
    ]
    rows += [shadow(enc) for enc in switched_debug_set(profile)]
    t32 = TrapTable(f"CP14 {profile.name}", rows, sort=True)
    t64 = TrapTable(f"CP14 64-bit {profile.name}", [
        CoprocReg(0, 1, 0, 0, True, trap_raz_wi, name="DBGDRAR"),
        CoprocReg(0, 2, 0, 0, True, trap_raz_wi, name="DBGDSAR"),
    ])
    return t32, t64


class VcpuTables:
    """The trap tables, shadow layout and resets a VCPU of one CPU profile uses."""

    def __init__(self, profile: CpuProfile) -> None:
        self.profile = profile
        # CP14 shadow: slot 0 = none, then the switched debug registers (reference 2).
        self.cp14_index: Dict[str, int] = {}
        self.cp14_mask: List[int] = [0]
        for enc in switched_debug_set(profile):
            self.add_shadow(14, enc.name, write_mask(profile, enc.name))
        self.cp15_index: Dict[str, int] = dict(CP15_SLOTS)
        self.cp15_wide: List[bool] = [False] + [CP15_SHADOW[n][4] for n in CP15_SHADOW]
        t32, t64 = build_cp14_tables(profile, self.cp14_index)
        self.cp14 = TableSet("CP14", [t32])
        self.cp14_64 = TableSet("CP14 64-bit", [t64])
        target = TARGET_CP15.get(profile.name)
        self.cp15 = TableSet("CP15", ([target] if target is not None else []) + [GENERIC_CP15])

    @property
    def cp14_slots(self) -> int:
        return len(self.cp14_mask)

    @property
    def cp15_slots(self) -> int:
        return len(self.cp15_wide)

    def add_shadow(self, cp: int, name: str, mask: int = MASK32, wide: bool = False) -> int:
        """Allocate a shadow slot for a user register (CP14: with its write view ``mask``); its index.

        VCPUs created afterwards have the slot; rows name it in their ``reg`` field.
        """
        if cp == 14:
            if name in self.cp14_index:
                raise ValueError(f"CP14 shadow {name} exists")
            self.cp14_index[name] = len(self.cp14_mask)
            self.cp14_mask.append(mask)
            return self.cp14_index[name]
        if cp == 15:
            if name in self.cp15_index:
                raise ValueError(f"CP15 shadow {name} exists")
            self.cp15_index[name] = len(self.cp15_wide)
            self.cp15_wide.append(wide)
            return self.cp15_index[name]
        raise ValueError(f"no shadow for coprocessor {cp}")

    def add(self, which: str, table: TrapTable, first: bool = True) -> None:
        """Put a user table in front of (or behind) ``which`` ("cp15", "cp14" or "cp14_64")."""
        sets = {"cp15": self.cp15, "cp14": self.cp14, "cp14_64": self.cp14_64}
        if which not in sets:
            raise ValueError(f"no table set {which!r} (valid: {', '.join(sets)})")
        sets[which].add(table, first)

    def all_rows(self) -> List[CoprocReg]:
        return self.cp15.rows() + self.cp14.rows() + self.cp14_64.rows()

    def reset(self, vcpu: VCPU) -> None:
        """Run every reachable row's reset function (Linux ``reset_coproc_regs``)."""
        for r in self.all_rows():
            if r.reset is not None:
                r.reset(vcpu, r)


def tables_for(cpu: str) -> VcpuTables:
    """The tables of the CPU profile called ``cpu``."""
    return VcpuTables(get_profile(cpu))
