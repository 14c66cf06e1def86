"""ROB: no depth ceiling, no size cliff - deep chains, long rings and wide modules work.

These laws use built-in inputs (``inputs=()``): the sizes are the point, not the shapes.  State
paths are tuples, so a Variable at depth d costs O(d) just to name; the deep shapes therefore
carry few Variables (at the bottom of the chain, every 100th node of the ring), which keeps the
inputs linear in size while every traversal still has to go all the way down.
"""

from __future__ import annotations

import functools

from spec.blueprint import Blueprint, NodeSpec, ToNode, ToStatic, ToVar, VarSpec
from spec.build import build
from spec.laws._check import flat_models, require, require_same_model
from spec.laws._registry import Case, law
from spec.model import observe
from spec.target import Target

DEPTH = 100_000
RING = 10_000
WIDTH = 100_000


@functools.lru_cache(maxsize=4)
def chain(depth: int) -> Blueprint:
    """Return a chain of ``depth`` modules, each with a static ``level``; the last holds a Param."""
    nodes = (
        *(NodeSpec("module", (("child", ToNode(i + 1)), ("level", ToStatic(i % 10)))) for i in range(depth - 1)),
        NodeSpec("module", (("p", ToVar(0)),)),
    )
    return Blueprint(nodes, (VarSpec(shape=(2,)),))


@functools.lru_cache(maxsize=4)
def ring(size: int, every: int = 100) -> Blueprint:
    """Return ``size`` modules in a cycle (each points to the next, the last to the first); every
    ``every``-th one holds a Param."""
    nodes = tuple(
        NodeSpec("module", (("next", ToNode((i + 1) % size)),) + ((("p", ToVar(i // every)),) if i % every == 0 else ()))
        for i in range(size)
    )
    return Blueprint(nodes, tuple(VarSpec(seed=j % 5) for j in range((size + every - 1) // every)))


@functools.lru_cache(maxsize=4)
def wide(width: int) -> Blueprint:
    """Return one module with ``width`` Param attributes."""
    entries = tuple((f"a{i}", ToVar(i)) for i in range(width))
    return Blueprint((NodeSpec("module", entries),), tuple(VarSpec(seed=i % 3) for i in range(width)))


def _scaled(size: int, case: Case) -> int:
    """Return ``size`` times the case's scale (the dev profile checks a tenth of each size)."""
    return max(2, int(size * case.scale))


def _survives_every_operation(t: Target, bp: Blueprint, what: str, *, iterate: bool = True) -> None:
    x = build(t, bp).root
    assert not bp.has_pytree_container  # sanity check: so rebuild(model(x)) is model(x) itself
    expected = observe(t, x)
    gd, s = t.split(x)
    require(len(flat_models(t, s)) == len(bp.variables), f"split of {what} has the wrong number of leaves")
    require_same_model(expected, observe(t, t.merge(gd, s)), f"merge(*split({what}))")
    t.update(x, s)
    require_same_model(expected, observe(t, x), f"{what} after update(x, state(x))")
    require_same_model(expected, observe(t, t.clone(x)), f"clone({what})")
    if iterate:  # iter_graph yields one path per node: O(depth^2) on a chain by construction
        count = sum(1 for _ in t.iter_graph(x))
        require(count >= len(bp.nodes), f"iter_graph({what}) yields {count} items, fewer than its {len(bp.nodes)} nodes")


@law("ROB-1", inputs=(), examples=0.01)
def deep_chains_have_no_depth_ceiling(t: Target, case: Case) -> None:
    """A chain of 100,000 nested modules splits, merges, updates and clones.

    Statement: x = chain(100_000)  ⟹  split, merge, update, clone all succeed, merge(*split(x)) ≅ x ≅ clone(x)
    Rationale: recursion limits are an implementation accident, not a semantic boundary.
    Seed: graph.py _graph_flatten / _graph_unflatten (breaks: RecursionError near 490 levels, D-1).
    """
    depth = _scaled(DEPTH, case)
    _survives_every_operation(t, chain(depth), f"a {depth}-deep chain", iterate=False)


@law("ROB-2", inputs=(), examples=0.01)
def long_rings_round_trip(t: Target, case: Case) -> None:
    """A ring of 10,000 modules (each pointing to the next, the last to the first) survives every operation.

    Statement: x = ring(10_000)  ⟹  split, merge, update, clone, iter_graph all succeed and merge(*split(x)) ≅ x
    Rationale: long cycles (linked structures, unrolled recurrences) hit the same depth limits as chains.
    Seed: graph.py (breaks: RecursionError, D-1).
    """
    size = _scaled(RING, case)
    _survives_every_operation(t, ring(size), f"a {size}-node ring")


@law("ROB-3", inputs=(), examples=0.01)
def wide_modules_round_trip(t: Target, case: Case) -> None:
    """A module with 100,000 Variable attributes survives every operation.

    Statement: x = wide(100_000)  ⟹  split, merge, update, clone, iter_graph all succeed and merge(*split(x)) ≅ x
    Rationale: flat parameter dictionaries of large models must not hit quadratic paths.
    Seed: graph.py (holds).
    """
    width = _scaled(WIDTH, case)
    _survives_every_operation(t, wide(width), f"a module with {width} attributes")
