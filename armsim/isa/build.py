"""Turn a matched row into an executable op (the common part of every encoding).

``build_op`` calls the row's builder with the row's fields, then applies the
rules every instruction shares, so builders hold only their semantics:

* UNDEFINED / UNPREDICTABLE (raised by the builder) -> an op that takes the
  Undefined exception (B1.9.6), under the instruction's condition (below).
* A register field naming R15 -> the op first writes the PC-as-operand value
  (A2.3: this instruction's address + 8 in ARM state, + 4 in Thumb) into
  ``regs[15]`` -- unless the builder declared ``handles(op, pc=True)`` (it
  baked the value in, or the field does not name a PC operand).
* A condition other than AL -> ConditionPassed() (A8.3.1) guards the op;
  a failed condition just moves to the next instruction.  A builder may
  check ``info.cond`` inline in its op instead and declare
  ``handles(op, cond=True)``.

One rule for UNDEFINED under a condition.  DDI 0406C A8.3 ("Conditional
execution of undefined instructions") lets an implementation choose whether
an UNDEFINED instruction whose condition fails takes the Undefined exception
or executes as a NOP.  armsim makes one choice for every kind of UNDEFINED in
the A32 conditional space (cond != 1111): an encoding no decoder row matches,
one a builder rejects (UNDEFINED, or an UNPREDICTABLE case armsim treats as
UNDEFINED), and the run-time checks inside ops (coprocessor access, mode
checks).  The condition is tested first: a failed condition is a NOP, a
passed one takes the Undefined Instruction exception (as QEMU and unicorn
do).  The unconditional space (cond == 1111) has no condition to fail.
"""

from __future__ import annotations

from typing import Any, Dict

from armsim.isa.conditions import COND_PASSED
from armsim.isa.contract import ExecContext, InsnInfo, Op, Undefined, handles_cond, handles_pc
from armsim.isa.decoder import Row
from armsim.isa.template import conditional, template_of, template_op, with_pc_operand

_REG_FIELDS = ("Rd", "Rn", "Rm", "Rs", "Rt", "Rt2", "Ra", "RdHi", "RdLo", "Rdn", "Rdm")


def undefined_op(ctx: ExecContext, info: InsnInfo, reason: str) -> Op:
    take = ctx.exc.TakeUndefInstrException
    key = info.key

    def op() -> int:
        return take(key, reason)

    return op


def conditional_undefined(ctx: ExecContext, info: InsnInfo, cond: int, reason: str) -> Op:
    """An UNDEFINED A32 encoding: a NOP when ``cond`` fails, else the Undefined exception (see the module doc)."""
    op = undefined_op(ctx, info, reason)
    if cond in (14, 15):
        return op
    return with_cond(op, cond, ctx.flags, info.nxt)


def _reads_pc(fields: Dict[str, int]) -> bool:
    for name in _REG_FIELDS:
        if fields.get(name) == 15:
            return True
    return bool(fields.get("register_list", 0) & 0x8000)


def with_pc(op: Op, regs: Any, pcv: int) -> Op:
    def op_pc() -> int:
        regs[15] = pcv
        return op()

    return op_pc


def with_cond(op: Op, cond: int, flags: Any, nxt: int) -> Op:
    passed = COND_PASSED[cond]

    def op_cond() -> int:
        if passed[flags[0]]:
            return op()
        return nxt

    return op_cond


def build_op(ctx: ExecContext, row: Row, info: InsnInfo, fields: Dict[str, int]) -> Op:
    # A32 and T16/T32 B: the row's cond field; a Thumb op in an IT block: the
    # condition insn_info() took from ITSTATE; otherwise AL.
    cond = fields.pop("cond", info.cond)
    info.cond = cond
    try:
        op = row.builder(ctx, info, **fields)
    except Undefined as e:
        return conditional_undefined(ctx, info, cond, f"{row.name}: {e}" if str(e) else f"UNDEFINED {row.name}")
    pc = _reads_pc(fields) and not handles_pc(op)
    guard = cond != 14 and not handles_cond(op)
    tpl = template_of(op)
    if tpl is not None and (pc or guard):
        # One function, not a chain of wrappers: wrap the template and generate its op again.
        if pc:
            tpl = with_pc_operand(tpl, info.pcv)
        if guard:
            tpl = conditional(tpl, COND_PASSED[cond])
        return template_op(ctx.regs, ctx.flags, tpl)
    if pc:
        op = with_pc(op, ctx.regs, info.pcv)
    if guard:
        op = with_cond(op, cond, ctx.flags, info.nxt)
    return op
