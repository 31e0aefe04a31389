"""Disassembly in GNU syntax from the decoder's own rows (DESIGN.md section 5: a format column).

Every :class:`~armsim.isa.decoder.Row` carries a format (``row.fmt``) beside its pattern
and builder, so the text of an instruction comes from the same row that decodes and
builds it: there is no second decoder.  The formats live in ``a32/formats.py`` and
``t32/formats.py`` (keyed by row name, attached when the tables compile; a row without
one is an error at import).  A format is a template, or a function of the row's fields
returning one.  Templates name fields and derived operands in braces:

* ``{c}`` the condition suffix: the row's ``cond`` field, or in Thumb state the IT
  block's condition (A8.3, A2.5.2); ``{s}`` "s" when the S field is set; ``{s16}`` the
  "s" of a 16-bit Thumb data-processing instruction, present outside an IT block only
  (A6.2: those set the flags exactly when not InITBlock()).
* ``{Rd}``, ``{Rn}``, ... a register field, named as GNU names them (r0-r9, sl, fp,
  ip, sp, lr, pc); ``{#field}`` a field as a decimal immediate.
* ``{name}`` any other name: a derived operand of :data:`DERIVED` (an expanded
  immediate, a shift, an addressing mode, a branch target with its symbol).

The first space of the rendered template separates the mnemonic from the operands;
:func:`render` returns them joined by a tab, as ``objdump -d`` prints them.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, Optional, Sequence, Union

from armsim.isa.bits import ARMExpandImm, DecodeImmShift, ThumbExpandImm_C

MASK32 = 0xFFFFFFFF

REG_NAMES = ("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "sl", "fp", "ip", "sp", "lr", "pc")
COND_NAMES = ("eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "", "")
SHIFT_NAMES = ("lsl", "lsr", "asr", "ror")
_REG_FIELDS = frozenset(("Rd", "Rn", "Rm", "Rs", "Rt", "Rt2", "Ra", "RdHi", "RdLo", "Rdn", "Rdm"))
_PLACEHOLDER = re.compile(r"\{(#?[A-Za-z_][A-Za-z0-9_]*)\}")

Fields = Dict[str, int]


class DisasmContext:
    """What rendering needs besides the fields: the address, the state, the IT block, symbols."""

    __slots__ = ("addr", "it", "size", "symbolize", "thumb", "word")

    def __init__(self, addr: int, thumb: bool, size: int = 4, it: int = 0,
                 symbolize: Optional[Callable[[int], str]] = None, word: int = 0) -> None:
        self.addr = addr
        self.word = word
        self.thumb = thumb
        self.size = size
        self.it = it  # ITSTATE at this instruction (0 outside an IT block)
        self.symbolize = symbolize

    @property
    def pc(self) -> int:
        """The PC as an operand (A2.3): +8 in ARM state, +4 in Thumb state."""
        return (self.addr + (4 if self.thumb else 8)) & MASK32


Derived = Callable[[Fields, DisasmContext], str]
Format = Union[str, Callable[[Fields, DisasmContext], str]]


def reg(n: int) -> str:
    return REG_NAMES[n & 15]


def imm(v: int) -> str:
    return f"#{v}"


def simm(v: int) -> str:
    """An immediate as binutils prints an unsigned 32-bit value with %d."""
    v &= MASK32
    return f"#{v - (1 << 32) if v & 0x80000000 else v}"


def cond_suffix(f: Fields, d: DisasmContext) -> str:
    if "cond" in f:
        return COND_NAMES[f["cond"]]
    if d.thumb and d.it & 0xF:
        return COND_NAMES[d.it >> 4] or "al"  # A8.3: binutils writes AL inside an IT block
    return ""


def target(addr: int, d: DisasmContext) -> str:
    """A branch target as objdump prints it: hex address and ``<symbol+offset>``."""
    addr &= MASK32
    sym = d.symbolize(addr) if d.symbolize is not None else ""
    return f"{addr:x} <{sym}>" if sym else f"{addr:x}"


def reglist(mask: int) -> str:
    return "{" + ", ".join(reg(r) for r in range(16) if mask >> r & 1) + "}"


def shift_imm(type2: int, amount: int) -> str:
    """``, <shift> #n`` of DecodeImmShift (A8.4.3); "" for LSL #0; ``, rrx`` for ROR #0."""
    t, n = DecodeImmShift(type2, amount)
    if t == 0 and n == 0:
        return ""
    if type2 == 3 and amount == 0:
        return ", rrx"
    return f", {SHIFT_NAMES[type2]} #{n}"


