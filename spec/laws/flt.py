"""FLT: filters partition the state by first match; a remainder or a malformed filter is an
error."""

from __future__ import annotations

from spec import semantics
from spec.errors import SpecError
from spec.laws._check import (
    build_case,
    expect_failure,
    flat_models,
    require,
    require_same_state,
    require_unchanged,
    snapshot,
    states_of,
)
from spec.laws._registry import Case, law
from spec.model import observe
from spec.target import Target


@law("FLT-1", inputs=("graph", "exhaustive_filters"))
def split_partitions_the_state(t: Target, case: Case) -> None:
    """split with exhaustive filters partitions the state: each leaf goes to the first filter that
    matches it.

    Statement: split(x, *fs)[1:] == semantics.split(model(x), fs)  (disjoint, union = state(x),
        first match wins)
    Rationale: parameters and batch statistics must land in exactly one group each.
    Seed: State.split (holds).
    """
    x = build_case(t, case).root
    expected = semantics.split(observe(t, x), case.filters)
    parts = t.split(x, *(t.make_filter(f) for f in case.filters))[1:]
    require(
        len(parts) == len(expected),
        f"split(x, *fs) returned {len(parts)} states, but should return {len(expected)}",
    )
    for i, (e, a) in enumerate(zip(expected, parts)):
        require_same_state(e, flat_models(t, a), f"split(x, *fs)[{i + 1}]")


@law("FLT-2", inputs=("graph", "nonexhaustive_filters"))
def split_rejects_a_remainder(t: Target, case: Case) -> None:
    """split with filters that leave a leaf unmatched raises, and changes nothing.

    Statement: ∃ leaf matched by no f ∈ fs  ⟹  split(x, *fs) raises (non-exhaustive) ∧ x unchanged
    Rationale: silently dropping parameters is worse than an error; `...` says "the rest"
        explicitly.
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
    """A `...` or True followed by another filter, or a term that is not a filter, makes split and
    state raise.

    Statement: misplaced(fs) ∨ invalid(fs)  ⟹  split(x, *fs) and state(x, *fs) raise ValueError /
        TypeError
    Rationale: `...` means "everything else"; a filter after it can never match, which is a bug in
        the caller.
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
    """state(x, *fs) groups leaves by first match and drops the remainder; one State per filter
    (one for 0 or 1).

    Statement: state(x, *fs) == semantics.state_groups(model(x), fs), as a tuple iff |fs| >= 2
    Rationale: state() is the non-exhaustive reader; it must agree with split() on what it keeps.
    Seed: graph.py state / State.filter (holds).
    """
    x = build_case(t, case).root
    expected = semantics.state_groups(observe(t, x), case.filters)
    result = t.state(x, *(t.make_filter(f) for f in case.filters))
    for i, (e, a) in enumerate(zip(expected, states_of(result, len(case.filters)))):
        require_same_state(e, flat_models(t, a), f"state(x, *fs)[{i}]")


@law("FLT-5", inputs=("graph",))
def path_contains_looks_at_every_key(t: Target, case: Case) -> None:
    """PathContains(k) takes exactly the leaves with k anywhere on their path, for every key k of
    the state's paths.

    Statement: ∀ k ∈ keys(paths(state(x))): state(x, PathContains(k)) ==
        semantics.state_groups(model(x), (PathContains(k),))[0]
    Rationale: selecting a submodule's parameters by name (PathContains('encoder')) must reach
        leaves at any depth below it.
    Seed: filterlib.PathContains (`self.key in path`; holds).
    """
    from spec.filters import PathContains

    x = build_case(t, case).root
    m = observe(t, x)
    keys = sorted({k for p, _ in semantics.state(m) for k in p}, key=repr)
    for k in keys:
        f = PathContains(k)
        expected = semantics.state_groups(m, (f,))[0]
        require_same_state(
            expected, flat_models(t, t.state(x, t.make_filter(f))), f"state(x, PathContains({k!r}))"
        )


@law("FLT-6", inputs=("graph",))
def type_filters_match_subclasses(t: Target, case: Case) -> None:
    """A type filter (the class itself, or OfType) takes exactly the leaves of that type or a
    subclass, for every Variable type.

    Statement: ∀ T ∈ VARIABLE_TYPES, f ∈ {T, OfType(T)}: state(x, f) ==
        semantics.state_groups(model(x), (f,))[0]
    Rationale: nnx.Param must select user subclasses of Param too; an exact-type test silently drops
        them from optimizers.
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
            require_same_state(
                expected,
                flat_models(t, t.state(x, t.make_filter(f))),
                f"state(x, {type(f).__name__}({name}))",
            )


@law("FLT-7", inputs=("graph",))
def numbers_equal_to_true_are_not_filters(t: Target, case: Case) -> None:
    """The integer 1 is not a filter and not a catch-all, alone, after another filter or before
    `...`: split and state reject it.

    Statement: ∀ fs ∈ {(1,), (Param, 1), (1, ...)}: split(x, *fs) and state(x, *fs) raise ValueError
        / TypeError
    Rationale: `1 == True` in Python; an implementation testing `f == True` silently turns a stray 1
        into "everything else".
    Seed: filterlib.to_predicate (breaks: the seed tests `filter == True`, so 1 is a catch-all,
        D-10).
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
        expect_failure(
            t,
            lambda fs=filters: t.split(x, *fs),  # type: ignore[misc]
            SpecError("invalid-filter"),
            f"split(x, {what})",
        )
        expect_failure(
            t,
            lambda fs=filters: t.state(x, *fs),  # type: ignore[misc]
            SpecError("invalid-filter"),
            f"state(x, {what})",
        )
