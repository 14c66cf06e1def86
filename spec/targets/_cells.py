"""Paths as linked ``(parent, key)`` cells, for adapters walking 100,000-deep states: a path is
spelled out only where a leaf needs it, so a deep state costs O(size), not O(depth * size)."""

from __future__ import annotations

from typing import Union

from spec.model import Key, Path

__all__ = ["Cell", "spell"]

Cell = Union[tuple["Cell", Key], None]
"""A path as a chain of ``(parent, key)`` cells; ``None`` is the root."""


def spell(cell: Cell) -> Path:
    """Return the path a chain of cells stands for."""
    keys: list[Key] = []
    while cell is not None:
        cell, key = cell
        keys.append(key)
    return tuple(reversed(keys))
