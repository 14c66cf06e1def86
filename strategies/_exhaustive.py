"""Bounded-exhaustive enumeration: every blueprint of a small scope, once per isomorphism class.

The scope (all of it is fixed, so the set is finite and every member is meaningful):

* nodes: 1..``max_graph_nodes`` graph nodes, all of kind ``module`` (no ``container`` nodes, no
  pytree containers, no static attributes);
* Variables: 0..``max_variables``, all ``Param`` of shape ``()`` and dtype ``float32``, no
  metadata; the Variable first reached in canonical order has seed 0, the next seed 1, ...;
* edges: at most ``max_edges`` edges in all (node and Variable edges together, the spanning
  edges included), any node may point to any node (self-loops and back edges make cycles,
  several edges to one target make sharing) and to any Variable;
* keys: a node's entries are keyed ``a, b, c, ...`` in entry order, so insertion order equals
  sorted order and a blueprint is determined by each node's ordered list of targets;
* validity: every node reachable from the root, every Variable used.

Two blueprints are isomorphic iff their canonical models are equal (``blueprint_model``); the
enumeration keeps one per class, built from the canonical model itself (nodes in canonical
depth-first order), so the list is deterministic.  Default scope (3 nodes, 2 Variables,
4 edges): 790 blueprints (smaller scopes: 1 node / 0 / 0: 1; 1 / 1 / 1: 3; 2 / 1 / 2: 16;
2 / 2 / 3: 80; a larger one, 3 / 2 / 5: 5,649, takes seconds to enumerate).
"""

from __future__ import annotations

import functools
import itertools
import string
from collections.abc import Sequence

from hypothesis.errors import InvalidArgument

from spec.blueprint import Blueprint, Edge, NodeSpec, ToNode, ToVar, VarSpec
from spec.build import blueprint_model
from spec.filters import FilterSpec, Invalid, Literal, Nothing, NotOf, PathContains, TypeFilter
from spec.laws._registry import INPUTS, Case
from spec.nearmiss import near_misses_of
from spec.program import (
    AddNode,
    AddVariable,
    Alias,
    DeleteAttr,
    Edit,
    PointToAncestor,
    Program,
    TransformValues,
)
from spec.semantics import apply, flatten, partition
from strategies._validation import check_int, check_subset

__all__ = ["FIXED_FILTERS", "all_blueprints", "count_blueprints", "exhaustive_cases"]

_Target = tuple[str, int]  # ("n", node) or ("v", Variable)


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    """Return every way to write ``total`` as an ordered sum of ``parts`` non-negative ints."""
    if parts == 1:
        return [(total,)]
    return [
        (first, *rest)
        for first in range(total + 1)
        for rest in _compositions(total - first, parts - 1)
    ]


def _canonical(
    out: tuple[tuple[_Target, ...], ...], n_vars: int
) -> tuple[tuple[_Target, ...], ...] | None:
    """Return the graph renumbered in canonical DFS order, or None if a node is unreachable or
    a Variable unused."""
    node_id: dict[int, int] = {0: 0}
    var_id: dict[int, int] = {}
    order = [0]
    stack = [iter(out[0])]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif item[0] == "n" and item[1] not in node_id:
            node_id[item[1]] = len(order)
            order.append(item[1])
            stack.append(iter(out[item[1]]))
        elif item[0] == "v" and item[1] not in var_id:
            var_id[item[1]] = len(var_id)
    if len(order) != len(out) or len(var_id) != n_vars:
        return None
    return tuple(
        tuple((kind, node_id[i] if kind == "n" else var_id[i]) for kind, i in out[old])
        for old in order
    )


def _blueprint(canon: tuple[tuple[_Target, ...], ...], n_vars: int) -> Blueprint:
    def edge(t: _Target) -> Edge:
        return ToNode(t[1]) if t[0] == "n" else ToVar(t[1])

    nodes = tuple(
        NodeSpec(
            "module", tuple((string.ascii_lowercase[k], edge(t)) for k, t in enumerate(targets))
        )
        for targets in canon
    )
    return Blueprint(nodes, tuple(VarSpec(seed=j) for j in range(n_vars)))


@functools.cache
def _enumerate(max_graph_nodes: int, max_variables: int, max_edges: int) -> tuple[Blueprint, ...]:
    found: dict[tuple[tuple[_Target, ...], ...], Blueprint] = {}
    for n in range(1, max_graph_nodes + 1):
        for m in range(max_variables + 1):
            targets: list[_Target] = [("n", i) for i in range(n)] + [("v", j) for j in range(m)]
            for total in range(n - 1 + m, max_edges + 1):
                for sizes in _compositions(total, n):
                    for picks in itertools.product(targets, repeat=total):
                        out, start = [], 0
                        for size in sizes:
                            out.append(tuple(picks[start : start + size]))
                            start += size
                        canon = _canonical(tuple(out), m)
                        if canon is not None and canon not in found:
                            found[canon] = _blueprint(canon, m)
    return tuple(
        sorted(
            found.values(),
            key=lambda bp: (
                len(bp.nodes),
                len(bp.variables),
                sum(1 for _ in bp.edges()),
                bp.to_json(),
            ),
        )
    )


