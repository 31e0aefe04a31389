"""The benchmark scripts keep working (their figures are not asserted: speed is measured, not tested)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(f"armsim_bench_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_mips_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """Both engines at both timing levels, unicorn beside them; armsim's count in every row."""
    mod = _load("mips")
    assert mod.main(["--guests", "exitcode,exitcode-thumb", "--no-pypy"]) == 0
    out = capsys.readouterr().out
    rows = [[c.strip() for c in line.split("|")[1:-1]] for line in out.splitlines() if line.startswith("| exitcode")]
    # 2 guests x 2 engines x 2 timing levels
    assert sorted(r[:3] for r in rows) == sorted([g, e, t] for g in ("exitcode", "exitcode-thumb")
                                                 for e in ("interp", "block") for t in ("off", "fast"))
    assert "2,657" in out and "unicorn s" in out  # exitcode-thumb's count (examples/guests/README.md)


def test_mips_worker_reports_json(capsys: pytest.CaptureFixture[str]) -> None:
    """The child-process side (what PyPy runs): (guest, engine, timing, instructions, first, best)."""
    import json

    mod = _load("mips")
    assert mod.main(["--worker", "--guests", "exitcode-thumb", "--engines", "block", "--timing", "off"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r[:4] for r in out["runs"]] == [["exitcode-thumb", "block", "off", 2657]]


def test_mips_finds_the_workload_builds() -> None:
    mod = _load("mips")
    for name in ("workload", "workload-thumb", "workload-a15"):
        assert mod.guest_path(name).is_file(), name


def test_mips_unknown_guest(capsys: pytest.CaptureFixture[str]) -> None:
    mod = _load("mips")
    assert mod.main(["--guests", "nosuch", "--no-pypy"]) == 2
    assert "no such guest: nosuch" in capsys.readouterr().err


def test_thumb_mips_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The Thumb figures: armsim's count for a Thumb guest, CPU-time columns, unicorn beside it."""
    mod = _load("thumb_mips")
    assert mod.main(["--guests", "exitcode-thumb", "--no-pypy"]) == 0
    out = capsys.readouterr().out
    assert "exitcode-thumb" in out and "2,657" in out and "unicorn s" in out


def test_thumb_mips_worker_reports_json(capsys: pytest.CaptureFixture[str]) -> None:
    """The child-process side (what PyPy runs): one (guest, instructions, CPU seconds) per guest."""
    import json

    mod = _load("thumb_mips")
    assert mod.main(["--worker", "--guests", "exitcode-thumb"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r[:2] for r in out["runs"]] == [["exitcode-thumb", 2657]] and out["runs"][0][2] >= 0


def test_thumb_mips_unknown_guest(capsys: pytest.CaptureFixture[str]) -> None:
    mod = _load("thumb_mips")
    assert mod.main(["--guests", "nosuch", "--no-pypy"]) == 2
    assert "no such guest: nosuch" in capsys.readouterr().err


def test_timing_overhead_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("armsim_bench_timing", ROOT / "benchmarks" / "timing_overhead.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--guests", "exitcode", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "timing overhead" in out and "cycles per instruction" in out and "exitcode" in out
    assert "interp engine" in out and "block engine" in out  # one overhead table per engine


def test_world_switch_benchmark_writes_its_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("armsim_bench_ws", ROOT / "benchmarks" / "world_switch.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--out", str(tmp_path), "--exits", "1", "--cpu", "cortex-a7", "--workers", "2",
                     "--fractions", "0,100", "--pairs", "2/2,6/4"]) == 0
    out = capsys.readouterr().out
    assert "break-even" in out and "cycles per pair" in out
    assert "sweep on the local process pool, 2 workers" in out and "worker processes" in out
    for ext in ("json", "csv", "png"):
        assert (tmp_path / f"world_switch.{ext}").stat().st_size > 0


def test_startup_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """benchmarks/startup.py measures ``armsim run`` as a child process; the run imports no heavy library."""
    mod = _load("startup")
    assert mod.main(["--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "minimum CPU" in out
    assert "heavy imports: none" in out  # rich, numpy, hypothesis, unicorn, pytest: not for `armsim run`


def test_startup_heavy_imports_are_seen() -> None:
    """The probe does name a heavy library the command imports (``armsim kvm`` renders with rich)."""
    import sys

    mod = _load("startup")
    assert "rich" in mod.heavy_imports(sys.executable, ["kvm", "--help"])
