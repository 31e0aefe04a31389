"""A32 rows: branches (DDI 0406C A5.5, A5.2.12, A5.7).

B and BL sit in A5.5 (bits 27:25 == 101); BX, BXJ and BLX (register) in the
miscellaneous space of A5.2.12; BLX (immediate) in the unconditional space
(A5.7).  LDM/STM (the rest of A5.5) belong to the load/store rows.
"""

from __future__ import annotations

from typing import List

from armsim.isa.bits import SignExtend
from armsim.isa.contract import ExecContext, InsnInfo, Op, Unpredictable
from armsim.isa.decoder import Item, Row
from armsim.isa.ops import branch as ops


def a32_b(ctx: ExecContext, info: InsnInfo, imm24: int) -> Op:
    """A8.8.18 B, encoding A1: imm32 = SignExtend(imm24:'00', 32)."""
    return ops.B(ctx, info, SignExtend(imm24 << 2, 26))


def a32_bl(ctx: ExecContext, info: InsnInfo, imm24: int) -> Op:
    """A8.8.25 BL, encoding A1: target instruction set = ARM."""
    return ops.BL_immediate(ctx, info, SignExtend(imm24 << 2, 26), False)


def a32_blx_imm(ctx: ExecContext, info: InsnInfo, H: int, imm24: int) -> Op:
    """A8.8.25 BLX (immediate), encoding A2: imm32 = SignExtend(imm24:H:'0', 32), to Thumb."""
    return ops.BL_immediate(ctx, info, SignExtend((imm24 << 2) | (H << 1), 26), True)


def a32_bx(ctx: ExecContext, info: InsnInfo, Rm: int) -> Op:
    """A8.8.27 BX, encoding A1."""
    return ops.BX(ctx, info, Rm)


def a32_bxj(ctx: ExecContext, info: InsnInfo, Rm: int) -> Op:
    """A8.8.28 BXJ, encoding A1."""
    if Rm == 15:
        raise Unpredictable("A8.8.28: m == 15")
    return ops.BXJ(ctx, info, Rm)


def a32_blx_reg(ctx: ExecContext, info: InsnInfo, Rm: int) -> Op:
    """A8.8.26 BLX (register), encoding A1."""
    if Rm == 15:
        raise Unpredictable("A8.8.26: m == 15")
    return ops.BLX_register(ctx, info, Rm)


_SBO12 = "(1)(1)(1)(1) (1)(1)(1)(1) (1)(1)(1)(1)"

ROWS: List[Item] = [
    Row("B", "cond:4 1010 imm24:24", a32_b),
    Row("BL (immediate)", "cond:4 1011 imm24:24", a32_bl),
    Row("BX", f"cond:4 00010010 {_SBO12} 0001 Rm:4", a32_bx),
    Row("BXJ", f"cond:4 00010010 {_SBO12} 0010 Rm:4", a32_bxj),
    Row("BLX (register)", f"cond:4 00010010 {_SBO12} 0011 Rm:4", a32_blx_reg),
]

UNCOND_ROWS: List[Item] = [
    Row("BLX (immediate)", "1111 101 H:1 imm24:24", a32_blx_imm),
]
