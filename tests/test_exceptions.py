"""The exception model with Hyp mode, Security and Virtualization Extensions (DDI 0406C B1.8, B1.9,
B1.12-B1.14): entry state of every exception, return from every mode, banking, HVC/SMC/ERET from each
mode, the Hyp routing and trap controls, interrupt lines, virtual interrupts and the WFI/WFE wake-up."""

from __future__ import annotations

from typing import Callable, Dict, List, Tuple

import pytest

from armsim.coproc.syndrome import decode_hsr
from armsim.cpu.exceptions import FS_ALIGNMENT, FS_DEBUG, FS_SYNC_EXTERNAL, ExceptionModel
from armsim.cpu.modes import Mode
from armsim.cpu.state import CPUState
from armsim.exec.engine import StopReason
from tests.helpers import CODE, TestMachine

NOP = 0xE320F000
SMC = 0xE1600070
HVC = 0xE1400070
HVC_1234 = 0xE1412374  # HVC #0x1234
ERET = 0xE160006E
WFI = 0xE320F003
WFE = 0xE320F002
MOVS_PC_LR = 0xE1B0F00E


def SUBS_PC_LR(imm: int) -> int:
    return 0xE25EF000 | imm


ALL_MODES = [Mode.USR, Mode.FIQ, Mode.IRQ, Mode.SVC, Mode.MON, Mode.ABT, Mode.HYP, Mode.UND, Mode.SYS]
PL1_NOT_MON = [Mode.FIQ, Mode.IRQ, Mode.SVC, Mode.ABT, Mode.UND, Mode.SYS]
VBAR, HVBAR, MVBAR = 0x1000, 0x2000, 0x3000


def core(mode: int = Mode.SVC, ns: bool = False) -> TestMachine:
    """A core with VBAR/HVBAR/MVBAR set, NOPs at every vector, A/I/F clear, flags NZCV = 1010."""
    m = TestMachine()
    for base in (0, VBAR, HVBAR, MVBAR):
        m.load_words([NOP] * 8, base)
    sr = m.cpu.sys
    sr.VBAR, sr.HVBAR, sr.MVBAR = VBAR, HVBAR, MVBAR
    if ns:
        sr.SCR = 0x101  # NS, HCE
    m.cpu.set_mode(mode)
    m.cpu.A = m.cpu.I = m.cpu.F = 0
    m.cpu.flags[0] = 0b1010
    return m


def step(m: TestMachine, words: List[int], n: int = 1) -> TestMachine:
    m.load_words(words)
    m.run(n)
    return m


# -- entry to PL1 modes (B1.9.x, Table B1-7 LR offsets, B1.8.5 masks) -------------------------------
Take = Callable[[ExceptionModel, int], int]
PL1_ENTRIES: Dict[str, Tuple[Take, int, int, int, int, int]] = {
    # name: (take(exc, key), target mode, LR offset from the instruction (ARM), vector offset, A, F)
    "UNDEFINED": (lambda e, k: e.TakeUndefInstrException(k), Mode.UND, 4, 0x04, 0, 0),
    "SVC": (lambda e, k: e.TakeSVCException(k, 4), Mode.SVC, 4, 0x08, 0, 0),
    "PREFETCH_ABORT": (lambda e, k: e.TakePrefetchAbortException(k, k, FS_SYNC_EXTERNAL, "t"), Mode.ABT, 4, 0x0C,
                       1, 0),
    "DATA_ABORT": (lambda e, k: e.TakeDataAbortException(k, 0x7000, FS_SYNC_EXTERNAL, True, "t"), Mode.ABT, 8, 0x10,
                   1, 0),
    # IRQ/FIQ: the key is the preferred return (the next instruction to execute), LR = that + 4.
    "IRQ": (lambda e, k: e.TakeIRQException(k), Mode.IRQ, 4, 0x18, 1, 0),
    "FIQ": (lambda e, k: e.TakeFIQException(k), Mode.FIQ, 4, 0x1C, 1, 1),
}


@pytest.mark.parametrize("name", sorted(PL1_ENTRIES))
@pytest.mark.parametrize("hivecs", [False, True])
def test_pl1_entry_state(name: str, hivecs: bool) -> None:
    """B1.8.3/B1.9: mode, LR = preferred return + offset, SPSR = old CPSR, PC = vector (VBAR or 0xFFFF0000 with
    SCTLR.V, B1.8.1), I set; A set for aborts/IRQ/FIQ, F for FIQ; IT, J cleared; T = SCTLR.TE."""
    take, mode, lr_off, vec, a, f = PL1_ENTRIES[name]
    m = core(Mode.USR)
    cpu = m.cpu
    if hivecs:
        cpu.sys.SCTLR |= 1 << 13
    old = cpu.get_cpsr()
    key = take(m.exc, CODE)
    base = 0xFFFF0000 if hivecs else VBAR
    assert key == base + vec
    assert cpu.mode == mode and cpu.regs[14] == CODE + lr_off and cpu.spsr[mode] == old
    assert (1, a, f, 0, 0, 0) == (cpu.I, cpu.A, cpu.F, cpu.T, cpu.IT, cpu.J)
    assert m.exc.counts[name] == 1


