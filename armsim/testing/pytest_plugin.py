"""A pytest plugin for trap-dispatch property tests: the hypothesis profiles, and armsim fixtures.

Enable it in a ``conftest.py`` (one line)::

    pytest_plugins = ["armsim.testing.pytest_plugin"]

or on the command line with ``-p armsim.testing.pytest_plugin``.  It
registers the ``dev`` and ``ci`` profiles (:mod:`armsim.testing.profiles`)
and loads the one ``HYPOTHESIS_PROFILE`` names, so ``HYPOTHESIS_PROFILE=ci
pytest`` runs the long version of every property.
"""

from __future__ import annotations

from typing import Any

import pytest

from armsim.testing.profiles import ProfileError, load_profile


def configure_profiles() -> str:
    """Load the profile ``HYPOTHESIS_PROFILE`` names; an unknown one stops pytest with a one-line error."""
    try:
        return load_profile()
    except ProfileError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_configure(config: Any) -> None:
    configure_profiles()


def pytest_report_header(config: Any) -> str:
    from armsim.testing.profiles import current

    return f"armsim.testing: hypothesis profile {current()!r} (HYPOTHESIS_PROFILE)"
