"""Coprocessor instruction semantics (DDI 0406C A8.8 MCR, MRC, MCRR, MRRC, LDC, STC, CDP; B1.14).

Every operation builds its :class:`CoprocAccess` once, at decode time, and
binds it on the coprocessor bus (:meth:`CoprocessorBus.bind`): the register
row is resolved then, and only the access predicate runs each time
(Coproc_Accepted: it depends on the mode, the security state and the Hyp trap
registers).  A refused access is GenerateCoprocessorException(), the
Undefined Instruction exception; a Hyp trap verdict takes
TakeHypTrapException with the HSR built here, once, from the instruction's
fields (:func:`armsim.coproc.access.trap_hsr`).  A write to HCR or SCR may
make an interrupt pending and unmasked: those ops check the interrupts after
the write.
"""

from __future__ import annotations

from typing import Callable, Tuple

from armsim.coproc.access import trap_hsr
from armsim.coproc.bus import AccessKind, Binding, CoprocAccess, Verdict
from armsim.cpu.state import CPUState
from armsim.isa.contract import ExecContext, InsnInfo, Op, handles
from armsim.memory import AlignmentFault

MASK32 = 0xFFFFFFFF

_OK = Verdict.OK
# Registers whose write can change which interrupts are pending or routed (HCR.VI/VF/VA/IMO/FMO/AMO, SCR).
_INTERRUPT_REGS = frozenset(("HCR", "SCR"))


def _two(info: InsnInfo) -> int:
    """The "2" forms (MCR2 ...): bits 31:28 = 1111 in both A32 and T32 encodings."""
    return 1 if (info.word >> 28) & 0xF == 0xF else 0


def _bind(ctx: ExecContext, info: InsnInfo, acc: CoprocAccess, imm8: int = 0, add: bool = True,
          am: int = 0) -> Tuple[Binding, Callable[[Verdict], int]]:
    """The binding of ``acc`` and the slow path of a refused access (UNDEFINED or a Hyp trap)."""
    binding = ctx.bus.bind(acc)
    exc = ctx.exc
    take = exc.TakeUndefInstrException
    trap = exc.TakeHypTrapException
    key = info.key
    what = f"{acc.kind.value} p{acc.coproc}" + (f" ({binding.name})" if binding.name else "")
    hsr = trap_hsr(acc, int(info.size == 4), info.cond, imm8, add, am)

    def refuse(verdict: Verdict) -> int:
        if verdict is Verdict.TRAP_TO_HYP:
            return trap(key, hsr, f"{what} trapped to Hyp mode")
        return take(key, f"{what}: coprocessor access UNDEFINED")

    return binding, refuse


def MCR(ctx: ExecContext, info: InsnInfo, cp: int, opc1: int, CRn: int, t: int, CRm: int, opc2: int) -> Op:
    """A8.8 MCR, MCR2: Coproc_SendOneWord(R[t])."""
    acc = CoprocAccess(AccessKind.MCR, cp, opc1, CRn, CRm, opc2, rt=t, two=_two(info))
    cpu = ctx.cpu
    regs = ctx.regs
    b, refuse = _bind(ctx, info, acc)
    check = b.check
    write = b.write
    nxt = info.nxt
    if b.name in _INTERRUPT_REGS:

        def op_irq() -> int:
            v = check(cpu)
            if v is _OK:
                write(cpu, regs[t])
                chk = cpu.interrupt_check
                return nxt if chk is None else chk(nxt)
            return refuse(v)

        return op_irq

    def op() -> int:
        v = check(cpu)
        if v is _OK:
            write(cpu, regs[t])
            return nxt
        return refuse(v)

    return op


def MRC(ctx: ExecContext, info: InsnInfo, cp: int, opc1: int, CRn: int, t: int, CRm: int, opc2: int) -> Op:
    """A8.8 MRC, MRC2: R[t] = Coproc_GetOneWord(); t == 15 writes APSR.NZCV = value<31:28>."""
    acc = CoprocAccess(AccessKind.MRC, cp, opc1, CRn, CRm, opc2, rt=t, two=_two(info))
    cpu = ctx.cpu
    regs = ctx.regs
    flags = ctx.flags
    b, refuse = _bind(ctx, info, acc)
    check = b.check
    read = b.read
    nxt = info.nxt
    if t == 15:

        def op_nzcv() -> int:
            v = check(cpu)
            if v is _OK:
                flags[0] = (read(cpu) >> 28) & 0xF
                return nxt
            return refuse(v)

        return handles(op_nzcv, pc=True)  # Rt == 15 names APSR_nzcv, not the PC

    def op() -> int:
        v = check(cpu)
        if v is _OK:
            regs[t] = read(cpu) & MASK32
            return nxt
        return refuse(v)

    return handles(op, pc=True)


def MCRR(ctx: ExecContext, info: InsnInfo, cp: int, opc1: int, t: int, t2: int, CRm: int) -> Op:
    """A8.8 MCRR, MCRR2: Coproc_SendTwoWords(R[t2], R[t]) as one 64-bit value R[t2]:R[t]."""
    acc = CoprocAccess(AccessKind.MCRR, cp, opc1, 0, CRm, 0, rt=t, rt2=t2, two=_two(info))
    cpu = ctx.cpu
    regs = ctx.regs
    b, refuse = _bind(ctx, info, acc)
    check = b.check
    write = b.write
    nxt = info.nxt

    def op() -> int:
        v = check(cpu)
        if v is _OK:
            write(cpu, (regs[t2] << 32) | regs[t])
            return nxt
        return refuse(v)

    return op


