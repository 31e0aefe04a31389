"""Load/store addresses for the D-cache model, computed before the op runs (A8.8 address pseudocode).

The pipeline level's optional L1 D-cache needs the address an access uses;
the op has changed the registers (writeback, a loaded base) by the time it
returns, so :func:`effective_address` builds a closure the timing wrapper
calls *before* the op.  It covers the addressing forms A8.8 uses for
LDR/STR (immediate, register with LSL #n, literal; pre- and post-indexed),
the halfword/doubleword forms, LDREX/STREX, SWP and LDM/STM (the lowest
address, A8.8.57-A8.8.60, B9.3.6, B9.3.10).  A register offset shifted other
than LSL is taken unshifted (an approximation of which line is touched).
Other instructions return None (no data access modelled).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

MASK32 = 0xFFFFFFFF

Address = Callable[[], int]


def effective_address(name: str, fields: Dict[str, int], info: Any, regs: List[int]) -> Optional[Address]:
    """A closure returning the (lowest) address the instruction accesses, or None."""
    base = name.split(" ", 1)[0]
    if base.startswith(("LDM", "STM")) or base in ("SRS", "RFE"):
        if "Rn" not in fields:
            return None
        n = fields["Rn"]
        count = bin(fields.get("register_list", 0b11)).count("1")
        if "DB" in base or "DA" in base:
            off = -4 * count + (4 if "DA" in base else 0)
        elif "IB" in base:
            off = 4
        elif "P" in fields:  # the (User registers) / (exception return) forms: P and U bits
            p, u = fields["P"], fields.get("U", 1)
            off = (4 if p else 0) if u else (-4 * count + (0 if p else 4))
        else:
            off = 0

        def ea_multiple() -> int:
            return (regs[n] + off) & MASK32

        return ea_multiple
    if not (base.startswith(("LDR", "STR")) or base == "SWP,"):
        return None
    if "imm12" in fields:
        imm = fields["imm12"]
    elif "imm4H" in fields:
        imm = fields["imm4H"] << 4 | fields["imm4L"]
    else:
        imm = None
    u = fields.get("U", 1)
    pre = fields.get("P", 1) and not base.endswith("T")  # LDRT/STRT are post-indexed
    if "Rn" not in fields:  # literal: Align(PC, 4) +/- imm
        if imm is None:
            return None
        addr = ((info.pcv & ~3) + (imm if u else -(imm or 0))) & MASK32

        def ea_literal() -> int:
            return addr

        return ea_literal
    n = fields["Rn"]
    if not pre or base.startswith(("LDREX", "STREX")) or base == "SWP,":

        def ea_base() -> int:
            return regs[n]

        return ea_base
    if imm is not None:
        off = imm if u else -imm

        def ea_imm() -> int:
            return (regs[n] + off) & MASK32

        return ea_imm
    m = fields["Rm"]
    sh = fields.get("imm5", 0) if fields.get("type", 0) == 0 else 0
    if u:

        def ea_reg_add() -> int:
            return (regs[n] + (regs[m] << sh)) & MASK32

        return ea_reg_add

    def ea_reg_sub() -> int:
        return (regs[n] - (regs[m] << sh)) & MASK32

    return ea_reg_sub


__all__ = ["effective_address"]
