"""A32 status registers, exception generation, hints, barriers, SETEND (DDI 0406C A5.2.11, A5.2.12, A5.7, B9.3)."""

from __future__ import annotations

import struct
from typing import List

import pytest

from armsim.cpu.exceptions import FS_DEBUG
from armsim.cpu.modes import Mode
from armsim.exec.engine import StopReason
from armsim.isa import a32
from tests.helpers import CODE, TestMachine

NOP_WORD = 0xE320F000


# -- encoders (Encoding A1 diagrams) -------------------------------------------------


def MRS(d: int, R: int = 0) -> int:
    return 0xE10F0000 | (R << 22) | (d << 12)


def MSR_reg(mask: int, n: int, R: int = 0) -> int:
    return 0xE120F000 | (R << 22) | (mask << 16) | n


def MSR_imm(mask: int, imm12: int, R: int = 0) -> int:
    return 0xE320F000 | (R << 22) | (mask << 16) | imm12


def MRS_banked(d: int, sysm: int, R: int = 0) -> int:
    return 0xE1000200 | (R << 22) | ((sysm & 0xF) << 16) | (d << 12) | ((sysm >> 4) << 8)


def MSR_banked(sysm: int, n: int, R: int = 0) -> int:
    return 0xE120F200 | (R << 22) | ((sysm & 0xF) << 16) | ((sysm >> 4) << 8) | n


def CPS(imod: int, M: int, aif: int, mode: int = 0) -> int:
    return 0xF1000000 | (imod << 18) | (M << 17) | (aif << 6) | mode


def SRS(P: int, U: int, W: int, mode: int) -> int:
    return 0xF84D0500 | (P << 24) | (U << 23) | (W << 21) | mode


def RFE(P: int, U: int, W: int, n: int) -> int:
    return 0xF8100A00 | (P << 24) | (U << 23) | (W << 21) | (n << 16)


def SVC(imm24: int) -> int:
    return 0xEF000000 | imm24


def BKPT(imm16: int, cond: int = 0xE) -> int:
    return (cond << 28) | 0x01200070 | ((imm16 >> 4) << 8) | (imm16 & 0xF)


def HLT(imm16: int) -> int:
    return 0xE1000070 | ((imm16 >> 4) << 8) | (imm16 & 0xF)


UDF = 0xE7F000F0
SMC = 0xE1600070
HVC = 0xE1400070
ERET = 0xE160006E
WFI = 0xE320F003
WFE = 0xE320F002
SEV = 0xE320F004
YIELD = 0xE320F001
DBG = 0xE320F0F5
DSB = 0xF57FF04F
DMB = 0xF57FF05F
ISB = 0xF57FF06F
SETEND_BE = 0xF1010200
SETEND_LE = 0xF1010000
LDR_R1_R0 = 0xE5901000  # LDR r1, [r0]


def vectors(m: TestMachine, base: int = 0) -> None:
    """Nonzero words (NOPs) in every vector slot, so handlers count as installed."""
    m.load_words([NOP_WORD] * 8, base)


def machine(words: List[int], mode: int = Mode.SVC) -> TestMachine:
    m = TestMachine()
    vectors(m)
    m.load_words(words)
    m.cpu.set_mode(mode)
    m.cpu.A = m.cpu.I = m.cpu.F = 0
    return m


# -- MRS / MSR ---------------------------------------------------------------------------


def test_mrs_cpsr_masks_execution_state_bits() -> None:
    """B9.3 MRS: CPSR read with IT, J and T masked out."""
    m = machine([MRS(2)])
    m.cpu.flags[:] = [0b1010, 1, 0b0110]
    m.cpu.E = 0
    m.run(1)
    assert m.regs[2] == (0b1010 << 28) | (1 << 27) | (0b0110 << 16) | Mode.SVC


def test_mrs_spsr() -> None:
    """B9.3 MRS: R = 1 reads the current mode's SPSR; UNPREDICTABLE in User mode (armsim: UNDEFINED)."""
    m = machine([MRS(3, R=1)])
    m.cpu.spsr[Mode.SVC] = 0x600001D0
    m.run(1)
    assert m.regs[3] == 0x600001D0
    m = machine([MRS(3, R=1)], Mode.USR)
    m.run(1)
    assert m.cpu.mode == Mode.UND and m.regs[3] == 0


