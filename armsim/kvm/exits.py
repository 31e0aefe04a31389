"""``handle_exit``: one exit from the guest, dispatched by HSR.EC (Linux arch/arm/kvm/handle_exit.c).

The dispatch table is complete: 64 entries, one per EC value, each defaulting
to :func:`handle_unknown` (inject UNDEF into the guest).  Before any handler
of a trapped instruction (EC < 0x10) the condition is checked as
``kvm_condition_valid`` does (reference 3.3): CV = 1 uses COND (0xE passes);
CV = 0 uses ITSTATE; a failed condition skips the instruction and resumes.

A handler ``handler(env, vcpu, hsr) -> bool`` returns True to resume the guest
(it skips the trapped instruction itself, by HSR.IL, when it emulated it) and
False to stop the VM (``env.stop_reason`` says why).  Users replace entries of
:attr:`ExitEnv.handlers` to model other exit handling.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional

from armsim.coproc.syndrome import EC, ISS_CP32, ISS_CP64
from armsim.cpu.sysregs import HSR
from armsim.isa.conditions import ConditionHolds
from armsim.kvm.coproc_table import CoprocParams, CoprocReg, TableSet
from armsim.kvm.costs import TRAP_EMULATION, W_ALU, W_CP_READ, W_LOAD, W_STORE, CycleLedger
from armsim.kvm.policy import DebugPolicy
from armsim.kvm.trace import KvmTracer
from armsim.kvm.vcpu import VCPU

MASK32 = 0xFFFFFFFF
# PSCI 0.2 function IDs (DEN0022): KVM's handle_hvc answers these; r0 <- NOT_SUPPORTED otherwise.
PSCI_VERSION = 0x84000000
PSCI_SYSTEM_OFF = 0x84000008
PSCI_RET_NOT_SUPPORTED = 0xFFFFFFFF  # -1
PSCI_VERSION_0_2 = 0x00000002


_EC = HSR["EC"]
_IL = HSR["IL"]
_ISS = HSR["ISS"]


def hsr_ec(hsr: int) -> int:
    return _EC.get(hsr)


def hsr_il(hsr: int) -> int:
    return _IL.get(hsr)


def hsr_iss(hsr: int) -> int:
    return _ISS.get(hsr)


def decode_cp32(hsr: int, regs: List[int]) -> CoprocParams:
    """MCR/MRC (EC 0x03, 0x05; B3.13.6 ISS_CP32): Direction 1 = read; a write's value is Rt
    (``kvm_handle_cp_32``)."""
    f = ISS_CP32.unpack(_ISS.get(hsr))
    write = not f["Direction"]
    rt = f["Rt"]
    return CoprocParams(f["Opc1"], f["CRn"], f["CRm"], f["Opc2"], rt, 0, False, write,
                        regs[rt] if write else 0)


def decode_cp64(hsr: int, regs: List[int]) -> CoprocParams:
    """MCRR/MRRC (EC 0x04, 0x0C; ISS_CP64): CRm in the CRn slot, CRm = 0 (as the tables key 64-bit
    rows); a write's value is Rt | Rt2 << 32."""
    f = ISS_CP64.unpack(_ISS.get(hsr))
    write = not f["Direction"]
    rt, rt2 = f["Rt"], f["Rt2"]
    value = (regs[rt] | (regs[rt2] << 32)) if write else 0
    return CoprocParams(f["Opc1"], f["CRm"], 0, 0, rt, rt2, True, write, value)


class TrapStats:
    """Counts of emulated accesses: register name -> {"read": r, "write": w}."""

    def __init__(self) -> None:
        self.cp14: Dict[str, Dict[str, int]] = {}
        self.cp15: Dict[str, Dict[str, int]] = {}
        self.undef = 0

    def count(self, table: Dict[str, Dict[str, int]], name: str, write: bool) -> None:
        entry = table.get(name)
        if entry is None:
            entry = table[name] = {"read": 0, "write": 0}
        entry["write" if write else "read"] += 1


ExitHandler = Callable[["ExitEnv", VCPU, int], bool]


