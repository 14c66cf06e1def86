"""``graphs()``: index-based random blueprints with sharing, cycles, pytree containers and statics.

How a blueprint is drawn.  All choices are drawn first, as independent *genes* (list elements
and optional parts), and then read into a graph; an index among a varying number of options is
read modulo their count.  So the shrinker can delete a node, a Variable or an extra edge, or make
a node kind simpler, without shifting any other choice, and counterexamples come out small.

1. the root's kind, then a list of further nodes, each with its kind and a parent among the
   earlier nodes (a forward edge of the spanning tree, so every node is reachable);
2. a list of Variables, each with one owner node (so every Variable is used);
3. each two times in three: one more edge to a Variable (a *shared Variable*), one more edge to a
   non-root graph node (a *shared graph node*), and one back edge from a node to one of its
   graph-node ancestors in the spanning tree (a *cycle*, possibly a self-loop); a shared
   Variable or node is created if there is none; then up to two extra edges of any valid sort;
   one time in three, a *pytree loop* (``_pytree_loop``): a pytree container on a cycle through a
   graph node only it reaches, so that split meets it again inside its own expansion;
4. a user-written class for up to two module nodes (``strategies._zoo``, ``spec.zoo``);
5. per node up to two static attributes (ints, bools, short strings, floats), an order of its
   entries and its keys (identifiers for modules, containers, namedtuples and dataclasses;
   ``0..k-1`` for lists and tuples; all-str or all-int for dicts); in about one graph in eight,
   one unhashable static (a set).

Every choice shrinks towards "less": fewer nodes, Variables and edges, the root as parent, no
sharing, no cycle, no statics, entries in drawn order, keys ``a, b, c``, and the simplest node
kind (``module``) and Variable (``Param``, shape ``()``, seed 0, no metadata).
"""

from __future__ import annotations

import dataclasses
import functools
import random
from collections.abc import Sequence
from typing import TypeVar

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from spec.blueprint import (
    DTYPES,
    GRAPH_KINDS,
    KINDS,
    PYTREE_KINDS,
    Blueprint,
    Edge,
    Key,
    NodeSpec,
    StaticValue,
    ToNode,
    ToStatic,
    ToVar,
    Unhashable,
    VarSpec,
)
from spec.build import blueprint_model
from spec.model import NodeSlot
from strategies._scale import TailGene, add_tail, scale_shape, tail_genes
from strategies._validation import check_bool, check_int, check_sizes, check_subset, lazy
from strategies._values import KEY_POOL, integers, static_values, variable_specs
from strategies._zoo import NO_ZOO, ZooGene, apply_zoo, report_zoo, zoo_genes

__all__ = ["FEATURES", "graph_features", "graphs", "has_true_cycle"]

T = TypeVar("T")

FEATURES: tuple[str, ...] = (
    "shared Variable",
    "shared graph node",
    "cycle",
    "pytree container",
    "generic pytree",
    "static",
    "unhashable static",
    "metadata",
    "bfloat16",
    "pytree container on a cycle",
    "pytree container met inside itself",
)
"""The features ``graph_features`` reports (and ``graphs`` records with ``hypothesis.event``)."""

_CHILD_WEIGHTS: dict[str, int] = {
    "module": 4,
    "container": 1,
    "list": 1,
    "tuple": 1,
    "dict": 1,
    "none": 1,
    "namedtuple": 1,
    "dataclass": 1,
    "nnx_list": 3,  # with list_nodes: drawn in most ci searches, with edits of its elements
    "sequential": 1,
}
_ROOT_WEIGHTS: dict[str, int] = {**_CHILD_WEIGHTS, "module": 10, "container": 2, "none": 0}
_GENERIC = ("namedtuple", "dataclass")


