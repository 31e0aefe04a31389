"""Breakpoint and watchpoint matching against reference predicates written from the manual.

DDI 0406C C3.2 (state filtering by PMC/PAC, SSC, HMC), C3.3 (breakpoint debug
events: address match and mismatch with BAS, context ID, VMID, linking), C3.4
(watchpoint debug events: BAS, MASK, LSC, linking), C11.11 DBGBCR/DBGWCR/DBGWVR.
The references below are written as the manual states the rules -- sets of
selected bytes and tables of states -- independently of armsim.debug.match's
bit arithmetic.  Reserved encodings follow the reference file's choices
(kvm-arm-debug.md 7.2-7.4).
"""

from __future__ import annotations

from typing import List, Optional, Set

from hypothesis import given
from hypothesis import strategies as st

from armsim.debug import match
from armsim.debug.layouts import DBGBCR, DBGWCR

BRPS = 6
CTX_FIRST = 4  # Cortex-A15/A7: BRPs 4 and 5 are context-capable

# -- reference predicates ------------------------------------------------------------------

# C3.2: which Security states an SSC value selects (01 and 11 Non-secure, 10 Secure, 00 both).
REF_SSC_STATES = {0: {"S", "NS"}, 1: {"NS"}, 2: {"S"}, 3: {"NS"}}


def ref_states(pmc: int, ssc: int, hmc: int) -> Set[str]:
    """Every (state, level) the filter admits: e.g. "NS-PL0", "S-PL1", "NS-HYP"."""
    out = set()
    for sec in REF_SSC_STATES[ssc]:
        if pmc & 0b10:
            out.add(f"{sec}-PL0")
        if pmc & 0b01:
            out.add(f"{sec}-PL1")
        if hmc:
            out.add(f"{sec}-HYP")
    return out


def state_name(secure: bool, pl: int) -> str:
    return ("S" if secure else "NS") + "-" + ("PL0", "PL1", "HYP")[pl]


def ref_selected_bytes_bp(bvr: int, bas: int) -> Set[int]:
    """C3.3: BAS bit i selects byte i of the word at DBGBVR[31:2]."""
    base = bvr & ~3 & 0xFFFFFFFF
    return {base + i for i in range(4) if bas >> i & 1}


def ref_addr_match(bvr: int, bas: int, va: int, thumb: bool) -> bool:
    """C3.3: an ARM instruction needs its whole word selected (BAS 1111); a Thumb
    instruction its whole halfword with BAS one of 0011, 1100, 1111."""
    sel = ref_selected_bytes_bp(bvr, bas)
    if not thumb:
        return bas == 0b1111 and {va & ~3 | i for i in range(4)} <= sel
    if bas not in (0b0011, 0b1100, 0b1111):
        return False
    return {va, va + 1} <= sel


def ref_context(bt: int, bvr: int, bxvr: int, ctxid: int, vmid: Optional[int]) -> bool:
    wants_ctx = bt in (0b0010, 0b0011, 0b1010, 0b1011)
    wants_vmid = bt in (0b1000, 0b1001, 0b1010, 0b1011)
    if wants_vmid and (vmid is None or vmid != bxvr & 0xFF):
        return False
    if wants_ctx and ctxid != bvr:
        return False
    return wants_ctx or wants_vmid


def ref_linked(lbn: int, bvr: List[int], bcr: List[int], bxvr: List[int], ctxid: int, vmid: Optional[int]) -> bool:
    if lbn < CTX_FIRST or lbn >= len(bcr):
        return False
    f = DBGBCR.unpack(bcr[lbn])
    return bool(f["E"]) and f["BT"] in (0b0011, 0b1001, 0b1011) and ref_context(f["BT"], bvr[lbn], bxvr[lbn],
                                                                              ctxid, vmid)


def ref_breakpoint(n: int, bvr: List[int], bcr: List[int], bxvr: List[int], va: int, thumb: bool, pl: int,
                   secure: bool, ctxid: int, vmid: Optional[int]) -> bool:
    f = DBGBCR.unpack(bcr[n])
    if not f["E"] or state_name(secure, pl) not in ref_states(f["PMC"], f["SSC"], f["HMC"]):
        return False
    bt = f["BT"]
    if bt in (0b0000, 0b0001):
        return ref_addr_match(bvr[n], f["BAS"], va, thumb) and (
            bt == 0 or ref_linked(f["LBN"], bvr, bcr, bxvr, ctxid, vmid))
    if bt in (0b0100, 0b0101):
        return not ref_addr_match(bvr[n], f["BAS"], va, thumb) and (
            bt == 0b0100 or ref_linked(f["LBN"], bvr, bcr, bxvr, ctxid, vmid))
    if bt in (0b0010, 0b1000, 0b1010):
        return n >= CTX_FIRST and ref_context(bt, bvr[n], bxvr[n], ctxid, vmid)
    return False


