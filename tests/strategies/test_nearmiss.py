"""Near misses (``spec.nearmiss``, ``strategies.near_misses``): one aspect changed, as drawn,
and the oracle's verdict on each aspect agrees with the table of ``spec.semantics.equality``."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spec.blueprint import Blueprint, NodeSpec, ToNode, ToStatic, ToVar, VarSpec
from spec.build import blueprint_model
from spec.nearmiss import (
    NEAR_MISS_ASPECTS,
    _may_point_back,
    _replace_edge,
    _sole_edge_to,
    near_miss,
    near_misses_of,
)
from spec.semantics.equality import ASPECTS, graphdefs_equal, state_structures_equal
from strategies import graphs, near_misses

FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None)

RICH = Blueprint(
    (
        NodeSpec("module", (("a", ToVar(0)), ("b", ToNode(1)), ("c", ToStatic(1)))),
        NodeSpec("dict", ((1, ToVar(1)), (2, ToStatic("ab")), (3, ToNode(2)))),
        NodeSpec("list", ((0, ToStatic(2.0)), (1, ToVar(0)))),
    ),
    (
        VarSpec(metadata=(("level", 1), ("tag", "red"))),
        VarSpec(type="BatchStat", shape=(2,), metadata=(("note", True),)),
    ),
)
"""A graph every aspect applies to."""


@pytest.mark.parametrize("aspect", NEAR_MISS_ASPECTS)
def test_every_aspect_applies_to_a_rich_graph_and_agrees_with_the_table(aspect: str) -> None:
    other = near_miss(RICH, aspect, lambda n: 0)
    assert other is not None, aspect
    equal = graphdefs_equal(blueprint_model(RICH), blueprint_model(other))
    if ASPECTS[aspect] is not None:
        assert equal == (not ASPECTS[aspect]), (aspect, other)


def test_key_types_change_paths_and_so_state_structures() -> None:
    other = near_miss(RICH, "key_type", lambda n: 0)
    assert other is not None
    assert not state_structures_equal(blueprint_model(RICH), blueprint_model(other))
    assert [k for k, _ in other.nodes[1].entries] == ["1", "2", "3"]


def test_container_types_do_not_change_state_structures() -> None:
    for pick in range(3):

        def choose(n: int, pick: int = pick) -> int:
            return min(pick, n - 1)

        other = near_miss(RICH, "container_type", choose)
        assert other is not None
        assert state_structures_equal(blueprint_model(RICH), blueprint_model(other))
        assert not graphdefs_equal(blueprint_model(RICH), blueprint_model(other))


def test_a_bare_module_has_only_a_container_near_miss() -> None:
    bare = Blueprint((NodeSpec("module"),))
    assert [a for a, _ in near_misses_of(bare)] == ["container_type"]


def test_unknown_aspects_are_rejected() -> None:
    with pytest.raises(ValueError, match="metadata_order"):
        near_miss(RICH, "metadata_order", lambda n: 0)


@FAST
@given(st.data())
def test_drawn_near_misses_change_one_aspect_that_the_table_predicts(data: st.DataObject) -> None:
    graph = data.draw(graphs())
    aspect, other = data.draw(near_misses(graph))
    if aspect == "none":
        assert other == graph and not near_misses_of(graph)
        return
    expected = ASPECTS[aspect]
    equal = graphdefs_equal(blueprint_model(graph), blueprint_model(other))
    if expected is not None:
        assert equal == (not expected), (aspect, graph, other)


@FAST
@given(graphs())
def test_index_moves_skip_only_moves_a_blueprint_rejects(graph: Blueprint) -> None:
    """``_index_change`` skips a move without building it (a wide graph has hundreds of nodes
    per edge); every move it skips must be one ``Blueprint`` validation rejects, so the
    candidates, and the drawn near misses, are those of trying every move."""
    uses = Counter(
        (type(e), e.index) for _, _, e in graph.edges() if isinstance(e, (ToNode, ToVar))
    )
    for i, k, e in graph.edges():
        if not isinstance(e, (ToNode, ToVar)):
            continue
        count = len(graph.nodes) if isinstance(e, ToNode) else len(graph.variables)
        for target in set(range(count)) - {e.index}:
            if _sole_edge_to(e, uses) or not _may_point_back(graph, i, e, target):
                assert _replace_edge(graph, i, k, type(e)(target)) is None, (i, k, target)
