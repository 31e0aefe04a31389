"""The CP14 debug register file through MRC/MCR/MRRC/LDC/STC (DDI 0406C C6.4, C11.10, C11.11)."""

from __future__ import annotations

import pytest

from armsim.cpu.modes import Mode
from armsim.debug.layouts import DBGBCR, DBGDSCR, DBGDSCR_EXT_WRITABLE, DBGWCR
from armsim.debug.registers import dbgdidr_for
from armsim.timing.profiles import PROFILES
from tests.debug_util import (
    CODE,
    DATA,
    UNDEF_VEC,
    ldc14,
    load,
    machine,
    mcr14,
    mcrr14,
    mrc14,
    mrrc14,
    run,
    set_reg,
    stc14,
)


def read_via_mrc(m, crn: int, crm: int, opc2: int, mode: int = Mode.SVC, opc1: int = 0):  # type: ignore[no-untyped-def]
    """Execute MRC p14, opc1, r0, crn, crm, opc2; return (r0, took Undefined?)."""
    m.cpu.regs[0] = 0xDEADBEEF
    load(m, CODE, [mrc14(0, crn, crm, opc2, opc1)])
    run(m, CODE, 1, mode)
    undefined = m.cpu.regs[15] == UNDEF_VEC
    return m.cpu.regs[0], undefined


def write_via_mcr(m, crn: int, crm: int, opc2: int, value: int, mode: int = Mode.SVC) -> bool:  # type: ignore[no-untyped-def]
    m.cpu.regs[1] = value
    load(m, CODE, [mcr14(1, crn, crm, opc2)])
    run(m, CODE, 1, mode)
    return m.cpu.regs[15] == UNDEF_VEC


@pytest.mark.parametrize("cpu", sorted(PROFILES))
def test_dbgdidr_from_profile(cpu: str) -> None:
    """C11.11 DBGDIDR (c0,c0,0): 4 WRPs, 6 BRPs, 2 context BRPs, v7.1, revision from MIDR."""
    m = machine(cpu)
    value, undefined = read_via_mrc(m, 0, 0, 0)
    assert not undefined
    assert value == PROFILES[cpu].dbgdidr == dbgdidr_for(PROFILES[cpu])
    assert (value >> 28) + 1 == 4 and ((value >> 24) & 0xF) + 1 == 6 and ((value >> 20) & 0xF) + 1 == 2
    assert (value >> 16) & 0xF == 5  # Version: v7.1


@pytest.mark.parametrize(
    "name, crn, crm, opc2",
    [("DBGBVR6", 0, 6, 4), ("DBGBCR7", 0, 7, 5), ("DBGWVR4", 0, 4, 6), ("DBGWCR5", 0, 5, 7),
     ("DBGBXVR3 (not context-capable)", 1, 3, 1), ("DBGBXVR6", 1, 6, 1),
     ("DBGOSSRR (not implemented)", 1, 2, 4), ("c0,c3,0 (reserved)", 0, 3, 0), ("DBGPRSR", 1, 5, 4)],
)
def test_unimplemented_registers_are_undefined(name: str, crn: int, crm: int, opc2: int) -> None:
    """C11.10/C11.11: pairs beyond DBGDIDR.BRPs/WRPs and unimplemented registers are UNDEFINED."""
    m = machine()
    assert read_via_mrc(m, crn, crm, opc2)[1], name
    assert m.cpu.mode == Mode.UND
    assert write_via_mcr(machine(), crn, crm, opc2, 1), name


@pytest.mark.parametrize("name, crn, crm, opc2", [("DBGBVR5", 0, 5, 4), ("DBGBCR5", 0, 5, 5),
                                                  ("DBGWVR3", 0, 3, 6), ("DBGWCR3", 0, 3, 7),
                                                  ("DBGBXVR4", 1, 4, 1), ("DBGBXVR5", 1, 5, 1)])
def test_highest_implemented_pairs_are_reachable(name: str, crn: int, crm: int, opc2: int) -> None:
    """C11.11: DBGBVR/BCR n < 6, DBGWVR/WCR n < 4, DBGBXVR4/5 read back what was written."""
    m = machine()
    assert not write_via_mcr(m, crn, crm, opc2, 0xE4)
    value, undefined = read_via_mrc(m, crn, crm, opc2)
    assert not undefined and value == 0xE4, name


