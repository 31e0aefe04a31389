"""Load/store semantics (DDI 0406C A8.8, B9.3): LDR/STR and their byte, halfword,
signed, doubleword and unprivileged forms, LDM/STM, the exclusives, SWP, CLREX
and the preload hints.

Builders take the arguments the manual's ``EncodingSpecificOperations()``
leaves (t, n, m, imm32, index, add, wback, shift_t, shift_n, registers, ...),
so A32 and T32 rows share them; UNPREDICTABLE encodings are the adapters'
business.  Every op computes its address, performs its memory accesses (any of
which may raise :class:`~armsim.memory.MemoryFault`, which the engine turns
into a Data Abort) and only then writes registers, so an aborted instruction
leaves its base register unchanged (B1.9.9, restored base register model).

Alignment (A3.2.1, Table A3-1): the single LDR/STR/LDRH/STRH/LDRSH (and their
unprivileged forms) use MemU[] and fault on an unaligned address only when
SCTLR.A is set (``ctx.align_check``, baked in at build time: ops are flushed
when SCTLR changes).  LDRD/STRD, LDM/STM, SWP and the exclusives use MemA[] and
always fault.  Byte accesses never fault.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from armsim.cpu.exception_return import ExceptionReturn, ExceptionReturnProblem
from armsim.cpu.modes import Mode
from armsim.isa.bits import SRType_ASR, SRType_LSL, SRType_LSR, SRType_ROR
from armsim.isa.contract import ExecContext, InsnInfo, Op, Undefined, handles
from armsim.isa.ops.common import LoadWritePC, template
from armsim.isa.template import Template, template_op
from armsim.memory import AlignmentFault

M = 0xFFFFFFFF


_HYP = int(Mode.HYP)
_USR = int(Mode.USR)
_SYS = int(Mode.SYS)

# SCTLR.SW, bit 10 (B4.1.130): SWP/SWPB enable (Multiprocessing Extensions).
_SCTLR_SW = 1 << 10


# --------------------------------------------------------------------------
# Memory access helpers (template lines; the accessor slots are the memory's own
# accessors, which translated blocks replace by inline RAM accesses)
# --------------------------------------------------------------------------
def _accessor(ctx: ExecContext, size: int, load: bool) -> Callable[..., Any]:
    if load:
        return {4: ctx.read32, 2: ctx.read16, 1: ctx.read8}[size]
    return {4: ctx.write32, 2: ctx.write16, 1: ctx.write8}[size]


def _aligned(addr: str, size: int, check: bool, write: bool) -> Tuple[List[str], str]:
    """(lines, address) of MemU[]'s alignment check when SCTLR.A is set (A3.2.1; bytes never fault)."""
    if not check or size == 1:
        return [], addr
    lines = [] if addr == "a" else [f"a = {addr}"]
    return [*lines, f"if a & {size - 1}:", f"    raise fault(a, {size}, {write})"], "a"


def _load_lines(target: str, addr: str, size: int, signed: bool, check: bool) -> List[str]:
    """``target`` = MemU[addr, size], zero- or sign-extended to 32 bits (slot rd: the sized read)."""
    lines, addr = _aligned(addr, size, check, False)
    if not signed:
        return [*lines, f"{target} = rd({addr})"]
    sign = 1 << (8 * size - 1)
    return [*lines, f"v = rd({addr})", f"{target} = ((v ^ {sign}) - {sign}) & 0xFFFFFFFF"]


def _offset(shift_t: int, shift_n: int) -> str:
    """``Shift(R[m], shift_t, shift_n, APSR.C)`` (A8.4.3) as a template expression (slots m, k, j = 32 - k).

    The value may exceed 32 bits: every use adds it to R[n] modulo 2^32.
    """
    if shift_t == SRType_LSL:
        return "(regs[m] << k)" if shift_n else "regs[m]"
    if shift_t == SRType_LSR:
        return "(regs[m] >> k)"
    if shift_t == SRType_ASR:
        return "(((regs[m] ^ 0x80000000) - 0x80000000) >> k)"
    if shift_t == SRType_ROR:
        return "(regs[m] >> k | regs[m] << j)"
    return "((flags[0] & 2) << 30 | regs[m] >> 1)"  # RRX



def _unprivileged(ctx: ExecContext, info: InsnInfo, op: Op) -> Op:
    """LDRT/STRT and relatives: an unprivileged access.

    Without an MMU every access is permitted, so this is the ordinary access,
    except that UNPREDICTABLE (A8.8.92 etc.: CurrentModeIsHyp()) -- we choose UNDEFINED.
    """
    cpu = ctx.cpu
    take = ctx.exc.TakeUndefInstrException
    key = info.key
    debug = ctx.debug
    if debug is not None and debug.watchpoints_armed:
        # C3.4: watchpoints see this op's accesses as PL0 accesses (built only while armed).
        access = op

        def op_pl0() -> int:
            debug.unprivileged = True
            try:
                return access()
            finally:
                debug.unprivileged = False

        op = op_pl0

    def op_t() -> int:
        if cpu.mode == _HYP:
            return take(key, "UNPREDICTABLE unprivileged load/store in Hyp mode")
        return op()

    return op_t


