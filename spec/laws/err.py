"""ERR: every documented bad input gives a documented error (ValueError / TypeError / KeyError
naming the place at fault) and leaves every input exactly as it was.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from spec import semantics
from spec.blueprint import Key, Unhashable, VarSpec
from spec.build import build
from spec.errors import HarnessError, LawViolation, SpecError
from spec.filters import FilterSpec, Invalid, Literal, TypeFilter
from spec.hostile import HostileState, corrupt, split_parts
from spec.laws._check import (
    DOCUMENTED_ERRORS,
    build_case,
    expect_failure,
    flat_models,
    fresh_key,
    leaf_view_of,
    make_state,
    observe_root,
    require,
    require_same_model,
    require_same_state,
    require_unchanged,
    snapshot,
)
from spec.laws._hostile import (
    CallInputs,
    build_optional,
    hostile_op,
    same_model_guarded,
    verdict_of,
)
from spec.laws._protocol import TAG
from spec.laws._registry import FIXED_CASE, Case, law
from spec.model import Model, NodeSlot, StaticSlot, VarModel, observe, path_str
from spec.semantics import FlatState
from spec.semantics import hostile as oracle
from spec.semantics.merge import nest
from spec.target import Capability, Path, Target, Token

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


@law("ERR-4")
def merge_rejects_state_for_a_static(t: Target, case: Case) -> None:
    """merge with a state leaf at a static attribute raises (statics live in the graphdef).

    Statement: x@p static  ⟹  merge(gd, state(x) ∪ {p: leaf}) raises (static-in-state) ∧ inputs
        unchanged
    Rationale: a leaf for a static would be silently ignored or would turn structure into data.
    Seed: graph.py _graph_unflatten ("Got state for static field"; holds).
    """
    m, gd, tokens, flat = _split(t, case)
    statics = m.paths_of("static")
    if statics:
        _merge_must_match_oracle(
            t, gd, tokens, (*flat, (statics[0], _LEAF)), "merge(gd, state with a leaf for a static)"
        )


@law("ERR-5")
def merge_rejects_a_leaf_where_a_subgraph_belongs(t: Target, case: Case) -> None:
    """merge with a state leaf standing where the graphdef has a subgraph raises, also at a
    shared subgraph's second path (where the graphdef holds a reference).

    Statement: x@p a node  ⟹  merge(gd, state(x) with the subtree at p replaced by a leaf) raises
        (leaf-for-subgraph) ∧ inputs unchanged; likewise for state(x) ∪ {q: leaf}, q a second path
    Rationale: a leaf cannot be turned into a module; the state belongs to another graph.
    Seed: graph.py _graph_unflatten ("Expected value of type …", checked before a NodeRef is
        followed; holds).
    """
    m, gd, tokens, flat = _split(t, case)
    nodes = m.paths_of("node")
    if nodes:
        p = nodes[0]
        kept = tuple((q, v) for q, v in flat if q[: len(p)] != p)
        _merge_must_match_oracle(
            t, gd, tokens, (*kept, (p, _LEAF)), "merge(gd, state with a leaf for a subgraph)"
        )
    again = m.paths_of("node again")
    if again:
        _merge_must_match_oracle(
            t,
            gd,
            tokens,
            (*flat, (again[0], _LEAF)),
            "merge(gd, state with a leaf at a shared subgraph's second path)",
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
    """With an unhashable static attribute, or a Variable or node with unhashable metadata, split
    succeeds, but hashing the graphdef raises a TypeError naming the attribute.

    Statement: x@p = set() (or a Variable with metadata tag = [1, 2], or a registered graph node
        with metadata [1, 2]) ⟹ gd = graphdef(x) succeeds ∧ hash(gd) raises TypeError naming p
    Rationale: the error must point at the attribute to fix, not at jit's cache internals.
    Seed: graph.py NodeDef hash (breaks: the TypeError names no attribute, D-12).
    """
    found = _first_graph_node(t, build_case(t, case).root)
    if found is None:
        return
    node, _ = found
    t.set_attr(node, "zz_unhashable", {1, 2})
    _require_hash_names(t, node, set(), "an unhashable static")

    def rebuilt_node() -> object:
        found = _first_graph_node(t, build(t, case.graph).root)
        assert found is not None  # sanity check: the same graph as above
        return found[0]

    node = rebuilt_node()
    variable = t.new_variable(VarSpec())
    t.set_metadata(variable, "tag", [1, 2])
    t.set_attr(node, "zz_unhashable_metadata", variable)
    what = "a Variable's unhashable metadata"
    _require_hash_names(t, node, {"zz_unhashable_metadata"}, what)
    try:
        cls = t.new_node_type("graph", [], metadata=[1, 2])
        t.register_node_type("graph", cls)
    except NotImplementedError:
        return  # the target registers no node types
    node = rebuilt_node()
    t.set_attr(node, "zz_unhashable_node", cls())
    what = "a registered graph node's unhashable metadata"
    _require_hash_names(t, node, {"zz_unhashable_node"}, what)


def _require_hash_names(t: Target, node: object, keys: set[Key], what: str) -> None:
    """``hash(graphdef(node))`` raises a TypeError naming one of ``keys`` or of the node's
    unhashable static attributes (any of them may be the first the hash meets)."""
    keys = keys | {
        p[-1]
        for p, s, _ in observe(t, node).walk()
        if isinstance(s, StaticSlot) and s.value.type_name in ("set", "frozenset", "list", "dict")
    }
    gd = t.graphdef(node)
    error = expect_failure(
        t, lambda: hash(gd), SpecError("unhashable-static"), f"hash(graphdef(x)) with {what}"
    )
    require(
        isinstance(error, TypeError),
        f"hash(graphdef(x)) with {what} raised {type(error).__name__}, but should raise a "
        "TypeError",
    )
    require(
        any(repr(k) in str(error) or str(k) in str(error) for k in keys),
        f"hash(graphdef(x)) with {what} raised {error!s}, which names none of the attributes "
        f"{sorted(map(str, keys))}",
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
    statics = m.paths_of("static")
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
    p = _deepest(m.paths_of("node"))
    if p is None:
        return
    good = tuple(
        (q, semantics.transformed(v, "add_one")) for q, v in semantics.state(m) if q[: len(p)] != p
    )
    flat = (*good, (p, _LEAF))
    _update_must_match_oracle(
        t, x, m, flat, make_state(t, flat), "update(x, state with a leaf for a subgraph)"
    )


# --- the contexts' merge, hostile graphs through every operation, contexts after exit -------


def _hostile_parts(t: Target, case: Case) -> tuple[object, tuple[Token, ...], tuple[Any, ...]]:
    """Return x, the tokens of the GraphDef the hostile state meets, and the state's parts."""
    op = hostile_op(case, HostileState())
    x = build_case(t, case).root
    y = build_optional(t, case.other) if op.source == "other" else None
    m_source = observe(t, y if y is not None else x)
    entries, touched = corrupt(m_source, semantics.state(m_source), op.edits)
    return x, semantics.graphdef_tokens(observe(t, x)), (split_parts(entries, op.parts), touched)


