"""Multiply, multiply-accumulate, saturating add/subtract and divide semantics.

DDI 0406C A5.2.5 "Multiply and multiply accumulate", A5.2.6 "Saturating
addition and subtraction", A5.2.7 "Halfword multiply and multiply accumulate"
and A5.4.4 "Signed multiply, signed and unsigned divide" (the operations of
A8.8.x named below).  Builders take decoded arguments (register numbers,
setflags, operand-half selectors) so A32 and T32 encodings share them; the
encodings' UNPREDICTABLE checks belong to the callers.  No operation here
writes the PC: every encoding makes a PC destination UNPREDICTABLE.

Signed values: a 32-bit register value x is SInt(x) = (x ^ 0x80000000) - 0x80000000,
and a halfword h is ((h & 0xFFFF) ^ 0x8000) - 0x8000.
"""

from __future__ import annotations

from armsim.isa.contract import ExecContext, InsnInfo, Op

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF
S32 = 0x80000000
INT32_MAX = 0x7FFFFFFF
INT32_MIN = -0x80000000


# ---------------------------------------------------------------------------
# A5.2.5: 32-bit and 64-bit multiplies
# ---------------------------------------------------------------------------


def MUL(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, setflags: bool) -> Op:
    """A8.8.114 MUL: R[d] = (R[n] * R[m])<31:0>; with S, N and Z set, C and V unchanged."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    if setflags:

        def op_s() -> int:
            res = (regs[n] * regs[m]) & M32
            regs[d] = res
            flags[0] = (flags[0] & 3) | (res >> 28 & 8) | (4 if res == 0 else 0)
            return nxt

        return op_s

    def op() -> int:
        regs[d] = (regs[n] * regs[m]) & M32
        return nxt

    return op


def MLA(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, setflags: bool) -> Op:
    """A8.8.100 MLA: R[d] = (R[n] * R[m] + R[a])<31:0>; with S, N and Z set, C and V unchanged."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    if setflags:

        def op_s() -> int:
            res = (regs[n] * regs[m] + regs[a]) & M32
            regs[d] = res
            flags[0] = (flags[0] & 3) | (res >> 28 & 8) | (4 if res == 0 else 0)
            return nxt

        return op_s

    def op() -> int:
        regs[d] = (regs[n] * regs[m] + regs[a]) & M32
        return nxt

    return op


def MLS(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int) -> Op:
    """A8.8.101 MLS: R[d] = (R[a] - R[n] * R[m])<31:0>."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        regs[d] = (regs[a] - regs[n] * regs[m]) & M32
        return nxt

    return op


def UMULL(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, setflags: bool) -> Op:
    """A8.8.257 UMULL: R[dHi]:R[dLo] = UInt(R[n]) * UInt(R[m]); with S, N and Z from the 64-bit result."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    if setflags:

        def op_s() -> int:
            r = regs[n] * regs[m]
            regs[dHi] = r >> 32
            regs[dLo] = r & M32
            flags[0] = (flags[0] & 3) | (r >> 60 & 8) | (4 if r == 0 else 0)
            return nxt

        return op_s

    def op() -> int:
        r = regs[n] * regs[m]
        regs[dHi] = r >> 32
        regs[dLo] = r & M32
        return nxt

    return op


def UMLAL(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, setflags: bool) -> Op:
    """A8.8.256 UMLAL: R[dHi]:R[dLo] += UInt(R[n]) * UInt(R[m]) (modulo 2^64)."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    if setflags:

        def op_s() -> int:
            r = (regs[n] * regs[m] + (regs[dHi] << 32 | regs[dLo])) & M64
            regs[dHi] = r >> 32
            regs[dLo] = r & M32
            flags[0] = (flags[0] & 3) | (r >> 60 & 8) | (4 if r == 0 else 0)
            return nxt

        return op_s

    def op() -> int:
        r = (regs[n] * regs[m] + (regs[dHi] << 32 | regs[dLo])) & M64
        regs[dHi] = r >> 32
        regs[dLo] = r & M32
        return nxt

    return op


def SMULL(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, setflags: bool) -> Op:
    """A8.8.189 SMULL: R[dHi]:R[dLo] = SInt(R[n]) * SInt(R[m])."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    if setflags:

        def op_s() -> int:
            r = (((regs[n] ^ S32) - S32) * ((regs[m] ^ S32) - S32)) & M64
            regs[dHi] = r >> 32
            regs[dLo] = r & M32
            flags[0] = (flags[0] & 3) | (r >> 60 & 8) | (4 if r == 0 else 0)
            return nxt

        return op_s

    def op() -> int:
        r = (((regs[n] ^ S32) - S32) * ((regs[m] ^ S32) - S32)) & M64
        regs[dHi] = r >> 32
        regs[dLo] = r & M32
        return nxt

    return op


