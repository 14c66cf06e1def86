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
    HostileState,
    NonNodeRoot,
    OddDictKeys,
    OddNodeKeys,
    PlantedAttribute,
    PytreeSelfCycle,
    UnhashableStatic,
    attribute_node_paths,
    corrupt,
    describe,
    split_parts,
)
from spec.laws._check import (
    Snapshot,
    build_case,
    expect_failure,
    flat_models,
    make_state,
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
from spec.laws._protocol import TAG
from spec.laws._registry import Case
from spec.model import Model, observe, var_model
from spec.semantics import FlatState
from spec.semantics import hostile as oracle
from spec.semantics.merge import StateLeaf
from spec.target import Capability, Path, Target, Token

NODEREF_TOKENS: tuple[Token, ...] = (("ref", 0),)
"""The GraphDef of a graph node split a second time in one split_context (CTX-1)."""


H = TypeVar("H")
R = TypeVar("R")
Parts = tuple[tuple[tuple[Path, StateLeaf], ...], ...]
"""A hostile state handed over as one or more flat States (``spec.hostile.split_parts``)."""


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
        graphdefs: Sequence[object] = (),
    ) -> None:
        self.t, self.graphs, self.states, self.leaves = t, list(graphs), list(states), list(leaves)
        self.graphdefs = list(graphdefs)
        self.before = snapshot(t, *self.graphs)
        self.state_before = [self._state(s) for s in self.states]
        self.leaves_before = [_leaf_data(t, leaf) for leaf in self.leaves]
        self.tokens_before = [t.graphdef_tokens(gd) for gd in self.graphdefs]

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
        for gd, tokens in zip(self.graphdefs, self.tokens_before):
            require_same_tokens(tokens, self.t.graphdef_tokens(gd), f"the GraphDef after {what}")


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


def oracle_outcome(compute: Callable[[], H]) -> H | SpecError:
    """The oracle's outcome: its result, or the error it says the operation raises."""
    try:
        return compute()
    except SpecError as e:
        return e


def target_states(t: Target, parts: Parts, outcome: object) -> list[object] | None:
    """The target's States of ``parts``; None where the target refuses to build them, which is a
    documented rejection only where the oracle's ``outcome`` is an error."""
    try:
        return [make_state(t, part) for part in parts]
    except (TypeError, ValueError, KeyError) as e:
        require(
            isinstance(outcome, SpecError),
            f"the target cannot hold the state of a valid call: {type(e).__name__}: {e}",
        )
        return None


def noderef_graphdef(t: Target, x: object) -> tuple[object, object]:
    """Return a bare NodeRef GraphDef of ``x`` (a graph node) and its empty state: its second
    split in one split_context."""
    need(t, Capability.SPLIT_MERGE_CONTEXT, "a NodeRef GraphDef comes from a split_context")
    with t.split_context() as c:
        t.split_in(c, x)
        gd, s = t.split_in(c, x)
    return gd, s


# --- hostile states (ROB-8, ROB-9) ---------------------------------------------------------------


@dataclasses.dataclass
class HostileMerge:
    """ROB-8's inputs: the graphs built (``x``, and ``y`` from the case's other graph), the
    GraphDef merged into and its tokens, the edited state's parts and the places the edits
    touched; ``noderef`` for a bare NodeRef GraphDef (also merged in a merge_context)."""

    graphs: list[object]
    graphdef: object
    tokens: tuple[Token, ...]
    parts: Parts
    touched: tuple[Path, ...]
    noderef: bool

    def outcome(self) -> tuple[object, tuple[Path, ...]]:
        """The oracle's outcome and every place at fault."""
        outcome = oracle_outcome(lambda: oracle.merge(self.tokens, *self.parts))
        failed = isinstance(outcome, SpecError)
        faults = oracle.merge_faults(self.tokens, *self.parts) if failed else []
        return outcome, (*self.touched, *(e.path for e in faults))


def hostile_merge(t: Target, case: Case, op: HostileState) -> HostileMerge:
    """Build ROB-8's inputs for ``op`` (``spec.hostile.HostileState``)."""
    x = build_case(t, case).root
    y = build_optional(t, case.other) if "other" in (op.source, op.graphdef) else None
    m_source = observe(t, y if op.source == "other" and y is not None else x)
    entries, touched = corrupt(m_source, semantics.state(m_source), op.edits)
    # a bare NodeRef GraphDef exists only for a graph-node root: a pytree root is flattened again
    # in the context (its graph nodes becoming references), so such a case merges its own GraphDef
    noderef = op.graphdef == "noderef" and observe(t, x).root.kind == "graph"
    owner = y if op.graphdef == "other" and y is not None else x
    gd = noderef_graphdef(t, x)[0] if noderef else t.graphdef(owner)
    tokens = NODEREF_TOKENS if noderef else semantics.graphdef_tokens(observe(t, owner))
    graphs = [g for g in (x, y) if g is not None]
    return HostileMerge(graphs, gd, tokens, split_parts(entries, op.parts), touched, noderef)


