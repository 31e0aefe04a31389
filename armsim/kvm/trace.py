"""Structured trace events of the modelled hypervisor (after Linux arch/arm/kvm/trace.h; reference 8).

Events and their fields:

* ``kvm_entry``: run, pc
* ``kvm_exit``: run, ec, pc, hsr
* ``kvm_cp14_32`` / ``kvm_cp15``: Op1, CRn, CRm, Op2, Rt, value, direction ("read"/"write"), name
  (the twin of v4.1's ``kvm_emulate_cp15_imp``, patch 10)
* ``kvm_cp14_64``: as above with Rt2 (CRm holds the instruction's CRm)
* ``kvm_debug_switch``: run, when ("entry"/"exit"), dirty, registers (moved), cycles

Free when off: emitting code tests ``tracer.on`` (a plain attribute) before
building any event, so a run without ``--trace`` creates nothing.  Sinks:
:class:`JsonlSink` writes one JSON object per line; :class:`RichSink` renders
one coloured line per event with rich (to stderr: stdout belongs to the guest).
"""

from __future__ import annotations

import json
from typing import IO, Any, Dict, List, Optional, Protocol

EVENTS = ("kvm_entry", "kvm_exit", "kvm_cp14_32", "kvm_cp14_64", "kvm_cp15", "kvm_debug_switch")


class Sink(Protocol):
    def event(self, event: str, fields: Dict[str, Any]) -> None: ...


class KvmTracer:
    """Dispatches events to its sinks; ``on`` is False while it has none."""

    def __init__(self) -> None:
        self.sinks: List[Sink] = []
        self.on = False

    def add(self, sink: Sink) -> None:
        self.sinks.append(sink)
        self.on = True

    def emit(self, event: str, **fields: Any) -> None:
        for s in self.sinks:
            s.event(event, fields)

    # -- the event constructors (callers test ``on`` first) ----------------------------------
    def cp_access(self, event: str, p: Any, name: str, value: int, run: int = 0) -> None:
        """``kvm_cp14_32`` / ``kvm_cp14_64`` / ``kvm_cp15`` from a :class:`CoprocParams` (``run``: the guest run)."""
        fields: Dict[str, Any] = {
            "run": run, "Op1": p.Op1, "CRn": p.CRn, "CRm": p.CRm, "Op2": p.Op2, "Rt": p.Rt1,
            "value": value, "direction": "write" if p.is_write else "read", "name": name,
        }
        if p.is_64:  # the instruction's CRm (the 64-bit rows keep it in the CRn slot)
            fields["CRn"] = 0
            fields["CRm"] = p.CRn
            fields["Rt2"] = p.Rt2
        for s in self.sinks:
            s.event(event, fields)


class MemorySink:
    """Keeps events in a list (tests, the API)."""

    def __init__(self) -> None:
        self.events: List[Dict[str, Any]] = []

    def event(self, event: str, fields: Dict[str, Any]) -> None:
        self.events.append({"event": event, **fields})


class JsonlSink:
    """One JSON object per line: ``{"event": "kvm_exit", "run": 1, "ec": 5, ...}``."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def event(self, event: str, fields: Dict[str, Any]) -> None:
        self.stream.write(json.dumps({"event": event, **fields}) + "\n")


def render_event(name: str, fields: Dict[str, Any]) -> str:
    """Rich markup for one event (a one-line summary)."""
    f = fields
    if name == "kvm_entry":
        return f"[green]kvm_entry[/]  run {f['run']} pc {f['pc']:#010x}"
    if name == "kvm_exit" and f["hsr"] is None:
        return f"[yellow]kvm_exit[/]   run {f['run']} (guest stopped) pc {f['pc']:#010x}"
    if name == "kvm_exit":
        return f"[yellow]kvm_exit[/]   run {f['run']} EC {f['ec']:#04x} pc {f['pc']:#010x} hsr {f['hsr']:#010x}"
    if name in ("kvm_cp14_32", "kvm_cp15"):
        arrow = "<-" if f["direction"] == "write" else "->"
        cp = "p14" if name == "kvm_cp14_32" else "p15"
        return (f"[cyan]{name}[/] {cp},{f['Op1']},r{f['Rt']},c{f['CRn']},c{f['CRm']},{f['Op2']} "
                f"{f['name'] or '?'} {arrow} {f['value']:#010x}")
    if name == "kvm_cp14_64":
        arrow = "<-" if f["direction"] == "write" else "->"
        return (f"[cyan]kvm_cp14_64[/] p14,{f['Op1']},r{f['Rt']},r{f.get('Rt2', 0)},c{f['CRm']} "
                f"{f['name'] or '?'} {arrow} {f['value']:#018x}")
    if name == "kvm_debug_switch":
        return (f"[magenta]kvm_debug_switch[/] run {f['run']} {f['when']} dirty={int(f['dirty'])} "
                f"registers={f['registers']} cycles={f['cycles']}")
    return f"{name} {fields}"


class RichSink:
    """Renders each event as one line on a rich Console (stderr by default)."""

    def __init__(self, console: Optional[Any] = None) -> None:
        if console is None:
            from rich.console import Console

            console = Console(stderr=True, highlight=False)
        self.console = console

    def event(self, event: str, fields: Dict[str, Any]) -> None:
        self.console.print(render_event(event, fields))
