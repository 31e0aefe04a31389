"""armsim.testing.oracles: expected_trap and decode_hsr against hand-worked cases from the manual.

Each case names the rule of DDI 0406C it follows (B1.14 Hyp traps, B3.17
register access, B3.13.6 HSR, C6.4 / C11.10 CP14) or the reference section.
"""

from __future__ import annotations

from typing import Optional

import pytest
from hypothesis import given

from armsim.testing import CoprocInsn, TrapState, Verdict, decode_hsr, expected_trap
from armsim.testing.manual import DBGDSCR, EC, HCPTR, HCR, HDCR, HSTR
from armsim.testing.oracles import HYP, MON, SVC, USR, condition_passed, effective_hdcr
from armsim.testing.strategies import coproc_accesses, trap_states

DBGBCR0_W = CoprocInsn("MCR", 14, 0, 0, 0, 5, rt=1)  # MCR p14, 0, r1, c0, c0, 5
DBGDSCRINT_R = CoprocInsn("MRC", 14, 0, 0, 1, 0, rt=0)  # MRC p14, 0, r0, c0, c1, 0
DBGDRAR64_R = CoprocInsn("MRRC", 14, 0, 0, 1, 0, rt=2, rt2=3)  # MRRC p14, 0, r2, r3, c1
TDA = TrapState(HDCR=HDCR.pack(TDA=1))


def verdict(insn: CoprocInsn, state: Optional[TrapState] = None) -> Verdict:
    return expected_trap(insn, state if state is not None else TrapState()).verdict


# -- the worked HSR values of reference section 3.3 (B3.13.6 ISS layouts) --------------------


def test_worked_hsr_values() -> None:
    assert expected_trap(DBGBCR0_W, TDA).hsr == 0x17EA0020
    assert expected_trap(DBGDSCRINT_R, TDA).hsr == 0x17E00003
    assert expected_trap(DBGDRAR64_R, TrapState(HDCR=HDCR.pack(TDRA=1))).hsr == 0x33E00C43


def test_decode_hsr_per_ec() -> None:
    """B3.13.6: the ISS of EC 0x05 (MCR/MRC), 0x0C (MRRC), 0x12 (HVC), 0x0A (BXJ, B1.14.5) and a reserved EC."""
    f = decode_hsr(0x17EA0020)
    assert (f["EC"], f["IL"], f["CV"], f["COND"], f["Opc2"], f["Opc1"], f["CRn"], f["Rt"], f["CRm"],
            f["Direction"]) == (0x05, 1, 1, 0xE, 5, 0, 0, 1, 0, 0)
    f = decode_hsr(0x33E00C43)
    assert (f["EC"], f["Opc1"], f["Rt2"], f["Rt"], f["CRm"], f["Direction"]) == (0x0C, 0, 3, 2, 1, 1)
    assert decode_hsr(0x4A000000) == {"EC": 0x12, "IL": 1, "imm16": 0}
    assert decode_hsr(0x2BE00001) == {"EC": 0x0A, "IL": 1, "CV": 1, "COND": 0xE, "Rm": 1}  # BXJ r1 under TJDBX
    assert decode_hsr((0x3F << 26) | 0x1234) == {"EC": 0x3F, "IL": 0, "ISS": 0x1234}
    with pytest.raises(ValueError, match="not a 32-bit value"):
        decode_hsr(1 << 32)


def test_ldc_stc_syndrome() -> None:
    """B3.13.6 EC 0x06: imm8, Rn, Offset (U), AM from P/W, Direction 1 for LDC (reference 3.2)."""
    ldc = CoprocInsn("LDC", 14, rt=3, crd=5, imm8=0x12, p=0, u=1, w=1, cond=0x4)  # LDCMI p14, c5, [r3], #72
    e = expected_trap(ldc, TDA._replace(nzcv=0b1000))
    f = decode_hsr(e.hsr)
    assert (f["EC"], f["CV"], f["COND"], f["imm8"], f["Rn"], f["Offset"], f["AM"], f["Direction"]) == (
        EC.LDC_STC_CP14, 1, 0x4, 0x12, 3, 1, 0b001, 1)
    stc = CoprocInsn("STC", 14, rt=0, crd=5, imm8=1, p=1, u=0, w=0)
    f = decode_hsr(expected_trap(stc, TDA).hsr)
    assert (f["AM"], f["Offset"], f["Direction"]) == (0b010, 0, 0)
    lit = CoprocInsn("LDC", 14, rt=15, crd=5, imm8=2, p=1, u=1, w=0)
    assert decode_hsr(expected_trap(lit, TDA).hsr)["AM"] == 0b110  # literal offset


