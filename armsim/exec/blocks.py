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

Tracing falls back to the interpreter for the whole run.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from types import CodeType, FrameType
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from armsim.debug.events import WatchpointHit
from armsim.errors import GuestError
from armsim.exec.engine import CODE_LINE_SHIFT, Engine, FetchFault
from armsim.isa.contract import ExecContext, GuestExit, GuestHalt, Op, SemihostingCall
from armsim.isa.template import Template, template_of
from armsim.memory import MemoryFault
from armsim.signals import OutputError
from armsim.stop import GuestStop, RunInterrupted, Stop, StopKind

BlockFn = Callable[[], Tuple[int, int]]

MAX_BLOCK = 64
PAGE_SHIFT = 12
DEFAULT_HOT = 4

# Builders of these modules are the cold callables (system, coprocessor): a block ends after them.
_COLD_MODULES = ("armsim.isa.ops.system", "armsim.isa.ops.coproc")
_DEST_FIELDS = ("Rd", "Rt", "Rt2", "RdHi", "RdLo")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Block:
    """A basic block: its instructions' keys and ops, and (once translated) its function."""

    __slots__ = ("code", "end", "key", "keys", "line_index", "nxts", "ops", "runs", "start", "where")

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

    def fault_index(self, exc: BaseException) -> int:
        """The index of the instruction that raised ``exc`` out of this block's function."""
        tb = exc.__traceback__
        code = self.code
        while tb is not None and code is not None:
            if tb.tb_frame.f_code is code:
                return self.line_index.get(tb.tb_lineno, 0)  # the def line: on entry
            tb = tb.tb_next
        return self.where[0]  # raised while the block ran cold


def _literal(v: Any) -> Optional[str]:
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, int):
        return repr(v) if v >= 0 else f"({v!r})"
    return None


def inline_lines(tpl: Template, idx: int, bind: Dict[str, Any]) -> List[str]:
    """``tpl``'s body with integer slots as literals and the others as names bound in ``bind``."""
    subst: Dict[str, str] = {}
    for name, value in tpl.slots.items():
        lit = _literal(value)
        if lit is None:
            bound = f"{name}_{idx}"
            bind[bound] = value
            subst[name] = bound
        else:
            subst[name] = lit
    out = []
    for line in tpl.lines:
        out.append(_IDENT.sub(lambda m: subst.get(m.group(0), m.group(0)), line))
    return out


def block_source(block: Block) -> Tuple[str, Dict[str, Any], Dict[int, int]]:
    """The source of a block's function, the names it binds, and line -> instruction index."""
    bind: Dict[str, Any] = {}
    body: List[Tuple[str, int]] = []  # (line, instruction index)
    last = len(block.ops) - 1
    for idx, op in enumerate(block.ops):
        nxt = block.nxts[idx]
        count = idx + 1
        tpl = template_of(op)
        if tpl is None:
            name = f"op_{idx}"
            bind[name] = op
            body += [(f"p = {name}()", idx), (f"if p != {nxt} or stale[0]:", idx),
                     ("    stale[0] = 0", idx), (f"    return p, {count}", idx)]
            if idx == last:
                body.append((f"return p, {count}", idx))
            continue
        lines = inline_lines(tpl, idx, bind)
        falls = tpl.lines[-1] == "return nxt"
        if falls:
            lines = lines[:-1]
            nxt = tpl.slots["nxt"]
        for line in lines:
            stripped = line.lstrip()
            if stripped.startswith("return "):
                pad = line[: len(line) - len(stripped)]
                line = f"{pad}return ({stripped[7:]}), {count}"
            body.append((line, idx))
        if not falls:
            continue
        if tpl.stores:
            body += [("if stale[0]:", idx), ("    stale[0] = 0", idx), (f"    return {nxt}, {count}", idx)]
        if idx == last:
            body.append((f"return {nxt}, {count}", idx))
    names = sorted(bind)
    src = [f"def factory(regs, flags, stale{''.join(', ' + n for n in names)}):", "    def block():"]
    line_index: Dict[int, int] = {}
    for line, idx in body:
        src.append("        " + line)
        line_index[len(src)] = idx
    src += ["    return block", ""]
    return "\n".join(src), bind, line_index


