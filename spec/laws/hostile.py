"""ROB (hostile inputs): wrong inputs give documented errors naming the place, and change nothing.

Each law here takes one hostile operation (``spec.hostile``, drawn by ``strategies``) and asks
the oracle (``spec.semantics.hostile``) what must happen.  Where the oracle says the operation
fails, the target must raise a documented error (a ValueError, TypeError or KeyError, never an
AssertionError, RecursionError or AttributeError) whose message names a key of the place at
fault (the oracle's path, or one the hostile edit touched), and every input (graphs, States,
GraphDef) must be exactly as before: same models, same objects.  Where the oracle says it
succeeds, the result must be the oracle's.  A hang shows as the runner's timeout, a crash as a
dead worker: neither is ever a pass.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import numpy as np

from spec import semantics
from spec.blueprint import Blueprint, Key, Unhashable, VarSpec
from spec.errors import LawViolation, NotApplicable, SpecError
from spec.hostile import (
    ArrayAttribute,
    ContextCalls,
    FilterCall,
    HostileState,
    NonNodeRoot,
    OddDictKeys,
    OddNodeKeys,
    PytreeSelfCycle,
    UnhashableStatic,
    corrupt,
    describe,
    graph_node_paths,
    odd_keys,
    split_parts,
)
from spec.laws._check import (
    Snapshot,
    build_case,
    expect_failure,
    flat_models,
    make_state,
    message_names,
    need,
    observe_root,
    require,
    require_same_model,
    require_same_state,
    require_same_tokens,
    require_unchanged,
    snapshot,
    states_of,
)
from spec.laws._registry import Case, law
from spec.model import Model, StaticSlot, observe, var_model
from spec.semantics import FlatState
from spec.semantics import hostile as oracle
from spec.target import Capability, Path, Target, Token

TAG = "nnxspec"
NODEREF_TOKENS: tuple[Token, ...] = (("ref", 0),)
"""The GraphDef of a graph node split a second time in one split_context (CTX-1)."""

H = TypeVar("H")


# --- helpers -------------------------------------------------------------------------------------


def _op(case: Case, cls: type[H], default: H) -> H:
    """Return the case's first hostile operation of type ``cls`` (``default`` if it has none)."""
    return next((h for h in case.hostile if isinstance(h, cls)), default)


def _build(t: Target, bp: Blueprint | None) -> object | None:
    if bp is None:
        return None
    return build_case(t, Case(graph=bp)).root


def _same_model(expected: Model, actual: Callable[[], Model], what: str) -> None:
    """``require_same_model`` on the model ``actual`` observes, guarded by ``_checked``."""
    _checked(lambda: require_same_model(expected, actual(), what), what)


def _unchanged(t: Target, before: Snapshot, *roots: object, what: str) -> None:
    """``require_unchanged``, guarded by ``_checked``."""
    _checked(lambda: require_unchanged(t, before, *roots, what=what), what)


def _checked(check: Callable[[], None], what: str) -> None:
    """Run a comparison; an input or result so broken it cannot be compared is a violation too."""
    try:
        check()
    except LawViolation:
        raise
    except Exception as e:
        raise LawViolation(f"after {what} an input or the result cannot be compared any more: "
                           f"{type(e).__name__}: {e}") from e


def _leaf_data(t: Target, leaf: object) -> object:
    try:
        return var_model(t.leaf_view(leaf))
    except TypeError:
        value = np.asarray(leaf)
        return ("raw", str(value.dtype), value.shape, value.tobytes())


class _Inputs:
    """Every input of one call: graphs (models and object identities) and States (each leaf's
    path, identity and content, raw arrays included), to check that a call changed nothing."""

    def __init__(self, t: Target, graphs: Sequence[object], states: Sequence[object]) -> None:
        self.t, self.graphs, self.states = t, list(graphs), list(states)
        self.before = snapshot(t, *self.graphs)
        self.state_before = [self._state(s) for s in self.states]

    def _state(self, s: object) -> list[tuple[Path, int, object, object]]:
        return [(p, id(leaf), leaf, _leaf_data(self.t, leaf)) for p, leaf in self.t.flat_state(s)]

    def require_unchanged(self, what: str) -> None:
        _checked(lambda: require_unchanged(self.t, self.before, *self.graphs, what=what), what)
        for i, (s, old) in enumerate(zip(self.states, self.state_before)):
            new = self._state(s)
            require([(p, d) for p, _, _, d in new] == [(p, d) for p, _, _, d in old],
                    f"{what} changed the contents of State {i}")
            require([i_ for _, i_, _, _ in new] == [i_ for _, i_, _, _ in old],
                    f"{what} replaced leaves of State {i} (same values, different objects)")


