"""ConditionPassed over every condition and flag state (DDI 0406C A8.3, Table A8-1).

The reference below is the manual's table written out row by row in terms of the N, Z, C, V
flags, independently of armsim's cond<3:1>/cond<0> factoring (DESIGN.md section 5).
"""

from __future__ import annotations

import itertools

import pytest

from armsim.isa.conditions import COND_NAMES, COND_PASSED, ConditionHolds

# Table A8-1 Condition codes: cond -> (mnemonic, meaning as a function of the flags).
TABLE_A8_1 = {
    0b0000: ("eq", lambda n, z, c, v: z),
    0b0001: ("ne", lambda n, z, c, v: not z),
    0b0010: ("cs", lambda n, z, c, v: c),
    0b0011: ("cc", lambda n, z, c, v: not c),
    0b0100: ("mi", lambda n, z, c, v: n),
    0b0101: ("pl", lambda n, z, c, v: not n),
    0b0110: ("vs", lambda n, z, c, v: v),
    0b0111: ("vc", lambda n, z, c, v: not v),
    0b1000: ("hi", lambda n, z, c, v: c and not z),
    0b1001: ("ls", lambda n, z, c, v: (not c) or z),
    0b1010: ("ge", lambda n, z, c, v: n == v),
    0b1011: ("lt", lambda n, z, c, v: n != v),
    0b1100: ("gt", lambda n, z, c, v: (not z) and n == v),
    0b1101: ("le", lambda n, z, c, v: z or n != v),
    0b1110: ("", lambda n, z, c, v: True),  # AL
}


def _flags(nzcv: int):  # type: ignore[no-untyped-def]
    return bool(nzcv & 8), bool(nzcv & 4), bool(nzcv & 2), bool(nzcv & 1)


@pytest.mark.parametrize("cond", sorted(TABLE_A8_1))
def test_condition_passed_matches_table_a8_1(cond: int) -> None:
    """A8.3.1: all 16 NZCV states for each of the 15 conditions, table and function."""
    name, meaning = TABLE_A8_1[cond]
    for nzcv in range(16):
        expected = bool(meaning(*_flags(nzcv)))
        assert bool(ConditionHolds(cond, nzcv)) == expected, (
            f"{name or 'al'} with NZCV={nzcv:04b}: ConditionHolds says {ConditionHolds(cond, nzcv)}, "
            f"Table A8-1 says {expected}"
        )
        assert COND_PASSED[cond][nzcv] == expected, f"COND_PASSED[{name or 'al'}][{nzcv:04b}]"


def test_unconditional_1111_always_passes() -> None:
    """A8.3: cond == 1111 is the unconditional space; ConditionPassed() is TRUE for it."""
    assert all(COND_PASSED[0b1111][nzcv] for nzcv in range(16))
    assert all(ConditionHolds(0b1111, nzcv) for nzcv in range(16))


def test_odd_conditions_invert_even_ones() -> None:
    """A8.3: cond<0> == 1 inverts the test of cond<3:1> (except 111x)."""
    for base, nzcv in itertools.product(range(0, 14, 2), range(16)):
        assert COND_PASSED[base][nzcv] != COND_PASSED[base + 1][nzcv]


def test_table_shape_and_names() -> None:
    """The precomputed table covers 16 conditions x 16 flag states; mnemonics follow Table A8-1."""
    assert len(COND_PASSED) == 16 and all(len(row) == 16 for row in COND_PASSED)
    for cond, (name, _) in TABLE_A8_1.items():
        assert COND_NAMES[cond] == name


def test_ls_is_not_c_and_not_z() -> None:
    """The bug DESIGN.md section 5 recalls: LS is C == 0 or Z == 1, not C and not Z."""
    ls = 0b1001
    assert COND_PASSED[ls][0b0000]  # C=0, Z=0 -> LS holds
    assert COND_PASSED[ls][0b0110]  # C=1, Z=1 -> LS holds
    assert not COND_PASSED[ls][0b0010]  # C=1, Z=0 -> HI, not LS
