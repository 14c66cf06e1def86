"""flatten: one iterative DFS from a live graph to (GraphDef tokens, nested state dict).

Contract (the seed's semantics):

- Children are visited in each node's flatten order (sorted attribute names for
  Objects, sorted keys for dicts, index order for sequences), depth first.
- Graph nodes and Variables share one index counter, assigned in pre-order of first
  visit (a node is numbered *before* its children, which is what makes cycles work).
  A repeated graph node or Variable becomes a reference (``SUB_REF`` / ``LEAF_REF``).
- Pytree nodes get index -1, are never recorded, and are flattened at every occurrence.
- A Variable's state entry is a fresh VariableState at the Variable's FIRST path;
  subtrees without Variables get no entry.
- An array attribute raises ``ArrayLeafError``; any other non-node value is static.

[Deviation D-1] no recursion: an explicit stack of ``_Frame`` records, each holding its
children iterator and its state dict (linked into the parent's dict, and unlinked again
if it ends up empty), so no path tuple is ever built on the hot path. One ``_Flatten``
holds what the walk shares (tokens, indices, the pytree cycle guard); its loop handles
Variables and statics inline and hands the rarer kinds to one method each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterator
from typing import Any

from reference._graphdef import NodeDef, NodeRef, nodedef_view
from reference._jax import check_keys
from reference._mappings import EMPTY_METADATA, HashableMapping, RefMap
from reference._registry import (
    GRAPH_REGISTRY,
    K_DYNAMIC,
    K_GENERIC,
    K_GRAPH,
    K_PYTREE,
    K_STATIC,
    K_VARIABLE,
    KIND,
    TRUSTED_KEYS,
    GenericPytree,
    NodeImpl,
    impl_of,
    kind_of,
    node_impl,
)
from reference._tokens import LEAF_DEF, LEAF_REF, NODE, STATIC, SUB, SUB_REF, Token
from reference.errors import ArrayLeafError, GraphError, GraphTypeError, PytreeCycleError

_NONE_HEADER = (NODE, type(None), -1, None, 0, 0)


@dataclasses.dataclass(slots=True)
class _Frame:
    """A node whose children are being flattened."""

    items: Iterator[tuple[Any, Any]]
    """The children not visited yet, in flatten order."""
    header: int
    """The position of the node's header token (-1 for the virtual frame above the root)."""
    out: dict[Any, Any]
    """The node's state dict, linked into the parent's under ``key`` while it is open."""
    parent: _Frame | None
    key: Any
    guard: int | set[int]
    """A pytree's own id; for a graph node, the cycle guard of the enclosing pytrees (restored
    when the frame is closed)."""

    def path(self, *key: Any) -> tuple[Hashable, ...]:
        """The path of this frame (plus ``key`` if given), found by walking the parent links."""
        if self.parent is None:
            return ()  # the virtual frame: its only child is the root
        keys = list(key)
        frame = self
        while frame.parent is not None and frame.parent.parent is not None:
            keys.append(frame.key)  # stop at the root's frame
            frame = frame.parent
        return tuple(reversed(keys))


def flatten_graph(
    node: Any, ref_index: RefMap[Any, int] | None = None
) -> tuple[NodeDef[Any] | NodeRef[Any], dict[Any, Any]]:
    """Flatten ``node`` into ``(graphdef, nested state dict)``.

    ``ref_index`` maps already-seen objects to indices; it is extended in place, and a
    root already in it yields ``NodeRef`` with an empty state.
    """
    if ref_index is not None and type(ref_index) is not RefMap:
        raise GraphTypeError(
            f"ref_index of type {type(ref_index).__name__}",
            None,
            "expected a RefMap (identity-keyed)",
        )
    # id -> index of every graph node and Variable met. Without a RefMap from the
    # caller a plain dict will do: the objects are kept alive by `alive` (a list is far
    # kinder to the CPU caches than a second id-keyed dict on graphs of 100k+ objects).
    ids: dict[int, int] = {} if ref_index is None else ref_index._index
    node_impl(node)  # raises NotANodeError for Variables, arrays and statics
    if type(node) in GRAPH_REGISTRY and id(node) in ids:
        return NodeRef(type(node), ids[id(node)]), {}
    walk = _Flatten(ids)
    # the virtual frame yields the root as its only child, so the root goes through
    # the same code as every other node; its (SUB, None) token is dropped at the end
    holder: dict[Any, Any] = {}
    try:
        walk.run(_Frame(iter(((None, node),)), -1, holder, None, None, 0))
    except BaseException:
        for obj in walk.alive:  # leave the caller's RefMap as it was
            del ids[id(obj)]
        raise
    if ref_index is not None:
        for obj in walk.alive:
            ref_index._keys[id(obj)] = obj
    del walk.ops[0]
    return nodedef_view(tuple(walk.ops)), holder.get(None, {})


