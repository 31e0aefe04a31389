"""The isolation invariants P1-P3 of a debug world switch, as checker functions (reference section 2).

* **P1** after each exit the host's switched debug registers equal what the
  host left, and no debug exception the host did not arm reaches the host;
* **P2** during a guest run no host-armed breakpoint or watchpoint fires in the
  guest, and the guest cannot read the host's debug state;
* **P3** the guest reads back what it wrote (through the register's writable
  bits, :class:`GuestDebugView`).

Each checker returns a list of :class:`Breach` records (empty: the property
holds), the shape of the ``isolation_breaches`` of a KVM run report: run,
register or event, expected, found.  The switched set is the reference's N =
2*BRPs + 2*WRPs + CTX_CMPs + 2 registers (24 on Cortex-A15/A7); DBGCLAIM*,
DBGDTR* and DBGWFAR are not switched and are exempt (reference section 2
choice).  Breakpoint/watchpoint arming follows C3.2/C3.4: DBGBCRn.E or
DBGWCRn.E set, and DBGDSCR.MDBGen set (monitor debug-mode, C3.1).
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Set, Tuple

from armsim.testing.manual import DBGBCR, DBGDSCR, DBGVCR, DBGWCR

EXEMPT = ("DBGCLAIMSET", "DBGCLAIMCLR", "DBGDTRint", "DBGDTRRXext", "DBGDTRTXext", "DBGWFAR")


def switched_registers(brps: int = 6, wrps: int = 4, ctx_cmps: int = 2) -> Tuple[str, ...]:
    """The debug registers a world switch moves (reference section 2): pairs, DBGBXVRs, DBGDSCRext, DBGVCR.

    >>> len(switched_registers(6, 4, 2))
    24
    """
    names: List[str] = []
    for n in range(brps):
        names += [f"DBGBVR{n}", f"DBGBCR{n}"]
    for n in range(wrps):
        names += [f"DBGWVR{n}", f"DBGWCR{n}"]
    names += [f"DBGBXVR{n}" for n in range(brps - ctx_cmps, brps)]
    names += ["DBGDSCRext", "DBGVCR"]
    return tuple(names)


class Breach(NamedTuple):
    """One violation: which property, in which guest run, of which register or event, expected vs found."""

    prop: str
    run: int
    what: str
    expected: int
    found: int

    def __str__(self) -> str:
        return f"{self.prop} run {self.run}: {self.what} expected {self.expected:#x}, found {self.found:#x}"


class DebugHit(NamedTuple):
    """A debug exception taken: ``kind`` "breakpoint" or "watchpoint", the slot, the address."""

    kind: str
    slot: int
    address: int = 0


def armed(regs: Mapping[str, int], hit: DebugHit) -> bool:
    """Did the register set ``regs`` arm ``hit``'s slot (C3.1: MDBGen; C11.11: DBGBCRn.E / DBGWCRn.E)?"""
    if hit.kind == "breakpoint":
        enabled = DBGBCR["E"].get(regs.get(f"DBGBCR{hit.slot}", 0))
    elif hit.kind == "watchpoint":
        enabled = DBGWCR["E"].get(regs.get(f"DBGWCR{hit.slot}", 0))
    else:
        raise ValueError(f"unknown debug hit kind {hit.kind!r} (breakpoint or watchpoint)")
    return bool(enabled and DBGDSCR["MDBGen"].get(regs.get("DBGDSCRext", 0)))


def check_p1(host_left: Mapping[str, int], host_found: Mapping[str, int], run: int = 0,
             host_hits: Iterable[DebugHit] = (), registers: Optional[Sequence[str]] = None) -> List[Breach]:
    """P1 after an exit: each switched register the host left is as it left it; no unarmed hit reached it.

    >>> check_p1({"DBGBVR0": 0x1000}, {"DBGBVR0": 0x2000}, run=3)
    [Breach(prop='P1', run=3, what='DBGBVR0', expected=4096, found=8192)]
    """
    out: List[Breach] = []
    names = registers if registers is not None else [n for n in host_left if n not in EXEMPT]
    for name in names:
        want = host_left.get(name, 0)
        got = host_found.get(name, 0)
        if want != got:
            out.append(Breach("P1", run, name, want, got))
    for hit in host_hits:
        if not armed(host_left, hit):
            out.append(Breach("P1", run, f"unarmed {hit.kind} {hit.slot} in the host", 0, hit.address))
    return out


class GuestDebugView:
    """What a guest may read back: its own writes through the writable bits, 0 before any write (P3).

    >>> v = GuestDebugView()
    >>> v.write("DBGBVR0", 0x8003)
    >>> hex(v.read("DBGBVR0"))
    '0x8000'
    """

    def __init__(self, brps: int = 6, wrps: int = 4, ctx_cmps: int = 2) -> None:
        self.masks = writable_masks(brps, wrps, ctx_cmps)
        self._values: Dict[str, int] = dict.fromkeys(self.masks, 0)
        self._written: Set[str] = set()

    def write(self, name: str, value: int) -> None:
        mask = self.masks.get(name)
        if mask is None:
            raise KeyError(f"{name} is not a switched debug register")
        self._values[name] = value & mask
        self._written.add(name)

    def read(self, name: str) -> int:
        return self._values[name]

    def values(self) -> Dict[str, int]:
        """Every switched register as the guest may see it (0 where never written)."""
        return dict(self._values)

    @property
    def written_names(self) -> Set[str]:
        return self._written


