"""``nnxspec bench --plot``: time per Variable against graph size, log-log, one line per target.

matplotlib is not a dependency of nnxspec: without it ``plot`` says so and draws nothing
(``pip install matplotlib`` into the environment that runs ``nnxspec bench``).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from spec.bench.report import labels, median, smu
from spec.bench.shapes import SCALING

__all__ = ["available", "plot"]


def available() -> bool:
    """Whether matplotlib can be imported."""
    try:
        importlib.import_module("matplotlib")
    except ImportError:
        return False
    return True


def _series(results: dict[str, Any], label: str, op: str) -> tuple[list[int], list[float]]:
    xs: list[int] = []
    ys: list[float] = []
    for shape in results["shapes"]:
        if shape["name"] not in SCALING or not shape.get("leaves"):
            continue
        value = smu(shape, label) if op == "s+m+u" else median(shape, op, label)
        if value is not None:
            xs.append(int(shape["leaves"]))
            ys.append(value / int(shape["leaves"]))
    return xs, ys


def plot(results: dict[str, Any], path: Path) -> str | None:
    """Draw the scaling plot to ``path`` (PNG); return None, or why nothing was drawn."""
    if not available():
        return "matplotlib is not installed (it is not an nnxspec dependency): no plot drawn"
    # imported by name: matplotlib is optional and has no stubs in nnxspec's type check
    matplotlib: Any = importlib.import_module("matplotlib")
    matplotlib.use("Agg")
    plt: Any = importlib.import_module("matplotlib.pyplot")

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    drawn = False
    for ax, op, title in (
        (axes[0], "s+m+u", "split + merge + update"),
        (axes[1], "split", "split"),
    ):
        for label in labels(results):
            xs, ys = _series(results, label, op)
            if xs:
                ax.plot(xs, ys, marker="o", label=label)
                drawn = True
        for floor, style, name in (
            ("tree", "--", "jax tree flatten + unflatten (C++)"),
            ("py-tree", ":", "the same in pure Python"),
        ):
            floor_xs, floor_ys = _series(results, labels(results)[0], floor)
            if floor_xs:
                ax.plot(floor_xs, floor_ys, linestyle=style, color="grey", label=name)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("Variables (wide graph, 10% shared)")
        ax.grid(True, which="both", linewidth=0.3)
    axes[0].set_ylabel("µs per Variable (median)")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    if not drawn:
        plt.close(fig)
        return "no wide-graph sizes with times to plot"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return None
