"""Both engines agree: the block engine's state at every block exit is the interpreter's after as many instructions.

The block engine under test records, at every exit of a block function (and
at every exception leaving one), the instruction count so far and the full
architectural state (R0-R15 of the current mode, CPSR, every banked register,
the SPSRs, and for small machines the whole RAM).  The interpreter then runs
to each recorded count and must hold the same state; at the end both report
the same stop, count, exceptions taken and memory.  Cases: every bundled guest,
and generated A32 loops mixing conditional data-processing, loads and stores,
aborts mid-block, UNDEFINED encodings, self-modifying stores and semihosting
calls that read the instruction count (SYS_ELAPSED).
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim import Machine
from armsim.exec.blocks import Block, BlockEngine, BlockFn, block_source
from armsim.exec.engine import Engine, FetchFault
from armsim.host.semihosting import Semihosting
from armsim.isa.contract import ExecContext, GuestExit, GuestHalt, SemihostingCall
from armsim.memory import MemoryFault
from armsim.timing.profiles import DEFAULT_CPU
from tests.conftest import profile_examples
from tests.helpers import TestMachine

GUESTS = Path(__file__).resolve().parent.parent / "examples" / "guests"

State = Tuple[Any, ...]


def cpu_state(engine: Engine, pc: int, ram: Optional[Callable[[], bytes]]) -> State:
    cpu = engine.cpu
    return (pc, tuple(cpu.regs[:15]), tuple(cpu.flags), cpu.mode, cpu.A, cpu.I, cpu.F, cpu.E,
            tuple(cpu.phys), tuple(sorted(cpu.spsr.items())), ram() if ram is not None else None)


class RecordingBlockEngine(BlockEngine):
    """A block engine that records (count, state) at every block exit; the counting rules are the interpreter's."""

    def __init__(self, ctx: ExecContext, hot: int, ram: Optional[Callable[[], bytes]]) -> None:
        super().__init__(ctx, hot=hot)
        self.records: List[Tuple[int, State]] = []
        self.total = 0
        self.ram = ram

    def _wrap(self, blk: Block, fn: BlockFn) -> BlockFn:
        def recorded(left: int) -> Tuple[int, int]:
            try:
                pc, k = fn(left)
            except (MemoryFault, SemihostingCall, GuestExit, GuestHalt) as e:
                self.total += blk.fault_index(e)[1] + 1  # the instructions before, and the one that trapped
                raise
            except BaseException as e:
                self.total += blk.fault_index(e)[1]
                raise
            self.total += k
            self.records.append((self.total, cpu_state(self, pc, self.ram)))
            return pc, k

        return recorded

    def _install(self, key: int) -> None:
        try:
            super()._install(key)
        except FetchFault:
            self.total += 1
            raise
        blk = self.binfo[key]
        if blk.code is None:  # still cold (a translated block was wrapped by translate())
            fn, n = self.blocks[key]
            self.blocks[key] = (self._wrap(blk, fn), n)

    def translate(self, blk: Block) -> BlockFn:
        fn = super().translate(blk)
        if self.binfo.get(blk.key) is blk:
            self.blocks[blk.key] = (self._wrap(blk, fn), len(blk.ops))
        return fn


def check_lockstep(interp: Engine, block: RecordingBlockEngine, ram: Optional[Callable[[], bytes]], limit: int) -> Any:
    """Run ``block`` to ``limit``, then the interpreter to every recorded count; returns both stops.

    ``ram`` reads the interpreter's memory (compared with what the recording engine saw).
    """
    stop_b = block.run(limit)
    done = 0
    for count, state in block.records:
        if count > done:
            interp.run(count - done)
            done = count
        assert interp.instructions == count
        assert cpu_state(interp, interp.pc_key(), ram) == state, f"state differs after {count} instructions"
    stop_i = interp.run(limit - interp.instructions) if interp.instructions < limit else None
    return stop_b, stop_i


# -- bundled guests ---------------------------------------------------------------------------------


VIRT_RAM = (0x40000000, 128 << 20)  # the ``-M virt`` builds' RAM


def _guest_options(rel: str) -> Dict[str, Any]:
    """Machine options a bundled guest runs with (as its own tests run it)."""
    opts: Dict[str, Any] = {}
    if rel.startswith("debug/"):
        opts["cpu"] = "cortex-a15"
    if rel.startswith("hyp/"):
        opts["boot_mode"] = "hyp"
    if "_virt" in rel:
        opts["ram"] = VIRT_RAM
    return opts


# Every guest ``armsim run`` runs (the kvm/ images are run by ``armsim kvm``, the bench/ ones by
# ``armsim bench world-switch``: both under the modelled hypervisor, not bare).
GUEST_ELFS = sorted(str(p.relative_to(GUESTS)) for p in GUESTS.glob("**/*.elf")
                    if p.parent.name not in ("kvm", "bench"))


def _guest_machine(rel: str, engine: Any, **kw: Any) -> Machine:
    m = Machine(stdout=False, stderr=False, engine=engine, **_guest_options(rel), **kw)
    m.load_elf(str(GUESTS / rel))
    return m


