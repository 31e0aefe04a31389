"""A32 rows: media instructions (DDI 0406C A5.4), except A5.4.4 (signed multiplies, divides).

Patterns follow the "Encoding A1" diagrams of the A8.8 sections named in each
adapter.  The adapters do the encodings' decode pseudocode and call the
instruction-set independent builders of :mod:`armsim.isa.ops.media`.

UNPREDICTABLE register choices (R15 as any operand or destination) and the
UNPREDICTABLE bit-field positions: we choose UNDEFINED.  Encodings of the
media space that no row matches are UNDEFINED (A5.4); the permanently
UNDEFINED UDF encoding (A8.8.247) is listed with the system rows.
"""

from __future__ import annotations

from typing import Callable, List

from armsim.isa.bits import DecodeImmShift
from armsim.isa.contract import ExecContext, InsnInfo, Op, Unpredictable
from armsim.isa.decoder import Group, Item, Row
from armsim.isa.ops import media as ops


def _no_pc(section: str, *regs: int) -> None:
    """UNPREDICTABLE (section): a register operand or destination is R15; we choose UNDEFINED."""
    if 15 in regs:
        raise Unpredictable(f"{section}: R15 operand")


# ---------------------------------------------------------------------------
# A5.4.1 Parallel addition and subtraction:
#   cond 0110 0 U op1:2 Rn Rd (1)(1)(1)(1) op2:3 1 Rm
# ---------------------------------------------------------------------------

# Prefix -> bits [22:20] (U, op1); operation -> bits [7:5] (op2).  Table A5-17/A5-18 (signed/unsigned).
_PREFIXES = (("S", 0b001), ("Q", 0b010), ("SH", 0b011), ("U", 0b101), ("UQ", 0b110), ("UH", 0b111))
_OPERATIONS = (("ADD16", 0b000), ("ASX", 0b001), ("SAX", 0b010), ("SUB16", 0b011), ("ADD8", 0b100), ("SUB8", 0b111))

# A8.8 section of each parallel add/subtract instruction.
_SECTIONS = {
    "SADD16": "A8.8.158", "SADD8": "A8.8.159", "SASX": "A8.8.160",
    "SSAX": "A8.8.195", "SSUB16": "A8.8.196", "SSUB8": "A8.8.197",
    "QADD16": "A8.8.135", "QADD8": "A8.8.136", "QASX": "A8.8.137",
    "QSAX": "A8.8.140", "QSUB16": "A8.8.142", "QSUB8": "A8.8.143",
    "SHADD16": "A8.8.169", "SHADD8": "A8.8.170", "SHASX": "A8.8.171",
    "SHSAX": "A8.8.172", "SHSUB16": "A8.8.173", "SHSUB8": "A8.8.174",
    "UADD16": "A8.8.243", "UADD8": "A8.8.244", "UASX": "A8.8.245",
    "USAX": "A8.8.268", "USUB16": "A8.8.269", "USUB8": "A8.8.270",
    "UQADD16": "A8.8.258", "UQADD8": "A8.8.259", "UQASX": "A8.8.260",
    "UQSAX": "A8.8.261", "UQSUB16": "A8.8.262", "UQSUB8": "A8.8.263",
    "UHADD16": "A8.8.249", "UHADD8": "A8.8.250", "UHASX": "A8.8.251",
    "UHSAX": "A8.8.252", "UHSUB16": "A8.8.253", "UHSUB8": "A8.8.254",
}  # fmt: skip


def _parallel_adapter(name: str) -> Callable[..., Op]:
    sem = ops.PARALLEL_ADDSUB[name]
    section = _SECTIONS[name]

    def a32_parallel(ctx: ExecContext, info: InsnInfo, Rn: int, Rd: int, Rm: int) -> Op:
        """Encoding A1 of a parallel add/subtract: d, n, m; any R15 is UNPREDICTABLE."""
        _no_pc(section, Rd, Rn, Rm)
        return sem(ctx, info, Rd, Rn, Rm)

    a32_parallel.__name__ = f"a32_{name}"
    a32_parallel.__doc__ = f"{section} {name}, encoding A1."
    return a32_parallel


