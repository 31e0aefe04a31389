"""Thumb-2 MIPS: armsim on the Thumb builds of the C guests under CPython and PyPy, unicorn in the same run.

    python benchmarks/thumb_mips.py [--repeat N] [--guests printf-thumb,...] [--pypy PATH | --no-pypy]

For each guest: armsim's instruction count and CPU time (``time.process_time``, the
best of ``--repeat`` runs) under the interpreter running this script and under PyPy (a
child process running this script with ``--worker``; by default the worktree's
``.venv-pypy`` if there is one, else ``pypy3`` on PATH), and unicorn's CPU time on the
same ELF, with MIPS over armsim's count (both execute the same instruction stream to
the same exit).  The ARM builds of the same programs are listed too, for comparison.
CPU time rather than wall time: the figure is not the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from mips import bench_unicorn  # noqa: E402  (the same unicorn measurement as mips.py)

from armsim import Machine  # noqa: E402

# The Thumb-2 builds (-mthumb -mcpu=cortex-a15), the ARM builds calling the Thumb-2 newlib, the
# ARM-only builds, and the interworking guest.
GUESTS = ("printf-thumb", "malloc-thumb", "strings-thumb", "printf-a15", "malloc-a15", "strings-a15",
          "printf", "malloc", "strings", "interwork")


def bench_armsim(path: Path, repeat: int) -> Tuple[int, float]:
    """(instructions, best CPU seconds) of armsim running the guest to its exit."""
    best = float("inf")
    count = 0
    for _ in range(repeat):
        m = Machine(cpu="cortex-a15", stdout=False)
        m.load_elf(str(path))
        t0 = time.process_time()
        r = m.run(max_instructions=200_000_000)
        best = min(best, time.process_time() - t0)
        count = r.instructions
    return count, best


def default_pypy() -> Optional[str]:
    venv = ROOT / ".venv-pypy" / "bin" / "python"
    if venv.exists():
        return str(venv)
    return shutil.which("pypy3")


def bench_pypy(pypy: str, guests: List[str], repeat: int) -> Tuple[Dict[str, Tuple[int, float]], str]:
    """armsim's (instructions, CPU seconds) per guest under ``pypy``, and that interpreter's version."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [pypy, str(Path(__file__).resolve()), "--worker", "--repeat", str(repeat), "--guests", ",".join(guests)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(ROOT))
    if proc.returncode != 0:
        err = proc.stderr.strip().splitlines()
        raise RuntimeError(f"{pypy}: {err[-1] if err else f'exit status {proc.returncode}'}")
    out = json.loads(proc.stdout)
    return {g: (n, t) for g, n, t in out["runs"]}, out["python"]


def _python() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"


def _mips(n: int, t: Optional[float]) -> str:
    return "-" if t is None else f"{n / t / 1e6:.2f}"


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1, help="runs per guest; the best is reported")
    ap.add_argument("--guests", default=",".join(GUESTS))
    ap.add_argument("--pypy", default=None, help="the PyPy interpreter (default: .venv-pypy, else pypy3)")
    ap.add_argument("--no-pypy", action="store_true", help="leave PyPy out")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    guests = args.guests.split(",")
    paths = {g: ROOT / "examples" / "guests" / f"{g}.elf" for g in guests}
    missing = [g for g, p in paths.items() if not p.exists()]
    if missing:
        print(f"thumb_mips: no such guest: {', '.join(missing)}", file=sys.stderr)
        return 2
    if args.worker:  # armsim only, as JSON, for the parent process
        runs = [(g, *bench_armsim(paths[g], args.repeat)) for g in guests]
        print(json.dumps({"python": _python(), "runs": runs}))
        return 0

    from rich.console import Console
    from rich.table import Table

    pypy_runs: Dict[str, Tuple[int, float]] = {}
    pypy_name = "PyPy"
    pypy = None if args.no_pypy else (args.pypy or default_pypy())
    if pypy is not None:
        try:
            pypy_runs, pypy_name = bench_pypy(pypy, guests, args.repeat)
        except (RuntimeError, OSError, ValueError) as e:
            print(f"thumb_mips: PyPy left out: {e}", file=sys.stderr)
    here = _python()
    table = Table(title=f"armsim ({here}; {pypy_name if pypy_runs else 'no PyPy'}) vs unicorn, CPU seconds")
    for col in ("guest", "instructions", f"{here.split()[0]} s", "MIPS", "PyPy s", "MIPS", "unicorn s", "MIPS"):
        table.add_column(col, justify="right")
    for g in guests:
        n, tc = bench_armsim(paths[g], args.repeat)
        tu = bench_unicorn(paths[g], args.repeat)
        pn, tp = pypy_runs.get(g, (n, None))
        if pn != n:
            print(f"thumb_mips: {g}: PyPy counted {pn:,} instructions, {here} {n:,}", file=sys.stderr)
            return 1
        table.add_row(g, f"{n:,}", f"{tc:.3f}", _mips(n, tc), "-" if tp is None else f"{tp:.3f}", _mips(n, tp),
                      "-" if tu is None else f"{tu:.4f}", _mips(n, tu))
    Console(width=max(Console().width, 110)).print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
