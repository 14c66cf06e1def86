"""pop: remove the Variables matching filters from a live graph; return them as States.

Contract:

- Nodes (graph and pytree) are visited once each, depth first in flatten order; every
  Variable is bucketed by the first filter that matches ``(first path, variable)``.
- The result has one State per filter, holding VariableStates at first paths.
- [Deviation D-4] a popped Variable is removed from *every* attribute that holds it
  (the seed removed only the first).
- A Variable to pop that sits in a pytree container raises ``ImmutableNodeError``.
- [Deviation D-2] all-or-nothing: every occurrence is found and checked before the first
  ``pop_key``. [Deviation D-1] iterative. Path tuples are built only for Variables whose
  bucket depends on the path, and for popped ones.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from reference._filters import Bucketer, Filter, to_predicate
from reference._gc import paused_gc
from reference._nested import from_flat
from reference._registry import (
    K_GENERIC,
    K_GRAPH,
    K_PYTREE,
    K_VARIABLE,
    GraphNodeImpl,
    NodeImpl,
    impl_of,
    kind_of,
    node_impl,
)
from reference.errors import GraphError, ImmutableNodeError

_NODE_KINDS = (K_GRAPH, K_PYTREE, K_GENERIC)


@paused_gc
def pop_graph(node: Any, filters: Sequence[Filter]) -> list[dict[Any, Any]]:
    """Pop the Variables of ``node`` matched by ``filters``; one nested dict per filter."""
    bucketer = Bucketer([to_predicate(f) for f in filters])
    n = len(filters)
    seen: dict[int, Any] = {id(node): node}  # nodes and Variables; values keep them alive
    found: dict[int, list[Any]] = {}  # id(variable) -> [variable, bucket, first path, occurrences]
    keys: list[Hashable] = []
    counter = 0  # occurrence number, in traversal order
    stack = [(node_impl(node), node, iter(_children(node, node_impl(node), keys)))]
    while stack:
        impl, parent, items = stack[-1]
        for key, value in items:
            kind = kind_of(value)
            if kind == K_VARIABLE:
                entry = found.get(id(value))
                if entry is None:
                    entry = found[id(value)] = _classify(bucketer, value, keys, key)
                path = (*keys, key) if entry[1] < n else None
                entry[3].append((counter, impl, parent, key, path))
                counter += 1
            elif kind in _NODE_KINDS and id(value) not in seen:
                seen[id(value)] = value
                child_impl = impl_of(value, kind)
                keys.append(key)
                stack.append((child_impl, value, iter(_children(value, child_impl, keys))))
                break
        else:
            stack.pop()
            if keys and stack:
                keys.pop()
    return _commit(found, n)


def _children(node: Any, impl: NodeImpl, keys: list[Hashable]) -> Sequence[tuple[Any, Any]]:
    try:
        return impl.flatten(node)[0]
    except GraphError as error:
        raise error.at(tuple(keys)) from None


def _classify(bucketer: Bucketer, variable: Any, keys: list[Hashable], key: Any) -> list[Any]:
    bucket = bucketer.cached(variable)
    path = None
    if bucket is None:
        path = (*keys, key)
        bucket = bucketer.bucket(path, variable)
    elif bucket < len(bucketer.predicates):
        path = (*keys, key)
    return [variable, bucket, path, []]


def _commit(found: dict[int, list[Any]], n: int) -> list[dict[Any, Any]]:
    popped = [entry for entry in found.values() if entry[1] < n]
    # check every occurrence first, in traversal order, so the first offending one is named
    blocked = [
        (order, key, parent, path)
        for _, _, _, occurrences in popped
        for order, impl, parent, key, path in occurrences
        if type(impl) is not GraphNodeImpl
    ]
    if blocked:
        _, key, parent, path = min(blocked, key=lambda item: item[0])
        raise ImmutableNodeError(
            f"key {key!r} popped from a {type(parent).__name__}",
            path,
            "expected the Variable to be held by graph nodes only: pytree nodes are immutable",
        )
    pairs: list[list[tuple[Any, Any]]] = [[] for _ in range(n)]
    for variable, bucket, path, occurrences in popped:
        for _, impl, parent, key, _ in occurrences:
            impl.pop_key(parent, key)
        pairs[bucket].append((path, variable.to_state()))
    return [from_flat(p) for p in pairs]
