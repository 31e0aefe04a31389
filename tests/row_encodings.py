"""Encodings drawn from the decoder's own rows, without unicorn (for the disassembly tests).

A row's pattern is the manual's encoding diagram (DDI 0406C A5, A6): fixed bits are kept,
should-be bits get their should-be values (A5.1 / A6.1: other values are UNPREDICTABLE),
don't-care bits and fields get values that are random or, one time in three, an edge of the
field (zero, one, all ones, the top bit alone, all ones but the lowest bit).  A word is
*accepted* when the decoder finds that same row for it and the row's builder takes it (it
raises :class:`~armsim.isa.contract.Undefined` for the encodings the manual calls
UNDEFINED or UNPREDICTABLE and armsim treats as UNDEFINED).
"""

from __future__ import annotations

import random
import re
from typing import Dict, List, Optional

from armsim.isa import a32, t32
from armsim.isa.contract import Undefined
from armsim.isa.decoder import Row

_TOKEN = re.compile(r"\(0\)|\(1\)|0|1|x")
_FIELD = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(\d+)$")
CODE = 0x1000  # the address the builders are asked about


_EDGES = 5


def field_value(width: int, rnd: random.Random, edge: Optional[int] = None) -> int:
    """A field value: edge number ``edge`` of the field, else random or (one time in three) an edge."""
    top = (1 << width) - 1
    if edge is None and rnd.randrange(3) == 0:
        edge = rnd.randrange(_EDGES)
    if edge is not None:
        return (0, 1, top, 1 << (width - 1), top & ~1)[edge] & top
    return rnd.getrandbits(width)


def encode(row: Row, fields: Dict[str, int], rnd: random.Random, edges: bool = True) -> int:
    """The word of ``row`` with ``fields`` (missing fields drawn), should-be bits as the manual says.

    With ``edges``, one word in four has every drawn field at the same edge (all zero, all ones, ...),
    the combinations single edges rarely reach (a zero offset split over imm4H:imm4L).
    """
    edge = rnd.randrange(_EDGES) if edges and rnd.randrange(4) == 0 else None
    word = 0
    for tok in row.pattern.split():
        m = _FIELD.match(tok)
        if m:
            w = int(m.group(2))
            v = fields.get(m.group(1))
            if v is None:
                v = field_value(w, rnd, edge) if edges else rnd.getrandbits(w)
            word = (word << w) | (v & ((1 << w) - 1))
            continue
        for bit in _TOKEN.findall(tok):
            b = rnd.getrandbits(1) if bit == "x" else int(bit.strip("()"))
            word = (word << 1) | b
    return word


_CTX: List[object] = []


def _ctx() -> object:
    if not _CTX:
        from tests.helpers import TestMachine

        _CTX.append(TestMachine(ram_size=0x10000).ctx)
    return _CTX[0]


def accepted(row: Row, word: int, thumb: bool, it: int = 0) -> bool:
    """``word`` decodes to ``row`` (in Thumb state with ITSTATE ``it``) and the row's builder takes it."""
    size = row.width // 8
    found: Optional[Row]
    if thumb:
        found = t32.lookup(word, size)
        info = t32.insn_info(CODE | 1 | (it << 32), size, word)
    else:
        found, info = a32.decode(CODE, word, 4)
    if found is not row:
        return False
    fields = row.extract(word)
    info.cond = fields.pop("cond", info.cond)
    try:
        row.builder(_ctx(), info, **fields)
    except Undefined:
        return False
    return True
