"""armsim's speed in MIPS (CPU time): both engines, CPython and PyPy, unicorn measured in the same run.

    python benchmarks/mips.py [--guests workload,printf,...] [--engines interp,block] [--timing off,fast]
                              [--repeat N] [--pypy PATH | --no-pypy]

For each guest (default: the long workload of examples/guests/workload and the bundled
C guests, ARM and Thumb-2 builds), each engine and each timing level (``off``: cycles =
instructions; ``fast``: the default of ``armsim run``): armsim's instruction count and
CPU seconds (``time.process_time`` around ``Machine.run``, so loading and start-up are
not counted) under the interpreter running this script and under PyPy (a child process
running this script with ``--worker``: by default the worktree's ``.venv-pypy``, else
``pypy3`` with this checkout on PYTHONPATH).  Warm-up is reported, not hidden: ``first``
is the first run's MIPS in a fresh process (block translation and PyPy's JIT included),
``best`` the best of ``--repeat`` runs.  unicorn (QEMU's TCG as a library, no hooks but
semihosting) runs the same ELF; its MIPS is over armsim's count, both executing the same
instruction stream to the same exit.  CPU time rather than wall time: the figure is not
the machine's load.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from armsim import Machine  # noqa: E402

GUEST_DIR = ROOT / "examples" / "guests"
# The long workload (~28 M instructions) and the bundled C guests; ARM and Thumb-2 builds.
GUESTS = ("workload", "workload-thumb", "printf", "strings", "printf-thumb", "strings-thumb")
ENGINES = ("interp", "block")
TIMINGS = ("off", "fast")

# (guest, engine, timing) -> (instructions, first-run CPU s, best CPU s)
Runs = Dict[Tuple[str, str, str], Tuple[int, float, float]]


def guest_path(name: str) -> Path:
    """``examples/guests/NAME.elf``, or ``examples/guests/workload/NAME.elf`` for the workload builds."""
    if name.startswith("workload"):
        return GUEST_DIR / "workload" / f"{name}.elf"
    return GUEST_DIR / f"{name}.elf"


def bench_armsim(path: Path, engine: str, timing: str, repeat: int) -> Tuple[int, float, float]:
    """(instructions, first CPU seconds, best CPU seconds) of armsim running the guest to its exit."""
    times: List[float] = []
    count = 0
    for _ in range(repeat):
        m = Machine(cpu="cortex-a15", stdout=False, engine=engine, timing=timing)
        m.load_elf(str(path))
        gc.collect()  # the previous run's garbage is not this run's cost (the collector stays on while timed)
        t0 = time.process_time()
        r = m.run(max_instructions=500_000_000)
        times.append(time.process_time() - t0)
        count = r.instructions
        m.close()
    return count, times[0], min(times)


def bench_unicorn(path: Path, repeat: int) -> Optional[float]:
    """Best CPU seconds of unicorn on the same ELF; None where unicorn is not installed (PyPy)."""
    try:
        from unicorn_semihost import UnicornGuest
    except ImportError:
        return None
    best = float("inf")
    for _ in range(repeat):
        g = UnicornGuest(str(path))
        t0 = time.process_time()
        g.run()
        best = min(best, time.process_time() - t0)
    return best


def measure(guests: Sequence[str], engines: Sequence[str], timings: Sequence[str], repeat: int) -> Runs:
    return {(g, e, t): bench_armsim(guest_path(g), e, t, repeat) for g in guests for e in engines for t in timings}


def default_pypy() -> Optional[str]:
    venv = ROOT / ".venv-pypy" / "bin" / "python"
    if venv.exists():
        return str(venv)
    return shutil.which("pypy3")


def bench_pypy(pypy: str, args: argparse.Namespace) -> Tuple[Runs, str]:
    """The runs under ``pypy`` (a child process), and that interpreter's name and version."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [pypy, str(Path(__file__).resolve()), "--worker", "--repeat", str(args.repeat), "--guests", args.guests,
           "--engines", args.engines, "--timing", args.timing]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(ROOT))
    if proc.returncode != 0:
        err = proc.stderr.strip().splitlines()
        raise RuntimeError(f"{pypy}: {err[-1] if err else f'exit status {proc.returncode}'}")
    out = json.loads(proc.stdout)
    return {(g, e, t): (n, a, b) for g, e, t, n, a, b in out["runs"]}, out["python"]


