"""Exception entry, routing and interrupts (DDI 0406C B1.8, B1.9, B1.12-B1.14).

Each ``Take*`` function performs the manual's entry sequence on a
:class:`CPUState` and returns the engine PC *key* of the handler: the vector
address with bit 0 = 1 when the handler runs in Thumb state (SCTLR.TE, or
HSCTLR.TE in Hyp mode).

``key`` arguments are engine PC keys: ``addr | T | ITSTATE << 32`` (the shared
key decision); the entry saves T and ITSTATE from the key into the SPSR and
uses ``key & 0xFFFFFFFE`` as the address.

Targets (B1.8.4 Table B1-4, B1.14 "Virtualization Extensions"):

* PL1 modes (UND, SVC, ABT, IRQ, FIQ): vector VBAR, or 0xFFFF0000 with SCTLR.V;
  LR = preferred return + offset (Table B1-7).
* Monitor mode: MVBAR (SMC, and IRQ/FIQ with SCR.IRQ/FIQ).
* Hyp mode (EnterHypMode, B1.14.x): HVBAR + 0x04/0x08/0x0C/0x10 for exceptions
  taken *in* Hyp mode (UNDEF, SVC or HVC, Prefetch/Data Abort), + 0x14 "Hyp
  Trap" for every entry from Non-secure PL0/PL1 (trapped instructions, HVC,
  HCR.TGE routing, debug exceptions with HDCR.TDE), + 0x18/0x1C IRQ/FIQ with
  HCR.IMO/FMO.  ELR_hyp = the preferred return address, no offset; HSR is
  written for everything but IRQ/FIQ.

HCR.TGE (B1.8.4 "Routing general exceptions to Hyp mode", B4.1.65): from
Non-secure User mode Undefined, SVC and abort exceptions become Hyp Traps; in
Non-secure state IMO/FMO/AMO behave as 1 for routing and masking
(:meth:`ExceptionModel.routing_hcr`) and HDCR.TDE behaves as 1.

Choices: external aborts are not routed to Monitor mode (SCR.EA: no external
abort source exists); CPSR.A and CPSR.F are set on entry to a PL1 mode as
without the Security Extensions (the Virtualization Extensions make them
always writable, B1.8.6).
"""

from __future__ import annotations

import enum
from typing import Callable, Dict, List, Optional, Tuple

from armsim.cpu.modes import Mode
from armsim.cpu.psr import ITAdvance
from armsim.cpu.state import CPUState
from armsim.cpu.sysregs import HCR, HDCR, HSCTLR, SCR, SCTLR
from armsim.signals import GuestHalt
from armsim.stop import MAX_REENTRIES, GuestStop, Stop, StopKind

MASK32 = 0xFFFFFFFF
ADDR = 0xFFFFFFFE  # key -> address (keeps bits 31:1, drops T and ITSTATE)

_SCTLR_V = SCTLR["V"].mask
_SCTLR_TE = SCTLR["TE"].shift
_SCTLR_EE = SCTLR["EE"].shift
_HSCTLR_TE = HSCTLR["TE"].shift
_HSCTLR_EE = HSCTLR["EE"].shift
_SCR_NS = SCR["NS"].mask
_SCR_IRQ = SCR["IRQ"].mask
_SCR_FIQ = SCR["FIQ"].mask
_SCR_EA = SCR["EA"].mask
_SCR_FW = SCR["FW"].mask
_HCR_TGE = HCR["TGE"].mask
_HCR_IMO = HCR["IMO"].mask
_HCR_FMO = HCR["FMO"].mask
_HCR_AMO = HCR["AMO"].mask
_HCR_VI = HCR["VI"].mask
_HCR_VF = HCR["VF"].mask
_HCR_VA = HCR["VA"].mask
_HDCR_TDE = HDCR["TDE"].mask

