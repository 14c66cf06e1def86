"""ST, GD, FLT and VAR: what state, graphdef, filters and variables must return."""

from __future__ import annotations

from spec import semantics
from spec.errors import SpecError
from spec.laws._check import (
    build_case,
    expect_failure,
    flat_models,
    need,
    require,
    require_same_state,
    require_same_tokens,
    require_unchanged,
    snapshot,
    states_of,
)
from spec.laws._registry import Case, law
from spec.model import NodeSlot, observe, observe_objects, path_str
from spec.program import TRANSFORMS
from spec.target import Capability, Target


@law("ST-1")
def state_holds_each_variable_at_its_first_path(t: Target, case: Case) -> None:
    """state(x) holds one leaf per distinct Variable, at its first path, equal to it in type, value and metadata.

    Statement: model(state(x)) == semantics.state(model(x))
    Rationale: the state is the data half of the graph; its paths are how users address parameters.
    Seed: graph.py flatten / state (holds).
    """
    x = build_case(t, case).root
    require_same_state(semantics.state(observe(t, x)), flat_models(t, t.state(x)), "state(x)")


@law("ST-2")
def state_is_in_canonical_order(t: Target, case: Case) -> None:
    """state(x) lists its leaves in canonical depth-first order (sorted keys, then positions).

    Statement: [p for p, _ in flat(state(x))] == [p for p, _ in semantics.state(model(x))]
    Rationale: leaf order decides the order of jax.tree leaves, hence of optimizer states and checkpoints.
    Seed: graph.py flatten + State.from_flat_path (holds).
    """
    x = build_case(t, case).root
    require_same_state(semantics.state(observe(t, x)), flat_models(t, t.state(x)), "state(x)", ordered=True)


@law("ST-3")
def split_and_state_agree(t: Target, case: Case) -> None:
    """The state half of split(x) is state(x).

    Statement: model(split(x)[1]) == model(state(x))
    Rationale: two ways to read one graph must not disagree.
    Seed: graph.py split / state (holds).
    """
    x = build_case(t, case).root
    require_same_state(flat_models(t, t.state(x)), flat_models(t, t.split(x)[1]), "split(x)[1]", ordered=True)


@law("ST-4", requires=(Capability.STATE_LEAVES_ARE_COPIES,))
def state_is_a_snapshot(t: Target, case: Case) -> None:
    """state(x) is a snapshot: changing x's Variables afterwards does not change it.

    Statement: s = state(x); v.value ← f(v.value) ∀ v ∈ x  ⟹  model(s) unchanged
    Rationale: a snapshot taken before a step must still describe the state before the step.
    Seed: graph.py flatten (VariableState copies; holds; flax >= 0.11 returns live Variables).
    """
    x = build_case(t, case).root
    s = t.state(x)
    before = flat_models(t, s)
    for v in observe_objects(t, x)[2]:
        t.set_value(v, TRANSFORMS["add_one"](t.get_value(v)))  # type: ignore[arg-type]
    require_same_state(before, flat_models(t, s), "state(x) after changing x")


@law("ST-5", requires=(Capability.STATE_LEAVES_ARE_LIVE,))
def state_holds_the_live_variables(t: Target, case: Case) -> None:
    """state(x)'s leaves are x's own Variables (the flax >= 0.11 variant).

    Statement: ∀ (p, leaf) ∈ state(x): leaf is x@p
    Rationale: with live leaves, updating a leaf updates the graph; that is the variant's contract.
    Seed: not in the seed (flax 0.11.0, PR #4800).
    """
    x = build_case(t, case).root
    m, _, variables = observe_objects(t, x)
    _, first = m.first_paths()
    by_path = {p: variables[vid] for vid, p in first.items()}
    for p, leaf in t.flat_state(t.state(x)):
        require(leaf is by_path.get(tuple(p)), f"state(x) at {path_str(p)} is not x's Variable there, but should be")


@law("GD-1")
def graphdef_is_splits_graphdef(t: Target, case: Case) -> None:
    """graphdef(x) equals the graphdef half of split(x), with the same hash.

    Statement: graphdef(x) == split(x)[0] ∧ hash(graphdef(x)) == hash(split(x)[0])
    Rationale: jit users key caches on graphdef(x); it must be the split's.
    Seed: graph.py graphdef docstring (holds).
    """
    x = build_case(t, case).root
    gd, gd2 = t.graphdef(x), t.split(x)[0]
    require(gd == gd2, "graphdef(x) == split(x)[0] is False, but should be True")
    if all(not isinstance(s, set) for s in _statics(t, x)):
        require(hash(gd) == hash(gd2), "hash(graphdef(x)) != hash(split(x)[0])")


