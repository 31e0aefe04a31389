"""The encoding-table machinery (DESIGN.md section 5: one row per encoding, explicit overlaps)."""

from __future__ import annotations

import random
from typing import List, Optional

import pytest

from armsim.isa.decoder import DecodeTable, DecodeTableError, Group, Row


def _b(*a, **k):  # type: ignore[no-untyped-def]
    raise AssertionError


BUCKETS = ((20, 8), (4, 4))


def test_pattern_fields_and_mask() -> None:
    r = Row("ADD (immediate)", "cond:4 0010100 S:1 Rn:4 Rd:4 imm12:12", _b)
    assert r.mask == 0x0FE00000 and r.value == 0x02800000
    assert r.extract(0xE2912005) == {"cond": 0xE, "S": 1, "Rn": 1, "Rd": 2, "imm12": 5}


def test_should_be_bits_are_dont_care() -> None:
    r = Row("CLZ", "cond:4 00010110 (1)(1)(1)(1) Rd:4 (1)(1)(1)(1) 0001 Rm:4", _b)
    assert r.matches(0xE16F0F11) and r.matches(0xE1600011)


def test_bad_pattern_width() -> None:
    with pytest.raises(DecodeTableError, match="31 bits"):
        Row("short", "cond:4 001 imm24:24", _b)


def test_undeclared_overlap_names_both_rows() -> None:
    a = Row("A", "cond:4 0011 x:24", _b)
    b = Row("B", "cond:4 001 y:25", _b)
    with pytest.raises(DecodeTableError, match="'A' and 'B' overlap"):
        DecodeTable("t", [a, b], BUCKETS)


def test_group_orders_overlaps() -> None:
    bfc = Row("BFC", "cond:4 0111110 msb:5 Rd:4 lsb:5 001 1111", _b)
    bfi = Row("BFI", "cond:4 0111110 msb:5 Rd:4 lsb:5 001 Rn:4", _b)
    t = DecodeTable("t", [Group(bfc, bfi)], BUCKETS)
    assert t.lookup(0xE7DF001F) is bfc
    assert t.lookup(0xE7DF0011) is bfi
    assert t.lookup(0xE0800001) is None


def test_unchecked_table_is_checked_on_demand() -> None:
    """``check=False`` skips the build-time check; check_overlaps() still finds the overlap."""
    a = Row("A", "cond:4 0011 x:24", _b)
    b = Row("B", "cond:4 001 y:25", _b)
    t = DecodeTable("t", [a, b], BUCKETS, check=False)
    with pytest.raises(DecodeTableError, match="'A' and 'B' overlap"):
        t.check_overlaps()


def _bundled_tables() -> List[DecodeTable]:
    from armsim.isa import a32, t32

    return [a32.A32_COND, a32.A32_UNCOND, *t32.tables()]


def test_bundled_tables_declare_every_overlap() -> None:
    """The A32 (A5) and T32 (A6) tables: rows that overlap sit in one ordered Group.

    The tables are built without the check (start-up time); this is where it runs."""
    tables = _bundled_tables()
    assert [t.name for t in tables] == ["A32", "A32 unconditional (A5.7)", "T16", "T32"]
    for t in tables:
        t.check_overlaps()


def _linear(table: DecodeTable, word: int) -> Optional[Row]:
    for item in table.items:
        if isinstance(item, Group):
            r = item.match(word)
            if r is not None:
                return r
        elif item.matches(word):
            return item
    return None


def test_buckets_agree_with_a_linear_scan() -> None:
    """The bucketed lookup finds the row a first-match scan of the whole table finds."""
    rng = random.Random(13)
    for t in _bundled_tables():
        width = t.items[0].rows[0].width if isinstance(t.items[0], Group) else t.items[0].width
        words = [rng.getrandbits(width) for _ in range(6000)]
        # And words built from each row's fixed bits (random elsewhere), so every row is hit.
        for r in t.rows():
            words.append(r.value | (rng.getrandbits(width) & ~r.mask & ((1 << width) - 1)))
        for w in words:
            assert t.lookup(w) is _linear(t, w), (t.name, hex(w))
