"""cases(): one Case per law input set, valid for every kind and exact through JSON."""

from __future__ import annotations

import collections
import json

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import spec.filters as F
from spec.build import blueprint_model
from spec.laws import INPUTS, LAWS, Case
from spec.runner import profiles
from spec.semantics import apply, check_filters, flatten, partition
from spec.target import Capability
from strategies import cases

FAST = settings(max_examples=30, deadline=None, derandomize=True, database=None)
KIND_SETS = [
    ("graph",),
    ("module_graph",),
    ("graph", "filters"),
    ("graph", "exhaustive_filters"),
    ("graph", "nonexhaustive_filters"),
    ("graph", "bad_filters"),
    ("graph", "program"),
    ("graph", "other"),
    ("graph", "near_miss"),
    ("module_graph", "exhaustive_filters", "program", "other"),
    (),
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
]


def _check(kinds: tuple[str, ...], case: Case) -> None:
    assert Case.from_data(case.to_data()) == case
    assert Case.from_data(json.loads(case.to_json())) == case
    if "module_graph" in kinds:
        assert case.graph.nodes[0].kind == "module"
    if not any(k.endswith("filters") for k in kinds):
        assert case.filters == ()
    if "filters" in kinds:
        check_filters(case.filters)
    if "exhaustive_filters" in kinds:
        check_filters(case.filters)
        assert F.is_catch_all(case.filters[-1])
    if "nonexhaustive_filters" in kinds:
        assert partition(flatten(blueprint_model(case.graph))[1], case.filters)[1]
    if "bad_filters" in kinds:
        assert (F.misplaced_catch_all(case.filters) is not None) != any(
            F.has_invalid(f) for f in case.filters
        )
    if "program" in kinds:
        apply(blueprint_model(case.graph), case.program)
    else:
        assert case.program == ()
    assert (case.other is not None) == ("other" in kinds or "near_miss" in kinds)


@pytest.mark.parametrize("kinds", KIND_SETS, ids=lambda k: "+".join(k) or "none")
def test_cases_hold_valid_inputs_of_the_named_kinds(kinds: tuple[str, ...]) -> None:
    @FAST
    @given(cases(kinds))
    def check(case: Case) -> None:
        _check(kinds, case)

    check()


def test_every_input_kind_is_covered() -> None:
    assert {k for kinds in KIND_SETS for k in kinds} == set(INPUTS)


@settings(FAST, max_examples=len(LAWS))
@given(
    st.sampled_from([law for law in LAWS if law.inputs]).flatmap(
        lambda law: st.tuples(st.just(law.inputs), cases(law.inputs))
    )
)
def test_cases_for_the_registered_laws(drawn: tuple[tuple[str, ...], Case]) -> None:
    _check(*drawn)


@FAST
@given(
    cases(
        ("graph", "program"),
        dtypes=("int32",),
        max_nodes=2,
        max_variables=1,
        max_edits=1,
        tail="never",
    )
)
def test_case_size_arguments(case: Case) -> None:
    assert len(case.graph.nodes) <= 3  # two nodes, plus one a sharing choice may add
    assert len(case.program) <= 1
    for v in case.graph.variables:
        assert v.dtype == "int32"


# --- The inputs of modern flax, under the ci profile ---------------------------------------------

MODERN = frozenset({Capability.PYTREE_MODULES, Capability.LIST_NODES, Capability.SEQUENTIAL_NODES})


def test_modern_inputs_are_drawn_within_one_laws_ci_search() -> None:
    # what one law's ci search (its derandomized examples, scale floor aside) draws on a target
    # with the capabilities of flax 0.12: both module modes, nnx.List and nnx.Sequential nodes,
    # and programs that add, replace and delete nnx.List elements
    seen: collections.Counter[str] = collections.Counter()

    @settings(profiles.settings_for("ci", 1.0), phases=[Phase.generate])
    @given(cases(("module_graph", "program"), capabilities=MODERN))
    def draw(case: Case) -> None:
        kinds = {n.kind for n in case.graph.nodes}
        seen.update(k for k in ("nnx_list", "sequential") if k in kinds)
        seen.update(["pytree-mode node"] if any(n.pytree for n in case.graph.nodes) else [])
        for edit in case.program:  # graph nodes other than an nnx.List have str keys
            if "nnx_list" in kinds and type(getattr(edit, "key", None)) is int:
                seen[f"nnx.List {type(edit).__name__}"] += 1

    draw()
    wanted = ["nnx_list", "sequential", "pytree-mode node", "nnx.List DeleteAttr"]
    assert all(seen[w] for w in wanted), dict(seen)
