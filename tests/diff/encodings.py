"""Hypothesis strategies for valid, non-UNPREDICTABLE A32 encodings, one per instruction class.

Written from the encoding diagrams and "Encoding A1" decode pseudocode of
DDI 0406C (A5.2-A5.7, A8.8), independently of armsim's decoder tables.  Each
strategy returns a :class:`~tests.diff.harness.Case`: the instruction word(s)
and what the start state must hold for the case to be well defined (base
registers pointing into the data window, memory words a PC load reads, ...).
Every register field avoids the values the manual calls UNPREDICTABLE, and
should-be-one/zero fields hold their should-be values.

unicorn (QEMU) deviations from DDI 0406C avoided here:

* LDRD/STRD, LDM/STM and SWP on an address that is not word-aligned: QEMU
  performs the access; A3.2.1 (Table A3-1) requires an Alignment fault
  whatever SCTLR.A says.  The generators use word-aligned addresses for them.
  (Unaligned LDR/STR/LDRH/STRH/LDRSH are generated: with SCTLR.A = 0 they are
  architecturally unaligned accesses, and unicorn performs them.)
* SWP/SWPB with SCTLR.SW = 0: QEMU executes them; on a processor with the
  Multiprocessing Extensions (Cortex-A15) they are UNDEFINED unless SCTLR.SW
  is set (B4.1.130).  SWP cases run with SCTLR.SW = 1.
"""

from __future__ import annotations

import functools
import random
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from hypothesis import strategies as st

from tests.diff.harness import EXC_MODES, START_MODES, WINDOW, WINDOW_SIZE, Case, State

MASK32 = 0xFFFFFFFF
AL = 0xE
CLREX = 0xF57FF01F  # A8.8.32 CLREX

# -- values -------------------------------------------------------------------------------

_SPECIAL = [
    0, 1, 2, 3, 0x1F, 0x20, 0x21, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
    0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF, 0x00FF00FF, 0xFF00FF00,
    0x7F7F7F7F, 0x80808080, 0x7FFF8000, 0x80007FFF, 0x40000000, 0xC0000000,
]
_LANE8 = [0x00, 0x01, 0x7F, 0x80, 0x81, 0xFE, 0xFF, 0x40, 0xC0]
_LANE16 = [0x0000, 0x0001, 0x7FFF, 0x8000, 0x8001, 0xFFFE, 0xFFFF, 0x4000, 0xC000]


def values() -> st.SearchStrategy[int]:
    """32-bit register values, biased to the edges arithmetic and saturation care about."""
    return _VALUES


_VALUES: st.SearchStrategy[int] = st.one_of(
        st.sampled_from(_SPECIAL),
        st.integers(0, MASK32),
        st.integers(0, 64),
        st.tuples(st.integers(0, 32), st.integers(0, MASK32)).map(lambda t: t[1] >> t[0]),  # leading zeros
        st.lists(st.sampled_from(_LANE8), min_size=4, max_size=4).map(
            lambda b: b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24),
        st.lists(st.sampled_from(_LANE16), min_size=2, max_size=2).map(lambda h: h[0] | h[1] << 16),
        st.integers(-64, -1).map(lambda v: v & MASK32),
    )
_SHIFT_AMOUNTS: st.SearchStrategy[int] = st.one_of(
        st.integers(0, 34),
        st.integers(0, 255),
        st.tuples(st.integers(0, 0xFFFFFF), st.integers(0, 40)).map(lambda t: (t[0] << 8) | t[1]),
    )


_OFFSETS_12 = st.one_of(st.integers(0, 0x800), _VALUES)
_OFFSETS_8 = st.one_of(st.integers(0, 0x100), _VALUES)
_IMM24 = st.one_of(st.integers(0, 0xFFFFFF), st.integers(0, 64), st.integers(0xFFFFC0, 0xFFFFFF))


def shift_amounts() -> st.SearchStrategy[int]:
    """Rs values for register-controlled shifts: only Rs[7:0] counts (A8.4.3)."""
    return _SHIFT_AMOUNTS


def random_value(rnd: random.Random) -> int:
    """The same distribution as :func:`values`, from a seeded generator (cheap: no hypothesis draws)."""
    k = rnd.randrange(7)
    if k == 0:
        return rnd.choice(_SPECIAL)
    if k == 1:
        return rnd.getrandbits(32)
    if k == 2:
        return rnd.randrange(65)
    if k == 3:
        return rnd.getrandbits(32) >> rnd.randrange(33)
    if k == 4:
        return sum(rnd.choice(_LANE8) << (8 * i) for i in range(4))
    if k == 5:
        return rnd.choice(_LANE16) | rnd.choice(_LANE16) << 16
    return (-rnd.randrange(1, 65)) & MASK32


@st.composite
def states(draw: Callable, modes: Sequence[int] = tuple(START_MODES)) -> State:
    """A random start state: registers, NZCV, Q, GE, mode and window contents.

    Register values come from a drawn seed (drawing 15 values through hypothesis costs more than
    running the case); failures print the whole state.
    """
    seed = draw(st.integers(0, 2**32 - 1))
    rnd = random.Random(seed)
    regs = [random_value(rnd) for _ in range(15)]
    return State(
        regs=regs,
        nzcv=draw(st.integers(0, 15)),
        q=draw(st.integers(0, 1)),
        ge=draw(st.integers(0, 15)),
        mode=int(draw(st.sampled_from(list(modes)))),
        seed=seed,
    )


# -- small helpers ----------------------------------------------------------------------------------

ALWAYS = st.just(AL)
CONDS = st.integers(0, 14)  # random condition, never 1111 (the unconditional space)


@functools.cache
def _reg_strategy(avoid: Tuple[int, ...], pc: bool) -> st.SearchStrategy[int]:
    # Strategies are built once: hypothesis pays for every new strategy object.
    low = [r for r in range(15) if r not in avoid]
    if pc and 15 not in avoid:
        return st.one_of(st.sampled_from(low), st.sampled_from(low), st.sampled_from(low), st.just(15))
    return st.sampled_from(low)


def _reg(draw: Callable, avoid: Sequence[int] = ()) -> int:
    return int(draw(_reg_strategy(tuple(sorted(set(avoid))), False)))


