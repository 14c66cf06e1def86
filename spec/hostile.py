"""Hostile inputs: the wrong things a user hands the graph API, as plain, frozen, JSON data.

A hostile operation is a neutral description, like a blueprint or a mutation program: it says
*what* is wrong, never with which live objects.  The robustness laws (``spec.laws.rob``) turn
it into the target's own objects, run the operation, and check the outcome against the oracle
(``spec.semantics.hostile``): a documented error naming the place at fault, with every input left
exactly as it was, or a success equal to the oracle's result.  Strategies draw them
(``strategies.hostile_states`` etc.); ``Case.hostile`` stores them, so vectors replay them.

Every choice is an index read modulo the number of options the graph offers (``pick``, ``at``),
so an operation stays meaningful while the graph it applies to shrinks.

=========================  ===================================================================
operation                  what is wrong
=========================  ===================================================================
``HostileState``           a state for ``merge`` / ``update`` edited by ``StateEdit``\\ s, given
                           with this graph's GraphDef, another graph's, or a bare ``NodeRef``
``ArrayAttribute``         an array stored as a plain attribute (or inside a dict attribute)
``UnhashableStatic``       a set stored as a static attribute (or inside a dict attribute)
``OddDictKeys``            a dict attribute whose keys are of unusual or mixed types
``OddNodeKeys``            an instance of a registered graph or pytree node type whose keys
                           cannot be ordered together
``PytreeSelfCycle``        a list or dict attribute that contains itself (directly, or after
                           a graph node)
``NonNodeRoot``            a Variable, an array, an int or a str where a graph belongs
``FilterCall``             split / state / variables / pop / ``SplitContext.split`` with any
                           filters: valid, non-exhaustive, misplaced ``...``, invalid terms
``ContextCalls``           the update-context calls in any order, after exit, with a
                           ``NodeRef`` GraphDef
=========================  ===================================================================

State edits (``StateEdit``), applied in order to the flat state ``state(g)`` of a graph ``g``:

=========================  ===================================================================
``DropLeaf``               a leaf is missing
``ExtraLeaf``              a leaf under a key the node lacks (of the node's key type, or of an
                           odd type: int on a module, None, a tuple, a float, a bool, bytes)
``RenameKey``              one key of a leaf's path renamed (the leaf or a whole subtree moves)
``LeafForSubgraph``        a leaf where a subgraph (or a pytree container) belongs
``MappingForLeaf``         a mapping where a leaf belongs
``LeafForStatic``          a leaf for a static attribute
``MoveLeaf``               a leaf moved up the tree (wrong nesting)
``RawValue``               a plain array instead of a typed leaf (valid: takes the GraphDef's type)
``Restyle``                a leaf of another type, dtype, shape or metadata (valid for merge)
=========================  ===================================================================

A Python mapping cannot hold an unhashable key, so "unhashable keys" in States and dict pytrees
are the nearest things that exist: keys that cannot be ordered with their siblings (``None``
beside a str, bytes beside an int, ...), and keys a node cannot take (an int attribute name).

The edits keep the flat state *valid as a flat state* (no path twice, no path below a leaf): a
leaf put at ``p`` drops the leaves at, above and below ``p``.  So building the State is never
ambiguous, and every fault is one the graph API has to find.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal, Union, cast

import numpy as np

from spec import codec as _codec
from spec.blueprint import Key
from spec.filters import FilterSpec
from spec.model import Model, NodeModel, NodeSlot, Path, StaticSlot, VarModel
from spec.semantics.merge import RawLeaf, StateLeaf

__all__ = [
    "CALLS",
    "KEY_KINDS",
    "LEAF",
    "OPS",
    "ArrayAttribute",
    "Call",
    "ContextCalls",
    "DropLeaf",
    "ExtraLeaf",
    "FilterCall",
    "Hostile",
    "HostileState",
    "KeyKind",
    "LeafForStatic",
    "LeafForSubgraph",
    "MappingForLeaf",
    "MoveLeaf",
    "NonNodeRoot",
    "OddDictKeys",
    "OddNodeKeys",
    "PlantedAttribute",
    "PytreeSelfCycle",
    "RawValue",
    "RenameKey",
    "Restyle",
    "StateEdit",
    "UnhashableStatic",
    "attribute_node_paths",
    "corrupt",
    "describe",
    "graph_node_paths",
    "node_paths",
    "odd_key",
    "odd_keys",
    "split_parts",
    "static_paths",
]

Entry = tuple[Path, StateLeaf]

KeyKind = Literal["fresh", "int", "str", "none", "tuple", "float", "bool", "bytes"]
KEY_KINDS: tuple[str, ...] = ("fresh", "int", "str", "none", "tuple", "float", "bool", "bytes")
"""Kinds of key an edit may use; ``fresh`` is a new key of the node's own key type."""

