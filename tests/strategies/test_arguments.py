"""Bad strategy arguments raise InvalidArgument when the strategy is first used, not before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import strategies
from spec.blueprint import Blueprint, NodeSpec
from strategies import (
    all_blueprints,
    cases,
    exhaustive_cases,
    filter_tuples,
    filters,
    graphs,
    nonexhaustive_filter_tuples,
    programs,
)

EMPTY = Blueprint((NodeSpec("module"),))

BAD: list[tuple[str, Callable[[], st.SearchStrategy[object]]]] = [
    ("min_nodes=0", lambda: graphs(min_nodes=0)),
    ("min_nodes > max_nodes", lambda: graphs(min_nodes=3, max_nodes=2)),
    ("max_nodes not an int", lambda: graphs(max_nodes=2.5)),  # type: ignore[arg-type]
    ("negative max_variables", lambda: graphs(max_variables=-1)),
    ("min_variables > max_variables", lambda: graphs(min_variables=2, max_variables=1)),
    ("sharing not a bool", lambda: graphs(sharing=1)),  # type: ignore[arg-type]
    ("unknown dtype", lambda: graphs(dtypes=("float64",))),
    ("no dtypes", lambda: graphs(dtypes=())),
    ("dtypes as a string", lambda: graphs(dtypes="float32")),
    ("repeated dtype", lambda: graphs(dtypes=("bool", "bool"))),
    ("root kind none", lambda: graphs(root_kinds=("none",))),
    ("pytree root without containers", lambda: graphs(containers=False, root_kinds=("list",))),
    ("max_depth=0 with two nodes", lambda: graphs(min_nodes=2, max_depth=0)),
    ("negative max_depth", lambda: graphs(max_depth=-1)),
    ("negative filter depth", lambda: filters(max_depth=-1)),
    ("catch_alls not a bool", lambda: filters(catch_alls=None)),  # type: ignore[arg-type]
    ("exhaustive not a bool", lambda: filter_tuples(exhaustive=1)),  # type: ignore[arg-type]
    ("exhaustive tuple of size 0", lambda: filter_tuples(exhaustive=True, max_size=0)),
    ("min_size > max_size", lambda: filter_tuples(min_size=3, max_size=1)),
    ("graph without Variables", lambda: nonexhaustive_filter_tuples(EMPTY)),
    ("graph not a blueprint", lambda: nonexhaustive_filter_tuples("g")),  # type: ignore[arg-type]
    ("program for a non-blueprint", lambda: programs(None)),  # type: ignore[arg-type]
    ("negative max_edits", lambda: programs(EMPTY, max_edits=-1)),
    ("unknown input kind", lambda: cases(("graph", "graphs"))),
    ("two filter kinds", lambda: cases(("graph", "filters", "bad_filters"))),
    ("cases max_nodes=0", lambda: cases(("graph",), max_nodes=0)),
]


@pytest.mark.parametrize(("why", "make"), BAD, ids=[why for why, _ in BAD])
def test_bad_arguments_raise_invalid_argument_at_first_use(
    why: str, make: Callable[[], st.SearchStrategy[object]]
) -> None:
    strategy = make()  # creating it is fine: the error is deferred (Hypothesis's own rule)
    with pytest.raises(InvalidArgument):
        strategy.validate()


def test_bad_enumeration_arguments() -> None:
    with pytest.raises(InvalidArgument):
        all_blueprints(max_graph_nodes=0)
    with pytest.raises(InvalidArgument):
        all_blueprints(max_graph_nodes=3, max_variables=2, max_edges=3)  # cannot connect 3 + 2
    with pytest.raises(InvalidArgument):
        exhaustive_cases(("graph", "nope"))
    with pytest.raises(InvalidArgument):
        exhaustive_cases(("graph", "filters", "exhaustive_filters"))


def test_the_public_module_only_re_exports() -> None:
    public = {
        name for name in vars(strategies) if name[0] not in "_@"
    }  # @: pytest assertion rewriting
    assert set(strategies.__all__) == public
    assert sorted(strategies.__all__) == strategies.__all__
    assert (Path(strategies.__file__).parent / "py.typed").is_file()
    for name in strategies.__all__:
        obj = getattr(strategies, name)
        if callable(obj):
            assert obj.__module__.startswith("strategies._"), name