def _statics(t: Target, x: object) -> list[object]:
    out = []
    stack, seen = [x], set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        for _, v in t.inspect(n).entries:
            kind = t.classify(v)
            if kind in ("graph", "pytree"):
                stack.append(v)
            elif kind == "static":
                out.append(v)
    return out


@law("GD-2")
def graphdef_encodes_the_canonical_flatten(t: Target, case: Case) -> None:
    """The graphdef encodes the canonical depth-first flatten: node and Variable order, indices, references, statics and metadata.

    Statement: tokens(graphdef(x)) == semantics.graphdef_tokens(model(x))
    Rationale: the index order is what NodeRefs, states and the update-context index mappings point into.
    Seed: graph.py _graph_flatten (holds).
    """
    x = build_case(t, case).root
    require_same_tokens(semantics.graphdef_tokens(observe(t, x)), t.graphdef_tokens(t.graphdef(x)), "graphdef(x)")


@law("FLT-1", inputs=("graph", "exhaustive_filters"))
def split_partitions_the_state(t: Target, case: Case) -> None:
    """split with exhaustive filters partitions the state: each leaf goes to the first filter that matches it.

    Statement: split(x, *fs)[1:] == semantics.split(model(x), fs)  (disjoint, union = state(x), first match wins)
    Rationale: parameters and batch statistics must land in exactly one group each.
    Seed: State.split (holds).
    """
    x = build_case(t, case).root
    expected = semantics.split(observe(t, x), case.filters)
    parts = t.split(x, *(t.make_filter(f) for f in case.filters))[1:]
    require(len(parts) == len(expected), f"split(x, *fs) returned {len(parts)} states, but should return {len(expected)}")
    for i, (e, a) in enumerate(zip(expected, parts)):
        require_same_state(e, flat_models(t, a), f"split(x, *fs)[{i + 1}]")


@law("FLT-2", inputs=("graph", "nonexhaustive_filters"))
def split_rejects_a_remainder(t: Target, case: Case) -> None:
    """split with filters that leave a leaf unmatched raises, and changes nothing.

    Statement: ∃ leaf matched by no f ∈ fs  ⟹  split(x, *fs) raises (non-exhaustive) ∧ x unchanged
    Rationale: silently dropping parameters is worse than an error; `...` says "the rest" explicitly.
    Seed: State.split "Non-exhaustive filters" (holds).
    """
    x = build_case(t, case).root
    try:
        semantics.split(observe(t, x), case.filters)
    except SpecError as e:
        before = snapshot(t, x)
        filters = [t.make_filter(f) for f in case.filters]
        expect_failure(t, lambda: t.split(x, *filters), SpecError(e.kind), "split(x, *fs)")
        require_unchanged(t, before, x, what="split(x, *fs)")
        return
    require(False, "sanity check: the drawn filters are exhaustive for this graph")


@law("FLT-3", inputs=("graph", "bad_filters"))
def malformed_filters_are_rejected(t: Target, case: Case) -> None:
    """A `...` or True followed by another filter, or a term that is not a filter, makes split and state raise.

    Statement: misplaced(fs) ∨ invalid(fs)  ⟹  split(x, *fs) and state(x, *fs) raise ValueError / TypeError
    Rationale: `...` means "everything else"; a filter after it can never match, which is a bug in the caller.
    Seed: filterlib.filters_to_predicates (holds, but the seed treats the integer 1 as True: D-10).
    """
    x = build_case(t, case).root
    try:
        semantics.check_filters(case.filters)
    except SpecError as e:
        try:
            filters = [t.make_filter(f) for f in case.filters]
        except (TypeError, ValueError):
            return  # the target rejects the term while it is built: also a documented rejection
        expect_failure(t, lambda: t.split(x, *filters), SpecError(e.kind), "split(x, *fs)")
        expect_failure(t, lambda: t.state(x, *filters), SpecError(e.kind), "state(x, *fs)")
        return
    require(False, "sanity check: the drawn filters are well formed")


