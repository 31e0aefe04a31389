"""The instruction-set registry: how the engine reaches A32 (and T32) without importing them.

The engine's PC key is ``addr | T | ITSTATE << 32`` (see :mod:`armsim.exec.engine`);
bit 0 (CPSR.T, A2.5.1) names the instruction set.  Each instruction set is an
:class:`InstructionSet` registered under its T value: it says how to fetch an
instruction (A3.3.1: fetches are little-endian; a Thumb instruction is one or
two halfwords, A6.1) and how to decode the fetched word into the row that
encodes it and the decode-time :class:`~armsim.isa.contract.InsnInfo`.

Instruction-set modules register themselves when imported; the registry
imports the known ones on first use (``KNOWN``), so the engine names none
of them and a new instruction set plugs in here, beside the others.
"""

from __future__ import annotations

import importlib
from typing import Callable, Dict, Optional, Tuple

from armsim.isa.contract import InsnInfo
from armsim.isa.decoder import Row

# fetch(read16, read32, addr) -> (word, size); raises the memory system's fault.
Fetch = Callable[[Callable[[int], int], Callable[[int], int], int], Tuple[int, int]]
# decode(key, word, size) -> (row or None for UNDEFINED, info)
Decode = Callable[[int, int, int], Tuple[Optional[Row], InsnInfo]]

# T bit -> module that registers that instruction set when imported.
KNOWN: Dict[int, str] = {0: "armsim.isa.a32", 1: "armsim.isa.t32"}


class InstructionSet:
    """One instruction set as the engine sees it: a name, a fetch and a decode."""

    __slots__ = ("decode", "fetch", "name", "tbit")

    def __init__(self, name: str, tbit: int, fetch: Fetch, decode: Decode) -> None:
        self.name = name
        self.tbit = tbit
        self.fetch = fetch
        self.decode = decode


_REGISTRY: Dict[int, InstructionSet] = {}


def register(iset: InstructionSet) -> None:
    """Make ``iset`` the instruction set of keys whose bit 0 is ``iset.tbit``."""
    _REGISTRY[iset.tbit] = iset


def instruction_set(key: int) -> Optional[InstructionSet]:
    """The instruction set of a PC key (bit 0 = T), or None if this build has none."""
    tbit = key & 1
    iset = _REGISTRY.get(tbit)
    if iset is None and tbit in KNOWN:
        importlib.import_module(KNOWN[tbit])
        iset = _REGISTRY.get(tbit)
    return iset


__all__ = ["KNOWN", "Decode", "Fetch", "InstructionSet", "instruction_set", "register"]
