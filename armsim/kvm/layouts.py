"""Register layouts and CP14/CP15 encodings the hypervisor model needs (DDI 0406C B4.1.67, C11.11).

The masks derive from the layouts declared once for the machine
(:mod:`armsim.cpu.sysregs` HCR/HDCR/HSTR, :mod:`armsim.debug.layouts`): the HDCR
trap bits the world switch programs, the DBGDSCR/DBGBCR/DBGWCR bits the policies
test, the bits a guest write may change in each shadow-backed debug register (the "32-bit view" of
the register, so that a shadow holds exactly what the hardware would), and the
encodings of the registers the world switch moves.

CP14 register numbers (C6.4.1, reference kvm-arm-debug.md section 5): register
R <-> CRn = R[9:7], opc2 = R[6:4], CRm = R[3:0], opc1 = 0.
"""

from __future__ import annotations

from typing import List, NamedTuple

from armsim.cpu.sysregs import HCR, HDCR, HSTR
from armsim.debug import layouts as dbg
from armsim.timing.profiles import CpuProfile

MASK32 = 0xFFFFFFFF

# B4.1.67 HDCR (the layout is armsim.cpu.sysregs.HDCR).
TDRA = HDCR["TDRA"].mask
TDOSA = HDCR["TDOSA"].mask
TDA = HDCR["TDA"].mask
TDE = HDCR["TDE"].mask
TPM = HDCR["TPM"].mask
TPMCR = HDCR["TPMCR"].mask
HPMN = HDCR["HPMN"].mask
# Every trap bit the world switch sets on entry and clears on exit (HPMN and HPME are kept).
HDCR_TRAP_BITS = TDRA | TDOSA | TDA | TDE | TPM | TPMCR

# C11.11 DBGDSCR (the layouts are armsim.debug.layouts).
DBGDSCR_MDBGEN = dbg.DBGDSCR["MDBGen"].mask
# Bits a PL1 write to DBGDSCRext changes (choice, reference 6): MDBGen, UDCCdis, INTdis, ExtDCCmode.
DBGDSCR_EXT_WRITABLE = dbg.DBGDSCR_EXT_WRITABLE

# C11.11 DBGBCR / DBGWCR: E is bit 0.
CTRL_E = dbg.DBGBCR["E"].mask
# DBGBCR writable bits: every field but MASK (28:24), which reads 0 (DBGDEVID.BPAddrMask = 0xF).
DBGBCR_WRITABLE = dbg.DBGBCR.defined_mask & ~dbg.DBGBCR["MASK"].mask
# BT[3] and BT[1] (bits 23, 21) read 0 on a breakpoint that cannot match context (reference 6).
DBGBCR_CONTEXT_BITS = (1 << 23) | (1 << 21)
# DBGWCR writable bits: every field (E, PAC, LSC, BAS, HMC, SSC, LBN, WT, MASK).
DBGWCR_WRITABLE = dbg.DBGWCR.defined_mask
# DBGWVR: address 31:2, bits 1:0 read 0.  DBGBVR keeps all 32 bits (an address or a context ID).
DBGWVR_WRITABLE = 0xFFFFFFFC
DBGBXVR_WRITABLE = dbg.DBGBXVR.defined_mask  # VMID 7:0
DBGVCR_WRITABLE = dbg.DBGVCR.defined_mask  # Secure, Monitor and Non-secure vector bits (reference 6)

# C11.11 DBGOSLSR: OSLM = 0b10 (bit 3), OSLK bit 1; DBGOSLAR key.
DBGOSLSR_OSLM = dbg.DBGOSLSR["OSLM1"].mask
DBGOSLSR_OSLK = dbg.DBGOSLSR["OSLK"].mask
OSLAR_KEY = dbg.OSLAR_KEY
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

# B4.1.67 HDCR is MCR/MRC p15, 4, <Rt>, c1, c1, 1; B4.1.65 HCR p15, 4, c1, c1, 0; B4.1.74 HSTR p15, 4, c1, c1, 3.
HDCR_ENC = cp15("HDCR", 4, 1, 1, 1)
HCR_ENC = cp15("HCR", 4, 1, 1, 0)
HSTR_ENC = cp15("HSTR", 4, 1, 1, 3)
# What KVM/ARM v4.1 traps for a guest (HCR_GUEST_MASK without VM, AMO/IMO/FMO: no stage 2 or interrupt
# controller is modelled), and HSTR.T15 (CP15 c15, the IMPLEMENTATION DEFINED registers).
HCR_GUEST_TRAPS = (HCR["TAC"].mask | HCR["TSW"].mask | HCR["TIDCP"].mask | HCR["TSC"].mask | HCR["TWE"].mask
                   | HCR["TWI"].mask)
HSTR_GUEST_TRAPS = HSTR["T15"].mask


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
