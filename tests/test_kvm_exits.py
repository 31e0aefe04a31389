"""handle_exit: the 64-entry HSR.EC table, condition-failed traps, the skip by HSR.IL (reference 3, 8).

Sources: Linux arch/arm/kvm/handle_exit.c (``arm_exit_handlers``, ``handle_hvc``, ``handle_smc``),
emulate.c (``kvm_condition_valid``, ``kvm_skip_instr``), DDI 0406C B3.13.6 (HSR), B1.14.1
(condition-failed traps are IMPLEMENTATION DEFINED), A2.5.2 (ITAdvance).
"""

from __future__ import annotations

from typing import List

import pytest

from armsim.coproc.syndrome import EC, ISS_CP32, make_hsr
from armsim.cpu.modes import Mode
from armsim.kvm.exits import (
    PSCI_RET_NOT_SUPPORTED,
    PSCI_SYSTEM_OFF,
    PSCI_VERSION,
    ExitEnv,
    default_handlers,
    handle_exit,
    handle_unknown,
)
from armsim.kvm.policy import DebugPolicy
from armsim.kvm.tables import VcpuTables
from armsim.kvm.vcpu import VCPU
from armsim.timing.profiles import get_profile

ALLOCATED = {int(e) for e in EC}
CV_AL = ISS_CP32.pack(CV=1, COND=0xE)


def make_vcpu(pc: int = 0x8000) -> VCPU:
    t = VcpuTables(get_profile("cortex-a15"))
    v = VCPU(t.profile, t)
    v.ctx.regs[15] = pc
    v.set_cp15("VBAR", 0x4000)
    return v


def test_table_is_complete_with_undef_default() -> None:
    table = default_handlers()
    assert len(table) == 64
    for ec in range(64):
        if ec not in ALLOCATED or ec in (EC.UNKNOWN, EC.HCPTR, EC.MRC_CP10, EC.JAZELLE, EC.BXJ, EC.SVC):
            assert table[ec] is handle_unknown, hex(ec)
        else:
            assert table[ec] is not handle_unknown, hex(ec)


@pytest.mark.parametrize("ec", range(64))
def test_each_ec_reaches_its_handler(ec: int) -> None:
    env = ExitEnv(DebugPolicy.LAZY)
    seen: List[int] = []
    for i in range(64):
        env.set_handler(i, lambda e, v, hsr, i=i: seen.append(i) or True)
    handle_exit(env, make_vcpu(), make_hsr(ec, 1, CV_AL))
    assert seen == [ec]


def test_set_handler_refuses_bad_ec() -> None:
    with pytest.raises(ValueError, match="0x40"):
        ExitEnv(DebugPolicy.LAZY).set_handler(64, handle_unknown)


@pytest.mark.parametrize("ec", [*sorted(set(range(64)) - ALLOCATED), 0, 7, 19, 6])
def test_default_injects_undef(ec: int) -> None:
    """Unknown ECs, HCPTR (no VFP model), SMC and LDC/STC to CP14 inject UNDEF (B1.9.7)."""
    v = make_vcpu()
    assert handle_exit(ExitEnv(DebugPolicy.LAZY), v, make_hsr(ec, 1, CV_AL))
    assert v.ctx.mode == Mode.UND and v.ctx.regs[15] == 0x4004 and v.ctx.regs[14] == 0x8004


def test_undef_high_vectors_and_thumb() -> None:
    """SCTLR.V selects 0xFFFF0000; a Thumb instruction's LR_und is + 2; T <- SCTLR.TE."""
    v = make_vcpu()
    v.set_cp15("SCTLR", v.get_cp15("SCTLR") | (1 << 13) | (1 << 30))
    v.ctx.T = 1
    handle_exit(ExitEnv(DebugPolicy.LAZY), v, make_hsr(0, 0, 0))
    assert v.ctx.regs[15] == 0xFFFF0004 and v.ctx.regs[14] == 0x8002 and v.ctx.T == 1


def test_hvc_is_a_psci_call_without_skip() -> None:
    """handle_hvc: ELR_hyp already points past the HVC; r0 <- NOT_SUPPORTED unless PSCI."""
    env = ExitEnv(DebugPolicy.LAZY)
    v = make_vcpu(0x8004)
    v.ctx.regs[0] = 7
    assert handle_exit(env, v, make_hsr(EC.HVC, 1, 0))
    assert v.ctx.regs[15] == 0x8004 and v.ctx.regs[0] == PSCI_RET_NOT_SUPPORTED
    v.ctx.regs[0] = PSCI_VERSION
    handle_exit(env, v, make_hsr(EC.HVC, 1, 0))
    assert v.ctx.regs[0] == 2
    v.ctx.regs[0] = PSCI_SYSTEM_OFF
    assert not handle_exit(env, v, make_hsr(EC.HVC, 1, 0)) and env.stop_reason == "PSCI SYSTEM_OFF"


