"""Filter strategies: every form is reached, tuples obey (or break) the last-position rule as
promised, and non-exhaustive tuples provably leave a leaf of their graph unmatched."""

from __future__ import annotations

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

import spec.filters as F
from spec.blueprint import Blueprint
from spec.build import blueprint_model
from spec.errors import SpecError
from spec.semantics import check_filters, flatten, partition
from strategies import (
    bad_filter_tuples,
    filter_tuples,
    filters,
    graphs,
    nonexhaustive_filter_tuples,
)

FAST = settings(max_examples=80, deadline=None, derandomize=True, database=None)
FIND = settings(
    max_examples=3000, deadline=None, derandomize=True, database=None, phases=[Phase.generate]
)
VALID_FORMS = [
    "TypeFilter",
    "TagFilter",
    "Literal",
    "CallableFilter",
    "Seq",
    "OfType",
    "WithTag",
    "PathContains",
    "AnyOf",
    "AllOf",
    "NotOf",
    "Everything",
    "Nothing",
]


def _terms(f: F.FilterSpec) -> list[F.FilterSpec]:
    """Return ``f`` and every term nested in it."""
    if isinstance(f, (F.Seq, F.AnyOf, F.AllOf)):
        return [f, *(t for g in f.items for t in _terms(g))]
    if isinstance(f, F.NotOf):
        return [f, *_terms(f.item)]
    return [f]


@pytest.mark.parametrize("form", VALID_FORMS)
def test_every_valid_form_is_drawn(form: str) -> None:
    found = find(filters(), lambda f: type(f).__name__ == form, settings=FIND)
    assert type(found).__name__ == form


@pytest.mark.parametrize("value", ["...", "true", "false", "none"])
def test_every_literal_is_drawn(value: str) -> None:
    find(filters(), lambda f: f == F.Literal(value), settings=FIND)  # type: ignore[arg-type]


def test_single_terms_shrink_to_param() -> None:
    assert find(
        filters(), lambda f: True, settings=settings(FIND, phases=[Phase.generate, Phase.shrink])
    ) == F.TypeFilter("Param")


@FAST
@given(filters())
def test_single_terms_are_valid_and_sensible(f: F.FilterSpec) -> None:
    assert not F.has_invalid(f)
    check_filters((f,))
    F.matches(f, ("a", 0), "Param", {"tag": "red"})  # sanity check: the spec can evaluate it
    assert len(_terms(f)) <= 1 + 3 + 9  # nesting is limited (two levels of up to three items)


@FAST
@given(filters(catch_alls=False))
def test_no_top_level_catch_all_on_request(f: F.FilterSpec) -> None:
    assert not F.is_catch_all(f)


@FAST
@given(
    st.sampled_from([None, True, False]).flatmap(
        lambda e: st.tuples(st.just(e), filter_tuples(exhaustive=e))
    )
)
def test_filter_tuples_obey_the_last_position_rule(
    drawn: tuple[bool | None, tuple[F.FilterSpec, ...]],
) -> None:
    exhaustive, fs = drawn
    check_filters(fs)
    assert len(fs) <= 3
    if exhaustive:
        assert fs and F.is_catch_all(fs[-1])
    if exhaustive is False:
        assert not any(F.is_catch_all(f) for f in fs)


@FAST
@given(filter_tuples(min_size=2, max_size=2))
def test_filter_tuple_sizes(fs: tuple[F.FilterSpec, ...]) -> None:
    assert len(fs) == 2


@FAST
@given(
    graphs(min_variables=1).flatmap(lambda g: st.tuples(st.just(g), nonexhaustive_filter_tuples(g)))
)
def test_nonexhaustive_tuples_leave_a_leaf_unmatched(
    drawn: tuple[Blueprint, tuple[F.FilterSpec, ...]],
) -> None:
    graph, fs = drawn
    check_filters(fs)
    assert 1 <= len(fs) <= 3
    _, rest = partition(flatten(blueprint_model(graph))[1], fs)
    assert rest, f"{fs} matches every leaf of the graph"


@FAST
@given(bad_filter_tuples())
def test_bad_tuples_have_exactly_one_kind_of_fault(fs: tuple[F.FilterSpec, ...]) -> None:
    misplaced = F.misplaced_catch_all(fs) is not None
    invalid = any(F.has_invalid(f) for f in fs)
    assert misplaced != invalid, fs
    with pytest.raises(SpecError) as e:
        check_filters(fs)
    assert e.value.kind == ("misplaced-catch-all" if misplaced else "invalid-filter")


def test_bad_tuples_reach_both_faults_and_nested_invalid_terms() -> None:
    find(bad_filter_tuples(), lambda fs: F.misplaced_catch_all(fs) is not None, settings=FIND)
    find(bad_filter_tuples(), lambda fs: any(isinstance(f, F.Invalid) for f in fs), settings=FIND)
    find(
        bad_filter_tuples(),
        lambda fs: any(F.has_invalid(f) and not isinstance(f, F.Invalid) for f in fs),
        settings=FIND,
    )


def test_bad_tuples_shrink_to_a_misplaced_ellipsis() -> None:
    shrunk = find(
        bad_filter_tuples(),
        lambda fs: True,
        settings=settings(FIND, phases=[Phase.generate, Phase.shrink]),
    )
    assert shrunk == (F.Literal("..."), F.TypeFilter("Param"))
