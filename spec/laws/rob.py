"""ROB: no depth ceiling, no size cliff, no cross-talk, no leak; hostile inputs refused cleanly.

ROB-1 .. ROB-7 use built-in inputs (``inputs=()``: deep chains, long rings, wide modules, a busy
graph); their inputs and machinery live in ``spec.laws._stress``.

Hostile inputs (ROB-8 and on): each law takes one hostile operation (``spec.hostile``, drawn by
``strategies``) and states the outcome the oracle (``spec.semantics.hostile``) gives it, through
one rule, ``expect_outcome`` (``spec.laws._hostile``): where the oracle says the operation fails,
the target must raise a documented error (a ValueError, TypeError or KeyError, never an
AssertionError, RecursionError or AttributeError) whose message names a key of a place at fault
(the oracle's path, or one the hostile edit touched), and every input (graphs, States, GraphDef)
must be exactly as before: same models, same objects.  Where the oracle says it succeeds, the
result must be the oracle's.  A hang shows as the runner's timeout, a crash as a dead worker:
neither is ever a pass.
"""

from __future__ import annotations

import functools
from typing import cast

from spec.build import build
from spec.errors import NotApplicable
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
    describe,
)
from spec.laws._check import build_case, need, require, require_same_model
from spec.laws._hostile import (
    ENTRY_POINTS,
    CallInputs,
    OpenContext,
    check_hash_fails,
    check_round_trips,
    expect_outcome,
    filter_outcome,
    filtering_call,
    graph_calls,
    hostile_merge,
    hostile_op,
    hostile_update,
    merge_in_context,
    merged_as,
    noderef_graphdef,
    non_node_root,
    plant,
    require_filter_result,
    run_calls,
    target_filters,
    target_states,
    updated_as,
)
from spec.laws._registry import Case, law
from spec.laws._stress import (
    DEPTH,
    ITER_DEPTH,
    ITERATIONS,
    MEMORY_ITERATIONS,
    MEMORY_LIMIT,
    RING,
    WIDTH,
    busy_graph,
    chain,
    context_split_merge,
    expected_after,
    first_failure,
    heap_growth,
    iter_graph_reaches_the_bottom_first,
    left_early_everywhere,
    pop_shapes,
    pop_takes_every_param,
    ring,
    run_threads,
    scaled,
    split_merge,
    survives_every_operation,
    wide,
)
from spec.model import observe
from spec.semantics import hostile as oracle
from spec.target import Capability, Target


@law("ROB-1", inputs=(), examples=0.01)
def deep_chains_have_no_depth_ceiling(t: Target, case: Case) -> None:
    """A chain of 100,000 nested modules splits, merges, updates and clones.

    Statement: x = chain(100_000)  ⟹  split, merge, update, clone all succeed,
    merge(*split(x)) ≅ x ≅ clone(x)
    Rationale: recursion limits are an implementation accident, not a semantic boundary.
    Seed: graph.py _graph_flatten / _graph_unflatten (breaks: RecursionError near 490 levels,
    D-1).
    """
    depth = scaled(DEPTH, case)
    survives_every_operation(t, chain(depth), f"a {depth}-deep chain", iterate=False)


@law("ROB-2", inputs=(), examples=0.01)
def long_rings_round_trip(t: Target, case: Case) -> None:
    """A ring of 10,000 modules (each pointing to the next, the last to the first) survives every
    operation.

    Statement: x = ring(10_000)  ⟹  split, merge, update, clone, iter_graph all succeed and
    merge(*split(x)) ≅ x
    Rationale: long cycles (linked structures, unrolled recurrences) hit the same depth limits as
    chains.
    Seed: graph.py (breaks: RecursionError, D-1).
    """
    size = scaled(RING, case)
    survives_every_operation(t, ring(size), f"a {size}-node ring")


@law("ROB-3", inputs=(), examples=0.01)
def wide_modules_round_trip(t: Target, case: Case) -> None:
    """A module with 100,000 Variable attributes survives every operation.

    Statement: x = wide(100_000)  ⟹  split, merge, update, clone, iter_graph all succeed and
    merge(*split(x)) ≅ x
    Rationale: flat parameter dictionaries of large models must not hit quadratic paths.
    Seed: graph.py (holds).
    """
    width = scaled(WIDTH, case)
    survives_every_operation(t, wide(width), f"a module with {width} attributes")