LEAF = VarModel("Param", "float32", (), np.float32(1.0).tobytes(), ())
"""The leaf the edits add: a scalar ``Param`` holding 1.0."""


# --- state edits -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DropLeaf:
    pick: int


@dataclasses.dataclass(frozen=True)
class ExtraLeaf:
    at: int
    key: KeyKind = "fresh"


@dataclasses.dataclass(frozen=True)
class RenameKey:
    pick: int
    level: int = 0


@dataclasses.dataclass(frozen=True)
class LeafForSubgraph:
    at: int


@dataclasses.dataclass(frozen=True)
class MappingForLeaf:
    pick: int


@dataclasses.dataclass(frozen=True)
class LeafForStatic:
    pick: int


@dataclasses.dataclass(frozen=True)
class MoveLeaf:
    pick: int
    levels: int = 0


@dataclasses.dataclass(frozen=True)
class RawValue:
    pick: int


@dataclasses.dataclass(frozen=True)
class Restyle:
    pick: int
    how: Literal["type", "dtype", "shape", "metadata"] = "type"


StateEdit = Union[
    DropLeaf,
    ExtraLeaf,
    RenameKey,
    LeafForSubgraph,
    MappingForLeaf,
    LeafForStatic,
    MoveLeaf,
    RawValue,
    Restyle,
]


@dataclasses.dataclass(frozen=True)
class HostileState:
    """A state for merge or update: ``state(source graph)`` with ``edits`` applied.

    ``source`` says whose state it starts from (the case's graph or its ``other`` graph; for
    update of the case's graph its own state has every value plus one, so an update shows);
    ``graphdef`` (merge only) says which GraphDef it is merged into: the graph's own, the other
    graph's, or a bare ``NodeRef`` (the second split of one graph in one ``split_context``);
    ``parts`` > 1 hands the state over as that many States (entries dealt round-robin).
    """

    edits: tuple[StateEdit, ...] = ()
    source: Literal["own", "other"] = "own"
    graphdef: Literal["own", "other", "noderef"] = "own"
    parts: int = 1


# --- hostile graphs ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ArrayAttribute:
    """``node.zz_array = array`` on the ``at``-th graph node, or with ``boxed``
    ``node.zz_box = {"zz_array": array}``."""

    at: int
    boxed: bool = False

    @property
    def place(self) -> Path:
        """The path of the hostile value below the node (the place at fault)."""
        return ("zz_box", "zz_array") if self.boxed else ("zz_array",)


@dataclasses.dataclass(frozen=True)
class UnhashableStatic:
    """``node.zz_set = {1, 2}`` on the ``at``-th graph node, or with ``boxed``
    ``node.zz_box = {"zz_set": {1, 2}}``."""

    at: int
    boxed: bool = False

    @property
    def place(self) -> Path:
        return ("zz_box", "zz_set") if self.boxed else ("zz_set",)


@dataclasses.dataclass(frozen=True)
class OddDictKeys:
    """``node.zz_dict = {k: Param, ...}`` with one key of each kind in ``kinds``
    (``odd_keys``) on the ``at``-th graph node."""

    at: int
    kinds: tuple[KeyKind, ...] = ("str",)

    @property
    def place(self) -> Path:
        return ("zz_dict",)

    @property
    def keys(self) -> list[object]:
        return odd_keys(self.kinds)


