"""Every encoding row's disassembly against ``arm-none-eabi-objdump`` (binutils 2.40) on generated words.

For every A32, T16 and T32 row of the decoder, words are drawn from the row's own pattern
(:mod:`tests.row_encodings`: fixed bits kept, should-be bits as DDI 0406C A5.1/A6.1 say,
fields random or at their edges) and kept when the decoder finds that row for them and the
row's builder takes them: the encodings the row rejects as UNDEFINED or UNPREDICTABLE are
skipped (the rows that exist to name an UNDEFINED instruction, UDF and HLT, are compared
on every word).  The words are laid out in one raw image per instruction set and listed by
``objdump -D -b binary -marm`` (``-M force-thumb`` for Thumb); IT instructions come with a
block of instructions drawn from the rows that accept that ITSTATE (A2.5.2), so the
conditions both sides track are compared too.  armsim's text (``armsim.disasm.text``, the
row's format column) must equal objdump's after these cosmetic normalisations:

* objdump's comments (``@ 0x...``, the address a PC-relative operand names) are dropped and
  runs of white space are one space (the guest-listing test does the same);
* a branch target is written ``0x<hex>`` by objdump on a raw image (no symbols), ``<hex>``
  by armsim (as objdump writes it in an ELF, followed by ``<symbol>``): the ``0x`` is dropped.

Words where binutils and armsim disagree for a documented reason other than spelling are
counted apart, each with the reason (:data:`DIFFERENCES`): binutils decodes for every
architecture it knows (ARMv8 names for encodings DDI 0406C leaves reserved, the FPA,
Maverick and iWMMXt coprocessors) and has a few decode gaps.  Every other difference is a
mismatch and fails the test.  The default run draws :data:`PER_ROW` words per row, the
``ci`` profile ``PER_ROW_CI``; ``python -m tests.test_disasm_objdump [N]`` prints the figures.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

import pytest

from armsim.cpu.psr import ITAdvance
from armsim.disasm import text
from armsim.isa import a32, t32
from armsim.isa.decoder import Row
from tests.row_encodings import _ctx, accepted, encode

PER_ROW = 8
PER_ROW_CI = 150
ATTEMPTS = 200  # draws per wanted word before a row is given up on (its builder rejects them)
OBJDUMP = "arm-none-eabi-objdump"
# Rows whose every word is UNDEFINED but that name an instruction objdump writes (A8.8.247 UDF,
# and HLT, an ARMv8 encoding in the A32 UNDEFINED space that armsim decodes by name).
ALWAYS_UNDEFINED = frozenset(("UDF", "HLT"))
# Rows that exist only to make encodings UNDEFINED / UNPREDICTABLE (their text is a placeholder).
_NOT_AN_INSTRUCTION = re.compile(r"^(UNDEFINED|UNPREDICTABLE) \(")

_LINE = re.compile(r"^\s*([0-9a-f]+):\t[0-9a-f ]+?\s*\t(.*)$")
_BRANCH = re.compile(r"^(b|bl|blx|cbz|cbnz)(eq|ne|cs|cc|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)?(\.[nw])?$")


def normalise(s: str) -> str:
    """The two cosmetic normalisations of the module docstring."""
    s = s.split("\t@")[0]
    s = " ".join(s.split())
    mnemonic, _, ops = s.partition(" ")
    if _BRANCH.match(mnemonic):
        ops = re.sub(r"(^|, )0x([0-9a-f]+)$", r"\1\2", ops)
    return f"{mnemonic} {ops}" if ops else mnemonic


# -- documented differences -------------------------------------------------------------------------

_COND = "(?:eq|ne|cs|cc|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?"
_COPROC = ("LDC", "STC", "MCR", "MRC", "MCRR", "MRRC", "CDP")


def _coprocessor(numbers: Tuple[int, ...]) -> Callable[[str, str, str], bool]:
    """objdump names another instruction than the generic one for a coprocessor in ``numbers``."""
    def pred(row: str, mine: str, theirs: str) -> bool:
        op = row.rstrip("2")
        if op not in _COPROC:
            return False
        m = re.match(r"^\S+ (\d+),", mine)
        generic = re.match(rf"^{op.lower()}2?l?{_COND}\s", theirs + " ")
        return bool(m) and int(m.group(1)) in numbers and not generic

    return pred


def _halfword_offset(row: str, mine: str, theirs: str) -> bool:
    m = re.match(rf"^((?:ldc|stc)2l?{_COND} 9, cr\d+, \[\w+(?:\], |, ))#(-?)(\d+)(.*)$", mine)
    if row not in ("LDC2", "STC2") or not m:
        return False
    return theirs == f"{m.group(1)}#{m.group(2)}{int(m.group(3)) // 2}{m.group(4)}"


def _armv8_barrier(row: str, mine: str, theirs: str) -> bool:
    if row not in ("DMB", "DSB") or not re.match(rf"^d[ms]b{_COND} #\d+$", mine):
        return False
    return bool(re.match(rf"^(ssbb|pssbb|dfb){_COND}$", theirs)
                or re.match(rf"^d[ms]b{_COND} (osh|nsh|ish)?ld$", theirs))


def _armv8_hint(row: str, mine: str, theirs: str) -> bool:
    names = "sevl|esb|csdb|bti|pac|pacbti|aut|autg|pacg|bxaut"
    return row == "NOP (unallocated hint)" and bool(re.match(rf"^({names}){_COND}\b", theirs))


def _memory_hint(row: str, mine: str, theirs: str) -> bool:
    return row in ("NOP (memory hint)",) or row.startswith("Unallocated memory hint")


def _literal_as_unprivileged(row: str, mine: str, theirs: str) -> bool:
    m = re.match(rf"^(ldr[bh]?|ldrs[bh])({_COND})\.w (\w+), (\[pc, #-\d+\])$", mine)
    return bool(m) and row.endswith("(literal)") and theirs == f"{m.group(1)}t{m.group(2)} {m.group(3)}, {m.group(4)}"


# (name, predicate(row name, armsim text, objdump text), why): the words so classified are
# counted, not compared.
DIFFERENCES: List[Tuple[str, Callable[[str, str, str], bool], str]] = [
    ("FPA/Maverick/iWMMXt coprocessor", _coprocessor((0, 1, 2, 4, 5, 6)),
     "binutils decodes LDC/STC/MCR/MRC/MCRR/MRRC/CDP on coprocessors 0, 1, 2, 4, 5 and 6 as the "
     "iWMMXt, FPA or Maverick instruction they would be (tmcr, ldfp, sufdm, cfldr32, ...) whatever "
     "the target; an ARMv7-A core without those coprocessors has only the generic instruction "
     "(A8.8.57-A8.8.112), which armsim writes"),
    ("ARMv8 coprocessor space", _coprocessor((8, 9, 12, 13, 15)),
     "later architectures took over coprocessor numbers 8, 9, 12, 13 (ARMv8.x Advanced SIMD: vcmla, "
     "vusdot, half-precision vldr/vstr) and 15 on M-profile (vldr/vstr system register): binutils "
     "writes those instructions, or <UNDEFINED> where they have none; in ARMv7-A they are generic "
     "coprocessor instructions, which armsim writes"),
    ("coprocessor 9 offset", _halfword_offset,
     "LDC2/STC2 on coprocessor 9: binutils scales imm8 by 2 (the half-precision VLDR/VSTR rule of "
     "later architectures, whose encodings use coprocessor number 9); A8.8.56 / A8.8.197 scale it by 4"),
    ("ARMv8 barrier option", _armv8_barrier,
     "DMB/DSB options DDI 0406C leaves reserved (A8.8.43, A8.8.44) have ARMv8 names in binutils "
     "(ld, ishld, nshld, oshld; DSB #0/#4/#12 as ssbb/pssbb/dfb); armsim writes #option, which "
     "an ARMv7-A assembler accepts (gas -march=armv7-a rejects the ARMv8 names)"),
    ("ARMv8 hint", _armv8_hint,
     "hint numbers DDI 0406C leaves unallocated (A8.8.120 NOP: treat as NOP) that later "
     "architectures named (sevl, esb, csdb; Armv8.1-M bti, pac, pacbti, aut): armsim writes nop {n}"),
    ("unallocated memory hint", _memory_hint,
     "A5.7.1 / A6.3.7-A6.3.10 'unallocated memory hint (treat as NOP)' encodings: binutils has no such "
     "class and writes <UNDEFINED> or the load the bits resemble (pldw with post-indexing, "
     "ldrsh.w pc, ...); armsim writes nop"),
    ("literal load read as LDRxT", _literal_as_unprivileged,
     "T32 LDR/LDRB/LDRH/LDRSB/LDRSH (literal) with U == 0 and imm12<11:8> == 1110: binutils takes "
     "them for the unprivileged form, which A6.3.7-A6.3.10 define only for Rn != 1111"),
]


def classify(row: str, mine: str, theirs: str) -> Optional[str]:
    for name, pred, _ in DIFFERENCES:
        if pred(row, mine, theirs):
            return name
    return None


# -- drawing and listing ----------------------------------------------------------------------------


@dataclass
class Case:
    row: Row
    word: int
    it: int = 0  # ITSTATE the word is rendered with


@dataclass
class Report:
    isa: str
    rows: int = 0
    covered: int = 0
    compared: int = 0
    identical: int = 0
    documented: Counter = field(default_factory=Counter)
    mismatches: List[str] = field(default_factory=list)


def _draw(row: Row, thumb: bool, it: int, rnd: random.Random) -> Optional[int]:
    for _ in range(ATTEMPTS):
        w = encode(row, {}, rnd)
        if row.name in ALWAYS_UNDEFINED:
            if (t32.lookup(w, row.width // 8) if thumb else a32.lookup(w)) is row:
                return w
        elif accepted(row, w, thumb, it):
            return w
    return None


def _rows(isa: str) -> List[Row]:
    if isa == "A32":
        rows = a32.all_rows()
    else:
        t16, t32_table = t32.tables()
        rows = t16.rows() + t32_table.rows()
    return [r for r in rows if not _NOT_AN_INSTRUCTION.match(r.name)]


def draw_cases(isa: str, per_row: int, seed: int) -> Tuple[List[Case], int, int]:
    """(cases in image order, rows, rows covered) for one instruction set."""
    rnd = random.Random(seed)
    thumb = isa != "A32"
    rows = _rows(isa)
    plain = [r for r in rows if r.name != "IT"]
    cases: List[Case] = []
    covered = 0
    for row in rows:
        got = 0
        for _ in range(per_row):
            w = _draw(row, thumb, 0, rnd)
            if w is None:
                break
            got += 1
            if row.name != "IT":
                cases.append(Case(row, w))
                continue
            # An IT block: IT, then one instruction per slot accepted at that slot's ITSTATE.
            cases.append(Case(row, w))
            it = w & 0xFF
            while it & 0xF:
                for _ in range(ATTEMPTS * 10):
                    other = rnd.choice(plain)
                    ow = _draw(other, thumb, it, rnd)
                    if ow is not None:
                        cases.append(Case(other, ow, it))
                        break
                else:
                    raise AssertionError(f"no instruction accepted at ITSTATE {it:#04x}")
                it = ITAdvance(it)
        covered += got > 0
    return cases, len(rows), covered


def _image(cases: List[Case], thumb: bool) -> Tuple[bytes, List[int]]:
    out = bytearray()
    addrs = []
    for c in cases:
        addrs.append(len(out))
        if not thumb:
            out += struct.pack("<I", c.word)
        elif c.row.width == 16:
            out += struct.pack("<H", c.word)
        else:
            out += struct.pack("<HH", c.word >> 16, c.word & 0xFFFF)
    return bytes(out), addrs


def objdump(image: bytes, thumb: bool) -> Dict[int, str]:
    """objdump's text per address for a raw little-endian image at address 0."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "image.bin")
        with open(path, "wb") as fh:
            fh.write(image)
        cmd = [OBJDUMP, "-D", "-z", "-b", "binary", "-marm"] + (["-M", "force-thumb"] if thumb else []) + [path]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    listing = {}
    for line in out.splitlines():
        m = _LINE.match(line)
        if m:
            listing[int(m.group(1), 16)] = m.group(2)
    return listing