# --------------------------------------------------------------------------
# Single loads and stores
# --------------------------------------------------------------------------
def _mem_op(ctx: ExecContext, info: InsnInfo, name: str, lines: List[str], stores: bool, **slots: Any) -> Op:
    """A load/store op from its template (the same body is inlined into translated blocks)."""
    return template(ctx, info, name, [*lines, "return nxt"], stores, **slots)


def _addressing(index: bool, wback: bool, offset: Optional[str], sign: str) -> Tuple[List[str], str, List[str]]:
    """(lines before the access, the address, lines after it) of offset/pre-indexed/post-indexed addressing.

    ``offset`` is a template expression (None: zero).  The offset is computed
    before the access, so a load into its own offset register (t == m) uses
    the old value; the base is written after it (an abort leaves it, B1.9.9).
    """
    if offset is None or not (index or wback):
        return [], "regs[n]", []
    if not wback:
        return [], f"(regs[n] {sign} {offset}) & 0xFFFFFFFF", []
    if index:
        return [f"a = (regs[n] {sign} {offset}) & 0xFFFFFFFF"], "a", ["regs[n] = a"]
    return ["a = regs[n]", f"oa = (a {sign} {offset}) & 0xFFFFFFFF"], "a", ["regs[n] = oa"]


def _single_op(ctx: ExecContext, info: InsnInfo, name: str, size: int, signed: bool, load: bool, t: int, n: int,
               index: bool, wback: bool, offset: Optional[str], sign: str, **slots: Any) -> Op:
    """One LDR/STR-family op: R[t] = rd(address) or wr(address, R[t]) (slots rd / wr: the sized accessor)."""
    pre, addr, post = _addressing(index, wback, offset, sign)
    check = ctx.align_check
    acc = _accessor(ctx, size, load)
    if check:
        slots["fault"] = AlignmentFault
    if load and t == 15:
        # LoadWritePC (A2.3.1) of the loaded word, which interworks.
        if not pre:
            pre, addr = [f"a = {addr}"], "a"
        lines = [*pre, *_load_lines("v", addr, size, False, check), "if a & 3:",
                 # UNPREDICTABLE (A8.8.63): address<1:0> != '00' for a load to the PC; we choose
                 # UNDEFINED (before writeback).
                 "    return take(key, 'UNPREDICTABLE load to the PC from an unaligned address')",
                 *post, "return v if v & 1 else v & 0xFFFFFFFC"]
        return template(ctx, info, name + " pc", lines, rd=acc, n=n, take=ctx.exc.TakeUndefInstrException,
                        key=info.key, **slots)
    if load:
        body = [*pre, *_load_lines("regs[t]", addr, size, signed, check), *post]
        return _mem_op(ctx, info, name, body, False, rd=acc, t=t, n=n, **slots)
    lines, addr = _aligned(addr, size, check, True)
    body = [*pre, *lines, f"wr({addr}, regs[t])", *post]
    return _mem_op(ctx, info, name, body, True, wr=acc, t=t, n=n, **slots)


def _single_imm(ctx: ExecContext, info: InsnInfo, size: int, signed: bool, load: bool, t: int, n: int, imm32: int,
                index: bool, add: bool, wback: bool) -> Op:
    op = _single_op(ctx, info, "LDR imm" if load else "STR imm", size, signed, load, t, n, index, wback,
                    "d" if imm32 else None, "+", d=imm32 if add else -imm32)
    return handles(op, pc=n != 15) if load and t == 15 else op


def _single_reg(ctx: ExecContext, info: InsnInfo, size: int, signed: bool, load: bool, t: int, n: int, m: int,
                index: bool, add: bool, wback: bool, shift_t: int, shift_n: int) -> Op:
    k = shift_n % 32 if shift_t == SRType_ROR else shift_n
    op = _single_op(ctx, info, "LDR reg" if load else "STR reg", size, signed, load, t, n, index, wback,
                    _offset(shift_t, shift_n), "+" if add else "-", m=m, k=k, j=32 - k)
    return handles(op, pc=n != 15 and m != 15) if load and t == 15 else op


