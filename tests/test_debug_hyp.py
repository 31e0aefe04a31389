"""Debug exceptions and debug-register accesses under the Virtualization Extensions (DDI 0406C).

* HDCR.TDE (B4.1.67) with B1.8.4 "Routing Debug exceptions to Hyp mode": a breakpoint, BKPT, vector
  catch or watchpoint debug event from Non-secure PL0/PL1 is taken to Hyp mode as a Hyp Trap
  (HVBAR + 0x14): a Prefetch Abort with HSR.EC 0x20 and IFSC 0x22 (debug event), HIFAR = the address,
  or a Data Abort with HSR.EC 0x24, DFSC 0x22, ISV 0, WnR, HDFAR = the watched address (B3.13.6).
  ELR_hyp is the instruction (no offset); DBGDSCR.MOE and DBGWFAR are set as for PL1 (C4.1, C11.11);
  the PL1 fault registers (IFSR/IFAR/DFSR/DFAR) are not written.  HCR.TGE makes TDE behave as 1
  (B4.1.65).  Secure state and Hyp mode are not routed; no breakpoint or watchpoint event is generated
  in Hyp mode (C3.1), while BKPT there is a Prefetch Abort taken in Hyp mode (EC 0x21, HVBAR + 0x0C).
* HDCR.TDE also makes TDA, TDOSA and TDRA behave as 1 (reference kvm-arm-debug.md 4, HDCR; B1.14.15
  "Trapping CP14 accesses to debug registers"): a guest's MCR/MRC to a debug register is a Hyp Trap with
  EC 0x05, its LDC/STC (DBGDTRRX/TXint) EC 0x06, its MRRC (DBGDRAR/DBGDSAR) EC 0x0C, and the access does
  not happen.
"""

from __future__ import annotations

from typing import Dict

import pytest

from armsim import Machine
from armsim.coproc.syndrome import decode_hsr
from armsim.cpu.modes import Mode
from armsim.debug.layouts import (
    DBGBCR,
    DBGWCR,
    MOE_BKPT,
    MOE_BREAKPOINT,
    MOE_SYNC_WATCHPOINT,
    MOE_VECTOR_CATCH,
)
from armsim.debug.registers import DebugRegisters
from tests.debug_util import (
    BKPT0,
    CODE,
    DATA,
    NOP,
    PABT_VEC,
    UDF,
    UNDEF_VEC,
    VBAR,
    enable_monitor_debug,
    ldc14,
    ldr,
    load,
    machine,
    mcr14,
    mov,
    mrc14,
    mrrc14,
    run,
    set_reg,
    stc14,
    str_,
)

HVBAR = 0x2000
HYP_TRAP = HVBAR + 0x14
SCR_NS_HCE = 0x101
HCR_TGE = 1 << 27
HDCR_TDE = 1 << 8
HDCR_TDA = 1 << 9
HDCR_TDOSA = 1 << 10
HDCR_TDRA = 1 << 11
BCR_ALL = DBGBCR.pack(E=1, PMC=3, BAS=0xF)
STRAIGHT = [mov(0, 1), mov(1, 2), mov(2, 3), mov(3, 4)]
SENTINEL = 0x0BAD0BAD


def hyp_machine(code, hdcr: int = HDCR_TDE, hcr: int = 0) -> Machine:  # type: ignore[no-untyped-def]
    """Monitor debug-mode on, HVBAR = 0x2000 with NOPs at every vector, SCR.NS = SCR.HCE = 1, HDCR/HCR set."""
    m = machine()
    load(m, HVBAR, [NOP] * 8)
    load(m, CODE, code)
    load(m, DATA, [0x11111111, 0x22222222])
    enable_monitor_debug(m)
    sr = m.cpu.sys
    sr.HVBAR = HVBAR
    sr.SCR = SCR_NS_HCE
    sr.HDCR = hdcr
    sr.HCR = hcr
    sr.IFSR = sr.IFAR = sr.DFSR = sr.DFAR = SENTINEL
    m.cpu.regs[1] = DATA
    m.cpu.regs[0] = 0x5A5A5A5A
    return m


def run_ns(m: Machine, steps: int, mode: int = Mode.SVC) -> None:
    run(m, CODE, steps, mode=mode, ns=True)
    m.cpu.sys.SCR |= SCR_NS_HCE


def hsr(m: Machine) -> Dict[str, int]:
    return decode_hsr(m.cpu.sys.HSR)


def assert_pl1_fault_registers_untouched(m: Machine) -> None:
    sr = m.cpu.sys
    assert (sr.IFSR, sr.IFAR, sr.DFSR, sr.DFAR) == (SENTINEL,) * 4


