"""Trace events of the modelled hypervisor: fields, JSON lines, rich rendering, free when off."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from armsim.kvm.layouts import DBGDSCRext, dbgbvr
from armsim.kvm.policy import DebugPolicy
from armsim.kvm.trace import EVENTS, JsonlSink, KvmTracer, MemorySink, RichSink, render_event
from tests.kvm_model import Rig


def traced_rig(*sinks: object) -> Rig:
    tr = KvmTracer()
    for s in sinks:
        tr.add(s)  # type: ignore[arg-type]
    return Rig(DebugPolicy.LAZY, tracer=tr)


def exercise(rig: Rig) -> None:
    rig.enter()
    rig.mcr(dbgbvr(0), 0x8000, rt=1)  # trapped write: kvm_exit, kvm_cp14_32, switch (entry)
    rig.mrc(DBGDSCRext)  # dirty run: direct
    rig.exit()
    rig.enter()
    rig.mrc(dbgbvr(0), rt=4)  # clean: trapped read from the shadow
    rig.mrrc(1)
    rig.exit()


def test_events_and_fields() -> None:
    sink = MemorySink()
    exercise(traced_rig(sink))
    names = [e["event"] for e in sink.events]
    assert set(names) <= set(EVENTS)
    cp14 = [e for e in sink.events if e["event"] == "kvm_cp14_32"]
    assert cp14[0] == {"event": "kvm_cp14_32", "run": 1, "Op1": 0, "CRn": 0, "CRm": 0, "Op2": 4, "Rt": 1,
                       "value": 0x8000, "direction": "write", "name": "DBGBVR0"}
    assert cp14[1]["direction"] == "read" and cp14[1]["value"] == 0x8000 and cp14[1]["Rt"] == 4
    c64 = [e for e in sink.events if e["event"] == "kvm_cp14_64"]
    assert c64 and c64[0]["name"] == "DBGDRAR" and c64[0]["Rt2"] == 3 and c64[0]["value"] == 0
    sw = [e for e in sink.events if e["event"] == "kvm_debug_switch"]
    assert [e["when"] for e in sw] == ["entry", "exit"]
    assert all(e["registers"] == 48 and e["dirty"] and e["cycles"] > 0 for e in sw)
    exits = [e for e in sink.events if e["event"] == "kvm_exit"]
    assert exits[0]["ec"] == 0x05 and exits[0]["hsr"] >> 26 == 0x05
    assert names.count("kvm_entry") == 5 and names.index("kvm_entry") == 0


def test_jsonl_sink_writes_one_object_per_line() -> None:
    buf = io.StringIO()
    mem = MemorySink()
    exercise(traced_rig(JsonlSink(buf), mem))
    lines = buf.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == mem.events


def test_rich_rendering() -> None:
    out = io.StringIO()
    exercise(traced_rig(RichSink(Console(file=out, width=200, color_system=None))))
    text = out.getvalue()
    assert "kvm_cp14_32 p14,0,r1,c0,c0,4 DBGBVR0 <- 0x00008000" in text
    assert "kvm_debug_switch run 2 entry dirty=1 registers=48" in text
    assert "kvm_cp14_64 p14,0,r2,r3,c1 DBGDRAR -> 0x0000000000000000" in text
    assert render_event("other", {"x": 1}) == "other {'x': 1}"


def test_free_when_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a sink no event is built: neither emit nor the constructors are called."""

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("tracing code ran while tracing was off")

    monkeypatch.setattr(KvmTracer, "emit", boom)
    monkeypatch.setattr(KvmTracer, "cp_access", boom)
    rig = Rig(DebugPolicy.LAZY)
    assert not rig.tracer.on
    exercise(rig)
    assert rig.ws.debug_switches == 1
