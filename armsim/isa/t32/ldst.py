"""T32 rows: loads and stores (DDI 0406C A6.3.5 multiple, A6.3.6 dual/exclusive/table branch,
A6.3.7-A6.3.10 single, with the memory hints), reaching the builders of
:mod:`armsim.isa.ops.ldst` with the A32 argument shapes.

UNPREDICTABLE choices (all: UNDEFINED): the register rules per encoding
(R13/R15 where the manual forbids them, writeback with n == t, lists of fewer
than two registers for LDM/STM.W, PC and LR both in an LDM list, a PC load
inside an IT block that is not its last instruction).
"""

from __future__ import annotations

from typing import Callable, List

from armsim.isa.bits import SRType_LSL
from armsim.isa.contract import ExecContext, InsnInfo, Op, Undefined, Unpredictable
from armsim.isa.decoder import Group, Item, Row
from armsim.isa.ops import ldst, thumb
from armsim.isa.t32.common import fixed, last_or_outside_it, no_pc_sp

# name -> (immediate builder, register builder, literal builder or None, unprivileged builder, load?)
_SINGLE = {
    "LDR": (ldst.LDR_immediate, ldst.LDR_register, ldst.LDR_literal, ldst.LDRT_immediate, True),
    "LDRB": (ldst.LDRB_immediate, ldst.LDRB_register, ldst.LDRB_literal, ldst.LDRBT_immediate, True),
    "LDRH": (ldst.LDRH_immediate, ldst.LDRH_register, ldst.LDRH_literal, ldst.LDRHT_immediate, True),
    "LDRSB": (ldst.LDRSB_immediate, ldst.LDRSB_register, ldst.LDRSB_literal, ldst.LDRSBT_immediate, True),
    "LDRSH": (ldst.LDRSH_immediate, ldst.LDRSH_register, ldst.LDRSH_literal, ldst.LDRSHT_immediate, True),
    "STR": (ldst.STR_immediate, ldst.STR_register, None, ldst.STRT_immediate, False),
    "STRB": (ldst.STRB_immediate, ldst.STRB_register, None, ldst.STRBT_immediate, False),
    "STRH": (ldst.STRH_immediate, ldst.STRH_register, None, ldst.STRHT_immediate, False),
}


def _check_t(name: str, info: InsnInfo, t: int, load: bool) -> None:
    if t == 15:
        if name != "LDR":
            raise Unpredictable(f"{name} (T32): t == 15")
        last_or_outside_it(info, "LDR PC")
    elif t == 13 and name not in ("LDR", "STR"):
        raise Unpredictable(f"{name} (T32): t == 13")


def _imm12(name: str) -> Callable[..., Op]:
    imm, _reg, _lit, _unp, load = _SINGLE[name]

    def build(ctx: ExecContext, info: InsnInfo, Rn: int, Rt: int, imm12: int) -> Op:
        """A8.8.x (immediate, Thumb), encoding T2/T3: [Rn, #imm12]."""
        _check_t(name, info, Rt, load)
        return imm(ctx, info, Rt, Rn, imm12, True, True, False)

    return build


def _imm8(name: str) -> Callable[..., Op]:
    imm, _reg, _lit, _unp, load = _SINGLE[name]

    def build(ctx: ExecContext, info: InsnInfo, Rn: int, Rt: int, P: int, U: int, W: int, imm8: int) -> Op:
        """A8.8.x (immediate, Thumb), encoding T3/T4: index = P, add = U, wback = W."""
        if P == 0 and W == 0:
            raise Undefined(f"{name} T4: P == W == 0")
        _check_t(name, info, Rt, load)
        if W and Rn == Rt:
            raise Unpredictable(f"{name}: wback && n == t")
        return imm(ctx, info, Rt, Rn, imm8, P == 1, U == 1, W == 1)

    return build


def _unpriv(name: str) -> Callable[..., Op]:
    _imm, _reg, _lit, unp, _load = _SINGLE[name]

    def build(ctx: ExecContext, info: InsnInfo, Rn: int, Rt: int, imm8: int) -> Op:
        """A8.8.x LDRT/STRT family, encoding T1: [Rn, #imm8], unprivileged."""
        no_pc_sp(f"{name}T", Rt)
        return unp(ctx, info, Rt, Rn, imm8, True, True, False)

    return build


