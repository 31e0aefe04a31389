"""The world-switch benchmark, non-interactively: the figures of ``armsim bench world-switch`` into files.

    python benchmarks/world_switch.py [--out DIR] [--exits N] [--cpu cortex-a15,cortex-a7]
                                      [--workers N] [--scheduler tcp://HOST:PORT]

Runs two sweeps of the benchmark guests (examples/guests/bench) under the
modelled hypervisor, on the simulated CPU:

1. the policy sweep: each CPU profile (its own 6/4 pairs), the five policies
   (passthrough, raz-wi, eager, lazy, lazy-nohc = lazy without the host
   check), all four guests, fractions 0, 1, 10, 25, 50, 75, 100 %;
2. the scaling sweep: eager and lazy with 2/2, 6/4 and 16/16 pairs, hvc_loop
   and bp_write at 0, 50 and 100 %.

and writes DIR/world_switch.json (the ``--json`` object of both sweeps),
DIR/world_switch.csv and DIR/world_switch.png, then prints the tables (plain
text, no progress bar) on stdout.  benchmarks/README.md explains how to read
them beside the published KVM/ARM figures.  Needs numpy and matplotlib
(``pip install -e '.[plot]'``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from armsim.bench.output import sweep_object, write_csv, write_json  # noqa: E402
from armsim.bench.plot import plot_sweep  # noqa: E402
from armsim.bench.points import POLICIES, build_points  # noqa: E402
from armsim.bench.sweep import run_sweep  # noqa: E402
from armsim.bench.tables import all_tables  # noqa: E402

FRACTIONS = (0, 1, 10, 25, 50, 75, 100)
SCALING_PAIRS = ("2/2", "6/4", "16/16")


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="world-switch-results", help="output directory (created)")
    ap.add_argument("--exits", type=int, default=100, help="exit round trips per point (default 100)")
    ap.add_argument("--cpu", default="cortex-a15,cortex-a7")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--scheduler", default=None, help="a Dask scheduler, tcp://HOST:PORT")
    args = ap.parse_args(argv)
    cpus = args.cpu.split(",")
    points = build_points(cpus=cpus, policies=POLICIES, fractions=FRACTIONS, exits=args.exits)
    seen = set(points)
    points += [p for p in build_points(cpus=cpus, policies=["eager", "lazy"], pairs=SCALING_PAIRS,
                                       guests=["hvc_loop", "bp_write"], fractions=[0, 50, 100], exits=args.exits)
               if p not in seen]
    result = run_sweep(points, scheduler=args.scheduler, workers=args.workers)
    for i, text in sorted(result.errors.items()):
        print(f"point failed: {points[i].label()}: {text}", file=sys.stderr)
    finished = result.ordered()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    records = [r.record for r in finished]
    write_json(str(out / "world_switch.json"), sweep_object(records))
    write_csv(str(out / "world_switch.csv"), records)
    plot_sweep(finished, str(out / "world_switch.png"))
    console = Console(width=170, highlight=False)
    for table in all_tables(finished):
        console.print(table)
    console.print(f"{len(finished)} points; wrote {out}/world_switch.json, .csv, .png")
    return 1 if result.errors or result.interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