def test_guest_list_has_arm_and_thumb_guests() -> None:
    assert {"hello.elf", "strings.elf", "strings-thumb.elf", "debug/debug_guest_thumb.elf",
            "hyp/hyp_guest.elf"} <= set(GUEST_ELFS)


@pytest.mark.parametrize("name", GUEST_ELFS)
def test_bundled_guest_same_on_both_engines(name: str) -> None:
    """Every bundled guest: same output, exit, count and state at every block exit on both engines."""
    mi = _guest_machine(name, "interp")
    # The block side: a recording engine (hot after 2 runs), wired into the machine as a named one.
    mb = _guest_machine(name, lambda ctx: RecordingBlockEngine(ctx, hot=2, ram=None))
    rec = mb.engine
    assert isinstance(rec, RecordingBlockEngine)
    # The long workload (28 M instructions) is checked over its first 500 k (CRC and sort code).
    limit = 500_000 if name.startswith("workload/") else 1_500_000 if name.startswith("strings") else 3_000_000
    ri = mi.run(max_instructions=limit)
    mi2 = _guest_machine(name, "interp")
    stop_b, _ = check_lockstep(mi2.engine, rec, None, limit)
    assert rec.translations > 0 or rec.instructions < 100
    assert stop_b.kind == ri.stop.kind and rec.instructions == ri.instructions
    assert mb.semihosting is not None and mi.semihosting is not None
    assert bytes(mb.semihosting.stdout.captured) == bytes(mi.semihosting.stdout.captured)
    assert cpu_state(rec, rec.pc_key(), None) == cpu_state(mi.engine, mi.engine.pc_key(), None)
    ram_b = hashlib.sha256(mb._mem.read_bytes(mb.ram_base, mb.ram_size)).digest()
    ram_i = hashlib.sha256(mi._mem.read_bytes(mi.ram_base, mi.ram_size)).digest()
    assert ram_b == ram_i


# The cycle matrix: the default run prices every guest on the default profile, one run per engine; the
# ci profile (.ci/run) adds the other profile and a second run on each engine (the same process, warm caches).
CYCLE_CPUS = ("cortex-a15", "cortex-a7") if profile_examples(0, 1) else (DEFAULT_CPU,)
CYCLE_RUNS = profile_examples(1, 2)
# A guest pinned to a profile (the debug/ ones) runs on that profile only.
CYCLE_CASES = [(name, cpu) for name in GUEST_ELFS for cpu in CYCLE_CPUS
               if _guest_options(name).get("cpu", cpu) == cpu]


@pytest.mark.parametrize("timing", ["fast", "pipeline"])
@pytest.mark.parametrize(("name", "cpu"), CYCLE_CASES)
def test_bundled_guest_same_cycles_on_both_engines(name: str, timing: str, cpu: str) -> None:
    """Same ELF, profile and level: the same instructions, cycles (by category) and exceptions on every run
    and on either engine."""
    limit = 400_000
    results = []
    opts = _guest_options(name)
    for engine in ("interp", "block"):
        for _ in range(CYCLE_RUNS):
            m = _guest_machine(name, engine, timing=timing, **({} if "cpu" in opts else {"cpu": cpu}))
            r = m.run(max_instructions=limit)
            results.append((r.stop_reason, r.exit_code, r.instructions, r.cycles, m.timing.breakdown(),
                            r.exceptions, r.output))
    assert len(results) == 2 * CYCLE_RUNS
    assert all(res == results[0] for res in results[1:])
    if results[0][2] > 1000:
        assert results[0][3] != results[0][2]  # the level prices something: cycles are not the count


# -- generated A32 loops ----------------------------------------------------------------------------

RAM = 0x10000
CODE = 0x1000
DATA = 0x8000  # a data window R11 points at
BAD = 0x00F00000  # unmapped: loads from here abort
ELAPSED_BLOCK = 0xC000
AL = 0xE
ELAPSED = 0xEF123456  # SVC 0x123456 (A32 semihosting)


def _dp_imm(cond: int, op: int, s: int, rn: int, rd: int, imm12: int) -> int:
    return cond << 28 | 1 << 25 | op << 21 | s << 20 | rn << 16 | rd << 12 | imm12


def _dp_reg(cond: int, op: int, s: int, rn: int, rd: int, imm5: int, stype: int, rm: int) -> int:
    return cond << 28 | op << 21 | s << 20 | rn << 16 | rd << 12 | imm5 << 7 | stype << 5 | rm


def _ldr_str(cond: int, load: int, byte: int, rn: int, rt: int, imm12: int, P: int = 1, U: int = 1, W: int = 0) -> int:
    return cond << 28 | 1 << 26 | P << 24 | U << 23 | byte << 22 | W << 21 | load << 20 | rn << 16 | rt << 12 | imm12


