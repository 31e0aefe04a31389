"""Operations only the Thumb instruction set encodes (DDI 0406C A8.8.29 CBZ/CBNZ, A8.8.54 IT, A8.8.238 TBB/TBH).

IT state lives in the engine's PC key (DESIGN.md section 5, BRIEF "Engine PC key"):
``key = addr | 1 | (ITSTATE << 32)``.  An op decoded inside an IT block was
decoded for that ITSTATE, so ``info.nxt`` already carries ``ITAdvance``.
"""

from __future__ import annotations

from armsim.cpu.psr import ITAdvance
from armsim.isa.contract import ExecContext, InsnInfo, Op, handles

__all__ = ["CBZ", "IT", "TBB", "ITAdvance", "ITSTATE_of", "InITBlock", "LastInITBlock"]

MASK32 = 0xFFFFFFFF


def ITSTATE_of(key: int) -> int:
    """ITSTATE<7:0> from an engine PC key (bits 39:32; 0 outside an IT block)."""
    return (key >> 32) & 0xFF


def InITBlock(itstate: int) -> bool:
    """A2.5.2 InITBlock(): ITSTATE<3:0> != '0000'."""
    return itstate & 0xF != 0


def LastInITBlock(itstate: int) -> bool:
    """A2.5.2 LastInITBlock(): ITSTATE<3:0> == '1000'."""
    return itstate & 0xF == 0x8


def IT(ctx: ExecContext, info: InsnInfo, firstcond: int, mask: int) -> Op:
    """A8.8.54 IT: ITSTATE<7:0> = firstcond:mask for the instructions that follow."""
    target = (info.nxt & MASK32) | (((firstcond << 4) | mask) << 32)

    def op() -> int:
        return target

    return handles(op, pc=True)


def CBZ(ctx: ExecContext, info: InsnInfo, n: int, imm32: int, nonzero: bool) -> Op:
    """A8.8.29 CBNZ, CBZ: branch to PC + imm32 if R[n] is (non)zero; flags unchanged."""
    regs = ctx.regs
    nxt = info.nxt
    target = ((info.pcv + imm32) & MASK32) | 1
    if nonzero:

        def op_nz() -> int:
            return target if regs[n] else nxt

        return handles(op_nz, pc=True)

    def op_z() -> int:
        return nxt if regs[n] else target

    return handles(op_z, pc=True)


def TBB(ctx: ExecContext, info: InsnInfo, n: int, m: int, is_tbh: bool) -> Op:
    """A8.8.238 TBB, TBH: BranchWritePC(PC + 2 * table[R[m]]), the table at R[n] (PC + 4 for n == 15)."""
    regs = ctx.regs
    pcv = info.pcv
    if is_tbh:
        read16 = ctx.read16

        def op_h() -> int:
            base = pcv if n == 15 else regs[n]
            return ((pcv + 2 * read16((base + (regs[m] << 1)) & MASK32)) & MASK32) | 1

        return handles(op_h, pc=True)
    read8 = ctx.read8

    def op_b() -> int:
        base = pcv if n == 15 else regs[n]
        return ((pcv + 2 * read8((base + regs[m]) & MASK32)) & MASK32) | 1

    return handles(op_b, pc=True)