def ref_watched(wvr: int, wcr: int, addr: int) -> bool:
    """C3.4 / C11.11 DBGWCR, DBGWVR: is the byte at ``addr`` watched?"""
    f = DBGWCR.unpack(wcr)
    mask = f["MASK"]
    if mask in (1, 2):
        return False
    if mask:
        return addr >> mask == wvr >> mask  # the aligned 2^MASK block holding DBGWVR
    if wvr & 4:
        return addr in {(wvr & ~3) + i for i in range(4) if f["BAS"] >> i & 1}
    return addr in {(wvr & ~7) + i for i in range(8) if f["BAS"] >> i & 1}


# -- strategies ---------------------------------------------------------------------------

u32 = st.integers(0, 0xFFFFFFFF)
# Biased toward enabled, matching settings so that events happen often; every value stays reachable.
enable = st.sampled_from((1, 1, 1, 0))
pmcs = st.sampled_from((3, 3, 1, 2, 0))
sscs = st.sampled_from((0, 0, 1, 2, 3))
bas4 = st.one_of(st.sampled_from((0b1111, 0b0011, 0b1100)), st.integers(0, 15))
bts = st.one_of(st.sampled_from((0, 0, 1, 4, 5, 2, 8, 10, 3, 9, 11)), st.integers(0, 15))
bcr_values = st.builds(
    lambda e, pmc, bas, hmc, ssc, lbn, bt: DBGBCR.pack(E=e, PMC=pmc, BAS=bas, HMC=hmc, SSC=ssc, LBN=lbn, BT=bt),
    enable, pmcs, bas4, st.integers(0, 1), sscs, st.one_of(st.sampled_from((4, 5)), st.integers(0, 15)), bts)
small_ids = st.integers(0, 3)  # context IDs / VMIDs from a small set so they collide often


@st.composite
def bp_case(draw):  # type: ignore[no-untyped-def]
    bvr = [draw(st.one_of(u32, small_ids)) & 0xFFFFFFFF for _ in range(BRPS)]
    bcr = [draw(bcr_values) for _ in range(BRPS)]
    bxvr = [draw(small_ids) for _ in range(BRPS)]
    n = draw(st.integers(0, BRPS - 1))
    thumb = draw(st.booleans())
    near = (bvr[n] & ~3) + draw(st.sampled_from((-4, -2, 0, 2, 4, 6)))
    va = draw(st.one_of(st.just(near), u32)) & 0xFFFFFFFF
    va &= ~1 if thumb else ~3
    pl = draw(st.integers(0, 2))
    secure = draw(st.booleans()) and pl < 2  # Hyp mode is Non-secure only
    ctxid = draw(small_ids)
    vmid = None if secure or pl == 2 else draw(small_ids)
    if draw(st.booleans()):  # often: a BRP enabled for every state, so the other fields decide
        bcr[n] |= DBGBCR.pack(E=1, PMC=3, HMC=1)
        bcr[n] &= ~DBGBCR["SSC"].mask
    return n, bvr, bcr, bxvr, va, thumb, pl, secure, ctxid, vmid


@given(bp_case())
def test_breakpoint_matches_reference(case) -> None:  # type: ignore[no-untyped-def]
    """C3.3 + C3.2: every DBGBCR field (E, PMC, BAS, HMC, SSC, LBN, BT) against the reference."""
    n, bvr, bcr, bxvr, va, thumb, pl, secure, ctxid, vmid = case
    got = match.breakpoint_fires(n, bvr, bcr, bxvr, CTX_FIRST, va, thumb, pl, secure, ctxid, vmid)
    assert got == ref_breakpoint(n, bvr, bcr, bxvr, va, thumb, pl, secure, ctxid, vmid)


@given(st.integers(0, 3), st.integers(0, 3), st.integers(0, 1), st.booleans(), st.integers(0, 2))
def test_state_filter_reference(pmc: int, ssc: int, hmc: int, secure: bool, pl: int) -> None:
    """C3.2: PMC/PAC, SSC, HMC select the states an event can happen in."""
    assert match.state_matches(pmc, ssc, hmc, secure, pl) == (state_name(secure, pl) in ref_states(pmc, ssc, hmc))


