"""The timing model of one machine: levels, counters, the cost breakdown, charged work.

Levels (``Machine(timing=...)``, ``armsim run --timing``):

* ``off``: instructions are counted and ``cycles == instructions``; no model.
* ``fast`` (the default): every operation costs its class's static ``issue``
  cycles (:mod:`armsim.timing.tables`); nothing else.  The class is the row's
  cost column (``Row.cost``, :mod:`armsim.isa.a32.costs`, :mod:`armsim.isa.t32.costs`),
  refined by the decoded fields (:func:`armsim.timing.costs.row_class`).  The cost is
  fixed when the op is decoded: the common one-cycle operations cost nothing extra at
  run time (``cycles = instructions + extra``), and only an op whose cost differs
  is wrapped in a closure that adds its difference.  A translated block sums the
  same static costs once: the closure exposes ``inner`` (the op) and ``charge``
  (``(acc, category, extra)``), see :func:`timed_charge` (and :meth:`Timing.fast_charge`).
* ``pipeline``: :mod:`armsim.timing.pipeline` (issue width, scoreboard,
  branch prediction, serialisation, optional L1 caches).

Both model levels add ``exception_entry`` cycles per exception taken (the
count comes from the exception model, so no hot-path hook is needed) and
whatever was charged from outside the instruction stream with
:meth:`Timing.charge` / :meth:`Timing.charge_work` (the hypervisor model's
world-switch steps, register moves, entries and returns).

The breakdown's categories: ``issue`` (base issue cycles), ``interlock``,
``mispredict``, ``cache``, ``serialise``, ``exception``, then any named
category charged from outside.  They sum to ``cycles``.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from armsim.errors import ConfigError
from armsim.timing.address import effective_address
from armsim.timing.costs import DEFAULT, CostClass, Flow, OpCost, Refine
from armsim.timing.operands import iset_of, operands, refining_fields, row_class
from armsim.timing.pipeline import CACHE, EXCEPTION, INTERLOCK, MISPREDICT, SERIALISE, Pipeline
from armsim.timing.profiles import CpuProfile
from armsim.timing.tables import TimingTable, multiple_cycles

Op = Callable[[], int]

LEVELS = ("off", "fast", "pipeline")
DEFAULT_LEVEL = "fast"
ISSUE = 0
CATEGORIES = ("issue", "interlock", "mispredict", "cache", "serialise", "exception")
assert CATEGORIES.index("interlock") == INTERLOCK and CATEGORIES.index("mispredict") == MISPREDICT
assert CATEGORIES.index("cache") == CACHE and CATEGORIES.index("serialise") == SERIALISE
assert CATEGORIES.index("exception") == EXCEPTION

_SERIAL_CLASSES = frozenset(c for c in CostClass if c.name in (
    "COPROC_READ", "COPROC_WRITE", "ISB", "BARRIER", "PSR_WRITE"))
_EXC_CLASSES = frozenset((CostClass.EXC_GEN, CostClass.EXC_RETURN))
_PER_REGISTER = frozenset((CostClass.LOAD_MULTIPLE, CostClass.STORE_MULTIPLE, CostClass.LOAD_PC))

# Work charged from outside the instruction stream, priced from the profile's table.
WORK: Dict[str, Callable[[TimingTable], int]] = {
    "coproc_read": lambda t: t.cost(CostClass.COPROC_READ),  # one MRC-like register move
    "coproc_write": lambda t: t.cost(CostClass.COPROC_WRITE),  # one MCR-like register move
    "exception_entry": lambda t: t.exception_entry,
    "exception_return": lambda t: t.cost(CostClass.EXC_RETURN),
    "isb": lambda t: t.cost(CostClass.ISB),
    "barrier": lambda t: t.cost(CostClass.BARRIER),
    "load": lambda t: t.cost(CostClass.LOAD),
    "store": lambda t: t.cost(CostClass.STORE),
    "alu": lambda t: t.cost(CostClass.ALU_REG),
    "branch": lambda t: t.cost(CostClass.BRANCH),
    "mispredict": lambda t: t.mispredict_penalty,
}


_UNDEFINED = OpCost(CostClass.EXC_GEN, (), (), 1, Flow.EXCEPTION)


def timed_charge(op: Op) -> Optional[Tuple[Op, List[int], int, int]]:
    """``(inner op, acc, category, extra)`` of an op the fast level wrapped, else None.

    The wrapped op is ``inner`` followed (also when it raises) by ``acc[category] += extra``
    (:func:`_timed`); the charge is read from its closure, so wrapping sets no attributes.
    Decode/translation time only.
    """
    if getattr(op, "__code__", None) is not _TIMED_CODE:
        return None
    cells = dict(zip(_TIMED_CODE.co_freevars, op.__closure__ or ()))
    return (cells["op"].cell_contents, cells["acc"].cell_contents, cells["cat"].cell_contents,
            cells["extra"].cell_contents)


# The fast level prices a row's decodes once per value of the word bits that refine its class (the fields
# armsim.timing.operands.refining_fields names; all of them for MSR): row -> that mask (0: none do).
# Profile independent; rows live as long as their tables.
_MASKS: Dict[Any, int] = {}
# TimingTable identity -> (the table, its price memo: row -> (mask, masked word -> (extra, slot))), shared by
# every Timing of that table (the machines of a process, a test suite, a benchmark's repeats).
Prices = Dict[Any, Tuple[int, Dict[int, Tuple[int, int]]]]
_PRICE_MEMO: Dict[int, Tuple[TimingTable, Prices]] = {}
_MEMO_ROWS = 1 << 14  # rows per table memo, and values per row: the memo starts again when full


def refining_mask(row: Any, info: Any) -> int:
    """The bits of ``row``'s words that its fast-level class depends on (decode-time, memoised per row).

    ``row`` None (an encoding no row decodes) or a row whose cost column refines nothing: 0.
    """
    got = _MASKS.get(row)
    if got is not None:
        return got
    cost = row.cost if row is not None else None
    mask = 0
    if cost is not None and cost.refine is not Refine.NONE:
        names, word = refining_fields(iset_of(info.thumb, info.size), row.name, [f[0] for f in row.fields])
        if word:
            mask = 0xFFFFFFFF
        else:
            for name, lo, m in row.fields:
                if name in names:
                    mask |= m << lo
    _MASKS[row] = mask
    return mask


def _prices(table: TimingTable) -> Prices:
    """The price memo of ``table`` (new, or emptied when full)."""
    got = _PRICE_MEMO.get(id(table))
    if got is None or got[0] is not table:
        got = _PRICE_MEMO[id(table)] = (table, {})
    elif len(got[1]) > _MEMO_ROWS:
        got[1].clear()
    return got[1]


def _timed(op: Op, acc: List[int], cat: int, extra: int) -> Op:
    """``op`` followed (also when it raises) by ``acc[cat] += extra``: the fast level's wrapped op."""

    def timed() -> int:
        # Charged after the op ran, so an op reading the count (PMCCNTR) sees the instructions
        # before it only, as at the pipeline level; ``finally`` charges an op that raises too.
        try:
            return op()
        finally:
            acc[cat] += extra

    return timed


