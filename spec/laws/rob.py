"""ROB: no depth ceiling, no size cliff - deep chains, long rings and wide modules work.

These laws use built-in inputs (``inputs=()``): the sizes are the point, not the shapes.  State
paths are tuples, so a Variable at depth d costs O(d) just to name; the deep shapes therefore
carry few Variables (at the bottom of the chain, every 100th node of the ring), which keeps the
inputs linear in size while every traversal still has to go all the way down.

Hostile inputs (ROB-8 and on): wrong inputs give documented errors naming the place, and change
nothing.

Each hostile law takes one hostile operation (``spec.hostile``, drawn by ``strategies``) and asks
the oracle (``spec.semantics.hostile``) what must happen.  Where the oracle says the operation
fails, the target must raise a documented error (a ValueError, TypeError or KeyError, never an
AssertionError, RecursionError or AttributeError) whose message names a key of the place at
fault (the oracle's path, or one the hostile edit touched), and every input (graphs, States,
GraphDef) must be exactly as before: same models, same objects.  Where the oracle says it
succeeds, the result must be the oracle's.  A hang shows as the runner's timeout, a crash as a
dead worker: neither is ever a pass.

The hostile laws' machinery lives in ``spec.laws._hostile``.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import sys
import threading
import time
import tracemalloc
import weakref
from collections.abc import Callable
from typing import cast

from spec import semantics
from spec.blueprint import Blueprint, NodeSpec, ToNode, ToStatic, ToVar, VarSpec
from spec.build import blueprint_model, build
from spec.errors import LawViolation, NotApplicable
from spec.filters import TypeFilter
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
    split_parts,
)
from spec.laws._check import (
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
    snapshot,
    states_of,
)
from spec.laws._hostile import (
    NODEREF_TOKENS,
    CallInputs,
    build_optional,
    check_hash_fails,
    check_round_trips,
    expect_outcome,
    filter_oracle,
    graph_calls,
    hostile_op,
    noderef_graphdef,
    non_node_root,
    plant,
    run_calls,
    same_model_guarded,
    unchanged_guarded,
    verdict_of,
)
from spec.laws._protocol import TAG
from spec.laws._registry import Case, law
from spec.live_program import run
from spec.model import Model, observe, observe_objects
from spec.program import SetStatic, TransformValues
from spec.semantics import FlatState
from spec.semantics import hostile as oracle
from spec.target import Capability, Target

DEPTH = 100_000


RING = 10_000


WIDTH = 100_000


@functools.lru_cache(maxsize=4)
def chain(depth: int) -> Blueprint:
    """Return a chain of ``depth`` modules, each with a static ``level``; the last holds a Param."""
    nodes = (
        *(
            NodeSpec("module", (("child", ToNode(i + 1)), ("level", ToStatic(i % 10))))
            for i in range(depth - 1)
        ),
        NodeSpec("module", (("p", ToVar(0)),)),
    )
    return Blueprint(nodes, (VarSpec(shape=(2,)),))


@functools.lru_cache(maxsize=4)
def ring(size: int, every: int = 100) -> Blueprint:
    """Return ``size`` modules in a cycle (each points to the next, the last to the first); every
    ``every``-th one holds a Param."""
    nodes = tuple(
        NodeSpec(
            "module",
            (("next", ToNode((i + 1) % size)),)
            + ((("p", ToVar(i // every)),) if i % every == 0 else ()),
        )
        for i in range(size)
    )
    return Blueprint(nodes, tuple(VarSpec(seed=j % 5) for j in range((size + every - 1) // every)))


@functools.lru_cache(maxsize=4)
def wide(width: int) -> Blueprint:
    """Return one module with ``width`` Param attributes."""
    entries = tuple((f"a{i}", ToVar(i)) for i in range(width))
    return Blueprint(
        (NodeSpec("module", entries),), tuple(VarSpec(seed=i % 3) for i in range(width))
    )


def _scaled(size: int, case: Case) -> int:
    """Return ``size`` times the case's scale (the dev profile checks a tenth of each size)."""
    return max(2, int(size * case.scale))


def _survives_every_operation(t: Target, bp: Blueprint, what: str, *, iterate: bool = True) -> None:
    x = build(t, bp).root
    assert not bp.has_pytree_container  # sanity check: so rebuild(model(x)) is model(x) itself
    expected = observe(t, x)
    gd, s = t.split(x)
    require(
        len(flat_models(t, s)) == len(bp.variables),
        f"split of {what} has the wrong number of leaves",
    )
    require_same_model(expected, observe(t, t.merge(gd, s)), f"merge(*split({what}))")
    t.update(x, s)
    require_same_model(expected, observe(t, x), f"{what} after update(x, state(x))")
    require_same_model(expected, observe(t, t.clone(x)), f"clone({what})")
    if iterate:  # iter_graph yields one path per node: O(depth^2) on a chain by construction
        count = sum(1 for _ in t.iter_graph(x))
        require(
            count >= len(bp.nodes),
            f"iter_graph({what}) yields {count} items, fewer than its {len(bp.nodes)} nodes",
        )


