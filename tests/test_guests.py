"""The bundled guest programs (examples/guests) run to their expected output and exit status.

examples/guests/expected/exit_codes.txt lists "<name> <status>" per guest, and
expected/<name>.out holds its exact standard output.  Every guest named there
or present as <name>.elf is tested; a listed guest whose ELF is missing, or an
ELF without expectations, is a failure, not a skip.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List

import pytest

from armsim import Machine, StopReason

GUESTS = Path(__file__).resolve().parents[1] / "examples" / "guests"
EXPECTED = GUESTS / "expected"
EXIT_CODES = EXPECTED / "exit_codes.txt"
MAX_INSTRUCTIONS = 50_000_000


def expected_exit_codes() -> Dict[str, int]:
    codes: Dict[str, int] = {}
    if not EXIT_CODES.is_file():
        return codes
    for line in EXIT_CODES.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, code = line.split()
            codes[name] = int(code, 0)
    return codes


# The Cortex-A builds of a guest (NAME-thumb: Thumb-2 throughout; NAME-a15: ARM code
# with newlib's Thumb-2 library) must print what NAME prints, with the same status.
VARIANTS = ("-thumb", "-a15")


def expectation_of(name: str) -> str:
    """The guest whose expected output and status ``name`` shares."""
    for suffix in VARIANTS:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def guest_names() -> List[str]:
    names = set(expected_exit_codes())
    names.update(p.stem for p in EXPECTED.glob("*.out"))
    names.update(p.stem for p in GUESTS.glob("*.elf"))
    return sorted(names)


def test_cortex_a_builds_exist() -> None:
    """Every C guest has its Thumb-2 and ARM + Thumb-2 newlib builds (issue: natural Cortex-A builds)."""
    for src in GUESTS.glob("*.c"):
        if src.stem == "interwork":
            continue
        for suffix in VARIANTS:
            assert (GUESTS / f"{src.stem}{suffix}.elf").is_file(), f"missing {src.stem}{suffix}.elf"


def readme_instruction_counts() -> Dict[str, int]:
    """The README's table of instruction counts (measured under QEMU with stdout not a terminal)."""
    text = (GUESTS / "README.md").read_text()
    table = text.split("Instruction counts executed under QEMU", 1)[1]
    counts = {}
    for m in re.finditer(r"^\| ([\w-]+) \| ([\d,]+) \|$", table, re.M):
        counts[m.group(1)] = int(m.group(2).replace(",", ""))
    return counts


def test_expectations_exist() -> None:
    assert EXIT_CODES.is_file(), f"missing {EXIT_CODES}"
    assert expected_exit_codes(), f"{EXIT_CODES} lists no guests"
    assert "hello" in guest_names()


def run_guest(name: str) -> Machine:
    m = Machine(stdout=False, stderr=False)
    m.load_elf(GUESTS / f"{name}.elf")
    return m


@pytest.mark.parametrize("name", guest_names())
def test_guest(name: str) -> None:
    elf = GUESTS / f"{name}.elf"
    base = expectation_of(name)
    out = EXPECTED / f"{base}.out"
    codes = expected_exit_codes()
    assert elf.is_file(), f"guest {name!r} is listed in the expectations but {elf} is missing"
    assert out.is_file(), f"guest {name!r}: no expected output {out}"
    assert base in codes, f"guest {name!r}: no exit status in {EXIT_CODES}"
    m = run_guest(name)
    r = m.run(max_instructions=MAX_INSTRUCTIONS)
    assert r.stop_reason is StopReason.EXIT, f"{name}: {r.stop_reason.value}: {r.message}"
    assert r.output.decode("utf-8", "replace") == out.read_text()
    assert r.exit_code == codes[base]
    assert r.error_output == b""
    # The output is captured, not a terminal: SYS_ISTTY answers 0 as QEMU's does with stdout
    # redirected, so newlib executes the instructions the README counted under QEMU.
    assert r.instructions == readme_instruction_counts()[name]


def test_readme_counts_every_guest() -> None:
    assert sorted(readme_instruction_counts()) == guest_names()


def test_hello_is_deterministic() -> None:
    """The same ELF and options give the same output, status and instruction count."""
    results = []
    for _ in range(2):
        r = run_guest("hello").run(max_instructions=MAX_INSTRUCTIONS)
        results.append((r.stop_reason, r.exit_code, r.output, r.instructions))
    assert results[0] == results[1]


@pytest.mark.parametrize("name", ["exitcode", "hello"])
def test_run_after_exit_does_not_execute(name: str) -> None:
    """After SYS_EXIT a further run() returns the same stop and executes nothing."""
    m = run_guest(name)
    first = m.run(max_instructions=MAX_INSTRUCTIONS)
    pc, insns = m.cpu.regs[15], m.instructions
    again = m.run(max_instructions=MAX_INSTRUCTIONS)
    assert (again.stop_reason, again.exit_code, again.stop) == (StopReason.EXIT, first.exit_code, first.stop)
    assert again.instructions == 0 and again.output == b""
    assert (m.cpu.regs[15], m.instructions, m.exit_code) == (pc, insns, first.exit_code)


def test_output_does_not_accumulate_across_loads() -> None:
    """m.output is the output since the last load_elf()/reset(), not of every run so far."""
    m = run_guest("hello")
    m.run(max_instructions=MAX_INSTRUCTIONS)
    m.load_elf(GUESTS / "hello.elf")
    r = m.run(max_instructions=MAX_INSTRUCTIONS)
    assert r.stop_reason is StopReason.EXIT and m.output == b"Hello, world!\n"
    m.reset()
    assert m.output == b""