_TIMED_CODE = _timed(lambda: 0, [0], 0, 0).__code__


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise ConfigError(f"unknown timing level {level!r} (valid: {', '.join(LEVELS)})")
    return level


def static_cost(table: TimingTable, oc: OpCost) -> int:
    """The fast level's cost of one operation: its class's issue cycles (LDM/STM: per register pair)."""
    if oc.cls in (CostClass.LOAD_MULTIPLE, CostClass.STORE_MULTIPLE, CostClass.LOAD_PC):
        return multiple_cycles(table, oc.nregs)
    return table.classes[oc.cls].issue


def _in_it(key: int) -> bool:
    """InITBlock() of the instruction at engine PC key ``key`` (A2.5.2: ITSTATE<3:0> != 0; ITSTATE in bits 39:32)."""
    return bool((key >> 32) & 0xF)


def op_cost(row: Any, info: Any, fields: Dict[str, int]) -> OpCost:
    """The cost record of a decoded instruction of ``row`` (None: an encoding no row decodes).

    The class (and an LDM/STM's register count) is the row's cost column; the operands the
    pipeline's scoreboard tracks and the flow come from the row's fields through its
    instruction set's table of field roles (:func:`armsim.timing.operands.operands`).  A row
    without a cost column (a test's own row) costs :data:`~armsim.timing.costs.DEFAULT`.
    """
    if row is None:
        return _UNDEFINED
    if row.cost is None:
        return DEFAULT
    # Decode-time, memoised: the record follows from the row and the word (fields, condition, size)
    # and whether the instruction sits in an IT block.
    key = (row, info.word, info.thumb, info.size, info.cond, _in_it(info.key))
    got = _OP_COSTS.get(key)
    if got is None:
        if len(_OP_COSTS) > _MEMO_ROWS:
            _OP_COSTS.clear()
        got = _OP_COSTS[key] = operands(row.cost, row.name, iset_of(info.thumb, info.size), fields, info.cond,
                                        info.word, _in_it(info.key))
    return got


