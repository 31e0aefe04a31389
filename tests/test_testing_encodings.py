"""armsim.testing.encodings: A32/T32 encodings of coprocessor instructions (DDI 0406C A8.8, A8.8.54 IT).

Hand-worked words come from the manual's encoding diagrams (and agree with
GNU as for these instructions); the property tests feed generated A32 words
to armsim's own A32 decoder and coprocessor bus and check the fields arrive.
"""

from __future__ import annotations

from typing import List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from armsim.coproc.bus import AccessKind, CoprocAccess, Verdict
from armsim.cpu.state import CPUState
from armsim.isa import a32
from armsim.testing import CoprocInsn
from armsim.testing.strategies import coproc_accesses
from tests.helpers import CODE, TestMachine


@pytest.mark.parametrize(
    ("insn", "word"),
    [
        # A8.8.98 MCR A1: cond 1110 opc1 0 CRn Rt coproc opc2 1 CRm -- MCR p14, 0, r1, c0, c0, 5 (DBGBCR0).
        (CoprocInsn("MCR", 14, 0, 0, 0, 5, rt=1), 0xEE001EB0),
        # A8.8.107 MRC A1 -- MRC p15, 0, r0, c0, c0, 0 (MIDR).
        (CoprocInsn("MRC", 15, 0, 0, 0, 0), 0xEE100F10),
        # MRCNE p15, 4, r3, c1, c1, 0 (HCR), condition 0001.
        (CoprocInsn("MRC", 15, 4, 1, 1, 0, rt=3, cond=1), 0x1E913F11),
        # A8.8.108 MRRC A1: cond 1100 0101 Rt2 Rt coproc opc1 CRm -- MRRC p14, 0, r2, r3, c1 (DBGDRAR).
        (CoprocInsn("MRRC", 14, 0, 0, 1, 0, rt=2, rt2=3), 0xEC532E01),
        # A8.8.99 MCRR A1 -- MCRR p15, 6, r0, r1, c2 (VTTBR).
        (CoprocInsn("MCRR", 15, 6, 0, 2, 0, rt=0, rt2=1), 0xEC410F62),
        # A8.8.55 LDC A1: cond 110 P U D W 1 Rn CRd coproc imm8 -- LDC p14, c5, [r0], #4 (post-indexed).
        (CoprocInsn("LDC", 14, rt=0, crd=5, imm8=1, p=0, u=1, w=1), 0xECB05E01),
        # A8.8.200 STC -- STC p14, c5, [r2, #-8].
        (CoprocInsn("STC", 14, rt=2, crd=5, imm8=2, p=1, u=0, w=0), 0xED025E02),
        # A8.8.98 MCR2 A2: 1111 in the condition field.
        (CoprocInsn("MCR", 15, 0, 1, 0, 0, two=True), 0xFE010F10),
    ],
)
def test_a32_words_from_the_manual(insn: CoprocInsn, word: int) -> None:
    assert insn.a32_word() == word
    assert insn.encode() == word.to_bytes(4, "little")


@pytest.mark.parametrize(
    ("insn", "halfwords"),
    [
        # A8.8.107 MRC T1: 1110 1110 opc1 1 CRn | Rt coproc opc2 1 CRm.
        (CoprocInsn("MRC", 14, 0, 0, 1, 0, isa="T32"), (0xEE10, 0x0E11)),
        # A8.8.108 MRRC T1: 1110 1100 0101 Rt2 | Rt coproc opc1 CRm.
        (CoprocInsn("MRRC", 14, 0, 0, 2, 0, rt=4, rt2=5, isa="T32"), (0xEC55, 0x4E02)),
        # A8.8.55 LDC T1: 1110 110 P U D W 1 Rn | CRd coproc imm8.
        (CoprocInsn("LDC", 14, rt=1, crd=5, imm8=3, isa="T32"), (0xED91, 0x5E03)),
        # MRC2 T2: 1111 1110 ... (A8.8.107 encoding T2).
        (CoprocInsn("MRC", 15, 0, 0, 0, 0, isa="T32", two=True), (0xFE10, 0x0F10)),
    ],
)
def test_t32_halfwords_from_the_manual(insn: CoprocInsn, halfwords: tuple) -> None:
    assert insn.t32_halfwords() == halfwords
    assert insn.it_halfwords() == ()


