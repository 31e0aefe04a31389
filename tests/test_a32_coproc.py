"""A32 coprocessor instructions through the coprocessor bus (DDI 0406C A5.6, A5.7, A8.8 MCR ... CDP)."""

from __future__ import annotations

from typing import List, Optional, Tuple

import pytest

from armsim.coproc.bus import AccessKind, CoprocAccess, Verdict
from armsim.cpu.modes import Mode
from armsim.cpu.state import CPUState
from armsim.exec.engine import StopReason
from armsim.isa import a32
from tests.helpers import CODE, TestMachine

NOP_WORD = 0xE320F000


def MCR(cp: int, opc1: int, t: int, CRn: int, CRm: int, opc2: int, top: int = 0xE) -> int:
    return (top << 28) | 0x0E000010 | (opc1 << 21) | (CRn << 16) | (t << 12) | (cp << 8) | (opc2 << 5) | CRm


def MRC(cp: int, opc1: int, t: int, CRn: int, CRm: int, opc2: int, top: int = 0xE) -> int:
    return MCR(cp, opc1, t, CRn, CRm, opc2, top) | (1 << 20)


def MCRR(cp: int, opc1: int, t: int, t2: int, CRm: int) -> int:
    return 0xEC400000 | (t2 << 16) | (t << 12) | (cp << 8) | (opc1 << 4) | CRm


def MRRC(cp: int, opc1: int, t: int, t2: int, CRm: int) -> int:
    return MCRR(cp, opc1, t, t2, CRm) | (1 << 20)


def CDP(cp: int, opc1: int, CRd: int, CRn: int, CRm: int, opc2: int) -> int:
    return 0xEE000000 | (opc1 << 20) | (CRn << 16) | (CRd << 12) | (cp << 8) | (opc2 << 5) | CRm


def LDC(cp: int, CRd: int, n: int, imm8: int, P: int = 1, U: int = 1, D: int = 0, W: int = 0, top: int = 0xE) -> int:
    return ((top << 28) | 0x0C100000 | (P << 24) | (U << 23) | (D << 22) | (W << 21) | (n << 16) | (CRd << 12)
            | (cp << 8) | imm8)


def STC(cp: int, CRd: int, n: int, imm8: int, P: int = 1, U: int = 1, D: int = 0, W: int = 0) -> int:
    return LDC(cp, CRd, n, imm8, P, U, D, W) & ~(1 << 20)


class FakeCoproc:
    """Records accesses; answers a fixed verdict (or UNDEFINED in User mode) and value."""

    def __init__(self, verdict: Verdict = Verdict.OK, value: int = 0, words: int = 1,
                 user_undefined: bool = False) -> None:
        self.verdict = verdict
        self.value = value
        self.words = words
        self.user_undefined = user_undefined
        self.checks: List[Tuple[CoprocAccess, int]] = []
        self.writes: List[Tuple[CoprocAccess, int]] = []
        self.reads: List[CoprocAccess] = []

    def check(self, cpu: CPUState, acc: CoprocAccess) -> Verdict:
        self.checks.append((acc, cpu.mode))
        if self.user_undefined and cpu.mode == Mode.USR:
            return Verdict.UNDEFINED
        return self.verdict

    def read(self, cpu: CPUState, acc: CoprocAccess) -> int:
        self.reads.append(acc)
        return self.value + len(self.reads) - 1

    def write(self, cpu: CPUState, acc: CoprocAccess, value: int) -> None:
        self.writes.append((acc, value))

    def done(self, cpu: CPUState, acc: CoprocAccess, count: int) -> bool:
        return count >= self.words


def machine(words: List[int], cp: Optional[FakeCoproc] = None, number: int = 7, mode: int = Mode.SVC) -> TestMachine:
    m = TestMachine()
    m.load_words([NOP_WORD] * 8, 0)
    m.load_words(words)
    if cp is not None:
        m.bus.attach(number, cp)
    m.cpu.set_mode(mode)
    return m