def _regpc(draw: Callable, avoid: Sequence[int] = ()) -> int:
    """A register, the PC now and then (where reading the PC is defined)."""
    return int(draw(_reg_strategy(tuple(sorted(set(avoid))), True)))


def _shift_imm(value: int, stype: int, imm5: int, carry: int) -> int:
    """DecodeImmShift + Shift (A8.4.3), written out again for address arithmetic."""
    if stype == 0:
        return (value << imm5) & MASK32
    if stype == 1:
        return 0 if imm5 == 0 else value >> imm5
    if stype == 2:
        n = 32 if imm5 == 0 else imm5
        signed = value - (1 << 32) if value >> 31 else value
        return (signed >> n) & MASK32
    if imm5 == 0:  # RRX
        return (carry << 31) | (value >> 1)
    return ((value >> imm5) | (value << (32 - imm5))) & MASK32


@functools.cache
def _addr_strategy(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.one_of(st.integers(lo, hi), st.integers(lo, lo + 64), st.integers(hi - 64, hi))


def _addr(draw: Callable, size: int, align: int, span: int = 0) -> int:
    """An address in the data window for an access of ``span or size`` bytes, aligned to ``align``."""
    span = span or size
    lo = WINDOW
    hi = WINDOW + WINDOW_SIZE - span
    a = draw(_addr_strategy(lo, hi))
    return a - (a % align) if align > 1 else a


_DP_NAMES = ("AND", "EOR", "SUB", "RSB", "ADD", "ADC", "SBC", "RSC",
             "TST", "TEQ", "CMP", "CMN", "ORR", "MOV", "BIC", "MVN")


# -- data processing (A5.2.1-A5.2.3) -------------------------------------------------------------------


@st.composite
def dp_imm(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A5.2.3 data-processing (immediate): cond 001 op S Rn Rd imm12."""
    c = draw(cond)
    op = draw(st.integers(0, 15))
    test = 8 <= op <= 11  # TST TEQ CMP CMN: S must be 1 (S=0 is MOVW/MOVT/MSR/hints), Rd (0)
    S = 1 if test else draw(st.integers(0, 1))
    Rn = 0 if op in (13, 15) else _regpc(draw)  # MOV/MVN: Rn is (0)(0)(0)(0)
    Rd = 0 if test else _reg(draw)  # Rd = 15 is a branch (with S: SUBS PC, LR)
    imm12 = draw(st.integers(0, 0xFFF))
    word = c << 28 | 0b001 << 25 | op << 21 | S << 20 | Rn << 16 | Rd << 12 | imm12
    return Case([word], f"{_DP_NAMES[op]}{'S' if S else ''} (immediate) r{Rd}, r{Rn}, #{imm12:#x}")


@st.composite
def dp_reg(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A5.2.1 data-processing (register): cond 000 op S Rn Rd imm5 type 0 Rm (A8.4.3 shifts)."""
    c = draw(cond)
    op = draw(st.integers(0, 15))
    test = 8 <= op <= 11
    S = 1 if test else draw(st.integers(0, 1))
    Rn = 0 if op in (13, 15) else _regpc(draw)
    Rd = 0 if test else _reg(draw)
    Rm = _regpc(draw)
    imm5 = draw(st.integers(0, 31))
    stype = draw(st.integers(0, 3))
    word = c << 28 | op << 21 | S << 20 | Rn << 16 | Rd << 12 | imm5 << 7 | stype << 5 | Rm
    shift = ["LSL", "LSR", "ASR", "ROR"][stype]
    return Case([word], f"{_DP_NAMES[op]}{'S' if S else ''} (register) r{Rd}, r{Rn}, r{Rm}, {shift} #{imm5}")


@st.composite
def dp_rsr(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A5.2.2 data-processing (register-shifted register): cond 000 op S Rn Rd Rs 0 type 1 Rm.

    Any of d, n, m, s == 15 is UNPREDICTABLE (A8.8.x "(register-shifted register)").
    """
    c = draw(cond)
    op = draw(st.integers(0, 15))
    test = 8 <= op <= 11
    S = 1 if test else draw(st.integers(0, 1))
    Rn = 0 if op in (13, 15) else _reg(draw)
    Rd = 0 if test else _reg(draw)
    Rs = _reg(draw)
    Rm = _reg(draw)
    stype = draw(st.integers(0, 3))
    word = c << 28 | op << 21 | S << 20 | Rn << 16 | Rd << 12 | Rs << 8 | stype << 5 | 1 << 4 | Rm
    regs = {Rs: draw(shift_amounts())} if draw(st.booleans()) else {}
    return Case([word], f"{_DP_NAMES[op]}{'S' if S else ''} (register-shifted register) r{Rd}, r{Rn}, r{Rm}, "
                        f"{['LSL', 'LSR', 'ASR', 'ROR'][stype]} r{Rs}", regs=regs)


@st.composite
def movw_movt(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A8.8.102 MOV (immediate) A2 (MOVW) and A8.8.106 MOVT: cond 0011 0H00 imm4 Rd imm12."""
    c = draw(cond)
    top = draw(st.integers(0, 1))
    Rd = _reg(draw)
    imm16 = draw(st.integers(0, 0xFFFF))
    word = c << 28 | 0b00110 << 23 | top << 22 | (imm16 >> 12) << 16 | Rd << 12 | (imm16 & 0xFFF)
    return Case([word], f"{'MOVT' if top else 'MOVW'} r{Rd}, #{imm16:#x}")


@st.composite
def clz(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A8.8.33 CLZ: cond 0001 0110 (1111) Rd (1111) 0001 Rm; d, m != 15."""
    c = draw(cond)
    Rd, Rm = _reg(draw), _reg(draw)
    return Case([c << 28 | 0x016F0F10 | Rd << 12 | Rm], f"CLZ r{Rd}, r{Rm}")


# -- multiplies (A5.2.5, A5.2.7, A5.4.4) ----------------------------------------------------------------


@st.composite
def multiply(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A5.2.5: MUL MLA UMAAL MLS UMULL UMLAL SMULL SMLAL (cond 0000 op S ... 1001 Rn); no register is the PC."""
    c = draw(cond)
    name = draw(st.sampled_from(["MUL", "MLA", "UMAAL", "MLS", "UMULL", "UMLAL", "SMULL", "SMLAL"]))
    op = {"MUL": 0, "MLA": 1, "UMAAL": 2, "MLS": 3, "UMULL": 4, "UMLAL": 5, "SMULL": 6, "SMLAL": 7}[name]
    S = draw(st.integers(0, 1)) if name not in ("UMAAL", "MLS") else 0
    Rm, Rn = _reg(draw), _reg(draw)
    if name in ("MUL", "MLA", "MLS"):
        Rd = _reg(draw)
        Ra = 0 if name == "MUL" else _reg(draw)  # MUL: (0)(0)(0)(0)
        hi, lo = Rd, Ra
        text = f"{name}{'S' if S else ''} r{Rd}, r{Rn}, r{Rm}" + ("" if name == "MUL" else f", r{Ra}")
    else:
        hi = _reg(draw)
        lo = _reg(draw, avoid=(hi,))  # dHi == dLo is UNPREDICTABLE
        text = f"{name}{'S' if S else ''} r{lo}, r{hi}, r{Rn}, r{Rm}"
    word = c << 28 | op << 21 | S << 20 | hi << 16 | lo << 12 | Rm << 8 | 0b1001 << 4 | Rn
    return Case([word], text)


@st.composite
def halfword_multiply(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A5.2.7: SMLA<x><y> SMLAW<y> SMULW<y> SMLAL<x><y> SMUL<x><y>: cond 00010 op1 0 ... 1 M N 0 Rn."""
    c = draw(cond)
    op1 = draw(st.integers(0, 3))
    M, N = draw(st.integers(0, 1)), draw(st.integers(0, 1))
    Rm, Rn = _reg(draw), _reg(draw)
    xy = "BT"[N] + "BT"[M]
    if op1 == 0:
        Rd, Ra = _reg(draw), _reg(draw)
        a, b, text = Rd, Ra, f"SMLA{xy} r{Rd}, r{Rn}, r{Rm}, r{Ra}"
    elif op1 == 1:
        Rd = _reg(draw)
        if N == 0:
            Ra = _reg(draw)
            a, b, text = Rd, Ra, f"SMLAW{'BT'[M]} r{Rd}, r{Rn}, r{Rm}, r{Ra}"
        else:
            a, b, text = Rd, 0, f"SMULW{'BT'[M]} r{Rd}, r{Rn}, r{Rm}"
    elif op1 == 2:
        hi = _reg(draw)
        lo = _reg(draw, avoid=(hi,))
        a, b, text = hi, lo, f"SMLAL{xy} r{lo}, r{hi}, r{Rn}, r{Rm}"
    else:
        Rd = _reg(draw)
        a, b, text = Rd, 0, f"SMUL{xy} r{Rd}, r{Rn}, r{Rm}"
    word = c << 28 | 0b00010 << 23 | op1 << 21 | a << 16 | b << 12 | Rm << 8 | 1 << 7 | M << 6 | N << 5 | Rn
    return Case([word], text)


def _media_mul(c: int, op1: int, a: int, b: int, Rm: int, op2: int, Rn: int) -> int:
    """A5.4.4 signed multiply / divide: cond 01110 op1 A B Rm op2 1 Rn."""
    return c << 28 | 0b01110 << 23 | op1 << 20 | a << 16 | b << 12 | Rm << 8 | op2 << 5 | 1 << 4 | Rn


@st.composite
def signed_multiply(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A5.4.4: SMLAD SMUAD SMLSD SMUSD SMLALD SMLSLD SMMLA SMMUL SMMLS (+X / +R variants)."""
    c = draw(cond)
    name = draw(st.sampled_from(["SMLAD", "SMUAD", "SMLSD", "SMUSD", "SMLALD", "SMLSLD", "SMMLA", "SMMUL", "SMMLS"]))
    bit = draw(st.integers(0, 1))  # M (swap: X) or R (round)
    Rm, Rn = _reg(draw), _reg(draw)
    suffix = ("X" if name[:3] != "SMM" else "R") if bit else ""
    if name in ("SMLALD", "SMLSLD"):
        hi = _reg(draw)
        lo = _reg(draw, avoid=(hi,))  # dHi == dLo is UNPREDICTABLE
        op2 = (0b000 if name == "SMLALD" else 0b010) | bit
        return Case([_media_mul(c, 0b100, hi, lo, Rm, op2, Rn)], f"{name}{suffix} r{lo}, r{hi}, r{Rn}, r{Rm}")
    Rd = _reg(draw)
    acc = name in ("SMLAD", "SMLSD", "SMMLA", "SMMLS")
    Ra = _reg(draw) if acc else 15  # Ra == 1111 selects the non-accumulating form
    op1 = 0b101 if name.startswith("SMM") else 0b000
    op2 = {"SMLAD": 0, "SMUAD": 0, "SMLSD": 2, "SMUSD": 2, "SMMLA": 0, "SMMUL": 0, "SMMLS": 6}[name] | bit
    text = f"{name}{suffix} r{Rd}, r{Rn}, r{Rm}" + (f", r{Ra}" if acc else "")
    return Case([_media_mul(c, op1, Rd, Ra, Rm, op2, Rn)], text)


@st.composite
def divide(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A8.8.165 SDIV / A8.8.248 UDIV: cond 0111 0 0U1 Rd (1111) Rm 000 1 Rn (ARMv7VE, present on Cortex-A15)."""
    c = draw(cond)
    signed = draw(st.booleans())
    Rd, Rm, Rn = _reg(draw), _reg(draw), _reg(draw)
    regs: Dict[int, int] = {}
    special = draw(st.sampled_from(["none", "zero", "minus1"]))
    if special == "zero":
        regs[Rm] = 0  # division by zero gives 0 (no trap on the A profile)
    elif special == "minus1":
        regs[Rm] = MASK32
        if Rn != Rm:
            regs[Rn] = draw(st.sampled_from([0x80000000, 0x7FFFFFFF, 1, 0]))
    word = _media_mul(c, 0b001 if signed else 0b011, Rd, 15, Rm, 0, Rn)
    return Case([word], f"{'SDIV' if signed else 'UDIV'} r{Rd}, r{Rn}, r{Rm}", regs=regs)


# -- media and saturating (A5.2.6, A5.4) -------------------------------------------------------------------


@st.composite
def saturating(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A5.2.6 QADD/QSUB/QDADD/QDSUB; A8.8.x SSAT, USAT, SSAT16, USAT16."""
    c = draw(cond)
    kind = draw(st.sampled_from(["Q", "SSAT", "USAT", "SSAT16", "USAT16"]))
    Rd, Rn = _reg(draw), _reg(draw)
    if kind == "Q":
        op = draw(st.integers(0, 3))
        Rm = _reg(draw)
        word = c << 28 | 0b00010 << 23 | op << 21 | Rn << 16 | Rd << 12 | 0b0101 << 4 | Rm
        return Case([word], f"{('QADD', 'QSUB', 'QDADD', 'QDSUB')[op]} r{Rd}, r{Rm}, r{Rn}")
    if kind in ("SSAT", "USAT"):
        sat_imm = draw(st.integers(0, 31))
        imm5 = draw(st.integers(0, 31))
        sh = draw(st.integers(0, 1))  # sh = 1, imm5 = 0 is ASR #32
        u = 1 if kind == "USAT" else 0
        word = c << 28 | 0b01101 << 23 | u << 22 | 1 << 21 | sat_imm << 16 | Rd << 12 | imm5 << 7 | sh << 6
        word |= 0b01 << 4 | Rn
        return Case([word], f"{kind} r{Rd}, #{sat_imm + (0 if u else 1)}, r{Rn}, {['LSL', 'ASR'][sh]} #{imm5}")
    sat_imm = draw(st.integers(0, 15))
    u = 1 if kind == "USAT16" else 0
    word = c << 28 | 0b01101 << 23 | u << 22 | 0b10 << 20 | sat_imm << 16 | Rd << 12 | 0xF << 8 | 0b0011 << 4 | Rn
    return Case([word], f"{kind} r{Rd}, #{sat_imm + (0 if u else 1)}, r{Rn}")


_PAR_PREFIX = {0b001: "S", 0b010: "Q", 0b011: "SH", 0b101: "U", 0b110: "UQ", 0b111: "UH"}
_PAR_OP = {0b000: "ADD16", 0b001: "ASX", 0b010: "SAX", 0b011: "SUB16", 0b100: "ADD8", 0b111: "SUB8"}


@st.composite
def parallel(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A5.4.1/A5.4.2 parallel add/subtract (36 instructions): cond 01100 op1 Rn Rd (1111) op2 1 Rm."""
    c = draw(cond)
    op1 = draw(st.sampled_from(sorted(_PAR_PREFIX)))
    op2 = draw(st.sampled_from(sorted(_PAR_OP)))
    Rd, Rn, Rm = _reg(draw), _reg(draw), _reg(draw)
    word = c << 28 | 0b01100 << 23 | op1 << 20 | Rn << 16 | Rd << 12 | 0xF << 8 | op2 << 5 | 1 << 4 | Rm
    return Case([word], f"{_PAR_PREFIX[op1]}{_PAR_OP[op2]} r{Rd}, r{Rn}, r{Rm}")


_EXT = {0b000: "SXTAB16", 0b010: "SXTAB", 0b011: "SXTAH", 0b100: "UXTAB16", 0b110: "UXTAB", 0b111: "UXTAH"}


@st.composite
def packing(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A5.4.3 packing, unpacking, saturation and reversal; A8.8 USAD8/USADA8."""
    c = draw(cond)
    kind = draw(st.sampled_from(["PKH", "EXT", "EXTA", "SEL", "REV", "REV16", "RBIT", "REVSH", "USAD8", "USADA8"]))
    Rd, Rm = _reg(draw), _reg(draw)
    base = c << 28 | 0b01101 << 23
    if kind == "PKH":
        Rn = _reg(draw)
        imm5, tb = draw(st.integers(0, 31)), draw(st.integers(0, 1))
        word = base | Rn << 16 | Rd << 12 | imm5 << 7 | tb << 6 | 0b01 << 4 | Rm
        return Case([word], f"{'PKHTB' if tb else 'PKHBT'} r{Rd}, r{Rn}, r{Rm}, {'ASR' if tb else 'LSL'} #{imm5}")
    if kind in ("EXT", "EXTA"):
        op1 = draw(st.sampled_from(sorted(_EXT)))
        Rn = _reg(draw) if kind == "EXTA" else 15  # Rn == 1111: SXTB16/SXTB/SXTH/UXT*
        rot = draw(st.integers(0, 3))
        word = base | op1 << 20 | Rn << 16 | Rd << 12 | rot << 10 | 0b0111 << 4 | Rm
        name = _EXT[op1] if kind == "EXTA" else _EXT[op1].replace("A", "")
        return Case([word], f"{name} r{Rd}, " + (f"r{Rn}, " if kind == "EXTA" else "") + f"r{Rm}, ROR #{8 * rot}")
    if kind == "SEL":
        Rn = _reg(draw)
        return Case([base | Rn << 16 | Rd << 12 | 0xF << 8 | 0b1011 << 4 | Rm], f"SEL r{Rd}, r{Rn}, r{Rm}")
    if kind in ("REV", "REV16", "RBIT", "REVSH"):
        op1 = 0b011 if kind in ("REV", "REV16") else 0b111
        low = 0b0011 if kind in ("REV", "RBIT") else 0b1011
        return Case([base | op1 << 20 | 0xF << 16 | Rd << 12 | 0xF << 8 | low << 4 | Rm], f"{kind} r{Rd}, r{Rm}")
    Rn = _reg(draw)
    Ra = _reg(draw) if kind == "USADA8" else 15
    word = c << 28 | 0b01111000 << 20 | Rd << 16 | Ra << 12 | Rm << 8 | 0b0001 << 4 | Rn
    return Case([word], f"{kind} r{Rd}, r{Rn}, r{Rm}" + (f", r{Ra}" if kind == "USADA8" else ""))


@st.composite
def bitfield(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A8.8.19 BFC, A8.8.20 BFI, A8.8.164 SBFX, A8.8.246 UBFX (msb >= lsb, lsb + width <= 32)."""
    c = draw(cond)
    kind = draw(st.sampled_from(["BFC", "BFI", "SBFX", "UBFX"]))
    Rd = _reg(draw)
    lsb = draw(st.integers(0, 31))
    if kind in ("BFC", "BFI"):
        msb = draw(st.integers(lsb, 31))
        Rn = 15 if kind == "BFC" else _reg(draw)
        word = c << 28 | 0b0111110 << 21 | msb << 16 | Rd << 12 | lsb << 7 | 0b001 << 4 | Rn
        return Case([word], f"{kind} r{Rd}, " + ("" if kind == "BFC" else f"r{Rn}, ") + f"#{lsb}, #{msb - lsb + 1}")
    widthm1 = draw(st.integers(0, 31 - lsb))
    Rn = _reg(draw)
    u = 1 if kind == "UBFX" else 0
    word = c << 28 | 0b01111 << 23 | u << 22 | 1 << 21 | widthm1 << 16 | Rd << 12 | lsb << 7 | 0b101 << 4 | Rn
    return Case([word], f"{kind} r{Rd}, r{Rn}, #{lsb}, #{widthm1 + 1}")


# -- loads and stores (A5.3, A5.2.8, A5.5) --------------------------------------------------------------------


def _index_mode(draw: Callable) -> Tuple[int, int]:
    """(P, W): offset, pre-indexed or post-indexed.  P = 0, W = 1 is the unprivileged (xxxT) form."""
    return draw(st.sampled_from([(1, 0), (1, 1), (0, 0)]))


def _mode_name(P: int, W: int) -> str:
    return "offset" if P and not W else ("pre-indexed" if P else "post-indexed")


@st.composite
def load_store(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A5.3 LDR/STR/LDRB/STRB, immediate and register offsets, offset/pre/post-indexed."""
    c = draw(cond)
    B, L = draw(st.integers(0, 1)), draw(st.integers(0, 1))
    reg_form = draw(st.booleans())
    P, W = _index_mode(draw)
    wback = P == 0 or W == 1
    U = draw(st.integers(0, 1))
    Rt = _reg(draw)  # t == 15: a PC load/store (the branch class covers LDR PC); B with t == 15 is UNPREDICTABLE
    literal = L == 1 and not wback and draw(st.integers(0, 9)) == 0
    size = 1 if B else 4
    addr = _addr(draw, size, 1)  # unaligned LDR/STR: allowed with SCTLR.A = 0 (A3.2.1)
    regs: Dict[int, int] = {}
    nzcv: Optional[int] = None
    if literal:
        Rn = 15  # reads Align(PC, 4) +/- offset: the code page, mapped in both
    else:
        Rn = _reg(draw, avoid=(Rt,) if wback else ())  # wback && n == t is UNPREDICTABLE
    if reg_form:
        Rm = _reg(draw, avoid=(Rn,))  # m == 15 is UNPREDICTABLE; m != n keeps the address computable
        imm5, stype = draw(st.integers(0, 31)), draw(st.integers(0, 3))
        m_val = draw(_OFFSETS_12)
        if literal:
            imm5, stype, m_val = 0, 0, draw(st.integers(0, 0xFFF))  # stay inside the mapped code area
        nzcv = draw(st.integers(0, 15))
        offset = _shift_imm(m_val, stype, imm5, (nzcv >> 1) & 1)
        regs[Rm] = m_val
        field = imm5 << 7 | stype << 5 | Rm
        otext = f"{'+' if U else '-'}r{Rm}, {['LSL', 'LSR', 'ASR', 'ROR'][stype]} #{imm5}"
    else:
        offset = draw(st.integers(0, 0xFFF))
        field = offset
        otext = f"#{'+' if U else '-'}{offset}"
    if Rn != 15:
        regs[Rn] = (addr - (offset if U else -offset)) & MASK32 if P else addr
    word = c << 28 | (0b011 if reg_form else 0b010) << 25 | P << 24 | U << 23 | B << 22 | W << 21 | L << 20
    word |= Rn << 16 | Rt << 12 | field
    name = ("LDR" if L else "STR") + ("B" if B else "")
    return Case([word], f"{name} r{Rt}, [r{Rn}], {otext} ({_mode_name(P, W)})", regs=regs, nzcv=nzcv)


_EXTRA = {("STRH", 0): 0b01, ("LDRH", 1): 0b01, ("LDRD", 0): 0b10, ("LDRSB", 1): 0b10, ("STRD", 0): 0b11,
          ("LDRSH", 1): 0b11}


@st.composite
def extra_load_store(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A5.2.8 extra load/store: LDRH STRH LDRSB LDRSH LDRD STRD, immediate and register offsets."""
    c = draw(cond)
    (name, L), op2 = draw(st.sampled_from(sorted(_EXTRA.items())))
    reg_form = draw(st.booleans())
    P, W = _index_mode(draw)  # P = 0, W = 1: LDRHT etc. / UNPREDICTABLE for LDRD/STRD
    wback = P == 0 or W == 1
    U = draw(st.integers(0, 1))
    dual = name in ("LDRD", "STRD")
    if dual:
        Rt = draw(st.sampled_from([0, 2, 4, 6, 8, 10, 12]))  # Rt<0> == 1 or t2 == 15 is UNPREDICTABLE
        ts: Tuple[int, ...] = (Rt, Rt + 1)
    else:
        Rt = _reg(draw)
        ts = (Rt,)
    size = {"STRH": 2, "LDRH": 2, "LDRSH": 2, "LDRSB": 1, "LDRD": 8, "STRD": 8}[name]
    # LDRD/STRD must be word-aligned whatever SCTLR.A says (A3.2.1); unicorn does not check (see module doc).
    align = 4 if dual else 1
    addr = _addr(draw, size, align)
    loads = L == 1 or name == "LDRD"
    literal = loads and not wback and not reg_form and draw(st.integers(0, 9)) == 0
    regs: Dict[int, int] = {}
    if literal:
        Rn = 15
    else:
        Rn = _reg(draw, avoid=ts if wback else ())  # wback && (n == t || n == t2) is UNPREDICTABLE
    if reg_form:
        avoid = (Rn,) + (ts if name == "LDRD" else ())  # LDRD (register): m == t || m == t2 UNPREDICTABLE
        Rm = _reg(draw, avoid=avoid)
        m_val = draw(_OFFSETS_8)
        if dual:
            m_val &= ~3
        offset = m_val
        regs[Rm] = m_val
        hi4, lo4 = 0, Rm
        otext = f"{'+' if U else '-'}r{Rm}"
    else:
        offset = draw(st.integers(0, 0xFF))
        if literal and dual:
            offset &= ~3  # Align(PC, 4) +/- imm8 must stay word-aligned
        hi4, lo4 = offset >> 4, offset & 0xF
        otext = f"#{'+' if U else '-'}{offset}"
    if Rn != 15:
        regs[Rn] = (addr - (offset if U else -offset)) & MASK32 if P else addr
    word = c << 28 | P << 24 | U << 23 | (0 if reg_form else 1) << 22 | W << 21 | L << 20 | Rn << 16 | Rt << 12
    word |= hi4 << 8 | 1 << 7 | op2 << 5 | 1 << 4 | lo4
    form = "register" if reg_form else "immediate"
    return Case([word], f"{name} r{Rt}, [r{Rn}], {otext} ({_mode_name(P, W)}, {form})",
                regs=regs)


_LDM_NAMES = {(0, 0): "DA", (0, 1): "IA", (1, 0): "DB", (1, 1): "IB"}


@st.composite
def ldm_stm(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A5.5 LDM/STM (IA, IB, DA, DB), with and without writeback.

    No PC in the list, no Rn in the list with writeback.
    """
    c = draw(cond)
    P, U, W, L = (draw(st.integers(0, 1)) for _ in range(4))
    Rn = _reg(draw)
    rl = draw(st.integers(1, 0x7FFF))
    if W:
        rl &= ~(1 << Rn)  # LDM: UNPREDICTABLE (v7); STM: UNPREDICTABLE unless Rn is the lowest
        if rl == 0:
            rl = 1 << ((Rn + 1) % 15)
    k = bin(rl).count("1")
    start = _addr(draw, 4, 4, span=4 * k)  # LDM/STM need word alignment (A3.2.1)
    base = {(0, 1): start, (1, 1): start - 4, (1, 0): start + 4 * k, (0, 0): start + 4 * k - 4}[(P, U)]
    word = c << 28 | 0b100 << 25 | P << 24 | U << 23 | W << 21 | L << 20 | Rn << 16 | rl
    regs_text = ",".join(f"r{i}" for i in range(15) if rl >> i & 1)
    return Case([word], f"{'LDM' if L else 'STM'}{_LDM_NAMES[(P, U)]} r{Rn}{'!' if W else ''}, {{{regs_text}}}",
                regs={Rn: base & MASK32})


_EXCL = {"W": (0b000, 4), "D": (0b001, 8), "B": (0b010, 1), "H": (0b011, 2)}


def _ldrex(c: int, size: str, Rn: int, Rt: int) -> int:
    """A8.8.75-78 LDREX{B,H,D}: cond 0001 1 op 1 Rn Rt (1111) 1001 (1111)."""
    return c << 28 | 0b00011 << 23 | _EXCL[size][0] << 21 | 1 << 20 | Rn << 16 | Rt << 12 | 0xF9F


def _strex(c: int, size: str, Rn: int, Rd: int, Rt: int) -> int:
    """A8.8.212-215 STREX{B,H,D}: cond 0001 1 op 0 Rn Rd (1111) 1001 Rt."""
    return c << 28 | 0b00011 << 23 | _EXCL[size][0] << 21 | Rn << 16 | Rd << 12 | 0xF90 | Rt


@st.composite
def exclusive(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """LDREX/STREX pairs (A3.4, A8.8.75-78, A8.8.212-215), each sequence starting from CLREX.

    Shapes: CLREX; LDREX; STREX (succeeds: status 0, memory written), CLREX; STREX (fails: status 1,
    memory unchanged) and CLREX; LDREX; CLREX; STREX (fails).  The pair always uses the same address
    and size (a different address or size is IMPLEMENTATION DEFINED, A3.4.5).
    """
    c = draw(cond)
    size = draw(st.sampled_from(sorted(_EXCL)))
    nbytes = _EXCL[size][1]
    addr = _addr(draw, nbytes, nbytes)  # exclusives always require alignment (A3.2.1)
    dual = size == "D"
    shape = draw(st.sampled_from(["pair", "pair", "pair", "store only", "cleared"]))
    Rn = _reg(draw)
    if dual:
        # LDREXD: Rt<0> == 1, Rt == 14 UNPREDICTABLE; keep Rn out of the loaded pair so STREXD sees the same address.
        Rt = draw(st.sampled_from([r for r in (0, 2, 4, 6, 8, 10, 12) if Rn not in (r, r + 1)]))
        Rt2 = draw(st.sampled_from([0, 2, 4, 6, 8, 10, 12]))
        src: Tuple[int, ...] = (Rt2, Rt2 + 1)
    else:
        Rt = _reg(draw, avoid=(Rn,))
        Rt2 = _reg(draw)
        src = (Rt2,)
    Rd = _reg(draw, avoid=(Rn, *src))  # STREX: d == n || d == t (|| d == t2) is UNPREDICTABLE
    words = [CLREX]
    if shape != "store only":
        words.append(_ldrex(c, size, Rn, Rt))
    if shape == "cleared":
        words.append(CLREX)
    words.append(_strex(c, size, Rn, Rd, Rt2))
    return Case(words, f"{shape}: LDREX{'' if size == 'W' else size}/STREX{'' if size == 'W' else size} "
                       f"r{Rt}, r{Rd}, r{Rt2}, [r{Rn}]", regs={Rn: addr})


@st.composite
def swp(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """A8.8.229 SWP/SWPB: cond 0001 0B00 Rn Rt (0000) 1001 Rt2; n != t, n != t2; SCTLR.SW = 1."""
    c = draw(cond)
    B = draw(st.integers(0, 1))
    Rn = _reg(draw)
    Rt, Rt2 = _reg(draw, avoid=(Rn,)), _reg(draw, avoid=(Rn,))
    addr = _addr(draw, 1 if B else 4, 1 if B else 4)  # SWP needs word alignment (A3.2.1)
    word = c << 28 | 0b00010 << 23 | B << 22 | Rn << 16 | Rt << 12 | 0b1001 << 4 | Rt2
    return Case([word], f"SWP{'B' if B else ''} r{Rt}, r{Rt2}, [r{Rn}]", regs={Rn: addr}, sctlr_sw=True)


# -- branches and PC writes (A5.5, A5.2.12, A2.3.1) ----------------------------------------------------------


def _interworking_target(draw: Callable) -> int:
    """A BXWritePC target: ARM (bits 1:0 = 00) or Thumb (bit 0 = 1); '10' is UNPREDICTABLE (A2.3.1)."""
    v = draw(values())
    return (v | 1) if draw(st.integers(0, 3)) == 0 else (v & ~3)


@st.composite
def branch(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """B, BL, BLX (immediate), BX, BLX (register), and PC writes by MOV, ADD, LDR and LDM (interworking)."""
    c = draw(cond)
    kind = draw(st.sampled_from(["B", "BL", "BLX imm", "BX", "BLX", "MOV pc", "ADD pc", "LDR pc", "LDM pc"]))
    if kind in ("B", "BL"):
        imm24 = draw(_IMM24)
        return Case([c << 28 | 0b101 << 25 | (kind == "BL") << 24 | imm24], f"{kind} imm24={imm24:#x}")
    if kind == "BLX imm":  # A8.8.25 BLX (immediate) A2: 1111 101 H imm24, unconditional
        imm24, H = draw(st.integers(0, 0xFFFFFF)), draw(st.integers(0, 1))
        return Case([0xF << 28 | 0b101 << 25 | H << 24 | imm24], f"BLX imm24={imm24:#x} H={H}")
    target = _interworking_target(draw)
    if kind in ("BX", "BLX"):
        # BX PC is defined (branch to this instruction + 8, ARM); BLX with m == 15 is UNPREDICTABLE.
        Rm = _regpc(draw) if kind == "BX" else _reg(draw)
        low = 0b0001 if kind == "BX" else 0b0011
        word = c << 28 | 0x012FFF00 | low << 4 | Rm
        return Case([word], f"{kind} r{Rm}", regs={} if Rm == 15 else {Rm: target})
    if kind == "MOV pc":  # A8.8.103 MOV (register) with d == 15, S == 0: ALUWritePC (interworks in ARMv7)
        Rm = _reg(draw)
        return Case([c << 28 | 0x01A0F000 | Rm], f"MOV pc, r{Rm}", regs={Rm: target})
    if kind == "ADD pc":  # A8.8.5 ADD (immediate) with d == 15, S == 0
        Rn = _reg(draw)
        imm12 = draw(st.integers(0, 0xFFF))
        imm32 = _expand_imm(imm12)
        return Case([c << 28 | 0x0280F000 | Rn << 16 | imm12], f"ADD pc, r{Rn}, #{imm32:#x}",
                    regs={Rn: (target - imm32) & MASK32})
    if kind == "LDR pc":  # A8.8.63 LDR (immediate) with t == 15: LoadWritePC; address<1:0> must be 00
        Rn = _reg(draw)
        addr = _addr(draw, 4, 4)
        imm12 = draw(st.integers(0, 0xFFF)) & ~3
        U = draw(st.integers(0, 1))
        word = c << 28 | 0b010 << 25 | 1 << 24 | U << 23 | 1 << 20 | Rn << 16 | 15 << 12 | imm12
        base = addr - (imm12 if U else -imm12)
        return Case([word], f"LDR pc, [r{Rn}, #{'+' if U else '-'}{imm12}]", regs={Rn: base & MASK32},
                    patches=((addr, target.to_bytes(4, "little")),))
    # LDM with the PC in the list (POP-like): A8.8.58, LoadWritePC
    Rn = _reg(draw)
    W = draw(st.integers(0, 1))
    rl = draw(st.integers(0, 0x7FFF))
    if W:
        rl &= ~(1 << Rn)
    rl |= 0x8000
    k = bin(rl).count("1")
    start = _addr(draw, 4, 4, span=4 * k)
    word = c << 28 | 0b100 << 25 | 0b01 << 23 | W << 21 | 1 << 20 | Rn << 16 | rl  # LDMIA
    return Case([word], f"LDMIA r{Rn}{'!' if W else ''}, {{... pc}} ({k} registers)", regs={Rn: start},
                patches=((start + 4 * (k - 1), target.to_bytes(4, "little")),))


# -- status registers (A5.2.12, B9.3) ---------------------------------------------------------------------------


# PSR bits 23:20 are reserved, SBZP (B1.3.3): an MSR that writes ones there is UNPREDICTABLE
# (unicorn keeps bit 20, QEMU's AArch32 PSTATE.IL, in an SPSR; armsim ignores the write).
SBZP_PSR = 0x00F00000


def _expand_imm(imm12: int) -> int:
    """A5.2.4 ARMExpandImm, written out again."""
    rot = 2 * (imm12 >> 8)
    imm8 = imm12 & 0xFF
    return ((imm8 >> rot) | (imm8 << (32 - rot))) & MASK32 if rot else imm8


@st.composite
def status(draw: Callable, cond: st.SearchStrategy[int] = ALWAYS) -> Case:
    """MRS (A8.8.109, B9.3.9) and MSR (A8.8.111-112, B9.3.11-12).

    Shapes: MRS CPSR; MSR CPSR with masks f, s, fs (immediate and register) in any start mode;
    MSR CPSR_c switching between the privileged modes, or ignored in User mode (CPSRWriteByInstr,
    B1.3.3); MSR SPSR_<mask> then MRS SPSR in an exception mode; SUBS PC, LR (exception return).
    """
    c = draw(cond)
    kind = draw(st.sampled_from(["MRS", "MSR flags", "MSR flags", "MSR c", "SPSR", "ERET"]))
    Rd = _reg(draw)
    if kind == "MRS":
        return Case([c << 28 | 0x010F0000 | Rd << 12], f"MRS r{Rd}, CPSR")
    if kind == "MSR flags":
        mask = draw(st.sampled_from([0b1000, 0b0100, 0b1100]))
        if draw(st.booleans()):
            imm12 = draw(st.integers(0, 0xFFF))
            if _expand_imm(imm12) & SBZP_PSR:
                imm12 &= 0xF00  # keep the reserved bits zero (see SBZP_PSR)
            word = c << 28 | 0x0320F000 | mask << 16 | imm12
            return Case([word], f"MSR CPSR_{'f' if mask & 8 else ''}{'s' if mask & 4 else ''}, #imm12={imm12:#x}")
        Rn = _reg(draw)
        word = c << 28 | 0x0120F000 | mask << 16 | Rn
        return Case([word], f"MSR CPSR_{'f' if mask & 8 else ''}{'s' if mask & 4 else ''}, r{Rn}",
                    regs={Rn: draw(values()) & ~SBZP_PSR})
    if kind == "MSR c":
        new_mode = int(draw(st.sampled_from(list(START_MODES))))
        ifb = draw(st.integers(0, 3))
        value = ifb << 6 | new_mode  # T (bit 5) written as 0: MSR never changes it
        if draw(st.booleans()):
            # imm12 = rotate 0, imm8 = value
            word = c << 28 | 0x0321F000 | value
            return Case([word], f"MSR CPSR_c, #{value:#x}")
        Rn = _reg(draw)
        word = c << 28 | 0x0121F000 | Rn
        hi = draw(values()) & ~0xFF
        return Case([word], f"MSR CPSR_c, r{Rn} (= {value:#x})", regs={Rn: hi | value})
    if kind == "ERET":
        # B9.3.20 SUBS PC, LR, #imm8 (A1: cond 0010 0101 1110 1111 imm12 as SUB): CPSR <- SPSR, branch.
        # Only from an exception mode; the SPSR (set by the harness) holds USR or SVC, ARM state, so the
        # target must be word-aligned (B1.8.10: other alignments are UNPREDICTABLE).
        imm8 = draw(st.integers(0, 0xFF))
        target = draw(values()) & ~3
        word = c << 28 | 0x025EF000 | imm8
        return Case([word], f"SUBS pc, lr, #{imm8}", regs={14: (target + imm8) & MASK32},
                    mode=int(draw(st.sampled_from(list(EXC_MODES)))))
    # SPSR: write some bytes then read it back (only exception modes have an SPSR).
    mode = int(draw(st.sampled_from(list(EXC_MODES))))
    mask = draw(st.integers(1, 15))
    Rn = _reg(draw)
    v = draw(values()) & ~SBZP_PSR
    if mask & 1:
        v = (v & ~0x3F) | draw(st.sampled_from([0x10, 0x13, 0x1F, 0x11]))  # keep the SPSR mode field valid
    msr = c << 28 | 0x0160F000 | mask << 16 | Rn
    mrs = c << 28 | 0x014F0000 | Rd << 12
    return Case([msr, mrs], f"MSR SPSR_{mask:04b}, r{Rn}; MRS r{Rd}, SPSR", regs={Rn: v}, mode=mode)


# -- groups ------------------------------------------------------------------------------------------------------

Strategy = Callable[..., st.SearchStrategy[Case]]

CLASSES: Dict[str, Strategy] = {
    "dp_imm": dp_imm,
    "dp_reg": dp_reg,
    "dp_rsr": dp_rsr,
    "movw_movt": movw_movt,
    "clz": clz,
    "multiply": multiply,
    "halfword_multiply": halfword_multiply,
    "signed_multiply": signed_multiply,
    "divide": divide,
    "saturating": saturating,
    "parallel": parallel,
    "packing": packing,
    "bitfield": bitfield,
    "load_store": load_store,
    "extra_load_store": extra_load_store,
    "ldm_stm": ldm_stm,
    "exclusive": exclusive,
    "swp": swp,
    "branch": branch,
    "status": status,
}

# Classes whose instructions only touch registers and flags: usable in long straight-line sequences.
REGISTER_CLASSES = ("dp_imm", "dp_reg", "dp_rsr", "movw_movt", "clz", "multiply", "halfword_multiply",
                    "signed_multiply", "divide", "saturating", "parallel", "packing", "bitfield")


def _named(name: str) -> Callable[[Case], Tuple[str, Case]]:
    return lambda case: (name, case)


_CONDITIONAL = st.one_of(*[CLASSES[name](cond=CONDS).map(_named(name)) for name in CLASSES])
_REGISTER_ANY_COND = st.one_of(*[CLASSES[name](cond=st.one_of(st.just(AL), CONDS)) for name in REGISTER_CLASSES])


def conditional() -> st.SearchStrategy[Tuple[str, Case]]:
    """Any class with a random condition (never 1111); a failed condition must be a no-op (A8.3)."""
    return _CONDITIONAL


@st.composite
def straight_line(draw: Callable, min_size: int = 100, max_size: int = 140) -> Case:
    """100+ register-only instructions with random conditions, run in one sequence."""
    n = draw(st.integers(min_size, max_size))
    cases: List[Case] = [draw(_REGISTER_ANY_COND) for _ in range(n)]
    words = [w for case in cases for w in case.words]
    return Case(words, f"straight-line sequence of {len(words)} instructions")


# -- the manual's condition table (A8.3, Table A8-1), for statistics ------------------------------------------------


def condition_passed_ref(cond: int, nzcv: int) -> bool:
    N, Z, C, V = (nzcv >> 3) & 1, (nzcv >> 2) & 1, (nzcv >> 1) & 1, nzcv & 1
    table = {
        0: Z == 1, 1: Z == 0, 2: C == 1, 3: C == 0, 4: N == 1, 5: N == 0, 6: V == 1, 7: V == 0,
        8: C == 1 and Z == 0, 9: C == 0 or Z == 1, 10: N == V, 11: N != V, 12: Z == 0 and N == V,
        13: Z == 1 or N != V, 14: True,
    }
    return table[cond]
