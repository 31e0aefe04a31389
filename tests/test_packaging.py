"""Packaging facts that a user's install depends on: dependency floors, used dependencies, no machine paths."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = (ROOT / "pyproject.toml").read_text()
CONSTRAINTS = ROOT / ".ci" / "lowest-constraints.txt"
# Import name of each distribution.
IMPORT_NAMES = {"pyelftools": "elftools", "rich": "rich", "hypothesis": "hypothesis", "numpy": "numpy"}
# Declared for a public API that is planned but not written yet (DESIGN.md section 1: armsim.testing).
RESERVED = {"hypothesis"}


def _list(name: str) -> List[str]:
    m = re.search(rf"^{name} = \[(.*?)\]", PYPROJECT, re.S | re.M)
    assert m, f"no {name} list in pyproject.toml"
    return re.findall(r'"([^"]+)"', m.group(1))


def runtime_floors() -> Dict[str, str]:
    floors = {}
    for req in _list("dependencies"):
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", req)
        assert m, f"runtime dependency {req!r} has no >= floor"
        floors[m.group(1).lower()] = m.group(2)
    return floors


def _normalise(version: str) -> str:
    parts = version.split(".")
    while len(parts) < 3:
        parts.append("0")
    return ".".join(parts)


def test_ci_installs_the_lowest_allowed_versions() -> None:
    """.ci/lowest-constraints.txt pins every runtime dependency (and pytest) to its declared floor."""
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([0-9.]+)$", CONSTRAINTS.read_text(), re.M))
    wanted = dict(runtime_floors())
    pytest_floor = next(r.split(">=")[1] for r in _list("test") if r.startswith("pytest>="))
    wanted["pytest"] = pytest_floor
    assert {k: _normalise(v) for k, v in pins.items()} == {k: _normalise(v) for k, v in wanted.items()}
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pypy3 -m venv" in ci and "-c .ci/lowest-constraints.txt" in ci


def test_runtime_dependencies_are_imported() -> None:
    """A runtime dependency that nothing imports belongs in an extra (numpy is in 'bench')."""
    sources = "\n".join(p.read_text() for p in (ROOT / "armsim").rglob("*.py"))
    for dist in runtime_floors():
        mod = IMPORT_NAMES[dist]
        used = re.search(rf"^\s*(import|from) {mod}\b", sources, re.M) is not None
        assert used or dist in RESERVED, f"{dist} is a runtime dependency but armsim never imports {mod}"


def test_no_absolute_machine_paths() -> None:
    """Sources cite files relative to the repository, never a path on one machine."""
    for path in (ROOT / "armsim").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"(?<![\w.])/(work|home|root|tmp)/", text), path
