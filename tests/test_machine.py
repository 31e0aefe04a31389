"""Machine: loading, reset state, running, stop reasons, the no-handler check, tracing, CPU profiles.

These tests exercise the machine plumbing, not the instruction set: programs are
built from words whose semantics the test installs in the decoder (``Prog`` +
the ``fake_isa`` fixture), so they do not depend on the A32 instruction classes.
"""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import pytest

import armsim
from armsim import ConfigError, ElfLoadError, GuestError, Machine, RunResult, StopReason, TraceRecord, get_profile
from armsim.cpu.modes import Mode
from armsim.isa import a32
from armsim.isa.contract import ExecContext, InsnInfo, Op
from armsim.isa.decoder import Row
from armsim.signals import SemihostingCall
from armsim.stop import MAX_REENTRIES, StopKind
from armsim.timing.profiles import PROFILES
from tests.test_loader import PF_R, PF_W, PF_X, STB_GLOBAL, STT_FUNC, build_elf

M32 = 0xFFFFFFFF
CODE = 0x8000
DATA = 0x9000
UDF_BASE = 0xE7F000F0  # A8.8.247 UDF: permanently UNDEFINED; test words live in its imm16 space

SemFn = Callable[[ExecContext, InsnInfo], Optional[int]]


class Prog:
    """A test program: a list of words plus the Python semantics of each word."""

    def __init__(self, base: int = CODE) -> None:
        self.base = base
        self.words: List[int] = []
        self.sem: Dict[int, Tuple[str, SemFn]] = {}
        self.data = bytearray()
        self._n = 1  # UDF #0 stays a genuine UDF

    @property
    def here(self) -> int:
        return self.base + 4 * len(self.words)

    def op(self, name: str, fn: SemFn, word: Optional[int] = None) -> int:
        """Append one instruction; returns its address."""
        if word is None:
            word = UDF_BASE | ((self._n >> 4) << 8) | (self._n & 0xF)
            self._n += 1
        self.sem[word] = (name, fn)
        addr = self.here
        self.words.append(word)
        return addr

    def set(self, r: int, value: int) -> int:
        def fn(ctx: ExecContext, info: InsnInfo) -> None:
            ctx.regs[r] = value & M32

        return self.op(f"TEST SET r{r}", fn)

    def svc(self) -> int:
        """SVC #0x123456 (the ARM-state semihosting call): the host call, or an SVC exception."""

        def fn(ctx: ExecContext, info: InsnInfo) -> Optional[int]:
            if ctx.semihost is None:
                return ctx.exc.TakeSVCException(info.key, 4)
            raise SemihostingCall(info.nxt)

        return self.op("TEST SVC", fn, 0xEF123456)

    def loop(self) -> int:
        """B . (branch to itself)."""
        return self.op("TEST B", lambda ctx, info: info.key, 0xEAFFFFFE)

    def ldr(self) -> int:
        """LDR r1, [r0]."""

        def fn(ctx: ExecContext, info: InsnInfo) -> None:
            ctx.regs[1] = ctx.read32(ctx.regs[0])

        return self.op("TEST LDR", fn, 0xE5901000)

    def poke(self, addr: int, *words: int) -> int:
        """Store words at ``addr`` (builds parameter blocks at run time)."""

        def fn(ctx: ExecContext, info: InsnInfo) -> None:
            for i, w in enumerate(words):
                ctx.write32(addr + 4 * i, w & M32)

        return self.op("TEST POKE", fn)

    def nop(self) -> int:
        return self.op("TEST NOP", lambda ctx, info: None)

    def string(self, s: bytes) -> int:
        """Place a NUL-terminated string in the data segment; returns its address."""
        addr = DATA + len(self.data)
        self.data += s + b"\0"
        self.data += bytes((-len(self.data)) % 4)
        return addr

    # -- common sequences --
    def write0(self, s: bytes) -> None:
        self.set(0, 0x04)
        self.set(1, self.string(s))
        self.svc()

    def exit_extended(self, code: int) -> None:
        blk = DATA + 0x800
        self.sem_block = (blk, code)
        self.set(0, 0x20)
        self.set(1, blk)
        self.svc()

    def exit(self) -> None:
        self.set(0, 0x18)
        self.set(1, 0x20026)
        self.svc()

    def elf(self, path: Path, entry: Optional[int] = None) -> Path:
        data = bytes(self.data)
        if hasattr(self, "sem_block"):
            blk, code = self.sem_block
            data = data.ljust(blk - DATA, b"\0") + struct.pack("<II", 0x20026, code & M32)
        segs = [(self.base, struct.pack(f"<{len(self.words)}I", *self.words), 4 * len(self.words), PF_R | PF_X)]
        if data:
            segs.append((DATA, data, len(data) + 64, PF_R | PF_W))
        syms = [("_start", self.base, 4 * len(self.words), STT_FUNC, STB_GLOBAL)]
        path.write_bytes(build_elf(segs, entry if entry is not None else self.base, symbols=syms))
        return path