def compare(isa: str, per_row: int, seed: int = 15) -> Report:
    thumb = isa != "A32"
    cases, nrows, covered = draw_cases(isa, per_row, seed)
    image, addrs = _image(cases, thumb)
    ref = objdump(image, thumb)
    rep = Report(isa, nrows, covered)
    for c, addr in zip(cases, addrs):
        mine = normalise(text(addr, thumb, c.word, c.row.width // 8, c.it))
        theirs = normalise(ref.get(addr, "<not listed>"))
        rep.compared += 1
        if mine == theirs:
            rep.identical += 1
            continue
        kind = classify(c.row.name, mine, theirs)
        if kind is not None:
            rep.documented[kind] += 1
        else:
            width = 8 if c.row.width == 32 else 4
            rep.mismatches.append(f"{c.row.name}: {c.word:0{width}x} it={c.it:02x}: armsim {mine!r} objdump {theirs!r}")
    return rep


def _setup() -> None:
    if shutil.which(OBJDUMP) is None:
        pytest.fail(f"{OBJDUMP} is not on PATH (Debian: apt-get install binutils-arm-none-eabi)")
    _ctx_sw()


def _ctx_sw() -> None:
    # B4.1.130: SWP/SWPB exist (are not UNDEFINED) only with SCTLR.SW set.
    ctx = _ctx()
    ctx.cpu.sctlr |= 1 << 10  # type: ignore[attr-defined]


def _per_row() -> int:
    return PER_ROW_CI if os.environ.get("HYPOTHESIS_PROFILE", "dev") == "ci" else PER_ROW


@pytest.mark.parametrize("isa", ["A32", "T32"])
def test_every_row_agrees_with_objdump(isa: str) -> None:
    """Every row that takes some word is compared; no difference beyond the documented ones."""
    _setup()
    rep = compare(isa, _per_row())
    assert rep.mismatches == [], f"{len(rep.mismatches)} mismatches:\n" + "\n".join(rep.mismatches[:40])
    assert rep.covered == rep.rows, f"{rep.rows - rep.covered} rows took no word"
    assert rep.compared > rep.rows * min(3, _per_row())


def main(argv: List[str]) -> int:
    per_row = int(argv[0]) if argv else PER_ROW_CI
    _setup()
    for isa in ("A32", "T32"):
        rep = compare(isa, per_row)
        doc = ", ".join(f"{k} {v}" for k, v in sorted(rep.documented.items()))
        print(f"{isa}: rows {rep.covered}/{rep.rows} covered, {rep.compared} encodings compared, "
              f"{rep.identical} identical, documented differences {sum(rep.documented.values())} ({doc}), "
              f"mismatches {len(rep.mismatches)}")
        by_row: Dict[str, List[str]] = {}
        for line in rep.mismatches:
            by_row.setdefault(line.split(":")[0], []).append(line)
        for _, lines in sorted(by_row.items()):
            print(f"    {len(lines):5d} {lines[0]}")
            for line in lines[1:3]:
                print("         ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
