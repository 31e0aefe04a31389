"""The coprocessor access predicate: OK / UNDEFINED / trap to Hyp (DDI 0406C B1.14, B3.17; reference 4.1).

Checked in the manual's order for MCR/MRC/MCRR/MRRC/LDC/STC to CP14 and CP15:

1. No such register (unallocated encoding, unimplemented register) or the wrong
   direction (MCR to a read-only register) -> UNDEFINED.
2. Privilege and security state (the row's :class:`Access`) -> UNDEFINED.
   A Hyp trap is only taken for an access that this step permits.
3. Only Non-secure PL0/PL1 accesses trap (never Hyp mode, never Secure state):
   CP15 -- HSTR.Tn (n = CRn, or CRm for MCRR/MRRC), then the HCR trap bits of
   the row (TIDx, TAC, TSW, TPC, TPU, TTLB, TVM for writes) and HCR.TIDCP for
   the implementation defined space, then HDCR.TPM/TPMCR for the PMU, then
   HCPTR.TCPAC for CPACR.
4. CP14 opc1 = 1 (trace) with HCPTR.TTA, opc1 = 6 (ThumbEE) with HSTR.TTEE,
   opc1 = 7 (Jazelle): HSTR.TJDBX traps JOSCR and JMCR (B1.14.5 "Trapping
   accesses to Jazelle functionality", B4.1.74 HSTR), not JIDR, whose reads
   only HCR.TID0 traps (ID group 0: FPSID and JIDR).
5. CP14 opc1 = 0 (debug): the row's HDCR class with the effective bits
   TDRA = TDRA|TDA|TDE|TGE, TDOSA = TDOSA|TDA|TDE|TGE, TDA = TDA|TDE|TGE
   (reference 4, choice: TDE or TGE make the three act as set, as ARMv8 does).
6. Otherwise the access is performed.

For coprocessors 0-13 HCPTR.TCPn traps a Non-secure PL0/PL1 access the
coprocessor itself permitted (B1.14.12); that check is in the bus.
"""

from __future__ import annotations

from typing import Optional

from armsim.coproc.bus import AccessKind, CoprocAccess, Verdict
from armsim.coproc.registers import Access, CPReg
from armsim.coproc.syndrome import (
    EC,
    hsr_cp32,
    hsr_cp64,
    hsr_hcptr,
    hsr_ldc,
    make_hsr,
)
from armsim.cpu.modes import Mode
from armsim.cpu.state import CPUState
from armsim.cpu.sysregs import HCPTR, HCR, HDCR, HSTR

_USR = int(Mode.USR)
_HYP = int(Mode.HYP)
_MON = int(Mode.MON)

_TDRA = HDCR["TDRA"].mask
_TDOSA = HDCR["TDOSA"].mask
_TDA = HDCR["TDA"].mask
_TDE = HDCR["TDE"].mask
_TGE = HCR["TGE"].mask
_TIDCP = HCR["TIDCP"].mask
_TTA = HCPTR["TTA"].mask
_TTEE = HSTR["TTEE"].mask
_TJDBX = HSTR["TJDBX"].mask
_HSTR_T = 0xBFEF  # T0-T3, T5-T13, T15 (B4.1.74)

_WRITES = (AccessKind.MCR, AccessKind.MCRR, AccessKind.LDC)


def is_write(acc: CoprocAccess) -> bool:
    """MCR, MCRR and LDC move data into the coprocessor."""
    return acc.kind in _WRITES


def is_impdef_cp15(crn: int, crm: int) -> bool:
    """B4.2.1 / B1.14.x HCR.TIDCP: the IMPLEMENTATION DEFINED CP15 space (c9 CRm 0-2, 5-8; c10 CRm 0, 1, 4, 8;
    c11 CRm 0-8, 15; all of c15)."""
    if crn == 9:
        return crm in (0, 1, 2, 5, 6, 7, 8)
    if crn == 10:
        return crm in (0, 1, 4, 8)
    if crn == 11:
        return crm <= 8 or crm == 15
    return crn == 15


def effective_hdcr(hdcr: int, hcr: int) -> int:
    """HDCR with TDE (and HCR.TGE) making TDRA, TDOSA and TDA act as 1 (reference 4, choice)."""
    if hdcr & _TDE or hcr & _TGE:
        hdcr |= _TDRA | _TDOSA | _TDA
    elif hdcr & _TDA:
        hdcr |= _TDRA | _TDOSA
    return hdcr


def permitted(cpu: CPUState, acc: CoprocAccess, row: CPReg) -> bool:
    """Step 2: may the current mode and security state make this access (ignoring Hyp traps)?"""
    a = row.access
    write = acc.kind in _WRITES
    mode = cpu.mode
    if mode == _USR:
        ok = bool(a & (Access.W0 if write else Access.R0))
        if ok and row.pl0 is not None:
            ok = row.pl0(cpu)
        return ok
    secure = mode == _MON or not cpu.sys.SCR & 1
    if a & (Access.RH | Access.WH):
        # PL2 registers: Hyp mode, or Monitor mode with SCR.NS = 1 (B3.17.1).
        if not (mode == _HYP or (mode == _MON and cpu.sys.SCR & 1)):
            return False
        return bool(a & (Access.WH if write else Access.RH))
    if not a & (Access.W1 if write else Access.R1):
        return False
    if a & Access.SEC and not secure:
        return False
    return not (write and a & Access.SECW and not secure)


