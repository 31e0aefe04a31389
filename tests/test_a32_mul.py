"""A32 multiplies, saturating add/subtract and divide (DDI 0406C A5.2.5-A5.2.7, A5.4.4)."""

from __future__ import annotations

import random
from typing import Dict, Tuple, Union

import pytest

from armsim.cpu.modes import Mode
from armsim.isa import a32
from armsim.isa.bits import SignExtend
from tests.helpers import CODE, TestMachine, run_words

M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1
EDGES = (0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF)

N_FLAG, Z_FLAG, C_FLAG, V_FLAG = 8, 4, 2, 1

Result = Union[int, Tuple[int, int]]


# -- encoders (field layout of the Encoding A1 diagrams) ----------------------


def w(top: int, r16: int, r12: int, r8: int, mid: int, r0: int) -> int:
    """top = cond:bits[27:20]; the four register nibbles and bits[7:4]."""
    return (top << 20) | (r16 << 16) | (r12 << 12) | (r8 << 8) | (mid << 4) | r0


def MUL(d: int, n: int, m: int, s: int = 0) -> int:
    return w(0xE00 | s, d, 0, m, 0x9, n)


def MLA(d: int, n: int, m: int, a: int, s: int = 0) -> int:
    return w(0xE02 | s, d, a, m, 0x9, n)


def UMAAL(lo: int, hi: int, n: int, m: int) -> int:
    return w(0xE04, hi, lo, m, 0x9, n)


def MLS(d: int, n: int, m: int, a: int) -> int:
    return w(0xE06, d, a, m, 0x9, n)


def LONG(op: str, lo: int, hi: int, n: int, m: int, s: int = 0) -> int:
    top = {"UMULL": 0xE08, "UMLAL": 0xE0A, "SMULL": 0xE0C, "SMLAL": 0xE0E}[op]
    return w(top | s, hi, lo, m, 0x9, n)


def QOP(op: str, d: int, m: int, n: int) -> int:
    top = {"QADD": 0xE10, "QSUB": 0xE12, "QDADD": 0xE14, "QDSUB": 0xE16}[op]
    return w(top, n, d, 0, 0x5, m)


def SMLAxy(d: int, n: int, m: int, a: int, x: int, y: int) -> int:
    return w(0xE10, d, a, m, 8 | y << 2 | x << 1, n)


def SMLAWy(d: int, n: int, m: int, a: int, y: int) -> int:
    return w(0xE12, d, a, m, 8 | y << 2, n)


def SMULWy(d: int, n: int, m: int, y: int) -> int:
    return w(0xE12, d, 0, m, 8 | y << 2 | 2, n)


def SMLALxy(lo: int, hi: int, n: int, m: int, x: int, y: int) -> int:
    return w(0xE14, hi, lo, m, 8 | y << 2 | x << 1, n)


def SMULxy(d: int, n: int, m: int, x: int, y: int) -> int:
    return w(0xE16, d, 0, m, 8 | y << 2 | x << 1, n)


def SMLAD(d: int, n: int, m: int, a: int, x: int = 0) -> int:
    """SMLAD{X}; a = 15 encodes SMUAD{X}."""
    return w(0xE70, d, a, m, 1 | x << 1, n)


def SMLSD(d: int, n: int, m: int, a: int, x: int = 0) -> int:
    """SMLSD{X}; a = 15 encodes SMUSD{X}."""
    return w(0xE70, d, a, m, 5 | x << 1, n)


def SDIV(d: int, n: int, m: int) -> int:
    return w(0xE71, d, 15, m, 0x1, n)


def UDIV(d: int, n: int, m: int) -> int:
    return w(0xE73, d, 15, m, 0x1, n)


def SMLALD(lo: int, hi: int, n: int, m: int, x: int = 0) -> int:
    return w(0xE74, hi, lo, m, 1 | x << 1, n)


def SMLSLD(lo: int, hi: int, n: int, m: int, x: int = 0) -> int:
    return w(0xE74, hi, lo, m, 5 | x << 1, n)


def SMMLA(d: int, n: int, m: int, a: int, r: int = 0) -> int:
    """SMMLA{R}; a = 15 encodes SMMUL{R}."""
    return w(0xE75, d, a, m, 1 | r << 1, n)


def SMMLS(d: int, n: int, m: int, a: int, r: int = 0) -> int:
    return w(0xE75, d, a, m, 0xD | r << 1, n)


# -- running ---------------------------------------------------------------------


def run1(word: int, regs: Dict[int, int], nzcv: int = 0, q: int = 0) -> TestMachine:
    def setup(m: TestMachine) -> None:
        for r, v in regs.items():
            m.regs[r] = v
        m.cpu.flags[0] = nzcv
        m.cpu.flags[1] = q

    return run_words([word], setup)


