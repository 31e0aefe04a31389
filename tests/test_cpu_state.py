"""CPU state: banking, PSR layout, reset (DDI 0406C B1.3, B1.9.1)."""

from __future__ import annotations

import pytest

from armsim.cpu.modes import PHYS_INDEX, PHYS_NAMES, BadMode, Mode, phys_slot
from armsim.cpu.psr import PSR, it_bits, psr_it
from armsim.cpu.state import CPUState
from armsim.errors import BadModeError


def test_reset_state_b1_9_1() -> None:
    """B1.9.1: reset enters SVC mode with A, I, F set, IT and J clear, T from SCTLR.TE (0)."""
    cpu = CPUState()
    cpu.reset()
    v = cpu.get_cpsr()
    assert v & 0x1F == Mode.SVC
    assert PSR["A"].get(v) == PSR["I"].get(v) == PSR["F"].get(v) == 1
    assert PSR["T"].get(v) == 0 and PSR["J"].get(v) == 0 and psr_it(v) == 0


@pytest.mark.parametrize("mode", list(Mode))
def test_every_mode_banks_sp(mode: Mode) -> None:
    """B1.3.2 Table B1-2: each mode sees its own SP (User and System share one)."""
    cpu = CPUState()
    for m in Mode:
        cpu.set_mode(int(m))
        cpu.regs[13] = 0x1000 + int(m)
    cpu.set_mode(int(mode))
    expect = 0x1000 + (int(Mode.SYS) if mode in (Mode.USR, Mode.SYS) else int(mode))
    assert cpu.regs[13] == expect


def test_fiq_banks_r8_to_r12() -> None:
    """B1.3.2: FIQ mode banks R8-R12; other modes share the User copies."""
    cpu = CPUState()
    cpu.set_mode(Mode.SVC)
    cpu.regs[8:13] = [1, 2, 3, 4, 5]
    cpu.set_mode(Mode.FIQ)
    assert cpu.regs[8:13] == [0, 0, 0, 0, 0]
    cpu.regs[8:13] = [9, 9, 9, 9, 9]
    cpu.set_mode(Mode.IRQ)
    assert cpu.regs[8:13] == [1, 2, 3, 4, 5]
    assert cpu.get_banked(Mode.FIQ, 8) == 9


def test_hyp_has_sp_and_elr_but_no_lr() -> None:
    """B1.3.2: Hyp mode banks SP_hyp and ELR_hyp; its LR is LR_usr."""
    assert "LR_hyp" not in PHYS_NAMES
    assert phys_slot(Mode.HYP, 14) == phys_slot(Mode.USR, 14)
    assert phys_slot(Mode.HYP, 13) != phys_slot(Mode.SVC, 13)
    cpu = CPUState()
    cpu.set_mode(Mode.USR)
    cpu.regs[14] = 0xABC
    cpu.set_mode(Mode.HYP)
    assert cpu.regs[14] == 0xABC
    cpu.elr_hyp = 0x1234
    assert cpu.elr_hyp == 0x1234


def test_bad_mode_is_a_clear_error() -> None:
    """B1.3.1 BadMode(): reserved encodings are rejected by name."""
    assert BadMode(0x14) and not BadMode(0x13)
    cpu = CPUState()
    with pytest.raises(BadModeError, match="0x14"):
        cpu.set_mode(0x14)
    with pytest.raises(BadModeError):
        cpu.set_cpsr(0x000001D5)


def test_cpsr_round_trip_all_fields() -> None:
    """B1.3.3: every defined CPSR field survives set_cpsr/get_cpsr."""
    cpu = CPUState()
    value = 0xF80F0000 | it_bits(0xA5) | (1 << 24) | (1 << 9) | 0x1C0 | (1 << 5) | Mode.ABT
    cpu.set_cpsr(value)
    assert cpu.get_cpsr() == value
    assert cpu.mode == Mode.ABT and cpu.IT == 0xA5


def test_banking_table_is_complete() -> None:
    for mode in Mode:
        assert len(PHYS_INDEX[int(mode)]) == 7