def test_wrong_direction_is_undefined() -> None:
    """C11.10: MCR to a read-only register (DBGDIDR, DBGOSLSR) and MRC from DBGOSLAR are UNDEFINED."""
    assert write_via_mcr(machine(), 0, 0, 0, 0)
    assert write_via_mcr(machine(), 1, 1, 4, 0)
    assert read_via_mrc(machine(), 1, 0, 4)[1]


def test_opc1_other_than_zero_is_not_debug() -> None:
    """C6.4: the debug registers are CP14 opc1 = 0; opc1 = 1 (trace) is not implemented here."""
    assert read_via_mrc(machine(), 0, 0, 0, opc1=1)[1]


def test_pl0_access_rules() -> None:
    """C6.4 (access from PL0): DBGDIDR, DBGDSCRint, the DCC, DBGDRAR/DSAR only, and only while UDCCdis = 0."""
    m = machine()
    assert not read_via_mrc(m, 0, 0, 0, Mode.USR)[1]  # DBGDIDR
    assert not read_via_mrc(m, 0, 1, 0, Mode.USR)[1]  # DBGDSCRint
    assert not read_via_mrc(m, 1, 0, 0, Mode.USR)[1]  # DBGDRAR
    assert read_via_mrc(machine(), 0, 0, 5, Mode.USR)[1]  # DBGBCR0
    assert read_via_mrc(machine(), 0, 2, 2, Mode.USR)[1]  # DBGDSCRext
    m = machine()
    set_reg(m, "DBGDSCRext", DBGDSCR["UDCCdis"].mask)
    assert read_via_mrc(m, 0, 0, 0, Mode.USR)[1]
    assert not read_via_mrc(m, 0, 0, 0, Mode.SVC)[1]


def test_os_lock() -> None:
    """C11.11 DBGOSLSR/DBGOSLAR: locked after reset (0xA); the key locks, any other value unlocks."""
    m = machine()
    assert read_via_mrc(m, 1, 1, 4) == (0xA, False)
    write_via_mcr(m, 1, 0, 4, 0)
    assert read_via_mrc(m, 1, 1, 4) == (0x8, False)
    write_via_mcr(m, 1, 0, 4, 0xC5ACCE55)
    assert read_via_mrc(m, 1, 1, 4) == (0xA, False)
    write_via_mcr(m, 1, 0, 4, 0xC5ACCE54)
    assert read_via_mrc(m, 1, 1, 4) == (0x8, False)


def test_os_lock_does_not_block_cp14_access() -> None:
    """C11.11 DBGOSLAR: the OS Lock is for saving and restoring through CP14, which stays usable."""
    m = machine()
    assert m.debug_regs.oslk == 1
    assert not write_via_mcr(m, 0, 0, 4, 0x8000)
    assert read_via_mrc(m, 0, 0, 4) == (0x8000, False)


def test_os_lock_lets_dscr_ext_restore_the_dcc_flags() -> None:
    """C11.11 DBGDSCR (v7.1): with the OS Lock set, DBGDSCRext writes RXfull/TXfull (and their _l copies)."""
    m = machine()
    rx_tx = DBGDSCR["RXfull"].mask | DBGDSCR["TXfull"].mask
    latched = DBGDSCR["RXfull_l"].mask | DBGDSCR["TXfull_l"].mask
    write_via_mcr(m, 0, 2, 2, DBGDSCR["RXfull"].mask)
    assert read_via_mrc(m, 0, 1, 0)[0] & (rx_tx | latched) == DBGDSCR["RXfull"].mask | DBGDSCR["RXfull_l"].mask
    write_via_mcr(m, 0, 2, 2, 0)
    assert read_via_mrc(m, 0, 1, 0)[0] & (rx_tx | latched) == 0
    write_via_mcr(m, 1, 0, 4, 0)  # unlocked: the flags are the DCC's again, not the write's
    write_via_mcr(m, 0, 2, 2, rx_tx)
    assert read_via_mrc(m, 0, 1, 0)[0] & (rx_tx | latched) == 0


