"""The format column of the T16 and T32 rows: GNU (``objdump -d``) syntax (DDI 0406C A6, A8).

Attached when the Thumb tables compile (:func:`armsim.isa.t32.tables`); see
:mod:`armsim.isa.disasm` for the template language; the 32-bit table starts from the
formats A32 shares (:data:`armsim.isa.shared_formats.COMMON`).  As binutils does, a 32-bit
encoding whose instruction also has a 16-bit encoding gets ``.w``, 16-bit
branches get ``.n``, and a 16-bit data-processing instruction is written with
``s`` outside an IT block and with the block's condition inside one.
"""

from __future__ import annotations

from typing import Dict

from armsim.isa import disasm as D  # noqa: N812
from armsim.isa.disasm import DisasmContext, Fields, Format, reg
from armsim.isa.shared_formats import COMMON, halves

MASK32 = 0xFFFFFFFF


def _sext(v: int, bits: int) -> int:
    return v - (1 << bits) if v >> (bits - 1) & 1 else v


# -- branch targets (A8.8.18 B, A8.8.25 BL/BLX, A8.8.29 CBZ) ------------------------------------


def _t_b8(f: Fields, d: DisasmContext) -> str:
    return D.target(d.pc + _sext(f["imm8"] << 1, 9), d)


def _t_b11(f: Fields, d: DisasmContext) -> str:
    return D.target(d.pc + _sext(f["imm11"] << 1, 12), d)


def _t_cb(f: Fields, d: DisasmContext) -> str:
    return D.target(d.pc + ((f["i"] << 6) | (f["imm5"] << 1)), d)


def _i1i2(f: Fields) -> int:
    s = f["S"]
    return ((1 - (f["J1"] ^ s)) << 1) | (1 - (f["J2"] ^ s))


def _t_b20(f: Fields, d: DisasmContext) -> str:
    off = (f["S"] << 20) | (f["J2"] << 19) | (f["J1"] << 18) | (f["imm6"] << 12) | (f["imm11"] << 1)
    return D.target(d.pc + _sext(off, 21), d)


def _t_b24(f: Fields, d: DisasmContext) -> str:
    off = (f["S"] << 24) | (_i1i2(f) << 22) | (f["imm10"] << 12) | (f["imm11"] << 1)
    return D.target(d.pc + _sext(off, 25), d)


def _t_blx(f: Fields, d: DisasmContext) -> str:
    off = (f["S"] << 24) | (_i1i2(f) << 22) | (f["imm10H"] << 12) | (f["imm10L"] << 2)
    return D.target((d.pc & ~3) + _sext(off, 25), d)


# -- addressing -----------------------------------------------------------------------------------


def _m12(f: Fields, d: DisasmContext) -> str:
    """[Rn, #imm12] (T2/T3 positive offset): the zero offset is written (binutils: #0 left out)."""
    return D.mem_imm(f["Rn"], f["imm12"], 1, 1, 0)


def _signed_offset(n: int, offset: int, P: int, W: int) -> str:
    """A T32 immediate offset as binutils writes it, a signed number: a zero offset has no sign
    (``[Rn], #0`` post-indexed) and pre-indexed is left out (``[Rn]``, ``[Rn]!``)."""
    if not P:
        return f"[{reg(n)}], #{offset}"
    return (f"[{reg(n)}, #{offset}]" if offset else f"[{reg(n)}]") + ("!" if W else "")


def _m8(f: Fields, d: DisasmContext) -> str:
    """[Rn, #+/-imm8]{!} / [Rn], #+/-imm8 (T4)."""
    return _signed_offset(f["Rn"], f["imm8"] if f["U"] else -f["imm8"], f["P"], f["W"])


def _mr(f: Fields, d: DisasmContext) -> str:
    return D.mem_reg(f["Rn"], f["Rm"], 1, 1, 0, f", lsl #{f['imm2']}" if f["imm2"] else "")


def _lit(f: Fields, d: DisasmContext) -> str:
    """[pc, #+/-imm12] (A8.8.64 LDR (literal) T2 and the other literal forms)."""
    return _signed_offset(15, f["imm12"] if f["U"] else -f["imm12"], 1, 0)


