"""armsim and qemu-system-arm 7.2 execute the same instructions for the bundled C guests.

QEMU runs the guest with semihosting on a stdio chardev and logs every executed instruction
(``-singlestep -d exec,nochain``: one "Trace" line per instruction).  newlib asks SYS_ISTTY
whether stdout is a terminal and buffers accordingly, so the count depends on where stdout
goes; armsim must answer as QEMU does in both cases (file: 0, terminal: 1).  ``.ci/run``
installs Debian's qemu-system-arm.
"""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path
from typing import IO, Any, Tuple

import pytest

from armsim import Machine, StopReason

GUESTS = Path(__file__).resolve().parents[1] / "examples" / "guests"
QEMU = [
    "qemu-system-arm", "-M", "realview-pb-a8", "-cpu", "cortex-a15", "-display", "none", "-monitor", "none",
    "-serial", "null", "-chardev", "stdio,id=shc,signal=off",
    "-semihosting-config", "enable=on,target=native,chardev=shc", "-singlestep", "-d", "exec,nochain",
]


def qemu_count(name: str, tmp_path: Path, tty: bool) -> Tuple[int, int]:
    """(instructions, exit status) of ``name``.elf under QEMU, stdout a file or a terminal."""
    log = tmp_path / f"{name}.log"
    args = [*QEMU, "-D", str(log), "-kernel", f"{name}.elf"]  # the guest's argv[0] as armsim passes it
    if tty:
        master, slave = pty.openpty()
        try:
            r = subprocess.run(args, cwd=GUESTS, stdout=slave, stderr=subprocess.DEVNULL, timeout=300)
        finally:
            os.close(slave)
            os.close(master)
    else:
        with open(tmp_path / "out", "wb") as out:
            r = subprocess.run(args, cwd=GUESTS, stdout=out, stderr=subprocess.DEVNULL, timeout=300)
    with open(log, errors="replace") as f:
        n = sum(1 for line in f if line.startswith("Trace"))
    return n, r.returncode


def armsim_count(name: str, stdout: Any) -> Tuple[int, int]:
    m = Machine(stdout=stdout, stderr=False)
    m.load_elf(GUESTS / f"{name}.elf")
    r = m.run(max_instructions=10**8)
    assert r.stop_reason is StopReason.EXIT and r.exit_code is not None
    return r.instructions, r.exit_code


@pytest.mark.parametrize("name", ["hello", "exitcode", "printf", "exitcode-thumb", "printf-thumb", "printf-a15",
                                  "interwork"])
def test_counts_equal_qemu_with_stdout_a_file(name: str, tmp_path: Path) -> None:
    with open(tmp_path / "armsim.out", "wb") as f:
        assert armsim_count(name, f) == qemu_count(name, tmp_path, tty=False)


@pytest.mark.parametrize("name", ["exitcode", "printf"])
def test_counts_equal_qemu_with_stdout_a_terminal(name: str, tmp_path: Path) -> None:
    master, slave = pty.openpty()
    tty: IO[bytes] = os.fdopen(slave, "wb", buffering=0)
    try:
        ours = armsim_count(name, tty)
    finally:
        tty.close()
        os.close(master)
    assert ours == qemu_count(name, tmp_path, tty=True)
