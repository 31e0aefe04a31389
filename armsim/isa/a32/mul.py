"""A32 rows: multiplies, saturating add/subtract, divide (DDI 0406C A5.2.5, A5.2.6, A5.2.7, A5.4.4).

Patterns follow the "Encoding A1" diagrams of the A8.8 sections named in each
adapter.  The adapters do the encodings' decode pseudocode and call the
instruction-set independent builders of :mod:`armsim.isa.ops.mul`.

UNPREDICTABLE register choices (any register is R15, RdHi == RdLo for the
64-bit results): we choose UNDEFINED.  ARMv6 and later do not require
Rd != Rn for MUL/MLA/MULL, so those combinations execute normally.
"""

from __future__ import annotations

from typing import List

from armsim.isa.contract import ExecContext, InsnInfo, Op, Unpredictable
from armsim.isa.decoder import Group, Item, Row
from armsim.isa.ops import mul as ops


def _no_pc(section: str, *regs: int) -> None:
    """UNPREDICTABLE (section): a register operand is R15; we choose UNDEFINED."""
    if 15 in regs:
        raise Unpredictable(f"{section}: R15 operand")


def _long_checks(section: str, dLo: int, dHi: int, n: int, m: int) -> None:
    """UNPREDICTABLE (section) for 64-bit results: R15 operands or dHi == dLo; we choose UNDEFINED."""
    _no_pc(section, dLo, dHi, n, m)
    if dHi == dLo:
        raise Unpredictable(f"{section}: RdHi == RdLo")


# ---------------------------------------------------------------------------
# A5.2.5 Multiply and multiply accumulate: cond 0000 op:4 .... .... .... 1001 ....
# ---------------------------------------------------------------------------


def a32_MUL(ctx: ExecContext, info: InsnInfo, S: int, Rd: int, Rm: int, Rn: int) -> Op:
    """A8.8.114 MUL, encoding A1."""
    _no_pc("A8.8.114", Rd, Rn, Rm)
    return ops.MUL(ctx, info, Rd, Rn, Rm, S == 1)


def a32_MLA(ctx: ExecContext, info: InsnInfo, S: int, Rd: int, Ra: int, Rm: int, Rn: int) -> Op:
    """A8.8.100 MLA, encoding A1."""
    _no_pc("A8.8.100", Rd, Rn, Rm, Ra)
    return ops.MLA(ctx, info, Rd, Rn, Rm, Ra, S == 1)


def a32_MLS(ctx: ExecContext, info: InsnInfo, Rd: int, Ra: int, Rm: int, Rn: int) -> Op:
    """A8.8.101 MLS, encoding A1."""
    _no_pc("A8.8.101", Rd, Rn, Rm, Ra)
    return ops.MLS(ctx, info, Rd, Rn, Rm, Ra)


def a32_UMAAL(ctx: ExecContext, info: InsnInfo, RdHi: int, RdLo: int, Rm: int, Rn: int) -> Op:
    """A8.8.255 UMAAL, encoding A1."""
    _long_checks("A8.8.255", RdLo, RdHi, Rn, Rm)
    return ops.UMAAL(ctx, info, RdLo, RdHi, Rn, Rm)


def a32_UMULL(ctx: ExecContext, info: InsnInfo, S: int, RdHi: int, RdLo: int, Rm: int, Rn: int) -> Op:
    """A8.8.257 UMULL, encoding A1."""
    _long_checks("A8.8.257", RdLo, RdHi, Rn, Rm)
    return ops.UMULL(ctx, info, RdLo, RdHi, Rn, Rm, S == 1)


def a32_UMLAL(ctx: ExecContext, info: InsnInfo, S: int, RdHi: int, RdLo: int, Rm: int, Rn: int) -> Op:
    """A8.8.256 UMLAL, encoding A1."""
    _long_checks("A8.8.256", RdLo, RdHi, Rn, Rm)
    return ops.UMLAL(ctx, info, RdLo, RdHi, Rn, Rm, S == 1)


def a32_SMULL(ctx: ExecContext, info: InsnInfo, S: int, RdHi: int, RdLo: int, Rm: int, Rn: int) -> Op:
    """A8.8.189 SMULL, encoding A1."""
    _long_checks("A8.8.189", RdLo, RdHi, Rn, Rm)
    return ops.SMULL(ctx, info, RdLo, RdHi, Rn, Rm, S == 1)


