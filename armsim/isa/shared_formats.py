"""The format column both instruction sets share: instructions whose A32 and T32 rows have the
same name, the same operand fields and the same GNU text (DDI 0406C A8; binutils 2.40).

:mod:`armsim.isa.a32.formats` and :mod:`armsim.isa.t32.formats` start from :data:`COMMON`
and add only what differs between the encodings: ``.w`` suffixes, modified-immediate and
shift forms, addressing modes, branch targets and binutils' per-encoding quirks.  ``{c}``
is the A32 cond field where a row has one, the IT block's condition in T32, and nothing
for an unconditional A32 encoding; ``{s}`` is empty for a row without an S field (the T32
long multiplies), so one template serves both.
"""

from __future__ import annotations

from typing import Dict

from armsim.isa import disasm as D  # noqa: N812
from armsim.isa.disasm import DisasmContext, Fields, Format

COPROCESSOR = ("STC", "LDC", "MCRR", "MRRC", "CDP", "MCR", "MRC")


def suffix_if(op: str, flag: str, letter: str, tail: str) -> Format:
    """``op`` with ``letter`` when field ``flag`` is set: SMUAD{X}, SMMUL{R}, ... (A8.8.165-A8.8.180)."""
    def fmt(f: Fields, d: DisasmContext) -> str:
        return f"{op}{letter if f[flag] else ''}{{c}} {tail}"

    return fmt


def halves(op: str, tail: str, two: bool = True) -> Format:
    """SMUL<x><y>, SMLA<x><y>, SMLAL<x><y> (``two``), SMULW<y>, SMLAW<y>: b/t from N and M (A8.8.176...)."""
    def fmt(f: Fields, d: DisasmContext) -> str:
        x = ("t" if f["N"] else "b") if two else ""
        y = "t" if f["M"] else "b"
        return f"{op}{x}{y}{{c}} {tail}"

    return fmt


def _coproc(name: str) -> Format:
    return lambda f, d: D.coproc(f, d, name)


def _common() -> Dict[str, Format]:
    t: Dict[str, Format] = {}
    # A8.4.x parallel add/subtract: <prefix><op> Rd, Rn, Rm.
    for p in ("S", "Q", "SH", "U", "UQ", "UH"):
        for op in ("ADD16", "ASX", "SAX", "SUB16", "ADD8", "SUB8"):
            t[p + op] = (p + op).lower() + "{c} {Rd}, {Rn}, {Rm}"
    # A8.8.134 QADD ... A8.8.141 QSUB: Rd, Rm, Rn.
    for op in ("QADD", "QSUB", "QDADD", "QDSUB"):
        t[op] = op.lower() + "{c} {Rd}, {Rm}, {Rn}"
    for op in ("SXTB16", "UXTB16"):
        t[op] = op.lower() + "{c} {Rd}, {Rm}{rotate}"
    for op in ("SXTAB16", "SXTAB", "SXTAH", "UXTAB16", "UXTAB", "UXTAH"):
        t[op] = op.lower() + "{c} {Rd}, {Rn}, {Rm}{rotate}"
    for op in ("SEL", "USAD8", "SDIV", "UDIV"):
        t[op] = op.lower() + "{c} {Rd}, {Rn}, {Rm}"
    t["USADA8"] = "usada8{c} {Rd}, {Rn}, {Rm}, {Ra}"
    t["CLZ"] = "clz{c} {Rd}, {Rm}"
    t["RBIT"] = "rbit{c} {Rd}, {Rm}"
    t["USAT16"] = "usat16{c} {Rd}, {#sat_imm}, {Rn}"
    t["SSAT16"] = lambda f, d: f"ssat16{{c}} {{Rd}}, #{f['sat_imm'] + 1}, {{Rn}}"
    # Multiplies (A8.8.100 MLA ... A8.8.189 UMULL).
    t["MLA"] = "mla{s}{c} {Rd}, {Rn}, {Rm}, {Ra}"
    t["MLS"] = "mls{c} {Rd}, {Rn}, {Rm}, {Ra}"
    t["UMAAL"] = "umaal{c} {RdLo}, {RdHi}, {Rn}, {Rm}"
    for op in ("UMULL", "UMLAL", "SMULL", "SMLAL"):
        t[op] = op.lower() + "{s}{c} {RdLo}, {RdHi}, {Rn}, {Rm}"
    t["SMUAD"] = suffix_if("smuad", "M", "x", "{Rd}, {Rn}, {Rm}")
    t["SMLAD"] = suffix_if("smlad", "M", "x", "{Rd}, {Rn}, {Rm}, {Ra}")
    t["SMUSD"] = suffix_if("smusd", "M", "x", "{Rd}, {Rn}, {Rm}")
    t["SMLSD"] = suffix_if("smlsd", "M", "x", "{Rd}, {Rn}, {Rm}, {Ra}")
    t["SMLALD"] = suffix_if("smlald", "M", "x", "{RdLo}, {RdHi}, {Rn}, {Rm}")
    t["SMLSLD"] = suffix_if("smlsld", "M", "x", "{RdLo}, {RdHi}, {Rn}, {Rm}")
    t["SMMUL"] = suffix_if("smmul", "R", "r", "{Rd}, {Rn}, {Rm}")
    t["SMMLA"] = suffix_if("smmla", "R", "r", "{Rd}, {Rn}, {Rm}, {Ra}")
    t["SMMLS"] = suffix_if("smmls", "R", "r", "{Rd}, {Rn}, {Rm}, {Ra}")
    # Exclusives (A8.8.69-A8.8.71, A8.8.213-A8.8.215).
    t["STREXB"] = "strexb{c} {Rd}, {Rt}, [{Rn}]"
    t["STREXH"] = "strexh{c} {Rd}, {Rt}, [{Rn}]"
    t["LDREXB"] = "ldrexb{c} {Rt}, [{Rn}]"
    t["LDREXH"] = "ldrexh{c} {Rt}, [{Rn}]"
    t["CLREX"] = "clrex{c}"
    # Control: barriers (A8.8.43, A8.8.44, A8.8.53), PSR and banked-register moves (B9.3.8-B9.3.12).
    t["DSB"] = lambda f, d: f"dsb{{c}} {D.barrier(f['option'])}"
    t["DMB"] = lambda f, d: f"dmb{{c}} {D.barrier(f['option'])}"
    t["ISB"] = lambda f, d: f"isb{{c}} {D.isb_option(f['option'])}"
    t["DBG"] = "dbg{c} {#option}"
    t["BXJ"] = "bxj{c} {Rm}"
    t["MRS"] = lambda f, d: f"mrs{{c}} {{Rd}}, {'SPSR' if f['R'] else 'CPSR'}"
    t["MSR (register)"] = lambda f, d: f"msr{{c}} {'SPSR' if f['R'] else 'CPSR'}_{D.psr_fields(f['mask'])}, {{Rn}}"
    t["MRS (Banked register)"] = lambda f, d: f"mrs{{c}} {{Rd}}, {D.banked(f['R'], f['M'], f['M1'])}"
    t["MSR (Banked register)"] = lambda f, d: f"msr{{c}} {D.banked(f['R'], f['M'], f['M1'])}, {{Rn}}"
    # Coprocessors (A8.8.57-A8.8.112): the same bits in both instruction sets.
    for op in COPROCESSOR:
        for name in (op, op + "2"):
            t[name] = _coproc(name)
    return t


COMMON: Dict[str, Format] = _common()