def MRRC(ctx: ExecContext, info: InsnInfo, cp: int, opc1: int, t: int, t2: int, CRm: int) -> Op:
    """A8.8 MRRC, MRRC2: (R[t2], R[t]) = Coproc_GetTwoWords() (bits 63:32, 31:0)."""
    acc = CoprocAccess(AccessKind.MRRC, cp, opc1, 0, CRm, 0, rt=t, rt2=t2, two=_two(info))
    cpu = ctx.cpu
    regs = ctx.regs
    b, refuse = _bind(ctx, info, acc)
    check = b.check
    read = b.read
    nxt = info.nxt

    def op() -> int:
        v = check(cpu)
        if v is _OK:
            value = read(cpu)
            regs[t] = value & MASK32
            regs[t2] = (value >> 32) & MASK32
            return nxt
        return refuse(v)

    return op


def CDP(ctx: ExecContext, info: InsnInfo, cp: int, opc1: int, CRd: int, CRn: int, CRm: int, opc2: int) -> Op:
    """A8.8 CDP, CDP2: Coproc_InternalOperation(), delivered as a bus write of 0 with kind CDP."""
    acc = CoprocAccess(AccessKind.CDP, cp, opc1, CRn, CRm, opc2, crd=CRd, two=_two(info))
    cpu = ctx.cpu
    b, refuse = _bind(ctx, info, acc)
    check = b.check
    write = b.write
    nxt = info.nxt

    def op() -> int:
        v = check(cpu)
        if v is _OK:
            write(cpu, 0)
            return nxt
        return refuse(v)

    return op



def _loader(ctx: ExecContext, b: Binding) -> Callable[[CPUState, int], None]:
    """The LDC word loop (A8.8 LDC): MemA[address, 4] to the coprocessor until Coproc_DoneLoading."""
    read32 = ctx.read32
    write = b.write
    done = b.done

    def transfer_in(cpu: CPUState, address: int) -> None:
        count = 0
        while True:
            if address & 3:
                raise AlignmentFault(address, 4, False)
            write(cpu, read32(address))
            count += 1
            address = (address + 4) & MASK32
            if done(cpu, count):
                return

    return transfer_in


def _storer(ctx: ExecContext, b: Binding) -> Callable[[CPUState, int], None]:
    """The STC word loop (A8.8 STC): Coproc_GetWordToStore() to MemA[address, 4] until Coproc_DoneStoring."""
    write32 = ctx.write32
    read = b.read
    done = b.done

    def transfer_out(cpu: CPUState, address: int) -> None:
        count = 0
        while True:
            if address & 3:
                raise AlignmentFault(address, 4, True)
            write32(address, read(cpu) & MASK32)
            count += 1
            address = (address + 4) & MASK32
            if done(cpu, count):
                return

    return transfer_out


def _am(index: bool, wback: bool, literal: bool) -> int:
    """HSR.ISS.AM of an LDC/STC (reference 3.2): 000 unindexed, 001 post-, 010 offset, 011 pre-indexed;
    literal: 100 unindexed, 110 offset."""
    if literal:
        return 0b110 if index else 0b100
    return (0b010 if index else 0) | (1 if wback else 0)


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
    acc = CoprocAccess(AccessKind.LDC, cp, 0, 0, 0, 0, rt=n, crd=CRd, long=D, two=_two(info))
    cpu = ctx.cpu
    regs = ctx.regs
    b, refuse = _bind(ctx, info, acc, imm32 >> 2, add, _am(index, wback, False))
    check = b.check
    transfer_in = _loader(ctx, b)
    nxt = info.nxt
    offset = imm32 if add else -imm32

    def op() -> int:
        v = check(cpu)
        if v is not _OK:
            return refuse(v)
        base = regs[n]
        offset_addr = (base + offset) & MASK32
        address = offset_addr if index else base
        transfer_in(cpu, address)
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
    acc = CoprocAccess(AccessKind.LDC, cp, 0, 0, 0, 0, rt=15, crd=CRd, long=D, two=_two(info))
    cpu = ctx.cpu
    b, refuse = _bind(ctx, info, acc, imm32 >> 2, add, _am(index, False, True))
    check = b.check
    transfer_in = _loader(ctx, b)
    nxt = info.nxt

    def op() -> int:
        v = check(cpu)
        if v is not _OK:
            return refuse(v)
        transfer_in(cpu, start)
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
    acc = CoprocAccess(AccessKind.STC, cp, 0, 0, 0, 0, rt=n, crd=CRd, long=D, two=_two(info))
    cpu = ctx.cpu
    regs = ctx.regs
    b, refuse = _bind(ctx, info, acc, imm32 >> 2, add, _am(index, wback, False))
    check = b.check
    transfer_out = _storer(ctx, b)
    nxt = info.nxt
    offset = imm32 if add else -imm32

    def op() -> int:
        v = check(cpu)
        if v is not _OK:
            return refuse(v)
        base = regs[n]
        offset_addr = (base + offset) & MASK32
        address = offset_addr if index else base
        transfer_out(cpu, address)
        if wback:
            regs[n] = offset_addr
        return nxt

    return op
