"""Iterative walks over nested state mappings (dicts of dicts, States), without recursion.

A subtree is any ``Mapping``; anything else is a leaf. Every function here uses an
explicit stack ([Deviation D-1]), so states as deep as the graphs they come from work,
and none of them mutates its inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from reference._filters import Bucketer
from reference._typing import MISSING, PathParts
from reference._variables import VariableState
from reference.errors import StateStructureError


def raw_of(mapping: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """The dict under a State (its ``raw_mapping``), or the mapping itself."""
    if type(mapping) is dict:
        return mapping
    raw = getattr(mapping, "raw_mapping", None)
    return raw if type(raw) is dict else mapping


def is_subtree(value: object) -> bool:
    # dict and VariableState are by far the most common; check them by exact type
    t = type(value)
    if t is dict:
        return True
    if t is VariableState:
        return False
    return isinstance(value, Mapping)


class _Frame:
    """One level of a lazily built nested dict: the dict is created (and linked into
    its parent) only when a leaf is written below it, so empty subtrees vanish."""

    __slots__ = ("items", "key", "out", "parent")

    def __init__(
        self,
        items: Iterator[tuple[Any, Any]],
        out: dict[Any, Any] | None,
        parent: _Frame | None,
        key: Any,
    ) -> None:
        self.items = items
        self.out = out
        self.parent = parent
        self.key = key

    def ensure(self) -> dict[Any, Any]:
        """Return this level's dict, creating it and its missing ancestors."""
        chain: list[_Frame] = []
        frame: _Frame = self
        while frame.out is None:
            chain.append(frame)
            frame = frame.parent  # type: ignore[assignment]  # the root always has out
        out = frame.out
        for frame in reversed(chain):
            existing = out.get(frame.key, MISSING)
            if existing is MISSING:
                existing = out[frame.key] = {}
            elif type(existing) is not dict:
                raise StateStructureError(
                    "a subtree below a leaf", frame.path(), f"found leaf {existing!r} there"
                )
            frame.out = out = existing
        return out

    def path(self) -> PathParts:
        keys = []
        frame: _Frame | None = self
        while frame is not None and frame.parent is not None:
            keys.append(frame.key)
            frame = frame.parent
        return tuple(reversed(keys))


def iter_flat(mapping: Mapping[Any, Any]) -> Iterator[tuple[PathParts, Any]]:
    """Yield ``(path, leaf)`` for every leaf of a nested mapping, in insertion order."""
    stack = [iter(raw_of(mapping).items())]
    keys: list[Any] = []
    while stack:
        for key, value in stack[-1]:
            if is_subtree(value):
                stack.append(iter(raw_of(value).items()))
                keys.append(key)
                break
            yield (*keys, key), value
        else:
            stack.pop()
            if keys:
                keys.pop()


def from_flat(pairs: Iterable[tuple[PathParts, Any]]) -> dict[Any, Any]:
    """Build a nested dict from ``(path, leaf)`` pairs, in order.

    A later leaf replaces an earlier subtree at the same path; a path below an earlier
    leaf raises ``StateStructureError``.
    """
    root: dict[Any, Any] = {}
    for path, leaf in pairs:
        if not path:
            raise StateStructureError("a leaf with an empty path", (), "expected at least one key")
        level = root
        for depth in range(len(path) - 1):
            key = path[depth]
            nxt = level.get(key, MISSING)
            if nxt is MISSING:
                nxt = level[key] = {}
            elif type(nxt) is not dict:
                raise StateStructureError(
                    "a subtree below a leaf", path[: depth + 1], f"found leaf {nxt!r}"
                )
            level = nxt
        level[path[-1]] = leaf
    return root


def merge_nested(mappings: Sequence[Mapping[Any, Any]]) -> dict[Any, Any]:
    """Deep-merge nested mappings into a new nested dict; later leaves win.

    Same result as merging the flat views with ``dict.update`` and rebuilding: empty
    subtrees vanish, a leaf replaces a subtree, a subtree below a leaf raises.
    The inputs are never mutated.
    """
    root: dict[Any, Any] = {}
    for mapping in mappings:
        stack = [_Frame(iter(raw_of(mapping).items()), root, None, None)]
        while stack:
            frame = stack[-1]
            for key, value in frame.items:
                if is_subtree(value):
                    out = frame.out
                    existing = None if out is None else out.get(key)
                    sub = existing if type(existing) is dict else None
                    stack.append(_Frame(iter(raw_of(value).items()), sub, frame, key))
                    break
                out = frame.out if frame.out is not None else frame.ensure()
                out[key] = value
            else:
                stack.pop()
    return root


def partition(mapping: Mapping[Any, Any], bucketer: Bucketer) -> list[dict[Any, Any]]:
    """Split the leaves of a nested mapping into ``len(predicates) + 1`` nested dicts;
    each leaf goes to its first matching predicate, the last dict is the remainder."""
    n = len(bucketer.predicates) + 1
    roots: list[dict[Any, Any]] = [{} for _ in range(n)]
    top = iter(raw_of(mapping).items())
    # one iterator per level, and one lazily built output frame per level and bucket
    stacks: list[tuple[Iterator[tuple[Any, Any]], list[_Frame]]] = [
        (top, [_Frame(top, root, None, None) for root in roots])
    ]
    keys: list[Any] = []
    while stacks:
        items, level = stacks[-1]
        for key, value in items:
            if is_subtree(value):
                sub = iter(raw_of(value).items())
                stacks.append((sub, [_Frame(sub, None, parent, key) for parent in level]))
                keys.append(key)
                break
            bucket = bucketer.cached(value)
            if bucket is None:
                bucket = bucketer.bucket((*keys, key), value)
            frame = level[bucket]
            (frame.out if frame.out is not None else frame.ensure())[key] = value
        else:
            stacks.pop()
            if keys:
                keys.pop()
    return roots


def state_repr(mapping: Mapping[Any, Any]) -> str:
    """Render a nested state in the seed's indented ``State({...})`` format, iteratively."""
    lines = ["State({"]
    stack = [(iter(raw_of(mapping).items()), 1, True)]
    while stack:
        items, depth, first = stack.pop()
        for key, value in items:
            if not first:
                lines[-1] += ","
            first = False
            pad = "  " * depth
            if is_subtree(value):
                lines.append(f"{pad}{key!r}: {{")
                stack.append((items, depth, False))
                stack.append((iter(raw_of(value).items()), depth + 1, True))
                break
            lines.extend(_leaf_lines(f"{pad}{key!r}: ", value, pad))
        else:
            if depth > 1:
                lines.append("  " * (depth - 1) + "}")
    if len(lines) == 1:
        return "State({})"
    lines.append("})")
    return "\n".join(lines)


def _leaf_lines(head: str, leaf: Any, pad: str) -> list[str]:
    if type(leaf) is not VariableState:
        return [head + repr(leaf)]
    fields = [f"type={leaf.type.__name__}", f"value={leaf.value!r}"]
    fields += [f"{k}={v!r}" for k, v in leaf.__dict__.items()]
    body = [f"{pad}  {field}," for field in fields]
    body[-1] = body[-1][:-1]
    return [head + "VariableState(", *body, pad + ")"]
