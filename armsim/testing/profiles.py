"""Hypothesis profiles for trap-dispatch tests: ``dev`` (default, quick) and ``ci`` (long, derandomized).

The profile is chosen by the environment variable ``HYPOTHESIS_PROFILE``
(``dev`` when unset), as armsim's own suite does (DESIGN.md section 6)::

    HYPOTHESIS_PROFILE=ci python -m pytest

:func:`examples` sizes an expensive property per profile.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

ENV = "HYPOTHESIS_PROFILE"
PROFILES = ("dev", "ci")
_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def register_profiles() -> None:
    """Register ``dev`` (200 examples, no deadline) and ``ci`` (2000, derandomized, no deadline).

    Both derive from hypothesis's plain ``default`` profile, never from the settings in force: hypothesis
    itself switches to a derandomized profile when it sees a ``CI`` variable, and ``dev`` must mean the
    same on a CI machine as on a laptop.
    """
    base = settings.get_profile("default")
    settings.register_profile("dev", parent=base, max_examples=200, deadline=None, derandomize=False,
                              suppress_health_check=_SUPPRESS)
    settings.register_profile("ci", parent=base, max_examples=2000, deadline=None, derandomize=True,
                              suppress_health_check=_SUPPRESS, print_blob=True)


def current() -> str:
    """The profile the environment selects (``dev`` when ``HYPOTHESIS_PROFILE`` is unset)."""
    return os.environ.get(ENV, "dev")


class ProfileError(ValueError):
    """``HYPOTHESIS_PROFILE`` names no registered profile."""


def load_profile() -> str:
    """Register the profiles and load the selected one; an unknown name raises :class:`ProfileError`."""
    register_profiles()
    name = current()
    try:
        settings.load_profile(name)
    except Exception:  # hypothesis raises InvalidArgument for an unregistered name
        raise ProfileError(f"{ENV}={name!r} is not a registered hypothesis profile (armsim registers: "
                           f"{', '.join(PROFILES)})") from None
    return name


def examples(dev: int, ci: int) -> int:
    """Examples for an expensive property: ``dev`` normally, ``ci`` under the ci profile.

    >>> examples(10, 1000) in (10, 1000)
    True
    """
    return ci if current() == "ci" else dev
