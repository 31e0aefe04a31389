"""HSR syndromes: builders and parsers for every ARMv7 EC (DDI 0406C B3.13.6 "Use of the HSR"; reference 3)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from armsim.coproc.syndrome import (
    EC,
    ISS_LAYOUT,
    decode_hsr,
    hsr_cp32,
    hsr_cp64,
    hsr_dabt,
    hsr_hcptr,
    hsr_iabt,
    hsr_imm16,
    hsr_ldc,
    hsr_smc,
    hsr_wfx,
    make_hsr,
    render_hsr,
)


def test_worked_values() -> None:
    """Reference 3.3 worked values (ARM, AL)."""
    assert hsr_cp32(EC.MCR_MRC_CP14, 1, 0xE, 0, 0, 0, 5, 1, False) == 0x17EA0020  # MCR p14,0,r1,c0,c0,5
    assert hsr_cp32(EC.MCR_MRC_CP14, 1, 0xE, 0, 0, 1, 0, 0, True) == 0x17E00003  # MRC p14,0,r0,c0,c1,0
    assert hsr_cp64(EC.MRRC_CP14, 1, 0xE, 0, 1, 2, 3, True) == 0x33E00C43  # MRRC p14,0,r2,r3,c1
    assert hsr_imm16(EC.HVC, 1, 0) == 0x4A000000  # HVC #0


def test_every_ec_has_a_layout() -> None:
    """Every ARMv7 EC of B3.13.6 Table B3-? decodes to named fields."""
    assert {int(e) for e in EC} == set(ISS_LAYOUT)
    assert sorted(int(e) for e in EC) == [0x00, 0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0C, 0x11,
                                          0x12, 0x13, 0x20, 0x21, 0x24, 0x25]


@given(ec=st.sampled_from([EC.MCR_MRC_CP15, EC.MCR_MRC_CP14, EC.MRC_CP10]), il=st.integers(0, 1),
       cond=st.integers(0, 15), opc1=st.integers(0, 7), crn=st.integers(0, 15), crm=st.integers(0, 15),
       opc2=st.integers(0, 7), rt=st.integers(0, 15), read=st.booleans())
def test_cp32_round_trip(ec: int, il: int, cond: int, opc1: int, crn: int, crm: int, opc2: int, rt: int,
                         read: bool) -> None:
    """ISS for MCR/MRC: CV 24, COND 23:20, Opc2 19:17, Opc1 16:14, CRn 13:10, Rt 8:5, CRm 4:1, Dir 0."""
    h = hsr_cp32(ec, il, cond, opc1, crn, crm, opc2, rt, read)
    assert h >> 26 == ec and (h >> 25) & 1 == il
    assert ((h >> 17) & 7, (h >> 14) & 7, (h >> 10) & 15, (h >> 5) & 15, (h >> 1) & 15, h & 1) == (
        opc2, opc1, crn, rt, crm, int(read))
    d = decode_hsr(h)
    assert d == {"EC": ec, "IL": il, "CV": 1, "COND": cond, "Opc2": opc2, "Opc1": opc1, "CRn": crn, "Rt": rt,
                 "CRm": crm, "Direction": int(read)}


@given(ec=st.sampled_from([EC.MCRR_MRRC_CP15, EC.MRRC_CP14]), cond=st.integers(0, 15), opc1=st.integers(0, 15),
       crm=st.integers(0, 15), rt=st.integers(0, 15), rt2=st.integers(0, 15), read=st.booleans())
def test_cp64_round_trip(ec: int, cond: int, opc1: int, crm: int, rt: int, rt2: int, read: bool) -> None:
    """ISS for MCRR/MRRC: Opc1 19:16, Rt2 13:10, Rt 8:5, CRm 4:1, Dir 0."""
    h = hsr_cp64(ec, 1, cond, opc1, crm, rt, rt2, read)
    assert ((h >> 16) & 15, (h >> 10) & 15, (h >> 5) & 15, (h >> 1) & 15, h & 1) == (opc1, rt2, rt, crm, int(read))
    d = decode_hsr(h)
    assert (d["EC"], d["Opc1"], d["Rt2"], d["Rt"], d["CRm"], d["Direction"], d["COND"]) == (
        ec, opc1, rt2, rt, crm, int(read), cond)


@given(imm8=st.integers(0, 255), rn=st.integers(0, 15), add=st.booleans(), am=st.sampled_from([0, 1, 2, 3, 4, 6]),
       read=st.booleans())
def test_ldc_round_trip(imm8: int, rn: int, add: bool, am: int, read: bool) -> None:
    """ISS for LDC/STC (EC 0x06): imm8 19:12, Rn 8:5 (reference choice), Offset 4, AM 3:1, Dir 0 (1 = LDC)."""
    h = hsr_ldc(1, 0xE, imm8, rn, add, am, read)
    d = decode_hsr(h)
    assert (d["EC"], d["imm8"], d["Rn"], d["Offset"], d["AM"], d["Direction"]) == (0x06, imm8, rn, int(add), am,
                                                                                   int(read))
    assert h & (0b111 << 9) == 0


def test_other_ecs() -> None:
    assert decode_hsr(hsr_hcptr(1, 0xE, 10))["coproc"] == 10 and hsr_hcptr(1, 0xE, 10) >> 26 == 0x07
    assert decode_hsr(hsr_hcptr(1, 0xE, 11, ta=True))["TA"] == 1
    assert decode_hsr(hsr_wfx(1, 0xE, True))["TI"] == 1 and hsr_wfx(0, 0xE, False) == (0x01 << 26) | (1 << 24) | (
        0xE << 20)
    assert hsr_imm16(EC.SVC, 0, 0x1234) == (0x11 << 26) | 0x1234
    assert decode_hsr(hsr_imm16(EC.HVC, 1, 0xABCD))["imm16"] == 0xABCD
    assert hsr_smc(1, 0xE) == (0x13 << 26) | (1 << 25) | (1 << 24) | (0xE << 20)
    ia = decode_hsr(hsr_iabt(EC.PABT_FROM_LOWER, 0x22, ea=1))
    assert (ia["EC"], ia["IL"], ia["IFSC"], ia["EA"], ia["S1PTW"]) == (0x20, 0, 0x22, 1, 0)
    da = decode_hsr(hsr_dabt(EC.DABT_FROM_HYP, 0x21, True, cm=1))
    assert (da["EC"], da["ISV"], da["WnR"], da["DFSC"], da["CM"]) == (0x25, 0, 1, 0x21, 1)
    dv = decode_hsr(hsr_dabt(EC.DABT_FROM_LOWER, 0x07, False, srt=5, sas=1, sse=1, il=1))
    assert (dv["ISV"], dv["SAS"], dv["SSE"], dv["SRT"], dv["IL"], dv["WnR"]) == (1, 1, 1, 5, 1, 0)
    assert decode_hsr(make_hsr(EC.UNKNOWN, 0, 0)) == {"EC": 0, "IL": 0}


def test_reserved_ec_decodes_raw() -> None:
    assert decode_hsr(make_hsr(0x3F, 1, 0x123)) == {"EC": 0x3F, "IL": 1, "ISS": 0x123}
    assert render_hsr(make_hsr(0x3F, 1, 0x123)).startswith("HSR{EC=0x3f")


def test_render() -> None:
    assert render_hsr(0x17EA0020) == "HSR{EC=MCR_MRC_CP14 IL=0x1 CV=0x1 COND=0xe Opc2=0x5 Opc1=0x0 CRn=0x0 Rt=0x1 " \
                                     "CRm=0x0 Direction=0x0}"
