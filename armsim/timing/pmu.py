"""The Performance Monitors (DDI 0406C C12, PMUv2): counters that read the timing model.

:class:`PMU` holds the architectural state (PMCR, PMCNTENSET, PMSELR,
PMXEVTYPERn, PMOVSR, PMUSERENR, PMINTENSET) and derives every counter from
the timing model on read, so a guest timing itself with PMCCNTR sees exactly
``Machine.timing.cycles`` (C12.1: the cycle counter counts processor clock
cycles; PMCR.D divides by 64).  A counter is a running value while it is
enabled (PMCR.E and its PMCNTENSET bit, C12.3) and frozen otherwise; a write
sets it.  Overflow past 2^32 sets its PMOVSR bit when the value is read.

Events (C12.8 Table C12-8) the model produces: 0x00 SW_INCR, 0x01
L1I_CACHE_REFILL, 0x03 L1D_CACHE_REFILL, 0x04 L1D_CACHE, 0x08 INST_RETIRED,
0x09 EXC_TAKEN, 0x10 BR_MIS_PRED (pipeline level), 0x11 CPU_CYCLES.  Any
other event number counts nothing.

The register accessors take ``(cpu)`` / ``(cpu, value)``, the shape of the
CP15 register-table rows, so the same functions back the PMU rows of the
CP15 store (whose access predicate applies PMUSERENR.EN and the
HDCR.TPM/TPMCR/HPMN Hyp traps, C12.7, B4.1.67).  Until that store is on
main, :class:`PmuCoprocessor` attaches to the bus as CP15 with the PMU and
the identification registers only (everything else UNDEFINED), with the
PL0 rule of PMUSERENR.EN.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from armsim.coproc.bus import AccessKind, CoprocAccess, Verdict
from armsim.cpu.modes import Mode
from armsim.layout import Layout

MASK32 = 0xFFFFFFFF
CYCLE_BIT = 31  # PMCNTENSET/PMOVSR bit of the cycle counter

# C12.10.1 PMCR: IMP[31:24], IDCODE[23:16], N[15:11], DP[5], X[4], D[3], C[2], P[1], E[0].
PMCR = Layout("PMCR", {
    "IMP": (31, 24), "IDCODE": (23, 16), "N": (15, 11), "DP": (5, 5), "X": (4, 4),
    "D": (3, 3), "C": (2, 2), "P": (1, 1), "E": (0, 0),
})
_E = PMCR["E"].mask
_P = PMCR["P"].mask
_C = PMCR["C"].mask
_D = PMCR["D"].mask
_PMCR_RW = _E | _D | PMCR["X"].mask | PMCR["DP"].mask

SW_INCR, L1I_CACHE_REFILL, L1D_CACHE_REFILL, L1D_CACHE = 0x00, 0x01, 0x03, 0x04
INST_RETIRED, EXC_TAKEN, BR_MIS_PRED, CPU_CYCLES = 0x08, 0x09, 0x10, 0x11
EVENTS = (SW_INCR, L1I_CACHE_REFILL, L1D_CACHE_REFILL, L1D_CACHE, INST_RETIRED, EXC_TAKEN, BR_MIS_PRED, CPU_CYCLES)

# PMCR.IDCODE per profile (Cortex-A15 TRM 11.4: 0x0F; Cortex-A7 TRM 11.4: 0x07).
_IDCODE = {"cortex-a15": 0x0F, "cortex-a7": 0x07}


class _Counter:
    """One counter: ``base`` + (source now - ``start``) while running, ``base`` when stopped."""

    __slots__ = ("base", "running", "start")

    def __init__(self) -> None:
        self.base = 0
        self.start = 0
        self.running = False


class PMU:
    """PMUv2 state over a :class:`~armsim.timing.model.Timing` (C12)."""

    def __init__(self, timing: Any) -> None:
        self.timing = timing
        table = timing.table
        self.n = table.pmu_counters
        self.pmcr_fixed = (0x41 << 24) | (_IDCODE.get(timing.profile.name, 0) << 16) | (self.n << 11)
        self.reset()

    def reset(self) -> None:
        """Reset values (C12.10): counters disabled; the counts, UNKNOWN at reset, are 0 here."""
        self.pmcr = 0
        self.cntenset = 0
        self.selr = 0
        self.ovsr = 0
        self.userenr = 0
        self.intenset = 0
        self.evtype: List[int] = [0] * self.n
        self.swinc: List[int] = [0] * self.n
        self.cycle = _Counter()
        self.events = [_Counter() for _ in range(self.n)]

    # -- event sources ----------------------------------------------------------------
    def _source(self, event: int) -> Callable[[], int]:
        t = self.timing
        if event == CPU_CYCLES:
            return lambda: int(t.cycles)
        if event == INST_RETIRED:
            return lambda: int(t.instructions)
        if event == EXC_TAKEN:
            return lambda: int(t.exceptions)
        if event == BR_MIS_PRED:
            pen = max(1, t.table.mispredict_penalty)
            return lambda: t.breakdown()["mispredict"] // pen
        p = t.pipeline
        if p is not None and p.icache is not None and event == L1I_CACHE_REFILL:
            return lambda: p.icache.misses
        if p is not None and p.dcache is not None and event in (L1D_CACHE_REFILL, L1D_CACHE):
            d = p.dcache
            return (lambda: d.misses) if event == L1D_CACHE_REFILL else (lambda: d.hits + d.misses)
        return lambda: 0

    def _cycle_source(self) -> int:
        c = int(self.timing.cycles)
        return c // 64 if self.pmcr & _D else c

    def _value(self, ctr: _Counter, src: Callable[[], int], bit: int) -> int:
        v = ctr.base + (src() - ctr.start if ctr.running else 0)
        if v > MASK32:
            self.ovsr |= 1 << bit
        return v & MASK32

    def _set(self, ctr: _Counter, src: Callable[[], int], value: int) -> None:
        ctr.base = value
        ctr.start = src()

    def _event_src(self, i: int) -> Callable[[], int]:
        ev = self.evtype[i] & 0xFF
        if ev == SW_INCR:
            sw = self.swinc
            return lambda: sw[i]
        return self._source(ev)

    def _update_running(self) -> None:
        """Start or freeze every counter after PMCR.E or PMCNTENSET changed (C12.3)."""
        on = bool(self.pmcr & _E)
        pairs: List[Tuple[_Counter, Callable[[], int], int]] = [(self.cycle, self._cycle_source, CYCLE_BIT)]
        pairs += [(c, self._event_src(i), i) for i, c in enumerate(self.events)]
        for ctr, src, bit in pairs:
            run = on and bool(self.cntenset >> bit & 1)
            if run != ctr.running:
                if run:
                    ctr.start = src()
                else:
                    ctr.base = self._value(ctr, src, bit)
                ctr.running = run

    # -- registers (C12.10), in the CP15 row accessor shape ------------------------------------
    def read_PMCR(self, cpu: Any = None) -> int:
        return self.pmcr_fixed | (self.pmcr & _PMCR_RW)

    def write_PMCR(self, cpu: Any, value: int) -> None:
        if value & _C:
            self._set(self.cycle, self._cycle_source, 0)
        if value & _P:
            for i, c in enumerate(self.events):
                self._set(c, self._event_src(i), 0)
        # D changes the cycle counter's source scale: re-base the running count first.
        if (value ^ self.pmcr) & _D and self.cycle.running:
            self.cycle.base = self._value(self.cycle, self._cycle_source, CYCLE_BIT)
            self.pmcr = (self.pmcr & ~_D) | (value & _D)
            self.cycle.start = self._cycle_source()
        self.pmcr = value & _PMCR_RW
        self._update_running()

    def _mask(self) -> int:
        return (1 << CYCLE_BIT) | ((1 << self.n) - 1)

    def read_PMCNTENSET(self, cpu: Any = None) -> int:
        return self.cntenset

    def write_PMCNTENSET(self, cpu: Any, value: int) -> None:
        self.cntenset |= value & self._mask()
        self._update_running()

    def write_PMCNTENCLR(self, cpu: Any, value: int) -> None:
        self.cntenset &= ~value & MASK32
        self._update_running()

    def read_PMOVSR(self, cpu: Any = None) -> int:
        return self.ovsr

    def write_PMOVSR(self, cpu: Any, value: int) -> None:
        self.ovsr &= ~value & MASK32  # write-one-to-clear (C12.10.6)

    def write_PMSWINC(self, cpu: Any, value: int) -> None:
        for i in range(self.n):
            if value >> i & 1 and self.evtype[i] & 0xFF == SW_INCR:
                self.swinc[i] += 1

    def read_PMSELR(self, cpu: Any = None) -> int:
        return self.selr

    def write_PMSELR(self, cpu: Any, value: int) -> None:
        self.selr = value & 0x1F

    def read_PMCCNTR(self, cpu: Any = None) -> int:
        return self._value(self.cycle, self._cycle_source, CYCLE_BIT)

    def write_PMCCNTR(self, cpu: Any, value: int) -> None:
        self._set(self.cycle, self._cycle_source, value & MASK32)

    def _selected(self) -> Optional[int]:
        """PMSELR.SEL if it names an implemented counter.  UNPREDICTABLE otherwise (C12.10.8):
        we choose reads-as-zero, writes ignored."""
        return self.selr if self.selr < self.n else None

    def read_PMXEVTYPER(self, cpu: Any = None) -> int:
        i = self._selected()
        return 0 if i is None else self.evtype[i]

    def write_PMXEVTYPER(self, cpu: Any, value: int) -> None:
        i = self._selected()
        if i is None:
            return
        ctr = self.events[i]
        if ctr.running:  # freeze under the old event, restart under the new one
            ctr.base = self._value(ctr, self._event_src(i), i)
        self.evtype[i] = value & 0xFF
        if ctr.running:
            ctr.start = self._event_src(i)()

    def read_PMXEVCNTR(self, cpu: Any = None) -> int:
        i = self._selected()
        return 0 if i is None else self._value(self.events[i], self._event_src(i), i)

    def write_PMXEVCNTR(self, cpu: Any, value: int) -> None:
        i = self._selected()
        if i is not None:
            self._set(self.events[i], self._event_src(i), value & MASK32)

    def read_PMUSERENR(self, cpu: Any = None) -> int:
        return self.userenr

    def write_PMUSERENR(self, cpu: Any, value: int) -> None:
        self.userenr = value & 1

    def read_PMINTENSET(self, cpu: Any = None) -> int:
        return self.intenset

    def write_PMINTENSET(self, cpu: Any, value: int) -> None:
        self.intenset |= value & self._mask()

    def write_PMINTENCLR(self, cpu: Any, value: int) -> None:
        self.intenset &= ~value & MASK32

    def read_PMCEID0(self, cpu: Any = None) -> int:
        """C12.10.3: one bit per common event the model counts."""
        return sum(1 << e for e in EVENTS if e < 32)

    # (name, opc2 under CRm=c12/c13/c14 of CRn=c9, opc1=0): read, write (None = not allowed)
    def rows(self) -> Dict[Tuple[int, int], Tuple[str, Optional[Callable[..., int]], Optional[Callable[..., None]]]]:
        """The PMU's CP15 encodings (CRn=c9, opc1=0; C12.10 Table C12-11): (CRm, opc2) -> row."""
        return {
            (12, 0): ("PMCR", self.read_PMCR, self.write_PMCR),
            (12, 1): ("PMCNTENSET", self.read_PMCNTENSET, self.write_PMCNTENSET),
            (12, 2): ("PMCNTENCLR", self.read_PMCNTENSET, self.write_PMCNTENCLR),
            (12, 3): ("PMOVSR", self.read_PMOVSR, self.write_PMOVSR),
            (12, 4): ("PMSWINC", None, self.write_PMSWINC),
            (12, 5): ("PMSELR", self.read_PMSELR, self.write_PMSELR),
            (12, 6): ("PMCEID0", self.read_PMCEID0, None),
            (12, 7): ("PMCEID1", lambda cpu=None: 0, None),
            (13, 0): ("PMCCNTR", self.read_PMCCNTR, self.write_PMCCNTR),
            (13, 1): ("PMXEVTYPER", self.read_PMXEVTYPER, self.write_PMXEVTYPER),
            (13, 2): ("PMXEVCNTR", self.read_PMXEVCNTR, self.write_PMXEVCNTR),
            (14, 0): ("PMUSERENR", self.read_PMUSERENR, self.write_PMUSERENR),
            (14, 1): ("PMINTENSET", self.read_PMINTENSET, self.write_PMINTENSET),
            (14, 2): ("PMINTENCLR", self.read_PMINTENSET, self.write_PMINTENCLR),
        }


