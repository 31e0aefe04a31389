"""The cost column both instruction sets share: the rows whose A32 and Thumb (T32, or T16 where T32 has no
such row) encodings have the same name and perform the same operation, so they cost the same (DESIGN.md
section 5, "costs beside the rows"; DDI 0406C A8.8).

:mod:`armsim.isa.a32.costs` and :mod:`armsim.isa.t32.costs` start from :data:`COMMON` and add only their
own rows, as :mod:`armsim.isa.shared_formats` does for the format column.  The field a refinement reads
is found through the instruction set's table of field roles (:mod:`armsim.timing.operands`), so one entry
serves both: ``Rd`` or ``Rdn`` (``D:Rd``) for a PC destination, ``imm5`` or ``imm3:imm2`` for an
immediate shift, MSR's R and mask where each encoding keeps them.
"""

from __future__ import annotations

from armsim.timing.costs import CostClass as C
from armsim.timing.costs import Refine as R  # noqa: N817
from armsim.timing.costs import RowCost, column

COMMON = column({
    RowCost(C.ALU_IMM): (
        'TST (immediate)', 'TEQ (immediate)', 'CMP (immediate)', 'CMN (immediate)', 'MOVW', 'MOVT',
    ),
    RowCost(C.ALU_IMM, R.DP): (
        'AND (immediate)', 'EOR (immediate)', 'SUB (immediate)', 'RSB (immediate)', 'ADD (immediate)',
        'ADC (immediate)', 'SBC (immediate)', 'ORR (immediate)', 'MOV (immediate)', 'BIC (immediate)',
        'MVN (immediate)',
    ),
    RowCost(C.ALU_REG): (
        'CLZ', 'SEL', 'REV', 'REV16', 'RBIT', 'REVSH', 'SBFX', 'BFC', 'BFI', 'UBFX', 'MSR (Banked register)',
    ),
    # MOV (register) covers A32's MOV (register), LSL/LSR/ASR/ROR (immediate) and RRX rows in T32 (A8.8.104 T3,
    # A8.8.94 T2 ...): a shift by an immediate is a register ALU operation, as those A32 rows are.
    RowCost(C.ALU_REG, R.DP): (
        'MOV (register)', 'LSL (immediate)', 'LSR (immediate)', 'ASR (immediate)', 'LSL (register)', 'LSR (register)',
        'ASR (register)', 'ROR (register)',
    ),
    RowCost(C.ALU_REG, R.SHIFTED): (
        'TST (register)', 'TEQ (register)', 'CMP (register)', 'CMN (register)',
    ),
    RowCost(C.ALU_REG, R.DP_SHIFTED): (
        'AND (register)', 'EOR (register)', 'SUB (register)', 'RSB (register)', 'ADD (register)', 'ADC (register)',
        'SBC (register)', 'ORR (register)', 'BIC (register)', 'MVN (register)',
    ),
    RowCost(C.ALU_SHIFT): (
        'QADD', 'QSUB', 'QDADD', 'QDSUB', 'SADD16', 'SASX', 'SSAX', 'SSUB16', 'SADD8', 'SSUB8', 'QADD16', 'QASX',
        'QSAX', 'QSUB16', 'QADD8', 'QSUB8', 'SHADD16', 'SHASX', 'SHSAX', 'SHSUB16', 'SHADD8', 'SHSUB8', 'UADD16',
        'UASX', 'USAX', 'USUB16', 'UADD8', 'USUB8', 'UQADD16', 'UQASX', 'UQSAX', 'UQSUB16', 'UQADD8', 'UQSUB8',
        'UHADD16', 'UHASX', 'UHSAX', 'UHSUB16', 'UHADD8', 'UHSUB8', 'PKHBT, PKHTB', 'SXTB16', 'SXTAB16', 'SSAT',
        'SSAT16', 'SXTB', 'SXTAB', 'SXTH', 'SXTAH', 'UXTB16', 'UXTAB16', 'USAT', 'USAT16', 'UXTB', 'UXTAB', 'UXTH',
        'UXTAH',
    ),
    RowCost(C.MUL): (
        'MUL', 'SMUAD', 'SMUSD', 'SMMUL', 'USAD8',
    ),
    RowCost(C.MLA): (
        'MLA', 'MLS', 'SMLAD', 'SMLSD', 'SMMLA', 'SMMLS', 'USADA8',
    ),
    RowCost(C.MUL_LONG): (
        'UMULL', 'SMULL',
    ),
    RowCost(C.MLA_LONG): (
        'UMAAL', 'UMLAL', 'SMLAL', 'SMLALD', 'SMLSLD',
    ),
    RowCost(C.UDIV): (
        'UDIV',
    ),
    RowCost(C.SDIV): (
        'SDIV',
    ),
    RowCost(C.LOAD): (
        'LDRB (literal)', 'LDRB (register)', 'LDRH (literal)', 'LDRH (register)', 'LDRD (immediate)', 'LDRSB (literal)',
        'LDRSB (immediate)', 'LDRSB (register)', 'LDRSH (literal)', 'LDRSH (immediate)', 'LDRSH (register)', 'LDREX',
        'LDREXD', 'LDREXB', 'LDREXH',
    ),
    RowCost(C.LOAD, R.LOAD): (
        'LDR (literal)',
    ),
    RowCost(C.STORE): (
        'STR (register)', 'STRB (register)', 'STRH (register)', 'STRD (immediate)', 'STREX', 'STREXD', 'STREXB',
        'STREXH',
    ),
    RowCost(C.STORE_MULTIPLE, R.PAIR): (
        'SRS',
    ),
    RowCost(C.BRANCH): (
        'B',
    ),
    RowCost(C.CALL): (
        'BLX (register)', 'BLX (immediate)',
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
    RowCost(C.PSR_WRITE, R.MSR): (
        'MSR (register)',
    ),
    RowCost(C.EXC_GEN): (
        'BKPT', 'HVC', 'SMC', 'UDF', 'SVC',
    ),
    RowCost(C.EXC_RETURN): (
        'RFE',
    ),
    RowCost(C.NOP): (
        'NOP', 'YIELD', 'WFE', 'WFI', 'SEV', 'DBG', 'NOP (unallocated hint)', 'PLD (literal)', 'PLD, PLDW (immediate)',
        'PLI (register)', 'PLD, PLDW (register)', 'CLREX',
    ),
})
