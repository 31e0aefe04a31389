"""The world-switch benchmark, non-interactively: the figures of ``armsim bench world-switch`` into files.

    python benchmarks/world_switch.py [--out DIR] [--exits N] [--cpu cortex-a15,cortex-a7]
        [--fractions 0,1,10,50,100] [--pairs 2/2,6/4,16/16] [--policy passthrough,raz-wi,eager,lazy,lazy-nohc]
        [--workers N | --scheduler tcp://HOST:PORT | --local-cluster N]

Runs the sweep of the benchmark guests (examples/guests/bench) under the
modelled hypervisor, on the simulated CPU: for each CPU profile and each
breakpoint/watchpoint pairs override (the scaling with the hardware), every
policy (passthrough, raz-wi, eager, lazy, and lazy-nohc = lazy without its
host check), all four guests, each fraction of phases touching the debug
registers.  The points run on a local process pool (default), on an existing
Dask cluster (``--scheduler``) or on a Dask ``LocalCluster`` this script
starts (``--local-cluster N`` workers).

Writes DIR/world_switch.json (the ``--json`` object: ``points`` and
``break_even``), DIR/world_switch.csv and DIR/world_switch.png, then prints
the tables (plain text, no progress bar) on stdout, and last the wall time
and the CPU time the sweep took (this process and its worker processes;
not measurable for a remote ``--scheduler``).  benchmarks/README.md explains
how to read the figures beside the published KVM/ARM ones.  Needs numpy and
matplotlib (``pip install -e '.[plot]'``), and dask.distributed for the Dask
options (``.[cluster]``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple

from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from armsim.bench.output import sweep_object, write_csv, write_json  # noqa: E402
from armsim.bench.plot import plot_sweep  # noqa: E402
from armsim.bench.points import POLICIES, build_points  # noqa: E402
from armsim.bench.sweep import run_sweep  # noqa: E402
from armsim.bench.tables import all_tables  # noqa: E402

FRACTIONS = "0,1,10,50,100"
PAIRS = "2/2,6/4,16/16"


def cpu_seconds() -> Tuple[float, float]:
    """(this process, its finished child processes) user + system CPU seconds."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


@contextlib.contextmanager
def local_cluster(workers: int) -> Iterator[Any]:
    """A Dask LocalCluster of ``workers`` single-threaded worker processes; yields its scheduler address."""
    import distributed

    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50) as cluster:
        yield cluster.scheduler_address


def _list(text: str) -> List[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="world-switch-results", help="output directory (created)")
    ap.add_argument("--exits", type=int, default=100, help="exit round trips per point (default 100)")
    ap.add_argument("--cpu", default="cortex-a15,cortex-a7")
    ap.add_argument("--fractions", default=FRACTIONS, help=f"percent of phases touching debug (default {FRACTIONS})")
    ap.add_argument("--pairs", default=PAIRS, help=f"BRPs/WRPs overrides (default {PAIRS})")
    ap.add_argument("--policy", default=",".join(POLICIES))
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None, help="local pool size (default: the machine's CPUs)")
    where.add_argument("--scheduler", default=None, help="an existing Dask scheduler, tcp://HOST:PORT")
    where.add_argument("--local-cluster", type=int, default=None, metavar="N",
                       help="start a Dask LocalCluster of N worker processes and run the points there")
    args = ap.parse_args(argv)
    points = build_points(cpus=_list(args.cpu), policies=_list(args.policy), pairs=_list(args.pairs),
                          fractions=[float(f) for f in _list(args.fractions)], exits=args.exits)
    cpu0 = cpu_seconds()
    t0 = time.monotonic()
    if args.local_cluster is not None:
        with local_cluster(args.local_cluster) as address:
            result = run_sweep(points, scheduler=address)
        where_ran = f"Dask LocalCluster, {args.local_cluster} worker processes"
    elif args.scheduler is not None:
        result = run_sweep(points, scheduler=args.scheduler)
        where_ran = f"Dask scheduler {args.scheduler}"
    else:
        result = run_sweep(points, workers=args.workers)
        where_ran = f"local process pool, {args.workers or os.cpu_count()} workers"
    wall = time.monotonic() - t0
    cpu1 = cpu_seconds()
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
    console.print(f"{len(finished)} of {len(points)} points; wrote {out}/world_switch.json, .csv, .png")
    own, kids = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    cpu_text = ("CPU time not measurable here (remote workers)" if args.scheduler is not None
                else f"CPU {own + kids:.1f} s (this process {own:.1f} s, worker processes {kids:.1f} s)")
    console.print(f"sweep on the {where_ran}: wall {wall:.1f} s, {cpu_text}")
    return 1 if result.errors or result.interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