def s32(x: int) -> int:
    return SignExtend(x, 32)


def s16(x: int) -> int:
    return SignExtend(x, 16)


def sat32(x: int) -> Tuple[int, int]:
    """(value, saturated) for SignedSatQ(x, 32) (A2.2.2)."""
    if x > 0x7FFFFFFF:
        return 0x7FFFFFFF, 1
    if x < -0x80000000:
        return 0x80000000, 1
    return x & M32, 0


def assert_undefined(m: TestMachine) -> None:
    assert m.cpu.mode == Mode.UND
    assert m.regs[14] == CODE + 4  # B1.9.6: LR = address of the UNDEFINED instruction + 4


# -- decode ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "word,name",
    [
        (MUL(1, 2, 3), "MUL"),
        (MLA(1, 2, 3, 4), "MLA"),
        (UMAAL(1, 2, 3, 4), "UMAAL"),
        (MLS(1, 2, 3, 4), "MLS"),
        (LONG("UMULL", 1, 2, 3, 4, 1), "UMULL"),
        (LONG("SMLAL", 1, 2, 3, 4), "SMLAL"),
        (QOP("QDSUB", 1, 2, 3), "QDSUB"),
        (SMLAxy(1, 2, 3, 4, 1, 0), "SMLA<x><y>"),
        (SMLAWy(1, 2, 3, 4, 1), "SMLAW<y>"),
        (SMULWy(1, 2, 3, 0), "SMULW<y>"),
        (SMLALxy(1, 2, 3, 4, 0, 1), "SMLAL<x><y>"),
        (SMULxy(1, 2, 3, 1, 1), "SMUL<x><y>"),
        (SMLAD(1, 2, 3, 4), "SMLAD"),
        (SMLAD(1, 2, 3, 15, 1), "SMUAD"),
        (SMLSD(1, 2, 3, 4), "SMLSD"),
        (SMLSD(1, 2, 3, 15), "SMUSD"),
        (SDIV(1, 2, 3), "SDIV"),
        (UDIV(1, 2, 3), "UDIV"),
        (SMLALD(1, 2, 3, 4), "SMLALD"),
        (SMLSLD(1, 2, 3, 4, 1), "SMLSLD"),
        (SMMLA(1, 2, 3, 4), "SMMLA"),
        (SMMLA(1, 2, 3, 15, 1), "SMMUL"),
        (SMMLS(1, 2, 3, 4), "SMMLS"),
    ],
)
def test_decode_names(word: int, name: str) -> None:
    """A5.2.5, A5.2.6, A5.2.7, A5.4.4: each encoding reaches its row."""
    row = a32.lookup(word)
    assert row is not None and row.name == name


@pytest.mark.parametrize(
    "word",
    [
        0xE0500091,  # A5.2.5 op = 0101: UNDEFINED
        0xE0700091,  # A5.2.5 op = 0111: UNDEFINED
        0xE7500051,  # A5.4.4 op1 = 101, op2 = 010: UNDEFINED
        0xE7400091,  # A5.4.4 op1 = 100, op2 = 100: UNDEFINED
    ],
)
def test_unallocated_multiply_space_undefined(word: int) -> None:
    """A5.2.5 / A5.4.4: unallocated op values have no row and take the Undefined exception."""
    assert a32.lookup(word) is None
    assert_undefined(run1(word, {}))


# -- A5.2.5 -------------------------------------------------------------------------


@pytest.mark.parametrize("a", EDGES)
@pytest.mark.parametrize("b", EDGES)
def test_mul_edges(a: int, b: int) -> None:
    """A8.8.114 MUL: low 32 bits of the product."""
    m = run1(MUL(0, 1, 2), {1: a, 2: b})
    assert m.regs[0] == (a * b) & M32


def test_muls_flags_keep_c_v() -> None:
    """A8.8.114 MULS: N and Z from the result, C and V unchanged (ARMv6 and later)."""
    m = run1(MUL(0, 1, 2, s=1), {1: 0x10000, 2: 0x10000}, nzcv=C_FLAG | V_FLAG)
    assert m.regs[0] == 0
    assert m.nzcv == Z_FLAG | C_FLAG | V_FLAG
    m = run1(MUL(0, 1, 2, s=1), {1: 0xFFFFFFFF, 2: 1}, nzcv=Z_FLAG)
    assert m.regs[0] == 0xFFFFFFFF
    assert m.nzcv == N_FLAG
    m = run1(MUL(0, 1, 2, s=0), {1: 0, 2: 5}, nzcv=N_FLAG)
    assert m.nzcv == N_FLAG


