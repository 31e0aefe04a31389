"""A32 loads and stores (DDI 0406C A5.3, A5.2.8-A5.2.10, A5.5, A5.7.1; B9.3.4/5/17)."""

from __future__ import annotations

import struct
from typing import Callable, Dict, List, Optional

import pytest

from armsim.cpu.exceptions import FS_ALIGNMENT, FS_SYNC_EXTERNAL
from armsim.cpu.modes import Mode
from armsim.isa import a32
from tests.helpers import CODE, TestMachine, run_words

AL = 0xE
D = 0x1000  # data area
UNMAPPED = 0x00200000  # TestMachine maps 1 MiB of RAM at 0

Setup = Optional[Callable[[TestMachine], None]]


# -- encoders (checked against an assembler in test_encoders) ------------------
def ls_imm(L: int, B: int, t: int, n: int, imm: int = 0, P: int = 1, U: int = 1, W: int = 0, cond: int = AL) -> int:
    """A5.3 load/store word/byte, immediate offset."""
    return (cond << 28 | 2 << 25 | P << 24 | U << 23 | B << 22 | W << 21 | L << 20 | n << 16 | t << 12 | imm)


def ls_reg(L: int, B: int, t: int, n: int, m: int, imm5: int = 0, typ: int = 0, P: int = 1, U: int = 1, W: int = 0,
           cond: int = AL) -> int:
    """A5.3 load/store word/byte, register offset."""
    return (cond << 28 | 3 << 25 | P << 24 | U << 23 | B << 22 | W << 21 | L << 20 | n << 16 | t << 12
            | imm5 << 7 | typ << 5 | m)


def x_imm(op2: int, L: int, t: int, n: int, imm8: int = 0, P: int = 1, U: int = 1, W: int = 0) -> int:
    """A5.2.8 extra load/store, immediate offset."""
    return (AL << 28 | P << 24 | U << 23 | 1 << 22 | W << 21 | L << 20 | n << 16 | t << 12 | (imm8 >> 4) << 8
            | 0x90 | op2 << 5 | (imm8 & 15))


def x_reg(op2: int, L: int, t: int, n: int, m: int, P: int = 1, U: int = 1, W: int = 0) -> int:
    """A5.2.8 extra load/store, register offset."""
    return AL << 28 | P << 24 | U << 23 | W << 21 | L << 20 | n << 16 | t << 12 | 0x90 | op2 << 5 | m


def blk(L: int, n: int, regs: int, P: int = 0, U: int = 1, W: int = 0, S: int = 0) -> int:
    """A5.5 block data transfer."""
    return AL << 28 | 4 << 25 | P << 24 | U << 23 | S << 22 | W << 21 | L << 20 | n << 16 | regs


def ldx(op: int, t: int, n: int) -> int:
    """A5.2.10 load exclusive (op = bits 23:20)."""
    return AL << 28 | 1 << 24 | op << 20 | n << 16 | t << 12 | 0xF9F


def stx(op: int, d: int, t: int, n: int) -> int:
    """A5.2.10 store exclusive."""
    return AL << 28 | 1 << 24 | op << 20 | n << 16 | d << 12 | 0xF90 | t


def swp(t: int, t2: int, n: int, B: int = 0) -> int:
    return AL << 28 | 1 << 24 | B << 22 | n << 16 | t << 12 | 0x90 | t2


LDR, STR = 1, 0
H, SB, SH = 1, 2, 3  # op2 of the extra load/stores (with L = 1); 2/3 with L = 0 are LDRD/STRD
LDREX, STREX, LDREXD, STREXD, LDREXB, STREXB, LDREXH, STREXH = 9, 8, 0xB, 0xA, 0xD, 0xC, 0xF, 0xE
CLREX = 0xF57FF01F


def run(words: List[int], regs: Optional[Dict[int, int]] = None, mem: Optional[Dict[int, int]] = None,
        setup: Setup = None, steps: Optional[int] = None) -> TestMachine:
    def s(m: TestMachine) -> None:
        for r, v in (regs or {}).items():
            m.cpu.regs[r] = v
        for a, v in (mem or {}).items():
            m.mem.load(a, struct.pack("<I", v))
        if setup is not None:
            setup(m)

    return run_words(words, s, steps)


def word(m: TestMachine, addr: int) -> int:
    return struct.unpack("<I", m.mem.read_bytes(addr, 4))[0]


def assert_undefined(m: TestMachine, insn_addr: int) -> None:
    """B1.9.6: Undefined exception taken from the instruction at insn_addr."""
    assert m.cpu.mode == Mode.UND
    assert m.cpu.regs[14] == insn_addr + 4
    assert m.cpu.regs[15] == 0x4


def assert_data_abort(m: TestMachine, insn_addr: int, far: int, fs: int, write: bool) -> None:
    """B1.9.9: Data Abort, LR = address + 8, DFSR.FS / WnR, DFAR.

    (An aborted instruction does not count as executed, so the run goes on to
    the vector's first word, 0x00000000, which is harmless.)
    """
    assert m.exc.counts.get("DATA_ABORT") == 1
    assert m.cpu.mode == Mode.ABT
    assert m.cpu.regs[14] == insn_addr + 8
    assert m.cpu.regs[15] in (0x10, 0x14)
    assert m.exc.dfsr & 0xF == fs & 0xF
    assert (m.exc.dfsr >> 10) & 1 == fs >> 4
    assert (m.exc.dfsr >> 11) & 1 == int(write)
    assert m.exc.dfar == far


def align_check_on(m: TestMachine) -> None:
    m.cpu.sctlr |= 2  # SCTLR.A
    m.engine.flush()


# -- encoders and decode --------------------------------------------------------
def test_encoders() -> None:
    """The test encoders produce the words an assembler gives (A5.3, A5.2.8, A5.2.10, A5.5)."""
    assert ls_imm(LDR, 0, 0, 1, 4, P=0) == 0xE4910004  # ldr r0, [r1], #4
    assert ls_imm(STR, 0, 0, 13, 4, U=0, W=1) == 0xE52D0004  # push {r0}
    assert ls_reg(LDR, 0, 0, 1, 2, 3, 2, U=0, W=1) == 0xE73101C2  # ldr r0, [r1, -r2, asr #3]!
    assert x_imm(H, 1, 0, 1, 2) == 0xE1D100B2  # ldrh r0, [r1, #2]
    assert x_reg(SH, 1, 0, 1, 2, P=0) == 0xE09100F2  # ldrsh r0, [r1], r2
    assert x_imm(2, 0, 0, 2, 8) == 0xE1C200D8  # ldrd r0, r1, [r2, #8]
    assert x_imm(3, 0, 4, 13, 8, U=0, W=1) == 0xE16D40F8  # strd r4, r5, [sp, #-8]!
    assert blk(1, 13, 0x8FF0, W=1) == 0xE8BD8FF0  # pop {r4-r11, pc}
    assert blk(0, 13, 0x4010, P=1, U=0, W=1) == 0xE92D4010  # push {r4, lr}
    assert ldx(LDREX, 0, 1) == 0xE1910F9F
    assert stx(STREXD, 3, 0, 2) == 0xE1A23F90
    assert swp(0, 1, 2, B=1) == 0xE1420091


