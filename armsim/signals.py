"""Control-flow signals: how a guest's requests leave the hot loop.

These are not errors.  An op raises one when the guest asks for something the
engine must handle outside the per-instruction path, where it knows the exact
instruction count: a semihosting call, the end of the program, or a wait that
nothing can end.  They sit at the bottom of the layer stack so that ``host``
and ``exec`` can both use them.
"""

from __future__ import annotations


class SemihostingCall(Exception):
    """An SVC 0x123456 / BKPT 0xAB / HLT 0xF000 semihosting trap; ``nxt`` is where to resume."""

    def __init__(self, nxt: int) -> None:
        super().__init__(nxt)
        self.nxt = nxt


class GuestExit(Exception):
    """The guest asked to stop (semihosting SYS_EXIT); carries the exit code."""

    def __init__(self, code: int, reason: str = "exit") -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


class GuestHalt(Exception):
    """The guest waits for an event that can never come (WFI/WFE with no interrupt source)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OutputError(Exception):
    """The host could not take the guest's console output: ends the run (Unix convention).

    ``broken_pipe``: the reader went away (EPIPE), which ends the run quietly, as
    ``cat`` ends; any other failure (closed stream, full device) is a one-line error.
    """

    def __init__(self, message: str, broken_pipe: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.broken_pipe = broken_pipe
