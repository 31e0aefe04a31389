"""Physical memory and the local exclusive monitor (DDI 0406C A3.2, A3.3, A3.4)."""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Tuple

import pytest

from armsim.errors import MemoryMapError
from armsim.memory import CODE_LINE_SHIFT, BusFault, Memory


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


# -- the RAM window translated blocks access inline (armsim.exec.blocks) ---------------------------

def _window_fns(m: Memory, size: int) -> Tuple[Callable[[int], int], Callable[[int, int], int]]:
    """(load, store) functions running the window's generated lines for ``size``-byte accesses;
    ``store`` returns ``S_`` (1: the slow path saw a store into a code line)."""
    w = m.window
    assert w is not None
    read = {1: m.read8, 2: m.read16, 4: m.read32}[size]
    write = {1: m.write8, 2: m.write16, 4: m.write32}[size]
    names = sorted(w.names)
    src = [f"def factory(stale, rd, wr, {', '.join(names)}):", "    def load(a):",
           *w.load_lines("        ", "v", size, "a", "rd"), "        return v",
           "    def store(a, x):", "        S_ = stale[0] = 0",
           *w.store_lines("        ", size, "(a + 0)", "x", "wr", False),
           "        return S_", "    return load, store"]
    ns: Dict[str, Any] = {}
    exec("\n".join(src), ns)
    stale = [0]
    m.on_code_write = lambda a, n: stale.__setitem__(0, 1)
    return ns["factory"](stale, read, write, *(w.names[n] for n in names))  # type: ignore[no-any-return]


# RAM at 0 and elsewhere, of power-of-two size (one AND tests range and alignment) and not; a
# size that is no multiple of 4 has no word view (word accesses then stay calls).
_WINDOWS = [(b, s, w) for b, s in ((0, 0x1000), (0x40000000, 0x1000), (0x1000, 0x1804)) for w in (1, 2, 4)]


def _outcome(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, or ``("fault", address)`` when it raises a bus fault."""
    try:
        return fn(*args)
    except BusFault as e:
        return ("fault", e.addr)


def _literal_load(m: Memory, size: int, addr: int) -> Any:
    """A load from a literal address (LDR literal), decided when the lines are generated."""
    w = m.window
    assert w is not None
    names = sorted(w.names)
    read = {1: m.read8, 2: m.read16, 4: m.read32}[size]
    src = [f"def load(rd, {', '.join(names)}):", *w.load_lines("    ", "v", size, str(addr), "rd"), "    return v"]
    ns: Dict[str, Any] = {}
    exec("\n".join(src), ns)
    return _outcome(ns["load"], read, *(w.names[n] for n in names))


@pytest.mark.parametrize("base,size,width", [*_WINDOWS, (0, 0x1006, 1), (0, 0x1006, 2)])
def test_ram_window_lines_agree_with_the_accessors(base: int, size: int, width: int) -> None:
    """The inline lines read and write what the accessors do at every address near the RAM's edges,
    unaligned, inside and outside it (the fast path only for aligned accesses inside it), and a
    store reports the code-write flag exactly when it hit a line holding decoded code."""
    m = Memory()
    m.map_ram(base, size)
    m.map_ram(base + size + 0x100, 0x100, name="other")
    load, store = _window_fns(m, width)
    m.load(base, bytes(range(256)) * (size // 256) + bytes(size % 256))
    m.code_lines.add((base + 0x80) >> CODE_LINE_SHIFT)
    edges = [base - 4, base - 1, base, base + 1, base + 2, base + 3, base + 0x80, base + 0x81,
             base + size - 4, base + size - 3, base + size - 2, base + size - 1, base + size,
             base + size + 0x100, base + size + 0x1FC]
    read = {1: m.read8, 2: m.read16, 4: m.read32}[width]
    for a in edges:
        a &= 0xFFFFFFFF
        want = _outcome(read, a)
        got = _outcome(load, a)
        assert got == want, hex(a)
        assert _literal_load(m, width, a) == want, hex(a)
        value = (0xA5C3E1F7 + a) & ((1 << (8 * width)) - 1)
        try:
            flagged = store(a, value)
        except BusFault:
            continue
        assert read(a) == value, hex(a)
        code = any(((a + i) >> CODE_LINE_SHIFT) in m.code_lines for i in range(width))
        assert flagged == int(code), hex(a)


def test_ram_window_is_rebuilt_with_the_map() -> None:
    """The window describes the current map's first RAM region and its current accessors."""
    m = Memory()
    assert m.window is None
    m.map_rom(0, b"\0" * 16)
    assert m.window is None
    m.map_ram(0x1000, 0x1000)
    w = m.window
    assert w is not None and (w.base, w.size) == (0x1000, 0x1000)
    assert w.kinds[m.read32] == (4, False) and w.kinds[m.write8] == (1, True)
    m.map_ram(0x8000, 0x1000, name="more")
    assert m.window is not w and m.window is not None and m.read32 in m.window.kinds


@pytest.mark.parametrize("base,size", [(0, 0x1000), (0x40000000, 0x1000), (0x1000, 0x1804)])
@pytest.mark.parametrize("count", [2, 5, 16])
def test_ram_window_word_runs_agree_with_the_accessors(base: int, size: int, count: int) -> None:
    """A run of consecutive words (LDM/STM) checks its range once: every address near the RAM's
    edges loads and stores what the word accessor does, one word at a time, and the store reports
    a code line anywhere in the run (a 64-byte run may span two lines)."""
    m = Memory()
    m.map_ram(base, size)
    w = m.window
    assert w is not None
    names = sorted(w.names)
    targets = [f"t{j}" for j in range(count)]
    src = [f"def factory(stale, rd, wr, {', '.join(names)}):", "    def load(a):",
           *w.load_run_lines("        ", targets, "a", "rd"), f"        return [{', '.join(targets)}]",
           "    def store(a, vs):", "        S_ = stale[0] = 0", f"        {', '.join(targets)}, = vs",
           *w.store_run_lines("        ", [(t, True) for t in targets], "(a + 0)", "wr"),
           "        return S_", "    return load, store"]
    ns: Dict[str, Any] = {}
    exec("\n".join(src), ns)
    stale = [0]
    m.on_code_write = lambda a, n: stale.__setitem__(0, 1)
    load, store = ns["factory"](stale, m.read32, m.write32, *(w.names[n] for n in names))
    m.load(base, bytes(range(256)) * (size // 256) + bytes(size % 256))
    m.code_lines.add((base + 0x100) >> CODE_LINE_SHIFT)
    for a in (base - 8, base - 4, base, base + 4, base + 0x100 - 4 * count, base + 0x104 - 4 * count, base + 0x13C,
              base + size - 4 * count - 4, base + size - 4 * count, base + size - 4 * count + 4, base + size):
        want = _outcome(lambda: [m.read32(a + 4 * j) for j in range(count)])
        got = _outcome(load, a)
        assert got == want, hex(a)
        if isinstance(want, tuple):
            continue
        values = [(0x9E3779B9 * (a + j)) & 0xFFFFFFFF for j in range(count)]
        flagged = store(a, values)
        assert [m.read32(a + 4 * j) for j in range(count)] == values, hex(a)
        code = any(((a + 4 * j) >> CODE_LINE_SHIFT) in m.code_lines for j in range(count))
        assert flagged == int(code), hex(a)