def merged_as(
    t: Target, expected: object, inputs: CallInputs, what: str
) -> Callable[[object], None]:
    """The check of a successful merge: the graph it returns has the oracle's model, and its
    inputs are unchanged."""

    def check(y: object) -> None:
        require_same_model(cast(Model, expected), observe_root(t, y), what)
        inputs.require_unchanged(what)

    return check


def updated_as(
    t: Target, x: object, expected: object, given: CallInputs, what: str
) -> Callable[[object], None]:
    """The check of a successful update: ``x`` has the oracle's model, and the States it was
    given are unchanged."""

    def check(_: object) -> None:
        require_same_model(cast(Model, expected), observe_root(t, x), f"x after {what}")
        given.require_unchanged(what)

    return check


def merge_in_context(t: Target, graphdef: object, states: Sequence[object]) -> object:
    with t.merge_context() as c:
        return t.merge_in(c, graphdef, *states)


@dataclasses.dataclass
class HostileUpdate:
    """ROB-9's inputs: ``x`` and its model, the graphs built, the edited state's parts (of
    ``x``'s own state with every value plus one, or of the other graph's) and the places the
    edits touched; ``mutable_dicts`` is the target's variant."""

    x: object
    model: Model
    graphs: list[object]
    parts: Parts
    touched: tuple[Path, ...]
    mutable_dicts: bool

    def outcome(self) -> tuple[object, tuple[Path, ...]]:
        """The oracle's outcome and every place at fault."""
        m, parts, mutable = self.model, self.parts, self.mutable_dicts
        outcome = oracle_outcome(lambda: oracle.update(m, *parts, mutable_dicts=mutable))
        failed = isinstance(outcome, SpecError)
        faults = oracle.update_faults(m, *parts, mutable_dicts=mutable) if failed else []
        return outcome, (*self.touched, *(e.path for e in faults))


def hostile_update(t: Target, case: Case, op: HostileState) -> HostileUpdate:
    """Build ROB-9's inputs for ``op`` (``spec.hostile.HostileState``)."""
    x = build_case(t, case).root
    m = observe(t, x)
    y = build_optional(t, case.other) if op.source == "other" else None
    m_source = observe(t, y) if y is not None else m
    flat: FlatState = (
        semantics.state(m_source)
        if y is not None
        else tuple((p, semantics.transformed(v, "add_one")) for p, v in semantics.state(m))
    )
    entries, touched = corrupt(m_source, flat, op.edits)
    mutable = Capability.PYTREE_DICTS_ARE_MUTABLE in t.capabilities
    graphs = [g for g in (x, y) if g is not None]
    return HostileUpdate(x, m, graphs, split_parts(entries, op.parts), touched, mutable)


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
        value = _registered_node(t, op)
    else:
        value = _self_containing(t, op)
    return {op.place[1]: value} if len(op.place) == 2 else value


def _registered_node(t: Target, op: OddNodeKeys) -> object:
    """An instance of a node type registered as ``op`` says, flattening to ``op.keys``."""
    entries = [(k, i) for i, k in enumerate(op.keys)]
    if op.node == "jax":
        if Capability.GENERIC_PYTREES not in t.capabilities:
            raise NotApplicable(f"{t.name} {t.version} takes no jax pytree for a node")
        return jax_keyed_pytree(entries)
    try:
        return t.new_registered_node(op.node, entries)
    except NotImplementedError as e:
        raise NotApplicable(str(e)) from e


def jax_keyed_pytree(entries: Sequence[tuple[object, object]]) -> object:
    """An instance of a new type registered with jax itself (``register_pytree_with_keys``) whose
    children are ``entries``' values under ``DictKey``s of their keys."""
    import jax

    cls = type("JaxKeyedPytree", (), {"__module__": __name__})
    items = list(entries)
    jax.tree_util.register_pytree_with_keys(
        cls,
        lambda _: ([(jax.tree_util.DictKey(k), v) for k, v in items], None),
        lambda _, children: cls(),
    )
    return cls()


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


# --- hostile filter calls (ROB-11) ----------------------------------------------------------------

ENTRY_POINTS: dict[str, tuple[str, str] | None] = {
    "split": None,
    "state": None,
    "variables": (Capability.VARIABLES, "variables() is not provided"),
    "pop": (Capability.POP, "pop() is not provided"),
    "split_context": (Capability.SPLIT_MERGE_CONTEXT, "no split_context"),
}
"""Every filtering entry point (``FilterCall.op``) and the capability it needs, if any."""