def SMLAL(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, setflags: bool) -> Op:
    """A8.8.178 SMLAL: R[dHi]:R[dLo] += SInt(R[n]) * SInt(R[m]) (modulo 2^64)."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    if setflags:

        def op_s() -> int:
            r = (((regs[n] ^ S32) - S32) * ((regs[m] ^ S32) - S32) + (regs[dHi] << 32 | regs[dLo])) & M64
            regs[dHi] = r >> 32
            regs[dLo] = r & M32
            flags[0] = (flags[0] & 3) | (r >> 60 & 8) | (4 if r == 0 else 0)
            return nxt

        return op_s

    def op() -> int:
        r = (((regs[n] ^ S32) - S32) * ((regs[m] ^ S32) - S32) + (regs[dHi] << 32 | regs[dLo])) & M64
        regs[dHi] = r >> 32
        regs[dLo] = r & M32
        return nxt

    return op


def UMAAL(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int) -> Op:
    """A8.8.255 UMAAL: R[dHi]:R[dLo] = R[n] * R[m] + R[dHi] + R[dLo] (never exceeds 2^64 - 1)."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        r = regs[n] * regs[m] + regs[dHi] + regs[dLo]
        regs[dHi] = r >> 32
        regs[dLo] = r & M32
        return nxt

    return op


# ---------------------------------------------------------------------------
# A5.2.7: halfword multiplies
# ---------------------------------------------------------------------------


def SMLAxy(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, n_high: bool, m_high: bool) -> Op:
    """A8.8.176 SMLA<x><y>: R[d] = half(R[n]) * half(R[m]) + R[a]; Q set on signed overflow."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    ns = 16 if n_high else 0
    ms = 16 if m_high else 0

    def op() -> int:
        r = ((((regs[n] >> ns) & 0xFFFF) ^ 0x8000) - 0x8000) * ((((regs[m] >> ms) & 0xFFFF) ^ 0x8000) - 0x8000) + (
            (regs[a] ^ S32) - S32
        )
        if r > INT32_MAX or r < INT32_MIN:
            flags[1] = 1
        regs[d] = r & M32
        return nxt

    return op


def SMULxy(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, n_high: bool, m_high: bool) -> Op:
    """A8.8.188 SMUL<x><y>: R[d] = half(R[n]) * half(R[m]) (cannot overflow)."""
    regs = ctx.regs
    nxt = info.nxt
    ns = 16 if n_high else 0
    ms = 16 if m_high else 0

    def op() -> int:
        r = ((((regs[n] >> ns) & 0xFFFF) ^ 0x8000) - 0x8000) * ((((regs[m] >> ms) & 0xFFFF) ^ 0x8000) - 0x8000)
        regs[d] = r & M32
        return nxt

    return op


def SMLAWy(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, m_high: bool) -> Op:
    """A8.8.181 SMLAW<y>: R[d] = (SInt(R[n]) * half(R[m]) + (SInt(R[a]) << 16))<47:16>; Q on overflow."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    ms = 16 if m_high else 0

    def op() -> int:
        r = (
            ((regs[n] ^ S32) - S32) * ((((regs[m] >> ms) & 0xFFFF) ^ 0x8000) - 0x8000) + (((regs[a] ^ S32) - S32) << 16)
        ) >> 16
        if r > INT32_MAX or r < INT32_MIN:
            flags[1] = 1
        regs[d] = r & M32
        return nxt

    return op


def SMULWy(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, m_high: bool) -> Op:
    """A8.8.190 SMULW<y>: R[d] = (SInt(R[n]) * half(R[m]))<47:16>."""
    regs = ctx.regs
    nxt = info.nxt
    ms = 16 if m_high else 0

    def op() -> int:
        regs[d] = ((((regs[n] ^ S32) - S32) * ((((regs[m] >> ms) & 0xFFFF) ^ 0x8000) - 0x8000)) >> 16) & M32
        return nxt

    return op


