"""CP15, the system control coprocessor, as a register table (DDI 0406C B3.17, B4.1, B4.2).

Rows are written in the table's order (CRn, CRm, Opc1, Opc2; a 64-bit row,
keyed by its CRm, before the 32-bit rows of the same slot) and
:class:`~armsim.coproc.registers.RegisterTable` refuses, at import, a
duplicate or misordered pair naming both rows.  Values live in the CPU's
:class:`~armsim.cpu.sysregs.SystemRegisters` (``store``); identification
registers come from the :class:`~armsim.timing.profiles.CpuProfile`.

Cache, branch predictor, TLB and barrier operations are rows that do nothing
(there are no caches or TLBs to maintain, and stores into code already drop
decoded ops) but are checked and trapped like any access.

Choices: MAIR0/MAIR1 share the PRRR/NMRR encodings (B4.1.97) and are selected
by TTBCR.EAE; the 32-bit views of TTBR0/TTBR1/PAR write bits 31:0 and keep
bits 63:32; an address translation operation (ATS1Cxx, ATS1Hx) writes
PAR = VA[31:12] with F = 0 (no MMU: the flat map).
"""

from __future__ import annotations

from typing import Callable, List, Optional, Tuple

from armsim.coproc.registers import (
    HYP_RW,
    HYP_WO,
    PL0_RO,
    PL0_RW,
    PL1_RO,
    PL1_RW,
    PL1_WO,
    Access,
    CPReg,
    RegisterTable,
)
from armsim.cpu.modes import Mode
from armsim.cpu.state import CPUState
from armsim.cpu.sysregs import HCPTR, HCR, HDCR, TTBCR_EAE
from armsim.timing.pmu import PMU
from armsim.timing.profiles import PROFILES, CpuProfile

MASK32 = 0xFFFFFFFF

TID1 = HCR["TID1"].mask
TID2 = HCR["TID2"].mask
TID3 = HCR["TID3"].mask
TAC = HCR["TAC"].mask
TSW = HCR["TSW"].mask
TPC = HCR["TPC"].mask
TPU = HCR["TPU"].mask
TTLB = HCR["TTLB"].mask
TVM = HCR["TVM"].mask
TCPAC = HCPTR["TCPAC"].mask
TPM = HDCR["TPM"].mask
TPMCR = HDCR["TPMCR"].mask

_HYP = int(Mode.HYP)


def _ns_pl1(cpu: CPUState) -> bool:
    """Non-secure PL0/PL1 (not Hyp mode): where VPIDR/VMPIDR replace MIDR/MPIDR (B4.1.158, B4.1.159)."""
    return bool(cpu.sys.SCR & 1) and cpu.mode not in (_HYP, int(Mode.MON))


def _const(value: int) -> Callable[[CPUState], int]:
    def read(cpu: CPUState) -> int:
        return value

    return read


def _nop(cpu: CPUState, value: int) -> None:
    return None


def _pmu_pl0(cpu: CPUState) -> bool:
    """B4.1 PMUSERENR.EN: PL0 may access the Performance Monitors (C12.7)."""
    return bool(cpu.sys.PMUSERENR & 1)


def _sctlr_write(cpu: CPUState, value: int) -> None:
    """SCTLR: state baked into decoded ops (SCTLR.A, .EE, .TE) changes -> flush them."""
    cpu.sys.write("SCTLR", value)
    cpu.decode_state_changed()


def _hsctlr_write(cpu: CPUState, value: int) -> None:
    cpu.sys.write("HSCTLR", value)


def _mair_pair(prrr: str, mair: str) -> Tuple[Callable[[CPUState], int], Callable[[CPUState, int], None]]:
    def read(cpu: CPUState) -> int:
        sr = cpu.sys
        return int(getattr(sr, mair if sr.TTBCR & TTBCR_EAE else prrr))

    def write(cpu: CPUState, value: int) -> None:
        sr = cpu.sys
        setattr(sr, mair if sr.TTBCR & TTBCR_EAE else prrr, value & MASK32)

    return read, write


def _ats_write(cpu: CPUState, value: int) -> None:
    """ATS1Cxx / ATS1Hx: no MMU, the flat map -- PAR = PA[31:12], F = 0 (B4.2.6)."""
    cpu.sys.PAR = value & 0xFFFFF000


