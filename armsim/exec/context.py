"""Transition name only: the op contract lives in :mod:`armsim.isa.contract`.

Kept so code written against the old location keeps importing while it moves;
nothing under ``armsim/isa`` may import this module (tests/test_layering.py).
"""

from armsim.isa.contract import (
    ExecContext,
    GuestExit,
    GuestHalt,
    InsnInfo,
    Op,
    SemihostingCall,
    Undefined,
    Unpredictable,
    handles,
)

__all__ = [
    "ExecContext",
    "GuestExit",
    "GuestHalt",
    "InsnInfo",
    "Op",
    "SemihostingCall",
    "Undefined",
    "Unpredictable",
    "handles",
]
