"""A32 rows: loads and stores (DDI 0406C).

* A5.3   Load/store word and unsigned byte (LDR, STR, LDRB, STRB, LDRT, STRT, LDRBT, STRBT)
* A5.2.8 Extra load/store (LDRH, STRH, LDRSB, LDRSH, LDRD, STRD)
* A5.2.9 Extra load/store, unprivileged (LDRHT, STRHT, LDRSBT, LDRSHT)
* A5.2.10 Synchronization primitives (SWP, SWPB, LDREX*, STREX*)
* A5.5   Block data transfer (LDM/STM and their User-register / exception-return forms; PUSH/POP)
* A5.7.1 Memory hints and CLREX in the unconditional space (PLD, PLDW, PLI, CLREX)

Each adapter performs the encoding's decode pseudocode ("Encoding A1") and
calls a builder of :mod:`armsim.isa.ops.ldst`.  UNPREDICTABLE encodings become
UNDEFINED (``Unpredictable``), except where noted.  Should-be bits that only
pad the encoding are ignored; should-be P/W bits of the literal and
User-register forms, which would change the addressing, are checked.
"""

from __future__ import annotations

from typing import Callable, List, Tuple

from armsim.isa.bits import DecodeImmShift
from armsim.isa.contract import ExecContext, InsnInfo, Op, Unpredictable
from armsim.isa.decoder import Group, Item, Row
from armsim.isa.ops import ldst as ops


def _pw(P: int, W: int) -> Tuple[bool, bool]:
    """(index, wback) of the P/W bits of an offset/pre-indexed/post-indexed form."""
    return P == 1, P == 0 or W == 1


def _check_wback(sec: str, wback: bool, n: int, t: int) -> None:
    if wback and (n == 15 or n == t):
        raise Unpredictable(f"{sec}: writeback with n == 15 or n == t")


def _check_literal_pw(sec: str, P: int, W: int) -> None:
    # The literal encodings draw P as (1) and W as (0).
    if P != 1 or W != 0:
        raise Unpredictable(f"{sec}: P/W should-be bits not (1)/(0)")


# --------------------------------------------------------------------------
# A5.3 Load/store word and unsigned byte
# --------------------------------------------------------------------------
def a32_str_imm(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, imm12: int) -> Op:
    """A8.8.204 STR (immediate, ARM) A1; PUSH (A8.8.133 A2) is STR Rt, [SP, #-4]!."""
    index, wback = _pw(P, W)
    _check_wback("A8.8.204", wback, Rn, Rt)
    return ops.STR_immediate(ctx, info, Rt, Rn, imm12, index, U == 1, wback)


def a32_str_reg(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, imm5: int, type: int,
                Rm: int) -> Op:
    """A8.8.205 STR (register) A1."""
    index, wback = _pw(P, W)
    if Rm == 15:
        raise Unpredictable("A8.8.205: m == 15")
    _check_wback("A8.8.205", wback, Rn, Rt)
    shift_t, shift_n = DecodeImmShift(type, imm5)
    return ops.STR_register(ctx, info, Rt, Rn, Rm, index, U == 1, wback, shift_t, shift_n)


def a32_strb_imm(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, imm12: int) -> Op:
    """A8.8.207 STRB (immediate, ARM) A1."""
    index, wback = _pw(P, W)
    if Rt == 15:
        raise Unpredictable("A8.8.207: t == 15")
    _check_wback("A8.8.207", wback, Rn, Rt)
    return ops.STRB_immediate(ctx, info, Rt, Rn, imm12, index, U == 1, wback)


def a32_strb_reg(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, imm5: int, type: int,
                 Rm: int) -> Op:
    """A8.8.208 STRB (register) A1."""
    index, wback = _pw(P, W)
    if Rt == 15 or Rm == 15:
        raise Unpredictable("A8.8.208: t == 15 or m == 15")
    _check_wback("A8.8.208", wback, Rn, Rt)
    shift_t, shift_n = DecodeImmShift(type, imm5)
    return ops.STRB_register(ctx, info, Rt, Rn, Rm, index, U == 1, wback, shift_t, shift_n)


def a32_ldr_imm(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, imm12: int) -> Op:
    """A8.8.63 LDR (immediate, ARM) A1; POP (A8.8.132 A2) is LDR Rt, [SP], #4.  Rt == 15 interworks."""
    index, wback = _pw(P, W)
    if wback and Rn == Rt:
        raise Unpredictable("A8.8.63: writeback with n == t")
    return ops.LDR_immediate(ctx, info, Rt, Rn, imm12, index, U == 1, wback)