_PRRR_R, _PRRR_W = _mair_pair("PRRR", "MAIR0")
_NMRR_R, _NMRR_W = _mair_pair("NMRR", "MAIR1")


def _op(name: str, opc1: int, crn: int, crm: int, opc2: int, trap: int = 0, access: int = PL1_WO) -> CPReg:
    """A maintenance or barrier operation: write-only, does nothing, may trap."""
    return CPReg(name, 15, opc1, crn, crm, opc2, access=access, hcr_write=trap, write=_nop)


def _reg(name: str, opc1: int, crn: int, crm: int, opc2: int, access: int = PL1_RW, tr: int = 0, tw: int = 0,
         hdcr: int = 0, store: str = "", word: int = -1) -> CPReg:
    return CPReg(name, 15, opc1, crn, crm, opc2, access=access, hcr_read=tr, hcr_write=tw, hdcr=hdcr,
                 store=store or name, word=word)


def _r64(name: str, opc1: int, crm: int, access: int = PL1_RW, tw: int = 0) -> CPReg:
    return CPReg(name, 15, opc1, 0, crm, 0, is64=True, access=access, hcr_write=tw, store=name)


def _pmu(name: str, crm: int, opc2: int, pmu: PMU, access: int = PL0_RW, hdcr: int = TPM,
         pl0: bool = True) -> CPReg:
    """A Performance Monitors row (CRn = c9, opc1 = 0; C12, B4.1): ``pmu``'s accessors of that name.

    ``pl0``: a PL0 access also needs PMUSERENR.EN (B4.1 PMUSERENR)."""
    read = getattr(pmu, f"read_{name}", None)
    write = getattr(pmu, f"write_{name}", None)
    if name in ("PMCNTENCLR", "PMINTENCLR"):
        read = getattr(pmu, f"read_{name[:-3]}SET")  # the CLR views read the enable bits too
    return CPReg(name, 15, 0, 9, crm, opc2, access=access, hdcr=hdcr, pl0=_pmu_pl0 if pl0 else None,
                 read=read or _const(0), write=write or _nop)


_PMU_PL0_RO = Access.R0 | Access.R1