@dataclasses.dataclass(frozen=True)
class OddNodeKeys:
    """``node.zz_registered = r`` on the ``at``-th graph node, ``r`` an instance of a node type
    registered for it (``Target.new_registered_node``, a graph or a pytree node type; ``jax``: a
    type registered with jax itself, ``register_pytree_with_keys``, its key paths ``DictKey``s)
    whose flatten gives a ``str`` key, an ``int`` key and one key of each kind in ``kinds``: keys
    that cannot be ordered together; ``unhashable``: the lists ``[1]`` and ``[2]`` instead, keys
    that order but cannot be hashed."""

    at: int
    node: Literal["graph", "pytree", "jax"] = "graph"
    kinds: tuple[KeyKind, ...] = ()
    unhashable: bool = False

    @property
    def place(self) -> Path:
        return ("zz_registered",)

    @property
    def keys(self) -> list[object]:
        if self.unhashable:
            return [[1], [2]]
        return odd_keys(("str", "int", *self.kinds))


@dataclasses.dataclass(frozen=True)
class PytreeSelfCycle:
    """``node.zz_cycle = c`` where the list / dict ``c`` contains itself (at ``0`` /
    ``"zz_self"``; ``list-after-node``: ``c = [m, c]`` with ``m`` a module holding a static, so
    a graph node is walked before ``c`` recurs)."""

    at: int
    form: Literal["list", "dict", "list-after-node"] = "list"

    @property
    def place(self) -> Path:
        return ("zz_cycle",)

    @property
    def closing(self) -> Key:
        """The key through which the container contains itself."""
        closing: dict[str, Key] = {"list": 0, "list-after-node": 1, "dict": "zz_self"}
        return closing[self.form]


@dataclasses.dataclass(frozen=True)
class NonNodeRoot:
    """The graph API called on something that is not a node: a Variable, an array, an int, a str."""

    form: Literal["variable", "array", "int", "str"] = "variable"


OPS: tuple[str, ...] = ("split", "state", "variables", "pop", "split_context")
"""Operations a ``FilterCall`` may name."""


@dataclasses.dataclass(frozen=True)
class FilterCall:
    """``op(x, *filters)`` (``split_context`` means ``SplitContext.split`` in a fresh context)."""

    op: Literal["split", "state", "variables", "pop", "split_context"] = "split"
    filters: tuple[FilterSpec, ...] = ()


Call = Literal["split", "merge", "merge_plain", "merge_ref", "exit", "current"]
CALLS: tuple[str, ...] = ("split", "merge", "merge_plain", "merge_ref", "exit", "current")
"""Calls of a ``ContextCalls`` sequence (see ``spec.semantics.hostile.protocol_steps``)."""


@dataclasses.dataclass(frozen=True)
class ContextCalls:
    """Calls on one update context, in this order (any order; the oracle says which must fail).

    ``split``: ``ctx.split`` of the current graph (the outer one, or the inner one after an inner
    merge); ``merge``: ``ctx.merge`` of the latest pair a split returned; ``merge_plain``: of a
    fresh ``split`` of the current graph (a GraphDef with no outer indices); ``merge_ref``: of a
    bare ``NodeRef`` GraphDef; ``exit``: leave the ``with`` block (later calls use a closed
    context); ``current``: ``current_update_context(tag)``.
    """

    calls: tuple[Call, ...] = ()


PlantedAttribute = Union[
    ArrayAttribute, UnhashableStatic, OddDictKeys, OddNodeKeys, PytreeSelfCycle
]
"""The hostile graphs made by one attribute ``zz_...`` set on the ``at``-th graph node."""

Hostile = Union[
    HostileState,
    ArrayAttribute,
    UnhashableStatic,
    OddDictKeys,
    OddNodeKeys,
    PytreeSelfCycle,
    NonNodeRoot,
    FilterCall,
    ContextCalls,
]

_codec.register(
    DropLeaf,
    ExtraLeaf,
    RenameKey,
    LeafForSubgraph,
    MappingForLeaf,
    LeafForStatic,
    MoveLeaf,
    RawValue,
    Restyle,
    HostileState,
    ArrayAttribute,
    UnhashableStatic,
    OddDictKeys,
    OddNodeKeys,
    PytreeSelfCycle,
    NonNodeRoot,
    FilterCall,
    ContextCalls,
)


# --- addressing ----------------------------------------------------------------------------------


def node_paths(m: Model, *, graph_only: bool = False, root: bool = True) -> list[Path]:
    """Return the first path of every node of ``m`` in canonical order (graph nodes only, with
    or without the root)."""
    out: list[Path] = [()] if root and (not graph_only or m.root.kind == "graph") else []
    for path, slot, first in m.walk():
        if (
            first
            and isinstance(slot, NodeSlot)
            and (not graph_only or m.nodes[slot.id].kind == "graph")
        ):
            out.append(path)
    return out