def test_t32_condition_is_an_it_block() -> None:
    """A8.8.54 IT: firstcond:4 mask:4; mask x100 for ITT, xy10 for ITTT, xyz1 for ITTTT (all "then")."""
    eq1 = CoprocInsn("MRC", 15, 0, 0, 0, 0, isa="T32", cond=0x0)
    assert eq1.it_halfwords() == (0xBF08,)  # IT EQ
    ne3 = eq1._replace(cond=0x1, it_length=3)
    assert ne3.it_halfwords() == (0xBF1E, 0xBF00, 0xBF00)  # ITTT NE: mask = 1,1,1 then 0... -> 0b1110
    ge4 = eq1._replace(cond=0xA, it_length=4)
    assert ge4.it_halfwords() == (0xBFA1, 0xBF00, 0xBF00, 0xBF00)  # ITTTT GE: firstcond[0] = 0 -> 0b0001
    assert len(ge4.encode()) == 2 * 4 + 4


def test_text_names_the_instruction() -> None:
    assert CoprocInsn("MRRC", 14, 0, 0, 1, 0, rt=2, rt2=3).text() == "MRRC p14, 0, r2, r3, c1"
    assert CoprocInsn("LDC", 14, rt=0, crd=5, imm8=1, p=0, w=1).text() == "LDC p14, c5, [r0], #4"
    with pytest.raises(ValueError, match="unknown coprocessor instruction kind"):
        CoprocInsn("CDP", 14).a32_word()


_KIND = {"MCR": AccessKind.MCR, "MRC": AccessKind.MRC, "MCRR": AccessKind.MCRR, "MRRC": AccessKind.MRRC,
         "LDC": AccessKind.LDC, "STC": AccessKind.STC}


@given(coproc_accesses(isa=["A32"]))
def test_generated_a32_words_decode_to_their_rows(insn: CoprocInsn) -> None:
    """armsim's A32 decoder (A5.6) finds the instruction's row and fields in every generated word."""
    row = a32.lookup(insn.a32_word())
    assert row is not None
    assert row.name == insn.kind + ("2" if insn.two else "")
    f = row.extract(insn.a32_word())
    if insn.kind in ("MCR", "MRC"):
        assert (f["opc1"], f["CRn"], f["CRm"], f["opc2"], f["Rt"]) == (insn.opc1, insn.crn, insn.crm, insn.opc2,
                                                                      insn.rt)
    elif insn.is_64:
        assert (f["opc1"], f["CRm"], f["Rt"], f["Rt2"]) == (insn.opc1, insn.crm, insn.rt, insn.rt2)
    else:
        assert (f["Rn"], f["CRd"], f["imm8"], f["D"]) == (insn.rt, insn.crd, insn.imm8, insn.d)


class _Recorder:
    """A coprocessor that permits everything and records what the bus hands it."""

    def __init__(self) -> None:
        self.seen: List[CoprocAccess] = []

    def check(self, cpu: CPUState, acc: CoprocAccess) -> Verdict:
        self.seen.append(acc)
        return Verdict.OK

    def read(self, cpu: CPUState, acc: CoprocAccess) -> int:
        return 0

    def write(self, cpu: CPUState, acc: CoprocAccess, value: int) -> None:
        return None


@given(coproc_accesses(isa=["A32"], valid=True, conditional=False, kinds=["MCR", "MRC", "MCRR", "MRRC"]),
       st.sampled_from([14, 15]))
def test_generated_accesses_reach_the_bus_with_their_fields(insn: CoprocInsn, cp: int) -> None:
    """A8.8.98-A8.8.108: executing a generated word hands the coprocessor exactly its fields."""
    insn = insn._replace(coproc=cp)
    m = TestMachine()
    rec = _Recorder()
    m.bus.attach(cp, rec)
    m.load_words([insn.a32_word()])
    m.run(1)
    assert len(rec.seen) == 1
    acc = rec.seen[0]
    assert (acc.kind, acc.coproc, acc.opc1, acc.crm, acc.rt) == (_KIND[insn.kind], cp, insn.opc1, insn.crm, insn.rt)
    if insn.is_64:
        assert acc.rt2 == insn.rt2
    else:
        assert (acc.crn, acc.opc2) == (insn.crn, insn.opc2)
    assert m.cpu.regs[15] == CODE + 4
