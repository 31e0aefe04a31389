"""The cost column of the A32 rows: each row's cost class (DESIGN.md section 5, "costs beside the rows").

Attached to the rows by name (``Row.cost``) as the format column is; a row without an entry is an
error at import.  A profile's timing table prices the class (:mod:`armsim.timing.tables`); the
refinement says which decoded fields change it (:class:`armsim.timing.costs.Refine`: a PC
destination, an immediate shift, the register count of LDM/STM, MSR's mask).
"""

from __future__ import annotations

from armsim.timing.costs import CostClass as C
from armsim.timing.costs import Refine as R  # noqa: N817
from armsim.timing.costs import RowCost, column

COSTS = column({
    RowCost(C.ALU_IMM): (
        'TST (immediate)', 'TEQ (immediate)', 'CMP (immediate)', 'CMN (immediate)', 'MOVW', 'MOVT',
    ),
    RowCost(C.ALU_IMM, R.DP): (
        'AND (immediate)', 'EOR (immediate)', 'ADR (A2)', 'SUB (immediate)', 'RSB (immediate)', 'ADR (A1)',
        'ADD (immediate)', 'ADC (immediate)', 'SBC (immediate)', 'RSC (immediate)', 'ORR (immediate)',
        'MOV (immediate)', 'BIC (immediate)', 'MVN (immediate)',
    ),
    RowCost(C.ALU_REG): (
        'CLZ', 'SEL', 'REV', 'REV16', 'RBIT', 'REVSH', 'SBFX', 'BFC', 'BFI', 'UBFX', 'MSR (Banked register)',
    ),
    RowCost(C.ALU_REG, R.DP): (
        'LSL (immediate)', 'LSR (immediate)', 'ASR (immediate)', 'RRX', 'ROR (immediate)', 'LSL (register)',
        'LSR (register)', 'ASR (register)', 'ROR (register)',
    ),
    RowCost(C.ALU_REG, R.SHIFTED): (
        'TST (register)', 'TEQ (register)', 'CMP (register)', 'CMN (register)',
    ),
    RowCost(C.ALU_REG, R.DP_SHIFTED): (
        'AND (register)', 'EOR (register)', 'SUB (register)', 'RSB (register)', 'ADD (register)', 'ADC (register)',
        'SBC (register)', 'RSC (register)', 'ORR (register)', 'MOV (register)', 'BIC (register)', 'MVN (register)',
    ),
    RowCost(C.ALU_SHIFT): (
        'QADD', 'QSUB', 'QDADD', 'QDSUB', 'SADD16', 'SASX', 'SSAX', 'SSUB16', 'SADD8', 'SSUB8', 'QADD16', 'QASX',
        'QSAX', 'QSUB16', 'QADD8', 'QSUB8', 'SHADD16', 'SHASX', 'SHSAX', 'SHSUB16', 'SHADD8', 'SHSUB8', 'UADD16',
        'UASX', 'USAX', 'USUB16', 'UADD8', 'USUB8', 'UQADD16', 'UQASX', 'UQSAX', 'UQSUB16', 'UQADD8', 'UQSUB8',
        'UHADD16', 'UHASX', 'UHSAX', 'UHSUB16', 'UHADD8', 'UHSUB8', 'PKHBT, PKHTB', 'SXTB16', 'SXTAB16', 'SSAT',
        'SSAT16', 'SXTB', 'SXTAB', 'SXTH', 'SXTAH', 'UXTB16', 'UXTAB16', 'USAT', 'USAT16', 'UXTB', 'UXTAB', 'UXTH',
        'UXTAH',
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
        'MUL', 'SMULW<y>', 'SMUL<x><y>', 'SMUAD', 'SMUSD', 'SMMUL', 'USAD8',
    ),
    RowCost(C.MLA): (
        'MLA', 'MLS', 'SMLA<x><y>', 'SMLAW<y>', 'SMLAD', 'SMLSD', 'SMMLA', 'SMMLS', 'USADA8',
    ),
    RowCost(C.MUL_LONG): (
        'UMULL', 'SMULL',
    ),
    RowCost(C.MLA_LONG): (
        'UMAAL', 'UMLAL', 'SMLAL', 'SMLAL<x><y>', 'SMLALD', 'SMLSLD',
    ),
    RowCost(C.UDIV): (
        'UDIV',
    ),
    RowCost(C.SDIV): (
        'SDIV',
    ),
    RowCost(C.LOAD): (
        'LDRT (A1)', 'LDRBT (A1)', 'LDRB (literal)', 'LDRB (immediate, ARM)', 'LDRT (A2)', 'LDRBT (A2)',
        'LDRB (register)', 'LDRHT (A1)', 'LDRH (literal)', 'LDRH (immediate, ARM)', 'LDRHT (A2)', 'LDRH (register)',
        'LDRD (literal)', 'LDRD (immediate)', 'LDRD (register)', 'LDRSBT (A1)', 'LDRSB (literal)',
        'LDRSB (immediate)', 'LDRSBT (A2)', 'LDRSB (register)', 'LDRSHT (A1)', 'LDRSH (literal)',
        'LDRSH (immediate)', 'LDRSHT (A2)', 'LDRSH (register)', 'SWP, SWPB', 'LDREX', 'LDREXD', 'LDREXB', 'LDREXH',
    ),
    RowCost(C.LOAD, R.LOAD): (
        'LDR (literal)', 'LDR (immediate, ARM)', 'LDR (register, ARM)',
    ),
    RowCost(C.STORE): (
        'STRT (A1)', 'STR (immediate, ARM)', 'STRBT (A1)', 'STRB (immediate, ARM)', 'STRT (A2)', 'STR (register)',
        'STRBT (A2)', 'STRB (register)', 'STRHT (A1)', 'STRH (immediate, ARM)', 'STRHT (A2)', 'STRH (register)',
        'STRD (immediate)', 'STRD (register)', 'STREX', 'STREXD', 'STREXB', 'STREXH',
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
    RowCost(C.STORE_MULTIPLE, R.PAIR): (
        'SRS',
    ),
    RowCost(C.BRANCH): (
        'B',
    ),
    RowCost(C.CALL): (
        'BL (immediate)', 'BLX (register)', 'BLX (immediate)',
    ),
    RowCost(C.BRANCH_REG): (
        'BX', 'BXJ',
    ),
    RowCost(C.COPROC_READ): (
        'STC', 'MRRC', 'MRC', 'STC2', 'MRRC2', 'MRC2',
    ),
    RowCost(C.COPROC_WRITE): (
        'LDC', 'MCRR', 'CDP', 'MCR', 'LDC2', 'MCRR2', 'CDP2', 'MCR2',
    ),
    RowCost(C.ISB): (
        'ISB',
    ),
    RowCost(C.BARRIER): (
        'DSB', 'DMB',
    ),
    RowCost(C.PSR_READ): (
        'MRS', 'MRS (Banked register)',
    ),
    RowCost(C.PSR_WRITE): (
        'CPS', 'SETEND',
    ),
    RowCost(C.PSR_WRITE, R.MSR_A32): (
        'MSR (immediate)', 'MSR (register)',
    ),
    RowCost(C.EXC_GEN): (
        'BKPT', 'HVC', 'SMC', 'HLT', 'UDF', 'SVC',
    ),
    RowCost(C.EXC_RETURN): (
        'LDM (exception return)', 'ERET', 'RFE',
    ),
    RowCost(C.NOP): (
        'NOP', 'YIELD', 'WFE', 'WFI', 'SEV', 'DBG', 'NOP (unallocated hint)', 'PLI (immediate, literal)',
        'PLD (literal)', 'PLD, PLDW (immediate)', 'PLI (register)', 'PLD, PLDW (register)',
        'Unallocated memory hint (op1 100x001)', 'Unallocated memory hint (op1 110x001)', 'CLREX',
    ),
})
