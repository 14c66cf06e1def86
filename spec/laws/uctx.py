"""UCTX: the four-call update-context protocol.

The protocol (seed: ``update_context``), for a transform that runs ``inner`` on a graph::

    (1) gd, s = ctx.split(x)          outside: remember outer objects by index
    (2) y = ctx.merge(gd, s)          inside:  build the inner graph
        inner(y)                      inside:  mutate it (values, statics, structure)
    (3) gd', s' = ctx.split(y)        inside:  map inner objects back to outer indices
    (4) z = ctx.merge(gd', s')        outside: update the outer objects in place

The laws say: ``z is x``; ``x`` ends up exactly as if ``inner`` had run on it directly (pytree
containers rebuilt); every outer object that survives keeps its identity; bookkeeping is dropped
when the protocol ends and on exit; contexts are thread-local; calls out of order are rejected.
The protocol runner the laws share is ``spec.laws._protocol.protocol``.
"""

from __future__ import annotations

import functools
import gc
import threading
import weakref
from collections.abc import Callable
from typing import Any

from spec import semantics
from spec.blueprint import VarSpec
from spec.build import build
from spec.errors import SpecError
from spec.laws._check import (
    build_case,
    expect_failure,
    leaf_model,
    observe_root,
    require,
    require_same_model,
)
from spec.laws._jit import is_hashable, jit_static_graphdef
from spec.laws._protocol import TAG, protocol, tagged_merge, tagged_protocol, tagged_split
from spec.laws._registry import Case, law
from spec.live_program import run
from spec.model import observe, observe_objects, path_str
from spec.program import TransformValues
from spec.target import Capability, Path, Target, live_at


def _survivors(t: Target, x: object, case: Case) -> dict[Path, Path]:
    """Return, for the graph after running the program directly, new first path -> original first
    path of every graph node and Variable that existed before the program."""
    m0, nodes0, vars0 = observe_objects(t, x)
    first_nodes0, first_vars0 = m0.first_paths()
    origin = {id(o): first_nodes0[i] for i, o in enumerate(nodes0) if t.classify(o) == "graph"}
    origin.update({id(v): first_vars0[i] for i, v in enumerate(vars0)})
    run(t, x, case.program)
    m1, nodes1, vars1 = observe_objects(t, x)
    first_nodes1, first_vars1 = m1.first_paths()
    out = {first_nodes1[i]: origin[id(o)] for i, o in enumerate(nodes1) if id(o) in origin}
    out.update({first_vars1[i]: origin[id(v)] for i, v in enumerate(vars1) if id(v) in origin})
    return out


