"""Reference oracles a property test asserts against, written from the manual (not from the bus code).

* :func:`expected_trap` -- what a CP14/CP15 access must do in a given state:
  not executed, UNDEFINED, a Hyp trap with its HSR, or a direct access.  The
  checks run in the manual's order (DDI 0406C B1.14.1 and B3.17; reference
  ``kvm-arm-debug.md`` section 4.1):

  0. the condition (A8.3): a conditional access that fails it is not executed
     -- armsim's choice for the IMPLEMENTATION DEFINED trapping of
     condition-failed instructions (B1.14.1) is "not trapped", and an
     UNDEFINED instruction under a failed condition is a NOP (A8.3);
  1. an UNPREDICTABLE operand choice (A8.8.55, A8.8.98-A8.8.100) -- armsim
     chooses UNDEFINED; an instruction form CP14/CP15 do not have, an
     unallocated or unimplemented register, or the wrong direction -> UNDEFINED;
  2. privilege and security state (the register's access, B3.17.1; PL0 gates
     DBGDSCR.UDCCdis and PMUSERENR.EN) -> UNDEFINED;
  3. only Non-secure PL0/PL1 accesses trap (never Hyp mode, never Secure
     state, B1.14.1).  CP15: HSTR.Tn (n = CRn, or CRm for MCRR/MRRC; B1.14.14),
     the HCR bits of the register (TID0-TID3, TAC, TSW, TPC, TPU, TTLB, TVM;
     B1.14.3-B1.14.13), HCR.TIDCP for the IMPLEMENTATION DEFINED space from
     PL1 (B1.14.3), HCPTR.TCPAC for CPACR (B1.14.12), HDCR.TPM/TPMCR for the
     Performance Monitors (B1.14.17) -> EC 0x03 / 0x04;
  4. CP14: HSTR.TTEE for ThumbEE (opc1 6); for the Jazelle registers (opc1 7)
     HCR.TID0 for JIDR reads (ID group 0) and HSTR.TJDBX for JOSCR and JMCR
     only (B1.14.5, B4.1.74); for the debug registers (opc1 0) the HDCR
     class with TDE and HCR.TGE making TDRA, TDOSA and TDA act as 1, and TDA
     making TDRA and TDOSA act as 1 (B1.14.15; reference section 4 choice)
     -> EC 0x05, 0x06 or 0x0C;
  5. otherwise the access is performed.

  The HSR of a trap (B3.13.6): IL = 1 (every coprocessor instruction is 32
  bits), CV = 1, COND = the condition the instruction executed under (0xE when
  it is unconditional), then the ISS fields of the EC.

* :func:`decode_hsr` -- an HSR split into EC, IL and the ISS fields of its EC.
* :func:`table_order_problem` -- KVM's ``check_reg_table`` rule for trap tables.
"""

from __future__ import annotations

import enum
from typing import Any, Callable, Dict, NamedTuple, Optional, Sequence, Tuple

from armsim.testing.catalogue import Catalogue, RefReg
from armsim.testing.encodings import AL, CoprocInsn
from armsim.testing.manual import DBGDSCR, EC, HCPTR, HCR, HDCR, HSR, HSTR, HSTR_T, ISS_LAYOUTS

# Processor modes (B1.3.1, Table B1-1).
USR, FIQ, IRQ, SVC, MON, ABT, HYP, UND, SYS = 0x10, 0x11, 0x12, 0x13, 0x16, 0x17, 0x1A, 0x1B, 0x1F
MODES = (USR, FIQ, IRQ, SVC, MON, ABT, HYP, UND, SYS)


class Verdict(enum.Enum):
    """What an access does."""

    NOT_EXECUTED = "not executed"
    UNDEFINED = "UNDEFINED"
    HYP_TRAP = "Hyp trap"
    DIRECT = "direct"


