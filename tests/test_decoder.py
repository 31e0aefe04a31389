"""The encoding-table machinery (DESIGN.md section 5: one row per encoding, explicit overlaps)."""

from __future__ import annotations

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