MOV_R0_ELAPSED = _dp_imm(AL, 13, 0, 0, 0, 0x30)  # MOV r0, #0x30 (SYS_ELAPSED)
MOV_R1_BLOCK = _dp_imm(AL, 13, 0, 0, 1, 0x903)  # MOV r1, #0xC000 (0x03 ROR 18, A5.2.4)
_CONDS = st.integers(0, 14)
_LOW = st.integers(0, 7)  # r0-r7: free for data; r8-r12 have fixed roles

# Multiply, media and miscellaneous encodings (A5.2.5-A5.2.7, A5.2.12, A5.4): (base word, [(shift, values)]).
# Register fields take r0-r7 (15 where it selects a form: Ra of SMUAD, Rn of SXTB, BFC); an
# UNPREDICTABLE combination is UNDEFINED on both engines.
_R = range(8)
_R15 = [*range(8), 15]
_REG_OPS: List[Tuple[int, List[Tuple[int, Any]]]] = [
    (0x00000090, [(21, range(8)), (20, [0, 1]), (16, _R), (12, _R), (8, _R), (0, _R)]),  # MUL ... SMLAL
    (0x01000080, [(21, range(4)), (16, _R), (12, _R), (8, _R), (6, [0, 1]), (5, [0, 1]), (0, _R)]),  # SMLA<x><y>
    (0x07000010, [(20, [0, 1, 3, 4, 5]), (16, _R), (12, _R15), (8, _R), (5, range(8)), (0, _R)]),  # SMLAD, SDIV
    (0x01000050, [(21, range(4)), (16, _R), (12, _R), (0, _R)]),  # QADD QSUB QDADD QDSUB
    (0x06000F10, [(20, [1, 2, 3, 5, 6, 7]), (16, _R), (12, _R), (5, [0, 1, 2, 3, 4, 7]), (0, _R)]),  # parallel
    (0x06800070, [(20, [0, 2, 3, 4, 6, 7]), (16, _R15), (12, _R), (10, range(4)), (0, _R)]),  # SXTAB ... UXTH
    (0x06800010, [(16, _R), (12, _R), (7, range(32)), (6, [0, 1]), (0, _R)]),  # PKHBT, PKHTB
    (0x06800FB0, [(16, _R), (12, _R), (0, _R)]),  # SEL
    (0x068F0F30, [(20, [3, 7]), (12, _R), (7, [0, 1]), (0, _R)]),  # REV REV16 RBIT REVSH
    (0x06A00010, [(22, [0, 1]), (16, range(32)), (12, _R), (7, range(32)), (6, [0, 1]), (0, _R)]),  # SSAT, USAT
    (0x06A00F30, [(22, [0, 1]), (16, range(16)), (12, _R), (0, _R)]),  # SSAT16, USAT16
    (0x07800010, [(16, _R), (12, _R15), (8, _R), (0, _R)]),  # USAD8, USADA8
    (0x07C00010, [(16, range(32)), (12, _R), (7, range(32)), (0, _R15)]),  # BFC, BFI
    (0x07A00050, [(22, [0, 1]), (16, range(32)), (12, _R), (7, range(32)), (0, _R)]),  # SBFX, UBFX
    (0x016F0F10, [(12, _R), (0, _R)]),  # CLZ
]


@st.composite
def _reg_op(draw: Callable, cond: int) -> int:
    base, fields = draw(st.sampled_from(_REG_OPS))
    word = cond << 28 | base
    for shift, values in fields:
        word |= draw(st.sampled_from(list(values))) << shift
    return word


def _extra_ldst(cond: int, op2: int, load: int, rt: int, imm8: int, P: int, U: int, W: int) -> int:
    """A5.2.8 LDRH/STRH/LDRSB/LDRSH/LDRD/STRD (immediate), base R11."""
    return (cond << 28 | P << 24 | U << 23 | 1 << 22 | W << 21 | load << 20 | 11 << 16 | rt << 12
            | (imm8 >> 4) << 8 | 0x90 | op2 << 5 | (imm8 & 0xF))


def _exclusive_pair(cond: int, op: int, rt: int, rd: int) -> List[int]:
    """A8.8.75-78 LDREX{,D,B,H} then A8.8.212-215 STREX{,D,B,H} of the same size at [R11]."""
    return [cond << 28 | 0x01900F9F | op << 21 | 11 << 16 | rt << 12,
            cond << 28 | 0x01800F90 | op << 21 | 11 << 16 | rd << 12 | rt]


