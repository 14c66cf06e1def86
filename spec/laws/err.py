"""ERR: every documented bad input gives a documented error (ValueError / TypeError / KeyError
naming the place at fault) and leaves every input exactly as it was.
"""

from __future__ import annotations

from spec import semantics
from spec.build import build
from spec.errors import SpecError
from spec.laws._check import (
    build_case,
    expect_failure,
    fresh_key,
    leaf_view_of,
    make_state,
    observe_root,
    require,
    require_same_model,
    require_unchanged,
    snapshot,
)
from spec.laws._registry import Case, law
from spec.model import Model, NodeSlot, StaticSlot, VarModel, observe
from spec.semantics import FlatState
from spec.target import Capability, Path, Target

_LEAF = VarModel("Param", "float32", (), b"\x00\x00\x80?", ())


def _merge_must_match_oracle(
    t: Target, gd: object, tokens: tuple[object, ...], flat: FlatState, what: str
) -> None:
    """Merge ``flat`` into ``gd``: fail like the oracle (atomically), or give the oracle's model."""
    state = make_state(t, flat)
    try:
        expected = semantics.merge(tokens, flat)  # type: ignore[arg-type]
    except SpecError as e:
        before = snapshot(t, state)
        expect_failure(t, lambda: t.merge(gd, state), e, what)
        require_unchanged(t, before, state, what=what)
        return
    require_same_model(expected, observe_root(t, t.merge(gd, state)), what)


def _split(t: Target, case: Case) -> tuple[Model, object, tuple[object, ...], FlatState]:
    x = build_case(t, case).root
    m = observe(t, x)
    tokens, flat = semantics.flatten(m)
    return m, t.graphdef(x), tokens, flat


@law("ERR-1")
def merge_rejects_a_missing_leaf(t: Target, case: Case) -> None:
    """merge with a state that lacks a Variable's leaf raises a documented error naming its key.

    Statement: merge(gd, state(x) - {p})  raises (missing-key at p) ∧ inputs unchanged
    Rationale: a missing parameter must never be silently invented or skipped.
    Seed: graph.py _graph_unflatten ("Expected key … in state"; holds).
    """
    _, gd, tokens, flat = _split(t, case)
    if flat:
        _merge_must_match_oracle(t, gd, tokens, flat[:-1], "merge(gd, state without its last leaf)")


@law("ERR-2")
def merge_rejects_an_unknown_leaf(t: Target, case: Case) -> None:
    """merge with a state holding a leaf at a key the graphdef does not know raises, naming the key.

    Statement: merge(gd, state(x) ∪ {(k,): leaf}) with k a new root key  raises (unknown-key) ∧
        inputs unchanged
    Rationale: an unexpected leaf means state and graphdef do not belong together.
    Seed: graph.py _graph_unflatten ("Unknown keys"; holds).
    """
    m, gd, tokens, flat = _split(t, case)
    extra = (fresh_key(m, (), "zz_extra"),)
    _merge_must_match_oracle(
        t, gd, tokens, (*flat, (extra, _LEAF)), "merge(gd, state with an extra leaf)"
    )


@law("ERR-3")
def merge_matches_leaves_by_key_not_position(t: Target, case: Case) -> None:
    """merge with a state whose leaf sits under a renamed key (same number of leaves) raises instead
    of matching by position.

    Statement: merge(gd, state(x) with one key renamed)  raises (missing-key) ∧ inputs unchanged
    Rationale: positional matching silently loads parameters into the wrong place.
    Seed: graph.py _graph_unflatten (holds; flax >= 0.10.6 merges positionally).
    """
    m, gd, tokens, flat = _split(t, case)
    if flat:
        (path, leaf), rest = flat[-1], flat[:-1]
        renamed: Path = (*path[:-1], fresh_key(m, path[:-1], "zz_renamed"))
        _merge_must_match_oracle(
            t, gd, tokens, (*rest, (renamed, leaf)), "merge(gd, state with a renamed key)"
        )


def _first_paths_of(m: Model, kind: str) -> list[Path]:
    out = []
    for path, slot, first in m.walk():
        if kind == "static" and isinstance(slot, StaticSlot):
            out.append(path)
        elif kind == "node" and first and isinstance(slot, NodeSlot):
            out.append(path)
    return out


@law("ERR-4")
def merge_rejects_state_for_a_static(t: Target, case: Case) -> None:
    """merge with a state leaf at a static attribute raises (statics live in the graphdef).

    Statement: x@p static  ⟹  merge(gd, state(x) ∪ {p: leaf}) raises (static-in-state) ∧ inputs
        unchanged
    Rationale: a leaf for a static would be silently ignored or would turn structure into data.
    Seed: graph.py _graph_unflatten ("Got state for static field"; holds).
    """
    m, gd, tokens, flat = _split(t, case)
    statics = _first_paths_of(m, "static")
    if statics:
        _merge_must_match_oracle(
            t, gd, tokens, (*flat, (statics[0], _LEAF)), "merge(gd, state with a leaf for a static)"
        )