@pytest.mark.parametrize(
    "word_,name",
    [
        (0xE59F0008, "LDR (literal)"),
        (0xE4B10004, "LDRT (A1)"),
        (0xE6A10002, "STRT (A2)"),
        (0xE0F100B2, "LDRHT (A1)"),
        (0xE03100F2, "LDRSHT (A2)"),
        (0xE14F20D8, "LDRD (literal)"),
        (0xE8D00006, "LDM (User registers)"),
        (0xE9407F00, "STM (User registers)"),
        (0xE8FD800F, "LDM (exception return)"),
        (0xF5D0F004, "PLD, PLDW (immediate)"),
        (0xF55FF004, "PLD (literal)"),
        (0xF7D0F101, "PLD, PLDW (register)"),
        (0xF4DFF004, "PLI (immediate, literal)"),
        (0xF6D0F001, "PLI (register)"),
        (CLREX, "CLREX"),
    ],
)
def test_decode_rows(word_: int, name: str) -> None:
    """A5.3/A5.2.9/A5.5/A5.7.1: the assembler's words reach the intended rows."""
    row = a32.lookup(word_)
    assert row is not None and row.name == name


# -- LDR/STR word and byte ------------------------------------------------------
def test_ldr_immediate_offset_pre_post() -> None:
    """A8.8.63 LDR (immediate): offset, pre-indexed and post-indexed, add and subtract."""
    words = [
        ls_imm(LDR, 0, 0, 1, 4),  # ldr r0, [r1, #4]
        ls_imm(LDR, 0, 2, 3, 8, U=0, W=1),  # ldr r2, [r3, #-8]!
        ls_imm(LDR, 0, 4, 5, 12, P=0),  # ldr r4, [r5], #12
        ls_imm(LDR, 0, 6, 7, 4, P=0, U=0),  # ldr r6, [r7], #-4
    ]
    m = run(words, regs={1: D, 3: D + 8, 5: D + 4, 7: D + 8},
            mem={D: 0x11111111, D + 4: 0x22222222, D + 8: 0x33333333})
    r = m.regs
    assert (r[0], r[1]) == (0x22222222, D)
    assert (r[2], r[3]) == (0x11111111, D)
    assert (r[4], r[5]) == (0x22222222, D + 16)
    assert (r[6], r[7]) == (0x33333333, D + 4)


def test_str_immediate_forms() -> None:
    """A8.8.204 STR (immediate): offset, pre-indexed (PUSH single), post-indexed."""
    words = [
        ls_imm(STR, 0, 0, 1, 4),  # str r0, [r1, #4]
        ls_imm(STR, 0, 2, 13, 4, U=0, W=1),  # push {r2}
        ls_imm(STR, 0, 3, 4, 8, P=0),  # str r3, [r4], #8
    ]
    m = run(words, regs={0: 0xAABBCCDD, 1: D, 2: 0x12345678, 13: D + 0x100, 3: 0xCAFEF00D, 4: D + 0x40})
    assert word(m, D + 4) == 0xAABBCCDD and m.regs[1] == D
    assert word(m, D + 0xFC) == 0x12345678 and m.regs[13] == D + 0xFC
    assert word(m, D + 0x40) == 0xCAFEF00D and m.regs[4] == D + 0x48


@pytest.mark.parametrize(
    "imm5,typ,rm,carry,expected_off",
    [
        (0, 0, 3, 0, 3),  # LSL #0
        (2, 0, 3, 0, 12),  # LSL #2
        (1, 1, 0x20, 0, 0x10),  # LSR #1
        (0, 1, 0x80000000, 0, 0),  # LSR #32
        (4, 2, 0xFFFFFF00, 0, 0xFFFFFFF0),  # ASR #4 (negative offset -16)
        (8, 3, 0x00001000, 0, 0x10),  # ROR #8
        (8, 3, 0x00000010, 0, 0x10000000),  # ROR #8 (wraps to a high address)
        (0, 3, 0x20, 1, 0x80000010),  # RRX with C = 1
        (0, 3, 0x20, 0, 0x10),  # RRX with C = 0
    ],
)
def test_ldr_register_shifts(imm5: int, typ: int, rm: int, carry: int, expected_off: int) -> None:
    """A8.8.66 LDR (register): the offset is Shift(R[m], DecodeImmShift(type, imm5), APSR.C)."""
    base = 0x40000
    addr = (base + expected_off) & 0xFFFFFFFF
    mem = {addr: 0x5A5A0001} if addr < 0x100000 else {}

    def setup(m: TestMachine) -> None:
        m.cpu.flags[0] = carry << 1
        if addr >= 0x100000:
            m.mem.map_ram(addr & ~0xFFF, 0x1000, "hi")
            m.mem.load(addr, struct.pack("<I", 0x5A5A0001))

    m = run([ls_reg(LDR, 0, 0, 1, 2, imm5, typ)], regs={1: base, 2: rm}, mem=mem, setup=setup)
    assert m.regs[0] == 0x5A5A0001


def test_ldr_str_register_index_modes() -> None:
    """A8.8.66 / A8.8.205: register offset, subtract, pre-indexed and post-indexed writeback."""
    words = [
        ls_reg(LDR, 0, 0, 1, 2, U=0),  # ldr r0, [r1, -r2]
        ls_reg(LDR, 0, 3, 4, 2, 1, 0, W=1),  # ldr r3, [r4, r2, lsl #1]!
        ls_reg(STR, 0, 5, 6, 2, 0, 0, P=0, U=0),  # str r5, [r6], -r2
        ls_reg(LDR, 0, 8, 7, 8, P=0),  # ldr r8, [r7], r8  (t == m: the old r8 is the offset)
    ]
    m = run(words, regs={1: D + 8, 2: 4, 4: D, 5: 0x77, 6: D + 0x20, 7: D + 0x30, 8: 0x10},
            mem={D + 4: 0x44, D + 8: 0x88, D + 0x30: 0x3030})
    r = m.regs
    assert r[0] == 0x44 and r[1] == D + 8
    assert r[3] == 0x88 and r[4] == D + 8
    assert word(m, D + 0x20) == 0x77 and r[6] == D + 0x1C
    assert r[8] == 0x3030 and r[7] == D + 0x40


