"""CL: clone rebuilds the graph, disjoint from the original."""

from __future__ import annotations

from spec import semantics
from spec.laws._check import (
    build_case,
    observe_root,
    require,
    require_same_model,
)
from spec.laws._registry import Case, law
from spec.model import observe, observe_objects
from spec.program import TRANSFORMS
from spec.target import Target


@law("CL-1")
def clone_rebuilds_the_graph(t: Target, case: Case) -> None:
    """clone(x) is isomorphic to x, with pytree container occurrences rebuilt; so is
    copy.deepcopy(x) of a graph node.

    Statement: model(clone(x)) == semantics.clone(model(x)) ∧ (x a graph node ⟹
        model(copy.deepcopy(x)) == semantics.clone(model(x)))
    Rationale: clone is merge(*split(x)); it must keep sharing, cycles, statics and metadata, and
        a Module's deepcopy is the same graph copy.
    Seed: graph.py clone; object.py Object.__deepcopy__ (holds).
    """
    import copy

    x = build_case(t, case).root
    expected = semantics.clone(observe(t, x))
    require_same_model(expected, observe_root(t, t.clone(x)), "clone(x)")
    if t.classify(x) == "graph":
        require_same_model(expected, observe_root(t, copy.deepcopy(x)), "copy.deepcopy(x)")


@law("CL-2")
def clone_is_disjoint_from_the_original(t: Target, case: Case) -> None:
    """clone(x) shares no graph node and no Variable with x, so writing one never changes the other.

    Statement: nodes(clone(x)) ∩ nodes(x) = ∅ ∧ variables(clone(x)) ∩ variables(x) = ∅ ∧ writes to
        clone(x) leave model(x) unchanged
    Rationale: a clone used as an EMA copy or a frozen teacher must not move with the original.
    Seed: graph.py clone (holds; flax >= 0.11 shares array buffers, which is fine for immutable
        arrays).
    """
    x = build_case(t, case).root
    before = observe(t, x)
    _, xn, xv = observe_objects(t, x)
    _, yn, yv = observe_objects(t, t.clone(x))
    graph_ids = {id(o) for o in xn if t.classify(o) == "graph"}
    require(
        not graph_ids & {id(o) for o in yn},
        "clone(x) shares a graph node with x, but should share none",
    )
    require(
        not {id(v) for v in xv} & {id(v) for v in yv},
        "clone(x) shares a Variable with x, but should share none",
    )
    for v in yv:
        t.set_value(v, TRANSFORMS["add_one"](t.get_value(v)))  # type: ignore[arg-type]
    require_same_model(before, observe(t, x), "x after writing to clone(x)")
