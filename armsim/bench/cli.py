"""``armsim bench world-switch``: the save/restore benchmark from the command line.

::

    armsim bench world-switch [--cpu cortex-a15,cortex-a7] [--policy passthrough,raz-wi,eager,lazy]
        [--exits N] [--fractions 0,1,10,50,100] [--pairs 2/2,6/4,16/16] [--guests hvc_loop,bp_write,...]
        [--isa arm|thumb|both] [--json FILE] [--csv FILE] [--plot FILE]
        [--scheduler tcp://HOST:PORT] [--workers N] [--retries N]

Runs every point of the sweep (:func:`armsim.bench.points.build_points`) on a
local process pool (``--workers``, default: the machine's CPUs) or, with
``--scheduler``, on an existing Dask cluster; shows a progress bar and then
the tables on stderr (stdout stays unused).  ``--json`` is rewritten after
each finished point, so Ctrl-C keeps the finished points there.

Exit status: 0; 1 if some point failed (each failure is listed); 2 bad usage
or a missing optional package (numpy: the ``bench`` extra; matplotlib for
``--plot``: ``plot``; dask.distributed for ``--scheduler``: ``cluster``);
130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib.util
from typing import Any, Callable, List, Optional, Sequence

from armsim.bench.points import (
    DEFAULT_CPUS,
    DEFAULT_EXITS,
    DEFAULT_FRACTIONS,
    DEFAULT_GUESTS,
    DEFAULT_POLICIES,
    ISAS,
    POLICIES,
)
from armsim.errors import ArmsimError
from armsim.timing.profiles import profile_names

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
TABLE_WIDTH = 160


def _list(text: str) -> List[str]:
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected a comma-separated list")
    return items


def _count(text: str) -> int:
    try:
        n = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {text}")
    return n


def _retries(text: str) -> int:
    try:
        n = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, not {text}")
    return n


def add_parser(sub: Any) -> None:
    """Register ``bench`` (and its ``world-switch`` command) on the armsim subparsers."""
    bench = sub.add_parser("bench", help="benchmarks of the modelled hypervisor",
                           description="Benchmarks of the modelled hypervisor.")
    bsub = bench.add_subparsers(dest="bench_command", metavar="BENCHMARK")
    ws = bsub.add_parser(
        "world-switch",
        help="the world switch's save/restore cost per debug policy, and the lazy/eager break-even",
        description="Run the benchmark guests (examples/guests/bench) under the modelled hypervisor for each "
                    "CPU profile, pairs override, debug policy and fraction of phases touching the debug "
                    "registers; report cycles per exit round trip by part, debug switches, cycles per trapped "
                    "access and the fraction where lazy switching stops beating eager.",
        epilog="exit status: 0; 1 some point failed; 2 usage or a missing optional package; 130 interrupted "
               "(--json keeps the finished points)",
    )
    ws.add_argument("--cpu", type=_list, action="extend", metavar="NAMES",
                    help=f"CPU profiles, comma-separated ({', '.join(profile_names())}; "
                         f"default {','.join(DEFAULT_CPUS)})")
    ws.add_argument("--policy", type=_list, action="extend", metavar="NAMES",
                    help=f"debug policies ({', '.join(POLICIES)}; lazy-nohc is lazy without the host check; "
                         f"default {','.join(DEFAULT_POLICIES)})")
    ws.add_argument("--exits", type=_count, default=DEFAULT_EXITS, metavar="N",
                    help=f"exit round trips (phases) measured per point (default {DEFAULT_EXITS})")
    ws.add_argument("--fractions", type=_list, metavar="LIST",
                    help="percentages of phases touching the debug registers "
                         f"(default {','.join(f'{f:g}' for f in DEFAULT_FRACTIONS)})")
    ws.add_argument("--pairs", type=_list, metavar="LIST",
                    help="breakpoint/watchpoint pairs overriding each profile's, as BRPs/WRPs (e.g. 2/2,6/4,16/16; "
                         "default: the profile's own)")
    ws.add_argument("--guests", type=_list, metavar="NAMES",
                    help=f"benchmark guests (default {','.join(DEFAULT_GUESTS)})")
    ws.add_argument("--isa", choices=ISAS, default="arm",
                    help="the ARM builds, the Thumb-2 builds (NAME_thumb) or both (default arm)")
    ws.add_argument("--json", metavar="FILE", help="write the points and break-even fractions as JSON")
    ws.add_argument("--csv", metavar="FILE", help="write the points as CSV")
    ws.add_argument("--plot", metavar="FILE", help="write a PNG of the sweep (needs matplotlib: armsim[plot])")
    ws.add_argument("--scheduler", metavar="ADDRESS",
                    help="run the points on this Dask scheduler, tcp://HOST:PORT (needs armsim[cluster])")
    ws.add_argument("--workers", type=_count, metavar="N",
                    help="local worker processes (default: the machine's CPUs)")
    ws.add_argument("--retries", type=_retries, default=2, metavar="N",
                    help="reruns of a point whose worker died (default 2)")


def _missing(module: str) -> bool:
    return importlib.util.find_spec(module) is None


def run(args: argparse.Namespace, err: Any) -> int:
    """Run the command ``args`` asks for; ``err`` is the stderr rich Console."""
    if getattr(args, "bench_command", None) != "world-switch":
        err.print("armsim: error: name a benchmark: armsim bench world-switch [options]", markup=False,
                  highlight=False)
        return EXIT_USAGE

    def fail(text: str) -> int:
        err.print(f"armsim: error: {text}", markup=False, highlight=False, soft_wrap=True)
        return EXIT_USAGE

    if _missing("numpy"):
        return fail("armsim bench needs numpy for its statistics: pip install 'armsim[bench]' (or: pip install numpy)")
    if args.plot and _missing("matplotlib"):
        return fail("--plot needs matplotlib, which is not installed: pip install 'armsim[plot]' "
                    "(or: pip install matplotlib)")
    if args.scheduler and _missing("distributed"):
        return fail("--scheduler needs dask.distributed, which is not installed: pip install 'armsim[cluster]' "
                    "(or: pip install 'dask[distributed]')")
    from armsim.bench.points import build_points

    try:
        points = build_points(
            cpus=args.cpu or DEFAULT_CPUS, policies=args.policy or DEFAULT_POLICIES, pairs=args.pairs,
            guests=args.guests or DEFAULT_GUESTS,
            fractions=args.fractions if args.fractions is not None else DEFAULT_FRACTIONS,
            exits=args.exits, isa=args.isa)
    except ArmsimError as e:
        return fail(str(e))
    return sweep_command(points, args, err)


def sweep_command(points: Sequence[Any], args: argparse.Namespace, err: Any,
                  runner: Optional[Callable[..., Any]] = None) -> int:
    """Run the sweep with a progress bar, write the outputs, print the tables (``runner``: tests)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from armsim.bench.output import sweep_object, write_csv, write_json
    from armsim.bench.sweep import run_sweep
    from armsim.bench.tables import all_tables

    done: dict = {}

    def checkpoint() -> None:
        if args.json:
            write_json(args.json, sweep_object([done[i].record for i in sorted(done)]))

    where = f"Dask scheduler {args.scheduler}" if args.scheduler else "local workers"
    progress = Progress(TextColumn("world-switch sweep"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.description}"), console=err, transient=True)
    kwargs = {} if runner is None else {"runner": runner}
    try:
        with progress:
            task = progress.add_task(where, total=len(points))

            def on_result(i: int, res: Any) -> None:
                done[i] = res
                progress.update(task, advance=1, description=res.point.label())
                checkpoint()

            result = run_sweep(points, scheduler=args.scheduler, workers=args.workers, retries=args.retries,
                               on_result=on_result, **kwargs)
    except ArmsimError as e:
        err.print(f"armsim: error: {e}", markup=False, highlight=False, soft_wrap=True)
        return EXIT_USAGE
    except OSError as e:
        err.print(f"armsim: error: cannot write {args.json}: {e.strerror or e}", markup=False, highlight=False)
        return EXIT_USAGE
    finished = result.ordered()
    try:
        checkpoint()
        if args.csv:
            write_csv(args.csv, [r.record for r in finished])
    except OSError as e:
        err.print(f"armsim: error: cannot write the output: {e.strerror or e}", markup=False, highlight=False)
        return EXIT_USAGE
    # Off a terminal rich would fold the wide tables into 80 columns.
    saved = err.width
    if not err.is_terminal:
        err.width = max(saved, TABLE_WIDTH)
    try:
        for table in all_tables(finished):
            err.print(table)
    finally:
        err.width = saved
    if args.plot and finished:
        from armsim.bench.plot import PlotError, plot_sweep

        try:
            plot_sweep(finished, args.plot)
        except PlotError as e:
            err.print(f"armsim: error: {e}", markup=False, highlight=False, soft_wrap=True)
            return EXIT_USAGE
    for i, text in sorted(result.errors.items()):
        err.print(f"armsim: point failed: {points[i].label()}: {text}", markup=False, highlight=False,
                  soft_wrap=True)
    if result.interrupted:
        kept = f", kept in {args.json}" if args.json else ""
        err.print(f"armsim: interrupted: {len(finished)} of {len(points)} points finished{kept}", markup=False,
                  highlight=False)
        return EXIT_INTERRUPTED
    if result.retried:
        err.print(f"armsim: {result.retried} point runs were retried after a worker died", markup=False,
                  highlight=False)
    return EXIT_FAILED if result.errors else 0
