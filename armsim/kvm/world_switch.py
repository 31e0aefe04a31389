"""The world switch: host <-> guest, after KVM/ARM v4.1 ``__kvm_vcpu_run`` / ``__kvm_vcpu_return`` (reference 9).

Entry (host -> guest), in the order of interrupts.S with the series' debug slots:

1. save the host's core registers (r0-r12, the banked SP/LR/SPSRs, ELR_hyp);
   debug: decide whether this run is switched (the policy's
   :meth:`~armsim.kvm.policy.DebugPolicy.switch_on_entry`) and, if so, save
   the host's debug set (physical -> host context);
2. save the host's CP15 set and load the guest's (24 registers, reference 9);
   debug: if switched, load the guest's debug set (shadow -> physical);
3. HDCR <- HPMN | the policy's trap bits for this run
   (:meth:`~armsim.kvm.policy.DebugPolicy.entry_traps`);
4. restore the guest's core registers (ELR_hyp <- PC, SPSR_hyp <- CPSR); ERET.

Exit (guest -> host):

1. save the guest's core registers; debug: if switched, save the guest's
   debug set (physical -> shadow);
2. clear the HDCR trap bits (every policy, choice of reference 1);
3. save the guest's CP15 set, restore the host's;
4. debug: if switched, restore the host's debug set; the policy's
   :meth:`~armsim.kvm.policy.DebugPolicy.after_exit` (LAZY clears dirty);
   restore the host's core registers.

The policies (reference 2): PASSTHROUGH and RAZ_WI never move a debug
register; EAGER moves the set every run; LAZY moves it in dirty runs only (a
trapped write, the guest's MDBGen, or -- with the host check -- a host that
has debug armed, read as DBGDSCR plus every DBGBCRn/DBGWCRn: 1 + BRPs + WRPs
reads).  The set is the implemented pairs from DBGDIDR, the context BRPs'
DBGBXVRn, DBGDSCRext and DBGVCR: N = 24 on Cortex-A15/A7, so a switched run
costs 4N = 96 CP14 accesses.

Besides HDCR the entry sets the guest's HCR traps (TAC, TSW, TIDCP, TSC,
TWE, TWI: KVM's ``HCR_GUEST_MASK`` without the stage-2 and interrupt routing
bits, which armsim does not model) and HSTR.T15, and the exit clears them.

Every register move goes through the simulated coprocessor bus (a Hyp-mode
MRC/MCR, :class:`BusPort`) and is charged to the :class:`CycleLedger`
(``coproc_read`` / ``coproc_write`` per register, ``store`` / ``load`` per
core register word), so the cost is derived from the work done.  Registers
the machine does not implement (CNTKCTL: no Generic Timer) are left out of
the CP15 set.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Protocol, Tuple

from armsim.coproc.bus import AccessKind, CoprocAccess, CoprocessorBus, Verdict
from armsim.cpu.modes import MODES_WITH_SPSR, PHYS_INDEX, PHYS_SLOT, Mode
from armsim.cpu.state import CPUState
from armsim.errors import ArmsimError
from armsim.kvm.costs import (
    CORE_CP15_SWITCH,
    DEBUG_RESTORE,
    DEBUG_SAVE,
    W_CP_READ,
    W_CP_WRITE,
    W_LOAD,
    W_STORE,
    CycleLedger,
)
from armsim.kvm.layouts import (
    CTRL_E,
    DBGDSCR_MDBGEN,
    HCR_ENC,
    HCR_GUEST_TRAPS,
    HDCR_ENC,
    HDCR_TRAP_BITS,
    HSTR_ENC,
    HSTR_GUEST_TRAPS,
    Enc,
    host_check_set,
    switched_debug_set,
    write_mask,
)
from armsim.kvm.policy import DebugPolicy
from armsim.kvm.tables import CP15_SHADOW, CP15_SHADOW_64
from armsim.kvm.trace import KvmTracer
from armsim.kvm.vcpu import VCPU
from armsim.timing.profiles import CpuProfile

MASK32 = 0xFFFFFFFF
_HYP = int(Mode.HYP)
# Slots only Hyp mode has (B1.3.2): never part of a guest or host PL1 context.
_HYP_SLOTS = frozenset((PHYS_SLOT["SP_hyp"], PHYS_SLOT["ELR_hyp"]))
_CONTEXT_SLOTS: Tuple[int, ...] = tuple(i for i in range(len(PHYS_SLOT)) if i not in _HYP_SLOTS)
_CONTEXT_SPSRS: Tuple[int, ...] = tuple(sorted(m for m in MODES_WITH_SPSR if m != _HYP))


class HypervisorError(ArmsimError):
    """The hypervisor model cannot continue (a Hyp-mode register access the machine refuses...)."""


def enc_access(enc: Enc, write: bool) -> CoprocAccess:
    """The Hyp-mode MCR/MRC (MCRR/MRRC for a 64-bit register) of ``enc``, with Rt = r0, Rt2 = r1."""
    if enc.is_64:
        kind = AccessKind.MCRR if write else AccessKind.MRRC
    else:
        kind = AccessKind.MCR if write else AccessKind.MRC
    return CoprocAccess(kind, enc.cp, enc.opc1, enc.crn, enc.crm, enc.opc2, 0, 1)


class HwPort(Protocol):
    """Hyp-mode access to the physical coprocessor registers."""

    def read(self, enc: Enc) -> int: ...

    def write(self, enc: Enc, value: int) -> None: ...


class BusPort:
    """Hyp-mode MRC/MCR/MRRC/MCRR on the simulated :class:`CoprocessorBus` (the CPU must be in Hyp mode)."""

    def __init__(self, bus: CoprocessorBus, cpu: CPUState) -> None:
        self.bus = bus
        self.cpu = cpu
        self._acc: Dict[Tuple[Enc, bool], CoprocAccess] = {}
        self.accesses = 0

    def _access(self, enc: Enc, write: bool) -> CoprocAccess:
        key = (enc, write)
        acc = self._acc.get(key)
        if acc is None:
            acc = self._acc[key] = enc_access(enc, write)
        verdict = self.bus.check(self.cpu, acc)
        if verdict is not Verdict.OK:
            raise HypervisorError(f"Hyp-mode {acc.kind.value} of {enc.name} is {verdict.name} on this machine")
        return acc

    def read(self, enc: Enc) -> int:
        self.accesses += 1
        return self.bus.read(self.cpu, self._access(enc, False))

    def write(self, enc: Enc, value: int) -> None:
        self.accesses += 1
        self.bus.write(self.cpu, self._access(enc, True), value)

    def implemented(self, enc: Enc) -> bool:
        """Can Hyp mode read and write ``enc`` on this machine?"""
        try:
            self._access(enc, False)
            self._access(enc, True)
        except HypervisorError:
            return False
        return True


def cp15_switch_set() -> List[Enc]:
    """The CP15 registers the switch moves each way (reference 9): 24 accesses, TTBR0/TTBR1/PAR by MRRC."""
    out: List[Enc] = []
    for name, (op1, crn, crm, op2, wide, _val) in CP15_SHADOW.items():
        if wide:
            op1_64, crm_64 = CP15_SHADOW_64[name]
            out.append(Enc(name, 15, op1_64, 0, crm_64, 0, True))
        else:
            out.append(Enc(name, 15, op1, crn, crm, op2))
    return out


class HostContext:
    """The host's state while a guest runs: core registers, CP15 and the debug registers it left."""

    def __init__(self) -> None:
        self.core = CPUState()
        self.cp15: Dict[str, int] = {}
        self.debug: Dict[str, int] = {}