@st.composite
def _insn(draw: Callable, index: int, length: int) -> List[int]:
    """One item of the loop body (one or two words); ``index`` is its word position in the body."""
    kind = draw(st.sampled_from(["dp", "dp", "dp", "dpreg", "ldst", "ldst", "abort", "undef", "smc", "semi",
                                 "mul_media", "mul_media", "extra", "excl"]))
    cond = draw(st.one_of(st.just(AL), _CONDS))
    if kind == "mul_media":
        return [draw(_reg_op(cond))]
    if kind == "extra":
        P, W = draw(st.sampled_from([(1, 0), (1, 0), (1, 1), (0, 0)]))
        op2, load = draw(st.sampled_from([(1, 0), (1, 1), (2, 0), (2, 1), (3, 0), (3, 1)]))
        rt = draw(st.sampled_from([0, 2, 4, 6])) if load == 0 and op2 > 1 else draw(_LOW)
        return [_extra_ldst(cond, op2, load, rt, draw(st.integers(0, 0x3F)) * 4, P,
                            1 if W == 0 else draw(st.integers(0, 1)), W)]
    if kind == "excl":
        op = draw(st.integers(0, 3))
        rt = draw(st.sampled_from([0, 2, 4, 6])) if op == 1 else draw(_LOW)
        return _exclusive_pair(cond, op, rt, draw(_LOW))
    if kind == "dp":
        op = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14, 15]))
        s = 1 if op in (8, 9, 10, 11) else draw(st.integers(0, 1))
        return [_dp_imm(cond, op, s, draw(_LOW), draw(_LOW), draw(st.integers(0, 0xFFF)))]
    if kind == "dpreg":
        op = draw(st.sampled_from([0, 2, 4, 5, 6, 10, 12, 13]))
        s = 1 if op == 10 else draw(st.integers(0, 1))
        return [_dp_reg(cond, op, s, draw(_LOW), draw(_LOW), draw(st.integers(0, 31)), draw(st.integers(0, 3)),
                        draw(_LOW))]
    if kind == "ldst":
        P, W = draw(st.sampled_from([(1, 0), (1, 0), (1, 1), (0, 0)]))
        # Base R11 (the data window); offsets stay inside it, writeback walks within it.
        return [_ldr_str(cond, draw(st.integers(0, 1)), draw(st.integers(0, 1)), 11, draw(_LOW),
                         draw(st.integers(0, 0x3F)) * 4, P=P, U=1 if W == 0 else draw(st.integers(0, 1)), W=W)]
    if kind == "abort":  # LDR r0, [r10]: R10 holds an unmapped address (Data Abort mid-block)
        return [_ldr_str(cond, 1, 0, 10, 0, 0)]
    if kind == "undef":  # UDF (A8.8.247) or a conditional word in the permanently UNDEFINED space
        return [draw(st.sampled_from([0xE7F000F0, cond << 28 | 0x07F000F0]))]
    if kind == "smc":
        # STR r9, [pc, #k]: overwrite a later word of this body with "ADD r7, r7, #1" (R9 holds it).
        ahead = draw(st.integers(0, max(0, length - index - 3)))
        return [_ldr_str(cond, 0, 0, 15, 9, ahead * 4)]
    # Semihosting SYS_ELAPSED (SVC 0x123456): R0 = 0x30, R1 -> the count, written to memory (see _image).
    return [MOV_R0_ELAPSED]


@st.composite
def programs(draw: Callable) -> Tuple[List[int], List[int]]:
    """(loop body, starting R0-R7) for :func:`_image`."""
    length = draw(st.integers(1, 24))
    body: List[int] = []
    while len(body) < length:
        body += draw(_insn(len(body), length))
    return body, [draw(st.integers(0, 0xFFFFFFFF)) for _ in range(8)]




