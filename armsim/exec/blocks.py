"""Translated basic blocks: one Python function per hot block, state precise at every exit.

A *block* starts at a PC key and runs straight-line code.  It ends after a
branch or any instruction that writes the PC, an instruction whose op is a
cold callable of the system or coprocessor classes (exception-generating,
serialising, mode or instruction-set changes), an UNDEFINED encoding, at a
4 KiB page boundary, or after ``MAX_BLOCK`` instructions.

A block first runs *cold*: its decoded ops (the interpreter's, shared with
:class:`~armsim.exec.engine.Engine`'s cache) are called one after another.
Once it has run ``hot`` times it is translated: the operations' templates
(:mod:`armsim.isa.template`: the same definition the per-instruction op was
generated from) are spliced into one function, decoded fields become literal
constants, cold ops are called.  A block function returns ``(next key,
instructions executed)``, so counts are exact at every exit.

Precise state:

* Registers and flags live in ``cpu.regs`` / ``cpu.flags`` throughout, as the
  interpreter's ops keep them; an exception raised mid-block (a Data Abort, an
  UNDEFINED op taking its exception, a semihosting call) leaves exactly the
  interpreter's state.  The engine finds the instruction that raised from the
  traceback's line in the block function (no per-instruction bookkeeping).
* A called op that returns a key other than its next instruction's leaves the
  block there.
* A store into translated code (``Memory.code_lines``) or a flush of decoded
  state (CPSR.E, SCTLR.A, the memory map) sets the ``stale`` cell; the block
  leaves after the instruction that did it, so a block that overwrites its own
  later instructions sees the new code, as the interpreter does.
* ``max_instructions`` is exact: a block longer than what is left runs on the
  interpreter's ops.

The pipeline timing level runs inside the block: each instruction's timing
(:func:`armsim.timing.pipeline.timing_lines`, the definition the interpreter's timed op runs)
follows its body (:class:`PipeTime`), the scoreboard's clock and group and the ready cycles the
block writes in locals, written back at exits, around called ops and when a line raises.
Tracing and the L1 caches' lookups (``Engine.per_instruction``) fall back to the interpreter
for the whole run.
"""

from __future__ import annotations

import dataclasses
import platform
import re
import sys
from types import CodeType, FrameType
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set, Tuple

from armsim.debug.events import WatchpointHit
from armsim.errors import GuestError
from armsim.exec.engine import CODE_LINE_SHIFT, Engine, FetchFault
from armsim.isa.contract import ExecContext, GuestExit, GuestHalt, Op, SemihostingCall
from armsim.isa.template import Template, template_of
from armsim.memory import MemoryFault, RamWindow
from armsim.signals import OutputError
from armsim.stop import GuestStop, RunInterrupted, Stop, StopKind
from armsim.timing.model import timed_charge
from armsim.timing.pipeline import CARRIED, Shape, timing_lines, timing_parts

BlockFn = Callable[[int], Tuple[int, int]]  # (instructions left) -> (next key, executed)
Pending = Tuple[Tuple[int, int], ...]  # (timing category, cycles) not yet charged
FLAGS_LOCAL = 16  # the index standing for ``flags[0]`` (local ``FL``) in a dirty set

MAX_BLOCK = 64
PAGE_SHIFT = 12
DEFAULT_HOT = 64
# Compiled block sources, shared by every engine of the process (the same guest in another
# Machine, a test suite, a benchmark's repeats): the source holds everything but the bound
# names, so equal sources compile to interchangeable code.  Cleared when full.
CODE_CACHE = 4096
_CODE: Dict[str, CodeType] = {}
# Under PyPy the run loop calls blocks from 16 call sites, chosen by bits 5:2 of the key: the JIT
# compiles a call of a varying function as a guard on the callee followed by its inlined body,
# and a failed guard as a bridge that guards on the next callee, so one site tries the guards of
# every block seen there in turn (measured: ~170 ns per call with 300 blocks, against ~15 ns
# with one).  With 16 sites each chain is a sixteenth as long.  CPython: one site.
SITES = platform.python_implementation() == "PyPy"

# Builders of these modules are the cold callables (system, coprocessor): a block ends after them.
_COLD_MODULES = ("armsim.isa.ops.system", "armsim.isa.ops.coproc")
_DEST_FIELDS = ("Rd", "Rt", "Rt2", "RdHi", "RdLo")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Block:
    """A basic block: its instructions' keys and ops, and (once translated) its function."""

    __slots__ = ("acc", "code", "end", "key", "keys", "line_dirty", "line_index", "line_pending", "nxts", "ops",
                 "runs", "start", "tready", "tst", "where")

    def __init__(self, key: int, keys: List[int], ops: List[Op], nxts: List[int], end: int) -> None:
        self.key = key
        self.keys = keys
        self.ops = ops
        self.nxts = nxts
        self.start = key & 0xFFFFFFFE
        self.end = end  # one past the last byte
        self.runs = 0
        self.where = [0]  # cold runs: the index of the instruction that raised
        self.code: Optional[CodeType] = None
        self.line_index: Dict[int, int] = {}
        self.line_pending: Dict[int, Pending] = {}
        self.line_dirty: Dict[int, Tuple[int, ...]] = {}
        self.acc: Optional[List[int]] = None
        self.tst: Optional[List[int]] = None  # the pipeline level's state list (its first two carried in locals)
        self.tready: Optional[List[int]] = None  # its scoreboard (entries the block writes carried in locals)

    def _frame(self, exc: BaseException) -> Tuple[Optional[FrameType], int]:
        """The translated function's frame ``exc`` left and its line (None: raised while cold)."""
        tb = exc.__traceback__
        code = self.code
        while tb is not None and code is not None:
            if tb.tb_frame.f_code is code:
                return tb.tb_frame, tb.tb_lineno
            tb = tb.tb_next
        return None, 0

    def fault_index(self, exc: BaseException) -> Tuple[int, int]:
        """``(index, before)``: the instruction that raised ``exc`` out of this block's function
        and how many instructions the call completed before it (a looping block's earlier
        iterations included)."""
        frame, line = self._frame(exc)
        if frame is None:
            return self.where[0], self.where[0]  # raised while the block ran cold
        i = self.line_index.get(line, 0)  # the def line: on entry
        return i, i + int(frame.f_locals.get("N_", 0))

    def restore(self, exc: BaseException, regs: List[int], flags: List[int]) -> None:
        """After ``exc`` left the translated function: write back the registers and flags it held
        in locals (from its frame), and make the timing charges it had not made yet (the raising
        instruction's included, as its op's ``finally`` charges it), so the state is the
        interpreter's."""
        frame, line = self._frame(exc)
        if frame is None:
            return
        dirty = self.line_dirty.get(line)
        if dirty:
            loc = frame.f_locals
            for i in dirty:
                if i == FLAGS_LOCAL:
                    flags[0] = loc["FL"]
                else:
                    regs[i] = loc[f"R{i}"]
        acc = self.acc
        if acc is not None:
            for c, v in self.line_pending.get(line, ()):
                acc[c] += v
        tst = self.tst
        if tst is not None:
            # The pipeline level's clock and group as the instructions before the raising one left them.
            loc = frame.f_locals
            if CARRIED[0] in loc:
                tst[0] = loc[CARRIED[0]]
                tst[1] = loc[CARRIED[1]]
            ready = self.tready
            if ready is not None:
                for k, v in loc.items():
                    if k.startswith("RDY"):  # a ready cycle held in a local holds the latest value
                        ready[int(k[3:])] = v