@law("ROB-4", requires=(Capability.POP,), inputs=(), examples=0.01)
def pop_and_iter_graph_have_no_depth_ceiling(t: Target, case: Case) -> None:
    """pop removes every Param of a 100,000-deep chain, a 10,000-node ring and a
    100,000-attribute module; iter_graph reaches the bottom of a 5,000-deep chain first.

    Statement: ∀ g ∈ {chain, ring, wide}: pop(g, Param) has |vars(g)| leaves ∧ model(g) ==
    model(g without Variables); first(iter_graph(chain(5_000))) is at ("child",)·4,999 + ("p",)
    Rationale: pop and iter_graph are traversals too, and a recursive one hits the same depth
    limit; iter_graph is quadratic in its output on a chain by construction (one path per
    node), hence the shorter chain.
    Seed: graph.py _graph_pop, iter_graph (break: RecursionError, D-1; pop keeps aliases, D-4).
    """
    iter_graph_reaches_the_bottom_first(t, scaled(ITER_DEPTH, case))
    for graph, emptied, what in pop_shapes(case):
        pop_takes_every_param(t, graph, emptied, what)


@law("ROB-5", requires=(Capability.UPDATE_CONTEXT,), inputs=(), examples=0.01)
def threads_do_not_cross_talk(t: Target, case: Case) -> None:
    """8 threads, each running 1,000 iterations of split / merge and of the update-context
    protocol under its own tag and under one tag they all share, see only their own changes and
    never fail.

    Statement: ∀ thread i, iteration k: marker(xᵢ) = (i, k) ∧ values(xᵢ) = values₀ + k + 1 ∧
    no call raises (contexts are per thread)
    Rationale: data loaders, multi-host drivers and servers call transforms from several
    threads; a context shared by accident mixes their models.
    Seed: graph.py GraphContext(threading.local) (holds).
    """
    iterations = max(10, int(ITERATIONS * case.scale))
    after = expected_after(observe(t, build(t, busy_graph()).root))
    stuck, errors = run_threads(t, iterations, after)
    require(not stuck, f"{stuck} did not finish {iterations} iterations in 600 s (a deadlock?)")
    failure = first_failure(errors)
    if failure is not None:
        raise failure


@law("ROB-6", requires=(Capability.UPDATE_CONTEXT,), inputs=("module_graph",))
def contexts_left_early_keep_nothing_alive(t: Target, case: Case) -> None:
    """An update context left after step (1), (2) or (3), normally or by an exception, and after
    a rejected call, keeps no graph node or Variable of the outer or the inner graph alive; nor
    do split and merge contexts left by an exception.

    Statement: after exit at any step (by return or raise): ∀ node or Variable o of x and of the
    inner graph: o is collectable once the caller drops it (weakref + gc)
    Rationale: a transform that raises half-way (a NaN check, a shape error) must not pin the
    model it was given; UCTX-4 covers the complete protocol.
    Seed: graph.py update_context (deletes its maps on exit; holds on exit, but keeps them after
    (4), D-11).
    """
    alive = left_early_everywhere(t, case.graph)
    require(
        not alive,
        f"{len(alive)} graph node(s) or Variable(s) "
        f"({', '.join(sorted({type(o).__name__ for o in alive}))}) are still alive after "
        "contexts left early and every graph was dropped, but contexts should hold none",
    )


