"""Object, Module and Dict: Python objects that are graph nodes.

Contract:

- Every subclass of ``Object`` is registered as a graph node type when it is defined.
- Its children are its instance attributes (``vars(obj)``), flattened in sorted
  attribute-name order; private ``_x`` attributes are included. The bookkeeping
  ``_object__state`` lives in a slot, so it is never an attribute of the graph.
- Metadata is ``(type(obj), initializing)``; rebuilding uses ``object.__new__`` (no
  ``__init__``) and fills ``vars`` directly, bypassing ``__setattr__``.
- Bookkeeping never passes through a user's attribute hooks: ``_object__state`` is read and
  written through its slot descriptor (``object_state`` / ``set_object_state``), never by
  ``setattr`` or attribute access, in construction, ``clone``, ``merge`` and every other
  operation. A logging ``__setattr__`` sees exactly the names the user's code writes.
- ``class M(Module, experimental_pytree=True)`` also registers ``M`` as a jax pytree whose
  children are its ``split`` state's top-level entries (sorted) and whose aux data is
  ``(keys, graphdef)``; unflattening merges them back (as the seed does).
- Attribute keys are ``str``; ``set_key`` / ``pop_key`` reject anything else.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, overload

from typing_extensions import TypeVar

from reference._filters import Filter, to_predicate
from reference._flatten import flatten_graph
from reference._iter import iter_graph
from reference._jax import DictKey, register_keyed_pytree
from reference._registry import TRUSTED_KEYS, register_graph_node_type
from reference._typing import Key, PathParts
from reference._unflatten import unflatten_graph
from reference._variables import Variable, VariableState
from reference.errors import InvalidKeyError, NodeTypeError

A = TypeVar("A")
V = TypeVar("V", bound=Variable[Any])
E = TypeVar("E", default=Any)  # Dict entries; ``Dict({})`` is a ``Dict[Any]``


class ObjectState:
    """Per-object bookkeeping kept outside the attributes (``initializing`` flag)."""

    __slots__ = ("initializing",)

    def __init__(self, initializing: bool = False) -> None:
        self.initializing = initializing


class Object:
    """A Python object whose attributes form a graph node (see module docstring)."""

    __slots__ = ("__dict__", "__weakref__", "_object__state")
    _object__state: ObjectState

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        node = object.__new__(cls)
        set_object_state(node, ObjectState())
        return node

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        register_graph_node_type(
            cls, _flatten, _set_key, _pop_key, _create_empty, _clear, _init, node_dict=_node_dict
        )
        TRUSTED_KEYS.add(cls)

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        graphdef, state = flatten_graph(self)
        return unflatten_graph(copy.deepcopy(graphdef, memo), copy.deepcopy(state, memo))

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{key}={_short_repr(value)}"
            for key, value in sorted(vars(self).items())
            if not key.startswith("_")
        )
        return f"{type(self).__name__}({fields})"


_STATE_SLOT: Any = Object.__dict__["_object__state"]  # the slot's member descriptor


def object_state(node: Object) -> ObjectState:
    """Return the bookkeeping of ``node`` without calling any of its attribute hooks."""
    state: ObjectState = _STATE_SLOT.__get__(node, Object)
    return state


def set_object_state(node: Object, state: ObjectState) -> None:
    """Store ``state`` as the bookkeeping of ``node`` without calling its ``__setattr__``."""
    _STATE_SLOT.__set__(node, state)


def _short_repr(value: Any) -> str:
    # one level only: nested graph nodes are summarised, so deep graphs print fine
    return f"{type(value).__name__}(...)" if isinstance(value, Object) else repr(value)


def _flatten(node: Object) -> tuple[list[tuple[str, Any]], tuple[type, bool]]:
    return sorted(node.__dict__.items()), (type(node), object_state(node).initializing)


def _node_dict(node: Object) -> dict[str, Any]:
    return node.__dict__


def _check_key(node: Object, key: Key) -> str:
    if type(key) is not str:
        raise InvalidKeyError(
            f"{key!r} for an attribute of {type(node).__name__}",
            None,
            f"expected a str attribute name, found {type(key).__name__}",
        )
    return key


def _set_key(node: Object, key: Key, value: Any) -> None:
    name = _check_key(node, key)
    current = node.__dict__.get(name)
    if isinstance(current, Variable) and type(value) is VariableState:
        current.update_from_state(value)
    else:
        setattr(node, name, value)


def _pop_key(node: Object, key: Key) -> Any:
    return node.__dict__.pop(_check_key(node, key))


def _create_empty(metadata: tuple[type[Object], bool]) -> Object:
    cls, initializing = metadata
    node = object.__new__(cls)
    set_object_state(node, ObjectState(initializing))
    return node


def _clear(node: Object) -> None:
    node.__dict__.clear()


def _init(node: Object, items: Iterable[tuple[Key, Any]]) -> None:
    node.__dict__.update(items)  # type: ignore[arg-type]


class Module(Object):
    """An Object with the conveniences of neural-network modules."""

    __slots__ = ()

    def __init_subclass__(cls, experimental_pytree: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if experimental_pytree:
            register_keyed_pytree(
                cls, _module_flatten_with_keys, _module_unflatten, _module_flatten
            )

    def sow(
        self,
        variable_type: type[V],
        name: str,
        value: A,
        reduce_fn: Callable[[Any, A], Any] = lambda acc, x: (*acc, x),
        init_fn: Callable[[], Any] = tuple,
    ) -> None:
        """Record ``value`` in the Variable ``name`` of type ``variable_type``.

        A new Variable holds ``reduce_fn(init_fn(), value)``; an existing one is
        replaced by ``reduce_fn(current, value)``. An existing attribute that is not a
        ``variable_type`` raises ``NodeTypeError``.
        """
        if name not in vars(self):
            setattr(self, name, variable_type(reduce_fn(init_fn(), value)))
            return
        current = vars(self)[name]
        if not isinstance(current, variable_type):
            raise NodeTypeError(
                f"sow into {name!r}",
                (name,),
                f"expected a {variable_type.__name__}, found {type(current).__name__}",
            )
        current.value = reduce_fn(current.value, value)

    def iter_modules(self) -> Iterator[tuple[PathParts, Module]]:
        """Yield ``(path, module)`` for every Module in the graph, post-order, root last."""
        for path, value in iter_graph(self):
            if isinstance(value, Module):
                yield path, value

    def iter_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for the direct Module attributes, sorted by name."""
        for name, value in sorted(vars(self).items()):
            if isinstance(value, Module):
                yield name, value

    def set_attributes(
        self, *filters: Filter, raise_if_not_found: bool = True, **attributes: Any
    ) -> None:
        """Set ``attributes`` on every Module matching ``filters`` (default: all) that has them.

        Raises:
            InvalidKeyError: with ``raise_if_not_found``, an attribute no Module has.
        """
        predicate = to_predicate(list(filters) if filters else Module)
        remaining = set(attributes)
        for path, module in self.iter_modules():
            if not predicate(path, module):
                continue
            for name, value in attributes.items():
                if hasattr(module, name):
                    remaining.discard(name)
                    setattr(module, name, value)
        if remaining and raise_if_not_found:
            raise InvalidKeyError(
                f"attributes {sorted(remaining)!r}",
                (),
                "expected at least one matching Module to have them",
            )

    def train(self, **attributes: Any) -> None:
        """Set ``deterministic=False`` and ``use_running_average=False`` where present."""
        self.set_attributes(
            deterministic=False, use_running_average=False, raise_if_not_found=False, **attributes
        )

    def eval(self, **attributes: Any) -> None:
        """Set ``deterministic=True`` and ``use_running_average=True`` where present."""
        self.set_attributes(
            deterministic=True, use_running_average=True, raise_if_not_found=False, **attributes
        )


