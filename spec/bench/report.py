"""Tables for ``nnxspec bench``: Markdown rendered from the JSON results, nothing typed by hand.

Derived figures:

* **s+m+u**: the sum of the medians of ``split``, ``merge`` and ``update`` (the headline figure).
* **per Variable**: a time divided by the graph's state leaves (its distinct Variables).
* **×first**: a target's time over the first target's, on the same shape and operation (so
  ``×4.0`` in a flax column means flax took four times as long as the first target).
* **floor**: ``jax.tree_util`` flatten + unflatten of the same state as a nested dict of
  arrays, timed in each target's own environment (its own jax), the floor for any traversal.

The performance goals are checked for the first target against every other whose label has one
(``GOALS``): ``s+m+u`` at least that many times faster, within ``FLOOR_GOAL`` of its floor,
time per Variable growing from the smallest to the largest ``wide`` size by no more than
``SCALING_GOAL`` times the growth of jax's own flatten + unflatten (the floor) over the same sizes,
measured in the same run; hashing flat after the first call.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from spec.bench.ops import OPS
from spec.bench.shapes import SCALING

__all__ = [
    "FLOOR_GOAL",
    "GOALS",
    "HASH_LATER_US",
    "SCALING_GOAL",
    "fmt_us",
    "markdown",
    "median",
    "smu",
]

Results = dict[str, Any]

GOALS: tuple[tuple[str, float], ...] = (("flax 0.12.", 5.0), ("flax 0.10.", 2.0))
"""Label prefix -> how many times faster than that target the first target's s+m+u should be."""
FLOOR_GOAL = 4.0
"""s+m+u should be within this factor of jax's flatten + unflatten of the same state."""
SCALING_GOAL = 1.3
"""Growth of s+m+u per Variable from the smallest to the largest ``wide`` size, over the growth
of the floor per Variable across the same sizes."""
HASH_LATER_US = 2.0
"""Later hash calls must stay under this on every shape (O(1)): hashing even the smallest graph
(60 Variables) token by token takes tens of µs."""

SMU = ("split", "merge", "update")


def fmt_us(x: float | None) -> str:
    """A time in µs with about three significant digits (``1,234``, ``12.3``, ``0.123``)."""
    if x is None or not math.isfinite(x):
        return "–"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def _ratio(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "–"
    return f"×{x:.1f}" if x >= 10 else f"×{x:.2f}"


def labels(results: Results) -> list[str]:
    return [str(t["label"]) for t in results["targets"]]


def median(shape: Results, op: str, label: str) -> float | None:
    """The median µs of ``op`` for ``label`` on ``shape``, or None (error, skipped, absent)."""
    found = shape["ops"].get(op, {}).get(label, {})
    value = found.get("median_us")
    return float(value) if value is not None else None


def failure(shape: Results, op: str, label: str) -> str | None:
    """The error (type name) or skip note of ``op``, or None if it has a time."""
    found = shape["ops"].get(op, {}).get(label)
    if found is None:
        return None
    if "error" in found:
        return str(found["error"])
    if "skipped" in found:
        return "skipped"
    return None


def smu(shape: Results, label: str) -> float | None:
    """split + merge + update (sum of medians), or None if one of them has no time."""
    parts = [median(shape, op, label) for op in SMU]
    return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)


def wall_smu(shape: Results, label: str) -> float | None:
    """split + merge + update in wall time (sum of the wall-time medians), if recorded."""
    found = [shape["ops"].get(op, {}).get(label, {}).get("wall_median_us") for op in SMU]
    return None if any(x is None for x in found) else float(sum(found))


