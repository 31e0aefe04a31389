"""HSR syndromes: exception classes, ISS layouts, builders and a parser (DDI 0406C B3.13.6 "Use of the HSR").

HSR = EC[31:26] | IL[25] | ISS[24:0].  IL is 1 for a 32-bit instruction (ARM,
or 32-bit Thumb) and 0 for a 16-bit Thumb instruction; it is 0 where the
manual makes it UNKNOWN (EC 0x00 from an exception, aborts with ISV = 0).

CV/COND (B3.13.6, "ISS encoding for ... trapped instructions"): armsim always
reports CV = 1 and COND = the instruction's condition (0xE when it is
unconditional).  Whether an instruction that fails its condition check is
trapped is IMPLEMENTATION DEFINED (B1.14.1): armsim's choice is that it is
not -- the condition is checked first and a failed instruction is a NOP.

The layouts below are declared once and drive both building and parsing.
"""

from __future__ import annotations

import enum
from typing import Dict, Optional

from armsim.cpu.sysregs import HSR
from armsim.layout import Layout


class EC(enum.IntEnum):
    """HSR.EC values (B3.13.6, Table B3-? "HSR.EC encodings")."""

    UNKNOWN = 0x00
    WFI_WFE = 0x01
    MCR_MRC_CP15 = 0x03
    MCRR_MRRC_CP15 = 0x04
    MCR_MRC_CP14 = 0x05
    LDC_STC_CP14 = 0x06
    HCPTR = 0x07
    MRC_CP10 = 0x08
    JAZELLE = 0x09
    BXJ = 0x0A
    MRRC_CP14 = 0x0C
    SVC = 0x11
    HVC = 0x12
    SMC = 0x13
    PABT_FROM_LOWER = 0x20
    PABT_FROM_HYP = 0x21
    DABT_FROM_LOWER = 0x24
    DABT_FROM_HYP = 0x25


_CV_COND = {"CV": (24, 24), "COND": (23, 20)}

ISS_CP32 = Layout("ISS_CP32", {**_CV_COND, "Opc2": (19, 17), "Opc1": (16, 14), "CRn": (13, 10), "Rt": (8, 5),
                               "CRm": (4, 1), "Direction": (0, 0)}, width=25)
ISS_CP64 = Layout("ISS_CP64", {**_CV_COND, "Opc1": (19, 16), "Rt2": (13, 10), "Rt": (8, 5), "CRm": (4, 1),
                               "Direction": (0, 0)}, width=25)
# Choice (reference 3.2): the v7 position of Rn is 8:5.
ISS_LDC = Layout("ISS_LDC", {**_CV_COND, "imm8": (19, 12), "Rn": (8, 5), "Offset": (4, 4), "AM": (3, 1),
                             "Direction": (0, 0)}, width=25)
ISS_HCPTR = Layout("ISS_HCPTR", {**_CV_COND, "TA": (5, 5), "coproc": (3, 0)}, width=25)
ISS_WFX = Layout("ISS_WFX", {**_CV_COND, "TI": (0, 0)}, width=25)
ISS_IMM16 = Layout("ISS_IMM16", {"imm16": (15, 0)}, width=25)
ISS_SMC = Layout("ISS_SMC", dict(_CV_COND), width=25)
ISS_IABT = Layout("ISS_IABT", {"EA": (9, 9), "S1PTW": (7, 7), "IFSC": (5, 0)}, width=25)
ISS_DABT = Layout("ISS_DABT", {"ISV": (24, 24), "SAS": (23, 22), "SSE": (21, 21), "SRT": (19, 16), "EA": (9, 9),
                               "CM": (8, 8), "S1PTW": (7, 7), "WnR": (6, 6), "DFSC": (5, 0)}, width=25)
ISS_NONE = Layout("ISS_NONE", {}, width=25)
# EC 0x0A, a BXJ trapped by HSTR.TJDBX (B3.13.6): CV, COND, the branch register Rm.
ISS_BXJ = Layout("ISS_BXJ", {**_CV_COND, "Rm": (3, 0)}, width=25)

# EC -> the layout of its ISS.
ISS_LAYOUT: Dict[int, Layout] = {
    EC.UNKNOWN: ISS_NONE,
    EC.WFI_WFE: ISS_WFX,
    EC.MCR_MRC_CP15: ISS_CP32,
    EC.MCRR_MRRC_CP15: ISS_CP64,
    EC.MCR_MRC_CP14: ISS_CP32,
    EC.LDC_STC_CP14: ISS_LDC,
    EC.HCPTR: ISS_HCPTR,
    EC.MRC_CP10: ISS_CP32,
    EC.JAZELLE: ISS_NONE,
    EC.BXJ: ISS_BXJ,
    EC.MRRC_CP14: ISS_CP64,
    EC.SVC: ISS_IMM16,
    EC.HVC: ISS_IMM16,
    EC.SMC: ISS_SMC,
    EC.PABT_FROM_LOWER: ISS_IABT,
    EC.PABT_FROM_HYP: ISS_IABT,
    EC.DABT_FROM_LOWER: ISS_DABT,
    EC.DABT_FROM_HYP: ISS_DABT,
}

# Long-descriptor fault status codes used in HSR.IFSC/DFSC (B3.13.6, Table B3-? "FSR encodings, LPAE").
FSC_TRANSLATION_L1 = 0b000101
FSC_SYNC_EXTERNAL = 0b010000
FSC_ALIGNMENT = 0b100001
FSC_DEBUG = 0b100010

# Short-descriptor FS (Table B3-23) -> long-descriptor FSC, for aborts taken to Hyp mode.
SHORT_FS_TO_FSC: Dict[int, int] = {0b00001: FSC_ALIGNMENT, 0b00010: FSC_DEBUG, 0b01000: FSC_SYNC_EXTERNAL,
                                   0b00101: FSC_TRANSLATION_L1}