def a32_ldr_lit(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rt: int, imm12: int) -> Op:
    """A8.8.64 LDR (literal) A1."""
    _check_literal_pw("A8.8.64", P, W)
    return ops.LDR_literal(ctx, info, Rt, imm12, U == 1)


def a32_ldr_reg(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, imm5: int, type: int,
                Rm: int) -> Op:
    """A8.8.66 LDR (register, ARM) A1."""
    index, wback = _pw(P, W)
    if Rm == 15:
        raise Unpredictable("A8.8.66: m == 15")
    _check_wback("A8.8.66", wback, Rn, Rt)
    shift_t, shift_n = DecodeImmShift(type, imm5)
    return ops.LDR_register(ctx, info, Rt, Rn, Rm, index, U == 1, wback, shift_t, shift_n)


def a32_ldrb_imm(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, imm12: int) -> Op:
    """A8.8.68 LDRB (immediate, ARM) A1."""
    index, wback = _pw(P, W)
    if Rt == 15 or (wback and Rn == Rt):
        raise Unpredictable("A8.8.68: t == 15, or writeback with n == t")
    return ops.LDRB_immediate(ctx, info, Rt, Rn, imm12, index, U == 1, wback)


def a32_ldrb_lit(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rt: int, imm12: int) -> Op:
    """A8.8.69 LDRB (literal) A1."""
    _check_literal_pw("A8.8.69", P, W)
    if Rt == 15:
        raise Unpredictable("A8.8.69: t == 15")
    return ops.LDRB_literal(ctx, info, Rt, imm12, U == 1)


def a32_ldrb_reg(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, imm5: int, type: int,
                 Rm: int) -> Op:
    """A8.8.70 LDRB (register) A1."""
    index, wback = _pw(P, W)
    if Rt == 15 or Rm == 15:
        raise Unpredictable("A8.8.70: t == 15 or m == 15")
    _check_wback("A8.8.70", wback, Rn, Rt)
    shift_t, shift_n = DecodeImmShift(type, imm5)
    return ops.LDRB_register(ctx, info, Rt, Rn, Rm, index, U == 1, wback, shift_t, shift_n)


def _check_t_form(sec: str, Rn: int, Rt: int, Rm: int = 0, t15: bool = True) -> None:
    if (t15 and Rt == 15) or Rn == 15 or Rn == Rt or Rm == 15:
        raise Unpredictable(f"{sec}: t == 15, n == 15, n == t or m == 15")


def a32_strt_imm(ctx: ExecContext, info: InsnInfo, U: int, Rn: int, Rt: int, imm12: int) -> Op:
    """A8.8.220 STRT A1 (post-indexed)."""
    _check_t_form("A8.8.220", Rn, Rt, t15=False)
    return ops.STRT_immediate(ctx, info, Rt, Rn, imm12, False, U == 1, True)


def a32_strt_reg(ctx: ExecContext, info: InsnInfo, U: int, Rn: int, Rt: int, imm5: int, type: int, Rm: int) -> Op:
    """A8.8.220 STRT A2."""
    _check_t_form("A8.8.220", Rn, Rt, Rm, t15=False)
    shift_t, shift_n = DecodeImmShift(type, imm5)
    return ops.STRT_register(ctx, info, Rt, Rn, Rm, False, U == 1, True, shift_t, shift_n)


def a32_ldrt_imm(ctx: ExecContext, info: InsnInfo, U: int, Rn: int, Rt: int, imm12: int) -> Op:
    """A8.8.92 LDRT A1."""
    _check_t_form("A8.8.92", Rn, Rt)
    return ops.LDRT_immediate(ctx, info, Rt, Rn, imm12, False, U == 1, True)


def a32_ldrt_reg(ctx: ExecContext, info: InsnInfo, U: int, Rn: int, Rt: int, imm5: int, type: int, Rm: int) -> Op:
    """A8.8.92 LDRT A2."""
    _check_t_form("A8.8.92", Rn, Rt, Rm)
    shift_t, shift_n = DecodeImmShift(type, imm5)
    return ops.LDRT_register(ctx, info, Rt, Rn, Rm, False, U == 1, True, shift_t, shift_n)


def a32_strbt_imm(ctx: ExecContext, info: InsnInfo, U: int, Rn: int, Rt: int, imm12: int) -> Op:
    """A8.8.209 STRBT A1."""
    _check_t_form("A8.8.209", Rn, Rt)
    return ops.STRBT_immediate(ctx, info, Rt, Rn, imm12, False, U == 1, True)