def _register(name: str) -> Callable[..., Op]:
    _imm, reg, _lit, _unp, load = _SINGLE[name]

    def build(ctx: ExecContext, info: InsnInfo, Rn: int, Rt: int, imm2: int, Rm: int) -> Op:
        """A8.8.x (register), encoding T2: [Rn, Rm, LSL #imm2]."""
        _check_t(name, info, Rt, load)
        no_pc_sp(f"{name} (register)", Rm)
        return reg(ctx, info, Rt, Rn, Rm, True, True, False, SRType_LSL, imm2)

    return build


def _literal(name: str) -> Callable[..., Op]:
    lit = _SINGLE[name][2]
    assert lit is not None

    def build(ctx: ExecContext, info: InsnInfo, U: int, Rt: int, imm12: int) -> Op:
        """A8.8.x (literal), encoding T1/T2: Align(PC, 4) +/- imm12."""
        _check_t(name, info, Rt, True)
        if Rt == 15:
            base = info.pcv & ~3
            address = (base + imm12 if U else base - imm12) & 0xFFFFFFFF
            if address & 3:
                # UNPREDICTABLE (A8.8.64 LoadWritePC, address<1:0> != '00'): we choose UNDEFINED.
                raise Unpredictable("A8.8.64 LDR PC (literal): address not word-aligned")
        return lit(ctx, info, Rt, imm12, U == 1)

    return build


def _hint(ctx: ExecContext, info: InsnInfo, **_f: int) -> Op:
    """A8.8.126-A8.8.130 PLD, PLDW, PLI and the unallocated memory hints (A6.3.8, A6.3.9): NOPs."""
    return ldst.memory_hint_nop(ctx, info)


def _unpredictable_hint(ctx: ExecContext, info: InsnInfo, **_f: int) -> Op:
    raise Unpredictable("A6.3.8: load halfword with Rt == '1111' (writeback or unprivileged)")


def _undefined_hint(ctx: ExecContext, info: InsnInfo, **_f: int) -> Op:
    raise Undefined("A6.3.8 Table A6-19: an unallocated op2 of load halfword with Rt == '1111'")


def _load_rows(name: str, size_bits: str, signed: int) -> List[Row]:
    """One load's rows (A6.3.7-A6.3.9): literal first (Rn == 1111), then the forms."""
    h = f"1111100 {signed}"
    return [
        Row(f"{name} (literal)", f"11111 00 {signed} U:1 {size_bits} 1 1111 Rt:4 imm12:12", _literal(name)),
        Row(f"{name} (immediate)", f"{h} 1 {size_bits} 1 Rn:4 Rt:4 imm12:12", _imm12(name)),
        Row(f"{name}T", f"{h} 0 {size_bits} 1 Rn:4 Rt:4 1110 imm8:8", _unpriv(name)),
        Row(f"{name} (immediate)", f"{h} 0 {size_bits} 1 Rn:4 Rt:4 1 P:1 U:1 W:1 imm8:8", _imm8(name)),
        Row(f"{name} (register)", f"{h} 0 {size_bits} 1 Rn:4 Rt:4 0 00000 imm2:2 Rm:4", _register(name)),
    ]


def _store_rows(name: str, size_bits: str) -> List[Row]:
    return [
        Row(f"{name} (immediate)", f"11111000 1 {size_bits} 0 Rn:4 Rt:4 imm12:12", _imm12(name)),
        Row(f"{name}T", f"11111000 0 {size_bits} 0 Rn:4 Rt:4 1110 imm8:8", _unpriv(name)),
        Row(f"{name} (immediate)", f"11111000 0 {size_bits} 0 Rn:4 Rt:4 1 P:1 U:1 W:1 imm8:8", _imm8(name)),
        Row(f"{name} (register)", f"11111000 0 {size_bits} 0 Rn:4 Rt:4 0 00000 imm2:2 Rm:4", _register(name)),
    ]


def _store_rn15(ctx: ExecContext, info: InsnInfo, **_f: int) -> Op:
    raise Undefined("A6.3.10: store with Rn == '1111' is UNDEFINED")


# -- A6.3.5 load/store multiple --------------------------------------------------------------


