"""T32 rows: branches and miscellaneous control (DDI 0406C A6.3.4), SRS/RFE (A6.3.5) and the
coprocessor space (A6.3.18), on the builders A32 uses (branch, system, coproc).

UNPREDICTABLE choices (all: UNDEFINED): a conditional B (T3) inside an IT
block; B, BL, BLX, BXJ, SUBS PC, LR / ERET inside an IT block unless last;
CPS inside an IT block; MSR/MRS with R13/R15; the CPS field combinations the
manual calls UNPREDICTABLE.
"""

from __future__ import annotations

from typing import List

from armsim.cpu.modes import VALID_MODES, Mode
from armsim.isa.a32 import coproc as a32c
from armsim.isa.a32 import system as a32s
from armsim.isa.bits import SignExtend
from armsim.isa.contract import ExecContext, InsnInfo, Op, Undefined, Unpredictable
from armsim.isa.decoder import Group, Item, Row
from armsim.isa.ops import alu, branch, ldst
from armsim.isa.ops import system as ops
from armsim.isa.t32.common import Builder, drop, last_or_outside_it, no_pc_sp, not_in_it


def _i12(S: int, J1: int, J2: int) -> int:
    """I1:I2 = NOT(J1 EOR S):NOT(J2 EOR S) (A8.8.18 B T4, A8.8.25 BL T1)."""
    return ((1 ^ J1 ^ S) << 1) | (1 ^ J2 ^ S)


def t32_b_cond(ctx: ExecContext, info: InsnInfo, S: int, imm6: int, J1: int, J2: int, imm11: int) -> Op:
    """A8.8.18 B T3: imm32 = SignExtend(S:J2:J1:imm6:imm11:'0', 32)."""
    if info.cond >= 14:
        raise Undefined("A6.3.4: B T3 space with cond == '111x'")
    not_in_it(info, "B<c> T3")
    imm = (S << 20) | (J2 << 19) | (J1 << 18) | (imm6 << 12) | (imm11 << 1)
    return branch.B(ctx, info, SignExtend(imm, 21))


def t32_b(ctx: ExecContext, info: InsnInfo, S: int, imm10: int, J1: int, J2: int, imm11: int) -> Op:
    """A8.8.18 B T4: imm32 = SignExtend(S:I1:I2:imm10:imm11:'0', 32)."""
    last_or_outside_it(info, "B.W")
    imm = (S << 24) | (_i12(S, J1, J2) << 22) | (imm10 << 12) | (imm11 << 1)
    return branch.B(ctx, info, SignExtend(imm, 25))


def t32_bl(ctx: ExecContext, info: InsnInfo, S: int, imm10: int, J1: int, J2: int, imm11: int) -> Op:
    """A8.8.25 BL T1: targetInstrSet = Thumb."""
    last_or_outside_it(info, "BL")
    imm = (S << 24) | (_i12(S, J1, J2) << 22) | (imm10 << 12) | (imm11 << 1)
    return branch.BL_immediate(ctx, info, SignExtend(imm, 25), True)


def t32_blx(ctx: ExecContext, info: InsnInfo, S: int, imm10H: int, J1: int, J2: int, imm10L: int, H: int) -> Op:
    """A8.8.25 BLX (immediate) T2: imm32 = SignExtend(S:I1:I2:imm10H:imm10L:'00', 32), to ARM."""
    if H:
        raise Undefined("A8.8.25 BLX (immediate) T2: H == '1'")
    last_or_outside_it(info, "BLX")
    imm = (S << 24) | (_i12(S, J1, J2) << 22) | (imm10H << 12) | (imm10L << 2)
    return branch.BL_immediate(ctx, info, SignExtend(imm, 25), False)


def t32_msr(ctx: ExecContext, info: InsnInfo, R: int, Rn: int, mask: int) -> Op:
    """B9.3.12 MSR (register) T1 (A8.8.112 for APSR)."""
    no_pc_sp("MSR (register)", Rn)
    return a32s.a32_msr_reg(ctx, info, R, mask, Rn)


def t32_msr_banked(ctx: ExecContext, info: InsnInfo, R: int, Rn: int, M1: int, M: int) -> Op:
    """B9.3.11 MSR (Banked register) T1."""
    no_pc_sp("MSR (Banked register)", Rn)
    return a32s.a32_msr_banked(ctx, info, R, M1, M, Rn)


