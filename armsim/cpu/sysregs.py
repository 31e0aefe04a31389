"""System register layouts and the system register store (DDI 0406C B4.1, B3.13, B1.14).

Every layout is declared once, as data (:class:`armsim.layout.Layout`); code
reads a field as ``HCR["TGE"].mask`` or ``HCR["TGE"].get(value)``, never a bare
mask.  :class:`SystemRegisters` holds the values of the CP15 system registers
(and the Hyp registers of the Virtualization Extensions): the state the core
needs (SCTLR, SCR, HCR, HSR, VBAR, HVBAR, MVBAR, the fault registers...) lives
here, and the CP15 table (:mod:`armsim.coproc.cp15`) maps encodings onto it.
:class:`CPUState` keeps only core registers and PSRs.

Choice: registers banked between Secure and Non-secure state (SCTLR, VBAR,
TTBRs, ... B3.15.4) have a single copy here; a hypervisor running in
Non-secure state and a Secure boot monitor see the same values.
"""

from __future__ import annotations

from typing import Dict, NamedTuple, Optional, Tuple

from armsim.layout import Layout

MASK32 = 0xFFFFFFFF
MASK64 = (1 << 64) - 1

# B4.1.130 SCTLR (System Control Register).
SCTLR = Layout(
    "SCTLR",
    {
        "TE": (30, 30), "AFE": (29, 29), "TRE": (28, 28), "NMFI": (27, 27), "EE": (25, 25), "VE": (24, 24),
        "U": (22, 22), "FI": (21, 21), "UWXN": (20, 20), "WXN": (19, 19), "HA": (17, 17), "RR": (14, 14),
        "V": (13, 13), "I": (12, 12), "Z": (11, 11), "SW": (10, 10), "B": (7, 7), "CP15BEN": (5, 5),
        "C": (2, 2), "A": (1, 1), "M": (0, 0),
    },
)
# Reset value as on Cortex-A15 (U=1 and the RAO bits 23, 22, 18, 16, 6:3).
SCTLR_RESET = 0x00C50078

# B4.1.66 HSCTLR (Hyp System Control Register).
HSCTLR = Layout(
    "HSCTLR",
    {"TE": (30, 30), "EE": (25, 25), "FI": (21, 21), "WXN": (19, 19), "I": (12, 12), "CP15BEN": (5, 5),
     "C": (2, 2), "A": (1, 1), "M": (0, 0)},
)
# RES1 bits 29:28, 23:22, 18, 16, 11, 4:3; MMU, caches and alignment checking off.
HSCTLR_RESET = 0x30C50818

# B4.1.129 SCR (Secure Configuration Register).
SCR = Layout(
    "SCR",
    {"SIF": (9, 9), "HCE": (8, 8), "SCD": (7, 7), "nET": (6, 6), "AW": (5, 5), "FW": (4, 4), "EA": (3, 3),
     "FIQ": (2, 2), "IRQ": (1, 1), "NS": (0, 0)},
)

# B4.1.111 NSACR (Non-Secure Access Control Register).
NSACR = Layout(
    "NSACR",
    {"RFR": (19, 19), "NSASEDIS": (15, 15), "NSD32DIS": (14, 14), "cp13": (13, 13), "cp12": (12, 12),
     "cp11": (11, 11), "cp10": (10, 10), "cp9_0": (9, 0)},
)

# B4.1.40 CPACR (Coprocessor Access Control Register): cpn at bits 2n+1:2n.
CPACR = Layout(
    "CPACR",
    {"ASEDIS": (31, 31), "D32DIS": (30, 30), "TRCDIS": (28, 28),
     **{f"cp{n}": (2 * n + 1, 2 * n) for n in range(14)}},
)

# B4.1.65 HCR (Hyp Configuration Register).
HCR = Layout(
    "HCR",
    {
        "TGE": (27, 27), "TVM": (26, 26), "TTLB": (25, 25), "TPU": (24, 24), "TPC": (23, 23), "TSW": (22, 22),
        "TAC": (21, 21), "TIDCP": (20, 20), "TSC": (19, 19), "TID3": (18, 18), "TID2": (17, 17),
        "TID1": (16, 16), "TID0": (15, 15), "TWE": (14, 14), "TWI": (13, 13), "DC": (12, 12), "BSU": (11, 10),
        "FB": (9, 9), "VA": (8, 8), "VI": (7, 7), "VF": (6, 6), "AMO": (5, 5), "IMO": (4, 4), "FMO": (3, 3),
        "PTW": (2, 2), "SWIO": (1, 1), "VM": (0, 0),
    },
)