def offset_imm(v: int, add: int) -> str:
    return f"#{'' if add else '-'}{v}"


def mem_imm(n: int, offset: int, P: int, U: int, W: int, zero: bool = False) -> str:
    """``[Rn, #+/-imm]{!}`` / ``[Rn], #+/-imm``; with ``zero`` False a zero offset is left out."""
    if not P:
        return f"[{reg(n)}], {offset_imm(offset, U)}"
    if offset == 0 and U and not zero and not W:
        return f"[{reg(n)}]"
    return f"[{reg(n)}, {offset_imm(offset, U)}]{'!' if W else ''}"


def mem_reg(n: int, m: int, P: int, U: int, W: int, shift: str = "") -> str:
    sign = "" if U else "-"
    if not P:
        return f"[{reg(n)}], {sign}{reg(m)}{shift}"
    return f"[{reg(n)}, {sign}{reg(m)}{shift}]{'!' if W else ''}"


def literal(d: DisasmContext, offset: int, add: int) -> str:
    """``[pc, #+/-imm]`` (the address is Align(PC, 4) +/- imm, A8.8.64)."""
    return f"[pc, {offset_imm(offset, add)}]"


def it_mnemonic(firstcond: int, mask: int) -> str:
    """IT<x><y><z> (A8.8.54): each mask bit above the lowest set one is t when it equals firstcond<0>."""
    letters = ""
    low = (mask & -mask).bit_length() - 1
    for bit in range(3, low, -1):
        letters += "t" if (mask >> bit & 1) == (firstcond & 1) else "e"
    return f"it{letters} {COND_NAMES[firstcond] or 'al'}"


def timm(f: Fields) -> int:
    """A6.3.2 ThumbExpandImm; the UNPREDICTABLE replicated zero patterns render as 0."""
    try:
        return ThumbExpandImm_C((f["i"] << 11) | (f["imm3"] << 8) | f["imm8"], 0)[0]
    except ValueError:
        return 0


def _derived() -> Dict[str, Derived]:
    def sbit(f: Fields, d: DisasmContext) -> str:
        return "s" if f.get("S") else ""

    def s16(f: Fields, d: DisasmContext) -> str:
        return "" if d.it & 0xF else "s"

    return {
        "c": cond_suffix,
        "s": sbit,
        "s16": s16,
        "aimm": lambda f, d: arm_imm(f["imm12"]),
        "timm": lambda f, d: imm(timm(f)),  # binutils: unsigned for T32, signed for A32
        "ashift": lambda f, d: shift_imm(f["type"], f["imm5"]),
        "tshift": lambda f, d: shift_imm(f["type"], (f["imm3"] << 2) | f["imm2"]),
        "rshift": lambda f, d: f", {SHIFT_NAMES[f['type']]} {reg(f['Rs'])}",
        "rotate": lambda f, d: f", ror #{8 * f['rotate']}" if f["rotate"] else "",
        "rl": lambda f, d: reglist(f["register_list"]),
    }


DERIVED: Dict[str, Derived] = _derived()


