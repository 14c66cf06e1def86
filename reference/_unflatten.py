"""unflatten: one linear scan of GraphDef tokens that rebuilds a live graph from a state.

Contract (the seed's semantics):

- Graph nodes are created empty (``create_empty``) and registered in ``index_ref``
  *before* their children are built, so references and cycles resolve; they are filled
  with ``init`` once their children exist. Pytree nodes are built from their children
  (``unflatten``) at every occurrence and never registered.
- A Variable is built from its state value: a VariableState gives a new Variable of the
  state's type (value shared, metadata copied); a raw value gives a Variable of the
  GraphDef's type with [Deviation D-7] its own copy of the GraphDef's metadata;
  [Deviation D-6] a live Variable counts as its VariableState.
- Static attributes are re-attached by reference; a state value for one is an error.
- References read ``index_ref``; a state value given at a reference's key is ignored,
  except that a leaf where a subgraph reference stands is an error, as in the seed.
- [Deviation D-17] a mapping where the GraphDef has a Variable is an error (the seed
  made it the new Variable's value).
- Missing state for a Variable, leftover state keys and values of the wrong shape are
  errors (``reference.errors``), each naming its path.

``index_ref_cache`` (the update-context outer merge) maps indices to existing objects
to reuse: graph nodes are cleared and re-filled, Variables updated in place.
[Deviation D-2] everything is built and checked before any existing object is touched:
reused objects are only changed in a final commit step, and on error ``index_ref`` is
rolled back, so a failing call leaves the graph, the state and ``index_ref`` as they were.
[Deviation D-1] no recursion: an explicit stack of frames.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from reference._gc import paused_gc
from reference._graphdef import NodeDef, NodeRef
from reference._registry import IMPLS, GraphNodeImpl
from reference._state import State
from reference._tokens import LEAF_DEF, STATIC, SUB, SUB_REF, Token
from reference._typing import MISSING
from reference._variables import Variable, VariableState
from reference.errors import (
    DanglingReferenceError,
    DuplicateIndexError,
    MissingKeyError,
    NodeTypeError,
    StateMismatchError,
    StateStructureError,
    UnknownKeyError,
)

_EMPTY: dict[Any, Any] = {}
_NONE_TYPE = type(None)
# A frame is a list: [remaining attributes, children, state, consumed keys, header position,
#                     impl, graph node or None, key in parent, reused from the cache]
_REMAINING, _CHILDREN, _STATE, _CONSUMED, _HDR, _IMPL, _NODE, _KEY, _REUSED = range(9)


@paused_gc
def unflatten_graph(
    graphdef: NodeDef[Any] | NodeRef[Any],
    state: Mapping[Any, Any],
    index_ref: dict[int, Any] | None = None,
    index_ref_cache: Mapping[int, Any] | None = None,
) -> Any:
    """Rebuild the graph described by ``graphdef`` with the leaves of ``state``."""
    if index_ref is None:
        index_ref = {}
    if type(graphdef) is NodeRef:
        if graphdef.index not in index_ref:
            raise DanglingReferenceError(
                f"a root NodeRef to index {graphdef.index}",
                (),
                "expected an index built by an earlier merge",
            )
        return index_ref[graphdef.index]
    if type(graphdef) is not NodeDef:
        raise NodeTypeError(
            f"a {type(graphdef).__name__} given as a GraphDef", (), "expected a NodeDef or NodeRef"
        )
    mapping = _as_mapping(state, [], None) if type(state) is not dict else state
    commits: list[tuple[Any, ...]] | None = None if index_ref_cache is None else []
    size_before = len(index_ref)
    try:
        node = _build(graphdef._ops, graphdef._start, mapping, index_ref, index_ref_cache, commits)
    except BaseException:
        for index in list(index_ref)[size_before:]:  # dicts keep insertion order
            del index_ref[index]
        raise
    if commits:
        _commit(commits)
    return node


def _as_mapping(value: Any, stack: list[list[Any]], key: Any) -> Mapping[Any, Any]:
    """The state given for the subgraph at ``key`` below the top of ``stack``, as a mapping."""
    t = type(value)
    if t is dict:
        return value  # type: ignore[no-any-return]
    if t is State:
        return value.raw_mapping  # type: ignore[no-any-return]
    if isinstance(value, Mapping):
        return value
    raise StateMismatchError(
        f"a {t.__name__} given for a subgraph",
        _path(stack, key),
        "expected a mapping of the subgraph's state",
    )


def _mapping_for_variable(value: Any, path: tuple[Hashable, ...]) -> StateStructureError:
    """The error for a mapping given where the GraphDef has a Variable."""
    return StateStructureError(
        f"a {type(value).__name__} given for a Variable",
        path,
        "expected a state leaf (a VariableState or a raw value), found a mapping",
        "the state and the GraphDef disagree about the structure here",
    )


def _path(stack: list[list[Any]], *key: Any) -> tuple[Hashable, ...]:
    """The path of the top frame of ``stack`` (plus ``key``); the root frame has no key."""
    if not stack:
        return ()
    return (*(frame[_KEY] for frame in stack[1:]), *key)


def _open(
    ops: tuple[Token, ...],
    pos: int,
    state: Mapping[Any, Any],
    key: Any,
    index_ref: dict[int, Any],
    cache: Mapping[int, Any] | None,
    stack: list[list[Any]],
) -> list[Any]:
    """Start building the node whose header is at ``pos``: return its frame."""
    header = ops[pos]
    node_type, index = header[1], header[2]
    impl = IMPLS.get(node_type)
    if impl is None:
        raise NodeTypeError(
            f"node type {getattr(node_type, '__name__', node_type)}",
            _path(stack, key) if stack else (),
            "expected a registered node type",
        )
    node, reused = None, False
    if type(impl) is GraphNodeImpl:
        if index in index_ref:
            raise DuplicateIndexError(
                f"index {index}",
                _path(stack, key) if stack else (),
                "expected each GraphDef index to be built once",
            )
        if cache is not None and index in cache:
            node, reused = cache[index], True
            if type(node) is not node_type:
                raise NodeTypeError(
                    f"reused node for index {index}",
                    _path(stack, key) if stack else (),
                    f"expected {node_type.__name__}, found {type(node).__name__}",
                )
        else:
            node = impl.create_empty(header[3])
        index_ref[index] = node
    return [header[4], [], state, 0, pos, impl, node, key, reused]


def _build(
    ops: tuple[Token, ...],
    start: int,
    state: Mapping[Any, Any],
    index_ref: dict[int, Any],
    cache: Mapping[int, Any] | None,
    commits: list[tuple[Any, ...]] | None,
) -> Any:
    # One loop for the whole graph; long because a call per token would dominate the
    # cost of merge. Branches are ordered by frequency.
    shared = bool(index_ref)  # index_ref came with entries: a Variable may already exist
    stack: list[list[Any]] = []
    stack.append(_open(ops, start, state, None, index_ref, cache, stack))
    pos = start + 1
    new = object.__new__
    ref_get = index_ref.get
    while True:
        frame = stack[-1]
        remaining, children, st, consumed = frame[0], frame[1], frame[2], frame[3]
        get = st.get
        while remaining:
            token = ops[pos]
            pos += 1
            remaining -= 1
            tag, key = token[0], token[1]
            if tag == LEAF_DEF:
                value = get(key, MISSING)
                if shared and token[3] in index_ref:
                    consumed += value is not MISSING
                    children.append((key, index_ref[token[3]]))
                    continue
                if value is MISSING:
                    raise MissingKeyError(
                        f"{key!r}",
                        _path(stack, key),
                        f"expected the state of a {token[2].__name__}, found no entry",
                    )
                consumed += 1
                t = type(value)
                if t is not VariableState and (t is dict or isinstance(value, Mapping)):
                    raise _mapping_for_variable(value, _path(stack, key))  # [Deviation D-17]
                if cache is not None and token[3] in cache:
                    variable = _reuse_variable(cache[token[3]], value, commits, _path(stack, key))  # type: ignore[arg-type]
                elif t is VariableState:
                    variable = new(value.type)
                    variable.raw_value = value.value
                    if value.__dict__:
                        variable.__dict__.update(value.__dict__)
                elif isinstance(value, Variable):  # [Deviation D-6] a Variable counts as its state
                    variable = value.to_state().to_variable()
                else:
                    variable = new(token[2])
                    variable.raw_value = value
                    if token[4]:
                        variable.__dict__.update(token[4])  # [Deviation D-7] a copy
                index_ref[token[3]] = variable
                children.append((key, variable))
            elif tag == STATIC:
                if key in st:
                    raise StateMismatchError(
                        f"state for static attribute {key!r}",
                        _path(stack, key),
                        f"expected no state entry, found {get(key)!r}",
                        "static attributes live in the GraphDef",
                    )
                children.append((key, token[2]))
            elif tag == SUB:
                value = get(key, MISSING)
                sub: Mapping[Any, Any]
                if value is MISSING:
                    if ops[pos][1] is _NONE_TYPE:  # common: no frame for None
                        children.append((key, None))
                        pos += 1
                        continue
                    sub = _EMPTY
                else:
                    consumed += 1
                    sub = value if type(value) is dict else _as_mapping(value, stack, key)
                frame[0], frame[3] = remaining, consumed
                stack.append(_open(ops, pos, sub, key, index_ref, cache, stack))
                pos += 1
                break
            else:  # SUB_REF or LEAF_REF
                target = ref_get(token[3], MISSING)
                if target is MISSING:
                    raise DanglingReferenceError(
                        f"a reference to index {token[3]}",
                        _path(stack, key),
                        "expected an index built earlier",
                    )
                if key in st:
                    consumed += 1
                    if tag == SUB_REF:  # the seed checks the value before following the reference
                        _as_mapping(st[key], stack, key)
                children.append((key, target))
        else:
            if consumed != len(st):
                raise _unknown_keys(ops, frame[_HDR], st, _path(stack))
            node = frame[_NODE]
            if node is None:  # a pytree: built from its children
                node = frame[_IMPL].unflatten(children, ops[frame[_HDR]][3])
            elif commits is None:
                frame[_IMPL].init(node, children)
            else:  # reused objects change only once everything is built
                commits.append((frame[_IMPL], node, children, frame[_REUSED]))
            stack.pop()
            if not stack:
                return node
            stack[-1][_CHILDREN].append((frame[_KEY], node))


def _reuse_variable(
    variable: Any, value: Any, commits: list[tuple[Any, ...]], path: tuple[Hashable, ...]
) -> Variable[Any]:
    if not isinstance(variable, Variable):
        raise NodeTypeError(
            "reused object for a Variable",
            path,
            f"expected a Variable, found {type(variable).__name__}",
        )
    commits.append((None, variable, value))
    return variable


def _commit(commits: list[tuple[Any, ...]]) -> None:
    """Apply the deferred changes to reused objects, in post-order."""
    for impl, target, payload, *reused in commits:
        if impl is None:
            if type(payload) is VariableState or isinstance(payload, Variable):
                target.raw_value = (
                    payload.raw_value if isinstance(payload, Variable) else payload.value
                )
                target.__dict__ = dict(payload.__dict__)
            else:
                target.raw_value = payload
            continue
        if reused[0]:
            impl.clear(target)
        impl.init(target, payload)


def _unknown_keys(
    ops: tuple[Token, ...], header: int, state: Mapping[Any, Any], path: tuple[Hashable, ...]
) -> UnknownKeyError:
    known = set()
    pos = header + 1
    for _ in range(ops[header][4]):
        known.add(ops[pos][1])
        pos += 2 + ops[pos + 1][5] if ops[pos][0] == SUB else 1
    unknown = [key for key in state if key not in known]
    node_type = ops[header][1]
    return UnknownKeyError(
        f"{unknown[0]!r}",
        (*path, unknown[0]),
        f"expected only attributes of {getattr(node_type, '__name__', node_type)} ({sorted(map(repr, known))}), "
        f"found extra keys {unknown!r}",
    )
