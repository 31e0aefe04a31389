"""The format column of the A32 rows: GNU (``objdump -d``) syntax per row name (DDI 0406C A8).

Attached to the rows by :func:`armsim.isa.a32.attach_formats`; see :mod:`armsim.isa.disasm`
for the template language.  The formats T32 shares are :data:`armsim.isa.shared_formats.COMMON`;
this table adds the A32 encodings' own.  Where binutils prefers an alias (PUSH/POP, NOP for
``mov r0, r0``, the shift mnemonics for MOV with a shift) the format does too.
"""

from __future__ import annotations

from typing import Dict

from armsim.isa import disasm as D  # noqa: N812
from armsim.isa.disasm import DisasmContext, Fields, Format, reg
from armsim.isa.shared_formats import COMMON, halves

MASK32 = 0xFFFFFFFF


def _imm24_target(f: Fields, d: DisasmContext) -> str:
    off = f["imm24"] << 2
    if off & 0x2000000:
        off -= 1 << 26
    return D.target(d.pc + off, d)


def _blx_target(f: Fields, d: DisasmContext) -> str:
    off = (f["imm24"] << 2) | (f["H"] << 1)
    if off & 0x2000000:
        off -= 1 << 26
    return D.target(d.pc + off, d)


def _mem(f: Fields, d: DisasmContext) -> str:
    """A8.5.2 addressing mode 2, immediate: [Rn, #+/-imm12] / [Rn], #+/-imm12."""
    return D.mem_imm(f["Rn"], f["imm12"], f.get("P", 0), f["U"], f.get("W", 0) if f.get("P", 0) else 0)


def _memr(f: Fields, d: DisasmContext) -> str:
    P = f.get("P", 0)
    return D.mem_reg(f["Rn"], f["Rm"], P, f["U"], f.get("W", 0) if P else 0, D.shift_imm(f["type"], f["imm5"]))


def _memh(f: Fields, d: DisasmContext) -> str:
    """A8.5.3 addressing mode 3, immediate: imm4H:imm4L."""
    P = f.get("P", 0)
    return D.mem_imm(f["Rn"], (f["imm4H"] << 4) | f["imm4L"], P, f["U"], f.get("W", 0) if P else 0)


def _memhr(f: Fields, d: DisasmContext) -> str:
    P = f.get("P", 0)
    return D.mem_reg(f["Rn"], f["Rm"], P, f["U"], f.get("W", 0) if P else 0)


def _lit12(f: Fields, d: DisasmContext) -> str:
    return D.mem_imm(15, f["imm12"], f["P"], f["U"], f["W"])


def _lith(f: Fields, d: DisasmContext) -> str:
    return D.mem_imm(15, (f["imm4H"] << 4) | f["imm4L"], f["P"], f["U"], f["W"])


def _ldm(name: str) -> Format:
    """LDM/STM and their aliases (A8.8.58-A8.8.63, A8.8.199-A8.8.204): binutils writes PUSH/POP for
    SP! with two or more registers, and STMFD/LDMFD SP! for one."""
    def fmt(f: Fields, d: DisasmContext) -> str:
        n, W, regs = f["Rn"], f["W"], f["register_list"]
        if n == 13 and W and name in ("stmdb", "ldm"):
            if bin(regs).count("1") > 1:
                return ("push" if name == "stmdb" else "pop") + "{c} {rl}"
            return ("stmfd" if name == "stmdb" else "ldmfd") + "{c} sp!, {rl}"
        if name == "stm" and W:
            return "stmia{c} {Rn}!, {rl}"  # binutils: STM with writeback is written STMIA
        return name + "{c} {Rn}" + ("!" if W else "") + ", {rl}"

    return fmt


def _ldm_user(f: Fields, d: DisasmContext) -> str:
    """A8.8.59 LDM / B9.3.6 LDM (exception return), B9.3.5 / B9.3.15 STM (User registers): ``^``."""
    P, U = f["P"], f["U"]
    mode = ("da", "ia", "db", "ib")[(P << 1) | U]
    op = "ldm" if d.word >> 20 & 1 else "stm"
    regs = f["register_list"] | ((d.word >> 15 & 1) << 15 if op == "ldm" else 0)
    wb = "!" if f.get("W") else ""
    if op == "ldm" and mode == "ia":
        mode = ""  # binutils: LDM ... ^ is written ldm, STM ... ^ stmia
    return f"{op}{mode}{D.cond_suffix(f, d)} {reg(f['Rn'])}{wb}, {D.reglist(regs)}^"


def _str_imm(f: Fields, d: DisasmContext) -> str:
    # binutils: STR Rt, [SP, #-4]! is "push {Rt}".
    if f["Rn"] == 13 and f["P"] and not f["U"] and f["W"] and f["imm12"] == 4:
        return "push{c} {rtl}"
    return "str{c} {Rt}, {mem}"


