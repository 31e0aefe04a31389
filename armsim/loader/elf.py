"""Loading 32-bit little-endian ARM executables (ELF, "ELF for the Arm Architecture").

:func:`read_elf` parses and validates a file, :func:`parse_elf` the same from
bytes, :func:`load_elf` also copies the image into a :class:`Memory`.  Only
``ET_EXEC`` images for ``EM_ARM`` are accepted.  Each ``PT_LOAD`` segment is
placed at its *physical* address ``p_paddr`` (the MMU is off after reset, so
the load address is where the code runs); ``p_filesz`` bytes come from the
file and the rest up to ``p_memsz`` is zero-filled (``.bss``).  The entry
point's bit 0 selects Thumb state; the entry address is translated through
its segment from ``p_vaddr`` to ``p_paddr`` (the same address when they agree,
as in every bare-metal image linked without a separate load address).

Every problem with the input is one :class:`~armsim.errors.ElfLoadError` whose
message is a single line naming the file and the reason.  The fixed-size
headers and the header tables are bounds-checked here before pyelftools
reads them, so that a damaged file gets a precise reason ("truncated", "not
EM_ARM", ...) and garbage never reaches a parser that could misbehave; any
exception pyelftools still raises is wrapped.  The ``.ARM.attributes``
section is decoded by a small bounded parser of our own (pyelftools' one can
loop forever on a corrupt length); damage there only adds a warning.
"""

from __future__ import annotations

import bisect
import io
import os
import struct
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple, Union

from elftools.elf.elffile import ELFFile
from elftools.elf.enums import ENUM_E_MACHINE

from armsim.errors import ElfLoadError
from armsim.memory import Memory

MASK32 = 0xFFFFFFFF

EM_ARM = 40
ET_EXEC = 2
PT_LOAD = 1
PN_XNUM = 0xFFFF
EHDR_SIZE = 52
PHDR_SIZE = 32
SHDR_SIZE = 40
SHT_SYMTAB = 2
SHT_NOBITS = 8
SHT_ARM_ATTRIBUTES = 0x70000003
SYM_SIZE = 16

_ET_NAMES = {0: "ET_NONE (no file type)", 1: "ET_REL (relocatable object)", 2: "ET_EXEC",
             3: "ET_DYN (shared object or position-independent executable)", 4: "ET_CORE (core dump)"}
_EM_NAMES = {v: k for k, v in ENUM_E_MACHINE.items() if isinstance(v, int)}

# "ELF for the Arm Architecture", build attributes: tag number -> name.
ARM_ATTRIBUTE_TAGS: Dict[int, str] = {
    4: "Tag_CPU_raw_name", 5: "Tag_CPU_name", 6: "Tag_CPU_arch", 7: "Tag_CPU_arch_profile",
    8: "Tag_ARM_ISA_use", 9: "Tag_THUMB_ISA_use", 10: "Tag_FP_arch", 11: "Tag_WMMX_arch",
    12: "Tag_Advanced_SIMD_arch", 13: "Tag_PCS_config", 14: "Tag_ABI_PCS_R9_use",
    15: "Tag_ABI_PCS_RW_data", 16: "Tag_ABI_PCS_RO_data", 17: "Tag_ABI_PCS_GOT_use",
    18: "Tag_ABI_PCS_wchar_t", 19: "Tag_ABI_FP_rounding", 20: "Tag_ABI_FP_denormal",
    21: "Tag_ABI_FP_exceptions", 22: "Tag_ABI_FP_user_exceptions", 23: "Tag_ABI_FP_number_model",
    24: "Tag_ABI_align_needed", 25: "Tag_ABI_align_preserved", 26: "Tag_ABI_enum_size",
    27: "Tag_ABI_HardFP_use", 28: "Tag_ABI_VFP_args", 29: "Tag_ABI_WMMX_args",
    30: "Tag_ABI_optimization_goals", 31: "Tag_ABI_FP_optimization_goals", 32: "Tag_compatibility",
    34: "Tag_CPU_unaligned_access", 36: "Tag_FP_HP_extension", 38: "Tag_ABI_FP_16bit_format",
    42: "Tag_MPextension_use", 44: "Tag_DIV_use", 46: "Tag_DSP_extension", 64: "Tag_nodefaults",
    65: "Tag_also_compatible_with", 66: "Tag_T2EE_use", 67: "Tag_conformance",
    68: "Tag_Virtualization_use",
}
_STRING_TAGS = frozenset((4, 5, 65, 67))

