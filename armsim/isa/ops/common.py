"""PC-writing pseudocode shared by all operations (DDI 0406C A2.3.1, B1.8.x), and template helpers.

These return the engine PC *key* of the branch target (bit 0 = Thumb state).
The exception return (CPSR <- SPSR, then BranchWritePC) is
:func:`armsim.cpu.exception_return.ExceptionReturn`.
"""

from __future__ import annotations

from typing import Any, List, Sequence

from armsim.isa.contract import ExecContext, InsnInfo, Op
from armsim.isa.template import Template, template_op

MASK32 = 0xFFFFFFFF


def template(ctx: ExecContext, info: InsnInfo, name: str, lines: Sequence[str], stores: bool = False,
             **slots: Any) -> Op:
    """The op of one operation's template body (:mod:`armsim.isa.template`), slot ``nxt`` = the next key.

    The same body is spliced into translated blocks (:mod:`armsim.exec.blocks`).
    """
    return template_op(ctx.regs, ctx.flags, Template(name, lines, {"nxt": info.nxt, **slots}, stores))


def saturate_q(v: str, hi: str, lo: str) -> List[str]:
    """Template lines of SignedSatQ / UnsignedSatQ (A2.2.2): clamp ``v`` to [lo, hi]; APSR.Q = 1 if it saturates."""
    return [f"if {v} > {hi}:", f"    {v} = {hi}", "    flags[1] = 1", f"elif {v} < {lo}:", f"    {v} = {lo}",
            "    flags[1] = 1"]


def BranchWritePC(address: int, thumb: bool) -> int:
    """A2.3.1 BranchWritePC: stay in the current instruction set, align the target."""
    if thumb:
        return (address & ~1 & MASK32) | 1
    return address & ~3 & MASK32


def BXWritePC(address: int) -> int:
    """A2.3.1 BXWritePC: bit 0 selects the instruction set.

    UNPREDICTABLE (A2.3.1): address<1:0> == '10' in ARM state; armsim
    chooses to clear bit 1 (as BranchWritePC does).
    """
    if address & 1:
        return address & MASK32
    return address & ~3 & MASK32


def LoadWritePC(address: int) -> int:
    """A2.3.1 LoadWritePC: ARMv5T and above interwork (BXWritePC)."""
    return BXWritePC(address)


def ALUWritePC(address: int, thumb: bool) -> int:
    """A2.3.1 ALUWritePC: interworks in ARM state (v7), a plain branch in Thumb state."""
    if thumb:
        return BranchWritePC(address, True)
    return BXWritePC(address)