def test_mul_rd_equals_rn_allowed() -> None:
    """A8.8.114: ARMv6+ no longer needs Rd != Rn; MUL r1, r1, r1 squares."""
    m = run1(MUL(1, 1, 1), {1: 0x12345})
    assert m.regs[1] == (0x12345 * 0x12345) & M32
    assert m.cpu.mode != Mode.UND


@pytest.mark.parametrize("a", EDGES)
def test_mla_mls(a: int) -> None:
    """A8.8.100 MLA / A8.8.101 MLS: accumulate, modulo 2^32."""
    regs = {1: a, 2: 0xFFFFFFFF, 3: 0x80000001}
    assert run1(MLA(0, 1, 2, 3), regs).regs[0] == (a * 0xFFFFFFFF + 0x80000001) & M32
    assert run1(MLS(0, 1, 2, 3), regs).regs[0] == (0x80000001 - a * 0xFFFFFFFF) & M32


def test_mlas_flags() -> None:
    """A8.8.100 MLAS: N and Z set, C and V kept."""
    m = run1(MLA(0, 1, 2, 3, s=1), {1: 2, 2: 3, 3: 0xFFFFFFFA}, nzcv=N_FLAG | C_FLAG)
    assert m.regs[0] == 0
    assert m.nzcv == Z_FLAG | C_FLAG
    m = run1(MLA(0, 1, 2, 3, s=1), {1: 2, 2: 3, 3: 0x7FFFFFFA})
    assert m.regs[0] == 0x80000000
    assert m.nzcv == N_FLAG


@pytest.mark.parametrize("a", EDGES)
@pytest.mark.parametrize("b", EDGES)
def test_umull_smull_edges(a: int, b: int) -> None:
    """A8.8.257 UMULL / A8.8.189 SMULL: 64-bit products split across RdHi:RdLo."""
    u = run1(LONG("UMULL", 0, 1, 2, 3), {2: a, 3: b})
    assert (u.regs[1] << 32 | u.regs[0]) == a * b
    s = run1(LONG("SMULL", 0, 1, 2, 3), {2: a, 3: b})
    assert (s.regs[1] << 32 | s.regs[0]) == (s32(a) * s32(b)) & M64


def test_smull_known_values() -> None:
    """A8.8.189 SMULL: -1 * 1 = 0xFFFFFFFF_FFFFFFFF; 0x80000000^2 = 0x40000000_00000000."""
    m = run1(LONG("SMULL", 0, 1, 2, 3), {2: 0xFFFFFFFF, 3: 1})
    assert (m.regs[1], m.regs[0]) == (0xFFFFFFFF, 0xFFFFFFFF)
    m = run1(LONG("SMULL", 0, 1, 2, 3), {2: 0x80000000, 3: 0x80000000})
    assert (m.regs[1], m.regs[0]) == (0x40000000, 0)
    m = run1(LONG("UMULL", 0, 1, 2, 3), {2: 0xFFFFFFFF, 3: 0xFFFFFFFF})
    assert (m.regs[1], m.regs[0]) == (0xFFFFFFFE, 0x00000001)


def test_umlal_carry_between_halves() -> None:
    """A8.8.256 UMLAL: the low-word addition carries into RdHi; the 64-bit sum wraps."""
    m = run1(LONG("UMLAL", 0, 1, 2, 3), {0: 0xFFFFFFFF, 1: 0x00000005, 2: 1, 3: 1})
    assert (m.regs[1], m.regs[0]) == (0x00000006, 0x00000000)
    m = run1(LONG("UMLAL", 0, 1, 2, 3), {0: 0xFFFFFFFF, 1: 0xFFFFFFFF, 2: 1, 3: 1})
    assert (m.regs[1], m.regs[0]) == (0, 0)


def test_smlal_negative_product_borrows() -> None:
    """A8.8.178 SMLAL: a negative product borrows from RdHi."""
    m = run1(LONG("SMLAL", 0, 1, 2, 3), {0: 0, 1: 1, 2: 0xFFFFFFFF, 3: 1})
    assert (m.regs[1], m.regs[0]) == (0, 0xFFFFFFFF)
    m = run1(LONG("SMLAL", 0, 1, 2, 3), {0: 0, 1: 0x80000000, 2: 0xFFFFFFFF, 3: 1})
    assert (m.regs[1], m.regs[0]) == (0x7FFFFFFF, 0xFFFFFFFF)


