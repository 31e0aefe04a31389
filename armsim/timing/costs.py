"""Cost classes: what an instruction costs is decided by its class, priced by a CPU profile.

Every encoding row (A32, T16, T32) declares one :class:`CostClass` in its table's
cost column (DESIGN.md section 5, "costs beside the rows"; ``Row.cost``, a
:class:`RowCost`): :func:`armsim.timing.operands.row_class` refines it by the decoded
fields that change it, and a profile's timing table prices the class.
:func:`armsim.timing.operands.operands` gives what the pipeline model's register
scoreboard needs besides: the registers an instruction reads and writes, whether it
reads or writes the APSR flags, and how it changes the flow of control, from one table
of field roles per instruction set.

:func:`classify`, the older rule that derives all of that from an A32 row's name and
A32 field names, is the reference both are tested against for every A32 row
(tests/test_costs.py, tests/test_operands.py): the timing models no longer call it.
"""

from __future__ import annotations

import enum
from typing import Dict, NamedTuple, Tuple


class CostClass(enum.IntEnum):
    """The operation classes the timing tables price (names follow GCC's ``type`` attribute groups)."""

    ALU_IMM = 0  # data-processing with an immediate operand, MOVW/MOVT, ADR
    ALU_REG = 1  # data-processing with register operands, no shift; shifts by immediate; CLZ, REV, BFI...
    ALU_SHIFT = 2  # data-processing with an immediate-shifted register operand; extends, packs, saturates
    ALU_SHIFT_REG = 3  # data-processing with a register-shifted register operand
    MUL = 4  # 32-bit result multiplies (MUL, SMULxy, SMMUL, SMUAD...)
    MLA = 5  # 32-bit multiply-accumulate (MLA, MLS, SMLAxy, SMLAD...)
    MUL_LONG = 6  # UMULL, SMULL
    MLA_LONG = 7  # UMLAL, SMLAL, UMAAL, SMLALxy, SMLALD, SMLSLD
    UDIV = 8
    SDIV = 9
    LOAD = 10  # single and doubleword loads, LDREX, SWP
    STORE = 11  # single and doubleword stores, STREX
    LOAD_MULTIPLE = 12  # LDM without the PC
    STORE_MULTIPLE = 13  # STM, SRS
    BRANCH = 14  # B (immediate)
    CALL = 15  # BL, BLX (immediate), BLX (register)
    BRANCH_REG = 16  # BX, BXJ
    LOAD_PC = 17  # LDR PC, LDM with the PC in the list (a PC-writing load)
    ALU_PC = 18  # data-processing writing the PC (MOV PC, LR) without S
    COPROC_READ = 19  # MRC, MRRC, STC (a coprocessor register to the core)
    COPROC_WRITE = 20  # MCR, MCRR, LDC, CDP (the core to a coprocessor register)
    ISB = 21
    BARRIER = 22  # DSB, DMB
    PSR_READ = 23  # MRS
    PSR_WRITE = 24  # MSR/CPS writing the mode or mask bits, SETEND (serialising)
    EXC_GEN = 25  # SVC, HVC, SMC, BKPT, UDF, HLT: the instruction; the entry is priced apart
    EXC_RETURN = 26  # ERET, RFE, LDM (exception return), SUBS PC, LR and related
    NOP = 27  # NOP and hints, PLD/PLI, CLREX, WFI/WFE (no sleep modelled)


class Flow(enum.IntEnum):
    """How an instruction changes the flow of control (for branch prediction)."""

    NONE = 0  # falls through
    DIRECT = 1  # a PC-relative branch (target known at decode)
    CALL = 2  # a branch with link: pushes the return stack
    RETURN = 3  # BX LR, POP {..., PC}, LDR PC, [SP], #4, MOV PC, LR: predicted by the return stack
    INDIRECT = 4  # any other PC write: predicted by the last target seen
    EXCEPTION = 5  # exception generation / return: not predicted (a pipeline refill)


FLAGS = 16  # the APSR flags, as a scoreboard "register"


