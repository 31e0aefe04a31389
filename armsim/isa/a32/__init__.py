"""The A32 (ARM) instruction set: encoding rows per instruction class (DDI 0406C A5).

Each submodule lists the rows of one class of A5 ("ROWS": conditional space,
cond != 1111; "UNCOND_ROWS": the unconditional space of A5.7).  The two tables
are compiled here at import; their overlap check is a test (tests/test_decoder.py),
not paid at every start.  A word that no row
matches is UNDEFINED.  The module registers the A32 instruction set (T = 0)
in :mod:`armsim.isa.registry`, through which the engine reaches it.
"""

from __future__ import annotations

from typing import Callable, List, Optional, Tuple

from armsim.isa.a32 import branch, coproc, dp, ldst, media, mul, system
from armsim.isa.contract import InsnInfo
from armsim.isa.decoder import DecodeTable, Item, Row
from armsim.isa.registry import InstructionSet, register
from armsim.memory import AlignmentFault

_MODULES = (dp, mul, media, ldst, branch, system, coproc)

_COND_ITEMS: List[Item] = [item for m in _MODULES for item in m.ROWS]
_UNCOND_ITEMS: List[Item] = [item for m in _MODULES for item in m.UNCOND_ROWS]

# Buckets on bits [27:20] and [7:4], the bits A5.1-A5.7 discriminate on.
_BUCKETS = ((20, 8), (4, 4))

A32_COND = DecodeTable("A32", _COND_ITEMS, _BUCKETS, check=False)
A32_UNCOND = DecodeTable("A32 unconditional (A5.7)", _UNCOND_ITEMS, _BUCKETS, check=False)

def _attach_formats() -> None:
    from armsim.isa import disasm
    from armsim.isa.a32 import formats

    disasm.DERIVED.update(formats.EXTRA)
    A32_COND.attach_formats(formats.FORMATS)
    A32_UNCOND.attach_formats(formats.FORMATS)


_attach_formats()


def _attach_costs() -> None:
    from armsim.isa.a32 import costs

    A32_COND.attach_costs(costs.COSTS)
    A32_UNCOND.attach_costs(costs.COSTS)


_attach_costs()

_cond_buckets = A32_COND.buckets
_uncond_buckets = A32_UNCOND.buckets


def lookup(word: int) -> Optional[Row]:
    """The row that encodes ``word``, or None (UNDEFINED)."""
    if word >> 28 == 0xF:
        return A32_UNCOND.lookup(word)
    return A32_COND.lookup(word)


def all_rows() -> List[Row]:
    return A32_COND.rows() + A32_UNCOND.rows()


def fetch(read16: Callable[[int], int], read32: Callable[[int], int], addr: int) -> Tuple[int, int]:
    """An A32 instruction is one word at a word-aligned address (A3.3.1, A2.8)."""
    if addr & 3:
        raise AlignmentFault(addr, 4, False)
    return read32(addr), 4


def decode(key: int, word: int, size: int) -> Tuple[Optional[Row], InsnInfo]:
    """The row encoding ``word`` at PC key ``key`` (None: UNDEFINED) and its InsnInfo."""
    info = InsnInfo(key & 0xFFFFFFFE, False, size, word)
    row = lookup(word)  # the module attribute, looked up per call
    if row is not None:
        info.row_name = row.name
    return row, info


register(InstructionSet("A32", 0, fetch, decode))