def test_long_multiply_flags() -> None:
    """A8.8.257/256/189/178 with S: N = result<63>, Z = (result<63:0> == 0), C and V kept."""
    m = run1(LONG("UMULL", 0, 1, 2, 3, s=1), {2: 0x10000, 3: 0x10000}, nzcv=C_FLAG | V_FLAG)
    assert (m.regs[1], m.regs[0]) == (1, 0)
    assert m.nzcv == C_FLAG | V_FLAG  # low word zero but the 64-bit result is not
    m = run1(LONG("SMULL", 0, 1, 2, 3, s=1), {2: 0xFFFFFFFF, 3: 1}, nzcv=V_FLAG)
    assert m.nzcv == N_FLAG | V_FLAG
    m = run1(LONG("UMLAL", 0, 1, 2, 3, s=1), {0: 0xFFFFFFFF, 1: 0xFFFFFFFF, 2: 1, 3: 1}, nzcv=C_FLAG)
    assert m.nzcv == Z_FLAG | C_FLAG
    m = run1(LONG("SMLAL", 0, 1, 2, 3, s=1), {0: 0, 1: 0, 2: 0, 3: 0}, nzcv=N_FLAG)
    assert m.nzcv == Z_FLAG


def test_umaal_maximum() -> None:
    """A8.8.255 UMAAL: (2^32-1)^2 + 2(2^32-1) = 2^64 - 1 exactly, no wrap."""
    m = run1(UMAAL(0, 1, 2, 3), {0: M32, 1: M32, 2: M32, 3: M32})
    assert (m.regs[1], m.regs[0]) == (M32, M32)
    m = run1(UMAAL(0, 1, 2, 3), {0: 0xFFFFFFFF, 1: 0x1, 2: 2, 3: 3})
    assert (m.regs[1], m.regs[0]) == (0x1, 0x6)  # 6 + 0xFFFFFFFF + 1 carries into RdHi


# -- A5.2.6 -------------------------------------------------------------------------


def test_qadd_saturates_and_sets_q() -> None:
    """A8.8.134 QADD: Rd = SignedSat(Rm + Rn); Q set (sticky) only on saturation."""
    m = run1(QOP("QADD", 0, 1, 2), {1: 0x7FFFFFFF, 2: 1})
    assert m.regs[0] == 0x7FFFFFFF and m.cpu.flags[1] == 1
    m = run1(QOP("QADD", 0, 1, 2), {1: 0x80000000, 2: 0xFFFFFFFF})
    assert m.regs[0] == 0x80000000 and m.cpu.flags[1] == 1
    m = run1(QOP("QADD", 0, 1, 2), {1: 0x7FFFFFFE, 2: 1})
    assert m.regs[0] == 0x7FFFFFFF and m.cpu.flags[1] == 0
    m = run1(QOP("QADD", 0, 1, 2), {1: 5, 2: 0xFFFFFFFF}, q=1, nzcv=0xF)
    assert m.regs[0] == 4 and m.cpu.flags[1] == 1 and m.nzcv == 0xF


def test_qsub_operand_order() -> None:
    """A8.8.141 QSUB: Rd = SignedSat(Rm - Rn) (Rm is bits 3:0)."""
    m = run1(QOP("QSUB", 0, 1, 2), {1: 10, 2: 3})
    assert m.regs[0] == 7 and m.cpu.flags[1] == 0
    m = run1(QOP("QSUB", 0, 1, 2), {1: 0x80000000, 2: 1})
    assert m.regs[0] == 0x80000000 and m.cpu.flags[1] == 1
    m = run1(QOP("QSUB", 0, 1, 2), {1: 0, 2: 0x80000000})
    assert m.regs[0] == 0x7FFFFFFF and m.cpu.flags[1] == 1


def test_qdadd_qdsub() -> None:
    """A8.8.138 QDADD / A8.8.139 QDSUB: the doubling saturates (setting Q) even if the sum does not."""
    m = run1(QOP("QDADD", 0, 1, 2), {1: 0xFFFFFFFF, 2: 0x40000000})
    assert m.regs[0] == 0x7FFFFFFE and m.cpu.flags[1] == 1  # 2*0x40000000 saturates, then -1
    m = run1(QOP("QDADD", 0, 1, 2), {1: 3, 2: 0x10})
    assert m.regs[0] == 0x23 and m.cpu.flags[1] == 0
    m = run1(QOP("QDSUB", 0, 1, 2), {1: 0xFFFFFFFF, 2: 0x80000000})
    assert m.regs[0] == 0x7FFFFFFF and m.cpu.flags[1] == 1
    m = run1(QOP("QDSUB", 0, 1, 2), {1: 0x80000000, 2: 1})
    assert m.regs[0] == 0x80000000 and m.cpu.flags[1] == 1
    m = run1(QOP("QDSUB", 0, 1, 2), {1: 0, 2: 0xC0000000})
    assert m.regs[0] == 0x7FFFFFFF and m.cpu.flags[1] == 1  # -(2*-2^30) = 2^31 saturates