@pytest.mark.parametrize(
    "word",
    [MRC(15, 0, 0, 0, 0, 0), MCR(15, 0, 0, 1, 0, 0), MCRR(15, 0, 0, 1, 2), MRRC(14, 0, 0, 1, 2),
     CDP(5, 0, 0, 0, 0, 0), LDC(14, 5, 0, 1), STC(14, 5, 0, 1), MRC(15, 0, 0, 0, 0, 0, top=0xF)],
)
def test_empty_bus_is_undefined(word: int) -> None:
    """A8.8 MCR etc.: with no coprocessor attached every access is UNDEFINED (GenerateCoprocessorException)."""
    m = machine([word])
    m.run(1)
    assert m.cpu.mode == Mode.UND
    assert (m.regs[15], m.regs[14]) == (0x04, CODE + 4)


@pytest.mark.parametrize("cp", [10, 11])
def test_vfp_space_has_no_row(cp: int) -> None:
    """A5.6: coprocessors 10 and 11 are Floating-point / Advanced SIMD, absent here: no row, UNDEFINED."""
    for word in (MRC(cp, 7, 0, 1, 0, 0), MCR(cp, 7, 0, 1, 0, 0), LDC(cp, 0, 0, 2), STC(cp, 0, 0, 2),
                 CDP(cp, 0, 0, 0, 0, 0), MCRR(cp, 0, 0, 1, 0), MRC(cp, 7, 0, 1, 0, 0, top=0xF)):
        assert a32.lookup(word) is None, hex(word)
    fake = FakeCoproc()
    m = machine([MRC(cp, 7, 0, 1, 0, 0)], fake, number=cp)
    m.run(1)
    assert m.cpu.mode == Mode.UND and not fake.checks


def test_ldc_stc_puw_zero_is_not_a_row() -> None:
    """A5.6: op1 000x0x with D = 0 is UNDEFINED (not LDC/STC); with D = 1 it is MCRR/MRRC."""
    assert a32.lookup(LDC(7, 0, 0, 0, P=0, U=0, W=0)) is None
    assert a32.lookup(STC(7, 0, 0, 0, P=0, U=0, W=0)) is None
    row = a32.lookup(MCRR(7, 0, 0, 1, 0))
    assert row is not None and row.name == "MCRR"


def test_mcr_writes_through_bus() -> None:
    """A8.8 MCR: the access carries opc1, CRn, CRm, opc2, Rt; the coprocessor receives R[t]."""
    fake = FakeCoproc()
    m = machine([MCR(7, 1, 3, 2, 4, 5)], fake)
    m.regs[3] = 0xCAFEF00D
    m.run(1)
    assert fake.writes == [(CoprocAccess(AccessKind.MCR, 7, 1, 2, 4, 5, rt=3), 0xCAFEF00D)]
    assert m.regs[15] == CODE + 4 and m.cpu.mode == Mode.SVC


def test_mrc_reads_through_bus() -> None:
    """A8.8 MRC: R[t] = the coprocessor's value."""
    fake = FakeCoproc(value=0x12345678)
    m = machine([MRC(7, 0, 2, 13, 0, 3)], fake)
    m.run(1)
    assert m.regs[2] == 0x12345678
    assert fake.reads == [CoprocAccess(AccessKind.MRC, 7, 0, 13, 0, 3, rt=2)]


def test_mrc_to_apsr_nzcv() -> None:
    """A8.8 MRC: Rt = 15 writes APSR.NZCV from bits 31:28 and leaves the PC alone."""
    fake = FakeCoproc(value=0xA0000000)
    m = machine([MRC(7, 0, 15, 1, 0, 0), NOP_WORD], fake)
    m.run(2)
    assert m.cpu.flags[0] == 0xA
    assert m.regs[15] == CODE + 8


