"""Exception return, one path (DDI 0406C B1.8.10, B9.3.20, B1.3.3).

Every exception-returning instruction -- SUBS PC, LR and the related
data-processing S-forms writing the PC (B9.3.20), LDM (exception return, B9.3.4),
RFE and ERET (B9.3) -- ends in CPSRWriteByInstr(SPSR[], '1111', TRUE) then
BranchWritePC.  The expected CPSR below is written from that pseudocode, not from
armsim's implementation, over NMFI / F / A / I / M / T / IT / E and the flags.
"""

from __future__ import annotations

from typing import Callable, List, NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from armsim.cpu.exception_return import ExceptionReturn
from armsim.cpu.modes import VALID_MODES, Mode
from armsim.cpu.psr import it_bits
from armsim.cpu.state import SCTLR, CPUState
from tests.helpers import CODE, TestMachine

NOP_WORD = 0xE320F000
MASK32 = 0xFFFFFFFF
NMFI = SCTLR["NMFI"].mask
BASE = 0x7000  # R0 / R2 for the loads of LDM and RFE
IT_FIELD = 0x0600FC00  # CPSR.IT<1:0> (26:25) and IT<7:2> (15:10)
J_BIT = 1 << 24
RESERVED = 0x00F00000  # CPSR<23:20>


class Insn(NamedTuple):
    name: str
    word: int
    # The return address from (R0, LR, ELR_hyp in Hyp mode else LR, APSR.C);
    # LDM and RFE load it (the test stores LR there).
    target: Callable[[int, int, int, int], int]
    # Modes in which the instruction may return (elsewhere: UNDEFINED or UNPREDICTABLE -> UNDEFINED).
    allowed: frozenset
    spsr_from_memory: bool = False  # RFE loads the PSR (from BASE + 4)
    loads_pc: bool = False  # LDM / RFE load the PC (from BASE + 8 / BASE)


_PL1_WITH_SPSR = frozenset((Mode.FIQ, Mode.IRQ, Mode.SVC, Mode.ABT, Mode.UND, Mode.MON))

INSNS: List[Insn] = [
    # B9.3.20 SUBS PC, LR and related instructions (ARM): UNDEFINED in Hyp mode,
    # UNPREDICTABLE in User and System modes (armsim: UNDEFINED).
    Insn("SUBS PC, LR, #4", 0xE25EF004, lambda r0, lr, elr, c: lr - 4, _PL1_WITH_SPSR),
    Insn("MOVS PC, LR", 0xE1B0F00E, lambda r0, lr, elr, c: lr, _PL1_WITH_SPSR),
    Insn("ADDS PC, R0, LR", 0xE090F00E, lambda r0, lr, elr, c: r0 + lr, _PL1_WITH_SPSR),
    Insn("BICS PC, LR, #0", 0xE3DEF000, lambda r0, lr, elr, c: lr, _PL1_WITH_SPSR),
    Insn("ORRS PC, LR, #0", 0xE39EF000, lambda r0, lr, elr, c: lr, _PL1_WITH_SPSR),
    Insn("MVNS PC, R0", 0xE1F0F000, lambda r0, lr, elr, c: ~r0, _PL1_WITH_SPSR),
    Insn("RSBS PC, LR, #0", 0xE27EF000, lambda r0, lr, elr, c: -lr, _PL1_WITH_SPSR),
    Insn("ADCS PC, LR, #0", 0xE2BEF000, lambda r0, lr, elr, c: lr + c, _PL1_WITH_SPSR),
    Insn("SBCS PC, LR, R0", 0xE0DEF000, lambda r0, lr, elr, c: lr - r0 - (1 - c), _PL1_WITH_SPSR),
    # B9.3.4 LDM (exception return): the same modes as SUBS PC, LR.
    Insn("LDM R0!, {R1, R2, PC}^", 0xE8F08006, lambda r0, lr, elr, c: lr, _PL1_WITH_SPSR, loads_pc=True),
    # B9.3 RFE: UNDEFINED in Hyp mode, UNPREDICTABLE in User mode (armsim: UNDEFINED); System mode may.
    Insn("RFEIA R2!", 0xF8B20A00, lambda r0, lr, elr, c: lr, _PL1_WITH_SPSR | {Mode.SYS}, spsr_from_memory=True,
         loads_pc=True),
    # B9.3 ERET: UNPREDICTABLE in User and System modes (armsim: UNDEFINED); Hyp mode returns to ELR_hyp.
    Insn("ERET", 0xE160006E, lambda r0, lr, elr, c: elr, _PL1_WITH_SPSR | {Mode.HYP}),
]
_BY_NAME = {i.name: i for i in INSNS}


def mode_problem(cur: int, m: int, scr_ns: int) -> bool:
    """B1.3.3 CPSRWriteByInstr: the mode writes that are UNPREDICTABLE on an exception return."""
    secure = cur == Mode.MON or not scr_ns
    if m not in VALID_MODES:  # BadMode
        return True
    if m == Mode.MON and not secure:
        return True
    if m == Mode.HYP and not scr_ns:  # no Hyp mode in Secure state
        return True
    return m == Mode.HYP and not secure and cur != Mode.HYP  # not from a Non-secure PL1 mode


