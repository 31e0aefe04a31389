"""T32 rows: data-processing (register) (DDI 0406C A6.3.12-A6.3.15: shifts by register,
extends, parallel add/subtract, miscellaneous), multiplies (A6.3.16) and long
multiplies and divides (A6.3.17).

The T32 field names are the A32 ones, so most rows reuse the A32 adapters of
:mod:`armsim.isa.a32.media` and :mod:`armsim.isa.a32.mul` (one definition per
operation; the A32 adapters reject R15, and the T32 rows below also reject
R13 where the manual makes it UNPREDICTABLE: we choose UNDEFINED).
"""

from __future__ import annotations

from typing import Any, Callable, List

from armsim.isa.a32 import media as a32m
from armsim.isa.a32 import mul as a32x
from armsim.isa.contract import ExecContext, InsnInfo, Op, Unpredictable
from armsim.isa.decoder import Group, Item, Row
from armsim.isa.ops import alu
from armsim.isa.ops import media as ops
from armsim.isa.t32.common import fixed, no_pc_sp

_REG_FIELDS = ("Rd", "Rn", "Rm", "Ra", "RdHi", "RdLo")


def _nosp(builder: Callable[..., Op], **values: Any) -> Callable[..., Op]:
    """Reject R13/R15 in any register field (A8.8.x T1 rules), then call the shared adapter."""

    def build(ctx: ExecContext, info: InsnInfo, **fields: int) -> Op:
        no_pc_sp(getattr(builder, "__name__", "T32"), *(v for k, v in fields.items() if k in _REG_FIELDS))
        return builder(ctx, info, **values, **fields)

    build.__name__ = getattr(builder, "__name__", "build")
    build.__doc__ = builder.__doc__
    return build


def _shift_reg(type_: int) -> Callable[..., Op]:
    def build(ctx: ExecContext, info: InsnInfo, S: int, Rn: int, Rd: int, Rm: int) -> Op:
        """A8.8.95 LSL / A8.8.97 LSR / A8.8.17 ASR / A8.8.150 ROR (register) T2: Rd = Rn shifted by Rm<7:0>."""
        no_pc_sp("shift (register)", Rd, Rn, Rm)
        return alu.dp_register_shifted(ctx, info, "MOV", Rd, 0, Rn, Rm, type_, S == 1)

    return build


def _same_rm(builder: Callable[..., Op]) -> Callable[..., Op]:
    def build(ctx: ExecContext, info: InsnInfo, Rm1: int, Rd: int, Rm: int) -> Op:
        """A8.8.144 RBIT, A8.8.145-147 REV, REV16, REVSH, A8.8.33 CLZ T1: Rm encoded twice."""
        if Rm1 != Rm:
            raise Unpredictable("A6.3.15: !Consistent(Rm)")
        no_pc_sp("A6.3.15", Rd, Rm)
        return builder(ctx, info, Rd=Rd, Rm=Rm)

    return build


def _extends() -> List[Item]:
    """A6.3.12 op1 = 0000-0101 with op2 = 1xxx: SXTAH/SXTH ... UXTAB/UXTB (Rn == 1111 first)."""
    table = (
        ("000", "SXTH", ops.SXTH, "SXTAH", ops.SXTAH),
        ("001", "UXTH", ops.UXTH, "UXTAH", ops.UXTAH),
        ("010", "SXTB16", ops.SXTB16, "SXTAB16", ops.SXTAB16),
        ("011", "UXTB16", ops.UXTB16, "UXTAB16", ops.UXTAB16),
        ("100", "SXTB", ops.SXTB, "SXTAB", ops.SXTAB),
        ("101", "UXTB", ops.UXTB, "UXTAB", ops.UXTAB),
    )
    out: List[Item] = []
    for bits, ext, ext_sem, add, add_sem in table:
        e = a32m._extend_adapter("A8.8.x", ext, ext_sem)
        a = a32m._extend_add_adapter("A8.8.x", add, add_sem)
        out.append(Group(
            Row(ext, f"11111010 0 {bits} 1111 1111 Rd:4 1 (0) rotate:2 Rm:4", _nosp(e)),
            Row(add, f"11111010 0 {bits} Rn:4 1111 Rd:4 1 (0) rotate:2 Rm:4", _nosp(a)),
        ))
    return out


