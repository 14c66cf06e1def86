"""Hostile-input strategies: states, graphs, filter calls and context-call sequences that are wrong
on purpose (``spec.hostile``), for the hostile robustness laws (ROB-8 and on).

Every choice is a small integer read modulo the options the graph offers when the operation is
applied (``spec.hostile.corrupt``), so a drawn operation never becomes invalid while the graph it
is applied to shrinks, and each part shrinks on its own: edits towards ``DropLeaf(0)``, keys
towards ``fresh``, sources and GraphDefs towards the graph's own, call sequences towards one
``split``.
"""

from __future__ import annotations

import functools

from hypothesis import strategies as st

from spec.blueprint import Blueprint
from spec.filters import FilterSpec
from spec.hostile import (
    OPS,
    ArrayAttribute,
    Call,
    ContextCalls,
    DropLeaf,
    ExtraLeaf,
    FilterCall,
    Hostile,
    HostileState,
    KeyKind,
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
    StateEdit,
    UnhashableStatic,
    odd_keys,
)
from spec.semantics.hostile import keys_fault
from strategies._filters import bad_filter_tuples, filter_tuples, nonexhaustive_filter_tuples
from strategies._validation import check_int, check_sizes, lazy
from strategies._values import integers

__all__ = [
    "GRAPH_FAULTS",
    "HOSTILE_INPUTS",
    "context_calls",
    "hostile_filter_calls",
    "hostile_graphs",
    "hostile_inputs",
    "hostile_states",
    "state_edits",
]

HOSTILE_INPUTS: tuple[str, ...] = (
    "hostile_state",
    "array_attribute",
    "unhashable_static",
    "orderable_dict_keys",
    "unorderable_dict_keys",
    "unorderable_node_keys",
    "pytree_cycle",
    "non_node_root",
    "hostile_filters",
    "hostile_calls",
)
"""The input kinds that fill ``Case.hostile`` (one operation each)."""

_KEY_KINDS: tuple[KeyKind, ...] = ("fresh", "int", "str", "none", "tuple", "float", "bool", "bytes")
_DICT_KEY_KINDS: tuple[KeyKind, ...] = ("str", "int", "none", "tuple", "float", "bool", "bytes")
_PROTOCOL: tuple[Call, ...] = ("split", "merge", "split", "merge")
_CALL_POOL: tuple[Call, ...] = (
    "split",
    "merge",
    "split",
    "merge",
    "merge_plain",
    "merge_ref",
    "exit",
    "current",
)
"""Calls drawn after the prefix; split and merge twice as often as the rest."""


@functools.cache
def state_edits() -> st.SearchStrategy[StateEdit]:
    """Return a strategy for one state edit (``spec.hostile.StateEdit``), any of the nine kinds."""
    pick = integers(0, 7)
    return st.one_of(
        st.builds(DropLeaf, pick),
        st.builds(ExtraLeaf, pick, st.sampled_from(_KEY_KINDS)),
        st.builds(RenameKey, pick, integers(0, 3)),
        st.builds(LeafForSubgraph, pick),
        st.builds(MappingForLeaf, pick),
        st.builds(LeafForStatic, pick),
        st.builds(MoveLeaf, pick, integers(0, 3)),
        st.builds(RawValue, pick),
        st.builds(Restyle, pick, st.sampled_from(("type", "dtype", "shape", "metadata"))),
    )


@st.composite
def _hostile_states(draw: st.DrawFn, max_edits: int) -> HostileState:
    edits = tuple(draw(st.lists(state_edits(), min_size=1, max_size=max_edits)))
    source = draw(st.sampled_from(("own", "own", "own", "other")))
    graphdef = draw(st.sampled_from(("own", "own", "own", "other", "noderef")))
    parts = draw(integers(1, 2))
    return HostileState(edits, source, graphdef, parts)  # type: ignore[arg-type]


def hostile_states(*, max_edits: int = 3) -> st.SearchStrategy[HostileState]:
    """Return a strategy for ``HostileState``: 1..``max_edits`` edits of the state of the case's
    graph (one time in four: of its ``other`` graph), merged into the graph's own GraphDef, the
    other graph's (one in five) or a bare NodeRef (one in five), as one State or two."""

    def define() -> st.SearchStrategy[HostileState]:
        check_int("max_edits", max_edits, min_value=1)
        return _hostile_states(max_edits)

    return lazy(define)


def _odd_kinds(kinds: tuple[KeyKind, ...]) -> bool:
    # a float beside an int is orderable, but the canonical model orders ints first (spec.model)
    return not ("float" in kinds and ("int" in kinds or "bool" in kinds))


