"""Hypothesis strategies for trap-dispatch tests: accesses, register values, debug programs, streams, tables.

Every strategy returns plain data (:class:`~armsim.testing.encodings.CoprocInsn`,
:class:`~armsim.testing.oracles.TrapState`, integers, tuples), so a test can
feed it to the simulator and to the oracles alike::

    from hypothesis import given
    from armsim.testing import strategies as st_arm
    from armsim.testing.oracles import expected_trap

    @given(st_arm.coproc_accesses(), st_arm.trap_states())
    def test_my_dispatch(access, state):
        want = expected_trap(access, state)
        ...

Register values are drawn field by field from the layouts of
:mod:`armsim.testing.manual` (or any :class:`~armsim.layout.Layout`), so
every field takes its extreme and middle values often and reserved bits
stay zero unless asked for.
"""

from __future__ import annotations

import struct
from typing import Any, Callable, List, NamedTuple, Optional, Sequence, Tuple, Union

from hypothesis import strategies as st

from armsim.layout import Layout
from armsim.testing.catalogue import Catalogue, RefReg
from armsim.testing.encodings import AL, KINDS, CoprocInsn
from armsim.testing.manual import DBGBCR, DBGDSCR, DBGWCR, LAYOUTS
from armsim.testing.oracles import HYP, SVC, USR, TableRow, TrapState
from armsim.timing.profiles import CpuProfile, get_profile

ProfileArg = Union[str, CpuProfile]


def _profile(p: ProfileArg) -> CpuProfile:
    return get_profile(p) if isinstance(p, str) else p


def catalogue_of(profile: ProfileArg = "cortex-a15") -> Catalogue:
    """The reference register catalogue of a CPU profile (its BRP/WRP/context counts)."""
    prof = _profile(profile)
    return Catalogue(prof.brps, prof.wrps, prof.ctx_cmps)


# -- register values ---------------------------------------------------------------------------


def register_values(layout: Union[str, Layout], fields: Optional[Sequence[str]] = None,
                    reserved: bool = False) -> st.SearchStrategy[int]:
    """Values of a register drawn field by field from its layout.

    ``layout`` is a :class:`~armsim.layout.Layout` or the name of one in
    :data:`armsim.testing.manual.LAYOUTS` (HCR, HDCR, HSTR, HCPTR, DBGDSCR,
    DBGBCR, DBGWCR).  ``fields`` limits the fields that may be non-zero;
    ``reserved`` also sets undefined bits at random.

    >>> from hypothesis import given
    >>> @given(register_values("HDCR", fields=["TDA", "TDE"]))
    ... def check(v):
    ...     assert v & ~0x300 == 0
    >>> check()
    """
    lay = LAYOUTS[layout] if isinstance(layout, str) else layout
    chosen = [lay[f] for f in fields] if fields is not None else list(lay)

    k = len(chosen)
    width_mask = (1 << lay.width) - 1
    rsv = ~lay.defined_mask & width_mask

    def combine(nonzero: int, ones: int, raw: int, extra: int) -> int:
        value = 0
        for i, f in enumerate(chosen):
            if nonzero >> i & 1:
                value |= f.mask if ones >> i & 1 else raw & f.mask
        return value | (extra & rsv)

    # Which fields are non-zero, which of those are all ones, the raw bits of the others, reserved bits:
    # a few draws whatever the layout, shrinking towards 0 (no field set).
    sel = st.integers(0, (1 << k) - 1)
    dense = st.builds(combine, sel, sel, st.integers(0, width_mask),
                      st.integers(0, width_mask) if reserved else st.just(0))
    # One field alone (all ones), so that each control is also seen by itself: a test then tells
    # "this bit traps it" from "some bit traps it".
    single = st.sampled_from([f.mask for f in chosen]) if chosen else st.just(0)
    return st.one_of(dense, single)


def hcr_values(**kw: Any) -> st.SearchStrategy[int]:
    """HCR values (B4.1.65); keyword arguments as :func:`register_values`."""
    return register_values("HCR", **kw)


def hdcr_values(**kw: Any) -> st.SearchStrategy[int]:
    """HDCR values (B4.1.66)."""
    return register_values("HDCR", **kw)