_USR = int(Mode.USR)
_HYP = int(Mode.HYP)
_MON = int(Mode.MON)


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
    "HVC": "Hypervisor Call",
    "IRQ": "IRQ",
    "FIQ": "FIQ",
    "SMC": "Secure Monitor Call",
}
# Synchronous exceptions: the instruction at the preferred return address caused them, so one
# taken again and again by the same instruction of its own handler is a loop (see _check_entry).
_SYNCHRONOUS = frozenset(("UNDEFINED", "SVC", "PREFETCH_ABORT", "DATA_ABORT", "SMC", "HYP_TRAP"))

# Fault status encodings (short-descriptor, Table B3-23), FS[4:0].
FS_ALIGNMENT = 0b00001
FS_DEBUG = 0b00010
FS_SYNC_EXTERNAL = 0b01000
FS_TRANSLATION_SECTION = 0b00101
FS_ASYNC_EXTERNAL = 0b10110

# HSR values built here (the syndrome layouts are in armsim.coproc.syndrome; these few are
# written out to keep cpu/ below coproc/ in the layers): EC << 26 | IL << 25 | ISS.
EC_UNKNOWN = 0x00
EC_SVC = 0x11
EC_HVC = 0x12
EC_PABT_LOWER = 0x20
EC_PABT_HYP = 0x21
EC_DABT_LOWER = 0x24
EC_DABT_HYP = 0x25
_FSC = {FS_ALIGNMENT: 0x21, FS_DEBUG: 0x22, FS_SYNC_EXTERNAL: 0x10, FS_TRANSLATION_SECTION: 0x05}


def _abort_fsc(fs: int) -> int:
    """Short-descriptor FS -> the long-descriptor FSC that HSR.IFSC/DFSC report (B3.13.6)."""
    return _FSC.get(fs, 0x10)


