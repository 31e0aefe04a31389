"""The Hyp guest (examples/guests/hyp): a bare-metal hypervisor on armsim and on qemu-system-arm 7.2.

The guest starts in Hyp mode, sets HVBAR, HDCR.TDA and HSTR.T13, drops to Non-secure SVC with ERET and
executes HVC #0x42, a CP15 read trapped by HSTR.T13 (MRC TPIDRPRW), a CP14 write trapped by HDCR.TDA
(MCR DBGBVR0) and HVC #0xff; the Hyp Trap handler (HVBAR + 0x14) prints each HSR and its decoded fields
(DDI 0406C B1.14, B3.13.6).  ``.ci/run`` installs Debian's qemu-system-arm.

Where QEMU 7.2 departs from DDI 0406C on ARMv7 CPUs it is not the authority, and this guest avoids those
controls so that the transcripts can be compared: QEMU does not trap HCR.TID3/TIDCP/TSW/TPC/TPU, traps only
AIDR for HCR.TID1, does not trap the 64-bit MRRC DBGDRAR/DBGDSAR under HDCR.TDRA, never traps WFE under
HCR.TWE, and has no LDC/STC p14 or DBGPRCR.  armsim follows the manual there; tests/test_coproc_traps.py
(test_each_trap_bit, the reference property) and tests/test_exceptions.py (test_wfx_traps) check it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Tuple

from armsim import Machine, RunResult, StopReason
from armsim.machine import DEFAULT_RAM

HYP = Path(__file__).resolve().parents[1] / "examples" / "guests" / "hyp"
# Exactly the command line (plus -kernel).
QEMU = ["qemu-system-arm", "-M", "virt,virtualization=on", "-cpu", "cortex-a15", "-m", "128", "-nographic",
        "-nodefaults", "-monitor", "none", "-serial", "none", "-chardev", "stdio,id=sh0",
        "-semihosting-config", "enable=on,target=native,chardev=sh0"]
VIRT_RAM = (0x40000000, 128 << 20)


def run_armsim(elf: str, ram: Tuple[int, int] = DEFAULT_RAM, cpu: str = "cortex-a15") -> RunResult:
    m = Machine(cpu=cpu, ram=ram, stdout=False, stderr=False, boot_mode="hyp")
    m.load_elf(HYP / elf)
    return m.run(max_instructions=10**6)


def test_hyp_guest_prints_expected_hsr_values() -> None:
    """B3.13.6: HVC #0x42 -> 0x4A000042 (EC 0x12, IL 1, imm16); MRC p15,0,r2,c13,c0,4 -> 0x0FE83441 (EC 0x03,
    CV 1, COND 0xE, Opc2 4, CRn 13, Rt 2, Dir 1); MCR p14,0,r1,c0,c0,4 -> 0x17E80020 (EC 0x05, Opc2 4, Rt 1,
    Dir 0); HVC #0xff -> 0x4A0000FF.  Two HVCs and two Hyp Traps were taken."""
    r = run_armsim("hyp_guest.elf")
    assert r.stop_reason is StopReason.EXIT and r.exit_code == 0, r.message
    text = r.output.decode()
    for hsr in ("0x4a000042 EC=18 IL=1", "0x0fe83441 EC=3 IL=1 CV=1 COND=14", "0x17e80020 EC=5 IL=1 CV=1 COND=14",
                "0x4a0000ff EC=18 IL=1"):
        assert f"hyp: Hyp Trap HSR={hsr}" in text
    assert "MRC p15, 0, r2, c13, c0, 4 -> emulated 0x1234abcd" in text
    assert "guest: HVC returned r0=0x00001042" in text and "guest: MRC TPIDRPRW read 0x1234abcd" in text
    assert r.exceptions == {"HVC": 2, "HYP_TRAP": 2}
    assert r.output == (HYP / "expected" / "hyp_guest.out").read_bytes()


def test_hyp_guest_on_cortex_a7() -> None:
    r = run_armsim("hyp_guest.elf", cpu="cortex-a7")
    assert r.exit_code == 0 and r.output == (HYP / "expected" / "hyp_guest.out").read_bytes()


def test_hyp_guest_needs_hyp_boot() -> None:
    """Started in Secure SVC (the default boot mode) the guest says so and exits with status 1."""
    m = Machine(stdout=False, stderr=False)
    m.load_elf(HYP / "hyp_guest.elf")
    r = m.run(max_instructions=10**5)
    assert r.exit_code == 1 and b"--boot-mode hyp" in r.output


def test_virt_build_matches_recorded_qemu() -> None:
    r = run_armsim("hyp_guest_virt.elf", ram=VIRT_RAM)
    assert r.exit_code == 0, r.message
    assert r.output == (HYP / "expected" / "hyp_guest_virt.qemu.out").read_bytes()


def test_virt_build_matches_live_qemu() -> None:
    """qemu-system-arm 7.2 with the issue's command line prints the same transcript and exits 0."""
    q = subprocess.run([*QEMU, "-kernel", str(HYP / "hyp_guest_virt.elf")], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)
    r = run_armsim("hyp_guest_virt.elf", ram=VIRT_RAM)
    assert q.returncode == 0 and r.exit_code == 0
    assert r.output == q.stdout


def test_cli_boot_mode_hyp() -> None:
    """armsim run --boot-mode hyp: the guest's output on stdout, its status as the exit status."""
    p = subprocess.run([sys.executable, "-m", "armsim", "run", str(HYP / "hyp_guest.elf"), "--boot-mode", "hyp"],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    assert p.returncode == 0 and p.stdout == (HYP / "expected" / "hyp_guest.out").read_bytes()
    assert b"Traceback" not in p.stderr
    bad = subprocess.run([sys.executable, "-m", "armsim", "run", str(HYP / "hyp_guest.elf"), "--boot-mode", "el2"],
                         stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    assert bad.returncode == 2 and b"invalid choice" in bad.stderr
