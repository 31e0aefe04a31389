"""``KvmTarget``: armsim.kvm's real world switch, trap tables, exit handlers and a debug policy, on the simulated CPU.

A :class:`~armsim.testing.stateful.DebugTarget` built only from armsim.kvm's
public API and a :class:`~armsim.machine.Machine` booted in Non-secure Hyp
mode (the real CP14 debug registers of :mod:`armsim.debug` and CP15 on the
coprocessor bus).  The hypervisor is armsim.kvm driven from Python the way
KVM's run loop drives it (reference kvm-arm-debug.md sections 2, 3, 9):

* :meth:`KvmTarget.enter` -- :meth:`WorldSwitch.enter <armsim.kvm.WorldSwitch.enter>`
  with the CPU (host core registers, CP15, and the debug set if the policy
  switches this run; HDCR from the policy's ``entry_traps``), then the CPU
  executes an ERET at HVBAR and is in the guest's Non-secure SVC mode;
* :meth:`KvmTarget.guest_write` / :meth:`KvmTarget.guest_read` -- the CPU
  executes one ``MCR``/``MRC p14, 0, r0, ...`` in the guest.  If the policy's
  HDCR bits trap it the CPU takes the Hyp Trap (B1.14.1, B1.14.15; HSR
  B3.13.6) and the hypervisor runs one exit: ``WorldSwitch.exit``,
  :func:`~armsim.kvm.handle_exit` (the EC table of :class:`~armsim.kvm.ExitEnv`,
  which gives a CP14 access to the policy's ``cp14_access`` and the vcpu's
  trap tables), ``WorldSwitch.enter`` and the ERET; otherwise the access
  reaches the physical register;
* :meth:`KvmTarget.exit` -- the guest executes ``HVC #0`` (EC 0x12): the exit
  half of the switch and ``handle_exit`` (PSCI: NOT_SUPPORTED); the host runs;
* :meth:`KvmTarget.set_host` / :meth:`KvmTarget.host_view` -- the host's own
  Hyp-mode accesses to the physical debug registers between runs (through a
  port of their own, so the switch's access count is the switch's alone).

The switch reaches the hardware through a :class:`BoundPort`: Hyp-mode
MRC/MCR/MRRC/MCRR on the coprocessor bus exactly as :class:`~armsim.kvm.BusPort`
does them, with each register's binding resolved once instead of per access
(a property test runs thousands of switches).

The three extension points of armsim.kvm are the constructor's arguments: a
:class:`~armsim.kvm.DebugPolicy` (a built-in one, its option name, or a
user's subclass), a :class:`~armsim.kvm.VcpuTables` (with rows a user added
by ``add``/``add_shadow``), and exit ``handlers`` by HSR.EC (installed with
``ExitEnv.set_handler``)::

    target = KvmTarget(policy=MyPolicy(), tables=my_tables, handlers={EC.HVC: my_hvc})

Reads and the host view give each register's writable bits (the write view
of :func:`~armsim.testing.isolation.writable_masks`): DBGDSCR's status bits
(MOE, NS, the DCC flags, C11.11) are the CPU's, not the guest's to write.

Guest debug events stay live.  A debug exception the guest takes (a Prefetch
Abort with IFSR.FS = debug, C4.1) is recorded in :attr:`KvmTarget.guest_hits`
and stepped over: the instruction runs once more with the debug unit
detached, as a debugger steps past a breakpoint, so the access completes.
A guest access that ends in an Undefined Instruction exception (the policy
or the table refused it) raises :class:`GuestFault`.

:class:`KvmWorldSwitchMachine` is the state machine on this target: set its
``policy`` (and ``expects``, the properties the policy must keep; for the
built-in ones :data:`KEEPS`), or override ``make_target`` to pass tables and
handlers.
"""

from __future__ import annotations

import struct
from typing import ClassVar, Dict, FrozenSet, List, Mapping, Optional, Tuple, Union

from armsim.coproc.bus import Binding, CoprocAccess, CoprocessorBus, Verdict
from armsim.cpu.modes import Mode
from armsim.cpu.state import CPUState
from armsim.kvm import (
    EC,
    VCPU,
    CycleLedger,
    DebugPolicy,
    ExitEnv,
    HypervisorError,
    VcpuTables,
    WorldSwitch,
    handle_exit,
    policy_named,
)
from armsim.kvm.exits import ExitHandler
from armsim.kvm.layouts import Enc, switched_debug_set
from armsim.kvm.world_switch import enc_access
from armsim.machine import Machine
from armsim.stop import StopReason
from armsim.testing.encodings import CoprocInsn
from armsim.testing.isolation import DebugHit, writable_masks
from armsim.testing.stateful import WorldSwitchStateMachine

