"""The cost column: every A32, T16 and T32 row declares a cost class; the timing model prices a row from it.

DESIGN.md section 5 ("costs beside the rows"): the class sits beside the row
(``Row.cost``, armsim/isa/a32/costs.py, armsim/isa/t32/costs.py), a profile's
table prices it, and :meth:`Timing.fast_charge` gives the static charge of one
decoded instruction, which a translated block can sum once.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim.isa import a32, t32
from armsim.isa.contract import InsnInfo
from armsim.isa.decoder import Row
from armsim.timing.costs import CostClass, Refine, RowCost, UnclassifiedRow, classify
from armsim.timing.model import ISSUE, SERIALISE, Timing
from armsim.timing.operands import A32, row_class
from armsim.timing.pipeline import EXCEPTION
from armsim.timing.profiles import PROFILES
from armsim.timing.tables import multiple_cycles
from tests.conftest import profile_examples


def _tables() -> List[Tuple[str, List[Row]]]:
    t16, t32_ = t32.tables()
    return [("A32", a32.all_rows()), ("T16", t16.rows()), ("T32", t32_.rows())]


ROWS = [(name, r) for name, rows in _tables() for r in rows]

A32_ROWS = [r for t, r in ROWS if t == "A32"]


def test_every_row_of_every_table_declares_a_cost_class() -> None:
    for table, r in ROWS:
        assert isinstance(r.cost, RowCost), f"{table} row {r.name!r}"
        assert isinstance(r.cost.cls, CostClass) and isinstance(r.cost.refine, Refine)


@pytest.mark.parametrize("cpu", sorted(PROFILES))
def test_every_declared_class_is_priced_by_every_profile(cpu: str) -> None:
    classes = PROFILES[cpu].timing.classes
    assert {r.cost.cls for _, r in ROWS} <= set(classes)


@settings(max_examples=profile_examples(600, 6000))
@given(st.data())
def test_the_column_charges_what_the_name_based_rule_charged(data: st.DataObject) -> None:
    """Every A32 row keeps the class and transfer count of the name-based rule, for any word it decodes
    (so the move onto the rows leaves the A32 cycle counts unchanged).  The Thumb rows are checked
    against the ARM instruction of the same operation instead (tests/test_operands.py): the name-based
    rule read their fields with A32 names."""
    r = data.draw(st.sampled_from(A32_ROWS), label="row")
    word = data.draw(st.integers(0, (1 << r.width) - 1), label="word") & ~r.mask | r.value
    fields = r.extract(word)
    cond = fields.pop("cond", 14)
    try:
        old = classify(r.name, fields, cond, word)
    except UnclassifiedRow:
        pytest.fail(f"A32 row {r.name!r} has no name-based rule")
    cls, nregs = row_class(r.cost, r.name, A32, fields, word)
    assert cls == old.cls, f"{r.name!r} {fields}"
    if cls in (CostClass.LOAD_MULTIPLE, CostClass.STORE_MULTIPLE):
        assert nregs == old.nregs


def _a32(word: int) -> Tuple[Row, InsnInfo, Dict[str, int]]:
    r = a32.lookup(word)
    assert r is not None
    return r, InsnInfo(0x1000, False, 4, word), r.extract(word)


def _t16(hw: int) -> Tuple[Row, InsnInfo, Dict[str, int]]:
    r = t32.lookup(hw, 2)
    assert r is not None
    return r, InsnInfo(0x1000, True, 2, hw), r.extract(hw)


def _t32(word: int) -> Tuple[Row, InsnInfo, Dict[str, int]]:
    r = t32.lookup(word, 4)
    assert r is not None
    return r, InsnInfo(0x1000, True, 4, word), r.extract(word)


@pytest.mark.parametrize("cpu", ["cortex-a15", "cortex-a7"])
def test_fast_charge_prices_a_decoded_instruction_from_its_row(cpu: str) -> None:
    t = Timing(PROFILES[cpu], "fast")
    tab = t.table
    base = t.base_cost

    def charge(insn: Tuple[Row, InsnInfo, Dict[str, int]]) -> Tuple[int, int]:
        return t.fast_charge(*insn)

    assert charge(_a32(0xE0810002)) == (0, ISSUE)  # ADD r0, r1, r2
    # A8.8.133 PUSH {r4-r11, lr} (STMDB sp!): nine registers at the profile's LDM/STM rate.
    assert charge(_a32(0xE92D4FF0)) == (multiple_cycles(tab, 9) - base, ISSUE)
    # The T16 PUSH {r4-r7, lr}: register_list plus M (LR), five registers.
    assert charge(_t16(0xB5F0)) == (multiple_cycles(tab, 5) - base, ISSUE)
    # T16 POP {r4, pc}: P (the PC) makes it a PC-writing load of two registers.
    assert charge(_t16(0xBD10)) == (multiple_cycles(tab, 2) - base, ISSUE)
    # B9.3.12 MSR CPSR_c, r0 serialises; MSR APSR_nzcvq, r0 (flags only) does not.
    assert charge(_a32(0xE121F000)) == (tab.classes[CostClass.PSR_WRITE].issue - base, SERIALISE)
    assert charge(_a32(0xE128F000)) == (tab.classes[CostClass.ALU_REG].issue - base, ISSUE)
    # The same pair in T32 (A8.8.109 MSR (register) T1: hw1 = 1111 0011 100 R Rn, hw2 = 10 0 0 mask 0000 0000).
    assert charge(_t32(0xF3808100)) == (tab.classes[CostClass.PSR_WRITE].issue - base, SERIALISE)
    assert charge(_t32(0xF3808800)) == (tab.classes[CostClass.ALU_REG].issue - base, ISSUE)
    assert charge(_a32(0xEF000000))[1] == EXCEPTION  # SVC
    assert t.fast_charge(None, InsnInfo(0x1000, False, 4, 0xE7F000F0), {})[1] == EXCEPTION  # no row: UNDEFINED


def test_decorate_charges_the_fast_charge() -> None:
    """The interpreter's wrapped op adds exactly fast_charge's extra to its slot, after the op ran."""
    t = Timing(PROFILES["cortex-a15"], "fast")
    row, info, fields = _a32(0xE92D4FF0)
    extra, slot = t.fast_charge(row, info, fields)
    assert extra > 0
    seen: List[int] = []

    def op() -> int:
        seen.append(t.acc[slot])
        return 0x1004

    wrapped = t.decorate(op, row, info, fields, [0] * 16)
    before = t.acc[slot]
    assert wrapped() == 0x1004
    assert seen == [before] and t.acc[slot] == before + extra


def test_the_shared_cost_column_is_used_by_both_instruction_sets() -> None:
    """Every entry of armsim/isa/shared_costs.py is an A32 row and a Thumb row (T32, or T16) of that name,
    and each of those rows has the shared entry, except the T16 row that replaces it."""
    from armsim.isa.shared_costs import COMMON

    by_table: Dict[str, Dict[str, List[Row]]] = {}
    for table, r in ROWS:
        by_table.setdefault(table, {}).setdefault(r.name, []).append(r)
    for name, cost in COMMON.items():
        assert name in by_table["A32"], name
        assert name in by_table["T32"] or name in by_table["T16"], name
        for table in ("A32", "T32", "T16"):
            if table == "T16" and name == "RSB (register)":  # A8.8.152 RSB (immediate) T1
                assert all(r.cost != cost for r in by_table[table][name])
                continue
            assert all(r.cost == cost for r in by_table[table].get(name, [])), (table, name)


def test_an_instruction_set_cannot_redeclare_a_shared_row() -> None:
    from armsim.timing.costs import column, joined

    shared = column({RowCost(CostClass.BARRIER): ("DSB",)})
    with pytest.raises(ValueError, match="shared"):
        joined(shared, column({RowCost(CostClass.NOP): ("DSB",)}))
    with pytest.raises(ValueError, match="replaces no shared entry"):
        joined(shared, column({RowCost(CostClass.NOP): ("NOP",)}), replaces=("NOP",))
    assert joined(shared, column({RowCost(CostClass.NOP): ("DSB",)}), replaces=("DSB",))["DSB"].cls is CostClass.NOP
