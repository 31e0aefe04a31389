"""T16 rows: the 16-bit Thumb encodings (DDI 0406C A6.2).

Adapters do the manual's "Encoding T1/T2" decode and call the same operation
builders as the A32 rows.  ``setflags = !InITBlock()`` for the flag-setting
T16 forms is read from the ITSTATE in ``info.key``.

UNPREDICTABLE choices (all: UNDEFINED): IT inside an IT block, IT with
firstcond 1111 or AL with more than one instruction; conditional B, CBZ/CBNZ,
CPS, SETEND inside an IT block; a branch or PC write inside an IT block that
is not its last instruction; the register rules the manual lists per encoding.
"""

from __future__ import annotations

from typing import List

from armsim.isa.bits import DecodeImmShift, SignExtend, SRType_LSL
from armsim.isa.build import with_pc
from armsim.isa.contract import ExecContext, InsnInfo, Op, Undefined, Unpredictable, handles
from armsim.isa.decoder import Group, Item, Row
from armsim.isa.ops import alu, branch, ldst, media, mul, system, thumb
from armsim.isa.t32.common import Builder, in_it, last_or_outside_it, not_in_it

W = 16


def _row(name: str, pattern: str, builder: Builder) -> Row:
    return Row(name, pattern, builder, width=W)


# -- A6.2.1 shift (immediate), add, subtract, move, compare ------------------------------------


def _shift_imm(type_: int) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, imm5: int, Rm: int, Rd: int) -> Op:
        """A8.8.94 LSL / A8.8.96 LSR / A8.8.16 ASR (immediate), encoding T1; LSL #0 is MOVS (A8.8.103 T2)."""
        if type_ == 0 and imm5 == 0 and in_it(info):
            raise Unpredictable("A8.8.103 MOV (register) T2 inside an IT block")
        shift_t, shift_n = DecodeImmShift(type_, imm5)
        return alu.dp_register(ctx, info, "MOV", Rd, 0, Rm, shift_t, shift_n, not in_it(info))

    return build


def _addsub_reg(op: str) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, Rm: int, Rn: int, Rd: int) -> Op:
        """A8.8.6 ADD / A8.8.223 SUB (register), encoding T1."""
        return alu.dp_register(ctx, info, op, Rd, Rn, Rm, SRType_LSL, 0, not in_it(info))

    return build


def _addsub_imm3(op: str) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, imm3: int, Rn: int, Rd: int) -> Op:
        """A8.8.4 ADD / A8.8.221 SUB (immediate, Thumb), encoding T1."""
        return alu.dp_immediate(ctx, info, op, Rd, Rn, imm3, None, not in_it(info))

    return build


def _imm8(op: str) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, Rdn: int, imm8: int) -> Op:
        """A8.8.102 MOV T1, A8.8.37 CMP T1, A8.8.4 ADD T2, A8.8.221 SUB T2 (immediate)."""
        setflags = op == "CMP" or not in_it(info)
        return alu.dp_immediate(ctx, info, op, Rdn, Rdn, imm8, None, setflags)

    return build


# -- A6.2.2 data-processing -------------------------------------------------------------------

_DP_OPS = ("AND", "EOR", "LSL", "LSR", "ASR", "ADC", "SBC", "ROR",
           "TST", "RSB", "CMP", "CMN", "ORR", "MUL", "BIC", "MVN")  # fmt: skip
_SHIFTS = {"LSL": 0, "LSR": 1, "ASR": 2, "ROR": 3}


def _dp(op: str) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, Rm: int, Rdn: int) -> Op:
        """A6.2.2 data-processing, encoding T1 of each operation (setflags = !InITBlock())."""
        setflags = not in_it(info)
        if op in _SHIFTS:  # A8.8.95 LSL (register) etc.: Rdn = Rdn shifted by Rm<7:0>
            return alu.dp_register_shifted(ctx, info, "MOV", Rdn, 0, Rdn, Rm, _SHIFTS[op], setflags)
        if op == "RSB":  # A8.8.152 RSB (immediate) T1: RSBS Rd, Rn, #0
            return alu.dp_immediate(ctx, info, "RSB", Rdn, Rm, 0, None, setflags)
        if op == "MUL":  # A8.8.114 MUL T1: Rdm = Rn * Rdm
            return mul.MUL(ctx, info, Rdn, Rm, Rdn, setflags)
        if op in ("TST", "CMP", "CMN"):
            return alu.dp_register(ctx, info, op, 0, Rdn, Rm, SRType_LSL, 0, True)
        if op == "MVN":
            return alu.dp_register(ctx, info, op, Rdn, 0, Rm, SRType_LSL, 0, setflags)
        return alu.dp_register(ctx, info, op, Rdn, Rdn, Rm, SRType_LSL, 0, setflags)

    return build


