"""Drawing a blueprint as Graphviz DOT, so aliasing and cycles are visible at a glance.

=======================  ==========================================================
element                  drawn as
=======================  ==========================================================
graph node (module,      a bold box, light blue, labelled ``#i TypeName``
container)
pytree container         a rounded, dashed box, light grey, labelled with its kind
Variable                 an ellipse, light yellow: type, dtype[shape], seed, metadata
static attribute         a plain-text note, ``= value``, on a dotted edge
first edge to a target   a thin black arrow labelled with the key
shared edge              a thick red arrow: a second (third ...) edge to one node or
                         Variable; every edge into a shared target is red
back edge (cycle)        a blue dashed arrow to an ancestor (``constraint=false``)
=======================  ==========================================================
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from spec.blueprint import Blueprint, Key, ToNode, ToStatic, ToVar, Unhashable
from spec.build import type_name

__all__ = ["LEGEND", "dot", "write"]

LEGEND = (
    "black: first edge · red, thick: shared (several edges reach it) · "
    "blue, dashed: back edge (cycle) · box: graph node · dashed box: pytree · ellipse: Variable"
)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _key(k: Key) -> str:
    return k if isinstance(k, str) else f"[{k}]"


def dot(bp: Blueprint, title: str = "") -> str:
    """Return the DOT text of ``bp`` (see the module docstring)."""
    node_in, var_in = bp.in_degree()
    lines = [
        "digraph nnxspec {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    if title:
        lines.append(f"  labelloc=t; label={_q(title)};")
    for i, n in enumerate(bp.nodes):
        name = type_name(n.kind, tuple(k for k, _ in n.entries))
        root = " (root)" if i == 0 else ""
        if n.is_graph:
            style = 'shape=box, style="bold,filled", fillcolor="#dbe9ff"'
        else:
            style = 'shape=box, style="rounded,dashed,filled", fillcolor="#eeeeee"'
        lines.append(f"  n{i} [label={_q(f'#{i} {name}{root}')}, {style}];")
    for j, v in enumerate(bp.variables):
        meta = "".join(f"\n{k}={value!r}" for k, value in v.metadata)
        label = f"{v.type}\n{v.dtype}{list(v.shape)} seed={v.seed}{meta}"
        lines.append(
            f'  v{j} [label={_q(label)}, shape=ellipse, style=filled, fillcolor="#fff4c2"];'
        )
    statics = 0
    for i, k, e in bp.edges():
        label = _q(_key(k))
        if isinstance(e, ToStatic):
            value = (
                f"set({list(e.value.items)})" if isinstance(e.value, Unhashable) else repr(e.value)
            )
            lines.append(
                f"  s{statics} [label={_q('= ' + value)}, shape=note, fontcolor=gray30, "
                "color=gray60];"
            )
            lines.append(
                f"  n{i} -> s{statics} [label={label}, style=dotted, color=gray50, arrowhead=none];"
            )
            statics += 1
        elif isinstance(e, ToNode) and e.index <= i:
            lines.append(
                f"  n{i} -> n{e.index} [label={label}, color=blue, fontcolor=blue, style=dashed, "
                f"penwidth=1.6, constraint=false];"
            )
        elif isinstance(e, ToNode):
            shared = node_in.get(e.index, 0) > 1
            lines.append(f"  n{i} -> n{e.index} [label={label}{_shared() if shared else ''}];")
        elif isinstance(e, ToVar):
            shared = var_in.get(e.index, 0) > 1
            lines.append(f"  n{i} -> v{e.index} [label={label}{_shared() if shared else ''}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _shared() -> str:
    return ", color=red, fontcolor=red, penwidth=2.5"


def write(bp: Blueprint, path: Path, title: str = "") -> list[Path]:
    """Write ``bp`` as DOT to ``path``, and as SVG beside it when the ``dot`` program exists;
    return the files written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dot(bp, title), encoding="utf-8")
    written = [path]
    program = shutil.which("dot")
    if program is not None:
        svg = path.with_suffix(".svg")
        done = subprocess.run(
            [program, "-Tsvg", str(path), "-o", str(svg)], capture_output=True, check=False
        )
        if done.returncode == 0:
            written.append(svg)
    return written