# -- A5.2.7 -------------------------------------------------------------------------


@pytest.mark.parametrize("x", (0, 1))
@pytest.mark.parametrize("y", (0, 1))
def test_smulxy_halves(x: int, y: int) -> None:
    """A8.8.188 SMUL<x><y>: x selects Rn's half, y Rm's half (T = top)."""
    rn, rm = 0x8000_0003, 0xFFFE_7FFF
    m = run1(SMULxy(0, 1, 2, x, y), {1: rn, 2: rm})
    a = s16(rn >> 16) if x else s16(rn)
    b = s16(rm >> 16) if y else s16(rm)
    assert m.regs[0] == (a * b) & M32
    expected = {(0, 0): 3 * 0x7FFF, (0, 1): 3 * -2, (1, 0): -0x8000 * 0x7FFF, (1, 1): -0x8000 * -2}[(x, y)]
    assert m.regs[0] == expected & M32


def test_smla_q_flag() -> None:
    """A8.8.176 SMLA<x><y>: Q set when the 32-bit accumulation overflows, result wraps."""
    m = run1(SMLAxy(0, 1, 2, 3, 0, 0), {1: 0x8000, 2: 0x8000, 3: 0x7FFFFFFF})
    assert m.regs[0] == (0x40000000 + 0x7FFFFFFF) & M32 and m.cpu.flags[1] == 1
    m = run1(SMLAxy(0, 1, 2, 3, 1, 1), {1: 0x00010000, 2: 0xFFFF0000, 3: 0x80000000})
    assert m.regs[0] == 0x7FFFFFFF and m.cpu.flags[1] == 1  # -1 + -2^31 overflows
    m = run1(SMLAxy(0, 1, 2, 3, 1, 0), {1: 0x00020000, 2: 0x0003, 3: 0xFFFFFFFF})
    assert m.regs[0] == 5 and m.cpu.flags[1] == 0


def test_smlaw_smulw() -> None:
    """A8.8.181 SMLAW<y> / A8.8.190 SMULW<y>: (Rn * half(Rm))<47:16>; SMLAW adds Ra and may set Q."""
    m = run1(SMULWy(0, 1, 2, 0), {1: 0x80000000, 2: 0x8000})
    assert m.regs[0] == 0x40000000  # (-2^31 * -2^15) >> 16
    m = run1(SMULWy(0, 1, 2, 1), {1: 0xFFFFFFFF, 2: 0x00010000})
    assert m.regs[0] == 0xFFFFFFFF  # -1 >> 16 floors to -1
    m = run1(SMLAWy(0, 1, 2, 3, 0), {1: 0x80000000, 2: 0x8000, 3: 0x40000000})
    assert m.regs[0] == 0x80000000 and m.cpu.flags[1] == 1
    m = run1(SMLAWy(0, 1, 2, 3, 1), {1: 0x00030000, 2: 0x00020000, 3: 7})
    assert m.regs[0] == 13 and m.cpu.flags[1] == 0


def test_smlalxy_accumulates_64() -> None:
    """A8.8.179 SMLAL<x><y>: the 64-bit accumulation carries and borrows between halves."""
    m = run1(SMLALxy(0, 1, 2, 3, 0, 0), {0: 0xFFFFFFFF, 1: 0, 2: 1, 3: 1})
    assert (m.regs[1], m.regs[0]) == (1, 0)
    m = run1(SMLALxy(0, 1, 2, 3, 1, 0), {0: 0, 1: 0, 2: 0xFFFF0000, 3: 1})
    assert (m.regs[1], m.regs[0]) == (M32, M32)


# -- A5.4.4 -------------------------------------------------------------------------


def test_smuad_q_and_swap() -> None:
    """A8.8.187 SMUAD{X}: only (-2^15)^2 * 2 overflows, setting Q; X swaps Rm's halves."""
    m = run1(SMLAD(0, 1, 2, 15), {1: 0x80008000, 2: 0x80008000})
    assert m.regs[0] == 0x80000000 and m.cpu.flags[1] == 1
    m = run1(SMLAD(0, 1, 2, 15), {1: 0x00020003, 2: 0x00050007})
    assert m.regs[0] == 3 * 7 + 2 * 5 and m.cpu.flags[1] == 0
    m = run1(SMLAD(0, 1, 2, 15, x=1), {1: 0x00020003, 2: 0x00050007})
    assert m.regs[0] == 3 * 5 + 2 * 7