class DebugSwitchRecord:
    """One debug switch, for statistics and the trace."""

    __slots__ = ("cycles", "dirty", "registers", "when")

    def __init__(self, when: str, dirty: bool, registers: int, cycles: int) -> None:
        self.when = when
        self.dirty = dirty
        self.registers = registers
        self.cycles = cycles


def save_core(cpu: CPUState, ctx: CPUState) -> int:
    """Copy the PL0/PL1 core state of ``cpu`` (in Hyp mode after a trap: the return state in
    ELR_hyp/SPSR_hyp) into ``ctx``; the number of words moved."""
    phys = list(cpu.phys)
    for i, slot in enumerate(PHYS_INDEX[cpu.mode]):  # the live view of R8-R14
        phys[slot] = cpu.regs[8 + i]
    dst = ctx.phys
    for slot in _CONTEXT_SLOTS:
        dst[slot] = phys[slot]
    for m in _CONTEXT_SPSRS:
        ctx.spsr[m] = cpu.spsr[m]
    ret_cpsr = cpu.spsr[_HYP] if cpu.mode == _HYP else cpu.get_cpsr()
    ret_pc = cpu.elr_hyp if cpu.mode == _HYP else cpu.regs[15]
    # Re-enter the context's view for its own mode.
    ctx.mode = _HYP
    for i, slot in enumerate(PHYS_INDEX[_HYP]):
        ctx.regs[8 + i] = dst[slot]
    ctx.regs[0:8] = cpu.regs[0:8]
    ctx.set_cpsr(ret_cpsr)
    ctx.regs[15] = ret_pc
    return 8 + len(_CONTEXT_SLOTS) + len(_CONTEXT_SPSRS) + 2


