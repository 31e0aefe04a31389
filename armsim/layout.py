"""Register field layouts declared once, as data.

A :class:`Layout` names bit ranges of a 32-bit (or 64-bit) register.  It drives
packing, unpacking and trace rendering, so masks are never scattered through
the code.  Field positions are quoted from the ARM ARM where a layout is defined.
"""

from __future__ import annotations

from typing import Dict, Iterator, Mapping, Tuple


class Field:
    """One named bit range ``[hi:lo]``."""

    __slots__ = ("hi", "lo", "mask", "name", "shift", "width")

    def __init__(self, name: str, hi: int, lo: int) -> None:
        if hi < lo:
            raise ValueError(f"field {name}: hi {hi} < lo {lo}")
        self.name = name
        self.hi = hi
        self.lo = lo
        self.width = hi - lo + 1
        self.shift = lo
        self.mask = ((1 << self.width) - 1) << lo

    def get(self, value: int) -> int:
        return (value & self.mask) >> self.shift

    def set(self, value: int, field_value: int) -> int:
        if field_value < 0 or field_value >> self.width:
            raise ValueError(f"{self.name}: {field_value:#x} does not fit {self.width} bits")
        return (value & ~self.mask) | (field_value << self.shift)


class Layout:
    """An ordered set of non-overlapping fields of a ``width``-bit register."""

    def __init__(self, name: str, fields: Mapping[str, Tuple[int, int]], width: int = 32) -> None:
        self.name = name
        self.width = width
        self.fields: Dict[str, Field] = {}
        used = 0
        for fname, (hi, lo) in fields.items():
            f = Field(fname, hi, lo)
            if hi >= width:
                raise ValueError(f"{name}.{fname} exceeds {width} bits")
            if used & f.mask:
                raise ValueError(f"{name}.{fname} overlaps another field")
            used |= f.mask
            self.fields[fname] = f
        self.defined_mask = used

    def __getitem__(self, name: str) -> Field:
        return self.fields[name]

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields.values())

    def unpack(self, value: int) -> Dict[str, int]:
        return {f.name: f.get(value) for f in self.fields.values()}

    def pack(self, **values: int) -> int:
        out = 0
        for fname, v in values.items():
            out = self.fields[fname].set(out, v)
        return out

    def render(self, value: int) -> str:
        """Human-readable ``NAME{F1=..,F2=..}`` with non-zero fields only."""
        parts = []
        for f in self.fields.values():
            v = f.get(value)
            if v:
                parts.append(f"{f.name}={v:#x}" if f.width > 1 else f.name)
        return f"{self.name}{{{' '.join(parts)}}}"
