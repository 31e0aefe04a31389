"""The CP15 fault status/address rows and VBAR over the exception model's state (DDI 0406C B4.1)."""

from __future__ import annotations

from armsim import Machine
from armsim.coproc.bus import AccessKind, CoprocAccess, Verdict
from armsim.cpu.modes import Mode


def acc(kind: AccessKind, crn: int, crm: int, opc2: int, opc1: int = 0) -> CoprocAccess:
    return CoprocAccess(kind, 15, opc1, crn, crm, opc2)


def test_rows_read_the_exception_models_registers() -> None:
    """B4.1.52/.96/.51/.95: DFSR, IFSR, DFAR, IFAR are the values an abort recorded."""
    m = Machine(stdout=False, stderr=False)
    cp = m.bus.coprocs[15]
    m.exc.dfsr, m.exc.ifsr, m.exc.dfar, m.exc.ifar = 0x802, 0x2, 0x1234, 0x5678
    got = [cp.read(m.cpu, acc(AccessKind.MRC, crn, 0, op2)) for crn, op2 in ((5, 0), (5, 1), (6, 0), (6, 2))]
    assert got == [0x802, 0x2, 0x1234, 0x5678]


def test_vbar_write_keeps_bits_4_0_zero_and_moves_the_vectors() -> None:
    """B4.1.156 VBAR: bits 4:0 are RES0; the exception model's vector base follows it."""
    m = Machine(stdout=False, stderr=False)
    cp = m.bus.coprocs[15]
    cp.write(m.cpu, acc(AccessKind.MCR, 12, 0, 0), 0x4000001F)
    assert cp.read(m.cpu, acc(AccessKind.MRC, 12, 0, 0)) == 0x40000000 == m.exc.vector_base()


def test_user_mode_other_encodings_and_forms_are_undefined() -> None:
    """B4.1: PL1-only registers; unlisted encodings, opc1 != 0 and MCRR/MRRC are UNDEFINED."""
    m = Machine(stdout=False, stderr=False)
    cp = m.bus.coprocs[15]
    assert cp.check(m.cpu, acc(AccessKind.MRC, 5, 0, 0)) is Verdict.OK
    for a in (acc(AccessKind.MRC, 1, 0, 0), acc(AccessKind.MRC, 5, 0, 0, opc1=1), acc(AccessKind.MRRC, 0, 2, 0)):
        assert cp.check(m.cpu, a) is Verdict.UNDEFINED
    m.cpu.set_mode(Mode.USR)
    assert cp.check(m.cpu, acc(AccessKind.MRC, 5, 0, 0)) is Verdict.UNDEFINED
