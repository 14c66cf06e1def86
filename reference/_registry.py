"""Node registries and the classification of values met during a traversal.

Two registries, keyed by exact type:

- graph nodes (``register_graph_node_type``): mutable, identity-tracked, may be shared
  and form cycles; rebuilt with ``create_empty`` + ``init``.
- pytree nodes (``register_pytree_node_type``): immutable containers, never
  identity-tracked, rebuilt from their children at every occurrence. ``list``,
  ``tuple``, ``dict`` and ``None`` are pre-registered.

Any other value for which jax sees children (namedtuples, registered dataclasses, ...)
is a *generic* pytree node, handled by jax's own flattening. [Deviation D-9] a type
lives in at most one registry.

``kind_of(x)`` classifies a value for the traversals with one dict lookup on its
exact type in the common case (the per-type answer is cached; only values of
unregistered, non-builtin types ask jax each time whether they have children).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, Final, Generic, TypeVar

from reference._jax import (
    ARRAY_TYPES,
    PyTreeDef,
    flatten_generic,
    is_generic_pytree,
    unflatten_generic,
)
from reference._state import State
from reference._typing import Key, Node
from reference._variables import Variable, VariableState
from reference.errors import InvalidKeyError, NotANodeError, RegistryError

Leaf = TypeVar("Leaf")
AuxData = TypeVar("AuxData")


@dataclasses.dataclass(frozen=True, slots=True)
class GraphNodeImpl(Generic[Node, Leaf, AuxData]):
    """The hooks of a graph node type.

    ``flatten`` returns ``([(key, child), ...], metadata)`` in traversal order;
    ``node_dict`` (optional) returns a key -> child mapping without ordering work.
    """

    type: type[Node]
    flatten: Callable[[Node], tuple[Sequence[tuple[Key, Leaf]], AuxData]]
    set_key: Callable[[Node, Key, Leaf], None]
    pop_key: Callable[[Node, Key], Leaf]
    create_empty: Callable[[AuxData], Node]
    clear: Callable[[Node], None]
    init: Callable[[Node, Iterable[tuple[Key, Leaf]]], None]
    get_node_dict: Callable[[Node], Mapping[Any, Leaf]] | None = None

    def node_dict(self, node: Node) -> Mapping[Any, Leaf]:
        """Return the node's children as a mapping."""
        if self.get_node_dict is not None:
            return self.get_node_dict(node)
        return dict(self.flatten(node)[0])


@dataclasses.dataclass(frozen=True, slots=True)
class PytreeNodeImpl(Generic[Node, Leaf, AuxData]):
    """The hooks of a pytree node type: ``flatten`` and ``unflatten(children, metadata)``."""

    type: type[Node]
    flatten: Callable[[Node], tuple[Sequence[tuple[Key, Leaf]], AuxData]]
    unflatten: Callable[[Sequence[tuple[Key, Leaf]], AuxData], Node]

    def node_dict(self, node: Node) -> Mapping[Key, Leaf]:
        """Return the node's children as a mapping."""
        return dict(self.flatten(node)[0])


NodeImpl = GraphNodeImpl[Any, Any, Any] | PytreeNodeImpl[Any, Any, Any]

GRAPH_REGISTRY: dict[type, GraphNodeImpl[Any, Any, Any]] = {}
PYTREE_REGISTRY: dict[type, PytreeNodeImpl[Any, Any, Any]] = {}
# types whose flatten is known to produce valid (hashable, orderable) keys
TRUSTED_KEYS: set[type] = set()


class GenericPytree:
    """The node type recorded in a GraphDef for generic jax pytrees."""


GENERIC_IMPL: Final[PytreeNodeImpl[Any, Any, PyTreeDef]] = PytreeNodeImpl(
    GenericPytree, flatten_generic, unflatten_generic
)
# node type recorded in a GraphDef -> impl (both registries plus GenericPytree)
IMPLS: dict[type, NodeImpl] = {GenericPytree: GENERIC_IMPL}

# --- classification ---------------------------------------------------------

K_VARIABLE: Final = 0
K_GRAPH: Final = 1
K_STATIC: Final = 2
K_PYTREE: Final = 3
K_GENERIC: Final = 4
K_ARRAY: Final = 5
K_DYNAMIC: Final = 6  # not cached: ask jax for each value

_BUILTIN_STATIC = (int, float, complex, bool, str, bytes, type, range, slice, frozenset)
KIND: dict[type, int] = {t: K_STATIC for t in _BUILTIN_STATIC}
KIND[type(Ellipsis)] = K_STATIC


def _classify_type(x: object) -> int:
    t = type(x)
    if t in GRAPH_REGISTRY:
        kind = K_GRAPH
    elif t in PYTREE_REGISTRY:
        kind = K_PYTREE
    elif isinstance(x, Variable):
        kind = K_VARIABLE
    elif t is VariableState or t is State:
        kind = K_GENERIC  # the seed treats these two as generic pytrees
    elif isinstance(x, ARRAY_TYPES):
        kind = K_ARRAY
    elif is_generic_pytree(x):
        kind = K_GENERIC  # jax registration is per type and cannot be undone
    else:
        kind = K_DYNAMIC  # a leaf today; the type may be registered with jax later
    KIND[t] = kind
    return kind


