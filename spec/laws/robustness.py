"""ROB: no depth ceiling, no size cliff - deep chains, long rings and wide modules work.

These laws use built-in inputs (``inputs=()``): the sizes are the point, not the shapes.
"""

from __future__ import annotations

from spec import semantics
from spec.blueprint import Blueprint, NodeSpec, ToNode, ToVar, VarSpec
from spec.build import build
from spec.laws._check import flat_models, require, require_same_model
from spec.laws._registry import Case, law
from spec.model import observe
from spec.target import Target

DEPTH = 100_000
RING = 10_000
WIDTH = 100_000


def chain(depth: int) -> Blueprint:
    """Return a chain of ``depth`` modules, each holding a scalar Param and the next module."""
    nodes = tuple(
        NodeSpec("module", (("p", ToVar(i)),) + ((("child", ToNode(i + 1)),) if i + 1 < depth else ()))
        for i in range(depth)
    )
    return Blueprint(nodes, tuple(VarSpec(seed=i % 7) for i in range(depth)))


def ring(size: int) -> Blueprint:
    """Return ``size`` modules in a cycle, each holding a scalar Param and the next module."""
    nodes = tuple(NodeSpec("module", (("next", ToNode((i + 1) % size)), ("p", ToVar(i)))) for i in range(size))
    return Blueprint(nodes, tuple(VarSpec(seed=i % 5) for i in range(size)))


def wide(width: int) -> Blueprint:
    """Return one module with ``width`` Param attributes."""
    entries = tuple((f"a{i}", ToVar(i)) for i in range(width))
    return Blueprint((NodeSpec("module", entries),), tuple(VarSpec(seed=i % 3) for i in range(width)))


def _survives_every_operation(t: Target, bp: Blueprint, what: str) -> None:
    x = build(t, bp).root
    expected = semantics.rebuild(observe(t, x))
    gd, s = t.split(x)
    require(len(flat_models(t, s)) == len(bp.variables), f"split of {what} has the wrong number of leaves")
    require_same_model(expected, observe(t, t.merge(gd, s)), f"merge(*split({what}))")
    t.update(x, s)
    require_same_model(expected, observe(t, t.clone(x)), f"clone({what})")
    require(sum(1 for _ in t.iter_graph(x)) >= len(bp.nodes), f"iter_graph({what}) stopped early")


@law("ROB-1", inputs=(), examples=0.01)
def deep_chains_have_no_depth_ceiling(t: Target, case: Case) -> None:
    """A chain of 100,000 nested modules splits, merges, updates, clones and iterates.

    Statement: x = chain(100_000)  ⟹  split, merge, update, clone, iter_graph all succeed and merge(*split(x)) ≅ x
    Rationale: recursion limits are an implementation accident, not a semantic boundary.
    Seed: graph.py _graph_flatten / _graph_unflatten (breaks: RecursionError near 490 levels, D-1).
    """
    _survives_every_operation(t, chain(DEPTH), f"a {DEPTH}-deep chain")


@law("ROB-2", inputs=(), examples=0.01)
def long_rings_round_trip(t: Target, case: Case) -> None:
    """A ring of 10,000 modules (each pointing to the next, the last to the first) survives every operation.

    Statement: x = ring(10_000)  ⟹  split, merge, update, clone, iter_graph all succeed and merge(*split(x)) ≅ x
    Rationale: long cycles (linked structures, unrolled recurrences) hit the same depth limits as chains.
    Seed: graph.py (breaks: RecursionError, D-1).
    """
    _survives_every_operation(t, ring(RING), f"a {RING}-node ring")


@law("ROB-3", inputs=(), examples=0.01)
def wide_modules_round_trip(t: Target, case: Case) -> None:
    """A module with 100,000 Variable attributes survives every operation.

    Statement: x = wide(100_000)  ⟹  split, merge, update, clone, iter_graph all succeed and merge(*split(x)) ≅ x
    Rationale: flat parameter dictionaries of large models must not hit quadratic paths.
    Seed: graph.py (holds).
    """
    _survives_every_operation(t, wide(WIDTH), f"a module with {WIDTH} attributes")
