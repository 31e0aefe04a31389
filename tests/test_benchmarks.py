"""The benchmark scripts keep working (their figures are not asserted: speed is measured, not tested)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mips_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("armsim_bench_mips", ROOT / "benchmarks" / "mips.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--guests", "printf"]) == 0
    out = capsys.readouterr().out
    assert "printf" in out and "104,030" in out  # captured output: the count of examples/guests/README.md


def test_timing_overhead_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("armsim_bench_timing", ROOT / "benchmarks" / "timing_overhead.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--guests", "exitcode", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "timing overhead" in out and "cycles per instruction" in out and "exitcode" in out