def _load_literal(ctx: ExecContext, info: InsnInfo, size: int, signed: bool, t: int, imm32: int, add: bool) -> Op:
    """A load from Align(PC, 4) +/- imm32, the address baked in at build time."""
    base = info.pcv & ~3
    addr = (base + imm32 if add else base - imm32) & 0xFFFFFFFF
    rd = _accessor(ctx, size, True)
    check = ctx.align_check and size > 1 and bool(addr & (size - 1))  # MemU[] alignment (A3.2.1), known now
    if check:
        lines = [f"raise fault(addr, {size}, False)"]
        return handles(template(ctx, info, "LDR literal", lines, rd=rd, addr=addr, fault=AlignmentFault), pc=True)
    if t != 15:
        lines = _load_lines("regs[t]", "addr", size, signed, False)
        return handles(_mem_op(ctx, info, "LDR literal", lines, False, rd=rd, t=t, addr=addr), pc=True)
    if addr & 3:
        # UNPREDICTABLE (A8.8.64): unaligned address for a load to the PC; we choose UNDEFINED.
        lines = ["rd(addr)", "return take(key, 'UNPREDICTABLE load to the PC from an unaligned address')"]
        op = template(ctx, info, "LDR literal pc", lines, rd=rd, addr=addr, take=ctx.exc.TakeUndefInstrException,
                      key=info.key)
        return handles(op, pc=True)
    # LoadWritePC (A2.3.1) inlined.
    lines = ["v = rd(addr)", "return v if v & 1 else v & 0xFFFFFFFC"]
    return handles(template(ctx, info, "LDR literal pc", lines, rd=rd, addr=addr), pc=True)


ImmBuilder = Callable[[ExecContext, InsnInfo, int, int, int, bool, bool, bool], Op]
RegBuilder = Callable[[ExecContext, InsnInfo, int, int, int, bool, bool, bool, int, int], Op]
LitBuilder = Callable[[ExecContext, InsnInfo, int, int, bool], Op]


def _single(name: str, size: int, signed: bool, load: bool, unpriv: bool, imm_sec: str,
            reg_sec: str) -> Tuple[ImmBuilder, RegBuilder]:
    """The (immediate) and (register) builders of one single load/store."""

    def imm(ctx: ExecContext, info: InsnInfo, t: int, n: int, imm32: int, index: bool, add: bool,
            wback: bool) -> Op:
        op = _single_imm(ctx, info, size, signed, load, t, n, imm32, index, add, wback)
        return _unprivileged(ctx, info, op) if unpriv else op

    def reg(ctx: ExecContext, info: InsnInfo, t: int, n: int, m: int, index: bool, add: bool, wback: bool,
            shift_t: int, shift_n: int) -> Op:
        op = _single_reg(ctx, info, size, signed, load, t, n, m, index, add, wback, shift_t, shift_n)
        return _unprivileged(ctx, info, op) if unpriv else op

    imm.__name__ = imm.__qualname__ = f"{name}_immediate"
    reg.__name__ = reg.__qualname__ = f"{name}_register"
    imm.__doc__ = f"{imm_sec} {name} (immediate): args t, n, imm32, index, add, wback."
    reg.__doc__ = f"{reg_sec} {name} (register): args t, n, m, index, add, wback, shift_t, shift_n."
    return imm, reg


def _literal(name: str, size: int, signed: bool, sec: str) -> LitBuilder:
    def lit(ctx: ExecContext, info: InsnInfo, t: int, imm32: int, add: bool) -> Op:
        return _load_literal(ctx, info, size, signed, t, imm32, add)

    lit.__name__ = lit.__qualname__ = f"{name}_literal"
    lit.__doc__ = f"{sec} {name} (literal): args t, imm32, add; the address is Align(PC, 4) +/- imm32."
    return lit


# A8.8.62-A8.8.92 (loads), A8.8.203-A8.8.220 (stores).  t == 15 is only
# architecturally meaningful for LDR (LoadWritePC) and STR/STRT (PCStoreValue).
LDR_immediate, LDR_register = _single("LDR", 4, False, True, False, "A8.8.63", "A8.8.66")
LDRB_immediate, LDRB_register = _single("LDRB", 1, False, True, False, "A8.8.68", "A8.8.70")
LDRH_immediate, LDRH_register = _single("LDRH", 2, False, True, False, "A8.8.80", "A8.8.82")
LDRSB_immediate, LDRSB_register = _single("LDRSB", 1, True, True, False, "A8.8.84", "A8.8.86")
LDRSH_immediate, LDRSH_register = _single("LDRSH", 2, True, True, False, "A8.8.88", "A8.8.90")
STR_immediate, STR_register = _single("STR", 4, False, False, False, "A8.8.204", "A8.8.205")
STRB_immediate, STRB_register = _single("STRB", 1, False, False, False, "A8.8.207", "A8.8.208")
STRH_immediate, STRH_register = _single("STRH", 2, False, False, False, "A8.8.217", "A8.8.218")
LDRT_immediate, LDRT_register = _single("LDRT", 4, False, True, True, "A8.8.92", "A8.8.92")
LDRBT_immediate, LDRBT_register = _single("LDRBT", 1, False, True, True, "A8.8.71", "A8.8.71")
LDRHT_immediate, LDRHT_register = _single("LDRHT", 2, False, True, True, "A8.8.83", "A8.8.83")
LDRSBT_immediate, LDRSBT_register = _single("LDRSBT", 1, True, True, True, "A8.8.87", "A8.8.87")
LDRSHT_immediate, LDRSHT_register = _single("LDRSHT", 2, True, True, True, "A8.8.91", "A8.8.91")
STRT_immediate, STRT_register = _single("STRT", 4, False, False, True, "A8.8.220", "A8.8.220")
STRBT_immediate, STRBT_register = _single("STRBT", 1, False, False, True, "A8.8.209", "A8.8.209")
STRHT_immediate, STRHT_register = _single("STRHT", 2, False, False, True, "A8.8.219", "A8.8.219")