@st.composite
def wp_case(draw):  # type: ignore[no-untyped-def]
    wvr = draw(u32) & 0xFFFFFFFC
    wcr = DBGWCR.pack(E=draw(enable), PAC=draw(pmcs), LSC=draw(st.sampled_from((3, 3, 1, 2, 0))),
                      BAS=draw(st.one_of(st.sampled_from((0xFF, 0x0F, 0xF0, 0x01)), st.integers(0, 255))),
                      HMC=draw(st.integers(0, 1)), SSC=draw(sscs),
                      LBN=draw(st.one_of(st.sampled_from((4, 5)), st.integers(0, 15))),
                      WT=draw(st.sampled_from((0, 0, 1))),
                      MASK=draw(st.one_of(st.just(0), st.integers(0, 4), st.integers(0, 31))))
    size = draw(st.sampled_from((1, 2, 4)))
    addr = draw(st.one_of(st.integers(-8, 12).map(lambda d: (wvr & ~7) + d), u32)) & 0xFFFFFFFF
    addr = min(addr, (1 << 32) - size)  # accesses do not wrap around the address space
    bvr = [draw(small_ids) for _ in range(BRPS)]
    bcr = [draw(bcr_values) for _ in range(BRPS)]
    bxvr = [draw(small_ids) for _ in range(BRPS)]
    is_write = draw(st.booleans())
    pl = draw(st.integers(0, 2))
    secure = draw(st.booleans()) and pl < 2
    ctxid = draw(small_ids)
    vmid = None if secure or pl == 2 else draw(small_ids)
    if draw(st.booleans()):  # often: a WRP enabled for every state and access, so the others decide
        wcr = (wcr | DBGWCR.pack(E=1, PAC=3, HMC=1, LSC=3)) & ~DBGWCR["SSC"].mask
    return wvr, wcr, size, addr, bvr, bcr, bxvr, is_write, pl, secure, ctxid, vmid


@given(wp_case())
def test_watchpoint_matches_reference(case) -> None:  # type: ignore[no-untyped-def]
    """C3.4: every DBGWCR field (E, PAC, LSC, BAS, HMC, SSC, LBN, WT, MASK) against the reference."""
    wvr, wcr, size, addr, bvr, bcr, bxvr, is_write, pl, secure, ctxid, vmid = case
    got = match.watchpoint_fires(0, [wvr], [wcr], bvr, bcr, bxvr, CTX_FIRST, addr, size, is_write, pl, secure,
                                 ctxid, vmid)
    f = DBGWCR.unpack(wcr)
    want: Optional[int] = None
    lsc_ok = bool(f["LSC"] & (0b10 if is_write else 0b01))
    if f["E"] and lsc_ok and state_name(secure, pl) in ref_states(f["PAC"], f["SSC"], f["HMC"]):
        hits = sorted(a for a in range(addr, addr + size) if ref_watched(wvr, wcr, a))
        if hits and (not f["WT"] or ref_linked(f["LBN"], bvr, bcr, bxvr, ctxid, vmid)):
            want = hits[0]
    assert got == want


def test_thumb_halfword_select() -> None:
    """C3.3 Table "BAS for Thumb": 0011 the first halfword, 1100 the second, 1111 both."""
    assert match.address_matches(0x8000, 0b0011, 0x8000, True)
    assert not match.address_matches(0x8000, 0b0011, 0x8002, True)
    assert match.address_matches(0x8000, 0b1100, 0x8002, True)
    assert not match.address_matches(0x8000, 0b1100, 0x8000, True)
    assert match.address_matches(0x8000, 0b1111, 0x8002, True)
    assert match.address_matches(0x8000, 0b1111, 0x8000, False)
    assert not match.address_matches(0x8000, 0b0011, 0x8000, False)  # ARM needs 1111


def test_mask_watches_aligned_block() -> None:
    """C11.11 DBGWCR.MASK = 8: the 256-byte block holding DBGWVR, whatever BAS says."""
    wcr = DBGWCR.pack(E=1, PAC=3, LSC=3, BAS=0, MASK=8)
    assert match.watched_range(0x12345678 & ~3, wcr) == range(0x12345600, 0x12345700)
    assert match.watchpoint_fires(0, [0x12345678], [wcr], [], [], [], 4, 0x123456FF, 1, False, 1, True) == 0x123456FF
    assert match.watchpoint_fires(0, [0x12345678], [wcr], [], [], [], 4, 0x12345700, 1, False, 1, True) is None