def test_ldrb_strb() -> None:
    """A8.8.68/A8.8.70/A8.8.207/A8.8.208: bytes are zero-extended; only the low byte is stored."""
    words = [
        ls_imm(LDR, 1, 0, 1, 3),  # ldrb r0, [r1, #3]
        ls_reg(LDR, 1, 2, 1, 3),  # ldrb r2, [r1, r3]
        ls_imm(STR, 1, 4, 1, 8),  # strb r4, [r1, #8]
        ls_reg(STR, 1, 4, 1, 5, W=1),  # strb r4, [r1, r5]!
    ]
    m = run(words, regs={1: D, 3: 1, 4: 0x123456AB, 5: 9}, mem={D: 0x80FF7F01, D + 8: 0})
    assert m.regs[0] == 0x80 and m.regs[2] == 0x7F
    assert word(m, D + 8) == 0xABAB and m.regs[1] == D + 9


def test_literal_loads() -> None:
    """A8.8.64/A8.8.69/A8.8.81/A8.8.85/A8.8.89/A8.8.73: Align(PC, 4) +/- imm, PC = address + 8."""
    words = [
        ls_imm(LDR, 0, 0, 15, 12),  # 0x8000 ldr r0, [pc, #12] -> 0x8014
        ls_imm(LDR, 1, 1, 15, 3, U=0),  # 0x8004 ldrb r1, [pc, #-3] -> 0x8009
        x_imm(H, 1, 2, 15, 6),  # 0x8008 ldrh r2, [pc, #6] -> 0x8016
        x_imm(SB, 1, 3, 15, 3),  # 0x800c ldrsb r3, [pc, #3] -> 0x8017
        x_imm(2, 0, 4, 15, 0),  # 0x8010 ldrd r4, r5, [pc] -> 0x8018
        0x8899AABB,  # 0x8014
        0x11223344,  # 0x8018
        0x55667788,  # 0x801c
    ]
    m = run(words, steps=5)
    r = m.regs
    assert r[0] == 0x8899AABB
    assert r[1] == (x_imm(H, 1, 2, 15, 6) >> 8) & 0xFF  # byte 1 of the word at 0x8008
    assert r[2] == 0x8899
    assert r[3] == 0xFFFFFF88
    assert (r[4], r[5]) == (0x11223344, 0x55667788)


def test_literal_ldrsh_negative() -> None:
    """A8.8.89 LDRSH (literal) with U = 0 reads before the instruction."""
    words = [0x0000F00D, x_imm(SH, 1, 0, 15, 12, U=0)]  # at 0x8004: pc = 0x800c, -12 -> 0x8000
    m = TestMachine()
    m.load_words(words)
    m.run(1, pc=CODE + 4)
    assert m.regs[0] == 0xFFFFF00D


# -- halfword, signed, doubleword ----------------------------------------------
def test_ldrh_strh_ldrsb_ldrsh() -> None:
    """A8.8.80/82, A8.8.217/218, A8.8.84/86, A8.8.88/90: all index modes and sign extension."""
    words = [
        x_imm(H, 1, 0, 1, 2),  # ldrh r0, [r1, #2]
        x_reg(H, 1, 2, 1, 9, W=1),  # ldrh r2, [r1, r9]!  (r1 -> D+4)
        x_imm(H, 0, 3, 4, 2, P=0, U=0),  # strh r3, [r4], #-2
        x_imm(SB, 1, 5, 6, 1, U=0),  # ldrsb r5, [r6, #-1]
        x_reg(SH, 1, 7, 8, 9, P=0),  # ldrsh r7, [r8], r9
        x_reg(H, 0, 3, 10, 9),  # strh r3, [r10, r9]
    ]
    m = run(words, regs={1: D, 9: 4, 3: 0xFFFF1234, 4: D + 0x20, 6: D + 0x11, 8: D + 0x12, 10: D + 0x40},
            mem={D: 0xBEEF0000, D + 4: 0x0000CAFE, D + 0x10: 0x80018000})
    r = m.regs
    assert r[0] == 0xBEEF
    assert r[2] == 0xCAFE and r[1] == D + 4
    assert word(m, D + 0x20) == 0x1234 and r[4] == D + 0x1E
    assert r[5] == 0 and r[6] == D + 0x11  # byte at D+0x10 is 0x00
    assert r[7] == 0xFFFF8001 and r[8] == D + 0x16
    assert word(m, D + 0x44) == 0x1234


def test_ldrsb_negative_byte() -> None:
    """A8.8.84 LDRSB sign-extends bit 7."""
    m = run([x_imm(SB, 1, 0, 1, 1)], regs={1: D}, mem={D: 0x0000FE00})
    assert m.regs[0] == 0xFFFFFFFE


def test_ldrd_strd() -> None:
    """A8.8.72/74, A8.8.210/211: pairs, writeback, R[t] at the lower address."""
    words = [
        x_imm(3, 0, 4, 13, 8, U=0, W=1),  # strd r4, r5, [sp, #-8]!
        x_imm(2, 0, 0, 13, 0, P=0, U=1),  # ldrd r0, r1, [sp], #0 ... post-indexed
        x_reg(3, 0, 6, 2, 3),  # strd r6, r7, [r2, r3]
        x_reg(2, 0, 8, 2, 3, U=0, W=1),  # ldrd r8, r9, [r2, -r3]!
    ]
    m = run(words, regs={13: D + 0x100, 4: 0x44, 5: 0x55, 2: D + 0x20, 3: 8, 6: 0x66, 7: 0x77},
            mem={D + 0x18: 0xA, D + 0x1C: 0xB})
    r = m.regs
    assert word(m, D + 0xF8) == 0x44 and word(m, D + 0xFC) == 0x55 and r[13] == D + 0xF8
    assert (r[0], r[1]) == (0x44, 0x55)
    assert word(m, D + 0x28) == 0x66 and word(m, D + 0x2C) == 0x77
    assert (r[8], r[9], r[2]) == (0xA, 0xB, D + 0x18)


def test_ldrd_word_aligned_ok_unaligned_faults() -> None:
    """A3.2.1 Table A3-1: LDRD needs word (not doubleword) alignment, and faults even with SCTLR.A = 0."""
    m = run([x_imm(2, 0, 0, 1, 0)], regs={1: D + 4}, mem={D + 4: 1, D + 8: 2})
    assert (m.regs[0], m.regs[1]) == (1, 2)
    m = run([x_imm(2, 0, 0, 1, 2)], regs={1: D})
    assert_data_abort(m, CODE, D + 2, FS_ALIGNMENT, False)
    m = run([x_imm(3, 0, 0, 2, 1, W=1)], regs={2: D})  # strd r0, r1, [r2, #1]!
    assert_data_abort(m, CODE, D + 1, FS_ALIGNMENT, True)
    assert m.regs[2] == D and m.mem.read_bytes(D, 8) == bytes(8)


