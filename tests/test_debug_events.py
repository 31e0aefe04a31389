"""Live debug events in monitor debug-mode (DDI 0406C C3, C4; B1.9.8, B1.9.9).

Each test programs the debug registers, runs a few A32 instructions and checks
the exception taken: vector, mode, LR, IFSR/DFSR/IFAR/DFAR, DBGWFAR and DBGDSCR.MOE.
"""

from __future__ import annotations

from armsim.cpu.modes import Mode
from armsim.debug.layouts import (
    DBGBCR,
    DBGWCR,
    MOE_BKPT,
    MOE_BREAKPOINT,
    MOE_SYNC_WATCHPOINT,
    MOE_VECTOR_CATCH,
)
from tests.debug_util import (
    BKPT0,
    CODE,
    DABT_VEC,
    DATA,
    NOP,
    PABT_VEC,
    SUBS_PC_LR_4,
    SUBS_PC_LR_8,
    UDF,
    UNDEF_VEC,
    branch,
    enable_monitor_debug,
    ldr,
    ldrd,
    load,
    machine,
    mcr14,
    mov,
    movw,
    run,
    set_reg,
    str_,
    strt,
)

BCR_ALL = DBGBCR.pack(E=1, PMC=3, BAS=0xF)  # unlinked address match, PL0 and PL1, both states
WCR_STORE = DBGWCR.pack(E=1, PAC=3, LSC=0b10, BAS=0xF)
WCR_LOAD = DBGWCR.pack(E=1, PAC=3, LSC=0b01, BAS=0xF)
WCR_BOTH = DBGWCR.pack(E=1, PAC=3, LSC=0b11, BAS=0xF)
STRAIGHT = [mov(0, 1), mov(1, 2), mov(2, 3), mov(3, 4)]


def armed_bp(addr: int, bcr: int = BCR_ALL):  # type: ignore[no-untyped-def]
    m = machine()
    load(m, CODE, STRAIGHT)
    enable_monitor_debug(m)
    set_reg(m, "DBGBVR0", addr)
    set_reg(m, "DBGBCR0", bcr)
    return m


def test_breakpoint_is_prefetch_abort_with_debug_fs() -> None:
    """C4.1, B1.9.8: Prefetch Abort, IFSR.FS = 0b00010, LR_abt = address + 4, MOE = breakpoint (0001)."""
    m = armed_bp(CODE + 8)
    run(m, CODE, 3)
    cpu = m.cpu
    assert cpu.regs[15] == PABT_VEC and cpu.mode == Mode.ABT
    assert cpu.regs[14] == CODE + 8 + 4
    assert m.exc.ifsr == 0b00010 and m.exc.ifar == CODE + 8
    assert m.debug_regs.moe == MOE_BREAKPOINT
    assert cpu.regs[2] == 0  # the breakpointed instruction did not execute
    assert cpu.regs[1] == 2


def test_no_event_without_mdbgen_or_with_os_lock() -> None:
    """C3.1/C4.1: breakpoints need DBGDSCR.MDBGen = 1 and the OS Lock clear (and not Double Lock)."""
    for name, value in (("DBGDSCRext", 0), ("DBGOSLAR", 0xC5ACCE55), ("DBGOSDLR", 1)):
        m = armed_bp(CODE + 8)
        set_reg(m, name, value)
        run(m, CODE, 4)
        assert m.cpu.regs[15] == CODE + 16 and m.cpu.regs[3] == 4, name


def test_no_event_in_hyp_mode() -> None:
    """C3.1: no breakpoint or watchpoint debug event is generated in Hyp mode, even with HMC = 1."""
    m = armed_bp(CODE + 8, DBGBCR.pack(E=1, PMC=3, HMC=1, BAS=0xF))
    run(m, CODE, 4, mode=Mode.HYP, ns=True)
    assert m.cpu.regs[15] == CODE + 16 and m.cpu.regs[2] == 3
    m = machine()
    load(m, CODE, [movw(1, DATA), str_(0, 1)])
    enable_monitor_debug(m)
    set_reg(m, "DBGWVR0", DATA)
    set_reg(m, "DBGWCR0", DBGWCR.pack(E=1, PAC=3, HMC=1, LSC=3, BAS=0xF))
    m.cpu.regs[0] = 7
    run(m, CODE, 2, mode=Mode.HYP, ns=True)
    assert m.mem.read32(DATA) == 7


