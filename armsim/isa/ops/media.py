"""Media instruction semantics (DDI 0406C A5.4, except the A5.4.4 multiplies).

Parallel add/subtract (A5.4.1), packing, unpacking, saturation and reversal
(A5.4.3), sum of absolute differences and the bit-field instructions of A5.4.
Builders take decoded arguments (register numbers, rotation, saturate_to,
shift, bit positions) so A32 and T32 encodings share them; the encodings'
UNPREDICTABLE register checks belong to the callers.  No operation here
writes the PC: every encoding makes a PC destination UNPREDICTABLE.

Signed lanes are handled with a bias: XOR-ing a lane with its sign bit
(0x8000 or 0x80) maps SInt(x) to SInt(x) + 0x8000 (or + 0x80), an unsigned
value.  The difference of two biased lanes is the signed difference; the sum
of two biased lanes is the signed sum + 0x10000 (+ 0x100), so "sum >= 0" is
"biased sum >= 0x10000" and the low lane bits of both sums are equal.

GE bits (flags[2], GE[3:0]) follow the manual's pseudocode: for halfword
operations GE[1:0] both reflect the low lane and GE[3:2] the high lane.
"""

from __future__ import annotations

from typing import Callable, Dict, Tuple

from armsim.isa.bits import SRType_ASR, SRType_LSL
from armsim.isa.contract import ExecContext, InsnInfo, Op, Unpredictable

M32 = 0xFFFFFFFF
B16 = 0x80008000  # the sign bits of both halfwords
B8 = 0x80808080  # the sign bits of all four bytes

ParallelBuilder = Callable[[ExecContext, InsnInfo, int, int, int], Op]

# Byte-lane arithmetic without carries between lanes: adding the low seven bits
# of each lane cannot carry out of the lane, and bit 7 of that partial sum is the
# carry into bit 7; the lane's carry out is then majority(a7, b7, carry-in).
# Subtraction is the same with (a | 0x80) - (b & 0x7F): bit 7 of the partial
# difference is 1 when no borrow came from the low seven bits.  Multiplying
# the four bit-7 flags by 0x204081 (1 + 2^7 + 2^14 + 2^21) moves bits 7, 15,
# 23, 31 to bits 28-31 (the shifted copies land on distinct bit positions, so
# nothing carries).


# ---------------------------------------------------------------------------
# A5.4.1 Parallel addition and subtraction: signed with GE (S prefix)
# ---------------------------------------------------------------------------


def SADD16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.158 SADD16: two signed halfword additions; GE[1:0], GE[3:2] = sum >= 0."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B16
        b = regs[m] ^ B16
        lo = (a & 0xFFFF) + (b & 0xFFFF)
        hi = (a >> 16) + (b >> 16)
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        flags[2] = (lo >> 16) * 3 | (hi >> 16) * 12
        return nxt

    return op