class _Flatten:
    """One flatten: the tokens written so far and the objects numbered so far."""

    __slots__ = ("alive", "counter", "ids", "on_path", "ops", "stack")

    def __init__(self, ids: dict[int, int]) -> None:
        self.ids = ids
        self.ops: list[Token] = []
        self.alive: list[Any] = []  # the objects numbered by this call, in order
        self.counter = len(ids)
        # Cycle guard: the pytree containers on the current path since the last graph node.
        # A container met again *below a graph node* is fine (that node becomes a reference
        # on the next round); met again with only containers in between, it never ends.
        self.on_path: set[int] = set()
        self.stack: list[_Frame] = []

    def run(self, virtual: _Frame) -> None:
        """Visit every child of every frame, depth first; branches by frequency."""
        ops, ids = self.ops, self.ids
        self.stack.append(virtual)
        while self.stack:
            frame = self.stack[-1]
            for key, value in frame.items:
                t = type(value)
                kind = KIND.get(t)
                if kind is None or kind == K_DYNAMIC:
                    kind = kind_of(value)
                if kind == K_VARIABLE:
                    address = id(value)
                    index = ids.get(address)
                    if index is not None:
                        ops.append((LEAF_REF, key, t, index))
                        continue
                    index = ids[address] = self.counter
                    self.counter += 1
                    self.alive.append(value)
                    metadata = value.__dict__
                    hashable = HashableMapping(metadata) if metadata else EMPTY_METADATA
                    ops.append((LEAF_DEF, key, t, index, hashable))
                    frame.out[key] = value.to_state()
                elif kind == K_STATIC:
                    ops.append((STATIC, key, value))
                elif kind == K_GRAPH:
                    if self._graph_node(frame, key, value):
                        break
                elif value is None:  # common (optional submodules): no hook call, no frame
                    ops.append((SUB, key))
                    ops.append(_NONE_HEADER)
                elif kind == K_PYTREE or kind == K_GENERIC:
                    if self._pytree(frame, key, value, kind):
                        break
                else:  # K_ARRAY, the only kind left
                    raise _array_error(frame, key, value)
            else:
                self._close(self.stack.pop())

    def _number(self, value: Any) -> int:
        """Give ``value`` (a graph node or Variable met for the first time) the next index."""
        index = self.ids[id(value)] = self.counter
        self.alive.append(value)
        self.counter += 1
        return index

    def _graph_node(self, frame: _Frame, key: Any, value: Any) -> bool:
        """Write a graph node's tokens; True if a frame was pushed for its children."""
        index = self.ids.get(id(value))
        if index is not None:
            self.ops.append((SUB_REF, key, type(value), index))
            return False
        items, metadata = _children(value, GRAPH_REGISTRY[type(value)], frame, key)
        self.ops.append((SUB, key))
        self.ops.append((NODE, type(value), self._number(value), metadata, len(items), 0))
        if not items:
            return False
        self._push(frame, key, items, self.on_path)
        self.on_path = set()  # the cycle guard restarts below a graph node
        return True

    def _pytree(self, frame: _Frame, key: Any, value: Any, kind: int) -> bool:
        """Write a pytree container's tokens; True if a frame was pushed for its children."""
        if id(value) in self.on_path:
            raise PytreeCycleError(
                f"a {type(value).__name__} that contains itself",
                frame.path(key),
                "expected pytree containers to form a tree",
                "put a graph node (e.g. a Module) on the cycle",
            )
        items, metadata = _children(value, impl_of(value, kind), frame, key, kind != K_GENERIC)
        node_type = type(value) if kind == K_PYTREE else GenericPytree
        self.ops.append((SUB, key))
        self.ops.append((NODE, node_type, -1, metadata, len(items), 0))
        if not items:
            return False
        self.on_path.add(id(value))
        self._push(frame, key, items, id(value))
        return True

    def _push(self, frame: _Frame, key: Any, items: Any, guard: int | set[int]) -> None:
        out: dict[Any, Any] = {}
        frame.out[key] = out
        self.stack.append(_Frame(iter(items), len(self.ops) - 1, out, frame, key, guard))

    def _close(self, frame: _Frame) -> None:
        """Finish ``frame``: its header's size, no empty state entry, the cycle guard."""
        if frame.parent is None:
            return  # the virtual frame
        h = self.ops[frame.header]
        self.ops[frame.header] = (NODE, h[1], h[2], h[3], h[4], len(self.ops) - frame.header - 1)
        if not frame.out:  # no Variable below: no state entry
            del frame.parent.out[frame.key]
        if type(frame.guard) is int:
            self.on_path.discard(frame.guard)
        else:
            self.on_path = frame.guard  # type: ignore[assignment]


def _children(
    value: Any, impl: NodeImpl, frame: _Frame, key: Any, checked: bool = True
) -> tuple[Any, Any]:
    """Call the node's flatten hook; validate the keys of untrusted node types (``checked``:
    generic pytrees' keys come from jax and are not checked)."""
    try:
        items, metadata = impl.flatten(value)
        if checked and type(value) not in TRUSTED_KEYS:
            check_keys([k for k, _ in items], value)
    except GraphError as error:
        raise error.at(frame.path(key)) from None
    return items, metadata


def _array_error(frame: _Frame, key: Any, value: Any) -> ArrayLeafError:
    return ArrayLeafError(
        f"a {type(value).__name__} attribute",
        frame.path(key),
        "expected a Variable or a static value, found an array of shape "
        f"{getattr(value, 'shape', '?')}",
        "wrap it in a Variable, e.g. `Param(x)`",
    )
