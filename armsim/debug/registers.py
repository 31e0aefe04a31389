"""The CP14 debug register file of a v7.1 core (DDI 0406C C6.4, C11.10, C11.11).

The CP14 interface (opc1 = 0) names register number R as CRn = R[9:7],
opc2 = R[6:4], CRm = R[3:0] (C6.4 "CP14 debug register interface", Table C11-1
register numbers; e.g. DBGDSCRext R = 34 is c0,c2,2, DBGOSLAR R = 192 is c1,c0,4).
Each row below gives the register's encoding, its access (RO/WO/RW), whether
PL0 may reach it (the DCC-class registers while DBGDSCR.UDCCdis = 0, C6.4.x
"Permissions"), and its Hyp trap class (B1.14.15: HDCR.TDRA, TDOSA, TDA).

Rows exist only for what the profile implements (BRP/WRP pairs n < BRPs/WRPs,
DBGBXVRn for the context-capable BRPs); every other encoding, a write to a
read-only register, a read of a write-only one, any MCRR and any LDC/STC other
than the DCC forms is UNDEFINED (reference kvm-arm-debug.md section 5; the
A15/A7 TRMs mark the rest "not implemented").

The OS Lock (C11.11 DBGOSLAR/DBGOSLSR) does not restrict CP14 accesses (it is
there so that the OS can save and restore these registers through CP14): it
holds off breakpoint, watchpoint and vector catch events (not BKPT), and while
it is set a DBGDSCRext write may also restore the DCC flags RXfull/TXfull.  Reset values:
UNKNOWN registers reset to 0 (choice); the OS Lock is set on a cold reset.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

from armsim.coproc.bus import AccessKind, CoprocAccess, Verdict
from armsim.cpu.modes import Mode
from armsim.cpu.state import CPUState
from armsim.debug.layouts import (
    DBGBCR,
    DBGDIDR,
    DBGDIDR_VERSION_V7_1,
    DBGDSCR,
    DBGDSCR_EXT_WRITABLE,
    DBGOSLSR,
    DBGWCR,
    OSLAR_KEY,
)
from armsim.errors import ConfigError
from armsim.timing.profiles import CpuProfile

MASK32 = 0xFFFFFFFF

TDA = "TDA"
TDOSA = "TDOSA"
TDRA = "TDRA"

# DBGDSCR bits the model itself sets.
_RXFULL = DBGDSCR["RXfull"].mask | DBGDSCR["RXfull_l"].mask
_TXFULL = DBGDSCR["TXfull"].mask | DBGDSCR["TXfull_l"].mask
_DCC_FLAGS = DBGDSCR["RXfull"].mask | DBGDSCR["TXfull"].mask
_LATCHED = DBGDSCR["RXfull_l"].mask | DBGDSCR["TXfull_l"].mask  # bits 27, 26: RXfull 30, TXfull 29 >> 3
_UDCCDIS = DBGDSCR["UDCCdis"].mask
_MDBGEN = DBGDSCR["MDBGen"].mask
_MOE = DBGDSCR["MOE"]

# Writable bits of the pair registers (C11.11 DBGBCR, DBGWCR, DBGBVR, DBGWVR).
_BCR_WRITABLE = DBGBCR.defined_mask & ~DBGBCR["MASK"].mask  # MASK RAZ: DBGDEVID.BPAddrMask = 0xF
_BCR_CONTEXT_BITS = (1 << 23) | (1 << 21)  # BT[3], BT[1]: RAZ on BRPs that cannot match context
_WCR_WRITABLE = DBGWCR.defined_mask
_WVR_WRITABLE = 0xFFFFFFFC
_VCR_WRITABLE = 0xDE00DCDE  # C11.11 DBGVCR with the Security Extensions (layouts.DBGVCR)
_CLAIM_BITS = 0xFF  # eight claim tags (Cortex-A15/A7)
_AUTHSTATUS = 0xFF  # all authentication signals high (choice)
_OSLSR_OSLM = DBGOSLSR["OSLM1"].mask  # OSLM = 0b10: OS Lock implemented, no DBGOSSRR


class DebugReg(NamedTuple):
    """One CP14 row: encoding (opc1 = 0), access, PL0 access, Hyp trap class, accessors."""

    name: str
    number: int  # register number in Table C11-1 (memory-mapped offset / 4); -1 for the 64-bit forms
    crn: int
    crm: int
    opc2: int
    access: str  # "RO", "WO" or "RW"
    pl0: bool
    trap_class: str
    read: Optional[Callable[[], int]]
    write: Optional[Callable[[int], None]]


def cp14_encoding(number: int) -> Tuple[int, int, int]:
    """C6.4: register number R is reached as MRC/MCR p14, 0, Rt, CRn = R[9:7], CRm = R[3:0], opc2 = R[6:4]."""
    return (number >> 7) & 7, number & 0xF, (number >> 4) & 7


def dbgdidr_for(profile: CpuProfile) -> int:
    """C11.11 DBGDIDR from the profile: pair counts, v7.1, DEVID/nSUHD/PCSR/SE implemented, MIDR rev."""
    return DBGDIDR.pack(
        WRPs=profile.wrps - 1,
        BRPs=profile.brps - 1,
        CTX_CMPs=profile.ctx_cmps - 1,
        Version=DBGDIDR_VERSION_V7_1,
        DEVID_imp=1,
        nSUHD_imp=1,
        PCSR_imp=1,
        SE_imp=1,
        Variant=profile.variant,
        Revision=profile.revision,
    )


# C11.11.15 DBGDIDR: BRPs and WRPs are (count - 1) in four bits; C3.1: an implementation has
# 2 to 16 breakpoint register pairs and 1 to 16 watchpoint register pairs.
BRPS_RANGE = (2, 16)
WRPS_RANGE = (1, 16)


def with_pairs(profile: CpuProfile, brps: int, wrps: int) -> CpuProfile:
    """``profile`` with ``brps`` breakpoint and ``wrps`` watchpoint register pairs (DBGDIDR updated).

    The context-matching BRPs stay the highest ones, as many as the profile has
    (at most ``brps``).  ConfigError for a count the architecture does not allow
    (C3.1: 2-16 BRPs, 1-16 WRPs).
    """
    lo, hi = BRPS_RANGE
    if not lo <= brps <= hi:
        raise ConfigError(f"{brps} breakpoint register pairs: an ARMv7 core has {lo} to {hi} (DDI 0406C C3.1)")
    lo, hi = WRPS_RANGE
    if not lo <= wrps <= hi:
        raise ConfigError(f"{wrps} watchpoint register pairs: an ARMv7 core has {lo} to {hi} (DDI 0406C C3.1)")
    if (brps, wrps) == (profile.brps, profile.wrps):
        return profile
    out = dataclasses.replace(profile, brps=brps, wrps=wrps, ctx_cmps=min(profile.ctx_cmps, brps),
                              description=f"{profile.description}; {brps} BRPs, {wrps} WRPs (override)")
    return dataclasses.replace(out, dbgdidr=dbgdidr_for(out))


class DebugRegisters:
    """The debug registers of one core, reached through CP14 (a bus Coprocessor)."""

    def __init__(self, profile: CpuProfile) -> None:
        self.profile = profile
        self.brps = profile.brps
        self.wrps = profile.wrps
        self.ctx_cmps = profile.ctx_cmps
        self.ctx_first = profile.brps - profile.ctx_cmps  # the highest BRPs are context-capable
        self.didr = dbgdidr_for(profile)
        self.devid = profile.dbgdevid
        self.devid1 = profile.dbgdevid1
        self.bvr: List[int] = [0] * self.brps
        self.bcr: List[int] = [0] * self.brps
        self.bxvr: List[int] = [0] * self.brps
        self.wvr: List[int] = [0] * self.wrps
        self.wcr: List[int] = [0] * self.wrps
        # Told after any write that may change which debug events can happen.
        self.listeners: List[Callable[[], None]] = []
        self.rows: Dict[Tuple[int, int, int], DebugReg] = {}
        self.rows64: Dict[int, DebugReg] = {}
        self._build_rows()
        self.reset()

    def reset(self) -> None:
        """Cold (power-on) reset: every register 0 except the OS Lock, which is set (C11.11 DBGOSLSR)."""
        for lst in (self.bvr, self.bcr, self.bxvr, self.wvr, self.wcr):
            lst[:] = [0] * len(lst)
        self.dscr = 0
        self.dtrrx = 0
        self.dtrtx = 0
        self.wfar = 0
        self.vcr = 0
        self.claim = 0
        self.oslk = 1
        self.osdlk = 0
        self.prcr = 0
        self.changed()

    def changed(self) -> None:
        for fn in self.listeners:
            fn()

    # -- state the event logic reads ------------------------------------------------
    @property
    def mdbgen(self) -> bool:
        return bool(self.dscr & _MDBGEN)

    @property
    def moe(self) -> int:
        return _MOE.get(self.dscr)

    def set_moe(self, moe: int) -> None:
        """C11.11 DBGDSCR.MOE: record the method of debug entry."""
        self.dscr = _MOE.set(self.dscr, moe)

    @property
    def oslsr(self) -> int:
        return _OSLSR_OSLM | (self.oslk << 1)

    def monitor_events_possible(self) -> bool:
        """C3.1/C4.1: monitor debug-mode enabled and no lock holding events off (HDBGen stays 0)."""
        return self.mdbgen and not self.oslk and not self.osdlk

    # -- the register table ------------------------------------------------------------
    def _row(self, name: str, number: int, crn: int, crm: int, opc2: int, access: str, cls: str,
             read: Optional[Callable[[], int]], write: Optional[Callable[[int], None]], pl0: bool = False) -> None:
        """One row: its register number (Table C11-1) and its CP14 encoding, which must agree (C6.4)."""
        if cp14_encoding(number) != (crn, crm, opc2):
            raise ValueError(f"{name}: register {number} is not CP14 c{crn},c{crm},{opc2}")
        key = (crn, crm, opc2)
        if key in self.rows:
            raise ValueError(f"CP14 c{crn},c{crm},{opc2}: {name} and {self.rows[key].name}")
        self.rows[key] = DebugReg(name, number, crn, crm, opc2, access, pl0, cls, read, write)

    def _build_rows(self) -> None:
        r = self._row
        # c0: C11.10 Table C11-1 register numbers 0-127.
        r("DBGDIDR", 0, 0, 0, 0, "RO", TDA, lambda: self.didr, None, pl0=True)
        r("DBGDSCRint", 1, 0, 1, 0, "RO", TDA, lambda: self.dscr, None, pl0=True)
        r("DBGDTRRXint/DBGDTRTXint", 5, 0, 5, 0, "RW", TDA, self._read_dtrrx_int, self._write_dtrtx_int, pl0=True)
        r("DBGWFAR", 6, 0, 6, 0, "RW", TDA, lambda: self.wfar, self._set("wfar", MASK32))
        r("DBGVCR", 7, 0, 7, 0, "RW", TDA, lambda: self.vcr, self._write_vcr)
        r("DBGDTRRXext", 32, 0, 0, 2, "RW", TDA, lambda: self.dtrrx, self._set("dtrrx", MASK32))
        r("DBGDSCRext", 34, 0, 2, 2, "RW", TDA, lambda: self.dscr, self._write_dscr_ext)
        r("DBGDTRTXext", 35, 0, 3, 2, "RW", TDA, lambda: self.dtrtx, self._set("dtrtx", MASK32))
        for n in range(self.brps):
            r(f"DBGBVR{n}", 64 + n, 0, n, 4, "RW", TDA, self._getter(self.bvr, n), self._write_bvr(n))
            r(f"DBGBCR{n}", 80 + n, 0, n, 5, "RW", TDA, self._getter(self.bcr, n), self._write_bcr(n))
        for n in range(self.wrps):
            r(f"DBGWVR{n}", 96 + n, 0, n, 6, "RW", TDA, self._getter(self.wvr, n), self._write_wvr(n))
            r(f"DBGWCR{n}", 112 + n, 0, n, 7, "RW", TDA, self._getter(self.wcr, n), self._write_wcr(n))
        # c1: register numbers 128-255.
        r("DBGDRAR", 128, 1, 0, 0, "RO", TDRA, lambda: 0, None, pl0=True)
        for n in range(self.ctx_first, self.brps):
            r(f"DBGBXVR{n}", 144 + n, 1, n, 1, "RW", TDA, self._getter(self.bxvr, n), self._write_bxvr(n))
        r("DBGOSLAR", 192, 1, 0, 4, "WO", TDOSA, None, self._write_oslar)
        r("DBGOSLSR", 193, 1, 1, 4, "RO", TDOSA, lambda: self.oslsr, None)
        r("DBGOSDLR", 195, 1, 3, 4, "RW", TDOSA, lambda: self.osdlk, self._write_osdlr)
        r("DBGPRCR", 196, 1, 4, 4, "RW", TDOSA, lambda: self.prcr, self._set("prcr", 1))
        # c2: DBGDSAR (register number 256).
        r("DBGDSAR", 256, 2, 0, 0, "RO", TDRA, lambda: 0, None, pl0=True)
        # c7: management registers (register numbers 896-1023).
        r("DBGDEVID2", 1008, 7, 0, 7, "RO", TDA, lambda: 0, None)
        r("DBGDEVID1", 1009, 7, 1, 7, "RO", TDA, lambda: self.devid1, None)
        r("DBGDEVID", 1010, 7, 2, 7, "RO", TDA, lambda: self.devid, None)
        r("DBGCLAIMSET", 1000, 7, 8, 6, "RW", TDA, lambda: _CLAIM_BITS, self._write_claimset)
        r("DBGCLAIMCLR", 1001, 7, 9, 6, "RW", TDA, lambda: self.claim, self._write_claimclr)
        r("DBGAUTHSTATUS", 1006, 7, 14, 6, "RO", TDA, lambda: _AUTHSTATUS, None)
        # 64-bit forms (MRRC p14, 0, Rt, Rt2, CRm): C11.11 DBGDRAR, DBGDSAR.  0 = not valid.
        self.rows64[1] = DebugReg("DBGDRAR", -1, 0, 1, 0, "RO", True, TDRA, lambda: 0, None)
        self.rows64[2] = DebugReg("DBGDSAR", -1, 0, 2, 0, "RO", True, TDRA, lambda: 0, None)

    def _getter(self, lst: List[int], n: int) -> Callable[[], int]:
        return lambda: lst[n]

    def _set(self, attr: str, mask: int) -> Callable[[int], None]:
        def write(value: int) -> None:
            setattr(self, attr, value & mask)

        return write

    # -- writes with side effects ---------------------------------------------------------
    def _write_bvr(self, n: int) -> Callable[[int], None]:
        def write(value: int) -> None:
            # C11.11 DBGBVR: an address in bits 31:2, or a context ID in all 32 bits.
            self.bvr[n] = value & MASK32
            self.changed()

        return write

    def _write_bcr(self, n: int) -> Callable[[int], None]:
        mask = _BCR_WRITABLE if n >= self.ctx_first else _BCR_WRITABLE & ~_BCR_CONTEXT_BITS

        def write(value: int) -> None:
            self.bcr[n] = value & mask
            self.changed()

        return write

    def _write_bxvr(self, n: int) -> Callable[[int], None]:
        def write(value: int) -> None:
            self.bxvr[n] = value & 0xFF
            self.changed()

        return write

    def _write_wvr(self, n: int) -> Callable[[int], None]:
        def write(value: int) -> None:
            self.wvr[n] = value & _WVR_WRITABLE
            self.changed()

        return write

    def _write_wcr(self, n: int) -> Callable[[int], None]:
        def write(value: int) -> None:
            self.wcr[n] = value & _WCR_WRITABLE
            self.changed()

        return write

    def _write_dscr_ext(self, value: int) -> None:
        """C11.11 DBGDSCR, external view.  While the OS Lock is set the DCC flags RXfull and TXfull
        are writable too, so that an OS restoring the debug state can restore the DCC's
        (v7.1; the ARMv8 AArch32 DBGDSCRext keeps the rule)."""
        writable = DBGDSCR_EXT_WRITABLE | (_DCC_FLAGS if self.oslk else 0)
        self.dscr = (self.dscr & ~writable) | (value & writable)
        if self.oslk:
            # The _l (latched) copies follow the flags they latch.
            self.dscr = (self.dscr & ~_LATCHED) | ((self.dscr >> 3) & _LATCHED)
        self.changed()

    def _write_vcr(self, value: int) -> None:
        self.vcr = value & _VCR_WRITABLE
        self.changed()

    def _write_oslar(self, value: int) -> None:
        self.oslk = int((value & MASK32) == OSLAR_KEY)
        self.changed()

    def _write_osdlr(self, value: int) -> None:
        self.osdlk = value & 1
        self.changed()

    def _write_claimset(self, value: int) -> None:
        self.claim |= value & _CLAIM_BITS

    def _write_claimclr(self, value: int) -> None:
        self.claim &= ~value & _CLAIM_BITS

    def _read_dtrrx_int(self) -> int:
        """C11.11 DBGDTRRXint read: the value, and RXfull clears."""
        self.dscr &= ~_RXFULL
        return self.dtrrx

    def _write_dtrtx_int(self, value: int) -> None:
        """C11.11 DBGDTRTXint write: the value, and TXfull sets.

        UNPREDICTABLE (C11.11: write while TXfull = 1): we choose to overwrite.
        """
        self.dtrtx = value & MASK32
        self.dscr |= _TXFULL

    # -- the Coprocessor protocol (armsim.coproc.bus) -----------------------------------
    def find(self, acc: CoprocAccess) -> Optional[DebugReg]:
        """The row an access names, or None (unallocated or unimplemented: UNDEFINED)."""
        kind = acc.kind
        if kind is AccessKind.MRC or kind is AccessKind.MCR:
            if acc.opc1 != 0:
                return None
            return self.rows.get((acc.crn, acc.crm, acc.opc2))
        if kind is AccessKind.MRRC:
            return self.rows64.get(acc.crm) if acc.opc1 == 0 else None
        if kind is AccessKind.LDC or kind is AccessKind.STC:
            # C6.4: only LDC to DBGDTRTXint and STC from DBGDTRRXint (CRd = c5, no D bit).
            if acc.crd == 5 and not acc.long:
                return self.rows[(0, 5, 0)]
            return None
        return None  # MCRR, CDP: UNDEFINED

    def trap_class(self, acc: CoprocAccess) -> Optional[str]:
        """The HDCR bit that traps this access to Hyp (B1.14.15), or None if it is UNDEFINED."""
        row = self.find(acc)
        return row.trap_class if row is not None else None

    def check(self, cpu: CPUState, acc: CoprocAccess) -> Verdict:
        """Encoding, direction and privilege (the checks before any Hyp trap, B1.14.1)."""
        row = self.find(acc)
        if row is None:
            return Verdict.UNDEFINED
        is_read = acc.kind in (AccessKind.MRC, AccessKind.MRRC, AccessKind.STC)
        if row.access == ("WO" if is_read else "RO"):
            return Verdict.UNDEFINED
        if cpu.mode == Mode.USR and not (row.pl0 and not self.dscr & _UDCCDIS):
            return Verdict.UNDEFINED
        return Verdict.OK

    def read(self, cpu: CPUState, acc: CoprocAccess) -> int:
        row = self.find(acc)
        assert row is not None and row.read is not None  # check() said OK
        return row.read()

    def write(self, cpu: CPUState, acc: CoprocAccess, value: int) -> None:
        row = self.find(acc)
        assert row is not None and row.write is not None  # check() said OK
        row.write(value & MASK32)

    # -- named access (tests, the hypervisor model) --------------------------------------
    def by_name(self, name: str) -> DebugReg:
        for row in self.rows.values():
            if row.name == name:
                return row
        raise KeyError(name)
