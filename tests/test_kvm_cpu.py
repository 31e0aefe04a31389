"""Exit handling from generated guest programs on the simulated CPU (DDI 0406C B1.14, B3.13.6; reference 3, 8).

Each probe (tests/kvm_probe.py) runs A32/T32 words in Non-secure SVC under the modelled hypervisor: the CPU
builds the syndrome, the exit reaches ``handle_exit``, and the guest resumes past the instruction.
"""

from __future__ import annotations

import struct
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from armsim.coproc.syndrome import EC, hsr_cp32, hsr_cp64
from armsim.cpu.sysregs import HSTR
from armsim.kvm import VCPU, ExitEnv, VcpuTables, handle_exit
from armsim.kvm.coproc_table import CoprocReg
from armsim.kvm.layouts import DBGDSCR_MDBGEN, HSTR_ENC, TDE
from armsim.kvm.policy import DebugPolicy, Lazy
from armsim.testing.encodings import CoprocInsn
from armsim.timing.profiles import get_profile
from tests.kvm_probe import (
    CODE,
    HVC0,
    SMC0,
    STR_R2_R10,
    WFI,
    load_const,
    probe_vm,
    results,
)

# Every HSTR.Tn the manual defines (B4.1.74): with them every CP15 access of c0-c13 and c15 traps.
HSTR_ALL = sum(f.mask for name, f in HSTR.fields.items() if name.startswith("T") and name[1:].isdigit())


class TrapDebugExceptions(Lazy):
    """LAZY plus HDCR.TDE: debug exceptions from the guest are routed to Hyp mode (B1.14.x)."""

    def entry_traps(self, vcpu: VCPU, switched: bool) -> int:
        return super().entry_traps(vcpu, switched) | TDE


def mrc(cp: int, opc1: int, crn: int, crm: int, opc2: int, rt: int = 2) -> int:
    return CoprocInsn("MRC", cp, opc1, crn, crm, opc2, rt=rt).a32_word()


def mcr(cp: int, opc1: int, crn: int, crm: int, opc2: int, rt: int = 2) -> int:
    return CoprocInsn("MCR", cp, opc1, crn, crm, opc2, rt=rt).a32_word()


# (EC, the guest's words, policy, extra HSTR bits, what the guest sees: UNDEFs injected)
EC_CASES: Dict[str, Tuple[int, List[int], Any, int, int]] = {
    "WFI (HCR.TWI)": (EC.WFI_WFE, [WFI], "lazy", 0, 0),
    "WFE (HCR.TWE)": (EC.WFI_WFE, [0xE320F002], "lazy", 0, 0),
    "MRC PMCR (HDCR.TPM)": (EC.MCR_MRC_CP15, [mrc(15, 0, 9, 12, 0)], "lazy", 0, 0),
    "MRC ACTLR (HCR.TAC)": (EC.MCR_MRC_CP15, [mrc(15, 0, 1, 0, 1)], "lazy", 0, 0),
    "MRRC TTBR0 (HSTR.T2)": (EC.MCRR_MRRC_CP15, [CoprocInsn("MRRC", 15, 0, 0, 2, rt=2, rt2=3).a32_word()],
                             "lazy", HSTR["T2"].mask, 0),
    "MCR DBGBVR0 (HDCR.TDA)": (EC.MCR_MRC_CP14, [mcr(14, 0, 0, 0, 4)], "lazy", 0, 0),
    "LDC p14 DBGDTRRX (HDCR.TDA)": (EC.LDC_STC_CP14, [CoprocInsn("LDC", 14, crd=5, rt=10).a32_word()],
                                    "lazy", 0, 1),
    "MRRC DBGDRAR (HDCR.TDRA)": (EC.MRRC_CP14, [CoprocInsn("MRRC", 14, 0, 0, 1, rt=2, rt2=3).a32_word()],
                                 "lazy", 0, 0),
    "HVC #0": (EC.HVC, [HVC0], "lazy", 0, 0),
    "SMC #0 (HCR.TSC)": (EC.SMC, [SMC0], "lazy", 0, 1),
    "BKPT (HDCR.TDE)": (EC.PABT_FROM_LOWER, [0xE1200070], TrapDebugExceptions(), 0, 0),
}


