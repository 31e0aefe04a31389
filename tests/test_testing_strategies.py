"""armsim.testing.strategies: what each strategy generates, checked against the manual and the simulator."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given

from armsim.exec.engine import StopReason
from armsim.testing import CoprocInsn, TrapState, Verdict, expected_trap, table_order_problem
from armsim.testing.manual import DBGBCR, DBGDSCR, DBGWCR, HCPTR, HCR, HDCR, HSTR
from armsim.testing.oracles import HYP, MON, SVC, USR
from armsim.testing.strategies import (
    GuestStream,
    TableCase,
    catalogue_of,
    coproc_accesses,
    dbgbcr_values,
    dbgdscr_values,
    dbgwcr_values,
    debug_programs,
    guest_streams,
    hcptr_values,
    hcr_values,
    hdcr_values,
    hstr_values,
    register_values,
    trap_states,
    trap_tables,
)
from tests.helpers import CODE, TestMachine


@given(hcr_values(), hdcr_values(), hstr_values(), hcptr_values(), dbgdscr_values())
def test_register_values_stay_inside_their_layouts(hcr: int, hdcr: int, hstr: int, hcptr: int, dscr: int) -> None:
    """B4.1.65-B4.1.74, C11.11: no reserved bit set (HSTR.T4/T14 among them) unless asked for."""
    assert hcr & ~HCR.defined_mask == 0
    assert hdcr & ~HDCR.defined_mask == 0
    assert hstr & ~HSTR.defined_mask == 0 and not hstr & ((1 << 4) | (1 << 14))
    assert hcptr & ~HCPTR.defined_mask == 0
    assert dscr & ~DBGDSCR.defined_mask == 0


@given(register_values("HDCR", reserved=True))
def test_reserved_bits_on_request(v: int) -> None:
    assert 0 <= v <= 0xFFFFFFFF


def test_register_values_reach_every_field_extreme() -> None:
    """Each field takes its all-ones value in some example (the strategy favours extremes)."""
    seen = {f.name: False for f in HDCR}

    @given(hdcr_values())
    def collect(v: int) -> None:
        for f in HDCR:
            if f.get(v) == (1 << f.width) - 1:
                seen[f.name] = True

    collect()
    assert all(seen.values()), seen


@given(dbgbcr_values(valid=True), dbgwcr_values(valid=True))
def test_valid_breakpoint_and_watchpoint_controls(bcr: int, wcr: int) -> None:
    """C11.11: an enabled unlinked address match; an enabled watchpoint with LSC != 00 and some BAS."""
    b = DBGBCR.unpack(bcr)
    assert b["E"] == 1 and b["BT"] == 0 and b["BAS"] in (0b0011, 0b1100, 0b1111) and b["PMC"] != 0
    w = DBGWCR.unpack(wcr)
    assert w["E"] == 1 and w["LSC"] != 0 and w["BAS"] != 0 and w["PAC"] != 0 and w["MASK"] == 0


@given(trap_states(modes=[USR, SVC, HYP, MON], ns=None))
def test_trap_states_are_architectural(s: TrapState) -> None:
    """B1.3.1: Hyp mode only in Non-secure state."""
    assert s.mode in (USR, SVC, HYP, MON)
    assert s.ns or s.mode != HYP
    assert (s.brps, s.wrps, s.ctx_cmps) == (6, 4, 2)


def test_trap_states_refuse_secure_hyp() -> None:
    with pytest.raises(ValueError, match="Non-secure"):
        trap_states(modes=[HYP], ns=False)


@given(coproc_accesses(valid=True, conditional=False), trap_states(modes=[HYP]))
def test_valid_accesses_work_in_hyp_mode_unless_secure_only(insn: CoprocInsn, state: TrapState) -> None:
    """A valid generated access names a modelled register in a direction it has: from Hyp mode it is direct
    unless the register is Secure-only or written only in Secure state (B3.17.1)."""
    e = expected_trap(insn, state)
    assert e.register, e
    assert e.verdict is Verdict.DIRECT or e.register in ("SCR", "SDER", "MVBAR", "NSACR",
                                                                                 "CNTFRQ"), e


@given(coproc_accesses(valid=False))
def test_any_field_accesses_have_an_answer(insn: CoprocInsn) -> None:
    """The oracle answers every generated access, valid or not, without an exception."""
    assert expected_trap(insn, TrapState()).verdict in tuple(Verdict)


@given(coproc_accesses(isa=["T32"]))
def test_t32_accesses_carry_their_condition_in_an_it_block(insn: CoprocInsn) -> None:
    """A8.8.54: a T32 access under a condition is preceded by IT <cond> and NOPs up to the block's length."""
    prefix = insn.it_halfwords()
    if insn.cond == 0xE or insn.two:
        assert prefix == ()
    else:
        assert len(prefix) == insn.it_length
        assert prefix[0] >> 8 == 0xBF and (prefix[0] >> 4) & 0xF == insn.cond
    assert len(insn.encode()) == 2 * len(prefix) + 4


