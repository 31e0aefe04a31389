"""``armsim disasm``: list an ELF's code with armsim's own decoder (the rows' format column).

The listing follows ``objdump -d``: each executable section, the ARM/Thumb/data mapping
symbols (``$a``, ``$t``, ``$d``; "ELF for the Arm Architecture" 5.5.5) choosing how bytes
are read, a ``<symbol>:`` header at each function, and in Thumb code the IT state
tracked through each IT block so the instructions inside it show their conditions
(A2.5.2).  Data is listed as ``.word`` / ``.short`` / ``.byte``.
"""

from __future__ import annotations

import bisect
import struct
from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from armsim.errors import ElfLoadError
from armsim.isa import a32, t32
from armsim.isa.disasm import DisasmContext, render
from armsim.isa.ops.thumb import ITAdvance

MASK32 = 0xFFFFFFFF


def text(addr: int, thumb: bool, word: int, size: int, it: int = 0,
         symbolize: Optional[Callable[[int], str]] = None) -> str:
    """The GNU text of one instruction (``word`` is hw1:hw2 for a 32-bit Thumb one); "UNDEFINED" if no row."""
    if thumb:
        row = t32.lookup(word, size)
    else:
        row = a32.lookup(word)
    if row is None:
        return "UNDEFINED"
    d = DisasmContext(addr, thumb, size, it, symbolize, word)
    return render(row.fmt, row.extract(word), d, {})


@dataclass
class Line:
    addr: int
    size: int
    word: int
    thumb: bool
    text: str
    label: str = ""  # a symbol starting here

    def encoding(self) -> str:
        if self.thumb and self.size == 4:
            return f"{self.word >> 16:04x} {self.word & 0xFFFF:04x}"
        return f"{self.word:0{self.size * 2}x}"

    def __str__(self) -> str:
        return f"{self.addr:8x}:\t{self.encoding():<10}\t{self.text}"


@dataclass
class _Section:
    name: str
    addr: int
    data: bytes