def _parallel_rows() -> List[Item]:
    rows: List[Item] = []
    for prefix, uop1 in _PREFIXES:
        for operation, op2 in _OPERATIONS:
            name = prefix + operation
            pattern = f"cond:4 01100 {uop1:03b} Rn:4 Rd:4 (1)(1)(1)(1) {op2:03b}1 Rm:4"
            rows.append(Row(name, pattern, _parallel_adapter(name)))
    return rows


# ---------------------------------------------------------------------------
# A5.4.3 Packing, unpacking, saturation and reversal: cond 0110 1 op1:3 A .... .... op2:3 1 ....
# ---------------------------------------------------------------------------


def a32_PKH(ctx: ExecContext, info: InsnInfo, Rn: int, Rd: int, imm5: int, tb: int, Rm: int) -> Op:
    """A8.8.125 PKHBT, PKHTB, encoding A1."""
    _no_pc("A8.8.125", Rd, Rn, Rm)
    shift_t, shift_n = DecodeImmShift(tb << 1, imm5)
    return ops.PKH(ctx, info, Rd, Rn, Rm, tb == 1, shift_t, shift_n)


def a32_SSAT(ctx: ExecContext, info: InsnInfo, sat_imm: int, Rd: int, imm5: int, sh: int, Rn: int) -> Op:
    """A8.8.193 SSAT, encoding A1: saturate_to = sat_imm + 1."""
    _no_pc("A8.8.193", Rd, Rn)
    shift_t, shift_n = DecodeImmShift(sh << 1, imm5)
    return ops.SSAT(ctx, info, Rd, Rn, sat_imm + 1, shift_t, shift_n)


def a32_USAT(ctx: ExecContext, info: InsnInfo, sat_imm: int, Rd: int, imm5: int, sh: int, Rn: int) -> Op:
    """A8.8.266 USAT, encoding A1: saturate_to = sat_imm."""
    _no_pc("A8.8.266", Rd, Rn)
    shift_t, shift_n = DecodeImmShift(sh << 1, imm5)
    return ops.USAT(ctx, info, Rd, Rn, sat_imm, shift_t, shift_n)


def a32_SSAT16(ctx: ExecContext, info: InsnInfo, sat_imm: int, Rd: int, Rn: int) -> Op:
    """A8.8.194 SSAT16, encoding A1: saturate_to = sat_imm + 1."""
    _no_pc("A8.8.194", Rd, Rn)
    return ops.SSAT16(ctx, info, Rd, Rn, sat_imm + 1)


def a32_USAT16(ctx: ExecContext, info: InsnInfo, sat_imm: int, Rd: int, Rn: int) -> Op:
    """A8.8.267 USAT16, encoding A1: saturate_to = sat_imm."""
    _no_pc("A8.8.267", Rd, Rn)
    return ops.USAT16(ctx, info, Rd, Rn, sat_imm)


def a32_SEL(ctx: ExecContext, info: InsnInfo, Rn: int, Rd: int, Rm: int) -> Op:
    """A8.8.166 SEL, encoding A1."""
    _no_pc("A8.8.166", Rd, Rn, Rm)
    return ops.SEL(ctx, info, Rd, Rn, Rm)


def _reverse_adapter(
    section: str, name: str, sem: Callable[[ExecContext, InsnInfo, int, int], Op]
) -> Callable[..., Op]:
    def a32_reverse(ctx: ExecContext, info: InsnInfo, Rd: int, Rm: int) -> Op:
        _no_pc(section, Rd, Rm)
        return sem(ctx, info, Rd, Rm)

    a32_reverse.__name__ = f"a32_{name}"
    a32_reverse.__doc__ = f"{section} {name}, encoding A1."
    return a32_reverse


