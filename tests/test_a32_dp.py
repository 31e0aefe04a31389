"""A32 data-processing instructions (DDI 0406C A5.2.1-A5.2.3, A5.2.8/A5.2.9, A8.8; B9.3.20)."""

from __future__ import annotations

import random
from typing import Callable, Dict, List, Optional, Tuple

import pytest

from armsim.cpu.modes import Mode
from armsim.isa import a32
from armsim.isa.a32 import dp
from armsim.isa.bits import AddWithCarry, ARMExpandImm_C, DecodeImmShift, Shift_C
from armsim.isa.ops import alu
from tests.helpers import CODE, TestMachine, run_words

M32 = 0xFFFFFFFF
N, Z, C, V = 8, 4, 2, 1
OPS = alu.A32_OPCODES
OPC = {name: i for i, name in enumerate(OPS)}
COMPARES = ("TST", "TEQ", "CMP", "CMN")
LOGICAL = ("AND", "EOR", "TST", "TEQ", "ORR", "MOV", "BIC", "MVN")

# -- encoders (A5.2.1-A5.2.3) ----------------------------------------------------


def enc_imm(op: str, rd: int, rn: int, imm12: int, s: int = 0, cond: int = 14) -> int:
    if op in COMPARES:
        s = 1
    return cond << 28 | 1 << 25 | OPC[op] << 21 | s << 20 | rn << 16 | rd << 12 | imm12


def enc_reg(op: str, rd: int, rn: int, rm: int, typ: int = 0, imm5: int = 0, s: int = 0, cond: int = 14) -> int:
    if op in COMPARES:
        s = 1
    return cond << 28 | OPC[op] << 21 | s << 20 | rn << 16 | rd << 12 | imm5 << 7 | typ << 5 | rm


def enc_rsr(op: str, rd: int, rn: int, rm: int, rs: int, typ: int = 0, s: int = 0, cond: int = 14) -> int:
    if op in COMPARES:
        s = 1
    return cond << 28 | OPC[op] << 21 | s << 20 | rn << 16 | rd << 12 | rs << 8 | typ << 5 | 1 << 4 | rm


def machine(regs: Optional[Dict[int, int]] = None, nzcv: int = 0) -> Callable[[TestMachine], None]:
    def setup(m: TestMachine) -> None:
        for r, v in (regs or {}).items():
            m.regs[r] = v
        m.cpu.flags[0] = nzcv

    return setup


def run1(word: int, regs: Optional[Dict[int, int]] = None, nzcv: int = 0) -> TestMachine:
    return run_words([word], machine(regs, nzcv))


# -- a reference model straight from the A8.8 pseudocode ---------------------------------


def reference(op: str, rn: int, op2: int, shifter_carry: int, nzcv: int) -> Tuple[Optional[int], int]:
    """(result or None for compares, new NZCV) of a flag-setting data-processing operation."""
    c_in = (nzcv >> 1) & 1
    if op in LOGICAL:
        result = {
            "AND": rn & op2, "TST": rn & op2, "EOR": rn ^ op2, "TEQ": rn ^ op2, "ORR": rn | op2,
            "MOV": op2, "BIC": rn & ~op2 & M32, "MVN": ~op2 & M32,
        }[op]  # fmt: skip
        flags = (result >> 31) << 3 | (result == 0) << 2 | shifter_carry << 1 | (nzcv & 1)
    else:
        x, y, c = {
            "ADD": (rn, op2, 0), "CMN": (rn, op2, 0), "ADC": (rn, op2, c_in),
            "SUB": (rn, ~op2 & M32, 1), "CMP": (rn, ~op2 & M32, 1), "SBC": (rn, ~op2 & M32, c_in),
            "RSB": (~rn & M32, op2, 1), "RSC": (~rn & M32, op2, c_in),
        }[op]  # fmt: skip
        result, carry, overflow = AddWithCarry(x, y, c)
        flags = (result >> 31) << 3 | (result == 0) << 2 | carry << 1 | overflow
    return (None if op in COMPARES else result), flags


INTERESTING = (0, 1, 2, 0x7F, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0xFFFFFFFE, 0x40000000, 0x3FFFFFFF)


def value(rng: random.Random) -> int:
    k = rng.random()
    if k < 0.4:
        return rng.choice(INTERESTING)
    if k < 0.6:
        return rng.getrandbits(8)
    return rng.getrandbits(32)


