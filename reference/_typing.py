"""Shared type aliases and the ``MISSING`` sentinel.

``Key`` is what a node uses to name a child: an attribute name (``str``), a sequence
index (``int``) or a dict key. Keys must be hashable and mutually orderable within one
node, because states are pytrees whose keys jax sorts.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Final, TypeAlias, TypeVar

Key: TypeAlias = Hashable
PathParts: TypeAlias = tuple[Key, ...]
Index: TypeAlias = int

A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
Node = TypeVar("Node")


class Missing:
    """The type of ``MISSING``, the "no value given" sentinel (e.g. for ``Variable.replace``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = Missing()