def _orderable(kinds: tuple[KeyKind, ...]) -> bool:
    return keys_fault(odd_keys(kinds), ()) is None


def _key_kinds(min_size: int) -> st.SearchStrategy[tuple[KeyKind, ...]]:
    kinds = st.lists(st.sampled_from(_DICT_KEY_KINDS), min_size=min_size, max_size=3)
    return kinds.map(tuple).filter(_odd_kinds)


_AT = integers(0, 7)
"""The graph node a hostile attribute is set on (read modulo the graph's graph nodes)."""

GRAPH_FAULTS: dict[str, st.SearchStrategy[Hostile]] = {
    "array_attribute": st.builds(ArrayAttribute, _AT, st.booleans()),
    "unhashable_static": st.builds(UnhashableStatic, _AT, st.booleans()),
    "orderable_dict_keys": st.builds(OddDictKeys, _AT, _key_kinds(1).filter(_orderable)),
    "unorderable_dict_keys": st.builds(
        OddDictKeys, _AT, _key_kinds(2).filter(lambda k: not _orderable(k))
    ),
    "unorderable_node_keys": st.builds(
        OddNodeKeys,
        _AT,
        st.sampled_from(("graph", "pytree", "jax")),
        st.just(()) | _key_kinds(1),
        st.booleans(),
    ),
    "pytree_cycle": st.builds(
        PytreeSelfCycle, _AT, st.sampled_from(("list", "dict", "list-after-node"))
    ),
    "non_node_root": st.builds(NonNodeRoot, st.sampled_from(("variable", "array", "int", "str"))),
}
"""The hostile graph input kinds (one fault each, ROB-13..ROB-19) and their strategies."""


def hostile_graphs() -> st.SearchStrategy[Hostile]:
    """Return a strategy for one graph corruption of any kind (``GRAPH_FAULTS``): an array
    attribute, an unhashable static, a dict with odd keys (1..3 kinds, orderable or not), a
    registered node type with unorderable keys, a self-containing list or dict, or a root that
    is no node."""
    return st.one_of(*GRAPH_FAULTS.values())


@st.composite
def _filter_calls(draw: st.DrawFn, graph: Blueprint) -> FilterCall:
    op = draw(st.sampled_from(OPS))
    options: list[st.SearchStrategy[tuple[FilterSpec, ...]]] = [
        filter_tuples(),
        bad_filter_tuples(),
        st.tuples(bad_filter_tuples(), bad_filter_tuples()).map(lambda ab: ab[0] + ab[1]),
        st.just(()),
    ]
    if graph.variables:
        options.insert(1, nonexhaustive_filter_tuples(graph))
    filters = draw(st.one_of(options))
    return FilterCall(op, filters)  # type: ignore[arg-type]


def hostile_filter_calls(graph: Blueprint) -> st.SearchStrategy[FilterCall]:
    """Return a strategy for ``FilterCall``: split / state / variables / pop /
    ``SplitContext.split`` with valid filters, non-exhaustive ones (for ``graph``), a misplaced
    ``...`` or an invalid term, both faults at once, or no filter at all."""
    return lazy(lambda: _filter_calls(graph))


@st.composite
def _context_calls(draw: st.DrawFn, max_calls: int) -> ContextCalls:
    prefix = _PROTOCOL[: draw(integers(0, len(_PROTOCOL)))]
    rest = draw(
        st.lists(st.sampled_from(_CALL_POOL), min_size=0 if prefix else 1, max_size=max_calls)
    )
    return ContextCalls((*prefix, *rest))


def context_calls(*, max_calls: int = 5) -> st.SearchStrategy[ContextCalls]:
    """Return a strategy for update-context call sequences: a prefix of the valid protocol
    (split, merge, split, merge; any length) and then 0..``max_calls`` calls in any order
    (``spec.hostile.CALLS``).  Never empty; shrinks towards one ``split``."""

    def define() -> st.SearchStrategy[ContextCalls]:
        check_int("max_calls", max_calls, min_value=1)
        check_sizes("1", 1, "max_calls", max_calls)
        return _context_calls(max_calls)

    return lazy(define)


def hostile_inputs(kind: str, graph: Blueprint) -> st.SearchStrategy[Hostile]:
    """Return the strategy for the hostile input kind ``kind`` (``HOSTILE_INPUTS``) on ``graph``."""
    if kind == "hostile_state":
        return hostile_states()
    if kind in GRAPH_FAULTS:
        return GRAPH_FAULTS[kind]
    if kind == "hostile_filters":
        return hostile_filter_calls(graph)
    return context_calls()
