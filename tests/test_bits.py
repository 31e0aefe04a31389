"""Properties of the manual's bit-level helpers against plain unbounded-integer arithmetic.

DDI 0406C A2.2.1 (AddWithCarry, shifts, CountLeadingZeroBits), A2.2.2 (SignedSatQ,
UnsignedSatQ), A5.2.4 (ARMExpandImm_C), A8.4.3 (Shift_C).  The references are written the
simplest way: Python integers of unbounded width, strings of bits.
"""

from __future__ import annotations

from typing import Tuple

from hypothesis import given
from hypothesis import strategies as st

from armsim.isa.bits import (
    AddWithCarry,
    ARMExpandImm_C,
    CountLeadingZeroBits,
    Shift_C,
    SignedSatQ,
    SRType_ASR,
    SRType_LSL,
    SRType_LSR,
    SRType_ROR,
    SRType_RRX,
    UnsignedSatQ,
)

MASK32 = 0xFFFFFFFF
EDGES = [0, 1, 2, 0x7FFFFFFE, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF]
u32 = st.one_of(st.sampled_from(EDGES), st.integers(0, MASK32))
bit = st.integers(0, 1)


def signed(x: int) -> int:
    return x - (1 << 32) if x >> 31 else x


@given(u32, u32, bit)
def test_add_with_carry(x: int, y: int, c: int) -> None:
    """A2.2.1 AddWithCarry: result = (x+y+c) mod 2^32, C = unsigned overflow, V = signed overflow."""
    result, carry, overflow = AddWithCarry(x, y, c)
    total = x + y + c
    assert result == total % (1 << 32)
    assert carry == int(total >= 1 << 32)
    s = signed(x) + signed(y) + c
    assert overflow == int(not -(1 << 31) <= s < 1 << 31)


@given(u32, u32)
def test_subtraction_via_add_with_carry(x: int, y: int) -> None:
    """A8.8.222 SUB: AddWithCarry(x, NOT(y), 1); C is NOT borrow, V is signed overflow of x - y."""
    result, carry, overflow = AddWithCarry(x, ~y & MASK32, 1)
    assert result == (x - y) % (1 << 32)
    assert carry == int(x >= y)
    assert overflow == int(not -(1 << 31) <= signed(x) - signed(y) < 1 << 31)


def ref_shift_c(value: int, srtype: int, amount: int, carry_in: int) -> Tuple[int, int]:
    """Shift a string of bits, one position at a time (A8.4.3, A2.2.1)."""
    if amount == 0:
        return value, carry_in
    bits = format(value, "032b")
    carry = carry_in
    for _ in range(1 if srtype == SRType_RRX else amount):
        if srtype == SRType_LSL:
            carry, bits = int(bits[0]), bits[1:] + "0"
        elif srtype == SRType_LSR:
            carry, bits = int(bits[-1]), "0" + bits[:-1]
        elif srtype == SRType_ASR:
            carry, bits = int(bits[-1]), bits[0] + bits[:-1]
        elif srtype == SRType_ROR:
            carry, bits = int(bits[-1]), bits[-1] + bits[:-1]
        else:  # RRX
            carry, bits = int(bits[-1]), str(carry_in) + bits[:-1]
    return int(bits, 2), carry


@given(u32, st.sampled_from([SRType_LSL, SRType_LSR, SRType_ASR, SRType_ROR]), st.integers(0, 80), bit)
def test_shift_c(value: int, srtype: int, amount: int, carry_in: int) -> None:
    """A8.4.3 Shift_C for amounts 0..80 (register-controlled shifts exceed 32)."""
    assert Shift_C(value, srtype, amount, carry_in) == ref_shift_c(value, srtype, amount, carry_in)


@given(u32, bit)
def test_shift_c_rrx(value: int, carry_in: int) -> None:
    """A2.2.1 RRX_C: rotate right by one through the carry."""
    assert Shift_C(value, SRType_RRX, 1, carry_in) == ref_shift_c(value, SRType_RRX, 1, carry_in)


@given(st.integers(0, 0xFFF), bit)
def test_arm_expand_imm_c(imm12: int, carry_in: int) -> None:
    """A5.2.4: imm8 rotated right by 2*rotate; the carry is bit 31 of the result unless rotate == 0."""
    rotate, imm8 = imm12 >> 8, imm12 & 0xFF
    wide = imm8 | imm8 << 32  # rotating a 32-bit value right = a window of the doubled value
    expected = (wide >> (2 * rotate)) & MASK32
    expected_c = carry_in if rotate == 0 else expected >> 31
    assert ARMExpandImm_C(imm12, carry_in) == (expected, expected_c)


@given(st.integers(-(1 << 40), 1 << 40), st.integers(1, 32))
def test_signed_sat_q(i: int, n: int) -> None:
    """A2.2.2 SignedSatQ: clamp to [-2^(n-1), 2^(n-1)-1], flag when clamped; result as an n-bit pattern."""
    lo, hi = -(1 << (n - 1)), (1 << (n - 1)) - 1
    clamped = min(max(i, lo), hi)
    result, sat = SignedSatQ(i, n)
    assert result == clamped % (1 << n)
    assert bool(sat) == (clamped != i)


@given(st.integers(-(1 << 40), 1 << 40), st.integers(0, 32))
def test_unsigned_sat_q(i: int, n: int) -> None:
    """A2.2.2 UnsignedSatQ: clamp to [0, 2^n - 1]."""
    clamped = min(max(i, 0), (1 << n) - 1)
    result, sat = UnsignedSatQ(i, n)
    assert result == clamped
    assert bool(sat) == (clamped != i)


@given(st.one_of(u32, st.integers(0, 32).map(lambda k: (1 << k) - 1), st.integers(0, 31).map(lambda k: 1 << k)))
def test_count_leading_zero_bits(x: int) -> None:
    """A2.2.1 CountLeadingZeroBits: zeros before the first one in the 32-bit string (32 for 0)."""
    s = format(x, "032b")
    expected = len(s) - len(s.lstrip("0"))
    assert CountLeadingZeroBits(x) == expected
