"""The isolation property (P1, P3) on the VM: generated guest programs run as machine code on the simulated CPU.

Reference kvm-arm-debug.md section 2 (P1: after every exit the host's debug registers are what it left;
P3: the guest reads back what it wrote), DDI 0406C B1.14.15 (the HDCR traps of CP14), C11.11 (the debug
registers).  Unlike tests/test_kvm_policies.py (the same property on a modelled bus), every guest access
here is an A32 MCR/MRC/MCRR/MRRC the CPU executes in Non-secure SVC mode under :class:`armsim.kvm.Hypervisor`'s
run loop: it traps to Hyp mode (or reaches the physical register) as the policy's HDCR says, and ``HVC #0``
ends a guest run.

A program is a list of phases, each a :func:`armsim.testing.strategies.debug_programs` sequence (reads,
writes, breakpoint and watchpoint setups, MDBGen on and off) with 64-bit accesses (MRRC DBGDRAR/DBGDSAR,
and MCRR to them, which is UNDEFINED: no 64-bit CP14 register is writable, C11.10) mixed in; the phases are
separated by ``HVC #0``.  The host's debug settings are the ``--host-debug idle`` and ``armed`` presets or
generated values.  Breakpoint, watchpoint and vector-catch values are moved out of the probe's way (unlinked
address match on addresses above 0x80000000, which the probe never runs or touches; no Non-secure vector
catch), so that no debug event interrupts a probe: the events themselves are tests/test_kvm_vm.py's exploit.

The P1 check is the test's own (a Hyp-mode observer of the physical registers after every exit, compared with
the generated host values through :func:`armsim.testing.isolation.check_p1`), not the hypervisor's monitor;
the monitor's report must agree with it.
"""

from __future__ import annotations

from typing import Any, Dict, List, NamedTuple, Tuple, Union

from hypothesis import given, settings
from hypothesis import strategies as st

from armsim.kvm import BusPort, VmResult
from armsim.kvm.host import host_debug_values
from armsim.kvm.layouts import switched_debug_set
from armsim.testing import CoprocInsn
from armsim.testing.isolation import Breach, GuestDebugView, check_p1, writable_masks
from armsim.testing.manual import DBGBCR, DBGDSCR, DBGWCR
from armsim.testing.strategies import DebugStep, catalogue_of, debug_programs
from armsim.timing.profiles import get_profile
from tests.conftest import profile_examples
from tests.kvm_probe import HVC0, load_const, probe_vm, results

CPU = "cortex-a15"
PROF = get_profile(CPU)
MASKS = writable_masks(PROF.brps, PROF.wrps, PROF.ctx_cmps)
SWITCHED = switched_debug_set(PROF)
CAT = catalogue_of(PROF)
WIDE = [CAT.named(14, "DBGDRAR", True), CAT.named(14, "DBGDSAR", True)]
# The probe keeps its results pointer in r10 and its UNDEF count in r11 (tests/kvm_probe.py); SP, PC excluded.
FREE = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12)
BT = DBGBCR["BT"].mask
WCR_OFF = DBGWCR["WT"].mask | DBGWCR["MASK"].mask  # no linking, no address mask (C11.11 DBGWCR)
VCR_NS = 0xFF000000  # DBGVCR's Non-secure vector bits (C11.11): the probe's exceptions are Non-secure
FAR = 0x80000000  # breakpoint and watchpoint addresses from here up: never run or accessed by a probe
MDBGEN = DBGDSCR["MDBGen"].mask
SENTINEL = 0x5EED5EED  # Rt2 before an MRRC


def out_of_the_way(name: str, value: int, base: int = FAR) -> int:
    """``value`` with every debug event it could arm moved where the probe never goes (module docstring)."""
    if name.startswith(("DBGBVR", "DBGWVR")):
        return base | (value & ~base & 0xFFFFFFFF)
    if name.startswith("DBGBCR"):
        return value & ~BT  # BT = 0000: unlinked address match (C11.11 DBGBCR)
    if name.startswith("DBGWCR"):
        return value & ~WCR_OFF
    if name == "DBGVCR":
        return value & ~VCR_NS
    return value


def _free(rt: int) -> int:
    return rt if rt in FREE else rt - 10


def str_post(rt: int) -> int:
    """A8.8.204 STR Rt, [r10], #4 (A1, post-indexed): append Rt to the probe's results."""
    return 0xE48A0004 | rt << 12


class Access(NamedTuple):
    """One generated guest access: ``kind`` "w"/"r" (MCR/MRC of a switched register), "r64" (MRRC), "w64" (MCRR)."""

    kind: str
    insn: CoprocInsn
    register: str
    value: int = 0

    def __repr__(self) -> str:  # a failing example reads as the program
        return f"<{self.insn.text()} {self.register}" + (f" <- {self.value:#x}>" if self.kind[0] == "w" else ">")


Phase = Tuple[Access, ...]


def _from_step(s: DebugStep) -> Access:
    insn = s.insn._replace(rt=_free(s.insn.rt))
    if s.value is None:
        return Access("r", insn, s.register)
    return Access("w", insn, s.register, out_of_the_way(s.register, s.value))


