"""The modelled hypervisor on the simulated CPU: guests in Non-secure SVC, exits by Hyp entry (DDI 0406C B1.14).

Guests and host: examples/guests/kvm (phases.c, exploit.c, host.S).  The k-phase and exploit rules are the
issue's Done-when items; the reference is kvm-arm-debug.md sections 1, 2 and 9.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional

import pytest

from armsim import Machine
from armsim.coproc.syndrome import EC
from armsim.cpu.modes import Mode
from armsim.kvm import DebugPolicy, Hypervisor, KvmTracer, MemorySink, VmResult
from armsim.stop import StopKind

ROOT = Path(__file__).resolve().parents[1]
KVM = ROOT / "examples" / "guests" / "kvm"
HYP = ROOT / "examples" / "guests" / "hyp"
POLICIES = ("passthrough", "raz-wi", "eager", "lazy")


def run_vm(guest: str, policy: str, host: Optional[str] = None, host_debug: str = "idle",
           cpu: str = "cortex-a15", limit: int = 5_000_000) -> VmResult:
    hv = Hypervisor(cpu=cpu, debug_policy=policy, host_debug=host_debug,
                    host=(KVM / host) if host else None, stdout=False, stderr=False)
    vm = hv.create_vm(KVM / guest)
    return hv.run(vm, limit)


# -- the machine-level hook ---------------------------------------------------------------------
def test_hyp_entry_ends_the_run_with_the_entry_complete() -> None:
    """B1.14.x EnterHypMode: with exit_on_hyp_entry the run stops after the entry (HSR, ELR_hyp, SPSR_hyp,
    Hyp mode at HVBAR + 0x14); the hyp guest's first HVC #0x42 from NS-SVC gives HSR 0x4A000042."""
    m = Machine(stdout=False, stderr=False, boot_mode="hyp")
    m.load_elf(HYP / "hyp_guest.elf")
    m.exit_on_hyp_entry = True
    r = m.run(10**6)
    assert r.stop is not None and r.stop.kind is StopKind.HYP_ENTRY and not r.stop.final
    cpu = m.cpu
    assert cpu.sys.HSR == 0x4A000042
    assert cpu.mode == int(Mode.HYP)
    assert cpu.regs[15] == (cpu.sys.HVBAR & ~0x1F) + 0x14
    assert cpu.spsr[int(Mode.HYP)] & 0x1F == int(Mode.SVC)
    assert cpu.elr_hyp == r.stop.pc + 4  # HVC: the preferred return is the next instruction
    m.exit_on_hyp_entry = False
    assert not m.exit_on_hyp_entry
    r2 = m.run(10**6)  # without the hook the guest's own Hyp handler runs to the end
    assert r2.stop is not None and r2.stop.kind is StopKind.EXIT and r2.exit_code == 0


# -- the k-phase rule (Done when, item 4) -------------------------------------------------------------
PHASES = 4  # examples/guests/kvm/phases.c: PHASES phases ended by HVC #0, never MDBGen


@pytest.fixture(scope="module")
def phases() -> Dict[str, VmResult]:
    return {p: run_vm("phases.elf", p) for p in POLICIES}


def test_k_phase_debug_switches(phases: Dict[str, VmResult]) -> None:
    """Reference 2: lazy switches once per phase (k), eager on every run, raz-wi and passthrough never."""
    for r in phases.values():
        assert r.exit_code == 0, r.message
    assert phases["lazy"].debug_switches == PHASES
    assert phases["eager"].debug_switches == phases["eager"].runs == PHASES + 1
    assert phases["raz-wi"].debug_switches == 0
    assert phases["passthrough"].debug_switches == 0


def test_k_phase_output_same_under_eager_and_lazy(phases: Dict[str, VmResult]) -> None:
    """P3: the guest reads back what it wrote under eager and lazy (the printed values), zeros under raz-wi."""
    out = phases["lazy"].output
    assert out == phases["eager"].output
    assert out.count(b"\n") == PHASES + 1 and out.endswith(b"done\n")
    assert b"phase 2: 0x00002000 0x000201e6 0x00004000 0x000001fe" in out
    assert b"phase 1: 0x00000000 0x00000000 0x00000000 0x00000000" in phases["raz-wi"].output


def test_k_phase_exits_by_ec(phases: Dict[str, VmResult]) -> None:
    """Lazy: one CP14 trap per phase (the first write; then the run is dirty) and one HVC per phase; raz-wi traps
    all 8 accesses of every phase; eager and passthrough never trap CP14 (TDA clear)."""
    by_ec = {p: r.report["exits"]["by_ec"] for p, r in phases.items()}
    assert by_ec["lazy"] == {"0x05": PHASES, "0x12": PHASES}
    assert by_ec["raz-wi"] == {"0x05": 8 * PHASES, "0x12": PHASES}
    assert by_ec["eager"] == by_ec["passthrough"] == {"0x12": PHASES}
    assert phases["lazy"].report["cp14_traps"] == {"DBGBVR0": {"read": 0, "write": PHASES}}
    assert phases["lazy"].report["dirty_runs"] == PHASES


def test_k_phase_isolation(phases: Dict[str, VmResult]) -> None:
    """P1 after every exit under raz-wi, eager, lazy; under passthrough the guest's writes stay in the hardware."""
    for p in ("raz-wi", "eager", "lazy"):
        assert phases[p].host_debug_intact and phases[p].breaches == []
    leak = phases["passthrough"]
    assert not leak.host_debug_intact
    assert {"run": 1, "register": "DBGBVR0", "expected": "0xc0001000", "found": "0x00001000"} in leak.breaches


