"""Decode-and-execute fuzzing: random A32 words never raise a Python exception out of the engine.

100,000 seeded random 32-bit words (DDI 0406C A5: every word is some instruction or UNDEFINED),
each executed for exactly one instruction from a random register/flag/mode state.  The only
allowed outcomes are architectural: the word executes, takes an exception (the TestMachine has no
missing-handler check, so UNDEFINED, SVC and aborts simply vector), or halts (WFI).  Each batch
must both execute most words and trap on a fair share of them.  After every step the
state must still be well formed: 32-bit registers, 4-bit NZCV/GE, a 1-bit Q and a valid mode.
"""

from __future__ import annotations

import os
import random
import struct
from collections import Counter

import pytest

from armsim.cpu.state import SCTLR_RESET
from tests.fuzz_util import CODE, DATA, check_outcomes, check_well_formed, fresh_state, step, value_pool
from tests.helpers import TestMachine

TOTAL = int(os.environ.get("ARMSIM_FUZZ_WORDS", "100000"))
BATCH = 5000


def _word(rnd: random.Random) -> int:
    w = rnd.getrandbits(32)
    if rnd.random() < 0.9 and w >> 28 == 0xF:
        w = (w & 0x0FFFFFFF) | (rnd.randrange(15) << 28)  # mostly the conditional space, as in code
    return w


@pytest.mark.parametrize("batch", range((TOTAL + BATCH - 1) // BATCH))
def test_random_words_execute_architecturally(batch: int) -> None:
    """A5 decode + one step per word: only architectural outcomes, state stays well formed."""
    rnd = random.Random(0xA32 * 1000 + batch)
    n = min(BATCH, TOTAL - batch * BATCH)
    m = TestMachine()
    words = [_word(rnd) for _ in range(n)]
    m.mem.load(CODE, struct.pack(f"<{n}I", *words))
    m.mem.load(DATA, rnd.randbytes(0x10000))
    cpu = m.cpu
    pool = value_pool(rnd)
    bits = rnd.getrandbits
    outcomes: Counter = Counter()
    for i, word in enumerate(words):
        addr = CODE + 4 * i
        # A fresh architectural state for this word (earlier words may have changed anything).
        fresh_state(m, bits, pool, SCTLR_RESET)
        if m.mem.read32(addr) != word:  # an earlier store overwrote it: put it back
            m.mem.write32(addr, word)
        cpu.regs[15] = addr
        cpu.T = 0
        what = f"word {word:#010x} at {addr:#x} (batch {batch}, index {i})"
        outcomes[step(m, what)] += 1
        check_well_formed(m, what)
    check_outcomes(outcomes, n, 0.1)
