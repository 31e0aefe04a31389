"""PC-writing pseudocode shared by all operations (DDI 0406C A2.3.1, B1.8.x).

These return the engine PC *key* of the branch target (bit 0 = Thumb state).
"""

from __future__ import annotations

from typing import Optional

from armsim.cpu.modes import VALID_MODES, Mode
from armsim.cpu.state import CPUState

MASK32 = 0xFFFFFFFF


def BranchWritePC(address: int, thumb: bool) -> int:
    """A2.3.1 BranchWritePC: stay in the current instruction set, align the target."""
    if thumb:
        return (address & ~1 & MASK32) | 1
    return address & ~3 & MASK32


def BXWritePC(address: int) -> int:
    """A2.3.1 BXWritePC: bit 0 selects the instruction set.

    UNPREDICTABLE (A2.3.1): address<1:0> == '10' in ARM state; armsim
    chooses to clear bit 1 (as BranchWritePC does).
    """
    if address & 1:
        return address & MASK32
    return address & ~3 & MASK32


def LoadWritePC(address: int) -> int:
    """A2.3.1 LoadWritePC: ARMv5T and above interwork (BXWritePC)."""
    return BXWritePC(address)


def ALUWritePC(address: int, thumb: bool) -> int:
    """A2.3.1 ALUWritePC: interworks in ARM state (v7), a plain branch in Thumb state."""
    if thumb:
        return BranchWritePC(address, True)
    return BXWritePC(address)


def ExceptionReturnKey(cpu: CPUState, address: int, spsr: int) -> int:
    """Finish an exception return: CPSR <- SPSR (all fields), then branch.

    B1.8.10 / B9.3.20 "SUBS PC, LR and related instructions", RFE, LDM (exception
    return): the new CPSR's T bit selects how the target is aligned.
    UNPREDICTABLE SPSR mode values: armsim raises BadModeError via set_cpsr, which
    callers turn into UNDEFINED before writing anything.
    """
    cpu.set_cpsr(spsr)
    if cpu.T:  # a Thumb return resumes in the restored IT block (key bits 39:32)
        return (address & ~1 & MASK32) | 1 | (cpu.IT << 32)
    return address & ~3 & MASK32


def exception_return_problem(cpu: CPUState, spsr: int) -> Optional[str]:
    """Why restoring ``spsr`` to the CPSR is UNPREDICTABLE (CPSRWriteByInstr, B1.3.3), or None.

    armsim chooses UNDEFINED for these: a reserved mode (BadMode), Monitor mode
    from Non-secure state, Hyp mode in Secure state or from Non-secure PL1.
    """
    mode = spsr & 0x1F
    if mode not in VALID_MODES:
        return f"exception return to reserved mode {mode:#04x}"
    secure = cpu.IsSecure()
    if mode == Mode.MON and not secure:
        return "exception return to Monitor mode from Non-secure state"
    if mode == Mode.HYP and (not cpu.scr_ns or (not secure and cpu.mode != Mode.HYP)):
        return "exception return to Hyp mode from a mode that cannot enter it"
    return None