def SMLALxy(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, n_high: bool, m_high: bool) -> Op:
    """A8.8.179 SMLAL<x><y>: R[dHi]:R[dLo] += half(R[n]) * half(R[m]) (modulo 2^64)."""
    regs = ctx.regs
    nxt = info.nxt
    ns = 16 if n_high else 0
    ms = 16 if m_high else 0

    def op() -> int:
        r = (
            ((((regs[n] >> ns) & 0xFFFF) ^ 0x8000) - 0x8000) * ((((regs[m] >> ms) & 0xFFFF) ^ 0x8000) - 0x8000)
            + (regs[dHi] << 32 | regs[dLo])
        ) & M64
        regs[dHi] = r >> 32
        regs[dLo] = r & M32
        return nxt

    return op


# ---------------------------------------------------------------------------
# A5.4.4: dual 16-bit multiplies, most-significant-word multiplies, divide
# ---------------------------------------------------------------------------
# For the dual multiplies, operand2 = ROR(R[m], 16) when m_swap ('X' forms):
# product1 = SInt(R[n]<15:0>) * SInt(operand2<15:0>) uses R[m] shifted by s1,
# product2 = SInt(R[n]<31:16>) * SInt(operand2<31:16>) uses R[m] shifted by s2.


def SMUAD(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, m_swap: bool) -> Op:
    """A8.8.187 SMUAD{X}: R[d] = product1 + product2; Q set on overflow (only -2^15 squared twice)."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    s1 = 16 if m_swap else 0
    s2 = 0 if m_swap else 16

    def op() -> int:
        rn = regs[n]
        rm = regs[m]
        r = ((rn & 0xFFFF ^ 0x8000) - 0x8000) * ((((rm >> s1) & 0xFFFF) ^ 0x8000) - 0x8000) + (
            (rn >> 16 ^ 0x8000) - 0x8000
        ) * ((((rm >> s2) & 0xFFFF) ^ 0x8000) - 0x8000)
        if r > INT32_MAX:
            flags[1] = 1
        regs[d] = r & M32
        return nxt

    return op


def SMUSD(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, m_swap: bool) -> Op:
    """A8.8.191 SMUSD{X}: R[d] = product1 - product2 (cannot overflow)."""
    regs = ctx.regs
    nxt = info.nxt
    s1 = 16 if m_swap else 0
    s2 = 0 if m_swap else 16

    def op() -> int:
        rn = regs[n]
        rm = regs[m]
        r = ((rn & 0xFFFF ^ 0x8000) - 0x8000) * ((((rm >> s1) & 0xFFFF) ^ 0x8000) - 0x8000) - (
            (rn >> 16 ^ 0x8000) - 0x8000
        ) * ((((rm >> s2) & 0xFFFF) ^ 0x8000) - 0x8000)
        regs[d] = r & M32
        return nxt

    return op


def SMLAD(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, m_swap: bool) -> Op:
    """A8.8.177 SMLAD{X}: R[d] = product1 + product2 + SInt(R[a]); Q set on signed overflow."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    s1 = 16 if m_swap else 0
    s2 = 0 if m_swap else 16

    def op() -> int:
        rn = regs[n]
        rm = regs[m]
        r = (
            ((rn & 0xFFFF ^ 0x8000) - 0x8000) * ((((rm >> s1) & 0xFFFF) ^ 0x8000) - 0x8000)
            + ((rn >> 16 ^ 0x8000) - 0x8000) * ((((rm >> s2) & 0xFFFF) ^ 0x8000) - 0x8000)
            + ((regs[a] ^ S32) - S32)
        )
        if r > INT32_MAX or r < INT32_MIN:
            flags[1] = 1
        regs[d] = r & M32
        return nxt

    return op


