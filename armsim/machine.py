"""Machine: one ARMv7-A CPU, RAM, the coprocessor bus, the engine and host services.

::

    m = Machine(cpu="cortex-a15")
    m.load_elf("examples/guests/hello.elf")
    result = m.run(max_instructions=10_000_000)

Choices (documented defaults):

* RAM is one region, ``ram=(base, size)``, default 128 MiB at address 0.
* :meth:`Machine.load_elf` puts the CPU in its reset state (B1.9.1: SVC mode,
  A/I/F set, ARM or Thumb state from the entry point's bit 0), sets the PC to
  the entry point and SP to the top of RAM (``base + size``, modulo 2**32).
  newlib's crt0 replaces SP with the SYS_HEAPINFO stack base anyway.
* SYS_HEAPINFO: the heap starts just above the highest loaded byte (rounded
  up to 16 bytes) and ends where the stack region begins; the stack base is
  the top of RAM and its limit :data:`STACK_SIZE` (1 MiB) below, or the heap
  base when RAM is smaller than that.
* The guest's command line (SYS_GET_CMDLINE) is ``argv`` joined with spaces
  (arguments containing spaces are quoted); ``argv`` includes the program
  name and defaults to ``[<ELF file name>]``.
* Every run ends in a :class:`~armsim.stop.Stop` record (``RunResult.stop``):
  kind, exception, vector, faulting address, PC, symbol and instruction (word
  and decoder row), and for a failed instruction fetch the previous PC.
  An exception whose vector is unmapped or holds 0 (nothing installed) stops
  the run (StopKind.NO_HANDLER); so does an exception that its own handler
  keeps re-entering (StopKind.EXCEPTION_LOOP, after MAX_REENTRIES entries).
* After a final stop (exit, error, output error) :meth:`Machine.run` does not
  execute again until :meth:`Machine.reset` or :meth:`Machine.load_elf`.
* Everything is deterministic: the same ELF and options give the same
  output, exit code and instruction count (semihosting time is derived from
  the instruction count, see :mod:`armsim.host.semihosting`).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Dict, NamedTuple, Optional, Sequence, Tuple, Union

from armsim.coproc.bus import CoprocessorBus
from armsim.coproc.system import SystemCoprocessors
from armsim.cpu.exceptions import EXCEPTION_TITLES, ExceptionModel
from armsim.cpu.modes import Mode
from armsim.cpu.state import CPUState
from armsim.debug.events import DebugUnit
from armsim.debug.registers import DebugRegisters
from armsim.errors import ConfigError, GuestError
from armsim.exec import blocks
from armsim.exec.blocks import ENGINES
from armsim.exec.engine import Engine, FetchFault
from armsim.host.semihosting import Semihosting, Sink
from armsim.isa.conditions import COND_PASSED
from armsim.isa.contract import ExecContext
from armsim.isa.disasm import DisasmContext, render
from armsim.loader.elf import ElfImage, load_image, read_elf
from armsim.memory import Memory
from armsim.stop import GuestStop, RunInterrupted, Stop, StopKind, StopReason
from armsim.timing.model import DEFAULT_LEVEL, Timing, check_level
from armsim.timing.pmu import PMU
from armsim.timing.profiles import DEFAULT_CPU, CpuProfile, get_profile

MASK32 = 0xFFFFFFFF
MiB = 1 << 20
DEFAULT_RAM: Tuple[int, int] = (0, 128 * MiB)
STACK_SIZE = 1 * MiB
HEAP_ALIGN = 16
# CPSR at reset (B1.9.1): SVC mode, A, I and F set, ARM state, little-endian.
RESET_CPSR = int(Mode.SVC) | 0x1C0

# --boot-mode: the mode the CPU enters the ELF in (see Machine.reset).
BOOT_MODES = ("svc", "hyp", "mon")
# SCR in Hyp boot (B4.1.129): NS = 1, HCE = 1 (HVC enabled), SCD = 0 (SMC enabled), IRQ/FIQ/EA not to Monitor.
BOOT_HYP_SCR = 0x101
# NSACR in Hyp boot (B4.1.111): Non-secure access to CP10 and CP11, RFR = 0 (FIQ mode available).
BOOT_HYP_NSACR = 0xC00


@dataclass
class RunResult:
    """What one :meth:`Machine.run` call did.

    ``instructions``, ``exceptions``, ``output`` and ``error_output`` cover
    this call only.  ``instructions`` counts every instruction the CPU
    started, including one that aborted (so a handler that faults on itself
    still reaches the instruction limit).  ``cycles`` is the timing model's count for
    this call (``Machine.timing`` has the totals and the breakdown; with
    ``timing="off"`` it equals ``instructions``).  ``exit_code`` is set only when the guest exited
    (:attr:`StopReason.EXIT`); it is the guest's status as a signed 32-bit value.
    """

    exit_code: Optional[int]
    stop_reason: StopReason
    message: str
    instructions: int
    cycles: int
    wall_time: float
    mips: float
    exceptions: Dict[str, int] = field(default_factory=dict)
    output: bytes = b""
    error_output: bytes = b""
    stop: Optional[Stop] = None  # the structured record (kind, exception, vector, PC, symbol, instruction...)


class TraceRecord(NamedTuple):
    """One instruction as the trace reports it, before it executes.

    ``text`` is the instruction in GNU syntax (the rows' format column, or the row
    name for a row without one); ``executed`` is None for an unconditional
    instruction, else whether its condition (its cond field, or in Thumb state the
    IT block's, A8.3) passes on the flags it executes with.
    """

    addr: int
    thumb: bool
    word: Optional[int]  # None if the fetch faults
    row: str  # decoder row name ("UNDEFINED" if none)
    symbol: str  # "func+0x10", or "" without symbols
    text: str = ""
    executed: Optional[bool] = None
    cond: int = 14  # the condition tested (14 = always)

    @property
    def encoding(self) -> str:
        if self.word is None:
            return "????????"
        if self.thumb and self.word >= 0x10000:
            return f"{self.word >> 16:04x} {self.word & 0xFFFF:04x}"
        return f"{self.word:04x}" if self.thumb else f"{self.word:08x}"

    def __str__(self) -> str:
        sym = f" <{self.symbol}>" if self.symbol else ""
        line = f"{self.addr:08x}{sym}: {self.encoding:>8}  {(self.text or self.row).replace(chr(9), ' ')}"
        if self.executed is not None:
            line += "  [executed]" if self.executed else "  [not executed]"
        return line


TraceArg = Union[bool, Callable[[TraceRecord], Any], None]


class Machine:
    """An ARMv7-A system: CPU + RAM + coprocessor bus + engine (+ semihosting)."""

    def __init__(
        self,
        cpu: Union[str, CpuProfile] = DEFAULT_CPU,
        ram: Tuple[int, int] = DEFAULT_RAM,
        semihosting: bool = True,
        fs_root: Optional[Union[str, os.PathLike[str]]] = None,
        argv: Optional[Sequence[str]] = None,
        stdout: Sink = None,
        stderr: Sink = None,
        stdin: Optional[IO[bytes]] = None,
        boot_mode: str = "svc",
        timing: str = DEFAULT_LEVEL,
        caches: bool = False,
        engine: Union[str, Callable[[ExecContext], Engine], None] = None,
    ) -> None:
        """``stdout``/``stderr``: where console output goes (default the process's
        streams; ``False`` = capture only).  ``stdin``: console input (default
        none: the guest reads end-of-file).  ``boot_mode``: ``svc`` (Secure SVC,
        the default), ``hyp`` (Non-secure Hyp mode, as QEMU's ``-M
        virt,virtualization=on``) or ``mon`` (Secure Monitor mode); see reset().
        ``timing``: the cycle model's level, ``"off"``, ``"fast"`` (default) or
        ``"pipeline"``; ``caches``: model the profile's L1 caches (pipeline level
        only), see :mod:`armsim.timing.model`.  ``engine``: ``"block"`` (translated
        basic blocks, the default) or ``"interp"`` (one op per instruction); both
        give the same results, counts and cycles; or a callable ``ctx -> Engine`` (tests
        instrument an engine that way, wired to the timing model and flushes as the named ones)."""
        if engine is None:
            engine = blocks.DEFAULT_ENGINE
        if isinstance(engine, str):
            if engine not in ENGINES:
                raise ConfigError(f"unknown engine {engine!r}: choose {' or '.join(ENGINES)}")
            make_engine = ENGINES[engine]
        else:
            make_engine = engine
        self.profile: CpuProfile = get_profile(cpu)
        if boot_mode not in BOOT_MODES:
            raise ConfigError(f"unknown boot mode {boot_mode!r} (valid: {', '.join(BOOT_MODES)})")
        self.boot_mode = boot_mode
        self.ram_base, self.ram_size = _check_ram(ram)
        root: Optional[str] = None
        if fs_root is not None:
            root = os.fspath(fs_root)
            if not os.path.isdir(root):
                raise ConfigError(f"file-system root {root!r} is not a directory")
        self.argv = [str(a) for a in argv] if argv is not None else None

        self._cpu = CPUState()
        self._mem = Memory()
        try:
            self._mem.map_ram(self.ram_base, self.ram_size)
        except MemoryError:
            raise ConfigError(f"cannot allocate {self.ram_size} bytes of RAM") from None
        self.exc = ExceptionModel(self._cpu)
        self.bus = CoprocessorBus()
        # C6.4: the v7.1 debug registers are CP14 (opc1 = 0); the unit turns them into events.
        self.debug_regs = DebugRegisters(self.profile)
        self.ctx = ExecContext(self._cpu, self._mem, self.exc, self.bus)
        self.debug = DebugUnit(self.debug_regs, self._cpu, self.exc)
        self.ctx.debug = self.debug
        self.engine: Engine = make_engine(self.ctx)
        # The system coprocessors (B3.17 CP15, C6.4 CP14): register files on the bus.
        self.bus.listeners.append(self.engine.flush)
        exc_counts = self.exc.counts
        self.timing = Timing(self.profile, check_level(timing), caches,
                             instructions=self.engine.live_instructions,
                             exceptions=lambda: sum(exc_counts.values()))
        if self.timing.level != "off":
            self.engine.decorate = self.timing.decorator(self._cpu.regs)
            # Translated blocks run the pipeline level's timing after each instruction's body
            # (armsim.exec.blocks); the L1 caches' lookups run on the interpreter's ops.
            self.engine.per_instruction = self.timing.pipeline is not None and caches
        # C12: the Performance Monitors count from the timing model; the CP15 PMU rows reach them.
        self.pmu = PMU(self.profile, self.timing)
        self.system = SystemCoprocessors(self.profile, self.bus, self.engine.flush, self.pmu)
        self.cp14 = self.system.cp14
        self.cp15 = self.system.cp15
        self.debug.flush = self.engine.flush
        # C6.4: the v7.1 debug registers answer their CP14 encodings before the baseline table.
        self.cp14.add_provider(self.debug_regs)
        self.exc.handler_missing = self._handler_missing

        self.image: Optional[ElfImage] = None
        self.semihosting: Optional[Semihosting] = None
        if semihosting:
            self.semihosting = Semihosting(
                self.ctx,
                instructions=self.instructions_now,
                heap_info=self.heap_info,
                cmdline=self._cmdline(),
                fs_root=root,
                stdout=stdout,
                stderr=stderr,
                stdin=stdin,
            )
            self.ctx.semihost = self.semihosting
        self.last_stop: Optional[StopReason] = None
        self.stop: Optional[Stop] = None  # the record of the last stop
        self.exit_code: Optional[int] = None
        self._last_result: Optional[RunResult] = None
        self._trace_cache: Dict[Tuple[int, int], TraceRecord] = {}
        self._hyp_handler = -1  # the Hyp vector key of the last HYP_ENTRY stop
        self.reset()

    # -- properties ------------------------------------------------------------------
    @property
    def cpu(self) -> CPUState:
        return self._cpu

    @property
    def mem(self) -> Memory:
        return self._mem

    @property
    def ram_end(self) -> int:
        return self.ram_base + self.ram_size

    @property
    def instructions(self) -> int:
        """Instructions executed since the machine was created (between runs)."""
        return self.engine.instructions

    @property
    def output(self) -> bytes:
        """The guest's console output (standard output) since the last reset or load_elf."""
        return self.semihosting.output if self.semihosting is not None else b""

    # -- setup -------------------------------------------------------------------------
    # -- interrupt lines ---------------------------------------------------------------
    @property
    def irq(self) -> bool:
        """The physical IRQ input (B1.8.6); set it to raise or lower the line."""
        return self.exc.irq_line

    @irq.setter
    def irq(self, level: bool) -> None:
        self.exc.irq_line = bool(level)

    @property
    def fiq(self) -> bool:
        """The physical FIQ input."""
        return self.exc.fiq_line

    @fiq.setter
    def fiq(self, level: bool) -> None:
        self.exc.fiq_line = bool(level)

    # -- a hypervisor modelled outside the CPU ---------------------------------------------
    @property
    def exit_on_hyp_entry(self) -> bool:
        """When True, every exception taken to Hyp mode ends the run (StopKind.HYP_ENTRY).

        The entry itself is complete (B1.14.x EnterHypMode: SPSR_hyp, ELR_hyp, HSR, Hyp
        mode) and the CPU stands at the Hyp vector, so a hypervisor written in Python
        (:mod:`armsim.kvm`) reads the syndrome and state, handles the exit and returns
        into the guest itself.  The check lives in the exception model, not in the engine.
        """
        return self.exc.on_hyp_entry is not None

    @exit_on_hyp_entry.setter
    def exit_on_hyp_entry(self, on: bool) -> None:
        self.exc.on_hyp_entry = self._hyp_entry if on else None

    def _hyp_entry(self, name: str, why: str, key: int, handler: int) -> None:
        self._hyp_handler = handler
        raise GuestStop(Stop(StopKind.HYP_ENTRY, why, EXCEPTION_TITLES.get(name, name), handler & 0xFFFFFFFE,
                             None, key & 0xFFFFFFFE, bool(key & 1)))

    def reset(self) -> None:
        """Reset state (B1.9.1): registers zero, A/I/F set, ARM state, SP (of the boot mode) at the top of RAM.

        Boot modes: ``svc`` -- Secure SVC mode (the reset state).  ``hyp`` --
        Non-secure Hyp mode with SCR.NS = 1, SCR.HCE = 1, SMC enabled (SCD = 0),
        NSACR granting CP10/CP11 (RFR = 0), HVBAR/VBAR 0, HCR/HSTR/HCPTR 0, HDCR 0 but
        HPMN = PMCR.N (its reset value, C12), SCTLR and HSCTLR at reset (MMU, caches, alignment checks off), as a
        Secure boot monitor leaves it for a hypervisor.  ``mon`` -- Secure Monitor mode.
        Invasive and non-invasive debug are permitted in both states (the
        authentication signals are high).  No interrupt is pending.
        """
        cpu = self._cpu
        cpu.reset()
        sr = cpu.sys
        self.timing.reset()  # before the PMU (system.reset) starts its counters from the model's zero
        self.system.reset(cpu)
        self.exc.irq_line = False
        self.exc.fiq_line = False
        if self.boot_mode == "hyp":
            sr.SCR = BOOT_HYP_SCR
            sr.NSACR = BOOT_HYP_NSACR
            cpu.set_mode(Mode.HYP)
            cpu.E = (sr.HSCTLR >> 25) & 1
        elif self.boot_mode == "mon":
            cpu.set_mode(Mode.MON)
        cpu.regs[13] = self.ram_end & MASK32
        self.debug_regs.reset()
        self._mem.monitor.ClearExclusiveLocal()
        self.engine.flush()
        self.last_stop = None
        self.stop = None
        self.exit_code = None
        self._last_result = None
        if self.semihosting is not None:
            self.semihosting.reset()

    def load_elf(self, path: Union[str, os.PathLike[str]]) -> ElfImage:
        """Load an executable (ElfLoadError on any problem), reset the CPU and point it at the entry."""
        image = read_elf(path)
        load_image(image, self._mem)
        self.image = image
        self._trace_cache.clear()
        self.reset()
        self._cpu.regs[15] = image.entry
        self._cpu.T = int(image.thumb)
        if self.semihosting is not None:
            self.semihosting.cmdline = self._cmdline()
        return image

    def _cmdline(self) -> str:
        argv = self.argv
        if argv is None:
            argv = [os.path.basename(self.image.path)] if self.image is not None else ["armsim-guest"]
        return " ".join(_quote(a) for a in argv)

    def heap_info(self) -> Tuple[int, int, int, int]:
        """(heap base, heap limit, stack base, stack limit) for SYS_HEAPINFO (see the module doc)."""
        top = self.ram_end
        heap_base = self.ram_base
        if self.image is not None:
            end = self.image.end
            if self.ram_base <= end <= top:
                heap_base = end
        heap_base = min((heap_base + HEAP_ALIGN - 1) & ~(HEAP_ALIGN - 1), top)
        stack_limit = max(top - STACK_SIZE, heap_base)
        return heap_base & MASK32, stack_limit & MASK32, top & MASK32, stack_limit & MASK32

    def symbolize(self, addr: int) -> str:
        """"func+0x10" for an address, from the loaded image's symbols ("" without symbols)."""
        if self.image is None or not self.image.symbols:
            return ""
        return self.image.symbolize(addr)

    # -- the no-handler check -------------------------------------------------------------
    def _handler_missing(self, vector: int) -> Optional[str]:
        """Nothing installed at ``vector``: it is unmapped, or the word there is 0."""
        r = self._mem.find(vector)
        if r is None or vector + 4 > r.end:
            reason = f"vector {vector:#010x} is unmapped"
        elif r.data is None:
            return None  # MMIO: assume something answers
        elif r.data[vector - r.base : vector - r.base + 4] == b"\0\0\0\0":
            reason = f"vector {vector:#010x} holds 0"
        else:
            return None
        return reason

    def describe_insn(self, addr: int, thumb: bool = False) -> str:
        """"e5901000 LDR (immediate)" for the instruction at ``addr`` ("" if it cannot be fetched)."""
        try:
            row, info, _ = self.engine.lookup(addr | int(thumb))
        except FetchFault:
            return ""
        name = row.name if row is not None else "UNDEFINED"
        return f"{info.word:08x} {name}"

    def _symbol(self, addr: int) -> str:
        """"func+0x1c", or "" when no symbol covers ``addr``."""
        if self.image is None or self.image.find_symbol(addr) is None:
            return ""
        return self.image.symbolize(addr)

    def _complete(self, stop: Stop) -> Stop:
        """Add what only the machine knows to an engine's stop: symbols and decoder rows."""
        changes: Dict[str, Any] = {}
        if stop.pc is not None:
            changes["symbol"] = self._symbol(stop.pc)
            changes["instruction"] = self.describe_insn(stop.pc, stop.thumb)
        if stop.previous_pc is not None:
            changes["previous_symbol"] = self._symbol(stop.previous_pc)
            changes["previous_instruction"] = self.describe_insn(stop.previous_pc, stop.thumb)
        return dataclasses.replace(stop, **changes)

    # -- running ------------------------------------------------------------------------
    def instructions_now(self) -> int:
        """Instructions executed so far; exact during a semihosting call too (Engine.now)."""
        return self.engine.now

    def _tracer(self, trace: TraceArg) -> Optional[Callable[[int], None]]:
        if not trace:
            return None
        sink: Callable[[TraceRecord], Any]
        if callable(trace):
            sink = trace
        else:

            def sink(rec: TraceRecord) -> None:
                sys.stderr.write(f"{rec}\n")

        cache = self._trace_cache
        decoded = self.engine.cache
        fetch = self.engine.fetch
        record = self._trace_record

        flags = self._cpu.flags

        def tracer(key: int) -> None:
            if key not in decoded:
                return  # not decoded yet: the engine decodes it and calls again before executing
            try:
                word = fetch(key)[0]
            except FetchFault:
                word = -1
            rec = cache.get((key, word))
            if rec is None:
                rec = cache[(key, word)] = record(key, word)
            if rec.cond != 14:
                rec = rec._replace(executed=COND_PASSED[rec.cond][flags[0]])
            sink(rec)

        return tracer

    def _trace_record(self, key: int, word: int) -> TraceRecord:
        addr = key & 0xFFFFFFFE
        thumb = bool(key & 1)
        if word < 0:
            return TraceRecord(addr, thumb, None, "(fetch fault)", self.symbolize(addr))
        try:
            row, info, fields = self.engine.lookup(key)
        except FetchFault:
            row = None
        if row is None:
            return TraceRecord(addr, thumb, word, "UNDEFINED", self.symbolize(addr), "UNDEFINED")
        cond = fields.get("cond", info.cond)
        if cond == 15:
            cond = 14  # the unconditional space (A5.7) has no condition to fail
        if row.fmt is None:
            text = row.name
        else:
            d = DisasmContext(addr, thumb, info.size, (key >> 32) & 0xFF, self._symbol, word)
            text = render(row.fmt, dict(fields), d, {})
        return TraceRecord(addr, thumb, word, row.name, self.symbolize(addr), text, None, cond)

    def run(self, max_instructions: Optional[int] = None, trace: TraceArg = False) -> RunResult:
        """Run until the guest exits, halts, errs, or ``max_instructions`` (None = no limit) have run.

        ``trace=True`` prints ``address <symbol>: word  row`` per instruction
        on stderr; a callable receives a :class:`TraceRecord` per instruction.

        After a final stop (the guest exited, an error, an output error) the
        machine does not execute again until :meth:`reset` or :meth:`load_elf`:
        a further call returns the same stop (with zero instructions run).
        Ctrl-C raises :class:`~armsim.stop.RunInterrupted` (a KeyboardInterrupt)
        whose ``stop`` names where the run was.
        """
        limit = (1 << 62) if max_instructions is None else int(max_instructions)
        if limit < 0:
            raise ConfigError(f"max_instructions must be >= 0, not {max_instructions}")
        last = self._last_result
        if last is not None and last.stop is not None and last.stop.final:
            return dataclasses.replace(last, instructions=0, cycles=0, wall_time=0.0, mips=0.0, exceptions={},
                                       output=b"", error_output=b"")
        sh = self.semihosting
        out0 = len(sh.stdout.captured) if sh is not None else 0
        err0 = len(sh.stderr.captured) if sh is not None else 0
        counts0 = dict(self.exc.counts)
        insns0 = self.engine.instructions
        cycles0 = self.timing.cycles
        t0 = time.perf_counter()
        try:
            stop = self.engine.run(limit, self._tracer(trace), self.exc.interrupts_possible())
        except RunInterrupted as e:
            self.stop = self._complete(e.stop)
            raise RunInterrupted(self.stop) from None
        finally:
            wall = time.perf_counter() - t0
            if sh is not None:
                sh.flush_files()
            finish = getattr(trace, "finish", None)
            if callable(finish):
                finish()  # a trace sink that writes a record once the next instruction starts
        if stop.kind is StopKind.HYP_ENTRY:
            # The engine left the PC at the trapped instruction; the CPU is at the Hyp vector.
            cpu = self._cpu
            cpu.regs[15] = self._hyp_handler & 0xFFFFFFFE
            cpu.T = self._hyp_handler & 1
            cpu.IT = 0
        stop = self._complete(stop)
        self.stop = stop
        self.last_stop = stop.reason
        self.exit_code = stop.exit_code if stop.kind is StopKind.EXIT else None
        n = self.engine.instructions - insns0
        exceptions = {k: v - counts0.get(k, 0) for k, v in self.exc.counts.items() if v != counts0.get(k, 0)}
        result = RunResult(
            exit_code=self.exit_code,
            stop_reason=stop.reason,
            message=stop.render(),
            instructions=n,
            cycles=self.timing.cycles - cycles0,
            wall_time=wall,
            mips=(n / wall / 1e6) if wall > 0 else 0.0,
            exceptions=exceptions,
            output=bytes(sh.stdout.captured[out0:]) if sh is not None else b"",
            error_output=bytes(sh.stderr.captured[err0:]) if sh is not None else b"",
            stop=stop,
        )
        self._last_result = result
        return result

    def step(self) -> Machine:
        """Execute one instruction; returns the machine.

        Raises GuestError if the instruction stops the machine with an error;
        a guest exit is recorded in :attr:`last_stop` and :attr:`exit_code`.
        """
        result = self.run(1)
        if result.stop_reason is StopReason.ERROR:
            raise GuestError(result.message, pc=self._cpu.regs[15])
        return self

    def close(self) -> None:
        """Close host files the guest left open."""
        if self.semihosting is not None:
            self.semihosting.close_all()

    def __enter__(self) -> Machine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"<Machine {self.profile.name} timing={self.timing.level} RAM {self.ram_base:#010x}+{self.ram_size:#x} "
                f"pc={self._cpu.regs[15]:#010x} insns={self.engine.instructions}>")


def _check_ram(ram: Tuple[int, int]) -> Tuple[int, int]:
    try:
        base, size = (int(x) for x in ram)
    except (TypeError, ValueError):
        raise ConfigError(f"ram must be (base, size), not {ram!r}") from None
    if size <= 0:
        raise ConfigError(f"RAM size must be positive, not {size:#x}")
    if base < 0 or base + size > 1 << 32:
        raise ConfigError(f"RAM {base:#x}+{size:#x} does not fit in the 32-bit address space")
    if base % 4 or size % 4:
        raise ConfigError(f"RAM base and size must be multiples of 4 ({base:#x}+{size:#x})")
    return base, size


def _quote(arg: str) -> str:
    """Quote an argument for newlib crt0's command-line splitter (blanks; '...' or "...")."""
    if arg and " " not in arg and '"' not in arg and "'" not in arg:
        return arg
    return f"'{arg}'" if '"' in arg else f'"{arg}"'