def check_access(cpu: CPUState, acc: CoprocAccess, row: Optional[CPReg]) -> Verdict:
    """The predicate for CP14/CP15 (module docstring): UNDEFINED, TRAP_TO_HYP or OK."""
    if row is None or not permitted(cpu, acc, row):
        return Verdict.UNDEFINED
    return hyp_verdict(cpu, acc, row)


def hyp_verdict(cpu: CPUState, acc: CoprocAccess, row: CPReg) -> Verdict:
    """Steps 3-6 for an access that steps 1-2 permit: TRAP_TO_HYP or OK."""
    mode = cpu.mode
    sr = cpu.sys
    if mode in (_HYP, _MON) or not sr.SCR & 1:
        return Verdict.OK
    write = acc.kind in _WRITES
    if acc.coproc == 15:
        n = acc.crm if acc.kind in (AccessKind.MCRR, AccessKind.MRRC) else acc.crn
        if sr.HSTR & _HSTR_T & (1 << n):
            return Verdict.TRAP_TO_HYP
        hcr = sr.HCR
        if hcr & (row.hcr_write if write else row.hcr_read):
            return Verdict.TRAP_TO_HYP
        if hcr & _TIDCP and mode != _USR and not row.is64 and is_impdef_cp15(acc.crn, acc.crm):
            return Verdict.TRAP_TO_HYP
        if row.hdcr & sr.HDCR:
            return Verdict.TRAP_TO_HYP
        if row.hcptr & sr.HCPTR and mode != _USR:
            return Verdict.TRAP_TO_HYP
        return Verdict.OK
    # CP14.
    opc1 = acc.opc1
    if opc1 == 1:
        return Verdict.TRAP_TO_HYP if sr.HCPTR & _TTA else Verdict.OK
    if opc1 == 6:
        return Verdict.TRAP_TO_HYP if sr.HSTR & _TTEE else Verdict.OK
    if opc1 == 7:
        if sr.HCR & (row.hcr_write if write else row.hcr_read):
            return Verdict.TRAP_TO_HYP  # JIDR reads: HCR.TID0
        if sr.HSTR & _TJDBX and acc.crn != 0:
            return Verdict.TRAP_TO_HYP  # B1.14.5: JOSCR (c1) and JMCR (c2); JIDR (c0) is not TJDBX's

        return Verdict.OK
    if row.hdcr & effective_hdcr(sr.HDCR, sr.HCR):
        return Verdict.TRAP_TO_HYP
    return Verdict.OK


def hcptr_traps(cpu: CPUState, coproc: int) -> bool:
    """B1.14.12: HCPTR.TCPn traps a Non-secure PL0/PL1 access to coprocessor n (0-13)."""
    if cpu.mode in (_HYP, _MON):
        return False
    sr = cpu.sys
    return bool(sr.SCR & 1 and sr.HCPTR & (1 << coproc))


def trap_ec(acc: CoprocAccess) -> int:
    """The HSR.EC of a trapped access (B3.13.6)."""
    if acc.coproc < 14:
        return EC.HCPTR
    k = acc.kind
    if acc.coproc == 15:
        return EC.MCRR_MRRC_CP15 if k in (AccessKind.MCRR, AccessKind.MRRC) else EC.MCR_MRC_CP15
    if k in (AccessKind.MCRR, AccessKind.MRRC):
        return EC.MRRC_CP14
    if k in (AccessKind.LDC, AccessKind.STC):
        return EC.LDC_STC_CP14
    return EC.MCR_MRC_CP14


def trap_hsr(acc: CoprocAccess, il: int, cond: int, imm8: int = 0, add: bool = True, am: int = 0) -> int:
    """The complete HSR of a trapped access; it depends only on the instruction, so ops build it once."""
    ec = trap_ec(acc)
    cond &= 0xF
    if acc.kind is AccessKind.CDP and acc.coproc >= 14:
        return make_hsr(EC.UNKNOWN, il, 0)  # never used: CDP to CP14/CP15 is UNDEFINED (B3.17.1)
    if ec == EC.HCPTR:
        return hsr_hcptr(il, cond, acc.coproc)
    if ec in (EC.MCR_MRC_CP15, EC.MCR_MRC_CP14):
        return hsr_cp32(ec, il, cond, acc.opc1, acc.crn, acc.crm, acc.opc2, acc.rt, acc.kind is AccessKind.MRC)
    if ec in (EC.MCRR_MRRC_CP15, EC.MRRC_CP14):
        return hsr_cp64(ec, il, cond, acc.opc1, acc.crm, acc.rt, acc.rt2, acc.kind is AccessKind.MRRC)
    return hsr_ldc(il, cond, imm8, acc.rt, add, am, acc.kind is AccessKind.LDC)
