"""A32 media instructions (DDI 0406C A5.4, except the A5.4.4 multiplies).

Each instruction is checked against hand-computed values and, for the
parallel add/subtract, extend and saturate families, against a direct
transcription of the manual's pseudocode over edge and random operands.
"""

from __future__ import annotations

import random
from typing import Dict, List, Optional, Tuple

import pytest

from armsim.cpu.modes import Mode
from armsim.isa import a32
from tests import helpers
from tests.helpers import CODE

M32 = 0xFFFFFFFF
AL = 0xE


# ---------------------------------------------------------------------------
# Encoders (Encoding A1 diagrams of A8.8)
# ---------------------------------------------------------------------------

# A5.4.1 Tables A5-17 / A5-18: prefix -> bits [22:20]; operation -> op2 bits [7:5].
PREFIX_BITS = {"S": 0b001, "Q": 0b010, "SH": 0b011, "U": 0b101, "UQ": 0b110, "UH": 0b111}
OP_BITS = {"ADD16": 0b000, "ASX": 0b001, "SAX": 0b010, "SUB16": 0b011, "ADD8": 0b100, "SUB8": 0b111}
PARALLEL = [p + o for p in PREFIX_BITS for o in OP_BITS]


def split_parallel(name: str) -> Tuple[str, str]:
    for prefix in ("UQ", "UH", "SH", "S", "Q", "U"):
        if name.startswith(prefix) and name[len(prefix) :] in OP_BITS:
            return prefix, name[len(prefix) :]
    raise ValueError(name)


def enc_parallel(name: str, d: int, n: int, m: int, cond: int = AL) -> int:
    prefix, operation = split_parallel(name)
    return (
        cond << 28 | 0b01100 << 23 | PREFIX_BITS[prefix] << 20 | n << 16 | d << 12 | 0xF << 8
        | OP_BITS[operation] << 5 | 1 << 4 | m
    )  # fmt: skip


def enc_pkh(d: int, n: int, m: int, tb: int, imm5: int) -> int:
    return AL << 28 | 0b01101000 << 20 | n << 16 | d << 12 | imm5 << 7 | tb << 6 | 0b01 << 4 | m


def enc_sat(unsigned: bool, d: int, n: int, sat_imm: int, sh: int = 0, imm5: int = 0) -> int:
    top = 0b0110111 if unsigned else 0b0110101
    return AL << 28 | top << 21 | sat_imm << 16 | d << 12 | imm5 << 7 | sh << 6 | 0b01 << 4 | n


def enc_sat16(unsigned: bool, d: int, n: int, sat_imm: int) -> int:
    top = 0b01101110 if unsigned else 0b01101010
    return AL << 28 | top << 20 | sat_imm << 16 | d << 12 | 0xF << 8 | 0b0011 << 4 | n


# Extend-and-add op1 (bits [22:20]); the extend-only forms use Rn = 1111.
EXTEND_OP1 = {"SXTAB16": 0b000, "SXTAB": 0b010, "SXTAH": 0b011, "UXTAB16": 0b100, "UXTAB": 0b110, "UXTAH": 0b111}
EXTEND_ONLY = {
    "SXTB16": "SXTAB16",
    "SXTB": "SXTAB",
    "SXTH": "SXTAH",
    "UXTB16": "UXTAB16",
    "UXTB": "UXTAB",
    "UXTH": "UXTAH",
}


def enc_extend(name: str, d: int, m: int, rotation: int, n: int = 15) -> int:
    op1 = EXTEND_OP1[EXTEND_ONLY.get(name, name)]
    return AL << 28 | 0b01101 << 23 | op1 << 20 | n << 16 | d << 12 | (rotation >> 3) << 10 | 0b0111 << 4 | m


def enc_sel(d: int, n: int, m: int) -> int:
    return AL << 28 | 0b01101000 << 20 | n << 16 | d << 12 | 0xF << 8 | 0b1011 << 4 | m


REVERSE = {"REV": (0b01101011, 0b0011), "REV16": (0b01101011, 0b1011), "RBIT": (0b01101111, 0b0011),
           "REVSH": (0b01101111, 0b1011)}  # fmt: skip


def enc_reverse(name: str, d: int, m: int) -> int:
    hi, lo = REVERSE[name]
    return AL << 28 | hi << 20 | 0xF << 16 | d << 12 | 0xF << 8 | lo << 4 | m


def enc_usad(d: int, n: int, m: int, a: int = 15) -> int:
    return AL << 28 | 0b01111000 << 20 | d << 16 | a << 12 | m << 8 | 0b0001 << 4 | n


def enc_bfx(unsigned: bool, d: int, n: int, lsb: int, widthm1: int) -> int:
    top = 0b0111111 if unsigned else 0b0111101
    return AL << 28 | top << 21 | widthm1 << 16 | d << 12 | lsb << 7 | 0b101 << 4 | n


def enc_bfi(d: int, n: int, lsb: int, msb: int) -> int:
    return AL << 28 | 0b0111110 << 21 | msb << 16 | d << 12 | lsb << 7 | 0b001 << 4 | n


# ---------------------------------------------------------------------------
# Running one instruction
# ---------------------------------------------------------------------------


class Runner:
    """One machine reused for many executions of single instructions at CODE."""

    def __init__(self) -> None:
        self.m = helpers.TestMachine()
        self.word: Optional[int] = None

    def run(self, word: int, regs: Dict[int, int], ge: int = 0, q: int = 0) -> helpers.TestMachine:
        m = self.m
        if word != self.word:
            m.load_words([word])
            self.word = word
        for r in range(15):
            m.cpu.regs[r] = 0xDEAD0000 + r
        for r, v in regs.items():
            m.cpu.regs[r] = v
        m.cpu.flags[1] = q
        m.cpu.flags[2] = ge
        m.run(1, pc=CODE)
        assert not m.exc.counts, f"{word:#010x} took an exception: {m.exc.counts}"
        assert m.cpu.regs[15] == CODE + 4
        return m