class ExitEnv:
    """What the exit handlers work with: the policy, the ledger, the tracer, statistics, the table."""

    def __init__(self, policy: DebugPolicy, ledger: Optional[CycleLedger] = None,
                 tracer: Optional[KvmTracer] = None) -> None:
        self.policy = policy
        self.ledger = ledger if ledger is not None else CycleLedger()
        self.tracer = tracer if tracer is not None else KvmTracer()
        self.stats = TrapStats()
        self.handlers: List[ExitHandler] = default_handlers()
        self.stop_reason: Optional[str] = None
        self.condition_skips = 0

    def set_handler(self, ec: int, handler: ExitHandler) -> None:
        """Replace the handler of exception class ``ec`` (0-63)."""
        if not 0 <= ec < 64:
            raise ValueError(f"HSR.EC {ec:#x} is not 0-63")
        self.handlers[ec] = handler


def condition_valid(vcpu: VCPU, hsr: int) -> bool:
    """``kvm_condition_valid`` (reference 3.3): does the trapped instruction pass its condition?"""
    if hsr_ec(hsr) >= 0x10:
        return True
    f = ISS_CP32.unpack(hsr_iss(hsr))  # CV and COND sit at 24:20 in every trapped-instruction ISS
    ctx = vcpu.ctx
    if f["CV"]:
        cond = f["COND"]
        if cond == 0xE:
            return True
    else:
        it = ctx.IT
        if it == 0:
            return True
        cond = (it >> 4) & 0xF
    return ConditionHolds(cond, ctx.flags[0])


