"""examples/property_tests/ runs under pytest as its README says: the custom policy and custom table files pass,
the deliberately broken policy fails with the isolation breach shrunk to two steps (a guest write, then a guest
read of the host's register; reference kvm-arm-debug.md section 2, P2/P3)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "property_tests"


def test_the_three_examples_run_as_documented() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("test_*.py")) == [
        "test_broken_policy.py", "test_custom_policy.py", "test_custom_table.py"]
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(EXAMPLES)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    out = run.stdout + run.stderr
    got = {name: outcome for outcome, name in re.findall(r"^(PASSED|FAILED) examples/property_tests/(\S+)", out,
                                                         flags=re.M)}
    assert got == {
        "test_custom_policy.py::TestStickyEagerIsolation::runTest": "PASSED",
        "test_custom_policy.py::test_no_switch_until_the_guest_debugs": "PASSED",
        "test_custom_table.py::test_claim_tags_are_the_guests": "PASSED",
        "test_custom_table.py::test_the_table_is_in_front_of_armsim_kvms": "PASSED",
        "test_broken_policy.py::TestBrokenLazyIsolation::runTest": "FAILED",
    }, out[-3000:]
    assert run.returncode == 1, out[-3000:]
    shrunk = re.search(r"isolation breach (P[23]) run 0: .* after (\d+) steps: (.*)$", out, flags=re.M)
    assert shrunk is not None, out[-3000:]
    steps = shrunk.group(3).split("; ")
    assert int(shrunk.group(2)) == len(steps) == 2, steps
    assert steps[0].startswith("guest_write(") and steps[1].startswith("guest_read("), steps
