"""Data-processing operations (DDI 0406C A8.8; A5.2.1-A5.2.3, A5.2.8, A5.2.9 for the A32 encodings).

AND, EOR, SUB, RSB, ADD, ADC, SBC, RSC, TST, TEQ, CMP, CMN, ORR, MOV, BIC, MVN
(and ORN, which only Thumb encodes) in their three operand forms:

* immediate: ``dp_immediate(ctx, info, op, d, n, imm32, carry, setflags)``, with
  ``carry`` the carry out of the immediate expansion (ARMExpandImm_C /
  ThumbExpandImm_C) or None when the expansion passes APSR.C through;
* register with an immediate shift: ``dp_register(ctx, info, op, d, n, m, shift_t, shift_n, setflags)``
  (the MOV (register) family covers LSL/LSR/ASR/ROR/RRX (immediate));
* register-shifted register: ``dp_register_shifted(ctx, info, op, d, n, m, s, shift_t, setflags)``
  (MOV here is LSL/LSR/ASR/ROR (register)).

``op`` names the operation ("ADD", "CMP", ...).  Compare operations ignore ``d``;
MOV and MVN ignore ``n``.  A destination of R15 is ALUWritePC (A2.3.1), or with
``setflags`` the exception return of B9.3.20 "SUBS PC, LR and related instructions".

Speed: every op is specialised at build time on the operation, the operand
form (immediate; register; LSL #k; LSR/ASR/ROR #k; RRX; register-shifted by
type), S and the destination kind.  Rather than write out each of those
hundreds of closures, a small generator assembles the closure's source from
the expression templates below and compiles one *factory* per combination
(on first use, then cached).  A factory takes the instruction's constants
(register numbers, immediates, shift amounts) and returns the op, so e.g.
``ADD r0, r1, #4`` runs ``regs[d] = (regs[n] + imm) & 0xFFFFFFFF; return nxt``.
:func:`op_source` shows the source of any combination.

Flag setting avoids generic arithmetic on the flags: NZCV comes from small
tables indexed by operand signs and ``r >> 31`` (arithmetic, see
:func:`_flag_table`) or by the result's sign and the old NZCV (logical), so a
CMP is ``r = a - imm; flags[0] = t[a >> 31][r >> 31] if r else 6``.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

from armsim.cpu.exception_return import ExceptionReturn, ExceptionReturnProblem
from armsim.cpu.modes import Mode
from armsim.isa.bits import SRType_ASR, SRType_LSL, SRType_LSR, SRType_ROR, SRType_RRX
from armsim.isa.contract import ExecContext, InsnInfo, Op, handles
from armsim.isa.ops.common import ALUWritePC, template
from armsim.isa.template import Template, conditional_lines, template_op

MASK32 = 0xFFFFFFFF

# Carry in (APSR.C as 0/1), as an expression inside an op.
_C_IN = "(flags[0] >> 1 & 1)"


class _Spec(NamedTuple):
    """How one operation computes its result and flags.

    Logical operations: ``expr`` (in ``{a}`` = R[n], ``{b}`` = the shifted
    operand) is the result.  Arithmetic operations are AddWithCarry(x, y, c)
    with x, y = R[n], op2 (``swap``: op2, R[n]): ``expr`` (in ``{x}``, ``{y}``)
    is the exact sum r -- ``x + y + c`` for "add" operations, ``x - y - 1 + c``
    (= x + NOT(y) + c - 2^32) for "sub" ones -- and the result is r<31:0>.
    """

    logical: bool
    writes: bool
    reads_n: bool
    expr: str
    kind: str = ""  # "add" / "sub"
    swap: bool = False
    carry_in: bool = False


# A8.8.x, operation by operation (AddWithCarry forms from the manual's pseudocode).
SPECS: Dict[str, _Spec] = {
    "AND": _Spec(True, True, True, "{a} & {b}"),  # A8.8.13-15
    "EOR": _Spec(True, True, True, "{a} ^ {b}"),  # A8.8.46-48
    "ORR": _Spec(True, True, True, "{a} | {b}"),  # A8.8.122-124
    "ORN": _Spec(True, True, True, "{a} | {b} ^ 0xFFFFFFFF"),  # A8.8.120-121 (Thumb only)
    "BIC": _Spec(True, True, True, "{a} & ~{b}"),  # A8.8.21-23
    "MOV": _Spec(True, True, False, "{b}"),  # A8.8.102-105; A8.8.16-17, 94-97, 149-151 (shifts)
    "MVN": _Spec(True, True, False, "{b} ^ 0xFFFFFFFF"),  # A8.8.115-117
    "TST": _Spec(True, False, True, "{a} & {b}"),  # A8.8.240-242
    "TEQ": _Spec(True, False, True, "{a} ^ {b}"),  # A8.8.237-239
    # AddWithCarry(R[n], op2, '0'): A8.8.4-8, A8.8.34-36
    "ADD": _Spec(False, True, True, "{x} + {y}", "add"),
    "CMN": _Spec(False, False, True, "{x} + {y}", "add"),
    # AddWithCarry(R[n], op2, APSR.C): A8.8.1-3
    "ADC": _Spec(False, True, True, "{x} + {y} + " + _C_IN, "add", carry_in=True),
    # AddWithCarry(R[n], NOT(op2), '1'): A8.8.221-226, A8.8.37-39
    "SUB": _Spec(False, True, True, "{x} - {y}", "sub"),
    "CMP": _Spec(False, False, True, "{x} - {y}", "sub"),
    # AddWithCarry(R[n], NOT(op2), APSR.C): A8.8.161-163
    "SBC": _Spec(False, True, True, "{x} - {y} - 1 + " + _C_IN, "sub", carry_in=True),
    # AddWithCarry(NOT(R[n]), op2, '1'): A8.8.152-154
    "RSB": _Spec(False, True, True, "{x} - {y}", "sub", swap=True),
    # AddWithCarry(NOT(R[n]), op2, APSR.C): A8.8.155-157
    "RSC": _Spec(False, True, True, "{x} - {y} - 1 + " + _C_IN, "sub", swap=True, carry_in=True),
}


def _flag_table(kind: str) -> Tuple[Tuple[Tuple[int, ...], ...], ...]:
    """NZCV (Z clear) of AddWithCarry as ``T[x<31>][y<31>][r >> 31]`` (A2.2.1).

    For "add", r = x + y + c lies in [0, 2^33): r >> 31 is C:N.  For "sub",
    r = x - y - 1 + c lies in [-2^32, 2^32): r >> 31 is -2..1, C = (r >= 0),
    N = bit 0 (negative indexes wrap, as Python's do).  V is set when the
    operands' signs make overflow possible and the result's sign differs from
    x's: same signs for "add", different signs for "sub" (y is inverted).
    Indexing by sign bits and r >> 31 keeps every intermediate a small int.
    """
    table = []
    for x31 in (0, 1):
        row = []
        for y31 in (0, 1):
            entry = [0, 0, 0, 0]
            for q in (0, 1, 2, 3) if kind == "add" else (-2, -1, 0, 1):
                n = q & 1
                c = (q >> 1) if kind == "add" else int(q >= 0)
                v = int((x31 == y31) == (kind == "add") and n != x31)
                entry[q] = n << 3 | c << 1 | v
            row.append(tuple(entry))
        table.append(tuple(row))
    return tuple(table)


_TABLES = {"add": _flag_table("add"), "sub": _flag_table("sub")}


def _table_for(spec: _Spec, imm: Optional[int]) -> Any:
    """The flag table an op indexes: whole, or fixed by the immediate's sign (x for RSB/RSC, else y)."""
    table = _TABLES[spec.kind]
    if imm is None:
        return table
    sign = imm >> 31
    if spec.swap:
        return table[sign]
    return (table[0][sign], table[1][sign])


# The A32 data-processing opcode field (A5.2.1 / A5.2.2 / A5.2.3, bits 24:21).
A32_OPCODES: Tuple[str, ...] = (
    "AND", "EOR", "SUB", "RSB", "ADD", "ADC", "SBC", "RSC",
    "TST", "TEQ", "CMP", "CMN", "ORR", "MOV", "BIC", "MVN",
)  # fmt: skip

# -- operand forms -------------------------------------------------------------
#
# Each form gives (setup lines, operand expression, carry-out expression).  The
# carry expression yields the shifter's carry out as 0 or 1; None means the
# carry is APSR.C unchanged or a build-time constant (the immediate forms).
# Closure constants: imm (immediate), k (shift amount), j (a derived shift
# amount), m, s (register numbers).  When ``carry`` is False the setup may be
# skipped and the operand inlined.

_Operand = Tuple[List[str], str, Optional[str]]

_KEEP_C = "(flags[0] >> 1 & 1)"


def _operand(form: str, carry: bool) -> _Operand:
    """A8.4.3 Shift_C for each operand form (DecodeImmShift / register-controlled amounts)."""
    x = "x" if carry else "regs[m]"
    setup = ["x = regs[m]"] if carry else []
    if form == "imm":
        return [], "imm", None
    if form == "reg":
        return [], "regs[m]", None
    if form == "lsl":  # k = 1..31, j = 32 - k: carry = x<32-k>
        return setup, f"({x} << k & 0xFFFFFFFF)", "(x >> j & 1)"
    if form == "lsr":  # k = 1..32, j = k - 1: carry = x<k-1>
        return setup, f"({x} >> k)", "(x >> j & 1)"
    if form == "asr":  # k = 1..32, j = k - 1: carry = x<k-1> (the sign for k = 32)
        return setup, f"((({x} ^ 0x80000000) - 0x80000000) >> k & 0xFFFFFFFF)", "(x >> j & 1)"
    if form == "ror":  # k = 1..31, j = k - 1: carry = result<31> = x<k-1>
        return ["x = regs[m]"], "((x >> k | x << 32 - k) & 0xFFFFFFFF)", "(x >> j & 1)"
    if form == "rrx":  # carry in -> bit 31, carry = x<0>
        return setup, f"({x} >> 1 | (flags[0] & 2) << 30)", "(x & 1)"
    # Register-controlled shifts: amount amt = R[s]<7:0>, 0..255 (Shift_C with amount 0 keeps C).
    sh = ["amt = regs[s] & 0xFF"]
    if form == "rlsl":
        return sh + setup, f"({x} << amt & 0xFFFFFFFF)", f"((x << amt >> 32 & 1) if amt else {_KEEP_C})"
    if form == "rlsr":
        return sh + setup, f"({x} >> amt)", f"((x >> amt - 1 & 1) if amt else {_KEEP_C})"
    if form == "rasr":
        sx = ["sx = (regs[m] ^ 0x80000000) - 0x80000000"]
        return sh + sx, "(sx >> amt & 0xFFFFFFFF)", f"((sx >> amt - 1 & 1) if amt else {_KEEP_C})"
    if form == "rror":  # ROR by a multiple of 32 leaves x and sets C = x<31>
        return (
            [*sh, "u = amt & 31", "x = regs[m]"],
            "((x >> u | x << 32 - u) & 0xFFFFFFFF)",
            f"(((x >> u - 1 & 1) if u else x >> 31) if amt else {_KEEP_C})",
        )
    raise ValueError(f"unknown operand form {form!r}")


def _logic_tables(carry: Optional[int]) -> Tuple[Any, Any, Any]:
    """NZCV after a logical S operation, as ``(T[0], T[1], T[zero])`` indexed by the result's sign.

    Each entry maps the old NZCV (0-15) to the new one: N, Z from the result,
    V kept, C kept (``carry`` None), a constant (0/1), or -- ``carry`` == -1 --
    selected first by the shifter's carry out: ``T[sign][carry][old]``.
    """

    def one(n: int, z: int, c: Optional[int]) -> Tuple[int, ...]:
        keep = 3 if c is None else 1
        cbits = 0 if c is None else c << 1
        return tuple(n << 3 | z << 2 | cbits | (old & keep) for old in range(16))

    cases = ((0, 0), (1, 0), (0, 1))
    if carry == -1:
        return tuple(tuple(one(n, z, c) for c in (0, 1)) for n, z in cases)  # type: ignore[return-value]
    return tuple(one(n, z, carry) for n, z in cases)  # type: ignore[return-value]


_LOGIC_KEEP = _logic_tables(None)
_LOGIC_CONST = (_logic_tables(0), _logic_tables(1))
_LOGIC_SHIFTED = _logic_tables(-1)


# Destination kinds: "reg" (R[d] or nothing for compares), "pc" (ALUWritePC),
# "eret" (B9.3.20 exception return).


def _arith_flags_source(spec: _Spec, const: bool, body: List[str]) -> None:
    """Append the lines of an arithmetic S=1 op after ``a`` and ``b`` are set.

    With an immediate operand, ``t`` is the flag table already indexed by the
    immediate's sign (see :func:`_flag_table`); else ``t`` is the whole table.
    """
    b = "imm" if const else "b"
    x, y = (b, "a") if spec.swap else ("a", b)
    body.append("r = " + spec.expr.format(x=x, y=y))
    if const:
        nzcv = "t[a >> 31][r >> 31]"
    else:
        nzcv = f"t[{x} >> 31][{y} >> 31][r >> 31]"
    if spec.kind == "sub" and not spec.carry_in:
        # x - y: the result is zero only when r == 0, and then NZCV = 0110.
        if spec.writes:
            body += ["res = r & 0xFFFFFFFF", "regs[d] = res"]
        body.append(f"flags[0] = {nzcv} if r else 6")
    else:
        body.append("res = r & 0xFFFFFFFF")
        if spec.writes:
            body.append("regs[d] = res")
        body.append(f"flags[0] = {nzcv} if res else {nzcv} | 4")


def op_body(op: str, form: str, setflags: bool, dest: str = "reg") -> List[str]:
    """The template body (:mod:`armsim.isa.template`) of one specialisation.

    Slots: d, n, m, s (register numbers), imm, k, j (immediate, shift amounts),
    t (flag table), nxt, wpc (ALUWritePC), eret (exception return).
    """
    spec = SPECS[op]
    flags_out = setflags and dest == "reg"
    carry = flags_out and spec.logical
    setup, b, carry_expr = _operand(form, carry)
    body: List[str] = list(setup)
    if not flags_out:
        if spec.logical:
            value = spec.expr.format(a="regs[n]", b=b)
        else:
            x, y = (b, "regs[n]") if spec.swap else ("regs[n]", b)
            value = "(" + spec.expr.format(x=x, y=y) + ") & 0xFFFFFFFF"
        if dest == "pc":
            body.append(f"return wpc({value})")
        elif dest == "eret":
            body.append(f"return eret({value})")
        elif spec.writes:
            body += [f"regs[d] = {value}", "return nxt"]
        else:
            body.append("return nxt")
    elif spec.logical:
        body.append("res = " + spec.expr.format(a="regs[n]", b=b))
        if spec.writes:
            body.append("regs[d] = res")
        if carry_expr is None:  # t: _LOGIC_KEEP or _LOGIC_CONST[carry]
            body.append("flags[0] = t[res >> 31][flags[0]] if res else t[2][flags[0]]")
        else:  # t: _LOGIC_SHIFTED
            body += [f"cb = {carry_expr}", "flags[0] = t[res >> 31][cb][flags[0]] if res else t[2][cb][flags[0]]"]
        body.append("return nxt")
    else:
        body.append("a = regs[n]")
        const = b == "imm"
        if not const:
            body.append(f"b = {b}")
        _arith_flags_source(spec, const, body)
        body.append("return nxt")
    return body


def op_source(op: str, form: str, setflags: bool, dest: str = "reg", conditional: bool = False) -> str:
    """The Python source of one specialisation's op (its template body, ``conditional``: guarded)."""
    body = op_body(op, form, setflags, dest)
    if conditional:
        body = conditional_lines(body)
    return "\n".join(["def op():", *("    " + line for line in body)]) + "\n"


# -- PC destinations -------------------------------------------------------------


def _write_pc_fn(thumb: bool) -> Callable[[int], int]:
    """A2.3.1 ALUWritePC, as a one-argument function for the op."""

    def wpc(value: int) -> int:
        return ALUWritePC(value, thumb)

    return wpc


def _exception_return_fn(ctx: ExecContext, info: InsnInfo) -> Callable[[int], int]:
    """B9.3.20 SUBS PC, LR and related instructions: ExceptionReturn(result, SPSR[])."""
    cpu = ctx.cpu
    take = ctx.exc.TakeUndefInstrException
    key = info.key

    def eret(result: int) -> int:
        mode = cpu.mode
        if mode == Mode.HYP:
            return take(key, "B9.3.20: SUBS PC, LR and related instructions are UNDEFINED in Hyp mode")
        if mode == Mode.USR or mode == Mode.SYS:
            # UNPREDICTABLE (B9.3.20) in User and System modes: we choose UNDEFINED.
            return take(key, "B9.3.20: exception return in User or System mode (UNPREDICTABLE)")
        spsr = cpu.spsr[mode]
        why = ExceptionReturnProblem(cpu, spsr)
        if why is not None:
            # UNPREDICTABLE (B1.3.3 CPSRWriteByInstr): we choose UNDEFINED.
            return take(key, f"B9.3.20: exception return to {why} (UNPREDICTABLE)")
        return ExceptionReturn(cpu, result, spsr)

    return eret


def _not_built(result: int) -> int:  # pragma: no cover - placeholder never called
    raise AssertionError("PC destination not built")


def _make(
    ctx: ExecContext,
    info: InsnInfo,
    op: str,
    form: str,
    d: int,
    n: int,
    setflags: bool,
    m: int = 0,
    s: int = 0,
    imm: int = 0,
    carry: Optional[int] = None,
    k: int = 0,
    j: int = 0,
) -> Op:
    spec = SPECS[op]
    dest = "reg"
    wpc: Callable[[int], int] = _not_built
    eret: Callable[[int], int] = _not_built
    if spec.writes and d == 15:
        if setflags:
            dest = "eret"
            eret = _exception_return_fn(ctx, info)
        else:
            dest = "pc"
            wpc = _write_pc_fn(info.thumb)
    # The op materialises no PC value itself: only a source register of 15
    # needs build_op's PC-as-operand wrapper (not a destination of 15).
    reads = [m, s] if form != "imm" else []
    if spec.reads_n:
        reads.append(n)
    t: Any = None
    if setflags and dest == "reg":
        if not spec.logical:
            t = _table_for(spec, imm if form == "imm" else None)
        elif form in ("imm", "reg"):
            t = _LOGIC_KEEP if carry is None else _LOGIC_CONST[carry]
        else:
            t = _LOGIC_SHIFTED
    slots: Dict[str, Any] = {"d": d, "n": n, "m": m, "s": s, "imm": imm, "k": k, "j": j, "t": t, "nxt": info.nxt}
    if dest == "pc":
        slots["wpc"] = wpc
    elif dest == "eret":
        slots["eret"] = eret
    name = f"{op} {form}{' S' if setflags else ''}{'' if dest == 'reg' else ' ' + dest}"
    tpl = Template(name, op_body(op, form, setflags, dest), slots)
    return handles(template_op(ctx.regs, ctx.flags, tpl), pc=15 not in reads)


# -- builders -------------------------------------------------------------------


def dp_immediate(
    ctx: ExecContext, info: InsnInfo, op: str, d: int, n: int, imm32: int, carry: Optional[int], setflags: bool
) -> Op:
    """Data-processing (immediate): A8.8.1 ADC ... A8.8.242 TST, "(immediate)" variants.

    ``carry`` is the carry out of the immediate expansion, or None when it
    leaves APSR.C unchanged (an unrotated ARMExpandImm_C).  With n == 15 the PC
    value is baked in (ADR, A8.8.12).
    """
    if op == "MVN":  # NOT(imm32) at build time; the flags are those of MOV of that value
        op = "MOV"
        imm32 ^= MASK32
    if n == 15 and op in ("ADD", "SUB") and not setflags:
        # A8.8.12 ADR (or a branch to a PC-relative constant): the result is a
        # constant, from Align(PC, 4) (which is the PC value itself in ARM state).
        base = info.pcv & ~3
        value = (base + imm32 if op == "ADD" else base - imm32) & MASK32
        return _make(ctx, info, "MOV", "imm", d, 0, False, imm=value)  # reads no register
    return _make(ctx, info, op, "imm", d, n, setflags, imm=imm32, carry=carry)


def dp_register(
    ctx: ExecContext, info: InsnInfo, op: str, d: int, n: int, m: int, shift_t: int, shift_n: int, setflags: bool
) -> Op:
    """Data-processing (register): A8.8.2 ADC ... A8.8.241 TST, "(register)" variants.

    The operand is Shift_C(R[m], shift_t, shift_n, APSR.C) (A8.4.3) with the
    DecodeImmShift amounts: LSL 0-31, LSR/ASR 1-32, ROR 1-31, RRX.
    """
    if shift_t == SRType_RRX:
        return _make(ctx, info, op, "rrx", d, n, setflags, m=m)
    if shift_n == 0:  # Shift_C by 0: the value and APSR.C unchanged
        return _make(ctx, info, op, "reg", d, n, setflags, m=m)
    if shift_t == SRType_LSL:
        return _make(ctx, info, op, "lsl", d, n, setflags, m=m, k=shift_n, j=32 - shift_n)
    if shift_t == SRType_LSR:
        return _make(ctx, info, op, "lsr", d, n, setflags, m=m, k=shift_n, j=shift_n - 1)
    if shift_t == SRType_ASR:
        return _make(ctx, info, op, "asr", d, n, setflags, m=m, k=shift_n, j=shift_n - 1)
    if shift_t == SRType_ROR and shift_n < 32:
        return _make(ctx, info, op, "ror", d, n, setflags, m=m, k=shift_n, j=shift_n - 1)
    raise ValueError(f"immediate shift type {shift_t} by {shift_n} is not encodable")


_REG_SHIFT_FORMS = {SRType_LSL: "rlsl", SRType_LSR: "rlsr", SRType_ASR: "rasr", SRType_ROR: "rror"}


def dp_register_shifted(
    ctx: ExecContext, info: InsnInfo, op: str, d: int, n: int, m: int, s: int, shift_t: int, setflags: bool
) -> Op:
    """Data-processing (register-shifted register): A8.8.3 ADC ... A8.8.242 TST, A8.8.95 LSL (register) etc.

    The operand is Shift_C(R[m], shift_t, UInt(R[s]<7:0>), APSR.C) (A8.4.3):
    amounts of 32 and more shift everything out (LSL/LSR) or fill with the
    sign (ASR); ROR uses the amount modulo 32.  The encodings make R15 in
    any register UNPREDICTABLE; the caller rejects it.
    """
    return _make(ctx, info, op, _REG_SHIFT_FORMS[shift_t], d, n, setflags, m=m, s=s)


def MOVT(ctx: ExecContext, info: InsnInfo, d: int, imm16: int) -> Op:
    """A8.8.106 MOVT: R[d]<31:16> = imm16, R[d]<15:0> unchanged."""
    return handles(template(ctx, info, "MOVT", ["regs[d] = regs[d] & 0xFFFF | hi", "return nxt"], d=d, hi=imm16 << 16),
                   pc=True)


def CLZ(ctx: ExecContext, info: InsnInfo, d: int, m: int) -> Op:
    """A8.8.33 CLZ: R[d] = CountLeadingZeroBits(R[m])."""
    return template(ctx, info, "CLZ", ["regs[d] = 32 - regs[m].bit_length()", "return nxt"], d=d, m=m)