def kind_of(x: object) -> int:
    """Classify ``x`` as one of the ``K_*`` kinds (``K_DYNAMIC`` is resolved here)."""
    kind = KIND.get(type(x))
    if kind is None:
        kind = _classify_type(x)
    if kind == K_DYNAMIC:
        kind = K_GENERIC if is_generic_pytree(x) else K_STATIC
        if kind == K_GENERIC:
            KIND[type(x)] = K_GENERIC
    return kind


def impl_of(x: object, kind: int) -> NodeImpl:
    """Return the impl of a node value of kind ``K_GRAPH``, ``K_PYTREE`` or ``K_GENERIC``."""
    if kind == K_GRAPH:
        return GRAPH_REGISTRY[type(x)]
    if kind == K_PYTREE:
        return PYTREE_REGISTRY[type(x)]
    return GENERIC_IMPL


def impl_for_type(t: type) -> NodeImpl | None:
    """Return the impl for a node type recorded in a GraphDef, or None if unknown."""
    return IMPLS.get(t)


def node_impl(x: object, path: Sequence[Hashable] = ()) -> NodeImpl:
    """Return the impl of ``x``; raise ``NotANodeError`` if it is not a node."""
    kind = kind_of(x)
    if kind in (K_GRAPH, K_PYTREE, K_GENERIC):
        return impl_of(x, kind)
    found = "a Variable" if kind == K_VARIABLE else f"a {type(x).__name__}"
    raise NotANodeError(
        "a value that is not a graph node or pytree",
        path,
        f"expected a registered graph node or a pytree, found {found}",
    )


# --- public predicates and registration ----------------------------------------


def is_node(x: object) -> bool:
    """Check if ``x`` is a graph node or a pytree node."""
    return kind_of(x) in (K_GRAPH, K_PYTREE, K_GENERIC)


def is_graph_node(x: object) -> bool:
    """Check if the exact type of ``x`` is a registered graph node type."""
    return type(x) in GRAPH_REGISTRY


def is_node_type(x: type[Any]) -> bool:
    """Check if ``x`` is a registered graph / pytree node type or ``GenericPytree``."""
    return x in GRAPH_REGISTRY or x in PYTREE_REGISTRY or x is GenericPytree


def is_pytree_node(x: object) -> bool:
    """Check if ``x`` is a (registered or generic) pytree node."""
    return kind_of(x) in (K_PYTREE, K_GENERIC)


def _check_unregistered(t: type) -> None:
    for registry, name in ((GRAPH_REGISTRY, "graph"), (PYTREE_REGISTRY, "pytree")):
        if t in registry:
            raise RegistryError(
                f"node type {t.__qualname__}",
                None,
                f"expected an unregistered type, found it in the {name} registry",
                "a type lives in one registry only",
            )


def register_graph_node_type(
    type: type[Node],
    flatten: Callable[[Node], tuple[Sequence[tuple[Key, Leaf]], AuxData]],
    set_key: Callable[[Node, Key, Leaf], None],
    pop_key: Callable[[Node, Key], Leaf],
    create_empty: Callable[[AuxData], Node],
    clear: Callable[[Node], None],
    init: Callable[[Node, Iterable[tuple[Key, Leaf]]], None],
    *,
    node_dict: Callable[[Node], Mapping[Any, Leaf]] | None = None,
) -> None:
    """Register ``type`` as a graph node type (see ``GraphNodeImpl``).

    Raises:
        RegistryError: ``type`` is already in either registry. [Deviation D-9]
    """
    _check_unregistered(type)
    GRAPH_REGISTRY[type] = IMPLS[type] = GraphNodeImpl(
        type, flatten, set_key, pop_key, create_empty, clear, init, node_dict
    )
    KIND[type] = K_GRAPH


def register_pytree_node_type(
    type: type[Node],
    flatten: Callable[[Node], tuple[Sequence[tuple[Key, Leaf]], AuxData]],
    unflatten: Callable[[Sequence[tuple[Key, Leaf]], AuxData], Node],
) -> None:
    """Register ``type`` as a pytree node type (immutable, rebuilt at each occurrence).

    Raises:
        RegistryError: ``type`` is already in either registry. [Deviation D-9]
    """
    _check_unregistered(type)
    PYTREE_REGISTRY[type] = IMPLS[type] = PytreeNodeImpl(type, flatten, unflatten)
    KIND[type] = K_PYTREE


# --- built-in pytree nodes -------------------------------------------------------


def _flatten_sequence(x: Sequence[Any]) -> tuple[list[tuple[int, Any]], None]:
    return list(enumerate(x)), None


def _flatten_dict(x: dict[Any, Any]) -> tuple[list[tuple[Any, Any]], None]:
    # [Deviation D-8] unorderable keys: a clear error naming the path (flatten adds it)
    try:
        return sorted(x.items()), None
    except TypeError as error:
        raise InvalidKeyError(
            f"dict keys {list(x)!r}", None, f"expected mutually orderable keys, found: {error}"
        ) from None


def _register_builtins() -> None:
    register_pytree_node_type(list, _flatten_sequence, lambda nodes, _: [v for _, v in nodes])
    register_pytree_node_type(tuple, _flatten_sequence, lambda nodes, _: tuple(v for _, v in nodes))
    register_pytree_node_type(dict, _flatten_dict, lambda nodes, _: dict(nodes))
    register_pytree_node_type(type(None), lambda x: ((), None), lambda nodes, _: None)
    TRUSTED_KEYS.update((list, tuple, dict, type(None)))


_register_builtins()
