"""The hypervisor and its VMs on the simulated CPU (Linux ``kvm_arch_vcpu_ioctl_run`` / ``handle_exit``).

::

    hv = Hypervisor(cpu="cortex-a15", debug_policy=DebugPolicy.LAZY)
    vm = hv.create_vm("examples/guests/kvm/phases.elf")
    result = hv.run(vm)            # VmResult: exit_code, output, report (the --json object)

The machine boots in Non-secure Hyp mode (``Machine(boot_mode="hyp")``) with
:attr:`~armsim.machine.Machine.exit_on_hyp_entry` set, so every exception
taken to Hyp mode ends the CPU's run and comes back here; the hypervisor
itself is Python.  One guest run:

1. the world switch's entry half (:class:`~armsim.kvm.world_switch.WorldSwitch`):
   host state out, the guest's CP15 set in, HDCR/HCR/HSTR traps, the debug
   registers per policy, the guest's core registers into ELR_hyp/SPSR_hyp;
2. ERET (B9.3.3: CPSR <- SPSR_hyp, PC <- ELR_hyp), charged as ``return``;
   the guest runs in Non-secure PL1 until an exception is taken to Hyp mode
   (a trapped MCR/MRC, HVC, a debug exception routed by HDCR.TDE...), the
   guest exits through semihosting, or the instruction budget ends;
3. the exit half of the switch, the isolation check (P1), then
   :func:`~armsim.kvm.exits.handle_exit` by HSR.EC (the handler skips the
   trapped instruction by HSR.IL; a condition-failed trap is skipped).

The guest starts in Non-secure SVC mode with A, I and F masked at its ELF
entry.  Semihosting works from the guest (and from the host ELF): console
output and exit.  The host context: the host's debug registers are
``--host-debug idle|armed`` (:func:`~armsim.kvm.host.host_debug_values`),
written into the physical registers before the first entry; with a host
ELF (``host=``) the host runs in Non-secure SVC mode before the first guest
run and between runs, until it asks for the guest with ``HVC #0``.  A host
``HVC #0xDB`` reports a debug exception the host took (the bundled
``host.S`` does this from its Prefetch Abort vector): an isolation breach
when the host never armed it.  Guest and host share RAM (no stage-2
translation): the guests are linked at 0, the host at 0x00800000.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

from armsim.coproc.syndrome import EC
from armsim.cpu.exception_return import ExceptionReturn, ExceptionReturnProblem
from armsim.cpu.modes import Mode
from armsim.cpu.state import CPUState
from armsim.errors import ConfigError
from armsim.host.semihosting import Sink
from armsim.kvm.costs import EXCEPTION_ENTRY, RETURN, W_ENTRY, W_ERET, CycleLedger
from armsim.kvm.exits import ExitEnv, handle_exit, hsr_ec
from armsim.kvm.host import HOST_DEBUG_MODES, Breach, IsolationMonitor, host_debug_values
from armsim.kvm.layouts import cp14, switched_debug_set
from armsim.kvm.policy import DebugPolicy, policy_named
from armsim.kvm.stats import ExitCounts, report
from armsim.kvm.tables import VcpuTables
from armsim.kvm.trace import KvmTracer
from armsim.kvm.vcpu import VCPU
from armsim.kvm.world_switch import BusPort, HypervisorError, WorldSwitch, load_core
from armsim.loader.elf import ElfImage, load_image, read_elf
from armsim.machine import Machine
from armsim.stop import Stop, StopKind
from armsim.timing.profiles import DEFAULT_CPU, CpuProfile, get_profile

MASK32 = 0xFFFFFFFF
_HYP = int(Mode.HYP)
# B1.3.3 CPSR of a guest (and of the host ELF) at its first entry: Non-secure SVC, A, I and F masked.
GUEST_ENTRY_CPSR = int(Mode.SVC) | 0x1C0
# The host's hypercalls (host.S): HVC #0 runs the guest; HVC #0xDB reports a debug exception it took.
HOST_HVC_RUN_GUEST = 0
HOST_HVC_DEBUG_EXCEPTION = 0xDB

DBGOSLAR = cp14("DBGOSLAR", 1, 0, 4)  # C11.11: MCR p14, 0, <Rt>, c1, c0, 4

PathLike = Union[str, "os.PathLike[str]"]


@dataclass
class VmResult:
    """What :meth:`Hypervisor.run` did: the guest's exit, output, the last stop and the report."""

    exit_code: Optional[int]
    stop: Stop
    message: str
    output: bytes
    error_output: bytes
    report: Dict[str, Any] = field(default_factory=dict)

    @property
    def runs(self) -> int:
        return int(self.report["runs"])

    @property
    def exits(self) -> int:
        return int(self.report["exits"]["total"])

    @property
    def debug_switches(self) -> int:
        return int(self.report["debug_switches"])

    @property
    def cycles(self) -> int:
        return int(self.report["cycles"])

    @property
    def host_debug_intact(self) -> bool:
        return bool(self.report["host_debug_intact"])

    @property
    def breaches(self) -> List[Dict[str, object]]:
        return list(self.report["isolation_breaches"])


