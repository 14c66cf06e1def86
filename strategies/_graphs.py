"""``graphs()``: index-based random blueprints with sharing, cycles, pytree containers and statics.

How a blueprint is drawn (every step is a separate, shrinkable choice):

1. the number of nodes ``n``, then each node's kind (node 0, the root, first);
2. a spanning tree: each node ``i > 0`` gets a parent ``j < i`` (a forward edge), so every node
   is reachable; parents shrink towards the root;
3. the Variables, each with one owner node (so every Variable is used);
4. on request of a boolean each: one more edge to a Variable (a *shared Variable*), one more edge
   to a non-root graph node (a *shared graph node*), and one back edge from a node to one of its
   graph-node ancestors in the spanning tree (a *cycle*, possibly a self-loop); then up to two
   extra edges of any valid sort;
5. static attributes, the order of each node's entries, and its keys (identifiers for modules,
   containers, namedtuples and dataclasses; ``0..k-1`` for lists and tuples; all-str or all-int
   for dicts).

Every choice shrinks towards "less": fewer nodes, the root as parent, no Variables, booleans
False (no sharing, no cycle), no statics, entries in drawn order, keys ``a, b, c``, and the
simplest node kind (``module``) and Variable (``Param``, shape ``()``, seed 0, no metadata).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import TypeVar

from hypothesis import event
from hypothesis import strategies as st

from spec.blueprint import (
    DTYPES,
    GRAPH_KINDS,
    KINDS,
    PYTREE_KINDS,
    Blueprint,
    Edge,
    Key,
    NodeSpec,
    ToNode,
    ToStatic,
    ToVar,
    Unhashable,
    VarSpec,
)
from strategies._validation import check_bool, check_int, check_sizes, check_subset, lazy
from strategies._values import identifier_keys, integers, static_values, variable_specs

__all__ = ["FEATURES", "graph_features", "graphs", "has_true_cycle"]

T = TypeVar("T")

FEATURES: tuple[str, ...] = (
    "shared Variable", "shared graph node", "cycle", "pytree container", "generic pytree",
    "static", "unhashable static", "metadata", "bfloat16",
)
"""The features ``graph_features`` reports (and ``graphs`` records with ``hypothesis.event``)."""

_CHILD_WEIGHTS: dict[str, int] = {
    "module": 4, "container": 1, "list": 1, "tuple": 1, "dict": 1, "none": 1, "namedtuple": 1, "dataclass": 1,
}
_ROOT_WEIGHTS: dict[str, int] = {**_CHILD_WEIGHTS, "module": 6, "none": 0}
_GENERIC = ("namedtuple", "dataclass")


def has_true_cycle(bp: Blueprint) -> bool:
    """Check if the node edges of ``bp`` contain a directed cycle (``Blueprint.has_cycle`` also
    counts back edges by index that close no cycle)."""
    state = [0] * len(bp.nodes)  # 0 new, 1 on the stack, 2 done
    for start in range(len(bp.nodes)):
        if state[start]:
            continue
        stack = [(start, iter([e.index for _, e in bp.nodes[start].entries if isinstance(e, ToNode)]))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state[child] == 1:
                return True
            elif state[child] == 0:
                state[child] = 1
                stack.append((child, iter([e.index for _, e in bp.nodes[child].entries if isinstance(e, ToNode)])))
    return False


def graph_features(bp: Blueprint) -> frozenset[str]:
    """Return which of ``FEATURES`` the blueprint has."""
    statics = [e.value for _, _, e in bp.edges() if isinstance(e, ToStatic)]
    found = {
        "shared Variable": bp.has_shared_variable,
        "shared graph node": bp.has_shared_graph_node,
        "cycle": has_true_cycle(bp),
        "pytree container": bp.has_pytree_container,
        "generic pytree": any(n.kind in _GENERIC for n in bp.nodes),
        "static": bool(statics),
        "unhashable static": any(isinstance(s, Unhashable) for s in statics),
        "metadata": any(v.metadata for v in bp.variables),
        "bfloat16": any(v.dtype == "bfloat16" for v in bp.variables),
    }
    return frozenset(name for name, present in found.items() if present)


@dataclasses.dataclass(frozen=True)
class _Params:
    min_nodes: int
    max_nodes: int
    min_variables: int
    max_variables: int
    sharing: bool
    cycles: bool
    statics: bool
    dtypes: tuple[str, ...]
    max_depth: int | None
    root_kinds: tuple[str, ...]
    child_kinds: tuple[str, ...]


def _weighted(kinds: Sequence[str], weights: dict[str, int]) -> tuple[str, ...]:
    """Return ``kinds`` repeated by weight, simplest first (``sampled_from`` shrinks to index 0)."""
    ordered = sorted(kinds, key=KINDS.index)
    return tuple(k for k in ordered for _ in range(max(weights[k], 1)))


_BOOLEANS = st.booleans()
_STATIC_LISTS = st.lists(static_values(), max_size=2)


@functools.cache
def _sampled(items: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(items)


@functools.cache
def _permutations(count: int) -> st.SearchStrategy[list[int]]:
    return st.permutations(range(count))


@functools.cache
def _int_keys(count: int) -> st.SearchStrategy[list[int]]:
    return st.lists(integers(0, max(9, 2 * count)), min_size=count, max_size=count, unique=True)


def _pick(draw: st.DrawFn, items: Sequence[T]) -> T:
    """Draw an item of ``items``, shrinking towards the first."""
    return items[draw(integers(0, len(items) - 1))]


def _depth(edges: list[list[Edge]]) -> int:
    """Return the longest forward-edge path from the root (as ``Blueprint.depth``)."""
    best = [0] * len(edges)
    for i in range(len(edges) - 1, -1, -1):
        for e in edges[i]:
            if isinstance(e, ToNode) and e.index > i:
                best[i] = max(best[i], best[e.index] + 1)
    return best[0]


def _add_edge(p: _Params, edges: list[list[Edge]], source: int, edge: Edge) -> None:
    """Add ``edge`` to ``source`` unless it makes the graph deeper than ``max_depth``."""
    edges[source].append(edge)
    if p.max_depth is not None and isinstance(edge, ToNode) and edge.index > source and _depth(edges) > p.max_depth:
        edges[source].pop()


def _extra_edges(draw: st.DrawFn, p: _Params, kinds: list[str], parent: list[int], edges: list[list[Edge]], n_vars: int) -> None:
    """Add the sharing and cycle edges of step 4 of the module docstring."""
    n = len(kinds)
    holders = [j for j in range(n) if kinds[j] != "none"]
    if p.sharing and n_vars and draw(_BOOLEANS):
        _add_edge(p, edges, _pick(draw, holders), ToVar(draw(integers(0, n_vars - 1))))
    graph_children = [i for i in range(1, n) if kinds[i] in GRAPH_KINDS]
    if p.sharing and graph_children and draw(_BOOLEANS):
        target = _pick(draw, graph_children)
        _add_edge(p, edges, _pick(draw, [j for j in holders if j < target or p.cycles]), ToNode(target))
    if p.cycles and draw(_BOOLEANS):
        source = _pick(draw, holders)
        ancestors, j = [], source
        while j >= 0:
            if kinds[j] in GRAPH_KINDS and (p.sharing or j == 0):
                ancestors.append(j)
            j = parent[j]
        if ancestors:
            edges[source].append(ToNode(_pick(draw, ancestors)))
    for _ in range(draw(integers(0, 2)) if p.sharing else 0):
        source = _pick(draw, holders)
        options: list[Edge] = [ToVar(v) for v in range(n_vars)]
        options += [ToNode(k) for k in range(source + 1, n)]
        options += [ToNode(k) for k in range(source + 1) if p.cycles and kinds[k] in GRAPH_KINDS]
        if options:
            _add_edge(p, edges, source, _pick(draw, options))


def _keys(draw: st.DrawFn, kind: str, count: int) -> list[Key]:
    """Draw ``count`` keys valid for a node of ``kind``."""
    if kind in ("list", "tuple"):
        return list(range(count))
    if kind == "dict" and count and draw(_BOOLEANS):
        return list(draw(_int_keys(count)))
    return list(draw(identifier_keys(count)))


@st.composite
def _blueprints(draw: st.DrawFn, p: _Params) -> Blueprint:
    n = draw(integers(p.min_nodes, p.max_nodes))
    kinds = [draw(_sampled(p.root_kinds))] + [draw(_sampled(p.child_kinds)) for _ in range(1, n)]
    edges: list[list[Edge]] = [[] for _ in range(n)]
    parent, level = [-1] * n, [0] * n
    for i in range(1, n):
        j = _pick(draw, [j for j in range(i) if kinds[j] != "none" and (p.max_depth is None or level[j] < p.max_depth)])
        parent[i], level[i] = j, level[j] + 1
        edges[j].append(ToNode(i))
    holders = [j for j in range(n) if kinds[j] != "none"]
    variables: list[VarSpec] = []
    for v in range(draw(integers(p.min_variables, p.max_variables))):
        variables.append(draw(variable_specs(p.dtypes)))
        edges[_pick(draw, holders)].append(ToVar(v))
    _extra_edges(draw, p, kinds, parent, edges, len(variables))
    nodes = []
    for i, kind in enumerate(kinds):
        own: list[Edge] = edges[i]
        if p.statics and kind != "none":
            own = own + [ToStatic(s) for s in draw(_STATIC_LISTS)]
        if len(own) > 1:
            own = [own[k] for k in draw(_permutations(len(own)))]
        nodes.append(NodeSpec(kind, tuple(zip(_keys(draw, kind, len(own)), own, strict=True))))
    bp = Blueprint(tuple(nodes), tuple(variables))
    for feature in sorted(graph_features(bp)):
        event(f"graphs: {feature}")
    return bp


def graphs(
    *,
    min_nodes: int = 1,
    max_nodes: int = 8,
    min_variables: int = 0,
    max_variables: int = 4,
    sharing: bool = True,
    cycles: bool = True,
    containers: bool = True,
    statics: bool = True,
    generic_pytrees: bool = True,
    dtypes: Sequence[str] = DTYPES,
    max_depth: int | None = None,
    root_kinds: Sequence[str] | None = None,
) -> st.SearchStrategy[Blueprint]:
    """Return a strategy for valid ``Blueprint`` graphs (see the module docstring for how).

    Args:
        min_nodes, max_nodes: bounds on the number of nodes (graph nodes and pytree containers).
        min_variables, max_variables: bounds on the number of distinct Variables.
        sharing: allow a Variable or node to be reached by several edges.  Without it a cycle
            may only close at the root (a back edge to another node would share it).
        cycles: allow back edges to graph-node ancestors.
        containers: allow pytree containers (list, tuple, dict, None and, with
            ``generic_pytrees``, namedtuples and dataclasses).
        statics: allow static attribute values (ints, bools, strings, floats, unhashable sets).
        dtypes: the Variable dtypes to draw (leave out ``"bfloat16"`` for targets without it).
        max_depth: the longest forward-edge path from the root, or None for no limit.
        root_kinds: the node kinds the root may have (default: every allowed kind but ``none``).

    About 50% of examples have a shared Variable, a shared graph node, a cycle and a pytree
    container each (``hypothesis.event`` records them as ``graphs: <feature>``).  Examples
    shrink towards a single empty module, then fewer nodes, edges and Variables, no sharing,
    no cycles, no pytree containers, scalar ``Param`` Variables and small values and seeds.
    """
    def define() -> st.SearchStrategy[Blueprint]:
        check_int("min_nodes", min_nodes, min_value=1)
        check_int("max_nodes", max_nodes, min_value=1)
        check_sizes("min_nodes", min_nodes, "max_nodes", max_nodes)
        check_int("min_variables", min_variables)
        check_int("max_variables", max_variables)
        check_sizes("min_variables", min_variables, "max_variables", max_variables)
        check_int("max_depth", max_depth, allow_none=True)
        for name, flag in (("sharing", sharing), ("cycles", cycles), ("containers", containers),
                           ("statics", statics), ("generic_pytrees", generic_pytrees)):
            check_bool(name, flag)
        checked_dtypes = check_subset("dtypes", dtypes, DTYPES)
        allowed = [k for k in KINDS if k in GRAPH_KINDS or (containers and (generic_pytrees or k not in _GENERIC))]
        roots = [k for k in allowed if k != "none"]
        if root_kinds is not None:
            roots = list(check_subset("root_kinds", root_kinds, roots))
        upper = max_nodes
        if max_depth == 0:
            check_sizes("min_nodes", min_nodes, "the one node max_depth=0 allows; max_nodes", 1)
            upper = 1
        p = _Params(min_nodes, upper, min_variables, max_variables, sharing, cycles, statics,
                    checked_dtypes, max_depth, _weighted(roots, _ROOT_WEIGHTS), _weighted(allowed, _CHILD_WEIGHTS))
        return _blueprints(p)

    return lazy(define)


assert set(PYTREE_KINDS) | set(GRAPH_KINDS) == set(KINDS)  # sanity check: every kind is drawn somewhere
