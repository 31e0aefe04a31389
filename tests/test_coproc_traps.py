"""Coprocessor access checks: UNDEFINED / Hyp trap / direct, against a reference written from the manual.

DDI 0406C B1.14 (Hyp traps: B1.14.3 HCR.TIDx, B1.14.4 TAC, B1.14.5 TSW/TPC/TPU, B1.14.6 TTLB, B1.14.7
TVM, B1.14.8 TIDCP, B1.14.12 HCPTR, B1.14.14 HSTR, B1.14.15 HDCR debug, B1.14.17 PMU), B3.17 (CP15
access per PL and security state), C6.4 (CP14 debug), reference section 4.1 (the check order).

The reference predicate below is written independently of armsim.coproc.access, from the manual's
register tables: each row states the encoding, who may access it, and the trap control that
applies.  The property runs one instruction on a fresh core in Non-secure PL0, PL1 or Hyp mode
with random HSTR/HCR/HDCR/HCPTR and compares the outcome and the HSR (re-decoded field by field).
"""

from __future__ import annotations

import random
import struct
from typing import NamedTuple, Optional, Tuple

from hypothesis import given, settings
from hypothesis import strategies as st

from armsim.coproc.syndrome import decode_hsr
from armsim.cpu.modes import Mode
from tests.conftest import profile_examples
from tests.helpers import CODE, TestMachine, system_machine
from tests.test_a32_coproc import CDP, LDC, MCR, MCRR, MRC, MRRC, NOP_WORD, STC

# HCR bits (B4.1.65), HDCR bits (B4.1.67), HCPTR bits (B4.1.71), HSTR bits (B4.1.74).
HCR_BITS = {"TID0": 15, "TID1": 16, "TID2": 17, "TID3": 18, "TIDCP": 20, "TAC": 21, "TSW": 22, "TPC": 23,
            "TPU": 24, "TTLB": 25, "TVM": 26, "TGE": 27}
TDRA, TDOSA, TDA, TDE, TPM, TPMCR = 1 << 11, 1 << 10, 1 << 9, 1 << 8, 1 << 6, 1 << 5
TCPAC, TTA = 1 << 31, 1 << 20
TTEE, TJDBX = 1 << 16, 1 << 17


class Ref(NamedTuple):
    """One register as the manual describes it.

    pl0: "" none, "R" read, "W" write, "RW"; pl1: "R", "W", "RW" ("" = Hyp-only register);
    secure: "all" (every access Secure-only), "w" (writes Secure-only), "" none;
    trap_r / trap_w: HCR trap names for reads / writes; other: "TPM", "TPMCR", "TCPAC", "TIDCP",
    "TDRA", "TDOSA", "TDA", "TTEE", "TJDBX" -- the other control that traps it ("JAZELLE": an opc1 = 7
    register HSTR.TJDBX does not trap).
    """

    name: str
    cp: int
    opc1: int
    crn: int
    crm: int
    opc2: int
    is64: bool = False
    pl0: str = ""
    pl1: str = "RW"
    secure: str = ""
    trap_r: Tuple[str, ...] = ()
    trap_w: Tuple[str, ...] = ()
    other: Tuple[str, ...] = ()
    hyp: str = "RW"  # a Hyp register's access in Hyp mode (pl1 == ""); "" = unallocated
    pmu: bool = False  # PL0 access also needs PMUSERENR.EN (C12.8)
    dcc: bool = False  # PL0 access also needs DBGDSCR.UDCCdis = 0 (C6.4)