def load_core(ctx: CPUState, cpu: CPUState) -> int:
    """Put ``ctx`` into the Hyp-mode ``cpu`` as the state an ERET returns to (ELR_hyp <- PC,
    SPSR_hyp <- CPSR); the number of words moved."""
    phys = list(ctx.phys)
    for i, slot in enumerate(PHYS_INDEX[ctx.mode]):
        phys[slot] = ctx.regs[8 + i]
    hyp_view = PHYS_INDEX[cpu.mode]
    for slot in _CONTEXT_SLOTS:
        cpu.phys[slot] = phys[slot]
    for i, slot in enumerate(hyp_view):
        if slot not in _HYP_SLOTS:
            cpu.regs[8 + i] = phys[slot]
    for m in _CONTEXT_SPSRS:
        cpu.spsr[m] = ctx.spsr[m]
    cpu.regs[0:8] = ctx.regs[0:8]
    cpu.spsr[_HYP] = ctx.get_cpsr()
    cpu.elr_hyp = ctx.regs[15]
    return 8 + len(_CONTEXT_SLOTS) + len(_CONTEXT_SPSRS) + 2


class WorldSwitch:
    """Moves state between the host, a VCPU and the hardware, per debug policy (module docstring)."""

    def __init__(self, profile: CpuProfile, policy: DebugPolicy, port: HwPort, ledger: CycleLedger,
                 tracer: Optional[KvmTracer] = None) -> None:
        self.profile = profile
        self.policy = policy
        self.port = port
        self.ledger = ledger
        self.tracer = tracer if tracer is not None else KvmTracer()
        self.debug_set: List[Enc] = switched_debug_set(profile)
        self.check_set: List[Enc] = host_check_set(profile)
        implemented: Callable[[Enc], bool] = getattr(port, "implemented", lambda e: True)
        self.cp15_set: List[Enc] = [e for e in cp15_switch_set() if implemented(e)]
        self.guest_traps: List[Tuple[Enc, int]] = [(e, b) for e, b in ((HCR_ENC, HCR_GUEST_TRAPS),
                                                                        (HSTR_ENC, HSTR_GUEST_TRAPS))
                                                   if implemented(e)]
        self.host = HostContext()
        self.hdcr = 0  # the HDCR value written at the last entry
        self.debug_switches = 0  # runs in which the debug registers were switched
        self.dirty_runs = 0
        self.switch_records: List[DebugSwitchRecord] = []
        self.moved_debug = 0
        # The mask of each debug register's write view (what an isolation check may compare).
        self.views: Dict[str, int] = {e.name: write_mask(profile, e.name) for e in self.debug_set}
        self.on_debug_switch: Optional[Callable[[DebugSwitchRecord], None]] = None

    # -- pieces: every register move is a bus access charged to its part ---------------------
    def _rd(self, part: str, e: Enc) -> int:
        self.ledger.charge(part, W_CP_READ)
        return self.port.read(e)

    def _wr(self, part: str, e: Enc, value: int) -> None:
        self.ledger.charge(part, W_CP_WRITE)
        self.port.write(e, value)

    def host_armed(self) -> bool:
        """The LAZY host check: physical DBGDSCR.MDBGen and any DBGBCRn.E / DBGWCRn.E (charged)."""
        regs = self.check_set
        values = [self._rd(DEBUG_SAVE, e) for e in regs]  # all 1 + BRPs + WRPs, as the series reads them
        return bool(values[0] & DBGDSCR_MDBGEN) and any(v & CTRL_E for v in values[1:])

    def _moved(self, f: Callable[[], None]) -> int:
        before = self.ledger.total
        f()
        return self.ledger.total - before

    def _save_host_debug(self) -> int:
        def move() -> None:
            for e in self.debug_set:
                self.host.debug[e.name] = self._rd(DEBUG_SAVE, e)
        return self._moved(move)

    def _load_guest_debug(self, vcpu: VCPU) -> int:
        cp14 = vcpu.cp14
        index = vcpu.tables.cp14_index

        def move() -> None:
            for e in self.debug_set:
                self._wr(DEBUG_RESTORE, e, cp14[index[e.name]])
        return self._moved(move)

    def _save_guest_debug(self, vcpu: VCPU) -> int:
        cp14 = vcpu.cp14
        index = vcpu.tables.cp14_index

        def move() -> None:
            for e in self.debug_set:
                cp14[index[e.name]] = self._rd(DEBUG_SAVE, e) & MASK32
        return self._moved(move)

    def _restore_host_debug(self) -> int:
        def move() -> None:
            for e in self.debug_set:
                self._wr(DEBUG_RESTORE, e, self.host.debug[e.name])
        return self._moved(move)

    def _switch_cp15(self, save: Callable[[Enc, int], None], load: Callable[[Enc], int]) -> None:
        for e in self.cp15_set:
            save(e, self._rd(CORE_CP15_SWITCH, e))
        for e in self.cp15_set:
            self._wr(CORE_CP15_SWITCH, e, load(e))

    def _set_traps(self, hdcr_bits: int, entry: bool) -> None:
        """HDCR <- (HDCR & ~trap bits) | ``hdcr_bits``; HCR and HSTR get the guest's traps on entry and
        lose them on exit."""
        part = CORE_CP15_SWITCH
        hdcr = self._rd(part, HDCR_ENC)
        self.hdcr = (hdcr & ~HDCR_TRAP_BITS) | hdcr_bits
        self._wr(part, HDCR_ENC, self.hdcr)
        for enc, bits in self.guest_traps:
            v = self._rd(part, enc)
            self._wr(part, enc, (v | bits) if entry else (v & ~bits))

    def _debug_event(self, vcpu: VCPU, when: str, dirty: bool, cycles: int) -> None:
        rec = DebugSwitchRecord(when, dirty, 2 * len(self.debug_set), cycles)
        self.switch_records.append(rec)
        self.moved_debug += rec.registers
        if self.on_debug_switch is not None:
            self.on_debug_switch(rec)
        tr = self.tracer
        if tr.on:
            tr.emit("kvm_debug_switch", run=vcpu.runs, when=when, dirty=rec.dirty, registers=rec.registers,
                    cycles=cycles)

    # -- entry and exit ----------------------------------------------------------------------
    def enter(self, vcpu: VCPU, cpu: Optional[CPUState] = None) -> bool:
        """The entry half (module docstring); with ``cpu`` (in Hyp mode) the core registers move too.

        Returns whether this run's debug registers are switched.
        """
        ledger = self.ledger
        if cpu is not None:
            ledger.charge(CORE_CP15_SWITCH, W_STORE, save_core(cpu, self.host.core))
        policy = self.policy
        switched = bool(policy.switch_on_entry(vcpu, self.host_armed))
        vcpu.debug_switched = switched
        if vcpu.debug_dirty:
            self.dirty_runs += 1
        cycles = 0
        if switched:
            cycles += self._save_host_debug()
        host_cp15 = self.host.cp15
        guest_cp15 = vcpu.cp15
        index = vcpu.tables.cp15_index

        def save_host(e: Enc, v: int) -> None:
            host_cp15[e.name] = v

        def load_guest(e: Enc) -> int:
            return guest_cp15[index[e.name]]

        self._switch_cp15(save_host, load_guest)
        if switched:
            cycles += self._load_guest_debug(vcpu)
            self.debug_switches += 1
        self._set_traps(policy.entry_traps(vcpu, switched), True)
        if switched:
            self._debug_event(vcpu, "entry", vcpu.debug_dirty, cycles)
        if cpu is not None:
            ledger.charge(CORE_CP15_SWITCH, W_LOAD, load_core(vcpu.ctx, cpu))
        tr = self.tracer
        if tr.on:
            tr.emit("kvm_entry", run=vcpu.runs, pc=vcpu.ctx.regs[15])
        return switched

    def exit(self, vcpu: VCPU, cpu: Optional[CPUState] = None, hsr: Optional[int] = 0) -> None:
        """The exit half (module docstring); ``hsr``: the syndrome of the exit (for the trace), None when
        the guest stopped without an exception (a semihosting exit, the instruction budget)."""
        ledger = self.ledger
        if cpu is not None:
            ledger.charge(CORE_CP15_SWITCH, W_STORE, save_core(cpu, vcpu.ctx))
        tr = self.tracer
        if tr.on:
            tr.emit("kvm_exit", run=vcpu.runs, ec=None if hsr is None else hsr >> 26, pc=vcpu.ctx.regs[15], hsr=hsr)
        switched = vcpu.debug_switched
        cycles = 0
        if switched:
            cycles += self._save_guest_debug(vcpu)
        self._set_traps(0, False)
        host_cp15 = self.host.cp15
        guest_cp15 = vcpu.cp15
        index = vcpu.tables.cp15_index

        def save_guest(e: Enc, v: int) -> None:
            guest_cp15[index[e.name]] = v

        def load_host(e: Enc) -> int:
            return host_cp15[e.name]

        self._switch_cp15(save_guest, load_host)
        if switched:
            cycles += self._restore_host_debug()
        dirty = vcpu.debug_dirty
        self.policy.after_exit(vcpu, switched)
        vcpu.debug_switched = False
        if switched:
            self._debug_event(vcpu, "exit", dirty, cycles)
        if cpu is not None:
            ledger.charge(CORE_CP15_SWITCH, W_LOAD, load_core(self.host.core, cpu))
