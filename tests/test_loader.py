"""ELF loader: valid images, every malformed-input reason, and fuzzing ("ELF for the Arm Architecture")."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from armsim.errors import ElfLoadError
from armsim.loader.elf import load_elf, load_image, parse_arm_attributes, parse_elf, read_elf
from armsim.memory import Memory

GUESTS = Path(__file__).resolve().parents[1] / "examples" / "guests"

# ---------------------------------------------------------------------------------------
# A tiny ELF32 writer (little-endian unless told otherwise), used by the other test files too.

PF_X, PF_W, PF_R = 1, 2, 4
STT_NOTYPE, STT_OBJECT, STT_FUNC = 0, 1, 2
STB_LOCAL, STB_GLOBAL = 0, 1

# A minimal "aeabi" attributes section: Tag_CPU_name "7-A", Tag_CPU_arch v7, Tag_ARM_ISA_use 1.
_ATTR_BODY = bytes([5]) + b"7-A\0" + bytes([6, 10, 8, 1])
_ATTR_FILE = bytes([1]) + struct.pack("<I", 5 + len(_ATTR_BODY)) + _ATTR_BODY
_ATTR_SUB = b"aeabi\0" + _ATTR_FILE
ATTRIBUTES = b"A" + struct.pack("<I", 4 + len(_ATTR_SUB)) + _ATTR_SUB

# Segment: (paddr, file bytes, memsz, flags) ; Symbol: (name, value, size, type, bind)
Seg = Tuple[int, bytes, int, int]
Sym = Tuple[str, int, int, int, int]


def build_elf(
    segments: Sequence[Seg],
    entry: int = 0x8000,
    *,
    symbols: Sequence[Sym] = (),
    attributes: Optional[bytes] = ATTRIBUTES,
    e_type: int = 2,
    e_machine: int = 40,
    ei_class: int = 1,
    ei_data: int = 1,
    extra_phdrs: Sequence[Tuple[int, int, int, int, int, int, int]] = (),
) -> bytes:
    """An ELF32 ET_EXEC image: header, program headers, segment data, then sections.

    ``extra_phdrs`` adds raw (type, offset, vaddr, paddr, filesz, memsz, flags) entries.
    """
    phnum = len(segments) + len(extra_phdrs)
    pos = 52 + 32 * phnum
    blobs: List[bytes] = []
    phdrs: List[bytes] = []
    for paddr, data, memsz, flags in segments:
        pos = (pos + 3) & ~3
        phdrs.append(struct.pack("<8I", 1, pos, paddr, paddr, len(data), memsz, flags, 4))
        blobs.append(data)
        pos += len(data)
    for raw in extra_phdrs:
        phdrs.append(struct.pack("<8I", *raw, 4))
    body = bytearray(52 + 32 * phnum)
    body[52:] = b"".join(phdrs)
    p = 52 + 32 * phnum
    for blob in blobs:
        p = (p + 3) & ~3
        body += bytes(p - len(body))
        body += blob
        p += len(blob)

    # Sections: null, .text (index 1, for st_shndx), .symtab, .strtab, [.ARM.attributes], .shstrtab
    shstr = bytearray(b"\0")

    def sname(s: str) -> int:
        off = len(shstr)
        shstr.extend(s.encode() + b"\0")
        return off

    strtab = bytearray(b"\0")
    syms = bytearray(16)
    for name, value, size, typ, bind in symbols:
        off = len(strtab)
        strtab.extend(name.encode() + b"\0")
        syms += struct.pack("<IIIBBH", off, value, size, (bind << 4) | typ, 0, 1)
    sections: List[Tuple[int, int, bytes, int, int, int]] = []  # name, type, data, link, info, entsize
    text0 = segments[0] if segments else (0, b"", 0, 0)
    sections.append((sname(".text"), 1, b"", 0, 0, 0))
    sections.append((sname(".symtab"), 2, bytes(syms), 3, 1, 16))
    sections.append((sname(".strtab"), 3, bytes(strtab), 0, 0, 0))
    if attributes is not None:
        sections.append((sname(".ARM.attributes"), 0x70000003, attributes, 0, 0, 0))
    shstrndx = len(sections) + 1
    sections.append((sname(".shstrtab"), 3, b"", 0, 0, 0))
    offsets = []
    for i, (_, _, data, _, _, _) in enumerate(sections):
        if i == len(sections) - 1:
            data = bytes(shstr)
        body += bytes((-len(body)) % 4)
        offsets.append(len(body))
        body += data
    body += bytes((-len(body)) % 4)
    shoff = len(body)
    body += bytes(40)
    for i, (nm, typ, data, link, info, entsize) in enumerate(sections):
        size = len(shstr) if i == len(sections) - 1 else len(data)
        addr = text0[0] if i == 0 else 0
        body += struct.pack("<10I", nm, typ, 0, addr, offsets[i], size, link, info, 4, entsize)
    ident = b"\x7fELF" + bytes([ei_class, ei_data, 1]) + bytes(9)
    struct.pack_into("<16sHHIIIIIHHHHHH", body, 0, ident, e_type, e_machine, 1, entry, 52, shoff, 0x05000200,
                     52, 32, phnum, 40, len(sections) + 1, shstrndx)
    return bytes(body)


CODE = struct.pack("<4I", 0xE3A00001, 0xE3A01002, 0xE0802001, 0xEAFFFFFE)
DATA = b"hello, data\0"


def sample_elf(**kw: object) -> bytes:
    """Code at 0x8000 (16 bytes), data + 0x100 bytes of BSS at 0x9000, two symbols."""
    syms = [("_start", 0x8000, 16, STT_FUNC, STB_GLOBAL), ("message", 0x9000, len(DATA), STT_OBJECT, STB_LOCAL)]
    args: Dict[str, object] = {"symbols": syms}
    args.update(kw)
    return build_elf([(0x8000, CODE, len(CODE), PF_R | PF_X), (0x9000, DATA, len(DATA) + 0x100, PF_R | PF_W)],
                     **args)  # type: ignore[arg-type]


def small_memory() -> Memory:
    mem = Memory()
    mem.map_ram(0, 1 << 20)
    return mem


def expect_error(data: bytes, *words: str) -> str:
    with pytest.raises(ElfLoadError) as ei:
        load_image(parse_elf(data, "t.elf"), small_memory())
    msg = str(ei.value)
    assert "\n" not in msg, msg
    assert msg.startswith("t.elf: "), msg
    for w in words:
        assert w in msg, msg
    return msg


def patch(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    b = bytearray(data)
    struct.pack_into(fmt, b, offset, *values)
    return bytes(b)


# ---------------------------------------------------------------------------------------
# Valid images


def test_segments_copied_and_bss_zeroed() -> None:
    """PT_LOAD: p_filesz bytes from the file, zeros up to p_memsz (the BSS)."""
    mem = small_memory()
    mem.load(0x9000, b"\xaa" * 0x200)  # stale contents the loader must clear
    img = load_image_bytes(sample_elf(), mem)
    assert mem.read_bytes(0x8000, 16) == CODE
    assert mem.read_bytes(0x9000, len(DATA)) == DATA
    assert mem.read_bytes(0x9000 + len(DATA), 0x100) == bytes(0x100)
    assert mem.read_bytes(0x9000 + len(DATA) + 0x100, 4) == b"\xaa" * 4  # beyond p_memsz: untouched
    assert img.entry == 0x8000 and not img.thumb and img.entry_key == 0x8000
    assert [(s.paddr, s.filesz, s.memsz, s.flags_str) for s in img.segments] == [
        (0x8000, 16, 16, "R-X"), (0x9000, len(DATA), len(DATA) + 0x100, "RW-")]
    assert img.end == 0x9000 + len(DATA) + 0x100


def load_image_bytes(data: bytes, mem: Memory):  # type: ignore[no-untyped-def]
    img = parse_elf(data, "t.elf")
    load_image(img, mem)
    return img


def test_thumb_entry_bit0() -> None:
    """The entry point's bit 0 selects Thumb state; the address has it cleared."""
    img = parse_elf(build_elf([(0x8000, CODE, 16, PF_R | PF_X)], entry=0x8005))
    assert img.thumb and img.entry == 0x8004 and img.entry_key == 0x8005


