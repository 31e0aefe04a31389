"""The benchmark guests (examples/guests/bench) and the pairs override of a CPU profile.

The guests read their parameters from the semihosting command line
(SYS_GET_CMDLINE, 0x15); a bad command line ends them before any hypercall, so
that part also runs on a bare machine.  The pairs override changes
DBGDIDR.BRPs/WRPs (DDI 0406C C11.11.15) within the counts C3.1 allows.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from armsim import Machine
from armsim.bench.points import GUESTS, THUMB_SUFFIX, guest_dir, parse_pairs
from armsim.debug.layouts import DBGDIDR
from armsim.debug.registers import with_pairs
from armsim.errors import ConfigError
from armsim.kvm import Hypervisor
from armsim.kvm.layouts import switched_debug_set
from armsim.timing.profiles import get_profile

ALL = [g + s for g in GUESTS for s in ("", THUMB_SUFFIX)]


def run_bare(guest: str, args: List[str]) -> Machine:
    m = Machine(argv=[f"{guest}.elf", *args], stdout=False, stderr=False)
    m.load_elf(guest_dir() / f"{guest}.elf")
    m.run(max_instructions=2_000_000)
    return m


@pytest.mark.parametrize("guest", ALL)
def test_every_guest_ships_prebuilt_with_its_source(guest: str) -> None:
    elf = guest_dir() / f"{guest}.elf"
    src = guest_dir() / f"{guest.replace(THUMB_SUFFIX, '')}.c"
    assert elf.read_bytes()[:4] == b"\x7fELF" and src.is_file()
    assert guest in (guest_dir() / "Makefile").read_text() or guest.replace(THUMB_SUFFIX, "") in \
        (guest_dir() / "Makefile").read_text()


@pytest.mark.parametrize("guest", ALL)
def test_a_guest_reads_its_command_line(guest: str) -> None:
    """Under the modelled hypervisor: 2 marker hypercalls around 3 phases, fraction 50% touches 1."""
    hv = Hypervisor(cpu="cortex-a7", debug_policy="eager", stdout=False, stderr=False)
    vm = hv.create_vm(str(guest_dir() / f"{guest}.elf"), argv=[f"{guest}.elf", "exits=3", "fraction=50", "reads=3"])
    res = hv.run(vm, max_instructions=1_000_000)
    name = guest.replace(THUMB_SUFFIX, "")
    touched = {"hvc_loop": 0, "bp_armed": 3}.get(name, 1)
    assert res.output == f"{name}: exits=3 touched={touched}\n".encode()
    assert res.exit_code == 0
    assert res.report["exits"]["by_ec"].get("0x12") == 3 + 2


@pytest.mark.parametrize("args,message", [
    (["exits=x"], "not a number"),
    (["fraction=100.5"], "not a percentage from 0 to 100"),
    (["fraction=1.23456"], "at most four decimals"),
    (["speed=3"], "unknown word"),
    (["exits=999999999999"], "number too large"),
])
def test_a_bad_command_line_ends_the_guest_with_status_2(args: List[str], message: str) -> None:
    m = run_bare("bp_write", args)
    assert m.exit_code == 2
    assert message in m.output.decode()


def test_the_thumb_builds_are_thumb_code() -> None:
    """NAME_thumb.elf compiles the C code as Thumb-2: main starts in Thumb state (bit 0 of its symbol)."""
    from elftools.elf.elffile import ELFFile

    for g in GUESTS:
        with open(guest_dir() / f"{g}{THUMB_SUFFIX}.elf", "rb") as fh:
            main = ELFFile(fh).get_section_by_name(".symtab").get_symbol_by_name("main")[0]
            assert main["st_value"] & 1, g
        with open(guest_dir() / f"{g}.elf", "rb") as fh:
            main = ELFFile(fh).get_section_by_name(".symtab").get_symbol_by_name("main")[0]
            assert not main["st_value"] & 1, g


@pytest.mark.parametrize("brps,wrps", [(2, 2), (6, 4), (16, 16), (2, 1)])
def test_the_pairs_override_sets_dbgdidr_and_the_switched_set(brps: int, wrps: int) -> None:
    """C11.11.15: DBGDIDR.BRPs/WRPs hold count - 1; the world switch moves 2 x (BRPs + WRPs) pair registers,
    the context BRPs' DBGBXVRn, DBGDSCRext and DBGVCR (reference section 2)."""
    base = get_profile("cortex-a15")
    p = with_pairs(base, brps, wrps)
    f = DBGDIDR.unpack(p.dbgdidr)
    assert (f["BRPs"] + 1, f["WRPs"] + 1) == (brps, wrps)
    assert p.ctx_cmps == min(base.ctx_cmps, brps) and f["CTX_CMPs"] + 1 == p.ctx_cmps
    assert len(switched_debug_set(p)) == 2 * (brps + wrps) + p.ctx_cmps + 2
    m = Machine(cpu=p)
    assert m.debug_regs.didr == p.dbgdidr and m.debug_regs.brps == brps
    assert get_profile(p) is p


@pytest.mark.parametrize("brps,wrps", [(1, 4), (17, 4), (6, 0), (6, 17)])
def test_the_pairs_override_refuses_counts_the_architecture_does_not_allow(brps: int, wrps: int) -> None:
    with pytest.raises(ConfigError, match=r"C3\.1"):
        with_pairs(get_profile("cortex-a7"), brps, wrps)


@pytest.mark.parametrize("text", ["6", "6/", "a/b", "6/4/2", ""])
def test_pairs_syntax_errors_are_clear(text: str) -> None:
    with pytest.raises(ConfigError, match="BRPs/WRPs"):
        parse_pairs(text)


def test_guest_dir_is_the_source_tree() -> None:
    assert guest_dir() == Path(__file__).resolve().parents[1] / "examples" / "guests" / "bench"