# B4.1.67 HDCR (Hyp Debug Configuration Register).
HDCR = Layout(
    "HDCR",
    {"TDRA": (11, 11), "TDOSA": (10, 10), "TDA": (9, 9), "TDE": (8, 8), "HPME": (7, 7), "TPM": (6, 6),
     "TPMCR": (5, 5), "HPMN": (4, 0)},
)

# B4.1.74 HSTR (Hyp System Trap Register): Tn traps CP15 primary register n (4 and 14 reserved).
HSTR = Layout(
    "HSTR",
    {"TJDBX": (17, 17), "TTEE": (16, 16), **{f"T{n}": (n, n) for n in (0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15)}},
)

# B4.1.71 HCPTR (Hyp Coprocessor Trap Register).
HCPTR = Layout(
    "HCPTR",
    {"TCPAC": (31, 31), "TTA": (20, 20), "TASE": (15, 15), **{f"TCP{n}": (n, n) for n in range(14)}},
)

# B3.13.6 HSR (Hyp Syndrome Register): the ISS layouts per EC are in armsim.coproc.syndrome.
HSR = Layout("HSR", {"EC": (31, 26), "IL": (25, 25), "ISS": (24, 0)})

# B4.1.153 TTBCR.EAE: the Long-descriptor translation table format (selects MAIR0/1 over PRRR/NMRR).
TTBCR_EAE = 1 << 31

# B4.1.88 MIDR; B4.1.106 MPIDR (uniprocessor bit 30 clear, multiprocessing format bit 31 set).
MPIDR = Layout("MPIDR", {"M": (31, 31), "U": (30, 30), "MT": (24, 24), "Aff2": (23, 16), "Aff1": (15, 8),
                         "Aff0": (7, 0)})


class SysReg(NamedTuple):
    """A stored system register: its name, width, reset value, writable bits and layout."""

    name: str
    reset: int = 0
    width: int = 32
    writable: int = MASK32
    layout: Optional[Layout] = None


# The registers held by SystemRegisters (B4.1), in manual order of the CP15 summary.
SYSREGS: Tuple[SysReg, ...] = (
    SysReg("CSSELR", 0, writable=0xF),
    SysReg("SCTLR", SCTLR_RESET, layout=SCTLR),
    SysReg("ACTLR", 0),
    SysReg("CPACR", 0, writable=0xC0000000 | 0x00F00000, layout=CPACR),  # only cp10/cp11 (+ASEDIS/D32DIS)
    SysReg("SCR", 0, writable=0x3FF, layout=SCR),
    SysReg("SDER", 0, writable=0x3),
    SysReg("NSACR", 0, writable=0x0008CC00, layout=NSACR),
    SysReg("TTBR0", 0, width=64, writable=MASK64),
    SysReg("TTBR1", 0, width=64, writable=MASK64),
    SysReg("TTBCR", 0, writable=0x80000077),
    SysReg("DACR", 0),
    SysReg("DFSR", 0),
    SysReg("IFSR", 0),
    SysReg("ADFSR", 0),
    SysReg("AIFSR", 0),
    SysReg("DFAR", 0),
    SysReg("IFAR", 0),
    SysReg("PAR", 0, width=64, writable=MASK64),
    SysReg("PRRR", 0),
    SysReg("NMRR", 0),
    SysReg("MAIR0", 0),
    SysReg("MAIR1", 0),
    SysReg("AMAIR0", 0),
    SysReg("AMAIR1", 0),
    SysReg("VBAR", 0, writable=0xFFFFFFE0),
    SysReg("MVBAR", 0, writable=0xFFFFFFE0),
    SysReg("FCSEIDR", 0, writable=0),
    SysReg("CONTEXTIDR", 0),
    SysReg("TPIDRURW", 0),
    SysReg("TPIDRURO", 0),
    SysReg("TPIDRPRW", 0),
    SysReg("CNTFRQ", 0),
    # Performance Monitors (C12): storage only, no counting.
    SysReg("PMCR", 0x41000000 | (4 << 11), writable=0x3F),
    SysReg("PMCNTENSET", 0, writable=0x8000000F),
    SysReg("PMOVSR", 0, writable=0x8000000F),
    SysReg("PMSELR", 0, writable=0x1F),
    SysReg("PMCCNTR", 0),
    SysReg("PMXEVTYPER", 0),
    SysReg("PMXEVCNTR", 0),
    SysReg("PMUSERENR", 0, writable=0x1),
    SysReg("PMINTENSET", 0, writable=0x8000000F),
    # Cortex-A15 implementation defined (TRM 4.3): L2 control, the configuration base address.
    SysReg("L2CTLR", 0x01000000, writable=0),
    SysReg("L2ECTLR", 0, writable=0x40000000),
    SysReg("CBAR", 0x2C000000, writable=0),
    # Virtualization Extensions (B1.14, B4.1): the Hyp registers.
    SysReg("VPIDR", 0),
    SysReg("VMPIDR", 0),
    SysReg("HSCTLR", HSCTLR_RESET, writable=0x42281007 | 0x20, layout=HSCTLR),
    SysReg("HACTLR", 0),
    SysReg("HCR", 0, writable=0x0FFFFFFF, layout=HCR),
    SysReg("HDCR", 0, writable=0xFFF, layout=HDCR),
    SysReg("HCPTR", 0, writable=0x80109FFF | 0x3000, layout=HCPTR),
    SysReg("HSTR", 0, writable=0x3BFEF, layout=HSTR),
    SysReg("HACR", 0),
    SysReg("HTCR", 0, writable=0x80003F07),
    SysReg("VTCR", 0, writable=0x80003FDF),
    SysReg("HTTBR", 0, width=64, writable=MASK64),
    SysReg("VTTBR", 0, width=64, writable=MASK64),
    SysReg("HSR", 0, layout=HSR),
    SysReg("HADFSR", 0),
    SysReg("HAIFSR", 0),
    SysReg("HDFAR", 0),
    SysReg("HIFAR", 0),
    SysReg("HPFAR", 0, writable=0xFFFFFFF0),
    SysReg("HMAIR0", 0),
    SysReg("HMAIR1", 0),
    SysReg("HAMAIR0", 0),
    SysReg("HAMAIR1", 0),
    SysReg("HVBAR", 0, writable=0xFFFFFFE0),
    SysReg("HTPIDR", 0),
)