@law("ERR-5")
def merge_rejects_a_leaf_where_a_subgraph_belongs(t: Target, case: Case) -> None:
    """merge with a state leaf standing where the graphdef has a subgraph raises.

    Statement: x@p a node  ⟹  merge(gd, state(x) with the subtree at p replaced by a leaf) raises
        (leaf-for-subgraph) ∧ inputs unchanged
    Rationale: a leaf cannot be turned into a module; the state belongs to another graph.
    Seed: graph.py _graph_unflatten ("Expected value of type …"; holds).
    """
    m, gd, tokens, flat = _split(t, case)
    nodes = _first_paths_of(m, "node")
    if nodes:
        p = nodes[0]
        kept = tuple((q, v) for q, v in flat if q[: len(p)] != p)
        _merge_must_match_oracle(
            t, gd, tokens, (*kept, (p, _LEAF)), "merge(gd, state with a leaf for a subgraph)"
        )


def _first_graph_node(t: Target, x: object) -> tuple[object, Path] | None:
    """Return the first graph node of ``x`` in canonical order (the root if it is one), and its
    path."""
    m = observe(t, x)
    if m.root.kind == "graph":
        return x, ()
    for path, slot, first in m.walk():
        if first and isinstance(slot, NodeSlot) and m.nodes[slot.id].kind == "graph":
            node = x
            for key in path:
                node = next(
                    v for k, v in t.inspect(node).entries if k == key and type(k) is type(key)
                )
            return node, path
    return None


@law("ERR-6")
def unhashable_statics_fail_at_hash_time_naming_the_attribute(t: Target, case: Case) -> None:
    """With an unhashable static attribute split succeeds, but hashing the graphdef raises a
    TypeError naming the attribute.

    Statement: x@p = set()  ⟹  gd = graphdef(x) succeeds ∧ hash(gd) raises TypeError mentioning p's
        key
    Rationale: the error must point at the attribute to fix, not at jit's cache internals.
    Seed: graph.py NodeDef hash (breaks: the TypeError names no attribute, D-12).
    """
    found = _first_graph_node(t, build_case(t, case).root)
    if found is None:
        return
    node, _ = found
    t.set_attr(node, "zz_unhashable", {1, 2})
    unhashable = {
        p[-1]
        for p, s, _ in observe(t, node).walk()
        if isinstance(s, StaticSlot) and s.value.type_name in ("set", "frozenset", "list", "dict")
    }
    gd = t.graphdef(node)
    error = expect_failure(t, lambda: hash(gd), SpecError("unhashable-static"), "hash(graphdef(x))")
    require(
        isinstance(error, TypeError),
        f"hash(graphdef(x)) raised {type(error).__name__}, but should raise a TypeError",
    )
    require(
        any(repr(k) in str(error) or str(k) in str(error) for k in unhashable),
        f"hash(graphdef(x)) raised {error!s}, which names none of the unhashable attributes "
        f"{sorted(map(str, unhashable))}",
    )


@law("ERR-7", requires=(Capability.ARRAY_ATTRIBUTES_ARE_ERRORS,))
def array_attributes_are_rejected(t: Target, case: Case) -> None:
    """An array stored directly as an attribute (not in a Variable) makes split raise, naming the
    attribute.

    Statement: x@p = array  ⟹  split(x) raises ValueError mentioning p's key ∧ x unchanged
    Rationale: an unwrapped array would be baked into the graphdef as a constant.
    Seed: graph.py _graph_flatten ("Arrays leaves are not supported"; holds; flax >= 0.10.5 makes
        them leaves).
    """
    import numpy as np

    found = _first_graph_node(t, build_case(t, case).root)
    if found is None:
        return
    node, _ = found
    t.set_attr(node, "zz_array", np.zeros((2,), np.float32))
    expect_failure(
        t,
        lambda: t.split(node),
        SpecError("array-attribute", ("zz_array",)),
        "split(x) with an array attribute",
    )


@law("ERR-8", requires=(Capability.UPDATE_CONTEXT,), inputs=())
def current_update_context_needs_an_active_context(t: Target, case: Case) -> None:
    """current_update_context(tag) outside any context for tag raises an error naming the tag.

    Statement: no active context for tag  ⟹  current_update_context(tag) raises mentioning tag
    Rationale: a transform looking for a context that is not there must say which one.
    Seed: graph.py current_update_context ("No update context found"; holds).
    """
    expect_failure(
        t,
        lambda: t.current_update_context("nnxspec_none"),
        SpecError("no-context", ("nnxspec_none",)),
        "current_update_context('nnxspec_none')",
    )


