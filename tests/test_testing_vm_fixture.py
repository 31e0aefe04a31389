"""The pytest plugin's fixtures in a user's suite: ``armsim_vm`` gives a ready armsim.kvm VM in one line (the
bundled phases guest, reference kvm-arm-debug.md section 2: LAZY switches once per phase, EAGER every run),
``armsim_target`` a KvmTarget."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

USER_TESTS = '''
import pytest

def test_a_vm_in_one_line(armsim_vm):
    lazy = armsim_vm(policy="lazy").run()
    assert lazy.exit_code == 0 and lazy.debug_switches == 4
    eager = armsim_vm(policy="eager").run()
    assert eager.debug_switches == eager.runs == 5
    assert eager.output == lazy.output and eager.output.endswith(b"done\\n")
    print("VMS OK")

def test_a_target_in_one_line(armsim_target):
    t = armsim_target("eager")
    t.enter()
    t.guest_write("DBGWVR0", 0x4000)
    assert t.guest_read("DBGWVR0") == 0x4000
    print("TARGET OK")

def test_a_missing_guest_is_a_clear_error(armsim_vm, tmp_path):
    with pytest.raises(Exception, match="nothing.elf"):
        armsim_vm(tmp_path / "nothing.elf")
    print("ERROR OK")
'''


def test_fixtures_in_a_user_suite(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["armsim.testing.pytest_plugin"]\n')
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", str(tmp_path)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-3000:]
    assert "VMS OK" in out and "TARGET OK" in out and "ERROR OK" in out and "3 passed" in out, out[-3000:]