def _literal(v: Any) -> Optional[str]:
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, int):
        return repr(v) if v >= 0 else f"({v!r})"
    return None


class _Shape:
    """What translation needs of one template body, worked out once per body and slot names.

    ``fmt``: the lines as format strings, each slot a ``{name}`` field; ``lfmt``: the same with
    ``regs[<register slot or number>]`` as the local ``R<n>`` and ``flags[0]`` as ``FL`` (None:
    the body cannot run on locals: it uses ``regs``/``flags`` otherwise, names a local of ours, or calls
    a slot that may read registers other than to leave the block); ``regslots``: the slots indexing
    ``regs`` (a body runs on locals only when they are numbers).
    """

    __slots__ = ("fmt", "lfmt", "regslots")

    def __init__(self, tpl: Template) -> None:
        slots = tpl.slots

        def fields(line: str) -> str:
            line = line.replace("{", "{{").replace("}", "}}")
            line = _IDENT.sub(lambda m: "{" + m.group(0) + "}" if m.group(0) in slots else m.group(0), line)
            return line.replace("\x01", "")

        self.fmt = [fields(ln) for ln in tpl.lines]
        regslots: Set[str] = set()

        def reg(m: Any) -> str:
            x = m.group(1)
            if x.isdigit():
                return "R" + x
            regslots.add(x)
            return "R\x01" + x + "\x01"  # the slot becomes a field next to R (fields() drops the marks)

        lfmt: Optional[List[str]] = []
        for raw in tpl.lines:
            loc = _FLAGS.sub("FL", _REG_SLOT.sub(lambda m: reg(m) if m.group(1).isdigit() or m.group(1) in slots
                                                 else m.group(0), raw))
            if _STATE.search(loc) or _OURS.search(raw):
                lfmt = None
                break
            if not raw.lstrip().startswith("return ") and any(
                    c in slots and c not in _PURE_CALLS for c in _CALL.findall(raw)):
                lfmt = None
                break
            assert lfmt is not None
            lfmt.append(fields(loc))
        self.lfmt = lfmt
        self.regslots = tuple(sorted(regslots))


_SHAPES: Dict[Tuple[Tuple[str, ...], Tuple[str, ...]], _Shape] = {}


def _shape(tpl: Template) -> _Shape:
    key = (tpl.lines, tuple(tpl.slots))
    sh = _SHAPES.get(key)
    if sh is None:
        sh = _SHAPES[key] = _Shape(tpl)
    return sh


def _subst(tpl: Template, idx: int, bind: Dict[str, Any]) -> Dict[str, str]:
    subst: Dict[str, str] = {}
    for name, value in tpl.slots.items():
        lit = _literal(value)
        if lit is None:
            bound = f"{name}_{idx}"
            bind[bound] = value
            subst[name] = bound
        else:
            subst[name] = lit
    return subst


def inline_lines(tpl: Template, idx: int, bind: Dict[str, Any]) -> List[str]:
    """``tpl``'s body with integer slots as literals and the others as names bound in ``bind``."""
    subst = _subst(tpl, idx, bind)
    return [f.format_map(subst) for f in _shape(tpl).fmt]


def localised_lines(tpl: Template, idx: int, bind: Dict[str, Any]) -> Tuple[List[str], bool]:
    """(``tpl``'s body as :func:`inline_lines`, whether it runs on the block's locals): on locals,
    ``regs[k]`` is ``Rk`` and ``flags[0]`` is ``FL``."""
    subst = _subst(tpl, idx, bind)
    sh = _shape(tpl)
    slots = tpl.slots
    if sh.lfmt is not None and all(type(slots[r]) is int for r in sh.regslots):
        return [f.format_map(subst) for f in sh.lfmt], True
    return [f.format_map(subst) for f in sh.fmt], False


def unwrap(op: Op) -> Tuple[Op, Optional[List[int]], int, int]:
    """``(op to inline or call, timing acc or None, category, extra cycles)`` of a decoded op.

    An op the fast timing level wrapped (:func:`armsim.timing.model.timed_charge`) whose inner
    op has a template is inlined, its charge summed by the block; an op the pipeline level wrapped
    (:func:`pipeline_unwrap`) gives its inner op; any other op is used as is.
    """
    tc = timed_charge(op)
    if tc is not None and template_of(tc[0]) is not None:
        return tc
    parts = _spliceable(op)
    if parts is not None:
        return parts[0], None, 0, 0
    return op, None, 0, 0


# Names a block binds for the pipeline's shared state (timing lines name them ``st``, ``ready`` ...).
_TIMING_SHARED = {"st": "TST_", "ready": "TRD_", "cat": "TCAT_", "ctr": "TCTR_", "btb": "TBTB_", "ras": "TRAS_"}
_TIMING_LINES: Dict[Tuple[Shape, Tuple[Tuple[str, int], ...]], List[str]] = {}