def _ldr_imm(f: Fields, d: DisasmContext) -> str:
    if f["Rn"] == 13 and not f["P"] and f["U"] and not f["W"] and f["imm12"] == 4:
        return "pop{c} {rtl}"
    return "ldr{c} {Rt}, {mem}"


def _mov_reg(f: Fields, d: DisasmContext) -> str:
    if f["Rd"] == 0 and f["Rm"] == 0 and not f["S"] and f["cond"] == 14:
        return "nop"  # binutils: mov r0, r0
    return "mov{s}{c} {Rd}, {Rm}"


def _sat_shift(f: Fields, d: DisasmContext) -> str:
    if f["sh"]:  # binutils writes the field: asr #0 is DecodeImmShift's ASR #32 (A8.8.202)
        return f", asr #{f['imm5']}"
    return f", lsl #{f['imm5']}" if f["imm5"] else ""


def _msr_imm(f: Fields, d: DisasmContext) -> str:
    spsr = d.word >> 22 & 1
    return f"msr{D.cond_suffix(f, d)} {'SPSR' if spsr else 'CPSR'}_{D.psr_fields(d.word >> 16 & 15)}, " \
           f"{D.arm_imm(f['imm12'])}"


def _hint_imm(f: Fields, d: DisasmContext) -> str:
    return f"nop{D.cond_suffix(f, d)} {{{f['op2']}}}"


def _svc(f: Fields, d: DisasmContext) -> str:
    return f"svc{D.cond_suffix(f, d)} 0x{f['imm24']:08x}"


def _bkpt(name: str) -> Format:
    def fmt(f: Fields, d: DisasmContext) -> str:
        v = (f["imm12"] << 4) | f["imm4"]
        if name in ("bkpt", "hlt"):
            return f"{name} 0x{v:04x}"
        return f"{name} {v}" if name == "hvc" else f"{name} #{v}"

    return fmt


def _pkh(f: Fields, d: DisasmContext) -> str:
    if f["tb"]:
        return f"pkhtb{{c}} {{Rd}}, {{Rn}}, {{Rm}}, asr #{f['imm5'] or 32}"
    return "pkhbt{c} {Rd}, {Rn}, {Rm}" + (f", lsl #{f['imm5']}" if f["imm5"] else "")


def _srs(f: Fields, d: DisasmContext) -> str:
    mode = ("da", "ia", "db", "ib")[(f["P"] << 1) | f["U"]]
    return f"srs{mode} sp{'!' if f['W'] else ''}, #{f['mode']}"


def _rfe(f: Fields, d: DisasmContext) -> str:
    mode = ("da", "ia", "db", "ib")[(f["P"] << 1) | f["U"]]
    return f"rfe{mode} {reg(f['Rn'])}{'!' if f['W'] else ''}"


def _pld(name: str) -> Format:
    def fmt(f: Fields, d: DisasmContext) -> str:
        op = name
        if name == "pld" and "R" in f and not f["R"]:
            op = "pldw"
        if "Rm" in f:
            return f"{op} {D.mem_reg(f['Rn'], f['Rm'], 1, f['U'], 0, D.shift_imm(f['type'], f['imm5']))}"
        return f"{op} {D.mem_imm(f.get('Rn', 15), f['imm12'], 1, f['U'], 0)}"

    return fmt