def hstr_values(**kw: Any) -> st.SearchStrategy[int]:
    """HSTR values (B4.1.74): T4 and T14 stay zero."""
    return register_values("HSTR", **kw)


def hcptr_values(**kw: Any) -> st.SearchStrategy[int]:
    """HCPTR values (B4.1.67)."""
    return register_values("HCPTR", **kw)


def dbgdscr_values(**kw: Any) -> st.SearchStrategy[int]:
    """DBGDSCR values (C11.11)."""
    return register_values("DBGDSCR", **kw)


def dbgbcr_values(valid: bool = False, **kw: Any) -> st.SearchStrategy[int]:
    """DBGBCR values (C11.11).  ``valid``: an enabled unlinked address match that a v7.1 core honours.

    Valid: E = 1, BT = 0000, BAS 0b0011 / 0b1100 / 0b1111, PMC 01/10/11, SSC 00,
    HMC 0, LBN 0, MASK 0 (C11.11 DBGBCR; the reserved combinations are left out).
    """
    if not valid:
        return register_values("DBGBCR", **kw)
    return st.builds(lambda bas, pmc: DBGBCR.pack(E=1, BAS=bas, PMC=pmc),
                     st.sampled_from((0b0011, 0b1100, 0b1111)), st.integers(1, 3))


def dbgwcr_values(valid: bool = False, **kw: Any) -> st.SearchStrategy[int]:
    """DBGWCR values (C11.11).  ``valid``: an enabled watchpoint of 1, 2 or 4 aligned bytes, any LSC but 00."""
    if not valid:
        return register_values("DBGWCR", **kw)
    return st.builds(lambda bas, lsc, pac: DBGWCR.pack(E=1, BAS=bas, LSC=lsc, PAC=pac),
                     st.sampled_from((0x01, 0x02, 0x04, 0x08, 0x03, 0x0C, 0x0F, 0xF0, 0xFF)),
                     st.integers(1, 3), st.integers(1, 3))


# -- trap states -------------------------------------------------------------------------------


def trap_states(modes: Sequence[int] = (USR, SVC, HYP), ns: Optional[bool] = True,
                profile: ProfileArg = "cortex-a15") -> st.SearchStrategy[TrapState]:
    """:class:`TrapState` values: a mode, a security state and HCR/HDCR/HSTR/HCPTR/DBGDSCR/PMUSERENR/NZCV.

    ``ns`` None draws both security states (Hyp mode only Non-secure; pass MON
    in ``modes`` for Monitor mode).  The debug counts come from ``profile``.

    >>> from hypothesis import given
    >>> @given(trap_states(modes=[HYP]))
    ... def check(s):
    ...     assert s.mode == HYP and s.ns
    >>> check()
    """
    prof = _profile(profile)
    pairs: List[Tuple[int, bool]] = []
    for mode in modes:
        for nsv in ((True, False) if ns is None else (ns,)):
            if mode == HYP and not nsv:
                if ns is False:
                    raise ValueError("Hyp mode exists only in Non-secure state")
                continue
            pairs.append((mode, nsv))

    def make(mode_ns: Tuple[int, bool], hcr: int, hdcr: int, hstr: int, hcptr: int, dscr: int, pmu: int,
             nzcv: int) -> TrapState:
        return TrapState(mode_ns[0], mode_ns[1], hcr, hdcr, hstr, hcptr, dscr, pmu, nzcv, prof.brps, prof.wrps,
                         prof.ctx_cmps)

    return st.builds(make, st.sampled_from(pairs), hcr_values(), hdcr_values(), hstr_values(), hcptr_values(),
                     dbgdscr_values(fields=["UDCCdis", "MDBGen"]), st.integers(0, 1), st.integers(0, 15))


# -- coprocessor accesses ----------------------------------------------------------------------

_REGS = st.integers(0, 12)  # never SP or PC: no UNPREDICTABLE operand in either instruction set


def _operands(draw: Any, kind: str, valid: bool) -> Tuple[int, int]:
    if not valid:
        return draw(st.integers(0, 15)), draw(st.integers(0, 15))
    rt = draw(_REGS)
    rt2 = draw(_REGS.filter(lambda r: r != rt)) if kind in ("MCRR", "MRRC") else 0
    return rt, rt2