@pytest.fixture
def runner() -> Runner:
    return Runner()


def assert_undefined(word: int, regs: Optional[Dict[int, int]] = None) -> None:
    """B1.9.6: an UNDEFINED instruction enters Undefined mode at the vector (VBAR + 4), LR = address + 4."""
    m = helpers.TestMachine()
    m.load_words([word])
    for r in range(15):
        m.cpu.regs[r] = 0x1000 + r
    for r, v in (regs or {}).items():
        m.cpu.regs[r] = v
    m.run(1, pc=CODE)
    assert m.exc.counts.get("UNDEFINED") == 1, f"{word:#010x} did not take the Undefined exception"
    assert m.cpu.mode == Mode.UND
    assert m.cpu.regs[15] == 0x4
    assert m.cpu.regs[14] == CODE + 4


# ---------------------------------------------------------------------------
# Reference pseudocode (A8.8 "Operation" sections, transcribed lane by lane)
# ---------------------------------------------------------------------------


def sint(x: int, w: int) -> int:
    x &= (1 << w) - 1
    return x - (1 << w) if x >> (w - 1) else x


def ror(x: int, r: int) -> int:
    return ((x >> r) | (x << (32 - r))) & M32 if r else x


def ref_parallel(name: str, a: int, b: int) -> Tuple[int, Optional[int]]:
    """(result, GE or None when GE is unchanged) per A8.8 for the 36 parallel instructions."""
    prefix, operation = split_parallel(name)
    w = 8 if operation.endswith("8") else 16
    lanes = 32 // w
    signed = prefix in ("S", "Q", "SH")

    def lane(x: int, i: int) -> int:
        v = (x >> (w * i)) & ((1 << w) - 1)
        return sint(v, w) if signed else v

    plan: List[Tuple[int, int, int]]
    if operation in ("ADD16", "ADD8"):
        plan = [(i, i, 1) for i in range(lanes)]
    elif operation in ("SUB16", "SUB8"):
        plan = [(i, i, -1) for i in range(lanes)]
    elif operation == "ASX":
        plan = [(0, 1, -1), (1, 0, 1)]
    else:  # SAX
        plan = [(0, 1, 1), (1, 0, -1)]
    result = 0
    ge = 0
    for i, (ia, ib, sign) in enumerate(plan):
        x = lane(a, ia) + sign * lane(b, ib)
        g = False
        if prefix == "S":
            r, g = x, x >= 0
        elif prefix == "U":
            r, g = x, (x >= (1 << w)) if sign > 0 else (x >= 0)
        elif prefix == "Q":
            r = max(-(1 << (w - 1)), min((1 << (w - 1)) - 1, x))
        elif prefix == "UQ":
            r = max(0, min((1 << w) - 1, x))
        else:  # SH, UH: sum<w:1> / diff<w:1>
            r = x >> 1
        result |= (r & ((1 << w) - 1)) << (w * i)
        if g:
            per = w // 8
            ge |= ((1 << per) - 1) << (i * per)
    return result, (ge if prefix in ("S", "U") else None)


def ref_extend(name: str, n_val: int, m_val: int, rotation: int) -> int:
    rotated = ror(m_val, rotation)
    signed = name.startswith("S")
    base = EXTEND_ONLY.get(name, name)
    add = name in EXTEND_OP1
    if base.endswith("B16"):
        lo = rotated & 0xFF
        hi = (rotated >> 16) & 0xFF
        if signed:
            lo, hi = sint(lo, 8), sint(hi, 8)
        if add:
            lo += n_val & 0xFFFF
            hi += n_val >> 16
        return (hi & 0xFFFF) << 16 | (lo & 0xFFFF)
    w = 8 if base.endswith("B") else 16
    v = rotated & ((1 << w) - 1)
    if signed:
        v = sint(v, w)
    if add:
        v += n_val
    return v & M32


EDGES = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
         0x80008000, 0x7FFF7FFF, 0x80808080, 0x7F7F7F7F, 0xFF00FF00, 0x00FF00FF, 0x01010101, 0xFEFEFEFE,
         0x7FFF8000, 0x80007FFF, 0x017F80FF]  # fmt: skip


def operand_pairs(seed: int, count: int = 200) -> List[Tuple[int, int]]:
    rng = random.Random(seed)
    pairs = [(a, b) for a in EDGES for b in EDGES]
    for _ in range(count):
        pairs.append((rng.getrandbits(32), rng.getrandbits(32)))
    return pairs


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------


def test_rows_decode_to_expected_instruction() -> None:
    """A5.4 Table A5-16 and A5.4.1/A5.4.3: each encoder's word reaches the row of its instruction."""
    cases = [(enc_parallel(name, 0, 1, 2), name) for name in PARALLEL]
    cases += [
        (enc_pkh(0, 1, 2, 0, 8), "PKHBT, PKHTB"),
        (enc_pkh(0, 1, 2, 1, 0), "PKHBT, PKHTB"),
        (enc_sat(False, 0, 1, 7), "SSAT"),
        (enc_sat(True, 0, 1, 7, 1, 3), "USAT"),
        (enc_sat16(False, 0, 1, 7), "SSAT16"),
        (enc_sat16(True, 0, 1, 7), "USAT16"),
        (enc_sel(0, 1, 2), "SEL"),
        (enc_usad(0, 1, 2), "USAD8"),
        (enc_usad(0, 1, 2, 3), "USADA8"),
        (enc_bfx(False, 0, 1, 0, 31), "SBFX"),
        (enc_bfx(True, 0, 1, 0, 31), "UBFX"),
        (enc_bfi(0, 15, 0, 31), "BFC"),
        (enc_bfi(0, 1, 0, 31), "BFI"),
    ]
    cases += [(enc_extend(name, 0, 1, 8), name) for name in EXTEND_ONLY]
    cases += [(enc_extend(name, 0, 1, 8, n=2), name) for name in EXTEND_OP1]
    cases += [(enc_reverse(name, 0, 1), name) for name in REVERSE]
    for word, name in cases:
        row = a32.lookup(word)
        assert row is not None and row.name == name, (hex(word), name, row)


