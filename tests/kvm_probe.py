"""Generated guest programs for the hypervisor's tests on the simulated CPU.

A probe runs a list of A32 words in Non-secure SVC mode under the modelled hypervisor: the words are
written at :data:`CODE` (after the guest ELF is loaded), followed by a semihosting exit; the vector table at
:data:`VECTORS` (the guest's VBAR) counts an Undefined Instruction exception in r11 and returns past the
instruction (``ADD r11, r11, #1; MOVS PC, LR``: B1.9.7, LR_und = the instruction + 4), and any other
exception exits with status 0x7F.  Encodings are written from the manual's diagrams (A8.8.x cited).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import List, Mapping, Optional, Sequence

from armsim.kvm import VM, Hypervisor, KvmTracer, VmResult

KVM = Path(__file__).resolve().parents[1] / "examples" / "guests" / "kvm"
CODE = 0x00200000
VECTORS = 0x00210000
RESULTS = 0x00220000  # r10 points here: STR r2, [r10], #4 appends a result

SVC_SEMIHOST = 0xEF123456  # A8.8.228 SVC #0x123456 (the A32 semihosting call)
MOVS_PC_LR = 0xE1B0F00E  # A8.8.105 MOVS PC, LR (exception return, B9.3.20)
ADD_R11_1 = 0xE28BB001  # A8.8.5 ADD r11, r11, #1
STR_R2_R10 = 0xE48A2004  # A8.8.204 STR r2, [r10], #4 (post-indexed)
HVC0 = 0xE1400070  # B9.3.4 HVC #0
WFI = 0xE320F003  # A8.8.425 WFI
SMC0 = 0xE1600070  # B9.3.14 SMC #0
NOP = 0xE320F000  # A8.8.120 NOP


def movw(rd: int, imm16: int, cond: int = 0xE) -> int:
    """A8.8.102 MOV (immediate) A2: cond 0011 0000 imm4 Rd imm12."""
    return (cond << 28) | 0x03000000 | ((imm16 >> 12) & 0xF) << 16 | rd << 12 | (imm16 & 0xFFF)


def movt(rd: int, imm16: int, cond: int = 0xE) -> int:
    """A8.8.106 MOVT A1: cond 0011 0100 imm4 Rd imm12."""
    return (cond << 28) | 0x03400000 | ((imm16 >> 12) & 0xF) << 16 | rd << 12 | (imm16 & 0xFFF)


def load_const(rd: int, value: int) -> List[int]:
    return [movw(rd, value & 0xFFFF), movt(rd, (value >> 16) & 0xFFFF)]


def exit_words(status: int = 0) -> List[int]:
    """SYS_EXIT_EXTENDED (0x20) with {ADP_Stopped_ApplicationExit, status} stored at RESULTS - 8."""
    block = RESULTS - 8
    return (load_const(3, 0x20026) + load_const(4, block) + [0xE5843000]  # STR r3, [r4]
            + load_const(3, status) + [0xE5843004]  # STR r3, [r4, #4]
            + [movw(0, 0x20), 0xE1A01004, SVC_SEMIHOST])  # MOV r1, r4


def vector_words() -> List[int]:
    """Eight vectors: +0x04 counts an UNDEF and skips the instruction; the others exit 0x7F."""
    out = []
    far = 0x40  # each non-UNDEF vector branches to the exit code at VECTORS + 0x40
    for i in range(8):
        if i == 1:
            out.append(0xEA000000 | ((0x20 - 0x04 - 8) >> 2))  # B VECTORS + 0x20
        else:
            out.append(0xEA000000 | (((far - 4 * i - 8) >> 2) & 0xFFFFFF))
    out += [ADD_R11_1, MOVS_PC_LR] + [NOP] * 6  # VECTORS + 0x20
    out += exit_words(0x7F)  # VECTORS + 0x40
    return out


def probe_vm(words: Sequence[int], policy: str = "lazy", cpu: str = "cortex-a15", host_debug: str = "idle",
             tracer: Optional[KvmTracer] = None, host_values: Optional[Mapping[str, int]] = None) -> VM:
    """A VM whose guest runs ``words`` then exits with status 0 (the phases guest's ELF provides the image).

    ``host_values`` replaces the ``host_debug`` preset: the host's debug register values, by name.
    """
    hv = Hypervisor(cpu=cpu, debug_policy=policy, host_debug=host_debug, tracer=tracer, stdout=False, stderr=False)
    if host_values is not None:
        hv.host_values = dict(host_values)
    vm = hv.create_vm(KVM / "phases.elf")
    mem = vm.machine.mem
    body = [*list(load_const(10, RESULTS)), movw(11, 0), *list(words), *exit_words(0)]
    mem.write_bytes(CODE, struct.pack(f"<{len(body)}I", *body))
    vec = vector_words()
    mem.write_bytes(VECTORS, struct.pack(f"<{len(vec)}I", *vec))
    vm.vcpu.ctx.regs[15] = CODE
    vm.vcpu.set_cp15("VBAR", VECTORS)
    return vm


def run_probe(words: Sequence[int], policy: str = "lazy", **kw: object) -> VmResult:
    vm = probe_vm(words, policy, **kw)  # type: ignore[arg-type]
    return vm.run(1_000_000)


def results(vm: VM, n: int) -> List[int]:
    """The first ``n`` words the probe stored with STR r2, [r10], #4."""
    return list(struct.unpack(f"<{n}I", vm.machine.mem.read_bytes(RESULTS, 4 * n)))
