"""The machinery of the hostile robustness laws (ROB-8 and on): pick a case's hostile operation,
record every input of a call and check it is unchanged, ask the oracle (``spec.semantics.hostile``)
for a verdict.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import numpy as np

from spec import semantics
from spec.blueprint import Blueprint, Key, Unhashable, VarSpec
from spec.errors import LawViolation, NotApplicable, SpecError
from spec.hostile import (
    ArrayAttribute,
    FilterCall,
    NonNodeRoot,
    OddDictKeys,
    OddNodeKeys,
    PytreeSelfCycle,
    UnhashableStatic,
    odd_keys,
)
from spec.laws._check import (
    Snapshot,
    build_case,
    expect_failure,
    flat_models,
    message_names,
    need,
    observe_root,
    require,
    require_same_model,
    require_same_state,
    require_same_tokens,
    require_unchanged,
    snapshot,
)
from spec.laws._protocol import TAG
from spec.laws._registry import Case
from spec.model import Model, StaticSlot, observe, var_model
from spec.semantics import hostile as oracle
from spec.target import Capability, Path, Target, Token

NODEREF_TOKENS: tuple[Token, ...] = (("ref", 0),)
"""The GraphDef of a graph node split a second time in one split_context (CTX-1)."""


H = TypeVar("H")


# --- helpers -------------------------------------------------------------------------------------


def hostile_op(case: Case, cls: type[H], default: H) -> H:
    """Return the case's first hostile operation of type ``cls`` (``default`` if it has none)."""
    return next((h for h in case.hostile if isinstance(h, cls)), default)


def build_optional(t: Target, bp: Blueprint | None) -> object | None:
    if bp is None:
        return None
    return build_case(t, Case(graph=bp)).root


def same_model_guarded(expected: Model, actual: Callable[[], Model], what: str) -> None:
    """``require_same_model`` on the model ``actual`` observes, guarded by ``_checked``."""
    _checked(lambda: require_same_model(expected, actual(), what), what)


def unchanged_guarded(t: Target, before: Snapshot, *roots: object, what: str) -> None:
    """``require_unchanged``, guarded by ``_checked``."""
    _checked(lambda: require_unchanged(t, before, *roots, what=what), what)


def _checked(check: Callable[[], None], what: str) -> None:
    """Run a comparison; an input or result so broken it cannot be compared is a violation too."""
    try:
        check()
    except LawViolation:
        raise
    except Exception as e:
        raise LawViolation(
            f"after {what} an input or the result cannot be compared any more: "
            f"{type(e).__name__}: {e}"
        ) from e


def _leaf_data(t: Target, leaf: object) -> object:
    try:
        return var_model(t.leaf_view(leaf))
    except TypeError:
        value = np.asarray(leaf)
        return ("raw", str(value.dtype), value.shape, value.tobytes())


class CallInputs:
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
            require(
                [(p, d) for p, _, _, d in new] == [(p, d) for p, _, _, d in old],
                f"{what} changed the contents of State {i}",
            )
            require(
                [i_ for _, i_, _, _ in new] == [i_ for _, i_, _, _ in old],
                f"{what} replaced leaves of State {i} (same values, different objects)",
            )


def verdict_of(compute: Callable[[], H]) -> tuple[H | None, SpecError | None]:
    try:
        return compute(), None
    except SpecError as e:
        return None, e


def noderef_graphdef(t: Target, x: object) -> tuple[object, object]:
    """Return a bare NodeRef GraphDef of ``x`` (a graph node) and its empty state: its second
    split in one split_context."""
    need(t, Capability.SPLIT_MERGE_CONTEXT, "a NodeRef GraphDef comes from a split_context")
    with t.split_context() as c:
        t.split_in(c, x)
        gd, s = t.split_in(c, x)
    return gd, s


# --- ROB-10: hostile graphs ---------------------------------------------------------------------

GRAPH_OPS: tuple[tuple[str, Callable[[Target, object], object]], ...] = (
    ("split", lambda t, x: t.split(x)),
    ("graphdef", lambda t, x: t.graphdef(x)),
    ("state", lambda t, x: t.state(x)),
    ("clone", lambda t, x: t.clone(x)),
)