def _wall_notes(results: Results, first: str, others: Sequence[str]) -> list[str]:
    """The speed-ups of s+m+u in wall time, when the tables report CPU time."""
    if clock_of(results) != "cpu":
        return []
    out = []
    for label in others:
        ratios = []
        for shape in results["shapes"]:
            mine, theirs = wall_smu(shape, first), wall_smu(shape, label)
            if mine and theirs:
                ratios.append((theirs / mine, shape["name"]))
        if ratios:
            low, high = min(ratios), max(ratios)
            out.append(
                f"- in wall time, s+m+u is {low[0]:.2f}× ({low[1]}) to {high[0]:.2f}× "
                f"({high[1]}) faster than {label}"
            )
    return out


def _smu_failure(shape: Results, label: str) -> str:
    for op in SMU:
        why = failure(shape, op, label)
        if why is not None:
            return why
    return "–"


def _per_var(x: float | None, shape: Results) -> float | None:
    leaves = shape.get("leaves")
    return None if x is None or not leaves else x / float(leaves)


def goal_for(label: str) -> float | None:
    """The speed-up the first target should have over ``label`` (``GOALS``), if any."""
    return next((g for prefix, g in GOALS if label.startswith(prefix)), None)


def _table(
    header: Sequence[str], rows: Iterable[Sequence[str]], align: Sequence[str] | None = None
) -> list[str]:
    align = align or ["l"] + ["r"] * (len(header) - 1)
    marks = {"l": ":---", "r": "---:", "c": ":---:"}
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _yes(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


# --- Sections ------------------------------------------------------------------------------------


def _machine(results: Results) -> list[str]:
    m = results["machine"]
    out = [
        f"- **CPU**: {m.get('cpu', '?')}, {m.get('cpu_count', '?')} cores"
        + (f", {m['memory_gib']} GiB memory" if "memory_gib" in m else ""),
        f"- **OS**: {m.get('platform', '?')}",
    ]
    if "load_before" in m:
        after = m.get("load_after")
        out.append(
            "- **load average** (1, 5, 15 min) at the start: "
            + ", ".join(map(str, m["load_before"]))
            + (f"; at the end: {', '.join(map(str, after))}" if after else "")
        )
    if m.get("niceness"):
        out.append(
            f"- **niceness** of the benchmark processes: {m['niceness']} (other processes on the "
            f"machine at 0)"
        )
    out.append(f"- **run**: started {results['started']}, took {results.get('seconds', '?')} s")
    out.append("")
    rows = [
        [
            str(t["label"]),
            str(t["python"]),
            str(t["jax"]),
            str(t["jaxlib"]),
            str(t.get("flax") or "–"),
            f"`{t['spec']}`",
        ]
        for t in results["targets"]
    ]
    out += _table(["target", "python", "jax", "jaxlib", "flax", "spec"], rows, ["l"] * 6)
    return out


CLOCK_TEXT = {
    "cpu": "**CPU time** of the worker process (`time.process_time`: user + system time of all "
    "its threads), which other processes on a busy machine disturb far less than wall time",
    "wall": "**wall time** (`time.perf_counter`), the time a user waits",
}


def clock_of(results: Results) -> str:
    """What the medians measure (results from before the clock was recorded are wall time)."""
    return str(results["settings"].get("clock", "wall"))


def _method(results: Results) -> list[str]:
    s = results["settings"]
    clock = clock_of(results)
    return [
        "Every target runs in its own worker process, started afresh for each shape; for each "
        "shape and operation every worker is calibrated (a warm-up call, then how many "
        f"back-to-back calls make one sample last at least {s['min_sample'] * 1e3:g} ms), then "
        f"asked for samples round-robin over up to {s['rounds']} rounds with the order rotated "
        "each round, so noise falls on all targets alike (the targets are interleaved round by "
        f"round). About {s['budget']:g} s of samples per target and operation, at least "
        f"{s['min_samples']} and at most {s['max_samples']} samples; the tables give **medians** "
        "over all rounds' samples, in µs per call.",
        "",
        f"Clock: every figure is {CLOCK_TEXT.get(clock, clock)}."
        + (
            " Each sample is also taken in wall time; the wall-time speed-ups are listed under "
            "the goals and every wall-time median is in the JSON results."
            if clock == "cpu"
            else ""
        ),
        "",
        "Garbage collection: after building a graph each worker freezes what is alive "
        "(`gc.freeze()`: imports and the graph), runs `gc.collect()` and freezes again before "
        "each batch of samples (so the inputs made for the operation, such as the GraphDef and "
        "State that merge reads, are frozen too), and leaves the collector "
        f"**{s['gc']}** during samples, so a collection scans what the operation allocated (an "
        "implementation that pauses the collector itself keeps that advantage). "
        f"jit operations are skipped above {s['jit_max_leaves']:,} state "
        "leaves. µs/Var divides by the state's leaves (distinct Variables).",
        "",
        "Operations: "
        + "; ".join(f"`{name}`: {OPS[name].doc}" for name in s["ops"] if name in OPS)
        + ".",
    ]


def _speedup_cell(
    mine: float | None, theirs: float | None, why: str, goal: float | None
) -> tuple[str, bool | None]:
    """The speed-up cell for one shape, and whether it meets ``goal`` (None: nothing to judge)."""
    if mine is None:
        return "–", None
    if theirs is None:  # the other target failed where the first one worked
        return ("fails ✓", True) if why not in ("–", "skipped") else ("–", None)
    speedup = theirs / mine
    if goal is None:
        return _ratio(speedup), None
    ok = speedup >= goal
    return f"{_ratio(speedup)} {'✓' if ok else '✗'}", ok


def _floor_cell(
    mine: float | None, floor: float | None, why: str | None
) -> tuple[str, str, bool | None]:
    if floor is None:
        return (why or "–"), "–", None
    if mine is None:
        return fmt_us(floor), "–", None
    within = mine / floor
    ok = within <= FLOOR_GOAL
    return fmt_us(floor), f"{_ratio(within)} {'✓' if ok else '✗'}", ok


def _goals(results: Results) -> list[str]:
    names = labels(results)
    first, others = names[0], names[1:]
    out: list[str] = [
        f"Goals for **{first}**; s+m+u = split + merge + update, medians in µs per call.",
        "",
    ]
    header = ["shape", "Variables", f"{first} s+m+u"]
    for label in others:
        g = goal_for(label)
        header += [f"{label} s+m+u", f"speed-up{f' (goal ≥{g:g}×)' if g else ''}"]
    header += [
        "jax floor",
        f"s+m+u / jax floor (aim ≤{FLOOR_GOAL:g}×)",
        "Python floor",
        "s+m+u / Python floor",
    ]
    rows = []
    met: dict[str, list[bool]] = {}
    for shape in results["shapes"]:
        mine = smu(shape, first)
        row = [
            shape["name"],
            f"{shape['leaves']:,}" if "leaves" in shape else "?",
            fmt_us(mine) if mine is not None else _smu_failure(shape, first),
        ]
        for label in others:
            theirs = smu(shape, label)
            why = _smu_failure(shape, label)
            cell, ok = _speedup_cell(mine, theirs, why, goal_for(label))
            row += [fmt_us(theirs) if theirs is not None else why, cell]
            if ok is not None:
                met.setdefault(label, []).append(ok)
        floor_text, within, ok = _floor_cell(
            mine, median(shape, "tree", first), failure(shape, "tree", first)
        )
        row += [floor_text, within]
        if ok is not None:
            met.setdefault("floor", []).append(ok)
        py_floor = median(shape, "py-tree", first)
        row += [
            fmt_us(py_floor) if py_floor is not None else (failure(shape, "py-tree", first) or "–"),
            _ratio(mine / py_floor) if mine is not None and py_floor else "–",
        ]
        rows.append(row)
    out += _table(header, rows)
    out.append("")
    for label in others:
        g = goal_for(label)
        if g and met.get(label):
            out.append(
                f"- split + merge + update ≥ {g:g}× faster than {label} on every shape: "
                f"{_yes(all(met[label]))} ({sum(met[label])} of {len(met[label])} shapes)"
            )
    if met.get("floor"):
        out.append(
            f"- within {FLOOR_GOAL:g}× of jax's C++ flatten + unflatten of the same state (where "
            f"jax can flatten it): {_yes(all(met['floor']))} ({sum(met['floor'])} of "
            f"{len(met['floor'])} shapes); "
            "the Python floor is the same flatten + unflatten written in pure Python"
        )
    out += _wall_notes(results, first, others)
    out += _python_floor_note(results, first)
    out += _scaling_verdict(results, first)
    out += _hash_verdict(results, first)
    return out


def _python_floor_note(results: Results, label: str) -> list[str]:
    """How far pure Python's own floor is from jax's C++ one, on the shapes with both."""
    ratios = []
    for shape in results["shapes"]:
        py_floor, floor = median(shape, "py-tree", label), median(shape, "tree", label)
        if py_floor and floor:
            ratios.append(py_floor / floor)
    if not ratios:
        return []
    return [
        f"- the same flatten + unflatten in pure Python takes {min(ratios):.1f}–"
        f"{max(ratios):.1f}× jax's C++ time on these shapes: a Python traversal (three of them in "
        "s+m+u, each building objects "
        f"per Variable) starts that far behind the C++ floor"
    ]


def _scaling_verdict(results: Results, label: str) -> list[str]:
    rows: list[
        tuple[str, float, float | None]
    ] = []  # (shape, s+m+u per Variable, floor per Variable)
    for shape in results["shapes"]:
        total = smu(shape, label)
        if shape["name"] in SCALING and total is not None and shape.get("leaves"):
            floor = median(shape, "tree", label)
            leaves = float(shape["leaves"])
            rows.append((shape["name"], total / leaves, floor / leaves if floor else None))
    if len(rows) < 2:
        return []
    per_var = [x for _, x, _ in rows]
    growth = per_var[-1] / per_var[0]
    sizes = ", ".join(f"{name} {fmt_us(x)}" for name, x, _ in rows)
    floors = [f for _, _, f in rows if f is not None]
    if len(floors) != len(rows):
        return [
            f"- s+m+u per Variable grows {growth:.2f}× from {rows[0][0]} to {rows[-1][0]} "
            f"(µs/Var: {sizes}); no floor to compare with"
        ]
    floor_growth = floors[-1] / floors[0]
    ok = growth <= SCALING_GOAL * floor_growth
    return [
        f"- s+m+u per Variable grows from {rows[0][0]} to {rows[-1][0]} by no more than "
        f"{SCALING_GOAL:g}× the growth of jax's floor per Variable: {_yes(ok)} (s+m+u "
        f"{growth:.2f}×, floor {floor_growth:.2f}×, ratio {growth / floor_growth:.3f}; "
        f"µs/Var: {sizes})",
        *_collections_note(results, label, [name for name, _, _ in rows]),
    ]


def full_collections(shape: Results, label: str) -> float | None:
    """Full (oldest-generation) collections per split + merge + update call, if recorded."""
    found = [shape["ops"].get(op, {}).get(label, {}).get("full_collections_per_call") for op in SMU]
    return None if any(x is None for x in found) else float(sum(found))


def _collections_note(results: Results, label: str, names: Sequence[str]) -> list[str]:
    """How many full collections the collector ran per s+m+u call on the scaling shapes."""
    by_name = {s["name"]: full_collections(s, label) for s in results["shapes"]}
    counts = [(name, by_name.get(name)) for name in names]
    if any(n is None for _, n in counts) or results["settings"].get("gc") == "disabled":
        return []
    listed = ", ".join(f"{name} {n:.2f}" for name, n in counts)
    return [
        "- full collections (of the oldest generation: each scans every collector-tracked object "
        f"made since the graph was frozen) per s+m+u call: {listed}"
    ]


def _hash_verdict(results: Results, label: str) -> list[str]:
    found = [
        (s, median(s, "hash", label), median(s, "hash-first", label)) for s in results["shapes"]
    ]
    later = [(s, x, f) for s, x, f in found if x is not None]
    if not later:
        return []
    worst = max(x for _, x, _ in later)
    firsts = [(s, f) for s, _, f in later if f is not None]
    fastest = fmt_us(min(x for _, x, _ in later))
    detail = f"later calls {fastest}–{fmt_us(worst)} µs on {len(later)} shapes"
    if firsts:
        small = min(firsts, key=lambda item: int(item[0].get("leaves", 0)))
        big = max(firsts, key=lambda item: int(item[0].get("leaves", 0)))
        detail += (
            f"; first calls {fmt_us(small[1])} µs on {small[0]['name']} to {fmt_us(big[1])} µs on "
            f"{big[0]['name']}"
        )
    return [
        "- graphdef hashing O(1) after the first call (every later call ≤ "
        f"{HASH_LATER_US:g} µs, whatever the size): {_yes(worst <= HASH_LATER_US)} ({detail})"
    ]


def _smu_table(results: Results) -> list[str]:
    names = labels(results)
    header = ["shape", "Variables"]
    for i, label in enumerate(names):
        header += [f"{label} µs", f"{label} µs/Var"] + ([f"{label} ×first"] if i else [])
        header.append(f"{label} / floor")
    rows = []
    for shape in results["shapes"]:
        row = [shape["name"], f"{shape.get('leaves', 0):,}"]
        base = smu(shape, names[0])
        for i, label in enumerate(names):
            x = smu(shape, label)
            row += [
                fmt_us(x) if x is not None else _smu_failure(shape, label),
                fmt_us(_per_var(x, shape)),
            ]
            if i:
                row.append(_ratio(x / base) if x is not None and base else "–")
            floor = median(shape, "tree", label)
            row.append(_ratio(x / floor) if x is not None and floor else "–")
        rows.append(row)
    return _table(header, rows)


def _shape_table(results: Results, shape: Results) -> list[str]:
    names = labels(results)
    header = ["operation"]
    for i, label in enumerate(names):
        header += [f"{label} µs", "µs/Var"] + (["×first"] if i else [])
    rows = []
    ops = [op for op in results["settings"]["ops"] if op in shape["ops"]]
    for op in [*ops, "s+m+u"]:
        row = [f"`{op}`" if op != "s+m+u" else "**split + merge + update**"]
        base = smu(shape, names[0]) if op == "s+m+u" else median(shape, op, names[0])
        for i, label in enumerate(names):
            x = smu(shape, label) if op == "s+m+u" else median(shape, op, label)
            why = (
                _smu_failure(shape, label) if op == "s+m+u" else (failure(shape, op, label) or "–")
            )
            row += [fmt_us(x) if x is not None else why, fmt_us(_per_var(x, shape))]
            if i:
                row.append(_ratio(x / base) if x is not None and base else "–")
        rows.append(row)
    out = [
        f"### {shape['name']} ({shape.get('leaves', 0):,} Variables, "
        f"state {shape.get('depth', '?')} deep)",
        "",
    ]
    out += _table(header, rows)
    notes = _notes(shape, names)
    if notes:
        out += ["", *notes]
    return out


def _notes(shape: Results, names: Sequence[str]) -> list[str]:
    seen: dict[str, list[str]] = {}
    for op, by_label in shape["ops"].items():
        for label in names:
            found = by_label.get(label, {})
            text = found.get("message") or found.get("skipped")
            if text:
                seen.setdefault(f"{label}: {found.get('error', 'skipped')}: {text}", []).append(op)
    return [f"- {what} ({', '.join(f'`{op}`' for op in ops)})" for what, ops in seen.items()]


def _memory(results: Results) -> list[str]:
    names = labels(results)
    rows = []
    for shape in results["shapes"]:
        if not shape.get("memory"):
            continue
        row = [shape["name"], f"{shape.get('leaves', 0):,}"]
        for label in names:
            m = shape["memory"].get(label, {})
            if "peak_bytes" in m:
                row += [
                    f"{m['peak_bytes'] / 2**20:,.2f}",
                    f"{m['retained_bytes'] / 2**20:,.2f}",
                    f"{m['peak_bytes'] / max(1, shape.get('leaves', 1)):,.0f}",
                ]
            else:
                row += [str(m.get("error", "–")), "–", "–"]
        rows.append(row)
    if not rows:
        return []
    header = ["shape", "Variables"]
    for label in names:
        header += [f"{label} peak MiB", f"{label} kept MiB", f"{label} peak B/Var"]
    return [
        "## Peak memory of split",
        "",
        "tracemalloc: the peak of Python allocations during one `split(root)` over what was "
        "allocated before it, and what the result (graphdef and state) keeps.",
        "",
        *_table(header, rows),
    ]


def _spread(xs: Sequence[float | None], show: Any) -> str:
    """``a / b / c (max/min r)`` for a row of per-size figures."""
    have = [x for x in xs if x is not None]
    spread = f" (max/min {max(have) / min(have):.2f})" if len(have) > 1 and min(have) > 0 else ""
    return " / ".join(show(x) for x in xs) + spread


def _scaling(results: Results, plot: str | None) -> list[str]:
    names = labels(results)
    shapes = [s for s in results["shapes"] if s["name"] in SCALING]
    if len(shapes) < 2:
        return []
    header = ["operation"] + [
        f"{label}: " + " / ".join(s["name"].removeprefix("wide-") for s in shapes)
        for label in names
    ]
    rows = []
    for op in [*SMU, "s+m+u", "tree", "py-tree"]:
        row = [op if op != "s+m+u" else "**s+m+u**"]
        for label in names:
            xs = [
                _per_var(smu(s, label) if op == "s+m+u" else median(s, op, label), s)
                for s in shapes
            ]
            row.append(_spread(xs, fmt_us))
        rows.append(row)
    row = ["s+m+u / jax floor"]
    for label in names:
        ratios: list[float | None] = []
        for s in shapes:
            x, floor = smu(s, label), median(s, "tree", label)
            ratios.append(x / floor if x is not None and floor else None)
        row.append(_spread(ratios, lambda r: f"{r:.1f}" if r is not None else "–"))
    rows.append(row)
    out = [
        "## Scaling: µs per Variable on wide graphs",
        "",
        "The wide graph at each size (thousands of Variable attributes, 10% shared); "
        "µs per Variable, with the largest over the smallest.",
        "",
        *_table(header, rows),
    ]
    if plot:
        out += ["", f"![time per Variable against graph size]({plot})"]
    return out


def markdown(
    results: Results,
    *,
    plot: str | None = None,
    title: str = "Benchmarks",
    notes: str | None = None,
) -> str:
    """Render the whole report (``plot``: the image path to link, relative to the Markdown file;
    ``notes``: Markdown placed after the goals, e.g. what each change to the code cost)."""
    out = [
        f"# {title}",
        "",
        "Generated by `nnxspec bench`; do not edit by hand, rerun the command:",
        "",
        f"    {results.get('command') or 'nnxspec bench'}",
        "",
        "## Machine",
        "",
        *_machine(results),
        "",
        "## Method",
        "",
        *_method(results),
        "",
        "## Goals",
        "",
        *_goals(results),
        "",
        *([notes.strip(), ""] if notes else []),
        "## split + merge + update",
        "",
        *_smu_table(results),
        "",
    ]
    scaling = _scaling(results, plot)
    if scaling:
        out += [*scaling, ""]
    memory = _memory(results)
    if memory:
        out += [*memory, ""]
    out += ["## Every operation, per shape", ""]
    for shape in results["shapes"]:
        out += [*_shape_table(results, shape), ""]
    return "\n".join(out).rstrip() + "\n"