class Expected(NamedTuple):
    """The oracle's answer: the verdict, the rule that decided it, the register, and a trap's HSR."""

    verdict: Verdict
    reason: str
    register: str = ""
    hsr: int = 0

    @property
    def ec(self) -> int:
        """HSR.EC of a Hyp trap (-1 otherwise)."""
        return HSR["EC"].get(self.hsr) if self.verdict is Verdict.HYP_TRAP else -1

    @property
    def iss(self) -> int:
        return HSR["ISS"].get(self.hsr)


class TrapState(NamedTuple):
    """The state an access is judged in: mode, security state, the Hyp trap controls, the PL0 gates.

    ``ns`` is SCR.NS (Monitor mode is Secure whatever its value; Hyp mode needs
    ``ns``).  ``nzcv`` is APSR.N:Z:C:V as a 4-bit number.  The debug resources
    (``brps``, ``wrps``, ``ctx_cmps``) are those of the CPU profile.

    >>> TrapState(mode=SVC, HDCR=HDCR.pack(TDA=1)).secure
    False
    """

    mode: int = SVC
    ns: bool = True
    HCR: int = 0
    HDCR: int = 0
    HSTR: int = 0
    HCPTR: int = 0
    DBGDSCR: int = 0
    PMUSERENR: int = 0
    nzcv: int = 0
    brps: int = 6
    wrps: int = 4
    ctx_cmps: int = 2

    @property
    def secure(self) -> bool:
        return self.mode == MON or not self.ns

    @property
    def traps_apply(self) -> bool:
        """B1.14.1: Hyp traps apply to Non-secure PL0 and PL1 only."""
        return self.ns and self.mode not in (HYP, MON)


def condition_passed(cond: int, nzcv: int) -> bool:
    """A8.3.1 ConditionPassed: cond<3:1> selects the test, cond<0> inverts it (except for 1111)."""
    n, z, c, v = (nzcv >> 3) & 1, (nzcv >> 2) & 1, (nzcv >> 1) & 1, nzcv & 1
    base = cond >> 1
    if base == 0:
        result = z == 1
    elif base == 1:
        result = c == 1
    elif base == 2:
        result = n == 1
    elif base == 3:
        result = v == 1
    elif base == 4:
        result = c == 1 and z == 0
    elif base == 5:
        result = n == v
    elif base == 6:
        result = n == v and z == 0
    else:
        result = True
    if cond & 1 and cond != 0xF:
        result = not result
    return result


_CATALOGUES: Dict[Tuple[int, int, int], Catalogue] = {}


def catalogue_for(state: TrapState) -> Catalogue:
    key = (state.brps, state.wrps, state.ctx_cmps)
    cat = _CATALOGUES.get(key)
    if cat is None:
        cat = _CATALOGUES[key] = Catalogue(*key)
    return cat


def _unpredictable(a: CoprocInsn) -> str:
    """The operand rule an UNPREDICTABLE encoding breaks ("" if none), per instruction and set."""
    t32 = a.isa == "T32"
    bad = (15, 13) if t32 else (15,)
    k = a.kind
    if k == "MCR" and a.rt in bad:
        return "A8.8.98 MCR: t == 15" + (" || t == 13" if t32 else "")
    if k == "MRC" and t32 and a.rt == 13:
        return "A8.8.107 MRC: t == 13"
    if k == "MCRR" and (a.rt in bad or a.rt2 in bad):
        return "A8.8.99 MCRR: t or t2 is PC" + (" or SP" if t32 else "")
    if k == "MRRC" and (a.rt in bad or a.rt2 in bad or a.rt == a.rt2):
        return "A8.8.108 MRRC: t or t2 is PC" + (" or SP" if t32 else "") + ", or t == t2"
    if k in ("LDC", "STC"):
        if not (a.p or a.u or a.w):
            return f"A8.8.55 {k}: P = U = W = 0 is not {k} (A5.6)"
        if a.rt == 15 and (a.w or (t32 and (k == "STC" or not a.p))):
            return f"A8.8.55 {k}: n == 15 with writeback" + (" or unindexed in T32" if t32 else "")
    return ""


