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

Each operation is a template body (:mod:`armsim.isa.template`) over named
register slots (d, n, m, a, dLo, dHi): the same body is the per-instruction op
and the code a translated block inlines.  The bodies are assembled from the
operand expressions below (SInt, halfword selection, the 64-bit accumulator,
signed saturation), so each expression is written once.
"""

from __future__ import annotations

from typing import Any, List

from armsim.isa.contract import ExecContext, InsnInfo, Op
from armsim.isa.ops.common import saturate_q, template

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF
S32 = 0x80000000
INT32_MAX = 0x7FFFFFFF
INT32_MIN = -0x80000000


# -- operand expressions (slots: register numbers) --------------------------------


def _sint(r: str) -> str:
    """SInt(R[r]) of a register slot."""
    return f"((regs[{r}] ^ 0x80000000) - 0x80000000)"


def _half(r: str, high: bool) -> str:
    """SInt(R[r]<31:16>) or SInt(R[r]<15:0>)."""
    x = f"regs[{r}] >> 16" if high else f"regs[{r}] & 0xFFFF"
    return f"(({x} ^ 0x8000) - 0x8000)"


_ACC64 = "(regs[dHi] << 32 | regs[dLo])"
# Signed overflow of a 32-bit result r: APSR.Q = 1 (A2.4).
_Q_ON_OVERFLOW = ["if r > 0x7FFFFFFF or r < -0x80000000:", "    flags[1] = 1"]


def _op32(ctx: ExecContext, info: InsnInfo, name: str, expr: str, setflags: bool = False, **slots: Any) -> Op:
    """R[d] = expr<31:0>; with ``setflags`` N and Z from the result, C and V unchanged."""
    if setflags:
        lines = [f"res = {expr} & 0xFFFFFFFF", "regs[d] = res",
                 "flags[0] = (flags[0] & 3) | (res >> 28 & 8) | (4 if res == 0 else 0)"]
    else:
        lines = [f"regs[d] = {expr} & 0xFFFFFFFF"]
    return template(ctx, info, name, [*lines, "return nxt"], **slots)


def _op32q(ctx: ExecContext, info: InsnInfo, name: str, expr: str, **slots: Any) -> Op:
    """R[d] = r<31:0> with r = expr, APSR.Q set when r overflows 32 signed bits."""
    return template(ctx, info, name, [f"r = {expr}", *_Q_ON_OVERFLOW, "regs[d] = r & 0xFFFFFFFF", "return nxt"],
                    **slots)


def _op64(ctx: ExecContext, info: InsnInfo, name: str, expr: str, setflags: bool = False, **slots: Any) -> Op:
    """R[dHi]:R[dLo] = expr<63:0>; with ``setflags`` N and Z from the 64-bit result."""
    lines = [f"r = {expr}", "regs[dHi] = r >> 32", "regs[dLo] = r & 0xFFFFFFFF"]
    if setflags:
        lines.append("flags[0] = (flags[0] & 3) | (r >> 60 & 8) | (4 if r == 0 else 0)")
    return template(ctx, info, name, [*lines, "return nxt"], **slots)


# ---------------------------------------------------------------------------
# A5.2.5: 32-bit and 64-bit multiplies
# ---------------------------------------------------------------------------


def MUL(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, setflags: bool) -> Op:
    """A8.8.114 MUL: R[d] = (R[n] * R[m])<31:0>; with S, N and Z set, C and V unchanged."""
    return _op32(ctx, info, "MUL", "(regs[n] * regs[m])", setflags, d=d, n=n, m=m)


def MLA(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, setflags: bool) -> Op:
    """A8.8.100 MLA: R[d] = (R[n] * R[m] + R[a])<31:0>; with S, N and Z set, C and V unchanged."""
    return _op32(ctx, info, "MLA", "(regs[n] * regs[m] + regs[a])", setflags, d=d, n=n, m=m, a=a)


def MLS(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int) -> Op:
    """A8.8.101 MLS: R[d] = (R[a] - R[n] * R[m])<31:0>."""
    return _op32(ctx, info, "MLS", "(regs[a] - regs[n] * regs[m])", d=d, n=n, m=m, a=a)


def UMULL(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, setflags: bool) -> Op:
    """A8.8.257 UMULL: R[dHi]:R[dLo] = UInt(R[n]) * UInt(R[m]); with S, N and Z from the 64-bit result."""
    return _op64(ctx, info, "UMULL", "regs[n] * regs[m]", setflags, dLo=dLo, dHi=dHi, n=n, m=m)


def UMLAL(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, setflags: bool) -> Op:
    """A8.8.256 UMLAL: R[dHi]:R[dLo] += UInt(R[n]) * UInt(R[m]) (modulo 2^64)."""
    return _op64(ctx, info, "UMLAL", f"(regs[n] * regs[m] + {_ACC64}) & 0xFFFFFFFFFFFFFFFF", setflags,
                 dLo=dLo, dHi=dHi, n=n, m=m)


def SMULL(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, setflags: bool) -> Op:
    """A8.8.189 SMULL: R[dHi]:R[dLo] = SInt(R[n]) * SInt(R[m])."""
    return _op64(ctx, info, "SMULL", f"({_sint('n')} * {_sint('m')}) & 0xFFFFFFFFFFFFFFFF", setflags,
                 dLo=dLo, dHi=dHi, n=n, m=m)


def SMLAL(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, setflags: bool) -> Op:
    """A8.8.178 SMLAL: R[dHi]:R[dLo] += SInt(R[n]) * SInt(R[m]) (modulo 2^64)."""
    return _op64(ctx, info, "SMLAL", f"({_sint('n')} * {_sint('m')} + {_ACC64}) & 0xFFFFFFFFFFFFFFFF", setflags,
                 dLo=dLo, dHi=dHi, n=n, m=m)


def UMAAL(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int) -> Op:
    """A8.8.255 UMAAL: R[dHi]:R[dLo] = R[n] * R[m] + R[dHi] + R[dLo] (never exceeds 2^64 - 1)."""
    return _op64(ctx, info, "UMAAL", "regs[n] * regs[m] + regs[dHi] + regs[dLo]", dLo=dLo, dHi=dHi, n=n, m=m)


# ---------------------------------------------------------------------------
# A5.2.7: halfword multiplies
# ---------------------------------------------------------------------------


def SMLAxy(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, n_high: bool, m_high: bool) -> Op:
    """A8.8.176 SMLA<x><y>: R[d] = half(R[n]) * half(R[m]) + R[a]; Q set on signed overflow."""
    return _op32q(ctx, info, "SMLAxy", f"{_half('n', n_high)} * {_half('m', m_high)} + {_sint('a')}",
                  d=d, n=n, m=m, a=a)


def SMULxy(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, n_high: bool, m_high: bool) -> Op:
    """A8.8.188 SMUL<x><y>: R[d] = half(R[n]) * half(R[m]) (cannot overflow)."""
    return _op32(ctx, info, "SMULxy", f"({_half('n', n_high)} * {_half('m', m_high)})", d=d, n=n, m=m)


def SMLAWy(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, m_high: bool) -> Op:
    """A8.8.181 SMLAW<y>: R[d] = (SInt(R[n]) * half(R[m]) + (SInt(R[a]) << 16))<47:16>; Q on overflow."""
    return _op32q(ctx, info, "SMLAWy", f"({_sint('n')} * {_half('m', m_high)} + ({_sint('a')} << 16)) >> 16",
                  d=d, n=n, m=m, a=a)


def SMULWy(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, m_high: bool) -> Op:
    """A8.8.190 SMULW<y>: R[d] = (SInt(R[n]) * half(R[m]))<47:16>."""
    return _op32(ctx, info, "SMULWy", f"({_sint('n')} * {_half('m', m_high)} >> 16)", d=d, n=n, m=m)


def SMLALxy(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, n_high: bool, m_high: bool) -> Op:
    """A8.8.179 SMLAL<x><y>: R[dHi]:R[dLo] += half(R[n]) * half(R[m]) (modulo 2^64)."""
    return _op64(ctx, info, "SMLALxy",
                 f"({_half('n', n_high)} * {_half('m', m_high)} + {_ACC64}) & 0xFFFFFFFFFFFFFFFF",
                 dLo=dLo, dHi=dHi, n=n, m=m)


# ---------------------------------------------------------------------------
# A5.4.4: dual 16-bit multiplies, most-significant-word multiplies, divide
# ---------------------------------------------------------------------------
# For the dual multiplies, operand2 = ROR(R[m], 16) when m_swap ('X' forms):
# product1 = SInt(R[n]<15:0>) * SInt(operand2<15:0>), product2 = SInt(R[n]<31:16>) * SInt(operand2<31:16>).


def _dual(m_swap: bool, sub: bool) -> str:
    """product1 + product2 (``sub``: product1 - product2)."""
    p1 = f"{_half('n', False)} * {_half('m', m_swap)}"
    p2 = f"{_half('n', True)} * {_half('m', not m_swap)}"
    return f"{p1} {'-' if sub else '+'} {p2}"


def SMUAD(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, m_swap: bool) -> Op:
    """A8.8.187 SMUAD{X}: R[d] = product1 + product2; Q set on overflow (only -2^15 squared twice)."""
    return _op32q(ctx, info, "SMUAD", _dual(m_swap, False), d=d, n=n, m=m)


def SMUSD(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, m_swap: bool) -> Op:
    """A8.8.191 SMUSD{X}: R[d] = product1 - product2 (cannot overflow)."""
    return _op32(ctx, info, "SMUSD", f"({_dual(m_swap, True)})", d=d, n=n, m=m)


def SMLAD(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, m_swap: bool) -> Op:
    """A8.8.177 SMLAD{X}: R[d] = product1 + product2 + SInt(R[a]); Q set on signed overflow."""
    return _op32q(ctx, info, "SMLAD", f"{_dual(m_swap, False)} + {_sint('a')}", d=d, n=n, m=m, a=a)


def SMLSD(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, m_swap: bool) -> Op:
    """A8.8.182 SMLSD{X}: R[d] = product1 - product2 + SInt(R[a]); Q set on signed overflow."""
    return _op32q(ctx, info, "SMLSD", f"{_dual(m_swap, True)} + {_sint('a')}", d=d, n=n, m=m, a=a)


def SMLALD(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, m_swap: bool) -> Op:
    """A8.8.180 SMLALD{X}: R[dHi]:R[dLo] += product1 + product2 (modulo 2^64)."""
    return _op64(ctx, info, "SMLALD", f"({_dual(m_swap, False)} + {_ACC64}) & 0xFFFFFFFFFFFFFFFF",
                 dLo=dLo, dHi=dHi, n=n, m=m)


def SMLSLD(ctx: ExecContext, info: InsnInfo, dLo: int, dHi: int, n: int, m: int, m_swap: bool) -> Op:
    """A8.8.183 SMLSLD{X}: R[dHi]:R[dLo] += product1 - product2 (modulo 2^64)."""
    return _op64(ctx, info, "SMLSLD", f"({_dual(m_swap, True)} + {_ACC64}) & 0xFFFFFFFFFFFFFFFF",
                 dLo=dLo, dHi=dHi, n=n, m=m)


# For SMMLA/SMMLS the accumulator R[a] << 32 may be taken unsigned: it differs
# from (SInt(R[a]) << 32) by a multiple of 2^64, which leaves result<63:32> alone.


def _most_significant(acc: str, round: bool) -> str:
    """(acc + SInt(R[n]) * SInt(R[m]) [+ 0x80000000])<63:32> (``acc`` ends with its sign)."""
    return f"(({acc}{_sint('n')} * {_sint('m')}{' + 0x80000000' if round else ''}) >> 32)"


def SMMUL(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, round: bool) -> Op:
    """A8.8.186 SMMUL{R}: R[d] = (SInt(R[n]) * SInt(R[m]) [+ 0x80000000])<63:32>."""
    return _op32(ctx, info, "SMMUL", _most_significant("", round), d=d, n=n, m=m)


def SMMLA(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, round: bool) -> Op:
    """A8.8.184 SMMLA{R}: R[d] = ((R[a] << 32) + SInt(R[n]) * SInt(R[m]) [+ 0x80000000])<63:32>."""
    return _op32(ctx, info, "SMMLA", _most_significant("(regs[a] << 32) + ", round), d=d, n=n, m=m, a=a)


def SMMLS(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int, round: bool) -> Op:
    """A8.8.185 SMMLS{R}: R[d] = ((R[a] << 32) - SInt(R[n]) * SInt(R[m]) [+ 0x80000000])<63:32>."""
    return _op32(ctx, info, "SMMLS", _most_significant("(regs[a] << 32) - ", round), d=d, n=n, m=m, a=a)


def SDIV(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.165 SDIV: R[d] = RoundTowardsZero(SInt(R[n]) / SInt(R[m]))<31:0>.

    Division by zero gives 0: ARMv7-A has no divide-by-zero trap
    (IntegerZeroDivideTrappingEnabled() is FALSE).  0x80000000 / -1
    overflows to 0x80000000 (the low 32 bits of +2^31).  Python floors, so a
    negative inexact quotient is moved one towards zero.
    """
    lines = [
        "y = regs[m]",
        "if y:",
        f"    x = {_sint('n')}",
        "    y = (y ^ 0x80000000) - 0x80000000",
        "    q = x // y",
        "    if q < 0 and q * y != x:",
        "        q += 1",
        "    regs[d] = q & 0xFFFFFFFF",
        "else:",
        "    regs[d] = 0",
        "return nxt",
    ]
    return template(ctx, info, "SDIV", lines, d=d, n=n, m=m)