LDR_literal = _literal("LDR", 4, False, "A8.8.64")
LDRB_literal = _literal("LDRB", 1, False, "A8.8.69")
LDRH_literal = _literal("LDRH", 2, False, "A8.8.81")
LDRSB_literal = _literal("LDRSB", 1, True, "A8.8.85")
LDRSH_literal = _literal("LDRSH", 2, True, "A8.8.89")


# --------------------------------------------------------------------------
# LDRD / STRD (MemA: word alignment always required, A3.2.1)
# --------------------------------------------------------------------------
def _dual(ctx: ExecContext, info: InsnInfo, load: bool, t: int, t2: int, pre: List[str], where: str,
          post: List[str], **slots: Any) -> Op:
    """LDRD/STRD: R[t] at MemA[address,4], R[t2] at MemA[address+4,4] (word alignment always checked)."""
    lines = [*pre, f"a = {where}"] if where != "a" else list(pre)
    lines += ["if a & 3:", f"    raise fault(a, 4, {not load})"]
    if load:
        lines += ["v = mem(a)", "regs[t2] = mem((a + 4) & 0xFFFFFFFF)", "regs[t] = v"]
    else:
        lines += ["mem(a, regs[t])", "mem((a + 4) & 0xFFFFFFFF, regs[t2])"]
    mem = ctx.read32 if load else ctx.write32
    return _mem_op(ctx, info, "LDRD" if load else "STRD", [*lines, *post], not load, mem=mem, t=t, t2=t2,
                   fault=AlignmentFault, **slots)


def LDRD_immediate(ctx: ExecContext, info: InsnInfo, t: int, t2: int, n: int, imm32: int, index: bool, add: bool,
                   wback: bool) -> Op:
    """A8.8.72 LDRD (immediate): R[t] = MemA[address,4]; R[t2] = MemA[address+4,4]."""
    pre, addr, post = _addressing(index, wback, "d" if imm32 else None, "+")
    return _dual(ctx, info, True, t, t2, pre, addr, post, n=n, d=imm32 if add else -imm32)


def LDRD_literal(ctx: ExecContext, info: InsnInfo, t: int, t2: int, imm32: int, add: bool) -> Op:
    """A8.8.73 LDRD (literal): from Align(PC, 4) +/- imm32 (baked in)."""
    base = info.pcv & ~3
    addr = (base + imm32 if add else base - imm32) & 0xFFFFFFFF
    return handles(_dual(ctx, info, True, t, t2, [], "lit", [], lit=addr), pc=True)


def LDRD_register(ctx: ExecContext, info: InsnInfo, t: int, t2: int, n: int, m: int, index: bool, add: bool,
                  wback: bool) -> Op:
    """A8.8.74 LDRD (register)."""
    pre, addr, post = _addressing(index, wback, "regs[m]", "+" if add else "-")
    return _dual(ctx, info, True, t, t2, pre, addr, post, n=n, m=m)


def STRD_immediate(ctx: ExecContext, info: InsnInfo, t: int, t2: int, n: int, imm32: int, index: bool, add: bool,
                   wback: bool) -> Op:
    """A8.8.210 STRD (immediate): MemA[address,4] = R[t]; MemA[address+4,4] = R[t2]."""
    pre, addr, post = _addressing(index, wback, "d" if imm32 else None, "+")
    return _dual(ctx, info, False, t, t2, pre, addr, post, n=n, d=imm32 if add else -imm32)


def STRD_register(ctx: ExecContext, info: InsnInfo, t: int, t2: int, n: int, m: int, index: bool, add: bool,
                  wback: bool) -> Op:
    """A8.8.211 STRD (register)."""
    pre, addr, post = _addressing(index, wback, "regs[m]", "+" if add else "-")
    return _dual(ctx, info, False, t, t2, pre, addr, post, n=n, m=m)


# --------------------------------------------------------------------------
# LDM / STM (A8.8.57-A8.8.61, A8.8.199-A8.8.202, PUSH/POP A8.8.131-A8.8.133)
# --------------------------------------------------------------------------
def _block(count: int, increment: bool, wordhigher: bool) -> Tuple[int, int]:
    """(start offset, writeback offset) from R[n] for a block transfer of ``count`` words."""
    length = 4 * count
    start = 0 if increment else -length
    if wordhigher:
        start += 4
    return start, (length if increment else -length)


def _reg_tuple(registers: int, top: int) -> Tuple[int, ...]:
    return tuple(i for i in range(top) if registers >> i & 1)


