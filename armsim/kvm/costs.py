"""Where the hypervisor's cycles go: work charged to the machine's timing model, by part of the exit path.

Every step of an exit charges the work it performs -- one coprocessor access
(an MRC/MCR/MRRC/MCRR in Hyp mode on the simulated bus) per register the world
switch moves, one load or store per core register word saved or restored, the
handler's decode and compare steps, the ERET -- to the machine's
:class:`~armsim.timing.model.Timing` with :meth:`~armsim.timing.model.Timing.charge_work`,
at the CPU profile's price of that work.  Totals are therefore derived from
the work done and never typed in.  The exception entry itself is charged by
the timing model when the CPU takes it (one ``exception_entry`` per exception
taken); the ledger records its price per exit under ``exception_entry``.

Parts (the ``cycles_by_part`` keys of ``armsim kvm --json``; the timing
breakdown's categories are ``kvm.<part>``):
``exception_entry``, ``core_cp15_switch``, ``debug_save``, ``debug_restore``,
``trap_emulation``, ``return``.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

from armsim.timing.model import Timing
from armsim.timing.profiles import DEFAULT_CPU, get_profile

EXCEPTION_ENTRY = "exception_entry"
CORE_CP15_SWITCH = "core_cp15_switch"
DEBUG_SAVE = "debug_save"
DEBUG_RESTORE = "debug_restore"
TRAP_EMULATION = "trap_emulation"
RETURN = "return"
PARTS: Tuple[str, ...] = (EXCEPTION_ENTRY, CORE_CP15_SWITCH, DEBUG_SAVE, DEBUG_RESTORE, TRAP_EMULATION, RETURN)
CATEGORY_PREFIX = "kvm."

# Work (armsim.timing.model.WORK names).
W_ENTRY = "exception_entry"  # the exception entry to Hyp mode (charged by the CPU's timing model)
W_ERET = "exception_return"  # the ERET back into the guest
W_CP_READ = "coproc_read"  # one MRC/MRRC to CP14/CP15 in Hyp mode
W_CP_WRITE = "coproc_write"  # one MCR/MCRR
W_LOAD = "load"  # one word loaded (a core register from the vcpu/host context)
W_STORE = "store"  # one word stored
W_ALU = "alu"  # one data-processing step of the handler (decode, compare, skip)


class CycleLedger:
    """Charges work to a :class:`Timing` by part; ``by_part`` (cycles) and ``ops`` (counts) per part.

    Without a timing model (unit tests of the tables and policies) a private one at
    level ``fast`` for ``cpu`` prices the work.
    """

    def __init__(self, timing: Optional[Timing] = None, cpu: str = DEFAULT_CPU) -> None:
        self.timing = timing if timing is not None else Timing(get_profile(cpu), "fast")
        self.by_part: Dict[str, int] = dict.fromkeys(PARTS, 0)
        self.ops: Dict[Tuple[str, str], int] = {}

    def _count(self, part: str, work: str, n: int, cycles: int) -> int:
        self.by_part[part] = self.by_part.get(part, 0) + cycles
        key = (part, work)
        self.ops[key] = self.ops.get(key, 0) + n
        return cycles

    def charge(self, part: str, work: str, n: int = 1) -> int:
        """Charge ``n`` units of ``work`` to ``part`` on the timing model; the cycles charged."""
        cycles = self.timing.charge_work(work, n, CATEGORY_PREFIX + part)
        return self._count(part, work, n, cycles)

    def record(self, part: str, work: str, n: int = 1) -> int:
        """Account work the timing model has charged already (the CPU's exception entry)."""
        cycles = 0 if self.timing.level == "off" else self.timing.price(work) * n
        return self._count(part, work, n, cycles)

    def count(self, part: str, *works: str) -> int:
        """How many units of ``works`` were charged to ``part``."""
        return sum(n for (p, w), n in self.ops.items() if p == part and w in works)

    @property
    def total(self) -> int:
        return sum(self.by_part.values())
