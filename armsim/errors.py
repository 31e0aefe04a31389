"""The armsim error hierarchy: one root, specific subclasses.

Errors are for the *simulator's user* (bad input, limits, misuse).  Things the
*guest* does wrong are architectural events (Undefined, aborts) handled inside
the CPU model; they only become errors when no guest handler exists.
"""

from __future__ import annotations


class ArmsimError(Exception):
    """Root of every error armsim raises on purpose."""


class ElfLoadError(ArmsimError):
    """A file cannot be loaded as a 32-bit little-endian ARM executable."""


class ConfigError(ArmsimError):
    """An invalid machine option (CPU name, RAM layout, file-system root)."""


class BadModeError(ArmsimError):
    """A reserved CPSR.M value reached the banking table (BadMode(), B1.3.1)."""


class MemoryMapError(ArmsimError):
    """Overlapping or invalid memory regions, or host-side access to unmapped memory."""


class GuestError(ArmsimError):
    """The guest did something the simulator cannot continue from.

    Raised for example when an exception has no handler installed (its vector
    holds zero), with the address, PC and instruction named in the message.
    """

    def __init__(self, message: str, pc: int | None = None) -> None:
        super().__init__(message)
        self.pc = pc
