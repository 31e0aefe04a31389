"""The operands the pipeline level tracks, from one table of field roles per instruction set.

armsim/timing/operands.py maps each instruction set's operand fields (A32 ``Rd``; T16 ``Rdn``,
``D:Rd``, implicit SP; T32 ``imm3:imm2``, the LDM/STM ``M``/``P`` bits) onto the operands of the
manual's decode pseudocode (DDI 0406C A8.8), so a Thumb instruction is timed as the ARM
instruction that performs the same operation: same class, same registers read and written,
same flow of control.  For A32 the table gives exactly what the older name-based rule gave
(so no ARM guest's cycles change).
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim.isa import a32, t32
from armsim.isa.contract import InsnInfo
from armsim.isa.decoder import Row
from armsim.timing.costs import FLAGS, CostClass, Flow, OpCost, classify
from armsim.timing.model import INTERLOCK, MISPREDICT, Timing, op_cost
from armsim.timing.profiles import PROFILES
from tests.conftest import profile_examples

A15, A7 = "cortex-a15", "cortex-a7"
CPUS = [A15, A7]

Decoded = Tuple[Row, InsnInfo, Dict[str, int]]


def decode(word: int, thumb: bool = False, addr: int = 0x1000, size: Optional[int] = None) -> Decoded:
    """(row, info, fields) as the engine hands them to the timing model (build_op moves cond into info)."""
    size = size or (4 if not thumb or word > 0xFFFF else 2)
    row = t32.lookup(word, size) if thumb else a32.lookup(word)
    assert row is not None, hex(word)
    info = InsnInfo(addr, thumb, size, word)
    fields = row.extract(word)
    info.cond = fields.pop("cond", info.cond)
    return row, info, fields


def arm(word: int, addr: int = 0x1000) -> Decoded:
    return decode(word, False, addr)


def thumb(word: int, addr: int = 0x1000) -> Decoded:
    return decode(word, True, addr)


def shape(oc: OpCost) -> Tuple[CostClass, frozenset, frozenset, Flow, int, bool]:
    return oc.cls, frozenset(oc.srcs), frozenset(oc.dsts), oc.flow, oc.nregs, oc.conditional


# (what, A32 word, Thumb word) performing the same operation (binutils 2.40 encodings).
PAIRS = [
    ("ldr r0, [r1]", 0xE5910000, 0x6808),
    ("adds r2, r0, r3", 0xE0902003, 0x18C2),
    ("adds r0, r0, #1 (T16 Rdn)", 0xE2900001, 0x3001),
    ("adcs r0, r0, r1 (T16 Rdn, carry in)", 0xE0B00001, 0x4148),
    ("muls r0, r1, r0", 0xE0100091, 0x4348),
    ("lsls r0, r1, #2", 0xE1B00101, 0x0088),
    ("cmp r0, #5", 0xE3500005, 0x2805),
    ("movs r0, #5", 0xE3B00005, 0x2005),
    ("negs r0, r1 (RSBS r0, r1, #0)", 0xE2710000, 0x4248),
    ("mvns r0, r1", 0xE1F00001, 0x43C8),
    ("add r8, r8, r1 (DN:Rdn)", 0xE0888001, 0x4488),
    ("cmp r8, r1 (N:Rn)", 0xE1580001, 0x4588),
    ("mov r8, r1 (D:Rd)", 0xE1A08001, 0x4688),
    ("mov pc, lr (D:Rd = 15: a return)", 0xE1A0F00E, 0x46F7),
    ("bx lr", 0xE12FFF1E, 0x4770),
    ("blx r3", 0xE12FFF33, 0x4798),
    ("bl", 0xEB00003E, 0xF000F87E),
    ("push {r4, lr} (M = LR, SP implicit)", 0xE92D4010, 0xB510),
    ("pop {r4, pc} (P = PC, SP implicit)", 0xE8BD8010, 0xBD10),
    ("pop {r4-r11, pc} (T32 LDM P bit)", 0xE8BD8FF0, 0xE8BD8FF0),
    ("ldr pc, [sp], #4", 0xE49DF004, 0xF85DFB04),
    ("ldm r0!, {r1, r2}", 0xE8B00006, 0xC806),
    ("ldm r0, {r0, r1} (Rn listed: no writeback)", 0xE8900003, 0xC803),
    ("stmia r0!, {r1, r2}", 0xE8A00006, 0xC006),
    ("add sp, sp, #8", 0xE28DD008, 0xB002),
    ("ldr r0, [sp, #4]", 0xE59D0004, 0x9801),
    ("add r0, sp, #4", 0xE28D0004, 0xA801),
    ("ldrd r0, r1, [r2]", 0xE1C200D0, 0xE9D20100),
    ("add r0, r1, r2, lsl #3 (T32 imm3:imm2)", 0xE0810182, 0xEB0100C2),
    ("lsl r0, r1, #3 (T32 MOV (register) T3)", 0xE1A00181, 0xEA4F00C1),
    ("ror r0, r1, #3 (T32 MOV (register) T3)", 0xE1A001E1, 0xEA4F00F1),
    ("rrx r0, r1 (T32 MOV (register), type 3 by 0: reads the carry)", 0xE1A00061, 0xEA4F0031),
]


@pytest.mark.parametrize("what,a,t", PAIRS, ids=[p[0] for p in PAIRS])
def test_a_thumb_instruction_has_the_operands_of_the_arm_one(what: str, a: int, t: int) -> None:
    """Same class, registers read and written (FLAGS included), transfer count and flow (DDI 0406C A8.8)."""
    got, want = shape(op_cost(*thumb(t))), shape(op_cost(*arm(a)))
    assert got == want, what


@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("what,a,t", PAIRS, ids=[p[0] for p in PAIRS])
def test_a_thumb_instruction_has_the_fast_charge_of_the_arm_one(cpu: str, what: str, a: int, t: int) -> None:
    tm = Timing(PROFILES[cpu], "fast")
    assert tm.fast_charge(*thumb(t)) == tm.fast_charge(*arm(a)), what


def test_the_t32_immediate_shift_is_imm3_imm2() -> None:
    """A8.8.6 ADD (register) T3: shift_n from imm3:imm2; LSL #3 (type 0, imm3 = 0, imm2 = 3) is a shifted operand."""
    assert op_cost(*thumb(0xEB0100C2)).cls is CostClass.ALU_SHIFT  # add.w r0, r1, r2, lsl #3
    assert op_cost(*thumb(0xEB010002)).cls is CostClass.ALU_REG  # add.w r0, r1, r2


