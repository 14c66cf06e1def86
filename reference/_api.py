"""The functional graph API: split, merge, update, pop, state, variables, graphdef, clone, call.

Each function is a thin wrapper over one traversal (``_flatten``, ``_unflatten``,
``_update``, ``_pop``, ``_iter``) plus the filter machinery of ``_state``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias, overload

from typing_extensions import Unpack

from reference._filters import Filter
from reference._flatten import flatten_graph
from reference._graphdef import GraphDef, NodeDef, NodeRef
from reference._iter import iter_graph
from reference._mappings import RefMap
from reference._nested import from_flat
from reference._pop import pop_graph
from reference._proxy import ApplyCaller, CallableProxy, DelayedAccessor
from reference._state import State, split_mapping
from reference._typing import A, Key, Node
from reference._unflatten import unflatten_graph
from reference._update import update_graph
from reference._variables import Variable, VariableState
from reference.errors import FilterError, NodeTypeError

GraphState: TypeAlias = State[Key, VariableState[Any]]
PureState: TypeAlias = tuple[GraphDef[A], GraphState]


def flatten(
    node: Node, /, ref_index: RefMap[Any, int] | None = None
) -> tuple[GraphDef[Node], GraphState]:
    """Flatten a graph node into a ``(graphdef, state)`` pair.

    Args:
        node: a graph node or pytree.
        ref_index: objects already seen -> index; extended in place. Pass the same
            RefMap to flatten several nodes that share references.
    """
    graphdef, state = flatten_graph(node, ref_index)
    return graphdef, State._wrap(state)


def unflatten(
    graphdef: GraphDef[Node],
    state: Mapping[Any, Any],
    /,
    *,
    index_ref: dict[int, Any] | None = None,
    index_ref_cache: Mapping[int, Any] | None = None,
) -> Node:
    """Rebuild a node from a GraphDef and a state (``State``, nested dict or mapping).

    Args:
        index_ref: index -> objects built so far; extended in place (share it to merge
            several GraphDefs of one index space).
        index_ref_cache: index -> existing objects to reuse (cleared and re-filled).
    """
    if not isinstance(graphdef, (NodeDef, NodeRef)):
        raise NodeTypeError(f"a {type(graphdef).__name__}", (), "expected a NodeDef or NodeRef")
    node: Node = unflatten_graph(graphdef, state, index_ref, index_ref_cache)
    return node


def _states(
    state: dict[Any, Any], filters: tuple[Filter, ...], exhaustive: bool
) -> list[GraphState]:
    if not filters:
        return [State._wrap(state)]
    return [State._wrap(part) for part in split_mapping(state, filters, exhaustive=exhaustive)]


@overload
def split(node: Node, /) -> tuple[GraphDef[Node], GraphState]: ...
@overload
def split(node: Node, first: Filter, /) -> tuple[GraphDef[Node], GraphState]: ...
@overload
def split(
    node: Node, first: Filter, second: Filter, /
) -> tuple[GraphDef[Node], GraphState, GraphState]: ...
@overload
def split(
    node: Node, first: Filter, second: Filter, third: Filter, /
) -> tuple[GraphDef[Node], GraphState, GraphState, GraphState]: ...
@overload
def split(
    node: Node, /, *filters: Filter
) -> tuple[GraphDef[Node], GraphState, Unpack[tuple[GraphState, ...]]]: ...
def split(node: Node, *filters: Filter) -> tuple[GraphDef[Node], Unpack[tuple[GraphState, ...]]]:
    """Split a graph node into a GraphDef and one State per filter (one State if none).

    The filters must match every Variable (``NonExhaustiveFiltersError``); the first
    matching filter wins; ``...`` matches everything and may only come last.

    Example::

        >>> import reference as nnx
        >>> class Foo(nnx.Module):
        ...     def __init__(self):
        ...         self.w = nnx.Param(1.0)
        ...         self.n = nnx.BatchStat(0)
        >>> graphdef, params, rest = nnx.split(Foo(), nnx.Param, ...)
        >>> list(params), list(rest)
        (['w'], ['n'])
    """
    graphdef, state = flatten_graph(node)
    return (graphdef, *_states(state, filters, exhaustive=True))


def merge(
    graphdef: GraphDef[Node], state: Mapping[Any, Any], /, *states: Mapping[Any, Any]
) -> Node:
    """The inverse of ``split``: a new graph from a GraphDef and its State(s).

    Later states override earlier ones at the same path. Plain nested dicts of raw
    values ("pure dicts") are accepted.
    """
    return unflatten(graphdef, State.merge(state, *states))


def update(node: object, state: Mapping[Any, Any], /, *states: Mapping[Any, Any]) -> None:
    """Update ``node`` in place from one or more states; atomic (all or nothing)."""
    update_graph(node, State.merge(state, *states) if states else state)


@overload
def state(node: object, /) -> GraphState: ...
@overload
def state(node: object, first: Filter, /) -> GraphState: ...
@overload
def state(
    node: object, first: Filter, second: Filter, /, *filters: Filter
) -> tuple[GraphState, ...]: ...
def state(node: object, *filters: Filter) -> GraphState | tuple[GraphState, ...]:
    """Like ``split`` without the GraphDef, and leaves matching no filter are dropped."""
    _, flat = flatten_graph(node)
    states = _states(flat, filters, exhaustive=False)
    return states[0] if len(filters) < 2 else tuple(states)


@overload
def variables(node: object, /) -> State[Key, Variable[Any]]: ...
@overload
def variables(node: object, first: Filter, /) -> State[Key, Variable[Any]]: ...
@overload
def variables(
    node: object, first: Filter, second: Filter, /, *filters: Filter
) -> tuple[State[Key, Variable[Any]], ...]: ...
def variables(
    node: object, *filters: Filter
) -> State[Key, Variable[Any]] | tuple[State[Key, Variable[Any]], ...]:
    """Like ``state`` but holding the live Variable objects (not copies).

    [Deviation D-3] one State per filter (the seed returned four for two filters);
    each Variable appears once, at its first path, exactly as in ``state``.
    """
    nested = from_flat(
        (path, v) for path, v in iter_graph(node) if isinstance(v, Variable) and path
    )
    parts = (
        [State._wrap(nested)]
        if not filters
        else [State._wrap(part) for part in split_mapping(nested, filters, exhaustive=False)]
    )
    return parts[0] if len(filters) < 2 else tuple(parts)


def graphdef(node: Node, /) -> GraphDef[Node]:
    """Return the GraphDef of ``node`` (equal to ``split(node)[0]``)."""
    return flatten_graph(node)[0]


@overload
def pop(node: object, filter: Filter, /) -> GraphState: ...
@overload
def pop(
    node: object, filter: Filter, filter2: Filter, /, *filters: Filter
) -> tuple[GraphState, ...]: ...
def pop(node: object, *filters: Filter) -> GraphState | tuple[GraphState, ...]:
    """Remove the Variables matching the filters from ``node``; return them as States.

    [Deviation D-4] an aliased Variable is removed from every attribute holding it.
    [Deviation D-2] atomic.
    """
    if not filters:
        raise FilterError("no filters", None, "expected at least one filter")
    states = [State._wrap(part) for part in pop_graph(node, filters)]
    return states[0] if len(states) == 1 else tuple(states)


def clone(node: Node) -> Node:
    """A copy of ``node``: new graph nodes, Variables and containers; same static values."""
    graphdef, state = flatten_graph(node)
    new: Node = unflatten_graph(graphdef, state)
    return new


def call(
    graphdef_state: tuple[GraphDef[A], GraphState], /
) -> ApplyCaller[tuple[GraphDef[A], GraphState]]:
    """A proxy that merges, calls a method, and returns ``(out, split(node))``.

    ``call((graphdef, state)).layer[0].method(x)`` merges the pair, calls
    ``node.layer[0].method(x)`` and returns its output with the new split.
    """

    def pure_caller(
        accessor: DelayedAccessor, *args: Any, **kwargs: Any
    ) -> tuple[Any, tuple[GraphDef[A], GraphState]]:
        node = merge(*graphdef_state)
        out = accessor(node)(*args, **kwargs)
        return out, split(node)

    return CallableProxy(pure_caller)
