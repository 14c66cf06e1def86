"""The scale tail of the graph distribution: deep and wide graphs, cheap by construction.

A behaviour that changes past some depth or width (a depth guard in one operation, a fast path
for wide nodes or for dicts with many int keys) is never seen on the small graphs the laws
usually draw.  So ``graphs()`` draws a *tail gene* that wraps the small random graph it drew (the
*carried* graph) in one of these shapes:

=================  ==========================================================================
shape              what wraps the carried graph
=================  ==========================================================================
``deep``           a spine of >= ``DEEP`` nodes, each the only child of the one before, the
                   carried graph at its end; modules and, where the drawn pattern says so,
                   lists, tuples, dicts and containers, so graph-node and pytree recursion
                   both run deep
``wide``           a module with >= ``WIDE`` attributes: the carried graph under one of them,
                   the others int statics and (one in ``VAR_EVERY``) scalar Variables
``int-keyed dict`` a dict with >= ``INT_KEYS`` int keys drawn from ``0..4n`` (multi-digit keys,
                   in no particular order), values as for ``wide``
``long list``      a list of >= ``LONG`` elements, values as for ``wide``
``long tuple``     a tuple of >= ``LONG`` elements, values as for ``wide``
=================  ==========================================================================

The tail is cheap: at most ``DEEP + 32`` extra nodes of one entry each, or one extra node with
many static entries and about one scalar Variable in ``VAR_EVERY``.  Its gene is drawn first
and shrinks to "no tail"; within a tail, towards ``deep`` and the shape's floor size.  A wide
root that a law cannot take (a ``module_graph`` law needs a module root) hangs under a module.

``scale_shape(bp)`` tells, from the blueprint alone, which shape a graph has (or None), so the
runner can count the examples that exercised the tail.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from hypothesis import strategies as st

from spec.blueprint import Blueprint, Edge, Key, NodeSpec, ToNode, ToStatic, ToVar, VarSpec
from strategies._values import integers

__all__ = [
    "DEEP",
    "INT_KEYS",
    "LONG",
    "PATTERN",
    "SHAPES",
    "TAIL_ONE_IN",
    "VAR_EVERY",
    "WIDE",
    "TailGene",
    "add_tail",
    "scale_shape",
    "tail_genes",
]

DEEP = 100
"""The fewest levels of a deep spine (the carried graph adds its own below)."""
WIDE = 300
"""The fewest attributes of a wide module."""
INT_KEYS = 20
"""The fewest int keys of an int-keyed dict."""
LONG = 64
"""The fewest elements of a long list or tuple."""
VAR_EVERY = 32
"""One fan entry in this many is a scalar Variable, the others int statics."""
TAIL_ONE_IN = 10
"""About one graph in this many carries a tail when ``graphs(tail="sometimes")``."""
SHAPES: tuple[str, ...] = ("deep", "wide", "int-keyed dict", "long list", "long tuple")
_FAN_KIND = {"wide": "module", "int-keyed dict": "dict", "long list": "list", "long tuple": "tuple"}
_FLOOR = {"deep": DEEP, "wide": WIDE, "int-keyed dict": INT_KEYS, "long list": LONG}
_SPINE_EXTRA = ("list", "tuple", "dict", "container")
"""The kinds a spine mixes in among its modules (those the graph may hold)."""

PATTERN = 48
"""A tail draws this many choices of its own (``TailGene``'s pattern), so the shrinker, which
prefers fewer choices, prefers any graph of up to several nodes and Variables without a tail to
one with a tail: a failure the tail does not need shrinks without it."""

TailGene = tuple[int, int, int, list[int]]
"""Shape, extra size, a raw choice of positions, and the pattern: the kind of each spine level
(0 a module, else one of ``_SPINE_EXTRA``), repeated; in a fan, a str static where nonzero."""


def tail_genes(sometimes: bool) -> st.SearchStrategy[TailGene | None]:
    """The tail gene: always a tail, or one time in ``TAIL_ONE_IN`` (else None, what it shrinks
    to)."""
    pattern = st.lists(integers(0, len(_SPINE_EXTRA)), min_size=PATTERN, max_size=PATTERN)
    gene = st.tuples(integers(0, len(SHAPES) - 1), integers(0, 31), integers(0, 63), pattern)
    if not sometimes:
        return gene
    chance = st.sampled_from(range(TAIL_ONE_IN))
    return st.tuples(chance, gene).map(lambda t: t[1] if t[0] == TAIL_ONE_IN - 1 else None)


def _shapes(child_kinds: Sequence[str], statics: bool) -> list[str]:
    """The shapes a graph of ``child_kinds`` may take (fans hold statics: only with them)."""
    return [s for s in SHAPES if s == "deep" or (statics and _FAN_KIND[s] in child_kinds)]


def add_tail(
    bp: Blueprint,
    gene: TailGene,
    *,
    root_kinds: Sequence[str],
    child_kinds: Sequence[str],
    statics: bool,
    dtype: str,
) -> Blueprint:
    """Return ``bp`` carried by the tail ``gene`` chooses among the shapes ``child_kinds`` and
    ``statics`` allow; the root is a module unless the shape's own kind is in ``root_kinds``."""
    shapes = _shapes(child_kinds, statics)
    shape = shapes[gene[0] % len(shapes)]
    size = _FLOOR.get(shape, LONG) + gene[1]
    if shape == "deep":
        head = _spine(size, gene[3], child_kinds)
        fresh: list[VarSpec] = []
    else:
        head, fresh = _fan(shape, size, gene[2], gene[3], len(bp.variables), dtype)
    if head[0].kind not in root_kinds:
        kind = "module" if "module" in root_kinds else root_kinds[0]
        head = [NodeSpec(kind, ((_first_key(kind), ToNode(1)),)), *_shift(head, 1, 0)]
    off = len(head)
    carried = _shift(list(bp.nodes), off, 0)
    head = [_point(n, off) for n in head]
    return Blueprint((*head, *carried), (*bp.variables, *fresh))


_CARRIED = ToNode(-1)
"""Where a tail's head holds the carried graph's root, until ``_point`` knows its index."""


def _point(n: NodeSpec, root: int) -> NodeSpec:
    entries = tuple((k, ToNode(root) if e == _CARRIED else e) for k, e in n.entries)
    return NodeSpec(n.kind, entries, n.pytree, n.style)


def _shift(nodes: list[NodeSpec], by: int, var_by: int) -> list[NodeSpec]:
    """Return ``nodes`` with every node index moved by ``by`` (the carried marker kept)."""

    def edge(e: Edge) -> Edge:
        if isinstance(e, ToNode) and e != _CARRIED:
            return ToNode(e.index + by)
        if isinstance(e, ToVar):
            return ToVar(e.index + var_by)
        return e

    return [
        NodeSpec(n.kind, tuple((k, edge(e)) for k, e in n.entries), n.pytree, n.style)
        for n in nodes
    ]


def _first_key(kind: str) -> Key:
    """The key of a one-entry node of ``kind``."""
    if kind in ("list", "tuple", "nnx_list"):
        return 0
    return "layers" if kind == "sequential" else "a"


def _spine(levels: int, pattern: list[int], child_kinds: Sequence[str]) -> list[NodeSpec]:
    """``levels`` nodes, each holding the next (the last the carried graph): a module at the
    root, then the kinds ``pattern`` picks, level by level (0, or a kind the graph may not hold:
    a module)."""
    nodes = []
    for i in range(levels):
        pick = pattern[i % len(pattern)] if i else 0
        kind = _SPINE_EXTRA[pick - 1] if pick else "module"
        kind = kind if kind in child_kinds else "module"
        key = 7 if kind == "dict" and pick % 2 else _first_key(kind)
        nxt = ToNode(i + 1) if i + 1 < levels else _CARRIED
        nodes.append(NodeSpec(kind, ((key, nxt),)))
    return nodes


def _fan(
    shape: str, size: int, raw: int, pattern: list[int], first_var: int, dtype: str
) -> tuple[list[NodeSpec], list[VarSpec]]:
    """One node of ``size`` entries: the carried graph at a position ``raw`` picks, a scalar
    Variable in every ``VAR_EVERY`` (numbered from ``first_var``), the others int statics (str
    where ``pattern`` is nonzero)."""
    kind = _FAN_KIND[shape]
    rng = random.Random(raw)
    keys: list[Key]
    if kind == "module":
        keys = [f"k{i}" for i in range(size)]
    elif kind == "dict":
        keys = rng.sample(range(4 * size), size)
    else:
        keys = list(range(size))
    at = raw % size
    values: list[Edge] = []
    fresh: list[VarSpec] = []
    for i in range(size):
        if i == at:
            values.append(_CARRIED)
        elif i % VAR_EVERY == VAR_EVERY // 2:
            values.append(ToVar(first_var + len(fresh)))
            fresh.append(VarSpec(dtype=dtype, seed=len(fresh)))
        else:
            values.append(ToStatic(f"s{i}" if pattern[i % len(pattern)] else i))
    return [NodeSpec(kind, tuple(zip(keys, values, strict=True)))], fresh


def scale_shape(bp: Blueprint) -> str | None:
    """Return the scale shape ``bp`` has (see the module docstring), or None for none."""
    if bp.depth() >= DEEP:
        return "deep"
    for n in bp.nodes:
        count = len(n.entries)
        if n.kind == "module" and count >= WIDE:
            return "wide"
        if n.kind == "dict" and count >= INT_KEYS and all(isinstance(k, int) for k, _ in n.entries):
            return "int-keyed dict"
        if n.kind in ("list", "tuple") and count >= LONG:
            return f"long {n.kind}"
    return None