@law("ROB-1", inputs=(), examples=0.01)
def deep_chains_have_no_depth_ceiling(t: Target, case: Case) -> None:
    """A chain of 100,000 nested modules splits, merges, updates and clones.

    Statement: x = chain(100_000)  ⟹  split, merge, update, clone all succeed, merge(*split(x)) ≅ x ≅ clone(x)
    Rationale: recursion limits are an implementation accident, not a semantic boundary.
    Seed: graph.py _graph_flatten / _graph_unflatten (breaks: RecursionError near 490 levels, D-1).
    """
    depth = _scaled(DEPTH, case)
    _survives_every_operation(t, chain(depth), f"a {depth}-deep chain", iterate=False)


@law("ROB-2", inputs=(), examples=0.01)
def long_rings_round_trip(t: Target, case: Case) -> None:
    """A ring of 10,000 modules (each pointing to the next, the last to the first) survives every operation.

    Statement: x = ring(10_000)  ⟹  split, merge, update, clone, iter_graph all succeed and merge(*split(x)) ≅ x
    Rationale: long cycles (linked structures, unrolled recurrences) hit the same depth limits as chains.
    Seed: graph.py (breaks: RecursionError, D-1).
    """
    size = _scaled(RING, case)
    _survives_every_operation(t, ring(size), f"a {size}-node ring")


@law("ROB-3", inputs=(), examples=0.01)
def wide_modules_round_trip(t: Target, case: Case) -> None:
    """A module with 100,000 Variable attributes survives every operation.

    Statement: x = wide(100_000)  ⟹  split, merge, update, clone, iter_graph all succeed and merge(*split(x)) ≅ x
    Rationale: flat parameter dictionaries of large models must not hit quadratic paths.
    Seed: graph.py (holds).
    """
    width = _scaled(WIDTH, case)
    _survives_every_operation(t, wide(width), f"a module with {width} attributes")


def _chain_without_param(depth: int) -> Blueprint:
    bp = chain(depth)
    return Blueprint((*bp.nodes[:-1], NodeSpec("module")))


def _ring_without_params(size: int) -> Blueprint:
    return Blueprint(
        tuple(NodeSpec("module", (("next", ToNode((i + 1) % size)),)) for i in range(size))
    )


ITER_DEPTH = 5_000
"""Depth of the chain ROB-4 iterates: iter_graph yields a path tuple per node, so even its first
item may cost O(d²) memory (a path per level on the way down); 5,000 levels is five times
CPython's default recursion limit."""


@law("ROB-4", requires=(Capability.POP,), inputs=(), examples=0.01)
def pop_and_iter_graph_have_no_depth_ceiling(t: Target, case: Case) -> None:
    """pop removes every Param of a 100,000-deep chain, a 10,000-node ring and a 100,000-attribute module; iter_graph reaches the bottom of a 5,000-deep chain first.

    Statement: ∀ g ∈ {chain, ring, wide}: pop(g, Param) has |vars(g)| leaves ∧ model(g) == model(g without Variables); first(iter_graph(chain(5_000))) is at ("child",)·4,999 + ("p",)
    Rationale: pop and iter_graph are traversals too, and a recursive one hits the same depth limit; iter_graph is quadratic in its output on a chain by construction (one path per node), hence the shorter chain.
    Seed: graph.py _graph_pop, iter_graph (break: RecursionError, D-1; pop keeps aliases, D-4).
    """
    depth, size, width = _scaled(DEPTH, case), _scaled(RING, case), _scaled(WIDTH, case)
    iter_depth = _scaled(ITER_DEPTH, case)
    x = build(t, chain(iter_depth)).root
    path, _ = next(iter(t.iter_graph(x)))
    require(
        tuple(path) == ("child",) * (iter_depth - 1) + ("p",),
        f"the first item of iter_graph(a {iter_depth}-deep chain) is at a path of {len(path)} keys, but should be "
        f"at the Param at the bottom ({iter_depth} keys)",
    )
    del x, path
    param = TypeFilter("Param")
    shapes = (
        (chain(depth), _chain_without_param(depth), f"a {depth}-deep chain"),
        (ring(size), _ring_without_params(size), f"a {size}-node ring"),
        (wide(width), Blueprint((NodeSpec("module"),)), f"a module with {width} attributes"),
    )
    for bp, emptied, what in shapes:
        x = build(t, bp).root
        popped = t.pop(x, t.make_filter(param))
        count = len(t.flat_state(popped))
        require(
            count == len(bp.variables),
            f"pop({what}, Param) returned {count} leaves, but should return {len(bp.variables)}",
        )
        require_same_model(blueprint_model(emptied), observe(t, x), f"{what} after pop(x, Param)")


