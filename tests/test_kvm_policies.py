"""The four debug policies and the world switch on a modelled bus (reference 2, 9).

The guest's CP14 accesses are routed as DDI 0406C B1.14.15 says (tests/kvm_model.py): a trap to Hyp
when HDCR's class bit is set, the physical register otherwise.
"""

from __future__ import annotations

from typing import List, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim.errors import ConfigError
from armsim.kvm.costs import DEBUG_RESTORE, DEBUG_SAVE, W_CP_READ, W_CP_WRITE
from armsim.kvm.host import host_debug_values
from armsim.kvm.layouts import (
    HDCR_TRAP_BITS,
    TDA,
    TDOSA,
    TDRA,
    TPM,
    TPMCR,
    DBGDSCRext,
    dbgbvr,
    dbgwvr,
    switched_debug_set,
    write_mask,
)
from armsim.kvm.policy import DebugPolicy, Lazy, policy_named
from armsim.timing.profiles import get_profile
from tests.conftest import profile_examples
from tests.kvm_model import Rig

POLICIES = [DebugPolicy.PASSTHROUGH, DebugPolicy.RAZ_WI, DebugPolicy.EAGER, DebugPolicy.LAZY]
A15 = get_profile("cortex-a15")
DEBUG_SET = switched_debug_set(A15)
N = len(DEBUG_SET)
MDBGEN = 1 << 15


def set_host(rig: Rig, mode: str) -> None:
    for name, value in host_debug_values(A15, mode).items():
        rig.hw.set_debug(name, value)


def host_idle(rig: Rig) -> None:
    set_host(rig, "idle")


def host_armed(rig: Rig) -> None:
    set_host(rig, "armed")


@pytest.mark.parametrize("cpu", ["cortex-a15", "cortex-a7"])
def test_host_debug_presets(cpu: str) -> None:
    """--host-debug idle: distinct non-zero values, nothing enabled, MDBGen 0; armed: BRP0, WRP0, MDBGen."""
    prof = get_profile(cpu)
    idle = host_debug_values(prof, "idle")
    assert set(idle) == {e.name for e in switched_debug_set(prof)}
    assert all(v != 0 for v in idle.values()) and len(set(idle.values())) == len(idle)
    assert not any(v & 1 for n, v in idle.items() if n.startswith(("DBGBCR", "DBGWCR")))
    assert not idle["DBGDSCRext"] & MDBGEN
    assert all(v & write_mask(prof, n) == v for n, v in idle.items())
    armed = host_debug_values(prof, "armed")
    assert armed["DBGBCR0"] & 1 and armed["DBGWCR0"] & 1 and armed["DBGDSCRext"] & MDBGEN
    with pytest.raises(ConfigError, match="valid: idle, armed"):
        host_debug_values(prof, "busy")


# -- HDCR per policy ----------------------------------------------------------------------------
@pytest.mark.parametrize(("policy", "traps"), [
    (DebugPolicy.PASSTHROUGH, TPM | TPMCR),
    (DebugPolicy.RAZ_WI, TPM | TPMCR | TDRA | TDOSA | TDA),
    (DebugPolicy.EAGER, TPM | TPMCR | TDRA | TDOSA),
    (DebugPolicy.LAZY, TPM | TPMCR | TDRA | TDOSA | TDA),
])
def test_hdcr_on_entry_and_exit(policy: DebugPolicy, traps: int) -> None:
    """Reference 2 table: the trap bits on entry (HPMN kept), all cleared on exit."""
    rig = Rig(policy)
    rig.hw.cp15.values[(4, 1, 1, 1, False)] = 0x6  # HPMN = 6 left by the host
    rig.enter()
    assert rig.hw.hdcr == traps | 0x6
    rig.exit()
    assert rig.hw.hdcr == 0x6 and rig.hw.hdcr & HDCR_TRAP_BITS == 0


def test_lazy_clears_tda_for_the_dirty_run_only() -> None:
    """Series patch 9: a trapped write marks dirty; the next entry runs with TDA clear, for one run."""
    rig = Rig(DebugPolicy.LAZY)
    rig.enter()
    assert rig.hw.hdcr & TDA
    rig.mcr(dbgbvr(0), 0x8000)  # traps (TDA set), the shadow takes it, dirty; re-entered dirty
    assert not rig.hw.hdcr & TDA and rig.hw.hdcr & TDRA and rig.hw.hdcr & TDOSA
    assert rig.hw.debug("DBGBVR0") == 0x8000  # the guest's set is in hardware
    rig.exit()
    assert not rig.vcpu.debug_dirty
    rig.enter()
    assert rig.hw.hdcr & TDA  # clean again


