"""Live debug events in monitor debug-mode (DDI 0406C C3, C4), at zero cost while disarmed.

The :class:`DebugUnit` watches the register file.  While no breakpoint,
watchpoint or vector catch can fire (monitor debug-mode off, the OS Lock or
Double Lock set, or nothing enabled) it is *disarmed* and the engine runs the
plain ops and memory accessors: no per-instruction or per-access check exists.
When a write arms or changes something, the unit asks the engine to flush its
decoded ops (``flush``); on re-decode

* :meth:`wrap_op` wraps only the ops at addresses an armed BRP or vector catch
  can match (every op while a mismatch or context-only BRP is armed), and
* :meth:`checked_accessors` gives data accessors that test the armed WRPs'
  address ranges before every access (the coarse test is one comparison pair;
  the full C3.4 rules run only inside the range).

A block engine honours the same hooks by decoding through ``wrap_op`` (or
falling back to single ops) and by building from the context's accessors.

Events (C4.1 "About debug exceptions"; reference kvm-arm-debug.md section 7.5):
a breakpoint or vector catch is a Prefetch Abort with IFSR.FS = 0b00010 and
IFAR = the instruction address (IFAR is UNKNOWN: choice); a synchronous
watchpoint is a Data Abort before the access completes, with DFSR.FS = 0b00010,
the real WnR (UNKNOWN in the manual: choice), DFAR = the lowest watched byte the
access touches, and DBGWFAR = the instruction address + 8 (ARM) or + 4 (Thumb).
DBGDSCR.MOE records the cause.  No event is generated in Hyp mode (C3.1).
The exception model routes the aborts: with HDCR.TDE (or HCR.TGE, which makes
TDE behave as 1) an event from Non-secure PL0/PL1 is a Hyp Trap with HSR.EC
0x20 / 0x24 and IFSC / DFSC = 0x22 (B1.8.4 "Routing Debug exceptions to Hyp
mode", B3.13.6), HIFAR / HDFAR set, MOE and DBGWFAR as at PL1.

Context matching reads CONTEXTIDR and VTTBR.VMID (bits 55:48, B4.1.160) from the
CPU's system register store when the check runs, so writing them needs no flush.
"""

from __future__ import annotations

from typing import Callable, List, Optional, Tuple

from armsim.cpu.exceptions import FS_DEBUG, ExceptionModel
from armsim.cpu.modes import Mode
from armsim.cpu.state import SCTLR, CPUState
from armsim.debug.layouts import (
    MOE_BREAKPOINT,
    MOE_SYNC_WATCHPOINT,
    MOE_VECTOR_CATCH,
    VCR_MONITOR_BASE,
    VCR_NONSECURE_BASE,
    VCR_SECURE_BASE,
)
from armsim.debug.match import (
    CONTEXT_TYPES,
    LINKABLE_CONTEXT_TYPES,
    MISMATCH_TYPES,
    breakpoint_fires,
    watched_range,
    watchpoint_fires,
)
from armsim.debug.registers import DebugRegisters
from armsim.memory import MemoryFault

MASK32 = 0xFFFFFFFF
Op = Callable[[], int]
Accessors = Tuple[Callable[[int], int], Callable[[int], int], Callable[[int], int],
                  Callable[[int, int], None], Callable[[int, int], None], Callable[[int, int], None]]

_HYP = int(Mode.HYP)
_USR = int(Mode.USR)
_MON = int(Mode.MON)
_SCTLR_V = SCTLR["V"].mask
# Vector catch in monitor debug-mode ignores the Prefetch Abort and Data Abort vectors
# (C3.7 "Vector catch debug events"): the debug exception itself is taken through them.
_VC_OFFSETS_MONITOR_MODE = (1, 2, 6, 7)  # Undefined, SVC, IRQ, FIQ (vector offset / 4)


class WatchpointHit(MemoryFault):
    """A synchronous watchpoint debug event, raised by a checked accessor before the access."""

    fs = FS_DEBUG

    def __init__(self, addr: int, size: int, is_write: bool, wrp: int) -> None:
        super().__init__(addr, size, is_write)
        self.wrp = wrp

    def describe(self) -> str:
        what = "write to" if self.is_write else "read from"
        return f"watchpoint {self.wrp}: {self.size}-byte {what} {self.addr:#010x}"


