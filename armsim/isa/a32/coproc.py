"""A32 rows: coprocessor instructions (DDI 0406C A5.6, and A5.7 for the "2" forms).

Coprocessors 10 and 11 are the Floating-point / Advanced SIMD space, absent in
this build: the rows below cover coproc 0-9 and 12-15 only (the coproc field
is split into 0xxx, 100x and 11xx), so cp10/cp11 words match no row and are
UNDEFINED, and a later VFP table can claim them without overlapping.  LDC and
STC also leave out P = U = W = 0 (A5.6: op1 000x0x is MCRR/MRRC or UNDEFINED).
"""

from __future__ import annotations

from typing import Callable, Dict, List, Tuple

from armsim.isa.contract import ExecContext, InsnInfo, Op, Unpredictable
from armsim.isa.decoder import Item, Row
from armsim.isa.ops import coproc as ops

# -- encoding adapters (shared by the conditional and the "2" forms) ------------------------


def a32_mcr(ctx: ExecContext, info: InsnInfo, coproc: int, opc1: int, CRn: int, Rt: int, opc2: int, CRm: int) -> Op:
    """A8.8 MCR, MCR2, encodings A1/A2."""
    if Rt == 15:
        raise Unpredictable("A8.8 MCR: t == 15")
    return ops.MCR(ctx, info, coproc, opc1, CRn, Rt, CRm, opc2)


def a32_mrc(ctx: ExecContext, info: InsnInfo, coproc: int, opc1: int, CRn: int, Rt: int, opc2: int, CRm: int) -> Op:
    """A8.8 MRC, MRC2, encodings A1/A2 (Rt == 15: APSR_nzcv)."""
    return ops.MRC(ctx, info, coproc, opc1, CRn, Rt, CRm, opc2)


def a32_mcrr(ctx: ExecContext, info: InsnInfo, coproc: int, Rt2: int, Rt: int, opc1: int, CRm: int) -> Op:
    """A8.8 MCRR, MCRR2, encodings A1/A2."""
    if Rt == 15 or Rt2 == 15:
        raise Unpredictable("A8.8 MCRR: t == 15 || t2 == 15")
    return ops.MCRR(ctx, info, coproc, opc1, Rt, Rt2, CRm)


def a32_mrrc(ctx: ExecContext, info: InsnInfo, coproc: int, Rt2: int, Rt: int, opc1: int, CRm: int) -> Op:
    """A8.8 MRRC, MRRC2, encodings A1/A2."""
    if Rt == 15 or Rt2 == 15 or Rt == Rt2:
        raise Unpredictable("A8.8 MRRC: t == 15 || t2 == 15 || t == t2")
    return ops.MRRC(ctx, info, coproc, opc1, Rt, Rt2, CRm)


def a32_cdp(ctx: ExecContext, info: InsnInfo, coproc: int, opc1: int, CRn: int, CRd: int, opc2: int, CRm: int) -> Op:
    """A8.8 CDP, CDP2, encodings A1/A2."""
    return ops.CDP(ctx, info, coproc, opc1, CRd, CRn, CRm, opc2)


def a32_ldc(
    ctx: ExecContext, info: InsnInfo, coproc: int, P: int, U: int, D: int, W: int, Rn: int, CRd: int, imm8: int
) -> Op:
    """A8.8 LDC, LDC2 (immediate) and (literal, Rn == 15), encodings A1/A2.

    P == 0, U == 1, W == 0 is the unindexed form: imm8 is a coprocessor option
    and the address is R[n].
    """
    imm32 = imm8 << 2
    if Rn == 15:
        if W:
            raise Unpredictable("A8.8 LDC (literal): W == '1'")
        return ops.LDC_literal(ctx, info, coproc, D, CRd, imm32, U == 1, P == 1)
    return ops.LDC_immediate(ctx, info, coproc, D, CRd, Rn, imm32, U == 1, P == 1, W == 1)


def a32_stc(
    ctx: ExecContext, info: InsnInfo, coproc: int, P: int, U: int, D: int, W: int, Rn: int, CRd: int, imm8: int
) -> Op:
    """A8.8 STC, STC2, encodings A1/A2."""
    if Rn == 15 and W:
        raise Unpredictable("A8.8 STC: n == 15 && wback")
    return ops.STC(ctx, info, coproc, D, CRd, Rn, imm8 << 2, U == 1, P == 1, W == 1)


# -- row expansion --------------------------------------------------------------------------

# The coproc field without 101x: (pattern bits, value of the fixed leading bits).
_CP_SPLITS: Tuple[Tuple[str, int], ...] = (("0 cp:3", 0), ("100 cp:1", 8), ("11 cp:2", 12))

# LDC/STC P U D W without P == U == W == 0: (pattern bits, fixed field values).
_PUW_SPLITS: Tuple[Tuple[str, Dict[str, int]], ...] = (
    ("1 U:1 D:1 W:1", {"P": 1}),
    ("01 D:1 W:1", {"P": 0, "U": 1}),
    ("00 D:1 1", {"P": 0, "U": 0, "W": 1}),
)


def _bind(builder: Callable[..., Op], cp_base: int, fixed: Dict[str, int]) -> Callable[..., Op]:
    def build(ctx: ExecContext, info: InsnInfo, cp: int, **fields: int) -> Op:
        return builder(ctx, info, coproc=cp_base | cp, **fixed, **fields)

    return build


def _rows(name: str, pattern: str, builder: Callable[..., Op]) -> List[Item]:
    """Rows of ``pattern`` ({cp}: the coproc field, {puw}: LDC/STC P U D W) for every allowed value."""
    puws = _PUW_SPLITS if "{puw}" in pattern else (("", {}),)
    out: List[Item] = []
    for puw, fixed in puws:
        for cp_bits, cp_base in _CP_SPLITS:
            out.append(Row(name, pattern.format(cp=cp_bits, puw=puw), _bind(builder, cp_base, fixed)))
    return out


def _class(prefix: str, suffix: str) -> List[Item]:
    """The A5.6 coprocessor rows with bits 31:28 = ``prefix`` and names suffixed ``suffix``."""
    return [
        *_rows(f"STC{suffix}", prefix + " 110 {puw} 0 Rn:4 CRd:4 {cp} imm8:8", a32_stc),
        *_rows(f"LDC{suffix}", prefix + " 110 {puw} 1 Rn:4 CRd:4 {cp} imm8:8", a32_ldc),
        *_rows(f"MCRR{suffix}", prefix + " 11000100 Rt2:4 Rt:4 {cp} opc1:4 CRm:4", a32_mcrr),
        *_rows(f"MRRC{suffix}", prefix + " 11000101 Rt2:4 Rt:4 {cp} opc1:4 CRm:4", a32_mrrc),
        *_rows(f"CDP{suffix}", prefix + " 1110 opc1:4 CRn:4 CRd:4 {cp} opc2:3 0 CRm:4", a32_cdp),
        *_rows(f"MCR{suffix}", prefix + " 1110 opc1:3 0 CRn:4 Rt:4 {cp} opc2:3 1 CRm:4", a32_mcr),
        *_rows(f"MRC{suffix}", prefix + " 1110 opc1:3 1 CRn:4 Rt:4 {cp} opc2:3 1 CRm:4", a32_mrc),
    ]


ROWS: List[Item] = _class("cond:4", "")
UNCOND_ROWS: List[Item] = _class("1111", "2")