def has_true_cycle(bp: Blueprint) -> bool:
    """Check if the node edges of ``bp`` contain a directed cycle (``Blueprint.has_cycle`` also
    counts back edges by index that close no cycle)."""
    state = [0] * len(bp.nodes)  # 0 new, 1 on the stack, 2 done
    for start in range(len(bp.nodes)):
        if state[start]:
            continue
        stack = [
            (start, iter([e.index for _, e in bp.nodes[start].entries if isinstance(e, ToNode)]))
        ]
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
                stack.append(
                    (
                        child,
                        iter(
                            [e.index for _, e in bp.nodes[child].entries if isinstance(e, ToNode)]
                        ),
                    )
                )
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
        **_pytree_loop_features(bp),
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
    zoo: bool = True
    pytree_modes: bool = False
    tail: str = "sometimes"


def _weighted(kinds: Sequence[str], weights: dict[str, int]) -> tuple[str, ...]:
    """Return ``kinds`` repeated by weight, simplest first (``sampled_from`` shrinks to index 0)."""
    ordered = sorted(kinds, key=KINDS.index)
    return tuple(k for k in ordered for _ in range(max(weights[k], 1)))


_NO_STATICS: st.SearchStrategy[list[StaticValue]] = st.just([])
_RAW = integers(0, 63)
"""A choice among a varying number of options, read modulo their count: 0 picks the first, and
the choice stays valid when the shrinker deletes nodes or Variables before it."""
_PAIR = st.tuples(_RAW, _RAW)
_SET_ITEMS = st.lists(integers(0, 3), max_size=2, unique=True)
_NO_SET: st.SearchStrategy[tuple[int, int, list[int]]] = st.just((0, 0, []))
UNHASHABLE_ONE_IN = 8
"""About one graph in this many gets an unhashable static (a set): enough for the laws about
them, rare enough that the laws needing a hashable graphdef (jit) are rarely vacuous."""
_UNHASHABLE_CHANCE = st.sampled_from(range(UNHASHABLE_ONE_IN))
_MAYBE_PAIR = st.tuples(st.sampled_from((False, True, True)), _RAW, _RAW).map(
    lambda t: t[1:] if t[0] else None
)
"""A pair two times in three, else None (what it shrinks to)."""
_RARE_PAIR = st.tuples(st.sampled_from((False, False, True)), _RAW, _RAW).map(
    lambda t: t[1:] if t[0] else None
)
"""A pair one time in three, else None (what it shrinks to)."""


def _mod(items: Sequence[T], raw: int) -> T:
    return items[raw % len(items)]


_NodeGene = tuple[
    str, int, list[StaticValue], int, int, bool
]  # kind, parent, statics, shuffle, keys, pytree
_VarGene = tuple[VarSpec, int]  # the Variable, its owner
_Pair = tuple[int, int] | None


@dataclasses.dataclass(frozen=True)
class _Genes:
    """Every choice of a blueprint but its keys, each an independent list element or option, so
    the shrinker can delete a node, a Variable or an extra edge without disturbing the rest."""

    root: tuple[str, list[StaticValue], int, int, bool]
    nodes: list[_NodeGene]
    variables: list[_VarGene]
    shared_variable: _Pair
    shared_node: _Pair
    cycle: _Pair
    extra: list[tuple[int, int]]
    unhashable: tuple[int, int, list[int]]
    pytree_loop: _Pair = None
    zoo: list[ZooGene] = dataclasses.field(default_factory=list)
    tail: TailGene | None = None