@pytest.mark.parametrize(
    "w",
    [
        x_imm(2, 0, 1, 2, 0),  # ldrd r1, r2 (odd Rt)
        x_imm(3, 0, 14, 2, 0),  # strd r14, r15
        x_imm(2, 0, 0, 0, 8, W=1),  # ldrd r0, r1, [r0, #8]! (n == t)
        x_reg(2, 0, 0, 2, 1),  # ldrd r0, r1, [r2, r1] (m == t2)
        x_imm(2, 0, 0, 2, 8, P=0, W=1),  # P = 0, W = 1
    ],
)
def test_ldrd_strd_unpredictable(w: int) -> None:
    """A8.8.72/74/210: odd Rt, Rt == 14, register overlaps -> UNDEFINED (armsim's choice)."""
    m = run([w], regs={2: D})
    assert_undefined(m, CODE)


# -- unprivileged forms ---------------------------------------------------------
def test_unprivileged_forms() -> None:
    """A8.8.92/71/83/87/91/220/209/219: post-indexed normal accesses (no MMU yet)."""
    words = [
        ls_imm(LDR, 0, 0, 1, 4, P=0, W=1),  # ldrt r0, [r1], #4
        ls_reg(STR, 1, 2, 3, 4, P=0, W=1),  # strbt r2, [r3], r4
        x_imm(H, 1, 5, 6, 2, P=0, W=1),  # ldrht r5, [r6], #2
        x_reg(H, 0, 2, 7, 4, P=0, U=0, W=1),  # strht r2, [r7], -r4
        x_imm(SB, 1, 8, 9, 1, P=0, W=1),  # ldrsbt r8, [r9], #1
        x_reg(SH, 1, 10, 11, 4, P=0, W=1),  # ldrsht r10, [r11], r4
        ls_imm(STR, 0, 2, 12, 4, P=0, U=0, W=1),  # strt r2, [r12], #-4
    ]
    m = run(words, regs={1: D, 2: 0xA1B2C3D4, 3: D + 0x10, 4: 2, 6: D + 0x20, 7: D + 0x30, 9: D + 0x40,
                         11: D + 0x50, 12: D + 0x60},
            mem={D: 0xDEADBEEF, D + 0x20: 0x1234, D + 0x40: 0x80, D + 0x50: 0x8000})
    r = m.regs
    assert r[0] == 0xDEADBEEF and r[1] == D + 4
    assert m.mem.read_bytes(D + 0x10, 1) == b"\xd4" and r[3] == D + 0x12
    assert r[5] == 0x1234 and r[6] == D + 0x22
    assert m.mem.read_bytes(D + 0x30, 2) == b"\xd4\xc3" and r[7] == D + 0x2E
    assert r[8] == 0xFFFFFF80 and r[9] == D + 0x41
    assert r[10] == 0xFFFF8000 and r[11] == D + 0x52
    assert word(m, D + 0x60) == 0xA1B2C3D4 and r[12] == D + 0x5C


def test_unprivileged_in_hyp_is_undefined() -> None:
    """A8.8.92: LDRT in Hyp mode is UNPREDICTABLE; armsim takes the Undefined exception, which in Hyp
    mode is taken to Hyp mode at HVBAR + 0x04 with ELR_hyp = the instruction (B1.14.x)."""
    m = run([ls_imm(LDR, 0, 0, 1, 4, P=0, W=1)], regs={1: D}, setup=lambda m: m.cpu.set_mode(Mode.HYP))
    assert m.exc.counts.get("UNDEFINED") == 1
    assert m.cpu.mode == Mode.HYP and m.cpu.elr_hyp == CODE and m.cpu.regs[15] == 0x04
    assert m.regs[1] == D


# -- loads to the PC ---------------------------------------------------------------
def test_ldr_pc_interworks_to_thumb() -> None:
    """A8.8.63 + A2.3.1 LoadWritePC: bit 0 of the loaded value selects Thumb state."""
    m = run([ls_imm(LDR, 0, 15, 0, 0)], regs={0: D}, mem={D: 0x9001})
    assert m.cpu.regs[15] == 0x9000 and m.cpu.T == 1


def test_pop_pc_single_and_multiple() -> None:
    """A8.8.132 POP: LDR PC, [SP], #4 and LDM SP!, {..., PC} interwork."""
    m = run([ls_imm(LDR, 0, 15, 13, 4, P=0)], regs={13: D}, mem={D: 0x9003})
    assert m.cpu.regs[15] == 0x9002 and m.cpu.T == 1 and m.regs[13] == D + 4
    m = run([blk(1, 13, 0x8030, W=1)], regs={13: D}, mem={D: 4, D + 4: 5, D + 8: 0xA000})
    assert (m.regs[4], m.regs[5], m.regs[13]) == (4, 5, D + 12)
    assert m.cpu.regs[15] == 0xA000 and m.cpu.T == 0
    m = run([blk(1, 13, 0x8030, W=1)], regs={13: D}, mem={D: 4, D + 4: 5, D + 8: 0xA001})
    assert m.cpu.regs[15] == 0xA000 and m.cpu.T == 1


def test_ldr_pc_register_and_literal() -> None:
    """A8.8.66 / A8.8.64: LDR PC by register offset and from a literal."""
    m = run([ls_reg(LDR, 0, 15, 0, 1, 2)], regs={0: D, 1: 1}, mem={D + 4: 0xB000})
    assert m.cpu.regs[15] == 0xB000 and m.cpu.T == 0
    m = run([ls_imm(LDR, 0, 15, 15, 0), 0, 0xC001], steps=1)  # ldr pc, [pc, #0] -> 0x8008
    assert m.cpu.regs[15] == 0xC000 and m.cpu.T == 1


def test_ldr_pc_unaligned_address_is_undefined() -> None:
    """A8.8.63: a load to the PC from a non-word-aligned address is UNPREDICTABLE -> UNDEFINED, no writeback."""
    m = run([ls_imm(LDR, 0, 15, 0, 2, W=1)], regs={0: D})
    assert_undefined(m, CODE)
    assert m.regs[0] == D


