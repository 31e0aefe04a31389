"""Run the same A32 code from the same state in armsim and in unicorn, and compare.

Both machines see one RAM region ``[0, MEM_SIZE)``: the code at ``CODE``
(0x8000) and a data window ``[WINDOW, WINDOW + WINDOW_SIZE)`` of random bytes
into which the generators point base registers.  Each instruction is run by
single-stepping (``emu_start(..., count=1)`` in unicorn, ``engine.run(1)`` in
armsim; DESIGN.md section 6: unicorn must be single-stepped) and after every
step the harness compares R0-R15 of the current mode, the CPSR fields an A32
instruction can change (N Z C V Q, J, GE, IT, E A I F T, M; bits 23:20 are
reserved) and the whole of RAM.

Exceptions.  unicorn reports an UNDEFINED instruction as ``UcError
(UC_ERR_INSN_INVALID)`` with the PC unchanged, other exceptions (SVC, aborts)
through ``UC_HOOK_INTR`` (intno 2 = SVC, 3 = prefetch abort, 4 = data abort,
as QEMU numbers them), and accesses outside the map as ``UC_ERR_*_UNMAPPED``.
An instruction that branches out of the map completes and *then* fails the
fetch of its target (``UC_ERR_FETCH_UNMAPPED`` with the PC at the target):
that counts as a normal completion.  armsim's exceptions are seen in
``ExceptionModel.counts``.  A case where both take the *same* exception
(unicorn's report mapped to armsim's name by :data:`UC_TRAP_AS`) is
*filtered* (counted, not compared); different exceptions, or a trap in only
one, are a mismatch.  Each class asserts that its filtered share stays below
:data:`MAX_FILTERED_SHARE` (:func:`assert_small_filtered_share`), so a
generator that drifts into trapping encodings cannot pass unnoticed.

Known unicorn (QEMU) deviations from DDI 0406C that the generators avoid are
listed in :mod:`tests.diff.encodings`.
"""

from __future__ import annotations

import collections
import dataclasses
import random
import struct
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from unicorn import UC_ARCH_ARM, UC_HOOK_INTR, UC_MODE_ARM, Uc, UcError
from unicorn import unicorn_const as ucc
from unicorn.arm_const import (
    UC_ARM_REG_CP_REG,
    UC_ARM_REG_CPSR,
    UC_ARM_REG_LR,
    UC_ARM_REG_PC,
    UC_ARM_REG_R0,
    UC_ARM_REG_R1,
    UC_ARM_REG_R2,
    UC_ARM_REG_R3,
    UC_ARM_REG_R4,
    UC_ARM_REG_R5,
    UC_ARM_REG_R6,
    UC_ARM_REG_R7,
    UC_ARM_REG_R8,
    UC_ARM_REG_R9,
    UC_ARM_REG_R10,
    UC_ARM_REG_R11,
    UC_ARM_REG_R12,
    UC_ARM_REG_SP,
    UC_ARM_REG_SPSR,
    UC_CPU_ARM_CORTEX_A15,
)

from armsim.cpu.modes import Mode
from tests.helpers import TestMachine

MASK32 = 0xFFFFFFFF
MEM_SIZE = 0x12000
CODE = 0x8000
WINDOW = 0x10000
WINDOW_SIZE = 0x2000
# Where emu_start would stop on its own; never reached (every step is count=1).
UNTIL = 0xFFFFFFF0

# CPSR bits compared: everything an instruction can architecturally change in
# A32 state (bits 23:20 are reserved, RAZ/SBZP).
CPSR_MASK = 0xFF0FFFFF

UC_REGS: Tuple[int, ...] = (
    UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4, UC_ARM_REG_R5,
    UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
    UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC,
)

