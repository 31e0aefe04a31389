"""The coprocessor bus: where MCR/MRC/MCRR/MRRC/LDC/STC/CDP go (DDI 0406C A2.9, B1.14).

The bus asks an access predicate first (OK, UNDEFINED, or TRAP_TO_HYP) and only
on OK runs the register's read or write.  Coprocessors register themselves by
number (:meth:`CoprocessorBus.attach`); with none registered every access is
UNDEFINED, as on a core whose CPACR grants nothing.

Two kinds of coprocessor attach:

* a *register file* (:class:`armsim.coproc.regfile.RegisterFile`: CP14, CP15)
  answers :meth:`bind` -- the register row is resolved once, when the op is
  built (its fields are static), and the returned :class:`Binding` holds the
  access predicate (run on every execution) and the row's read and write;
* any object with ``check``/``read``/``write`` (and optionally ``done``), asked
  on every access (a device model or a test's fake).

For coprocessors 0-13 the bus adds HCPTR.TCPn (B1.14.12) after the
coprocessor's own check.  Attaching, or changing a register file's tables,
calls the ``listeners`` (the engine drops its decoded ops, which hold bindings).
"""

from __future__ import annotations

import enum
from typing import Callable, Dict, List, NamedTuple, Optional, Protocol

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
    # 1 for the unconditional "2" forms (MCR2, MRC2, MCRR2, MRRC2, LDC2, STC2, CDP2).
    two: int = 0


class Verdict(enum.Enum):
    OK = 0
    UNDEFINED = 1
    TRAP_TO_HYP = 2


class Coprocessor(Protocol):
    def check(self, cpu: CPUState, acc: CoprocAccess) -> Verdict: ...

    def read(self, cpu: CPUState, acc: CoprocAccess) -> int: ...

    def write(self, cpu: CPUState, acc: CoprocAccess, value: int) -> None: ...


class Binding(NamedTuple):
    """One instruction's access, resolved when its op is built (CoprocessorBus.bind)."""

    check: Callable[[CPUState], Verdict]
    read: Callable[[CPUState], int]
    write: Callable[[CPUState, int], None]
    done: Callable[[CPUState, int], bool]
    name: str  # the register's name ("" when none)


def _undefined(cpu: CPUState) -> Verdict:
    return Verdict.UNDEFINED


def _no_read(cpu: CPUState) -> int:
    raise AssertionError("read of an access that is never permitted")


def _no_write(cpu: CPUState, value: int) -> None:
    raise AssertionError("write of an access that is never permitted")


def _one_word(cpu: CPUState, count: int) -> bool:
    return True


UNDEFINED_BINDING = Binding(_undefined, _no_read, _no_write, _one_word, "")


class CoprocessorBus:
    """Routes coprocessor instructions to the coprocessors attached by number."""

    def __init__(self) -> None:
        self.coprocs: Dict[int, Coprocessor] = {}
        # Told when a binding may have changed (an attach, a register file's new table).
        self.listeners: List[Callable[[], None]] = []

    def attach(self, number: int, cp: Coprocessor) -> None:
        self.coprocs[number] = cp
        self.changed()

    def changed(self) -> None:
        for fn in self.listeners:
            fn()

    def bind(self, acc: CoprocAccess) -> Binding:
        """Resolve ``acc`` (build time): the predicate and the row's read/write (module docstring)."""
        cp = self.coprocs.get(acc.coproc)
        if cp is None:
            return UNDEFINED_BINDING
        bind = getattr(cp, "bind", None)
        if bind is not None:
            b: Binding = bind(acc)
            return b
        return self._bind_generic(cp, acc)

    def _bind_generic(self, cp: Coprocessor, acc: CoprocAccess) -> Binding:
        check = cp.check
        n = acc.coproc
        if n < 14:
            from armsim.coproc.access import hcptr_traps

            def check_hcptr(cpu: CPUState) -> Verdict:
                v = check(cpu, acc)
                if v is Verdict.OK and hcptr_traps(cpu, n):
                    return Verdict.TRAP_TO_HYP
                return v

            checker = check_hcptr
        else:

            def check_plain(cpu: CPUState) -> Verdict:
                return check(cpu, acc)

            checker = check_plain
        read = cp.read
        write = cp.write
        done_fn = getattr(cp, "done", None)

        def rd(cpu: CPUState) -> int:
            return read(cpu, acc)

        def wr(cpu: CPUState, value: int) -> None:
            write(cpu, acc, value)

        def done(cpu: CPUState, count: int) -> bool:
            return True if done_fn is None else bool(done_fn(cpu, acc, count))

        return Binding(checker, rd, wr, done, "")

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
