"""UPD: in-place updates, checked against the oracle, all-or-nothing."""

from __future__ import annotations

import dataclasses

import numpy as np

from spec import semantics
from spec.build import build
from spec.errors import LawViolation, NotApplicable, SpecError
from spec.laws._check import (
    build_case,
    expect_failure,
    flat_models,
    fresh_key,
    make_state,
    require,
    require_same_model,
    require_unchanged,
    snapshot,
)
from spec.laws._registry import Case, law
from spec.model import NodeSlot, VarModel, aliasing, observe, observe_objects, path_str
from spec.program import TRANSFORMS
from spec.semantics import FlatState, RawLeaf
from spec.target import Capability, Path, Target


def _transformed(flat: FlatState, fn: str = "add_one") -> FlatState:
    return tuple((p, semantics.transformed(v, fn)) for p, v in flat)


def _identities(t: Target, x: object) -> list[int]:
    _, nodes, variables = observe_objects(t, x)
    return [id(o) for o in nodes if t.classify(o) == "graph"] + [id(v) for v in variables]


@law("UPD-1")
def update_with_own_state_changes_nothing(t: Target, case: Case) -> None:
    """Updating a graph with its own state changes nothing: values, structure and identities stay.

    Statement: update(x, state(x))  ⟹  model(x) and the identities of its nodes and Variables
        unchanged
    Rationale: the identity update is the base case every optimizer step relies on.
    Seed: graph.py update (holds).
    """
    x = build_case(t, case).root
    before = snapshot(t, x)
    t.update(x, t.state(x))
    require_unchanged(t, before, x, what="update(x, state(x))")