def _condition(draw: Any, isa: str, conditional: bool) -> Tuple[int, int]:
    if not conditional:
        return AL, 1
    cond = draw(st.one_of(st.just(AL), st.integers(0, 14)))
    it_length = draw(st.integers(1, 4)) if isa == "T32" and cond != AL else 1
    return cond, it_length


def _from_register(draw: Any, reg: RefReg, isa: str, conditional: bool, allowed: Sequence[str]) -> CoprocInsn:
    readable = any(t in reg.access for t in ("R0", "R1", "RH"))
    writable = any(t in reg.access for t in ("W0", "W1", "WH"))
    if reg.is64:
        kinds = (["MRRC"] if readable else []) + (["MCRR"] if writable and reg.cp == 15 else [])
    else:
        kinds = (["MRC"] if readable else []) + (["MCR"] if writable else [])
    kind = draw(st.sampled_from([k for k in kinds if k in allowed]))
    rt, rt2 = _operands(draw, kind, True)
    cond, it_length = _condition(draw, isa, conditional)
    return CoprocInsn(kind, reg.cp, reg.opc1, reg.crn, reg.crm, reg.opc2, rt=rt, rt2=rt2, cond=cond, isa=isa,
                      it_length=it_length)


def _dcc_load_store(draw: Any, isa: str, conditional: bool, allowed: Sequence[str]) -> CoprocInsn:
    """LDC/STC p14, c5 (DBGDTRTXint/DBGDTRRXint, C6.4.2), any addressing mode that is not UNPREDICTABLE."""
    kind = draw(st.sampled_from([k for k in ("LDC", "STC") if k in allowed]))
    p, u, w = draw(st.sampled_from(((1, 1, 0), (1, 0, 0), (1, 1, 1), (1, 0, 1), (0, 1, 1), (0, 0, 1),
                                         (0, 1, 0))))
    rn = draw(_REGS)
    cond, it_length = _condition(draw, isa, conditional)
    return CoprocInsn(kind, 14, rt=rn, cond=cond, isa=isa, crd=5, imm8=draw(st.integers(0, 255)), p=p, u=u,
                      w=w, it_length=it_length)


def _any_fields(draw: Any, coproc: Sequence[int], kinds: Sequence[str], isa: str, conditional: bool) -> CoprocInsn:
    kind = draw(st.sampled_from(list(kinds)))
    cp = draw(st.sampled_from(list(coproc)))
    rt, rt2 = _operands(draw, kind, draw(st.booleans()))
    cond, it_length = _condition(draw, isa, conditional)
    two = draw(st.integers(0, 9)) == 0
    if kind in ("LDC", "STC"):
        p, u, w = draw(st.sampled_from([(p, u, w) for p in (0, 1) for u in (0, 1) for w in (0, 1)
                                             if p or u or w]))
        return CoprocInsn(kind, cp, rt=rt, cond=cond, isa=isa, two=two, crd=draw(st.integers(0, 15)),
                          imm8=draw(st.integers(0, 255)), p=p, u=u, w=w, d=draw(st.integers(0, 1)),
                          it_length=it_length)
    opc1 = draw(st.integers(0, 15 if kind in ("MCRR", "MRRC") else 7))
    return CoprocInsn(kind, cp, opc1, draw(st.integers(0, 15)), draw(st.integers(0, 15)),
                      draw(st.integers(0, 7)), rt=rt, rt2=rt2, cond=cond, isa=isa, two=two,
                      it_length=it_length)