def _hsr(a: CoprocInsn, ec: int) -> int:
    cond = AL if a.two or a.cond >= AL else a.cond
    if ec in (EC.MCR_MRC_CP15, EC.MCR_MRC_CP14):
        iss = ISS_LAYOUTS[ec].pack(CV=1, COND=cond, Opc2=a.opc2, Opc1=a.opc1, CRn=a.crn, Rt=a.rt, CRm=a.crm,
                                   Direction=int(not a.is_write))
    elif ec in (EC.MCRR_MRRC_CP15, EC.MRRC_CP14):
        iss = ISS_LAYOUTS[ec].pack(CV=1, COND=cond, Opc1=a.opc1, Rt2=a.rt2, Rt=a.rt, CRm=a.crm,
                                   Direction=int(not a.is_write))
    else:
        if a.rt == 15 and a.kind == "LDC":
            am = 0b110 if a.p else 0b100
        else:
            am = (a.p << 1) | a.w
        iss = ISS_LAYOUTS[ec].pack(CV=1, COND=cond, imm8=a.imm8, Rn=a.rt, Offset=a.u, AM=am,
                                   Direction=int(a.kind == "LDC"))
    return HSR.pack(EC=int(ec), IL=1, ISS=iss)


def _permitted(a: CoprocInsn, reg: RefReg, s: TrapState) -> bool:
    """Step 2: may this mode and security state make the access, Hyp trap controls aside (B3.17.1)?"""
    acc = reg.access
    write = a.is_write
    if s.mode == USR:
        if ("W0" if write else "R0") not in acc:
            return False
        if reg.pl0_gate == "UDCC":
            return not DBGDSCR["UDCCdis"].get(s.DBGDSCR)
        if reg.pl0_gate == "PMU":
            return bool(s.PMUSERENR & 1)
        return True
    pl1 = ("W1" if write else "R1") in acc
    pl2 = ("WH" if write else "RH") in acc
    if pl1 and not s.secure and ("S" in acc or (write and "SW" in acc)):
        pl1 = False
    if s.mode == HYP:
        return pl1 or pl2
    if pl2 and not pl1:
        return s.mode == MON and s.ns
    return pl1


def _is_impdef(crn: int, crm: int) -> bool:
    """B1.14.3 HCR.TIDCP: the IMPLEMENTATION DEFINED (lockdown, DMA, TCM) CP15 space."""
    if crn == 9:
        return crm in (0, 1, 2, 5, 6, 7, 8)
    if crn == 10:
        return crm in (0, 1, 4, 8)
    if crn == 11:
        return crm <= 8 or crm == 15
    return crn == 15


def effective_hdcr(hdcr: int, hcr: int) -> int:
    """The HDCR trap bits as they act (reference section 4 choice, as ARMv8 defines it)."""
    out = hdcr
    if HDCR["TDE"].get(hdcr) or HCR["TGE"].get(hcr):
        out |= HDCR["TDA"].mask
    if out & HDCR["TDA"].mask:
        out |= HDCR["TDRA"].mask | HDCR["TDOSA"].mask
    return out


def _fields_set(layout_value: int, layout: Any, names: Sequence[str]) -> str:
    for n in names:
        if layout[n].get(layout_value):
            return n
    return ""