def test_known_encodings() -> None:
    """A8.8.243 UADD16, A8.8.145 REV, A8.8.233 SXTB, A8.8.246 UBFX, A8.8.19 BFC, A8.8.266 USAT, A8.8.166 SEL."""
    assert enc_parallel("UADD16", 0, 1, 2) == 0xE6510F12
    assert enc_reverse("REV", 0, 1) == 0xE6BF0F31
    assert enc_extend("SXTB", 0, 1, 0) == 0xE6AF0071
    assert enc_bfx(True, 0, 1, 0, 7) == 0xE7E70051
    assert enc_bfi(0, 15, 0, 7) == 0xE7C7001F
    assert enc_sat(True, 0, 1, 8) == 0xE6E80011
    assert enc_sel(0, 1, 2) == 0xE6810FB2


# ---------------------------------------------------------------------------
# A5.4.1 Parallel addition and subtraction
# ---------------------------------------------------------------------------

# (name, Rn, Rm, result, GE or None = unchanged); values worked by hand from the A8.8 pseudocode.
PARALLEL_KNOWN: List[Tuple[str, int, int, int, Optional[int]]] = [
    # Signed, GE = lane result >= 0.
    ("SADD16", 0x7FFF8000, 0x00018000, 0x80000000, 0b1100),
    ("SADD16", 0xFFFF0001, 0x0001FFFF, 0x00000000, 0b1111),
    ("SASX", 0x00050003, 0x00040001, 0x0006FFFF, 0b1100),
    ("SSAX", 0x00050003, 0x0004FFFF, 0x00060007, 0b1111),
    ("SSUB16", 0x80000001, 0x00010002, 0x7FFFFFFF, 0b0000),
    ("SSUB16", 0x7FFF0000, 0xFFFF8000, 0x80008000, 0b1111),
    ("SADD8", 0x7F80FF01, 0x0180017F, 0x80000080, 0b1011),
    ("SSUB8", 0x00FF1080, 0x01FE1081, 0xFF0100FF, 0b0110),
    # Unsigned, GE = carry out for additions, no borrow for subtractions.
    ("UADD16", 0xFFFF0001, 0x00010001, 0x00000002, 0b1100),
    ("UASX", 0x00050003, 0x00040001, 0x0006FFFF, 0b0000),
    ("USAX", 0x00050003, 0x00040001, 0x00040007, 0b1100),
    ("USUB16", 0x00010000, 0x00010001, 0x0000FFFF, 0b1100),
    ("UADD8", 0xFF800001, 0x01800001, 0x00000002, 0b1100),
    ("USUB8", 0x00FF1080, 0x01FE1081, 0xFF0100FF, 0b0110),
    # Signed saturating.
    ("QADD16", 0x7FFF8000, 0x00018000, 0x7FFF8000, None),
    ("QASX", 0x7FFF8000, 0x7FFF0001, 0x7FFF8000, None),
    ("QSAX", 0x80007FFF, 0x00010001, 0x80007FFF, None),
    ("QSUB16", 0x80007FFF, 0x0001FFFF, 0x80007FFF, None),
    ("QADD8", 0x7F80057F, 0x7F80FB01, 0x7F80007F, None),
    ("QSUB8", 0x807F0102, 0x01FF0201, 0x807FFF01, None),
    # Signed halving.
    ("SHADD16", 0x7FFF8000, 0x00018000, 0x40008000, None),
    ("SHASX", 0x00030001, 0x00020000, 0x0001FFFF, None),
    ("SHSAX", 0x00030001, 0x00020000, 0x00010001, None),
    ("SHSUB16", 0x80007FFF, 0x7FFF8000, 0x80007FFF, None),
    ("SHADD8", 0x7F80FF01, 0x7F80FF01, 0x7F80FF01, None),
    ("SHSUB8", 0x00000180, 0x0100807F, 0xFF004080, None),
    # Unsigned saturating.
    ("UQADD16", 0xFFFF0001, 0x00010001, 0xFFFF0002, None),
    ("UQASX", 0xFFFF0001, 0x00020001, 0xFFFF0000, None),
    ("UQSAX", 0x0000FFFF, 0x00010001, 0x0000FFFF, None),
    ("UQSUB16", 0x00010005, 0x00020003, 0x00000002, None),
    ("UQADD8", 0xFF800001, 0x01800001, 0xFFFF0002, None),
    ("UQSUB8", 0x00FF1080, 0x01FE1081, 0x00010000, None),
    # Unsigned halving.
    ("UHADD16", 0xFFFF0003, 0xFFFF0004, 0xFFFF0003, None),
    ("UHASX", 0x00010000, 0x00010001, 0x0001FFFF, None),
    ("UHSAX", 0x00000001, 0x00010001, 0xFFFF0001, None),
    ("UHSUB16", 0x00000001, 0x00010002, 0xFFFFFFFF, None),
    ("UHADD8", 0x01030507, 0x01010101, 0x01020304, None),
    ("UHSUB8", 0x00FF0001, 0x01000002, 0xFF7F00FF, None),
]


@pytest.mark.parametrize("name, a, b, result, ge", PARALLEL_KNOWN)
def test_parallel_known_values(runner: Runner, name: str, a: int, b: int, result: int, ge: Optional[int]) -> None:
    """A8.8.135-A8.8.270 parallel add/subtract: hand-computed results and GE bits (A5.4.1)."""
    m = runner.run(enc_parallel(name, 0, 1, 2), {1: a, 2: b}, ge=0b1010, q=0)
    assert m.regs[0] == result
    assert m.cpu.flags[2] == (0b1010 if ge is None else ge)
    assert m.cpu.flags[1] == 0
    assert ref_parallel(name, a, b) == (result, ge)