def coproc_accesses(coproc: Sequence[int] = (14, 15), kinds: Sequence[str] = KINDS,
                    isa: Sequence[str] = ("A32", "T32"), valid: Optional[bool] = None,
                    conditional: bool = True, profile: ProfileArg = "cortex-a15",
                    catalogue: Optional[Catalogue] = None) -> st.SearchStrategy[CoprocInsn]:
    """MCR/MRC/MCRR/MRRC/LDC/STC to CP14/CP15, in A32 or T32, with condition codes and IT blocks.

    ``valid`` True: an access to a register the profile implements, in a
    direction it has, with operands that are not UNPREDICTABLE (the DCC
    LDC/STC included); False: any field values, including the "2" forms,
    SP/PC operands, unallocated encodings; None (default): both.
    ``conditional`` False keeps every access unconditional (AL).

    >>> from hypothesis import given
    >>> @given(coproc_accesses(coproc=[14], kinds=["MRC"], valid=True, conditional=False))
    ... def check(a):
    ...     assert a.kind == "MRC" and a.coproc == 14 and a.cond == 0xE
    >>> check()
    """
    cat = catalogue if catalogue is not None else catalogue_of(profile)
    kinds = tuple(kinds)
    regs = [r for r in cat if r.cp in coproc and _kind_fits(r, kinds)]
    dcc = 14 in coproc and ("LDC" in kinds or "STC" in kinds)
    if valid and not regs and not dcc:
        raise ValueError(f"no modelled register is reachable with kinds {kinds} on coprocessors {tuple(coproc)}")

    @st.composite
    def draw_valid(draw: Any) -> CoprocInsn:
        set_ = draw(st.sampled_from(list(isa)))
        if dcc and (not regs or draw(st.integers(0, 7)) == 0):
            return _dcc_load_store(draw, set_, conditional, kinds)
        reg = draw(st.sampled_from(regs))
        return _from_register(draw, reg, set_, conditional, kinds)

    @st.composite
    def draw_any(draw: Any) -> CoprocInsn:
        return _any_fields(draw, coproc, kinds, draw(st.sampled_from(list(isa))), conditional)

    if valid is True:
        return draw_valid()
    if valid is False:
        return draw_any()
    return st.one_of(draw_valid(), draw_any())


def _kind_fits(reg: RefReg, kinds: Sequence[str]) -> bool:
    readable = any(t in reg.access for t in ("R0", "R1", "RH"))
    writable = any(t in reg.access for t in ("W0", "W1", "WH"))
    if reg.is64:
        return ("MRRC" in kinds and readable) or ("MCRR" in kinds and writable and reg.cp == 15)
    return ("MRC" in kinds and readable) or ("MCR" in kinds and writable)


# -- guest debug-register programs -------------------------------------------------------------


class DebugStep(NamedTuple):
    """One step of a guest debug program: the access and, for a write, the value written."""

    insn: CoprocInsn
    register: str
    value: Optional[int] = None


def _mcr(reg: RefReg, rt: int = 0) -> CoprocInsn:
    return CoprocInsn("MCR", 14, reg.opc1, reg.crn, reg.crm, reg.opc2, rt=rt)


def _mrc(reg: RefReg, rt: int = 0) -> CoprocInsn:
    return CoprocInsn("MRC", 14, reg.opc1, reg.crn, reg.crm, reg.opc2, rt=rt)


