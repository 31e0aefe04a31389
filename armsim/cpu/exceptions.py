"""Exception entry and return (DDI 0406C B1.8).

Each ``Take*`` function performs the architectural entry sequence on a
:class:`CPUState` and returns the engine PC *key* of the handler: the vector
address with bit 0 = 1 when the handler runs in Thumb state (SCTLR.TE).

``key`` arguments are engine PC keys: the address of the instruction with
bit 0 set for Thumb.  Hyp-mode entry (TakeHypTrapException) arrives with the
Virtualization Extensions model; here the PL1 exceptions are complete.
"""

from __future__ import annotations

import enum
from typing import Callable, Dict, Optional, Tuple

from armsim.cpu.modes import Mode
from armsim.cpu.psr import ITAdvance
from armsim.cpu.state import SCTLR, CPUState
from armsim.stop import MAX_REENTRIES, GuestStop, Stop, StopKind

MASK32 = 0xFFFFFFFF

_SCTLR_V = SCTLR["V"].mask
_SCTLR_TE = SCTLR["TE"].shift
_SCTLR_EE = SCTLR["EE"].shift


class ExceptionKind(enum.Enum):
    """Exception types and their vector offsets (Table B1-3)."""

    RESET = 0x00
    UNDEFINED = 0x04
    SVC = 0x08
    PREFETCH_ABORT = 0x0C
    DATA_ABORT = 0x10
    HYP_TRAP = 0x14
    IRQ = 0x18
    FIQ = 0x1C


EXCEPTION_TITLES: Dict[str, str] = {
    "RESET": "Reset",
    "UNDEFINED": "Undefined Instruction",
    "SVC": "Supervisor Call",
    "PREFETCH_ABORT": "Prefetch Abort",
    "DATA_ABORT": "Data Abort",
    "HYP_TRAP": "Hyp Trap",
    "IRQ": "IRQ",
    "FIQ": "FIQ",
    "SMC": "Secure Monitor Call",
}
# Synchronous exceptions: the instruction at the preferred return address caused them, so one
# taken again and again by the same instruction of its own handler is a loop (see _check_loop).
_SYNCHRONOUS = frozenset(("UNDEFINED", "SVC", "PREFETCH_ABORT", "DATA_ABORT", "SMC"))

# Fault status encodings (short-descriptor, Table B3-23), FS[4:0].
FS_ALIGNMENT = 0b00001
FS_DEBUG = 0b00010
FS_SYNC_EXTERNAL = 0b01000
FS_TRANSLATION_SECTION = 0b00101


