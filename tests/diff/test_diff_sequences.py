"""armsim against unicorn: conditional execution and long straight-line sequences (DDI 0406C A8.3)."""

from __future__ import annotations

from typing import Tuple

from hypothesis import given, settings

from tests.conftest import profile_examples
from tests.diff import encodings as enc
from tests.diff.harness import CODE, Case, State, assert_small_filtered_share, check, class_counts, record


def test_conditional() -> None:
    """A8.3.1 ConditionPassed: every class under a random condition; a failed condition is a no-op."""

    @given(enc.conditional(), enc.states())
    def prop(named: Tuple[str, Case], state: State) -> None:
        _name, case = named
        run_state = case.apply(state)
        cond = next((w >> 28 for w in case.words if w >> 28 != 0xF), 0xE)
        record("conditional", "cond passed" if enc.condition_passed_ref(cond, run_state.nzcv) else "cond failed")
        check(case, state, "conditional")

    before = class_counts("conditional")
    prop()
    assert_small_filtered_share("conditional", before)


def test_straight_line() -> None:
    """100+ register-only instructions (DP, multiply, media) with random conditions, compared after every step."""

    @settings(max_examples=profile_examples(25, 200))
    @given(enc.straight_line(), enc.states())
    def prop(case: Case, state: State) -> None:
        assert len(case.words) >= 100 and CODE + 4 * len(case.words) <= 0x10000
        check(case, state, "straight_line")

    before = class_counts("straight_line")
    prop()
    assert_small_filtered_share("straight_line", before)