def test_register_numbers_and_encodings_are_the_manuals() -> None:
    """C11.10 Table C11-1 register numbers and C6.4: CRn = R[9:7], opc2 = R[6:4], CRm = R[3:0].

    The full Cortex-A15 map, written out from the manual: every implemented register has
    its row at the encoding its number gives, and there is no other row.
    """
    numbers = {"DBGDIDR": 0, "DBGDSCRint": 1, "DBGDTRRXint/DBGDTRTXint": 5, "DBGWFAR": 6, "DBGVCR": 7,
               "DBGDTRRXext": 32, "DBGDSCRext": 34, "DBGDTRTXext": 35, "DBGDRAR": 128, "DBGOSLAR": 192,
               "DBGOSLSR": 193, "DBGOSDLR": 195, "DBGPRCR": 196, "DBGDSAR": 256, "DBGCLAIMSET": 1000,
               "DBGCLAIMCLR": 1001, "DBGAUTHSTATUS": 1006, "DBGDEVID2": 1008, "DBGDEVID1": 1009, "DBGDEVID": 1010}
    numbers.update({f"DBGBVR{n}": 64 + n for n in range(6)})
    numbers.update({f"DBGBCR{n}": 80 + n for n in range(6)})
    numbers.update({f"DBGWVR{n}": 96 + n for n in range(4)})
    numbers.update({f"DBGWCR{n}": 112 + n for n in range(4)})
    numbers.update({f"DBGBXVR{n}": 144 + n for n in (4, 5)})
    encodings = {"DBGDSCRext": (0, 2, 2), "DBGOSLAR": (1, 0, 4), "DBGCLAIMSET": (7, 8, 6), "DBGDEVID": (7, 2, 7),
                 "DBGBXVR5": (1, 5, 1), "DBGWCR3": (0, 3, 7), "DBGAUTHSTATUS": (7, 14, 6)}  # spot checks by hand
    rows = machine().debug_regs.rows
    assert {row.name: row.number for row in rows.values()} == numbers
    for (crn, crm, opc2), row in rows.items():
        r = row.number
        assert (crn, crm, opc2) == (r >> 7, r & 0xF, (r >> 4) & 7) == (row.crn, row.crm, row.opc2), row.name
    for name, enc in encodings.items():
        assert rows[enc].name == name
    assert {k: (r.name, r.access) for k, r in machine().debug_regs.rows64.items()} == {
        1: ("DBGDRAR", "RO"), 2: ("DBGDSAR", "RO")}  # MRRC p14, 0, Rt, Rt2, c1 / c2


def test_dscr_ext_and_int() -> None:
    """C11.11 DBGDSCR: DBGDSCRext writes MDBGen/UDCCdis/INTdis/ExtDCCmode; DBGDSCRint is the same value, RO."""
    m = machine()
    write_via_mcr(m, 1, 0, 4, 0)  # OS Lock clear
    write_via_mcr(m, 0, 2, 2, 0xFFFFFFFF)
    ext, _ = read_via_mrc(m, 0, 2, 2)
    assert ext == DBGDSCR_EXT_WRITABLE
    assert DBGDSCR.unpack(ext)["MDBGen"] == 1 and DBGDSCR.unpack(ext)["HDBGen"] == 0
    assert read_via_mrc(m, 0, 1, 0) == (ext, False)
    assert write_via_mcr(m, 0, 1, 0, 0)  # DBGDSCRint is read-only


def test_bcr_write_masks() -> None:
    """C11.11 DBGBCR: MASK reads 0 (DBGDEVID.BPAddrMask = 0xF); BT[3] and BT[1] read 0 unless context-capable."""
    m = machine()
    write_via_mcr(m, 0, 0, 5, 0xFFFFFFFF)
    write_via_mcr(m, 0, 4, 5, 0xFFFFFFFF)
    f0 = DBGBCR.unpack(read_via_mrc(m, 0, 0, 5)[0])
    f4 = DBGBCR.unpack(read_via_mrc(m, 0, 4, 5)[0])
    assert f0["MASK"] == 0 and f0["BT"] == 0b0101 and f0["BAS"] == 0xF and f0["LBN"] == 0xF
    assert f4["BT"] == 0b1111
    assert read_via_mrc(m, 0, 0, 5)[0] & ~DBGBCR.defined_mask == 0