def _ldm(increment: bool) -> Callable[..., Op]:
    def build(ctx: ExecContext, info: InsnInfo, W: int, Rn: int, P: int, M: int, register_list: int) -> Op:
        """A8.8.58 LDM T2 / A8.8.60 LDMDB T1 / A8.8.131 POP T2: registers = P:M:'0':register_list."""
        registers = (P << 15) | (M << 14) | register_list
        if Rn == 15 or bin(registers).count("1") < 2 or (P and M):
            raise Unpredictable("A8.8.58 LDM (T32): n == 15, fewer than 2 registers, or PC and LR")
        if W and (registers >> Rn) & 1:
            raise Unpredictable("A8.8.58 LDM (T32): wback && Rn in the list")
        if P:
            last_or_outside_it(info, "LDM {..., PC}")
        return ldst.LDM_any(ctx, info, Rn, registers, W == 1, increment, False)

    return build


def _stm(increment: bool) -> Callable[..., Op]:
    def build(ctx: ExecContext, info: InsnInfo, W: int, Rn: int, M: int, register_list: int) -> Op:
        """A8.8.199 STM T2 / A8.8.201 STMDB T1 / A8.8.133 PUSH T2: registers = '0':M:'0':register_list."""
        registers = (M << 14) | register_list
        if Rn == 15 or bin(registers).count("1") < 2:
            raise Unpredictable("A8.8.199 STM (T32): n == 15 or fewer than 2 registers")
        if W and (registers >> Rn) & 1:
            raise Unpredictable("A8.8.199 STM (T32): wback && Rn in the list")
        return ldst.STM_any(ctx, info, Rn, registers, W == 1, increment, False)

    return build


# -- A6.3.6 dual, exclusive, table branch ---------------------------------------------------------


def _dual_checks(what: str, t: int, t2: int, n: int, W: int, load: bool) -> None:
    if W and (n in (t, t2)):
        raise Unpredictable(f"{what}: wback && (n == t || n == t2)")
    if n == 15 and (W or not load):
        raise Unpredictable(f"{what}: n == 15")
    no_pc_sp(what, t, t2)
    if load and t == t2:
        raise Unpredictable(f"{what}: t == t2")


def t32_ldrd(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, Rt2: int, imm8: int) -> Op:
    """A8.8.72 LDRD (immediate) T1 / A8.8.73 LDRD (literal) T1 (Rn == 1111): imm32 = imm8:'00'."""
    _dual_checks("A8.8.72 LDRD", Rt, Rt2, Rn, W, True)
    if Rn == 15:
        return ldst.LDRD_literal(ctx, info, Rt, Rt2, imm8 << 2, U == 1)
    return ldst.LDRD_immediate(ctx, info, Rt, Rt2, Rn, imm8 << 2, P == 1, U == 1, W == 1)


def t32_strd(ctx: ExecContext, info: InsnInfo, P: int, U: int, W: int, Rn: int, Rt: int, Rt2: int, imm8: int) -> Op:
    """A8.8.210 STRD (immediate) T1."""
    _dual_checks("A8.8.210 STRD", Rt, Rt2, Rn, W, False)
    return ldst.STRD_immediate(ctx, info, Rt, Rt2, Rn, imm8 << 2, P == 1, U == 1, W == 1)


def t32_ldrex(ctx: ExecContext, info: InsnInfo, Rn: int, Rt: int, imm8: int) -> Op:
    """A8.8.75 LDREX T1: imm32 = imm8:'00'."""
    no_pc_sp("A8.8.75 LDREX", Rt)
    if Rn == 15:
        raise Unpredictable("A8.8.75 LDREX: n == 15")
    return ldst.LDREX(ctx, info, Rt, Rn, imm8 << 2)


def t32_strex(ctx: ExecContext, info: InsnInfo, Rn: int, Rt: int, Rd: int, imm8: int) -> Op:
    """A8.8.212 STREX T1."""
    no_pc_sp("A8.8.212 STREX", Rd, Rt)
    if Rn == 15 or Rd in (Rn, Rt):
        raise Unpredictable("A8.8.212 STREX: n == 15 or d == n or d == t")
    return ldst.STREX(ctx, info, Rd, Rt, Rn, imm8 << 2)


def _ldrex_bh(sem: Callable[..., Op]) -> Callable[..., Op]:
    def build(ctx: ExecContext, info: InsnInfo, Rn: int, Rt: int) -> Op:
        """A8.8.76 LDREXB / A8.8.78 LDREXH T1."""
        no_pc_sp("LDREXB/H", Rt)
        if Rn == 15:
            raise Unpredictable("LDREXB/H: n == 15")
        return sem(ctx, info, Rt, Rn)

    return build


