"""armsim against unicorn in Thumb state, one property per T16 / T32 class (DDI 0406C A6.2, A6.3), IT blocks included.

Each test draws a valid encoding of its class (tests/diff/thumb.py) and a random start state, runs it
in both emulators one instruction at a time and compares registers, flags, ITSTATE (tracked by the
harness) and memory after every step.  Per-class counts are printed at the end of the run.
"""

from __future__ import annotations

import random
from typing import Callable, Dict, List, Sequence, Tuple

from hypothesis import assume, given
from hypothesis import strategies as st

from armsim.isa.decoder import Row
from armsim.isa.t32 import branch, dp, ldst, media, t16
from tests.diff import encodings as enc
from tests.diff import thumb as th
from tests.diff.harness import CODE, State, assert_small_filtered_share, class_counts


def _by_name(items: Sequence[object], names: Sequence[str]) -> List[Row]:
    rows = th.rows_of(items)
    out = [r for r in rows if any(r.name.startswith(n) for n in names)]
    assert out, names
    return out


def _by_pattern(items: Sequence[object], prefixes: Sequence[str]) -> List[Row]:
    rows = th.rows_of(items)
    out = [r for r in rows if any(r.pattern.replace(" ", "").startswith(p) for p in prefixes)]
    assert out, prefixes
    return out


_T16 = th.rows_of(t16.ROWS)
CLASSES: Dict[str, Tuple[List[Row], bool]] = {
    # A6.2.1
    "t16_shift_add_sub_mov_cmp": (_T16[:11], False),
    # A6.2.2
    "t16_data_processing": (_by_pattern(t16.ROWS, ["010000"]), False),
    # A6.2.3 special data and branch/exchange
    "t16_special_bx": (_by_pattern(t16.ROWS, ["010001"]), False),
    # A6.2.4 load/store single, LDR (literal), A8.8.12 ADR, ADD (SP plus immediate)
    "t16_load_store": (_by_pattern(t16.ROWS, ["0101", "0110", "0111", "1000", "1001", "01001", "1010"]), True),
    # A6.2.5 miscellaneous (SP adjust, CBZ/CBNZ, extend, REV, PUSH/POP, hints)
    "t16_misc": (_by_name(t16.ROWS, ["ADD (SP", "SUB (SP", "CBZ", "CBNZ", "SXT", "UXT", "REV", "PUSH", "POP",
                                      "NOP", "SEV"]), True),
    # LDM/STM (A8.8.58, A8.8.199)
    "t16_ldm_stm": (_by_pattern(t16.ROWS, ["1100"]), True),
    # A6.2.6 conditional branch, SVC, UDF; B T2
    "t16_branch": (_by_name(t16.ROWS, ["B"]), False),
    # A6.3.1
    "t32_dp_modified_immediate": (_by_pattern(dp.ROWS, ["11110i:10"]), False),
    # A6.3.3
    "t32_dp_plain_immediate": (_by_pattern(dp.ROWS, ["11110i:11", "11110(0)1"]), False),
    # A6.3.11
    "t32_dp_shifted_register": (_by_pattern(dp.ROWS, ["1110101"]), False),
    # A6.3.12-A6.3.15: shifts, extends, parallel add/subtract, miscellaneous
    "t32_dp_register": (_by_pattern(media.ROWS, ["11111010"]), False),
    # A6.3.16
    "t32_multiply": (_by_pattern(media.ROWS, ["111110110"]), False),
    # A6.3.17
    "t32_long_multiply_divide": (_by_pattern(media.ROWS, ["111110111"]), False),
    # A6.3.5
    "t32_load_store_multiple": (_by_name(ldst.ROWS, ["LDM", "STM"]), True),
    # A6.3.6
    "t32_dual_exclusive_table_branch": (_by_pattern(ldst.ROWS, ["1110100"]), True),
    # A6.3.7-A6.3.9 (with the memory hints)
    "t32_load_single": (_by_pattern(ldst.ROWS, ["1111100x", "11111000", "11111001"]), True),
    # A6.3.4 branches
    "t32_branch": (_by_name(branch.ROWS, ["B", "BL", "BLX (immediate)"]), False),
    # A6.3.4 miscellaneous control: hints, barriers, CLREX, MRS/MSR
    "t32_misc_control": (_by_name(branch.ROWS, ["NOP", "SEV", "DBG", "DSB", "DMB", "ISB", "CLREX", "MRS",
                                                 "MSR (register)"]), False),
}
# The Banked-register forms need Virtualization Extensions state unicorn does not model.
CLASSES["t32_misc_control"] = ([r for r in CLASSES["t32_misc_control"][0] if "Banked" not in r.name], False)
# Stores are in the load_single class's rows too (A6.3.10).
CLASSES["t32_load_single"][0].extend(r for r in th.rows_of(ldst.ROWS) if r.name.startswith("STR") and
                                     r.pattern.startswith("11111000"))