_SVC = int(Mode.SVC)
_ABT = int(Mode.ABT)
_HYP = int(Mode.HYP)
# A guest's CPSR in the model: SVC mode, A, I and F masked, ARM state (B1.3.3).
GUEST_CPSR = _SVC | 0x1C0
# Memory map (RAM at 0): the guest's vectors at 0 (VBAR reset), the Hyp vectors, the guest's code.
HVBAR = 0x1000
GUEST_CODE = 0x100000
SCRATCH = GUEST_CODE + 0x800  # guest_access: one word per distinct instruction
SCRATCH_END = GUEST_CODE + 0x10000
RAM = (0, 0x200000)
ERET = 0xE160006E  # ERET (B9.3), A32, AL
HVC0 = 0xE1400070  # HVC #0 (B9.3), A32, AL
B_SELF = 0xEAFFFFFE  # B . (A8.8.18), A32, AL
_EC_HVC = int(EC.HVC)
DBGOSLAR = Enc("DBGOSLAR", 14, 0, 1, 0, 4)  # C11.10: the OS Lock Access Register
_FS_DEBUG = 0b00010  # IFSR.FS of a debug event (B4.1.96, C4.1)


class GuestFault(AssertionError):
    """A guest access did not complete: an Undefined Instruction exception, a stopped VM, a lost guest."""


class BoundPort:
    """Hyp-mode access to the physical coprocessor registers (armsim.kvm's ``HwPort``), bound once per register.

    The same accesses as :class:`~armsim.kvm.BusPort` (a register the bus does
    not permit in the CPU's state raises :class:`~armsim.kvm.HypervisorError`),
    through :meth:`CoprocessorBus.bind <armsim.coproc.bus.CoprocessorBus.bind>`
    bindings kept until the bus's tables change.
    """

    def __init__(self, bus: CoprocessorBus, cpu: CPUState) -> None:
        self.bus = bus
        self.cpu = cpu
        self.accesses = 0
        self._bound: Dict[Tuple[Enc, bool], Tuple[Binding, CoprocAccess]] = {}
        bus.listeners.append(self._bound.clear)

    def _binding(self, enc: Enc, write: bool) -> Binding:
        key = (enc, write)
        got = self._bound.get(key)
        if got is None:
            acc = enc_access(enc, write)
            got = self._bound[key] = (self.bus.bind(acc), acc)
        binding, acc = got
        if binding.check(self.cpu) is not Verdict.OK:
            raise HypervisorError(f"Hyp-mode {acc.kind.value} of {enc.name} is not permitted on this machine")
        return binding

    def read(self, enc: Enc) -> int:
        self.accesses += 1
        return self._binding(enc, False).read(self.cpu)

    def write(self, enc: Enc, value: int) -> None:
        self.accesses += 1
        self._binding(enc, True).write(self.cpu, value)


