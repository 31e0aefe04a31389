"""The coprocessor bus: where MCR/MRC/MCRR/MRRC/LDC/STC/CDP go (DDI 0406C A2.9, B1.14).

The bus asks an access predicate first (OK, UNDEFINED, or TRAP_TO_HYP) and only
on OK runs the register's read or write.  Coprocessors register themselves by
number; with none registered every access is UNDEFINED, as on a core whose
CPACR grants nothing.
"""

from __future__ import annotations

import enum
from typing import Dict, NamedTuple, Optional, Protocol

from armsim.cpu.state import CPUState


class AccessKind(enum.Enum):
    MCR = "MCR"
    MRC = "MRC"
    MCRR = "MCRR"
    MRRC = "MRRC"
    LDC = "LDC"
    STC = "STC"
    CDP = "CDP"


class CoprocAccess(NamedTuple):
    """One coprocessor instruction's operands (field names as in A8.8.98 MCR etc.)."""

    kind: AccessKind
    coproc: int
    opc1: int
    crn: int
    crm: int
    opc2: int
    rt: int = 0
    rt2: int = 0
    # CDP, LDC, STC: the coprocessor register CRd, and the D bit of LDC/STC (LDCL/STCL).
    # For LDC/STC, ``rt`` holds the base register Rn.
    crd: int = 0
    long: int = 0


class Verdict(enum.Enum):
    OK = 0
    UNDEFINED = 1
    TRAP_TO_HYP = 2


class Coprocessor(Protocol):
    def check(self, cpu: CPUState, acc: CoprocAccess) -> Verdict: ...

    def read(self, cpu: CPUState, acc: CoprocAccess) -> int: ...

    def write(self, cpu: CPUState, acc: CoprocAccess, value: int) -> None: ...


class CoprocessorBus:
    """Routes coprocessor instructions to the coprocessors attached by number."""

    def __init__(self) -> None:
        self.coprocs: Dict[int, Coprocessor] = {}

    def attach(self, number: int, cp: Coprocessor) -> None:
        self.coprocs[number] = cp

    def check(self, cpu: CPUState, acc: CoprocAccess) -> Verdict:
        cp = self.coprocs.get(acc.coproc)
        if cp is None:
            return Verdict.UNDEFINED
        return cp.check(cpu, acc)

    def read(self, cpu: CPUState, acc: CoprocAccess) -> int:
        """MRC/MRRC value (64-bit for MRRC: Rt2 gets bits 63:32)."""
        return self.coprocs[acc.coproc].read(cpu, acc)

    def write(self, cpu: CPUState, acc: CoprocAccess, value: int) -> None:
        self.coprocs[acc.coproc].write(cpu, acc, value)

    def done(self, cpu: CPUState, acc: CoprocAccess, count: int) -> bool:
        """Coproc_DoneLoading / Coproc_DoneStoring (A8.8 LDC, STC): finished after ``count`` words?

        A coprocessor may define ``done(cpu, acc, count)``; without one, LDC and
        STC transfer a single word.
        """
        fn = getattr(self.coprocs[acc.coproc], "done", None)
        return True if fn is None else bool(fn(cpu, acc, count))

    def get(self, number: int) -> Optional[Coprocessor]:
        return self.coprocs.get(number)
