"""Run one sweep point: a benchmark guest under the modelled hypervisor, measured exit by exit.

:func:`run_point` boots a :class:`~armsim.kvm.Hypervisor` VM for the point's
CPU profile (with its breakpoint/watchpoint pairs), debug policy and guest
command line, runs the guest on the simulated CPU to its exit, and reads the
hypervisor's cycle ledger at every exit (a ``kvm_exit`` trace event).  Each
exit's round trip -- the exception entry, the world switch out, the handling
(trap emulation, the hypercall), the switch back in and the ERET -- is the
ledger's growth from that exit to the next, by part.  Only the exits between
the guest's two marker hypercalls (HVC #1, ``examples/guests/bench/bench.h``)
are measured, so set-up work is left out.

Figures of a point (the ``--json`` entry, :data:`POINT_KEYS`):

* ``cycles_per_exit``: the measured cycles / ``exits``, where ``exits`` is
  the number of null hypercalls (phases).  A phase's trapped debug-register
  accesses are exits too; their round trips are charged to the phase, so
  policies are compared per unit of guest work.  Without trapped accesses this
  is the plain hypercall round trip.
* ``cycles_by_part``: the same per part (``exception_entry``,
  ``core_cp15_switch``, ``debug_save``, ``debug_restore``, ``trap_emulation``,
  ``return``); the parts sum to ``cycles_per_exit``.
* ``debug_switches``: runs in the window whose debug registers were switched.
* ``cycles_per_trapped_access``: the mean round trip of an exit for a trapped
  CP14 access (HSR.EC 0x05, 0x06, 0x0C); None (JSON null) when there was none.

Lazy against eager at 100% use (the stated bound, tested in
tests/test_world_switch_bench.py and explained in benchmarks/README.md): when
every phase writes a debug register both policies move the same registers
once each way per phase, and LAZY pays in addition exactly

    lazy - eager = R + W + H  per phase,  0 < R + W + H <= cycles_per_trapped_access

where R is one more exit round trip without debug moves (exception entry,
core/CP15 switch, return) for the trapped write, W that write's emulation and
H the host check of the clean entry (1 + BRPs + WRPs CP14 reads; 0 for
``lazy-nohc``).  The bound holds because the trapped access's own round trip
is R + W plus the switch-in it triggers (24 reads and 24 writes with 6/4
pairs), which costs more than H.  Measured: cortex-a15 1,292 cycles (eager
2,195, a trapped write's round trip 1,717), cortex-a7 787 (eager 1,280,
1,018).

Everything is deterministic: the same point gives the same figures anywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from armsim.bench.points import Point, base_guest
from armsim.coproc.syndrome import EC
from armsim.cpu.sysregs import HSR
from armsim.errors import ArmsimError
from armsim.kvm import DebugPolicy, Hypervisor, KvmTracer
from armsim.kvm.costs import PARTS
from armsim.kvm.policy import policy_named

POINT_KEYS: Tuple[str, ...] = ("cpu", "policy", "pairs", "guest", "fraction", "exits", "cycles_per_exit",
                               "cycles_by_part", "debug_switches", "cycles_per_trapped_access")
CP14_ECS = frozenset((int(EC.MCR_MRC_CP14), int(EC.LDC_STC_CP14), int(EC.MRRC_CP14)))
MARKER_IMM16 = 1  # HVC #1 brackets the measured phases
PHASE_IMM16 = 0  # HVC #0 ends a phase
_EC = HSR["EC"]
# Instructions a guest may spend per phase (a runaway guest stops with a clear error).
INSNS_PER_PHASE = 20_000
INSNS_FIXED = 2_000_000


class BenchError(ArmsimError):
    """A benchmark guest did not behave as the point expects (exit status, output, exit count)."""


@dataclass
class PointResult:
    """A point's figures (``record``, the ``--json`` entry) and each phase's round-trip cycles."""

    point: Point
    record: Dict[str, Any]
    phase_cycles: List[int] = field(default_factory=list)
    switch_cycles: Optional[float] = None  # debug save + restore cycles per switched run (None: no switch)


def make_policy(name: str) -> DebugPolicy:
    """The point's policy: ``lazy-nohc`` is LAZY without its host check (arm64's semantics)."""
    if name == "lazy-nohc":
        return type(DebugPolicy.LAZY)(host_check=False)
    return policy_named(name)


class _ExitClock:
    """A trace sink: at each ``kvm_exit``, the syndrome, the debug-switch count and the ledger by part."""

    def __init__(self) -> None:
        self.vm: Any = None
        self.marks: List[Tuple[int, int, Tuple[int, ...]]] = []

    def event(self, event: str, fields: Dict[str, Any]) -> None:
        if event != "kvm_exit" or self.vm is None:
            return
        by_part = self.vm.ledger.by_part
        hsr = fields.get("hsr")  # None for the exit that ends the run (the guest stopped): no HVC marker
        self.marks.append((0 if hsr is None else int(hsr), self.vm.ws.debug_switches, tuple(by_part[p] for p in PARTS)))


def expected_touched(point: Point) -> int:
    """Phases that touch the debug registers: floor(exits * fraction / 100) (bench.h), or the guest's fixed."""
    g = base_guest(point.guest)
    f = g.fixed_fraction if g.fixed_fraction is not None else point.fraction
    return (point.exits * round(f * 10000)) // 1_000_000


