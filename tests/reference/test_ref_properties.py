"""Property tests on random graphs (sharing, cycles, pytree containers, statics).

The graphs are drawn as plain data (``GraphPlan``) and built afterwards, so Hypothesis
shrinks plans, not live objects. Checked: round trip isomorphism, GraphDef determinism,
first-path state, update with the own state is the identity, pop partitions the state,
and that the nested NodeDef view and the flat tokens agree.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import reference as nnx
from tests.reference.refmodels import D

VARIABLE_TYPES = (nnx.Param, nnx.BatchStat, nnx.Intermediate)


@dataclasses.dataclass(frozen=True)
class GraphPlan:
    """``nodes[i]`` lists the entries of Dict i as (key, kind, argument):
    kind 'node' -> Dict number argument, 'var' -> Variable number argument,
    'static' -> the int argument, 'list' -> a list holding Variable number argument."""

    nodes: tuple[tuple[tuple[str, str, int], ...], ...]
    variable_types: tuple[int, ...]


@st.composite
def graph_plans(draw: st.DrawFn) -> GraphPlan:
    n_nodes = draw(st.integers(1, 5))
    n_vars = draw(st.integers(0, 4))
    kinds = ["node", "static"] + (["var", "list"] if n_vars else [])
    nodes = []
    for _ in range(n_nodes):
        keys = draw(st.lists(st.sampled_from("abcdef"), unique=True, max_size=4))
        entries = []
        for key in keys:
            kind = draw(st.sampled_from(kinds))
            bound = (
                n_nodes - 1 if kind == "node" else (n_vars - 1 if kind in ("var", "list") else 9)
            )
            entries.append((key, kind, draw(st.integers(0, bound))))
        nodes.append(tuple(entries))
    types = tuple(draw(st.integers(0, len(VARIABLE_TYPES) - 1)) for _ in range(n_vars))
    return GraphPlan(tuple(nodes), types)


def build(plan: GraphPlan) -> nnx.Dict[Any]:
    variables = [VARIABLE_TYPES[t](float(i)) for i, t in enumerate(plan.variable_types)]
    nodes = [D() for _ in plan.nodes]
    for node, entries in zip(nodes, plan.nodes, strict=True):
        for key, kind, arg in entries:
            value: Any
            if kind == "node":
                value = nodes[arg]
            elif kind == "var":
                value = variables[arg]
            elif kind == "list":
                value = [variables[arg]]
            else:
                value = arg
            setattr(node, key, value)
    return nodes[0]


def shape(root: nnx.Dict[Any]) -> list[tuple[Any, ...]]:
    """An identity-free picture: per iter_graph item, its path, type, and the first path
    of the object it is (for graph nodes and Variables), or its value (statics)."""
    first: dict[int, Any] = {}
    picture: list[tuple[Any, ...]] = []
    for path, value in nnx.iter_graph(root):
        if isinstance(value, (nnx.Dict, nnx.Variable)):
            first.setdefault(id(value), path)
            picture.append(
                (path, type(value).__name__, first[id(value)], getattr(value, "raw_value", None))
            )
        elif not isinstance(value, list):
            picture.append((path, type(value).__name__, value))
    return picture


@settings(max_examples=30, deadline=None)
@given(graph_plans())
def test_round_trip_is_isomorphic_and_fresh(plan: GraphPlan) -> None:
    x = build(plan)
    graphdef, state = nnx.split(x)
    y = nnx.merge(graphdef, state)
    assert shape(y) == shape(x)
    assert nnx.graphdef(y) == graphdef and hash(nnx.graphdef(y)) == hash(graphdef)
    old_ids = {id(v) for _, v in nnx.iter_graph(x) if isinstance(v, (nnx.Dict, nnx.Variable))}
    assert not any(
        id(v) in old_ids for _, v in nnx.iter_graph(y) if isinstance(v, (nnx.Dict, nnx.Variable))
    )


@settings(max_examples=30, deadline=None)
@given(graph_plans())
def test_state_has_one_entry_per_variable_at_its_first_path(plan: GraphPlan) -> None:
    x = build(plan)
    flat = nnx.state(x).flat_state()
    first_paths = [path for path, v in nnx.iter_graph(x) if isinstance(v, nnx.Variable)]
    assert sorted(flat.paths) == sorted(first_paths)
    assert [p for p, _ in nnx.variables(x).flat_state()] == list(flat.paths)


@settings(max_examples=30, deadline=None)
@given(graph_plans())
def test_update_with_own_state_is_identity(plan: GraphPlan) -> None:
    x = build(plan)
    before = shape(x)
    ids = [id(v) for _, v in nnx.iter_graph(x)]
    nnx.update(x, nnx.state(x))
    assert shape(x) == before and [id(v) for _, v in nnx.iter_graph(x)] == ids


@settings(max_examples=30, deadline=None)
@given(graph_plans())
def test_split_partitions_and_pop_removes(plan: GraphPlan) -> None:
    x = build(plan)
    _, params, rest = nnx.split(x, nnx.Param, ...)
    everything = nnx.state(x).flat_state()
    assert sorted(params.flat_state().paths + rest.flat_state().paths) == sorted(everything.paths)
    in_lists = any(kind == "list" for entries in plan.nodes for _, kind, _ in entries)
    if in_lists:
        return  # popping from a list is an error (tested elsewhere)
    popped = nnx.pop(x, nnx.Param)
    assert popped.flat_state().paths == params.flat_state().paths
    assert not any(isinstance(v, nnx.Param) for _, v in nnx.iter_graph(x))


@settings(max_examples=20, deadline=None)
@given(graph_plans())
def test_nested_view_rebuilds_the_same_tokens(plan: GraphPlan) -> None:
    graphdef = nnx.graphdef(build(plan))
    assert isinstance(graphdef, nnx.NodeDef)
    rebuilt = nnx.NodeDef(graphdef.type, graphdef.index, graphdef.attributes, graphdef.metadata)
    assert rebuilt.tokens() == graphdef.tokens() and repr(rebuilt) == repr(graphdef)