# Modes a test may start in (no Monitor/Hyp: unicorn's A15 has no usable Hyp).
START_MODES = (Mode.USR, Mode.FIQ, Mode.IRQ, Mode.SVC, Mode.ABT, Mode.UND, Mode.SYS)
EXC_MODES = (Mode.FIQ, Mode.IRQ, Mode.SVC, Mode.ABT, Mode.UND)
# Registers initialised per bank before the test's own mode is entered.
_BANKS: Tuple[Tuple[int, Tuple[int, ...]], ...] = (
    (Mode.USR, (8, 9, 10, 11, 12, 13, 14)),
    (Mode.FIQ, (8, 9, 10, 11, 12, 13, 14)),
    (Mode.IRQ, (13, 14)),
    (Mode.SVC, (13, 14)),
    (Mode.ABT, (13, 14)),
    (Mode.UND, (13, 14)),
)
SCTLR_SW = 1 << 10  # B4.1.130: SWP/SWPB enable (Multiprocessing Extensions)
# unicorn's coprocessor register key: (cp, is64, sec, CRn, CRm, opc1, opc2) -> SCTLR is p15, 0, c1, c0, 0.
SCTLR_CP = (15, 0, 0, 1, 0, 0, 0)

INTR_NAMES = {1: "UNDEFINED", 2: "SVC", 3: "PREFETCH_ABORT", 4: "DATA_ABORT", 5: "IRQ", 6: "FIQ", 7: "BKPT"}
# unicorn's trap reports that are the same exception as armsim's name for it: BKPT is a
# Prefetch Abort debug event in ARMv7 (C4.3); an access outside unicorn's map is armsim's
# external abort (a data access: Data Abort; a fetch with the PC unchanged: Prefetch Abort).
UC_TRAP_AS = {
    "BKPT": "PREFETCH_ABORT",
    f"UcError: {UcError(ucc.UC_ERR_READ_UNMAPPED)}": "DATA_ABORT",
    f"UcError: {UcError(ucc.UC_ERR_WRITE_UNMAPPED)}": "DATA_ABORT",
    f"UcError: {UcError(ucc.UC_ERR_FETCH_UNMAPPED)}": "PREFETCH_ABORT",
}
# The most a class may filter (both emulators trapped alike) instead of compare.
MAX_FILTERED_SHARE = 0.05


@dataclass
class State:
    """The architectural starting point of one case."""

    regs: List[int]  # R0-R14 as the starting mode sees them
    nzcv: int = 0
    q: int = 0
    ge: int = 0
    mode: int = int(Mode.SVC)
    seed: int = 0  # window contents and the other modes' banked registers / SPSRs
    aif: int = 0b111  # CPSR.A, I, F
    sctlr_sw: bool = False
    patches: Tuple[Tuple[int, bytes], ...] = ()  # (address, bytes) written over the initial RAM image

    def cpsr(self) -> int:
        return (self.nzcv << 28) | (self.q << 27) | (self.ge << 16) | (self.aif << 6) | self.mode

    def window(self) -> bytes:
        return random.Random(self.seed).randbytes(WINDOW_SIZE)

    def banked(self) -> List[Tuple[int, int, int]]:
        """(mode, register, value) for every banked register, and SPSRs as register 16."""
        rnd = random.Random(self.seed ^ 0x5EED)
        out = [(int(m), r, rnd.getrandbits(32)) for m, rs in _BANKS for r in rs]
        # SPSRs: a valid-looking PSR (USR/SVC mode, random flags).
        out += [(int(m), 16, (rnd.getrandbits(5) << 27) | (rnd.getrandbits(4) << 16) | 0x1D0 | rnd.choice((0, 3)))
                for m in EXC_MODES]
        return out

    def describe(self) -> str:
        regs = " ".join(f"r{i}={v:08x}" for i, v in enumerate(self.regs))
        return (f"mode={Mode(self.mode).name} cpsr={self.cpsr():08x} nzcv={self.nzcv:04b} q={self.q} "
                f"ge={self.ge:04b} seed={self.seed} sw={int(self.sctlr_sw)}\n  {regs}")


@dataclass
class Case:
    """A generated test: code plus the parts of the start state the encoding needs."""

    words: List[int]
    desc: str
    regs: Dict[int, int] = dataclasses.field(default_factory=dict)  # register -> required start value
    nzcv: Optional[int] = None  # required start flags (e.g. RRX offsets depend on C)
    mode: Optional[int] = None  # required start mode
    sctlr_sw: bool = False
    patches: Tuple[Tuple[int, bytes], ...] = ()
    steps: Optional[int] = None  # default: one per word

    def apply(self, state: State) -> State:
        regs = list(state.regs)
        for r, v in self.regs.items():
            regs[r] = v & MASK32
        return dataclasses.replace(
            state,
            regs=regs,
            nzcv=state.nzcv if self.nzcv is None else self.nzcv,
            mode=state.mode if self.mode is None else int(self.mode),
            sctlr_sw=self.sctlr_sw,
            patches=self.patches,
        )


