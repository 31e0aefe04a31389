"""CP14/CP15 register tables and the system register store (DDI 0406C B3.17, B4.1, B4.2; C6.4)."""

from __future__ import annotations

from typing import List, Optional

import pytest

from armsim.coproc.bus import AccessKind, CoprocAccess, Verdict
from armsim.coproc.cp15 import cp15_rows, cp15_table
from armsim.coproc.registers import CPReg, RegisterTable, TableOrderError
from armsim.cpu.modes import Mode
from armsim.cpu.state import CPUState
from armsim.cpu.sysregs import SCTLR_RESET, SYSREGS, SystemRegisters
from armsim.timing.profiles import PROFILES, get_profile
from tests.helpers import CODE, TestMachine, system_machine
from tests.test_a32_coproc import MCR, MCRR, MRC, MRRC, NOP_WORD


def run_at(m: TestMachine, words: List[int], mode: int = Mode.SVC, ns: bool = False) -> TestMachine:
    m.load_words([NOP_WORD] * 8, 0)
    m.load_words(words)
    if ns:
        m.cpu.sys.SCR |= 1
    m.cpu.set_mode(mode)
    m.run(len(words))
    return m


# -- the table order check ------------------------------------------------------------------
def test_misordered_rows_named() -> None:
    """KVM check_reg_table: rows ascend by (CRn, CRm, Opc1, Opc2); a misordered pair names both rows."""
    a = CPReg("B", 15, 0, 2, 0, 0)
    b = CPReg("A", 15, 0, 1, 0, 0)
    with pytest.raises(TableOrderError) as e:
        RegisterTable("t", [a, b])
    assert "B (p15, 0, c2, c0, 0)" in str(e.value) and "A (p15, 0, c1, c0, 0)" in str(e.value)
    assert "is ordered before" in str(e.value)


def test_duplicate_rows_named() -> None:
    a = CPReg("X", 15, 0, 1, 0, 0)
    b = CPReg("Y", 15, 0, 1, 0, 0)
    with pytest.raises(TableOrderError, match=r"X \(p15, 0, c1, c0, 0\) duplicates Y"):
        RegisterTable("t", [a, b])


def test_64bit_row_sorts_before_32bit_on_a_tie() -> None:
    """The packed key puts a 64-bit row (CRm in its slot) first: TTBR0 (64-bit, c2) then ID_ISAR0 (c0, c2)."""
    r64 = CPReg("TTBR0", 15, 0, 0, 2, 0, is64=True)
    r32 = CPReg("ID_ISAR0", 15, 0, 0, 2, 0)
    assert r64.key < r32.key
    RegisterTable("t", [r64, r32])
    with pytest.raises(TableOrderError):
        RegisterTable("t", [r32, r64])


