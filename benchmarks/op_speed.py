"""Per-operation speed: CPU nanoseconds per instruction on the interpreter and in translated blocks.

Each case is one A32 instruction (or a short group) repeated to fill a block,
closed by ``SUBS r12, r12, #1; BNE loop``; the loop runs on
:class:`~armsim.exec.engine.Engine` (one op call per instruction) and on
:class:`~armsim.exec.blocks.BlockEngine` (the operations' templates inlined
into one function per block), timing off.  The figure is CPU time
(``time.process_time``) per executed instruction, the loop's two instructions
included.  Usage: ``python benchmarks/op_speed.py [--insns N] [--only NAME ...]``.
"""

from __future__ import annotations

import argparse
import struct
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from armsim.coproc.bus import CoprocessorBus
from armsim.cpu.exceptions import ExceptionModel
from armsim.cpu.state import CPUState
from armsim.exec.blocks import BlockEngine
from armsim.exec.engine import Engine
from armsim.isa.contract import ExecContext
from armsim.memory import Memory

CODE = 0x1000
DATA = 0x8000
RAM = 1 << 16
REPEAT = 30  # instructions (or groups) per loop body: one block with the loop's SUBS, BNE

# name -> instruction words (r0-r7 free, r11 = DATA, r12 the loop counter).
CASES: Dict[str, List[int]] = {
    "ADD r0, r1, r2": [0xE0810002],
    "MUL r0, r1, r2": [0xE0000291],
    "MLAS r0, r1, r2, r3": [0xE0303291],
    "UMULL r0, r1, r2, r3": [0xE0810392],
    "SMLAL r0, r1, r2, r3": [0xE0E10392],
    "SMLABT r0, r1, r2, r3": [0xE10030C1],
    "SMLAD r0, r1, r2, r3": [0xE7003211],
    "SMMUL r0, r1, r2": [0xE750F211],
    "SDIV r0, r1, r2": [0xE710F211],
    "QADD r0, r1, r2": [0xE1020051],
    "SADD16 r0, r1, r2": [0xE6110F12],
    "UQSUB8 r0, r1, r2": [0xE6610FF2],
    "SHASX r0, r1, r2": [0xE6310F32],
    "SXTB r0, r1": [0xE6AF0071],
    "UXTAH r0, r1, r2, ROR #8": [0xE6F10472],
    "UXTB16 r0, r1": [0xE6CF0071],
    "SSAT r0, #16, r1": [0xE6AF0011],
    "USAT16 r0, #8, r1": [0xE6E80F31],
    "SEL r0, r1, r2": [0xE6810FB2],
    "REV r0, r1": [0xE6BF0F31],
    "RBIT r0, r1": [0xE6FF0F31],
    "CLZ r0, r1": [0xE16F0F11],
    "USADA8 r0, r1, r2, r3": [0xE7803211],
    "UBFX r0, r1, #4, #8": [0xE7E70251],
    "BFI r0, r1, #4, #8": [0xE7CB0211],
    "PKHBT r0, r1, r2, LSL #8": [0xE6810412],
    "LDRH r0, [r11, #2]": [0xE1DB00B2],
    "LDRD r0, r1, [r11, #8]": [0xE1CB00D8],
    "STRD r2, r3, [r11, #16]": [0xE1CB21F0],
    "LDREX r0, [r11]; STREX r1, r2, [r11]": [0xE19B0F9F, 0xE18B1F92],
    "SWP r0, r1, [r11]": [0xE10B0091],
}


def _machine(engine_cls: type, words: Sequence[int], iterations: int) -> Tuple[Engine, CPUState]:
    cpu = CPUState()
    mem = Memory()
    mem.map_ram(0, RAM)
    ctx = ExecContext(cpu, mem, ExceptionModel(cpu), CoprocessorBus())
    cpu.sctlr |= 1 << 10  # SCTLR.SW: SWP enabled (B4.1.130)
    eng: Engine = engine_cls(ctx)
    body = list(words) * REPEAT
    body += [0xE25CC001]  # SUBS r12, r12, #1
    body += [0x1A000000 | ((-len(body) - 2) & 0xFFFFFF)]  # BNE loop
    body += [0xEAFFFFFE]  # B .
    mem.load(CODE, struct.pack(f"<{len(body)}I", *body))
    for r in range(8):
        cpu.regs[r] = 0x01234567 * (r + 3) & 0xFFFFFFFF
    cpu.regs[11] = DATA
    cpu.regs[12] = iterations
    cpu.regs[15] = CODE
    eng.flush()
    return eng, cpu


def measure(words: Sequence[int], insns: int, repeat: int = 3) -> Tuple[float, float]:
    """(interpreter ns, block ns) per instruction, the best of ``repeat`` runs."""
    per_loop = len(words) * REPEAT + 2
    iterations = max(1, insns // per_loop)
    out = []
    for cls in (Engine, BlockEngine):
        best = float("inf")
        for _ in range(repeat):
            eng, _ = _machine(cls, words, iterations + 20)
            eng.run(20 * per_loop)  # warm up: decode, translate
            t0 = time.process_time()
            eng.run(iterations * per_loop)
            best = min(best, (time.process_time() - t0) / (iterations * per_loop) * 1e9)
        out.append(best)
    return out[0], out[1]


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--insns", type=int, default=300_000, help="instructions per case and engine")
    ap.add_argument("--only", nargs="*", help="case names starting with these words")
    ap.add_argument("--repeat", type=int, default=3, help="runs per case and engine (the best is shown)")
    args = ap.parse_args(argv)
    print(f"{'case':40} {'interp ns':>10} {'block ns':>10}")
    for name, words in CASES.items():
        if args.only and not any(name.startswith(o) for o in args.only):
            continue
        ti, tb = measure(words, args.insns, args.repeat)
        print(f"{name:40} {ti:10.1f} {tb:10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
