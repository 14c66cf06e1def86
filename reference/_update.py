"""update: write a (nested) state into a live graph, in place, all or nothing.

Contract (the seed's semantics), for each ``(key, value)`` of the state against the
children of the current node:

- key absent: pytree nodes raise ``ImmutableNodeError``; Objects need ``str`` keys
  (``InvalidKeyError``); otherwise the value is set with the node's ``set_key`` — a
  Variable value is copied first, and [Deviation D-6] a VariableState value becomes a
  new Variable (the seed stored the VariableState itself as an attribute);
  [Deviation D-18] any other value (a raw array, a mapping) is an ``UnknownKeyError``;
- current child is a node: the value must be a mapping, and the update recurses;
- current child is a Variable: a VariableState (or [Deviation D-6] a Variable) gives
  the value and a copy of the metadata (the Variable keeps its type); [Deviation D-17]
  a mapping is a ``StateStructureError``; any other value becomes the raw value (the
  seed nested a Variable given here);
- anything else (a static attribute): ``StateMismatchError``.

Variable identities are preserved; a subgraph reached by two state paths is updated
twice and the last write wins.

[Deviation D-2] two phases: the whole state is checked and every write is planned
first (later steps see the planned new keys through an overlay), then the writes are
applied. A failing call changes nothing. [Deviation D-1] iterative.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from reference._gc import paused_gc
from reference._registry import (
    K_DYNAMIC,
    K_GENERIC,
    K_GRAPH,
    K_PYTREE,
    K_VARIABLE,
    KIND,
    GraphNodeImpl,
    NodeImpl,
    impl_of,
    kind_of,
    node_impl,
)
from reference._state import State
from reference._typing import MISSING
from reference._variables import Variable, VariableState
from reference.errors import (
    ImmutableNodeError,
    InvalidKeyError,
    StateMismatchError,
    StateStructureError,
    UnknownKeyError,
)

_NODE_KINDS = (K_GRAPH, K_PYTREE, K_GENERIC)
# A frame is a list: [node, impl, children mapping, state items iterator, parent frame, key]
_NODE, _IMPL, _CHILDREN, _ITEMS, _PARENT, _KEY = range(6)


@paused_gc
def update_graph(node: Any, state: Mapping[Any, Any]) -> None:
    """Update ``node`` in place from the nested mapping ``state`` (see module docstring)."""
    root_impl = node_impl(node)
    writes: list[tuple[Any, ...]] = []
    overlay: dict[int, dict[Any, Any]] = {}  # id(node) -> planned new children
    kind_get = KIND.get
    stack: list[list[Any]] = [[node, root_impl, root_impl.node_dict(node), None, None, None]]
    stack[0][_ITEMS] = iter(_items(state, stack[0], None))
    while stack:
        frame = stack[-1]
        target, impl, children = frame[_NODE], frame[_IMPL], frame[_CHILDREN]
        planned = overlay.get(id(target))
        for key, value in frame[_ITEMS]:
            if planned is not None and key in planned:
                current = planned[key]
            else:
                current = children.get(key, MISSING)
            if current is MISSING:
                value = _new_child(target, impl, key, value, frame)
                planned = overlay.setdefault(id(target), {})
                planned[key] = value
                writes.append((impl, target, key, value))
                continue
            kind = kind_get(type(current))
            if kind is None or kind == K_DYNAMIC:
                kind = kind_of(current)
            if kind == K_VARIABLE:
                if type(value) is dict or isinstance(value, Mapping):  # [Deviation D-17]
                    raise StateStructureError(
                        f"a {type(value).__name__} given for Variable {key!r}",
                        _path(frame, key),
                        "expected a state leaf (a VariableState or a raw value), found a mapping",
                        "the seed stored the mapping as the Variable's value",
                    )
                writes.append((None, current, None, value))
            elif kind in _NODE_KINDS:
                if type(value) is dict:
                    items = value.items()
                else:
                    items = _items(value, frame, key)
                sub_impl = impl_of(current, kind)
                stack.append(
                    [current, sub_impl, sub_impl.node_dict(current), iter(items), frame, key]
                )
                break
            else:
                raise StateMismatchError(
                    f"static attribute {key!r}",
                    _path(frame, key),
                    f"expected a Variable or a subgraph to update, found static {type(current).__name__}",
                    "static attributes live in the GraphDef; use an update context to change them",
                )
        else:
            stack.pop()
    _apply(writes)


def _items(value: Any, frame: list[Any], key: Any) -> Any:
    """The items of a state mapping given for the subgraph at ``key`` of ``frame``."""
    if type(value) is dict:
        return value.items()
    if type(value) is State:
        return value.raw_mapping.items()
    if isinstance(value, Mapping):
        return value.items()
    where = _path(frame, key) if key is not None else ()
    raise StateMismatchError(
        f"a {type(value).__name__} given for a subgraph",
        where,
        "expected a mapping of the subgraph's state",
    )


def _path(frame: list[Any], *key: Any) -> tuple[Hashable, ...]:
    keys = list(key)
    while frame[_PARENT] is not None:
        keys.append(frame[_KEY])
        frame = frame[_PARENT]
    return tuple(reversed(keys))


def _new_child(target: Any, impl: NodeImpl, key: Any, value: Any, frame: list[Any]) -> Any:
    """Check that ``key`` can be added to ``target``; return the value to store."""
    if type(impl) is not GraphNodeImpl:
        raise ImmutableNodeError(
            f"new key {key!r} on a {type(target).__name__}",
            _path(frame, key),
            "expected an existing key: pytree nodes cannot gain keys",
        )
    from reference._object import Object  # late import: _object depends on this package

    if isinstance(target, Object) and type(key) is not str:
        raise InvalidKeyError(
            f"{key!r} for a new attribute of {type(target).__name__}",
            _path(frame, key),
            f"expected a str attribute name, found {type(key).__name__}",
        )
    if type(value) is VariableState:
        return value.to_variable()  # [Deviation D-6]
    if isinstance(value, Variable):
        return value.copy()
    # [Deviation D-18] a raw value or a mapping cannot create an attribute: the seed stored it
    # as a plain attribute (an array there breaks the next split; a mapping of states is junk)
    raise UnknownKeyError(
        f"{key!r}",
        _path(frame, key),
        f"expected an existing attribute, or a state leaf (VariableState) for a new one; "
        f"found a {type(value).__name__}",
        "add new Variables with a VariableState (e.g. Param.state(value)) or set the attribute directly",
    )


def _apply(writes: list[tuple[Any, ...]]) -> None:
    """Apply the planned writes in order (Variables in place, new keys via set_key)."""
    for impl, target, key, value in writes:
        if impl is not None:
            impl.set_key(target, key, value)
        elif type(value) is VariableState or isinstance(value, Variable):
            # [Deviation D-6] a Variable counts as its state: it is never nested
            target.raw_value = value.raw_value if isinstance(value, Variable) else value.value
            metadata = value.__dict__
            if metadata or target.__dict__:
                target.__dict__ = dict(metadata)
        else:
            target.raw_value = value