class Runner:
    """One machine reused for many single-instruction runs."""

    def __init__(self) -> None:
        self.m = TestMachine()

    def run(self, word: int, regs: Dict[int, int], nzcv: int) -> TestMachine:
        m = self.m
        m.load_words([word])
        m.engine.cache.clear()
        for r, v in regs.items():
            m.regs[r] = v
        m.cpu.flags[0] = nzcv
        m.run(1, pc=CODE)
        return m


def _check(runner: Runner, word: int, op: str, s: int, rd: int, regs: Dict[int, int], nzcv: int,
           op2: int, shifter_carry: int) -> None:  # fmt: skip
    rn_val = regs.get((word >> 16) & 15, 0)
    result, flags = reference(op, rn_val, op2, shifter_carry, nzcv)
    m = runner.run(word, dict(regs), nzcv)
    desc = f"{op} word={word:#010x} regs={regs} nzcv={nzcv:04b}"
    if result is not None:
        assert m.regs[rd] == result, desc
    assert m.nzcv == (flags if (s or op in COMPARES) else nzcv), desc
    assert m.regs[15] == CODE + 4, desc


@pytest.mark.parametrize("op", OPS)
def test_immediate_form_against_reference(op: str) -> None:
    """A8.8.x (immediate): result and NZCV for random operands; C from ARMExpandImm_C (A5.2.4)."""
    rng = random.Random(OPC[op])
    runner = Runner()
    for i in range(60):
        s = i & 1
        rd, rn = rng.randrange(13), rng.randrange(13)
        imm12 = rng.getrandbits(12) if i % 3 else rng.getrandbits(8)  # some unrotated
        nzcv = rng.getrandbits(4)
        regs = {r: value(rng) for r in range(13)}
        imm32, carry = ARMExpandImm_C(imm12, (nzcv >> 1) & 1)
        _check(runner, enc_imm(op, rd, rn, imm12, s), op, s, rd, regs, nzcv, imm32, carry)


@pytest.mark.parametrize("op", OPS)
def test_register_form_against_reference(op: str) -> None:
    """A8.8.x (register): Shift_C(R[m], DecodeImmShift(type, imm5)) incl. LSL #0, LSR/ASR #32, RRX."""
    rng = random.Random(100 + OPC[op])
    runner = Runner()
    for i in range(120):
        s = i & 1
        rd, rn, rm = rng.randrange(13), rng.randrange(13), rng.randrange(13)
        typ = rng.randrange(4)
        imm5 = rng.choice((0, 0, 1, 31, rng.randrange(32)))
        nzcv = rng.getrandbits(4)
        regs = {r: value(rng) for r in range(13)}
        shift_t, shift_n = DecodeImmShift(typ, imm5)
        op2, carry = Shift_C(regs[rm], shift_t, shift_n, (nzcv >> 1) & 1)
        _check(runner, enc_reg(op, rd, rn, rm, typ, imm5, s), op, s, rd, regs, nzcv, op2, carry)


@pytest.mark.parametrize("op", OPS)
def test_register_shifted_register_form_against_reference(op: str) -> None:
    """A8.8.x (register-shifted register): Shift_C by R[s]<7:0>, amounts 0, 1-31, 32, 33-255."""
    rng = random.Random(200 + OPC[op])
    runner = Runner()
    for i in range(120):
        s = i & 1
        rd, rn, rm, rs = (rng.randrange(13) for _ in range(4))
        typ = rng.randrange(4)
        nzcv = rng.getrandbits(4)
        regs = {r: value(rng) for r in range(13)}
        amount = rng.choice((0, 1, 31, 32, 33, 64, 255, rng.randrange(256)))
        regs[rs] = (rng.getrandbits(24) << 8) | amount  # only the bottom byte counts
        shift = regs[rs] & 0xFF
        op2, carry = Shift_C(regs[rm], typ, shift, (nzcv >> 1) & 1)
        _check(runner, enc_rsr(op, rd, rn, rm, rs, typ, s), op, s, rd, regs, nzcv, op2, carry)


# -- carry out of the immediate and of each shift ------------------------------------------


