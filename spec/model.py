"""The canonical model: an immutable, implementation-independent picture of an object graph.

A ``Model`` is what the suite compares.  ``observe(t, x)`` builds one from a live graph through the
target's plain introspection (``Target.classify`` / ``inspect`` / ``leaf_view``), never through the
target's own ``split``.

* Nodes and Variables are numbered in depth-first pre-order of first visit, children in canonical
  order: sorted keys for modules and dicts, positional order for lists, tuples and pytree fields.
  ``nodes[0]`` is the root.
* Each distinct object gets one number, so *aliasing* is explicit: two entries pointing to the same
  number reach the same object.  ``None`` and ``()`` are values, not identities: every occurrence
  is a fresh node (CPython makes them singletons).
* Two live graphs are isomorphic (same kinds, type names, keys, statics, Variable types, values,
  metadata and aliasing) iff their models are equal; ``diff`` names the first differing path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Literal, Union, cast

import numpy as np

if TYPE_CHECKING:
    from spec.target import LeafView, Target

__all__ = [
    "Key",
    "MetaValue",
    "Model",
    "NodeKind",
    "NodeModel",
    "NodeSlot",
    "Path",
    "Slot",
    "StaticModel",
    "StaticSlot",
    "Token",
    "VarModel",
    "VarSlot",
    "canonical",
    "diff",
    "observe",
    "observe_objects",
    "path_str",
    "render",
    "static_model",
    "var_model",
]

Key = Union[str, int]
"""A key of an entry: an attribute name or dict key (``str``), or a sequence position (``int``)."""
Path = tuple[Key, ...]
"""A path: the keys from the root to an entry."""
MetaValue = Union[None, bool, int, float, str, tuple["MetaValue", ...]]
"""A Variable metadata value, as plain data."""
NodeKind = Literal["graph", "pytree"]
"""A node is a graph node (identity-tracked, mutable) or a pytree container (rebuilt per
occurrence)."""
Token = tuple[Union[str, int, float, bool, tuple[object, ...], None], ...]
"""One element of a canonical GraphDef token stream (``spec.semantics.flatten`` gives the grammar;
``Target.graphdef_tokens`` must produce the same)."""


def path_str(path: Sequence[Key]) -> str:
    """Render a path as ``.a.b[0]`` (``<root>`` for the empty path)."""
    if not path:
        return "<root>"
    return "".join(f"[{k!r}]" if not isinstance(k, str) else f".{k}" for k in path)


# --- Leaves ------------------------------------------------------------------------------------


def _plain(value: object) -> MetaValue:
    if value is None or type(value) in (bool, int, float, str):
        return cast(MetaValue, value)  # narrowed by the type() test above
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    return repr(value)


@dataclasses.dataclass(frozen=True)
class VarModel:
    """A Variable (or state leaf): type name, dtype, shape, raw bytes of its value, metadata."""

    type_name: str
    dtype: str
    shape: tuple[int, ...]
    data: bytes
    metadata: tuple[tuple[str, MetaValue], ...]

    @property
    def value(self) -> np.ndarray:
        if self.dtype == "bfloat16":
            import ml_dtypes

            dtype: np.dtype[np.generic] = np.dtype(ml_dtypes.bfloat16)
        else:
            dtype = np.dtype(self.dtype)
        return np.frombuffer(self.data, dtype=dtype).reshape(self.shape)

    @property
    def metadata_dict(self) -> dict[str, MetaValue]:
        return dict(self.metadata)

    def describe(self) -> str:
        meta = "".join(f", {k}={v!r}" for k, v in self.metadata)
        body = np.array2string(self.value, threshold=8, separator=",").replace("\n", "")
        return f"{self.type_name}({self.dtype}{list(self.shape)} {body}{meta})"


_DTYPE_NAMES: dict[np.dtype[np.generic], str] = {}


def var_model(view: LeafView) -> VarModel:
    """Return the model of a target's ``LeafView``."""
    value = np.asarray(view.value, order="C")
    dtype = _DTYPE_NAMES.get(value.dtype)
    if dtype is None:  # str(dtype) is slow; a 100,000-Variable graph asks it 100,000 times
        dtype = _DTYPE_NAMES[value.dtype] = str(value.dtype)
    metadata = tuple(sorted((str(k), _plain(v)) for k, v in view.metadata)) if view.metadata else ()
    return VarModel(view.type_name, dtype, tuple(value.shape), value.tobytes(), metadata)