def _block_source(load: bool, n: int, rl: Tuple[int, ...], pc: bool, wback: bool, sd: int, wd: int,
                  increment: bool) -> List[str]:
    """The template body of an unrolled LDM/STM (slots: mem, the word accessor; slow, the loop form; nxt)."""
    count = len(rl) + (1 if pc else 0)
    body = [f"b = regs[{n}]", f"a = b + {sd}" if sd else "a = b"]
    # The unrolled accesses use a + 4*j unmasked, so leave wrapping (and
    # unaligned bases, which fault) to the loop version.
    if increment:
        body.append(f"if a & 3 or a > {M - (4 * count - 1)}:")
    else:
        body.append("if a & 3 or a < 0:")
    body.append("    return slow()")
    for j, i in enumerate(rl):
        at = f"a + {4 * j}" if j else "a"
        if not load:
            body.append(f"mem({at}, regs[{i}])")
        elif i == n:
            body.append(f"vn = mem({at})")
        else:
            body.append(f"regs[{i}] = mem({at})")
    if pc:
        body.append(f"v = mem(a + {4 * len(rl)})")
    if load and n in rl:
        body.append(f"regs[{n}] = vn")
    elif wback:
        body.append(f"regs[{n}] = (b + {wd}) & 0xFFFFFFFF")
    if pc:
        # LoadWritePC (A2.3.1) inlined: bit 0 selects Thumb; ARM targets are word aligned.
        body.append("return v if v & 1 else v & 0xFFFFFFFC")
    else:
        body.append("return nxt")
    return body


def LDM_any(ctx: ExecContext, info: InsnInfo, n: int, registers: int, wback: bool, increment: bool,
            wordhigher: bool) -> Op:
    """LDM/LDMIA, LDMDA, LDMDB, LDMIB (A8.8.58-A8.8.61) and POP (A8.8.132).

    ``registers`` is the 16-bit list; a loaded PC goes through LoadWritePC
    (interworking).  UNPREDICTABLE (A8.8.58): wback with Rn in the list -- we
    choose the loaded value (no writeback).  Rn is written last, so an abort
    leaves it unchanged.  The op is an unrolled body generated for the list,
    falling back to a loop for unaligned or wrapping addresses.
    """
    rl = _reg_tuple(registers, 15)
    pc = bool(registers & 0x8000)
    sd, wd = _block(len(rl) + pc, increment, wordhigher)
    slow = _ldm_loop(ctx, info, n, rl, pc, wback, sd, wd)
    body = _block_source(True, n, rl, pc, wback, sd, wd, increment)
    tpl = Template(f"LDM r{n}", body, {"mem": ctx.read32, "nxt": info.nxt, "slow": slow})
    # The list's PC is written, never read: only a base of R15 reads the PC.
    return handles(template_op(ctx.regs, ctx.flags, tpl), pc=n != 15)


def _ldm_loop(ctx: ExecContext, info: InsnInfo, n: int, rl: Tuple[int, ...], pc: bool, wback: bool, sd: int,
              wd: int) -> Op:
    """LDM as a loop over the list: handles every address (alignment fault, wrap-around)."""
    regs = ctx.regs
    read32 = ctx.read32
    nxt = info.nxt
    n_in = n in rl

    def op() -> int:
        b = regs[n]
        a = (b + sd) & 0xFFFFFFFF
        if a & 3:
            raise AlignmentFault(a, 4, False)
        vn = b
        for i in rl:
            v = read32(a)
            if i == n:
                vn = v
            else:
                regs[i] = v
            a = (a + 4) & 0xFFFFFFFF
        target = read32(a) if pc else 0
        if n_in:
            regs[n] = vn
        elif wback:
            regs[n] = (b + wd) & 0xFFFFFFFF
        return LoadWritePC(target) if pc else nxt

    return op


def STM_any(ctx: ExecContext, info: InsnInfo, n: int, registers: int, wback: bool, increment: bool,
            wordhigher: bool) -> Op:
    """STM/STMIA, STMDA, STMDB, STMIB (A8.8.199-A8.8.202) and PUSH (A8.8.133).

    The value stored for Rn in the list with writeback is UNKNOWN unless Rn is
    the lowest register; we store the original value in every case.  A stored
    PC is PCStoreValue() (the PC as an operand, written by build_op).  Unrolled
    like LDM_any.
    """
    rl = _reg_tuple(registers, 16)
    sd, wd = _block(len(rl), increment, wordhigher)
    slow = _stm_loop(ctx, info, n, rl, wback, sd, wd)
    body = _block_source(False, n, rl, False, wback, sd, wd, increment)
    tpl = Template(f"STM r{n}", body, {"mem": ctx.write32, "nxt": info.nxt, "slow": slow}, stores=True)
    return template_op(ctx.regs, ctx.flags, tpl)