# -- A6.2.3 special data instructions and branch and exchange ----------------------------------


def t16_add_hi(ctx: ExecContext, info: InsnInfo, DN: int, Rm: int, Rdn: int) -> Op:
    """A8.8.6 ADD (register) T2 / A8.8.10 ADD (SP plus register) T1, T2: no flags."""
    d = (DN << 3) | Rdn
    if d == 15 and Rm == 15:
        raise Unpredictable("A8.8.6 ADD T2: d == 15 && m == 15")
    if d != 15:
        return alu.dp_register(ctx, info, "ADD", d, d, Rm, SRType_LSL, 0, False)
    last_or_outside_it(info, "ADD PC")
    op = alu.dp_register(ctx, info, "ADD", d, d, Rm, SRType_LSL, 0, False)
    # the PC is an operand through d, not through a field build_op sees
    return handles(with_pc(op, ctx.regs, info.pcv), pc=True)


def t16_cmp_hi(ctx: ExecContext, info: InsnInfo, N: int, Rm: int, Rn: int) -> Op:
    """A8.8.38 CMP (register) T2."""
    n = (N << 3) | Rn
    if (n < 8 and Rm < 8) or n == 15 or Rm == 15:
        raise Unpredictable("A8.8.38 CMP T2: both low registers, or R15")
    return alu.dp_register(ctx, info, "CMP", 0, n, Rm, SRType_LSL, 0, True)


def t16_mov_hi(ctx: ExecContext, info: InsnInfo, D: int, Rm: int, Rd: int) -> Op:
    """A8.8.103 MOV (register, Thumb) T1: no flags; Rd == PC is a branch (ALUWritePC)."""
    d = (D << 3) | Rd
    if d == 15:
        last_or_outside_it(info, "MOV PC")
    return alu.dp_register(ctx, info, "MOV", d, 0, Rm, SRType_LSL, 0, False)


def t16_bx(ctx: ExecContext, info: InsnInfo, Rm: int) -> Op:
    """A8.8.27 BX T1."""
    last_or_outside_it(info, "BX")
    return branch.BX(ctx, info, Rm)


def t16_blx(ctx: ExecContext, info: InsnInfo, Rm: int) -> Op:
    """A8.8.26 BLX (register) T1."""
    if Rm == 15:
        raise Unpredictable("A8.8.26: m == 15")
    last_or_outside_it(info, "BLX")
    return branch.BLX_register(ctx, info, Rm)


# -- loads and stores (A6.2.4), literal loads -----------------------------------------------


def t16_ldr_lit(ctx: ExecContext, info: InsnInfo, Rt: int, imm8: int) -> Op:
    """A8.8.64 LDR (literal) T1: imm32 = imm8:'00', add."""
    return ldst.LDR_literal(ctx, info, Rt, imm8 << 2, True)


def _ls_reg(builder: Builder) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, Rm: int, Rn: int, Rt: int) -> Op:
        """A6.2.4 load/store (register), encoding T1: [Rn, Rm], no shift, no writeback."""
        return builder(ctx, info, Rt, Rn, Rm, True, True, False, SRType_LSL, 0)

    return build


def _ls_imm5(builder: Builder, scale: int) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, imm5: int, Rn: int, Rt: int) -> Op:
        """A6.2.4 load/store (immediate), encoding T1: imm32 = imm5 scaled by the access size."""
        return builder(ctx, info, Rt, Rn, imm5 << scale, True, True, False)

    return build


def _ls_sp(builder: Builder) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, Rt: int, imm8: int) -> Op:
        """A8.8.63 LDR / A8.8.204 STR (immediate) T2: [SP, #imm8:'00']."""
        return builder(ctx, info, Rt, 13, imm8 << 2, True, True, False)

    return build


def t16_adr(ctx: ExecContext, info: InsnInfo, Rd: int, imm8: int) -> Op:
    """A8.8.12 ADR T1: Rd = Align(PC, 4) + imm8:'00'."""
    return alu.dp_immediate(ctx, info, "ADD", Rd, 15, imm8 << 2, None, False)


def t16_add_sp(ctx: ExecContext, info: InsnInfo, Rd: int, imm8: int) -> Op:
    """A8.8.9 ADD (SP plus immediate) T1."""
    return alu.dp_immediate(ctx, info, "ADD", Rd, 13, imm8 << 2, None, False)