@dataclass
class Snapshot:
    """What the comparison looks at after a step."""

    regs: List[int]
    cpsr: int
    trap: Optional[str] = None  # None: the instruction completed normally


@dataclass
class Result:
    status: str  # "compared" or "filtered"
    steps: int
    trap: str = ""


STATS: Dict[str, collections.Counter] = collections.defaultdict(collections.Counter)


def record(cls: str, key: str, n: int = 1) -> None:
    STATS[cls][key] += n


class Mismatch(AssertionError):
    pass


def image(words: Sequence[int], state: State) -> bytes:
    mem = bytearray(MEM_SIZE)
    code = struct.pack(f"<{len(words)}I", *words)
    mem[CODE : CODE + len(code)] = code
    mem[WINDOW : WINDOW + WINDOW_SIZE] = state.window()
    for addr, data in state.patches:
        assert addr >= WINDOW and addr + len(data) <= WINDOW + WINDOW_SIZE, "patches stay in the data window"
        mem[addr : addr + len(data)] = data
    return bytes(mem)


# -- unicorn side ---------------------------------------------------------------------------------


class UnicornSide:
    """One reused unicorn instance (creating one costs ~6 ms)."""

    def __init__(self) -> None:
        uc = Uc(UC_ARCH_ARM, UC_MODE_ARM)
        uc.ctl_set_cpu_model(UC_CPU_ARM_CORTEX_A15)
        uc.mem_map(0, MEM_SIZE)
        self.uc = uc
        self.intr: List[int] = []
        uc.hook_add(UC_HOOK_INTR, self._on_intr)
        self.sctlr = self._sctlr_read()

    def _on_intr(self, uc: Uc, intno: int, user_data: object) -> None:
        self.intr.append(intno)
        uc.emu_stop()

    def _sctlr_read(self) -> int:
        return int(self.uc.reg_read(UC_ARM_REG_CP_REG, SCTLR_CP))

    def setup(self, ram: bytes, state: State) -> None:
        uc = self.uc
        uc.mem_write(0, ram)
        # Written code must not run from stale translations.
        uc.ctl_remove_cache(0, MEM_SIZE)
        sctlr = (self.sctlr | SCTLR_SW) if state.sctlr_sw else (self.sctlr & ~SCTLR_SW)
        uc.reg_write(UC_ARM_REG_CP_REG, (*SCTLR_CP, sctlr))
        banks: Dict[int, List[Tuple[int, int]]] = collections.defaultdict(list)
        for mode, r, v in state.banked():
            banks[mode].append((r, v))
        for mode, rv in banks.items():
            uc.reg_write(UC_ARM_REG_CPSR, 0x1C0 | mode)
            for r, v in rv:
                uc.reg_write(UC_ARM_REG_SPSR if r == 16 else UC_REGS[r], v)
        uc.reg_write(UC_ARM_REG_CPSR, state.cpsr())
        for r in range(15):
            uc.reg_write(UC_REGS[r], state.regs[r])
        uc.reg_write(UC_ARM_REG_PC, CODE)

    def step(self) -> Optional[str]:
        uc = self.uc
        self.intr.clear()
        pc = uc.reg_read(UC_ARM_REG_PC)
        try:
            uc.emu_start(pc, UNTIL, count=1)
        except UcError as e:
            if e.errno == ucc.UC_ERR_FETCH_UNMAPPED and not self.intr and uc.reg_read(UC_ARM_REG_PC) != pc:
                return None  # completed; the fetch of the branch target failed
            if e.errno == ucc.UC_ERR_INSN_INVALID:
                return "UNDEFINED"
            return f"UcError: {e}"
        if self.intr:
            return INTR_NAMES.get(self.intr[0], f"interrupt {self.intr[0]}")
        return None

    def snapshot(self, trap: Optional[str]) -> Snapshot:
        uc = self.uc
        return Snapshot([uc.reg_read(r) & MASK32 for r in UC_REGS], uc.reg_read(UC_ARM_REG_CPSR) & MASK32, trap)

    def memory(self) -> bytes:
        return bytes(self.uc.mem_read(0, MEM_SIZE))