@law("ROB-7", inputs=(), examples=0.01)
def repeated_split_merge_does_not_grow_memory(t: Target, case: Case) -> None:
    """10,000 split / merge round trips of one graph (after a tenth as many to warm caches) leave
    the Python heap at most 32 KiB larger, and the graph as it was; so do 10,000 through contexts.

    Statement: n = 10_000: traced(after n × merge(*split(x))) − traced(before) ≤ 32 KiB ∧ the
    same for n round trips through a split_context and a merge_context ∧ model(x) unchanged
    Rationale: a training loop splits and merges every step; anything kept per call (a cache
    keyed by id, a growing registry) is a leak. The limit is 16 × the growth measured on the
    reference and flax (< 2 KiB, the measurement's own objects), and below what one leaked
    small object per call (≥ 33 bytes × 1,000 calls in the dev profile's tenth) adds.
    Seed: graph.py split / merge (holds).
    """
    n = max(1_000, int(MEMORY_ITERATIONS * case.scale))
    x = build(t, busy_graph()).root
    expected = observe(t, x)
    round_trips = [("split / merge round trips", split_merge)]
    if Capability.SPLIT_MERGE_CONTEXT in t.capabilities:
        round_trips.append(
            ("round trips through split_context / merge_context", context_split_merge)
        )
    for what, run in round_trips:
        grown, top = heap_growth(t, x, n, run)
        require(
            grown <= MEMORY_LIMIT,
            f"{n} {what} grew the traced heap by {grown:,} bytes, more than {MEMORY_LIMIT:,}"
            f" (largest: {top})",
        )
    require_same_model(expected, observe(t, x), f"x after {n} split / merge round trips")


# --- ROB-8: merge -------------------------------------------------------------------------------


@law("ROB-8", inputs=("graph", "other", "hostile_state"), examples=2)
def merge_survives_hostile_states(t: Target, case: Case) -> None:
    """merge with a hostile state (missing, extra, renamed or odd keys; wrong nesting; a leaf for a
    subgraph or a static; a mapping for a leaf; another graph's GraphDef; a bare NodeRef) fails as
    the oracle says, naming the place, and changes nothing; or builds exactly the oracle's graph.

    Statement: s = edits(state(g)); merge(gd, *s) ≅ hostile.merge(tokens(gd), *s), or raises (naming
    p ∈ faults) ∧ x, y, s, gd unchanged
    Rationale: a checkpoint that does not fit the model must be refused with a pointer to the
    mismatch, never half-loaded or loaded by position.
    Seed: graph.py _graph_unflatten (mostly holds; bare KeyError / AssertionError on some inputs,
    D-14, D-15).
    """
    op = hostile_op(case, HostileState())
    h = hostile_merge(t, case, op)
    outcome, places = h.outcome()
    states = target_states(t, h.parts, outcome)
    if states is None:
        return  # the State itself refuses the hostile keys: a documented rejection
    inputs = CallInputs(t, h.graphs, states, graphdefs=[h.graphdef])
    what = f"merge(gd, *s) with {describe(op)}"
    call = functools.partial(t.merge, h.graphdef, *states)
    result = merged_as(t, outcome, inputs, what)
    expect_outcome(t, call, outcome, what, inputs, places, result=result)
    if h.noderef:
        in_context = functools.partial(merge_in_context, t, h.graphdef, states)
        expect_outcome(t, in_context, outcome, f"{what} (in a merge_context)", inputs, places)


# --- ROB-9: update ------------------------------------------------------------------------------


@law("ROB-9", inputs=("graph", "other", "hostile_state"), examples=2)
def update_survives_hostile_states(t: Target, case: Case) -> None:
    """update with a hostile state (missing, extra, renamed or odd keys; wrong nesting; a leaf for a
    subgraph or a static; a mapping for a leaf; another graph's state) fails as the oracle says,
    naming the place, and changes nothing; or does exactly what the oracle says.

    Statement: s = edits(state(g) + 1); update(x, *s) ⟹ model(x) == hostile.update(model(x₀), *s),
    or raises (naming p ∈ faults) ∧ x, s unchanged
    Rationale: a failed update that applied half the state leaves a model nobody can reason about.
    Seed: graph.py _graph_update_dynamic (not atomic, D-2; stores VariableStates, D-6; bare errors,
    D-14).
    """
    op = hostile_op(case, HostileState())
    h = hostile_update(t, case, op)
    outcome, places = h.outcome()
    states = target_states(t, h.parts, outcome)
    if states is None:
        return  # the State itself refuses the hostile keys: a documented rejection
    inputs = CallInputs(t, h.graphs, states)
    what = f"update(x, *s) with {describe(op)}"
    result = updated_as(t, h.x, outcome, CallInputs(t, [], states), what)
    expect_outcome(t, lambda: t.update(h.x, *states), outcome, what, inputs, places, result=result)


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
    """split, graphdef, state, clone and iter_graph refuse a list or dict attribute that contains
    itself, naming it, and change nothing.

    Statement: node.zz_cycle = c, c ∋ c (directly or after a graph node)  ⟹  ∀ op ∈ {split,
        graphdef, state, clone, list ∘ iter_graph}: op(x) raises pytree-cycle naming the
        container or the entry through which it contains itself ∧ x unchanged
    Rationale: a pytree is a tree; a container that holds itself would be walked forever.
    Seed: graph.py _graph_flatten (RecursionError).
    """
    h = plant(t, case, hostile_op(case, PytreeSelfCycle(0)))
    places = (h.path, (*h.path, h.op.closing))
    walk = (f"list(iter_graph(x)) with {h.what}", lambda: _walk(t, h.x))
    for what, call in (*graph_calls(t, h.x, h.what), walk):
        expect_outcome(t, call, oracle.graph_fault("cycle", h.path), what, h, places)


