"""Reference register layouts and HSR classes, transcribed from the manual for the oracles.

These layouts are the test side's own reading of DDI 0406C (B4.1.65 HCR,
B4.1.66 HDCR, B4.1.74 HSTR, B4.1.67 HCPTR, B3.13.6 / B4.1.73 HSR, C11.11
DBGDSCR, DBGBCR, DBGWCR, DBGDIDR), kept apart from the simulator's own
declarations on purpose: an oracle that imported the implementation's masks
would agree with it by construction.  Positions were cross-checked against
``reference/kvm-arm-debug.md`` sections 3, 4 and 6.  They are a second
transcription of the same tables, not an independent discovery: a misreading
of the manual made in both would pass, so the oracles' tests also pin
hand-worked HSR values, and ``tests/test_testing_manual_agrees.py`` names the
field where the two transcriptions part.
"""

from __future__ import annotations

import enum
from typing import Dict

from armsim.layout import Layout

# B4.1.65 HCR, Hyp Configuration Register.
HCR = Layout(
    "HCR",
    {
        "TGE": (27, 27), "TVM": (26, 26), "TTLB": (25, 25), "TPU": (24, 24), "TPC": (23, 23),
        "TSW": (22, 22), "TAC": (21, 21), "TIDCP": (20, 20), "TSC": (19, 19), "TID3": (18, 18),
        "TID2": (17, 17), "TID1": (16, 16), "TID0": (15, 15), "TWE": (14, 14), "TWI": (13, 13),
        "DC": (12, 12), "BSU": (11, 10), "FB": (9, 9), "VA": (8, 8), "VI": (7, 7), "VF": (6, 6),
        "AMO": (5, 5), "IMO": (4, 4), "FMO": (3, 3), "PTW": (2, 2), "SWIO": (1, 1), "VM": (0, 0),
    },
)

# B4.1.66 HDCR, Hyp Debug Configuration Register.
HDCR = Layout(
    "HDCR",
    {"TDRA": (11, 11), "TDOSA": (10, 10), "TDA": (9, 9), "TDE": (8, 8), "HPME": (7, 7), "TPM": (6, 6),
     "TPMCR": (5, 5), "HPMN": (4, 0)},
)

# B4.1.74 HSTR, Hyp System Trap Register: T4 and T14 are reserved.
HSTR_T = (0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15)
HSTR = Layout("HSTR", {"TJDBX": (17, 17), "TTEE": (16, 16), **{f"T{n}": (n, n) for n in HSTR_T}})

# B4.1.67 HCPTR, Hyp Coprocessor Trap Register.
HCPTR = Layout("HCPTR", {"TCPAC": (31, 31), "TTA": (20, 20), "TASE": (15, 15),
                         **{f"TCP{n}": (n, n) for n in range(14)}})

# B4.1.73 HSR, Hyp Syndrome Register.
HSR = Layout("HSR", {"EC": (31, 26), "IL": (25, 25), "ISS": (24, 0)})

# C11.11 DBGDSCR, Debug Status and Control Register (v7.1).
DBGDSCR = Layout(
    "DBGDSCR",
    {
        "RXfull": (30, 30), "TXfull": (29, 29), "RXfull_l": (27, 27), "TXfull_l": (26, 26),
        "PipeAdv": (25, 25), "InstrCompl_l": (24, 24), "ExtDCCmode": (21, 20), "ADAdiscard": (19, 19),
        "NS": (18, 18), "SPNIDdis": (17, 17), "SPIDdis": (16, 16), "MDBGen": (15, 15), "HDBGen": (14, 14),
        "ITRen": (13, 13), "UDCCdis": (12, 12), "INTdis": (11, 11), "DBGack": (10, 10), "FS": (9, 9),
        "UND_l": (8, 8), "ADABORT_l": (7, 7), "SDABORT_l": (6, 6), "MOE": (5, 2), "RESTARTED": (1, 1),
        "HALTED": (0, 0),
    },
)

# C11.11 DBGBCR, Breakpoint Control Register (v7.1 with the Virtualization Extensions).
DBGBCR = Layout("DBGBCR", {"MASK": (28, 24), "BT": (23, 20), "LBN": (19, 16), "SSC": (15, 14), "HMC": (13, 13),
                           "BAS": (8, 5), "PMC": (2, 1), "E": (0, 0)})

# C11.11 DBGWCR, Watchpoint Control Register.
DBGWCR = Layout("DBGWCR", {"MASK": (28, 24), "WT": (20, 20), "LBN": (19, 16), "SSC": (15, 14), "HMC": (13, 13),
                           "BAS": (12, 5), "LSC": (4, 3), "PAC": (2, 1), "E": (0, 0)})

