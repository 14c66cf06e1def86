"""Filter strategies: single terms of the filter language, and tuples of them for ``split`` /
``state`` (exhaustive or not), for the non-exhaustive error law, and for the bad-filter laws.

Terms are drawn from the same pools as graphs (``_values``), so tag filters, type filters and
``PathContains`` keys match leaves of drawn graphs often enough to matter.
"""

from __future__ import annotations

import functools

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from spec.blueprint import Blueprint, Key
from spec.build import blueprint_model
from spec.filters import (
    CALLABLES,
    AllOf,
    AnyOf,
    CallableFilter,
    Everything,
    FilterSpec,
    Invalid,
    Literal,
    Nothing,
    NotOf,
    OfType,
    PathContains,
    Seq,
    TagFilter,
    TypeFilter,
    WithTag,
    is_catch_all,
    matches,
)
from spec.semantics import flatten
from strategies._validation import check_bool, check_int, check_sizes, lazy
from strategies._values import KEY_POOL, TAGS, VARIABLE_TYPE_ORDER, integers

__all__ = ["bad_filter_tuples", "filter_tuples", "filters", "nonexhaustive_filter_tuples"]

CATCH_ALLS: tuple[FilterSpec, ...] = (Literal("..."), Literal("true"))

_PATH_KEYS: tuple[Key, ...] = (*KEY_POOL[:6], 0, 1, 2)


def _base_terms(catch_alls: bool) -> st.SearchStrategy[FilterSpec]:
    types = st.sampled_from(VARIABLE_TYPE_ORDER)
    literals = ("...", "true", "false", "none") if catch_alls else ("false", "none")
    return st.one_of(
        types.map(TypeFilter),
        st.sampled_from(TAGS).map(TagFilter),
        st.sampled_from(literals).map(Literal),  # type: ignore[arg-type]
        st.sampled_from(sorted(CALLABLES)).map(CallableFilter),
        types.map(OfType),
        st.sampled_from(TAGS).map(WithTag),
        st.sampled_from(_PATH_KEYS).map(PathContains),
        st.just(Everything()),
        st.just(Nothing()),
    )


def _combinations(inner: st.SearchStrategy[FilterSpec]) -> st.SearchStrategy[FilterSpec]:
    items = st.lists(inner, max_size=3).map(tuple)
    return st.one_of(
        st.builds(Seq, st.sampled_from(("list", "tuple")), items),
        st.builds(AnyOf, items),
        st.builds(AllOf, items),
        st.builds(NotOf, inner),
    )


@functools.cache
def _terms(max_depth: int, catch_alls: bool) -> st.SearchStrategy[FilterSpec]:
    """Terms nested at most ``max_depth`` deep; at every level half the draws are basic terms
    (``st.recursive`` would make nearly all of them combinators)."""
    inner = _base_terms(True)
    for _ in range(max_depth - 1):
        inner = st.one_of(_base_terms(True), _combinations(inner))
    if max_depth == 0:
        return _base_terms(catch_alls)
    return st.one_of(_base_terms(catch_alls), _combinations(inner))


def filters(*, max_depth: int = 2, catch_alls: bool = True) -> st.SearchStrategy[FilterSpec]:
    """Return a strategy for one valid filter term of any form of ``spec.filters``.

    Forms: Variable types, tag strings, the literals ``...`` / ``True`` / ``False`` / ``None``
    (``catch_alls=False`` leaves out ``...`` and ``True`` at the top level; they may still occur
    nested), named callables, ``OfType``, ``WithTag``, ``PathContains``, ``Everything``,
    ``Nothing``, and lists, tuples, ``Any``, ``All`` and ``Not`` of up to three terms, nested up
    to ``max_depth`` levels.  Never ``Invalid``.  About half the terms are basic ones.  Shrinks
    towards ``nnx.Param``.
    """

    def define() -> st.SearchStrategy[FilterSpec]:
        check_int("max_depth", max_depth)
        check_bool("catch_alls", catch_alls)
        return _terms(max_depth, catch_alls)

    return lazy(define)


_NON_CATCH_ALL = filters(catch_alls=False)
_CATCH_ALLS = st.sampled_from(CATCH_ALLS)


@st.composite
def _filter_tuples(
    draw: st.DrawFn, exhaustive: bool | None, min_size: int, max_size: int
) -> tuple[FilterSpec, ...]:
    ending = 0 if exhaustive is False else draw(integers(1 if exhaustive else 0, 2))
    ending = min(ending, max_size)
    low = max(min_size - ending, 0)
    body = draw(st.lists(_NON_CATCH_ALL, min_size=low, max_size=max(max_size - ending, low)))
    return (*body, *(draw(_CATCH_ALLS) for _ in range(ending)))