_OP_COSTS: Dict[Tuple[Any, ...], OpCost] = {}


class Timing:
    """Cycle counters of one machine (``Machine.timing``)."""

    def __init__(self, profile: CpuProfile, level: str = DEFAULT_LEVEL, caches: bool = False,
                 instructions: Optional[Callable[[], int]] = None,
                 exceptions: Optional[Callable[[], int]] = None) -> None:
        self.profile = profile
        self.table: TimingTable = profile.timing
        self.level = check_level(level)
        if caches and level != "pipeline":
            raise ConfigError("L1 caches are modelled at the pipeline timing level only")
        self.caches = caches
        self._live = instructions or (lambda: 0)
        self._exceptions = exceptions or (lambda: 0)
        self.acc: List[int] = [0] * len(CATEGORIES)
        self.external: Dict[str, int] = {}
        self.base_cost = self.table.cost(CostClass.ALU_REG)
        self._prices: Prices = _prices(self.table)
        self.pipeline: Optional[Pipeline] = Pipeline(self.table, self.acc, caches) if level == "pipeline" else None
        self._insn0 = 0
        self._exc0 = 0

    # -- decode-time hook -------------------------------------------------------------
    def fast_charge(self, row: Any, info: Any, fields: Dict[str, int]) -> Tuple[int, int]:
        """(extra, slot): what the fast level charges one decoded instruction beyond :attr:`base_cost`,
        and the breakdown slot it goes to (an index into :attr:`acc`: ISSUE, SERIALISE or EXCEPTION).

        Static: it depends on the row's cost column and the decoded fields only, so a translated
        block can add its instructions' charges once per run of the block (``acc[slot] += sum``).
        ``row`` None is an encoding no row decodes (UNDEFINED).  Decode-time only: a row is priced
        once per value of the word bits that refine its class (:func:`refining_mask`), and the
        price is remembered for every machine of the profile.
        """
        spec = self._prices.get(row)
        if spec is None:
            if len(self._prices) > _MEMO_ROWS:
                self._prices.clear()
            spec = self._prices[row] = (refining_mask(row, info), {})
        mask, seen = spec
        key = info.word & mask
        got = seen.get(key)
        if got is None:
            if len(seen) > _MEMO_ROWS:
                seen.clear()
            got = seen[key] = self._price(row, info, fields)
        return got

    def _price(self, row: Any, info: Any, fields: Dict[str, int]) -> Tuple[int, int]:
        """:meth:`fast_charge` worked out (its memo's miss)."""
        if row is None:
            cls, nregs = _UNDEFINED.cls, 1
        elif row.cost is None:
            cls, nregs = DEFAULT.cls, 1
        else:
            cls, nregs = row_class(row.cost, row.name, iset_of(info.thumb, info.size), fields, info.word)
        cycles = multiple_cycles(self.table, nregs) if cls in _PER_REGISTER else self.table.classes[cls].issue
        cat = EXCEPTION if cls in _EXC_CLASSES else SERIALISE if cls in _SERIAL_CLASSES else ISSUE
        return cycles - self.base_cost, cat

    def decorate(self, op: Op, row: Any, info: Any, fields: Dict[str, int], regs: List[int]) -> Op:
        """The op the engine caches for this instruction at this level (called once per decode).

        ``row`` is the decoded :class:`~armsim.isa.decoder.Row`, or None for an encoding no row
        decodes (UNDEFINED: it issues like an exception-generating instruction, its entry priced
        with the other exceptions).  The fast level wraps only an op whose cost differs from
        :attr:`base_cost` (:func:`_timed`); a translated block sums the same charges once
        (:func:`timed_charge`, armsim.exec.blocks).
        """
        if self.level == "off":
            return op
        if self.pipeline is not None:
            oc = op_cost(row, info, fields)
            # The D-cache address comes from A32 operand fields; Thumb accesses skip the D-cache lookup.
            ea = (effective_address(row.name if row is not None else "", fields, info, regs)
                  if self.caches and not info.thumb else None)
            return self.pipeline.wrap(op, oc, info, info.cond, ea, regs)
        extra, cat = self.fast_charge(row, info, fields)
        if not extra:
            return op
        return _timed(op, self.acc, cat, extra)

    def decorator(self, regs: List[int]) -> Optional[Callable[[Op, Any, Any, Dict[str, int]], Op]]:
        """The engine's decode hook at this level (``Engine.decorate``; None at level ``off``): as
        :meth:`decorate` with ``regs`` bound; at the fast level one memo lookup per decode."""
        if self.level == "off":
            return None
        decorate = self.decorate
        if self.pipeline is not None:
            def decorate_op(op: Op, row: Any, info: Any, fields: Dict[str, int]) -> Op:
                return decorate(op, row, info, fields, regs)

            return decorate_op
        prices = self._prices
        charge = self.fast_charge
        acc = self.acc

        def fast(op: Op, row: Any, info: Any, fields: Dict[str, int]) -> Op:
            spec = prices.get(row)
            got = spec[1].get(info.word & spec[0]) if spec is not None else None
            if got is None:
                got = charge(row, info, fields)
            if got[0]:
                return _timed(op, acc, got[1], got[0])
            return op

        return fast

    # -- counters -----------------------------------------------------------------------
    def reset(self) -> None:
        """Zero every counter (Machine.reset / load_elf)."""
        for i in range(len(self.acc)):
            self.acc[i] = 0
        self.external.clear()
        self._insn0 = self._live()
        self._exc0 = self._exceptions()
        if self.pipeline is not None:
            self.pipeline.reset()

    @property
    def instructions(self) -> int:
        """Instructions executed since the last reset (exact inside a running op too)."""
        return self._live() - self._insn0

    @property
    def exceptions(self) -> int:
        """Exceptions taken since the last reset."""
        return self._exceptions() - self._exc0

    def breakdown(self) -> Dict[str, int]:
        """Cycles by category (they sum to :attr:`cycles`); external categories last."""
        n = self.instructions
        if self.level == "off":
            return {"issue": n}
        acc = self.acc
        out = {name: acc[i] for i, name in enumerate(CATEGORIES)}
        out["exception"] += self.exceptions * self.table.exception_entry
        if self.pipeline is not None:
            # Everything the pipeline's clock advanced that no stall category claims is issue.
            out["issue"] = self.pipeline.cycles - sum(acc[1:])
        else:
            out["issue"] = n * self.base_cost + acc[ISSUE]
        for name, c in self.external.items():
            out[name] = out.get(name, 0) + c
        return out

    @property
    def cycles(self) -> int:
        if self.level == "off":
            return self.instructions
        return sum(self.breakdown().values())

    @property
    def ipc(self) -> float:
        c = self.cycles
        return self.instructions / c if c else 0.0

    # -- work outside the instruction stream --------------------------------------------
    def charge(self, category: str, cycles: int) -> None:
        """Add ``cycles`` to ``category`` (any name; a built-in category's name adds to it).

        Charged work does not run through the pipeline model's clock: it is the
        hypervisor model's own cost, added on top (at level ``off`` it is ignored).
        """
        if cycles < 0:
            raise ValueError(f"cannot charge {cycles} cycles")
        if self.level == "off":
            return
        self.external[category] = self.external.get(category, 0) + cycles

    def price(self, work: str) -> int:
        """The profile's price of one unit of ``work`` (a name in :data:`WORK`)."""
        try:
            return WORK[work](self.table)
        except KeyError:
            raise ConfigError(f"unknown work {work!r} (valid: {', '.join(sorted(WORK))})") from None

    def charge_work(self, work: str, count: int = 1, category: Optional[str] = None) -> int:
        """Charge ``count`` units of ``work`` at the profile's price to ``category`` (default: the work's
        name); returns the cycles charged (0 at level ``off``)."""
        cycles = self.price(work) * count
        if self.level == "off":
            return 0
        self.charge(category or work, cycles)
        return cycles

    def summary(self) -> Dict[str, Any]:
        """cycles, instructions, ipc and the breakdown, for reports."""
        return {"cpu": self.profile.name, "level": self.level, "cycles": self.cycles,
                "instructions": self.instructions, "ipc": self.ipc, "breakdown": self.breakdown()}

    def __repr__(self) -> str:
        return f"<Timing {self.profile.name} {self.level} cycles={self.cycles} insns={self.instructions}>"


__all__ = ["CATEGORIES", "DEFAULT_LEVEL", "LEVELS", "WORK", "Timing", "check_level", "op_cost", "refining_mask",
           "static_cost", "timed_charge"]
