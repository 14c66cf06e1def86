"""Blueprints: frozen, hashable, JSON-serialisable descriptions of object graphs.

A blueprint says *what* graph to build, never *how*: any Target turns it into live objects of its
own kinds (``spec.build``).  Hypothesis draws and shrinks blueprints, never live objects, so a
counterexample is cheap to shrink, printable, and durable (``to_json`` / ``from_json``).

Data model (the conventions used everywhere in nnxspec):

* ``nodes[0]`` is the root.  A node has a ``kind`` and ordered ``entries`` (key -> edge).
* An edge points to a node (``ToNode``), a Variable (``ToVar``) or holds a static value
  (``ToStatic``).  Several edges to one node or Variable are *sharing*.
* Edges to a node of larger index are *forward* edges; edges to an index <= the source's are
  *back* edges.  Back edges may only target graph kinds (``module``, ``container``), so every
  cycle passes through a mutable graph node and pytree containers form a DAG.
* A ``module`` node may carry a ``style``: a class written the way users write them
  (``spec.zoo``); the empty style is the plain blueprint module.
* Variables carry a type name, a shape, a dtype, a ``seed`` that determines their values
  (``variable_value``) and hashable metadata.
* Modern-flax inputs, drawn only for targets declaring the capability: a graph node may be built
  in *pytree mode* (``NodeSpec.pytree``: ``pytree=True`` in flax >= 0.11, so the node is also a
  JAX pytree), the graph kind ``sequential`` is an ``nnx.Sequential`` (a module; the strategies
  name its first entry ``layers``, as ``nnx.Sequential`` does), and the graph kind ``nnx_list``
  is an ``nnx.List`` (a graph node whose entries
  are its elements, keys ``0..n-1``).  Both fields default to the seed-era form, and JSON leaves
  them out then, so older vectors load and print as before.

Invariants checked by ``validate`` (each violation raises ``BlueprintError`` naming the place):
keys fit the node kind, every node is reachable from the root, indices are in range, metadata is
hashable plain data.
"""

from __future__ import annotations

import dataclasses
import json
import keyword
import math
from collections.abc import Iterator
from typing import Literal, Union

import numpy as np

from spec.model import Key as Key
from spec.model import MetaValue as MetaValue
from spec.zoo import STYLES

__all__ = [
    "DTYPES",
    "GRAPH_KINDS",
    "KINDS",
    "MODERN_KINDS",
    "PYTREE_KINDS",
    "VARIABLE_TYPES",
    "Blueprint",
    "BlueprintError",
    "Edge",
    "Entry",
    "Key",
    "MetaValue",
    "NodeSpec",
    "StaticValue",
    "ToNode",
    "ToStatic",
    "ToVar",
    "Unhashable",
    "VarSpec",
    "variable_value",
]


NodeKind = Literal[
    "module",
    "container",
    "nnx_list",
    "sequential",
    "list",
    "tuple",
    "dict",
    "none",
    "namedtuple",
    "dataclass",
]
GRAPH_KINDS: frozenset[str] = frozenset({"module", "container", "nnx_list", "sequential"})
"""Mutable, identity-tracked graph nodes: a Module subclass, a dict-like Module container and
a list-like one (``nnx.List``, drawn only for targets with ``Capability.LIST_NODES``)."""
MODERN_KINDS: frozenset[str] = frozenset({"nnx_list", "sequential"})
"""Graph kinds of modern flax only: strategies draw them for targets declaring them."""
PYTREE_KINDS: frozenset[str] = frozenset(
    {"list", "tuple", "dict", "none", "namedtuple", "dataclass"}
)
"""Pytree containers: rebuilt at every occurrence, never aliased after a round trip."""
KINDS: tuple[str, ...] = (
    "module",
    "container",
    "list",
    "tuple",
    "dict",
    "none",
    "namedtuple",
    "dataclass",
    "nnx_list",
    "sequential",
)

VARIABLE_TYPES: dict[str, tuple[str, ...]] = {
    "Variable": (),
    "Param": ("Variable",),
    "BatchStat": ("Variable",),
    "Cache": ("Variable",),
    "Intermediate": ("Variable",),
    "UserVariable": ("Param", "Variable"),
}
"""Variable type names a blueprint may use, each with its base classes (nearest first).

``UserVariable`` stands for a user-defined subclass of ``Param``; every target defines one.
"""
DTYPES: tuple[str, ...] = ("float32", "int32", "bool", "bfloat16")