class VM:
    """One VM: its machine (CPU, memory, bus, timing), vcpu, world switch, exit handling and monitor."""

    def __init__(self, hv: Hypervisor, guest: PathLike, argv: Optional[List[str]] = None) -> None:
        self.hv = hv
        self.machine = m = Machine(cpu=hv.cpu, boot_mode="hyp", timing=hv.timing, argv=argv,
                                   stdout=hv.stdout, stderr=hv.stderr)
        self.profile = m.profile
        self.guest: ElfImage = m.load_elf(guest)
        self.host_image: Optional[ElfImage] = None
        if hv.host is not None:
            self.host_image = read_elf(hv.host)
            load_image(self.host_image, m.mem)
        m.exit_on_hyp_entry = True
        cpu = m.cpu
        self.tracer = hv.tracer
        self.ledger = CycleLedger(m.timing)
        self.port = BusPort(m.bus, cpu)
        self.tables = VcpuTables(self.profile)
        self.vcpu = VCPU(self.profile, self.tables)
        self.ws = WorldSwitch(self.profile, hv.policy, self.port, self.ledger, self.tracer)
        self.env = ExitEnv(hv.policy, self.ledger, self.tracer)
        # The isolation monitor observes the physical registers without charging anything.
        observer = BusPort(m.bus, cpu)
        self.monitor = IsolationMonitor(self.profile, observer.read)
        self.exits = ExitCounts()
        self.instructions = 0  # guest instructions executed on the CPU
        self.host_instructions = 0
        self.host_exceptions = 0  # debug exceptions the host reported (HVC #0xDB)
        self.finished: Optional[VmResult] = None
        self._last_stop: Optional[Stop] = None
        self._host_started = False
        # The guest's first entry: Non-secure SVC at the ELF entry (as the vcpu reset of KVM's PSCI boot).
        ctx = self.vcpu.ctx
        ctx.set_cpsr(GUEST_ENTRY_CPSR)
        ctx.T = int(self.guest.thumb)
        ctx.regs[15] = self.guest.entry & ~1
        # The host kernel's debug registers in the hardware (written before any entry; not charged),
        # with the OS Lock cleared as the host kernel clears it at boot (C11.11 DBGOSLAR, any value but
        # the key; Linux hw_breakpoint's reset_ctrl_regs), so the debug events the registers program can happen.
        observer.write(DBGOSLAR, 0)
        for e in switched_debug_set(self.profile):
            observer.write(e, hv.host_values[e.name])
        # The host context the world switch saves at the first entry: Non-secure SVC at the host ELF's
        # entry (without a host ELF the host is Python only and this context never runs).
        host = CPUState()
        host.set_cpsr(GUEST_ENTRY_CPSR)
        if self.host_image is not None:
            host.T = int(self.host_image.thumb)
            host.regs[15] = self.host_image.entry & ~1
        load_core(host, cpu)

    # -- running ---------------------------------------------------------------------------
    def _eret(self) -> None:
        """ERET from Hyp mode (B9.3.3): CPSR <- SPSR_hyp, PC <- ELR_hyp."""
        cpu = self.machine.cpu
        spsr = cpu.spsr[_HYP]
        problem = ExceptionReturnProblem(cpu, spsr)
        if problem is not None:
            raise HypervisorError(f"ERET to {spsr:#010x} from Hyp mode: {problem}")
        key = ExceptionReturn(cpu, cpu.elr_hyp, spsr)
        cpu.regs[15] = key & 0xFFFFFFFE
        cpu.T = key & 1
        cpu.IT = (key >> 32) & 0xFF

    def _enter_hyp(self) -> None:
        """A guest stop that is no exception (a semihosting exit, the budget): the hypervisor takes the
        CPU back as an exit would, ELR_hyp <- PC and SPSR_hyp <- CPSR, so the exit switch can run."""
        cpu = self.machine.cpu
        if cpu.mode == _HYP:
            return
        cpsr = cpu.get_cpsr()
        pc = cpu.regs[15]
        cpu.set_mode(_HYP)
        cpu.spsr[_HYP] = cpsr
        cpu.elr_hyp = pc & MASK32

    def _run_host(self, budget: int) -> Optional[str]:
        """Run the host ELF until it asks for the guest (HVC #0); why the VM must stop, or None."""
        m = self.machine
        cpu = m.cpu
        while True:
            self._eret()
            res = m.run(max(budget - self.host_instructions, 0))
            self.host_instructions += res.instructions
            stop = res.stop
            assert stop is not None
            if stop.kind is not StopKind.HYP_ENTRY:
                self._enter_hyp()
                return f"host: {stop.render()}"
            hsr = cpu.sys.HSR
            if hsr_ec(hsr) != EC.HVC:
                return f"host: unexpected exit to Hyp mode (HSR {hsr:#010x}) at {stop.pc or 0:#010x}"
            imm = hsr & 0xFFFF
            if imm == HOST_HVC_RUN_GUEST:
                return None
            if imm == HOST_HVC_DEBUG_EXCEPTION:
                # The host's Prefetch Abort handler reports it: LR_abt = the breakpointed instruction + 4.
                self.host_exceptions += 1
                lr_abt = cpu.get_banked(int(Mode.ABT), 14)
                self.monitor.host_debug_exception(self.vcpu.runs, (lr_abt - 4) & MASK32)
                continue
            return f"host: unknown hypercall HVC #{imm:#x}"

    def run(self, max_instructions: Optional[int] = None) -> VmResult:
        """Run the guest to its exit (or ``max_instructions`` guest + host instructions); the result."""
        if self.finished is not None:
            return self.finished
        limit = (1 << 62) if max_instructions is None else int(max_instructions)
        if limit < 0:
            raise ConfigError(f"max_instructions must be >= 0, not {max_instructions}")
        m = self.machine
        cpu = m.cpu
        vcpu = self.vcpu
        ws = self.ws
        ledger = self.ledger
        monitor = self.monitor
        spent0 = self.instructions + self.host_instructions
        reason: Optional[str] = None
        if self.host_image is not None and not self._host_started:
            self._host_started = True
            reason = self._run_host(limit)
        stop: Optional[Stop] = self._last_stop
        while reason is None:
            budget = limit - (self.instructions + self.host_instructions - spent0)
            if budget <= 0 and stop is not None:
                break
            vcpu.runs += 1
            monitor.before_entry()
            ws.enter(vcpu, cpu)
            ledger.charge(RETURN, W_ERET)
            self._eret()
            res = m.run(max(budget, 0))
            self.instructions += res.instructions
            stop = res.stop
            assert stop is not None
            if stop.kind is not StopKind.HYP_ENTRY:
                # The guest exited (semihosting), erred or ran out of budget: switch back to the host.
                self._enter_hyp()
                ws.exit(vcpu, cpu, None)
                monitor.after_exit(vcpu.runs)
                if stop.final:
                    reason = stop.render()
                break
            hsr = cpu.sys.HSR
            self.exits.record(hsr)
            ledger.record(EXCEPTION_ENTRY, W_ENTRY)
            ws.exit(vcpu, cpu, hsr)
            monitor.after_exit(vcpu.runs)
            if not handle_exit(self.env, vcpu, hsr):
                reason = self.env.stop_reason or "the VM stopped"
                break
            if self.host_image is not None:
                reason = self._run_host(limit - (self.instructions + self.host_instructions - spent0))
        assert stop is not None
        self._last_stop = stop
        exit_code = stop.exit_code if stop.kind is StopKind.EXIT else None
        message = reason or stop.render()
        if stop.kind is StopKind.LIMIT and reason is None:
            spent = self.instructions + self.host_instructions - spent0
            where = stop.where()
            message = f"stopped after {spent:,} instructions (guest and host)" + (f" at {where}" if where else "")
        result = VmResult(exit_code, stop, message, m.output,
                          bytes(m.semihosting.stderr.captured) if m.semihosting is not None else b"",
                          self.report(exit_code))
        if reason is not None:
            self.finished = result
        return result

    def report(self, exit_code: Optional[int] = None) -> Dict[str, Any]:
        """The ``armsim kvm --json`` object for this VM so far."""
        return report(policy=self.hv.policy.option, cpu=self.profile.name, runs=self.vcpu.runs, exits=self.exits,
                      env=self.env, ws=self.ws, ledger=self.ledger, monitor=self.monitor, exit_code=exit_code,
                      instructions=self.instructions, guest_cycles=self.machine.timing.cycles - self.ledger.total)

    @property
    def breaches(self) -> List[Breach]:
        return self.monitor.breaches

    def close(self) -> None:
        self.machine.close()