@law("FLT-4", inputs=("graph", "filters"))
def state_groups_by_first_match(t: Target, case: Case) -> None:
    """state(x, *fs) groups leaves by first match and drops the remainder; one State per filter (one for 0 or 1).

    Statement: state(x, *fs) == semantics.state_groups(model(x), fs), as a tuple iff |fs| >= 2
    Rationale: state() is the non-exhaustive reader; it must agree with split() on what it keeps.
    Seed: graph.py state / State.filter (holds).
    """
    x = build_case(t, case).root
    expected = semantics.state_groups(observe(t, x), case.filters)
    result = t.state(x, *(t.make_filter(f) for f in case.filters))
    for i, (e, a) in enumerate(zip(expected, states_of(result, len(case.filters)))):
        require_same_state(e, flat_models(t, a), f"state(x, *fs)[{i}]")


@law("VAR-1", requires=(Capability.VARIABLES,), inputs=("graph", "filters"))
def variables_returns_live_variables_at_state_paths(t: Target, case: Case) -> None:
    """variables(x, *fs) has the paths and grouping of state(x, *fs), holds x's live Variables, and returns one State per filter.

    Statement: paths(variables(x, *fs)[i]) == paths(semantics.state_groups(model(x), fs)[i]) ∧ leaf is x@p ∧ |result| = max(1, |fs|)
    Rationale: variables() is state() without copying; the seed returned |fs| + 2 groups for 2+ filters (D-3).
    Seed: graph.py variables (breaks: arity 4 for two filters, paths from iter_graph).
    """
    need(t, Capability.VARIABLES, "variables() is not provided")
    x = build_case(t, case).root
    m, _, variables = observe_objects(t, x)
    _, first = m.first_paths()
    by_path = {p: variables[vid] for vid, p in first.items()}
    expected = semantics.state_groups(m, case.filters)
    result = t.variables(x, *(t.make_filter(f) for f in case.filters))
    for i, (e, a) in enumerate(zip(expected, states_of(result, len(case.filters)))):
        leaves = t.flat_state(a)
        require([p for p, _ in e] == [tuple(p) for p, _ in leaves] or sorted(map(repr, (p for p, _ in e))) == sorted(repr(tuple(p)) for p, _ in leaves),
                f"variables(x, *fs)[{i}] has paths {[path_str(p) for p, _ in leaves]}, but should have {[path_str(p) for p, _ in e]}")
        for p, leaf in leaves:
            require(leaf is by_path.get(tuple(p)), f"variables(x, *fs)[{i}] at {path_str(p)} is not x's live Variable")
@law("GD-3", inputs=("graph", "program"))
def graphdefs_are_equal_iff_structures_are(t: Target, case: Case) -> None:
    """Two graphdefs are equal exactly when their structures (tokens) are: values do not count, statics (by ==), sharing and metadata do.

    Statement: y = run(program, x')  ⟹  (graphdef(x) == graphdef(y)) ⇔ (structure(tokens(model(x))) == structure(tokens(model(y))))
    Rationale: over-sensitive graphdefs retrace jit; under-sensitive ones reuse stale compiled code.
    Seed: graph.py NodeDef equality (holds).
    """
    from spec.build import build
    from spec.program import run

    x = build_case(t, case).root
    y = build(t, case.graph).root
    run(t, y, case.program)
    same = semantics.structure(semantics.graphdef_tokens(observe(t, x))) == semantics.structure(
        semantics.graphdef_tokens(observe(t, y)))
    equal = t.graphdef(x) == t.graphdef(y)
    require(equal == same, f"graphdef(x) == graphdef(y) is {equal} after {len(case.program)} edit(s), but should be {same}")




def _first_graph_node_of(t: Target, x: object) -> object | None:
    """Return the first graph node of ``x`` in canonical order (the root if it is one)."""
    m = observe(t, x)
    if m.root.kind == "graph":
        return x
    for path, slot, first in m.walk():
        if first and isinstance(slot, NodeSlot) and m.nodes[slot.id].kind == "graph":
            node = x
            for key in path:
                node = next(v for k, v in t.inspect(node).entries if k == key and type(k) is type(key))
            return node
    return None