@functools.cache
def _genes(p: _Params) -> st.SearchStrategy[_Genes]:
    statics = st.lists(static_values(unhashable=False), max_size=2) if p.statics else _NO_STATICS
    # the module mode is drawn only for targets with both modes: otherwise it takes no choice,
    # so the graphs drawn for every other target stay exactly what they were
    mode = st.booleans() if p.pytree_modes else st.just(False)
    node = st.tuples(st.sampled_from(p.child_kinds), _RAW, statics, _RAW, _RAW, mode)
    variable = st.tuples(variable_specs(p.dtypes), _RAW)
    return st.builds(
        _Genes,
        # drawn first, so that a graph without them is always the simpler one for the shrinker
        tail=st.none() if p.tail == "never" else tail_genes(p.tail == "sometimes"),
        pytree_loop=_RARE_PAIR if p.sharing and p.cycles else st.none(),
        root=st.tuples(st.sampled_from(p.root_kinds), statics, _RAW, _RAW, mode),
        nodes=st.lists(node, min_size=p.min_nodes - 1, max_size=p.max_nodes - 1),
        variables=st.lists(variable, min_size=p.min_variables, max_size=p.max_variables),
        shared_variable=_MAYBE_PAIR if p.sharing else st.none(),
        shared_node=_MAYBE_PAIR if p.sharing else st.none(),
        cycle=_MAYBE_PAIR if p.cycles else st.none(),
        extra=st.lists(_PAIR, max_size=2) if p.sharing else st.just([]),
        unhashable=st.tuples(_UNHASHABLE_CHANCE, _RAW, _SET_ITEMS) if p.statics else _NO_SET,
        zoo=zoo_genes() if p.zoo else NO_ZOO,
    )


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
    if (
        p.max_depth is not None
        and isinstance(edge, ToNode)
        and edge.index > source
        and _depth(edges) > p.max_depth
    ):
        edges[source].pop()


def _tree(p: _Params, g: _Genes) -> tuple[list[str], list[int], list[list[Edge]]]:
    """Return the node kinds, the spanning-tree parents and the tree edges."""
    kinds = [g.root[0]] + [kind for kind, _, _, _, _, _ in g.nodes]
    parent, level = [-1] * len(kinds), [0] * len(kinds)
    edges: list[list[Edge]] = [[] for _ in kinds]
    for i, (_, raw, _, _, _, _) in enumerate(g.nodes, start=1):
        j = _mod(
            [
                j
                for j in range(i)
                if kinds[j] != "none" and (p.max_depth is None or level[j] < p.max_depth)
            ],
            raw,
        )
        parent[i], level[i] = j, level[j] + 1
        edges[j].append(ToNode(i))
    return kinds, parent, edges


def _cycle_targets(p: _Params, kinds: list[str], parent: list[int], source: int) -> list[int]:
    """Return the graph-node ancestors of ``source`` (itself first) a back edge may point to."""
    out, j = [], source
    while j >= 0:
        if kinds[j] in GRAPH_KINDS and (p.sharing or j == 0):
            out.append(j)
        j = parent[j]
    return out


def _complete(p: _Params, g: _Genes) -> _Genes:
    """Give a "shared Variable" or "shared graph node" choice something to share: a scalar
    Variable owned by the root, or a module child of the root, if the graph has none and the
    size bounds allow it (so these features do not depend on drawing a Variable or a module)."""
    if g.shared_variable is not None and not g.variables and p.max_variables > 0:
        g = dataclasses.replace(g, variables=[(VarSpec(dtype=p.dtypes[0]), 0)])
    has_graph_child = any(kind in GRAPH_KINDS for kind, _, _, _, _, _ in g.nodes)
    if g.shared_node is not None and not has_graph_child and len(g.nodes) < p.max_nodes - 1:
        g = dataclasses.replace(g, nodes=[*g.nodes, ("module", 0, [], 0, 0, False)])
    return g


