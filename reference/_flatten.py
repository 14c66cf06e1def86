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

[Deviation D-1] no recursion: an explicit stack of frames, each holding its children
iterator and its state dict (linked into the parent's dict, and unlinked again if it
ends up empty), so no path tuple is ever built on the hot path.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from reference._gc import paused_gc
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
    PYTREE_REGISTRY,
    TRUSTED_KEYS,
    GenericPytree,
    impl_of,
    kind_of,
    node_impl,
)
from reference._tokens import LEAF_DEF, LEAF_REF, NODE, STATIC, SUB, SUB_REF
from reference._variables import VariableState
from reference.errors import ArrayLeafError, GraphError, GraphTypeError, PytreeCycleError

# A frame is a list (cheaper than an object here):
# [children iterator, header position in ops, state dict, parent frame, key, guard]
# where guard is the pytree's id for a pytree frame, and for a graph-node frame the
# cycle-guard set of the enclosing pytrees (restored when the frame is popped).
# A frame's state dict is linked into its parent's when the frame is pushed, and unlinked
# when it is popped empty, so subtrees without Variables get no entry.
_IT, _HDR, _OUT, _PARENT, _KEY, _GUARD = range(6)
_NONE_HEADER = (NODE, type(None), -1, None, 0, 0)


def _frame_path(frame: list[Any], *key: Any) -> tuple[Hashable, ...]:
    """The path of ``frame`` (plus ``key`` if given), found by walking the parent links."""
    if frame[_PARENT] is None:
        return ()  # the virtual frame: its only child is the root
    keys = list(key)
    while frame[_PARENT][_PARENT] is not None:  # stop at the root's frame
        keys.append(frame[_KEY])
        frame = frame[_PARENT]
    return tuple(reversed(keys))


@paused_gc
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
    holder: dict[Any, Any] = {}
    ops: list[tuple[Any, ...]] = []
    alive: list[Any] = []
    # the virtual frame yields the root as its only child, so the root goes through
    # the same code as every other node; its (SUB, None) token is dropped at the end
    virtual: list[Any] = [iter(((None, node),)), None, holder, None, None, 0]
    try:
        _run(virtual, ops, ids, alive)
    except BaseException:
        for obj in alive:  # leave the caller's RefMap as it was
            del ids[id(obj)]
        raise
    if ref_index is not None:
        keys = ref_index._keys
        for obj in alive:
            keys[id(obj)] = obj
    del ops[0]
    return nodedef_view(tuple(ops)), holder.get(None, {})


def _run(
    virtual: list[Any], ops: list[tuple[Any, ...]], ids: dict[int, int], alive: list[Any]
) -> None:
    # One loop for the whole graph; long because splitting it would add a call per
    # child on the hottest path of the library. Branches are ordered by frequency.
    append = ops.append
    kind_get = KIND.get
    graph_get = GRAPH_REGISTRY.__getitem__
    trusted = TRUSTED_KEYS
    ids_get = ids.get
    keep = alive.append
    new = object.__new__
    counter = len(ids)
    # Cycle guard: the pytree containers on the current path since the last graph node.
    # A container met again *below a graph node* is fine (that node becomes a reference
    # on the next round); met again with only containers in between, it never ends.
    on_path: set[int] = set()
    out: dict[Any, Any]
    stack = [virtual]
    while stack:
        frame = stack[-1]
        for key, value in frame[_IT]:
            t = type(value)
            kind = kind_get(t)
            if kind is None or kind == K_DYNAMIC:
                kind = kind_of(value)
            if kind == K_VARIABLE:
                vid = id(value)
                index = ids_get(vid)
                if index is not None:
                    append((LEAF_REF, key, t, index))
                    continue
                ids[vid] = counter
                keep(value)
                state = new(VariableState)
                state.type = t
                state.value = value.raw_value
                metadata = value.__dict__
                if metadata:
                    state.__dict__.update(metadata)
                    append((LEAF_DEF, key, t, counter, HashableMapping(metadata)))
                else:
                    append((LEAF_DEF, key, t, counter, EMPTY_METADATA))
                counter += 1
                frame[_OUT][key] = state
            elif kind == K_STATIC:
                append((STATIC, key, value))
            elif kind == K_GRAPH:
                vid = id(value)
                index = ids_get(vid)
                if index is not None:
                    append((SUB_REF, key, t, index))
                    continue
                impl = graph_get(t)
                try:
                    items, metadata = impl.flatten(value)
                except GraphError as error:
                    raise error.at(_frame_path(frame, key)) from None
                if t not in trusted:
                    _check_keys(items, value, frame, key)
                ids[vid] = counter
                keep(value)
                append((SUB, key))
                header = len(ops)
                append((NODE, t, counter, metadata, len(items), 0))
                counter += 1
                if items:
                    frame[_OUT][key] = out = {}
                    stack.append([iter(items), header, out, frame, key, on_path])
                    on_path = set()
                    break
            elif value is None:  # common (optional submodules): no hook call, no frame
                append((SUB, key))
                append(_NONE_HEADER)
            elif kind == K_PYTREE or kind == K_GENERIC:
                vid = id(value)
                if vid in on_path:
                    raise PytreeCycleError(
                        f"a {t.__name__} that contains itself",
                        _frame_path(frame, key),
                        "expected pytree containers to form a tree",
                        "put a graph node (e.g. a Module) on the cycle",
                    )
                items, metadata = _children(value, kind, frame, key)
                append((SUB, key))
                header = len(ops)
                append(
                    (NODE, t if kind == K_PYTREE else GenericPytree, -1, metadata, len(items), 0)
                )
                if items:
                    on_path.add(vid)
                    frame[_OUT][key] = out = {}
                    stack.append([iter(items), header, out, frame, key, vid])
                    break
            else:  # K_ARRAY, the only kind left
                raise ArrayLeafError(
                    f"a {t.__name__} attribute",
                    _frame_path(frame, key),
                    f"expected a Variable or a static value, found an array of shape {getattr(value, 'shape', '?')}",
                    "wrap it in a Variable, e.g. `Param(x)`",
                )
        else:
            stack.pop()
            header = frame[_HDR]
            if header is not None:
                h = ops[header]
                ops[header] = (NODE, h[1], h[2], h[3], h[4], len(ops) - header - 1)
                if not frame[_OUT]:  # no Variable below: no state entry
                    del frame[_PARENT][_OUT][frame[_KEY]]
                guard = frame[_GUARD]
                if type(guard) is int:
                    on_path.discard(guard)
                else:
                    on_path = guard


def _check_keys(items: Any, value: Any, frame: list[Any], key: Any) -> None:
    try:
        check_keys([k for k, _ in items], value)
    except GraphError as error:
        raise error.at(_frame_path(frame, key)) from None


def _children(value: Any, kind: int, frame: list[Any], key: Any) -> tuple[Any, Any]:
    """Call the node's flatten hook; validate keys of untrusted node types."""
    t = type(value)
    impl = (
        GRAPH_REGISTRY[t]
        if kind == K_GRAPH
        else (PYTREE_REGISTRY[t] if kind == K_PYTREE else impl_of(value, kind))
    )
    try:
        items, metadata = impl.flatten(value)
        if kind != K_GENERIC and t not in TRUSTED_KEYS:
            check_keys([k for k, _ in items], value)
    except GraphError as error:
        raise error.at(_frame_path(frame, key)) from None
    return items, metadata
