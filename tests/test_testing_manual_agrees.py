"""armsim.testing.manual's layouts, a second transcription of DDI 0406C, agree with armsim's own.

The oracles (armsim/testing/oracles.py) keep their own register and HSR layouts
so that they do not import the implementation they check.  Two transcriptions of
the same tables are only worth having while they agree: this test names the
field where one side was changed without the other.  Registers: B4.1.65 HCR,
B4.1.66 HDCR, B4.1.74 HSTR, B4.1.67 HCPTR, B4.1.73 HSR, C11.11 DBGDSCR, DBGBCR,
DBGWCR, DBGDIDR, DBGVCR; syndromes: B3.13.6 (Table B3-20 EC values, the ISS
encodings of each EC).
"""

from __future__ import annotations

from typing import Dict, Tuple

import pytest

from armsim.coproc import syndrome
from armsim.cpu import sysregs
from armsim.debug import layouts as debug_layouts
from armsim.layout import Layout
from armsim.testing import manual

IMPLEMENTATION = {
    "HCR": sysregs.HCR, "HDCR": sysregs.HDCR, "HSTR": sysregs.HSTR, "HCPTR": sysregs.HCPTR, "HSR": sysregs.HSR,
    "DBGDSCR": debug_layouts.DBGDSCR, "DBGBCR": debug_layouts.DBGBCR, "DBGWCR": debug_layouts.DBGWCR,
    "DBGDIDR": debug_layouts.DBGDIDR, "DBGVCR": debug_layouts.DBGVCR,
}


def fields(layout: Layout) -> Dict[str, Tuple[int, int]]:
    return {f.name: (f.hi, f.lo) for f in layout}


@pytest.mark.parametrize("name", sorted(IMPLEMENTATION))
def test_register_layouts_agree_field_for_field(name: str) -> None:
    ref = getattr(manual, name)
    assert (ref.width, fields(ref)) == (IMPLEMENTATION[name].width, fields(IMPLEMENTATION[name]))


def test_the_hsr_exception_classes_agree() -> None:
    assert {e.name: int(e) for e in manual.EC} == {e.name: int(e) for e in syndrome.EC}


@pytest.mark.parametrize("ec", sorted(manual.ISS_LAYOUTS))
def test_iss_layouts_agree_for_every_ec_with_fields(ec: int) -> None:
    ref = manual.ISS_LAYOUTS[ec]
    impl = syndrome.ISS_LAYOUT[ec]
    assert (ref.width, fields(ref)) == (impl.width, fields(impl)), syndrome.EC(ec).name


def test_the_ecs_without_an_iss_layout_in_the_manual_module_have_no_fields() -> None:
    """manual.ISS_LAYOUTS leaves out the ECs whose ISS has no fields (EC 0x00 unknown, 0x09 Jazelle)."""
    missing = set(syndrome.ISS_LAYOUT) - set(manual.ISS_LAYOUTS)
    assert missing == {syndrome.EC.UNKNOWN, syndrome.EC.JAZELLE}
    assert all(fields(syndrome.ISS_LAYOUT[ec]) == {} for ec in missing)