# -- A6.2.5 miscellaneous 16-bit instructions ---------------------------------------------------


def _sp_imm7(op: str) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, imm7: int) -> Op:
        """A8.8.9 ADD / A8.8.225 SUB (SP minus immediate), encoding T2 / T1."""
        return alu.dp_immediate(ctx, info, op, 13, 13, imm7 << 2, None, False)

    return build


def _cbz(nonzero: bool) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, i: int, imm5: int, Rn: int) -> Op:
        """A8.8.29 CBNZ, CBZ T1: imm32 = ZeroExtend(i:imm5:'0')."""
        not_in_it(info, "CBZ/CBNZ")
        return thumb.CBZ(ctx, info, Rn, (i << 6) | (imm5 << 1), nonzero)

    return build


def _extend(sem: Builder) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, Rm: int, Rd: int) -> Op:
        """A8.8.x SXTH, SXTB, UXTH, UXTB, REV, REV16, REVSH, encoding T1 (no rotation)."""
        if sem in (media.REV, media.REV16, media.REVSH):
            return sem(ctx, info, Rd, Rm)
        return sem(ctx, info, Rd, Rm, 0)

    return build


def t16_push(ctx: ExecContext, info: InsnInfo, M: int, register_list: int) -> Op:
    """A8.8.133 PUSH T1: registers = '0':M:'000000':register_list (STMDB SP!)."""
    registers = (M << 14) | register_list
    if registers == 0:
        raise Unpredictable("A8.8.133 PUSH: BitCount(registers) < 1")
    return ldst.STM_any(ctx, info, 13, registers, True, False, False)


def t16_pop(ctx: ExecContext, info: InsnInfo, P: int, register_list: int) -> Op:
    """A8.8.131 POP (Thumb) T1: registers = P:'0000000':register_list (LDMIA SP!)."""
    registers = (P << 15) | register_list
    if registers == 0:
        raise Unpredictable("A8.8.131 POP: BitCount(registers) < 1")
    if P:
        last_or_outside_it(info, "POP {..., PC}")
    return ldst.LDM_any(ctx, info, 13, registers, True, True, False)


def t16_stm(ctx: ExecContext, info: InsnInfo, Rn: int, register_list: int) -> Op:
    """A8.8.199 STM T1: STMIA Rn!; Rn in the list and not the lowest stores an UNKNOWN value."""
    if register_list == 0:
        raise Unpredictable("A8.8.199 STM: BitCount(registers) < 1")
    return ldst.STM_any(ctx, info, Rn, register_list, True, True, False)


def t16_ldm(ctx: ExecContext, info: InsnInfo, Rn: int, register_list: int) -> Op:
    """A8.8.58 LDM T1: wback = Rn not in the list."""
    if register_list == 0:
        raise Unpredictable("A8.8.58 LDM: BitCount(registers) < 1")
    return ldst.LDM_any(ctx, info, Rn, register_list, not (register_list >> Rn) & 1, True, False)


def t16_setend(ctx: ExecContext, info: InsnInfo, E: int) -> Op:
    """A8.8.156 SETEND T1."""
    not_in_it(info, "SETEND")
    return system.SETEND(ctx, info, E)


def t16_cps(ctx: ExecContext, info: InsnInfo, im: int, A: int, I: int, F: int) -> Op:
    """B9.3.x CPS (Thumb) T1: enable (im == 0) or disable A/I/F, no mode change."""
    not_in_it(info, "CPS")
    if A == I == F == 0:
        raise Unpredictable("B9.3 CPS T1: A:I:F == '000'")
    return system.CPS(ctx, info, im == 0, im == 1, bool(A), bool(I), bool(F), False, 0)


def t16_bkpt(ctx: ExecContext, info: InsnInfo, imm8: int) -> Op:
    """A8.8.24 BKPT T1 (unconditional even in an IT block); BKPT #0xAB is a semihosting call."""
    return system.BKPT(ctx, info, imm8, imm8 == 0xAB)


def t16_it(ctx: ExecContext, info: InsnInfo, firstcond: int, mask: int) -> Op:
    """A8.8.54 IT T1 (mask == '0000' is a hint, matched first)."""
    if firstcond == 0xF or (firstcond == 0xE and bin(mask).count("1") != 1):
        raise Unpredictable("A8.8.54 IT: firstcond == '1111' or AL with more than one instruction")
    not_in_it(info, "IT")
    return thumb.IT(ctx, info, firstcond, mask)