@pytest.mark.parametrize("name", ["UNDEFINED", "SVC"])
def test_entry_from_thumb_it_block(name: str) -> None:
    """B1.8.3: the SPSR keeps T and ITSTATE (from the engine key), LR = instruction + 2 for a 16-bit Thumb
    UNDEFINED/SVC; SCTLR.TE = 1 enters the handler in Thumb state (bit 0 of the returned key)."""
    m = core(Mode.USR)
    cpu = m.cpu
    cpu.sys.SCTLR |= 1 << 30
    key = CODE | 1 | (0x4A << 32)
    out = m.exc.TakeUndefInstrException(key) if name == "UNDEFINED" else m.exc.TakeSVCException(key, 2)
    mode = Mode.UND if name == "UNDEFINED" else Mode.SVC
    assert out == VBAR + (4 if name == "UNDEFINED" else 8) + 1 and cpu.T == 1
    spsr = cpu.spsr[mode]
    # B1.9.4 TakeSVCException starts with ITAdvance(): the SVC returns to the next instruction, in its IT state.
    it = 0x4A if name == "UNDEFINED" else 0x54
    assert spsr & (1 << 5) and ((spsr >> 25) & 3) | (((spsr >> 10) & 0x3F) << 2) == it
    assert cpu.regs[14] == CODE + 2 and cpu.IT == 0


def test_entry_endianness_from_sctlr_ee() -> None:
    """B1.8.3: CPSR.E = SCTLR.EE on entry to a PL1 mode; HSCTLR.EE on entry to Hyp mode."""
    m = core(Mode.USR)
    m.cpu.sys.SCTLR |= 1 << 25
    m.exc.TakeSVCException(CODE, 4)
    assert m.cpu.E == 1
    m = core(Mode.SVC, ns=True)
    m.cpu.sys.HSCTLR |= 1 << 25
    m.exc.TakeHVCException(CODE, 4, 0)
    assert m.cpu.E == 1 and m.cpu.mode == Mode.HYP


# -- entry to Monitor mode -----------------------------------------------------------------------------
def test_smc_entry_state() -> None:
    """B1.9 SMC: Monitor mode, MVBAR + 0x08, LR = next instruction, SPSR_mon, A/I/F set."""
    m = core(Mode.SVC)
    old = m.cpu.get_cpsr()
    assert m.exc.TakeSMCException(CODE, 4) == MVBAR + 8
    c = m.cpu
    assert (c.mode, c.regs[14], c.spsr[Mode.MON], c.A, c.I, c.F) == (Mode.MON, CODE + 4, old, 1, 1, 1)


def test_smc_from_monitor_clears_ns() -> None:
    """B1.9 SMC in Monitor mode: SCR.NS is cleared."""
    m = core(Mode.MON)
    m.cpu.sys.SCR = 1
    m.exc.TakeSMCException(CODE, 4)
    assert m.cpu.sys.SCR & 1 == 0


@pytest.mark.parametrize(("kind", "scr", "vec"), [("IRQ", 1 << 1, 0x18), ("FIQ", 1 << 2, 0x1C)])
def test_irq_fiq_routed_to_monitor(kind: str, scr: int, vec: int) -> None:
    """B1.8.6 / B4.1.129 SCR.IRQ, SCR.FIQ: the interrupt goes to Monitor mode at MVBAR + offset, LR = pref + 4."""
    m = core(Mode.SVC, ns=True)
    m.cpu.sys.SCR |= scr
    key = m.exc.TakeIRQException(CODE) if kind == "IRQ" else m.exc.TakeFIQException(CODE)
    assert key == MVBAR + vec and m.cpu.mode == Mode.MON and m.cpu.regs[14] == CODE + 4


