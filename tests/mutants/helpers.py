"""What the mutants share: the reference's public seams, read and rebuilt from outside.

The mutants reach the reference only through what it publishes: its public functions (names
without a leading underscore, in whatever module defines them), its node-type registries and
their hooks, the public methods and attributes of its classes, and the GraphDef's token
encoding (``NodeDef.tokens()`` / ``nodedef_view``, documented in ``reference._graphdef``).  The
helpers here read those: the tokens of a GraphDef with their paths, the children of a live node,
the Variables of a graph with every place that holds them, a nested state as flat pairs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import Any

__all__ = [
    "MISSING",
    "Place",
    "attribute_tokens",
    "child",
    "from_flat",
    "parent_of",
    "places",
    "rebuild",
    "ref",
    "resolve",
    "state_leaves",
    "token_paths",
]

MISSING = object()
Path = tuple[Hashable, ...]
Token = tuple[Any, ...]


def ref(module: str) -> Any:
    """Return the module ``module`` untyped (the mutants read its public names only)."""
    return importlib.import_module(module)


def _tokens() -> Any:
    return ref("reference._tokens")


# --- GraphDef tokens ---------------------------------------------------------------------------


def token_paths(ops: Sequence[Token]) -> Iterator[tuple[int, Token, list[Hashable], list[int]]]:
    """Yield ``(position, token, keys, ancestors)`` for every token of a GraphDef.

    ``keys`` is the path of the node the token belongs to (for a header: the node's own path;
    an attribute's path is ``(*keys, token[1])``); ``ancestors`` the indices of the nodes
    enclosing the token (-1 for pytrees; a header's own node not included).  Both lists are
    live: they change as the walk goes on.
    """
    tk = _tokens()
    keys: list[Hashable] = []
    ancestors: list[int] = []
    remaining: list[int] = []  # attributes left in each open node
    pending: Hashable = None
    for pos, token in enumerate(ops):
        tag = token[0]
        if tag == tk.NODE:
            if remaining:
                keys.append(pending)
            yield pos, token, keys, ancestors
            ancestors.append(token[2])
            remaining.append(token[4])
        else:
            yield pos, token, keys, ancestors
            if tag == tk.SUB:
                pending = token[1]
                continue
            remaining[-1] -= 1
        while remaining and remaining[-1] == 0:  # close every node this token finished
            remaining.pop()
            ancestors.pop()
            if remaining:
                keys.pop()
                remaining[-1] -= 1


def attribute_tokens(graphdef: Any) -> Iterator[tuple[Path, Token]]:
    """Yield ``(path, token)`` for every attribute token of a reference ``NodeDef``."""
    tk = _tokens()
    if type(graphdef) is not ref("reference._graphdef").NodeDef:
        return
    for _, token, keys, _ in token_paths(graphdef.tokens()):
        if token[0] != tk.NODE:
            yield (*keys, token[1]), token


def rebuild(ops: Sequence[Token], index_mapping: Any = None) -> Any:
    """A NodeDef over ``ops`` with every header's size recomputed (after tokens were removed)."""
    tk = _tokens()
    out = list(ops)
    open_nodes: list[list[int]] = []  # [header position, attributes left]
    for pos, token in enumerate(out):
        if token[0] == tk.NODE:
            open_nodes.append([pos, token[4]])
        elif token[0] != tk.SUB:
            open_nodes[-1][1] -= 1
        while open_nodes and open_nodes[-1][1] == 0:
            header, _ = open_nodes.pop()
            h = out[header]
            out[header] = (*h[:5], pos - header)
            if open_nodes:
                open_nodes[-1][1] -= 1
    view = ref("reference._graphdef").nodedef_view(tuple(out))
    return (
        view
        if index_mapping is None
        else ref("reference._graphdef").with_index_mapping(view, index_mapping)
    )


# --- live graphs -------------------------------------------------------------------------------


def _node_kinds() -> tuple[int, ...]:
    r = ref("reference._registry")
    return (r.K_GRAPH, r.K_PYTREE, r.K_GENERIC)


def child(node: Any, key: Hashable) -> Any:
    """Return ``node``'s child at ``key`` (``MISSING`` if ``node`` is not a node or lacks it)."""
    r = ref("reference._registry")
    kind = r.kind_of(node)
    if kind not in _node_kinds():
        return MISSING
    return r.impl_of(node, kind).node_dict(node).get(key, MISSING)


def resolve(root: Any, path: Path) -> Any:
    """Return the object at ``path`` below ``root`` (``MISSING`` if there is none)."""
    x = root
    for key in path:
        x = child(x, key)
        if x is MISSING:
            return MISSING
    return x


def parent_of(root: Any, path: Path) -> Any:
    """Return the object holding the last key of ``path`` (``MISSING`` if there is none)."""
    return resolve(root, path[:-1]) if path else MISSING


Place = tuple[Any, Hashable, Path, bool]
"""Where a Variable sits: ``(parent, key, path, parent is a graph node)``."""


def places(root: Any) -> dict[int, tuple[Any, list[Place]]]:
    """Every Variable below ``root``: ``id -> (variable, places)``, Variables in the order they
    are first met and places in traversal order (each node visited once, children in flatten
    order, depth first)."""
    r = ref("reference._registry")
    found: dict[int, tuple[Any, list[Place]]] = {}
    seen = {id(root)}
    stack: list[tuple[Any, Path, Iterator[tuple[Any, Any]]]] = [
        (root, (), iter(r.impl_of(root, r.kind_of(root)).flatten(root)[0]))
    ]
    while stack:
        parent, path, items = stack[-1]
        for key, value in items:
            kind = r.kind_of(value)
            if kind == r.K_VARIABLE:
                place = (parent, key, (*path, key), r.kind_of(parent) == r.K_GRAPH)
                found.setdefault(id(value), (value, []))[1].append(place)
            elif kind in _node_kinds() and id(value) not in seen:
                seen.add(id(value))
                stack.append((value, (*path, key), iter(r.impl_of(value, kind).flatten(value)[0])))
                break
        else:
            stack.pop()
    return found


def set_child(parent: Any, key: Hashable, value: Any) -> None:
    """Set ``parent``'s child ``key`` through its node type's ``set_key`` hook."""
    r = ref("reference._registry")
    r.impl_of(parent, r.kind_of(parent)).set_key(parent, key, value)


def pop_child(parent: Any, key: Hashable) -> None:
    """Remove ``parent``'s child ``key`` through its node type's ``pop_key`` hook."""
    r = ref("reference._registry")
    r.impl_of(parent, r.kind_of(parent)).pop_key(parent, key)


# --- states ------------------------------------------------------------------------------------


def state_leaves(state: Mapping[Any, Any]) -> list[tuple[Path, Any]]:
    """Return the ``(path, leaf)`` pairs of a nested state (State or dict), in order."""
    return list(ref("reference._nested").iter_flat(state))


def from_flat(pairs: Sequence[tuple[Path, Any]]) -> dict[Any, Any]:
    """The nested state dict of ``(path, leaf)`` pairs."""
    return ref("reference._nested").from_flat(pairs)  # type: ignore[no-any-return]


def around(p: Any, module: str, name: str, make: Callable[[Any], Any]) -> None:
    """Replace the public function ``module.name`` everywhere by ``make(original)``."""
    if name.startswith("_"):
        raise ValueError(f"mutants patch public names only, not {module}.{name}")
    p.replace(module, name, make(getattr(ref(module), name)))
