"""Decode-and-execute fuzzing in Thumb state: random halfword pairs never raise a Python exception.

DDI 0406C A6: every halfword is a 16-bit instruction, or with hw1<15:11> in {11101, 11110, 11111}
the first half of a 32-bit one (A6.1), or UNDEFINED.  Each pair is executed for exactly one
instruction from a random register/flag/mode state, a fifth of them inside a random IT block
(ITSTATE in the engine's PC key, A2.5.2).  Only architectural outcomes are allowed (the
instruction executes, takes an exception, or halts), and the state stays well formed.
100,000 pairs under the ci profile (``HYPOTHESIS_PROFILE=ci``, as .ci/run runs it), 10,000 by default.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from armsim.cpu.modes import VALID_MODES
from armsim.stop import StopKind
from tests.conftest import profile_examples
from tests.helpers import TestMachine
from tests.test_fuzz_decode import _MODES, CODE, DATA, MASK32, VECTORS, _value_pool

TOTAL = profile_examples(10_000, 100_000)
BATCH = 5000


@pytest.mark.parametrize("batch", range((TOTAL + BATCH - 1) // BATCH))
def test_random_halfword_pairs_execute_architecturally(batch: int) -> None:
    rnd = random.Random(0x732 * 1000 + batch)
    n = min(BATCH, TOTAL - batch * BATCH)
    m = TestMachine()
    m.mem.load(DATA, rnd.randbytes(0x10000))
    cpu = m.cpu
    sctlr0 = cpu.sctlr
    pool = _value_pool(rnd)
    bits = rnd.getrandbits
    modes = _MODES * 2
    outcomes: Counter = Counter()
    exc_counts = m.exc.counts
    for i in range(n):
        addr = CODE + 4 * (i % 4096)
        pair = bits(32)
        m.mem.write32(addr, ((pair & 0xFFFF) << 16) | (pair >> 16))  # hw1 at addr, hw2 at addr + 2
        r = bits(32)
        cpu.set_cpsr((r & 0xF80F01C0) | modes[(r >> 9 & 0xF) + (r >> 13 & 1)])
        start = bits(12)
        cpu.regs[0:15] = pool[start : start + 15]
        if m.mem.read_bytes(0, 32) != VECTORS:
            m.mem.load(0, VECTORS)
        if cpu.sctlr != sctlr0 or cpu.vbar:
            cpu.sctlr = sctlr0
            cpu.vbar = 0
            cpu.decode_state_changed()
        cpu.regs[15] = addr
        cpu.T = 1
        it = 0
        if bits(3) == 0:
            it = (rnd.randrange(15) << 4) | rnd.randrange(1, 16)  # firstcond 0-14, a non-zero mask
        cpu.IT = it
        m.engine.invalidate(addr, 4)
        taken = sum(exc_counts.values())
        try:
            stop = m.engine.run(1)
        except Exception as e:
            raise AssertionError(f"halfwords {pair >> 16:04x} {pair & 0xFFFF:04x} ITSTATE {it:#04x} at {addr:#x} "
                                 f"(batch {batch}, index {i}) raised {type(e).__name__}: {e}") from e
        if sum(exc_counts.values()) != taken:
            outcomes["exception"] += 1
        elif stop.kind is StopKind.LIMIT:
            outcomes["executed"] += 1
        else:
            outcomes[stop.kind.value] += 1
        assert all(type(v) is int and 0 <= v <= MASK32 for v in cpu.regs), f"{pair:#010x}: {cpu.regs}"
        f = cpu.flags
        assert 0 <= f[0] <= 15 and f[1] in (0, 1) and 0 <= f[2] <= 15, f"{pair:#010x}: flags {f}"
        assert cpu.mode in VALID_MODES and 0 <= cpu.IT <= 0xFF, f"{pair:#010x}: mode {cpu.mode:#x} IT {cpu.IT}"
    assert set(outcomes) <= {"executed", "exception", "halted"}, outcomes
    assert outcomes["executed"] >= 0.5 * n and outcomes["exception"] >= 0.05 * n, outcomes