class PipeTime:
    """One instruction's pipeline-level timing as a translated block splices it after the body.

    The lines are :func:`armsim.timing.pipeline.timing_lines` (the definition the per-instruction
    closure runs) with the instruction's constants as literals and the pipeline's lists as the
    names of ``_TIMING_SHARED``; they read ``nxt`` and carry ``now_``/``grp_``
    (:data:`~armsim.timing.pipeline.CARRIED`) in the block's locals.
    """

    __slots__ = ("dsts", "ints", "names", "serialise", "shape", "srcs")

    def __init__(self, shape: Shape, consts: Dict[str, Any]) -> None:
        self.shape = shape
        self.srcs: Tuple[int, ...] = tuple(consts[f"S{i}"] for i in range(shape.nsrc))
        self.dsts: Tuple[int, ...] = tuple(consts[f"D{i}"] for i in range(shape.ndst))
        self.ints = {k: v for k, v in consts.items() if type(v) is int and not (k[0] == "S" and k[1:].isdigit())}
        self.names = {_TIMING_SHARED[k]: v for k, v in consts.items() if k in _TIMING_SHARED}
        self.serialise = shape.serialise  # reads the whole scoreboard (max(ready))

    def lines(self, known: Set[int]) -> List[str]:
        """The lines, without the readiness checks of the sources in ``known``; then ``known`` as after them.

        ``known``: the registers whose ready cycle is at most the clock.  The clock never goes back,
        so once an instruction waited for a source, a later check of it (before anything writes it)
        cannot stall: leaving it out changes no cycle.
        """
        srcs = [r for r in self.srcs if r not in known]
        ints = dict(self.ints)
        for i, r in enumerate(srcs):
            ints[f"S{i}"] = r
        shape = self.shape._replace(nsrc=len(srcs))
        key = (shape, tuple(sorted(ints.items())))
        got = _TIMING_LINES.get(key)
        if got is None:
            subst: Dict[str, str] = {k: (repr(v) if v >= 0 else f"({v!r})") for k, v in ints.items()}
            subst.update(_TIMING_SHARED)
            got = [_IDENT.sub(lambda m: subst.get(m.group(0), m.group(0)), ln) for ln in timing_lines(shape)]
            if len(_TIMING_LINES) > 1 << 14:
                _TIMING_LINES.clear()
            _TIMING_LINES[key] = got
        known.update(self.srcs)
        known.difference_update(self.dsts)
        return got


def pipeline_unwrap(op: Op) -> Optional[Tuple[Op, PipeTime]]:
    """``(inner op, its timing)`` of an op the pipeline level wrapped whose inner op has a template and
    whose timing a block can run after its body (no cache lookups: the D-cache address is read
    before the op); None otherwise (the op is called whole)."""
    parts = _spliceable(op)
    return (parts[0], PipeTime(parts[1], parts[2])) if parts is not None else None


def _spliceable(op: Op) -> Optional[Tuple[Op, Shape, Dict[str, Any]]]:
    """:func:`~armsim.timing.pipeline.timing_parts` of a pipeline-timed op a block can splice: its
    inner op has a template and its timing looks up no cache (None otherwise)."""
    parts = timing_parts(op)
    if parts is None or template_of(parts[0]) is None or parts[1].use_i or parts[1].use_d:
        return None
    return parts


def _charges(pad: str, pend: Dict[int, int]) -> List[str]:
    return [f"{pad}acc[{c}] += {v}" for c, v in sorted(pend.items()) if v]


