"""KVM's trap tables: order check, packed-key lookup, every row's handler, resets (reference 8).

Sources: Linux arch/arm/kvm/coproc.[ch] (``check_reg_table``, ``reg_to_match_value``, the handler
semantics), DDI 0406C C11.11 (the debug registers), B4.1 (CP15), B1.9.7 (UNDEF injection).
"""

from __future__ import annotations

from typing import List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from armsim.coproc.syndrome import EC, ISS_CP32, ISS_CP64, make_hsr
from armsim.cpu.modes import Mode
from armsim.kvm.coproc_table import CoprocParams, CoprocReg, TableOrderError, TableSet, TrapTable, reg_key
from armsim.kvm.exits import ExitEnv, handle_exit
from armsim.kvm.handlers import trap_raz_wi
from armsim.kvm.layouts import OSLAR_KEY, write_mask
from armsim.kvm.policy import DebugPolicy
from armsim.kvm.tables import GENERIC_CP15, TARGET_CP15, VcpuTables
from armsim.kvm.vcpu import VCPU
from armsim.timing.profiles import PROFILES, get_profile

SENTINEL = 0x5EA5EA5E
PROFILE_NAMES = sorted(PROFILES)


def make_vcpu(cpu: str = "cortex-a15") -> VCPU:
    t = VcpuTables(get_profile(cpu))
    return VCPU(t.profile, t)


def row(name: str, crn: int, crm: int, op1: int = 0, op2: int = 0, is_64: bool = False) -> CoprocReg:
    return CoprocReg(op1, crn, crm, op2, is_64, trap_raz_wi, name=name)


# -- order check and key -----------------------------------------------------------------------
def test_order_check_names_both_rows() -> None:
    """coproc.c check_reg_table: a misordered pair is refused, naming both rows."""
    with pytest.raises(TableOrderError) as e:
        TrapTable("t", [row("SECOND", 2, 0), row("FIRST", 1, 0)])
    assert "SECOND" in str(e.value) and "FIRST" in str(e.value)


def test_order_check_refuses_duplicates_even_sorted() -> None:
    with pytest.raises(TableOrderError) as e:
        TrapTable("t", [row("A", 1, 0), row("B", 1, 0)], sort=True)
    assert "duplicates" in str(e.value) and "A" in str(e.value) and "B" in str(e.value)


def test_generic_table_order_is_checked() -> None:
    """The CP15 table (built at import) is refused when two rows swap, naming both."""
    rows = list(GENERIC_CP15.rows)
    rows[3], rows[4] = rows[4], rows[3]
    with pytest.raises(TableOrderError) as e:
        TrapTable("CP15 generic", rows)
    assert rows[3].name in str(e.value) and rows[4].name in str(e.value)


@given(st.lists(st.tuples(st.integers(0, 15), st.integers(0, 15), st.integers(0, 7), st.integers(0, 7),
                          st.booleans()), min_size=2, max_size=30, unique=True))
def test_packed_key_sorts_as_coproc_c(fields: List[tuple]) -> None:  # type: ignore[type-arg]
    """reg_key orders rows as cmp_reg does: CRn, CRm, Op1, Op2, then a 64-bit row first."""
    by_key = sorted(fields, key=lambda f: reg_key(f[0], f[1], f[2], f[3], f[4]))
    by_fields = sorted(fields, key=lambda f: (f[0], f[1], f[2], f[3], 0 if f[4] else 1))
    assert by_key == by_fields


@pytest.mark.parametrize("cpu", PROFILE_NAMES)
def test_every_table_is_sorted_and_every_row_found_by_its_key(cpu: str) -> None:
    t = VcpuTables(get_profile(cpu))
    for ts in (t.cp15, t.cp14, t.cp14_64):
        for tbl in ts.tables:
            keys = [r.key for r in tbl.rows]
            assert keys == sorted(keys) and len(set(keys)) == len(keys)
        for r in ts.rows():
            p = CoprocParams(r.Op1, r.CRn, r.CRm, r.Op2, 1, 2, r.is_64, False)
            assert ts.find(p) is r, r.where()