# CPSR fields written by each mask byte (B1.3.3 CPSRWriteByInstr).
MSR_VALUE = 0xF80F03C0 | Mode.SYS  # NZCVQ, GE, E=1, A, I, F set; mode System


@pytest.mark.parametrize("mask", range(1, 16))
@pytest.mark.parametrize("user", [False, True])
def test_msr_register_masks(mask: int, user: bool) -> None:
    """A8.8.112 / B9.3 MSR (register): each mask byte writes its fields; User mode cannot change A, I, F, M."""
    m = machine([MSR_reg(mask, 1)], Mode.USR if user else Mode.SVC)
    m.regs[1] = MSR_VALUE
    flushes: List[int] = []
    m.cpu.decode_listeners.append(lambda: flushes.append(1))
    m.run(1)
    cpu = m.cpu
    assert cpu.flags[0] == (0xF if mask & 8 else 0)
    assert cpu.flags[1] == (1 if mask & 8 else 0)
    assert cpu.flags[2] == (0xF if mask & 4 else 0)
    e_written = 1 if mask & 2 else 0
    assert e_written == cpu.E
    assert bool(flushes) == bool(mask & 2)
    a_written = 1 if mask & 2 and not user else 0
    assert a_written == cpu.A
    assert cpu.I == cpu.F == (1 if mask & 1 and not user else 0)
    expected_mode = Mode.SYS if mask & 1 and not user else (Mode.USR if user else Mode.SVC)
    assert cpu.mode == expected_mode
    assert m.regs[15] == CODE + 4


def test_msr_immediate_apsr_nzcvq_and_g() -> None:
    """A8.8.111 MSR (immediate): APSR_nzcvq (mask 10) and APSR_g (mask 01) from an expanded immediate."""
    # imm12 = rotate 4 (ror 8) of 0xF8 -> 0xF8000000
    m = machine([MSR_imm(0b1000, 0x4F8), MSR_imm(0b0100, 0x80F)], Mode.USR)  # 0x0F << 16 via ror 16
    m.run(2)
    assert m.cpu.flags == [0xF, 1, 0xF]


def test_msr_immediate_cpsr_c_privileged_and_user() -> None:
    """B9.3 MSR (immediate): CPSR_c changes the mode and I/F only when privileged."""
    m = machine([MSR_imm(0b0001, 0x0D2)])  # IRQ mode, I=1 (0xD2 = I|F... 0b11010010)
    m.run(1)
    assert (m.cpu.mode, m.cpu.I, m.cpu.F) == (Mode.IRQ, 1, 1)
    m = machine([MSR_imm(0b0001, 0x0D2)], Mode.USR)
    m.run(1)
    assert (m.cpu.mode, m.cpu.I, m.cpu.F) == (Mode.USR, 0, 0)


def test_msr_spsr() -> None:
    """B9.3 MSR (register): R = 1 writes the selected bytes of the current SPSR (SPSRWriteByInstr)."""
    m = machine([MSR_reg(0b1001, 1, R=1)])
    m.regs[1] = 0xA5A5A5D0
    m.cpu.spsr[Mode.SVC] = 0x00000013
    m.run(1)
    assert m.cpu.spsr[Mode.SVC] == (0xA5000000 | 0xD0)
    assert m.cpu.mode == Mode.SVC


def test_msr_spsr_reserved_mode_keeps_m() -> None:
    """B1.3.3 SPSRWriteByInstr: a reserved mode value is UNPREDICTABLE; armsim keeps SPSR.M."""
    m = machine([MSR_reg(0b0001, 1, R=1)])
    m.regs[1] = 0x000000E5
    m.cpu.spsr[Mode.SVC] = 0x13
    m.run(1)
    assert m.cpu.spsr[Mode.SVC] == 0xF3