def a32_SMLAL(ctx: ExecContext, info: InsnInfo, S: int, RdHi: int, RdLo: int, Rm: int, Rn: int) -> Op:
    """A8.8.178 SMLAL, encoding A1."""
    _long_checks("A8.8.178", RdLo, RdHi, Rn, Rm)
    return ops.SMLAL(ctx, info, RdLo, RdHi, Rn, Rm, S == 1)


# ---------------------------------------------------------------------------
# A5.2.6 Saturating addition and subtraction: cond 00010 op:2 0 .... .... .... 0101 ....
# ---------------------------------------------------------------------------


def a32_QADD(ctx: ExecContext, info: InsnInfo, Rn: int, Rd: int, Rm: int) -> Op:
    """A8.8.134 QADD, encoding A1."""
    _no_pc("A8.8.134", Rd, Rn, Rm)
    return ops.QADD(ctx, info, Rd, Rm, Rn)


def a32_QSUB(ctx: ExecContext, info: InsnInfo, Rn: int, Rd: int, Rm: int) -> Op:
    """A8.8.141 QSUB, encoding A1."""
    _no_pc("A8.8.141", Rd, Rn, Rm)
    return ops.QSUB(ctx, info, Rd, Rm, Rn)


def a32_QDADD(ctx: ExecContext, info: InsnInfo, Rn: int, Rd: int, Rm: int) -> Op:
    """A8.8.138 QDADD, encoding A1."""
    _no_pc("A8.8.138", Rd, Rn, Rm)
    return ops.QDADD(ctx, info, Rd, Rm, Rn)


def a32_QDSUB(ctx: ExecContext, info: InsnInfo, Rn: int, Rd: int, Rm: int) -> Op:
    """A8.8.139 QDSUB, encoding A1."""
    _no_pc("A8.8.139", Rd, Rn, Rm)
    return ops.QDSUB(ctx, info, Rd, Rm, Rn)


# ---------------------------------------------------------------------------
# A5.2.7 Halfword multiply and multiply accumulate: cond 00010 op1:2 0 .... .... .... 1 . op 0 ....
# ---------------------------------------------------------------------------


def a32_SMLAxy(ctx: ExecContext, info: InsnInfo, Rd: int, Ra: int, Rm: int, M: int, N: int, Rn: int) -> Op:
    """A8.8.176 SMLA<x><y>, encoding A1."""
    _no_pc("A8.8.176", Rd, Rn, Rm, Ra)
    return ops.SMLAxy(ctx, info, Rd, Rn, Rm, Ra, N == 1, M == 1)


def a32_SMLAWy(ctx: ExecContext, info: InsnInfo, Rd: int, Ra: int, Rm: int, M: int, Rn: int) -> Op:
    """A8.8.181 SMLAW<y>, encoding A1."""
    _no_pc("A8.8.181", Rd, Rn, Rm, Ra)
    return ops.SMLAWy(ctx, info, Rd, Rn, Rm, Ra, M == 1)


def a32_SMULWy(ctx: ExecContext, info: InsnInfo, Rd: int, Rm: int, M: int, Rn: int) -> Op:
    """A8.8.190 SMULW<y>, encoding A1."""
    _no_pc("A8.8.190", Rd, Rn, Rm)
    return ops.SMULWy(ctx, info, Rd, Rn, Rm, M == 1)


def a32_SMLALxy(ctx: ExecContext, info: InsnInfo, RdHi: int, RdLo: int, Rm: int, M: int, N: int, Rn: int) -> Op:
    """A8.8.179 SMLAL<x><y>, encoding A1."""
    _long_checks("A8.8.179", RdLo, RdHi, Rn, Rm)
    return ops.SMLALxy(ctx, info, RdLo, RdHi, Rn, Rm, N == 1, M == 1)


def a32_SMULxy(ctx: ExecContext, info: InsnInfo, Rd: int, Rm: int, M: int, N: int, Rn: int) -> Op:
    """A8.8.188 SMUL<x><y>, encoding A1."""
    _no_pc("A8.8.188", Rd, Rn, Rm)
    return ops.SMULxy(ctx, info, Rd, Rn, Rm, N == 1, M == 1)


# ---------------------------------------------------------------------------
# A5.4.4 Signed multiply, signed and unsigned divide: cond 01110 op1:3 A:4 .... op2:3 1 ....
# ---------------------------------------------------------------------------


def a32_SMUAD(ctx: ExecContext, info: InsnInfo, Rd: int, Rm: int, M: int, Rn: int) -> Op:
    """A8.8.187 SMUAD{X}, encoding A1."""
    _no_pc("A8.8.187", Rd, Rn, Rm)
    return ops.SMUAD(ctx, info, Rd, Rn, Rm, M == 1)