class ExceptionModel:
    """Per-CPU exception bookkeeping: counts, fault registers, the no-handler check."""

    def __init__(self, cpu: CPUState) -> None:
        self.cpu = cpu
        self.counts: Dict[str, int] = {}
        # Abort status/address registers (B4.1.52 DFSR, B4.1.51 DFAR, B4.1.96 IFSR, B4.1.95 IFAR).
        self.dfsr = 0
        self.dfar = 0
        self.ifsr = 0
        self.ifar = 0
        # Returns a reason string when the vector at ``addr`` has no handler, else None.
        self.handler_missing: Optional[Callable[[int], Optional[str]]] = None
        # The exception-loop check: the last synchronous exception (kind, instruction address)
        # and how many times in a row it was taken again from its own handler.
        self._last: Tuple[str, int] = ("", -1)
        self.reentries = 0

    def _check_entry(self, name: str, vector: int, key: int, mode: int, address: Optional[int], why: str) -> None:
        """Stop the run if nothing handles this exception, or if it keeps re-entering itself.

        A loop: the same synchronous exception taken from the same instruction while the CPU is
        already in the exception's own mode (its handler, or the vector itself, takes it again: a
        corrupted vector, an aborting handler).  After :data:`MAX_REENTRIES` such consecutive
        entries the run stops with StopKind.EXCEPTION_LOOP instead of spinning to the limit.
        """
        addr = key & 0xFFFFFFFE
        if self.handler_missing is not None:
            reason = self.handler_missing(vector)
            if reason is not None:
                raise GuestStop(Stop(StopKind.NO_HANDLER, why, EXCEPTION_TITLES.get(name, name), vector, address,
                                     addr, bool(key & 1), detail=reason))
        if name in _SYNCHRONOUS:
            if self._last == (name, addr) and self.cpu.mode == mode:
                self.reentries += 1
                if self.reentries >= MAX_REENTRIES:
                    self.reentries = 0
                    raise GuestStop(Stop(StopKind.EXCEPTION_LOOP, why, EXCEPTION_TITLES.get(name, name), vector,
                                         address, addr, bool(key & 1), count=MAX_REENTRIES))
            else:
                self._last = (name, addr)
                self.reentries = 0

    def vector_base(self) -> int:
        """B1.8.1: SCTLR.V selects Hivecs (0xFFFF0000), else VBAR."""
        cpu = self.cpu
        if cpu.sctlr & _SCTLR_V:
            return 0xFFFF0000
        return cpu.vbar

    def _enter(self, kind: ExceptionKind, mode: int, lr: int, key: int, mask_a: bool, mask_f: bool, why: str,
               address: Optional[int] = None) -> int:
        """The common tail of B1.8.3 "Exception entry" for exceptions taken to a PL1 mode."""
        cpu = self.cpu
        name = kind.name
        self.counts[name] = self.counts.get(name, 0) + 1
        vector = (self.vector_base() + kind.value) & MASK32
        self._check_entry(name, vector, key, mode, address, why)
        # The key carries T and, inside an IT block, ITSTATE (bits 39:32): both go to the SPSR.
        cpu.T = key & 1
        cpu.IT = (key >> 32) & 0xFF
        spsr = cpu.get_cpsr()
        cpu.set_mode(mode)
        cpu.spsr[mode] = spsr
        cpu.regs[14] = lr & MASK32
        cpu.I = 1
        if mask_a:
            cpu.A = 1
        if mask_f:
            cpu.F = 1
        cpu.IT = 0
        cpu.J = 0
        old_e = cpu.E
        cpu.T = (cpu.sctlr >> _SCTLR_TE) & 1
        cpu.E = (cpu.sctlr >> _SCTLR_EE) & 1
        if old_e != cpu.E:
            cpu.decode_state_changed()
        return vector | cpu.T

    # -- the exceptions -------------------------------------------------------
    def TakeUndefInstrException(self, key: int, why: str = "UNDEFINED instruction") -> int:
        """B1.9.6: LR = instruction address + 4 (ARM) or + 2 (Thumb)."""
        lr = (key & 0xFFFFFFFE) + (2 if key & 1 else 4)
        return self._enter(ExceptionKind.UNDEFINED, Mode.UND, lr, key, False, False, why)

    def TakeSVCException(self, key: int, size: int) -> int:
        """B1.9.7: LR = the address of the next instruction; the SPSR's ITSTATE is ITAdvance()d."""
        lr = (key & 0xFFFFFFFE) + size
        key = (key & MASK32) | (ITAdvance((key >> 32) & 0xFF) << 32)
        return self._enter(ExceptionKind.SVC, Mode.SVC, lr, key, False, False, "SVC")

    def TakePrefetchAbortException(self, key: int, ifar: int, fs: int, why: str) -> int:
        """B1.9.8: LR = aborted instruction + 4; IFSR/IFAR record the fault."""
        self.ifsr = ((fs & 0x10) << 6) | (fs & 0xF)
        self.ifar = ifar & MASK32
        lr = (key & 0xFFFFFFFE) + 4
        return self._enter(ExceptionKind.PREFETCH_ABORT, Mode.ABT, lr, key, True, False, why, ifar & MASK32)

    def TakeDataAbortException(self, key: int, dfar: int, fs: int, is_write: bool, why: str) -> int:
        """B1.9.9: LR = aborting instruction + 8; DFSR (FS, WnR) and DFAR record the fault."""
        self.dfsr = ((fs & 0x10) << 6) | (fs & 0xF) | (int(is_write) << 11)
        self.dfar = dfar & MASK32
        lr = (key & 0xFFFFFFFE) + 8
        return self._enter(ExceptionKind.DATA_ABORT, Mode.ABT, lr, key, True, False, why, dfar & MASK32)

    def TakeIRQException(self, next_key: int) -> int:
        """B1.9.10: LR = next instruction + 4."""
        return self._enter(ExceptionKind.IRQ, Mode.IRQ, (next_key & 0xFFFFFFFE) + 4, next_key, True, False, "IRQ")

    def TakeFIQException(self, next_key: int) -> int:
        """B1.9.11: LR = next instruction + 4; F is masked too."""
        return self._enter(ExceptionKind.FIQ, Mode.FIQ, (next_key & 0xFFFFFFFE) + 4, next_key, True, True, "FIQ")

    def TakeSMCException(self, key: int, size: int) -> int:
        """B1.9 "Secure Monitor Call (SMC) exception": Monitor mode, vector MVBAR + 0x08.

        LR = the next instruction; SPSR_mon = CPSR; A, I and F are all masked;
        SCR.NS is cleared when the SMC is executed in Monitor mode (otherwise
        the monitor reads SCR.NS to learn which world called).
        """
        cpu = self.cpu
        self.counts["SMC"] = self.counts.get("SMC", 0) + 1
        vector = (cpu.mvbar + 0x08) & MASK32
        self._check_entry("SMC", vector, key, Mode.MON, None, "SMC")
        cpu.T = key & 1
        cpu.IT = ITAdvance((key >> 32) & 0xFF)  # as for SVC: the SPSR holds the next instruction's ITSTATE
        spsr = cpu.get_cpsr()
        if cpu.mode == Mode.MON:
            cpu.scr_ns = 0
        cpu.set_mode(Mode.MON)
        cpu.spsr[Mode.MON] = spsr
        cpu.regs[14] = ((key & 0xFFFFFFFE) + size) & MASK32
        cpu.I = 1
        cpu.F = 1
        cpu.A = 1
        cpu.IT = 0
        cpu.J = 0
        old_e = cpu.E
        cpu.T = (cpu.sctlr >> _SCTLR_TE) & 1
        cpu.E = (cpu.sctlr >> _SCTLR_EE) & 1
        if old_e != cpu.E:
            cpu.decode_state_changed()
        return vector | cpu.T
