"""The Performance Monitors read the timing model through the CP15 rows (DDI 0406C C12, B4.1 PMCR ... PMINTENCLR,
B4.1.67 HDCR.HPMN/HPME, B1.14.17 HDCR.TPM/TPMCR)."""

from __future__ import annotations

import struct
from typing import List, Tuple

import pytest

from armsim import Machine
from armsim.cpu.modes import Mode
from armsim.timing.profiles import PROFILES
from tests.test_a32_coproc import MCR, MRC

CODE = 0x8000
ADD_R0_1 = 0xE2800001  # ADD r0, r0, #1 (ALU_IMM)
B_SELF = 0xEAFFFFFE  # B .

# MRC/MCR p15, 0, Rt, c9, CRm, opc2 of each PMU register (B4.1, C12 Table "PMU register summary").
ENC = {"PMCR": (12, 0), "PMCNTENSET": (12, 1), "PMCNTENCLR": (12, 2), "PMOVSR": (12, 3), "PMSWINC": (12, 4),
       "PMSELR": (12, 5), "PMCEID0": (12, 6), "PMCCNTR": (13, 0), "PMXEVTYPER": (13, 1), "PMXEVCNTR": (13, 2),
       "PMUSERENR": (14, 0), "PMINTENSET": (14, 1)}


def rd(name: str, rt: int) -> int:
    crm, opc2 = ENC[name]
    return MRC(15, 0, rt, 9, crm, opc2)


def wr(name: str, rt: int) -> int:
    crm, opc2 = ENC[name]
    return MCR(15, 0, rt, 9, crm, opc2)


def machine(cpu: str = "cortex-a15", timing: str = "fast") -> Machine:
    return Machine(cpu=cpu, timing=timing, semihosting=False)


def run_words(m: Machine, words: List[int], n: int) -> Machine:
    m.mem.load(CODE, struct.pack(f"<{len(words)}I", *words))
    m.cpu.regs[15] = CODE
    m.run(n)
    return m


def enable_cycles_and_event(event: int) -> List[int]:
    """PMCR.E|C|P, PMCNTENSET = C | counter 0, PMSELR = 0, PMXEVTYPER = event (r1-r3 hold the values)."""
    return [
        0xE3A01007,  # MOV r1, #7 (E, P, C)
        0xE3A02102,  # MOV r2, #0x80000000
        0xE3822001,  # ORR r2, r2, #1
        0xE3A03000 | event,  # MOV r3, #event
        0xE3A0C000,  # MOV r12, #0
        wr("PMSELR", 12),
        wr("PMXEVTYPER", 3),
        wr("PMCNTENSET", 2),
        wr("PMCR", 1),
    ]


@pytest.mark.parametrize("cpu", ["cortex-a15", "cortex-a7"])
@pytest.mark.parametrize("level", ["fast", "pipeline"])
def test_pmccntr_difference_is_the_models_cycles(cpu: str, level: str) -> None:
    """C12.1: a guest reading PMCCNTR around a sequence sees the model's count of the cycles in between."""
    k = 20
    setup = enable_cycles_and_event(0x08)
    words = setup + [rd("PMCCNTR", 4)] + [ADD_R0_1] * k + [rd("PMCCNTR", 5), B_SELF]
    m = machine(cpu, level)
    run_words(m, words, len(setup))
    before = m.timing.cycles  # the count when the first read issues
    m.run(1 + k)
    after = m.timing.cycles  # the count when the second read issues
    m.run(1)
    regs = m.cpu.regs
    assert regs[5] - regs[4] == after - before > 0
    if level == "fast":
        # Hand calculation (armsim/timing/tables.py): the first MRC is COPROC_READ (A15 5 cycles, A7 3),
        # then k ALU_IMM operations at 1 cycle each.
        mrc = {"cortex-a15": 5, "cortex-a7": 3}[cpu]
        assert regs[5] - regs[4] == mrc + k


@pytest.mark.parametrize("level", ["off", "fast", "pipeline"])
def test_inst_retired_counts_instructions(level: str) -> None:
    """C12.8 event 0x08 INST_RETIRED: the counter's difference is the instructions between the two reads."""
    k = 17
    setup = enable_cycles_and_event(0x08)
    words = setup + [rd("PMXEVCNTR", 4)] + [ADD_R0_1] * k + [rd("PMXEVCNTR", 5), B_SELF]
    m = run_words(machine(timing=level), words, len(setup) + k + 2)
    assert m.cpu.regs[5] - m.cpu.regs[4] == k + 1  # the first read and the k additions


