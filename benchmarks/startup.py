"""Start-up cost of ``armsim run``: the CPU time of the whole command, as a child process.

    python benchmarks/startup.py [--repeat N] [--elf PATH] [--python EXE] [-- EXTRA ARMSIM ARGS]

Runs ``EXE -m armsim run ELF`` (default: this interpreter and the bundled
``examples/guests/hello.elf``) N times and reports each run's user+system CPU
time, from ``os.wait4``'s resource usage of that child, and the minimum (the
run least disturbed by the other processes of the machine).  The figure is
with cached bytecode, the usual case (an installed package, or a checkout run
before): the child may write ``__pycache__`` (PYTHONDONTWRITEBYTECODE is
dropped from its environment) and one warm-up run, not counted, writes it.
Compiling armsim's sources at every start would add ~0.15 s.

It also names the heavy optional libraries the command imported (rich,
numpy, hypothesis, unicorn, pytest): ``armsim run`` imports none of them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "examples" / "guests" / "hello.elf"
HEAVY = ("rich", "numpy", "hypothesis", "unicorn", "pytest")

# Runs the command in the child, then writes the heavy libraries it imported to the pipe
# named by ARMSIM_REPORT_FD (stdout and stderr stay the guest's and armsim's).
_PROBE = (
    "import sys, runpy, json, os\n"
    "sys.argv = ['armsim'] + sys.argv[1:]\n"
    "try:\n"
    "    runpy.run_module('armsim', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
    "heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(os.environ['ARMSIM_HEAVY'])))\n"
    "os.write(int(os.environ['ARMSIM_REPORT_FD']), json.dumps(heavy).encode())\n"
)


def _env() -> Dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def cpu_of_run(cmd: Sequence[str], env: Optional[Dict[str, str]] = None) -> float:
    """User+system CPU seconds of one child process running ``cmd``; it must exit with status 0."""
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(list(cmd), stdout=null, stderr=null, cwd=str(ROOT), env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = status  # reaped here: keep Popen from waiting for it again
    if status != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (wait status {status:#x})")
    return usage.ru_utime + usage.ru_stime


def heavy_imports(python: str, args: Sequence[str]) -> List[str]:
    """The heavy libraries (HEAVY) that ``armsim ARGS`` imports."""
    r, w = os.pipe()
    env = dict(_env(), ARMSIM_HEAVY=json.dumps(HEAVY), ARMSIM_REPORT_FD=str(w))
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen([python, "-c", _PROBE, *args], stdout=null, stderr=null, cwd=str(ROOT),
                                pass_fds=(w,), env=env)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        data = fh.read()
    proc.wait()
    return list(json.loads(data.decode() or "[]"))


def measure(python: str, args: Sequence[str], repeat: int) -> List[float]:
    """CPU seconds of each of ``repeat`` runs of ``python -m armsim ARGS``, after one warm-up run."""
    cmd = [python, "-m", "armsim", *args]
    env = _env()
    cpu_of_run(cmd, env)  # warm-up: writes the bytecode cache
    return [cpu_of_run(cmd, env) for _ in range(repeat)]


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: List[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1 :]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7, help="runs per figure; the minimum is reported (default 7)")
    ap.add_argument("--elf", default=str(HELLO), help="the guest (default examples/guests/hello.elf)")
    ap.add_argument("--python", default=sys.executable, help="the interpreter to measure (default: this one)")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    cmd = ["run", args.elf, *extra]
    print(f"armsim {' '.join(cmd)} under {args.python}")
    times = measure(args.python, cmd, args.repeat)
    print(f"minimum CPU {min(times):.3f} s over {len(times)} runs ({' '.join(f'{t:.3f}' for t in times)})")
    heavy = heavy_imports(args.python, cmd)
    print("heavy imports: " + (", ".join(heavy) if heavy else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
