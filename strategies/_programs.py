"""``programs(graph)``: mutation programs that are valid for a graph by construction.

Each edit is drawn against the *current* model of the graph (``blueprint_model`` at the start,
then ``spec.semantics.apply`` after every edit), so paths always lead to an existing graph
node, deleted keys exist, alias sources are graph nodes or Variables (never pytree containers)
and ancestors pointed back to are graph nodes.  A program therefore runs without error on any
faithful target, eagerly or inside ``jax.jit``.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from spec.blueprint import DTYPES, Blueprint
from spec.build import blueprint_model
from spec.model import Model, NodeSlot
from spec.program import (
    TRANSFORMS,
    AddNode,
    AddVariable,
    Alias,
    DeleteAttr,
    Edit,
    PointToAncestor,
    Program,
    SetStatic,
    TransformValues,
)
from spec.semantics import apply
from spec.target import Path
from strategies._validation import check_int, check_subset, lazy
from strategies._values import KEY_POOL, integers, static_values, variable_specs

__all__ = ["EDIT_KINDS", "programs"]

EDIT_KINDS: tuple[str, ...] = (
    "SetStatic", "AddVariable", "AddNode", "DeleteAttr", "Alias", "PointToAncestor", "TransformValues",
)
"""Edit kinds in shrink order (simplest first)."""

_KINDS = st.sampled_from(EDIT_KINDS)
_BOOLEANS = st.booleans()
_TRANSFORMS = st.sampled_from(sorted(TRANSFORMS))


def _graph_node_paths(m: Model) -> list[tuple[Path, int]]:
    """Return ``(first path, node id)`` of every reachable graph node, root first."""
    nodes, _ = m.first_paths()
    return sorted(((p, i) for i, p in nodes.items() if m.nodes[i].kind == "graph"), key=lambda pi: pi[1])


def _key(draw: st.DrawFn, m: Model, node: int, *, existing: bool) -> str:
    """Draw an existing string key of ``node`` or a new one; new keys shrink towards ``a``."""
    keys = [k for k in m.nodes[node].keys if isinstance(k, str)]
    if existing:
        return keys[draw(integers(0, len(keys) - 1))]
    free = [k for k in KEY_POOL if k not in keys] or [f"k{len(keys)}"]
    return free[draw(integers(0, len(free) - 1))]


def _ancestor_levels(m: Model, path: Path) -> list[int]:
    """Return the levels (0 = the node itself) of the graph-node ancestors along ``path``."""
    out = []
    for level in range(len(path) + 1):
        slot = m.resolve(path[: len(path) - level])
        if isinstance(slot, NodeSlot) and m.nodes[slot.id].kind == "graph":
            out.append(level)
    return out


def _edit(draw: st.DrawFn, m: Model, dtypes: tuple[str, ...]) -> Edit:
    kind = draw(_KINDS)
    targets = _graph_node_paths(m)
    if kind == "TransformValues" or not targets:
        return TransformValues(draw(_TRANSFORMS))
    path, node = targets[draw(integers(0, len(targets) - 1))]
    has_keys = any(isinstance(k, str) for k in m.nodes[node].keys)
    replace = has_keys and draw(_BOOLEANS)
    if kind == "DeleteAttr" and has_keys:
        return DeleteAttr(path, _key(draw, m, node, existing=True))
    key = _key(draw, m, node, existing=replace)
    if kind == "AddVariable":
        return AddVariable(path, key, draw(variable_specs(dtypes)))
    if kind == "AddNode":
        return AddNode(path, key)
    if kind == "Alias":
        _, var_paths = m.first_paths()
        sources = [p for p, _ in targets] + [var_paths[v] for v in sorted(var_paths)]
        return Alias(path, key, sources[draw(integers(0, len(sources) - 1))])
    if kind == "PointToAncestor":
        levels = _ancestor_levels(m, path)
        return PointToAncestor(path, key, levels[draw(integers(0, len(levels) - 1))])
    return SetStatic(path, key, draw(static_values()))


@st.composite
def _programs(draw: st.DrawFn, graph: Blueprint, max_edits: int, dtypes: tuple[str, ...]) -> Program:
    m = blueprint_model(graph)
    edits: list[Edit] = []
    for _ in range(draw(integers(0, max_edits))):
        edit = _edit(draw, m, dtypes)
        m = apply(m, (edit,))  # raises if the edit were invalid: a bug in this strategy
        edits.append(edit)
    return tuple(edits)


def programs(graph: Blueprint, *, max_edits: int = 4, dtypes: Sequence[str] = DTYPES) -> st.SearchStrategy[Program]:
    """Return a strategy for mutation programs of 0..``max_edits`` edits valid for ``graph``.

    Edits: set a static attribute, add or replace a Variable, add an empty module, delete an
    attribute, alias a graph node or Variable under a new or existing key, point back to a
    graph-node ancestor (a cycle), transform every Variable's value.  New Variables take
    ``dtypes``.  Shrinks towards fewer edits, then ``SetStatic`` on the root with the value 0.
    """
    def define() -> st.SearchStrategy[Program]:
        if not isinstance(graph, Blueprint):
            raise InvalidArgument(f"graph={graph!r} must be a Blueprint")
        check_int("max_edits", max_edits)
        return _programs(graph, max_edits, check_subset("dtypes", dtypes, DTYPES))

    return lazy(define)
