"""The cost column of the T16 and T32 rows (see :mod:`armsim.isa.a32.costs`).

The rows A32 shares come from :data:`armsim.isa.shared_costs.COMMON`; these are the Thumb rows
only.  Where a Thumb row performs an A32 row's operation it has the A32 row's class.  Table
branches (TBB/TBH) load the offset they branch by: a PC-writing load.  The UNPREDICTABLE /
UNDEFINED rows build an UNDEFINED op, so they issue as exception-generating instructions, as an
encoding no row decodes does.
"""

from __future__ import annotations

from armsim.isa.shared_costs import COMMON
from armsim.timing.costs import CostClass as C
from armsim.timing.costs import Refine as R  # noqa: N817
from armsim.timing.costs import RowCost, column, joined

# The T16 row called RSB (register) is A8.8.152 RSB (immediate) T1, RSBS Rd, Rn, #0: it replaces the
# shared entry of that name.
COSTS16 = joined(COMMON, column({
    RowCost(C.ALU_IMM): (
        'SUB (SP minus immediate)', 'RSB (register)',
    ),
    RowCost(C.ALU_IMM, R.DP): (
        'ADR', 'ADD (SP plus immediate)',
    ),
    RowCost(C.MUL): (
        'MUL (register)',
    ),
    RowCost(C.LOAD): (
        'LDRB (immediate)', 'LDRH (immediate)',
    ),
    RowCost(C.LOAD, R.LOAD): (
        'LDR (register)', 'LDR (immediate)',
    ),
    RowCost(C.STORE): (
        'STR (immediate)', 'STRB (immediate)', 'STRH (immediate)',
    ),
    RowCost(C.LOAD_MULTIPLE, R.MULTIPLE): (
        'POP', 'LDM',
    ),
    RowCost(C.STORE_MULTIPLE, R.COUNT): (
        'PUSH', 'STM',
    ),
    RowCost(C.BRANCH): (
        'CBZ', 'CBNZ',
    ),
    RowCost(C.NOP): (
        'IT',
    ),
}), replaces=('RSB (register)',))


COSTS32 = joined(COMMON, column({
    RowCost(C.ALU_IMM, R.DP): (
        'ORN (immediate)', 'ADDW', 'SUBW',
    ),
    RowCost(C.ALU_REG, R.DP_SHIFTED): (
        'ORN (register)',
    ),
    RowCost(C.MUL): (
        'SMULBB, SMULBT, SMULTB, SMULTT', 'SMULWB, SMULWT',
    ),
    RowCost(C.MLA): (
        'SMLABB, SMLABT, SMLATB, SMLATT', 'SMLAWB, SMLAWT',
    ),
    RowCost(C.MLA_LONG): (
        'SMLALBB, SMLALBT, SMLALTB, SMLALTT',
    ),
    RowCost(C.LOAD): (
        'LDRB (immediate)', 'LDRBT', 'LDRSBT', 'LDRH (immediate)', 'LDRHT', 'LDRSHT', 'LDRT',
    ),
    RowCost(C.LOAD, R.LOAD): (
        'LDR (immediate)', 'LDR (register)',
    ),
    RowCost(C.STORE): (
        'STRB (immediate)', 'STRBT', 'STRH (immediate)', 'STRHT', 'STR (immediate)', 'STRT',
    ),
    RowCost(C.LOAD_MULTIPLE, R.MULTIPLE): (
        'LDM', 'LDMDB',
    ),
    RowCost(C.STORE_MULTIPLE, R.COUNT): (
        'STM', 'STMDB',
    ),
    RowCost(C.CALL): (
        'BL',
    ),
    RowCost(C.LOAD_PC): (
        'TBB, TBH',
    ),
    RowCost(C.EXC_GEN): (
        'UNPREDICTABLE (LDRH/LDRSH writeback, Rt == 1111)', 'UNPREDICTABLE (LDRHT/LDRSHT, Rt == 1111)',
        'UNDEFINED (load halfword, Rt == 1111)', 'UNDEFINED (store, Rn == 1111)',
    ),
    RowCost(C.EXC_RETURN): (
        'SUBS PC, LR and related instructions (ERET)',
    ),
    RowCost(C.NOP): (
        'PLI (literal)', 'PLI (immediate)', 'NOP (memory hint)',
    ),
}))