def test_pmc_and_ssc_filter_live() -> None:
    """C3.2: PMC = 01 (PL1 only) misses User mode; SSC = 01 (Non-secure only) misses Secure SVC."""
    m = armed_bp(CODE + 8, DBGBCR.pack(E=1, PMC=1, BAS=0xF))
    run(m, CODE, 4, mode=Mode.USR)
    assert m.cpu.regs[2] == 3
    m = armed_bp(CODE + 8, DBGBCR.pack(E=1, PMC=3, SSC=1, BAS=0xF))
    run(m, CODE, 4)
    assert m.cpu.regs[2] == 3
    m = armed_bp(CODE + 8, DBGBCR.pack(E=1, PMC=3, SSC=1, BAS=0xF))
    run(m, CODE, 3, ns=True)
    assert m.cpu.regs[15] == PABT_VEC


def test_armed_by_mcr_and_disarmed_by_handler() -> None:
    """C3.3: an MCR to DBGBCR takes effect for the following instructions; the handler disarms the
    breakpoint and returns with SUBS PC, LR, #4, so the instruction then executes."""
    m = machine()
    handler = 0x2000
    load(m, PABT_VEC, [branch(PABT_VEC, handler)])
    load(m, handler, [mov(5, 0), mcr14(5, 0, 0, 5), SUBS_PC_LR_4])  # DBGBCR0 = 0
    target = CODE + 0x20
    load(m, CODE, [movw(6, target), mcr14(6, 0, 0, 4), movw(7, BCR_ALL), mcr14(7, 0, 0, 5),
                   mov(0, 1), mov(0, 2), mov(0, 3), mov(0, 4), mov(2, 9), mov(3, 10)])
    enable_monitor_debug(m)
    run(m, CODE, 8 + 1 + 1 + 3 + 2)  # 8 before, the abort, the vector's B, the handler, 2 after
    assert m.debug.events["breakpoint"] == 1
    assert m.cpu.regs[2] == 9 and m.cpu.regs[3] == 10 and m.cpu.mode == Mode.SVC


def test_breakpoint_before_undefined() -> None:
    """Priority (C3.3; reference 7.5): a breakpoint on an UNDEFINED instruction is taken first."""
    m = machine()
    load(m, CODE, [UDF])
    enable_monitor_debug(m)
    set_reg(m, "DBGBVR0", CODE)
    set_reg(m, "DBGBCR0", BCR_ALL)
    run(m, CODE, 1)
    assert m.cpu.regs[15] == PABT_VEC and m.exc.ifsr == 2


def test_fetch_abort_before_breakpoint() -> None:
    """Priority (reference 7.5): an aborted instruction fetch is reported, not the breakpoint on it."""
    m = machine()
    far = 0x00300000  # outside the 1 MiB of RAM
    load(m, CODE, [branch(CODE, far)])
    enable_monitor_debug(m)
    set_reg(m, "DBGBVR0", far)
    set_reg(m, "DBGBCR0", BCR_ALL)
    run(m, CODE, 2)
    assert m.cpu.regs[15] == PABT_VEC and m.exc.ifsr == 0b01000  # synchronous external abort


def test_bkpt_sets_moe() -> None:
    """C3.2 BKPT debug event: Prefetch Abort, IFSR.FS debug, MOE = 0011, even without MDBGen."""
    m = machine()
    load(m, CODE, [BKPT0])
    run(m, CODE, 1)
    assert m.cpu.regs[15] == PABT_VEC and m.exc.ifsr == 2 and m.cpu.regs[14] == CODE + 4
    assert m.debug_regs.moe == MOE_BKPT


def test_linked_context_id() -> None:
    """C3.3 linked address match: BRP0 (BT 0001, LBN 4) fires only when BRP4's context ID matches."""
    for ctxid, fires in ((0x42, True), (0x43, False)):
        m = armed_bp(CODE + 8, DBGBCR.pack(E=1, PMC=3, BAS=0xF, BT=0b0001, LBN=4))
        set_reg(m, "DBGBVR4", 0x42)
        set_reg(m, "DBGBCR4", DBGBCR.pack(E=1, PMC=3, BT=0b0011))
        m.cpu.sys.CONTEXTIDR = ctxid  # B4.1.36, read by the check
        run(m, CODE, 3)
        assert (m.cpu.regs[15] == PABT_VEC) == fires