def test_every_parallel_instruction_has_a_known_value() -> None:
    """A5.4.1: all 36 parallel add/subtract instructions appear in the hand-computed table."""
    assert {case[0] for case in PARALLEL_KNOWN} == set(PARALLEL)


@pytest.mark.parametrize("name", PARALLEL)
def test_parallel_against_pseudocode(runner: Runner, name: str) -> None:
    """A5.4.1: result and GE (S and U prefixes only; other prefixes leave GE) match the A8.8 pseudocode."""
    word = enc_parallel(name, 3, 4, 5)
    for i, (a, b) in enumerate(operand_pairs(PARALLEL.index(name))):
        ge_in = i & 15
        m = runner.run(word, {4: a, 5: b}, ge=ge_in, q=1)
        result, ge = ref_parallel(name, a, b)
        assert m.regs[3] == result, (name, hex(a), hex(b))
        assert m.cpu.flags[2] == (ge_in if ge is None else ge), (name, hex(a), hex(b))
        assert m.cpu.flags[1] == 1


@pytest.mark.parametrize("name", ["SADD16", "SADD8", "SSUB16", "SSUB8", "UADD16", "UADD8", "USUB16", "USUB8",
                                  "SASX", "SSAX", "UASX", "USAX"])  # fmt: skip
def test_parallel_ge_every_pattern_reachable(runner: Runner, name: str) -> None:
    """A5.4.1: each GE-setting instruction produces all of its possible GE patterns (lanes independent)."""
    word = enc_parallel(name, 0, 1, 2)
    seen = set()
    for a, b in operand_pairs(7, 400):
        seen.add(runner.run(word, {1: a, 2: b}).cpu.flags[2])
    expected = set(range(16)) if name.endswith("8") else {0b0000, 0b0011, 0b1100, 0b1111}
    assert seen == expected


def test_parallel_register_aliasing(runner: Runner) -> None:
    """A8.8.243 UADD16 / A8.8.196 SSUB16 with Rd == Rn == Rm: operands are read before the write."""
    m = runner.run(enc_parallel("UADD16", 1, 1, 1), {1: 0x80018000})
    assert m.regs[1] == 0x00020000 and m.cpu.flags[2] == 0b1111
    m = runner.run(enc_parallel("SSUB16", 2, 2, 2), {2: 0x12345678})
    assert m.regs[2] == 0 and m.cpu.flags[2] == 0b1111


def test_parallel_condition_failed(runner: Runner) -> None:
    """A8.3.1: a failed condition leaves Rd and GE unchanged."""
    word = enc_parallel("UADD8", 0, 1, 2, cond=0x0)  # EQ with Z clear
    m = runner.run(word, {0: 0x55, 1: 0xFFFFFFFF, 2: 0xFFFFFFFF}, ge=0b0101)
    assert m.regs[0] == 0x55 and m.cpu.flags[2] == 0b0101


@pytest.mark.parametrize("name", PARALLEL)
def test_parallel_pc_operands_undefined(name: str) -> None:
    """A8.8 (parallel add/subtract): d == 15 || n == 15 || m == 15 is UNPREDICTABLE; we choose UNDEFINED."""
    assert_undefined(enc_parallel(name, 15, 1, 2))
    assert_undefined(enc_parallel(name, 0, 15, 2))
    assert_undefined(enc_parallel(name, 0, 1, 15))


@pytest.mark.parametrize("uop1", [0b000, 0b001, 0b010, 0b011, 0b100, 0b101, 0b110, 0b111])
@pytest.mark.parametrize("op2", [0b101, 0b110])
def test_parallel_unallocated_op2_undefined(uop1: int, op2: int) -> None:
    """A5.4.1 Tables A5-17/A5-18: op2 = 101 and 110 are UNDEFINED."""
    assert_undefined(AL << 28 | 0b01100 << 23 | uop1 << 20 | 1 << 16 | 0xF << 8 | op2 << 5 | 1 << 4 | 2)


@pytest.mark.parametrize("uop1", [0b000, 0b100])
def test_parallel_unallocated_op1_undefined(uop1: int) -> None:
    """A5.4.1: op1 = 00 (signed or unsigned) is UNDEFINED."""
    assert_undefined(AL << 28 | 0b01100 << 23 | uop1 << 20 | 1 << 16 | 0xF << 8 | 0b000 << 5 | 1 << 4 | 2)


# ---------------------------------------------------------------------------
# A5.4.3 SEL
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("ge", range(16))
def test_sel_all_ge_patterns(runner: Runner, ge: int) -> None:
    """A8.8.166 SEL: byte i from Rn when GE[i] is set, else from Rm; GE itself is unchanged."""
    rn, rm = 0x11223344, 0xAABBCCDD
    m = runner.run(enc_sel(0, 1, 2), {1: rn, 2: rm}, ge=ge)
    expected = 0
    for i in range(4):
        src = rn if ge >> i & 1 else rm
        expected |= src & (0xFF << (8 * i))
    assert m.regs[0] == expected
    assert m.cpu.flags[2] == ge


def test_sel_examples(runner: Runner) -> None:
    """A8.8.166 SEL: GE = 0101 takes bytes 0 and 2 from Rn."""
    assert runner.run(enc_sel(0, 1, 2), {1: 0x11223344, 2: 0xAABBCCDD}, ge=0b0101).regs[0] == 0xAA22CC44
    assert runner.run(enc_sel(0, 1, 2), {1: 0x11223344, 2: 0xAABBCCDD}, ge=0b1111).regs[0] == 0x11223344
    assert runner.run(enc_sel(0, 1, 2), {1: 0x11223344, 2: 0xAABBCCDD}, ge=0b0000).regs[0] == 0xAABBCCDD


def test_sel_after_usub8(runner: Runner) -> None:
    """A8.8.270 USUB8 + A8.8.166 SEL: the byte-wise unsigned maximum idiom."""
    m = helpers.TestMachine()
    m.load_words([enc_parallel("USUB8", 3, 1, 2), enc_sel(0, 1, 2)])
    m.cpu.regs[1] = 0x10F00380
    m.cpu.regs[2] = 0x20E0047F
    m.run(2, pc=CODE)
    assert m.regs[0] == 0x20F00480