# -- dirty rules ----------------------------------------------------------------------------------
def test_dirty_only_by_writes_of_shadow_backed_registers() -> None:
    """Patch 8: reads never set dirty; writes of RAZ/WI registers never; shadow-backed writes do."""
    rig = Rig(DebugPolicy.LAZY)
    rig.enter()
    for r in rig.tables.cp14.rows():
        if r.name in ("DBGOSLAR",):
            continue
        rig.mrc((r.CRn, r.CRm, r.Op2))
        assert not rig.vcpu.debug_dirty, r.name
    for name in ("DBGDTRRXext", "DBGWFAR", "DBGCLAIMSET", "DBGOSDLR", "DBGPRCR"):
        r = rig.tables.cp14.tables[0].by_name(name)
        assert r is not None
        rig.mcr((r.CRn, r.CRm, r.Op2), 0xFFFFFFFF)
        assert not rig.vcpu.debug_dirty and rig.ws.debug_switches == 0, name
    for e in DEBUG_SET:
        rig2 = Rig(DebugPolicy.LAZY)
        rig2.enter()
        rig2.mcr(e, 0)
        assert rig2.ws.debug_switches == 1, e.name


def test_mdbgen_keeps_dirty_every_run() -> None:
    """Reference 2 step 1: while the guest's DBGDSCR.MDBGen is set every run is switched."""
    rig = Rig(DebugPolicy.LAZY)
    rig.enter()
    rig.mcr(DBGDSCRext, MDBGEN)
    for _ in range(5):
        rig.exit()
        rig.enter()
        assert not rig.hw.hdcr & TDA
    runs_switched = rig.ws.debug_switches
    rig.exit()
    assert runs_switched == 6  # the run after the trap + 5 more
    rig.enter()
    rig.mcr(DBGDSCRext, 0)  # direct: the run is dirty
    rig.exit()
    rig.enter()
    assert rig.hw.hdcr & TDA  # MDBGen now clear in the shadow: clean


def test_dirty_lasts_exactly_one_run() -> None:
    rig = Rig(DebugPolicy.LAZY)
    rig.enter()
    rig.mcr(dbgwvr(1), 0x1000)
    assert rig.vcpu.debug_switched
    rig.exit()
    for _ in range(3):
        rig.enter()
        assert not rig.vcpu.debug_switched
        rig.exit()
    assert rig.ws.debug_switches == 1 and rig.ws.dirty_runs == 1


@pytest.mark.parametrize(("host_check", "switches"), [(True, 4), (False, 0)])
def test_lazy_host_check(host_check: bool, switches: int) -> None:
    """Reference 2 step 2: a host with debug armed makes every run dirty (unless the check is off)."""
    rig = Rig(Lazy(host_check=host_check))
    host_armed(rig)
    for _ in range(4):
        rig.enter()
        rig.exit()
    assert rig.ws.debug_switches == switches


def test_cp14_accesses_per_run() -> None:
    """Reference 9: EAGER 4N = 96 CP14 accesses per run; LAZY clean 11 (host check); RAZ_WI 0."""
    counts = {}
    for policy in POLICIES:
        rig = Rig(policy)
        host_idle(rig)
        rig.enter()
        rig.exit()
        counts[policy.name] = (rig.ledger.count(DEBUG_SAVE, W_CP_READ, W_CP_WRITE)
                               + rig.ledger.count(DEBUG_RESTORE, W_CP_READ, W_CP_WRITE))
    assert counts == {"PASSTHROUGH": 0, "RAZ_WI": 0, "EAGER": 4 * N, "LAZY": 1 + A15.brps + A15.wrps}
    assert N == 24


def test_eager_switches_every_run() -> None:
    rig = Rig(DebugPolicy.EAGER)
    host_idle(rig)
    for _ in range(3):
        rig.enter()
        assert rig.hw.debug("DBGBVR0") == 0  # the guest's (reset) value
        rig.exit()
        assert rig.hw.debug("DBGBVR0") == host_debug_values(A15, "idle")["DBGBVR0"]
    assert rig.ws.debug_switches == 3


