"""The run report and the P1 monitor on the modelled bus: a k-phase guest program per policy.

A phase writes breakpoint/watchpoint pair 0 and reads it back, then ends its run (as HVC #0 does);
the program never sets MDBGen and the host is idle (reference 2: LAZY switches once per phase,
EAGER every run, RAZ_WI and PASSTHROUGH never).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

import pytest

from armsim.coproc.syndrome import EC, make_hsr
from armsim.kvm.costs import PARTS
from armsim.kvm.exits import ExitEnv
from armsim.kvm.host import IsolationMonitor, host_debug_values
from armsim.kvm.layouts import Enc, dbgbcr, dbgbvr, dbgwcr, dbgwvr
from armsim.kvm.policy import DebugPolicy
from armsim.kvm.stats import ExitCounts, report
from tests.kvm_model import Rig, enc_key

HVC = make_hsr(EC.HVC, 1, 0)


def run_phases(policy: DebugPolicy, k: int) -> Tuple[Dict[str, Any], List[Tuple[int, ...]]]:
    rig = Rig(policy)
    for name, value in host_debug_values(rig.profile, "idle").items():
        rig.hw.set_debug(name, value)

    def peek(e: Enc) -> int:
        return rig.hw.cp14.values[enc_key(e)]

    monitor = IsolationMonitor(rig.profile, peek)
    exits = ExitCounts()
    runs = [0]
    rig.after_exit = lambda: monitor.after_exit(rig.vcpu.runs)
    orig_enter = rig.ws.enter

    def enter(vcpu: Any, cpu: Any = None) -> bool:
        runs[0] += 1
        monitor.before_entry()
        return orig_enter(vcpu, cpu)

    rig.ws.enter = enter  # type: ignore[method-assign]
    printed: List[Tuple[int, ...]] = []
    rig.enter()
    for p in range(1, k + 1):
        rig.mcr(dbgbvr(0), 0x1000 * p)
        rig.mcr(dbgbcr(0), 0x1E6 | (p << 16))
        rig.mcr(dbgwvr(0), 0x2000 * p)
        rig.mcr(dbgwcr(0), 0x1FE)
        printed.append((rig.mrc(dbgbvr(0)), rig.mrc(dbgbcr(0)), rig.mrc(dbgwvr(0)), rig.mrc(dbgwcr(0))))
        rig.traps.append(HVC)
        rig.exit()
        rig.enter()
    rig.exit()
    for hsr in rig.traps:
        exits.record(hsr)
    env: ExitEnv = rig.env
    rep = report(policy=policy.option, cpu=rig.profile.name, runs=runs[0], exits=exits, env=env, ws=rig.ws,
                 ledger=rig.ledger, monitor=monitor, exit_code=0)
    return rep, printed


@pytest.mark.parametrize("k", [1, 3, 5])
def test_k_phases_debug_switches(k: int) -> None:
    """lazy: debug_switches == k; eager: == runs; raz-wi and passthrough: 0; eager and lazy read the same."""
    lazy, lazy_out = run_phases(DebugPolicy.LAZY, k)
    eager, eager_out = run_phases(DebugPolicy.EAGER, k)
    raz, raz_out = run_phases(DebugPolicy.RAZ_WI, k)
    passthrough, _ = run_phases(DebugPolicy.PASSTHROUGH, k)
    assert lazy["debug_switches"] == k and lazy["dirty_runs"] == k
    assert eager["debug_switches"] == eager["runs"] == k + 1
    assert raz["debug_switches"] == 0 and passthrough["debug_switches"] == 0
    assert lazy_out == eager_out == [(0x1000 * p, 0x1E6 | (p << 16), 0x2000 * p, 0x1FE) for p in range(1, k + 1)]
    assert raz_out == [(0, 0, 0, 0)] * k
    assert lazy["host_debug_intact"] and eager["host_debug_intact"] and raz["host_debug_intact"]
    assert not passthrough["host_debug_intact"] and passthrough["isolation_breaches"]


def test_report_keys_and_json() -> None:
    rep, _ = run_phases(DebugPolicy.LAZY, 2)
    for key in ("policy", "cpu", "exit_code", "instructions", "cycles", "runs", "exits", "cp14_traps",
                "world_switches", "debug_switches", "dirty_runs", "host_debug_intact", "isolation_breaches",
                "cycles_per_exit", "cycles_by_part"):
        assert key in rep, key
    assert rep["exits"]["by_ec"] == {"0x05": 2, "0x12": 2} and rep["exits"]["total"] == 4
    assert rep["cp14_traps"]["DBGBVR0"] == {"read": 0, "write": 2}
    assert set(rep["cycles_by_part"]) == set(PARTS) and rep["cycles"] == sum(rep["cycles_by_part"].values())
    assert rep["cycles_by_part"]["debug_save"] > 0 and rep["cycles_per_exit"] == rep["cycles"] / 4
    assert json.loads(json.dumps(rep)) == rep


def test_breach_records_name_run_register_expected_found() -> None:
    rep, _ = run_phases(DebugPolicy.PASSTHROUGH, 1)
    b = rep["isolation_breaches"][0]
    assert set(b) == {"run", "register", "expected", "found"}
    assert b["register"] in ("DBGBVR0", "DBGBCR0", "DBGWVR0", "DBGWCR0") and b["expected"] != b["found"]


def test_host_debug_exception_is_a_breach() -> None:
    rig = Rig(DebugPolicy.PASSTHROUGH)
    mon = IsolationMonitor(rig.profile, lambda e: 0)
    mon.host_debug_exception(3, 0x00800100)
    assert not mon.intact and mon.breaches[0].as_dict() == {
        "run": 3, "register": "host debug exception", "expected": "none", "found": "at 0x00800100"}
