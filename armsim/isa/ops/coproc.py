"""Coprocessor instruction semantics (DDI 0406C A8.8 MCR, MRC, MCRR, MRRC, LDC, STC, CDP; B1.14).

Every operation builds its :class:`CoprocAccess` once, at decode time, and
asks the coprocessor bus at run time whether the access is allowed
(Coproc_Accepted: the verdict may depend on the mode and, later, on
HCPTR/HSTR/HDCR).  A refused access is GenerateCoprocessorException(), the
Undefined Instruction exception; a Hyp trap verdict is also taken as
Undefined for now, with the reason "Hyp trap not modelled yet".
"""

from __future__ import annotations

from typing import Callable

from armsim.coproc.bus import AccessKind, CoprocAccess, Verdict
from armsim.cpu.state import CPUState
from armsim.isa.contract import ExecContext, InsnInfo, Op, handles
from armsim.memory import AlignmentFault

MASK32 = 0xFFFFFFFF

_OK = Verdict.OK


def _refuser(ctx: ExecContext, info: InsnInfo, acc: CoprocAccess) -> Callable[[Verdict], int]:
    """The slow path of a refused access: take the Undefined Instruction exception."""
    take = ctx.exc.TakeUndefInstrException
    key = info.key
    what = f"{acc.kind.value} p{acc.coproc}"

    def refuse(verdict: Verdict) -> int:
        if verdict is Verdict.TRAP_TO_HYP:
            return take(key, f"{what}: Hyp trap not modelled yet")
        return take(key, f"{what}: coprocessor access UNDEFINED")

    return refuse


def MCR(ctx: ExecContext, info: InsnInfo, cp: int, opc1: int, CRn: int, t: int, CRm: int, opc2: int) -> Op:
    """A8.8 MCR, MCR2: Coproc_SendOneWord(R[t])."""
    acc = CoprocAccess(AccessKind.MCR, cp, opc1, CRn, CRm, opc2, rt=t)
    cpu = ctx.cpu
    regs = ctx.regs
    check = ctx.bus.check
    write = ctx.bus.write
    refuse = _refuser(ctx, info, acc)
    nxt = info.nxt

    def op() -> int:
        v = check(cpu, acc)
        if v is _OK:
            write(cpu, acc, regs[t])
            return nxt
        return refuse(v)

    return op


def MRC(ctx: ExecContext, info: InsnInfo, cp: int, opc1: int, CRn: int, t: int, CRm: int, opc2: int) -> Op:
    """A8.8 MRC, MRC2: R[t] = Coproc_GetOneWord(); t == 15 writes APSR.NZCV = value<31:28>."""
    acc = CoprocAccess(AccessKind.MRC, cp, opc1, CRn, CRm, opc2, rt=t)
    cpu = ctx.cpu
    regs = ctx.regs
    flags = ctx.flags
    check = ctx.bus.check
    read = ctx.bus.read
    refuse = _refuser(ctx, info, acc)
    nxt = info.nxt
    if t == 15:

        def op_nzcv() -> int:
            v = check(cpu, acc)
            if v is _OK:
                flags[0] = (read(cpu, acc) >> 28) & 0xF
                return nxt
            return refuse(v)

        return handles(op_nzcv, pc=True)  # Rt == 15 names APSR_nzcv, not the PC

    def op() -> int:
        v = check(cpu, acc)
        if v is _OK:
            regs[t] = read(cpu, acc) & MASK32
            return nxt
        return refuse(v)

    return handles(op, pc=True)


def MCRR(ctx: ExecContext, info: InsnInfo, cp: int, opc1: int, t: int, t2: int, CRm: int) -> Op:
    """A8.8 MCRR, MCRR2: Coproc_SendTwoWords(R[t2], R[t]) as one 64-bit value R[t2]:R[t]."""
    acc = CoprocAccess(AccessKind.MCRR, cp, opc1, 0, CRm, 0, rt=t, rt2=t2)
    cpu = ctx.cpu
    regs = ctx.regs
    check = ctx.bus.check
    write = ctx.bus.write
    refuse = _refuser(ctx, info, acc)
    nxt = info.nxt

    def op() -> int:
        v = check(cpu, acc)
        if v is _OK:
            write(cpu, acc, (regs[t2] << 32) | regs[t])
            return nxt
        return refuse(v)

    return op


def MRRC(ctx: ExecContext, info: InsnInfo, cp: int, opc1: int, t: int, t2: int, CRm: int) -> Op:
    """A8.8 MRRC, MRRC2: (R[t2], R[t]) = Coproc_GetTwoWords() (bits 63:32, 31:0)."""
    acc = CoprocAccess(AccessKind.MRRC, cp, opc1, 0, CRm, 0, rt=t, rt2=t2)
    cpu = ctx.cpu
    regs = ctx.regs
    check = ctx.bus.check
    read = ctx.bus.read
    refuse = _refuser(ctx, info, acc)
    nxt = info.nxt

    def op() -> int:
        v = check(cpu, acc)
        if v is _OK:
            value = read(cpu, acc)
            regs[t] = value & MASK32
            regs[t2] = (value >> 32) & MASK32
            return nxt
        return refuse(v)

    return op