def _image(body: List[int], iterations: int) -> Tuple[bytes, int]:
    """Vectors that skip the trapping instruction, then ``loop: body; SUBS r12, #1; BNE loop; B .``."""
    words = [0] * (RAM // 4)
    # 0x04 Undefined: MOVS pc, lr (LR = next instruction).  0x08 SVC: same.  0x10 Data Abort: SUBS pc, lr, #4.
    words[1] = 0xE1B0F00E
    words[2] = 0xE1B0F00E
    words[4] = 0xE25EF004
    code: List[int] = []
    for w in body:
        if w == MOV_R0_ELAPSED:
            code += [MOV_R0_ELAPSED, MOV_R1_BLOCK, ELAPSED]
        else:
            code.append(w)
    loop = CODE // 4
    words[loop : loop + len(code)] = code
    end = loop + len(code)
    words[end] = _dp_imm(AL, 2, 1, 12, 12, 1)  # SUBS r12, r12, #1
    words[end + 1] = 0x1A000000 | ((loop - (end + 1) - 2) & 0xFFFFFF)  # BNE loop
    words[end + 2] = 0xEAFFFFFE  # B . (the run ends at its instruction limit)
    return struct.pack(f"<{len(words)}I", *words), iterations


def _small(engine_cls: Any, image: bytes, regs: List[int], iterations: int, hot: int = 0) -> Tuple[TestMachine, Any]:
    m = TestMachine(ram_size=RAM)
    ram = m.mem.read_bytes
    if engine_cls is RecordingBlockEngine:
        eng = RecordingBlockEngine(m.ctx, hot=hot, ram=lambda: ram(0, RAM))
    else:
        eng = engine_cls(m.ctx)
    m.engine = eng
    m.mem.load(0, image)
    sh = Semihosting(m.ctx, instructions=lambda: eng.now, stdout=False, stderr=False)
    m.ctx.semihost = sh
    for r, v in enumerate(regs):
        m.cpu.regs[r] = v
    m.cpu.regs[9] = _dp_imm(AL, 4, 0, 7, 7, 1)  # ADD r7, r7, #1: the word self-modifying stores write
    m.cpu.regs[10] = BAD
    m.cpu.regs[11] = DATA
    m.cpu.regs[12] = iterations
    m.cpu.regs[13] = 0x7000
    m.cpu.regs[15] = CODE
    eng.flush()
    return m, eng


@settings(max_examples=profile_examples(60, 600))
@given(programs(), st.integers(1, 12), st.sampled_from([0, 0, 2]))
def test_generated_loops_same_on_both_engines(prog: Tuple[List[int], List[int]], iterations: int, hot: int) -> None:
    """Loops with aborts, UNDEFINED, self-modifying stores, semihosting and conditions: identical at every exit."""
    body, regs = prog
    image, n = _image(body, iterations)
    limit = 40 * (len(body) + 6) * iterations + 50
    mi, interp = _small(Engine, image, regs, n)
    mb, block = _small(RecordingBlockEngine, image, regs, n, hot=hot)
    stop_b, stop_i = check_lockstep(interp, block, lambda: mi.mem.read_bytes(0, RAM), limit)
    assert block.instructions == interp.instructions
    assert (stop_i or stop_b).kind == stop_b.kind
    assert mi.exc.counts == mb.exc.counts
    assert cpu_state(interp, interp.pc_key(), lambda: mi.mem.read_bytes(0, RAM)) == cpu_state(
        block, block.pc_key(), lambda: mb.mem.read_bytes(0, RAM))


def test_self_modifying_store_seen_by_the_same_block() -> None:
    """A store into a later instruction of the running block: the new instruction executes (as the interpreter)."""
    # STR r9, [pc, #0] overwrites the word after next ("MOV r7, #0") with "ADD r7, r7, #1".
    body = [_ldr_str(AL, 0, 0, 15, 9, 0), _dp_imm(AL, 13, 0, 0, 6, 5), _dp_imm(AL, 13, 0, 0, 7, 0)]
    image, n = _image(body, 3)
    for hot in (0, 2):
        mb, block = _small(RecordingBlockEngine, image, [0] * 8, n, hot=hot)
        block.run(3 * 5 + 2)
        # r7 = 0 never runs: every pass executes the stored ADD (r7 counts the passes).
        assert mb.cpu.regs[7] == 3 and mb.cpu.regs[6] == 5


def test_elapsed_sees_the_exact_count_mid_block() -> None:
    """SYS_ELAPSED in the middle of a translated block reports the instructions retired before it."""
    body = [_dp_imm(AL, 4, 0, 0, 2, 1), MOV_R0_ELAPSED, _dp_imm(AL, 4, 0, 0, 3, 1)]
    image, n = _image(body, 5)
    for engine_cls in (Engine, RecordingBlockEngine):
        m, eng = _small(engine_cls, image, [0] * 8, n)
        eng.run(7 * 4)  # 4 passes of 7 instructions (ADD, MOV, MOV, SVC, ADD, SUBS, BNE)
        lo, hi = struct.unpack("<II", m.mem.read_bytes(0xC000, 8))
        # Pass 4: 3 passes of 7, then ADD, MOV, MOV: 24 instructions before the SVC.
        assert (hi, lo) == (0, 24), engine_cls.__name__


def test_abort_mid_block_is_precise() -> None:
    """B1.9.8: a Data Abort in the middle of a block: earlier instructions done, LR_abt = the LDR + 8."""
    body = [_dp_imm(AL, 4, 0, 0, 2, 1), _ldr_str(AL, 1, 0, 10, 0, 0), _dp_imm(AL, 4, 0, 0, 3, 1)]
    image, n = _image(body, 1)
    m, eng = _small(RecordingBlockEngine, image, [0] * 8, n, hot=0)
    eng.run(2)  # ADD, then the aborting LDR (counted)
    assert eng.instructions == 2 and m.cpu.regs[2] == 1 and m.cpu.regs[3] == 0
    assert m.cpu.mode == 0x17 and m.cpu.regs[14] == CODE + 4 + 8 and m.cpu.regs[15] == 0x10


# One encoding per operation family written as a template (DESIGN.md section 5, "one definition per operation").
INLINED = {
    "MULS r0, r1, r2": 0xE0100291, "UMLAL r0, r1, r2, r3": 0xE0A10392, "SMLABT r0, r1, r2, r3": 0xE10030C1,
    "SMLSDX r0, r1, r2, r3": 0xE7003271, "SMMULR r0, r1, r2": 0xE750F231, "UDIV r0, r1, r2": 0xE730F211,
    "QDSUB r0, r1, r2": 0xE1620051, "SADD16 r0, r1, r2": 0xE6110F12, "UQSUB8 r0, r1, r2": 0xE6610FF2,
    "SHASX r0, r1, r2": 0xE6310F32, "UADD8 r0, r1, r2": 0xE6510F92, "SXTAB16 r0, r1, r2, ROR #8": 0xE6810472,
    "UXTH r0, r1, ROR #24": 0xE6FF0C71, "PKHTB r0, r1, r2, ASR #20": 0xE6810A52, "SSAT r0, #16, r1, ASR #3": 0xE6AF01D1,
    "USAT16 r0, #8, r1": 0xE6E80F31, "SEL r0, r1, r2": 0xE6810FB2, "REVSH r0, r1": 0xE6FF0FB1,
    "RBIT r0, r1": 0xE6FF0F31, "USAD8 r0, r1, r2": 0xE780F211, "SBFX r0, r1, #4, #8": 0xE7A70251,
    "BFC r0, #4, #8": 0xE7CB021F, "CLZ r0, r1": 0xE16F0F11, "MOVT r0, #0x1234": 0xE3410234,
    "LDRSH r0, [r11, #2]": 0xE1DB00F2, "STRH r0, [r11], #-2": 0xE04B00B2, "LDRD r0, r1, [r11, #8]!": 0xE1EB00D8,
    "STRD r2, r3, [r11, -r4]": 0xE10B20F4, "LDR r0, [r11, r1, ROR #3]": 0xE79B01E1, "LDREXH r0, [r11]": 0xE1FB0F9F,
    "STREXB r1, r2, [r11]": 0xE1CB1F92, "CLREX": 0xF57FF01F, "LDRH r0, [pc, #4]": 0xE1DF00B4,
}


def test_operations_are_inlined_in_translated_blocks() -> None:
    """The translated block of these operations calls no per-instruction op: each body is spliced in."""
    image, n = _image(list(INLINED.values()), 1)
    m, eng = _small(BlockEngine, image, [0] * 8, n, hot=0)
    m.cpu.regs[4] = 8
    eng.run(len(INLINED))
    blk = eng.binfo[CODE]
    assert len(blk.ops) == len(INLINED) + 2  # one block: the operations, SUBS, BNE
    src, bind = block_source(blk)[:2]
    assert not [name for name in bind if name.startswith("op_")], src
    assert "R0 = 32 - R1.bit_length()" in src  # CLZ, registers as the block's locals


# Loads and stores of every width, aligned and not, single and multiple (base R11 = DATA, SP = 0x7000).
RAM_ACCESSES = [
    _ldr_str(AL, 1, 0, 11, 0, 1), _ldr_str(AL, 0, 0, 11, 1, 6), _ldr_str(AL, 1, 0, 11, 1, 8),  # LDR/STR, unaligned
    _ldr_str(AL, 1, 1, 11, 2, 3), _ldr_str(AL, 0, 1, 11, 3, 5),  # LDRB, STRB
    _extra_ldst(AL, 1, 1, 4, 2, 1, 1, 0), _extra_ldst(AL, 1, 0, 5, 7, 1, 1, 0),  # LDRH, STRH unaligned
    _extra_ldst(AL, 2, 1, 6, 9, 1, 1, 0), _extra_ldst(AL, 3, 1, 7, 10, 1, 1, 0),  # LDRSB, LDRSH
    _extra_ldst(AL, 3, 1, 3, 11, 1, 1, 0), _ldr_str(AL, 0, 0, 11, 2, 12, P=0, U=1, W=0),  # LDRSH odd, STR post
    0xE88B000F, 0xE99B00F0, 0xE92D0003, 0xE8BD000C,  # STM r11, {r0-r3}; LDMIB r11, {r4-r7}; PUSH; POP
]


def test_ram_accesses_are_inline_and_precise() -> None:
    """Loads and stores to RAM access its buffer inline in translated code (aligned ones; the others
    call the accessor), with the interpreter's results at every exit."""
    image, n = _image(RAM_ACCESSES, 5)
    regs = [0x80FF7F01 * (i + 1) & 0xFFFFFFFF for i in range(8)]
    mi, interp = _small(Engine, image, regs, n)
    mb, block = _small(RecordingBlockEngine, image, regs, n, hot=0)
    limit = 5 * (len(RAM_ACCESSES) + 2) + 1
    check_lockstep(interp, block, lambda: mi.mem.read_bytes(0, RAM), limit)
    assert cpu_state(interp, interp.pc_key(), lambda: mi.mem.read_bytes(0, RAM)) == cpu_state(
        block, block.pc_key(), lambda: mb.mem.read_bytes(0, RAM))
    src = block_source(block.binfo[CODE], mb.mem.window)[0]
    assert "M4_[" in src or "U4_(" in src, src  # the inline word access (memoryview or struct)
    assert "M1_[" in src or "U1_(" in src, src


# -- translated-block specifics: timing charged at exits, self-loops, registers in locals ----------


def _timed_machine(engine: Any, image: bytes, regs: List[int], iterations: int, timing: str,
                   caches: bool = False) -> Machine:
    m = Machine(stdout=False, stderr=False, engine=engine, timing=timing, caches=caches, ram=(0, RAM))
    m._mem.load(0, image)
    for r, v in enumerate(regs):
        m.cpu.regs[r] = v
    for r, v in ((9, _dp_imm(AL, 4, 0, 7, 7, 1)), (10, BAD), (11, DATA), (12, iterations), (13, 0x7000),
                 (15, CODE)):
        m.cpu.regs[r] = v
    m.engine.flush()
    return m


def test_pipeline_level_is_translated_except_with_caches() -> None:
    """The pipeline level's timing runs inside translated blocks (spliced after each instruction's
    body, the scoreboard's clock in the block's locals) with the interpreter's cycles and breakdown;
    with the L1 caches on (their lookups read the address before the op) the block engine runs the
    interpreter's ops."""
    # ADD r2, #1; SUB r3, #1; MUL r4, r2, r3; ADD r5, r4, r4; LDR r6, [r11]; ADD r6, r6, r6 (load use);
    # UDIV r8, r2, r3 (operand-dependent on the Cortex-A15); MRC MIDR (serialising, a called op).
    body = [_dp_imm(AL, 4, 0, 2, 2, 1), _dp_imm(AL, 2, 0, 3, 3, 1), 0xE0040392,
            _dp_reg(AL, 4, 0, 4, 5, 0, 0, 4), _ldr_str(AL, 1, 0, 11, 6, 0), _dp_reg(AL, 4, 0, 6, 6, 0, 0, 6),
            0xE738F312, 0xEE101F10]
    image, n = _image(body, 50)
    seen = {}
    for timing, caches in (("fast", False), ("pipeline", False), ("pipeline", True)):
        for name, engine in (("interp", "interp"), ("block", lambda ctx: BlockEngine(ctx, hot=0))):
            m = _timed_machine(engine, image, [0] * 9, n, timing, caches)
            m.engine.run(2000)
            seen[timing, caches, name] = (m.timing.instructions, m.timing.cycles, m.timing.breakdown())
            if name == "block":
                assert isinstance(m.engine, BlockEngine)
                assert (m.engine.translations > 0) == (not caches)
                if timing == "pipeline" and not caches:
                    src = block_source(m.engine.binfo[CODE])[0]
                    assert "now_ = TST_[0]" in src and "TRD_[" in src, src
        assert seen[timing, caches, "interp"] == seen[timing, caches, "block"]
    assert seen["pipeline", False, "block"][2]["interlock"] > 0  # the load-use and multiply chains stall


@settings(max_examples=profile_examples(25, 200))
@given(programs(), st.integers(1, 12), st.sampled_from(["fast", "pipeline"]))
def test_generated_loops_same_cycles_on_both_engines(prog: Tuple[List[int], List[int]], iterations: int,
                                                      timing: str) -> None:
    """A translated block charges the static costs of its instructions at its exits, and those of the
    instructions up to an abort, UNDEFINED or semihosting call mid-block when it raises; at the pipeline
    level it runs each instruction's timing after its body and leaves the scoreboard's clock as the
    interpreter's ops would: cycles and their breakdown are the interpreter's after every run (here cut
    into short runs, so limits fall mid-block)."""
    body, regs = prog
    image, n = _image(body, iterations)
    limit = 40 * (len(body) + 6) * iterations + 50
    out = []
    for engine in ("interp", lambda ctx: BlockEngine(ctx, hot=0)):
        m = _timed_machine(engine, image, regs, n, timing)
        seen = []
        for _ in range(4):
            m.engine.run(limit // 4 + 3)
            p = m.timing.pipeline
            # The pipeline level's whole state: clock, group, return stack, scoreboard, predictors.
            pstate = (tuple(p.st), tuple(p.ready), bytes(p.counters), tuple(p.btb), tuple(p.ras)) if p else None
            seen.append((m.timing.instructions, m.timing.cycles, tuple(sorted(m.timing.breakdown().items())),
                         cpu_state(m.engine, m.engine.pc_key(), None), pstate))
        out.append(seen)
    assert out[0] == out[1]


def _loop_image(extra: List[int]) -> bytes:
    """``loop: ADD r2, r2, #1; <extra>; SUBS r12, r12, #1; BNE loop; B .`` at CODE."""
    return _image([_dp_imm(AL, 4, 0, 2, 2, 1), *extra], 0)[0]


def test_self_loop_runs_inside_its_function_within_the_budget() -> None:
    """A block that branches back to its start loops in its function: one call, many passes, and an
    instruction limit in the middle of the passes is still exact."""
    image = _loop_image([])
    m, eng = _small(BlockEngine, image, [0] * 8, 1000)
    calls = []
    eng.hot = 0
    real = eng.translate

    def counted(blk: Block) -> BlockFn:
        fn = real(blk)

        def wrapped(left: int) -> Tuple[int, int]:
            calls.append(left)
            return fn(left)

        if eng.binfo.get(blk.key) is blk:
            eng.blocks[blk.key] = (wrapped, len(blk.ops))
        return wrapped

    eng.translate = counted  # type: ignore[method-assign]
    eng.run(3 * 250 + 2)  # 250 passes of ADD, SUBS, BNE, then 2 more
    assert eng.instructions == 752
    assert m.cpu.regs[2] == 251 and m.cpu.regs[12] == 749 and m.cpu.regs[15] == CODE + 8
    assert len(calls) == 1  # the passes ran inside one call; the last two on the interpreter's ops
    blk = eng.binfo[CODE]
    assert blk.code is not None and "while True:" in block_source(blk)[0]


def test_abort_in_a_self_loop_writes_back_the_registers_of_earlier_passes() -> None:
    """Registers held in locals: an abort in a later pass leaves the state of the passes before it (B1.9.8)."""
    # loop: ADD r2, #1; LDR r0, [r11], #4 (walking off the end of RAM); SUBS r12, #1; BNE loop
    extra = [_ldr_str(AL, 1, 0, 11, 0, 4, P=0, U=1, W=0)]  # LDR r0, [r11], #4: post-indexed walk
    image = _loop_image(extra)
    for engine_cls in (Engine, BlockEngine):
        m, eng = _small(engine_cls, image, [0] * 8, 1000)
        m.cpu.regs[11] = RAM - 5 * 4  # the 6th pass loads from RAM's end: a Data Abort
        if isinstance(eng, BlockEngine):
            eng.hot = 0
        # 5 passes of 4; the ADD and the aborting LDR of the 6th (in the translated loop: a whole pass fits
        # the budget); the handler's SUBS pc, lr, #4 skips the LDR; SUBS r12; BNE back to the start.
        eng.run(25)
        assert eng.instructions == 25 and m.cpu.mode == 0x13 and m.cpu.regs[15] == CODE, engine_cls.__name__
        assert (m.cpu.regs[2], m.cpu.regs[11], m.cpu.regs[12]) == (6, RAM, 994)
        assert sum(m.exc.counts.values()) == 1  # the one Data Abort


def test_flags_computed_only_where_read() -> None:
    """A flag-setting instruction whose NZCV a later instruction of the block overwrites before any
    read does not compute them; one followed by an instruction that may abort does (the abort saves
    the flags in SPSR_abt, B1.9.8), and the state is the interpreter's at every exit either way."""
    adds = _dp_imm(AL, 4, 1, 0, 0, 1)  # ADDS r0, r0, #1
    cmp_r1_r2 = _dp_reg(AL, 10, 1, 1, 0, 0, 0, 2)  # CMP r1, r2
    add_r3 = _dp_imm(AL, 4, 0, 3, 3, 1)  # ADD r3, r3, #1: touches no flags
    abort = _ldr_str(AL, 1, 0, 10, 4, 0)  # LDR r4, [r10]: a Data Abort
    movs = _dp_reg(AL, 13, 1, 0, 5, 0, 0, 6)  # MOVS r5, r6: N and Z from the result, C and V kept (a read)
    # (MOVS itself is dead before a CMP: it reads the flags it then overwrites.)
    regs = [0xFFFFFFFF, 1, 2, 0, 0, 0, 0x80000000, 0]
    # The loop's SUBS r12 (before BNE) overwrites all of NZCV: a CMP just before it is dead too.
    for body, dead in (([adds, cmp_r1_r2], 2), ([adds, add_r3, cmp_r1_r2], 2), ([adds, abort, cmp_r1_r2], 1),
                       ([adds, movs, cmp_r1_r2], 2), ([adds, add_r3], 1), ([adds, movs], 1)):
        image, n = _image(body, 3)
        mi, interp = _small(Engine, image, regs, n)
        mb, block = _small(RecordingBlockEngine, image, regs, n, hot=0)
        check_lockstep(interp, block, lambda: mi.mem.read_bytes(0, RAM), 3 * (len(body) + 2) + 2)
        assert cpu_state(interp, interp.pc_key(), None) == cpu_state(block, block.pc_key(), None)
        blk = block.binfo[CODE]
        full = block_source(blk, mb.mem.window, flag_liveness=False)[0]
        live = block_source(blk, mb.mem.window)[0]
        assert full.count("FL = ") - live.count("FL = ") == dead, live


@pytest.mark.parametrize("engine", ["interp", "block"])
def test_store_over_an_instruction_inside_an_it_block_is_seen(engine: str) -> None:
    """A8.8.54 IT, B2.2.1 (self-modifying code): an instruction inside an IT block is decoded for its
    ITSTATE (its key carries bits 39:32); a store over it drops that decode too, so the next pass runs
    the new instruction."""
    # Thumb at CODE: CMP r0, #0; IT EQ; MOV r1, #1 (conditional); B . -- then the MOV becomes MOV r1, #2.
    code = struct.pack("<4H", 0x2800, 0xBF08, 0x2101, 0xE7FE)
    eng_arg: Any = engine if engine == "interp" else (lambda ctx: BlockEngine(ctx, hot=0))
    m = Machine(stdout=False, stderr=False, engine=eng_arg, ram=(0, RAM))
    m._mem.load(CODE, code)
    for value in (1, 2):
        if value == 2:
            m._mem.write16(CODE + 4, 0x2102)  # the store a guest would make, through the same accessor
        m.cpu.regs[0] = 0
        m.cpu.regs[1] = 0
        m.cpu.regs[15] = CODE
        m.cpu.T = 1
        m.engine.run(6)
        assert m.cpu.regs[1] == value, (engine, value)
