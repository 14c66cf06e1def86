"""``run``: a mutation program (``spec.program``) applied to a live graph through a Target.

The program's meaning on models is ``spec.semantics.program``; this is the same program on live
objects, through the target's plain attribute access (eagerly, or inside ``jax.jit``: values are
never read, only transformed), so a law can compare the two.
"""

from __future__ import annotations

from collections.abc import Sequence

from spec.program import (
    TRANSFORMS,
    AddNode,
    AddVariable,
    Alias,
    DeleteAttr,
    Edit,
    PointToAncestor,
    SetStatic,
    TransformValues,
)
from spec.target import Target, live_at

__all__ = ["run"]


def _variables(t: Target, root: object) -> list[object]:
    """Return every distinct Variable reachable from ``root`` (values are never read, so this
    works on tracers inside ``jax.jit``)."""
    seen: set[int] = set()
    found: list[object] = []
    stack = [root]
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        what = t.classify(x)
        if what == "variable":
            found.append(x)
        elif what in ("graph", "pytree"):
            stack.extend(v for _, v in t.inspect(x).entries)
    return found


def run(t: Target, root: object, program: Sequence[Edit]) -> None:
    """Apply ``program`` to the live graph at ``root`` through ``t``'s plain attribute access."""
    for edit in program:
        if isinstance(edit, TransformValues):
            fn = TRANSFORMS[edit.fn]
            for v in _variables(t, root):
                t.set_value(v, fn(t.get_value(v)))  # type: ignore[arg-type]
            continue
        node = live_at(t, root, edit.node)
        if isinstance(edit, SetStatic):
            t.set_attr(node, edit.key, t.new_static(edit.value))
        elif isinstance(edit, AddVariable):
            t.set_attr(node, edit.key, t.new_variable(edit.variable))
        elif isinstance(edit, AddNode):
            t.set_attr(node, edit.key, t.new_graph_node("module"))
        elif isinstance(edit, DeleteAttr):
            t.del_attr(node, edit.key)
        elif isinstance(edit, Alias):
            t.set_attr(node, edit.key, live_at(t, root, edit.source))
        elif isinstance(edit, PointToAncestor):
            t.set_attr(node, edit.key, live_at(t, root, edit.node[: len(edit.node) - edit.levels]))
