"""armsim: an ARMv7-A instruction-set simulator.

The public API::

    from armsim import Machine
    m = Machine(cpu="cortex-a15")
    m.load_elf("examples/guests/hello.elf")
    result = m.run(max_instructions=10_000_000)
"""

from __future__ import annotations

__version__ = "0.1.0"

from armsim.errors import (
    ArmsimError,
    BadModeError,
    ConfigError,
    ElfLoadError,
    GuestError,
    MemoryMapError,
)
from armsim.loader.elf import ElfImage, read_elf
from armsim.machine import Machine, RunResult, TraceRecord
from armsim.stop import RunInterrupted, Stop, StopKind, StopReason
from armsim.timing.profiles import CpuProfile, get_profile

__all__ = [
    "ArmsimError",
    "BadModeError",
    "ConfigError",
    "CpuProfile",
    "ElfImage",
    "ElfLoadError",
    "GuestError",
    "Machine",
    "MemoryMapError",
    "RunInterrupted",
    "RunResult",
    "Stop",
    "StopKind",
    "StopReason",
    "TraceRecord",
    "__version__",
    "get_profile",
    "read_elf",
]