def test_vmid_breakpoint_ns_only() -> None:
    """C3.3 VMID match (BT 1000, DBGBXVR.VMID): Non-secure PL0/PL1 only, at any address."""
    m = machine()
    load(m, CODE, STRAIGHT)
    enable_monitor_debug(m)
    set_reg(m, "DBGBXVR5", 3)
    set_reg(m, "DBGBCR5", DBGBCR.pack(E=1, PMC=3, BT=0b1000))
    m.cpu.sys.VTTBR = 3 << 48  # B4.1.160 VTTBR.VMID = 3
    run(m, CODE, 2)  # Secure: no VMID, no event
    assert m.cpu.regs[1] == 2
    run(m, CODE, 1, ns=True)
    assert m.cpu.regs[15] == PABT_VEC


def test_mismatch_breakpoint_at_pl0() -> None:
    """C3.3 address mismatch (BT 0100, PMC = PL0): fires on the first User instruction not at DBGBVR."""
    m = armed_bp(CODE, DBGBCR.pack(E=1, PMC=2, BAS=0xF, BT=0b0100))
    run(m, CODE, 2, mode=Mode.USR)
    assert m.cpu.regs[15] == PABT_VEC and m.cpu.regs[14] == CODE + 4 + 4
    assert m.cpu.regs[0] == 1 and m.cpu.regs[1] == 0


def test_vector_catch() -> None:
    """C3.7 vector catch (address matching): the fetch from the Secure Undefined vector (DBGVCR bit 1)
    is a Prefetch Abort with MOE = 0101; the Prefetch Abort vector itself is not caught in monitor mode."""
    m = machine()
    load(m, CODE, [UDF])
    enable_monitor_debug(m)
    set_reg(m, "DBGVCR", (1 << 1) | (1 << 3))
    run(m, CODE, 2)
    assert m.cpu.regs[15] == PABT_VEC and m.cpu.regs[14] == UNDEF_VEC + 4
    assert m.debug_regs.moe == MOE_VECTOR_CATCH
    assert m.debug.events["vector_catch"] == 1


def watch_machine(wcr: int, code, addr: int = DATA):  # type: ignore[no-untyped-def]
    m = machine()
    load(m, CODE, code)
    load(m, DATA, [0x11111111, 0x22222222])
    enable_monitor_debug(m)
    set_reg(m, "DBGWVR0", addr)
    set_reg(m, "DBGWCR0", wcr)
    m.cpu.regs[1] = DATA
    m.cpu.regs[0] = 0x5A5A5A5A
    return m


def test_watchpoint_is_data_abort_before_the_store() -> None:
    """C4.1, B1.9.9: Data Abort, DFSR.FS = 0b00010 (WnR = 1), DFAR = the address, LR_abt = insn + 8,
    DBGWFAR = insn + 8, MOE = 1010; memory is unchanged (the access has not completed)."""
    m = watch_machine(WCR_STORE, [NOP, str_(0, 1)])
    run(m, CODE, 2)
    assert m.cpu.regs[15] == DABT_VEC and m.cpu.mode == Mode.ABT
    assert m.exc.dfsr == (1 << 11) | 0b00010 and m.exc.dfar == DATA
    assert m.cpu.regs[14] == CODE + 4 + 8
    assert m.debug_regs.wfar == CODE + 4 + 8
    assert m.debug_regs.moe == MOE_SYNC_WATCHPOINT
    assert m.mem.read32(DATA) == 0x11111111


def test_watchpoint_reexecution_completes_after_disarm() -> None:
    """C3.4: the handler disarms the watchpoint and returns with SUBS PC, LR, #8; the store completes."""
    m = watch_machine(WCR_STORE, [str_(0, 1), mov(2, 1)])
    handler = 0x2000
    load(m, DABT_VEC, [branch(DABT_VEC, handler)])
    load(m, handler, [mov(5, 0), mcr14(5, 0, 0, 7), SUBS_PC_LR_8])  # DBGWCR0 = 0
    run(m, CODE, 1 + 1 + 3 + 2)
    assert m.mem.read32(DATA) == 0x5A5A5A5A and m.cpu.regs[2] == 1
    assert m.debug.events["watchpoint"] == 1


def test_lsc_selects_loads_or_stores() -> None:
    """C11.11 DBGWCR.LSC: 01 loads only, 10 stores only."""
    m = watch_machine(WCR_LOAD, [str_(0, 1), ldr(2, 1)])
    run(m, CODE, 2)
    assert m.mem.read32(DATA) == 0x5A5A5A5A and m.cpu.regs[15] == DABT_VEC
    assert m.exc.dfsr == 0b00010 and m.cpu.regs[2] == 0


