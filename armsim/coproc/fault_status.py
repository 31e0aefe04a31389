"""CP15 rows for the state the exception model already keeps (DDI 0406C B4.1), until the CP15 store exists.

Abort handlers need the fault status and address registers, and a guest not
linked at 0 needs VBAR; these five rows reach the values the exception model
and :class:`~armsim.cpu.state.CPUState` hold:

======  ==================  ============
DFSR    c5, c0, 0 (opc1 0)  B4.1.52
IFSR    c5, c0, 1           B4.1.96
DFAR    c6, c0, 0           B4.1.51
IFAR    c6, c0, 2           B4.1.95
VBAR    c12, c0, 0          B4.1.156 (bits 4:0 RES0)
======  ==================  ============

PL1 only (B4.1: "PL1 read/write"; MCR/MRC from User mode is UNDEFINED); MCR
and MRC only; no Security banking (one copy, as the exception model keeps one).
Every other CP15 encoding is UNDEFINED, as before.
"""

from __future__ import annotations

from typing import Dict, Tuple

from armsim.coproc.bus import AccessKind, CoprocAccess, Verdict
from armsim.cpu.exceptions import ExceptionModel
from armsim.cpu.modes import Mode
from armsim.cpu.state import CPUState

MASK32 = 0xFFFFFFFF
_USR = int(Mode.USR)

# (CRn, CRm, opc2) -> (name, writable bits); opc1 = 0.
ROWS: Dict[Tuple[int, int, int], Tuple[str, int]] = {
    (5, 0, 0): ("DFSR", 0x00003CFF),  # FS[3:0], Domain 7:4, FS[4] 10, WnR 11, ExT 12, CM 13
    (5, 0, 1): ("IFSR", 0x0000140F),  # FS[3:0], FS[4] (bit 10), ExT 12
    (6, 0, 0): ("DFAR", MASK32),
    (6, 0, 2): ("IFAR", MASK32),
    (12, 0, 0): ("VBAR", 0xFFFFFFE0),
}


class FaultStatusCP15:
    """A bus coprocessor (number 15) with the rows of the module docstring."""

    def __init__(self, cpu: CPUState, exc: ExceptionModel) -> None:
        self.cpu = cpu
        self.exc = exc

    @staticmethod
    def _row(acc: CoprocAccess) -> Tuple[str, int]:
        return ROWS[(acc.crn, acc.crm, acc.opc2)]

    def check(self, cpu: CPUState, acc: CoprocAccess) -> Verdict:
        if acc.kind not in (AccessKind.MCR, AccessKind.MRC) or acc.opc1 != 0:
            return Verdict.UNDEFINED
        if (acc.crn, acc.crm, acc.opc2) not in ROWS or cpu.mode == _USR:
            return Verdict.UNDEFINED
        return Verdict.OK

    def read(self, cpu: CPUState, acc: CoprocAccess) -> int:
        name = self._row(acc)[0]
        if name == "VBAR":
            return self.cpu.vbar & MASK32
        return int(getattr(self.exc, name.lower())) & MASK32

    def write(self, cpu: CPUState, acc: CoprocAccess, value: int) -> None:
        name, writable = self._row(acc)
        if name == "VBAR":
            self.cpu.vbar = value & writable
        else:
            setattr(self.exc, name.lower(), value & writable)
