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

Each operation is a template body (:mod:`armsim.isa.template`) over named
slots (register numbers, rotation, shift, saturation bounds, bit-field masks):
the same body is the per-instruction op and the code a translated block
inlines.  The 36 parallel add/subtract bodies are generated from one lane
rule per prefix (S, U, Q, UQ, SH, UH) and the lane pairing of each operation
(ADD16, ASX, SAX, SUB16, ADD8, SUB8).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from armsim.isa.bits import SRType_ASR, SRType_LSL
from armsim.isa.contract import ExecContext, InsnInfo, Op, Unpredictable
from armsim.isa.ops.common import saturate_q, template

M32 = 0xFFFFFFFF
B16 = 0x80008000  # the sign bits of both halfwords
B8 = 0x80808080  # the sign bits of all four bytes

ParallelBuilder = Callable[[ExecContext, InsnInfo, int, int, int], Op]


def _op(ctx: ExecContext, info: InsnInfo, name: str, lines: List[str], **slots: Any) -> Op:
    return template(ctx, info, name, [*lines, "return nxt"], **slots)


# ---------------------------------------------------------------------------
# A5.4.1 Parallel addition and subtraction
# ---------------------------------------------------------------------------
# Byte-lane S/U ADD8 and SUB8 work without carries between lanes: adding the
# low seven bits of each lane cannot carry out of the lane, and bit 7 of that
# partial sum is the carry into bit 7; the lane's carry out is then
# majority(a7, b7, carry-in).  Subtraction is the same with (a | 0x80) - (b & 0x7F):
# bit 7 of the partial difference is 1 when no borrow came from the low seven
# bits.  Multiplying the four bit-7 flags by 0x204081 (1 + 2^7 + 2^14 + 2^21)
# moves bits 7, 15, 23, 31 to bits 28-31 (the shifted copies land on distinct
# bit positions, so nothing carries).  The other forms compute lane by lane.

_ADD8_GE = [
    "x = a ^ b",
    "low = (a & 0x7F7F7F7F) + (b & 0x7F7F7F7F)",
    "regs[d] = low ^ (x & 0x80808080)",
    "flags[2] = ((a & b | x & low) & 0x80808080) * 0x204081 >> 28 & 0xF",
]
_SUB8_GE = [
    "x = (a | 0x80808080) - (b & 0x7F7F7F7F)",
    "regs[d] = x ^ ((a ^ b ^ 0x80808080) & 0x80808080)",
    "flags[2] = ((a & ~b | ~(a ^ b) & x) & 0x80808080) * 0x204081 >> 28 & 0xF",
]

# Operation -> lane width and, per result lane, (the lane of Rm it combines with, add?).
_PAIRING: Dict[str, Tuple[int, Tuple[Tuple[int, bool], ...]]] = {
    "ADD16": (16, ((0, True), (1, True))),
    "ASX": (16, ((1, False), (0, True))),  # low = Rn.lo - Rm.hi, high = Rn.hi + Rm.lo
    "SAX": (16, ((1, True), (0, False))),  # low = Rn.lo + Rm.hi, high = Rn.hi - Rm.lo
    "SUB16": (16, ((0, False), (1, False))),
    "ADD8": (8, tuple((i, True) for i in range(4))),
    "SUB8": (8, tuple((i, False) for i in range(4))),
}
_PREFIXES = ("S", "Q", "SH", "U", "UQ", "UH")


def _hex(v: int) -> str:
    return f"-0x{-v:X}" if v < 0 else f"0x{v:X}"


def _lane(x: str, i: int, w: int) -> str:
    """Lane ``i`` (``w`` bits wide) of ``x``, zero-extended."""
    if i == 0:
        return f"({x} & {_hex((1 << w) - 1)})"
    if i == 32 // w - 1:
        return f"({x} >> {w * i})"
    return f"({x} >> {w * i} & {_hex((1 << w) - 1)})"