def _extend_adapter(
    section: str, name: str, sem: Callable[[ExecContext, InsnInfo, int, int, int], Op]
) -> Callable[..., Op]:
    """SXTB, SXTH, SXTB16, UXTB, UXTH, UXTB16 (the Rn == 1111 rows): d, m, rotation = rotate:'000'."""

    def a32_extend(ctx: ExecContext, info: InsnInfo, Rd: int, rotate: int, Rm: int) -> Op:
        _no_pc(section, Rd, Rm)
        return sem(ctx, info, Rd, Rm, rotate << 3)

    a32_extend.__name__ = f"a32_{name}"
    a32_extend.__doc__ = f"{section} {name}, encoding A1."
    return a32_extend


def _extend_add_adapter(
    section: str, name: str, sem: Callable[[ExecContext, InsnInfo, int, int, int, int], Op]
) -> Callable[..., Op]:
    """SXTAB, SXTAH, SXTAB16, UXTAB, UXTAH, UXTAB16 (Rn != 1111): d, n, m, rotation = rotate:'000'."""

    def a32_extend_add(ctx: ExecContext, info: InsnInfo, Rn: int, Rd: int, rotate: int, Rm: int) -> Op:
        _no_pc(section, Rd, Rm)  # Rn == 15 is the non-accumulating row of the same group
        return sem(ctx, info, Rd, Rn, Rm, rotate << 3)

    a32_extend_add.__name__ = f"a32_{name}"
    a32_extend_add.__doc__ = f"{section} {name}, encoding A1."
    return a32_extend_add


def _extend_group(op1: str, ext: str, ext_section: str, ext_sem: Callable[..., Op],
                  add: str, add_section: str, add_sem: Callable[..., Op]) -> Group:  # fmt: skip
    """The Rn == 1111 (extend) row first, then the extend-and-add row."""
    return Group(
        Row(ext, f"cond:4 01101 {op1} 1111 Rd:4 rotate:2 (0)(0) 0111 Rm:4", _extend_adapter(ext_section, ext, ext_sem)),
        Row(
            add,
            f"cond:4 01101 {op1} Rn:4 Rd:4 rotate:2 (0)(0) 0111 Rm:4",
            _extend_add_adapter(add_section, add, add_sem),
        ),
    )


_PACKING_ROWS: List[Item] = [
    Row("PKHBT, PKHTB", "cond:4 01101000 Rn:4 Rd:4 imm5:5 tb:1 01 Rm:4", a32_PKH),
    _extend_group("000", "SXTB16", "A8.8.234", ops.SXTB16, "SXTAB16", "A8.8.231", ops.SXTAB16),
    Row("SEL", "cond:4 01101000 Rn:4 Rd:4 (1)(1)(1)(1) 1011 Rm:4", a32_SEL),
    Row("SSAT", "cond:4 0110101 sat_imm:5 Rd:4 imm5:5 sh:1 01 Rn:4", a32_SSAT),
    Row("SSAT16", "cond:4 01101010 sat_imm:4 Rd:4 (1)(1)(1)(1) 0011 Rn:4", a32_SSAT16),
    _extend_group("010", "SXTB", "A8.8.233", ops.SXTB, "SXTAB", "A8.8.230", ops.SXTAB),
    Row(
        "REV", "cond:4 01101011 (1)(1)(1)(1) Rd:4 (1)(1)(1)(1) 0011 Rm:4", _reverse_adapter("A8.8.145", "REV", ops.REV)
    ),
    _extend_group("011", "SXTH", "A8.8.235", ops.SXTH, "SXTAH", "A8.8.232", ops.SXTAH),
    Row(
        "REV16",
        "cond:4 01101011 (1)(1)(1)(1) Rd:4 (1)(1)(1)(1) 1011 Rm:4",
        _reverse_adapter("A8.8.146", "REV16", ops.REV16),
    ),
    _extend_group("100", "UXTB16", "A8.8.275", ops.UXTB16, "UXTAB16", "A8.8.272", ops.UXTAB16),
    Row("USAT", "cond:4 0110111 sat_imm:5 Rd:4 imm5:5 sh:1 01 Rn:4", a32_USAT),
    Row("USAT16", "cond:4 01101110 sat_imm:4 Rd:4 (1)(1)(1)(1) 0011 Rn:4", a32_USAT16),
    _extend_group("110", "UXTB", "A8.8.274", ops.UXTB, "UXTAB", "A8.8.271", ops.UXTAB),
    Row(
        "RBIT",
        "cond:4 01101111 (1)(1)(1)(1) Rd:4 (1)(1)(1)(1) 0011 Rm:4",
        _reverse_adapter("A8.8.144", "RBIT", ops.RBIT),
    ),
    _extend_group("111", "UXTH", "A8.8.276", ops.UXTH, "UXTAH", "A8.8.273", ops.UXTAH),
    Row(
        "REVSH",
        "cond:4 01101111 (1)(1)(1)(1) Rd:4 (1)(1)(1)(1) 1011 Rm:4",
        _reverse_adapter("A8.8.147", "REVSH", ops.REVSH),
    ),
]