R = Ref
CP15 = [
    R("MIDR", 15, 0, 0, 0, 0, pl1="R"), R("CTR", 15, 0, 0, 0, 1, pl1="R", trap_r=("TID2",)),
    R("TCMTR", 15, 0, 0, 0, 2, pl1="R", trap_r=("TID1",)), R("TLBTR", 15, 0, 0, 0, 3, pl1="R", trap_r=("TID1",)),
    R("MPIDR", 15, 0, 0, 0, 5, pl1="R"), R("REVIDR", 15, 0, 0, 0, 6, pl1="R", trap_r=("TID1",)),
    R("ID_PFR0", 15, 0, 0, 1, 0, pl1="R", trap_r=("TID3",)), R("ID_MMFR3", 15, 0, 0, 1, 7, pl1="R", trap_r=("TID3",)),
    R("ID_ISAR5", 15, 0, 0, 2, 5, pl1="R", trap_r=("TID3",)),
    R("CCSIDR", 15, 1, 0, 0, 0, pl1="R", trap_r=("TID2",)), R("CLIDR", 15, 1, 0, 0, 1, pl1="R", trap_r=("TID2",)),
    R("AIDR", 15, 1, 0, 0, 7, pl1="R", trap_r=("TID1",)),
    R("CSSELR", 15, 2, 0, 0, 0, trap_r=("TID2",), trap_w=("TID2",)),
    R("VPIDR", 15, 4, 0, 0, 0, pl1=""), R("SCTLR", 15, 0, 1, 0, 0, trap_w=("TVM",)),
    R("ACTLR", 15, 0, 1, 0, 1, trap_r=("TAC",), trap_w=("TAC",)), R("CPACR", 15, 0, 1, 0, 2, other=("TCPAC",)),
    R("SCR", 15, 0, 1, 1, 0, secure="all"), R("SDER", 15, 0, 1, 1, 1, secure="all"),
    R("NSACR", 15, 0, 1, 1, 2, secure="w"), R("HCR", 15, 4, 1, 1, 0, pl1=""), R("HDCR", 15, 4, 1, 1, 1, pl1=""),
    R("TTBR0", 15, 0, 2, 0, 0, trap_w=("TVM",)), R("TTBCR", 15, 0, 2, 0, 2, trap_w=("TVM",)),
    R("DACR", 15, 0, 3, 0, 0, trap_w=("TVM",)), R("DFSR", 15, 0, 5, 0, 0, trap_w=("TVM",)),
    R("AIFSR", 15, 0, 5, 1, 1, trap_w=("TVM",)), R("HSR", 15, 4, 5, 2, 0, pl1=""),
    R("DFAR", 15, 0, 6, 0, 0, trap_w=("TVM",)), R("IFAR", 15, 0, 6, 0, 2, trap_w=("TVM",)),
    R("ICIALLUIS", 15, 0, 7, 1, 0, pl1="W", trap_w=("TPU",)), R("BPIALL", 15, 0, 7, 5, 6, pl1="W"),
    R("ICIMVAU", 15, 0, 7, 5, 1, pl1="W", trap_w=("TPU",)), R("DCIMVAC", 15, 0, 7, 6, 1, pl1="W", trap_w=("TPC",)),
    R("DCISW", 15, 0, 7, 6, 2, pl1="W", trap_w=("TSW",)), R("DCCMVAC", 15, 0, 7, 10, 1, pl1="W", trap_w=("TPC",)),
    R("CP15DSB", 15, 0, 7, 10, 4, pl0="W", pl1="W"), R("CP15ISB", 15, 0, 7, 5, 4, pl0="W", pl1="W"),
    R("DCCMVAU", 15, 0, 7, 11, 1, pl1="W", trap_w=("TPU",)), R("DCCISW", 15, 0, 7, 14, 2, pl1="W", trap_w=("TSW",)),
    R("PAR", 15, 0, 7, 4, 0), R("TLBIALLIS", 15, 0, 8, 3, 0, pl1="W", trap_w=("TTLB",)),
    R("TLBIMVA", 15, 0, 8, 7, 1, pl1="W", trap_w=("TTLB",)), R("TLBIALLH", 15, 4, 8, 7, 0, pl1="", hyp="W"),
    R("L2CTLR", 15, 1, 9, 0, 2, other=("TIDCP",)),
    R("PMCR", 15, 0, 9, 12, 0, pl0="RW", other=("TPM", "TPMCR"), pmu=True),
    R("PMSELR", 15, 0, 9, 12, 5, pl0="RW", other=("TPM",), pmu=True),
    R("PMCCNTR", 15, 0, 9, 13, 0, pl0="RW", other=("TPM",), pmu=True),
    R("PMUSERENR", 15, 0, 9, 14, 0, pl0="R", other=("TPM",)),
    R("PRRR", 15, 0, 10, 2, 0, trap_w=("TVM",)), R("AMAIR1", 15, 0, 10, 3, 1, trap_w=("TVM",)),
    R("VBAR", 15, 0, 12, 0, 0), R("MVBAR", 15, 0, 12, 0, 1, secure="all"), R("HVBAR", 15, 4, 12, 0, 0, pl1=""),
    R("CONTEXTIDR", 15, 0, 13, 0, 1, trap_w=("TVM",)), R("TPIDRURW", 15, 0, 13, 0, 2, pl0="RW"),
    R("TPIDRURO", 15, 0, 13, 0, 3, pl0="R"), R("TPIDRPRW", 15, 0, 13, 0, 4), R("HTPIDR", 15, 4, 13, 0, 2, pl1=""),
    R("CNTFRQ", 15, 0, 14, 0, 0, pl0="R", secure="w"), R("CBAR", 15, 4, 15, 0, 0, pl1="R", other=("TIDCP",)),
    R("TTBR0_64", 15, 0, 0, 2, 0, is64=True, trap_w=("TVM",)),
    R("TTBR1_64", 15, 1, 0, 2, 0, is64=True, trap_w=("TVM",)),
    R("PAR_64", 15, 0, 0, 7, 0, is64=True), R("HTTBR", 15, 4, 0, 2, 0, is64=True, pl1=""),
    R("VTTBR", 15, 6, 0, 2, 0, is64=True, pl1=""),
    # Unallocated (c4 is unused in VMSAv7; no 64-bit register at c4): UNDEFINED at every level.
    R("c4", 15, 0, 4, 0, 0, pl1="", hyp=""), R("c4_64", 15, 0, 0, 4, 0, is64=True, pl1="", hyp=""),
]
CP14 = [
    R("DBGDIDR", 14, 0, 0, 0, 0, pl0="R", pl1="R", other=("TDA",), dcc=True),
    R("DBGDSCRint", 14, 0, 0, 1, 0, pl0="R", pl1="R", other=("TDA",), dcc=True),
    R("DBGDTR", 14, 0, 0, 5, 0, pl0="RW", other=("TDA",), dcc=True),
    R("DBGVCR", 14, 0, 0, 7, 0, other=("TDA",)), R("DBGDSCRext", 14, 0, 0, 2, 2, other=("TDA",)),
    R("DBGBVR0", 14, 0, 0, 0, 4, other=("TDA",)), R("DBGBCR5", 14, 0, 0, 5, 5, other=("TDA",)),
    R("DBGWVR3", 14, 0, 0, 3, 6, other=("TDA",)), R("DBGWCR0", 14, 0, 0, 0, 7, other=("TDA",)),
    # Not implemented on Cortex-A15 (6 BRPs, 4 WRPs, context BRPs 4 and 5).
    R("DBGBVR6", 14, 0, 0, 6, 4, pl1="", hyp=""), R("DBGWCR4", 14, 0, 0, 4, 7, pl1="", hyp=""),
    R("DBGDRAR", 14, 0, 1, 0, 0, pl0="R", pl1="R", other=("TDRA",), dcc=True),
    R("DBGDSAR", 14, 0, 2, 0, 0, pl0="R", pl1="R", other=("TDRA",), dcc=True),
    R("DBGOSLAR", 14, 0, 1, 0, 4, pl1="W", other=("TDOSA",)), R("DBGOSLSR", 14, 0, 1, 1, 4, pl1="R", other=("TDOSA",)),
    R("DBGOSDLR", 14, 0, 1, 3, 4, other=("TDOSA",)), R("DBGPRCR", 14, 0, 1, 4, 4, other=("TDOSA",)),
    R("DBGBXVR4", 14, 0, 1, 4, 1, other=("TDA",)), R("DBGBXVR0", 14, 0, 1, 0, 1, pl1="", hyp=""),
    R("DBGCLAIMSET", 14, 0, 7, 8, 6, other=("TDA",)), R("DBGAUTHSTATUS", 14, 0, 7, 14, 6, pl1="R", other=("TDA",)),
    R("DBGDRAR_64", 14, 0, 0, 1, 0, is64=True, pl0="R", pl1="R", other=("TDRA",), dcc=True),
    R("DBGDSAR_64", 14, 0, 0, 2, 0, is64=True, pl0="R", pl1="R", other=("TDRA",), dcc=True),
    R("TEECR", 14, 6, 0, 0, 0, other=("TTEE",)), R("TEEHBR", 14, 6, 1, 0, 0, pl0="RW", other=("TTEE",)),
    # B1.14.5: HSTR.TJDBX traps JOSCR and JMCR; JIDR reads are ID group 0 (HCR.TID0) only.
    R("JIDR", 14, 7, 0, 0, 0, pl0="R", pl1="R", trap_r=("TID0",), other=("JAZELLE",)),
    R("JOSCR", 14, 7, 1, 0, 0, other=("TJDBX",)), R("JMCR", 14, 7, 2, 0, 0, other=("TJDBX",)),
    R("trace", 14, 1, 0, 0, 0, pl1="", hyp=""),  # no trace registers: UNDEFINED before HCPTR.TTA
    R("DBGDIDR_64", 14, 0, 0, 0, 0, is64=True, pl1="", hyp=""),  # no 64-bit register at c0
]
ROWS = CP15 + CP14