def _extra_edges(
    p: _Params, g: _Genes, kinds: list[str], parent: list[int], edges: list[list[Edge]]
) -> None:
    """Add the sharing and cycle edges of step 4 of the module docstring."""
    n, n_vars = len(kinds), len(g.variables)
    holders = [j for j in range(n) if kinds[j] != "none"]
    if g.shared_variable is not None and n_vars:
        _add_edge(
            p, edges, _mod(holders, g.shared_variable[0]), ToVar(g.shared_variable[1] % n_vars)
        )
    graph_children = [i for i in range(1, n) if kinds[i] in GRAPH_KINDS]
    if g.shared_node is not None and graph_children:
        target = _mod(graph_children, g.shared_node[0])
        _add_edge(
            p,
            edges,
            _mod([j for j in holders if j < target or p.cycles], g.shared_node[1]),
            ToNode(target),
        )
    if g.cycle is not None:
        closable = {j: _cycle_targets(p, kinds, parent, j) for j in holders}
        sources = [j for j in holders if closable[j]]
        if sources:
            source = _mod(sources, g.cycle[0])
            edges[source].append(ToNode(_mod(closable[source], g.cycle[1])))
    for raw_source, raw_target in g.extra:
        source = _mod(holders, raw_source)
        options: list[Edge] = [ToVar(v) for v in range(n_vars)]
        options += [ToNode(k) for k in range(source + 1, n)]
        options += [ToNode(k) for k in range(source + 1) if p.cycles and kinds[k] in GRAPH_KINDS]
        if options:
            _add_edge(p, edges, source, _mod(options, raw_target))


def _room_for_a_pytree_loop(p: _Params, g: _Genes) -> _Genes:
    """Give a pytree loop choice a graph node and a later container to work with: the first
    non-root node becomes a module and the last a list, if the graph has two more nodes and no
    graph node followed by a container.  Only kinds change, never the number of nodes, so a graph
    without the loop stays the simpler one for the shrinker."""
    kinds = [gene[0] for gene in g.nodes]
    first_graph = next((i for i, k in enumerate(kinds) if k in GRAPH_KINDS), len(kinds))
    if (
        g.pytree_loop is None
        or len(kinds) < 2
        or "list" not in p.child_kinds
        or any(k in PYTREE_KINDS and k != "none" for k in kinds[first_graph + 1 :])
    ):
        return g
    nodes = [("module", *g.nodes[0][1:]), *g.nodes[1:-1], ("list", *g.nodes[-1][1:5], False)]
    return dataclasses.replace(g, nodes=nodes)


def _pytree_loop(
    p: _Params, g: _Genes, kinds: list[str], parent: list[int], edges: list[list[Edge]]
) -> None:
    """Make a pytree container lie on a cycle through a graph node that only it reaches: the
    node's spanning-tree edge is replaced by an edge from the container, and the node gets an
    edge back to the container.  Split then meets the container, walks into the node (a first
    visit) and meets the container again inside its own expansion, where it is flattened anew:
    the Variables in it get their first paths in that inner expansion when they come after the
    node in key order."""
    n = len(kinds)

    def subtree(root: int) -> set[int]:
        out = {root}
        for i in range(root + 1, n):
            if parent[i] in out:
                out.add(i)
        return out

    pairs = [
        (c, x)
        for x in range(1, n)
        if kinds[x] in GRAPH_KINDS
        for c in range(x + 1, n)
        if kinds[c] in PYTREE_KINDS and kinds[c] != "none" and c not in subtree(x)
    ]
    if g.pytree_loop is None or not pairs:
        return
    container, node = _mod(pairs, g.pytree_loop[0])
    edges[parent[node]].remove(ToNode(node))  # the first edge to it is its spanning-tree edge
    edges[container].append(ToNode(node))
    _add_edge(p, edges, node, ToNode(container))


def _pytree_loop_features(bp: Blueprint) -> dict[str, bool]:
    """Whether a pytree container lies on a cycle, and whether split meets one again inside its
    own expansion (a path through it leads back to it)."""
    children = [[e.index for _, e in n.entries if isinstance(e, ToNode)] for n in bp.nodes]

    def on_cycle(start: int) -> bool:
        seen, stack = set(), list(children[start])
        while stack:
            i = stack.pop()
            if i == start:
                return True
            if i not in seen:
                seen.add(i)
                stack += children[i]
        return False

    m = blueprint_model(bp)
    node_at: dict[tuple[Key, ...], int] = {}
    inside = False
    for path, slot, _ in m.walk():
        if isinstance(slot, NodeSlot):
            node_at[path] = slot.id
            inside = inside or (
                m.nodes[slot.id].kind == "pytree"
                and any(node_at.get(path[:i]) == slot.id for i in range(1, len(path)))
            )
    return {
        "pytree container on a cycle": any(
            bp.nodes[i].kind in PYTREE_KINDS and on_cycle(i) for i in range(len(bp.nodes))
        ),
        "pytree container met inside itself": inside,
    }


