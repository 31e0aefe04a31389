"""Instruction trace sinks for ``Machine.run(trace=...)`` and ``armsim run --trace``.

:class:`TextTrace` writes one line per instruction (address, symbol, encoding, GNU text,
and for a conditional instruction whether it executed).  :class:`JsonlTrace` writes one
JSON object per instruction: ``pc``, ``thumb``, ``word``, ``text``, ``executed`` and
``changed``, the registers the instruction changed (r0-r14 and ``nzcv``/``q``/``ge``
as numbers; the PC is the next object's ``pc``).  A record is written once the next
instruction starts (or the run ends, :meth:`finish`), when its changes are known.
"""

from __future__ import annotations

import json
from typing import IO, Dict, List, Optional

from armsim.machine import Machine, TraceRecord

_REG_NAMES = tuple(f"r{i}" for i in range(15))
_FLAG_NAMES = ("nzcv", "q", "ge")


class TextTrace:
    """``str(record)`` per line on ``out``."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def __call__(self, rec: TraceRecord) -> None:
        self.out.write(f"{rec}\n")

    def finish(self) -> None:
        self.out.flush()


class JsonlTrace:
    """One JSON object per executed instruction, with the registers it changed."""

    def __init__(self, machine: Machine, out: IO[str]) -> None:
        self.out = out
        self.cpu = machine.cpu
        self.pending: Optional[TraceRecord] = None
        self.before: List[int] = []
        self.flags: List[int] = []

    def _changes(self) -> Dict[str, int]:
        regs = self.cpu.regs
        flags = self.cpu.flags
        out: Dict[str, int] = {}
        for i in range(15):
            if regs[i] != self.before[i]:
                out[_REG_NAMES[i]] = regs[i]
        for i, name in enumerate(_FLAG_NAMES):
            if flags[i] != self.flags[i]:
                out[name] = flags[i]
        return out

    def _emit(self) -> None:
        rec = self.pending
        if rec is None:
            return
        obj = {"pc": rec.addr, "thumb": rec.thumb, "word": rec.word, "text": (rec.text or rec.row).replace("\t", " "),
               "executed": rec.executed is not False, "changed": self._changes()}
        self.out.write(json.dumps(obj, separators=(",", ":")) + "\n")
        self.pending = None

    def __call__(self, rec: TraceRecord) -> None:
        self._emit()
        self.pending = rec
        self.before = list(self.cpu.regs[:15])
        self.flags = list(self.cpu.flags)

    def finish(self) -> None:
        self._emit()
        self.out.flush()