def a32_strbt_reg(ctx: ExecContext, info: InsnInfo, U: int, Rn: int, Rt: int, imm5: int, type: int, Rm: int) -> Op:
    """A8.8.209 STRBT A2."""
    _check_t_form("A8.8.209", Rn, Rt, Rm)
    shift_t, shift_n = DecodeImmShift(type, imm5)
    return ops.STRBT_register(ctx, info, Rt, Rn, Rm, False, U == 1, True, shift_t, shift_n)


def a32_ldrbt_imm(ctx: ExecContext, info: InsnInfo, U: int, Rn: int, Rt: int, imm12: int) -> Op:
    """A8.8.71 LDRBT A1."""
    _check_t_form("A8.8.71", Rn, Rt)
    return ops.LDRBT_immediate(ctx, info, Rt, Rn, imm12, False, U == 1, True)


def a32_ldrbt_reg(ctx: ExecContext, info: InsnInfo, U: int, Rn: int, Rt: int, imm5: int, type: int, Rm: int) -> Op:
    """A8.8.71 LDRBT A2."""
    _check_t_form("A8.8.71", Rn, Rt, Rm)
    shift_t, shift_n = DecodeImmShift(type, imm5)
    return ops.LDRBT_register(ctx, info, Rt, Rn, Rm, False, U == 1, True, shift_t, shift_n)


_WB = "cond:4 010 P:1 U:1 {B} W:1 {L} Rn:4 Rt:4 imm12:12"
_WB_REG = "cond:4 011 P:1 U:1 {B} W:1 {L} Rn:4 Rt:4 imm5:5 type:2 0 Rm:4"
_WB_T = "cond:4 0100 U:1 {B}1{L} Rn:4 Rt:4 imm12:12"
_WB_T_REG = "cond:4 0110 U:1 {B}1{L} Rn:4 Rt:4 imm5:5 type:2 0 Rm:4"
_WB_LIT = "cond:4 010 P:1 U:1 {B} W:1 1 1111 Rt:4 imm12:12"

_WORD_BYTE: List[Item] = [
    Group(
        Row("STRT (A1)", _WB_T.format(B=0, L=0), a32_strt_imm),
        Row("STR (immediate, ARM)", _WB.format(B=0, L=0), a32_str_imm),
    ),
    Group(
        Row("LDRT (A1)", _WB_T.format(B=0, L=1), a32_ldrt_imm),
        Row("LDR (literal)", _WB_LIT.format(B=0), a32_ldr_lit),
        Row("LDR (immediate, ARM)", _WB.format(B=0, L=1), a32_ldr_imm),
    ),
    Group(
        Row("STRBT (A1)", _WB_T.format(B=1, L=0), a32_strbt_imm),
        Row("STRB (immediate, ARM)", _WB.format(B=1, L=0), a32_strb_imm),
    ),
    Group(
        Row("LDRBT (A1)", _WB_T.format(B=1, L=1), a32_ldrbt_imm),
        Row("LDRB (literal)", _WB_LIT.format(B=1), a32_ldrb_lit),
        Row("LDRB (immediate, ARM)", _WB.format(B=1, L=1), a32_ldrb_imm),
    ),
    Group(
        Row("STRT (A2)", _WB_T_REG.format(B=0, L=0), a32_strt_reg),
        Row("STR (register)", _WB_REG.format(B=0, L=0), a32_str_reg),
    ),
    Group(
        Row("LDRT (A2)", _WB_T_REG.format(B=0, L=1), a32_ldrt_reg),
        Row("LDR (register, ARM)", _WB_REG.format(B=0, L=1), a32_ldr_reg),
    ),
    Group(
        Row("STRBT (A2)", _WB_T_REG.format(B=1, L=0), a32_strbt_reg),
        Row("STRB (register)", _WB_REG.format(B=1, L=0), a32_strb_reg),
    ),
    Group(
        Row("LDRBT (A2)", _WB_T_REG.format(B=1, L=1), a32_ldrbt_reg),
        Row("LDRB (register)", _WB_REG.format(B=1, L=1), a32_ldrb_reg),
    ),
]


# --------------------------------------------------------------------------
# A5.2.8 / A5.2.9 Extra load/store (halfword, signed byte/halfword, doubleword)
# --------------------------------------------------------------------------
def _ext_load_imm(sec: str, builder: ops.ImmBuilder) -> Callable[..., Op]:
    """Adapter factory: LDRH/LDRSB/LDRSH (immediate, ARM) A1."""

    def adapter(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, imm4H: int,
                imm4L: int) -> Op:
        index, wback = _pw(P, W)
        if Rt == 15 or (wback and Rn == Rt):
            raise Unpredictable(f"{sec}: t == 15, or writeback with n == t")
        return builder(ctx, info, Rt, Rn, (imm4H << 4) | imm4L, index, U == 1, wback)

    adapter.__doc__ = f"{sec} A1 (immediate)."
    return adapter


