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
  bucket depends on the path, and for popped ones. Each Variable met is a ``_Found`` record,
  each place holding it an ``_Occurrence``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from typing import Any

from reference._filters import Bucketer, Filter, to_predicate
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


@dataclasses.dataclass(frozen=True, slots=True)
class _Occurrence:
    """One place holding a Variable: ``parent[key]``, the ``order``-th Variable place met."""

    order: int
    impl: NodeImpl
    parent: Any
    key: Any
    path: tuple[Hashable, ...] | None
    """Built only when the Variable is popped."""


@dataclasses.dataclass(slots=True)
class _Found:
    """A Variable met by the walk: its bucket (``n`` = no filter matched), first path, places."""

    variable: Any
    bucket: int
    path: tuple[Hashable, ...] | None
    occurrences: list[_Occurrence] = dataclasses.field(default_factory=list)


def pop_graph(node: Any, filters: Sequence[Filter]) -> list[dict[Any, Any]]:
    """Pop the Variables of ``node`` matched by ``filters``; one nested dict per filter."""
    bucketer = Bucketer([to_predicate(f) for f in filters])
    n = len(filters)
    seen: dict[int, Any] = {id(node): node}  # nodes and Variables; values keep them alive
    found: dict[int, _Found] = {}  # id(variable) -> what is known about it
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
                path = (*keys, key) if entry.bucket < n else None
                entry.occurrences.append(_Occurrence(counter, impl, parent, key, path))
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


def _classify(bucketer: Bucketer, variable: Any, keys: list[Hashable], key: Any) -> _Found:
    bucket = bucketer.cached(variable)
    path = None
    if bucket is None:
        path = (*keys, key)
        bucket = bucketer.bucket(path, variable)
    elif bucket < len(bucketer.predicates):
        path = (*keys, key)
    return _Found(variable, bucket, path)


def _commit(found: dict[int, _Found], n: int) -> list[dict[Any, Any]]:
    popped = [entry for entry in found.values() if entry.bucket < n]
    # check every occurrence first, in traversal order, so the first offending one is named
    blocked = [
        o for entry in popped for o in entry.occurrences if type(o.impl) is not GraphNodeImpl
    ]
    if blocked:
        first = min(blocked, key=lambda o: o.order)
        raise ImmutableNodeError(
            f"key {first.key!r} popped from a {type(first.parent).__name__}",
            first.path,
            "expected the Variable to be held by graph nodes only: pytree nodes are immutable",
        )
    pairs: list[list[tuple[Any, Any]]] = [[] for _ in range(n)]
    for entry in popped:
        for o in entry.occurrences:
            o.impl.pop_key(o.parent, o.key)  # type: ignore[union-attr]
        pairs[entry.bucket].append((entry.path, entry.variable.to_state()))
    return [from_flat(p) for p in pairs]
