"""The run loop: decode once per address, cache the op, call it.

The engine's PC is a *key*: the instruction's address with bit 0 set in Thumb
state.  An op returns the key of the next instruction, so the hot loop is::

    for i in range(n):
        pc = cache[pc]()

``cache`` is a plain dict (CPython specialises subscripts of exact dicts); a
miss raises KeyError out of the inner loop, the engine decodes and resumes.  Architectural
events come back as Python exceptions only on the slow path: memory faults
(turned into Data / Prefetch Aborts), semihosting exit, halts.  Stores into a
line holding decoded code invalidate the affected ops (Memory.code_lines).
"""

from __future__ import annotations

import dataclasses
import sys
from types import FrameType
from typing import Callable, Dict, Optional, Set, Tuple

from armsim.debug.events import WatchpointHit
from armsim.errors import GuestError
from armsim.isa.build import build_op, conditional_undefined, undefined_op
from armsim.isa.contract import ExecContext, GuestExit, GuestHalt, InsnInfo, Op, SemihostingCall
from armsim.isa.decoder import Row
from armsim.isa.registry import instruction_set
from armsim.memory import CODE_LINE_SHIFT, MemoryFault
from armsim.signals import OutputError
from armsim.stop import GuestStop, RunInterrupted, Stop, StopKind, StopReason

MASK32 = 0xFFFFFFFF
CHUNK = 1 << 16


class FetchFault(Exception):
    """Instruction fetch from an address the memory system refuses."""

    def __init__(self, key: int, fault: MemoryFault) -> None:
        super().__init__(key)
        self.key = key
        self.fault = fault


