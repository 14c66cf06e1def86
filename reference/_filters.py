"""The filter language: turning filters into predicates ``(path, x) -> bool``.

Filter forms, checked in this order (``to_predicate``):

==================  ======================================================
``str`` s           ``WithTag(s)``: ``x.tag == s``
``type`` T          ``OfType(T)``: ``isinstance(x, T)`` or ``issubclass(x.type, T)``
``True`` / ``False``  ``Everything()`` / ``Nothing()`` (tested with ``is``)
``...``             ``Everything()``
``None``            ``Nothing()``
callable            itself
list / tuple        ``Any(*filter)``
==================  ======================================================

Anything else raises ``FilterError`` (a ``TypeError``). In a sequence of filters,
``...`` and ``True`` may only be followed by more ``...`` / ``True``
(``check_filter_order``); [Deviation D-10] the test uses ``is``, so ``1`` is not ``True``.

Predicates whose answer depends only on the leaf's type carry ``type_only = True``;
bucketing caches their answer per Variable type (see ``Bucketer``).
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Callable, Sequence
from types import EllipsisType
from typing import Any as AnyT
from typing import ClassVar, TypeAlias

from reference._typing import Key, PathParts
from reference._variables import Variable, VariableState
from reference.errors import FilterError, FilterOrderError

Predicate: TypeAlias = Callable[[PathParts, AnyT], bool]
Filter: TypeAlias = (
    builtins.type | str | Predicate | bool | EllipsisType | Sequence["Filter"] | None
)


def _is_type_only(predicate: Predicate) -> bool:
    return bool(getattr(predicate, "type_only", False))


@dataclasses.dataclass(frozen=True)
class WithTag:
    """Match leaves whose ``tag`` equals ``tag``."""

    tag: str
    type_only: ClassVar[bool] = False

    def __call__(self, path: PathParts, x: AnyT) -> bool:
        return hasattr(x, "tag") and bool(x.tag == self.tag)


@dataclasses.dataclass(frozen=True)
class PathContains:
    """Match leaves whose path contains ``key``."""

    key: Key
    type_only: ClassVar[bool] = False

    def __call__(self, path: PathParts, x: AnyT) -> bool:
        return self.key in path


class PathIn:
    """Match leaves whose path is one of ``paths``."""

    type_only: ClassVar[bool] = False

    def __init__(self, *paths: PathParts) -> None:
        self.paths = frozenset(paths)

    def __call__(self, path: PathParts, x: AnyT) -> bool:
        return path in self.paths

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PathIn) and self.paths == other.paths

    def __hash__(self) -> int:
        return hash(self.paths)

    def __repr__(self) -> str:
        return f"PathIn({', '.join(map(repr, self.paths))})"


@dataclasses.dataclass(frozen=True)
class OfType:
    """Match instances of ``type``, and objects whose ``.type`` is a subclass of it
    (VariableStates of that Variable type).

    A Variable matches by its own class only: its ``.type`` is not consulted (in the
    seed it would fall through to the *value*'s ``type`` attribute, if any).
    """

    type: builtins.type
    type_only: ClassVar[bool] = True

    def __call__(self, path: PathParts, x: AnyT) -> bool:
        if isinstance(x, self.type):
            return True
        if isinstance(x, Variable):
            return False
        inner = getattr(x, "type", None)
        return isinstance(inner, type) and issubclass(inner, self.type)


class _Combinator:
    """Shared equality / hashing for ``Any``, ``All`` and ``Not``."""

    predicates: tuple[Predicate, ...]

    def __init__(self, *filters: Filter) -> None:
        self.predicates = tuple(to_predicate(f) for f in filters)
        self.type_only = all(_is_type_only(p) for p in self.predicates)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Combinator)
            and type(other) is type(self)
            and self.predicates == other.predicates
        )

    def __hash__(self) -> int:
        return hash((type(self), self.predicates))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self.predicates))})"


class Any(_Combinator):
    """Match if any of the filters matches."""

    def __call__(self, path: PathParts, x: AnyT) -> bool:
        return any(p(path, x) for p in self.predicates)


class All(_Combinator):
    """Match if all of the filters match."""

    def __call__(self, path: PathParts, x: AnyT) -> bool:
        return all(p(path, x) for p in self.predicates)


class Not(_Combinator):
    """Match if the filter does not match."""

    def __init__(self, filter: Filter, /) -> None:
        super().__init__(filter)

    def __call__(self, path: PathParts, x: AnyT) -> bool:
        return not self.predicates[0](path, x)


class Everything:
    """Match everything. All instances are equal."""

    type_only: ClassVar[bool] = True

    def __call__(self, path: PathParts, x: AnyT) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Everything)

    def __hash__(self) -> int:
        return hash(Everything)

    def __repr__(self) -> str:
        return "Everything()"


class Nothing:
    """Match nothing. All instances are equal."""

    type_only: ClassVar[bool] = True

    def __call__(self, path: PathParts, x: AnyT) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Nothing)

    def __hash__(self) -> int:
        return hash(Nothing)

    def __repr__(self) -> str:
        return "Nothing()"


def to_predicate(filter: Filter) -> Predicate:
    """Convert a filter to a predicate ``(path, x) -> bool`` (table in the module docstring)."""
    if isinstance(filter, str):
        return WithTag(filter)
    if isinstance(filter, type):
        return OfType(filter)
    if filter is True or filter is Ellipsis:
        return Everything()
    if filter is False or filter is None:
        return Nothing()
    if isinstance(filter, (list, tuple)):
        return Any(*filter)
    if callable(filter):
        return filter
    raise FilterError(
        f"{filter!r} of type {type(filter).__name__}",
        None,
        "expected a type, a str tag, ..., True/False/None, a callable (path, x) -> bool, "
        "or a list/tuple of filters",
    )


def check_filter_order(filters: Sequence[Filter]) -> None:
    """Raise ``FilterOrderError`` if ``...`` / ``True`` is followed by another filter.

    [Deviation D-10] identity test: ``1`` and ``1.0`` are not ``True``.
    """
    for i, f in enumerate(filters):
        if f is Ellipsis or f is True:
            for later in filters[i + 1 :]:
                if later is not Ellipsis and later is not True:
                    raise FilterOrderError(
                        f"{f!r} at index {i} followed by {later!r}",
                        None,
                        "expected `...` or `True` only in the last position(s)",
                        "move it to the end",
                    )


class Bucketer:
    """Place leaves in the bucket of the first matching predicate (``len(predicates)``
    if none matches).

    For VariableState leaves and predicates that only look at the type, the answer is
    cached per Variable type, so the path is never built for them.
    """

    __slots__ = ("_cache", "needs_path", "predicates")

    def __init__(self, predicates: Sequence[Predicate]) -> None:
        self.predicates = tuple(predicates)
        self.needs_path = not all(_is_type_only(p) for p in self.predicates)
        self._cache: dict[tuple[bool, type], int] = {}

    def cached(self, leaf: AnyT) -> int | None:
        """Return the bucket of ``leaf`` when it can be known without its path.

        The cache key is the Variable type: ``leaf.type`` for a VariableState, the
        class itself for a Variable (``OfType`` looks at nothing else for those).
        """
        if self.needs_path:
            return None
        if type(leaf) is VariableState:
            key = (True, leaf.type)
        elif isinstance(leaf, Variable):
            key = (False, type(leaf))
        else:
            return None
        bucket = self._cache.get(key)
        if bucket is None:
            bucket = self._cache[key] = self.bucket((), leaf)
        return bucket

    def bucket(self, path: PathParts, leaf: AnyT) -> int:
        """Return the index of the first predicate that matches ``(path, leaf)``."""
        for i, predicate in enumerate(self.predicates):
            if predicate(path, leaf):
                return i
        return len(self.predicates)