def _module_children(module: Module) -> tuple[list[tuple[Any, Any]], tuple[Any, ...]]:
    graphdef, state = flatten_graph(module)
    items = sorted(state.items())
    return items, (tuple(key for key, _ in items), graphdef)


def _module_flatten_with_keys(module: Module) -> tuple[list[tuple[Any, Any]], tuple[Any, ...]]:
    items, aux = _module_children(module)
    return [(DictKey(key), value) for key, value in items], aux


def _module_flatten(module: Module) -> tuple[list[Any], tuple[Any, ...]]:
    items, aux = _module_children(module)
    return [value for _, value in items], aux


def _module_unflatten(aux: tuple[Any, ...], children: Iterable[Any]) -> Module:
    keys, graphdef = aux
    module: Module = unflatten_graph(graphdef, dict(zip(keys, children, strict=True)))
    return module


class Dict(Module, Mapping[str, E]):
    """A Module whose entries are its attributes: ``Dict(a=1)`` has ``d.a == d['a'] == 1``.

    [Deviation D-13] ``len`` counts the entries only (the seed counted its
    bookkeeping attribute too), and a missing entry raises ``KeyError``.
    """

    __slots__ = ()

    @overload
    def __init__(self, entries: Mapping[str, E], /, **kwargs: E) -> None: ...
    @overload
    def __init__(self, entries: Iterable[tuple[str, E]], /, **kwargs: E) -> None: ...
    @overload
    def __init__(self, /, **kwargs: E) -> None: ...
    def __init__(self, entries: Any = (), /, **kwargs: Any) -> None:
        for name, value in dict(entries, **kwargs).items():
            setattr(self, name, value)

    if TYPE_CHECKING:  # entries are plain attributes; this only tells the type checker

        def __getattr__(self, name: str) -> E: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    def __getitem__(self, key: str) -> E:
        try:
            return vars(self)[key]  # type: ignore[no-any-return]
        except KeyError:
            raise KeyError(key) from None

    def __setitem__(self, key: str, value: E) -> None:
        setattr(self, key, value)

    def __iter__(self) -> Iterator[str]:
        return iter(vars(self))

    def __len__(self) -> int:
        return len(vars(self))
