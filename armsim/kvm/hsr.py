"""The HSR as the hypervisor reads it (DDI 0406C B3.13.6 "Use of the HSR"; reference 3).

HSR = EC[31:26] | IL[25] | ISS[24:0]; the ISS layouts of the trapped
coprocessor instructions and the decode into :class:`CoprocParams` (64-bit
accesses keep the instruction's CRm in the CRn slot, as the tables do).
"""

from __future__ import annotations

import enum
from typing import List

from armsim.kvm.coproc_table import CoprocParams
from armsim.layout import Layout

HSR = Layout("HSR", {"EC": (31, 26), "IL": (25, 25), "ISS": (24, 0)})
ISS_CP32 = Layout("ISS_CP32", {"CV": (24, 24), "COND": (23, 20), "Opc2": (19, 17), "Opc1": (16, 14),
                               "CRn": (13, 10), "Rt": (8, 5), "CRm": (4, 1), "Direction": (0, 0)}, width=25)
ISS_CP64 = Layout("ISS_CP64", {"CV": (24, 24), "COND": (23, 20), "Opc1": (19, 16), "Rt2": (13, 10),
                               "Rt": (8, 5), "CRm": (4, 1), "Direction": (0, 0)}, width=25)
ISS_CV = Layout("ISS_CV", {"CV": (24, 24), "COND": (23, 20)}, width=25)

_EC = HSR["EC"]
_IL = HSR["IL"]
_ISS = HSR["ISS"]


class EC(enum.IntEnum):
    """HSR.EC values (B3.13.6; reference 3.1)."""

    UNKNOWN = 0x00
    WFI_WFE = 0x01
    CP15_32 = 0x03
    CP15_64 = 0x04
    CP14_32 = 0x05
    CP14_LS = 0x06
    HCPTR = 0x07
    CP10_ID = 0x08
    JAZELLE = 0x09
    BXJ = 0x0A
    CP14_64 = 0x0C
    SVC_HYP = 0x11
    HVC = 0x12
    SMC = 0x13
    PABT_LOWER = 0x20
    PABT_HYP = 0x21
    DABT_LOWER = 0x24
    DABT_HYP = 0x25


def hsr_ec(hsr: int) -> int:
    return _EC.get(hsr)


def hsr_il(hsr: int) -> int:
    return _IL.get(hsr)


def hsr_iss(hsr: int) -> int:
    return _ISS.get(hsr)


def make_hsr(ec: int, il: int, iss: int) -> int:
    return (ec << 26) | ((il & 1) << 25) | (iss & _ISS.mask)


def decode_cp32(hsr: int, regs: List[int]) -> CoprocParams:
    """MCR/MRC (EC 0x03, 0x05): Direction 1 = read; a write's value is Rt (``kvm_handle_cp_32``)."""
    f = ISS_CP32.unpack(_ISS.get(hsr))
    write = not f["Direction"]
    rt = f["Rt"]
    return CoprocParams(f["Opc1"], f["CRn"], f["CRm"], f["Opc2"], rt, 0, False, write,
                        regs[rt] if write else 0)


def decode_cp64(hsr: int, regs: List[int]) -> CoprocParams:
    """MCRR/MRRC (EC 0x04, 0x0C): CRm in the CRn slot, CRm = 0; a write's value is Rt | Rt2 << 32."""
    f = ISS_CP64.unpack(_ISS.get(hsr))
    write = not f["Direction"]
    rt, rt2 = f["Rt"], f["Rt2"]
    value = (regs[rt] | (regs[rt2] << 32)) if write else 0
    return CoprocParams(f["Opc1"], f["CRm"], 0, 0, rt, rt2, True, write, value)