# -- step 1: encodings, registers, directions ---------------------------------------------------


def test_unimplemented_and_wrong_direction_are_undefined() -> None:
    """Reference 4.1 step 1: DBGBVR6 does not exist on a 6-BRP core; DBGDIDR and MIDR are read-only."""
    assert verdict(CoprocInsn("MRC", 14, 0, 0, 6, 4), TDA) is Verdict.UNDEFINED
    assert verdict(CoprocInsn("MRC", 14, 0, 0, 6, 4), TDA._replace(brps=8, ctx_cmps=2)) is Verdict.HYP_TRAP
    assert verdict(CoprocInsn("MCR", 14, 0, 0, 0, 0), TDA) is Verdict.UNDEFINED  # DBGDIDR
    assert verdict(CoprocInsn("MCR", 15, 0, 0, 0, 0)) is Verdict.UNDEFINED  # MIDR
    assert verdict(CoprocInsn("MRC", 15, 0, 7, 5, 0)) is Verdict.UNDEFINED  # ICIALLU is write-only
    assert verdict(CoprocInsn("MRC", 14, 0, 1, 0, 4), TDA) is Verdict.UNDEFINED  # DBGOSLAR is write-only


def test_forms_cp14_cp15_do_not_have() -> None:
    """A2.9 / B3.17: no "2" forms, no LDC/STC to CP15; LDC/STC p14 only to c5 without L (C6.4.2)."""
    assert verdict(DBGDSCRINT_R._replace(two=True), TDA) is Verdict.UNDEFINED
    assert verdict(CoprocInsn("LDC", 15, crd=5), TDA) is Verdict.UNDEFINED
    assert verdict(CoprocInsn("LDC", 14, crd=4), TDA) is Verdict.UNDEFINED
    assert verdict(CoprocInsn("STC", 14, crd=5, d=1), TDA) is Verdict.UNDEFINED
    assert verdict(CoprocInsn("MCRR", 14, 0, 0, 1, 0, rt=0, rt2=1), TDA) is Verdict.UNDEFINED


def test_unpredictable_operands_are_undefined() -> None:
    """A8.8.98 MCR t == 15; A8.8.108 MRRC t == t2; T32 also SP: armsim's choice is UNDEFINED."""
    assert verdict(DBGBCR0_W._replace(rt=15)) is Verdict.UNDEFINED
    assert verdict(DBGBCR0_W._replace(rt=13)) is not Verdict.UNDEFINED
    assert verdict(DBGBCR0_W._replace(rt=13, isa="T32")) is Verdict.UNDEFINED
    assert verdict(DBGDRAR64_R._replace(rt2=2)) is Verdict.UNDEFINED
    assert "UNPREDICTABLE" in expected_trap(DBGDRAR64_R._replace(rt2=2), TrapState()).reason


# -- step 2: privilege and security state -------------------------------------------------------


def test_pl0_debug_access_depends_on_udccdis() -> None:
    """C11.11 DBGDSCR.UDCCdis: PL0 reads DBGDIDR/DBGDSCRint/DBGDRAR only while it is 0; the pairs never."""
    user = TrapState(mode=USR)
    assert verdict(DBGDSCRINT_R, user) is Verdict.DIRECT
    assert verdict(DBGDSCRINT_R, user._replace(DBGDSCR=DBGDSCR.pack(UDCCdis=1))) is Verdict.UNDEFINED
    assert verdict(DBGDRAR64_R, user._replace(HDCR=HDCR.pack(TDRA=1))) is Verdict.HYP_TRAP
    assert verdict(DBGBCR0_W, user._replace(HDCR=HDCR.pack(TDA=1))) is Verdict.UNDEFINED


def test_hyp_registers_from_pl1_and_monitor() -> None:
    """B3.17.1: PL2 registers are UNDEFINED at PL1, accessible in Hyp mode and in Monitor mode with SCR.NS = 1."""
    hcr = CoprocInsn("MRC", 15, 4, 1, 1, 0)
    assert verdict(hcr, TrapState(mode=SVC)) is Verdict.UNDEFINED
    assert verdict(hcr, TrapState(mode=HYP)) is Verdict.DIRECT
    assert verdict(hcr, TrapState(mode=MON, ns=True)) is Verdict.DIRECT
    assert verdict(hcr, TrapState(mode=MON, ns=False)) is Verdict.UNDEFINED


