"""Reducing a failure on a scale-tail graph (``spec.runner.reduce``): the tail's links and
statics go while the failure stays, never a part the failure needs, within the budget."""

from __future__ import annotations

from spec.blueprint import Blueprint, NodeSpec, ToNode, ToStatic, ToVar, VarSpec
from spec.laws import Case
from spec.runner.reduce import Budget, reduce_case
from strategies import scale_shape
from strategies._scale import add_tail

CARRIED = Blueprint(
    (
        NodeSpec("module", (("w", ToVar(0)), ("items", ToNode(1)))),
        NodeSpec("list", ((0, ToNode(2)),)),
        NodeSpec("module", (("s", ToStatic(3)),)),
    ),
    (VarSpec(),),
)
"""A module holding a Variable and a list that holds a module with a static."""


def _deep(pattern: list[int]) -> Blueprint:
    kinds = ("module", "list", "tuple", "dict", "container")
    gene = (0, 5, 0, pattern)
    return add_tail(
        CARRIED, gene, root_kinds=("module",), child_kinds=kinds, statics=True, dtype="float32"
    )


def _lists_holding_modules(bp: Blueprint) -> int:
    return sum(
        1
        for n in bp.nodes
        if n.kind == "list"
        for _, e in n.entries
        if isinstance(e, ToNode) and bp.nodes[e.index].kind == "module"
    )


def test_a_deep_spine_shrinks_to_what_the_failure_needs() -> None:
    graph = _deep([0, 1] * 24)  # modules and lists in turn: many lists hold a module
    assert scale_shape(graph) == "deep" and len(graph.nodes) > 100
    checked: list[Blueprint] = []

    def fails(case: Case) -> bool:
        checked.append(case.graph)
        return _lists_holding_modules(case.graph) >= 1

    reduced = reduce_case(Case(graph=graph), fails, Budget())
    assert fails(reduced)
    assert len(reduced.graph.nodes) <= 4, reduced.graph
    assert reduced.graph.variables == graph.variables
    assert scale_shape(reduced.graph) is None


def test_a_wide_module_loses_its_statics_but_not_what_fails() -> None:
    wide = Blueprint((NodeSpec("module", tuple((f"k{i}", ToStatic(i)) for i in range(300))),), ())

    def fails(case: Case) -> bool:  # needs the static at k7
        return any(k == "k7" for k, _ in case.graph.nodes[0].entries)

    reduced = reduce_case(Case(graph=wide), fails, Budget())
    assert [k for k, _ in reduced.graph.nodes[0].entries] == ["k7"]


def test_a_failure_that_needs_the_whole_tail_keeps_it() -> None:
    graph = _deep([0] * 48)
    reduced = reduce_case(Case(graph=graph), lambda c: c.graph == graph, Budget())
    assert reduced.graph is graph


def test_the_budget_bounds_the_law_runs() -> None:
    calls: list[int] = []

    def never(case: Case) -> bool:
        calls.append(1)
        return False

    reduce_case(Case(graph=_deep([0, 1] * 24)), never, Budget(checks=7))
    assert len(calls) == 7
