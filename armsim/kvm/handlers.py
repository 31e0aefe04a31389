"""Trap handlers and reset functions of the trap-table rows (Linux arch/arm/kvm/coproc.c; reference 8).

Every access function has the row signature ``access(vcpu, params, row) -> bool``:
True means emulated (the instruction is skipped), False means inject UNDEF.
Reads complete through :meth:`VCPU.emulate_read` (Rt, and Rt2 for MRRC).

| Handler | Read | Write |
|---|---|---|
| :func:`trap_raz_wi` | 0 | ignored |
| :func:`trap_debug32` | shadow[reg] | shadow[reg] <- value (the register's write view); dirty |
| :func:`trap_dbgidr` | the profile's DBGDIDR | ignored |
| :func:`trap_dscr_int` | the shadow DBGDSCR | ignored (read-only) |
| :func:`trap_oslar` | -- | OS Lock <- (value == 0xC5ACCE55) |
| :func:`trap_oslsr` | OSLM = 0b10, OSLK = the guest's lock | ignored |
| :func:`trap_dbgauthstatus` | 0xFF | ignored |
| :func:`access_vm_reg` | shadow[reg] | shadow[reg] <- value (HCR.TVM traps writes) |
| :func:`access_dcsw` | -- (UNDEF) | done (no caches are modelled) |
| :func:`access_const` | row.val | ignored (ACTLR, L2CTLR, L2ECTLR) |

:func:`read_zero` is the RAZ_WI policy's table-less handler: it sets Rt only,
leaving Rt2 of an MRRC unchanged (the arm32 ``read_zero`` quirk, reference 8).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from armsim.kvm.coproc_table import CoprocParams, CoprocReg
from armsim.kvm.layouts import DBGAUTHSTATUS_VALUE, DBGOSLSR_OSLK, DBGOSLSR_OSLM, OSLAR_KEY

if TYPE_CHECKING:
    from armsim.kvm.vcpu import VCPU

MASK32 = 0xFFFFFFFF
MASK64 = (1 << 64) - 1


def trap_raz_wi(vcpu: VCPU, p: CoprocParams, r: CoprocReg) -> bool:
    """Read as zero, write ignored (coproc.c ``trap_raz_wi``, once ``pm_fake``)."""
    if not p.is_write:
        vcpu.emulate_read(p, 0)
    return True


def read_zero(vcpu: VCPU, p: CoprocParams) -> bool:
    """The merged fix's handler for every CP14 trap: Rt <- 0 (Rt2 of an MRRC unchanged); writes ignored."""
    if not p.is_write:
        vcpu.set_reg(p.Rt1, 0)
    return True


def trap_debug32(vcpu: VCPU, p: CoprocParams, r: CoprocReg) -> bool:
    """A shadow-backed debug register (arm64 ``trap_debug32``): a write marks the debug state dirty.

    The shadow keeps the register's write view (``vcpu.tables.cp14_mask[reg]``, the bits a PL1
    write changes, :func:`armsim.kvm.layouts.write_mask`), so a value read back is what the
    hardware would hold.
    """
    if p.is_write:
        mask = vcpu.tables.cp14_mask[r.reg]
        vcpu.cp14[r.reg] = (vcpu.cp14[r.reg] & ~mask) | (p.value & mask)
        vcpu.debug_dirty = True
    else:
        vcpu.emulate_read(p, vcpu.cp14[r.reg])
    return True


def trap_dbgidr(vcpu: VCPU, p: CoprocParams, r: CoprocReg) -> bool:
    """DBGDIDR reads the profile's value (choice, reference 8): the guest sees the implemented pairs."""
    if not p.is_write:
        vcpu.emulate_read(p, vcpu.profile.dbgdidr)
    return True


def trap_dscr_int(vcpu: VCPU, p: CoprocParams, r: CoprocReg) -> bool:
    """DBGDSCRint reads the guest's DBGDSCR shadow (choice: the internal view reads the same value,
    reference 6; arm64 makes it RAZ).  A guest that sets MDBGen via DBGDSCRext reads it back here."""
    if not p.is_write:
        vcpu.emulate_read(p, vcpu.get_cp14("DBGDSCRext"))
    return True


def trap_oslar(vcpu: VCPU, p: CoprocParams, r: CoprocReg) -> bool:
    """C11.11 DBGOSLAR: the key 0xC5ACCE55 sets the guest's OS Lock, any other value clears it."""
    if p.is_write:
        vcpu.oslk = int((p.value & MASK32) == OSLAR_KEY)
    return True


def trap_oslsr(vcpu: VCPU, p: CoprocParams, r: CoprocReg) -> bool:
    """C11.11 DBGOSLSR: OSLM = 0b10, OSLK = the guest's lock (0 after reset: arm64 reports 1 << 3)."""
    if not p.is_write:
        vcpu.emulate_read(p, DBGOSLSR_OSLM | (DBGOSLSR_OSLK if vcpu.oslk else 0))
    return True


def trap_dbgauthstatus(vcpu: VCPU, p: CoprocParams, r: CoprocReg) -> bool:
    """DBGAUTHSTATUS reads 0xFF (choice, reference 8: every authentication signal high)."""
    if not p.is_write:
        vcpu.emulate_read(p, DBGAUTHSTATUS_VALUE)
    return True


def access_vm_reg(vcpu: VCPU, p: CoprocParams, r: CoprocReg) -> bool:
    """A CP15 register of the VM's context (HCR.TVM traps writes, B1.14.13): the shadow.

    A 32-bit access to a register with a 64-bit shadow (TTBR0, TTBR1, PAR) reaches its low word
    (B4.1.154 TTBR0: the 32-bit form is TTBR0[31:0]; choice: the high word is kept).
    """
    slot = r.reg
    wide = vcpu.tables.cp15_wide[slot]
    if p.is_write:
        if r.is_64 or not wide:
            vcpu.cp15[slot] = p.value & (MASK64 if r.is_64 else MASK32)
        else:
            vcpu.cp15[slot] = (vcpu.cp15[slot] & ~MASK32) | (p.value & MASK32)
    else:
        value = vcpu.cp15[slot]
        vcpu.emulate_read(p, value if r.is_64 else value & MASK32)
    return True


def access_dcsw(vcpu: VCPU, p: CoprocParams, r: CoprocReg) -> bool:
    """DC ISW/CSW/CISW (HCR.TSW): write-only operations; no caches are modelled, so done."""
    return p.is_write


def access_const(vcpu: VCPU, p: CoprocParams, r: CoprocReg) -> bool:
    """A read-only implementation register (ACTLR under HCR.TAC, L2CTLR/L2ECTLR under HCR.TIDCP):
    reads ``row.val``, writes ignored (coproc_a15.c ``access_actlr``, coproc.c ``access_l2ctlr``)."""
    if not p.is_write:
        vcpu.emulate_read(p, r.val)
    return True


# -- reset functions ----------------------------------------------------------------------
def reset_cp14_val(vcpu: VCPU, r: CoprocReg) -> None:
    """CP14 shadow slot ``r.reg`` <- ``r.val`` (choice, reference 8: the debug shadows reset to 0)."""
    vcpu.cp14[r.reg] = r.val


def reset_cp15_val(vcpu: VCPU, r: CoprocReg) -> None:
    """CP15 shadow slot ``r.reg`` <- ``r.val`` (coproc.h ``reset_val``)."""
    vcpu.cp15[r.reg] = r.val
