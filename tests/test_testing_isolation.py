"""armsim.testing.isolation: the P1-P3 checkers (reference section 2) on hand-worked and generated runs."""

from __future__ import annotations

from typing import Dict, List, Tuple

import pytest
from hypothesis import given

from armsim.testing import Breach, DebugHit, GuestDebugView, check_p1, check_p2, check_p3, switched_registers
from armsim.testing.isolation import EXEMPT, armed, writable_masks
from armsim.testing.manual import DBGBCR, DBGDSCR, DBGWCR
from armsim.testing.strategies import DebugStep, debug_programs

MDBGEN = DBGDSCR["MDBGen"].mask


def test_switched_set_is_24_registers_on_a15() -> None:
    """Reference 2: N = 2*BRPs + 2*WRPs + CTX_CMPs + 2 = 24 (Cortex-A15/A7)."""
    names = switched_registers(6, 4, 2)
    assert len(names) == 24 == len(set(names))
    assert "DBGBXVR4" in names and "DBGBXVR3" not in names and "DBGVCR" in names
    assert not set(names) & set(EXEMPT)


def test_p1_register_and_unarmed_hit() -> None:
    host = {"DBGBVR0": 0x8000, "DBGBCR0": DBGBCR.pack(E=1, BAS=0xF), "DBGDSCRext": MDBGEN, "DBGWCR0": 0}
    assert check_p1(host, dict(host)) == []
    # An armed host breakpoint firing in the host is fine; an unarmed watchpoint is not.
    assert check_p1(host, dict(host), host_hits=[DebugHit("breakpoint", 0, 0x8000)]) == []
    got = check_p1(host, dict(host), run=2, host_hits=[DebugHit("watchpoint", 0, 0x9000)])
    assert got == [Breach("P1", 2, "unarmed watchpoint 0 in the host", 0, 0x9000)]
    # Without MDBGen nothing is armed (C3.1).
    assert check_p1({**host, "DBGDSCRext": 0}, host, host_hits=[DebugHit("breakpoint", 0)]) != []
    # Exempt registers are not compared unless named.
    assert check_p1({"DBGWFAR": 1}, {"DBGWFAR": 2}) == []
    assert check_p1({"DBGWFAR": 1}, {"DBGWFAR": 2}, registers=["DBGWFAR"]) != []


def test_p2_reads_and_hits() -> None:
    host = {"DBGBVR2": 0x1234_5670, "DBGWCR1": DBGWCR.pack(E=1, LSC=3, BAS=0xF), "DBGDSCRext": MDBGEN}
    assert check_p2(host, [("read", "DBGBVR2", 0)]) == []  # RAZ: no leak
    assert [b.what for b in check_p2(host, [("read", "DBGBVR2", 0x1234_5670)])] == ["guest read DBGBVR2"]
    # A guest that wrote the host's value itself reads its own value: no leak.
    assert check_p2(host, [("write", "DBGBVR2", 0x1234_5670), ("read", "DBGBVR2", 0x1234_5670)]) == []
    hits = [DebugHit("watchpoint", 1, 0x4000)]
    assert len(check_p2(host, [], guest_hits=hits)) == 1
    armed_by_guest = [("write", "DBGDSCRext", MDBGEN), ("write", "DBGWCR1", DBGWCR.pack(E=1))]
    assert check_p2(host, armed_by_guest, guest_hits=hits) == []
    with pytest.raises(ValueError, match="unknown access"):
        check_p2(host, [("poke", "DBGBVR2", 0)])