def expected_cpsr(cur_cpsr: int, spsr: int, nmfi: bool) -> int:
    """CPSRWriteByInstr(spsr, '1111', TRUE) in a privileged mode (B1.3.3), then armsim's choices."""
    v = spsr & ~RESERVED & MASK32
    if nmfi and spsr & 0x40:  # SCTLR.NMFI: software cannot set CPSR.F, it keeps its value
        v = (v & ~0x40) | (cur_cpsr & 0x40)
    v &= ~J_BIT  # armsim: no Jazelle state or ThumbEE, J stays 0
    if not spsr & 0x20:
        v &= ~IT_FIELD  # UNPREDICTABLE (A2.5.2): ITSTATE in ARM state; armsim chooses IT = 0
    return v


def expected_key(target: int, cpsr: int) -> int:
    """BranchWritePC in the new instruction set, as an engine PC key (addr | T | ITSTATE << 32)."""
    if cpsr & 0x20:
        it = ((cpsr >> 10) & 0x3F) << 2 | ((cpsr >> 25) & 3)
        return (target & 0xFFFFFFFE) | 1 | (it << 32)
    return target & 0xFFFFFFFC


def machine(insn: Insn, cur: int, scr_ns: int, spsr: int, target: int, nmfi: bool, aif: int, nzcv: int,
            r0: int) -> TestMachine:
    m = TestMachine()
    m.load_words([NOP_WORD] * 8, 0)  # handlers present at every vector
    m.load_words([insn.word])
    cpu = m.cpu
    cpu.scr_ns = scr_ns
    cpu.set_mode(cur)
    if nmfi:
        cpu.sctlr |= NMFI
    cpu.A, cpu.I, cpu.F = (aif >> 2) & 1, (aif >> 1) & 1, aif & 1
    cpu.flags[0] = nzcv
    cpu.E = 0
    if cur in cpu.spsr:
        cpu.spsr[cur] = spsr
    m.regs[0] = r0
    m.regs[2] = BASE
    m.regs[14] = target
    cpu.elr_hyp = target ^ 0x100  # ERET in Hyp mode returns here, not to LR
    if insn.name.startswith("LDM"):
        m.regs[0] = BASE
        m.mem.write32(BASE, 0x1111)
        m.mem.write32(BASE + 4, 0x2222)
        m.mem.write32(BASE + 8, target)
    if insn.spsr_from_memory:
        m.mem.write32(BASE, target)
        m.mem.write32(BASE + 4, spsr)
    return m


def _itstate() -> st.SearchStrategy[int]:
    """0 (outside an IT block) or an ITSTATE inside one (IT<3:0> != 0, A2.5.2)."""
    return st.one_of(st.just(0), st.integers(0, 255).filter(lambda v: v & 0xF != 0))


@st.composite
def spsrs(draw: st.DrawFn, modes: st.SearchStrategy[int]) -> int:
    """An SPSR: any flags, GE, E, A, I, F, T, J, ITSTATE and the reserved bits, with M from ``modes``."""
    v = draw(st.integers(0, MASK32)) & ~(0x1F | IT_FIELD)
    return v | it_bits(draw(_itstate())) | draw(modes)


_ANY_MODE = st.integers(0, 0x1F)
_VALID_MODE = st.sampled_from(sorted(VALID_MODES))


def run_return(insn: Insn, cur: int, scr_ns: int, spsr: int, target: int, nmfi: bool, aif: int, nzcv: int,
               r0: int) -> None:
    if cur == Mode.HYP:
        scr_ns = 1  # Hyp mode exists only in Non-secure state
    m = machine(insn, cur, scr_ns, spsr, target, nmfi, aif, nzcv, r0)
    cpu = m.cpu
    cur_cpsr = cpu.get_cpsr()
    op = m.engine.decode(CODE)
    key = op()
    psr = spsr if cur in cpu.spsr or insn.spsr_from_memory else 0
    if cur not in insn.allowed or mode_problem(cur, psr & 0x1F, scr_ns):
        assert m.exc.counts.get("UNDEFINED") == 1, insn.name
        if insn.loads_pc:
            assert (m.regs[0] if insn.name.startswith("LDM") else m.regs[2]) == BASE, "no writeback"
            assert m.regs[1] != 0x1111, "no register loaded before the Undefined exception"
        return
    new = expected_cpsr(cur_cpsr, psr, nmfi)
    assert cpu.get_cpsr() == new, f"{insn.name}: {cpu.get_cpsr():#010x} != {new:#010x}"
    elr = target ^ 0x100 if cur == Mode.HYP else target  # ERET's source: ELR_hyp in Hyp mode, else LR
    result = insn.target(r0, target, elr, (nzcv >> 1) & 1) & MASK32
    assert key == expected_key(result, new), f"{insn.name}: key {key:#x}"
    assert not m.exc.counts
    if insn.name.startswith("LDM"):
        assert (m.regs[0], m.regs[1], m.regs[2]) == (BASE + 12, 0x1111, 0x2222)
    if insn.spsr_from_memory:
        assert m.regs[2] == BASE + 8


