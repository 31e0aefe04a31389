"""Operation templates: one definition per operation, two uses (DESIGN.md section 5).

A :class:`Template` is the body of an operation as Python source lines over
the machine's ``regs`` and ``flags`` lists and named *slots* (register numbers,
immediates, flag tables, helper functions), plus the slots' values for one
instruction.  The body either falls through -- ``return nxt`` on its last line,
the next instruction -- or leaves with ``return <key expression>`` (a branch,
a PC write).

The same template yields

* the per-instruction op: :func:`template_op` compiles, once per distinct
  body, a factory ``factory(regs, flags, <slots>) -> op`` and calls it with the
  slot values, so the op's constants are closure variables;
* the inlined code of a translated block (:mod:`armsim.exec.blocks`): the
  translator substitutes integer slots as literals and binds the others as
  names of the block's closure, then splices the body in.

Slot names are identifiers that appear in the body only as slots; temporaries
of a body (``a``, ``r``, ``res`` ...) are plain locals, and every body assigns
a temporary before reading it, so bodies can follow each other in one function.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Sequence, Tuple

Op = Callable[[], int]

_FACTORIES: Dict[Tuple[Tuple[str, ...], Tuple[str, ...]], Callable[..., Op]] = {}


class Template:
    """Source lines of one operation and its slot values (see the module doc)."""

    __slots__ = ("lines", "name", "slots", "stores")

    def __init__(self, name: str, lines: Sequence[str], slots: Dict[str, Any], stores: bool = False) -> None:
        self.name = name
        self.lines: Tuple[str, ...] = tuple(lines)
        self.slots = slots
        # The body writes memory (a translated block checks for a store into its own code after it).
        self.stores = stores

    def source(self) -> str:
        return "\n".join(self.lines)


def _factory(lines: Tuple[str, ...], names: Tuple[str, ...], name: str) -> Callable[..., Op]:
    key = (lines, names)
    f = _FACTORIES.get(key)
    if f is None:
        src = "\n".join(
            [f"def factory(regs, flags{''.join(', ' + s for s in names)}):", "    def op():"]
            + ["        " + line for line in lines]
            + ["    return op", ""]
        )
        namespace: Dict[str, Any] = {}
        exec(compile(src, f"<armsim op {name}>", "exec"), namespace)
        f = namespace["factory"]
        _FACTORIES[key] = f
    return f


def template_op(regs: List[int], flags: List[int], tpl: Template) -> Op:
    """The per-instruction op of ``tpl``: its body as a function, slots as closure constants."""
    names = tuple(sorted(tpl.slots))
    op = _factory(tpl.lines, names, tpl.name)(regs, flags, *(tpl.slots[n] for n in names))
    op.template = tpl  # type: ignore[attr-defined]
    return op


def template_of(op: Op) -> Template | None:
    """The template an op was generated from, or None for a hand-written (cold) op."""
    t = getattr(op, "template", None)
    return t if isinstance(t, Template) else None


def indent(lines: Sequence[str], by: str = "    ") -> List[str]:
    return [by + line for line in lines]


def falls(lines: Sequence[str]) -> bool:
    """Whether a body falls through to the next instruction (its last line is ``return nxt``)."""
    return bool(lines) and lines[-1] == "return nxt"


def conditional_lines(lines: Sequence[str]) -> List[str]:
    """``lines`` guarded by ConditionPassed() (A8.3.1): slot ``passed`` is COND_PASSED[cond]."""
    inner = list(lines[:-1]) if falls(lines) else list(lines)
    return ["if passed[flags[0]]:", *indent(inner or ["pass"]), "return nxt"]


def conditional(tpl: Template, passed: Any) -> Template:
    """The template of ``tpl`` executed only when its condition passes (``passed``: COND_PASSED[cond])."""
    assert "passed" not in tpl.slots
    assert "nxt" in tpl.slots
    return Template(tpl.name + " (cond)", conditional_lines(tpl.lines), {**tpl.slots, "passed": passed}, tpl.stores)


def with_pc_operand(tpl: Template, pcv: int) -> Template:
    """``tpl`` after writing the PC-as-operand value (A2.3) into R15 (slot ``pcv``)."""
    assert "pcv" not in tpl.slots
    return Template(tpl.name, ["regs[15] = pcv", *tpl.lines], {**tpl.slots, "pcv": pcv}, tpl.stores)


__all__ = [
    "Template",
    "conditional",
    "conditional_lines",
    "falls",
    "indent",
    "template_of",
    "template_op",
    "with_pc_operand",
]
