"""The system coprocessors of one core: CP15 and CP14 register files on the bus (DDI 0406C B3.17, C6.4).

:class:`SystemCoprocessors` builds the CP15 table (:mod:`armsim.coproc.cp15`)
and the baseline CP14 table (:mod:`armsim.coproc.cp14`) for a CPU profile and
attaches both to a :class:`~armsim.coproc.bus.CoprocessorBus`.  Other layers
hang on it without editing the bus:

* ``cp14.add_provider(obj)`` / ``cp15.add_provider(obj)``: an object that owns
  some encodings (the debug register file, a hypervisor's emulation): its
  ``find(acc)`` names the accesses it answers, ``check`` decides UNDEFINED
  (encoding, direction, privilege), ``trap_class(acc)`` the HDCR class;
  the bus then applies the Hyp traps (reference 4.1) itself;
* ``cp14.add_table(RegisterTable(...))`` / ``cp15.add_table(...)``: rows that
  win over the built-in ones (a CPU's own table).
"""

from __future__ import annotations

from typing import Callable, Dict

from armsim.coproc.bus import CoprocessorBus
from armsim.coproc.cp14 import cp14_table, cp14_values
from armsim.coproc.cp15 import cp15_table
from armsim.coproc.regfile import RegisterFile
from armsim.cpu.state import CPUState
from armsim.timing.profiles import CpuProfile


class SystemCoprocessors:
    """CP14 and CP15 of one core, attached to ``bus``; ``flush`` drops decoded ops after a table change."""

    def __init__(self, profile: CpuProfile, bus: CoprocessorBus, flush: Callable[[], None]) -> None:
        self.profile = profile
        self.cp14_values: Dict[str, int] = cp14_values(profile)
        self.cp15 = RegisterFile(15, cp15_table(profile), on_change=flush)
        self.cp14 = RegisterFile(14, cp14_table(profile, self.cp14_values), on_change=flush)
        bus.attach(15, self.cp15)
        bus.attach(14, self.cp14)

    def reset(self, cpu: CPUState) -> None:
        """After ``cpu.reset()`` (which resets the store): VPIDR/VMPIDR = the physical IDs (B4.1.158/159),
        the CP14 storage to its reset values."""
        sr = cpu.sys
        sr.VPIDR = self.profile.midr
        sr.VMPIDR = self.profile.ids.get("MPIDR", 0x80000000)
        self.cp14_values.clear()
        self.cp14_values.update(cp14_values(self.profile))