def _verdict(compute: Callable[[], H]) -> tuple[H | None, SpecError | None]:
    try:
        return compute(), None
    except SpecError as e:
        return None, e


def _noderef(t: Target, x: object) -> tuple[object, object]:
    """Return a bare NodeRef GraphDef of ``x`` (and its empty state): its second split in one
    split_context."""
    need(t, Capability.SPLIT_MERGE_CONTEXT, "a NodeRef GraphDef comes from a split_context")
    with t.split_context() as c:
        t.split_in(c, x)
        gd, s = t.split_in(c, x)
    return gd, s


# --- ROB-8: merge -------------------------------------------------------------------------------


@law("ROB-8", inputs=("graph", "other", "hostile_state"), examples=2)
def merge_survives_hostile_states(t: Target, case: Case) -> None:
    """merge with a hostile state (missing, extra, renamed or odd keys; wrong nesting; a leaf for a subgraph or a static; a mapping for a leaf; another graph's GraphDef; a bare NodeRef) fails as the oracle says, naming the place, and changes nothing; or builds exactly the oracle's graph.

    Statement: s = edits(state(g)); merge(gd, *s) ≅ hostile.merge(tokens(gd), *s), or raises (naming p ∈ faults) ∧ x, y, s, gd unchanged
    Rationale: a checkpoint that does not fit the model must be refused with a pointer to the mismatch, never half-loaded or loaded by position.
    Seed: graph.py _graph_unflatten (mostly holds; bare KeyError / AssertionError on some inputs, D-14, D-15).
    """
    op = _op(case, HostileState, HostileState())
    x = build_case(t, case).root
    y = _build(t, case.other) if "other" in (op.source, op.graphdef) else None
    source = y if op.source == "other" and y is not None else x
    m_source = observe(t, source)
    entries, touched = corrupt(m_source, semantics.state(m_source), op.edits)
    parts = split_parts(entries, op.parts)
    if op.graphdef == "noderef":
        gd, _ = _noderef(t, x)
        tokens = NODEREF_TOKENS
    else:
        owner = y if op.graphdef == "other" and y is not None else x
        gd, tokens = t.graphdef(owner), semantics.graphdef_tokens(observe(t, owner))
    expected, verdict = _verdict(lambda: oracle.merge(tokens, *parts))
    what = f"merge(gd, *s) with {describe(op)}"
    try:
        states = [make_state(t, part) for part in parts]
    except (TypeError, ValueError, KeyError) as e:
        require(verdict is not None, f"the target cannot hold the state of a valid merge: {type(e).__name__}: {e}")
        return  # the State itself refuses the hostile keys: a documented rejection
    inputs = _Inputs(t, [g for g in (x, y) if g is not None], states)
    gd_tokens = t.graphdef_tokens(gd)
    if verdict is not None:
        touched = (*touched, *(e.path for e in oracle.merge_faults(tokens, *parts)))
        expect_failure(t, lambda: t.merge(gd, *states), verdict, what, touched)
        if op.graphdef == "noderef":
            def in_context() -> object:
                with t.merge_context() as c:
                    return t.merge_in(c, gd, *states)
            expect_failure(t, in_context, verdict, f"{what} (in a merge_context)", touched)
        inputs.require_unchanged(what)
        require_same_tokens(gd_tokens, t.graphdef_tokens(gd), f"the GraphDef after a failed {what}")
        return
    assert expected is not None  # sanity check: no verdict means a model
    result = t.merge(gd, *states)
    _same_model(expected, lambda: observe_root(t, result), what)
    inputs.require_unchanged(what)


# --- ROB-9: update ------------------------------------------------------------------------------


