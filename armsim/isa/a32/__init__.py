"""The A32 (ARM) instruction set: encoding rows per instruction class (DDI 0406C A5).

Each submodule lists the rows of one class of A5 ("ROWS": conditional space,
cond != 1111; "UNCOND_ROWS": the unconditional space of A5.7).  The two tables
are compiled here, with the overlap check, at import.  A word that no row
matches is UNDEFINED.
"""

from __future__ import annotations

from typing import List, Optional

from armsim.isa.a32 import branch, coproc, dp, ldst, media, mul, system
from armsim.isa.decoder import DecodeTable, Item, Row

_MODULES = (dp, mul, media, ldst, branch, system, coproc)

_COND_ITEMS: List[Item] = [item for m in _MODULES for item in m.ROWS]
_UNCOND_ITEMS: List[Item] = [item for m in _MODULES for item in m.UNCOND_ROWS]

# Buckets on bits [27:20] and [7:4], the bits A5.1-A5.7 discriminate on.
_BUCKETS = ((20, 8), (4, 4))

A32_COND = DecodeTable("A32", _COND_ITEMS, _BUCKETS)
A32_UNCOND = DecodeTable("A32 unconditional (A5.7)", _UNCOND_ITEMS, _BUCKETS)

def _attach_formats() -> None:
    from armsim.isa import disasm
    from armsim.isa.a32 import formats

    disasm.DERIVED.update(formats.EXTRA)
    A32_COND.attach_formats(formats.FORMATS)
    A32_UNCOND.attach_formats(formats.FORMATS)


_attach_formats()

_cond_buckets = A32_COND.buckets
_uncond_buckets = A32_UNCOND.buckets


def lookup(word: int) -> Optional[Row]:
    """The row that encodes ``word``, or None (UNDEFINED)."""
    if word >> 28 == 0xF:
        return A32_UNCOND.lookup(word)
    return A32_COND.lookup(word)


def all_rows() -> List[Row]:
    return A32_COND.rows() + A32_UNCOND.rows()