def _lane_result(prefix: str, add: bool, v: str, w: int) -> Tuple[List[str], str]:
    """(clamp lines, lane value) of the lane sum/difference ``v`` under ``prefix`` (A5.4.1).

    Signed prefixes see biased lanes: a biased sum is the signed sum + 2^w, a
    biased difference the signed difference.
    """
    mask = (1 << w) - 1
    half = 1 << (w - 1)
    if prefix in ("S", "U"):
        return [], f"({v} & {_hex(mask)})"
    if prefix == "Q":  # SignedSat(x, w): the bounds as the biased sum or the plain difference
        top, bottom = (mask + half, half) if add else (half - 1, -half)
        return ([f"if {v} > {_hex(top)}:", f"    {v} = {_hex(half - 1)}", f"elif {v} < {_hex(bottom)}:",
                 f"    {v} = {_hex(half)}"], f"({v} & {_hex(mask)})")
    if prefix == "UQ":  # UnsignedSat(x, w)
        if add:
            return [f"if {v} > {_hex(mask)}:", f"    {v} = {_hex(mask)}"], v
        return [f"if {v} < 0:", f"    {v} = 0"], v
    if prefix == "SH":  # halving a biased sum gives the halved signed sum + 2^(w-1)
        return [], f"(({v} >> 1) ^ {_hex(half)})" if add else f"({v} >> 1 & {_hex(mask)})"
    return [], f"({v} >> 1)" if add else f"({v} >> 1 & {_hex(mask)})"  # UH


def parallel_lines(prefix: str, operation: str) -> List[str]:
    """The template body of ``prefix + operation`` (slots d, n, m; GE in flags[2] for S and U)."""
    w, pairing = _PAIRING[operation]
    signed = prefix in ("S", "Q", "SH")
    bias = _hex(B16 if w == 16 else B8)
    lines = [f"a = regs[n] ^ {bias}", f"b = regs[m] ^ {bias}"] if signed else ["a = regs[n]", "b = regs[m]"]
    if w == 8 and prefix in ("S", "U"):
        return lines + (_ADD8_GE if pairing[0][1] else _SUB8_GE)
    values = []
    ge = []
    for i, (j, add) in enumerate(pairing):
        v = f"v{i}"
        lines.append(f"{v} = {_lane('a', i, w)} {'+' if add else '-'} {_lane('b', j, w)}")
        clamp, value = _lane_result(prefix, add, v, w)
        lines += clamp
        values.append(f"{value} << {w * i}" if i else value)
        # GE[2i+1:2i] of a halfword lane: sum >= 2^16 (carry out), difference >= 0.
        bits = 3 << (2 * i)
        ge.append(f"({v} >> 16) * {bits}" if add else f"(~{v} >> 16 & {bits})")
    lines.append("regs[d] = " + " | ".join(reversed(values)))
    if prefix in ("S", "U"):
        lines.append("flags[2] = " + " | ".join(ge))
    return lines