@law("ERR-9")
def update_rejects_a_leaf_for_a_static(t: Target, case: Case) -> None:
    """update with a state leaf at a static attribute raises, and changes nothing.

    Statement: x@p static  ⟹  update(x, f(state(x)) ∪ {p: leaf}) raises (not-a-variable) ∧ x and the
        state unchanged
    Rationale: statics change only through the update-context protocol; a partial update is the
        worst outcome.
    Seed: graph.py _graph_update_dynamic (raises, but only after applying the earlier keys, D-2).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    statics = _first_paths_of(m, "static")
    if not statics:
        return
    good = tuple((p, semantics.transformed(v, "add_one")) for p, v in semantics.state(m))
    state = make_state(t, (*good, (statics[-1], _LEAF)))
    try:
        semantics.update(m, (*good, (statics[-1], _LEAF)))
    except SpecError as e:
        before = snapshot(t, x, state)
        expect_failure(
            t, lambda: t.update(x, state), e, "update(x, state with a leaf for a static)"
        )
        require_unchanged(t, before, x, state, what="update(x, …)")
        return
    require(False, "sanity check: the oracle accepts a leaf for a static")


@law("ERR-10", inputs=("graph", "other"))
def merge_with_another_graphs_graphdef_follows_the_keys(t: Target, case: Case) -> None:
    """merge(graphdef(y), state(x)) either fails as the oracle says (naming the key) or builds
    exactly the oracle's graph.

    Statement: merge(graphdef(y), state(x)) == semantics.merge(tokens(y), state(x)), failures
        included
    Rationale: mismatched graphdef and state are matched by key and checked, never zipped by
        position.
    Seed: graph.py _graph_unflatten (holds; flax >= 0.10.6 merges by leaf position).
    """
    assert case.other is not None  # sanity check: the runner draws 'other'
    x = build_case(t, case).root
    y = build(t, case.other).root
    flat = semantics.state(observe(t, x))
    tokens = semantics.graphdef_tokens(observe(t, y))
    _merge_must_match_oracle(t, t.graphdef(y), tokens, flat, "merge(graphdef(y), state(x))")


def _update_must_match_oracle(
    t: Target, x: object, m: Model, flat: FlatState, state: object, what: str
) -> None:
    """Update ``x`` with ``state`` (whose leaves are ``flat``): fail like the oracle, changing
    nothing, or give the oracle's model."""
    try:
        expected = semantics.update(m, flat)
    except SpecError as e:
        before = snapshot(t, x)
        expect_failure(t, lambda: t.update(x, state), e, what)
        require_unchanged(t, before, x, what=what)
        return
    t.update(x, state)
    require_same_model(expected, observe_root(t, x), f"x after {what}")


def _deepest(paths: list[Path]) -> Path | None:
    """The first of the longest paths (errors deep in a graph must name their whole path)."""
    return max(paths, key=len, default=None)


@law("ERR-11")
def update_rejects_a_mapping_for_a_variable(t: Target, case: Case) -> None:
    """update with a mapping (a dict, or a State) where a Variable's leaf belongs raises, naming the
    Variable, and changes nothing.

    Statement: x@p a Variable, M ∈ {dict, State}  ⟹  update(x, f(state(x)) with M({k: leaf}) at p)
        raises (state-structure) ∧ x unchanged
    Rationale: a nested state one level too deep is a checkpoint for another model; stored as the
        Variable's value it breaks the next split.
    Seed: graph.py _graph_update_dynamic (breaks: stores the mapping as the Variable's value, D-17).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    good = tuple((p, semantics.transformed(v, "add_one")) for p, v in semantics.state(m))
    p = _deepest([q for q, _ in good])
    if p is None:
        return
    leaf = next(v for q, v in good if q == p)
    rest = tuple((q, v) for q, v in good if q != p)
    flat = (*rest, ((*p, "zz_inner"), leaf))
    _update_must_match_oracle(
        t, x, m, flat, make_state(t, flat), "update(x, state with a dict for a Variable)"
    )
    inner = make_state(t, ((("zz_inner",), leaf),))
    state = t.make_state([*((q, leaf_view_of(v)) for q, v in rest), (p, inner)])
    _update_must_match_oracle(t, x, m, flat, state, "update(x, state with a State for a Variable)")


@law("ERR-12")
def update_rejects_a_leaf_where_a_subgraph_belongs(t: Target, case: Case) -> None:
    """update with a state leaf standing where x has a subgraph raises, naming the subgraph, and
    changes nothing.

    Statement: x@p a node  ⟹  update(x, f(state(x)) with the subtree at p replaced by a leaf) raises
        (leaf-for-subgraph) ∧ x unchanged
    Rationale: a leaf cannot be written into a module; the state belongs to another graph.
    Seed: graph.py _graph_update_dynamic ("Expected a subgraph for …"; holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    p = _deepest(_first_paths_of(m, "node"))
    if p is None:
        return
    good = tuple(
        (q, semantics.transformed(v, "add_one")) for q, v in semantics.state(m) if q[: len(p)] != p
    )
    flat = (*good, (p, _LEAF))
    _update_must_match_oracle(
        t, x, m, flat, make_state(t, flat), "update(x, state with a leaf for a subgraph)"
    )