def SMLSD(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, m_swap: bool) -> Op:
    """A8.8.182 SMLSD{X}: R[d] = product1 - product2 + SInt(R[a]); Q set on signed overflow."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt
    s1 = 16 if m_swap else 0
    s2 = 0 if m_swap else 16

    def op() -> int:
        rn = regs[n]
        rm = regs[m]
        r = (
            ((rn & 0xFFFF ^ 0x8000) - 0x8000) * ((((rm >> s1) & 0xFFFF) ^ 0x8000) - 0x8000)
            - ((rn >> 16 ^ 0x8000) - 0x8000) * ((((rm >> s2) & 0xFFFF) ^ 0x8000) - 0x8000)
            + ((regs[a] ^ S32) - S32)
        )
        if r > INT32_MAX or r < INT32_MIN:
            flags[1] = 1
        regs[d] = r & M32
        return nxt

    return op


def SMLALD(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, m_swap: bool) -> Op:
    """A8.8.180 SMLALD{X}: R[dHi]:R[dLo] += product1 + product2 (modulo 2^64)."""
    regs = ctx.regs
    nxt = info.nxt
    s1 = 16 if m_swap else 0
    s2 = 0 if m_swap else 16

    def op() -> int:
        rn = regs[n]
        rm = regs[m]
        r = (
            ((rn & 0xFFFF ^ 0x8000) - 0x8000) * ((((rm >> s1) & 0xFFFF) ^ 0x8000) - 0x8000)
            + ((rn >> 16 ^ 0x8000) - 0x8000) * ((((rm >> s2) & 0xFFFF) ^ 0x8000) - 0x8000)
            + (regs[dHi] << 32 | regs[dLo])
        ) & M64
        regs[dHi] = r >> 32
        regs[dLo] = r & M32
        return nxt

    return op


def SMLSLD(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, m_swap: bool) -> Op:
    """A8.8.183 SMLSLD{X}: R[dHi]:R[dLo] += product1 - product2 (modulo 2^64)."""
    regs = ctx.regs
    nxt = info.nxt
    s1 = 16 if m_swap else 0
    s2 = 0 if m_swap else 16

    def op() -> int:
        rn = regs[n]
        rm = regs[m]
        r = (
            ((rn & 0xFFFF ^ 0x8000) - 0x8000) * ((((rm >> s1) & 0xFFFF) ^ 0x8000) - 0x8000)
            - ((rn >> 16 ^ 0x8000) - 0x8000) * ((((rm >> s2) & 0xFFFF) ^ 0x8000) - 0x8000)
            + (regs[dHi] << 32 | regs[dLo])
        ) & M64
        regs[dHi] = r >> 32
        regs[dLo] = r & M32
        return nxt

    return op


def SMMUL(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, round: bool) -> Op:
    """A8.8.186 SMMUL{R}: R[d] = (SInt(R[n]) * SInt(R[m]) [+ 0x80000000])<63:32>."""
    regs = ctx.regs
    nxt = info.nxt
    if round:

        def op_r() -> int:
            regs[d] = ((((regs[n] ^ S32) - S32) * ((regs[m] ^ S32) - S32) + 0x80000000) >> 32) & M32
            return nxt

        return op_r

    def op() -> int:
        regs[d] = ((((regs[n] ^ S32) - S32) * ((regs[m] ^ S32) - S32)) >> 32) & M32
        return nxt

    return op


# For SMMLA/SMMLS the accumulator R[a] << 32 may be taken unsigned: it differs
# from (SInt(R[a]) << 32) by a multiple of 2^64, which leaves result<63:32> alone.


def SMMLA(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, round: bool) -> Op:
    """A8.8.184 SMMLA{R}: R[d] = ((R[a] << 32) + SInt(R[n]) * SInt(R[m]) [+ 0x80000000])<63:32>."""
    regs = ctx.regs
    nxt = info.nxt
    if round:

        def op_r() -> int:
            regs[d] = (((regs[a] << 32) + ((regs[n] ^ S32) - S32) * ((regs[m] ^ S32) - S32) + 0x80000000) >> 32) & M32
            return nxt

        return op_r

    def op() -> int:
        regs[d] = (((regs[a] << 32) + ((regs[n] ^ S32) - S32) * ((regs[m] ^ S32) - S32)) >> 32) & M32
        return nxt

    return op


def SMMLS(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, round: bool) -> Op:
    """A8.8.185 SMMLS{R}: R[d] = ((R[a] << 32) - SInt(R[n]) * SInt(R[m]) [+ 0x80000000])<63:32>."""
    regs = ctx.regs
    nxt = info.nxt
    if round:

        def op_r() -> int:
            regs[d] = (((regs[a] << 32) - ((regs[n] ^ S32) - S32) * ((regs[m] ^ S32) - S32) + 0x80000000) >> 32) & M32
            return nxt

        return op_r

    def op() -> int:
        regs[d] = (((regs[a] << 32) - ((regs[n] ^ S32) - S32) * ((regs[m] ^ S32) - S32)) >> 32) & M32
        return nxt

    return op


def SDIV(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.165 SDIV: R[d] = RoundTowardsZero(SInt(R[n]) / SInt(R[m]))<31:0>.

    Division by zero gives 0: ARMv7-A has no divide-by-zero trap
    (IntegerZeroDivideTrappingEnabled() is FALSE).  0x80000000 / -1
    overflows to 0x80000000 (the low 32 bits of +2^31).
    """
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        b = regs[m]
        if b == 0:
            regs[d] = 0
            return nxt
        a = (regs[n] ^ S32) - S32
        b = (b ^ S32) - S32
        q = a // b
        # Python floors; a negative inexact quotient rounds towards zero instead.
        if q < 0 and q * b != a:
            q += 1
        regs[d] = q & M32
        return nxt

    return op


