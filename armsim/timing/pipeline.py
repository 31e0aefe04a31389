"""The pipeline level: issue groups, a register scoreboard, branch prediction, serialisation, L1 caches.

The model is an in-order issue model of the profile's core (for the
out-of-order Cortex-A15 an approximation: it issues in program order, so a
dependency stalls younger independent work, which the real core would
reorder around).  Per executed instruction, in program order:

1. **Issue group.**  An instruction joins the current cycle's group when its
   slots and execution unit still fit (``TimingTable.issue_width``,
   ``units``) and, for a class that may only issue first (``second=False``,
   e.g. Cortex-A7 register ALU ops on ex1), the group is empty; otherwise it
   opens the next cycle.  A taken branch, a call and a multi-cycle operation
   end their group.
2. **Operands.**  It issues no earlier than every source register's ready
   cycle (the producer's issue cycle + its class latency): load-use and
   multiply interlocks.  The wait is counted as ``interlock``.
3. **Multi-cycle issue.**  LDM/STM hold issue ceil(n / ldm_regs_per_cycle)
   cycles, long multiplies and divides their ``issue`` cycles; a divide on a
   profile with :class:`~armsim.timing.tables.DivideTiming` takes
   base + ceil(quotient bits / bits per cycle) (the quotient is the
   destination's value after execution).
4. **Serialisation.**  A serialising class (CP14/CP15 moves, ISB/DSB/DMB,
   CPS/MSR of the mode, exception generation/return) waits for every
   outstanding result and issues alone for its ``issue`` cycles
   (``serialise``; exception returns count as ``exception``).
5. **Branches.**  Conditional branches (and CBZ/CBNZ, whose direction comes
   from a register) are predicted by a table of 2-bit counters
   (``predictor_entries``, indexed by address bits [n:2]); calls
   push a return stack (``return_stack`` entries) that predicts returns;
   other indirect branches predict the last target (``btb_entries``).  A
   wrong prediction costs ``mispredict_penalty`` cycles (``mispredict``).
6. **Caches** (off by default): an L1 I-cache lookup when fetch moves to a new
   line and an L1 D-cache lookup per load/store line (LRU, the profile's
   geometry); a miss stalls issue by the geometry's ``miss`` cycles
   (``cache``; a blocking cache, a simplification).

An instruction whose condition fails is timed as if it executed (it still
occupies its issue slot; its destination is not really written, but we do
not model that).  An instruction that raises (a fault, a semihosting call)
is not timed; the exception entry is priced by the timing model.

Speed: the timing of one instruction is written once, :func:`timing_lines`,
as source lines specialised on its shape (source count, destination count,
multi-cycle, serialising, flow, caches).  The interpreter's op is a closure
compiled once per shape that runs the op and then those lines on a few
lists (:func:`timing_source`); a translated block splices the same lines,
constants as literals, after the instruction's body (armsim.exec.blocks).
"""

from __future__ import annotations

from types import CodeType
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

from armsim.timing.costs import FLAGS, CostClass, Flow, OpCost
from armsim.timing.tables import TimingTable, multiple_cycles

Op = Callable[[], int]

# Category slots of the accumulator list shared with armsim.timing.model.
INTERLOCK, MISPREDICT, CACHE, SERIALISE, EXCEPTION = 1, 2, 3, 4, 5

_SLOT_BITS = 4
_EXC_CLASSES = (CostClass.EXC_GEN, CostClass.EXC_RETURN)
_MULTIPLE = (CostClass.LOAD_MULTIPLE, CostClass.STORE_MULTIPLE, CostClass.LOAD_PC)