Access = Tuple[str, str, int]  # ("read" or "write", register, value read or written)


def _replay(trace: Iterable[Access], view: GuestDebugView) -> Iterable[Tuple[str, int, Optional[int]]]:
    """Yield (register, value read, value the guest may see then or None if never written) per read."""
    for op, name, value in trace:
        if op == "write":
            if name in view.masks:
                view.write(name, value)
        elif op == "read":
            yield name, value, (view.read(name) if name in view.written_names else None)
        else:
            raise ValueError(f"unknown access {op!r} in a guest trace (read or write)")


def check_p2(host: Mapping[str, int], trace: Iterable[Access], run: int = 0, guest_hits: Iterable[DebugHit] = (),
             guest_regs: Optional[Mapping[str, int]] = None, view: Optional[GuestDebugView] = None) -> List[Breach]:
    """P2 during a guest run: no guest read returns a host value; no host-armed hit fires in the guest.

    ``trace`` is the guest's debug-register accesses in order, ``("write", name,
    value)`` or ``("read", name, value read)``.  A read leaks when it returns the
    host's value of the register, that value is not the reset value 0, and it
    is not what the guest itself may see then (its own last write through the
    writable bits, else 0).  A hit in the guest breaches P2 when the guest's
    registers (``guest_regs``, default: the guest's view after the trace) did
    not arm it but the host's did.

    >>> check_p2({"DBGBVR1": 0x8000}, [("read", "DBGBVR1", 0x8000)])
    [Breach(prop='P2', run=0, what='guest read DBGBVR1', expected=0, found=32768)]
    """
    v = view if view is not None else GuestDebugView()
    out: List[Breach] = []
    for name, value, own in _replay(trace, v):
        if name in EXEMPT:
            continue
        hv = host.get(name, 0)
        mine = own if own is not None else 0
        if value == hv and hv != 0 and value != mine:
            out.append(Breach("P2", run, f"guest read {name}", mine, value))
    regs = guest_regs if guest_regs is not None else v.values()
    for hit in guest_hits:
        if not armed(regs, hit) and armed(host, hit):
            out.append(Breach("P2", run, f"host-armed {hit.kind} {hit.slot} fired in the guest", 0, hit.address))
    return out


def check_p3(trace: Iterable[Access], run: int = 0, view: Optional[GuestDebugView] = None) -> List[Breach]:
    """P3: every guest read of a register the guest wrote returns what it last wrote (through the writable
    bits of :class:`GuestDebugView`); reads of registers it never wrote are P2's business.

    >>> check_p3([("write", "DBGWVR0", 0x4001), ("read", "DBGWVR0", 0x4000), ("read", "DBGWVR0", 0)], run=1)
    [Breach(prop='P3', run=1, what='DBGWVR0', expected=16384, found=0)]
    """
    v = view if view is not None else GuestDebugView()
    out: List[Breach] = []
    for name, value, own in _replay(trace, v):
        if name in EXEMPT or own is None:
            continue
        if value != own:
            out.append(Breach("P3", run, name, own, value))
    return out


def writable_masks(brps: int = 6, wrps: int = 4, ctx_cmps: int = 2) -> Dict[str, int]:
    """The bits a PL1 write can change, per switched register (C11.11; reference section 6 choices).

    DBGBVRn/DBGWVRn bits 1:0 are zero; DBGBCRn.MASK reads 0 (DBGDEVID.BPAddrMask
    = 0xF on Cortex-A15/A7), and BT[3], BT[1] read 0 on BRPs that cannot match
    context; DBGBXVRn holds a VMID (7:0); DBGDSCRext writes change MDBGen,
    UDCCdis, INTdis and ExtDCCmode; DBGVCR has the vector bits of its layout.
    """
    bcr = DBGBCR.defined_mask & ~DBGBCR["MASK"].mask
    ctx_bits = (1 << 23) | (1 << 21)
    out: Dict[str, int] = {}
    for n in range(brps):
        out[f"DBGBVR{n}"] = 0xFFFFFFFC
        out[f"DBGBCR{n}"] = bcr if n >= brps - ctx_cmps else bcr & ~ctx_bits
    for n in range(wrps):
        out[f"DBGWVR{n}"] = 0xFFFFFFFC
        out[f"DBGWCR{n}"] = DBGWCR.defined_mask
    for n in range(brps - ctx_cmps, brps):
        out[f"DBGBXVR{n}"] = 0xFF
    out["DBGDSCRext"] = sum(DBGDSCR[f].mask for f in ("MDBGen", "UDCCdis", "INTdis", "ExtDCCmode"))
    out["DBGVCR"] = DBGVCR.defined_mask
    return out