def test_wcr_wvr_write_masks() -> None:
    """C11.11 DBGWCR (defined fields only) and DBGWVR (bits 1:0 read 0)."""
    m = machine()
    write_via_mcr(m, 0, 0, 7, 0xFFFFFFFF)
    write_via_mcr(m, 0, 0, 6, 0xFFFFFFFF)
    assert read_via_mrc(m, 0, 0, 7)[0] == DBGWCR.defined_mask
    assert read_via_mrc(m, 0, 0, 6)[0] == 0xFFFFFFFC


def test_mrrc_dbgdrar_dbgdsar_and_mcrr_undefined() -> None:
    """C11.11 DBGDRAR/DBGDSAR 64-bit forms (MRRC p14,0,Rt,Rt2,c1/c2) read 0 (not valid); MCRR p14 UNDEFINED."""
    for crm in (1, 2):
        m = machine()
        m.cpu.regs[2] = m.cpu.regs[3] = 0x55
        load(m, CODE, [mrrc14(2, 3, crm)])
        run(m, CODE, 1)
        assert m.cpu.regs[15] == CODE + 4 and m.cpu.regs[2] == 0 and m.cpu.regs[3] == 0
    m = machine()
    load(m, CODE, [mrrc14(2, 3, 3)])
    run(m, CODE, 1)
    assert m.cpu.regs[15] == UNDEF_VEC
    m = machine()
    load(m, CODE, [mcrr14(2, 3, 1)])
    run(m, CODE, 1)
    assert m.cpu.regs[15] == UNDEF_VEC


def test_dcc_transfers_and_ldc_stc() -> None:
    """C11.11 DBGDTRTXint (MCR / LDC p14,c5) sets TXfull; DBGDTRRXint (MRC / STC p14,c5) clears RXfull."""
    m = machine()
    d = m.debug_regs
    write_via_mcr(m, 0, 5, 0, 0x1234)
    assert d.dtrtx == 0x1234 and DBGDSCR.unpack(d.dscr)["TXfull"] == 1
    d.dtrrx = 0x5678
    d.dscr |= DBGDSCR["RXfull"].mask
    m.cpu.regs[4] = DATA
    load(m, CODE, [stc14(5, 4), ldc14(5, 4)])
    load(m, DATA, [0])
    run(m, CODE, 2)
    assert m.mem.read32(DATA) == 0x5678 and d.dtrtx == 0x5678
    assert DBGDSCR.unpack(d.dscr)["RXfull"] == 0
    m = machine()
    m.cpu.regs[4] = DATA
    load(m, CODE, [ldc14(6, 4)])  # no other CP14 LDC/STC exists
    run(m, CODE, 1)
    assert m.cpu.regs[15] == UNDEF_VEC


def test_claim_tags_and_ids() -> None:
    """C11.11 DBGCLAIMSET/CLR (8 tags), DBGAUTHSTATUS, DBGDEVID, DBGPRCR, DBGOSDLR."""
    m = machine()
    assert read_via_mrc(m, 7, 8, 6)[0] == 0xFF
    write_via_mcr(m, 7, 8, 6, 0x1F5)
    assert read_via_mrc(m, 7, 9, 6)[0] == 0xF5
    write_via_mcr(m, 7, 9, 6, 0x05)
    assert read_via_mrc(m, 7, 9, 6)[0] == 0xF0
    assert read_via_mrc(m, 7, 14, 6)[0] == 0xFF
    assert read_via_mrc(m, 7, 2, 7)[0] == 0x01110F13
    write_via_mcr(m, 1, 4, 4, 0xFFFFFFFF)
    assert read_via_mrc(m, 1, 4, 4)[0] == 1
    write_via_mcr(m, 1, 3, 4, 0xFFFFFFFF)
    assert read_via_mrc(m, 1, 3, 4)[0] == 1
    assert read_via_mrc(machine("cortex-a7"), 7, 1, 7)[0] == 1  # A7 DBGDEVID1