class BlueprintError(ValueError):
    """An ill-formed blueprint; the message names the node / entry / Variable at fault."""


# --- Values ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Unhashable:
    """A static value that cannot be hashed; targets build it as a ``set`` of ``items``."""

    items: tuple[int, ...] = ()


StaticValue = Union[bool, int, float, str, Unhashable]


@dataclasses.dataclass(frozen=True)
class VarSpec:
    """A Variable: its type name, array shape and dtype, value seed and metadata.

    ``metadata`` is a tuple of ``(name, value)`` pairs sorted by name.
    """

    type: str = "Param"
    shape: tuple[int, ...] = ()
    dtype: str = "float32"
    seed: int = 0
    metadata: tuple[tuple[str, MetaValue], ...] = ()

    @property
    def metadata_dict(self) -> dict[str, MetaValue]:
        return dict(self.metadata)


def variable_value(v: VarSpec) -> np.ndarray:
    """Return the deterministic numpy value of ``v``: ``arange(size) + seed`` in its dtype.

    ``bool`` values are ``(arange(size) + seed) % 2 == 1``; ``bfloat16`` comes from ml_dtypes
    (a dependency of jaxlib).
    """
    size = math.prod(v.shape)
    base = np.arange(size, dtype=np.int64) + v.seed
    if v.dtype == "bool":
        flags: np.ndarray = (base % 2 == 1).reshape(v.shape)
        return flags
    if v.dtype == "bfloat16":
        import ml_dtypes

        out: np.ndarray = base.astype(np.float32).astype(ml_dtypes.bfloat16).reshape(v.shape)
        return out
    return base.astype(np.dtype(v.dtype)).reshape(v.shape)


# --- Edges and nodes ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ToNode:
    """An edge to ``nodes[index]``."""

    index: int


@dataclasses.dataclass(frozen=True)
class ToVar:
    """An edge to ``variables[index]``."""

    index: int


@dataclasses.dataclass(frozen=True)
class ToStatic:
    """A static (non-node, non-Variable) attribute value."""

    value: StaticValue


Edge = Union[ToNode, ToVar, ToStatic]
Entry = tuple[Key, Edge]


@dataclasses.dataclass(frozen=True)
class NodeSpec:
    """A node: its kind, its ordered entries, for a graph node its module mode and, for a
    ``module``, its class style.

    ``pytree`` asks for the graph node in pytree mode (flax ``pytree=True``); False is the
    seed's plain graph node (``pytree=False`` in flax >= 0.11).  ``style`` names a user-written
    class (``spec.zoo.STYLES``) of a seed-era module; ``""`` is the plain blueprint module.
    """

    kind: str
    entries: tuple[Entry, ...] = ()
    pytree: bool = False
    style: str = ""

    @property
    def is_graph(self) -> bool:
        return self.kind in GRAPH_KINDS


