"""Hostile-input strategies (``strategies._hostile``) and their neutral descriptions
(``spec.hostile``): valid by construction, every kind reached, exact through JSON, shrinking to the
simplest operation; edited states stay valid flat states; the context-call oracle's state
machine."""

from __future__ import annotations

import json

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from spec.blueprint import Blueprint, NodeSpec, ToNode, ToStatic, ToVar, VarSpec
from spec.build import blueprint_model
from spec.codec import decode, encode
from spec.errors import SpecError
from spec.hostile import (
    CALLS,
    OPS,
    ArrayAttribute,
    ContextCalls,
    DropLeaf,
    ExtraLeaf,
    FilterCall,
    HostileState,
    LeafForStatic,
    LeafForSubgraph,
    MappingForLeaf,
    MoveLeaf,
    NonNodeRoot,
    OddDictKeys,
    OddNodeKeys,
    PytreeSelfCycle,
    RawValue,
    RenameKey,
    Restyle,
    UnhashableStatic,
    corrupt,
    odd_keys,
    split_parts,
)
from spec.laws import Case
from spec.semantics import flatten, state
from spec.semantics import hostile as oracle
from spec.semantics.merge import RawLeaf
from strategies import (
    GRAPH_FAULTS,
    HOSTILE_INPUTS,
    cases,
    context_calls,
    graphs,
    hostile_filter_calls,
    hostile_graphs,
    hostile_states,
    state_edits,
)

FAST = settings(max_examples=80, deadline=None, derandomize=True, database=None)
FIND = settings(
    max_examples=3000,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate, Phase.shrink],
)
TREE = Blueprint(
    (
        NodeSpec("module", (("a", ToNode(1)), ("b", ToVar(0)), ("s", ToStatic(3)))),
        NodeSpec("module", (("c", ToVar(1)), ("d", ToNode(2)))),
        NodeSpec("list", ((0, ToVar(2)),)),
    ),
    (VarSpec(), VarSpec(seed=1), VarSpec(seed=2)),
)
"""A module, a submodule, a list in it, three Variables and a static."""


def _round_trips(value: object) -> None:
    data = encode(value)
    assert decode(json.loads(json.dumps(data))) == value


def _valid_flat(entries: tuple[tuple[tuple[object, ...], object], ...]) -> None:
    paths = [p for p, _ in entries]
    assert len(set(paths)) == len(paths), paths
    for p in paths:
        for q in paths:
            assert p == q or q[: len(p)] != p, (p, q)  # no leaf above another


# --- strategies ----------------------------------------------------------------------------------


@FAST
@given(hostile_states())
def test_hostile_states_are_valid_and_exact_through_json(op: HostileState) -> None:
    assert 1 <= len(op.edits) <= 3
    assert (
        op.source in ("own", "other")
        and op.graphdef in ("own", "other", "noderef")
        and op.parts in (1, 2)
    )
    _round_trips(op)


@FAST
@given(hostile_graphs())
def test_hostile_graphs_are_valid_and_exact_through_json(op: object) -> None:
    assert isinstance(
        op,
        (ArrayAttribute, UnhashableStatic, OddDictKeys, OddNodeKeys, PytreeSelfCycle, NonNodeRoot),
    )
    if isinstance(op, OddNodeKeys):
        keys = odd_keys(("str", "int", *op.kinds))
        assert op.node in ("graph", "pytree", "jax") and len(keys) == len(set(keys))
        assert op.keys == ([[1], [2]] if op.unhashable else keys)
    if isinstance(op, OddDictKeys):
        assert 1 <= len(op.kinds) <= 3 and "fresh" not in op.kinds
        assert not ("float" in op.kinds and {"int", "bool"} & set(op.kinds))
        keys = odd_keys(op.kinds)
        assert len(keys) == len(set(keys)) == len(op.kinds)
    _round_trips(op)


@pytest.mark.parametrize(
    ("kind", "cls", "orderable"),
    [
        ("orderable_dict_keys", OddDictKeys, True),
        ("unorderable_dict_keys", OddDictKeys, False),
        ("unorderable_node_keys", OddNodeKeys, False),
    ],
)
def test_each_key_fault_draws_keys_of_its_own_outcome(
    kind: str, cls: type, orderable: bool
) -> None:
    @FAST
    @given(GRAPH_FAULTS[kind])
    def check(op: OddDictKeys | OddNodeKeys) -> None:
        assert isinstance(op, cls)
        assert (oracle.keys_fault(op.keys, ()) is None) == orderable

    check()


@FAST
@given(graphs().flatmap(lambda g: st.tuples(st.just(g), hostile_filter_calls(g))))
def test_hostile_filter_calls_are_valid_and_exact_through_json(
    drawn: tuple[Blueprint, FilterCall],
) -> None:
    _, op = drawn
    assert op.op in OPS
    _round_trips(op)