ALL_DEBUG_TRAPS = HDCR_TDE | HDCR_TDA | HDCR_TDOSA | HDCR_TDRA


@pytest.mark.parametrize(("mode", "hdcr", "hcr"), [(Mode.SVC, HDCR_TDE, 0), (Mode.USR, HDCR_TDE, 0),
                                                   (Mode.SVC, ALL_DEBUG_TRAPS, 0), (Mode.USR, 0, HCR_TGE)])
def test_breakpoint_routed_to_hyp(mode: int, hdcr: int, hcr: int) -> None:
    """B1.8.4 / B3.13.6: a breakpoint from Non-secure PL1 or PL0 with HDCR.TDE (or, from PL0, HCR.TGE, which
    makes TDE behave as 1, B4.1.65) is a Hyp Trap: HVBAR + 0x14, ELR_hyp = the breakpointed instruction (not
    executed), SPSR_hyp = the old mode, HSR.EC 0x20, IL 0, IFSC 0x22, HIFAR = the address, MOE = breakpoint
    (C11.11)."""
    m = hyp_machine(STRAIGHT, hdcr, hcr)
    set_reg(m, "DBGBVR0", CODE + 8)
    set_reg(m, "DBGBCR0", BCR_ALL)
    run_ns(m, 3, mode)
    c = m.cpu
    assert c.regs[15] == HYP_TRAP and c.mode == Mode.HYP and c.elr_hyp == CODE + 8
    assert c.spsr[Mode.HYP] & 0x1F == mode and c.regs[2] == 0 and c.regs[1] == 2
    h = hsr(m)
    assert (h["EC"], h["IL"], h["IFSC"], c.sys.HIFAR) == (0x20, 0, 0x22, CODE + 8)
    assert m.debug_regs.moe == MOE_BREAKPOINT and m.debug.events["breakpoint"] == 1
    assert_pl1_fault_registers_untouched(m)


@pytest.mark.parametrize(("insn", "is_write"), [(str_(0, 1), True), (ldr(2, 1), False)])
def test_watchpoint_routed_to_hyp(insn: int, is_write: bool) -> None:
    """B1.8.4 / B3.13.6: a watchpoint from Non-secure PL1 with HDCR.TDE is a Hyp Trap before the access: HSR.EC
    0x24, ISV 0, WnR, DFSC 0x22, HDFAR = the watched address, ELR_hyp = the instruction; DBGWFAR = the
    instruction + 8 and MOE = synchronous watchpoint (C11.11); the store did not happen."""
    m = hyp_machine([NOP, insn])
    set_reg(m, "DBGWVR0", DATA)
    set_reg(m, "DBGWCR0", DBGWCR.pack(E=1, PAC=3, LSC=3, BAS=0xF))
    run_ns(m, 2)
    c = m.cpu
    assert c.regs[15] == HYP_TRAP and c.mode == Mode.HYP and c.elr_hyp == CODE + 4
    h = hsr(m)
    assert (h["EC"], h["ISV"], h["WnR"], h["DFSC"], c.sys.HDFAR) == (0x24, 0, int(is_write), 0x22, DATA)
    assert m.debug_regs.moe == MOE_SYNC_WATCHPOINT and m.debug_regs.wfar == CODE + 4 + 8
    assert m.mem.read32(DATA) == 0x11111111 and c.regs[2] == 0
    assert_pl1_fault_registers_untouched(m)


def test_bkpt_routed_to_hyp_and_taken_in_hyp_mode() -> None:
    """C3 BKPT debug event: from Non-secure PL1 with TDE a Hyp Trap (EC 0x20, IFSC 0x22, ELR_hyp = the BKPT,
    MOE 0011); executed in Hyp mode a Prefetch Abort taken in Hyp mode (HVBAR + 0x0C, EC 0x21)."""
    m = hyp_machine([BKPT0])
    run_ns(m, 1)
    h = hsr(m)
    assert m.cpu.regs[15] == HYP_TRAP and m.cpu.elr_hyp == CODE and (h["EC"], h["IFSC"]) == (0x20, 0x22)
    assert m.cpu.sys.HIFAR == CODE and m.debug_regs.moe == MOE_BKPT
    m = hyp_machine([BKPT0], hdcr=0)
    run_ns(m, 1, Mode.HYP)
    h = hsr(m)
    assert m.cpu.regs[15] == HVBAR + 0x0C and m.cpu.elr_hyp == CODE and (h["EC"], h["IFSC"]) == (0x21, 0x22)


