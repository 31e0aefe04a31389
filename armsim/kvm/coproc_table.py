"""KVM's coprocessor trap tables: ``CoprocReg`` rows, sorted and checked (Linux arch/arm/kvm/coproc.[ch]).

A row names one trapped register by its encoding and says what to do with an
access (reference kvm-arm-debug.md section 8)::

    CoprocReg(Op1, CRn, CRm, Op2, is_64, access, reset, reg, val, name)

``access(vcpu, params, row) -> bool`` emulates the access (True: done, skip the
instruction; False: inject UNDEF; None: a shadow-only row, a trap reaching it
injects UNDEF); ``reset(vcpu, row)`` resets the shadow slot
``reg`` (0 = no shadow) to ``val``.  64-bit rows (MCRR/MRRC) keep the
instruction's CRm in the CRn slot with CRm = 0 (:func:`CRm64`), and the HSR
decode does the same.  The direction is a parameter, not a row field.

Order: ascending CRn, CRm, Op1, Op2, a 64-bit row before a 32-bit one on a
tie -- exactly the order of the packed key :func:`reg_key`, which is also the
lookup key.  :class:`TrapTable` refuses, when it is built, any adjacent pair
that is not strictly increasing, naming both rows (``check_reg_table``).
Tables defined at module level are therefore checked at import.

Extension points (for users and the testing API): a :class:`TrapTable` is
plain data -- build your own from rows, or :meth:`TrapTable.extend` one with
extra rows; a :class:`TableSet` searches its tables in order (a target-CPU
table before the generic one) and :meth:`TableSet.add` puts a new table in
front.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict, Iterable, Iterator, List, NamedTuple, Optional, Tuple

if TYPE_CHECKING:
    from armsim.kvm.vcpu import VCPU


class CoprocParams(NamedTuple):
    """One trapped access, decoded from the HSR (Linux ``struct coproc_params``).

    ``value`` is the value written (MCR: Rt; MCRR: Rt | Rt2 << 32), 0 for a read.
    """

    Op1: int
    CRn: int
    CRm: int
    Op2: int
    Rt1: int
    Rt2: int
    is_64: bool
    is_write: bool
    value: int = 0


AccessFn = Callable[["VCPU", CoprocParams, "CoprocReg"], bool]
ResetFn = Callable[["VCPU", "CoprocReg"], None]


class CoprocReg(NamedTuple):
    """One trap-table row (Linux ``struct coproc_reg``); ``name`` serves traces and messages."""

    Op1: int
    CRn: int
    CRm: int
    Op2: int
    is_64: bool
    access: Optional[AccessFn]
    reset: Optional[ResetFn] = None
    reg: int = 0
    val: int = 0
    name: str = ""

    @property
    def key(self) -> int:
        return reg_key(self.CRn, self.CRm, self.Op1, self.Op2, self.is_64)

    def where(self) -> str:
        """``DBGBCR0 (Op1 0, c0, c0, 5)``, or ``DBGDRAR (Op1 0, CRm c1, 64-bit)``."""
        if self.is_64:
            return f"{self.name or '?'} (Op1 {self.Op1}, CRm c{self.CRn}, 64-bit)"
        return f"{self.name or '?'} (Op1 {self.Op1}, c{self.CRn}, c{self.CRm}, {self.Op2})"


def CRm64(crm: int) -> Tuple[int, int]:
    """The (CRn, CRm) slots of a 64-bit row: the instruction's CRm goes in CRn, CRm = 0 (coproc.h)."""
    return crm, 0


def reg_key(crn: int, crm: int, op1: int, op2: int, is_64: bool) -> int:
    """The packed key ``CRn<<11 | CRm<<7 | Op1<<4 | Op2<<1 | (0 if 64-bit else 1)`` (coproc.c ``cmp_reg``)."""
    return (crn << 11) | (crm << 7) | (op1 << 4) | (op2 << 1) | (0 if is_64 else 1)


def params_key(p: CoprocParams) -> int:
    return reg_key(p.CRn, p.CRm, p.Op1, p.Op2, p.is_64)


class TableOrderError(ValueError):
    """Two adjacent rows of a trap table are duplicated or out of order."""


def check_reg_table(name: str, rows: Tuple[CoprocReg, ...]) -> None:
    """Refuse any adjacent pair not strictly increasing, naming both rows (coproc.c ``check_reg_table``)."""
    for i in range(1, len(rows)):
        a, b = rows[i - 1], rows[i]
        if a.key >= b.key:
            what = "duplicates" if a.key == b.key else "must come after"
            raise TableOrderError(f"trap table {name}: row {i} {b.where()} {what} row {i - 1} {a.where()}")


class TrapTable:
    """Sorted rows of one coprocessor interface (CP15, CP14 32-bit or CP14 64-bit), dict lookup by key."""

    def __init__(self, name: str, rows: Iterable[CoprocReg], sort: bool = False) -> None:
        rs = list(rows)
        if sort:
            rs.sort(key=lambda r: r.key)
        self.name = name
        self.rows: Tuple[CoprocReg, ...] = tuple(rs)
        check_reg_table(name, self.rows)
        self.by_key: Dict[int, CoprocReg] = {r.key: r for r in self.rows}

    def find(self, p: CoprocParams) -> Optional[CoprocReg]:
        return self.by_key.get(params_key(p))

    def by_name(self, name: str) -> Optional[CoprocReg]:
        for r in self.rows:
            if r.name == name:
                return r
        return None

    def extend(self, rows: Iterable[CoprocReg], name: Optional[str] = None) -> TrapTable:
        """A new table with ``rows`` added (sorted; a duplicate encoding is refused naming both)."""
        return TrapTable(name or self.name, list(self.rows) + list(rows), sort=True)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[CoprocReg]:
        return iter(self.rows)

    def __repr__(self) -> str:
        return f"TrapTable({self.name!r}, {len(self.rows)} rows)"


class TableSet:
    """The tables of one interface, searched in order: the target-CPU table first (coproc.c ``find_reg``)."""

    def __init__(self, name: str, tables: Iterable[TrapTable] = ()) -> None:
        self.name = name
        self.tables: List[TrapTable] = list(tables)

    def add(self, table: TrapTable, first: bool = True) -> None:
        """Add ``table``; ``first``: searched before the others (its rows win)."""
        if first:
            self.tables.insert(0, table)
        else:
            self.tables.append(table)

    def find(self, p: CoprocParams) -> Optional[CoprocReg]:
        key = params_key(p)
        for t in self.tables:
            r = t.by_key.get(key)
            if r is not None:
                return r
        return None

    def rows(self) -> List[CoprocReg]:
        """Every reachable row, in key order (a row shadowed by an earlier table is left out)."""
        seen: Dict[int, CoprocReg] = {}
        for t in self.tables:
            for r in t.rows:
                seen.setdefault(r.key, r)
        return [seen[k] for k in sorted(seen)]