def _run(cls: str) -> None:
    rows, memory = CLASSES[cls]

    fixed = None
    if cls == "t32_misc_control":
        # SPSR access (R == 1) is UNPREDICTABLE in User/System mode.  mask<1> writes CPSR.E, which
        # B9.3.11 CPSRWriteByInstr lets User mode write; unicorn (QEMU 5.0) does not, so it is left out;
        # mask<0> (mode changes from any start mode) is the A32 system class's subject.
        fixed = {"R": (0,), "mask": (4, 8, 12)}

    @given(th.thumb_case(rows, memory, fixed), enc.states())
    def prop(case: Tuple[List[int], Dict[int, int], str], state: State) -> None:
        hws, regs, desc = case
        th.run_thumb(hws, th.apply(state, regs), desc, cls)

    before = class_counts(cls)
    prop()
    assert_small_filtered_share(cls, before, limit=0.5)


def test_class_coverage() -> None:
    """Every T16 / T32 row outside the system and coprocessor space is in some class."""
    covered = {id(r) for rows, _ in CLASSES.values() for r in rows}
    # Not compared: SVC, UDF, BKPT (always trap, both sides), WFE/WFI (halt), YIELD (unicorn: UNDEFINED),
    # SETEND/CPS (system state); IT has its own test below.
    missing = [r.name for r in th.rows_of(t16.ROWS) if id(r) not in covered and r.name not in
               ("SETEND", "CPS", "BKPT", "WFE", "WFI", "YIELD", "NOP (unallocated hint)", "IT", "SVC", "UDF")]
    assert missing == []


def _make(cls: str) -> Callable[[], None]:
    def test() -> None:
        _run(cls)

    test.__name__ = f"test_{cls}"
    test.__doc__ = f"{cls}: armsim and unicorn agree in Thumb state."
    return test


for _cls in CLASSES:
    globals()[f"test_{_cls}"] = _make(_cls)

# -- IT blocks (A8.8.54, A2.5.2) ----------------------------------------------------------------------

_IT_BODY = [r for c in ("t16_shift_add_sub_mov_cmp", "t16_data_processing", "t16_load_store",
                        "t32_dp_modified_immediate", "t32_dp_shifted_register", "t32_dp_register", "t32_multiply",
                        "t32_load_single") for r in CLASSES[c][0]]


@st.composite
def it_block(draw: Callable) -> Tuple[List[int], Dict[int, int], str]:
    """IT<x><y><z> <firstcond> and 1-4 valid instructions decoded for their ITSTATE."""
    n = draw(st.integers(1, 4))
    firstcond = draw(st.integers(0, 14))
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    if firstcond == 14:
        mask = 0b1000
        n = 1
    else:
        bits = [rnd.getrandbits(1) for _ in range(n - 1)]
        mask = 0
        for k, b in enumerate(bits):
            mask |= b << (3 - k)
        mask |= 1 << (4 - n)
    it = (firstcond << 4) | mask
    hws = [0xBF00 | it]
    descs = [f"IT {it:02x}"]
    for _ in range(n):
        row = draw(st.sampled_from(_IT_BODY))
        word = th.encode(row, {}, rnd)
        assume(th.valid(word, row.width, CODE | 1 | (it << 32), drawn=row))
        # A PC loaded from an address not word-aligned is UNPREDICTABLE (A2.3.2 LoadWritePC); the
        # single-instruction class bases such loads, the block leaves them out.
        assume(not (row.name.startswith("LDR") and row.extract(word).get("Rt") == 15))
        if row.width == 16 and word >> 11 in (0b11101, 0b11110, 0b11111):
            assume(False)
        hws += th.halfwords(word, row.width)
        descs.append(f"{row.name} {word:x}")
        it = th.ITAdvance(it)
    # Bases into the data window or small word-aligned indices (register-offset forms add two).
    regs = {r: th.BASE + 4 * rnd.randrange(0, 64) if rnd.getrandbits(1) else 4 * rnd.randrange(0, 64)
            for r in range(13)}
    regs[13] = th.BASE + 0x400
    return hws, regs, "; ".join(descs)


def test_it_blocks() -> None:
    """A2.5.2: IT blocks of 1-4 instructions, each condition from ITSTATE, ITSTATE advancing after every step."""

    @given(it_block(), enc.states())
    def prop(case: Tuple[List[int], Dict[int, int], str], state: State) -> None:
        hws, regs, desc = case
        th.run_thumb(hws, th.apply(state, regs), desc, "it_blocks")

    before = class_counts("it_blocks")
    prop()
    assert_small_filtered_share("it_blocks", before, limit=0.5)
