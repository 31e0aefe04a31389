"""A small machine and A32 encoders for the debug-architecture tests."""

from __future__ import annotations

import struct
from typing import Iterable

from armsim import Machine
from armsim.cpu.modes import Mode

CODE = 0x8000
VBAR = 0x1000
DATA = 0x9000
NOP = 0xE320F000
SUBS_PC_LR_4 = 0xE25EF004  # SUBS PC, LR, #4 (return from a Prefetch Abort, B1.9.8)
SUBS_PC_LR_8 = 0xE25EF008  # SUBS PC, LR, #8 (re-execute after a Data Abort, B1.9.9)
BKPT0 = 0xE1200070
UDF = 0xE7F000F0
MDBGEN = 1 << 15

# Vector offsets (Table B1-3).
UNDEF_VEC = VBAR + 0x04
PABT_VEC = VBAR + 0x0C
DABT_VEC = VBAR + 0x10


def mov(rd: int, imm8: int) -> int:
    return 0xE3A00000 | (rd << 12) | imm8


def movw(rd: int, imm16: int) -> int:
    return 0xE3000000 | ((imm16 >> 12) << 16) | (rd << 12) | (imm16 & 0xFFF)


def movt(rd: int, imm16: int) -> int:
    return 0xE3400000 | ((imm16 >> 12) << 16) | (rd << 12) | (imm16 & 0xFFF)


def str_(rt: int, rn: int, imm12: int = 0) -> int:
    return 0xE5800000 | (rn << 16) | (rt << 12) | imm12


def ldr(rt: int, rn: int, imm12: int = 0) -> int:
    return 0xE5900000 | (rn << 16) | (rt << 12) | imm12


def strt(rt: int, rn: int) -> int:
    """STRT Rt, [Rn], #0 (A8.8.220 encoding A1, U = 1)."""
    return 0xE4A00000 | (rn << 16) | (rt << 12)


def ldrd(rt: int, rn: int) -> int:
    """LDRD Rt, Rt+1, [Rn] (A8.8.72 encoding A1)."""
    return 0xE1C000D0 | (rn << 16) | (rt << 12)


def branch(src: int, dst: int) -> int:
    return 0xEA000000 | (((dst - src - 8) >> 2) & 0xFFFFFF)


def mcr14(t: int, crn: int, crm: int, opc2: int, opc1: int = 0) -> int:
    return 0xEE000010 | (opc1 << 21) | (crn << 16) | (t << 12) | (14 << 8) | (opc2 << 5) | crm


def mrc14(t: int, crn: int, crm: int, opc2: int, opc1: int = 0) -> int:
    return mcr14(t, crn, crm, opc2, opc1) | (1 << 20)


def mrrc14(t: int, t2: int, crm: int, opc1: int = 0) -> int:
    return 0xEC500000 | (t2 << 16) | (t << 12) | (14 << 8) | (opc1 << 4) | crm


def mcrr14(t: int, t2: int, crm: int) -> int:
    return 0xEC400000 | (t2 << 16) | (t << 12) | (14 << 8) | crm


def ldc14(crd: int, n: int) -> int:
    """LDC p14, c<crd>, [Rn] (offset form, imm8 = 0)."""
    return 0xED900000 | (n << 16) | (crd << 12) | (14 << 8)


def stc14(crd: int, n: int) -> int:
    return ldc14(crd, n) & ~(1 << 20)


def machine(cpu: str = "cortex-a15", semihosting: bool = False) -> Machine:
    """1 MiB of RAM at 0, VBAR = 0x1000 with a NOP at every vector, Secure SVC."""
    m = Machine(cpu=cpu, ram=(0, 1 << 20), semihosting=semihosting, stdout=False, stderr=False)
    load(m, VBAR, [NOP] * 8)
    m.cpu.vbar = VBAR
    return m


def load(m: Machine, addr: int, words: Iterable[int]) -> None:
    ws = list(words)
    m.mem.load(addr, struct.pack(f"<{len(ws)}I", *ws))


def enable_monitor_debug(m: Machine) -> None:
    """C11.11: clear the OS Lock (DBGOSLAR) and set DBGDSCRext.MDBGen, as Linux does."""
    d = m.debug_regs
    d.by_name("DBGOSLAR").write(0)
    d.by_name("DBGDSCRext").write(MDBGEN)


def set_reg(m: Machine, name: str, value: int) -> None:
    m.debug_regs.by_name(name).write(value)


def run(m: Machine, pc: int, steps: int, mode: int = Mode.SVC, ns: bool = False) -> None:
    cpu = m.cpu
    cpu.scr_ns = int(ns)
    cpu.set_mode(int(mode))
    cpu.regs[15] = pc
    cpu.T = 0
    m.run(steps)