def _merges_in_contexts(t: Target, x: object) -> list[tuple[str, Callable[..., object]]]:
    def in_merge_context(*states: object) -> object:
        gd = t.graphdef(x)
        with t.merge_context() as c:
            return t.merge_in(c, gd, *states)

    def in_update_context(*states: object) -> object:
        with t.update_context(TAG) as ctx:
            gd = t.ctx_split(ctx, x)[0]
            return t.ctx_merge(ctx, gd, *states)

    out: list[tuple[str, Callable[..., object]]] = []
    if Capability.SPLIT_MERGE_CONTEXT in t.capabilities:
        out.append(("MergeContext.merge(gd, *s)", in_merge_context))
    if Capability.UPDATE_CONTEXT in t.capabilities:
        out.append(("UpdateContext.merge(gd, *s) (step 2)", in_update_context))
    return out


@law("ERR-13", inputs=("graph", "other", "hostile_state"))
def context_merges_treat_a_hostile_state_as_merge_does(t: Target, case: Case) -> None:
    """The contexts' merges treat a hostile state exactly as merge does.

    Statement: s = edits(state(g)); m.merge(gd, *s) in a merge_context and ctx.merge(gd, *s) as
      step (2) of an update context ≅ hostile.merge(tokens(gd), *s), or raise as it says
      (naming p ∈ faults) ∧ x and s unchanged
    Rationale: a transform merges its inputs through these contexts; a checkpoint that does not
      fit must be refused there too, with a pointer to the mismatch.
    Seed: graph.py MergeContext.merge / UpdateContext.merge (unflatten, as merge; holds).
    """
    x, tokens, (parts, touched) = _hostile_parts(t, case)
    for what, merge in _merges_in_contexts(t, x):
        _merge_like_the_oracle(t, x, tokens, parts, touched, merge, what)


