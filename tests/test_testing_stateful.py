"""WorldSwitchStateMachine over the reference policy model (reference section 2): who keeps P1-P3."""

from __future__ import annotations

from typing import Type

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from armsim.testing.isolation import switched_registers
from armsim.testing.manual import DBGBCR
from armsim.testing.models import KEEPS, POLICIES, PolicyModel
from armsim.testing.profiles import examples
from armsim.testing.stateful import DebugTarget, WorldSwitchStateMachine, idle_host


def machine_for(policy: str, expects: frozenset, host_changes: bool = True) -> Type[WorldSwitchStateMachine]:
    class Machine(WorldSwitchStateMachine):
        def make_target(self) -> DebugTarget:
            return PolicyModel(policy)

    Machine.expects = expects
    Machine.host_changes = host_changes
    Machine.__name__ = f"{policy}_machine"
    return Machine


@pytest.mark.parametrize("policy", POLICIES)
def test_each_policy_keeps_what_the_reference_says(policy: str) -> None:
    """Reference 2: EAGER and LAZY keep P1-P3, RAZ_WI P1 and P2, PASSTHROUGH only P3 (and that only while the
    host leaves its registers alone: the guest's writes land in the host's own registers)."""
    run_state_machine_as_test(machine_for(policy, KEEPS[policy], host_changes=policy != "passthrough"),
                              settings=settings(max_examples=examples(50, 1000), stateful_step_count=30))


@pytest.mark.parametrize(("policy", "breaks"), [("passthrough", {"P1", "P2"}), ("raz-wi", {"P3"})])
def test_the_machine_finds_what_a_policy_breaks(policy: str, breaks: set) -> None:
    """PASSTHROUGH fails P1/P2 (the guest owns the host's registers); RAZ_WI fails P3 (reads 0)."""
    m = machine_for(policy, frozenset({"P1", "P2", "P3"}))
    with pytest.raises(AssertionError, match="isolation breach") as err:
        run_state_machine_as_test(m, settings=settings(database=None, stateful_step_count=20))
    assert str(err.value).split()[2] in breaks


class ForgetsLastWatchpoint(PolicyModel):
    """A broken LAZY: the exit restores every host register but the last watchpoint value."""

    def restore_host(self) -> None:
        for n in self.registers:
            if n != f"DBGWVR{self.wrps - 1}":
                self.physical[n] = self.host_ctx[n]


class BrokenLazy(WorldSwitchStateMachine):
    def make_target(self) -> DebugTarget:
        return ForgetsLastWatchpoint("lazy", host_check=False)


def test_a_broken_policy_is_found_and_shrunk_to_three_steps() -> None:
    """The minimal counter-example has three steps: a guest write (a clean run: shadow, dirty), an exit (the
    next run is switched), an exit (the host's DBGWVR3 is left holding the guest's value: P1).  No shorter
    sequence switches a run, so the length is exact."""
    with pytest.raises(AssertionError, match="P1 run 1: DBGWVR3") as err:
        run_state_machine_as_test(BrokenLazy, settings=settings(database=None, stateful_step_count=20))
    steps = str(err.value).split("steps: ", 1)[1].split("; ")
    assert len(steps) == 3, steps
    assert steps[0].startswith("guest_write(")
    assert all(s in ("guest_exit()", "host_changes_debug()") for s in steps[1:])
    assert BrokenLazy.failed_steps == steps


def test_idle_host_values_are_distinct_and_disarmed() -> None:
    host = idle_host()
    assert set(host) == set(switched_registers())
    assert all(v != 0 for v in host.values())
    assert len(set(host.values())) == len(host)
    assert not any(DBGBCR["E"].get(host[f"DBGBCR{n}"]) for n in range(6))


def test_model_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="unknown debug policy"):
        PolicyModel("sometimes")
    m = PolicyModel("eager")
    m.enter()
    with pytest.raises(RuntimeError, match="between guest runs"):
        m.set_host({"DBGBVR0": 4})
    with pytest.raises(NotImplementedError, match="make_target"):
        WorldSwitchStateMachine()
