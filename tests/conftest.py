"""pytest configuration: hypothesis profiles (DESIGN.md section 6) and the differential-test summary.

``HYPOTHESIS_PROFILE=dev`` (default): a few hundred examples per property, quick.
``HYPOTHESIS_PROFILE=ci``: many more examples, derandomized, no deadline.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from armsim.testing.pytest_plugin import configure_profiles


def pytest_configure(config: Any) -> None:
    """The profiles are armsim.testing's, as a user's suite gets them from armsim.testing.pytest_plugin."""
    configure_profiles()

# ARMSIM_TEST_ENGINE=interp runs the whole suite on the interpreter (Machine's default engine too).
if os.environ.get("ARMSIM_TEST_ENGINE", "block") == "interp":
    import armsim.exec.blocks

    armsim.exec.blocks.DEFAULT_ENGINE = "interp"


def profile_examples(dev: int, ci: int) -> int:
    """Examples for an expensive property: ``dev`` normally, ``ci`` under the ci profile."""
    return ci if os.environ.get("HYPOTHESIS_PROFILE", "dev") == "ci" else dev


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    harness = sys.modules.get("tests.diff.harness")
    if harness is None:
        return
    report = harness.stats_report()
    if report:
        terminalreporter.write_sep("-", "differential testing")
        terminalreporter.write_line(report)