def test_target_table_searched_first() -> None:
    """coproc.c: the target-CPU table is searched before the generic one."""
    generic = TrapTable("g", [row("GENERIC", 1, 0, op2=1)])
    target = TrapTable("t", [row("TARGET", 1, 0, op2=1)])
    ts = TableSet("CP15", [generic])
    ts.add(target)
    assert ts.find(CoprocParams(0, 1, 0, 1, 0, 0, False, False)).name == "TARGET"  # type: ignore[union-attr]
    assert [r.name for r in ts.rows()] == ["TARGET"]
    for name, tbl in TARGET_CP15.items():
        vt = VcpuTables(get_profile(name))
        assert vt.cp15.tables[0] is tbl and vt.cp15.tables[-1] is GENERIC_CP15


@pytest.mark.parametrize("cpu", PROFILE_NAMES)
def test_cp14_rows_follow_dbgdidr(cpu: str) -> None:
    """Pair rows exist exactly for the implemented BRPs/WRPs that DBGDIDR reports (C11.11 DBGDIDR)."""
    prof = get_profile(cpu)
    t = VcpuTables(prof)
    names = {r.name for r in t.cp14.rows()}
    brps = ((prof.dbgdidr >> 24) & 0xF) + 1
    wrps = ((prof.dbgdidr >> 28) & 0xF) + 1
    ctx = ((prof.dbgdidr >> 20) & 0xF) + 1
    assert {n for n in names if n.startswith("DBGBVR")} == {f"DBGBVR{i}" for i in range(brps)}
    assert {n for n in names if n.startswith("DBGBCR")} == {f"DBGBCR{i}" for i in range(brps)}
    assert {n for n in names if n.startswith("DBGWVR")} == {f"DBGWVR{i}" for i in range(wrps)}
    assert {n for n in names if n.startswith("DBGWCR")} == {f"DBGWCR{i}" for i in range(wrps)}
    assert {n for n in names if n.startswith("DBGBXVR")} == {f"DBGBXVR{i}" for i in range(brps - ctx, brps)}
    assert t.cp14_slots - 1 == 2 * brps + 2 * wrps + ctx + 2 == 24


# -- every row does what it says ------------------------------------------------------------------
def _access(vcpu: VCPU, r: CoprocReg, write: bool, value: int = 0, rt: int = 3, rt2: int = 4) -> bool:
    """The table dispatch of a generated guest access to row ``r`` (through handle_exit)."""
    env = ExitEnv(DebugPolicy.LAZY)
    ctx = vcpu.ctx
    ctx.regs[15] = 0x8000
    if r.is_64:
        ctx.regs[rt] = value & 0xFFFFFFFF
        ctx.regs[rt2] = value >> 32
        iss = ISS_CP64.pack(CV=1, COND=0xE, Opc1=r.Op1, Rt2=rt2, Rt=rt, CRm=r.CRn, Direction=int(not write))
        ec = EC.MCRR_MRRC_CP15 if r in vcpu.tables.cp15.rows() else EC.MRRC_CP14
    else:
        ctx.regs[rt] = value
        iss = ISS_CP32.pack(CV=1, COND=0xE, Opc2=r.Op2, Opc1=r.Op1, CRn=r.CRn, Rt=rt, CRm=r.CRm,
                            Direction=int(not write))
        ec = EC.MCR_MRC_CP15 if r in vcpu.tables.cp15.rows() else EC.MCR_MRC_CP14
    handle_exit(env, vcpu, make_hsr(ec, 1, iss))
    return ctx.regs[15] == 0x8004  # skipped (emulated), not UNDEF-injected


