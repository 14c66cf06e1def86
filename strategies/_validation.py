"""Argument checks shared by every strategy: each raises ``InvalidArgument`` quoting ``name=value``.

Strategies call these inside ``deferred`` (see ``lazy``), so a bad argument fails when the test
first draws from the strategy, never at import time (Hypothesis's own rule: import-time errors
"tend to throw people").
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

__all__ = ["check_bool", "check_int", "check_sizes", "check_subset", "lazy"]

T = TypeVar("T")


def lazy(definition: Callable[[], st.SearchStrategy[T]]) -> st.SearchStrategy[T]:
    """Return a strategy built by ``definition`` on first use (so argument errors are deferred)."""
    return st.deferred(definition)


def check_bool(name: str, value: object) -> None:
    """Raise InvalidArgument unless ``value`` is a bool."""
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be True or False")


def check_int(name: str, value: object, *, min_value: int = 0, allow_none: bool = False) -> None:
    """Raise InvalidArgument unless ``value`` is an int >= ``min_value`` (or None if allowed)."""
    if value is None and allow_none:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be an int{' or None' if allow_none else ''}")
    if value < min_value:
        raise InvalidArgument(f"{name}={value!r} must be at least {min_value}")


def check_sizes(min_name: str, min_value: int, max_name: str, max_value: int) -> None:
    """Raise InvalidArgument if the lower bound exceeds the upper bound."""
    if min_value > max_value:
        raise InvalidArgument(
            f"{min_name}={min_value!r} is larger than {max_name}={max_value!r}, so nothing "
            "can be drawn"
        )


def check_subset(
    name: str, value: object, allowed: Collection[str], *, non_empty: bool = True
) -> tuple[str, ...]:
    """Return ``value`` as a tuple after checking it is a sequence of distinct allowed names."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidArgument(f"{name}={value!r} must be a tuple of names from {tuple(allowed)}")
    items = tuple(value)
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise InvalidArgument(
            f"{name}={value!r} holds unknown names {unknown}; expected names from {tuple(allowed)}"
        )
    if len(set(items)) != len(items):
        raise InvalidArgument(f"{name}={value!r} names something twice")
    if non_empty and not items:
        raise InvalidArgument(f"{name}={value!r} must not be empty, or nothing can be drawn")
    return items