@law("UCTX-1", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph",))
def protocol_returns_the_outer_root(t: Target, case: Case) -> None:
    """The four calls with nothing done inside return the very outer root, unchanged but for rebuilt
    pytree containers.

    Statement: z = protocol(x, inner = id)  ⟹  z is x ∧ model(x) == semantics.rebuild(model(x₀))
    Rationale: a transform that changes nothing must hand back the caller's own object.
    Seed: graph.py update_context docstring (`assert m1 is m3`; holds).
    """
    x = build_case(t, case).root
    expected = semantics.rebuild(observe(t, x))
    with t.update_context(TAG) as ctx:
        z = protocol(t, ctx, x, lambda y: None)
    require(z is x, "step (4) returned a new object, but should return the outer root x itself")
    require_same_model(expected, observe_root(t, x), "x after the protocol")


@law("UCTX-2", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph", "program"))
def protocol_equals_direct_mutation(t: Target, case: Case) -> None:
    """Whatever the inside does to the inner graph (values, statics, new nodes, deletions, new
    sharing, new cycles) happens to the outer graph.

    Statement: protocol(x, inner = run(program))  ⟹  model(x) ==
        semantics.rebuild(semantics.apply(model(x₀), program))
    Rationale: this commuting square is what makes a lifted transform (nnx.jit) behave like plain
        Python.
    Seed: graph.py UpdateContext (holds).
    """
    x = build_case(t, case).root
    expected = semantics.rebuild(semantics.apply(observe(t, x), case.program))
    with t.update_context(TAG) as ctx:
        protocol(t, ctx, x, lambda y: run(t, y, case.program))
    require_same_model(expected, observe_root(t, x), "x after the protocol")


@law("UCTX-3", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph", "program"))
def protocol_keeps_surviving_identities(t: Target, case: Case) -> None:
    """Every outer graph node and Variable that the inside keeps (even at a new path) is the same
    object afterwards.

    Statement: ∀ object o of x₀ still in run(program, x₀) at first path p: x@p is o after the
        protocol
    Rationale: optimizers and other holders of references into the model must stay attached.
    Seed: graph.py UpdateContext.merge (index_ref_cache; holds).
    """
    survivors = _survivors(t, build(t, case.graph).root, case)
    x = build_case(t, case).root
    before = _by_first_path(t, x)
    with t.update_context(TAG) as ctx:
        protocol(t, ctx, x, lambda y: run(t, y, case.program))
    _require_survivors(t, x, before, survivors, "the protocol")


def _by_first_path(t: Target, x: object) -> dict[Path, object]:
    """First path -> live object, for every node and Variable of ``x``."""
    m, nodes, variables = observe_objects(t, x)
    first_nodes, first_vars = m.first_paths()
    by_path = {first_nodes[i]: o for i, o in enumerate(nodes)}
    by_path.update({first_vars[i]: v for i, v in enumerate(variables)})
    return by_path


def _require_survivors(
    t: Target, x: object, before: dict[Path, object], survivors: dict[Path, Path], what: str
) -> None:
    """Every survivor (new first path -> old first path) is at its new path in ``x``."""
    for new_path, old_path in survivors.items():
        require(
            live_at(t, x, new_path) is before[old_path],
            f"x{path_str(new_path)} is a new object after {what}, but should be the "
            f"object that was at x{path_str(old_path)}",
        )


@law("UCTX-4", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph",))
def protocol_drops_its_references(t: Target, case: Case) -> None:
    """Once the protocol is complete, and after the context exits (normally or by an exception), the
    context keeps no graph object alive.

    Statement: after (4) inside the context, and after exit: ∀ object o of x: o is collectable once
        the caller drops x (weakref + gc)
    Rationale: a long-lived context that pins old graphs leaks device memory step after step.
    Seed: graph.py update_context (breaks: (4) sets index_ref again and never clears ref_index,
        D-11).
    """
    refs: dict[bool, list[weakref.ref[object]]] = {}
    contexts: list[object] = []  # kept alive on purpose: a live context must not pin the graph
    for exit_by_exception in (False, True):
        x = build(t, case.graph).root
        weak = refs[exit_by_exception] = [
            weakref.ref(o) for o in observe_objects(t, x)[1] if t.classify(o) == "graph"
        ]
        try:
            with t.update_context(TAG) as ctx:
                contexts.append(ctx)
                protocol(t, ctx, x, lambda y: None)
                del x
                if exit_by_exception:
                    raise _Exit
                gc.collect()
                _require_all_freed(
                    weak,
                    "after step (4) and x was dropped (the context not yet "
                    "exited), but a finished protocol should hold none",
                )
        except _Exit:
            pass
    gc.collect()  # once: graphs with cycles need the cyclic collector, and it is slow
    for exit_by_exception, weak in refs.items():
        _require_all_freed(
            weak,
            f"after the context {'raised' if exit_by_exception else 'exited'} and x was dropped, "
            "but the context should hold none",
        )


def _require_all_freed(weak: list[weakref.ref[object]], when: str) -> None:
    alive = sum(r() is not None for r in weak)
    require(alive == 0, f"{alive} graph node(s) of x are still alive {when}")


class _Exit(Exception):
    pass


@law("UCTX-5", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph",))
def contexts_are_thread_local(t: Target, case: Case) -> None:
    """An update context is visible only in the thread that entered it; each thread runs its own
    protocol.

    Statement: with update_context(tag) in thread A: current_update_context(tag) raises in thread B
        ∧ B's own protocol works
    Rationale: data loaders and multi-host drivers call transforms from several threads at once.
    Seed: graph.py GraphContext(threading.local) (holds).
    """
    outcome: dict[str, object] = {}

    def other_thread() -> None:
        try:
            t.current_update_context(TAG)
            outcome["seen"] = True
        except (ValueError, KeyError, LookupError):
            outcome["seen"] = False
        x2 = build(t, case.graph).root
        with t.update_context(TAG) as ctx2:
            outcome["same"] = protocol(t, ctx2, x2, lambda y: None) is x2

    with t.update_context(TAG):
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    require(
        outcome.get("seen") is False,
        "another thread sees this thread's update context, but contexts should be thread-local",
    )
    require(outcome.get("same") is True, "a protocol in another thread did not return its own root")


@law("UCTX-6", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph",))
def protocol_rejects_calls_out_of_order(t: Target, case: Case) -> None:
    """A merge before any split, or a second outer split before the inner merge, raises a documented
    error.

    Statement: ctx.merge(...) as the first call raises ∧ ctx.split(x); ctx.split(x) raises ∧ a
        merge in merge_context(tag), for step (2) or (4), as the first call raises
    Rationale: out-of-order calls silently take the wrong branch of the protocol and corrupt the
        outer graph.
    Seed: graph.py UpdateContext (breaks: a second outer split silently takes the inner-split
        branch, D-11).
    """
    x = build_case(t, case).root
    gd, s = t.split(x)
    with t.update_context(TAG) as ctx:
        expect_failure(
            t,
            lambda: t.ctx_merge(ctx, gd, s),
            SpecError("context-order"),
            "ctx.merge before ctx.split",
        )
    with t.update_context(TAG) as ctx:
        t.ctx_split(ctx, x)
        expect_failure(
            t, lambda: t.ctx_split(ctx, x), SpecError("context-order"), "a second outer ctx.split"
        )
    if Capability.SPLIT_MERGE_CONTEXT not in t.capabilities:
        return
    for inside in (False, True):
        step = "step (2)" if inside else "step (4)"
        with t.update_context(TAG):
            expect_failure(
                t,
                functools.partial(tagged_merge, t, gd, s, inside=inside),
                SpecError("context-order"),
                f"merge_context(tag) for {step} before any split_context(tag)",
            )


@law("UCTX-7", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph", "program"))
def decorator_form_runs_the_protocol(t: Target, case: Case) -> None:
    """update_context(tag) used as a decorator activates a context for the call, reachable with
    current_update_context.

    Statement: @update_context(tag) g runs protocol(x, run(program)) via current_update_context(tag)
        ⟹ as UCTX-2
    Rationale: the decorator is how library transforms wrap user functions.
    Seed: graph.py update_context docstring, second example (holds).
    """
    x = build_case(t, case).root
    expected = semantics.rebuild(semantics.apply(observe(t, x), case.program))

    def body() -> object:
        return protocol(t, t.current_update_context(TAG), x, lambda y: run(t, y, case.program))

    z = t.update_context_decorator(TAG)(body)()
    require(z is x, "the decorated protocol returned a new object, but should return x")
    require_same_model(expected, observe_root(t, x), "x after the decorated protocol")


@law("UCTX-8", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph",))
def nested_contexts_stack(t: Target, case: Case) -> None:
    """Nested contexts with one tag stack: the innermost is current, and the outer one is current
    again after it exits.

    Statement: with ctx_a: with ctx_b: current(tag) is ctx_b; then current(tag) is ctx_a; after
        both, current(tag) raises
    Rationale: a transform inside a transform of the same kind must find its own context.
    Seed: graph.py UpdateContextManager (holds).
    """
    with t.update_context(TAG) as outer:
        with t.update_context(TAG) as inner:
            require(
                t.current_update_context(TAG) is inner,
                "inside nested contexts the current one is not the innermost",
            )
        require(
            t.current_update_context(TAG) is outer,
            "after the inner context exits the outer one is not current again",
        )
    expect_failure(
        t,
        lambda: t.current_update_context(TAG),
        SpecError("no-context", ("nnxspec",)),
        "current_update_context after exit",
    )


@law(
    "UCTX-9",
    requires=(Capability.UPDATE_CONTEXT, Capability.JIT),
    inputs=("module_graph", "program"),
)
def protocol_survives_a_jit_cache_hit(t: Target, case: Case) -> None:
    """When jax.jit's cache skips the inside (a cache hit runs steps (1) and (4) only), the outer
    graph is still updated in place as if the program had run on it, every survivor keeping its
    identity.

    Statement: step = jit(λ gd, s: (2) run(program) (3), static gd); protocol(x₁, step);
        protocol(x₂, step) with x₂ = f_values(build(g))  ⟹  traces(step) == 1 ∧ z₂ is x₂ ∧
        model(x₂) == semantics.rebuild(semantics.apply(model(x₂₀), program)) ∧ survivors keep
        their identity (as UCTX-3) ∧ x₂ and x₁ share no graph node or Variable
    Rationale: nnx.jit's second call reuses the trace, so step (4) alone must rebuild the inside's
        effect from the cached GraphDef and the new state, on the caller's own objects.
    Seed: graph.py UpdateContext.merge (the outer merge reads index_mapping from the GraphDef the
        trace returned; holds).
    """
    _require_cache_hit_updates_x(
        t,
        case,
        lambda ctx, x: t.ctx_split(ctx, x),
        lambda ctx, gd, s, inside: t.ctx_merge(ctx, gd, s),
        "the protocol",
    )


Split = Callable[[object, object], tuple[object, ...]]
"""A protocol step that splits: ``(update context, graph) -> (graphdef, state)``."""
Merge = Callable[[object, object, object, bool], object]
"""A protocol step that merges: ``(update context, graphdef, state, inside) -> graph``."""


def _require_cache_hit_updates_x(
    t: Target, case: Case, split: Split, merge: Merge, what: str
) -> None:
    """Run ``what`` (its steps ``split`` and ``merge``) on two graphs of one structure through
    one jitted inside; the second call, a cache hit, must update its graph as UCTX-9 says."""
    x1 = build_case(t, case).root
    if not is_hashable(t.split(x1)[0]):
        return  # an unhashable static attribute; ERR-6 covers it
    x2 = build(t, case.graph).root
    run(t, x2, (TransformValues("add_one"),))
    expected = semantics.rebuild(semantics.apply(observe(t, x2), case.program))
    survivors = _survivors(t, build(t, case.graph).root, case)
    before = _by_first_path(t, x2)
    traces: list[int] = []

    def inside(gd: object, s: object) -> tuple[object, ...]:
        traces.append(1)
        ctx = t.current_update_context(TAG)
        y = merge(ctx, gd, s, True)
        run(t, y, case.program)
        return split(ctx, y)

    step = jit_static_graphdef(inside)
    for x in (x1, x2):
        with t.update_context(TAG) as ctx:
            gd, s = split(ctx, x)
            gd2, s2 = step(gd, s)
            z = merge(ctx, gd2, s2, False)
    require(
        len(traces) == 1,
        f"the jitted inside traced {len(traces)} times for two graphs of one structure, but "
        "should trace once (the second call a cache hit)",
    )
    require(z is x2, f"step (4) of {what} after a cache hit returned a new object, not x")
    require_same_model(expected, observe_root(t, x2), f"x after {what} on a jit cache hit")
    _require_survivors(t, x2, before, survivors, f"{what} on a jit cache hit")
    shared = _tracked(t, x1) & _tracked(t, x2)
    require(
        not shared,
        f"x and the graph of the first call share {len(shared)} graph node(s) or Variable(s) "
        f"after a cache hit of {what}, but the objects the inside creates should be new for "
        "each call",
    )


def _tracked(t: Target, x: object) -> set[int]:
    """The ids of the graph nodes and Variables of ``x``."""
    _, nodes, variables = observe_objects(t, x)
    return {id(o) for o in nodes if t.classify(o) == "graph"} | {id(v) for v in variables}


@law(
    "UCTX-10",
    requires=(Capability.UPDATE_CONTEXT, Capability.SPLIT_MERGE_CONTEXT),
    inputs=("module_graph", "program"),
)
def tagged_contexts_run_the_protocol(t: Target, case: Case) -> None:
    """The four calls made as nnx's transforms make them, each in a split_context(tag) or
    merge_context(tag) inside update_context(tag), keep the protocol's promises.

    Statement: z = tagged_protocol(x, inner = run(program))  ⟹  z is x ∧ model(x) ==
        semantics.rebuild(semantics.apply(model(x₀), program)) ∧ survivors keep their identity
        (as UCTX-3)
    Rationale: a transform reaches the update context through tagged split and merge contexts,
        not through the context's own methods; the tag must lead each step to the same
        bookkeeping (the outer indices stamped in step (3), the outer objects reused in step (4)).
    Seed: graph.py SplitContext.split / MergeContext.merge with a ctxtag, flatten_end /
        unflatten_end at the contexts' exit (holds).
    """
    survivors = _survivors(t, build(t, case.graph).root, case)
    x = build_case(t, case).root
    before = _by_first_path(t, x)
    expected = semantics.rebuild(semantics.apply(observe(t, x), case.program))
    with t.update_context(TAG):
        z = tagged_protocol(t, x, lambda y: run(t, y, case.program))
    require(z is x, "step (4) returned a new object, but should return the outer root x itself")
    require_same_model(expected, observe_root(t, x), "x after the tagged protocol")
    _require_survivors(t, x, before, survivors, "the tagged protocol")
    if Capability.JIT in t.capabilities:
        _require_cache_hit_updates_x(
            t,
            case,
            lambda ctx, x: tagged_split(t, x),
            lambda ctx, gd, s, inside: tagged_merge(t, gd, s, inside=inside),
            "the tagged protocol",
        )


@law("UCTX-11", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph",))
def step4_takes_metadata_and_raw_values_into_outer_variables(t: Target, case: Case) -> None:
    """Step (4) writes into the outer Variables the metadata the inside set and a raw value
    standing where step (3) put a state leaf, keeping each Variable's identity.

    Statement: x.zz_m, x.zz_r Variables; inside: y.zz_m.nnxspec_probe = 1; step (4) given step
        (3)'s state with zz_r's leaf replaced by its value + 1  ⟹  x.zz_m is the same Variable,
        with nnxspec_probe = 1 ∧ x.zz_r is the same Variable, its value + 1, its metadata kept
    Rationale: a transform's inside changes metadata (sharding names, collections), and a state
        that went through a pure-dict conversion comes back with raw values; either lost at
        step (4) leaves the caller's model stale.
    Seed: graph.py _graph_unflatten with an index_ref_cache (update_from_state for a
        VariableState, raw_value = value for a raw leaf; holds).
    """
    x = build_case(t, case).root
    zz_m, zz_r = t.new_variable(VarSpec(seed=4)), t.new_variable(VarSpec(seed=6))
    t.set_attr(x, "zz_m", zz_m)
    t.set_attr(x, "zz_r", zz_r)
    before = leaf_model(t, zz_r)

    def inner(y: object) -> None:
        t.set_metadata(live_at(t, y, ("zz_m",)), "nnxspec_probe", 1)

    def raw_at_zz_r(inside: Callable[[object, object], tuple[object, ...]]) -> Any:
        def run_inside(gd: object, s: object) -> tuple[object, ...]:
            gd2, s2 = inside(gd, s)
            items = [
                (p, _plus_one(t.leaf_view(leaf).value) if tuple(p) == ("zz_r",) else leaf)
                for p, leaf in t.flat_state(s2)
            ]
            return gd2, t.make_state(items)

        return run_inside

    with t.update_context(TAG) as ctx:
        protocol(t, ctx, x, inner, raw_at_zz_r)
    for key, was in (("zz_m", zz_m), ("zz_r", zz_r)):
        now = live_at(t, x, (key,))
        require(now is was, f"x.{key} after step (4) is a new {type(now).__name__}")
    found = leaf_model(t, zz_m).metadata
    require(
        dict(found).get("nnxspec_probe") == 1,
        f"x.zz_m's metadata after step (4) is {found}, but should hold nnxspec_probe = 1, set"
        " inside",
    )
    want = semantics.transformed(before, "add_one")
    got = leaf_model(t, zz_r)
    require(
        got == want,
        f"x.zz_r after step (4) given its raw value + 1 is {got.describe()}, but should be"
        f" {want.describe()}",
    )


def _plus_one(value: object) -> object:
    """``value + 1`` as a numpy array (a 0-d one for a scalar, not a numpy scalar)."""
    import numpy as np

    return np.asarray(np.asarray(value) + 1)
