"""The docstring examples of armsim.testing run (they are part of its documentation)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["encodings", "oracles", "isolation", "strategies", "manual", "catalogue"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    mod = importlib.import_module(f"armsim.testing.{name}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if name in ("encodings", "oracles", "isolation", "strategies"):
        assert result.attempted > 0