def _mt(f: Fields, d: DisasmContext) -> str:
    return D.mem_imm(f["Rn"], f["imm8"], 1, 1, 0)


def _md(f: Fields, d: DisasmContext) -> str:
    """LDRD/STRD (immediate) T1: [Rn, #+/-imm8*4]{!} / [Rn], #+/-imm8*4."""
    if "W" not in f:  # the post-indexed row fixes P = 0, W = 1
        return D.mem_imm(f["Rn"], f["imm8"] * 4, 0, f["U"], 1)
    if f["imm8"] == 0 and f["U"]:
        return f"[{reg(f['Rn'])}]"  # binutils leaves out #0, and with it the writeback's !
    return D.mem_imm(f["Rn"], f["imm8"] * 4, 1, f["U"], f["W"])


def _mx(f: Fields, d: DisasmContext) -> str:
    """LDREX/STREX T1: [Rn{, #imm8*4}]."""
    return D.mem_imm(f["Rn"], f["imm8"] * 4, 1, 1, 0)


def _m16(scale: int) -> D.Derived:
    def fmt(f: Fields, d: DisasmContext) -> str:
        n = f.get("Rn", 13)
        v = f["imm5"] * scale if "imm5" in f else f["imm8"] * 4
        return f"[{reg(n)}, #{v}]"

    return fmt


# -- whole formats ----------------------------------------------------------------------------------


def _shift16(op: str) -> Format:
    """A8.8.x (immediate) T1; LSL #0 is MOV (register) T2 (``movs``), LSR/ASR #0 mean #32."""
    def fmt(f: Fields, d: DisasmContext) -> str:
        if op == "lsl" and f["imm5"] == 0:
            return "mov{s16}{c} {Rd}, {Rm}"
        return f"{op}{{s16}}{{c}} {{Rd}}, {{Rm}}, #{f['imm5'] or 32}"

    return fmt


def _add16(op: str) -> Format:
    def fmt(f: Fields, d: DisasmContext) -> str:
        if "imm3" in f:
            return op + "{s16}{c} {Rd}, {Rn}, {#imm3}"
        if "imm8" in f:
            return op + "{s16}{c} {Rdn}, {#imm8}"
        if "DN" in f:  # ADD (register) T2: high registers, flags unchanged
            return f"add{{c}} {reg((f['DN'] << 3) | f['Rdn'])}, {{Rm}}"
        return op + "{s16}{c} {Rd}, {Rn}, {Rm}"

    return fmt


def _cmp16(f: Fields, d: DisasmContext) -> str:
    if "imm8" in f:
        return "cmp{c} {Rdn}, {#imm8}"
    if "N" in f:
        return f"cmp{{c}} {reg((f['N'] << 3) | f['Rn'])}, {{Rm}}"
    return "cmp{c} {Rdn}, {Rm}"


def _mov16(f: Fields, d: DisasmContext) -> str:
    if "imm8" in f:
        return "mov{s16}{c} {Rdn}, {#imm8}"
    rd = (f["D"] << 3) | f["Rd"]
    if rd == 8 and f["Rm"] == 8:
        return "nop{c}"  # binutils: MOV r8, r8 is the pre-ARMv6T2 Thumb NOP
    return f"mov{{c}} {reg(rd)}, {{Rm}}"


def _ldst16(op: str, scale: int) -> Format:
    def fmt(f: Fields, d: DisasmContext) -> str:
        if "Rm" in f:
            return op + "{c} {Rt}, [{Rn}, {Rm}]"
        if "imm5" in f:
            return f"{op}{{c}} {{Rt}}, [{{Rn}}, #{f['imm5'] * scale}]"
        return f"{op}{{c}} {{Rt}}, [sp, #{f['imm8'] * 4}]"

    return fmt


def _push(f: Fields, d: DisasmContext) -> str:
    return "push{c} " + D.reglist(f["register_list"] | (f["M"] << 14))