def _ext_load_lit(sec: str, builder: ops.LitBuilder) -> Callable[..., Op]:
    """Adapter factory: LDRH/LDRSB/LDRSH (literal) A1."""

    def adapter(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rt: int, imm4H: int, imm4L: int) -> Op:
        _check_literal_pw(sec, P, W)
        if Rt == 15:
            raise Unpredictable(f"{sec}: t == 15")
        return builder(ctx, info, Rt, (imm4H << 4) | imm4L, U == 1)

    adapter.__doc__ = f"{sec} A1 (literal)."
    return adapter


def _ext_reg(sec: str, builder: ops.RegBuilder) -> Callable[..., Op]:
    """Adapter factory: STRH/LDRH/LDRSB/LDRSH (register) A1."""

    def adapter(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, Rm: int) -> Op:
        index, wback = _pw(P, W)
        if Rt == 15 or Rm == 15:
            raise Unpredictable(f"{sec}: t == 15 or m == 15")
        _check_wback(sec, wback, Rn, Rt)
        return builder(ctx, info, Rt, Rn, Rm, index, U == 1, wback, 0, 0)

    adapter.__doc__ = f"{sec} A1 (register)."
    return adapter


def a32_strh_imm(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, imm4H: int,
                 imm4L: int) -> Op:
    """A8.8.217 STRH (immediate, ARM) A1."""
    index, wback = _pw(P, W)
    if Rt == 15:
        raise Unpredictable("A8.8.217: t == 15")
    _check_wback("A8.8.217", wback, Rn, Rt)
    return ops.STRH_immediate(ctx, info, Rt, Rn, (imm4H << 4) | imm4L, index, U == 1, wback)


def _ext_t_imm(sec: str, builder: ops.ImmBuilder) -> Callable[..., Op]:
    """Adapter factory: STRHT/LDRHT/LDRSBT/LDRSHT A1 (post-indexed immediate)."""

    def adapter(ctx: ExecContext, info: InsnInfo, U: int, Rn: int, Rt: int, imm4H: int, imm4L: int) -> Op:
        _check_t_form(sec, Rn, Rt)
        return builder(ctx, info, Rt, Rn, (imm4H << 4) | imm4L, False, U == 1, True)

    adapter.__doc__ = f"{sec} A1."
    return adapter


def _ext_t_reg(sec: str, builder: ops.RegBuilder) -> Callable[..., Op]:
    """Adapter factory: STRHT/LDRHT/LDRSBT/LDRSHT A2 (post-indexed register)."""

    def adapter(ctx: ExecContext, info: InsnInfo, U: int, Rn: int, Rt: int, Rm: int) -> Op:
        _check_t_form(sec, Rn, Rt, Rm)
        return builder(ctx, info, Rt, Rn, Rm, False, U == 1, True, 0, 0)

    adapter.__doc__ = f"{sec} A2."
    return adapter


def _check_dual(sec: str, P: int, W: int, Rt: int) -> None:
    if Rt & 1:
        raise Unpredictable(f"{sec}: Rt<0> == '1'")
    if Rt == 14:
        raise Unpredictable(f"{sec}: t2 == 15")
    if P == 0 and W == 1:
        raise Unpredictable(f"{sec}: P == '0' && W == '1'")


def a32_ldrd_imm(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, imm4H: int,
                 imm4L: int) -> Op:
    """A8.8.72 LDRD (immediate) A1."""
    _check_dual("A8.8.72", P, W, Rt)
    index, wback = _pw(P, W)
    if wback and (Rn == Rt or Rn == Rt + 1):
        raise Unpredictable("A8.8.72: writeback with n == t or n == t2")
    return ops.LDRD_immediate(ctx, info, Rt, Rt + 1, Rn, (imm4H << 4) | imm4L, index, U == 1, wback)


def a32_ldrd_lit(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rt: int, imm4H: int, imm4L: int) -> Op:
    """A8.8.73 LDRD (literal) A1."""
    _check_dual("A8.8.73", P, W, Rt)
    _check_literal_pw("A8.8.73", P, W)
    return ops.LDRD_literal(ctx, info, Rt, Rt + 1, (imm4H << 4) | imm4L, U == 1)


