"""Breakpoint and watchpoint matching, as pure functions (DDI 0406C C3.2-C3.4, C11.11).

Nothing here touches a CPU: callers pass the register values and the state of
the access or instruction.  ``pl`` is the privilege level of the access: 0 (User,
or an unprivileged LDRT/STRT-class access), 1 (the other PL1 modes, Secure or
Non-secure) or 2 (Hyp).

Choices (reference kvm-arm-debug.md section 7, marked where the manual leaves a
value UNPREDICTABLE or reserved):

* Reserved PMC/SSC/HMC combinations are mapped onto valid ones: SSC 00 matches
  both Security states, 01 and 11 Non-secure only, 10 Secure only; then Hyp
  matches iff HMC, PL1 iff PMC[0], PL0 iff PMC[1].
* A linked context breakpoint's own PMC/SSC/HMC are ignored (only its E, type and
  context value count), as QEMU does.
* Reserved breakpoint types, watchpoint LSC = 00 and watchpoint MASK = 1 or 2 never
  match.
"""

from __future__ import annotations

from typing import Optional, Sequence

from armsim.debug.layouts import (
    BT_ADDR,
    BT_ADDR_LINKED,
    BT_CTX,
    BT_MISMATCH,
    BT_MISMATCH_LINKED,
    BT_VMID,
    BT_VMID_CTX,
    LINKABLE_CONTEXT_TYPES,
    LSC_LOAD,
    LSC_STORE,
)

MASK32 = 0xFFFFFFFF

# Types that compare an instruction address (and whether the sense is "mismatch").
ADDRESS_TYPES = frozenset((BT_ADDR, BT_ADDR_LINKED, BT_MISMATCH, BT_MISMATCH_LINKED))
MISMATCH_TYPES = frozenset((BT_MISMATCH, BT_MISMATCH_LINKED))
LINKED_TYPES = frozenset((BT_ADDR_LINKED, BT_MISMATCH_LINKED))
# Unlinked context types, which fire at any address whose context matches.
CONTEXT_TYPES = frozenset((BT_CTX, BT_VMID, BT_VMID_CTX))

# Thumb BAS values that select a halfword (C3.3 "Byte address selection"): 0011 the
# halfword at DBGBVR, 1100 the one at DBGBVR + 2, 1111 either.
_THUMB_BAS = frozenset((0b0011, 0b1100, 0b1111))


def state_matches(pmc: int, ssc: int, hmc: int, secure: bool, pl: int) -> bool:
    """C3.2 "Breakpoint and watchpoint state filtering" (PMC/PAC, SSC, HMC).

    ``pmc`` is DBGBCR.PMC or DBGWCR.PAC.  Reserved combinations: see the module doc.
    """
    if ssc == 0b10:
        if not secure:
            return False
    elif ssc and secure:
        return False
    if pl >= 2:
        return hmc == 1
    return bool(pmc & (0b10 if pl == 0 else 0b01))


def address_matches(bvr: int, bas: int, va: int, thumb: bool) -> bool:
    """C3.3 instruction address comparison with byte address select.

    An ARM instruction matches with BAS = 1111.  A Thumb instruction at VA matches
    when BAS selects the halfword VA[1] (0011: VA[1] = 0, 1100: VA[1] = 1, 1111:
    either).  UNPREDICTABLE (C3.3, other BAS values): we choose no match.  A 32-bit
    Thumb instruction is compared by its first halfword only (choice).
    """
    if (bvr ^ va) & 0xFFFFFFFC:
        return False
    if not thumb:
        return bas == 0b1111
    if bas not in _THUMB_BAS:
        return False
    return bool((bas >> (2 * ((va >> 1) & 1))) & 3)


def context_matches(bt: int, bvr: int, bxvr: int, contextidr: int, vmid: Optional[int]) -> bool:
    """The context part of BT: CONTEXTIDR == DBGBVR (0x1x types), VMID == DBGBXVR.VMID (1x0x types).

    ``vmid`` is None outside Non-secure PL0/PL1, where no VMID applies (C3.3: VMID
    matching is only for Non-secure PL0 and PL1).
    """
    base = bt & 0b1110
    if base == BT_CTX:
        return bvr == contextidr
    if base == BT_VMID:
        return vmid is not None and (bxvr & 0xFF) == vmid
    if base == BT_VMID_CTX:
        return vmid is not None and (bxvr & 0xFF) == vmid and bvr == contextidr
    return False


def linked_context_matches(
    lbn: int,
    bvr: Sequence[int],
    bcr: Sequence[int],
    bxvr: Sequence[int],
    ctx_first: int,
    contextidr: int,
    vmid: Optional[int],
) -> bool:
    """C3.3 linked comparisons: BRP ``lbn`` must exist, be context-capable, enabled,
    of a linkable context type and match (otherwise no event: choice, as QEMU)."""
    if not ctx_first <= lbn < len(bcr):
        return False
    ctrl = bcr[lbn]
    if not ctrl & 1:
        return False
    bt = (ctrl >> 20) & 0xF
    if bt not in LINKABLE_CONTEXT_TYPES:
        return False
    return context_matches(bt, bvr[lbn], bxvr[lbn], contextidr, vmid)