@pytest.mark.parametrize(
    "w",
    [
        ls_imm(LDR, 1, 15, 0, 0),  # ldrb pc
        x_imm(H, 1, 15, 0, 0),  # ldrh pc
        x_reg(SB, 1, 15, 0, 1),  # ldrsb pc
        ls_imm(LDR, 0, 0, 0, 4, W=1),  # ldr r0, [r0, #4]! (n == t)
        ls_imm(STR, 0, 1, 1, 4, P=0),  # str r1, [r1], #4 (n == t)
        ls_reg(LDR, 0, 0, 1, 15),  # ldr r0, [r1, pc]
        ls_reg(STR, 0, 0, 15, 1, W=1),  # str r0, [pc, r1]!
        ls_imm(LDR, 0, 0, 15, 4, P=0),  # ldr literal with P = 0
        blk(1, 0, 0),  # ldm r0, {}
        blk(0, 15, 0x3),  # stm pc, {r0, r1}
    ],
)
def test_unpredictable_single_and_block(w: int) -> None:
    """A8.8.63-A8.8.70, A8.8.58, A8.8.199: UNPREDICTABLE encodings take the Undefined exception."""
    m = run([w], regs={0: D, 1: D + 8})
    assert_undefined(m, CODE)


# -- alignment and aborts -------------------------------------------------------------
def test_unaligned_allowed_when_sctlr_a_clear() -> None:
    """A3.2.1: with SCTLR.A = 0 LDR/STR/LDRH are unaligned accesses (little-endian bytes)."""
    words = [ls_imm(LDR, 0, 0, 1, 1), x_imm(H, 1, 2, 1, 3), ls_imm(STR, 0, 3, 1, 0x21)]
    m = run(words, regs={1: D, 3: 0xA1B2C3D4}, mem={D: 0x44332211, D + 4: 0x88776655})
    assert m.regs[0] == 0x55443322
    assert m.regs[2] == 0x5544
    assert m.mem.read_bytes(D + 0x21, 4) == bytes([0xD4, 0xC3, 0xB2, 0xA1])


@pytest.mark.parametrize(
    "w,addr,write,fault",
    [
        (ls_imm(LDR, 0, 0, 1, 2, W=1), D + 2, False, True),  # ldr r0, [r1, #2]!
        (ls_imm(STR, 0, 0, 1, 1), D + 1, True, True),
        (ls_reg(LDR, 0, 0, 1, 2, P=0), D, False, False),  # post-indexed: the address is r1 (aligned)
        (x_imm(H, 1, 0, 1, 1), D + 1, False, True),
        (x_imm(SH, 1, 0, 1, 2), D + 2, False, False),  # halfword aligned
        (x_reg(H, 0, 0, 1, 2, W=1), D + 3, True, True),
        (ls_imm(LDR, 0, 0, 1, 4, P=0, W=1), D, False, False),  # ldrt: aligned
    ],
)
def test_alignment_fault_with_sctlr_a(w: int, addr: int, write: bool, fault: bool) -> None:
    """A3.2.1 Table A3-1: with SCTLR.A = 1 unaligned LDR/STR/LDRH/STRH take an alignment Data Abort."""
    m = run([w], regs={1: D, 2: 3}, setup=align_check_on)
    if fault:
        assert_data_abort(m, CODE, addr, FS_ALIGNMENT, write)
        assert m.regs[1] == D  # base unchanged
    else:
        assert m.cpu.mode == Mode.SVC


def test_aligned_signed_loads_with_sctlr_a() -> None:
    """A8.8.88/A8.8.84: with SCTLR.A = 1 aligned LDRSH/LDRSB still sign-extend."""
    m = run([x_imm(SH, 1, 0, 1, 2), x_imm(SB, 1, 2, 1, 1)], regs={1: D}, mem={D: 0x8001FF00}, setup=align_check_on)
    assert m.regs[0] == 0xFFFF8001 and m.regs[2] == 0xFFFFFFFF


def test_byte_access_never_alignment_faults() -> None:
    """A3.2.1: byte accesses have no alignment requirement."""
    m = run([ls_imm(LDR, 1, 0, 1, 1)], regs={1: D}, mem={D: 0xAA00}, setup=align_check_on)
    assert m.regs[0] == 0xAA and m.cpu.mode == Mode.SVC


def test_ldm_stm_unaligned_always_fault() -> None:
    """A3.2.1: LDM/STM require word alignment whatever SCTLR.A says; the base is not written back."""
    m = run([blk(1, 0, 0x6, W=1)], regs={0: D + 2})
    assert_data_abort(m, CODE, D + 2, FS_ALIGNMENT, False)
    assert m.regs[0] == D + 2
    m = run([blk(0, 0, 0x6, P=1, U=0, W=1)], regs={0: D + 9})
    assert_data_abort(m, CODE, D + 1, FS_ALIGNMENT, True)


def test_unmapped_access_external_abort() -> None:
    """B1.9.9 / B3.13.3: an access to unmapped memory is a synchronous external abort."""
    m = run([ls_imm(LDR, 0, 0, 1, 0, P=0)], regs={1: UNMAPPED})
    assert_data_abort(m, CODE, UNMAPPED, FS_SYNC_EXTERNAL, False)
    assert m.regs[1] == UNMAPPED  # post-index writeback did not happen
    m = run([x_imm(H, 0, 0, 1, 4, U=0)], regs={1: UNMAPPED + 4})
    assert_data_abort(m, CODE, UNMAPPED, FS_SYNC_EXTERNAL, True)


def test_ldm_abort_restores_base() -> None:
    """B1.9.9: an LDM that aborts part-way leaves its base register (even when in the list) unchanged."""
    base = 0x100000 - 8  # the third word is unmapped
    m = run([blk(1, 0, 0x0007, W=1)], regs={0: base}, mem={base: 1, base + 4: 2})
    assert_data_abort(m, CODE, 0x100000, FS_SYNC_EXTERNAL, False)
    assert m.regs[0] == base
    m = run([blk(1, 2, 0x0007, W=1)], regs={2: base}, mem={base: 1, base + 4: 2})
    assert_data_abort(m, CODE, 0x100000, FS_SYNC_EXTERNAL, False)
    assert m.regs[2] == base


# -- LDM / STM ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "P,U,start,final",
    [
        (0, 1, D, D + 12),  # IA
        (1, 1, D + 4, D + 12),  # IB
        (0, 0, D - 8, D - 12),  # DA
        (1, 0, D - 12, D - 12),  # DB
    ],
)
def test_ldm_stm_modes(P: int, U: int, start: int, final: int) -> None:
    """A8.8.58-61, A8.8.199-202: start address and writeback of the four addressing modes."""
    m = run([blk(0, 0, 0x0E, P=P, U=U, W=1)], regs={0: D, 1: 0x11, 2: 0x22, 3: 0x33})
    assert [word(m, start + 4 * i) for i in range(3)] == [0x11, 0x22, 0x33]
    assert m.regs[0] == final
    m = run([blk(1, 0, 0x70, P=P, U=U, W=1)], regs={0: D},
            mem={start: 0x44, start + 4: 0x55, start + 8: 0x66})
    assert (m.regs[4], m.regs[5], m.regs[6], m.regs[0]) == (0x44, 0x55, 0x66, final)
    m = run([blk(1, 0, 0x70, P=P, U=U, W=0)], regs={0: D},
            mem={start: 0x44, start + 4: 0x55, start + 8: 0x66})
    assert (m.regs[4], m.regs[0]) == (0x44, D)