def test_load_address_is_paddr() -> None:
    """Segments go to p_paddr (MMU off); the entry is translated from p_vaddr through its segment."""
    data = patch(sample_elf(entry=0xC0008004), 52 + 8, "<I", 0xC0008000)  # segment 0: p_vaddr 0xc0008000
    mem = small_memory()
    img = load_image_bytes(data, mem)
    assert img.segments[0].vaddr == 0xC0008000 and img.segments[0].paddr == 0x8000
    assert img.entry == 0x8004
    assert mem.read_bytes(0x8000, 16) == CODE


def test_symbols_and_symbolize() -> None:
    img = parse_elf(sample_elf())
    assert img.lookup("_start") == 0x8000
    assert img.lookup("message") == 0x9000
    assert img.lookup("nothing") is None
    assert img.symbolize(0x8000) == "_start"
    assert img.symbolize(0x800C) == "_start+0xc"
    assert img.symbolize(0x8010) == "0x00008010"  # past the sized symbol
    assert img.symbolize(0x9004) == "message+0x4"
    assert img.symbolize(0x100) == "0x00000100"


def test_symbol_preference_and_thumb_functions() -> None:
    """A FUNC beats a NOTYPE label at one address; Thumb function values have bit 0 set."""
    syms = [("label", 0x8000, 0, STT_NOTYPE, STB_GLOBAL), ("func", 0x8000, 8, STT_FUNC, STB_GLOBAL),
            ("tfunc", 0x8009, 4, STT_FUNC, STB_GLOBAL), ("$a", 0x8000, 0, STT_NOTYPE, STB_LOCAL)]
    img = parse_elf(build_elf([(0x8000, CODE, 16, PF_R | PF_X)], symbols=syms))
    assert img.symbolize(0x8004) == "func+0x4"
    assert img.lookup("tfunc") == 0x8008
    assert img.symbolize(0x800A) == "tfunc+0x2"
    assert img.lookup("$a") is None  # mapping symbols are not names