def test_cpu_cycles_event_matches_pmccntr() -> None:
    """C12.8 event 0x11 CPU_CYCLES counts what the cycle counter counts."""
    setup = enable_cycles_and_event(0x11)
    words = setup + [rd("PMCCNTR", 4), rd("PMXEVCNTR", 5)] + [ADD_R0_1] * 9 + [
        rd("PMCCNTR", 6), rd("PMXEVCNTR", 7), B_SELF]
    m = run_words(machine(timing="pipeline"), words, len(setup) + 13)
    r = m.cpu.regs
    assert r[6] - r[4] == r[7] - r[5] > 9


def test_pmcr_d_counts_every_64th_cycle() -> None:
    """B4.1 PMCR.D: the cycle counter counts once every 64 cycles."""
    k = 300
    setup = [*enable_cycles_and_event(0x08), 0xE3A0100F, wr("PMCR", 1)]  # E, P, C, D
    words = setup + [rd("PMCCNTR", 4)] + [ADD_R0_1] * k + [rd("PMCCNTR", 5), B_SELF]
    m = run_words(machine(), words, len(setup))
    c0 = m.timing.cycles
    m.run(1 + k)
    c1 = m.timing.cycles
    m.run(1)
    assert m.cpu.regs[5] - m.cpu.regs[4] == c1 // 64 - c0 // 64 >= 4


def test_counters_stop_when_disabled() -> None:
    """C12.3: a counter counts only while PMCR.E and its PMCNTENSET bit are set; PMCNTENCLR stops it."""
    setup = enable_cycles_and_event(0x08)
    words = setup + [rd("PMCCNTR", 4), wr("PMCNTENCLR", 2)] + [ADD_R0_1] * 10 + [
        rd("PMCCNTR", 5), rd("PMCNTENSET", 6), B_SELF]
    m = run_words(machine(), words, len(setup) + 14)
    r = m.cpu.regs
    assert r[6] == 0
    assert r[5] - r[4] == 5  # only the first read (COPROC_READ, 5 cycles on the A15) before the clear


@pytest.mark.parametrize("cpu,n,idcode", [("cortex-a15", 6, 0x0F), ("cortex-a7", 4, 0x07)])
def test_pmcr_identifies_the_profile(cpu: str, n: int, idcode: int) -> None:
    """B4.1 PMCR: IMP 0x41, IDCODE and N from the TRM (A15 TRM 11.4: 6 counters; A7 TRM 11.4: 4)."""
    m = run_words(machine(cpu), [rd("PMCR", 0), B_SELF], 1)
    v = m.cpu.regs[0]
    assert (v >> 24, (v >> 16) & 0xFF, (v >> 11) & 0x1F, v & 1) == (0x41, idcode, n, 0)
    assert PROFILES[cpu].timing.pmu_counters == n


def test_pmceid0_names_the_counted_events() -> None:
    m = run_words(machine(), [rd("PMCEID0", 0), B_SELF], 1)
    for event in (0x00, 0x08, 0x09, 0x10, 0x11):
        assert m.cpu.regs[0] >> event & 1


def test_overflow_sets_pmovsr_once() -> None:
    """C12.5: the cycle counter wrapping past 2^32 sets PMOVSR.C; a write of one clears it and it stays clear."""
    words = enable_cycles_and_event(0x08) + [
        0xE3E0400F,  # MVN r4, #15 (0xFFFFFFF0)
        wr("PMCCNTR", 4),
    ] + [ADD_R0_1] * 30 + [
        rd("PMCCNTR", 5), rd("PMOVSR", 6), wr("PMOVSR", 2), rd("PMOVSR", 7), rd("PMCCNTR", 8), B_SELF]
    m = run_words(machine(), words, len(words) - 1)
    r = m.cpu.regs
    assert r[5] < 0x100 and r[6] >> 31 == 1
    assert r[7] == 0 and r[8] > r[5]


def test_pmswinc_counts_software_increments() -> None:
    """C12.8 event 0x00 SW_INCR: each PMSWINC write with the counter's bit set adds one."""
    words = enable_cycles_and_event(0x00) + [0xE3A09001] + [wr("PMSWINC", 9)] * 3 + [rd("PMXEVCNTR", 4), B_SELF]
    m = run_words(machine(), words, len(words) - 1)
    assert m.cpu.regs[4] == 3


def _ns_svc(m: Machine) -> None:
    m.cpu.sys.SCR |= 1
    m.cpu.set_mode(Mode.SVC)


def _pmu_state(m: Machine, hdcr: int) -> Tuple[int, int]:
    """Enable everything from Hyp mode (as a hypervisor would), then read PMCNTENSET and PMCR.N from NS SVC."""
    m.cpu.sys.SCR |= 1
    m.cpu.set_mode(Mode.HYP)
    pmu = m.pmu
    pmu.write_HDCR(m.cpu, hdcr)
    pmu.write_PMCNTENSET(m.cpu, 0xFFFFFFFF)
    _ns_svc(m)
    return pmu.read_PMCNTENSET(m.cpu), (pmu.read_PMCR(m.cpu) >> 11) & 0x1F