@dataclasses.dataclass(frozen=True)
class Blueprint:
    """A whole graph: ``nodes[0]`` is the root."""

    nodes: tuple[NodeSpec, ...]
    variables: tuple[VarSpec, ...] = ()

    def __post_init__(self) -> None:
        validate(self)

    # -- queries used by strategies, statistics and reproducers --------------------------------

    def edges(self) -> Iterator[tuple[int, Key, Edge]]:
        """Yield ``(source index, key, edge)`` for every entry."""
        for i, n in enumerate(self.nodes):
            for k, e in n.entries:
                yield i, k, e

    def in_degree(self) -> tuple[dict[int, int], dict[int, int]]:
        """Return the number of edges into each node and into each Variable."""
        nodes: dict[int, int] = {}
        variables: dict[int, int] = {}
        for _, _, e in self.edges():
            if isinstance(e, ToNode):
                nodes[e.index] = nodes.get(e.index, 0) + 1
            elif isinstance(e, ToVar):
                variables[e.index] = variables.get(e.index, 0) + 1
        return nodes, variables

    @property
    def has_shared_variable(self) -> bool:
        return any(c > 1 for c in self.in_degree()[1].values())

    @property
    def has_shared_graph_node(self) -> bool:
        counts = self.in_degree()[0]
        return any(c > 1 for i, c in counts.items() if self.nodes[i].is_graph)

    @property
    def has_cycle(self) -> bool:
        return any(isinstance(e, ToNode) and e.index <= i for i, _, e in self.edges())

    @property
    def has_pytree_container(self) -> bool:
        return any(n.kind in PYTREE_KINDS for n in self.nodes)

    def depth(self) -> int:
        """Return the length of the longest forward-edge path from the root (iteratively)."""
        best = [0] * len(self.nodes)
        for i in range(len(self.nodes) - 1, -1, -1):
            for _, e in self.nodes[i].entries:
                if isinstance(e, ToNode) and e.index > i:
                    best[i] = max(best[i], best[e.index] + 1)
        return best[0] if self.nodes else 0

    # -- JSON: the durable counterexample format -----------------------------------------------

    def to_json(self, *, indent: int | None = None) -> str:
        """Return a JSON text from which ``from_json`` rebuilds an equal blueprint."""
        return json.dumps(to_data(self), indent=indent, sort_keys=True)

    @staticmethod
    def from_json(text: str) -> Blueprint:
        """Rebuild a blueprint from ``to_json``'s output."""
        return from_data(json.loads(text))


# --- Validation --------------------------------------------------------------------------------

_IDENT_KINDS = ("module", "container", "namedtuple", "dataclass", "sequential")


def _check(cond: bool, where: str, message: str) -> None:
    if not cond:
        raise BlueprintError(f"invalid blueprint: {message} at {where}")


def _check_keys(i: int, n: NodeSpec) -> None:
    where = f"nodes[{i}]"
    keys = [k for k, _ in n.entries]
    _check(len(set(keys)) == len(keys), where, f"duplicate keys {keys!r}")
    if n.kind in _IDENT_KINDS:
        for k in keys:
            _check(
                isinstance(k, str)
                and k.isidentifier()
                and not keyword.iskeyword(k)
                and not k.startswith("_"),
                where,
                f"{n.kind} keys must be public identifiers, found {k!r}",
            )
    elif n.kind in ("list", "tuple", "nnx_list"):
        _check(
            keys == list(range(len(keys))), where, f"{n.kind} keys must be 0..n-1, found {keys!r}"
        )
    elif n.kind == "dict":
        kinds = {type(k) for k in keys}
        _check(
            kinds <= {str} or kinds <= {int},
            where,
            f"dict keys must be all str or all int, found {keys!r}",
        )
        _check(
            all(type(k) in (str, int) for k in keys),
            where,
            f"dict keys must be str or int, found {keys!r}",
        )
    elif n.kind == "none":
        _check(not keys, where, "a 'none' node has no entries")
    else:
        _check(False, where, f"unknown node kind {n.kind!r}; expected one of {KINDS}")
    if n.style:
        _check(
            n.kind == "module",
            where,
            f"only a module has a style, found style {n.style!r} on a {n.kind!r}",
        )
        _check(not n.pytree, where, f"a pytree-mode module has no style, found style {n.style!r}")
        _check(n.style in STYLES, where, f"unknown style {n.style!r}; expected one of {STYLES}")


def _check_meta(value: object, where: str) -> None:
    if isinstance(value, tuple):
        for item in value:
            _check_meta(item, where)
        return
    _check(
        value is None or type(value) in (bool, int, float, str),
        where,
        f"metadata values must be None, bool, int, float, str or tuples of them, found {value!r}",
    )
    if isinstance(value, float):
        _check(math.isfinite(value), where, f"metadata floats must be finite, found {value!r}")


def _check_variable(j: int, v: VarSpec) -> None:
    where = f"variables[{j}]"
    _check(
        v.type in VARIABLE_TYPES,
        where,
        f"unknown Variable type {v.type!r}; expected one of {tuple(VARIABLE_TYPES)}",
    )
    _check(v.dtype in DTYPES, where, f"unknown dtype {v.dtype!r}; expected one of {DTYPES}")
    _check(all(isinstance(d, int) and d >= 0 for d in v.shape), where, f"bad shape {v.shape!r}")
    names = [name for name, _ in v.metadata]
    _check(
        names == sorted(set(names)),
        where,
        f"metadata names must be unique and sorted, found {names!r}",
    )
    for name, value in v.metadata:
        _check(
            name.isidentifier() and not name.startswith("_") and name not in RESERVED_METADATA,
            where,
            f"metadata name {name!r} is reserved or not an identifier",
        )
        _check_meta(value, f"{where}.metadata[{name!r}]")