@law("UPD-2")
def update_applies_values_in_place(t: Target, case: Case) -> None:
    """update(x, s) writes the state's values into x's existing Variables, keeping every identity.

    Statement: update(x, s') with s' = f(state(x))  ⟹  model(x) == semantics.update(model(x), s') ∧
        ids(x) unchanged
    Rationale: references to a Variable held elsewhere (optimizers, tied weights) must see the
        update.
    Seed: graph.py _graph_update_dynamic (holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    new = _transformed(semantics.state(m))
    ids = _identities(t, x)
    t.update(x, make_state(t, new))
    require_same_model(semantics.update(m, new), observe(t, x), "x after update(x, f(state(x)))")
    require(
        _identities(t, x) == ids,
        "update replaced graph nodes or Variables, but should keep every identity",
    )


@law("UPD-3", inputs=("graph", "exhaustive_filters"))
def update_with_a_part_changes_only_that_part(t: Target, case: Case) -> None:
    """Updating with one part of an exhaustive split changes exactly the leaves of that part.

    Statement: _, *ss = split(x, *fs); update(x, f(ss[k]))  ⟹  model(x) ==
        semantics.update(model(x), f(ss[k]))
    Rationale: partial states (just the params, just the batch stats) are how training loops update.
    Seed: graph.py update (holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    parts = semantics.split(m, case.filters)
    k = max(range(len(parts)), key=lambda i: len(parts[i]))
    new = _transformed(parts[k])
    t.update(x, make_state(t, new))
    require_same_model(semantics.update(m, new), observe(t, x), f"x after update(x, f(part {k}))")


@law("UPD-4", inputs=("graph", "exhaustive_filters"))
def update_with_several_states_merges_them(t: Target, case: Case) -> None:
    """update(x, s1, s2, …) is update(x, s) with s the union of the states, later ones winning.

    Statement: update(x, *f(ss))  ⟹  model(x) == semantics.update(model(x), merge_states(*f(ss)))
    Rationale: several partial states must compose without order effects when they are disjoint.
    Seed: graph.py update (State.merge first; holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    parts = [_transformed(p) for p in semantics.split(m, case.filters)]
    t.update(x, *(make_state(t, p) for p in parts))
    require_same_model(semantics.update(m, *parts), observe(t, x), "x after update(x, *parts)")


def _first_graph_node_path(t: Target, x: object) -> Path | None:
    m = observe(t, x)
    if m.root.kind == "graph":
        return ()
    for path, slot, first in m.walk():
        if first and isinstance(slot, NodeSlot) and m.nodes[slot.id].kind == "graph":
            return path
    return None


@law("UPD-5")
def update_adds_new_variables_to_graph_nodes(t: Target, case: Case) -> None:
    """A state leaf at a key a graph node lacks becomes a new Variable of that node
    (never a stored state leaf), whatever leaves come after it.

    Statement: update(x, {p + (k,): leaf} ∪ f(state(x))) with k ∉ keys(x@p), k first  ⟹  model(x) ==
        semantics.update(model(x), …) ∧ x@p.k is a Variable
    Rationale: sown intermediates and new caches enter the graph this way; a VariableState attribute
        would be a broken node.
    Seed: graph.py _graph_update_dynamic (breaks: stores the VariableState itself as the attribute,
        D-6).
    """
    x = build_case(t, case).root
    path = _first_graph_node_path(t, x)
    if path is None:
        return
    m = observe(t, x)
    leaf = VarModel("Param", "float32", (2,), b"\x00\x00\x80?\x00\x00\x00@", (("tag", "new"),))
    # the new key sorts before the node's own keys and comes first; the graph's own leaves
    # (transformed) follow it, so adding it must not disturb the writes after it
    new = (((*path, fresh_key(m, path, "A_new")), leaf), *_transformed(semantics.state(m)))
    t.update(x, make_state(t, new))
    require_same_model(semantics.update(m, new), observe(t, x), "x after update with a new key")


@law("UPD-6", requires=(Capability.PYTREE_CONTAINERS_ARE_IMMUTABLE,))
def update_cannot_add_keys_to_pytree_containers(t: Target, case: Case) -> None:
    """A new key inside a pytree container is rejected (containers are immutable), and nothing
    changes.

    Statement: x@p is a pytree container ∧ k ∉ keys(x@p)  ⟹  update(x, {p + (k,): leaf}) raises
        (immutable-node) ∧ x unchanged
    Rationale: a list or tuple cannot grow a named attribute; silently dropping the leaf would lose
        data.
    Seed: graph.py _graph_update_dynamic (holds; raises after applying earlier keys, D-2).
    """
    _update_with_a_new_container_key(t, case, mutable_dicts=False)


def _update_with_a_new_container_key(t: Target, case: Case, *, mutable_dicts: bool) -> None:
    x = build_case(t, case).root
    m = observe(t, x)
    paths = [
        p
        for p, s, first in m.walk()
        if first and isinstance(s, NodeSlot) and m.nodes[s.id].kind == "pytree"
    ]
    if m.root.kind == "pytree":
        paths.insert(0, ())
    if not paths:
        return
    leaf = VarModel("Param", "float32", (), b"\x00\x00\x80?", ())
    where = (*paths[0], fresh_key(m, paths[0], "zz_new"))
    good = _transformed(semantics.state(m))
    state = make_state(t, (*good, (where, leaf)))
    try:
        expected = semantics.update(m, (*good, (where, leaf)), mutable_dicts=mutable_dicts)
    except SpecError as e:
        before = snapshot(t, x, state)
        expect_failure(t, lambda: t.update(x, state), e, "update(x, …)")
        require_unchanged(
            t, before, x, state, what="update(x, …) with a key for a pytree container"
        )
        return
    t.update(x, state)
    require_same_model(expected, observe(t, x), "x after update(x, …) with a new key in a dict")


@law("UPD-8", requires=(Capability.PYTREE_DICTS_ARE_MUTABLE,))
def update_adds_keys_to_dicts_only(t: Target, case: Case) -> None:
    """A new key inside a plain dict container is added in place as a new Variable; inside any other
    pytree container it is rejected and nothing changes.

    Statement: x@p a dict  ⟹  model(x) after update(x, f(state(x)) ∪ {p + (k,): leaf}) ==
        semantics.update(…, mutable_dicts=True); otherwise as UPD-6
    Rationale: the variant of UPD-6 for targets whose update writes into plain dicts
        (flax >= 0.11.1).
    Seed: not in the seed (flax 0.11.1, b5f67688: update / pop work on dicts).
    """
    _update_with_a_new_container_key(t, case, mutable_dicts=True)


@law("UPD-7")
def update_applies_metadata(t: Target, case: Case) -> None:
    """update(x, s) gives each updated Variable the leaf's metadata as well as its value, keeping
    every identity.

    Statement: update(x, s') with s' = state(x) with new values and metadata  ⟹  model(x) ==
        semantics.update(model(x), s') ∧ ids(x) unchanged
    Rationale: a state leaf is a whole Variable snapshot; metadata it carries (sharding, tags) must
        reach the graph, not only the value.
    Seed: graph.py _graph_update_dynamic (Variable.update_from_state copies the metadata; holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    new = tuple(
        (
            p,
            dataclasses.replace(
                v, metadata=tuple(sorted({**dict(v.metadata), "note": "updated"}.items()))
            ),
        )
        for p, v in _transformed(semantics.state(m))
    )
    ids = _identities(t, x)
    t.update(x, make_state(t, new))
    require_same_model(
        semantics.update(m, new), observe(t, x), "x after update(x, state with new metadata)"
    )
    require(
        _identities(t, x) == ids,
        "update replaced graph nodes or Variables, but should keep every identity",
    )


@law("UPD-9")
def update_reaches_variables_of_a_type_met_for_the_first_time(t: Target, case: Case) -> None:
    """update(x, s) writes s's values into Variables whose type no graph operation has met before,
    as into any other.

    Statement: T a new subclass of Param, x built with every Variable of type T, no operation
        since  ⟹  update(x, f(state(x))) as UPD-2
    Rationale: restoring a checkpoint into a freshly built model is often the first operation on it;
        a type cache filled by split must not decide what update sees.
    Seed: graph.py _graph_update_dynamic (is_state_leaf / isinstance checks per value; holds).
    """
    try:
        fresh = t.new_variable_type("Param")
    except NotImplementedError as e:
        raise NotApplicable(str(e)) from e
    x = build(t, case.graph, variable_type=fresh).root
    m = observe(t, x)
    new = _transformed(semantics.state(m))
    ids = _identities(t, x)
    what = f"update(x, f(state(x))) with the Variables of x of a new type {fresh}"
    try:
        t.update(x, make_state(t, new))
    except Exception as e:
        raise LawViolation(
            f"{what} raised {type(e).__name__}: {e}, but should succeed as UPD-2"
        ) from e
    require_same_model(semantics.update(m, new), observe(t, x), f"x after {what}")
    require(
        _identities(t, x) == ids,
        "update replaced graph nodes or Variables, but should keep every identity",
    )


@law("UPD-10")
def update_with_raw_values_keeps_types_and_metadata(t: Target, case: Case) -> None:
    """update(x, s) with plain arrays for leaves (a pure-dict checkpoint) writes each value into the
    existing Variable, which keeps its type and metadata.

    Statement: update(x, {p: array(f(v)) for p, v in state(x)})  ⟹  model(x) ==
        semantics.update(model(x), those raw leaves) ∧ ids(x) unchanged
    Rationale: checkpoints are often restored from pure dicts of arrays; the model's own Variable
        types and metadata must survive the restore.
    Seed: graph.py _graph_update_dynamic (a value that is not a state leaf becomes the Variable's
        raw value; holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    new = tuple((p, RawLeaf(v.dtype, v.shape, v.data)) for p, v in _transformed(semantics.state(m)))
    ids = _identities(t, x)
    t.update(x, make_state(t, new))
    require_same_model(
        semantics.update(m, new), observe(t, x), "x after update(x, raw arrays of f(state(x)))"
    )
    require(
        _identities(t, x) == ids,
        "update replaced graph nodes or Variables, but should keep every identity",
    )


_FIRST_NEW = VarModel("Param", "float32", (), np.float32(1).tobytes(), ())


_SECOND_NEW = VarModel("BatchStat", "float32", (), np.float32(2).tobytes(), (("note", "second"),))


@law("UPD-11")
def update_through_two_paths_of_a_shared_node(t: Target, case: Case) -> None:
    """A state that reaches a shared graph node at two of its paths updates the node at each, in the
    state's order, a new key included: the first write creates the Variable, the second writes into
    it.

    Statement: x@p is x@q a graph node, k new, s = f(state(x)) ∪
        {p.k: leaf₁, q.k: leaf₂}  ⟹  update(x, s) gives semantics.update(model(x), s in the State's
        own order)
    Rationale: a checkpoint written with one entry per alias must restore a tied module the same way
        whichever alias comes first, never as two unrelated Variables.
    Seed: graph.py _graph_update_dynamic (breaks: the new key stores the VariableState itself, D-6).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    shared = [
        paths
        for (kind, nid), paths in aliasing(m).items()
        if kind == "node"
        and m.nodes[nid].kind == "graph"
        and not m.nodes[nid].positional  # an nnx.List grows by appending, not by a named key
        and all(isinstance(k, str) for k in m.nodes[nid].keys)
    ]
    if not shared:
        return
    p, q = shared[0][:2]
    key = fresh_key(m, p, "zz_new")
    flat = (*_transformed(semantics.state(m)), ((*p, key), _FIRST_NEW), ((*q, key), _SECOND_NEW))
    state = make_state(t, flat)
    in_order = flat_models(t, state)
    ids = _identities(t, x)
    t.update(x, state)
    require_same_model(
        semantics.update(m, in_order),
        observe(t, x),
        f"x after update(x, s) with new key {key!r} at {path_str(p)} and at {path_str(q)}",
    )
    require(
        set(ids) <= set(_identities(t, x)),
        "update replaced graph nodes or Variables, but should keep every identity",
    )


@law("UPD-12", requires=(Capability.VARIABLES,))
def update_with_live_variables_writes_their_state(t: Target, case: Case) -> None:
    """update(y, variables(x)), whose leaves are x's live Variables, writes each one's value and
    metadata into y's own Variables, as update with state(x) does.

    Statement: y = clone(x); x's Variables get new values and a metadata entry; update(y,
        variables(x)) ⟹ model(y) == semantics.clone(model(x)) ∧ ids(y) kept ∧ y shares no
        Variable with x
    Rationale: flax >= 0.11 States hold live Variables, so code moving weights between two models
        passes them to update; a Variable leaf must count as its state, metadata included.
    Seed: graph.py _graph_update_dynamic takes VariableStates only ([Deviation D-6]).
    """
    x = build_case(t, case).root
    y = t.clone(x)
    x_variables = observe_objects(t, x)[2]
    for v in x_variables:
        t.set_value(v, TRANSFORMS["add_one"](t.get_value(v)))  # type: ignore[arg-type]
        t.set_metadata(v, "note", "updated")
    ids = _identities(t, y)
    t.update(y, t.variables(x))
    require_same_model(
        semantics.clone(observe(t, x)), observe(t, y), "y = clone(x) after update(y, variables(x))"
    )
    require(
        _identities(t, y) == ids,
        "update(y, variables(x)) replaced graph nodes or Variables of y, but should keep them",
    )
    shared = {id(v) for v in x_variables} & {id(v) for v in observe_objects(t, y)[2]}
    require(not shared, "update(y, variables(x)) put x's own Variables into y")
