"""The timing model: cost classes for every A32 row, tables, levels, charged work, determinism."""

from __future__ import annotations

from pathlib import Path
from typing import Tuple

import pytest

from armsim import Machine
from armsim.errors import ConfigError
from armsim.isa import a32
from armsim.timing.costs import UnclassifiedRow, classify
from armsim.timing.profiles import PROFILES
from armsim.timing.tables import check_table

GUEST = str(Path(__file__).resolve().parents[1] / "examples" / "guests" / "printf.elf")


def test_every_a32_row_has_a_cost_class() -> None:
    missing = []
    for row in a32.all_rows():
        fields = {name: 0 for name, _, _ in row.fields if name != "cond"}
        if "register_list" in fields:
            fields["register_list"] = 0x4010
        try:
            classify(row.name, fields)
        except UnclassifiedRow:
            missing.append(row.name)
    assert not missing


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profile_tables_price_every_class(name: str) -> None:
    assert check_table(name, PROFILES[name].timing) == ()


def _run(cpu: str, level: str) -> Machine:
    m = Machine(cpu=cpu, timing=level, stdout=False)
    m.load_elf(GUEST)
    m.run()
    return m


def test_off_counts_instructions_only() -> None:
    m = _run("cortex-a15", "off")
    assert m.timing.cycles == m.timing.instructions > 0


@pytest.mark.parametrize("cpu", ["cortex-a15", "cortex-a7"])
@pytest.mark.parametrize("level", ["fast", "pipeline"])
def test_same_elf_profile_and_level_give_the_same_cycles(cpu: str, level: str) -> None:
    a, b = _run(cpu, level), _run(cpu, level)
    assert a.timing.cycles == b.timing.cycles
    assert sum(a.timing.breakdown().values()) == a.timing.cycles


def test_fast_charges_multi_cycle_operations() -> None:
    # printf's PUSH/POP of more than two registers cost more than one cycle each on the A15.
    m = _run("cortex-a15", "fast")
    assert m.timing.cycles > m.timing.instructions


def test_charge_work_prices_from_the_profile() -> None:
    m = Machine(cpu="cortex-a7", stdout=False)
    before = m.timing.cycles
    got = m.timing.charge_work("coproc_write", 3, category="world_switch")
    assert got == 3 * PROFILES["cortex-a7"].timing.classes[classify("MCR", {"Rt": 0}).cls].issue
    assert m.timing.breakdown()["world_switch"] == got
    assert m.timing.cycles == before + got


def test_unknown_level_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="timing level"):
        Machine(timing="slow")


def _ccsidr_geometry(v: int) -> Tuple[int, int, int]:
    """B4.1.19 CCSIDR: (size in bytes, ways, line bytes) from NumSets[27:13], Associativity[12:3], LineSize[2:0]."""
    sets, ways, line = ((v >> 13) & 0x7FFF) + 1, ((v >> 3) & 0x3FF) + 1, 16 << (v & 7)
    return sets * ways * line, ways, line


@pytest.mark.parametrize("name", ["cortex-a15", "cortex-a7"])
def test_ccsidr_agrees_with_the_modelled_l1_caches(name: str) -> None:
    """CCSIDR0 (L1 D) and CCSIDR1 (L1 I) describe the geometry the pipeline level models (Cortex-A15 TRM: 32 KB
    2-way 64-byte lines both; Cortex-A7 TRM 6.1: D 4-way 64-byte lines, I 2-way 32-byte lines)."""
    p = PROFILES[name]
    for key, geo in (("CCSIDR0", p.timing.l1d), ("CCSIDR1", p.timing.l1i)):
        assert _ccsidr_geometry(p.ids[key]) == (geo.size, geo.ways, geo.line), key


# (L2 sizes the TRM lets an implementation configure, ways, line bytes): Cortex-A15 TRM (DDI 0438E) 7.1,
# Cortex-A7 TRM (DDI 0464F) 7.1 "About the L2 memory system".
_L2 = {"cortex-a15": ({512 << 10, 1 << 20, 2 << 20, 4 << 20}, 16, 64),
       "cortex-a7": ({128 << 10, 256 << 10, 512 << 10, 1 << 20}, 8, 64)}


@pytest.mark.parametrize("name", sorted(_L2))
def test_ccsidr2_is_a_configuration_of_the_trm_l2(name: str) -> None:
    """CCSIDR2 (CSSELR = 2, the unified L2; CLIDR Ctype2 = 0b100) decodes to an L2 the TRM lists."""
    sizes, ways, line = _L2[name]
    p = PROFILES[name]
    assert (p.ids["CLIDR"] >> 3) & 7 == 0b100
    size, got_ways, got_line = _ccsidr_geometry(p.ids["CCSIDR2"])
    assert size in sizes and (got_ways, got_line) == (ways, line)
    assert p.ids["CCSIDR2"] >> 28 == 0x7  # WB, RA, WA (as the L1 D-cache)


def test_pipeline_with_caches_runs_a_thumb_guest() -> None:
    """A Thumb-2 guest at the pipeline level with L1 caches runs to its exit (the I-cache is looked up)."""
    m = Machine(cpu="cortex-a7", timing="pipeline", caches=True, stdout=False)
    m.load_elf(GUEST.replace("printf.elf", "printf-thumb.elf"))
    assert m.run().exit_code == 0
    assert m.timing.pipeline is not None and m.timing.pipeline.icache is not None
    assert m.timing.pipeline.icache.misses > 0