def test_immediate_rotation_sets_carry() -> None:
    """A5.2.4 ARMExpandImm_C: a rotated constant's bit 31 becomes C for logical S forms."""
    m = run1(enc_imm("MOV", 0, 0, 0x102, s=1))  # #0x80000000 (2 ROR 2)
    assert m.regs[0] == 0x80000000 and m.nzcv == N | C
    m = run1(enc_imm("AND", 0, 1, 0x4FF, s=1), {1: 0xFFFFFFFF}, nzcv=C | V)  # #0xFF000000
    assert m.regs[0] == 0xFF000000 and m.nzcv == N | C | V
    m = run1(enc_imm("ORR", 0, 1, 0x401, s=1), {1: 0}, nzcv=C)  # #0x01000000: bit 31 clear -> C = 0
    assert m.regs[0] == 0x01000000 and m.nzcv == 0


@pytest.mark.parametrize("c_in", [0, C])
def test_unrotated_immediate_keeps_carry(c_in: int) -> None:
    """A5.2.4: rotation 0 returns carry_in, so MOVS/TST with imm8 leave C (and V) alone."""
    m = run1(enc_imm("MOV", 0, 0, 0x00, s=1), nzcv=c_in | V)
    assert m.regs[0] == 0 and m.nzcv == Z | c_in | V
    m = run1(enc_imm("TST", 0, 1, 0x80), {1: 0x80}, nzcv=c_in)
    assert m.nzcv == c_in


def test_mvn_immediate() -> None:
    """A8.8.115 MVN (immediate): NOT(imm32), C from the rotation."""
    m = run1(enc_imm("MVN", 3, 0, 0x000, s=1), nzcv=C)
    assert m.regs[3] == 0xFFFFFFFF and m.nzcv == N | C
    m = run1(enc_imm("MVN", 3, 0, 0x102, s=1))
    assert m.regs[3] == 0x7FFFFFFF and m.nzcv == C


# (type, imm5, R[m], carry in) -> (value, carry out), A8.4.3 with DecodeImmShift
IMM_SHIFTS = [
    (0, 0, 0x80000001, 0, 0x80000001, 0),  # LSL #0: C unchanged
    (0, 0, 0x80000001, 1, 0x80000001, 1),
    (0, 1, 0x80000001, 0, 0x00000002, 1),  # LSL #1: C = bit 31
    (0, 31, 0x00000003, 0, 0x80000000, 1),  # LSL #31: C = bit 1
    (1, 1, 0x00000003, 0, 0x00000001, 1),  # LSR #1: C = bit 0
    (1, 0, 0x80000000, 0, 0x00000000, 1),  # LSR #32: 0, C = bit 31
    (1, 0, 0x7FFFFFFF, 1, 0x00000000, 0),
    (2, 0, 0x80000000, 0, 0xFFFFFFFF, 1),  # ASR #32: sign fill, C = bit 31
    (2, 0, 0x7FFFFFFF, 1, 0x00000000, 0),
    (2, 4, 0x80000018, 0, 0xF8000001, 1),  # ASR #4: C = bit 3
    (3, 4, 0x0000001F, 0, 0xF0000001, 1),  # ROR #4: C = result bit 31
    (3, 31, 0x00000001, 1, 0x00000002, 0),
    (3, 0, 0x00000003, 1, 0x80000001, 1),  # RRX: C in -> bit 31, C = bit 0
    (3, 0, 0x00000002, 0, 0x00000001, 0),
]


@pytest.mark.parametrize("typ,imm5,rm,c_in,expect,c_out", IMM_SHIFTS)
def test_immediate_shift_carry(typ: int, imm5: int, rm: int, c_in: int, expect: int, c_out: int) -> None:
    """A8.4.3 Shift_C through MOVS (A8.8.104 and the LSL/LSR/ASR/ROR/RRX (immediate) aliases)."""
    m = run1(enc_reg("MOV", 0, 0, 1, typ, imm5, s=1), {1: rm}, nzcv=c_in << 1 | V)
    assert m.regs[0] == expect
    assert m.nzcv == (expect >> 31) << 3 | (expect == 0) << 2 | c_out << 1 | V
    # Without S the flags stay, with an arithmetic S form C comes from the addition.
    m = run1(enc_reg("ADD", 0, 2, 1, typ, imm5), {1: rm, 2: 1}, nzcv=c_in << 1)
    assert m.regs[0] == (expect + 1) & M32 and m.nzcv == c_in << 1