def breakpoint_fires(
    n: int,
    bvr: Sequence[int],
    bcr: Sequence[int],
    bxvr: Sequence[int],
    ctx_first: int,
    va: int,
    thumb: bool,
    pl: int,
    secure: bool,
    contextidr: int = 0,
    vmid: Optional[int] = None,
) -> bool:
    """C3.3 "Breakpoint debug events": does BRP ``n`` match the instruction at ``va``?

    ``bxvr`` holds DBGBXVRn (0 for BRPs without one).  ``ctx_first`` is the lowest
    context-capable BRP.  Enabling (MDBGen, OS Lock, Hyp mode) is the caller's.
    """
    ctrl = bcr[n]
    if not ctrl & 1:
        return False
    pmc = (ctrl >> 1) & 3
    hmc = (ctrl >> 13) & 1
    ssc = (ctrl >> 14) & 3
    if not state_matches(pmc, ssc, hmc, secure, pl):
        return False
    bt = (ctrl >> 20) & 0xF
    if bt in ADDRESS_TYPES:
        hit = address_matches(bvr[n], (ctrl >> 5) & 0xF, va, thumb)
        if bt in MISMATCH_TYPES:
            hit = not hit
        if not hit:
            return False
        if bt in LINKED_TYPES:
            lbn = (ctrl >> 16) & 0xF
            return linked_context_matches(lbn, bvr, bcr, bxvr, ctx_first, contextidr, vmid)
        return True
    if bt in CONTEXT_TYPES:
        return n >= ctx_first and context_matches(bt, bvr[n], bxvr[n], contextidr, vmid)
    return False  # linkable context types never fire alone; reserved types never match


def watched_range(wvr: int, wcr: int) -> Optional[range]:
    """The bytes a WRP can watch: an aligned 2^MASK block, or the doubleword holding DBGWVR.

    Returns None for MASK = 1 or 2 (reserved: choice, disabled).  With MASK = 0 the
    range is the doubleword; :func:`watched_byte` applies BAS within it.
    """
    mask = (wcr >> 24) & 0x1F
    if mask == 0:
        base = wvr & 0xFFFFFFF8
        return range(base, base + 8)
    if mask < 3:
        return None
    size = 1 << mask
    base = wvr & ~(size - 1) & MASK32
    return range(base, base + size)


def watched_byte(wvr: int, wcr: int, addr: int) -> bool:
    """C3.4 watchpoint address comparison for one byte (BAS, MASK; C11.11 DBGWVR, DBGWCR).

    MASK = 0: BAS bit i watches byte i of the doubleword at DBGWVR[31:3]; when
    DBGWVR[2] = 1 only BAS[3:0] is used, for bytes 4-7 (the word at DBGWVR).
    MASK >= 3: every byte of the block.  UNPREDICTABLE (C11.11 DBGWCR: MASK != 0 with
    BAS != 0xFF): we choose to ignore BAS.
    """
    r = watched_range(wvr, wcr)
    if r is None or addr not in r:
        return False
    if (wcr >> 24) & 0x1F:
        return True
    bas = (wcr >> 5) & 0xFF
    i = addr & 7
    if wvr & 4:
        return i >= 4 and bool((bas >> (i - 4)) & 1)
    return bool((bas >> i) & 1)


def watchpoint_fires(
    n: int,
    wvr: Sequence[int],
    wcr: Sequence[int],
    bvr: Sequence[int],
    bcr: Sequence[int],
    bxvr: Sequence[int],
    ctx_first: int,
    addr: int,
    size: int,
    is_write: bool,
    pl: int,
    secure: bool,
    contextidr: int = 0,
    vmid: Optional[int] = None,
) -> Optional[int]:
    """C3.4 "Watchpoint debug events": the lowest watched byte of the access, or None.

    ``pl`` is the access's privilege (0 for an unprivileged LDRT/STRT at PL1).
    """
    ctrl = wcr[n]
    if not ctrl & 1:
        return None
    lsc = (ctrl >> 3) & 3
    if not lsc & (LSC_STORE if is_write else LSC_LOAD):
        return None
    pac = (ctrl >> 1) & 3
    hmc = (ctrl >> 13) & 1
    ssc = (ctrl >> 14) & 3
    if not state_matches(pac, ssc, hmc, secure, pl):
        return None
    hit = None
    v = wvr[n]
    for i in range(size):
        a = (addr + i) & MASK32
        if watched_byte(v, ctrl, a):
            hit = a
            break
    if hit is None:
        return None
    if (ctrl >> 20) & 1:
        lbn = (ctrl >> 16) & 0xF
        if not linked_context_matches(lbn, bvr, bcr, bxvr, ctx_first, contextidr, vmid):
            return None
    return hit