def test_t16_data_processing_sets_the_flags_only_outside_an_it_block() -> None:
    """A6.2.2: setflags = !InITBlock(); inside an IT block the instruction reads the flags (its condition)."""
    row, info, fields = thumb(0x3001)  # adds r0, #1
    assert FLAGS in op_cost(row, info, fields).dsts
    # In an IT EQ block of one instruction: ITSTATE = 0b0000_1000 in key bits 39:32, condition EQ.
    info.key = info.key | 0x08 << 32
    info.cond = 0
    oc = op_cost(row, info, fields)
    assert FLAGS not in oc.dsts and FLAGS in oc.srcs and oc.dsts == (0,)


def test_table_branch_and_compare_and_branch() -> None:
    tbb = op_cost(*thumb(0xE8D0F001))  # tbb [r0, r1] (A8.8.237)
    assert (tbb.cls, set(tbb.srcs), tbb.flow) == (CostClass.LOAD_PC, {0, 1}, Flow.INDIRECT)
    cbz = op_cost(*thumb(0xB130))  # cbz r0, ... (A8.8.29): predicted by direction, reads r0
    assert (cbz.cls, cbz.srcs, cbz.flow, cbz.conditional) == (CostClass.BRANCH, (0,), Flow.DIRECT, True)


# -- the name-based rule is the A32 reference ------------------------------------------------------