def _stm_loop(ctx: ExecContext, info: InsnInfo, n: int, rl: Tuple[int, ...], wback: bool, sd: int, wd: int) -> Op:
    """STM as a loop over the list: handles every address (alignment fault, wrap-around)."""
    regs = ctx.regs
    write32 = ctx.write32
    nxt = info.nxt

    def op() -> int:
        b = regs[n]
        a = (b + sd) & 0xFFFFFFFF
        if a & 3:
            raise AlignmentFault(a, 4, True)
        for i in rl:
            write32(a, regs[i])
            a = (a + 4) & 0xFFFFFFFF
        if wback:
            regs[n] = (b + wd) & 0xFFFFFFFF
        return nxt

    return op


def LDM(ctx: ExecContext, info: InsnInfo, n: int, registers: int, wback: bool) -> Op:
    """A8.8.58 LDM/LDMIA/LDMFD (increment after); POP is LDM SP!."""
    return LDM_any(ctx, info, n, registers, wback, True, False)


def LDMDA(ctx: ExecContext, info: InsnInfo, n: int, registers: int, wback: bool) -> Op:
    """A8.8.59 LDMDA/LDMFA."""
    return LDM_any(ctx, info, n, registers, wback, False, True)


def LDMDB(ctx: ExecContext, info: InsnInfo, n: int, registers: int, wback: bool) -> Op:
    """A8.8.60 LDMDB/LDMEA."""
    return LDM_any(ctx, info, n, registers, wback, False, False)


def LDMIB(ctx: ExecContext, info: InsnInfo, n: int, registers: int, wback: bool) -> Op:
    """A8.8.61 LDMIB/LDMED."""
    return LDM_any(ctx, info, n, registers, wback, True, True)


def STM(ctx: ExecContext, info: InsnInfo, n: int, registers: int, wback: bool) -> Op:
    """A8.8.199 STM/STMIA/STMEA."""
    return STM_any(ctx, info, n, registers, wback, True, False)


def STMDA(ctx: ExecContext, info: InsnInfo, n: int, registers: int, wback: bool) -> Op:
    """A8.8.200 STMDA/STMED."""
    return STM_any(ctx, info, n, registers, wback, False, True)


def STMDB(ctx: ExecContext, info: InsnInfo, n: int, registers: int, wback: bool) -> Op:
    """A8.8.201 STMDB/STMFD; PUSH is STMDB SP!."""
    return STM_any(ctx, info, n, registers, wback, False, False)


def STMIB(ctx: ExecContext, info: InsnInfo, n: int, registers: int, wback: bool) -> Op:
    """A8.8.202 STMIB/STMFA."""
    return STM_any(ctx, info, n, registers, wback, True, True)


def _privileged_block_check(ctx: ExecContext, info: InsnInfo, what: str) -> Callable[[], int]:
    """Run-time mode check of the B9.3 block transfers: 0 = go, else the Undefined exception key."""
    cpu = ctx.cpu
    take = ctx.exc.TakeUndefInstrException
    key = info.key

    def check() -> int:
        mode = cpu.mode
        if mode == _HYP:
            return take(key, f"{what} is UNDEFINED in Hyp mode")
        if mode in (_USR, _SYS):
            # UNPREDICTABLE (B9.3.4/B9.3.5/B9.3.17) in User and System modes: we choose UNDEFINED.
            return take(key, f"UNPREDICTABLE {what} in User or System mode")
        return -1

    return check


def LDM_user_registers(ctx: ExecContext, info: InsnInfo, n: int, registers: int, increment: bool,
                       wordhigher: bool) -> Op:
    """B9.3.5 LDM (User registers): load the User-mode R0-R14 from a PL1 mode (no writeback)."""
    regs = ctx.regs
    cpu = ctx.cpu
    read32 = ctx.read32
    nxt = info.nxt
    rl = _reg_tuple(registers, 15)
    sd, _ = _block(len(rl), increment, wordhigher)
    check = _privileged_block_check(ctx, info, "LDM (User registers)")
    set_banked = cpu.set_banked

    def op() -> int:
        k = check()
        if k >= 0:
            return k
        a = (regs[n] + sd) & 0xFFFFFFFF
        if a & 3:
            raise AlignmentFault(a, 4, False)
        vals: List[int] = []
        for _ in rl:
            vals.append(read32(a))
            a = (a + 4) & 0xFFFFFFFF
        for i, v in zip(rl, vals):
            if i < 8:
                regs[i] = v
            else:
                set_banked(_USR, i, v)
        return nxt

    return op


def STM_user_registers(ctx: ExecContext, info: InsnInfo, n: int, registers: int, increment: bool,
                       wordhigher: bool) -> Op:
    """B9.3.17 STM (User registers): store the User-mode R0-R14 (and PCStoreValue) from a PL1 mode."""
    regs = ctx.regs
    cpu = ctx.cpu
    write32 = ctx.write32
    nxt = info.nxt
    rl = _reg_tuple(registers, 16)
    sd, _ = _block(len(rl), increment, wordhigher)
    check = _privileged_block_check(ctx, info, "STM (User registers)")
    get_banked = cpu.get_banked

    def op() -> int:
        k = check()
        if k >= 0:
            return k
        a = (regs[n] + sd) & 0xFFFFFFFF
        if a & 3:
            raise AlignmentFault(a, 4, True)
        for i in rl:
            write32(a, regs[i] if i < 8 or i == 15 else get_banked(_USR, i))
            a = (a + 4) & 0xFFFFFFFF
        return nxt

    return op