@pytest.mark.parametrize("name", [i.name for i in INSNS])
@given(
    cur=st.sampled_from(sorted(_PL1_WITH_SPSR | {Mode.SYS, Mode.HYP})),
    scr_ns=st.integers(0, 1),
    spsr=spsrs(_VALID_MODE),
    target=st.integers(0, MASK32),
    nmfi=st.booleans(),
    aif=st.integers(0, 7),
    nzcv=st.integers(0, 15),
    r0=st.integers(0, MASK32),
)
def test_exception_return_restores_spsr(name: str, cur: int, scr_ns: int, spsr: int, target: int, nmfi: bool,
                                        aif: int, nzcv: int, r0: int) -> None:
    """B9.3.20 / B9.3.4 / B9.3 RFE, ERET: CPSRWriteByInstr(SPSR[], '1111', TRUE) then BranchWritePC.

    The new CPSR is the SPSR except: F under SCTLR.NMFI = 1 (never set by software),
    J (0), ITSTATE in ARM state (0); the PC key is the target aligned for the new
    instruction set with ITSTATE in bits 39:32.  Modes where the instruction may
    not return, and SPSR modes CPSRWriteByInstr may not enter, take Undefined.
    """
    run_return(_BY_NAME[name], cur, scr_ns, spsr, target, nmfi, aif, nzcv, r0)


@pytest.mark.parametrize("name", [i.name for i in INSNS])
@given(cur=st.sampled_from(sorted(VALID_MODES)), scr_ns=st.integers(0, 1), spsr=spsrs(_ANY_MODE),
       target=st.integers(0, MASK32))
def test_exception_return_illegal_mode_is_undefined(name: str, cur: int, scr_ns: int, spsr: int,
                                                    target: int) -> None:
    """B1.3.3: reserved SPSR.M, Monitor from Non-secure, Hyp from Secure or Non-secure PL1: armsim's UNDEFINED;
    B9.3.20 / B9.3.4 / B9.3: each instruction's own forbidden modes (User, System, Hyp) too."""
    run_return(_BY_NAME[name], cur, scr_ns, spsr, target, True, 0, 0, 0)


@pytest.mark.parametrize("name", ["SUBS PC, LR, #4", "MOVS PC, LR", "LDM R0!, {R1, R2, PC}^", "RFEIA R2!", "ERET"])
def test_nmfi_keeps_f_clear(name: str) -> None:
    """B1.3.3 / B4.1.130 SCTLR.NMFI = 1: an exception return with SPSR.F = 1 leaves CPSR.F = 0.

    Before the one ExceptionReturn, SUBS PC, LR / MOVS PC, LR / LDM ^ restored F = 1
    (a plain CPSR write) while ERET and RFE kept it clear.
    """
    spsr = 0x40 | Mode.USR  # F set, User mode, ARM
    m = machine(_BY_NAME[name], Mode.SVC, 0, spsr, 0x9004, True, 0, 0, 0)
    m.run(1)
    assert (m.cpu.mode, m.cpu.F, m.cpu.I) == (Mode.USR, 0, 0)
    m = machine(_BY_NAME[name], Mode.SVC, 0, spsr, 0x9004, False, 0, 0, 0)
    m.run(1)
    assert (m.cpu.mode, m.cpu.F) == (Mode.USR, 1)


def test_thumb_return_resumes_it_block() -> None:
    """B9.3.20 with SPSR.T = 1 and ITSTATE != 0: the key carries addr | 1 | ITSTATE << 32 (the PC key rule);
    after the run CPSR.IT is that ITSTATE."""
    it = 0b0001_0110  # an ITTE NE block, second instruction
    spsr = 0x20 | it_bits(it) | Mode.SYS
    m = machine(_BY_NAME["MOVS PC, LR"], Mode.SVC, 0, spsr, 0xA003, False, 0, 0, 0)
    assert m.engine.decode(CODE)() == 0xA002 | 1 | (it << 32)
    assert (m.cpu.T, m.cpu.IT, m.cpu.mode) == (1, it, Mode.SYS)


def test_exception_return_function_alone() -> None:
    """ExceptionReturn is CPSRWriteByInstr(spsr, '1111', TRUE) + BranchWritePC: ARM aligns to 4, Thumb to 2."""
    cpu = CPUState()
    assert ExceptionReturn(cpu, 0x1237, Mode.USR | 0x80000000) == 0x1234
    assert (cpu.mode, cpu.flags[0], cpu.T) == (Mode.USR, 8, 0)
    cpu = CPUState()
    assert ExceptionReturn(cpu, 0x1237, Mode.SVC | 0x20 | J_BIT) == 0x1237
    assert (cpu.T, cpu.J) == (1, 0)

