"""armsim against unicorn, one property per A32 instruction class (DDI 0406C A5; DESIGN.md section 6).

Each test draws a valid, non-UNPREDICTABLE encoding of its class (tests/diff/encodings.py) and a
random start state, runs one instruction (or a short sequence) in both emulators and compares
registers, CPSR and memory after every step.  Per-class counts are printed at the end of the run,
and each class fails if more than MAX_FILTERED_SHARE of its cases were filtered (both trapped, with
the same exception) instead of compared.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis.strategies import SearchStrategy

from tests.diff import encodings as enc
from tests.diff.harness import Case, State, assert_small_filtered_share, check, class_counts


def _run(cls: str, cases: SearchStrategy[Case]) -> None:
    """Run the class's property, then check that few of its cases were filtered (trapped in both)."""

    @given(cases, enc.states())
    def prop(case: Case, state: State) -> None:
        check(case, state, cls)

    before = class_counts(cls)
    prop()
    assert_small_filtered_share(cls, before)


def test_dp_imm() -> None:
    """A5.2.3 data-processing (immediate)."""
    _run("dp_imm", enc.dp_imm())


def test_dp_reg() -> None:
    """A5.2.1 data-processing (register), immediate shifts (A8.4.3)."""
    _run("dp_reg", enc.dp_reg())


def test_dp_rsr() -> None:
    """A5.2.2 data-processing (register-shifted register)."""
    _run("dp_rsr", enc.dp_rsr())


def test_movw_movt() -> None:
    """A8.8.102 MOVW, A8.8.106 MOVT."""
    _run("movw_movt", enc.movw_movt())


def test_clz() -> None:
    """A8.8.33 CLZ."""
    _run("clz", enc.clz())


def test_multiply() -> None:
    """A5.2.5 multiply and multiply accumulate."""
    _run("multiply", enc.multiply())


def test_halfword_multiply() -> None:
    """A5.2.7 halfword multiply and multiply accumulate."""
    _run("halfword_multiply", enc.halfword_multiply())


def test_signed_multiply() -> None:
    """A5.4.4 signed multiply (dual and most-significant-word)."""
    _run("signed_multiply", enc.signed_multiply())


def test_divide() -> None:
    """A8.8.165 SDIV, A8.8.248 UDIV."""
    _run("divide", enc.divide())


def test_saturating() -> None:
    """A5.2.6 saturating add/subtract; SSAT, USAT, SSAT16, USAT16."""
    _run("saturating", enc.saturating())


def test_parallel() -> None:
    """A5.4.1 parallel addition and subtraction (signed and unsigned)."""
    _run("parallel", enc.parallel())


def test_packing() -> None:
    """A5.4.3 packing, unpacking, reversal; USAD8/USADA8."""
    _run("packing", enc.packing())


def test_bitfield() -> None:
    """A8.8.19 BFC, A8.8.20 BFI, A8.8.164 SBFX, A8.8.246 UBFX."""
    _run("bitfield", enc.bitfield())


def test_load_store() -> None:
    """A5.3 LDR/STR/LDRB/STRB, all indexing modes."""
    _run("load_store", enc.load_store())


def test_extra_load_store() -> None:
    """A5.2.8 LDRH/STRH/LDRSB/LDRSH/LDRD/STRD."""
    _run("extra_load_store", enc.extra_load_store())


def test_ldm_stm() -> None:
    """A5.5 LDM/STM (IA IB DA DB)."""
    _run("ldm_stm", enc.ldm_stm())


def test_exclusive() -> None:
    """A3.4 exclusive monitors: LDREX/STREX pairs."""
    _run("exclusive", enc.exclusive())


def test_swp() -> None:
    """A8.8.229 SWP/SWPB (SCTLR.SW = 1)."""
    _run("swp", enc.swp())


def test_branch() -> None:
    """A8.8.18 B, A8.8.25-27 BL/BLX/BX, A2.3.1 PC writes (ALUWritePC, LoadWritePC)."""
    _run("branch", enc.branch())


def test_status() -> None:
    """B9.3.9 MRS, B9.3.11-12 MSR (CPSRWriteByInstr/SPSRWriteByInstr, B1.3.3)."""
    _run("status", enc.status())
