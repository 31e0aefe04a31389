"""A32 branches: B, BL, BLX (immediate and register), BX, BXJ (DDI 0406C A5.5, A8.8.18, A8.8.25-A8.8.28)."""

from __future__ import annotations

import pytest

from armsim.cpu.modes import Mode
from armsim.isa import a32
from armsim.isa.conditions import ConditionHolds
from tests.helpers import CODE, TestMachine, run_words

AL = 0xE


def B(imm24: int, cond: int = AL) -> int:
    return (cond << 28) | 0x0A000000 | (imm24 & 0xFFFFFF)


def BL(imm24: int, cond: int = AL) -> int:
    return (cond << 28) | 0x0B000000 | (imm24 & 0xFFFFFF)


def BLX_imm(imm24: int, H: int) -> int:
    return 0xFA000000 | (H << 24) | (imm24 & 0xFFFFFF)


def BX(m: int, cond: int = AL) -> int:
    return (cond << 28) | 0x012FFF10 | m


def BXJ(m: int) -> int:
    return 0xE12FFF20 | m


def BLX_reg(m: int, cond: int = AL) -> int:
    return (cond << 28) | 0x012FFF30 | m


def test_b_forward_and_backward() -> None:
    """A8.8.18: target = PC + imm32, PC = address + 8."""
    m = run_words([B(2)], steps=1)
    assert m.regs[15] == CODE + 8 + 8
    # A backward branch from CODE + 16 to CODE.
    m = TestMachine()
    m.load_words([B(-6)], CODE + 16)
    m.run(1, pc=CODE + 16)
    assert m.regs[15] == CODE + 16 + 8 - 24 == CODE
    assert m.cpu.T == 0


def test_b_loop_runs_many_times() -> None:
    """A8.8.18: a branch to itself keeps the PC (the target key is baked at decode)."""
    m = run_words([B(-2)], steps=1000)
    assert m.regs[15] == CODE
    assert m.engine.instructions == 1000


def test_bl_sets_lr_to_next_instruction() -> None:
    """A8.8.25 BL: LR = PC - 4 = address + 4 in ARM state."""
    m = run_words([0, BL(0x10)], setup=lambda m: m.regs.__setitem__(15, CODE + 4), steps=1)
    assert m.regs[14] == CODE + 8
    assert m.regs[15] == CODE + 4 + 8 + 0x40


@pytest.mark.parametrize("H", [0, 1])
def test_blx_immediate_switches_to_thumb(H: int) -> None:
    """A8.8.25 BLX (immediate) A2: imm32 = imm24:H:'0', target = PC + imm32 in Thumb state."""
    m = run_words([BLX_imm(1, H)], steps=1)
    assert m.cpu.T == 1
    assert m.regs[15] == CODE + 8 + 4 + 2 * H
    assert m.regs[14] == CODE + 4


def test_blx_immediate_backwards() -> None:
    """A8.8.25 BLX (immediate): a negative offset."""
    m = TestMachine()
    m.load_words([BLX_imm(-4, 1)], CODE + 0x100)
    m.run(1, pc=CODE + 0x100)
    assert m.regs[15] == CODE + 0x100 + 8 - 16 + 2
    assert m.cpu.T == 1


@pytest.mark.parametrize(
    ("target", "pc", "thumb"),
    [(0x9000, 0x9000, 0), (0x9001, 0x9000, 1), (0x9003, 0x9002, 1), (0x9002, 0x9000, 0)],
)
def test_bx_interworking(target: int, pc: int, thumb: int) -> None:
    """A8.8.27 BX / A2.3.1 BXWritePC: bit 0 selects Thumb; ARM targets lose bits 1:0 (armsim's choice for '10')."""
    m = run_words([BX(3)], setup=lambda m: m.regs.__setitem__(3, target), steps=1)
    assert (m.regs[15], m.cpu.T) == (pc, thumb)