# ---------------------------------------------------------------------------
# A5.4.3 Saturation
# ---------------------------------------------------------------------------

# (unsigned, sat_imm, sh, imm5, Rn, result, saturated)
SAT_CASES = [
    (False, 7, 0, 0, 300, 127, 1),  # SSAT #8
    (False, 7, 0, 0, (-300) & M32, 0xFFFFFF80, 1),
    (False, 7, 0, 0, 127, 127, 0),
    (False, 7, 0, 0, (-128) & M32, 0xFFFFFF80, 0),
    (False, 0, 0, 0, 0, 0, 0),  # SSAT #1: range -1..0
    (False, 0, 0, 0, 1, 0, 1),
    (False, 0, 0, 0, M32, M32, 0),
    (False, 0, 0, 0, 0xFFFFFFFE, M32, 1),
    (False, 15, 0, 4, 0x1000, 0x7FFF, 1),  # SSAT #16, LSL #4
    (False, 15, 0, 4, 0x07FF, 0x7FF0, 0),
    (False, 31, 0, 31, 1, 0x80000000, 0),  # SSAT #32: the shifted value wraps first, never saturates
    (False, 31, 0, 0, 0x80000000, 0x80000000, 0),
    (False, 7, 1, 1, 0x100, 0x7F, 1),  # ASR #1
    (False, 7, 1, 1, 0xFE, 0x7F, 0),
    (False, 11, 1, 0, 0x80000000, M32, 0),  # ASR #32 (imm5 = 0)
    (False, 0, 1, 0, 0x7FFFFFFF, 0, 0),
    (True, 8, 0, 0, M32, 0, 1),  # USAT #8
    (True, 8, 0, 0, 256, 255, 1),
    (True, 8, 0, 0, 255, 255, 0),
    (True, 8, 0, 0, 0, 0, 0),
    (True, 0, 0, 0, 1, 0, 1),  # USAT #0
    (True, 0, 0, 0, 0, 0, 0),
    (True, 31, 0, 0, 0x7FFFFFFF, 0x7FFFFFFF, 0),
    (True, 31, 0, 0, 0x80000000, 0, 1),
    (True, 31, 0, 3, 0x10000000, 0, 1),  # LSL #3 -> 0x80000000 is negative
    (True, 16, 1, 0, 0x80000000, 0, 1),  # ASR #32 of a negative value
    (True, 16, 1, 0, 0x7FFFFFFF, 0, 0),
    (True, 7, 1, 9, 0x10000, 0x7F, 1),  # ASR #9: 128 > 127
]


@pytest.mark.parametrize("unsigned, sat_imm, sh, imm5, rn, result, saturated", SAT_CASES)
def test_ssat_usat(
    runner: Runner, unsigned: bool, sat_imm: int, sh: int, imm5: int, rn: int, result: int, saturated: int
) -> None:
    """A8.8.193 SSAT / A8.8.266 USAT: saturate the shifted operand; Q is set only on saturation and is sticky."""
    word = enc_sat(unsigned, 0, 1, sat_imm, sh, imm5)
    m = runner.run(word, {1: rn}, q=0, ge=0b1001)
    assert m.regs[0] == result
    assert m.cpu.flags[1] == saturated
    assert m.cpu.flags[2] == 0b1001
    assert runner.run(word, {1: rn}, q=1).cpu.flags[1] == 1


def ref_sat(unsigned: bool, n: int, value: int) -> Tuple[int, int]:
    lo, hi = (0, (1 << n) - 1) if unsigned else (-(1 << (n - 1)), (1 << (n - 1)) - 1)
    r = max(lo, min(hi, value))
    return r, int(r != value)


def test_ssat_usat_against_pseudocode(runner: Runner) -> None:
    """A8.8.193 SSAT / A8.8.266 USAT over all saturation widths and shifts."""
    rng = random.Random(11)
    for unsigned in (False, True):
        for sat_imm in range(32):
            n = sat_imm if unsigned else sat_imm + 1
            for sh, imm5 in ((0, 0), (0, rng.randrange(1, 32)), (1, 0), (1, rng.randrange(1, 32))):
                word = enc_sat(unsigned, 2, 3, sat_imm, sh, imm5)
                for v in EDGES + [rng.getrandbits(32) for _ in range(10)]:
                    if sh == 0:
                        operand = sint((v << imm5) & M32, 32)
                    else:
                        operand = sint(v, 32) >> (imm5 or 32)
                    r, sat = ref_sat(unsigned, n, operand)
                    m = runner.run(word, {3: v})
                    assert (m.regs[2], m.cpu.flags[1]) == (r & M32, sat), (unsigned, sat_imm, sh, imm5, hex(v))


# (unsigned, sat_imm, Rn, result, saturated)
SAT16_CASES = [
    (False, 7, 0x7FFF8000, 0x007FFF80, 1),  # SSAT16 #8
    (False, 7, 0x007F0080, 0x007F007F, 1),
    (False, 7, 0xFF80007F, 0xFF80007F, 0),
    (False, 0, 0xFFFF0000, 0xFFFF0000, 0),  # SSAT16 #1
    (False, 0, 0x0001FFFE, 0x0000FFFF, 1),
    (False, 15, 0x80007FFF, 0x80007FFF, 0),  # SSAT16 #16 never saturates
    (True, 8, 0xFFFF0100, 0x000000FF, 1),  # USAT16 #8
    (True, 8, 0x00FF0000, 0x00FF0000, 0),
    (True, 0, 0x00000001, 0x00000000, 1),  # USAT16 #0
    (True, 15, 0x7FFF8000, 0x7FFF0000, 1),  # USAT16 #15
    (True, 15, 0x7FFF0000, 0x7FFF0000, 0),
]