def test_size_zero_label_covers_up_to_next_symbol() -> None:
    syms = [("a", 0x8000, 0, STT_NOTYPE, STB_GLOBAL), ("b", 0x8008, 0, STT_NOTYPE, STB_GLOBAL)]
    img = parse_elf(build_elf([(0x8000, CODE, 16, PF_R | PF_X)], symbols=syms))
    assert img.symbolize(0x8004) == "a+0x4"
    assert img.symbolize(0x800C) == "b+0x4"


def test_arm_attributes() -> None:
    img = parse_elf(sample_elf())
    assert img.attributes["Tag_CPU_name"] == "7-A"
    assert img.attributes["Tag_CPU_arch"] == 10
    assert img.cpu_arch == "v7"
    assert img.warnings == []


def test_damaged_attributes_only_warn() -> None:
    bad = ATTRIBUTES[:1] + struct.pack("<I", 0xFFFF) + ATTRIBUTES[5:]  # subsection length past the end
    img = parse_elf(sample_elf(attributes=bad))
    assert img.warnings and "attributes" in img.warnings[0]
    assert parse_arm_attributes(b"") == {}
    assert parse_arm_attributes(b"A" + struct.pack("<I", 0)) == {}


def test_no_section_headers_is_fine() -> None:
    """Only program headers are needed to load; no sections means no symbols."""
    data = patch(sample_elf(), 32, "<I", 0)  # e_shoff = 0
    img = parse_elf(data)
    assert img.symbols == [] and img.symbolize(0x8000) == "0x00008000"


def test_bundled_hello_elf() -> None:
    mem = small_memory()
    img = load_elf(mem, GUESTS / "hello.elf")
    assert img.entry == 0x8000 and img.lookup("_start") == 0x8000
    assert img.symbolize(0x8008) == "_start+0x8"
    assert mem.read32(0x8000) != 0


# ---------------------------------------------------------------------------------------
# Malformed input: one ElfLoadError, one line, a precise reason


def test_bad_magic() -> None:
    expect_error(b"\x7fELG" + bytes(60), "not an ELF file", "bad magic")
    expect_error(b"#!/bin/sh\necho hi\n", "not an ELF file")
    expect_error(b"", "not an ELF file", "empty")


def test_truncated_headers() -> None:
    good = sample_elf()
    expect_error(good[:10], "truncated ELF identification")
    expect_error(good[:40], "truncated ELF header")
    expect_error(good[:70], "truncated", "program headers")


def test_truncated_segment_data() -> None:
    good = sample_elf()
    off = struct.unpack_from("<I", good, 52 + 4)[0]
    data = patch(good, 52 + 16, "<II", 0x10000, 0x10000)  # segment 0 claims 64 KiB of file data
    expect_error(data, "truncated", "segment 0", f"{off:#x}")


def test_elfclass64_and_big_endian() -> None:
    expect_error(sample_elf(ei_class=2), "ELFCLASS64")
    expect_error(sample_elf(ei_class=7), "invalid ELF class")
    expect_error(patch(sample_elf(), 5, "<B", 2), "big-endian")
    expect_error(patch(sample_elf(), 5, "<B", 0), "invalid ELF data encoding")


def test_wrong_machine_and_type() -> None:
    expect_error(sample_elf(e_machine=62), "e_machine is 62", "EM_X86_64", "not EM_ARM")
    expect_error(sample_elf(e_type=1), "ET_REL", "not ET_EXEC")
    expect_error(sample_elf(e_type=3), "ET_DYN", "not ET_EXEC")


def test_no_program_headers_or_no_pt_load() -> None:
    expect_error(patch(sample_elf(), 44, "<H", 0), "no program headers")
    note_only = build_elf([], extra_phdrs=[(4, 0, 0, 0, 0, 0, PF_R)])
    expect_error(note_only, "no PT_LOAD")


def test_overlapping_segments() -> None:
    data = build_elf([(0x8000, CODE, 0x100, PF_R | PF_X), (0x8080, DATA, 0x100, PF_R | PF_W)])
    msg = expect_error(data, "overlaps", "segment 0", "segment 1")
    assert "0x00008000-0x000080ff" in msg and "0x00008080" in msg