@pytest.mark.parametrize("cpu", PROFILE_NAMES)
def test_every_row_reachable_and_does_what_it_says(cpu: str) -> None:
    """Each row, reached from an MRC/MCR (MRRC/MCRR) syndrome, behaves as its handler's rule."""
    prof = get_profile(cpu)
    probe = make_vcpu(cpu)
    for r in probe.tables.all_rows():
        vcpu = make_vcpu(cpu)
        name = r.name
        if r.access is None:
            assert not _access(vcpu, r, False), f"{name}: a shadow-only row must inject UNDEF"
            assert vcpu.ctx.mode == Mode.UND
            continue
        before14, before15 = list(vcpu.cp14), list(vcpu.cp15)
        handled_read = _access(vcpu, r, False)
        read = vcpu.ctx.regs[3] | ((vcpu.ctx.regs[4] << 32) if r.is_64 else 0)
        assert not vcpu.debug_dirty, f"{name}: a read set dirty"
        vcpu2 = make_vcpu(cpu)
        handled_write = _access(vcpu2, r, True, 0xFFFFFFFF)
        fn = r.access.__name__
        if fn == "trap_raz_wi":
            assert handled_read and handled_write and read == 0, name
            assert vcpu2.cp14 == before14 and vcpu2.cp15 == before15 and not vcpu2.debug_dirty, name
        elif fn == "trap_debug32":
            assert handled_read and read == 0, name
            assert vcpu2.cp14[r.reg] == write_mask(prof, name) and vcpu2.debug_dirty, name
        elif fn == "trap_dbgidr":
            assert read == prof.dbgdidr and vcpu2.cp14 == before14, name
        elif fn == "trap_dscr_int":
            assert read == vcpu.get_cp14("DBGDSCRext") and not vcpu2.debug_dirty, name
        elif fn == "trap_oslsr":
            assert read == 0x8, name
        elif fn == "trap_oslar":
            assert handled_write and vcpu2.oslk == 0, name  # 0xFFFFFFFF is not the key
        elif fn == "trap_dbgauthstatus":
            assert read == 0xFF, name
        elif fn == "access_vm_reg":
            mask = (1 << 64) - 1 if r.is_64 else 0xFFFFFFFF
            assert vcpu2.cp15[r.reg] & mask == 0xFFFFFFFF, name
            assert read == vcpu.cp15[r.reg] & mask, name
        elif fn == "access_dcsw":
            assert handled_write and not handled_read, name
        elif fn == "access_const":
            assert read == r.val and vcpu2.cp15 == before15, name
        else:  # pragma: no cover - a new handler needs its rule here
            raise AssertionError(f"{name}: handler {fn} has no rule in this test")


def test_os_lock_emulation() -> None:
    """C11.11 DBGOSLAR key locks, any other value unlocks; DBGOSLSR.OSLK follows; OSLM = 0b10."""
    vcpu = make_vcpu()
    oslar = vcpu.tables.cp14.rows()
    lar = next(r for r in oslar if r.name == "DBGOSLAR")
    lsr = next(r for r in oslar if r.name == "DBGOSLSR")
    _access(vcpu, lar, True, OSLAR_KEY)
    _access(vcpu, lsr, False)
    assert vcpu.ctx.regs[3] == 0xA
    _access(vcpu, lar, True, 0)
    _access(vcpu, lsr, False)
    assert vcpu.ctx.regs[3] == 0x8


def test_dbgdscr_int_reads_the_shadow_dscr() -> None:
    vcpu = make_vcpu()
    rows = {r.name: r for r in vcpu.tables.cp14.rows()}
    _access(vcpu, rows["DBGDSCRext"], True, 0xFFFFFFFF)
    _access(vcpu, rows["DBGDSCRint"], False)
    assert vcpu.ctx.regs[3] == write_mask(vcpu.profile, "DBGDSCRext") and vcpu.mdbgen


def test_mrrc_dbgdrar_zeroes_both_registers_through_the_table() -> None:
    """Reference 8 step 4: an emulated MRRC writes Rt and Rt2 (LAZY/EAGER)."""
    vcpu = make_vcpu()
    vcpu.ctx.regs[4] = 0x1234
    r = vcpu.tables.cp14_64.rows()[0]
    assert r.name == "DBGDRAR"
    assert _access(vcpu, r, False)
    assert vcpu.ctx.regs[3] == 0 and vcpu.ctx.regs[4] == 0


