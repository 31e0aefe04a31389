"""The modelled hypervisor: KVM/ARM's trap tables, vcpu debug state, debug policies and world switch.

The series "KVM: arm: debug infrastructure support" (v3, 2015) as plain Python
classes (see the reference kvm-arm-debug.md beside the repository, sections 1,
2, 8, 9)::

    from armsim.kvm import Hypervisor, DebugPolicy
    hv = Hypervisor(cpu="cortex-a15", debug_policy=DebugPolicy.LAZY, host_debug="idle")
    vm = hv.create_vm("examples/guests/kvm/phases.elf")   # the guest runs in NS-SVC
    result = hv.run(vm)          # VmResult: exit_code, output, report (the armsim kvm --json keys)

Extension points: :class:`TrapTable` / :class:`CoprocReg` rows
(:meth:`VcpuTables.add`, :meth:`VcpuTables.add_shadow`), exit handlers per
HSR.EC (:meth:`ExitEnv.set_handler`), and :class:`DebugPolicy` subclasses.
"""

from __future__ import annotations

from armsim.coproc.syndrome import EC
from armsim.kvm.coproc_table import CoprocParams, CoprocReg, TableOrderError, TableSet, TrapTable, reg_key
from armsim.kvm.costs import PARTS, CycleLedger
from armsim.kvm.exits import ExitEnv, handle_exit
from armsim.kvm.hypervisor import VM, Hypervisor, VmResult
from armsim.kvm.policy import DebugPolicy, policy_named
from armsim.kvm.tables import VcpuTables
from armsim.kvm.trace import JsonlSink, KvmTracer, MemorySink, RichSink
from armsim.kvm.vcpu import VCPU
from armsim.kvm.world_switch import BusPort, HypervisorError, WorldSwitch

__all__ = [
    "EC",
    "PARTS",
    "VCPU",
    "VM",
    "BusPort",
    "CoprocParams",
    "CoprocReg",
    "CycleLedger",
    "DebugPolicy",
    "ExitEnv",
    "Hypervisor",
    "HypervisorError",
    "JsonlSink",
    "KvmTracer",
    "MemorySink",
    "RichSink",
    "TableOrderError",
    "TableSet",
    "TrapTable",
    "VcpuTables",
    "VmResult",
    "WorldSwitch",
    "handle_exit",
    "policy_named",
    "reg_key",
]