def test_vector_catch_routed_to_hyp() -> None:
    """C3.7 vector catch on the Non-secure Undefined vector (DBGVCR bit 25): the UDF enters Undefined mode at
    VBAR + 4, whose fetch is caught and, with TDE, taken to Hyp: EC 0x20, IFSC 0x22, ELR_hyp = HIFAR = the
    vector, MOE 0101."""
    m = hyp_machine([UDF])
    m.cpu.vbar = VBAR
    set_reg(m, "DBGVCR", 1 << 25)
    run_ns(m, 2)
    h = hsr(m)
    assert m.cpu.regs[15] == HYP_TRAP and m.cpu.elr_hyp == UNDEF_VEC and m.cpu.sys.HIFAR == UNDEF_VEC
    assert (h["EC"], h["IFSC"]) == (0x20, 0x22) and m.cpu.spsr[Mode.HYP] & 0x1F == Mode.UND
    assert m.debug_regs.moe == MOE_VECTOR_CATCH


def test_debug_events_not_routed_without_tde_or_from_secure_state() -> None:
    """B1.8.4: without TDE (and TGE) a Non-secure PL1 breakpoint is a Prefetch Abort to Abort mode (IFSR.FS =
    0b00010); Secure state is never routed to Hyp (HDCR acts in Non-secure state only)."""
    m = hyp_machine(STRAIGHT, hdcr=0)
    set_reg(m, "DBGBVR0", CODE + 8)
    set_reg(m, "DBGBCR0", BCR_ALL)
    run_ns(m, 3)
    assert m.cpu.regs[15] == PABT_VEC and m.cpu.mode == Mode.ABT and m.cpu.sys.IFSR == 0b00010
    m = hyp_machine(STRAIGHT)
    set_reg(m, "DBGBVR0", CODE + 8)
    set_reg(m, "DBGBCR0", BCR_ALL)
    run(m, CODE, 3)  # Secure SVC, HDCR.TDE = 1
    assert m.cpu.regs[15] == PABT_VEC and m.cpu.mode == Mode.ABT


def test_no_breakpoint_or_watchpoint_in_hyp_mode_with_tde() -> None:
    """C3.1: with TDE set, Hyp mode itself still generates no breakpoint or watchpoint event (PMC/HMC allow
    every mode here)."""
    m = hyp_machine([NOP, str_(0, 1), NOP])
    set_reg(m, "DBGBVR0", CODE)
    set_reg(m, "DBGBCR0", DBGBCR.pack(E=1, PMC=3, HMC=1, BAS=0xF))
    set_reg(m, "DBGWVR0", DATA)
    set_reg(m, "DBGWCR0", DBGWCR.pack(E=1, PAC=3, HMC=1, LSC=3, BAS=0xF))
    run_ns(m, 3, Mode.HYP)
    assert m.cpu.regs[15] == CODE + 12 and m.mem.read32(DATA) == 0x5A5A5A5A
    assert m.debug.events == {"breakpoint": 0, "watchpoint": 0, "vector_catch": 0}


# -- guest debug-register accesses with HDCR.TDE (TDA/TDOSA/TDRA behave as 1) -------------------------------
CP14_TRAPS = [
    # (label, instruction, EC, expected ISS fields)
    ("MCR DBGBVR0 (TDA)", mcr14(1, 0, 0, 4),
     0x05, {"CV": 1, "COND": 0xE, "Opc2": 4, "Opc1": 0, "CRn": 0, "CRm": 0, "Rt": 1, "Direction": 0}),
    ("MCR DBGBCR0 (TDA)", mcr14(1, 0, 0, 5),
     0x05, {"CV": 1, "COND": 0xE, "Opc2": 5, "Opc1": 0, "CRn": 0, "CRm": 0, "Rt": 1, "Direction": 0}),
    ("MRC DBGDSCRext (TDA)", mrc14(3, 0, 2, 2),
     0x05, {"Opc2": 2, "CRn": 0, "CRm": 2, "Rt": 3, "Direction": 1}),
    ("MCR DBGWCR1 (TDA)", mcr14(2, 0, 1, 7),
     0x05, {"Opc2": 7, "CRn": 0, "CRm": 1, "Rt": 2, "Direction": 0}),
    ("MCR DBGOSLAR (TDOSA)", mcr14(0, 1, 0, 4),
     0x05, {"Opc2": 4, "CRn": 1, "CRm": 0, "Rt": 0, "Direction": 0}),
    ("MRC DBGOSLSR (TDOSA)", mrc14(4, 1, 1, 4),
     0x05, {"Opc2": 4, "CRn": 1, "CRm": 1, "Rt": 4, "Direction": 1}),
    ("MRC DBGDRAR 32-bit (TDRA)", mrc14(5, 1, 0, 0),
     0x05, {"Opc2": 0, "CRn": 1, "CRm": 0, "Rt": 5, "Direction": 1}),
    ("MRRC DBGDRAR (TDRA)", mrrc14(2, 3, 1),
     0x0C, {"CV": 1, "COND": 0xE, "Opc1": 0, "CRm": 1, "Rt": 2, "Rt2": 3, "Direction": 1}),
    ("MRRC DBGDSAR (TDRA)", mrrc14(2, 3, 2),
     0x0C, {"Opc1": 0, "CRm": 2, "Rt": 2, "Rt2": 3, "Direction": 1}),
    ("STC DBGDTRRXint (TDA)", stc14(5, 1),
     0x06, {"CV": 1, "COND": 0xE, "imm8": 0, "Rn": 1, "Offset": 1, "Direction": 0}),
    ("LDC DBGDTRTXint (TDA)", ldc14(5, 1),
     0x06, {"imm8": 0, "Rn": 1, "Offset": 1, "Direction": 1}),
]