def reference(r: Ref, write: bool, mode: int, hcr: int, hstr: int, hdcr: int, hcptr: int, pmuserenr: int) -> str:
    """"undefined", "trap" or "direct" for a Non-secure access in ``mode`` (B1.14, B3.17, reference 4.1)."""
    d = "W" if write else "R"
    if mode == Mode.USR:
        if d not in r.pl0 or (r.pmu and not pmuserenr) or r.secure == "all":
            return "undefined"
    elif mode == Mode.HYP:
        if r.pl1 == "":  # a Hyp register in Hyp mode, or an unallocated encoding
            return "direct" if d in r.hyp else "undefined"
        if d not in r.pl1 or r.secure == "all" or (write and r.secure == "w"):
            return "undefined"
        return "direct"  # Hyp mode takes no Hyp traps
    else:
        if d not in r.pl1 or r.secure == "all" or (write and r.secure == "w"):
            return "undefined"
    # Permitted without the Hyp controls: does a control trap it?  (B1.14.1: only such accesses trap.)
    names = {n for n, b in HCR_BITS.items() if hcr >> b & 1}
    if r.cp == 15:
        primary = r.crm if r.is64 else r.crn
        if primary not in (4, 14) and hstr >> primary & 1:
            return "trap"
        if names & set(r.trap_w if write else r.trap_r):
            return "trap"
        if "TIDCP" in r.other and "TIDCP" in names and mode != Mode.USR:
            return "trap"
        if ("TPM" in r.other and hdcr & TPM) or ("TPMCR" in r.other and hdcr & TPMCR):
            return "trap"
        if "TCPAC" in r.other and hcptr & TCPAC and mode != Mode.USR:
            return "trap"
        return "direct"
    if "TTEE" in r.other:
        return "trap" if hstr & TTEE else "direct"
    if "TJDBX" in r.other or "JAZELLE" in r.other:
        tjdbx = "TJDBX" in r.other and hstr & TJDBX
        return "trap" if tjdbx or names & set(r.trap_r if not write else ()) else "direct"
    # CP14 debug: reference 4 choice -- TDE or TGE make TDRA/TDOSA/TDA act as 1; TDA implies the other two.
    tge = "TGE" in names
    tda = bool(hdcr & (TDA | TDE)) or tge
    if "TDA" in r.other:
        return "trap" if tda else "direct"
    if "TDOSA" in r.other:
        return "trap" if tda or hdcr & TDOSA else "direct"
    if "TDRA" in r.other:
        return "trap" if tda or hdcr & TDRA else "direct"
    return "direct"


