"""Mutants about classes as users write them: bookkeeping shown to a user's attribute hooks, and
the ``experimental_pytree`` class keyword lost.

The bookkeeping mutants write the object state (``reference._object.object_state``) back through
``setattr`` somewhere, as an implementation that stores it as an ordinary attribute does: a
logging ``__setattr__`` then sees ``_object__state``, and one that refuses private names breaks.
The keyword mutants replace ``Module.__init_subclass__``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.mutants.helpers import around, ref
from tests.mutants.patch import Patcher

__all__ = [
    "bookkeeping_through_setattr_at_construction",
    "bookkeeping_through_setattr_in_clone",
    "bookkeeping_through_setattr_in_create_empty",
    "bookkeeping_through_setattr_in_pop",
    "bookkeeping_through_setattr_in_update",
    "pytree_keyword_ignored",
    "pytree_keyword_rejected",
]

_STATE = "_object__state"


def _store_through_setattr(node: Any, state: Any) -> None:
    setattr(node, _STATE, state)


def bookkeeping_through_setattr_at_construction(p: Patcher) -> None:
    """``Object.__new__`` stores the new object's state with ``setattr``."""
    o = ref("reference._object")

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        node: Any = object.__new__(cls)
        _store_through_setattr(node, o.ObjectState())
        return node

    p.set_attr(o.Object, "__new__", staticmethod(__new__))


def bookkeeping_through_setattr_in_create_empty(p: Patcher) -> None:
    """Rebuilding a node (merge, clone, unflatten) stores its state with ``setattr``."""
    o = ref("reference._object")
    original = ref("reference._registry").GRAPH_REGISTRY[o.Module].create_empty

    def create_empty(metadata: tuple[type, bool]) -> Any:
        node = original(metadata)
        _store_through_setattr(node, o.object_state(node))
        return node

    p.replace_hook("create_empty", original, create_empty)


def _touching_states(what: Callable[[Any, tuple[Any, ...]], Any]) -> Callable[[Any], Any]:
    """Make ``original(*args)`` that then re-stores the state of every Object of ``what(result,
    args)`` with ``setattr`` (an implementation resetting a flag after its work)."""
    o = ref("reference._object")
    iter_graph = ref("reference._iter").iter_graph

    def make(original: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            for _, node in list(iter_graph(what(result, args))):
                if isinstance(node, o.Object):
                    _store_through_setattr(node, o.object_state(node))
            return result

        return wrapped

    return make


def bookkeeping_through_setattr_in_clone(p: Patcher) -> None:
    """``clone`` resets each new node's state with ``setattr``."""
    around(p, "reference._api", "clone", _touching_states(lambda result, args: result))


def bookkeeping_through_setattr_in_update(p: Patcher) -> None:
    """``update`` resets each updated node's state with ``setattr``."""
    around(p, "reference._api", "update", _touching_states(lambda result, args: args[0]))


def bookkeeping_through_setattr_in_pop(p: Patcher) -> None:
    """``pop`` resets each node's state with ``setattr``."""
    around(p, "reference._api", "pop", _touching_states(lambda result, args: args[0]))


def _object_init_subclass(cls: type) -> None:
    o = ref("reference._object")
    super(o.Module, cls).__init_subclass__()  # Object's registration


def pytree_keyword_rejected(p: Patcher) -> None:
    """``Module.__init_subclass__`` takes no keyword: ``experimental_pytree=True`` is a
    TypeError."""

    def __init_subclass__(cls: type) -> None:
        _object_init_subclass(cls)

    p.set_attr(ref("reference._object").Module, "__init_subclass__", classmethod(__init_subclass__))


def pytree_keyword_ignored(p: Patcher) -> None:
    """``experimental_pytree=True`` is accepted and does nothing: the class is no jax pytree."""

    def __init_subclass__(cls: type, experimental_pytree: bool = False) -> None:
        _object_init_subclass(cls)

    p.set_attr(ref("reference._object").Module, "__init_subclass__", classmethod(__init_subclass__))
