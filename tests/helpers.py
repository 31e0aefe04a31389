"""Small machines for unit tests: assemble-free, words in, state out."""

from __future__ import annotations

import os
import struct
from typing import Callable, Iterable, Optional, Tuple

from armsim.coproc.bus import CoprocessorBus
from armsim.cpu.exceptions import ExceptionModel
from armsim.cpu.state import CPUState
from armsim.exec.blocks import BlockEngine
from armsim.exec.engine import Engine, StopReason
from armsim.isa.contract import ExecContext
from armsim.memory import Memory

CODE = 0x8000
RAM_SIZE = 1 << 20
# The engine the suite runs on: ARMSIM_TEST_ENGINE=block (default) or interp (see
# tests/conftest.py, .ci/run).  tests/test_engines_diff.py drives translation on first sight.
TEST_ENGINE = os.environ.get("ARMSIM_TEST_ENGINE", "block")


def make_engine(ctx: ExecContext) -> Engine:
    return BlockEngine(ctx) if TEST_ENGINE == "block" else Engine(ctx)


class TestMachine:
    """CPU + 1 MiB RAM at 0 + engine; no semihosting unless enabled."""

    __test__ = False  # not a pytest test class

    def __init__(self, ram_size: int = RAM_SIZE) -> None:
        self.cpu = CPUState()
        self.mem = Memory()
        self.mem.map_ram(0, ram_size)
        self.exc = ExceptionModel(self.cpu)
        self.bus = CoprocessorBus()
        self.ctx = ExecContext(self.cpu, self.mem, self.exc, self.bus)
        self.engine = make_engine(self.ctx)

    @property
    def regs(self):  # type: ignore[no-untyped-def]
        return self.cpu.regs

    @property
    def nzcv(self) -> int:
        return self.cpu.flags[0]

    def load_words(self, words: Iterable[int], addr: int = CODE) -> int:
        ws = list(words)
        self.mem.load(addr, struct.pack(f"<{len(ws)}I", *ws))
        return addr + 4 * len(ws)

    def run(self, max_instructions: int, pc: int = CODE, thumb: bool = False) -> Tuple[StopReason, str]:
        self.cpu.regs[15] = pc
        self.cpu.T = int(thumb)
        stop = self.engine.run(max_instructions)
        return stop.reason, stop.render()


def run_words(
    words: Iterable[int],
    setup: Optional[Callable[[TestMachine], None]] = None,
    steps: Optional[int] = None,
) -> TestMachine:
    """Load ``words`` at CODE, apply ``setup``, execute ``steps`` instructions (default: all words once)."""
    ws = list(words)
    m = TestMachine()
    m.load_words(ws)
    if setup is not None:
        setup(m)
    m.run(len(ws) if steps is None else steps, pc=m.cpu.regs[15] or CODE)
    return m


def system_machine(cpu: str = "cortex-a15") -> TestMachine:
    """A TestMachine with CP14 and CP15 (the register files of armsim.coproc.system) on its bus."""
    from armsim.coproc.system import SystemCoprocessors
    from armsim.timing.profiles import get_profile

    m = TestMachine()
    m.system = SystemCoprocessors(get_profile(cpu), m.bus, m.engine.flush)  # type: ignore[attr-defined]
    m.system.reset(m.cpu)  # type: ignore[attr-defined]
    return m