@law("ROB-9", inputs=("graph", "other", "hostile_state"), examples=2)
def update_survives_hostile_states(t: Target, case: Case) -> None:
    """update with a hostile state (missing, extra, renamed or odd keys; wrong nesting; a leaf for a subgraph or a static; a mapping for a leaf; another graph's state) fails as the oracle says, naming the place, and changes nothing; or does exactly what the oracle says.

    Statement: s = edits(state(g) + 1); update(x, *s) ⟹ model(x) == hostile.update(model(x₀), *s), or raises (naming p ∈ faults) ∧ x, s unchanged
    Rationale: a failed update that applied half the state leaves a model nobody can reason about.
    Seed: graph.py _graph_update_dynamic (not atomic, D-2; stores VariableStates, D-6; bare errors, D-14).
    """
    op = _op(case, HostileState, HostileState())
    x = build_case(t, case).root
    m = observe(t, x)
    y = _build(t, case.other) if op.source == "other" else None
    if y is not None:
        m_source = observe(t, y)
        flat: FlatState = semantics.state(m_source)
    else:
        m_source = m
        flat = tuple((p, semantics.transformed(v, "add_one")) for p, v in semantics.state(m))
    entries, touched = corrupt(m_source, flat, op.edits)
    parts = split_parts(entries, op.parts)
    mutable_dicts = Capability.PYTREE_DICTS_ARE_MUTABLE in t.capabilities
    expected, verdict = _verdict(lambda: oracle.update(m, *parts, mutable_dicts=mutable_dicts))
    what = f"update(x, *s) with {describe(op)}"
    try:
        states = [make_state(t, part) for part in parts]
    except (TypeError, ValueError, KeyError) as e:
        require(verdict is not None, f"the target cannot hold the state of a valid update: {type(e).__name__}: {e}")
        return
    inputs = _Inputs(t, [g for g in (x, y) if g is not None], states)
    if verdict is not None:
        touched = (*touched, *(e.path for e in oracle.update_faults(m, *parts, mutable_dicts=mutable_dicts)))
        expect_failure(t, lambda: t.update(x, *states), verdict, what, touched)
        inputs.require_unchanged(what)
        return
    assert expected is not None  # sanity check: no verdict means a model
    given = _Inputs(t, [], states)
    t.update(x, *states)
    _same_model(expected, lambda: observe_root(t, x), f"x after {what}")
    given.require_unchanged(what)


# --- ROB-10: hostile graphs ---------------------------------------------------------------------

_GRAPH_OPS: tuple[tuple[str, Callable[[Target, object], object]], ...] = (
    ("split", lambda t, x: t.split(x)),
    ("graphdef", lambda t, x: t.graphdef(x)),
    ("state", lambda t, x: t.state(x)),
    ("clone", lambda t, x: t.clone(x)),
)


