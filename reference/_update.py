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
applied. A failing call changes nothing. [Deviation D-1] iterative: an explicit stack of
``_Frame`` records, one per node being updated; the planned writes go into a ``_Plan``
(the Variables to write and their values in two flat lists: no record per Variable).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterator, Mapping
from typing import Any, cast

from reference._object import Object
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


@dataclasses.dataclass(slots=True)
class _Frame:
    """A node being updated from the state given for it."""

    node: Any
    impl: NodeImpl
    children: Mapping[Any, Any]
    """The node's current children (``impl.node_dict``)."""
    items: Iterator[tuple[Any, Any]]
    """The state's entries for the node not visited yet."""
    parent: _Frame | None
    key: Any

    def path(self, *key: Any) -> tuple[Hashable, ...]:
        keys = list(key)
        frame = self
        while frame.parent is not None:
            keys.append(frame.key)
            frame = frame.parent
        return tuple(reversed(keys))


_NewKey = tuple[GraphNodeImpl[Any, Any, Any], Any, Any, Any]
"""A planned new key ``(impl, node, key, value)``, set through ``impl.set_key``."""


@dataclasses.dataclass(slots=True)
class _Plan:
    """The writes planned so far, applied only once the whole state has been checked."""

    variables: list[Variable[Any]] = dataclasses.field(default_factory=list)
    """The Variables to write, in state order (a Variable reached twice is written twice)."""
    values: list[Any] = dataclasses.field(default_factory=list)
    """What each of ``variables`` receives: a VariableState, a Variable or a raw value."""
    new_keys: list[_NewKey] = dataclasses.field(default_factory=list)
    overlay: dict[int, dict[Any, Any]] = dataclasses.field(default_factory=dict)
    """id(node) -> the new children planned for it (later steps see them)."""


def update_graph(node: Any, state: Mapping[Any, Any]) -> None:
    """Update ``node`` in place from the nested mapping ``state`` (see module docstring)."""
    root_impl = node_impl(node)
    plan = _Plan()
    root = _Frame(node, root_impl, root_impl.node_dict(node), iter(()), None, None)
    root.items = iter(_items(state, root, None))
    stack = [root]
    while stack:
        frame = stack[-1]
        planned = plan.overlay.get(id(frame.node))
        for key, value in frame.items:
            if planned is not None and key in planned:
                current = planned[key]
            else:
                current = frame.children.get(key, MISSING)
            if current is MISSING:
                planned = _plan_new_key(plan, frame, key, value)
                continue
            kind = KIND.get(type(current))
            if kind is None or kind == K_DYNAMIC:
                kind = kind_of(current)
            if kind == K_VARIABLE:
                if type(value) is not VariableState and isinstance(value, Mapping):
                    raise _mapping_for_variable(frame, key, value)  # [Deviation D-17]
                plan.variables.append(current)
                plan.values.append(value)
            elif kind in _NODE_KINDS:
                stack.append(_subframe(frame, key, current, kind, value))
                break
            else:
                raise _static_error(frame, key, current)
        else:
            stack.pop()
    _apply(plan)


def _plan_new_key(plan: _Plan, frame: _Frame, key: Any, value: Any) -> dict[Any, Any]:
    """Plan adding ``key`` to the frame's node; return the node's planned children."""
    value = _new_child(frame, key, value)
    planned = plan.overlay.setdefault(id(frame.node), {})
    planned[key] = value
    impl = cast(GraphNodeImpl[Any, Any, Any], frame.impl)  # checked by _new_child
    plan.new_keys.append((impl, frame.node, key, value))
    return planned


def _subframe(frame: _Frame, key: Any, current: Any, kind: int, value: Any) -> _Frame:
    """The frame updating the subgraph ``current`` at ``key`` from ``value``."""
    items = value.items() if type(value) is dict else _items(value, frame, key)
    impl = impl_of(current, kind)
    return _Frame(current, impl, impl.node_dict(current), iter(items), frame, key)


def _items(value: Any, frame: _Frame, key: Any) -> Any:
    """The items of a state mapping given for the subgraph at ``key`` of ``frame``."""
    if type(value) is dict:
        return value.items()
    if type(value) is State:
        return value.raw_mapping.items()
    if isinstance(value, Mapping):
        return value.items()
    where = frame.path(key) if key is not None else ()
    raise StateMismatchError(
        f"a {type(value).__name__} given for a subgraph",
        where,
        "expected a mapping of the subgraph's state",
    )


def _mapping_for_variable(frame: _Frame, key: Any, value: Any) -> StateStructureError:
    return StateStructureError(
        f"a {type(value).__name__} given for Variable {key!r}",
        frame.path(key),
        "expected a state leaf (a VariableState or a raw value), found a mapping",
        "the seed stored the mapping as the Variable's value",
    )


def _static_error(frame: _Frame, key: Any, current: Any) -> StateMismatchError:
    return StateMismatchError(
        f"static attribute {key!r}",
        frame.path(key),
        f"expected a Variable or a subgraph to update, found static {type(current).__name__}",
        "static attributes live in the GraphDef; use an update context to change them",
    )


def _new_child(frame: _Frame, key: Any, value: Any) -> Any:
    """Check that ``key`` can be added to the frame's node; return the value to store."""
    target = frame.node
    if type(frame.impl) is not GraphNodeImpl:
        raise ImmutableNodeError(
            f"new key {key!r} on a {type(target).__name__}",
            frame.path(key),
            "expected an existing key: pytree nodes cannot gain keys",
        )
    if isinstance(target, Object) and type(key) is not str:
        raise InvalidKeyError(
            f"{key!r} for a new attribute of {type(target).__name__}",
            frame.path(key),
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
        frame.path(key),
        f"expected an existing attribute, or a state leaf (VariableState) for a new one; "
        f"found a {type(value).__name__}",
        "add new Variables with a VariableState (e.g. Param.state(value)) or set the "
        "attribute directly",
    )


def _apply(plan: _Plan) -> None:
    """Apply the planned writes: Variables in place, in state order, then the new keys (their
    new Variables were planned complete, so the order between the two kinds does not matter)."""
    for target, value in zip(plan.variables, plan.values):
        if type(value) is VariableState:
            target.raw_value = value.value
            _copy_metadata(target, value.__dict__)
        elif isinstance(value, Variable):  # [Deviation D-6] a Variable counts as its state
            target.raw_value = value.raw_value
            _copy_metadata(target, value.__dict__)
        else:
            target.raw_value = value
    for impl, node, key, value in plan.new_keys:
        impl.set_key(node, key, value)


def _copy_metadata(target: Variable[Any], metadata: dict[str, Any]) -> None:
    """Give ``target`` its own copy of ``metadata`` (nothing to do when both are empty)."""
    if metadata or target.__dict__:
        target.__dict__ = dict(metadata)