def _hint(sem: Builder) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, **_f: int) -> Op:
        """A6.2.5 hints (NOP, YIELD, WFE, WFI, SEV; others execute as NOPs)."""
        return sem(ctx, info)

    return build


# -- A6.2.6 conditional branch and supervisor call; A8.8.18 B T2 ------------------------------------


def t16_b_cond(ctx: ExecContext, info: InsnInfo, imm8: int) -> Op:
    """A8.8.18 B T1: imm32 = SignExtend(imm8:'0', 32); info.cond from the row's cond field."""
    not_in_it(info, "B<c> T1")
    return branch.B(ctx, info, SignExtend(imm8 << 1, 9))


def t16_b(ctx: ExecContext, info: InsnInfo, imm11: int) -> Op:
    """A8.8.18 B T2: imm32 = SignExtend(imm11:'0', 32)."""
    last_or_outside_it(info, "B")
    return branch.B(ctx, info, SignExtend(imm11 << 1, 12))


def t16_svc(ctx: ExecContext, info: InsnInfo, imm8: int) -> Op:
    """A8.8.228 SVC T1; SVC #0xAB is the Thumb-state semihosting call."""
    return system.SVC(ctx, info, imm8, imm8 == 0xAB)


def t16_udf(ctx: ExecContext, info: InsnInfo, imm8: int) -> Op:
    """A8.8.247 UDF T1: permanently UNDEFINED."""
    raise Undefined(f"UDF #{imm8} (permanently UNDEFINED)")