class PmuCoprocessor:
    """CP15 as the PMU plus the identification registers, until the CP15 register store lands.

    MRC/MCR p15, 0, Rt, c9, c12-c14, opc2 reach :class:`PMU`; MIDR, MPIDR
    (c0, c0, 0/5) and the profile's ID registers read their values; every
    other CP15 access is UNDEFINED.  PL0 may access only PMUSERENR (read) and,
    with PMUSERENR.EN, the other PMU registers except PMUSERENR writes and
    PMINTENSET/CLR (C12.7.1).
    """

    def __init__(self, pmu: PMU, profile: Any) -> None:
        self.pmu = pmu
        self.pmu_rows = pmu.rows()
        ids = dict(getattr(profile, "ids", {}) or {})
        # B4.1.105 MIDR (c0,c0,0), B4.1.106 MPIDR (c0,c0,5), B4.1.93-B4.1.92 ID_PFR0.. (c0,c1,0..).
        self.id_rows: Dict[Tuple[int, int, int], int] = {(0, 0, 0): profile.midr}
        for key, name in ((0, 0, 5), "MPIDR"), ((0, 1, 0), "ID_PFR0"), ((0, 1, 1), "ID_PFR1"), \
                ((0, 1, 2), "ID_DFR0"), ((0, 2, 0), "ID_ISAR0"), ((0, 1, 4), "ID_MMFR0"):
            if name in ids:
                self.id_rows[key] = ids[name]

    def _find(self, acc: CoprocAccess) -> Optional[str]:
        if acc.kind not in (AccessKind.MRC, AccessKind.MCR) or acc.opc1 != 0:
            return None
        if acc.crn == 9 and (acc.crm, acc.opc2) in self.pmu_rows:
            return "pmu"
        if (acc.crn, acc.crm, acc.opc2) in self.id_rows and acc.kind is AccessKind.MRC:
            return "id"
        return None

    def check(self, cpu: Any, acc: CoprocAccess) -> Verdict:
        where = self._find(acc)
        if where is None:
            return Verdict.UNDEFINED
        if where == "id":
            return Verdict.OK if cpu.mode != int(Mode.USR) else Verdict.UNDEFINED
        name, read, write = self.pmu_rows[(acc.crm, acc.opc2)]
        fn = read if acc.kind is AccessKind.MRC else write
        if fn is None:
            return Verdict.UNDEFINED
        if cpu.mode == int(Mode.USR):
            if name == "PMUSERENR":
                return Verdict.OK if acc.kind is AccessKind.MRC else Verdict.UNDEFINED
            if name in ("PMINTENSET", "PMINTENCLR") or not self.pmu.userenr & 1:
                return Verdict.UNDEFINED
        return Verdict.OK

    def read(self, cpu: Any, acc: CoprocAccess) -> int:
        if self._find(acc) == "id":
            return self.id_rows[(acc.crn, acc.crm, acc.opc2)]
        read = self.pmu_rows[(acc.crm, acc.opc2)][1]
        assert read is not None
        return int(read(cpu))

    def write(self, cpu: Any, acc: CoprocAccess, value: int) -> None:
        write = self.pmu_rows[(acc.crm, acc.opc2)][2]
        assert write is not None
        write(cpu, value & MASK32)


__all__ = ["EVENTS", "PMCR", "PMU", "PmuCoprocessor"]