def encode(r: Ref, write: bool, rt: int, rt2: int) -> int:
    if r.is64:
        return (MCRR if write else MRRC)(r.cp, r.opc1, rt, rt2, r.crm)
    return (MCR if write else MRC)(r.cp, r.opc1, rt, r.crn, r.crm, r.opc2)


def run_one(word: int, mode: int, hcr: int, hstr: int, hdcr: int, hcptr: int, pmuserenr: int,
            hvbar: int = 0x2000) -> TestMachine:
    m = system_machine()
    m.load_words([NOP_WORD] * 8, 0)
    m.load_words([word])
    sr = m.cpu.sys
    sr.SCR = 0x101  # NS, HCE
    sr.HCR, sr.HSTR, sr.HDCR, sr.HCPTR, sr.PMUSERENR, sr.HVBAR = hcr, hstr, hdcr, hcptr, pmuserenr, hvbar
    m.cpu.set_mode(mode)
    m.run(1)
    return m


def outcome(m: TestMachine) -> str:
    c = m.exc.counts
    if c.get("UNDEFINED"):
        return "undefined"
    if c.get("HYP_TRAP"):
        return "trap"
    assert not c, c
    assert m.cpu.regs[15] == CODE + 4
    return "direct"


_HCR_GEN = sum(1 << b for b in HCR_BITS.values())
_HSTR_GEN = 0x3BFEF
_HDCR_GEN = TDRA | TDOSA | TDA | TDE | TPM | TPMCR
_HCPTR_GEN = TCPAC | TTA | 0x3FFF


