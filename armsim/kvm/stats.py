"""What a VM run reports: exits by HSR.EC, traps by register, switches, cycles, isolation (``armsim kvm --json``).

:func:`report` assembles one JSON-ready object with the keys the CLI writes:
``policy``, ``cpu``, ``exit_code``, ``instructions``, ``cycles``, ``runs``
(guest entries), ``exits`` (``{"total": n, "by_ec": {"0x05": n}}``, EC as
two-digit hex), ``cp14_traps`` (``{"DBGBVR0": {"read": r, "write": w}}``),
``world_switches``, ``debug_switches`` (runs whose debug registers were
switched, each counted once), ``dirty_runs``, ``host_debug_intact`` (P1 held
after every exit), ``isolation_breaches`` (records: run, register or event,
expected, found), ``cycles_per_exit`` and ``cycles_by_part``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from armsim.kvm.costs import CycleLedger
from armsim.kvm.exits import ExitEnv
from armsim.kvm.host import IsolationMonitor
from armsim.kvm.world_switch import WorldSwitch


class ExitCounts:
    """Exits by HSR.EC."""

    def __init__(self) -> None:
        self.by_ec: Dict[int, int] = {}
        self.total = 0

    def record(self, hsr: int) -> None:
        ec = (hsr >> 26) & 0x3F
        self.by_ec[ec] = self.by_ec.get(ec, 0) + 1
        self.total += 1

    def as_dict(self) -> Dict[str, Any]:
        return {"total": self.total, "by_ec": {f"{ec:#04x}": n for ec, n in sorted(self.by_ec.items())}}


def report(*, policy: str, cpu: str, runs: int, exits: ExitCounts, env: ExitEnv, ws: WorldSwitch,
           ledger: CycleLedger, monitor: Optional[IsolationMonitor] = None, exit_code: Optional[int] = None,
           instructions: int = 0, guest_cycles: int = 0) -> Dict[str, Any]:
    """The report of one VM run (module docstring).  ``cycles`` = the guest's cycles + the hypervisor's."""
    hyp_cycles = ledger.total
    breaches: List[Dict[str, object]] = [b.as_dict() for b in monitor.breaches] if monitor is not None else []
    return {
        "policy": policy,
        "cpu": cpu,
        "exit_code": exit_code,
        "instructions": instructions,
        "cycles": guest_cycles + hyp_cycles,
        "runs": runs,
        "exits": exits.as_dict(),
        "cp14_traps": {n: dict(c) for n, c in sorted(env.stats.cp14.items())},
        "cp15_traps": {n: dict(c) for n, c in sorted(env.stats.cp15.items())},
        "world_switches": runs,
        "debug_switches": ws.debug_switches,
        "dirty_runs": ws.dirty_runs,
        "host_debug_intact": monitor.intact if monitor is not None else True,
        "isolation_breaches": breaches,
        "cycles_per_exit": (hyp_cycles / exits.total) if exits.total else 0.0,
        "cycles_by_part": dict(ledger.by_part),
    }
