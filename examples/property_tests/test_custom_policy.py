"""Testing a custom debug policy with armsim.testing (copy this file and change the policy).

The policy: "sticky eager" -- the guest's debug accesses trap (HDCR.TDA) until its
first debug-register write; from then on every run switches the debug registers
and lets the guest at them directly, as EAGER does.  It subclasses armsim.kvm's
DebugPolicy and overrides only its entry/exit hooks (reference kvm-arm-debug.md
section 2); armsim.kvm's world switch, trap tables and exit handlers do the rest.

Run:  python -m pytest examples/property_tests/test_custom_policy.py
      HYPOTHESIS_PROFILE=ci python -m pytest examples/property_tests/test_custom_policy.py   (the long run)
"""

from __future__ import annotations

from typing import Callable

from hypothesis import settings

from armsim.kvm import VCPU, DebugPolicy
from armsim.kvm.layouts import TDA, TDOSA, TDRA, TPM, TPMCR
from armsim.testing import KvmTarget, KvmWorldSwitchMachine
from armsim.testing.profiles import examples


class StickyEager(DebugPolicy):
    """Trap until the guest writes a debug register (the table marks the vcpu dirty), then switch every run."""

    name = "STICKY_EAGER"

    def switch_on_entry(self, vcpu: VCPU, host_armed: Callable[[], bool]) -> bool:
        return vcpu.debug_dirty  # never cleared: once the guest debugs, every run is switched

    def entry_traps(self, vcpu: VCPU, switched: bool) -> int:
        return TPM | TPMCR | TDRA | TDOSA | (0 if switched else TDA)


class StickyEagerMachine(KvmWorldSwitchMachine):
    """P1-P3 (the default ``expects``) after every step of any interleaving hypothesis draws."""

    policy = StickyEager()


TestStickyEagerIsolation = StickyEagerMachine.TestCase
# dev: 30 sequences of 30 steps; HYPOTHESIS_PROFILE=ci: 400.
TestStickyEagerIsolation.settings = settings(max_examples=examples(30, 400), stateful_step_count=30)


def test_no_switch_until_the_guest_debugs() -> None:
    """A guest that never touches the debug registers costs no debug switch; its first write makes every
    later run a switched one (what the policy promises, checked on the world switch's own records)."""
    t = KvmTarget(StickyEager())
    for _ in range(3):
        t.enter()
        t.exit()
    assert t.ws.debug_switches == 0
    t.enter()
    t.guest_write("DBGWVR1", 0x2000)  # trapped: the shadow, and the vcpu is dirty
    t.exit()
    for _ in range(3):
        t.enter()
        assert t.guest_read("DBGWVR1") == 0x2000
        t.exit()
    assert t.ws.debug_switches == 4  # the re-entry after the trapped write, then the three runs