@pytest.mark.parametrize("case", list(EC_CASES))
def test_each_ec_reaches_its_handler(case: str) -> None:
    """B3.13.6: the CPU's syndrome selects the EC table entry; the guest resumes past the instruction (or
    takes the injected UNDEF: SMC and LDC/STC p14, as KVM), or the VM stops (an abort: no stage 2)."""
    ec, words, policy, hstr, undefs = EC_CASES[case]
    vm = probe_vm(words, policy)
    if hstr:
        vm.ws.guest_traps.append((HSTR_ENC, hstr))
    reached: List[Tuple[int, str]] = []
    for n in range(64):
        default = vm.env.handlers[n]

        def spy(env: ExitEnv, vcpu: VCPU, hsr: int, n: int = n, default: Callable[..., bool] = default) -> bool:
            reached.append((n, default.__name__))
            return default(env, vcpu, hsr)

        vm.env.set_handler(n, spy)
    r = vm.run(100_000)
    assert reached and reached[0][0] == ec, reached
    expected = {EC.WFI_WFE: "handle_wfx", EC.MCR_MRC_CP15: "handle_cp15_32", EC.MCRR_MRRC_CP15: "handle_cp15_64",
                EC.MCR_MRC_CP14: "handle_cp14_32", EC.LDC_STC_CP14: "handle_cp14_load_store",
                EC.MRRC_CP14: "handle_cp14_64", EC.HVC: "handle_hvc", EC.SMC: "handle_smc",
                EC.PABT_FROM_LOWER: "handle_guest_abort"}[ec]
    assert reached[0][1] == expected
    if ec == EC.PABT_FROM_LOWER:
        assert r.exit_code is None and "stage-2" in r.message
        return
    assert r.exit_code == 0, r.message
    assert vm.vcpu.ctx.regs[11] == undefs  # the guest's UNDEF vector counts injected exceptions


def test_condition_failed_access_is_not_trapped() -> None:
    """B1.14.1 (IMPLEMENTATION DEFINED; armsim's choice): a condition-failed MCR p14 is a NOP, no exit; the
    passing one traps.  (kvm_condition_valid's skip of a failed trap is tested on syndromes, test_kvm_exits.)"""
    cmp_r0_r0 = 0xE1500000  # A8.8.38 CMP r0, r0: Z = 1
    words = [cmp_r0_r0, CoprocInsn("MCR", 14, 0, 0, 0, 4, rt=1, cond=0x1).a32_word(),  # MCRNE: fails
             CoprocInsn("MCR", 14, 0, 0, 0, 4, rt=1, cond=0x0).a32_word()]  # MCREQ: traps
    vm = probe_vm(load_const(1, 0x1234) + words, "raz-wi")
    r = vm.run(100_000)
    assert r.exit_code == 0 and r.report["exits"]["by_ec"] == {"0x05": 1}


THUMB = CODE + 0x8000


def test_thumb_skip_by_il_and_itstate() -> None:
    """B3.13.6 HSR.IL: a 16-bit Thumb WFI traps with IL = 0 and is skipped by 2, a 32-bit MRC p14 inside an IT
    block with IL = 1 and is skipped by 4 with ITAdvance (A2.5.2); the guest continues correctly after both."""
    vm = probe_vm([*load_const(8, THUMB | 1), 0xE12FFF38, STR_R2_R10], "raz-wi")  # BLX r8; STR r2
    halfwords: List[int] = [0x4280]  # T1 CMP r0, r0: Z = 1
    # IT EQ; MRCEQ p14, 0, r2, c0, c0, 4 (trapped: RAZ under raz-wi)
    halfwords += list(CoprocInsn("MRC", 14, 0, 0, 0, 4, rt=2, isa="T32", cond=0x0).encode_halfwords())
    halfwords += [0xBF30]  # WFI (T1, 16-bit: HSR.IL = 0)
    halfwords += [0x2207]  # MOVS r2, #7 (T1): r2 = 7 only if both skips were right
    halfwords += [0x4770]  # BX lr
    vm.machine.mem.write_bytes(THUMB, struct.pack(f"<{len(halfwords)}H", *halfwords))
    r = vm.run(100_000)
    assert r.exit_code == 0, r.message
    by_ec = r.report["exits"]["by_ec"]
    assert by_ec == {"0x05": 1, "0x01": 1}
    assert results(vm, 1) == [7]