@pytest.mark.parametrize("mode", [Mode.USR, Mode.SYS])
def test_msr_spsr_user_system_undefined(mode: int) -> None:
    """B9.3 MSR: the SPSR in User or System mode is UNPREDICTABLE; armsim takes UNDEFINED."""
    m = machine([MSR_reg(0b1000, 1, R=1)], mode)
    m.run(1)
    assert m.cpu.mode == Mode.UND


@pytest.mark.parametrize(
    ("new_mode", "scr_ns", "start"),
    [(0x00, 0, Mode.SVC), (0x15, 0, Mode.SVC), (Mode.HYP, 0, Mode.SVC), (Mode.HYP, 1, Mode.SVC),
     (Mode.MON, 1, Mode.SVC)],
)
def test_msr_unavailable_mode_ignored(new_mode: int, scr_ns: int, start: int) -> None:
    """B1.3.3 CPSRWriteByInstr: reserved / unavailable modes are UNPREDICTABLE; armsim ignores the M write."""
    m = machine([MSR_reg(0b0001, 1)], start)
    m.cpu.scr_ns = scr_ns
    m.regs[1] = 0xC0 | new_mode
    m.run(1)
    assert m.cpu.mode == start
    assert (m.cpu.I, m.cpu.F) == (1, 1)  # the rest of the byte is still written


def test_msr_monitor_to_hyp_allowed_with_ns() -> None:
    """B1.3.3: Monitor mode with SCR.NS = 1 may enter Hyp mode by MSR."""
    m = machine([MSR_reg(0b0001, 1)], Mode.MON)
    m.cpu.scr_ns = 1
    m.regs[1] = Mode.HYP
    m.run(1)
    assert m.cpu.mode == Mode.HYP


def test_msr_leaving_hyp_ignored() -> None:
    """B1.3.3: leaving Hyp mode other than by an exception return is UNPREDICTABLE (ignored)."""
    m = machine([MSR_reg(0b0001, 1)], Mode.HYP)
    m.cpu.scr_ns = 1
    m.regs[1] = Mode.SVC
    m.run(1)
    assert m.cpu.mode == Mode.HYP


@pytest.mark.parametrize("word", [MSR_reg(0, 1), MSR_reg(0b1000, 15), MRS(15), MSR_imm(0, 0, R=1)])
def test_msr_mrs_unpredictable_encodings_undefined(word: int) -> None:
    """B9.3 MSR/MRS: mask 0000 or R15 is UNPREDICTABLE; armsim takes UNDEFINED."""
    m = machine([word])
    m.run(1)
    assert m.cpu.mode == Mode.UND


# -- banked registers -------------------------------------------------------------------


def test_mrs_msr_banked_other_modes() -> None:
    """B9.3 MRS/MSR (Banked register), Table B9-2: SP_irq, LR_abt, R8_fiq, SPSR_und from SVC mode."""
    words = [
        MRS_banked(0, 0b10001),  # r0 = SP_irq
        MSR_banked(0b10100, 1),  # LR_abt = r1
        MRS_banked(2, 0b01000),  # r2 = R8_fiq
        MSR_banked(0b10110, 3, R=1),  # SPSR_und = r3
        MRS_banked(4, 0b10110, R=1),  # r4 = SPSR_und
        MRS_banked(5, 0b00101),  # r5 = SP_usr
    ]
    m = machine(words)
    m.cpu.set_banked(Mode.IRQ, 13, 0x1234)
    m.cpu.set_banked(Mode.FIQ, 8, 0x8888)
    m.cpu.set_banked(Mode.USR, 13, 0x5555)
    m.regs[1] = 0xABCD
    m.regs[3] = 0x600000D3
    m.run(len(words))
    assert m.regs[0] == 0x1234
    assert m.cpu.get_banked(Mode.ABT, 14) == 0xABCD
    assert m.regs[2] == 0x8888
    assert m.cpu.spsr[Mode.UND] == 0x600000D3
    assert m.regs[4] == 0x600000D3
    assert m.regs[5] == 0x5555
    assert m.cpu.mode == Mode.SVC