def UDIV(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.248 UDIV: R[d] = UInt(R[n]) / UInt(R[m]) rounded towards zero; division by zero gives 0."""
    return template(ctx, info, "UDIV", ["y = regs[m]", "regs[d] = regs[n] // y if y else 0", "return nxt"],
                    d=d, n=n, m=m)


# ---------------------------------------------------------------------------
# A5.2.6: saturating addition and subtraction (SignedSatQ(x, 32), A2.2.2)
# ---------------------------------------------------------------------------


_SAT32 = ("0x7FFFFFFF", "-0x80000000")


def _qaddsub(ctx: ExecContext, info: InsnInfo, name: str, d: int, m: int, n: int, sub: bool,
             double: bool) -> Op:
    """R[d] = SignedSat(SInt(R[m]) +/- [SignedSat(2 * ] SInt(R[n]) [)]); Q if either saturates."""
    lines: List[str] = []
    y = _sint("n")
    if double:
        lines += [f"y = {_sint('n')} << 1", *saturate_q("y", *_SAT32)]
        y = "y"
    lines += [f"r = {_sint('m')} {'-' if sub else '+'} {y}", *saturate_q("r", *_SAT32),
              "regs[d] = r & 0xFFFFFFFF", "return nxt"]
    return template(ctx, info, name, lines, d=d, m=m, n=n)


def QADD(ctx: ExecContext, info: InsnInfo, d: int, m: int, n: int) -> Op:
    """A8.8.134 QADD: R[d] = SignedSat(SInt(R[m]) + SInt(R[n]), 32); Q set on saturation."""
    return _qaddsub(ctx, info, "QADD", d, m, n, False, False)


def QSUB(ctx: ExecContext, info: InsnInfo, d: int, m: int, n: int) -> Op:
    """A8.8.141 QSUB: R[d] = SignedSat(SInt(R[m]) - SInt(R[n]), 32); Q set on saturation."""
    return _qaddsub(ctx, info, "QSUB", d, m, n, True, False)


def QDADD(ctx: ExecContext, info: InsnInfo, d: int, m: int, n: int) -> Op:
    """A8.8.138 QDADD: R[d] = SignedSat(SInt(R[m]) + SignedSat(2 * SInt(R[n]), 32), 32); Q if either saturates."""
    return _qaddsub(ctx, info, "QDADD", d, m, n, False, True)


def QDSUB(ctx: ExecContext, info: InsnInfo, d: int, m: int, n: int) -> Op:
    """A8.8.139 QDSUB: R[d] = SignedSat(SInt(R[m]) - SignedSat(2 * SInt(R[n]), 32), 32); Q if either saturates."""
    return _qaddsub(ctx, info, "QDSUB", d, m, n, True, True)