def check_format(row_name: str, fmt: Format, field_names: Sequence[str], extra: Dict[str, Derived]) -> None:
    """Every placeholder of a template names a field or a derived operand (checked at import)."""
    if not isinstance(fmt, str):
        return
    for name in _PLACEHOLDER.findall(fmt):
        key = name[1:] if name.startswith("#") else name
        if key in field_names or key in DERIVED or key in extra:
            continue
        raise ValueError(f"format of row {row_name!r}: unknown placeholder {{{name}}} in {fmt!r}")


def expand(template: str, f: Fields, d: DisasmContext, extra: Dict[str, Derived]) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.startswith("#"):
            return imm(f[name[1:]]) if name[1:] in f else m.group(0)
        fn = extra.get(name) or DERIVED.get(name)
        if fn is not None:
            return fn(f, d)
        v = f.get(name)
        if v is None:
            return m.group(0)  # literal braces (a register list a format function wrote)
        return reg(v) if name in _REG_FIELDS else str(v)

    text = _PLACEHOLDER.sub(sub, template)
    mnemonic, _, operands = text.partition(" ")
    return f"{mnemonic}\t{operands}" if operands else mnemonic


def render(fmt: Format, f: Fields, d: DisasmContext, extra: Dict[str, Derived]) -> str:
    template = fmt(f, d) if callable(fmt) else fmt
    return expand(template, f, d, extra)


# -- operands shared by A32 and T32 -------------------------------------------------------------

# A8.8.43 DMB option names; binutils writes the aliases UN / UNST for NSH / NSHST (A8.8.43 lists both).
BARRIER_OPTIONS = {15: "sy", 14: "st", 11: "ish", 10: "ishst", 7: "un", 6: "unst", 3: "osh", 2: "oshst"}


def barrier(option: int) -> str:
    """A8.8.43 DMB / A8.8.44 DSB option names (the values DDI 0406C reserves as #n)."""
    return BARRIER_OPTIONS.get(option, f"#{option}")


def isb_option(option: int) -> str:
    """A8.8.53 ISB: SY is the only option name; the rest are reserved, written #n."""
    return "sy" if option == 15 else f"#{option}"


def arm_imm(imm12: int) -> str:
    """A5.2.4 modified immediate as binutils writes it: the value (signed, %d), or ``#imm8, rot``
    when the encoding is not the one with the smallest rotation giving that value (so the text
    names the encoding: ARMExpandImm alone would lose it)."""
    rot = (imm12 >> 8) * 2
    imm8 = imm12 & 0xFF
    value = ARMExpandImm(imm12)
    for i in range(0, 32, 2):
        if ((value << i) | (value >> ((32 - i) & 31))) & MASK32 <= 0xFF:
            break
    if i != rot:
        return f"#{imm8}, {rot}"
    return simm(value)


def psr_fields(mask: int) -> str:
    """MSR <spec_reg>_<fields> as binutils writes it: f (bit 3), s, x, c (bit 0)."""
    return "".join(ch for bit, ch in ((8, "f"), (4, "s"), (2, "x"), (1, "c")) if mask & bit)


def banked(R: int, M: int, M1: int) -> str:
    """B9.2.3 Table B9-2: the banked register an MSR/MRS (Banked register) names."""
    sysm = (M << 4) | M1
    if R:
        return {0b01110: "SPSR_fiq", 0b10000: "SPSR_irq", 0b10010: "SPSR_svc", 0b10100: "SPSR_abt",
                0b10110: "SPSR_und", 0b11100: "SPSR_mon", 0b11110: "SPSR_hyp"}.get(sysm, f"#{sysm}")
    names = {0b00000: "R8_usr", 0b00001: "R9_usr", 0b00010: "R10_usr", 0b00011: "R11_usr", 0b00100: "R12_usr",
             0b00101: "SP_usr", 0b00110: "LR_usr", 0b01000: "R8_fiq", 0b01001: "R9_fiq", 0b01010: "R10_fiq",
             0b01011: "R11_fiq", 0b01100: "R12_fiq", 0b01101: "SP_fiq", 0b01110: "LR_fiq", 0b10000: "LR_irq",
             0b10001: "SP_irq", 0b10010: "LR_svc", 0b10011: "SP_svc", 0b10100: "LR_abt", 0b10101: "SP_abt",
             0b10110: "LR_und", 0b10111: "SP_und", 0b11100: "LR_mon", 0b11101: "SP_mon", 0b11110: "ELR_hyp",
             0b11111: "SP_hyp"}
    return names.get(sysm, f"#{sysm}")