def test_bas_selects_bytes() -> None:
    """C11.11 DBGWCR.BAS: a watch on byte 2 of the word misses a byte store to byte 0, hits a word store."""
    strb0 = 0xE5C10000  # STRB r0, [r1]
    m = watch_machine(DBGWCR.pack(E=1, PAC=3, LSC=3, BAS=0b0100), [strb0, str_(0, 1)])
    run(m, CODE, 2)
    assert m.cpu.regs[15] == DABT_VEC and m.exc.dfar == DATA + 2
    assert m.mem.read32(DATA) == 0x1111115A


def test_unprivileged_store_counts_as_pl0() -> None:
    """C3.4: STRT at PL1 is checked as a PL0 access: PAC = 10 (PL0 only) misses STR, catches STRT."""
    m = watch_machine(DBGWCR.pack(E=1, PAC=2, LSC=3, BAS=0xF), [str_(0, 1), strt(0, 1)])
    run(m, CODE, 2)
    assert m.cpu.regs[15] == DABT_VEC and m.cpu.regs[14] == CODE + 4 + 8
    m = watch_machine(DBGWCR.pack(E=1, PAC=1, LSC=3, BAS=0xF), [strt(0, 1)])
    run(m, CODE, 1)
    assert m.cpu.regs[15] == CODE + 4


def test_alignment_fault_before_watchpoint() -> None:
    """Priority (reference 7.5): an alignment fault (LDRD, MemA) is reported before a watchpoint."""
    m = watch_machine(WCR_BOTH, [ldrd(2, 1)])
    m.cpu.regs[1] = DATA + 2
    load(m, CODE, [ldrd(2, 1)])
    m.cpu.regs[15] = CODE
    m.cpu.set_mode(Mode.SVC)
    m.run(1)
    assert m.cpu.regs[15] == DABT_VEC and m.exc.dfsr & 0x40F == 0b00001


def test_watchpoint_before_external_abort() -> None:
    """Priority (reference 7.5): a watchpoint on an unmapped address is reported before the external abort."""
    far = 0x00300000
    m = watch_machine(WCR_BOTH, [ldr(2, 1)], addr=far)
    m.cpu.regs[1] = far
    m.cpu.regs[15] = CODE
    m.run(1)
    assert m.cpu.regs[15] == DABT_VEC and m.exc.dfsr == 0b00010 and m.exc.dfar == far


def test_semihosting_reads_never_trip_a_watchpoint() -> None:
    """Semihosting's own reads of guest memory are the host's, not the guest's accesses."""
    m = machine(semihosting=True)
    msg = DATA
    m.mem.load(msg, b"hi\n\0")
    load(m, CODE, [mov(0, 4), movw(1, msg), 0xEF123456, mov(2, 1)])  # SYS_WRITE0
    enable_monitor_debug(m)
    set_reg(m, "DBGWVR0", msg)
    set_reg(m, "DBGWCR0", WCR_BOTH)
    run(m, CODE, 4)
    assert m.output == b"hi\n" and m.cpu.regs[2] == 1 and m.debug.events["watchpoint"] == 0


def test_zero_cost_when_disarmed() -> None:
    """With nothing armed the decoded ops and accessors are the plain ones; arming wraps only the
    breakpointed op and installs checking accessors; disarming restores the plain ones."""
    m = machine()
    load(m, CODE, STRAIGHT)
    run(m, CODE, 4)
    plain = {k: op.__name__ for k, op in m.engine.cache.items()}
    assert "op_bp" not in plain.values()
    assert m.ctx.read32 is m.mem.read32
    enable_monitor_debug(m)  # MDBGen alone arms nothing
    assert m.ctx.read32 is m.mem.read32 and not m.debug.breakpoints_armed
    set_reg(m, "DBGBVR0", CODE + 8)
    set_reg(m, "DBGBCR0", BCR_ALL)
    set_reg(m, "DBGWVR0", DATA)
    set_reg(m, "DBGWCR0", WCR_BOTH)
    run(m, CODE, 2)
    names = {k: op.__name__ for k, op in m.engine.cache.items()}
    assert names[CODE] == plain[CODE] and names[CODE + 4] == plain[CODE + 4]
    assert m.ctx.read32 is not m.mem.read32
    run(m, CODE + 8, 1)
    assert m.engine.cache[CODE + 8].__name__ == "op_bp"
    set_reg(m, "DBGBCR0", 0)
    set_reg(m, "DBGWCR0", 0)
    run(m, CODE, 4)
    assert {k: op.__name__ for k, op in m.engine.cache.items() if k in plain} == plain
    assert m.ctx.read32 is m.mem.read32