def test_smusd() -> None:
    """A8.8.191 SMUSD{X}: product1 - product2, never sets Q."""
    m = run1(SMLSD(0, 1, 2, 15), {1: 0x00020003, 2: 0x00050007})
    assert m.regs[0] == 21 - 10
    m = run1(SMLSD(0, 1, 2, 15, x=1), {1: 0x00020003, 2: 0x00050007})
    assert m.regs[0] == (15 - 14) & M32
    m = run1(SMLSD(0, 1, 2, 15), {1: 0x80000000, 2: 0x80000000})
    assert m.regs[0] == (0 - 0x40000000) & M32 and m.cpu.flags[1] == 0
    m = run1(SMLSD(0, 1, 2, 15), {1: 0x7FFF8000, 2: 0x80008000})
    assert m.regs[0] == 0x7FFF8000  # 2^30 - (0x7FFF * -2^15) fits in 32 bits
    assert m.cpu.flags[1] == 0


def test_smlad_smlsd_q() -> None:
    """A8.8.177 SMLAD / A8.8.182 SMLSD: Q set when the sum with Ra overflows 32 bits."""
    m = run1(SMLAD(0, 1, 2, 3), {1: 0x00010001, 2: 0x00010001, 3: 0x7FFFFFFF})
    assert m.regs[0] == 0x80000001 and m.cpu.flags[1] == 1
    m = run1(SMLAD(0, 1, 2, 3), {1: 0x00010001, 2: 0x00010001, 3: 0x7FFFFFFD})
    assert m.regs[0] == 0x7FFFFFFF and m.cpu.flags[1] == 0
    m = run1(SMLSD(0, 1, 2, 3), {1: 0x00010000, 2: 0x00010000, 3: 0x80000000})
    assert m.regs[0] == 0x7FFFFFFF and m.cpu.flags[1] == 1
    m = run1(SMLSD(0, 1, 2, 3, x=1), {1: 0x00020003, 2: 0x00050007, 3: 100})
    assert m.regs[0] == 101 and m.cpu.flags[1] == 0


def test_smlald_smlsld_64() -> None:
    """A8.8.180 SMLALD / A8.8.183 SMLSLD: 64-bit accumulation with carries between halves."""
    m = run1(SMLALD(0, 1, 2, 3), {0: 0xFFFFFFFF, 1: 0x7FFFFFFF, 2: 0x00010001, 3: 0x00010001})
    assert (m.regs[1], m.regs[0]) == (0x80000000, 1)
    m = run1(SMLSLD(0, 1, 2, 3), {0: 0, 1: 0, 2: 0x00010000, 3: 0x00010000})
    assert (m.regs[1], m.regs[0]) == (M32, M32)
    m = run1(SMLSLD(0, 1, 2, 3, x=1), {0: 5, 1: 1, 2: 0x00020003, 3: 0x00050007})
    assert (m.regs[1], m.regs[0]) == (1, 6)
    assert m.cpu.flags[1] == 0


def test_smmul_rounding() -> None:
    """A8.8.186 SMMUL{R}: the high word of the product; R adds 0x80000000 first."""
    regs = {1: 0x40000000, 2: 0x00000003}  # product 0xC0000000: high 0, rounds to 1
    assert run1(SMMLA(0, 1, 2, 15), regs).regs[0] == 0
    assert run1(SMMLA(0, 1, 2, 15, r=1), regs).regs[0] == 1
    regs = {1: 0xFFFFFFFF, 2: 1}  # product -1: high word -1, rounds to 0
    assert run1(SMMLA(0, 1, 2, 15), regs).regs[0] == 0xFFFFFFFF
    assert run1(SMMLA(0, 1, 2, 15, r=1), regs).regs[0] == 0
    regs = {1: 0x80000000, 2: 0x80000000}
    assert run1(SMMLA(0, 1, 2, 15, r=1), regs).regs[0] == 0x40000000


def test_smmla_smmls() -> None:
    """A8.8.184 SMMLA{R} / A8.8.185 SMMLS{R}: (Ra:0 +/- product)<63:32>, optionally rounded."""
    m = run1(SMMLA(0, 1, 2, 3), {1: 0x80000000, 2: 0x80000000, 3: 0xC0000000})
    assert m.regs[0] == 0
    m = run1(SMMLA(0, 1, 2, 3, r=1), {1: 0x40000000, 2: 3, 3: 0x7FFFFFFF})
    assert m.regs[0] == 0x80000000  # wraps, no Q
    assert m.cpu.flags[1] == 0
    m = run1(SMMLS(0, 1, 2, 3), {1: 1, 2: 1, 3: 5})
    assert m.regs[0] == 4  # (5<<32) - 1 -> high word 4
    m = run1(SMMLS(0, 1, 2, 3, r=1), {1: 1, 2: 1, 3: 5})
    assert m.regs[0] == 5
    m = run1(SMMLS(0, 1, 2, 3), {1: 0x80000000, 2: 0x80000000, 3: 0})
    assert m.regs[0] == 0xC0000000


