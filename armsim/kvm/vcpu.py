"""The guest's virtual CPU: saved core registers, CP15 and CP14 shadows, debug flags (Linux ``struct kvm_vcpu_arch``).

While the guest is out of the CPU (between an exit and the next entry) its core
registers live in ``ctx``, a :class:`~armsim.cpu.state.CPUState` used as a
saved context, so handlers see the guest's banked view (``ctx.regs`` is the
view of the guest's current mode).  ``cp15`` and ``cp14`` are flat shadows
indexed by the ``reg`` field of the trap-table rows (index 0 = none), as
``vcpu->arch.cp15[]`` and the series' ``vcpu->arch.cp14[]``.

Debug state (reference section 2): ``debug_dirty`` is set by a trapped write
of a shadow-backed debug register and consulted at the next entry;
``debug_switched`` says whether the current run holds the guest's debug
registers in hardware (the exit then switches them back and clears dirty).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional

from armsim.cpu.modes import Mode
from armsim.cpu.state import CPUState
from armsim.kvm.coproc_table import CoprocParams
from armsim.kvm.layouts import DBGDSCR_MDBGEN
from armsim.timing.profiles import CpuProfile

if TYPE_CHECKING:
    from armsim.kvm.tables import VcpuTables

MASK32 = 0xFFFFFFFF

# SCTLR bits read by UNDEF injection (B4.1.130): TE 30, EE 25, V 13.
_SCTLR_TE = 30
_SCTLR_EE = 25
_SCTLR_V = 1 << 13
_UND = int(Mode.UND)


def ITAdvance(it: int) -> int:
    """A2.5.2 ITAdvance(): the ITSTATE after one instruction of an IT block."""
    if it & 0x7 == 0:
        return 0
    return (it & 0xE0) | ((it << 1) & 0x1F)


class VCPU:
    """One virtual CPU of a VM."""

    def __init__(self, profile: CpuProfile, tables: VcpuTables) -> None:
        self.profile = profile
        self.tables = tables
        self.ctx = CPUState()
        self.cp14: List[int] = [0] * tables.cp14_slots
        self.cp15: List[int] = [0] * tables.cp15_slots
        self.debug_dirty = False
        self.debug_switched = False
        self.oslk = 0  # the guest's OS Lock (DBGOSLAR/DBGOSLSR emulation)
        self.hsr = 0  # syndrome of the last exit
        self.runs = 0
        self.reset()

    # -- reset ---------------------------------------------------------------------------
    def reset(self) -> None:
        """Reset every shadow through the tables' reset functions (Linux ``kvm_reset_coprocs``)."""
        self.tables.reset(self)
        self.debug_dirty = False
        self.debug_switched = False
        self.oslk = 0

    # -- named shadow access ---------------------------------------------------------------
    def cp14_index(self, name: str) -> int:
        return self.tables.cp14_index[name]

    def get_cp14(self, name: str) -> int:
        return self.cp14[self.tables.cp14_index[name]]

    def set_cp14(self, name: str, value: int) -> None:
        self.cp14[self.tables.cp14_index[name]] = value & MASK32

    def get_cp15(self, name: str) -> int:
        return self.cp15[self.tables.cp15_index[name]]

    def set_cp15(self, name: str, value: int) -> None:
        self.cp15[self.tables.cp15_index[name]] = value

    @property
    def mdbgen(self) -> bool:
        """The guest's DBGDSCR.MDBGen, as its shadow holds it."""
        return bool(self.cp14[self.tables.cp14_index["DBGDSCRext"]] & DBGDSCR_MDBGEN)

    def shadow(self) -> Dict[str, int]:
        """Every CP14 shadow register by name (for tests and reports)."""
        return {n: self.cp14[i] for n, i in self.tables.cp14_index.items()}

    # -- core register access by the handlers ----------------------------------------------
    def get_reg(self, n: int) -> int:
        return self.ctx.regs[n]

    def set_reg(self, n: int, value: int) -> None:
        self.ctx.regs[n] = value & MASK32

    def emulate_read(self, p: CoprocParams, value: int) -> None:
        """Complete a trapped read: Rt <- value[31:0]; for MRRC also Rt2 <- value[63:32].

        MRC with Rt = 15 writes APSR.NZCV from value[31:28] (A8.8.108 MRC, ``APSR_nzcv``).
        """
        if p.Rt1 == 15 and not p.is_64:
            self.ctx.flags[0] = (value >> 28) & 0xF
        else:
            self.ctx.regs[p.Rt1] = value & MASK32
        if p.is_64:
            self.ctx.regs[p.Rt2] = (value >> 32) & MASK32

    # -- instruction skip and UNDEF injection -----------------------------------------------
    @property
    def pc(self) -> int:
        return self.ctx.regs[15]

    def skip_instr(self, il: int) -> None:
        """PC += 2 for a 16-bit Thumb instruction (HSR.IL = 0), else 4; advance ITSTATE (``kvm_skip_instr``)."""
        ctx = self.ctx
        size = 2 if ctx.T and not il else 4
        ctx.regs[15] = (ctx.regs[15] + size) & MASK32
        if ctx.IT:
            ctx.IT = ITAdvance(ctx.IT)

    def inject_undef(self, sctlr: Optional[int] = None) -> None:
        """Inject an Undefined Instruction exception into the guest (Linux ``kvm_inject_undefined``, B1.9.7).

        SPSR_und <- CPSR; LR_und <- the instruction + 4 (ARM) or + 2 (Thumb); mode UND; I set;
        IT and J cleared; T <- SCTLR.TE; E <- SCTLR.EE; PC <- (SCTLR.V ? 0xFFFF0000 : VBAR) + 4,
        with the guest's SCTLR and VBAR.
        """
        ctx = self.ctx
        if sctlr is None:
            sctlr = self.get_cp15("SCTLR")
        cpsr = ctx.get_cpsr()
        lr = (ctx.regs[15] + (2 if ctx.T else 4)) & MASK32
        ctx.set_mode(_UND)
        ctx.spsr[_UND] = cpsr
        ctx.regs[14] = lr
        ctx.I = 1
        ctx.IT = 0
        ctx.J = 0
        ctx.T = (sctlr >> _SCTLR_TE) & 1
        ctx.E = (sctlr >> _SCTLR_EE) & 1
        base = 0xFFFF0000 if sctlr & _SCTLR_V else self.get_cp15("VBAR") & 0xFFFFFFE0
        ctx.regs[15] = (base + 4) & MASK32