# (type, Rs, R[m], carry in) -> (value, carry out), A8.4.3 register-controlled amounts
REG_SHIFTS = [
    (0, 0, 0x80000001, 1, 0x80000001, 1),  # amount 0: unchanged, C kept
    (0, 0x100, 0x80000001, 0, 0x80000001, 0),  # only R[s]<7:0> counts: 256 -> 0
    (0, 1, 0x80000001, 0, 0x00000002, 1),
    (0, 32, 0x00000001, 0, 0x00000000, 1),  # LSL #32: 0, C = bit 0
    (0, 33, 0xFFFFFFFF, 1, 0x00000000, 0),  # LSL > 32: 0, C = 0
    (1, 32, 0x80000000, 0, 0x00000000, 1),  # LSR #32: C = bit 31
    (1, 33, 0xFFFFFFFF, 1, 0x00000000, 0),
    (1, 255, 0xFFFFFFFF, 1, 0x00000000, 0),
    (2, 32, 0x80000000, 0, 0xFFFFFFFF, 1),  # ASR >= 32: sign fill, C = sign
    (2, 200, 0x7FFFFFFF, 1, 0x00000000, 0),
    (2, 0, 0x80000000, 1, 0x80000000, 1),
    (3, 32, 0x80000001, 0, 0x80000001, 1),  # ROR #32: unchanged, C = bit 31
    (3, 64, 0x00000001, 1, 0x00000001, 0),
    (3, 36, 0x0000001F, 0, 0xF0000001, 1),  # ROR #36 == ROR #4
    (3, 0, 0x0000001F, 1, 0x0000001F, 1),  # amount 0: no RRX in this form
]


@pytest.mark.parametrize("typ,rs,rm,c_in,expect,c_out", REG_SHIFTS)
def test_register_shift_carry(typ: int, rs: int, rm: int, c_in: int, expect: int, c_out: int) -> None:
    """A8.4.3 Shift_C through LSL/LSR/ASR/ROR (register) (A8.8.95, 97, 17, 150) and ORRS (A8.8.124)."""
    m = run1(enc_rsr("MOV", 0, 0, 1, 2, typ, s=1), {1: rm, 2: rs}, nzcv=c_in << 1)
    assert m.regs[0] == expect
    assert m.nzcv == (expect >> 31) << 3 | (expect == 0) << 2 | c_out << 1
    m = run1(enc_rsr("ORR", 3, 4, 1, 2, typ, s=1), {1: rm, 2: rs, 4: 0}, nzcv=c_in << 1 | V)
    assert m.regs[3] == expect and m.nzcv & 3 == c_out << 1 | V


# -- arithmetic flags -------------------------------------------------------------------


@pytest.mark.parametrize(
    "op,a,b,c_in,result,flags",
    [
        ("ADD", 0x7FFFFFFF, 1, 0, 0x80000000, N | V),
        ("ADD", 0xFFFFFFFF, 1, 0, 0, Z | C),
        ("ADD", 0x80000000, 0x80000000, 0, 0, Z | C | V),
        ("ADC", 0xFFFFFFFF, 0, 1, 0, Z | C),
        ("ADC", 0x7FFFFFFF, 0, 1, 0x80000000, N | V),
        ("SUB", 5, 5, 0, 0, Z | C),
        ("SUB", 0, 1, 0, 0xFFFFFFFF, N),
        ("SUB", 0x80000000, 1, 0, 0x7FFFFFFF, C | V),
        ("SBC", 5, 5, 0, 0xFFFFFFFF, N),
        ("SBC", 0, 0xFFFFFFFF, 0, 0, Z),
        ("SBC", 0x80000000, 0x7FFFFFFF, 0, 0, Z | C | V),
        ("RSB", 1, 0, 0, 0xFFFFFFFF, N),
        ("RSB", 1, 0x80000000, 0, 0x7FFFFFFF, C | V),
        ("RSC", 5, 5, 0, 0xFFFFFFFF, N),
        ("RSC", 5, 6, 1, 1, C),
    ],
)
def test_arithmetic_flags(op: str, a: int, b: int, c_in: int, result: int, flags: int) -> None:
    """A2.2.1 AddWithCarry: N, Z, C, V for ADDS/ADCS/SUBS/SBCS/RSBS/RSCS (register form)."""
    m = run1(enc_reg(op, 0, 1, 2, s=1), {1: a, 2: b}, nzcv=c_in << 1)
    assert m.regs[0] == result and m.nzcv == flags


