"""The flat token encoding of a GraphDef, and the iterative walks over it.

A GraphDef is a tuple of tokens written in DFS pre-order (table in ``_graphdef``).
Everything here is a single loop over that tuple, with no recursion ([Deviation D-1]):
``walk`` tracks paths, ``render_tokens`` builds the ``repr``, ``unhashable_error``
finds the value that makes a GraphDef unhashable ([Deviation D-12]).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterator, Sequence
from typing import Any, Final

from reference.errors import UnhashableGraphDefError

NODE: Final = 0
SUB: Final = 1
SUB_REF: Final = 2
STATIC: Final = 3
LEAF_DEF: Final = 4
LEAF_REF: Final = 5

Token = tuple[Any, ...]


def name_of(t: object) -> str:
    """The ``__name__`` of a type (or the repr of anything else)."""
    return getattr(t, "__name__", repr(t))


def walk(ops: Sequence[Token]) -> Iterator[tuple[Token, list[Hashable]]]:
    """Yield each token with the live key list of the node it belongs to.

    For a header that is the node's own path; for an attribute token the attribute's
    path is ``(*keys, token[1])``. The list is mutated as the walk goes on.
    """
    keys: list[Hashable] = []
    remaining: list[int] = []
    pending: list[Hashable] = []
    for token in ops:
        tag = token[0]
        if tag == SUB:
            pending.append(token[1])
            yield token, keys
            continue
        if tag == NODE:
            if pending:
                keys.append(pending.pop())
            yield token, keys
            remaining.append(token[4])
            completed = False
        else:
            yield token, keys
            completed = True
        while remaining:
            if completed:
                remaining[-1] -= 1
            if remaining[-1] > 0:
                break
            remaining.pop()
            if remaining:
                keys.pop()
            completed = True


def unhashable_error(ops: tuple[Token, ...], error: TypeError) -> UnhashableGraphDefError:
    for token, keys in walk(ops):
        try:
            hash(token)
        except TypeError:
            tag = token[0]
            if tag == NODE:
                what, found, path = "node metadata", token[3], tuple(keys)
            elif tag == LEAF_DEF:
                what, found, path = "Variable metadata", token[4], (*keys, token[1])
            else:
                what, found, path = "static attribute", token[2], (*keys, token[1])
            return UnhashableGraphDefError(
                what,
                path,
                f"expected a hashable value, found {type(found).__name__}: {error}",
                "make the value hashable, or hold it in a Variable",
            )
    return UnhashableGraphDefError("index_mapping", None, f"expected a hashable value: {error}")


@dataclasses.dataclass(slots=True)
class _Open:
    """A node being rendered: attributes left, its metadata, its index mapping (root only)."""

    remaining: int
    metadata: Any
    mapping: object


def render_tokens(ops: Sequence[Token], index_mapping: object = None) -> str:
    """Render tokens as a nested ``NodeDef(...)`` expression, on one line, iteratively."""
    parts: list[str] = []
    stack: list[_Open] = []
    text = _ReprCache()
    for token in ops:
        tag = token[0]
        if tag == SUB:
            parts.append(f"SubGraphAttribute(key={token[1]!r}, value=")
            continue
        if tag == NODE:
            parts.append(f"NodeDef(type={text.name(token[1])}, index={token[2]}, attributes=(")
            stack.append(_Open(token[4], token[3], None if stack else index_mapping))
            completed = False
        else:
            parts.append(_render_leaf(token, text))
            completed = True
        while stack:
            top = stack[-1]
            if completed:
                top.remaining -= 1
            if top.remaining > 0:
                if completed:
                    parts.append(", ")
                break
            stack.pop()
            parts.append(f"), metadata={text.repr(top.metadata)}, index_mapping={top.mapping!r})")
            if stack:
                parts.append(")")  # closes the SubGraphAttribute holding this node
            completed = True
    return "".join(parts)


class _ReprCache:
    """Reprs and names of the objects a rendering meets again and again (types,
    metadata), computed once per object. Objects stay alive during the rendering, so
    their ids are stable."""

    def __init__(self) -> None:
        self._reprs: dict[int, str] = {}
        self._names: dict[int, str] = {}

    def repr(self, x: object) -> str:
        text = self._reprs.get(id(x))
        if text is None:
            text = self._reprs[id(x)] = repr(x)
        return text

    def name(self, t: object) -> str:
        text = self._names.get(id(t))
        if text is None:
            text = self._names[id(t)] = name_of(t)
        return text


def _render_leaf(token: Token, text: _ReprCache) -> str:
    tag, key = token[0], token[1]
    if tag == STATIC:
        return f"StaticAttribute(key={key!r}, value={token[2]!r})"
    if tag == LEAF_DEF:
        variable_def = (
            f"type={text.name(token[2])}, index={token[3]}, metadata={text.repr(token[4])}"
        )
        return f"LeafAttribute(key={key!r}, value=VariableDef({variable_def}))"
    kind = "LeafAttribute" if tag == LEAF_REF else "SubGraphAttribute"
    return f"{kind}(key={key!r}, value=NodeRef(type={text.name(token[2])}, index={token[3]}))"
