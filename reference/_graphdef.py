"""GraphDef: the static, stateless part of a graph, as a flat token sequence.

A ``NodeDef`` is a *view* on a tuple of tokens written in DFS pre-order by flatten:

==============================================  ====================================
``(NODE, type, index, metadata, n_attrs, size)``  a node header; ``size`` = tokens below it
``(SUB, key)``                                    subgraph attribute; its header follows
``(SUB_REF, key, type, index)``                   subgraph attribute that is a NodeRef
``(STATIC, key, value)``                          static attribute (kept by reference)
``(LEAF_DEF, key, type, index, metadata)``        first occurrence of a Variable
``(LEAF_REF, key, type, index)``                  a Variable already seen (NodeRef)
==============================================  ====================================

Why flat: equality, hashing and ``repr`` of a 100,000-deep graph must not recurse
(``[Deviation D-1]``); comparing two flat token tuples is a shallow, C-speed tuple
comparison; and ``unflatten`` is a single linear scan. The seed's nested view
(``attributes`` holding ``SubGraphAttribute`` / ``StaticAttribute`` / ``LeafAttribute``
with nested ``NodeDef`` / ``NodeRef`` / ``VariableDef``) is built on demand.

Equality is structural (same tokens, same ``index_mapping``); the hash is computed
once and cached. [Deviation D-12] an unhashable static value or metadata raises
``UnhashableGraphDefError`` naming its path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Generic, TypeAlias

from reference._gc import paused_gc
from reference._jax import register_static
from reference._mappings import HashableMapping
from reference._typing import Index, Key, Node
from reference._variables import Variable
from reference.errors import InternalError, UnhashableGraphDefError

if TYPE_CHECKING:
    from reference._proxy import ApplyCaller
    from reference._state import State
    from reference._variables import VariableState

NODE: Final = 0
SUB: Final = 1
SUB_REF: Final = 2
STATIC: Final = 3
LEAF_DEF: Final = 4
LEAF_REF: Final = 5

Token = tuple[Any, ...]


class GraphDef(Generic[Node]):
    """Base of ``NodeDef`` and ``NodeRef``: the static part of a graph of root type ``Node``."""

    __slots__ = ()

    if TYPE_CHECKING:  # declared for the type checker; subclasses provide them

        @property
        def type(self) -> type[Node]: ...

        @property
        def index(self) -> int: ...


@dataclasses.dataclass(frozen=True, repr=False)
class NodeRef(GraphDef[Node]):
    """A reference to the node or Variable with ``index`` (an earlier occurrence)."""

    type: type[Node]
    index: int

    def __repr__(self) -> str:
        return f"NodeRef(type={_name(self.type)}, index={self.index})"


@dataclasses.dataclass(frozen=True, repr=False)
class VariableDef:
    """The first occurrence of a Variable: its type, index and metadata."""

    type: type[Variable[Any]]
    index: int
    metadata: HashableMapping[str, Any]

    def __repr__(self) -> str:
        return (
            f"VariableDef(type={_name(self.type)}, index={self.index}, metadata={self.metadata!r})"
        )


@dataclasses.dataclass(frozen=True, slots=True)
class SubGraphAttribute:
    """A child node: its NodeDef, or a NodeRef if it was seen before."""

    key: Key
    value: NodeDef[Any] | NodeRef[Any]


@dataclasses.dataclass(frozen=True, slots=True)
class StaticAttribute:
    """A static value, kept by reference in the GraphDef."""

    key: Key
    value: Any


@dataclasses.dataclass(frozen=True, slots=True)
class LeafAttribute:
    """A Variable: its VariableDef, or a NodeRef if it was seen before."""

    key: Key
    value: VariableDef | NodeRef[Any]


Attribute: TypeAlias = SubGraphAttribute | StaticAttribute | LeafAttribute


class NodeDef(GraphDef[Node]):
    """The structure of a node: type, index (-1 for pytrees), attributes, metadata.

    ``index_mapping`` is set only on the root GraphDef produced by the inner split of
    an update context (outer index -> inner index). Construct with
    ``NodeDef(type, index, attributes, metadata, index_mapping)``; ``split`` builds
    them without going through the nested attribute objects.
    """

    __slots__ = ("_attributes", "_end", "_hash", "_ops", "_start", "index_mapping")
    _ops: tuple[Token, ...]
    _start: int
    _end: int
    _hash: int | None
    _attributes: tuple[Attribute, ...] | None
    index_mapping: HashableMapping[Index, Index] | None

    def __init__(
        self,
        type: type[Node],
        index: int,
        attributes: Sequence[Attribute],
        metadata: Any,
        index_mapping: Mapping[Index, Index] | None = None,
    ) -> None:
        ops = _compile(type, index, attributes, metadata)
        _init_view(self, ops, 0, _as_hashable(index_mapping))

    @classmethod
    def create(
        cls,
        type: type[Node],
        index: int,
        attributes: Sequence[Attribute],
        metadata: Any,
        index_mapping: Mapping[Index, Index] | None,
    ) -> NodeDef[Node]:
        """Alias of the constructor (the seed's spelling)."""
        return cls(type, index, attributes, metadata, index_mapping)

    def __setattr__(self, name: str, value: object) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    @property
    def type(self) -> type[Node]:
        return self._ops[self._start][1]  # type: ignore[no-any-return]

    @property
    def index(self) -> int:
        return self._ops[self._start][2]  # type: ignore[no-any-return]

    @property
    def metadata(self) -> Any:
        return self._ops[self._start][3]

    @property
    def attributes(self) -> tuple[Attribute, ...]:
        """The nested view of this node's attributes (built once, on demand)."""
        if self._attributes is None:
            object.__setattr__(self, "_attributes", _attributes_of(self._ops, self._start))
        return self._attributes  # type: ignore[return-value]

    def tokens(self) -> tuple[Token, ...]:
        """The flat pre-order token encoding of this node (see the module docstring)."""
        if self._start == 0 and self._end == len(self._ops):
            return self._ops
        return self._ops[self._start : self._end]

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if type(other) is not NodeDef:
            return False
        if self._hash is not None and other._hash is not None and self._hash != other._hash:
            return False
        return (
            self._end - self._start == other._end - other._start
            and self.index_mapping == other.index_mapping
            and self.tokens() == other.tokens()
        )

    def __hash__(self) -> int:
        if self._hash is None:
            try:
                value = hash((self.tokens(), self.index_mapping))
            except TypeError as error:
                raise _unhashable_error(self.tokens(), error) from None
            object.__setattr__(self, "_hash", value)
        return self._hash  # type: ignore[return-value]

    def __repr__(self) -> str:
        return render_tokens(self.tokens(), self.index_mapping)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.tokens(), self.index_mapping))

    def apply(
        self, state: State[Key, VariableState[Any]], *states: State[Key, VariableState[Any]]
    ) -> ApplyCaller[tuple[GraphDef[Node], State[Key, VariableState[Any]]]]:
        """Return a proxy that merges, calls a method, and returns ``(out, flatten(node))``."""
        from reference._api import flatten, merge
        from reference._proxy import CallableProxy, DelayedAccessor

        def _apply(
            accessor: DelayedAccessor, *args: Any, **kwargs: Any
        ) -> tuple[Any, tuple[GraphDef[Node], State[Key, VariableState[Any]]]]:
            module = merge(self, state, *states)
            out = accessor(module)(*args, **kwargs)
            return out, flatten(module)

        return CallableProxy(_apply, DelayedAccessor())