def _keys(kind: str, count: int, raw: int) -> list[Key]:
    """Return ``count`` keys valid for a node of ``kind``, chosen by ``raw`` (0: ``a, b, c, ...``;
    odd for a dict: int keys).  Keys never need a draw of their own, so the shrinker may change a
    node's kind or entries without shifting any later choice."""
    if kind in ("list", "tuple", "nnx_list"):
        return list(range(count))
    if kind == "dict" and raw % 2:
        return list(random.Random(raw).sample(range(max(10, 2 * count)), count))
    pool: list[Key] = (
        list(KEY_POOL) if count <= len(KEY_POOL) else [*KEY_POOL, *(f"k{i}" for i in range(count))]
    )
    keys = list(pool[:count] if raw == 0 else random.Random(raw).sample(pool, count))
    if kind == "sequential" and count:  # nnx.Sequential keeps its layers under "layers"
        return ["layers", *keys[: count - 1]]
    return keys


def _blueprint(p: _Params, g: _Genes) -> Blueprint:
    g = _room_for_a_pytree_loop(p, _complete(p, g))
    kinds, parent, edges = _tree(p, g)
    holders = [j for j in range(len(kinds)) if kinds[j] != "none"]
    for v, (_, owner) in enumerate(g.variables):
        edges[_mod(holders, owner)].append(ToVar(v))
    _extra_edges(p, g, kinds, parent, edges)
    _pytree_loop(p, g, kinds, parent, edges)
    chance, where, items = g.unhashable
    if chance == UNHASHABLE_ONE_IN - 1:
        edges[_mod(holders, where)].append(ToStatic(Unhashable(tuple(sorted(items)))))
    leaves = [g.root[1:]] + [
        (statics, shuffle, keys, mode) for _, _, statics, shuffle, keys, mode in g.nodes
    ]
    nodes = []
    for kind, own, (statics, shuffle, keys, mode) in zip(kinds, edges, leaves, strict=True):
        own = own + [ToStatic(s) for s in statics] if kind != "none" else own
        if shuffle:
            random.Random(shuffle).shuffle(own)
        entries = tuple(zip(_keys(kind, len(own), keys), own, strict=True))
        nodes.append(NodeSpec(kind, entries, pytree=mode and kind in GRAPH_KINDS))
    variables = tuple(v for v, _ in g.variables)
    bp = Blueprint(tuple(apply_zoo(nodes, g.zoo)), variables)
    for feature in sorted(graph_features(bp)):
        event(f"graphs: {feature}")
    for feature, present in (
        ("pytree-mode node", any(n.pytree for n in bp.nodes)),
        ("nnx.List", any(n.kind == "nnx_list" for n in bp.nodes)),
    ):
        if present:
            event(f"graphs: {feature}")
    report_zoo(bp.nodes)
    if g.tail is None:
        return bp
    # the features above are the carried graph's: the tail adds none of them, and finding
    # them again on hundreds of nodes would cost more than drawing the graph
    bp = add_tail(
        bp,
        g.tail,
        root_kinds=p.root_kinds,
        child_kinds=p.child_kinds,
        statics=p.statics,
        dtype=p.dtypes[0],
    )
    event(f"graphs: scale tail: {scale_shape(bp)}")
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
    zoo: bool = True,
    pytree_modes: bool = False,
    list_nodes: bool = False,
    sequential_nodes: bool = False,
    tail: str = "sometimes",
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
        pytree_modes: draw each graph node's module mode (``NodeSpec.pytree``), for targets
            with ``Capability.PYTREE_MODULES``; off, no choice is drawn for it.
        list_nodes: also draw ``nnx_list`` graph nodes (``Capability.LIST_NODES``).
        sequential_nodes: also draw ``sequential`` graph nodes (``Capability.SEQUENTIAL_NODES``),
            whose first entry is called ``layers``.
        tail: ``"sometimes"`` (about one graph in ``TAIL_ONE_IN``), ``"always"`` or
            ``"never"``: wrap the graph in a *scale tail* (``strategies._scale``: a spine of
            >= 100 levels, a module of >= 300 attributes, a dict of >= 20 int keys, a list or
            tuple of >= 64 elements).  The size bounds above bound the carried graph; the tail
            adds its own nodes and scalar Variables.  With ``max_depth``, or without
            ``sharing`` (a cycle closing at the carried root would share it), there is none.
        zoo: let up to two module nodes be user-written classes (``spec.zoo``: overridden
            attribute hooks, descriptors, dataclass modules, class keywords ...); ``zoo: <style>``
            events report the mix.

    With the defaults about half the examples have a shared Variable, a shared graph node and a
    cycle each, and about three quarters a pytree container (measured over 500 examples:
    50-57%, 53-55%, 45-49%, 75-83%), about 36% a pytree container on a cycle and 19% one that
    split meets again inside its own expansion (500 derandomized examples); ``hypothesis.event``
    records each feature as ``graphs: <feature>``.  Examples shrink towards a single empty module,
    then fewer nodes, edges and Variables, no sharing, no cycles, no pytree containers, scalar
    ``Param`` Variables and small values and seeds.
    """

    def define() -> st.SearchStrategy[Blueprint]:
        check_int("min_nodes", min_nodes, min_value=1)
        check_int("max_nodes", max_nodes, min_value=1)
        check_sizes("min_nodes", min_nodes, "max_nodes", max_nodes)
        check_int("min_variables", min_variables)
        check_int("max_variables", max_variables)
        check_sizes("min_variables", min_variables, "max_variables", max_variables)
        check_int("max_depth", max_depth, allow_none=True)
        for name, flag in (
            ("sharing", sharing),
            ("cycles", cycles),
            ("containers", containers),
            ("statics", statics),
            ("generic_pytrees", generic_pytrees),
            ("pytree_modes", pytree_modes),
            ("list_nodes", list_nodes),
            ("sequential_nodes", sequential_nodes),
            ("zoo", zoo),
        ):
            check_bool(name, flag)
        checked_dtypes = check_subset("dtypes", dtypes, DTYPES)
        modern = {"nnx_list": list_nodes, "sequential": sequential_nodes}
        allowed = [
            k
            for k in KINDS
            if (k in GRAPH_KINDS and modern.get(k, True))
            or (k in PYTREE_KINDS and containers and (generic_pytrees or k not in _GENERIC))
        ]
        roots = [k for k in allowed if k != "none"]
        if root_kinds is not None:
            roots = list(check_subset("root_kinds", root_kinds, roots))
        if tail not in ("never", "sometimes", "always"):
            raise InvalidArgument(f"tail={tail!r} must be 'never', 'sometimes' or 'always'")
        if tail == "always" and (max_depth is not None or not sharing):
            raise InvalidArgument(
                f"tail='always' needs sharing=True and no max_depth, not sharing={sharing!r}, "
                f"max_depth={max_depth!r}"
            )
        upper = max_nodes
        if max_depth == 0:
            check_sizes("min_nodes", min_nodes, "the one node max_depth=0 allows; max_nodes", 1)
            upper = 1
        p = _Params(
            min_nodes,
            upper,
            min_variables,
            max_variables,
            sharing,
            cycles,
            statics,
            checked_dtypes,
            max_depth,
            _weighted(roots, _ROOT_WEIGHTS),
            _weighted(allowed, _CHILD_WEIGHTS),
            zoo,
            pytree_modes,
            tail if max_depth is None and sharing else "never",
        )
        return _genes(p).map(functools.partial(_blueprint, p))

    return lazy(define)


assert set(PYTREE_KINDS) | set(GRAPH_KINDS) == set(
    KINDS
)  # sanity check: every kind is drawn somewhere
