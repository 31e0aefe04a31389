"""Why a run stopped, as a record: kind, where, what, and a rendering for the CLI.

Every stop of :meth:`armsim.Machine.run` is a :class:`Stop`.  The layer that
knows a fact fills its field: the exception model knows the exception, its
vector and the faulting address; the engine knows the instruction's PC (and,
for a failed instruction fetch, the PC of the instruction that got there);
the machine knows symbols and the decoder row.  :meth:`Stop.render` turns
the fields into one line of text; nothing patches the text afterwards.

``StopReason`` is the coarse outcome a caller branches on (exit, limit,
halt, error, ...); ``StopKind`` is the finer record kind shown to the user.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional

from armsim.errors import GuestError


class StopReason(enum.Enum):
    """The coarse outcome of a run."""

    EXIT = "exit"  # the guest asked (semihosting)
    LIMIT = "instruction limit"  # max_instructions reached
    HALT = "halted"  # WFI/WFE with nothing to wake it
    ERROR = "guest error"  # an exception with no handler, an exception loop, ...
    OUTPUT = "output error"  # the host could not take the guest's console output
    INTERRUPTED = "interrupted"  # the host user interrupted the run (Ctrl-C)
    HYP_ENTRY = "Hyp entry"  # an exception was taken to Hyp mode with Machine.exit_on_hyp_entry set


class StopKind(enum.Enum):
    """What exactly stopped the run (the record's ``kind``)."""

    EXIT = "exit"
    LIMIT = "instruction limit"
    HALT = "halted"
    NO_HANDLER = "no handler"  # an exception whose vector holds nothing
    EXCEPTION_LOOP = "exception loop"  # a handler re-entering itself through the same exception
    GUEST_ERROR = "guest error"  # anything else the simulator cannot continue from
    BROKEN_PIPE = "broken pipe"  # the reader of the guest's output went away
    OUTPUT_ERROR = "output error"  # writing the guest's output failed (closed stream, full device)
    INTERRUPTED = "interrupted"
    HYP_ENTRY = "Hyp entry"  # the run left for a hypervisor modelled outside the CPU (Machine.exit_on_hyp_entry)


_REASONS = {
    StopKind.EXIT: StopReason.EXIT,
    StopKind.LIMIT: StopReason.LIMIT,
    StopKind.HALT: StopReason.HALT,
    StopKind.NO_HANDLER: StopReason.ERROR,
    StopKind.EXCEPTION_LOOP: StopReason.ERROR,
    StopKind.GUEST_ERROR: StopReason.ERROR,
    StopKind.BROKEN_PIPE: StopReason.OUTPUT,
    StopKind.OUTPUT_ERROR: StopReason.OUTPUT,
    StopKind.INTERRUPTED: StopReason.INTERRUPTED,
    StopKind.HYP_ENTRY: StopReason.HYP_ENTRY,
}

# How many consecutive re-entries of one exception from its own handler end the run.
MAX_REENTRIES = 10_000


@dataclass(frozen=True)
class Stop:
    """One stop of a run.

    ``message`` is the cause in words ("UNDEFINED instruction", "application
    exit (status 7)"); ``exception`` the exception's title ("Data Abort") when
    one is involved; ``vector`` its vector address; ``address`` the faulting
    data or instruction address; ``pc`` the instruction the CPU was at,
    ``instruction`` its word and decoder row ("e5901000 LDR (immediate)"),
    ``symbol`` its ``func+0x1c``; ``detail`` why a vector counts as empty;
    ``previous_pc`` (with ``previous_instruction`` and ``previous_symbol``)
    the instruction executed before it, given when the stop is a failed
    instruction fetch (the branch that got there).
    """

    kind: StopKind
    message: str = ""
    exception: str = ""
    vector: Optional[int] = None
    address: Optional[int] = None
    pc: Optional[int] = None
    thumb: bool = False
    instruction: str = ""
    symbol: str = ""
    previous_pc: Optional[int] = None
    previous_instruction: str = ""
    previous_symbol: str = ""
    detail: str = ""  # NO_HANDLER: why the vector counts as empty ("vector 0x00000004 holds 0")
    exit_code: Optional[int] = None
    count: int = 0  # instructions executed (LIMIT) or re-entries (EXCEPTION_LOOP)

    @property
    def reason(self) -> StopReason:
        return _REASONS[self.kind]

    @property
    def final(self) -> bool:
        """True if the machine cannot run on from this stop (until reset or a new ELF)."""
        return self.reason in (StopReason.EXIT, StopReason.ERROR, StopReason.OUTPUT)

    def where(self) -> str:
        """"0x00008004 <main+0x1c> (e5901000 LDR (immediate))"; "" without a PC."""
        return _place(self.pc, self.symbol, self.instruction)

    def render(self) -> str:
        """One line for the user (the CLI prints it after ``armsim: <reason>: ``)."""
        kind = self.kind
        at = self.where()
        if kind is StopKind.EXIT:
            return self.message
        if kind is StopKind.LIMIT:
            text = f"stopped after {self.count:,} instructions"
            return f"{text} at {at}" if at else text
        if kind is StopKind.INTERRUPTED:
            return f"interrupted at {at}" if at else "interrupted"
        if kind in (StopKind.BROKEN_PIPE, StopKind.OUTPUT_ERROR):
            return self.message
        parts = []
        if self.exception:
            parts.append(f"{self.exception}:")
        parts.append(self.message)
        if at:
            parts.append(f"at {at}")
        text = " ".join(p for p in parts if p)
        if self.previous_pc is not None:
            text += f"; reached from {_place(self.previous_pc, self.previous_symbol, self.previous_instruction)}"
        if kind is StopKind.NO_HANDLER:
            what = (self.exception or "exception").lower()
            text += f"; no {what} handler ({self.detail})" if self.detail else f"; no {what} handler"
        elif kind is StopKind.EXCEPTION_LOOP:
            vec = f" {self.vector:#010x}" if self.vector is not None else ""
            text += (f"; the handler re-entered itself {self.count:,} times through the same exception "
                     f"(a corrupted vector{vec}?)")
        return text

    def __str__(self) -> str:
        return self.render()


def _place(pc: Optional[int], symbol: str, instruction: str) -> str:
    if pc is None:
        return ""
    text = f"{pc:#010x}"
    if symbol:
        text += f" <{symbol}>"
    if instruction:
        text += f" ({instruction})"
    return text


class GuestStop(GuestError):
    """Raised by the CPU model when the guest cannot continue; carries the (partial) :class:`Stop`.

    The engine fills in the PC fields, the machine the symbol and instruction.
    """

    def __init__(self, stop: Stop) -> None:
        super().__init__(stop.render(), pc=stop.pc)
        self.stop = stop


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during :meth:`Machine.run`: a KeyboardInterrupt that also carries where the run stopped."""

    def __init__(self, stop: Stop) -> None:
        super().__init__(stop.render())
        self.stop = stop
