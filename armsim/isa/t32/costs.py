"""The cost column of the T16 and T32 rows (see :mod:`armsim.isa.a32.costs`).

Where a Thumb row performs an A32 row's operation it has the A32 row's class.  Table branches
(TBB/TBH) load the offset they branch by: a PC-writing load.  The UNPREDICTABLE / UNDEFINED rows
build an UNDEFINED op, so they issue as exception-generating instructions, as an encoding no row
decodes does.
"""

from __future__ import annotations

from armsim.timing.costs import CostClass as C
from armsim.timing.costs import Refine as R  # noqa: N817
from armsim.timing.costs import RowCost, column

COSTS16 = column({
    RowCost(C.ALU_IMM): (
        # 'RSB (register)' is A8.8.152 RSB (immediate) T1, RSBS Rd, Rn, #0.
        'MOV (immediate)', 'CMP (immediate)', 'SUB (SP minus immediate)', 'RSB (register)',
    ),
    RowCost(C.ALU_IMM, R.DP): (
        'ADD (immediate)', 'SUB (immediate)', 'ADR', 'ADD (SP plus immediate)',
    ),
    RowCost(C.ALU_REG): (
        'LSL (register)', 'LSR (register)', 'ASR (register)', 'ROR (register)', 'REV', 'REV16', 'REVSH',
    ),
    RowCost(C.ALU_REG, R.DP): (
        'LSL (immediate)', 'LSR (immediate)', 'ASR (immediate)',
    ),
    RowCost(C.ALU_REG, R.SHIFTED): (
        'AND (register)', 'EOR (register)', 'ADC (register)', 'SBC (register)', 'TST (register)', 'CMP (register)',
        'CMN (register)', 'ORR (register)', 'BIC (register)', 'MVN (register)',
    ),
    RowCost(C.ALU_REG, R.DP_SHIFTED): (
        'ADD (register)', 'SUB (register)', 'MOV (register)',
    ),
    RowCost(C.ALU_SHIFT): (
        'SXTH', 'SXTB', 'UXTH', 'UXTB',
    ),
    RowCost(C.MUL): (
        'MUL (register)',
    ),
    RowCost(C.LOAD): (
        'LDRSB (register)', 'LDRH (register)', 'LDRB (register)', 'LDRSH (register)', 'LDRB (immediate)',
        'LDRH (immediate)',
    ),
    RowCost(C.LOAD, R.LOAD): (
        'LDR (literal)', 'LDR (register)', 'LDR (immediate)',
    ),
    RowCost(C.STORE): (
        'STR (register)', 'STRH (register)', 'STRB (register)', 'STR (immediate)', 'STRB (immediate)',
        'STRH (immediate)',
    ),
    RowCost(C.LOAD_MULTIPLE, R.MULTIPLE): (
        'POP', 'LDM',
    ),
    RowCost(C.STORE_MULTIPLE, R.COUNT): (
        'PUSH', 'STM',
    ),
    RowCost(C.BRANCH): (
        'CBZ', 'CBNZ', 'B',
    ),
    RowCost(C.CALL): (
        'BLX (register)',
    ),
    RowCost(C.BRANCH_REG): (
        'BX',
    ),
    RowCost(C.PSR_WRITE): (
        'SETEND', 'CPS',
    ),
    RowCost(C.EXC_GEN): (
        'BKPT', 'UDF', 'SVC',
    ),
    RowCost(C.NOP): (
        'NOP', 'YIELD', 'WFE', 'WFI', 'SEV', 'NOP (unallocated hint)', 'IT',
    ),
})