@pytest.mark.parametrize(
    "op,a,b,flags",
    [
        ("CMP", 5, 5, Z | C),
        ("CMP", 4, 5, N),
        ("CMP", 0x80000000, 1, C | V),
        ("CMP", 0x7FFFFFFF, 0xFFFFFFFF, N | V),
        ("CMN", 0xFFFFFFFF, 1, Z | C),
        ("CMN", 0x7FFFFFFF, 1, N | V),
        ("TST", 0xF0, 0x0F, Z),
        ("TEQ", 0x80000000, 0, N),
    ],
)
def test_compare_flags_all_forms(op: str, a: int, b: int, flags: int) -> None:
    """A8.8.34-39, 237-242: compares in all three forms write only the flags."""
    regs = {1: a, 2: b, 3: 0, 0: 0xDEAD}
    assert run1(enc_reg(op, 0, 1, 2), regs).nzcv == flags
    assert run1(enc_rsr(op, 0, 1, 2, 3), regs).nzcv == flags
    if b < 256:
        m = run1(enc_imm(op, 0, 1, b), regs)
        assert m.nzcv == flags and m.regs[0] == 0xDEAD


def test_compare_should_be_zero_rd_field_ignored() -> None:
    """A8.8.37 CMP (immediate): Rd is (0)(0)(0)(0); a nonzero field still decodes as CMP."""
    word = enc_imm("CMP", 7, 1, 5)
    row = a32.lookup(word)
    assert row is not None and row.name == "CMP (immediate)"
    m = run1(word, {1: 5, 7: 0x1234})
    assert m.nzcv == Z | C and m.regs[7] == 0x1234


def test_compare_with_s_clear_is_not_a_compare() -> None:
    """A5.2: TST/TEQ/CMP/CMN with S == 0 are other instructions (misc, MOVW/MOVT, MSR)."""
    for op in COMPARES:
        for word in (enc_imm(op, 0, 1, 5) & ~(1 << 20), enc_reg(op, 0, 1, 2) & ~(1 << 20)):
            row = a32.lookup(word)
            assert row is None or row.name not in (f"{op} (immediate)", f"{op} (register)")


def test_multiply_space_not_matched() -> None:
    """A5.2.2: the register-shifted form has bit 7 == 0; bit7 = bit4 = 1 is multiply/extra load-store."""
    names = {r.name for item in dp.ROWS for r in (item.rows if hasattr(item, "rows") else (item,))}
    for word in (0xE0000291, 0xE1A000B1, 0xE19000D1):
        row = a32.lookup(word)
        assert row is None or row.name not in names


def test_alias_row_names() -> None:
    """A5.2.1 Table A5-3: MOV (register) and its shift aliases."""
    cases = {
        enc_reg("MOV", 0, 0, 1): "MOV (register)",
        enc_reg("MOV", 0, 0, 1, 0, 3): "LSL (immediate)",
        enc_reg("MOV", 0, 0, 1, 1, 0): "LSR (immediate)",
        enc_reg("MOV", 0, 0, 1, 2, 5): "ASR (immediate)",
        enc_reg("MOV", 0, 0, 1, 3, 0): "RRX",
        enc_reg("MOV", 0, 0, 1, 3, 7): "ROR (immediate)",
        enc_rsr("MOV", 0, 0, 1, 2, 0): "LSL (register)",
        enc_rsr("MOV", 0, 0, 1, 2, 3): "ROR (register)",
        enc_imm("ADD", 0, 15, 4): "ADR (A1)",
        enc_imm("SUB", 0, 15, 4): "ADR (A2)",
        enc_imm("ADD", 0, 15, 4, s=1): "ADD (immediate)",
    }
    for word, name in cases.items():
        row = a32.lookup(word)
        assert row is not None and row.name == name, hex(word)


def test_condition_failed_changes_nothing() -> None:
    """A8.3.1: a failed condition leaves registers and flags."""
    m = run1(enc_imm("ADD", 0, 1, 1, s=1, cond=1), {1: 5}, nzcv=Z)  # ADDSNE with Z set
    assert m.regs[0] == 0 and m.nzcv == Z and m.regs[15] == CODE + 4
    m = run1(enc_imm("ADD", 0, 1, 1, s=1, cond=0), {1: 5}, nzcv=Z)  # ADDSEQ
    assert m.regs[0] == 6 and m.nzcv == 0