@settings(max_examples=profile_examples(400, 4000))
@given(row=st.sampled_from(ROWS), write=st.booleans(), mode=st.sampled_from([Mode.USR, Mode.SVC, Mode.ABT, Mode.HYP]),
       rt=st.integers(0, 14), rt2=st.integers(0, 14),
       hcr=st.integers(0, 0xFFFFFFFF).map(lambda v: v & _HCR_GEN),
       hstr=st.integers(0, 0xFFFFFFFF).map(lambda v: v & _HSTR_GEN),
       hdcr=st.sampled_from([0, TDRA, TDOSA, TDA, TDE, TPM, TPMCR, _HDCR_GEN]) | st.integers(0, _HDCR_GEN),
       hcptr=st.integers(0, 0xFFFFFFFF).map(lambda v: v & _HCPTR_GEN),
       pmuserenr=st.integers(0, 1), sparse=st.booleans())
def test_access_outcome_matches_reference(row: Ref, write: bool, mode: int, rt: int, rt2: int, hcr: int, hstr: int,
                                          hdcr: int, hcptr: int, pmuserenr: int, sparse: bool) -> None:
    """Property (Done-when 2): outcome = reference; every trap's HSR re-decodes to the instruction's fields."""
    if sparse:  # most bits clear, so that "direct" outcomes are common too
        hcr &= 1 << (hcr % 28) | (1 << 27 if hcr & 1 else 0)
        hstr &= 1 << (hstr % 18)
        hcptr &= TCPAC if hcptr & 1 else 0
    if row.is64 and rt2 == rt and not write:
        rt2 = (rt + 1) % 15  # MRRC with Rt == Rt2 is UNPREDICTABLE (A8.8.109)
    word = encode(row, write, rt, rt2)
    m = run_one(word, mode, hcr, hstr, hdcr, hcptr, pmuserenr)
    expect = reference(row, write, mode, hcr, hstr, hdcr, hcptr, pmuserenr)
    got = outcome(m)
    assert got == expect, (row.name, "write" if write else "read", Mode(mode).name, hex(hcr), hex(hstr), hex(hdcr),
                           hex(hcptr))
    if got == "undefined":
        if mode == Mode.HYP:  # B1.14.x: an UNDEFINED instruction in Hyp mode: HVBAR + 0x04, HSR.EC 0x00
            assert m.cpu.mode == Mode.HYP and m.cpu.regs[15] == 0x2004 and m.cpu.sys.HSR >> 26 == 0
        elif mode == Mode.USR and hcr >> 27 & 1:  # HCR.TGE routes PL0's Undefined to Hyp (EC 0x00)
            assert m.cpu.mode == Mode.HYP and m.cpu.regs[15] == 0x2014 and m.cpu.sys.HSR >> 26 == 0
        else:
            assert m.cpu.mode == Mode.UND and m.cpu.regs[14] == CODE + 4
        return
    if got == "direct":
        assert m.cpu.mode == mode
        return
    # A Hyp Trap (B1.14.1): HVBAR + 0x14, ELR_hyp = the trapped instruction, SPSR_hyp = the old CPSR, HSR.
    assert m.cpu.mode == Mode.HYP and m.cpu.regs[15] == 0x2014 and m.cpu.elr_hyp == CODE
    assert m.cpu.spsr[Mode.HYP] & 0x1F == mode
    h = decode_hsr(m.cpu.sys.HSR)
    ec = {(15, False): 0x03, (15, True): 0x04, (14, False): 0x05, (14, True): 0x0C}[(row.cp, row.is64)]
    assert (h["EC"], h["IL"], h["CV"], h["COND"], h["Rt"], h["CRm"], h["Direction"]) == (ec, 1, 1, 0xE, rt, row.crm,
                                                                                      int(not write))
    if row.is64:
        assert (h["Opc1"], h["Rt2"]) == (row.opc1, rt2)
    else:
        assert (h["Opc1"], h["CRn"], h["Opc2"]) == (row.opc1, row.crn, row.opc2)


# -- one test per trap control bit (B1.14), each from Non-secure SVC ------------------------------------
def _trap(row: str, write: bool, **regs: int) -> Tuple[str, Optional[int]]:
    r = next(x for x in ROWS if x.name == row)
    m = run_one(encode(r, write, 1, 2), Mode.SVC, regs.get("hcr", 0), regs.get("hstr", 0), regs.get("hdcr", 0),
                regs.get("hcptr", 0), 0)
    return outcome(m), (m.cpu.sys.HSR >> 26 if outcome(m) == "trap" else None)