def _python() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"


def _mips(n: int, t: Optional[float]) -> str:
    return "-" if not t else f"{n / t / 1e6:.2f}"


def format_table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 3) -> str:
    """A plain text table in Markdown syntax: the first ``left`` columns left-aligned, numbers right."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) if i < left else str(c).rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " |"

    sep = "|" + "|".join(("-" * (w + 2)) if i < left else ("-" * (w + 1) + ":") for i, w in enumerate(widths)) + "|"
    return "\n".join([title, "", line(header), sep, *(line(r) for r in rows)])


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1, help="runs per case; first and best are reported")
    ap.add_argument("--guests", default=",".join(GUESTS))
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--timing", default=",".join(TIMINGS), help="timing levels (default off,fast)")
    ap.add_argument("--pypy", default=None, help="the PyPy interpreter (default: .venv-pypy, else pypy3)")
    ap.add_argument("--no-pypy", action="store_true", help="leave PyPy out")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    guests = args.guests.split(",")
    engines = args.engines.split(",")
    timings = args.timing.split(",")
    missing = [g for g in guests if not guest_path(g).exists()]
    if missing:
        print(f"mips: no such guest: {', '.join(missing)}", file=sys.stderr)
        return 2
    bad = [e for e in engines if e not in ENGINES] + [t for t in timings if t not in ("off", "fast", "pipeline")]
    if bad or args.repeat < 1:
        print(f"mips: bad engine, timing level or repeat: {', '.join(bad) or args.repeat}", file=sys.stderr)
        return 2
    if args.worker:  # armsim only, as JSON, for the parent process
        runs = measure(guests, engines, timings, args.repeat)
        print(json.dumps({"python": _python(), "runs": [[*k, *v] for k, v in runs.items()]}))
        return 0

    pypy_runs: Runs = {}
    pypy_name = "no PyPy"
    pypy = None if args.no_pypy else (args.pypy or default_pypy())
    if pypy is not None:
        try:
            pypy_runs, pypy_name = bench_pypy(pypy, args)
        except (RuntimeError, OSError, ValueError) as e:
            print(f"mips: PyPy left out: {e}", file=sys.stderr)
    here = _python()
    runs = measure(guests, engines, timings, args.repeat)
    unicorn = {g: bench_unicorn(guest_path(g), args.repeat) for g in guests}
    header = ["guest", "engine", "timing", "instructions", f"{here.split()[0]} s", "first MIPS", "best MIPS",
              "PyPy s", "first MIPS", "best MIPS", "unicorn s", "MIPS"]
    rows = []
    for (g, e, t), (n, first, best) in runs.items():
        pn, pfirst, pbest = pypy_runs.get((g, e, t), (n, 0.0, 0.0))
        if pn != n:
            print(f"mips: {g} {e} {t}: PyPy counted {pn:,} instructions, {here} {n:,}", file=sys.stderr)
            return 1
        tu = unicorn[g]
        rows.append([g, e, t, f"{n:,}", f"{best:.3f}", _mips(n, first), _mips(n, best),
                     f"{pbest:.3f}" if pbest else "-", _mips(n, pfirst), _mips(n, pbest),
                     "-" if tu is None else f"{tu:.4f}", _mips(n, tu)])
    print(format_table(f"armsim ({here}; {pypy_name if pypy_runs else 'no PyPy'}) vs unicorn, CPU seconds, "
                       f"best of {args.repeat}", header, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