# -- entry to Hyp mode (B1.14.x EnterHypMode; reference 4.2 offsets) ---------------------------------------
HYP_ENTRIES = [
    # (label, start mode, HCR, HDCR, take, offset, ELR, EC or None (IRQ/FIQ: HSR untouched))
    ("HVC from NS SVC", Mode.SVC, 0, 0, lambda e, k: e.TakeHVCException(k, 4, 0x1234), 0x14, CODE + 4, 0x12),
    ("HVC in Hyp", Mode.HYP, 0, 0, lambda e, k: e.TakeHVCException(k, 4, 0x1234), 0x08, CODE + 4, 0x12),
    ("Hyp Trap", Mode.SVC, 0, 0, lambda e, k: e.TakeHypTrapException(k, 0x0E000000), 0x14, CODE, 0x03),
    ("UNDEFINED in Hyp", Mode.HYP, 0, 0, lambda e, k: e.TakeUndefInstrException(k), 0x04, CODE, 0x00),
    ("SVC in Hyp", Mode.HYP, 0, 0, lambda e, k: e.TakeSVCException(k, 4, 7), 0x08, CODE + 4, 0x11),
    ("PABT in Hyp", Mode.HYP, 0, 0, lambda e, k: e.TakePrefetchAbortException(k, k, FS_SYNC_EXTERNAL, "t"), 0x0C,
     CODE, 0x21),
    ("DABT in Hyp", Mode.HYP, 0, 0, lambda e, k: e.TakeDataAbortException(k, 0x7000, FS_SYNC_EXTERNAL, True, "t"),
     0x10, CODE, 0x25),
    ("UNDEFINED, TGE from NS USR", Mode.USR, 1 << 27, 0, lambda e, k: e.TakeUndefInstrException(k), 0x14, CODE, 0x00),
    ("SVC, TGE from NS USR", Mode.USR, 1 << 27, 0, lambda e, k: e.TakeSVCException(k, 4, 5), 0x14, CODE + 4, 0x11),
    ("DABT, TGE from NS USR", Mode.USR, 1 << 27, 0,
     lambda e, k: e.TakeDataAbortException(k, 0x7000, FS_SYNC_EXTERNAL, False, "t"), 0x14, CODE, 0x24),
    ("PABT, TGE from NS USR", Mode.USR, 1 << 27, 0,
     lambda e, k: e.TakePrefetchAbortException(k, k, FS_SYNC_EXTERNAL, "t"), 0x14, CODE, 0x20),
    ("alignment DABT, TGE from NS USR", Mode.USR, 1 << 27, 0,
     lambda e, k: e.TakeDataAbortException(k, 0x7001, FS_ALIGNMENT, True, "t"), 0x14, CODE, 0x24),
    ("debug PABT, TGE from NS SVC", Mode.SVC, 1 << 27, 0,
     lambda e, k: e.TakePrefetchAbortException(k, k, FS_DEBUG, "t"), 0x14, CODE, 0x20),
    ("IRQ, HCR.TGE", Mode.USR, 1 << 27, 0, lambda e, k: e.TakeIRQException(k), 0x18, CODE, None),
    ("FIQ, HCR.TGE", Mode.SVC, 1 << 27, 0, lambda e, k: e.TakeFIQException(k), 0x1C, CODE, None),
    ("debug PABT, HDCR.TDE", Mode.SVC, 0, 1 << 8, lambda e, k: e.TakePrefetchAbortException(k, k, FS_DEBUG, "t"),
     0x14, CODE, 0x20),
    ("debug DABT, HDCR.TDE", Mode.SVC, 0, 1 << 8,
     lambda e, k: e.TakeDataAbortException(k, 0x7000, FS_DEBUG, True, "t"), 0x14, CODE, 0x24),
    ("IRQ, HCR.IMO", Mode.SVC, 1 << 4, 0, lambda e, k: e.TakeIRQException(k), 0x18, CODE, None),
    ("FIQ, HCR.FMO", Mode.SVC, 1 << 3, 0, lambda e, k: e.TakeFIQException(k), 0x1C, CODE, None),
]


@pytest.mark.parametrize("case", HYP_ENTRIES, ids=[c[0] for c in HYP_ENTRIES])
def test_hyp_entry_state(case: Tuple) -> None:  # type: ignore[type-arg]
    """B1.14.x: Hyp mode, ELR_hyp = preferred return (no offset), SPSR_hyp = old CPSR, PC = HVBAR + offset,
    A/I/F set (SCR.EA/IRQ/FIQ clear), T = HSCTLR.TE, HSR written (not for IRQ/FIQ), LR of the old mode kept."""
    _label, mode, hcr, hdcr, take, off, elr, ec = case
    m = core(mode, ns=True)
    c = m.cpu
    c.sys.HCR, c.sys.HDCR = hcr, hdcr
    c.sys.HSR = 0xFFFFFFFF
    c.regs[14] = 0x5555
    old = c.get_cpsr()
    key = take(m.exc, CODE)
    assert key == HVBAR + off and c.mode == Mode.HYP and c.elr_hyp == elr and c.spsr[Mode.HYP] == old
    assert (c.A, c.I, c.F, c.T, c.IT) == (1, 1, 1, 0, 0)
    assert c.get_banked(mode if mode != Mode.HYP else Mode.USR, 14) == 0x5555
    if ec is None:
        assert c.sys.HSR == 0xFFFFFFFF
    else:
        assert ec == c.sys.HSR >> 26


def test_hyp_entry_keeps_masks_routed_to_monitor() -> None:
    """B1.14.x EnterHypMode: A, I, F are set only when SCR.EA, SCR.IRQ, SCR.FIQ do not route to Monitor mode."""
    m = core(Mode.SVC, ns=True)
    m.cpu.sys.SCR |= (1 << 3) | (1 << 1) | (1 << 2)
    m.exc.TakeHVCException(CODE, 4, 0)
    assert (m.cpu.A, m.cpu.I, m.cpu.F) == (0, 0, 0)


def test_hyp_entry_thumb_from_hsctlr_te() -> None:
    m = core(Mode.SVC, ns=True)
    m.cpu.sys.HSCTLR |= 1 << 30
    assert m.exc.TakeHVCException(CODE, 4, 0) == HVBAR + 0x14 + 1 and m.cpu.T == 1


