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

Cycle costs per operation class will be added here with the timing model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

from armsim.errors import ConfigError


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
        ),
        CpuProfile(
            name="cortex-a7",
            midr=0x410FC075,  # r0p5
            dbgdidr=0x3515F005,
            brps=6,
            wrps=4,
            ctx_cmps=2,
            description="ARM Cortex-A7 r0p5 (ARMv7-A, Virtualization and Security Extensions, v7.1 debug)",
        ),
    )
}

DEFAULT_CPU = "cortex-a15"


def profile_names() -> List[str]:
    return sorted(PROFILES)


def get_profile(name: str) -> CpuProfile:
    """The profile called ``name`` (case-insensitive); ConfigError lists the valid names."""
    key = name.strip().lower() if isinstance(name, str) else name
    try:
        return PROFILES[key]
    except (KeyError, TypeError):
        raise ConfigError(f"unknown CPU {name!r} (valid: {', '.join(profile_names())})") from None