# A6.3.13 / A6.3.14 parallel add/subtract: op1 (bits 22:20) and the prefix (hw2 bits 6:4).
_PAR_OP1 = (("ADD8", "000"), ("ADD16", "001"), ("ASX", "010"), ("SUB8", "100"), ("SUB16", "101"), ("SAX", "110"))
_PAR_PREFIX = (("S", "000"), ("Q", "001"), ("SH", "010"), ("U", "100"), ("UQ", "101"), ("UH", "110"))


def _parallel() -> List[Item]:
    return [
        Row(p + o, f"11111010 1 {ob} Rn:4 1111 Rd:4 0 {pb} Rm:4", _nosp(a32m._parallel_adapter(p + o)))
        for o, ob in _PAR_OP1
        for p, pb in _PAR_PREFIX
    ]


def _misc() -> List[Item]:
    """A6.3.15 miscellaneous operations."""
    h = "11111010 10"
    return [
        Row("QADD", f"{h} 00 Rn:4 1111 Rd:4 1000 Rm:4", _nosp(a32x.a32_QADD)),
        Row("QDADD", f"{h} 00 Rn:4 1111 Rd:4 1001 Rm:4", _nosp(a32x.a32_QDADD)),
        Row("QSUB", f"{h} 00 Rn:4 1111 Rd:4 1010 Rm:4", _nosp(a32x.a32_QSUB)),
        Row("QDSUB", f"{h} 00 Rn:4 1111 Rd:4 1011 Rm:4", _nosp(a32x.a32_QDSUB)),
        Row("REV", f"{h} 01 Rm1:4 1111 Rd:4 1000 Rm:4", _same_rm(a32m._reverse_adapter("A8.8.145", "REV", ops.REV))),
        Row("REV16", f"{h} 01 Rm1:4 1111 Rd:4 1001 Rm:4",
            _same_rm(a32m._reverse_adapter("A8.8.146", "REV16", ops.REV16))),
        Row("RBIT", f"{h} 01 Rm1:4 1111 Rd:4 1010 Rm:4",
            _same_rm(a32m._reverse_adapter("A8.8.144", "RBIT", ops.RBIT))),
        Row("REVSH", f"{h} 01 Rm1:4 1111 Rd:4 1011 Rm:4",
            _same_rm(a32m._reverse_adapter("A8.8.147", "REVSH", ops.REVSH))),
        Row("SEL", f"{h} 10 Rn:4 1111 Rd:4 1000 Rm:4", _nosp(a32m.a32_SEL)),
        Row("CLZ", f"{h} 11 Rm1:4 1111 Rd:4 1000 Rm:4", _same_rm(_clz)),
    ]


def _clz(ctx: ExecContext, info: InsnInfo, Rd: int, Rm: int) -> Op:
    return alu.CLZ(ctx, info, Rd, Rm)