A32_ROWS = a32.all_rows()


@settings(max_examples=profile_examples(1000, 10000))
@given(st.data())
def test_a32_operands_are_those_of_the_name_based_rule(data: st.DataObject) -> None:
    """For every A32 row and any word it decodes, the field-role table gives classify()'s class, operands,
    transfer count and flow: the pipeline level's ARM cycles are unchanged."""
    r = data.draw(st.sampled_from(A32_ROWS), label="row")
    word = data.draw(st.integers(0, 0xFFFFFFFF), label="word") & ~r.mask | r.value
    fields = r.extract(word)
    cond = fields.pop("cond", 14)
    info = InsnInfo(0x1000, False, 4, word)
    info.cond = cond
    old = classify(r.name, fields, cond, word)
    new = op_cost(r, info, fields)
    drop = {15}  # the scoreboard does not track the PC
    assert (new.cls, set(new.srcs) - drop, set(new.dsts) - drop, new.flow) == (
        old.cls, set(old.srcs) - drop, set(old.dsts) - drop, old.flow), r.name
    if new.cls in (CostClass.LOAD_MULTIPLE, CostClass.STORE_MULTIPLE, CostClass.LOAD_PC):
        assert new.nregs == old.nregs, r.name


# -- at the pipeline level -------------------------------------------------------------------------


class Trace:
    """Runs decoded instructions through one pipeline-level Timing with stand-in ops (each returns a given key)."""

    def __init__(self, cpu: str) -> None:
        self.t = Timing(PROFILES[cpu], "pipeline")
        self.regs = [0] * 16
        self.ops: Dict[int, object] = {}

    def run(self, steps: Sequence[Tuple[Decoded, int]]) -> None:
        for (row, info, fields), nxt in steps:
            op = self.t.decorate(lambda n=nxt: n, row, info, fields, self.regs)  # type: ignore[misc]
            op()

    @property
    def cycles(self) -> int:
        assert self.t.pipeline is not None
        return self.t.pipeline.cycles

    def stalls(self, slot: int) -> int:
        return self.t.acc[slot]


def _straight(insns: List[Decoded]) -> List[Tuple[Decoded, int]]:
    return [(d, d[1].nxt) for d in insns]


@pytest.mark.parametrize("cpu", CPUS)
def test_a_thumb_load_use_stall_costs_what_the_arm_one_costs(cpu: str) -> None:
    """LDR r0, [r1]; ADDS r0, r0, #1 (T16 Rdn form): the add waits for the load's result, as in ARM."""
    a, t = Trace(cpu), Trace(cpu)
    a.run(_straight([arm(0xE5910000, 0x1000), arm(0xE2900001, 0x1004)]))
    t.run(_straight([thumb(0x6808, 0x1000), thumb(0x3001, 0x1002)]))
    # The add would have issued with the load; it waits the load's whole result latency.
    assert t.stalls(INTERLOCK) == a.stalls(INTERLOCK) == PROFILES[cpu].timing.classes[CostClass.LOAD].latency
    assert t.cycles == a.cycles


@pytest.mark.parametrize("cpu", CPUS)
def test_a_t16_sp_relative_load_waits_for_the_pop_before_it(cpu: str) -> None:
    """POP {r4} (writes SP back, A8.8.131) then LDR r0, [SP, #4] (A8.8.62 T2): SP is implicit in both T16
    encodings and tracked as in the ARM pair."""
    a, t = Trace(cpu), Trace(cpu)
    a.run(_straight([arm(0xE8BD0010, 0x1000), arm(0xE59D0004, 0x1004)]))
    t.run(_straight([thumb(0xBC10, 0x1000), thumb(0x9801, 0x1002)]))
    assert a.stalls(INTERLOCK) > 0
    assert t.stalls(INTERLOCK) == a.stalls(INTERLOCK)
    assert t.cycles == a.cycles