@pytest.mark.parametrize(
    "n,m,q",
    [
        (7, 2, 3),
        (0xFFFFFFF9, 2, 0xFFFFFFFD),  # -7 / 2 = -3 (towards zero)
        (7, 0xFFFFFFFE, 0xFFFFFFFD),
        (0xFFFFFFF9, 0xFFFFFFFE, 3),
        (0x80000000, 0xFFFFFFFF, 0x80000000),  # overflow wraps
        (0x80000000, 1, 0x80000000),
        (0x7FFFFFFF, 0x7FFFFFFF, 1),
        (5, 0, 0),  # divide by zero: 0, no trap
        (0x80000000, 0, 0),
        (0, 0xFFFFFFFF, 0),
    ],
)
def test_sdiv(n: int, m: int, q: int) -> None:
    """A8.8.165 SDIV: rounds towards zero; division by zero gives 0."""
    mach = run1(SDIV(0, 1, 2), {1: n, 2: m, 0: 0x55})
    assert mach.regs[0] == q
    assert mach.cpu.mode != Mode.UND


@pytest.mark.parametrize(
    "n,m,q",
    [(7, 2, 3), (0xFFFFFFFF, 1, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF, 1), (0x80000000, 0xFFFFFFFF, 0), (9, 0, 0)],
)
def test_udiv(n: int, m: int, q: int) -> None:
    """A8.8.248 UDIV: unsigned quotient; division by zero gives 0."""
    assert run1(UDIV(0, 1, 2), {1: n, 2: m, 0: 0x55}).regs[0] == q


def test_conditional_multiply_skipped() -> None:
    """A8.3.1: a failed condition leaves Rd and the flags alone."""
    word = (MUL(0, 1, 2, s=1) & 0x0FFFFFFF) | (0x0 << 28)  # EQ
    m = run1(word, {0: 0x55, 1: 3, 2: 4}, nzcv=0)
    assert m.regs[0] == 0x55 and m.nzcv == 0
    m = run1(word, {0: 0x55, 1: 3, 2: 4}, nzcv=Z_FLAG)
    assert m.regs[0] == 12 and m.nzcv == 0


# -- UNPREDICTABLE -> UNDEFINED -----------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        MUL(15, 1, 2),
        MUL(0, 15, 2),
        MUL(0, 1, 15),
        MLA(0, 1, 2, 15),
        MLS(0, 1, 2, 15),
        UMAAL(0, 15, 2, 3),
        LONG("UMULL", 15, 1, 2, 3),
        LONG("UMLAL", 0, 1, 15, 3),
        LONG("SMULL", 0, 1, 2, 15),
        LONG("SMLAL", 0, 15, 2, 3),
        QOP("QADD", 15, 1, 2),
        QOP("QSUB", 0, 15, 2),
        QOP("QDADD", 0, 1, 15),
        SMLAxy(0, 1, 2, 15, 0, 0),
        SMLAWy(0, 15, 2, 3, 1),
        SMULWy(15, 1, 2, 0),
        SMLALxy(0, 1, 2, 15, 1, 1),
        SMULxy(0, 1, 15, 0, 1),
        SMLAD(15, 1, 2, 3),
        SMLAD(0, 1, 15, 15),  # SMUAD
        SMLSD(0, 15, 2, 3),
        SMLSD(15, 1, 2, 15),  # SMUSD
        SDIV(15, 1, 2),
        UDIV(0, 15, 2),
        SMLALD(15, 1, 2, 3),
        SMLSLD(0, 1, 2, 15),
        SMMLA(0, 15, 2, 3),
        SMMLA(15, 1, 2, 15),  # SMMUL
        SMMLS(0, 1, 2, 15),  # Ra == 15 has no SMMUL-like alias for SMMLS
    ],
)
def test_pc_operand_undefined(word: int) -> None:
    """UNPREDICTABLE (R15 operand, A8.8.x encoding A1): armsim takes the Undefined exception."""
    assert_undefined(run1(word, {0: 1, 1: 2, 2: 3, 3: 4}))


@pytest.mark.parametrize(
    "word",
    [
        UMAAL(4, 4, 2, 3),
        LONG("UMULL", 4, 4, 2, 3),
        LONG("UMLAL", 4, 4, 2, 3, s=1),
        LONG("SMULL", 4, 4, 2, 3),
        LONG("SMLAL", 4, 4, 2, 3),
        SMLALxy(4, 4, 2, 3, 0, 0),
        SMLALD(4, 4, 2, 3),
        SMLSLD(4, 4, 2, 3),
    ],
)
def test_rdhi_equals_rdlo_undefined(word: int) -> None:
    """UNPREDICTABLE (dHi == dLo) in the 64-bit multiplies: armsim takes the Undefined exception."""
    m = run1(word, {4: 0x1234, 2: 3, 3: 4})
    assert_undefined(m)


