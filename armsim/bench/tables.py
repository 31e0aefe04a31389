"""The sweep's rich tables (``armsim bench world-switch`` prints them on stderr).

Per CPU profile and pairs:

1. the exit round trip split into its parts, for the guests with a fixed
   debug use and for the fraction guests at their highest fraction: cycles per
   exit (mean, and the 95th percentile over phases), the six parts, debug
   switches and cycles per trapped debug-register access;
2. the sweep over the fraction of phases touching the debug registers
   (cycles per exit, one column per policy), for ``bp_write`` and
   ``dbg_read``;

then the break-even fractions (LAZY reaches EAGER) and, when several pair
counts were measured, the debug save + restore cost per switch against the
implemented pairs with its least-squares slope.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from rich.table import Table

from armsim.bench.points import GUESTS, base_guest, format_fraction
from armsim.bench.runner import PointResult
from armsim.bench.stats import break_even, phase_stats, scaling
from armsim.kvm.costs import PARTS

MIN_WIDTH = 90
PART_TITLES = {"exception_entry": "entry", "core_cp15_switch": "core/CP15", "debug_save": "debug save",
               "debug_restore": "debug restore", "trap_emulation": "trap emul.", "return": "return"}


def _num(v: Optional[float], digits: int = 1) -> str:
    """``-`` for None; whole numbers without decimals."""
    if v is None:
        return "-"
    if float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def _groups(results: Sequence[PointResult]) -> Dict[Tuple[str, str], List[PointResult]]:
    out: Dict[Tuple[str, str], List[PointResult]] = {}
    for r in results:
        out.setdefault((r.record["cpu"], r.record["pairs"]), []).append(r)
    return out


def parts_table(cpu: str, pairs: str, results: Sequence[PointResult]) -> Table:
    exits = results[0].record["exits"] if results else 0
    t = Table(title=f"{cpu} ({pairs} pairs): exit round trip by part, cycles per exit ({exits} exits a point)",
              title_justify="left")
    for col in ("guest", "use %", "policy", "cycles/exit", "p95"):
        t.add_column(col, justify="left" if col in ("guest", "policy") else "right")
    for p in PARTS:
        t.add_column(PART_TITLES[p], justify="right")
    t.add_column("switches", justify="right")
    t.add_column("cycles/trapped access", justify="right")
    top: Dict[str, float] = {}
    for r in results:
        g = r.record["guest"]
        top[g] = max(top.get(g, 0.0), r.record["fraction"])
    for r in results:
        rec = r.record
        if rec["fraction"] != top[rec["guest"]]:
            continue
        st = phase_stats(r.phase_cycles)
        t.add_row(rec["guest"], format_fraction(rec["fraction"]), rec["policy"], _num(rec["cycles_per_exit"]),
                  _num(st["p95"], 0), *(_num(rec["cycles_by_part"][p]) for p in PARTS),
                  str(rec["debug_switches"]), _num(rec["cycles_per_trapped_access"]))
    return t


def sweep_tables(cpu: str, pairs: str, results: Sequence[PointResult]) -> List[Table]:
    out: List[Table] = []
    guests = [g for g in dict.fromkeys(r.record["guest"] for r in results)
              if base_guest(g).fixed_fraction is None]
    be = break_even([r.record for r in results]).get(cpu, {}).get(pairs)
    for g in guests:
        mine = [r.record for r in results if r.record["guest"] == g]
        policies = list(dict.fromkeys(r["policy"] for r in mine))
        fractions = sorted(dict.fromkeys(r["fraction"] for r in mine))
        if len(fractions) < 2:
            continue
        caption = None
        if base_guest(g).name == "bp_write":
            caption = ("break-even (lazy reaches eager): "
                       + ("never, lazy stays cheaper" if be is None else f"{be:.2f}% of phases"))
        t = Table(title=f"{cpu} ({pairs} pairs): {g}, cycles per exit by debug use\n"
                        f"({GUESTS[base_guest(g).name].description})",
                  title_justify="left", caption=caption, caption_justify="left", min_width=MIN_WIDTH)
        t.add_column("use %", justify="right")
        for p in policies:
            t.add_column(p, justify="right")
        for f in fractions:
            cells = []
            for p in policies:
                v = next((r["cycles_per_exit"] for r in mine if r["policy"] == p and r["fraction"] == f), None)
                cells.append(_num(v))
            t.add_row(format_fraction(f), *cells)
        out.append(t)
    return out


def break_even_table(results: Sequence[PointResult]) -> Optional[Table]:
    be = break_even([r.record for r in results])
    if not be:
        return None
    t = Table(title="break-even: % of phases writing a debug register at which lazy costs what eager does",
              title_justify="left", min_width=MIN_WIDTH)
    t.add_column("cpu")
    t.add_column("pairs", justify="right")
    t.add_column("break-even %", justify="right")
    for cpu, by_pairs in be.items():
        for pairs, f in by_pairs.items():
            t.add_row(cpu, pairs, "never" if f is None else f"{f:.2f}")
    return t


def scaling_table(results: Sequence[PointResult]) -> Optional[Table]:
    sc = scaling(results)
    if not sc:
        return None
    t = Table(title="eager: debug save + restore per switch against the implemented pairs (least-squares line)",
              title_justify="left")
    for col in ("cpu", "pairs", "BRPs+WRPs", "cycles per switch", "cycles per pair", "max residual"):
        t.add_column(col, justify="left" if col == "cpu" else "right")
    for cpu, s in sc.items():
        for i, (pairs, n, cycles) in enumerate(s["points"]):
            t.add_row(cpu if i == 0 else "", pairs, str(n), _num(cycles, 0),
                      _num(s["per_pair"]) if i == 0 else "", _num(s["max_residual"], 2) if i == 0 else "")
    return t


def all_tables(results: Sequence[PointResult]) -> List[Table]:
    out: List[Table] = []
    for (cpu, pairs), mine in _groups(results).items():
        out.append(parts_table(cpu, pairs, mine))
        out.extend(sweep_tables(cpu, pairs, mine))
    for t in (break_even_table(results), scaling_table(results)):
        if t is not None:
            out.append(t)
    return out
