"""What the timing model costs: CPU-time MIPS with timing off / fast / pipeline (/ pipeline + L1 caches).

    python benchmarks/timing_overhead.py [--repeat N] [--guests printf,malloc,...] [--cpu cortex-a15]
                                         [--engines interp,block]

For each engine (one table each) and bundled guest: the instructions it runs, then
for each timing level the CPU time of ``Machine.run`` (``time.process_time``, the
minimum of ``--repeat`` runs after one warm-up run; the ELF is loaded outside the
timed part), its MIPS and the ratio to ``off``.  A second
table gives each guest's cycles per instruction on the Cortex-A15 and Cortex-A7
profiles at the fast and pipeline levels (the counts are deterministic: one run each).
Both tables go to stdout (rich), with the Python implementation in the title.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from armsim import Machine  # noqa: E402

GUESTS = ("printf", "malloc", "strings", "exitcode", "printf-thumb", "malloc-thumb", "strings-thumb", "interwork")
# (label, timing level, caches)
CONFIGS: Tuple[Tuple[str, str, bool], ...] = (
    ("off", "off", False), ("fast", "fast", False), ("pipeline", "pipeline", False),
    ("pipeline+caches", "pipeline", True))
CPI_CPUS = ("cortex-a15", "cortex-a7")
ENGINES = ("interp", "block")


def guest_path(name: str) -> Path:
    return ROOT / "examples" / "guests" / f"{name}.elf"


def run_once(name: str, cpu: str, level: str, caches: bool, engine: str = "block") -> Tuple[int, int, float]:
    """(instructions, cycles, CPU seconds of the run) of one run."""
    m = Machine(cpu=cpu, timing=level, caches=caches, stdout=False, stderr=False, engine=engine)
    m.load_elf(str(guest_path(name)))
    gc.collect()  # the previous runs' garbage is not this run's cost (the collector stays on while timed)
    t0 = time.process_time()
    r = m.run(max_instructions=200_000_000)
    cpu_s = time.process_time() - t0
    return r.instructions, r.cycles, cpu_s


def best_time(name: str, cpu: str, level: str, caches: bool, repeat: int, engine: str) -> Tuple[int, float]:
    run_once(name, cpu, level, caches, engine)  # warm-up: the first run in a process also builds decode tables
    best = float("inf")
    n = 0
    for _ in range(repeat):
        n, _, s = run_once(name, cpu, level, caches, engine)
        best = min(best, s)
    return n, best


def overhead_table(guests: List[str], cpu: str, repeat: int, engine: str = "block") -> Table:
    impl = f"{platform.python_implementation()} {platform.python_version()}"
    table = Table(title=f"timing overhead, {engine} engine, CPU time, {cpu}, best of {repeat} ({impl})")
    table.add_column("guest")
    table.add_column("instructions", justify="right")
    for label, _, _ in CONFIGS:
        table.add_column(f"{label} s", justify="right")
        table.add_column(f"{label} MIPS", justify="right")
        if label != "off":
            table.add_column(f"{label}/off", justify="right")
    totals: Dict[str, float] = {label: 0.0 for label, _, _ in CONFIGS}
    tot_n = 0
    for name in guests:
        row = [name]
        base = 0.0
        n = 0
        cells: List[str] = []
        for label, level, caches in CONFIGS:
            n, s = best_time(name, cpu, level, caches, repeat, engine)
            totals[label] += s
            if label == "off":
                base = s
            cells += [f"{s:.3f}", f"{n / s / 1e6:.2f}"]
            if label != "off":
                cells.append(f"{s / base:.2f}x")
        tot_n += n
        table.add_row(*row, f"{n:,}", *cells)
    cells = []
    for label, _, _ in CONFIGS:
        s = totals[label]
        cells += [f"{s:.3f}", f"{tot_n / s / 1e6:.2f}"]
        if label != "off":
            cells.append(f"{s / totals['off']:.2f}x")
    table.add_row("all", f"{tot_n:,}", *cells)
    return table


def cpi_table(guests: List[str]) -> Table:
    table = Table(title="cycles per instruction (deterministic counts)")
    table.add_column("guest")
    table.add_column("instructions", justify="right")
    for cpu in CPI_CPUS:
        for level in ("fast", "pipeline"):
            table.add_column(f"{cpu} {level}", justify="right")
    for name in guests:
        cells: List[str] = []
        n = 0
        for cpu in CPI_CPUS:
            for level in ("fast", "pipeline"):
                n, c, _ = run_once(name, cpu, level, False)
                cells.append(f"{c / n:.3f} ({c:,})")
        table.add_row(name, f"{n:,}", *cells)
    return table


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="runs per guest and level; the best is reported")
    ap.add_argument("--guests", default=",".join(GUESTS))
    ap.add_argument("--cpu", default="cortex-a15", help="profile of the overhead table")
    ap.add_argument("--engines", default=",".join(ENGINES), help="engines to time, one table each")
    ap.add_argument("--no-cpi", action="store_true", help="leave out the cycles-per-instruction table")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    guests = [g for g in args.guests.split(",") if g]
    engines = [e for e in args.engines.split(",") if e]
    for e in engines:
        if e not in ENGINES:
            ap.error(f"unknown engine {e!r} (valid: {', '.join(ENGINES)})")
    for g in guests:
        if not guest_path(g).is_file():
            ap.error(f"no bundled guest {g!r} ({guest_path(g)})")
    # Not a terminal (a file, a pipe): wide enough that no column is cut.
    console = Console(width=None if sys.stdout.isatty() else 200)
    for engine in engines:
        console.print(overhead_table(guests, args.cpu, args.repeat, engine))
    if not args.no_cpi:
        console.print(cpi_table(guests))
    return 0


if __name__ == "__main__":
    sys.exit(main())