def LDM_exception_return(ctx: ExecContext, info: InsnInfo, n: int, registers: int, wback: bool, increment: bool,
                         wordhigher: bool) -> Op:
    """B9.3.4 LDM (exception return): load registers and the PC, then CPSR <- SPSR.

    ``registers`` lists R0-R14 (the PC is implied).  UNPREDICTABLE: wback with
    Rn in the list -- we choose the loaded value; an SPSR that CPSRWriteByInstr
    may not restore (a reserved mode, Monitor from Non-secure, Hyp from PL1;
    the same check as SUBS PC, LR) -- we choose UNDEFINED, taken after the
    loads and before any register is written.
    """
    regs = ctx.regs
    cpu = ctx.cpu
    read32 = ctx.read32
    take = ctx.exc.TakeUndefInstrException
    key = info.key
    rl = _reg_tuple(registers & 0x7FFF, 15)
    sd, wd = _block(len(rl) + 1, increment, wordhigher)
    do_wb = wback and n not in rl
    check = _privileged_block_check(ctx, info, "LDM (exception return)")
    spsrs = cpu.spsr

    def op() -> int:
        k = check()
        if k >= 0:
            return k
        b = regs[n]
        a = (b + sd) & 0xFFFFFFFF
        if a & 3:
            raise AlignmentFault(a, 4, False)
        vals: List[int] = []
        for _ in rl:
            vals.append(read32(a))
            a = (a + 4) & 0xFFFFFFFF
        new_pc = read32(a)
        spsr = spsrs[cpu.mode]
        why = ExceptionReturnProblem(cpu, spsr)
        if why is not None:
            return take(key, f"B9.3.4: exception return to {why} (UNPREDICTABLE)")
        for i, v in zip(rl, vals):
            regs[i] = v
        if do_wb:
            regs[n] = (b + wd) & 0xFFFFFFFF
        return ExceptionReturn(cpu, new_pc, spsr)

    return op


# --------------------------------------------------------------------------
# Exclusives (A3.4) and SWP
# --------------------------------------------------------------------------
def _exclusive(ctx: ExecContext, info: InsnInfo, load: bool, d: int, ts: Tuple[int, ...], n: int, imm32: int,
               size: int) -> Op:
    """LDREX{B,H,D} / STREX{B,H,D} (A3.4): MemA[] of ``size`` bytes, one or two registers (``ts``).

    A load tags the address for the local monitor (SetExclusiveMonitors); a
    store happens only if ExclusiveMonitorsPass, and R[d] = 0 on success, 1 on failure.
    """
    lines = ["a = (regs[n] + imm) & 0xFFFFFFFF" if imm32 else "a = regs[n]"]
    if size > 1:
        lines += [f"if a & {size - 1}:", f"    raise fault(a, {size}, {not load})"]
    width = min(size, 4)
    read = {4: ctx.read32, 2: ctx.read16, 1: ctx.read8}[width]
    write = {4: ctx.write32, 2: ctx.write16, 1: ctx.write8}[width]
    slots: Dict[str, Any] = {"n": n, "imm": imm32, "fault": AlignmentFault}
    slots.update((f"t{i}", r) for i, r in enumerate(ts))
    if load:
        lines += [f"v{i} = mem({'a' if i == 0 else '(a + 4) & 0xFFFFFFFF'})" for i in range(len(ts))]
        lines.append(f"setmon(a, {size})")
        lines += [f"regs[t{i}] = v{i}" for i in range(len(ts))]
        return _mem_op(ctx, info, "LDREX", lines, False, mem=read, setmon=ctx.monitor.SetExclusiveMonitors, **slots)
    lines.append(f"if monpass(a, {size}):")
    lines += [f"    mem({'a' if i == 0 else '(a + 4) & 0xFFFFFFFF'}, regs[t{i}])" for i in range(len(ts))]
    lines += ["    regs[d] = 0", "else:", "    regs[d] = 1"]
    return _mem_op(ctx, info, "STREX", lines, True, mem=write, monpass=ctx.monitor.ExclusiveMonitorsPass, d=d,
                   **slots)


def LDREX(ctx: ExecContext, info: InsnInfo, t: int, n: int, imm32: int) -> Op:
    """A8.8.75 LDREX: R[t] = MemA[R[n] + imm32, 4]; tag the address for the local monitor."""
    return _exclusive(ctx, info, True, 0, (t,), n, imm32, 4)


