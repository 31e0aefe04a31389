"""docs/testing.md: its Python examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "testing.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_page_has_examples() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_example_runs(index: int) -> None:
    exec(compile(BLOCKS[index], f"docs/testing.md example {index + 1}", "exec"), {"__name__": "docs_example"})


def test_every_public_name_is_documented() -> None:
    import armsim.testing
    from armsim.testing import strategies

    text = DOC.read_text()
    for name in armsim.testing.__all__:
        if name in ("Catalogue", "RefReg", "DebugHit", "Expected", "TableRow"):
            continue  # types named through the functions that return them
        assert name in text, name
    for name in ("coproc_accesses", "trap_states", "register_values", "debug_programs", "guest_streams",
                 "trap_tables", "hcr_values", "hdcr_values", "hstr_values", "hcptr_values", "dbgdscr_values",
                 "dbgbcr_values", "dbgwcr_values"):
        assert hasattr(strategies, name) and name in text, name