TRAP_CASES = [
    ("TID0", "JIDR", False, {"hcr": 1 << 15}, 0x05), ("TID1", "AIDR", False, {"hcr": 1 << 16}, 0x03),
    ("TID2", "CTR", False, {"hcr": 1 << 17}, 0x03), ("TID3", "ID_PFR0", False, {"hcr": 1 << 18}, 0x03),
    ("TIDCP", "L2CTLR", False, {"hcr": 1 << 20}, 0x03), ("TAC", "ACTLR", True, {"hcr": 1 << 21}, 0x03),
    ("TSW", "DCISW", True, {"hcr": 1 << 22}, 0x03), ("TPC", "DCCMVAC", True, {"hcr": 1 << 23}, 0x03),
    ("TPU", "ICIALLUIS", True, {"hcr": 1 << 24}, 0x03), ("TTLB", "TLBIMVA", True, {"hcr": 1 << 25}, 0x03),
    ("TVM", "SCTLR", True, {"hcr": 1 << 26}, 0x03), ("TVM 64-bit", "TTBR1_64", True, {"hcr": 1 << 26}, 0x04),
    ("TGE (debug)", "DBGBVR0", False, {"hcr": 1 << 27}, 0x05),
    ("HSTR.T1", "SCTLR", False, {"hstr": 1 << 1}, 0x03), ("HSTR.T2 64-bit", "TTBR0_64", False, {"hstr": 1 << 2}, 0x04),
    ("HSTR.T13", "TPIDRPRW", True, {"hstr": 1 << 13}, 0x03), ("HSTR.TTEE", "TEECR", True, {"hstr": TTEE}, 0x05),
    ("HSTR.TJDBX", "JOSCR", True, {"hstr": TJDBX}, 0x05),
    ("HDCR.TDRA", "DBGDRAR", False, {"hdcr": TDRA}, 0x05),
    ("HDCR.TDRA 64-bit", "DBGDSAR_64", False, {"hdcr": TDRA}, 0x0C),
    ("HDCR.TDOSA", "DBGOSLAR", True, {"hdcr": TDOSA}, 0x05), ("HDCR.TDA", "DBGBCR5", True, {"hdcr": TDA}, 0x05),
    ("HDCR.TDE", "DBGPRCR", False, {"hdcr": TDE}, 0x05), ("HDCR.TPM", "PMCCNTR", False, {"hdcr": TPM}, 0x03),
    ("HDCR.TPMCR", "PMCR", True, {"hdcr": TPMCR}, 0x03), ("HCPTR.TCPAC", "CPACR", False, {"hcptr": TCPAC}, 0x03),
]


def test_each_trap_bit() -> None:
    """B1.14.3-B1.14.17: each HCR/HSTR/HDCR/HCPTR trap control traps its register (EC as listed) and, when
    clear, the same access is direct."""
    for label, row, write, regs, ec in TRAP_CASES:
        assert _trap(row, write, **regs) == ("trap", ec), label
        assert _trap(row, write) == ("direct", None), label


def test_tjdbx_traps_joscr_and_jmcr_not_jidr() -> None:
    """B1.14.5 "Trapping accesses to Jazelle functionality" / B4.1.74 HSTR.TJDBX: JOSCR and JMCR, both
    directions, trap (EC 0x05); a JIDR read stays direct (only HCR.TID0, ID group 0, traps it)."""
    for row in ("JOSCR", "JMCR"):
        for write in (False, True):
            assert _trap(row, write, hstr=TJDBX) == ("trap", 0x05), (row, write)
    assert _trap("JIDR", False, hstr=TJDBX) == ("direct", None)
    assert _trap("JIDR", False, hstr=TJDBX, hcr=1 << 15) == ("trap", 0x05)


def test_hdcr_classes_are_separate() -> None:
    """B1.14.15: TDRA alone leaves DBGBVR0 and the OS Lock registers direct; TDOSA alone leaves DBGDRAR direct."""
    assert _trap("DBGBVR0", False, hdcr=TDRA)[0] == "direct"
    assert _trap("DBGOSLSR", False, hdcr=TDRA)[0] == "direct"
    assert _trap("DBGDRAR", False, hdcr=TDOSA)[0] == "direct"