def shallow_copy(value: object) -> object:
    """The identity of a hostile value's direct children (to check it was not rewritten)."""
    if isinstance(value, dict):
        return [(k, id(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [id(v) for v in value]
    return id(value)


def hostile_part(t: Target, op: object, at: Path) -> tuple[str, object, str, Path]:
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
            registered = t.new_registered_node(
                op.node, [(k, i) for i, k in enumerate(registered_keys(op))]
            )
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


def closing_entry(op: PytreeSelfCycle) -> Key:
    """The key through which the container of ``op`` contains itself."""
    closing: dict[str, Key] = {"list": 0, "list-after-node": 1, "dict": "zz_self"}
    return closing[op.form]


def registered_keys(op: OddNodeKeys) -> list[object]:
    """The keys the registered node of ``op`` flattens to: never mutually orderable."""
    return odd_keys(("str", "int", *op.kinds))


def check_non_node_root(t: Target, op: NonNodeRoot) -> None:
    variable = t.new_variable(VarSpec(shape=(2,)))
    root = {"variable": variable, "array": t.get_value(variable), "int": 3, "str": "zz_str"}[
        op.form
    ]
    verdict = oracle.graph_fault("root", ())
    assert verdict is not None  # sanity check: a non-node root is always a fault
    data = _leaf_data(t, variable)
    for name, call in GRAPH_OPS:
        expect_failure(
            t, functools.partial(call, t, root), verdict, f"{name}(a {op.form}) (not a node)"
        )
    require(
        _leaf_data(t, variable) == data, "a failed call on a Variable changed its value or metadata"
    )


def check_round_trips(t: Target, x: object, what: str) -> None:
    m = observe(t, x)
    tokens, flat = semantics.flatten(m)
    gd, s = t.split(x)
    require_same_tokens(tokens, t.graphdef_tokens(gd), f"the GraphDef of split(x) with {what}")
    require_same_state(flat, flat_models(t, s), f"split(x)[1] with {what}")
    merged, cloned = t.merge(gd, s), t.clone(x)
    same_model_guarded(
        semantics.rebuild(m), lambda: observe_root(t, merged), f"merge(*split(x)) with {what}"
    )
    same_model_guarded(semantics.clone(m), lambda: observe_root(t, cloned), f"clone(x) with {what}")
    same_model_guarded(m, lambda: observe(t, x), f"x after split / merge / clone with {what}")
    unhashable = {
        p[-1]
        for p, slot, _ in m.walk()
        if isinstance(slot, StaticSlot)
        and slot.value.type_name in ("set", "frozenset", "list", "dict")
    }
    if unhashable:
        error = expect_failure(
            t, lambda: hash(gd), SpecError("unhashable-static"), f"hash(graphdef(x)) with {what}"
        )
        require(
            isinstance(error, TypeError),
            f"hash(graphdef(x)) raised {type(error).__name__}, but should raise a TypeError",
        )
        require(
            any(message_names(error, k) for k in unhashable),
            f"hash(graphdef(x)) raised {error!s}, which names none of the unhashable attributes {sorted(map(str, unhashable))}",
        )
    else:
        try:
            same = hash(gd) == hash(t.graphdef(x))
        except Exception as e:
            raise LawViolation(
                f"hash(graphdef(x)) with {what} raised {type(e).__name__}: {e}, but every static is hashable"
            ) from e
        require(same, f"two GraphDefs of x with {what} hash differently")


# --- ROB-11: filters ----------------------------------------------------------------------------


def filter_oracle(op: FilterCall, m: Model, t: Target) -> tuple[object | None, SpecError | None]:
    if op.op in ("split", "split_context"):
        return verdict_of(lambda: semantics.split(m, op.filters))
    if op.op == "pop":
        mutable_dicts = Capability.PYTREE_DICTS_ARE_MUTABLE in t.capabilities
        return verdict_of(lambda: semantics.pop(m, op.filters, mutable_dicts=mutable_dicts))
    return verdict_of(lambda: semantics.state_groups(m, op.filters))


def run_calls(
    t: Target,
    ctx: object,
    x: object,
    calls: Sequence[str],
    ref: tuple[object, object] | None,
    leave: Callable[[], None],
) -> None:
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
            unchanged_guarded(t, before, *graphs, what=what)
            continue
        try:
            result = run()
        except Exception as e:
            raise LawViolation(
                f"{what} raised {type(e).__name__}: {e}, but should succeed as the {step.role}"
            ) from e
        if step.role in ("outer-split", "inner-split"):
            latest = cast(tuple[object, ...], result)
        elif step.role == "inner-merge":
            inner = result
            same_model_guarded(
                rebuilt, functools.partial(observe_root, t, inner), f"the inner graph of {what}"
            )
        elif step.role == "outer-merge":
            require(
                result is x,
                f"{what} (the outer merge) returned a new object, but should return x itself",
            )
            same_model_guarded(rebuilt, functools.partial(observe_root, t, x), f"x after {what}")
        elif step.role == "current":
            require(result is ctx, f"{what} returned another context than the active one")


def _context_call(
    t: Target,
    ctx: object,
    call: str,
    graph: object,
    latest: tuple[object, ...],
    ref: tuple[object, object] | None,
) -> Callable[[], object]:
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