def a32_ldrd_reg(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, Rm: int) -> Op:
    """A8.8.74 LDRD (register) A1."""
    _check_dual("A8.8.74", P, W, Rt)
    index, wback = _pw(P, W)
    t2 = Rt + 1
    if Rm == 15 or Rm in (Rt, t2):
        raise Unpredictable("A8.8.74: m == 15, m == t or m == t2")
    if wback and (Rn == 15 or Rn in (Rt, t2)):
        raise Unpredictable("A8.8.74: writeback with n == 15, n == t or n == t2")
    return ops.LDRD_register(ctx, info, Rt, t2, Rn, Rm, index, U == 1, wback)


def a32_strd_imm(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, imm4H: int,
                 imm4L: int) -> Op:
    """A8.8.210 STRD (immediate) A1."""
    _check_dual("A8.8.210", P, W, Rt)
    index, wback = _pw(P, W)
    if wback and (Rn == 15 or Rn == Rt or Rn == Rt + 1):
        raise Unpredictable("A8.8.210: writeback with n == 15, n == t or n == t2")
    return ops.STRD_immediate(ctx, info, Rt, Rt + 1, Rn, (imm4H << 4) | imm4L, index, U == 1, wback)


def a32_strd_reg(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, Rm: int) -> Op:
    """A8.8.211 STRD (register) A1."""
    _check_dual("A8.8.211", P, W, Rt)
    index, wback = _pw(P, W)
    t2 = Rt + 1
    if Rm == 15:
        raise Unpredictable("A8.8.211: m == 15")
    if wback and (Rn == 15 or Rn in (Rt, t2)):
        raise Unpredictable("A8.8.211: writeback with n == 15, n == t or n == t2")
    return ops.STRD_register(ctx, info, Rt, t2, Rn, Rm, index, U == 1, wback)


def _xi(op2: str, L_: int) -> str:
    return f"cond:4 000 P:1 U:1 1 W:1 {L_} Rn:4 Rt:4 imm4H:4 1{op2}1 imm4L:4"


def _xr(op2: str, L_: int) -> str:
    return f"cond:4 000 P:1 U:1 0 W:1 {L_} Rn:4 Rt:4 (0)(0)(0)(0) 1{op2}1 Rm:4"


def _xlit(op2: str, L_: int) -> str:
    return f"cond:4 000 P:1 U:1 1 W:1 {L_} 1111 Rt:4 imm4H:4 1{op2}1 imm4L:4"


def _xti(op2: str, L_: int) -> str:
    return f"cond:4 0000 U:1 11{L_} Rn:4 Rt:4 imm4H:4 1{op2}1 imm4L:4"


def _xtr(op2: str, L_: int) -> str:
    return f"cond:4 0000 U:1 01{L_} Rn:4 Rt:4 (0)(0)(0)(0) 1{op2}1 Rm:4"


_EXTRA: List[Item] = [
    # op2 = 01: halfword
    Group(
        Row("STRHT (A1)", _xti("01", 0), _ext_t_imm("A8.8.219", ops.STRHT_immediate)),
        Row("STRH (immediate, ARM)", _xi("01", 0), a32_strh_imm),
    ),
    Group(
        Row("STRHT (A2)", _xtr("01", 0), _ext_t_reg("A8.8.219", ops.STRHT_register)),
        Row("STRH (register)", _xr("01", 0), _ext_reg("A8.8.218", ops.STRH_register)),
    ),
    Group(
        Row("LDRHT (A1)", _xti("01", 1), _ext_t_imm("A8.8.83", ops.LDRHT_immediate)),
        Row("LDRH (literal)", _xlit("01", 1), _ext_load_lit("A8.8.81", ops.LDRH_literal)),
        Row("LDRH (immediate, ARM)", _xi("01", 1), _ext_load_imm("A8.8.80", ops.LDRH_immediate)),
    ),
    Group(
        Row("LDRHT (A2)", _xtr("01", 1), _ext_t_reg("A8.8.83", ops.LDRHT_register)),
        Row("LDRH (register)", _xr("01", 1), _ext_reg("A8.8.82", ops.LDRH_register)),
    ),
    # op2 = 10: LDRD (L = 0), LDRSB (L = 1)
    Group(
        Row("LDRD (literal)", _xlit("10", 0), a32_ldrd_lit),
        Row("LDRD (immediate)", _xi("10", 0), a32_ldrd_imm),
    ),
    Row("LDRD (register)", _xr("10", 0), a32_ldrd_reg),
    Group(
        Row("LDRSBT (A1)", _xti("10", 1), _ext_t_imm("A8.8.87", ops.LDRSBT_immediate)),
        Row("LDRSB (literal)", _xlit("10", 1), _ext_load_lit("A8.8.85", ops.LDRSB_literal)),
        Row("LDRSB (immediate)", _xi("10", 1), _ext_load_imm("A8.8.84", ops.LDRSB_immediate)),
    ),
    Group(
        Row("LDRSBT (A2)", _xtr("10", 1), _ext_t_reg("A8.8.87", ops.LDRSBT_register)),
        Row("LDRSB (register)", _xr("10", 1), _ext_reg("A8.8.86", ops.LDRSB_register)),
    ),
    # op2 = 11: STRD (L = 0), LDRSH (L = 1)
    Row("STRD (immediate)", _xi("11", 0), a32_strd_imm),
    Row("STRD (register)", _xr("11", 0), a32_strd_reg),
    Group(
        Row("LDRSHT (A1)", _xti("11", 1), _ext_t_imm("A8.8.91", ops.LDRSHT_immediate)),
        Row("LDRSH (literal)", _xlit("11", 1), _ext_load_lit("A8.8.89", ops.LDRSH_literal)),
        Row("LDRSH (immediate)", _xi("11", 1), _ext_load_imm("A8.8.88", ops.LDRSH_immediate)),
    ),
    Group(
        Row("LDRSHT (A2)", _xtr("11", 1), _ext_t_reg("A8.8.91", ops.LDRSHT_register)),
        Row("LDRSH (register)", _xr("11", 1), _ext_reg("A8.8.90", ops.LDRSH_register)),
    ),
]