# Tag_CPU_arch values.
CPU_ARCH_NAMES: Dict[int, str] = {
    0: "pre-v4", 1: "v4", 2: "v4T", 3: "v5T", 4: "v5TE", 5: "v5TEJ", 6: "v6", 7: "v6KZ", 8: "v6T2",
    9: "v6K", 10: "v7", 11: "v6-M", 12: "v6S-M", 13: "v7E-M", 14: "v8-A",
}

_SYMBOL_KINDS = {"STT_FUNC": "func", "STT_OBJECT": "object", "STT_NOTYPE": "notype"}
# When several symbols share an address, which one names it.
_KIND_RANK = {"func": 0, "object": 1, "notype": 2}


@dataclass
class Segment:
    """One PT_LOAD program header and its file bytes."""

    index: int  # position in the program header table
    paddr: int
    vaddr: int
    offset: int
    filesz: int
    memsz: int
    flags: int
    data: bytes = field(repr=False)

    @property
    def end(self) -> int:
        """One past the last byte (physical)."""
        return self.paddr + self.memsz

    @property
    def flags_str(self) -> str:
        f = self.flags
        return ("R" if f & 4 else "-") + ("W" if f & 2 else "-") + ("X" if f & 1 else "-")

    def describe(self) -> str:
        last = self.paddr + max(self.memsz, 1) - 1
        return f"segment {self.index} ({self.flags_str}) at {self.paddr:#010x}-{last:#010x}"


@dataclass
class Symbol:
    name: str
    addr: int  # bit 0 cleared for Thumb functions
    size: int
    kind: str  # "func", "object" or "notype"
    is_global: bool
    thumb: bool = False