def graph_node_paths(m: Model) -> list[Path]:
    """Return the first path of every graph node of ``m``, the root first if it is one."""
    return node_paths(m, graph_only=True)


def attribute_node_paths(m: Model) -> list[Path]:
    """Return the first path of every graph node of ``m`` that takes named attributes (not a
    positional one, like ``nnx.List``), the root first if it is one."""
    nodes = [(p, m.root if p == () else _resolved_node(m, p)) for p in graph_node_paths(m)]
    return [p for p, node in nodes if node is not None and not node.positional]


def static_paths(m: Model) -> list[Path]:
    """Return the path of every static attribute of ``m`` (first occurrences of its nodes)."""
    return [p for p, slot, _ in m.walk() if isinstance(slot, StaticSlot)]


def _node_keys(m: Model, path: Path) -> list[object] | None:
    try:
        slot = m.resolve(path)
    except KeyError:
        return None
    return list(m.nodes[slot.id].keys) if isinstance(slot, NodeSlot) else None


def odd_key(kind: str, taken: Sequence[object], *, int_keyed: bool) -> object:
    """Return a key of ``kind`` that is not in ``taken``.

    ``fresh`` is of the node's own key type (``int_keyed``): an int past the last one, else a
    ``zz_`` name; the other kinds are ``int``, ``str``, ``None``, ``(0, 'zz')``, ``0.5``,
    ``False``/``True``, ``b'zz'`` (``tuple`` if the kind's values are all taken).
    """
    if kind == "fresh":
        kind = "int" if int_keyed else "str"
    if kind == "int":
        return (
            max((k for k in taken if type(k) is int), default=-1) + 1
            if int_keyed
            else 100 + len(taken)
        )
    if kind == "str":
        name, n = "zz_extra", 0
        while name in taken:
            n += 1
            name = f"zz_extra{n}"
        return name
    candidates: dict[str, tuple[object, ...]] = {
        "none": (None,),
        "tuple": ((0, "zz"), (1, "zz")),
        "float": (0.5, 1.5),
        "bool": (False, True),
        "bytes": (b"zz",),
    }
    for candidate in candidates[kind]:
        if candidate not in taken:
            return candidate
    return (len(taken), "zz")


def odd_keys(kinds: Sequence[str]) -> list[object]:
    """Return one distinct key per kind, for ``OddDictKeys`` (``fresh`` counts as ``str``)."""
    keys: list[object] = []
    for kind in kinds:
        keys.append(odd_key(kind, keys, int_keyed=False))
    return keys


# --- applying state edits ------------------------------------------------------------------------


def _put(entries: list[Entry], path: Path, leaf: StateLeaf) -> None:
    """Add ``(path, leaf)``, dropping the leaves at, below and above ``path``."""
    n = len(path)
    entries[:] = [(p, v) for p, v in entries if p[:n] != path and path[: len(p)] != p]
    entries.append((path, leaf))


def _fresh_under(m: Model, entries: list[Entry], prefix: Path, kind: str) -> Key:
    keys = _node_keys(m, prefix) or []
    taken = [
        *keys,
        *(
            p[len(prefix)]
            for p, _ in entries
            if len(p) > len(prefix) and p[: len(prefix)] == prefix
        ),
    ]
    int_keyed = bool(keys) and all(type(k) is int for k in keys)
    node = _resolved_node(m, prefix)
    if node is not None and node.type_name in ("list", "tuple"):
        int_keyed = True
    return cast(Key, odd_key(kind, taken, int_keyed=int_keyed))


def _resolved_node(m: Model, path: Path) -> NodeModel | None:
    try:
        slot = m.resolve(path)
    except KeyError:
        return None
    return m.nodes[slot.id] if isinstance(slot, NodeSlot) else None