def _pop(f: Fields, d: DisasmContext) -> str:
    return "pop{c} " + D.reglist(f["register_list"] | (f["P"] << 15))


def _ldm16(f: Fields, d: DisasmContext) -> str:
    wb = "" if f["register_list"] >> f["Rn"] & 1 else "!"
    return f"ldmia{{c}} {{Rn}}{wb}, {{rl}}"


def _it(f: Fields, d: DisasmContext) -> str:
    return D.it_mnemonic(f["firstcond"], f["mask"])


def _hint16(f: Fields, d: DisasmContext) -> str:
    return f"nop{{c}} {{{f['opA']}}}"


def _ldm32(op: str, wide: str) -> Format:
    """A8.8.58 LDM T2 / A8.8.60 LDMDB / A8.8.199 STM T2 / A8.8.201 STMDB: registers = P:M:'0':list."""
    def fmt(f: Fields, d: DisasmContext) -> str:
        regs = f["register_list"] | (f["M"] << 14) | (f.get("P", 0) << 15)
        return f"{op}{{c}}{wide} {{Rn}}{'!' if f['W'] else ''}, {D.reglist(regs)}"

    return fmt


def _subs_pc(f: Fields, d: DisasmContext) -> str:
    return "subs{c} pc, lr, {#imm8}"  # binutils writes ERET (imm8 == 0, B9.3.3) as SUBS PC, LR, #0


def _sat_shift(f: Fields) -> str:
    amount = (f["imm3"] << 2) | f["imm2"]
    if f["sh"]:
        return f", asr #{amount}"
    return f", lsl #{amount}" if amount else ""


def _ldst_imm(m: str) -> Format:
    def fmt(f: Fields, d: DisasmContext) -> str:
        return m + ("{c}.w {Rt}, {tm12}" if "imm12" in f else "{c}.w {Rt}, {tm8}")

    return fmt


def _pld(op: str) -> Format:
    def fmt(f: Fields, d: DisasmContext) -> str:
        name = op + ("w" if f.get("W") else "") + "{c}"
        if "Rm" in f:
            return f"{name} {_mr(f, d)}"
        if "Rn" not in f:
            return f"{name} {_lit(f, d)}"
        if "imm12" in f:
            return f"{name} {_signed_offset(f['Rn'], f['imm12'], 1, 0)}"
        return f"{name} {_signed_offset(f['Rn'], -f['imm8'], 1, 0)}"

    return fmt