def t32_mrs(ctx: ExecContext, info: InsnInfo, R: int, Rd: int) -> Op:
    """B9.3.9 MRS T1 (A8.8.109 for APSR)."""
    no_pc_sp("MRS", Rd)
    return a32s.a32_mrs(ctx, info, R, Rd)


def t32_mrs_banked(ctx: ExecContext, info: InsnInfo, R: int, M1: int, Rd: int, M: int) -> Op:
    """B9.3.10 MRS (Banked register) T1."""
    no_pc_sp("MRS (Banked register)", Rd)
    return a32s.a32_mrs_banked(ctx, info, R, M1, Rd, M)


def t32_cps(ctx: ExecContext, info: InsnInfo, imod: int, M: int, A: int, I: int, F: int, mode: int) -> Op:
    """B9.3.2 CPS (Thumb) T2 (the field rules are those of encoding A1)."""
    not_in_it(info, "CPS")
    return a32s.a32_cps(ctx, info, imod, M, A, I, F, mode)


def t32_bxj(ctx: ExecContext, info: InsnInfo, Rm: int) -> Op:
    """A8.8.28 BXJ T1."""
    no_pc_sp("A8.8.28 BXJ", Rm)
    last_or_outside_it(info, "BXJ")
    return branch.BXJ(ctx, info, Rm)


def t32_subs_pc_lr(ctx: ExecContext, info: InsnInfo, imm8: int) -> Op:
    """B9.3.19 SUBS PC, LR, #imm8 T1; imm8 == 0 is also B9.3.3 ERET T1 (the same encoding)."""
    last_or_outside_it(info, "SUBS PC, LR")
    if imm8 == 0:
        return ops.ERET(ctx, info)
    return alu.dp_immediate(ctx, info, "SUB", 15, 14, imm8, None, True)


def t32_hvc(ctx: ExecContext, info: InsnInfo, imm4: int, imm12: int) -> Op:
    """B9.3.4 HVC T1: imm16 = imm4:imm12; UNPREDICTABLE in an IT block."""
    not_in_it(info, "HVC")
    return ops.HVC(ctx, info, (imm4 << 12) | imm12)


def t32_smc(ctx: ExecContext, info: InsnInfo, imm4: int) -> Op:
    """B9.3.14 SMC T1."""
    last_or_outside_it(info, "SMC")
    return ops.SMC(ctx, info, imm4)


def t32_udf(ctx: ExecContext, info: InsnInfo, imm4: int, imm12: int) -> Op:
    """A8.8.247 UDF T2: permanently UNDEFINED."""
    raise Undefined(f"UDF.W #{(imm4 << 12) | imm12:#x} (permanently UNDEFINED)")


def t32_srs(ctx: ExecContext, info: InsnInfo, W: int, mode: int, increment: bool) -> Op:
    """B9.3.18 SRS (Thumb) T1 (DB) / T2 (IA)."""
    if mode not in VALID_MODES or mode == Mode.HYP:
        raise Unpredictable(f"B9.3 SRS: mode {mode:#04x}")
    return ops.SRS(ctx, info, mode, increment, False, W == 1)


def t32_rfe(ctx: ExecContext, info: InsnInfo, W: int, Rn: int, increment: bool) -> Op:
    """B9.3.13 RFE T1 (DB) / T2 (IA)."""
    if Rn == 15:
        raise Unpredictable("B9.3 RFE: n == 15")
    last_or_outside_it(info, "RFE")
    return ops.RFE(ctx, info, Rn, increment, False, W == 1)


def _srs(increment: bool) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, W: int, mode: int) -> Op:
        return t32_srs(ctx, info, W, mode, increment)

    return build


def _rfe(increment: bool) -> Builder:
    def build(ctx: ExecContext, info: InsnInfo, W: int, Rn: int) -> Op:
        return t32_rfe(ctx, info, W, Rn, increment)

    return build


def _coproc_rows() -> List[Item]:
    rows: List[Item] = []
    for prefix, suffix in (("1110", ""), ("1111", "2")):
        for item in a32c._class(prefix, suffix):
            rows.append(item)
    return rows


_H = "11110 0 111"
_HINT = f"{_H} 01 0 (1)(1)(1)(1) 10 (0) 0 (0) 000"
_MISC = f"{_H} 01 1 (1)(1)(1)(1) 10 (0) 0 (1)(1)(1)(1)"

