"""The points of a world-switch sweep: one independent guest run each (``armsim bench world-switch``).

A :class:`Point` names everything a run depends on -- CPU profile, debug
policy, breakpoint/watchpoint pairs, benchmark guest, fraction of phases
that touch the debug registers, number of exits -- so a point run anywhere
(this process, a local worker, a Dask worker) gives the same figures.

The benchmark guests (``examples/guests/bench``, :data:`GUESTS`) each run
``exits`` phases ended by a null hypercall; ``NAME_thumb`` is the Thumb-2
build of ``NAME``.  ``bp_write`` and ``dbg_read`` take the fraction from their
command line; ``hvc_loop`` never touches a debug register (fraction 0) and
``bp_armed`` keeps a breakpoint armed throughout (fraction 100).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from armsim.debug.registers import with_pairs
from armsim.errors import ConfigError
from armsim.timing.profiles import CpuProfile, get_profile, profile_names

# The policies of the sweep: armsim kvm's four, and LAZY without its host check (the arm64 semantics).
POLICIES: Tuple[str, ...] = ("passthrough", "raz-wi", "eager", "lazy", "lazy-nohc")
DEFAULT_POLICIES: Tuple[str, ...] = ("passthrough", "raz-wi", "eager", "lazy")
DEFAULT_CPUS: Tuple[str, ...] = ("cortex-a15", "cortex-a7")
DEFAULT_FRACTIONS: Tuple[float, ...] = (0.0, 1.0, 10.0, 50.0, 100.0)
DEFAULT_EXITS = 100
ISAS = ("arm", "thumb", "both")


@dataclass(frozen=True)
class BenchGuest:
    """One benchmark guest: its ELF stem, and its fixed fraction (None: taken from the command line)."""

    name: str
    fixed_fraction: Optional[float]
    description: str


GUESTS: Dict[str, BenchGuest] = {g.name: g for g in (
    BenchGuest("hvc_loop", 0.0, "HVC #0 in a tight loop, no debug register touched"),
    BenchGuest("bp_write", None, "writes DBGBVR0 in the given fraction of its phases"),
    BenchGuest("bp_armed", 100.0, "a breakpoint armed (DBGDSCR.MDBGen set) throughout"),
    BenchGuest("dbg_read", None, "reads 4 debug registers in the given fraction of its phases, never writes"),
)}
DEFAULT_GUESTS: Tuple[str, ...] = tuple(GUESTS)
THUMB_SUFFIX = "_thumb"


def guest_dir() -> Path:
    """examples/guests/bench of a source checkout (the ELFs are not part of an installed wheel)."""
    return Path(__file__).resolve().parents[2] / "examples" / "guests" / "bench"


def base_guest(guest: str) -> BenchGuest:
    """The :class:`BenchGuest` of ``guest`` (``NAME`` or ``NAME_thumb``); ConfigError if unknown."""
    stem = guest[: -len(THUMB_SUFFIX)] if guest.endswith(THUMB_SUFFIX) else guest
    try:
        return GUESTS[stem]
    except KeyError:
        valid = ", ".join(f"{g}[{THUMB_SUFFIX}]" for g in GUESTS)
        raise ConfigError(f"unknown benchmark guest {guest!r} (valid: {valid})") from None


@dataclass(frozen=True)
class Point:
    """One run: the inputs of one entry of the ``--json`` ``points`` list."""

    cpu: str
    policy: str
    pairs: str  # "BRPs/WRPs"
    guest: str
    fraction: float  # percent of the phases that touch the debug registers
    exits: int  # phases, so null hypercalls (exit round trips) measured

    def profile(self) -> CpuProfile:
        """The CPU profile with this point's pairs."""
        brps, wrps = parse_pairs(self.pairs)
        return with_pairs(get_profile(self.cpu), brps, wrps)

    def elf(self) -> Path:
        return guest_dir() / f"{self.guest}.elf"

    def argv(self) -> List[str]:
        """The guest's command line (bench.h): program name, exits=N, fraction=P."""
        return [f"{self.guest}.elf", f"exits={self.exits}", f"fraction={format_fraction(self.fraction)}"]

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)

    def label(self) -> str:
        return f"{self.cpu} {self.pairs} {self.policy} {self.guest} {format_fraction(self.fraction)}%"