# --------------------------------------------------------------------------
# A5.2.10 Synchronization primitives
# --------------------------------------------------------------------------
def a32_swp(ctx: ExecContext, info: InsnInfo, B: int, Rn: int, Rt: int, Rt2: int) -> Op:
    """A8.8.229 SWP, SWPB A1 (UNDEFINED unless SCTLR.SW, see the builder)."""
    if Rt == 15 or Rt2 == 15 or Rn == 15 or Rn in (Rt, Rt2):
        raise Unpredictable("A8.8.229: a register is 15, or n == t or n == t2")
    return ops.SWP(ctx, info, Rt, Rt2, Rn, 1 if B else 4)


def _ldrex_adapter(sec: str, size: int) -> Callable[..., Op]:
    def adapter(ctx: ExecContext, info: InsnInfo, Rn: int, Rt: int) -> Op:
        if Rt == 15 or Rn == 15:
            raise Unpredictable(f"{sec}: t == 15 or n == 15")
        if size == 4:
            return ops.LDREX(ctx, info, Rt, Rn, 0)
        return (ops.LDREXH if size == 2 else ops.LDREXB)(ctx, info, Rt, Rn)

    adapter.__doc__ = f"{sec} A1."
    return adapter


def _strex_adapter(sec: str, size: int) -> Callable[..., Op]:
    def adapter(ctx: ExecContext, info: InsnInfo, Rn: int, Rd: int, Rt: int) -> Op:
        if Rd == 15 or Rt == 15 or Rn == 15:
            raise Unpredictable(f"{sec}: d == 15, t == 15 or n == 15")
        if Rd in (Rn, Rt):
            raise Unpredictable(f"{sec}: d == n or d == t")
        if size == 4:
            return ops.STREX(ctx, info, Rd, Rt, Rn, 0)
        return (ops.STREXH if size == 2 else ops.STREXB)(ctx, info, Rd, Rt, Rn)

    adapter.__doc__ = f"{sec} A1."
    return adapter


def a32_ldrexd(ctx: ExecContext, info: InsnInfo, Rn: int, Rt: int) -> Op:
    """A8.8.77 LDREXD A1."""
    if Rt & 1 or Rt == 14 or Rn == 15:
        raise Unpredictable("A8.8.77: Rt<0> == '1', Rt == 14 or n == 15")
    return ops.LDREXD(ctx, info, Rt, Rt + 1, Rn)


def a32_strexd(ctx: ExecContext, info: InsnInfo, Rn: int, Rd: int, Rt: int) -> Op:
    """A8.8.214 STREXD A1."""
    if Rd == 15 or Rt & 1 or Rt == 14 or Rn == 15:
        raise Unpredictable("A8.8.214: d == 15, Rt<0> == '1', Rt == 14 or n == 15")
    if Rd in (Rn, Rt) or Rd == Rt + 1:
        raise Unpredictable("A8.8.214: d == n, d == t or d == t2")
    return ops.STREXD(ctx, info, Rd, Rt, Rt + 1, Rn)


_LDX = "cond:4 0001{op} Rn:4 Rt:4 (1)(1)(1)(1) 1001 (1)(1)(1)(1)"
_STX = "cond:4 0001{op} Rn:4 Rd:4 (1)(1)(1)(1) 1001 Rt:4"