ROWS: List[Item] = [
    Group(
        Row("MSR (register)", f"{_H} 00 R:1 Rn:4 10 (0) 0 mask:4 (0)(0) 0 (0)(0)(0)(0)(0)", t32_msr),
        Row("MSR (Banked register)", f"{_H} 00 R:1 Rn:4 10 (0) 0 M1:4 (0)(0) 1 M:1 (0)(0)(0)(0)", t32_msr_banked),
        Row("NOP", f"{_HINT} 00000000", drop(ops.NOP)),
        Row("YIELD", f"{_HINT} 00000001", drop(ops.NOP)),
        Row("WFE", f"{_HINT} 00000010", drop(ops.WFE)),
        Row("WFI", f"{_HINT} 00000011", drop(ops.WFI)),
        Row("SEV", f"{_HINT} 00000100", drop(ops.SEV)),
        Row("DBG", f"{_HINT} 1111 option:4", drop(ops.NOP)),
        Row("NOP (unallocated hint)", f"{_HINT} op2:8", drop(ops.NOP)),
        Row("CPS", f"{_H} 01 0 (1)(1)(1)(1) 10 (0) 0 (0) imod:2 M:1 A:1 I:1 F:1 mode:5", t32_cps),
        Row("CLREX", f"{_MISC} 0010 (1)(1)(1)(1)", lambda ctx, info: ldst.CLREX(ctx, info)),
        Row("DSB", f"{_MISC} 0100 option:4", drop(ops.NOP)),
        Row("DMB", f"{_MISC} 0101 option:4", drop(ops.NOP)),
        Row("ISB", f"{_MISC} 0110 option:4", drop(ops.NOP)),
        Row("BXJ", f"{_H} 10 0 Rm:4 10 (0) 0 (1)(1)(1)(1) (0)(0)(0)(0)(0)(0)(0)(0)", t32_bxj),
        Row("SUBS PC, LR and related instructions (ERET)",
            f"{_H} 10 1 (1)(1)(1)(0) 10 (0) 0 (1)(1)(1)(1) imm8:8", t32_subs_pc_lr),
        Row("MRS", f"{_H} 11 R:1 (1)(1)(1)(1) 10 (0) 0 Rd:4 (0)(0) 0 (0)(0)(0)(0)(0)", t32_mrs),
        Row("MRS (Banked register)", f"{_H} 11 R:1 M1:4 10 (0) 0 Rd:4 (0)(0) 1 M:1 (0)(0)(0)(0)", t32_mrs_banked),
        Row("HVC", "11110 1111110 imm4:4 1000 imm12:12", t32_hvc),
        Row("SMC", "11110 1111111 imm4:4 1000 (0)(0)(0)(0) (0)(0)(0)(0) (0)(0)(0)(0)", t32_smc),
        Row("UDF", "11110 1111111 imm4:4 1010 imm12:12", t32_udf),
        Row("B", "11110 S:1 cond:4 imm6:6 10 J1:1 0 J2:1 imm11:11", t32_b_cond),
    ),
    Row("B", "11110 S:1 imm10:10 10 J1:1 1 J2:1 imm11:11", t32_b),
    Row("BL", "11110 S:1 imm10:10 11 J1:1 1 J2:1 imm11:11", t32_bl),
    Row("BLX (immediate)", "11110 S:1 imm10H:10 11 J1:1 0 J2:1 imm10L:10 H:1", t32_blx),
    # A6.3.5: SRS and RFE (op = 00 / 11).
    Row("SRS", "1110100 000 W:1 0 (1)(1)(0)(1) (1)(1)(0)(0)(0)(0)(0)(0)(0)(0)(0) mode:5", _srs(False)),
    Row("SRS", "1110100 110 W:1 0 (1)(1)(0)(1) (1)(1)(0)(0)(0)(0)(0)(0)(0)(0)(0) mode:5", _srs(True)),
    Row("RFE", "1110100 000 W:1 1 Rn:4 (1)(1)(0)(0)(0)(0)(0)(0)(0)(0)(0)(0)(0)(0)(0)(0)", _rfe(False)),
    Row("RFE", "1110100 110 W:1 1 Rn:4 (1)(1)(0)(0)(0)(0)(0)(0)(0)(0)(0)(0)(0)(0)(0)(0)", _rfe(True)),
    *_coproc_rows(),
]
