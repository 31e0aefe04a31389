"""The op contract: what a decoded operation may touch, and what it returns.

Builders (the functions named by encoding rows) receive an :class:`ExecContext`
and an :class:`InsnInfo` and return an *op*: a zero-argument callable that
performs the instruction and returns the PC key of the next instruction
(address | T | ITSTATE << 32, see the engine).  Builders copy what they need from
the context into closure variables, so the op itself does no attribute lookups
on the hot path.

A builder declares the rules it applies itself with :func:`handles` (it bakes
the PC-as-operand value in, or checks the condition inline); ``build_op``
applies the others.  Nothing is written back into :class:`InsnInfo`.

This module belongs to ``isa/``: the engine (``exec/``) imports it, never the
reverse.
"""

from __future__ import annotations

from types import FunctionType
from typing import TYPE_CHECKING, Callable, List, Optional

from armsim.signals import GuestExit, GuestHalt, SemihostingCall

if TYPE_CHECKING:
    from armsim.coproc.bus import CoprocessorBus
    from armsim.cpu.exceptions import ExceptionModel
    from armsim.cpu.state import CPUState
    from armsim.debug.events import DebugUnit
    from armsim.memory import Memory

Op = Callable[[], int]

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
    "handles_cond",
    "handles_pc",
]


class Undefined(Exception):
    """Raised by a builder: the encoding is UNDEFINED (the op takes the Undefined exception)."""


class Unpredictable(Undefined):
    """Raised by a builder for an UNPREDICTABLE encoding; armsim chooses UNDEFINED.

    The message names the manual section, e.g. ``"A8.8.4: d == 15 with S"``.
    """


class InsnInfo:
    """Decode-time facts about one instruction."""

    __slots__ = ("addr", "cond", "key", "nxt", "pcv", "row_name", "size", "thumb", "word")

    def __init__(
        self, addr: int, thumb: bool, size: int, word: int, row_name: str = "", key: Optional[int] = None
    ) -> None:
        self.addr = addr
        self.thumb = thumb
        # The engine's PC key (address | T | ITSTATE << 32); the plain address | T by default.
        self.key = (addr | 1 if thumb else addr) if key is None else key
        self.size = size
        self.nxt = (addr + size) & 0xFFFFFFFF | (1 if thumb else 0)
        # The value of the PC as an operand (A2.3): +8 in ARM state, +4 in Thumb state.
        self.pcv = (addr + (4 if thumb else 8)) & 0xFFFFFFFF
        self.word = word
        # The instruction's condition (14 = AL).  A builder that checks it inline
        # in its op (one call less per execution) declares so with handles(cond=True);
        # otherwise build_op wraps the op in ConditionPassed().
        self.cond = 14
        self.row_name = row_name


def handles(op: Op, *, pc: bool = False, cond: bool = False) -> Op:
    """Declare what ``op`` does itself, so build_op does not wrap it; returns ``op``.

    ``pc``: the op bakes the PC-as-operand value in (A2.3) or names no PC
    operand, so regs[15] need not be materialised.  ``cond``: the op checks
    ``info.cond`` inline (ConditionPassed, A8.3.1).  The marks are read once,
    at build time.
    """
    if not (pc or cond):
        return op
    if not isinstance(op, FunctionType):  # a bound method or builtin: a function can carry marks
        inner = op

        def op() -> int:
            return inner()

    if pc:
        setattr(op, "handles_pc", True)  # noqa: B010 - a mark, read with getattr
    if cond:
        setattr(op, "handles_cond", True)  # noqa: B010
    return op


def handles_pc(op: Op) -> bool:
    return bool(getattr(op, "handles_pc", False))


def handles_cond(op: Op) -> bool:
    return bool(getattr(op, "handles_cond", False))


class ExecContext:
    """The machine as decoded operations see it."""

    def __init__(self, cpu: CPUState, mem: Memory, exc: ExceptionModel, bus: CoprocessorBus) -> None:
        self.cpu = cpu
        self.regs: List[int] = cpu.regs
        self.flags: List[int] = cpu.flags
        self.mem = mem
        self.exc = exc
        self.bus = bus
        self.monitor = mem.monitor
        # Semihosting entry, called by the engine when an op raises SemihostingCall:
        # operation in r0, argument in r1, result to r0.  None = semihosting disabled
        # (the trapping instructions then behave architecturally).
        self.semihost: Optional[Callable[[], None]] = None
        # Flush every decoded op (state baked into ops changed).
        self.flush: Callable[[], None] = lambda: None
        # The debug unit (breakpoints, watchpoints), or None: consulted only at decode
        # time and in refresh(), so a disarmed unit costs nothing per instruction.
        self.debug: Optional[DebugUnit] = None
        self.refresh()

    def refresh(self) -> None:
        """Re-read state that builders bake into ops (CPSR.E, SCTLR.A, armed watchpoints)."""
        cpu = self.cpu
        accessors = self.mem.accessors(bool(cpu.E))
        # The host's own view (semihosting): never checked against watchpoints.
        (self.host_read8, self.host_read16, self.host_read32,
         self.host_write8, self.host_write16, self.host_write32) = accessors
        debug = self.debug
        if debug is not None and debug.watchpoints_armed:
            accessors = debug.checked_accessors(accessors)
        (self.read8, self.read16, self.read32, self.write8, self.write16, self.write32) = accessors
        self.big_endian = bool(cpu.E)
        self.align_check = bool(cpu.sctlr & 0x2)  # SCTLR.A (B3.12.4)
