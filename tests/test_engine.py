"""The run loop: decode cache, invalidation, aborts and limits (DDI 0406C B1.9)."""

from __future__ import annotations

from armsim.cpu.modes import Mode
from armsim.exec.engine import StopReason
from armsim.stop import MAX_REENTRIES, StopKind
from tests.helpers import CODE, TestMachine

MOV_R0_1 = 0xE3A00001  # mov r0, #1
MOV_R0_2 = 0xE3A00002  # mov r0, #2
B_SELF = 0xEAFFFFFE  # b .
LDR_R1_R2 = 0xE5921000  # ldr r1, [r2]


def test_store_into_decoded_code_is_seen() -> None:
    """Self-modifying code: a store over a decoded instruction drops the stale op."""
    m = TestMachine()
    m.load_words([MOV_R0_1, B_SELF])
    m.run(3)
    assert m.regs[0] == 1
    m.mem.write32(CODE, MOV_R0_2)
    m.run(1)
    assert m.regs[0] == 2


def test_instruction_limit_stops_a_loop() -> None:
    m = TestMachine()
    m.load_words([B_SELF])
    reason, msg = m.run(1000)
    assert reason is StopReason.LIMIT and "1,000" in msg
    assert m.engine.instructions == 1000 and m.regs[15] == CODE


def test_fetch_from_unmapped_memory_is_a_prefetch_abort() -> None:
    """B1.9.8: an instruction fetch from an unmapped address takes the Prefetch Abort (LR = addr + 4)."""
    m = TestMachine()
    m.load_words([0xE1A00000], addr=0x0C)  # a handler: nop at the prefetch abort vector
    m.run(1, pc=0x200000)
    assert m.cpu.mode == Mode.ABT
    assert m.regs[14] == 0x200004
    assert m.exc.ifar == 0x200000 and m.exc.ifsr & 0xF == 0b1000


def test_data_abort_b1_9_9() -> None:
    """B1.9.9: a load from unmapped memory takes the Data Abort with LR = addr + 8, DFAR and DFSR set."""
    m = TestMachine()
    m.load_words([LDR_R1_R2])
    m.load_words([B_SELF], addr=0x10)
    m.regs[2] = 0x300000
    m.run(1)
    assert m.cpu.mode == Mode.ABT and m.regs[15] == 0x10
    assert m.regs[14] == CODE + 8
    assert m.exc.dfar == 0x300000 and not m.exc.dfsr & (1 << 11)


def test_handler_that_aborts_on_itself_still_hits_the_limit() -> None:
    """A Data Abort handler whose first instruction aborts again must not hang the run."""
    m = TestMachine()
    m.load_words([LDR_R1_R2])
    m.load_words([LDR_R1_R2], addr=0x10)  # the handler faults the same way
    m.regs[2] = 0x300000
    reason, _ = m.run(500)
    assert reason is StopReason.LIMIT
    assert m.exc.counts["DATA_ABORT"] == 500


def test_handler_that_aborts_on_itself_is_an_exception_loop() -> None:
    """B1.9.9 again and again from the handler's own instruction: stopped after MAX_REENTRIES, well before the limit."""
    m = TestMachine()
    m.load_words([LDR_R1_R2])
    m.load_words([LDR_R1_R2], addr=0x10)
    m.regs[2] = 0x300000
    stop = m.engine.run(10**7)
    assert stop.kind is StopKind.EXCEPTION_LOOP and stop.reason is StopReason.ERROR
    assert (stop.exception, stop.vector, stop.address, stop.pc) == ("Data Abort", 0x10, 0x300000, 0x10)
    assert m.exc.counts["DATA_ABORT"] == MAX_REENTRIES + 1


def test_unmapped_vector_does_not_hang() -> None:
    """A Prefetch Abort whose own vector cannot be fetched keeps counting toward the limit."""
    m = TestMachine(ram_size=0x1000)
    m.mem.map_ram(0x8000, 0x1000, name="code")
    m.exc.vector_base = lambda: 0x100000  # type: ignore[method-assign]
    m.load_words([B_SELF])
    reason, message = m.run(50, pc=0x200000)
    assert reason is StopReason.LIMIT, message


def test_unmapped_vector_names_the_instruction_that_took_the_exception() -> None:
    """An aborting LDR whose Data Abort vector cannot be fetched: the previous PC is the LDR (B1.9.9)."""
    m = TestMachine(ram_size=0x1000)
    m.mem.map_ram(0x8000, 0x1000, name="code")
    m.exc.vector_base = lambda: 0x100000  # type: ignore[method-assign]
    m.exc.handler_missing = lambda vector: "unmapped" if vector == 0x10000C else None
    m.load_words([0xE1A00000, LDR_R1_R2])  # nop; ldr r1, [r2]
    m.regs[2] = 0x300000
    m.regs[15] = CODE
    stop = m.engine.run(10)
    assert stop.kind is StopKind.NO_HANDLER and stop.exception == "Prefetch Abort"
    assert (stop.pc, stop.previous_pc) == (0x100010, CODE + 4)
