"""pytest configuration: hypothesis profiles (DESIGN.md section 6) and the differential-test summary.

``HYPOTHESIS_PROFILE=dev`` (default): a few hundred examples per property, quick.
``HYPOTHESIS_PROFILE=ci``: many more examples, derandomized, no deadline.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from hypothesis import HealthCheck, settings

_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile("dev", max_examples=200, deadline=None, suppress_health_check=_SUPPRESS)
settings.register_profile("ci", max_examples=2000, deadline=None, derandomize=True, suppress_health_check=_SUPPRESS,
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

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