# -- every table row from a generated guest access -----------------------------------------------------
def _cp15_program(rows: List[CoprocReg]) -> List[int]:
    """For each CP15 row: read it (into r2, stored), then write the value read back (MRC/MCR, MRRC/MCRR)."""
    words: List[int] = []
    for r in rows:
        if r.is_64:
            words += [CoprocInsn("MRRC", 15, r.Op1, 0, r.CRn, rt=2, rt2=3).a32_word(), STR_R2_R10,
                      CoprocInsn("MCRR", 15, r.Op1, 0, r.CRn, rt=2, rt2=3).a32_word()]
        else:
            words += [mrc(15, r.Op1, r.CRn, r.CRm, r.Op2), STR_R2_R10, mcr(15, r.Op1, r.CRn, r.CRm, r.Op2)]
    return words


def _cp14_program(rows: List[CoprocReg]) -> Tuple[List[int], List[int]]:
    """For each CP14 row: write a pattern, end the run (HVC #0: the next run is clean again under LAZY), read it
    back into r2 and store it.  The patterns keep DBGDSCR.MDBGen clear (it would keep every run dirty)."""
    words: List[int] = []
    values: List[int] = []
    for i, r in enumerate(rows):
        value = (0x9E3779B9 * (i + 1)) & 0xFFFFFFFF & ~DBGDSCR_MDBGEN
        values.append(value)
        if r.is_64:
            words += [CoprocInsn("MRRC", 14, r.Op1, 0, r.CRn, rt=2, rt2=3).a32_word(), STR_R2_R10]
        else:
            words += [*load_const(2, value), mcr(14, r.Op1, r.CRn, r.CRm, r.Op2), HVC0,
                      mrc(14, r.Op1, r.CRn, r.CRm, r.Op2), STR_R2_R10]
    return words, values


def _model_reads(cpu: str, cp: int, rows: List[CoprocReg], values: Optional[List[int]]) -> Tuple[List[int], int]:
    """The same accesses as syndromes straight into handle_exit on a fresh VCPU: the values read, UNDEFs."""
    profile = get_profile(cpu)
    tables = VcpuTables(profile)
    vcpu = VCPU(profile, tables)
    env = ExitEnv(DebugPolicy.LAZY)
    ctx = vcpu.ctx
    ctx.set_cpsr(0x1D3)
    reads = []

    def access(hsr: int) -> None:
        handle_exit(env, vcpu, hsr)

    ec32 = EC.MCR_MRC_CP14 if cp == 14 else EC.MCR_MRC_CP15
    ec64 = EC.MRRC_CP14 if cp == 14 else EC.MCRR_MRRC_CP15
    for i, r in enumerate(rows):
        if r.is_64:
            ctx.regs[2] = ctx.regs[3] = 0
            access(hsr_cp64(ec64, 1, 0xE, r.Op1, r.CRn, 2, 3, True))
            reads.append(ctx.regs[2])
            if cp == 15:
                access(hsr_cp64(ec64, 1, 0xE, r.Op1, r.CRn, 2, 3, False))
            continue
        if cp == 14:
            assert values is not None
            ctx.regs[2] = values[i]
            access(hsr_cp32(ec32, 1, 0xE, r.Op1, r.CRn, r.CRm, r.Op2, 2, False))
            access(hsr_cp32(ec32, 1, 0xE, r.Op1, r.CRn, r.CRm, r.Op2, 2, True))
            reads.append(ctx.regs[2])
        else:
            access(hsr_cp32(ec32, 1, 0xE, r.Op1, r.CRn, r.CRm, r.Op2, 2, True))
            reads.append(ctx.regs[2])
            access(hsr_cp32(ec32, 1, 0xE, r.Op1, r.CRn, r.CRm, r.Op2, 2, False))
    return reads, env.stats.undef


# CNTKCTL (c14) has a row because KVM switches it, but no guest access can reach it here: HSTR has no T14 and
# armsim implements no Generic Timer, so the guest's MRC/MCR is UNDEFINED at PL1 without a trap.
UNREACHABLE_CP15 = {"CNTKCTL"}
# Registers with one direction only on the machine (B4.1, C12: PMSWINC is write-only, PMCEID0/1 and CBAR
# read-only): the other direction is UNDEFINED at PL1 by the CPU's own access check, before any Hyp trap, so
# the guest takes one more UNDEF for each than the syndrome path does.
ONE_DIRECTION_CP15 = {"PMSWINC", "PMCEID0", "PMCEID1", "CBAR"}