def cp15_rows(profile: CpuProfile, pmu: Optional[PMU] = None) -> List[CPReg]:
    """The CP15 rows for ``profile``, in table order; the PMU rows read ``pmu`` (default: one without a
    timing model, whose counters count only SW_INCR)."""
    if pmu is None:
        pmu = PMU(profile)
    ids = profile.ids
    midr = profile.midr

    def ident(name: str, opc1: int, crn: int, crm: int, opc2: int, trap: int) -> CPReg:
        return CPReg(name, 15, opc1, crn, crm, opc2, access=PL1_RO, hcr_read=trap, read=_const(ids.get(name, 0)))

    def read_midr(cpu: CPUState) -> int:
        return cpu.sys.VPIDR if _ns_pl1(cpu) else midr

    mpidr = ids.get("MPIDR", 0x80000000)

    def read_mpidr(cpu: CPUState) -> int:
        return cpu.sys.VMPIDR if _ns_pl1(cpu) else mpidr

    def read_ccsidr(cpu: CPUState) -> int:
        return ids.get(f"CCSIDR{cpu.sys.CSSELR}", 0)

    return [
        # c0: identification (B4.1.x), TID1/TID2/TID3 (B1.14.x).
        CPReg("MIDR", 15, 0, 0, 0, 0, access=PL1_RO, read=read_midr),
        ident("CTR", 0, 0, 0, 1, TID2),
        ident("TCMTR", 0, 0, 0, 2, TID1),
        ident("TLBTR", 0, 0, 0, 3, TID1),
        CPReg("MPIDR", 15, 0, 0, 0, 5, access=PL1_RO, read=read_mpidr),
        ident("REVIDR", 0, 0, 0, 6, TID1),
        CPReg("CCSIDR", 15, 1, 0, 0, 0, access=PL1_RO, hcr_read=TID2, read=read_ccsidr),
        ident("CLIDR", 1, 0, 0, 1, TID2),
        ident("AIDR", 1, 0, 0, 7, TID1),
        _reg("CSSELR", 2, 0, 0, 0, tr=TID2, tw=TID2),
        _reg("VPIDR", 4, 0, 0, 0, access=HYP_RW),
        _reg("VMPIDR", 4, 0, 0, 5, access=HYP_RW),
        ident("ID_PFR0", 0, 0, 1, 0, TID3),
        ident("ID_PFR1", 0, 0, 1, 1, TID3),
        ident("ID_DFR0", 0, 0, 1, 2, TID3),
        ident("ID_AFR0", 0, 0, 1, 3, TID3),
        ident("ID_MMFR0", 0, 0, 1, 4, TID3),
        ident("ID_MMFR1", 0, 0, 1, 5, TID3),
        ident("ID_MMFR2", 0, 0, 1, 6, TID3),
        ident("ID_MMFR3", 0, 0, 1, 7, TID3),
        # 64-bit rows sit at CRn = 0 keyed by their CRm (the KVM order).
        _r64("TTBR0", 0, 2, tw=TVM),
        ident("ID_ISAR0", 0, 0, 2, 0, TID3),
        ident("ID_ISAR1", 0, 0, 2, 1, TID3),
        ident("ID_ISAR2", 0, 0, 2, 2, TID3),
        ident("ID_ISAR3", 0, 0, 2, 3, TID3),
        ident("ID_ISAR4", 0, 0, 2, 4, TID3),
        ident("ID_ISAR5", 0, 0, 2, 5, TID3),
        _r64("TTBR1", 1, 2, tw=TVM),
        _r64("HTTBR", 4, 2, access=HYP_RW),
        _r64("VTTBR", 6, 2, access=HYP_RW),
        _r64("PAR", 0, 7),
        # c1: system control (B4.1.130 SCTLR, B4.1.2 ACTLR, B4.1.40 CPACR, B4.1.129 SCR, ...).
        CPReg("SCTLR", 15, 0, 1, 0, 0, hcr_write=TVM, store="SCTLR", write=_sctlr_write),
        _reg("ACTLR", 0, 1, 0, 1, tr=TAC, tw=TAC),
        CPReg("CPACR", 15, 0, 1, 0, 2, store="CPACR", hcptr=TCPAC),
        CPReg("HSCTLR", 15, 4, 1, 0, 0, access=HYP_RW, store="HSCTLR", write=_hsctlr_write),
        _reg("HACTLR", 4, 1, 0, 1, access=HYP_RW),
        _reg("SCR", 0, 1, 1, 0, access=PL1_RW | Access.SEC),
        _reg("SDER", 0, 1, 1, 1, access=PL1_RW | Access.SEC),
        _reg("NSACR", 0, 1, 1, 2, access=PL1_RW | Access.SECW),
        _reg("HCR", 4, 1, 1, 0, access=HYP_RW),
        # B4.1.67 HDCR: HPME/HPMN decide which enable governs each PMU counter, so writes go to the PMU.
        CPReg("HDCR", 15, 4, 1, 1, 1, access=HYP_RW, read=pmu.read_HDCR, write=pmu.write_HDCR),
        _reg("HCPTR", 4, 1, 1, 2, access=HYP_RW),
        _reg("HSTR", 4, 1, 1, 3, access=HYP_RW),
        _reg("HACR", 4, 1, 1, 7, access=HYP_RW),
        # c2, c3: translation table control (B4.1.153-155 TTBR0/TTBR1/TTBCR, B4.1.43 DACR).
        _reg("TTBR0", 0, 2, 0, 0, tw=TVM, word=0),
        _reg("TTBR1", 0, 2, 0, 1, tw=TVM, word=0),
        _reg("TTBCR", 0, 2, 0, 2, tw=TVM),
        _reg("HTCR", 4, 2, 0, 2, access=HYP_RW),
        _reg("VTCR", 4, 2, 1, 2, access=HYP_RW),
        _reg("DACR", 0, 3, 0, 0, tw=TVM),
        # c5, c6: fault status and address (B4.1.52 DFSR, B4.1.96 IFSR, B4.1.51 DFAR, B4.1.95 IFAR, HSR...).
        _reg("DFSR", 0, 5, 0, 0, tw=TVM),
        _reg("IFSR", 0, 5, 0, 1, tw=TVM),
        _reg("ADFSR", 0, 5, 1, 0, tw=TVM),
        _reg("AIFSR", 0, 5, 1, 1, tw=TVM),
        _reg("HADFSR", 4, 5, 1, 0, access=HYP_RW),
        _reg("HAIFSR", 4, 5, 1, 1, access=HYP_RW),
        _reg("HSR", 4, 5, 2, 0, access=HYP_RW),
        _reg("DFAR", 0, 6, 0, 0, tw=TVM),
        _reg("IFAR", 0, 6, 0, 2, tw=TVM),
        _reg("HDFAR", 4, 6, 0, 0, access=HYP_RW),
        _reg("HIFAR", 4, 6, 0, 2, access=HYP_RW),
        _reg("HPFAR", 4, 6, 0, 4, access=HYP_RW),
        # c7: cache and branch predictor maintenance, address translation, barriers (B4.2.1-B4.2.6).
        _op("ICIALLUIS", 0, 7, 1, 0, TPU),
        _op("BPIALLIS", 0, 7, 1, 6),
        _reg("PAR", 0, 7, 4, 0, word=0),
        _op("ICIALLU", 0, 7, 5, 0, TPU),
        _op("ICIMVAU", 0, 7, 5, 1, TPU),
        _op("CP15ISB", 0, 7, 5, 4, access=Access.W0 | Access.W1),
        _op("BPIALL", 0, 7, 5, 6),
        _op("BPIMVA", 0, 7, 5, 7),
        _op("DCIMVAC", 0, 7, 6, 1, TPC),
        _op("DCISW", 0, 7, 6, 2, TSW),
        CPReg("ATS1CPR", 15, 0, 7, 8, 0, access=PL1_WO, write=_ats_write),
        CPReg("ATS1CPW", 15, 0, 7, 8, 1, access=PL1_WO, write=_ats_write),
        CPReg("ATS1CUR", 15, 0, 7, 8, 2, access=PL1_WO, write=_ats_write),
        CPReg("ATS1CUW", 15, 0, 7, 8, 3, access=PL1_WO, write=_ats_write),
        CPReg("ATS1HR", 15, 4, 7, 8, 0, access=HYP_WO, write=_ats_write),
        CPReg("ATS1HW", 15, 4, 7, 8, 1, access=HYP_WO, write=_ats_write),
        _op("DCCMVAC", 0, 7, 10, 1, TPC),
        _op("DCCSW", 0, 7, 10, 2, TSW),
        _op("CP15DSB", 0, 7, 10, 4, access=Access.W0 | Access.W1),
        _op("CP15DMB", 0, 7, 10, 5, access=Access.W0 | Access.W1),
        _op("DCCMVAU", 0, 7, 11, 1, TPU),
        _op("DCCIMVAC", 0, 7, 14, 1, TPC),
        _op("DCCISW", 0, 7, 14, 2, TSW),
        # c8: TLB maintenance (B4.2.2), HCR.TTLB.
        _op("TLBIALLIS", 0, 8, 3, 0, TTLB),
        _op("TLBIMVAIS", 0, 8, 3, 1, TTLB),
        _op("TLBIASIDIS", 0, 8, 3, 2, TTLB),
        _op("TLBIMVAAIS", 0, 8, 3, 3, TTLB),
        _op("TLBIALLHIS", 4, 8, 3, 0, access=HYP_WO),
        _op("TLBIMVAHIS", 4, 8, 3, 1, access=HYP_WO),
        _op("TLBIALLNSNHIS", 4, 8, 3, 4, access=HYP_WO),
        _op("ITLBIALL", 0, 8, 5, 0, TTLB),
        _op("ITLBIMVA", 0, 8, 5, 1, TTLB),
        _op("ITLBIASID", 0, 8, 5, 2, TTLB),
        _op("DTLBIALL", 0, 8, 6, 0, TTLB),
        _op("DTLBIMVA", 0, 8, 6, 1, TTLB),
        _op("DTLBIASID", 0, 8, 6, 2, TTLB),
        _op("TLBIALL", 0, 8, 7, 0, TTLB),
        _op("TLBIMVA", 0, 8, 7, 1, TTLB),
        _op("TLBIASID", 0, 8, 7, 2, TTLB),
        _op("TLBIMVAA", 0, 8, 7, 3, TTLB),
        _op("TLBIALLH", 4, 8, 7, 0, access=HYP_WO),
        _op("TLBIMVAH", 4, 8, 7, 1, access=HYP_WO),
        _op("TLBIALLNSNH", 4, 8, 7, 4, access=HYP_WO),
        # c9: Cortex-A15 L2 control (IMPLEMENTATION DEFINED: HCR.TIDCP), Performance Monitors (C12.8, HDCR.TPM).
        _reg("L2CTLR", 1, 9, 0, 2),
        _reg("L2ECTLR", 1, 9, 0, 3),
        # B4.1 PMCR ... PMINTENCLR; HDCR.TPM traps them all, HDCR.TPMCR PMCR too (B1.14.17).
        _pmu("PMCR", 12, 0, pmu, hdcr=TPM | TPMCR),
        _pmu("PMCNTENSET", 12, 1, pmu),
        _pmu("PMCNTENCLR", 12, 2, pmu),
        _pmu("PMOVSR", 12, 3, pmu),
        _pmu("PMSWINC", 12, 4, pmu, access=Access.W0 | Access.W1),
        _pmu("PMSELR", 12, 5, pmu),
        _pmu("PMCEID0", 12, 6, pmu, access=_PMU_PL0_RO),
        _pmu("PMCEID1", 12, 7, pmu, access=_PMU_PL0_RO),
        _pmu("PMCCNTR", 13, 0, pmu),
        _pmu("PMXEVTYPER", 13, 1, pmu),
        _pmu("PMXEVCNTR", 13, 2, pmu),
        _pmu("PMUSERENR", 14, 0, pmu, access=PL0_RO | Access.W1, pl0=False),
        _pmu("PMINTENSET", 14, 1, pmu, access=PL1_RW, pl0=False),
        _pmu("PMINTENCLR", 14, 2, pmu, access=PL1_RW, pl0=False),
        # c10: memory attributes (B4.1.127 PRRR / MAIR0, B4.1.110 NMRR / MAIR1, B4.1.5 AMAIR).
        CPReg("PRRR", 15, 0, 10, 2, 0, hcr_write=TVM, read=_PRRR_R, write=_PRRR_W),
        CPReg("NMRR", 15, 0, 10, 2, 1, hcr_write=TVM, read=_NMRR_R, write=_NMRR_W),
        _reg("HMAIR0", 4, 10, 2, 0, access=HYP_RW),
        _reg("HMAIR1", 4, 10, 2, 1, access=HYP_RW),
        _reg("AMAIR0", 0, 10, 3, 0, tw=TVM),
        _reg("AMAIR1", 0, 10, 3, 1, tw=TVM),
        _reg("HAMAIR0", 4, 10, 3, 0, access=HYP_RW),
        _reg("HAMAIR1", 4, 10, 3, 1, access=HYP_RW),
        # c12: vector base addresses (B4.1.156 VBAR, B4.1.107 MVBAR, B4.1.80 HVBAR).
        _reg("VBAR", 0, 12, 0, 0),
        _reg("MVBAR", 0, 12, 0, 1, access=PL1_RW | Access.SEC),
        _reg("HVBAR", 4, 12, 0, 0, access=HYP_RW),
        # c13: process, context and thread ID (B4.1.44 FCSEIDR RAZ/WI, B4.1.36 CONTEXTIDR, B4.1.150-152 TPIDRs).
        _reg("FCSEIDR", 0, 13, 0, 0),
        _reg("CONTEXTIDR", 0, 13, 0, 1, tw=TVM),
        _reg("TPIDRURW", 0, 13, 0, 2, access=PL0_RW),
        _reg("TPIDRURO", 0, 13, 0, 3, access=PL0_RO | Access.W1),
        _reg("TPIDRPRW", 0, 13, 0, 4),
        _reg("HTPIDR", 4, 13, 0, 2, access=HYP_RW),
        # c14: generic timer frequency (B4.1.21 CNTFRQ: PL0 readable, writable only in Secure PL1).
        _reg("CNTFRQ", 0, 14, 0, 0, access=PL0_RO | Access.W1 | Access.SECW),
        # c15: Cortex-A15 configuration base address (IMPLEMENTATION DEFINED: HCR.TIDCP).
        CPReg("CBAR", 15, 4, 15, 0, 0, access=PL1_RO, store="CBAR"),
    ]


def cp15_table(profile: CpuProfile, pmu: Optional[PMU] = None) -> RegisterTable:
    """The CP15 table of ``profile`` (order checked: a misordered row raises naming both)."""
    return RegisterTable(f"CP15 ({profile.name})", cp15_rows(profile, pmu))


# Import-time check of the row order, for every profile.
for _p in PROFILES.values():
    cp15_table(_p)