class FakeIsa:
    """Installs Prog semantics into the A32 decoder (real rows for every other word)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows: Dict[int, Row] = {}
        real = a32.lookup
        rows = self.rows
        monkeypatch.setattr(a32, "lookup", lambda word: rows.get(word) or real(word))

    def install(self, prog: Prog) -> None:
        for word, (name, fn) in prog.sem.items():
            self.rows[word] = Row(name, format(word, "032b"), _builder(fn))


def _builder(fn: SemFn) -> Callable[..., Op]:
    def build(ctx: ExecContext, info: InsnInfo) -> Op:
        nxt = info.nxt

        def op() -> int:
            r = fn(ctx, info)
            return nxt if r is None else r

        return op

    return build


@pytest.fixture
def fake_isa(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIsa]:
    yield FakeIsa(monkeypatch)


def machine_for(fake: FakeIsa, prog: Prog, tmp_path: Path, **kw: object) -> Machine:
    fake.install(prog)
    kw.setdefault("stdout", False)
    kw.setdefault("ram", (0, 1 << 20))  # small RAM keeps tests fast
    m = Machine(**kw)  # type: ignore[arg-type]
    m.load_elf(prog.elf(tmp_path / "t.elf"))
    return m


def hello_prog() -> Prog:
    p = Prog()
    p.write0(b"Hello\n")
    p.exit()
    return p


# -- construction and loading -------------------------------------------------------------


def test_public_exports() -> None:
    for name in ("Machine", "RunResult", "StopReason", "ElfImage", "CpuProfile", "get_profile", "ArmsimError",
                 "ElfLoadError", "ConfigError", "GuestError", "__version__"):
        assert hasattr(armsim, name), name
    assert armsim.__version__ == "0.1.0"


def test_reset_state_after_load(fake_isa: FakeIsa, tmp_path: Path) -> None:
    """B1.9.1 reset: SVC mode, A/I/F set, ARM state; PC = entry, SP = top of RAM."""
    m = machine_for(fake_isa, hello_prog(), tmp_path, ram=(0, 1 << 20))
    cpu = m.cpu
    assert cpu.mode == Mode.SVC and (cpu.A, cpu.I, cpu.F, cpu.T, cpu.E) == (1, 1, 1, 0, 0)
    assert cpu.regs[15] == CODE and cpu.regs[13] == 1 << 20
    assert all(r == 0 for r in cpu.regs[:13])
    assert m.image is not None and m.image.lookup("_start") == CODE
    assert m.mem.read32(CODE) == hello_prog().words[0]


def test_thumb_entry_sets_t(fake_isa: FakeIsa, tmp_path: Path) -> None:
    p = hello_prog()
    fake_isa.install(p)
    m = Machine(stdout=False)
    m.load_elf(p.elf(tmp_path / "t.elf", entry=CODE | 1))
    assert m.cpu.T == 1 and m.cpu.regs[15] == CODE


def test_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cortex-a15, cortex-a7"):
        Machine(cpu="cortex-m3")
    for ram in ((0, 0), (0xFFFF0000, 0x20000), (2, 1024), (0, 1023), ("x", 1)):
        with pytest.raises(ConfigError):
            Machine(ram=ram)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="not a directory"):
        Machine(fs_root=tmp_path / "nope")


def test_load_errors_name_the_ram(fake_isa: FakeIsa, tmp_path: Path) -> None:
    p = hello_prog()
    p.base = 0x10000000
    fake_isa.install(p)
    m = Machine(ram=(0, 1 << 20), stdout=False)
    with pytest.raises(ElfLoadError, match=r"outside mapped memory \(RAM 0x00000000-0x000fffff\)"):
        m.load_elf(p.elf(tmp_path / "t.elf"))
    with pytest.raises(ElfLoadError, match="no such file"):
        m.load_elf(tmp_path / "missing.elf")


# -- running --------------------------------------------------------------------------


def test_run_to_exit(fake_isa: FakeIsa, tmp_path: Path) -> None:
    m = machine_for(fake_isa, hello_prog(), tmp_path)
    r = m.run(max_instructions=1000)
    assert isinstance(r, RunResult)
    assert r.stop_reason is StopReason.EXIT and r.exit_code == 0
    assert r.output == b"Hello\n" and m.output == b"Hello\n"
    assert r.instructions == 6 and r.cycles == r.instructions
    assert r.exceptions == {}
    assert r.wall_time >= 0 and r.mips >= 0
    assert m.last_stop is StopReason.EXIT and m.exit_code == 0


def test_exit_extended_status(fake_isa: FakeIsa, tmp_path: Path) -> None:
    p = Prog()
    p.write0(b"bye\n")
    p.exit_extended(7)
    r = machine_for(fake_isa, p, tmp_path).run()
    assert (r.stop_reason, r.exit_code, r.output) == (StopReason.EXIT, 7, b"bye\n")
    assert "status 7" in r.message


def test_instruction_limit(fake_isa: FakeIsa, tmp_path: Path) -> None:
    p = Prog()
    p.nop()
    p.loop()
    m = machine_for(fake_isa, p, tmp_path)
    r = m.run(max_instructions=1000)
    assert r.stop_reason is StopReason.LIMIT and r.exit_code is None
    assert r.instructions == 1000 and "1,000" in r.message
    assert m.cpu.regs[15] == CODE + 4
    r2 = m.run(max_instructions=10)  # continues where it stopped; counts are per call
    assert r2.instructions == 10 and m.instructions == 1010


def test_data_abort_without_handler(fake_isa: FakeIsa, tmp_path: Path) -> None:
    """B1.9.9 with nothing at the vector: a GuestError message naming address, PC and instruction."""
    p = Prog()
    p.set(0, 0x12345678)
    p.ldr()
    m = machine_for(fake_isa, p, tmp_path)
    r = m.run(100)
    assert r.stop_reason is StopReason.ERROR and r.exit_code is None
    # (The access size in the text comes from the memory system's fault record.)
    assert re.match(r"Data Abort: \d-byte read from unmapped address 0x12345678 at 0x00008004 <_start\+0x4> "
                    r"\(e5901000 TEST LDR\)", r.message), r.message
    assert "no data abort handler (vector 0x00000010 holds 0)" in r.message
    assert r.exceptions == {"DATA_ABORT": 1}
    assert r.instructions == 2  # the first instruction, and the aborted LDR
    assert m.cpu.regs[15] == CODE + 4


def test_run_after_an_error_returns_the_same_stop(fake_isa: FakeIsa, tmp_path: Path) -> None:
    """A guest error is final: run() again reports it again without executing; reset() clears it."""
    p = Prog()
    p.set(0, 0x12345678)
    p.ldr()
    m = machine_for(fake_isa, p, tmp_path)
    first = m.run(100)
    again = m.run(100)
    assert again.stop == first.stop and again.message == first.message and again.instructions == 0
    assert m.instructions == 2 and again.exceptions == {}
    m.reset()
    assert m.stop is None and m.last_stop is None


def test_undefined_without_handler(fake_isa: FakeIsa, tmp_path: Path) -> None:
    p = Prog()
    p.nop()
    p.op("UDF", lambda ctx, info: ctx.exc.TakeUndefInstrException(info.key, "UDF"), UDF_BASE)
    r = machine_for(fake_isa, p, tmp_path).run(100)
    assert r.stop_reason is StopReason.ERROR
    assert r.message.startswith("Undefined Instruction: UDF at 0x00008004 <_start+0x4> (e7f000f0 UDF)"), r.message
    assert "no undefined instruction handler (vector 0x00000004 holds 0)" in r.message


def test_genuine_udf_is_undefined(tmp_path: Path) -> None:
    """The real decoder: UDF (A8.8.247) takes the Undefined Instruction exception."""
    p = Prog()
    p.words.append(UDF_BASE)
    m = Machine(stdout=False)
    m.load_elf(p.elf(tmp_path / "t.elf"))
    r = m.run(10)
    assert r.stop_reason is StopReason.ERROR
    assert r.message.startswith("Undefined Instruction: ") and "0x00008000 <_start> (e7f000f0 " in r.message, r.message


def test_svc_without_semihosting(fake_isa: FakeIsa, tmp_path: Path) -> None:
    m = machine_for(fake_isa, hello_prog(), tmp_path, semihosting=False)
    r = m.run(100)
    assert r.stop_reason is StopReason.ERROR and r.message.startswith("Supervisor Call: "), r.message
    assert "(ef123456 TEST SVC)" in r.message and r.exceptions == {"SVC": 1}


def test_installed_handler_is_entered(fake_isa: FakeIsa, tmp_path: Path) -> None:
    """With a non-zero word at the vector the exception is taken normally (B1.9.6)."""
    p = Prog()
    p.nop()
    p.op("UDF", lambda ctx, info: ctx.exc.TakeUndefInstrException(info.key, "UDF"), UDF_BASE)
    m = machine_for(fake_isa, p, tmp_path)
    vec = Prog(base=0x4)
    vec.loop()
    fake_isa.install(vec)
    m.mem.load(0x4, struct.pack("<I", vec.words[0]))
    r = m.run(50)
    assert r.stop_reason is StopReason.LIMIT
    assert r.exceptions == {"UNDEFINED": 1}
    assert m.cpu.mode == Mode.UND and m.cpu.regs[15] == 0x4 and m.cpu.regs[14] == CODE + 8


def test_unmapped_vector(fake_isa: FakeIsa, tmp_path: Path) -> None:
    p = Prog()
    p.set(0, 0x12345678)
    p.ldr()
    m = machine_for(fake_isa, p, tmp_path, ram=(0x8000, 1 << 20))
    r = m.run(100)
    assert "vector 0x00000010 is unmapped" in r.message
    assert m.cpu.regs[13] == 0x8000 + (1 << 20)


def test_prefetch_abort_without_handler(fake_isa: FakeIsa, tmp_path: Path) -> None:
    p = Prog()
    p.op("TEST JUMP", lambda ctx, info: 0x40000000)
    r = machine_for(fake_isa, p, tmp_path).run(10)
    assert re.match(r"Prefetch Abort: instruction fetch: \d-byte read from unmapped address 0x40000000 at 0x40000000; "
                    r"reached from 0x00008000 <_start> \(e7f000f1 TEST JUMP\)", r.message), r.message
    assert r.exceptions == {"PREFETCH_ABORT": 1}


def test_stop_record_names_where_the_limit_was_reached(fake_isa: FakeIsa, tmp_path: Path) -> None:
    """The instruction-limit stop is a record: kind, PC, symbol and instruction (no string patching)."""
    p = Prog()
    p.nop()
    p.loop()
    r = machine_for(fake_isa, p, tmp_path).run(100)
    stop = r.stop
    assert stop is not None and stop.kind is StopKind.LIMIT and stop.reason is StopReason.LIMIT
    assert (stop.pc, stop.symbol, stop.instruction, stop.count) == (CODE + 4, "_start+0x4", "eafffffe TEST B", 100)
    assert r.message == stop.render() == "stopped after 100 instructions at 0x00008004 <_start+0x4> (eafffffe TEST B)"


def test_unmapped_fetch_names_the_branch_that_got_there(fake_isa: FakeIsa, tmp_path: Path) -> None:
    """B1.9.8 with no handler: the record has the unfetchable PC and the previous PC (the branch)."""
    p = Prog()
    p.nop()
    p.op("TEST JUMP", lambda ctx, info: 0x40000000)
    r = machine_for(fake_isa, p, tmp_path).run(10)
    stop = r.stop
    assert stop is not None and stop.kind is StopKind.NO_HANDLER and stop.exception == "Prefetch Abort"
    assert (stop.pc, stop.address, stop.vector) == (0x40000000, 0x40000000, 0x0C)
    assert (stop.previous_pc, stop.previous_symbol) == (CODE + 4, "_start+0x4")
    assert stop.previous_instruction.endswith("TEST JUMP") and stop.instruction == ""
    assert "at 0x40000000; reached from 0x00008004 <_start+0x4> (e7f000f2 TEST JUMP)" in r.message, r.message


CDP_P0 = 0xEE000000  # A8.8.28 CDP p0, ...: no coprocessor 0, so UNDEFINED (B1.9.6)
SUBS_PC_LR_4 = 0xE25EF004  # B9.3.19 SUBS PC, LR, #4: return to the instruction that took the exception


def test_corrupted_vector_is_an_exception_loop(tmp_path: Path) -> None:
    """A vector whose own instruction takes the same exception (a CDP at 0x04) stops after MAX_REENTRIES."""
    p = Prog()
    p.words.append(UDF_BASE)
    m = Machine(stdout=False, ram=(0, 1 << 20))
    m.load_elf(p.elf(tmp_path / "t.elf"))
    m.mem.write32(0x04, CDP_P0)
    r = m.run(10**7)
    stop = r.stop
    assert r.stop_reason is StopReason.ERROR and stop is not None and stop.kind is StopKind.EXCEPTION_LOOP
    assert (stop.exception, stop.vector, stop.pc, stop.count) == ("Undefined Instruction", 0x04, 0x04, MAX_REENTRIES)
    assert r.instructions <= MAX_REENTRIES + 2
    assert "re-entered itself 10,000 times" in r.message and "0x00000004 (ee000000 " in r.message, r.message


def test_a_retried_exception_from_another_mode_is_not_a_loop(tmp_path: Path) -> None:
    """An Undefined handler that returns to the faulting instruction (SUBS PC, LR, #4) runs on to the limit.

    The exception is taken from SVC mode each time, not from the handler itself, so it is not counted.
    """
    p = Prog()
    p.words.append(UDF_BASE)
    m = Machine(stdout=False, ram=(0, 1 << 20))
    m.load_elf(p.elf(tmp_path / "t.elf"))
    m.mem.write32(0x04, SUBS_PC_LR_4)
    r = m.run(3 * MAX_REENTRIES)
    assert r.stop_reason is StopReason.LIMIT and r.exceptions == {"UNDEFINED": 3 * MAX_REENTRIES // 2}


def test_step(fake_isa: FakeIsa, tmp_path: Path) -> None:
    m = machine_for(fake_isa, hello_prog(), tmp_path)
    assert m.step() is m
    assert m.cpu.regs[15] == CODE + 4 and m.cpu.regs[0] == 4 and m.instructions == 1
    for _ in range(5):
        m.step()
    assert m.last_stop is StopReason.EXIT and m.exit_code == 0 and m.output == b"Hello\n"


def test_step_raises_guest_error(fake_isa: FakeIsa, tmp_path: Path) -> None:
    p = Prog()
    p.set(0, 0x12345678)
    p.ldr()
    m = machine_for(fake_isa, p, tmp_path)
    m.step()
    with pytest.raises(GuestError, match="Data Abort"):
        m.step()


def test_deterministic(fake_isa: FakeIsa, tmp_path: Path) -> None:
    p = Prog()
    for _ in range(20):
        p.nop()
    p.set(0, 0x10)  # SYS_CLOCK
    p.svc()
    p.exit()
    fake_isa.install(p)
    elf = p.elf(tmp_path / "t.elf")
    results = []
    for _ in range(2):
        m = Machine(stdout=False)
        m.load_elf(elf)
        r = m.run()
        results.append((r.exit_code, r.output, r.instructions, m.cpu.regs[:15]))
    assert results[0] == results[1]


def test_semihosting_clock_counts_instructions_mid_run(fake_isa: FakeIsa, tmp_path: Path) -> None:
    """SYS_ELAPSED inside a run sees the exact number of instructions executed before the call."""
    p = Prog()
    for _ in range(7):
        p.nop()
    p.set(0, 0x30)  # SYS_ELAPSED
    p.set(1, DATA + 0x100)
    p.svc()
    p.loop()
    p.string(b"x" * 0x110)
    m = machine_for(fake_isa, p, tmp_path)
    m.run(12)
    assert m.mem.read32(DATA + 0x100) == 9  # 7 NOPs + 2 SETs ran before the SVC
    m.cpu.regs[15] = CODE + 4 * 7  # once more, after 12 + 2 instructions
    m.run(3)
    assert m.mem.read32(DATA + 0x100) == 14
    assert m.instructions_now() == 15


def test_heap_info_and_cmdline(fake_isa: FakeIsa, tmp_path: Path) -> None:
    p = hello_prog()
    m = machine_for(fake_isa, p, tmp_path, ram=(0, 8 << 20))
    assert m.image is not None
    base, limit, stack_base, stack_limit = m.heap_info()
    assert base == (m.image.end + 15) & ~15 and base >= m.image.end
    assert stack_base == 8 << 20 and stack_limit == (8 << 20) - (1 << 20) and limit == stack_limit
    assert m.semihosting is not None and m.semihosting.cmdline == "t.elf"
    m2 = machine_for(fake_isa, p, tmp_path, argv=["prog", "a b", "c"])
    assert m2.semihosting is not None and m2.semihosting.cmdline == 'prog "a b" c'


def test_heap_info_small_ram(fake_isa: FakeIsa, tmp_path: Path) -> None:
    m = machine_for(fake_isa, hello_prog(), tmp_path, ram=(0, 0x10000 * 4))
    base, limit, stack_base, stack_limit = m.heap_info()
    assert stack_base == 0x40000 and stack_limit == base == limit


def test_output_to_sink(fake_isa: FakeIsa, tmp_path: Path) -> None:
    sink = io.BytesIO()
    m = machine_for(fake_isa, hello_prog(), tmp_path, stdout=sink)
    m.run()
    assert sink.getvalue() == b"Hello\n"


def test_trace_callback_and_stderr(fake_isa: FakeIsa, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records: List[TraceRecord] = []
    m = machine_for(fake_isa, hello_prog(), tmp_path)
    m.run(trace=records.append)
    assert [r.addr for r in records] == [CODE + 4 * i for i in range(6)]  # each instruction once
    assert records[0].symbol == "_start" and records[2].symbol == "_start+0x8"
    assert records[2].row == "TEST SVC" and records[2].word == 0xEF123456
    assert str(records[2]) == "00008008 <_start+0x8>: ef123456  TEST SVC"

    m = machine_for(fake_isa, hello_prog(), tmp_path)
    m.run(trace=True)
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 6 and err[0] == "00008000 <_start>: e7f000f1  TEST SET r0"


# -- CPU profiles ------------------------------------------------------------------------


def test_profiles() -> None:
    """MIDR (B4.1.105) and DBGDIDR (C11.11.15) agree with the profile's counts and revision."""
    a15 = get_profile("cortex-a15")
    assert (a15.midr, a15.dbgdidr, a15.brps, a15.wrps, a15.ctx_cmps) == (0x412FC0F1, 0x3515F021, 6, 4, 2)
    assert a15.rev_name == "r2p1" and a15.part_number == 0xC0F
    a7 = get_profile("Cortex-A7")
    assert (a7.midr, a7.dbgdidr) == (0x410FC075, 0x3515F005) and a7.rev_name == "r0p5"
    for p in PROFILES.values():
        d = p.dbgdidr
        assert (d >> 28) + 1 == p.wrps and ((d >> 24) & 0xF) + 1 == p.brps and ((d >> 20) & 0xF) + 1 == p.ctx_cmps
        assert (d >> 16) & 0xF == 5  # v7.1 debug
        assert d & 0xFF == ((p.midr >> 16) & 0xF0) | (p.midr & 0xF)  # variant:revision as in the MIDR
        assert p.midr >> 24 == 0x41
    with pytest.raises(ConfigError, match=r"unknown CPU 'cortex-a9'.*cortex-a15, cortex-a7"):
        get_profile("cortex-a9")
    assert Machine(cpu="cortex-a7", ram=(0, 4096)).profile is a7
