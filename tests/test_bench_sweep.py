"""The sweep machinery of ``armsim bench world-switch``: local pool and Dask, retries, Ctrl-C, outputs, plot.

The points run the benchmark guests on the simulated CPU (armsim.bench.runner);
the crash tests wrap that runner so that a worker process dies (os._exit) the
first time it meets a chosen point.  Needs numpy, matplotlib and
dask.distributed (the test extra).
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any, Dict, List

import pytest

from armsim.bench.output import csv_header, sweep_object, write_csv, write_json
from armsim.bench.plot import X_LABEL, Y_LABEL, axis_labels, plot_sweep
from armsim.bench.points import Point, build_points
from armsim.bench.runner import POINT_KEYS, PointResult, run_point
from armsim.bench.stats import break_even, phase_stats, scaling
from armsim.bench.sweep import run_sweep
from armsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
CRASH_FLAG = "ARMSIM_TEST_CRASH_DIR"


def small_sweep() -> List[Point]:
    return build_points(cpus=["cortex-a15"], policies=["eager", "lazy"], guests=["hvc_loop", "bp_write"],
                        fractions=[0, 50, 100], exits=4)


def crash_once(point: Point) -> PointResult:
    """run_point, except that the worker dies the first time it meets bp_write at 50% (a flag file)."""
    flag = Path(os.environ[CRASH_FLAG]) / "crashed"
    if point.guest == "bp_write" and point.fraction == 50.0 and point.policy == "lazy" and not flag.exists():
        flag.write_text("1")
        os._exit(3)
    return run_point(point)


def crash_always(point: Point) -> PointResult:
    if point.guest == "bp_write" and point.fraction == 50.0 and point.policy == "lazy":
        os._exit(3)
    return run_point(point)


@pytest.fixture(scope="module")
def local() -> List[PointResult]:
    res = run_sweep(small_sweep(), workers=2)
    assert not res.errors and not res.interrupted
    return res.ordered()


def test_the_local_pool_runs_every_point_in_order(local: List[PointResult]) -> None:
    assert [r.point for r in local] == small_sweep()
    again = run_sweep(small_sweep(), workers=1).ordered()
    assert [r.record for r in again] == [r.record for r in local]  # one worker or two: the same figures


def test_dask_local_cluster_gives_identical_figures(local: List[PointResult], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The same points on a Dask LocalCluster (worker processes), point for point; then a worker that
    dies mid-point is replaced and the point reruns."""
    distributed = pytest.importorskip("distributed")
    monkeypatch.setenv(CRASH_FLAG, str(tmp_path))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster:
        res = run_sweep(small_sweep(), scheduler=cluster.scheduler_address)
        assert not res.errors
        assert [r.record for r in res.ordered()] == [r.record for r in local]
        assert [r.phase_cycles for r in res.ordered()] == [r.phase_cycles for r in local]
        crashed = run_sweep(small_sweep(), scheduler=cluster.scheduler_address, runner=crash_once)
        assert (tmp_path / "crashed").exists()
        assert not crashed.errors
        assert [r.record for r in crashed.ordered()] == [r.record for r in local]


def test_a_dead_local_worker_is_retried(local: List[PointResult], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CRASH_FLAG, str(tmp_path))
    res = run_sweep(small_sweep(), workers=2, runner=crash_once)
    assert (tmp_path / "crashed").exists()
    assert res.retried >= 1 and not res.errors
    assert [r.record for r in res.ordered()] == [r.record for r in local]


def test_a_point_that_always_kills_its_worker_fails_alone(local: List[PointResult]) -> None:
    pts = small_sweep()
    res = run_sweep(pts, workers=2, retries=1, runner=crash_always)
    bad = [i for i, p in enumerate(pts) if p.guest == "bp_write" and p.fraction == 50.0 and p.policy == "lazy"]
    assert sorted(res.errors) == bad and "died 2 times" in res.errors[bad[0]]
    assert len(res.results) == len(pts) - 1


def test_ctrl_c_keeps_the_finished_points(local: List[PointResult]) -> None:
    seen: List[int] = []

    def on_result(i: int, r: PointResult) -> None:
        seen.append(i)
        if len(seen) == 2:
            raise KeyboardInterrupt

    res = run_sweep(small_sweep(), workers=1, on_result=on_result)
    assert res.interrupted and len(res.results) == 2
    assert all(res.results[i].record == local[i].record for i in res.results)


