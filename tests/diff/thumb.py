"""The differential harness in Thumb state (DDI 0406C A6; DESIGN.md section 6).

Code is a list of halfwords at ``CODE``; both emulators start in Thumb state
and are single-stepped (unicorn mis-executes IT blocks when it runs several
instructions at a time).  unicorn reports no ITSTATE, so the harness tracks
it (A2.5.2: IT sets it, every other instruction applies ITAdvance) and
compares armsim's ITSTATE with the tracked value after every step; the CPSR's
IT bits are left out of the register comparison.

Encodings come from the rows of :mod:`armsim.isa.t32` (their patterns are the
manual's diagrams): a row is drawn, its fields get random values, should-be
bits their should-be values; a word the row's adapter calls UNPREDICTABLE is
rejected (``assume``).  The values the generated code computes on, and
whether a word is UNDEFINED, are what unicorn checks.
"""

from __future__ import annotations

import random
import struct
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from hypothesis import assume
from hypothesis import strategies as st

from armsim.cpu.psr import ITAdvance
from armsim.isa import t32
from armsim.isa.contract import Undefined
from armsim.isa.decoder import Row
from tests.diff import harness as h
from tests.diff.harness import CODE, MEM_SIZE, WINDOW, ArmsimSide, Mismatch, Result, State, record
from tests.row_encodings import encode as row_encode

__all__ = ["ITAdvance", "run_thumb", "thumb_case"]

MASK32 = 0xFFFFFFFF
# CPSR bits compared in Thumb state: as in ARM state without IT<7:0> (bits 26:25 and 15:10).
IT_BITS = (3 << 25) | (0x3F << 10)
CPSR_MASK_T = h.CPSR_MASK & ~IT_BITS


def image(hws: Sequence[int], state: State) -> bytes:
    """The A32 harness's RAM with Thumb code at CODE.

    Every word of the data window with address<1:0> == '10' gets bit 1 cleared: a PC loaded from
    it (LDR PC, POP/LDM {..., PC}) would be an UNPREDICTABLE ARM target (A2.3.2 LoadWritePC).
    """
    code = struct.pack(f"<{len(hws)}H", *hws)
    ram = bytearray(h.image([], state))
    for a in range(WINDOW, WINDOW + h.WINDOW_SIZE, 4):
        if ram[a] & 3 == 2:
            ram[a] &= 0xFC
    ram[CODE : CODE + len(code)] = code
    return bytes(ram)


def _unicorn_step(us: h.UnicornSide, thumb: int) -> Optional[str]:
    """One instruction in unicorn in Thumb (``thumb``) or ARM state (bit 0 of the start address).

    unicorn ignores CPSR.T written through reg_write: the state comes from the start address.
    """
    from unicorn import UcError
    from unicorn import unicorn_const as ucc
    from unicorn.arm_const import UC_ARM_REG_PC

    uc = us.uc
    us.intr.clear()
    pc = uc.reg_read(UC_ARM_REG_PC)
    try:
        uc.emu_start(pc | thumb, h.UNTIL, count=1)
    except UcError as e:
        if e.errno == ucc.UC_ERR_FETCH_UNMAPPED and not us.intr and uc.reg_read(UC_ARM_REG_PC) != pc:
            return None
        if e.errno == ucc.UC_ERR_INSN_INVALID:
            return "UNDEFINED"
        return f"UcError: {e}"
    if us.intr:
        return h.INTR_NAMES.get(us.intr[0], f"interrupt {us.intr[0]}")
    return None


def track_it(it: int, hws: Sequence[int], pc: int) -> int:
    """The ITSTATE after the instruction at ``pc`` ran (A8.8.54 IT sets it; others ITAdvance)."""
    i = (pc - CODE) // 2
    if 0 <= i < len(hws):
        hw = hws[i]
        if hw & 0xFF00 == 0xBF00 and hw & 0xF:
            return hw & 0xFF
    return ITAdvance(it)


def _insn_starts(hws: Sequence[int]) -> List[int]:
    out, i = [], 0
    while i < len(hws):
        out.append(i)
        i += 2 if t32.is_32bit(hws[i]) else 1
    return out


def run_thumb(hws: Sequence[int], state: State, desc: str, cls: str, steps: Optional[int] = None) -> Result:
    """Run Thumb code from ``state`` in both emulators, comparing registers, flags, ITSTATE and memory."""
    record(cls, "generated")
    return h.against_clean_unicorn(cls, lambda us: _compare_thumb(hws, state, desc, cls, steps, us))


