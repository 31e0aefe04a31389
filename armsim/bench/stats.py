"""Statistics of a sweep (numpy): per-phase distributions, the lazy/eager break-even, scaling with pairs.

* :func:`phase_stats`: mean, standard deviation, minimum, median, 95th
  percentile and maximum of one point's per-phase round-trip cycles (the mean
  is the point's ``cycles_per_exit``).
* :func:`break_even`: for each CPU profile and pairs, the fraction (percent)
  of phases touching the debug registers at which LAZY's cost per exit
  reaches EAGER's, from the ``bp_write`` points: the first measured fraction
  where lazy >= eager, linearly interpolated from the one before (lazy's cost
  is linear in the fraction between measured points, eager's is flat);
  None when lazy stays below eager at every measured fraction.
* :func:`scaling`: the debug save + restore cycles of one switched run under
  EAGER (``hvc_loop``) against the implemented pairs, with a least-squares
  line (cycles per pair, intercept, largest residual).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from armsim.bench.points import THUMB_SUFFIX, parse_pairs
from armsim.bench.runner import PointResult

BREAK_EVEN_GUEST = "bp_write"


def phase_stats(samples: Sequence[int]) -> Dict[str, float]:
    """Distribution of per-phase cycles (module docstring); zeros for no samples."""
    if not samples:
        return dict.fromkeys(("mean", "std", "min", "p50", "p95", "max"), 0.0)
    a = np.asarray(samples, dtype=np.float64)
    p50, p95 = np.percentile(a, [50, 95])
    return {"mean": float(a.mean()), "std": float(a.std()), "min": float(a.min()), "p50": float(p50),
            "p95": float(p95), "max": float(a.max())}


def _crossing(fractions: np.ndarray, diff: np.ndarray) -> Optional[float]:
    """The first fraction where diff (lazy - eager) reaches 0, interpolated; None if it never does."""
    hits = np.nonzero(diff >= 0)[0]
    if hits.size == 0:
        return None
    k = int(hits[0])
    if k == 0:
        return float(fractions[0])
    f0, f1, d0, d1 = fractions[k - 1], fractions[k], diff[k - 1], diff[k]
    return float(f0 + (0.0 - d0) * (f1 - f0) / (d1 - d0))


def _family(records: Sequence[Mapping[str, Any]], guest: str) -> List[Mapping[str, Any]]:
    return [r for r in records if r["guest"] == guest]


def break_even(records: Sequence[Mapping[str, Any]], lazy: str = "lazy") -> Dict[str, Dict[str, Optional[float]]]:
    """``{cpu: {pairs: fraction or None}}`` (module docstring), for the cpus and pairs the records
    measure with both ``lazy`` and ``eager`` at two or more fractions.  The ARM build of the guest is
    used when present, else the Thumb build."""
    out: Dict[str, Dict[str, Optional[float]]] = {}
    rows = _family(records, BREAK_EVEN_GUEST) or _family(records, BREAK_EVEN_GUEST + THUMB_SUFFIX)
    groups: Dict[Tuple[str, str], Dict[str, Dict[float, float]]] = {}
    for r in rows:
        g = groups.setdefault((r["cpu"], r["pairs"]), {})
        g.setdefault(r["policy"], {})[float(r["fraction"])] = float(r["cycles_per_exit"])
    for (cpu, pairs), by_policy in groups.items():
        lz, eg = by_policy.get(lazy), by_policy.get("eager")
        if lz is None or eg is None:
            continue
        common = sorted(set(lz) & set(eg))
        if len(common) < 2:
            continue
        fr = np.asarray(common)
        diff = np.asarray([lz[f] for f in common]) - np.asarray([eg[f] for f in common])
        value = _crossing(fr, diff)
        out.setdefault(cpu, {})[pairs] = None if value is None else round(value, 3)
    return out


def scaling(results: Sequence[PointResult]) -> Dict[str, Dict[str, Any]]:
    """Per CPU: ``points`` [(pairs, BRPs + WRPs, save+restore cycles per switch)], ``per_pair`` (slope),
    ``intercept`` and ``max_residual`` of the least-squares line; only CPUs measured at 2+ pair counts."""
    per_cpu: Dict[str, Dict[str, float]] = {}
    for res in results:
        r = res.record
        if r["policy"] != "eager" or not r["guest"].startswith("hvc_loop") or res.switch_cycles is None:
            continue
        per_cpu.setdefault(r["cpu"], {})[r["pairs"]] = res.switch_cycles
    out: Dict[str, Dict[str, Any]] = {}
    for cpu, by_pairs in per_cpu.items():
        if len(by_pairs) < 2:
            continue
        pts = sorted(((p, sum(parse_pairs(p)), c) for p, c in by_pairs.items()), key=lambda t: t[1])
        x = np.asarray([t[1] for t in pts], dtype=np.float64)
        y = np.asarray([t[2] for t in pts], dtype=np.float64)
        if np.unique(x).size < 2:
            continue
        slope, intercept = np.polyfit(x, y, 1)
        resid = y - (slope * x + intercept)
        out[cpu] = {"points": pts, "per_pair": float(slope), "intercept": float(intercept),
                    "max_residual": float(np.abs(resid).max())}
    return out