def test_hyp_abort_syndromes() -> None:
    """B3.13.6: an abort taken to Hyp mode records HIFAR/HDFAR and the long-descriptor FSC (debug 0x22,
    synchronous external 0x10), WnR for data aborts, ISV = 0."""
    m = core(Mode.SVC, ns=True)
    m.cpu.sys.HDCR = 1 << 8
    m.exc.TakeDataAbortException(CODE, 0x7004, FS_DEBUG, True, "t")
    h = decode_hsr(m.cpu.sys.HSR)
    assert (h["EC"], h["DFSC"], h["WnR"], h["ISV"], m.cpu.sys.HDFAR) == (0x24, 0x22, 1, 0, 0x7004)
    m = core(Mode.HYP, ns=True)
    m.exc.TakePrefetchAbortException(CODE, 0x9000, FS_SYNC_EXTERNAL, "t")
    h = decode_hsr(m.cpu.sys.HSR)
    assert (h["EC"], h["IFSC"], m.cpu.sys.HIFAR) == (0x21, 0x10, 0x9000)


def test_debug_abort_without_tde_goes_to_abort_mode() -> None:
    """C4 / B1.14.x: without HDCR.TDE a debug event from NS PL1 is a Prefetch Abort to Abort mode (IFSR.FS 2)."""
    m = core(Mode.SVC, ns=True)
    assert m.exc.TakePrefetchAbortException(CODE, CODE, FS_DEBUG, "t") == VBAR + 0x0C
    assert m.cpu.mode == Mode.ABT and m.cpu.sys.IFSR & 0xF == FS_DEBUG


# -- HCR.TGE (B1.8.4 "Routing general exceptions to Hyp mode", B4.1.65 HCR.TGE) ---------------------------
TGE = 1 << 27
UDF = 0xE7F000F0  # UDF #0 (A8.8.247)
SVC_42 = 0xEF00002A


@pytest.mark.parametrize(("mode", "routed"), [(Mode.USR, True)] + [(m, False) for m in PL1_NOT_MON])
@pytest.mark.parametrize("kind", ["UNDEFINED", "SVC", "PREFETCH_ABORT", "DATA_ABORT"])
def test_tge_routes_only_from_ns_user_mode(kind: str, mode: int, routed: bool) -> None:
    """B1.8.4 / B4.1.65: HCR.TGE routes the Undefined, SVC and synchronous abort exceptions that Non-secure
    *User* mode would take to PL1 to Hyp mode (Hyp Trap, HVBAR + 0x14); from a Non-secure PL1 mode they stay
    at PL1 (a non-debug abort is not a debug event, so TGE-as-TDE does not apply)."""
    take, target, lr_off, vec, _a, _f = PL1_ENTRIES[kind]
    m = core(mode, ns=True)
    m.cpu.sys.HCR = TGE
    key = take(m.exc, CODE)
    if routed:
        assert key == HVBAR + 0x14 and m.cpu.mode == Mode.HYP
    else:
        assert key == VBAR + vec and m.cpu.mode == target and m.cpu.regs[14] == CODE + lr_off


@pytest.mark.parametrize("kind", ["UNDEFINED", "SVC", "PREFETCH_ABORT", "DATA_ABORT", "IRQ", "FIQ"])
def test_tge_has_no_effect_in_secure_state(kind: str) -> None:
    """B4.1.65: HCR applies to Non-secure state only; with SCR.NS = 0 TGE routes nothing to Hyp mode."""
    take, target, _lr, vec, _a, _f = PL1_ENTRIES[kind]
    m = core(Mode.USR)
    m.cpu.sys.HCR = TGE
    assert take(m.exc, CODE) == VBAR + vec and m.cpu.mode == target


def test_tge_undefined_and_svc_from_user_code_run() -> None:
    """B1.8.4 with the syndromes of B3.13.6: a UDF executed in Non-secure User mode with HCR.TGE is a Hyp Trap
    with HSR.EC 0x00 and ELR_hyp = the UDF; an SVC is a Hyp Trap with EC 0x11, IL = 1, ISS = imm and ELR_hyp =
    the next instruction."""
    m = core(Mode.USR, ns=True)
    m.cpu.sys.HCR = TGE
    step(m, [UDF])
    assert m.cpu.mode == Mode.HYP and m.cpu.regs[15] == HVBAR + 0x14 and m.cpu.elr_hyp == CODE
    assert m.cpu.sys.HSR == 0x00000000
    m = core(Mode.USR, ns=True)
    m.cpu.sys.HCR = TGE
    step(m, [SVC_42])
    assert m.cpu.mode == Mode.HYP and m.cpu.regs[15] == HVBAR + 0x14 and m.cpu.elr_hyp == CODE + 4
    h = decode_hsr(m.cpu.sys.HSR)
    assert (h["EC"], h["IL"], m.cpu.sys.HSR & 0xFFFF) == (0x11, 1, 42)