@pytest.mark.parametrize(
    ("word", "mode"),
    [
        (MRS_banked(0, 0b10011), Mode.SVC),  # SP_svc from SVC: the current mode's own register
        (MRS_banked(0, 0b00000), Mode.SVC),  # R8_usr from SVC: the current R8
        (MRS_banked(0, 0b10010, R=1), Mode.SVC),  # SPSR_svc from SVC
        (MRS_banked(0, 0b10001), Mode.USR),  # anything from User mode
        (MSR_banked(0b10001, 1), Mode.USR),
        (MRS_banked(0, 0b11110), Mode.SVC),  # ELR_hyp only from Hyp / Monitor
        (MRS_banked(0, 0b11111), Mode.HYP),  # SP_hyp only from Monitor
        (MRS_banked(0, 0b00110), Mode.SYS),  # LR_usr from System
    ],
)
def test_banked_access_unpredictable_is_undefined(word: int, mode: int) -> None:
    """B9.3 MRS/MSR (Banked register): accesses the mode does not allow are UNPREDICTABLE; armsim: UNDEFINED."""
    m = machine([word], mode)
    if mode == Mode.HYP:
        m.cpu.scr_ns = 1
    m.run(1)
    assert m.exc.counts.get("UNDEFINED") == 1
    # In Hyp mode the Undefined Instruction exception is taken to Hyp mode (B1.14.x, HVBAR + 0x04).
    assert m.cpu.mode == (Mode.HYP if mode == Mode.HYP else Mode.UND)


@pytest.mark.parametrize("sysm", [0b00111, 0b01111, 0b11000, 0b11011])
def test_banked_reserved_sysm(sysm: int) -> None:
    """Table B9-2: unlisted SYSm values are UNPREDICTABLE (armsim: UNDEFINED)."""
    m = machine([MRS_banked(0, sysm)])
    m.run(1)
    assert m.cpu.mode == Mode.UND


def test_elr_hyp_from_monitor_and_hyp() -> None:
    """B9.3 MSR/MRS (Banked register): ELR_hyp is accessible from Monitor and Hyp mode."""
    m = machine([MSR_banked(0b11110, 1), MRS_banked(2, 0b11110)], Mode.MON)
    m.regs[1] = 0x4444
    m.run(2)
    assert m.cpu.elr_hyp == 0x4444 and m.regs[2] == 0x4444
    m = machine([MRS_banked(2, 0b11110)], Mode.HYP)
    m.cpu.scr_ns = 1
    m.cpu.elr_hyp = 0x7777
    m.run(1)
    assert m.regs[2] == 0x7777 and m.cpu.mode == Mode.HYP


# -- CPS, SRS, RFE, ERET --------------------------------------------------------------------


def test_cps_aif_and_mode() -> None:
    """B9.3 CPS: CPSID i / CPSIE af / CPS #mode."""
    m = machine([CPS(0b11, 0, 0b010), CPS(0b10, 0, 0b101), CPS(0b00, 1, 0, Mode.SYS)])
    m.cpu.A = m.cpu.F = 1
    m.run(3)
    assert (m.cpu.A, m.cpu.I, m.cpu.F) == (0, 1, 0)
    assert m.cpu.mode == Mode.SYS


def test_cps_disable_with_mode_change() -> None:
    """B9.3 CPS: CPSID aif, #mode changes both."""
    m = machine([CPS(0b11, 1, 0b111, Mode.ABT)])
    m.run(1)
    assert (m.cpu.A, m.cpu.I, m.cpu.F, m.cpu.mode) == (1, 1, 1, Mode.ABT)


def test_cps_is_nop_in_user_mode() -> None:
    """B9.3 CPS: no effect in User mode."""
    m = machine([CPS(0b11, 1, 0b111, Mode.SVC)], Mode.USR)
    m.run(1)
    assert (m.cpu.A, m.cpu.I, m.cpu.F, m.cpu.mode) == (0, 0, 0, Mode.USR)
    assert m.regs[15] == CODE + 4


@pytest.mark.parametrize("word", [CPS(0b01, 0, 0b111), CPS(0b10, 0, 0), CPS(0b00, 0, 0, Mode.SVC), CPS(0b00, 0, 0)])
def test_cps_unpredictable_encodings(word: int) -> None:
    """B9.3 CPS: the UNPREDICTABLE field combinations are UNDEFINED in armsim."""
    m = machine([word])
    m.run(1)
    assert m.cpu.mode == Mode.UND


