"""A flatten with switchable bugs, in the reference's own GraphDef token format.

Several hand-written mutants change how ``split`` walks a graph in ways a post-processing
wrapper cannot express (a repeated Variable defined again, pytree containers numbered like graph
nodes, a recursive walk).  ``flatten`` here is a plain re-implementation of
``reference._flatten.flatten_graph`` (same tokens, same nested state, same errors) whose
``Bugs`` switch those behaviours on; with no switch on it agrees with the reference, which
``tests/mutants`` checks on drawn graphs.  It reads the reference's registries and token tags, so
it follows node types registered at any time.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Hashable
from typing import Any

from spec.mutants._helpers import ref

__all__ = ["Bugs", "flatten", "flatten_recursive"]


@dataclasses.dataclass(frozen=True)
class Bugs:
    """The behaviours ``flatten`` can get wrong (all off: the reference's semantics)."""

    forget_variable_refs: bool = False
    """a Variable seen before is defined again (new index, new state entry) instead of a ref"""
    last_path: bool = False
    """a shared Variable's state entry sits at its last path instead of its first"""
    cache_pytrees: bool = False
    """pytree containers are numbered and referenced like graph nodes"""
    first_index: int = 0
    """the index the first new object gets (1 is the off-by-one)"""
    arrays_are_static: bool = False
    """array attributes become static attributes instead of raising"""
    copy_statics: bool = False
    """static values are copied into the GraphDef instead of kept by reference"""
    live_leaves: bool = False
    """state leaves are the live Variables instead of VariableState snapshots"""


def _path(frame: list[Any], *key: Hashable) -> tuple[Hashable, ...]:
    keys = list(key)
    while frame[3] is not None and frame[3][3] is not None:
        keys.append(frame[4])
        frame = frame[3]
    return tuple(reversed(keys))


def _prune(state: dict[Any, Any]) -> None:
    """Remove empty sub-dicts (bottom up, iteratively)."""
    stack: list[tuple[Any, Any, dict[Any, Any]]] = []
    todo: list[tuple[Any, Any, dict[Any, Any]]] = [(None, None, state)]
    while todo:
        parent, key, d = todo.pop()
        stack.append((parent, key, d))
        todo.extend((d, k, v) for k, v in d.items() if type(v) is dict)
    for parent, key, d in reversed(stack):
        if parent is not None and not d:
            del parent[key]


def flatten(node: Any, ref_index: Any = None, bugs: Bugs | None = None) -> tuple[Any, dict[Any, Any]]:
    """``reference._flatten.flatten_graph`` with ``bugs`` (see the module docstring)."""
    bugs = bugs if bugs is not None else Bugs()
    from reference._jax import check_keys
    from reference._mappings import EMPTY_METADATA, HashableMapping, RefMap
    from reference._variables import VariableState
    from reference.errors import ArrayLeafError, GraphError, PytreeCycleError

    g, r = ref("reference._graphdef"), ref("reference._registry")

    if ref_index is None:
        ref_index = RefMap()
    ids, keep = ref_index._index, ref_index._keys
    r.node_impl(node)
    if type(node) in r.GRAPH_REGISTRY and id(node) in ids:
        return g.NodeRef(type(node), ids[id(node)]), {}
    ops: list[tuple[Any, ...]] = []
    holder: dict[Any, Any] = {}
    where: dict[int, tuple[dict[Any, Any], Any]] = {}  # Variable id -> (dict, key) of its entry
    counter = len(ids) + bugs.first_index
    on_path: set[int] = set()
    stack: list[list[Any]] = [[iter(((None, node),)), None, holder, None, None, 0]]
    while stack:
        frame = stack[-1]
        for key, value in frame[0]:
            t = type(value)
            kind = r.kind_of(value)
            if kind == r.K_VARIABLE:
                index = ids.get(id(value))
                if index is not None and not bugs.forget_variable_refs:
                    ops.append((g.LEAF_REF, key, t, index))
                    if bugs.last_path:
                        d, k = where[id(value)]
                        leaf = d.pop(k)
                        frame[2][key] = leaf
                        where[id(value)] = (frame[2], key)
                    continue
                if index is None:
                    ids[id(value)] = counter
                    keep[id(value)] = value
                metadata = value.__dict__
                ops.append((g.LEAF_DEF, key, t, counter,
                            HashableMapping(metadata) if metadata else EMPTY_METADATA))
                counter += 1
                if bugs.live_leaves:
                    leaf = value
                else:
                    leaf = object.__new__(VariableState)
                    leaf.type = t
                    leaf.value = value.raw_value
                    leaf.__dict__.update(metadata)
                frame[2][key] = leaf
                where[id(value)] = (frame[2], key)
            elif kind == r.K_STATIC or (kind == r.K_ARRAY and bugs.arrays_are_static):
                ops.append((g.STATIC, key, copy.copy(value) if bugs.copy_statics else value))
            elif kind == r.K_ARRAY:
                raise ArrayLeafError(
                    f"a {t.__name__} attribute", _path(frame, key),
                    f"expected a Variable or a static value, found an array of shape {getattr(value, 'shape', '?')}",
                    "wrap it in a Variable, e.g. `Param(x)`")
            else:  # a graph node or a pytree container
                is_graph = kind == r.K_GRAPH
                numbered = is_graph or bugs.cache_pytrees
                if numbered:
                    index = ids.get(id(value))
                    if index is not None:
                        ops.append((g.SUB_REF, key, t, index))
                        continue
                elif id(value) in on_path:
                    raise PytreeCycleError(
                        f"a {t.__name__} that contains itself", _path(frame, key),
                        "expected pytree containers to form a tree",
                        "put a graph node (e.g. a Module) on the cycle")
                impl = r.impl_of(value, kind)
                try:
                    items, metadata = impl.flatten(value)
                    if kind != r.K_GENERIC and t not in r.TRUSTED_KEYS:
                        check_keys([k for k, _ in items], value)
                except GraphError as error:
                    raise error.at(_path(frame, key)) from None
                index = -1
                if numbered:
                    index = ids[id(value)] = counter
                    keep[id(value)] = value
                    counter += 1
                ops.append((g.SUB, key))
                header = len(ops)
                node_type = t if kind != r.K_GENERIC else r.GenericPytree
                ops.append((g.NODE, node_type, index, metadata, len(items), 0))
                if items:
                    out: dict[Any, Any] = {}
                    frame[2][key] = out
                    if is_graph:  # the cycle guard restarts below a graph node
                        stack.append([iter(items), header, out, frame, key, on_path])
                        on_path = set()
                    else:
                        on_path.add(id(value))
                        stack.append([iter(items), header, out, frame, key, id(value)])
                    break
        else:
            stack.pop()
            header = frame[1]
            if header is not None:
                h = ops[header]
                ops[header] = (g.NODE, h[1], h[2], h[3], h[4], len(ops) - header - 1)
                if not frame[2] and not bugs.last_path:
                    del frame[3][2][frame[4]]
                guard = frame[5]
                if type(guard) is int:
                    on_path.discard(guard)
                else:
                    on_path = guard
    del ops[0]
    state = holder.get(None, {})
    if bugs.last_path:
        _prune(state)
    return g.nodedef_view(tuple(ops)), state


def flatten_recursive(node: Any, ref_index: Any = None) -> tuple[Any, dict[Any, Any]]:
    """The textbook recursive flatten (one Python frame per level of the graph)."""
    from reference._mappings import EMPTY_METADATA, HashableMapping, RefMap
    from reference._variables import VariableState
    from reference.errors import ArrayLeafError

    g, r = ref("reference._graphdef"), ref("reference._registry")

    if ref_index is None:
        ref_index = RefMap()
    ids, keep = ref_index._index, ref_index._keys
    r.node_impl(node)
    if type(node) in r.GRAPH_REGISTRY and id(node) in ids:
        return g.NodeRef(type(node), ids[id(node)]), {}
    ops: list[tuple[Any, ...]] = []

    def visit(value: Any, state: dict[Any, Any]) -> None:
        kind = r.kind_of(value)
        index = -1
        if kind == r.K_GRAPH:
            index = ids[id(value)] = len(ids)
            keep[id(value)] = value
        items, metadata = r.impl_of(value, kind).flatten(value)
        header = len(ops)
        ops.append((g.NODE, value.__class__ if kind != r.K_GENERIC else r.GenericPytree, index, metadata, len(items), 0))
        for key, child in items:
            t = type(child)
            ck = r.kind_of(child)
            if ck == r.K_VARIABLE:
                if id(child) in ids:
                    ops.append((g.LEAF_REF, key, t, ids[id(child)]))
                    continue
                i = ids[id(child)] = len(ids)
                keep[id(child)] = child
                ops.append((g.LEAF_DEF, key, t, i, HashableMapping(child.__dict__) if child.__dict__ else EMPTY_METADATA))
                leaf = object.__new__(VariableState)
                leaf.type, leaf.value = t, child.raw_value
                leaf.__dict__.update(child.__dict__)
                state[key] = leaf
            elif ck == r.K_STATIC:
                ops.append((g.STATIC, key, child))
            elif ck == r.K_ARRAY:
                raise ArrayLeafError(f"a {t.__name__} attribute", (key,), "expected a Variable")
            elif ck == r.K_GRAPH and id(child) in ids:
                ops.append((g.SUB_REF, key, t, ids[id(child)]))
            else:
                ops.append((g.SUB, key))
                sub: dict[Any, Any] = {}
                visit(child, sub)
                if sub:
                    state[key] = sub
        h = ops[header]
        ops[header] = (g.NODE, h[1], h[2], h[3], h[4], len(ops) - header - 1)

    state: dict[Any, Any] = {}
    visit(node, state)
    return g.nodedef_view(tuple(ops)), state