def CDP(ctx: ExecContext, info: InsnInfo, cp: int, opc1: int, CRd: int, CRn: int, CRm: int, opc2: int) -> Op:
    """A8.8 CDP, CDP2: Coproc_InternalOperation(), delivered as a bus write of 0 with kind CDP."""
    acc = CoprocAccess(AccessKind.CDP, cp, opc1, CRn, CRm, opc2, crd=CRd)
    cpu = ctx.cpu
    check = ctx.bus.check
    write = ctx.bus.write
    refuse = _refuser(ctx, info, acc)
    nxt = info.nxt

    def op() -> int:
        v = check(cpu, acc)
        if v is _OK:
            write(cpu, acc, 0)
            return nxt
        return refuse(v)

    return op



def _loader(ctx: ExecContext) -> Callable[[CPUState, CoprocAccess, int], None]:
    """The LDC word loop (A8.8 LDC): MemA[address, 4] to the coprocessor until Coproc_DoneLoading."""
    read32 = ctx.read32
    bus = ctx.bus
    write = bus.write
    done = bus.done

    def transfer_in(cpu: CPUState, acc: CoprocAccess, address: int) -> None:
        count = 0
        while True:
            if address & 3:
                raise AlignmentFault(address, 4, False)
            write(cpu, acc, read32(address))
            count += 1
            address = (address + 4) & MASK32
            if done(cpu, acc, count):
                return

    return transfer_in


def _storer(ctx: ExecContext) -> Callable[[CPUState, CoprocAccess, int], None]:
    """The STC word loop (A8.8 STC): Coproc_GetWordToStore() to MemA[address, 4] until Coproc_DoneStoring."""
    write32 = ctx.write32
    bus = ctx.bus
    read = bus.read
    done = bus.done

    def transfer_out(cpu: CPUState, acc: CoprocAccess, address: int) -> None:
        count = 0
        while True:
            if address & 3:
                raise AlignmentFault(address, 4, True)
            write32(address, read(cpu, acc) & MASK32)
            count += 1
            address = (address + 4) & MASK32
            if done(cpu, acc, count):
                return

    return transfer_out


def LDC_immediate(
    ctx: ExecContext,
    info: InsnInfo,
    cp: int,
    D: int,
    CRd: int,
    n: int,
    imm32: int,
    add: bool,
    index: bool,
    wback: bool,
) -> Op:
    """A8.8 LDC, LDC2 (immediate): send MemA[address, 4] words until Coproc_DoneLoading."""
    acc = CoprocAccess(AccessKind.LDC, cp, 0, 0, 0, 0, rt=n, crd=CRd, long=D)
    cpu = ctx.cpu
    regs = ctx.regs
    check = ctx.bus.check
    transfer_in = _loader(ctx)
    refuse = _refuser(ctx, info, acc)
    nxt = info.nxt
    offset = imm32 if add else -imm32

    def op() -> int:
        v = check(cpu, acc)
        if v is not _OK:
            return refuse(v)
        base = regs[n]
        offset_addr = (base + offset) & MASK32
        address = offset_addr if index else base
        transfer_in(cpu, acc, address)
        if wback:
            regs[n] = offset_addr
        return nxt

    return op


def LDC_literal(
    ctx: ExecContext, info: InsnInfo, cp: int, D: int, CRd: int, imm32: int, add: bool, index: bool
) -> Op:
    """A8.8 LDC, LDC2 (literal): the start address, from Align(PC, 4), is fixed at decode time."""
    base = info.pcv & ~3
    start = ((base + imm32) if add else (base - imm32)) & MASK32 if index else base
    acc = CoprocAccess(AccessKind.LDC, cp, 0, 0, 0, 0, rt=15, crd=CRd, long=D)
    cpu = ctx.cpu
    check = ctx.bus.check
    transfer_in = _loader(ctx)
    refuse = _refuser(ctx, info, acc)
    nxt = info.nxt

    def op() -> int:
        v = check(cpu, acc)
        if v is not _OK:
            return refuse(v)
        address = start
        transfer_in(cpu, acc, address)
        return nxt

    return handles(op, pc=True)  # the PC value is baked into the address


def STC(
    ctx: ExecContext,
    info: InsnInfo,
    cp: int,
    D: int,
    CRd: int,
    n: int,
    imm32: int,
    add: bool,
    index: bool,
    wback: bool,
) -> Op:
    """A8.8 STC, STC2: MemA[address, 4] = Coproc_GetWordToStore() until Coproc_DoneStoring."""
    acc = CoprocAccess(AccessKind.STC, cp, 0, 0, 0, 0, rt=n, crd=CRd, long=D)
    cpu = ctx.cpu
    regs = ctx.regs
    check = ctx.bus.check
    transfer_out = _storer(ctx)
    refuse = _refuser(ctx, info, acc)
    nxt = info.nxt
    offset = imm32 if add else -imm32

    def op() -> int:
        v = check(cpu, acc)
        if v is not _OK:
            return refuse(v)
        base = regs[n]
        offset_addr = (base + offset) & MASK32
        address = offset_addr if index else base
        transfer_out(cpu, acc, address)
        if wback:
            regs[n] = offset_addr
        return nxt

    return op