ROWS: List[Item] = [
    # A6.2.1
    _row("LSL (immediate)", "000 00 imm5:5 Rm:3 Rd:3", _shift_imm(0)),
    _row("LSR (immediate)", "000 01 imm5:5 Rm:3 Rd:3", _shift_imm(1)),
    _row("ASR (immediate)", "000 10 imm5:5 Rm:3 Rd:3", _shift_imm(2)),
    _row("ADD (register)", "000 1100 Rm:3 Rn:3 Rd:3", _addsub_reg("ADD")),
    _row("SUB (register)", "000 1101 Rm:3 Rn:3 Rd:3", _addsub_reg("SUB")),
    _row("ADD (immediate)", "000 1110 imm3:3 Rn:3 Rd:3", _addsub_imm3("ADD")),
    _row("SUB (immediate)", "000 1111 imm3:3 Rn:3 Rd:3", _addsub_imm3("SUB")),
    _row("MOV (immediate)", "001 00 Rdn:3 imm8:8", _imm8("MOV")),
    _row("CMP (immediate)", "001 01 Rdn:3 imm8:8", _imm8("CMP")),
    _row("ADD (immediate)", "001 10 Rdn:3 imm8:8", _imm8("ADD")),
    _row("SUB (immediate)", "001 11 Rdn:3 imm8:8", _imm8("SUB")),
    # A6.2.2
    *(_row(f"{op} (register)", f"010000 {i:04b} Rm:3 Rdn:3", _dp(op)) for i, op in enumerate(_DP_OPS)),
    # A6.2.3
    _row("ADD (register)", "010001 00 DN:1 Rm:4 Rdn:3", t16_add_hi),
    _row("CMP (register)", "010001 01 N:1 Rm:4 Rn:3", t16_cmp_hi),
    _row("MOV (register)", "010001 10 D:1 Rm:4 Rd:3", t16_mov_hi),
    _row("BX", "010001 110 Rm:4 (0)(0)(0)", t16_bx),
    _row("BLX (register)", "010001 111 Rm:4 (0)(0)(0)", t16_blx),
    _row("LDR (literal)", "01001 Rt:3 imm8:8", t16_ldr_lit),
    # A6.2.4
    _row("STR (register)", "0101 000 Rm:3 Rn:3 Rt:3", _ls_reg(ldst.STR_register)),
    _row("STRH (register)", "0101 001 Rm:3 Rn:3 Rt:3", _ls_reg(ldst.STRH_register)),
    _row("STRB (register)", "0101 010 Rm:3 Rn:3 Rt:3", _ls_reg(ldst.STRB_register)),
    _row("LDRSB (register)", "0101 011 Rm:3 Rn:3 Rt:3", _ls_reg(ldst.LDRSB_register)),
    _row("LDR (register)", "0101 100 Rm:3 Rn:3 Rt:3", _ls_reg(ldst.LDR_register)),
    _row("LDRH (register)", "0101 101 Rm:3 Rn:3 Rt:3", _ls_reg(ldst.LDRH_register)),
    _row("LDRB (register)", "0101 110 Rm:3 Rn:3 Rt:3", _ls_reg(ldst.LDRB_register)),
    _row("LDRSH (register)", "0101 111 Rm:3 Rn:3 Rt:3", _ls_reg(ldst.LDRSH_register)),
    _row("STR (immediate)", "0110 0 imm5:5 Rn:3 Rt:3", _ls_imm5(ldst.STR_immediate, 2)),
    _row("LDR (immediate)", "0110 1 imm5:5 Rn:3 Rt:3", _ls_imm5(ldst.LDR_immediate, 2)),
    _row("STRB (immediate)", "0111 0 imm5:5 Rn:3 Rt:3", _ls_imm5(ldst.STRB_immediate, 0)),
    _row("LDRB (immediate)", "0111 1 imm5:5 Rn:3 Rt:3", _ls_imm5(ldst.LDRB_immediate, 0)),
    _row("STRH (immediate)", "1000 0 imm5:5 Rn:3 Rt:3", _ls_imm5(ldst.STRH_immediate, 1)),
    _row("LDRH (immediate)", "1000 1 imm5:5 Rn:3 Rt:3", _ls_imm5(ldst.LDRH_immediate, 1)),
    _row("STR (immediate)", "1001 0 Rt:3 imm8:8", _ls_sp(ldst.STR_immediate)),
    _row("LDR (immediate)", "1001 1 Rt:3 imm8:8", _ls_sp(ldst.LDR_immediate)),
    _row("ADR", "10100 Rd:3 imm8:8", t16_adr),
    _row("ADD (SP plus immediate)", "10101 Rd:3 imm8:8", t16_add_sp),
    # A6.2.5
    _row("ADD (SP plus immediate)", "1011 0000 0 imm7:7", _sp_imm7("ADD")),
    _row("SUB (SP minus immediate)", "1011 0000 1 imm7:7", _sp_imm7("SUB")),
    _row("CBZ", "1011 0 0 i:1 1 imm5:5 Rn:3", _cbz(False)),
    _row("CBNZ", "1011 1 0 i:1 1 imm5:5 Rn:3", _cbz(True)),
    _row("SXTH", "1011 0010 00 Rm:3 Rd:3", _extend(media.SXTH)),
    _row("SXTB", "1011 0010 01 Rm:3 Rd:3", _extend(media.SXTB)),
    _row("UXTH", "1011 0010 10 Rm:3 Rd:3", _extend(media.UXTH)),
    _row("UXTB", "1011 0010 11 Rm:3 Rd:3", _extend(media.UXTB)),
    _row("PUSH", "1011 010 M:1 register_list:8", t16_push),
    _row("SETEND", "1011 0110 010 (1) E:1 (0)(0)(0)", t16_setend),
    _row("CPS", "1011 0110 011 im:1 (0) A:1 I:1 F:1", t16_cps),
    _row("REV", "1011 1010 00 Rm:3 Rd:3", _extend(media.REV)),
    _row("REV16", "1011 1010 01 Rm:3 Rd:3", _extend(media.REV16)),
    _row("REVSH", "1011 1010 11 Rm:3 Rd:3", _extend(media.REVSH)),
    _row("POP", "1011 110 P:1 register_list:8", t16_pop),
    _row("BKPT", "1011 1110 imm8:8", t16_bkpt),
    Group(
        _row("NOP", "1011 1111 0000 0000", _hint(system.NOP)),
        _row("YIELD", "1011 1111 0001 0000", _hint(system.NOP)),
        _row("WFE", "1011 1111 0010 0000", _hint(system.WFE)),
        _row("WFI", "1011 1111 0011 0000", _hint(system.WFI)),
        _row("SEV", "1011 1111 0100 0000", _hint(system.SEV)),
        # A6.2.5: other hint encodings execute as NOPs.
        _row("NOP (unallocated hint)", "1011 1111 opA:4 0000", _hint(system.NOP)),
        _row("IT", "1011 1111 firstcond:4 mask:4", t16_it),
    ),
    _row("STM", "11000 Rn:3 register_list:8", t16_stm),
    _row("LDM", "11001 Rn:3 register_list:8", t16_ldm),
    Group(
        _row("UDF", "1101 1110 imm8:8", t16_udf),
        _row("SVC", "1101 1111 imm8:8", t16_svc),
        _row("B", "1101 cond:4 imm8:8", t16_b_cond),
    ),
    _row("B", "11100 imm11:11", t16_b),
]