@pytest.mark.parametrize("mode", [Mode.USR, Mode.SVC])
@pytest.mark.parametrize(("line", "vec"), [("irq_line", 0x18), ("fiq_line", 0x1C)])
def test_tge_routes_and_unmasks_physical_interrupts(mode: int, line: str, vec: int) -> None:
    """B4.1.65 HCR.TGE: IMO and FMO behave as 1, so a physical IRQ/FIQ from Non-secure PL0/PL1 goes to Hyp mode
    and CPSR.I/F cannot mask it there (B1.8.6); a direct read of HCR still shows IMO = FMO = 0."""
    m = core(mode, ns=True)
    m.cpu.sys.HCR = TGE
    m.cpu.I = m.cpu.F = 1
    setattr(m.exc, line, True)
    assert m.exc.check_interrupts(CODE) == HVBAR + vec and m.cpu.mode == Mode.HYP and m.cpu.elr_hyp == CODE
    assert m.cpu.sys.HCR == TGE


@pytest.mark.parametrize(("line", "vec"), [("irq_line", 0x18), ("fiq_line", 0x1C)])
def test_tge_interrupts_in_hyp_mode_masked_by_cpsr(line: str, vec: int) -> None:
    """B1.8.6: an interrupt routed to Hyp mode (by TGE's IMO/FMO = 1) is masked by CPSR.I/F in Hyp mode and
    taken at HVBAR + offset when unmasked; without TGE (IMO = 0) it is never taken in Hyp mode."""
    m = core(Mode.HYP, ns=True)
    m.cpu.sys.HCR = TGE
    m.cpu.I = m.cpu.F = 1
    setattr(m.exc, line, True)
    assert m.exc.check_interrupts(CODE) == CODE
    m.cpu.I = m.cpu.F = 0
    assert m.exc.check_interrupts(CODE) == HVBAR + vec
    m = core(Mode.HYP, ns=True)
    setattr(m.exc, line, True)
    assert m.exc.check_interrupts(CODE) == CODE


@pytest.mark.parametrize(("bits", "mode", "vec"), [(1 << 7, Mode.IRQ, 0x18), (1 << 6, Mode.FIQ, 0x1C),
                                                   (1 << 8, Mode.ABT, 0x10)])
def test_tge_enables_virtual_interrupts(bits: int, mode: int, vec: int) -> None:
    """B4.1.65 (IMO/FMO/AMO behave as 1 for all purposes but a direct read) with B1.14.x HCR.VI/VF/VA: with TGE
    the virtual IRQ/FIQ/abort is signalled to Non-secure PL0/PL1 (and wakes a WFI) without the real
    IMO/FMO/AMO; without TGE it is not."""
    m = core(Mode.USR, ns=True)
    m.cpu.sys.HCR = TGE | bits
    assert m.exc.pending()
    assert m.exc.check_interrupts(CODE) == VBAR + vec and m.cpu.mode == mode
    m = core(Mode.USR, ns=True)
    m.cpu.sys.HCR = bits
    assert not m.exc.pending() and m.exc.check_interrupts(CODE) == CODE


def test_tge_wfi_wakes_on_physical_interrupt_routed_to_hyp() -> None:
    """B1.8.13 WFI wake-up with B4.1.65: in Non-secure User mode with TGE a raised IRQ line ends the wait and is
    taken to Hyp mode (HVBAR + 0x18, ELR_hyp = the instruction after the WFI)."""
    m = core(Mode.USR, ns=True)
    m.cpu.sys.HCR = TGE
    m.exc.irq_line = True
    step(m, [WFI, NOP])
    assert m.cpu.mode == Mode.HYP and m.cpu.regs[15] == HVBAR + 0x18 and m.cpu.elr_hyp == CODE + 4


# -- return from each mode (B1.8.10 / B9.3.20 SUBS PC, LR; ERET) ----------------------------------------------
RETURNS = {"UNDEFINED": MOVS_PC_LR, "SVC": MOVS_PC_LR, "PREFETCH_ABORT": SUBS_PC_LR(4),
           "DATA_ABORT": SUBS_PC_LR(8), "IRQ": SUBS_PC_LR(4), "FIQ": SUBS_PC_LR(4)}


@pytest.mark.parametrize("name", sorted(PL1_ENTRIES))
def test_round_trip_restores_state(name: str) -> None:
    """B1.8.10 Table B1-7: each exception's return instruction resumes at the right instruction with the CPSR
    and the banked registers of the interrupted mode as they were (UNDEF/SVC: the next one, aborts/IRQ/FIQ:
    the preferred return address)."""
    take, _mode, _lr, _vec, _a, _f = PL1_ENTRIES[name]
    m = core(Mode.USR)
    c = m.cpu
    c.regs[13], c.regs[14] = 0x1313, 0x1414
    c.regs[8] = 0x88
    before = (c.get_cpsr(), c.regs[8], c.regs[13], c.regs[14])
    key = take(m.exc, CODE)
    m.load_words([RETURNS[name]], key & ~1)
    m.engine._sync(key)
    m.engine.run(1)
    resume = CODE + 4 if name in ("UNDEFINED", "SVC") else CODE
    assert c.regs[15] == resume
    assert (c.get_cpsr(), c.regs[8], c.regs[13], c.regs[14]) == before


