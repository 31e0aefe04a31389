"""The cost column of the A32 rows: each row's cost class (DESIGN.md section 5, "costs beside the rows").

Attached to the rows by name (``Row.cost``) as the format column is; a row without an entry is an
error at import.  A profile's timing table prices the class (:mod:`armsim.timing.tables`); the
refinement says which decoded fields change it (:class:`armsim.timing.costs.Refine`: a PC
destination, an immediate shift, the register count of LDM/STM, MSR's mask).  The rows Thumb
shares (same name, same operation) come from :data:`armsim.isa.shared_costs.COMMON`; these are
the A32 rows only.
"""

from __future__ import annotations

from armsim.isa.shared_costs import COMMON
from armsim.timing.costs import CostClass as C
from armsim.timing.costs import Refine as R  # noqa: N817
from armsim.timing.costs import RowCost, column, joined

COSTS = joined(COMMON, column({
    RowCost(C.ALU_IMM, R.DP): (
        'ADR (A2)', 'ADR (A1)', 'RSC (immediate)',
    ),
    RowCost(C.ALU_REG, R.DP): (
        'RRX', 'ROR (immediate)',
    ),
    RowCost(C.ALU_REG, R.DP_SHIFTED): (
        'RSC (register)',
    ),
    RowCost(C.ALU_SHIFT_REG): (
        'TST (register-shifted register)', 'TEQ (register-shifted register)', 'CMP (register-shifted register)',
        'CMN (register-shifted register)',
    ),
    RowCost(C.ALU_SHIFT_REG, R.DP): (
        'AND (register-shifted register)', 'EOR (register-shifted register)', 'SUB (register-shifted register)',
        'RSB (register-shifted register)', 'ADD (register-shifted register)', 'ADC (register-shifted register)',
        'SBC (register-shifted register)', 'RSC (register-shifted register)', 'ORR (register-shifted register)',
        'BIC (register-shifted register)', 'MVN (register-shifted register)',
    ),
    RowCost(C.MUL): (
        'SMULW<y>', 'SMUL<x><y>',
    ),
    RowCost(C.MLA): (
        'SMLA<x><y>', 'SMLAW<y>',
    ),
    RowCost(C.MLA_LONG): (
        'SMLAL<x><y>',
    ),
    RowCost(C.LOAD): (
        'LDRT (A1)', 'LDRBT (A1)', 'LDRB (immediate, ARM)', 'LDRT (A2)', 'LDRBT (A2)', 'LDRHT (A1)',
        'LDRH (immediate, ARM)', 'LDRHT (A2)', 'LDRD (literal)', 'LDRD (register)', 'LDRSBT (A1)', 'LDRSBT (A2)',
        'LDRSHT (A1)', 'LDRSHT (A2)', 'SWP, SWPB',
    ),
    RowCost(C.LOAD, R.LOAD): (
        'LDR (immediate, ARM)', 'LDR (register, ARM)',
    ),
    RowCost(C.STORE): (
        'STRT (A1)', 'STR (immediate, ARM)', 'STRBT (A1)', 'STRB (immediate, ARM)', 'STRT (A2)', 'STRBT (A2)',
        'STRHT (A1)', 'STRH (immediate, ARM)', 'STRHT (A2)', 'STRD (register)',
    ),
    RowCost(C.LOAD_MULTIPLE, R.MULTIPLE): (
        'LDMDA/LDMFA', 'LDM/LDMIA/LDMFD (POP)', 'LDMDB/LDMEA', 'LDMIB/LDMED',
    ),
    RowCost(C.LOAD_MULTIPLE, R.COUNT): (
        'LDM (User registers)',
    ),
    RowCost(C.STORE_MULTIPLE, R.COUNT): (
        'STMDA/STMED', 'STM/STMIA/STMEA', 'STMDB/STMFD (PUSH)', 'STMIB/STMFA', 'STM (User registers)',
    ),
    RowCost(C.CALL): (
        'BL (immediate)',
    ),
    RowCost(C.PSR_WRITE, R.MSR): (
        'MSR (immediate)',
    ),
    RowCost(C.EXC_GEN): (
        'HLT',
    ),
    RowCost(C.EXC_RETURN): (
        'LDM (exception return)', 'ERET',
    ),
    RowCost(C.NOP): (
        'PLI (immediate, literal)', 'Unallocated memory hint (op1 100x001)', 'Unallocated memory hint (op1 110x001)',
    ),
}))
