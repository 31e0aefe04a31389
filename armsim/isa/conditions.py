"""Condition codes (DDI 0406C A8.3, "Conditional execution").

``ConditionHolds`` is written as the manual factors it: switch on cond<3:1>,
invert on cond<0> (except for 1111).  ``COND_PASSED[cond]`` tabulates it over
the 16 NZCV states (NZCV packed N=8, Z=4, C=2, V=1) so a decoded instruction
checks its condition with one index.
"""

from __future__ import annotations

from typing import Tuple

COND_NAMES = ("eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "", "")


def ConditionHolds(cond: int, nzcv: int) -> bool:
    """A8.3.1 (ConditionPassed's core) for a 4-bit cond and packed NZCV."""
    n = (nzcv >> 3) & 1
    z = (nzcv >> 2) & 1
    c = (nzcv >> 1) & 1
    v = nzcv & 1
    base = cond >> 1
    if base == 0b000:
        result = z == 1  # EQ or NE
    elif base == 0b001:
        result = c == 1  # CS or CC
    elif base == 0b010:
        result = n == 1  # MI or PL
    elif base == 0b011:
        result = v == 1  # VS or VC
    elif base == 0b100:
        result = c == 1 and z == 0  # HI or LS
    elif base == 0b101:
        result = n == v  # GE or LT
    elif base == 0b110:
        result = n == v and z == 0  # GT or LE
    else:
        result = True  # AL
    if cond & 1 and cond != 0b1111:
        result = not result
    return result


COND_PASSED: Tuple[Tuple[bool, ...], ...] = tuple(
    tuple(ConditionHolds(cond, nzcv) for nzcv in range(16)) for cond in range(16)
)