@pytest.mark.parametrize("unsigned, sat_imm, rn, result, saturated", SAT16_CASES)
def test_ssat16_usat16(runner: Runner, unsigned: bool, sat_imm: int, rn: int, result: int, saturated: int) -> None:
    """A8.8.194 SSAT16 / A8.8.267 USAT16: each signed halfword saturated; Q set on any saturation."""
    m = runner.run(enc_sat16(unsigned, 0, 1, sat_imm), {1: rn}, q=0)
    assert m.regs[0] == result
    assert m.cpu.flags[1] == saturated


def test_ssat16_usat16_against_pseudocode(runner: Runner) -> None:
    """A8.8.194 SSAT16 / A8.8.267 USAT16 over all widths."""
    rng = random.Random(12)
    for unsigned in (False, True):
        for sat_imm in range(16):
            n = sat_imm if unsigned else sat_imm + 1
            word = enc_sat16(unsigned, 4, 5, sat_imm)
            for v in EDGES + [rng.getrandbits(32) for _ in range(20)]:
                r1, s1 = ref_sat(unsigned, n, sint(v, 16))
                r2, s2 = ref_sat(unsigned, n, sint(v >> 16, 16))
                m = runner.run(word, {5: v})
                assert m.regs[4] == (r2 & 0xFFFF) << 16 | (r1 & 0xFFFF), (unsigned, sat_imm, hex(v))
                assert m.cpu.flags[1] == (s1 | s2)


# ---------------------------------------------------------------------------
# A5.4.3 Packing
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tb, imm5, rn, rm, result",
    [
        (0, 0, 0x11112222, 0x33445566, 0x33442222),  # PKHBT
        (0, 8, 0x11112222, 0x33445566, 0x44552222),  # PKHBT LSL #8
        (0, 16, 0x11112222, 0x33445566, 0x55662222),
        (0, 31, 0x11112222, 0x00000001, 0x80002222),
        (1, 16, 0x11112222, 0x80001234, 0x11118000),  # PKHTB ASR #16
        (1, 0, 0x11112222, 0x80000000, 0x1111FFFF),  # PKHTB ASR #32
        (1, 0, 0x11112222, 0x7FFFFFFF, 0x11110000),
        (1, 1, 0x11112222, 0x0001FFFF, 0x1111FFFF),
        (1, 20, 0x11112222, 0x87654321, 0x1111F876),
        (1, 17, 0xABCD0000, 0x7FFE0000, 0xABCD3FFF),
    ],
)
def test_pkhbt_pkhtb(runner: Runner, tb: int, imm5: int, rn: int, rm: int, result: int) -> None:
    """A8.8.125 PKHBT (LSL #0-31) / PKHTB (ASR #1-32, imm5 = 0 meaning 32)."""
    assert runner.run(enc_pkh(0, 1, 2, tb, imm5), {1: rn, 2: rm}).regs[0] == result


# ---------------------------------------------------------------------------
# A5.4.3 Extend and extend-and-add
# ---------------------------------------------------------------------------

EXTEND_KNOWN = [
    ("SXTB", 8, 0, 0x12348056, 0xFFFFFF80),
    ("SXTB", 0, 0, 0x1234567F, 0x0000007F),
    ("SXTB", 24, 0, 0x80000000, 0xFFFFFF80),
    ("UXTB", 16, 0, 0x12AB5678, 0x000000AB),
    ("SXTH", 24, 0, 0xAB0000CD, 0xFFFFCDAB),
    ("SXTH", 16, 0, 0x7FFF8000, 0x00007FFF),
    ("UXTH", 24, 0, 0xAB0000CD, 0x0000CDAB),
    ("UXTH", 8, 0, 0x00FFFF00, 0x0000FFFF),
    ("SXTB16", 0, 0, 0x00800080, 0xFF80FF80),
    ("SXTB16", 8, 0, 0x12803456, 0x00120034),
    ("SXTB16", 16, 0, 0x12803456, 0x0056FF80),
    ("SXTB16", 24, 0, 0x12803456, 0x00340012),
    ("UXTB16", 16, 0, 0x12803456, 0x00560080),
    ("SXTAB", 0, 5, 0x000000FF, 0x00000004),
    ("SXTAB", 0, 0, 0x00000080, 0xFFFFFF80),
    ("UXTAB", 8, 0xFFFFFFFF, 0x00000200, 0x00000001),
    ("SXTAH", 0, 0, 0x00008000, 0xFFFF8000),
    ("UXTAH", 8, 1, 0x00FFFF00, 0x00010000),
    ("SXTAB16", 0, 0x7FFF0001, 0x00FF0080, 0x7FFEFF81),
    ("UXTAB16", 0, 0xFFFF0001, 0x00020003, 0x00010004),
    ("UXTAB16", 8, 0x0000FFFF, 0xFF00FF00, 0x00FF00FE),
]


@pytest.mark.parametrize("name, rotation, rn, rm, result", EXTEND_KNOWN)
def test_extend_known_values(runner: Runner, name: str, rotation: int, rn: int, rm: int, result: int) -> None:
    """A8.8.230-235 SXT*, A8.8.271-276 UXT*: hand-computed values."""
    m = runner.run(enc_extend(name, 0, 2, rotation, n=1 if name in EXTEND_OP1 else 15), {1: rn, 2: rm})
    assert m.regs[0] == result
    assert ref_extend(name, rn, rm, rotation) == result


@pytest.mark.parametrize("name", list(EXTEND_ONLY) + list(EXTEND_OP1))
@pytest.mark.parametrize("rotation", [0, 8, 16, 24])
def test_extend_against_pseudocode(runner: Runner, name: str, rotation: int) -> None:
    """A8.8.230-235, A8.8.271-276: every extend instruction at every rotation (ROR #0/8/16/24)."""
    add = name in EXTEND_OP1
    word = enc_extend(name, 6, 7, rotation, n=8 if add else 15)
    for a, b in operand_pairs(rotation + len(name), 60):
        m = runner.run(word, {8: a, 7: b})
        assert m.regs[6] == ref_extend(name, a, b, rotation), (name, rotation, hex(a), hex(b))