def _shallow(value: object) -> object:
    """The identity of a hostile value's direct children (to check it was not rewritten)."""
    if isinstance(value, dict):
        return [(k, id(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [id(v) for v in value]
    return id(value)


def _hostile_part(t: Target, op: object, at: Path) -> tuple[str, object, str, Path]:
    """Return (attribute key, live value, fault kind, fault path) for a hostile graph operation."""
    if isinstance(op, ArrayAttribute):
        array = t.get_value(t.new_variable(VarSpec(shape=(2,))))
        if op.boxed:
            return "zz_box", {"zz_array": array}, "array", (*at, "zz_box", "zz_array")
        return "zz_array", array, "array", (*at, "zz_array")
    if isinstance(op, UnhashableStatic):
        unhashable = t.new_static(Unhashable((1, 2)))
        if op.boxed:
            return "zz_box", {"zz_set": unhashable}, "unhashable", (*at, "zz_box", "zz_set")
        return "zz_set", unhashable, "unhashable", (*at, "zz_set")
    if isinstance(op, OddDictKeys):
        keys = odd_keys(op.kinds or ("str",))
        value = {k: t.new_variable(VarSpec(seed=i)) for i, k in enumerate(keys)}
        return "zz_dict", value, "keys", (*at, "zz_dict")
    if isinstance(op, OddNodeKeys):
        try:
            registered = t.new_registered_node(op.node, [(k, i) for i, k in enumerate(_registered_keys(op))])
        except NotImplementedError as e:
            raise NotApplicable(str(e)) from e
        return "zz_registered", registered, "keys", (*at, "zz_registered")
    assert isinstance(op, PytreeSelfCycle)  # sanity check: the graph operations are a closed set
    cycle: Any = {} if op.form == "dict" else []
    if op.form == "list-after-node":  # a graph node (not empty) walked before the container recurs
        node = t.new_graph_node("module")
        t.set_attr(node, "zz_static", 1)
        cycle.append(node)
    if op.form == "dict":
        cycle["zz_self"] = cycle
    else:
        cycle.append(cycle)
    return "zz_cycle", cycle, "cycle", (*at, "zz_cycle")


def _closing_entry(op: PytreeSelfCycle) -> Key:
    """The key through which the container of ``op`` contains itself."""
    closing: dict[str, Key] = {"list": 0, "list-after-node": 1, "dict": "zz_self"}
    return closing[op.form]


def _registered_keys(op: OddNodeKeys) -> list[object]:
    """The keys the registered node of ``op`` flattens to: never mutually orderable."""
    return odd_keys(("str", "int", *op.kinds))


def _non_node_root(t: Target, op: NonNodeRoot) -> None:
    variable = t.new_variable(VarSpec(shape=(2,)))
    root = {"variable": variable, "array": t.get_value(variable), "int": 3, "str": "zz_str"}[op.form]
    verdict = oracle.graph_fault("root", ())
    assert verdict is not None  # sanity check: a non-node root is always a fault
    data = _leaf_data(t, variable)
    for name, call in _GRAPH_OPS:
        expect_failure(t, functools.partial(call, t, root), verdict, f"{name}(a {op.form}) (not a node)")
    require(_leaf_data(t, variable) == data, "a failed call on a Variable changed its value or metadata")


@law("ROB-10", inputs=("module_graph", "hostile_graph"), examples=2)
def hostile_graphs_fail_cleanly_or_round_trip(t: Target, case: Case) -> None:
    """split, graphdef, state and clone of a graph with an array attribute, a self-containing pytree, unorderable dict keys or keys of a registered node type, or a root that is not a node raise a documented error naming the attribute and change nothing; unhashable statics and orderable odd keys round-trip.

    Statement: fault(x) = hostile.graph_fault(…)  ⟹  op(x) raises naming it (a pytree cycle: the container, or the entry through which it contains itself) ∧ x unchanged; else op(x) == oracle ∧ hash(gd) raises TypeError iff a static is unhashable
    Rationale: a mistake in a model definition must be reported where it is, not as a crash deep inside a traversal.
    Seed: graph.py _graph_flatten (RuntimeError for a non-node root, D-14; bare TypeError for unorderable keys, D-8; RecursionError for a self-containing list).
    """
    op = next((h for h in case.hostile if isinstance(h, (ArrayAttribute, UnhashableStatic, OddDictKeys, OddNodeKeys,
                                                          PytreeSelfCycle, NonNodeRoot))), UnhashableStatic(0))
    if isinstance(op, NonNodeRoot):
        _non_node_root(t, op)
        return
    x = build_case(t, case).root
    paths = graph_node_paths(observe(t, x))
    at = paths[cast(Any, op).at % len(paths)]
    node = x
    for key in at:
        node = next(v for k, v in t.inspect(node).entries if k == key and type(k) is type(key))
    before = snapshot(t, x)
    key, value, kind, fault_path = _hostile_part(t, op, at)
    if kind == "keys":
        keys = _registered_keys(op) if isinstance(op, OddNodeKeys) else list(cast(dict[object, object], value))
        fault = oracle.keys_fault(keys, fault_path)
    else:
        fault = oracle.graph_fault(kind, fault_path, arrays_are_errors=Capability.ARRAY_ATTRIBUTES_ARE_ERRORS in t.capabilities)
        if kind == "array" and fault is None:
            raise NotApplicable(f"{t.name} makes array attributes leaves, which the oracle does not model")
    shallow = _shallow(value)
    t.set_attr(node, key, value)
    what = describe(op)
    if fault is not None:
        # a pytree cycle's place: the container, or the entry through which it contains itself
        closing: Path = (*fault_path, _closing_entry(op)) if isinstance(op, PytreeSelfCycle) else ()
        faults = (fault_path, closing) if closing else (fault_path,)
        for name, call in _GRAPH_OPS:
            expect_failure(t, functools.partial(call, t, x), fault, f"{name}(x) with {what}", faults)
            t.del_attr(node, key)  # compare the rest of the graph with the snapshot taken before
            _unchanged(t, before, x, what=f"{name}(x) with {what}")
            require(_shallow(value) == shallow, f"{name}(x) with {what} rewrote the hostile attribute itself")
            t.set_attr(node, key, value)
        return
    _round_trips(t, x, what)


def _round_trips(t: Target, x: object, what: str) -> None:
    m = observe(t, x)
    tokens, flat = semantics.flatten(m)
    gd, s = t.split(x)
    require_same_tokens(tokens, t.graphdef_tokens(gd), f"the GraphDef of split(x) with {what}")
    require_same_state(flat, flat_models(t, s), f"split(x)[1] with {what}")
    merged, cloned = t.merge(gd, s), t.clone(x)
    _same_model(semantics.rebuild(m), lambda: observe_root(t, merged), f"merge(*split(x)) with {what}")
    _same_model(semantics.clone(m), lambda: observe_root(t, cloned), f"clone(x) with {what}")
    _same_model(m, lambda: observe(t, x), f"x after split / merge / clone with {what}")
    unhashable = {p[-1] for p, slot, _ in m.walk()
                  if isinstance(slot, StaticSlot) and slot.value.type_name in ("set", "frozenset", "list", "dict")}
    if unhashable:
        error = expect_failure(t, lambda: hash(gd), SpecError("unhashable-static"), f"hash(graphdef(x)) with {what}")
        require(isinstance(error, TypeError), f"hash(graphdef(x)) raised {type(error).__name__}, but should raise a TypeError")
        require(any(message_names(error, k) for k in unhashable),
                f"hash(graphdef(x)) raised {error!s}, which names none of the unhashable attributes {sorted(map(str, unhashable))}")
    else:
        try:
            same = hash(gd) == hash(t.graphdef(x))
        except Exception as e:
            raise LawViolation(f"hash(graphdef(x)) with {what} raised {type(e).__name__}: {e}, but every static is hashable") from e
        require(same, f"two GraphDefs of x with {what} hash differently")


# --- ROB-11: filters ----------------------------------------------------------------------------


def _filter_oracle(op: FilterCall, m: Model, t: Target) -> tuple[object | None, SpecError | None]:
    if op.op in ("split", "split_context"):
        return _verdict(lambda: semantics.split(m, op.filters))
    if op.op == "pop":
        mutable_dicts = Capability.PYTREE_DICTS_ARE_MUTABLE in t.capabilities
        return _verdict(lambda: semantics.pop(m, op.filters, mutable_dicts=mutable_dicts))
    return _verdict(lambda: semantics.state_groups(m, op.filters))


@law("ROB-11", inputs=("graph", "hostile_filters"), examples=2)
def every_filtering_call_survives_hostile_filters(t: Target, case: Case) -> None:
    """split, state, variables, pop and SplitContext.split with any filters (non-exhaustive, a misplaced `...`, terms that are not filters, none at all) fail as the oracle says and change nothing, or give exactly the oracle's groups.

    Statement: op(x, *fs) == oracle(op)(model(x), fs), failures included (documented) ∧ x unchanged unless op = pop succeeds
    Rationale: every entry point that takes filters must validate them the same way, before it touches anything.
    Seed: filterlib.filters_to_predicates, State.split, graph.py pop (the integer 1 counts as True, D-10; pop is not atomic, D-2).
    """
    op = _op(case, FilterCall, FilterCall("split", case.filters))
    if op.op == "pop":
        need(t, Capability.POP, "pop() is not provided")
    elif op.op == "variables":
        need(t, Capability.VARIABLES, "variables() is not provided")
    elif op.op == "split_context":
        need(t, Capability.SPLIT_MERGE_CONTEXT, "no split_context")
    x = build_case(t, case).root
    m = observe(t, x)
    expected, verdict = _filter_oracle(op, m, t)
    what = describe(op)
    try:
        filters = [t.make_filter(f) for f in op.filters]
    except (TypeError, ValueError):
        require(verdict is not None, f"{what}: the target cannot make these valid filters")
        return  # the target rejects the term while it is built: also a documented rejection

    def call() -> object:
        if op.op == "split":
            return t.split(x, *filters)
        if op.op == "state":
            return t.state(x, *filters)
        if op.op == "variables":
            return t.variables(x, *filters)
        if op.op == "pop":
            return t.pop(x, *filters)
        with t.split_context() as c:
            return t.split_in(c, x, *filters)

    before = snapshot(t, x)
    if verdict is not None:
        expect_failure(t, call, verdict, what)
        _unchanged(t, before, x, what=what)
        return
    result = call()
    if op.op == "pop":
        m_after, groups = cast(tuple[Model, tuple[FlatState, ...]], expected)
        for i, (group, got) in enumerate(zip(groups, states_of(result, len(op.filters)))):
            require_same_state(group, flat_models(t, got), f"{what}[{i}]")
        _same_model(m_after, lambda: observe(t, x), f"x after {what}")
        return
    groups = cast(tuple[FlatState, ...], expected)
    got = cast(tuple[object, ...], result)[1:] if op.op in ("split", "split_context") else states_of(result, len(groups))
    require(len(got) == len(groups), f"{what} returned {len(got)} States, but should return {len(groups)}")
    for i, (group, s) in enumerate(zip(groups, got)):
        require_same_state(group, flat_models(t, s), f"{what}[{i}]")
    _unchanged(t, before, x, what=what)


# --- ROB-12: update-context calls in any order -------------------------------------------------


@law("ROB-12", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph", "hostile_calls"), examples=2)
def context_calls_in_any_order_are_checked(t: Target, case: Case) -> None:
    """Update-context calls in any order (two outer splits, a merge first, a second inner merge, an outer merge without outer indices, calls after exit, a NodeRef GraphDef) fail as the oracle's state machine says and change nothing; the calls that fit the protocol work.

    Statement: ∀ i: calls[i] raises (documented) ⇔ protocol_steps(calls)[i].error ∧ x unchanged; an outer merge returns x ≅ rebuild(x₀)
    Rationale: a transform that gets the protocol wrong must be told at once, not corrupt the caller's model or crash later.
    Seed: graph.py UpdateContext (a second outer split takes the inner branch, use after exit raises AttributeError, D-11).
    """
    need(t, Capability.UPDATE_CONTEXT, "no update-context protocol")
    op = _op(case, ContextCalls, ContextCalls(("split", "merge", "split", "merge")))
    x = build_case(t, case).root
    ref = _noderef(t, x) if "merge_ref" in op.calls else None
    manager = t.update_context(TAG)
    ctx = manager.__enter__()
    exited = [False]

    def leave() -> None:
        if not exited[0]:
            exited[0] = True
            manager.__exit__(None, None, None)

    try:
        _run_calls(t, ctx, x, op.calls, ref, leave)
    except BaseException:
        if not exited[0]:
            exited[0] = True
            manager.__exit__(*sys.exc_info())
        raise
    leave()


def _run_calls(t: Target, ctx: object, x: object, calls: Sequence[str], ref: tuple[object, object] | None,
               leave: Callable[[], None]) -> None:
    """Make ``calls`` on ``ctx`` one by one, each checked against ``protocol_steps``."""
    rebuilt = semantics.rebuild(observe(t, x))
    latest: tuple[object, ...] = t.split(x)
    inner: object | None = None
    for i, (call, step) in enumerate(zip(calls, oracle.protocol_steps(calls, TAG))):
        what = f"call {i + 1} ({call}) of [{', '.join(calls)}]"
        if call == "exit":
            leave()
            continue
        graph = inner if step.graph == "inner" and inner is not None else x
        run = _context_call(t, ctx, call, graph, latest, ref)
        graphs = [g for g in (x, inner) if g is not None]
        if step.error is not None:
            before = snapshot(t, *graphs)
            expect_failure(t, run, step.error, what)
            _unchanged(t, before, *graphs, what=what)
            continue
        try:
            result = run()
        except Exception as e:
            raise LawViolation(f"{what} raised {type(e).__name__}: {e}, but should succeed as the {step.role}") from e
        if step.role in ("outer-split", "inner-split"):
            latest = cast(tuple[object, ...], result)
        elif step.role == "inner-merge":
            inner = result
            _same_model(rebuilt, functools.partial(observe_root, t, inner), f"the inner graph of {what}")
        elif step.role == "outer-merge":
            require(result is x, f"{what} (the outer merge) returned a new object, but should return x itself")
            _same_model(rebuilt, functools.partial(observe_root, t, x), f"x after {what}")
        elif step.role == "current":
            require(result is ctx, f"{what} returned another context than the active one")


def _context_call(t: Target, ctx: object, call: str, graph: object, latest: tuple[object, ...],
                  ref: tuple[object, object] | None) -> Callable[[], object]:
    if call == "split":
        return lambda: t.ctx_split(ctx, graph)
    if call == "merge":
        return lambda: t.ctx_merge(ctx, latest[0], *latest[1:])
    if call == "merge_plain":
        pair = t.split(graph)
        return lambda: t.ctx_merge(ctx, pair[0], *pair[1:])
    if call == "merge_ref":
        assert ref is not None  # sanity check: made before the context when the calls need it
        return lambda: t.ctx_merge(ctx, ref[0], ref[1])
    return lambda: t.current_update_context(TAG)