def test_bx_lr_returns() -> None:
    """A8.8.27: BX LR, the usual return (specialised op)."""
    m = run_words([BL(0), 0, BX(14)], steps=2)  # BL skips one word, BX returns after the BL
    assert m.regs[15] == CODE + 4
    assert m.regs[14] == CODE + 4


def test_bx_pc() -> None:
    """A8.8.27: BX PC branches to this instruction + 8 in ARM state."""
    m = run_words([BX(15)], steps=1)
    assert (m.regs[15], m.cpu.T) == (CODE + 8, 0)


def test_bxj_behaves_as_bx() -> None:
    """A8.8.28 BXJ with the trivial Jazelle implementation: as BX, J stays 0."""
    m = run_words([BXJ(2)], setup=lambda m: m.regs.__setitem__(2, 0xA001), steps=1)
    assert (m.regs[15], m.cpu.T, m.cpu.J) == (0xA000, 1, 0)


def test_blx_register_links_and_exchanges() -> None:
    """A8.8.26 BLX (register): LR = address + 4; the target is read before LR is written."""
    m = run_words([BLX_reg(14)], setup=lambda m: m.regs.__setitem__(14, 0xB001), steps=1)
    assert (m.regs[15], m.cpu.T, m.regs[14]) == (0xB000, 1, CODE + 4)
    m = run_words([BLX_reg(4)], setup=lambda m: m.regs.__setitem__(4, 0xB000), steps=1)
    assert (m.regs[15], m.cpu.T, m.regs[14]) == (0xB000, 0, CODE + 4)


@pytest.mark.parametrize("word", [BLX_reg(15), BXJ(15)])
def test_pc_operand_unpredictable_is_undefined(word: int) -> None:
    """A8.8.26 / A8.8.28: m == 15 is UNPREDICTABLE; armsim takes the Undefined exception."""
    m = run_words([word], steps=1)
    assert m.cpu.mode == Mode.UND
    assert m.regs[15] == 0x04
    assert m.regs[14] == CODE + 4


@pytest.mark.parametrize("cond", range(14))
@pytest.mark.parametrize("nzcv", [0b0000, 0b0100, 0b1000, 0b0010, 0b0001, 0b1001, 0b0110, 0b1111])
def test_conditional_branches(cond: int, nzcv: int) -> None:
    """A8.3.1: B<c>, BL<c>, BX<c> branch exactly when the condition holds."""
    taken = ConditionHolds(cond, nzcv)

    def setup(m: TestMachine) -> None:
        m.cpu.flags[0] = nzcv
        m.regs[5] = 0x9000

    for word, target, links in ((B(4, cond), CODE + 24, False), (BL(4, cond), CODE + 24, True),
                                (BX(5, cond), 0x9000, False), (BLX_reg(5, cond), 0x9000, True)):
        m = run_words([word], setup=setup, steps=1)
        assert m.regs[15] == (target if taken else CODE + 4), (cond, nzcv, hex(word))
        assert m.regs[14] == (CODE + 4 if taken and links else 0)


def test_immediate_branch_ops_are_plain_closures() -> None:
    """A8.8.18 / A8.8.25: B and BL bake their target (no PC materialisation wrapper around the op)."""
    m = TestMachine()
    m.load_words([B(3), BL(3), BX(15)])
    for addr in (CODE, CODE + 4, CODE + 8):
        assert m.engine.decode(addr).__name__.startswith("op")
        assert "with_pc" not in m.engine.decode(addr).__qualname__


def test_rows_decode() -> None:
    """A5.5, A5.2.12, A5.7: the rows these words belong to."""
    names = {w: a32.lookup(w) for w in (B(0), BL(0), BLX_imm(0, 1), BX(0), BXJ(0), BLX_reg(0))}
    assert [r.name if r else None for r in names.values()] == [
        "B", "BL (immediate)", "BLX (immediate)", "BX", "BXJ", "BLX (register)"]
