"""The robustness laws ROB-4..ROB-12 on hand-picked inputs: each hostile family passes on the
reference, the leak and memory laws catch deliberately leaky toys, and the hostile states that
ROB-8 / ROB-9 found the reference (like the seed) accepting stay rejected (D-17, D-18).

The failing example of every law against a mutant lives in ``tests/spec/law_examples``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from spec.blueprint import Blueprint, NodeSpec, ToNode, ToStatic, ToVar, VarSpec
from spec.errors import LawViolation
from spec.filters import Invalid, Literal, TypeFilter
from spec.hostile import (
    ArrayAttribute,
    ContextCalls,
    DropLeaf,
    ExtraLeaf,
    FilterCall,
    Hostile,
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
)
from spec.laws import Case, law_by_id
from spec.target import Target
from spec.targets.reference import ReferenceTarget

GRAPH = Blueprint(
    (
        NodeSpec(
            "module", (("a", ToNode(1)), ("b", ToVar(0)), ("s", ToStatic(3)), ("t", ToNode(2)))
        ),
        NodeSpec("module", (("c", ToVar(1)), ("d", ToNode(2)), ("up", ToNode(0)))),
        NodeSpec("list", ((0, ToVar(2)), (1, ToVar(0)))),
    ),
    (VarSpec(), VarSpec(seed=1, shape=(2,)), VarSpec(type="BatchStat", seed=2)),
)
"""A module with a submodule (with a back edge to the root), a list shared by both, a shared
Variable and a static."""
OTHER = Blueprint(
    (NodeSpec("module", (("b", ToVar(0)), ("z", ToNode(1)))), NodeSpec("module")),
    (VarSpec(seed=5),),
)


def _case(*hostile: Hostile, graph: Blueprint = GRAPH, scale: float = 1.0) -> Case:
    return Case(graph=graph, other=OTHER, hostile=hostile, scale=scale)


@pytest.fixture(scope="module")
def reference() -> Target:
    return ReferenceTarget()


STATES = [
    HostileState((DropLeaf(0),)),
    HostileState((ExtraLeaf(0),)),
    HostileState((ExtraLeaf(3, "fresh"),)),
    HostileState((ExtraLeaf(0, "tuple"),)),
    HostileState((ExtraLeaf(1, "none"),)),
    HostileState((RenameKey(1, 0),)),
    HostileState((RenameKey(0, 1),)),
    HostileState((LeafForSubgraph(0),)),
    HostileState((LeafForStatic(0),)),
    HostileState((MoveLeaf(0, 0),)),
    HostileState((RawValue(1),)),
    HostileState((Restyle(0, "dtype"),), parts=2),
    HostileState((Restyle(1, "metadata"), Restyle(2, "type"))),
    HostileState((DropLeaf(1),), source="other"),
    HostileState((), graphdef="other"),
    HostileState((ExtraLeaf(2),), graphdef="noderef"),
]


@pytest.mark.parametrize("op", STATES, ids=repr)
def test_merge_of_hostile_states_passes_on_the_reference(
    reference: Target, op: HostileState
) -> None:
    law_by_id("ROB-8").run(reference, _case(op))


@pytest.mark.parametrize("op", [s for s in STATES if s.graphdef != "other"], ids=repr)
def test_update_with_hostile_states_passes_on_the_reference(
    reference: Target, op: HostileState
) -> None:
    law_by_id("ROB-9").run(reference, _case(op))


GRAPH_FAULTS: dict[str, list[Hostile]] = {
    "ROB-13": [ArrayAttribute(0), ArrayAttribute(1, boxed=True)],
    "ROB-14": [UnhashableStatic(0), UnhashableStatic(1, boxed=True)],
    "ROB-15": [
        OddDictKeys(0, ("none",)),
        OddDictKeys(0, ("bool", "int")),
        OddDictKeys(0, ("float",)),
        OddDictKeys(2, ("tuple", "tuple")),
    ],
    "ROB-16": [
        OddDictKeys(0, ("str", "int")),
        OddDictKeys(0, ("none", "str")),
        OddDictKeys(1, ("bytes", "int")),
    ],
    "ROB-17": [
        OddNodeKeys(0),
        OddNodeKeys(1, "pytree", ("none",)),
        OddNodeKeys(0, "pytree", ("bytes", "float")),
    ],
    "ROB-18": [
        PytreeSelfCycle(0),
        PytreeSelfCycle(1, "dict"),
        PytreeSelfCycle(0, "list-after-node"),
    ],
    "ROB-19": [
        NonNodeRoot("variable"),
        NonNodeRoot("array"),
        NonNodeRoot("int"),
        NonNodeRoot("str"),
    ],
}
"""Hand-picked hostile graphs of each fault kind, by the law that states its outcome."""


@pytest.mark.parametrize(
    ("law_id", "op"), [(k, op) for k, ops in GRAPH_FAULTS.items() for op in ops], ids=repr
)
def test_hostile_graphs_pass_on_the_reference(reference: Target, law_id: str, op: Hostile) -> None:
    law_by_id(law_id).run(reference, _case(op))


def test_the_split_hostile_graph_laws_leave_their_old_id_retired() -> None:
    with pytest.raises(KeyError, match="ROB-10 is retired"):
        law_by_id("ROB-10")


@pytest.mark.parametrize(
    "op",
    [
        FilterCall("split", (TypeFilter("Param"),)),
        FilterCall("split", (Literal("..."), TypeFilter("Param"))),
        FilterCall("state", (Invalid("int"),)),
        FilterCall("variables", (TypeFilter("Param"), Invalid("object"))),
        FilterCall("pop", ()),
        FilterCall("pop", (TypeFilter("BatchStat"),)),
        FilterCall("pop", (Literal("..."),)),
        FilterCall("split_context", (TypeFilter("Param"),)),
        FilterCall("split_context", (Literal("true"),)),
    ],
    ids=repr,
)
def test_hostile_filter_calls_pass_on_the_reference(reference: Target, op: FilterCall) -> None:
    law_by_id("ROB-11").run(reference, _case(op))


@pytest.mark.parametrize(
    "calls",
    [
        ("split", "merge", "split", "merge"),
        ("merge",),
        ("split", "split"),
        ("split", "merge", "merge"),
        ("split", "merge", "split", "merge_plain", "merge"),
        ("split", "merge_ref", "merge", "current"),
        ("split", "exit", "merge", "current"),
        ("split", "merge", "split", "merge", "split", "merge", "split", "merge"),
    ],
    ids="-".join,
)
def test_context_call_sequences_pass_on_the_reference(
    reference: Target, calls: tuple[Any, ...]
) -> None:
    law_by_id("ROB-12").run(reference, _case(ContextCalls(calls)))


def test_threads_leaks_and_depth_pass_on_the_reference_at_a_small_scale(reference: Target) -> None:
    for law_id in ("ROB-4", "ROB-5", "ROB-7"):
        law_by_id(law_id).run(reference, Case(graph=GRAPH, scale=0.02))
    law_by_id("ROB-6").run(reference, Case(graph=GRAPH))


# --- deliberately leaky toys ---------------------------------------------------------------------

_KEPT: list[object] = []


class SplitKeepsGraphdefs(ReferenceTarget):
    """A split that remembers every GraphDef it returns (a cache keyed by call, never evicted)."""

    name = "toy-split-keeps-graphdefs"

    def split(self, x: object, *filters: object) -> tuple[object, ...]:
        out = super().split(x, *filters)
        _KEPT.append(out[0])
        return out


class ContextPinsOuterGraph(ReferenceTarget):
    """An update context that pins the graph of every outer split on a registry it never clears."""

    name = "toy-context-pins"

    def ctx_split(self, ctx: object, x: object, *filters: object) -> tuple[object, ...]:
        _KEPT.append(x)
        return super().ctx_split(ctx, x, *filters)


def test_the_memory_law_catches_a_graphdef_kept_per_split() -> None:
    _KEPT.clear()
    with pytest.raises(LawViolation, match="grew the traced heap"):
        law_by_id("ROB-7").run(SplitKeepsGraphdefs(), Case(graph=GRAPH, scale=0.1))
    _KEPT.clear()


def test_the_context_leak_law_catches_a_pinned_graph() -> None:
    _KEPT.clear()
    with pytest.raises(LawViolation, match="still alive"):
        law_by_id("ROB-6").run(ContextPinsOuterGraph(), Case(graph=GRAPH))
    _KEPT.clear()


def test_the_thread_law_scales_with_the_case() -> None:
    case = Case(graph=GRAPH, scale=0.001)
    law_by_id("ROB-5").run(ReferenceTarget(), dataclasses.replace(case))


# --- hostile states the seed accepted and the spec rejects (deviations D-17, D-18) ---------------

LEAF_GRAPH = Blueprint((NodeSpec("module", (("a", ToVar(0)),)),), (VarSpec(),))


def test_merge_rejects_a_mapping_for_a_variable(reference: Target) -> None:
    law_by_id("ROB-8").run(reference, _case(HostileState((MappingForLeaf(0),)), graph=LEAF_GRAPH))


def test_update_rejects_a_mapping_for_a_variable(reference: Target) -> None:
    law_by_id("ROB-9").run(reference, _case(HostileState((MappingForLeaf(0),)), graph=LEAF_GRAPH))


@pytest.mark.parametrize(
    "edits",
    [(RawValue(0), RenameKey(0)), (MappingForLeaf(0), RenameKey(0))],
    ids=["raw", "mapping"],
)
def test_update_rejects_an_untyped_value_at_a_new_key(
    reference: Target, edits: tuple[Any, ...]
) -> None:
    law_by_id("ROB-9").run(reference, _case(HostileState(edits), graph=LEAF_GRAPH))


def test_merge_rejects_a_leaf_at_a_shared_subgraphs_second_path(reference: Target) -> None:
    shared = Blueprint(
        (NodeSpec("module", (("a", ToNode(1)), ("b", ToNode(1)))), NodeSpec("module"))
    )
    leaf_at_b = Blueprint((NodeSpec("module", (("b", ToVar(0)),)),), (VarSpec(),))
    case = Case(graph=shared, other=leaf_at_b, hostile=(HostileState((), source="other"),))
    law_by_id("ROB-8").run(reference, case)