@FAST
@given(context_calls())
def test_context_calls_are_never_empty_and_exact_through_json(op: ContextCalls) -> None:
    assert 1 <= len(op.calls) <= 4 + 5
    assert set(op.calls) <= set(CALLS)
    _round_trips(op)


@pytest.mark.parametrize(
    "kinds",
    [
        ("graph", "other", "hostile_state"),
        ("module_graph", "array_attribute"),
        ("module_graph", "unhashable_static"),
        ("module_graph", "orderable_dict_keys"),
        ("module_graph", "unorderable_dict_keys"),
        ("module_graph", "unorderable_node_keys"),
        ("module_graph", "pytree_cycle"),
        ("non_node_root",),
        ("graph", "hostile_filters"),
        ("module_graph", "hostile_calls"),
    ],
)
def test_cases_hold_one_operation_per_hostile_kind_and_round_trip(kinds: tuple[str, ...]) -> None:
    @FAST
    @given(cases(kinds))
    def check(case: Case) -> None:
        assert len(case.hostile) == sum(k in HOSTILE_INPUTS for k in kinds) == 1
        assert Case.from_data(json.loads(case.to_json())) == case

    check()


def test_cases_without_hostile_inputs_keep_their_json() -> None:
    case = Case(graph=TREE)
    assert (
        "hostile" not in case.to_data()
    )  # vectors written before the field existed stay byte-identical
    assert Case.from_data({k: v for k, v in case.to_data().items()}) == case
    with_op = Case(graph=TREE, hostile=(DropLeaf(1), ContextCalls(("merge",))))  # type: ignore[arg-type]
    assert Case.from_data(json.loads(with_op.to_json())) == with_op


@pytest.mark.parametrize(
    "kind",
    [
        "DropLeaf",
        "ExtraLeaf",
        "RenameKey",
        "LeafForSubgraph",
        "MappingForLeaf",
        "LeafForStatic",
        "MoveLeaf",
        "RawValue",
        "Restyle",
    ],
)
def test_every_state_edit_is_reached_and_shrinks_to_its_simplest_form(kind: str) -> None:
    edit = find(state_edits(), lambda e: type(e).__name__ == kind, settings=FIND)
    assert getattr(edit, "pick", getattr(edit, "at", 0)) == 0


def test_hostile_states_shrink_to_one_edit_of_the_own_state() -> None:
    op = find(hostile_states(), lambda h: True, settings=FIND)
    assert op == HostileState((DropLeaf(0),), "own", "own", 1)


def test_context_calls_shrink_to_one_split() -> None:
    assert find(context_calls(), lambda c: True, settings=FIND) == ContextCalls(("split",))
    merged_twice = find(context_calls(), lambda c: c.calls.count("merge") >= 2, settings=FIND)
    assert len(merged_twice.calls) <= 4


# --- corrupt(): edited states stay valid flat states
# -----------------------------------------------


@FAST
@given(graphs(min_variables=1), st.lists(state_edits(), min_size=1, max_size=4))
def test_edits_keep_the_flat_state_valid(graph: Blueprint, edits: list[object]) -> None:
    m = blueprint_model(graph)
    entries, _ = corrupt(m, state(m), edits)  # type: ignore[arg-type]
    _valid_flat(entries)
    parts = split_parts(entries, 2)
    assert sorted(map(repr, (e for p in parts for e in p))) == sorted(map(repr, entries))


@pytest.mark.parametrize(
    ("edit", "expected", "touched"),
    [
        (DropLeaf(0), {("a", "d", 0), ("b",)}, [("a", "c")]),
        (ExtraLeaf(0), {("a", "c"), ("a", "d", 0), ("b",), ("zz_extra",)}, [("zz_extra",)]),
        (
            ExtraLeaf(2, "fresh"),
            {("a", "c"), ("a", "d", 0), ("a", "d", 1), ("b",)},
            [("a", "d", 1)],
        ),
        (ExtraLeaf(1, "int"), {("a", "c"), ("a", "d", 0), ("a", 104), ("b",)}, [("a", 104)]),
        (
            RenameKey(0, 0),
            {("zz_extra", "c"), ("zz_extra", "d", 0), ("b",)},
            [("a",), ("zz_extra",)],
        ),
        (LeafForSubgraph(0), {("a",), ("b",)}, [("a",)]),
        (LeafForSubgraph(1), {("a", "c"), ("a", "d"), ("b",)}, [("a", "d")]),
        (MappingForLeaf(2), {("a", "c"), ("a", "d", 0), ("b", "zz_inner")}, [("b",)]),
        (LeafForStatic(0), {("a", "c"), ("a", "d", 0), ("b",), ("s",)}, [("s",)]),
        (MoveLeaf(1, 0), {("a", "c"), ("a", 0), ("b",)}, [("a", "d", 0), ("a", 0)]),
        (MoveLeaf(1, 1), {("a", "c"), (0,), ("b",)}, [("a", "d", 0), (0,)]),
    ],
)
def test_each_edit_does_what_it_says(
    edit: object, expected: set[tuple[object, ...]], touched: list[tuple[object, ...]]
) -> None:
    m = blueprint_model(TREE)
    assert [p for p, _ in state(m)] == [("a", "c"), ("a", "d", 0), ("b",)]
    entries, got = corrupt(m, state(m), (edit,))  # type: ignore[arg-type]
    assert {p for p, _ in entries} == expected
    assert list(got) == touched