def SASX(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.160 SASX: low = Rn.lo - Rm.hi, high = Rn.hi + Rm.lo (signed); GE per lane >= 0."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B16
        b = regs[m] ^ B16
        lo = (a & 0xFFFF) - (b >> 16)
        hi = (a >> 16) + (b & 0xFFFF)
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        flags[2] = (~lo >> 16 & 3) | (hi >> 16) * 12
        return nxt

    return op


def SSAX(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.195 SSAX: low = Rn.lo + Rm.hi, high = Rn.hi - Rm.lo (signed); GE per lane >= 0."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B16
        b = regs[m] ^ B16
        lo = (a & 0xFFFF) + (b >> 16)
        hi = (a >> 16) - (b & 0xFFFF)
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        flags[2] = (lo >> 16) * 3 | (~hi >> 16 & 12)
        return nxt

    return op


def SSUB16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.196 SSUB16: two signed halfword subtractions; GE per lane = diff >= 0."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B16
        b = regs[m] ^ B16
        lo = (a & 0xFFFF) - (b & 0xFFFF)
        hi = (a >> 16) - (b >> 16)
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        flags[2] = (~lo >> 16 & 3) | (~hi >> 16 & 12)
        return nxt

    return op


def SADD8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.159 SADD8: four signed byte additions; GE[i] = sum_i >= 0 (the biased sum carries out)."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B8
        b = regs[m] ^ B8
        x = a ^ b
        low = (a & 0x7F7F7F7F) + (b & 0x7F7F7F7F)
        regs[d] = low ^ (x & 0x80808080)
        flags[2] = ((a & b | x & low) & 0x80808080) * 0x204081 >> 28 & 0xF
        return nxt

    return op


def SSUB8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.197 SSUB8: four signed byte subtractions; GE[i] = diff_i >= 0 (no borrow from the biased lanes)."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B8
        b = regs[m] ^ B8
        t = (a | 0x80808080) - (b & 0x7F7F7F7F)
        regs[d] = t ^ ((a ^ b ^ 0x80808080) & 0x80808080)
        flags[2] = ((a & ~b | ~(a ^ b) & t) & 0x80808080) * 0x204081 >> 28 & 0xF
        return nxt

    return op


def UADD16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.243 UADD16: two unsigned halfword additions; GE per lane = sum >= 0x10000."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        lo = (a & 0xFFFF) + (b & 0xFFFF)
        hi = (a >> 16) + (b >> 16)
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        flags[2] = (lo >> 16) * 3 | (hi >> 16) * 12
        return nxt

    return op


def UASX(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.245 UASX: low = Rn.lo - Rm.hi (GE: >= 0), high = Rn.hi + Rm.lo (GE: >= 0x10000)."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        lo = (a & 0xFFFF) - (b >> 16)
        hi = (a >> 16) + (b & 0xFFFF)
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        flags[2] = (~lo >> 16 & 3) | (hi >> 16) * 12
        return nxt

    return op


def USAX(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.268 USAX: low = Rn.lo + Rm.hi (GE: >= 0x10000), high = Rn.hi - Rm.lo (GE: >= 0)."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        lo = (a & 0xFFFF) + (b >> 16)
        hi = (a >> 16) - (b & 0xFFFF)
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        flags[2] = (lo >> 16) * 3 | (~hi >> 16 & 12)
        return nxt

    return op


def USUB16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.269 USUB16: two unsigned halfword subtractions; GE per lane = diff >= 0."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        lo = (a & 0xFFFF) - (b & 0xFFFF)
        hi = (a >> 16) - (b >> 16)
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        flags[2] = (~lo >> 16 & 3) | (~hi >> 16 & 12)
        return nxt

    return op


def UADD8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.244 UADD8: four unsigned byte additions; GE[i] = sum_i >= 0x100 (carry out of lane i)."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        x = a ^ b
        low = (a & 0x7F7F7F7F) + (b & 0x7F7F7F7F)
        regs[d] = low ^ (x & 0x80808080)
        flags[2] = ((a & b | x & low) & 0x80808080) * 0x204081 >> 28 & 0xF
        return nxt

    return op


def USUB8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.270 USUB8: four unsigned byte subtractions; GE[i] = diff_i >= 0 (no borrow out of lane i)."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        t = (a | 0x80808080) - (b & 0x7F7F7F7F)
        regs[d] = t ^ ((a ^ b ^ 0x80808080) & 0x80808080)
        flags[2] = ((a & ~b | ~(a ^ b) & t) & 0x80808080) * 0x204081 >> 28 & 0xF
        return nxt

    return op


def QADD16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.135 QADD16: two halfword additions saturated to 16-bit signed."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B16
        b = regs[m] ^ B16
        lo = (a & 0xFFFF) + (b & 0xFFFF)
        hi = (a >> 16) + (b >> 16)
        if lo > 0x17FFF:
            lo = 0x7FFF
        elif lo < 0x8000:
            lo = 0x8000
        if hi > 0x17FFF:
            hi = 0x7FFF
        elif hi < 0x8000:
            hi = 0x8000
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        return nxt

    return op


def QASX(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.137 QASX: low = SignedSat(Rn.lo - Rm.hi), high = SignedSat(Rn.hi + Rm.lo)."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B16
        b = regs[m] ^ B16
        lo = (a & 0xFFFF) - (b >> 16)
        hi = (a >> 16) + (b & 0xFFFF)
        if lo > 0x7FFF:
            lo = 0x7FFF
        elif lo < -0x8000:
            lo = 0x8000
        if hi > 0x17FFF:
            hi = 0x7FFF
        elif hi < 0x8000:
            hi = 0x8000
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        return nxt

    return op


def QSAX(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.140 QSAX: low = SignedSat(Rn.lo + Rm.hi), high = SignedSat(Rn.hi - Rm.lo)."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B16
        b = regs[m] ^ B16
        lo = (a & 0xFFFF) + (b >> 16)
        hi = (a >> 16) - (b & 0xFFFF)
        if lo > 0x17FFF:
            lo = 0x7FFF
        elif lo < 0x8000:
            lo = 0x8000
        if hi > 0x7FFF:
            hi = 0x7FFF
        elif hi < -0x8000:
            hi = 0x8000
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        return nxt

    return op


def QSUB16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.142 QSUB16: two halfword subtractions saturated to 16-bit signed."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B16
        b = regs[m] ^ B16
        lo = (a & 0xFFFF) - (b & 0xFFFF)
        hi = (a >> 16) - (b >> 16)
        if lo > 0x7FFF:
            lo = 0x7FFF
        elif lo < -0x8000:
            lo = 0x8000
        if hi > 0x7FFF:
            hi = 0x7FFF
        elif hi < -0x8000:
            hi = 0x8000
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        return nxt

    return op


def QADD8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.136 QADD8: four byte additions saturated to 8-bit signed."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B8
        b = regs[m] ^ B8
        s0 = (a & 0xFF) + (b & 0xFF)
        s1 = (a >> 8 & 0xFF) + (b >> 8 & 0xFF)
        s2 = (a >> 16 & 0xFF) + (b >> 16 & 0xFF)
        s3 = (a >> 24) + (b >> 24)
        if s0 > 0x17F:
            s0 = 0x7F
        elif s0 < 0x80:
            s0 = 0x80
        if s1 > 0x17F:
            s1 = 0x7F
        elif s1 < 0x80:
            s1 = 0x80
        if s2 > 0x17F:
            s2 = 0x7F
        elif s2 < 0x80:
            s2 = 0x80
        if s3 > 0x17F:
            s3 = 0x7F
        elif s3 < 0x80:
            s3 = 0x80
        regs[d] = (s3 & 0xFF) << 24 | (s2 & 0xFF) << 16 | (s1 & 0xFF) << 8 | (s0 & 0xFF)
        return nxt

    return op


def QSUB8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.143 QSUB8: four byte subtractions saturated to 8-bit signed."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B8
        b = regs[m] ^ B8
        s0 = (a & 0xFF) - (b & 0xFF)
        s1 = (a >> 8 & 0xFF) - (b >> 8 & 0xFF)
        s2 = (a >> 16 & 0xFF) - (b >> 16 & 0xFF)
        s3 = (a >> 24) - (b >> 24)
        if s0 > 0x7F:
            s0 = 0x7F
        elif s0 < -0x80:
            s0 = 0x80
        if s1 > 0x7F:
            s1 = 0x7F
        elif s1 < -0x80:
            s1 = 0x80
        if s2 > 0x7F:
            s2 = 0x7F
        elif s2 < -0x80:
            s2 = 0x80
        if s3 > 0x7F:
            s3 = 0x7F
        elif s3 < -0x80:
            s3 = 0x80
        regs[d] = (s3 & 0xFF) << 24 | (s2 & 0xFF) << 16 | (s1 & 0xFF) << 8 | (s0 & 0xFF)
        return nxt

    return op


# ---------------------------------------------------------------------------
# A5.4.1: signed halving (SH prefix).  No GE.
# Halving a biased sum (signed + 0x10000) gives the halved signed sum + 0x8000,
# so the lane result is (biased_sum >> 1) ^ 0x8000 (or ^ 0x80 for bytes).
# ---------------------------------------------------------------------------


def SHADD16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.169 SHADD16: two signed halfword additions, results halved."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B16
        b = regs[m] ^ B16
        # Per-lane floor((x + y) / 2) without carries between lanes.
        regs[d] = ((a & b) + (((a ^ b) & 0xFFFEFFFE) >> 1)) ^ B16
        return nxt

    return op


def SHASX(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.171 SHASX: low = (Rn.lo - Rm.hi) / 2, high = (Rn.hi + Rm.lo) / 2 (signed)."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B16
        b = regs[m] ^ B16
        lo = (a & 0xFFFF) - (b >> 16)
        hi = (a >> 16) + (b & 0xFFFF)
        regs[d] = ((hi >> 1) ^ 0x8000) << 16 | (lo >> 1 & 0xFFFF)
        return nxt

    return op


def SHSAX(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.172 SHSAX: low = (Rn.lo + Rm.hi) / 2, high = (Rn.hi - Rm.lo) / 2 (signed)."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B16
        b = regs[m] ^ B16
        lo = (a & 0xFFFF) + (b >> 16)
        hi = (a >> 16) - (b & 0xFFFF)
        regs[d] = (hi >> 1 & 0xFFFF) << 16 | ((lo >> 1) ^ 0x8000)
        return nxt

    return op


def SHSUB16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.173 SHSUB16: two signed halfword subtractions, results halved."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B16
        b = regs[m] ^ B16
        lo = (a & 0xFFFF) - (b & 0xFFFF)
        hi = (a >> 16) - (b >> 16)
        regs[d] = (hi >> 1 & 0xFFFF) << 16 | (lo >> 1 & 0xFFFF)
        return nxt

    return op


def SHADD8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.170 SHADD8: four signed byte additions, results halved."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B8
        b = regs[m] ^ B8
        regs[d] = ((a & b) + (((a ^ b) & 0xFEFEFEFE) >> 1)) ^ B8
        return nxt

    return op


def SHSUB8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.174 SHSUB8: four signed byte subtractions, results halved."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n] ^ B8
        b = regs[m] ^ B8
        s0 = (a & 0xFF) - (b & 0xFF)
        s1 = (a >> 8 & 0xFF) - (b >> 8 & 0xFF)
        s2 = (a >> 16 & 0xFF) - (b >> 16 & 0xFF)
        s3 = (a >> 24) - (b >> 24)
        regs[d] = (s3 >> 1 & 0xFF) << 24 | (s2 >> 1 & 0xFF) << 16 | (s1 >> 1 & 0xFF) << 8 | (s0 >> 1 & 0xFF)
        return nxt

    return op


# ---------------------------------------------------------------------------
# A5.4.1: unsigned saturating (UQ prefix).  No GE.
# ---------------------------------------------------------------------------


def UQADD16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.258 UQADD16: two halfword additions saturated to 16-bit unsigned."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        lo = (a & 0xFFFF) + (b & 0xFFFF)
        hi = (a >> 16) + (b >> 16)
        if lo > 0xFFFF:
            lo = 0xFFFF
        if hi > 0xFFFF:
            hi = 0xFFFF
        regs[d] = hi << 16 | lo
        return nxt

    return op


def UQASX(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.260 UQASX: low = UnsignedSat(Rn.lo - Rm.hi), high = UnsignedSat(Rn.hi + Rm.lo)."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        lo = (a & 0xFFFF) - (b >> 16)
        hi = (a >> 16) + (b & 0xFFFF)
        if lo < 0:
            lo = 0
        if hi > 0xFFFF:
            hi = 0xFFFF
        regs[d] = hi << 16 | lo
        return nxt

    return op


def UQSAX(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.261 UQSAX: low = UnsignedSat(Rn.lo + Rm.hi), high = UnsignedSat(Rn.hi - Rm.lo)."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        lo = (a & 0xFFFF) + (b >> 16)
        hi = (a >> 16) - (b & 0xFFFF)
        if lo > 0xFFFF:
            lo = 0xFFFF
        if hi < 0:
            hi = 0
        regs[d] = hi << 16 | lo
        return nxt

    return op


def UQSUB16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.262 UQSUB16: two halfword subtractions saturated to 16-bit unsigned."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        lo = (a & 0xFFFF) - (b & 0xFFFF)
        hi = (a >> 16) - (b >> 16)
        if lo < 0:
            lo = 0
        if hi < 0:
            hi = 0
        regs[d] = hi << 16 | lo
        return nxt

    return op


def UQADD8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.259 UQADD8: four byte additions saturated to 8-bit unsigned."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        s0 = (a & 0xFF) + (b & 0xFF)
        s1 = (a >> 8 & 0xFF) + (b >> 8 & 0xFF)
        s2 = (a >> 16 & 0xFF) + (b >> 16 & 0xFF)
        s3 = (a >> 24) + (b >> 24)
        if s0 > 0xFF:
            s0 = 0xFF
        if s1 > 0xFF:
            s1 = 0xFF
        if s2 > 0xFF:
            s2 = 0xFF
        if s3 > 0xFF:
            s3 = 0xFF
        regs[d] = s3 << 24 | s2 << 16 | s1 << 8 | s0
        return nxt

    return op


def UQSUB8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.263 UQSUB8: four byte subtractions saturated to 8-bit unsigned."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        s0 = (a & 0xFF) - (b & 0xFF)
        s1 = (a >> 8 & 0xFF) - (b >> 8 & 0xFF)
        s2 = (a >> 16 & 0xFF) - (b >> 16 & 0xFF)
        s3 = (a >> 24) - (b >> 24)
        if s0 < 0:
            s0 = 0
        if s1 < 0:
            s1 = 0
        if s2 < 0:
            s2 = 0
        if s3 < 0:
            s3 = 0
        regs[d] = s3 << 24 | s2 << 16 | s1 << 8 | s0
        return nxt

    return op


# ---------------------------------------------------------------------------
# A5.4.1: unsigned halving (UH prefix).  No GE.
# ---------------------------------------------------------------------------


def UHADD16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.249 UHADD16: two unsigned halfword additions, results halved."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        # Per-lane floor((x + y) / 2) without carries between lanes.
        regs[d] = (a & b) + (((a ^ b) & 0xFFFEFFFE) >> 1)
        return nxt

    return op


def UHASX(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.251 UHASX: low = (Rn.lo - Rm.hi) / 2, high = (Rn.hi + Rm.lo) / 2 (unsigned)."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        lo = (a & 0xFFFF) - (b >> 16)
        hi = (a >> 16) + (b & 0xFFFF)
        regs[d] = (hi >> 1) << 16 | (lo >> 1 & 0xFFFF)
        return nxt

    return op


def UHSAX(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.252 UHSAX: low = (Rn.lo + Rm.hi) / 2, high = (Rn.hi - Rm.lo) / 2 (unsigned)."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        lo = (a & 0xFFFF) + (b >> 16)
        hi = (a >> 16) - (b & 0xFFFF)
        regs[d] = (hi >> 1 & 0xFFFF) << 16 | (lo >> 1)
        return nxt

    return op


def UHSUB16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.253 UHSUB16: two unsigned halfword subtractions, results halved."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        lo = (a & 0xFFFF) - (b & 0xFFFF)
        hi = (a >> 16) - (b >> 16)
        regs[d] = (hi >> 1 & 0xFFFF) << 16 | (lo >> 1 & 0xFFFF)
        return nxt

    return op


def UHADD8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.250 UHADD8: four unsigned byte additions, results halved."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        regs[d] = (a & b) + (((a ^ b) & 0xFEFEFEFE) >> 1)
        return nxt

    return op


def UHSUB8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.254 UHSUB8: four unsigned byte subtractions, results halved."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        s0 = (a & 0xFF) - (b & 0xFF)
        s1 = (a >> 8 & 0xFF) - (b >> 8 & 0xFF)
        s2 = (a >> 16 & 0xFF) - (b >> 16 & 0xFF)
        s3 = (a >> 24) - (b >> 24)
        regs[d] = (s3 >> 1 & 0xFF) << 24 | (s2 >> 1 & 0xFF) << 16 | (s1 >> 1 & 0xFF) << 8 | (s0 >> 1 & 0xFF)
        return nxt

    return op


# Name -> builder, keyed by the manual's mnemonic (prefix + operation).
PARALLEL_ADDSUB: Dict[str, ParallelBuilder] = {
    "SADD16": SADD16, "SASX": SASX, "SSAX": SSAX, "SSUB16": SSUB16, "SADD8": SADD8, "SSUB8": SSUB8,
    "QADD16": QADD16, "QASX": QASX, "QSAX": QSAX, "QSUB16": QSUB16, "QADD8": QADD8, "QSUB8": QSUB8,
    "SHADD16": SHADD16, "SHASX": SHASX, "SHSAX": SHSAX, "SHSUB16": SHSUB16, "SHADD8": SHADD8, "SHSUB8": SHSUB8,
    "UADD16": UADD16, "UASX": UASX, "USAX": USAX, "USUB16": USUB16, "UADD8": UADD8, "USUB8": USUB8,
    "UQADD16": UQADD16, "UQASX": UQASX, "UQSAX": UQSAX, "UQSUB16": UQSUB16, "UQADD8": UQADD8, "UQSUB8": UQSUB8,
    "UHADD16": UHADD16, "UHASX": UHASX, "UHSAX": UHSAX, "UHSUB16": UHSUB16, "UHADD8": UHADD8, "UHSUB8": UHSUB8,
}  # fmt: skip


# ---------------------------------------------------------------------------
# A5.4.3 Packing, unpacking, saturation and reversal
# ---------------------------------------------------------------------------


def PKH(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, tbform: bool, shift_t: int, shift_n: int) -> Op:
    """A8.8.125 PKHBT, PKHTB: combine a halfword of Rn with the other halfword of shifted Rm.

    The encodings give LSL #0-31 for PKHBT and ASR #1-32 for PKHTB.
    """
    regs = ctx.regs
    nxt = info.nxt
    if not tbform:
        if shift_t != SRType_LSL:
            raise ValueError("PKHBT takes an LSL shift")
        if shift_n == 0:

            def op_bt0() -> int:
                regs[d] = (regs[m] & 0xFFFF0000) | (regs[n] & 0xFFFF)
                return nxt

            return op_bt0

        def op_bt() -> int:
            regs[d] = (regs[m] << shift_n & 0xFFFF0000) | (regs[n] & 0xFFFF)
            return nxt

        return op_bt

    if shift_t != SRType_ASR or not 1 <= shift_n <= 32:
        raise ValueError("PKHTB takes an ASR #1-32 shift")
    if shift_n <= 16:
        # The low halfword of the shifted value comes from bits [31:0] of Rm.

        def op_tb() -> int:
            regs[d] = (regs[n] & 0xFFFF0000) | (regs[m] >> shift_n & 0xFFFF)
            return nxt

        return op_tb

    def op_tb_sign() -> int:
        regs[d] = (regs[n] & 0xFFFF0000) | ((((regs[m] ^ 0x80000000) - 0x80000000) >> shift_n) & 0xFFFF)
        return nxt

    return op_tb_sign


def SSAT(ctx: ExecContext, info: InsnInfo, d: int, n: int, saturate_to: int, shift_t: int, shift_n: int) -> Op:
    """A8.8.193 SSAT: signed saturation of the (LSL or ASR) shifted Rn to saturate_to bits; Q on saturation."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    hi = (1 << (saturate_to - 1)) - 1
    lo = -(1 << (saturate_to - 1))
    if shift_t == SRType_LSL and shift_n == 0:

        def op() -> int:
            s = (regs[n] ^ 0x80000000) - 0x80000000
            if s > hi:
                s = hi
                flags[1] = 1
            elif s < lo:
                s = lo
                flags[1] = 1
            regs[d] = s & M32
            return nxt

        return op

    if shift_t == SRType_LSL:

        def op_lsl() -> int:
            s = ((regs[n] << shift_n & M32) ^ 0x80000000) - 0x80000000
            if s > hi:
                s = hi
                flags[1] = 1
            elif s < lo:
                s = lo
                flags[1] = 1
            regs[d] = s & M32
            return nxt

        return op_lsl

    if shift_t != SRType_ASR:
        raise ValueError("SSAT takes an LSL or ASR shift")

    def op_asr() -> int:
        s = ((regs[n] ^ 0x80000000) - 0x80000000) >> shift_n
        if s > hi:
            s = hi
            flags[1] = 1
        elif s < lo:
            s = lo
            flags[1] = 1
        regs[d] = s & M32
        return nxt

    return op_asr


def USAT(ctx: ExecContext, info: InsnInfo, d: int, n: int, saturate_to: int, shift_t: int, shift_n: int) -> Op:
    """A8.8.266 USAT: unsigned saturation of the signed (LSL or ASR) shifted Rn to saturate_to bits; Q on saturation."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    hi = (1 << saturate_to) - 1
    if shift_t == SRType_LSL and shift_n == 0:

        def op() -> int:
            s = (regs[n] ^ 0x80000000) - 0x80000000
            if s > hi:
                s = hi
                flags[1] = 1
            elif s < 0:
                s = 0
                flags[1] = 1
            regs[d] = s
            return nxt

        return op

    if shift_t == SRType_LSL:

        def op_lsl() -> int:
            s = ((regs[n] << shift_n & M32) ^ 0x80000000) - 0x80000000
            if s > hi:
                s = hi
                flags[1] = 1
            elif s < 0:
                s = 0
                flags[1] = 1
            regs[d] = s
            return nxt

        return op_lsl

    if shift_t != SRType_ASR:
        raise ValueError("USAT takes an LSL or ASR shift")

    def op_asr() -> int:
        s = ((regs[n] ^ 0x80000000) - 0x80000000) >> shift_n
        if s > hi:
            s = hi
            flags[1] = 1
        elif s < 0:
            s = 0
            flags[1] = 1
        regs[d] = s
        return nxt

    return op_asr


def SSAT16(ctx: ExecContext, info: InsnInfo, d: int, n: int, saturate_to: int) -> Op:
    """A8.8.194 SSAT16: both signed halfwords of Rn saturated to saturate_to (1-16) bits; Q on saturation."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    hi_lim = (1 << (saturate_to - 1)) - 1
    lo_lim = -(1 << (saturate_to - 1))

    def op() -> int:
        x = regs[n]
        lo = ((x & 0xFFFF) ^ 0x8000) - 0x8000
        hi = ((x >> 16) ^ 0x8000) - 0x8000
        if lo > hi_lim:
            lo = hi_lim
            flags[1] = 1
        elif lo < lo_lim:
            lo = lo_lim
            flags[1] = 1
        if hi > hi_lim:
            hi = hi_lim
            flags[1] = 1
        elif hi < lo_lim:
            hi = lo_lim
            flags[1] = 1
        regs[d] = (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
        return nxt

    return op


def USAT16(ctx: ExecContext, info: InsnInfo, d: int, n: int, saturate_to: int) -> Op:
    """A8.8.267 USAT16: both signed halfwords of Rn saturated to unsigned saturate_to (0-15) bits; Q on saturation."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    hi_lim = (1 << saturate_to) - 1

    def op() -> int:
        x = regs[n]
        lo = ((x & 0xFFFF) ^ 0x8000) - 0x8000
        hi = ((x >> 16) ^ 0x8000) - 0x8000
        if lo > hi_lim:
            lo = hi_lim
            flags[1] = 1
        elif lo < 0:
            lo = 0
            flags[1] = 1
        if hi > hi_lim:
            hi = hi_lim
            flags[1] = 1
        elif hi < 0:
            hi = 0
            flags[1] = 1
        regs[d] = hi << 16 | lo
        return nxt

    return op


# Extend and extend-and-add (A8.8.230-235, A8.8.271-276).  rotation is 0, 8, 16
# or 24; the rotation-0 forms get their own closures.  A byte field never wraps
# under these rotations, so it is just (x >> rotation) & 0xFF.


def SXTB(ctx: ExecContext, info: InsnInfo, d: int, m: int, rotation: int) -> Op:
    """A8.8.233 SXTB: R[d] = SignExtend(ROR(R[m], rotation)<7:0>)."""
    regs = ctx.regs
    nxt = info.nxt
    if rotation == 0:

        def op0() -> int:
            regs[d] = (((regs[m] & 0xFF) ^ 0x80) - 0x80) & M32
            return nxt

        return op0

    def op() -> int:
        regs[d] = (((regs[m] >> rotation & 0xFF) ^ 0x80) - 0x80) & M32
        return nxt

    return op


def UXTB(ctx: ExecContext, info: InsnInfo, d: int, m: int, rotation: int) -> Op:
    """A8.8.274 UXTB: R[d] = ZeroExtend(ROR(R[m], rotation)<7:0>)."""
    regs = ctx.regs
    nxt = info.nxt
    if rotation == 0:

        def op0() -> int:
            regs[d] = regs[m] & 0xFF
            return nxt

        return op0

    def op() -> int:
        regs[d] = regs[m] >> rotation & 0xFF
        return nxt

    return op


def SXTAB(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, rotation: int) -> Op:
    """A8.8.230 SXTAB: R[d] = R[n] + SignExtend(ROR(R[m], rotation)<7:0>)."""
    regs = ctx.regs
    nxt = info.nxt
    if rotation == 0:

        def op0() -> int:
            regs[d] = (regs[n] + ((regs[m] & 0xFF) ^ 0x80) - 0x80) & M32
            return nxt

        return op0

    def op() -> int:
        regs[d] = (regs[n] + ((regs[m] >> rotation & 0xFF) ^ 0x80) - 0x80) & M32
        return nxt

    return op


def UXTAB(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, rotation: int) -> Op:
    """A8.8.271 UXTAB: R[d] = R[n] + ZeroExtend(ROR(R[m], rotation)<7:0>)."""
    regs = ctx.regs
    nxt = info.nxt
    if rotation == 0:

        def op0() -> int:
            regs[d] = (regs[n] + (regs[m] & 0xFF)) & M32
            return nxt

        return op0

    def op() -> int:
        regs[d] = (regs[n] + (regs[m] >> rotation & 0xFF)) & M32
        return nxt

    return op


def SXTH(ctx: ExecContext, info: InsnInfo, d: int, m: int, rotation: int) -> Op:
    """A8.8.235 SXTH: R[d] = SignExtend(ROR(R[m], rotation)<15:0>)."""
    regs = ctx.regs
    nxt = info.nxt
    if rotation == 0:

        def op0() -> int:
            regs[d] = (((regs[m] & 0xFFFF) ^ 0x8000) - 0x8000) & M32
            return nxt

        return op0

    lrot = 32 - rotation

    def op() -> int:
        x = regs[m]
        regs[d] = ((((x >> rotation | x << lrot) & 0xFFFF) ^ 0x8000) - 0x8000) & M32
        return nxt

    return op


def UXTH(ctx: ExecContext, info: InsnInfo, d: int, m: int, rotation: int) -> Op:
    """A8.8.276 UXTH: R[d] = ZeroExtend(ROR(R[m], rotation)<15:0>)."""
    regs = ctx.regs
    nxt = info.nxt
    if rotation == 0:

        def op0() -> int:
            regs[d] = regs[m] & 0xFFFF
            return nxt

        return op0

    lrot = 32 - rotation

    def op() -> int:
        x = regs[m]
        regs[d] = (x >> rotation | x << lrot) & 0xFFFF
        return nxt

    return op


def SXTAH(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, rotation: int) -> Op:
    """A8.8.232 SXTAH: R[d] = R[n] + SignExtend(ROR(R[m], rotation)<15:0>)."""
    regs = ctx.regs
    nxt = info.nxt
    if rotation == 0:

        def op0() -> int:
            regs[d] = (regs[n] + ((regs[m] & 0xFFFF) ^ 0x8000) - 0x8000) & M32
            return nxt

        return op0

    lrot = 32 - rotation

    def op() -> int:
        x = regs[m]
        regs[d] = (regs[n] + (((x >> rotation | x << lrot) & 0xFFFF) ^ 0x8000) - 0x8000) & M32
        return nxt

    return op


def UXTAH(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, rotation: int) -> Op:
    """A8.8.273 UXTAH: R[d] = R[n] + ZeroExtend(ROR(R[m], rotation)<15:0>)."""
    regs = ctx.regs
    nxt = info.nxt
    if rotation == 0:

        def op0() -> int:
            regs[d] = (regs[n] + (regs[m] & 0xFFFF)) & M32
            return nxt

        return op0

    lrot = 32 - rotation

    def op() -> int:
        x = regs[m]
        regs[d] = (regs[n] + ((x >> rotation | x << lrot) & 0xFFFF)) & M32
        return nxt

    return op


# Byte-pair forms: v = ROR(R[m], rotation) & 0x00FF00FF holds bytes 0 and 2;
# sign-extending both into their halfwords is v | (v & 0x00800080) * 0x1FE.


def SXTB16(ctx: ExecContext, info: InsnInfo, d: int, m: int, rotation: int) -> Op:
    """A8.8.234 SXTB16: sign-extend bytes 0 and 2 of ROR(R[m], rotation) to halfwords."""
    regs = ctx.regs
    nxt = info.nxt
    if rotation == 0:

        def op0() -> int:
            v = regs[m] & 0x00FF00FF
            regs[d] = v | (v & 0x00800080) * 0x1FE
            return nxt

        return op0

    lrot = 32 - rotation

    def op() -> int:
        x = regs[m]
        v = (x >> rotation | x << lrot) & 0x00FF00FF
        regs[d] = v | (v & 0x00800080) * 0x1FE
        return nxt

    return op


def UXTB16(ctx: ExecContext, info: InsnInfo, d: int, m: int, rotation: int) -> Op:
    """A8.8.275 UXTB16: zero-extend bytes 0 and 2 of ROR(R[m], rotation) to halfwords."""
    regs = ctx.regs
    nxt = info.nxt
    if rotation == 0:

        def op0() -> int:
            regs[d] = regs[m] & 0x00FF00FF
            return nxt

        return op0

    lrot = 32 - rotation

    def op() -> int:
        x = regs[m]
        regs[d] = (x >> rotation | x << lrot) & 0x00FF00FF
        return nxt

    return op


def SXTAB16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, rotation: int) -> Op:
    """A8.8.231 SXTAB16: add sign-extended bytes 0 and 2 of ROR(R[m], rotation) to the halfwords of R[n]."""
    regs = ctx.regs
    nxt = info.nxt
    if rotation == 0:

        def op0() -> int:
            a = regs[n]
            v = regs[m] & 0x00FF00FF
            v |= (v & 0x00800080) * 0x1FE
            regs[d] = ((a & 0xFFFF0000) + (v & 0xFFFF0000) & 0xFFFF0000) | ((a + v) & 0xFFFF)
            return nxt

        return op0

    lrot = 32 - rotation

    def op() -> int:
        a = regs[n]
        x = regs[m]
        v = (x >> rotation | x << lrot) & 0x00FF00FF
        v |= (v & 0x00800080) * 0x1FE
        regs[d] = ((a & 0xFFFF0000) + (v & 0xFFFF0000) & 0xFFFF0000) | ((a + v) & 0xFFFF)
        return nxt

    return op


def UXTAB16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, rotation: int) -> Op:
    """A8.8.272 UXTAB16: add zero-extended bytes 0 and 2 of ROR(R[m], rotation) to the halfwords of R[n]."""
    regs = ctx.regs
    nxt = info.nxt
    if rotation == 0:

        def op0() -> int:
            a = regs[n]
            v = regs[m] & 0x00FF00FF
            regs[d] = ((a & 0xFFFF0000) + (v & 0xFFFF0000) & 0xFFFF0000) | ((a + v) & 0xFFFF)
            return nxt

        return op0

    lrot = 32 - rotation

    def op() -> int:
        a = regs[n]
        x = regs[m]
        v = (x >> rotation | x << lrot) & 0x00FF00FF
        regs[d] = ((a & 0xFFFF0000) + (v & 0xFFFF0000) & 0xFFFF0000) | ((a + v) & 0xFFFF)
        return nxt

    return op


# SEL byte masks indexed by GE[3:0]: byte i comes from Rn where GE[i] is set.
_SEL_MASK: Tuple[int, ...] = tuple(sum(0xFF << (8 * i) for i in range(4) if ge >> i & 1) for ge in range(16))


def SEL(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.166 SEL: byte i of R[d] = GE[i] ? byte i of R[n] : byte i of R[m]."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    masks = _SEL_MASK

    def op() -> int:
        b = regs[m]
        regs[d] = ((regs[n] ^ b) & masks[flags[2]]) ^ b
        return nxt

    return op


def REV(ctx: ExecContext, info: InsnInfo, d: int, m: int) -> Op:
    """A8.8.145 REV: reverse the byte order of R[m]."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        x = regs[m]
        regs[d] = x >> 24 | (x >> 8 & 0xFF00) | (x << 8 & 0xFF0000) | (x << 24 & 0xFF000000)
        return nxt

    return op


def REV16(ctx: ExecContext, info: InsnInfo, d: int, m: int) -> Op:
    """A8.8.146 REV16: reverse the byte order within each halfword of R[m]."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        x = regs[m]
        regs[d] = (x >> 8 & 0x00FF00FF) | (x << 8 & 0xFF00FF00)
        return nxt

    return op


def REVSH(ctx: ExecContext, info: InsnInfo, d: int, m: int) -> Op:
    """A8.8.147 REVSH: R[d] = SignExtend(R[m]<7:0> : R[m]<15:8>)."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        x = regs[m]
        regs[d] = ((((x & 0xFF) << 8 | (x >> 8 & 0xFF)) ^ 0x8000) - 0x8000) & M32
        return nxt

    return op


_RBIT8: Tuple[int, ...] = tuple(int(f"{i:08b}"[::-1], 2) for i in range(256))


def RBIT(ctx: ExecContext, info: InsnInfo, d: int, m: int) -> Op:
    """A8.8.144 RBIT: reverse the bit order of R[m]."""
    regs = ctx.regs
    nxt = info.nxt
    t = _RBIT8

    def op() -> int:
        x = regs[m]
        regs[d] = t[x & 0xFF] << 24 | t[x >> 8 & 0xFF] << 16 | t[x >> 16 & 0xFF] << 8 | t[x >> 24]
        return nxt

    return op


# ---------------------------------------------------------------------------
# A5.4 (Table A5-16): sum of absolute differences and bit fields
# ---------------------------------------------------------------------------


def USAD8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.264 USAD8: R[d] = sum of |Rn byte i - Rm byte i| over the four bytes."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        a = regs[n]
        b = regs[m]
        s0 = (a & 0xFF) - (b & 0xFF)
        s1 = (a >> 8 & 0xFF) - (b >> 8 & 0xFF)
        s2 = (a >> 16 & 0xFF) - (b >> 16 & 0xFF)
        s3 = (a >> 24) - (b >> 24)
        regs[d] = (
            (s0 if s0 >= 0 else -s0) + (s1 if s1 >= 0 else -s1) + (s2 if s2 >= 0 else -s2) + (s3 if s3 >= 0 else -s3)
        )
        return nxt

    return op


def USADA8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int) -> Op:
    """A8.8.265 USADA8: R[d] = R[a] + sum of |Rn byte i - Rm byte i| (modulo 2^32)."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        x = regs[n]
        y = regs[m]
        s0 = (x & 0xFF) - (y & 0xFF)
        s1 = (x >> 8 & 0xFF) - (y >> 8 & 0xFF)
        s2 = (x >> 16 & 0xFF) - (y >> 16 & 0xFF)
        s3 = (x >> 24) - (y >> 24)
        regs[d] = (
            regs[a]
            + (s0 if s0 >= 0 else -s0)
            + (s1 if s1 >= 0 else -s1)
            + (s2 if s2 >= 0 else -s2)
            + (s3 if s3 >= 0 else -s3)
        ) & M32
        return nxt

    return op


def SBFX(ctx: ExecContext, info: InsnInfo, d: int, n: int, lsbit: int, widthminus1: int) -> Op:
    """A8.8.164 SBFX: R[d] = SignExtend(R[n]<lsbit+widthminus1:lsbit>).

    UNPREDICTABLE (A8.8.164) when lsbit + widthminus1 > 31: we choose UNDEFINED.
    """
    if lsbit + widthminus1 > 31:
        raise Unpredictable("A8.8.164: msbit > 31")
    regs = ctx.regs
    nxt = info.nxt
    mask = (1 << (widthminus1 + 1)) - 1
    sign = 1 << widthminus1
    if lsbit == 0:

        def op0() -> int:
            regs[d] = (((regs[n] & mask) ^ sign) - sign) & M32
            return nxt

        return op0

    def op() -> int:
        regs[d] = (((regs[n] >> lsbit & mask) ^ sign) - sign) & M32
        return nxt

    return op


def UBFX(ctx: ExecContext, info: InsnInfo, d: int, n: int, lsbit: int, widthminus1: int) -> Op:
    """A8.8.246 UBFX: R[d] = ZeroExtend(R[n]<lsbit+widthminus1:lsbit>).

    UNPREDICTABLE (A8.8.246) when lsbit + widthminus1 > 31: we choose UNDEFINED.
    """
    if lsbit + widthminus1 > 31:
        raise Unpredictable("A8.8.246: msbit > 31")
    regs = ctx.regs
    nxt = info.nxt
    mask = (1 << (widthminus1 + 1)) - 1
    if lsbit == 0:

        def op0() -> int:
            regs[d] = regs[n] & mask
            return nxt

        return op0

    def op() -> int:
        regs[d] = regs[n] >> lsbit & mask
        return nxt

    return op


def BFC(ctx: ExecContext, info: InsnInfo, d: int, msbit: int, lsbit: int) -> Op:
    """A8.8.19 BFC: clear R[d]<msbit:lsbit>.

    UNPREDICTABLE (A8.8.19) when msbit < lsbit: we choose UNDEFINED.
    """
    if msbit < lsbit:
        raise Unpredictable("A8.8.19: msbit < lsbit")
    regs = ctx.regs
    nxt = info.nxt
    keep = M32 ^ (((1 << (msbit - lsbit + 1)) - 1) << lsbit)

    def op() -> int:
        regs[d] &= keep
        return nxt

    return op


def BFI(ctx: ExecContext, info: InsnInfo, d: int, n: int, msbit: int, lsbit: int) -> Op:
    """A8.8.20 BFI: R[d]<msbit:lsbit> = R[n]<msbit-lsbit:0>.

    UNPREDICTABLE (A8.8.20) when msbit < lsbit: we choose UNDEFINED.
    """
    if msbit < lsbit:
        raise Unpredictable("A8.8.20: msbit < lsbit")
    regs = ctx.regs
    nxt = info.nxt
    field = ((1 << (msbit - lsbit + 1)) - 1) << lsbit
    keep = M32 ^ field

    def op() -> int:
        regs[d] = (regs[d] & keep) | (regs[n] << lsbit & field)
        return nxt

    return op