def test_secure_only_registers() -> None:
    """B4.1.129 SCR: Secure PL1 only; B4.1.111 NSACR: Non-secure reads, Secure writes."""
    scr = CoprocInsn("MRC", 15, 0, 1, 1, 0)
    assert verdict(scr, TrapState(mode=SVC, ns=False)) is Verdict.DIRECT
    assert verdict(scr, TrapState(mode=SVC, ns=True)) is Verdict.UNDEFINED
    assert verdict(scr, TrapState(mode=HYP)) is Verdict.UNDEFINED
    nsacr_r = CoprocInsn("MRC", 15, 0, 1, 1, 2)
    assert verdict(nsacr_r, TrapState(mode=SVC)) is Verdict.DIRECT
    assert verdict(nsacr_r._replace(kind="MCR"), TrapState(mode=SVC)) is Verdict.UNDEFINED
    assert verdict(nsacr_r._replace(kind="MCR"), TrapState(mode=SVC, ns=False)) is Verdict.DIRECT


def test_pmu_at_pl0_needs_pmuserenr_then_traps_under_tpm() -> None:
    """C12.8.13 PMUSERENR.EN gates PL0; B1.14.17 HDCR.TPM traps the PMU, TPMCR only PMCR."""
    pmccntr = CoprocInsn("MRC", 15, 0, 9, 13, 0)
    user = TrapState(mode=USR, HDCR=HDCR.pack(TPM=1))
    assert verdict(pmccntr, user) is Verdict.UNDEFINED
    assert verdict(pmccntr, user._replace(PMUSERENR=1)) is Verdict.HYP_TRAP
    pmcr = CoprocInsn("MRC", 15, 0, 9, 12, 0)
    assert verdict(pmcr, TrapState(HDCR=HDCR.pack(TPMCR=1))) is Verdict.HYP_TRAP
    assert verdict(pmccntr, TrapState(HDCR=HDCR.pack(TPMCR=1))) is Verdict.DIRECT


# -- steps 3 and 4: the Hyp trap controls -------------------------------------------------------


def test_hstr_traps_by_primary_register() -> None:
    """B1.14.14 HSTR.Tn: CRn for MCR/MRC, CRm for MCRR/MRRC; EC 0x03 / 0x04."""
    sctlr = CoprocInsn("MRC", 15, 0, 1, 0, 0)
    e = expected_trap(sctlr, TrapState(HSTR=HSTR.pack(T1=1)))
    assert e.verdict is Verdict.HYP_TRAP and e.ec == EC.MCR_MRC_CP15
    ttbr0_64 = CoprocInsn("MRRC", 15, 0, 0, 2, 0, rt=0, rt2=1)
    assert expected_trap(ttbr0_64, TrapState(HSTR=HSTR.pack(T2=1))).ec == EC.MCRR_MRRC_CP15
    assert verdict(ttbr0_64, TrapState(HSTR=HSTR.pack(T0=1))) is Verdict.DIRECT
    assert verdict(sctlr, TrapState(mode=USR, HSTR=HSTR.pack(T1=1))) is Verdict.UNDEFINED  # not PL0-accessible


def test_hcr_trap_bits() -> None:
    """B1.14.3-B1.14.13: TVM traps writes only; TID3 the ID registers; TSW set/way; TTLB TLB maintenance."""
    sctlr = CoprocInsn("MCR", 15, 0, 1, 0, 0)
    tvm = TrapState(HCR=HCR.pack(TVM=1))
    assert verdict(sctlr, tvm) is Verdict.HYP_TRAP
    assert verdict(sctlr._replace(kind="MRC"), tvm) is Verdict.DIRECT
    assert verdict(CoprocInsn("MRC", 15, 0, 0, 1, 4), TrapState(HCR=HCR.pack(TID3=1))) is Verdict.HYP_TRAP
    assert verdict(CoprocInsn("MCR", 15, 0, 7, 14, 2), TrapState(HCR=HCR.pack(TSW=1))) is Verdict.HYP_TRAP
    assert verdict(CoprocInsn("MCR", 15, 0, 8, 7, 0), TrapState(HCR=HCR.pack(TTLB=1))) is Verdict.HYP_TRAP
    assert verdict(CoprocInsn("MRC", 15, 0, 0, 0, 0), TrapState(HCR=HCR.pack(TID1=1, TID2=1, TID3=1))) \
        is Verdict.DIRECT  # MIDR: VPIDR instead (B4.1.105)
    l2ctlr = CoprocInsn("MRC", 15, 1, 9, 0, 2)
    assert verdict(l2ctlr, TrapState(HCR=HCR.pack(TIDCP=1))) is Verdict.HYP_TRAP  # IMPLEMENTATION DEFINED space
    cpacr = CoprocInsn("MRC", 15, 0, 1, 0, 2)
    assert verdict(cpacr, TrapState(HCPTR=HCPTR.pack(TCPAC=1))) is Verdict.HYP_TRAP  # B1.14.12


