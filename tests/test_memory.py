"""Physical memory and the local exclusive monitor (DDI 0406C A3.2, A3.3, A3.4)."""

from __future__ import annotations

import os

import pytest

from armsim.errors import MemoryMapError
from armsim.memory import BusFault, Memory


def make() -> Memory:
    m = Memory()
    m.map_ram(0x1000, 0x1000)
    return m


def test_little_endian_widths() -> None:
    """A3.3: little-endian byte order for every access width."""
    m = make()
    m.write32(0x1000, 0x11223344)
    assert m.read8(0x1000) == 0x44
    assert m.read16(0x1002) == 0x1122
    assert m.read32(0x1000) == 0x11223344


def test_unaligned_accesses_split() -> None:
    m = make()
    m.write32(0x1001, 0xAABBCCDD)
    assert m.read32(0x1001) == 0xAABBCCDD
    assert m.read16(0x1003) == 0xAABB
    assert m.read8(0x1004) == 0xAA


def test_unmapped_raises_bus_fault() -> None:
    m = make()
    with pytest.raises(BusFault) as e:
        m.read32(0x3000)
    assert e.value.addr == 0x3000 and not e.value.is_write
    with pytest.raises(BusFault):
        m.write8(0xFFF, 1)
    # An access straddling the end of RAM faults instead of wrapping.
    with pytest.raises(BusFault):
        m.read32(0x1FFE)


def test_rom_refuses_writes() -> None:
    m = Memory()
    m.map_rom(0, b"\x01\x02\x03\x04")
    assert m.read32(0) == 0x04030201
    with pytest.raises(BusFault):
        m.write32(0, 0)


def test_mmio_callbacks() -> None:
    seen = []
    m = Memory()
    m.map_mmio(0x9000, 0x100, lambda off, size: 0xDEADBEEF, lambda off, size, v: seen.append((off, size, v)))
    assert m.read32(0x9004) == 0xDEADBEEF
    m.write16(0x9008, 0x1234)
    assert seen == [(8, 2, 0x1234)]


def test_overlapping_regions_rejected() -> None:
    m = make()
    with pytest.raises(MemoryMapError, match="overlaps"):
        m.map_ram(0x1800, 0x1000)


def test_code_write_notifies() -> None:
    m = make()
    hits = []
    m.on_code_write = lambda a, n: hits.append((a, n))
    m.code_lines.add(0x1040 >> 6)
    m.write32(0x1000, 1)
    assert hits == []
    m.write32(0x1044, 1)
    assert hits == [(0x1044, 4)]


def test_big_endian_accessors() -> None:
    """A3.3.1: with CPSR.E = 1 data accesses are big-endian (byte-invariant)."""
    m = make()
    m.write32(0x1000, 0x11223344)
    _, r16, r32, _, _w16, w32 = m.accessors(True)
    assert r32(0x1000) == 0x44332211
    assert r16(0x1000) == 0x4433
    w32(0x1004, 0xAABBCCDD)
    assert m.read8(0x1004) == 0xAA


def test_exclusive_monitor_a3_4() -> None:
    """A3.4.1: a store-exclusive passes once after a load-exclusive of the same address and size."""
    mon = make().monitor
    assert not mon.ExclusiveMonitorsPass(0x1000, 4)
    mon.SetExclusiveMonitors(0x1000, 4)
    assert not mon.ExclusiveMonitorsPass(0x1004, 4)
    mon.SetExclusiveMonitors(0x1000, 4)
    assert mon.ExclusiveMonitorsPass(0x1000, 4)
    assert not mon.ExclusiveMonitorsPass(0x1000, 4)
    mon.SetExclusiveMonitors(0x1000, 4)
    mon.ClearExclusiveLocal()
    assert not mon.ExclusiveMonitorsPass(0x1000, 4)


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def test_untouched_ram_costs_no_resident_memory() -> None:
    """--ram 0:1G: RAM is an anonymous mapping, so only the pages a guest touches become resident."""
    before = _rss_mib()
    m = Memory()
    m.map_ram(0, 1 << 30)
    m.write32(0x3FFFFFFC, 0x12345678)
    m.write32(0, 0xCAFEF00D)
    assert (m.read32(0x3FFFFFFC), m.read32(0), m.read32(0x20000000)) == (0x12345678, 0xCAFEF00D, 0)
    assert _rss_mib() - before < 64