@dataclasses.dataclass(frozen=True)
class StaticModel:
    """A static leaf by value: its type name and a canonical text."""

    type_name: str
    text: str

    def describe(self) -> str:
        return self.text


def static_model(value: object) -> StaticModel:
    """Return the model of a static leaf value (sets are rendered sorted)."""
    if isinstance(value, (set, frozenset)):
        return StaticModel(
            type(value).__name__, f"{type(value).__name__}({sorted(value, key=repr)!r})"
        )
    return StaticModel(type(value).__name__, repr(value))


# --- Nodes -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class NodeSlot:
    id: int


@dataclasses.dataclass(frozen=True)
class VarSlot:
    id: int


@dataclasses.dataclass(frozen=True)
class StaticSlot:
    value: StaticModel


Slot = Union[NodeSlot, VarSlot, StaticSlot]


@dataclasses.dataclass(frozen=True)
class NodeModel:
    """A graph node or pytree container with its entries in canonical order.

    ``positional`` records how the order was chosen (kept / sorted); it is derived from the type,
    so it takes no part in equality.
    """

    kind: NodeKind
    type_name: str
    entries: tuple[tuple[Key, Slot], ...]
    positional: bool = dataclasses.field(default=False, compare=False)

    @property
    def keys(self) -> tuple[Key, ...]:
        return tuple(k for k, _ in self.entries)

    def get(self, key: Key) -> Slot | None:
        for k, s in self.entries:
            if k == key and type(k) is type(key):
                return s
        return None


@dataclasses.dataclass(frozen=True)
class Model:
    """A whole observed graph; ``nodes[0]`` is the root."""

    nodes: tuple[NodeModel, ...]
    variables: tuple[VarModel, ...]

    @property
    def root(self) -> NodeModel:
        return self.nodes[0]

    def paths_of(self, kind: Literal["static", "node", "node again"]) -> list[Path]:
        """The paths, in ``walk`` order, of every static, of every node where it is first
        reached (``"node"``), or of every graph node reached again (``"node again"``: split writes
        a reference there)."""
        out = []
        for path, slot, first in self.walk():
            if kind == "static" and isinstance(slot, StaticSlot):
                out.append(path)
            elif kind != "static" and isinstance(slot, NodeSlot) and first == (kind == "node"):
                out.append(path)
        return out

    def walk(self, *, pytrees_again: bool = True) -> Iterator[tuple[Path, Slot, bool]]:
        """Yield ``(path, slot, first)`` for every entry reachable from the root, depth-first in
        canonical order (pre-order), the way ``split`` flattens a graph.

        ``first`` is False for a node or Variable already reached by an earlier path.  A graph
        node reached again is not walked again (split writes a reference); a pytree container is
        walked again at every occurrence (split flattens it anew), also when it is met inside its
        own expansion, through a graph node that holds it.  A container that holds itself with no
        graph node in between (a graph split rejects) is not walked again inside itself.  With
        ``pytrees_again=False`` every node is walked once, the way ``pop`` visits a graph.
        """
        seen_nodes = {0}
        seen_vars: set[int] = set()
        # each frame: (path, entries left, pytree containers open since the last graph node)
        stack: list[tuple[Path, Iterator[tuple[Key, Slot]], frozenset[int]]] = [
            ((), iter(self.nodes[0].entries), frozenset({0} if self.root.kind == "pytree" else ()))
        ]
        while stack:
            path, it, open_pytrees = stack[-1]
            item = next(it, None)
            if item is None:
                stack.pop()
                continue
            key, slot = item
            child = (*path, key)
            if isinstance(slot, NodeSlot):
                first = slot.id not in seen_nodes
                seen_nodes.add(slot.id)
                yield child, slot, first
                if self.nodes[slot.id].kind == "graph":
                    if first:
                        stack.append((child, iter(self.nodes[slot.id].entries), frozenset()))
                elif slot.id not in open_pytrees and (first or pytrees_again):
                    stack.append(
                        (child, iter(self.nodes[slot.id].entries), open_pytrees | {slot.id})
                    )
            elif isinstance(slot, VarSlot):
                first = slot.id not in seen_vars
                seen_vars.add(slot.id)
                yield child, slot, first
            else:
                yield child, slot, True

    def first_paths(self) -> tuple[dict[int, Path], dict[int, Path]]:
        """Return the first path of every node and of every Variable: where ``walk`` first reaches
        it (so a Variable in a pytree container met again inside its own expansion has its first
        path inside that inner expansion, as in ``split``'s state)."""
        nodes: dict[int, Path] = {0: ()}
        variables: dict[int, Path] = {}
        for path, slot, first in self.walk():
            if first and isinstance(slot, NodeSlot):
                nodes[slot.id] = path
            elif first and isinstance(slot, VarSlot):
                variables[slot.id] = path
        return nodes, variables

    def resolve(self, path: Sequence[Key]) -> Slot:
        """Return the slot at ``path`` (``NodeSlot(0)`` for the root); KeyError if absent."""
        slot: Slot = NodeSlot(0)
        for key in path:
            if not isinstance(slot, NodeSlot):
                raise KeyError(path_str(path))
            found = self.nodes[slot.id].get(key)
            if found is None:
                raise KeyError(path_str(path))
            slot = found
        return slot