class Cache:
    """An L1 cache's tags: ``sets`` lists of at most ``ways`` line numbers, most recent last (LRU)."""

    def __init__(self, size: int, ways: int, line: int) -> None:
        self.ways = ways
        self.shift = line.bit_length() - 1
        self.nsets = max(1, size // (ways * line))
        self.sets: List[List[int]] = [[] for _ in range(self.nsets)]
        self.hits = 0
        self.misses = 0

    def access(self, line: int) -> bool:
        """Look up (and fill) ``line`` (address >> shift); True on a hit."""
        s = self.sets[line % self.nsets]
        if s and s[-1] == line:
            self.hits += 1
            return True
        if line in s:
            s.remove(line)
            s.append(line)
            self.hits += 1
            return True
        self.misses += 1
        if len(s) >= self.ways:
            del s[0]
        s.append(line)
        return False


class Pipeline:
    """Pipeline-level state of one CPU and the factory of its timing closures."""

    def __init__(self, table: TimingTable, acc: List[int], caches: bool = False) -> None:
        self.table = table
        self.acc = acc  # category accumulators (model.CATEGORIES order)
        resources = ["slots", *sorted(table.units)]
        self._index = {r: i for i, r in enumerate(resources)}
        caps = [table.issue_width] + [table.units[u] for u in sorted(table.units)]
        self.base = sum((7 - cap) << (_SLOT_BITS * i) for i, cap in enumerate(caps))
        self.ovf = sum(8 << (_SLOT_BITS * i) for i in range(len(caps)))
        # A closed group: the slot field at exactly 8 (any further increment still overflows).
        self.full = (self.base & ~0xF) | 8
        self.caches = caches
        self.icache: Optional[Cache] = None
        self.dcache: Optional[Cache] = None
        self.reset()

    def reset(self) -> None:
        t = self.table
        # st: [issue cycle of the current group, group occupancy, return-stack top, bottom, fetch line]
        self.st: List[int] = [0, self.base, 0, 0, -1]
        self.ready: List[int] = [0] * (FLAGS + 1)
        self.counters = bytearray([1]) * t.predictor_entries  # 2-bit counters, weakly not taken
        self.btb: List[int] = [-1] * t.btb_entries
        self.ras: List[int] = [-1] * max(1, t.return_stack)
        if self.caches:
            self.icache = Cache(t.l1i.size, t.l1i.ways, t.l1i.line)
            self.dcache = Cache(t.l1d.size, t.l1d.ways, t.l1d.line)
        self._shared = self._shared_consts()
        self._parts: Dict[Tuple[Any, ...], Tuple[Callable[[Dict[str, Any]], Op], Dict[str, Any]]] = {}

    @property
    def cycles(self) -> int:
        """Cycles from the first issue to the end of the last issue cycle (0 before any issue).

        The group occupancy is ``base`` only before the first instruction: every
        issue leaves its own increment (or the closed-group mark) in it.
        """
        st = self.st
        return st[0] + 1 if st[1] != self.base else 0

    # -- building -----------------------------------------------------------------
    def wrap(self, op: Op, oc: OpCost, info: Any, cond: int, ea: Optional[Callable[[], int]],
             regs: List[int]) -> Op:
        """The op with its pipeline timing around it (decode time: the class's part is worked out
        once per cost record and condition, :meth:`_class_part`)."""
        conditional = cond not in (14, 15) or oc.conditional
        use_d = self.dcache is not None and ea is not None
        key = (oc, conditional, use_d)
        got = self._parts.get(key)
        if got is None:
            got = self._parts[key] = self._class_part(oc, conditional, use_d)
        factory, part = got
        t = self.table
        addr = info.addr
        consts = dict(self._shared)
        consts.update(part)
        consts["op"] = op
        consts["FALL"] = info.nxt
        consts["PIDX"] = (addr >> 2) % t.predictor_entries
        consts["BIDX"] = (addr >> 2) % t.btb_entries
        consts["ILINE"] = addr >> (self.icache.shift if self.icache else 6)
        consts["ea"] = ea
        consts["regs"] = regs
        return factory(consts)

    def _shared_consts(self) -> Dict[str, Any]:
        """The constants every closure of this pipeline shares: its lists and the profile's numbers."""
        t = self.table
        return {"st": self.st, "ready": self.ready, "cat": self.acc, "BASE": self.base, "OVF": self.ovf,
                "FULL": self.full, "PEN": t.mispredict_penalty, "ctr": self.counters, "btb": self.btb,
                "ras": self.ras, "R": len(self.ras), "ic": self.icache.access if self.icache else None,
                "MISS_I": t.l1i.miss, "dc": self.dcache.access if self.dcache else None,
                "DSHIFT": self.dcache.shift if self.dcache else 6, "MISS_D": t.l1d.miss,
                "DIVB": t.divide.base if t.divide else 0, "DIVR": t.divide.bits_per_cycle if t.divide else 1}

    def _class_part(self, oc: OpCost, conditional: bool, use_d: bool
                    ) -> Tuple[Callable[[Dict[str, Any]], Op], Dict[str, Any]]:
        """(the closure factory of the shape, the constants) that follow from one cost record."""
        t = self.table
        ct = t.classes[oc.cls]
        k = ct.issue
        if oc.cls in _MULTIPLE:
            k = multiple_cycles(t, oc.nregs)
        divide = oc.cls in (CostClass.UDIV, CostClass.SDIV) and t.divide is not None
        srcs = tuple(dict.fromkeys(r for r in oc.srcs if r != 15))
        dsts = tuple(dict.fromkeys(r for r in oc.dsts if r != 15))
        lat = ct.latency + (k - 1 if oc.cls in _MULTIPLE else 0)
        inc = ct.slots << 0 | 1 << (_SLOT_BITS * self._index[ct.unit])
        nbytes = 4 * max(1, oc.nregs) if oc.cls in _MULTIPLE else 8
        multi = k > 1 and not divide and not ct.serialise
        shape = Shape(len(srcs), len(dsts), multi, divide, ct.second, ct.last, ct.serialise, int(oc.flow),
                      conditional, self.icache is not None, use_d)
        part: Dict[str, Any] = {"INC": inc, "LAT": lat, "K": k, "NB": nbytes,
                                "SER": EXCEPTION if oc.cls in _EXC_CLASSES else SERIALISE}
        for i, r in enumerate(srcs):
            part[f"S{i}"] = r
        for i, r in enumerate(dsts):
            part[f"D{i}"] = r
        return _factory(shape), part


class Shape(NamedTuple):
    """What an instruction's timing lines are specialised on (one compiled closure per shape)."""

    nsrc: int  # source registers the scoreboard checks
    ndst: int  # destination registers it marks
    multi: bool  # holds issue K cycles (LDM/STM, long multiplies)
    divide: bool  # operand-dependent divide (the profile's DivideTiming)
    second: bool  # may issue after others in its group
    last: bool  # ends its group
    serialise: bool  # waits for every result and issues alone
    flow: int  # Flow
    conditional: bool  # a predicted direction
    use_i: bool  # L1 I-cache lookup
    use_d: bool  # L1 D-cache lookup (its address read before the op)


_FACTORIES: Dict[Shape, Callable[[Dict[str, Any]], Op]] = {}


# The timing body's names: ``nxt`` (the key the instruction went to) and ``a`` (the D-cache address) are
# its inputs; ``now_`` (the current group's issue cycle) and ``grp_`` (its occupancy) carry from one
# instruction to the next (the closure keeps them in ``st[0]``/``st[1]``; a translated block in locals);
# ``t``, ``c``, ``k``, ``pr``, ``c0``, ``g0``, ``start``, ``ln``, ``hit`` are its temporaries; the rest are
# :data:`_NAMES`, the constants of one instruction and the pipeline's shared lists.
CARRIED = ("now_", "grp_")


def timing_lines(shape: Shape) -> List[str]:
    """The timing of one instruction of ``shape``, after it executed: the one definition of the
    pipeline level, run by the per-instruction closure (:func:`timing_source`) and spliced after
    the instruction's body in a translated block (armsim.exec.blocks)."""
    nsrc, ndst, multi, divide, second, last, serialise, flow, conditional, use_i, use_d = shape
    L: List[str] = []
    if serialise:
        L += ["c0 = now_", "g0 = grp_"]  # the group it would join, before it opens its own
    if use_i:
        L += ["if st[4] != ILINE:",
              "    st[4] = ILINE",
              "    if not ic(ILINE):",
              "        cat[3] += MISS_I",
              "        now_ += MISS_I",
              "        grp_ = BASE"]
    if second:
        L += ["grp_ += INC",
              "if grp_ & OVF:",
              "    now_ += 1",
              "    grp_ = BASE + INC"]
    else:  # first in its group only: a non-empty group closes
        L += ["if grp_ != BASE or BASE + INC & OVF:",
              "    now_ += 1",
              "grp_ = BASE + INC"]
    if nsrc == 1:
        L += ["if ready[S0] > now_:",
              "    cat[1] += ready[S0] - now_",
              "    now_ = ready[S0]",
              "    grp_ = BASE + INC"]
    elif nsrc:
        L.append("t = ready[S0]")
        for i in range(1, nsrc):
            L += [f"if ready[S{i}] > t:", f"    t = ready[S{i}]"]
        L += ["if t > now_:", "    cat[1] += t - now_", "    now_ = t", "    grp_ = BASE + INC"]
    # The issue cycle of the result's producer differs from the group's only when issue holds.
    at = "start" if serialise or use_d or multi or divide else "now_"
    if serialise:
        L += ["t = max(ready)",
              "if t > now_:",
              "    cat[SER] += t - now_",
              "    now_ = t",
              "if g0 != BASE and now_ == c0:",
              "    now_ += 1",
              "cat[SER] += K - 1",
              "start = now_",
              "now_ += K - 1",
              "grp_ = FULL"]
    elif at == "start":
        L.append("start = now_")
    if use_d:
        L += ["ln = a >> DSHIFT",
              "hit = dc(ln)",
              "if ((a + NB - 1) & 0xFFFFFFFF) >> DSHIFT != ln and not dc(ln + 1):",
              "    hit = False",
              "if not hit:",
              "    cat[3] += MISS_D",
              "    now_ += MISS_D",
              "    start += MISS_D",
              "    grp_ = FULL"]
    if multi:
        L += ["now_ += K - 1", "grp_ = FULL"]
    if divide:
        L += ["k = DIVB + (regs[D0].bit_length() + DIVR - 1) // DIVR",
              "now_ += k - 1",
              "grp_ = FULL"]
    for i in range(ndst):
        if divide:
            L.append(f"ready[D{i}] = start + k")
        else:
            L.append(f"ready[D{i}] = {at} + LAT")
    if last:
        L.append("grp_ = FULL")
    f = Flow(flow)
    if f in (Flow.DIRECT, Flow.CALL, Flow.RETURN, Flow.INDIRECT):
        body: List[str] = []
        if f == Flow.CALL:
            body += ["ras[st[2] % R] = FALL",
                     "st[2] += 1",
                     "if st[2] - st[3] > R:",
                     "    st[3] += 1"]
        elif f == Flow.RETURN:
            body += ["if st[2] > st[3]:",
                     "    st[2] -= 1",
                     "    pr = ras[st[2] % R]",
                     "else:",
                     "    pr = -1",
                     "if pr != nxt:",
                     "    cat[2] += PEN",
                     "    now_ += PEN"]
        elif f == Flow.INDIRECT:
            body += ["pr = btb[BIDX]",
                     "btb[BIDX] = nxt",
                     "if pr != nxt:",
                     "    cat[2] += PEN",
                     "    now_ += PEN"]
        body.append("grp_ = FULL")
        if conditional:
            L += ["c = ctr[PIDX]",
                  "if nxt != FALL:",
                  "    if c < 3:",
                  "        ctr[PIDX] = c + 1",
                  "    if c < 2:",
                  "        cat[2] += PEN",
                  "        now_ += PEN"]
            if f in (Flow.RETURN, Flow.INDIRECT):
                # A wrong direction already cost the refill; the target check applies when it was right.
                L += ["    else:"] + ["        " + b for b in body if not b.startswith("grp_ = ")]
                L += ["    grp_ = FULL"]
            else:
                L += ["    " + b for b in body]
            L += ["else:",
                  "    if c > 0:",
                  "        ctr[PIDX] = c - 1",
                  "    if c >= 2:",
                  "        cat[2] += PEN",
                  "        now_ += PEN",
                  "        grp_ = FULL"]
        else:
            L += body
    elif f == Flow.EXCEPTION:
        L.append("grp_ = FULL")
    return L


def timing_source(shape: Shape) -> str:
    """The per-instruction closure of one shape: the op, then :func:`timing_lines` on ``st``."""
    L: List[str] = ["def timed():"]
    if shape.use_d:  # the address from the operands before the op changes them
        L.append("    a = ea()")
    L += ["    nxt = op()", "    now_ = st[0]", "    grp_ = st[1]"]
    L += ["    " + ln for ln in timing_lines(shape)]
    L += ["    st[0] = now_", "    st[1] = grp_", "    return nxt"]
    return "\n".join(L) + "\n"


def _factory(shape: Shape) -> Callable[[Dict[str, Any]], Op]:
    fn = _FACTORIES.get(shape)
    if fn is None:
        body = timing_source(shape)
        names = sorted(set(_NAMES) | {f"S{i}" for i in range(shape.nsrc)} | {f"D{i}" for i in range(shape.ndst)})
        src = "def make(" + ", ".join(names) + "):\n" + "".join("    " + ln + "\n" for ln in body.splitlines())
        src += "    return timed\n"
        ns: Dict[str, Any] = {}
        exec(compile(src, f"<timing {shape}>", "exec"), ns)
        make = ns["make"]
        timed_code = next(c for c in make.__code__.co_consts if isinstance(c, CodeType) and c.co_name == "timed")
        _SHAPE_OF[timed_code] = shape

        def fn(consts: Dict[str, Any], _make: Any = make) -> Op:
            op: Op = _make(**consts)  # every name of _NAMES, S0.. and D0.. of the shape: no more
            return op

        _FACTORIES[shape] = fn
    return fn


# The code of each shape's closure -> its shape (what :func:`timing_parts` reads back).
_SHAPE_OF: Dict[CodeType, Shape] = {}


def timing_parts(op: Op) -> Optional[Tuple[Op, Shape, Dict[str, Any]]]:
    """``(inner op, shape, constants)`` of an op the pipeline level wrapped, else None.

    Read from the closure (translation time only), so wrapping sets no attributes; a translated
    block splices ``timing_lines(shape)`` with the constants after the inner op's body.
    """
    code = getattr(op, "__code__", None)
    shape = _SHAPE_OF.get(code) if code is not None else None
    if shape is None:
        return None
    assert code is not None
    consts = {name: cell.cell_contents for name, cell in zip(code.co_freevars, op.__closure__ or ())}
    return consts["op"], shape, consts


_NAMES = ("op", "st", "ready", "cat", "INC", "BASE", "OVF", "FULL", "LAT", "K", "FALL", "PEN", "ctr", "PIDX",
          "btb", "BIDX", "ras", "R", "SER", "regs", "ILINE", "ic", "MISS_I", "ea", "dc", "DSHIFT", "NB", "MISS_D",
          "DIVB", "DIVR")


__all__ = ["CACHE", "CARRIED", "EXCEPTION", "INTERLOCK", "MISPREDICT", "SERIALISE", "Cache", "Pipeline", "Shape",
           "timing_lines", "timing_parts", "timing_source"]
