"""CPU profiles: identification registers and debug resources of the modelled cores.

Sources (see ../shared/reference/kvm-arm-debug.md beside the repository, DBGDIDR):
Cortex-A15 TRM (DDI 0438C) MIDR and DBGDIDR, Cortex-A7 TRM (DDI 0464) MIDR and
DBGDIDR.  Both cores implement 6 breakpoint register pairs (the two highest
context-matching capable), 4 watchpoint register pairs and v7.1 debug.

MIDR (B4.1.105): Implementer[31:24] = 0x41 'A', Variant[23:20],
Architecture[19:16] = 0xF (CPUID scheme), PartNum[15:4], Revision[3:0].
DBGDIDR (C11.11.15): WRPs[31:28] and BRPs[27:24] (count - 1), CTX_CMPs[23:20]
(count - 1), Version[19:16] (5 = v7.1), DEVID_imp[15], nSUHD_imp[14],
PCSR_imp[13], SE_imp[12], Variant[7:4] and Revision[3:0] as in the MIDR.

Timing tables per cost class live in :mod:`armsim.timing.tables` (with their
sources); each profile names its table.  The generic profile is not a real part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Union

from armsim.errors import ConfigError
from armsim.timing.tables import CORTEX_A7, CORTEX_A15, GENERIC, TimingTable


@dataclass(frozen=True)
class Features:
    """Architecture features of a core (each agrees with its ID registers, see tests)."""

    virtualization: bool = True  # ID_PFR1.Virtualization (B4.1.94)
    security: bool = True  # ID_PFR1.Security
    lpae: bool = True  # ID_MMFR0.VMSA = 0b0101 (B4.1.89)
    sdiv_udiv: bool = True  # ID_ISAR0.Divide_instrs = 0b0010: ARM and Thumb (B4.1.84)
    vfp: str = "VFPv4-D32"  # MVFR0 (not modelled: no VFP instructions yet)
    neon: bool = True  # MVFR1 (not modelled)


@dataclass(frozen=True)
class CpuProfile:
    """What distinguishes one modelled core from another."""

    name: str
    midr: int
    dbgdidr: int
    brps: int  # breakpoint register pairs
    wrps: int  # watchpoint register pairs
    ctx_cmps: int  # context-matching capable breakpoints (the highest-numbered ones)
    description: str
    # CP15 identification registers (B4.1: ID_PFR0 ... CCSIDR per CSSELR), name -> value.
    ids: Mapping[str, int] = field(default_factory=dict)
    # C11.11 DBGDEVID / DBGDEVID1 (Cortex-A7 TRM DDI 0464F 10.4.21; QEMU's A15/A7 models).
    dbgdevid: int = 0x01110F13
    dbgdevid1: int = 0
    features: Features = field(default_factory=lambda: Features())
    timing: TimingTable = GENERIC

    @property
    def variant(self) -> int:
        return (self.midr >> 20) & 0xF

    @property
    def revision(self) -> int:
        return self.midr & 0xF

    @property
    def part_number(self) -> int:
        return (self.midr >> 4) & 0xFFF

    @property
    def rev_name(self) -> str:
        """"r2p1" style revision name."""
        return f"r{self.variant}p{self.revision}"


PROFILES: Dict[str, CpuProfile] = {
    p.name: p
    for p in (
        CpuProfile(
            name="cortex-a15",
            midr=0x412FC0F1,  # r2p1
            dbgdidr=0x3515F021,
            brps=6,
            wrps=4,
            ctx_cmps=2,
            description="ARM Cortex-A15 r2p1 (ARMv7-A, Virtualization and Security Extensions, v7.1 debug)",
            # Cortex-A15 TRM (DDI 0438) chapter 4 reset values.
            ids={
                "CTR": 0x8444C004, "TCMTR": 0, "TLBTR": 0, "MPIDR": 0x80000000, "REVIDR": 0,
                "ID_PFR0": 0x00001131, "ID_PFR1": 0x00011011, "ID_DFR0": 0x02010555, "ID_AFR0": 0,
                "ID_MMFR0": 0x10201105, "ID_MMFR1": 0x20000000, "ID_MMFR2": 0x01240000, "ID_MMFR3": 0x02102211,
                "ID_ISAR0": 0x02101110, "ID_ISAR1": 0x13112111, "ID_ISAR2": 0x21232041, "ID_ISAR3": 0x11112131,
                "ID_ISAR4": 0x10011142, "ID_ISAR5": 0, "CLIDR": 0x0A200023, "AIDR": 0,
                "CCSIDR0": 0x701FE00A, "CCSIDR1": 0x201FE00A,
                # B4.1.19 CCSIDR of the L2: Cortex-A15 TRM (DDI 0438E) 7.1 "About the L2 memory system":
                # 512 KB, 1, 2 or 4 MB, 16-way, 64-byte lines.  We model the 2 MB configuration (2048 sets).
                # (QEMU's 0x711FE07A decodes to 2304 sets, 2.25 MB: no configuration the TRM lists.)
                "CCSIDR2": 0x70FFE07A,
            },
            features=Features(),  # Cortex-A15 TRM 1.2: Virtualization, Security, LPAE, IDIV, VFPv4, NEON
            timing=CORTEX_A15,
        ),
        CpuProfile(
            name="cortex-a7",
            midr=0x410FC075,  # r0p5
            dbgdidr=0x3515F005,
            brps=6,
            wrps=4,
            ctx_cmps=2,
            description="ARM Cortex-A7 r0p5 (ARMv7-A, Virtualization and Security Extensions, v7.1 debug)",
            # Cortex-A7 TRM (DDI 0464) chapter 4 reset values.
            ids={
                "CTR": 0x84448003, "TCMTR": 0, "TLBTR": 0, "MPIDR": 0x80000000, "REVIDR": 0,
                "ID_PFR0": 0x00001131, "ID_PFR1": 0x00011011, "ID_DFR0": 0x02010555, "ID_AFR0": 0,
                "ID_MMFR0": 0x10101105, "ID_MMFR1": 0x40000000, "ID_MMFR2": 0x01240000, "ID_MMFR3": 0x02102211,
                "ID_ISAR0": 0x02101110, "ID_ISAR1": 0x13112111, "ID_ISAR2": 0x21232041, "ID_ISAR3": 0x11112131,
                "ID_ISAR4": 0x10011142, "ID_ISAR5": 0, "CLIDR": 0x0A200023, "AIDR": 0,
                # B4.1.19 CCSIDR, Cortex-A7 TRM (DDI 0464F) 6.1 / 4.3.x: the L1 D-cache is 4-way with
                # 64-byte lines (32 KB: 128 sets), the L1 I-cache 2-way with 32-byte lines (32 KB: 512 sets).
                "CCSIDR0": 0x700FE01A, "CCSIDR1": 0x203FE009,
                # The L2 (Cortex-A7 TRM, DDI 0464F, 7.1 "About the L2 memory system"): 128 KB to 1 MB,
                # 8-way, 64-byte lines; we model 512 KB (1024 sets).  (0x707FE07A said 16 ways, 1 MB.)
                "CCSIDR2": 0x707FE03A,
            },
            dbgdevid1=1,
            features=Features(),  # Cortex-A7 TRM 1.2: Virtualization, Security, LPAE, IDIV, VFPv4, NEON
            timing=CORTEX_A7,
        ),
        CpuProfile(
            # Not a real part: PartNum 0x000 marks armsim's generic single-issue in-order core.
            # Its ID registers are the Cortex-A15's (the same architecture features).
            name="generic",
            midr=0x410F0000,
            dbgdidr=0x3515F000,
            brps=6,
            wrps=4,
            ctx_cmps=2,
            description="generic ARMv7-A single-issue in-order core (Virtualization and Security Extensions, "
                        "v7.1 debug; round-number timing)",
            ids={
                "CTR": 0x8444C004, "TCMTR": 0, "TLBTR": 0, "MPIDR": 0x80000000, "REVIDR": 0,
                "ID_PFR0": 0x00001131, "ID_PFR1": 0x00011011, "ID_DFR0": 0x02010555, "ID_AFR0": 0,
                "ID_MMFR0": 0x10201105, "ID_MMFR1": 0x20000000, "ID_MMFR2": 0x01240000, "ID_MMFR3": 0x02102211,
                "ID_ISAR0": 0x02101110, "ID_ISAR1": 0x13112111, "ID_ISAR2": 0x21232041, "ID_ISAR3": 0x11112131,
                "ID_ISAR4": 0x10011142, "ID_ISAR5": 0, "CLIDR": 0x0A200023, "AIDR": 0,
                "CCSIDR0": 0x701FE00A, "CCSIDR1": 0x201FE00A, "CCSIDR2": 0x70FFE07A,
            },
            timing=GENERIC,
        ),
    )
}

DEFAULT_CPU = "cortex-a15"


def profile_names() -> List[str]:
    return sorted(PROFILES)


def get_profile(name: Union[str, CpuProfile]) -> CpuProfile:
    """The profile called ``name`` (case-insensitive); ConfigError lists the valid names.

    A :class:`CpuProfile` is returned as it is (a derived profile, e.g. with other debug
    resources: :func:`armsim.debug.registers.with_pairs`)."""
    if isinstance(name, CpuProfile):
        return name
    key = name.strip().lower() if isinstance(name, str) else name
    try:
        return PROFILES[key]
    except (KeyError, TypeError):
        raise ConfigError(f"unknown CPU {name!r} (valid: {', '.join(profile_names())})") from None