def canonical(m: Model) -> Model:
    """Return ``m`` with entries in canonical order and ids renumbered in canonical DFS pre-order.

    Models built by hand or by the oracle in another order become comparable with ``==``.
    """
    node_map: dict[int, int] = {}
    var_map: dict[int, int] = {}
    order: list[int] = []
    variables: list[VarModel] = []

    def entries_of(node_id: int) -> tuple[tuple[Key, Slot], ...]:
        n = m.nodes[node_id]
        if n.positional:
            return n.entries
        return tuple(sorted(n.entries, key=lambda kv: _sort_key(kv[0])))

    def enter(node_id: int) -> Iterator[tuple[Key, Slot]]:
        node_map[node_id] = len(order)
        order.append(node_id)
        return iter(entries_of(node_id))

    stack = [enter(0)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        slot = item[1]
        if isinstance(slot, NodeSlot) and slot.id not in node_map:
            stack.append(enter(slot.id))
        elif isinstance(slot, VarSlot) and slot.id not in var_map:
            var_map[slot.id] = len(variables)
            variables.append(m.variables[slot.id])

    def remap(s: Slot) -> Slot:
        if isinstance(s, NodeSlot):
            return NodeSlot(node_map[s.id])
        if isinstance(s, VarSlot):
            return VarSlot(var_map[s.id])
        return s

    nodes = tuple(
        dataclasses.replace(m.nodes[old], entries=tuple((k, remap(s)) for k, s in entries_of(old)))
        for old in order
    )
    return Model(nodes, tuple(variables))


# --- Observation -------------------------------------------------------------------------------


def _is_value_node(x: object) -> bool:
    return x is None or (type(x) is tuple and len(x) == 0)


def _sort_key(key: Key) -> tuple[int, str | int]:
    return (0, key) if isinstance(key, int) else (1, key)


def observe(t: Target, x: object) -> Model:
    """Return the canonical model of the live graph rooted at ``x``, seen through ``t``."""
    return observe_objects(t, x)[0]


def observe_objects(t: Target, x: object) -> tuple[Model, list[object], list[object]]:
    """Return the model of ``x`` and the live objects behind its node ids and Variable ids."""
    if t.classify(x) not in ("graph", "pytree"):
        raise TypeError(f"cannot observe {type(x).__name__}: the root must be a node for {t.name}")
    node_ids: dict[int, int] = {}
    var_ids: dict[int, int] = {}
    node_objs: list[object] = []  # also keeps every observed object alive so ids stay unique
    var_objs: list[object] = []
    raw_nodes: list[tuple[NodeKind, str, bool, list[tuple[Key, object]]]] = []
    variables: list[VarModel] = []

    def enter(obj: object) -> int:
        view = t.inspect(obj)
        entries = list(view.entries)
        if not view.positional:
            entries.sort(key=lambda kv: _sort_key(kv[0]))
        raw_nodes.append((view.kind, view.type_name, view.positional, entries))
        node_objs.append(obj)
        if not _is_value_node(obj):
            node_ids[id(obj)] = len(raw_nodes) - 1
        return len(raw_nodes) - 1

    slots: dict[tuple[int, int], Slot] = {}
    stack: list[tuple[int, Iterator[tuple[int, tuple[Key, object]]]]] = [
        (enter(x), iter(enumerate(raw_nodes[0][3])))
    ]
    while stack:
        parent, it = stack[-1]
        item = next(it, None)
        if item is None:
            stack.pop()
            continue
        position, (_, value) = item
        what = t.classify(value)
        if what in ("graph", "pytree"):
            known = node_ids.get(id(value))
            if known is None:
                known = enter(value)
                stack.append((known, iter(enumerate(raw_nodes[known][3]))))
            slots[parent, position] = NodeSlot(known)
        elif what == "variable":
            vid = var_ids.get(id(value))
            if vid is None:
                vid = var_ids[id(value)] = len(variables)
                variables.append(var_model(t.leaf_view(value)))
                var_objs.append(value)
            slots[parent, position] = VarSlot(vid)
        else:
            slots[parent, position] = StaticSlot(static_model(value))
    nodes = tuple(
        NodeModel(
            kind, type_name, tuple((k, slots[i, p]) for p, (k, _) in enumerate(entries)), positional
        )
        for i, (kind, type_name, positional, entries) in enumerate(raw_nodes)
    )
    return Model(nodes, tuple(variables)), node_objs, var_objs


# --- Differences -------------------------------------------------------------------------------


def _slot_kind(s: Slot) -> str:
    return {NodeSlot: "node", VarSlot: "Variable", StaticSlot: "static"}[type(s)]


def _describe_slot(m: Model, s: Slot) -> str:
    if isinstance(s, NodeSlot):
        n = m.nodes[s.id]
        return f"a {n.kind} node {n.type_name}"
    if isinstance(s, VarSlot):
        return m.variables[s.id].describe()
    return f"static {s.value.describe()}"


def _diff_node(e: NodeModel, a: NodeModel, path: Path) -> str | None:
    where = path_str(path)
    if (e.kind, e.type_name) != (a.kind, a.type_name):
        return (
            f"at {where}: expected a {e.kind} node {e.type_name}, found a {a.kind} node "
            f"{a.type_name}"
        )
    if e.keys != a.keys:
        return f"at {where}: expected keys {list(e.keys)!r}, found {list(a.keys)!r}"
    return None


def diff(expected: Model, actual: Model, *, what: str = "graph") -> str | None:
    """Return a readable description of the first difference between two models, or None.

    The walk is canonical DFS; at each path it compares kinds and type names, keys, static values,
    Variables (type, dtype, shape, value, metadata) and aliasing (which earlier path, if any, the
    same object was first reached by).
    """
    if expected == actual:
        return None
    e_first: dict[tuple[str, int], Path] = {("node", 0): ()}
    a_first: dict[tuple[str, int], Path] = {("node", 0): ()}
    pairs: list[tuple[Path, Slot, Slot]] = [((), NodeSlot(0), NodeSlot(0))]
    while pairs:
        path, es, as_ = pairs.pop(0)
        where = path_str(path)
        if type(es) is not type(as_):
            e_txt, a_txt = _describe_slot(expected, es), _describe_slot(actual, as_)
            return f"at {where}: expected {e_txt}, found {a_txt}"
        if isinstance(es, StaticSlot) and isinstance(as_, StaticSlot):
            if es.value != as_.value:
                e_txt, a_txt = es.value.describe(), as_.value.describe()
                return f"at {where}: expected static {e_txt}, found {a_txt}"
            continue
        assert isinstance(es, (NodeSlot, VarSlot)) and isinstance(
            as_, (NodeSlot, VarSlot)
        )  # sanity check
        kind = _slot_kind(es)
        e_seen = e_first.get((kind, es.id)) if path else None
        a_seen = a_first.get((kind, as_.id)) if path else None
        if e_seen is not None or a_seen is not None:
            if e_seen != a_seen:
                e_txt = (
                    f"the same object as {path_str(e_seen)}"
                    if e_seen is not None
                    else "a distinct object"
                )
                a_txt = (
                    f"the same object as {path_str(a_seen)}"
                    if a_seen is not None
                    else "a distinct object"
                )
                return f"at {where}: expected {e_txt}, found {a_txt} (aliasing differs)"
            continue
        e_first[kind, es.id] = path
        a_first[kind, as_.id] = path
        if isinstance(es, VarSlot) and isinstance(as_, VarSlot):
            ev, av = expected.variables[es.id], actual.variables[as_.id]
            if ev != av:
                return f"at {where}: expected {ev.describe()}, found {av.describe()}"
            continue
        assert isinstance(es, NodeSlot) and isinstance(as_, NodeSlot)  # sanity check
        en, an = expected.nodes[es.id], actual.nodes[as_.id]
        problem = _diff_node(en, an, path)
        if problem:
            return problem
        pairs.extend(((*path, k), s1, s2) for (k, s1), (_, s2) in zip(en.entries, an.entries))
    models = f"models: {expected!r} vs {actual!r}"
    return f"the {what}s differ in a way the path walk cannot localise ({models})"


# --- Rendering ---------------------------------------------------------------------------------


def render(m: Model) -> str:
    """Return the model as indented text; repeated objects print as ``-> <first path>``."""
    node_paths, var_paths = m.first_paths()
    root = m.root
    lines = [f"{root.type_name} ({root.kind})"]
    depth_of: dict[Path, int] = {(): 0}
    for path, slot, first in m.walk():
        indent = "  " * len(path)
        key = f"[{path[-1]!r}]" if not isinstance(path[-1], str) else path[-1]
        if isinstance(slot, NodeSlot):
            n = m.nodes[slot.id]
            text = f"{n.type_name} ({n.kind})" if first else f"-> {path_str(node_paths[slot.id])}"
            if not first and node_paths[slot.id] == path[: len(node_paths[slot.id])]:
                text += "  (cycle)"
        elif isinstance(slot, VarSlot):
            text = (
                m.variables[slot.id].describe() if first else f"-> {path_str(var_paths[slot.id])}"
            )
        else:
            text = f"= {slot.value.describe()}"
        depth_of[path] = len(path)
        lines.append(f"{indent}{key}: {text}")
    return "\n".join(lines)


def aliasing(m: Model) -> Mapping[tuple[str, int], tuple[Path, ...]]:
    """Return, for every node and Variable reached more than once, all the paths reaching it."""
    paths: dict[tuple[str, int], list[Path]] = {}
    for path, slot, _ in m.walk():
        if isinstance(slot, (NodeSlot, VarSlot)):
            paths.setdefault((_slot_kind(slot), slot.id), []).append(path)
    return {k: tuple(v) for k, v in paths.items() if len(v) > 1}