def test_srs_rfe_round_trip() -> None:
    """B9.3 SRS then RFE: store LR_irq/SPSR_irq on the SVC stack, switch to SVC, return from it."""
    words = [
        SRS(1, 0, 1, Mode.SVC),  # SRSDB sp!, #svc
        CPS(0b00, 1, 0, Mode.SVC),
        RFE(0, 1, 1, 13),  # RFEIA sp!
    ]
    m = machine(words, Mode.IRQ)
    m.cpu.set_banked(Mode.SVC, 13, 0x7000)
    m.regs[14] = 0x9000
    m.cpu.spsr[Mode.IRQ] = 0xA0000000 | Mode.USR
    m.run(3)
    assert m.mem.read32(0x7000 - 8) == 0x9000
    assert m.mem.read32(0x7000 - 4) == 0xA0000010
    assert m.regs[15] == 0x9000
    assert m.cpu.mode == Mode.USR
    assert m.cpu.flags[0] == 0xA
    assert m.cpu.get_banked(Mode.SVC, 13) == 0x7000


def test_srs_increment_after_no_writeback() -> None:
    """B9.3 SRS: SRSIA without writeback stores at SP_mode and SP_mode + 4."""
    m = machine([SRS(0, 1, 0, Mode.ABT)], Mode.UND)
    m.cpu.set_banked(Mode.ABT, 13, 0x6000)
    m.regs[14] = 0x1111
    m.cpu.spsr[Mode.UND] = 0x2222
    m.run(1)
    assert (m.mem.read32(0x6000), m.mem.read32(0x6004)) == (0x1111, 0x2222)
    assert m.cpu.get_banked(Mode.ABT, 13) == 0x6000


def test_srs_misaligned_aborts() -> None:
    """B9.3 SRS uses MemA: a misaligned stack takes a Data Abort (alignment fault)."""
    m = machine([SRS(1, 0, 1, Mode.SVC)], Mode.IRQ)
    m.cpu.set_banked(Mode.SVC, 13, 0x7002)
    m.run(1)
    assert m.cpu.mode == Mode.ABT
    assert m.exc.dfsr & 0xF == 0b0001


@pytest.mark.parametrize("mode", [Mode.USR, Mode.SYS])
def test_srs_user_system_undefined(mode: int) -> None:
    """B9.3 SRS: UNPREDICTABLE in User and System mode (armsim: UNDEFINED)."""
    m = machine([SRS(1, 0, 1, Mode.SVC)], mode)
    m.run(1)
    assert m.cpu.mode == Mode.UND


def test_rfe_user_undefined() -> None:
    """B9.3 RFE: UNPREDICTABLE in User mode (armsim: UNDEFINED)."""
    m = machine([RFE(0, 1, 1, 13)], Mode.USR)
    m.run(1)
    assert m.cpu.mode == Mode.UND


def test_rfe_to_thumb() -> None:
    """B9.3 RFE: the loaded CPSR's T bit selects the instruction set of the return address."""
    m = machine([RFE(0, 1, 0, 2)])
    m.regs[2] = 0x7000
    m.mem.write32(0x7000, 0x9003)
    m.mem.write32(0x7004, 0x30 | 0x00)  # User mode, T = 1
    m.run(1)
    assert (m.regs[15], m.cpu.T, m.cpu.mode) == (0x9002, 1, Mode.USR)
    assert m.regs[2] == 0x7000


def test_eret_in_svc_behaves_as_subs_pc_lr() -> None:
    """B9.3 ERET: in a PL1 mode other than Hyp, PC = LR, CPSR = SPSR (as SUBS PC, LR, #0)."""
    m = machine([ERET])
    m.regs[14] = 0x9000
    m.cpu.spsr[Mode.SVC] = 0x40000000 | Mode.USR
    m.run(1)
    assert (m.regs[15], m.cpu.mode, m.cpu.flags[0]) == (0x9000, Mode.USR, 0b0100)


