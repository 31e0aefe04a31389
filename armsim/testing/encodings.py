"""Coprocessor instructions as data, and their A32 and T32 encodings (DDI 0406C A8.8, A5.6, A6.3.18).

A :class:`CoprocInsn` names one MCR/MRC/MCRR/MRRC/LDC/STC by its fields; the
encoders turn it into the bytes a guest executes, written from the manual's
encoding diagrams (not from armsim's decoder, so a decoder test can use them):

* A32 (A8.8.98 MCR encoding A1 ``cond 1110 opc1:3 0 CRn Rt coproc opc2:3 1 CRm``,
  MRC the same with bit 20 set; A8.8.99 MCRR ``cond 1100010 0 Rt2 Rt coproc opc1:4 CRm``,
  MRRC with bit 20 set; A8.8.55 LDC ``cond 110 P U D W 1 Rn CRd coproc imm8``, STC bit 20 clear).
  The "2" forms put 1111 in the condition field.
* T32 (encodings T1/T2 of the same instructions): the same fields behind
  ``111T 1110`` / ``111T 1100 010`` / ``111T 110``, as two halfwords, first
  halfword first.  A condition other than AL is given by an IT instruction
  (A8.8.54 ``1011 1111 firstcond:4 mask:4``) in front: the access is the last
  instruction of an IT block of ``it_length`` instructions, the others NOPs.
"""

from __future__ import annotations

import struct
from typing import NamedTuple, Tuple

KINDS = ("MCR", "MRC", "MCRR", "MRRC", "LDC", "STC")
AL = 0xE
T16_NOP = 0xBF00  # A8.8.120 NOP encoding T1