# --- threads -------------------------------------------------------------------------------------

THREADS = 8


ITERATIONS = 1_000


SHARED_TAG = "nnxspec-shared"


@functools.lru_cache(maxsize=1)
def busy_graph() -> Blueprint:
    """A small graph with every feature the threads and memory laws exercise: a shared Variable,
    a cycle through a submodule, a list and a dict container, statics (``marker`` among them)."""
    return Blueprint(
        (
            NodeSpec(
                "module",
                (
                    ("p", ToVar(0)),
                    ("sub", ToNode(1)),
                    ("items", ToNode(2)),
                    ("table", ToNode(3)),
                    ("marker", ToStatic(0)),
                ),
            ),
            NodeSpec("module", (("q", ToVar(1)), ("shared", ToVar(0)), ("parent", ToNode(0)))),
            NodeSpec("list", ((0, ToVar(2)), (1, ToStatic("s")))),
            NodeSpec("dict", (("a", ToVar(3)), ("b", ToNode(1)))),
        ),
        (
            VarSpec(shape=(2,)),
            VarSpec(seed=3),
            VarSpec(type="BatchStat", seed=5),
            VarSpec(seed=7, metadata=(("tag", "red"),)),
        ),
    )


def _marker(t: Target, x: object) -> object:
    return next((v for k, v in t.inspect(x).entries if k == "marker"), None)


def _looked_up(
    t: Target, tag: str, ctx: object, x: object, inner: Callable[[object], None], where: str
) -> None:
    """The protocol as a transform runs it: every step finds its context with
    ``current_update_context(tag)``, which must be this thread's own ``ctx``."""

    def current() -> object:
        found = t.current_update_context(tag)
        require(
            found is ctx,
            f"{where}: current_update_context({tag!r}) returned another thread's context",
        )
        return found

    gd, s = t.ctx_split(current(), x)
    y = t.ctx_merge(current(), gd, s)
    inner(y)
    gd, s = t.ctx_split(current(), y)
    require(
        t.ctx_merge(current(), gd, s) is x,
        f"{where}: the outer merge did not return this thread's x",
    )


def _thread_body(
    t: Target,
    i: int,
    iterations: int,
    start: threading.Barrier,
    stop: threading.Event,
    expected_after: Callable[[int, int], Model],
) -> None:
    """Thread ``i``: split / merge its own graph and run the protocol under its own tag and the
    shared tag, checking after every iteration that only its own changes arrived."""
    x = build(t, busy_graph()).root
    own_tag = f"nnxspec-thread-{i}"
    start.wait(timeout=60)
    for k in range(iterations):
        if stop.is_set():
            return
        marker = i * 1_000_000 + k
        gd, s = t.split(x)
        y = t.merge(gd, s)
        require(
            _marker(t, y) == _marker(t, x),
            f"thread {i}, iteration {k}: merge(*split(x)) has marker "
            f"{_marker(t, y)!r}, but x has {_marker(t, x)!r}",
        )
        with t.update_context(own_tag) as own:
            with t.update_context(SHARED_TAG) as shared:
                _looked_up(
                    t,
                    SHARED_TAG,
                    shared,
                    x,
                    lambda y: t.set_attr(y, "marker", marker),  # noqa: B023 (called at once)
                    f"thread {i}, iteration {k}",
                )
            _looked_up(
                t,
                own_tag,
                own,
                x,
                lambda y: run(t, y, (TransformValues("add_one"),)),
                f"thread {i}, iteration {k}",
            )
        require(
            _marker(t, x) == marker,
            f"thread {i}, iteration {k}: x.marker is {_marker(t, x)!r} after its own "
            f"protocol, but should be {marker} (another thread's change arrived?)",
        )
        if k % 100 == 0 or k == iterations - 1:
            require_same_model(
                expected_after(marker, k + 1),
                observe(t, x),
                f"thread {i}'s x after {k + 1} iterations",
            )