def _merge_like_the_oracle(
    t: Target,
    x: object,
    tokens: tuple[Token, ...],
    parts: tuple[Any, ...],
    touched: tuple[Path, ...],
    merge: Callable[..., object],
    what: str,
) -> None:
    expected, verdict = verdict_of(lambda: oracle.merge(tokens, *parts))
    try:
        states = [make_state(t, part) for part in parts]
    except (TypeError, ValueError, KeyError):
        require(verdict is not None, "the target cannot hold the state of a valid merge")
        return
    inputs = CallInputs(t, [x], states)
    if verdict is not None:
        faults = (*touched, *(e.path for e in oracle.merge_faults(tokens, *parts)))
        expect_failure(t, lambda: merge(*states), verdict, what, faults)
        inputs.require_unchanged(what)
        return
    assert expected is not None  # sanity check: no verdict means a model
    result = merge(*states)
    same_model_guarded(expected, lambda: observe_root(t, result), what)
    inputs.require_unchanged(what)


def _hostile_graph(t: Target, fault: str) -> tuple[object, SpecError | None, SpecError | None]:
    """Return a module with a Param ``p`` and the hostile part ``fault``, with split's verdict
    and pop's (update never walks past the state it is given: it has none)."""
    if fault == "root":
        e = SpecError("not-a-node", (), "the root is not a graph node or pytree")
        return 3, e, e
    x = build(t, FIXED_CASE.graph).root
    t.set_attr(x, "p", t.new_variable(VarSpec(shape=(2,))))
    if fault == "array":
        t.set_attr(x, "arr", t.get_value(t.new_variable(VarSpec(shape=(3,)))))
        return x, SpecError("array-attribute", ("arr",)), None
    if fault == "unhashable":
        t.set_attr(x, "s", t.new_static(Unhashable((1, 2))))
        return x, None, None
    if fault == "cycle":
        cycle: list[object] = [1]
        cycle.append(cycle)
        t.set_attr(x, "cyc", cycle)
        return x, SpecError("pytree-cycle", ("cyc",)), None
    t.set_attr(x, "d", {None: 1, "a": 2})
    e = SpecError("invalid-key", ("d",), "None and a str cannot be ordered")
    return x, e, e


def _built_or_refused(
    t: Target, fault: str
) -> tuple[object, SpecError | None, SpecError | None] | None:
    """``_hostile_graph``; None when assigning the hostile part raises a documented error."""
    try:
        return _hostile_graph(t, fault)
    except DOCUMENTED_ERRORS:
        return None
    except Exception as e:
        raise LawViolation(
            f"assigning the {fault} fault to a module raised {type(e).__name__}: {e}, but should "
            "accept it or raise a documented error (ValueError, TypeError or KeyError)"
        ) from e


def _context_splits(t: Target) -> list[tuple[str, Callable[[object], object]]]:
    def in_split_context(x: object) -> object:
        with t.split_context() as c:
            return t.split_in(c, x)

    def in_update_context(x: object) -> object:
        with t.update_context(TAG) as ctx:
            return t.ctx_split(ctx, x)

    out: list[tuple[str, Callable[[object], object]]] = []
    if Capability.SPLIT_MERGE_CONTEXT in t.capabilities:
        out.append(("SplitContext.split(x)", in_split_context))
    if Capability.UPDATE_CONTEXT in t.capabilities:
        out.append(("UpdateContext.split(x) (step 1)", in_update_context))
    return out