def test_mixed_coprocessors_refused() -> None:
    with pytest.raises(TableOrderError, match="several coprocessors"):
        RegisterTable("t", [CPReg("A", 14, 0, 0, 0, 0), CPReg("B", 15, 0, 1, 0, 0)])


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_profile_table_is_ordered(name: str) -> None:
    """The import-time check ran on every profile; rebuilding gives every issue-listed register."""
    t = cp15_table(get_profile(name))
    names = {r.name for r in t.rows}
    wanted = [
        "MIDR", "MPIDR", "REVIDR", "CTR", "TCMTR", "TLBTR", "ID_PFR0", "ID_PFR1", "ID_DFR0", "ID_AFR0", "ID_MMFR0",
        "ID_MMFR1", "ID_MMFR2", "ID_MMFR3", "ID_ISAR0", "ID_ISAR1", "ID_ISAR2", "ID_ISAR3", "ID_ISAR4", "ID_ISAR5",
        "CLIDR", "CCSIDR", "CSSELR", "AIDR", "SCTLR", "ACTLR", "CPACR", "SCR", "SDER", "NSACR", "VBAR", "MVBAR",
        "TTBR0", "TTBR1", "TTBCR", "DACR", "DFSR", "IFSR", "ADFSR", "AIFSR", "DFAR", "IFAR", "PAR", "PRRR", "NMRR",
        "AMAIR0", "AMAIR1", "CONTEXTIDR", "TPIDRURW", "TPIDRURO", "TPIDRPRW", "CNTFRQ", "HVBAR", "HSCTLR", "HCR",
        "HSTR", "HCPTR", "HDCR", "HSR", "HDFAR", "HIFAR", "HPFAR", "HTPIDR", "HACTLR", "VPIDR", "VMPIDR", "ICIALLU",
        "DCCISW", "TLBIALL", "CP15DSB",
    ]
    assert [w for w in wanted if w not in names] == []
    keys = [r.key for r in t.rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_store_declarations_match() -> None:
    """Every stored row names a declared SystemRegisters attribute."""
    declared = {r.name for r in SYSREGS}
    for r in cp15_rows(get_profile("cortex-a15")):
        if r.store:
            assert r.store in declared, r.name


def test_store_reset_values() -> None:
    sr = SystemRegisters()
    sr.HCR = 5
    sr.SCTLR = 0
    sr.reset()
    assert sr.HCR == 0 and sr.SCTLR == SCTLR_RESET


# -- reads and writes through MCR/MRC ---------------------------------------------------------
def test_id_registers_from_profile() -> None:
    """B4.1.x: the identification registers read the profile's values (Cortex-A15 TRM chapter 4)."""
    p = get_profile("cortex-a15")
    m = run_at(system_machine(), [MRC(15, 0, 0, 0, 0, 0), MRC(15, 0, 1, 0, 1, 0), MRC(15, 1, 2, 0, 0, 1),
                                  MRC(15, 0, 3, 0, 2, 3), MRC(15, 0, 4, 0, 0, 1)])
    assert m.regs[0] == p.midr
    assert m.regs[1] == p.ids["ID_PFR0"]
    assert m.regs[2] == p.ids["CLIDR"]
    assert m.regs[3] == p.ids["ID_ISAR3"]
    assert m.regs[4] == p.ids["CTR"]


def test_ccsidr_follows_csselr() -> None:
    """B4.1.19 CCSIDR: the cache CSSELR selects (B4.1.41)."""
    p = get_profile("cortex-a15")
    m = system_machine()
    m.regs[1] = 2
    run_at(m, [MCR(15, 2, 1, 0, 0, 0), MRC(15, 1, 0, 0, 0, 0)])
    assert m.regs[0] == p.ids["CCSIDR2"]


def test_writable_bits_only() -> None:
    """B4.1.156 VBAR: bits 4:0 are RES0; a write keeps them zero."""
    m = system_machine()
    m.regs[1] = 0x12345677
    run_at(m, [MCR(15, 0, 1, 12, 0, 0), MRC(15, 0, 2, 12, 0, 0)])
    assert m.regs[2] == 0x12345660 and m.cpu.sys.VBAR == 0x12345660


def test_ttbr0_64_and_32_bit_views() -> None:
    """B4.1.154 TTBR0: MCRR/MRRC move all 64 bits; the 32-bit MCR writes bits 31:0 and keeps 63:32."""
    m = system_machine()
    m.regs[1], m.regs[2], m.regs[3] = 0x11112222, 0x33, 0xAAAA0000
    run_at(m, [MCRR(15, 0, 1, 2, 2), MCR(15, 0, 3, 2, 0, 0), MRRC(15, 0, 4, 5, 2), MRC(15, 0, 6, 2, 0, 0)])
    assert m.cpu.sys.TTBR0 == (0x33 << 32) | 0xAAAA0000
    assert (m.regs[4], m.regs[5], m.regs[6]) == (0xAAAA0000, 0x33, 0xAAAA0000)


def test_prrr_or_mair0_by_ttbcr_eae() -> None:
    """B4.1.127/B4.1.97: c10, c2, 0 is PRRR, or MAIR0 with TTBCR.EAE = 1."""
    m = system_machine()
    m.regs[1] = 0x1234
    run_at(m, [MCR(15, 0, 1, 10, 2, 0)])
    assert m.cpu.sys.PRRR == 0x1234 and m.cpu.sys.MAIR0 == 0
    m = system_machine()
    m.cpu.sys.TTBCR = 1 << 31
    m.regs[1] = 0x5678
    run_at(m, [MCR(15, 0, 1, 10, 2, 0)])
    assert m.cpu.sys.MAIR0 == 0x5678 and m.cpu.sys.PRRR == 0


def test_maintenance_operations_do_nothing() -> None:
    """B4.2: cache and TLB maintenance and barriers are accepted (no state to change)."""
    m = system_machine()
    before = dict(vars(m.cpu.sys))
    run_at(m, [MCR(15, 0, 0, 7, 5, 0), MCR(15, 0, 0, 8, 7, 0), MCR(15, 0, 0, 7, 10, 4), MCR(15, 0, 0, 7, 14, 2)])
    assert m.cpu.mode == Mode.SVC and m.regs[15] == CODE + 16
    assert dict(vars(m.cpu.sys)) == before


def test_read_only_register_write_undefined() -> None:
    """Reference 4.1 step 1: MCR to a read-only register (MIDR) is UNDEFINED."""
    m = run_at(system_machine(), [MCR(15, 0, 0, 0, 0, 0)])
    assert m.cpu.mode == Mode.UND


def test_vpidr_replaces_midr_in_ns_pl1() -> None:
    """B4.1.158/159: Non-secure PL1 reads of MIDR/MPIDR return VPIDR/VMPIDR; Hyp mode reads the real ones."""
    m = system_machine()
    m.cpu.sys.VPIDR = 0x41AAAAAA
    m.cpu.sys.VMPIDR = 0x80000123
    run_at(m, [MRC(15, 0, 0, 0, 0, 0), MRC(15, 0, 1, 0, 0, 5)], ns=True)
    assert (m.regs[0], m.regs[1]) == (0x41AAAAAA, 0x80000123)
    m2 = system_machine()
    m2.cpu.sys.VPIDR = 0x41AAAAAA
    run_at(m2, [MRC(15, 0, 0, 0, 0, 0)], Mode.HYP, ns=True)
    assert m2.regs[0] == get_profile("cortex-a15").midr


def test_hyp_registers_undefined_from_pl1() -> None:
    """Reference 4.1 step 2: HCR from (Secure or Non-secure) PL1 is UNDEFINED; Hyp mode and Monitor with
    SCR.NS = 1 reach it (B3.17.1)."""
    m = run_at(system_machine(), [MRC(15, 4, 0, 1, 1, 0)])
    assert m.cpu.mode == Mode.UND
    m = system_machine()
    m.cpu.sys.HCR = 0x31
    run_at(m, [MRC(15, 4, 0, 1, 1, 0)], Mode.MON, ns=True)
    assert m.cpu.mode == Mode.MON and m.regs[0] == 0x31


def test_scr_secure_only() -> None:
    """B4.1.129: SCR is accessible only in Secure PL1; Non-secure SVC and Hyp mode get UNDEFINED."""
    m = run_at(system_machine(), [MRC(15, 0, 0, 1, 1, 0)], Mode.SVC, ns=True)
    assert m.cpu.mode == Mode.UND
    m = run_at(system_machine(), [MRC(15, 0, 0, 1, 1, 0)], Mode.HYP, ns=True)
    assert m.cpu.mode == Mode.HYP and m.regs[15] == 0x04  # UNDEFINED in Hyp mode: HVBAR + 0x04


def test_tpidruro_pl0_read_only() -> None:
    """B4.1.151 TPIDRURO: PL0 read-only; a PL0 write is UNDEFINED."""
    m = system_machine()
    m.cpu.sys.TPIDRURO = 0xBEEF
    run_at(m, [MRC(15, 0, 0, 13, 0, 3)], Mode.USR)
    assert m.regs[0] == 0xBEEF and m.cpu.mode == Mode.USR
    m = run_at(system_machine(), [MCR(15, 0, 0, 13, 0, 3)], Mode.USR)
    assert m.cpu.mode == Mode.UND


# -- providers: another layer's registers on the bus --------------------------------------------
class FakeDebug:
    """A provider owning CP14 c0, c0, 4 (as DBGBVR0), with HDCR class TDA."""

    name = "DBGBVR0"

    def __init__(self) -> None:
        self.value = 0
        self.undefined_in_user = True

    def find(self, acc: CoprocAccess) -> Optional[FakeDebug]:
        ok = acc.kind in (AccessKind.MCR, AccessKind.MRC) and (acc.opc1, acc.crn, acc.crm, acc.opc2) == (0, 0, 0, 4)
        return self if ok else None

    def check(self, cpu: CPUState, acc: CoprocAccess) -> Verdict:
        return Verdict.UNDEFINED if cpu.mode == Mode.USR else Verdict.OK

    def trap_class(self, acc: CoprocAccess) -> Optional[str]:
        return "TDA"

    def read(self, cpu: CPUState, acc: CoprocAccess) -> int:
        return self.value

    def write(self, cpu: CPUState, acc: CoprocAccess, value: int) -> None:
        self.value = value


def test_provider_answers_and_bus_applies_hyp_traps() -> None:
    """A provider's row is reached; HDCR.TDA from Non-secure PL1 traps it (EC 0x05) before it runs."""
    m = system_machine()
    dbg = FakeDebug()
    m.system.cp14.add_provider(dbg)  # type: ignore[attr-defined]
    m.regs[1] = 0x1000
    run_at(m, [MCR(14, 0, 1, 0, 0, 4), MRC(14, 0, 2, 0, 0, 4)])
    assert dbg.value == 0x1000 and m.regs[2] == 0x1000
    m = system_machine()
    dbg = FakeDebug()
    m.system.cp14.add_provider(dbg)  # type: ignore[attr-defined]
    m.cpu.sys.HDCR = 1 << 9
    m.regs[1] = 0x2000
    run_at(m, [MCR(14, 0, 1, 0, 0, 4)], ns=True)
    assert m.cpu.mode == Mode.HYP and m.cpu.sys.HSR >> 26 == 0x05 and dbg.value == 0
    m = run_at(system_machine(), [MCR(14, 0, 1, 0, 0, 4)], Mode.USR)
    assert m.cpu.mode == Mode.UND
