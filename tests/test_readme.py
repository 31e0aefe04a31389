"""The README says what a user can do, and it is true: its commands run as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import List

import pytest

from armsim import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def shell_lines() -> List[str]:
    """Every command line of the README's ```sh blocks (comments dropped)."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def armsim_runs() -> List[List[str]]:
    return [shlex.split(line)[1:] for line in shell_lines() if line.startswith(".venv/bin/armsim run")]


def test_commands_name_the_installed_script() -> None:
    """After the set-up commands `armsim` is in .venv/bin, not on PATH: no bare `armsim` command."""
    bare = [line for line in shell_lines() if line.split()[0] == "armsim"]
    assert not bare, bare
    assert len(armsim_runs()) >= 4


@pytest.mark.parametrize("argv", armsim_runs(), ids=lambda a: " ".join(a)[:60])
def test_running_guests_examples_work(argv: List[str], capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Each `armsim run` example of "Running guests" runs its guest to its exit (no load or option error)."""
    monkeypatch.chdir(ROOT)
    if "--trace" not in argv and "--max-insns" not in argv:
        argv = [*argv[:2], "--max-insns", "20000000", *argv[2:]]
    code = cli.main(argv)
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    assert code in (0, 7), err[-500:]  # exitcode.elf exits with 7


def test_pytest_options_exist() -> None:
    """A `-m MARKER` the README mentions must be a marker the suite defines."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    for marker in re.findall(r"`-m (\w+)`", README):
        assert re.search(rf"^\s*\"{marker}\b", pyproject, re.M), f"README mentions -m {marker}; no such marker"
