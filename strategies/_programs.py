"""``programs(graph)``: mutation programs that are valid for a graph by construction.

Each edit is drawn against the *current* model of the graph (``blueprint_model`` at the start,
then ``spec.semantics.apply`` after every edit), so paths always lead to an existing graph
node, deleted keys exist, alias sources are graph nodes or Variables (never pytree containers)
and ancestors pointed back to are graph nodes.  A program therefore runs without error on any
faithful target, eagerly or inside ``jax.jit``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from spec.blueprint import DTYPES, Blueprint, Key, StaticValue, VarSpec
from spec.build import TYPE_NAMES, blueprint_model
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
    "SetStatic",
    "AddVariable",
    "AddNode",
    "DeleteAttr",
    "Alias",
    "PointToAncestor",
    "TransformValues",
)
"""Edit kinds in shrink order (simplest first)."""

LIST_TYPE_NAME = TYPE_NAMES["nnx_list"]
_RAW = integers(0, 63)
"""A choice among a varying number of options, read modulo their count (0 picks the first)."""


@dataclasses.dataclass(frozen=True)
class _Gene:
    """Every choice of one edit, drawn whether the edit needs it or not, so the shrinker can
    delete an edit (or change its kind) without shifting the choices of the edits after it."""

    kind: str
    node: int
    key: int
    replace: bool
    source: int
    value: StaticValue
    variable: VarSpec
    fn: str


def _graph_nodes(m: Model) -> list[tuple[int, Path]]:
    """Return every reachable graph node with its first path, root first."""
    nodes, _ = m.first_paths()
    return [(i, nodes[i]) for i in sorted(nodes) if m.nodes[i].kind == "graph"]


def _key(m: Model, node: int, raw: int, *, existing: bool) -> str:
    """Return an existing string key of ``node`` or a new one (raw 0: the first / ``a``)."""
    keys = [k for k in m.nodes[node].keys if isinstance(k, str)]
    if existing:
        return keys[raw % len(keys)]
    free = [k for k in KEY_POOL if k not in keys] or [f"k{len(keys)}"]
    return free[raw % len(free)]


def _ancestor_levels(m: Model, path: Path) -> list[int]:
    """Return the levels (0 = the node itself) of the graph-node ancestors along ``path``."""
    out = []
    for level in range(len(path) + 1):
        slot = m.resolve(path[: len(path) - level])
        if isinstance(slot, NodeSlot) and m.nodes[slot.id].kind == "graph":
            out.append(level)
    return out


def _edit(m: Model, g: _Gene) -> Edit:
    """Return the edit ``g`` stands for on the graph modelled by ``m`` (valid by construction)."""
    graph_nodes = _graph_nodes(m)
    if g.kind == "TransformValues" or not graph_nodes:
        return TransformValues(g.fn)
    targets = [p for _, p in graph_nodes]
    node, path = _edited_node(m, graph_nodes, g.node)
    key: Key
    if _is_list_node(m, node):
        # an nnx.List: delete an element, replace one or append one (index len); a static that
        # would replace an element deletes it instead, so deletions are as common as appends
        size = len(m.nodes[node].entries)
        if size and (g.kind == "DeleteAttr" or (g.kind == "SetStatic" and g.replace)):
            return DeleteAttr(path, g.key % size)
        key = g.key % size if size and g.replace else size
        return _keyed_edit(m, g, path, key, targets)
    has_keys = any(isinstance(k, str) for k in m.nodes[node].keys)
    if g.kind == "DeleteAttr" and has_keys:
        return DeleteAttr(path, _key(m, node, g.key, existing=True))
    key = _key(m, node, g.key, existing=has_keys and g.replace)
    return _keyed_edit(m, g, path, key, targets)


def _edited_node(m: Model, graph_nodes: list[tuple[int, Path]], raw: int) -> tuple[int, Path]:
    """Return the graph node an edit addresses, with its path: where the graph has ``nnx.List``
    nodes, every other choice (even ``raw``) picks one of them, so that appending, replacing and
    deleting elements is common in a short search; elsewhere any graph node, the root first."""
    lists = [(i, p) for i, p in graph_nodes if _is_list_node(m, i)]
    if lists and raw % 2 == 0:
        return lists[(raw // 2) % len(lists)]
    return graph_nodes[raw % len(graph_nodes)]


def _is_list_node(m: Model, node: int) -> bool:
    n = m.nodes[node]
    return n.kind == "graph" and n.positional and n.type_name == LIST_TYPE_NAME


def _keyed_edit(m: Model, g: _Gene, path: Path, key: Key, targets: list[Path]) -> Edit:
    """Return the edit ``g`` stands for that sets ``key`` of the graph node at ``path``."""
    if g.kind == "AddVariable":
        return AddVariable(path, key, g.variable)
    if g.kind == "AddNode":
        return AddNode(path, key)
    if g.kind == "Alias":
        _, var_paths = m.first_paths()
        sources = targets + [var_paths[v] for v in sorted(var_paths)]
        return Alias(path, key, sources[g.source % len(sources)])
    if g.kind == "PointToAncestor":
        levels = _ancestor_levels(m, path)
        return PointToAncestor(path, key, levels[g.source % len(levels)])
    return SetStatic(path, key, g.value)


def _program(graph: Blueprint, genes: list[_Gene]) -> Program:
    m = blueprint_model(graph)
    edits: list[Edit] = []
    for g in genes:
        edit = _edit(m, g)
        m = apply(m, (edit,))  # raises if the edit were invalid: a bug in this strategy
        edits.append(edit)
    return tuple(edits)


@functools.cache
def _genes(max_edits: int, dtypes: tuple[str, ...]) -> st.SearchStrategy[list[_Gene]]:
    gene = st.builds(
        _Gene,
        kind=st.sampled_from(EDIT_KINDS),
        node=_RAW,
        key=_RAW,
        replace=st.booleans(),
        source=_RAW,
        value=static_values(),
        variable=variable_specs(dtypes),
        fn=st.sampled_from(sorted(TRANSFORMS)),
    )
    return st.lists(gene, max_size=max_edits)


def programs(
    graph: Blueprint, *, max_edits: int = 4, dtypes: Sequence[str] = DTYPES
) -> st.SearchStrategy[Program]:
    """Return a strategy for mutation programs of 0..``max_edits`` edits valid for ``graph``.

    Edits: set a static attribute, add or replace a Variable, add an empty module, delete an
    attribute, alias a graph node or Variable under a new or existing key, point back to a
    graph-node ancestor (a cycle), transform every Variable's value.  On an ``nnx_list`` node
    the same edits append (index ``len``), replace or delete (``del l[i]``) elements.  New
    Variables take ``dtypes``.  Shrinks towards fewer edits, then ``SetStatic`` on the root with
    the value 0.
    """

    def define() -> st.SearchStrategy[Program]:
        if not isinstance(graph, Blueprint):
            raise InvalidArgument(f"graph={graph!r} must be a Blueprint")
        check_int("max_edits", max_edits)
        return _genes(max_edits, check_subset("dtypes", dtypes, DTYPES)).map(
            functools.partial(_program, graph)
        )

    return lazy(define)