class DebugUnit:
    """Monitor debug-mode events for one core."""

    def __init__(self, regs: DebugRegisters, cpu: CPUState, exc: ExceptionModel) -> None:
        self.regs = regs
        self.cpu = cpu
        self.exc = exc
        # Set by the engine: drop every decoded op and rebuild the context's accessors.
        self.flush: Callable[[], None] = lambda: None
        # While an LDRT/STRT-class op runs: its accesses count as PL0 for watchpoints (C3.4).
        self.unprivileged = False
        self.bp_armed: List[int] = []
        self.wp_armed: List[int] = []
        self.vcr_armed = 0
        self.all_addresses = False
        self.watch_lo = 0
        self.watch_hi = -1
        self.events = {"breakpoint": 0, "watchpoint": 0, "vector_catch": 0}
        self._key: Tuple[object, ...] = ()
        regs.listeners.append(self.rearm)
        self.rearm()

    # -- arming --------------------------------------------------------------------
    @property
    def breakpoints_armed(self) -> bool:
        return bool(self.bp_armed or self.vcr_armed)

    @property
    def watchpoints_armed(self) -> bool:
        return bool(self.wp_armed)

    def rearm(self) -> None:
        """Recompute what can fire; flush decoded code when that changed."""
        r = self.regs
        bps: List[int] = []
        wps: List[int] = []
        vcr = 0
        all_addresses = False
        lo, hi = 1 << 33, -1
        if r.monitor_events_possible():
            for n in range(r.brps):
                ctrl = r.bcr[n]
                bt = (ctrl >> 20) & 0xF
                if ctrl & 1 and bt not in LINKABLE_CONTEXT_TYPES:
                    bps.append(n)
                    if bt in MISMATCH_TYPES or bt in CONTEXT_TYPES:
                        all_addresses = True
            for n in range(r.wrps):
                if r.wcr[n] & 1:
                    rng = watched_range(r.wvr[n], r.wcr[n])
                    if rng is not None:
                        wps.append(n)
                        lo = min(lo, rng.start)
                        hi = max(hi, rng.stop - 1)
            vcr = r.vcr
        key = (tuple(bps), tuple(r.bvr[n] for n in bps), tuple(r.bcr[n] for n in bps), vcr,
               tuple(wps), tuple((r.wvr[n], r.wcr[n]) for n in wps))
        if key == self._key:
            return
        self.bp_armed = bps
        self.wp_armed = wps
        self.vcr_armed = vcr
        self.all_addresses = all_addresses
        self.watch_lo, self.watch_hi = lo, hi
        self._key = key
        self.flush()

    # -- the state of the current instruction or access ---------------------------------
    def _pl(self) -> int:
        mode = self.cpu.mode
        if mode == _HYP:
            return 2
        return 0 if mode == _USR else 1

    def contextidr(self) -> int:
        """B4.1.36 CONTEXTIDR: the value context-ID breakpoints compare with (C3.3)."""
        return self.cpu.sys.CONTEXTIDR

    def vmid(self) -> int:
        """B4.1.160 VTTBR.VMID (bits 55:48): the value VMID breakpoints compare with (C3.3)."""
        return (self.cpu.sys.VTTBR >> 48) & 0xFF

    def _vmid(self, secure: bool, pl: int) -> Optional[int]:
        return self.vmid() if not secure and pl < 2 else None

    # -- breakpoints and vector catch -------------------------------------------------------
    def wrap_op(self, op: Op, addr: int, thumb: bool, key: int) -> Op:
        """The decoded op at ``addr``, wrapped in a breakpoint check if an armed BRP or vector catch can match."""
        r = self.regs
        cands = [n for n in self.bp_armed
                 if self.all_addresses or not (r.bvr[n] ^ addr) & 0xFFFFFFFC]
        vc = bool(self.vcr_armed) and not addr & 3 and self._vc_candidate(addr)
        if not cands and not vc:
            return op
        check = self.breakpoint_check

        def op_bp() -> int:
            moe = check(cands, addr, thumb, vc)
            if moe:
                return self.take_breakpoint(key, moe)
            return op()

        return op_bp

    def _vc_candidate(self, addr: int) -> bool:
        k = (addr >> 2) & 7
        vcr = self.vcr_armed
        return any((vcr >> (base + k)) & 1 for base in (VCR_SECURE_BASE, VCR_MONITOR_BASE, VCR_NONSECURE_BASE))

    def breakpoint_check(self, cands: List[int], addr: int, thumb: bool, vc: bool) -> int:
        """C3.3, C3.7: the MOE of the event the instruction at ``addr`` generates (0: none)."""
        cpu = self.cpu
        if cpu.mode == _HYP:
            return 0  # C3.1: no debug events in Hyp mode
        r = self.regs
        pl = self._pl()
        secure = cpu.IsSecure()
        if cands:
            ctxid = self.contextidr()
            vmid = self._vmid(secure, pl)
            for n in cands:
                if breakpoint_fires(n, r.bvr, r.bcr, r.bxvr, r.ctx_first, addr, thumb, pl, secure, ctxid, vmid):
                    if pl == 1 and (r.bcr[n] >> 20) & 0xF in MISMATCH_TYPES:
                        # UNPREDICTABLE (C3.3: a mismatch breakpoint matching at PL1 in monitor
                        # debug-mode, whose handler would hit it again): we choose no event.
                        continue
                    return MOE_BREAKPOINT
        if vc and self.vector_caught(addr):
            return MOE_VECTOR_CATCH
        return 0

    def vector_caught(self, addr: int) -> bool:
        """C3.7 address-matching vector catch for the vectors of the current Security state."""
        cpu = self.cpu
        if cpu.mode == _MON:
            base, group = cpu.mvbar, VCR_MONITOR_BASE
        else:
            base = 0xFFFF0000 if cpu.sctlr & _SCTLR_V else cpu.vbar
            group = VCR_SECURE_BASE if cpu.IsSecure() else VCR_NONSECURE_BASE
        if (addr & ~0x1F) != (base & ~0x1F & MASK32):
            return False
        k = (addr >> 2) & 7
        return k in _VC_OFFSETS_MONITOR_MODE and bool((self.vcr_armed >> (group + k)) & 1)

    def take_breakpoint(self, key: int, moe: int) -> int:
        """Take the Prefetch Abort of a breakpoint or vector catch (C4.1; B1.9.8)."""
        self.regs.set_moe(moe)
        addr = key & 0xFFFFFFFE
        name = "breakpoint" if moe == MOE_BREAKPOINT else "vector_catch"
        self.events[name] += 1
        return self.exc.TakePrefetchAbortException(key, addr, FS_DEBUG, f"{name.replace('_', ' ')} at {addr:#010x}")

    # -- watchpoints ----------------------------------------------------------------------
    def checked_accessors(self, acc: Accessors) -> Accessors:
        """Data accessors that check the armed WRPs before each access (C3.4: before it completes)."""
        r8, r16, r32, w8, w16, w32 = acc
        lo = self.watch_lo
        hi = self.watch_hi
        check = self.watch_check

        def read8(a: int) -> int:
            if lo <= a <= hi:
                check(a, 1, False)
            return r8(a)

        def read16(a: int) -> int:
            if lo <= a + 1 and a <= hi:
                check(a, 2, False)
            return r16(a)

        def read32(a: int) -> int:
            if lo <= a + 3 and a <= hi:
                check(a, 4, False)
            return r32(a)

        def write8(a: int, v: int) -> None:
            if lo <= a <= hi:
                check(a, 1, True)
            w8(a, v)

        def write16(a: int, v: int) -> None:
            if lo <= a + 1 and a <= hi:
                check(a, 2, True)
            w16(a, v)

        def write32(a: int, v: int) -> None:
            if lo <= a + 3 and a <= hi:
                check(a, 4, True)
            w32(a, v)

        return read8, read16, read32, write8, write16, write32

    def watch_check(self, addr: int, size: int, is_write: bool) -> None:
        """C3.4: raise WatchpointHit if an armed WRP matches this access."""
        cpu = self.cpu
        if cpu.mode == _HYP:
            return  # C3.1: no debug events in Hyp mode
        r = self.regs
        pl = 0 if self.unprivileged else self._pl()
        secure = cpu.IsSecure()
        ctxid = self.contextidr()
        vmid = self._vmid(secure, self._pl())
        for n in self.wp_armed:
            hit = watchpoint_fires(n, r.wvr, r.wcr, r.bvr, r.bcr, r.bxvr, r.ctx_first, addr, size, is_write,
                                   pl, secure, ctxid, vmid)
            if hit is not None:
                raise WatchpointHit(hit, size, is_write, n)

    def take_watchpoint(self, key: int, hit: WatchpointHit) -> int:
        """Take the Data Abort of a synchronous watchpoint (C4.1; B1.9.9); DBGWFAR and MOE."""
        r = self.regs
        r.set_moe(MOE_SYNC_WATCHPOINT)
        # C11.11 DBGWFAR: the address of the instruction + 8 (ARM) or + 4 (Thumb), v7 rule.
        r.wfar = ((key & 0xFFFFFFFE) + (4 if key & 1 else 8)) & MASK32
        self.events["watchpoint"] += 1
        self.unprivileged = False
        return self.exc.TakeDataAbortException(key, hit.addr, FS_DEBUG, hit.is_write,
                                               f"{hit.describe()} by the instruction at {key & 0xFFFFFFFE:#010x}")
