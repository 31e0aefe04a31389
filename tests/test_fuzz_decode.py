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
from typing import List

import pytest

from armsim.cpu.modes import VALID_MODES, Mode
from armsim.cpu.state import SCTLR_RESET
from armsim.stop import StopKind
from tests.helpers import TestMachine

MASK32 = 0xFFFFFFFF
TOTAL = int(os.environ.get("ARMSIM_FUZZ_WORDS", "100000"))
BATCH = 5000
POOL = 4096
CODE = 0x8000
DATA = 0x40000  # a RAM area base registers point into
VECTORS = bytes(32)  # ANDEQ r0, r0, r0 at every vector
_MODES = sorted(int(m) for m in Mode)


def _word(rnd: random.Random) -> int:
    w = rnd.getrandbits(32)
    if rnd.random() < 0.9 and w >> 28 == 0xF:
        w = (w & 0x0FFFFFFF) | (rnd.randrange(15) << 28)  # mostly the conditional space, as in code
    return w


def _value_pool(rnd: random.Random) -> List[int]:
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
    pool = _value_pool(rnd)
    bits = rnd.getrandbits
    modes = _MODES * 2  # 18 entries: index with 4 random bits plus one
    outcomes: Counter = Counter()
    exc_counts = m.exc.counts
    for i, word in enumerate(words):
        addr = CODE + 4 * i
        # A fresh architectural state for this word (earlier words may have changed anything).
        r = bits(32)
        cpsr = (r & 0xF80F01C0) | modes[(r >> 9 & 0xF) + (r >> 13 & 1)]
        cpu.set_cpsr(cpsr)
        start = bits(12)
        cpu.regs[0:15] = pool[start : start + 15]
        if m.mem.read32(addr) != word:  # an earlier store overwrote it: put it back
            m.mem.write32(addr, word)
        # Keep the exception vectors harmless: an earlier word may have stored over them or moved them
        # (SCTLR.V, VBAR).  A handler whose first instruction aborts again would loop forever, and the
        # engine does not count aborted instructions towards max_instructions.
        if m.mem.read_bytes(0, 32) != VECTORS:
            m.mem.load(0, VECTORS)
        if cpu.sctlr != SCTLR_RESET or cpu.vbar:
            cpu.sctlr = SCTLR_RESET
            cpu.vbar = 0
            cpu.decode_state_changed()
        cpu.regs[15] = addr
        cpu.T = 0
        taken = sum(exc_counts.values())
        try:
            stop = m.engine.run(1)
        except Exception as e:
            raise AssertionError(
                f"word {word:#010x} at {addr:#x} (batch {batch}, index {i}) raised {type(e).__name__}: {e}"
            ) from e
        if sum(exc_counts.values()) != taken:
            outcomes["exception"] += 1
        elif stop.kind is StopKind.LIMIT:
            outcomes["executed"] += 1
        else:
            outcomes[stop.kind.value] += 1
        regs = cpu.regs
        assert all(type(v) is int and 0 <= v <= MASK32 for v in regs), f"{word:#010x}: registers {regs}"
        f = cpu.flags
        assert 0 <= f[0] <= 15 and f[1] in (0, 1) and 0 <= f[2] <= 15, f"{word:#010x}: flags {f}"
        assert cpu.mode in VALID_MODES, f"{word:#010x}: mode {cpu.mode:#x}"
    # The fuzz reaches both the instructions and the UNDEFINED/exception space, and nothing else:
    # a decoder that turned everything UNDEFINED, or executed everything, fails here.
    assert set(outcomes) <= {"executed", "exception", "halted"}, outcomes
    assert outcomes["executed"] >= 0.5 * n and outcomes["exception"] >= 0.1 * n, outcomes