def test_raw_values_and_restyled_leaves_keep_their_path() -> None:
    m = blueprint_model(TREE)
    entries, touched = corrupt(m, state(m), (RawValue(2), Restyle(0, "shape"), Restyle(1, "dtype")))
    assert isinstance(entries[2][1], RawLeaf) and not touched
    assert entries[0][1].shape == (1,) and entries[1][1].dtype == "int32"


def test_an_edit_with_nothing_to_act_on_does_nothing() -> None:
    empty = blueprint_model(Blueprint((NodeSpec("module"),)))
    for edit in (
        DropLeaf(3),
        RenameKey(1),
        MappingForLeaf(0),
        LeafForSubgraph(0),
        LeafForStatic(0),
        MoveLeaf(0),
        RawValue(0),
    ):
        assert corrupt(empty, (), (edit,)) == ((), ())


# --- the oracle
# ------------------------------------------------------------------------------------


def _errors(calls: tuple[str, ...]) -> list[str | None]:
    return [s.error.kind if s.error else None for s in oracle.protocol_steps(calls)]


def test_the_protocol_in_order_has_no_error_and_may_start_again() -> None:
    steps = oracle.protocol_steps(("split", "merge", "split", "merge") * 2)
    assert [s.role for s in steps] == [
        "outer-split",
        "inner-merge",
        "inner-split",
        "outer-merge",
    ] * 2
    assert [s.graph for s in steps[:4]] == ["outer", "outer", "inner", "inner"]


def test_calls_out_of_order_are_context_order_errors_that_change_nothing() -> None:
    assert _errors(("merge", "split", "split", "merge")) == [
        "context-order",
        None,
        "context-order",
        None,
    ]
    assert _errors(("split", "merge", "merge")) == [None, None, "context-order"]
    assert _errors(("split", "merge", "split", "merge_plain", "merge")) == [
        None,
        None,
        None,
        "context-order",
        None,
    ]
    assert _errors(("split", "merge_plain", "split", "merge")) == [None] * 4
    assert _errors(("split", "merge_ref")) == [None, "noderef-root"]


def test_after_exit_every_call_fails_and_current_names_the_tag() -> None:
    steps = oracle.protocol_steps(("split", "exit", "merge", "split", "current", "exit"), tag="t")
    assert [s.error.kind if s.error else s.role for s in steps] == [
        "outer-split",
        "exit",
        "context-order",
        "context-order",
        "no-context",
        "exit",
    ]
    assert steps[4].error is not None and steps[4].error.path == ("t",)


def test_keys_fault_and_graph_fault() -> None:
    assert oracle.keys_fault(["a", "b"], ("d",)) is None
    assert oracle.keys_fault([(0, "zz"), (1, "zz")], ("d",)) is None
    fault = oracle.keys_fault(["a", None], ("d",))
    assert isinstance(fault, SpecError) and fault.kind == "invalid-key" and fault.path == ("d",)
    assert oracle.graph_fault("array", ("z",), arrays_are_errors=False) is None
    assert [oracle.graph_fault(k, ("z",)).kind for k in ("array", "cycle", "root")] == [  # type: ignore[union-attr]
        "array-attribute",
        "pytree-cycle",
        "not-a-node",
    ]
    assert oracle.graph_fault("unhashable", ("z",)) is None


def test_update_rejects_a_non_str_attribute_name_and_merge_a_noderef_root() -> None:
    m = blueprint_model(TREE)
    leaf = state(m)[0][1]
    with pytest.raises(SpecError) as e:
        oracle.update(m, (((1,), leaf),))
    assert e.value.kind == "invalid-key" and e.value.path == (1,)
    oracle.update(m, ((("a", "zz"), leaf),))  # a str is fine
    with pytest.raises(SpecError) as e:
        oracle.merge((("ref", 0),), ())
    assert e.value.kind == "noderef-root"


def test_faults_lists_every_place_at_fault_in_the_oracles_order() -> None:
    m = blueprint_model(TREE)
    entries, _ = corrupt(m, state(m), (DropLeaf(0), ExtraLeaf(0), LeafForStatic(0)))
    tokens = flatten(m)[0]
    faults = oracle.merge_faults(tokens, entries)
    assert [(e.kind, e.path) for e in faults] == [
        ("missing-key", ("a", "c")),
        ("static-in-state", ("s",)),
        ("unknown-key", ("zz_extra",)),
    ]
    assert oracle.merge_faults(tokens, state(m)) == []
    assert [e.kind for e in oracle.update_faults(m, entries)] == ["not-a-variable"]
