"""A32 rows: status registers, exception generation, hints, barriers (DDI 0406C A5.2.11, A5.2.12, A5.6, A5.7).

Encoding adapters do the manual's "Encoding A1" decode and call the semantic
builders of :mod:`armsim.isa.ops.system`.  Words of these spaces that no row
matches (unallocated hints, unallocated miscellaneous encodings, barrier
options other than DSB/DMB/ISB, ...) are UNDEFINED.

UNPREDICTABLE choices made at decode time (all: UNDEFINED):

* BKPT, HVC and HLT with a condition other than AL: their rows fix cond = 1110,
  so other conditions match no row: UNDEFINED when the condition passes, a
  NOP when it fails (the one rule of :mod:`armsim.isa.build`).
* UDF is only encoded with cond = 1110 (A8.8.247); the rest of the
  permanently UNDEFINED media space (A5.4) matches no row either.
* MRS/MSR with R15, MSR with mask 0000, reserved SYSm values, CPS field
  combinations the manual calls UNPREDICTABLE, SRS to a reserved mode or to
  Hyp mode, RFE with Rn = R15.
"""

from __future__ import annotations

from typing import Any, Callable, List

from armsim.cpu.modes import VALID_MODES, Mode
from armsim.isa.bits import ARMExpandImm
from armsim.isa.contract import ExecContext, InsnInfo, Op, Undefined, Unpredictable
from armsim.isa.decoder import Group, Item, Row
from armsim.isa.ops import system as ops

# -- A5.2.12 miscellaneous instructions ------------------------------------------------


def a32_mrs(ctx: ExecContext, info: InsnInfo, R: int, Rd: int) -> Op:
    """A8.8.109 MRS / B9.3 MRS, encoding A1."""
    if Rd == 15:
        raise Unpredictable("A8.8.109: d == 15")
    return ops.MRS(ctx, info, Rd, R == 1)


def a32_msr_reg(ctx: ExecContext, info: InsnInfo, R: int, mask: int, Rn: int) -> Op:
    """A8.8.112 MSR (register) / B9.3 MSR (register), encoding A1."""
    if mask == 0:
        raise Unpredictable("B9.3 MSR (register): mask == '0000'")
    if Rn == 15:
        raise Unpredictable("A8.8.112: n == 15")
    return ops.MSR_register(ctx, info, R == 1, mask, Rn)


def a32_mrs_banked(ctx: ExecContext, info: InsnInfo, R: int, M1: int, Rd: int, M: int) -> Op:
    """B9.3 MRS (Banked register), encoding A1: SYSm = M:M1."""
    if Rd == 15:
        raise Unpredictable("B9.3 MRS (Banked register): d == 15")
    return ops.MRS_banked(ctx, info, Rd, R == 1, (M << 4) | M1)


def a32_msr_banked(ctx: ExecContext, info: InsnInfo, R: int, M1: int, M: int, Rn: int) -> Op:
    """B9.3 MSR (Banked register), encoding A1: SYSm = M:M1."""
    if Rn == 15:
        raise Unpredictable("B9.3 MSR (Banked register): n == 15")
    return ops.MSR_banked(ctx, info, Rn, R == 1, (M << 4) | M1)


def a32_eret(ctx: ExecContext, info: InsnInfo) -> Op:
    """B9.3 ERET, encoding A1."""
    return ops.ERET(ctx, info)


def a32_bkpt(ctx: ExecContext, info: InsnInfo, imm12: int, imm4: int) -> Op:
    """A8.8.24 BKPT, encoding A1 (cond must be 1110); BKPT #0xAB is a semihosting call."""
    imm16 = (imm12 << 4) | imm4
    return ops.BKPT(ctx, info, imm16, imm16 == 0xAB)


def a32_hlt(ctx: ExecContext, info: InsnInfo, imm12: int, imm4: int) -> Op:
    """HLT (ARMv8 A32, cond 1110 00010000 imm12 0111 imm4): only HLT #0xF000, the semihosting trap."""
    imm16 = (imm12 << 4) | imm4
    if imm16 != 0xF000:
        raise Undefined(f"HLT #{imm16:#x} (not an ARMv7 instruction)")
    return ops.HLT_semihosting(ctx, info)


def a32_hvc(ctx: ExecContext, info: InsnInfo, imm12: int, imm4: int) -> Op:
    """B9.3 HVC, encoding A1 (cond must be 1110)."""
    return ops.HVC(ctx, info, (imm12 << 4) | imm4)


def a32_smc(ctx: ExecContext, info: InsnInfo, imm4: int) -> Op:
    """B9.3 SMC, encoding A1."""
    return ops.SMC(ctx, info, imm4)


