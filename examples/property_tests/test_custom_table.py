"""Testing a custom trap table with armsim.testing (copy this file and change the rows).

The table: per-vcpu claim tags.  DBGCLAIMSET / DBGCLAIMCLR (C11.11: writing 1s sets /
clears claim bits; a DBGCLAIMCLR read returns the current tags, a DBGCLAIMSET read the
implemented bits) get a shadow slot of their own in front of armsim.kvm's CP14 table,
so a guest's tags survive world switches without touching the host's.  The rows are
armsim.kvm CoprocReg rows (Linux ``struct coproc_reg``), added with VcpuTables.add /
add_shadow; nothing in armsim is edited.

Run:  python -m pytest examples/property_tests/test_custom_table.py
"""

from __future__ import annotations

from typing import List, Tuple

from hypothesis import given, settings
from hypothesis import strategies as st

from armsim.kvm import VCPU, CoprocReg, TrapTable, VcpuTables
from armsim.kvm.coproc_table import CoprocParams
from armsim.testing import CoprocInsn, KvmTarget, TrapState, Verdict, expected_trap
from armsim.testing.oracles import SVC
from armsim.testing.profiles import examples
from armsim.timing.profiles import get_profile

CLAIM_BITS = 0xFF  # Cortex-A15/A7: eight claim tags
SET = CoprocInsn("MCR", 14, 0, 7, 8, 6, rt=2)  # MCR p14, 0, r2, c7, c8, 6  (DBGCLAIMSET)
CLR = CoprocInsn("MCR", 14, 0, 7, 9, 6, rt=2)  # MCR p14, 0, r2, c7, c9, 6  (DBGCLAIMCLR)
READ_TAGS = CoprocInsn("MRC", 14, 0, 7, 9, 6, rt=3)  # MRC p14, 0, r3, c7, c9, 6


def claim_tables() -> VcpuTables:
    tables = VcpuTables(get_profile("cortex-a15"))
    slot = tables.add_shadow(14, "CLAIM", CLAIM_BITS)

    def claimset(vcpu: VCPU, p: CoprocParams, row: CoprocReg) -> bool:
        if p.is_write:
            vcpu.cp14[slot] |= p.value & CLAIM_BITS
        else:
            vcpu.emulate_read(p, CLAIM_BITS)
        return True

    def claimclr(vcpu: VCPU, p: CoprocParams, row: CoprocReg) -> bool:
        if p.is_write:
            vcpu.cp14[slot] &= ~p.value & CLAIM_BITS
        else:
            vcpu.emulate_read(p, vcpu.cp14[slot])
        return True

    # Rows in KVM's order (CRn, CRm, Op1, Op2); TrapTable refuses any other order when it is built.
    tables.add("cp14", TrapTable("claim tags", [
        CoprocReg(0, 7, 8, 6, False, claimset, reg=slot, name="DBGCLAIMSET"),
        CoprocReg(0, 7, 9, 6, False, claimclr, reg=slot, name="DBGCLAIMCLR"),
    ]))
    return tables


@settings(max_examples=examples(50, 500))
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 0xFFFFFFFF)), max_size=12), st.integers(0, 3))
def test_claim_tags_are_the_guests(ops: List[Tuple[bool, int]], exits_between: int) -> None:
    """Any sequence of claim sets and clears, with world switches between: the guest reads back exactly its
    own tags; every access traps with the HSR the manual gives (the oracle, B1.14.15, B3.13.6); the host's
    physical claim tags never change."""
    t = KvmTarget("lazy", tables=claim_tables())
    host_tags = t.machine.debug_regs.claim
    t.enter()
    mine = 0
    for is_set, value in ops:
        insn = SET if is_set else CLR
        want = expected_trap(insn, TrapState(mode=SVC, HDCR=t.ws.hdcr))
        assert want.verdict is Verdict.HYP_TRAP
        t.guest_access(insn, value)
        assert t.exits[-1] == want.hsr
        mine = (mine | value) & CLAIM_BITS if is_set else mine & ~value & CLAIM_BITS
        for _ in range(exits_between):
            t.exit()
            t.enter()
    assert t.guest_access(READ_TAGS) == mine
    t.exit()
    assert t.machine.debug_regs.claim == host_tags


def test_the_table_is_in_front_of_armsim_kvms() -> None:
    """The user's rows win over armsim.kvm's own DBGCLAIM rows (TableSet order), and a misordered table is
    refused when it is built, naming both rows."""
    tables = claim_tables()
    p = CoprocParams(0, 7, 9, 6, 3, 0, False, False)
    row = tables.cp14.find(p)
    assert row is not None and row.reg == tables.cp14_index["CLAIM"]
    try:
        TrapTable("backwards", [CoprocReg(0, 7, 9, 6, False, None, name="B"), CoprocReg(0, 7, 8, 6, False, None,
                                                                                         name="A")])
    except ValueError as err:
        assert "A (Op1 0, c7, c8, 6) must come after row 0 B (Op1 0, c7, c9, 6)" in str(err)
    else:
        raise AssertionError("a misordered table was accepted")
