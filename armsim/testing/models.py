"""A register-level reference model of the four debug policies (reference section 2), as a switch target.

:class:`PolicyModel` holds a physical debug register set shared by host and
guest, a host context, a per-vcpu shadow and the dirty flag, and moves
registers exactly as the reference's table says:

| Policy | Guest access | Moved |
|---|---|---|
| ``passthrough`` (v4.1) | direct, physical | never |
| ``raz-wi`` (merged fix) | read 0, write ignored | never |
| ``eager`` | direct (hardware holds the guest's set) | every run |
| ``lazy`` (the series) | clean run: the shadow, a write marks dirty; dirty run: direct | dirty runs |

LAZY's entry (reference 2, steps 1-2): dirty |= the guest's DBGDSCRext.MDBGen,
and with ``host_check`` dirty |= the host has debug armed (physical MDBGen
and any DBGBCRn.E or DBGWCRn.E).  The exit saves the guest's set, restores the
host's and clears dirty.  Writes keep only the registers' writable bits
(:func:`armsim.testing.isolation.writable_masks`).

It is the reference a :class:`~armsim.testing.stateful.WorldSwitchStateMachine`
runs against, and the toy a user can break on purpose (subclass and override a
hook) to see hypothesis find and shrink the breach.
"""

from __future__ import annotations

from typing import Dict, Mapping, Sequence

from armsim.testing.isolation import switched_registers, writable_masks
from armsim.testing.manual import DBGBCR, DBGDSCR, DBGWCR

POLICIES = ("passthrough", "raz-wi", "eager", "lazy")

# Which isolation properties each policy keeps at register level (reference section 2 table); PASSTHROUGH
# keeps P3 only while the host leaves its own debug registers alone (they are the guest's too).
KEEPS: Dict[str, frozenset] = {
    "passthrough": frozenset({"P3"}),
    "raz-wi": frozenset({"P1", "P2"}),
    "eager": frozenset({"P1", "P2", "P3"}),
    "lazy": frozenset({"P1", "P2", "P3"}),
}


class PolicyModel:
    """One vcpu under one debug policy, at the level of debug-register values (module docstring)."""

    def __init__(self, policy: str = "lazy", brps: int = 6, wrps: int = 4, ctx_cmps: int = 2,
                 host_check: bool = True) -> None:
        if policy not in POLICIES:
            raise ValueError(f"unknown debug policy {policy!r} (valid: {', '.join(POLICIES)})")
        self.policy = policy
        self.host_check = host_check
        self.registers: Sequence[str] = switched_registers(brps, wrps, ctx_cmps)
        self.brps, self.wrps = brps, wrps
        self.masks = writable_masks(brps, wrps, ctx_cmps)
        self.physical: Dict[str, int] = dict.fromkeys(self.registers, 0)
        self.host_ctx: Dict[str, int] = {}
        self.shadow: Dict[str, int] = dict.fromkeys(self.registers, 0)
        self.dirty = False
        self.switched = False
        self.in_guest = False

    # -- the host side ---------------------------------------------------------------------------
    def set_host(self, values: Mapping[str, int]) -> None:
        """The host programs its own debug registers (only while the guest is out)."""
        if self.in_guest:
            raise RuntimeError("the host changes its debug registers only between guest runs")
        for name, v in values.items():
            self.physical[name] = v & self.masks[name]

    def host_view(self) -> Dict[str, int]:
        """The physical registers as the host sees them (between runs)."""
        return dict(self.physical)

    def host_armed(self) -> bool:
        p = self.physical
        if not DBGDSCR["MDBGen"].get(p["DBGDSCRext"]):
            return False
        return any(DBGBCR["E"].get(p[f"DBGBCR{n}"]) for n in range(self.brps)) or any(
            DBGWCR["E"].get(p[f"DBGWCR{n}"]) for n in range(self.wrps))

    # -- the world switch --------------------------------------------------------------------------
    def switch_on_entry(self) -> bool:
        if self.policy == "eager":
            return True
        if self.policy != "lazy":
            return False
        if DBGDSCR["MDBGen"].get(self.shadow["DBGDSCRext"]):
            self.dirty = True
        if not self.dirty and self.host_check and self.host_armed():
            self.dirty = True
        return self.dirty

    def save_host(self) -> None:
        self.host_ctx = {n: self.physical[n] for n in self.registers}

    def load_guest(self) -> None:
        for n in self.registers:
            self.physical[n] = self.shadow[n]

    def save_guest(self) -> None:
        for n in self.registers:
            self.shadow[n] = self.physical[n]

    def restore_host(self) -> None:
        for n in self.registers:
            self.physical[n] = self.host_ctx[n]

    def enter(self) -> None:
        """Guest entry: decide the run, save the host's set and load the guest's if it is switched."""
        self.switched = self.switch_on_entry()
        if self.switched:
            self.save_host()
            self.load_guest()
        self.in_guest = True

    def exit(self) -> None:
        """Guest exit: save the guest's set and restore the host's if the run was switched."""
        if self.switched:
            self.save_guest()
            self.restore_host()
            if self.policy == "lazy":
                self.dirty = False
        self.switched = False
        self.in_guest = False

    # -- the guest side ----------------------------------------------------------------------------
    def guest_write(self, name: str, value: int) -> None:
        v = value & self.masks[name]
        if self.policy in ("passthrough", "eager") or (self.policy == "lazy" and self.switched):
            self.physical[name] = v
        elif self.policy == "lazy":
            self.shadow[name] = v  # trap_debug32: shadow write, dirty for the next run
            self.dirty = True

    def guest_read(self, name: str) -> int:
        if self.policy in ("passthrough", "eager") or (self.policy == "lazy" and self.switched):
            return self.physical[name]
        if self.policy == "lazy":
            return self.shadow[name]
        return 0
