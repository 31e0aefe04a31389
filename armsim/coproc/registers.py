"""Coprocessor register rows and tables (DDI 0406C B3.17 "Organization of the CP15 registers", B4.2; C6.4 CP14).

A :class:`CPReg` row names one register (or maintenance operation) by its
encoding -- coproc, opc1, CRn, CRm, opc2, 32- or 64-bit -- and says who may
access it (:class:`Access`: per privilege level and security state), which
Hyp trap controls apply (HCR bits for reads and writes, the HDCR class), and
how it is read and written: either backed by a :class:`SystemRegisters`
attribute (``store``) or by ``read``/``write`` functions.

A :class:`RegisterTable` is sorted by the packed key KVM uses (CRn, CRm,
Opc1, Opc2, 64-bit first) and refuses, when built, any duplicate or misordered
pair, naming both rows.  64-bit rows keep the instruction's CRm in ``crm`` and
have ``crn`` = 0.
"""

from __future__ import annotations

import enum
from typing import Callable, Dict, Iterable, List, NamedTuple, Optional, Tuple

from armsim.cpu.state import CPUState


class Access(enum.IntFlag):
    """Who may access a register (B3.17.1, B4.1 "Configurations" of each register).

    R0/W0: PL0 read/write; R1/W1: PL1 (and Hyp mode) read/write; RH/WH: PL2
    registers, accessible in Hyp mode and in Monitor mode with SCR.NS = 1 only;
    SEC: PL1 accesses only in Secure state; SECW: writes only in Secure state.
    """

    NONE = 0
    R0 = 1
    W0 = 2
    R1 = 4
    W1 = 8
    RH = 16
    WH = 32
    SEC = 64
    SECW = 128


PL1_RW = Access.R1 | Access.W1
PL1_RO = Access.R1
PL1_WO = Access.W1
PL0_RO = Access.R0 | Access.R1
PL0_RW = Access.R0 | Access.W0 | Access.R1 | Access.W1
HYP_RW = Access.RH | Access.WH
HYP_RO = Access.RH
HYP_WO = Access.WH

ReadFn = Callable[[CPUState], int]
WriteFn = Callable[[CPUState, int], None]


class CPReg(NamedTuple):
    """One coprocessor register or operation (after Linux's ``struct coproc_reg``, with access rules)."""

    name: str
    cp: int
    opc1: int
    crn: int
    crm: int
    opc2: int
    is64: bool = False
    access: int = PL1_RW
    hcr_read: int = 0  # HCR bits trapping a read from NS PL0/PL1 (B1.14.x)
    hcr_write: int = 0  # HCR bits trapping a write
    hdcr: int = 0  # HDCR trap class bits (TDRA/TDOSA/TDA for CP14, TPM/TPMCR for the PMU)
    store: str = ""  # the SystemRegisters attribute backing the register
    read: Optional[ReadFn] = None
    write: Optional[WriteFn] = None
    pl0: Optional[Callable[[CPUState], bool]] = None  # extra PL0 permission test (e.g. PMUSERENR.EN)
    word: int = -1  # 32-bit view of a 64-bit store: -1 whole, 0 low word
    hcptr: int = 0  # HCPTR bits trapping a Non-secure PL1 access (TCPAC for CPACR, B4.1.71)

    @property
    def key(self) -> int:
        return reg_key(self.crn, self.crm, self.opc1, self.opc2, self.is64)

    def where(self) -> str:
        if self.is64:
            return f"{self.name} (p{self.cp}, {self.opc1}, c{self.crm}, 64-bit)"
        return f"{self.name} (p{self.cp}, {self.opc1}, c{self.crn}, c{self.crm}, {self.opc2})"


def reg_key(crn: int, crm: int, opc1: int, opc2: int, is64: bool) -> int:
    """The packed sort and lookup key: CRn<<11 | CRm<<7 | Opc1<<3 | Opc2 ... , 64-bit first on a tie."""
    return (crn << 12) | (crm << 8) | (opc1 << 4) | (opc2 << 1) | (0 if is64 else 1)


class TableOrderError(ValueError):
    """Two rows of a register table are duplicated or out of order."""


class RegisterTable:
    """Rows of one coprocessor, sorted and checked at construction; dict lookup on the packed key."""

    def __init__(self, name: str, rows: Iterable[CPReg], sort: bool = False) -> None:
        self.name = name
        rs = list(rows)
        if sort:
            rs.sort(key=lambda r: r.key)
        for a, b in zip(rs, rs[1:]):
            if a.key >= b.key:
                what = "duplicates" if a.key == b.key else "is ordered before"
                raise TableOrderError(f"{name}: {a.where()} {what} {b.where()}")
        cps = {r.cp for r in rs}
        if len(cps) > 1:
            raise TableOrderError(f"{name}: rows for several coprocessors {sorted(cps)}")
        self.rows: Tuple[CPReg, ...] = tuple(rs)
        self.by_key: Dict[int, CPReg] = {r.key: r for r in rs}

    def find(self, crn: int, crm: int, opc1: int, opc2: int, is64: bool) -> Optional[CPReg]:
        return self.by_key.get(reg_key(crn, crm, opc1, opc2, is64))

    def by_name(self, name: str) -> Optional[CPReg]:
        for r in self.rows:
            if r.name == name:
                return r
        return None

    def __len__(self) -> int:
        return len(self.rows)


class TableSet:
    """The tables of one coprocessor, searched in order (a CPU's own table before the generic one)."""

    def __init__(self, tables: Iterable[RegisterTable] = ()) -> None:
        self.tables: List[RegisterTable] = list(tables)

    def add(self, table: RegisterTable, first: bool = True) -> None:
        """Add ``table``; ``first`` = searched before the existing ones (its rows win)."""
        if first:
            self.tables.insert(0, table)
        else:
            self.tables.append(table)

    def find(self, crn: int, crm: int, opc1: int, opc2: int, is64: bool) -> Optional[CPReg]:
        key = reg_key(crn, crm, opc1, opc2, is64)
        for t in self.tables:
            r = t.by_key.get(key)
            if r is not None:
                return r
        return None

    def rows(self) -> List[CPReg]:
        """Every reachable row (a row shadowed by an earlier table is left out)."""
        seen: Dict[int, CPReg] = {}
        for t in self.tables:
            for r in t.rows:
                seen.setdefault(r.key, r)
        return [seen[k] for k in sorted(seen)]