def expected_trap(access: CoprocInsn, state: TrapState) -> Expected:
    """What ``access`` must do in ``state`` (module docstring, steps 0-5).

    >>> from armsim.testing.encodings import CoprocInsn
    >>> e = expected_trap(CoprocInsn("MCR", 14, 0, 0, 0, 5, rt=1), TrapState(HDCR=HDCR.pack(TDA=1)))
    >>> e.verdict.name, hex(e.hsr), e.register   # MCR p14, 0, r1, c0, c0, 5 (DBGBCR0): reference 3.3
    ('HYP_TRAP', '0x17ea0020', 'DBGBCR0')
    >>> expected_trap(CoprocInsn("MRC", 15, 4, 1, 1, 0), TrapState(mode=SVC)).verdict.name   # HCR from PL1
    'UNDEFINED'
    """
    a, s = access, state
    if s.mode not in MODES:
        raise ValueError(f"mode {s.mode:#x} is not a processor mode (B1.3.1)")
    if s.mode == HYP and not s.ns:
        raise ValueError("Hyp mode exists only in Non-secure state (B1.3.1): set ns=True")
    if a.kind not in ("MCR", "MRC", "MCRR", "MRRC", "LDC", "STC"):
        raise ValueError(f"unknown access kind {a.kind!r}")
    if a.coproc not in (14, 15):
        raise ValueError(f"expected_trap judges CP14 and CP15 accesses, not p{a.coproc}")
    # 0. The condition (A8.3, B1.14.1 choice).
    if not a.two and a.cond != AL and not condition_passed(a.cond, s.nzcv):
        return Expected(Verdict.NOT_EXECUTED, "A8.3: condition failed (B1.14.1 choice: not trapped)")
    # 1. Encoding, register, direction.
    why = _unpredictable(a)
    if why:
        return Expected(Verdict.UNDEFINED, f"UNPREDICTABLE ({why}): armsim chooses UNDEFINED")
    if a.two:
        return Expected(Verdict.UNDEFINED, f"{a.kind}2 to CP{a.coproc}: not a CP14/CP15 instruction (A2.9, B3.17)")
    if a.is_load_store:
        if a.coproc == 15:
            return Expected(Verdict.UNDEFINED, f"{a.kind} to CP15 (B3.17)")
        if a.crd != 5 or a.d:
            return Expected(Verdict.UNDEFINED, f"{a.kind} p14 reaches only DBGDTRint as c5 without L (C6.4.2)")
        reg: Optional[RefReg] = catalogue_for(s).find(14, 0, 0, 5, 0, False)
    elif a.kind == "MCRR" and a.coproc == 14:
        return Expected(Verdict.UNDEFINED, "MCRR to CP14: no writable 64-bit debug register (reference 5)")
    else:
        reg = catalogue_for(s).find(a.coproc, a.opc1, a.crn, a.crm, a.opc2, a.is_64)
    if reg is None:
        return Expected(Verdict.UNDEFINED, "unallocated or unimplemented register (reference 4.1 step 1)")
    tokens = ("W0", "W1", "WH") if a.is_write else ("R0", "R1", "RH")
    if not any(t in reg.access for t in tokens):
        return Expected(Verdict.UNDEFINED, f"{reg.name} is {'read' if a.is_write else 'write'}-only", reg.name)
    # 2. Privilege and security state.
    if not _permitted(a, reg, s):
        return Expected(Verdict.UNDEFINED, f"{reg.name}: not accessible from mode {s.mode:#x}"
                        f"{' Secure' if s.secure else ' Non-secure'} (B3.17.1)", reg.name)
    # 3-4. Hyp traps.
    if s.traps_apply:
        trap = _trap_rule(a, reg, s)
        if trap:
            if a.coproc == 15:
                ec = EC.MCRR_MRRC_CP15 if a.is_64 else EC.MCR_MRC_CP15
            elif a.is_load_store:
                ec = EC.LDC_STC_CP14
            else:
                ec = EC.MRRC_CP14 if a.is_64 else EC.MCR_MRC_CP14
            return Expected(Verdict.HYP_TRAP, trap, reg.name, _hsr(a, ec))
    return Expected(Verdict.DIRECT, "permitted, no Hyp trap control applies", reg.name)