class UnclassifiedRow(LookupError):
    """A row no classification rule covers (the timing models then use :data:`DEFAULT`)."""


class OpCost(NamedTuple):
    """What the timing models need to know about one decoded instruction."""

    cls: CostClass
    srcs: Tuple[int, ...]  # registers read (FLAGS = the APSR flags)
    dsts: Tuple[int, ...]  # registers written
    nregs: int  # registers transferred by a load/store multiple (1 otherwise)
    flow: Flow
    conditional: bool = False  # a branch whose direction comes from a register (CBZ/CBNZ), not its condition


_DP_OPS = frozenset(("AND", "EOR", "SUB", "RSB", "ADD", "ADC", "SBC", "RSC", "TST", "TEQ", "CMP", "CMN", "ORR",
                     "MOV", "BIC", "MVN"))
_COMPARES = frozenset(("TST", "TEQ", "CMP", "CMN"))
_CARRY_IN = frozenset(("ADC", "SBC", "RSC", "RRX"))
_SHIFTS = frozenset(("LSL", "LSR", "ASR", "ROR", "RRX"))
_MUL = frozenset(("MUL", "SMUL<x><y>", "SMULW<y>", "SMUAD", "SMUSD", "SMMUL", "USAD8"))
_MLA = frozenset(("MLA", "MLS", "SMLA<x><y>", "SMLAW<y>", "SMLAD", "SMLSD", "SMMLA", "SMMLS", "USADA8"))
_MUL_LONG = frozenset(("UMULL", "SMULL"))
_MLA_LONG = frozenset(("UMLAL", "SMLAL", "UMAAL", "SMLAL<x><y>", "SMLALD", "SMLSLD"))
_ALU_REG_MISC = frozenset(("CLZ", "RBIT", "REV", "REV16", "REVSH", "BFC", "BFI", "UBFX", "SBFX", "SEL"))
_NOPS = frozenset(("NOP", "YIELD", "WFE", "WFI", "SEV", "DBG", "NOP (unallocated hint)", "CLREX"))
_EXC_GEN = frozenset(("SVC", "HVC", "SMC", "BKPT", "UDF", "HLT"))


def _regs(fields: Dict[str, int], *names: str) -> Tuple[int, ...]:
    return tuple(fields[n] for n in names if n in fields)


def _list(mask: int) -> Tuple[int, ...]:
    return tuple(r for r in range(16) if mask >> r & 1)