def _expect(t: Target, run: Callable[[], object], verdict: SpecError | None, what: str) -> None:
    if verdict is None:
        run()
    else:
        expect_failure(t, run, verdict, what, ((*verdict.path, 1),) if verdict.path else ())


@law("ERR-14", inputs=())
def hostile_graphs_through_pop_update_and_the_contexts(t: Target, case: Case) -> None:
    """pop, update and the contexts' splits treat a hostile graph as the oracle says.

    Statement: x has an array attribute, an unhashable static, a self-containing list, unorderable
      keys, or x = 3  ⟹  both contexts' splits raise iff split(x) does; pop(x, Param) only for the
      keys and the root, update(x, {}) only for the root; else hostile attributes are kept as is
    Rationale: a transform splits its inputs through the contexts, and pop and update meet the
      same graphs: each must name the fault, or leave what it does not touch alone.
    Seed: graph.py SplitContext.split (flatten, as split), _graph_pop and _graph_update_dynamic
      (walk Variables and the state only; hold).
    """
    arrays = Capability.ARRAY_ATTRIBUTES_ARE_ERRORS in t.capabilities
    for fault in ("array", "unhashable", "cycle", "keys", "root")[0 if arrays else 1 :]:
        built = _built_or_refused(t, fault)
        if built is None:
            continue  # the assignment itself refused the hostile part, with a documented error
        x, split_verdict, pop_verdict = built
        for what, split in _context_splits(t):
            _expect(t, functools.partial(split, x), split_verdict, f"{what} with a {fault} fault")
        ops: list[tuple[str, Callable[[], object], SpecError | None]] = [
            (
                "update(x, {})",
                functools.partial(t.update, x, t.make_state([])),
                pop_verdict if fault == "root" else None,
            )
        ]
        if Capability.POP in t.capabilities:
            param = t.make_filter(TypeFilter("Param"))
            ops.append(("pop(x, Param)", functools.partial(t.pop, x, param), pop_verdict))
        for what, run, verdict in ops:
            kept = None if fault == "root" else t.inspect(x).entries
            _expect(t, run, verdict, f"{what} with a {fault} fault")
            if verdict is None and kept is not None:
                after = dict(t.inspect(x).entries)
                for key, value in kept:
                    require(
                        key == "p" or after.get(key) is value,
                        f"{what} with a {fault} fault replaced or removed x.{key}",
                    )


@law("ERR-15", requires=(Capability.SPLIT_MERGE_CONTEXT,), inputs=("module_graph",))
def split_and_merge_contexts_refuse_use_after_exit(t: Target, case: Case) -> None:
    """A split or merge context used after its exit, or tagged with no update context, raises.

    Statement: after exit, c.split(x) of a split_context and m.merge(gd, s) of a merge_context
      raise (context-order); in split_context(tag) with no update context for tag, c.split(x)
      raises (no-context, naming tag); x and s unchanged
    Rationale: a context kept past its block would share references with calls it was never
      meant to see; a stale handle must be refused, not silently start afresh.
    Seed: graph.py split_context / merge_context (del of the maps on exit: AttributeError, D-11;
      SplitContext.split calls current_update_context(tag): holds).
    """
    x = build_case(t, case).root
    gd, s = t.split(x)
    inputs = CallInputs(t, [x], [s])
    verdict = SpecError("context-order", (), "a context used after its exit")
    with t.split_context() as c:
        pass
    expect_failure(t, lambda: t.split_in(c, x), verdict, "SplitContext.split after exit")
    inputs.require_unchanged("SplitContext.split after exit")
    with t.merge_context() as m:
        pass
    expect_failure(t, lambda: t.merge_in(m, gd, s), verdict, "MergeContext.merge after exit")
    inputs.require_unchanged("MergeContext.merge after exit")
    what = "SplitContext.split in split_context('nnxspec_none') with no such update context"
    expect_failure(t, lambda: _split_in_tagged(t, x), SpecError("no-context", (_NONE,)), what)
    inputs.require_unchanged(what)


_NONE = "nnxspec_none"


def _split_in_tagged(t: Target, x: object) -> object:
    with t.split_context(_NONE) as c:
        return t.split_in(c, x)