def test_hstr_reserved_bits_do_not_trap() -> None:
    """B4.1.74: HSTR bits 4 and 14 are reserved; CNTFRQ (c14) reads are not trapped by bit 14."""
    m = run_one(MRC(15, 0, 1, 14, 0, 0), Mode.SVC, 0, 1 << 14, 0, 0, 0)
    assert outcome(m) == "direct"


def test_hcptr_tcpn_traps_coprocessor() -> None:
    """B1.14.12: HCPTR.TCPn traps a Non-secure PL1 access to a coprocessor that permits it (EC 0x07), here a
    fake CP7 that accepts everything; Hyp mode is never trapped."""
    from armsim.coproc.bus import Verdict
    from tests.test_a32_coproc import FakeCoproc

    for mode, expect in ((Mode.SVC, "trap"), (Mode.HYP, "direct")):
        m = system_machine()
        m.bus.attach(7, FakeCoproc(Verdict.OK))
        m.load_words([MCR(7, 7, 1, 0, 0, 0)])
        m.cpu.sys.SCR = 0x101
        m.cpu.sys.HCPTR = 1 << 7
        m.cpu.set_mode(mode)
        m.run(1)
        assert outcome(m) == expect
        if expect == "trap":
            h = decode_hsr(m.cpu.sys.HSR)
            assert (h["EC"], h["coproc"], h["CV"], h["COND"]) == (0x07, 7, 1, 0xE)


def test_secure_state_never_traps() -> None:
    """B1.14.1: the Hyp traps apply to Non-secure PL0/PL1 only; in Secure SVC every control is ignored."""
    m = system_machine()
    m.load_words([MRC(15, 0, 1, 0, 0, 1)])
    m.cpu.sys.HCR = 1 << 17
    m.cpu.sys.HSTR = 1
    m.run(1)
    assert outcome(m) == "direct"


def test_ldc_stc_dcc_trap() -> None:
    """B1.14.15 HDCR.TDA traps LDC/STC to DBGDTRTXint/DBGDTRRXint (EC 0x06); the ISS holds imm8, Rn, AM."""
    m = system_machine()
    m.load_words([LDC(14, 5, 3, 2, P=1, U=1, W=1)])
    sr = m.cpu.sys
    sr.SCR, sr.HDCR = 0x101, TDA
    m.regs[3] = 0x4000
    m.run(1)
    assert outcome(m) == "trap"
    h = decode_hsr(sr.HSR)
    assert (h["EC"], h["imm8"], h["Rn"], h["Offset"], h["AM"], h["Direction"]) == (0x06, 2, 3, 1, 0b011, 1)
    assert m.regs[3] == 0x4000  # nothing was written back


# -- no guest access pattern crashes the simulator --------------------------------------------------
_ALL_MODES = [0x10, 0x11, 0x12, 0x13, 0x16, 0x17, 0x1A, 0x1B, 0x1F]


def _random_word(rnd: random.Random) -> int:
    b = rnd.getrandbits
    kind = b(3)
    cp = b(4)
    cond = 0xF if b(3) == 0 else 0xE if b(1) else b(4)
    if kind == 0:
        w = MCR(cp, b(3), b(4), b(4), b(4), b(3))
    elif kind == 1:
        w = MRC(cp, b(3), b(4), b(4), b(4), b(3))
    elif kind == 2:
        w = MCRR(cp, b(4), b(4), b(4), b(4))
    elif kind == 3:
        w = MRRC(cp, b(4), b(4), b(4), b(4))
    elif kind == 4:
        w = LDC(cp, b(4), b(4), b(8), P=b(1), U=b(1), D=b(1), W=b(1))
    elif kind == 5:
        w = STC(cp, b(4), b(4), b(8), P=b(1), U=b(1), D=b(1), W=b(1))
    elif kind == 6:
        w = CDP(cp, b(4), b(4), b(4), b(4), b(3))
    else:
        w = MCR(cp, b(3), b(4), b(4), b(4), b(3)) if b(1) else MRC(cp, b(3), b(4), b(4), b(4), b(3))
        cp = 14 if b(1) else 15
        w = (w & ~0xF00) | (cp << 8)
    return (w & 0x0FFFFFFF) | (cond << 28)


