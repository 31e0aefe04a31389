"""Program loading: ELF executables (see :mod:`armsim.loader.elf`)."""

from __future__ import annotations

from armsim.loader.elf import ElfImage, Segment, Symbol, check_fits, load_elf, load_image, parse_elf, read_elf

__all__ = ["ElfImage", "Segment", "Symbol", "check_fits", "load_elf", "load_image", "parse_elf", "read_elf"]