# ---------------------------------------------------------------------------
# A5.4 (Table A5-16) others: cond 0111 1 op1 .... .... op2:3 1 ....
# ---------------------------------------------------------------------------


def a32_USAD8(ctx: ExecContext, info: InsnInfo, Rd: int, Rm: int, Rn: int) -> Op:
    """A8.8.264 USAD8, encoding A1."""
    _no_pc("A8.8.264", Rd, Rn, Rm)
    return ops.USAD8(ctx, info, Rd, Rn, Rm)


def a32_USADA8(ctx: ExecContext, info: InsnInfo, Rd: int, Ra: int, Rm: int, Rn: int) -> Op:
    """A8.8.265 USADA8, encoding A1 (Ra == 1111 is USAD8)."""
    _no_pc("A8.8.265", Rd, Rn, Rm)
    return ops.USADA8(ctx, info, Rd, Rn, Rm, Ra)


def a32_SBFX(ctx: ExecContext, info: InsnInfo, widthm1: int, Rd: int, lsb: int, Rn: int) -> Op:
    """A8.8.164 SBFX, encoding A1."""
    _no_pc("A8.8.164", Rd, Rn)
    return ops.SBFX(ctx, info, Rd, Rn, lsb, widthm1)


def a32_UBFX(ctx: ExecContext, info: InsnInfo, widthm1: int, Rd: int, lsb: int, Rn: int) -> Op:
    """A8.8.246 UBFX, encoding A1."""
    _no_pc("A8.8.246", Rd, Rn)
    return ops.UBFX(ctx, info, Rd, Rn, lsb, widthm1)


def a32_BFC(ctx: ExecContext, info: InsnInfo, msb: int, Rd: int, lsb: int) -> Op:
    """A8.8.19 BFC, encoding A1."""
    _no_pc("A8.8.19", Rd)
    return ops.BFC(ctx, info, Rd, msb, lsb)


def a32_BFI(ctx: ExecContext, info: InsnInfo, msb: int, Rd: int, lsb: int, Rn: int) -> Op:
    """A8.8.20 BFI, encoding A1 (Rn == 1111 is BFC)."""
    _no_pc("A8.8.20", Rd)
    return ops.BFI(ctx, info, Rd, Rn, msb, lsb)


_OTHER_ROWS: List[Item] = [
    Group(
        Row("USAD8", "cond:4 01111000 Rd:4 1111 Rm:4 0001 Rn:4", a32_USAD8),
        Row("USADA8", "cond:4 01111000 Rd:4 Ra:4 Rm:4 0001 Rn:4", a32_USADA8),
    ),
    Row("SBFX", "cond:4 0111101 widthm1:5 Rd:4 lsb:5 101 Rn:4", a32_SBFX),
    Group(
        Row("BFC", "cond:4 0111110 msb:5 Rd:4 lsb:5 001 1111", a32_BFC),
        Row("BFI", "cond:4 0111110 msb:5 Rd:4 lsb:5 001 Rn:4", a32_BFI),
    ),
    Row("UBFX", "cond:4 0111111 widthm1:5 Rd:4 lsb:5 101 Rn:4", a32_UBFX),
]

ROWS: List[Item] = _parallel_rows() + _PACKING_ROWS + _OTHER_ROWS
UNCOND_ROWS: List[Item] = []