def test_segment_outside_ram() -> None:
    data = build_elf([(0x10000000, CODE, 16, PF_R | PF_X)], entry=0x10000000)
    expect_error(data, "segment 0", "0x10000000-0x1000000f", "outside mapped memory",
                 "RAM 0x00000000-0x000fffff")
    # Starts inside RAM, ends outside.
    data = build_elf([(0xFFFF0, CODE, 0x100, PF_R | PF_X)], entry=0xFFFF0)
    expect_error(data, "outside mapped memory")
    # Wraps past 4 GiB.
    data = build_elf([(0xFFFFFFF0, CODE, 0x100, PF_R | PF_X)], entry=0xFFFFFFF0)
    expect_error(data, "32-bit address space")


def test_filesz_larger_than_memsz() -> None:
    data = build_elf([(0x8000, CODE, 8, PF_R | PF_X)])
    expect_error(data, "p_filesz 0x10", "p_memsz 0x8")


def test_bad_entry_point() -> None:
    expect_error(sample_elf(entry=0x20000), "entry point 0x00020000", "outside every PT_LOAD")
    expect_error(sample_elf(entry=0x8002), "not word-aligned")


def test_bad_table_entry_sizes() -> None:
    expect_error(patch(sample_elf(), 42, "<H", 56), "program header entry size")
    expect_error(patch(sample_elf(), 46, "<H", 64), "section header entry size")
    shoff = struct.unpack_from("<I", sample_elf(), 32)[0]
    expect_error(patch(sample_elf(), 32, "<I", shoff + 0x1000), "truncated", "section headers")


def test_corrupt_symbol_table() -> None:
    good = sample_elf()
    shoff = struct.unpack_from("<I", good, 32)[0]
    symtab = shoff + 2 * 40  # section 2
    expect_error(patch(good, symtab + 36, "<I", 0), "entry size")
    expect_error(patch(good, symtab + 20, "<I", 0x7FFFFFF0), "truncated", "symbol table")
    expect_error(patch(good, symtab + 24, "<I", 999), "malformed ELF")  # sh_link to a missing strtab


def test_files_that_are_not_elf(tmp_path: Path) -> None:
    with pytest.raises(ElfLoadError, match="no such file"):
        read_elf(tmp_path / "missing.elf")
    with pytest.raises(ElfLoadError, match="is a directory"):
        read_elf(tmp_path)
    with pytest.raises(ElfLoadError, match="not a regular file"):
        read_elf("/dev/null")
    text = tmp_path / "notes.txt"
    text.write_text("just some text\n")
    with pytest.raises(ElfLoadError, match="not an ELF file"):
        read_elf(text)


# ---------------------------------------------------------------------------------------
# Fuzzing: any damage gives success or ElfLoadError, nothing else
# (example counts come from the hypothesis profile in conftest.py: dev or ci)


FUZZ_BASE = sample_elf()


def _load_or_refuse(data: bytes) -> None:
    try:
        load_image(parse_elf(data, "fuzz.elf"), small_memory())
    except ElfLoadError as e:
        assert "\n" not in str(e)


@given(st.lists(st.tuples(st.integers(0, len(FUZZ_BASE) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_fuzz_byte_mutations(edits: List[Tuple[int, int]]) -> None:
    b = bytearray(FUZZ_BASE)
    for pos, val in edits:
        b[pos] = val
    _load_or_refuse(bytes(b))


HEADER_END = 52 + 32 * 2


@given(st.lists(st.tuples(st.integers(0, HEADER_END - 1), st.integers(0, 255)), min_size=1, max_size=4))
def test_fuzz_header_mutations(edits: List[Tuple[int, int]]) -> None:
    """Concentrate damage on the ELF header and program headers."""
    b = bytearray(FUZZ_BASE)
    for pos, val in edits:
        b[pos] = val
    _load_or_refuse(bytes(b))


@given(st.integers(0, len(FUZZ_BASE)), st.binary(max_size=64))
def test_fuzz_truncate_and_append(cut: int, tail: bytes) -> None:
    _load_or_refuse(FUZZ_BASE[:cut] + tail)


@given(st.binary(max_size=200))
def test_fuzz_attribute_parser(data: bytes) -> None:
    warnings: List[str] = []
    out = parse_arm_attributes(b"A" + data, warnings)
    assert isinstance(out, dict)


@given(st.integers(0, 5091), st.integers(0, 255))
def test_fuzz_bundled_hello(pos: int, val: int) -> None:
    data = bytearray((GUESTS / "hello.elf").read_bytes())
    data[pos % len(data)] = val
    _load_or_refuse(bytes(data))