def test_eret_in_hyp_uses_elr_hyp() -> None:
    """B9.3 ERET: in Hyp mode PC = ELR_hyp, CPSR = SPSR_hyp."""
    m = machine([ERET], Mode.HYP)
    m.cpu.scr_ns = 1
    m.cpu.elr_hyp = 0xA000
    m.regs[14] = 0xDEAD0000
    m.cpu.spsr[Mode.HYP] = Mode.SVC | 0x80
    m.run(1)
    assert (m.regs[15], m.cpu.mode, m.cpu.I) == (0xA000, Mode.SVC, 1)


@pytest.mark.parametrize("mode", [Mode.USR, Mode.SYS])
def test_eret_user_system_undefined(mode: int) -> None:
    """B9.3 ERET: UNPREDICTABLE in User and System mode (armsim: UNDEFINED)."""
    m = machine([ERET], mode)
    m.run(1)
    assert m.cpu.mode == Mode.UND
    assert m.regs[14] == CODE + 4


def test_eret_to_reserved_mode_undefined() -> None:
    """B9.3 ERET: a return to a reserved mode is UNPREDICTABLE (armsim: UNDEFINED, nothing written)."""
    m = machine([ERET])
    m.regs[14] = 0x9000
    m.cpu.spsr[Mode.SVC] = 0x15
    m.run(1)
    assert m.cpu.mode == Mode.UND


# -- exception generation -----------------------------------------------------------------


def test_svc_exception_entry() -> None:
    """A8.8.228 SVC / B1.9: Supervisor mode, LR = next instruction, SPSR = CPSR, vector 0x08, I set."""
    m = machine([SVC(0x42)], Mode.USR)
    m.cpu.flags[0] = 0b1001
    m.run(1)
    assert m.cpu.mode == Mode.SVC
    assert m.regs[14] == CODE + 4
    assert m.cpu.spsr[Mode.SVC] == 0x90000000 | Mode.USR
    assert m.regs[15] == 0x08
    assert m.cpu.I == 1
    assert m.exc.counts["SVC"] == 1


def test_svc_semihosting_hook() -> None:
    """A8.8.228: SVC #0x123456 is the ARM semihosting call when ctx.semihost is set."""
    calls: List[int] = []
    m = machine([SVC(0x123456), NOP_WORD], Mode.USR)
    m.regs[0] = 0x18
    m.ctx.semihost = lambda: calls.append(m.regs[0])
    m.run(2)
    assert calls == [0x18]
    assert m.cpu.mode == Mode.USR
    assert m.regs[15] == CODE + 8
    # Without the hook it is an ordinary SVC.
    m = machine([SVC(0x123456)], Mode.USR)
    m.run(1)
    assert m.cpu.mode == Mode.SVC and m.regs[15] == 0x08


def test_bkpt_prefetch_abort_debug_event() -> None:
    """A8.8.24 BKPT: with debug disabled, a Prefetch Abort with IFSR.FS = debug event; LR = address + 4."""
    m = machine([NOP_WORD, BKPT(0x1234)])
    m.run(2)
    assert m.cpu.mode == Mode.ABT
    assert m.regs[15] == 0x0C
    assert m.regs[14] == CODE + 8
    assert m.exc.ifsr & 0xF == FS_DEBUG
    assert m.cpu.A == 1 and m.cpu.I == 1


def test_bkpt_semihosting() -> None:
    """A8.8.24: BKPT #0xAB is a semihosting call when ctx.semihost is set."""
    calls: List[int] = []
    m = machine([BKPT(0xAB)])
    m.ctx.semihost = lambda: calls.append(1)
    m.run(1)
    assert calls == [1] and m.cpu.mode == Mode.SVC and m.regs[15] == CODE + 4


def test_bkpt_conditional_is_undefined() -> None:
    """A8.8.24: BKPT with cond != AL is UNPREDICTABLE; armsim: UNDEFINED (no row), when its condition passes.

    A failed condition makes it a NOP, as for every UNDEFINED (tests/test_conditional_undefined.py).
    """
    assert a32.lookup(BKPT(0, cond=0x0)) is None
    m = machine([BKPT(0, cond=0x0)])
    m.cpu.flags[0] = 0b0100  # Z: EQ passes
    m.run(1)
    assert m.cpu.mode == Mode.UND


