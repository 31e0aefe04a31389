"""armsim.testing's reference oracle agrees with armsim's coprocessor bus.

``expected_trap`` (armsim/testing/oracles.py) is written from DDI 0406C B1.14,
B3.17 and B3.13.6 with its own register catalogue; the bus (armsim/coproc) is
the implementation.  Each generated A32 access runs as one instruction on a
core with CP14/CP15 attached, in the generated mode, security state and
HCR/HSTR/HDCR/HCPTR/DBGDSCR/PMUSERENR/NZCV; the outcome (not executed or
direct / UNDEFINED / Hyp trap) and a trap's complete HSR must be the oracle's.
The default run checks a few hundred accesses and every modelled register
once per trap control; ``HYPOTHESIS_PROFILE=ci`` checks 12,000.
"""

from __future__ import annotations

from typing import List, Tuple

import pytest
from hypothesis import given, settings

from armsim.testing import CoprocInsn, TrapState, Verdict, expected_trap
from armsim.testing.manual import HCPTR, HCR, HDCR, HSTR, HSTR_T
from armsim.testing.oracles import ABT, HYP, MON, SVC, USR
from armsim.testing.strategies import catalogue_of, coproc_accesses, trap_states
from tests.conftest import profile_examples
from tests.helpers import CODE, TestMachine, system_machine

NOP = 0xE320F000
HVBAR = 0x2000
DSCR_EXT_WRITE = CoprocInsn("MCR", 14, 0, 0, 2, 2, rt=0).a32_word()  # MCR p14, 0, r0, c0, c2, 2
CHECKED: List[int] = []


def run_access(insn: CoprocInsn, s: TrapState) -> Tuple[str, int, TestMachine]:
    """Execute ``insn`` once in state ``s``; return the outcome, HSR and machine."""
    m = system_machine()
    m.load_words([NOP] * 16, 0)
    sr = m.cpu.sys
    sr.SCR = 0x101 if s.ns else 0x100  # SCR.NS, SCR.HCE
    sr.HVBAR = HVBAR
    if s.DBGDSCR:  # through the architectural interface (C11.11 DBGDSCRext), from Hyp mode
        m.cpu.set_mode(HYP)
        m.cpu.regs[0] = s.DBGDSCR
        m.load_words([DSCR_EXT_WRITE])
        m.run(1)
        assert not m.exc.counts, m.exc.counts
    m.load_words([insn.a32_word()])
    sr.HCR, sr.HSTR, sr.HDCR, sr.HCPTR, sr.PMUSERENR = s.HCR, s.HSTR, s.HDCR, s.HCPTR, s.PMUSERENR
    m.cpu.set_mode(s.mode)
    for r in range(13):
        m.cpu.regs[r] = 0x9000  # LDC/STC bases inside RAM
    m.cpu.flags[0] = s.nzcv
    m.run(1)
    c = m.exc.counts
    if c.get("UNDEFINED"):
        return "UNDEFINED", 0, m
    if c.get("HYP_TRAP"):
        return "HYP_TRAP", sr.HSR, m
    assert not c, c
    assert m.cpu.regs[15] == CODE + 4
    return "COMPLETED", 0, m


def check(insn: CoprocInsn, s: TrapState) -> None:
    want = expected_trap(insn, s)
    got, hsr, m = run_access(insn, s)
    name = {Verdict.NOT_EXECUTED: "COMPLETED", Verdict.DIRECT: "COMPLETED"}.get(want.verdict, want.verdict.name)
    what = (insn.text(), hex(s.mode), "NS" if s.ns else "S", want.reason,
            f"HCR={s.HCR:#x} HSTR={s.HSTR:#x} HDCR={s.HDCR:#x} HCPTR={s.HCPTR:#x} DSCR={s.DBGDSCR:#x}")
    assert got == name, what
    if got == "HYP_TRAP":
        # B1.14.1 / B3.13.5: Hyp Trap entry at HVBAR + 0x14, ELR_hyp = the trapped instruction.
        assert hsr == want.hsr, (*what, hex(hsr), hex(want.hsr))
        assert (m.cpu.mode, m.cpu.regs[15], m.cpu.elr_hyp) == (HYP, HVBAR + 0x14, CODE)
    CHECKED.append(1)


@settings(max_examples=profile_examples(400, 12000))
@given(coproc_accesses(isa=["A32"]), trap_states(modes=[USR, SVC, ABT, HYP, MON], ns=None))
def test_expected_trap_agrees_with_the_bus(insn: CoprocInsn, state: TrapState) -> None:
    check(insn, state)


def _controls() -> List[TrapState]:
    """The zero state and each Hyp trap control alone (B1.14.3-B1.14.17)."""
    out = [TrapState()]
    out += [TrapState(HCR=f.mask) for f in HCR if f.name.startswith("T")]
    out += [TrapState(HSTR=HSTR[f"T{n}"].mask) for n in HSTR_T]
    out += [TrapState(HSTR=HSTR[n].mask) for n in ("TTEE", "TJDBX")]
    out += [TrapState(HDCR=HDCR[n].mask) for n in ("TDRA", "TDOSA", "TDA", "TDE", "TPM", "TPMCR")]
    out += [TrapState(HCPTR=HCPTR[n].mask) for n in ("TCPAC", "TTA")]
    return out


def _sweep() -> List[Tuple[CoprocInsn, TrapState]]:
    cases = []
    for reg in catalogue_of("cortex-a15"):
        kinds = []
        if any(t in reg.access for t in ("R0", "R1", "RH")):
            kinds.append("MRRC" if reg.is64 else "MRC")
        if any(t in reg.access for t in ("W0", "W1", "WH")) and not (reg.is64 and reg.cp == 14):
            kinds.append("MCRR" if reg.is64 else "MCR")
        for kind in kinds:
            insn = CoprocInsn(kind, reg.cp, reg.opc1, reg.crn, reg.crm, reg.opc2, rt=1, rt2=2)
            for s in _controls():
                if s.HCR or s.HSTR or s.HDCR or s.HCPTR:
                    cases.append((insn, s))  # each control alone, from NS SVC
                else:
                    cases += [(insn, s._replace(mode=m)) for m in (USR, SVC, HYP)]
                    cases.append((insn, s._replace(mode=USR, PMUSERENR=1)))
    return cases


SWEEP = _sweep()


@pytest.mark.parametrize("chunk", range(8))
def test_every_register_under_every_control(chunk: int) -> None:
    """Every modelled register, each direction, under each trap control alone from NS SVC and untrapped from
    NS PL0/PL1/Hyp: the bus does what the oracle says (the row-by-row complement of the property above)."""
    for insn, s in SWEEP[chunk::8]:
        check(insn, s)


def test_sweep_size() -> None:
    """The sweep covers every modelled register (189 on Cortex-A15) in each of its directions."""
    assert len({(i.coproc, i.opc1, i.crn, i.crm, i.opc2, i.is_64) for i, _ in SWEEP}) == len(catalogue_of("cortex-a15"))
    assert len(SWEEP) > 12000