def _compare_thumb(hws: Sequence[int], state: State, desc: str, cls: str, steps: Optional[int],
                   us: h.UnicornSide) -> Result:
    """One run of :func:`run_thumb` against ``us``."""
    from unicorn.arm_const import UC_ARM_REG_CPSR, UC_ARM_REG_PC

    starts = _insn_starts(hws)
    n = len(starts) if steps is None else steps
    ram = image(hws, state)
    us.setup(ram, state)
    us.uc.reg_write(UC_ARM_REG_CPSR, state.cpsr() | 0x20)
    us.uc.reg_write(UC_ARM_REG_PC, CODE)
    aside = ArmsimSide(ram, state)
    aside.m.cpu.T = 1
    it = 0
    thumb = 1

    def fail(step: int, lines: List[str]) -> None:
        listing = []
        for k, i in enumerate(starts):
            w = hws[i] if not t32.is_32bit(hws[i]) else (hws[i] << 16) | hws[i + 1]
            size = 4 if t32.is_32bit(hws[i]) else 2
            row = t32.lookup(w, size)
            mark = "   <-- step" if k == step and len(starts) > 1 else ""
            listing.append(f"  {CODE + 2 * i:#07x}: {w:0{size * 2}x}  {row.name if row else 'UNDEFINED'}{mark}")
        raise Mismatch(f"{desc}: mismatch after step {step}\n" + "\n".join(listing)
                       + f"\nstart state: {state.describe()}\n" + "\n".join(lines))

    for i in range(n):
        pc = aside.m.cpu.regs[15]
        ta = aside.step()
        tu = _unicorn_step(us, thumb)
        # unicorn (QEMU) may run an IT instruction together with instructions of its block in one
        # step: step armsim on to unicorn's PC (sequential code only) before comparing.
        upc = us.uc.reg_read(UC_ARM_REG_PC)
        extra = 0
        # When unicorn trapped in such a block, step armsim on through the block to the trap.
        end = CODE + 2 * len(hws)
        while (ta is None and extra < 5 and CODE <= aside.m.cpu.regs[15] < end
               and ((tu is None and aside.m.cpu.regs[15] != upc and aside.m.cpu.regs[15] < upc <= end)
                    or (tu is not None and track_it(it, hws, pc) != 0))):
            it = track_it(it, hws, pc)
            pc = aside.m.cpu.regs[15]
            ta = aside.step()
            extra += 1
        if ta is not None or tu is not None:
            if ta is not None and tu is not None and ta == h.UC_TRAP_AS.get(tu, tu):
                record(cls, "filtered")
                record(cls, f"filtered: {ta}")
                return Result("filtered", i, ta)
            fail(i, [f"trap: armsim={ta} unicorn={tu}"])
        it = track_it(it, hws, pc)
        thumb = (us.uc.reg_read(UC_ARM_REG_CPSR) >> 5) & 1
        sa, su = aside.snapshot(None), us.snapshot(None)
        lines = [f"r{r}: armsim={sa.regs[r]:08x} unicorn={su.regs[r]:08x}" for r in range(16)
                 if sa.regs[r] != su.regs[r]]
        ca, cu = sa.cpsr & CPSR_MASK_T, su.cpsr & CPSR_MASK_T
        if ca != cu:
            lines.append(f"cpsr: armsim={ca:08x} unicorn={cu:08x} (xor {ca ^ cu:08x})")
        if it != aside.m.cpu.IT:
            lines.append(f"ITSTATE: armsim={aside.m.cpu.IT:02x} expected={it:02x}")
        ma, mu = aside.memory(), us.memory()
        if ma != mu:
            bad = [k for k in range(MEM_SIZE) if ma[k] != mu[k]]
            lines.append(f"memory differs at {len(bad)} byte(s), first {bad[0]:#x}")
        if lines:
            fail(i, lines)
        if sa.regs[15] >= CODE + 2 * len(hws) or sa.regs[15] < CODE:
            break  # left the code (a branch): nothing more to step
    record(cls, "compared")
    return Result("compared", n)


# -- encodings from the rows ----------------------------------------------------------------------

def encode(row: Row, fields: Dict[str, int], rnd: random.Random) -> int:
    """The word of ``row`` with ``fields`` (missing fields random), should-be bits as the manual says."""
    return row_encode(row, fields, rnd, edges=False)


def rows_of(items: Sequence[object]) -> List[Row]:
    out: List[Row] = []
    for item in items:
        out.extend(getattr(item, "rows", (item,)))  # type: ignore[arg-type]
    return out


def halfwords(word: int, width: int) -> List[int]:
    return [word] if width == 16 else [word >> 16, word & 0xFFFF]