def a32_SMLAD(ctx: ExecContext, info: InsnInfo, Rd: int, Ra: int, Rm: int, M: int, Rn: int) -> Op:
    """A8.8.177 SMLAD{X}, encoding A1 (Ra == 1111 is SMUAD, matched first)."""
    _no_pc("A8.8.177", Rd, Rn, Rm)
    return ops.SMLAD(ctx, info, Rd, Rn, Rm, Ra, M == 1)


def a32_SMUSD(ctx: ExecContext, info: InsnInfo, Rd: int, Rm: int, M: int, Rn: int) -> Op:
    """A8.8.191 SMUSD{X}, encoding A1."""
    _no_pc("A8.8.191", Rd, Rn, Rm)
    return ops.SMUSD(ctx, info, Rd, Rn, Rm, M == 1)


def a32_SMLSD(ctx: ExecContext, info: InsnInfo, Rd: int, Ra: int, Rm: int, M: int, Rn: int) -> Op:
    """A8.8.182 SMLSD{X}, encoding A1 (Ra == 1111 is SMUSD, matched first)."""
    _no_pc("A8.8.182", Rd, Rn, Rm)
    return ops.SMLSD(ctx, info, Rd, Rn, Rm, Ra, M == 1)


def a32_SDIV(ctx: ExecContext, info: InsnInfo, Rd: int, Rm: int, Rn: int) -> Op:
    """A8.8.165 SDIV, encoding A1."""
    _no_pc("A8.8.165", Rd, Rn, Rm)
    return ops.SDIV(ctx, info, Rd, Rn, Rm)


def a32_UDIV(ctx: ExecContext, info: InsnInfo, Rd: int, Rm: int, Rn: int) -> Op:
    """A8.8.248 UDIV, encoding A1."""
    _no_pc("A8.8.248", Rd, Rn, Rm)
    return ops.UDIV(ctx, info, Rd, Rn, Rm)


def a32_SMLALD(ctx: ExecContext, info: InsnInfo, RdHi: int, RdLo: int, Rm: int, M: int, Rn: int) -> Op:
    """A8.8.180 SMLALD{X}, encoding A1."""
    _long_checks("A8.8.180", RdLo, RdHi, Rn, Rm)
    return ops.SMLALD(ctx, info, RdLo, RdHi, Rn, Rm, M == 1)


def a32_SMLSLD(ctx: ExecContext, info: InsnInfo, RdHi: int, RdLo: int, Rm: int, M: int, Rn: int) -> Op:
    """A8.8.183 SMLSLD{X}, encoding A1."""
    _long_checks("A8.8.183", RdLo, RdHi, Rn, Rm)
    return ops.SMLSLD(ctx, info, RdLo, RdHi, Rn, Rm, M == 1)


def a32_SMMUL(ctx: ExecContext, info: InsnInfo, Rd: int, Rm: int, R: int, Rn: int) -> Op:
    """A8.8.186 SMMUL{R}, encoding A1."""
    _no_pc("A8.8.186", Rd, Rn, Rm)
    return ops.SMMUL(ctx, info, Rd, Rn, Rm, R == 1)


def a32_SMMLA(ctx: ExecContext, info: InsnInfo, Rd: int, Ra: int, Rm: int, R: int, Rn: int) -> Op:
    """A8.8.184 SMMLA{R}, encoding A1 (Ra == 1111 is SMMUL, matched first)."""
    _no_pc("A8.8.184", Rd, Rn, Rm)
    return ops.SMMLA(ctx, info, Rd, Rn, Rm, Ra, R == 1)


def a32_SMMLS(ctx: ExecContext, info: InsnInfo, Rd: int, Ra: int, Rm: int, R: int, Rn: int) -> Op:
    """A8.8.185 SMMLS{R}, encoding A1 (Ra == 15 is UNPREDICTABLE here: no SMMUL alias)."""
    _no_pc("A8.8.185", Rd, Rn, Rm, Ra)
    return ops.SMMLS(ctx, info, Rd, Rn, Rm, Ra, R == 1)