def _formats16() -> Dict[str, Format]:
    t: Dict[str, Format] = {}
    t["LSL (immediate)"] = _shift16("lsl")
    t["LSR (immediate)"] = _shift16("lsr")
    t["ASR (immediate)"] = _shift16("asr")
    t["ADD (register)"] = _add16("add")
    t["SUB (register)"] = _add16("sub")
    t["ADD (immediate)"] = _add16("add")
    t["SUB (immediate)"] = _add16("sub")
    t["MOV (immediate)"] = _mov16
    t["MOV (register)"] = _mov16
    t["CMP (immediate)"] = _cmp16
    t["CMP (register)"] = _cmp16
    for op in ("AND", "EOR", "LSL", "LSR", "ASR", "ADC", "SBC", "ROR", "ORR", "BIC", "MVN"):
        t[f"{op} (register)"] = op.lower() + "{s16}{c} {Rdn}, {Rm}"
    t["TST (register)"] = "tst{c} {Rdn}, {Rm}"
    t["CMN (register)"] = "cmn{c} {Rdn}, {Rm}"
    t["RSB (register)"] = "neg{s16}{c} {Rdn}, {Rm}"  # RSBS Rd, Rn, #0: binutils writes NEGS
    t["MUL (register)"] = "mul{s16}{c} {Rdn}, {Rm}"  # binutils leaves out the repeated Rdm
    t["BX"] = "bx{c} {Rm}"
    t["BLX (register)"] = "blx{c} {Rm}"
    t["LDR (literal)"] = lambda f, d: f"ldr{{c}} {{Rt}}, [pc, #{f['imm8'] * 4}]"
    for op, scale in (("STR", 4), ("LDR", 4), ("STRB", 1), ("LDRB", 1), ("STRH", 2), ("LDRH", 2)):
        t[f"{op} (immediate)"] = _ldst16(op.lower(), scale)
    for op in ("STR", "STRH", "STRB", "LDRSB", "LDR", "LDRH", "LDRB", "LDRSH"):
        t[f"{op} (register)"] = op.lower() + "{c} {Rt}, [{Rn}, {Rm}]"
    t["ADR"] = lambda f, d: f"add{{c}} {{Rd}}, pc, #{f['imm8'] * 4}"
    t["ADD (SP plus immediate)"] = lambda f, d: (f"add{{c}} {{Rd}}, sp, #{f['imm8'] * 4}" if "Rd" in f
                                                 else f"add{{c}} sp, #{f['imm7'] * 4}")
    t["SUB (SP minus immediate)"] = lambda f, d: f"sub{{c}} sp, #{f['imm7'] * 4}"
    t["CBZ"] = "cbz {Rn}, {tcb}"
    t["CBNZ"] = "cbnz {Rn}, {tcb}"
    for op in ("SXTH", "SXTB", "UXTH", "UXTB", "REV", "REV16", "REVSH"):
        t[op] = op.lower() + "{c} {Rd}, {Rm}"
    t["PUSH"] = _push
    t["POP"] = _pop
    t["SETEND"] = lambda f, d: f"setend {'be' if f['E'] else 'le'}"
    t["CPS"] = lambda f, d: D.cps(3 if f["im"] else 2, 0, f["A"], f["I"], f["F"], 0)
    t["BKPT"] = lambda f, d: f"bkpt 0x{f['imm8']:04x}"
    for op in ("NOP", "YIELD", "WFE", "WFI", "SEV"):
        t[op] = op.lower() + "{c}"
    t["NOP (unallocated hint)"] = _hint16
    t["IT"] = _it
    t["STM"] = "stmia{c} {Rn}!, {rl}"
    t["LDM"] = _ldm16
    t["UDF"] = "udf{c} {#imm8}"
    t["SVC"] = "svc{c} {imm8}"
    t["B"] = lambda f, d: "b{c}.n {tb8}" if "cond" in f else "b{c}.n {tb11}"
    return t