def test_json_and_csv_are_the_issues_format(local: List[PointResult], tmp_path: Path) -> None:
    records = [r.record for r in local]
    obj = sweep_object(records)
    assert list(obj) == ["points", "break_even"]
    assert all(list(p) == list(POINT_KEYS) for p in obj["points"])
    p = obj["points"][0]
    assert p["pairs"] == "6/4" and p["fraction"] == 0.0 and p["cycles_per_trapped_access"] is None
    write_json(str(tmp_path / "s.json"), obj)
    assert json.loads((tmp_path / "s.json").read_text()) == json.loads(json.dumps(obj))
    write_csv(str(tmp_path / "s.csv"), records)
    rows = list(csv.reader((tmp_path / "s.csv").open()))
    assert rows[0] == csv_header() and len(rows) == len(records) + 1
    row = dict(zip(rows[0], rows[1]))
    assert float(row["cycles_per_exit"]) == records[0]["cycles_per_exit"]
    assert float(row["cycles_by_part.debug_save"]) == records[0]["cycles_by_part"]["debug_save"]
    assert row["cycles_per_trapped_access"] == ""


def test_break_even_interpolates_where_lazy_reaches_eager(local: List[PointResult]) -> None:
    """From the measured points: lazy's cost per exit is linear in the writing fraction, eager's flat."""
    records = [r.record for r in local]
    be = break_even(records)["cortex-a15"]["6/4"]
    assert be is not None
    cost = {(r["policy"], r["fraction"]): r["cycles_per_exit"] for r in records if r["guest"] == "bp_write"}
    slope = (cost[("lazy", 50.0)] - cost[("lazy", 0.0)]) / 50
    assert be == pytest.approx((cost[("eager", 0.0)] - cost[("lazy", 0.0)]) / slope, abs=1e-3)
    # Cheaper lazy everywhere: null.
    cheap = [dict(r, cycles_per_exit=0.0) if r["policy"] == "lazy" else r for r in records]
    assert break_even(cheap) == {"cortex-a15": {"6/4": None}}


def test_phase_stats_are_the_distribution_of_the_round_trips(local: List[PointResult]) -> None:
    r = next(r for r in local if r.point.policy == "lazy" and r.point.fraction == 50.0)
    st = phase_stats(r.phase_cycles)
    assert st["mean"] == pytest.approx(r.record["cycles_per_exit"])
    assert st["min"] < st["max"]  # writing and quiet phases alternate
    assert st["min"] <= st["p50"] <= st["p95"] <= st["max"]


def test_scaling_fits_a_line_through_the_pairs_overrides() -> None:
    pts = build_points(cpus=["cortex-a7"], policies=["eager"], pairs=["2/2", "6/4", "16/16"], guests=["hvc_loop"],
                       exits=2)
    sc = scaling(run_sweep(pts, workers=2).ordered())["cortex-a7"]
    assert [p[0] for p in sc["points"]] == ["2/2", "6/4", "16/16"]
    assert sc["max_residual"] == pytest.approx(0.0, abs=1e-6) and sc["per_pair"] > 0


