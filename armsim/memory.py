"""Physical memory: RAM, ROM and MMIO regions, little-endian, with an exclusive monitor.

Accesses outside every region raise :class:`BusFault`, which the engine turns
into an architectural Data Abort or Prefetch Abort (synchronous external
abort, DDI 0406C B3.13.3).  Alignment *rules* belong to the instructions (they
know whether SCTLR.A or the instruction itself demands alignment); this module
only moves bytes, splitting unaligned accesses into byte accesses.

The hot path is the primary RAM: word, halfword and byte accesses index a
``memoryview`` cast of one buffer.  RAM is an anonymous memory mapping
(:func:`anonymous_ram`), zero-filled by the host on first touch, so memory the
guest never touches costs no resident memory (``--ram 0:1G`` is cheap).  The access functions are closures
rebuilt whenever the map changes (``read32`` etc. are instance attributes,
not methods), so callers may hold them.  Writes check a set of 64-byte "code
lines" so that the engine can drop decoded instructions a store overwrites.
"""

from __future__ import annotations

import mmap
import platform
import struct
import sys
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, Union

from armsim.errors import MemoryMapError

MASK32 = 0xFFFFFFFF
CODE_LINE_SHIFT = 6

Buffer = Union[bytearray, mmap.mmap]
MmioRead = Callable[[int, int], int]  # (offset, size) -> value
MmioWrite = Callable[[int, int, int], None]  # (offset, size, value)

# How generated code (armsim.exec.blocks) reads and writes the primary RAM, chosen per interpreter,
# here only: on PyPy ``struct.Struct.unpack_from``/``pack_into`` on the buffer (measured 30-55 % faster
# than memoryview casts there); on CPython indexing ``memoryview`` casts (the reverse).
RAM_ACCESS = "struct" if platform.python_implementation() == "PyPy" else "memoryview"


class MemoryFault(Exception):
    """An access the memory system refuses; becomes a Data or Prefetch Abort."""

    fs = 0b01000  # short-descriptor FS: synchronous external abort

    def __init__(self, addr: int, size: int, is_write: bool) -> None:
        super().__init__(addr, size, is_write)
        self.addr = addr & MASK32
        self.size = size
        self.is_write = is_write

    def describe(self) -> str:
        what = "write to" if self.is_write else "read from"
        return f"{self.size}-byte {what} unmapped address {self.addr:#010x}"


class BusFault(MemoryFault):
    """No region decodes the address (or a ROM/MMIO region refuses the access)."""


class AlignmentFault(MemoryFault):
    """An access that the instruction requires to be aligned was not (FS 0b00001)."""

    fs = 0b00001

    def describe(self) -> str:
        what = "write to" if self.is_write else "read from"
        return f"unaligned {self.size}-byte {what} {self.addr:#010x}"


class Region:
    """One decoded address range."""

    def __init__(
        self,
        name: str,
        base: int,
        size: int,
        kind: str,
        data: Optional[Buffer] = None,
        read_cb: Optional[MmioRead] = None,
        write_cb: Optional[MmioWrite] = None,
    ) -> None:
        self.name = name
        self.base = base
        self.size = size
        self.end = base + size
        self.kind = kind  # "ram", "rom" or "mmio"
        self.data = data
        self.read_cb = read_cb
        self.write_cb = write_cb

    def __repr__(self) -> str:
        return f"<Region {self.name} {self.kind} {self.base:#010x}-{self.end - 1:#010x}>"


class ExclusiveMonitor:
    """The local exclusive monitor (A3.4.1).

    Tags the exact address and size of the last load-exclusive; a
    store-exclusive succeeds only for the same address and size while tagged,
    and always returns the monitor to Open Access.  (The reservation granule
    is IMPLEMENTATION DEFINED; armsim's is the access itself.)
    """

    __slots__ = ("addr", "size")

    def __init__(self) -> None:
        self.addr = -1
        self.size = 0

    def SetExclusiveMonitors(self, addr: int, size: int) -> None:
        self.addr = addr
        self.size = size

    def ExclusiveMonitorsPass(self, addr: int, size: int) -> bool:
        ok = self.addr == addr and self.size == size
        self.addr = -1
        return ok

    def ClearExclusiveLocal(self) -> None:
        self.addr = -1