def UDIV(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.248 UDIV: R[d] = UInt(R[n]) / UInt(R[m]) rounded towards zero; division by zero gives 0."""
    regs = ctx.regs
    nxt = info.nxt

    def op() -> int:
        b = regs[m]
        regs[d] = regs[n] // b if b else 0
        return nxt

    return op


# ---------------------------------------------------------------------------
# A5.2.6: saturating addition and subtraction (SignedSatQ(x, 32), A2.2.2)
# ---------------------------------------------------------------------------


def QADD(ctx: ExecContext, info: InsnInfo, d: int, m: int, n: int) -> Op:
    """A8.8.134 QADD: R[d] = SignedSat(SInt(R[m]) + SInt(R[n]), 32); Q set on saturation."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        r = ((regs[m] ^ S32) - S32) + ((regs[n] ^ S32) - S32)
        if r > INT32_MAX:
            r = INT32_MAX
            flags[1] = 1
        elif r < INT32_MIN:
            r = INT32_MIN
            flags[1] = 1
        regs[d] = r & M32
        return nxt

    return op


def QSUB(ctx: ExecContext, info: InsnInfo, d: int, m: int, n: int) -> Op:
    """A8.8.141 QSUB: R[d] = SignedSat(SInt(R[m]) - SInt(R[n]), 32); Q set on saturation."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        r = ((regs[m] ^ S32) - S32) - ((regs[n] ^ S32) - S32)
        if r > INT32_MAX:
            r = INT32_MAX
            flags[1] = 1
        elif r < INT32_MIN:
            r = INT32_MIN
            flags[1] = 1
        regs[d] = r & M32
        return nxt

    return op


def QDADD(ctx: ExecContext, info: InsnInfo, d: int, m: int, n: int) -> Op:
    """A8.8.138 QDADD: R[d] = SignedSat(SInt(R[m]) + SignedSat(2 * SInt(R[n]), 32), 32); Q if either saturates."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        doubled = ((regs[n] ^ S32) - S32) << 1
        if doubled > INT32_MAX:
            doubled = INT32_MAX
            flags[1] = 1
        elif doubled < INT32_MIN:
            doubled = INT32_MIN
            flags[1] = 1
        r = ((regs[m] ^ S32) - S32) + doubled
        if r > INT32_MAX:
            r = INT32_MAX
            flags[1] = 1
        elif r < INT32_MIN:
            r = INT32_MIN
            flags[1] = 1
        regs[d] = r & M32
        return nxt

    return op


def QDSUB(ctx: ExecContext, info: InsnInfo, d: int, m: int, n: int) -> Op:
    """A8.8.139 QDSUB: R[d] = SignedSat(SInt(R[m]) - SignedSat(2 * SInt(R[n]), 32), 32); Q if either saturates."""
    regs = ctx.regs
    flags = ctx.flags
    nxt = info.nxt

    def op() -> int:
        doubled = ((regs[n] ^ S32) - S32) << 1
        if doubled > INT32_MAX:
            doubled = INT32_MAX
            flags[1] = 1
        elif doubled < INT32_MIN:
            doubled = INT32_MIN
            flags[1] = 1
        r = ((regs[m] ^ S32) - S32) - doubled
        if r > INT32_MAX:
            r = INT32_MAX
            flags[1] = 1
        elif r < INT32_MIN:
            r = INT32_MIN
            flags[1] = 1
        regs[d] = r & M32
        return nxt

    return op
