"""Branch semantics (DDI 0406C A4.3, A8.8.18 B, A8.8.25 BL/BLX (immediate), A8.8.26-A8.8.28).

Immediate branches bake their target key at build time, so the op is a
constant return.  Register branches inline BXWritePC (A2.3.1): bit 0 selects
Thumb; an ARM target with address<1:0> == '10' is UNPREDICTABLE and armsim
clears bit 1, as :func:`armsim.isa.ops.common.BXWritePC` does.
"""

from __future__ import annotations

from typing import Any, List

from armsim.coproc.syndrome import hsr_bxj
from armsim.cpu.modes import Mode
from armsim.cpu.sysregs import HSTR
from armsim.isa.contract import ExecContext, InsnInfo, Op, handles
from armsim.isa.ops.common import BranchWritePC, BXWritePC
from armsim.isa.template import Template, template_op

MASK32 = 0xFFFFFFFF
_HYP = int(Mode.HYP)
_MON = int(Mode.MON)


def _op(ctx: ExecContext, info: InsnInfo, name: str, lines: List[str], **slots: Any) -> Op:
    return template_op(ctx.regs, ctx.flags, Template(name, lines, {"nxt": info.nxt, **slots}))


def B(ctx: ExecContext, info: InsnInfo, imm32: int) -> Op:
    """A8.8.18 B: BranchWritePC(PC + imm32), PC = this instruction + 8 (ARM) / + 4 (Thumb).

    The target key is a build-time constant; build_op adds ConditionPassed().
    """
    target = BranchWritePC(info.pcv + imm32, info.thumb)
    return handles(_op(ctx, info, "B", ["return target"], target=target), pc=True)


def BL_immediate(ctx: ExecContext, info: InsnInfo, imm32: int, to_thumb: bool) -> Op:
    """A8.8.25 BL, BLX (immediate): LR = next instruction (bit 0 set from Thumb), branch.

    The target instruction set is ``to_thumb``; an ARM target is Align(PC, 4) + imm32,
    a Thumb target PC + imm32.
    """
    lr = info.nxt  # ARM: PC - 4; Thumb: PC<31:1>:'1' (the next instruction's key)
    base = info.pcv if to_thumb else info.pcv & ~3
    target = BranchWritePC(base + imm32, to_thumb)
    return handles(_op(ctx, info, "BL", ["regs[14] = lr", "return target"], lr=lr, target=target), pc=True)


# BXWritePC (A2.3.1) of a register value, inlined: bit 0 selects Thumb, else ARM (bit 1 cleared).
_BX = "return v if v & 1 else v & 0xFFFFFFFC"


def BX(ctx: ExecContext, info: InsnInfo, m: int) -> Op:
    """A8.8.27 BX: BXWritePC(R[m])."""
    if m == 15:
        target = BXWritePC(info.pcv)
        return handles(_op(ctx, info, "BX pc", ["return target"], target=target), pc=True)
    return _op(ctx, info, "BX", ["v = regs[m]", _BX], m=m)


def BXJ(ctx: ExecContext, info: InsnInfo, m: int) -> Op:
    """A8.8.28 BXJ with the trivial Jazelle implementation (A2.10): behaves as BX, J stays 0.

    B1.14.5 "Trapping accesses to Jazelle functionality": with HSTR.TJDBX set, a BXJ
    from Non-secure PL0/PL1 (a condition-failed one never reaches the op) is a Hyp Trap,
    HSR.EC 0x0A with CV = 1, COND and Rm (B3.13.6).
    """
    bx = BX(ctx, info, m)
    cpu = ctx.cpu
    sr = cpu.sys
    exc = ctx.exc
    key = info.key
    hsr = hsr_bxj(int(info.size == 4), info.cond & 0xF, m)
    tjdbx = HSTR["TJDBX"].mask

    def op() -> int:
        if sr.HSTR & tjdbx and sr.SCR & 1 and cpu.mode != _HYP and cpu.mode != _MON:
            return exc.TakeHypTrapException(key, hsr, "BXJ trapped by HSTR.TJDBX")
        return bx()

    return handles(op, pc=True)


def BLX_register(ctx: ExecContext, info: InsnInfo, m: int) -> Op:
    """A8.8.26 BLX (register): target = R[m]; LR = next instruction; BXWritePC(target)."""
    lr = info.nxt  # ARM: PC - 4; Thumb: (PC - 2)<31:1>:'1'
    return _op(ctx, info, "BLX", ["v = regs[m]", "regs[14] = lr", _BX], m=m, lr=lr)
