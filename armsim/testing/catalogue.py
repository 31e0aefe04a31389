"""The reference register catalogue behind the oracles: who may access which CP14/CP15 encoding.

One :class:`RefReg` per register or operation armsim models, written from the
manual's summary tables -- DDI 0406C B3.17.1 (CP15 by CRn, Tables B3-42 to
B3-53), B4.2 (maintenance operations), C6.4 and C11.10 (CP14 debug), A2.10
(trivial Jazelle) and A2.11 (ThumbEE) -- and the reference file section 5.
It records only architectural facts: the encoding, the access per privilege
level and security state, the HCR bits and the HDCR class that trap it
(B1.14.3-B1.14.17).  It does not share a line with ``armsim.coproc``.

Access tokens: ``R0``/``W0`` PL0, ``R1``/``W1`` PL1 (Hyp mode may also use
them, B3.17.1), ``RH``/``WH`` PL2 registers (Hyp mode, or Monitor mode with
SCR.NS = 1), ``S`` PL1 access only in Secure state, ``SW`` writes only in
Secure state.  ``pl0_gate``: ``UDCC`` (PL0 only while DBGDSCR.UDCCdis = 0,
C11.11), ``PMU`` (PL0 only while PMUSERENR.EN = 1, C12.8.13).

Scope choices, where armsim models less than the manual allows: the MIDR
aliases (c0, c0, 4 and 7), ISR, the generic timer registers other than CNTFRQ,
ATS12NSO*, and the trace registers (CP14 opc1 = 1: HCPTR.TTA is RAZ/WI
without a CP14 trace interface, B4.1.67) are not modelled and so UNDEFINED.
CNTFRQ is PL0-readable (armsim models no CNTKCTL; as if PL0PCTEN = 1).
TEEHBR is PL0-accessible (TEECR.XED is not modelled).
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Iterator, List, NamedTuple, Optional, Tuple

from armsim.testing.manual import DBGDIDR


class RefReg(NamedTuple):
    """One register or operation of the reference catalogue."""

    name: str
    cp: int
    opc1: int
    crn: int  # 0 for 64-bit registers
    crm: int
    opc2: int  # 0 for 64-bit registers
    is64: bool
    access: FrozenSet[str]  # tokens, module docstring
    pl0_gate: str = ""
    hcr_read: Tuple[str, ...] = ()  # HCR fields trapping a read (B1.14.x)
    hcr_write: Tuple[str, ...] = ()
    hdcr: Tuple[str, ...] = ()  # HDCR fields trapping any access (TDRA/TDOSA/TDA, TPM/TPMCR)
    hcptr: Tuple[str, ...] = ()  # HCPTR fields trapping any access (TCPAC for CPACR)

    @property
    def key(self) -> Tuple[int, int, int, int, int, bool]:
        return (self.cp, self.opc1, self.crn, self.crm, self.opc2, self.is64)


def _acc(tokens: str) -> FrozenSet[str]:
    return frozenset(tokens.split())


def _r(name: str, opc1: int, crn: int, crm: int, opc2: int, access: str = "R1 W1", *, cp: int = 15,
       gate: str = "", tr: Tuple[str, ...] = (), tw: Tuple[str, ...] = (), hdcr: Tuple[str, ...] = (),
       hcptr: Tuple[str, ...] = ()) -> RefReg:
    return RefReg(name, cp, opc1, crn, crm, opc2, False, _acc(access), gate, tr, tw, hdcr, hcptr)


def _r64(name: str, opc1: int, crm: int, access: str = "R1 W1", *, cp: int = 15, gate: str = "",
         tw: Tuple[str, ...] = (), hdcr: Tuple[str, ...] = ()) -> RefReg:
    return RefReg(name, cp, opc1, 0, crm, 0, True, _acc(access), gate, (), tw, hdcr)


_HYP = "RH WH"
_OP = "W1"
_TVM = ("TVM",)
_ID3 = ("TID3",)


def _cp15() -> List[RefReg]:
    rows = [
        # B3.17.1 Table B3-43 (c0): identification.  MIDR/MPIDR reads are not trapped (VPIDR/VMPIDR).
        _r("MIDR", 0, 0, 0, 0, "R1"), _r("CTR", 0, 0, 0, 1, "R1", tr=("TID2",)),
        _r("TCMTR", 0, 0, 0, 2, "R1", tr=("TID1",)), _r("TLBTR", 0, 0, 0, 3, "R1", tr=("TID1",)),
        _r("MPIDR", 0, 0, 0, 5, "R1"), _r("REVIDR", 0, 0, 0, 6, "R1", tr=("TID1",)),
        *[_r(n, 0, 0, 1, i, "R1", tr=_ID3) for i, n in enumerate(
            ("ID_PFR0", "ID_PFR1", "ID_DFR0", "ID_AFR0", "ID_MMFR0", "ID_MMFR1", "ID_MMFR2", "ID_MMFR3"))],
        *[_r(f"ID_ISAR{i}", 0, 0, 2, i, "R1", tr=_ID3) for i in range(6)],
        _r("CCSIDR", 1, 0, 0, 0, "R1", tr=("TID2",)), _r("CLIDR", 1, 0, 0, 1, "R1", tr=("TID2",)),
        _r("AIDR", 1, 0, 0, 7, "R1", tr=("TID1",)), _r("CSSELR", 2, 0, 0, 0, tr=("TID2",), tw=("TID2",)),
        _r("VPIDR", 4, 0, 0, 0, _HYP), _r("VMPIDR", 4, 0, 0, 5, _HYP),
        # c1 (Table B3-44): system control; HCR.TAC traps ACTLR, HCPTR.TCPAC traps CPACR (B1.14.12).
        _r("SCTLR", 0, 1, 0, 0, tw=_TVM), _r("ACTLR", 0, 1, 0, 1, tr=("TAC",), tw=("TAC",)),
        _r("CPACR", 0, 1, 0, 2, hcptr=("TCPAC",)),
        _r("SCR", 0, 1, 1, 0, "R1 W1 S"), _r("SDER", 0, 1, 1, 1, "R1 W1 S"), _r("NSACR", 0, 1, 1, 2, "R1 W1 SW"),
        _r("HSCTLR", 4, 1, 0, 0, _HYP), _r("HACTLR", 4, 1, 0, 1, _HYP), _r("HCR", 4, 1, 1, 0, _HYP),
        _r("HDCR", 4, 1, 1, 1, _HYP), _r("HCPTR", 4, 1, 1, 2, _HYP), _r("HSTR", 4, 1, 1, 3, _HYP),
        _r("HACR", 4, 1, 1, 7, _HYP),
        # c2, c3 (Table B3-45): translation tables; HCR.TVM traps writes (B1.14.13).
        _r("TTBR0", 0, 2, 0, 0, tw=_TVM), _r("TTBR1", 0, 2, 0, 1, tw=_TVM), _r("TTBCR", 0, 2, 0, 2, tw=_TVM),
        _r("HTCR", 4, 2, 0, 2, _HYP), _r("VTCR", 4, 2, 1, 2, _HYP), _r("DACR", 0, 3, 0, 0, tw=_TVM),
        _r64("TTBR0", 0, 2, tw=_TVM), _r64("TTBR1", 1, 2, tw=_TVM), _r64("HTTBR", 4, 2, _HYP),
        _r64("VTTBR", 6, 2, _HYP), _r64("PAR", 0, 7),
        # c5, c6 (Table B3-46): fault status and address.
        _r("DFSR", 0, 5, 0, 0, tw=_TVM), _r("IFSR", 0, 5, 0, 1, tw=_TVM), _r("ADFSR", 0, 5, 1, 0, tw=_TVM),
        _r("AIFSR", 0, 5, 1, 1, tw=_TVM), _r("HADFSR", 4, 5, 1, 0, _HYP), _r("HAIFSR", 4, 5, 1, 1, _HYP),
        _r("HSR", 4, 5, 2, 0, _HYP), _r("DFAR", 0, 6, 0, 0, tw=_TVM), _r("IFAR", 0, 6, 0, 2, tw=_TVM),
        _r("HDFAR", 4, 6, 0, 0, _HYP), _r("HIFAR", 4, 6, 0, 2, _HYP), _r("HPFAR", 4, 6, 0, 4, _HYP),
        # c7 (B4.2.1, B4.2.4-B4.2.6): cache maintenance (TPU/TPC/TSW), PAR, barriers (PL0 too), ATS.
        _r("ICIALLUIS", 0, 7, 1, 0, _OP, tw=("TPU",)), _r("BPIALLIS", 0, 7, 1, 6, _OP),
        _r("PAR", 0, 7, 4, 0), _r("ICIALLU", 0, 7, 5, 0, _OP, tw=("TPU",)),
        _r("ICIMVAU", 0, 7, 5, 1, _OP, tw=("TPU",)), _r("CP15ISB", 0, 7, 5, 4, "W0 W1"),
        _r("BPIALL", 0, 7, 5, 6, _OP), _r("BPIMVA", 0, 7, 5, 7, _OP),
        _r("DCIMVAC", 0, 7, 6, 1, _OP, tw=("TPC",)), _r("DCISW", 0, 7, 6, 2, _OP, tw=("TSW",)),
        *[_r(n, 0, 7, 8, i, _OP) for i, n in enumerate(("ATS1CPR", "ATS1CPW", "ATS1CUR", "ATS1CUW"))],
        _r("ATS1HR", 4, 7, 8, 0, "WH"), _r("ATS1HW", 4, 7, 8, 1, "WH"),
        _r("DCCMVAC", 0, 7, 10, 1, _OP, tw=("TPC",)), _r("DCCSW", 0, 7, 10, 2, _OP, tw=("TSW",)),
        _r("CP15DSB", 0, 7, 10, 4, "W0 W1"), _r("CP15DMB", 0, 7, 10, 5, "W0 W1"),
        _r("DCCMVAU", 0, 7, 11, 1, _OP, tw=("TPU",)), _r("DCCIMVAC", 0, 7, 14, 1, _OP, tw=("TPC",)),
        _r("DCCISW", 0, 7, 14, 2, _OP, tw=("TSW",)),
        # c8 (B4.2.2): TLB maintenance; HCR.TTLB traps the PL1 operations.
        *[_r(n, 0, 8, 3, i, _OP, tw=("TTLB",)) for i, n in enumerate(
            ("TLBIALLIS", "TLBIMVAIS", "TLBIASIDIS", "TLBIMVAAIS"))],
        _r("TLBIALLHIS", 4, 8, 3, 0, "WH"), _r("TLBIMVAHIS", 4, 8, 3, 1, "WH"), _r("TLBIALLNSNHIS", 4, 8, 3, 4, "WH"),
        *[_r(n, 0, 8, 5, i, _OP, tw=("TTLB",)) for i, n in enumerate(("ITLBIALL", "ITLBIMVA", "ITLBIASID"))],
        *[_r(n, 0, 8, 6, i, _OP, tw=("TTLB",)) for i, n in enumerate(("DTLBIALL", "DTLBIMVA", "DTLBIASID"))],
        *[_r(n, 0, 8, 7, i, _OP, tw=("TTLB",)) for i, n in enumerate(("TLBIALL", "TLBIMVA", "TLBIASID", "TLBIMVAA"))],
        _r("TLBIALLH", 4, 8, 7, 0, "WH"), _r("TLBIMVAH", 4, 8, 7, 1, "WH"), _r("TLBIALLNSNH", 4, 8, 7, 4, "WH"),
        # c9: Cortex-A15/A7 L2 control (IMPLEMENTATION DEFINED space, HCR.TIDCP), Performance Monitors (C12.8,
        # HDCR.TPM for all of them, TPMCR also for PMCR, B1.14.17).
        _r("L2CTLR", 1, 9, 0, 2), _r("L2ECTLR", 1, 9, 0, 3),
        _r("PMCR", 0, 9, 12, 0, "R0 W0 R1 W1", gate="PMU", hdcr=("TPM", "TPMCR")),
        *[_r(n, 0, 9, 12, i, "R0 W0 R1 W1", gate="PMU", hdcr=("TPM",)) for i, n in enumerate(
            ("PMCR", "PMCNTENSET", "PMCNTENCLR", "PMOVSR"))][1:],
        _r("PMSWINC", 0, 9, 12, 4, "W0 W1", gate="PMU", hdcr=("TPM",)),
        _r("PMSELR", 0, 9, 12, 5, "R0 W0 R1 W1", gate="PMU", hdcr=("TPM",)),
        _r("PMCEID0", 0, 9, 12, 6, "R0 R1", gate="PMU", hdcr=("TPM",)),
        _r("PMCEID1", 0, 9, 12, 7, "R0 R1", gate="PMU", hdcr=("TPM",)),
        *[_r(n, 0, 9, 13, i, "R0 W0 R1 W1", gate="PMU", hdcr=("TPM",)) for i, n in enumerate(
            ("PMCCNTR", "PMXEVTYPER", "PMXEVCNTR"))],
        _r("PMUSERENR", 0, 9, 14, 0, "R0 R1 W1", hdcr=("TPM",)),
        _r("PMINTENSET", 0, 9, 14, 1, hdcr=("TPM",)), _r("PMINTENCLR", 0, 9, 14, 2, hdcr=("TPM",)),
        # c10 (Table B3-50): memory attributes; TVM traps writes.
        _r("PRRR", 0, 10, 2, 0, tw=_TVM), _r("NMRR", 0, 10, 2, 1, tw=_TVM),
        _r("AMAIR0", 0, 10, 3, 0, tw=_TVM), _r("AMAIR1", 0, 10, 3, 1, tw=_TVM),
        _r("HMAIR0", 4, 10, 2, 0, _HYP), _r("HMAIR1", 4, 10, 2, 1, _HYP),
        _r("HAMAIR0", 4, 10, 3, 0, _HYP), _r("HAMAIR1", 4, 10, 3, 1, _HYP),
        # c12 (Table B3-51): vector base addresses.
        _r("VBAR", 0, 12, 0, 0), _r("MVBAR", 0, 12, 0, 1, "R1 W1 S"), _r("HVBAR", 4, 12, 0, 0, _HYP),
        # c13 (Table B3-52): FCSE, context and thread IDs.
        _r("FCSEIDR", 0, 13, 0, 0), _r("CONTEXTIDR", 0, 13, 0, 1, tw=_TVM),
        _r("TPIDRURW", 0, 13, 0, 2, "R0 W0 R1 W1"), _r("TPIDRURO", 0, 13, 0, 3, "R0 R1 W1"),
        _r("TPIDRPRW", 0, 13, 0, 4), _r("HTPIDR", 4, 13, 0, 2, _HYP),
        # c14 (B4.1.21): CNTFRQ, writable only in Secure PL1.
        _r("CNTFRQ", 0, 14, 0, 0, "R0 R1 W1 SW"),
        # c15: Cortex-A15/A7 configuration base address (IMPLEMENTATION DEFINED, read-only).
        _r("CBAR", 4, 15, 0, 0, "R1"),
    ]
    return rows


def _cp14(brps: int, wrps: int, ctx_cmps: int) -> List[RefReg]:
    """C11.10 Table C11-1 through CP14 (register number R: CRn = R[9:7], opc2 = R[6:4], CRm = R[3:0])."""
    rows = [
        _r("DBGDIDR", 0, 0, 0, 0, "R0 R1", hdcr=("TDA",), cp=14, gate="UDCC"),
        _r("DBGDSCRint", 0, 0, 1, 0, "R0 R1", hdcr=("TDA",), cp=14, gate="UDCC"),
        _r("DBGDTRRXext", 0, 0, 0, 2, cp=14, hdcr=("TDA",)),
        _r("DBGDSCRext", 0, 0, 2, 2, cp=14, hdcr=("TDA",)),
        _r("DBGDTRTXext", 0, 0, 3, 2, cp=14, hdcr=("TDA",)),
        # MRC reads DBGDTRRXint, MCR writes DBGDTRTXint (C11.11).
        _r("DBGDTRint", 0, 0, 5, 0, "R0 W0 R1 W1", hdcr=("TDA",), cp=14, gate="UDCC"),
        _r("DBGWFAR", 0, 0, 6, 0, cp=14, hdcr=("TDA",)),
        _r("DBGVCR", 0, 0, 7, 0, cp=14, hdcr=("TDA",)),
        _r("DBGDRAR", 0, 1, 0, 0, "R0 R1", hdcr=("TDRA",), cp=14, gate="UDCC"),
        _r("DBGOSLAR", 0, 1, 0, 4, "W1", cp=14, hdcr=("TDOSA",)),
        _r("DBGOSLSR", 0, 1, 1, 4, "R1", cp=14, hdcr=("TDOSA",)),
        _r("DBGOSDLR", 0, 1, 3, 4, cp=14, hdcr=("TDOSA",)),
        _r("DBGPRCR", 0, 1, 4, 4, cp=14, hdcr=("TDOSA",)),
        _r("DBGDSAR", 0, 2, 0, 0, "R0 R1", hdcr=("TDRA",), cp=14, gate="UDCC"),
        _r("DBGDEVID2", 0, 7, 0, 7, "R1", cp=14, hdcr=("TDA",)),
        _r("DBGDEVID1", 0, 7, 1, 7, "R1", cp=14, hdcr=("TDA",)),
        _r("DBGDEVID", 0, 7, 2, 7, "R1", cp=14, hdcr=("TDA",)),
        _r("DBGCLAIMSET", 0, 7, 8, 6, cp=14, hdcr=("TDA",)),
        _r("DBGCLAIMCLR", 0, 7, 9, 6, cp=14, hdcr=("TDA",)),
        _r("DBGAUTHSTATUS", 0, 7, 14, 6, "R1", cp=14, hdcr=("TDA",)),
        # C6.4.3: the 64-bit MRRC views of DBGDRAR and DBGDSAR.
        _r64("DBGDRAR", 0, 1, "R0 R1", cp=14, gate="UDCC", hdcr=("TDRA",)),
        _r64("DBGDSAR", 0, 2, "R0 R1", cp=14, gate="UDCC", hdcr=("TDRA",)),
        # A2.11 ThumbEE (HSTR.TTEE) and A2.10 trivial Jazelle (HCR.TID0 traps JIDR reads; HSTR.TJDBX JOSCR and
        # JMCR only, B1.14.5).
        _r("TEECR", 6, 0, 0, 0, cp=14), _r("TEEHBR", 6, 1, 0, 0, "R0 W0 R1 W1", cp=14),
        _r("JIDR", 7, 0, 0, 0, "R0 R1", cp=14, tr=("TID0",)),
        _r("JOSCR", 7, 1, 0, 0, cp=14), _r("JMCR", 7, 2, 0, 0, cp=14),
    ]
    for n in range(brps):
        rows.append(_r(f"DBGBVR{n}", 0, 0, n, 4, cp=14, hdcr=("TDA",)))
        rows.append(_r(f"DBGBCR{n}", 0, 0, n, 5, cp=14, hdcr=("TDA",)))
    for n in range(wrps):
        rows.append(_r(f"DBGWVR{n}", 0, 0, n, 6, cp=14, hdcr=("TDA",)))
        rows.append(_r(f"DBGWCR{n}", 0, 0, n, 7, cp=14, hdcr=("TDA",)))
    for n in range(brps - ctx_cmps, brps):  # the context-capable BRPs are the highest (C11.11 DBGBXVR)
        rows.append(_r(f"DBGBXVR{n}", 0, 1, n, 1, cp=14, hdcr=("TDA",)))
    return rows


class Catalogue:
    """The modelled CP14/CP15 registers of one CPU (BRP/WRP counts as its DBGDIDR says)."""

    def __init__(self, brps: int = 6, wrps: int = 4, ctx_cmps: int = 2) -> None:
        if not (1 <= brps <= 16 and 1 <= wrps <= 16 and 0 <= ctx_cmps <= brps):
            raise ValueError(f"bad debug resources: {brps} BRPs, {wrps} WRPs, {ctx_cmps} context-capable")
        self.brps, self.wrps, self.ctx_cmps = brps, wrps, ctx_cmps
        self.regs: Dict[Tuple[int, int, int, int, int, bool], RefReg] = {}
        for r in _cp15() + _cp14(brps, wrps, ctx_cmps):
            if r.key in self.regs:
                raise ValueError(f"catalogue: {r.name} and {self.regs[r.key].name} share an encoding")
            self.regs[r.key] = r
        self.by_name: Dict[Tuple[int, str, bool], RefReg] = {(r.cp, r.name, r.is64): r for r in self.regs.values()}

    @classmethod
    def from_dbgdidr(cls, dbgdidr: int) -> Catalogue:
        f = DBGDIDR.unpack(dbgdidr)
        return cls(f["BRPs"] + 1, f["WRPs"] + 1, f["CTX_CMPs"] + 1)

    def find(self, cp: int, opc1: int, crn: int, crm: int, opc2: int, is64: bool) -> Optional[RefReg]:
        if is64:
            crn = opc2 = 0
        return self.regs.get((cp, opc1, crn, crm, opc2, is64))

    def named(self, cp: int, name: str, is64: bool = False) -> RefReg:
        try:
            return self.by_name[(cp, name, is64)]
        except KeyError:
            raise KeyError(f"no CP{cp} register {name!r} in the catalogue") from None

    def __iter__(self) -> Iterator[RefReg]:
        return iter(sorted(self.regs.values(), key=lambda r: r.key))

    def __len__(self) -> int:
        return len(self.regs)
