"""Declarative encoding rows compiled into a bucketed dispatcher (DESIGN.md section 5).

A :class:`Row` is written as the manual draws the encoding::

    Row("ADD (immediate)", "cond:4 0010100 S:1 Rn:4 Rd:4 imm12:12", a32_add_imm)

``0``/``1`` are fixed bits, ``(0)``/``(1)`` are should-be bits (matched as
don't-care, as the manual's "SBZ/SBO"), ``x`` is a don't-care bit and
``Name:width`` a field handed to the row's builder by name.

Rows whose patterns overlap must sit in one :class:`Group`, where the first
matching row wins; any other overlap is an error naming both rows and a word
both match.  A table checks that when it is built, unless built with
``check=False`` (the A32 and T32 tables, to keep start-up short): their check
is a test (tests/test_decoder.py) that calls :meth:`DecodeTable.check_overlaps`.
A table compiles into buckets keyed on instruction bits [27:20] and [7:4]
(A32) or chosen bits (T32), each holding only the items that can match a word
of that bucket.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

_FIELD_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(\d+)$")


class DecodeTableError(Exception):
    """A malformed pattern or an undeclared overlap in an encoding table."""


class Row:
    """One encoding: a bit pattern, its fields, and the builder of its operation."""

    def __init__(
        self,
        name: str,
        pattern: str,
        builder: Callable[..., Any],
        *,
        width: int = 32,
        note: str = "",
    ) -> None:
        self.name = name
        self.pattern = pattern
        self.builder = builder
        self.note = note
        # The format column (armsim.isa.disasm): a template or a function of the fields.
        self.fmt: Any = None
        # The cost column (armsim.timing.costs.RowCost): the class a CPU profile prices.
        self.cost: Any = None
        self.width = width
        mask = 0
        value = 0
        fields: List[Tuple[str, int, int]] = []
        pos = width
        for tok in pattern.split():
            m = _FIELD_RE.match(tok)
            if m:
                w = int(m.group(2))
                pos -= w
                fields.append((m.group(1), pos, (1 << w) - 1))
                continue
            # A run of fixed / should-be / don't-care bits.
            for bit in re.findall(r"\(0\)|\(1\)|0|1|x", tok):
                pos -= 1
                if bit in ("0", "1"):
                    mask |= 1 << pos
                    value |= int(bit) << pos
            if "".join(re.findall(r"\(0\)|\(1\)|0|1|x", tok)) != tok:
                raise DecodeTableError(f"row {name!r}: bad token {tok!r}")
        if pos != 0:
            raise DecodeTableError(f"row {name!r}: pattern has {width - pos} bits, not {width}")
        self.mask = mask
        self.value = value
        self.fields: Tuple[Tuple[str, int, int], ...] = tuple(fields)

    def matches(self, word: int) -> bool:
        return (word & self.mask) == self.value

    def extract(self, word: int) -> Dict[str, int]:
        return {name: (word >> lo) & m for name, lo, m in self.fields}

    def __repr__(self) -> str:
        return f"<Row {self.name}: {self.pattern}>"


class Group:
    """Rows that may overlap; the first that matches wins (like decodetree's ``{ }``)."""

    def __init__(self, *rows: Row) -> None:
        self.rows = rows
        mask = ~0
        # The group can match wherever any of its rows can: its own fixed bits are
        # those fixed, and equal, in every row.
        for r in rows:
            mask &= r.mask
        first = rows[0]
        for r in rows:
            mask &= ~(r.value ^ first.value)
        self.mask = mask & ((1 << first.width) - 1)
        self.value = first.value & self.mask
        self.name = " | ".join(r.name for r in rows)

    def match(self, word: int) -> Optional[Row]:
        for r in self.rows:
            if (word & r.mask) == r.value:
                return r
        return None


Item = Union[Row, Group]


def _rows_of(item: Item) -> Sequence[Row]:
    return item.rows if isinstance(item, Group) else (item,)


def _overlap(a: Row, b: Row) -> Optional[int]:
    """A word matched by both rows, or None."""
    common = a.mask & b.mask
    if (a.value ^ b.value) & common:
        return None
    return a.value | b.value


class DecodeTable:
    """A compiled table: ``lookup(word)`` returns the matching Row or None."""

    def __init__(self, name: str, items: Sequence[Item], bucket_bits: Sequence[Tuple[int, int]],
                 *, check: bool = True) -> None:
        self.name = name
        self.items = list(items)
        self.bucket_bits = tuple(bucket_bits)  # (lo, width) slices forming the key
        if check:
            self.check_overlaps()
        self._build_buckets()

    def check_overlaps(self) -> None:
        """Raise DecodeTableError naming two rows of different items that match one word."""
        items = self.items
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                for ra in _rows_of(a):
                    for rb in _rows_of(b):
                        w = _overlap(ra, rb)
                        if w is not None:
                            raise DecodeTableError(
                                f"{self.name}: rows {ra.name!r} and {rb.name!r} overlap "
                                f"(both match {w:#010x}); put them in one ordered Group"
                            )

    def key_of(self, word: int) -> int:
        key = 0
        for lo, width in self.bucket_bits:
            key = (key << width) | ((word >> lo) & ((1 << width) - 1))
        return key

    def _build_buckets(self) -> None:
        # Each row fixes some of the key's bits; it belongs to every bucket whose key
        # agrees with those, found by enumerating the key bits the row leaves free
        # (the submasks of ``free``), not by testing every row against every bucket.
        total = sum(w for _, w in self.bucket_bits)
        full = (1 << total) - 1
        key_of = self.key_of
        buckets: List[List[Item]] = [[] for _ in range(1 << total)]
        for item in self.items:
            keys = set()
            for r in _rows_of(item):
                kmask = key_of(r.mask)
                kval = key_of(r.value) & kmask
                free = full & ~kmask
                sub = free
                while True:
                    keys.add(kval | sub)
                    if not sub:
                        break
                    sub = (sub - 1) & free
            for key in keys:
                buckets[key].append(item)
        self.buckets: List[Tuple[Item, ...]] = [tuple(b) for b in buckets]

    def lookup(self, word: int) -> Optional[Row]:
        for item in self.buckets[self.key_of(word)]:
            if isinstance(item, Group):
                r = item.match(word)
                if r is not None:
                    return r
            elif (word & item.mask) == item.value:
                return item
        return None

    def rows(self) -> List[Row]:
        out: List[Row] = []
        for item in self.items:
            out.extend(_rows_of(item))
        return out

    def attach_formats(self, formats: Dict[str, Any]) -> None:
        """Give every row its format column (by row name); a row without one is an error."""
        from armsim.isa.disasm import check_format

        for r in self.rows():
            fmt = formats.get(r.name)
            if fmt is None:
                raise DecodeTableError(f"{self.name}: row {r.name!r} has no disassembly format")
            check_format(r.name, fmt, [name for name, _, _ in r.fields], {})
            r.fmt = fmt

    def attach_costs(self, costs: Dict[str, Any]) -> None:
        """Give every row its cost column (by row name); a row without one is an error."""
        for r in self.rows():
            cost = costs.get(r.name)
            if cost is None:
                raise DecodeTableError(f"{self.name}: row {r.name!r} has no cost class")
            r.cost = cost