@law("ROB-5", requires=(Capability.UPDATE_CONTEXT,), inputs=(), examples=0.01)
def threads_do_not_cross_talk(t: Target, case: Case) -> None:
    """8 threads, each running 1,000 iterations of split / merge and of the update-context protocol under its own tag and under one tag they all share, see only their own changes and never fail.

    Statement: ∀ thread i, iteration k: marker(xᵢ) = (i, k) ∧ values(xᵢ) = values₀ + k + 1 ∧ no call raises (contexts are per thread)
    Rationale: data loaders, multi-host drivers and servers call transforms from several threads; a context shared by accident mixes their models.
    Seed: graph.py GraphContext(threading.local) (holds).
    """
    iterations = max(10, int(ITERATIONS * case.scale))
    m0 = observe(t, build(t, busy_graph()).root)
    bumps: dict[int, Model] = {}

    def expected_after(marker: int, bumped: int) -> Model:
        if bumped not in bumps:  # values after `bumped` add_one steps; shared between threads
            bumps[bumped] = semantics.apply(m0, (TransformValues("add_one"),) * bumped)
        return semantics.apply(bumps[bumped], (SetStatic((), "marker", marker),))

    start, stop = threading.Barrier(THREADS), threading.Event()
    errors: list[tuple[int, BaseException]] = []

    def body(i: int) -> None:
        try:
            _thread_body(t, i, iterations, start, stop, expected_after)
        except BaseException as e:  # any failure of any thread is the law's failure
            errors.append((i, e))
            stop.set()

    workers = [
        threading.Thread(target=body, args=(i,), daemon=True, name=f"nnxspec-{i}")
        for i in range(THREADS)
    ]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(
        1e-5
    )  # switch threads every few bytecodes: races show up, not just in theory
    try:
        for w in workers:
            w.start()
        deadline = time.monotonic() + 600
        for w in workers:
            w.join(timeout=max(0.0, deadline - time.monotonic()))
    finally:
        sys.setswitchinterval(interval)
    stuck = [w.name for w in workers if w.is_alive()]
    stop.set()
    require(
        not stuck,
        f"threads {stuck} did not finish {iterations} iterations within 600 s (a deadlock?)",
    )
    if errors:
        i, e = errors[0]
        if isinstance(e, LawViolation):
            raise e
        raise LawViolation(f"thread {i} raised {type(e).__name__}: {e}") from e


# --- leaks ---------------------------------------------------------------------------------------


class _Exit(Exception):
    pass


def _weak(t: Target, x: object) -> list[weakref.ref[object]]:
    """Weak references to every graph node and Variable of ``x`` (objects that take none skipped)."""
    _, nodes, variables = observe_objects(t, x)
    out = []
    for o in (*nodes, *variables):
        if t.classify(o) in ("graph", "variable"):
            with contextlib.suppress(TypeError):
                out.append(weakref.ref(o))
    return out


def _partial_protocol(
    t: Target,
    bp: Blueprint,
    steps: int,
    by_exception: bool,
    weak: list[weakref.ref[object]],
    contexts: list[object],
) -> None:
    """Run the first ``steps`` calls of the protocol and one out-of-order call, then leave the
    context normally or by an exception; every object made is watched through ``weak``."""
    x = build(t, bp).root
    weak.extend(_weak(t, x))
    with contextlib.suppress(_Exit), t.update_context(TAG) as ctx:
        contexts.append(ctx)
        gd, s = t.ctx_split(ctx, x)
        if steps >= 2:
            y = t.ctx_merge(ctx, gd, s)
            weak.extend(_weak(t, y))
            if steps >= 3:
                t.ctx_split(ctx, y)
        with contextlib.suppress(Exception):  # out of order (ROB-12 checks that it fails)
            t.ctx_split(ctx, x)
        del x
        if by_exception:
            raise _Exit


def _contexts_by_exception(
    t: Target, bp: Blueprint, weak: list[weakref.ref[object]], contexts: list[object]
) -> None:
    """Split in a split_context and merge in a merge_context, each left by an exception."""
    x = build(t, bp).root
    weak.extend(_weak(t, x))
    gd, s = t.split(x)
    with contextlib.suppress(_Exit), t.split_context() as c:
        contexts.append(c)
        t.split_in(c, x)
        raise _Exit
    with contextlib.suppress(_Exit), t.merge_context() as c:
        contexts.append(c)
        weak.extend(_weak(t, t.merge_in(c, gd, s)))
        raise _Exit