def test_udf() -> None:
    """A8.8.247 UDF: always UNDEFINED: Undefined mode, vector 0x04, LR = address + 4."""
    m = machine([UDF | (0x123 << 8) | 0x4])
    m.run(1)
    assert (m.cpu.mode, m.regs[15], m.regs[14]) == (Mode.UND, 0x04, CODE + 4)


def test_hlt_semihosting() -> None:
    """HLT #0xF000 (ARMv8 A32 semihosting): a call with ctx.semihost, otherwise UNDEFINED."""
    calls: List[int] = []
    m = machine([HLT(0xF000)])
    m.ctx.semihost = lambda: calls.append(1)
    m.run(1)
    assert calls == [1] and m.regs[15] == CODE + 4
    m = machine([HLT(0xF000)])
    m.run(1)
    assert m.cpu.mode == Mode.UND
    m = machine([HLT(0x1)])
    m.ctx.semihost = lambda: calls.append(2)
    m.run(1)
    assert m.cpu.mode == Mode.UND and calls == [1]


def test_smc_enters_monitor() -> None:
    """B9.3 SMC / B1.9: Monitor mode at MVBAR + 8, LR = next instruction, A/I/F masked, SPSR_mon = CPSR."""
    m = machine([SMC])
    m.cpu.mvbar = 0x4000
    vectors(m, 0x4000)
    m.cpu.scr_ns = 1
    m.run(1)
    assert m.cpu.mode == Mode.MON
    assert m.regs[15] == 0x4008
    assert m.regs[14] == CODE + 4
    assert (m.cpu.A, m.cpu.I, m.cpu.F) == (1, 1, 1)
    assert m.cpu.spsr[Mode.MON] == Mode.SVC
    assert m.cpu.scr_ns == 1  # the monitor reads SCR.NS to see the caller's world
    assert m.exc.counts["SMC"] == 1


def test_smc_user_undefined() -> None:
    """B9.3 SMC: UNDEFINED in User mode."""
    m = machine([SMC], Mode.USR)
    m.run(1)
    assert m.cpu.mode == Mode.UND


@pytest.mark.parametrize(("mode", "ns"), [(Mode.SVC, 0), (Mode.MON, 1), (Mode.SVC, 1), (Mode.USR, 1)])
def test_hvc_undefined(mode: int, ns: int) -> None:
    """B9.3 HVC: UNDEFINED in Secure state, in User mode, and with SCR.HCE == 0."""
    m = machine([HVC], mode)
    m.cpu.scr_ns = ns
    m.run(1)
    assert m.cpu.mode == Mode.UND


def test_hvc_from_ns_svc_enters_hyp_trap() -> None:
    """B9.3 HVC, B1.14.x: from Non-secure PL1 with SCR.HCE = 1 the HVC exception enters Hyp mode at
    HVBAR + 0x14 (Hyp Trap), ELR_hyp = the next instruction, HSR.EC = 0x12 with IL = 1."""
    m = machine([HVC])
    m.cpu.scr_ns = 1
    m.cpu.scr_hce = 1
    m.run(1)
    assert m.cpu.mode == Mode.HYP and m.cpu.regs[15] == 0x14
    assert m.cpu.elr_hyp == CODE + 4
    assert m.cpu.sys.HSR >> 26 == 0x12 and (m.cpu.sys.HSR >> 25) & 1 == 1


# -- hints, barriers, SETEND ---------------------------------------------------------------


def test_wfi_halts() -> None:
    """A8.8 WFI: no interrupt source in this build, so the run stops (StopReason.HALT)."""
    m = machine([NOP_WORD, WFI])
    reason, message = m.run(10)
    assert reason == StopReason.HALT
    assert "WFI" in message
    assert m.regs[15] == CODE + 4


def test_sev_then_wfe() -> None:
    """A8.8 SEV / WFE (B1.8): SEV sets the Event Register, WFE consumes it; a second WFE waits."""
    m = machine([SEV, WFE, WFE])
    reason, _ = m.run(10)
    assert reason == StopReason.HALT
    assert m.regs[15] == CODE + 8
    assert m.cpu.event_register == 0


