"""Exception return, the one path (DDI 0406C B1.8.10, B9.3.20, B1.3.3).

Every exception return -- SUBS PC, LR and the related data-processing S-forms
writing the PC (MOVS PC, LR; ADDS/ANDS/... PC, ... of B9.3.20), LDM (exception
return, B9.3.4), RFE and ERET (B9.3) -- ends in the same two steps
of the manual's pseudocode::

    CPSRWriteByInstr(SPSR[], '1111', TRUE);   // all fields, execution state included
    BranchWritePC(new_pc_value);              // in the instruction set the new CPSR.T selects

:func:`ExceptionReturn` is those two steps and nothing else; the instructions
differ only in where the PC and the PSR come from and in which modes they are
allowed (checked by each instruction before it reads or writes anything).

Choices:

* The mode changes CPSRWriteByInstr calls UNPREDICTABLE (a reserved mode,
  Monitor mode from Non-secure state, Hyp mode in Secure state or from a
  Non-secure PL1 mode; :meth:`CPUState.ModeChangeUnpredictable`): armsim
  chooses UNDEFINED, decided by :func:`ExceptionReturnProblem` before the
  instruction writes any register.
* armsim implements neither Jazelle state (the trivial Jazelle implementation,
  A2.10) nor ThumbEE (as Cortex-A15 and Cortex-A7): CPSR.J stays 0 whatever
  the SPSR holds, so the manual's "UNPREDICTABLE when CPSR.M is Hyp with J and
  T set" after the write never arises.
* SCTLR.NMFI (B4.1.130): with NMFI = 1 an SPSR.F of 1 leaves CPSR.F as it was
  (CPSRWriteByInstr never sets F then).
"""

from __future__ import annotations

from typing import Optional

from armsim.cpu.state import CPUState

# Engine PC key -> address (bits 31:1; drops T in bit 0 and ITSTATE in bits 39:32).
_ADDR = 0xFFFFFFFE


def ExceptionReturnProblem(cpu: CPUState, spsr: int) -> Optional[str]:
    """Why CPSRWriteByInstr(spsr, '1111', TRUE) would be UNPREDICTABLE here (B1.3.3), or None.

    armsim chooses UNDEFINED for these; the caller takes the Undefined
    Instruction exception and writes nothing.
    """
    return cpu.ModeChangeUnpredictable(spsr & 0x1F, True)


def ExceptionReturn(cpu: CPUState, address: int, spsr: int) -> int:
    """CPSRWriteByInstr(spsr, '1111', TRUE), then BranchWritePC(address) (B9.3.20, B1.3.3, A2.3.1).

    Returns the engine PC key of the return address: ``address<31:2>:'00'`` in
    ARM state; in Thumb state ``address<31:1>:'0' | 1`` with the restored
    ITSTATE in bits 39:32 (the IT block the exception interrupted resumes).
    When the restored CPSR unmasks a pending interrupt, the key of its handler
    instead.  The caller has checked :func:`ExceptionReturnProblem` first.
    """
    cpu.CPSRWriteByInstr(spsr, 0xF, True)
    cpu.J = 0  # no Jazelle state or ThumbEE (module docstring)
    if cpu.T:
        key = (address & _ADDR) | 1 | (cpu.IT << 32)
    else:
        # UNPREDICTABLE (A2.5.2): a nonzero ITSTATE in ARM state; we choose IT = 0.
        cpu.IT = 0
        key = address & 0xFFFFFFFC
    # The restored CPSR may unmask an interrupt that is pending: it is taken before
    # the first instruction at the return address (B1.8.6).
    check = cpu.interrupt_check
    return key if check is None else check(key)
