"""The world-switch benchmark's figures, measured by running the benchmark guests on the simulated CPU.

Every figure here comes from :func:`armsim.bench.runner.run_point`: a guest of
examples/guests/bench under the modelled hypervisor (armsim.kvm), its exits
measured from the hypervisor's cycle ledger.  The policies follow the
reference (kvm-arm-debug.md sections 2 and 9): RAZ_WI traps every debug
access and never switches; EAGER switches the debug registers on every entry
and exit; LAZY traps while clean and switches for one run once a trapped write
made the state dirty (with its host check it also reads 1 + BRPs + WRPs host
registers on every entry).  HDCR.TDA (B1.14.15) is the trap.
"""

from __future__ import annotations

import math
from typing import Dict, Tuple

import pytest

from armsim.bench.points import Point, build_points, parse_pairs
from armsim.bench.runner import POINT_KEYS, BenchError, PointResult, expected_touched, run_point
from armsim.kvm.costs import PARTS
from armsim.timing.model import Timing
from armsim.timing.profiles import get_profile

EXITS = 8
_cache: Dict[Point, PointResult] = {}


def run(cpu: str, policy: str, guest: str, fraction: float, pairs: str = "6/4", exits: int = EXITS) -> PointResult:
    p = Point(cpu, policy, pairs, guest, fraction, exits)
    if p not in _cache:
        _cache[p] = run_point(p)
    return _cache[p]


def cpe(res: PointResult) -> float:
    return float(res.record["cycles_per_exit"])


def price(cpu: str, work: str) -> int:
    return Timing(get_profile(cpu), "fast").price(work)


@pytest.mark.parametrize("cpu", ["cortex-a15", "cortex-a7"])
def test_lazy_at_zero_use_never_switches_and_costs_what_raz_wi_costs(cpu: str) -> None:
    """0% debug use: LAZY performs no debug switch; without its host check it costs exactly RAZ_WI's per
    exit, and the host check adds exactly 1 + BRPs + WRPs Hyp-mode CP14 reads per entry."""
    for guest, f in (("hvc_loop", 0.0), ("bp_write", 0.0), ("dbg_read", 0.0)):
        raz = run(cpu, "raz-wi", guest, f)
        nohc = run(cpu, "lazy-nohc", guest, f)
        lazy = run(cpu, "lazy", guest, f)
        assert nohc.record["debug_switches"] == lazy.record["debug_switches"] == 0
        assert cpe(nohc) == cpe(raz), guest
        assert nohc.record["cycles_by_part"] == raz.record["cycles_by_part"], guest
        check = (1 + 6 + 4) * price(cpu, "coproc_read")
        assert cpe(lazy) == cpe(raz) + check, guest
        assert lazy.record["cycles_by_part"]["debug_save"] == check


@pytest.mark.parametrize("cpu", ["cortex-a15", "cortex-a7"])
@pytest.mark.parametrize("policy", ["lazy", "lazy-nohc"])
def test_lazy_at_full_use_is_within_one_trapped_access_of_eager(cpu: str, policy: str) -> None:
    """The stated bound (armsim.bench.runner, benchmarks/README.md): at 100% use both policies move the same
    registers once each way per phase; LAZY pays in addition exactly one more exit round trip without debug
    moves (the trapped write: entry, core/CP15 switch, return, the write's emulation) and its host check on
    the clean entry, so 0 < lazy - eager <= one trapped access's round trip (which also carries a switch-in)."""
    lazy = run(cpu, policy, "bp_write", 100.0)
    eager = run(cpu, "eager", "bp_write", 100.0)
    lp, ep = lazy.record["cycles_by_part"], eager.record["cycles_by_part"]
    assert lazy.record["debug_switches"] == eager.record["debug_switches"] == EXITS
    # One more round trip per phase, and no more: twice eager's entry, core/CP15 switch and return.
    for part in ("exception_entry", "core_cp15_switch", "return"):
        assert lp[part] == 2 * ep[part], part
    check = (1 + 6 + 4) * price(cpu, "coproc_read") if policy == "lazy" else 0
    assert lp["debug_restore"] == ep["debug_restore"]
    assert lp["debug_save"] == ep["debug_save"] + check
    write_emulation = lp["trap_emulation"] - ep["trap_emulation"]
    assert write_emulation > 0
    round_trip = ep["exception_entry"] + ep["core_cp15_switch"] + ep["return"]
    diff = cpe(lazy) - cpe(eager)
    assert diff == round_trip + write_emulation + check
    bound = lazy.record["cycles_per_trapped_access"]
    assert bound is not None
    assert 0 < diff <= bound