_UC: Optional[UnicornSide] = None


def unicorn_side() -> UnicornSide:
    global _UC
    if _UC is None:
        _UC = UnicornSide()
    return _UC


# -- armsim side ------------------------------------------------------------------------------------


class ArmsimSide:
    def __init__(self, ram: bytes, state: State) -> None:
        m = TestMachine(ram_size=MEM_SIZE)
        m.mem.load(0, ram)
        cpu = m.cpu
        for mode, r, v in state.banked():
            if r == 16:
                cpu.spsr[mode] = v
            else:
                cpu.set_banked(mode, r, v)
        cpu.set_mode(state.mode)
        for r in range(15):
            cpu.regs[r] = state.regs[r] & MASK32
        cpu.flags[0] = state.nzcv
        cpu.flags[1] = state.q
        cpu.flags[2] = state.ge
        cpu.A = (state.aif >> 2) & 1
        cpu.I = (state.aif >> 1) & 1
        cpu.F = state.aif & 1
        if state.sctlr_sw:
            cpu.sctlr |= SCTLR_SW
        else:
            cpu.sctlr &= ~SCTLR_SW
        m.engine.flush()
        cpu.regs[15] = CODE
        cpu.T = 0
        self.m = m

    def step(self) -> Optional[str]:
        m = self.m
        counts = m.exc.counts
        before = dict(counts)
        stop = m.engine.run(1)
        if counts != before:
            kinds = [k for k in counts if counts[k] != before.get(k, 0)]
            return kinds[0]
        if stop.reason.name != "LIMIT":
            return f"{stop.reason.name}: {stop.render()}"
        return None

    def snapshot(self, trap: Optional[str]) -> Snapshot:
        cpu = self.m.cpu
        return Snapshot(list(cpu.regs), cpu.get_cpsr() & MASK32, trap)

    def memory(self) -> bytes:
        return self.m.mem.read_bytes(0, MEM_SIZE)

    def row_names(self, words: Sequence[int]) -> List[str]:
        out = []
        for i in range(len(words)):
            try:
                row, _info, _fields = self.m.engine.lookup(CODE + 4 * i)
                out.append(row.name if row is not None else "(no row: UNDEFINED)")
            except Exception as e:  # pragma: no cover - diagnostics only
                out.append(f"(lookup failed: {e})")
        return out


# -- comparison ---------------------------------------------------------------------------------------


def _diff_regs(a: Snapshot, u: Snapshot) -> List[str]:
    out = []
    for i in range(16):
        if a.regs[i] != u.regs[i]:
            out.append(f"r{i}: armsim={a.regs[i]:08x} unicorn={u.regs[i]:08x}")
    ca, cu = a.cpsr & CPSR_MASK, u.cpsr & CPSR_MASK
    if ca != cu:
        out.append(f"cpsr: armsim={ca:08x} unicorn={cu:08x} (xor {ca ^ cu:08x})")
    return out


def _diff_mem(ma: bytes, mu: bytes) -> List[str]:
    if ma == mu:
        return []
    bad = [i for i in range(MEM_SIZE) if ma[i] != mu[i]]
    lines = [f"memory differs at {len(bad)} byte(s)"]
    for i in bad[:16]:
        lines.append(f"  [{i:#07x}] armsim={ma[i]:02x} unicorn={mu[i]:02x}")
    return lines


def run_case(words: Sequence[int], state: State, desc: str = "", steps: Optional[int] = None,
             cls: str = "misc") -> Result:
    """Run ``words`` from ``state`` in both emulators, one instruction at a time; raise Mismatch on a difference.

    ``steps`` defaults to one step per word.  Returns the outcome for statistics.
    """
    record(cls, "generated")
    return against_clean_unicorn(cls, lambda uside: _compare(words, state, desc, steps, cls, uside))


