"""ID: split is deterministic and pure: equal graphs give equal results, and the graph is left as
it was."""

from __future__ import annotations

from spec.build import build
from spec.laws._check import (
    build_case,
    flat_models,
    require,
    require_same_state,
    require_unchanged,
    snapshot,
)
from spec.laws._registry import Case, law
from spec.target import Target


def _hashable_equal(a: object, b: object) -> bool:
    try:
        return hash(a) == hash(b)
    except TypeError:
        return True  # unhashable statics: equality is still required, hashing is ERR-6's business


@law("ID-1")
def split_is_deterministic(t: Target, case: Case) -> None:
    """Splitting the same graph twice gives equal graphdefs and equal states.

    Statement: gd1, s1 = split(x); gd2, s2 = split(x)  ⟹  gd1 == gd2 ∧ hash(gd1) == hash(gd2) ∧
        model(s1) == model(s2)
    Rationale: a GraphDef is a cache key for jax.jit; nondeterminism means retracing and wrong
        reuse.
    Seed: graph.py split (holds).
    """
    x = build_case(t, case).root
    gd1, s1 = t.split(x)
    gd2, s2 = t.split(x)
    require(gd1 == gd2, "graphdef(x) == graphdef(x) is False, but should be True")
    require(_hashable_equal(gd1, gd2), "hash(graphdef(x)) differs between two splits of x")
    require_same_state(
        flat_models(t, s1), flat_models(t, s2), "the second split's state", ordered=True
    )


@law("ID-2")
def split_does_not_change_the_graph(t: Target, case: Case) -> None:
    """split, state and graphdef leave the graph and every object in it untouched.

    Statement: model(x) and the identities of its nodes and Variables are the same before and after
        split(x), state(x), graphdef(x)
    Rationale: reading a graph's state must never rewire or copy the graph itself.
    Seed: graph.py flatten (holds).
    """
    x = build_case(t, case).root
    before = snapshot(t, x)
    t.split(x)
    t.state(x)
    t.graphdef(x)
    require_unchanged(t, before, x, what="split / state / graphdef")


@law("ID-3")
def equal_graphs_have_equal_graphdefs(t: Target, case: Case) -> None:
    """Two graphs built independently from one blueprint have equal graphdefs with equal hashes.

    Statement: x1, x2 = build(g), build(g)  ⟹  graphdef(x1) == graphdef(x2) ∧ hash(graphdef(x1)) ==
        hash(graphdef(x2))
    Rationale: jit caches compiled code per GraphDef; equal structure must hit the same cache entry.
    Seed: graph.py NodeDef (frozen dataclass equality; holds).
    """
    x1 = build_case(t, case).root
    x2 = build(t, case.graph).root
    gd1, gd2 = t.graphdef(x1), t.graphdef(x2)
    require(
        gd1 == gd2,
        "graphdef(x1) == graphdef(x2) is False for two builds of one blueprint, but should be True",
    )
    require(
        _hashable_equal(gd1, gd2),
        "hash(graphdef(x1)) != hash(graphdef(x2)) for two builds of one blueprint",
    )