_BAD_FILTERS: tuple[tuple[str, tuple[FilterSpec, ...]], ...] = (
    ("a misplaced `...`", (Literal("..."), TypeFilter("Param"))),
    ("a term that is not a filter", (Invalid("object"),)),
    ("no filter", ()),
)


@law("ERR-16", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph", "filters"))
def update_context_split_treats_filters_as_split_does(t: Target, case: Case) -> None:
    """UpdateContext.split with any filters fails, or splits, exactly as split does.

    Statement: fs drawn (maybe non-exhaustive), a misplaced `...`, a non-filter or none:
      ctx.split(x, *fs) as step (1) raises iff semantics.split(model(x), fs) does, with its
      error kind, x unchanged; else its states are semantics.split(model(x), fs)
    Rationale: a transform's filters reach the graph through the update context; a bad filter
      must be refused there with the same error, not partition silently.
    Seed: graph.py UpdateContext.split (_split_state, as split; holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    for name, fs in (("the drawn filters", case.filters), *_BAD_FILTERS):
        filters = [t.make_filter(f) for f in fs]
        what = f"UpdateContext.split(x, *fs) with {name}"
        before = snapshot(t, x)
        try:
            expected = semantics.split(m, fs)
        except SpecError as e:
            expect_failure(t, lambda: _ctx_split(t, x, filters), e, what)  # noqa: B023
            require_unchanged(t, before, x, what=what)
            continue
        states = _ctx_split(t, x, filters)[1:]
        require(len(states) == len(expected), f"{what} gave {len(states)} states")
        for i, (want, got) in enumerate(zip(expected, states)):
            require_same_state(want, flat_models(t, got), f"{what}[{i + 1}]")


def _ctx_split(t: Target, x: object, filters: list[object]) -> tuple[object, ...]:
    with t.update_context(TAG) as ctx:
        return t.ctx_split(ctx, x, *filters)


@law("ERR-17")
def a_state_path_through_a_leaf_is_refused(t: Target, case: Case) -> None:
    """Building or merging States so that a path runs through another path's leaf raises,
    naming the leaf's path or the later one, and leaves the States as they were.

    Statement: flat = state(x) as (path, leaf) pairs (or one leaf at a new root key if x has
        none), p its first path, b = (p + (k,), leaf): make_state(flat + [b]) raises
        (subgraph-for-leaf at p, or at p + (k,)) ∧ so does s | make_state([b]) (s =
        make_state(flat), where the State has |), s unchanged; semantics.merge.nest says so
    Rationale: a flat state assembled by hand (a checkpoint loader, a state edited as a dict) or
        merged from two sources that puts a leaf both at a path and below it is a mistake;
        building it must say where, not fail inside array indexing or item assignment with no
        path at all.
    Seed: statelib.State.from_flat_path / State.merge (traverse_util.unflatten_dict: in flax
        0.10.x a TypeError, 'VariableState' object does not support item assignment).
    """
    flat, below = leaf_and_below(observe(t, build_case(t, case).root))
    items = (*flat, (below, _LEAF))
    try:
        nest(items)
    except SpecError as e:
        what = f"a leaf at {path_str(below)}, below the leaf at {path_str(flat[0][0])}"
        expect_failure(
            t, lambda: make_state(t, items), e, f"make_state(state(x) + {what})", (below,)
        )
        s: Any = make_state(t, flat)
        if callable(getattr(type(s), "__or__", None)):
            tail = make_state(t, ((below, _LEAF),))
            before = snapshot(t, s, tail)
            expect_failure(t, lambda: s | tail, e, f"state(x) | State({what})", (below,))
            require_unchanged(t, before, s, tail, what=f"state(x) | State({what})")
    else:
        raise HarnessError(f"the oracle accepts a path through a leaf: {path_str(below)}")


def leaf_and_below(m: Model) -> tuple[FlatState, Path]:
    """ERR-17's input (its plain reproducer step builds the same): the state of ``m`` (one leaf
    at a new root key where ``m`` has none) and a path one key below its first leaf."""
    flat: FlatState = semantics.flatten(m)[1] or (((fresh_key(m, (), "zz_leaf"),), _LEAF),)
    return flat, (*flat[0][0], "zz_below")