# -- A5.2.11 MSR (immediate) and hints --------------------------------------------------


def a32_msr_imm(ctx: ExecContext, info: InsnInfo, R: int, mask: int, imm12: int) -> Op:
    """A8.8.111 MSR (immediate) / B9.3 MSR (immediate), encoding A1."""
    if mask == 0:
        # R == 0 with mask 0000 is the hint space and never reaches here.
        raise Unpredictable("B9.3 MSR (immediate): mask == '0000'")
    return ops.MSR_immediate(ctx, info, R == 1, mask, ARMExpandImm(imm12))


def a32_msr_imm_spsr(ctx: ExecContext, info: InsnInfo, mask: int, imm12: int) -> Op:
    """B9.3 MSR (immediate), encoding A1 with R == 1 (SPSR)."""
    return a32_msr_imm(ctx, info, 1, mask, imm12)


def _msr_imm_cpsr(top: int) -> Callable[..., Op]:
    """Adapter for an R == 0 row whose mask field is split as 'top bit, then mask_lo'."""

    def build(ctx: ExecContext, info: InsnInfo, imm12: int, mask_lo: int = 0) -> Op:
        return a32_msr_imm(ctx, info, 0, top | mask_lo, imm12)

    return build


def a32_hint(semantics: Callable[[ExecContext, InsnInfo], Op]) -> Callable[..., Op]:
    """Adapter for hints and barriers whose fields (DBG option, barrier option) do not matter."""

    def build(ctx: ExecContext, info: InsnInfo, **_fields: Any) -> Op:
        return semantics(ctx, info)

    return build


def a32_svc(ctx: ExecContext, info: InsnInfo, imm24: int) -> Op:
    """A8.8.228 SVC, encoding A1; SVC #0x123456 is the ARM-state semihosting call."""
    return ops.SVC(ctx, info, imm24, imm24 == 0x123456)


def a32_udf(ctx: ExecContext, info: InsnInfo, imm12: int, imm4: int) -> Op:
    """A8.8.247 UDF, encoding A1: permanently UNDEFINED."""
    raise Undefined(f"UDF #{(imm12 << 4) | imm4:#x} (permanently UNDEFINED)")


# -- A5.7 unconditional: CPS, SETEND, barriers, SRS, RFE ------------------------------------


def a32_cps(ctx: ExecContext, info: InsnInfo, imod: int, M: int, A: int, I: int, F: int, mode: int) -> Op:
    """B9.3 CPS, encoding A1."""
    aif = (A << 2) | (I << 1) | F
    if mode != 0 and M == 0:
        raise Unpredictable("B9.3 CPS: mode != '00000' && M == '0'")
    if (imod & 2 and aif == 0) or (not imod & 2 and aif != 0):
        raise Unpredictable("B9.3 CPS: A:I:F inconsistent with imod")
    if (imod == 0 and M == 0) or imod == 1:
        raise Unpredictable("B9.3 CPS: imod == '01' or no effect")
    return ops.CPS(ctx, info, imod == 2, imod == 3, bool(A), bool(I), bool(F), M == 1, mode)


def a32_setend(ctx: ExecContext, info: InsnInfo, E: int) -> Op:
    """A8.8 SETEND, encoding A1."""
    return ops.SETEND(ctx, info, E)


def a32_srs(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, mode: int) -> Op:
    """B9.3 SRS (ARM), encoding A1: wordhigher = (P == U)."""
    if mode not in VALID_MODES:
        raise Unpredictable(f"B9.3 SRS: reserved mode {mode:#04x}")
    if mode == Mode.HYP:
        raise Unpredictable("B9.3 SRS: mode == Hyp")
    return ops.SRS(ctx, info, mode, U == 1, P == U, W == 1)


def a32_rfe(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int) -> Op:
    """B9.3 RFE, encoding A1: wordhigher = (P == U)."""
    if Rn == 15:
        raise Unpredictable("B9.3 RFE: n == 15")
    return ops.RFE(ctx, info, Rn, U == 1, P == U, W == 1)


# -- rows -------------------------------------------------------------------------------

_HINT = "cond:4 00110010 0000 (1)(1)(1)(1) (0)(0)(0)(0)"
_MSR_IMM_TAIL = "(1)(1)(1)(1) imm12:12"
_Z12 = "(0)(0)(0)(0) (0)(0)(0)(0) (0)(0)(0)(0)"