COSTS32 = column({
    RowCost(C.ALU_IMM): (
        'TST (immediate)', 'TEQ (immediate)', 'CMN (immediate)', 'CMP (immediate)', 'MOVW', 'MOVT',
    ),
    RowCost(C.ALU_IMM, R.DP): (
        'AND (immediate)', 'BIC (immediate)', 'MOV (immediate)', 'ORR (immediate)', 'MVN (immediate)',
        'ORN (immediate)', 'EOR (immediate)', 'ADD (immediate)', 'ADC (immediate)', 'SBC (immediate)',
        'SUB (immediate)', 'RSB (immediate)', 'ADDW', 'SUBW',
    ),
    RowCost(C.ALU_REG): (
        'SBFX', 'UBFX', 'BFC', 'BFI', 'REV', 'REV16', 'RBIT', 'REVSH', 'SEL', 'CLZ', 'MSR (Banked register)',
    ),
    RowCost(C.ALU_REG, R.DP): (
        'LSL (register)', 'LSR (register)', 'ASR (register)', 'ROR (register)',
    ),
    RowCost(C.ALU_REG, R.SHIFTED): (
        'TST (register)', 'TEQ (register)', 'CMN (register)', 'CMP (register)',
    ),
    RowCost(C.ALU_REG, R.DP_SHIFTED): (
        'AND (register)', 'BIC (register)', 'MOV (register)', 'ORR (register)', 'MVN (register)', 'ORN (register)',
        'EOR (register)', 'ADD (register)', 'ADC (register)', 'SBC (register)', 'SUB (register)', 'RSB (register)',
    ),
    RowCost(C.ALU_SHIFT): (
        'PKHBT, PKHTB', 'SSAT16', 'SSAT', 'USAT16', 'USAT', 'SXTH', 'SXTAH', 'UXTH', 'UXTAH', 'SXTB16', 'SXTAB16',
        'UXTB16', 'UXTAB16', 'SXTB', 'SXTAB', 'UXTB', 'UXTAB', 'SADD8', 'QADD8', 'SHADD8', 'UADD8', 'UQADD8',
        'UHADD8', 'SADD16', 'QADD16', 'SHADD16', 'UADD16', 'UQADD16', 'UHADD16', 'SASX', 'QASX', 'SHASX', 'UASX',
        'UQASX', 'UHASX', 'SSUB8', 'QSUB8', 'SHSUB8', 'USUB8', 'UQSUB8', 'UHSUB8', 'SSUB16', 'QSUB16', 'SHSUB16',
        'USUB16', 'UQSUB16', 'UHSUB16', 'SSAX', 'QSAX', 'SHSAX', 'USAX', 'UQSAX', 'UHSAX', 'QADD', 'QDADD', 'QSUB',
        'QDSUB',
    ),
    RowCost(C.MUL): (
        'MUL', 'SMULBB, SMULBT, SMULTB, SMULTT', 'SMUAD', 'SMULWB, SMULWT', 'SMUSD', 'SMMUL', 'USAD8',
    ),
    RowCost(C.MLA): (
        'MLA', 'MLS', 'SMLABB, SMLABT, SMLATB, SMLATT', 'SMLAD', 'SMLAWB, SMLAWT', 'SMLSD', 'SMMLA', 'SMMLS',
        'USADA8',
    ),
    RowCost(C.MUL_LONG): (
        'SMULL', 'UMULL',
    ),
    RowCost(C.MLA_LONG): (
        'SMLAL', 'SMLALBB, SMLALBT, SMLALTB, SMLALTT', 'SMLALD', 'SMLSLD', 'UMLAL', 'UMAAL',
    ),
    RowCost(C.UDIV): (
        'UDIV',
    ),
    RowCost(C.SDIV): (
        'SDIV',
    ),
    RowCost(C.LOAD): (
        'LDREX', 'LDRD (immediate)', 'LDREXB', 'LDREXH', 'LDREXD', 'LDRB (literal)', 'LDRB (immediate)', 'LDRBT',
        'LDRB (register)', 'LDRSB (literal)', 'LDRSB (immediate)', 'LDRSBT', 'LDRSB (register)', 'LDRH (literal)',
        'LDRH (immediate)', 'LDRHT', 'LDRH (register)', 'LDRSH (literal)', 'LDRSH (immediate)', 'LDRSHT',
        'LDRSH (register)', 'LDRT',
    ),
    RowCost(C.LOAD, R.LOAD): (
        'LDR (literal)', 'LDR (immediate)', 'LDR (register)',
    ),
    RowCost(C.STORE): (
        'STREX', 'STRD (immediate)', 'STREXB', 'STREXH', 'STREXD', 'STRB (immediate)', 'STRBT', 'STRB (register)',
        'STRH (immediate)', 'STRHT', 'STRH (register)', 'STR (immediate)', 'STRT', 'STR (register)',
    ),
    RowCost(C.LOAD_MULTIPLE, R.MULTIPLE): (
        'LDM', 'LDMDB',
    ),
    RowCost(C.STORE_MULTIPLE, R.COUNT): (
        'STM', 'STMDB',
    ),
    RowCost(C.STORE_MULTIPLE, R.PAIR): (
        'SRS',
    ),
    RowCost(C.BRANCH): (
        'B',
    ),
    RowCost(C.CALL): (
        'BL', 'BLX (immediate)',
    ),
    RowCost(C.BRANCH_REG): (
        'BXJ',
    ),
    RowCost(C.LOAD_PC): (
        'TBB, TBH',
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
        'CPS',
    ),
    RowCost(C.PSR_WRITE, R.MSR_T32): (
        'MSR (register)',
    ),
    RowCost(C.EXC_GEN): (
        'UNPREDICTABLE (LDRH/LDRSH writeback, Rt == 1111)', 'UNPREDICTABLE (LDRHT/LDRSHT, Rt == 1111)',
        'UNDEFINED (load halfword, Rt == 1111)', 'UNDEFINED (store, Rn == 1111)', 'HVC', 'SMC', 'UDF',
    ),
    RowCost(C.EXC_RETURN): (
        'SUBS PC, LR and related instructions (ERET)', 'RFE',
    ),
    RowCost(C.NOP): (
        'PLD (literal)', 'PLD, PLDW (immediate)', 'PLD, PLDW (register)', 'PLI (literal)', 'PLI (immediate)',
        'PLI (register)', 'NOP (memory hint)', 'NOP', 'YIELD', 'WFE', 'WFI', 'SEV', 'DBG', 'NOP (unallocated hint)',
        'CLREX',
    ),
})
