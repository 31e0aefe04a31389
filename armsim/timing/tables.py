"""Timing tables: what each cost class costs on a modelled core, with where each number comes from.

Sources (cited beside each number below):

* [GCC-A15] GCC ``gcc/config/arm/cortex-a15.md`` (ARM Ltd, 2011-): triple issue; two simple
  integer pipes SX1/SX2, one branch pipe BX, one multiply/divide pipe MX, two load/store pipes;
  reservation latencies alu 2 (bypass 1 to ALU and load consumers), alu_shift and
  alu_shift_reg 3 (bypass 2), mult32 3, widening mult64 4 (MX twice), udiv 9, sdiv 10,
  load of 1-2 words 4, of 3-4 words 5 (both LS pipes), stores 0, calls take all three
  issue slots.
* [GCC-A7] GCC ``gcc/config/arm/cortex-a7.md`` (ARM Ltd, 2012-): in order, dual issue
  "under limited circumstances": pipes ex1/ex2, ex2 only after ex1 in the same cycle; an
  ALU op with an immediate may issue on either (so second of a pair), register and
  shifted ALU ops only on ex1 (so first); ALU latency 2 with a bypass of 1; multiplies 2,
  on both pipes (no dual issue); divide 5 on both pipes for 5 cycles, "the latency depends
  on the operands, so we use an estimate here"; loads 2 (3 for three or four words, two
  words per cycle), stores 0; branches dual issue but not with another branch; a call
  may issue second but not first of a pair.
* [A15-TRM] Cortex-A15 TRM (DDI 0438): 3-wide decode, L1 I and D caches 32 KB, 2-way,
  64-byte lines; PMCR.N = 6 event counters.  [A7-TRM] Cortex-A7 MPCore TRM (DDI 0464):
  L1 I-cache 2-way with 32-byte lines, L1 D-cache 4-way with 64-byte lines (8-64 KB, we
  take 32 KB); PMCR.N = 4.
* [Lanier] T. Lanier, "Exploring the Design of the Cortex-A15 Processor" (ARM, 2011):
  15-stage integer pipeline, 2-level branch predictor, return stack, indirect predictor.
* [KVM/ARM] C. Dall and J. Nieh, "KVM/ARM: The Design and Implementation of the Linux ARM
  Hypervisor", ASPLOS 2014, Table 3: a trap from a guest kernel to Hyp mode and back costs
  27 cycles on Cortex-A15 (Arndale).
* [7-cpu] 7-cpu.com Cortex-A15 and Cortex-A7 pages (published measurements): L2 load
  latency about 21 cycles (A15) and 13 cycles (A7 at the measured clock).

Numbers that none of these states are marked ESTIMATE with the reasoning.  The
constants are derived from the sources; microbenchmarks (examples/guests/timing)
check the model's arithmetic against hand calculation, never fit it to a program.

Cycle semantics: the fast level charges each operation ``issue`` cycles (the
cycles it holds the issue stage when it issues alone) and nothing for
dependencies; the pipeline level issues up to ``issue_width`` operations a
cycle under the slot/unit rules, waits for operands (``latency`` after the
producer issued), predicts branches and serialises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Tuple

from armsim.timing.costs import CostClass as C


@dataclass(frozen=True)
class ClassTiming:
    """How one cost class issues and when its result is ready."""

    issue: int  # cycles at the issue stage (the fast level's static cost)
    latency: int  # cycles from issue until a dependent operation may issue
    unit: str = "alu"  # execution unit (per-cycle capacity in TimingTable.units)
    slots: int = 1  # issue slots taken in its cycle
    second: bool = True  # may issue after an older operation in the same cycle
    last: bool = False  # nothing younger issues in its cycle
    serialise: bool = False  # waits until every older result is ready, then issues alone


@dataclass(frozen=True)
class CacheGeometry:
    size: int  # bytes
    ways: int
    line: int  # bytes
    miss: int  # extra cycles of a miss (the hit latency is the class latency)

    @property
    def sets(self) -> int:
        return self.size // (self.ways * self.line)


@dataclass(frozen=True)
class DivideTiming:
    """Operand-dependent divide (pipeline level): base + ceil(quotient bits / bits_per_cycle)."""

    base: int
    bits_per_cycle: int


@dataclass(frozen=True)
class TimingTable:
    """The timing data of one core."""

    issue_width: int
    units: Mapping[str, int]  # unit -> operations per cycle
    classes: Mapping[C, ClassTiming]
    ldm_regs_per_cycle: int  # LDM/STM transfer rate (registers per issue cycle)
    mispredict_penalty: int  # cycles lost to a mispredicted branch
    predictor_entries: int  # 2-bit counters of the (bimodal) direction predictor
    btb_entries: int  # last-target entries for indirect branches
    return_stack: int  # return-stack entries
    exception_entry: int  # cycles of an exception entry (vector fetch, mode change, refill)
    divide: Optional[DivideTiming]  # None: the divide classes' fixed latency
    l1i: CacheGeometry
    l1d: CacheGeometry
    pmu_counters: int  # PMCR.N

    def cost(self, cls: C) -> int:
        return self.classes[cls].issue


def _serial(cycles: int) -> ClassTiming:
    """An operation that drains the pipeline and refills it: ``cycles`` at issue, alone."""
    return ClassTiming(cycles, cycles, unit="sys", serialise=True)


# -- Cortex-A15 -------------------------------------------------------------------------------
_A15_REFILL = 15  # ESTIMATE: [Lanier] 15-stage integer pipeline -> a refill costs about its depth

CORTEX_A15 = TimingTable(
    issue_width=3,  # [GCC-A15] "We can issue into three pipelines per-cycle"; [A15-TRM] 3-wide decode
    # [GCC-A15] SX1+SX2, MX, BX, one load (ldr) and one store (str) unit; "sys" for serialised ops.
    units={"alu": 2, "mul": 1, "br": 1, "ld": 1, "st": 1, "sys": 1},
    classes={
        C.ALU_IMM: ClassTiming(1, 1),  # [GCC-A15] cortex_a15_alu 2, bypass 1 to ALU consumers
        C.ALU_REG: ClassTiming(1, 1),  # [GCC-A15] cortex_a15_alu (alu_sreg, shift_imm, clz, rev...)
        C.ALU_SHIFT: ClassTiming(1, 2),  # [GCC-A15] cortex_a15_alu_shift 3, bypass 2
        C.ALU_SHIFT_REG: ClassTiming(1, 2, slots=2),  # [GCC-A15] alu_shift_reg: ca15_issue2, SX1+SX2; bypass 2
        C.MUL: ClassTiming(1, 3, unit="mul"),  # [GCC-A15] cortex_a15_mult32 3, MX once
        C.MLA: ClassTiming(1, 3, unit="mul"),  # [GCC-A15] mult32 covers the accumulating forms
        C.MUL_LONG: ClassTiming(2, 4, unit="mul"),  # [GCC-A15] cortex_a15_mult64 4, MX twice
        C.MLA_LONG: ClassTiming(2, 4, unit="mul"),  # [GCC-A15] mult64
        # [GCC-A15] udiv 9, sdiv 10.  ESTIMATE: the divider is iterative, so the MX pipe is
        # held for the whole latency (GCC reserves it one cycle; we charge the latency at issue).
        C.UDIV: ClassTiming(9, 9, unit="mul"),
        C.SDIV: ClassTiming(10, 10, unit="mul"),
        C.LOAD: ClassTiming(1, 4, unit="ld"),  # [GCC-A15] cortex_a15_load1 4
        C.STORE: ClassTiming(1, 0, unit="st"),  # [GCC-A15] cortex_a15_store1 0
        # LDM/STM: two registers per cycle ([GCC-A15] load3/store3: 3-4 words on both LS pipes
        # in two cycles); latency of the first pair 4, +1 per further pair (load3 5).
        C.LOAD_MULTIPLE: ClassTiming(1, 4, unit="ld", slots=2),
        C.STORE_MULTIPLE: ClassTiming(1, 0, unit="st", slots=2),
        C.BRANCH: ClassTiming(1, 0, unit="br"),  # [GCC-A15] cortex_a15_branch 0, one slot on BX
        C.CALL: ClassTiming(1, 1, unit="br", slots=3, second=False, last=True),  # [GCC-A15] call: all 3 slots
        C.BRANCH_REG: ClassTiming(1, 0, unit="br"),  # [GCC-A15] branch
        C.LOAD_PC: ClassTiming(1, 4, unit="ld"),  # a load (cortex_a15_load1); the branch part is predicted
        C.ALU_PC: ClassTiming(1, 1, unit="br"),  # ALU op whose result goes to the branch unit
        # ESTIMATE: CP14/CP15 moves execute non-speculatively; a read waits for older
        # operations (about a third of the pipeline), a write drains and refills it.
        C.COPROC_READ: _serial(5),
        C.COPROC_WRITE: _serial(_A15_REFILL),
        C.ISB: _serial(_A15_REFILL),  # ESTIMATE: ISB flushes the pipeline (B2.2.5): one refill
        C.BARRIER: _serial(5),  # ESTIMATE: DSB/DMB with no outstanding memory traffic (none modelled)
        C.PSR_READ: ClassTiming(1, 1),  # [GCC-A15] mrs is in cortex_a15_alu
        C.PSR_WRITE: _serial(_A15_REFILL),  # ESTIMATE: a mode/mask change refills like an ISB
        C.EXC_GEN: ClassTiming(1, 0, unit="sys", serialise=True),  # the entry is priced by exception_entry
        # ESTIMATE: [KVM/ARM] 27 cycles for an entry to Hyp mode and the return; we split it
        # 15 (entry, a refill) + 12 (return, a refill less the vector fetch).
        C.EXC_RETURN: _serial(12),
        C.NOP: ClassTiming(1, 0),
    },
    ldm_regs_per_cycle=2,  # [GCC-A15] load_8 in one cycle, load_12/load_16 in two
    mispredict_penalty=_A15_REFILL,  # ESTIMATE: [Lanier] 15-stage pipeline
    predictor_entries=8192,  # ESTIMATE: [Lanier] 2-level predictor; we use a bimodal table of this size
    btb_entries=256,  # ESTIMATE: [Lanier] indirect predictor
    return_stack=48,  # ESTIMATE: [Lanier] return stack
    exception_entry=15,  # ESTIMATE: [KVM/ARM] split, see EXC_RETURN
    divide=None,  # [GCC-A15] fixed latencies (no operand dependence stated)
    l1i=CacheGeometry(32 * 1024, 2, 64, 21),  # [A15-TRM]; miss: [7-cpu] L2 latency 21
    l1d=CacheGeometry(32 * 1024, 2, 64, 21),  # [A15-TRM]; miss: [7-cpu] L2 latency 21
    pmu_counters=6,  # [A15-TRM] PMCR.N
)

# -- Cortex-A7 ----------------------------------------------------------------------------------
_A7_REFILL = 8  # ESTIMATE: [A7-TRM] 8-stage integer pipeline -> a refill costs about its depth

CORTEX_A7 = TimingTable(
    issue_width=2,  # [GCC-A7] ex1 + ex2
    # [GCC-A7] two ALU pipes, one branch unit ("branches cannot dual issue with branches"),
    # one load/store (ex1 only), multiplies take both pipes (slots=2).
    units={"alu": 2, "mul": 1, "br": 1, "ls": 1, "sys": 1},
    classes={
        C.ALU_IMM: ClassTiming(1, 1),  # [GCC-A7] cortex_a7_alu_imm 2, bypass 1; ex2|ex1
        C.ALU_REG: ClassTiming(1, 1, second=False),  # [GCC-A7] cortex_a7_alu_reg: ex1 only
        C.ALU_SHIFT: ClassTiming(1, 1, second=False),  # [GCC-A7] cortex_a7_alu_shift: ex1, bypass 1
        C.ALU_SHIFT_REG: ClassTiming(1, 1, second=False),  # [GCC-A7] arlo_shift_reg in cortex_a7_alu_shift
        C.MUL: ClassTiming(1, 2, unit="mul", slots=2),  # [GCC-A7] cortex_a7_mul 2, both pipes
        C.MLA: ClassTiming(1, 2, unit="mul", slots=2),  # [GCC-A7] cortex_a7_mul (accumulator bypass 1 not modelled)
        C.MUL_LONG: ClassTiming(1, 2, unit="mul", slots=2),  # [GCC-A7] mul64 in cortex_a7_mul
        C.MLA_LONG: ClassTiming(1, 2, unit="mul", slots=2),  # [GCC-A7] cortex_a7_mul
        C.UDIV: ClassTiming(5, 5, unit="mul", slots=2),  # [GCC-A7] cortex_a7_idiv 5, both*5 (an estimate there)
        C.SDIV: ClassTiming(5, 5, unit="mul", slots=2),  # [GCC-A7] cortex_a7_idiv
        C.LOAD: ClassTiming(1, 2, unit="ls", second=False),  # [GCC-A7] cortex_a7_load1 2, ex1
        C.STORE: ClassTiming(1, 0, unit="ls", second=False),  # [GCC-A7] cortex_a7_store1 0, ex1
        # [GCC-A7] load2/store2 one cycle on both pipes, load3/load4 two cycles: two registers a cycle.
        C.LOAD_MULTIPLE: ClassTiming(1, 2, unit="ls", slots=2),
        C.STORE_MULTIPLE: ClassTiming(1, 0, unit="ls", slots=2),
        C.BRANCH: ClassTiming(1, 0, unit="br"),  # [GCC-A7] cortex_a7_branch 0, ex2|ex1
        C.CALL: ClassTiming(1, 1, unit="br", last=True),  # [GCC-A7] call: second of a pair or alone
        C.BRANCH_REG: ClassTiming(1, 0, unit="br"),  # [GCC-A7] branch
        C.LOAD_PC: ClassTiming(1, 2, unit="ls", second=False),  # a load (cortex_a7_load1)
        C.ALU_PC: ClassTiming(1, 1, unit="br", second=False),
        C.COPROC_READ: _serial(3),  # ESTIMATE: as for the A15, scaled to the 8-stage pipeline
        C.COPROC_WRITE: _serial(_A7_REFILL),  # ESTIMATE: drain and refill
        C.ISB: _serial(_A7_REFILL),  # ESTIMATE: one refill
        C.BARRIER: _serial(3),  # ESTIMATE
        C.PSR_READ: ClassTiming(1, 1, second=False),
        C.PSR_WRITE: _serial(_A7_REFILL),  # ESTIMATE
        C.EXC_GEN: ClassTiming(1, 0, unit="sys", serialise=True),
        C.EXC_RETURN: _serial(6),  # ESTIMATE: [KVM/ARM]'s 27 A15 cycles scaled by pipeline depth 8/15
        C.NOP: ClassTiming(1, 0),
    },
    ldm_regs_per_cycle=2,  # [GCC-A7] load2 one cycle, load3/load4 two
    mispredict_penalty=_A7_REFILL,  # ESTIMATE: 8-stage pipeline
    predictor_entries=256,  # ESTIMATE: [A7-TRM] global history buffer; bimodal table here
    btb_entries=256,  # ESTIMATE
    return_stack=8,  # ESTIMATE: [A7-TRM] return stack
    exception_entry=8,  # ESTIMATE: see EXC_RETURN
    # [GCC-A7] "the latency depends on the operands": ESTIMATE of the shape, 1 + 4 quotient
    # bits a cycle (1..9 cycles for 0..32 quotient bits; 5 for a 16-bit quotient, GCC's figure).
    divide=DivideTiming(1, 4),
    l1i=CacheGeometry(32 * 1024, 2, 32, 13),  # [A7-TRM]; miss: [7-cpu] L2 latency
    l1d=CacheGeometry(32 * 1024, 4, 64, 13),  # [A7-TRM]; miss: [7-cpu] L2 latency
    pmu_counters=4,  # [A7-TRM] PMCR.N
)

# -- generic: a single-issue in-order core, round numbers (every value an ESTIMATE) -------------
_G = ClassTiming(1, 1)
GENERIC = TimingTable(
    issue_width=1,
    units={"alu": 1, "mul": 1, "br": 1, "ls": 1, "sys": 1},
    classes={
        **dict.fromkeys((C.ALU_IMM, C.ALU_REG, C.ALU_SHIFT, C.ALU_SHIFT_REG, C.PSR_READ), _G),
        C.MUL: ClassTiming(1, 3, unit="mul"),
        C.MLA: ClassTiming(1, 3, unit="mul"),
        C.MUL_LONG: ClassTiming(2, 4, unit="mul"),
        C.MLA_LONG: ClassTiming(2, 4, unit="mul"),
        C.UDIV: ClassTiming(10, 10, unit="mul"),
        C.SDIV: ClassTiming(10, 10, unit="mul"),
        C.LOAD: ClassTiming(1, 2, unit="ls"),
        C.STORE: ClassTiming(1, 0, unit="ls"),
        C.LOAD_MULTIPLE: ClassTiming(1, 2, unit="ls"),
        C.STORE_MULTIPLE: ClassTiming(1, 0, unit="ls"),
        C.BRANCH: ClassTiming(1, 0, unit="br"),
        C.CALL: ClassTiming(1, 1, unit="br"),
        C.BRANCH_REG: ClassTiming(1, 0, unit="br"),
        C.LOAD_PC: ClassTiming(1, 2, unit="ls"),
        C.ALU_PC: ClassTiming(1, 1, unit="br"),
        C.COPROC_READ: _serial(2),
        C.COPROC_WRITE: _serial(5),
        C.ISB: _serial(5),
        C.BARRIER: _serial(2),
        C.PSR_WRITE: _serial(5),
        C.EXC_GEN: ClassTiming(1, 0, unit="sys", serialise=True),
        C.EXC_RETURN: _serial(5),
        C.NOP: ClassTiming(1, 0),
    },
    ldm_regs_per_cycle=1,
    mispredict_penalty=5,
    predictor_entries=512,
    btb_entries=64,
    return_stack=4,
    exception_entry=5,
    divide=None,
    l1i=CacheGeometry(16 * 1024, 2, 32, 10),
    l1d=CacheGeometry(16 * 1024, 4, 32, 10),
    pmu_counters=4,
)


def multiple_cycles(table: TimingTable, nregs: int) -> int:
    """Issue cycles of an LDM/STM of ``nregs`` registers: ceil(n / rate), at least 1."""
    rate = table.ldm_regs_per_cycle
    return max(1, (nregs + rate - 1) // rate)


def check_table(name: str, table: TimingTable) -> Tuple[str, ...]:
    """Problems in a table (every class priced, units declared); empty when sound."""
    problems = []
    for c in C:
        t = table.classes.get(c)
        if t is None:
            problems.append(f"{name}: no timing for {c.name}")
            continue
        if t.unit not in table.units:
            problems.append(f"{name}: {c.name} uses undeclared unit {t.unit!r}")
        if t.slots > table.issue_width and table.issue_width > 1:
            problems.append(f"{name}: {c.name} takes {t.slots} slots of {table.issue_width}")
        if t.issue < 1 or t.latency < 0:
            problems.append(f"{name}: {c.name} has issue {t.issue}, latency {t.latency}")
    return tuple(problems)


__all__ = ["CORTEX_A7", "CORTEX_A15", "GENERIC", "CacheGeometry", "ClassTiming", "DivideTiming", "TimingTable",
           "check_table", "multiple_cycles"]