class Listing:
    """An ELF's code sections, mapping symbols and function symbols."""

    def __init__(self, path: str) -> None:
        from elftools.common.exceptions import ELFError
        from elftools.elf.elffile import ELFFile

        try:
            with open(path, "rb") as fh:
                elf = ELFFile(fh)
                if elf.get_machine_arch() != "ARM" or elf.elfclass != 32:
                    raise ElfLoadError(f"{path}: not a 32-bit ARM ELF file")
                self.sections: List[_Section] = []
                for sec in elf.iter_sections():
                    flags = sec["sh_flags"]
                    if flags & 0x4 and flags & 0x2 and sec["sh_type"] == "SHT_PROGBITS":  # SHF_EXECINSTR, ALLOC
                        self.sections.append(_Section(sec.name, sec["sh_addr"], sec.data()))
                maps: List[Tuple[int, str]] = []
                syms: List[Tuple[int, str]] = []
                symtab = elf.get_section_by_name(".symtab")
                if symtab is not None:
                    for s in symtab.iter_symbols():  # type: ignore[attr-defined]
                        name = s.name
                        if not name or s["st_shndx"] == "SHN_UNDEF":
                            continue
                        kind = s["st_info"]["type"]
                        if name[0] == "$":
                            if len(name) >= 2 and name[1] in "atd" and (len(name) == 2 or name[2] == "."):
                                maps.append((s["st_value"], name[1]))
                        elif kind in ("STT_FUNC", "STT_NOTYPE", "STT_OBJECT"):
                            syms.append((s["st_value"] & ~1 if kind == "STT_FUNC" else s["st_value"], name))
        except ELFError as e:
            raise ElfLoadError(f"{path}: not a valid ELF file ({e})") from None
        except OSError as e:
            raise ElfLoadError(f"{path}: {e.strerror or e}") from None
        maps.sort()
        self._map_addrs = [a for a, _ in maps]
        self._map_kinds = [k for _, k in maps]
        syms.sort()
        self._sym_addrs = [a for a, _ in syms]
        self._sym_names = [n for _, n in syms]
        self.labels: Dict[int, str] = {}
        for a, n in syms:
            self.labels.setdefault(a, n)

    def address_of(self, spec: str) -> Optional[int]:
        """A number (0x.. or decimal) or a symbol name; None if neither."""
        try:
            return int(spec, 0)
        except ValueError:
            pass
        for a, n in zip(self._sym_addrs, self._sym_names):
            if n == spec:
                return a
        return None

    def kind(self, addr: int) -> str:
        """'a', 't' or 'd' at ``addr`` (the last mapping symbol at or below it; ARM if none)."""
        i = bisect.bisect_right(self._map_addrs, addr) - 1
        return self._map_kinds[i] if i >= 0 else "a"

    def symbolize(self, addr: int) -> str:
        i = bisect.bisect_right(self._sym_addrs, addr) - 1
        if i < 0:
            return ""
        base = self._sym_addrs[i]
        name = self._sym_names[i]
        return name if addr == base else f"{name}+0x{addr - base:x}"

    def lines(self, start: Optional[int] = None, count: Optional[int] = None) -> Iterator[Line]:
        n = 0
        for sec in self.sections:
            it = 0
            pos = 0
            data = sec.data
            while pos < len(data):
                addr = sec.addr + pos
                kind = self.kind(addr)
                nxt = self._next_map(addr, sec.addr + len(data))
                if kind == "d":
                    line, step = self._data(addr, data, pos, nxt)
                    it = 0
                elif kind == "t":
                    line, step, it = self._thumb(addr, data, pos, it)
                else:
                    line, step = self._arm(addr, data, pos)
                    it = 0
                pos += step
                if start is not None and addr < start:
                    continue
                line.label = self.labels.get(addr, "")
                yield line
                n += 1
                if count is not None and n >= count:
                    return

    def _next_map(self, addr: int, end: int) -> int:
        i = bisect.bisect_right(self._map_addrs, addr)
        return min(self._map_addrs[i], end) if i < len(self._map_addrs) else end

    def _data(self, addr: int, data: bytes, pos: int, nxt: int) -> Tuple[Line, int]:
        room = nxt - addr
        if room >= 4 and addr % 4 == 0 and pos + 4 <= len(data):
            w = struct.unpack_from("<I", data, pos)[0]
            return Line(addr, 4, w, False, f".word\t0x{w:08x}"), 4
        if room >= 2 and addr % 2 == 0 and pos + 2 <= len(data):
            w = struct.unpack_from("<H", data, pos)[0]
            return Line(addr, 2, w, True, f".short\t0x{w:04x}"), 2
        return Line(addr, 1, data[pos], False, f".byte\t0x{data[pos]:02x}"), 1

    def _arm(self, addr: int, data: bytes, pos: int) -> Tuple[Line, int]:
        if pos + 4 > len(data):
            return self._data(addr, data, pos, addr + 1)
        w = struct.unpack_from("<I", data, pos)[0]
        return Line(addr, 4, w, False, text(addr, False, w, 4, 0, self.symbolize)), 4

    def _thumb(self, addr: int, data: bytes, pos: int, it: int) -> Tuple[Line, int, int]:
        if pos + 2 > len(data):
            line, step = self._data(addr, data, pos, addr + 1)
            return line, step, 0
        hw1 = struct.unpack_from("<H", data, pos)[0]
        if t32.is_32bit(hw1) and pos + 4 <= len(data):
            w = (hw1 << 16) | struct.unpack_from("<H", data, pos + 2)[0]
            size = 4
        else:
            w, size = hw1, 2
        line = Line(addr, size, w, True, text(addr, True, w, size, it, self.symbolize))
        if size == 2 and hw1 & 0xFF00 == 0xBF00 and hw1 & 0xF:
            return line, size, hw1 & 0xFF  # IT: the next instructions are in its block
        return line, size, ITAdvance(it) if it else 0


def format_listing(listing: Listing, start: Optional[int], count: Optional[int]) -> Iterator[str]:
    for line in listing.lines(start, count):
        if line.label:
            yield f"\n{line.addr:08x} <{line.label}>:"
        yield str(line)