def test_eret_from_hyp_round_trip() -> None:
    """B9.3 ERET in Hyp mode: CPSR = SPSR_hyp, PC = ELR_hyp -- back to the instruction after the HVC."""
    m = core(Mode.SVC, ns=True)
    c = m.cpu
    before = c.get_cpsr()
    step(m, [HVC])
    assert c.mode == Mode.HYP and c.regs[15] == HVBAR + 0x14
    m.load_words([ERET], HVBAR + 0x14)
    m.run(1, pc=HVBAR + 0x14)
    assert c.mode == Mode.SVC and c.regs[15] == CODE + 4 and c.get_cpsr() == before


@pytest.mark.parametrize("mode", [Mode.FIQ, Mode.IRQ, Mode.SVC, Mode.MON, Mode.ABT, Mode.UND])
def test_subs_pc_lr_from_each_exception_mode(mode: int) -> None:
    """B9.3.20: SUBS PC, LR, #4 from every exception mode with an SPSR: CPSR = SPSR, PC = LR - 4."""
    m = core(mode)
    m.cpu.regs[14] = 0x9004
    m.cpu.spsr[mode] = 0x20000000 | Mode.SYS
    step(m, [SUBS_PC_LR(4)])
    assert (m.cpu.regs[15], m.cpu.mode, m.cpu.flags[0]) == (0x9000, Mode.SYS, 0b0010)


# -- banking across every mode switch (B1.3.2, Table B1-2) ---------------------------------------------------
def _same_register(a: int, b: int, r: int) -> bool:
    """Table B1-2: do modes ``a`` and ``b`` see the same physical R<r> (r = 8..14)?"""
    if a == b:
        return True
    if r <= 12:
        return Mode.FIQ not in (a, b)
    group = {Mode.USR, Mode.SYS} | ({Mode.HYP} if r == 14 else set())
    return a in group and b in group


@pytest.mark.parametrize("a", ALL_MODES)
def test_banking_across_every_switch(a: int) -> None:
    """B1.3.2 Table B1-2: after every mode writes R8-R14, each mode reads the value of the last writer of
    its own physical register (SP per mode, SP_usr = SP_sys, LR_usr = LR_sys = LR of Hyp mode, R8-R12
    FIQ-banked), across a switch to any other mode and back; SPSRs and ELR_hyp are kept."""
    cpu = CPUState()
    for i, mode in enumerate(ALL_MODES):
        cpu.set_mode(mode)
        cpu.regs[8:15] = [0x1000 * i + r for r in range(8, 15)]
        if mode not in (Mode.USR, Mode.SYS):
            cpu.spsr[mode] = 0x10 + i
    cpu.elr_hyp = 0xE1E1
    expect = []
    for r in range(8, 15):
        last = max(i for i, w in enumerate(ALL_MODES) if _same_register(a, w, r))
        expect.append(0x1000 * last + r)
    for b in ALL_MODES:
        cpu.set_mode(a)
        cpu.set_mode(b)
        cpu.set_mode(a)
        assert list(cpu.regs[8:15]) == expect, (a, b)
        assert cpu.elr_hyp == 0xE1E1
        for i, mode in enumerate(ALL_MODES):
            if mode not in (Mode.USR, Mode.SYS):
                assert cpu.spsr[mode] == 0x10 + i


# -- HVC, SMC and ERET from each allowed and disallowed mode -----------------------------------------------
def _hvc_expect(mode: int, ns: bool, hce: bool) -> str:
    """B9.3 HVC: UNDEFINED in Secure state, User mode, and with SCR.HCE = 0 (in Hyp mode UNPREDICTABLE:
    armsim UNDEFINED); otherwise Hyp mode, +0x08 from Hyp, +0x14 from NS PL1."""
    if not ns or mode == Mode.USR or not hce:
        return "undefined"
    return "hyp+0x08" if mode == Mode.HYP else "hyp+0x14"


STATES = [(m, ns) for m in ALL_MODES for ns in (False, True)
          if not (m == Mode.HYP and not ns) and not (m == Mode.MON and ns)]


@pytest.mark.parametrize(("mode", "ns"), STATES)
@pytest.mark.parametrize("hce", [False, True])
def test_hvc_from_each_mode(mode: int, ns: bool, hce: bool) -> None:
    m = core(mode, ns=ns)
    m.cpu.sys.SCR = (1 if ns else 0) | (0x100 if hce else 0)
    step(m, [HVC_1234])
    expect = _hvc_expect(mode, ns, hce)
    c = m.cpu
    if expect == "undefined":
        assert m.exc.counts.get("UNDEFINED") == 1
        assert c.mode == (Mode.HYP if mode == Mode.HYP else Mode.UND)
        return
    assert c.mode == Mode.HYP and c.regs[15] == HVBAR + (8 if expect == "hyp+0x08" else 0x14)
    assert c.elr_hyp == CODE + 4
    h = decode_hsr(c.sys.HSR)
    assert (h["EC"], h["IL"], h["imm16"]) == (0x12, 1, 0x1234)