RESERVED_METADATA: frozenset[str] = frozenset(
    {
        "value",
        "raw_value",
        "type",
        "var_type",
        "sharding",
        "mutable",
        "hijax",
        "ref",
        "eager_sharding",
        "get_value",
        "set_value",
        "create_value",
        "add_axis",
        "remove_axis",
        "on_get_value",
        "on_set_value",
        "on_create_value",
        "on_add_axis",
        "on_remove_axis",
        "copy",
        "replace",
        "shape",
        "dtype",
        "metadata",
    }
)
"""Metadata names a blueprint may not use: they mean something to Variable classes."""


def _check_edge(i: int, key: Key, e: Edge, bp: Blueprint) -> None:
    where = f"nodes[{i}][{key!r}]"
    if isinstance(e, ToNode):
        _check(0 <= e.index < len(bp.nodes), where, f"node index {e.index} out of range")
        if e.index <= i:
            _check(
                bp.nodes[e.index].is_graph,
                where,
                f"back edge to nodes[{e.index}] of kind {bp.nodes[e.index].kind!r}; back "
                "edges must target graph nodes",
            )
    elif isinstance(e, ToVar):
        _check(0 <= e.index < len(bp.variables), where, f"Variable index {e.index} out of range")
    elif isinstance(e, ToStatic):
        value = e.value
        ok = (
            isinstance(value, Unhashable)
            or type(value) in (bool, int, str)
            or (type(value) is float and math.isfinite(value))
        )
        _check(
            ok,
            where,
            f"static values must be bool, int, finite float, str or Unhashable, found {value!r}",
        )


def validate(bp: Blueprint) -> None:
    """Check every invariant of the module docstring; raise ``BlueprintError`` otherwise."""
    _check(len(bp.nodes) > 0, "nodes", "a blueprint needs at least a root node")
    for i, n in enumerate(bp.nodes):
        _check_keys(i, n)
        _check(
            not n.pytree or n.is_graph,
            f"nodes[{i}]",
            f"only graph nodes have a pytree mode, not {n.kind!r}",
        )
        for k, e in n.entries:
            _check_edge(i, k, e, bp)
    for j, v in enumerate(bp.variables):
        _check_variable(j, v)
    seen = {0}
    stack = [0]
    while stack:
        for _, e in bp.nodes[stack.pop()].entries:
            if isinstance(e, ToNode) and e.index not in seen:
                seen.add(e.index)
                stack.append(e.index)
    unreachable = sorted(set(range(len(bp.nodes))) - seen)
    _check(not unreachable, "nodes", f"nodes {unreachable} are not reachable from the root")
    used = {e.index for _, _, e in bp.edges() if isinstance(e, ToVar)}
    unused = sorted(set(range(len(bp.variables))) - used)
    _check(not unused, "variables", f"variables {unused} are not referenced by any entry")


# --- JSON encoding -----------------------------------------------------------------------------

JSON = Union[None, bool, int, float, str, list["JSON"], dict[str, "JSON"]]


def _edge_to_data(e: Edge) -> JSON:
    if isinstance(e, ToNode):
        return {"node": e.index}
    if isinstance(e, ToVar):
        return {"var": e.index}
    if isinstance(e.value, Unhashable):
        return {"unhashable": list(e.value.items)}
    return {"static": e.value}


def _edge_from_data(d: JSON) -> Edge:
    if not isinstance(d, dict) or len(d) != 1:
        raise BlueprintError(
            f"invalid blueprint JSON: an edge must be a one-key object, found {d!r}"
        )
    ((tag, value),) = d.items()
    if tag == "node" and isinstance(value, int):
        return ToNode(value)
    if tag == "var" and isinstance(value, int):
        return ToVar(value)
    if tag == "unhashable" and isinstance(value, list):
        return ToStatic(Unhashable(tuple(int(x) for x in value if isinstance(x, int))))
    if tag == "static" and isinstance(value, (bool, int, float, str)):
        return ToStatic(value)
    raise BlueprintError(f"invalid blueprint JSON: unknown edge {d!r}")