_SYNC: List[Item] = [
    Row("SWP, SWPB", "cond:4 00010 B:1 00 Rn:4 Rt:4 (0)(0)(0)(0) 1001 Rt2:4", a32_swp),
    Row("STREX", _STX.format(op="1000"), _strex_adapter("A8.8.212", 4)),
    Row("LDREX", _LDX.format(op="1001"), _ldrex_adapter("A8.8.75", 4)),
    Row("STREXD", _STX.format(op="1010"), a32_strexd),
    Row("LDREXD", _LDX.format(op="1011"), a32_ldrexd),
    Row("STREXB", _STX.format(op="1100"), _strex_adapter("A8.8.213", 1)),
    Row("LDREXB", _LDX.format(op="1101"), _ldrex_adapter("A8.8.76", 1)),
    Row("STREXH", _STX.format(op="1110"), _strex_adapter("A8.8.215", 2)),
    Row("LDREXH", _LDX.format(op="1111"), _ldrex_adapter("A8.8.78", 2)),
]


# --------------------------------------------------------------------------
# A5.5 Block data transfer
# --------------------------------------------------------------------------
def _block_adapter(sec: str, load: bool, increment: bool, wordhigher: bool) -> Callable[..., Op]:
    def adapter(ctx: ExecContext, info: InsnInfo, W: int, Rn: int, register_list: int) -> Op:
        if Rn == 15 or register_list == 0:
            # UNPREDICTABLE: n == 15 or BitCount(registers) < 1 -- we choose UNDEFINED.
            raise Unpredictable(f"{sec}: n == 15 or an empty register list")
        # LDM with writeback and Rn in the list is UNPREDICTABLE (ArchVersion() >= 7):
        # we choose the loaded value (see LDM_any).
        if load:
            return ops.LDM_any(ctx, info, Rn, register_list, W == 1, increment, wordhigher)
        return ops.STM_any(ctx, info, Rn, register_list, W == 1, increment, wordhigher)

    adapter.__doc__ = f"{sec} A1."
    return adapter


def a32_stm_user(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, register_list: int) -> Op:
    """B9.3.17 STM (User registers) A1."""
    if Rn == 15 or register_list == 0:
        raise Unpredictable("B9.3.17: n == 15 or an empty register list")
    if W:
        raise Unpredictable("B9.3.17: W should-be bit is not (0)")
    return ops.STM_user_registers(ctx, info, Rn, register_list, U == 1, P == U)


def a32_ldm_user(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, register_list: int) -> Op:
    """B9.3.5 LDM (User registers) A1."""
    if Rn == 15 or register_list == 0:
        raise Unpredictable("B9.3.5: n == 15 or an empty register list")
    if W:
        raise Unpredictable("B9.3.5: W should-be bit is not (0)")
    return ops.LDM_user_registers(ctx, info, Rn, register_list, U == 1, P == U)


def a32_ldm_eret(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, register_list: int) -> Op:
    """B9.3.4 LDM (exception return) A1 (register_list holds R0-R14; the PC is bit 15)."""
    if Rn == 15:
        raise Unpredictable("B9.3.4: n == 15")
    return ops.LDM_exception_return(ctx, info, Rn, register_list, W == 1, U == 1, P == U)


_BLOCK: List[Item] = [
    Row("STMDA/STMED", "cond:4 100000 W:1 0 Rn:4 register_list:16", _block_adapter("A8.8.200", False, False, True)),
    Row("LDMDA/LDMFA", "cond:4 100000 W:1 1 Rn:4 register_list:16", _block_adapter("A8.8.59", True, False, True)),
    Row("STM/STMIA/STMEA", "cond:4 100010 W:1 0 Rn:4 register_list:16",
        _block_adapter("A8.8.199", False, True, False)),
    Row("LDM/LDMIA/LDMFD (POP)", "cond:4 100010 W:1 1 Rn:4 register_list:16",
        _block_adapter("A8.8.58", True, True, False)),
    Row("STMDB/STMFD (PUSH)", "cond:4 100100 W:1 0 Rn:4 register_list:16",
        _block_adapter("A8.8.201", False, False, False)),
    Row("LDMDB/LDMEA", "cond:4 100100 W:1 1 Rn:4 register_list:16", _block_adapter("A8.8.60", True, False, False)),
    Row("STMIB/STMFA", "cond:4 100110 W:1 0 Rn:4 register_list:16", _block_adapter("A8.8.202", False, True, True)),
    Row("LDMIB/LDMED", "cond:4 100110 W:1 1 Rn:4 register_list:16", _block_adapter("A8.8.61", True, True, True)),
    Row("STM (User registers)", "cond:4 100 P:1 U:1 1 W:1 0 Rn:4 register_list:16", a32_stm_user),
    Row("LDM (User registers)", "cond:4 100 P:1 U:1 1 W:1 1 Rn:4 0 register_list:15", a32_ldm_user),
    Row("LDM (exception return)", "cond:4 100 P:1 U:1 1 W:1 1 Rn:4 1 register_list:15", a32_ldm_eret),
]


