"""The graphs ``nnxspec bench`` times, as blueprints (``spec.blueprint``) built through a target.

Every shape is deterministic (seeded), so each target times the same graph.  Variable values
are small float32 arrays: the benchmark measures graph traversal, not array work, and values
are drawn from a few seeds so that building 256k Variables does not mean 256k device transfers
(``spec.targets._nnx.blueprint_array`` shares equal arrays; sharing an immutable array between
Variables changes nothing a traversal sees).

* ``mlp-D``: the ``nnx_graph_overhead.py`` model: a root module with ``D`` blocks, each holding a
  Linear-like module (``kernel`` 8x8, ``bias`` 8: Params) and a BatchNorm-like module (``scale``,
  ``bias``: Params; ``mean``, ``var``: BatchStats) - 6 Variables per block.
* ``wide-N``: a root module with ``N / 100`` child modules of 100 Variable attributes each; each
  attribute holds, with probability 0.1, an earlier Variable (sharing) instead of a new one.
  ``N`` counts attributes; the state has about ``0.9 N`` leaves (the unique Variables).
* ``chain-N``: ``N`` modules nested ``m.c.c.c...``, one Param each (``N`` deep).
* ``ring-N``: ``N`` modules, each with a Param and a ``next`` module; the last points back to
  the root, so the graph is one cycle of length ``N``.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Callable

from spec.blueprint import Blueprint, Entry, NodeSpec, ToNode, ToVar, VarSpec

__all__ = [
    "DEFAULT_SHAPES",
    "QUICK_SHAPES",
    "SCALING",
    "Shape",
    "blueprint",
    "chain",
    "mlp",
    "parse_shape",
    "ring",
    "wide",
]

SEEDS = 16
"""Distinct Variable values per shape (see the module docstring)."""

SHARING = 0.1
"""Probability that a ``wide`` attribute aliases an earlier Variable."""

WIDTH = 100
"""Attributes per child module of a ``wide`` graph."""


def mlp(depth: int) -> Blueprint:
    """An MLP-shaped model of ``depth`` blocks (Linear-like + BatchNorm-like)."""
    nodes: list[NodeSpec] = [NodeSpec("module")]  # the root; entries filled below
    variables: list[VarSpec] = []

    def var(type_name: str, shape: tuple[int, ...]) -> ToVar:
        variables.append(VarSpec(type_name, shape, "float32", len(variables) % SEEDS))
        return ToVar(len(variables) - 1)

    root: list[Entry] = []
    for b in range(depth):
        block, linear, bn = len(nodes), len(nodes) + 1, len(nodes) + 2
        root.append((f"block{b}", ToNode(block)))
        nodes.append(NodeSpec("module", (("bn", ToNode(bn)), ("linear", ToNode(linear)))))
        nodes.append(
            NodeSpec("module", (("bias", var("Param", (8,))), ("kernel", var("Param", (8, 8)))))
        )
        nodes.append(
            NodeSpec(
                "module",
                (
                    ("bias", var("Param", (8,))),
                    ("mean", var("BatchStat", (8,))),
                    ("scale", var("Param", (8,))),
                    ("var", var("BatchStat", (8,))),
                ),
            )
        )
    nodes[0] = NodeSpec("module", tuple(root))
    return Blueprint(tuple(nodes), tuple(variables))


def wide(n: int, seed: int = 0) -> Blueprint:
    """A wide graph of ``n`` Variable attributes (rounded up to a multiple of ``WIDTH``)."""
    rng = random.Random(seed)
    children = max(1, -(-n // WIDTH))
    nodes = [NodeSpec("module", tuple((f"m{i}", ToNode(i + 1)) for i in range(children)))]
    variables: list[VarSpec] = []
    for _ in range(children):
        entries: list[Entry] = []
        for a in range(WIDTH):
            if variables and rng.random() < SHARING:
                entries.append((f"a{a}", ToVar(rng.randrange(len(variables)))))
            else:
                variables.append(VarSpec("Param", (), "float32", len(variables) % SEEDS))
                entries.append((f"a{a}", ToVar(len(variables) - 1)))
        nodes.append(NodeSpec("module", tuple(entries)))
    return Blueprint(tuple(nodes), tuple(variables))


def chain(n: int) -> Blueprint:
    """``n`` modules nested one in the next, one Param each."""
    nodes = []
    for i in range(n):
        entries: tuple[Entry, ...] = (("p", ToVar(i)),)
        if i + 1 < n:
            entries = (("c", ToNode(i + 1)), *entries)
        nodes.append(NodeSpec("module", entries))
    variables = tuple(VarSpec("Param", (), "float32", i % SEEDS) for i in range(n))
    return Blueprint(tuple(nodes), variables)


def ring(n: int) -> Blueprint:
    """``n`` modules in one cycle (each holds the next; the last holds the root), one Param each."""
    nodes = tuple(
        NodeSpec("module", (("next", ToNode((i + 1) % n)), ("p", ToVar(i)))) for i in range(n)
    )
    variables = tuple(VarSpec("Param", (), "float32", i % SEEDS) for i in range(n))
    return Blueprint(nodes, variables)


@dataclasses.dataclass(frozen=True)
class Shape:
    """A named benchmark graph: its family, its size parameter and how to make its blueprint."""

    name: str
    family: str
    size: int
    make: Callable[[], Blueprint]


_FAMILIES: dict[str, Callable[[int], Blueprint]] = {
    "mlp": mlp,
    "wide": wide,
    "chain": chain,
    "ring": ring,
}
_NAME = re.compile(r"^(mlp|wide|chain|ring)-(\d+)(k?)$")


def parse_shape(name: str) -> Shape:
    """Return the shape called ``name``: ``FAMILY-SIZE`` with ``k`` for thousands (``wide-16k``).

    ``wide`` sizes in ``k`` mean multiples of 1,000 (``wide-16k`` has 16,000 attributes).
    """
    m = _NAME.match(name.strip())
    if m is None:
        raise ValueError(
            f"unknown shape {name!r}: expected FAMILY-SIZE with FAMILY one of "
            f"{', '.join(_FAMILIES)} (e.g. mlp-10, wide-16k, chain-100000, ring-1000)"
        )
    family, digits, k = m.groups()
    size = int(digits) * (1000 if k else 1)
    if size < 1:
        raise ValueError(f"shape {name!r}: the size must be at least 1")
    make = _FAMILIES[family]
    return Shape(name.strip(), family, size, lambda: make(size))


def blueprint(name: str) -> Blueprint:
    """Return the blueprint of shape ``name``."""
    return parse_shape(name).make()


DEFAULT_SHAPES: tuple[str, ...] = (
    "mlp-10",
    "mlp-50",
    "wide-1k",
    "wide-4k",
    "wide-16k",
    "wide-64k",
    "wide-256k",
    "chain-100000",
    "ring-1000",
)
"""What ``nnxspec bench`` times without ``--shapes``."""

QUICK_SHAPES: tuple[str, ...] = ("mlp-10", "wide-1k", "wide-16k", "chain-100000", "ring-1000")
"""``--quick``: one of each family, the 16k graph for the memory figure."""

SCALING: tuple[str, ...] = ("wide-1k", "wide-4k", "wide-16k", "wide-64k", "wide-256k")
"""The shapes whose time per Variable should stay flat."""