def _init_view(
    view: NodeDef[Any],
    ops: tuple[Token, ...],
    start: int,
    index_mapping: HashableMapping[Index, Index] | None,
) -> None:
    setter = object.__setattr__
    setter(view, "_ops", ops)
    setter(view, "_start", start)
    setter(view, "_end", start + 1 + ops[start][5])
    setter(view, "_hash", None)
    setter(view, "_attributes", None)
    setter(view, "index_mapping", index_mapping)


def nodedef_view(
    ops: tuple[Token, ...],
    start: int = 0,
    index_mapping: HashableMapping[Index, Index] | None = None,
) -> NodeDef[Any]:
    """Return a NodeDef over ``ops`` whose header is at ``start`` (no copying)."""
    view: NodeDef[Any] = object.__new__(NodeDef)
    _init_view(view, ops, start, index_mapping)
    return view


def with_index_mapping(nodedef: NodeDef[Node], mapping: Mapping[Index, Index]) -> NodeDef[Node]:
    """Return ``nodedef`` with ``index_mapping`` set (same tokens)."""
    return nodedef_view(nodedef._ops, nodedef._start, HashableMapping(mapping))


def _rebuild(
    ops: tuple[Token, ...], index_mapping: HashableMapping[Index, Index] | None
) -> NodeDef[Any]:
    return nodedef_view(ops, 0, index_mapping)


