"""armsim.testing on armsim.kvm: KvmTarget (the real world switch, tables, exit handlers and policies on the
simulated CPU) under WorldSwitchStateMachine, and armsim.kvm's extension points driven by the testing API.

Reference kvm-arm-debug.md section 2 (the policies and P1-P3), DDI 0406C B1.14.15 (HDCR traps of CP14),
B3.13.6 (HSR), C3.1 (debug events in monitor debug-mode).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple, Type

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test

from armsim.kvm import EC, CoprocReg, DebugPolicy, ExitEnv, TableOrderError, TrapTable, VcpuTables
from armsim.kvm.coproc_table import CoprocParams
from armsim.kvm.policy import CP14Outcome, Lazy
from armsim.kvm.vcpu import VCPU
from armsim.kvm.world_switch import BusPort
from armsim.testing import CoprocInsn
from armsim.testing.isolation import DebugHit, check_p3, writable_masks
from armsim.testing.kvm_target import KEEPS, GuestFault, KvmTarget, KvmWorldSwitchMachine
from armsim.testing.manual import DBGBCR, DBGDSCR
from armsim.testing.profiles import examples
from armsim.testing.stateful import idle_host
from armsim.testing.strategies import debug_programs, trap_tables

POLICIES = ("passthrough", "raz-wi", "eager", "lazy")
NO_EXPLAIN = [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]  # the explain phase re-runs each step


def machine(policy: Any, expects: frozenset, host_changes: bool = True) -> Type[KvmWorldSwitchMachine]:
    name = policy if isinstance(policy, str) else type(policy).__name__
    return type(f"Kvm_{name}", (KvmWorldSwitchMachine,),
                {"policy": policy, "expects": expects, "host_changes": host_changes})


@pytest.mark.parametrize("policy", POLICIES)
def test_armsim_kvm_policies_keep_what_the_reference_says(policy: str) -> None:
    """Reference 2 on armsim.kvm itself: EAGER and LAZY keep P1-P3, RAZ_WI P1 and P2, PASSTHROUGH P3 (while the
    host leaves its registers alone: they are the guest's too).  ci profile: 400 sequences of 30 steps each."""
    run_state_machine_as_test(machine(policy, KEEPS[policy], host_changes=policy != "passthrough"),
                              settings=settings(max_examples=examples(25, 400), stateful_step_count=30))


@pytest.mark.parametrize(("policy", "prop"), [("passthrough", "P1"), ("passthrough", "P2"), ("raz-wi", "P3")])
def test_the_machine_finds_what_an_armsim_kvm_policy_breaks(policy: str, prop: str) -> None:
    """PASSTHROUGH fails P1 (a guest write lands in the host's register) and P2 (the guest reads the host's
    values), as the reference says it must; RAZ_WI fails P3 (every read is 0)."""
    m = machine(policy, frozenset({prop}))
    with pytest.raises(AssertionError, match=f"isolation breach {prop} "):
        run_state_machine_as_test(m, settings=settings(database=None, stateful_step_count=20,
                                                       phases=[Phase.generate]))


class DirtyWithoutSwitch(Lazy):
    """A broken LAZY: a dirty run drops TDA (direct guest access) but the registers are switched only while the
    guest's MDBGen is set -- the two conditions of the series confused."""

    def switch_on_entry(self, vcpu: VCPU, host_armed: Callable[[], bool]) -> bool:
        return vcpu.mdbgen

    def entry_traps(self, vcpu: VCPU, switched: bool) -> int:
        return super().entry_traps(vcpu, switched or vcpu.debug_dirty)

    def after_exit(self, vcpu: VCPU, switched: bool) -> None:
        vcpu.debug_dirty = False


def test_a_broken_kvm_policy_is_found_and_shrunk_to_two_steps() -> None:
    """Default profile, no saved examples: hypothesis finds the breach and shrinks it to two steps -- a guest
    write (trapped: the shadow, dirty) and a guest read in the dirty run, which reaches the host's physical
    register (P3, or P2 when it reads another register).  One step never breaks anything (a clean run traps
    every access), so two is the minimum."""
    broken = machine(DirtyWithoutSwitch(), frozenset({"P1", "P2", "P3"}))
    with pytest.raises(AssertionError, match=r"isolation breach P[23] run 0") as err:
        run_state_machine_as_test(broken, settings=settings(database=None, stateful_step_count=20,
                                                            phases=NO_EXPLAIN))
    steps = str(err.value).split("steps: ", 1)[1].split("; ")
    assert len(steps) == 2, steps
    assert steps[0].startswith("guest_write(") and steps[1].startswith("guest_read(")
    assert broken.failed_steps == steps


# -- KvmTarget itself -----------------------------------------------------------------------------
def test_each_policy_on_the_cpu() -> None:
    """A write and a read in one run, a read in the next: what the guest and the host see per policy
    (reference 2 table), and the traps taken on the CPU (EC 0x05, B1.14.15) and the HVC exits (EC 0x12)."""
    host = idle_host()
    seen: Dict[str, List[Any]] = {}
    for policy in POLICIES:
        t = KvmTarget(policy)
        t.set_host(host)
        t.enter()
        t.guest_write("DBGBVR0", 0x1234)
        first = t.guest_read("DBGBVR0")
        t.exit()
        after = t.host_view()["DBGBVR0"]
        t.enter()
        second = t.guest_read("DBGBVR0")
        t.exit()
        seen[policy] = [first, second, after, [h >> 26 for h in t.exits]]
    assert seen["passthrough"] == [0x1234, 0x1234, 0x1234, [0x12, 0x12]]  # the host's register is the guest's
    assert seen["raz-wi"] == [0, 0, host["DBGBVR0"], [0x05, 0x05, 0x12, 0x05, 0x12]]
    assert seen["eager"] == [0x1234, 0x1234, host["DBGBVR0"], [0x12, 0x12]]
    # LAZY: the write traps (clean run), the read is direct (dirty run), the next run is clean again.
    assert seen["lazy"] == [0x1234, 0x1234, host["DBGBVR0"], [0x05, 0x12, 0x05, 0x12]]


def test_debug_switch_size() -> None:
    """Reference 9: a switched run moves the N = 24 debug registers four times (save host, load guest, save
    guest, restore host): 96 CP14 accesses under EAGER every run, none in LAZY's clean runs."""
    for policy, moved in (("eager", 96), ("lazy", 0), ("raz-wi", 0), ("passthrough", 0)):
        t = KvmTarget(policy)
        t.enter()
        t.exit()
        assert t.ws.moved_debug == moved, policy


def test_bound_port_reads_what_bus_port_reads() -> None:
    """The target's port and armsim.kvm's BusPort see the same physical registers (debug set and CP15 set)."""
    t = KvmTarget("eager")
    t.set_host(idle_host())
    bus_port = BusPort(t.machine.bus, t.machine.cpu)
    for e in t.debug_set + t.ws.cp15_set:
        assert t.port.read(e) == bus_port.read(e), e.name


def test_a_host_breakpoint_fires_in_the_guest_unless_the_registers_are_switched() -> None:
    """C3.1: the host arms BRP0 (MDBGen, E, PL0/PL1) on the guest's HVC.  RAZ_WI and PASSTHROUGH leave the
    host's registers live during the guest run, so the breakpoint fires in the guest (a P2 breach the
    register-level model cannot show); EAGER and LAZY (its host check) run the guest with its own set."""
    hits: Dict[str, List[DebugHit]] = {}
    for policy in POLICIES:
        t = KvmTarget(policy)
        t.set_host({**idle_host(), "DBGBVR0": t._hvc, "DBGBCR0": DBGBCR.pack(E=1, BAS=0xF, PMC=3),
                    "DBGDSCRext": DBGDSCR.pack(MDBGen=1)})
        t.enter()
        t.exit()
        hits[policy] = t.guest_hits
    assert hits["raz-wi"] == hits["passthrough"] == [DebugHit("breakpoint", -1, KvmTarget("lazy")._hvc)]
    assert hits["eager"] == hits["lazy"] == []


def test_the_machine_reports_a_hit_the_guest_did_not_arm() -> None:
    """A debug exception in the guest while its own registers arm nothing is P2 (stateful module docstring)."""
    m = machine("eager", frozenset({"P2"}))()
    m.start(None)
    assert not m.guest_arms_something()
    m.target.guest_hits.append(DebugHit("breakpoint", -1, 0x100000))
    with pytest.raises(AssertionError, match="P2 run 0: breakpoint in the guest that its registers do not arm"):
        m._check_hits()


def test_a_guest_breakpoint_is_stepped_over() -> None:
    """The guest's own breakpoint on its MCR fires (a Prefetch Abort, C4.1), is recorded, and the access still
    completes."""
    t = KvmTarget("eager")
    t.enter()
    t.guest_write("DBGBCR1", DBGBCR.pack(E=1, BAS=0xF, PMC=3))
    t.guest_write("DBGBVR1", t._addr["DBGWVR2"])
    t.guest_write("DBGDSCRext", DBGDSCR.pack(MDBGen=1))
    t.guest_write("DBGWVR2", 0x4000)
    assert t.guest_hits == [DebugHit("breakpoint", -1, t._addr["DBGWVR2"])]
    assert t.guest_read("DBGWVR2") == 0x4000


# -- armsim.kvm's extension points through the target -----------------------------------------------
def test_user_exit_handler_and_table() -> None:
    """ExitEnv handlers by EC and a user TrapTable in front of the CP14 table (armsim.kvm extension points):
    the guest's HVCs reach the user's handler; the user's row answers a trapped MRC of DBGDEVID."""
    calls: List[int] = []

    def my_hvc(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
        calls.append(hsr)
        return True

    def devid(vcpu: VCPU, p: CoprocParams, row: CoprocReg) -> bool:
        if not p.is_write:
            vcpu.emulate_read(p, 0xABCD)
        return True

    tables = VcpuTables(KvmTarget("lazy").profile)
    tables.add("cp14", TrapTable("mine", [CoprocReg(0, 7, 2, 7, False, devid, name="DBGDEVID")]))
    t = KvmTarget("lazy", tables=tables, handlers={EC.HVC: my_hvc})
    t.enter()
    assert t.guest_access(CoprocInsn("MRC", 14, 0, 7, 2, 7, rt=3)) == 0xABCD  # TDA traps it (clean run)
    t.exit()
    assert calls == [0x4A000000]  # HVC #0 (reference 3.3 worked value)


def test_a_refused_access_is_a_clear_guest_fault() -> None:
    """A policy that refuses a trapped access injects UNDEF (B1.9.7); the target says so."""

    class Refuses(Lazy):
        def cp14_access(self, vcpu: VCPU, p: CoprocParams, tables: Any) -> CP14Outcome:
            return CP14Outcome(False, "")

    t = KvmTarget(Refuses())
    t.enter()
    with pytest.raises(GuestFault, match=r"MCR DBGBVR0 did not complete.*Undefined Instruction"):
        t.guest_write("DBGBVR0", 4)


def test_target_errors_are_clear() -> None:
    with pytest.raises(TypeError, match="DebugPolicy"):
        KvmTarget(policy=3)  # type: ignore[arg-type]
    t = KvmTarget("eager")
    with pytest.raises(RuntimeError, match="not running"):
        t.guest_read("DBGBVR0")
    t.enter()
    with pytest.raises(RuntimeError, match="between guest runs"):
        t.host_view()
    with pytest.raises(ValueError, match="A32 MCR/MRC/MCRR/MRRC"):
        t.guest_access(CoprocInsn("LDC", 14, crd=5))


def kvm_row(r: Any) -> CoprocReg:
    return CoprocReg(r.Op1, r.CRn, r.CRm, r.Op2, r.is_64, None, name=r.name)


@settings(max_examples=examples(100, 2000))
@given(trap_tables(make_row=kvm_row))
def test_kvm_trap_tables_refuse_exactly_what_the_oracle_refuses(case: Any) -> None:
    """armsim.kvm's TrapTable check (KVM ``check_reg_table``, reference 8) refuses a generated table exactly
    when :func:`table_order_problem` finds a pair, and names that pair's rows."""
    if case.bad_pair is None:
        assert len(TrapTable("user", case.rows)) == len(case.rows)
        return
    with pytest.raises(TableOrderError) as err:
        TrapTable("user", case.rows)
    i, j = case.bad_pair
    assert f"row {j} {case.rows[j].where()}" in str(err.value)
    assert f"row {i} {case.rows[i].where()}" in str(err.value)


def test_builtin_policies_are_debug_policies() -> None:
    """The built-in policies use the same hook interface a user's subclass does (issue item 1)."""
    for p in (DebugPolicy.PASSTHROUGH, DebugPolicy.RAZ_WI, DebugPolicy.EAGER, DebugPolicy.LAZY):
        assert isinstance(p, DebugPolicy) and KvmTarget(p).policy is p


@pytest.mark.parametrize("policy", ["eager", "lazy"])
@settings(max_examples=examples(25, 300))
@given(program=debug_programs("cortex-a15"), exit_every=st.integers(1, 6))
def test_guest_debug_programs_read_back_on_armsim_kvm(policy: str, program: Any, exit_every: int) -> None:
    """Generated guest debug programs (accesses, breakpoint and watchpoint setups, MDBGen on and off) run on
    the CPU under armsim.kvm's EAGER and LAZY with world switches between steps: every read-back is P3-clean
    (the registers' writable bits, C11.11), whatever traps, switches or guest debug events happened."""
    t = KvmTarget(policy)
    t.set_host(idle_host())
    t.enter()
    masks = writable_masks()
    trace: List[Tuple[str, str, int]] = []
    for i, step in enumerate(program):
        got = t.guest_access(step.insn, step.value or 0)
        if step.value is None:
            trace.append(("read", step.register, got & masks[step.register]))
        else:
            trace.append(("write", step.register, step.value))
        if i % exit_every == exit_every - 1:
            t.exit()
            t.enter()
    for name in sorted({n for op, n, _ in trace if op == "write"}):  # then read back everything written
        e = t.by_name[name]
        got = t.guest_access(CoprocInsn("MRC", 14, e.opc1, e.crn, e.crm, e.opc2, rt=4))
        trace.append(("read", name, got & masks[name]))
    t.exit()
    assert check_p3(trace) == []