def test_push_pop_multiple() -> None:
    """A8.8.133 PUSH / A8.8.132 POP (STMDB SP! / LDMIA SP!)."""
    words = [
        blk(0, 13, 0x4FF0, P=1, U=0, W=1),  # push {r4-r11, lr}
        blk(1, 13, 0x0FF0 | 0x0001, W=1),  # pop {r0, r4-r11}
    ]
    regs = {i: 0x100 + i for i in range(4, 12)}
    regs.update({13: D + 0x100, 14: 0xEEEE})
    m = run(words, regs=regs, steps=1)
    assert m.regs[13] == D + 0x100 - 36
    assert word(m, D + 0x100 - 36) == 0x104 and word(m, D + 0x100 - 4) == 0xEEEE
    m = run(words, regs=regs)
    assert m.regs[0] == 0x104 and m.regs[4] == 0x105 and m.regs[11] == 0xEEEE
    assert m.regs[13] == D + 0x100


def test_stm_pc_and_base_in_list() -> None:
    """A8.8.199: a stored PC is PCStoreValue() (address + 8); Rn in the list stores its original value."""
    m = run([blk(0, 0, 0x8003, W=1)], regs={0: D, 1: 0x11})
    assert [word(m, D), word(m, D + 4), word(m, D + 8)] == [D, 0x11, CODE + 8]
    assert m.regs[0] == D + 12
    m = run([blk(0, 1, 0x0003, W=1)], regs={0: 0x10, 1: D})  # Rn not lowest: UNKNOWN, armsim stores original
    assert [word(m, D), word(m, D + 4)] == [0x10, D]


def test_ldm_base_in_list_with_writeback_loads_value() -> None:
    """A8.8.58: LDM with writeback and Rn in the list is UNPREDICTABLE; armsim keeps the loaded value."""
    m = run([blk(1, 1, 0x0007, W=1)], regs={1: D}, mem={D: 0xA, D + 4: 0xB, D + 8: 0xC})
    assert (m.regs[0], m.regs[1], m.regs[2]) == (0xA, 0xB, 0xC)


def test_ldm_base_in_list_with_pc() -> None:
    """A8.8.58: base in list plus PC: loaded base, then LoadWritePC."""
    m = run([blk(1, 1, 0x8002)], regs={1: D}, mem={D: 0x55, D + 4: 0xD001})
    assert m.regs[1] == 0x55 and m.cpu.regs[15] == 0xD000 and m.cpu.T == 1


def test_stm_user_registers() -> None:
    """B9.3.17 STM (User registers): stores User-mode SP/LR (and R8-R12 from FIQ mode)."""

    def setup(m: TestMachine) -> None:
        m.cpu.set_banked(Mode.USR, 13, 0x5555)
        m.cpu.set_banked(Mode.USR, 14, 0x6666)
        m.cpu.regs[13] = 0x1313
        m.cpu.regs[14] = 0x1414

    m = run([blk(0, 0, 0x6001, S=1)], regs={0: D}, setup=setup)
    assert [word(m, D), word(m, D + 4), word(m, D + 8)] == [D, 0x5555, 0x6666]

    def setup_fiq(m: TestMachine) -> None:
        m.cpu.set_mode(Mode.FIQ)
        for r in range(8, 13):
            m.cpu.set_banked(Mode.USR, r, 0x800 + r)
            m.cpu.regs[r] = 0xF00 + r

    m = run([blk(0, 0, 0x1F00, S=1)], regs={0: D}, setup=setup_fiq)
    assert [word(m, D + 4 * i) for i in range(5)] == [0x808, 0x809, 0x80A, 0x80B, 0x80C]


def test_ldm_user_registers() -> None:
    """B9.3.5 LDM (User registers): loads User-mode SP/LR, the current mode's stay."""

    def setup(m: TestMachine) -> None:
        m.cpu.regs[13] = 0x1313

    m = run([blk(1, 0, 0x6002, S=1)], regs={0: D}, mem={D: 1, D + 4: 0x5555, D + 8: 0x6666}, setup=setup)
    assert m.regs[1] == 1 and m.regs[13] == 0x1313
    assert m.cpu.get_banked(Mode.USR, 13) == 0x5555 and m.cpu.get_banked(Mode.USR, 14) == 0x6666
    assert m.regs[0] == D


@pytest.mark.parametrize("mode", [Mode.USR, Mode.SYS, Mode.HYP])
def test_user_register_forms_undefined(mode: Mode) -> None:
    """B9.3.5/B9.3.17: UNDEFINED in Hyp mode, UNPREDICTABLE (-> UNDEFINED) in User/System mode."""
    for w in (blk(1, 0, 0x6002, S=1), blk(0, 0, 0x6002, S=1), blk(1, 0, 0x8001, S=1)):
        m = run([w], regs={0: D}, setup=lambda m: m.cpu.set_mode(mode))
        # An Undefined Instruction exception in Hyp mode stays in Hyp mode (B1.14.x, HVBAR + 0x04).
        assert m.exc.counts.get("UNDEFINED") == 1 and m.cpu.mode == (Mode.HYP if mode == Mode.HYP else Mode.UND)


def test_ldm_exception_return() -> None:
    """B9.3.4 LDM (exception return): registers, PC, then CPSR <- SPSR_svc (mode switch, flags)."""

    def setup(m: TestMachine) -> None:
        m.cpu.spsr[Mode.SVC] = 0x80000010  # N set, User mode, ARM state

    m = run([blk(1, 13, 0x8003, W=1, S=1)], regs={13: D}, mem={D: 7, D + 4: 8, D + 8: 0xE000}, setup=setup)
    assert m.cpu.mode == Mode.USR
    assert m.cpu.regs[15] == 0xE000 and m.cpu.T == 0
    assert (m.regs[0], m.regs[1]) == (7, 8)
    assert m.cpu.flags[0] == 8
    assert m.cpu.get_banked(Mode.SVC, 13) == D + 12