def _strex_bh(sem: Callable[..., Op]) -> Callable[..., Op]:
    def build(ctx: ExecContext, info: InsnInfo, Rn: int, Rt: int, Rd: int) -> Op:
        """A8.8.213 STREXB / A8.8.215 STREXH T1."""
        no_pc_sp("STREXB/H", Rd, Rt)
        if Rn == 15 or Rd in (Rn, Rt):
            raise Unpredictable("STREXB/H: n == 15 or d == n or d == t")
        return sem(ctx, info, Rd, Rt, Rn)

    return build


def t32_ldrexd(ctx: ExecContext, info: InsnInfo, Rn: int, Rt: int, Rt2: int) -> Op:
    """A8.8.77 LDREXD T1."""
    no_pc_sp("A8.8.77 LDREXD", Rt, Rt2)
    if Rn == 15 or Rt == Rt2:
        raise Unpredictable("A8.8.77 LDREXD: n == 15 or t == t2")
    return ldst.LDREXD(ctx, info, Rt, Rt2, Rn)


def t32_strexd(ctx: ExecContext, info: InsnInfo, Rn: int, Rt: int, Rt2: int, Rd: int) -> Op:
    """A8.8.214 STREXD T1."""
    no_pc_sp("A8.8.214 STREXD", Rd, Rt, Rt2)
    if Rn == 15 or Rd in (Rn, Rt, Rt2):
        raise Unpredictable("A8.8.214 STREXD: n == 15 or d IN {n, t, t2}")
    return ldst.STREXD(ctx, info, Rd, Rt, Rt2, Rn)


def t32_tbb(ctx: ExecContext, info: InsnInfo, Rn: int, H: int, Rm: int) -> Op:
    """A8.8.238 TBB, TBH T1."""
    if Rn == 13 or Rm in (13, 15):
        raise Unpredictable("A8.8.238 TBB/TBH: n == 13 or m IN {13,15}")
    last_or_outside_it(info, "TBB/TBH")
    return thumb.TBB(ctx, info, Rn, Rm, H == 1)


_LIST = "(0) M:1 (0) register_list:13"

