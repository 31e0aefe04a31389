"""The Performance Monitors (DDI 0406C C12, PMUv2): CP15 registers whose counters read the timing model.

The PMU's control registers live in the CP15 store (``cpu.sys``: PMCR,
PMCNTENSET, PMOVSR, PMSELR, PMUSERENR, PMINTENSET, HDCR), so a debugger, a
test or the hypervisor model sees and sets them there.  The counters are
derived from the machine's :class:`~armsim.timing.model.Timing` when read: a
counter is ``base`` + (source now - ``start``) while it counts and ``base``
while it is stopped; a write sets ``base``.  So a guest timing itself with
PMCCNTR sees exactly ``Machine.timing.cycles`` (C12.1: the cycle counter
counts processor clock cycles; B4.1 PMCR.D: every 64th cycle).  What an
instruction reading a counter sees is the count of the instructions before
it (the timing model charges an instruction after it executed).

The accessors take ``(cpu)`` / ``(cpu, value)``, the shape of the CP15 row
functions (:mod:`armsim.coproc.cp15` binds its PMU rows to them); the row's
access check applies PMUSERENR.EN at PL0 and the HDCR.TPM / HDCR.TPMCR Hyp
traps (B1.14.17) before an accessor runs.

Counter enables (C12.3, B4.1 PMCNTENSET, B4.1.67 HDCR): the cycle counter
counts when PMCR.E and PMCNTENSET.C are set; event counter n when its
PMCNTENSET bit is set and PMCR.E (n < HDCR.HPMN) or HDCR.HPME (n >= HPMN).

HDCR.HPMN partitioning (B4.1.67, C12 "Performance Monitors and the
Virtualization Extensions"): from Non-secure PL0 and PL1 the counters
HPMN..N-1 belong to the hypervisor: PMCR.N reads as HPMN; their bits of
PMCNTENSET/CLR, PMINTENSET/CLR and PMOVSR are RAZ/WI; PMSWINC ignores them;
PMCR.P does not reset them.  UNPREDICTABLE (B4.1.67, HPMN = 0 or HPMN >
PMCR.N): we choose min(HPMN, N).  UNPREDICTABLE (B4.1 PMXEVTYPER/PMXEVCNTR,
PMSELR.SEL naming no implemented counter, or one at or above HPMN from
Non-secure PL0/PL1; PMXEVCNTR with SEL = 31): we choose reads-as-zero,
writes ignored.  The reset value of HPMN is PMCR.N (Cortex-A15 TRM HDCR
reset 0x00000006, Cortex-A7 TRM 0x00000004).

Events (C12.8, common event numbers) the model produces: 0x00 SW_INCR,
0x01 L1I_CACHE_REFILL, 0x03 L1D_CACHE_REFILL, 0x04 L1D_CACHE (with the
pipeline level's caches), 0x08 INST_RETIRED, 0x09 EXC_TAKEN, 0x10
BR_MIS_PRED (pipeline level), 0x11 CPU_CYCLES.  Any other event number
counts nothing.  Not modelled: the PMUv2 filter bits of PMXEVTYPER and
PMCCFILTR (stored, every mode counts: armsim permits non-invasive debug in
both Security states), the overflow interrupt (PMINTENSET is stored; there
is no interrupt controller), PMCR.X (export) and PMCR.DP.
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional

from armsim.cpu.modes import Mode
from armsim.cpu.sysregs import HDCR
from armsim.layout import Layout

MASK32 = 0xFFFFFFFF
CYCLE_BIT = 31  # PMCNTENSET/PMOVSR/PMINTENSET bit of the cycle counter (C)
CCFILTR_SEL = 31  # PMSELR.SEL value selecting PMCCFILTR through PMXEVTYPER (PMUv2)

# B4.1 PMCR: IMP[31:24], IDCODE[23:16], N[15:11], DP[5], X[4], D[3], C[2], P[1], E[0].
PMCR = Layout("PMCR", {
    "IMP": (31, 24), "IDCODE": (23, 16), "N": (15, 11), "DP": (5, 5), "X": (4, 4),
    "D": (3, 3), "C": (2, 2), "P": (1, 1), "E": (0, 0),
})
_E = PMCR["E"].mask
_P = PMCR["P"].mask
_C = PMCR["C"].mask
_D = PMCR["D"].mask
_N = PMCR["N"].mask
_N_SHIFT = PMCR["N"].shift
_PMCR_RW = _E | _D | PMCR["X"].mask | PMCR["DP"].mask
_HPMN = HDCR["HPMN"].mask
_HPME = HDCR["HPME"].mask
_HDCR_WRITABLE = 0xFFF
# B4.1 PMXEVTYPER (PMUv2): P[31] U[30] NSK[29] NSU[28] NSH[27] filters, evtCount[7:0].
_EVTYPER_RW = 0xF80000FF
_CCFILTR_RW = 0xF8000000

SW_INCR, L1I_CACHE_REFILL, L1D_CACHE_REFILL, L1D_CACHE = 0x00, 0x01, 0x03, 0x04
INST_RETIRED, EXC_TAKEN, BR_MIS_PRED, CPU_CYCLES = 0x08, 0x09, 0x10, 0x11
EVENTS = (SW_INCR, L1I_CACHE_REFILL, L1D_CACHE_REFILL, L1D_CACHE, INST_RETIRED, EXC_TAKEN, BR_MIS_PRED, CPU_CYCLES)

# PMCR.IDCODE per profile (Cortex-A15 TRM 11.4: 0x0F; Cortex-A7 TRM 11.4: 0x07; generic: 0).
_IDCODE = {"cortex-a15": 0x0F, "cortex-a7": 0x07}

_HYP = int(Mode.HYP)
_MON = int(Mode.MON)


def _ns_guest(cpu: Any) -> bool:
    """Non-secure PL0 or PL1 (not Hyp mode, not Monitor mode): where HDCR.HPMN applies."""
    return bool(cpu.sys.SCR & 1) and cpu.mode not in (_HYP, _MON)


def _zero() -> int:
    return 0


class _Counter:
    """One counter: ``base`` + (source now - ``start``) while running, ``base`` when stopped."""

    __slots__ = ("base", "running", "start")

    def __init__(self) -> None:
        self.base = 0
        self.start = 0
        self.running = False


class PMU:
    """PMUv2 over a timing model (``timing`` None: no model, every counter but SW_INCR stays put)."""

    def __init__(self, profile: Any, timing: Any = None) -> None:
        self.profile = profile
        self.timing = timing
        self.n: int = profile.timing.pmu_counters  # PMCR.N
        self.pmcr_reset = (0x41 << 24) | (_IDCODE.get(profile.name, 0) << 16) | (self.n << _N_SHIFT)
        self.evtype: List[int] = [0] * self.n
        self.swinc: List[int] = [0] * self.n
        self.ccfilter = 0
        self.cycle = _Counter()
        self.events = [_Counter() for _ in range(self.n)]

    def reset(self, cpu: Any) -> None:
        """Reset (C12, B4.1): PMCR with the profile's IMP/IDCODE/N and E, D clear; counters disabled and
        zero (UNKNOWN at reset); HDCR.HPMN = PMCR.N (the TRMs' HDCR reset values)."""
        sr = cpu.sys
        sr.PMCR = self.pmcr_reset
        sr.PMCNTENSET = sr.PMOVSR = sr.PMSELR = sr.PMUSERENR = sr.PMINTENSET = 0
        sr.HDCR = (sr.HDCR & ~_HPMN) | self.n
        self.evtype = [0] * self.n
        self.swinc = [0] * self.n
        self.ccfilter = 0
        self.cycle = _Counter()
        self.events = [_Counter() for _ in range(self.n)]

    # -- event sources ----------------------------------------------------------------
    def _source(self, event: int) -> Callable[[], int]:
        t = self.timing
        if t is None:
            return _zero
        if event == CPU_CYCLES:
            return lambda: int(t.cycles)
        if event == INST_RETIRED:
            return lambda: int(t.instructions)
        if event == EXC_TAKEN:
            return lambda: int(t.exceptions)
        if event == BR_MIS_PRED:
            pen = max(1, t.table.mispredict_penalty)
            return lambda: int(t.breakdown()["mispredict"]) // pen
        p = t.pipeline
        if p is not None and p.icache is not None and event == L1I_CACHE_REFILL:
            ic = p.icache
            return lambda: int(ic.misses)
        if p is not None and p.dcache is not None and event in (L1D_CACHE_REFILL, L1D_CACHE):
            d = p.dcache
            return (lambda: int(d.misses)) if event == L1D_CACHE_REFILL else (lambda: int(d.hits + d.misses))
        return _zero

    def _cycle_source(self, cpu: Any) -> int:
        t = self.timing
        c = int(t.cycles) if t is not None else 0
        return c // 64 if cpu.sys.PMCR & _D else c

    def _event_src(self, i: int) -> Callable[[], int]:
        ev = self.evtype[i] & 0xFF
        if ev == SW_INCR:
            sw = self.swinc
            return lambda: sw[i]
        return self._source(ev)

    def _value(self, ctr: _Counter, now: int, bit: int, cpu: Any) -> int:
        """The counter's value; a carry out of bit 31 sets its PMOVSR bit (C12.5) and re-bases it."""
        v = ctr.base + (now - ctr.start if ctr.running else 0)
        if v > MASK32:
            cpu.sys.PMOVSR |= 1 << bit
            v &= MASK32
            ctr.base, ctr.start = v, now
        return v

    def _cycles(self, cpu: Any) -> int:
        return self._value(self.cycle, self._cycle_source(cpu), CYCLE_BIT, cpu)

    def _event(self, cpu: Any, i: int) -> int:
        return self._value(self.events[i], self._event_src(i)(), i, cpu)

    def _hpmn(self, cpu: Any) -> int:
        return min(cpu.sys.HDCR & _HPMN, self.n)

    def _visible(self, cpu: Any) -> int:
        """The counter bits an access from the current mode reaches (HPMN partitioning)."""
        n = self._hpmn(cpu) if _ns_guest(cpu) else self.n
        return (1 << CYCLE_BIT) | ((1 << n) - 1)

    def sync(self, cpu: Any) -> None:
        """Start or freeze every counter whose enable (PMCR.E, HDCR.HPME, PMCNTENSET) changed (C12.3).

        Called by every PMU register access and HDCR write, so a change made by a
        direct store write (a debugger) takes effect at the next PMU access."""
        sr = cpu.sys
        en = sr.PMCNTENSET
        on = bool(sr.PMCR & _E)
        hpme = bool(sr.HDCR & _HPME)
        hpmn = self._hpmn(cpu)
        self._switch(self.cycle, on and bool(en >> CYCLE_BIT & 1), self._cycle_source(cpu), CYCLE_BIT, cpu)
        for i, ctr in enumerate(self.events):
            run = bool(en >> i & 1) and (hpme if i >= hpmn else on)
            if run != ctr.running:
                self._switch(ctr, run, self._event_src(i)(), i, cpu)

    def _switch(self, ctr: _Counter, run: bool, now: int, bit: int, cpu: Any) -> None:
        if run == ctr.running:
            return
        if run:
            ctr.start = now
        else:
            ctr.base = self._value(ctr, now, bit, cpu)
        ctr.running = run

    def _set(self, ctr: _Counter, now: int, value: int) -> None:
        ctr.base = value & MASK32
        ctr.start = now

    # -- registers (B4.1, C12), in the CP15 row accessor shape ---------------------------------
    def read_PMCR(self, cpu: Any) -> int:
        v = int(cpu.sys.PMCR)
        if _ns_guest(cpu):
            v = (v & ~_N) | (self._hpmn(cpu) << _N_SHIFT)
        return v

    def write_PMCR(self, cpu: Any, value: int) -> None:
        sr = cpu.sys
        self.sync(cpu)
        if value & _C:
            self._set(self.cycle, self._cycle_source(cpu), 0)
        if value & _P:
            reach = self._hpmn(cpu) if _ns_guest(cpu) else self.n
            for i in range(reach):
                self._set(self.events[i], self._event_src(i)(), 0)
        if (value ^ sr.PMCR) & _D:
            # D changes the cycle counter's source scale: take the count so far, re-base on the new scale.
            self.cycle.base = self._cycles(cpu)
            sr.PMCR ^= _D
            self.cycle.start = self._cycle_source(cpu)
        sr.PMCR = (sr.PMCR & ~_PMCR_RW) | (value & _PMCR_RW)
        self.sync(cpu)

    def read_PMCNTENSET(self, cpu: Any) -> int:
        return int(cpu.sys.PMCNTENSET) & self._visible(cpu)

    def write_PMCNTENSET(self, cpu: Any, value: int) -> None:
        self.sync(cpu)
        cpu.sys.PMCNTENSET |= value & self._visible(cpu)
        self.sync(cpu)

    def write_PMCNTENCLR(self, cpu: Any, value: int) -> None:
        self.sync(cpu)
        cpu.sys.PMCNTENSET &= ~(value & self._visible(cpu)) & MASK32
        self.sync(cpu)

    def read_PMOVSR(self, cpu: Any) -> int:
        self._cycles(cpu)  # a counter that wrapped since it was last read sets its bit now
        for i in range(self.n):
            self._event(cpu, i)
        return int(cpu.sys.PMOVSR) & self._visible(cpu)

    def write_PMOVSR(self, cpu: Any, value: int) -> None:
        self.read_PMOVSR(cpu)
        cpu.sys.PMOVSR &= ~(value & self._visible(cpu)) & MASK32  # write-one-to-clear

    def write_PMSWINC(self, cpu: Any, value: int) -> None:
        """B4.1 PMSWINC: each set bit counts one SW_INCR event on that counter (counted while it runs)."""
        value &= self._visible(cpu) & ((1 << self.n) - 1)
        for i in range(self.n):
            if value >> i & 1 and self.evtype[i] & 0xFF == SW_INCR:
                self.swinc[i] += 1

    def read_PMSELR(self, cpu: Any) -> int:
        return int(cpu.sys.PMSELR)

    def write_PMSELR(self, cpu: Any, value: int) -> None:
        cpu.sys.PMSELR = value & 0x1F

    def read_PMCEID0(self, cpu: Any) -> int:
        """B4.1 PMCEID0: one bit per common event number (0-31) the model counts."""
        return sum(1 << e for e in EVENTS if e < 32)

    def read_PMCEID1(self, cpu: Any) -> int:
        return 0

    def read_PMCCNTR(self, cpu: Any) -> int:
        self.sync(cpu)
        return self._cycles(cpu)

    def write_PMCCNTR(self, cpu: Any, value: int) -> None:
        self.sync(cpu)
        self._set(self.cycle, self._cycle_source(cpu), value)

    def _selected(self, cpu: Any) -> Optional[int]:
        """The event counter PMSELR.SEL names, if this mode may reach it (module docstring)."""
        sel = int(cpu.sys.PMSELR) & 0x1F
        reach = self._hpmn(cpu) if _ns_guest(cpu) else self.n
        return sel if sel < reach else None

    def read_PMXEVTYPER(self, cpu: Any) -> int:
        if int(cpu.sys.PMSELR) & 0x1F == CCFILTR_SEL:
            return self.ccfilter
        i = self._selected(cpu)
        return 0 if i is None else self.evtype[i]

    def write_PMXEVTYPER(self, cpu: Any, value: int) -> None:
        if int(cpu.sys.PMSELR) & 0x1F == CCFILTR_SEL:
            self.ccfilter = value & _CCFILTR_RW
            return
        i = self._selected(cpu)
        if i is None:
            return
        self.sync(cpu)
        ctr = self.events[i]
        if ctr.running:  # freeze under the old event, restart under the new one
            ctr.base = self._event(cpu, i)
        self.evtype[i] = value & _EVTYPER_RW
        if ctr.running:
            ctr.start = self._event_src(i)()

    def read_PMXEVCNTR(self, cpu: Any) -> int:
        i = self._selected(cpu)
        if i is None:
            return 0
        self.sync(cpu)
        return self._event(cpu, i)

    def write_PMXEVCNTR(self, cpu: Any, value: int) -> None:
        i = self._selected(cpu)
        if i is not None:
            self.sync(cpu)
            self._set(self.events[i], self._event_src(i)(), value)

    def read_PMUSERENR(self, cpu: Any) -> int:
        return int(cpu.sys.PMUSERENR)

    def write_PMUSERENR(self, cpu: Any, value: int) -> None:
        cpu.sys.PMUSERENR = value & 1  # EN (PMUv2)

    def read_PMINTENSET(self, cpu: Any) -> int:
        return int(cpu.sys.PMINTENSET) & self._visible(cpu)

    def write_PMINTENSET(self, cpu: Any, value: int) -> None:
        cpu.sys.PMINTENSET |= value & self._visible(cpu)

    def write_PMINTENCLR(self, cpu: Any, value: int) -> None:
        cpu.sys.PMINTENSET &= ~(value & self._visible(cpu)) & MASK32

    def read_HDCR(self, cpu: Any) -> int:
        return int(cpu.sys.HDCR)

    def write_HDCR(self, cpu: Any, value: int) -> None:
        """B4.1.67 HDCR: HPME and HPMN change which enable governs counters HPMN..N-1."""
        self.sync(cpu)
        sr = cpu.sys
        sr.HDCR = (sr.HDCR & ~_HDCR_WRITABLE) | (value & _HDCR_WRITABLE)
        self.sync(cpu)


__all__ = ["CYCLE_BIT", "EVENTS", "PMCR", "PMU"]