def test_hpmn_resets_to_pmcr_n() -> None:
    """B4.1.67: HDCR.HPMN resets to PMCR.N (Cortex-A15 TRM HDCR reset 0x00000006)."""
    assert machine().cpu.sys.HDCR & 0x1F == 6
    assert machine("cortex-a7").cpu.sys.HDCR & 0x1F == 4


def test_hpmn_partitions_the_counters_from_ns_pl1() -> None:
    """B4.1.67 HDCR.HPMN: from Non-secure PL1, counters HPMN..N-1 are not there: PMCR.N reads HPMN, their
    enable bits are RAZ/WI, PMXEVCNTR with SEL >= HPMN reads zero and ignores writes; Hyp mode sees all."""
    m = machine()
    en, n = _pmu_state(m, 2)
    assert (en, n) == (0x80000003, 2)
    # A write from NS SVC cannot touch counter 4's enable, a clear cannot either.
    m.pmu.write_PMCNTENCLR(m.cpu, 0x10)
    m.cpu.set_mode(Mode.HYP)
    assert m.pmu.read_PMCNTENSET(m.cpu) == 0x8000003F
    assert (m.pmu.read_PMCR(m.cpu) >> 11) & 0x1F == 6
    m.pmu.write_PMSELR(m.cpu, 4)
    m.pmu.write_PMXEVCNTR(m.cpu, 1234)
    _ns_svc(m)
    assert m.pmu.read_PMXEVCNTR(m.cpu) == 0  # UNPREDICTABLE (B4.1 PMXEVCNTR): we choose RAZ/WI
    m.pmu.write_PMXEVCNTR(m.cpu, 99)
    m.cpu.set_mode(Mode.HYP)
    assert m.pmu.read_PMXEVCNTR(m.cpu) == 1234


def test_hpme_enables_the_hypervisor_counters() -> None:
    """B4.1.67 HDCR.HPME: counters at or above HPMN count when HPME (not PMCR.E) is set."""
    m = machine(timing="fast")
    cpu = m.cpu
    cpu.sys.SCR |= 1
    cpu.set_mode(Mode.HYP)
    pmu = m.pmu
    pmu.write_HDCR(cpu, 2)  # HPMN = 2, HPME = 0
    for i in (1, 3):
        pmu.write_PMSELR(cpu, i)
        pmu.write_PMXEVTYPER(cpu, 0x08)
    pmu.write_PMCNTENSET(cpu, 0b1010)
    pmu.write_PMCR(cpu, 1)  # E: counter 1 counts, counter 3 waits for HPME
    run_words(m, [ADD_R0_1] * 8 + [B_SELF], 5)
    pmu.write_HDCR(cpu, 2 | 1 << 7)  # HPME: counter 3 starts
    m.run(3)
    counts = []
    for i in (1, 3):
        pmu.write_PMSELR(cpu, i)
        counts.append(pmu.read_PMXEVCNTR(cpu))
    assert counts == [8, 3]


def test_pl0_reads_pmccntr_with_pmuserenr_en() -> None:
    """B4.1 PMUSERENR.EN: PL0 may read the cycle counter; it sees the same model count."""
    m = machine()
    pmu, cpu = m.pmu, m.cpu
    pmu.write_PMCNTENSET(cpu, 1 << 31)
    pmu.write_PMCR(cpu, 1)
    pmu.write_PMUSERENR(cpu, 1)
    cpu.set_mode(Mode.USR)
    m2 = run_words(m, [rd("PMCCNTR", 4)] + [ADD_R0_1] * 6 + [rd("PMCCNTR", 5), B_SELF], 8)
    assert m2.cpu.regs[5] - m2.cpu.regs[4] == 5 + 6
    assert m2.exc.counts == {}  # no UNDEFINED, no trap


def test_tpm_trap_leaves_the_pmu_alone() -> None:
    """B1.14.17 HDCR.TPM: a Non-secure PL1 write to PMCR traps to Hyp mode before it is performed."""
    m = machine()
    m.cpu.sys.HVBAR = 0x1000
    m.mem.load(0x1000, struct.pack("<8I", *[B_SELF] * 8))
    m.pmu.write_HDCR(m.cpu, 6 | 1 << 6)  # TPM
    _ns_svc(m)
    run_words(m, [0xE3A01001, wr("PMCR", 1), B_SELF], 2)
    assert m.cpu.mode == Mode.HYP and m.cpu.sys.HSR >> 26 == 0x03
    assert m.cpu.sys.PMCR & 1 == 0
