"""armsim against unicorn: conditional execution and long straight-line sequences (DDI 0406C A8.3)."""

from __future__ import annotations

from typing import Tuple

from hypothesis import given, settings

from tests.conftest import profile_examples
from tests.diff import encodings as enc
from tests.diff.harness import CODE, Case, State, check, record


@given(enc.conditional(), enc.states())
def test_conditional(named: Tuple[str, Case], state: State) -> None:
    """A8.3.1 ConditionPassed: every class under a random condition; a failed condition is a no-op."""
    _name, case = named
    run_state = case.apply(state)
    cond = next((w >> 28 for w in case.words if w >> 28 != 0xF), 0xE)
    record("conditional", "cond passed" if enc.condition_passed_ref(cond, run_state.nzcv) else "cond failed")
    check(case, state, "conditional")


@settings(max_examples=profile_examples(25, 200))
@given(enc.straight_line(), enc.states())
def test_straight_line(case: Case, state: State) -> None:
    """100+ register-only instructions (DP, multiply, media) with random conditions, compared after every step."""
    assert len(case.words) >= 100 and CODE + 4 * len(case.words) <= 0x10000
    check(case, state, "straight_line")