@law("ROB-6", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph",))
def contexts_left_early_keep_nothing_alive(t: Target, case: Case) -> None:
    """An update context left after step (1), (2) or (3), normally or by an exception, and after a rejected call, keeps no graph node or Variable of the outer or the inner graph alive; nor do split and merge contexts left by an exception.

    Statement: after exit at any step (by return or raise): ∀ node or Variable o of x and of the inner graph: o is collectable once the caller drops it (weakref + gc)
    Rationale: a transform that raises half-way (a NaN check, a shape error) must not pin the model it was given; UCTX-4 covers the complete protocol.
    Seed: graph.py update_context (deletes its maps on exit; holds on exit, but keeps them after (4), D-11).
    """
    weak: list[weakref.ref[object]] = []
    contexts: list[object] = []  # kept alive on purpose: a live context must not pin the graph
    # Objects older than this check cannot be garbage it makes; frozen, the collection below
    # only walks what the check allocated (a full collection of a big heap takes a second).
    gc.freeze()
    try:
        for steps in (1, 2, 3):
            for by_exception in (False, True):
                _partial_protocol(t, case.graph, steps, by_exception, weak, contexts)
        if Capability.SPLIT_MERGE_CONTEXT in t.capabilities:
            _contexts_by_exception(t, case.graph, weak, contexts)
        gc.collect()
    finally:
        gc.unfreeze()
    alive = [r() for r in weak if r() is not None]
    require(
        not alive,
        f"{len(alive)} graph node(s) or Variable(s) ({', '.join(sorted({type(o).__name__ for o in alive}))}) "
        "are still alive after contexts left early and every graph was dropped, but contexts should hold none",
    )


# --- memory --------------------------------------------------------------------------------------

MEMORY_ITERATIONS = 10_000


MEMORY_LIMIT = 32 * 1024
"""Bytes the traced heap may grow over the measured split / merge iterations (see ROB-7)."""


def _split_merge(t: Target, x: object, n: int) -> None:
    for _ in range(n):
        gd, s = t.split(x)
        t.merge(gd, s)


@law("ROB-7", inputs=(), examples=0.01)
def repeated_split_merge_does_not_grow_memory(t: Target, case: Case) -> None:
    """10,000 split / merge round trips of one graph (after a tenth as many to warm caches) leave the Python heap at most 32 KiB larger, and the graph as it was.

    Statement: n = 10_000: traced(after n × merge(*split(x))) − traced(before) ≤ 32 KiB ∧ model(x) unchanged
    Rationale: a training loop splits and merges every step; anything kept per call (a cache keyed by id, a growing registry) is a leak. The limit is 16 × the growth measured on the reference and flax (< 2 KiB, the measurement's own objects), and below what one leaked small object per call (≥ 33 bytes × 1,000 calls in the dev profile's tenth) adds.
    Seed: graph.py split / merge (holds).
    """
    n = max(1_000, int(MEMORY_ITERATIONS * case.scale))
    x = build(t, busy_graph()).root
    expected = observe(t, x)
    _split_merge(t, x, max(100, n // 10))
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        _split_merge(t, x, n)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - base
        top = tracemalloc.take_snapshot().statistics("lineno")[:3] if grown > MEMORY_LIMIT else []
    finally:
        tracemalloc.stop()
    require(
        grown <= MEMORY_LIMIT,
        f"{n} split / merge round trips grew the traced heap by {grown:,} bytes, "
        f"more than {MEMORY_LIMIT:,} (largest: {'; '.join(str(s) for s in top)})",
    )
    require_same_model(expected, observe(t, x), f"x after {n} split / merge round trips")


# --- ROB-8: merge -------------------------------------------------------------------------------


@law("ROB-8", inputs=("graph", "other", "hostile_state"), examples=2)
def merge_survives_hostile_states(t: Target, case: Case) -> None:
    """merge with a hostile state (missing, extra, renamed or odd keys; wrong nesting; a leaf for a subgraph or a static; a mapping for a leaf; another graph's GraphDef; a bare NodeRef) fails as the oracle says, naming the place, and changes nothing; or builds exactly the oracle's graph.

    Statement: s = edits(state(g)); merge(gd, *s) ≅ hostile.merge(tokens(gd), *s), or raises (naming p ∈ faults) ∧ x, y, s, gd unchanged
    Rationale: a checkpoint that does not fit the model must be refused with a pointer to the mismatch, never half-loaded or loaded by position.
    Seed: graph.py _graph_unflatten (mostly holds; bare KeyError / AssertionError on some inputs, D-14, D-15).
    """
    op = hostile_op(case, HostileState())
    x = build_case(t, case).root
    y = build_optional(t, case.other) if "other" in (op.source, op.graphdef) else None
    source = y if op.source == "other" and y is not None else x
    m_source = observe(t, source)
    entries, touched = corrupt(m_source, semantics.state(m_source), op.edits)
    parts = split_parts(entries, op.parts)
    # a bare NodeRef GraphDef exists only for a graph-node root: a pytree root is flattened again
    # in the context (its graph nodes becoming references), so such a case merges its own GraphDef
    noderef = op.graphdef == "noderef" and observe(t, x).root.kind == "graph"
    if noderef:
        gd, _ = noderef_graphdef(t, x)
        tokens = NODEREF_TOKENS
    else:
        owner = y if op.graphdef == "other" and y is not None else x
        gd, tokens = t.graphdef(owner), semantics.graphdef_tokens(observe(t, owner))
    expected, verdict = verdict_of(lambda: oracle.merge(tokens, *parts))
    what = f"merge(gd, *s) with {describe(op)}"
    try:
        states = [make_state(t, part) for part in parts]
    except (TypeError, ValueError, KeyError) as e:
        require(
            verdict is not None,
            f"the target cannot hold the state of a valid merge: {type(e).__name__}: {e}",
        )
        return  # the State itself refuses the hostile keys: a documented rejection
    inputs = CallInputs(t, [g for g in (x, y) if g is not None], states)
    gd_tokens = t.graphdef_tokens(gd)
    if verdict is not None:
        touched = (*touched, *(e.path for e in oracle.merge_faults(tokens, *parts)))
        expect_failure(t, lambda: t.merge(gd, *states), verdict, what, touched)
        if noderef:

            def in_context() -> object:
                with t.merge_context() as c:
                    return t.merge_in(c, gd, *states)

            expect_failure(t, in_context, verdict, f"{what} (in a merge_context)", touched)
        inputs.require_unchanged(what)
        require_same_tokens(gd_tokens, t.graphdef_tokens(gd), f"the GraphDef after a failed {what}")
        return
    assert expected is not None  # sanity check: no verdict means a model
    result = t.merge(gd, *states)
    same_model_guarded(expected, lambda: observe_root(t, result), what)
    inputs.require_unchanged(what)


# --- ROB-9: update ------------------------------------------------------------------------------


@law("ROB-9", inputs=("graph", "other", "hostile_state"), examples=2)
def update_survives_hostile_states(t: Target, case: Case) -> None:
    """update with a hostile state (missing, extra, renamed or odd keys; wrong nesting; a leaf for a subgraph or a static; a mapping for a leaf; another graph's state) fails as the oracle says, naming the place, and changes nothing; or does exactly what the oracle says.

    Statement: s = edits(state(g) + 1); update(x, *s) ⟹ model(x) == hostile.update(model(x₀), *s), or raises (naming p ∈ faults) ∧ x, s unchanged
    Rationale: a failed update that applied half the state leaves a model nobody can reason about.
    Seed: graph.py _graph_update_dynamic (not atomic, D-2; stores VariableStates, D-6; bare errors, D-14).
    """
    op = hostile_op(case, HostileState())
    x = build_case(t, case).root
    m = observe(t, x)
    y = build_optional(t, case.other) if op.source == "other" else None
    if y is not None:
        m_source = observe(t, y)
        flat: FlatState = semantics.state(m_source)
    else:
        m_source = m
        flat = tuple((p, semantics.transformed(v, "add_one")) for p, v in semantics.state(m))
    entries, touched = corrupt(m_source, flat, op.edits)
    parts = split_parts(entries, op.parts)
    mutable_dicts = Capability.PYTREE_DICTS_ARE_MUTABLE in t.capabilities
    expected, verdict = verdict_of(lambda: oracle.update(m, *parts, mutable_dicts=mutable_dicts))
    what = f"update(x, *s) with {describe(op)}"
    try:
        states = [make_state(t, part) for part in parts]
    except (TypeError, ValueError, KeyError) as e:
        require(
            verdict is not None,
            f"the target cannot hold the state of a valid update: {type(e).__name__}: {e}",
        )
        return
    inputs = CallInputs(t, [g for g in (x, y) if g is not None], states)
    if verdict is not None:
        touched = (
            *touched,
            *(e.path for e in oracle.update_faults(m, *parts, mutable_dicts=mutable_dicts)),
        )
        expect_failure(t, lambda: t.update(x, *states), verdict, what, touched)
        inputs.require_unchanged(what)
        return
    assert expected is not None  # sanity check: no verdict means a model
    given = CallInputs(t, [], states)
    t.update(x, *states)
    same_model_guarded(expected, lambda: observe_root(t, x), f"x after {what}")
    given.require_unchanged(what)


# --- ROB-13 .. ROB-19: hostile graphs, one fault each ------------------------------------------


@law(
    "ROB-13",
    requires=(Capability.ARRAY_ATTRIBUTES_ARE_ERRORS,),
    inputs=("module_graph", "array_attribute"),
    examples=2,
)
def array_attributes_are_refused(t: Target, case: Case) -> None:
    """split, graphdef, state and clone refuse an array attribute, naming it, and change nothing.

    Statement: node.zz_array = array (or node.zz_box = {"zz_array": array})  ⟹  ∀ op ∈ {split,
    graphdef, state, clone}: op(x) raises array-attribute naming it ∧ x unchanged
    Rationale: an array outside a Variable is a mistake in a model definition (it would be
    frozen into the GraphDef); it must be reported where it is.
    Seed: graph.py _graph_flatten (ValueError naming the attribute, holds).
    """
    h = plant(t, case, hostile_op(case, ArrayAttribute(0)))
    for what, call in graph_calls(t, h.x, h.what):
        expect_outcome(t, call, oracle.graph_fault("array", h.path), what, h)


@law("ROB-14", inputs=("module_graph", "unhashable_static"), examples=2)
def unhashable_statics_round_trip(t: Target, case: Case) -> None:
    """A graph with an unhashable static round-trips; only hash(graphdef) fails, naming it.

    Statement: node.zz_set = {1, 2} (or in a dict)  ⟹  split, merge, clone == oracle ∧ x
    unchanged ∧ hash(graphdef(x)) raises a TypeError naming an unhashable static
    Rationale: a static need not be hashable until a transform caches on the GraphDef; the
    error then has to say which attribute to fix.
    Seed: graph.py _graph_flatten, GraphDef.__hash__ (a bare TypeError naming nothing, D-12).
    """
    h = plant(t, case, hostile_op(case, UnhashableStatic(0)))
    check_round_trips(t, h.x, h.what)
    check_hash_fails(t, h.x, h.what)


@law("ROB-15", inputs=("module_graph", "orderable_dict_keys"), examples=2)
def orderable_odd_dict_keys_round_trip(t: Target, case: Case) -> None:
    """A dict attribute whose keys are of odd types (None, tuples, floats, bytes, bools) but can
    be ordered round-trips.

    Statement: node.zz_dict = {k: Param, ...}, sorted(keys) defined  ⟹  split, merge, clone ==
    oracle ∧ x unchanged ∧ two GraphDefs of x hash alike (where every static is hashable)
    Rationale: jax sorts dict keys; any keys it can sort are valid pytree keys.
    Seed: graph.py _graph_flatten (holds).
    """
    h = plant(t, case, hostile_op(case, OddDictKeys(0, ("none",))))
    if oracle.keys_fault(h.op.keys, h.path) is not None:
        raise NotApplicable(f"{h.what}: these keys cannot be ordered (ROB-16's input)")
    check_round_trips(t, h.x, h.what)


@law("ROB-16", inputs=("module_graph", "unorderable_dict_keys"), examples=2)
def unorderable_dict_keys_are_refused(t: Target, case: Case) -> None:
    """split, graphdef, state and clone refuse a dict attribute whose keys cannot be ordered
    together, naming it, and change nothing.

    Statement: node.zz_dict = {k: Param, ...}, sorted(keys) raises  ⟹  ∀ op: op(x) raises
    invalid-key naming zz_dict ∧ x unchanged
    Rationale: the canonical order of a node's entries is the order of its keys; keys without
    one have no canonical state, and the bare sort error names no place.
    Seed: graph.py _graph_flatten (a bare TypeError from sorted() naming nothing, D-8).
    """
    h = plant(t, case, hostile_op(case, OddDictKeys(0, ("str", "int"))))
    for what, call in graph_calls(t, h.x, h.what):
        expect_outcome(t, call, oracle.keys_fault(h.op.keys, h.path), what, h)


@law("ROB-17", inputs=("module_graph", "unorderable_node_keys"), examples=2)
def unorderable_registered_node_keys_are_refused(t: Target, case: Case) -> None:
    """split, graphdef, state and clone refuse an instance of a registered node type whose keys
    cannot be ordered together, naming it, and change nothing.

    Statement: node.zz_registered = r, keys(r) ⊇ {str, int}  ⟹  ∀ op: op(x) raises invalid-key
    naming zz_registered ∧ x unchanged
    Rationale: a user-registered graph or pytree node type is sorted like a dict; its keys
    must be checked the same way.
    Seed: graph.py _graph_flatten (a bare TypeError from sorted() naming nothing, D-8).
    """
    h = plant(t, case, hostile_op(case, OddNodeKeys(0)))
    for what, call in graph_calls(t, h.x, h.what):
        expect_outcome(t, call, oracle.keys_fault(h.op.keys, h.path), what, h)


@law("ROB-18", inputs=("module_graph", "pytree_cycle"), examples=2)
def self_containing_pytrees_are_refused(t: Target, case: Case) -> None:
    """split, graphdef, state and clone refuse a list or dict attribute that contains itself,
    naming it, and change nothing.

    Statement: node.zz_cycle = c, c ∋ c (directly or after a graph node)  ⟹  ∀ op: op(x) raises
    pytree-cycle naming the container or the entry through which it contains itself ∧ x
    unchanged
    Rationale: a pytree is a tree; a container that holds itself would be walked forever.
    Seed: graph.py _graph_flatten (RecursionError).
    """
    h = plant(t, case, hostile_op(case, PytreeSelfCycle(0)))
    places = (h.path, (*h.path, h.op.closing))
    for what, call in graph_calls(t, h.x, h.what):
        expect_outcome(t, call, oracle.graph_fault("cycle", h.path), what, h, places)


@law("ROB-19", inputs=("non_node_root",), examples=2)
def non_node_roots_are_refused(t: Target, case: Case) -> None:
    """split, graphdef, state and clone refuse a Variable, an array, an int or a str as the
    root, and change nothing.

    Statement: x ∈ {Variable, array, int, str}  ⟹  ∀ op: op(x) raises not-a-node ∧ the
    Variable is unchanged
    Rationale: passing the wrong object is the commonest mistake; it must read as one.
    Seed: graph.py _graph_flatten (RuntimeError 'this is a bug', D-14).
    """
    op = hostile_op(case, NonNodeRoot())
    x, inputs = non_node_root(t, op)
    for what, call in graph_calls(t, x, f"x a {op.form} (not a node)"):
        expect_outcome(t, call, oracle.graph_fault("root", ()), what, inputs)


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


@law("ROB-11", inputs=("graph", "hostile_filters"), examples=2)
def every_filtering_call_survives_hostile_filters(t: Target, case: Case) -> None:
    """split, state, variables, pop and SplitContext.split with any filters (non-exhaustive, a misplaced `...`, terms that are not filters, none at all) fail as the oracle says and change nothing, or give exactly the oracle's groups.

    Statement: op(x, *fs) == oracle(op)(model(x), fs), failures included (documented) ∧ x unchanged unless op = pop succeeds
    Rationale: every entry point that takes filters must validate them the same way, before it touches anything.
    Seed: filterlib.filters_to_predicates, State.split, graph.py pop (the integer 1 counts as True, D-10; pop is not atomic, D-2).
    """
    op = hostile_op(case, FilterCall("split", case.filters))
    if op.op == "pop":
        need(t, Capability.POP, "pop() is not provided")
    elif op.op == "variables":
        need(t, Capability.VARIABLES, "variables() is not provided")
    elif op.op == "split_context":
        need(t, Capability.SPLIT_MERGE_CONTEXT, "no split_context")
    x = build_case(t, case).root
    m = observe(t, x)
    expected, verdict = filter_oracle(op, m, t)
    what = describe(op)
    try:
        filters = [t.make_filter(f) for f in op.filters]
    except (TypeError, ValueError):
        require(verdict is not None, f"{what}: the target cannot make these valid filters")
        return  # the target rejects the term while it is built: also a documented rejection
    call = functools.partial(filtering_call, t, op.op, x, filters)
    before = snapshot(t, x)
    if verdict is not None:
        expect_failure(t, call, verdict, what)
        unchanged_guarded(t, before, x, what=what)
        return
    result = call()
    if op.op == "pop":
        m_after, groups = cast(tuple[Model, tuple[FlatState, ...]], expected)
        for i, (group, got) in enumerate(zip(groups, states_of(result, len(op.filters)))):
            require_same_state(group, flat_models(t, got), f"{what}[{i}]")
        same_model_guarded(m_after, lambda: observe(t, x), f"x after {what}")
        return
    groups = cast(tuple[FlatState, ...], expected)
    got = (
        cast(tuple[object, ...], result)[1:]
        if op.op in ("split", "split_context")
        else states_of(result, len(groups))
    )
    require(
        len(got) == len(groups),
        f"{what} returned {len(got)} States, but should return {len(groups)}",
    )
    for i, (group, s) in enumerate(zip(groups, got)):
        require_same_state(group, flat_models(t, s), f"{what}[{i}]")
    unchanged_guarded(t, before, x, what=what)


# --- ROB-12: update-context calls in any order -------------------------------------------------


@law(
    "ROB-12",
    requires=(Capability.UPDATE_CONTEXT,),
    inputs=("module_graph", "hostile_calls"),
    examples=2,
)
def context_calls_in_any_order_are_checked(t: Target, case: Case) -> None:
    """Update-context calls in any order (two outer splits, a merge first, a second inner merge, an outer merge without outer indices, calls after exit, a NodeRef GraphDef) fail as the oracle's state machine says and change nothing; the calls that fit the protocol work.

    Statement: ∀ i: calls[i] raises (documented) ⇔ protocol_steps(calls)[i].error ∧ x unchanged; an outer merge returns x ≅ rebuild(x₀)
    Rationale: a transform that gets the protocol wrong must be told at once, not corrupt the caller's model or crash later.
    Seed: graph.py UpdateContext (a second outer split takes the inner branch, use after exit raises AttributeError, D-11).
    """
    op = hostile_op(case, ContextCalls(("split", "merge", "split", "merge")))
    x = build_case(t, case).root
    ref = noderef_graphdef(t, x) if "merge_ref" in op.calls else None
    manager = t.update_context(TAG)
    ctx = manager.__enter__()
    exited = [False]

    def leave() -> None:
        if not exited[0]:
            exited[0] = True
            manager.__exit__(None, None, None)

    try:
        run_calls(t, ctx, x, op.calls, ref, leave)
    except BaseException:
        if not exited[0]:
            exited[0] = True
            manager.__exit__(*sys.exc_info())
        raise
    leave()