# -- the PC as an operand and as the destination -----------------------------------------


def test_pc_operand_reads_address_plus_8() -> None:
    """A2.3 / A8.8.12 ADR: reading the PC in ARM state gives the instruction address + 8."""
    assert run1(enc_imm("ADD", 0, 15, 4)).regs[0] == CODE + 12  # ADR A1
    assert run1(enc_imm("SUB", 0, 15, 4)).regs[0] == CODE + 4  # ADR A2
    assert run1(enc_reg("MOV", 0, 0, 15)).regs[0] == CODE + 8
    assert run1(enc_reg("ADD", 0, 1, 15, 0, 1), {1: 1}).regs[0] == (CODE + 8) * 2 + 1
    m = run1(enc_imm("ADD", 0, 15, 4, s=1))
    assert m.regs[0] == CODE + 12 and m.nzcv == 0
    assert run1(enc_reg("RSB", 0, 15, 1), {1: CODE + 10}).regs[0] == 2


def test_mov_pc_branches() -> None:
    """A2.3.1 ALUWritePC: MOV PC, R0 branches; an even address stays in ARM state."""
    m = run1(enc_reg("MOV", 15, 0, 0), {0: 0x9000})
    assert m.regs[15] == 0x9000 and m.cpu.T == 0
    # address<1:0> == '10' is UNPREDICTABLE (A2.3.1): armsim clears bit 1.
    m = run1(enc_reg("MOV", 15, 0, 0), {0: 0x9002})
    assert m.regs[15] == 0x9000 and m.cpu.T == 0


def test_alu_write_pc_interworks_to_thumb() -> None:
    """A2.3.1 ALUWritePC in ARM state is BXWritePC: bit 0 set selects Thumb."""
    m = run1(enc_reg("MOV", 15, 0, 0), {0: 0x9001})
    assert m.regs[15] == 0x9000 and m.cpu.T == 1
    m = run1(enc_imm("ORR", 15, 0, 1), {0: 0xA000})
    assert m.regs[15] == 0xA000 and m.cpu.T == 1


def test_add_pc_jump_table() -> None:
    """A8.8.7 ADD (register) with Rd = Rn = PC: PC + 8 + R0 << 2."""
    m = run1(enc_reg("ADD", 15, 15, 0, 0, 2), {0: 3})
    assert m.regs[15] == CODE + 8 + 12
    m = run1(enc_imm("ADD", 15, 15, 0))  # ADD PC, PC, #0 skips one instruction
    assert m.regs[15] == CODE + 8


def test_dp_to_pc_keeps_flags_without_s() -> None:
    """A8.8.x with Rd == 15 and S == 0: no flag update."""
    m = run1(enc_imm("SUB", 15, 0, 4), {0: 0x9004}, nzcv=N | V)
    assert m.regs[15] == 0x9000 and m.nzcv == N | V


# -- SUBS PC, LR and related instructions (B9.3.20) -----------------------------------------


def _eret_setup(mode: int, spsr: int, lr: int) -> Callable[[TestMachine], None]:
    def setup(m: TestMachine) -> None:
        m.mem.write32(0x4, 0xE7FFFFFF)  # an Undefined handler is present
        m.cpu.set_mode(mode)
        if mode in m.cpu.spsr:
            m.cpu.spsr[mode] = spsr
        m.regs[14] = lr

    return setup


def test_subs_pc_lr_returns_to_arm() -> None:
    """B9.3.20: SUBS PC, LR, #4 in SVC mode: PC = LR - 4, CPSR = SPSR_svc (mode, flags, masks)."""
    spsr = 0x60000000 | 0x10  # Z, C, User mode, ARM, interrupts enabled
    m = run_words([enc_imm("SUB", 15, 14, 4, s=1)], _eret_setup(Mode.SVC, spsr, 0xA004))
    assert m.regs[15] == 0xA000
    assert m.cpu.mode == Mode.USR and m.cpu.get_cpsr() == spsr
    assert m.nzcv == Z | C and m.cpu.T == 0


def test_movs_pc_lr_returns_to_thumb() -> None:
    """B9.3.20: MOVS PC, LR with SPSR.T == 1 returns to Thumb state (bit 0 of the target ignored)."""
    spsr = 0x80000000 | 0x20 | Mode.SYS
    m = run_words([enc_reg("MOV", 15, 0, 14, s=1)], _eret_setup(Mode.IRQ, spsr, 0xB003))
    assert m.regs[15] == 0xB002 and m.cpu.T == 1
    assert m.cpu.mode == Mode.SYS and m.nzcv == N


