"""Processor modes and register banking (DDI 0406C B1.3.1, B1.3.2, Table B1-1, B9.2.1).

Banking is a lookup: ``PHYS_INDEX[mode][r]`` gives the physical register slot
that architectural register ``r`` (0-14) names in ``mode``.  SP_hyp and ELR_hyp
exist, LR_hyp does not (Hyp mode uses LR_usr).
"""

from __future__ import annotations

import enum
from typing import Dict, List, Tuple

from armsim.errors import BadModeError


class Mode(enum.IntEnum):
    """CPSR.M encodings (Table B1-1)."""

    USR = 0x10
    FIQ = 0x11
    IRQ = 0x12
    SVC = 0x13
    MON = 0x16
    ABT = 0x17
    HYP = 0x1A
    UND = 0x1B
    SYS = 0x1F


VALID_MODES = frozenset(int(m) for m in Mode)

# Modes with an SPSR (all exception modes; not User or System).
MODES_WITH_SPSR = frozenset(int(m) for m in (Mode.FIQ, Mode.IRQ, Mode.SVC, Mode.MON, Mode.ABT, Mode.HYP, Mode.UND))


def BadMode(mode: int) -> bool:
    """B1.3.1 BadMode(): true for reserved mode encodings."""
    return mode not in VALID_MODES


def check_mode(mode: int) -> Mode:
    """Return the Mode or raise :class:`BadModeError` naming the value."""
    if mode not in VALID_MODES:
        raise BadModeError(f"reserved CPSR.M value {mode:#04x} (BadMode, B1.3.1)")
    return Mode(mode)


# Physical register slots.  R0-R7 and PC are never banked and are not listed.
_PHYS_NAMES: List[str] = [
    "R8_usr", "R9_usr", "R10_usr", "R11_usr", "R12_usr", "SP_usr", "LR_usr",
    "R8_fiq", "R9_fiq", "R10_fiq", "R11_fiq", "R12_fiq", "SP_fiq", "LR_fiq",
    "SP_irq", "LR_irq",
    "SP_svc", "LR_svc",
    "SP_abt", "LR_abt",
    "SP_und", "LR_und",
    "SP_mon", "LR_mon",
    "SP_hyp", "ELR_hyp",
]
PHYS_NAMES: Tuple[str, ...] = tuple(_PHYS_NAMES)
PHYS_SLOT: Dict[str, int] = {n: i for i, n in enumerate(PHYS_NAMES)}
N_PHYS = len(PHYS_NAMES)

_MODE_SUFFIX = {
    Mode.USR: "usr", Mode.SYS: "usr", Mode.FIQ: "fiq", Mode.IRQ: "irq", Mode.SVC: "svc",
    Mode.ABT: "abt", Mode.UND: "und", Mode.MON: "mon", Mode.HYP: "hyp",
}


def _build_index() -> Dict[int, Tuple[int, ...]]:
    table: Dict[int, Tuple[int, ...]] = {}
    for mode, sfx in _MODE_SUFFIX.items():
        slots = []
        for r in range(8, 15):
            base = {13: "SP", 14: "LR"}.get(r, f"R{r}")
            if r <= 12:
                name = f"{base}_fiq" if mode == Mode.FIQ else f"{base}_usr"
            elif r == 13:
                name = f"SP_{sfx}"
            else:  # R14: Hyp mode has no banked LR (B1.3.2)
                name = "LR_usr" if mode in (Mode.HYP, Mode.USR, Mode.SYS) else f"LR_{sfx}"
            slots.append(PHYS_SLOT[name])
        table[int(mode)] = tuple(slots)
    return table


# PHYS_INDEX[mode] -> slots for R8..R14 (index r - 8).
PHYS_INDEX: Dict[int, Tuple[int, ...]] = _build_index()


def phys_slot(mode: int, r: int) -> int:
    """Physical slot of R8-R14 in ``mode`` (banking lookup)."""
    check_mode(mode)
    if not 8 <= r <= 14:
        raise ValueError(f"R{r} is not banked")
    return PHYS_INDEX[mode][r - 8]