@dataclass
class ElfImage:
    """A validated executable: where it goes, where it starts, what its symbols are."""

    path: str
    entry: int  # physical address, bit 0 cleared
    thumb: bool  # the entry point is Thumb code (e_entry bit 0)
    flags: int  # e_flags (EABI version, float ABI)
    segments: List[Segment]
    symbols: List[Symbol] = field(default_factory=list, repr=False)
    attributes: Dict[str, Union[int, str]] = field(default_factory=dict)
    warnings: List[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_name: Dict[str, int] = {}
        by_addr: Dict[int, Symbol] = {}
        for s in self.symbols:
            if s.name not in self.by_name or s.is_global:
                self.by_name[s.name] = s.addr
            old = by_addr.get(s.addr)
            if old is None or _rank(s) < _rank(old):
                by_addr[s.addr] = s
        self.by_addr: Dict[int, Symbol] = by_addr
        self._sorted: List[int] = sorted(by_addr)

    @property
    def entry_key(self) -> int:
        """The engine PC key of the entry point (bit 0 = Thumb)."""
        return self.entry | int(self.thumb)

    @property
    def end(self) -> int:
        """One past the highest byte any PT_LOAD segment occupies."""
        return max(s.end for s in self.segments)

    @property
    def cpu_arch(self) -> Optional[str]:
        """Tag_CPU_arch as a name ("v7", "v5TE", ...), if the attributes say."""
        v = self.attributes.get("Tag_CPU_arch")
        return CPU_ARCH_NAMES.get(v) if isinstance(v, int) else None

    def lookup(self, name: str) -> Optional[int]:
        """Address of the symbol ``name`` (None if absent)."""
        return self.by_name.get(name)

    def find_symbol(self, addr: int) -> Optional[Tuple[Symbol, int]]:
        """The symbol containing ``addr`` and the offset into it.

        A sized symbol covers [addr, addr + size); a size-0 label covers
        everything up to the next symbol.
        """
        i = bisect.bisect_right(self._sorted, addr) - 1
        if i < 0:
            return None
        sym = self.by_addr[self._sorted[i]]
        off = addr - sym.addr
        if sym.size and off >= sym.size:
            return None
        return sym, off

    def symbolize(self, addr: int) -> str:
        """``"main"``, ``"main+0x10"`` or, outside every symbol, ``"0x00008010"``."""
        hit = self.find_symbol(addr)
        if hit is None:
            return f"{addr:#010x}"
        sym, off = hit
        return sym.name if off == 0 else f"{sym.name}+{off:#x}"


def _rank(s: Symbol) -> Tuple[int, int]:
    return (_KIND_RANK[s.kind], 0 if s.is_global else 1)


# -- parsing -------------------------------------------------------------------------


def read_elf(path: Union[str, os.PathLike[str]]) -> ElfImage:
    """Read and validate ``path`` (no memory involved)."""
    name = os.fspath(path)
    if os.path.isdir(name):
        raise ElfLoadError(f"{name}: is a directory, not an ELF file")
    if os.path.exists(name) and not os.path.isfile(name):
        raise ElfLoadError(f"{name}: not a regular file")
    try:
        with open(name, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise ElfLoadError(f"{name}: no such file") from None
    except OSError as e:
        raise ElfLoadError(f"{name}: cannot read: {e.strerror or e}") from None
    return parse_elf(data, name)


def parse_elf(data: bytes, name: str = "<bytes>") -> ElfImage:
    """Validate ``data`` as a 32-bit little-endian ARM ET_EXEC image."""
    try:
        return _parse(bytes(data), name)
    except ElfLoadError:
        raise
    except Exception as e:  # pyelftools (ELFError, construct errors), struct, ...
        text = " ".join(str(e).split()) or "no detail"
        raise ElfLoadError(f"{name}: malformed ELF ({type(e).__name__}: {text})") from None


def _fail(name: str, reason: str) -> ElfLoadError:
    return ElfLoadError(f"{name}: {reason}")


def _check_ident(data: bytes, name: str) -> None:
    n = len(data)
    if data[:4] != b"\x7fELF"[: min(n, 4)] or n == 0:
        raise _fail(name, f"not an ELF file (bad magic {data[:4].hex() or 'empty file'})")
    if n < 16:
        raise _fail(name, f"truncated ELF identification ({n} bytes, need 16)")
    cls, enc = data[4], data[5]
    if cls == 2:
        raise _fail(name, "64-bit ELF (ELFCLASS64); armsim runs 32-bit ARM executables")
    if cls != 1:
        raise _fail(name, f"invalid ELF class {cls} (EI_CLASS must be 1, ELFCLASS32)")
    if enc == 2:
        raise _fail(name, "big-endian ELF (ELFDATA2MSB); armsim loads little-endian images only")
    if enc != 1:
        raise _fail(name, f"invalid ELF data encoding {enc} (EI_DATA must be 1, ELFDATA2LSB)")
    if n < EHDR_SIZE:
        raise _fail(name, f"truncated ELF header ({n} bytes, need {EHDR_SIZE})")


def _parse(data: bytes, name: str) -> ElfImage:
    _check_ident(data, name)
    n = len(data)
    (e_type, e_machine, _e_version, e_entry, e_phoff, e_shoff, e_flags, _e_ehsize, e_phentsize, e_phnum,
     e_shentsize, e_shnum, _e_shstrndx) = struct.unpack_from("<HHIIIIIHHHHHH", data, 16)
    if e_machine != EM_ARM:
        what = _EM_NAMES.get(e_machine, "unknown")
        raise _fail(name, f"e_machine is {e_machine} ({what}), not EM_ARM (40)")
    if e_type != ET_EXEC:
        raise _fail(name, f"e_type is {_ET_NAMES.get(e_type, e_type)}, not ET_EXEC (an executable)")
    if e_phnum == 0:
        raise _fail(name, "no program headers (no PT_LOAD segment to load)")
    if e_phnum == PN_XNUM:
        raise _fail(name, "extended program header numbering (PN_XNUM) is not supported")
    if e_phentsize != PHDR_SIZE:
        raise _fail(name, f"program header entry size is {e_phentsize}, not {PHDR_SIZE}")
    if e_phoff + e_phnum * PHDR_SIZE > n:
        raise _fail(name, f"truncated: {e_phnum} program headers at file offset {e_phoff:#x} "
                          f"extend past the end of the file ({n} bytes)")
    has_sections = e_shoff != 0
    if has_sections:
        if e_shentsize != SHDR_SIZE:
            raise _fail(name, f"section header entry size is {e_shentsize}, not {SHDR_SIZE}")
        count = max(e_shnum, 1)
        if e_shoff + count * SHDR_SIZE > n:
            raise _fail(name, f"truncated: section headers at file offset {e_shoff:#x} "
                              f"extend past the end of the file ({n} bytes)")

    else:
        # gABI: e_shoff == 0 means there is no section header table; e_shnum and
        # e_shstrndx are then meaningless.  pyelftools (0.29 .. 0.32) still reads the
        # table they describe, so hand it a header that says "no sections".
        data = data[:48] + bytes(4) + data[52:]  # e_shnum = e_shstrndx = 0

    # Header and tables are sound; pyelftools takes it from here.
    elf = ELFFile(io.BytesIO(data))
    segments: List[Segment] = []
    for i in range(elf.num_segments()):
        ph = elf.get_segment(i).header
        if ph["p_type"] not in ("PT_LOAD", PT_LOAD):
            continue
        off, filesz, memsz = ph["p_offset"], ph["p_filesz"], ph["p_memsz"]
        if filesz > memsz:
            raise _fail(name, f"segment {i}: p_filesz {filesz:#x} is larger than p_memsz {memsz:#x}")
        if off + filesz > n:
            raise _fail(name, f"truncated: segment {i} data (file offset {off:#x}, {filesz:#x} bytes) "
                              f"extends past the end of the file ({n} bytes)")
        seg = Segment(i, ph["p_paddr"], ph["p_vaddr"], off, filesz, memsz, ph["p_flags"], data[off : off + filesz])
        if memsz and seg.end > 1 << 32:
            raise _fail(name, f"{seg.describe()} runs past the end of the 32-bit address space")
        segments.append(seg)
    if not segments:
        raise _fail(name, "no PT_LOAD segment")
    _check_overlaps(segments, name)

    thumb = bool(e_entry & 1)
    entry = e_entry & ~1
    if not thumb and entry & 3:
        raise _fail(name, f"entry point {e_entry:#010x} is not word-aligned (ARM state)")
    entry = _physical_entry(entry, segments, name)

    warnings: List[str] = []
    symbols: List[Symbol] = []
    attrs: Dict[str, Union[int, str]] = {}
    if has_sections:
        symbols, attrs = _read_sections(elf, data, e_shoff, name, warnings)
    return ElfImage(name, entry, thumb, e_flags, segments, symbols, attrs, warnings)


def _physical_entry(entry: int, segments: Sequence[Segment], name: str) -> int:
    """e_entry is a virtual address: translate it through its segment (p_vaddr -> p_paddr)."""
    for s in segments:
        if s.vaddr <= entry < s.vaddr + s.memsz:
            return entry - s.vaddr + s.paddr
    for s in segments:
        if s.paddr <= entry < s.end:
            return entry
    raise _fail(name, f"entry point {entry:#010x} is outside every PT_LOAD segment")


def _check_overlaps(segments: Sequence[Segment], name: str) -> None:
    placed = sorted((s for s in segments if s.memsz), key=lambda s: s.paddr)
    for a, b in zip(placed, placed[1:]):
        if b.paddr < a.end:
            raise _fail(name, f"{a.describe()} overlaps {b.describe()}")


def _read_sections(elf: ELFFile, data: bytes, shoff: int, name: str,
                   warnings: List[str]) -> Tuple[List[Symbol], Dict[str, Union[int, str]]]:
    """Symbols (pyelftools) and build attributes (our parser) from the section table."""
    n = len(data)
    symbols: List[Symbol] = []
    attrs: Dict[str, Union[int, str]] = {}
    for i in range(elf.num_sections()):
        at = shoff + i * SHDR_SIZE
        if at + SHDR_SIZE > n:
            raise _fail(name, f"truncated: section header {i} at file offset {at:#x} is past the end of the file")
        sh_type, _flags, _addr, sh_offset, sh_size = struct.unpack_from("<IIIII", data, at + 4)
        if sh_type == SHT_SYMTAB:
            (entsize,) = struct.unpack_from("<I", data, at + 36)
            if entsize != SYM_SIZE:
                raise _fail(name, f"symbol table (section {i}) entry size is {entsize}, not {SYM_SIZE}")
            if sh_offset + sh_size > n:
                raise _fail(name, f"truncated: symbol table (section {i}) extends past the end of the file")
            symbols.extend(_symbols(elf.get_section(i)))
        elif sh_type == SHT_ARM_ATTRIBUTES:
            if sh_offset + sh_size > n:
                warnings.append("build attributes section extends past the end of the file; ignored")
                continue
            attrs.update(parse_arm_attributes(data[sh_offset : sh_offset + sh_size], warnings))
    return symbols, attrs


def _symbols(sec: object) -> List[Symbol]:
    out: List[Symbol] = []
    for sym in sec.iter_symbols():  # type: ignore[attr-defined]
        name = sym.name
        info = sym["st_info"]
        kind = _SYMBOL_KINDS.get(info["type"])
        if not name or kind is None or name.startswith("$") or sym["st_shndx"] == "SHN_UNDEF":
            continue
        value = sym["st_value"]
        thumb = kind == "func" and bool(value & 1)
        out.append(Symbol(name, value & ~1 if thumb else value, sym["st_size"], kind,
                          info["bind"] in ("STB_GLOBAL", "STB_WEAK"), thumb))
    return out


# -- build attributes ("ELF for the Arm Architecture", "Build attributes") ----------


def _uleb(buf: bytes, pos: int, end: int) -> Tuple[int, int]:
    value = 0
    shift = 0
    while pos < end:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            break
    raise ValueError("bad ULEB128")


def _ntbs(buf: bytes, pos: int, end: int) -> Tuple[str, int]:
    z = buf.find(b"\0", pos, end)
    if z < 0:
        raise ValueError("unterminated string")
    return buf[pos:z].decode("ascii", "replace"), z + 1


def parse_arm_attributes(buf: bytes, warnings: Optional[List[str]] = None) -> Dict[str, Union[int, str]]:
    """File-scope "aeabi" attributes of a ``.ARM.attributes`` section body.

    Returns {"Tag_CPU_name": "7-A", "Tag_CPU_arch": 10, ...}; unknown tags
    appear as ``"Tag_<n>"``.  Malformed input stops the parse with a warning.
    """
    out: Dict[str, Union[int, str]] = {}
    try:
        if not buf or buf[0] != ord("A"):
            raise ValueError("unknown format version")
        pos = 1
        while pos + 4 <= len(buf):
            (length,) = struct.unpack_from("<I", buf, pos)
            end = pos + length
            if length < 5 or end > len(buf):
                raise ValueError("bad subsection length")
            vendor, p = _ntbs(buf, pos + 4, end)
            while vendor == "aeabi" and p + 5 <= end:
                tag, q = _uleb(buf, p, end)
                (size,) = struct.unpack_from("<I", buf, q)
                sub_end = p + size
                if size < 5 or sub_end > end:
                    raise ValueError("bad sub-subsection length")
                q += 4
                if tag == 1:  # Tag_File
                    while q < sub_end:
                        t, q = _uleb(buf, q, sub_end)
                        key = ARM_ATTRIBUTE_TAGS.get(t, f"Tag_{t}")
                        if t == 32:  # Tag_compatibility: flag, then vendor name
                            flag, q = _uleb(buf, q, sub_end)
                            vname, q = _ntbs(buf, q, sub_end)
                            out[key] = f"{flag} {vname}"
                        elif t in _STRING_TAGS or (t > 32 and t & 1):
                            out[key], q = _ntbs(buf, q, sub_end)
                        elif t < 32 and t not in ARM_ATTRIBUTE_TAGS:
                            raise ValueError(f"unknown attribute tag {t}")
                        else:
                            out[key], q = _uleb(buf, q, sub_end)
                p = sub_end
            pos = end
    except (ValueError, struct.error) as e:
        if warnings is not None:
            warnings.append(f"build attributes unreadable ({e}); partly ignored")
    return out


# -- loading into memory -----------------------------------------------------------


def _ram_ranges(mem: Memory) -> str:
    parts = [f"{r.kind.upper()} {r.base:#010x}-{r.end - 1:#010x}" for r in mem.regions if r.data is not None]
    return ", ".join(parts) if parts else "no RAM mapped"


def ram_hint(image: ElfImage) -> str:
    """A RAM layout that holds the image, as ``armsim run --ram`` takes it (with room above for the stack)."""
    spans = [(seg.paddr, seg.end) for seg in image.segments if seg.memsz]
    if not spans:
        return "0:128M"
    lo = min(a for a, _ in spans)
    hi = max(b for _, b in spans)
    mib = 1 << 20
    if hi <= 128 * mib:
        return "0:128M"
    base = lo & ~(mib - 1)
    size = min(((hi - base + mib - 1) // mib + 16) * mib, (1 << 32) - base)
    return f"{base:#x}:{size >> 20}M"


def check_fits(image: ElfImage, mem: Memory) -> None:
    """Raise ElfLoadError unless every segment lies in RAM/ROM of ``mem``; the message suggests a RAM layout."""
    for seg in image.segments:
        if not seg.memsz:
            continue
        addr = seg.paddr
        while addr < seg.end:
            r = mem.find(addr)
            if r is None or r.data is None:
                raise _fail(image.path, f"{seg.describe()} is outside mapped memory ({_ram_ranges(mem)}); "
                                        f"map RAM that holds it, e.g. --ram {ram_hint(image)} "
                                        f"(Machine(ram=(base, size)))")
            addr = r.end


def load_image(image: ElfImage, mem: Memory) -> None:
    """Copy a parsed image into ``mem``: file bytes, then zeros up to p_memsz."""
    check_fits(image, mem)
    for seg in image.segments:
        if seg.filesz:
            mem.load(seg.paddr, seg.data)
        if seg.memsz > seg.filesz:
            mem.load(seg.paddr + seg.filesz, bytes(seg.memsz - seg.filesz))


def load_elf(mem: Memory, path: Union[str, os.PathLike[str]]) -> ElfImage:
    """Read, validate and load ``path`` into ``mem``."""
    image = read_elf(path)
    load_image(image, mem)
    return image
