"""The sweep as a PNG (``--plot FILE``): matplotlib, the optional ``plot`` extra.

One panel per CPU profile: cycles per exit round trip against the fraction
of phases that write a debug register (the ``bp_write`` guest), one line per
policy (and line style per pairs), with each break-even fraction marked.
When the sweep covers several pair counts, a last panel shows EAGER's debug
save + restore cycles per switch against the implemented pairs.  The axis
labels are also written into the PNG's text chunks (``Title``,
``Description``), so a reader can check them without rendering the image.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

from armsim.bench.points import THUMB_SUFFIX
from armsim.bench.runner import PointResult
from armsim.bench.stats import BREAK_EVEN_GUEST, break_even, scaling
from armsim.errors import ArmsimError

X_LABEL = "phases writing a debug register (%)"
Y_LABEL = "cycles per exit round trip"
SCALING_X_LABEL = "implemented breakpoint + watchpoint pairs"
SCALING_Y_LABEL = "debug save + restore cycles per switch"
STYLES = ("-", "--", ":", "-.")


class PlotError(ArmsimError):
    """--plot cannot be honoured (matplotlib is missing, nothing to plot)."""


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise PlotError("--plot needs matplotlib, which is not installed: "
                        "pip install 'armsim[plot]' (or: pip install matplotlib)") from None
    return matplotlib


def plot_sweep(results: Sequence[PointResult], path: str) -> Any:
    """Write the PNG (module docstring) and return the matplotlib Figure; PlotError if impossible."""
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    records = [r.record for r in results]
    rows = [r for r in records if r["guest"] == BREAK_EVEN_GUEST] or \
        [r for r in records if r["guest"] == BREAK_EVEN_GUEST + THUMB_SUFFIX]
    if not rows:
        raise PlotError(f"--plot: the sweep has no {BREAK_EVEN_GUEST} points (add it to --guests)")
    cpus = list(dict.fromkeys(r["cpu"] for r in rows))
    scale = scaling(results)
    panels = len(cpus) + (1 if scale else 0)
    fig = Figure(figsize=(6.0 * panels, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, panels, squeeze=False)[0]
    be = break_even(records)
    for ax, cpu in zip(axes, cpus):
        mine = [r for r in rows if r["cpu"] == cpu]
        pairs = list(dict.fromkeys(r["pairs"] for r in mine))
        policies = list(dict.fromkeys(r["policy"] for r in records))
        for pi, pr in enumerate(pairs):
            for policy in dict.fromkeys(r["policy"] for r in mine):
                pts = sorted((r["fraction"], r["cycles_per_exit"]) for r in mine
                             if r["pairs"] == pr and r["policy"] == policy)
                label = policy if len(pairs) == 1 else f"{policy} {pr}"
                ax.plot([p[0] for p in pts], [p[1] for p in pts], STYLES[pi % len(STYLES)], marker="o",
                        markersize=3, label=label, color=f"C{policies.index(policy) % 10}")
            f: Optional[float] = be.get(cpu, {}).get(pr)
            if f is not None:
                ax.axvline(f, color="grey", linewidth=0.8, linestyle=STYLES[pi % len(STYLES)])
                ax.annotate(f"break-even {f:.1f}%", (f, 0.02), xycoords=("data", "axes fraction"),
                            rotation=90, fontsize=7, color="grey")
        ax.set_title(f"{cpu}: world switch cost vs debug use")
        ax.set_xlabel(X_LABEL)
        ax.set_ylabel(Y_LABEL)
        ax.grid(True, linewidth=0.3)
        ax.legend(fontsize=7)
    if scale:
        ax = axes[-1]
        for cpu, s in scale.items():
            xs = [p[1] for p in s["points"]]
            ax.plot(xs, [p[2] for p in s["points"]], marker="o",
                    label=f"{cpu}: {s['per_pair']:.1f} cycles per pair")
        ax.set_title("eager: save + restore vs implemented pairs")
        ax.set_xlabel(SCALING_X_LABEL)
        ax.set_ylabel(SCALING_Y_LABEL)
        ax.grid(True, linewidth=0.3)
        ax.legend(fontsize=7)
    labels: List[str] = []
    for ax in axes:
        labels.append(f"x: {ax.get_xlabel()}; y: {ax.get_ylabel()}")
    meta: Dict[str, str] = {"Title": "armsim bench world-switch", "Description": " | ".join(labels)}
    try:
        fig.savefig(path, format="png", dpi=100, metadata=meta)
    except OSError as e:
        raise PlotError(f"cannot write the plot {path}: {e.strerror or e}") from None
    return fig


def axis_labels(fig: Any) -> List[Mapping[str, str]]:
    """Each panel's title and axis labels (what the tests and users check)."""
    return [{"title": ax.get_title(), "x": ax.get_xlabel(), "y": ax.get_ylabel()} for ax in fig.axes]