@pytest.mark.parametrize("guest,fraction", [("hvc_loop", 0.0), ("bp_write", 0.0), ("bp_write", 50.0),
                                            ("bp_write", 100.0), ("bp_armed", 100.0), ("dbg_read", 100.0),
                                            ("hvc_loop_thumb", 0.0), ("bp_write_thumb", 100.0)])
def test_eager_switches_on_every_exit(guest: str, fraction: float) -> None:
    res = run("cortex-a15", "eager", guest, fraction)
    assert res.record["debug_switches"] == EXITS
    assert res.record["cycles_per_trapped_access"] is None  # nothing traps: the guest owns the hardware


def test_what_each_policy_switches_and_traps() -> None:
    """The guests against the policies (reference section 2): trapped accesses and switches per run."""
    a15 = "cortex-a15"
    half = EXITS // 2
    # bp_write at 50%: LAZY switches once per writing phase; RAZ_WI and PASSTHROUGH never switch.
    assert run(a15, "lazy", "bp_write", 50.0).record["debug_switches"] == half
    assert run(a15, "raz-wi", "bp_write", 50.0).record["debug_switches"] == 0
    assert run(a15, "passthrough", "bp_write", 50.0).record["cycles_per_trapped_access"] is None
    # A breakpoint armed throughout (MDBGen): LAZY switches every run, as EAGER.
    assert run(a15, "lazy", "bp_armed", 100.0).record["debug_switches"] == EXITS
    assert cpe(run(a15, "lazy-nohc", "bp_armed", 100.0)) == cpe(run(a15, "eager", "bp_armed", 100.0))
    # Reads only: LAZY traps them all and never switches.
    reads = run(a15, "lazy", "dbg_read", 100.0)
    assert reads.record["debug_switches"] == 0 and reads.record["cycles_per_trapped_access"] is not None
    # A trapped access costs at least the trap floor: the exception entry plus the ERET.
    floor = price(a15, "exception_entry") + price(a15, "exception_return")
    assert reads.record["cycles_per_trapped_access"] > floor


@pytest.mark.parametrize("guest,fraction", [("hvc_loop", 0.0), ("bp_write", 50.0), ("bp_armed", 100.0),
                                            ("dbg_read", 100.0), ("dbg_read_thumb", 50.0)])
@pytest.mark.parametrize("policy", ["passthrough", "raz-wi", "eager", "lazy"])
def test_the_parts_add_up_to_the_cost_per_exit(policy: str, guest: str, fraction: float) -> None:
    rec = run("cortex-a7", policy, guest, fraction).record
    assert tuple(rec) == POINT_KEYS
    assert tuple(rec["cycles_by_part"]) == PARTS
    assert all(v >= 0 for v in rec["cycles_by_part"].values())
    assert math.isclose(sum(rec["cycles_by_part"].values()), rec["cycles_per_exit"], rel_tol=1e-12)
    # The phase samples are the round trips the mean is taken over.
    res = run("cortex-a7", policy, guest, fraction)
    assert len(res.phase_cycles) == EXITS
    assert math.isclose(sum(res.phase_cycles) / EXITS, rec["cycles_per_exit"], rel_tol=1e-12)


