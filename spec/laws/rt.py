"""RT: merge inverts split up to pytree rebuilding, whatever the order and copying of the parts."""

from __future__ import annotations

from typing import Any

from spec import semantics
from spec.laws._check import (
    build_case,
    expect_success,
    make_state,
    observe_root,
    require,
    require_same_model,
)
from spec.laws._registry import Case, law
from spec.model import observe
from spec.target import Capability, Target


@law("RT-1")
def roundtrip_rebuilds_the_graph(t: Target, case: Case) -> None:
    """merge(*split(x)) is isomorphic to x, with every pytree container occurrence rebuilt.

    Statement: model(merge(*split(x))) == semantics.rebuild(model(x))
    Rationale: split/merge is the bridge across jax transforms; it must lose nothing but pytree
        aliasing.
    Seed: graph.py split / merge (holds).
    """
    x = build_case(t, case).root
    expected = semantics.rebuild(observe(t, x))
    y = t.merge(*t.split(x))
    require_same_model(expected, observe_root(t, y), "merge(*split(x))")


@law("RT-2")
def roundtrip_keeps_the_graphdef(t: Target, case: Case) -> None:
    """A round trip keeps the graphdef.

    Statement: graphdef(merge(*split(x))) == graphdef(x)
    Rationale: a jitted step that merges and splits must return the structure it was given.
    Seed: graph.py graphdef docstring (holds).
    """
    x = build_case(t, case).root
    gd, s = t.split(x)
    require(
        t.graphdef(t.merge(gd, s)) == gd,
        "graphdef(merge(gd, s)) == gd is False, but should be True",
    )


@law("RT-3", inputs=("graph", "exhaustive_filters"))
def merging_parts_in_any_order_rebuilds_the_graph(t: Target, case: Case) -> None:
    """Merging the parts of an exhaustive split, in any order, rebuilds the graph.

    Statement: gd, *ss = split(x, *fs)  ⟹  model(merge(gd, *ss)) == model(merge(gd, *reversed(ss)))
        == semantics.rebuild(model(x))
    Rationale: the parts of a partition are disjoint, so their order cannot matter.
    Seed: graph.py merge / State.merge (holds).
    """
    x = build_case(t, case).root
    expected = semantics.rebuild(observe(t, x))
    filters = [t.make_filter(f) for f in case.filters]
    gd, *parts = t.split(x, *filters)
    require_same_model(expected, observe_root(t, t.merge(gd, *parts)), "merge(gd, *parts)")
    require_same_model(
        expected, observe_root(t, t.merge(gd, *reversed(parts))), "merge(gd, *reversed(parts))"
    )


@law("RT-4", requires=(Capability.MERGE_COPIES_VARIABLES,))
def merge_builds_new_objects(t: Target, case: Case) -> None:
    """merge(*split(x)) shares no graph node and no Variable with x.

    Statement: nodes(y) ∩ nodes(x) = ∅ ∧ variables(y) ∩ variables(x) = ∅  where y = merge(*split(x))
    Rationale: with copying merge, a function of (graphdef, state) cannot reach into its caller's
        graph.
    Seed: graph.py unflatten (holds; flax >= 0.11.2 shares Variables by default).
    """
    from spec.model import observe_objects

    x = build_case(t, case).root
    _, xn, xv = observe_objects(t, x)
    _, yn, yv = observe_objects(t, t.merge(*t.split(x)))
    shared_nodes = {id(o) for o in xn if t.classify(o) == "graph"} & {id(o) for o in yn}
    shared_vars = {id(o) for o in xv} & {id(o) for o in yv}
    require(
        not shared_nodes,
        f"merge(*split(x)) shares {len(shared_nodes)} graph node(s) with x, but should share none",
    )
    require(
        not shared_vars,
        f"merge(*split(x)) shares {len(shared_vars)} Variable(s) with x, but should share none",
    )


@law("RT-5")
def later_states_win_in_merge(t: Target, case: Case) -> None:
    """merge(gd, s, s2) with two states at the same paths takes the later state's leaves.

    Statement: gd, s = split(x); s2 = f(s)  ⟹  model(merge(gd, s, s2)) ==
        semantics.merge(tokens(x), semantics.merge_states(s, s2))
    Rationale: merge(gd, params, new_params) is how fresh values override stale ones; the first
        state winning silently loses the update.
    Seed: graph.py merge / State.merge (later states override earlier ones; holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    tokens, flat = semantics.flatten(m)
    newer = tuple((p, semantics.transformed(v, "add_one")) for p, v in flat)
    gd, s = t.split(x)
    expected = semantics.merge(tokens, semantics.merge_states(flat, newer))
    require_same_model(
        expected, observe_root(t, t.merge(gd, s, make_state(t, newer))), "merge(gd, s, f(s))"
    )


@law("RT-6", requires=(Capability.MERGE_REUSES_VARIABLES,))
def merge_reuses_the_states_variables(t: Target, case: Case) -> None:
    """merge(gd, s) builds the graph around the state's own Variables: the Variable at each state
    path is that leaf.

    Statement: gd, s = split(x); y = merge(gd, s)  ⟹  ∀ (p, leaf) ∈ s: y@p is leaf ∧ model(y) ==
        semantics.rebuild(model(x))
    Rationale: the variant of RT-4 (flax >= 0.11.2 merges with copy=False): a function of
        (graphdef, state) writes into the state it was given.
    Seed: not in the seed (flax 0.11.2, PR #4912).
    """
    from spec.model import observe_objects

    x = build_case(t, case).root
    expected = semantics.rebuild(observe(t, x))
    gd, s = t.split(x)
    y = t.merge(gd, s)
    m, _, variables = observe_objects(t, y)
    require_same_model(expected, m, "merge(gd, s)")
    _, first = m.first_paths()
    by_path = {p: variables[vid] for vid, p in first.items()}
    for p, leaf in t.flat_state(s):
        require(
            by_path.get(tuple(p)) is leaf,
            f"merge(gd, s) holds at {tuple(p)!r} a Variable that is not the state's leaf, "
            "but should reuse it",
        )


@law("RT-7")
def merge_and_update_read_states_assembled_from_subtrees(t: Target, case: Case) -> None:
    """merge and update read a dict whose entries are a State's top subtrees (States) and leaves
    as they read that State.

    Statement: gd, s = split(x); s' = f(s); p' = {k: s'[k] for k ∈ s'}  ⟹  model(merge(gd, p')) ==
        semantics.merge(tokens(x), s') ∧ update(x, p') ⟹ model(x) == semantics.update(model(x), s')
    Rationale: states are assembled from pieces ({'encoder': state['encoder'], 'head': new_head});
        a reader that takes a nested State for a leaf, or fails on it, cannot load them.
    Seed: graph.py _graph_unflatten asserts each subtree is a dict (breaks: AssertionError where
        the state keeps a nested State, as flax 0.10.3 shows, D-22; update reads any mapping).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    tokens, flat = semantics.flatten(m)
    newer = tuple((p, semantics.transformed(v, "add_one")) for p, v in flat)
    gd, _ = t.split(x)
    s: Any = make_state(t, newer)
    pieces = {k: s[k] for k in s}
    what = "merge(gd, {k: s[k] for k in s}), s = f(state(x))"
    y = expect_success(lambda: t.merge(gd, pieces), what)
    require_same_model(semantics.merge(tokens, newer), observe_root(t, y), what)
    expect_success(lambda: t.update(x, pieces), "update(x, {k: s[k] for k in s})")
    require_same_model(
        semantics.update(m, newer), observe(t, x), "x after update(x, {k: s[k] for k in s})"
    )