def _png_text(path: Path) -> Dict[str, str]:
    """The PNG's signature, chunks' CRCs, and its tEXt chunks."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out: Dict[str, str] = {}
    pos = 8
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        assert int.from_bytes(data[pos + 8 + n:pos + 12 + n], "big") == zlib.crc32(kind + body)
        if kind == b"tEXt":
            k, _, v = body.partition(b"\0")
            out[k.decode("latin-1")] = v.decode("latin-1")
        pos += 12 + n
    assert kind == b"IEND"
    return out


def test_the_plot_is_a_png_with_labelled_axes(local: List[PointResult], tmp_path: Path) -> None:
    import matplotlib.image

    path = tmp_path / "sweep.png"
    fig = plot_sweep(local, str(path))
    img = matplotlib.image.imread(str(path))
    assert img.shape[0] > 100 and img.shape[1] > 100
    labels = axis_labels(fig)
    assert labels[0]["x"] == X_LABEL and labels[0]["y"] == Y_LABEL and "cortex-a15" in labels[0]["title"]
    text = _png_text(path)
    assert f"x: {X_LABEL}; y: {Y_LABEL}" in text["Description"]


def test_the_command_writes_json_csv_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["bench", "world-switch", "--cpu", "cortex-a7", "--policy", "eager,lazy", "--exits", "2",
            "--fractions", "0,100", "--guests", "hvc_loop,bp_write", "--workers", "2",
            "--json", str(tmp_path / "w.json"), "--csv", str(tmp_path / "w.csv"), "--plot", str(tmp_path / "w.png")]
    assert main(args) == 0
    cap = capsys.readouterr()
    assert cap.out == ""  # stdout stays the guests'
    assert "exit round trip by part" in cap.err and "break-even" in cap.err
    obj = json.loads((tmp_path / "w.json").read_text())
    assert len(obj["points"]) == 2 * 3 and "cortex-a7" in obj["break_even"]
    assert (tmp_path / "w.csv").read_text().startswith("cpu,policy,pairs,guest,fraction,exits,")
    _png_text(tmp_path / "w.png")


@pytest.mark.parametrize("args,message", [
    (["--cpu", "cortex-a99"], "unknown CPU"),
    (["--policy", "sometimes"], "unknown policy"),
    (["--pairs", "1/4"], "C3.1"),
    (["--fractions", "150"], "outside 0..100"),
    (["--guests", "nope"], "unknown benchmark guest"),
])
def test_bad_options_are_clear_errors(args: List[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "world-switch", *args]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("module,option,extra", [("matplotlib", "--plot", "plot"),
                                                 ("distributed", "--scheduler", "cluster"),
                                                 ("numpy", None, "bench")])
def test_a_missing_optional_package_names_its_extra(module: str, option: Any, extra: str,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == module else real(name, *a))
    args = ["bench", "world-switch"] + ([option, "x"] if option else [])
    assert main(args) == 2
    assert f"armsim[{extra}]" in capsys.readouterr().err


def test_ctrl_c_on_the_command_keeps_finished_points_in_json(tmp_path: Path) -> None:
    """SIGINT to a running sweep: exit status 130, and --json holds every point finished so far."""
    out = tmp_path / "w.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "armsim", "bench", "world-switch", "--cpu", "cortex-a15", "--exits", "3",
         "--workers", "1", "--json", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and json.loads(out.read_text())["points"]:
                break
            time.sleep(0.1)
        assert proc.poll() is None, "the sweep ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    obj = json.loads(out.read_text())
    total = len(build_points(cpus=["cortex-a15"], exits=3))
    assert 1 <= len(obj["points"]) < total
    assert b"interrupted" in err


def _descendants(pid: int) -> List[int]:
    """The live descendants of ``pid`` (from /proc: each process's parent in its stat line)."""
    parent: Dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    out: List[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        out.extend(kids)
        todo.extend(kids)
    return out


def _busiest_worker(pid: int) -> int:
    """The descendant of ``pid`` with the most CPU time, leaving out multiprocessing's helper processes."""
    best, best_ticks = 0, -1
    for c in _descendants(pid):
        try:
            cmdline = Path(f"/proc/{c}/cmdline").read_bytes()
            fields = Path(f"/proc/{c}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if b"resource_tracker" in cmdline or b"forkserver" in cmdline:
            continue
        ticks = int(fields[11]) + int(fields[12])  # utime + stime (proc(5): fields 14 and 15)
        if ticks > best_ticks:
            best, best_ticks = c, ticks
    return best


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the worker processes through /proc")
def test_a_worker_killed_under_the_command_is_retried(tmp_path: Path) -> None:
    """SIGKILL to a worker process of a running ``armsim bench world-switch``: the points it held run again,
    the command ends with status 0 and says so, and --json holds every point with the figures of a clean run."""
    out = tmp_path / "w.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "armsim", "bench", "world-switch", "--cpu", "cortex-a15", "--policy", "eager,lazy",
         "--guests", "hvc_loop,bp_write", "--fractions", "0,50,100", "--exits", "40", "--workers", "2",
         "--json", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and json.loads(out.read_text())["points"]:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the sweep ended before a worker could be killed"
        victim = _busiest_worker(proc.pid)
        assert victim, "no worker process found"
        os.kill(victim, signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert b"retried after a worker died" in err
    clean = run_sweep(build_points(cpus=["cortex-a15"], policies=["eager", "lazy"], guests=["hvc_loop", "bp_write"],
                                   fractions=[0, 50, 100], exits=40), workers=2)
    assert not clean.errors
    assert json.loads(out.read_text())["points"] == json.loads(json.dumps([r.record for r in clean.ordered()]))
