"""A32 rows: data-processing (DDI 0406C A5.2.1-A5.2.3, A5.2.8, A5.2.9), MOVW, MOVT, CLZ.

Each adapter performs an encoding's "Encoding A1/A2" decode pseudocode and
calls the shared semantics in :mod:`armsim.isa.ops.alu`.  Rd == 15 with S == 1
is B9.3.20 "SUBS PC, LR and related instructions" (handled by the semantics).
Compare instructions (TST, TEQ, CMP, CMN) fix S = 1: with S = 0 the space
belongs to MOVW/MOVT, MSR (immediate) and hints, and the miscellaneous
instructions (A5.2).
"""

from __future__ import annotations

from typing import Callable, List, Optional, Tuple

from armsim.isa.bits import ARMExpandImm_C, DecodeImmShift
from armsim.isa.contract import ExecContext, InsnInfo, Op, Unpredictable
from armsim.isa.decoder import Group, Item, Row
from armsim.isa.ops import alu

Builder = Callable[..., Op]

# A5.2.1 Table A5-3 (register), A5.2.2 Table A5-4 (register-shifted register),
# A5.2.3 Table A5-5 (immediate): op<4:1> is the opcode, op<0> the S bit.
_OPCODE_BITS = {name: format(i, "04b") for i, name in enumerate(alu.A32_OPCODES)}
_COMPARES = ("TST", "TEQ", "CMP", "CMN")
_MOVES = ("MOV", "MVN")


def _expand(imm12: int) -> Tuple[int, Optional[int]]:
    """A5.2.4 ARMExpandImm_C: (imm32, carry out or None when APSR.C passes through)."""
    imm32, carry = ARMExpandImm_C(imm12, 0)
    return imm32, (carry if imm12 >> 8 else None)


# -- immediate (A5.2.3) ------------------------------------------------------


def _imm_builder(op: str) -> Builder:
    """A8.8.x "(immediate)", encoding A1: imm32 = ARMExpandImm(imm12); setflags = S == '1'."""
    if op in _COMPARES:

        def build_cmp(ctx: ExecContext, info: InsnInfo, Rn: int, imm12: int) -> Op:
            imm32, carry = _expand(imm12)
            return alu.dp_immediate(ctx, info, op, 0, Rn, imm32, carry, True)

        return build_cmp
    if op in _MOVES:

        def build_mov(ctx: ExecContext, info: InsnInfo, S: int, Rd: int, imm12: int) -> Op:
            imm32, carry = _expand(imm12)
            return alu.dp_immediate(ctx, info, op, Rd, 0, imm32, carry, S == 1)

        return build_mov

    def build(ctx: ExecContext, info: InsnInfo, S: int, Rn: int, Rd: int, imm12: int) -> Op:
        imm32, carry = _expand(imm12)
        return alu.dp_immediate(ctx, info, op, Rd, Rn, imm32, carry, S == 1)

    return build


def _adr_builder(op: str) -> Builder:
    """A8.8.12 ADR, encodings A1 (ADD) and A2 (SUB): imm32 = ARMExpandImm(imm12), from Align(PC, 4)."""

    def build(ctx: ExecContext, info: InsnInfo, Rd: int, imm12: int) -> Op:
        return alu.dp_immediate(ctx, info, op, Rd, 15, _expand(imm12)[0], None, False)

    return build


def _imm_row(op: str) -> Item:
    bits = _OPCODE_BITS[op]
    name = f"{op} (immediate)"
    if op in _COMPARES:
        return Row(name, f"cond:4 001 {bits} 1 Rn:4 (0)(0)(0)(0) imm12:12", _imm_builder(op))
    if op in _MOVES:
        return Row(name, f"cond:4 001 {bits} S:1 (0)(0)(0)(0) Rd:4 imm12:12", _imm_builder(op))
    row = Row(name, f"cond:4 001 {bits} S:1 Rn:4 Rd:4 imm12:12", _imm_builder(op))
    if op in ("ADD", "SUB"):
        # A8.8.12 ADR, encodings A1 (ADD) and A2 (SUB): Rn == '1111', S == '0'.
        adr = Row(f"ADR ({'A1' if op == 'ADD' else 'A2'})", f"cond:4 001 {bits} 0 1111 Rd:4 imm12:12", _adr_builder(op))
        return Group(adr, row)
    return row