def valid(word: int, width: int, info_key: int = CODE | 1, drawn: Optional[Row] = None) -> bool:
    """armsim's row for ``word`` accepts it (no UNPREDICTABLE / UNDEFINED from the adapter)."""
    from tests.helpers import TestMachine

    row = t32.lookup(word, width // 8)
    if row is None:
        return True  # UNDEFINED: unicorn must agree
    if drawn is not None and row is not drawn:
        return False  # a should-be bit or a field value made it another row's encoding
    info = t32.insn_info(info_key, width // 8, word)
    fields = row.extract(word)
    info.cond = fields.pop("cond", info.cond)
    try:
        row.builder(_ctx(TestMachine), info, **fields)
    except Undefined:
        return False
    return True


_CTX: List[object] = []


def _ctx(factory: Callable[..., object]) -> object:
    if not _CTX:
        m = factory(ram_size=MEM_SIZE)
        _CTX.append(m.engine.ctx)  # type: ignore[attr-defined]
    return _CTX[0]


# Register values: addresses into the data window for the memory classes.
BASE = WINDOW + 0x800


@st.composite
def thumb_case(draw: Callable, rows: Sequence[Row], memory: bool = False,
               fixed: Optional[Dict[str, Tuple[int, ...]]] = None) -> Tuple[List[int], Dict[int, int], str]:
    """(halfwords, register requirements, description) of one valid encoding of one of ``rows``."""
    row = draw(st.sampled_from(list(rows)))
    seed = draw(st.integers(0, 2**32 - 1))
    rnd = random.Random(seed)
    fields: Dict[str, int] = {}
    for name, choices in (fixed or {}).items():
        fields[name] = rnd.choice(choices)
    word = encode(row, fields, rnd)
    assume(valid(word, row.width, drawn=row))
    regs: Dict[int, int] = {}
    if memory:
        # Every register is a word-aligned base into the data window or a small word-aligned
        # index (the register-offset forms add two registers).
        for r in range(15):
            regs[r] = BASE + 4 * rnd.randrange(-16, 64) if rnd.getrandbits(1) else rnd.randrange(0, 64) * 4
        regs[13] = BASE + 0x400
        if row.name in ("LDREXD", "STREXD"):
            # A3.2.1: a doubleword exclusive needs doubleword alignment (an Alignment fault otherwise,
            # which unicorn does not model).
            regs = {r: v & ~7 for r, v in regs.items()}
    f = row.extract(word)
    if memory and f.get("Rt") == 15 and row.name.startswith("LDR (") and "Rn" in f and f["Rn"] != 15:
        # UNPREDICTABLE (A2.3.2 LoadWritePC): a PC loaded from an address that is not word-aligned;
        # base the load so that its address is.
        off = f.get("imm12", f.get("imm8", 0)) if f.get("P", 1) else 0
        off = off if f.get("U", 1) else -off
        regs[f["Rn"]] = (BASE + 4 * rnd.randrange(0, 64) - off) & MASK32
        if "Rm" in f:
            regs[f["Rm"]] = 4 * rnd.randrange(0, 16)
    hws = halfwords(word, row.width)
    if row.name.startswith(("LDREX", "STREX")):
        # A3.4: both monitors start Open (CLREX); a store is half the time preceded by the load that
        # opens the monitor for its address and size, so both outcomes are compared.
        hws = [*CLREX, *(_ldrex_for(row, word, rnd) if row.name.startswith("STREX") and rnd.getrandbits(1)
                         else []), *hws]
    if row.name in ("BX", "BLX (register)", "BXJ"):
        # UNPREDICTABLE (A2.3.2 BXWritePC): an ARM target with address<1> set; pick a valid target.
        m = row.extract(word)["Rm"]
        if m < 15:
            v = regs.get(m, rnd.getrandbits(32))
            regs[m] = v if v & 1 else v & ~3
    return hws, regs, f"{row.name} {word:0{row.width // 4}x}"


CLREX = (0xF3BF, 0x8F2F)  # A8.8.32 CLREX T1


def _ldrex_for(row: Row, word: int, rnd: random.Random) -> List[int]:
    """The LDREX{B,H,D} T1 of the same address and size as the STREX ``word`` (A8.8.75-A8.8.78)."""
    f = row.extract(word)
    n = f["Rn"]
    used = {n, f["Rd"], f["Rt"], f.get("Rt2", n), 13, 15}
    free = [r for r in range(15) if r not in used]
    t = rnd.choice(free)
    if row.name == "STREX":
        return [0xE850 | n, (t << 12) | 0xF00 | f["imm8"]]
    if row.name == "STREXD":
        t2 = rnd.choice([r for r in free if r != t])
        return [0xE8D0 | n, (t << 12) | (t2 << 8) | 0x7F]
    op = 0x4 if row.name == "STREXB" else 0x5
    return [0xE8D0 | n, (t << 12) | 0xF0F | (op << 4)]


def apply(state: State, regs: Dict[int, int], nzcv: Optional[int] = None) -> State:
    import dataclasses

    r = list(state.regs)
    for k, v in regs.items():
        r[k] = v & MASK32
    return dataclasses.replace(state, regs=r, nzcv=state.nzcv if nzcv is None else nzcv)