class ExceptionModel:
    """Per-CPU exception entry, routing, the interrupt lines and the no-handler check."""

    def __init__(self, cpu: CPUState) -> None:
        self.cpu = cpu
        self.sys = cpu.sys
        self.counts: Dict[str, int] = {}
        # Returns a reason string when the vector at ``addr`` has no handler, else None.
        self.handler_missing: Optional[Callable[[int], Optional[str]]] = None
        # The physical interrupt inputs (B1.8.6): a device model or a test raises them.
        self.irq_line = False
        self.fiq_line = False
        # Called when WFI/WFE would wait with nothing pending: a device model advances its
        # time and may raise a line; it returns False when it can never do so.
        self.wait_hooks: List[Callable[[], bool]] = []
        cpu.interrupt_check = self.check_interrupts
        # The exception-loop check: the last synchronous exception (kind, instruction address)
        # and how many times in a row it was taken again from its own handler.
        self._last: Tuple[str, int] = ("", -1)
        self.reentries = 0
        # Called as hook(name, why, key, handler_key) after every entry to Hyp mode, with the
        # interrupted key and the handler's; it may raise GuestStop to end the run (a hypervisor
        # modelled outside the CPU: Machine.exit_on_hyp_entry).  While set, Hyp entries skip the
        # no-handler and loop checks (the hook is the handler).
        self.on_hyp_entry: Optional[Callable[[str, str, int, int], None]] = None

    # -- fault registers (views of the system register store) ---------------------------
    @property
    def dfsr(self) -> int:
        return self.sys.DFSR

    @dfsr.setter
    def dfsr(self, v: int) -> None:
        self.sys.DFSR = v & MASK32

    @property
    def dfar(self) -> int:
        return self.sys.DFAR

    @dfar.setter
    def dfar(self, v: int) -> None:
        self.sys.DFAR = v & MASK32

    @property
    def ifsr(self) -> int:
        return self.sys.IFSR

    @ifsr.setter
    def ifsr(self, v: int) -> None:
        self.sys.IFSR = v & MASK32

    @property
    def ifar(self) -> int:
        return self.sys.IFAR

    @ifar.setter
    def ifar(self, v: int) -> None:
        self.sys.IFAR = v & MASK32

    # -- helpers ------------------------------------------------------------------------
    def vector_base(self) -> int:
        """B1.8.1: SCTLR.V selects Hivecs (0xFFFF0000), else VBAR."""
        sr = self.sys
        if sr.SCTLR & _SCTLR_V:
            return 0xFFFF0000
        return sr.VBAR

    def _ns_lower(self) -> bool:
        """Non-secure PL0 or PL1 (where Hyp traps and virtual interrupts apply)."""
        mode = self.cpu.mode
        return bool(self.sys.SCR & _SCR_NS) and mode != _HYP and mode != _MON

    def _tge_routes(self) -> bool:
        """B1.8.4 "Routing general exceptions to Hyp mode" / B4.1.65 HCR.TGE: from Non-secure User mode the
        Undefined Instruction, Supervisor Call, Prefetch Abort and Data Abort exceptions that would be taken
        to a Non-secure PL1 mode are taken to Hyp mode, as a Hyp Trap (HVBAR + 0x14)."""
        return bool(self.sys.HCR & _HCR_TGE) and self.cpu.mode == _USR and bool(self.sys.SCR & _SCR_NS)

    def routing_hcr(self) -> int:
        """HCR as the routing and masking rules see it (B4.1.65 HCR.TGE): with TGE = 1 the processor behaves
        as if IMO, FMO and AMO were 1 for every purpose but a direct read of HCR.  HCR only acts in
        Non-secure state; the callers check that.  The literal rule covers the virtual interrupts too: with
        TGE = 1, HCR.VI/VF/VA signal their virtual exception to Non-secure PL0/PL1 whatever the real
        IMO/FMO/AMO (the manual gives no exception for them)."""
        hcr = self.sys.HCR
        if hcr & _HCR_TGE:
            return hcr | _HCR_IMO | _HCR_FMO | _HCR_AMO
        return hcr

    def _count(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    def _check_entry(self, name: str, vector: int, key: int, mode: int, address: Optional[int], why: str) -> None:
        """Stop the run if nothing handles this exception, or if it keeps re-entering itself.

        A loop: the same synchronous exception taken from the same instruction while the CPU is
        already in the exception's own mode (its handler, or the vector itself, takes it again: a
        corrupted vector, an aborting handler).  After :data:`MAX_REENTRIES` such consecutive
        entries the run stops with StopKind.EXCEPTION_LOOP instead of spinning to the limit.
        """
        addr = key & ADDR
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

    def _save_state(self, key: int) -> int:
        """The CPSR to save: T and ITSTATE from the key (the engine's state), then the rest."""
        cpu = self.cpu
        cpu.T = key & 1
        cpu.IT = (key >> 32) & 0xFF
        return cpu.get_cpsr()

    def _finish(self, te: int, ee: int) -> None:
        cpu = self.cpu
        cpu.IT = 0
        cpu.J = 0
        old_e = cpu.E
        cpu.T = te
        cpu.E = ee
        if old_e != ee:
            cpu.decode_state_changed()

    def _enter(self, kind: ExceptionKind, mode: int, lr: int, key: int, mask_a: bool, mask_f: bool, why: str,
               address: Optional[int] = None) -> int:
        """B1.8.3 "Exception entry" for exceptions taken to a PL1 mode."""
        cpu = self.cpu
        name = kind.name
        self._count(name)
        vector = (self.vector_base() + kind.value) & MASK32
        self._check_entry(name, vector, key, mode, address, why)
        spsr = self._save_state(key)
        cpu.set_mode(mode)
        cpu.spsr[mode] = spsr
        cpu.regs[14] = lr & MASK32
        cpu.I = 1
        if mask_a:
            cpu.A = 1
        if mask_f:
            cpu.F = 1
        sctlr = self.sys.SCTLR
        self._finish((sctlr >> _SCTLR_TE) & 1, (sctlr >> _SCTLR_EE) & 1)
        return vector | cpu.T

    def _enter_monitor(self, offset: int, lr: int, key: int, name: str, why: str) -> int:
        """Entry to Monitor mode (B1.8.x): MVBAR + offset, A, I and F masked."""
        cpu = self.cpu
        self._count(name)
        vector = (self.sys.MVBAR + offset) & MASK32
        self._check_entry(name, vector, key, _MON, None, why)
        spsr = self._save_state(key)
        if cpu.mode == _MON:
            self.sys.SCR &= ~_SCR_NS
        cpu.set_mode(_MON)
        cpu.spsr[_MON] = spsr
        cpu.regs[14] = lr & MASK32
        cpu.I = 1
        cpu.F = 1
        cpu.A = 1
        sctlr = self.sys.SCTLR
        self._finish((sctlr >> _SCTLR_TE) & 1, (sctlr >> _SCTLR_EE) & 1)
        return vector | cpu.T

    def EnterHypMode(self, key: int, preferred: int, offset: int, hsr: Optional[int], name: str, why: str,
                     address: Optional[int] = None) -> int:
        """B1.14.x EnterHypMode: SPSR_hyp, ELR_hyp = preferred return, HSR, masks, HVBAR + offset."""
        cpu = self.cpu
        sr = self.sys
        self._count(name)
        vector = ((sr.HVBAR & ~0x1F) + offset) & MASK32
        hook = self.on_hyp_entry
        if hook is None:
            self._check_entry(name, vector, key, _HYP, address, why)
        spsr = self._save_state(key)
        if hsr is not None:
            self.WriteHSR(hsr)
        cpu.set_mode(_HYP)
        cpu.spsr[_HYP] = spsr
        cpu.elr_hyp = preferred & MASK32
        scr = sr.SCR
        if not scr & _SCR_EA:
            cpu.A = 1
        if not scr & _SCR_FIQ:
            cpu.F = 1
        if not scr & _SCR_IRQ:
            cpu.I = 1
        hsctlr = sr.HSCTLR
        self._finish((hsctlr >> _HSCTLR_TE) & 1, (hsctlr >> _HSCTLR_EE) & 1)
        if hook is not None:
            hook(name, why, key, vector | cpu.T)
        return vector | cpu.T

    def WriteHSR(self, hsr: int) -> None:
        """B3.13.6 WriteHSR: record the syndrome of an exception taken to Hyp mode."""
        self.sys.HSR = hsr & MASK32

    # -- synchronous exceptions -----------------------------------------------------------
    def TakeHypTrapException(self, key: int, hsr: int, why: str = "Hyp trap") -> int:
        """B1.14.x TakeHypTrapException: HVBAR + 0x14, ELR_hyp = the trapped instruction."""
        return self.EnterHypMode(key, key & ADDR, 0x14, hsr, "HYP_TRAP", why)

    def TakeUndefInstrException(self, key: int, why: str = "UNDEFINED instruction") -> int:
        """B1.9.6: LR = instruction + 4 (ARM) / + 2 (Thumb); in Hyp mode HVBAR + 0x04 (HSR.EC 0x00),
        with HCR.TGE from Non-secure User mode a Hyp Trap (EC 0x00)."""
        addr = key & ADDR
        msg = why
        if self.cpu.mode == _HYP:
            return self.EnterHypMode(key, addr, 0x04, EC_UNKNOWN << 26, "UNDEFINED", msg)
        if self._tge_routes():
            return self.EnterHypMode(key, addr, 0x14, EC_UNKNOWN << 26, "UNDEFINED", msg)
        lr = addr + (2 if key & 1 else 4)
        return self._enter(ExceptionKind.UNDEFINED, Mode.UND, lr, key, False, False, msg)

    def TakeSVCException(self, key: int, size: int, imm: int = 0) -> int:
        """B1.9.7: LR = the next instruction; in Hyp mode HVBAR + 0x08 (HSR.EC 0x11), with HCR.TGE from
        Non-secure User mode a Hyp Trap (EC 0x11)."""
        addr = key & ADDR
        nxt = (addr + size) & MASK32
        msg = "SVC"
        key = (key & MASK32) | (ITAdvance((key >> 32) & 0xFF) << 32)  # the SPSR holds the next ITSTATE
        if self.cpu.mode == _HYP or self._tge_routes():
            hsr = (EC_SVC << 26) | ((size == 4) << 25) | (imm & 0xFFFF)
            return self.EnterHypMode(key, nxt, 0x08 if self.cpu.mode == _HYP else 0x14, hsr, "SVC", msg)
        return self._enter(ExceptionKind.SVC, Mode.SVC, nxt, key, False, False, msg)

    def TakeHVCException(self, key: int, size: int, imm16: int) -> int:
        """B1.14.x HVC: Hyp mode, ELR_hyp = the next instruction, HSR.EC 0x12 with imm16; HVBAR + 0x08
        when executed in Hyp mode, + 0x14 (Hyp Trap) from Non-secure PL1."""
        addr = key & ADDR
        hsr = (EC_HVC << 26) | ((size == 4) << 25) | (imm16 & 0xFFFF)
        offset = 0x08 if self.cpu.mode == _HYP else 0x14
        return self.EnterHypMode(key, (addr + size) & MASK32, offset, hsr, "HVC", "HVC")

    def TakeSMCException(self, key: int, size: int) -> int:
        """B1.9 "Secure Monitor Call (SMC) exception": Monitor mode, vector MVBAR + 0x08.

        LR = the next instruction; SPSR_mon = CPSR; A, I and F are all masked;
        SCR.NS is cleared when the SMC is executed in Monitor mode (otherwise
        the monitor reads SCR.NS to learn which world called).
        """
        addr = key & ADDR
        key = (key & MASK32) | (ITAdvance((key >> 32) & 0xFF) << 32)  # as for SVC (B1.9.7)
        return self._enter_monitor(0x08, addr + size, key, "SMC", "SMC")

    def _debug_to_hyp(self, fs: int) -> bool:
        """B1.8.4 "Routing Debug exceptions to Hyp mode" / C4: a debug exception from Non-secure PL0/PL1 goes
        to Hyp with HDCR.TDE; HCR.TGE = 1 makes HDCR.TDE behave as 1 (B4.1.65, B4.1.67)."""
        return fs == FS_DEBUG and self._ns_lower() and bool(self.sys.HDCR & _HDCR_TDE or self.sys.HCR & _HCR_TGE)

    def TakePrefetchAbortException(self, key: int, ifar: int, fs: int, why: str) -> int:
        """B1.9.8: LR = aborted instruction + 4; IFSR/IFAR record the fault.  To Hyp mode (HIFAR, HSR.EC
        0x21 at + 0x0C in Hyp mode; EC 0x20 Hyp Trap for HDCR.TDE debug events and HCR.TGE)."""
        addr = key & ADDR
        sr = self.sys
        if self.cpu.mode == _HYP:
            sr.HIFAR = ifar & MASK32
            hsr = (EC_PABT_HYP << 26) | _abort_fsc(fs)
            return self.EnterHypMode(key, addr, 0x0C, hsr, "PREFETCH_ABORT", why, ifar & MASK32)
        if self._debug_to_hyp(fs) or self._tge_routes():
            sr.HIFAR = ifar & MASK32
            hsr = (EC_PABT_LOWER << 26) | _abort_fsc(fs)
            return self.EnterHypMode(key, addr, 0x14, hsr, "PREFETCH_ABORT", why, ifar & MASK32)
        sr.IFSR = ((fs & 0x10) << 6) | (fs & 0xF)
        sr.IFAR = ifar & MASK32
        return self._enter(ExceptionKind.PREFETCH_ABORT, Mode.ABT, addr + 4, key, True, False, why, ifar & MASK32)

    def TakeDataAbortException(self, key: int, dfar: int, fs: int, is_write: bool, why: str) -> int:
        """B1.9.9: LR = aborting instruction + 8; DFSR (FS, WnR) and DFAR record the fault.  To Hyp
        mode (HDFAR, HSR.EC 0x25 at + 0x10 in Hyp mode; EC 0x24 Hyp Trap for TDE/TGE), ISV = 0."""
        addr = key & ADDR
        sr = self.sys
        wnr = int(is_write) << 6
        if self.cpu.mode == _HYP:
            sr.HDFAR = dfar & MASK32
            hsr = (EC_DABT_HYP << 26) | wnr | _abort_fsc(fs)
            return self.EnterHypMode(key, addr, 0x10, hsr, "DATA_ABORT", why, dfar & MASK32)
        if self._debug_to_hyp(fs) or self._tge_routes():
            sr.HDFAR = dfar & MASK32
            hsr = (EC_DABT_LOWER << 26) | wnr | _abort_fsc(fs)
            return self.EnterHypMode(key, addr, 0x14, hsr, "DATA_ABORT", why, dfar & MASK32)
        sr.DFSR = ((fs & 0x10) << 6) | (fs & 0xF) | (int(is_write) << 11)
        sr.DFAR = dfar & MASK32
        return self._enter(ExceptionKind.DATA_ABORT, Mode.ABT, addr + 8, key, True, False, why, dfar & MASK32)

    # -- asynchronous exceptions ------------------------------------------------------------
    def TakeIRQException(self, next_key: int) -> int:
        """B1.9.10: LR = preferred return + 4; SCR.IRQ -> Monitor (MVBAR + 0x18); HCR.IMO (or HCR.TGE) from
        Non-secure state -> Hyp (HVBAR + 0x18, ELR_hyp = preferred return)."""
        pref = next_key & ADDR
        sr = self.sys
        if sr.SCR & _SCR_IRQ:
            return self._enter_monitor(0x18, pref + 4, next_key, "IRQ", "IRQ")
        if sr.SCR & _SCR_NS and self.routing_hcr() & _HCR_IMO and self.cpu.mode != _MON:
            return self.EnterHypMode(next_key, pref, 0x18, None, "IRQ", "IRQ")
        return self._enter(ExceptionKind.IRQ, Mode.IRQ, pref + 4, next_key, True, False, "IRQ")

    def TakeFIQException(self, next_key: int) -> int:
        """B1.9.11: LR = preferred return + 4; F is masked too; SCR.FIQ -> Monitor, HCR.FMO (or TGE) -> Hyp."""
        pref = next_key & ADDR
        sr = self.sys
        if sr.SCR & _SCR_FIQ:
            return self._enter_monitor(0x1C, pref + 4, next_key, "FIQ", "FIQ")
        if sr.SCR & _SCR_NS and self.routing_hcr() & _HCR_FMO and self.cpu.mode != _MON:
            return self.EnterHypMode(next_key, pref, 0x1C, None, "FIQ", "FIQ")
        return self._enter(ExceptionKind.FIQ, Mode.FIQ, pref + 4, next_key, True, True, "FIQ")

    def TakeVirtualIRQException(self, next_key: int) -> int:
        """B1.14.x virtual IRQ (HCR.VI with HCR.IMO): an IRQ exception to Non-secure IRQ mode."""
        pref = next_key & ADDR
        return self._enter(ExceptionKind.IRQ, Mode.IRQ, pref + 4, next_key, True, False, "virtual IRQ")

    def TakeVirtualFIQException(self, next_key: int) -> int:
        """B1.14.x virtual FIQ (HCR.VF with HCR.FMO): an FIQ exception to Non-secure FIQ mode."""
        pref = next_key & ADDR
        return self._enter(ExceptionKind.FIQ, Mode.FIQ, pref + 4, next_key, True, True, "virtual FIQ")

    def TakeVirtualAbortException(self, next_key: int) -> int:
        """B1.14.x virtual asynchronous abort (HCR.VA with HCR.AMO): a Data Abort to Non-secure Abort mode
        (DFSR.FS = asynchronous external abort; HCR.VA is cleared when it is taken)."""
        pref = next_key & ADDR
        sr = self.sys
        sr.HCR &= ~_HCR_VA
        sr.DFSR = ((FS_ASYNC_EXTERNAL & 0x10) << 6) | (FS_ASYNC_EXTERNAL & 0xF)
        return self._enter(ExceptionKind.DATA_ABORT, Mode.ABT, pref + 8, next_key, True, False, "virtual abort")

    def _masked(self, to_mon: bool, to_hyp: bool, cpsr_bit: int, ns_can_mask: bool) -> bool:
        """B1.8.6 asynchronous exception masking, for a physical exception."""
        mode = self.cpu.mode
        if to_mon:
            # With SCR.FW == 0 Non-secure state cannot mask an FIQ routed to Monitor mode.
            if self.sys.SCR & _SCR_NS and mode != _MON and not ns_can_mask:
                return False
            return bool(cpsr_bit)
        if to_hyp:
            return mode == _HYP and bool(cpsr_bit)
        if mode == _HYP:
            return True  # routed to PL1: never taken in Hyp mode
        return bool(cpsr_bit)

    def interrupts_possible(self) -> bool:
        """A physical line is raised or HCR holds a virtual interrupt (a cheap test before a run)."""
        return self.irq_line or self.fiq_line or bool(self.sys.HCR & (_HCR_VA | _HCR_VF | _HCR_VI))

    def pending(self) -> bool:
        """B1.8.? WFI wake-up: a physical line (masked or not) or, in Non-secure PL0/PL1, a virtual interrupt."""
        if self.irq_line or self.fiq_line:
            return True
        if not self._ns_lower():
            return False
        hcr = self.routing_hcr()
        return bool((hcr & _HCR_VI and hcr & _HCR_IMO) or (hcr & _HCR_VF and hcr & _HCR_FMO)
                    or (hcr & _HCR_VA and hcr & _HCR_AMO))

    def check_interrupts(self, next_key: int) -> int:
        """Take the highest-priority unmasked pending interrupt before ``next_key`` (B1.8.2 priorities:
        FIQ over IRQ, physical over virtual, virtual abort first among virtual); else ``next_key``."""
        cpu = self.cpu
        sr = self.sys
        scr = sr.SCR
        hcr = self.routing_hcr()
        ns = bool(scr & _SCR_NS) and cpu.mode != _MON
        if self.fiq_line:
            to_mon = bool(scr & _SCR_FIQ)
            to_hyp = not to_mon and ns and bool(hcr & _HCR_FMO)
            if not self._masked(to_mon, to_hyp, cpu.F, bool(scr & _SCR_FW)):
                return self.TakeFIQException(next_key)
        if self.irq_line:
            to_mon = bool(scr & _SCR_IRQ)
            to_hyp = not to_mon and ns and bool(hcr & _HCR_IMO)
            if not self._masked(to_mon, to_hyp, cpu.I, True):
                return self.TakeIRQException(next_key)
        if hcr & (_HCR_VA | _HCR_VF | _HCR_VI) and self._ns_lower():
            if hcr & _HCR_VA and hcr & _HCR_AMO and not cpu.A:
                return self.TakeVirtualAbortException(next_key)
            if hcr & _HCR_VF and hcr & _HCR_FMO and not cpu.F:
                return self.TakeVirtualFIQException(next_key)
            if hcr & _HCR_VI and hcr & _HCR_IMO and not cpu.I:
                return self.TakeVirtualIRQException(next_key)
        return next_key

    def wait_for_interrupt(self, next_key: int, what: str, addr: int) -> int:
        """B1.8.? WFI (and WFE without an event): continue at once if an interrupt is pending (taking it if
        unmasked); otherwise ask the wait hooks to advance; with nothing that could wake it, GuestHalt."""
        while not self.pending():
            if not any([hook() for hook in self.wait_hooks]):  # noqa: C419 (every hook advances)
                raise GuestHalt(f"{what} at {addr:#010x} with no interrupt pending and nothing that could "
                                "raise one")
        return self.check_interrupts(next_key)