def test_wfx_skips() -> None:
    v = make_vcpu()
    handle_exit(ExitEnv(DebugPolicy.LAZY), v, make_hsr(EC.WFI_WFE, 1, CV_AL))
    assert v.ctx.regs[15] == 0x8004


@pytest.mark.parametrize("ec", [EC.PABT_FROM_LOWER, EC.DABT_FROM_LOWER, EC.PABT_FROM_HYP, EC.DABT_FROM_HYP])
def test_aborts_stop_the_vm_with_a_reason(ec: int) -> None:
    env = ExitEnv(DebugPolicy.LAZY)
    assert not handle_exit(env, make_vcpu(), make_hsr(ec, 0, 0x22))
    assert env.stop_reason is not None and "abort" in env.stop_reason


def _dbgbvr0_read(cv: int, cond: int) -> int:
    return ISS_CP32.pack(CV=cv, COND=cond, Opc2=4, Opc1=0, CRn=0, Rt=2, CRm=0, Direction=1)


def test_condition_failed_trap_is_skipped() -> None:
    """kvm_condition_valid: CV = 1, COND = EQ with Z = 0 -> skip, no handler; Z = 1 -> handled."""
    env = ExitEnv(DebugPolicy.LAZY)
    v = make_vcpu()
    v.ctx.regs[2] = 0x77
    v.ctx.flags[0] = 0b0000
    handle_exit(env, v, make_hsr(EC.MCR_MRC_CP14, 1, _dbgbvr0_read(1, 0x0)))
    assert v.ctx.regs[15] == 0x8004 and v.ctx.regs[2] == 0x77 and env.condition_skips == 1
    v.ctx.flags[0] = 0b0100  # Z
    handle_exit(env, v, make_hsr(EC.MCR_MRC_CP14, 1, _dbgbvr0_read(1, 0x0)))
    assert v.ctx.regs[15] == 0x8008 and v.ctx.regs[2] == 0 and env.stats.cp14["DBGBVR0"]["read"] == 1


def test_condition_from_itstate_when_cv_is_zero() -> None:
    """CV = 0: the condition is ITSTATE[7:4]; a 16-bit Thumb skip is 2 bytes and ITSTATE advances."""
    env = ExitEnv(DebugPolicy.LAZY)
    v = make_vcpu()
    v.ctx.T = 1
    v.ctx.IT = 0x08 | (0x0 << 4)  # IT EQ, one instruction (mask 1000)
    v.ctx.flags[0] = 0
    handle_exit(env, v, make_hsr(EC.MCR_MRC_CP14, 0, _dbgbvr0_read(0, 0)))
    assert v.ctx.regs[15] == 0x8002 and v.ctx.IT == 0 and env.condition_skips == 1


@pytest.mark.parametrize(("thumb", "il", "size"), [(0, 1, 4), (1, 1, 4), (1, 0, 2)])
def test_skip_by_il_after_emulation(thumb: int, il: int, size: int) -> None:
    """kvm_skip_instr: 2 bytes for a 16-bit Thumb instruction (IL = 0), else 4."""
    v = make_vcpu()
    v.ctx.T = thumb
    handle_exit(ExitEnv(DebugPolicy.LAZY), v, make_hsr(EC.MCR_MRC_CP14, il, _dbgbvr0_read(1, 0xE)))
    assert v.ctx.regs[15] == 0x8000 + size


def test_passthrough_cp14_trap_injects_undef() -> None:
    """v4.1 kvm_handle_cp14_access: any CP14 trap -> UNDEF."""
    v = make_vcpu()
    handle_exit(ExitEnv(DebugPolicy.PASSTHROUGH), v, make_hsr(EC.MCR_MRC_CP14, 1, _dbgbvr0_read(1, 0xE)))
    assert v.ctx.mode == Mode.UND


def test_mrc_to_apsr_nzcv() -> None:
    """MRC p14, 0, APSR_nzcv, c0, c1, 0 (Rt = 15) sets the flags from DBGDSCR[31:28] (A8.8.108)."""
    v = make_vcpu()
    v.set_cp14("DBGDSCRext", 0)
    v.ctx.flags[0] = 0xF
    iss = ISS_CP32.pack(CV=1, COND=0xE, Opc2=0, Opc1=0, CRn=0, Rt=15, CRm=1, Direction=1)
    handle_exit(ExitEnv(DebugPolicy.LAZY), v, make_hsr(EC.MCR_MRC_CP14, 1, iss))
    assert v.ctx.flags[0] == 0 and v.ctx.regs[15] == 0x8004