class RamWindow:
    """The primary RAM as translated code accesses it inline (:mod:`armsim.exec.blocks`).

    ``kinds`` maps each of the memory's fast accessors (``read8`` .. ``write32``, the
    closures of the current map) to ``(size, is_write)``: a template that calls one of them
    may have the call replaced by :meth:`load_lines` / :meth:`store_lines`, which access the
    buffer directly for an aligned access inside the RAM and call the accessor otherwise
    (other regions, unaligned accesses, and stores to a line holding decoded code, so the
    accessor's code-write check runs exactly when the interpreter's would act on it).
    ``names`` are the objects the generated lines refer to.  A window is valid for one
    memory map: the engine drops translated code when the map changes.
    """

    def __init__(self, base: int, size: int, data: Buffer, lines: Set[int],
                 kinds: Dict[Callable[..., Any], Tuple[int, bool]]) -> None:
        self.base = base
        self.size = size
        self.kinds = kinds
        view = memoryview(data)
        self.names: Dict[str, Any] = {"CL_": lines}
        if RAM_ACCESS == "struct":
            self.names["MB_"] = data  # struct on the buffer itself (on a memoryview it is slow on PyPy)
            for n, f in ((1, "B"), (2, "H"), (4, "I")):
                st = struct.Struct("<" + f)
                self.names[f"U{n}_"] = st.unpack_from
                self.names[f"P{n}_"] = st.pack_into
        else:
            self.names["M1_"] = view
            self.names["M2_"] = view.cast("H") if size % 2 == 0 and base % 2 == 0 else None
            self.names["M4_"] = view.cast("I") if size % 4 == 0 and base % 4 == 0 else None

    def usable(self, size: int) -> bool:
        return RAM_ACCESS == "struct" or self.names[f"M{size}_"] is not None

    def _miss(self, size: int, off: str) -> str:
        """A condition true when ``off`` (an offset into the RAM, any integer) is not an aligned
        ``size``-byte access inside it."""
        n = self.size
        if n & (n - 1) == 0:
            return f"{off} & {-n | (size - 1)}"  # one AND: out of range (either side) or unaligned
        if size == 1:
            return f"not 0 <= {off} < {n}"
        return f"not 0 <= {off} < {n - size + 1} or {off} & {size - 1}"

    def _miss_run(self, off: str, nbytes: int) -> str:
        """As :meth:`_miss` for ``nbytes // 4`` consecutive words from ``off``."""
        n = self.size
        if n & (n - 1) == 0:
            k = -n | 3
            return f"{off} & {k} or {off} + {nbytes - 4} & {k}"
        return f"not 0 <= {off} < {n - nbytes + 1} or {off} & 3"

    def _word(self, off: str, j: int) -> str:
        if RAM_ACCESS == "struct":
            return f"U4_(MB_, {off} + {4 * j})[0]" if j else f"U4_(MB_, {off})[0]"
        return f"M4_[mi_ + {j}]" if j else "M4_[mi_]"

    def load_run_lines(self, pad: str, targets: List[str], addr: str, call: str) -> List[str]:
        """``targets[j] = call(addr + 4 * j)`` (consecutive words, as LDM loads) with one range check."""
        lines, a, o = self._prologue(pad, addr)
        nbytes = 4 * len(targets)
        slow = [f"{pad}    {t} = {call}({a} + {4 * j})" if j else f"{pad}    {t} = {call}({a})"
                for j, t in enumerate(targets)]
        fast = [] if RAM_ACCESS == "struct" else [f"{pad}    mi_ = {o} >> 2"]
        fast += [f"{pad}    {t} = {self._word(o, j)}" for j, t in enumerate(targets)]
        return [*lines, f"{pad}if {self._miss_run(o, nbytes)}:", *slow, f"{pad}else:", *fast]

    def store_run_lines(self, pad: str, values: List[Tuple[str, bool]], addr: str, call: str) -> List[str]:
        """``call(addr + 4 * j, values[j])`` (consecutive words, as STM stores) with one range check
        and one code-line check per 64 bytes; ``values``: (expression, whether it is a register)."""
        lines, a, o = self._prologue(pad, addr)
        nbytes = 4 * len(values)
        span = sorted({*range(0, nbytes - 4, 1 << CODE_LINE_SHIFT), nbytes - 4})
        code = " or ".join(f"({a} + {k}) >> {CODE_LINE_SHIFT} in CL_" if k else f"{a} >> {CODE_LINE_SHIFT} in CL_"
                           for k in span)
        slow = [f"{pad}    {call}({a} + {4 * j}, {v})" if j else f"{pad}    {call}({a}, {v})"
                for j, (v, _) in enumerate(values)]
        fast = [] if RAM_ACCESS == "struct" else [f"{pad}    mi_ = {o} >> 2"]
        for j, (v, plain) in enumerate(values):
            v = v if plain else f"{v} & 0xFFFFFFFF"
            if RAM_ACCESS == "struct":
                fast.append(f"{pad}    P4_(MB_, {o} + {4 * j}, {v})" if j else f"{pad}    P4_(MB_, {o}, {v})")
            else:
                fast.append(f"{pad}    {self._word(o, j)} = {v}")
        return [*lines, f"{pad}if {self._miss_run(o, nbytes)} or {code}:", *slow, f"{pad}    S_ = stale[0]",
                f"{pad}else:", *fast]

    def _prologue(self, pad: str, addr: str) -> Tuple[List[str], str, str]:
        """(lines, address name, offset name) for an access at expression ``addr``."""
        lines: List[str] = []
        a = addr
        if not addr.isidentifier():
            lines.append(f"{pad}ma_ = {addr}")
            a = "ma_"
        if self.base == 0:
            return lines, a, a
        lines.append(f"{pad}mo_ = {a} - {self.base}")
        return lines, a, "mo_"

    def _item(self, size: int, off: str) -> str:
        shift = {1: "", 2: " >> 1", 4: " >> 2"}[size]
        return f"M{size}_[{off}{shift}]"

    def load_lines(self, pad: str, target: str, size: int, addr: str, call: str) -> List[str]:
        """``target = call(addr)`` (a ``size``-byte little-endian load) with the RAM inline."""
        if addr.isdigit():  # a literal address (LDR literal): decided now
            off = int(addr) - self.base
            if off & (size - 1) or not 0 <= off <= self.size - size:
                return [f"{pad}{target} = {call}({addr})"]
            if RAM_ACCESS == "struct":
                return [f"{pad}{target} = U{size}_(MB_, {off})[0]"]
            return [f"{pad}{target} = M{size}_[{off // size}]"]
        lines, a, o = self._prologue(pad, addr)
        if RAM_ACCESS == "struct":
            fast = f"U{size}_(MB_, {o})[0]"
        else:
            fast = self._item(size, o)
        return [*lines, f"{pad}if {self._miss(size, o)}:", f"{pad}    {target} = {call}({a})", f"{pad}else:",
                f"{pad}    {target} = {fast}"]

    def store_lines(self, pad: str, size: int, addr: str, value: str, call: str, plain: bool) -> List[str]:
        """``call(addr, value)`` with the RAM inline; after the call (the slow path) ``S_`` is the
        engine's stale flag, so the block checks it only when the call ran.  ``plain``: ``value``
        is already ``8 * size`` bits wide (a register)."""
        lines, a, o = self._prologue(pad, addr)
        bits = {1: 0xFF, 2: 0xFFFF, 4: 0xFFFFFFFF}[size]
        v = value if plain and size == 4 else f"{value} & {bits}"
        if RAM_ACCESS == "struct":
            fast = f"P{size}_(MB_, {o}, {v})"
        else:
            fast = f"{self._item(size, o)} = {v}"
        return [*lines, f"{pad}if {self._miss(size, o)} or {a} >> {CODE_LINE_SHIFT} in CL_:",
                f"{pad}    {call}({a}, {value})", f"{pad}    S_ = stale[0]", f"{pad}else:", f"{pad}    {fast}"]


