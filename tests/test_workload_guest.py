"""The long C workload (examples/guests/workload): its output and instruction counts, against QEMU 7.2.

``workload.elf [ROUNDS]`` runs ROUNDS rounds (default 16, ~28 M instructions) of CRC,
sorts, a matrix product, string code and call-heavy code, printing one line per round and
a checksum.  Each round reseeds its generator from the round number, so the output of N
rounds is the first N round lines of expected/workload.out and a summary line.  The
default run checks one round of each build on the interpreter, and QEMU's output of the
whole run; the ``ci`` profile (``HYPOTHESIS_PROFILE=ci``, as ``.ci/run`` runs it) runs
the whole workload on both engines and counts QEMU's instructions too.
``qemu-system-arm`` is installed by ``.ci/run``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import List, Tuple

import pytest

from armsim import Machine, StopReason

WORKLOAD = Path(__file__).resolve().parents[1] / "examples" / "guests" / "workload"
BUILDS = ("workload", "workload-thumb", "workload-a15")
EXPECTED = (WORKLOAD / "expected" / "workload.out").read_text()
ROUNDS = 16
# Instructions executed (QEMU counts the same: tests below), with stdout not a terminal.
COUNTS = {
    ("workload", 1): 1_748_578,
    ("workload-thumb", 1): 1_697_045,
    ("workload-a15", 1): 1_628_504,
    ("workload", ROUNDS): 27_722_788,
    ("workload-thumb", ROUNDS): 26_860_588,
    ("workload-a15", ROUNDS): 25_821_275,
}
CI = os.environ.get("HYPOTHESIS_PROFILE", "dev") == "ci"
QEMU = [
    "qemu-system-arm", "-M", "realview-pb-a8", "-cpu", "cortex-a15", "-display", "none", "-monitor", "none",
    "-serial", "null", "-chardev", "stdio,id=shc,signal=off",
    "-semihosting-config", "enable=on,target=native,chardev=shc",
]


def expected_output(rounds: int) -> str:
    """The first ``rounds`` round lines of the full transcript and the summary line of that run."""
    lines = EXPECTED.splitlines(keepends=True)
    assert len(lines) == ROUNDS + 1 and lines[-1].startswith(f"workload: {ROUNDS} rounds, checksum ")
    return "".join(lines[:rounds])


def run_armsim(build: str, rounds: int, engine: str) -> Tuple[str, int]:
    """(output, instructions) of ``build`` running ``rounds`` rounds (the argument as QEMU passes it)."""
    m = Machine(stdout=False, stderr=False, engine=engine, timing="off", argv=[f"{build}.elf", str(rounds)])
    m.load_elf(WORKLOAD / f"{build}.elf")
    r = m.run(max_instructions=10**9)
    assert r.stop_reason is StopReason.EXIT and r.exit_code == 0, (r.stop_reason, r.message)
    return r.output.decode(), r.instructions


def run_qemu(build: str, rounds: int, count: bool) -> Tuple[str, int]:
    """(output, instructions or 0) of ``build`` under QEMU; ``count``: one exec-log line per instruction."""
    args = [*QEMU, "-kernel", f"{build}.elf", "-append", str(rounds)]
    if count:
        args += ["-singlestep", "-d", "exec,nochain"]  # the log goes to stderr, counted as it streams
    env = dict(os.environ, QEMU_AUDIO_DRV="none")
    with subprocess.Popen(args, cwd=WORKLOAD, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as p:
        assert p.stderr is not None and p.stdout is not None
        n = sum(1 for line in p.stderr if line.startswith(b"Trace"))
        out = p.stdout.read().decode()
        assert p.wait(timeout=600) == 0
    return out, n


def _summary(out: str) -> List[str]:
    return out.splitlines()[-1:]


@pytest.mark.parametrize("build", BUILDS)
def test_one_round_on_the_interpreter(build: str) -> None:
    """One round: the transcript's first line, the summary, and the recorded count."""
    out, n = run_armsim(build, 1, "interp")
    assert out.startswith(expected_output(1)) and out.count("\n") == 2
    assert _summary(out) == ["workload: 1 rounds, checksum f241a4eb"]
    assert n == COUNTS[(build, 1)]


@pytest.mark.parametrize("build", BUILDS)
def test_qemu_prints_the_transcript(build: str) -> None:
    """QEMU 7.2 runs the whole workload to the same output as the host's gcc (expected/workload.out)."""
    out, _ = run_qemu(build, ROUNDS, count=False)
    assert out == EXPECTED


@pytest.mark.parametrize("build", BUILDS if CI else BUILDS[:1])
def test_qemu_counts(build: str) -> None:
    """QEMU executes the recorded number of instructions (one round by default, all under ci)."""
    rounds = ROUNDS if CI else 1
    out, n = run_qemu(build, rounds, count=True)
    assert out.startswith(expected_output(rounds)) and n == COUNTS[(build, rounds)]


@pytest.mark.parametrize("engine", ["interp", "block"] if CI else ["block"])
@pytest.mark.parametrize("build", BUILDS)
def test_workload_counts(build: str, engine: str) -> None:
    """The whole workload under the ci profile (>= 25 M instructions), one round by default."""
    rounds = ROUNDS if CI else 1
    out, n = run_armsim(build, rounds, engine)
    assert out.startswith(expected_output(rounds)) and n == COUNTS[(build, rounds)]
    if rounds == ROUNDS:
        assert out == EXPECTED and n >= 25_000_000