# -- cross-check against the manual's pseudocode (written with SignExtend) -------


def _reference(op: str, rn: int, rm: int, ra: int, lo: int, hi: int, q: int) -> Tuple[Result, int]:
    """The A8.8.x pseudocode with mathematical integers; returns (rd or (hi, lo), q)."""
    acc64 = (hi << 32) | lo
    if op == "SMLABT":
        r = s16(rn) * s16(rm >> 16) + s32(ra)
        return r & M32, q | (r != s32(r & M32))
    if op == "SMLAWT":
        r = s32(rn) * s16(rm >> 16) + (s32(ra) << 16)
        v = (r >> 16) & M32
        return v, q | ((r >> 16) != s32(v))
    if op == "SMLALTB":
        r = (s16(rn >> 16) * s16(rm) + acc64) & M64
        return (r >> 32, r & M32), q
    if op == "SMLADX":
        r = s16(rn) * s16(rm >> 16) + s16(rn >> 16) * s16(rm) + s32(ra)
        return r & M32, q | (r != s32(r & M32))
    if op == "SMLSD":
        r = s16(rn) * s16(rm) - s16(rn >> 16) * s16(rm >> 16) + s32(ra)
        return r & M32, q | (r != s32(r & M32))
    if op == "SMLSLDX":
        r = (s16(rn) * s16(rm >> 16) - s16(rn >> 16) * s16(rm) + s64(acc64)) & M64
        return (r >> 32, r & M32), q
    if op == "SMMLSR":
        r = (s32(ra) << 32) - s32(rn) * s32(rm) + 0x80000000
        return (r >> 32) & M32, q
    if op == "SMLAL":
        r = (s32(rn) * s32(rm) + s64(acc64)) & M64
        return (r >> 32, r & M32), q
    if op == "QDSUB":
        d, sat1 = sat32(2 * s32(rn))
        v, sat2 = sat32(s32(rm) - s32(d))
        return v, q | sat1 | sat2
    if op == "SDIV":
        if rm == 0:
            return 0, q
        a, b = s32(rn), s32(rm)
        mag = abs(a) // abs(b)
        return (mag if (a < 0) == (b < 0) else -mag) & M32, q
    raise AssertionError(op)


def s64(x: int) -> int:
    return SignExtend(x, 64)


_RANDOM_OPS = {
    "SMLABT": SMLAxy(0, 1, 2, 3, 0, 1),
    "SMLAWT": SMLAWy(0, 1, 2, 3, 1),
    "SMLALTB": SMLALxy(4, 5, 1, 2, 1, 0),
    "SMLADX": SMLAD(0, 1, 2, 3, x=1),
    "SMLSD": SMLSD(0, 1, 2, 3),
    "SMLSLDX": SMLSLD(4, 5, 1, 2, x=1),
    "SMMLSR": SMMLS(0, 1, 2, 3, r=1),
    "SMLAL": LONG("SMLAL", 4, 5, 1, 2),
    "QDSUB": QOP("QDSUB", 0, 2, 1),
    "SDIV": SDIV(0, 1, 2),
}


def _interesting(rng: random.Random) -> int:
    choice = rng.randrange(4)
    if choice == 0:
        return rng.choice((*EDGES, 0x8000, 0x7FFF, 0xFFFF8000, 0x80008000, 0x7FFF7FFF))
    if choice == 1:
        return rng.randrange(1 << 16) * 0x10001 & M32
    return rng.getrandbits(32)


@pytest.mark.parametrize("op", sorted(_RANDOM_OPS))
def test_random_against_pseudocode(op: str) -> None:
    """A8.8.x: random and boundary operands agree with the manual's pseudocode written directly."""
    rng = random.Random(op)
    for _ in range(150):
        rn, rm, ra, lo, hi = (_interesting(rng) for _ in range(5))
        q0 = rng.randrange(2)
        m = run1(_RANDOM_OPS[op], {1: rn, 2: rm, 3: ra, 4: lo, 5: hi}, q=q0)
        want, want_q = _reference(op, rn, rm, ra, lo, hi, q0)
        got: Result = (m.regs[5], m.regs[4]) if isinstance(want, tuple) else m.regs[0]
        assert got == want, (op, hex(rn), hex(rm), hex(ra), hex(lo), hex(hi))
        assert m.cpu.flags[1] == int(want_q)
