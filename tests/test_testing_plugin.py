"""armsim.testing.pytest_plugin and profiles: a user's suite gets ``dev``/``ci`` from HYPOTHESIS_PROFILE."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

USER_TEST = '''
from hypothesis import settings

def test_profile():
    s = settings.default
    print("PROFILE", s.max_examples, s.derandomize, s.deadline)
'''


def run_user_suite(tmp_path: Path, profile: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_user.py").write_text(USER_TEST)
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["armsim.testing.pytest_plugin"]\n')
    env = {**os.environ, "HYPOTHESIS_PROFILE": profile}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_plugin_loads_the_profile_the_environment_names(tmp_path: Path) -> None:
    dev = run_user_suite(tmp_path, "dev")
    assert dev.returncode == 0, dev.stdout + dev.stderr
    assert "PROFILE 200 False None" in dev.stdout
    ci = run_user_suite(tmp_path, "ci")
    assert ci.returncode == 0, ci.stdout + ci.stderr
    assert "PROFILE 2000 True None" in ci.stdout


def test_unknown_profile_is_a_clear_error(tmp_path: Path) -> None:
    bad = run_user_suite(tmp_path, "nightly")
    assert bad.returncode != 0
    out = bad.stdout + bad.stderr
    assert "HYPOTHESIS_PROFILE='nightly' is not a registered hypothesis profile" in out
    assert "Traceback" not in out