def _formats32() -> Dict[str, Format]:
    t: Dict[str, Format] = dict(COMMON)
    wide = {"AND", "BIC", "ORR", "EOR", "ADD", "ADC", "SBC", "SUB", "MOV", "MVN", "TST", "CMN", "CMP"}
    for op in ("AND", "BIC", "ORR", "ORN", "EOR", "ADD", "ADC", "SBC", "SUB", "RSB"):
        w = ".w" if op in wide else ""
        t[f"{op} (immediate)"] = op.lower() + "{s}{c}" + w + " {Rd}, {Rn}, {timm}"
        t[f"{op} (register)"] = op.lower() + "{s}{c}" + w + " {Rd}, {Rn}, {Rm}{tshift}"
    for op in ("TST", "TEQ", "CMN", "CMP"):
        w = ".w" if op in wide else ""
        t[f"{op} (immediate)"] = op.lower() + "{c}" + w + " {Rn}, {timm}"
        t[f"{op} (register)"] = op.lower() + "{c}" + w + " {Rn}, {Rm}{tshift}"
    t["MOV (immediate)"] = "mov{s}{c}.w {Rd}, {timm}"
    t["MVN (immediate)"] = "mvn{s}{c}.w {Rd}, {timm}"
    t["MOV (register)"] = "mov{s}{c}.w {Rd}, {Rm}{tshift}"
    t["MVN (register)"] = "mvn{s}{c}.w {Rd}, {Rm}{tshift}"
    t["PKHBT, PKHTB"] = lambda f, d: f"pkh{'tb' if f['tb'] else 'bt'}{{c}} {{Rd}}, {{Rn}}, {{Rm}}" + \
        D.shift_imm(2 if f["tb"] else 0, (f["imm3"] << 2) | f["imm2"])
    t["ADDW"] = lambda f, d: f"addw{{c}} {{Rd}}, {{Rn}}, #{(f['i'] << 11) | (f['imm3'] << 8) | f['imm8']}"
    t["SUBW"] = lambda f, d: f"subw{{c}} {{Rd}}, {{Rn}}, #{(f['i'] << 11) | (f['imm3'] << 8) | f['imm8']}"
    t["MOVW"] = lambda f, d: f"movw{{c}} {{Rd}}, #{(f['imm4'] << 12) | (f['i'] << 11) | (f['imm3'] << 8) | f['imm8']}"
    t["MOVT"] = lambda f, d: f"movt{{c}} {{Rd}}, #{(f['imm4'] << 12) | (f['i'] << 11) | (f['imm3'] << 8) | f['imm8']}"
    t["SSAT"] = lambda f, d: f"ssat{{c}} {{Rd}}, #{f['sat_imm'] + 1}, {{Rn}}{_sat_shift(f)}"
    t["USAT"] = lambda f, d: f"usat{{c}} {{Rd}}, #{f['sat_imm']}, {{Rn}}{_sat_shift(f)}"
    t["SBFX"] = lambda f, d: f"sbfx{{c}} {{Rd}}, {{Rn}}, #{(f['imm3'] << 2) | f['imm2']}, #{f['widthm1'] + 1}"
    t["UBFX"] = lambda f, d: f"ubfx{{c}} {{Rd}}, {{Rn}}, #{(f['imm3'] << 2) | f['imm2']}, #{f['widthm1'] + 1}"

    def _bf(name: str) -> Format:
        def fmt(f: Fields, d: DisasmContext) -> str:
            lsb = (f["imm3"] << 2) | f["imm2"]
            src = " {Rn}," if name == "bfi" else ""
            return f"{name}{{c}} {{Rd}},{src} #{lsb}, #{f['msb'] - lsb + 1}"

        return fmt

    t["BFC"] = _bf("bfc")
    t["BFI"] = _bf("bfi")
    for op in ("LSL", "LSR", "ASR", "ROR"):
        t[f"{op} (register)"] = op.lower() + "{s}{c}.w {Rd}, {Rn}, {Rm}"
    for op in ("SXTH", "UXTH", "SXTB", "UXTB"):
        t[op] = op.lower() + "{c}.w {Rd}, {Rm}{rotate}"
    t["REV"] = "rev{c}.w {Rd}, {Rm}"
    t["REV16"] = "rev16{c}.w {Rd}, {Rm}"
    t["REVSH"] = "revsh{c}.w {Rd}, {Rm}"
    t["MUL"] = "mul{c}.w {Rd}, {Rn}, {Rm}"
    t["SMULBB, SMULBT, SMULTB, SMULTT"] = halves("smul", "{Rd}, {Rn}, {Rm}")
    t["SMLABB, SMLABT, SMLATB, SMLATT"] = halves("smla", "{Rd}, {Rn}, {Rm}, {Ra}")
    t["SMULWB, SMULWT"] = halves("smulw", "{Rd}, {Rn}, {Rm}", two=False)
    t["SMLAWB, SMLAWT"] = halves("smlaw", "{Rd}, {Rn}, {Rm}, {Ra}", two=False)
    t["SMLALBB, SMLALBT, SMLALTB, SMLALTT"] = halves("smlal", "{RdLo}, {RdHi}, {Rn}, {Rm}")
    # A6.3.5 / A6.3.6
    t["STM"] = _ldm32("stmia", ".w")
    t["LDM"] = _ldm32("ldmia", ".w")
    t["STMDB"] = _ldm32("stmdb", "")
    t["LDMDB"] = _ldm32("ldmdb", "")
    t["STREX"] = "strex{c} {Rd}, {Rt}, {tmx}"
    t["LDREX"] = "ldrex{c} {Rt}, {tmx}"
    t["STRD (immediate)"] = "strd{c} {Rt}, {Rt2}, {tmd}"
    t["LDRD (immediate)"] = "ldrd{c} {Rt}, {Rt2}, {tmd}"
    t["STREXD"] = "strexd{c} {Rd}, {Rt}, {Rt2}, [{Rn}]"
    t["LDREXD"] = "ldrexd{c} {Rt}, {Rt2}, [{Rn}]"
    t["TBB, TBH"] = lambda f, d: "tbh{c} [{Rn}, {Rm}, lsl #1]" if f["H"] else "tbb{c} [{Rn}, {Rm}]"
    # A6.3.7-A6.3.10
    t["PLD (literal)"] = _pld("pld")
    t["PLD, PLDW (immediate)"] = _pld("pld")
    t["PLD, PLDW (register)"] = _pld("pld")
    t["PLI (literal)"] = _pld("pli")
    t["PLI (immediate)"] = _pld("pli")
    t["PLI (register)"] = _pld("pli")
    t["NOP (memory hint)"] = "nop{c}.w"
    t["UNPREDICTABLE (LDRH/LDRSH writeback, Rt == 1111)"] = "udf{c}.w #0"
    t["UNPREDICTABLE (LDRHT/LDRSHT, Rt == 1111)"] = "udf{c}.w #0"
    t["UNDEFINED (load halfword, Rt == 1111)"] = "udf{c}.w #0"
    t["UNDEFINED (store, Rn == 1111)"] = "udf{c}.w #0"
    for op in ("LDR", "LDRB", "LDRH", "LDRSB", "LDRSH", "STR", "STRB", "STRH"):
        m = op.lower()
        t[f"{op} (immediate)"] = _ldst_imm(m)
        t[f"{op} (register)"] = m + "{c}.w {Rt}, {tmr}"
        t[f"{op}T"] = m + "t{c} {Rt}, {tmt}"
        if op.startswith("LDR"):
            t[f"{op} (literal)"] = m + "{c}.w {Rt}, {tlit}"
    # A6.3.4 branches and miscellaneous control
    for op in ("NOP", "YIELD", "WFE", "WFI", "SEV"):
        t[op] = op.lower() + "{c}.w"
    t["NOP (unallocated hint)"] = lambda f, d: f"nop{{c}}.w {{{f['op2']}}}"
    t["CPS"] = lambda f, d: D.cps(f["imod"], f["M"], f["A"], f["I"], f["F"], f["mode"],
                                      ".w" if f["imod"] and not f["M"] else "")
    t["SUBS PC, LR and related instructions (ERET)"] = _subs_pc
    t["HVC"] = lambda f, d: f"hvc #{(f['imm4'] << 12) | f['imm12']}"
    t["SMC"] = "smc{c} {#imm4}"
    t["UDF"] = lambda f, d: f"udf{{c}}.w #{(f['imm4'] << 12) | f['imm12']}"
    t["B"] = lambda f, d: "b{c}.w {tb20}" if "cond" in f else "b{c}.w {tb24}"
    t["BL"] = "bl{c} {tb24}"
    t["BLX (immediate)"] = "blx{c} {tblx}"

    def _srs(f: Fields, d: DisasmContext) -> str:
        mode = "db" if d.word >> 23 & 3 == 0 else "ia"
        return f"srs{mode}{{c}} sp{'!' if f['W'] else ''}, #{f['mode']}"

    def _rfe(f: Fields, d: DisasmContext) -> str:
        mode = "db" if d.word >> 23 & 3 == 0 else "ia"
        return f"rfe{mode}{{c}} {{Rn}}{'!' if f['W'] else ''}"

    t["SRS"] = _srs
    t["RFE"] = _rfe
    return t


FORMATS16: Dict[str, Format] = _formats16()
FORMATS32: Dict[str, Format] = _formats32()

EXTRA: Dict[str, D.Derived] = {
    "tb8": _t_b8,
    "tb11": _t_b11,
    "tcb": _t_cb,
    "tb20": _t_b20,
    "tb24": _t_b24,
    "tblx": _t_blx,
    "tm12": _m12,
    "tm8": _m8,
    "tmr": _mr,
    "tlit": _lit,
    "tmt": _mt,
    "tmd": _md,
    "tmx": _mx,
}