def classify(name: str, fields: Dict[str, int], cond: int = 14, word: int = 0) -> OpCost:
    """The cost class and operands of the A32 row ``name`` with decoded ``fields``.

    ``cond`` is the instruction's condition (a conditional instruction reads
    the flags, A8.3); ``word`` the instruction (MSR's mask and R bits).  Raises
    :class:`UnclassifiedRow` for a row no rule covers (the tests check every
    A32 row, so an unclassified new row fails there first).
    """
    base = name.split(" ", 1)[0].rstrip(",")
    srcs: Tuple[int, ...]
    dsts: Tuple[int, ...]
    reads_flags = cond not in (14, 15)
    flow = Flow.NONE

    def out(cls: CostClass, srcs: Tuple[int, ...], dsts: Tuple[int, ...], nregs: int = 1,
            flags_in: bool = False, flags_out: bool = False) -> OpCost:
        if reads_flags or flags_in:
            srcs = (*srcs, FLAGS)
        if flags_out:
            dsts = (*dsts, FLAGS)
        return OpCost(cls, srcs, dsts, nregs, flow)

    # -- data-processing (A5.2), shifts, moves ------------------------------------------
    if base in _DP_OPS or base in _SHIFTS or base == "ADR":
        setflags = bool(fields.get("S", 0)) or base in _COMPARES
        srcs = _regs(fields, "Rn", "Rm", "Rs")
        rd = fields.get("Rd")
        dsts = () if base in _COMPARES or rd is None else (rd,)
        if "(register-shifted register)" in name or (base in _SHIFTS and "(register)" in name):
            cls = CostClass.ALU_SHIFT_REG if base not in _SHIFTS else CostClass.ALU_REG
        elif ("(immediate)" in name and base not in _SHIFTS) or base == "ADR":
            cls = CostClass.ALU_IMM
        elif "(register)" in name and (fields.get("imm5", 0) or fields.get("type", 0)):
            cls = CostClass.ALU_SHIFT
        else:
            cls = CostClass.ALU_REG
        if rd == 15 and dsts:
            # B9.3.20: with S the instruction is an exception return; otherwise ALUWritePC.
            if setflags:
                flow = Flow.EXCEPTION
                return out(CostClass.EXC_RETURN, srcs, (), flags_in=base in _CARRY_IN)
            flow = Flow.RETURN if base == "MOV" and fields.get("Rm") == 14 and cls == CostClass.ALU_REG else (
                Flow.INDIRECT)
            return out(CostClass.ALU_PC, srcs, (), flags_in=base in _CARRY_IN)
        return out(cls, srcs, dsts, flags_in=base in _CARRY_IN, flags_out=setflags)
    if base in ("MOVW", "MOVT"):
        return out(CostClass.ALU_IMM, _regs(fields, "Rd") if base == "MOVT" else (), _regs(fields, "Rd"))
    if base in _ALU_REG_MISC:
        srcs = _regs(fields, "Rn", "Rm") + (_regs(fields, "Rd") if base in ("BFC", "BFI") else ())
        return out(CostClass.ALU_REG, srcs, _regs(fields, "Rd"))
    # -- multiplies and divides (A5.2.5, A5.4.4) ------------------------------------------
    if base in _MUL or name in _MUL:
        return out(CostClass.MUL, _regs(fields, "Rn", "Rm"), _regs(fields, "Rd"), flags_out=bool(fields.get("S")))
    if base in _MLA or name in _MLA:
        return out(CostClass.MLA, _regs(fields, "Rn", "Rm", "Ra"), _regs(fields, "Rd"),
                   flags_out=bool(fields.get("S")))
    if base in _MUL_LONG:
        return out(CostClass.MUL_LONG, _regs(fields, "Rn", "Rm"), _regs(fields, "RdLo", "RdHi"),
                   flags_out=bool(fields.get("S")))
    if base in _MLA_LONG or name in _MLA_LONG:
        return out(CostClass.MLA_LONG, _regs(fields, "Rn", "Rm", "RdLo", "RdHi"), _regs(fields, "RdLo", "RdHi"),
                   flags_out=bool(fields.get("S")))
    if base in ("UDIV", "SDIV"):
        return out(CostClass.UDIV if base == "UDIV" else CostClass.SDIV, _regs(fields, "Rn", "Rm"),
                   _regs(fields, "Rd"))
    # -- parallel add/subtract, saturation, extends, packs (A5.4) -----------------------
    if ((base[:1] in "SU" and ("ADD" in base or "SUB" in base or "ASX" in base or "SAX" in base))
            or base[:1] == "Q" or base in ("SSAT", "USAT", "SSAT16", "USAT16", "PKHBT")
            or base[1:3] == "XT"):
        return out(CostClass.ALU_SHIFT, _regs(fields, "Rn", "Rm"), _regs(fields, "Rd"))
    # -- loads and stores (A5.3, A5.5) ---------------------------------------------------
    if base in ("LDM", "LDMDA/LDMFA", "LDMDB/LDMEA", "LDMIB/LDMED", "LDM/LDMIA/LDMFD"):
        regs = _list(fields["register_list"])
        srcs = _regs(fields, "Rn")
        if "exception return" in name:
            flow = Flow.EXCEPTION
            return out(CostClass.EXC_RETURN, srcs, tuple(r for r in regs if r != 15), len(regs))
        dsts = tuple(r for r in regs if r != 15)
        if fields.get("W") and "Rn" in fields:
            dsts += (fields["Rn"],)
        if 15 in regs and "User" not in name:
            flow = Flow.RETURN if fields.get("Rn") == 13 else Flow.INDIRECT
            return out(CostClass.LOAD_PC, srcs, dsts, len(regs))
        return out(CostClass.LOAD_MULTIPLE, srcs, dsts, len(regs))
    if base.startswith("STM"):
        regs = _list(fields["register_list"])
        dsts = (fields["Rn"],) if fields.get("W") else ()
        return out(CostClass.STORE_MULTIPLE, _regs(fields, "Rn") + regs, dsts, len(regs))
    if base == "SRS":
        return out(CostClass.STORE_MULTIPLE, (13, 14), (), 2)
    if base == "RFE":
        flow = Flow.EXCEPTION
        return out(CostClass.EXC_RETURN, _regs(fields, "Rn"), (), 2)
    if base.startswith("LDR") or base == "SWP":
        rt = fields["Rt"]
        dsts = (rt, rt + 1) if base in ("LDRD", "LDREXD") and rt < 15 else (rt,)
        srcs = _regs(fields, "Rn", "Rm")
        if base == "SWP":
            srcs += _regs(fields, "Rt2")
        if "Rn" in fields and (fields.get("W") or not fields.get("P", 1)):
            dsts += (fields["Rn"],)  # base writeback (A8.8: wback)
        if rt == 15 and base in ("LDR",):
            flow = Flow.RETURN if fields.get("Rn") == 13 and not fields.get("P", 1) else Flow.INDIRECT
            return out(CostClass.LOAD_PC, srcs, tuple(r for r in dsts if r != 15))
        return out(CostClass.LOAD, srcs, dsts)
    if base.startswith("STR"):
        srcs = _regs(fields, "Rt", "Rn", "Rm")
        if base in ("STRD", "STREXD") and fields["Rt"] < 15:
            srcs += (fields["Rt"] + 1,)
        dsts = _regs(fields, "Rd") if base.startswith("STREX") else ()
        if "Rn" in fields and (fields.get("W") or not fields.get("P", 1)):
            dsts += (fields["Rn"],)
        return out(CostClass.STORE, srcs, dsts)
    if base in ("PLD", "PLI", "PLD,") or name.startswith("Unallocated memory hint"):
        return out(CostClass.NOP, _regs(fields, "Rn", "Rm"), ())
    # -- branches (A5.5, A5.2.12) ---------------------------------------------------------
    if base == "B":
        flow = Flow.DIRECT
        return out(CostClass.BRANCH, (), ())
    if name in ("BL (immediate)", "BLX (immediate)"):
        flow = Flow.CALL
        return out(CostClass.CALL, (), (14,))
    if name == "BLX (register)":
        flow = Flow.CALL
        return out(CostClass.CALL, _regs(fields, "Rm"), (14,))
    if base in ("BX", "BXJ"):
        flow = Flow.RETURN if fields.get("Rm") == 14 else Flow.INDIRECT
        return out(CostClass.BRANCH_REG, _regs(fields, "Rm"), ())
    # -- coprocessor (A5.6) -------------------------------------------------------------
    if base in ("MRC", "MRC2", "MRRC", "MRRC2"):
        return out(CostClass.COPROC_READ, (), tuple(r for r in _regs(fields, "Rt", "Rt2") if r != 15),
                   flags_out=fields.get("Rt") == 15)
    if base in ("MCR", "MCR2", "MCRR", "MCRR2"):
        return out(CostClass.COPROC_WRITE, _regs(fields, "Rt", "Rt2"), ())
    if base in ("STC", "STC2"):
        return out(CostClass.COPROC_READ, _regs(fields, "Rn"), ())
    if base in ("LDC", "LDC2", "CDP", "CDP2"):
        return out(CostClass.COPROC_WRITE, _regs(fields, "Rn"), ())
    # -- system (A5.2.12, A5.7) -----------------------------------------------------------
    if base == "ISB":
        return out(CostClass.ISB, (), ())
    if base in ("DSB", "DMB"):
        return out(CostClass.BARRIER, (), ())
    if base == "MRS":
        return out(CostClass.PSR_READ, (), _regs(fields, "Rd"))
    if base == "MSR":
        # B9.3.12/B9.3.13: only a CPSR write with the x or c field (mask<1:0>: E, A, I, F, mode)
        # changes how later instructions execute, so only that one serialises; writes of the
        # flags (mask<3:2>), of an SPSR, or of a banked register issue as ALU operations.
        mask = (word >> 16) & 0xF
        if not (word >> 22) & 1 and "Banked" not in name and mask & 0b0011:
            return out(CostClass.PSR_WRITE, _regs(fields, "Rn"), (FLAGS,))
        return out(CostClass.ALU_REG, _regs(fields, "Rn"), (FLAGS,) if not (word >> 22) & 1 else ())
    if base in ("CPS", "SETEND"):
        return out(CostClass.PSR_WRITE, (), ())
    if base in _EXC_GEN:
        flow = Flow.EXCEPTION
        return out(CostClass.EXC_GEN, (), ())
    if base == "ERET":
        flow = Flow.EXCEPTION
        return out(CostClass.EXC_RETURN, (), ())
    if name in _NOPS or base in _NOPS:
        return out(CostClass.NOP, (), ())
    raise UnclassifiedRow(f"no cost class for row {name!r}")