ROWS: List[Item] = [
    # A6.3.5 (SRS/RFE are in armsim.isa.t32.branch)
    Row("STM", f"1110100 010 W:1 0 Rn:4 {_LIST}", _stm(True)),
    Row("LDM", "1110100 010 W:1 1 Rn:4 P:1 M:1 (0) register_list:13", _ldm(True)),
    Row("STMDB", f"1110100 100 W:1 0 Rn:4 {_LIST}", _stm(False)),
    Row("LDMDB", "1110100 100 W:1 1 Rn:4 P:1 M:1 (0) register_list:13", _ldm(False)),
    # A6.3.6
    Row("STREX", "1110100 0010 0 Rn:4 Rt:4 Rd:4 imm8:8", t32_strex),
    Row("LDREX", "1110100 0010 1 Rn:4 Rt:4 (1)(1)(1)(1) imm8:8", t32_ldrex),
    Row("STRD (immediate)", "1110100 1 U:1 1 W:1 0 Rn:4 Rt:4 Rt2:4 imm8:8", fixed(t32_strd, P=1)),
    Row("STRD (immediate)", "1110100 0 U:1 1 1 0 Rn:4 Rt:4 Rt2:4 imm8:8", fixed(t32_strd, P=0, W=1)),
    Row("LDRD (immediate)", "1110100 1 U:1 1 W:1 1 Rn:4 Rt:4 Rt2:4 imm8:8", fixed(t32_ldrd, P=1)),
    Row("LDRD (immediate)", "1110100 0 U:1 1 1 1 Rn:4 Rt:4 Rt2:4 imm8:8", fixed(t32_ldrd, P=0, W=1)),
    Row("STREXB", "1110100 0110 0 Rn:4 Rt:4 (1)(1)(1)(1) 0100 Rd:4", _strex_bh(ldst.STREXB)),
    Row("STREXH", "1110100 0110 0 Rn:4 Rt:4 (1)(1)(1)(1) 0101 Rd:4", _strex_bh(ldst.STREXH)),
    Row("STREXD", "1110100 0110 0 Rn:4 Rt:4 Rt2:4 0111 Rd:4", t32_strexd),
    Row("TBB, TBH", "1110100 0110 1 Rn:4 (1)(1)(1)(1) (0)(0)(0)(0) 000 H:1 Rm:4", t32_tbb),
    Row("LDREXB", "1110100 0110 1 Rn:4 Rt:4 (1)(1)(1)(1) 0100 (1)(1)(1)(1)", _ldrex_bh(ldst.LDREXB)),
    Row("LDREXH", "1110100 0110 1 Rn:4 Rt:4 (1)(1)(1)(1) 0101 (1)(1)(1)(1)", _ldrex_bh(ldst.LDREXH)),
    Row("LDREXD", "1110100 0110 1 Rn:4 Rt:4 Rt2:4 0111 (1)(1)(1)(1)", t32_ldrexd),
    # A6.3.7-A6.3.9 loads; the memory hints (Rt == 1111 of the byte and halfword loads) first.
    Group(
        Row("PLD (literal)", "11111 00 0 U:1 0 (0) 1 1111 1111 imm12:12", _hint),
        Row("PLD, PLDW (immediate)", "11111 00 0 1 0 W:1 1 Rn:4 1111 imm12:12", _hint),
        Row("PLD, PLDW (immediate)", "11111 00 0 0 0 W:1 1 Rn:4 1111 1100 imm8:8", _hint),
        Row("PLD, PLDW (register)", "11111 00 0 0 0 W:1 1 Rn:4 1111 0 00000 imm2:2 Rm:4", _hint),
        Row("PLI (literal)", "11111 00 1 U:1 0 0 1 1111 1111 imm12:12", _hint),
        Row("PLI (immediate)", "11111 00 1 1 0 0 1 Rn:4 1111 imm12:12", _hint),
        Row("PLI (immediate)", "11111 00 1 0 0 0 1 Rn:4 1111 1100 imm8:8", _hint),
        Row("PLI (register)", "11111 00 1 0 0 0 1 Rn:4 1111 0 00000 imm2:2 Rm:4", _hint),
        # A6.3.8 Table A6-19: LDRH / LDRSH with Rt == 1111: the literal, imm12, negative imm8 and
        # register forms are unallocated memory hints (NOP); with writeback and in the T forms
        # UNPREDICTABLE (we choose UNDEFINED); every other op2 is UNDEFINED.
        Row("NOP (memory hint)", "11111 00 x x 0 1 1 1111 1111 xxxx xxxx xxxx", _hint),
        Row("NOP (memory hint)", "11111 00 x 1 0 1 1 Rn:4 1111 xxxx xxxx xxxx", _hint),
        Row("NOP (memory hint)", "11111 00 x 0 0 1 1 Rn:4 1111 1100 xxxx xxxx", _hint),
        Row("NOP (memory hint)", "11111 00 x 0 0 1 1 Rn:4 1111 0 00000 xx xxxx", _hint),
        Row("UNPREDICTABLE (LDRH/LDRSH writeback, Rt == 1111)",
            "11111 00 x 0 0 1 1 Rn:4 1111 1 x x 1 xxxx xxxx", _unpredictable_hint),
        Row("UNPREDICTABLE (LDRHT/LDRSHT, Rt == 1111)", "11111 00 x 0 0 1 1 Rn:4 1111 1110 xxxx xxxx",
            _unpredictable_hint),
        Row("UNDEFINED (load halfword, Rt == 1111)", "11111 00 x 0 0 1 1 Rn:4 1111 xxxx xxxx xxxx",
            _undefined_hint),
        *_load_rows("LDRB", "00", 0),
        *_load_rows("LDRSB", "00", 1),
        *_load_rows("LDRH", "01", 0),
        *_load_rows("LDRSH", "01", 1),
        *_load_rows("LDR", "10", 0),
    ),
    # A6.3.10 stores; Rn == 1111 is UNDEFINED.
    Group(
        Row("UNDEFINED (store, Rn == 1111)", "11111000 x xx 0 1111 xxxx xxxx xxxx xxxx", _store_rn15),
        *_store_rows("STRB", "00"),
        *_store_rows("STRH", "01"),
        *_store_rows("STR", "10"),
    ),
]
