"""armsim.testing: a public property-testing API for trap dispatch (DESIGN.md section 1).

* :mod:`armsim.testing.strategies` -- hypothesis strategies: coprocessor
  accesses (A32/T32, conditions, IT blocks), Hyp-control and debug register
  values from their layouts, guest debug programs, guest streams that end in
  a trap, whole trap tables;
* :mod:`armsim.testing.oracles` -- :func:`expected_trap`, :func:`decode_hsr`,
  :func:`table_order_problem`, written from DDI 0406C independently of the
  simulator's coprocessor bus;
* :mod:`armsim.testing.isolation` -- the isolation invariants P1-P3;
* :mod:`armsim.testing.stateful` -- ``WorldSwitchStateMachine`` (hypothesis.stateful) over a
  :class:`DebugTarget`, and :mod:`armsim.testing.models` -- ``PolicyModel``, the reference
  model of the four debug policies;
* :mod:`armsim.testing.kvm_target` -- ``KvmTarget``, armsim.kvm's world switch, trap tables,
  exit handlers and a debug policy on the simulated CPU as a target, and
  ``KvmWorldSwitchMachine``, the state machine on it;
* :mod:`armsim.testing.encodings` -- :class:`CoprocInsn` and its A32/T32 encodings;
* :mod:`armsim.testing.manual` -- the reference layouts and HSR classes the oracles use.
"""

from __future__ import annotations

from armsim.testing.catalogue import Catalogue, RefReg
from armsim.testing.encodings import CoprocInsn
from armsim.testing.isolation import (
    Breach,
    DebugHit,
    GuestDebugView,
    check_p1,
    check_p2,
    check_p3,
    switched_registers,
)
from armsim.testing.kvm_target import GuestFault, KvmTarget, KvmWorldSwitchMachine
from armsim.testing.models import PolicyModel
from armsim.testing.oracles import (
    Expected,
    TableRow,
    TrapState,
    Verdict,
    decode_hsr,
    expected_trap,
    table_order_problem,
)
from armsim.testing.stateful import DebugTarget, WorldSwitchStateMachine

__all__ = [
    "Breach",
    "Catalogue",
    "CoprocInsn",
    "DebugHit",
    "DebugTarget",
    "Expected",
    "GuestDebugView",
    "GuestFault",
    "KvmTarget",
    "KvmWorldSwitchMachine",
    "PolicyModel",
    "RefReg",
    "TableRow",
    "TrapState",
    "Verdict",
    "WorldSwitchStateMachine",
    "check_p1",
    "check_p2",
    "check_p3",
    "decode_hsr",
    "expected_trap",
    "switched_registers",
    "table_order_problem",
]