# MSR (immediate) with R == 0 needs mask != 0000 (mask 0000 is the hint space): split
# the mask on its leading one, so the hint rows alone cover mask 0000.
_MSR_IMM_CPSR_ROWS = [
    Row("MSR (immediate)", f"cond:4 00110010 1 mask_lo:3 {_MSR_IMM_TAIL}", _msr_imm_cpsr(0b1000)),
    Row("MSR (immediate)", f"cond:4 00110010 01 mask_lo:2 {_MSR_IMM_TAIL}", _msr_imm_cpsr(0b0100)),
    Row("MSR (immediate)", f"cond:4 00110010 001 mask_lo:1 {_MSR_IMM_TAIL}", _msr_imm_cpsr(0b0010)),
    Row("MSR (immediate)", f"cond:4 00110010 0001 {_MSR_IMM_TAIL}", _msr_imm_cpsr(0b0001)),
]

ROWS: List[Item] = [
    # A5.2.11: the hints first, then MSR (immediate).
    Group(
        Row("NOP", f"{_HINT} 00000000", a32_hint(ops.NOP)),
        Row("YIELD", f"{_HINT} 00000001", a32_hint(ops.NOP)),
        Row("WFE", f"{_HINT} 00000010", a32_hint(ops.WFE)),
        Row("WFI", f"{_HINT} 00000011", a32_hint(ops.WFI)),
        Row("SEV", f"{_HINT} 00000100", a32_hint(ops.SEV)),
        Row("DBG", f"{_HINT} 1111 option:4", a32_hint(ops.NOP)),
        # A5.2.11: "Other encodings in this space are unallocated hints. They execute as NOPs".
        Row("NOP (unallocated hint)", f"{_HINT} op2:8", a32_hint(ops.NOP)),
        *_MSR_IMM_CPSR_ROWS,
        Row("MSR (immediate)", f"cond:4 00110110 mask:4 {_MSR_IMM_TAIL}", a32_msr_imm_spsr),
    ),
    # A5.2.12 miscellaneous instructions.
    Row("MRS", "cond:4 00010 R:1 00 (1)(1)(1)(1) Rd:4 (0)(0) 0 (0) 0000 (0)(0)(0)(0)", a32_mrs),
    Row("MRS (Banked register)", "cond:4 00010 R:1 00 M1:4 Rd:4 (0)(0) 1 M:1 0000 (0)(0)(0)(0)", a32_mrs_banked),
    Row("MSR (register)", "cond:4 00010 R:1 10 mask:4 (1)(1)(1)(1) (0)(0) 0 (0) 0000 Rn:4", a32_msr_reg),
    Row("MSR (Banked register)", "cond:4 00010 R:1 10 M1:4 (1)(1)(1)(1) (0)(0) 1 M:1 0000 Rn:4", a32_msr_banked),
    Row("ERET", f"cond:4 00010110 {_Z12} 0110 1110", a32_eret),
    Row("BKPT", "1110 00010010 imm12:12 0111 imm4:4", a32_bkpt),
    Row("HVC", "1110 00010100 imm12:12 0111 imm4:4", a32_hvc),
    Row("SMC", f"cond:4 00010110 {_Z12} 0111 imm4:4", a32_smc),
    Row("HLT", "1110 00010000 imm12:12 0111 imm4:4", a32_hlt),
    # A5.4: the permanently UNDEFINED encoding.
    Row("UDF", "1110 01111111 imm12:12 1111 imm4:4", a32_udf),
    # A5.6: supervisor call.
    Row("SVC", "cond:4 1111 imm24:24", a32_svc),
]

_BARRIER = "1111 01010111 (1)(1)(1)(1) (1)(1)(1)(1) (0)(0)(0)(0)"

UNCOND_ROWS: List[Item] = [
    Row("CPS", "1111 00010000 imod:2 M:1 0 (0)(0)(0)(0)(0)(0)(0) A:1 I:1 F:1 0 mode:5", a32_cps),
    Row("SETEND", "1111 00010000 0001 (0)(0)(0)(0)(0)(0) E:1 (0) 0000 (0)(0)(0)(0)", a32_setend),
    Row("DSB", f"{_BARRIER} 0100 option:4", a32_hint(ops.NOP)),
    Row("DMB", f"{_BARRIER} 0101 option:4", a32_hint(ops.NOP)),
    Row("ISB", f"{_BARRIER} 0110 option:4", a32_hint(ops.NOP)),
    Row("SRS", "1111 100 P:1 U:1 1 W:1 0 (1)(1)(0)(1) (0)(0)(0)(0) (0)(1)(0)(1) (0)(0)(0) mode:5", a32_srs),
    Row("RFE", "1111 100 P:1 U:1 0 W:1 1 Rn:4 (0)(0)(0)(0) (1)(0)(1)(0) (0)(0)(0)(0) (0)(0)(0)(0)", a32_rfe),
]
