"""CP14: the baseline debug, ThumbEE and Jazelle register rows (DDI 0406C C6.4, C11.10, A2.10, A2.11).

This table gives every CP14 register of the v7.1 debug profile a row with its
access rule and Hyp trap class (HDCR.TDRA / TDOSA / TDA, reference 5), backed
by plain storage: reads return what was written (read-only registers their
reset value), nothing fires.  The debug architecture proper (live breakpoints
and watchpoints, DBGDSCR semantics) registers its own table in front of this
one with ``RegisterFile.add_table``; rows it does not define fall back here.

Encodings (C6.4.1: register number R <-> CRn = R[9:7], opc2 = R[6:4], CRm =
R[3:0]) are quoted from reference section 5; pair rows exist only for the
profile's implemented breakpoints and watchpoints.  Choice (reference 5): the
DCC registers DBGDTRRXint (MRC) / DBGDTRTXint (MCR) share the row c0, c5, 0,
which LDC/STC p14, c5 also reach.  ThumbEE (opc1 = 6: TEECR, TEEHBR) and the
trivial Jazelle implementation (opc1 = 7: JIDR, JOSCR, JMCR read as zero,
A2.10) complete CP14.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Tuple

from armsim.coproc.registers import PL1_RO, PL1_RW, PL1_WO, Access, CPReg, ReadFn, RegisterTable, WriteFn
from armsim.cpu.state import CPUState
from armsim.cpu.sysregs import HCR, HDCR
from armsim.timing.profiles import CpuProfile

MASK32 = 0xFFFFFFFF
TDRA = HDCR["TDRA"].mask
TDOSA = HDCR["TDOSA"].mask
TDA = HDCR["TDA"].mask
TID0 = HCR["TID0"].mask

# DBGDSCR (reference 6): UDCCdis 12; PL1 writes through DBGDSCRext change MDBGen, UDCCdis, INTdis, ExtDCCmode.
DSCR_UDCCDIS = 1 << 12
DSCR_WRITABLE = (1 << 15) | (1 << 12) | (1 << 11) | (3 << 20)
OSLAR_KEY = 0xC5ACCE55
OSLSR_LOCKED = 0xA  # OSLM = 0b10, OSLK = 1

_PL0_STAR = Access.R0 | Access.R1  # PL0 read when DBGDSCR.UDCCdis = 0


def cp14_values(profile: CpuProfile) -> Dict[str, int]:
    """Reset values of the baseline CP14 storage (reference 5; UNKNOWN values: 0)."""
    return {"DBGDSCR": 0, "DBGOSLSR": OSLSR_LOCKED, "DBGCLAIM": 0, "TEECR": 0, "TEEHBR": 0}


def cp14_table(profile: CpuProfile, values: Dict[str, int]) -> RegisterTable:
    """The baseline CP14 table of ``profile``, over the storage ``values`` (sorted by the builder)."""

    def pl0_dcc(cpu: CPUState) -> bool:
        return not values.get("DBGDSCR", 0) & DSCR_UDCCDIS

    def stored(name: str, mask: int = MASK32, key: str = "") -> Tuple[ReadFn, WriteFn]:
        k = key or name

        def read(cpu: CPUState) -> int:
            return values.get(k, 0)

        def write(cpu: CPUState, value: int) -> None:
            values[k] = (values.get(k, 0) & ~mask) | (value & mask)

        return read, write

    def const(v: int) -> Callable[[CPUState], int]:
        def read(cpu: CPUState) -> int:
            return v

        return read

    def nop(cpu: CPUState, value: int) -> None:
        return None

    def oslar(cpu: CPUState, value: int) -> None:
        values["DBGOSLSR"] = OSLSR_LOCKED if value & MASK32 == OSLAR_KEY else OSLSR_LOCKED & ~2

    def claimset(cpu: CPUState, value: int) -> None:
        values["DBGCLAIM"] = values.get("DBGCLAIM", 0) | (value & 0xFF)

    def claimclr(cpu: CPUState, value: int) -> None:
        values["DBGCLAIM"] = values.get("DBGCLAIM", 0) & ~value & 0xFF

    def row(name: str, crn: int, crm: int, opc2: int, access: int, hdcr: int,
            rw: Optional[Tuple[ReadFn, WriteFn]] = None, opc1: int = 0, is64: bool = False,
            pl0: Optional[Callable[[CPUState], bool]] = None, tr: int = 0) -> CPReg:
        read, write = rw if rw is not None else stored(name)
        return CPReg(name, 14, opc1, crn, crm, opc2, is64=is64, access=access, hdcr=hdcr, hcr_read=tr,
                     read=read, write=write, pl0=pl0)

    dscr_rw = stored("DBGDSCRext", DSCR_WRITABLE, "DBGDSCR")
    rows: List[CPReg] = [
        row("DBGDIDR", 0, 0, 0, _PL0_STAR, TDA, (const(profile.dbgdidr), nop), pl0=pl0_dcc),
        row("DBGDSCRint", 0, 1, 0, _PL0_STAR, TDA, (dscr_rw[0], nop), pl0=pl0_dcc),
        row("DBGDTRRXext", 0, 0, 2, PL1_RW, TDA),
        row("DBGDSCRext", 0, 2, 2, PL1_RW, TDA, dscr_rw),
        row("DBGDTRTXext", 0, 3, 2, PL1_RW, TDA),
        row("DBGDTRint", 0, 5, 0, Access.R0 | Access.W0 | PL1_RW, TDA, pl0=pl0_dcc),
        row("DBGWFAR", 0, 6, 0, PL1_RW, TDA),
        row("DBGVCR", 0, 7, 0, PL1_RW, TDA),
        row("DBGDRAR", 1, 0, 0, _PL0_STAR, TDRA, (const(0), nop), pl0=pl0_dcc),
        row("DBGOSLAR", 1, 0, 4, PL1_WO, TDOSA, (const(0), oslar)),
        row("DBGOSLSR", 1, 1, 4, PL1_RO, TDOSA, (stored("DBGOSLSR")[0], nop)),
        row("DBGOSDLR", 1, 3, 4, PL1_RW, TDOSA, stored("DBGOSDLR", 1)),
        row("DBGPRCR", 1, 4, 4, PL1_RW, TDOSA, stored("DBGPRCR", 1)),
        row("DBGDSAR", 2, 0, 0, _PL0_STAR, TDRA, (const(0), nop), pl0=pl0_dcc),
        row("DBGDEVID2", 7, 0, 7, PL1_RO, TDA, (const(0), nop)),
        row("DBGDEVID1", 7, 1, 7, PL1_RO, TDA, (const(0), nop)),
        row("DBGDEVID", 7, 2, 7, PL1_RO, TDA, (const(0x01110F13), nop)),
        row("DBGCLAIMSET", 7, 8, 6, PL1_RW, TDA, (const(0xFF), claimset)),
        row("DBGCLAIMCLR", 7, 9, 6, PL1_RW, TDA, (stored("DBGCLAIM")[0], claimclr)),
        row("DBGAUTHSTATUS", 7, 14, 6, PL1_RO, TDA, (const(0xFF), nop)),
        # 64-bit MRRC p14, 0, Rt, Rt2, c1 / c2 (C6.4.3).
        row("DBGDRAR", 0, 1, 0, _PL0_STAR, TDRA, (const(0), nop), is64=True, pl0=pl0_dcc),
        row("DBGDSAR", 0, 2, 0, _PL0_STAR, TDRA, (const(0), nop), is64=True, pl0=pl0_dcc),
        # ThumbEE (A2.11): TEECR PL1 only; TEEHBR also PL0 (TEECR.XED not modelled).
        row("TEECR", 0, 0, 0, PL1_RW, 0, stored("TEECR", 1), opc1=6),
        row("TEEHBR", 1, 0, 0, Access.R0 | Access.W0 | PL1_RW, 0, stored("TEEHBR", 0xFFFFFFFC), opc1=6),
        # Trivial Jazelle (A2.10): JIDR reads as zero at any level (HCR.TID0), JOSCR/JMCR RAZ/WI.
        row("JIDR", 0, 0, 0, Access.R0 | PL1_RO, 0, (const(0), nop), opc1=7, tr=TID0),
        row("JOSCR", 1, 0, 0, PL1_RW, 0, (const(0), nop), opc1=7),
        row("JMCR", 2, 0, 0, PL1_RW, 0, (const(0), nop), opc1=7),
    ]
    for n in range(profile.brps):
        rows.append(row(f"DBGBVR{n}", 0, n, 4, PL1_RW, TDA, stored(f"DBGBVR{n}", 0xFFFFFFFC)))
        rows.append(row(f"DBGBCR{n}", 0, n, 5, PL1_RW, TDA, stored(f"DBGBCR{n}", 0x00FFE1E7)))
    for n in range(profile.wrps):
        rows.append(row(f"DBGWVR{n}", 0, n, 6, PL1_RW, TDA, stored(f"DBGWVR{n}", 0xFFFFFFFC)))
        rows.append(row(f"DBGWCR{n}", 0, n, 7, PL1_RW, TDA, stored(f"DBGWCR{n}", 0x1F1FFFFF)))
    for n in range(profile.brps - profile.ctx_cmps, profile.brps):
        rows.append(row(f"DBGBXVR{n}", 1, n, 1, PL1_RW, TDA, stored(f"DBGBXVR{n}", 0xFF)))
    return RegisterTable(f"CP14 ({profile.name})", rows, sort=True)