# -- register (A5.2.1) -----------------------------------------------------------


def _reg_builder(op: str) -> Builder:
    """A8.8.x "(register)", encoding A1: (shift_t, shift_n) = DecodeImmShift(type, imm5)."""
    if op in _COMPARES:

        def build_cmp(ctx: ExecContext, info: InsnInfo, Rn: int, imm5: int, type: int, Rm: int) -> Op:
            shift_t, shift_n = DecodeImmShift(type, imm5)
            return alu.dp_register(ctx, info, op, 0, Rn, Rm, shift_t, shift_n, True)

        return build_cmp
    if op in _MOVES:

        def build_mov(ctx: ExecContext, info: InsnInfo, S: int, Rd: int, imm5: int, type: int, Rm: int) -> Op:
            shift_t, shift_n = DecodeImmShift(type, imm5)
            return alu.dp_register(ctx, info, op, Rd, 0, Rm, shift_t, shift_n, S == 1)

        return build_mov

    def build(ctx: ExecContext, info: InsnInfo, S: int, Rn: int, Rd: int, imm5: int, type: int, Rm: int) -> Op:
        shift_t, shift_n = DecodeImmShift(type, imm5)
        return alu.dp_register(ctx, info, op, Rd, Rn, Rm, shift_t, shift_n, S == 1)

    return build


def _mov_shift_builder(type: int) -> Builder:
    """A8.8.104 MOV (register, ARM) and the shift aliases, encoding A1, with ``type`` fixed by the row."""

    def build(ctx: ExecContext, info: InsnInfo, S: int, Rd: int, Rm: int, imm5: int = 0) -> Op:
        shift_t, shift_n = DecodeImmShift(type, imm5)
        return alu.dp_register(ctx, info, "MOV", Rd, 0, Rm, shift_t, shift_n, S == 1)

    return build


def _reg_rows(op: str) -> List[Item]:
    bits = _OPCODE_BITS[op]
    name = f"{op} (register)"
    if op in _COMPARES:
        return [Row(name, f"cond:4 000 {bits} 1 Rn:4 (0)(0)(0)(0) imm5:5 type:2 0 Rm:4", _reg_builder(op))]
    if op == "MOV":
        # A8.8.104 MOV (register, ARM) and its aliases (A5.2.1 Table A5-3): A8.8.94 LSL (immediate),
        # A8.8.96 LSR (immediate), A8.8.16 ASR (immediate), A8.8.149 ROR (immediate), A8.8.151 RRX.
        head = f"cond:4 000 {bits} S:1 (0)(0)(0)(0) Rd:4"
        lsl, lsr, asr, ror = (_mov_shift_builder(t) for t in range(4))
        return [
            Group(
                Row("MOV (register)", f"{head} 00000 00 0 Rm:4", lsl),
                Row("LSL (immediate)", f"{head} imm5:5 00 0 Rm:4", lsl),
            ),
            Row("LSR (immediate)", f"{head} imm5:5 01 0 Rm:4", lsr),
            Row("ASR (immediate)", f"{head} imm5:5 10 0 Rm:4", asr),
            Group(
                Row("RRX", f"{head} 00000 11 0 Rm:4", ror),
                Row("ROR (immediate)", f"{head} imm5:5 11 0 Rm:4", ror),
            ),
        ]
    if op == "MVN":
        return [Row(name, f"cond:4 000 {bits} S:1 (0)(0)(0)(0) Rd:4 imm5:5 type:2 0 Rm:4", _reg_builder(op))]
    return [Row(name, f"cond:4 000 {bits} S:1 Rn:4 Rd:4 imm5:5 type:2 0 Rm:4", _reg_builder(op))]


# -- register-shifted register (A5.2.2) ---------------------------------------------


def _rsr_builder(op: str) -> Builder:
    """A8.8.x "(register-shifted register)", encoding A1: shift_t = DecodeRegShift(type).

    UNPREDICTABLE (A8.8.3 etc.) if any of d, n, m, s is 15: we choose UNDEFINED.
    """

    def build(
        ctx: ExecContext, info: InsnInfo, Rm: int, Rs: int, type: int, S: int = 1, Rd: int = 0, Rn: int = 0
    ) -> Op:
        if Rd == 15 or Rn == 15 or Rm == 15 or Rs == 15:
            raise Unpredictable(f"{op} (register-shifted register): R15 operand")
        setflags = S == 1 or op in _COMPARES
        return alu.dp_register_shifted(ctx, info, op, Rd, Rn, Rm, Rs, type, setflags)

    return build