@given(debug_programs("cortex-a15"))
def test_debug_programs_touch_only_implemented_registers(prog: tuple) -> None:
    """C11.10: every access names a register the profile implements; a pair setup writes BVR then BCR."""
    cat = catalogue_of("cortex-a15")
    assert prog
    for step in prog:
        i = step.insn
        reg = cat.find(14, i.opc1, i.crn, i.crm, i.opc2, False)
        assert reg is not None and reg.name == step.register
        assert (step.value is not None) == (i.kind == "MCR")
        assert expected_trap(i, TrapState(mode=SVC)).verdict is Verdict.DIRECT


@given(debug_programs("cortex-a7", mdbgen=True))
def test_debug_programs_can_start_by_enabling_monitor_debug(prog: tuple) -> None:
    assert prog[0].register == "DBGDSCRext" and DBGDSCR["MDBGen"].get(prog[0].value)


@given(guest_streams(isa=["A32"]))
def test_guest_streams_run_up_to_their_trap(s: GuestStream) -> None:
    """The body runs; the last instruction is the first that does not complete.  On a machine without Hyp
    traps (Secure SVC, no coprocessor attached) HVC and the coprocessor access are UNDEFINED (B9.3.4,
    A8.8.98) -- entry to Undefined mode at vector 0x04 with LR = the instruction + 4 (B1.9.6) --, SMC enters
    Monitor mode at 0x08 (B1.9.9) and WFI halts for want of an interrupt."""
    m = TestMachine()
    m.mem.load(CODE, s.code)
    m.run(s.body)
    assert m.cpu.regs[15] == CODE + s.trap_offset
    if s.end == "wfi":
        reason, text = m.run(1, pc=CODE + s.trap_offset)
        assert reason is StopReason.HALT and "WFI" in text
        return
    m.run(1, pc=CODE + s.trap_offset)
    if s.end == "smc":
        assert (m.cpu.mode, m.cpu.regs[15]) == (MON, 0x08)
    else:
        assert (m.cpu.mode, m.cpu.regs[15], m.cpu.regs[14]) == (0x1B, 0x04, CODE + s.trap_offset + 4)


@given(guest_streams(isa=["T32"], ends=["hvc", "wfi", "coproc"]))
def test_t32_guest_streams_end_with_their_trap(s: GuestStream) -> None:
    """T32 streams are 16-bit MOVS/ADDS (A8.8.105, A8.8.5), then HVC (1111 0111 1110 imm4 | 1000 imm12),
    WFI (1011 1111 0011 0000) or a coprocessor access."""
    tail = s.code[s.trap_offset:]
    hws = struct.unpack(f"<{len(tail) // 2}H", tail)
    assert len(s.code[: s.trap_offset]) == 2 * s.body
    if s.end == "hvc":
        assert hws[0] & 0xFFF0 == 0xF7E0 and hws[1] & 0xF000 == 0x8000
    elif s.end == "wfi":
        assert hws == (0xBF30,)
    else:
        assert s.access is not None and tail == s.access.encode()


@given(trap_tables())
def test_trap_tables_carry_the_pair_a_check_must_name(case: TableCase) -> None:
    """Reference 8 (KVM check_reg_table): a valid table passes; a misordered or duplicated one is reported at
    the pair the strategy broke."""
    assert table_order_problem(case.rows) == case.bad_pair
    assert (case.bad_pair is None) == (case.kind == "valid")
    if case.kind == "duplicated":
        i, j = case.bad_pair  # type: ignore[misc]
        assert case.rows[i] == case.rows[j]


@given(trap_tables(kinds=["valid"], coproc=15, make_row=lambda r: (r.CRn, r.CRm, r.Op1, r.Op2, not r.is_64)))
def test_trap_tables_in_a_users_row_type(case: TableCase) -> None:
    """``make_row`` turns rows into the user's type; a plain tuple sort key sees them in order."""
    assert list(case.rows) == sorted(case.rows)
    assert len(set(case.rows)) == len(case.rows)
