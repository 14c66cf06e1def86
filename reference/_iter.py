"""iter_graph: walk a live graph, yielding ``(path, value)`` in post-order.

Contract ([Deviation D-5] differs from the seed on repeats):

- children are visited in flatten order, then the node itself; the root comes last,
  with path ``()``;
- each graph node and each Variable is yielded once, at its first path;
- pytree containers (including ``None`` and ``()``) and static values are yielded at
  every occurrence (the seed dropped later occurrences of equal-identity containers,
  e.g. every ``None`` after the first);
- [Deviation D-1] iterative; a pytree container that contains itself raises
  ``PytreeCycleError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from reference._registry import K_GENERIC, K_GRAPH, K_PYTREE, K_VARIABLE, impl_of, kind_of
from reference._typing import PathParts
from reference.errors import GraphError, PytreeCycleError

_NODE_KINDS = (K_GRAPH, K_PYTREE, K_GENERIC)


def iter_graph(node: Any, /) -> Iterator[tuple[PathParts, Any]]:
    """Yield ``(path, value)`` for every node and leaf reachable from ``node`` (post-order).

    Example::

        >>> import reference as nnx
        >>> for path, value in nnx.iter_graph([nnx.Param(1), None]):
        ...     print(path, type(value).__name__)
        (0,) Param
        (1,) NoneType
        () list
    """
    kind = kind_of(node)
    if kind not in _NODE_KINDS:
        yield (), node
        return
    seen: dict[int, Any] = {id(node): node} if kind == K_GRAPH else {}
    # pytree containers on the path since the last graph node (see _flatten's guard);
    # a graph-node entry keeps the enclosing set, restored when it is popped
    on_path: set[int] = {id(node)} if kind != K_GRAPH else set()
    stack: list[tuple[Any, PathParts, Iterator[tuple[Any, Any]], set[int] | None]] = [
        (node, (), iter(_children(node, kind, ())), None if kind != K_GRAPH else set())
    ]
    while stack:
        parent, path, items, guard = stack[-1]
        for key, value in items:
            kind = kind_of(value)
            if kind == K_VARIABLE or kind == K_GRAPH:
                if id(value) in seen:
                    continue
                seen[id(value)] = value
                if kind == K_VARIABLE:
                    yield (*path, key), value
                    continue
            elif kind not in _NODE_KINDS:
                yield (*path, key), value
                continue
            elif id(value) in on_path:
                raise PytreeCycleError(
                    f"a {type(value).__name__} that contains itself",
                    (*path, key),
                    "expected pytree containers to form a tree",
                )
            child_path = (*path, key)
            children = iter(_children(value, kind, child_path))
            if kind == K_GRAPH:
                stack.append((value, child_path, children, on_path))
                on_path = set()
            else:
                on_path.add(id(value))
                stack.append((value, child_path, children, None))
            break
        else:
            stack.pop()
            if guard is None:
                on_path.discard(id(parent))
            else:
                on_path = guard
            yield path, parent


def _children(node: Any, kind: int, path: PathParts) -> Any:
    try:
        return impl_of(node, kind).flatten(node)[0]
    except GraphError as error:
        raise error.at(path) from None