def against_clean_unicorn(cls: str, attempt: Callable[[UnicornSide], Result]) -> Result:
    """``attempt(unicorn side)`` on the reused instance; a Mismatch stands only if a fresh instance shows it too.

    The reused unicorn carries state across cases (its translation cache; its count=1 stepping has
    been seen to run on past a branch to the end of the next page), while the oracle is a clean
    unicorn: on a mismatch the case runs again on a new instance, which then replaces the old one.
    """
    global _UC
    try:
        return attempt(unicorn_side())
    except Mismatch:
        _UC = UnicornSide()
        try:
            result = attempt(_UC)
        except Mismatch:
            record(cls, "mismatch")
            raise
        record(cls, "mismatch on the reused unicorn only")
        return result


def _compare(words: Sequence[int], state: State, desc: str, steps: Optional[int], cls: str,
             uside: UnicornSide) -> Result:
    """One run of :func:`run_case` against ``uside``."""
    n = len(words) if steps is None else steps
    ram = image(words, state)
    uside.setup(ram, state)
    aside = ArmsimSide(ram, state)

    def fail(step: int, lines: List[str]) -> None:
        names = aside.row_names(words)
        listing = "\n".join(
            f"  {CODE + 4 * i:#07x}: {w:08x}  {names[i]}{'   <-- step' if i == step and len(words) > 1 else ''}"
            for i, w in enumerate(words)
        )
        raise Mismatch(
            f"{desc or 'case'}: mismatch after step {step}\n{listing}\nstart state: {state.describe()}\n"
            + "\n".join(lines)
        )

    for i in range(n):
        ta = aside.step()
        tu = uside.step()
        if ta is not None or tu is not None:
            if ta is not None and tu is not None and ta == UC_TRAP_AS.get(tu, tu):
                record(cls, "filtered")
                record(cls, f"filtered: {ta}")
                return Result("filtered", i, ta)
            fail(i, [f"trap: armsim={ta} unicorn={tu}"])
        sa, su = aside.snapshot(None), uside.snapshot(None)
        lines = _diff_regs(sa, su)
        lines += _diff_mem(aside.memory(), uside.memory())
        if lines:
            fail(i, lines)
    record(cls, "compared")
    return Result("compared", n)


def class_counts(cls: str) -> collections.Counter:
    """A copy of the class's counters (to measure one test's share)."""
    return collections.Counter(STATS[cls])


def assert_small_filtered_share(cls: str, before: collections.Counter, limit: float = MAX_FILTERED_SHARE) -> None:
    """The cases of ``cls`` since ``before``: some were generated, and at most ``limit`` of them filtered."""
    now = STATS[cls]
    generated = now["generated"] - before["generated"]
    filtered = now["filtered"] - before["filtered"]
    assert generated > 0, f"{cls}: no case generated"
    kinds = {k: now[k] - before[k] for k in now if k.startswith("filtered:") and now[k] != before[k]}
    assert filtered <= limit * generated, (
        f"{cls}: {filtered} of {generated} cases filtered (both trapped), more than {limit:.0%}: {kinds}"
    )


def check(case: Case, state: State, cls: str) -> Result:
    """Run a generated case from ``state`` (with the case's requirements applied)."""
    return run_case(case.words, case.apply(state), case.desc, case.steps, cls)


def stats_report() -> str:
    if not STATS:
        return ""
    lines = ["differential test cases (armsim vs unicorn):",
             f"  {'class':<22}{'generated':>10}{'compared':>10}{'filtered':>10}{'mismatch':>10}"]
    for cls in sorted(c for c in STATS if c != "selftest"):
        c = STATS[cls]
        lines.append(f"  {cls:<22}{c['generated']:>10}{c['compared']:>10}{c['filtered']:>10}{c['mismatch']:>10}")
        extra = sorted((k, v) for k, v in c.items() if k.startswith(("filtered:", "cond ")))
        for k, v in extra:
            lines.append(f"      {k}: {v}")
    return "\n".join(lines)


__all__ = [
    "CODE",
    "EXC_MODES",
    "MEM_SIZE",
    "START_MODES",
    "STATS",
    "WINDOW",
    "WINDOW_SIZE",
    "Case",
    "Mismatch",
    "Result",
    "State",
    "assert_small_filtered_share",
    "check",
    "class_counts",
    "record",
    "run_case",
    "stats_report",
]
