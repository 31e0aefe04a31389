"""armsim against unicorn, one property per A32 instruction class (DDI 0406C A5; DESIGN.md section 6).

Each test draws a valid, non-UNPREDICTABLE encoding of its class (tests/diff/encodings.py) and a
random start state, runs one instruction (or a short sequence) in both emulators and compares
registers, CPSR and memory after every step.  Per-class counts are printed at the end of the run.
"""

from __future__ import annotations

from hypothesis import given

from tests.diff import encodings as enc
from tests.diff.harness import Case, State, check


def _run(cls: str, case: Case, state: State) -> None:
    check(case, state, cls)


@given(enc.dp_imm(), enc.states())
def test_dp_imm(case: Case, state: State) -> None:
    """A5.2.3 data-processing (immediate)."""
    _run("dp_imm", case, state)


@given(enc.dp_reg(), enc.states())
def test_dp_reg(case: Case, state: State) -> None:
    """A5.2.1 data-processing (register), immediate shifts (A8.4.3)."""
    _run("dp_reg", case, state)


@given(enc.dp_rsr(), enc.states())
def test_dp_rsr(case: Case, state: State) -> None:
    """A5.2.2 data-processing (register-shifted register)."""
    _run("dp_rsr", case, state)


@given(enc.movw_movt(), enc.states())
def test_movw_movt(case: Case, state: State) -> None:
    """A8.8.102 MOVW, A8.8.106 MOVT."""
    _run("movw_movt", case, state)


@given(enc.clz(), enc.states())
def test_clz(case: Case, state: State) -> None:
    """A8.8.33 CLZ."""
    _run("clz", case, state)


@given(enc.multiply(), enc.states())
def test_multiply(case: Case, state: State) -> None:
    """A5.2.5 multiply and multiply accumulate."""
    _run("multiply", case, state)


@given(enc.halfword_multiply(), enc.states())
def test_halfword_multiply(case: Case, state: State) -> None:
    """A5.2.7 halfword multiply and multiply accumulate."""
    _run("halfword_multiply", case, state)


@given(enc.signed_multiply(), enc.states())
def test_signed_multiply(case: Case, state: State) -> None:
    """A5.4.4 signed multiply (dual and most-significant-word)."""
    _run("signed_multiply", case, state)


@given(enc.divide(), enc.states())
def test_divide(case: Case, state: State) -> None:
    """A8.8.165 SDIV, A8.8.248 UDIV."""
    _run("divide", case, state)


@given(enc.saturating(), enc.states())
def test_saturating(case: Case, state: State) -> None:
    """A5.2.6 saturating add/subtract; SSAT, USAT, SSAT16, USAT16."""
    _run("saturating", case, state)


@given(enc.parallel(), enc.states())
def test_parallel(case: Case, state: State) -> None:
    """A5.4.1 parallel addition and subtraction (signed and unsigned)."""
    _run("parallel", case, state)


@given(enc.packing(), enc.states())
def test_packing(case: Case, state: State) -> None:
    """A5.4.3 packing, unpacking, reversal; USAD8/USADA8."""
    _run("packing", case, state)


@given(enc.bitfield(), enc.states())
def test_bitfield(case: Case, state: State) -> None:
    """A8.8.19 BFC, A8.8.20 BFI, A8.8.164 SBFX, A8.8.246 UBFX."""
    _run("bitfield", case, state)


@given(enc.load_store(), enc.states())
def test_load_store(case: Case, state: State) -> None:
    """A5.3 LDR/STR/LDRB/STRB, all indexing modes."""
    _run("load_store", case, state)


@given(enc.extra_load_store(), enc.states())
def test_extra_load_store(case: Case, state: State) -> None:
    """A5.2.8 LDRH/STRH/LDRSB/LDRSH/LDRD/STRD."""
    _run("extra_load_store", case, state)


@given(enc.ldm_stm(), enc.states())
def test_ldm_stm(case: Case, state: State) -> None:
    """A5.5 LDM/STM (IA IB DA DB)."""
    _run("ldm_stm", case, state)


@given(enc.exclusive(), enc.states())
def test_exclusive(case: Case, state: State) -> None:
    """A3.4 exclusive monitors: LDREX/STREX pairs."""
    _run("exclusive", case, state)


@given(enc.swp(), enc.states())
def test_swp(case: Case, state: State) -> None:
    """A8.8.229 SWP/SWPB (SCTLR.SW = 1)."""
    _run("swp", case, state)


@given(enc.branch(), enc.states())
def test_branch(case: Case, state: State) -> None:
    """A8.8.18 B, A8.8.25-27 BL/BLX/BX, A2.3.1 PC writes (ALUWritePC, LoadWritePC)."""
    _run("branch", case, state)


@given(enc.status(), enc.states())
def test_status(case: Case, state: State) -> None:
    """B9.3.9 MRS, B9.3.11-12 MSR (CPSRWriteByInstr/SPSRWriteByInstr, B1.3.3)."""
    _run("status", case, state)
