"""``WorldSwitchStateMachine``: hypothesis interleaves guest accesses, guest exits and host debug changes.

The machine drives a :class:`DebugTarget` -- a vcpu with a debug policy and a
host -- through any sequence of

* a guest write or read of a switched debug register (during a guest run),
* a guest exit and re-entry (the world switch, both ways),
* a host change of its own debug registers (between two guest runs),

and checks after every step the isolation invariants of reference section 2
with :mod:`armsim.testing.isolation`: **P1** after each exit the host's
registers are what the host left; **P2** no guest read returns the host's
value of a register the guest did not give that value; **P3** the guest reads
back what it wrote.  ``expects`` says which properties the target must keep
(PASSTHROUGH keeps only P3, RAZ_WI P1 and P2).

Subclass it with your own target::

    class TestMyPolicy(WorldSwitchStateMachine):
        def make_target(self):
            return MyVcpuAdapter(policy=MyPolicy())

    TestCase = TestMyPolicy.TestCase      # pytest collects it

Every run records its steps in ``steps``; a breach raises an AssertionError
naming the breach and the steps that led to it (after shrinking, the minimal
sequence), and leaves them in the class attribute ``failed_steps``.
``host_changes`` False keeps the host's debug registers fixed after the start
(PASSTHROUGH keeps P3 only then: the host and the guest share the registers).

A target that runs real code may also list the debug exceptions the guest
took in a ``guest_hits`` attribute (:class:`~armsim.testing.isolation.DebugHit`
records, as :class:`~armsim.testing.kvm_target.KvmTarget` does): a hit while
the guest's own registers arm no breakpoint and no vector catch (C3.1: MDBGen
and a DBGBCRn.E or DBGVCR bit) came from the host's registers -- a P2 breach.
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, FrozenSet, List, Mapping, Protocol, Sequence

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from armsim.testing.isolation import Breach, GuestDebugView, check_p1, switched_registers, writable_masks
from armsim.testing.manual import DBGBCR, DBGDSCR, DBGVCR


class DebugTarget(Protocol):
    """What the state machine drives: one vcpu under a debug policy, and the host's debug registers.

    ``enter``/``exit`` are the world switch; ``guest_write``/``guest_read`` are
    guest CP14 accesses during a run (through whatever traps the policy set);
    ``set_host``/``host_view`` are the host's own accesses between runs.
    """

    def set_host(self, values: Mapping[str, int]) -> None: ...

    def host_view(self) -> Dict[str, int]: ...

    def enter(self) -> None: ...

    def exit(self) -> None: ...

    def guest_write(self, name: str, value: int) -> None: ...

    def guest_read(self, name: str) -> int: ...


def idle_host(brps: int = 6, wrps: int = 4, ctx_cmps: int = 2) -> Dict[str, int]:
    """Host debug registers as ``--host-debug idle``: each a distinct non-zero value, nothing enabled, MDBGen 0."""
    masks = writable_masks(brps, wrps, ctx_cmps)
    out: Dict[str, int] = {}
    for i, name in enumerate(switched_registers(brps, wrps, ctx_cmps)):
        v = (0x1000 * (i + 1) + 0x40 * i) & masks[name] & ~DBGBCR["E"].mask
        out[name] = v or (0x10 & masks[name]) or 0x4
    out["DBGDSCRext"] = DBGDSCR.pack(INTdis=1)
    return out


class WorldSwitchStateMachine(RuleBasedStateMachine):
    """Interleave guest accesses, exits and host debug changes; check P1-P3 (module docstring)."""

    expects: ClassVar[FrozenSet[str]] = frozenset({"P1", "P2", "P3"})
    host_changes: ClassVar[bool] = True  # False: the host leaves its debug registers alone after the start
    brps: ClassVar[int] = 6
    wrps: ClassVar[int] = 4
    ctx_cmps: ClassVar[int] = 2
    failed_steps: ClassVar[List[str]] = []

    def make_target(self) -> DebugTarget:
        """The system under test (override): a fresh vcpu and host, the guest not yet entered."""
        raise NotImplementedError("subclass WorldSwitchStateMachine and return your target from make_target()")

    def __init__(self) -> None:
        super().__init__()
        self.names: Sequence[str] = switched_registers(self.brps, self.wrps, self.ctx_cmps)
        self.masks = writable_masks(self.brps, self.wrps, self.ctx_cmps)
        self.target = self.make_target()
        self.host: Dict[str, int] = {}
        self.view = GuestDebugView(self.brps, self.wrps, self.ctx_cmps)
        self.run = 0
        self.breaches: List[Breach] = []
        self.steps: List[str] = []
        self.hits_seen = 0

    # -- set-up and rules ----------------------------------------------------------------------------
    @initialize(host=st.just(None))
    def start(self, host: Any) -> None:
        """The host programs its idle set, then the guest's first run begins."""
        self.host = {n: v & self.masks[n] for n, v in idle_host(self.brps, self.wrps, self.ctx_cmps).items()}
        self.target.set_host(self.host)
        self.target.enter()

    @rule(data=st.data())
    def guest_write(self, data: Any) -> None:
        name = data.draw(st.sampled_from(list(self.names)), label="register")
        value = data.draw(st.integers(0, 0xFFFFFFFF), label="value") & self.masks[name]
        self.steps.append(f"guest_write({name}, {value:#x})")
        self.target.guest_write(name, value)
        self._check_hits()
        self.view.write(name, value)

    @rule(data=st.data())
    def guest_read(self, data: Any) -> None:
        name = data.draw(st.sampled_from(list(self.names)), label="register")
        self.steps.append(f"guest_read({name})")
        got = self.target.guest_read(name)
        self._check_hits()
        mine = self.view.read(name) if name in self.view.written_names else 0
        if "P3" in self.expects and name in self.view.written_names and got != mine:
            self._fail(Breach("P3", self.run, name, mine, got))
        if "P2" in self.expects and got == self.host.get(name, 0) != 0 and got != mine:
            self._fail(Breach("P2", self.run, f"guest read {name}", mine, got))

    @rule()
    def guest_exit(self) -> None:
        """A guest exit (any trap), the host looks at its registers, the guest is re-entered."""
        self.steps.append("guest_exit()")
        self._exit_and_check()
        self.target.enter()

    @precondition(lambda self: self.host_changes)
    @rule(data=st.data())
    def host_changes_debug(self, data: Any) -> None:
        """The guest exits; the host arms or disarms a breakpoint (or its MDBGen), then re-enters the guest."""
        self.steps.append("host_changes_debug()")
        self._exit_and_check()
        n = data.draw(st.integers(0, self.brps - 1), label="breakpoint")
        arm = data.draw(st.booleans(), label="arm")
        bcr = DBGBCR.pack(E=1, BAS=0xF, PMC=3) if arm else 0
        change = {f"DBGBVR{n}": data.draw(st.integers(0, 0x3FFFFFFF), label="address") << 2,
                  f"DBGBCR{n}": bcr, "DBGDSCRext": DBGDSCR.pack(MDBGen=int(arm), INTdis=1)}
        change = {k: v & self.masks[k] for k, v in change.items()}
        self.target.set_host(change)
        self.host.update(change)
        self.target.enter()

    # -- checks ----------------------------------------------------------------------------------
    def _exit_and_check(self) -> None:
        self.target.exit()
        self._check_hits()
        if "P1" in self.expects:
            for b in check_p1(self.host, self.target.host_view(), run=self.run, registers=list(self.names)):
                self._fail(b)
        self.run += 1

    def guest_arms_something(self) -> bool:
        """Do the guest's own registers (its view) arm a breakpoint or a vector catch (C3.1, C11.11)?"""
        v = self.view.values()
        if not DBGDSCR["MDBGen"].get(v["DBGDSCRext"]):
            return False
        return v["DBGVCR"] & DBGVCR.defined_mask != 0 or any(
            DBGBCR["E"].get(v[f"DBGBCR{n}"]) for n in range(self.brps))

    def _check_hits(self) -> None:
        hits = getattr(self.target, "guest_hits", None)
        if hits is None or len(hits) == self.hits_seen:
            return
        new = hits[self.hits_seen:]
        self.hits_seen = len(hits)
        if "P2" in self.expects and not self.guest_arms_something():
            hit = new[0]
            self._fail(Breach("P2", self.run, f"{hit.kind} in the guest that its registers do not arm", 0,
                              hit.address))

    def _fail(self, breach: Breach) -> None:
        self.breaches.append(breach)
        type(self).failed_steps = list(self.steps)
        raise AssertionError(f"isolation breach {breach} after {len(self.steps)} steps: " + "; ".join(self.steps))
