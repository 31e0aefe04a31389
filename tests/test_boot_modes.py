"""Boot modes: ``Machine(boot_mode=...)`` and ``armsim run --boot-mode`` (issue: svc | hyp | mon)."""

from __future__ import annotations

import pytest

from armsim import Machine
from armsim.cpu.modes import Mode
from armsim.errors import ConfigError


def test_default_is_secure_svc() -> None:
    """B1.9.1 reset: Secure SVC mode, A/I/F masked, SCR.NS = 0."""
    m = Machine(semihosting=False)
    c = m.cpu
    assert c.mode == Mode.SVC and c.sys.SCR & 1 == 0 and (c.A, c.I, c.F) == (1, 1, 1)


def test_hyp_boot_state() -> None:
    """Hyp boot, as a Secure monitor leaves a hypervisor (QEMU -M virt,virtualization=on): Non-secure Hyp mode,
    SCR.NS = 1, SCR.HCE = 1, SMC enabled (SCD = 0), NSACR grants CP10/CP11 with RFR = 0, masks set, HVBAR/VBAR 0,
    HCR/HSTR/HCPTR 0, HDCR 0 but HPMN = PMCR.N (Cortex-A15 TRM HDCR reset 0x00000006), SCTLR and HSCTLR at
    reset (M, C, A clear)."""
    m = Machine(semihosting=False, boot_mode="hyp")
    c = m.cpu
    sr = c.sys
    assert c.mode == Mode.HYP and not c.IsSecure()
    assert sr.SCR & 1 and sr.SCR & (1 << 8) and not sr.SCR & (1 << 7)
    assert sr.NSACR & (3 << 10) == 3 << 10 and not sr.NSACR & (1 << 19)
    assert (c.A, c.I, c.F) == (1, 1, 1)
    assert (sr.HVBAR, sr.VBAR, sr.HCR, sr.HSTR, sr.HDCR, sr.HCPTR) == (0, 0, 0, 0, 6, 0)
    assert sr.SCTLR & 0b111 == 0 and sr.HSCTLR & 0b111 == 0
    assert not m.exc.irq_line and not m.exc.fiq_line and not m.exc.pending()
    assert c.regs[13] == m.ram_end


def test_mon_boot_state() -> None:
    m = Machine(semihosting=False, boot_mode="mon")
    assert m.cpu.mode == Mode.MON and m.cpu.IsSecure()


def test_bad_boot_mode_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="unknown boot mode 'el2'"):
        Machine(boot_mode="el2")


def test_boot_mode_survives_reset() -> None:
    m = Machine(semihosting=False, boot_mode="hyp")
    m.cpu.set_mode(Mode.SVC)
    m.reset()
    assert m.cpu.mode == Mode.HYP
