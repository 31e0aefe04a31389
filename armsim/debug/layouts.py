"""Field layouts of the v7.1 debug registers, declared once (DDI 0406C C11.11).

Positions are the manual's register descriptions (C11.11, "DBGBCR", "DBGWCR",
"DBGDSCR", ...), cross-checked against the Cortex-A15 TRM (DDI 0438, chapter
10) as collected in the reference file (kvm-arm-debug.md sections 5 and 6).
"""

from __future__ import annotations

from armsim.layout import Layout

# C11.11 DBGDIDR, Debug ID Register: counts are "number - 1".
DBGDIDR = Layout(
    "DBGDIDR",
    {
        "WRPs": (31, 28),
        "BRPs": (27, 24),
        "CTX_CMPs": (23, 20),
        "Version": (19, 16),
        "DEVID_imp": (15, 15),
        "nSUHD_imp": (14, 14),
        "PCSR_imp": (13, 13),
        "SE_imp": (12, 12),
        "Variant": (7, 4),
        "Revision": (3, 0),
    },
)
DBGDIDR_VERSION_V7_1 = 5

# C11.11 DBGDSCR, Debug Status and Control Register (v7.1 bit assignments).
DBGDSCR = Layout(
    "DBGDSCR",
    {
        "RXfull": (30, 30),
        "TXfull": (29, 29),
        "RXfull_l": (27, 27),
        "TXfull_l": (26, 26),
        "PipeAdv": (25, 25),
        "InstrCompl_l": (24, 24),
        "ExtDCCmode": (21, 20),
        "ADAdiscard": (19, 19),
        "NS": (18, 18),
        "SPNIDdis": (17, 17),
        "SPIDdis": (16, 16),
        "MDBGen": (15, 15),
        "HDBGen": (14, 14),
        "ITRen": (13, 13),
        "UDCCdis": (12, 12),
        "INTdis": (11, 11),
        "DBGack": (10, 10),
        "FS": (9, 9),
        "UND_l": (8, 8),
        "ADABORT_l": (7, 7),
        "SDABORT_l": (6, 6),
        "MOE": (5, 2),
        "RESTARTED": (1, 1),
        "HALTED": (0, 0),
    },
)
# Bits a CP14 write to DBGDSCRext may change at PL1 (choice, reference section 6:
# no external debugger is attached, so the halting-debug and DCC status bits stay
# under the model's control).
DBGDSCR_EXT_WRITABLE = (
    DBGDSCR["MDBGen"].mask | DBGDSCR["UDCCdis"].mask | DBGDSCR["INTdis"].mask | DBGDSCR["ExtDCCmode"].mask
)

# C11.11 DBGDSCR.MOE, Method of Debug Entry.
MOE_HALT_REQUEST = 0b0000
MOE_BREAKPOINT = 0b0001
MOE_ASYNC_WATCHPOINT = 0b0010
MOE_BKPT = 0b0011
MOE_EXTERNAL = 0b0100
MOE_VECTOR_CATCH = 0b0101
MOE_OS_UNLOCK_CATCH = 0b1000
MOE_SYNC_WATCHPOINT = 0b1010

# C11.11 DBGBCR, Breakpoint Control Register (v7.1 with the Virtualization Extensions).
DBGBCR = Layout(
    "DBGBCR",
    {
        "MASK": (28, 24),
        "BT": (23, 20),
        "LBN": (19, 16),
        "SSC": (15, 14),
        "HMC": (13, 13),
        "BAS": (8, 5),
        "PMC": (2, 1),
        "E": (0, 0),
    },
)

# C11.11 DBGWCR, Watchpoint Control Register.
DBGWCR = Layout(
    "DBGWCR",
    {
        "MASK": (28, 24),
        "WT": (20, 20),
        "LBN": (19, 16),
        "SSC": (15, 14),
        "HMC": (13, 13),
        "BAS": (12, 5),
        "LSC": (4, 3),
        "PAC": (2, 1),
        "E": (0, 0),
    },
)

