"""Program Status Register layout (DDI 0406C B1.3.3, Figure B1-3)."""

from __future__ import annotations

from armsim.layout import Layout

PSR = Layout(
    "PSR",
    {
        "N": (31, 31),
        "Z": (30, 30),
        "C": (29, 29),
        "V": (28, 28),
        "Q": (27, 27),
        "IT_1_0": (26, 25),
        "J": (24, 24),
        "GE": (19, 16),
        "IT_7_2": (15, 10),
        "E": (9, 9),
        "A": (8, 8),
        "I": (7, 7),
        "F": (6, 6),
        "T": (5, 5),
        "M": (4, 0),
    },
)

# Bits 23:20 are reserved (RAZ/SBZP in v7).
PSR_RESERVED_MASK = 0x00F00000

NZCV_SHIFT = 28


def psr_it(value: int) -> int:
    """ITSTATE<7:0> from a PSR value (IT[7:2] at 15:10, IT[1:0] at 26:25)."""
    return (((value >> 10) & 0x3F) << 2) | ((value >> 25) & 3)


def ITAdvance(itstate: int) -> int:
    """A2.5.2 ITAdvance(): shift IT<4:0> left, or leave the IT block after its last instruction."""
    if itstate & 0x7 == 0:
        return 0
    return (itstate & 0xE0) | ((itstate << 1) & 0x1F)


def it_bits(it: int) -> int:
    """The PSR bits holding ITSTATE ``it``."""
    return ((it >> 2) << 10) | ((it & 3) << 25)
