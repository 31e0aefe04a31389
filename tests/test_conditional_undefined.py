"""One rule for UNDEFINED under a failed condition (DDI 0406C A8.3, "Conditional execution of undefined
instructions"): armsim tests the condition first for every kind of UNDEFINED in the A32 conditional space,
so a failed condition is a NOP and a passed one takes the Undefined Instruction exception (B1.9.6).
"""

from __future__ import annotations

import pytest

from armsim.cpu.modes import Mode
from armsim.isa import a32
from tests.helpers import CODE, TestMachine

Z = 0b0100  # NZCV with Z set: EQ passes
SCTLR_SW = 1 << 10

# (word, what kind of UNDEFINED, start mode); every word has cond = 0000 (EQ).
CASES = [
    (0x0E300A00, "no decoder row: VADD.F32 (no VFP in this build)", Mode.SVC),
    (0x01000040, "no decoder row: unallocated miscellaneous encoding", Mode.SVC),
    (0x01200070, "no decoder row: BKPT with cond != AL (UNPREDICTABLE, A8.8.24)", Mode.SVC),
    (0x0E110F10, "coprocessor access check: MRC p15, 0, r0, c1, c0, 0 (SCTLR) from User mode", Mode.USR),
    (0x0E110710, "coprocessor access: MRC p7, a coprocessor that is not there (A5.6)", Mode.SVC),
    (0x01001091, "builder rejection: SWP with SCTLR.SW == 0 (B4.1.130)", Mode.SVC),
    (0x01600070, "run-time mode check: SMC in User mode (B1.9)", Mode.USR),
    (0x016FFF1F, "builder rejection: CLZ with R15 (UNPREDICTABLE, A8.8.33; armsim: UNDEFINED)", Mode.SVC),
]


def _run(word: int, mode: int, nzcv: int) -> TestMachine:
    m = TestMachine()
    m.load_words([word])
    m.load_words([0xEAFFFFFE], addr=0x04)  # an Undefined handler
    m.cpu.set_mode(mode)
    m.cpu.flags[0] = nzcv
    m.cpu.sctlr &= ~SCTLR_SW
    m.engine.flush()
    m.run(1)
    return m


@pytest.mark.parametrize(("word", "what", "mode"), CASES, ids=[f"{w:08x}" for w, _, _ in CASES])
def test_failed_condition_is_a_nop(word: int, what: str, mode: int) -> None:
    m = _run(word, mode, nzcv=0)
    assert (m.cpu.mode, m.regs[15]) == (mode, CODE + 4), what
    assert "UNDEFINED" not in m.exc.counts, what


@pytest.mark.parametrize(("word", "what", "mode"), CASES, ids=[f"{w:08x}" for w, _, _ in CASES])
def test_passed_condition_is_undefined(word: int, what: str, mode: int) -> None:
    m = _run(word, mode, nzcv=Z)
    assert (m.cpu.mode, m.regs[15], m.regs[14]) == (Mode.UND, 0x04, CODE + 4), what


def test_cases_cover_both_kinds() -> None:
    """The table holds encodings with no row and encodings a row's builder or op rejects."""
    rows = [a32.lookup(w) for w, _, _ in CASES]
    assert any(r is None for r in rows) and sum(r is not None for r in rows) >= 4


def test_unconditional_space_always_traps() -> None:
    """cond == 1111 has no condition to fail: an unallocated word there is UNDEFINED whatever the flags."""
    word = 0xF0000000
    assert a32.lookup(word) is None
    for nzcv in (0, 0xF):
        m = _run(word, Mode.SVC, nzcv)
        assert m.cpu.mode == Mode.UND