def _loop(insn: Decoded, target: int, times: int) -> List[Tuple[Decoded, int]]:
    """The branch taken ``times`` times to ``target`` and then falling through."""
    return [(insn, target)] * times + [(insn, insn[1].nxt)]


@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("what,word", [("bne (T16 B<c>)", 0xD1FC), ("cbnz r0", 0xB908)])
def test_a_thumb_loop_branch_is_predicted_as_an_arm_one(cpu: str, what: str, word: int) -> None:
    """A8.8.18 B / A8.8.29 CBNZ closing a loop run 20 times: the 2-bit counter mispredicts the first
    taken branch and the exit only, as for the ARM BNE."""
    pen = PROFILES[cpu].timing.mispredict_penalty
    a, t = Trace(cpu), Trace(cpu)
    a.run(_loop(arm(0x1AFFFFFD, 0x1008), 0x1000, 19))
    t.run(_loop(thumb(word, 0x1004), 0x1001, 19))
    assert a.stalls(MISPREDICT) == 2 * pen
    assert t.stalls(MISPREDICT) == a.stalls(MISPREDICT), what


@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("what,ret", [("bx lr", 0x4770), ("pop {r4, pc}", 0xBD10), ("mov pc, lr", 0x46F7),
                                      ("ldr pc, [sp], #4", 0xF85DFB04)])
def test_a_thumb_call_and_return_are_predicted_by_the_return_stack(cpu: str, what: str, ret: int) -> None:
    """BL pushes the return stack (A8.8.25), the return pops it: no mispredict; a return elsewhere than the
    call's next instruction mispredicts (the return is predicted, not merely left alone)."""
    t = Trace(cpu)
    back = 0x1004 | 1
    for _ in range(3):
        t.run([(thumb(0xF000F87E, 0x1000), 0x2001), (thumb(ret, 0x2000), back)])
    assert t.stalls(MISPREDICT) == 0, what
    t.run([(thumb(0xF000F87E, 0x1000), 0x2001), (thumb(ret, 0x2000), 0x3001)])
    assert t.stalls(MISPREDICT) == PROFILES[cpu].timing.mispredict_penalty, what


@pytest.mark.parametrize("cpu", CPUS)
def test_a_table_branch_is_predicted_by_its_last_target(cpu: str) -> None:
    """TBB (A8.8.237) is an indirect branch: the same case again is predicted, a new case mispredicts."""
    pen = PROFILES[cpu].timing.mispredict_penalty
    t = Trace(cpu)
    tbb = thumb(0xE8D0F001, 0x1000)
    t.run([(tbb, 0x1011), (tbb, 0x1011)])
    assert t.stalls(MISPREDICT) == pen
    t.run([(tbb, 0x1021)])
    assert t.stalls(MISPREDICT) == 2 * pen


T16_ROWS, T32_ROWS = (tab.rows() for tab in t32.tables())


@settings(max_examples=profile_examples(600, 6000))
@given(st.data())
def test_every_thumb_row_has_operands_for_any_word(data: st.DataObject) -> None:
    """Any word of any T16/T32 row gives registers r0-r15 or FLAGS, and the transfer count of its list."""
    thumb16 = data.draw(st.booleans(), label="t16")
    r = data.draw(st.sampled_from(T16_ROWS if thumb16 else T32_ROWS), label="row")
    word = data.draw(st.integers(0, (1 << r.width) - 1), label="word") & ~r.mask | r.value
    row, info, fields = decode(word, True, size=2 if thumb16 else 4)
    if row is not r:  # an earlier row of the same group decodes this word
        return
    oc = op_cost(row, info, fields)
    assert all(0 <= x <= FLAGS and x != 15 for x in oc.srcs + oc.dsts), r.name
    if oc.cls in (CostClass.LOAD_MULTIPLE, CostClass.STORE_MULTIPLE) and "register_list" in fields:
        extra = fields.get("M", 0) + (fields.get("P", 0) if r.name not in ("STM", "STMDB") else 0)
        assert oc.nregs == bin(fields["register_list"]).count("1") + extra, r.name
