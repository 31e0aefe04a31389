"""The debug guest (examples/guests/debug), ARM and Thumb builds, on armsim and against qemu-system-arm 7.2.

The guest reads DBGDIDR, clears the OS Lock, sets DBGDSCR.MDBGen, arms a
breakpoint on a function three times and a watchpoint on a variable for stores
and then for loads, executes a BKPT, and prints what its Prefetch and Data Abort
handlers see (IFSR/DFSR.FS = debug event, DBGDSCR.MOE, DFAR, DBGWFAR; DDI 0406C
C3.3, C3.4, C4.1, C11.11).  The virt build (linked at 0x40000000, QEMU's virt
RAM) leaves out DBGWFAR, which QEMU 7.2 does not implement; QEMU starts it in Hyp
mode, from which it drops to Non-secure SVC (no debug events in Hyp mode, C3.1),
armsim in Secure SVC.  ``.ci/run`` installs Debian's qemu-system-arm.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Tuple

import pytest

from armsim import Machine, RunResult, StopReason
from armsim.machine import DEFAULT_RAM

DEBUG = Path(__file__).resolve().parents[1] / "examples" / "guests" / "debug"
QEMU_VIRT = [
    "qemu-system-arm", "-M", "virt,virtualization=on", "-cpu", "cortex-a15", "-m", "128", "-display", "none",
    "-nodefaults", "-monitor", "none", "-serial", "none", "-chardev", "stdio,id=sh0,signal=off",
    "-semihosting-config", "enable=on,target=native,chardev=sh0",
]
VIRT_RAM = (0x40000000, 128 << 20)


def run_armsim(elf: str, cpu: str = "cortex-a15", ram: Tuple[int, int] = DEFAULT_RAM) -> RunResult:
    m = Machine(cpu=cpu, ram=ram, stdout=False, stderr=False)
    m.load_elf(DEBUG / elf)
    return m.run(max_instructions=10**6)


@pytest.mark.parametrize("cpu", ["cortex-a15", "cortex-a7"])
def test_debug_guest_expected_output_and_hits(cpu: str) -> None:
    """C3.3/C3.4/C4.1: 3 breakpoint hits, 1 BKPT, 2 watchpoint hits; DBGWFAR = the instruction + 8 (ARM)."""
    r = run_armsim("debug_guest.elf", cpu)
    assert r.stop_reason is StopReason.EXIT and r.exit_code == 0, r.message
    assert r.output == (DEBUG / "expected" / "debug_guest.out").read_bytes()
    assert r.exceptions == {"PREFETCH_ABORT": 4, "DATA_ABORT": 2}
    text = r.output.decode()
    assert text.count("IFSR.FS=0x02 MOE=0x1") == 3 and text.count("MOE=0x3") == 1
    assert text.count("DFSR.FS=0x02 MOE=0xa DFAR=watched+0") == 2 and text.count("DBGWFAR=insn+8") == 2
    assert "breakpoint hits=3 target_calls=16" in text and "watchpoint hits=2" in text


def test_virt_build_transcript_equals_recorded_qemu() -> None:
    """The virt build on armsim prints what QEMU 7.2 printed (expected/debug_guest_virt.qemu.out)."""
    r = run_armsim("debug_guest_virt.elf", ram=VIRT_RAM)
    assert r.stop_reason is StopReason.EXIT and r.exit_code == 0, r.message
    assert r.output == (DEBUG / "expected" / "debug_guest_virt.qemu.out").read_bytes()


def test_virt_build_transcript_equals_live_qemu() -> None:
    """qemu-system-arm -M virt,virtualization=on runs the same build to the same transcript and status."""
    q = subprocess.run([*QEMU_VIRT, "-kernel", str(DEBUG / "debug_guest_virt.elf")], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, timeout=120)
    r = run_armsim("debug_guest_virt.elf", ram=VIRT_RAM)
    assert q.returncode == 0 and r.exit_code == 0
    assert r.output == q.stdout


# -- the Thumb builds (C code compiled as Thumb-2), run by `armsim run` ------------------------------------
def armsim_run(*args: str) -> subprocess.CompletedProcess[bytes]:
    """`armsim run ARGS`: the guest's console on stdout, armsim's summary on stderr."""
    return subprocess.run([sys.executable, "-m", "armsim", "run", *args], stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=120)


@pytest.mark.parametrize("cpu", ["cortex-a15", "cortex-a7"])
def test_thumb_build_expected_output_via_cli(cpu: str) -> None:
    """C3.3 byte address select for a Thumb function, C11.11 DBGWFAR = the instruction + 4 in Thumb state: the
    Thumb build prints the same hits as the ARM build (3 breakpoints, 1 BKPT, 2 watchpoints, 16 calls)."""
    p = armsim_run("--cpu", cpu, str(DEBUG / "debug_guest_thumb.elf"))
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout == (DEBUG / "expected" / "debug_guest_thumb.out").read_bytes()
    text = p.stdout.decode()
    assert text.count("IFSR.FS=0x02 MOE=0x1") == 3 and text.count("MOE=0x3") == 1
    assert text.count("DBGWFAR=insn+4") == 2 and "DBGWFAR=insn+8" not in text
    assert "breakpoint hits=3 target_calls=16" in text and "watchpoint hits=2" in text


@pytest.mark.parametrize("boot", ["svc", "hyp"])
def test_thumb_virt_build_via_cli_equals_recorded_and_live_qemu(boot: str) -> None:
    """The Thumb virt build under `armsim run --ram 0x40000000:128M` (Secure SVC, or Hyp mode as QEMU's
    virtualization=on board starts it) prints what qemu-system-arm 7.2 prints for it, recorded and live."""
    p = armsim_run("--boot-mode", boot, "--ram", "0x40000000:128M", str(DEBUG / "debug_guest_thumb_virt.elf"))
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout == (DEBUG / "expected" / "debug_guest_thumb_virt.qemu.out").read_bytes()
    q = subprocess.run([*QEMU_VIRT, "-kernel", str(DEBUG / "debug_guest_thumb_virt.elf")], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, timeout=120)
    assert q.returncode == 0 and p.stdout == q.stdout


def test_arm_virt_build_from_hyp_mode_equals_qemu() -> None:
    """`armsim run --boot-mode hyp` starts the ARM virt build in Non-secure Hyp mode as QEMU does; it drops to
    Non-secure SVC itself and prints QEMU's transcript."""
    p = armsim_run("--boot-mode", "hyp", "--ram", "0x40000000:128M", str(DEBUG / "debug_guest_virt.elf"))
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout == (DEBUG / "expected" / "debug_guest_virt.qemu.out").read_bytes()
