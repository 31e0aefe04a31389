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

import enum
from typing import Callable, Dict, List, Optional, Tuple

from armsim.errors import GuestError
from armsim.exec.context import ExecContext, GuestExit, GuestHalt, InsnInfo, Op, SemihostingCall
from armsim.isa import a32, t32
from armsim.isa.build import build_op, undefined_op
from armsim.isa.decoder import Row
from armsim.memory import CODE_LINE_SHIFT, AlignmentFault, MemoryFault

MASK32 = 0xFFFFFFFF
CHUNK = 1 << 16


class StopReason(enum.Enum):
    EXIT = "exit"  # the guest asked (semihosting)
    LIMIT = "instruction limit"  # max_instructions reached
    HALT = "halted"  # WFI/WFE with nothing to wake it
    ERROR = "guest error"  # an exception with no handler, etc.


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
        # Thumb addresses decoded inside IT blocks -> their keys (addr | 1 | ITSTATE << 32).
        self.it_keys: Dict[int, List[int]] = {}
        self.mem.code_lines.clear()
        self.mem.on_code_write = self.invalidate
        self.mem.map_listeners.append(self.flush)
        ctx.flush = self.flush
        self.cpu.decode_listeners.append(self.flush)
        self.instructions = 0
        # The exact instruction count while a semihosting call runs (time calls).
        self.now = 0
        self.last_exit_code: Optional[int] = None

    # -- decode ---------------------------------------------------------------
    def fetch(self, key: int) -> Tuple[int, int]:
        """(word, size) at a PC key; instruction fetches are little-endian (A3.3.1)."""
        addr = key & 0xFFFFFFFE
        try:
            if key & 1:
                hw1 = self.mem.read16(addr)
                if hw1 >> 11 in (0b11101, 0b11110, 0b11111):
                    return (hw1 << 16) | self.mem.read16((addr + 2) & MASK32), 4
                return hw1, 2
            if addr & 3:
                raise AlignmentFault(addr, 4, False)
            return self.mem.read32(addr), 4
        except MemoryFault as e:
            raise FetchFault(key, e) from None

    def lookup(self, key: int) -> Tuple[Optional[Row], InsnInfo, Dict[str, int]]:
        """Decode without building: (row or None, info, fields)."""
        word, size = self.fetch(key)
        if key & 1:
            info = t32.insn_info(key, size, word)
            row = t32.lookup(word, size)
        else:
            info = InsnInfo(key, False, size, word)
            row = a32.lookup(word)
        if row is None:
            return None, info, {}
        info.row_name = row.name
        return row, info, row.extract(word)

    def decode(self, key: int) -> Op:
        row, info, fields = self.lookup(key)
        addr = info.addr
        lines = self.mem.code_lines
        lines.add(addr >> CODE_LINE_SHIFT)
        lines.add((addr + info.size - 1) >> CODE_LINE_SHIFT)
        if key >> 32:
            self.it_keys.setdefault(addr, []).append(key)
        if row is None:
            return undefined_op(self.ctx, info, f"UNDEFINED encoding {info.word:#010x}")
        return build_op(self.ctx, row, info, fields)

    def invalidate(self, addr: int, size: int) -> None:
        """Drop ops overlapping [addr, addr + size) (a store into code)."""
        cache = self.cache
        start = (addr - 3) & ~1
        it_keys = self.it_keys
        for a in range(start, addr + size, 2):
            cache.pop(a, None)
            cache.pop(a | 1, None)
            if a in it_keys:  # the same Thumb address decoded for other ITSTATEs
                for k in it_keys.pop(a):
                    cache.pop(k, None)

    def flush(self) -> None:
        """Drop every decoded op (state baked into ops changed: CPSR.E, SCTLR.A, the map)."""
        self.ctx.refresh()
        self.cache.clear()
        self.it_keys.clear()

    # -- run --------------------------------------------------------------------
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

    def run(self, max_instructions: int, trace: Optional[Callable[[int], None]] = None) -> Tuple[StopReason, str]:
        """Run until the guest exits, halts, errs or ``max_instructions`` have executed."""
        cache = self.cache
        exc = self.ctx.exc
        pc = self.pc_key()
        done = 0
        try:
            while done < max_instructions:
                n = min(CHUNK, max_instructions - done)
                i = 0
                try:
                    if trace is None:
                        for i in range(n):  # noqa: B007 - i is read after an exception
                            pc = cache[pc]()
                    else:
                        for i in range(n):  # noqa: B007
                            trace(pc)
                            pc = cache[pc]()
                    done += n
                except KeyError:
                    done += i
                    if pc in cache:
                        raise
                    try:
                        cache[pc] = self.decode(pc)
                    except FetchFault as e:
                        done += 1  # the aborted fetch counts (see below)
                        pc = exc.TakePrefetchAbortException(
                            e.key, e.fault.addr, e.fault.fs, f"instruction fetch: {e.fault.describe()}"
                        )
                except MemoryFault as e:
                    # An aborted instruction counts toward the limit, so a handler
                    # that faults on itself cannot hold the run forever.
                    done += i + 1
                    pc = exc.TakeDataAbortException(
                        pc, e.addr, e.fs, e.is_write, f"{e.describe()} by the instruction at {pc & 0xFFFFFFFE:#010x}"
                    )
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
                        pc = e.nxt
                        return StopReason.EXIT, ex.reason
                    pc = e.nxt
                except GuestExit as e:
                    done += i + 1
                    self.last_exit_code = e.code
                    return StopReason.EXIT, e.reason
                except GuestHalt as e:
                    done += i + 1
                    return StopReason.HALT, e.reason
                except GuestError:
                    done += i
                    raise
            return StopReason.LIMIT, f"stopped after {done} instructions (instruction limit)"
        except GuestError as e:
            return StopReason.ERROR, str(e)
        finally:
            self.instructions += done
            self.now = self.instructions
            self._sync(pc)
