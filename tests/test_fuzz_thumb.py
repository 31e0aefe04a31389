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

from tests.conftest import profile_examples
from tests.fuzz_util import CODE, DATA, check_outcomes, check_well_formed, fresh_state, step, value_pool
from tests.helpers import TestMachine

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
    pool = value_pool(rnd)
    bits = rnd.getrandbits
    outcomes: Counter = Counter()
    for i in range(n):
        addr = CODE + 4 * (i % 4096)
        pair = bits(32)
        m.mem.write32(addr, ((pair & 0xFFFF) << 16) | (pair >> 16))  # hw1 at addr, hw2 at addr + 2
        fresh_state(m, bits, pool, sctlr0)
        cpu.regs[15] = addr
        cpu.T = 1
        it = 0
        if bits(3) == 0:
            it = (rnd.randrange(15) << 4) | rnd.randrange(1, 16)  # firstcond 0-14, a non-zero mask
        cpu.IT = it
        m.engine.invalidate(addr, 4)
        what = f"halfwords {pair >> 16:04x} {pair & 0xFFFF:04x} ITSTATE {it:#04x} at {addr:#x} (batch {batch}, {i})"
        outcomes[step(m, what)] += 1
        check_well_formed(m, what)
    check_outcomes(outcomes, n, 0.05)