def test_raz_wi_policy_keeps_read_zero_quirk() -> None:
    """RAZ_WI: the merged fix's read_zero sets Rt only; an MRRC leaves Rt2 unchanged (reference 8)."""
    vcpu = make_vcpu()
    env = ExitEnv(DebugPolicy.RAZ_WI)
    vcpu.ctx.regs[2] = 0x55
    vcpu.ctx.regs[3] = 0x66
    vcpu.ctx.regs[15] = 0x9000
    iss = ISS_CP64.pack(CV=1, COND=0xE, Opc1=0, Rt2=3, Rt=2, CRm=1, Direction=1)
    handle_exit(env, vcpu, make_hsr(EC.MRRC_CP14, 1, iss))
    assert vcpu.ctx.regs[2] == 0 and vcpu.ctx.regs[3] == 0x66 and vcpu.ctx.regs[15] == 0x9004


@given(st.integers(0, 7), st.integers(0, 15), st.integers(0, 15), st.integers(0, 7))
def test_unknown_encoding_injects_undef(op1: int, crn: int, crm: int, op2: int) -> None:
    """coproc.c: no row -> kvm_inject_undefined (B1.9.7: SPSR_und, LR_und = PC + 4, UND, VBAR + 4)."""
    vcpu = make_vcpu()
    if vcpu.tables.cp14.find(CoprocParams(op1, crn, crm, op2, 0, 0, False, False)) is not None:
        return
    vcpu.set_cp15("VBAR", 0x4000)
    ctx = vcpu.ctx
    ctx.regs[15] = 0x8000
    cpsr = ctx.get_cpsr()
    iss = ISS_CP32.pack(CV=1, COND=0xE, Opc2=op2, Opc1=op1, CRn=crn, Rt=1, CRm=crm, Direction=1)
    handle_exit(ExitEnv(DebugPolicy.LAZY), vcpu, make_hsr(EC.MCR_MRC_CP14, 1, iss))
    assert ctx.mode == Mode.UND and ctx.regs[15] == 0x4004 and ctx.regs[14] == 0x8004
    assert ctx.spsr[int(Mode.UND)] == cpsr and ctx.I == 1


# -- resets -------------------------------------------------------------------------------------
def unreset_registers(vcpu: VCPU) -> List[str]:
    """Poison every shadow slot, reset, and name every slot still holding the sentinel."""
    vcpu.cp14[:] = [SENTINEL] * len(vcpu.cp14)
    vcpu.cp15[:] = [SENTINEL] * len(vcpu.cp15)
    vcpu.reset()
    left = [n for n, i in vcpu.tables.cp14_index.items() if vcpu.cp14[i] == SENTINEL]
    left += [n for n, i in vcpu.tables.cp15_index.items() if vcpu.cp15[i] == SENTINEL]
    return left


@pytest.mark.parametrize("cpu", PROFILE_NAMES)
def test_every_shadow_register_is_reset(cpu: str) -> None:
    left = unreset_registers(make_vcpu(cpu))
    assert left == [], f"registers left unreset: {', '.join(left)}"


def test_reset_check_names_a_register_without_reset() -> None:
    """The poison check can fail: a user register without a reset function is named."""
    t = VcpuTables(get_profile("cortex-a15"))
    slot = t.add_shadow(14, "DBGUSER")
    t.add("cp14", TrapTable("user", [CoprocReg(0, 7, 15, 7, False, trap_raz_wi, None, slot, 0, "DBGUSER")]))
    vcpu = VCPU(t.profile, t)
    assert unreset_registers(vcpu) == ["DBGUSER"]


def test_cp15_shadow_reset_values() -> None:
    vcpu = make_vcpu()
    assert vcpu.get_cp15("SCTLR") == 0x00C50078 and vcpu.get_cp15("VBAR") == 0
