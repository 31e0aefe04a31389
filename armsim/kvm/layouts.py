"""Register layouts and CP14/CP15 encodings the hypervisor model needs (DDI 0406C B4.1.67, C11.11).

Declared once here for :mod:`armsim.kvm`: the HDCR trap bits the world switch
programs, the DBGDSCR/DBGBCR/DBGWCR bits the policies test, the bits a guest
write may change in each shadow-backed debug register (the "32-bit view" of
the register, so that a shadow holds exactly what the hardware would), and the
encodings of the registers the world switch moves.

CP14 register numbers (C6.4.1, reference kvm-arm-debug.md section 5): register
R <-> CRn = R[9:7], opc2 = R[6:4], CRm = R[3:0], opc1 = 0.
"""

from __future__ import annotations

from typing import List, NamedTuple

from armsim.layout import Layout
from armsim.timing.profiles import CpuProfile

MASK32 = 0xFFFFFFFF

# B4.1.67 HDCR, Hyp Debug Configuration Register (Cortex-A15 TRM DDI 0438D; reference 4).
HDCR = Layout(
    "HDCR",
    {"TDRA": (11, 11), "TDOSA": (10, 10), "TDA": (9, 9), "TDE": (8, 8), "HPME": (7, 7), "TPM": (6, 6),
     "TPMCR": (5, 5), "HPMN": (4, 0)},
)
TDRA = HDCR["TDRA"].mask
TDOSA = HDCR["TDOSA"].mask
TDA = HDCR["TDA"].mask
TDE = HDCR["TDE"].mask
TPM = HDCR["TPM"].mask
TPMCR = HDCR["TPMCR"].mask
HPMN = HDCR["HPMN"].mask
# Every trap bit the world switch sets on entry and clears on exit (HPMN and HPME are kept).
HDCR_TRAP_BITS = TDRA | TDOSA | TDA | TDE | TPM | TPMCR

# C11.11 DBGDSCR: the bits the model reads (positions as in reference section 6).
DBGDSCR_MDBGEN = 1 << 15
# Bits a PL1 write to DBGDSCRext changes (choice, reference 6): MDBGen, UDCCdis, INTdis, ExtDCCmode.
DBGDSCR_EXT_WRITABLE = (1 << 15) | (1 << 12) | (1 << 11) | (3 << 20)

# C11.11 DBGBCR / DBGWCR: E is bit 0.
CTRL_E = 1
# DBGBCR writable bits: E, PMC, BAS, HMC, SSC, LBN, BT; MASK (28:24) reads 0 (DBGDEVID.BPAddrMask = 0xF).
DBGBCR_WRITABLE = 0x00FFE1E7
# BT[3] and BT[1] (bits 23, 21) read 0 on a breakpoint that cannot match context (reference 6).
DBGBCR_CONTEXT_BITS = (1 << 23) | (1 << 21)
# DBGWCR writable bits: E, PAC, LSC, BAS, HMC, SSC, LBN, WT, MASK.
DBGWCR_WRITABLE = 0x1F1FFFFF
# DBGWVR: address 31:2, bits 1:0 read 0.  DBGBVR keeps all 32 bits (an address or a context ID).
DBGWVR_WRITABLE = 0xFFFFFFFC
DBGBXVR_WRITABLE = 0xFF  # VMID 7:0
DBGVCR_WRITABLE = 0xDE00DCDE  # Secure, Monitor and Non-secure vector bits (reference 6)

# C11.11 DBGOSLSR: OSLM = 0b10 (bit 3), OSLK bit 1; DBGOSLAR key.
DBGOSLSR_OSLM = 1 << 3
DBGOSLSR_OSLK = 1 << 1
OSLAR_KEY = 0xC5ACCE55
DBGAUTHSTATUS_VALUE = 0xFF  # choice (reference 6): every authentication signal high


class Enc(NamedTuple):
    """A coprocessor register encoding: MRC/MCR p<cp>, opc1, Rt, CRn, CRm, opc2, or MRRC/MCRR (is_64, CRm)."""

    name: str
    cp: int
    opc1: int
    crn: int
    crm: int
    opc2: int
    is_64: bool = False


def cp14(name: str, crn: int, crm: int, opc2: int) -> Enc:
    return Enc(name, 14, 0, crn, crm, opc2)


def cp15(name: str, opc1: int, crn: int, crm: int, opc2: int) -> Enc:
    return Enc(name, 15, opc1, crn, crm, opc2)


def cp15_64(name: str, opc1: int, crm: int) -> Enc:
    return Enc(name, 15, opc1, 0, crm, 0, True)


DBGDIDR = cp14("DBGDIDR", 0, 0, 0)
DBGDSCRint = cp14("DBGDSCRint", 0, 1, 0)
DBGDSCRext = cp14("DBGDSCRext", 0, 2, 2)
DBGVCR = cp14("DBGVCR", 0, 7, 0)

# B4.1.67 HDCR is MCR/MRC p15, 4, <Rt>, c1, c1, 1.
HDCR_ENC = cp15("HDCR", 4, 1, 1, 1)


def dbgbvr(n: int) -> Enc:
    return cp14(f"DBGBVR{n}", 0, n, 4)


def dbgbcr(n: int) -> Enc:
    return cp14(f"DBGBCR{n}", 0, n, 5)


def dbgwvr(n: int) -> Enc:
    return cp14(f"DBGWVR{n}", 0, n, 6)


def dbgwcr(n: int) -> Enc:
    return cp14(f"DBGWCR{n}", 0, n, 7)


def dbgbxvr(n: int) -> Enc:
    return cp14(f"DBGBXVR{n}", 1, n, 1)


def switched_debug_set(profile: CpuProfile) -> List[Enc]:
    """The debug registers a switch moves: the implemented pairs (from DBGDIDR), DBGBXVRn of the
    context-capable BRPs, DBGDSCRext and DBGVCR (reference 2: N = 24 on Cortex-A15/A7)."""
    regs: List[Enc] = []
    for n in range(profile.brps):
        regs += [dbgbvr(n), dbgbcr(n)]
    for n in range(profile.wrps):
        regs += [dbgwvr(n), dbgwcr(n)]
    regs += [dbgbxvr(n) for n in range(profile.brps - profile.ctx_cmps, profile.brps)]
    regs += [DBGDSCRext, DBGVCR]
    return regs


def host_check_set(profile: CpuProfile) -> List[Enc]:
    """What the LAZY host check reads (reference 2 step 2): DBGDSCR and every DBGBCRn / DBGWCRn
    (1 + BRPs + WRPs = 11 reads on Cortex-A15/A7)."""
    return [DBGDSCRint] + [dbgbcr(n) for n in range(profile.brps)] + [dbgwcr(n) for n in range(profile.wrps)]


def write_mask(profile: CpuProfile, name: str) -> int:
    """The bits of debug register ``name`` a PL1 write changes (C11.11; the shadow keeps the same view)."""
    ctx_first = profile.brps - profile.ctx_cmps
    if name.startswith("DBGBCR"):
        n = int(name[6:])
        return DBGBCR_WRITABLE if n >= ctx_first else DBGBCR_WRITABLE & ~DBGBCR_CONTEXT_BITS
    if name.startswith("DBGWCR"):
        return DBGWCR_WRITABLE
    if name.startswith("DBGWVR"):
        return DBGWVR_WRITABLE
    if name.startswith("DBGBXVR"):
        return DBGBXVR_WRITABLE
    if name == "DBGDSCRext":
        return DBGDSCR_EXT_WRITABLE
    if name == "DBGVCR":
        return DBGVCR_WRITABLE
    return MASK32
