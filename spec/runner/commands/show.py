"""``nnxspec show VECTOR [--dot FILE]``: print a counterexample as indented text, draw it as DOT.

The text is the case's graph as every target must observe it (``spec.model.render`` of
``spec.build.blueprint_model``: a repeated object prints as ``-> <first path>``, a back edge adds
``(cycle)``), then the filters, the mutation program, the second graph, and the failure (diff,
expected and actual renderings).  ``--dot FILE`` writes Graphviz DOT (``spec.runner.graphviz``:
shared edges red, back edges blue and dashed), plus ``FILE`` as ``.svg`` when ``dot`` is installed.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import cast

from spec.build import blueprint_model
from spec.codec import JSON
from spec.filters import describe as describe_filter
from spec.laws import Case, law_by_id
from spec.model import render
from spec.program import describe as describe_edit
from spec.runner import graphviz
from spec.runner.commands import Command, register
from spec.runner.vectors import Vector, VectorError, load

__all__ = ["run", "text"]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("vector", type=Path, help="a vector file (.json)")
    p.add_argument(
        "--dot",
        type=Path,
        metavar="FILE",
        help="write the graph as Graphviz DOT (and SVG when dot exists)",
    )


def _case_text(case: Case) -> list[str]:
    lines = ["graph:", *("  " + line for line in render(blueprint_model(case.graph)).splitlines())]
    if case.filters:
        lines.append("filters: " + ", ".join(describe_filter(f) for f in case.filters))
    if case.program:
        lines.append("program:")
        lines += [f"  {describe_edit(e)}" for e in case.program]
    if case.other is not None:
        lines += [
            "other graph:",
            *("  " + line for line in render(blueprint_model(case.other)).splitlines()),
        ]
    hostile = getattr(case, "hostile", ())  # robustness laws' hostile operations (spec.hostile)
    if hostile:
        lines.append("hostile:")
        lines += [f"  {h!r}" for h in hostile]
    if case.backend:
        lines.append(f"backend: {case.backend}")
    if case.scale != 1.0:
        lines.append(f"scale: {case.scale:g}")
    return lines


def text(v: Vector) -> str:
    """Return the vector as the indented text ``nnxspec show`` prints."""
    try:
        title = law_by_id(v.law).title
    except KeyError:
        title = "(a law this nnxspec does not know)"
    lines = [
        f"{v.law}: {title}",
        f"target: {v.target_name} {v.target_version} ({v.target_spec}), where the law"
        f" {'fails' if v.expect == 'fail' else 'passes'} on this case (replay checks it still"
        " does)",
    ]
    if v.data.get("reason"):
        lines.append(
            f"reason: {v.data['reason']}" + (f" ({v.data['link']})" if v.data.get("link") else "")
        )
    lines += _case_text(v.case)
    failure = cast(Mapping[str, JSON], v.data.get("failure") or {})
    if failure:
        lines.append(f"failure ({failure.get('type')}):")
        lines += [
            "  " + line
            for line in str(failure.get("diff") or failure.get("message") or "").splitlines()
        ]
        for part in ("expected", "actual"):
            if failure.get(part):
                lines.append(f"{part}:")
                lines += ["  " + line for line in str(failure[part]).splitlines()]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        v = load(args.vector)
    except VectorError as e:
        print(f"nnxspec show: {e}")
        return 2
    print(text(v))
    if args.dot is not None:
        written = graphviz.write(v.case.graph, args.dot, title=f"{v.law} on {v.target_name}")
        print(f"wrote {', '.join(str(p) for p in written)}")
        print(f"legend: {graphviz.LEGEND}")
    return 0


register(
    Command(
        name="show",
        help="print a counterexample vector's graph as text and draw it as Graphviz DOT",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)
