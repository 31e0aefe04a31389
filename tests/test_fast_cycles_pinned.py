"""The fast level's exact cycles of every bundled guest, pinned (both profiles, both engines).

The fast level charges each operation its class's static issue cycles (armsim/timing/model.py); its
price is now memoised per row and refining word bits (Timing.fast_charge, refining_mask).  These
counts were measured before that change, so any change of a fast-level count fails here.  Each
guest runs to its end (instructions, cycles); the long workload guests are left to test_workload_guest.
"""

from __future__ import annotations

from typing import Dict, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim import Machine
from armsim.isa.contract import InsnInfo
from armsim.timing.model import Timing, refining_mask
from armsim.timing.operands import iset_of, row_class
from armsim.timing.profiles import PROFILES
from tests.conftest import profile_examples
from tests.test_costs import ROWS
from tests.test_engines_diff import GUESTS, _guest_options

# (guest, cpu) -> (instructions, fast-level cycles), measured on main 918b6e6.
PINNED: Dict[Tuple[str, str], Tuple[int, int]] = {
    ("debug/debug_guest.elf", "cortex-a15"): (7467, 8299),
    ("debug/debug_guest_thumb.elf", "cortex-a15"): (6889, 7763),
    ("debug/debug_guest_thumb_virt.elf", "cortex-a15"): (6559, 7419),
    ("debug/debug_guest_virt.elf", "cortex-a15"): (7117, 7939),
    ("exitcode-a15.elf", "cortex-a15"): (2648, 2920),
    ("exitcode-a15.elf", "cortex-a7"): (2648, 2871),
    ("exitcode-thumb.elf", "cortex-a15"): (2657, 2929),
    ("exitcode-thumb.elf", "cortex-a7"): (2657, 2880),
    ("exitcode.elf", "cortex-a15"): (2681, 2961),
    ("exitcode.elf", "cortex-a7"): (2681, 2912),
    ("hello.elf", "cortex-a15"): (7, 7),
    ("hello.elf", "cortex-a7"): (7, 7),
    ("hyp/hyp_guest.elf", "cortex-a15"): (1696, 1954),
    ("hyp/hyp_guest.elf", "cortex-a7"): (1696, 1846),
    ("hyp/hyp_guest_virt.elf", "cortex-a15"): (1696, 1954),
    ("hyp/hyp_guest_virt.elf", "cortex-a7"): (1696, 1846),
    ("interwork.elf", "cortex-a15"): (15049, 15395),
    ("interwork.elf", "cortex-a7"): (15049, 15345),
    ("malloc-a15.elf", "cortex-a15"): (2094566, 2101879),
    ("malloc-a15.elf", "cortex-a7"): (2094566, 2101419),
    ("malloc-thumb.elf", "cortex-a15"): (2092187, 2099497),
    ("malloc-thumb.elf", "cortex-a7"): (2092187, 2099037),
    ("malloc.elf", "cortex-a15"): (1982034, 1988508),
    ("malloc.elf", "cortex-a7"): (1982034, 1988048),
    ("printf-a15.elf", "cortex-a15"): (100948, 106814),
    ("printf-a15.elf", "cortex-a7"): (100948, 105021),
    ("printf-thumb.elf", "cortex-a15"): (100957, 106823),
    ("printf-thumb.elf", "cortex-a7"): (100957, 105030),
    ("printf.elf", "cortex-a15"): (104030, 110467),
    ("printf.elf", "cortex-a7"): (104030, 108719),
    ("strings-a15.elf", "cortex-a15"): (5005255, 5008387),
    ("strings-a15.elf", "cortex-a7"): (5005255, 5008055),
    ("strings-thumb.elf", "cortex-a15"): (5031153, 5034285),
    ("strings-thumb.elf", "cortex-a7"): (5031153, 5033953),
    ("strings.elf", "cortex-a15"): (5332021, 5335416),
    ("strings.elf", "cortex-a7"): (5332021, 5335084),
    ("timing/alu_indep.elf", "cortex-a15"): (237, 441),
    ("timing/alu_indep.elf", "cortex-a7"): (231, 332),
    ("timing/branch_loop.elf", "cortex-a15"): (342, 554),
    ("timing/branch_loop.elf", "cortex-a7"): (342, 451),
    ("timing/branch_random.elf", "cortex-a15"): (685, 897),
    ("timing/branch_random.elf", "cortex-a7"): (685, 794),
    ("timing/cp15_loop.elf", "cortex-a15"): (167, 499),
    ("timing/cp15_loop.elf", "cortex-a7"): (161, 326),
    ("timing/load_use.elf", "cortex-a15"): (195, 391),
    ("timing/load_use.elf", "cortex-a7"): (195, 296),
    ("timing/mul_chain.elf", "cortex-a15"): (195, 391),
    ("timing/mul_chain.elf", "cortex-a7"): (195, 296),
    ("timing/pmccntr_loop.elf", "cortex-a15"): (184, 452),
    ("timing/pmccntr_loop.elf", "cortex-a7"): (178, 311),
    ("timing/svc_roundtrip.elf", "cortex-a15"): (169, 803),
    ("timing/svc_roundtrip.elf", "cortex-a7"): (169, 489),
}
# The interpreter checks the short guests (the long ones take it seconds each).
SHORT = [k for k, v in PINNED.items() if v[0] < 200_000]