# ---------------------------------------------------------------------------
# A5.4.3 Reversal
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, rm, result",
    [
        ("REV", 0x12345678, 0x78563412),
        ("REV", 0xFF000001, 0x010000FF),
        ("REV16", 0x12345678, 0x34127856),
        ("REV16", 0xFF0000FF, 0x00FFFF00),
        ("REVSH", 0x12345680, 0xFFFF8056),
        ("REVSH", 0xFFFF7F12, 0x0000127F),
        ("REVSH", 0x00000080, 0xFFFF8000),
        ("RBIT", 0x00000001, 0x80000000),
        ("RBIT", 0x12345678, 0x1E6A2C48),
        ("RBIT", 0xFFFFFFFF, 0xFFFFFFFF),
        ("RBIT", 0x80000000, 0x00000001),
    ],
)
def test_reverse(runner: Runner, name: str, rm: int, result: int) -> None:
    """A8.8.145 REV, A8.8.146 REV16, A8.8.147 REVSH, A8.8.144 RBIT."""
    assert runner.run(enc_reverse(name, 0, 1), {1: rm}).regs[0] == result


def test_rbit_against_definition(runner: Runner) -> None:
    """A8.8.144 RBIT: result<31-i> = R[m]<i>."""
    for a, _ in operand_pairs(3, 100)[::23]:
        expected = int(f"{a:032b}"[::-1], 2)
        assert runner.run(enc_reverse("RBIT", 2, 2), {2: a}).regs[2] == expected


# ---------------------------------------------------------------------------
# A5.4 USAD8 / USADA8
# ---------------------------------------------------------------------------


def test_usad8_usada8(runner: Runner) -> None:
    """A8.8.264 USAD8 and A8.8.265 USADA8 (the accumulation wraps modulo 2^32)."""
    assert runner.run(enc_usad(0, 1, 2), {1: 0x01FF0010, 2: 0xFF010020}).regs[0] == 254 + 254 + 0 + 16
    assert runner.run(enc_usad(0, 1, 2), {1: 0xFFFFFFFF, 2: 0}).regs[0] == 4 * 255
    assert runner.run(enc_usad(0, 1, 2), {1: 0x12345678, 2: 0x12345678}).regs[0] == 0
    assert runner.run(enc_usad(0, 1, 2, 3), {1: 0x01FF0010, 2: 0xFF010020, 3: 0xFFFFFFFF}).regs[0] == 523
    assert runner.run(enc_usad(0, 1, 2, 3), {1: 0x00000005, 2: 0x00000002, 3: 100}).regs[0] == 103
    rng = random.Random(5)
    for _ in range(50):
        a, b, c = rng.getrandbits(32), rng.getrandbits(32), rng.getrandbits(32)
        sad = sum(abs((a >> s & 0xFF) - (b >> s & 0xFF)) for s in (0, 8, 16, 24))
        assert runner.run(enc_usad(4, 5, 6, 7), {5: a, 6: b, 7: c}).regs[4] == (sad + c) & M32


# ---------------------------------------------------------------------------
# A5.4 Bit fields
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unsigned, lsb, widthm1, rn, result",
    [
        (False, 0, 31, 0x87654321, 0x87654321),  # width 32
        (True, 0, 31, 0x87654321, 0x87654321),
        (False, 0, 0, 0x00000001, 0xFFFFFFFF),  # width 1 at bit 0
        (True, 0, 0, 0xFFFFFFFF, 0x00000001),
        (False, 31, 0, 0x80000000, 0xFFFFFFFF),  # width 1 at bit 31
        (True, 31, 0, 0x80000000, 0x00000001),
        (False, 4, 3, 0x000000F0, 0xFFFFFFFF),
        (False, 4, 3, 0x00000070, 0x00000007),
        (True, 4, 7, 0x00000AB0, 0x000000AB),
        (False, 16, 15, 0x80000000, 0xFFFF8000),
        (True, 16, 15, 0x80000000, 0x00008000),
        (False, 1, 30, 0x80000000, 0xC0000000),
    ],
)
def test_sbfx_ubfx(runner: Runner, unsigned: bool, lsb: int, widthm1: int, rn: int, result: int) -> None:
    """A8.8.164 SBFX / A8.8.246 UBFX, including lsb = 0, width = 32 and bit 31."""
    assert runner.run(enc_bfx(unsigned, 0, 1, lsb, widthm1), {1: rn}).regs[0] == result


def test_sbfx_ubfx_against_definition(runner: Runner) -> None:
    """A8.8.164 / A8.8.246 for every (lsb, width) with msbit <= 31, one random source each."""
    rng = random.Random(9)
    for lsb in range(32):
        for widthm1 in range(32 - lsb):
            v = rng.getrandbits(32)
            field = (v >> lsb) & ((1 << (widthm1 + 1)) - 1)
            assert runner.run(enc_bfx(True, 0, 1, lsb, widthm1), {1: v}).regs[0] == field
            assert runner.run(enc_bfx(False, 0, 1, lsb, widthm1), {1: v}).regs[0] == sint(field, widthm1 + 1) & M32


@pytest.mark.parametrize(
    "n, lsb, msb, rd, rn, result",
    [
        (15, 0, 31, 0xFFFFFFFF, 0, 0x00000000),  # BFC, width 32
        (15, 0, 0, 0xFFFFFFFF, 0, 0xFFFFFFFE),
        (15, 31, 31, 0xFFFFFFFF, 0, 0x7FFFFFFF),
        (15, 4, 7, 0xFFFFFFFF, 0, 0xFFFFFF0F),
        (1, 0, 31, 0xFFFFFFFF, 0x12345678, 0x12345678),  # BFI, width 32
        (1, 8, 15, 0xFFFFFFFF, 0x12345678, 0xFFFF78FF),
        (1, 0, 0, 0x00000000, 0xFFFFFFFF, 0x00000001),
        (1, 31, 31, 0x00000000, 0x00000001, 0x80000000),
        (1, 31, 31, 0xFFFFFFFF, 0x00000000, 0x7FFFFFFF),
        (1, 13, 23, 0xFFFFFFFF, 0x12345678, 0xFFCF1FFF),
    ],
)
def test_bfc_bfi(runner: Runner, n: int, lsb: int, msb: int, rd: int, rn: int, result: int) -> None:
    """A8.8.19 BFC (Rn = 1111) / A8.8.20 BFI, including lsb = 0, width = 32 and bit 31."""
    assert runner.run(enc_bfi(0, n, lsb, msb), {0: rd, 1: rn}).regs[0] == result