# C11.11 DBGBXVR, Breakpoint Extended Value Register (context-capable BRPs).
DBGBXVR = Layout("DBGBXVR", {"VMID": (7, 0)})

# C11.11 DBGOSLSR, OS Lock Status Register: OSLM = OSLM[1]:OSLM[0].
DBGOSLSR = Layout("DBGOSLSR", {"OSLM1": (3, 3), "nTT": (2, 2), "OSLK": (1, 1), "OSLM0": (0, 0)})
# C11.11 DBGOSLAR: this key sets the OS Lock, any other value clears it.
OSLAR_KEY = 0xC5ACCE55

# C11.11 DBGOSDLR, OS Double Lock Register, and DBGPRCR, Device Powerdown and Reset Control.
DBGOSDLR = Layout("DBGOSDLR", {"DLK": (0, 0)})
DBGPRCR = Layout("DBGPRCR", {"CORENPDRQ": (0, 0)})

# C11.11 DBGDEVID, Debug Device ID Register.
DBGDEVID = Layout(
    "DBGDEVID",
    {
        "CIDMask": (31, 28),
        "AuxRegs": (27, 24),
        "DoubleLock": (23, 20),
        "VirtExtns": (19, 16),
        "VectorCatch": (15, 12),
        "BPAddrMask": (11, 8),
        "WPAddrMask": (7, 4),
        "PCSample": (3, 0),
    },
)

# C11.11 DBGAUTHSTATUS, Authentication Status Register.
DBGAUTHSTATUS = Layout(
    "DBGAUTHSTATUS",
    {
        "SNI_imp": (7, 7),
        "SNI_en": (6, 6),
        "SI_imp": (5, 5),
        "SI_en": (4, 4),
        "NSNI_imp": (3, 3),
        "NSNI_en": (2, 2),
        "NSI_imp": (1, 1),
        "NSI_en": (0, 0),
    },
)

# C11.11 DBGVCR, Vector Catch Register (implementation with the Security Extensions):
# bit = vector offset / 4 for each group.
DBGVCR = Layout(
    "DBGVCR",
    {
        "NS_F": (31, 31),
        "NS_I": (30, 30),
        "NS_D": (28, 28),
        "NS_P": (27, 27),
        "NS_S": (26, 26),
        "NS_U": (25, 25),
        "MON_F": (15, 15),
        "MON_I": (14, 14),
        "MON_D": (12, 12),
        "MON_P": (11, 11),
        "MON_S": (10, 10),
        "S_F": (7, 7),
        "S_I": (6, 6),
        "S_D": (4, 4),
        "S_P": (3, 3),
        "S_S": (2, 2),
        "S_U": (1, 1),
    },
)
# Where each group of DBGVCR starts: the bit for vector offset 4*k is base + k.
VCR_SECURE_BASE = 0
VCR_MONITOR_BASE = 8
VCR_NONSECURE_BASE = 24

# DBGBCR.BT, breakpoint type (C11.11 DBGBCR, v7.1 with the Virtualization Extensions).
BT_ADDR = 0b0000
BT_ADDR_LINKED = 0b0001
BT_CTX = 0b0010
BT_CTX_LINKABLE = 0b0011
BT_MISMATCH = 0b0100
BT_MISMATCH_LINKED = 0b0101
BT_VMID = 0b1000
BT_VMID_LINKABLE = 0b1001
BT_VMID_CTX = 0b1010
BT_VMID_CTX_LINKABLE = 0b1011
# Types a linked address breakpoint or watchpoint may name through LBN.
LINKABLE_CONTEXT_TYPES = frozenset((BT_CTX_LINKABLE, BT_VMID_LINKABLE, BT_VMID_CTX_LINKABLE))

# DBGWCR.LSC, load/store control.
LSC_LOAD = 0b01
LSC_STORE = 0b10