def test_ldm_exception_return_to_thumb() -> None:
    """B9.3.4: the new CPSR.T selects Thumb; the PC is halfword aligned."""

    def setup(m: TestMachine) -> None:
        m.cpu.spsr[Mode.SVC] = 0x00000030 | 0x1F  # System mode, Thumb

    m = run([blk(1, 0, 0x8000, S=1, P=1, U=0)], regs={0: D + 4}, mem={D: 0xE003}, setup=setup)
    assert m.cpu.mode == Mode.SYS and m.cpu.T == 1 and m.cpu.regs[15] == 0xE002


def test_ldm_exception_return_to_monitor_from_nonsecure() -> None:
    """B9.3.4 / B1.3.3 CPSRWriteByInstr: a return to Monitor mode from Non-secure state -> UNDEFINED."""

    def setup(m: TestMachine) -> None:
        m.cpu.scr_ns = 1
        m.cpu.spsr[Mode.SVC] = 0x16

    m = run([blk(1, 0, 0x8000, S=1)], regs={0: D}, mem={D: 0xE000}, setup=setup)
    assert_undefined(m, CODE)


def test_ldm_exception_return_bad_spsr_mode() -> None:
    """B9.3.4: a reserved SPSR.M is UNPREDICTABLE; armsim takes Undefined before writing registers."""

    def setup(m: TestMachine) -> None:
        m.cpu.spsr[Mode.SVC] = 0x00000015

    m = run([blk(1, 0, 0x8002, S=1, W=1)], regs={0: D, 1: 0x99}, mem={D: 1, D + 4: 0xE000}, setup=setup)
    assert_undefined(m, CODE)
    assert m.regs[1] == 0x99


# -- exclusives --------------------------------------------------------------------
def test_ldrex_strex_pass_and_fail() -> None:
    """A8.8.75/A8.8.212, A3.4: STREX succeeds once after LDREX, then fails (monitor back to Open)."""
    words = [
        ldx(LDREX, 0, 1),  # ldrex r0, [r1]
        stx(STREX, 2, 3, 1),  # strex r2, r3, [r1]   -> 0
        stx(STREX, 4, 5, 1),  # strex r4, r5, [r1]   -> 1
    ]
    m = run(words, regs={1: D, 3: 0x33, 5: 0x55}, mem={D: 0x1234})
    assert m.regs[0] == 0x1234 and m.regs[2] == 0 and m.regs[4] == 1
    assert word(m, D) == 0x33


def test_strex_fails_after_clrex_or_other_address() -> None:
    """A8.8.32 CLREX and A3.4.1: a cleared monitor or a different address makes STREX fail and not store."""
    m = run([ldx(LDREX, 0, 1), CLREX, stx(STREX, 2, 3, 1)], regs={1: D, 3: 0x33}, mem={D: 7})
    assert m.regs[2] == 1 and word(m, D) == 7
    m = run([ldx(LDREX, 0, 1), stx(STREX, 2, 3, 4)], regs={1: D, 4: D + 4, 3: 0x33})
    assert m.regs[2] == 1 and word(m, D + 4) == 0
    m = run([stx(STREX, 2, 3, 1)], regs={1: D, 3: 0x33})
    assert m.regs[2] == 1 and word(m, D) == 0


def test_exclusive_byte_halfword_doubleword() -> None:
    """A8.8.76-78, A8.8.213-215: LDREXB/H/D and STREXB/H/D."""
    words = [
        ldx(LDREXB, 0, 1), stx(STREXB, 2, 3, 1),
        ldx(LDREXH, 4, 5), stx(STREXH, 6, 3, 5),
        ldx(LDREXD, 8, 12), stx(STREXD, 7, 10, 12),
    ]
    m = run(words, regs={1: D + 1, 3: 0xABCD, 5: D + 6, 12: D + 8, 10: 0x1111, 11: 0x2222},
            mem={D: 0x7700, D + 4: 0x55660000, D + 8: 0xAAAA, D + 12: 0xBBBB})
    r = m.regs
    assert r[0] == 0x77 and r[2] == 0
    assert r[4] == 0x5566 and r[6] == 0
    assert (r[8], r[9]) == (0xAAAA, 0xBBBB) and r[7] == 0
    assert m.mem.read_bytes(D, 8) == bytes([0, 0xCD, 0, 0, 0, 0, 0xCD, 0xAB])
    assert word(m, D + 8) == 0x1111 and word(m, D + 12) == 0x2222


def test_ldrexd_gets_two_registers() -> None:
    """A8.8.77 LDREXD: R[t] from the lower word, R[t2] from the upper."""
    m = run([ldx(LDREXD, 2, 0)], regs={0: D}, mem={D: 5, D + 4: 6})
    assert (m.regs[2], m.regs[3]) == (5, 6)


@pytest.mark.parametrize(
    "w,addr,write,fault",
    [
        (ldx(LDREX, 0, 1), D + 2, False, True),
        (ldx(LDREXH, 0, 1), D + 2, False, False),  # aligned halfword
        (ldx(LDREXH, 0, 3), D + 1, False, True),
        (ldx(LDREXB, 0, 3), D + 1, False, False),
        (ldx(LDREXD, 0, 4), D + 4, False, True),  # word aligned is not enough
        (stx(STREX, 5, 0, 1), D + 2, True, True),
        (stx(STREXH, 5, 0, 3), D + 1, True, True),
        (stx(STREXD, 6, 0, 4), D + 4, True, True),
    ],
)
def test_exclusive_alignment_faults(w: int, addr: int, write: bool, fault: bool) -> None:
    """A3.2.1 Table A3-1: exclusives always fault when unaligned (LDREXD/STREXD need doubleword alignment)."""
    m = run([w], regs={1: D + 2, 3: D + 1, 4: D + 4})
    if fault:
        assert_data_abort(m, CODE, addr, FS_ALIGNMENT, write)
    else:
        assert m.cpu.mode == Mode.SVC


@pytest.mark.parametrize(
    "w",
    [
        stx(STREX, 0, 0, 1),  # d == t
        stx(STREX, 1, 0, 1),  # d == n
        stx(STREXD, 0, 0, 2),  # d == t
        stx(STREXD, 3, 1, 2),  # odd Rt
        ldx(LDREXD, 14, 2),  # Rt == 14
        ldx(LDREX, 15, 2),  # t == 15
        swp(0, 1, 0),  # n == t
    ],
)
def test_exclusive_unpredictable(w: int) -> None:
    """A8.8.212/214/77/75/229: UNPREDICTABLE register choices are UNDEFINED in armsim."""
    m = run([w], regs={1: D, 2: D}, setup=lambda m: setattr(m.cpu, "sctlr", m.cpu.sctlr | 1 << 10))
    assert_undefined(m, CODE)