def test_hdcr_classes_and_effective_bits() -> None:
    """B1.14.15: TDRA DBGDRAR/DBGDSAR, TDOSA the OS lock and powerdown registers, TDA the rest; TDE and
    HCR.TGE make all three act as 1, TDA makes TDRA and TDOSA act as 1 (reference 4 choice)."""
    oslsr = CoprocInsn("MRC", 14, 0, 1, 1, 4)
    assert verdict(oslsr, TrapState(HDCR=HDCR.pack(TDOSA=1))) is Verdict.HYP_TRAP
    assert verdict(DBGBCR0_W, TrapState(HDCR=HDCR.pack(TDOSA=1, TDRA=1))) is Verdict.DIRECT
    assert verdict(oslsr, TDA) is Verdict.HYP_TRAP
    assert verdict(DBGBCR0_W, TrapState(HDCR=HDCR.pack(TDE=1))) is Verdict.HYP_TRAP
    assert verdict(DBGDRAR64_R, TrapState(HCR=HCR.pack(TGE=1))) is Verdict.HYP_TRAP
    assert effective_hdcr(HDCR.pack(TDE=1), 0) == HDCR.pack(TDE=1, TDA=1, TDOSA=1, TDRA=1)


def test_thumbee_and_jazelle() -> None:
    """A2.11 ThumbEE under HSTR.TTEE; A2.10 JIDR reads under HCR.TID0 only, JOSCR and JMCR under HSTR.TJDBX
    (B1.14.5 "Trapping accesses to Jazelle functionality", B4.1.74 HSTR)."""
    teehbr = CoprocInsn("MRC", 14, 6, 1, 0, 0)
    assert verdict(teehbr, TrapState(mode=USR, HSTR=HSTR.pack(TTEE=1))) is Verdict.HYP_TRAP
    jidr = CoprocInsn("MRC", 14, 7, 0, 0, 0)
    assert verdict(jidr, TrapState(HCR=HCR.pack(TID0=1))) is Verdict.HYP_TRAP
    assert verdict(jidr, TrapState(HSTR=HSTR.pack(TJDBX=1))) is Verdict.DIRECT  # not in B1.14.5's list
    assert verdict(jidr._replace(kind="MCR"), TrapState(HCR=HCR.pack(TID0=1))) is Verdict.UNDEFINED  # RO
    for crn in (1, 2):  # JOSCR, JMCR
        for kind in ("MRC", "MCR"):
            assert verdict(CoprocInsn(kind, 14, 7, crn, 0, 0), TrapState(HSTR=HSTR.pack(TJDBX=1))) is Verdict.HYP_TRAP


def test_no_trap_from_hyp_or_secure_state() -> None:
    """B1.14.1: the Hyp traps apply to Non-secure PL0/PL1 only."""
    everything = TrapState(HDCR=0xFFF, HSTR=HSTR.defined_mask, HCR=HCR.defined_mask)
    assert verdict(DBGBCR0_W, everything) is Verdict.HYP_TRAP
    assert verdict(DBGBCR0_W, everything._replace(mode=HYP)) is Verdict.DIRECT
    assert verdict(DBGBCR0_W, everything._replace(mode=SVC, ns=False)) is Verdict.DIRECT
    assert verdict(DBGBCR0_W, everything._replace(mode=MON, ns=True)) is Verdict.DIRECT