def test_bfi_against_definition(runner: Runner) -> None:
    """A8.8.20 BFI for every lsb <= msb."""
    rng = random.Random(10)
    for lsb in range(32):
        for msb in range(lsb, 32):
            d, s = rng.getrandbits(32), rng.getrandbits(32)
            mask = ((1 << (msb - lsb + 1)) - 1) << lsb
            expected = (d & ~mask & M32) | ((s << lsb) & mask)
            assert runner.run(enc_bfi(2, 3, lsb, msb), {2: d, 3: s}).regs[2] == expected


# ---------------------------------------------------------------------------
# UNDEFINED and UNPREDICTABLE (we choose UNDEFINED)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        # A8.8.164 / A8.8.246: msbit = lsbit + widthminus1 > 31.
        enc_bfx(False, 0, 1, 1, 31),
        enc_bfx(True, 0, 1, 31, 1),
        enc_bfx(True, 0, 1, 16, 16),
        # A8.8.19 / A8.8.20: msbit < lsbit.
        enc_bfi(0, 15, 8, 7),
        enc_bfi(0, 1, 31, 0),
    ],
)
def test_bitfield_unpredictable_positions_undefined(word: int) -> None:
    """A8.8.164 SBFX, A8.8.246 UBFX, A8.8.19 BFC, A8.8.20 BFI: UNPREDICTABLE bit positions; we choose UNDEFINED."""
    assert_undefined(word)


PC_CASES = [
    enc_pkh(15, 1, 2, 0, 0), enc_pkh(0, 15, 2, 1, 4), enc_pkh(0, 1, 15, 0, 8),
    enc_sat(False, 15, 1, 7), enc_sat(False, 0, 15, 7), enc_sat(True, 15, 1, 7), enc_sat(True, 0, 15, 7, 1, 3),
    enc_sat16(False, 15, 1, 7), enc_sat16(False, 0, 15, 7), enc_sat16(True, 15, 1, 7), enc_sat16(True, 0, 15, 7),
    enc_sel(15, 1, 2), enc_sel(0, 15, 2), enc_sel(0, 1, 15),
    enc_usad(15, 1, 2), enc_usad(0, 15, 2), enc_usad(0, 1, 15),
    enc_usad(15, 1, 2, 3), enc_usad(0, 15, 2, 3), enc_usad(0, 1, 15, 3),
    enc_bfx(False, 15, 1, 0, 7), enc_bfx(False, 0, 15, 0, 7), enc_bfx(True, 15, 1, 0, 7), enc_bfx(True, 0, 15, 0, 7),
    enc_bfi(15, 15, 0, 7), enc_bfi(15, 1, 0, 7),
]  # fmt: skip
PC_CASES += [enc_reverse(name, 15, 1) for name in REVERSE] + [enc_reverse(name, 0, 15) for name in REVERSE]
PC_CASES += [enc_extend(name, 15, 1, 0) for name in EXTEND_ONLY] + [enc_extend(name, 0, 15, 8) for name in EXTEND_ONLY]
PC_CASES += [enc_extend(name, 15, 1, 0, n=2) for name in EXTEND_OP1]
PC_CASES += [enc_extend(name, 0, 15, 16, n=2) for name in EXTEND_OP1]


@pytest.mark.parametrize("word", PC_CASES, ids=[f"{w:08x}" for w in PC_CASES])
def test_pc_operands_undefined(word: int) -> None:
    """A8.8.x (A5.4.3 and A5.4 instructions): R15 as an operand or destination is UNPREDICTABLE; we choose UNDEFINED."""
    row = a32.lookup(word)
    assert row is not None
    assert_undefined(word)


@pytest.mark.parametrize(
    "op1, op2",
    [
        (0b000, 0b001), (0b000, 0b111), (0b001, 0b000), (0b001, 0b011), (0b001, 0b101), (0b010, 0b101),
        (0b010, 0b111), (0b011, 0b111), (0b100, 0b000), (0b100, 0b001), (0b100, 0b101), (0b101, 0b011),
        (0b110, 0b101), (0b110, 0b111), (0b111, 0b111),
    ],
)  # fmt: skip
def test_packing_space_unallocated_undefined(op1: int, op2: int) -> None:
    """A5.4.3 Table A5-19: encodings not listed are UNDEFINED."""
    word = AL << 28 | 0b01101 << 23 | op1 << 20 | 1 << 16 | 0 << 12 | 0xF << 8 | op2 << 5 | 1 << 4 | 2
    assert a32.lookup(word) is None
    assert_undefined(word)


@pytest.mark.parametrize(
    "op1, op2",
    [(0b11000, 0b001), (0b11001, 0b000), (0b11010, 0b000), (0b11010, 0b001), (0b11100, 0b010), (0b11110, 0b000),
     (0b11011, 0b011)],
)  # fmt: skip
def test_media_space_unallocated_undefined(op1: int, op2: int) -> None:
    """A5.4 Table A5-16: op1/op2 combinations not listed are UNDEFINED."""
    word = AL << 28 | 0b011 << 25 | op1 << 20 | 1 << 16 | 0 << 12 | 0x3 << 8 | op2 << 5 | 1 << 4 | 2
    assert a32.lookup(word) is None
    assert_undefined(word)