SYSREG: Dict[str, SysReg] = {r.name: r for r in SYSREGS}


class SystemRegisters:
    """The values of the system registers in :data:`SYSREGS` (attributes named as the manual does).

    ``write(name, value)`` applies the writable mask (read-only and RAZ/WI
    bits keep their value); plain attribute assignment is for the core's own
    updates (exception entry writing DFSR, HSR, ...).
    """

    CSSELR: int
    SCTLR: int
    ACTLR: int
    CPACR: int
    SCR: int
    SDER: int
    NSACR: int
    TTBR0: int
    TTBR1: int
    TTBCR: int
    DACR: int
    DFSR: int
    IFSR: int
    ADFSR: int
    AIFSR: int
    DFAR: int
    IFAR: int
    PAR: int
    PRRR: int
    NMRR: int
    MAIR0: int
    MAIR1: int
    AMAIR0: int
    AMAIR1: int
    VBAR: int
    MVBAR: int
    FCSEIDR: int
    CONTEXTIDR: int
    TPIDRURW: int
    TPIDRURO: int
    TPIDRPRW: int
    CNTFRQ: int
    PMCR: int
    PMCNTENSET: int
    PMOVSR: int
    PMSELR: int
    PMCCNTR: int
    PMXEVTYPER: int
    PMXEVCNTR: int
    PMUSERENR: int
    PMINTENSET: int
    L2CTLR: int
    L2ECTLR: int
    CBAR: int
    VPIDR: int
    VMPIDR: int
    HSCTLR: int
    HACTLR: int
    HCR: int
    HDCR: int
    HCPTR: int
    HSTR: int
    HACR: int
    HTCR: int
    VTCR: int
    HTTBR: int
    VTTBR: int
    HSR: int
    HADFSR: int
    HAIFSR: int
    HDFAR: int
    HIFAR: int
    HPFAR: int
    HMAIR0: int
    HMAIR1: int
    HAMAIR0: int
    HAMAIR1: int
    HVBAR: int
    HTPIDR: int

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Every register to its declared reset value (B1.9.1 Reset; UNKNOWN values: 0)."""
        for r in SYSREGS:
            setattr(self, r.name, r.reset)

    def read(self, name: str) -> int:
        return int(getattr(self, name))

    def write(self, name: str, value: int) -> None:
        """A software write: only the register's writable bits change."""
        r = SYSREG[name]
        old = getattr(self, name)
        setattr(self, name, (old & ~r.writable) | (value & r.writable))


def _check_declarations() -> None:
    """Import-time check: every declared register is an attribute of SystemRegisters and vice versa."""
    declared = set(SYSREG)
    annotated = set(SystemRegisters.__annotations__)
    if declared != annotated:
        raise RuntimeError(f"SYSREGS and SystemRegisters disagree: {sorted(declared ^ annotated)}")


_check_declarations()