def _formats() -> Dict[str, Format]:
    t: Dict[str, Format] = dict(COMMON)
    for op in ("AND", "EOR", "SUB", "RSB", "ADD", "ADC", "SBC", "RSC", "ORR", "BIC"):
        m = op.lower()
        t[f"{op} (immediate)"] = m + "{s}{c} {Rd}, {Rn}, {aimm}"
        t[f"{op} (register)"] = m + "{s}{c} {Rd}, {Rn}, {Rm}{ashift}"
        t[f"{op} (register-shifted register)"] = m + "{s}{c} {Rd}, {Rn}, {Rm}{rshift}"
    for op in ("TST", "TEQ", "CMP", "CMN"):
        m = op.lower()
        t[f"{op} (immediate)"] = m + "{c} {Rn}, {aimm}"
        t[f"{op} (register)"] = m + "{c} {Rn}, {Rm}{ashift}"
        t[f"{op} (register-shifted register)"] = m + "{c} {Rn}, {Rm}{rshift}"
    t["ADR (A1)"] = "add{c} {Rd}, pc, {aimm}"
    t["ADR (A2)"] = "sub{c} {Rd}, pc, {aimm}"
    t["MOV (immediate)"] = "mov{s}{c} {Rd}, {aimm}"
    t["MVN (immediate)"] = "mvn{s}{c} {Rd}, {aimm}"
    t["MOV (register)"] = _mov_reg
    t["MVN (register)"] = "mvn{s}{c} {Rd}, {Rm}{ashift}"
    t["MVN (register-shifted register)"] = "mvn{s}{c} {Rd}, {Rm}{rshift}"
    t["LSL (immediate)"] = "lsl{s}{c} {Rd}, {Rm}, {#imm5}"
    t["LSR (immediate)"] = lambda f, d: f"lsr{{s}}{{c}} {{Rd}}, {{Rm}}, #{f['imm5'] or 32}"
    t["ASR (immediate)"] = lambda f, d: f"asr{{s}}{{c}} {{Rd}}, {{Rm}}, #{f['imm5'] or 32}"
    t["ROR (immediate)"] = "ror{s}{c} {Rd}, {Rm}, {#imm5}"
    t["RRX"] = "rrx{s}{c} {Rd}, {Rm}"
    for op in ("LSL", "LSR", "ASR", "ROR"):
        t[f"{op} (register)"] = op.lower() + "{s}{c} {Rd}, {Rm}, {Rs}"
    t["MOVW"] = lambda f, d: f"movw{{c}} {{Rd}}, #{(f['imm4'] << 12) | f['imm12']}"
    t["MOVT"] = lambda f, d: f"movt{{c}} {{Rd}}, #{(f['imm4'] << 12) | f['imm12']}"
    # Multiplies (A8.8.114 MUL: Rd, Rn, Rm with Rn in bits 3:0).
    t["MUL"] = "mul{s}{c} {Rd}, {Rn}, {Rm}"
    t["SMLA<x><y>"] = halves("smla", "{Rd}, {Rn}, {Rm}, {Ra}")
    t["SMLAW<y>"] = halves("smlaw", "{Rd}, {Rn}, {Rm}, {Ra}", two=False)
    t["SMULW<y>"] = halves("smulw", "{Rd}, {Rn}, {Rm}", two=False)
    t["SMLAL<x><y>"] = halves("smlal", "{RdLo}, {RdHi}, {Rn}, {Rm}")
    t["SMUL<x><y>"] = halves("smul", "{Rd}, {Rn}, {Rm}")
    # The media instructions (A5.4).
    t["PKHBT, PKHTB"] = _pkh
    for op in ("SXTB", "SXTH", "UXTB", "UXTH"):
        t[op] = op.lower() + "{c} {Rd}, {Rm}{rotate}"
    # binutils writes UXTAB16's rotation by 24 in capitals.
    t["UXTAB16"] = lambda f, d: "uxtab16{c} {Rd}, {Rn}, {Rm}" + (", ROR #24" if f["rotate"] == 3 else "{rotate}")
    t["SSAT"] = lambda f, d: f"ssat{{c}} {{Rd}}, #{f['sat_imm'] + 1}, {{Rn}}{_sat_shift(f, d)}"
    t["USAT"] = lambda f, d: f"usat{{c}} {{Rd}}, #{f['sat_imm']}, {{Rn}}{_sat_shift(f, d)}"
    for op in ("REV", "REV16", "REVSH"):
        t[op] = op.lower() + "{c} {Rd}, {Rm}"
    t["SBFX"] = lambda f, d: f"sbfx{{c}} {{Rd}}, {{Rn}}, #{f['lsb']}, #{f['widthm1'] + 1}"
    t["UBFX"] = lambda f, d: f"ubfx{{c}} {{Rd}}, {{Rn}}, #{f['lsb']}, #{f['widthm1'] + 1}"
    t["BFC"] = lambda f, d: f"bfc{{c}} {{Rd}}, #{f['lsb']}, #{f['msb'] - f['lsb'] + 1}"
    t["BFI"] = lambda f, d: f"bfi{{c}} {{Rd}}, {{Rn}}, #{f['lsb']}, #{f['msb'] - f['lsb'] + 1}"
    # Loads and stores (A8.5 addressing modes 2 and 3).
    t["STR (immediate, ARM)"] = _str_imm
    t["LDR (immediate, ARM)"] = _ldr_imm
    for op in ("STRB", "LDRB"):
        t[f"{op} (immediate, ARM)"] = op.lower() + "{c} {Rt}, {mem}"
    for op in ("STR", "STRB", "LDRB"):
        t[f"{op} (register)"] = op.lower() + "{c} {Rt}, {memr}"
    t["LDR (register, ARM)"] = "ldr{c} {Rt}, {memr}"
    for op in ("STRT", "LDRT", "STRBT", "LDRBT"):
        t[f"{op} (A1)"] = op.lower() + "{c} {Rt}, {mem}"
        t[f"{op} (A2)"] = op.lower() + "{c} {Rt}, {memr}"
    t["LDR (literal)"] = "ldr{c} {Rt}, {lit12}"
    t["LDRB (literal)"] = "ldrb{c} {Rt}, {lit12}"
    for op in ("STRH", "LDRH"):
        t[f"{op} (immediate, ARM)"] = op.lower() + "{c} {Rt}, {memh}"
    for op in ("LDRSB", "LDRSH", "LDRD", "STRD"):
        t[f"{op} (immediate)"] = op.lower() + "{c} {Rt}, {memh}"
    for op in ("STRH", "LDRH", "LDRSB", "LDRSH", "LDRD", "STRD"):
        t[f"{op} (register)"] = op.lower() + "{c} {Rt}, {memhr}"
    for op in ("STRHT", "LDRHT", "LDRSBT", "LDRSHT"):
        t[f"{op} (A1)"] = op.lower() + "{c} {Rt}, {memh}"
        t[f"{op} (A2)"] = op.lower() + "{c} {Rt}, {memhr}"
    for op in ("LDRH", "LDRSB", "LDRSH", "LDRD"):
        t[f"{op} (literal)"] = op.lower() + "{c} {Rt}, {lith}"
    t["SWP, SWPB"] = lambda f, d: f"swp{'b' if f['B'] else ''}{{c}} {{Rt}}, {{Rt2}}, [{{Rn}}]"
    t["STREX"] = "strex{c} {Rd}, {Rt}, [{Rn}]"
    t["STREXD"] = "strexd{c} {Rd}, {Rt}, [{Rn}]"  # binutils: one register of the pair, as for LDRD
    t["LDREX"] = lambda f, d: f"ldrex{{c}} r{f['Rt']}, [{{Rn}}]"  # binutils: Rt by number
    t["LDREXD"] = "ldrexd{c} {Rt}, [{Rn}]"
    t["STMDA/STMED"] = _ldm("stmda")
    t["LDMDA/LDMFA"] = _ldm("ldmda")
    t["STM/STMIA/STMEA"] = _ldm("stm")
    t["LDM/LDMIA/LDMFD (POP)"] = _ldm("ldm")
    t["STMDB/STMFD (PUSH)"] = _ldm("stmdb")
    t["LDMDB/LDMEA"] = _ldm("ldmdb")
    t["STMIB/STMFA"] = _ldm("stmib")
    t["LDMIB/LDMED"] = _ldm("ldmib")
    t["STM (User registers)"] = _ldm_user
    t["LDM (User registers)"] = _ldm_user
    t["LDM (exception return)"] = _ldm_user
    # Branches and control.
    t["B"] = "b{c} {target24}"
    t["BL (immediate)"] = "bl{c} {target24}"
    t["BLX (immediate)"] = "blx {targetx}"
    t["BX"] = "bx{c} {Rm}"
    t["BLX (register)"] = "blx{c} {Rm}"
    for op in ("YIELD", "WFE", "WFI", "SEV"):
        t[op] = op.lower() + "{c}"
    t["NOP"] = "nop{c} {0}"
    t["NOP (unallocated hint)"] = _hint_imm
    t["MSR (immediate)"] = _msr_imm
    t["ERET"] = "eret{c}"
    t["BKPT"] = _bkpt("bkpt")
    t["HVC"] = _bkpt("hvc")
    t["HLT"] = _bkpt("hlt")
    t["UDF"] = _bkpt("udf")
    t["SMC"] = "smc{c} {imm4}"
    t["SVC"] = _svc
    t["PLI (immediate, literal)"] = _pld("pli")
    t["PLD (literal)"] = _pld("pld")
    t["PLD, PLDW (immediate)"] = _pld("pld")
    t["PLI (register)"] = _pld("pli")
    t["PLD, PLDW (register)"] = _pld("pld")
    t["Unallocated memory hint (op1 100x001)"] = "nop"
    t["Unallocated memory hint (op1 110x001)"] = "nop"
    t["CPS"] = lambda f, d: D.cps(f["imod"], f["M"], f["A"], f["I"], f["F"], f["mode"], sep=",")
    t["SETEND"] = lambda f, d: f"setend {'be' if f['E'] else 'le'}"
    t["SRS"] = _srs
    t["RFE"] = _rfe
    return t


FORMATS: Dict[str, Format] = _formats()

EXTRA: Dict[str, D.Derived] = {
    "target24": _imm24_target,
    "targetx": _blx_target,
    "mem": _mem,
    "memr": _memr,
    "memh": _memh,
    "memhr": _memhr,
    "lit12": _lit12,
    "lith": _lith,
    "rtl": lambda f, d: D.reglist(1 << f["Rt"]),
}