def test_linked_watchpoint_needs_its_context_breakpoint() -> None:
    """C3.4 linked watchpoint (DBGWCR.WT = 1, LBN = 4): fires only while BRP4's context ID matches."""
    for ctxid, fires in ((0x42, True), (0x43, False)):
        m = watch_machine(DBGWCR.pack(E=1, PAC=3, LSC=3, BAS=0xF, WT=1, LBN=4), [str_(0, 1)])
        set_reg(m, "DBGBVR4", 0x42)
        set_reg(m, "DBGBCR4", DBGBCR.pack(E=1, PMC=3, BT=0b0011))
        m.cpu.sys.CONTEXTIDR = ctxid  # B4.1.36, read by the check
        run(m, CODE, 1)
        assert (m.cpu.regs[15] == DABT_VEC) == fires
        assert (m.mem.read32(DATA) == 0x5A5A5A5A) != fires


def test_linked_mismatch_at_pl0() -> None:
    """C3.3 linked address mismatch (BT 0101, LBN 5 context ID): fires off DBGBVR only in the linked context."""
    for ctxid, fires in ((7, True), (8, False)):
        m = armed_bp(CODE, DBGBCR.pack(E=1, PMC=2, BAS=0xF, BT=0b0101, LBN=5))
        set_reg(m, "DBGBVR5", 7)
        set_reg(m, "DBGBCR5", DBGBCR.pack(E=1, PMC=3, BT=0b0011))
        m.cpu.sys.CONTEXTIDR = ctxid  # B4.1.36, read by the check
        run(m, CODE, 2, mode=Mode.USR)
        assert (m.cpu.regs[15] == PABT_VEC) == fires
        assert m.cpu.regs[1] == (0 if fires else 2)


def test_mask_watches_a_block_live() -> None:
    """C11.11 DBGWCR.MASK = 5: a load anywhere in the aligned 32-byte block is caught, DFAR = its address."""
    m = watch_machine(DBGWCR.pack(E=1, PAC=3, LSC=1, MASK=5), [ldr(2, 1, 0x1C), ldr(3, 1, 0x20)], addr=DATA + 4)
    run(m, CODE, 1)
    assert m.cpu.regs[15] == DABT_VEC and m.exc.dfar == DATA + 0x1C
    m = watch_machine(DBGWCR.pack(E=1, PAC=3, LSC=1, MASK=5), [ldr(3, 1, 0x20)], addr=DATA + 4)
    run(m, CODE, 1)
    assert m.cpu.regs[15] == CODE + 4


def test_ldm_watchpoint_reports_the_watched_word() -> None:
    """C3.4: an LDM is checked word by word; DFAR is the watched word's address, no register written."""
    ldm = 0xE8910030  # LDM r1, {r4, r5}
    m = watch_machine(WCR_LOAD, [ldm], addr=DATA + 4)
    m.cpu.regs[4] = m.cpu.regs[5] = 0
    run(m, CODE, 1)
    assert m.cpu.regs[15] == DABT_VEC and m.exc.dfar == DATA + 4 and m.cpu.regs[5] == 0


def test_breakpoint_before_watchpoint_on_the_same_instruction() -> None:
    """Priority (reference 7.5): the breakpoint is taken before the instruction runs, so its watchpoint is not."""
    m = watch_machine(WCR_STORE, [str_(0, 1)])
    set_reg(m, "DBGBVR0", CODE)
    set_reg(m, "DBGBCR0", BCR_ALL)
    run(m, CODE, 1)
    assert m.cpu.regs[15] == PABT_VEC and m.debug_regs.moe == MOE_BREAKPOINT
    assert m.debug.events == {"breakpoint": 1, "watchpoint": 0, "vector_catch": 0}


def test_thumb_halfword_bas_live() -> None:
    """C3.3 byte address select in Thumb state: BAS 1100 catches the halfword at DBGBVR + 2, BAS 0011 the
    one at DBGBVR; the breakpoint is checked before the instruction is executed (B1.9.8: LR = address + 4)."""
    for bas, fires in ((0b1100, True), (0b0011, False), (0b1111, True)):
        m = armed_bp(CODE, DBGBCR.pack(E=1, PMC=3, BAS=bas))
        m.cpu.set_mode(Mode.SVC)
        m.cpu.regs[15] = CODE + 2
        m.cpu.T = 1
        m.run(1)
        assert (m.cpu.regs[15] == PABT_VEC) == fires, bas
        if fires:
            assert m.cpu.regs[14] == CODE + 2 + 4 and m.exc.ifar == CODE + 2
            assert m.cpu.spsr[Mode.ABT] & (1 << 5)  # taken from Thumb state
