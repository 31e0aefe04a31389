"""A pytest plugin for trap-dispatch property tests: the hypothesis profiles, and armsim fixtures.

Enable it in a ``conftest.py`` (one line)::

    pytest_plugins = ["armsim.testing.pytest_plugin"]

or on the command line with ``-p armsim.testing.pytest_plugin``.  It
registers the ``dev`` and ``ci`` profiles (:mod:`armsim.testing.profiles`)
and loads the one ``HYPOTHESIS_PROFILE`` names, so ``HYPOTHESIS_PROFILE=ci
pytest`` runs the long version of every property.

Fixtures (each a factory, so one line gives a test what it needs):

* ``armsim_vm(guest, policy="lazy", cpu=..., host_debug="idle", host=None,
  timing="fast", argv=None)`` -- an :class:`armsim.kvm.VM`: the guest ELF
  loaded on a simulated CPU booted in Non-secure Hyp mode under armsim.kvm's
  hypervisor (:class:`armsim.kvm.Hypervisor`) with that debug policy, not yet
  run; ``vm.run()`` gives the :class:`armsim.kvm.VmResult`.  The guest's
  console is captured (``result.output``), not printed.  Without ``guest`` the
  repository's ``examples/guests/kvm/phases.elf``.
* ``armsim_target(policy="lazy", cpu=..., tables=None, handlers=None)`` -- a
  :class:`~armsim.testing.kvm_target.KvmTarget` for state-machine and
  access-level tests.

::

    def test_lazy_switches_once_per_phase(armsim_vm):
        result = armsim_vm(policy="lazy").run()
        assert result.exit_code == 0

Every VM a test made is closed when the test ends.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterator, List, Optional, Sequence, Union

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


# The bundled phases guest (a source checkout; an installed armsim has no examples/).
DEFAULT_GUEST = Path(__file__).resolve().parents[2] / "examples" / "guests" / "kvm" / "phases.elf"


@pytest.fixture
def armsim_vm() -> Iterator[Callable[..., Any]]:
    """A factory of ready armsim.kvm VMs (module docstring); every VM is closed at the test's end."""
    made: List[Any] = []

    def make(guest: Optional[Union[str, os.PathLike]] = None, policy: Any = "lazy", cpu: str = "cortex-a15",
             host_debug: str = "idle", host: Optional[Union[str, os.PathLike]] = None, timing: str = "fast",
             argv: Optional[Sequence[str]] = None) -> Any:
        from armsim.kvm import Hypervisor

        if guest is None:
            if not DEFAULT_GUEST.is_file():
                raise pytest.UsageError(f"armsim_vm: no guest given and no bundled guest at {DEFAULT_GUEST}")
            guest = DEFAULT_GUEST
        hv = Hypervisor(cpu=cpu, debug_policy=policy, host_debug=host_debug, host=host, timing=timing,
                        stdout=False, stderr=False)
        vm = hv.create_vm(guest, list(argv) if argv is not None else None)
        made.append(vm)
        return vm

    yield make
    for vm in made:
        vm.close()


@pytest.fixture
def armsim_target() -> Callable[..., Any]:
    """A factory of :class:`~armsim.testing.kvm_target.KvmTarget` (module docstring)."""
    from armsim.testing.kvm_target import KvmTarget

    return KvmTarget