@pytest.mark.parametrize("mode", [Mode.SVC, Mode.USR])
@pytest.mark.parametrize("case", CP14_TRAPS, ids=[c[0] for c in CP14_TRAPS])
def test_tde_traps_guest_debug_register_accesses(case, mode: int) -> None:  # type: ignore[no-untyped-def]
    """B1.14.15 with the HDCR.TDE rule: the access from Non-secure PL1 (and PL0, where DBGDSCR.UDCCdis = 0 lets
    it reach the DCC registers; the others are UNDEFINED at PL0 first) is a Hyp Trap at HVBAR + 0x14 whose HSR
    re-decodes to the instruction's fields (IL 1, CV 1, COND 0xE); the register is not accessed."""
    label, insn, ec, fields = case
    m = hyp_machine([insn], hdcr=HDCR_TDE)
    m.cpu.regs[2] = m.cpu.regs[3] = m.cpu.regs[4] = m.cpu.regs[5] = 0x77
    d = m.debug_regs
    d.dtrrx = 0xD7D7D7D7
    before = state(d)
    run_ns(m, 1, mode)
    pl0_ok = ec != 0x05 or "DBGDRAR" in label
    if mode == Mode.USR and not pl0_ok:
        # C6.4: these registers are PL1-only; the PL0 access is UNDEFINED before any Hyp trap (B1.14.1 order).
        assert m.cpu.regs[15] == UNDEF_VEC and m.cpu.mode == Mode.UND, label
        return
    assert m.cpu.regs[15] == HYP_TRAP and m.cpu.mode == Mode.HYP and m.cpu.elr_hyp == CODE, label
    h = hsr(m)
    assert h["EC"] == ec and h["IL"] == 1
    assert {k: h[k] for k in fields} == fields
    assert state(d) == before and m.mem.read32(DATA) == 0x11111111
    assert (m.cpu.regs[2], m.cpu.regs[3], m.cpu.regs[4], m.cpu.regs[5]) == (0x77,) * 4


def state(d: DebugRegisters):  # type: ignore[no-untyped-def]
    return (list(d.bvr), list(d.bcr), list(d.wvr), list(d.wcr), d.dscr, d.dtrrx, d.dtrtx, d.oslk, d.vcr)


def test_tde_trap_of_mcr_dbgbcr0_exact_hsr() -> None:
    """B3.13.6 EC 0x05 ISS layout: MCR p14, 0, r1, c0, c0, 5 (DBGBCR0) from Non-secure SVC with HDCR.TDE is
    HSR 0x17EA0020 (EC 0x05, IL 1, CV 1, COND 0xE, Opc2 5, Rt 1, write)."""
    m = hyp_machine([mcr14(1, 0, 0, 5)])
    run_ns(m, 1)
    assert m.cpu.sys.HSR == 0x17EA0020


def test_without_tde_guest_debug_register_access_is_direct() -> None:
    """B1.14.15: with HDCR = 0 the guest's MCR to DBGBVR0 writes the register (no trap)."""
    m = hyp_machine([movw_r1(0x1234), mcr14(1, 0, 0, 4)], hdcr=0)
    run_ns(m, 2)
    assert m.cpu.regs[15] == CODE + 8 and m.debug_regs.bvr[0] == 0x1234


def movw_r1(imm16: int) -> int:
    return 0xE3001000 | ((imm16 >> 12) << 16) | (imm16 & 0xFFF)