class CoprocInsn(NamedTuple):
    """One coprocessor instruction (field names as in A8.8.98-A8.8.100, A8.8.55, A8.8.200).

    ``rt`` is Rt for MCR/MRC/MCRR/MRRC and the base register Rn for LDC/STC.
    ``cond`` is the condition the instruction executes under: the A32
    condition field, or in T32 the IT block's condition for this instruction
    (AL: outside any IT block).  ``two`` selects MCR2/MRC2/... (unconditional).
    LDC/STC use ``crd``, ``imm8``, ``p``, ``u``, ``w`` and ``d`` (the L bit).

    >>> hex(CoprocInsn("MRC", 14, 0, 0, 1, 0, rt=0).a32_word())   # MRC p14, 0, r0, c0, c1, 0
    '0xee100e11'
    >>> [hex(h) for h in CoprocInsn("MRC", 15, 0, 0, 0, 0, isa="T32", cond=0).encode_halfwords()]
    ['0xbf08', '0xee10', '0xf10']
    """

    kind: str
    coproc: int
    opc1: int = 0
    crn: int = 0
    crm: int = 0
    opc2: int = 0
    rt: int = 0
    rt2: int = 0
    cond: int = AL
    isa: str = "A32"
    two: bool = False
    crd: int = 0
    imm8: int = 0
    p: int = 1
    u: int = 1
    w: int = 0
    d: int = 0
    it_length: int = 1  # T32 only: instructions in the IT block that ends with this one

    # -- classification ------------------------------------------------------------------
    @property
    def is_write(self) -> bool:
        """MCR, MCRR and LDC move a value into the coprocessor."""
        return self.kind in ("MCR", "MCRR", "LDC")

    @property
    def is_64(self) -> bool:
        return self.kind in ("MCRR", "MRRC")

    @property
    def is_load_store(self) -> bool:
        return self.kind in ("LDC", "STC")

    @property
    def unconditional(self) -> bool:
        return self.two

    # -- encodings -----------------------------------------------------------------------
    def a32_word(self) -> int:
        """The A32 word (A8.8.98 etc. encoding A1; A2 for the "2" forms)."""
        head = 0xF if self.two else self.cond
        return (head << 28) | self._body()

    def t32_halfwords(self) -> Tuple[int, int]:
        """The T32 halfwords (encoding T1; T2 for the "2" forms), first halfword first."""
        word = ((0xF if self.two else 0xE) << 28) | self._body()
        return word >> 16, word & 0xFFFF

    def it_halfwords(self) -> Tuple[int, ...]:
        """The IT instruction and NOPs in front of a T32 access under a condition (empty for AL)."""
        if self.isa != "T32" or self.cond == AL or self.two:
            return ()
        n = self.it_length
        first = self.cond
        # Every slot "then" (same condition): mask = firstcond[0] for each later slot, then a 1.
        mask = 0
        for k in range(1, n):
            mask |= (first & 1) << (4 - k)
        mask |= 1 << (4 - n)
        return (0xBF00 | (first << 4) | mask,) + (T16_NOP,) * (n - 1)

    def encode_halfwords(self) -> Tuple[int, ...]:
        """T32: the IT prefix (if any) and the two halfwords of the access."""
        return self.it_halfwords() + self.t32_halfwords()

    def encode(self) -> bytes:
        """The little-endian bytes of the instruction (with its IT prefix in T32)."""
        if self.isa == "A32":
            return struct.pack("<I", self.a32_word())
        hws = self.encode_halfwords()
        return struct.pack(f"<{len(hws)}H", *hws)

    @property
    def length(self) -> int:
        """Bytes of the access instruction itself (4 in both instruction sets)."""
        return 4

    def _body(self) -> int:
        k = self.kind
        cp = (self.coproc & 0xF) << 8
        if k in ("MCR", "MRC"):
            load = 1 if k == "MRC" else 0
            return (0b1110 << 24 | (self.opc1 & 7) << 21 | load << 20 | (self.crn & 0xF) << 16
                    | (self.rt & 0xF) << 12 | cp | (self.opc2 & 7) << 5 | 1 << 4 | (self.crm & 0xF))
        if k in ("MCRR", "MRRC"):
            load = 1 if k == "MRRC" else 0
            return (0b1100010 << 21 | load << 20 | (self.rt2 & 0xF) << 16 | (self.rt & 0xF) << 12 | cp
                    | (self.opc1 & 0xF) << 4 | (self.crm & 0xF))
        if k in ("LDC", "STC"):
            load = 1 if k == "LDC" else 0
            return (0b110 << 25 | self.p << 24 | self.u << 23 | self.d << 22 | self.w << 21 | load << 20
                    | (self.rt & 0xF) << 16 | (self.crd & 0xF) << 12 | cp | (self.imm8 & 0xFF))
        raise ValueError(f"unknown coprocessor instruction kind {k!r} (expected one of {', '.join(KINDS)})")

    def text(self) -> str:
        """Assembler text, e.g. ``MRC p14, 0, r0, c0, c1, 0``."""
        name = self.kind + ("2" if self.two else "") + ("" if self.cond == AL or self.two else _COND[self.cond])
        if self.kind in ("MCR", "MRC"):
            return f"{name} p{self.coproc}, {self.opc1}, r{self.rt}, c{self.crn}, c{self.crm}, {self.opc2}"
        if self.is_64:
            return f"{name} p{self.coproc}, {self.opc1}, r{self.rt}, r{self.rt2}, c{self.crm}"
        off = ("" if self.u else "-") + str(self.imm8 * 4)
        lname = name + ("L" if self.d else "")
        if self.p:
            return f"{lname} p{self.coproc}, c{self.crd}, [r{self.rt}, #{off}]{'!' if self.w else ''}"
        if self.w:
            return f"{lname} p{self.coproc}, c{self.crd}, [r{self.rt}], #{off}"
        return f"{lname} p{self.coproc}, c{self.crd}, [r{self.rt}], {{{self.imm8}}}"


_COND = ("EQ", "NE", "CS", "CC", "MI", "PL", "VS", "VC", "HI", "LS", "GE", "LT", "GT", "LE", "", "")