_REG_SLOT = re.compile(r"\bregs\[([A-Za-z_][A-Za-z0-9_]*|\d+)\]")
_FLAGS = re.compile(r"\bflags\[0\]")
_STATE = re.compile(r"\b(?:regs|flags)\b")
_OURS = re.compile(r"\b(?:R\d+|FL)\b")
_CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\(")
_ASSIGNED = re.compile(r"^([^=]*)=(?!=)")
# Slots of memory accessors: calling them reads or writes no register.
_PURE_CALLS = frozenset(("rd", "wr", "mem"))


_PLAIN = re.compile(r"(?:R\d+|regs\[\d+\])$")  # a register: a 32-bit value
_NXT = re.compile(r"\bnxt\b")
_RDY = re.compile(r"\bTRD_\[(\d+)\]")  # a ready cycle of the pipeline's scoreboard (a literal index)
_RDY_DEF = re.compile(r"^(\s*)TRD_\[(\d+)\] = (.*)$")


def _close(line: str, at: int) -> int:
    """The index of the parenthesis closing the one at ``line[at]`` (-1: none)."""
    depth = 0
    for i in range(at, len(line)):
        c = line[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _split_args(args: str) -> List[str]:
    out: List[str] = []
    depth = 0
    last = 0
    for i, c in enumerate(args):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(args[last:i].strip())
            last = i + 1
    out.append(args[last:].strip())
    return out


_MASKED = re.compile(r"^\((.*)\) & 0xFFFFFFFF$")
_BASED = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?: \+ (\d+))?$")  # ``a`` or ``a + 8``
Access = Tuple[str, str, int, bool, str, str]  # (pad, accessor, size, is write, target or value, address)


def _access(line: str, pats: Dict[str, Any], mems: Dict[str, Tuple[int, bool]]) -> Tuple[Optional[Access], bool]:
    """(the access ``line`` makes through one of ``mems`` as a whole line, or None; whether it
    stays a call: a store the caller cannot inline)."""
    stripped = line.lstrip()
    pad = line[: len(line) - len(stripped)]
    for name, pat in pats.items():
        m = pat.search(stripped)
        if m is None:
            continue
        size, write = mems[name]
        close = _close(stripped, m.end() - 1)
        whole = close == len(stripped) - 1
        if write:
            args = _split_args(stripped[m.end():close])
            if whole and m.start() == 0 and len(args) == 2:
                return (pad, name, size, True, args[1], args[0]), False
            return None, True
        before = stripped[: m.start()]
        if whole and before.endswith(" = ") and "=" not in before[:-3]:
            return (pad, name, size, False, before[:-3], stripped[m.end():close]), False
        return None, False
    return None, False


def _unmasked(addr: str) -> str:
    """``addr`` without an outer ``& 0xFFFFFFFF``: an address outside [0, 2^32) misses the RAM
    window's check, and the accessors wrap it (``Memory._slow_read``)."""
    m = _MASKED.match(addr)
    if m is not None and _close(addr, 0) == len(m.group(1)) + 1:
        return m.group(1)
    return addr


def inline_memory(lines: List[str], mems: Dict[str, Tuple[int, bool]],
                  window: RamWindow) -> Tuple[List[str], bool, bool]:
    """``lines`` with the calls of the memory accessors bound as ``mems`` (name -> (size, is_write))
    that form a whole line (``x = rd(a)``, ``wr(a, v)``) replaced by inline RAM accesses; a run of
    word accesses at ``a``, ``a + 4``, ... (LDM/STM) checks the range once.

    Returns (lines, whether a store was inlined, whether a store was left as a call).
    """
    out: List[str] = []
    inlined = called = False
    pats = {name: re.compile(r"(?<![A-Za-z0-9_])" + name + r"\(") for name in mems}
    found = []
    for line in lines:
        acc, call = _access(line, pats, mems)
        called = called or call
        if acc is not None and not window.usable(acc[2]):
            called = called or acc[3]
            acc = None
        found.append(acc)
    i = 0
    while i < len(lines):
        acc = found[i]
        if acc is None:
            out.append(lines[i])
            i += 1
            continue
        pad, name, size, write, what, addr = acc
        # A run: same accessor and indentation, words at consecutive offsets from one name.
        run = [acc]
        based = _BASED.match(addr) if size == 4 else None
        if based is not None:
            base, first = based.group(1), int(based.group(2) or 0)
            while i + len(run) < len(lines):
                nxt = found[i + len(run)]
                if nxt is None or nxt[:4] != acc[:4]:
                    break
                m = _BASED.match(nxt[5])
                if m is None or m.group(1) != base or int(m.group(2) or 0) != first + 4 * len(run):
                    break
                if not write and nxt[4] == base:
                    break
                run.append(nxt)
            if not write:  # a load into the base name ends the run after it
                for j, r in enumerate(run[:-1]):
                    if r[4] == base:
                        run = run[: j + 1]
                        break
        if len(run) > 1:
            if write:
                out += window.store_run_lines(pad, [(r[4], bool(_PLAIN.match(r[4]))) for r in run], addr, name)
            else:
                out += window.load_run_lines(pad, [r[4] for r in run], addr, name)
        elif write:
            out += window.store_lines(pad, size, _unmasked(addr), what, name, bool(_PLAIN.match(what)))
        else:
            out += window.load_lines(pad, what, size, _unmasked(addr), name)
        inlined = inlined or write
        i += len(run)
    return out, inlined, called


_LOCALS_OF: Dict[str, FrozenSet[int]] = {}


def _locals_of(line: str) -> FrozenSet[int]:
    """The registers (FLAGS_LOCAL: the flags) ``line`` names as locals (memoised: lines recur)."""
    got = _LOCALS_OF.get(line)
    if got is None:
        if len(_LOCALS_OF) > 1 << 16:
            _LOCALS_OF.clear()
        got = _LOCALS_OF[line] = frozenset(FLAGS_LOCAL if n == "FL" else int(n[1:]) for n in _OURS.findall(line))
    return got


Dirty = Tuple[int, ...]  # registers (FLAGS_LOCAL: the flags) whose local may differ from the state


def _mem_slots(tpl: Template, idx: int, window: Optional[RamWindow]) -> Dict[str, Tuple[int, bool]]:
    """The bound names (see :func:`inline_lines`) of ``tpl``'s slots that are the RAM window's accessors."""
    if window is None:
        return {}
    kinds = window.kinds
    out: Dict[str, Tuple[int, bool]] = {}
    for name, value in tpl.slots.items():
        if callable(value):
            try:
                kind = kinds.get(value)
            except TypeError:  # unhashable
                continue
            if kind is not None:
                out[f"{name}_{idx}"] = kind
    return out


_FL = re.compile(r"\bFL\b")
_FL_DEF = re.compile(r"^(\s*)FL = (.*)$")
_TEMP_DEF = re.compile(r"^([a-z][a-z0-9]*_?) = (.*)$")  # a template temporary (``a``, ``res``, ``ma_``)
# Calls that cannot raise on the ints a template passes them.
_SAFE_CALLS = frozenset(("bit_length", "abs", "min", "max", "int"))
Plan = List[Tuple[Op, int, int, Optional[Template], List[str], bool, bool]]


def _may_raise(line: str) -> bool:
    return line.lstrip().startswith("raise ") or any(c not in _SAFE_CALLS for c in _CALL.findall(line))


def _body_lines(tpl: Template, lines: List[str]) -> Optional[List[str]]:
    """A local template's lines without the fall-through ``return nxt`` (None: it may leave the block)."""
    if tpl.lines[-1] != "return nxt" or tpl.stores:  # a store may leave through the stale check
        return None
    body = lines[:-1]
    if any(ln.lstrip().startswith("return ") for ln in body):
        return None
    return body


def _flags_event(lines: List[str]) -> str:
    """How a body first meets the flags: "kill" (sets all of NZCV from other values first), "live"
    (reads them, or may raise, which leaves them architecturally visible), or "none"."""
    for ln in lines:
        m = _FL_DEF.match(ln)
        if m is not None and not m.group(1) and not _FL.search(m.group(2)) and not _may_raise(ln):
            return "kill"
        if _FL.search(ln) or _may_raise(ln):
            return "live"
    return "none"


def _drop_temporaries(lines: List[str]) -> List[str]:
    """``lines`` without top-level assignments of temporaries nothing after them reads."""
    out = list(lines)
    i = len(out) - 1
    while i >= 0:
        m = _TEMP_DEF.match(out[i])
        if m is not None and not _may_raise(out[i]):
            name = re.compile(r"\b" + re.escape(m.group(1)) + r"\b")
            if not any(name.search(ln) for ln in out[i + 1:]):
                del out[i]
        i -= 1
    return out


def drop_dead_flags(plan: Plan) -> int:
    """Flags computed only where read (issue item 2): drop a body's flag computation when a later
    instruction of the block sets all of NZCV before anything reads them, leaves the block, calls
    an op or may raise (an abort must see the flags the interpreter would).  Returns the number
    of flag computations dropped."""
    dropped = 0
    events: List[str] = []
    for _op, _, _, tpl, lines, local, _ in plan:
        body = _body_lines(tpl, lines) if tpl is not None and local else None
        events.append("live" if body is None else _flags_event(body))
    for idx, (op, cat, extra, tpl, lines, local, flagged) in enumerate(plan):
        if tpl is None or not local:
            continue
        body = _body_lines(tpl, lines)
        if body is None:
            continue
        defs = [i for i, ln in enumerate(body) if _FL_DEF.match(ln)]
        if len(defs) != 1:
            continue
        at = defs[0]
        after = body[at + 1:]
        if any(_FL.search(ln) or _may_raise(ln) for ln in after):
            continue
        for ev in events[idx + 1:]:
            if ev != "none":
                break
        else:
            ev = "live"  # the block's end: the flags are live at its exit
        if ev != "kill":
            continue
        pad = _FL_DEF.match(body[at]).group(1)  # type: ignore[union-attr]
        new = body[:at] + ([f"{pad}pass"] if pad else []) + after
        plan[idx] = (op, cat, extra, tpl, [*_drop_temporaries(new), lines[-1]], local, flagged)
        dropped += 1
    return dropped


def block_source(block: Block, window: Optional[RamWindow] = None, flag_liveness: bool = True
                 ) -> Tuple[str, Dict[str, Any], Dict[int, int], Dict[int, Pending], Dict[int, Dirty]]:
    """The source of a block's function, the names it binds, line -> instruction index,
    line -> the timing charges not yet made when that line raises, and line -> the locals to
    write back when that line raises.

    Registers and flags live in locals ``R0``..``R15``, ``FL``: read at entry, written back at
    every exit and around every called op (which sees and may change ``cpu.regs``); when a line
    raises, the engine writes the dirty locals back from the frame (:meth:`Block.fault_index`).
    Static cycle charges (the fast timing level) are summed while generating and made at each
    exit (before a called op, which may read the cycle count, too); an instruction that raises
    is charged by the engine from the line's pending charges, as its op's ``finally`` would.

    With ``window`` (the memory's :class:`~armsim.memory.RamWindow`), loads and stores through
    the memory's own accessors access the RAM inline (:func:`inline_memory`); a store whose
    slow path ran (another region, unaligned, a line holding decoded code) sets ``S_``, and
    only then does the block look at ``stale``.
    """
    bind: Dict[str, Any] = {}
    last = len(block.ops) - 1
    # Pre-pass: each instruction's op, charge, template lines, and whether it runs on locals.
    plan: Plan = []
    any_inline_store = False
    used: Set[int] = set()
    assigned: Set[int] = set()
    loops = False  # a local branch back to the block's start: the body runs in a loop
    # Each instruction's pipeline-level timing (None: untimed, or timed inside its called op).
    ptimes: List[Optional[PipeTime]] = []
    for idx, dop in enumerate(block.ops):
        op, acc, cat, extra = unwrap(dop)
        if acc is not None:
            bind["acc"] = acc
        tpl = template_of(op)
        lines, local = localised_lines(tpl, idx, bind) if tpl is not None else ([], False)
        pp = pipeline_unwrap(dop) if tpl is not None else None
        if pp is not None:
            bind.update(pp[1].names)
        ptimes.append(pp[1] if pp is not None else None)
        # Whether a store into code is only seen through ``S_`` (every store of the body inlined).
        flagged = False
        mems = _mem_slots(tpl, idx, window) if tpl is not None and window is not None else {}
        if mems:
            assert window is not None
            lines, inlined, called = inline_memory(lines, mems, window)
            bind.update(window.names)
            any_inline_store = any_inline_store or inlined
            flagged = inlined and not called
        plan.append((op, cat, extra, tpl, lines, local, flagged))
    if flag_liveness:
        drop_dead_flags(plan)
    for idx, (_, _, _, _, lines, local, _) in enumerate(plan):
        if local:
            pt = ptimes[idx]
            if pt is not None and pt.shape.divide:  # a divide's timing reads its result
                used |= set(pt.dsts)
            for ln in lines:
                used |= _locals_of(ln)
                st = ln.lstrip()
                m = _ASSIGNED.match(st)
                if m:
                    assigned |= _locals_of(m.group(1))
                # Only from the last instruction: a pass is then the whole block, and ``k % size``
                # the index of the instruction that left (for the engine's ``prev``).
                loops = loops or (idx == last and st.startswith("return ") and st[7:].strip("() ") == str(block.key))
    order = sorted(used)
    size = len(block.ops)
    total = "N_ + " if loops else ""

    def name(i: int) -> str:
        return "FL" if i == FLAGS_LOCAL else f"R{i}"

    def state(i: int) -> str:
        return "flags[0]" if i == FLAGS_LOCAL else f"regs[{i}]"

    body: List[Tuple[str, int, Dict[int, int], Dirty]] = []  # (line, index, pending charges, dirty)
    none: Dict[int, int] = {}
    clean: Dirty = ()
    reread = [f"{name(i)} = {state(i)}" for i in order]
    # The pipeline level: its clock and group in locals, written back at exits and before called ops.
    timed = any(t is not None for t in ptimes)
    now, grp = CARRIED
    # The ready cycles the block's timing writes live in locals ``RDY<k>`` from their first write
    # (a looping block: from entry) to the exits; not in a block that reads the whole scoreboard.
    # A looping block: those it reads too, loaded at entry.
    rlocal = timed and not any(t.serialise for t in ptimes if t is not None)
    written: Set[int] = set()
    if rlocal and loops:
        written = {r for t in ptimes if t is not None for r in t.srcs + t.dsts}
    known: Set[int] = set()  # registers whose ready cycle is at most the clock (PipeTime.lines)

    def tconv(pt: PipeTime, ws: Set[int], kn: Set[int], local: bool) -> List[str]:
        """``pt``'s lines (its checks of ``kn`` left out) with the ready cycles of ``ws`` (updated by
        its writes) as locals, and on locals (``local``) its ``regs[k]`` as ``Rk``."""
        tl = pt.lines(kn)
        if local and pt.shape.divide:
            tl = [_REG_SLOT.sub(lambda m: "R" + m.group(1) if m.group(1).isdigit() else m.group(0), ln) for ln in tl]
        if not rlocal:
            return tl
        out = []
        for ln in tl:
            m = _RDY_DEF.match(ln)
            rhs = m.group(3) if m else ln
            rhs = _RDY.sub(lambda r: f"RDY{r.group(1)}" if int(r.group(1)) in ws else r.group(0), rhs)
            if m:
                ws.add(int(m.group(2)))
                out.append(f"{m.group(1)}RDY{m.group(2)} = {rhs}")
            else:
                out.append(rhs)
        return out

    def tread(ws: Set[int]) -> List[str]:
        return ([f"{now} = TST_[0]", f"{grp} = TST_[1]"] + [f"RDY{k} = TRD_[{k}]" for k in sorted(ws)]
                if timed else [])

    def twrite(ws: Set[int]) -> List[str]:
        return ([f"TST_[0] = {now}", f"TST_[1] = {grp}"] + [f"TRD_[{k}] = RDY{k}" for k in sorted(ws)]
                if timed else [])

    entry = list(reread) + tread(written) + (["N_ = 0"] if loops else []) + (["S_ = 0"] if any_inline_store else [])
    pending: Dict[int, int] = {}
    # In a loop, any register the body assigns may differ from the state from the second pass on.
    dirty: Set[int] = set(assigned) if loops else set()
    dirty_t: Dirty = tuple(sorted(dirty))  # ``dirty`` as recorded per line

    def leave(pad: str, idx: int, pend: Dict[int, int], ws: Optional[Set[int]] = None) -> None:
        """Write back the dirty locals and make the pending charges, before an exit or a call."""
        body.extend((f"{pad}{state(i)} = {name(i)}", idx, none, clean) for i in sorted(dirty))
        body.extend((ln, idx, none, clean) for ln in _charges(pad, pend))
        body.extend((pad + ln, idx, none, clean) for ln in twrite(written if ws is None else ws))

    for idx, (op, cat, extra, tpl, lines, local, flagged) in enumerate(plan):
        nxt = block.nxts[idx]
        count = idx + 1
        if tpl is None or not local:
            leave("", idx, pending)  # the op sees (and may change) the architectural state
            dirty = set()
            dirty_t = clean
            pending = {}
        if tpl is None:
            bname = f"op_{idx}"
            bind[bname] = op
            body += [(f"p = {bname}()", idx, none, clean), (f"if p != {nxt} or stale[0]:", idx, none, clean),
                     ("    stale[0] = 0", idx, none, clean), (f"    return p, {total}{count}", idx, none, clean)]
            known.clear()  # the op may have written ready cycles
            if idx == last:
                body.append((f"return p, {total}{count}", idx, none, clean))
            else:
                # The op (a pipeline-timed one among them) may have moved the clock: read it again.
                body += [(ln, idx, none, clean) for ln in reread + tread(written)]
            continue
        own = dict(pending)
        if extra:
            own[cat] = own.get(cat, 0) + extra
        falls = tpl.lines[-1] == "return nxt"
        if falls:
            lines = lines[:-1]
            nxt = tpl.slots["nxt"]
        tl = ptimes[idx]
        for line in lines:
            stripped = line.lstrip()
            if stripped.startswith("return "):
                pad = line[: len(line) - len(stripped)]
                expr = stripped[7:]
                ws = written
                if tl is not None:
                    # The pipeline level times the instruction on the way out, with the key it left for.
                    ws = set(written)
                    body.append((f"{pad}nxt = ({expr})", idx, own, dirty_t))
                    body.extend((pad + ln, idx, own, dirty_t) for ln in tconv(tl, ws, set(known), local))
                    stripped = "return nxt"
                if local and loops and idx == last and expr.strip("() ") == str(block.key):
                    # Back to the start: the next pass, while a whole pass fits the budget.
                    body.extend((ln, idx, none, clean) for ln in _charges(pad, own))
                    body += [(f"{pad}N_ += {count}", idx, none, clean),
                             (f"{pad}if N_ + {size} > left:", idx, none, clean)]
                    body.extend((f"{pad}    {state(i)} = {name(i)}", idx, none, clean) for i in sorted(dirty))
                    body.extend((f"{pad}    {ln}", idx, none, clean) for ln in twrite(ws))
                    body += [(f"{pad}    return {block.key}, N_", idx, none, clean),
                             (f"{pad}continue", idx, none, clean)]
                    continue
                leave(pad, idx, own, ws)
                body.append((f"{pad}return ({stripped[7:]}), {total}{count}", idx, none, clean))
            else:
                body.append((line, idx, own, dirty_t))
                m = _ASSIGNED.match(stripped)
                if m and local:
                    new = _locals_of(m.group(1))
                    if not new <= dirty:
                        dirty |= new
                        dirty_t = tuple(sorted(dirty))
        pending = own
        if not falls:
            continue
        if tl is not None:
            # Fell through: the timing lines with the next key known.
            fall = str(nxt)
            body.extend((_NXT.sub(fall, ln), idx, own, dirty_t) for ln in tconv(tl, written, known, local))
        if tpl.stores:
            body += [("if S_:" if flagged else "if stale[0]:", idx, own, dirty_t),
                     ("    stale[0] = 0", idx, own, clean)]
            leave("    ", idx, own)
            body.append((f"    return {nxt}, {total}{count}", idx, none, clean))
        if idx == last:
            leave("", idx, own)
            body.append((f"return {nxt}, {total}{count}", idx, none, clean))
        elif not local:
            body += [(ln, idx, none, clean) for ln in reread]
    names = sorted(bind)
    src = [f"def factory(regs, flags, stale{''.join(', ' + n for n in names)}):", "    def block(left):"]
    src += ["        " + ln for ln in entry]
    if loops:
        src.append("        while True:")
    ind = "            " if loops else "        "
    line_index: Dict[int, int] = {}
    line_pending: Dict[int, Pending] = {}
    line_dirty: Dict[int, Dirty] = {}
    for line, idx, pend, dl in body:
        src.append(ind + line)
        line_index[len(src)] = idx
        if pend:
            line_pending[len(src)] = tuple(sorted(pend.items()))
        if dl:
            line_dirty[len(src)] = dl
    src += ["    return block", ""]
    return "\n".join(src), bind, line_index, line_pending, line_dirty


class BlockEngine(Engine):
    """The engine with translated blocks (``--engine block``)."""

    def __init__(self, ctx: ExecContext, hot: int = DEFAULT_HOT) -> None:
        super().__init__(ctx)
        self.hot = hot
        self.blocks: Dict[int, Tuple[BlockFn, int]] = {}
        self.binfo: Dict[int, Block] = {}
        self.block_lines: Dict[int, Set[int]] = {}
        # key -> (next key, end address, ends a block, conditional exits' keys): what forming reads
        # of a decoded instruction, kept beside its op (dropped on any invalidation).
        self.shapes: Dict[int, Tuple[int, int, bool, Tuple[Any, ...]]] = {}
        self.stale = [0]
        self.translations = 0
        # Blocks dropped since the last miss (one may still be executing).
        self.dead: Dict[int, Block] = {}

    # -- forming and translating ------------------------------------------------------
    def _ends(self, op: Op, row: Any, fields: Dict[str, int]) -> bool:
        """Whether a block ends after this instruction (wherever the block starts)."""
        if row is None:
            return True
        tpl = template_of(unwrap(op)[0])
        if tpl is not None:
            # A conditional exit (a conditional branch) leaves from the middle: the block goes on
            # (unless it branches back to the block's start: :meth:`_targets`).
            return tpl.lines[-1] != "return nxt"
        if getattr(row.builder, "__module__", "") in _COLD_MODULES:
            return True
        if any(fields.get(f) == 15 for f in _DEST_FIELDS):
            return True
        return bool(fields.get("register_list", 0) & 0x8000)

    @staticmethod
    def _targets(op: Op) -> Tuple[Any, ...]:
        """The keys an op that falls through returns from its middle (its conditional exits)."""
        tpl = template_of(unwrap(op)[0])
        if tpl is None or tpl.lines[-1] != "return nxt":
            return ()
        return tuple(tpl.slots.get(ln.strip()[7:]) for ln in tpl.lines if ln.strip().startswith("return "))

    def form(self, key: int) -> Block:
        """Decode the block at ``key`` (FetchFault if its first instruction cannot be fetched)."""
        cache = self.cache
        keys: List[int] = []
        ops: List[Op] = []
        nxts: List[int] = []
        page = (key & 0xFFFFFFFE) >> PAGE_SHIFT
        k = key
        end = key & 0xFFFFFFFE
        shapes = self.shapes
        while len(ops) < MAX_BLOCK:
            op = cache.get(k)
            shape = shapes.get(k) if op is not None else None
            if shape is None:
                try:
                    row, info, fields = self.lookup(k)
                except FetchFault:
                    if not ops:
                        raise
                    break
                if op is None:
                    op = self.build(k, row, info, fields)
                    cache[k] = op
                shape = (info.nxt, info.addr + info.size, self._ends(op, row, fields), self._targets(op))
                shapes[k] = shape
            nk, end, stop, targets = shape
            assert op is not None
            keys.append(k)
            ops.append(op)
            nxts.append(nk)
            # A local branch back to the block's start ends it there (the block then loops).
            if stop or key in targets:
                break
            if (nk & 0xFFFFFFFE) >> PAGE_SHIFT != page or nk & 1 != key & 1:
                break
            k = nk
        blk = Block(key, keys, ops, nxts, end)
        for line in range(blk.start >> CODE_LINE_SHIFT, ((end - 1) >> CODE_LINE_SHIFT) + 1):
            self.block_lines.setdefault(line, set()).add(key)
        self.binfo[key] = blk
        return blk

    def _cold(self, blk: Block) -> BlockFn:
        ops = blk.ops
        nxts = blk.nxts
        stale = self.stale
        where = blk.where
        n = len(ops)
        hot = self.hot
        translate = self.translate

        def cold(left: int) -> Tuple[int, int]:
            blk.runs += 1
            if blk.runs >= hot:
                translate(blk)
            i = 0
            p = 0
            try:
                for i in range(n):
                    p = ops[i]()
                    if p != nxts[i] or stale[0]:
                        stale[0] = 0
                        return p, i + 1
            except BaseException:
                where[0] = i
                raise
            return p, n

        return cold

    def translate(self, blk: Block) -> BlockFn:
        """Compile ``blk`` into one function and install it (it runs from the next entry)."""
        src, bind, line_index, line_pending, line_dirty = block_source(blk, self.mem.window)
        names = sorted(bind)
        namespace: Dict[str, Any] = {}
        code = _CODE.get(src)
        if code is None:
            code = compile(src, f"<armsim block {blk.start:#010x}>", "exec")
            if len(_CODE) >= CODE_CACHE:
                _CODE.clear()
            _CODE[src] = code
        exec(code, namespace)
        fn: BlockFn = namespace["factory"](self.ctx.regs, self.ctx.flags, self.stale, *(bind[n] for n in names))
        blk.code = fn.__code__
        blk.line_index = line_index
        blk.line_pending = line_pending
        blk.line_dirty = line_dirty
        blk.acc = bind.get("acc")
        blk.tst = bind.get("TST_")
        blk.tready = bind.get("TRD_")
        if self.binfo.get(blk.key) is blk:
            self.blocks[blk.key] = (fn, len(blk.ops))
        self.translations += 1
        return fn

    # -- invalidation -------------------------------------------------------------------
    def invalidate(self, addr: int, size: int) -> None:
        super().invalidate(addr, size)
        self.stale[0] = 1
        self.shapes.clear()
        end = addr + size
        for line in range(addr >> CODE_LINE_SHIFT, ((end - 1) >> CODE_LINE_SHIFT) + 1):
            keys = self.block_lines.get(line)
            if not keys:
                continue
            for bk in list(keys):
                blk = self.binfo.get(bk)
                if blk is None:
                    keys.discard(bk)
                elif blk.start < end and addr < blk.end:
                    keys.discard(bk)
                    del self.binfo[bk]
                    self.blocks.pop(bk, None)
                    self.dead[bk] = blk  # it may still be running: its faults are mapped through it

    def flush(self) -> None:
        super().flush()
        self.stale[0] = 1
        self.shapes.clear()
        self.blocks.clear()
        self.binfo.clear()
        self.block_lines.clear()

    # -- run ------------------------------------------------------------------------------
    def _install(self, key: int) -> None:
        blk = self.form(key)
        self.blocks[key] = (self._cold(blk), len(blk.ops))
        if self.hot <= 0:  # translate at once (tests exercise generated code from the first run)
            self.translate(blk)

    def live_instructions(self) -> int:
        """As :meth:`Engine.live_instructions`: the run's count plus the running block's index.

        Cold path: the running block's frame (translated: its line; cold: its loop index) is
        found on the stack, so the generated code keeps no count of its own.
        """
        frame = self._run_frame
        if frame is None or frame.f_code is not _RUN_CODE:
            return super().live_instructions()
        loc = frame.f_locals
        n = self.instructions + int(loc["max_instructions"]) - int(loc["left"])
        blk = self.binfo.get(loc["pc"]) or self.dead.get(loc["pc"])
        if blk is None:
            return n
        f: Optional[FrameType] = sys._getframe(1)
        while f is not None and f is not frame:
            if f.f_code is blk.code:
                # A looping block: the passes it completed (N_) too.
                return n + blk.line_index.get(f.f_lineno, 0) + int(f.f_locals.get("N_", 0))
            if f.f_code.co_name == "cold" and f.f_locals.get("blk") is blk:
                return n + int(f.f_locals.get("i", 0))
            f = f.f_back
        return n

    def run(self, max_instructions: int, trace: Optional[Callable[[int], None]] = None,
            interrupts: bool = False, prev: int = -1) -> Stop:
        """As :meth:`Engine.run`, block by block (tracing, or a per-instruction timing level: the
        interpreter)."""
        if trace is not None or self.per_instruction:
            return super().run(max_instructions, trace, interrupts, prev)
        blocks = self.blocks
        binfo = self.binfo
        exc = self.ctx.exc
        debug = self.ctx.debug
        pc = self.pc_key()
        done = 0
        left = max_instructions
        cur = -1  # the block that ran last (its exit sets ``prev`` lazily)
        k = 0
        outer = self._run_frame
        self._run_frame = sys._getframe()
        try:
            if interrupts:
                # An interrupt raised (or unmasked) between runs is taken before the first instruction.
                pc = exc.check_interrupts(pc)
            while done < max_instructions:
                left = max_instructions - done
                try:
                    if SITES:
                        # PyPy: one call site would try every block's guard in turn (see SITES).
                        while left > 0:
                            fn, n = blocks[pc]
                            if n > left:
                                break
                            cur = pc
                            h = (pc >> 2) & 15
                            if h < 8:
                                if h < 4:
                                    if h < 2:
                                        if h == 0:
                                            pc, k = fn(left)
                                        else:
                                            pc, k = fn(left)
                                    else:
                                        if h == 2:
                                            pc, k = fn(left)
                                        else:
                                            pc, k = fn(left)
                                else:
                                    if h < 6:
                                        if h == 4:
                                            pc, k = fn(left)
                                        else:
                                            pc, k = fn(left)
                                    else:
                                        if h == 6:
                                            pc, k = fn(left)
                                        else:
                                            pc, k = fn(left)
                            else:
                                if h < 12:
                                    if h < 10:
                                        if h == 8:
                                            pc, k = fn(left)
                                        else:
                                            pc, k = fn(left)
                                    else:
                                        if h == 10:
                                            pc, k = fn(left)
                                        else:
                                            pc, k = fn(left)
                                else:
                                    if h < 14:
                                        if h == 12:
                                            pc, k = fn(left)
                                        else:
                                            pc, k = fn(left)
                                    else:
                                        if h == 14:
                                            pc, k = fn(left)
                                        else:
                                            pc, k = fn(left)
                            left -= k
                        else:
                            done = max_instructions
                            break
                    else:
                        while left > 0:
                            fn, n = blocks[pc]
                            if n > left:
                                break
                            cur = pc
                            pc, k = fn(left)
                            left -= k
                        else:
                            done = max_instructions
                            break
                except KeyError:
                    done = max_instructions - left
                    if pc in blocks:
                        raise
                    if cur >= 0:
                        blk = binfo.get(cur)
                        if blk is not None:
                            prev = blk.keys[(k - 1) % len(blk.keys)]  # a looping block: k - 1 passes
                        cur = -1
                    self.stale[0] = 0
                    self.dead.clear()
                    try:
                        self._install(pc)
                    except FetchFault as e:
                        done += 1  # the aborted fetch counts
                        try:
                            pc = exc.TakePrefetchAbortException(
                                e.key, e.fault.addr, e.fault.fs, f"instruction fetch: {e.fault.describe()}"
                            )
                        except GuestStop as gs:
                            if prev < 0:
                                raise
                            raise GuestStop(dataclasses.replace(gs.stop, previous_pc=prev & 0xFFFFFFFE)) from None
                        prev = e.key
                    continue
                except (WatchpointHit, MemoryFault, SemihostingCall, GuestExit, GuestHalt, GuestError,
                        KeyboardInterrupt) as e:
                    blk = binfo.get(pc) or self.dead.get(pc)
                    i = before = 0
                    if blk is not None:
                        i, before = blk.fault_index(e)
                        blk.restore(e, self.ctx.regs, self.ctx.flags)
                    key = pc = blk.keys[i] if blk is not None else pc
                    done = max_instructions - left + before - i  # + i below: the block's count before it
                    cur = -1
                    if isinstance(e, WatchpointHit):  # a MemoryFault subclass: first
                        done += i + 1
                        assert debug is not None  # only its checked accessors raise it
                        prev, pc = key, debug.take_watchpoint(key, e)
                    elif isinstance(e, MemoryFault):
                        done += i + 1
                        prev, pc = key, exc.TakeDataAbortException(key, e.addr, e.fs, e.is_write, e.describe())
                    elif isinstance(e, SemihostingCall):
                        self.now = self.instructions + done + i
                        done += i + 1
                        handler = self.ctx.semihost
                        assert handler is not None
                        try:
                            handler()
                        except GuestExit as ex:
                            self.last_exit_code = ex.code
                            pc = e.nxt
                            return self._stop(StopKind.EXIT, ex.reason, key, exit_code=ex.code)
                        except OutputError as ex:
                            pc = e.nxt
                            kind = StopKind.BROKEN_PIPE if ex.broken_pipe else StopKind.OUTPUT_ERROR
                            return self._stop(kind, ex.message, key)
                        prev, pc = key, e.nxt
                    elif isinstance(e, GuestExit):
                        done += i + 1
                        pc = key
                        self.last_exit_code = e.code
                        return self._stop(StopKind.EXIT, e.reason, key, exit_code=e.code)
                    elif isinstance(e, GuestHalt):
                        done += i + 1
                        pc = key
                        return self._stop(StopKind.HALT, e.reason, key)
                    else:
                        done += i
                        pc = key
                        raise
                    continue
                # Fewer instructions left than this block holds: the interpreter's ops finish exactly.
                done = max_instructions - left
                if cur >= 0 and cur in binfo:
                    prev = binfo[cur].keys[(k - 1) % len(binfo[cur].keys)]
                self.instructions += done
                done = 0
                self._sync(pc)
                stop = super().run(left, None, False, prev)
                pc = self.pc_key()
                if stop.kind is StopKind.LIMIT:
                    return dataclasses.replace(stop, count=max_instructions)
                return stop
            return self._stop(StopKind.LIMIT, "instruction limit", pc, count=done)
        except GuestStop as e:
            return e.stop
        except GuestError as e:
            return self._stop(StopKind.GUEST_ERROR, str(e), pc)
        except KeyboardInterrupt:
            raise RunInterrupted(self._stop(StopKind.INTERRUPTED, "interrupted", pc, count=done)) from None
        finally:
            self._run_frame = outer
            self.instructions += done
            self.now = self.instructions
            self._sync(pc)


_RUN_CODE = BlockEngine.run.__code__

ENGINES: Dict[str, Callable[[ExecContext], Engine]] = {"interp": Engine, "block": BlockEngine}
DEFAULT_ENGINE = "block"

__all__ = [
    "DEFAULT_ENGINE",
    "DEFAULT_HOT",
    "ENGINES",
    "MAX_BLOCK",
    "Block",
    "BlockEngine",
    "block_source",
    "inline_lines",
]