def debug_programs(profile: ProfileArg = "cortex-a15", max_steps: int = 12,
                   mdbgen: Optional[bool] = None) -> st.SearchStrategy[Tuple[DebugStep, ...]]:
    """Guest programs of PL1 debug-register accesses valid for ``profile``.

    Steps are reads and writes of the switched registers of the implemented
    pairs (never DBGBVR6 on a 6-BRP core), breakpoint setups (DBGBVRn then an
    enabled, valid DBGBCRn) and watchpoint setups (DBGWVRn, DBGWCRn), and
    writes of DBGDSCRext that set or clear MDBGen (``mdbgen`` False: never
    set, True: the program starts by setting it).  Every access is an
    unconditional A32 MCR/MRC with Rt in r0-r12.

    >>> from hypothesis import given
    >>> @given(debug_programs("cortex-a7", mdbgen=False))
    ... def check(prog):
    ...     assert all(s.register != "DBGBVR6" for s in prog)
    >>> check()
    """
    prof = _profile(profile)
    cat = catalogue_of(prof)
    pairs = [f"DBGBVR{n}" for n in range(prof.brps)] + [f"DBGBCR{n}" for n in range(prof.brps)]
    pairs += [f"DBGWVR{n}" for n in range(prof.wrps)] + [f"DBGWCR{n}" for n in range(prof.wrps)]
    pairs += [f"DBGBXVR{n}" for n in range(prof.brps - prof.ctx_cmps, prof.brps)] + ["DBGVCR"]
    addr = st.integers(0, 0x3FFFFFFF).map(lambda x: x << 2)
    mdbgen_bit = DBGDSCR["MDBGen"].mask

    @st.composite
    def step(draw: Any) -> List[DebugStep]:
        what = draw(st.sampled_from(("read", "write", "breakpoint", "watchpoint", "dscr")))
        rt = draw(_REGS)
        if what == "breakpoint":
            n = draw(st.integers(0, prof.brps - 1))
            bvr, bcr = cat.named(14, f"DBGBVR{n}"), cat.named(14, f"DBGBCR{n}")
            return [DebugStep(_mcr(bvr, rt), bvr.name, draw(addr)),
                    DebugStep(_mcr(bcr, rt), bcr.name, draw(dbgbcr_values(valid=True)))]
        if what == "watchpoint":
            n = draw(st.integers(0, prof.wrps - 1))
            wvr, wcr = cat.named(14, f"DBGWVR{n}"), cat.named(14, f"DBGWCR{n}")
            return [DebugStep(_mcr(wvr, rt), wvr.name, draw(addr)),
                    DebugStep(_mcr(wcr, rt), wcr.name, draw(dbgwcr_values(valid=True)))]
        if what == "dscr" and mdbgen is not False:
            reg = cat.named(14, "DBGDSCRext")
            return [DebugStep(_mcr(reg, rt), reg.name, draw(st.sampled_from((0, mdbgen_bit))))]
        reg = cat.named(14, draw(st.sampled_from(pairs)))
        if what == "write":
            return [DebugStep(_mcr(reg, rt), reg.name, draw(st.integers(0, 0xFFFFFFFF)))]
        return [DebugStep(_mrc(reg, rt), reg.name)]

    @st.composite
    def program(draw: Any) -> Tuple[DebugStep, ...]:
        steps: List[DebugStep] = []
        if mdbgen:
            reg = cat.named(14, "DBGDSCRext")
            steps.append(DebugStep(_mcr(reg), reg.name, mdbgen_bit))
        for chunk in draw(st.lists(step(), min_size=1, max_size=max(1, max_steps // 2))):
            steps.extend(chunk)
        return tuple(steps[:max(max_steps, 2)])

    return program()


# -- guest instruction streams that end in a trap ---------------------------------------------


class GuestStream(NamedTuple):
    """A small guest program: ``code`` (little-endian) whose last instruction, at ``trap_offset``, traps.

    ``end`` names the last instruction: "coproc" (then ``access`` is it), "hvc",
    "smc" or "wfi".  ``body`` is the number of instructions before it.
    """

    isa: str
    code: bytes
    body: int
    trap_offset: int
    end: str
    access: Optional[CoprocInsn] = None


def _a32_filler(draw: Any) -> int:
    """A8.8.2 ADD / A8.8.104 MOV / A8.8.46 EOR / A8.8.122 ORR (immediate), AL, on r0-r7, no flags."""
    op = draw(st.sampled_from((0b0100, 0b1101, 0b0001, 0b1100)))
    rd, rn = draw(st.integers(0, 7)), draw(st.integers(0, 7))
    if op == 0b1101:
        rn = 0
    return 0xE2000000 | op << 21 | rn << 16 | rd << 12 | draw(st.integers(0, 0xFFF))


def _t16_filler(draw: Any) -> int:
    """A8.8.105 MOVS (immediate) T1 / A8.8.5 ADDS (immediate) T2 on r0-r7 (outside IT blocks)."""
    op = draw(st.sampled_from((0x2000, 0x3000)))
    return op | draw(st.integers(0, 7)) << 8 | draw(st.integers(0, 255))


def guest_streams(isa: Sequence[str] = ("A32", "T32"), ends: Sequence[str] = ("coproc", "hvc", "smc", "wfi"),
                  max_body: int = 8, profile: ProfileArg = "cortex-a15") -> st.SearchStrategy[GuestStream]:
    """Small guest instruction streams: up to ``max_body`` data-processing instructions, then a trap.

    The final instruction is a valid unconditional CP14/CP15 access (it traps
    under the matching HSTR/HCR/HDCR bit), HVC (B9.3.4), SMC (B9.3.10, traps
    under HCR.TSC) or WFI (A8.8.425, traps under HCR.TWI).

    >>> from hypothesis import given
    >>> @given(guest_streams(isa=["A32"], ends=["hvc"]))
    ... def check(s):
    ...     assert s.trap_offset == 4 * s.body and len(s.code) == s.trap_offset + 4
    ...     assert int.from_bytes(s.code[s.trap_offset:], "little") & 0xFFF000F0 == 0xE1400070  # HVC
    >>> check()
    """
    accesses = coproc_accesses(valid=True, conditional=False, kinds=("MCR", "MRC", "MCRR", "MRRC"),
                               isa=("A32",), profile=profile)

    @st.composite
    def gen(draw: Any) -> GuestStream:
        set_ = draw(st.sampled_from(list(isa)))
        n = draw(st.integers(0, max_body))
        end = draw(st.sampled_from(list(ends)))
        access = None
        if set_ == "A32":
            code = b"".join(struct.pack("<I", _a32_filler(draw)) for _ in range(n))
            offset = len(code)
            if end == "coproc":
                access = draw(accesses)
                last = access.encode()
            else:
                imm = draw(st.integers(0, 0xFFFF))
                word = {"hvc": 0xE1400070 | (imm >> 4) << 8 | (imm & 0xF), "smc": 0xE1600070,
                        "wfi": 0xE320F003}[end]
                last = struct.pack("<I", word)
        else:
            code = b"".join(struct.pack("<H", _t16_filler(draw)) for _ in range(n))
            offset = len(code)
            if end == "coproc":
                access = draw(accesses)._replace(isa="T32")
                last = access.encode()
            else:
                imm = draw(st.integers(0, 0xFFFF))
                hws = {"hvc": (0xF7E0 | imm >> 12, 0x8000 | (imm & 0xFFF)), "smc": (0xF7F0, 0x8000),
                       "wfi": (0xBF30,)}[end]
                last = struct.pack(f"<{len(hws)}H", *hws)
        return GuestStream(set_, code + last, n, offset, end, access)

    return gen()


# -- whole trap tables -------------------------------------------------------------------------


class TableCase(NamedTuple):
    """A generated trap table: ``rows``, its ``kind`` ("valid", "misordered", "duplicated") and the
    adjacent pair a correct order check must name (None for a valid table)."""

    rows: Tuple[Any, ...]
    kind: str
    bad_pair: Optional[Tuple[int, int]]


def trap_tables(kinds: Sequence[str] = ("valid", "misordered", "duplicated"), coproc: int = 14,
                profile: ProfileArg = "cortex-a15", min_rows: int = 2, max_rows: int = 24,
                make_row: Callable[[TableRow], Any] = lambda r: r) -> st.SearchStrategy[TableCase]:
    """Trap tables for testing table checks: sorted unique rows, or one adjacent pair swapped or repeated.

    Rows are encodings of the profile's modelled registers on ``coproc`` as
    :class:`~armsim.testing.oracles.TableRow`; ``make_row`` turns each into the
    user's row type (for instance ``lambda r: CoprocReg(r.Op1, r.CRn, ...)``).

    >>> from hypothesis import given
    >>> from armsim.testing.oracles import table_order_problem
    >>> @given(trap_tables())
    ... def check(case):
    ...     assert table_order_problem(case.rows) == case.bad_pair
    >>> check()
    """
    from armsim.testing.oracles import row_order_key

    cat = catalogue_of(profile)
    universe = sorted({TableRow(r.opc1, r.crm if r.is64 else r.crn, 0 if r.is64 else r.crm, r.opc2, r.is64,
                                r.name) for r in cat if r.cp == coproc}, key=row_order_key)
    if len(universe) < max(min_rows, 2):
        raise ValueError(f"CP{coproc} has too few modelled registers for a table")

    @st.composite
    def gen(draw: Any) -> TableCase:
        kind = draw(st.sampled_from(list(kinds)))
        idx = draw(st.lists(st.integers(0, len(universe) - 1), min_size=max(min_rows, 2),
                                 max_size=min(max_rows, len(universe)), unique=True))
        rows = [universe[i] for i in sorted(idx)]
        bad: Optional[Tuple[int, int]] = None
        if kind != "valid":
            i = draw(st.integers(0, len(rows) - 2))
            if kind == "misordered":
                rows[i], rows[i + 1] = rows[i + 1], rows[i]
            else:
                rows[i + 1] = rows[i]
            bad = (i, i + 1)
        return TableCase(tuple(make_row(r) for r in rows), kind, bad)

    return gen()