def _parallel(prefix: str, operation: str) -> ParallelBuilder:
    name = prefix + operation
    lines = parallel_lines(prefix, operation)

    def build(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
        return _op(ctx, info, name, lines, d=d, n=n, m=m)

    build.__name__ = build.__qualname__ = name
    build.__doc__ = f"A5.4.1 {name}: parallel add/subtract of R[n] and R[m] into R[d] (see parallel_lines)."
    return build


# Name -> builder, keyed by the manual's mnemonic (prefix + operation).
PARALLEL_ADDSUB: Dict[str, ParallelBuilder] = {p + o: _parallel(p, o) for p in _PREFIXES for o in _PAIRING}


# ---------------------------------------------------------------------------
# A5.4.3 Packing, unpacking, saturation and reversal
# ---------------------------------------------------------------------------


def _sint(x: str) -> str:
    return f"(({x} ^ 0x80000000) - 0x80000000)"


def PKH(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, tbform: bool, shift_t: int, shift_n: int) -> Op:
    """A8.8.125 PKHBT, PKHTB: combine a halfword of Rn with the other halfword of shifted Rm.

    The encodings give LSL #0-31 for PKHBT and ASR #1-32 for PKHTB.
    """
    if not tbform:
        if shift_t != SRType_LSL:
            raise ValueError("PKHBT takes an LSL shift")
        top = "regs[m] << k & 0xFFFF0000" if shift_n else "regs[m] & 0xFFFF0000"
        line = f"regs[d] = ({top}) | (regs[n] & 0xFFFF)"
    else:
        if shift_t != SRType_ASR or not 1 <= shift_n <= 32:
            raise ValueError("PKHTB takes an ASR #1-32 shift")
        # Up to 16 the low halfword of the shifted value comes from bits [31:0] of Rm.
        shifted = "regs[m] >> k" if shift_n <= 16 else f"{_sint('regs[m]')} >> k"
        line = f"regs[d] = (regs[n] & 0xFFFF0000) | ({shifted} & 0xFFFF)"
    return _op(ctx, info, "PKH", [line], d=d, n=n, m=m, k=shift_n)


def _saturate(ctx: ExecContext, info: InsnInfo, name: str, d: int, n: int, smax: int, smin: int, shift_t: int,
              shift_n: int) -> Op:
    """R[d] = Sat(shifted R[n]) to [smin, smax]; APSR.Q on saturation (A8.8.193 SSAT, A8.8.266 USAT)."""
    if shift_t == SRType_LSL and shift_n == 0:
        operand = _sint("regs[n]")
    elif shift_t == SRType_LSL:
        operand = _sint("(regs[n] << k & 0xFFFFFFFF)")
    elif shift_t == SRType_ASR:
        operand = f"{_sint('regs[n]')} >> k"
    else:
        raise ValueError(f"{name} takes an LSL or ASR shift")
    lines = [f"s = {operand}", *saturate_q("s", "smax", "smin"), "regs[d] = s & 0xFFFFFFFF"]
    return _op(ctx, info, name, lines, d=d, n=n, k=shift_n, smax=smax, smin=smin)


def SSAT(ctx: ExecContext, info: InsnInfo, d: int, n: int, saturate_to: int, shift_t: int, shift_n: int) -> Op:
    """A8.8.193 SSAT: signed saturation of the (LSL or ASR) shifted Rn to saturate_to bits; Q on saturation."""
    return _saturate(ctx, info, "SSAT", d, n, (1 << (saturate_to - 1)) - 1, -(1 << (saturate_to - 1)), shift_t,
                     shift_n)


def USAT(ctx: ExecContext, info: InsnInfo, d: int, n: int, saturate_to: int, shift_t: int, shift_n: int) -> Op:
    """A8.8.266 USAT: unsigned saturation of the signed (LSL or ASR) shifted Rn to saturate_to bits; Q on saturation."""
    return _saturate(ctx, info, "USAT", d, n, (1 << saturate_to) - 1, 0, shift_t, shift_n)


# Both signed halfwords of R[n] saturated to [smin, smax] (SSAT16, USAT16).
_SAT16 = [
    "x = regs[n]",
    "v0 = ((x & 0xFFFF) ^ 0x8000) - 0x8000",
    "v1 = ((x >> 16) ^ 0x8000) - 0x8000",
    *saturate_q("v0", "smax", "smin"),
    *saturate_q("v1", "smax", "smin"),
    "regs[d] = (v1 & 0xFFFF) << 16 | (v0 & 0xFFFF)",
]


def SSAT16(ctx: ExecContext, info: InsnInfo, d: int, n: int, saturate_to: int) -> Op:
    """A8.8.194 SSAT16: both signed halfwords of Rn saturated to saturate_to (1-16) bits; Q on saturation."""
    return _op(ctx, info, "SSAT16", _SAT16, d=d, n=n, smax=(1 << (saturate_to - 1)) - 1,
               smin=-(1 << (saturate_to - 1)))


def USAT16(ctx: ExecContext, info: InsnInfo, d: int, n: int, saturate_to: int) -> Op:
    """A8.8.267 USAT16: both signed halfwords of Rn saturated to unsigned saturate_to (0-15) bits; Q on saturation."""
    return _op(ctx, info, "USAT16", _SAT16, d=d, n=n, smax=(1 << saturate_to) - 1, smin=0)


# Extend and extend-and-add (A8.8.230-235, A8.8.271-276).  rotation is 0, 8, 16
# or 24.  A byte field never wraps under these rotations, so it is just
# (x >> rotation) & 0xFF; halfwords and byte pairs rotate.  Byte pairs:
# v = ROR(R[m], rotation) & 0x00FF00FF holds bytes 0 and 2; sign-extending both
# into their halfwords is v | (v & 0x00800080) * 0x1FE.

_FIELD = {"B": "0xFF", "H": "0xFFFF", "B16": "0x00FF00FF"}
_SIGN = {"B": "0x80", "H": "0x8000"}


def _extend(ctx: ExecContext, info: InsnInfo, name: str, d: int, n: Optional[int], m: int, rotation: int,
            field: str, signed: bool) -> Op:
    lines: List[str] = []
    if rotation == 0:
        x = "regs[m]"
    elif field == "B":
        x = "(regs[m] >> rot)"
    else:
        lines.append("x = regs[m]")
        x = "(x >> rot | x << lrot)"
    v = f"({x} & {_FIELD[field]})"
    slots: Dict[str, Any] = {"d": d, "m": m, "rot": rotation, "lrot": 32 - rotation}
    if n is not None:
        slots["n"] = n
    if field == "B16":
        lines.append(f"v = {v}")
        if signed:
            lines.append("v |= (v & 0x00800080) * 0x1FE")
        if n is None:
            lines.append("regs[d] = v")
        else:
            lines += ["y = regs[n]",
                      "regs[d] = ((y & 0xFFFF0000) + (v & 0xFFFF0000) & 0xFFFF0000) | ((y + v) & 0xFFFF)"]
        return _op(ctx, info, name, lines, **slots)
    if signed:
        v = f"(({v} ^ {_SIGN[field]}) - {_SIGN[field]})"
    if n is not None:
        lines.append(f"regs[d] = (regs[n] + {v}) & 0xFFFFFFFF")
    else:
        lines.append(f"regs[d] = {v} & 0xFFFFFFFF" if signed else f"regs[d] = {v}")
    return _op(ctx, info, name, lines, **slots)


def SXTB(ctx: ExecContext, info: InsnInfo, d: int, m: int, rotation: int) -> Op:
    """A8.8.233 SXTB: R[d] = SignExtend(ROR(R[m], rotation)<7:0>)."""
    return _extend(ctx, info, "SXTB", d, None, m, rotation, "B", True)


def UXTB(ctx: ExecContext, info: InsnInfo, d: int, m: int, rotation: int) -> Op:
    """A8.8.274 UXTB: R[d] = ZeroExtend(ROR(R[m], rotation)<7:0>)."""
    return _extend(ctx, info, "UXTB", d, None, m, rotation, "B", False)


def SXTAB(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, rotation: int) -> Op:
    """A8.8.230 SXTAB: R[d] = R[n] + SignExtend(ROR(R[m], rotation)<7:0>)."""
    return _extend(ctx, info, "SXTAB", d, n, m, rotation, "B", True)


def UXTAB(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, rotation: int) -> Op:
    """A8.8.271 UXTAB: R[d] = R[n] + ZeroExtend(ROR(R[m], rotation)<7:0>)."""
    return _extend(ctx, info, "UXTAB", d, n, m, rotation, "B", False)


def SXTH(ctx: ExecContext, info: InsnInfo, d: int, m: int, rotation: int) -> Op:
    """A8.8.235 SXTH: R[d] = SignExtend(ROR(R[m], rotation)<15:0>)."""
    return _extend(ctx, info, "SXTH", d, None, m, rotation, "H", True)


def UXTH(ctx: ExecContext, info: InsnInfo, d: int, m: int, rotation: int) -> Op:
    """A8.8.276 UXTH: R[d] = ZeroExtend(ROR(R[m], rotation)<15:0>)."""
    return _extend(ctx, info, "UXTH", d, None, m, rotation, "H", False)


def SXTAH(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, rotation: int) -> Op:
    """A8.8.232 SXTAH: R[d] = R[n] + SignExtend(ROR(R[m], rotation)<15:0>)."""
    return _extend(ctx, info, "SXTAH", d, n, m, rotation, "H", True)


def UXTAH(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, rotation: int) -> Op:
    """A8.8.273 UXTAH: R[d] = R[n] + ZeroExtend(ROR(R[m], rotation)<15:0>)."""
    return _extend(ctx, info, "UXTAH", d, n, m, rotation, "H", False)


def SXTB16(ctx: ExecContext, info: InsnInfo, d: int, m: int, rotation: int) -> Op:
    """A8.8.234 SXTB16: sign-extend bytes 0 and 2 of ROR(R[m], rotation) to halfwords."""
    return _extend(ctx, info, "SXTB16", d, None, m, rotation, "B16", True)


def UXTB16(ctx: ExecContext, info: InsnInfo, d: int, m: int, rotation: int) -> Op:
    """A8.8.275 UXTB16: zero-extend bytes 0 and 2 of ROR(R[m], rotation) to halfwords."""
    return _extend(ctx, info, "UXTB16", d, None, m, rotation, "B16", False)


def SXTAB16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, rotation: int) -> Op:
    """A8.8.231 SXTAB16: add sign-extended bytes 0 and 2 of ROR(R[m], rotation) to the halfwords of R[n]."""
    return _extend(ctx, info, "SXTAB16", d, n, m, rotation, "B16", True)