def test_policy_names() -> None:
    assert policy_named("raz-wi") is DebugPolicy.RAZ_WI and policy_named("LAZY") is DebugPolicy.LAZY
    with pytest.raises(ConfigError, match="valid: passthrough, raz-wi, eager, lazy"):
        policy_named("sloppy")


# -- isolation (P1-P3) ------------------------------------------------------------------------------
NAMES = [e.name for e in DEBUG_SET]
Op = Tuple[str, int, int]  # ("w"/"r"/"run"/"host", register index, value)
ops = st.lists(st.one_of(
    st.tuples(st.just("w"), st.integers(0, N - 1), st.integers(0, 0xFFFFFFFF)),
    st.tuples(st.just("r"), st.integers(0, N - 1), st.just(0)),
    st.tuples(st.just("run"), st.just(0), st.just(0)),
), max_size=40)


def run_program(policy: DebugPolicy, armed: bool, program: List[Op]) -> Tuple[List[str], List[str]]:
    """Run ``program``; return (P1 breaches, P3 breaches) found."""
    rig = Rig(policy)
    (host_armed if armed else host_idle)(rig)
    host = rig.hw.debug_values()
    wrote = dict.fromkeys(NAMES, 0)  # the guest's registers reset to 0
    p1: List[str] = []
    p3: List[str] = []
    exits = [0]

    def check_p1() -> None:
        exits[0] += 1
        found = rig.hw.debug_values()
        p1.extend(f"exit {exits[0]} {n}: expected {host[n]:#x} found {found[n]:#x}"
                  for n in NAMES if found[n] != host[n])

    rig.after_exit = check_p1
    rig.enter()
    for kind, i, value in program:
        e = DEBUG_SET[i]
        if kind == "w":
            rig.mcr(e, value)
            wrote[e.name] = value & write_mask(A15, e.name)
        elif kind == "r":
            got = rig.mrc(e)
            expect = 0 if policy is DebugPolicy.RAZ_WI else wrote[e.name]
            if got != expect:
                p3.append(f"{e.name}: wrote {wrote[e.name]:#x} read {got:#x}")
        else:
            rig.exit()
            rig.enter()
    rig.exit()
    assert exits[0] == len(rig.traps) + 1 + sum(1 for k, _, _ in program if k == "run")
    return p1, p3


@settings(max_examples=profile_examples(150, 1500))
@given(st.sampled_from([DebugPolicy.RAZ_WI, DebugPolicy.EAGER, DebugPolicy.LAZY]), st.booleans(), ops)
def test_isolation_holds(policy: DebugPolicy, armed: bool, program: List[Op]) -> None:
    """P1: after every exit the host's debug registers are what it left; P3: the guest reads back
    what it wrote (EAGER, LAZY) or zero (RAZ_WI)."""
    p1, p3 = run_program(policy, armed, program)
    assert p1 == [] and p3 == []


def test_passthrough_leaks() -> None:
    """Before the fix the guest writes the host's physical registers (P1 fails) and reads them (P2)."""
    p1, _p3 = run_program(DebugPolicy.PASSTHROUGH, False, [("w", NAMES.index("DBGBCR0"), 0x1E7), ("run", 0, 0)])
    assert any(" DBGBCR0: expected 0x" in b for b in p1)
    rig = Rig(DebugPolicy.PASSTHROUGH)
    host_idle(rig)
    rig.enter()
    assert rig.mrc(dbgbvr(0)) == rig.hw.debug("DBGBVR0") != 0  # the guest reads the host's value


@given(ops)
def test_passthrough_leak_found_by_any_write_that_changes_a_register(program: List[Op]) -> None:
    """Under PASSTHROUGH every guest write that leaves a host register changed is reported."""
    p1, _ = run_program(DebugPolicy.PASSTHROUGH, False, program)
    rig = Rig(DebugPolicy.PASSTHROUGH)
    host_idle(rig)
    host = rig.hw.debug_values()
    final = dict(host)
    for kind, i, value in program:
        if kind == "w":
            final[NAMES[i]] = value & write_mask(A15, NAMES[i])
    if final != host:
        assert p1, "a changed host register went unreported"
