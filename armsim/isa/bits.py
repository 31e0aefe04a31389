"""Bit-level pseudocode from the ARM ARM (DDI 0406C, A2.2 and P5 "Pseudocode").

Names follow the manual.  Values are Python ints holding unsigned N-bit
quantities; helpers take the width where the manual's functions do.
"""

from __future__ import annotations

from typing import Tuple

MASK32 = 0xFFFFFFFF

# Shift types as returned by DecodeImmShift / DecodeRegShift (A8.4.3).
SRType_LSL = 0
SRType_LSR = 1
SRType_ASR = 2
SRType_ROR = 3
SRType_RRX = 4


def AddWithCarry(x: int, y: int, carry_in: int) -> Tuple[int, int, int]:
    """A2.2.1: 32-bit add returning (result, carry_out, overflow)."""
    unsigned_sum = x + y + carry_in
    result = unsigned_sum & MASK32
    carry_out = 1 if unsigned_sum > MASK32 else 0
    # overflow: signed(x) + signed(y) + c != signed(result)
    overflow = ((x ^ result) & (y ^ result)) >> 31
    return result, carry_out, overflow


def SignExtend(x: int, bits: int) -> int:
    """Interpret the low ``bits`` bits of x as two's complement (returns a Python int)."""
    sign = 1 << (bits - 1)
    x &= (1 << bits) - 1
    return (x ^ sign) - sign


def LSL_C(x: int, shift: int) -> Tuple[int, int]:
    """A2.2.1 LSL_C for 32-bit x, shift > 0."""
    extended = x << shift
    return extended & MASK32, (extended >> 32) & 1


def LSR_C(x: int, shift: int) -> Tuple[int, int]:
    """A2.2.1 LSR_C for 32-bit x, shift > 0."""
    return (x >> shift) & MASK32, (x >> (shift - 1)) & 1


def ASR_C(x: int, shift: int) -> Tuple[int, int]:
    """A2.2.1 ASR_C for 32-bit x, shift > 0."""
    sx = x - ((x & 0x80000000) << 1)
    return (sx >> shift) & MASK32, (sx >> (shift - 1)) & 1


def ROR_C(x: int, shift: int) -> Tuple[int, int]:
    """A2.2.1 ROR_C for 32-bit x, shift != 0."""
    m = shift % 32
    result = ((x >> m) | (x << (32 - m))) & MASK32
    return result, result >> 31


def RRX_C(x: int, carry_in: int) -> Tuple[int, int]:
    """A2.2.1 RRX_C."""
    return (carry_in << 31) | (x >> 1), x & 1


def ROR(x: int, shift: int) -> int:
    """A2.2.1 ROR."""
    if shift == 0:
        return x
    return ROR_C(x, shift)[0]


def Shift_C(value: int, srtype: int, amount: int, carry_in: int) -> Tuple[int, int]:
    """A8.4.3 Shift_C: amount may exceed 32 for register-controlled shifts."""
    if amount == 0:
        return value, carry_in
    if srtype == SRType_LSL:
        if amount > 32:
            return 0, 0
        return LSL_C(value, amount)
    if srtype == SRType_LSR:
        if amount > 32:
            return 0, 0
        return LSR_C(value, amount)
    if srtype == SRType_ASR:
        if amount >= 32:
            bit = value >> 31
            return (MASK32 if bit else 0), bit
        return ASR_C(value, amount)
    if srtype == SRType_ROR:
        return ROR_C(value, amount)
    return RRX_C(value, carry_in)


def Shift(value: int, srtype: int, amount: int, carry_in: int) -> int:
    """A8.4.3 Shift."""
    return Shift_C(value, srtype, amount, carry_in)[0]


def DecodeImmShift(type2: int, imm5: int) -> Tuple[int, int]:
    """A8.4.3 DecodeImmShift: (shift_t, shift_n)."""
    if type2 == 0:
        return SRType_LSL, imm5
    if type2 == 1:
        return SRType_LSR, 32 if imm5 == 0 else imm5
    if type2 == 2:
        return SRType_ASR, 32 if imm5 == 0 else imm5
    if imm5 == 0:
        return SRType_RRX, 1
    return SRType_ROR, imm5


def DecodeRegShift(type2: int) -> int:
    """A8.4.3 DecodeRegShift."""
    return type2


def ARMExpandImm_C(imm12: int, carry_in: int) -> Tuple[int, int]:
    """A5.2.4 ARMExpandImm_C: rotate imm8 right by 2*rotate."""
    unrotated = imm12 & 0xFF
    rot = 2 * (imm12 >> 8)
    if rot == 0:
        return unrotated, carry_in
    return ROR_C(unrotated, rot)


def ARMExpandImm(imm12: int) -> int:
    """A5.2.4 ARMExpandImm (the carry is irrelevant)."""
    return ARMExpandImm_C(imm12, 0)[0]


def ThumbExpandImm_C(imm12: int, carry_in: int) -> Tuple[int, int]:
    """A6.3.2 ThumbExpandImm_C.  Raises ValueError for the UNPREDICTABLE zero patterns."""
    if (imm12 >> 10) == 0:
        imm8 = imm12 & 0xFF
        sel = (imm12 >> 8) & 3
        if sel == 0:
            return imm8, carry_in
        if imm8 == 0:
            raise ValueError("UNPREDICTABLE ThumbExpandImm with imm8 == 0")
        if sel == 1:
            return (imm8 << 16) | imm8, carry_in
        if sel == 2:
            return (imm8 << 24) | (imm8 << 8), carry_in
        return (imm8 << 24) | (imm8 << 16) | (imm8 << 8) | imm8, carry_in
    unrotated = 0x80 | (imm12 & 0x7F)
    return ROR_C(unrotated, imm12 >> 7)


def SignedSatQ(i: int, n: int) -> Tuple[int, int]:
    """A2.2.2 SignedSatQ: (result as unsigned n-bit pattern, saturated)."""
    hi = (1 << (n - 1)) - 1
    lo = -(1 << (n - 1))
    if i > hi:
        return hi & ((1 << n) - 1), 1
    if i < lo:
        return lo & ((1 << n) - 1), 1
    return i & ((1 << n) - 1), 0


def UnsignedSatQ(i: int, n: int) -> Tuple[int, int]:
    """A2.2.2 UnsignedSatQ: (result, saturated)."""
    hi = (1 << n) - 1
    if i > hi:
        return hi, 1
    if i < 0:
        return 0, 1
    return i, 0


def CountLeadingZeroBits(x: int) -> int:
    """A2.2.1 CountLeadingZeroBits for a 32-bit value."""
    return 32 - x.bit_length()


def BitCount(x: int) -> int:
    """A2.2.1 BitCount."""
    return bin(x).count("1")


def LowestSetBit(x: int) -> int:
    """A2.2.1 LowestSetBit (N if none set)."""
    if x == 0:
        return 32
    return (x & -x).bit_length() - 1