def UXTAB16(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, rotation: int) -> Op:
    """A8.8.272 UXTAB16: add zero-extended bytes 0 and 2 of ROR(R[m], rotation) to the halfwords of R[n]."""
    return _extend(ctx, info, "UXTAB16", d, n, m, rotation, "B16", False)


# SEL byte masks indexed by GE[3:0]: byte i comes from Rn where GE[i] is set.
_SEL_MASK: Tuple[int, ...] = tuple(sum(0xFF << (8 * i) for i in range(4) if ge >> i & 1) for ge in range(16))


def SEL(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.166 SEL: byte i of R[d] = GE[i] ? byte i of R[n] : byte i of R[m]."""
    return _op(ctx, info, "SEL", ["b = regs[m]", "regs[d] = ((regs[n] ^ b) & masks[flags[2]]) ^ b"], d=d, n=n, m=m,
               masks=_SEL_MASK)


def REV(ctx: ExecContext, info: InsnInfo, d: int, m: int) -> Op:
    """A8.8.145 REV: reverse the byte order of R[m]."""
    line = "regs[d] = x >> 24 | (x >> 8 & 0xFF00) | (x << 8 & 0xFF0000) | (x << 24 & 0xFF000000)"
    return _op(ctx, info, "REV", ["x = regs[m]", line], d=d, m=m)


def REV16(ctx: ExecContext, info: InsnInfo, d: int, m: int) -> Op:
    """A8.8.146 REV16: reverse the byte order within each halfword of R[m]."""
    return _op(ctx, info, "REV16", ["x = regs[m]", "regs[d] = (x >> 8 & 0x00FF00FF) | (x << 8 & 0xFF00FF00)"], d=d, m=m)


def REVSH(ctx: ExecContext, info: InsnInfo, d: int, m: int) -> Op:
    """A8.8.147 REVSH: R[d] = SignExtend(R[m]<7:0> : R[m]<15:8>)."""
    line = "regs[d] = ((((x & 0xFF) << 8 | (x >> 8 & 0xFF)) ^ 0x8000) - 0x8000) & 0xFFFFFFFF"
    return _op(ctx, info, "REVSH", ["x = regs[m]", line], d=d, m=m)


_RBIT8: Tuple[int, ...] = tuple(int(f"{i:08b}"[::-1], 2) for i in range(256))


def RBIT(ctx: ExecContext, info: InsnInfo, d: int, m: int) -> Op:
    """A8.8.144 RBIT: reverse the bit order of R[m] (a byte table, slot ``rb``)."""
    line = "regs[d] = rb[x & 0xFF] << 24 | rb[x >> 8 & 0xFF] << 16 | rb[x >> 16 & 0xFF] << 8 | rb[x >> 24]"
    return _op(ctx, info, "RBIT", ["x = regs[m]", line], d=d, m=m, rb=_RBIT8)


# ---------------------------------------------------------------------------
# A5.4 (Table A5-16): sum of absolute differences and bit fields
# ---------------------------------------------------------------------------


def _usad(ctx: ExecContext, info: InsnInfo, name: str, d: int, n: int, m: int, a: Optional[int]) -> Op:
    """R[d] = [R[a] +] the sum of |Rn byte i - Rm byte i| over the four bytes (modulo 2^32)."""
    lines = ["x = regs[n]", "y = regs[m]"]
    terms = []
    for i in range(4):
        lines.append(f"s{i} = {_lane('x', i, 8)} - {_lane('y', i, 8)}")
        terms.append(f"(s{i} if s{i} >= 0 else -s{i})")
    total = " + ".join(terms)
    if a is None:
        lines.append(f"regs[d] = {total}")
        return _op(ctx, info, name, lines, d=d, n=n, m=m)
    lines.append(f"regs[d] = (regs[a] + {total}) & 0xFFFFFFFF")
    return _op(ctx, info, name, lines, d=d, n=n, m=m, a=a)


def USAD8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int) -> Op:
    """A8.8.264 USAD8: R[d] = sum of |Rn byte i - Rm byte i| over the four bytes."""
    return _usad(ctx, info, "USAD8", d, n, m, None)


def USADA8(ctx: ExecContext, info: InsnInfo, d: int, n: int, m: int, a: int) -> Op:
    """A8.8.265 USADA8: R[d] = R[a] + sum of |Rn byte i - Rm byte i| (modulo 2^32)."""
    return _usad(ctx, info, "USADA8", d, n, m, a)


def _extract(ctx: ExecContext, info: InsnInfo, name: str, d: int, n: int, lsbit: int, widthminus1: int,
             signed: bool) -> Op:
    """R[d] = Sign/ZeroExtend(R[n]<lsbit+widthminus1:lsbit>) (slots mask, sign: the field's)."""
    if lsbit + widthminus1 > 31:
        # UNPREDICTABLE (A8.8.164 SBFX, A8.8.246 UBFX): msbit > 31 -- we choose UNDEFINED.
        raise Unpredictable(f"{name}: msbit > 31")
    field = "(regs[n] >> lsb & mask)" if lsbit else "(regs[n] & mask)"
    line = f"regs[d] = (({field} ^ sign) - sign) & 0xFFFFFFFF" if signed else f"regs[d] = {field}"
    return _op(ctx, info, name, [line], d=d, n=n, lsb=lsbit, mask=(1 << (widthminus1 + 1)) - 1,
               sign=1 << widthminus1)


def SBFX(ctx: ExecContext, info: InsnInfo, d: int, n: int, lsbit: int, widthminus1: int) -> Op:
    """A8.8.164 SBFX: R[d] = SignExtend(R[n]<lsbit+widthminus1:lsbit>).

    UNPREDICTABLE (A8.8.164) when lsbit + widthminus1 > 31: we choose UNDEFINED.
    """
    return _extract(ctx, info, "SBFX", d, n, lsbit, widthminus1, True)


def UBFX(ctx: ExecContext, info: InsnInfo, d: int, n: int, lsbit: int, widthminus1: int) -> Op:
    """A8.8.246 UBFX: R[d] = ZeroExtend(R[n]<lsbit+widthminus1:lsbit>).

    UNPREDICTABLE (A8.8.246) when lsbit + widthminus1 > 31: we choose UNDEFINED.
    """
    return _extract(ctx, info, "UBFX", d, n, lsbit, widthminus1, False)


def BFC(ctx: ExecContext, info: InsnInfo, d: int, msbit: int, lsbit: int) -> Op:
    """A8.8.19 BFC: clear R[d]<msbit:lsbit>.

    UNPREDICTABLE (A8.8.19) when msbit < lsbit: we choose UNDEFINED.
    """
    if msbit < lsbit:
        raise Unpredictable("A8.8.19: msbit < lsbit")
    keep = M32 ^ (((1 << (msbit - lsbit + 1)) - 1) << lsbit)
    return _op(ctx, info, "BFC", ["regs[d] &= keep"], d=d, keep=keep)


def BFI(ctx: ExecContext, info: InsnInfo, d: int, n: int, msbit: int, lsbit: int) -> Op:
    """A8.8.20 BFI: R[d]<msbit:lsbit> = R[n]<msbit-lsbit:0>.

    UNPREDICTABLE (A8.8.20) when msbit < lsbit: we choose UNDEFINED.
    """
    if msbit < lsbit:
        raise Unpredictable("A8.8.20: msbit < lsbit")
    field = ((1 << (msbit - lsbit + 1)) - 1) << lsbit
    return _op(ctx, info, "BFI", ["regs[d] = (regs[d] & keep) | (regs[n] << lsb & field)"], d=d, n=n,
               keep=M32 ^ field, lsb=lsbit, field=field)