class KvmTarget:
    """One vcpu of armsim.kvm under ``policy`` on a simulated CPU, as a state-machine target (module docstring)."""

    def __init__(self, policy: Union[DebugPolicy, str] = "lazy", cpu: str = "cortex-a15",
                 tables: Optional[VcpuTables] = None,
                 handlers: Optional[Mapping[int, ExitHandler]] = None) -> None:
        self.policy = policy_named(policy) if isinstance(policy, str) else policy
        if not isinstance(self.policy, DebugPolicy):
            raise TypeError(f"policy must be a DebugPolicy or a policy name, not {type(policy).__name__}")
        self.machine = m = Machine(cpu=cpu, ram=RAM, semihosting=False, boot_mode="hyp", timing="off")
        self.profile = m.profile
        self.tables = tables if tables is not None else VcpuTables(self.profile)
        self.vcpu = VCPU(self.profile, self.tables)
        self.ledger = CycleLedger()
        self.port = BoundPort(m.bus, m.cpu)
        self.ws = WorldSwitch(self.profile, self.policy, self.port, self.ledger)
        # The CP15 registers the switch moves that this machine implements (a register the CPU
        # does not have, such as CNTKCTL without the generic timer's PL1 controls, is left out).
        self.ws.cp15_set = [e for e in self.ws.cp15_set if self._implemented(e)]
        self.env = ExitEnv(self.policy, self.ledger)
        for ec, handler in (handlers or {}).items():
            self.env.set_handler(ec, handler)
        self.host_port = BoundPort(m.bus, m.cpu)
        self.debug_set: List[Enc] = switched_debug_set(self.profile)
        self.by_name: Dict[str, Enc] = {e.name: e for e in self.debug_set}
        p = self.profile
        self.masks = writable_masks(p.brps, p.wrps, p.ctx_cmps)
        self.guest_hits: List[DebugHit] = []
        self.exits: List[int] = []  # the HSR of every exit, in order
        self.in_guest = False
        self._addr: Dict[str, int] = {}
        words: List[int] = []
        for i, e in enumerate(self.debug_set):
            self._addr[e.name] = GUEST_CODE + 8 * i
            words.append(CoprocInsn("MCR", e.cp, e.opc1, e.crn, e.crm, e.opc2, rt=0).a32_word())
            words.append(CoprocInsn("MRC", e.cp, e.opc1, e.crn, e.crm, e.opc2, rt=0).a32_word())
        self._hvc = GUEST_CODE + 4 * len(words)
        self._scratch: Dict[int, int] = {}  # instruction word -> its address
        words.append(HVC0)
        m.mem.load(GUEST_CODE, struct.pack(f"<{len(words)}I", *words))
        m.mem.load(HVBAR, struct.pack("<8I", *([ERET] * 8)))
        # The guest's vectors (VBAR = 0): each a branch to itself.  The target intercepts every exception
        # the guest takes at its vector, so none runs; they exist so that the machine takes them.
        m.mem.load(0, struct.pack("<8I", *([B_SELF] * 8)))
        # The host kernel clears the OS Lock at boot (it resets set, C11.11 DBGOSLSR), as Linux's
        # hw_breakpoint does; until then no debug event can happen (C3.1).
        self.host_port.write(DBGOSLAR, 0)
        cpu_state = m.cpu
        cpu_state.sys.HVBAR = HVBAR
        # The host called into Hyp mode from its Non-secure SVC (the state an ERET would return to).
        cpu_state.spsr[_HYP] = GUEST_CPSR
        ctx = self.vcpu.ctx
        ctx.set_cpsr(GUEST_CPSR)
        ctx.regs[15] = GUEST_CODE

    def _implemented(self, e: Enc) -> bool:
        try:
            self.port.read(e)
        except HypervisorError:
            return False
        return True

    # -- the host side ---------------------------------------------------------------------------
    def _host_only(self, what: str) -> None:
        if self.in_guest:
            raise RuntimeError(f"{what}: the host accesses its debug registers only between guest runs")

    def set_host(self, values: Mapping[str, int]) -> None:
        """The host writes its own debug registers (Hyp-mode MCR, between runs)."""
        self._host_only("set_host")
        for name, v in values.items():
            self.host_port.write(self.by_name[name], v & self.masks[name])

    def host_view(self) -> Dict[str, int]:
        """The physical switched debug registers as the host reads them (their write views)."""
        self._host_only("host_view")
        return {e.name: self.host_port.read(e) & self.masks[e.name] for e in self.debug_set}

    # -- the world switch --------------------------------------------------------------------------
    def enter(self) -> None:
        """Guest entry: the switch's entry half, then ERET into the guest."""
        self._host_only("enter")
        self.vcpu.runs += 1
        self.ws.enter(self.vcpu, self.machine.cpu)
        self._eret()
        self.in_guest = True

    def exit(self) -> None:
        """The guest executes HVC #0: the exit half of the switch and the HVC handler; the host runs."""
        self._guest_only("exit")
        cpu = self.machine.cpu
        cpu.regs[0] = 0  # not a PSCI function: handle_hvc answers NOT_SUPPORTED
        hsr = self._step(self._hvc)
        if hsr >> 26 != _EC_HVC:
            raise GuestFault(f"HVC #0 in the guest did not reach Hyp mode as EC 0x12 (HSR {hsr:#010x})")
        self._exit(hsr)
        self.in_guest = False

    # -- the guest side ----------------------------------------------------------------------------
    def guest_write(self, name: str, value: int) -> None:
        """``MCR p14, 0, r0, <name>`` in the guest, r0 = ``value``."""
        self._guest_only("guest_write")
        self.machine.cpu.regs[0] = value & 0xFFFFFFFF
        self._access(name, self._addr[name])

    def guest_read(self, name: str) -> int:
        """``MRC p14, 0, r0, <name>`` in the guest: r0's writable bits."""
        self._guest_only("guest_read")
        self._access(name, self._addr[name] + 4)
        return self.machine.cpu.regs[0] & self.masks[name]

    def guest_access(self, insn: CoprocInsn, value: int = 0) -> int:
        """Any A32 MCR/MRC/MCRR/MRRC in the guest (``value`` into Rt, and Rt2 for MCRR, first).

        Returns Rt after it (with Rt2 in bits 63:32 for MRRC).  Each distinct
        instruction word gets its own address, written once, so no decoded op
        is ever stale.
        """
        self._guest_only("guest_access")
        if insn.kind not in ("MCR", "MRC", "MCRR", "MRRC") or insn.isa != "A32":
            raise ValueError(f"guest_access runs A32 MCR/MRC/MCRR/MRRC, not {insn.isa} {insn.kind}")
        word = insn.a32_word()
        addr = self._scratch.get(word)
        if addr is None:
            addr = SCRATCH + 4 * len(self._scratch)
            if addr >= SCRATCH_END:
                raise ValueError("guest_access: too many distinct instructions for one target")
            self.machine.mem.load(addr, struct.pack("<I", word))
            self._scratch[word] = addr
        regs = self.machine.cpu.regs
        if insn.is_write:
            regs[insn.rt] = value & 0xFFFFFFFF
            if insn.is_64:
                regs[insn.rt2] = (value >> 32) & 0xFFFFFFFF
        self._access(insn.text(), addr)
        out = regs[insn.rt]
        if insn.kind == "MRRC":
            out |= regs[insn.rt2] << 32
        return out

    def _guest_only(self, what: str) -> None:
        if not self.in_guest:
            raise RuntimeError(f"{what}: the guest is not running (call enter() first)")

    def _access(self, name: str, addr: int) -> None:
        hsr = self._step(addr)
        if hsr:
            self._exit(hsr)
            self.vcpu.runs += 1
            self.ws.enter(self.vcpu, self.machine.cpu)
            self._eret()
        cpu = self.machine.cpu
        if cpu.mode != _SVC or cpu.regs[15] != addr + 4:
            what = {self._addr.get(name): "MCR", self._addr.get(name, -8) + 4: "MRC"}.get(addr, "access")
            raise GuestFault(f"the guest's {what} {name} did not complete: the CPU is in mode {cpu.mode:#x} "
                             f"at {cpu.regs[15]:#010x} (an Undefined Instruction exception at VBAR + 4 means the "
                             f"policy or the trap table refused it)")

    # -- the CPU ----------------------------------------------------------------------------------
    def _step(self, addr: int) -> int:
        """Execute the guest instruction at ``addr``; the HSR of the Hyp trap it took, or 0."""
        m = self.machine
        cpu = m.cpu
        cpu.regs[15] = addr
        before = sum(m.debug.events.values())
        self._run1()
        if cpu.mode == _ABT and sum(m.debug.events.values()) != before and cpu.sys.IFSR & 0x40F == _FS_DEBUG:
            self.guest_hits.append(DebugHit("breakpoint", -1, addr))
            cpu.set_cpsr(cpu.spsr[_ABT])
            cpu.regs[15] = addr
            m.ctx.debug = None  # step over: the instruction once with no debug events
            m.engine.flush()
            try:
                self._run1()
            finally:
                m.ctx.debug = m.debug
                m.engine.flush()
        if cpu.mode == _HYP:
            return int(cpu.sys.HSR)
        return 0

    def _exit(self, hsr: int) -> None:
        """One exit: the switch's exit half, then the handler of HSR.EC (it must resume the guest)."""
        self.exits.append(hsr)
        self.ws.exit(self.vcpu, self.machine.cpu, hsr)
        if not handle_exit(self.env, self.vcpu, hsr):
            raise GuestFault(f"the VM stopped at the exit with HSR {hsr:#010x}: {self.env.stop_reason}")

    def _run1(self) -> None:
        r = self.machine.run(1)
        if r.stop_reason is StopReason.ERROR:
            raise GuestFault(f"the machine stopped: {r.message}")

    def _eret(self) -> None:
        m = self.machine
        m.cpu.regs[15] = HVBAR
        self._run1()
        if m.cpu.mode == _HYP:
            raise GuestFault(f"ERET did not leave Hyp mode (SPSR_hyp {m.cpu.spsr[_HYP]:#x})")


# Which isolation properties armsim's four policies keep (reference section 2 table): PASSTHROUGH
# keeps P3 only while the host leaves its debug registers alone; RAZ_WI loses P3 (reads are 0).
KEEPS: Dict[str, FrozenSet[str]] = {
    "passthrough": frozenset({"P3"}),
    "raz-wi": frozenset({"P1", "P2"}),
    "eager": frozenset({"P1", "P2", "P3"}),
    "lazy": frozenset({"P1", "P2", "P3"}),
}


class KvmWorldSwitchMachine(WorldSwitchStateMachine):
    """:class:`~armsim.testing.stateful.WorldSwitchStateMachine` driving a :class:`KvmTarget`.

    ::

        class TestMine(KvmWorldSwitchMachine):
            policy = MyPolicy()

        TestMineCase = TestMine.TestCase
    """

    policy: ClassVar[Union[DebugPolicy, str]] = "lazy"
    cpu: ClassVar[str] = "cortex-a15"

    def make_target(self) -> KvmTarget:
        return KvmTarget(self.policy, self.cpu)