def _as_hashable(mapping: Mapping[Index, Index] | None) -> HashableMapping[Index, Index] | None:
    if mapping is None or isinstance(mapping, HashableMapping):
        return mapping
    return HashableMapping(mapping)


def _name(t: object) -> str:
    return getattr(t, "__name__", repr(t))


# --- nested view <-> tokens --------------------------------------------------


def _compile(
    type: type[Any], index: int, attributes: Sequence[Attribute], metadata: Any
) -> tuple[Token, ...]:
    """Encode a node given by nested attribute objects as tokens (children are copied in)."""
    ops: list[Token] = [(NODE, type, index, metadata, len(attributes), 0)]
    for attribute in attributes:
        kind, key, value = attribute.__class__, attribute.key, attribute.value
        if kind is StaticAttribute:
            ops.append((STATIC, key, value))
        elif isinstance(value, NodeRef):
            ops.append(
                (SUB_REF if kind is SubGraphAttribute else LEAF_REF, key, value.type, value.index)
            )
        elif kind is LeafAttribute and isinstance(value, VariableDef):
            ops.append((LEAF_DEF, key, value.type, value.index, value.metadata))
        elif kind is SubGraphAttribute and isinstance(value, NodeDef):
            ops.append((SUB, key))
            ops.extend(value.tokens())
        else:
            raise InternalError(f"internal error: cannot encode {attribute!r}")
    ops[0] = (NODE, type, index, metadata, len(attributes), len(ops) - 1)
    return tuple(ops)


def _attributes_of(ops: tuple[Token, ...], start: int) -> tuple[Attribute, ...]:
    """Build the nested attribute objects of the node whose header is at ``start``."""
    attributes: list[Attribute] = []
    pos = start + 1
    for _ in range(ops[start][4]):
        token = ops[pos]
        tag, key = token[0], token[1]
        if tag == SUB:
            attributes.append(SubGraphAttribute(key, nodedef_view(ops, pos + 1)))
            pos += 2 + ops[pos + 1][5]
            continue
        if tag == STATIC:
            attributes.append(StaticAttribute(key, token[2]))
        elif tag == LEAF_DEF:
            attributes.append(LeafAttribute(key, VariableDef(token[2], token[3], token[4])))
        elif tag == LEAF_REF:
            attributes.append(LeafAttribute(key, NodeRef(token[2], token[3])))
        else:
            attributes.append(SubGraphAttribute(key, NodeRef(token[2], token[3])))
        pos += 1
    return tuple(attributes)


# --- iterative walks over tokens ---------------------------------------------------


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


def _unhashable_error(ops: tuple[Token, ...], error: TypeError) -> UnhashableGraphDefError:
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


@paused_gc
def render_tokens(ops: Sequence[Token], index_mapping: object = None) -> str:
    """Render tokens as a nested ``NodeDef(...)`` expression, on one line, iteratively."""
    parts: list[str] = []
    stack: list[list[Any]] = []  # open nodes: [remaining attributes, metadata, index_mapping]
    text = _ReprCache()
    for token in ops:
        tag = token[0]
        if tag == SUB:
            parts.append(f"SubGraphAttribute(key={token[1]!r}, value=")
            continue
        if tag == NODE:
            parts.append(f"NodeDef(type={text.name(token[1])}, index={token[2]}, attributes=(")
            stack.append([token[4], token[3], None if stack else index_mapping])
            completed = False
        else:
            parts.append(_render_leaf(token, text))
            completed = True
        while stack:
            top = stack[-1]
            if completed:
                top[0] -= 1
            if top[0] > 0:
                if completed:
                    parts.append(", ")
                break
            stack.pop()
            parts.append(f"), metadata={text.repr(top[1])}, index_mapping={top[2]!r})")
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
            text = self._names[id(t)] = _name(t)
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


register_static(NodeRef)
register_static(VariableDef)
register_static(NodeDef)
