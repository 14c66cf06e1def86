"""The oracle on hand-built graphs: the seed's documented behaviour, rule by rule."""

from __future__ import annotations

import pytest

from spec import semantics
from spec.blueprint import Blueprint, NodeSpec, ToNode, ToStatic, ToVar, Unhashable, VarSpec
from spec.build import blueprint_model
from spec.errors import SpecError
from spec.filters import Literal, OfType, PathContains, TagFilter, TypeFilter
from spec.model import Model, NodeModel, NodeSlot, VarSlot, aliasing, diff, path_str
from spec.program import (
    AddNode,
    AddVariable,
    Alias,
    DeleteAttr,
    PointToAncestor,
    SetStatic,
    TransformValues,
)
from spec.semantics import RawLeaf

P = VarSpec("Param", (2,), "float32", 0)
B = VarSpec("BatchStat", (), "float32", 1, (("tag", "stats"),))


def shared_and_cyclic() -> Blueprint:
    """root.a and root.b share a Param; root.c is a list holding one submodule twice, whose .p
    points back at the root; root.s is a static."""
    return Blueprint(
        nodes=(
            NodeSpec(
                "module", (("a", ToVar(0)), ("b", ToVar(0)), ("c", ToNode(1)), ("s", ToStatic(3)))
            ),
            NodeSpec("list", ((0, ToNode(2)), (1, ToNode(2)))),
            NodeSpec("module", (("bn", ToVar(1)), ("p", ToNode(0)))),
        ),
        variables=(P, B),
    )


def test_flatten_numbers_nodes_and_variables_in_one_preorder_counter() -> None:
    tokens, flat = semantics.flatten(blueprint_model(shared_and_cyclic()))
    assert tokens == (
        ("node", "graph", "Node", 0, 4),
        ("variable", "a", "Param", 1, ()),
        ("varref", "b", 1),
        ("subgraph", "c"),
        ("node", "pytree", "list", -1, 2),
        ("subgraph", 0),
        ("node", "graph", "Node", 2, 2),
        ("variable", "bn", "BatchStat", 3, (("tag", "stats"),)),
        ("subgraph", "p"),
        ("ref", 0),
        ("subgraph", 1),
        ("ref", 2),
        ("static", "s", "int", "3"),
    )
    assert [p for p, _ in flat] == [("a",), ("c", 0, "bn")]


def test_rebuild_unaliases_pytree_containers_but_keeps_graph_sharing() -> None:
    m = blueprint_model(
        Blueprint(
            nodes=(
                NodeSpec(
                    "module",
                    (("x", ToNode(1)), ("y", ToNode(1)), ("z", ToNode(2)), ("w", ToNode(2))),
                ),
                NodeSpec("list", ((0, ToVar(0)),)),
                NodeSpec("module"),
            ),
            variables=(P,),
        )
    )
    shared_before = {m.nodes[i].type_name for (kind, i), _ in aliasing(m).items() if kind == "node"}
    r = semantics.rebuild(m)
    shared_after = {r.nodes[i].type_name for (kind, i), _ in aliasing(r).items() if kind == "node"}
    assert shared_before == {"list", "Node"}
    assert shared_after == {"Node"}
    assert any(kind == "Variable" for kind, _ in aliasing(r))  # the Param inside the list stays one


def test_merge_of_flatten_is_rebuild_and_diff_is_none() -> None:
    m = blueprint_model(shared_and_cyclic())
    assert diff(semantics.rebuild(m), semantics.merge(*semantics.flatten(m))) is None


@pytest.mark.parametrize(
    ("edit_state", "kind", "where"),
    [
        (lambda flat: flat[:-1], "missing-key", ("c", 0, "bn")),
        (lambda flat: (*flat, (("zz",), flat[0][1])), "unknown-key", ("zz",)),
        (lambda flat: (*flat, (("s",), flat[0][1])), "static-in-state", ("s",)),
        (lambda flat: ((("c",), flat[0][1]), flat[0]), "leaf-for-subgraph", ("c",)),
        (lambda flat: ((("a", "deeper"), flat[0][1]), flat[1]), "subgraph-for-leaf", ("a",)),
    ],
)
def test_merge_errors_name_the_path(edit_state, kind: str, where: tuple[object, ...]) -> None:  # type: ignore[no-untyped-def]
    tokens, flat = semantics.flatten(blueprint_model(shared_and_cyclic()))
    with pytest.raises(SpecError) as info:
        semantics.merge(tokens, edit_state(flat))
    assert (info.value.kind, info.value.path) == (kind, where)


def test_merge_of_a_raw_leaf_takes_type_and_metadata_from_the_graphdef() -> None:
    tokens, flat = semantics.flatten(blueprint_model(shared_and_cyclic()))
    v = flat[1][1]
    raw = RawLeaf(v.dtype, v.shape, v.data)
    merged = semantics.merge(tokens, (flat[0], (flat[1][0], raw)))
    assert merged.variables[1] == v


def test_state_is_first_path_per_variable_and_split_requires_exhaustive_filters() -> None:
    m = blueprint_model(shared_and_cyclic())
    params, rest = semantics.split(m, (TypeFilter("Param"), Literal("...")))
    assert [p for p, _ in params] == [("a",)] and [p for p, _ in rest] == [("c", 0, "bn")]
    with pytest.raises(SpecError, match="non-exhaustive"):
        semantics.split(m, (TypeFilter("Param"),))
    with pytest.raises(SpecError, match="misplaced"):
        semantics.split(m, (Literal("..."), TypeFilter("Param")))
    assert len(semantics.split(m, (TypeFilter("Param"), Literal("..."), Literal("true")))) == 3
    assert semantics.state_groups(m, (TagFilter("stats"),))[0][0][0] == ("c", 0, "bn")
    assert [
        p for p, _ in semantics.state_groups(m, (OfType("Variable"), PathContains("bn")))[1]
    ] == []