def test_mcrr_mrrc_64bit() -> None:
    """A8.8 MCRR/MRRC: the 64-bit value is R[t2]:R[t]."""
    fake = FakeCoproc(value=0x1122334455667788)
    m = machine([MCRR(7, 3, 1, 2, 9), MRRC(7, 3, 4, 5, 9)], fake)
    m.regs[1] = 0xAAAAAAAA
    m.regs[2] = 0xBBBBBBBB
    m.run(2)
    assert fake.writes == [(CoprocAccess(AccessKind.MCRR, 7, 3, 0, 9, 0, rt=1, rt2=2), 0xBBBBBBBBAAAAAAAA)]
    assert (m.regs[4], m.regs[5]) == (0x55667788, 0x11223344)


def test_cdp_internal_operation() -> None:
    """A8.8 CDP: Coproc_InternalOperation, delivered as a write of kind CDP with CRd."""
    fake = FakeCoproc()
    m = machine([CDP(7, 0xA, 3, 4, 5, 6)], fake)
    m.run(1)
    assert fake.writes == [(CoprocAccess(AccessKind.CDP, 7, 0xA, 4, 5, 6, crd=3), 0)]


def test_ldc_multiple_words_and_writeback() -> None:
    """A8.8 LDC (immediate): words from MemA until Coproc_DoneLoading; writeback of offset_addr."""
    fake = FakeCoproc(words=3)
    m = machine([LDC(7, 5, 1, 2, P=1, U=1, W=1, D=1)], fake)
    m.regs[1] = 0x9000
    for i in range(4):
        m.mem.write32(0x9008 + 4 * i, 0x100 + i)
    m.run(1)
    assert [v for _, v in fake.writes] == [0x100, 0x101, 0x102]
    acc = fake.writes[0][0]
    assert (acc.kind, acc.crd, acc.long, acc.rt) == (AccessKind.LDC, 5, 1, 1)
    assert m.regs[1] == 0x9008


def test_ldc_post_indexed_down() -> None:
    """A8.8 LDC: P = 0, W = 1, U = 0 loads from R[n] then writes R[n] - imm32."""
    fake = FakeCoproc()
    m = machine([LDC(7, 0, 1, 4, P=0, U=0, W=1)], fake)
    m.regs[1] = 0x9000
    m.mem.write32(0x9000, 0x77)
    m.run(1)
    assert [v for _, v in fake.writes] == [0x77]
    assert m.regs[1] == 0x9000 - 16


def test_ldc_literal() -> None:
    """A8.8 LDC (literal): address = Align(PC, 4) + imm32, fixed at decode."""
    fake = FakeCoproc()
    m = machine([LDC(7, 0, 15, 1), 0, 0, 0x5A5A5A5A], fake)  # PC + 4 = CODE + 12
    m.run(1)
    assert [v for _, v in fake.writes] == [0x5A5A5A5A]


def test_stc_stores_words() -> None:
    """A8.8 STC: MemA[address] = Coproc_GetWordToStore() until Coproc_DoneStoring."""
    fake = FakeCoproc(value=0x40, words=2)
    m = machine([STC(7, 2, 3, 1, P=1, U=0, W=1)], fake)
    m.regs[3] = 0x9010
    m.run(1)
    assert (m.mem.read32(0x900C), m.mem.read32(0x9010)) == (0x40, 0x41)
    assert m.regs[3] == 0x900C


def test_ldc_misaligned_aborts() -> None:
    """A8.8 LDC uses MemA: a misaligned address takes a Data Abort (alignment fault)."""
    fake = FakeCoproc()
    m = machine([LDC(7, 0, 1, 0)], fake)
    m.regs[1] = 0x9002
    m.run(1)
    assert m.cpu.mode == Mode.ABT and m.exc.dfsr & 0xF == 1
    assert not fake.writes


def test_verdict_undefined() -> None:
    """B1.14: a coprocessor that refuses the access: UNDEFINED, no transfer."""
    fake = FakeCoproc(verdict=Verdict.UNDEFINED)
    m = machine([MCR(7, 0, 1, 0, 0, 0)], fake)
    m.run(1)
    assert m.cpu.mode == Mode.UND and not fake.writes and len(fake.checks) == 1


