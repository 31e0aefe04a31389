"""The four debug policies: four points in the history of KVM/ARM's guest debug handling (reference 2).

| Policy | HDCR on entry (HPMN kept) | Guest CP14 access | Debug registers moved |
|---|---|---|---|
| PASSTHROUGH (v4.1) | TPM, TPMCR | direct, physical | never |
| RAZ_WI (merged fix) | TPM, TPMCR, TDRA, TDOSA, TDA | every trap: read 0, write ignored; LDC/STC UNDEF | never |
| EAGER | TPM, TPMCR, TDRA, TDOSA | direct (hardware holds the guest's set); ROM/OS classes via the table | every run |
| LAZY (series) | TPM, TPMCR, TDRA, TDOSA, + TDA unless dirty | clean run: the table; dirty: direct | dirty runs |

On exit every policy clears the trap bits (choice, reference 1).  LAZY per run:
at entry ``dirty |= guest DBGDSCR.MDBGen``, and with the host check (default
on) ``dirty |= host armed`` (physical DBGDSCR.MDBGen and any DBGBCRn.E or
DBGWCRn.E); a dirty run switches the debug registers and runs with TDA clear;
the exit switches back and clears dirty, so dirty lasts exactly one run.  A
trapped write of a shadow-backed register sets dirty for the next run.

A policy is an object with entry/exit hooks; ``DebugPolicy.LAZY`` etc. are
the four built in, and a user's policy subclasses :class:`DebugPolicy` (the
world switch asks only these hooks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, ClassVar, Dict, List

from armsim.errors import ConfigError
from armsim.kvm.coproc_table import CoprocParams, TableSet
from armsim.kvm.handlers import read_zero
from armsim.kvm.layouts import TDA, TDOSA, TDRA, TPM, TPMCR

if TYPE_CHECKING:
    from armsim.kvm.vcpu import VCPU

# The v4.1 entry mask (interrupts_head.S ``set_hdcr``).
BASE_TRAPS = TPM | TPMCR


class CP14Outcome:
    """What a policy did with a trapped CP14 access (for statistics and the trace)."""

    __slots__ = ("handled", "name")

    def __init__(self, handled: bool, name: str) -> None:
        self.handled = handled  # False: inject UNDEF
        self.name = name  # the register's row name ("" when no row)


class DebugPolicy:
    """Base class of a debug policy: what HDCR traps, when the debug registers are switched,
    how a trapped CP14 access is emulated.  Subclass it to model another design."""

    name: ClassVar[str] = "custom"
    option: ClassVar[str] = "custom"  # the --policy spelling
    PASSTHROUGH: ClassVar[DebugPolicy]
    RAZ_WI: ClassVar[DebugPolicy]
    EAGER: ClassVar[DebugPolicy]
    LAZY: ClassVar[DebugPolicy]

    def __init__(self, host_check: bool = True) -> None:
        self.host_check = host_check

    # -- entry and exit hooks (called by the world switch) ----------------------------------
    def switch_on_entry(self, vcpu: VCPU, host_armed: Callable[[], bool]) -> bool:
        """Does this run hold the guest's debug registers in hardware?  (``host_armed`` reads the
        physical registers, at a cost, when called.)"""
        return False

    def entry_traps(self, vcpu: VCPU, switched: bool) -> int:
        """The HDCR trap bits for this run (HPMN is kept by the world switch)."""
        return BASE_TRAPS

    def after_exit(self, vcpu: VCPU, switched: bool) -> None:
        """Called at the end of the exit switch."""

    # -- trapped accesses ---------------------------------------------------------------------
    def cp14_access(self, vcpu: VCPU, p: CoprocParams, tables: TableSet) -> CP14Outcome:
        """Emulate a trapped MCR/MRC/MRRC to CP14 through ``tables`` (arm64 ``emulate_cp``)."""
        row = tables.find(p)
        if row is None or row.access is None:
            return CP14Outcome(False, row.name if row is not None else "")
        return CP14Outcome(bool(row.access(vcpu, p, row)), row.name)

    def cp14_load_store(self, vcpu: VCPU) -> bool:
        """LDC/STC to CP14 (EC 0x06): UNDEF in every modelled KVM (``kvm_handle_cp14_load_store``)."""
        return False

    def __repr__(self) -> str:
        return f"DebugPolicy.{self.name}"


class Passthrough(DebugPolicy):
    """v4.1 before the fix: only the PMU traps; the guest owns the physical debug registers."""

    name = "PASSTHROUGH"
    option = "passthrough"

    def cp14_access(self, vcpu: VCPU, p: CoprocParams, tables: TableSet) -> CP14Outcome:
        """v4.1 ``kvm_handle_cp14_access``: any CP14 trap injects UNDEF (none happens: TDA is clear)."""
        return CP14Outcome(False, "")


class RazWi(DebugPolicy):
    """The merged fix: every debug access traps and reads 0; nothing is switched."""

    name = "RAZ_WI"
    option = "raz-wi"

    def entry_traps(self, vcpu: VCPU, switched: bool) -> int:
        return BASE_TRAPS | TDRA | TDOSA | TDA

    def cp14_access(self, vcpu: VCPU, p: CoprocParams, tables: TableSet) -> CP14Outcome:
        """``trap_raz_wi`` for any register, no table (the arm32 ``read_zero``: MRRC leaves Rt2)."""
        row = tables.find(p)
        return CP14Outcome(read_zero(vcpu, p), row.name if row is not None else "")


class Eager(DebugPolicy):
    """Switch the debug registers on every entry and exit; the guest accesses them directly."""

    name = "EAGER"
    option = "eager"

    def switch_on_entry(self, vcpu: VCPU, host_armed: Callable[[], bool]) -> bool:
        return True

    def entry_traps(self, vcpu: VCPU, switched: bool) -> int:
        return BASE_TRAPS | TDRA | TDOSA


class Lazy(DebugPolicy):
    """The series: trap while clean, switch for one run once dirty."""

    name = "LAZY"
    option = "lazy"

    def switch_on_entry(self, vcpu: VCPU, host_armed: Callable[[], bool]) -> bool:
        if vcpu.mdbgen:
            vcpu.debug_dirty = True
        if not vcpu.debug_dirty and self.host_check and host_armed():
            vcpu.debug_dirty = True
        return vcpu.debug_dirty

    def entry_traps(self, vcpu: VCPU, switched: bool) -> int:
        return BASE_TRAPS | TDRA | TDOSA | (0 if switched else TDA)

    def after_exit(self, vcpu: VCPU, switched: bool) -> None:
        if switched:
            vcpu.debug_dirty = False


DebugPolicy.PASSTHROUGH = Passthrough()
DebugPolicy.RAZ_WI = RazWi()
DebugPolicy.EAGER = Eager()
DebugPolicy.LAZY = Lazy()

BUILTIN: List[DebugPolicy] = [DebugPolicy.PASSTHROUGH, DebugPolicy.RAZ_WI, DebugPolicy.EAGER, DebugPolicy.LAZY]
BY_OPTION: Dict[str, DebugPolicy] = {p.option: p for p in BUILTIN}


def policy_named(name: str) -> DebugPolicy:
    """The built-in policy ``passthrough``, ``raz-wi``, ``eager`` or ``lazy`` (also ``RAZ_WI`` spelling)."""
    key = name.strip().lower().replace("_", "-") if isinstance(name, str) else ""
    try:
        return BY_OPTION[key]
    except KeyError:
        raise ConfigError(f"unknown debug policy {name!r} (valid: {', '.join(BY_OPTION)})") from None