@law("GD-4")
def graphdefs_see_statics_and_metadata(t: Target, case: Case) -> None:
    """Two graphs that differ only in one static value, or only in one Variable's metadata, have unequal graphdefs.

    Statement: y = x with x@p.k = s₁ vs s₂ ≠ s₁ (or a Variable with metadata m₁ vs m₂ ≠ m₁)  ⟹  graphdef(x) != graphdef(y)
    Rationale: statics and metadata are baked into traced code; a graphdef blind to them lets jit reuse code compiled for other values.
    Seed: graph.py NodeDef / StaticAttribute / VariableDef equality (holds).
    """
    from spec.blueprint import VarSpec
    from spec.build import build

    x = build_case(t, case).root
    y = build(t, case.graph).root
    nx, ny = _first_graph_node_of(t, x), _first_graph_node_of(t, y)
    if nx is None or ny is None:
        return
    t.set_attr(nx, "zz_static", 1)
    t.set_attr(ny, "zz_static", 2)
    require(t.graphdef(x) != t.graphdef(y), "graphdef(x) == graphdef(y) for graphs whose static zz_static is 1 and 2, but they should differ")
    t.set_attr(ny, "zz_static", 1)
    t.set_attr(nx, "zz_var", t.new_variable(VarSpec(metadata=(("tag", "one"),))))
    t.set_attr(ny, "zz_var", t.new_variable(VarSpec(metadata=(("tag", "two"),))))
    require(t.graphdef(x) != t.graphdef(y), "graphdef(x) == graphdef(y) for graphs whose Variable zz_var has tag 'one' and 'two', but they should differ")


@law("FLT-5", inputs=("graph",))
def path_contains_looks_at_every_key(t: Target, case: Case) -> None:
    """PathContains(k) takes exactly the leaves with k anywhere on their path, for every key k of the state's paths.

    Statement: ∀ k ∈ keys(paths(state(x))): state(x, PathContains(k)) == semantics.state_groups(model(x), (PathContains(k),))[0]
    Rationale: selecting a submodule's parameters by name (PathContains('encoder')) must reach leaves at any depth below it.
    Seed: filterlib.PathContains (`self.key in path`; holds).
    """
    from spec.filters import PathContains

    x = build_case(t, case).root
    m = observe(t, x)
    keys = sorted({k for p, _ in semantics.state(m) for k in p}, key=repr)
    for k in keys:
        f = PathContains(k)
        expected = semantics.state_groups(m, (f,))[0]
        require_same_state(expected, flat_models(t, t.state(x, t.make_filter(f))), f"state(x, PathContains({k!r}))")


@law("FLT-6", inputs=("graph",))
def type_filters_match_subclasses(t: Target, case: Case) -> None:
    """A type filter (the class itself, or OfType) takes exactly the leaves of that type or a subclass, for every Variable type.

    Statement: ∀ T ∈ VARIABLE_TYPES, f ∈ {T, OfType(T)}: state(x, f) == semantics.state_groups(model(x), (f,))[0]
    Rationale: nnx.Param must select user subclasses of Param too; an exact-type test silently drops them from optimizers.
    Seed: filterlib.OfType (isinstance / issubclass; holds).
    """
    from spec.blueprint import VARIABLE_TYPES
    from spec.filters import FilterSpec, OfType, TypeFilter

    x = build_case(t, case).root
    m = observe(t, x)
    for name in VARIABLE_TYPES:
        filters: tuple[FilterSpec, ...] = (TypeFilter(name), OfType(name))
        for f in filters:
            expected = semantics.state_groups(m, (f,))[0]
            require_same_state(expected, flat_models(t, t.state(x, t.make_filter(f))), f"state(x, {type(f).__name__}({name}))")


@law("FLT-7", inputs=("graph",))
def numbers_equal_to_true_are_not_filters(t: Target, case: Case) -> None:
    """The integer 1 is not a filter and not a catch-all, alone, after another filter or before `...`: split and state reject it.

    Statement: ∀ fs ∈ {(1,), (Param, 1), (1, ...)}: split(x, *fs) and state(x, *fs) raise ValueError / TypeError
    Rationale: `1 == True` in Python; an implementation testing `f == True` silently turns a stray 1 into "everything else".
    Seed: filterlib.to_predicate (breaks: the seed tests `filter == True`, so 1 is a catch-all, D-10).
    """
    from spec.filters import Invalid, Literal, TypeFilter

    x = build_case(t, case).root
    one = Invalid("int")
    for fs in ((one,), (TypeFilter("Param"), one), (one, Literal("..."))):
        try:
            filters = [t.make_filter(f) for f in fs]
        except (TypeError, ValueError):
            continue  # rejected while the filter is built: also a rejection
        what = ", ".join(map(repr, fs))
        expect_failure(t, lambda fs=filters: t.split(x, *fs), SpecError("invalid-filter"), f"split(x, {what})")  # type: ignore[misc]
        expect_failure(t, lambda fs=filters: t.state(x, *fs), SpecError("invalid-filter"), f"state(x, {what})")  # type: ignore[misc]
