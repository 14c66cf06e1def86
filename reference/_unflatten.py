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
[Deviation D-1] no recursion: an explicit stack of ``_Frame`` records, one per node being
built. One ``_Build`` holds what the scan shares; its loop handles the common tokens inline
and hands the rarer cases (reused objects, raw values, references, errors) to helpers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping
from typing import Any

from reference._graphdef import NodeDef, NodeRef
from reference._registry import IMPLS, GraphNodeImpl, NodeImpl
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


@dataclasses.dataclass(slots=True)
class _Frame:
    """A node being built: its attributes are read from the tokens after its header."""

    remaining: int
    """Attributes of the node not read yet."""
    state: Mapping[Any, Any]
    """The state given for the node."""
    header: int
    """The position of the node's header token."""
    impl: NodeImpl
    node: Any
    """The graph node (created empty, or reused), or None for a pytree (built at the end)."""
    key: Any
    """The node's key in its parent (None for the root)."""
    reused: bool
    """The graph node came from ``index_ref_cache``."""
    children: dict[Any, Any] = dataclasses.field(default_factory=dict)
    """The attributes built so far, by key."""
    consumed: int = 0
    """Keys of ``state`` used so far (leftovers are an error)."""


_Commit = tuple[NodeImpl | None, Any, Any, bool]
"""A change to a reused object, applied once everything is built: ``(impl, target, payload,
reused)``; ``impl`` is None for a Variable (``payload`` is then its state value), else
``payload`` holds the node's children."""


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
    build = _Build(graphdef._ops, index_ref, index_ref_cache)
    size_before = len(index_ref)
    try:
        node = build.run(graphdef._start, _as_mapping(state, build, None))
    except BaseException:
        for index in list(index_ref)[size_before:]:  # dicts keep insertion order
            del index_ref[index]
        raise
    if build.commits:
        _commit(build.commits)
    return node


class _Build:
    """One unflatten: the tokens, the objects built so far, the deferred commits."""

    __slots__ = ("cache", "commits", "index_ref", "ops", "pos", "shared", "stack")

    def __init__(
        self, ops: tuple[Token, ...], index_ref: dict[int, Any], cache: Mapping[int, Any] | None
    ) -> None:
        self.ops = ops
        self.index_ref = index_ref
        self.cache = cache
        self.commits: list[_Commit] = []  # only with a cache: reused objects change at the end
        self.shared = bool(index_ref)  # index_ref came with entries: a Variable may exist
        self.stack: list[_Frame] = []
        self.pos = 0

    def path(self, *key: Any) -> tuple[Hashable, ...]:
        """The path of the top frame (plus ``key``); the root frame has no key."""
        return (*(frame.key for frame in self.stack[1:]), *key)

    def _where(self, key: Any) -> tuple[Hashable, ...]:
        """The path of a node about to be opened at ``key`` (the root has none)."""
        return self.path(key) if self.stack else ()

    def run(self, start: int, state: Mapping[Any, Any]) -> Any:
        """Read every token once, depth first; branches by frequency. The top frame's cursor
        and counters live in locals while its attributes are read, and go back into the frame
        when a child is opened or the frame is closed."""
        ops, index_ref = self.ops, self.index_ref
        plain = self.cache is None and not self.shared  # no object to reuse or find
        self._open(start, state, None)
        while True:
            frame = self.stack[-1]
            st, children = frame.state, frame.children
            pos, remaining, consumed = self.pos, frame.remaining, frame.consumed
            while remaining:
                token = ops[pos]
                pos += 1
                remaining -= 1
                tag, key = token[0], token[1]
                if tag == LEAF_DEF:
                    value = st.get(key, MISSING)
                    if plain and type(value) is VariableState:
                        variable = value.to_variable()
                    else:
                        variable = self._leaf(token, value)
                    consumed += value is not MISSING
                    index_ref[token[3]] = variable
                    children[key] = variable
                elif tag == STATIC:
                    if key in st:
                        raise self._static_state(key, st[key])
                    children[key] = token[2]
                elif tag == SUB:
                    value = st.get(key, MISSING)
                    if value is MISSING and ops[pos][1] is _NONE_TYPE:  # common: no frame
                        children[key] = None
                        pos += 1
                        continue
                    consumed += value is not MISSING
                    frame.remaining, frame.consumed = remaining, consumed
                    self._open(pos, _sub_state(value, self, key), key)
                    break
                else:  # SUB_REF or LEAF_REF
                    consumed += key in st
                    children[key] = self._reference(frame, token)
            else:
                self.pos, frame.consumed = pos, consumed
                node = self._close(frame)
                self.stack.pop()
                if not self.stack:
                    return node
                self.stack[-1].children[frame.key] = node

    def _open(self, pos: int, state: Mapping[Any, Any], key: Any) -> None:
        """Start building the node whose header is at ``pos``: push its frame."""
        header = self.ops[pos]
        node_type, index = header[1], header[2]
        impl = IMPLS.get(node_type)
        if impl is None:
            raise NodeTypeError(
                f"node type {getattr(node_type, '__name__', node_type)}",
                self._where(key),
                "expected a registered node type",
            )
        node, reused = None, False
        if type(impl) is GraphNodeImpl:
            node, reused = self._graph_node(node_type, index, header[3], key)
            self.index_ref[index] = node
        self.stack.append(_Frame(header[4], state, pos, impl, node, key, reused))
        self.pos = pos + 1

    def _graph_node(self, node_type: Any, index: int, metadata: Any, key: Any) -> tuple[Any, bool]:
        """The graph node for ``index``: reused from the cache, or created empty."""
        if index in self.index_ref:
            raise DuplicateIndexError(
                f"index {index}", self._where(key), "expected each GraphDef index to be built once"
            )
        if self.cache is None or index not in self.cache:
            return IMPLS[node_type].create_empty(metadata), False  # type: ignore[union-attr]
        node = self.cache[index]
        if type(node) is not node_type:
            raise NodeTypeError(
                f"reused node for index {index}",
                self._where(key),
                f"expected {node_type.__name__}, found {type(node).__name__}",
            )
        return node, True

    def _close(self, frame: _Frame) -> Any:
        """Finish ``frame``: check for leftover state, then build or fill the node."""
        if frame.consumed != len(frame.state):
            raise _unknown_keys(self.ops, frame.header, frame.state, self.path())
        if frame.node is None:  # a pytree: built from its children
            children = list(frame.children.items())
            return frame.impl.unflatten(children, self.ops[frame.header][3])  # type: ignore[union-attr]
        if self.cache is None:
            frame.impl.init(frame.node, frame.children.items())  # type: ignore[union-attr]
        else:  # reused objects change only once everything is built
            self.commits.append((frame.impl, frame.node, frame.children.items(), frame.reused))
        return frame.node

    def _leaf(self, token: Token, value: Any) -> Any:
        """The Variable for a ``LEAF_DEF`` token, outside the common case."""
        key, index = token[1], token[3]
        if self.shared and index in self.index_ref:
            return self.index_ref[index]
        if value is MISSING:
            raise MissingKeyError(
                f"{key!r}",
                self.path(key),
                f"expected the state of a {token[2].__name__}, found no entry",
            )
        if type(value) is not VariableState and isinstance(value, Mapping):
            raise _mapping_for_variable(value, self.path(key))  # [Deviation D-17]
        if self.cache is not None and index in self.cache:
            return self._reuse_variable(self.cache[index], value, key)
        if type(value) is VariableState:
            return value.to_variable()
        if isinstance(value, Variable):  # [Deviation D-6] a Variable counts as its state
            return value.to_state().to_variable()
        return token[2].from_metadata(value, token[4])  # [Deviation D-7] a copy

    def _reuse_variable(self, variable: Any, value: Any, key: Any) -> Any:
        if not isinstance(variable, Variable):
            raise NodeTypeError(
                "reused object for a Variable",
                self.path(key),
                f"expected a Variable, found {type(variable).__name__}",
            )
        self.commits.append((None, variable, value, True))
        return variable

    def _reference(self, frame: _Frame, token: Token) -> Any:
        """The object a ``SUB_REF`` / ``LEAF_REF`` token points at; a state value given at its
        key is ignored, except that a leaf where a subgraph reference stands is an error."""
        key = token[1]
        target = self.index_ref.get(token[3], MISSING)
        if target is MISSING:
            raise DanglingReferenceError(
                f"a reference to index {token[3]}",
                self.path(key),
                "expected an index built earlier",
            )
        if key in frame.state and token[0] == SUB_REF:
            _as_mapping(frame.state[key], self, key)  # the seed checks it before following
        return target

    def _static_state(self, key: Any, value: Any) -> StateMismatchError:
        return StateMismatchError(
            f"state for static attribute {key!r}",
            self.path(key),
            f"expected no state entry, found {value!r}",
            "static attributes live in the GraphDef",
        )


