"""Timing microbenchmarks (examples/guests/timing): the model's cycles equal the hand calculation from the tables.

Each guest times its kernel with the PMU (DDI 0406C C12: PMCCNTR, event 0x08 INST_RETIRED, event 0x10
BR_MIS_PRED) and prints ``cycles C instructions I mispredicts M``.  The cycle region is one MRC (the
PMCCNTR read that starts it) plus the kernel; a counter read sees the instructions before it, and at the
pipeline level the count when an instruction executes is the end of the last issued instruction's cycle.

The figures below are derived by hand from ``armsim/timing/tables.py`` (the rows named in brackets;
``test_derivation_inputs`` pins every value the derivations use).  Tolerance: the fast level is exact by
construction; for the pipeline level each derivation below is cycle by cycle, so the stated tolerance is
also exact (0 cycles) -- a model change that moves a figure must come with a new derivation.

Cortex-A15 values used: COPROC_READ issue = latency = 5 (serialising), ALU_IMM/ALU_REG 1/1, two ALU pipes
(units alu = 2), issue width 3, MUL 1/3 (one MX pipe), LOAD 1/4, BRANCH 1/0, EXC_GEN 1 (serialising),
EXC_RETURN 12 (serialising), exception_entry 15, mispredict_penalty 15.
Cortex-A7 values used: COPROC_READ 3/3 (serialising), ALU_IMM 1/1 (either pipe), ALU_REG 1/1 (ex1 only),
issue width 2, MUL 1/2 (both pipes), LOAD 1/2 (ex1 only), BRANCH 1/0, EXC_GEN 1, EXC_RETURN 6,
exception_entry 8, mispredict_penalty 8.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Tuple

import pytest

from armsim import Machine
from armsim.timing.costs import CostClass as C
from armsim.timing.profiles import PROFILES

GUESTS = Path(__file__).resolve().parents[1] / "examples" / "guests" / "timing"
A15, A7 = "cortex-a15", "cortex-a7"

# (guest, cpu, level) -> (cycles, instructions, mispredicts) of the cycle region.
EXPECTED: Dict[Tuple[str, str, str], Tuple[int, int, int]] = {
    # mul_chain: MRC + 64 x MUL r1, r1, r2 (65 instructions).
    #   fast: A15 5 + 64 x 1 = 69 [COPROC_READ issue 5, MUL issue 1]; A7 3 + 64 x 1 = 67.
    #   pipeline: the MRC holds issue 5 (A15) / 3 (A7) cycles; the first MUL issues next, each later MUL
    #   waits for its predecessor's result: A15 5 + 1 + 63 x 3 = 195 [MUL latency 3];
    #   A7 3 + 1 + 63 x 2 = 130 [MUL latency 2].
    ("mul_chain", A15, "fast"): (69, 65, 0),
    ("mul_chain", A7, "fast"): (67, 65, 0),
    ("mul_chain", A15, "pipeline"): (195, 65, 0),
    ("mul_chain", A7, "pipeline"): (130, 65, 0),
    # alu_indep: MRC + 96 x ADD rN, rN, #1 over r0-r5 (97 instructions).
    #   fast: A15 5 + 96 = 101; A7 3 + 96 = 99 [ALU_IMM issue 1].
    #   pipeline: two ALU operations a cycle (A15: units alu = 2 within width 3; A7: width 2, ALU_IMM may
    #   issue second), each register is reused every third cycle (latency 1: no wait):
    #   A15 5 + 96 / 2 = 53; A7 3 + 96 / 2 = 51.
    ("alu_indep", A15, "fast"): (101, 97, 0),
    ("alu_indep", A7, "fast"): (99, 97, 0),
    ("alu_indep", A15, "pipeline"): (53, 97, 0),
    ("alu_indep", A7, "pipeline"): (51, 97, 0),
    # load_use: MRC + 64 x LDR r1, [r1] (65 instructions).
    #   fast: A15 5 + 64 = 69; A7 3 + 64 = 67 [LOAD issue 1].
    #   pipeline: each load waits for the previous one's data: A15 5 + 1 + 63 x 4 = 258 [LOAD latency 4];
    #   A7 3 + 1 + 63 x 2 = 130 [LOAD latency 2].
    ("load_use", A15, "fast"): (69, 65, 0),
    ("load_use", A7, "fast"): (67, 65, 0),
    ("load_use", A15, "pipeline"): (258, 65, 0),
    ("load_use", A7, "pipeline"): (130, 65, 0),
    # branch_loop: MRC + 100 x (SUBS r0, r0, #1; BNE) (201 instructions).
    #   fast: A15 5 + 200 = 205; A7 3 + 200 = 203 [ALU_IMM, BRANCH issue 1; no predictor].
    #   pipeline: SUBS issues at c, BNE waits for the flags (latency 1) to c + 1 and, taken, ends the group:
    #   2 cycles an iteration.  The 2-bit counter starts weakly not-taken: the first BNE (taken) and the
    #   last (not taken, counter saturated at strongly taken) mispredict:
    #   A15 5 + 100 x 2 + 2 x 15 = 235 [mispredict_penalty 15]; A7 3 + 200 + 2 x 8 = 219.
    ("branch_loop", A15, "fast"): (205, 201, 0),
    ("branch_loop", A7, "fast"): (203, 201, 0),
    ("branch_loop", A15, "pipeline"): (235, 201, 2),
    ("branch_loop", A7, "pipeline"): (219, 201, 2),
    # branch_random: MRC + 100 x (LSRS; EORCS; BCS over ADD; SUBS; BNE).  The LFSR's bit is 1 in 59 of the 100
    #   iterations (lfsr_bits below), so ADD runs 41 times: 1 + 100 x 5 + 41 = 542 instructions.
    #   fast: A15 5 + 541 = 546; A7 3 + 541 = 544 [every class here issues in 1].
    #   pipeline: an iteration takes 4 cycles whichever way BCS goes: LSRS at c; EORCS and BCS at c + 1 (the
    #   flags, latency 1); ADD joins them at c + 1 on the A15 (3 slots, 2 ALUs) and pairs with SUBS at c + 2
    #   on the A7 (width 2); SUBS at c + 2; BNE at c + 3 (flags).  Mispredicts: BCS 52 (a 2-bit counter
    #   over the LFSR's bits, mispredicts_of below) + BNE 2 = 54:
    #   A15 5 + 100 x 4 + 54 x 15 = 1215; A7 3 + 400 + 54 x 8 = 835.
    ("branch_random", A15, "fast"): (546, 542, 0),
    ("branch_random", A7, "fast"): (544, 542, 0),
    ("branch_random", A15, "pipeline"): (1215, 542, 54),
    ("branch_random", A7, "pipeline"): (835, 542, 54),
    # cp15_loop: MRC PMCCNTR + 32 x MRC MIDR (33 instructions), all COPROC_READ.
    #   fast: A15 33 x 5 = 165; A7 33 x 3 = 99.
    #   pipeline: each MRC serialises and holds issue 5 / 3 cycles; its result is ready when the next
    #   one would issue anyway (latency = issue): the same 165 and 99.
    ("cp15_loop", A15, "fast"): (165, 33, 0),
    ("cp15_loop", A7, "fast"): (99, 33, 0),
    ("cp15_loop", A15, "pipeline"): (165, 33, 0),
    ("cp15_loop", A7, "pipeline"): (99, 33, 0),
    # svc_roundtrip: MRC + 16 x SVC #0; the handler is MOVS PC, LR (33 instructions counted: the MRC,
    #   16 SVC, 16 MOVS).  A round trip = SVC issue 1 + entry + MOVS PC, LR:
    #   A15 1 + 15 + 12 = 28 [EXC_GEN 1, exception_entry 15, EXC_RETURN 12] -> 5 + 16 x 28 = 453;
    #   A7 1 + 8 + 6 = 15 -> 3 + 16 x 15 = 243.  pipeline: both serialise, nothing is outstanding when they
    #   issue, and the entry is added per exception taken: the same 453 and 243.
    ("svc_roundtrip", A15, "fast"): (453, 33, 0),
    ("svc_roundtrip", A7, "fast"): (243, 33, 0),
    ("svc_roundtrip", A15, "pipeline"): (453, 33, 0),
    ("svc_roundtrip", A7, "pipeline"): (243, 33, 0),
    # pmccntr_loop: MRC + 16 x (MRC PMCCNTR; SUBS; BNE) (49 instructions).
    #   fast: A15 5 + 16 x (5 + 1 + 1) = 117; A7 3 + 16 x (3 + 1 + 1) = 83.
    #   pipeline: MRC (5 / 3 cycles, serialising), SUBS next cycle, BNE one later (flags): 7 / 5 cycles an
    #   iteration, plus the first and last BNE mispredicted:
    #   A15 5 + 16 x 7 + 2 x 15 = 147; A7 3 + 16 x 5 + 2 x 8 = 99.
    ("pmccntr_loop", A15, "fast"): (117, 49, 0),
    ("pmccntr_loop", A7, "fast"): (83, 49, 0),
    ("pmccntr_loop", A15, "pipeline"): (147, 49, 2),
    ("pmccntr_loop", A7, "pipeline"): (99, 49, 2),
}

_LINE = re.compile(rb"cycles (\d+) instructions (\d+) mispredicts (\d+)\n")


def run_guest(name: str, cpu: str, level: str) -> Tuple[Tuple[int, int, int], Machine]:
    m = Machine(cpu=cpu, timing=level, stdout=False)
    m.load_elf(GUESTS / f"{name}.elf")
    r = m.run(max_instructions=100_000)
    assert r.exit_code == 0, r.message
    found = _LINE.fullmatch(r.output)
    assert found is not None, r.output
    c, i, b = (int(x) for x in found.groups())
    return (c, i, b), m


@pytest.mark.parametrize("key", sorted(EXPECTED), ids=lambda k: "-".join(k))
def test_guest_cycles_equal_the_hand_calculation(key: Tuple[str, str, str]) -> None:
    got, _ = run_guest(*key)
    assert got == EXPECTED[key]


def lfsr_bits(seed: int = 0xACE1, taps: int = 0xB400, n: int = 100) -> Tuple[int, ...]:
    """The bits branch_random.S shifts out of its Galois LFSR (BCS is taken on a 1)."""
    out = []
    r = seed
    for _ in range(n):
        out.append(r & 1)
        r >>= 1
        if out[-1]:
            r ^= taps
    return tuple(out)


def mispredicts_of(outcomes: Tuple[int, ...], counter: int = 1) -> int:
    """A 2-bit saturating counter (starting weakly not-taken) predicting ``outcomes``: its mispredicts."""
    wrong = 0
    for taken in outcomes:
        wrong += (counter >= 2) != bool(taken)
        counter = min(3, counter + 1) if taken else max(0, counter - 1)
    return wrong


def test_branch_random_derivation() -> None:
    """The counts the branch_random derivation uses: BCS taken 59 times of 100, 52 mispredicts; BNE 2."""
    bits = lfsr_bits()
    assert sum(bits) == 59
    assert mispredicts_of(bits) == 52
    assert mispredicts_of((1,) * 99 + (0,)) == 2  # BNE of a 100-iteration loop


def test_derivation_inputs() -> None:
    """Every table value the derivations above use (tables.py rows); a change here needs new derivations."""
    a15, a7 = PROFILES[A15].timing, PROFILES[A7].timing

    def it(t, c):  # type: ignore[no-untyped-def]
        ct = t.classes[c]
        return ct.issue, ct.latency

    assert (it(a15, C.COPROC_READ), a15.classes[C.COPROC_READ].serialise) == ((5, 5), True)
    assert (it(a7, C.COPROC_READ), a7.classes[C.COPROC_READ].serialise) == ((3, 3), True)
    assert [it(a15, c) for c in (C.ALU_IMM, C.ALU_REG, C.MUL, C.LOAD, C.BRANCH)] == [(1, 1), (1, 1), (1, 3), (1, 4),
                                                                                    (1, 0)]
    assert [it(a7, c) for c in (C.ALU_IMM, C.ALU_REG, C.MUL, C.LOAD, C.BRANCH)] == [(1, 1), (1, 1), (1, 2), (1, 2),
                                                                                   (1, 0)]
    assert (a15.issue_width, a15.units["alu"], a7.issue_width, a7.classes[C.ALU_IMM].second) == (3, 2, 2, True)
    assert (a7.classes[C.ALU_REG].second, a7.classes[C.MUL].slots) == (False, 2)
    assert (a15.classes[C.EXC_GEN].issue, a15.exception_entry, a15.classes[C.EXC_RETURN].issue) == (1, 15, 12)
    assert (a7.classes[C.EXC_GEN].issue, a7.exception_entry, a7.classes[C.EXC_RETURN].issue) == (1, 8, 6)
    assert (a15.mispredict_penalty, a7.mispredict_penalty) == (15, 8)
