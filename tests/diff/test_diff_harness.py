"""The differential harness itself: it must see differences, traps and branches out of the map."""

from __future__ import annotations

import pytest

from tests.diff import harness
from tests.diff.harness import ArmsimSide, Mismatch, State, run_case

STATE = State(regs=[(i * 0x11111111) & 0xFFFFFFFF for i in range(15)], nzcv=0b1010, mode=0x13, seed=7)


def test_equal_case_is_compared() -> None:
    """A8.8.7 ADDS r1, r0, r2 runs identically in both."""
    assert run_case([0xE0901002], STATE, "adds", cls="selftest").status == "compared"


def test_register_difference_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A corrupted armsim result must be a Mismatch naming the register."""
    step = ArmsimSide.step

    def bad_step(self: ArmsimSide) -> object:
        out = step(self)
        self.m.cpu.regs[3] ^= 1
        return out

    monkeypatch.setattr(ArmsimSide, "step", bad_step)
    with pytest.raises(Mismatch, match="r3: armsim="):
        run_case([0xE0901002], STATE, "adds", cls="selftest")


def test_memory_difference_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A8.8.204 STR r1, [r0]: a byte armsim got wrong in the window must be reported."""
    memory = ArmsimSide.memory

    def bad_memory(self: ArmsimSide) -> bytes:
        data = bytearray(memory(self))
        data[harness.WINDOW + 5] ^= 0xFF
        return bytes(data)

    monkeypatch.setattr(ArmsimSide, "memory", bad_memory)
    state = State(regs=[harness.WINDOW + 0x100] * 15, seed=1)
    with pytest.raises(Mismatch, match="memory differs"):
        run_case([0xE5801000], state, "str", cls="selftest")


def test_undefined_in_both_is_filtered() -> None:
    """A8.8.247 UDF traps in both: filtered, not compared."""
    result = run_case([0xE7F000F0], STATE, "udf", cls="selftest")
    assert result.status == "filtered" and result.trap == "UNDEFINED"


def test_trap_in_one_only_is_a_mismatch(monkeypatch: pytest.MonkeyPatch) -> None:
    """An instruction armsim traps on but unicorn executes is a failure."""
    monkeypatch.setattr(ArmsimSide, "step", lambda self: "UNDEFINED")
    with pytest.raises(Mismatch, match="trap: armsim=UNDEFINED unicorn=None"):
        run_case([0xE0901002], STATE, "adds", cls="selftest")


def test_branch_out_of_the_map_completes() -> None:
    """A8.8.18 B to an unmapped target: unicorn's failed fetch of the target is not a trap."""
    assert run_case([0xEA100000], STATE, "b far", cls="selftest").status == "compared"


def test_same_exception_in_both_is_filtered() -> None:
    """A8.8.228 SVC: both take the Supervisor Call exception: filtered, with the kind recorded."""
    result = run_case([0xEF000000], STATE, "svc", cls="selftest")
    assert result.status == "filtered" and result.trap == "SVC"


def test_different_exceptions_are_a_mismatch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both trap, but armsim takes Undefined where unicorn takes SVC: a failure, not agreement."""
    monkeypatch.setattr(ArmsimSide, "step", lambda self: "UNDEFINED")
    with pytest.raises(Mismatch, match="trap: armsim=UNDEFINED unicorn=SVC"):
        run_case([0xEF000000], STATE, "svc", cls="selftest")


def test_unicorn_unmapped_access_is_armsims_data_abort() -> None:
    """A8.8.63 LDR from outside the map: unicorn's UC_ERR_READ_UNMAPPED is armsim's Data Abort."""
    state = State(regs=[0x40000000] * 15, seed=1)
    result = run_case([0xE5901000], state, "ldr far", cls="selftest")
    assert result.status == "filtered" and result.trap == "DATA_ABORT"


def test_a_class_that_mostly_filters_fails() -> None:
    """The per-class guard: more than MAX_FILTERED_SHARE filtered cases is an assertion error."""
    before = harness.class_counts("guardtest")
    harness.record("guardtest", "generated", 100)
    harness.record("guardtest", "filtered", 4)
    harness.assert_small_filtered_share("guardtest", before)
    before = harness.class_counts("guardtest")
    harness.record("guardtest", "generated", 100)
    harness.record("guardtest", "filtered", 6)
    with pytest.raises(AssertionError, match="6 of 100 cases filtered"):
        harness.assert_small_filtered_share("guardtest", before)
    del harness.STATS["guardtest"]


def test_a_stale_unicorn_is_replaced_not_believed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mismatch only the reused unicorn shows (state left by earlier cases) reruns on a fresh one."""
    stale = harness.unicorn_side()
    snapshot = harness.UnicornSide.snapshot

    def stale_snapshot(self: harness.UnicornSide, trap: object) -> harness.Snapshot:
        out = snapshot(self, trap)  # type: ignore[arg-type]
        if self is stale:
            out.regs[15] = 0x400  # a step that ran on to the next page, as the reused instance once did
        return out

    monkeypatch.setattr(harness.UnicornSide, "snapshot", stale_snapshot)
    before = harness.class_counts("selftest")
    assert run_case([0xE0901002], STATE, "adds", cls="selftest").status == "compared"
    assert harness.unicorn_side() is not stale
    assert harness.STATS["selftest"]["mismatch on the reused unicorn only"] == (
        before["mismatch on the reused unicorn only"] + 1)
    assert harness.STATS["selftest"]["mismatch"] == before["mismatch"]


def test_a_mismatch_on_a_fresh_unicorn_too_still_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rerun compares as strictly: a difference a clean unicorn also shows is a failure."""
    monkeypatch.setattr(harness.UnicornSide, "snapshot",
                        lambda self, trap: harness.Snapshot([0] * 16, 0, trap))
    before = harness.class_counts("selftest")
    with pytest.raises(Mismatch):
        run_case([0xE0901002], STATE, "adds", cls="selftest")
    assert harness.STATS["selftest"]["mismatch"] == before["mismatch"] + 1
