"""System, exception-generating and hint semantics (DDI 0406C A8.8, B9.3).

Status register transfers, CPS, SRS/RFE, exception generation (SVC, BKPT,
HVC, SMC), ERET, the hints (NOP, YIELD, WFE, WFI, SEV, DBG), barriers and
SETEND.  Checks that depend on the mode or security state run in the op;
everything known at decode time is decided by the encoding adapters.

Choices for UNPREDICTABLE cases made here (each also noted where it is made):

* MRS/MSR of the SPSR in User or System mode, banked register accesses the
  mode does not allow, ERET in User/System mode, RFE in User mode, SRS in
  User/System mode or to Monitor mode from Non-secure state: UNDEFINED.
* An MSR or CPS that would change CPSR.M to a reserved or unavailable mode:
  the M field write is ignored (CPUState.CPSRWriteByInstr).
* An exception return (ERET, RFE) to such a mode: UNDEFINED, nothing written.
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Tuple

from armsim.coproc.syndrome import hsr_smc, hsr_wfx
from armsim.cpu.exception_return import ExceptionReturn, ExceptionReturnProblem
from armsim.cpu.exceptions import FS_DEBUG
from armsim.cpu.modes import PHYS_INDEX, Mode
from armsim.cpu.state import CPUState
from armsim.cpu.sysregs import HCR, SCR
from armsim.debug.layouts import MOE_BKPT
from armsim.isa.contract import ExecContext, InsnInfo, Op, Unpredictable
from armsim.memory import AlignmentFault
from armsim.signals import SemihostingCall

MASK32 = 0xFFFFFFFF

# B9.3 MRS: the CPSR is read with the execution state bits IT, J and T masked out.
MRS_CPSR_MASK = 0xF8FF03DF

_USR = int(Mode.USR)
_SYS = int(Mode.SYS)
_FIQ = int(Mode.FIQ)
_IRQ = int(Mode.IRQ)
_SVC = int(Mode.SVC)
_ABT = int(Mode.ABT)
_UND = int(Mode.UND)
_MON = int(Mode.MON)
_HYP = int(Mode.HYP)


# -- status registers -------------------------------------------------------------


def _unmasked(cpu: CPUState, nxt: int) -> int:
    """After a CPSR write that may clear A/I/F: take an interrupt now pending and unmasked (B1.8.6)."""
    check = cpu.interrupt_check
    return nxt if check is None else check(nxt)



def MRS(ctx: ExecContext, info: InsnInfo, d: int, read_spsr: bool) -> Op:
    """A8.8.109 / B9.3 MRS: R[d] = SPSR, or CPSR with IT, J and T masked (also in User mode,
    where the bits other than the APSR are UNKNOWN)."""
    cpu = ctx.cpu
    regs = ctx.regs
    nxt = info.nxt
    if read_spsr:
        spsr = cpu.spsr
        take = ctx.exc.TakeUndefInstrException
        key = info.key

        def op_spsr() -> int:
            mode = cpu.mode
            if mode in spsr:
                regs[d] = spsr[mode]
                return nxt
            # UNPREDICTABLE (B9.3 MRS): SPSR read in User or System mode; we choose UNDEFINED.
            return take(key, "MRS of the SPSR in User or System mode (UNPREDICTABLE)")

        return op_spsr
    get = cpu.get_cpsr

    def op() -> int:
        regs[d] = get() & MRS_CPSR_MASK
        return nxt

    return op


def _msr_spsr(ctx: ExecContext, info: InsnInfo, mask: int, value: Callable[[], int]) -> Op:
    cpu = ctx.cpu
    spsr = cpu.spsr
    write = cpu.SPSRWriteByInstr
    take = ctx.exc.TakeUndefInstrException
    key = info.key
    nxt = info.nxt

    def op() -> int:
        if cpu.mode not in spsr:
            # UNPREDICTABLE (B9.3 MSR): SPSR write in User or System mode; we choose UNDEFINED.
            return take(key, "MSR to the SPSR in User or System mode (UNPREDICTABLE)")
        write(value(), mask)
        return nxt

    return op


def MSR_immediate(ctx: ExecContext, info: InsnInfo, write_spsr: bool, mask: int, imm32: int) -> Op:
    """A8.8.111 / B9.3 MSR (immediate): CPSRWriteByInstr / SPSRWriteByInstr(imm32, mask)."""
    if write_spsr:
        return _msr_spsr(ctx, info, mask, lambda: imm32)
    flags = ctx.flags
    nxt = info.nxt
    # The f and s bytes (NZCVQ, GE) are written identically in every mode.
    nzcv = imm32 >> 28
    q = (imm32 >> 27) & 1
    ge = (imm32 >> 16) & 0xF
    if mask == 0b1000:

        def op_f() -> int:
            flags[0] = nzcv
            flags[1] = q
            return nxt

        return op_f
    if mask == 0b1100:

        def op_fs() -> int:
            flags[0] = nzcv
            flags[1] = q
            flags[2] = ge
            return nxt

        return op_fs
    cpu = ctx.cpu
    write = cpu.CPSRWriteByInstr

    def op() -> int:
        write(imm32, mask, False)
        return _unmasked(cpu, nxt)

    return op


def MSR_register(ctx: ExecContext, info: InsnInfo, write_spsr: bool, mask: int, n: int) -> Op:
    """A8.8.112 / B9.3 MSR (register): CPSRWriteByInstr / SPSRWriteByInstr(R[n], mask)."""
    regs = ctx.regs
    if write_spsr:
        return _msr_spsr(ctx, info, mask, lambda: regs[n])
    flags = ctx.flags
    nxt = info.nxt
    if mask == 0b1000:

        def op_f() -> int:
            v = regs[n]
            flags[0] = v >> 28
            flags[1] = (v >> 27) & 1
            return nxt

        return op_f
    if mask == 0b0100:

        def op_s() -> int:
            flags[2] = (regs[n] >> 16) & 0xF
            return nxt

        return op_s
    if mask == 0b1100:

        def op_fs() -> int:
            v = regs[n]
            flags[0] = v >> 28
            flags[1] = (v >> 27) & 1
            flags[2] = (v >> 16) & 0xF
            return nxt

        return op_fs
    cpu = ctx.cpu
    write = cpu.CPSRWriteByInstr

    def op() -> int:
        write(regs[n], mask, False)
        return _unmasked(cpu, nxt)

    return op


# -- banked registers (Table B9-2) ------------------------------------------------

ELR_HYP_SYSM = 0b11110

# SYSm -> (mode, register) for MRS/MSR (Banked register) with R == 0.
BANKED_REGS: Dict[int, Tuple[int, int]] = {}
for _i in range(7):
    BANKED_REGS[_i] = (_USR, 8 + _i)
    BANKED_REGS[0b01000 | _i] = (_FIQ, 8 + _i)
for _base, _mode in ((0b10000, _IRQ), (0b10010, _SVC), (0b10100, _ABT), (0b10110, _UND), (0b11100, _MON)):
    BANKED_REGS[_base] = (_mode, 14)
    BANKED_REGS[_base | 1] = (_mode, 13)
BANKED_REGS[0b11111] = (_HYP, 13)

# SYSm -> mode for the SPSR forms (R == 1).
BANKED_SPSRS: Dict[int, int] = {
    0b01110: _FIQ,
    0b10000: _IRQ,
    0b10010: _SVC,
    0b10100: _ABT,
    0b10110: _UND,
    0b11100: _MON,
    0b11110: _HYP,
}


def banked_access_error(cpu: CPUState, SYSm: int, spsr: bool) -> Optional[str]:
    """Why a banked register access is UNPREDICTABLE in the current mode, or None.

    B9.3 MRS (Banked register) (BankedRegisterAccessValid, SPSRaccessValid):
    never from User mode; never to a register the current mode already sees;
    Monitor registers only from Secure state; SP_hyp and SPSR_hyp only from
    Monitor mode; ELR_hyp from Hyp or Monitor mode.
    """
    mode = cpu.mode
    if mode == _USR:
        return "from User mode"
    secure = cpu.IsSecure()
    if spsr:
        target = BANKED_SPSRS[SYSm]
        if target == mode:
            return "the current mode's own SPSR"
        if target == _MON and not secure:
            return "SPSR_mon from Non-secure state"
        if target == _HYP and mode != _MON:
            return "SPSR_hyp other than from Monitor mode"
        return None
    if SYSm == ELR_HYP_SYSM:
        return None if mode in (_HYP, _MON) else "ELR_hyp other than from Hyp or Monitor mode"
    tmode, r = BANKED_REGS[SYSm]
    if tmode == _MON and not secure:
        return "a Monitor mode register from Non-secure state"
    if tmode == _HYP and mode != _MON:
        return "SP_hyp other than from Monitor mode"
    if PHYS_INDEX[mode][r - 8] == PHYS_INDEX[tmode][r - 8]:
        return "a register of the current mode"
    return None


def _check_sysm(SYSm: int, spsr: bool, what: str) -> None:
    if spsr:
        if SYSm not in BANKED_SPSRS:
            raise Unpredictable(f"B9.3 {what}: SYSm {SYSm:#07b} names no SPSR")
    elif SYSm not in BANKED_REGS and SYSm != ELR_HYP_SYSM:
        raise Unpredictable(f"B9.3 {what}: SYSm {SYSm:#07b} names no register")


def MRS_banked(ctx: ExecContext, info: InsnInfo, d: int, read_spsr: bool, SYSm: int) -> Op:
    """B9.3 MRS (Banked register): R[d] = a banked register, SPSR or ELR_hyp of another mode.

    UNPREDICTABLE accesses (banked_access_error): armsim chooses UNDEFINED.
    """
    _check_sysm(SYSm, read_spsr, "MRS (Banked register)")
    cpu = ctx.cpu
    regs = ctx.regs
    nxt = info.nxt
    take = ctx.exc.TakeUndefInstrException
    key = info.key
    if read_spsr:
        tmode = BANKED_SPSRS[SYSm]
        spsrs = cpu.spsr

        def get() -> int:
            return spsrs[tmode]

    elif SYSm == ELR_HYP_SYSM:

        def get() -> int:
            return cpu.elr_hyp

    else:
        bmode, r = BANKED_REGS[SYSm]
        get_banked = cpu.get_banked

        def get() -> int:
            return get_banked(bmode, r)

    def op() -> int:
        why = banked_access_error(cpu, SYSm, read_spsr)
        if why is not None:
            return take(key, f"MRS (Banked register): access {why} (UNPREDICTABLE)")
        regs[d] = get()
        return nxt

    return op


def MSR_banked(ctx: ExecContext, info: InsnInfo, n: int, write_spsr: bool, SYSm: int) -> Op:
    """B9.3 MSR (Banked register): a banked register, SPSR or ELR_hyp of another mode = R[n].

    UNPREDICTABLE accesses (banked_access_error): armsim chooses UNDEFINED.
    """
    _check_sysm(SYSm, write_spsr, "MSR (Banked register)")
    cpu = ctx.cpu
    regs = ctx.regs
    nxt = info.nxt
    take = ctx.exc.TakeUndefInstrException
    key = info.key
    if write_spsr:
        tmode = BANKED_SPSRS[SYSm]
        spsrs = cpu.spsr

        def put(v: int) -> None:
            spsrs[tmode] = v

    elif SYSm == ELR_HYP_SYSM:

        def put(v: int) -> None:
            cpu.elr_hyp = v

    else:
        bmode, r = BANKED_REGS[SYSm]
        set_banked = cpu.set_banked

        def put(v: int) -> None:
            set_banked(bmode, r, v)

    def op() -> int:
        why = banked_access_error(cpu, SYSm, write_spsr)
        if why is not None:
            return take(key, f"MSR (Banked register): access {why} (UNPREDICTABLE)")
        put(regs[n])
        return nxt

    return op


# -- CPS, SRS, RFE, ERET -------------------------------------------------------------


def CPS(
    ctx: ExecContext,
    info: InsnInfo,
    enable: bool,
    disable: bool,
    affectA: bool,
    affectI: bool,
    affectF: bool,
    changemode: bool,
    mode: int,
) -> Op:
    """B9.3 CPS: change A/I/F and the mode via CPSRWriteByInstr(cpsr_val, '1111', FALSE).

    A NOP in User mode.  An unavailable target mode is UNPREDICTABLE: the mode
    write is ignored (CPUState.CPSRWriteByInstr).
    """
    cpu = ctx.cpu
    nxt = info.nxt
    aif = (0x100 if affectA else 0) | (0x80 if affectI else 0) | (0x40 if affectF else 0)
    clear = aif if enable else 0
    setbits = aif if disable else 0
    mode_mask = 0x1F if changemode else 0
    mode_bits = mode if changemode else 0

    def op() -> int:
        if cpu.mode != _USR:
            v = cpu.get_cpsr()
            v = (((v & ~clear) | setbits) & ~mode_mask) | mode_bits
            cpu.CPSRWriteByInstr(v, 0xF, False)
            return _unmasked(cpu, nxt)
        return nxt

    return op


def SRS(ctx: ExecContext, info: InsnInfo, mode: int, increment: bool, wordhigher: bool, wback: bool) -> Op:
    """B9.3 SRS: store LR and SPSR of the current mode to the stack of ``mode`` (MemA: aligned).

    UNDEFINED in Hyp mode.  UNPREDICTABLE in User or System mode and for
    Monitor mode from Non-secure state: armsim chooses UNDEFINED.
    """
    cpu = ctx.cpu
    regs = ctx.regs
    write32 = ctx.write32
    take = ctx.exc.TakeUndefInstrException
    key = info.key
    nxt = info.nxt
    start = (0 if increment else -8) + (4 if wordhigher else 0)
    step = 8 if increment else -8

    def op() -> int:
        cur = cpu.mode
        if cur == _HYP:
            return take(key, "SRS in Hyp mode")
        if cur in (_USR, _SYS):
            return take(key, "SRS in User or System mode (UNPREDICTABLE)")
        if mode == _MON and not cpu.IsSecure():
            return take(key, "SRS to Monitor mode from Non-secure state (UNPREDICTABLE)")
        base = cpu.get_banked(mode, 13)
        address = (base + start) & MASK32
        if address & 3:
            raise AlignmentFault(address, 4, True)
        write32(address, regs[14])
        write32((address + 4) & MASK32, cpu.spsr[cur])
        if wback:
            cpu.set_banked(mode, 13, (base + step) & MASK32)
        return nxt

    return op


def RFE(ctx: ExecContext, info: InsnInfo, n: int, increment: bool, wordhigher: bool, wback: bool) -> Op:
    """B9.3 RFE: load PC and CPSR from memory (MemA: aligned), an exception return.

    UNDEFINED in Hyp mode; UNPREDICTABLE in User mode and for a return to an
    unavailable mode: armsim chooses UNDEFINED (nothing written).
    """
    cpu = ctx.cpu
    regs = ctx.regs
    read32 = ctx.read32
    take = ctx.exc.TakeUndefInstrException
    key = info.key
    start = (0 if increment else -8) + (4 if wordhigher else 0)
    step = 8 if increment else -8

    def op() -> int:
        cur = cpu.mode
        if cur == _HYP:
            return take(key, "RFE in Hyp mode")
        if cur == _USR:
            return take(key, "RFE in User mode (UNPREDICTABLE)")
        base = regs[n]
        address = (base + start) & MASK32
        if address & 3:
            raise AlignmentFault(address, 4, False)
        new_pc = read32(address)
        spsr = read32((address + 4) & MASK32)
        why = ExceptionReturnProblem(cpu, spsr)
        if why is not None:
            return take(key, f"RFE: return to {why} (UNPREDICTABLE)")
        if wback:
            regs[n] = (base + step) & MASK32
        return ExceptionReturn(cpu, new_pc, spsr)

    return op


def ERET(ctx: ExecContext, info: InsnInfo) -> Op:
    """B9.3 ERET: in Hyp mode PC = ELR_hyp, CPSR = SPSR_hyp; in other PL1 modes as SUBS PC, LR, #0.

    UNPREDICTABLE in User or System mode and for a return to an unavailable
    mode: armsim chooses UNDEFINED (nothing written).
    """
    cpu = ctx.cpu
    regs = ctx.regs
    take = ctx.exc.TakeUndefInstrException
    key = info.key

    def op() -> int:
        cur = cpu.mode
        if cur in (_USR, _SYS):
            return take(key, "ERET in User or System mode (UNPREDICTABLE)")
        spsr = cpu.spsr[cur]
        new_pc = cpu.elr_hyp if cur == _HYP else regs[14]
        why = ExceptionReturnProblem(cpu, spsr)
        if why is not None:
            return take(key, f"ERET: return to {why} (UNPREDICTABLE)")
        return ExceptionReturn(cpu, new_pc, spsr)

    return op


# -- exception generation -----------------------------------------------------------


def SVC(ctx: ExecContext, info: InsnInfo, imm32: int, semihosting: bool) -> Op:
    """A8.8.228 SVC: take the Supervisor Call exception (B1.9).

    ``semihosting``: this immediate is the semihosting call number; when
    ``ctx.semihost`` is set the host handles the call and execution continues
    at the next instruction.
    """
    take = ctx.exc.TakeSVCException
    key = info.key
    size = info.size
    imm = imm32 & 0xFFFF  # HSR.ISS of an SVC taken to Hyp mode: the low 16 bits (reference 3.2 choice)
    if semihosting:
        nxt = info.nxt

        def op_semihost() -> int:
            if ctx.semihost is not None:
                raise SemihostingCall(nxt)
            return take(key, size, imm)

        return op_semihost

    def op() -> int:
        return take(key, size, imm)

    return op


def BKPT(ctx: ExecContext, info: InsnInfo, imm32: int, semihosting: bool) -> Op:
    """A8.8.24 BKPT: a BKPT instruction debug event (C3 "Debug events").

    With debug disabled the event is a Prefetch Abort with IFSR.FS = debug
    event (B1.9, C4).  ``semihosting``: the semihosting immediate, handled by
    ``ctx.semihost`` when set.
    """
    pabt = ctx.exc.TakePrefetchAbortException
    key = info.key
    addr = info.addr
    nxt = info.nxt
    why = f"BKPT #{imm32:#x} at {addr:#010x} (debug event)"
    debug = ctx.debug

    def op() -> int:
        if semihosting and ctx.semihost is not None:
            raise SemihostingCall(nxt)
        if debug is not None:
            debug.regs.set_moe(MOE_BKPT)  # C11.11 DBGDSCR.MOE = 0b0011, BKPT instruction
        return pabt(key, addr, FS_DEBUG, why)

    return op


def HLT_semihosting(ctx: ExecContext, info: InsnInfo) -> Op:
    """HLT #0xF000 (ARMv8 A32 semihosting trap): a semihosting call when ``ctx.semihost`` is set,
    otherwise UNDEFINED as the encoding is in ARMv7."""
    take = ctx.exc.TakeUndefInstrException
    key = info.key
    nxt = info.nxt

    def op() -> int:
        if ctx.semihost is not None:
            raise SemihostingCall(nxt)
        return take(key, "HLT #0xf000 with semihosting disabled (UNDEFINED in ARMv7)")

    return op


def HVC(ctx: ExecContext, info: InsnInfo, imm32: int) -> Op:
    """B9.3 HVC: the Hypervisor Call exception (TakeHVCException): Hyp mode, HSR.EC 0x12 with imm16.

    UNDEFINED in Secure state and in User mode, and with SCR.HCE == 0 in a
    Non-secure PL1 mode; in Hyp mode with SCR.HCE == 0 it is UNPREDICTABLE:
    armsim chooses UNDEFINED.
    """
    cpu = ctx.cpu
    sr = cpu.sys
    take = ctx.exc.TakeUndefInstrException
    hvc = ctx.exc.TakeHVCException
    key = info.key
    size = info.size
    hce = SCR["HCE"].mask

    def op() -> int:
        if cpu.IsSecure():
            return take(key, "HVC in Secure state")
        mode = cpu.mode
        if mode == _USR:
            return take(key, "HVC in User mode")
        if not sr.SCR & hce:
            if mode == _HYP:
                return take(key, "HVC in Hyp mode with SCR.HCE == 0 (UNPREDICTABLE)")
            return take(key, "HVC with SCR.HCE == 0")
        return hvc(key, size, imm32)

    return op


def SMC(ctx: ExecContext, info: InsnInfo, imm32: int) -> Op:
    """B9.3 SMC: UNDEFINED in User mode; from Non-secure PL1 with HCR.TSC a Hyp Trap (HSR.EC 0x13,
    ELR_hyp = the SMC, reference 4.2 choice); else UNDEFINED in Non-secure state with SCR.SCD (B4.1.129);
    else the SMC exception to Monitor mode.  HCR.TSC takes priority over SCR.SCD."""
    cpu = ctx.cpu
    sr = cpu.sys
    exc = ctx.exc
    take = exc.TakeUndefInstrException
    smc = exc.TakeSMCException
    trap = exc.TakeHypTrapException
    key = info.key
    size = info.size
    tsc = HCR["TSC"].mask
    scd = SCR["SCD"].mask
    hsr = hsr_smc(int(size == 4), info.cond & 0xF)

    def op() -> int:
        mode = cpu.mode
        if mode == _USR:
            return take(key, "SMC in User mode")
        ns = cpu.sys.SCR & 1 and mode != _MON
        if ns and mode != _HYP and sr.HCR & tsc:
            return trap(key, hsr, "SMC trapped by HCR.TSC")
        if ns and sr.SCR & scd:
            return take(key, "SMC with SCR.SCD == 1 in Non-secure state")
        return smc(key, size)

    return op


# -- hints, barriers, SETEND ----------------------------------------------------------


def NOP(ctx: ExecContext, info: InsnInfo) -> Op:
    """A8.8 NOP; also YIELD and DBG (no multithreading or debug system) and the barriers
    DMB, DSB, ISB (one in-order processor; stores into code already drop decoded ops)."""
    nxt = info.nxt

    def op() -> int:
        return nxt

    return op


def SEV(ctx: ExecContext, info: InsnInfo) -> Op:
    """A8.8 SEV: signal an event to every processor, this one included (sets its Event Register)."""
    cpu = ctx.cpu
    nxt = info.nxt

    def op() -> int:
        cpu.event_register = 1
        return nxt

    return op


def _wfx_trap(ctx: ExecContext, info: InsnInfo, wfe: bool) -> Callable[[], bool]:
    """B1.14.x HCR.TWI / HCR.TWE: does this WFI/WFE trap to Hyp mode (from Non-secure PL0/PL1)?"""
    cpu = ctx.cpu
    sr = cpu.sys
    bit = HCR["TWE" if wfe else "TWI"].mask

    def traps() -> bool:
        mode = cpu.mode
        return bool(sr.HCR & bit) and bool(sr.SCR & 1) and mode != _HYP and mode != _MON

    return traps


def WFE(ctx: ExecContext, info: InsnInfo) -> Op:
    """A8.8 WFE (B1.8.13 "Wait For Event and Send Event"): if the Event Register is set, clear it and
    continue; otherwise trap to Hyp mode with HCR.TWE (HSR.EC 0x01, TI = 1), or wait for an interrupt
    (the wake-up model of ExceptionModel.wait_for_interrupt)."""
    cpu = ctx.cpu
    exc = ctx.exc
    nxt = info.nxt
    key = info.key
    traps = _wfx_trap(ctx, info, True)
    hsr = hsr_wfx(int(info.size == 4), info.cond & 0xF, True)
    addr = info.addr

    def op() -> int:
        if cpu.event_register:
            cpu.event_register = 0
            return nxt
        if not exc.pending() and traps():
            return exc.TakeHypTrapException(key, hsr, "WFE trapped by HCR.TWE")
        return exc.wait_for_interrupt(nxt, "WFE", addr)

    return op


def WFI(ctx: ExecContext, info: InsnInfo) -> Op:
    """A8.8 WFI (B1.8.12): with HCR.TWI from Non-secure PL0/PL1 and nothing pending, a Hyp Trap (HSR.EC
    0x01, TI = 0: trapped only when it would suspend, B1.14.x); otherwise wait until an interrupt is
    pending (ExceptionModel.wait_for_interrupt): a run with nothing that could wake it stops (HALT)."""
    exc = ctx.exc
    nxt = info.nxt
    key = info.key
    traps = _wfx_trap(ctx, info, False)
    hsr = hsr_wfx(int(info.size == 4), info.cond & 0xF, False)
    addr = info.addr

    def op() -> int:
        if not exc.pending() and traps():
            return exc.TakeHypTrapException(key, hsr, "WFI trapped by HCR.TWI")
        return exc.wait_for_interrupt(nxt, "WFI", addr)

    return op


def SETEND(ctx: ExecContext, info: InsnInfo, E: int) -> Op:
    """A8.8 SETEND: CPSR.E = E; decoded ops bake the data endianness, so they are flushed."""
    cpu = ctx.cpu
    nxt = info.nxt

    def op() -> int:
        if cpu.E != E:
            cpu.E = E
            cpu.decode_state_changed()
        return nxt

    return op
