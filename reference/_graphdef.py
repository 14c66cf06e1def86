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
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeAlias

from reference._jax import register_static
from reference._mappings import HashableMapping
from reference._tokens import (
    LEAF_DEF,
    LEAF_REF,
    NODE,
    STATIC,
    SUB,
    SUB_REF,
    Token,
    name_of,
    render_tokens,
    unhashable_error,
)
from reference._typing import Index, Key, Node
from reference._variables import Variable
from reference.errors import InternalError

if TYPE_CHECKING:
    from reference._proxy import ApplyCaller
    from reference._state import State
    from reference._variables import VariableState


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
        return f"NodeRef(type={name_of(self.type)}, index={self.index})"


@dataclasses.dataclass(frozen=True, repr=False)
class VariableDef:
    """The first occurrence of a Variable: its type, index and metadata."""

    type: type[Variable[Any]]
    index: int
    metadata: HashableMapping[str, Any]

    def __repr__(self) -> str:
        return (
            f"VariableDef(type={name_of(self.type)}, index={self.index}, "
            f"metadata={self.metadata!r})"
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
                raise unhashable_error(self.tokens(), error) from None
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


register_static(NodeRef)
register_static(VariableDef)
register_static(NodeDef)