def test_verdict_is_checked_at_run_time() -> None:
    """B1.14: the verdict depends on the mode at execution (the same decoded op, two modes)."""
    fake = FakeCoproc(value=5, user_undefined=True)
    m = machine([MRC(7, 0, 0, 0, 0, 0)], fake)
    m.run(1)
    assert m.regs[0] == 5 and m.cpu.mode == Mode.SVC
    m.cpu.set_mode(Mode.USR)
    m.run(1)
    assert m.cpu.mode == Mode.UND
    assert [mode for _, mode in fake.checks] == [Mode.SVC, Mode.USR]


def test_verdict_trap_to_hyp_takes_hyp_trap() -> None:
    """B1.14.12: a Hyp trap verdict for coprocessor 7 is TakeHypTrapException: Hyp mode at HVBAR + 0x14,
    ELR_hyp = the instruction, HSR.EC = 0x07 (HCPTR) with coproc = 7; nothing is written."""
    fake = FakeCoproc(verdict=Verdict.TRAP_TO_HYP)
    m = machine([MCR(7, 0, 1, 0, 0, 0)], fake)
    m.cpu.scr_ns = 1
    m.run(1)
    assert m.cpu.mode == Mode.HYP and m.cpu.regs[15] == 0x14 and not fake.writes
    assert m.cpu.elr_hyp == CODE
    assert m.cpu.sys.HSR >> 26 == 0x07 and m.cpu.sys.HSR & 0xF == 7
    m = machine([MCR(7, 0, 1, 0, 0, 0)], FakeCoproc(verdict=Verdict.TRAP_TO_HYP))
    m.cpu.scr_ns = 1
    m.exc.handler_missing = lambda vector: "test"
    reason, message = m.run(1)
    assert reason == StopReason.ERROR and "trapped to Hyp mode" in message


@pytest.mark.parametrize("cp_number", [0, 7, 8, 9, 12, 15])
def test_two_forms_route_too(cp_number: int) -> None:
    """A5.7: MCR2/MRC2 (cond 1111) reach the same coprocessor."""
    fake = FakeCoproc(value=0x99)
    m = machine([MCR(cp_number, 2, 1, 3, 4, 1, top=0xF), MRC(cp_number, 2, 6, 3, 4, 1, top=0xF)], fake, cp_number)
    m.regs[1] = 0x31
    m.run(2)
    assert fake.writes == [(CoprocAccess(AccessKind.MCR, cp_number, 2, 3, 4, 1, rt=1, two=1), 0x31)]
    assert m.regs[6] == 0x99


@pytest.mark.parametrize(
    "word",
    [MCR(7, 0, 15, 0, 0, 0), MCRR(7, 0, 15, 1, 0), MRRC(7, 0, 1, 1, 0), LDC(7, 0, 15, 0, W=1),
     STC(7, 0, 15, 0, W=1)],
)
def test_unpredictable_encodings_undefined(word: int) -> None:
    """A8.8 MCR/MCRR/MRRC/LDC/STC: the UNPREDICTABLE register choices are UNDEFINED in armsim."""
    fake = FakeCoproc()
    m = machine([word], fake)
    m.run(1)
    assert m.cpu.mode == Mode.UND and not fake.checks


def test_rows_decode() -> None:
    """A5.6/A5.7 row names."""
    expect = {
        MCR(15, 0, 0, 1, 0, 0): "MCR", MRC(15, 0, 0, 1, 0, 0): "MRC", MCRR(15, 0, 0, 1, 2): "MCRR",
        MRRC(15, 0, 0, 1, 2): "MRRC", CDP(3, 0, 0, 0, 0, 0): "CDP", LDC(14, 5, 0, 0): "LDC",
        STC(14, 5, 0, 0): "STC", MCR(15, 0, 0, 1, 0, 0, top=0xF): "MCR2", MRC(15, 0, 0, 1, 0, 0, top=0xF): "MRC2",
        LDC(14, 5, 0, 0, top=0xF): "LDC2",
    }
    for word, name in expect.items():
        row = a32.lookup(word)
        assert row is not None and row.name == name, hex(word)