def _trap_rule(a: CoprocInsn, reg: RefReg, s: TrapState) -> str:
    """The trap control that takes ``a`` to Hyp mode ("" if none), steps 3 and 4."""
    hcr_bits = reg.hcr_write if a.is_write else reg.hcr_read
    if a.coproc == 15:
        n = a.crm if a.is_64 else a.crn
        if n in HSTR_T and HSTR[f"T{n}"].get(s.HSTR):
            return f"HSTR.T{n} (B1.14.14)"
        hit = _fields_set(s.HCR, HCR, hcr_bits)
        if hit:
            return f"HCR.{hit} (B1.14.3-B1.14.13)"
        if HCR["TIDCP"].get(s.HCR) and s.mode != USR and not a.is_64 and _is_impdef(a.crn, a.crm):
            return "HCR.TIDCP (B1.14.3)"
        hit = _fields_set(s.HCPTR, HCPTR, reg.hcptr)
        if hit:
            return f"HCPTR.{hit} (B1.14.12)"
        hit = _fields_set(s.HDCR, HDCR, reg.hdcr)
        if hit:
            return f"HDCR.{hit} (B1.14.17)"
        return ""
    if reg.opc1 == 6:
        return "HSTR.TTEE (B1.14.14)" if HSTR["TTEE"].get(s.HSTR) else ""
    if reg.opc1 == 7:
        hit = _fields_set(s.HCR, HCR, hcr_bits)
        if hit:
            return f"HCR.{hit} (B1.14.5)"
        # B1.14.5 "Trapping accesses to Jazelle functionality" (B4.1.74 HSTR.TJDBX): JOSCR and JMCR
        # (and BXJ); JIDR is not in that list, its reads are ID group 0 (HCR.TID0, above).
        if HSTR["TJDBX"].get(s.HSTR) and reg.name in ("JOSCR", "JMCR"):
            return "HSTR.TJDBX (B1.14.5)"
        return ""
    hit = _fields_set(effective_hdcr(s.HDCR, s.HCR), HDCR, reg.hdcr)
    return f"HDCR.{hit} effective (B1.14.15)" if hit else ""


def decode_hsr(hsr: int) -> Dict[str, int]:
    """HSR (B3.13.6) -> ``{"EC", "IL", <ISS fields of the EC>}``; a reserved EC keeps ``ISS`` whole.

    >>> decode_hsr(0x17E00003)["CRm"], decode_hsr(0x17E00003)["Direction"]   # MRC p14,0,r0,c0,c1,0
    (1, 1)
    >>> decode_hsr(0x4A000000)
    {'EC': 18, 'IL': 1, 'imm16': 0}
    """
    if not 0 <= hsr <= 0xFFFFFFFF:
        raise ValueError(f"HSR {hsr:#x} is not a 32-bit value")
    f = HSR.unpack(hsr)
    out = {"EC": f["EC"], "IL": f["IL"]}
    layout = ISS_LAYOUTS.get(f["EC"])
    if layout is None:
        out["ISS"] = f["ISS"]
    else:
        out.update(layout.unpack(f["ISS"]))
    return out


# -- trap tables (KVM's check_reg_table, reference section 8) ----------------------------------


class TableRow(NamedTuple):
    """A trap-table row's encoding, as KVM's ``struct coproc_reg`` names it (reference section 8)."""

    Op1: int
    CRn: int
    CRm: int
    Op2: int
    is_64: bool = False
    name: str = ""


def row_order_key(row: Any) -> Tuple[int, int, int, int, int]:
    """Ascending CRn, CRm, Op1, Op2; a 64-bit row before a 32-bit one on a tie (reference 8)."""
    return (row.CRn, row.CRm, row.Op1, row.Op2, 0 if row.is_64 else 1)


def table_order_problem(rows: Sequence[Any], key: Callable[[Any], Any] = row_order_key
                        ) -> Optional[Tuple[int, int]]:
    """The first adjacent pair (i, i+1) not strictly increasing, or None for a valid table.

    >>> table_order_problem([TableRow(0, 0, 0, 0), TableRow(0, 0, 1, 0), TableRow(0, 0, 1, 0)])
    (1, 2)
    """
    for i in range(len(rows) - 1):
        if not key(rows[i]) < key(rows[i + 1]):
            return (i, i + 1)
    return None
