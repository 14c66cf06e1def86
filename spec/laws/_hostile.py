"""The machinery of the hostile robustness laws (ROB-8 and on): pick a case's hostile operation,
record every input of a call and check it is unchanged, ask the oracle (``spec.semantics.hostile``)
for a verdict.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar, cast

import numpy as np

from spec import semantics
from spec.blueprint import Blueprint, Unhashable, VarSpec
from spec.errors import LawViolation, NotApplicable, SpecError
from spec.hostile import (
    ArrayAttribute,
    FilterCall,
    NonNodeRoot,
    OddDictKeys,
    OddNodeKeys,
    PlantedAttribute,
    PytreeSelfCycle,
    UnhashableStatic,
    attribute_node_paths,
    describe,
)
from spec.laws._check import (
    Snapshot,
    build_case,
    expect_failure,
    flat_models,
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
from spec.model import Model, observe, var_model
from spec.semantics import hostile as oracle
from spec.target import Capability, Path, Target, Token

NODEREF_TOKENS: tuple[Token, ...] = (("ref", 0),)
"""The GraphDef of a graph node split a second time in one split_context (CTX-1)."""


H = TypeVar("H")
R = TypeVar("R")


# --- helpers -------------------------------------------------------------------------------------


def hostile_op(case: Case, default: H) -> H:
    """Return the case's first hostile operation of ``default``'s type (``default`` if none)."""
    return next((h for h in case.hostile if isinstance(h, type(default))), default)


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

    def __init__(
        self,
        t: Target,
        graphs: Sequence[object],
        states: Sequence[object],
        *,
        leaves: Sequence[object] = (),
    ) -> None:
        self.t, self.graphs, self.states, self.leaves = t, list(graphs), list(states), list(leaves)
        self.before = snapshot(t, *self.graphs)
        self.state_before = [self._state(s) for s in self.states]
        self.leaves_before = [_leaf_data(t, leaf) for leaf in self.leaves]

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
        require(
            [_leaf_data(self.t, leaf) for leaf in self.leaves] == self.leaves_before,
            f"{what} changed the value or metadata of a Variable it was given",
        )


class Inputs(Protocol):
    """The inputs of one call, recorded before it (``CallInputs``, ``Planted``)."""

    def require_unchanged(self, what: str) -> None: ...


def expect_outcome(
    t: Target,
    call: Callable[[], R],
    outcome: object,
    what: str,
    inputs: Inputs,
    places: Sequence[Path] = (),
    *,
    result: Callable[[R], None] | None = None,
) -> BaseException | None:
    """The rule every hostile law states: the outcome the oracle gives for one call.

    Where ``outcome`` is an error (a ``SpecError``), ``call`` must raise a documented error
    naming one of the places at fault (``outcome.path`` or ``places``, see ``expect_failure``)
    and leave every input exactly as it was; that error is returned.  Otherwise ``call`` must
    return, and ``result`` (the law's comparison of what it returned with the oracle's result)
    must hold; an error, or a result that cannot even be compared, is a violation.
    """
    if isinstance(outcome, SpecError):
        error = expect_failure(t, call, outcome, what, places)
        inputs.require_unchanged(what)
        return error
    try:
        got = call()
    except Exception as e:
        raise LawViolation(f"{what} raised {type(e).__name__}: {e}, but should succeed") from e
    if result is not None:
        _checked(lambda: result(got), what)
    return None


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


# --- hostile graphs (ROB-13 .. ROB-19) ----------------------------------------------------------

GRAPH_OPS: tuple[tuple[str, Callable[[Target, object], object]], ...] = (
    ("split", lambda t, x: t.split(x)),
    ("graphdef", lambda t, x: t.graphdef(x)),
    ("state", lambda t, x: t.state(x)),
    ("clone", lambda t, x: t.clone(x)),
)
"""The operations every hostile graph goes through."""


def graph_calls(t: Target, x: object, what: str) -> list[tuple[str, Callable[[], object]]]:
    """Return ``(description, call)`` for each of split, graphdef, state and clone of ``x``."""
    return [(f"{name}(x) with {what}", functools.partial(op, t, x)) for name, op in GRAPH_OPS]


def _children(value: object) -> object:
    """The identity of a hostile value's direct children (to check it was not rewritten)."""
    if isinstance(value, dict):
        return [(k, id(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [id(v) for v in value]
    return id(value)


P = TypeVar("P", ArrayAttribute, UnhashableStatic, OddDictKeys, OddNodeKeys, PytreeSelfCycle)


@dataclasses.dataclass
class Planted(Generic[P]):
    """The case's graph ``x`` with the hostile attribute of ``op`` set on one of its graph nodes;
    ``path`` is the place at fault.  As the inputs of a call, it is unchanged when the rest of
    the graph is as before the attribute was set and the hostile value was not rewritten."""

    t: Target
    op: P
    x: object
    node: object
    value: object
    path: Path
    before: Snapshot
    children: object

    @property
    def what(self) -> str:
        return describe(self.op)

    def require_unchanged(self, what: str) -> None:
        key = self.op.place[0]
        self.t.del_attr(self.node, key)
        try:
            unchanged_guarded(self.t, self.before, self.x, what=what)
        finally:
            self.t.set_attr(self.node, key, self.value)
        require(_children(self.value) == self.children, f"{what} rewrote the hostile attribute")


def plant(t: Target, case: Case, op: P) -> Planted[P]:
    """Build the case's graph and set the hostile attribute of ``op`` on its ``op.at``-th
    graph node that takes named attributes (modulo their number)."""
    x = build_case(t, case).root
    paths = attribute_node_paths(observe(t, x))
    at: Path = paths[op.at % len(paths)]
    node = x
    for key in at:
        node = next(v for k, v in t.inspect(node).entries if k == key and type(k) is type(key))
    before = snapshot(t, x)
    value = hostile_value(t, op)
    try:  # as in the seed, an assignment takes any value: the graph API is where it is checked
        t.set_attr(node, op.place[0], value)
    except Exception as e:
        raise LawViolation(
            f"setting the attribute of {describe(op)} raised {type(e).__name__}: {e}, but "
            "should store it (split, graphdef, state and clone are where it is checked)"
        ) from e
    return Planted(t, op, x, node, value, (*at, *op.place), before, _children(value))


def hostile_value(t: Target, op: PlantedAttribute) -> object:
    """The live value of the hostile attribute of ``op`` (in a dict when ``op.place`` says so)."""
    value: object
    if isinstance(op, ArrayAttribute):
        value = t.get_value(t.new_variable(VarSpec(shape=(2,))))
    elif isinstance(op, UnhashableStatic):
        value = t.new_static(Unhashable((1, 2)))
    elif isinstance(op, OddDictKeys):
        value = {k: t.new_variable(VarSpec(seed=i)) for i, k in enumerate(op.keys)}
    elif isinstance(op, OddNodeKeys):
        try:
            value = t.new_registered_node(op.node, [(k, i) for i, k in enumerate(op.keys)])
        except NotImplementedError as e:
            raise NotApplicable(str(e)) from e
    else:
        value = _self_containing(t, op)
    return {op.place[1]: value} if len(op.place) == 2 else value


def _self_containing(t: Target, op: PytreeSelfCycle) -> object:
    cycle: Any = {} if op.form == "dict" else []
    if op.form == "list-after-node":  # a graph node (not empty) walked before the container recurs
        node = t.new_graph_node("module")
        t.set_attr(node, "zz_static", 1)
        cycle.append(node)
    if op.form == "dict":
        cycle["zz_self"] = cycle
    else:
        cycle.append(cycle)
    return cycle


def non_node_root(t: Target, op: NonNodeRoot) -> tuple[object, CallInputs]:
    """The root of ``op`` (made from one Variable) and the inputs a failed call must not change:
    that Variable."""
    variable = t.new_variable(VarSpec(shape=(2,)))
    roots = {"variable": variable, "array": t.get_value(variable), "int": 3, "str": "zz_str"}
    return roots[op.form], CallInputs(t, [], [], leaves=[variable])


def check_round_trips(t: Target, x: object, what: str) -> None:
    """split, merge and clone of ``x`` succeed with the oracle's results and leave ``x`` as it
    was; where every static of ``x`` is hashable, two GraphDefs of ``x`` hash alike."""
    m, inputs = observe(t, x), CallInputs(t, [x], [])
    tokens, flat = semantics.flatten(m)

    def split_result(pair: tuple[object, ...]) -> None:
        gd, s = pair
        require_same_tokens(tokens, t.graphdef_tokens(gd), f"the GraphDef of split(x) with {what}")
        require_same_state(flat, flat_models(t, s), f"split(x)[1] with {what}")
        merged = observe_root(t, t.merge(gd, s))
        require_same_model(semantics.rebuild(m), merged, f"merge(*split(x)) with {what}")

    def clone_result(y: object) -> None:
        require_same_model(semantics.clone(m), observe_root(t, y), f"clone(x) with {what}")

    def same_hash(h: int) -> None:
        require(h == hash(t.graphdef(x)), f"two GraphDefs of x with {what} hash differently")

    expect_outcome(
        t, lambda: t.split(x), None, f"split(x) with {what}", inputs, result=split_result
    )
    expect_outcome(
        t, lambda: t.clone(x), None, f"clone(x) with {what}", inputs, result=clone_result
    )
    inputs.require_unchanged(f"split / merge / clone with {what}")
    if not oracle.unhashable_statics(m):
        gd = t.graphdef(x)
        expect_outcome(
            t, lambda: hash(gd), None, f"hash(graphdef(x)) with {what}", inputs, result=same_hash
        )


def check_hash_fails(t: Target, x: object, what: str) -> None:
    """``hash(graphdef(x))`` of an ``x`` with unhashable statics raises a TypeError naming one."""
    places = oracle.unhashable_statics(observe(t, x))
    gd, hashed = t.graphdef(x), f"hash(graphdef(x)) with {what}"
    fault = SpecError("unhashable-static", places[0])
    error = expect_outcome(t, lambda: hash(gd), fault, hashed, CallInputs(t, [x], []), places)
    require(
        isinstance(error, TypeError),
        f"{hashed} raised {type(error).__name__}, but should raise a TypeError",
    )


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