def format_fraction(f: float) -> str:
    """A fraction as the guest reads it: a percentage with up to four decimals, no trailing zeros."""
    text = f"{f:.4f}".rstrip("0").rstrip(".")
    return text or "0"


_PAIRS = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_pairs(text: str) -> Tuple[int, int]:
    """``"BRPs/WRPs"`` -> (brps, wrps); ConfigError on anything else (the counts are checked by with_pairs)."""
    m = _PAIRS.match(text)
    if not m:
        raise ConfigError(f"pairs {text!r}: expected BRPs/WRPs, e.g. 6/4")
    return int(m.group(1)), int(m.group(2))


def profile_pairs(cpu: str) -> str:
    p = get_profile(cpu)
    return f"{p.brps}/{p.wrps}"


def parse_fraction(text: str) -> float:
    try:
        f = float(text)
    except ValueError:
        raise ConfigError(f"fraction {text!r} is not a number (a percentage, 0 to 100)") from None
    if not 0.0 <= f <= 100.0:
        raise ConfigError(f"fraction {text!r} is outside 0..100 (percent)")
    if abs(f * 10000 - round(f * 10000)) > 1e-6:
        raise ConfigError(f"fraction {text!r} has more than four decimals")
    return round(f, 4)


def check_policy(name: str) -> str:
    key = name.strip().lower().replace("_", "-")
    if key not in POLICIES:
        raise ConfigError(f"unknown policy {name!r} (valid: {', '.join(POLICIES)})")
    return key


def check_cpu(name: str) -> str:
    key = name.strip().lower()
    if key not in profile_names():
        raise ConfigError(f"unknown CPU {name!r} (valid: {', '.join(profile_names())})")
    return key


def _unique(items: Iterable[Any]) -> List[Any]:
    return list(dict.fromkeys(items))


def build_points(cpus: Sequence[str] = DEFAULT_CPUS, policies: Sequence[str] = DEFAULT_POLICIES,
                 pairs: Optional[Sequence[str]] = None, guests: Sequence[str] = DEFAULT_GUESTS,
                 fractions: Sequence[float] = DEFAULT_FRACTIONS, exits: int = DEFAULT_EXITS,
                 isa: str = "arm") -> List[Point]:
    """The sweep's points, in a fixed order (cpu, pairs, policy, guest, fraction).

    ``pairs`` None: each profile's own.  A guest with a fixed fraction runs once
    per (cpu, pairs, policy); the others once per fraction.  ``isa``: ``arm``
    (NAME.elf), ``thumb`` (NAME_thumb.elf) or ``both``.
    """
    if exits < 1:
        raise ConfigError(f"exits must be at least 1, not {exits}")
    if isa not in ISAS:
        raise ConfigError(f"unknown ISA {isa!r} (valid: {', '.join(ISAS)})")
    cpus = _unique(check_cpu(c) for c in cpus)
    policies = _unique(check_policy(p) for p in policies)
    fracs = sorted(_unique(parse_fraction(str(f)) for f in fractions))
    names = _unique(base_guest(g).name for g in guests)
    suffixes = {"arm": [""], "thumb": [THUMB_SUFFIX], "both": ["", THUMB_SUFFIX]}[isa]
    if not (cpus and policies and names and fracs):
        raise ConfigError("the sweep is empty: give at least one CPU, policy, guest and fraction")
    out: List[Point] = []
    for cpu in cpus:
        pair_list = _unique(pairs) if pairs else [profile_pairs(cpu)]
        for pr in pair_list:
            brps, wrps = parse_pairs(pr)
            with_pairs(get_profile(cpu), brps, wrps)  # check the counts now, not in a worker
            norm = f"{brps}/{wrps}"
            for policy, name, suffix in itertools.product(policies, names, suffixes):
                g = GUESTS[name]
                for f in ([g.fixed_fraction] if g.fixed_fraction is not None else fracs):
                    out.append(Point(cpu, policy, norm, name + suffix, float(f), exits))
    return out
