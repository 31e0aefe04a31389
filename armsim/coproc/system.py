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

from typing import Callable, Dict, Optional

from armsim.coproc.bus import CoprocessorBus
from armsim.coproc.cp14 import cp14_table, cp14_values
from armsim.coproc.cp15 import cp15_table
from armsim.coproc.regfile import RegisterFile
from armsim.cpu.state import CPUState
from armsim.timing.pmu import PMU
from armsim.timing.profiles import CpuProfile


class SystemCoprocessors:
    """CP14 and CP15 of one core, attached to ``bus``; ``flush`` drops decoded ops after a table change.

    ``pmu``: the Performance Monitors the CP15 PMU rows reach (the machine's, over its timing model;
    default one without a timing model)."""

    def __init__(self, profile: CpuProfile, bus: CoprocessorBus, flush: Callable[[], None],
                 pmu: Optional[PMU] = None) -> None:
        self.profile = profile
        self.pmu = pmu if pmu is not None else PMU(profile)
        self.cp14_values: Dict[str, int] = cp14_values(profile)
        self.cp15 = RegisterFile(15, cp15_table(profile, self.pmu), on_change=flush)
        self.cp14 = RegisterFile(14, cp14_table(profile, self.cp14_values), on_change=flush)
        bus.attach(15, self.cp15)
        bus.attach(14, self.cp14)

    def reset(self, cpu: CPUState) -> None:
        """After ``cpu.reset()`` (which resets the store): VPIDR/VMPIDR = the physical IDs (B4.1.158/159),
        the CP14 storage to its reset values, the PMU's registers and counters (C12; HDCR.HPMN = PMCR.N)."""
        sr = cpu.sys
        self.pmu.reset(cpu)
        sr.VPIDR = self.profile.midr
        sr.VMPIDR = self.profile.ids.get("MPIDR", 0x80000000)
        self.cp14_values.clear()
        self.cp14_values.update(cp14_values(self.profile))
