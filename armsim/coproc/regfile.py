"""A coprocessor made of register rows: CP14 and CP15 (DDI 0406C B3.17, C6.4).

:class:`RegisterFile` attaches to the :class:`~armsim.coproc.bus.CoprocessorBus`
and answers ``bind``: the row an instruction names is found once, when its op
is built, and the binding's ``check`` runs only the access predicate
(:func:`armsim.coproc.access.check_access`).  Other modules add rows without
editing the bus or this file: ``regfile.add_table(RegisterTable(...))`` puts a
table in front of the existing ones (a CPU's own rows, the debug register
file, a hypervisor's emulation).

Instruction forms: CP14 and CP15 accept MCR/MRC and MCRR/MRRC; CP14 also
LDC/STC to CRd = c5 (DBGDTRTXint / DBGDTRRXint, C6.4.1), found as the row
c0, c5, 0.  CDP and the "2" forms (MCR2 ...) are UNDEFINED (A8.8, B3.17.1).
"""

from __future__ import annotations

from typing import Callable, List, Optional, Protocol, Tuple

from armsim.coproc.access import check_access, hyp_verdict
from armsim.coproc.bus import AccessKind, Binding, CoprocAccess, Verdict
from armsim.coproc.registers import CPReg, RegisterTable, TableSet
from armsim.cpu.state import CPUState
from armsim.cpu.sysregs import HDCR, SYSREG

MASK32 = 0xFFFFFFFF
_TWO_WORD = (AccessKind.MCRR, AccessKind.MRRC)


def _one(cpu: CPUState, count: int) -> bool:
    return True


def _zero(cpu: CPUState) -> int:
    return 0


def _ignore(cpu: CPUState, value: int) -> None:
    return None


def store_accessors(row: CPReg) -> Tuple[Callable[[CPUState], int], Callable[[CPUState, int], None]]:
    """Read and write functions for a row backed by a SystemRegisters attribute (writable bits only)."""
    name = row.store
    decl = SYSREG[name]
    writable = decl.writable
    if row.word == 0:
        writable &= MASK32

        def read_lo(cpu: CPUState) -> int:
            return int(getattr(cpu.sys, name)) & MASK32

        def write_lo(cpu: CPUState, value: int) -> None:
            old = getattr(cpu.sys, name)
            setattr(cpu.sys, name, (old & ~writable) | (value & writable))

        return read_lo, write_lo

    def read(cpu: CPUState) -> int:
        return int(getattr(cpu.sys, name))

    def write(cpu: CPUState, value: int) -> None:
        old = getattr(cpu.sys, name)
        setattr(cpu.sys, name, (old & ~writable) | (value & writable))

    return read, write


class RowProvider(Protocol):
    """An object owning some encodings of a register file (e.g. the CP14 debug registers).

    ``find(acc)`` is not None for the accesses it answers; ``check`` decides
    UNDEFINED before any Hyp trap (encoding, direction, privilege: reference 4.1
    steps 1-2); ``trap_class(acc)`` names the HDCR field that traps it ("TDRA",
    "TDOSA", "TDA") or None; ``read``/``write`` perform a permitted access.
    """

    def find(self, acc: CoprocAccess) -> object: ...

    def check(self, cpu: CPUState, acc: CoprocAccess) -> Verdict: ...

    def trap_class(self, acc: CoprocAccess) -> Optional[str]: ...

    def read(self, cpu: CPUState, acc: CoprocAccess) -> int: ...

    def write(self, cpu: CPUState, acc: CoprocAccess, value: int) -> None: ...


def _provider_binding(cp: int, provider: RowProvider, acc: CoprocAccess) -> Binding:
    """A provider's access: its own check, then the bus's Hyp traps (steps 3-6) with its HDCR class."""
    cls = provider.trap_class(acc)
    hdcr = HDCR[cls].mask if cls else 0
    # The row the Hyp-trap steps read: encoding and class only (its access rule is the provider's check).
    row = CPReg(type(provider).__name__, cp, acc.opc1, acc.crn, acc.crm, acc.opc2,
                is64=acc.kind in _TWO_WORD, hdcr=hdcr)
    pcheck = provider.check
    pread = provider.read
    pwrite = provider.write

    def check(cpu: CPUState) -> Verdict:
        v = pcheck(cpu, acc)
        if v is not Verdict.OK:
            return v
        return hyp_verdict(cpu, acc, row)

    def read(cpu: CPUState) -> int:
        return pread(cpu, acc)

    def write(cpu: CPUState, value: int) -> None:
        pwrite(cpu, acc, value)

    found = provider.find(acc)
    name = str(getattr(found, "name", ""))
    return Binding(check, read, write, _one, name)


class RegisterFile:
    """Coprocessor ``cp`` as a set of register tables (searched first to last)."""

    def __init__(self, cp: int, *tables: RegisterTable, on_change: Optional[Callable[[], None]] = None) -> None:
        self.cp = cp
        self.tables = TableSet(tables)
        self.on_change = on_change
        self.providers: List[RowProvider] = []

    def add_provider(self, provider: RowProvider) -> None:
        """Let ``provider`` answer the accesses its ``find`` names (searched before the tables)."""
        self.providers.insert(0, provider)
        if self.on_change is not None:
            self.on_change()

    def add_table(self, table: RegisterTable, first: bool = True) -> None:
        """Add rows (``first``: they win over the existing ones); decoded ops are dropped."""
        self.tables.add(table, first)
        if self.on_change is not None:
            self.on_change()

    def lookup(self, acc: CoprocAccess) -> Optional[CPReg]:
        """The row ``acc`` names, or None (UNDEFINED whatever the mode)."""
        if acc.two or acc.kind is AccessKind.CDP:
            return None
        k = acc.kind
        if k in (AccessKind.LDC, AccessKind.STC):
            if self.cp != 14 or acc.crd != 5 or acc.long:
                return None
            return self.tables.find(0, 5, 0, 0, False)
        if k in _TWO_WORD:
            return self.tables.find(0, acc.crm, acc.opc1, 0, True)
        return self.tables.find(acc.crn, acc.crm, acc.opc1, acc.opc2, False)

    def bind(self, acc: CoprocAccess) -> Binding:
        if not acc.two:
            for provider in self.providers:
                if provider.find(acc) is not None:
                    return _provider_binding(self.cp, provider, acc)
        row = self.lookup(acc)

        def check(cpu: CPUState) -> Verdict:
            return check_access(cpu, acc, row)

        if row is None:
            return Binding(check, _zero, _ignore, _one, "")
        if row.store:
            read, write = store_accessors(row)
        else:
            read = row.read if row.read is not None else _zero
            write = row.write if row.write is not None else _ignore
        return Binding(check, read, write, _one, row.name)

    # -- direct access by name (debuggers, tests, the hypervisor model) --------------------
    def find_name(self, name: str) -> Optional[CPReg]:
        for r in self.tables.rows():
            if r.name == name:
                return r
        return None

    # The CoprocessorBus protocol, for callers that do not bind (read/write by access).
    def check(self, cpu: CPUState, acc: CoprocAccess) -> Verdict:
        return self.bind(acc).check(cpu)

    def read(self, cpu: CPUState, acc: CoprocAccess) -> int:
        return self.bind(acc).read(cpu)

    def write(self, cpu: CPUState, acc: CoprocAccess, value: int) -> None:
        self.bind(acc).write(cpu, value)
