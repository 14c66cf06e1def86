"""Variables (mutable, identity-tracked state cells) and VariableStates (their pytree snapshots).

Contract:

- A ``Variable`` holds ``raw_value`` and a mutable metadata dict. Any attribute that is
  not ``value``/``raw_value`` is metadata: ``v.sharding = s`` stores it, ``v.sharding``
  reads it. Unknown attributes fall through to the value (``v.shape``).
- A ``VariableState`` holds ``type`` (the Variable class), ``value`` and its own metadata
  dict. It is a jax pytree: its one child is ``value`` (key ``GetAttrKey('value')``), and
  ``(type, tuple(sorted(metadata.items())))`` is its aux data. Equality is identity.
- ``to_state`` / ``to_variable`` share the value object and copy the metadata dict.

Why metadata lives in ``__dict__``: both classes are slotted for their core fields and
use the instance ``__dict__`` *as* the metadata dict, so metadata reads and writes are
plain attribute accesses and no ``__setattr__`` hook sits on the hot path. CPython makes such
a dict on first use, so conversions copy metadata only when there is some: a Variable or state
without metadata costs no dict, and each still owns the one it gets when metadata is first set.

Metadata hooks passed as keyword arguments (``on_get_value``, ``on_set_value``,
``on_create_value``, each ``(variable, value) -> value``) are applied by ``value``; like
the seed, hooks defined as methods on a subclass are not called. The seed's
``VariableMetadata`` / ``with_metadata`` initialisers and trace-level checks (always
valid at the seed) are not part of this subset.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, Generic, cast

from typing_extensions import Self

from reference._jax import GetAttrKey, register_keyed_pytree
from reference._operators import ValueOperators
from reference._typing import MISSING, A, Missing
from reference.errors import VariableError


class Variable(ValueOperators, Generic[A]):
    """A mutable cell for a value plus metadata; graphs track Variables by identity.

    Args:
        value: the initial value (passed through the ``on_create_value`` hook if given).
        **metadata: metadata entries, e.g. ``sharding=...`` or hooks.
    """

    __slots__ = ("__dict__", "raw_value")
    raw_value: A

    def __init__(self, value: A, **metadata: Any) -> None:
        self.__dict__.update(metadata)
        self.raw_value = self.create_value(value)

    def create_value(self, value: A) -> A:
        """Return ``value`` passed through the ``on_create_value`` metadata hook, if any."""
        hook = self.__dict__.get("on_create_value")
        return value if hook is None else hook(self, value)

    def add_axis(self, axis_index: int, axis_name: str | None) -> None:
        """Call the ``on_add_axis`` metadata hook, if any (transforms that add an axis)."""
        _call_axis_hook(self, "on_add_axis", axis_index, axis_name)

    def remove_axis(self, axis_index: int, axis_name: str | None) -> None:
        """Call the ``on_remove_axis`` metadata hook, if any (transforms that remove an axis)."""
        _call_axis_hook(self, "on_remove_axis", axis_index, axis_name)

    # --- value and metadata ------------------------------------------------

    @property
    def value(self) -> A:
        """The value, passed through the ``on_get_value`` metadata hook if there is one."""
        hook = self.__dict__.get("on_get_value")
        return self.raw_value if hook is None else hook(self, self.raw_value)

    @value.setter
    def value(self, value: A) -> None:
        if isinstance(value, Variable):
            raise VariableError(
                f"a {type(value).__name__} assigned to {type(self).__name__}.value",
                None,
                "expected a plain value, found a Variable",
                "use `copy_from` to copy another Variable",
            )
        hook = self.__dict__.get("on_set_value")
        self.raw_value = value if hook is None else hook(self, value)

    @property
    def _var_metadata(self) -> dict[str, Any]:
        return self.__dict__

    def get_metadata(self) -> dict[str, Any]:
        """Return the live metadata dict."""
        return self.__dict__

    if TYPE_CHECKING:  # metadata is set as attributes: tell the type checker

        def __setattr__(self, name: str, value: Any) -> None: ...

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: metadata lives in __dict__, so this
        # is the fall-through to the value (``v.shape``). Guard the slot and dunders.
        if name == "raw_value" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.value, name)

    # --- conversions --------------------------------------------------------

    def to_state(self) -> VariableState[A]:
        """Return a VariableState sharing the value, with a copy of the metadata."""
        state: VariableState[A] = object.__new__(VariableState)
        state.type = type(self)
        state.value = self.raw_value
        metadata = self.__dict__
        if metadata:  # an instance dict is made on first use: none for no metadata
            state.__dict__.update(metadata)
        return state

    def update_from_state(self, variable_state: VariableState[A]) -> None:
        """Take the value and a copy of the metadata of ``variable_state`` (the type is kept)."""
        self.raw_value = variable_state.value
        self.__dict__ = dict(variable_state.__dict__)

    def copy_from(self, other: Variable[A]) -> None:
        """Copy the value and metadata of a Variable of the same type into this one."""
        if type(other) is not type(self):
            raise VariableError(
                f"copy_from a {type(other).__name__} into a {type(self).__name__}",
                None,
                "expected the same Variable type",
            )
        self.raw_value = other.raw_value
        self.__dict__.clear()
        self.__dict__.update(other.__dict__)

    def copy(self) -> Self:
        """Return a new Variable of the same type, same value, copied metadata."""
        new = object.__new__(type(self))
        new.raw_value = self.raw_value
        new.__dict__.update(self.__dict__)
        return new

    def replace(self, value: A | Missing = MISSING, **metadata: Any) -> Self:
        """Return a copy with ``value`` and/or metadata entries replaced.

        [Deviation D-7] the source's metadata is never mutated (the seed shared and
        updated the source's metadata dict).
        """
        if isinstance(value, Variable):
            if type(value) is not type(self):
                raise VariableError(
                    f"replace a {type(self).__name__} by a {type(value).__name__}",
                    None,
                    "expected a Variable of the same type",
                )
            return value.replace(**metadata) if metadata else value  # type: ignore[return-value]
        new = self.copy()
        if not isinstance(value, Missing):
            new.raw_value = value
        new.__dict__.update(metadata)
        return new

    @classmethod
    def from_metadata(cls, value: A, attributes: Any) -> Self:
        """Create a Variable without calling ``__init__`` or hooks.

        [Deviation D-7] the new Variable owns a *copy* of ``attributes`` (the seed used
        the given mapping itself, so merging from pure dicts gave read-only metadata).
        """
        new = object.__new__(cls)
        new.raw_value = value
        new.__dict__.update(attributes)
        return new

    @classmethod
    def state(cls, value: A, **metadata: Any) -> VariableState[A]:
        """Shorthand for ``cls(value, **metadata).to_state()``."""
        return cls(value, **metadata).to_state()

    def __getstate__(self) -> dict[str, Any]:
        return {"raw_value": self.raw_value, "metadata": dict(self.__dict__)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.raw_value = state["raw_value"]
        self.__dict__.update(state["metadata"])

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return False
        other = cast("Variable[Any]", other)
        same_value = self.raw_value is other.raw_value or bool(self.raw_value == other.raw_value)
        return same_value and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable cells compare by content

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        sep = ", " if fields else ""
        return f"{type(self).__name__}(value={self.raw_value!r}{sep}{fields})"


class Param(Variable[A]):
    """A trainable parameter."""

    __slots__ = ()


class BatchStat(Variable[A]):
    """A running statistic (e.g. BatchNorm mean / var)."""

    __slots__ = ()


class Cache(Variable[A]):
    """A cache entry (e.g. attention key/value cache)."""

    __slots__ = ()


class Intermediate(Variable[A]):
    """An intermediate value recorded with ``Module.sow``."""

    __slots__ = ()


class RngState(Variable[A]):
    """Base of the RNG Variables; carries a ``tag`` metadata entry (the stream name).

    Only the Variable types of the seed's RNG family are provided (``RngState``,
    ``RngKey``, ``RngCount``); ``Rngs`` / ``RngStream`` objects are not.
    """

    __slots__ = ()
    tag: str  # a metadata entry, set by the keyword ``tag=`` (as in the seed, not required)


class RngKey(RngState[A]):
    """The key of an RNG stream."""

    __slots__ = ()


class RngCount(RngState[A]):
    """The counter of an RNG stream."""

    __slots__ = ()


class VariableState(Generic[A]):
    """An immutable-by-convention snapshot of a Variable: ``type``, ``value``, metadata.

    A jax pytree with one child (``value``) and ``(type, tuple(metadata.items()))`` as
    aux data, so metadata must be hashable under ``jax.jit``. Equality is identity.
    """

    __slots__ = ("__dict__", "type", "value")
    type: builtins.type[Variable[A]]
    value: A

    def __init__(self, type: builtins.type[Variable[A]], value: A, **metadata: Any) -> None:
        self.type = type
        self.value = value
        self.__dict__.update(metadata)

    @property
    def _var_metadata(self) -> dict[str, Any]:
        return self.__dict__

    def get_metadata(self) -> dict[str, Any]:
        """Return the live metadata dict."""
        return self.__dict__

    if TYPE_CHECKING:  # metadata entries are attributes: tell the type checker

        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    def add_axis(self, axis_index: int, axis_name: str | None) -> None:
        """Call the ``on_add_axis`` metadata hook, if any."""
        _call_axis_hook(self, "on_add_axis", axis_index, axis_name)

    def remove_axis(self, axis_index: int, axis_name: str | None) -> None:
        """Call the ``on_remove_axis`` metadata hook, if any."""
        _call_axis_hook(self, "on_remove_axis", axis_index, axis_name)

    def replace(self, value: A) -> VariableState[A]:
        """Return a VariableState of the same type with ``value`` and copied metadata."""
        return VariableState(self.type, value, **self.__dict__)

    def to_variable(self) -> Variable[A]:
        """Return a new Variable of ``type`` sharing the value, with copied metadata."""
        variable = object.__new__(self.type)
        variable.raw_value = self.value
        metadata = self.__dict__
        if metadata:  # an instance dict is made on first use: none for no metadata
            variable.__dict__.update(metadata)
        return variable

    def copy(self) -> VariableState[A]:
        """Return a new VariableState with the same value and copied metadata."""
        return VariableState(self.type, self.value, **self.__dict__)

    def __repr__(self) -> str:
        fields = "".join(f", {k}={v!r}" for k, v in self.__dict__.items())
        return f"VariableState(type={self.type.__name__}, value={self.value!r}{fields})"


def _call_axis_hook(
    owner: Variable[Any] | VariableState[Any],
    hook_name: str,
    axis_index: int,
    axis_name: str | None,
) -> None:
    """Call the metadata hook ``hook_name`` of a Variable or a VariableState, if it has one
    (metadata lives in the instance dict of both)."""
    hook = owner.__dict__.get(hook_name)
    if hook is not None:
        hook(owner, axis_index, axis_name)


def is_state_leaf(x: object) -> bool:
    """Is ``x`` a leaf of a graph state (a VariableState)?"""
    return isinstance(x, VariableState)


def is_node_leaf(x: object) -> bool:
    """Is ``x`` a leaf of a graph node (a Variable)?"""
    return isinstance(x, Variable)


def _state_flatten_with_keys(
    x: VariableState[Any],
) -> tuple[tuple[tuple[Any, Any]], tuple[Any, tuple[tuple[str, Any], ...]]]:
    # [Deviation D-19] metadata sorted by name: insertion order is not structure
    return ((GetAttrKey("value"), x.value),), (x.type, tuple(sorted(x.__dict__.items())))


def _state_flatten(
    x: VariableState[Any],
) -> tuple[tuple[Any], tuple[Any, tuple[tuple[str, Any], ...]]]:
    return (x.value,), (x.type, tuple(sorted(x.__dict__.items())))  # [Deviation D-19]


def _state_unflatten(
    aux: tuple[type[Variable[Any]], tuple[tuple[str, Any], ...]], children: Any
) -> VariableState[Any]:
    state: VariableState[Any] = object.__new__(VariableState)
    state.type = aux[0]
    (state.value,) = children
    state.__dict__.update(aux[1])
    return state


register_keyed_pytree(VariableState, _state_flatten_with_keys, _state_unflatten, _state_flatten)