def _meta_to_data(value: MetaValue) -> JSON:
    if isinstance(value, tuple):
        return {"tuple": [_meta_to_data(x) for x in value]}
    return value


def _meta_from_data(d: JSON) -> MetaValue:
    if isinstance(d, dict):
        items = d.get("tuple")
        if not isinstance(items, list):
            raise BlueprintError(f"invalid blueprint JSON: bad metadata value {d!r}")
        return tuple(_meta_from_data(x) for x in items)
    if isinstance(d, list):
        raise BlueprintError(f"invalid blueprint JSON: bad metadata value {d!r}")
    return d


def to_data(bp: Blueprint) -> dict[str, JSON]:
    """Return ``bp`` as plain JSON data."""
    return {
        "nodes": [_node_to_data(n) for n in bp.nodes],
        "variables": [
            {
                "type": v.type,
                "shape": list(v.shape),
                "dtype": v.dtype,
                "seed": v.seed,
                "metadata": [[name, _meta_to_data(value)] for name, value in v.metadata],
            }
            for v in bp.variables
        ],
    }


def _node_to_data(n: NodeSpec) -> dict[str, JSON]:
    data: dict[str, JSON] = {
        "kind": n.kind,
        "entries": [[k, _edge_to_data(e)] for k, e in n.entries],
    }
    if n.style:  # written only when set, so plain blueprints keep their JSON
        data["style"] = n.style
    if n.pytree:  # written only when set, so seed-era vectors keep their JSON
        data["pytree"] = True
    return data


def _as_list(d: JSON, what: str) -> list[JSON]:
    if not isinstance(d, list):
        raise BlueprintError(f"invalid blueprint JSON: {what} must be a list, found {d!r}")
    return d


def _as_dict(d: JSON, what: str) -> dict[str, JSON]:
    if not isinstance(d, dict):
        raise BlueprintError(f"invalid blueprint JSON: {what} must be an object, found {d!r}")
    return d


def _entry_from_data(d: JSON) -> Entry:
    pair = _as_list(d, "an entry")
    key = pair[0] if len(pair) == 2 else None
    if not isinstance(key, (str, int)) or isinstance(key, bool):
        raise BlueprintError(f"invalid blueprint JSON: an entry must be [key, edge], found {d!r}")
    return key, _edge_from_data(pair[1])


def _var_from_data(d: JSON) -> VarSpec:
    obj = _as_dict(d, "a variable")
    meta = []
    for item in _as_list(obj.get("metadata", []), "metadata"):
        name, value = _as_list(item, "a metadata item")
        meta.append((str(name), _meta_from_data(value)))
    dims = _as_list(obj.get("shape", []), "shape")
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in dims):
        raise BlueprintError(
            f"invalid blueprint JSON: a variable's shape must be a list of sizes, found {dims!r}"
        )
    seed = obj.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise BlueprintError(
            f"invalid blueprint JSON: a variable's seed must be an integer, found {seed!r}"
        )
    return VarSpec(
        type=str(obj.get("type")),
        shape=tuple(int(s) for s in dims if isinstance(s, int)),
        dtype=str(obj.get("dtype")),
        seed=seed,
        metadata=tuple(meta),
    )


def from_data(d: JSON) -> Blueprint:
    """Rebuild a blueprint from ``to_data``'s output (validating it)."""
    obj = _as_dict(d, "a blueprint")
    nodes = []
    for nd in _as_list(obj.get("nodes"), "nodes"):
        node = _as_dict(nd, "a node")
        entries = tuple(_entry_from_data(e) for e in _as_list(node.get("entries", []), "entries"))
        nodes.append(
            NodeSpec(
                kind=str(node.get("kind")),
                entries=entries,
                pytree=node.get("pytree") is True,
                style=str(node.get("style", "")),
            )
        )
    variables = tuple(_var_from_data(v) for v in _as_list(obj.get("variables", []), "variables"))
    return Blueprint(nodes=tuple(nodes), variables=variables)