def test_wfe_without_event_halts() -> None:
    """A8.8 WFE: with the Event Register clear and nothing to wake it, the run stops."""
    m = machine([WFE])
    assert m.run(5)[0] == StopReason.HALT


@pytest.mark.parametrize("word", [NOP_WORD, YIELD, DBG, DSB, DMB, ISB, 0x0320F000])
def test_hints_and_barriers_continue(word: int) -> None:
    """A8.8 NOP, YIELD, DBG, DMB, DSB, ISB: no architectural effect here; execution continues."""
    m = machine([word])
    m.cpu.flags[0] = 0  # 0x0320F000 is NOPEQ: Z clear, skipped; still next
    m.run(1)
    assert m.regs[15] == CODE + 4
    assert m.cpu.mode == Mode.SVC


@pytest.mark.parametrize("word", [0xE320F005, 0xE320F014, 0xE320F080])
def test_unallocated_hints_execute_as_nop(word: int) -> None:
    """A5.2.11: "Other encodings in this space are unallocated hints. They execute as NOPs"."""
    m = machine([word])
    m.run(1)
    assert m.regs[15] == CODE + 4
    assert m.cpu.mode == Mode.SVC


@pytest.mark.parametrize("word", [0xF57FF07F, 0xF57FF00F, 0xE1000040, 0xE1200040])
def test_unallocated_encodings_have_no_row(word: int) -> None:
    """A5.7.1, A5.2.12: unallocated barrier options / misc encodings are UNDEFINED (no row)."""
    assert a32.lookup(word) is None
    m = machine([word])
    m.run(1)
    assert m.cpu.mode == Mode.UND


def test_setend_then_load() -> None:
    """A8.8 SETEND: CPSR.E switches data endianness; decoded ops are flushed so the next load sees it."""
    flushes: List[int] = []
    m = machine([SETEND_BE, LDR_R1_R0, SETEND_LE, 0xE5902000])
    m.cpu.decode_listeners.append(lambda: flushes.append(1))
    m.mem.load(0x9000, struct.pack("<I", 0x44332211))
    m.regs[0] = 0x9000
    if a32.lookup(LDR_R1_R0) is None:  # load rows not present: check the state only
        m.run(1)
        assert m.cpu.E == 1 and flushes and m.ctx.big_endian
        return
    m.run(4)
    assert m.regs[1] == 0x11223344
    assert m.regs[2] == 0x44332211
    assert m.cpu.E == 0
    assert len(flushes) == 2


def test_setend_same_endianness_does_not_flush() -> None:
    """A8.8 SETEND: setting the current endianness changes nothing (no flush)."""
    flushes: List[int] = []
    m = machine([SETEND_LE, SETEND_LE])
    m.cpu.decode_listeners.append(lambda: flushes.append(1))
    m.run(2)
    assert not flushes and m.regs[15] == CODE + 8


def test_rows_decode() -> None:
    """A5.2.11, A5.2.12, A5.6, A5.7: rows of the system space."""
    expect = {
        NOP_WORD: "NOP", WFI: "WFI", WFE: "WFE", SEV: "SEV", YIELD: "YIELD", DBG: "DBG",
        MSR_imm(0b1000, 0): "MSR (immediate)", MSR_imm(0b0001, 0): "MSR (immediate)",
        MSR_imm(0b0010, 0, R=1): "MSR (immediate)", MRS(0): "MRS", MSR_reg(1, 0): "MSR (register)",
        MRS_banked(0, 1): "MRS (Banked register)", MSR_banked(1, 0): "MSR (Banked register)",
        ERET: "ERET", BKPT(0): "BKPT", HVC: "HVC", SMC: "SMC", HLT(0xF000): "HLT", UDF: "UDF",
        SVC(0): "SVC", CPS(0b10, 0, 1): "CPS", SETEND_BE: "SETEND", DSB: "DSB", DMB: "DMB", ISB: "ISB",
        SRS(1, 0, 1, 0x13): "SRS", RFE(0, 1, 1, 13): "RFE",
    }
    for word, name in expect.items():
        row = a32.lookup(word)
        assert row is not None and row.name == name, hex(word)