def test_random_coprocessor_instructions_never_crash() -> None:
    """Done-when 4: random coprocessor instructions from random modes, security states and trap settings
    end architecturally (no Python exception).  100,000 under the ci profile, 4,000 by default."""
    rnd = random.Random(14)
    n = profile_examples(4000, 100_000)
    m = system_machine()
    m.load_words([NOP_WORD] * 8, 0)
    cpu = m.cpu
    sr = cpu.sys
    mem = m.mem
    for i in range(n):
        word = _random_word(rnd)
        mem.write32(CODE, word)
        cpu.reset()
        m.system.reset(cpu)  # type: ignore[attr-defined]
        b = rnd.getrandbits
        sr.SCR = b(10) & 0x3FF
        sr.HCR, sr.HSTR, sr.HDCR, sr.HCPTR = b(32) & 0x0FFFFFFF, b(18), b(12), b(32)
        if b(1):  # sparse settings half the time, so that direct accesses happen too
            sr.HCR &= b(32) & b(32) & b(32)
            sr.HSTR &= b(18) & b(18)
            sr.HDCR &= b(12) & b(12)
            sr.HCPTR &= b(32) & b(32)
        sr.CPACR, sr.NSACR, sr.PMUSERENR = b(32), b(32) & 0x8CC00, b(1)
        sr.HVBAR = sr.VBAR = sr.MVBAR = 0
        cpu.set_mode(rnd.choice(_ALL_MODES))
        cpu.regs[0:15] = [b(32) & ~3 & 0xFFFFF for _ in range(15)]
        try:
            reason, _ = m.run(1)
        except Exception as e:
            raise AssertionError(f"word {word:#010x} #{i} in mode {cpu.mode:#x} raised {e!r}") from e
        assert reason is not None


# -- BXJ under HSTR.TJDBX ------------------------------------------------------------------------
BXJ_R1 = 0xE12FFF21  # A8.8.28 BXJ r1, encoding A1 (AL)
HVBAR = 0x2000


def _bxj(word: int, mode: int, hstr: int, nzcv: int = 0, thumb: bool = False) -> Tuple[str, int, int]:
    """Run one BXJ from ``mode`` (Non-secure); (outcome, HSR or 0, PC after)."""
    m = system_machine()
    if thumb:
        m.mem.load(CODE, struct.pack("<HH", word >> 16, word & 0xFFFF))
    else:
        m.load_words([word])
    sr = m.cpu.sys
    sr.SCR, sr.HVBAR, sr.HSTR = 0x101, HVBAR, hstr
    m.cpu.set_mode(mode)
    m.cpu.regs[1] = 0x9000
    m.cpu.flags[0] = nzcv
    m.run(1, thumb=thumb)
    if m.exc.counts.get("HYP_TRAP"):
        assert (m.cpu.mode, m.cpu.elr_hyp) == (Mode.HYP, CODE)
        return "trap", sr.HSR, m.cpu.regs[15]
    assert not m.exc.counts, m.exc.counts
    return "done", 0, m.cpu.regs[15]


def test_tjdbx_traps_bxj() -> None:
    """B1.14.5: HSTR.TJDBX traps a BXJ from Non-secure PL0/PL1 to Hyp mode (HVBAR + 0x14), HSR.EC 0x0A with
    IL = 1, CV = 1, COND and Rm (B3.13.6); without TJDBX, or from Hyp mode, BXJ is BX (trivial Jazelle, A2.10)."""
    hsr_al = 0x0A << 26 | 1 << 25 | 1 << 24 | 0xE << 20 | 1  # Rm = r1
    assert _bxj(BXJ_R1, Mode.SVC, TJDBX) == ("trap", hsr_al, HVBAR + 0x14)
    assert _bxj(BXJ_R1, Mode.USR, TJDBX) == ("trap", hsr_al, HVBAR + 0x14)
    assert _bxj(BXJ_R1, Mode.SVC, 0) == ("done", 0, 0x9000)
    assert _bxj(BXJ_R1, Mode.HYP, TJDBX) == ("done", 0, 0x9000)
    assert _bxj(BXJ_R1, Mode.SVC, TTEE) == ("done", 0, 0x9000)  # only TJDBX
    bxjne = (BXJ_R1 & 0x0FFFFFFF) | 0x1 << 28
    z_set = 0b0100
    assert _bxj(bxjne, Mode.SVC, TJDBX, nzcv=z_set)[0] == "done"  # condition failed: not executed
    assert _bxj(bxjne, Mode.SVC, TJDBX)[:2] == ("trap", (hsr_al & ~(0xF << 20)) | 0x1 << 20)
    t32 = 0xF3C18F00  # BXJ r1, encoding T1: a 32-bit Thumb instruction, IL = 1
    assert _bxj(t32, Mode.SVC, TJDBX, thumb=True)[:2] == ("trap", hsr_al)
