"""armsim vs unicorn speed on the bundled C guests, measured in the same run.

    python benchmarks/mips.py [--repeat N] [--guests printf,malloc,strings,printf-thumb,...]

For each guest: armsim's instruction count, wall time and MIPS; unicorn's wall
time on the same ELF and its MIPS over armsim's instruction count (both execute
the same instruction stream to the same exit); and the ratio.  Prints a rich
table, and the Python implementation, since CPython builds differ (a PGO/LTO
build such as Debian's runs armsim markedly faster than a plain ./configure).
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path
from typing import List, Optional, Tuple

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from armsim import Machine  # noqa: E402

# The ARM builds, and the Thumb-2 builds of the same programs (-mthumb -mcpu=cortex-a15).
GUESTS = ("printf", "malloc", "strings", "printf-thumb", "malloc-thumb", "strings-thumb")


def bench_armsim(path: Path, repeat: int) -> Tuple[int, float]:
    best = None
    for _ in range(repeat):
        m = Machine(cpu="cortex-a15", stdout=False)
        m.load_elf(str(path))
        r = m.run(max_instructions=200_000_000)
        if best is None or r.wall_time < best.wall_time:
            best = r
    assert best is not None
    return best.instructions, best.wall_time


def bench_unicorn(path: Path, repeat: int) -> float:
    from unicorn_semihost import UnicornGuest

    best = float("inf")
    for _ in range(repeat):
        g = UnicornGuest(str(path))
        best = min(best, g.run())
    return best


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1, help="runs per guest; the best is reported")
    ap.add_argument("--guests", default=",".join(GUESTS))
    args = ap.parse_args(argv)
    console = Console()
    table = Table(title=f"armsim vs unicorn ({platform.python_implementation()} {platform.python_version()})")
    for col in ("guest", "instructions", "armsim s", "armsim MIPS", "unicorn s", "unicorn MIPS", "unicorn/armsim"):
        table.add_column(col, justify="right")
    tot_i = tot_a = tot_u = 0.0
    for name in args.guests.split(","):
        path = ROOT / "examples" / "guests" / f"{name}.elf"
        n, ta = bench_armsim(path, args.repeat)
        tu = bench_unicorn(path, args.repeat)
        tot_i += n
        tot_a += ta
        tot_u += tu
        table.add_row(
            name, f"{n:,}", f"{ta:.3f}", f"{n / ta / 1e6:.2f}", f"{tu:.4f}", f"{n / tu / 1e6:.1f}", f"{ta / tu:.0f}x"
        )
    table.add_row("all", f"{int(tot_i):,}", f"{tot_a:.3f}", f"{tot_i / tot_a / 1e6:.2f}", f"{tot_u:.4f}",
                  f"{tot_i / tot_u / 1e6:.1f}", f"{tot_a / tot_u:.0f}x")
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