def _check_scope(max_graph_nodes: int, max_variables: int, max_edges: int) -> None:
    check_int("max_graph_nodes", max_graph_nodes, min_value=1)
    check_int("max_variables", max_variables)
    check_int("max_edges", max_edges)
    if max_edges > len(string.ascii_lowercase):
        raise InvalidArgument(f"max_edges={max_edges!r} is more than this enumeration can key (26)")
    if max_graph_nodes - 1 + max_variables > max_edges:
        raise InvalidArgument(
            f"max_edges={max_edges!r} cannot connect max_graph_nodes={max_graph_nodes!r} nodes and "
            f"max_variables={max_variables!r} Variables (that needs "
            f"{max_graph_nodes - 1 + max_variables} edges); "
            "the larger graphs of the scope would silently be missing"
        )


def all_blueprints(
    *, max_graph_nodes: int = 3, max_variables: int = 2, max_edges: int = 4
) -> list[Blueprint]:
    """Return every blueprint of the scope of the module docstring, one per isomorphism class.

    Sorted by size (nodes, Variables, edges), then by JSON text; computed once per scope.
    Raises InvalidArgument for a scope whose largest graphs cannot be connected.
    """
    _check_scope(max_graph_nodes, max_variables, max_edges)
    return list(_enumerate(max_graph_nodes, max_variables, max_edges))


def count_blueprints(
    *, max_graph_nodes: int = 3, max_variables: int = 2, max_edges: int = 4
) -> int:
    """Return ``len(all_blueprints(...))`` for the scope."""
    return len(
        all_blueprints(
            max_graph_nodes=max_graph_nodes, max_variables=max_variables, max_edges=max_edges
        )
    )


# --- Cases for the exhaustive profile ------------------------------------------------------------

FIXED_FILTERS: dict[str, tuple[tuple[FilterSpec, ...], ...]] = {
    "filters": ((), (PathContains("a"),), (TypeFilter("Param"), NotOf(PathContains("a")))),
    "exhaustive_filters": (
        (Literal("..."),),
        (PathContains("a"), Literal("...")),
        (NotOf(PathContains("b")), Literal("true")),
    ),
    "nonexhaustive_filters": ((PathContains("a"),), (NotOf(PathContains("a")),), (Nothing(),)),
    "bad_filters": (
        (Literal("..."), TypeFilter("Param")),
        (Invalid("int"),),
        (TypeFilter("Param"), Invalid("object")),
    ),
}
"""The small fixed filter tuples each filter input kind is crossed with (``nonexhaustive_filters``
keeps, per graph, those that leave a leaf unmatched; graphs without Variables get none)."""


def _fixed_programs(bp: Blueprint) -> list[Program]:
    """Return three programs valid for ``bp`` (a module root): the empty one, one that grows a
    child with a cycle and a Variable, and one that transforms values and rewires the root."""
    root_keys = [k for k, _ in bp.nodes[0].entries]
    rewire: list[Edit] = [TransformValues("add_one")]
    if root_keys:
        rewire.append(DeleteAttr((), str(root_keys[0])))
    _, var_paths = apply(blueprint_model(bp), rewire).first_paths()
    if var_paths:
        rewire.append(Alias((), "z", var_paths[min(var_paths)]))
    grow: Program = (
        AddNode((), "z"),
        PointToAncestor(("z",), "up", 1),
        AddVariable(("z",), "w", VarSpec(seed=5)),
    )
    return [(), grow, tuple(rewire)]


def _leaves_unmatched(bp: Blueprint, fs: tuple[FilterSpec, ...]) -> bool:
    return bool(partition(flatten(blueprint_model(bp))[1], fs)[1])


def exhaustive_cases(
    inputs: Sequence[str], *, max_graph_nodes: int = 3, max_variables: int = 2, max_edges: int = 4
) -> list[Case]:
    """Return a finite list of Cases for a law naming ``inputs``: every blueprint of
    ``all_blueprints(...)`` crossed with the fixed options of each named kind (``FIXED_FILTERS``,
    three programs per graph, and as ``other`` the graph itself and the next blueprint of the list;
    with ``near_miss``, the graph changed in each aspect that applies, at its first place).
    """
    names = check_subset("inputs", inputs, INPUTS, non_empty=False)
    named_filters = [n for n in names if n in FIXED_FILTERS]
    if len(named_filters) > 1:
        raise InvalidArgument(
            f"inputs={inputs!r} names {named_filters}, but a Case holds one filter tuple"
        )
    graphs = all_blueprints(
        max_graph_nodes=max_graph_nodes, max_variables=max_variables, max_edges=max_edges
    )
    out: list[Case] = []
    for i, bp in enumerate(graphs):
        filter_options: list[tuple[FilterSpec, ...]] = [()]
        if named_filters:
            filter_options = list(FIXED_FILTERS[named_filters[0]])
            if named_filters[0] == "nonexhaustive_filters":
                filter_options = [
                    fs for fs in filter_options if bp.variables and _leaves_unmatched(bp, fs)
                ]
        program_options = _fixed_programs(bp) if "program" in names else [()]
        other_options: list[Blueprint | None] = (
            [bp, graphs[(i + 1) % len(graphs)]] if "other" in names else [None]
        )
        if "near_miss" in names:
            other_options = [near for _, near in near_misses_of(bp)] or [bp]
        for fs, program, other in itertools.product(filter_options, program_options, other_options):
            out.append(Case(graph=bp, filters=fs, program=program, other=other))
    return out
