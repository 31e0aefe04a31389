"""Run an rdimon ELF under unicorn, with the few semihosting calls newlib makes.

Used by benchmarks/mips.py as the reference emulator (unicorn is QEMU's TCG in a
library).  Only the console and exit are supported: benchmarks use no files.
"""

from __future__ import annotations

import struct
import time
from typing import List, Tuple

from elftools.elf.elffile import ELFFile
from unicorn import UC_ARCH_ARM, UC_HOOK_INTR, UC_MODE_ARM, Uc
from unicorn.arm_const import (
    UC_ARM_REG_CPSR,
    UC_ARM_REG_PC,
    UC_ARM_REG_R0,
    UC_ARM_REG_R1,
    UC_ARM_REG_SP,
)

RAM_SIZE = 128 << 20
SVC_SEMIHOST = 0x123456


class UnicornGuest:
    def __init__(self, path: str) -> None:
        self.uc = Uc(UC_ARCH_ARM, UC_MODE_ARM)
        try:
            from unicorn.arm_const import UC_CPU_ARM_CORTEX_A15

            self.uc.ctl_set_cpu_model(UC_CPU_ARM_CORTEX_A15)
        except (ImportError, AttributeError):
            pass
        self.uc.mem_map(0, RAM_SIZE)
        self.output = bytearray()
        self.exit_code: int = -1
        self.heap_base = 0
        with open(path, "rb") as f:
            elf = ELFFile(f)
            self.entry = elf.header.e_entry
            for seg in elf.iter_segments():
                if seg["p_type"] != "PT_LOAD":
                    continue
                data = seg.data()
                self.uc.mem_write(seg["p_paddr"], data + bytes(seg["p_memsz"] - len(data)))
                self.heap_base = max(self.heap_base, seg["p_paddr"] + seg["p_memsz"])
        self.heap_base = (self.heap_base + 0xFFF) & ~0xFFF
        self.handles: List[int] = []
        self.uc.hook_add(UC_HOOK_INTR, self._intr)

    def _r(self, addr: int, n: int) -> bytes:
        return bytes(self.uc.mem_read(addr, n))

    def _words(self, addr: int, n: int) -> Tuple[int, ...]:
        return struct.unpack(f"<{n}I", self._r(addr, 4 * n))

    def _intr(self, uc: Uc, intno: int, user: object) -> None:
        pc = uc.reg_read(UC_ARM_REG_PC)
        if uc.reg_read(UC_ARM_REG_CPSR) & 0x20:  # Thumb state: SVC 0xAB (A8.8.228 T1)
            ok = struct.unpack("<H", self._r(pc - 2, 2))[0] == 0xDFAB
        else:
            ok = struct.unpack("<I", self._r(pc - 4, 4))[0] & 0x00FFFFFF == SVC_SEMIHOST
        if intno != 2 or not ok:
            raise RuntimeError(f"unexpected exception {intno} at {pc:#x}")
        op = uc.reg_read(UC_ARM_REG_R0)
        arg = uc.reg_read(UC_ARM_REG_R1)
        ret = 0
        if op == 0x01:  # OPEN
            ret = len(self.handles) + 1
            self.handles.append(ret)
        elif op == 0x03:  # WRITEC
            self.output += self._r(arg, 1)
        elif op == 0x04:  # WRITE0
            s = bytearray()
            while True:
                b = self._r(arg + len(s), 1)
                if b == b"\0":
                    break
                s += b
            self.output += s
        elif op == 0x05:  # WRITE
            _h, buf, n = self._words(arg, 3)
            self.output += self._r(buf, n)
            ret = 0
        elif op == 0x09:  # ISTTY
            ret = 1
        elif op in (0x02, 0x0A, 0x13) or op == 0x0C or op in (0x10, 0x11, 0x30, 0x31):  # CLOSE, SEEK, ERRNO
            ret = 0
        elif op == 0x15:  # GET_CMDLINE
            buf, n = self._words(arg, 2)
            uc.mem_write(buf, b"guest\0")
            uc.mem_write(arg + 4, struct.pack("<I", 5))
        elif op == 0x16:  # HEAPINFO
            block = self._words(arg, 1)[0]
            stack_limit = RAM_SIZE - (1 << 20)
            uc.mem_write(block, struct.pack("<4I", self.heap_base, stack_limit, RAM_SIZE, stack_limit))
        elif op == 0x18:  # EXIT
            self.exit_code = 0 if arg == 0x20026 else 1
            uc.emu_stop()
        elif op == 0x20:  # EXIT_EXTENDED
            self.exit_code = self._words(arg, 2)[1]
            uc.emu_stop()
        else:
            ret = 0xFFFFFFFF
        uc.reg_write(UC_ARM_REG_R0, ret)

    def run(self) -> float:
        """Run to the guest's exit; returns wall-clock seconds."""
        self.uc.reg_write(UC_ARM_REG_CPSR, 0x1D3)  # SVC, A/I/F masked, ARM state
        self.uc.reg_write(UC_ARM_REG_SP, RAM_SIZE)
        t0 = time.perf_counter()
        self.uc.emu_start(self.entry, 0xFFFFFFFF)
        return time.perf_counter() - t0
