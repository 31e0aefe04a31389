"""The T32 (Thumb) instruction set: 16-bit rows (DDI 0406C A6.2) and 32-bit rows (A6.3).

A 32-bit instruction is looked up as the word ``hw1:hw2`` (first halfword in
bits 31:16), so its rows read like the manual's two-halfword diagrams.  The
tables compile on first use, so an ARM-only run does not pay for them; their
overlap check is a test (tests/test_decoder.py).

In Thumb state the engine's PC key is ``addr | 1 | (ITSTATE << 32)``
(DESIGN.md section 5): :func:`insn_info` decodes an instruction for the
ITSTATE of its key -- condition ITSTATE<7:4> (A8.3.1 for Thumb: the IT
block's condition), ``nxt`` the next key with ITAdvance() applied -- so every
builder gets the IT behaviour through ``info.cond`` / ``info.nxt`` alone.
"""

from __future__ import annotations

from typing import Callable, List, Optional, Tuple

from armsim.isa.contract import InsnInfo
from armsim.isa.decoder import DecodeTable, Item, Row
from armsim.isa.ops.thumb import ITAdvance
from armsim.isa.registry import InstructionSet, register

MASK32 = 0xFFFFFFFF

_T16: Optional[DecodeTable] = None
_T32: Optional[DecodeTable] = None


def tables() -> tuple[DecodeTable, DecodeTable]:
    """(T16, T32) decode tables, compiled once."""
    global _T16, _T32
    if _T16 is None or _T32 is None:
        from armsim.isa.t32 import branch, dp, ldst, media, t16

        items32: List[Item] = [*dp.ROWS, *media.ROWS, *ldst.ROWS, *branch.ROWS]
        _T16 = DecodeTable("T16", t16.ROWS, ((10, 6),), check=False)
        # Buckets on hw1<12:4> and hw2<15>, the bits A6.3 discriminates on first.
        _T32 = DecodeTable("T32", items32, ((20, 9), (15, 1)), check=False)
        from armsim.isa import disasm
        from armsim.isa.t32 import formats

        disasm.DERIVED.update(formats.EXTRA)
        _T16.attach_formats(formats.FORMATS16)
        _T32.attach_formats(formats.FORMATS32)
        from armsim.isa.t32 import costs

        _T16.attach_costs(costs.COSTS16)
        _T32.attach_costs(costs.COSTS32)
    return _T16, _T32


def is_32bit(hw1: int) -> bool:
    """A6.1: hw1<15:11> of 0b11101, 0b11110 or 0b11111 starts a 32-bit instruction."""
    return hw1 >> 11 in (0b11101, 0b11110, 0b11111)


def lookup(word: int, size: int) -> Optional[Row]:
    """The row encoding ``word`` (a halfword, or hw1:hw2 when ``size`` is 4), or None (UNDEFINED)."""
    t16, t32 = tables()
    if size == 2:
        return t16.lookup(word)
    return t32.lookup(word)


def insn_info(key: int, size: int, word: int) -> InsnInfo:
    """Decode-time facts for the Thumb instruction at ``key`` (ITSTATE from bits 39:32)."""
    addr = key & 0xFFFFFFFE & MASK32
    info = InsnInfo(addr, True, size, word)
    it = (key >> 32) & 0xFF
    if it:
        info.key = key
        info.nxt = ((addr + size) & MASK32) | 1 | (ITAdvance(it) << 32)
        if it & 0xF:
            info.cond = it >> 4
    return info


def all_rows() -> List[Row]:
    t16, t32 = tables()
    return t16.rows() + t32.rows()


def fetch(read16: Callable[[int], int], read32: Callable[[int], int], addr: int) -> Tuple[int, int]:
    """A Thumb instruction is one halfword, or two when hw1<15:11> says so (A6.1); little-endian (A3.3.1)."""
    hw1 = read16(addr)
    if hw1 >> 11 in (0b11101, 0b11110, 0b11111):
        return (hw1 << 16) | read16((addr + 2) & MASK32), 4
    return hw1, 2


def decode(key: int, word: int, size: int) -> Tuple[Optional[Row], InsnInfo]:
    """The row encoding ``word`` at PC key ``key`` (None: UNDEFINED) and its InsnInfo (ITSTATE from the key)."""
    info = insn_info(key, size, word)
    row = lookup(word, size)
    if row is not None:
        info.row_name = row.name
    return row, info


register(InstructionSet("T32", 1, fetch, decode))