def handle_exit(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
    """One exit: the condition check, then the handler of HSR.EC (True: resume the guest)."""
    vcpu.hsr = hsr
    env.ledger.charge(TRAP_EMULATION, W_CP_READ)  # MRC of HSR
    if not condition_valid(vcpu, hsr):
        env.condition_skips += 1
        vcpu.skip_instr(hsr_il(hsr))
        env.ledger.charge(TRAP_EMULATION, W_ALU, 2)
        return True
    return env.handlers[hsr_ec(hsr)](env, vcpu, hsr)


# -- the handlers -------------------------------------------------------------------------
def inject_undef(env: ExitEnv, vcpu: VCPU) -> None:
    env.stats.undef += 1
    env.ledger.charge(TRAP_EMULATION, W_STORE, 6)  # SPSR_und, LR_und, CPSR, PC, SCTLR, VBAR
    vcpu.inject_undef()


def handle_unknown(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
    """Any EC without its own handler: inject UNDEF (later kernels' ``kvm_handle_unknown_ec``)."""
    inject_undef(env, vcpu)
    return True


def handle_wfx(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
    """WFI/WFE (EC 0x01, HCR.TWI/TWE): no interrupt source is modelled, so the vcpu resumes at once."""
    vcpu.skip_instr(hsr_il(hsr))
    return True


def _emulate(env: ExitEnv, vcpu: VCPU, hsr: int, p: CoprocParams, tables: TableSet, event: str,
             stats: Dict[str, Dict[str, int]]) -> bool:
    """Table dispatch (arm64 ``emulate_cp``): found -> access, skip; not found -> UNDEF."""
    row: Optional[CoprocReg] = tables.find(p)
    env.ledger.charge(TRAP_EMULATION, W_ALU, 4)  # decode, key, lookup, compare
    if row is None or row.access is None or not row.access(vcpu, p, row):
        _trace_access(env, vcpu, event, p, row.name if row is not None else "")
        inject_undef(env, vcpu)
        return True
    env.ledger.charge(TRAP_EMULATION, W_LOAD if p.is_write else W_STORE, 2 if p.is_64 else 1)
    env.stats.count(stats, row.name, p.is_write)
    _trace_access(env, vcpu, event, p, row.name)
    vcpu.skip_instr(hsr_il(hsr))
    return True


def _trace_access(env: ExitEnv, vcpu: VCPU, event: str, p: CoprocParams, name: str) -> None:
    tr = env.tracer
    if tr.on:
        if p.is_write:
            value = p.value
        else:
            value = vcpu.ctx.regs[p.Rt1]
            if p.is_64:
                value |= vcpu.ctx.regs[p.Rt2] << 32
        tr.cp_access(event, p, name, value, vcpu.runs)


def handle_cp15_32(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
    """``kvm_handle_cp15_32`` (EC 0x03): the target-CPU table, then the generic one."""
    p = decode_cp32(hsr, vcpu.ctx.regs)
    return _emulate(env, vcpu, hsr, p, vcpu.tables.cp15, "kvm_cp15", env.stats.cp15)


def handle_cp15_64(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
    """``kvm_handle_cp15_64`` (EC 0x04)."""
    p = decode_cp64(hsr, vcpu.ctx.regs)
    return _emulate(env, vcpu, hsr, p, vcpu.tables.cp15, "kvm_cp15", env.stats.cp15)


def _cp14(env: ExitEnv, vcpu: VCPU, hsr: int, p: CoprocParams, tables: TableSet, event: str) -> bool:
    env.ledger.charge(TRAP_EMULATION, W_ALU, 4)
    out = env.policy.cp14_access(vcpu, p, tables)
    _trace_access(env, vcpu, event, p, out.name)
    if not out.handled:
        inject_undef(env, vcpu)
        return True
    env.ledger.charge(TRAP_EMULATION, W_LOAD if p.is_write else W_STORE, 2 if p.is_64 else 1)
    env.stats.count(env.stats.cp14, out.name or "?", p.is_write)
    vcpu.skip_instr(hsr_il(hsr))
    return True


def handle_cp14_32(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
    """EC 0x05 MCR/MRC p14: the policy emulates it (``kvm_handle_cp14_32``)."""
    return _cp14(env, vcpu, hsr, decode_cp32(hsr, vcpu.ctx.regs), vcpu.tables.cp14, "kvm_cp14_32")


def handle_cp14_64(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
    """EC 0x0C MRRC p14 (``kvm_handle_cp14_64``)."""
    return _cp14(env, vcpu, hsr, decode_cp64(hsr, vcpu.ctx.regs), vcpu.tables.cp14_64, "kvm_cp14_64")


def handle_cp14_load_store(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
    """EC 0x06 LDC/STC p14: UNDEF (``kvm_handle_cp14_load_store``)."""
    if not env.policy.cp14_load_store(vcpu):
        inject_undef(env, vcpu)
    else:
        vcpu.skip_instr(hsr_il(hsr))
    return True


def handle_hvc(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
    """EC 0x12 HVC (``handle_hvc``: a PSCI call; ELR_hyp is already the next instruction, no skip).

    PSCI 0.2 as KVM answers it: PSCI_VERSION -> 2, SYSTEM_OFF stops the VM, anything else
    (including a plain ``HVC #0`` phase marker) -> r0 = NOT_SUPPORTED.
    """
    fn = vcpu.ctx.regs[0]
    env.ledger.charge(TRAP_EMULATION, W_ALU, 3)
    if fn == PSCI_SYSTEM_OFF:
        env.stop_reason = "PSCI SYSTEM_OFF"
        return False
    vcpu.ctx.regs[0] = PSCI_VERSION_0_2 if fn == PSCI_VERSION else PSCI_RET_NOT_SUPPORTED
    return True


def handle_smc(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
    """EC 0x13 SMC (HCR.TSC): inject UNDEF (v4.1 ``handle_smc``)."""
    inject_undef(env, vcpu)
    return True


def handle_guest_abort(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
    """EC 0x20/0x24 (``kvm_handle_guest_abort``): without stage-2 translation no abort can be
    emulated; the VM stops with the syndrome named."""
    env.stop_reason = f"guest abort taken to Hyp mode (HSR {hsr:#010x}): stage-2 faults are not modelled"
    return False


def handle_hyp_abort(env: ExitEnv, vcpu: VCPU, hsr: int) -> bool:
    """EC 0x21/0x25: an abort in Hyp mode itself is fatal."""
    env.stop_reason = f"abort in Hyp mode (HSR {hsr:#010x})"
    return False


def default_handlers() -> List[ExitHandler]:
    """The 64-entry EC table (``arm_exit_handlers``), default :func:`handle_unknown`."""
    table: List[ExitHandler] = [handle_unknown] * 64
    table[EC.WFI_WFE] = handle_wfx
    table[EC.MCR_MRC_CP15] = handle_cp15_32
    table[EC.MCRR_MRRC_CP15] = handle_cp15_64
    table[EC.MCR_MRC_CP14] = handle_cp14_32
    table[EC.LDC_STC_CP14] = handle_cp14_load_store
    table[EC.MRRC_CP14] = handle_cp14_64
    table[EC.HVC] = handle_hvc
    table[EC.SMC] = handle_smc
    table[EC.PABT_FROM_LOWER] = handle_guest_abort
    table[EC.DABT_FROM_LOWER] = handle_guest_abort
    table[EC.PABT_FROM_HYP] = handle_hyp_abort
    table[EC.DABT_FROM_HYP] = handle_hyp_abort
    return table
