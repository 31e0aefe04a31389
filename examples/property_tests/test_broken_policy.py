"""A deliberately broken debug policy, and hypothesis catching it (this file FAILS under pytest, on purpose).

The bug: a LAZY variant that confuses the series' two conditions.  A trapped
write marks the vcpu dirty, and the next run drops HDCR.TDA (the guest reaches
the debug registers directly) -- but the registers are switched only while the
guest's DBGDSCR.MDBGen is set.  So in a dirty run the guest's accesses reach the
host's physical registers.

Run it and read the failure: hypothesis finds the breach and shrinks it to two
steps, a guest write and a guest read of the host's register::

    python -m pytest examples/property_tests/test_broken_policy.py
    ...
    AssertionError: isolation breach P3 run 0: DBGBVR0 expected 0x0, found 0x1000 after 2 steps:
    guest_write(DBGBVR0, 0x0); guest_read(DBGBVR0)

(armsim's tests/test_property_examples.py runs this file and checks exactly that.)
"""

from __future__ import annotations

from typing import Callable

from hypothesis import Phase, settings

from armsim.kvm import VCPU
from armsim.kvm.policy import Lazy
from armsim.testing import KvmWorldSwitchMachine


class DirtyWithoutSwitch(Lazy):
    """TDA follows ``debug_dirty``, the switch follows MDBGen alone: the bug."""

    def switch_on_entry(self, vcpu: VCPU, host_armed: Callable[[], bool]) -> bool:
        return vcpu.mdbgen

    def entry_traps(self, vcpu: VCPU, switched: bool) -> int:
        return super().entry_traps(vcpu, switched or vcpu.debug_dirty)

    def after_exit(self, vcpu: VCPU, switched: bool) -> None:
        vcpu.debug_dirty = False


class BrokenLazyMachine(KvmWorldSwitchMachine):
    policy = DirtyWithoutSwitch()


TestBrokenLazyIsolation = BrokenLazyMachine.TestCase
# No example database (each run starts afresh) and no "explain" phase (it re-runs every step to annotate it).
TestBrokenLazyIsolation.settings = settings(database=None, stateful_step_count=20,
                                            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink])
