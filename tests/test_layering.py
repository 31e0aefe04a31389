"""Layering (DESIGN.md section 2): isa/ never imports exec/; the engine reaches instruction sets by registry."""

from __future__ import annotations

import ast
import struct
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from armsim.isa import registry
from armsim.isa.build import build_op
from armsim.isa.contract import ExecContext, InsnInfo, Op, handles, handles_cond, handles_pc
from armsim.isa.decoder import Row
from armsim.isa.registry import InstructionSet, instruction_set
from tests.helpers import CODE, TestMachine

ARMSIM = Path(__file__).resolve().parent.parent / "armsim"


def _imports(path: Path) -> List[str]:
    names: List[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
    return names


@pytest.mark.parametrize("path", sorted((ARMSIM / "isa").rglob("*.py")), ids=lambda p: str(p.relative_to(ARMSIM)))
def test_isa_never_imports_exec(path: Path) -> None:
    bad = [n for n in _imports(path) if n == "armsim.exec" or n.startswith("armsim.exec.")]
    assert not bad, f"{path} imports {bad}: the op contract lives in armsim.isa.contract"


def test_engine_names_no_instruction_set() -> None:
    for path in (ARMSIM / "exec").rglob("*.py"):
        bad = [n for n in _imports(path) if n.startswith("armsim.isa.a32") or n.startswith("armsim.isa.t32")]
        assert not bad, f"{path} imports {bad}: reach instruction sets through armsim.isa.registry"


def test_registry_finds_a32_by_key() -> None:
    iset = instruction_set(0x8000)
    assert iset is not None and iset.name == "A32" and iset.tbit == 0
    # ITSTATE bits (39:32) never select the instruction set: bit 0 (CPSR.T) does (A2.5.1).
    assert instruction_set(0x8000 | (0x18 << 32)) is iset


def test_a_registered_instruction_set_plugs_in_without_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fake Thumb set (every halfword is 'R0 += 1') runs through the unchanged engine."""
    seen: List[int] = []

    def fetch(read16, read32, addr):  # type: ignore[no-untyped-def]
        return read16(addr), 2

    def build(ctx: ExecContext, info: InsnInfo) -> Op:
        regs = ctx.regs
        nxt = info.nxt

        def op() -> int:
            regs[0] += 1
            return nxt

        return op

    row = Row("INC", "x" * 16, build, width=16)

    def decode(key: int, word: int, size: int) -> Tuple[Optional[Row], InsnInfo]:
        seen.append(key)
        return row, InsnInfo(key & 0xFFFFFFFE, True, size, word, row.name)

    table: Dict[int, InstructionSet] = dict(registry._REGISTRY)
    table[1] = InstructionSet("fake T16", 1, fetch, decode)
    monkeypatch.setattr(registry, "_REGISTRY", table)
    m = TestMachine()
    m.mem.load(CODE, struct.pack("<4H", 0, 0, 0, 0))
    m.run(3, pc=CODE, thumb=True)
    assert m.regs[0] == 3
    assert m.cpu.regs[15] == CODE + 6 and m.cpu.T == 1
    assert seen == [CODE | 1, CODE + 2 | 1, CODE + 4 | 1]


def _pc_reading_row(mark: bool) -> Tuple[Row, List[int]]:
    seen: List[int] = []

    def build(ctx: ExecContext, info: InsnInfo, Rn: int) -> Op:
        regs = ctx.regs
        nxt = info.nxt

        def op() -> int:
            seen.append(regs[15])
            return nxt

        return handles(op, pc=True) if mark else op

    return Row("PCREAD", "cond:4 0000 Rn:4 x" + "x" * 19, build), seen


@pytest.mark.parametrize("mark", [False, True])
def test_builders_declare_pc_handling(mark: bool) -> None:
    """A2.3: R15 as an operand reads this instruction + 8, unless the builder baked the value in."""
    row, seen = _pc_reading_row(mark)
    m = TestMachine()
    m.cpu.regs[15] = 0x1234
    info = InsnInfo(CODE, False, 4, 0xE0F00000, row.name)
    op = build_op(m.ctx, row, info, {"cond": 14, "Rn": 15})
    assert handles_pc(op) == mark
    op()
    assert seen == [0x1234 if mark else CODE + 8]


def test_builders_declare_cond_handling() -> None:
    """A8.3.1: build_op guards an op with ConditionPassed() unless it checks the condition itself."""
    m = TestMachine()
    calls: List[int] = []

    def build(ctx: ExecContext, info: InsnInfo, inline: int) -> Op:
        def op() -> int:
            calls.append(1)
            return info.nxt

        return handles(op, cond=True) if inline else op

    row = Row("CONDTEST", "cond:4 000 inline:1 " + "x" * 24, build)
    m.cpu.flags[0] = 0  # Z clear: EQ fails
    for inline in (0, 1):
        info = InsnInfo(CODE, False, 4, 0, row.name)
        op = build_op(m.ctx, row, info, {"cond": 0, "inline": inline})
        assert handles_cond(op) == bool(inline)
        assert op() == CODE + 4
    # The guarded op was skipped; the op that declared it checks the condition was trusted to.
    assert calls == [1]