def cps(imod: int, M: int, A: int, I: int, F: int, mode: int, wide: str = "", sep: str = ", ") -> str:
    """A8.8.39 / B9.3.2 CPS: cpsie/cpsid <flags>[, #mode], or cps #mode (``sep`` before the mode:
    binutils writes ``,#`` in A32, ``, #`` in T32)."""
    flags = ("a" if A else "") + ("i" if I else "") + ("f" if F else "")
    if imod in (2, 3):
        text = f"cps{'ie' if imod == 2 else 'id'}{wide} {flags or 'none'}"
        return f"{text}{sep}#{mode}" if M else text
    return f"cps{wide} #{mode}"


def coproc_address(n: int, P: int, U: int, W: int, imm8: int) -> str:
    """A8.5 LDC/STC addressing as binutils writes it: a zero offset is ``#-0`` when U is 0 and left
    out when U is 1 (and then so is the ``!``); unindexed (P == W == 0) is ``[Rn], {option}``."""
    off = imm8 * 4
    sign = "" if U else "-"
    if P:
        if off:
            return f"[{reg(n)}, #{sign}{off}]{'!' if W else ''}"
        return f"[{reg(n)}]" if U else f"[{reg(n)}, #-0]"
    if W:
        return f"[{reg(n)}], #{sign}{off}" if off or not U else f"[{reg(n)}]"
    return f"[{reg(n)}], {{{imm8}}}"


def coproc(f: Fields, d: DisasmContext, name: str) -> str:
    """LDC/STC/MCR/MRC/MCRR/MRRC/CDP{2} (A8.8.57-A8.8.112) from the word: the coprocessor number is
    bits 11:8 in A32 and in T32 (hw1:hw2) alike, split over several rows by the decoder.

    binutils' generic coprocessor syntax: the coprocessor as a number, CRn/CRm as ``cr<n>``, opc2
    in braces (``mrc 15, 0, r0, cr1, cr0, {0}``); MRC with Rt == 1111 names APSR_nzcv, MRC2 pc."""
    w = d.word
    cp = f"{(w >> 8) & 15}"
    c = cond_suffix(f, d)  # the A32 *2 forms have no cond field; in T32 they take the IT block's
    op = name.rstrip("2")
    two = "2" if name.endswith("2") else ""
    if op in ("LDC", "STC"):
        P, U, D, W = (w >> 24) & 1, (w >> 23) & 1, (w >> 22) & 1, (w >> 21) & 1
        addr = coproc_address((w >> 16) & 15, P, U, W, w & 0xFF)
        return f"{op.lower()}{two}{'l' if D else ''}{c} {cp}, cr{(w >> 12) & 15}, {addr}"
    if op in ("MCRR", "MRRC"):
        return f"{op.lower()}{two}{c} {cp}, {(w >> 4) & 15}, {reg((w >> 12) & 15)}, {reg((w >> 16) & 15)}, cr{w & 15}"
    crn, crm, opc2 = (w >> 16) & 15, w & 15, (w >> 5) & 7
    if op == "CDP":
        return f"cdp{two}{c} {cp}, {(w >> 20) & 15}, cr{(w >> 12) & 15}, cr{crn}, cr{crm}, {{{opc2}}}"
    t = (w >> 12) & 15
    rt = "APSR_nzcv" if op == "MRC" and not two and t == 15 else reg(t)
    return f"{op.lower()}{two}{c} {cp}, {(w >> 21) & 7}, {rt}, cr{crn}, cr{crm}, {{{opc2}}}"
