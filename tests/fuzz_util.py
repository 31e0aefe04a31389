"""What the decode-and-execute fuzz tests share (tests/test_fuzz_decode.py A32, tests/test_fuzz_thumb.py T32).

Each fuzzed instruction runs for exactly one step from a fresh random state: CPSR
(flags, mask bits, mode), registers from a value pool, harmless exception vectors
and SCTLR/VBAR as at reset.  The only outcomes allowed are architectural
(executed, an exception taken, halted), and the state stays well formed.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Callable, List

from armsim.cpu.modes import VALID_MODES, Mode
from armsim.stop import StopKind
from tests.helpers import TestMachine

MASK32 = 0xFFFFFFFF
POOL = 4096
CODE = 0x8000
DATA = 0x40000  # a RAM area base registers point into
VECTORS = bytes(32)  # ANDEQ r0, r0, r0 at every vector
# 18 entries: indexed with 4 random bits plus one, so every mode number (valid or not) is drawn.
MODES = sorted(int(m) for m in Mode) * 2


def value_pool(rnd: random.Random) -> List[int]:
    """Register values: random words, RAM addresses for loads and stores, small numbers, edges."""
    pool = []
    for i in range(POOL):
        k = i & 3
        if k == 0:
            pool.append(rnd.getrandbits(32))
        elif k == 1:
            pool.append(DATA + rnd.getrandbits(16))
        elif k == 2:
            pool.append(rnd.getrandbits(6))
        else:
            pool.append(rnd.choice((0, 0x7FFFFFFF, 0x80000000, MASK32, 0x8000)))
    rnd.shuffle(pool)
    return pool + pool[:16]


def fresh_state(m: TestMachine, bits: Callable[[int], int], pool: List[int], sctlr: int) -> None:
    """A random CPSR and registers r0-r14; the vectors, SCTLR and VBAR put back if an earlier step changed them.

    An earlier instruction may have stored over the vectors or moved them (SCTLR.V, VBAR): a handler
    whose first instruction aborts again would loop forever, and the engine does not count aborted
    instructions towards max_instructions.
    """
    cpu = m.cpu
    r = bits(32)
    cpu.set_cpsr((r & 0xF80F01C0) | MODES[(r >> 9 & 0xF) + (r >> 13 & 1)])
    start = bits(12)
    cpu.regs[0:15] = pool[start : start + 15]
    if m.mem.read_bytes(0, 32) != VECTORS:
        m.mem.load(0, VECTORS)
    if cpu.sctlr != sctlr or cpu.vbar:
        cpu.sctlr = sctlr
        cpu.vbar = 0
        cpu.decode_state_changed()


def step(m: TestMachine, what: str) -> str:
    """Run one instruction: "executed", "exception" or the stop kind (WFI: "halted").

    A Python exception out of the engine fails the test, naming the instruction (``what``).
    """
    counts = m.exc.counts
    taken = sum(counts.values())
    try:
        stop = m.engine.run(1)
    except Exception as e:
        raise AssertionError(f"{what} raised {type(e).__name__}: {e}") from e
    if sum(counts.values()) != taken:
        return "exception"
    if stop.kind is StopKind.LIMIT:
        return "executed"
    return str(stop.kind.value)


def check_well_formed(m: TestMachine, what: str) -> None:
    """32-bit registers, 4-bit NZCV and GE, a 1-bit Q, a valid mode and an 8-bit ITSTATE."""
    cpu = m.cpu
    regs = cpu.regs
    assert all(type(v) is int and 0 <= v <= MASK32 for v in regs), f"{what}: registers {regs}"
    f = cpu.flags
    assert 0 <= f[0] <= 15 and f[1] in (0, 1) and 0 <= f[2] <= 15, f"{what}: flags {f}"
    assert cpu.mode in VALID_MODES and 0 <= cpu.IT <= 0xFF, f"{what}: mode {cpu.mode:#x} IT {cpu.IT}"


def check_outcomes(outcomes: Counter, n: int, min_exceptions: float) -> None:
    """The fuzz reached both the instructions and the UNDEFINED/exception space, and nothing else.

    A decoder that turned everything UNDEFINED, or executed everything, fails here.
    """
    assert set(outcomes) <= {"executed", "exception", "halted"}, outcomes
    assert outcomes["executed"] >= 0.5 * n and outcomes["exception"] >= min_exceptions * n, outcomes