ROWS: List[Item] = [
    # A5.2.5 (bits 27:24 = 0000, 7:4 = 1001).  op = 0101 and 0111 are UNDEFINED (no row).
    Row("MUL", "cond:4 0000000 S:1 Rd:4 (0)(0)(0)(0) Rm:4 1001 Rn:4", a32_MUL),
    Row("MLA", "cond:4 0000001 S:1 Rd:4 Ra:4 Rm:4 1001 Rn:4", a32_MLA),
    Row("UMAAL", "cond:4 00000100 RdHi:4 RdLo:4 Rm:4 1001 Rn:4", a32_UMAAL),
    Row("MLS", "cond:4 00000110 Rd:4 Ra:4 Rm:4 1001 Rn:4", a32_MLS),
    Row("UMULL", "cond:4 0000100 S:1 RdHi:4 RdLo:4 Rm:4 1001 Rn:4", a32_UMULL),
    Row("UMLAL", "cond:4 0000101 S:1 RdHi:4 RdLo:4 Rm:4 1001 Rn:4", a32_UMLAL),
    Row("SMULL", "cond:4 0000110 S:1 RdHi:4 RdLo:4 Rm:4 1001 Rn:4", a32_SMULL),
    Row("SMLAL", "cond:4 0000111 S:1 RdHi:4 RdLo:4 Rm:4 1001 Rn:4", a32_SMLAL),
    # A5.2.6 (bits 27:23 = 00010, 20 = 0, 7:4 = 0101).
    Row("QADD", "cond:4 00010000 Rn:4 Rd:4 (0)(0)(0)(0) 0101 Rm:4", a32_QADD),
    Row("QSUB", "cond:4 00010010 Rn:4 Rd:4 (0)(0)(0)(0) 0101 Rm:4", a32_QSUB),
    Row("QDADD", "cond:4 00010100 Rn:4 Rd:4 (0)(0)(0)(0) 0101 Rm:4", a32_QDADD),
    Row("QDSUB", "cond:4 00010110 Rn:4 Rd:4 (0)(0)(0)(0) 0101 Rm:4", a32_QDSUB),
    # A5.2.7 (bits 27:23 = 00010, 20 = 0, 7 = 1, 4 = 0).
    Row("SMLA<x><y>", "cond:4 00010000 Rd:4 Ra:4 Rm:4 1 M:1 N:1 0 Rn:4", a32_SMLAxy),
    Row("SMLAW<y>", "cond:4 00010010 Rd:4 Ra:4 Rm:4 1 M:1 0 0 Rn:4", a32_SMLAWy),
    Row("SMULW<y>", "cond:4 00010010 Rd:4 (0)(0)(0)(0) Rm:4 1 M:1 1 0 Rn:4", a32_SMULWy),
    Row("SMLAL<x><y>", "cond:4 00010100 RdHi:4 RdLo:4 Rm:4 1 M:1 N:1 0 Rn:4", a32_SMLALxy),
    Row("SMUL<x><y>", "cond:4 00010110 Rd:4 (0)(0)(0)(0) Rm:4 1 M:1 N:1 0 Rn:4", a32_SMULxy),
    # A5.4.4 (bits 27:23 = 01110, 4 = 1).  Ra == 1111 selects the non-accumulating form.
    Group(
        Row("SMUAD", "cond:4 01110000 Rd:4 1111 Rm:4 00 M:1 1 Rn:4", a32_SMUAD),
        Row("SMLAD", "cond:4 01110000 Rd:4 Ra:4 Rm:4 00 M:1 1 Rn:4", a32_SMLAD),
    ),
    Group(
        Row("SMUSD", "cond:4 01110000 Rd:4 1111 Rm:4 01 M:1 1 Rn:4", a32_SMUSD),
        Row("SMLSD", "cond:4 01110000 Rd:4 Ra:4 Rm:4 01 M:1 1 Rn:4", a32_SMLSD),
    ),
    Row("SDIV", "cond:4 01110001 Rd:4 (1)(1)(1)(1) Rm:4 0001 Rn:4", a32_SDIV),
    Row("UDIV", "cond:4 01110011 Rd:4 (1)(1)(1)(1) Rm:4 0001 Rn:4", a32_UDIV),
    Row("SMLALD", "cond:4 01110100 RdHi:4 RdLo:4 Rm:4 00 M:1 1 Rn:4", a32_SMLALD),
    Row("SMLSLD", "cond:4 01110100 RdHi:4 RdLo:4 Rm:4 01 M:1 1 Rn:4", a32_SMLSLD),
    Group(
        Row("SMMUL", "cond:4 01110101 Rd:4 1111 Rm:4 00 R:1 1 Rn:4", a32_SMMUL),
        Row("SMMLA", "cond:4 01110101 Rd:4 Ra:4 Rm:4 00 R:1 1 Rn:4", a32_SMMLA),
    ),
    Row("SMMLS", "cond:4 01110101 Rd:4 Ra:4 Rm:4 11 R:1 1 Rn:4", a32_SMMLS),
]
UNCOND_ROWS: List[Item] = []
