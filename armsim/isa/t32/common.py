"""Decode-time helpers shared by the T16 and T32 rows (DDI 0406C A6, A2.5.2).

An op inside an IT block is decoded for its ITSTATE, which the row adapters
read from ``info.key`` (bits 39:32, see :mod:`armsim.isa.ops.thumb`).
"""

from __future__ import annotations

from typing import Any, Callable

from armsim.isa.contract import ExecContext, InsnInfo, Op, Unpredictable
from armsim.isa.ops.thumb import InITBlock, ITSTATE_of, LastInITBlock

Builder = Callable[..., Op]


def in_it(info: InsnInfo) -> bool:
    """InITBlock() for the instruction being decoded."""
    return InITBlock(ITSTATE_of(info.key))


def not_in_it(info: InsnInfo, what: str) -> None:
    """UNPREDICTABLE inside an IT block (A2.5.2): we choose UNDEFINED."""
    if in_it(info):
        raise Unpredictable(f"{what} inside an IT block")


def last_or_outside_it(info: InsnInfo, what: str) -> None:
    """UNPREDICTABLE inside an IT block unless last (A2.5.2, branches and PC writes): we choose UNDEFINED."""
    it = ITSTATE_of(info.key)
    if InITBlock(it) and not LastInITBlock(it):
        raise Unpredictable(f"{what} inside an IT block but not last")


def no_pc_sp(what: str, *regs: int) -> None:
    """The T32 rule "if d IN {13,15} || ... then UNPREDICTABLE": we choose UNDEFINED."""
    for r in regs:
        if r in (13, 15):
            raise Unpredictable(f"{what}: R13 or R15 operand")


def no_pc(what: str, *regs: int) -> None:
    for r in regs:
        if r == 15:
            raise Unpredictable(f"{what}: R15 operand")


def fixed(builder: Builder, **values: Any) -> Builder:
    """An adapter passing constant fields (the bits a T32 row fixes) on to a shared adapter."""

    def build(ctx: ExecContext, info: InsnInfo, **fields: Any) -> Op:
        return builder(ctx, info, **values, **fields)

    build.__name__ = getattr(builder, "__name__", "build")
    build.__doc__ = builder.__doc__
    return build


def drop(builder: Callable[[ExecContext, InsnInfo], Op]) -> Builder:
    """An adapter for rows whose fields do not matter (hints, barrier options)."""

    def build(ctx: ExecContext, info: InsnInfo, **_fields: Any) -> Op:
        return builder(ctx, info)

    build.__name__ = getattr(builder, "__name__", "build")
    return build