def test_failed_condition_is_not_executed() -> None:
    """A8.3; B1.14.1 leaves trapping of a condition-failed instruction IMPLEMENTATION DEFINED: armsim does not."""
    eq = DBGBCR0_W._replace(cond=0x0)
    assert verdict(eq, TDA._replace(nzcv=0b0000)) is Verdict.NOT_EXECUTED
    e = expected_trap(eq, TDA._replace(nzcv=0b0100))
    assert e.verdict is Verdict.HYP_TRAP and decode_hsr(e.hsr)["COND"] == 0x0
    t32 = eq._replace(isa="T32", it_length=2)  # the same rule in an IT block
    assert verdict(t32, TDA._replace(nzcv=0b0000)) is Verdict.NOT_EXECUTED
    assert decode_hsr(expected_trap(t32, TDA._replace(nzcv=0b0100)).hsr)["COND"] == 0x0


def test_condition_passed_table() -> None:
    """A8.3.1 ConditionPassed for all 16 conditions x 16 NZCV states, from the manual's Table A8-1."""
    tests = {0: lambda n, z, c, v: z, 2: lambda n, z, c, v: c, 4: lambda n, z, c, v: n, 6: lambda n, z, c, v: v,
             8: lambda n, z, c, v: c and not z, 10: lambda n, z, c, v: n == v,
             12: lambda n, z, c, v: not z and n == v, 14: lambda n, z, c, v: True}
    for cond in range(16):
        for nzcv in range(16):
            n, z, c, v = (bool(nzcv & 8), bool(nzcv & 4), bool(nzcv & 2), bool(nzcv & 1))
            want = bool(tests[cond & 14](n, z, c, v))
            if cond & 1 and cond != 15:
                want = not want
            assert condition_passed(cond, nzcv) == want, (cond, nzcv)


def test_bad_states_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="Non-secure"):
        expected_trap(DBGBCR0_W, TrapState(mode=HYP, ns=False))
    with pytest.raises(ValueError, match="not a processor mode"):
        expected_trap(DBGBCR0_W, TrapState(mode=0x14))
    with pytest.raises(ValueError, match="CP14 and CP15"):
        expected_trap(DBGBCR0_W._replace(coproc=10), TrapState())


# -- properties ---------------------------------------------------------------------------------


@given(coproc_accesses(), trap_states(modes=[USR, SVC, HYP, MON], ns=None))
def test_every_trap_re_decodes_to_its_instruction(insn: CoprocInsn, state: TrapState) -> None:
    """B3.13.6: a trap's HSR names the instruction's fields; only NS PL0/PL1 trap (B1.14.1)."""
    e = expected_trap(insn, state)
    if e.verdict is not Verdict.HYP_TRAP:
        return
    assert state.ns and state.mode in (USR, SVC)
    f = decode_hsr(e.hsr)
    assert f["IL"] == 1 and f["CV"] == 1
    assert f["COND"] == (insn.cond if insn.cond != 0xF else 0xE)
    assert f["Direction"] == (0 if insn.kind in ("MCR", "MCRR", "STC") else 1)
    if insn.kind in ("MCR", "MRC"):
        assert f["EC"] == (EC.MCR_MRC_CP15 if insn.coproc == 15 else EC.MCR_MRC_CP14)
        assert (f["Opc1"], f["CRn"], f["CRm"], f["Opc2"], f["Rt"]) == (insn.opc1, insn.crn, insn.crm, insn.opc2,
                                                                      insn.rt)
    elif insn.is_64:
        assert f["EC"] == (EC.MCRR_MRRC_CP15 if insn.coproc == 15 else EC.MRRC_CP14)
        assert (f["Opc1"], f["CRm"], f["Rt"], f["Rt2"]) == (insn.opc1, insn.crm, insn.rt, insn.rt2)
    else:
        assert f["EC"] == EC.LDC_STC_CP14 and (f["imm8"], f["Rn"], f["Offset"]) == (insn.imm8, insn.rt, insn.u)


@given(coproc_accesses(valid=True), trap_states(modes=[SVC]))
def test_valid_pl1_accesses_are_never_undefined_when_permitted(insn: CoprocInsn, state: TrapState) -> None:
    """A valid generated access to a PL1 register from NS SVC is a trap or direct (or not executed)."""
    e = expected_trap(insn, state)
    if e.register and e.register.startswith(("DBGB", "DBGW")):
        assert e.verdict is not Verdict.UNDEFINED, e
