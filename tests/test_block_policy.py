"""The block engine's translation policy: what a block spans, what translations share, the PyPy run loop.

The engines' agreement at every block exit is tests/test_engines_diff.py's; these tests pin the
policy choices of armsim/exec/blocks.py that speed depends on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Tuple

import pytest

import armsim.exec.blocks as blocks
from armsim import Machine
from armsim.exec.blocks import BlockEngine

GUESTS = Path(__file__).resolve().parent.parent / "examples" / "guests"


def _run(rel: str, engine: Any, argv: Any = None) -> Tuple[Machine, Any]:
    m = Machine(stdout=False, stderr=False, engine=engine, argv=argv)
    m.load_elf(str(GUESTS / rel))
    return m, m.run(max_instructions=50_000_000)


def test_thumb_blocks_run_through_it_blocks() -> None:
    """A8.8.54 IT: the instructions an IT block makes conditional are keyed with their ITSTATE, and a
    block goes on through them (it used to end at each one, 5 instructions per block call)."""
    engines = []

    def make(ctx: Any) -> BlockEngine:
        engines.append(BlockEngine(ctx, hot=1))
        return engines[-1]

    _, r = _run("workload/workload-thumb.elf", make, ["workload-thumb.elf", "1"])
    assert r.exit_code == 0
    spans = [blk for blk in engines[0].binfo.values() if any(k >> 32 for k in blk.keys[:-1])]
    assert spans, "no block continues past an instruction inside an IT block"
    # Inside such a block the keys follow one another: each op's next key is the next entry.
    for blk in spans:
        assert blk.nxts[:-1] == blk.keys[1:]


def test_equal_block_sources_share_one_code_object() -> None:
    """Translating the same guest in a second machine compiles nothing again."""
    made = []

    def make(ctx: Any) -> BlockEngine:
        made.append(BlockEngine(ctx, hot=0))
        return made[-1]

    _run("printf.elf", make)
    _run("printf.elf", make)
    first, second = made
    assert second.translations == first.translations > 10
    codes = {key: blk.code for key, blk in first.binfo.items() if blk.code is not None}
    same = [key for key, blk in second.binfo.items() if blk.code is not None and codes.get(key) is blk.code]
    assert len(same) == len(codes)


def test_pypy_call_sites_run_the_same_guest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run loop's 16 call sites (chosen under PyPy) run a guest as the one site does."""
    results = []
    for sites in (False, True):
        monkeypatch.setattr(blocks, "SITES", sites)
        m, r = _run("workload/workload.elf", lambda ctx: BlockEngine(ctx, hot=2), ["workload.elf", "1"])
        results.append((r.exit_code, r.instructions, tuple(m.cpu.regs), tuple(m.cpu.flags)))
    assert results[0] == results[1]
    assert results[0][1] > 1_000_000
