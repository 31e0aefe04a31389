"""The operands of a decoded instruction, for the timing models: one table of field roles per instruction set.

The encoding rows of A32, T16 and T32 name the same operand differently (DDI 0406C A8.8, each
encoding's decode pseudocode): A32 writes ``d = UInt(Rd)``; a T16 two-operand form ``d = UInt(Rdn);
n = UInt(Rdn)``; a T16 high-register form ``d = UInt(DN:Rdn)``; the T32 immediate shift is
``imm3:imm2`` where A32 has ``imm5``; T16 PUSH/POP and T32 LDM/STM put LR and the PC in the
``M``/``P`` bits beside ``register_list``; T16 PUSH, POP and the SP-relative forms use SP without a
field for it.  :data:`FIELD_ROLES` maps each instruction set's field names onto the operands of
the pseudocode (``d``, ``n``, ``m``, ``s``, ``a``, ``t``, ``t2``, ``dlo``, ``dhi``, the register
list, writeback, setflags, the shift); :data:`ROW_ROLES` holds the rows whose fields play another
role than the set's default, :data:`IMPLICIT` the operands a row uses without a field.

:func:`operands` then decides what is read and written from the row's cost class (loads write
``t``, stores read it, a compare writes only the flags...) the same way for every instruction
set, so a Thumb instruction is timed as the ARM instruction that performs the same operation.
The A32 result is the name-based :func:`armsim.timing.costs.classify` rule's, checked for every
A32 row by tests/test_operands.py.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from armsim.timing.costs import FLAGS, CostClass, Flow, OpCost, Refine, RowCost

A32, T16, T32 = "A32", "T16", "T32"

# Roles: a register operand ("d", "n", "m", "s", "a", "t", "t2", "dlo", "dhi"); "dn" is both d and n
# (T16 Rdn); "hi:<op>" is the high bit (+8) of that operand (T16 D, DN, N); "tpair" is t and t + 1
# (A32 LDRD/STRD: Rt2 = Rt + 1); "src" a further register read (SWP's Rt2); "list" the register
# list, "lr"/"pc" its bit 14/15 given apart (T16 PUSH M, POP P; T32 LDM/STM M, P); "W" writeback,
# "P" the index bit (P == 0: post-indexed, writes back); "S" setflags; "amount"/"type" the
# immediate shift of a register operand; "R" MSR's SPSR select.
_COMMON = {"Rd": "d", "Rn": "n", "Rm": "m", "Rs": "s", "Ra": "a", "Rt": "t", "Rt2": "t2", "RdLo": "dlo",
           "RdHi": "dhi", "register_list": "list", "W": "W", "P": "P", "S": "S", "type": "type", "R": "R"}

FIELD_ROLES: Dict[str, Dict[str, str]] = {
    # A5 (ARM instructions): the shift of a register operand is imm5 + type (A8.4.3 DecodeImmShift).
    A32: {**_COMMON, "imm5": "amount"},
    # A6.3 (32-bit Thumb instructions): the same names; the shift is imm3:imm2 + type.
    T32: {**_COMMON, "imm3": "amount", "imm2": "amount"},
    # A6.2 (16-bit Thumb instructions): Rdn is source and destination; D, DN and N the high bit
    # of Rd, Rdn and Rn in the special data instructions (A6.2.3).  No field writes back or sets S.
    T16: {"Rd": "d", "Rn": "n", "Rm": "m", "Rdn": "dn", "Rt": "t", "register_list": "list", "D": "hi:d",
          "DN": "hi:dn", "N": "hi:n"},
}

ROW_ROLES: Dict[str, Dict[str, Dict[str, Optional[str]]]] = {
    A32: {
        # A8.8.72 LDRD, A8.8.70 LDREXD, A8.8.210 STRD, A8.8.214 STREXD: t2 = t + 1.
        **{n: {"Rt": "tpair"} for n in ("LDRD (literal)", "LDRD (immediate)", "LDRD (register)", "LDREXD",
                                        "STRD (immediate)", "STRD (register)", "STREXD")},
        # A8.8.229 SWP: Rt2 is the value stored.
        "SWP, SWPB": {"Rt2": "src"},
    },
    T32: {
        # A8.8.57 LDM T2, A8.8.60 LDMDB T1: P = the PC, M = LR in the list; A8.8.199 STM, A8.8.200 STMDB: M = LR.
        "LDM": {"P": "pc", "M": "lr"}, "LDMDB": {"P": "pc", "M": "lr"},
        "STM": {"M": "lr"}, "STMDB": {"M": "lr"},
    },
    T16: {
        # A8.8.133 PUSH T1 (M = LR), A8.8.131 POP T1 (P = the PC).
        "PUSH": {"M": "lr"}, "POP": {"P": "pc"},
        # Rdn only written: A8.8.102 MOV (immediate) T1, A8.8.116 MVN (register) T1; and the row this
        # table calls RSB (register) is A8.8.152 RSB (immediate) T1, RSBS Rd, Rm, #0: the field
        # named Rm is the manual's Rn, Rdn its Rd.
        "MOV (immediate)": {"Rdn": "d"}, "MVN (register)": {"Rdn": "d"}, "RSB (register)": {"Rdn": "d"},
    },
}

# The "W" value that means "unless the base register is in the list" (A8.8.57 LDM T1: wback = registers<n> == '0').
UNLESS_LISTED = -1

IMPLICIT: Dict[str, Dict[str, Dict[str, int]]] = {
    # Operands a row uses without a field (applied where the row has no field of that role).
    T16: {
        "PUSH": {"n": 13, "W": 1}, "POP": {"n": 13, "W": 1},  # A8.8.133, A8.8.131: SP, written back
        "STM": {"W": 1}, "LDM": {"W": UNLESS_LISTED},  # A8.8.199 STM T1, A8.8.57 LDM T1
        "LDR (immediate)": {"n": 13}, "STR (immediate)": {"n": 13},  # the T2 forms: [SP, #imm8]
        "ADD (SP plus immediate)": {"n": 13, "d": 13}, "SUB (SP minus immediate)": {"n": 13, "d": 13},
    },
}

# The T16 rows that set the flags outside an IT block (A6.2.1, A6.2.2: setflags = !InITBlock()),
# unless they are a high-register form (A6.2.3, a row with a D, DN or N field: never).
T16_SETFLAGS = frozenset((
    "LSL (immediate)", "LSR (immediate)", "ASR (immediate)", "ADD (register)", "SUB (register)", "ADD (immediate)",
    "SUB (immediate)", "MOV (immediate)", "AND (register)", "EOR (register)", "LSL (register)", "LSR (register)",
    "ASR (register)", "ADC (register)", "SBC (register)", "ROR (register)", "RSB (register)", "ORR (register)",
    "MUL (register)", "BIC (register)", "MVN (register)",
))

# What an operation does with its operands, by mnemonic (the rows of every instruction set use the manual's names).
COMPARES = frozenset(("TST", "TEQ", "CMP", "CMN"))  # no destination; the flags always (A8.8.37...)
CARRY_IN = frozenset(("ADC", "SBC", "RSC", "RRX"))  # read APSR.C
READS_DEST = frozenset(("MOVT", "BFI", "BFC"))  # keep part of Rd (A8.8.106, A8.8.21, A8.8.20)
PSR_MOVES = frozenset(("MSR",))  # write the flags unless R (B9.3.11-B9.3.13)
RETURN_MOVES = frozenset(("MOV",))  # MOV PC, LR: a return (predicted by the return stack)
SHIFT_MOVES = frozenset(("MOV",))  # with a type 3 shift by 0 it is RRX (A8.8.149 RRX T1 is MOV (register) T3)
_RRX = 3  # DecodeImmShift('11', 0) = SRType_RRX (A8.4.3)

# Where MSR's R bit and 4-bit mask sit in the word (B9.3.10-B9.3.13; A8.8.109): A32 word<22>, word<19:16>;
# T32 hw1:hw2 word<20>, word<11:8>.  The A32 MSR (immediate) rows fix some of these bits in their pattern.
_PSR_BITS = {A32: (22, 16), T32: (20, 8), T16: (0, 0)}

_DATA = frozenset((CostClass.ALU_IMM, CostClass.ALU_REG, CostClass.ALU_SHIFT, CostClass.ALU_SHIFT_REG,
                   CostClass.MUL, CostClass.MLA, CostClass.UDIV, CostClass.SDIV))
_LONG = frozenset((CostClass.MUL_LONG, CostClass.MLA_LONG))
_SINGLE = frozenset((CostClass.LOAD, CostClass.STORE))
_MULTI = frozenset((CostClass.LOAD_MULTIPLE, CostClass.STORE_MULTIPLE))
_COUNTED = frozenset((Refine.MULTIPLE, Refine.COUNT))
_PC_DEST = frozenset((Refine.DP, Refine.DP_SHIFTED))
_SHIFTABLE = frozenset((Refine.SHIFTED, Refine.DP_SHIFTED))

Operands = Dict[str, int]


def iset_of(thumb: bool, size: int) -> str:
    """The instruction set of a decoded instruction (InsnInfo.thumb, .size)."""
    return (T16 if size == 2 else T32) if thumb else A32


def mnemonic(name: str) -> str:
    """The operation of a row name: 'ADD (register)' -> 'ADD', 'PKHBT, PKHTB' -> 'PKHBT'."""
    return name.split(" ", 1)[0].rstrip(",")


def roles(iset: str, name: str, fields: Dict[str, int], word: int = 0) -> Operands:
    """The operands of one decoded instruction of row ``name``: role -> value (decode-time only)."""
    table = FIELD_ROLES[iset]
    over = ROW_ROLES.get(iset, {}).get(name, {})
    o: Operands = {}
    high: List[Tuple[str, int]] = []
    for f, v in fields.items():
        role = over[f] if f in over else table.get(f)
        if role is None:
            continue
        if role.startswith("hi:"):
            high.append((role[3:], v))
        elif role == "dn":
            o["d"] = o["n"] = v
        elif role == "tpair":
            o["t"] = v
            if v < 15:
                o["t2"] = v + 1
        elif role == "amount":
            o["amount"] = o.get("amount", 0) | v
        else:
            o[role] = v
    for role, v in high:
        for r in ("d", "n") if role == "dn" else (role,):
            o[r] = o.get(r, 0) | v << 3
    for role, v in IMPLICIT.get(iset, {}).get(name, {}).items():
        o.setdefault(role, v)
    if o.get("W") == UNLESS_LISTED:
        o["W"] = 0 if o.get("list", 0) >> o["n"] & 1 else 1
    if mnemonic(name) in PSR_MOVES:  # R and mask sit in the word also where the row fixes them
        r_bit, mask_lo = _PSR_BITS[iset]
        o["R"], o["mask"] = (word >> r_bit) & 1, (word >> mask_lo) & 0xF
    return o


def _list(o: Operands) -> int:
    return o.get("list", 0) | o.get("lr", 0) << 14 | o.get("pc", 0) << 15


def refined_class(cost: RowCost, o: Operands) -> Tuple[CostClass, int]:
    """(class, registers transferred): the row's declared class refined by its operands
    (:class:`armsim.timing.costs.Refine`)."""
    cls, refine = cost
    if refine is Refine.NONE:
        return cls, 1
    if refine in _SHIFTABLE and (o.get("amount") or o.get("type")):
        cls = CostClass.ALU_SHIFT
    if refine in _PC_DEST and o.get("d") == 15:
        return (CostClass.EXC_RETURN if o.get("S") else CostClass.ALU_PC), 1
    if refine in _COUNTED:
        regs = _list(o)
        n = bin(regs).count("1")
        if refine is Refine.MULTIPLE and regs >> 15 & 1:
            return CostClass.LOAD_PC, n
        return cls, n
    if refine is Refine.PAIR:
        return cls, 2
    if refine is Refine.LOAD:
        return (CostClass.LOAD_PC if o.get("t") == 15 else cls), 1
    if refine is Refine.MSR:
        return (CostClass.PSR_WRITE if not o.get("R") and o.get("mask", 0) & 0b0011 else CostClass.ALU_REG), 1
    return cls, 1


def operands(cost: RowCost, name: str, iset: str, fields: Dict[str, int], cond: int = 14, word: int = 0,
             in_it: bool = False) -> OpCost:
    """The cost record of one decoded instruction: its class, the registers it reads and writes
    (FLAGS = the APSR flags), its transfer count and how it changes the flow of control.

    ``cond`` is the instruction's condition (A32 cond field, the IT block's in Thumb; a
    conditional instruction reads the flags, A8.3); ``in_it``: the instruction is in an IT block
    (a T16 data-processing instruction then leaves the flags alone).  Decode-time only.
    """
    o = roles(iset, name, fields, word)
    cls, nregs = refined_class(cost, o)
    declared = cost.cls
    mn = mnemonic(name)
    get = o.get
    srcs: List[int] = []
    dsts: List[int] = []
    flags_in = (cond not in (14, 15) or mn in CARRY_IN
                or (mn in SHIFT_MOVES and get("type") == _RRX and not get("amount")))
    flags_out = False
    flow = Flow.NONE
    conditional = False

    def read(*roles_: str) -> None:
        srcs.extend(o[r] for r in roles_ if r in o)

    def write(*roles_: str) -> None:
        dsts.extend(o[r] for r in roles_ if r in o)

    if iset == T16:
        setflags = name in T16_SETFLAGS and not in_it and not any(f in fields for f in ("D", "DN", "N"))
    else:
        setflags = bool(get("S"))
    wback = bool(get("W")) or get("P", 1) == 0

    if declared in _DATA:
        if mn in PSR_MOVES:  # MSR (Banked register), declared a register ALU operation
            read("n")
            if not get("R"):
                dsts.append(FLAGS)
        else:
            read("n", "m", "s", "a")
            if mn in READS_DEST:
                read("d")
            if cls is CostClass.EXC_RETURN:  # B9.3.20: <op>S PC, ...: an exception return
                flow = Flow.EXCEPTION
            elif cls is CostClass.ALU_PC:  # ALUWritePC (A2.3.1)
                plain = declared is CostClass.ALU_REG and not (get("amount") or get("type"))
                flow = Flow.RETURN if mn in RETURN_MOVES and get("m") == 14 and plain else Flow.INDIRECT
            elif mn in COMPARES:
                flags_out = True
            else:
                write("d")
                flags_out = setflags
    elif declared in _LONG:
        read("n", "m")
        if declared is CostClass.MLA_LONG:
            read("dlo", "dhi")
        write("dlo", "dhi")
        flags_out = setflags
    elif declared in _SINGLE:
        read("n", "m", "src")
        if declared is CostClass.LOAD:
            write("t", "t2")
        else:
            read("t", "t2")
            write("d")  # STREX's status
        if wback:
            write("n")
        if cls is CostClass.LOAD_PC:  # LDR PC (A8.8.63: LoadWritePC)
            flow = Flow.RETURN if get("n") == 13 and get("P", 1) == 0 else Flow.INDIRECT
    elif declared in _MULTI:
        if cost.refine is Refine.PAIR:  # SRS: LR and the SPSR to the stack of another mode
            srcs += (13, 14)
        else:
            regs = [r for r in range(16) if _list(o) >> r & 1]
            read("n")
            if declared is CostClass.LOAD_MULTIPLE:
                dsts += regs
            else:
                srcs += regs
            if get("W"):
                write("n")
            if cls is CostClass.LOAD_PC:
                flow = Flow.RETURN if get("n") == 13 else Flow.INDIRECT
    elif declared is CostClass.LOAD_PC:  # TBB/TBH (A8.8.237): a PC-relative table branch
        read("n", "m")
        flow = Flow.INDIRECT
    elif declared is CostClass.BRANCH:
        flow = Flow.DIRECT
        if "n" in o:  # CBZ/CBNZ (A8.8.29): the direction comes from the register, not a condition
            read("n")
            conditional = True
    elif declared is CostClass.CALL:
        read("m")
        dsts.append(14)
        flow = Flow.CALL
    elif declared is CostClass.BRANCH_REG:
        read("m")
        flow = Flow.RETURN if get("m") == 14 else Flow.INDIRECT
    elif declared is CostClass.COPROC_READ:
        read("n")  # STC's base
        if get("t") == 15:  # MRC APSR_nzcv (A8.8.108)
            flags_out = True
        dsts += [o[r] for r in ("t", "t2") if r in o and o[r] != 15]
    elif declared is CostClass.COPROC_WRITE:
        read("t", "t2", "n")
    elif declared is CostClass.PSR_READ:
        write("d")
    elif declared is CostClass.PSR_WRITE:
        if mn in PSR_MOVES:
            read("n")
            if not get("R"):
                dsts.append(FLAGS)
    elif declared is CostClass.NOP:
        read("n", "m")  # PLD/PLI address operands
    elif declared is CostClass.EXC_GEN:
        flow = Flow.EXCEPTION
    elif declared is CostClass.EXC_RETURN:
        read("n")
        dsts += [r for r in range(15) if _list(o) >> r & 1]
        flow = Flow.EXCEPTION
    if flags_in:
        srcs.append(FLAGS)
    if flags_out:
        dsts.append(FLAGS)
    # The PC is no scoreboard register (a PC write is the flow's business).
    return OpCost(cls, tuple(r for r in srcs if r != 15), tuple(r for r in dsts if r != 15), nregs, flow,
                  conditional)


def row_class(cost: RowCost, name: str, iset: str, fields: Dict[str, int], word: int = 0) -> Tuple[CostClass, int]:
    """(class, registers transferred) of one decoded instruction of row ``name`` (the fast level's price)."""
    if cost.refine is Refine.NONE:  # most rows: no field changes the class (and no roles to build)
        return cost.cls, 1
    return refined_class(cost, roles(iset, name, fields, word))


# The roles :func:`refined_class` reads (``d`` also through ``dn`` and the high bits, ``t`` through ``tpair``).
_REFINING = frozenset(("amount", "type", "d", "dn", "hi:d", "hi:dn", "S", "list", "lr", "pc", "t", "tpair", "R"))


def refining_fields(iset: str, name: str, field_names: Sequence[str]) -> Tuple[Tuple[str, ...], bool]:
    """(the fields of row ``name`` whose values :func:`row_class` reads, whether it reads the word too).

    :func:`row_class` of a row is a function of these fields' values (and, for MSR, of the word's R
    and mask bits, B9.3.10-B9.3.13): every other field (a register read, an immediate) leaves its
    class alone, so the fast level prices a row's decodes once per distinct value of these
    (:meth:`armsim.timing.model.Timing.fast_charge`).  Decode-time only.
    """
    table = FIELD_ROLES[iset]
    over = ROW_ROLES.get(iset, {}).get(name, {})
    names = tuple(f for f in field_names if (over[f] if f in over else table.get(f)) in _REFINING)
    return names, mnemonic(name) in PSR_MOVES


__all__ = ["A32", "CARRY_IN", "COMPARES", "FIELD_ROLES", "IMPLICIT", "READS_DEST", "ROW_ROLES", "T16", "T16_SETFLAGS",
           "T32", "iset_of", "mnemonic", "operands", "refined_class", "refining_fields", "roles",
           "row_class"]