@st.composite
def wide_accesses(draw: Any) -> Access:
    reg = draw(st.sampled_from(WIDE))
    rt, rt2 = draw(st.lists(st.sampled_from(FREE), min_size=2, max_size=2, unique=True))  # Rt == Rt2: UNPREDICTABLE
    kind = draw(st.sampled_from(("MRRC", "MCRR")))
    insn = CoprocInsn(kind, 14, reg.opc1, 0, reg.crm, 0, rt=rt, rt2=rt2)
    if kind == "MRRC":
        return Access("r64", insn, reg.name)
    return Access("w64", insn, reg.name, draw(st.integers(0, (1 << 64) - 1)))


@st.composite
def phases(draw: Any) -> Phase:
    steps = [_from_step(s) for s in draw(debug_programs(PROF, max_steps=8))]
    for wide in draw(st.lists(wide_accesses(), max_size=2)):
        steps.insert(draw(st.integers(0, len(steps))), wide)
    return tuple(steps)


programs = st.lists(phases(), min_size=1, max_size=4)


@st.composite
def generated_host(draw: Any) -> Dict[str, int]:
    """Host values drawn per register (MDBGen and the enable bits at random), events out of the guest's way."""
    out = {}
    for e in SWITCHED:
        v = draw(st.integers(0, 0xFFFFFFFF)) & MASKS[e.name]
        out[e.name] = out_of_the_way(e.name, v, base=0xC0000000)  # host kernel addresses
    return out


HostSetting = Union[str, Dict[str, int]]  # a --host-debug preset or the values themselves
host_settings = st.one_of(st.sampled_from(("idle", "armed")), generated_host())


def assemble(program: List[Phase]) -> List[int]:
    """The guest's A32 words: each phase's accesses, each read stored at the probe's results, then HVC #0."""
    words: List[int] = []
    for phase in program:
        for a in phase:
            i = a.insn
            if a.kind == "w":
                words += [*load_const(i.rt, a.value), i.a32_word()]
            elif a.kind == "r":
                words += [i.a32_word(), str_post(i.rt)]
            elif a.kind == "w64":
                words += [*load_const(i.rt, a.value & 0xFFFFFFFF), *load_const(i.rt2, a.value >> 32), i.a32_word()]
            else:  # Rt2 holds a sentinel first: RAZ_WI's read_zero leaves it unchanged (reference 8)
                words += [*load_const(i.rt2, SENTINEL), i.a32_word(), str_post(i.rt), str_post(i.rt2)]
        words.append(HVC0)
    return [*words, str_post(11)]  # the UNDEF count last


class Outcome(NamedTuple):
    result: VmResult
    left: Dict[str, int]  # the host's debug registers as it left them (their writable bits)
    p1: List[Breach]
    checks: int  # P1 checks made (one per exit, and the final switch back after the guest's own exit)
    reads: List[Tuple[Access, int]]  # every MRC with the value it read, in order
    wide_reads: List[int]  # every MRRC's 64-bit result, in order
    undefs: int  # Undefined Instruction exceptions the guest took (its vector counts them)


def run(policy: str, host: HostSetting, program: List[Phase]) -> Outcome:
    """Run ``program`` as a guest under ``policy`` with the host's debug settings ``host``; what the test saw."""
    if isinstance(host, str):
        vm = probe_vm(assemble(program), policy, cpu=CPU, host_debug=host)
    else:
        vm = probe_vm(assemble(program), policy, cpu=CPU, host_values=host)
    left = {e.name: vm.hv.host_values[e.name] & MASKS[e.name] for e in SWITCHED}
    observer = BusPort(vm.machine.bus, vm.machine.cpu)  # Hyp-mode reads, charged to nobody
    p1: List[Breach] = []
    checks = [0]
    monitor_after_exit = vm.monitor.after_exit

    def after_exit(run: int) -> object:
        checks[0] += 1
        found = {e.name: observer.read(e) & MASKS[e.name] for e in SWITCHED}
        p1.extend(check_p1(left, found, run))
        return monitor_after_exit(run)

    vm.monitor.after_exit = after_exit  # type: ignore[method-assign]
    res = vm.run(2_000_000)
    assert res.exit_code == 0, res.message
    reads = [a for ph in program for a in ph if a.kind in ("r", "r64")]
    n = sum(1 if a.kind == "r" else 2 for a in reads)
    words = results(vm, n + 1)
    out: List[Tuple[Access, int]] = []
    wide: List[int] = []
    pos = 0
    for a in reads:
        if a.kind == "r":
            out.append((a, words[pos]))
            pos += 1
        else:
            wide.append(words[pos] | words[pos + 1] << 32)
            pos += 2
    return Outcome(res, left, p1, checks[0], out, wide, words[n])


