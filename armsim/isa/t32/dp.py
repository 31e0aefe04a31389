"""T32 rows: data-processing (DDI 0406C A6.3.1 modified immediate, A6.3.3 plain binary
immediate, A6.3.11 shifted register), reaching the shared builders of
:mod:`armsim.isa.ops.alu` exactly as the A32 rows do.

UNPREDICTABLE choices (all: UNDEFINED): the register rules of each encoding
("d == 13 || (d == 15 && S == '0') || n == 15 ...", with the SP forms of ADD and
SUB allowed), as the manual lists them per instruction.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from armsim.isa.bits import DecodeImmShift, ThumbExpandImm_C
from armsim.isa.contract import ExecContext, InsnInfo, Op, Unpredictable
from armsim.isa.decoder import Group, Item, Row
from armsim.isa.ops import alu, media
from armsim.isa.t32.common import Builder, no_pc_sp

# A6.3.1 Table A6-13 / A6.3.11 Table A6-22: op -> operation (with its Rd/Rn == 1111 alias).
_OPS: Tuple[Tuple[int, str, Optional[str]], ...] = (
    (0b0000, "AND", "TST"), (0b0001, "BIC", None), (0b0010, "ORR", "MOV"), (0b0011, "ORN", "MVN"),
    (0b0100, "EOR", "TEQ"), (0b1000, "ADD", "CMN"), (0b1010, "ADC", None), (0b1011, "SBC", None),
    (0b1101, "SUB", "CMP"), (0b1110, "RSB", None),
)  # fmt: skip


def _expand(i: int, imm3: int, imm8: int) -> Tuple[int, Optional[int]]:
    """A6.3.2 ThumbExpandImm_C: (imm32, carry out or None when APSR.C passes through)."""
    imm12 = (i << 11) | (imm3 << 8) | imm8
    try:
        imm32, carry = ThumbExpandImm_C(imm12, 0)
    except ValueError:
        # UNPREDICTABLE (A6.3.2, imm12 = 00xx 0000 0000 with xx != 00): we choose UNDEFINED.
        raise Unpredictable("A6.3.2: ThumbExpandImm with a zero imm8 in a replicated pattern") from None
    return imm32, (carry if imm12 >> 10 else None)


def _check(op: str, d: int, n: int, m: Optional[int] = None) -> None:
    """The per-encoding register rules of the T32 data-processing forms (A8.8.x, encodings T1-T3)."""
    if op in ("TST", "TEQ", "CMN", "CMP"):
        if n == 15 or (op in ("TST", "TEQ") and n == 13):
            raise Unpredictable(f"{op} (T32): n == 15")
    elif op in ("MOV", "MVN"):
        if d in (13, 15) and not (op == "MOV" and m is not None):
            raise Unpredictable(f"{op} (T32): d IN {{13,15}}")
    elif op in ("ADD", "SUB") and n == 13:
        if d == 15:
            raise Unpredictable(f"{op} (SP) (T32): d == 15")
    elif d in (13, 15) or n in (13, 15):
        raise Unpredictable(f"{op} (T32): d or n IN {{13,15}}")
    if m is not None and m in (13, 15) and op != "MOV":
        raise Unpredictable(f"{op} (T32): m IN {{13,15}}")


def _imm(op: str) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, i: int, imm3: int, imm8: int, S: int = 1, Rn: int = 0,
              Rd: int = 0) -> Op:
        """A8.8.x "(immediate)", encoding T1/T2/T3: imm32 = ThumbExpandImm_C(i:imm3:imm8, APSR.C)."""
        _check(op, Rd, Rn)
        imm32, carry = _expand(i, imm3, imm8)
        return alu.dp_immediate(ctx, info, op, Rd, Rn, imm32, carry, S == 1)

    return build


def _reg(op: str) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, imm3: int, imm2: int, type: int, Rm: int, S: int = 1, Rn: int = 0,
              Rd: int = 0) -> Op:
        """A8.8.x "(register)", encoding T2/T3: (shift_t, shift_n) = DecodeImmShift(type, imm3:imm2)."""
        _check(op, Rd, Rn, Rm)
        shift_t, shift_n = DecodeImmShift(type, (imm3 << 2) | imm2)
        if op == "MOV":
            if S and (Rd in (13, 15) or Rm in (13, 15)):
                raise Unpredictable("A8.8.104 MOV.W: R13/R15 with S")
            if Rd == 15 or Rm == 15 or (Rd == 13 and Rm == 13) or (shift_n and (Rd == 13 or Rm == 13)):
                raise Unpredictable("A8.8.104 MOV.W / shift (immediate): R13/R15")
        return alu.dp_register(ctx, info, op, Rd, Rn, Rm, shift_t, shift_n, S == 1)

    return build


def _imm_rows(code: int, op: str, alias: Optional[str]) -> List[Item]:
    head = f"11110 i:1 0 {code:04b}"
    tail = "0 imm3:3 Rd:4 imm8:8"
    main = Row(f"{op} (immediate)", f"{head} S:1 Rn:4 {tail}", _imm(op))
    if alias in ("TST", "TEQ", "CMN", "CMP"):
        return [Group(Row(f"{alias} (immediate)", f"{head} 1 Rn:4 0 imm3:3 1111 imm8:8", _imm(alias)), main)]
    if alias in ("MOV", "MVN"):
        return [Group(Row(f"{alias} (immediate)", f"{head} S:1 1111 {tail}", _imm(alias)), main)]
    return [main]


def _reg_rows(code: int, op: str, alias: Optional[str]) -> List[Item]:
    head = f"1110101 {code:04b}"
    tail = "(0) imm3:3 Rd:4 imm2:2 type:2 Rm:4"
    main = Row(f"{op} (register)", f"{head} S:1 Rn:4 {tail}", _reg(op))
    if alias in ("TST", "TEQ", "CMN", "CMP"):
        cmp_ = Row(f"{alias} (register)", f"{head} 1 Rn:4 (0) imm3:3 1111 imm2:2 type:2 Rm:4", _reg(alias))
        return [Group(cmp_, main)]
    if alias in ("MOV", "MVN"):
        return [Group(Row(f"{alias} (register)", f"{head} S:1 1111 {tail}", _reg(alias)), main)]
    return [main]


def t32_pkh(ctx: ExecContext, info: InsnInfo, S: int, Rn: int, imm3: int, Rd: int, imm2: int, tb: int, Rm: int) -> Op:
    """A8.8.125 PKHBT, PKHTB, encoding T1 (S == 1 or T == 1 UNDEFINED... tb selects the form)."""
    if S:
        raise Unpredictable("A8.8.125 PKH T1: S == '1'")
    no_pc_sp("A8.8.125", Rd, Rn, Rm)
    shift_t, shift_n = DecodeImmShift(tb << 1, (imm3 << 2) | imm2)
    return media.PKH(ctx, info, Rd, Rn, Rm, tb == 1, shift_t, shift_n)


# -- A6.3.3 plain binary immediate -------------------------------------------------------------


def t32_addw(op: str) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, i: int, Rn: int, imm3: int, Rd: int, imm8: int) -> Op:
        """A8.8.4 ADD / A8.8.221 SUB (immediate) T4, A8.8.9/A8.8.225 (SP) T4/T3, A8.8.12 ADR T2/T3."""
        imm32 = (i << 11) | (imm3 << 8) | imm8
        if Rd == 15 or (Rd == 13 and Rn != 13):
            raise Unpredictable(f"{op}W: d IN {{13,15}}")
        return alu.dp_immediate(ctx, info, op, Rd, Rn, imm32, None, False)

    return build


def t32_movw(ctx: ExecContext, info: InsnInfo, i: int, imm4: int, imm3: int, Rd: int, imm8: int) -> Op:
    """A8.8.102 MOV (immediate) T3 (MOVW): imm32 = ZeroExtend(imm4:i:imm3:imm8)."""
    no_pc_sp("A8.8.102 MOVW", Rd)
    return alu.dp_immediate(ctx, info, "MOV", Rd, 0, (imm4 << 12) | (i << 11) | (imm3 << 8) | imm8, None, False)


def t32_movt(ctx: ExecContext, info: InsnInfo, i: int, imm4: int, imm3: int, Rd: int, imm8: int) -> Op:
    """A8.8.106 MOVT T1."""
    no_pc_sp("A8.8.106 MOVT", Rd)
    return alu.MOVT(ctx, info, Rd, (imm4 << 12) | (i << 11) | (imm3 << 8) | imm8)


def _sat(signed: bool) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, sh: int, Rn: int, imm3: int, Rd: int, imm2: int,
              sat_imm: int) -> Op:
        """A8.8.179 SSAT / A8.8.258 USAT T1: (shift_t, shift_n) = DecodeImmShift(sh:'0', imm3:imm2)."""
        no_pc_sp("SSAT/USAT", Rd, Rn)
        shift_t, shift_n = DecodeImmShift(sh << 1, (imm3 << 2) | imm2)
        if signed:
            return media.SSAT(ctx, info, Rd, Rn, sat_imm + 1, shift_t, shift_n)
        return media.USAT(ctx, info, Rd, Rn, sat_imm, shift_t, shift_n)

    return build


def _sat16(signed: bool) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, Rn: int, Rd: int, sat_imm: int) -> Op:
        """A8.8.180 SSAT16 / A8.8.259 USAT16 T1."""
        no_pc_sp("SSAT16/USAT16", Rd, Rn)
        if signed:
            return media.SSAT16(ctx, info, Rd, Rn, sat_imm + 1)
        return media.USAT16(ctx, info, Rd, Rn, sat_imm)

    return build


def _bfx(signed: bool) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, Rn: int, imm3: int, Rd: int, imm2: int, widthm1: int) -> Op:
        """A8.8.164 SBFX / A8.8.246 UBFX T1: lsbit = imm3:imm2."""
        no_pc_sp("SBFX/UBFX", Rd, Rn)
        lsb = (imm3 << 2) | imm2
        if lsb + widthm1 > 31:
            raise Unpredictable("SBFX/UBFX: msbit > 31")
        sem = media.SBFX if signed else media.UBFX
        return sem(ctx, info, Rd, Rn, lsb, widthm1)

    return build


def t32_bfc(ctx: ExecContext, info: InsnInfo, imm3: int, Rd: int, imm2: int, msb: int) -> Op:
    """A8.8.19 BFC T1."""
    no_pc_sp("A8.8.19 BFC", Rd)
    lsb = (imm3 << 2) | imm2
    if msb < lsb:
        raise Unpredictable("A8.8.19 BFC: msbit < lsbit")
    return media.BFC(ctx, info, Rd, msb, lsb)


def t32_bfi(ctx: ExecContext, info: InsnInfo, Rn: int, imm3: int, Rd: int, imm2: int, msb: int) -> Op:
    """A8.8.20 BFI T1."""
    no_pc_sp("A8.8.20 BFI", Rd, Rn)
    lsb = (imm3 << 2) | imm2
    if msb < lsb:
        raise Unpredictable("A8.8.20 BFI: msbit < lsbit")
    return media.BFI(ctx, info, Rd, Rn, msb, lsb)


_PB = "11110 (0) 1"
_PB_TAIL = "0 imm3:3 Rd:4 imm2:2 (0)"

ROWS: List[Item] = [
    *(r for code, op, alias in _OPS for r in _imm_rows(code, op, alias)),
    *(r for code, op, alias in _OPS for r in _reg_rows(code, op, alias)),
    Row("PKHBT, PKHTB", "1110101 0110 S:1 Rn:4 (0) imm3:3 Rd:4 imm2:2 tb:1 0 Rm:4", t32_pkh),
    # A6.3.3
    Row("ADDW", "11110 i:1 1 0000 0 Rn:4 0 imm3:3 Rd:4 imm8:8", t32_addw("ADD")),
    Row("SUBW", "11110 i:1 1 0101 0 Rn:4 0 imm3:3 Rd:4 imm8:8", t32_addw("SUB")),
    Row("MOVW", "11110 i:1 1 0010 0 imm4:4 0 imm3:3 Rd:4 imm8:8", t32_movw),
    Row("MOVT", "11110 i:1 1 0110 0 imm4:4 0 imm3:3 Rd:4 imm8:8", t32_movt),
    Group(
        Row("SSAT16", f"{_PB} 1001 0 Rn:4 0 000 Rd:4 00 (0)(0) sat_imm:4", _sat16(True)),
        Row("SSAT", f"{_PB} 100 sh:1 0 Rn:4 {_PB_TAIL} sat_imm:5", _sat(True)),
    ),
    Group(
        Row("USAT16", f"{_PB} 1101 0 Rn:4 0 000 Rd:4 00 (0)(0) sat_imm:4", _sat16(False)),
        Row("USAT", f"{_PB} 110 sh:1 0 Rn:4 {_PB_TAIL} sat_imm:5", _sat(False)),
    ),
    Row("SBFX", f"{_PB} 1010 0 Rn:4 {_PB_TAIL} widthm1:5", _bfx(True)),
    Row("UBFX", f"{_PB} 1110 0 Rn:4 {_PB_TAIL} widthm1:5", _bfx(False)),
    Group(
        Row("BFC", f"{_PB} 1011 0 1111 {_PB_TAIL} msb:5", t32_bfc),
        Row("BFI", f"{_PB} 1011 0 Rn:4 {_PB_TAIL} msb:5", t32_bfi),
    ),
]