class Memory:
    """A 32-bit physical address space."""

    read8: Callable[[int], int]
    read16: Callable[[int], int]
    read32: Callable[[int], int]
    write8: Callable[[int, int], None]
    write16: Callable[[int, int], None]
    write32: Callable[[int, int], None]

    def __init__(self) -> None:
        self.regions: List[Region] = []
        self.monitor = ExclusiveMonitor()
        # Lines (addr >> CODE_LINE_SHIFT) holding decoded instructions, and who to tell.
        self.code_lines: Set[int] = set()
        self.on_code_write: Optional[Callable[[int, int], None]] = None
        self.window: Optional[RamWindow] = None
        self.map_listeners: List[Callable[[], None]] = []
        self._rebuild()

    # -- map -------------------------------------------------------------
    def _add(self, region: Region) -> Region:
        if region.size <= 0 or region.base < 0 or region.end > 1 << 32:
            raise MemoryMapError(
                f"region {region.name}: {region.base:#x}+{region.size:#x} is not inside the 32-bit space"
            )
        for r in self.regions:
            if region.base < r.end and r.base < region.end:
                raise MemoryMapError(f"region {region.name} at {region.base:#010x} overlaps {r.name} at {r.base:#010x}")
        self.regions.append(region)
        self.regions.sort(key=lambda r: r.base)
        self._rebuild()
        for fn in self.map_listeners:
            fn()
        return region

    def map_ram(self, base: int, size: int, name: str = "ram") -> Region:
        return self._add(Region(name, base, size, "ram", anonymous_ram(size)))

    def map_rom(self, base: int, data: bytes, name: str = "rom") -> Region:
        return self._add(Region(name, base, len(data), "rom", bytearray(data)))

    def map_mmio(self, base: int, size: int, read: MmioRead, write: MmioWrite, name: str = "mmio") -> Region:
        return self._add(Region(name, base, size, "mmio", None, read, write))

    def find(self, addr: int) -> Optional[Region]:
        for r in self.regions:
            if r.base <= addr < r.end:
                return r
        return None

    def is_mapped(self, addr: int, size: int = 1) -> bool:
        r = self.find(addr)
        return r is not None and addr + size <= r.end

    # -- slow path ---------------------------------------------------------
    def _slow_read(self, addr: int, size: int) -> int:
        addr &= MASK32
        r = self.find(addr)
        if r is None or addr + size > r.end:
            # Unmapped, or straddling two regions: every byte must be mapped.
            for i in range(size):
                if self.find((addr + i) & MASK32) is None:
                    raise BusFault(addr, size, False)
            value = 0
            for i in range(size):
                value |= self._slow_read((addr + i) & MASK32, 1) << (8 * i)
            return value
        off = addr - r.base
        if r.data is not None:
            return int.from_bytes(r.data[off : off + size], "little")
        assert r.read_cb is not None
        return r.read_cb(off, size) & ((1 << (8 * size)) - 1)

    def _slow_write(self, addr: int, size: int, value: int) -> None:
        addr &= MASK32
        r = self.find(addr)
        if r is None or addr + size > r.end:
            if r is None and size == 1:
                raise BusFault(addr, size, True)
            # Check every byte is writable before changing any (no partial stores).
            for i in range(size):
                rr = self.find((addr + i) & MASK32)
                if rr is None or rr.kind == "rom":
                    raise BusFault(addr, size, True)
            for i in range(size):
                self._slow_write((addr + i) & MASK32, 1, (value >> (8 * i)) & 0xFF)
            return
        if r.kind == "rom":
            raise BusFault(addr, size, True)
        off = addr - r.base
        if r.data is not None:
            r.data[off : off + size] = (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
        else:
            assert r.write_cb is not None
            r.write_cb(off, size, value & ((1 << (8 * size)) - 1))
        self._code_written(addr, size)

    def _code_written(self, addr: int, size: int) -> None:
        lines = self.code_lines
        if lines and ((addr >> CODE_LINE_SHIFT) in lines or ((addr + size - 1) >> CODE_LINE_SHIFT) in lines):
            cb = self.on_code_write
            if cb is not None:
                cb(addr, size)

    # -- fast path -----------------------------------------------------------
    def _rebuild(self) -> None:
        """Build the access closures around the first RAM region."""
        ram = next((r for r in self.regions if r.kind == "ram"), None)
        slow_read = self._slow_read
        slow_write = self._slow_write
        lines = self.code_lines
        code_written = self._code_written
        if ram is None or sys.byteorder != "little":

            def read8(addr: int) -> int:
                return slow_read(addr, 1)

            def read16(addr: int) -> int:
                return slow_read(addr, 2)

            def read32(addr: int) -> int:
                return slow_read(addr, 4)

            def write8(addr: int, value: int) -> None:
                slow_write(addr, 1, value)

            def write16(addr: int, value: int) -> None:
                slow_write(addr, 2, value)

            def write32(addr: int, value: int) -> None:
                slow_write(addr, 4, value)

        else:
            assert ram.data is not None
            base = ram.base
            size = ram.size
            bytes_ = memoryview(ram.data)
            data = bytes_
            halves = bytes_.cast("H") if size % 2 == 0 and base % 2 == 0 else None
            words = bytes_.cast("I") if size % 4 == 0 and base % 4 == 0 else None

            # Bytes: the buffer itself under struct (PyPy), its memoryview otherwise.
            buf: Any = ram.data if RAM_ACCESS == "struct" else data

            def read8(addr: int) -> int:
                off = addr - base
                if 0 <= off < size:
                    return buf[off]
                return slow_read(addr, 1)

            def write8(addr: int, value: int) -> None:
                off = addr - base
                if 0 <= off < size:
                    buf[off] = value & 0xFF
                    if lines and (addr >> CODE_LINE_SHIFT) in lines:
                        code_written(addr, 1)
                    return
                slow_write(addr, 1, value)

            if RAM_ACCESS == "struct":
                # PyPy: struct on the buffer itself (RAM_ACCESS above).
                st = ram.data
                u16 = struct.Struct("<H")
                u32 = struct.Struct("<I")
                unpack16 = u16.unpack_from
                unpack32 = u32.unpack_from
                pack16 = u16.pack_into
                pack32 = u32.pack_into

                def read16(addr: int) -> int:
                    off = addr - base
                    if 0 <= off < size - 1:
                        return int(unpack16(st, off)[0])
                    return slow_read(addr, 2)

                def read32(addr: int) -> int:
                    off = addr - base
                    if 0 <= off < size - 3:
                        return int(unpack32(st, off)[0])
                    return slow_read(addr, 4)

                def write16(addr: int, value: int) -> None:
                    off = addr - base
                    if 0 <= off < size - 1:
                        pack16(st, off, value & 0xFFFF)
                        if lines and ((addr >> CODE_LINE_SHIFT) in lines or ((addr + 1) >> CODE_LINE_SHIFT) in lines):
                            code_written(addr, 2)
                        return
                    slow_write(addr, 2, value)

                def write32(addr: int, value: int) -> None:
                    off = addr - base
                    if 0 <= off < size - 3:
                        pack32(st, off, value & MASK32)
                        if lines and ((addr >> CODE_LINE_SHIFT) in lines or ((addr + 3) >> CODE_LINE_SHIFT) in lines):
                            code_written(addr, 4)
                        return
                    slow_write(addr, 4, value)

            else:
                def read16(addr: int) -> int:
                    off = addr - base
                    if 0 <= off < size - 1:
                        if off & 1 or halves is None:
                            return data[off] | (data[off + 1] << 8)
                        return halves[off >> 1]
                    return slow_read(addr, 2)

                def read32(addr: int) -> int:
                    off = addr - base
                    if 0 <= off < size - 3:
                        if off & 3 or words is None:
                            return int.from_bytes(data[off : off + 4], "little")
                        return words[off >> 2]
                    return slow_read(addr, 4)

                def write16(addr: int, value: int) -> None:
                    off = addr - base
                    if 0 <= off < size - 1:
                        value &= 0xFFFF
                        if off & 1 or halves is None:
                            data[off] = value & 0xFF
                            data[off + 1] = value >> 8
                            if lines:
                                code_written(addr, 2)
                            return
                        halves[off >> 1] = value
                        if (addr >> CODE_LINE_SHIFT) in lines:
                            code_written(addr, 2)
                        return
                    slow_write(addr, 2, value)

                def write32(addr: int, value: int) -> None:
                    off = addr - base
                    if 0 <= off < size - 3:
                        value &= MASK32
                        if off & 3 or words is None:
                            data[off : off + 4] = value.to_bytes(4, "little")
                            if lines:
                                code_written(addr, 4)
                            return
                        words[off >> 2] = value
                        if (addr >> CODE_LINE_SHIFT) in lines:
                            code_written(addr, 4)
                        return
                    slow_write(addr, 4, value)
        self.read8 = read8
        self.read16 = read16
        self.read32 = read32
        self.write8 = write8
        self.write16 = write16
        self.write32 = write32
        self.window = None
        if ram is not None and sys.byteorder == "little":
            assert ram.data is not None
            kinds: Dict[Callable[..., Any], Tuple[int, bool]] = {
                read8: (1, False), read16: (2, False), read32: (4, False),
                     write8: (1, True), write16: (2, True), write32: (4, True)}
            self.window = RamWindow(ram.base, ram.size, ram.data, lines, kinds)

    def accessors(self, big_endian: bool) -> Tuple[Callable[[int], int], Callable[[int], int], Callable[[int], int],
                                                   Callable[[int, int], None], Callable[[int, int], None],
                                                   Callable[[int, int], None]]:
        """(read8, read16, read32, write8, write16, write32) for CPSR.E = ``big_endian`` (A3.3)."""
        if not big_endian:
            return self.read8, self.read16, self.read32, self.write8, self.write16, self.write32
        r16, r32, w16, w32 = self.read16, self.read32, self.write16, self.write32

        def read16_be(addr: int) -> int:
            v = r16(addr)
            return ((v & 0xFF) << 8) | (v >> 8)

        def read32_be(addr: int) -> int:
            return int.from_bytes(r32(addr).to_bytes(4, "little"), "big")

        def write16_be(addr: int, value: int) -> None:
            w16(addr, ((value & 0xFF) << 8) | ((value >> 8) & 0xFF))

        def write32_be(addr: int, value: int) -> None:
            w32(addr, int.from_bytes((value & MASK32).to_bytes(4, "big"), "little"))

        return self.read8, read16_be, read32_be, self.write8, write16_be, write32_be

    # -- host-side helpers (loader, semihosting, tests) ------------------------------
    def load(self, addr: int, data: bytes) -> None:
        """Copy ``data`` into RAM or ROM regions (host side: ROM is writable here)."""
        pos = 0
        while pos < len(data):
            a = addr + pos
            r = self.find(a)
            if r is None or r.data is None:
                raise MemoryMapError(f"cannot load {len(data) - pos} bytes at unmapped address {a:#010x}")
            n = min(len(data) - pos, r.end - a)
            r.data[a - r.base : a - r.base + n] = data[pos : pos + n]
            pos += n
        if self.code_lines and self.on_code_write is not None and data:
            self.on_code_write(addr, len(data))

    def read_bytes(self, addr: int, n: int) -> bytes:
        """Host-side read; raises BusFault naming the first unmapped byte."""
        out = bytearray()
        pos = 0
        while pos < n:
            a = (addr + pos) & MASK32
            r = self.find(a)
            if r is None:
                raise BusFault(a, 1, False)
            k = min(n - pos, r.end - a)
            if r.data is not None:
                out += r.data[a - r.base : a - r.base + k]
            else:
                for i in range(k):
                    out.append(self._slow_read(a + i, 1))
            pos += k
        return bytes(out)

    def write_bytes(self, addr: int, data: bytes) -> None:
        """Host-side write through the normal path (ROM refused, code lines honoured)."""
        for i, b in enumerate(data):
            self.write8((addr + i) & MASK32, b)

    def read_cstring(self, addr: int, limit: int = 1 << 20) -> bytes:
        out = bytearray()
        while len(out) < limit:
            b = self.read8((addr + len(out)) & MASK32)
            if b == 0:
                return bytes(out)
            out.append(b)
        return bytes(out)


def anonymous_ram(size: int) -> Buffer:
    """``size`` zero bytes backed by an anonymous private mapping (pages materialise when touched).

    Falls back to a ``bytearray`` where the host has no anonymous mappings.
    """
    try:
        return mmap.mmap(-1, size)
    except (OSError, ValueError, OverflowError):
        return bytearray(size)