def run_point(point: Point) -> PointResult:
    """Run ``point`` on the simulated CPU and measure it (module docstring); BenchError if the guest misbehaves."""
    elf = point.elf()
    if not elf.is_file():
        raise BenchError(f"{point.guest}: no benchmark guest ELF at {elf} (it ships with the source tree)")
    clock = _ExitClock()
    tracer = KvmTracer()
    tracer.add(clock)
    hv = Hypervisor(cpu=point.profile(), debug_policy=make_policy(point.policy), tracer=tracer,
                    stdout=False, stderr=False)
    vm = hv.create_vm(str(elf), argv=point.argv())
    clock.vm = vm
    try:
        result = hv.run(vm, max_instructions=INSNS_FIXED + INSNS_PER_PHASE * point.exits)
    finally:
        vm.close()
    where = point.label()
    if result.exit_code != 0:
        raise BenchError(f"{where}: the guest did not exit with status 0 ({result.message}); "
                         f"output {result.output[-200:]!r}")
    first = result.output.decode("ascii", "replace").splitlines()[:1]
    want = f"{base_guest(point.guest).name}: exits={point.exits} touched={expected_touched(point)}"
    if first != [want]:
        raise BenchError(f"{where}: the guest printed {first!r}, expected {want!r}")
    return measure(point, clock.marks)


def _imm16(hsr: int) -> int:
    return hsr & 0xFFFF


def measure(point: Point, marks: List[Tuple[int, int, Tuple[int, ...]]]) -> PointResult:
    """The figures of the exits between the two marker hypercalls (module docstring)."""
    where = point.label()
    hvc = int(EC.HVC)
    markers = [i for i, (hsr, _, _) in enumerate(marks) if _EC.get(hsr) == hvc and _imm16(hsr) == MARKER_IMM16]
    if len(markers) != 2:
        raise BenchError(f"{where}: expected 2 marker hypercalls (HVC #1), saw {len(markers)}")
    start, end = markers[0] + 1, markers[1]
    window = marks[start:end]
    phases = [i for i, (hsr, _, _) in enumerate(window) if _EC.get(hsr) == hvc and _imm16(hsr) == PHASE_IMM16]
    if len(phases) != point.exits:
        raise BenchError(f"{where}: expected {point.exits} phase hypercalls (HVC #0), saw {len(phases)}")
    totals = [sum(parts) for _, _, parts in marks]
    # Round trip of exit i = ledger growth from exit i to exit i + 1.
    trips = [totals[i + 1] - totals[i] for i in range(start, end)]
    phase_cycles: List[int] = []
    acc = 0
    trapped: List[int] = []
    for (hsr, _, _), cycles in zip(window, trips):
        acc += cycles
        ec = _EC.get(hsr)
        if ec in CP14_ECS:
            trapped.append(cycles)
        if ec == hvc and _imm16(hsr) == PHASE_IMM16:
            phase_cycles.append(acc)
            acc = 0
    n = point.exits
    first_parts, last_parts = marks[start][2], marks[end][2]
    by_part = {p: (last_parts[k] - first_parts[k]) / n for k, p in enumerate(PARTS)}
    switches = marks[end][1] - marks[start][1]
    total = totals[end] - totals[start]
    record: Dict[str, Any] = {
        "cpu": point.cpu,
        "policy": point.policy,
        "pairs": point.pairs,
        "guest": point.guest,
        "fraction": point.fraction,
        "exits": n,
        "cycles_per_exit": total / n,
        "cycles_by_part": by_part,
        "debug_switches": switches,
        "cycles_per_trapped_access": (sum(trapped) / len(trapped)) if trapped else None,
    }
    assert math.isclose(sum(by_part.values()), record["cycles_per_exit"], rel_tol=1e-12, abs_tol=1e-9)
    move = (by_part["debug_save"] + by_part["debug_restore"]) * n
    return PointResult(point, record, phase_cycles, (move / switches) if switches else None)