def _restyled(v: VarModel, how: str) -> VarModel:
    if how == "type":
        return dataclasses.replace(
            v, type_name="BatchStat" if v.type_name != "BatchStat" else "Param"
        )
    if how == "dtype":
        value = np.asarray(v.value.astype(np.float32).astype(np.int32), order="C")
        if v.dtype == "int32":
            value = np.asarray(v.value.astype(np.float32), order="C")
        return VarModel(v.type_name, str(value.dtype), v.shape, value.tobytes(), v.metadata)
    if how == "shape":
        return dataclasses.replace(v, shape=(1, *v.shape))
    metadata = tuple(sorted((*((k, x) for k, x in v.metadata if k != "zz_meta"), ("zz_meta", 1))))
    return dataclasses.replace(v, metadata=metadata)


def corrupt(
    m: Model, flat: Sequence[Entry], edits: Sequence[StateEdit]
) -> tuple[tuple[Entry, ...], tuple[Path, ...]]:
    """Apply ``edits`` in order to the flat state ``flat`` of the graph modelled by ``m``.

    Return the edited flat state and the paths each edit touched (the places a documented error
    may name).  An edit with nothing to act on (no leaf, no static, no inner node) does nothing.
    """
    entries: list[Entry] = list(flat)
    touched: list[Path] = []
    for edit in edits:
        if isinstance(edit, ExtraLeaf):
            at = node_paths(m)[edit.at % len(node_paths(m))]
            path: Path = (*at, _fresh_under(m, entries, at, edit.key))
            _put(entries, path, LEAF)
            touched.append(path)
        elif isinstance(edit, LeafForSubgraph):
            inner = node_paths(m, root=False)
            if inner:
                path = inner[edit.at % len(inner)]
                _put(entries, path, LEAF)
                touched.append(path)
        elif isinstance(edit, LeafForStatic):
            statics = static_paths(m)
            if statics:
                path = statics[edit.pick % len(statics)]
                _put(entries, path, LEAF)
                touched.append(path)
        elif isinstance(edit, MoveLeaf):
            deep = [i for i, (p, _) in enumerate(entries) if len(p) >= 2]
            if deep:
                i = deep[edit.pick % len(deep)]
                path, leaf = entries.pop(i)
                up = 1 + edit.levels % (len(path) - 1)
                moved: Path = (*path[: len(path) - 1 - up], path[-1])
                _put(entries, moved, leaf)
                touched.extend((path, moved))
        elif entries:
            i = edit.pick % len(entries)
            path, leaf = entries[i]
            if isinstance(edit, DropLeaf):
                del entries[i]
                touched.append(path)
            elif isinstance(edit, RenameKey):
                level = edit.level % len(path)
                old = path[: level + 1]
                new: Path = (*path[:level], _fresh_under(m, entries, path[:level], "fresh"))
                entries = [
                    ((*new, *p[level + 1 :]) if p[: level + 1] == old else p, v) for p, v in entries
                ]
                touched.extend((old, new))
            elif isinstance(edit, MappingForLeaf):
                del entries[i]
                _put(entries, (*path, "zz_inner"), leaf)
                touched.append(path)
            elif isinstance(edit, RawValue) and isinstance(leaf, VarModel):
                entries[i] = (path, RawLeaf(leaf.dtype, leaf.shape, leaf.data))
            elif isinstance(edit, Restyle) and isinstance(leaf, VarModel):
                entries[i] = (path, _restyled(leaf, edit.how))
    return tuple(entries), tuple(touched)


def split_parts(entries: Sequence[Entry], parts: int) -> tuple[tuple[Entry, ...], ...]:
    """Deal ``entries`` round-robin into ``max(1, parts)`` flat states."""
    n = max(1, parts)
    return tuple(tuple(entries[i::n]) for i in range(n))


# --- rendering ---------------------------------------------------------------------------------


def describe(op: Hostile) -> str:
    """Return a one-line description of a hostile operation (for reports and reproducers)."""
    if isinstance(op, HostileState):
        edits = ", ".join(_edit_text(e) for e in op.edits) or "no edits"
        return (
            f"state({op.source} graph) with {edits}, merged into the {op.graphdef} GraphDef"
            f"{f' as {op.parts} States' if op.parts > 1 else ''}"
        )
    if isinstance(op, ContextCalls):
        return "update-context calls: " + (", ".join(op.calls) or "none")
    if isinstance(op, FilterCall):
        from spec.filters import describe as filter_text

        return f"{op.op}(x, {', '.join(filter_text(f) for f in op.filters)})"
    return repr(op)


def _edit_text(e: StateEdit) -> str:
    return repr(e)