# C11.11 DBGDIDR, Debug ID Register (counts are "number - 1").
DBGDIDR = Layout("DBGDIDR", {"WRPs": (31, 28), "BRPs": (27, 24), "CTX_CMPs": (23, 20), "Version": (19, 16),
                             "DEVID_imp": (15, 15), "nSUHD_imp": (14, 14), "PCSR_imp": (13, 13),
                             "SE_imp": (12, 12), "Variant": (7, 4), "Revision": (3, 0)})

# C11.11 DBGVCR, Vector Catch Register with the Security Extensions: bit = group base + vector offset / 4.
DBGVCR = Layout("DBGVCR", {
    "NS_F": (31, 31), "NS_I": (30, 30), "NS_D": (28, 28), "NS_P": (27, 27), "NS_S": (26, 26), "NS_U": (25, 25),
    "MON_F": (15, 15), "MON_I": (14, 14), "MON_D": (12, 12), "MON_P": (11, 11), "MON_S": (10, 10),
    "S_F": (7, 7), "S_I": (6, 6), "S_D": (4, 4), "S_P": (3, 3), "S_S": (2, 2), "S_U": (1, 1)})

# The layouts a user draws register values from (strategies.register_values).
LAYOUTS: Dict[str, Layout] = {lay.name: lay for lay in (HCR, HDCR, HSTR, HCPTR, DBGDSCR, DBGBCR, DBGWCR)}


class EC(enum.IntEnum):
    """HSR.EC values of ARMv7 with the Virtualization Extensions (B3.13.6, Table B3-20)."""

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


# B3.13.6 ISS encodings, per EC group.  EC 0x01-0x0C carry CV[24] and COND[23:20].
_CC = {"CV": (24, 24), "COND": (23, 20)}
ISS_LAYOUTS: Dict[int, Layout] = {}
_ISS_CP32 = Layout("ISS_CP32", {**_CC, "Opc2": (19, 17), "Opc1": (16, 14), "CRn": (13, 10), "Rt": (8, 5),
                                "CRm": (4, 1), "Direction": (0, 0)}, width=25)
_ISS_CP64 = Layout("ISS_CP64", {**_CC, "Opc1": (19, 16), "Rt2": (13, 10), "Rt": (8, 5), "CRm": (4, 1),
                                "Direction": (0, 0)}, width=25)
# Rn at 8:5 for ARMv7 (reference 3.2 choice; ARMv8 moved it to 9:5).
_ISS_LDC = Layout("ISS_LDC", {**_CC, "imm8": (19, 12), "Rn": (8, 5), "Offset": (4, 4), "AM": (3, 1),
                              "Direction": (0, 0)}, width=25)
_ISS_HCPTR = Layout("ISS_HCPTR", {**_CC, "TA": (5, 5), "coproc": (3, 0)}, width=25)
_ISS_WFX = Layout("ISS_WFX", {**_CC, "TI": (0, 0)}, width=25)
_ISS_IMM16 = Layout("ISS_IMM16", {"imm16": (15, 0)}, width=25)
_ISS_SMC = Layout("ISS_SMC", dict(_CC), width=25)
# EC 0x0A: a BXJ trapped by HSTR.TJDBX (B1.14.5), the branch register in 3:0.
_ISS_BXJ = Layout("ISS_BXJ", {**_CC, "Rm": (3, 0)}, width=25)
_ISS_IABT = Layout("ISS_IABT", {"EA": (9, 9), "S1PTW": (7, 7), "IFSC": (5, 0)}, width=25)
_ISS_DABT = Layout("ISS_DABT", {"ISV": (24, 24), "SAS": (23, 22), "SSE": (21, 21), "SRT": (19, 16), "EA": (9, 9),
                                "CM": (8, 8), "S1PTW": (7, 7), "WnR": (6, 6), "DFSC": (5, 0)}, width=25)
for _ec, _lay in ((EC.WFI_WFE, _ISS_WFX), (EC.MCR_MRC_CP15, _ISS_CP32), (EC.MCRR_MRRC_CP15, _ISS_CP64),
                  (EC.MCR_MRC_CP14, _ISS_CP32), (EC.LDC_STC_CP14, _ISS_LDC), (EC.HCPTR, _ISS_HCPTR),
                  (EC.MRC_CP10, _ISS_CP32), (EC.BXJ, _ISS_BXJ), (EC.MRRC_CP14, _ISS_CP64), (EC.SVC, _ISS_IMM16),
                  (EC.HVC, _ISS_IMM16), (EC.SMC, _ISS_SMC), (EC.PABT_FROM_LOWER, _ISS_IABT),
                  (EC.PABT_FROM_HYP, _ISS_IABT), (EC.DABT_FROM_LOWER, _ISS_DABT), (EC.DABT_FROM_HYP, _ISS_DABT)):
    ISS_LAYOUTS[int(_ec)] = _lay