@pytest.mark.parametrize("cpu", ["cortex-a15", "cortex-a7"])
def test_every_cp15_row_reached_from_the_guest(cpu: str) -> None:
    """Every CP15 row (target table first, then generic) is reached from the guest's own MRC/MCR/MRRC/MCRR under
    HSTR (all Tn) and the entry's HDCR.TPM/TPMCR, HCR.TAC/TSW traps, and reads what the same syndrome reads on
    the model; the UNDEFs the guest takes are those the model injects."""
    vm = probe_vm([], "lazy", cpu=cpu)
    rows = [r for r in vm.tables.cp15.rows() if r.name not in UNREACHABLE_CP15 and r.name != "VBAR"]
    vm = probe_vm(_cp15_program(rows), "lazy", cpu=cpu)
    vm.ws.guest_traps.append((HSTR_ENC, HSTR_ALL))
    r = vm.run(2_000_000)
    assert r.exit_code == 0, r.message
    traced = set(r.report["cp15_traps"])
    names = {row.name for row in rows}
    model_reads, model_undefs = _model_reads(cpu, 15, rows, None)
    # A row whose access is refused (a write-only DC operation read) counts no trap but injects UNDEF.
    assert names - traced <= {row.name for row in rows if row.access is None} | {"DCISW", "DCCSW", "DCCISW"}
    assert vm.vcpu.ctx.regs[11] == model_undefs + len(ONE_DIRECTION_CP15 & names)
    assert ONE_DIRECTION_CP15 & names <= traced
    cpu_reads = results(vm, len(rows))
    assert cpu_reads == model_reads


# C11.10 Table C11-?: read-only (the ID registers, DBGDSCRint, the 32-bit DBGDRAR/DBGDSAR, DBGOSLSR,
# DBGAUTHSTATUS) or write-only (DBGOSLAR) registers: the other direction is UNDEFINED at PL1 by the CPU's access
# check before any Hyp trap (KVM's handlers would ignore such a write).
ONE_DIRECTION_CP14 = {"DBGDIDR", "DBGDSCRint", "DBGDRAR", "DBGDSAR", "DBGOSLAR", "DBGOSLSR", "DBGDEVID",
                      "DBGDEVID1", "DBGDEVID2", "DBGAUTHSTATUS"}


@pytest.mark.parametrize("cpu", ["cortex-a15", "cortex-a7"])
def test_every_cp14_row_reached_from_the_guest(cpu: str) -> None:
    """Every CP14 32-bit and 64-bit row is reached from a generated guest access (LAZY, clean runs: TDA, TDOSA,
    TDRA set) and the value the guest reads back equals the model's -- after the dirty run in between moved the
    guest's set through the hardware registers and back (the shadow's view is the hardware's)."""
    vm0 = probe_vm([], "lazy", cpu=cpu)
    rows32 = vm0.tables.cp14.rows()
    rows64 = vm0.tables.cp14_64.rows()
    w32, values = _cp14_program(rows32)
    w64, _ = _cp14_program(rows64)
    vm = probe_vm(w32 + w64, "lazy", cpu=cpu)
    r = vm.run(5_000_000)
    assert r.exit_code == 0, r.message
    reads32, undefs32 = _model_reads(cpu, 14, rows32, values)
    reads64, undefs64 = _model_reads(cpu, 14, rows64, None)
    assert results(vm, len(rows32) + len(rows64)) == reads32 + reads64
    names32 = {row.name for row in rows32}
    assert vm.vcpu.ctx.regs[11] == undefs32 + undefs64 + len(ONE_DIRECTION_CP14 & names32)
    traps = r.report["cp14_traps"]
    assert set(traps) == names32 | {row.name for row in rows64}  # every row reached from the guest
    # Each row reached in both directions it has (the 64-bit rows by their MRRC; DBGDRAR/DBGDSAR have both forms).
    expected: Dict[str, int] = {}
    for row in rows32:
        expected[row.name] = expected.get(row.name, 0) + (1 if row.name in ONE_DIRECTION_CP14 else 2)
    for row in rows64:
        expected[row.name] = expected.get(row.name, 0) + 1
    assert {name: c["read"] + c["write"] for name, c in traps.items()} == expected