class BlockEngine(Engine):
    """The engine with translated blocks (``--engine block``)."""

    def __init__(self, ctx: ExecContext, hot: int = DEFAULT_HOT) -> None:
        super().__init__(ctx)
        self.hot = hot
        self.blocks: Dict[int, Tuple[BlockFn, int]] = {}
        self.binfo: Dict[int, Block] = {}
        self.block_lines: Dict[int, Set[int]] = {}
        self.stale = [0]
        self.translations = 0
        # Blocks dropped since the last miss (one may still be executing).
        self.dead: Dict[int, Block] = {}

    # -- forming and translating ------------------------------------------------------
    def _ends(self, op: Op, row: Any, fields: Dict[str, int]) -> bool:
        if row is None:
            return True
        tpl = template_of(op)
        if tpl is not None:
            exits = [ln for ln in tpl.lines[:-1] if ln.lstrip().startswith("return ")]
            return tpl.lines[-1] != "return nxt" or any(ln.strip() != "return slow()" for ln in exits)
        if getattr(row.builder, "__module__", "") in _COLD_MODULES:
            return True
        if any(fields.get(f) == 15 for f in _DEST_FIELDS):
            return True
        return bool(fields.get("register_list", 0) & 0x8000)

    def form(self, key: int) -> Block:
        """Decode the block at ``key`` (FetchFault if its first instruction cannot be fetched)."""
        cache = self.cache
        keys: List[int] = []
        ops: List[Op] = []
        nxts: List[int] = []
        page = (key & 0xFFFFFFFE) >> PAGE_SHIFT
        k = key
        end = key & 0xFFFFFFFE
        while len(ops) < MAX_BLOCK:
            try:
                row, info, fields = self.lookup(k)
            except FetchFault:
                if not ops:
                    raise
                break
            op = cache.get(k)
            if op is None:
                op = self.decode(k)
                cache[k] = op
            keys.append(k)
            ops.append(op)
            nxts.append(info.nxt)
            end = info.addr + info.size
            if self._ends(op, row, fields):
                break
            nk = info.nxt
            if (nk & 0xFFFFFFFE) >> PAGE_SHIFT != page or nk & 1 != key & 1 or k >> 32:
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

        def cold() -> Tuple[int, int]:
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
        src, bind, line_index = block_source(blk)
        names = sorted(bind)
        namespace: Dict[str, Any] = {}
        code = compile(src, f"<armsim block {blk.start:#010x}>", "exec")
        exec(code, namespace)
        fn: BlockFn = namespace["factory"](self.ctx.regs, self.ctx.flags, self.stale, *(bind[n] for n in names))
        blk.code = fn.__code__
        blk.line_index = line_index
        if self.binfo.get(blk.key) is blk:
            self.blocks[blk.key] = (fn, len(blk.ops))
        self.translations += 1
        return fn

    # -- invalidation -------------------------------------------------------------------
    def invalidate(self, addr: int, size: int) -> None:
        super().invalidate(addr, size)
        self.stale[0] = 1
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
                return n + blk.line_index.get(f.f_lineno, 0)
            if f.f_code.co_name == "cold" and f.f_locals.get("blk") is blk:
                return n + int(f.f_locals.get("i", 0))
            f = f.f_back
        return n

    def run(self, max_instructions: int, trace: Optional[Callable[[int], None]] = None,
            interrupts: bool = False, prev: int = -1) -> Stop:
        """As :meth:`Engine.run`, block by block (tracing: the interpreter)."""
        if trace is not None:
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
                    while left > 0:
                        fn, n = blocks[pc]
                        if n > left:
                            break
                        cur = pc
                        pc, k = fn()
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
                            prev = blk.keys[k - 1]
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
                    i = blk.fault_index(e) if blk is not None else 0
                    key = pc = blk.keys[i] if blk is not None else pc
                    done = max_instructions - left
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
                    prev = binfo[cur].keys[k - 1]
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