def LDREXB(ctx: ExecContext, info: InsnInfo, t: int, n: int) -> Op:
    """A8.8.76 LDREXB."""
    return _exclusive(ctx, info, True, 0, (t,), n, 0, 1)


def LDREXH(ctx: ExecContext, info: InsnInfo, t: int, n: int) -> Op:
    """A8.8.78 LDREXH."""
    return _exclusive(ctx, info, True, 0, (t,), n, 0, 2)


def STREX(ctx: ExecContext, info: InsnInfo, d: int, t: int, n: int, imm32: int) -> Op:
    """A8.8.212 STREX: store if ExclusiveMonitorsPass; R[d] = 0 on success, 1 on failure."""
    return _exclusive(ctx, info, False, d, (t,), n, imm32, 4)


def STREXB(ctx: ExecContext, info: InsnInfo, d: int, t: int, n: int) -> Op:
    """A8.8.213 STREXB."""
    return _exclusive(ctx, info, False, d, (t,), n, 0, 1)


def STREXH(ctx: ExecContext, info: InsnInfo, d: int, t: int, n: int) -> Op:
    """A8.8.215 STREXH."""
    return _exclusive(ctx, info, False, d, (t,), n, 0, 2)


def LDREXD(ctx: ExecContext, info: InsnInfo, t: int, t2: int, n: int) -> Op:
    """A8.8.77 LDREXD: a doubleword-aligned MemA[address, 8]; R[t] gets the word at the lower address."""
    return _exclusive(ctx, info, True, 0, (t, t2), n, 0, 8)


def STREXD(ctx: ExecContext, info: InsnInfo, d: int, t: int, t2: int, n: int) -> Op:
    """A8.8.214 STREXD: R[t] to the lower word, R[t2] to the upper (either endianness)."""
    return _exclusive(ctx, info, False, d, (t, t2), n, 0, 8)


def CLREX(ctx: ExecContext, info: InsnInfo) -> Op:
    """A8.8.32 CLREX: ClearExclusiveLocal()."""
    return template(ctx, info, "CLREX", ["clear()", "return nxt"], clear=ctx.monitor.ClearExclusiveLocal)


def SWP(ctx: ExecContext, info: InsnInfo, t: int, t2: int, n: int, size: int) -> Op:
    """A8.8.229 SWP, SWPB: data = MemA[R[n], size]; MemA[R[n], size] = R[t2]; R[t] = data.

    With the Multiprocessing Extensions (Cortex-A15) SWP and SWPB are UNDEFINED
    unless SCTLR.SW is set (B4.1.130); the bit is read when the op is built
    (ops are flushed when SCTLR changes).
    """
    if not ctx.cpu.sctlr & _SCTLR_SW:
        raise Undefined("SWP/SWPB disabled (SCTLR.SW == 0)")
    lines = ["a = regs[n]"]
    if size != 1:
        lines += ["if a & 3:", "    raise fault(a, 4, False)"]
    lines += ["v = rd(a)", "wr(a, regs[t2])", "regs[t] = v"]
    rd, wr = (ctx.read8, ctx.write8) if size == 1 else (ctx.read32, ctx.write32)
    return _mem_op(ctx, info, "SWP", lines, True, rd=rd, wr=wr, t=t, t2=t2, n=n, fault=AlignmentFault)



# --------------------------------------------------------------------------
# Preload hints: no cache model, so they do nothing (and never fault)
# --------------------------------------------------------------------------
def _nop(ctx: ExecContext, info: InsnInfo) -> Op:
    return handles(template(ctx, info, "hint", ["return nxt"]), pc=True)



def PLD_immediate(ctx: ExecContext, info: InsnInfo, n: int, imm32: int, add: bool, is_pldw: bool) -> Op:
    """A8.8.126 PLD, PLDW (immediate): a hint; no effect here."""
    return _nop(ctx, info)


def PLD_literal(ctx: ExecContext, info: InsnInfo, imm32: int, add: bool) -> Op:
    """A8.8.127 PLD (literal): a hint; no effect here."""
    return _nop(ctx, info)


def PLD_register(ctx: ExecContext, info: InsnInfo, n: int, m: int, add: bool, is_pldw: bool, shift_t: int,
                 shift_n: int) -> Op:
    """A8.8.128 PLD, PLDW (register): a hint; no effect here."""
    return _nop(ctx, info)


def PLI_immediate(ctx: ExecContext, info: InsnInfo, n: int, imm32: int, add: bool) -> Op:
    """A8.8.129 PLI (immediate, literal): a hint; no effect here."""
    return _nop(ctx, info)


def PLI_register(ctx: ExecContext, info: InsnInfo, n: int, m: int, add: bool, shift_t: int, shift_n: int) -> Op:
    """A8.8.130 PLI (register): a hint; no effect here."""
    return _nop(ctx, info)


def memory_hint_nop(ctx: ExecContext, info: InsnInfo) -> Op:
    """A5.7.1 Unallocated memory hint: treated as NOP."""
    return _nop(ctx, info)
