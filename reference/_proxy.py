"""The proxy caller behind ``call`` and ``NodeDef.apply``.

``DelayedAccessor`` records attribute and item accesses (``a.x``, ``a[k]``) and replays
them on an object later; ``CallableProxy`` builds accessors the same way and, when
called, passes the accessor and the arguments to its callable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable
from typing import Any, Generic, Protocol, TypeVar

from reference._jax import register_static

A = TypeVar("A", covariant=True)


@dataclasses.dataclass(frozen=True)
class GetAttr:
    """Read attribute ``name``."""

    name: str


@dataclasses.dataclass(frozen=True)
class GetItem:
    """Read item ``key``."""

    key: Hashable


@dataclasses.dataclass(frozen=True)
class DelayedAccessor:
    """A recorded chain of ``GetAttr`` / ``GetItem`` actions."""

    actions: tuple[GetAttr | GetItem, ...] = ()

    def __call__(self, x: Any) -> Any:
        """Apply the actions to ``x``."""
        for action in self.actions:
            x = getattr(x, action.name) if isinstance(action, GetAttr) else x[action.key]
        return x

    def __getattr__(self, name: str) -> DelayedAccessor:
        if name.startswith("__"):
            raise AttributeError(name)
        return DelayedAccessor((*self.actions, GetAttr(name)))

    def __getitem__(self, key: Hashable) -> DelayedAccessor:
        return DelayedAccessor((*self.actions, GetItem(key)))


register_static(DelayedAccessor)


class ApplyCaller(Protocol, Generic[A]):
    """What ``call`` returns: index or access attributes, then call."""

    def __getattr__(self, name: str) -> ApplyCaller[A]: ...
    def __getitem__(self, key: Any) -> ApplyCaller[A]: ...
    def __call__(self, *args: Any, **kwargs: Any) -> tuple[Any, A]: ...


class CallableProxy(Generic[A]):
    """Calls ``callable(accessor, *args, **kwargs)``; ``.x`` / ``[k]`` extend the accessor."""

    __slots__ = ("_accessor", "_callable")

    def __init__(
        self, callable: Callable[..., tuple[Any, A]], accessor: DelayedAccessor | None = None
    ) -> None:
        self._callable = callable
        self._accessor = DelayedAccessor() if accessor is None else accessor

    def __call__(self, *args: Any, **kwargs: Any) -> tuple[Any, A]:
        return self._callable(self._accessor, *args, **kwargs)

    def __getattr__(self, name: str) -> CallableProxy[A]:
        if name.startswith("__") or name in ("_callable", "_accessor"):
            raise AttributeError(name)
        return CallableProxy(self._callable, getattr(self._accessor, name))

    def __getitem__(self, key: Any) -> CallableProxy[A]:
        return CallableProxy(self._callable, self._accessor[key])