def test_a_point_gives_identical_figures_run_to_run() -> None:
    p = Point("cortex-a15", "lazy", "6/4", "bp_write", 50.0, EXITS)
    a, b = run_point(p), run_point(p)
    assert a.record == b.record and a.phase_cycles == b.phase_cycles


@pytest.mark.parametrize("guest,fraction", [("bp_write", 50.0), ("bp_armed_thumb", 100.0), ("dbg_read", 50.0)])
def test_both_engines_give_identical_figures(guest: str, fraction: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """The translated-block engine and the interpreter execute the same guest instructions, so every exit,
    and every cycle the hypervisor charges between them, is the same (the figures are the engine's to keep)."""
    import armsim.exec.blocks

    got = {}
    for engine in ("interp", "block"):
        monkeypatch.setattr(armsim.exec.blocks, "DEFAULT_ENGINE", engine)
        res = run_point(Point("cortex-a7", "lazy", "6/4", guest, fraction, EXITS))
        got[engine] = (res.record, res.phase_cycles, res.switch_cycles)
    assert got["interp"] == got["block"]
    rec = got["block"][0]
    assert rec["debug_switches"] > 0 or rec["cycles_per_trapped_access"] is not None  # the lazy paths ran


def _switch_cost(cpu: str, pairs: str) -> Tuple[int, float]:
    res = run(cpu, "eager", "hvc_loop", 0.0, pairs=pairs)
    assert res.switch_cycles is not None
    return sum(parse_pairs(pairs)), res.switch_cycles


@pytest.mark.parametrize("cpu", ["cortex-a15", "cortex-a7"])
def test_save_restore_cost_grows_linearly_with_the_implemented_pairs(cpu: str) -> None:
    """The switched set is 2 registers per pair plus the context BRPs' DBGBXVRn, DBGDSCRext and DBGVCR
    (reference section 2), each saved and restored on both sides: per pair 2 x (2 reads + 2 writes)."""
    pts = [_switch_cost(cpu, p) for p in ("2/2", "6/4", "16/16")]
    (x0, y0), (x1, y1), (x2, y2) = pts
    assert y0 < y1 < y2
    assert (y1 - y0) * (x2 - x0) == (y2 - y0) * (x1 - x0)  # collinear
    per_pair = (y1 - y0) / (x1 - x0)
    assert per_pair == 4 * (price(cpu, "coproc_read") + price(cpu, "coproc_write"))


def test_the_guest_command_line_sets_the_fraction() -> None:
    """bp_write writes in floor(exits x fraction / 100) phases, spread evenly (bench.h)."""
    p = Point("cortex-a15", "lazy", "6/4", "bp_write", 37.5, EXITS)
    assert expected_touched(p) == 3
    assert run_point(p).record["debug_switches"] == 3  # one switch per writing phase


def test_a_misbehaving_guest_is_a_clear_error(tmp_path: object) -> None:
    with pytest.raises(BenchError, match="no benchmark guest ELF"):
        run_point(Point("cortex-a15", "lazy", "6/4", "no_such_guest", 0.0, 1))


def test_build_points_covers_the_sweep_in_order() -> None:
    pts = build_points(cpus=["cortex-a15"], policies=["eager", "lazy"], pairs=["2/2", "16/16"],
                       guests=["hvc_loop", "bp_write"], fractions=[50, 0], exits=3, isa="both")
    # per pairs: 2 policies x (hvc_loop 1 + bp_write 2 fractions) x 2 ISAs
    assert len(pts) == 2 * 2 * 3 * 2
    assert pts[0] == Point("cortex-a15", "eager", "2/2", "hvc_loop", 0.0, 3)
    assert [p.fraction for p in pts if p.guest == "bp_write" and p.pairs == "2/2" and p.policy == "lazy"] == [0, 50]
    assert {p.guest for p in pts} == {"hvc_loop", "hvc_loop_thumb", "bp_write", "bp_write_thumb"}