def test_exception_return_restores_banked_registers() -> None:
    """B9.3.20 / B1.3.2: after the return the registers of the SPSR's mode are visible."""

    def setup(m: TestMachine) -> None:
        _eret_setup(Mode.SVC, 0x10, 0xC000)(m)
        m.regs[13] = 0x1111  # SP_svc
        m.cpu.set_banked(Mode.USR, 13, 0x2222)

    m = run_words([enc_reg("MOV", 15, 0, 14, s=1)], setup)
    assert m.regs[15] == 0xC000 and m.regs[13] == 0x2222
    assert m.cpu.get_banked(Mode.SVC, 13) == 0x1111


def _assert_undefined(m: TestMachine, addr: int = CODE) -> None:
    assert m.cpu.mode == Mode.UND
    assert m.regs[14] == addr + 4
    assert m.regs[15] == 0x4
    assert m.exc.counts.get("UNDEFINED") == 1


@pytest.mark.parametrize("mode", [Mode.USR, Mode.SYS])
def test_exception_return_in_user_or_system_is_undefined(mode: int) -> None:
    """B9.3.20: UNPREDICTABLE in User and System modes; armsim takes the Undefined exception."""
    m = run_words([enc_imm("SUB", 15, 14, 4, s=1)], _eret_setup(mode, 0x10, 0xA004))
    _assert_undefined(m)


def test_exception_return_in_hyp_is_undefined() -> None:
    """B9.3.20: SUBS PC, LR (ARM) is UNDEFINED in Hyp mode."""
    m = run_words([enc_reg("MOV", 15, 0, 14, s=1)], _eret_setup(Mode.HYP, 0x10, 0xA004))
    assert m.exc.counts.get("UNDEFINED") == 1 and m.regs[15] == 0x4


def test_exception_return_to_reserved_mode_is_undefined() -> None:
    """B1.3.3 CPSRWriteByInstr: a reserved SPSR.M is UNPREDICTABLE; armsim chooses UNDEFINED."""
    m = run_words([enc_reg("MOV", 15, 0, 14, s=1)], _eret_setup(Mode.SVC, 0x15, 0xA004))
    _assert_undefined(m)


def test_exception_return_to_monitor_from_non_secure_is_undefined() -> None:
    """B1.3.3 CPSRWriteByInstr: entering Monitor mode from Non-secure state is UNPREDICTABLE -> UNDEFINED."""

    def setup(m: TestMachine) -> None:
        _eret_setup(Mode.SVC, 0x16, 0xA004)(m)
        m.cpu.scr_ns = 1

    _assert_undefined(run_words([enc_reg("MOV", 15, 0, 14, s=1)], setup))


def test_conditional_exception_return_not_taken() -> None:
    """A8.3.1: a failed condition skips SUBS PC, LR entirely."""
    m = run_words([enc_imm("SUB", 15, 14, 4, s=1, cond=0)], _eret_setup(Mode.SVC, 0x10, 0xA004))
    assert m.regs[15] == CODE + 4 and m.cpu.mode == Mode.SVC


# -- UNPREDICTABLE register-shifted register operands ------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        enc_rsr("ADD", 0, 1, 2, 15),  # Rs == 15
        enc_rsr("ADD", 15, 1, 2, 3),  # Rd == 15
        enc_rsr("ADD", 0, 15, 2, 3),  # Rn == 15
        enc_rsr("ADD", 0, 1, 15, 3),  # Rm == 15
        enc_rsr("CMP", 0, 1, 2, 15),
        enc_rsr("MOV", 15, 0, 2, 3, 1),  # LSR (register) to the PC
        enc_rsr("MVN", 0, 0, 2, 15, s=1),
    ],
)
def test_register_shifted_with_pc_is_undefined(word: int) -> None:
    """A8.8.3 etc.: R15 in any register of the register-shifted form is UNPREDICTABLE -> UNDEFINED."""
    m = run_words([word], _eret_setup(Mode.SVC, 0, 0))
    _assert_undefined(m)


# -- MOVW, MOVT, CLZ -------------------------------------------------------------------------