def hardware_model(left: Dict[str, int], program: List[Phase]) -> Tuple[List[Breach], List[int]]:
    """PASSTHROUGH on the hardware: the guest's accesses reach the physical registers (reference 2).

    The P1 breaches expected after each exit (one per HVC #0, run = the phase; and the final switch, run =
    phases + 1), and the value of every MRC in order (the host's value until the guest writes it).
    """
    hw = dict(left)
    breaches: List[Breach] = []
    reads: List[int] = []
    for run_no, phase in enumerate(program, 1):
        for a in phase:
            if a.kind == "w":
                hw[a.register] = a.value & MASKS[a.register]
            elif a.kind == "r":
                reads.append(hw[a.register])
        breaches += check_p1(left, hw, run_no)
    return breaches + check_p1(left, hw, len(program) + 1), reads


@settings(max_examples=profile_examples(30, 300))
@given(st.sampled_from(("raz-wi", "eager", "lazy")), host_settings, programs)
def test_isolation_on_the_vm(policy: str, host: HostSetting, program: List[Phase]) -> None:
    """P1 after every exit under RAZ_WI, EAGER and LAZY; P3 under EAGER and LAZY (the guest reads its own
    writes, 0 where it never wrote: its shadow's reset value), every read 0 under RAZ_WI; MRRC DBGDRAR/DBGDSAR
    read 0 (trapped by TDRA: RAZ, reference 8; RAZ_WI leaves Rt2 as it was) and MCRR to them is UNDEFINED."""
    out = run(policy, host, program)
    res = out.result
    assert out.p1 == []
    assert out.checks == res.report["exits"]["total"] + 1 == res.runs
    assert res.host_debug_intact and res.breaches == []
    view = GuestDebugView(PROF.brps, PROF.wrps, PROF.ctx_cmps)
    got = iter(out.reads)
    for a in (a for ph in program for a in ph):
        if a.kind == "w":
            view.write(a.register, a.value)
        elif a.kind == "r":
            acc, value = next(got)
            assert acc is a
            if policy == "raz-wi":
                assert value == 0, f"{a.insn.text()}: RAZ, read {value:#x}"
            else:
                assert value & MASKS[a.register] == view.read(a.register), \
                    f"P3 {a.register}: wrote {view.read(a.register):#x}, read {value:#x}"
    # RAZ_WI reads with arm32 KVM's read_zero, which sets Rt only; EAGER and LAZY set Rt and Rt2 (reference 8).
    wide = SENTINEL << 32 if policy == "raz-wi" else 0
    assert out.wide_reads == [wide] * len(out.wide_reads)
    assert out.undefs == sum(1 for ph in program for a in ph if a.kind == "w64")


@settings(max_examples=profile_examples(15, 150))
@given(host_settings, programs)
def test_passthrough_leaks_on_the_vm(host: HostSetting, program: List[Phase]) -> None:
    """PASSTHROUGH (before the fix): the guest's MCR/MRC reach the host's physical registers, so the P1 check
    finds every host register a guest write left changed after each exit, and the guest reads the host's
    values of the registers it did not write: exactly what the hardware model predicts."""
    out = run("passthrough", host, program)
    expected, reads = hardware_model(out.left, program)
    assert out.p1 == expected
    assert [value & MASKS[a.register] for a, value in out.reads] == reads
    assert out.result.host_debug_intact == (expected == [])  # the hypervisor's own monitor agrees
    assert out.undefs == sum(1 for ph in program for a in ph if a.kind == "w64")


def _mcr(name: str, value: int, rt: int = 0) -> Access:
    r = CAT.named(14, name)
    return Access("w", CoprocInsn("MCR", 14, r.opc1, r.crn, r.crm, r.opc2, rt=rt), name, value)


def _mrc(name: str, rt: int = 1) -> Access:
    r = CAT.named(14, name)
    return Access("r", CoprocInsn("MRC", 14, r.opc1, r.crn, r.crm, r.opc2, rt=rt), name)


def test_the_leak_and_its_fix_on_one_program() -> None:
    """One program, four policies: the guest arms breakpoint 0 with MDBGen, reads the host's DBGBVR1 and ends its
    run.  PASSTHROUGH: three host registers found changed after both exits, the host's DBGBVR1 read by the guest;
    the three fixed policies: P1 holds; the guest reads DBGBVR1 as 0 (RAZ, or its own reset value) and DBGBCR0 as
    0 under RAZ_WI, as written under EAGER and LAZY."""
    program: List[Phase] = [(_mcr("DBGBVR0", 0x80001000), _mcr("DBGBCR0", 0x1E7), _mcr("DBGDSCRext", MDBGEN),
                             _mrc("DBGBVR1"), _mrc("DBGBCR0"))]
    idle = host_debug_values(PROF, "idle")
    leak = run("passthrough", "idle", program)
    assert [(b.run, b.what) for b in leak.p1] == [(r, n) for r in (1, 2) for n in ("DBGBVR0", "DBGBCR0", "DBGDSCRext")]
    assert leak.reads[0][1] == idle["DBGBVR1"] != 0 and leak.reads[1][1] == 0x1E7
    assert not leak.result.host_debug_intact
    for policy in ("raz-wi", "eager", "lazy"):
        fixed = run(policy, "idle", program)
        assert fixed.p1 == [] and fixed.result.host_debug_intact
        assert [v for _, v in fixed.reads] == ([0, 0] if policy == "raz-wi" else [0, 0x1E7])