def test_p3_and_the_guest_view() -> None:
    """C11.11: DBGBVR bits 1:0 read 0, DBGBCR.MASK reads 0, BT[3]/BT[1] only on context BRPs."""
    v = GuestDebugView()
    v.write("DBGBCR0", 0xFFFFFFFF)
    v.write("DBGBCR5", 0xFFFFFFFF)
    assert v.read("DBGBCR0") & DBGBCR["MASK"].mask == 0 and v.read("DBGBCR0") & (1 << 23) == 0
    assert v.read("DBGBCR5") & (1 << 23)
    v.write("DBGDSCRext", 0xFFFFFFFF)
    assert v.read("DBGDSCRext") == writable_masks()["DBGDSCRext"] and DBGDSCR["MDBGen"].get(v.read("DBGDSCRext"))
    bcr0 = v.read("DBGBCR0")
    w = ("write", "DBGBCR0", 0xFFFFFFFF)
    assert check_p3([w, ("read", "DBGBCR0", bcr0)]) == []
    assert check_p3([w, ("read", "DBGBCR0", 0)]) == [Breach("P3", 0, "DBGBCR0", bcr0, 0)]
    assert check_p3([("read", "DBGBVR0", 0x1234)]) == []  # never written: not P3's business
    # Order matters: a read before the write is not judged against the later value.
    assert check_p3([("read", "DBGBVR0", 0), ("write", "DBGBVR0", 8), ("read", "DBGBVR0", 8)]) == []
    with pytest.raises(KeyError, match="not a switched"):
        v.write("DBGDIDR", 1)
    with pytest.raises(ValueError, match="unknown debug hit kind"):
        armed({}, DebugHit("vector", 0))


# -- three toy switch models over generated guest programs -----------------------------------------

HOST_IDLE: Dict[str, int] = {n: (0x1000 * (i + 1)) & writable_masks()[n] or 0x10
                             for i, n in enumerate(switched_registers())}
HOST_IDLE["DBGDSCRext"] = DBGDSCR.pack(INTdis=1)  # distinct, nothing enabled, MDBGen = 0 (--host-debug idle)

Trace = List[Tuple[str, str, int]]


def run_model(model: str, prog: Tuple[DebugStep, ...]) -> Tuple[Dict[str, int], Trace]:
    """Execute ``prog`` under a toy policy: "switch" (EAGER-like), "passthrough" or "raz-wi"."""
    physical = dict(HOST_IDLE)
    view = GuestDebugView()
    masks = writable_masks()
    trace: Trace = []
    for step in prog:
        if step.value is not None:
            trace.append(("write", step.register, step.value))
            view.write(step.register, step.value)
            if model == "passthrough":
                physical[step.register] = step.value & masks[step.register]
        elif model == "switch":
            trace.append(("read", step.register, view.read(step.register)))
        elif model == "passthrough":
            trace.append(("read", step.register, physical[step.register]))
        else:
            trace.append(("read", step.register, 0))
    return physical, trace


@given(debug_programs())
def test_a_switching_model_keeps_p1_p2_p3(prog: Tuple[DebugStep, ...]) -> None:
    host_after, trace = run_model("switch", prog)
    assert check_p1(HOST_IDLE, host_after) == []
    assert check_p2(HOST_IDLE, trace) == []
    assert check_p3(trace) == []


@given(debug_programs())
def test_passthrough_fails_p1_p2_exactly_when_it_leaks(prog: Tuple[DebugStep, ...]) -> None:
    """Reference 2: PASSTHROUGH fails P1/P2 -- the checkers report it, and only when it happens."""
    host_after, trace = run_model("passthrough", prog)
    changed = {n for n in HOST_IDLE if host_after[n] != HOST_IDLE[n]}
    p1 = check_p1(HOST_IDLE, host_after)
    assert {b.what for b in p1} == changed
    assert all(host_after[b.what] == b.found for b in p1)
    written = set()
    leaks = []
    for op, name, _ in trace:
        if op == "write":
            written.add(name)
        elif name not in written:
            leaks.append(f"guest read {name}")  # the guest reads the host's non-zero idle value
    assert [b.what for b in check_p2(HOST_IDLE, trace)] == leaks
    assert check_p3(trace) == []


@given(debug_programs())
def test_raz_wi_keeps_p1_p2_and_fails_p3_when_a_written_value_is_read(prog: Tuple[DebugStep, ...]) -> None:
    host_after, trace = run_model("raz-wi", prog)
    assert check_p1(HOST_IDLE, host_after) == []
    assert check_p2(HOST_IDLE, trace) == []
    view = GuestDebugView()
    expect = []
    for op, name, value in trace:
        if op == "write":
            view.write(name, value)
        elif name in view.written_names and view.read(name) != 0:
            expect.append(name)
    assert [b.what for b in check_p3(trace)] == expect