def _mul_rows() -> List[Item]:
    """A6.3.16 multiply, multiply accumulate, absolute difference (Ra == 1111: the non-accumulating form)."""
    h = "111110110"
    return [
        Group(
            Row("MUL", f"{h} 000 Rn:4 1111 Rd:4 0000 Rm:4", _nosp(a32x.a32_MUL, S=0)),
            Row("MLA", f"{h} 000 Rn:4 Ra:4 Rd:4 0000 Rm:4", _nosp(a32x.a32_MLA, S=0)),
        ),
        Row("MLS", f"{h} 000 Rn:4 Ra:4 Rd:4 0001 Rm:4", _nosp(a32x.a32_MLS)),
        Group(
            Row("SMULBB, SMULBT, SMULTB, SMULTT", f"{h} 001 Rn:4 1111 Rd:4 00 N:1 M:1 Rm:4", _nosp(a32x.a32_SMULxy)),
            Row("SMLABB, SMLABT, SMLATB, SMLATT", f"{h} 001 Rn:4 Ra:4 Rd:4 00 N:1 M:1 Rm:4", _nosp(a32x.a32_SMLAxy)),
        ),
        Group(
            Row("SMUAD", f"{h} 010 Rn:4 1111 Rd:4 000 M:1 Rm:4", _nosp(a32x.a32_SMUAD)),
            Row("SMLAD", f"{h} 010 Rn:4 Ra:4 Rd:4 000 M:1 Rm:4", _nosp(a32x.a32_SMLAD)),
        ),
        Group(
            Row("SMULWB, SMULWT", f"{h} 011 Rn:4 1111 Rd:4 000 M:1 Rm:4", _nosp(a32x.a32_SMULWy)),
            Row("SMLAWB, SMLAWT", f"{h} 011 Rn:4 Ra:4 Rd:4 000 M:1 Rm:4", _nosp(a32x.a32_SMLAWy)),
        ),
        Group(
            Row("SMUSD", f"{h} 100 Rn:4 1111 Rd:4 000 M:1 Rm:4", _nosp(a32x.a32_SMUSD)),
            Row("SMLSD", f"{h} 100 Rn:4 Ra:4 Rd:4 000 M:1 Rm:4", _nosp(a32x.a32_SMLSD)),
        ),
        Group(
            Row("SMMUL", f"{h} 101 Rn:4 1111 Rd:4 000 R:1 Rm:4", _nosp(_smm(a32x.a32_SMMUL))),
            Row("SMMLA", f"{h} 101 Rn:4 Ra:4 Rd:4 000 R:1 Rm:4", _nosp(_smm(a32x.a32_SMMLA))),
        ),
        Row("SMMLS", f"{h} 110 Rn:4 Ra:4 Rd:4 000 R:1 Rm:4", _nosp(_smm(a32x.a32_SMMLS))),
        Group(
            Row("USAD8", f"{h} 111 Rn:4 1111 Rd:4 0000 Rm:4", _nosp(a32m.a32_USAD8)),
            Row("USADA8", f"{h} 111 Rn:4 Ra:4 Rd:4 0000 Rm:4", _nosp(a32m.a32_USADA8)),
        ),
    ]


def _smm(builder: Callable[..., Op]) -> Callable[..., Op]:
    return builder


def _long(builder: Callable[..., Op], **values: Any) -> Callable[..., Op]:
    """A6.3.17 long multiplies: the A32 adapters name the halves RdHi/RdLo as T32 does."""
    return _nosp(builder, **values)


def _long_rows() -> List[Item]:
    h = "111110111"
    return [
        Row("SMULL", f"{h} 000 Rn:4 RdLo:4 RdHi:4 0000 Rm:4", _long(a32x.a32_SMULL, S=0)),
        Row("SDIV", f"{h} 001 Rn:4 (1)(1)(1)(1) Rd:4 1111 Rm:4", _nosp(a32x.a32_SDIV)),
        Row("UMULL", f"{h} 010 Rn:4 RdLo:4 RdHi:4 0000 Rm:4", _long(a32x.a32_UMULL, S=0)),
        Row("UDIV", f"{h} 011 Rn:4 (1)(1)(1)(1) Rd:4 1111 Rm:4", _nosp(a32x.a32_UDIV)),
        Row("SMLAL", f"{h} 100 Rn:4 RdLo:4 RdHi:4 0000 Rm:4", _long(a32x.a32_SMLAL, S=0)),
        Row("SMLALBB, SMLALBT, SMLALTB, SMLALTT", f"{h} 100 Rn:4 RdLo:4 RdHi:4 10 N:1 M:1 Rm:4",
            _long(a32x.a32_SMLALxy)),
        Row("SMLALD", f"{h} 100 Rn:4 RdLo:4 RdHi:4 110 M:1 Rm:4", _long(a32x.a32_SMLALD)),
        Row("SMLSLD", f"{h} 101 Rn:4 RdLo:4 RdHi:4 110 M:1 Rm:4", _long(a32x.a32_SMLSLD)),
        Row("UMLAL", f"{h} 110 Rn:4 RdLo:4 RdHi:4 0000 Rm:4", _long(a32x.a32_UMLAL, S=0)),
        Row("UMAAL", f"{h} 110 Rn:4 RdLo:4 RdHi:4 0110 Rm:4", _long(a32x.a32_UMAAL)),
    ]


ROWS: List[Item] = [
    *(Row(f"{n} (register)", f"11111010 0 {t:02b} S:1 Rn:4 1111 Rd:4 0000 Rm:4", _shift_reg(t))
      for t, n in enumerate(("LSL", "LSR", "ASR", "ROR"))),
    *_extends(),
    *_parallel(),
    *_misc(),
    *_mul_rows(),
    *_long_rows(),
]

_ = fixed