def filter_tuples(
    *, exhaustive: bool | None = None, min_size: int = 0, max_size: int = 3
) -> st.SearchStrategy[tuple[FilterSpec, ...]]:
    """Return a strategy for tuples of valid filters that obey the last-position rule.

    With ``exhaustive=True`` the tuple ends with one or two catch-alls (``...`` / ``True``), so
    ``split`` places every leaf; with ``exhaustive=False`` it has no top-level catch-all (it may
    still match everything, e.g. through ``Everything()``); with None either.  Catch-alls only
    ever come last.  Shrinks towards the empty tuple (``(...,)`` when exhaustive).
    """

    def define() -> st.SearchStrategy[tuple[FilterSpec, ...]]:
        if exhaustive is not None:
            check_bool("exhaustive", exhaustive)
        check_int("min_size", min_size)
        check_int("max_size", max_size)
        check_sizes("min_size", min_size, "max_size", max_size)
        if exhaustive:
            check_int("max_size", max_size, min_value=1)
        return _filter_tuples(exhaustive, min_size, max_size)

    return lazy(define)


@st.composite
def _nonexhaustive(draw: st.DrawFn, graph: Blueprint, max_size: int) -> tuple[FilterSpec, ...]:
    flat = flatten(blueprint_model(graph))[1]
    path, leaf = flat[draw(integers(0, len(flat) - 1))]
    spare = NotOf(TypeFilter(leaf.type_name))
    out: list[FilterSpec] = []
    for f in draw(st.lists(_NON_CATCH_ALL, min_size=1, max_size=max_size)):
        # a filter that takes the chosen leaf is narrowed to leave every leaf of its type alone
        out.append(AllOf((f, spare)) if matches(f, path, leaf.type_name, leaf.metadata_dict) else f)
    return tuple(out)


def nonexhaustive_filter_tuples(
    graph: Blueprint, *, max_size: int = 3
) -> st.SearchStrategy[tuple[FilterSpec, ...]]:
    """Return a strategy for 1..``max_size`` valid filters that leave at least one leaf of
    ``graph``'s state unmatched (so ``split(x, *filters)`` must fail).

    One leaf of the state is chosen; every drawn filter that would take it becomes
    ``All(f, Not(<its type>))``.  ``graph`` needs at least one Variable.  Shrinks towards
    ``(nnx.Param,)`` (or ``All(nnx.Param, Not(nnx.Param))`` when the first leaf is a Param).
    """

    def define() -> st.SearchStrategy[tuple[FilterSpec, ...]]:
        if not isinstance(graph, Blueprint):
            raise InvalidArgument(f"graph={graph!r} must be a Blueprint")
        if not graph.variables:
            raise InvalidArgument(
                "graph has no Variables, so every filter tuple is exhaustive for it; "
                "draw it with graphs(min_variables=1)"
            )
        check_int("max_size", max_size, min_value=1)
        return _nonexhaustive(graph, max_size)

    return lazy(define)


_INVALID = st.sampled_from(("int", "float", "object")).map(Invalid)  # type: ignore[arg-type]


@st.composite
def _with_invalid(draw: st.DrawFn) -> tuple[FilterSpec, ...]:
    fs = list(draw(filter_tuples(max_size=2)))
    first_catch_all = next((i for i, f in enumerate(fs) if is_catch_all(f)), len(fs))
    bad: FilterSpec = draw(_INVALID)
    if draw(st.booleans()):  # hide it inside a combinator
        wrap = draw(integers(0, 3))
        ok = draw(_NON_CATCH_ALL)
        bad = (Seq("list", (ok, bad)), AnyOf((ok, bad)), AllOf((bad, ok)), NotOf(bad))[wrap]
    fs.insert(draw(integers(0, first_catch_all)), bad)
    return tuple(fs)


@st.composite
def _misplaced(draw: st.DrawFn) -> tuple[FilterSpec, ...]:
    before = draw(st.lists(_NON_CATCH_ALL, max_size=1))
    after = draw(st.lists(st.one_of(_NON_CATCH_ALL, _CATCH_ALLS), max_size=1))
    return (*before, draw(_CATCH_ALLS), draw(_NON_CATCH_ALL), *after)


def bad_filter_tuples() -> st.SearchStrategy[tuple[FilterSpec, ...]]:
    """Return a strategy for filter tuples the API must reject, with exactly one kind of fault:
    either a catch-all (``...`` / ``True``) followed by a filter that is not one, or an
    ``Invalid`` term (``1``, ``1.5`` or ``object()``, possibly nested in a list, ``Any``, ``All``
    or ``Not``) placed before any catch-all.  Shrinks towards ``(..., nnx.Param)``.
    """
    return st.one_of(_misplaced(), _with_invalid())