def _mov_rsr_builder(type: int) -> Builder:
    """A8.8.95 LSL / A8.8.97 LSR / A8.8.17 ASR / A8.8.150 ROR (register), encoding A1.

    UNPREDICTABLE if d, m or n(=Rs) is 15: we choose UNDEFINED.
    """

    def build(ctx: ExecContext, info: InsnInfo, S: int, Rd: int, Rs: int, Rm: int) -> Op:
        if Rd == 15 or Rm == 15 or Rs == 15:
            raise Unpredictable("shift (register): R15 operand")
        return alu.dp_register_shifted(ctx, info, "MOV", Rd, 0, Rm, Rs, type, S == 1)

    return build


def _rsr_rows(op: str) -> List[Item]:
    bits = _OPCODE_BITS[op]
    name = f"{op} (register-shifted register)"
    if op in _COMPARES:
        return [Row(name, f"cond:4 000 {bits} 1 Rn:4 (0)(0)(0)(0) Rs:4 0 type:2 1 Rm:4", _rsr_builder(op))]
    if op == "MOV":
        head = f"cond:4 000 {bits} S:1 (0)(0)(0)(0) Rd:4 Rs:4 0"
        return [
            Row(f"{shift} (register)", f"{head} {t:02b} 1 Rm:4", _mov_rsr_builder(t))
            for t, shift in enumerate(("LSL", "LSR", "ASR", "ROR"))
        ]
    if op == "MVN":
        return [Row(name, f"cond:4 000 {bits} S:1 (0)(0)(0)(0) Rd:4 Rs:4 0 type:2 1 Rm:4", _rsr_builder(op))]
    return [Row(name, f"cond:4 000 {bits} S:1 Rn:4 Rd:4 Rs:4 0 type:2 1 Rm:4", _rsr_builder(op))]


# -- MOVW, MOVT (A5.2: op = 1, op1 = 10000 / 10100), CLZ (A5.2.12 miscellaneous) ----------


def _movw(ctx: ExecContext, info: InsnInfo, imm4: int, Rd: int, imm12: int) -> Op:
    """A8.8.102 MOV (immediate), encoding A2 (MOVW): imm32 = ZeroExtend(imm4:imm12).

    UNPREDICTABLE if d == 15: we choose UNDEFINED.
    """
    if Rd == 15:
        raise Unpredictable("A8.8.102: MOVW with Rd == 15")
    return alu.dp_immediate(ctx, info, "MOV", Rd, 0, (imm4 << 12) | imm12, None, False)


def _movt(ctx: ExecContext, info: InsnInfo, imm4: int, Rd: int, imm12: int) -> Op:
    """A8.8.106 MOVT, encoding A1.  UNPREDICTABLE if d == 15: we choose UNDEFINED."""
    if Rd == 15:
        raise Unpredictable("A8.8.106: MOVT with Rd == 15")
    return alu.MOVT(ctx, info, Rd, (imm4 << 12) | imm12)


def _clz(ctx: ExecContext, info: InsnInfo, Rd: int, Rm: int) -> Op:
    """A8.8.33 CLZ, encoding A1.  UNPREDICTABLE if d or m is 15: we choose UNDEFINED."""
    if Rd == 15 or Rm == 15:
        raise Unpredictable("A8.8.33: CLZ with R15")
    return alu.CLZ(ctx, info, Rd, Rm)


ROWS: List[Item] = [
    *(_imm_row(op) for op in alu.A32_OPCODES),
    *(row for op in alu.A32_OPCODES for row in _reg_rows(op)),
    *(row for op in alu.A32_OPCODES for row in _rsr_rows(op)),
    Row("MOVW", "cond:4 00110000 imm4:4 Rd:4 imm12:12", _movw),
    Row("MOVT", "cond:4 00110100 imm4:4 Rd:4 imm12:12", _movt),
    Row("CLZ", "cond:4 00010110 (1)(1)(1)(1) Rd:4 (1)(1)(1)(1) 0001 Rm:4", _clz),
]
UNCOND_ROWS: List[Item] = []
