"""Where the hypervisor's cycles go: a ledger charged per operation, by part of the exit path.

Every step of an exit is charged for the operations it performs -- one
coprocessor access (MRC/MCR/MRRC/MCRR in Hyp mode) per register the world
switch moves, one load/store per core register word saved or restored, the
exception entry and the ERET -- so a total is derived from the work done and
never typed in.  The price of each operation class comes from a
:class:`OpCosts` table (per CPU profile once the timing model prices op classes;
these defaults make the trap floor, entry + ERET, the 27 cycles Dall and Nieh
measured on a Cortex-A15, reference 10).

Parts (the ``cycles_by_part`` keys of ``armsim kvm --json``):
``exception_entry``, ``core_cp15_switch``, ``debug_save``, ``debug_restore``,
``trap_emulation``, ``return``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple

EXCEPTION_ENTRY = "exception_entry"
CORE_CP15_SWITCH = "core_cp15_switch"
DEBUG_SAVE = "debug_save"
DEBUG_RESTORE = "debug_restore"
TRAP_EMULATION = "trap_emulation"
RETURN = "return"
PARTS: Tuple[str, ...] = (EXCEPTION_ENTRY, CORE_CP15_SWITCH, DEBUG_SAVE, DEBUG_RESTORE, TRAP_EMULATION, RETURN)

# Operation classes.
OP_HYP_TRAP = "hyp_trap"  # TakeHypTrapException: the exception entry itself
OP_ERET = "eret"  # the ERET back into the guest
OP_CP_ACCESS = "cp_access"  # one MRC/MCR (or MRRC/MCRR) to CP14/CP15 in Hyp mode
OP_MEM = "mem"  # one word loaded or stored (a core register to or from the vcpu/host context)
OP_ALU = "alu"  # one data-processing instruction of the handler (decode, compare, skip)


@dataclass(frozen=True)
class OpCosts:
    """Cycles per operation class (defaults: entry + ERET = 27, the measured trap floor)."""

    hyp_trap: int = 15
    eret: int = 12
    cp_access: int = 6
    mem: int = 1
    alu: int = 1

    def of(self, op: str) -> int:
        return int(getattr(self, op))


class CycleLedger:
    """Cycles and operation counts by part of the exit path."""

    def __init__(self, costs: OpCosts = OpCosts()) -> None:
        self.costs = costs
        self.by_part: Dict[str, int] = dict.fromkeys(PARTS, 0)
        self.ops: Dict[Tuple[str, str], int] = {}
        self._price = {op: costs.of(op) for op in (OP_HYP_TRAP, OP_ERET, OP_CP_ACCESS, OP_MEM, OP_ALU)}

    def charge(self, part: str, op: str, n: int = 1) -> int:
        """Charge ``n`` operations of class ``op`` to ``part``; the cycles charged."""
        cycles = self._price[op] * n
        self.by_part[part] = self.by_part.get(part, 0) + cycles
        key = (part, op)
        self.ops[key] = self.ops.get(key, 0) + n
        return cycles

    @property
    def total(self) -> int:
        return sum(self.by_part.values())