# -- SWP ---------------------------------------------------------------------------
def enable_swp(m: TestMachine) -> None:
    m.cpu.sctlr |= 1 << 10  # SCTLR.SW


def test_swp_undefined_unless_sctlr_sw() -> None:
    """A8.8.229 / B4.1.130: with the Multiprocessing Extensions SWP is UNDEFINED while SCTLR.SW == 0."""
    m = run([swp(0, 1, 2)], regs={2: D})
    assert_undefined(m, CODE)


def test_swp_and_swpb() -> None:
    """A8.8.229 SWP, SWPB: the old memory value to Rt, Rt2 to memory (Rt == Rt2 allowed)."""
    m = run([swp(0, 1, 2), swp(3, 3, 4, B=1)], regs={1: 0x1111, 2: D, 3: 0x1AB, 4: D + 8},
            mem={D: 0x2222, D + 8: 0x4455}, setup=enable_swp)
    assert m.regs[0] == 0x2222 and word(m, D) == 0x1111
    assert m.regs[3] == 0x55 and word(m, D + 8) == 0x44AB


def test_swp_unaligned_faults() -> None:
    """A3.2.1: SWP requires word alignment."""
    m = run([swp(0, 1, 2)], regs={2: D + 2}, setup=enable_swp)
    assert_data_abort(m, CODE, D + 2, FS_ALIGNMENT, False)


# -- hints and conditions -----------------------------------------------------------
def test_preload_hints_are_nops() -> None:
    """A8.8.126-130: PLD/PLDW/PLI never fault, even for unmapped addresses."""
    words = [0xF5D0F004, 0xF510F004, 0xF55FF004, 0xF4D0F004, 0xF7D0F101, 0xF710F001, 0xF6D0F001, 0xF410F000, 0xF610F000]
    m = run(words, regs={0: UNMAPPED, 1: 4})
    assert m.cpu.mode == Mode.SVC and m.cpu.regs[15] == CODE + 4 * len(words)
    assert m.regs[0] == UNMAPPED


def test_conditional_load_store() -> None:
    """A8.3: a failed condition skips the access (no writeback, no fault)."""
    words = [ls_imm(LDR, 0, 0, 1, 4, W=1, cond=0x1), ls_imm(STR, 0, 0, 2, 0, cond=0x1)]  # ldrne / strne
    m = run(words, regs={1: UNMAPPED, 2: UNMAPPED}, setup=lambda m: m.cpu.flags.__setitem__(0, 4))
    assert m.regs[1] == UNMAPPED and m.cpu.mode == Mode.SVC
    m = run(words, regs={0: 1, 1: D, 2: D + 0x10}, mem={D + 4: 0x99})
    assert m.regs[0] == 0x99 and m.regs[1] == D + 4 and word(m, D + 0x10) == 0x99


def test_big_endian_halfword_and_word() -> None:
    """A3.3: with CPSR.E = 1 loads and stores are big-endian; LDRD keeps R[t] at the lower address."""

    def setup(m: TestMachine) -> None:
        m.cpu.E = 1
        m.engine.flush()

    words = [x_imm(H, 1, 0, 1, 0), ls_imm(LDR, 0, 2, 1, 0), x_imm(2, 0, 4, 1, 0), ls_imm(STR, 0, 2, 1, 8)]
    m = run(words, regs={1: D}, mem={D: 0x44332211, D + 4: 0x88776655}, setup=setup)
    assert m.regs[0] == 0x1122
    assert m.regs[2] == 0x11223344
    assert (m.regs[4], m.regs[5]) == (0x11223344, 0x55667788)
    assert m.mem.read_bytes(D + 8, 4) == bytes([0x11, 0x22, 0x33, 0x44])


def test_block_wraps_around_address_space() -> None:
    """A8.8.58/A8.8.199: addresses are 32-bit; a block crossing 0xFFFFFFFC wraps to 0."""

    def setup(m: TestMachine) -> None:
        m.mem.map_ram(0xFFFFF000, 0x1000, "top")
        m.mem.load(0xFFFFFFF8, struct.pack("<2I", 0xA, 0xB))
        m.mem.load(0, struct.pack("<I", 0xC))

    m = run([blk(1, 0, 0x000E, W=1)], regs={0: 0xFFFFFFF8}, setup=setup)
    assert (m.regs[1], m.regs[2], m.regs[3], m.regs[0]) == (0xA, 0xB, 0xC, 4)
    m = run([blk(0, 0, 0x0006, P=1, U=0, W=1)], regs={0: 4, 1: 0x11, 2: 0x22}, setup=setup)
    assert m.regs[0] == 0xFFFFFFFC and word(m, 0) == 0x22
    assert struct.unpack("<I", m.mem.read_bytes(0xFFFFFFFC, 4))[0] == 0x11


def test_unrolled_block_ops_match_loop_reference() -> None:
    """A8.8.58-61 / A8.8.199-202: the generated (unrolled) LDM/STM agree with the loop form."""
    import random

    from armsim.isa.contract import InsnInfo
    from armsim.isa.ops import ldst as ops

    rng = random.Random(1234)
    modes = [(True, False), (True, True), (False, True), (False, False)]  # IA, IB, DA, DB
    for _ in range(300):
        load = rng.random() < 0.5
        n = rng.randrange(15)
        registers = rng.randrange(1, 1 << 16)
        if load and n == 13 and rng.random() < 0.5:
            registers |= 0x8000
        wback = rng.random() < 0.5
        increment, wordhigher = rng.choice(modes)
        results = []
        for impl in ("fast", "loop"):
            m = TestMachine()
            for i in range(15):
                m.cpu.regs[i] = 0x100 * (i + 1) + 3
            m.cpu.regs[n] = 0x4000
            m.mem.load(0x3F00, bytes(range(256)) * 2)
            info = InsnInfo(CODE, False, 4, 0)
            if impl == "fast":
                fn = ops.LDM_any if load else ops.STM_any
                op = fn(m.ctx, info, n, registers, wback, increment, wordhigher)
            else:
                top = 15 if load else 16
                rl = tuple(i for i in range(top) if registers >> i & 1)
                pc = load and bool(registers & 0x8000)
                sd, wd = ops._block(len(rl) + pc, increment, wordhigher)
                if load:
                    op = ops._ldm_loop(m.ctx, info, n, rl, pc, wback, sd, wd)
                else:
                    op = ops._stm_loop(m.ctx, info, n, rl, wback, sd, wd)
            m.cpu.regs[15] = CODE + 8
            key = op()
            results.append((key, list(m.cpu.regs[:15]), m.mem.read_bytes(0x3F00, 512)))
        assert results[0] == results[1], (load, n, hex(registers), wback, increment, wordhigher)