# -- the exploit (item 7) ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def exploit() -> Dict[str, VmResult]:
    return {p: run_vm("exploit.elf", p, host="host.elf") for p in POLICIES}


def test_exploit_host_takes_the_guests_breakpoint_under_passthrough(exploit: Dict[str, VmResult]) -> None:
    """Reference 1: under passthrough the guest's BRP0 on host_target (0x00800100) with MDBGen is the host's
    physical breakpoint: the host ELF takes a debug exception it never armed."""
    r = exploit["passthrough"]
    assert r.exit_code == 0
    events = [b for b in r.breaches if b["register"] == "host debug exception"]
    assert events and all(b["found"] == "at 0x00800100" for b in events)
    assert not r.host_debug_intact


@pytest.mark.parametrize("policy", ["raz-wi", "eager", "lazy"])
def test_exploit_contained(exploit: Dict[str, VmResult], policy: str) -> None:
    """The fix and the series: the host never takes the guest's breakpoint; under eager and lazy the guest's own
    breakpoint (BRP1 on guest_target) fires three times inside the guest, under raz-wi never."""
    r = exploit[policy]
    assert r.exit_code == 0, r.message
    assert r.host_debug_intact and r.breaches == []
    hits = 0 if policy == "raz-wi" else 3
    assert r.output == f"guest breakpoint hits: {hits}\n".encode()


def test_exploit_lazy_switch_runs_traced() -> None:
    """Lazy on the CPU, from the trace: run 1 traps the DBGBVR0 write (dirty), so run 2 is switched; runs 3-4
    trap the DBGOSLAR write and the DBGDSCRext read and write (TDOSA/TDA: clean again after run 2); from run 5
    on the guest's DBGDSCR.MDBGen keeps every run dirty and switched (reference 2)."""
    sink = MemorySink()
    tracer = KvmTracer()
    tracer.add(sink)
    hv = Hypervisor(debug_policy="lazy", host=KVM / "host.elf", tracer=tracer, stdout=False, stderr=False)
    r = hv.run(hv.create_vm(KVM / "exploit.elf"))
    assert r.exit_code == 0
    switched = sorted({e["run"] for e in sink.events if e["event"] == "kvm_debug_switch"})
    assert switched == [2, 5, 6, 7] and r.debug_switches == 4 and r.runs == 7
    cp14 = [(e["run"], e["name"], e["direction"]) for e in sink.events if e["event"] == "kvm_cp14_32"]
    assert cp14 == [(1, "DBGBVR0", "write"), (2, "DBGOSLAR", "write"), (3, "DBGDSCRext", "read"),
                    (4, "DBGDSCRext", "write")]
    exits = [(e["run"], e["ec"]) for e in sink.events if e["event"] == "kvm_exit"]
    assert exits[:4] == [(1, 0x05), (2, 0x05), (3, 0x05), (4, 0x05)] and exits[4] == (5, 0x12)


# -- the report and charging ---------------------------------------------------------------------------
def test_report_cycles_derive_from_work(phases: Dict[str, VmResult]) -> None:
    """Every part is charged from the timing profile's prices: eager moves 4N = 96 debug registers per run,
    each a Hyp-mode MRC (save) or MCR (restore) on the bus."""
    from armsim.timing.model import Timing
    from armsim.timing.profiles import get_profile

    t = Timing(get_profile("cortex-a15"))
    eager = phases["eager"].report
    runs = phases["eager"].runs
    assert eager["cycles_by_part"]["debug_save"] == runs * 48 * t.price("coproc_read")
    assert eager["cycles_by_part"]["debug_restore"] == runs * 48 * t.price("coproc_write")
    assert eager["cycles_by_part"]["exception_entry"] == eager["exits"]["total"] * t.price("exception_entry")
    assert phases["raz-wi"].report["cycles_by_part"]["debug_save"] == 0
    assert sum(eager["cycles_by_part"].values()) < eager["cycles"]


def test_semihosting_exit_code_and_policy_object() -> None:
    """The guest's semihosting exit status is the VM's; a DebugPolicy object works as well as its name."""
    hv = Hypervisor(debug_policy=DebugPolicy.EAGER, stdout=False, stderr=False)
    vm = hv.create_vm(KVM / "phases.elf")
    r = vm.run()
    assert r.stop.kind is StopKind.EXIT and r.exit_code == 0
    assert r.report["policy"] == "eager"
    assert vm.run() is r  # a finished VM does not run again


def test_budget_resumes() -> None:
    """max_instructions stops a run part-way; the next call continues to the same output."""
    hv = Hypervisor(debug_policy="lazy", stdout=False, stderr=False)
    vm = hv.create_vm(KVM / "phases.elf")
    first = vm.run(300)
    assert first.stop.kind is StopKind.LIMIT and first.exit_code is None
    while True:
        r = vm.run(300)
        if r.stop.kind is StopKind.EXIT:
            break
    assert r.exit_code == 0 and r.output == run_vm("phases.elf", "lazy").output
    assert r.debug_switches == PHASES


def test_hvc_reaches_its_handler() -> None:
    """EC 0x12 from the real CPU: the HVC #0 phase markers reach handle_hvc (r0 <- PSCI NOT_SUPPORTED)."""
    seen = []
    hv = Hypervisor(debug_policy="eager", stdout=False, stderr=False)
    vm = hv.create_vm(KVM / "phases.elf")
    default = vm.env.handlers[EC.HVC]

    def spy(env, vcpu, hsr):  # type: ignore[no-untyped-def]
        seen.append(hsr)
        return default(env, vcpu, hsr)

    vm.env.set_handler(EC.HVC, spy)
    assert vm.run().exit_code == 0
    assert seen == [0x4A000000] * PHASES
