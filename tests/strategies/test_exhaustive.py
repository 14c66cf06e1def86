"""all_blueprints() / exhaustive_cases(): the bounded-exhaustive input set."""

from __future__ import annotations

import pytest

from spec.blueprint import Blueprint, ToNode, ToStatic
from spec.build import blueprint_model
from spec.laws import INPUTS, LAWS, Case
from spec.semantics import apply, flatten, partition
from strategies import (
    FIXED_FILTERS,
    all_blueprints,
    count_blueprints,
    exhaustive_cases,
    has_true_cycle,
)

DEFAULT_COUNT = 790
"""The size of the default scope (3 module nodes, 2 scalar Params, 4 edges); pinned so that a
change of scope or of the deduplication shows up."""


@pytest.mark.parametrize(
    ("scope", "count"),
    [
        ((1, 0, 0), 1),
        ((1, 1, 1), 3),
        ((2, 1, 2), 16),
        ((2, 2, 3), 80),
        ((3, 2, 4), DEFAULT_COUNT),
    ],
)
def test_scope_sizes_are_stable(scope: tuple[int, int, int], count: int) -> None:
    n, m, e = scope
    assert count_blueprints(max_graph_nodes=n, max_variables=m, max_edges=e) == count
    assert count_blueprints() == DEFAULT_COUNT


def test_the_default_scope_is_valid_and_non_isomorphic() -> None:
    blueprints = all_blueprints()
    models = {blueprint_model(bp) for bp in blueprints}
    assert (
        len(models) == len(blueprints) == DEFAULT_COUNT
    )  # canonical models differ: non-isomorphic
    for bp in blueprints:
        assert Blueprint.from_json(bp.to_json()) == bp
        assert 1 <= len(bp.nodes) <= 3 and len(bp.variables) <= 2
        assert sum(1 for _ in bp.edges()) <= 4
        assert all(n.kind == "module" for n in bp.nodes)
        assert not any(isinstance(e, ToStatic) for _, _, e in bp.edges())
        assert [v.seed for v in bp.variables] == list(range(len(bp.variables)))


def test_the_default_scope_has_sharing_and_cycles() -> None:
    blueprints = all_blueprints()
    assert sum(bp.has_shared_variable for bp in blueprints) > 100
    assert sum(bp.has_shared_graph_node for bp in blueprints) > 100
    assert sum(has_true_cycle(bp) for bp in blueprints) > 100
    self_loop = [bp for bp in blueprints if bp.nodes[0].entries == (("a", ToNode(0)),)]
    assert len(self_loop) == 1 and len(self_loop[0].nodes) == 1


def test_every_graph_of_a_small_scope_is_found() -> None:
    """Brute force over 2 nodes / 1 Variable / 2 edges agrees with the enumeration."""
    import itertools

    from spec.blueprint import BlueprintError, NodeSpec, ToVar, VarSpec

    targets: list[ToNode | ToVar] = [ToNode(0), ToNode(1), ToVar(0)]
    models = set()
    for n, m in itertools.product((1, 2), (0, 1)):
        options = [
            t
            for t in targets
            if not (isinstance(t, ToNode) and t.index >= n) and not (isinstance(t, ToVar) and not m)
        ]
        for split in range(3):
            for first in itertools.product(options, repeat=split):
                for rest_len in range(3 - split):
                    for second in itertools.product(options, repeat=rest_len if n == 2 else 0):
                        if n == 1 and rest_len:
                            continue
                        nodes = [NodeSpec("module", tuple(zip("ab", first, strict=False)))]
                        if n == 2:
                            nodes.append(NodeSpec("module", tuple(zip("ab", second, strict=False))))
                        try:
                            bp = Blueprint(tuple(nodes), (VarSpec(),) * m)
                        except BlueprintError:
                            continue
                        models.add(blueprint_model(bp))
    found = {
        blueprint_model(bp)
        for bp in all_blueprints(max_graph_nodes=2, max_variables=1, max_edges=2)
    }
    assert found == models


def test_all_blueprints_returns_a_fresh_list() -> None:
    first = all_blueprints()
    first.clear()
    assert len(all_blueprints()) == DEFAULT_COUNT


@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_exhaustive_cases_are_valid(kind: str) -> None:
    kinds = ("graph", kind) if kind != "graph" else ("graph",)
    out = exhaustive_cases(kinds)
    assert out and all(isinstance(c, Case) for c in out)
    for case in out[:: max(1, len(out) // 200)]:
        assert Case.from_data(case.to_data()) == case
    for case in out:
        if kind == "program":
            apply(blueprint_model(case.graph), case.program)
        if kind == "nonexhaustive_filters":
            assert partition(flatten(blueprint_model(case.graph))[1], case.filters)[1]
        if kind in FIXED_FILTERS and kind != "nonexhaustive_filters":
            assert case.filters in FIXED_FILTERS[kind]


def test_exhaustive_case_counts() -> None:
    assert len(exhaustive_cases(("graph",))) == DEFAULT_COUNT
    assert len(exhaustive_cases(("graph", "filters"))) == 3 * DEFAULT_COUNT
    assert len(exhaustive_cases(("graph", "program", "other"))) == 6 * DEFAULT_COUNT


def test_exhaustive_cases_exist_for_every_registered_law() -> None:
    for law in LAWS:
        if law.inputs:
            assert exhaustive_cases(law.inputs), law.id