# What a row no rule covers costs: a register ALU operation with no operands tracked.
DEFAULT = OpCost(CostClass.ALU_REG, (), (), 1, Flow.NONE)


# -- the cost column of the encoding rows -------------------------------------------------------


class Refine(enum.IntEnum):
    """How a row's declared class is refined by its decoded fields (the only field-dependent costs)."""

    NONE = 0  # the declared class, one transfer
    DP = 1  # data-processing with Rd: Rd == PC is ALU_PC (ALUWritePC), with S EXC_RETURN (B9.3.20)
    SHIFTED = 2  # a register operand shifted by an immediate (imm5 or type nonzero) is ALU_SHIFT
    DP_SHIFTED = 3  # both of the above
    MULTIPLE = 4  # LDM/POP: priced per register (register_list, M, P); the PC in the list makes it LOAD_PC
    COUNT = 5  # STM/PUSH, LDM (User registers): priced per register, no PC promotion
    PAIR = 6  # SRS: two registers (LR and SPSR)
    LOAD = 7  # LDR: Rt == PC makes it LOAD_PC
    MSR = 8  # MSR: a CPSR write of mask<1:0> (R == 0) is PSR_WRITE, else ALU_REG (B9.3.12, B9.3.13)


class RowCost(NamedTuple):
    """One row's entry in the cost column: its class, and how its fields refine it."""

    cls: CostClass
    refine: Refine = Refine.NONE


def column(groups: Dict[RowCost, Tuple[str, ...]]) -> Dict[str, RowCost]:
    """A cost column (row name -> :class:`RowCost`) from row names grouped by their cost; a name twice is an error."""
    out: Dict[str, RowCost] = {}
    for cost, names in groups.items():
        for n in names:
            if n in out:
                raise ValueError(f"row {n!r} is declared twice in a cost column")
            out[n] = cost
    return out


def joined(shared: Dict[str, RowCost], own: Dict[str, RowCost], replaces: Tuple[str, ...] = ()) -> Dict[str, RowCost]:
    """An instruction set's cost column: the ``shared`` entries and its ``own``.  An own entry for a shared name
    is an error unless the name is in ``replaces`` (a row of that name that performs another operation)."""
    for n in own:
        if n in shared and n not in replaces:
            raise ValueError(f"row {n!r} is in the shared cost column already")
    for n in replaces:
        if n not in own or n not in shared:
            raise ValueError(f"row {n!r} replaces no shared entry")
    return {**shared, **own}


__all__ = ["DEFAULT", "FLAGS", "CostClass", "Flow", "OpCost", "Refine", "RowCost", "UnclassifiedRow", "classify",
           "column", "joined"]