class Hypervisor:
    """The modelled KVM/ARM: a debug policy, the host's debug state and optional host ELF; creates and runs VMs."""

    def __init__(self, cpu: Union[str, CpuProfile] = DEFAULT_CPU, debug_policy: Union[DebugPolicy, str] = "lazy",
                 host_debug: str = "idle", host: Optional[PathLike] = None, timing: str = "fast",
                 tracer: Optional[KvmTracer] = None, stdout: Sink = None, stderr: Sink = None) -> None:
        self.cpu = cpu
        self.policy = debug_policy if isinstance(debug_policy, DebugPolicy) else policy_named(debug_policy)
        if host_debug not in HOST_DEBUG_MODES:
            raise ConfigError(f"unknown host debug setting {host_debug!r} (valid: {', '.join(HOST_DEBUG_MODES)})")
        self.host_debug = host_debug
        self.host = os.fspath(host) if host is not None else None
        self.timing = timing
        self.tracer = tracer if tracer is not None else KvmTracer()
        self.stdout = stdout
        self.stderr = stderr
        self.host_values = host_debug_values(get_profile(cpu), host_debug)

    def create_vm(self, guest: PathLike, argv: Optional[List[str]] = None) -> VM:
        """A VM for the guest ELF (loaded, not yet run)."""
        return VM(self, guest, argv)

    def run(self, vm: VM, max_instructions: Optional[int] = None) -> VmResult:
        """Run ``vm`` to the guest's exit (or ``max_instructions``); the :class:`VmResult`."""
        return vm.run(max_instructions)
