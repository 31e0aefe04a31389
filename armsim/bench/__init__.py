"""The world-switch benchmark: how much the hypervisor's save/restore costs, per debug policy.

``armsim bench world-switch`` (:mod:`armsim.bench.cli`) runs the benchmark
guests of ``examples/guests/bench`` under the modelled hypervisor
(:mod:`armsim.kvm`) for each CPU profile, pairs override, policy and
fraction of debug use, on a local process pool or a Dask cluster::

    from armsim.bench import build_points, run_sweep
    points = build_points(cpus=["cortex-a15"], fractions=[0, 50, 100], exits=50)
    result = run_sweep(points)                 # SweepResult; .ordered() -> [PointResult]
    print(result.ordered()[0].record)          # one --json point

Modules: :mod:`~armsim.bench.points` (what a run is), :mod:`~armsim.bench.runner`
(one run, measured exit by exit), :mod:`~armsim.bench.sweep` (local pool or
Dask, retries, Ctrl-C), :mod:`~armsim.bench.stats` (numpy: distributions,
break-even, scaling), :mod:`~armsim.bench.output` (JSON, CSV),
:mod:`~armsim.bench.plot` (PNG, matplotlib), :mod:`~armsim.bench.tables` (rich).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below, imported on first use (armsim's CLI imports this package on start)
    from armsim.bench.points import GUESTS, POLICIES, Point, build_points
    from armsim.bench.runner import POINT_KEYS, BenchError, PointResult, run_point
    from armsim.bench.sweep import SweepError, SweepResult, run_sweep

_EXPORTS = {
    "GUESTS": "points", "POLICIES": "points", "Point": "points", "build_points": "points",
    "POINT_KEYS": "runner", "BenchError": "runner", "PointResult": "runner", "run_point": "runner",
    "SweepError": "sweep", "SweepResult": "sweep", "run_sweep": "sweep",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'armsim.bench' has no attribute {name!r}")
    return getattr(importlib.import_module(f"armsim.bench.{module}"), name)


__all__ = [
    "GUESTS",
    "POINT_KEYS",
    "POLICIES",
    "BenchError",
    "Point",
    "PointResult",
    "SweepError",
    "SweepResult",
    "build_points",
    "run_point",
    "run_sweep",
]
