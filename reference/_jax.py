"""Every contact point between the reference and jax, in one place.

The reference touches jax for five things only: static pytree registration (GraphDef
classes, ``Static``, contexts), detecting and flattening *generic* pytrees (namedtuples,
registered dataclasses, ...), recognising array leaves, registering ``State`` and
``VariableState`` as pytrees, and the key classes used in those registrations. Only
long-stable ``jax.tree_util`` APIs are used (jax 0.4.38 to 0.10.x).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

import jax
import jax.tree_util as jtu
import numpy as np
from jax.tree_util import PyTreeDef as PyTreeDef

from reference.errors import InvalidKeyError

T = TypeVar("T")

ARRAY_TYPES: tuple[type, ...] = (jax.Array, np.ndarray)
DictKey = jtu.DictKey
GetAttrKey = jtu.GetAttrKey


def register_static(cls: type[T]) -> type[T]:
    """Register ``cls`` as a pytree with no children whose aux data is the object itself."""
    register = getattr(jtu, "register_static", None)
    if register is not None:
        register(cls)
    else:  # pragma: no cover - very old jax only
        jtu.register_pytree_node(cls, lambda x: ((), x), lambda aux, _: aux)
    return cls


def register_keyed_pytree(
    cls: type[T],
    flatten_with_keys: Callable[[T], tuple[Iterable[tuple[Any, Any]], Hashable]],
    unflatten: Callable[[Any, Iterable[Any]], T],
    flatten: Callable[[T], tuple[Iterable[Any], Hashable]],
) -> None:
    """Register ``cls`` as a pytree with key paths (``*_with_path`` APIs work on it)."""
    jtu.register_pytree_with_keys(cls, flatten_with_keys, unflatten, flatten)


def is_generic_pytree(x: object) -> bool:
    """Check if jax sees ``x`` as a pytree node with children (the seed's generic rule)."""
    return not jtu.all_leaves((x,))


def _key_of(entry: Any) -> Hashable:
    if type(entry) is jtu.SequenceKey:
        idx: int = entry.idx
        return idx
    if type(entry) is jtu.DictKey or type(entry) is jtu.FlattenedIndexKey:
        key: Hashable = entry.key
        return key
    if type(entry) is jtu.GetAttrKey:
        name: str = entry.name
        return name
    return str(entry)


def flatten_generic(x: object) -> tuple[list[tuple[Hashable, Any]], PyTreeDef]:
    """Flatten a generic pytree one level deep: ``([(key, child), ...], treedef)``.

    Keys follow the seed: sequence index, dict key, attribute name, else ``str(entry)``.
    Keys must be hashable and mutually orderable (``InvalidKeyError`` otherwise).
    """
    leaves, treedef = jtu.tree_flatten_with_path(x, is_leaf=lambda y: y is not x)
    children = [(_key_of(path[0]), value) for path, value in leaves]
    check_keys([key for key, _ in children], x)
    return children, treedef


def unflatten_generic(children: Sequence[tuple[Hashable, Any]], treedef: PyTreeDef) -> Any:
    """Rebuild a generic pytree from its ``(key, child)`` pairs and treedef."""
    return treedef.unflatten([value for _, value in children])


def check_keys(keys: list[Hashable], node: object) -> None:
    """Raise ``InvalidKeyError`` unless ``keys`` are hashable and mutually orderable.

    [Deviation D-8] the seed's key check could never fire (every object has
    ``__hash__`` and ``__lt__`` attributes); states are pytrees whose keys jax sorts.
    """
    try:
        for key in keys:
            hash(key)
        sorted(keys)  # type: ignore[type-var]  # orderability is what is being checked
    except TypeError as error:
        raise InvalidKeyError(
            f"keys {keys!r} of a {type(node).__name__} node",
            None,
            f"expected hashable, mutually orderable keys, found: {error}",
        ) from None