_WALK_LIMIT = 100_000
"""More items than iter_graph yields on any graph the laws draw: past it, it walks a cycle."""


def _walk(t: Target, x: object) -> list[object]:
    """``list(iter_graph(x))``, stopped (a violation) where it never ends."""
    items: list[object] = []
    for item in t.iter_graph(x):
        items.append(item)
        require(len(items) <= _WALK_LIMIT, f"iter_graph(x) yields more than {_WALK_LIMIT} items")
    return items


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


@law("ROB-11", inputs=("graph", "hostile_filters"), examples=2)
def every_filtering_call_survives_hostile_filters(t: Target, case: Case) -> None:
    """split, state, variables, pop and SplitContext.split with any filters (non-exhaustive, a
    misplaced `...`, terms that are not filters, none at all) fail as the oracle says and change
    nothing, or give exactly the oracle's groups.

    Statement: op(x, *fs) == oracle(op)(model(x), fs), failures included (documented) ∧ x unchanged
    unless op = pop succeeds
    Rationale: every entry point that takes filters must validate them the same way, before it
    touches anything.
    Seed: filterlib.filters_to_predicates, State.split, graph.py pop (the integer 1 counts as True,
    D-10; pop is not atomic, D-2).
    """
    op = hostile_op(case, FilterCall("split", case.filters))
    if ENTRY_POINTS[op.op] is not None:
        need(t, *cast(tuple[str, str], ENTRY_POINTS[op.op]))
    x = build_case(t, case).root
    outcome = filter_outcome(op, observe(t, x), t)
    filters = target_filters(t, op, outcome)
    if filters is None:
        return  # the target rejects the term while it is built: also a documented rejection
    inputs = CallInputs(t, [x], [])
    call = functools.partial(filtering_call, t, op.op, x, filters)
    check = functools.partial(require_filter_result, t, op, x, expected=outcome, inputs=inputs)
    expect_outcome(t, call, outcome, describe(op), inputs, result=check)


# --- ROB-12: update-context calls in any order -------------------------------------------------


@law(
    "ROB-12",
    requires=(Capability.UPDATE_CONTEXT,),
    inputs=("module_graph", "hostile_calls"),
    examples=2,
)
def context_calls_in_any_order_are_checked(t: Target, case: Case) -> None:
    """Update-context calls in any order (two outer splits, a merge first, a second inner merge, an
    outer merge without outer indices, calls after exit, a NodeRef GraphDef) fail as the oracle's
    state machine says and change nothing; the calls that fit the protocol work.

    Statement: ∀ i: calls[i] raises (documented) ⇔ protocol_steps(calls)[i].error ∧ x unchanged; an
    outer merge returns x ≅ rebuild(x₀)
    Rationale: a transform that gets the protocol wrong must be told at once, not corrupt the
    caller's model or crash later.
    Seed: graph.py UpdateContext (a second outer split takes the inner branch, use after exit raises
    AttributeError, D-11).
    """
    op = hostile_op(case, ContextCalls(("split", "merge", "split", "merge")))
    x = build_case(t, case).root
    ref = noderef_graphdef(t, x) if "merge_ref" in op.calls else None
    with OpenContext(t) as c:
        run_calls(t, c, x, op.calls, ref)