# --------------------------------------------------------------------------
# A5.7.1 Memory hints and CLREX (unconditional space)
# --------------------------------------------------------------------------
def a32_pli_imm(ctx: ExecContext, info: InsnInfo, U: int, Rn: int, imm12: int) -> Op:
    """A8.8.129 PLI (immediate, literal) A1."""
    return ops.PLI_immediate(ctx, info, Rn, imm12, U == 1)


def a32_pld_lit(ctx: ExecContext, info: InsnInfo, U: int, R: int, imm12: int) -> Op:
    """A8.8.127 PLD (literal) A1 (R is drawn (1): PLDW of the PC is UNPREDICTABLE, A5.7.1)."""
    if R == 0:
        raise Unpredictable("A5.7.1: PLDW with Rn == 15")
    return ops.PLD_literal(ctx, info, imm12, U == 1)


def a32_pld_imm(ctx: ExecContext, info: InsnInfo, U: int, R: int, Rn: int, imm12: int) -> Op:
    """A8.8.126 PLD, PLDW (immediate) A1."""
    return ops.PLD_immediate(ctx, info, Rn, imm12, U == 1, R == 0)


def a32_pli_reg(ctx: ExecContext, info: InsnInfo, U: int, Rn: int, imm5: int, type: int, Rm: int) -> Op:
    """A8.8.130 PLI (register) A1."""
    if Rm == 15:
        raise Unpredictable("A8.8.130: m == 15")
    shift_t, shift_n = DecodeImmShift(type, imm5)
    return ops.PLI_register(ctx, info, Rn, Rm, U == 1, shift_t, shift_n)


def a32_pld_reg(ctx: ExecContext, info: InsnInfo, U: int, R: int, Rn: int, imm5: int, type: int, Rm: int) -> Op:
    """A8.8.128 PLD, PLDW (register) A1."""
    is_pldw = R == 0
    if Rm == 15 or (Rn == 15 and is_pldw):
        raise Unpredictable("A8.8.128: m == 15, or n == 15 for PLDW")
    shift_t, shift_n = DecodeImmShift(type, imm5)
    return ops.PLD_register(ctx, info, Rn, Rm, U == 1, is_pldw, shift_t, shift_n)


def a32_clrex(ctx: ExecContext, info: InsnInfo) -> Op:
    """A8.8.32 CLREX A1."""
    return ops.CLREX(ctx, info)


def a32_hint_nop(ctx: ExecContext, info: InsnInfo) -> Op:
    """A5.7.1 Unallocated memory hint (treat as NOP)."""
    return ops.memory_hint_nop(ctx, info)


ROWS: List[Item] = _WORD_BYTE + _EXTRA + _SYNC + _BLOCK

UNCOND_ROWS: List[Item] = [
    Row("PLI (immediate, literal)", "1111 0100 U:1 101 Rn:4 (1)(1)(1)(1) imm12:12", a32_pli_imm),
    Group(
        Row("PLD (literal)", "1111 0101 U:1 R:1 01 1111 (1)(1)(1)(1) imm12:12", a32_pld_lit),
        Row("PLD, PLDW (immediate)", "1111 0101 U:1 R:1 01 Rn:4 (1)(1)(1)(1) imm12:12", a32_pld_imm),
    ),
    Row("PLI (register)", "1111 0110 U:1 101 Rn:4 (1)(1)(1)(1) imm5:5 type:2 0 Rm:4", a32_pli_reg),
    Row("PLD, PLDW (register)", "1111 0111 U:1 R:1 01 Rn:4 (1)(1)(1)(1) imm5:5 type:2 0 Rm:4", a32_pld_reg),
    Row("Unallocated memory hint (op1 100x001)", "1111 0100 x001 xxxx xxxx xxxx xxxx xxxx", a32_hint_nop),
    Row("Unallocated memory hint (op1 110x001)", "1111 0110 x001 xxxx xxxx xxxx xxx0 xxxx", a32_hint_nop),
    Row("CLREX", "1111 0101 0111 (1)(1)(1)(1) (1)(1)(1)(1) (0)(0)(0)(0) 0001 (1)(1)(1)(1)", a32_clrex),
]