def test_update_is_all_or_nothing_and_keeps_variable_types() -> None:
    m = blueprint_model(shared_and_cyclic())
    flat = semantics.state(m)
    new = tuple((p, semantics.transformed(v, "add_one")) for p, v in flat)
    updated = semantics.update(m, new)
    assert [v.value.tolist() for v in updated.variables] == [[1.0, 2.0], 2.0]
    with pytest.raises(SpecError) as info:
        semantics.update(m, (*new, (("s",), flat[0][1])))
    assert info.value.kind == "not-a-variable"
    with pytest.raises(SpecError) as info:
        semantics.update(m, ((("c", "zz"), flat[0][1]),))
    assert info.value.kind == "immutable-node"


def test_pop_removes_every_alias_and_refuses_pytree_parents() -> None:
    m = blueprint_model(shared_and_cyclic())
    after, (popped,) = semantics.pop(m, (TypeFilter("Param"),))
    assert [p for p, _ in popped] == [("a",)]
    assert after.root.keys == ("c", "s")
    inside_list = blueprint_model(
        Blueprint(
            nodes=(
                NodeSpec("module", (("a", ToVar(0)), ("l", ToNode(1)))),
                NodeSpec("list", ((0, ToVar(0)),)),
            ),
            variables=(P,),
        )
    )
    with pytest.raises(SpecError) as info:
        semantics.pop(inside_list, (TypeFilter("Param"),))
    assert (info.value.kind, info.value.path) == ("immutable-node", ("l", 0))


def test_iter_graph_is_post_order_once_per_identity_and_every_pytree_occurrence() -> None:
    m = blueprint_model(
        Blueprint(
            nodes=(
                NodeSpec("list", ((0, ToNode(1)), (1, ToNode(1)), (2, ToNode(2)), (3, ToNode(3)))),
                NodeSpec("module", (("b", ToVar(0)), ("din", ToStatic(2)), ("w", ToVar(0)))),
                NodeSpec("none"),
                NodeSpec("none"),
            ),
            variables=(P,),
        )
    )
    paths = [path_str(p) for p, _ in semantics.iter_graph(m)]
    assert paths == ["[0].b", "[0].din", "[0]", "[2]", "[3]", "<root>"]


def test_programs_edit_the_model_directly() -> None:
    m = blueprint_model(shared_and_cyclic())
    program = (
        SetStatic((), "t", "x"),
        AddVariable((), "n", VarSpec()),
        AddNode((), "sub"),
        Alias(("sub",), "shared", ("a",)),
        PointToAncestor(("sub",), "up", 1),
        DeleteAttr((), "s"),
        TransformValues("double"),
    )
    out = semantics.apply(m, program)
    assert out.root.keys == ("a", "b", "c", "n", "sub", "t")
    sub = out.nodes[out.root.get("sub").id]  # type: ignore[union-attr]
    assert sub.get("up") == NodeSlot(0)
    assert sub.get("shared") == out.root.get("a") and isinstance(sub.get("shared"), VarSlot)


def test_unhashable_statics_are_modelled_by_value() -> None:
    m = blueprint_model(Blueprint((NodeSpec("module", (("u", ToStatic(Unhashable((2, 1)))),)),)))
    assert semantics.graphdef_tokens(m)[1] == ("static", "u", "set", "set([1, 2])")


def list_met_again_inside_itself() -> Blueprint:
    """root.c.a and root.e.a are one list L = [e, Param]; root.c comes first in key order, so
    the walk meets L at .c.a, then e at .c.a[0], then L again inside its own expansion."""
    return Blueprint(
        nodes=(
            NodeSpec("module", (("c", ToNode(1)), ("e", ToNode(2)), ("r", ToVar(0)))),
            NodeSpec("module", (("a", ToNode(3)),)),
            NodeSpec("module", (("a", ToNode(3)),)),
            NodeSpec("list", ((0, ToNode(2)), (1, ToVar(1)))),
        ),
        variables=(P, B),
    )


def test_first_paths_follow_split_into_a_container_met_again_inside_itself() -> None:
    m = blueprint_model(list_met_again_inside_itself())
    nodes, variables = m.first_paths()
    inner = ("c", "a", 0, "a", 1)
    assert sorted(variables.values()) == [inner, ("r",)]
    assert [p for p, _ in semantics.state(m)] == [inner, ("r",)]
    assert sorted(nodes.values()) == [(), ("c",), ("c", "a"), ("c", "a", 0)]
    walked = [p for p, s, _ in m.walk() if isinstance(s, VarSlot)]
    assert walked == [inner, ("c", "a", 1), ("r",)]  # .e is a reference: not walked again


def test_a_container_holding_itself_is_walked_once() -> None:
    """Not a graph split accepts (hostile: ``pytree-cycle``), but the walk still ends."""
    param = blueprint_model(Blueprint((NodeSpec("module", (("p", ToVar(0)),)),), (P,))).variables
    m = Model(
        nodes=(
            NodeModel("graph", "Node", (("l", NodeSlot(1)),)),
            NodeModel("pytree", "list", ((0, NodeSlot(1)), (1, VarSlot(0)))),
        ),
        variables=param,
    )
    assert [(p, first) for p, _, first in m.walk()] == [
        (("l",), True),
        (("l", 0), False),
        (("l", 1), True),
    ]
