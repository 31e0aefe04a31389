"""CPU register state: R0-R15 with banking, CPSR and SPSRs (DDI 0406C B1.3).

Hot state is kept where decoded operations reach it cheaply:

* ``regs`` -- a list of 16 ints, the registers *as the current mode sees them*.
  A mode change copies R8-R14 between ``regs`` and the physical bank ``phys``
  (one lookup in :data:`armsim.cpu.modes.PHYS_INDEX`); the list object itself
  never changes, so closures may hold it.  While the engine runs, ``regs[15]``
  is only materialised when an operation needs it (see :mod:`armsim.exec`).
* ``flags`` -- a list ``[NZCV, Q, GE]``: NZCV as a 4-bit number (N=8, Z=4,
  C=2, V=1), so a condition check is one table lookup.

Everything else of the CPSR is plain attributes.  ``T`` is authoritative only
while the engine is stopped: during a run the instruction set is carried by
bit 0 of the engine's PC key (1 = Thumb).
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional

from armsim.cpu.modes import (
    MODES_WITH_SPSR,
    N_PHYS,
    PHYS_INDEX,
    VALID_MODES,
    Mode,
    check_mode,
    phys_slot,
)
from armsim.cpu.psr import PSR, it_bits, psr_it
from armsim.cpu.sysregs import SCR, SCTLR, SCTLR_RESET, SystemRegisters  # noqa: F401 (SCTLR, SCTLR_RESET re-exported)

MASK32 = 0xFFFFFFFF

# Indices into CPUState.flags.
NZCV = 0
Q = 1
GE = 2

_SCTLR_NMFI = SCTLR["NMFI"].mask

REG_NAMES = ("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc")


class CPUState:
    """Architectural register state of one ARMv7-A processor."""

    def __init__(self) -> None:
        # The list objects are created once: decoded ops hold them (reset refills them).
        self.regs: List[int] = [0] * 16
        self.phys: List[int] = [0] * N_PHYS
        self.flags: List[int] = [0, 0, 0]  # NZCV, Q, GE
        self.spsr: Dict[int, int] = dict.fromkeys(MODES_WITH_SPSR, 0)
        # Listeners told when state baked into decoded ops changes (CPSR.E, SCTLR).
        self.decode_listeners: List = []
        # The system registers (CP15 and the Hyp registers): the one store (armsim.cpu.sysregs).
        self.sys = SystemRegisters()
        # Called with the next PC key after a change that may unmask a pending interrupt
        # (exception return, MSR, CPS); returns the key to continue at (ExceptionModel sets it).
        self.interrupt_check: Optional[Callable[[int], int]] = None
        self.reset()

    # -- reset ------------------------------------------------------------
    def reset(self) -> None:
        """B1.9.1 Reset: SVC mode, A/I/F set, IT/J clear, T from SCTLR.TE, E from SCTLR.EE.

        Registers are refilled in place (their list objects never change).
        """
        self.regs[:] = [0] * 16
        self.phys[:] = [0] * N_PHYS
        self.flags[:] = [0, 0, 0]
        for m in self.spsr:
            self.spsr[m] = 0
        self.mode = int(Mode.SVC)
        self.A = 1
        self.I = 1
        self.F = 1
        self.J = 0
        self.IT = 0
        self.sys.reset()
        # The Event Register (B1.8 "Wait For Event and Send Event"): set by SEV, consumed by WFE.
        self.event_register = 0
        self.T = SCTLR["TE"].get(self.sys.SCTLR)
        self.E = SCTLR["EE"].get(self.sys.SCTLR)
        self.decode_state_changed()

    # -- views of the system register store (kept for callers that predate it) --
    @property
    def sctlr(self) -> int:
        return self.sys.SCTLR

    @sctlr.setter
    def sctlr(self, value: int) -> None:
        self.sys.SCTLR = value & MASK32

    @property
    def vbar(self) -> int:
        return self.sys.VBAR

    @vbar.setter
    def vbar(self, value: int) -> None:
        self.sys.VBAR = value & MASK32

    @property
    def hvbar(self) -> int:
        return self.sys.HVBAR

    @hvbar.setter
    def hvbar(self, value: int) -> None:
        self.sys.HVBAR = value & MASK32

    @property
    def mvbar(self) -> int:
        return self.sys.MVBAR

    @mvbar.setter
    def mvbar(self, value: int) -> None:
        self.sys.MVBAR = value & MASK32

    @property
    def scr_ns(self) -> int:
        """SCR.NS (B4.1.129): 0 = Secure."""
        return self.sys.SCR & 1

    @scr_ns.setter
    def scr_ns(self, value: int) -> None:
        self.sys.SCR = (self.sys.SCR & ~1) | (value & 1)

    @property
    def scr_hce(self) -> int:
        """SCR.HCE (B4.1.129): HVC enabled."""
        return SCR["HCE"].get(self.sys.SCR)

    @scr_hce.setter
    def scr_hce(self, value: int) -> None:
        self.sys.SCR = SCR["HCE"].set(self.sys.SCR, value & 1)

    # -- banking ------------------------------------------------------------
    def set_mode(self, new_mode: int) -> None:
        """Switch the register view to ``new_mode`` (raises BadModeError for reserved values)."""
        check_mode(new_mode)
        old = self.mode
        if new_mode == old:
            return
        regs = self.regs
        phys = self.phys
        old_slots = PHYS_INDEX[old]
        new_slots = PHYS_INDEX[new_mode]
        for i in range(7):
            phys[old_slots[i]] = regs[8 + i]
        for i in range(7):
            regs[8 + i] = phys[new_slots[i]]
        self.mode = new_mode

    def get_banked(self, mode: int, r: int) -> int:
        """Read R8-R14 as ``mode`` sees them, whatever the current mode is."""
        slot = phys_slot(mode, r)
        if PHYS_INDEX[self.mode][r - 8] == slot:
            return self.regs[r]
        return self.phys[slot]

    def set_banked(self, mode: int, r: int, value: int) -> None:
        slot = phys_slot(mode, r)
        if PHYS_INDEX[self.mode][r - 8] == slot:
            self.regs[r] = value & MASK32
        else:
            self.phys[slot] = value & MASK32

    @property
    def elr_hyp(self) -> int:
        from armsim.cpu.modes import PHYS_SLOT

        return self.phys[PHYS_SLOT["ELR_hyp"]]

    @elr_hyp.setter
    def elr_hyp(self, value: int) -> None:
        from armsim.cpu.modes import PHYS_SLOT

        self.phys[PHYS_SLOT["ELR_hyp"]] = value & MASK32

    # -- PSRs -----------------------------------------------------------------
    def get_cpsr(self) -> int:
        """Assemble the CPSR value (B1.3.3)."""
        f = self.flags
        return (
            (f[NZCV] << 28)
            | (f[Q] << 27)
            | (self.J << 24)
            | (f[GE] << 16)
            | it_bits(self.IT)
            | (self.E << 9)
            | (self.A << 8)
            | (self.I << 7)
            | (self.F << 6)
            | (self.T << 5)
            | self.mode
        )

    def set_cpsr(self, value: int) -> None:
        """Write every CPSR field (a debugger's or loader's write); switches banks on a mode change.

        Not an instruction's write: instructions use CPSRWriteByInstr, exception
        returns armsim.cpu.exception_return.ExceptionReturn.
        """
        mode = value & 0x1F
        check_mode(mode)
        f = self.flags
        f[NZCV] = (value >> 28) & 0xF
        f[Q] = (value >> 27) & 1
        f[GE] = (value >> 16) & 0xF
        self.J = (value >> 24) & 1
        self.IT = psr_it(value)
        old_e = self.E
        self.E = (value >> 9) & 1
        self.A = (value >> 8) & 1
        self.I = (value >> 7) & 1
        self.F = (value >> 6) & 1
        self.T = (value >> 5) & 1
        self.set_mode(mode)
        if old_e != self.E:
            self.decode_state_changed()

    @property
    def cpsr(self) -> int:
        return self.get_cpsr()

    @cpsr.setter
    def cpsr(self, value: int) -> None:
        self.set_cpsr(value)

    def decode_state_changed(self) -> None:
        """Tell the engine that state baked into decoded operations changed."""
        for fn in self.decode_listeners:
            fn()

    def current_spsr(self) -> int:
        """SPSR of the current mode.  UNPREDICTABLE in User/System: we choose to read the CPSR."""
        return self.spsr.get(self.mode, self.get_cpsr())

    def set_current_spsr(self, value: int) -> None:
        if self.mode in self.spsr:
            self.spsr[self.mode] = value & MASK32

    # -- PSR writes by instructions (B1.3.3) ------------------------------------
    def ModeChangeUnpredictable(self, mode: int, is_excpt_return: bool) -> Optional[str]:
        """Why writing ``mode`` to CPSR.M is UNPREDICTABLE here (B1.3.3 CPSRWriteByInstr), or None.

        NSACR.RFR is not modelled (FIQ mode is never reserved to Secure state).
        """
        if mode not in VALID_MODES:
            return f"reserved mode {mode:#04x} (BadMode)"
        secure = self.mode == Mode.MON or not self.sys.SCR & 1
        if mode == Mode.MON and not secure:
            return "Monitor mode from Non-secure state"
        if mode == Mode.HYP and not self.scr_ns:
            return "Hyp mode in Secure state"
        if mode == Mode.HYP and not secure and self.mode != Mode.HYP:
            return "entering Hyp mode from a Non-secure PL1 mode"
        if self.mode == Mode.HYP and mode != Mode.HYP and not is_excpt_return:
            return "leaving Hyp mode other than by an exception return"
        return None

    def CPSRWriteByInstr(self, value: int, bytemask: int, is_excpt_return: bool = False) -> bool:
        """B1.3.3 CPSRWriteByInstr: write the CPSR fields selected by ``bytemask`` (f, s, x, c).

        Privileged fields (A, I, F, M) are written only outside User mode; the
        execution state bits (IT, J, T) only on an exception return.  The
        Virtualization Extensions are implemented, so A and F do not depend on
        SCR.AW/FW.  UNPREDICTABLE mode changes (see ModeChangeUnpredictable):
        armsim chooses to ignore the M field write and returns False.
        """
        privileged = self.mode != Mode.USR
        f = self.flags
        ok = True
        old_e = self.E
        if bytemask & 8:
            f[NZCV] = (value >> 28) & 0xF
            f[Q] = (value >> 27) & 1
            if is_excpt_return:
                self.IT = (self.IT & 0xFC) | ((value >> 25) & 3)
                self.J = (value >> 24) & 1
        if bytemask & 4:
            f[GE] = (value >> 16) & 0xF
        if bytemask & 2:
            if is_excpt_return:
                self.IT = (self.IT & 3) | (((value >> 10) & 0x3F) << 2)
            self.E = (value >> 9) & 1
            if privileged:
                self.A = (value >> 8) & 1
        if bytemask & 1:
            if privileged:
                self.I = (value >> 7) & 1
                # SCTLR.NMFI (B4.1.130): software cannot set F.
                if not (self.sys.SCTLR & _SCTLR_NMFI) or not value & 0x40:
                    self.F = (value >> 6) & 1
            if is_excpt_return:
                self.T = (value >> 5) & 1
            if privileged:
                mode = value & 0x1F
                if self.ModeChangeUnpredictable(mode, is_excpt_return) is None:
                    self.set_mode(mode)
                else:
                    ok = False
        if old_e != self.E:
            self.decode_state_changed()
        return ok

    def SPSRWriteByInstr(self, value: int, bytemask: int) -> bool:
        """B1.3.3 SPSRWriteByInstr: write the selected fields of the current mode's SPSR.

        The caller checks that the mode has an SPSR (UNPREDICTABLE in User and
        System mode).  A reserved mode value is UNPREDICTABLE: armsim chooses
        to leave SPSR.M unchanged and returns False.
        """
        spsr = self.spsr[self.mode]
        ok = True
        if bytemask & 8:
            spsr = (spsr & ~0xFF000000) | (value & 0xFF000000)
        if bytemask & 4:
            spsr = (spsr & ~0x000F0000) | (value & 0x000F0000)
        if bytemask & 2:
            spsr = (spsr & ~0x0000FF00) | (value & 0x0000FF00)
        if bytemask & 1:
            spsr = (spsr & ~0x000000E0) | (value & 0x000000E0)
            if (value & 0x1F) in VALID_MODES:
                spsr = (spsr & ~0x1F) | (value & 0x1F)
            else:
                ok = False
        self.spsr[self.mode] = spsr & MASK32
        return ok

    # -- privilege ----------------------------------------------------------
    def CurrentModeIsNotUser(self) -> bool:
        return self.mode != Mode.USR

    def CurrentModeIsHyp(self) -> bool:
        return self.mode == Mode.HYP

    def CurrentModeIsUserOrSystem(self) -> bool:
        return self.mode in (Mode.USR, Mode.SYS)

    def IsSecure(self) -> bool:
        """B1.5.1: Monitor mode is always Secure; otherwise SCR.NS decides."""
        return self.mode == Mode.MON or not self.sys.SCR & 1

    # -- convenience ----------------------------------------------------------
    @property
    def pc(self) -> int:
        return self.regs[15]

    def __repr__(self) -> str:
        regs = " ".join(f"{REG_NAMES[i]}={v:08x}" for i, v in enumerate(self.regs))
        return f"<CPUState {Mode(self.mode).name} {PSR.render(self.get_cpsr())} {regs}>"