class Engine:
    """Fetch/decode/execute for one CPU."""

    def __init__(self, ctx: ExecContext) -> None:
        self.ctx = ctx
        self.mem = ctx.mem
        self.cpu = ctx.cpu
        self.cache: Dict[int, Op] = {}
        # Address -> the keys decoded there with an ITSTATE (bits 39:32), so a store can drop them.
        self.it_keys: Dict[int, Set[int]] = {}
        self.mem.code_lines.clear()
        self.mem.on_code_write = self.invalidate
        self.mem.map_listeners.append(self.flush)
        ctx.flush = self.flush
        self.cpu.decode_listeners.append(self.flush)
        self.instructions = 0
        # The exact instruction count while a semihosting call runs (time calls).
        self.now = 0
        self.last_exit_code: Optional[int] = None
        # Called with (op, row or None, info, fields) after each decode; returns the op to cache.
        self.decorate: Optional[Callable[[Op, Optional[Row], InsnInfo, Dict[str, int]], Op]] = None
        # Every instruction must run through its own decoded op, one after another: set by a timing
        # level that models each instruction's issue (the pipeline level's scoreboard); a block
        # engine then interprets instead of translating (DESIGN.md section 5).
        self.per_instruction = False
        # The frame of the running ``run`` call (read by live_instructions).
        self._run_frame: Optional[FrameType] = None

    # -- decode ---------------------------------------------------------------
    def fetch(self, key: int) -> Tuple[int, int]:
        """(word, size) at a PC key, fetched as the key's instruction set fetches."""
        iset = instruction_set(key)
        addr = key & 0xFFFFFFFE
        try:
            if iset is None:  # no decoder: one halfword, enough to report the address
                return self.mem.read16(addr), 2
            return iset.fetch(self.mem.read16, self.mem.read32, addr)
        except MemoryFault as e:
            raise FetchFault(key, e) from None

    def lookup(self, key: int) -> Tuple[Optional[Row], InsnInfo, Dict[str, int]]:
        """Decode without building: (row or None, info, fields)."""
        word, size = self.fetch(key)
        iset = instruction_set(key)
        if iset is None:
            return None, InsnInfo(key & 0xFFFFFFFE, bool(key & 1), size, word), {}
        row, info = iset.decode(key, word, size)
        if row is None:
            return None, info, {}
        return row, info, row.extract(word)

    def decode(self, key: int) -> Op:
        return self.build(key, *self.lookup(key))

    def build(self, key: int, row: Optional[Row], info: InsnInfo, fields: Dict[str, int]) -> Op:
        """The op of what :meth:`lookup` returned for ``key`` (``fields`` is consumed)."""
        addr = info.addr
        if key >> 32:
            self.it_keys.setdefault(addr, set()).add(key)
        lines = self.mem.code_lines
        lines.add(addr >> CODE_LINE_SHIFT)
        lines.add((addr + info.size - 1) >> CODE_LINE_SHIFT)
        if row is None:
            if instruction_set(key) is None:
                op = undefined_op(self.ctx, info, "Thumb instruction set not implemented in this build")
            else:
                # A Thumb word's condition is its IT block's (AL outside one, A8.3); an ARM word's its cond field.
                cond = info.cond if info.thumb else info.word >> 28
                op = conditional_undefined(self.ctx, info, cond, f"UNDEFINED encoding {info.word:#010x}")
        else:
            op = build_op(self.ctx, row, info, fields)
        if self.decorate is not None:
            # The timing model prices the op once, here (armsim.timing.model.Timing.decorate).
            op = self.decorate(op, row, info, fields)
        debug = self.ctx.debug
        if debug is not None and debug.breakpoints_armed:
            # C3.3: a breakpoint is checked before the instruction executes, so it has
            # priority over the instruction's own UNDEFINED or Hyp trap.
            op = debug.wrap_op(op, addr, info.thumb, info.key)
        return op

    def invalidate(self, addr: int, size: int) -> None:
        """Drop ops overlapping [addr, addr + size) (a store into code)."""
        cache = self.cache
        it_keys = self.it_keys
        start = (addr - 3) & ~1
        for a in range(start, addr + size, 2):
            cache.pop(a, None)
            cache.pop(a | 1, None)
            if it_keys:
                for k in it_keys.pop(a, ()):  # inside an IT block: one op per ITSTATE
                    cache.pop(k, None)

    def flush(self) -> None:
        """Drop every decoded op (state baked into ops changed: CPSR.E, SCTLR.A, the map)."""
        self.ctx.refresh()
        self.cache.clear()
        self.it_keys.clear()

    # -- run --------------------------------------------------------------------
    def live_instructions(self) -> int:
        """Instructions retired so far, exact while an op runs (a PMU read, a timing query).

        The run loop keeps its count in locals (``done`` chunks + ``i`` in the current
        chunk, the same sum a semihosting call sees as :attr:`now`); this cold path reads
        them from the running frame instead of making the loop publish them.
        """
        frame = self._run_frame
        if frame is None:
            return self.instructions
        loc = frame.f_locals
        return self.instructions + int(loc.get("done", 0)) + int(loc.get("i", 0))

    def pc_key(self) -> int:
        cpu = self.cpu
        if cpu.T:
            return (cpu.regs[15] & 0xFFFFFFFE) | 1 | (cpu.IT << 32)
        return cpu.regs[15] & 0xFFFFFFFE

    def _sync(self, key: int) -> None:
        cpu = self.cpu
        cpu.regs[15] = key & 0xFFFFFFFE
        cpu.T = key & 1
        cpu.IT = (key >> 32) & 0xFF

    def run(self, max_instructions: int, trace: Optional[Callable[[int], None]] = None,
            interrupts: bool = False, prev: int = -1) -> Stop:
        """Run until the guest exits, halts, errs or ``max_instructions`` have executed; returns the Stop.

        The record has the kind, the message and the PC (``previous_pc`` too for a failed
        instruction fetch; ``prev``: the key executed before this run, if known); symbols and
        instruction text are the machine's to add.  Ctrl-C raises :class:`RunInterrupted` with the PC
        where the run was.  ``interrupts``: first take a pending unmasked interrupt (raised or unmasked
        between runs).
        """
        cache = self.cache
        exc = self.ctx.exc
        pc = self.pc_key()
        outer = self._run_frame
        self._run_frame = sys._getframe()
        # The instruction executed before the current one: ``prev, pc = pc, op()`` assigns
        # only when the op returns, so after a failed fetch ``prev`` is the branch that got there.
        done = 0
        try:
            if interrupts:
                # An interrupt raised (or unmasked) between runs is taken before the first instruction.
                pc = exc.check_interrupts(pc)
            while done < max_instructions:
                n = min(CHUNK, max_instructions - done)
                i = 0
                try:
                    if trace is None:
                        for i in range(n):  # noqa: B007 - i is read after an exception
                            prev, pc = pc, cache[pc]()
                    else:
                        for i in range(n):  # noqa: B007
                            trace(pc)
                            prev, pc = pc, cache[pc]()
                    done += n
                except KeyError:
                    done += i
                    if pc in cache:
                        raise
                    try:
                        cache[pc] = self.decode(pc)
                    except FetchFault as e:
                        done += 1  # the aborted fetch counts (see below)
                        try:
                            pc = exc.TakePrefetchAbortException(
                                e.key, e.fault.addr, e.fault.fs, f"instruction fetch: {e.fault.describe()}"
                            )
                        except GuestStop as gs:
                            if prev < 0:
                                raise
                            raise GuestStop(dataclasses.replace(gs.stop, previous_pc=prev & 0xFFFFFFFE)) from None
                        prev = e.key
                except WatchpointHit as e:
                    done += i + 1
                    debug = self.ctx.debug
                    assert debug is not None  # only its checked accessors raise it
                    prev, pc = pc, debug.take_watchpoint(pc, e)
                except MemoryFault as e:
                    # An aborted instruction counts toward the limit, so a handler
                    # that faults on itself cannot hold the run forever.
                    done += i + 1
                    prev, pc = pc, exc.TakeDataAbortException(pc, e.addr, e.fs, e.is_write, e.describe())
                except SemihostingCall as e:
                    # Time seen by the call: the instructions retired before the trap.
                    self.now = self.instructions + done + i
                    done += i + 1
                    handler = self.ctx.semihost
                    assert handler is not None  # ops raise SemihostingCall only when set
                    try:
                        handler()
                    except GuestExit as ex:
                        self.last_exit_code = ex.code
                        at = pc
                        pc = e.nxt
                        return self._stop(StopKind.EXIT, ex.reason, at, exit_code=ex.code)
                    except OutputError as ex:
                        at = pc
                        pc = e.nxt
                        kind = StopKind.BROKEN_PIPE if ex.broken_pipe else StopKind.OUTPUT_ERROR
                        return self._stop(kind, ex.message, at)
                    prev, pc = pc, e.nxt
                except GuestExit as e:
                    done += i + 1
                    self.last_exit_code = e.code
                    return self._stop(StopKind.EXIT, e.reason, pc, exit_code=e.code)
                except GuestHalt as e:
                    done += i + 1
                    return self._stop(StopKind.HALT, e.reason, pc)
                except (GuestError, KeyboardInterrupt):
                    done += i
                    raise
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

    @staticmethod
    def _stop(kind: StopKind, message: str, key: int, exit_code: Optional[int] = None, count: int = 0) -> Stop:
        return Stop(kind, message, pc=key & 0xFFFFFFFE, thumb=bool(key & 1), exit_code=exit_code, count=count)


__all__ = ["CHUNK", "Engine", "FetchFault", "Stop", "StopKind", "StopReason"]
