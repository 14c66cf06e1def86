"""The built-in inputs and the machinery of the size, thread, leak and memory laws (ROB-1 ..
ROB-7): deep chains, long rings, wide modules and a busy graph, each law's traversal or run, the
threads of ROB-5, the contexts ROB-6 leaves early, the heap growth ROB-7 measures.

These laws use built-in inputs (``inputs=()``): the sizes are the point, not the shapes.  State
paths are tuples, so a Variable at depth d costs O(d) just to name; the deep shapes therefore
carry few Variables (at the bottom of the chain, every 100th node of the ring), which keeps the
inputs linear in size while every traversal still has to go all the way down.
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

from spec import semantics
from spec.blueprint import Blueprint, NodeSpec, ToNode, ToStatic, ToVar, VarSpec
from spec.build import blueprint_model, build
from spec.errors import LawViolation
from spec.filters import TypeFilter
from spec.laws._check import flat_models, require, require_same_model
from spec.laws._protocol import TAG
from spec.laws._registry import Case
from spec.live_program import run
from spec.model import Model, observe, observe_objects
from spec.program import SetStatic, TransformValues
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


def scaled(size: int, case: Case) -> int:
    """Return ``size`` times the case's scale (the dev profile checks a tenth of each size)."""
    return max(2, int(size * case.scale))


def survives_every_operation(t: Target, bp: Blueprint, what: str, *, iterate: bool = True) -> None:
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


def iter_graph_reaches_the_bottom_first(t: Target, depth: int) -> None:
    """The first item iter_graph yields on a ``depth``-deep chain is the Param at its bottom."""
    x = build(t, chain(depth)).root
    path, _ = next(iter(t.iter_graph(x)))
    require(
        tuple(path) == ("child",) * (depth - 1) + ("p",),
        f"the first item of iter_graph(a {depth}-deep chain) is at a path of {len(path)} keys, "
        f"but should be at the Param at the bottom ({depth} keys)",
    )


def pop_shapes(case: Case) -> list[tuple[Blueprint, Blueprint, str]]:
    """ROB-4's graphs: (graph, the graph without its Variables, its name)."""
    depth, size, width = scaled(DEPTH, case), scaled(RING, case), scaled(WIDTH, case)
    return [
        (chain(depth), _chain_without_param(depth), f"a {depth}-deep chain"),
        (ring(size), _ring_without_params(size), f"a {size}-node ring"),
        (wide(width), Blueprint((NodeSpec("module"),)), f"a module with {width} attributes"),
    ]


def pop_takes_every_param(t: Target, bp: Blueprint, emptied: Blueprint, what: str) -> None:
    """pop(x, Param) returns every Variable of ``bp`` and leaves x as ``emptied``."""
    x = build(t, bp).root
    count = len(t.flat_state(t.pop(x, t.make_filter(TypeFilter("Param")))))
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


def expected_after(m0: Model) -> Callable[[int, int], Model]:
    """The model of a thread's graph (``m0`` at first) after ``bumped`` iterations, the last
    setting ``marker``; the value bumps are computed once and shared between threads."""
    bumps: dict[int, Model] = {}

    def after(marker: int, bumped: int) -> Model:
        if bumped not in bumps:
            bumps[bumped] = semantics.apply(m0, (TransformValues("add_one"),) * bumped)
        return semantics.apply(bumps[bumped], (SetStatic((), "marker", marker),))

    return after


def run_threads(
    t: Target, iterations: int, after: Callable[[int, int], Model]
) -> tuple[list[str], list[tuple[int, BaseException]]]:
    """Run THREADS threads of ``iterations`` each, switching every few bytecodes (so races show
    up, not just in theory); return the threads still running after 600 s and every failure."""
    start, stop = threading.Barrier(THREADS), threading.Event()
    errors: list[tuple[int, BaseException]] = []

    def body(i: int) -> None:
        try:
            _thread_body(t, i, iterations, start, stop, after)
        except BaseException as e:  # any failure of any thread is the law's failure
            errors.append((i, e))
            stop.set()

    workers = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(THREADS)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        for w in workers:
            w.start()
        deadline = time.monotonic() + 600
        for w in workers:
            w.join(timeout=max(0.0, deadline - time.monotonic()))
    finally:
        sys.setswitchinterval(interval)
    stop.set()
    return [f"thread {i}" for i, w in enumerate(workers) if w.is_alive()], errors


def first_failure(errors: list[tuple[int, BaseException]]) -> LawViolation | None:
    """The first thread's failure as a violation (None if no thread failed)."""
    if not errors:
        return None
    i, e = errors[0]
    return e if isinstance(e, LawViolation) else LawViolation(f"thread {i} raised {e!r}")


# --- leaks ---------------------------------------------------------------------------------------


class _Exit(Exception):
    pass


def _weak(t: Target, x: object) -> list[weakref.ref[object]]:
    """Weak references to every graph node and Variable of ``x`` (objects taking none skipped)."""
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


def left_early_everywhere(t: Target, graph: Blueprint) -> list[object]:
    """Leave update contexts after step (1), (2) or (3), normally and by an exception (and split
    and merge contexts by an exception), drop every graph; return the objects still alive."""
    weak: list[weakref.ref[object]] = []
    contexts: list[object] = []  # kept alive on purpose: a live context must not pin the graph
    # Objects older than this check cannot be garbage it makes; frozen, the collection below
    # only walks what the check allocated (a full collection of a big heap takes a second).
    gc.freeze()
    try:
        for steps in (1, 2, 3):
            for by_exception in (False, True):
                _partial_protocol(t, graph, steps, by_exception, weak, contexts)
        if Capability.SPLIT_MERGE_CONTEXT in t.capabilities:
            _contexts_by_exception(t, graph, weak, contexts)
        gc.collect()
    finally:
        gc.unfreeze()
    return [o for o in (r() for r in weak) if o is not None]


# --- memory --------------------------------------------------------------------------------------

MEMORY_ITERATIONS = 10_000


MEMORY_LIMIT = 32 * 1024
"""Bytes the traced heap may grow over the measured split / merge iterations (see ROB-7)."""


def split_merge(t: Target, x: object, n: int) -> None:
    """``n`` round trips ``merge(*split(x))``."""
    for _ in range(n):
        gd, s = t.split(x)
        t.merge(gd, s)


def context_split_merge(t: Target, x: object, n: int) -> None:
    """``n`` round trips of ``x`` through a ``split_context`` and a ``merge_context``."""
    for _ in range(n):
        with t.split_context() as c:
            gd, s = t.split_in(c, x)
        with t.merge_context() as c:
            t.merge_in(c, gd, s)


def heap_growth(
    t: Target,
    x: object,
    n: int,
    round_trips: Callable[[Target, object, int], None] = split_merge,
) -> tuple[int, str]:
    """The traced heap's growth over ``n`` round trips of ``x`` (``split_merge``, or another
    ``round_trips``; after a tenth as many to warm caches), and its largest sources when it is
    over MEMORY_LIMIT."""
    round_trips(t, x, max(100, n // 10))
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        round_trips(t, x, n)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - base
        top = tracemalloc.take_snapshot().statistics("lineno")[:3] if grown > MEMORY_LIMIT else []
    finally:
        tracemalloc.stop()
    return grown, "; ".join(str(s) for s in top)