def filtering_call(t: Target, op: str, x: object, filters: list[object]) -> object:
    """Call the filtering entry point ``op`` (ROB-11's ``FilterCall.op``) on ``x``."""
    if op == "split":
        return t.split(x, *filters)
    if op == "state":
        return t.state(x, *filters)
    if op == "variables":
        return t.variables(x, *filters)
    if op == "pop":
        return t.pop(x, *filters)
    with t.split_context() as c:
        return t.split_in(c, x, *filters)


def filter_outcome(op: FilterCall, m: Model, t: Target) -> object:
    """The oracle's outcome of ``op`` on a graph modelled by ``m``: its groups (for pop, the
    model after it and its groups), or the error it raises."""
    if op.op in ("split", "split_context"):
        return oracle_outcome(lambda: semantics.split(m, op.filters))
    if op.op == "pop":
        mutable_dicts = Capability.PYTREE_DICTS_ARE_MUTABLE in t.capabilities
        return oracle_outcome(lambda: semantics.pop(m, op.filters, mutable_dicts=mutable_dicts))
    return oracle_outcome(lambda: semantics.state_groups(m, op.filters))


def target_filters(t: Target, op: FilterCall, outcome: object) -> list[object] | None:
    """The target's filters of ``op``; None where the target refuses a term while building it,
    which is a documented rejection only where the oracle's ``outcome`` is an error."""
    try:
        return [t.make_filter(f) for f in op.filters]
    except (TypeError, ValueError):
        require(isinstance(outcome, SpecError), f"{describe(op)}: the target refuses valid filters")
        return None


def require_filter_result(
    t: Target, op: FilterCall, x: object, result: object, expected: object, inputs: CallInputs
) -> None:
    """The groups of a successful filtering call are the oracle's; x is as the oracle says
    (emptied by pop, else unchanged)."""
    what = describe(op)
    if op.op == "pop":
        m_after, groups = cast(tuple[Model, tuple[FlatState, ...]], expected)
        got = states_of(result, len(op.filters))
        require_same_model(m_after, observe(t, x), f"x after {what}")
    else:
        groups = cast(tuple[FlatState, ...], expected)
        split = op.op in ("split", "split_context")
        got = cast(tuple[object, ...], result)[1:] if split else states_of(result, len(groups))
        inputs.require_unchanged(what)
    require(len(got) == len(groups), f"{what} returned {len(got)} States, not {len(groups)}")
    for i, (group, s) in enumerate(zip(groups, got)):
        require_same_state(group, flat_models(t, s), f"{what}[{i}]")


# --- update-context calls in any order (ROB-12) ------------------------------------------------


class OpenContext:
    """An update context entered once and left once: by ``leave()`` (an ``exit`` call), or at
    the end of the ``with`` block, with the exception that ended it."""

    def __init__(self, t: Target) -> None:
        self.manager = t.update_context(TAG)
        self.ctx: object = None
        self.left = False

    def __enter__(self) -> OpenContext:
        self.ctx = self.manager.__enter__()
        return self

    def leave(self, *exc: Any) -> None:
        if not self.left:
            self.left = True
            self.manager.__exit__(*(exc or (None, None, None)))

    def __exit__(self, *exc: Any) -> None:
        self.leave(*exc)


def run_calls(
    t: Target, c: OpenContext, x: object, calls: Sequence[str], ref: tuple[object, object] | None
) -> None:
    """Make ``calls`` in the open context ``c`` one by one, each with the outcome
    ``protocol_steps`` gives it: an error (nothing changed), or the result of its role."""
    rebuilt = semantics.rebuild(observe(t, x))
    latest: tuple[object, ...] = t.split(x)
    inner: list[object] = []
    for i, (call, step) in enumerate(zip(calls, oracle.protocol_steps(calls, TAG))):
        role = f" (the {step.role})" if step.role else ""
        what = f"call {i + 1} ({call}) of [{', '.join(calls)}]{role}"
        if call == "exit":
            c.leave()
            continue
        graph = inner[-1] if step.graph == "inner" and inner else x
        run = _context_call(t, c.ctx, call, graph, latest, ref)
        got: list[object] = []
        inputs = CallInputs(t, [x, *inner[-1:]], [])
        expect_outcome(t, run, step.error, what, inputs, result=got.append)
        if not got:
            continue
        if step.role in ("outer-split", "inner-split"):
            latest = cast(tuple[object, ...], got[0])
        elif step.role == "inner-merge":
            inner.append(got[0])
            same_model_guarded(rebuilt, functools.partial(observe_root, t, got[0]), f"{what}")
        elif step.role == "outer-merge":
            require(got[0] is x, f"{what} returned a new object, but should return x itself")
            same_model_guarded(rebuilt, functools.partial(observe_root, t, x), f"x after {what}")
        elif step.role == "current":
            require(got[0] is c.ctx, f"{what} returned another context than the active one")


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