@pytest.mark.parametrize(("mode", "ns"), STATES)
@pytest.mark.parametrize(("tsc", "scd"), [(False, False), (True, False), (False, True), (True, True)])
def test_smc_from_each_mode(mode: int, ns: bool, tsc: bool, scd: bool) -> None:
    """B9.3 SMC: UNDEFINED in User mode; from NS PL1 (not Hyp) with HCR.TSC a Hyp Trap (EC 0x13, ELR_hyp =
    the SMC, before SCR.SCD); UNDEFINED in Non-secure state with SCR.SCD; otherwise Monitor mode."""
    m = core(mode, ns=ns)
    m.cpu.sys.HCR = (1 << 19) if tsc else 0
    m.cpu.sys.SCR |= (1 << 7) if scd else 0
    step(m, [SMC])
    c = m.cpu
    if mode == Mode.USR:
        assert c.mode == Mode.UND
    elif ns and mode != Mode.HYP and tsc:
        assert c.mode == Mode.HYP and c.regs[15] == HVBAR + 0x14 and c.elr_hyp == CODE
        assert decode_hsr(c.sys.HSR)["EC"] == 0x13
    elif ns and scd:
        assert m.exc.counts.get("UNDEFINED") == 1
    else:
        assert c.mode == Mode.MON and c.regs[15] == MVBAR + 8 and c.regs[14] == CODE + 4


@pytest.mark.parametrize(("mode", "ns"), STATES)
def test_eret_from_each_mode(mode: int, ns: bool) -> None:
    """B9.3 ERET: UNDEFINED (UNPREDICTABLE) in User and System mode; in Hyp mode PC = ELR_hyp; in the other
    exception modes PC = LR (as SUBS PC, LR, #0); CPSR = SPSR of the mode."""
    m = core(mode, ns=ns)
    c = m.cpu
    c.regs[14] = 0x9100
    c.elr_hyp = 0x9200
    target = Mode.SVC
    if mode not in (Mode.USR, Mode.SYS):
        c.spsr[mode] = 0x40000000 | target
    step(m, [ERET])
    if mode in (Mode.USR, Mode.SYS):
        assert c.mode == Mode.UND
        return
    assert c.mode == target and c.flags[0] == 0b0100
    assert c.regs[15] == (0x9200 if mode == Mode.HYP else 0x9100)


# -- interrupts: lines, masking, routing, virtual interrupts (B1.8.6, B1.14.x) ---------------------------------
def test_irq_line_taken_when_unmasked() -> None:
    """B1.8.6: a raised IRQ line is taken before the next instruction once CPSR.I = 0 (CPSIE i), LR = the
    next instruction + 4."""
    m = core(Mode.SVC)
    c = m.cpu
    c.I = 1
    m.exc.irq_line = True
    step(m, [0xF1080080, NOP], 1)  # CPSIE i
    assert c.mode == Mode.IRQ and c.regs[15] == VBAR + 0x18 and c.regs[14] == CODE + 8


def test_irq_line_stays_pending_while_masked() -> None:
    m = core(Mode.SVC)
    m.cpu.I = 1
    m.exc.irq_line = True
    step(m, [NOP, NOP], 2)
    assert m.cpu.mode == Mode.SVC and m.cpu.regs[15] == CODE + 8


def test_fiq_has_priority_over_irq() -> None:
    """B1.8.2: with both lines raised, FIQ is taken first."""
    m = core(Mode.SVC)
    m.exc.irq_line = m.exc.fiq_line = True
    assert m.exc.check_interrupts(CODE) == VBAR + 0x1C and m.cpu.mode == Mode.FIQ


def test_imo_irq_not_masked_by_ns_pl1() -> None:
    """B1.8.6 Table B1-?: an IRQ routed to Hyp mode (HCR.IMO) cannot be masked by CPSR.I in NS PL1; in Hyp
    mode CPSR.I masks it."""
    m = core(Mode.SVC, ns=True)
    m.cpu.sys.HCR = 1 << 4
    m.cpu.I = 1
    m.exc.irq_line = True
    assert m.exc.check_interrupts(CODE) == HVBAR + 0x18 and m.cpu.elr_hyp == CODE
    m = core(Mode.HYP, ns=True)
    m.cpu.sys.HCR = 1 << 4
    m.cpu.I = 1
    m.exc.irq_line = True
    assert m.exc.check_interrupts(CODE) == CODE


def test_irq_to_pl1_not_taken_in_hyp_mode() -> None:
    """B1.8.6: an IRQ that targets a PL1 mode (HCR.IMO = 0) is never taken in Hyp mode."""
    m = core(Mode.HYP, ns=True)
    m.exc.irq_line = True
    assert m.exc.check_interrupts(CODE) == CODE


def test_fiq_to_monitor_not_maskable_without_fw() -> None:
    """B4.1.129 SCR.FW = 0: Non-secure software cannot mask an FIQ routed to Monitor mode."""
    m = core(Mode.SVC, ns=True)
    m.cpu.sys.SCR |= 1 << 2
    m.cpu.F = 1
    m.exc.fiq_line = True
    assert m.exc.check_interrupts(CODE) == MVBAR + 0x1C
    m = core(Mode.SVC, ns=True)
    m.cpu.sys.SCR |= (1 << 2) | (1 << 4)
    m.cpu.F = 1
    m.exc.fiq_line = True
    assert m.exc.check_interrupts(CODE) == CODE


