"""The host side: the host kernel's own debug-register values and the isolation checker (reference 2).

``--host-debug idle`` (the default) gives every switched host debug register a
distinct non-zero value with nothing enabled (every DBGBCRn.E / DBGWCRn.E
clear) and DBGDSCR.MDBGen = 0; ``armed`` enables breakpoint 0 and watchpoint 0
on host addresses the guest never reaches and sets MDBGen, as a host using
hw_breakpoint would (Linux arch/arm/kernel/hw_breakpoint.c).

:class:`IsolationMonitor` checks P1 after every exit: each switched host
register (its write view: the bits a write can set) equals what the host left
before the entry, and no debug exception reached the host that it had not
armed.  Every violation is a breach record (run, register or event,
expected, found).  DBGCLAIM*, DBGDTR* and DBGWFAR are not switched and exempt
(choice, reference 2).
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional

from armsim.errors import ConfigError
from armsim.kvm.layouts import DBGDSCR_MDBGEN, Enc, switched_debug_set, write_mask
from armsim.timing.profiles import CpuProfile

HOST_DEBUG_MODES = ("idle", "armed")

# Host addresses of the armed preset: a kernel text and a kernel data address (no guest reaches them).
HOST_BREAKPOINT_ADDR = 0xC0008000
HOST_WATCHPOINT_ADDR = 0xC0100000
# C11.11 DBGBCR: E, PMC = 0b01 (PL1), BAS = 0b1111.  DBGWCR: E, PAC = 0b01, LSC = 0b11, BAS = 0xF.
HOST_BCR_ARMED = 0x1E3
HOST_WCR_ARMED = 0x1FB


def host_debug_values(profile: CpuProfile, mode: str) -> Dict[str, int]:
    """The host kernel's debug register values for ``--host-debug idle|armed``."""
    if mode not in HOST_DEBUG_MODES:
        raise ConfigError(f"unknown --host-debug {mode!r} (valid: {', '.join(HOST_DEBUG_MODES)})")
    values: Dict[str, int] = {}
    for i, e in enumerate(switched_debug_set(profile)):
        mask = write_mask(profile, e.name)
        if e.name == "DBGDSCRext":
            v = 1 << 12  # UDCCdis: user DCC access disabled, as a kernel sets it; MDBGen 0
        elif e.name == "DBGVCR":
            v = 1 << 1  # Secure Undefined vector catch: never taken in Non-secure state
        elif e.name.startswith("DBGBCR"):
            v = 0x1E0 | (int(e.name[6:]) << 16)  # BAS = 0b1111, LBN = n, E clear
        elif e.name.startswith("DBGWCR"):
            v = 0x1FE0 | (int(e.name[6:]) << 16)  # BAS = 0xFF, LBN = n, E clear
        elif e.name.startswith("DBGBXVR"):
            v = 0x10 + i
        else:  # DBGBVRn / DBGWVRn: distinct word addresses
            v = 0xC0000000 + 0x1000 * (i + 1)
        values[e.name] = v & mask
    if mode == "armed":
        values["DBGBVR0"] = HOST_BREAKPOINT_ADDR
        values["DBGBCR0"] = HOST_BCR_ARMED
        values["DBGWVR0"] = HOST_WATCHPOINT_ADDR
        values["DBGWCR0"] = HOST_WCR_ARMED
        values["DBGDSCRext"] |= DBGDSCR_MDBGEN
    return values


class Breach:
    """One isolation breach: in which run, which register or event, what was expected and found."""

    __slots__ = ("expected", "found", "run", "what")

    def __init__(self, run: int, what: str, expected: str, found: str) -> None:
        self.run = run
        self.what = what
        self.expected = expected
        self.found = found

    def as_dict(self) -> Dict[str, object]:
        return {"run": self.run, "register": self.what, "expected": self.expected, "found": self.found}

    def __repr__(self) -> str:
        return f"Breach(run {self.run}: {self.what} expected {self.expected}, found {self.found})"


class IsolationMonitor:
    """P1 after every exit: the host's switched debug registers are what it left (module docstring)."""

    def __init__(self, profile: CpuProfile, read: Callable[[Enc], int]) -> None:
        self.regs: List[Enc] = switched_debug_set(profile)
        self.views: Dict[str, int] = {e.name: write_mask(profile, e.name) for e in self.regs}
        self.read = read  # an uncharged observer read of the physical register
        self.left: Optional[Dict[str, int]] = None
        self.breaches: List[Breach] = []
        self.checks = 0
        self.intact = True  # P1 held after every exit so far

    def snapshot(self) -> Dict[str, int]:
        return {e.name: self.read(e) & self.views[e.name] for e in self.regs}

    def before_entry(self) -> None:
        """What the host leaves (taken just before the entry switch)."""
        self.left = self.snapshot()

    def after_exit(self, run: int) -> List[Breach]:
        """Compare against what the host left; the new breaches."""
        if self.left is None:
            return []
        self.checks += 1
        now = self.snapshot()
        new = [Breach(run, n, f"{self.left[n]:#010x}", f"{now[n]:#010x}") for n in self.left if now[n] != self.left[n]]
        if new:
            self.intact = False
            self.breaches.extend(new)
        return new

    def host_debug_exception(self, run: int, address: int) -> Breach:
        """The host took a debug exception it never armed (a breakpoint/watchpoint left by a guest)."""
        b = Breach(run, "host debug exception", "none", f"at {address:#010x}")
        self.intact = False
        self.breaches.append(b)
        return b