def _run(rel: str, cpu: str, engine: str) -> Tuple[int, int]:
    opts = {**_guest_options(rel), "cpu": cpu}
    m = Machine(stdout=False, stderr=False, engine=engine, timing="fast", **opts)
    m.load_elf(str(GUESTS / rel))
    r = m.run(max_instructions=100_000_000)
    assert sum(m.timing.breakdown().values()) == r.cycles
    return r.instructions, r.cycles


@pytest.mark.parametrize(("rel", "cpu"), sorted(PINNED))
def test_fast_cycles_of_each_bundled_guest_are_pinned_block(rel: str, cpu: str) -> None:
    assert _run(rel, cpu, "block") == PINNED[rel, cpu]


@pytest.mark.parametrize(("rel", "cpu"), sorted(SHORT))
def test_fast_cycles_of_each_bundled_guest_are_pinned_interp(rel: str, cpu: str) -> None:
    assert _run(rel, cpu, "interp") == PINNED[rel, cpu]


@settings(max_examples=profile_examples(500, 5000))
@given(st.data())
def test_the_price_memo_keys_on_every_bit_that_refines_a_class(data: st.DataObject) -> None:
    """Two words of a row equal in the bits refining_mask names have the same row_class, and
    fast_charge (memoised) gives the price worked out afresh for any word."""
    iset_name, r = data.draw(st.sampled_from(ROWS), label="row")
    thumb = iset_name != "A32"
    size = 2 if iset_name == "T16" else 4
    top = (1 << r.width) - 1
    w1 = data.draw(st.integers(0, top), label="w1") & ~r.mask | r.value
    info = InsnInfo(0x1000, thumb, size, w1)
    mask = refining_mask(r, info)
    w2 = (data.draw(st.integers(0, top), label="w2") & ~mask | (w1 & mask)) & ~r.mask | r.value
    iset = iset_of(thumb, size)
    f1, f2 = r.extract(w1), r.extract(w2)
    f1.pop("cond", None)
    f2.pop("cond", None)
    assert row_class(r.cost, r.name, iset, f1, w1) == row_class(r.cost, r.name, iset, f2, w2), (r.name, w1, w2)
    t = Timing(PROFILES[data.draw(st.sampled_from(["cortex-a15", "cortex-a7"]), label="cpu")], "fast")
    for w, f in ((w1, f1), (w2, f2)):
        i = InsnInfo(0x1000, thumb, size, w)
        assert t.fast_charge(r, i, f) == t._price(r, i, f)