@pytest.mark.parametrize(("bits", "mode", "vec"), [((1 << 7) | (1 << 4), Mode.IRQ, 0x18),
                                                   ((1 << 6) | (1 << 3), Mode.FIQ, 0x1C),
                                                   ((1 << 8) | (1 << 5), Mode.ABT, 0x10)])
def test_virtual_interrupts(bits: int, mode: int, vec: int) -> None:
    """B1.14.x HCR.VI/VF/VA with IMO/FMO/AMO: a virtual IRQ/FIQ/abort is taken in NS PL1 at VBAR, masked by
    CPSR.I/F/A; never in Hyp mode; the virtual abort clears HCR.VA."""
    m = core(Mode.SVC, ns=True)
    m.cpu.sys.HCR = bits
    assert m.exc.check_interrupts(CODE) == VBAR + vec and m.cpu.mode == mode
    if mode == Mode.ABT:
        assert not m.cpu.sys.HCR & (1 << 8)
    m = core(Mode.SVC, ns=True)
    m.cpu.sys.HCR = bits
    m.cpu.I = m.cpu.F = m.cpu.A = 1
    assert m.exc.check_interrupts(CODE) == CODE
    m = core(Mode.HYP, ns=True)
    m.cpu.sys.HCR = bits
    assert m.exc.check_interrupts(CODE) == CODE


def test_virtual_irq_after_eret_to_guest() -> None:
    """B1.14.x: Hyp sets HCR.VI|IMO and ERETs to a guest with I clear: the virtual IRQ is taken at once."""
    m = core(Mode.HYP, ns=True)
    c = m.cpu
    c.sys.HCR = (1 << 7) | (1 << 4)
    c.spsr[Mode.HYP] = Mode.SVC
    c.elr_hyp = 0x9000
    step(m, [ERET])
    assert c.mode == Mode.IRQ and c.regs[15] == VBAR + 0x18 and c.regs[14] == 0x9004


# -- WFI / WFE: wake-up model and traps (B1.8.13, B1.14.x HCR.TWI/TWE) ---------------------------------------------
def test_wfi_with_nothing_to_wake_it_halts() -> None:
    m = core(Mode.SVC)
    reason, message = step(m, [WFI]).run(1)
    assert reason == StopReason.HALT and "WFI" in message and "nothing that could raise one" in message


def test_wfi_wakes_on_masked_interrupt() -> None:
    """B1.8.13: WFI wakes on a pending interrupt even if CPSR.I masks it; execution continues after it."""
    m = core(Mode.SVC)
    m.cpu.I = 1
    m.exc.irq_line = True
    step(m, [WFI, NOP], 2)
    assert m.cpu.mode == Mode.SVC and m.cpu.regs[15] == CODE + 8


def test_wfi_waits_for_a_device() -> None:
    """A wait hook (a device model advancing time) raises the IRQ line on its third call: WFI resumes and the
    unmasked IRQ is taken with LR = the instruction after the WFI + 4."""
    m = core(Mode.SVC)
    calls = []

    def hook() -> bool:
        calls.append(1)
        if len(calls) == 3:
            m.exc.irq_line = True
        return True

    m.exc.wait_hooks.append(hook)
    step(m, [WFI])
    assert len(calls) == 3 and m.cpu.mode == Mode.IRQ and m.cpu.regs[14] == CODE + 8


@pytest.mark.parametrize(("word", "bit", "ti"), [(WFI, 13, 0), (WFE, 14, 1)])
def test_wfx_traps(word: int, bit: int, ti: int) -> None:
    """B1.14.x HCR.TWI/TWE: a WFI/WFE from NS PL0/PL1 that would suspend traps (EC 0x01, TI); Hyp mode and
    Secure state are not trapped."""
    m = core(Mode.SVC, ns=True)
    m.cpu.sys.HCR = 1 << bit
    step(m, [word])
    h = decode_hsr(m.cpu.sys.HSR)
    assert m.cpu.mode == Mode.HYP and m.cpu.elr_hyp == CODE and (h["EC"], h["TI"], h["CV"]) == (0x01, ti, 1)
    m = core(Mode.HYP, ns=True)
    m.cpu.sys.HCR = 1 << bit
    reason, _ = step(m, [word]).run(1)
    assert reason == StopReason.HALT


def test_wfi_not_trapped_when_it_would_not_suspend() -> None:
    """B1.14.x: HCR.TWI traps only a WFI that would suspend: with an interrupt pending it completes."""
    m = core(Mode.SVC, ns=True)
    m.cpu.sys.HCR = 1 << 13
    m.cpu.I = 1
    m.exc.irq_line = True
    step(m, [WFI])
    assert m.cpu.mode == Mode.SVC and m.cpu.regs[15] == CODE + 4