def _sub_state(value: Any, build: _Build, key: Any) -> Mapping[Any, Any]:
    """The state for the subgraph at ``key``: empty when the state has no entry for it."""
    if value is MISSING:
        return _EMPTY
    return value if type(value) is dict else _as_mapping(value, build, key)


def _as_mapping(value: Any, build: _Build, key: Any) -> Mapping[Any, Any]:
    """The state given for the subgraph at ``key`` below the top frame, as a mapping."""
    t = type(value)
    if t is dict:
        return value  # type: ignore[no-any-return]
    if t is State:
        return value.raw_mapping  # type: ignore[no-any-return]
    if isinstance(value, Mapping):
        return value
    raise StateMismatchError(
        f"a {t.__name__} given for a subgraph",
        build._where(key),
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


def _commit(commits: list[_Commit]) -> None:
    """Apply the deferred changes to reused objects, in post-order."""
    for impl, target, payload, reused in commits:
        if impl is not None:
            if reused:
                impl.clear(target)  # type: ignore[union-attr]
            impl.init(target, payload)  # type: ignore[union-attr]
        elif type(payload) is VariableState or isinstance(payload, Variable):
            target.raw_value = payload.raw_value if isinstance(payload, Variable) else payload.value
            target.__dict__ = dict(payload.__dict__)
        else:
            target.raw_value = payload


def _unknown_keys(
    ops: tuple[Token, ...], header: int, state: Mapping[Any, Any], path: tuple[Hashable, ...]
) -> UnknownKeyError:
    known = set()
    pos = header + 1
    for _ in range(ops[header][4]):
        known.add(ops[pos][1])
        pos += 2 + ops[pos + 1][5] if ops[pos][0] == SUB else 1
    # named in the spec's order (by repr), not the state's, so every target can agree on one
    unknown = sorted((key for key in state if key not in known), key=repr)
    node_type = ops[header][1]
    return UnknownKeyError(
        f"{unknown[0]!r}",
        (*path, unknown[0]),
        f"expected only attributes of {getattr(node_type, '__name__', node_type)} "
        f"({sorted(map(repr, known))}), "
        f"found extra keys {unknown!r}",
    )