_EC_F = HSR["EC"]
_IL_F = HSR["IL"]
_ISS_F = HSR["ISS"]


def make_hsr(ec: int, il: int, iss: int) -> int:
    """HSR = EC:IL:ISS."""
    return _EC_F.set(_IL_F.set(_ISS_F.set(0, iss), il & 1), ec)


def hsr_cp32(ec: int, il: int, cond: int, opc1: int, crn: int, crm: int, opc2: int, rt: int, read: bool) -> int:
    """MCR/MRC trap (EC 0x03, 0x05, 0x08): Direction 1 = read (MRC)."""
    return make_hsr(ec, il, ISS_CP32.pack(CV=1, COND=cond, Opc2=opc2, Opc1=opc1, CRn=crn, Rt=rt, CRm=crm,
                                          Direction=int(read)))


def hsr_cp64(ec: int, il: int, cond: int, opc1: int, crm: int, rt: int, rt2: int, read: bool) -> int:
    """MCRR/MRRC trap (EC 0x04, 0x0C)."""
    return make_hsr(ec, il, ISS_CP64.pack(CV=1, COND=cond, Opc1=opc1, Rt2=rt2, Rt=rt, CRm=crm, Direction=int(read)))


def hsr_ldc(il: int, cond: int, imm8: int, rn: int, add: bool, am: int, read: bool) -> int:
    """LDC/STC to CP14 (EC 0x06): Direction 1 = LDC (read memory), 0 = STC."""
    return make_hsr(EC.LDC_STC_CP14, il, ISS_LDC.pack(CV=1, COND=cond, imm8=imm8, Rn=rn, Offset=int(add), AM=am,
                                                      Direction=int(read)))


def hsr_hcptr(il: int, cond: int, coproc: int, ta: bool = False) -> int:
    """HCPTR trap (EC 0x07): the coprocessor number, TA for an Advanced SIMD trap (HCPTR.TASE)."""
    return make_hsr(EC.HCPTR, il, ISS_HCPTR.pack(CV=1, COND=cond, TA=int(ta), coproc=coproc))


def hsr_wfx(il: int, cond: int, wfe: bool) -> int:
    """WFI/WFE trap (EC 0x01): TI = 1 for WFE."""
    return make_hsr(EC.WFI_WFE, il, ISS_WFX.pack(CV=1, COND=cond, TI=int(wfe)))


def hsr_imm16(ec: int, il: int, imm16: int) -> int:
    """HVC (EC 0x12) and SVC (EC 0x11): the low 16 bits of the immediate."""
    return make_hsr(ec, il, ISS_IMM16.pack(imm16=imm16 & 0xFFFF))


def hsr_bxj(il: int, cond: int, rm: int) -> int:
    """BXJ trapped by HSR.TJDBX (EC 0x0A, B1.14.5): CV = 1, COND, Rm."""
    return make_hsr(EC.BXJ, il, ISS_BXJ.pack(CV=1, COND=cond, Rm=rm))


def hsr_smc(il: int, cond: int) -> int:
    """SMC trapped by HCR.TSC (EC 0x13). Choice (reference 3.2): CV = 1, COND, the rest 0."""
    return make_hsr(EC.SMC, il, ISS_SMC.pack(CV=1, COND=cond))


def hsr_iabt(ec: int, ifsc: int, ea: int = 0, s1ptw: int = 0) -> int:
    """Prefetch Abort taken to Hyp mode (EC 0x20, 0x21); IL is UNKNOWN: 0."""
    return make_hsr(ec, 0, ISS_IABT.pack(EA=ea, S1PTW=s1ptw, IFSC=ifsc))


def hsr_dabt(ec: int, dfsc: int, wnr: bool, ea: int = 0, cm: int = 0, s1ptw: int = 0,
             srt: Optional[int] = None, sas: int = 0, sse: int = 0, il: int = 0) -> int:
    """Data Abort taken to Hyp mode (EC 0x24, 0x25).  With ``srt`` (the transfer register) the syndrome is
    valid: ISV = 1, SAS (0 byte, 1 halfword, 2 word), SSE (sign extend), SRT and IL; without it ISV = 0 and
    IL is UNKNOWN: 0."""
    if srt is None:
        return make_hsr(ec, 0, ISS_DABT.pack(ISV=0, EA=ea, CM=cm, S1PTW=s1ptw, WnR=int(wnr), DFSC=dfsc))
    return make_hsr(ec, il, ISS_DABT.pack(ISV=1, SAS=sas, SSE=sse, SRT=srt, EA=ea, CM=cm, S1PTW=s1ptw, WnR=int(wnr),
                                          DFSC=dfsc))


def decode_hsr(hsr: int) -> Dict[str, int]:
    """Split an HSR into EC, IL and the named ISS fields of its EC (a reserved EC: ISS as one field)."""
    ec = _EC_F.get(hsr)
    out = {"EC": ec, "IL": _IL_F.get(hsr)}
    iss = _ISS_F.get(hsr)
    layout = ISS_LAYOUT.get(ec)
    if layout is None:
        out["ISS"] = iss
    else:
        out.update(layout.unpack(iss))
    return out


def render_hsr(hsr: int) -> str:
    """``HSR{EC=MCR_MRC_CP14 IL Opc2=5 ...}`` for traces and messages."""
    fields = decode_hsr(hsr)
    try:
        name = EC(fields.pop("EC")).name
    except ValueError:
        name = f"{hsr >> 26:#04x}"
    rest = " ".join(f"{k}={v:#x}" for k, v in fields.items())
    return f"HSR{{EC={name} {rest}}}"
