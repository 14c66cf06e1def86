"""``cases(inputs)``: one ``Case`` for a law, drawn for exactly the input kinds it names.

This is what the runner calls per law (``spec.laws.INPUTS`` lists the kinds).  Every drawn Case
round-trips exactly through ``Case.to_data`` / ``Case.from_data`` (JSON vectors).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from spec.blueprint import DTYPES, Blueprint
from spec.filters import FilterSpec
from spec.laws._registry import INPUTS, Case
from spec.target import Capability
from strategies._filters import bad_filter_tuples, filter_tuples, nonexhaustive_filter_tuples
from strategies._graphs import graphs
from strategies._hostile import HOSTILE_INPUTS, hostile_inputs
from strategies._nearmiss import near_misses
from strategies._programs import programs
from strategies._validation import check_int, check_subset, lazy

__all__ = ["FILTER_INPUTS", "cases"]

FILTER_INPUTS: tuple[str, ...] = (
    "filters",
    "exhaustive_filters",
    "nonexhaustive_filters",
    "bad_filters",
)
"""Input kinds that fill ``Case.filters`` (a law names at most one of them)."""


@st.composite
def _cases(
    draw: st.DrawFn,
    inputs: tuple[str, ...],
    graph_strategy: st.SearchStrategy[Blueprint],
    other_strategy: st.SearchStrategy[Blueprint],
    dtypes: tuple[str, ...],
    max_edits: int,
) -> Case:
    graph = draw(graph_strategy)
    filters: tuple[FilterSpec, ...] = ()
    if "filters" in inputs:
        filters = draw(filter_tuples())
    elif "exhaustive_filters" in inputs:
        filters = draw(filter_tuples(exhaustive=True))
    elif "nonexhaustive_filters" in inputs:
        filters = draw(nonexhaustive_filter_tuples(graph))
    elif "bad_filters" in inputs:
        filters = draw(bad_filter_tuples())
    program = (
        draw(programs(graph, max_edits=max_edits, dtypes=dtypes)) if "program" in inputs else ()
    )
    other = draw(other_strategy) if "other" in inputs else None
    if "near_miss" in inputs:
        aspect, other = draw(near_misses(graph))
        event(f"near miss: {aspect}")
    hostile = tuple(draw(hostile_inputs(kind, graph)) for kind in HOSTILE_INPUTS if kind in inputs)
    return Case(graph=graph, filters=filters, program=program, other=other, hostile=hostile)


def cases(
    inputs: Sequence[str],
    *,
    dtypes: Sequence[str] = DTYPES,
    max_nodes: int = 8,
    max_variables: int = 4,
    max_edits: int = 4,
    capabilities: Collection[str] = (),
    tail: str = "sometimes",
) -> st.SearchStrategy[Case]:
    """Return a strategy for ``Case``\\ s holding the input kinds ``inputs`` (``spec.laws.INPUTS``).

    ``graph`` is always drawn (``graphs()``; root kind ``module`` if ``module_graph`` is named;
    at least one Variable if ``nonexhaustive_filters`` is).  ``filters`` come from
    ``filter_tuples()``, ``filter_tuples(exhaustive=True)``, ``nonexhaustive_filter_tuples(graph)``
    or ``bad_filter_tuples()``; ``program`` from ``programs(graph)``; ``other`` from ``graphs()``
    (with ``near_miss``: ``near_misses(graph)``, the graph changed in one aspect); ``hostile``
    holds one operation per hostile kind named (``strategies.hostile_inputs``).
    Kinds not named stay empty.  ``dtypes`` restricts every Variable (drop ``"bfloat16"`` for
    targets without it).  ``capabilities`` (a target's ``Target.capabilities``) turns on the
    inputs only some targets can build: both module modes with ``Capability.PYTREE_MODULES``,
    ``nnx_list`` nodes with ``Capability.LIST_NODES``, ``sequential`` nodes with
    ``Capability.SEQUENTIAL_NODES``.  ``tail`` is ``graph``'s scale tail (``graphs(tail=...)``:
    ``"always"`` is how the runner gives every law its floor of deep and wide graphs; ``other``
    keeps the default).  Shrinks as its parts do, the graph first.
    """

    def define() -> st.SearchStrategy[Case]:
        names = check_subset("inputs", inputs, INPUTS, non_empty=False)
        named_filters = [n for n in names if n in FILTER_INPUTS]
        if "near_miss" in names and "other" in names:
            raise InvalidArgument(f"inputs={inputs!r} names other and near_miss; a Case holds one")
        if len(named_filters) > 1:
            raise InvalidArgument(
                f"inputs={inputs!r} names {named_filters}, but a Case holds one filter tuple"
            )
        check_int("max_nodes", max_nodes, min_value=1)
        check_int("max_variables", max_variables)
        check_int("max_edits", max_edits)
        checked_dtypes = check_subset("dtypes", dtypes, DTYPES)
        needs_leaf = "nonexhaustive_filters" in names
        pytree_modes = Capability.PYTREE_MODULES in capabilities
        list_nodes = Capability.LIST_NODES in capabilities
        sequential_nodes = Capability.SEQUENTIAL_NODES in capabilities
        graph_strategy = graphs(
            max_nodes=max_nodes,
            max_variables=max(max_variables, int(needs_leaf)),
            min_variables=int(needs_leaf),
            dtypes=checked_dtypes,
            root_kinds=("module",) if "module_graph" in names else None,
            pytree_modes=pytree_modes,
            list_nodes=list_nodes,
            sequential_nodes=sequential_nodes,
            tail=tail,
        )
        other_strategy = graphs(
            max_nodes=max_nodes,
            max_variables=max_variables,
            dtypes=checked_dtypes,
            pytree_modes=pytree_modes,
            list_nodes=list_nodes,
            sequential_nodes=sequential_nodes,
        )
        return _cases(names, graph_strategy, other_strategy, checked_dtypes, max_edits)

    return lazy(define)