def test_movw_movt() -> None:
    """A8.8.102 MOV (immediate) A2 (MOVW) and A8.8.106 MOVT build a 32-bit constant."""
    movw = 0xE3000000 | 0x5 << 16 | 1 << 12 | 0x678  # MOVW r1, #0x5678
    movt = 0xE3400000 | 0x1 << 16 | 1 << 12 | 0x234  # MOVT r1, #0x1234
    m = run_words([movw, movt], machine({1: 0xFFFFFFFF}, nzcv=N | C))
    assert m.regs[1] == 0x12345678 and m.nzcv == N | C
    m = run_words([movt], machine({1: 0xFFFFABCD}))
    assert m.regs[1] == 0x1234ABCD


@pytest.mark.parametrize("word", [0xE300F000, 0xE340F000, 0xE16FFF11, 0xE16F0F1F])
def test_movw_movt_clz_pc_is_undefined(word: int) -> None:
    """A8.8.102/106/33: d == 15 (or m == 15 for CLZ) is UNPREDICTABLE -> UNDEFINED."""
    m = run_words([word], _eret_setup(Mode.SVC, 0, 0))
    _assert_undefined(m)


@pytest.mark.parametrize("x,count", [(0, 32), (1, 31), (0x80000000, 0), (0x00010000, 15), (0xFFFFFFFF, 0)])
def test_clz(x: int, count: int) -> None:
    """A8.8.33 CLZ: CountLeadingZeroBits(R[m]); flags unchanged."""
    m = run1(0xE16F0F12, {2: x}, nzcv=Z)  # CLZ r0, r2
    assert m.regs[0] == count and m.nzcv == Z


def test_clz_should_be_one_bits_ignored() -> None:
    """A8.8.33: bits 19:16 and 11:8 are (1); other values still decode as CLZ."""
    row = a32.lookup(0xE1600012)
    assert row is not None and row.name == "CLZ"


# -- specialisation sanity ------------------------------------------------------------------


def test_common_ops_are_short() -> None:
    """The op contract: common operations compile to one- or two-line closures."""

    def body(*key: object) -> List[str]:
        lines = alu.op_source(*key).splitlines()  # type: ignore[arg-type]
        return [line.strip() for line in lines[1:]]  # after "def op():"

    assert body("ADD", "imm", False) == ["regs[d] = (regs[n] + imm) & 0xFFFFFFFF", "return nxt"]
    assert body("SUB", "reg", False) == ["regs[d] = (regs[n] - regs[m]) & 0xFFFFFFFF", "return nxt"]
    assert body("MOV", "reg", False) == ["regs[d] = regs[m]", "return nxt"]
    assert body("AND", "imm", False) == ["regs[d] = regs[n] & imm", "return nxt"]
    assert len(body("CMP", "imm", True)) == 4


def test_every_specialisation_compiles() -> None:
    """Each (operation, operand form, S, destination) generates valid code."""
    forms = ["imm", "reg", "lsl", "lsr", "asr", "ror", "rrx", "rlsl", "rlsr", "rasr", "rror"]
    for op in alu.SPECS:
        for form in forms:
            for s in (False, True):
                for dest in ("reg", "pc", "eret"):
                    for conditional in (False, True):
                        compile(alu.op_source(op, form, s, dest, conditional), "<test>", "exec")


def test_conditional_ops_check_inline() -> None:
    """A8.3.1: a conditional data-processing op checks ConditionPassed() itself, first."""
    lines = [line.strip() for line in alu.op_source("MVN", "imm", False, "reg", True).splitlines()]
    assert lines[1] == "if passed[flags[0]]:" and lines[-1] == "return nxt"


def test_many_instructions_in_sequence() -> None:
    """A small program: sum 1..10 with ADD/SUBS and a conditional MOV."""
    words: List[int] = [
        enc_imm("MOV", 0, 0, 0),  # r0 = 0
        enc_imm("MOV", 1, 0, 10),  # r1 = 10
    ]
    body = [enc_reg("ADD", 0, 0, 1), enc_imm("SUB", 1, 1, 1, s=1)]
    words += body * 10
    words.append(enc_imm("MOV", 2, 0, 1, cond=0))  # MOVEQ r2, #1
    m = run_words(words)
    assert m.regs[0] == 55 and m.regs[1] == 0 and m.regs[2] == 1 and m.nzcv == Z | C
