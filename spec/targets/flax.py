"""The ``flax`` target: the installed ``flax.nnx`` release, driven through the seed-shaped adapter.

flax is imported lazily (when ``FlaxTarget()`` is constructed) and is never a dependency of
nnxspec.  Everything that differs between flax releases is declared in one place, ``CHANGES``: a
table of the releases that changed something the suite can see, each entry giving the capabilities
gained or lost (the semantic variants the laws are scoped by, see ``spec.target.Capability``) and
the adapter's behaviour switches (how the API is spelled).  ``profile_for(version)`` folds the
table up to a version; nothing else in this module looks at version numbers.

Genuine divergences from the spec (positional merge, the depth ceiling, non-atomic update and
pop, ...) are deliberately *not* capabilities: the laws must fail on them.  Each is triaged, with
its committed vector, in ``spec/targets/expectations/flax-<version>.toml``.

What the adapter does per release (``Behaviour``): ``Node`` / ``Dict`` classes defined with
``pytree=False`` (0.11+; 0.12's ``nnx.Dict`` is replaced by a ``pytree=False`` subclass, 0.11 has
none, so blueprint containers are n/a there); Variable values through ``get_value`` /
``set_value`` (0.12, where ``.value`` warns); state leaves built as ``VariableState`` (0.10) or
Variables (0.11+) and States through ``from_flat_state``; the fixed Variable metadata
``hijax`` / ``ref`` / ``eager_sharding`` and the ``_pytree__*`` bookkeeping filtered out; the
nested (0.10) or flat (0.10.6+) GraphDef turned into the canonical token stream; and on 0.11+,
where ``UpdateContext.split`` / ``.merge`` are gone, the four protocol steps run through
``split_context(tag)`` / ``merge_context(tag, inner)``.

Every row of ``CHANGES`` was checked against the source of the release it names and of the one
before it (0.10.2 - 0.10.5, 0.10.7, 0.11.1, 0.12.1 - 0.12.5 read from their wheels); the releases
in ``VERIFIED`` were also run.

The adapter tests flax's *default* behaviour: ``merge`` is called without ``copy=``, ``clone``
without ``variables=`` / ``arrays=``.  On flax >= 0.12.5 graph mode and graph updates are pinned on
(``flax.config``) when the target is constructed, so a future default flip cannot change results.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import re
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from types import ModuleType
from typing import Any, Literal, cast

import numpy as np

from spec.blueprint import Key
from spec.errors import NotApplicable
from spec.semantics import MODULE_TYPE_NAME
from spec.target import Capability, LeafView, NodeView, Path, TargetError, Token
from spec.targets._nnx import (
    NNXTarget,
    _jnp_array,
    _metadata,
    nested_nodedef_tokens,
)

__all__ = [
    "CHANGES",
    "VERIFIED",
    "Behaviour",
    "Change",
    "FlaxTarget",
    "Profile",
    "flat_graphdef_tokens",
    "nested_pairs_graphdef_tokens",
    "parse_version",
    "profile_for",
    "split_fields_graphdef_tokens",
]

Version = tuple[int, int, int]

_INTERNAL_PREFIXES = ("_object__", "_pytree__", "_graph_node__")
"""Prefixes of the bookkeeping attributes flax keeps in modules (``_pytree__state``, ...), filtered
from graphdefs as the seed-shaped adapter filters them from introspection and iter_graph."""


def parse_version(text: str) -> Version:
    """Return the ``(major, minor, patch)`` of a version string such as ``0.12.8`` or
    ``0.13.0.dev1``."""
    parts = [int(p) for p in re.findall(r"\d+", text.split("+")[0])[:3]]
    while len(parts) < 3:
        parts.append(0)
    return parts[0], parts[1], parts[2]


# --- The version table ---------------------------------------------------------------------------


_HOOK_METADATA = frozenset(
    {
        "set_value_hooks",
        "get_value_hooks",
        "create_value_hooks",
        "add_axis_hooks",
        "remove_axis_hooks",
    }
)
"""The hook tuples every Variable of flax 0.10.0 - 0.10.2 lists in ``get_metadata()`` (empty by
default)."""


@dataclasses.dataclass(frozen=True)
class Behaviour:
    """How the adapter spells the API of one flax release (switches, not semantics).

    The defaults are flax 0.10.0's, the oldest release the table covers."""

    graphdef_encoding: Literal["split-fields", "nested", "nested-pairs", "flat"] = "split-fields"
    """How a GraphDef is encoded: ``NodeDef(attributes=keys, subgraphs, static_fields, leaves)``
    (0.10.0 - 0.10.2), nested NodeDefs with attribute classes (0.10.3), nested NodeDefs with
    ``(key, NodeDef | VariableDef | NodeRef | Static | ArrayAttr)`` pairs (0.10.4 - 0.10.5), or the
    flat ``(nodes, attributes, num_leaves)`` encoding (0.10.6+)."""
    graph_module: str = "flax.nnx.graph"
    """The module holding NodeDef / NodeRef / VariableDef / is_graph_node / is_node."""
    pytree_keyword: bool = False
    """Module classes take ``pytree=``; blueprint classes are defined with ``pytree=False``."""
    state_leaves: Literal["VariableState", "Variable"] = "VariableState"
    """What split / state return as leaves, and what the adapter builds for ``make_state``."""
    state_functions: bool = False
    """Build States with ``nnx.from_flat_state`` (``State.from_flat_path`` warns from 0.11)."""
    accessors: Literal["value", "get_value"] = "value"
    """Read / write Variable values with ``.value`` or with ``get_value()`` / ``set_value()``
    (``.value`` raises a DeprecationWarning on 0.12)."""
    required_metadata: frozenset[str] = _HOOK_METADATA
    """Metadata keys flax adds to every Variable (stripped from leaves and VariableDefs)."""
    container: Literal["native", "pytree-false-subclass", "absent"] = "native"
    """The blueprint ``container`` kind: ``nnx.Dict`` itself, a ``pytree=False`` subclass of it
    (0.12's ``nnx.Dict`` is a pytree=True module that rejects plain lists of Variables), or none."""
    context_methods: bool = True
    """``UpdateContext.split`` / ``.merge`` exist; else the protocol runs through
    ``split_context(tag)`` / ``merge_context(tag, inner)``."""
    merge_context_args: Literal["tag", "inner-tag", "tag-inner"] = "tag"
    """``merge_context``'s signature: ``(tag)`` (0.10.0 - 0.10.3), ``(inner, tag)`` (0.10.4 -
    0.10.5) or ``(tag, inner)`` (0.10.6+)."""
    graph_mode_flags: bool = False
    """``flax.config`` has ``nnx_graph_mode`` / ``nnx_graph_updates``; both are pinned on."""

    @property
    def flat_graphdef(self) -> bool:
        """GraphDef is the flat ``(nodes, attributes, num_leaves)`` encoding."""
        return self.graphdef_encoding == "flat"

    @property
    def merge_context_inner(self) -> bool:
        """``merge_context`` takes ``inner`` after the tag."""
        return self.merge_context_args == "tag-inner"


@dataclasses.dataclass(frozen=True)
class Change:
    """One flax release's visible changes: capabilities gained / lost, switches set."""

    since: Version
    what: str
    gain: frozenset[str] = frozenset()
    lose: frozenset[str] = frozenset()
    switches: tuple[tuple[str, object], ...] = ()


BASE_CAPABILITIES: frozenset[str] = (
    NNXTarget.capabilities - {Capability.NESTED_NODEDEF, Capability.AXIS_METADATA_HOOKS}
) | {Capability.SEQUENTIAL_NODES}
"""flax 0.10.0 provides everything the seed-shaped adapter declares but the seed's nested
``NodeDef`` (0.10.3 only) and its axis metadata hooks, and ``nnx.Sequential`` (helpers.py,
exported from flax.nnx since the 0.10.0 source)."""

CHANGES: tuple[Change, ...] = (
    Change(
        (0, 10, 3),
        "nested NodeDef with attribute classes (217f5ba5, the seed); Variable metadata "
        "without the hook tuples (add_axis calls the on_add_axis metadata hook)",
        gain=frozenset({Capability.NESTED_NODEDEF, Capability.AXIS_METADATA_HOOKS}),
        switches=(("graphdef_encoding", "nested"), ("required_metadata", frozenset())),
    ),
    Change(
        (0, 10, 4),
        "NodeDef attributes as (key, value) pairs with outer_index (PR #4469); generic "
        "pytree children flattened in sorted key order; merge_context(inner, tag)",
        gain=frozenset({Capability.PYTREE_CHILDREN_SORTED}),
        lose=frozenset({Capability.NESTED_NODEDEF}),
        switches=(("graphdef_encoding", "nested-pairs"), ("merge_context_args", "inner-tag")),
    ),
    Change(
        (0, 10, 4),
        "cached_partial and to_flat_state / FlatState exported from flax.nnx (PR #4469; "
        "checked in the 0.10.4 source)",
        gain=frozenset({Capability.CACHED_PARTIAL, Capability.FLAT_STATE}),
    ),
    Change(
        (0, 10, 4),
        "Variable drops __eq__: Variables compare (and hash) by identity (variablelib.py in the"
        " 0.10.4 source; 0.12.8 and later compare their values elementwise, whatever the types)",
        lose=frozenset({Capability.VARIABLE_DATA_EQUALITY}),
    ),
    Change(
        (0, 10, 5),
        "raw array attributes are state leaves, no longer an error (PR #4612)",
        gain=frozenset({Capability.ARRAY_ATTRIBUTES_ARE_LEAVES}),
        lose=frozenset({Capability.ARRAY_ATTRIBUTES_ARE_ERRORS}),
    ),
    Change(
        (0, 10, 6),
        "flat GraphDef encoding (PR #4630); UpdateContext.split/merge removed, "
        "merge_context(tag, inner)",
        lose=frozenset({Capability.UPDATE_CONTEXT_METHODS}),
        switches=(
            ("graphdef_encoding", "flat"),
            ("context_methods", False),
            ("merge_context_args", "tag-inner"),
        ),
    ),
    Change(
        (0, 10, 7),
        "Module(pytree=...) keyword (default False until 0.11.0)",
        switches=(("pytree_keyword", True),),
    ),
    Change(
        (0, 11, 0),
        "VariableState removed: split/state/pop return the live Variables (PR #4800); "
        "Modules are pytrees by default (flax_pytree_module); no nnx.Dict",
        gain=frozenset({Capability.STATE_LEAVES_ARE_LIVE}),
        lose=frozenset({Capability.STATE_LEAVES_ARE_COPIES}),
        switches=(("state_leaves", "Variable"), ("state_functions", True), ("container", "absent")),
    ),
    Change(
        (0, 11, 0),
        "both module modes can be built: Module(pytree=True/False) with nnx.data for data "
        "attributes (object.py in the 0.11.0 source; 0.10.7's pytree= has no nnx.data)",
        gain=frozenset({Capability.PYTREE_MODULES}),
    ),
    Change(
        (0, 11, 1),
        "update and pop work on plain dicts (b5f67688): dict containers are mutable",
        gain=frozenset({Capability.PYTREE_DICTS_ARE_MUTABLE}),
        lose=frozenset({Capability.PYTREE_CONTAINERS_ARE_IMMUTABLE}),
    ),
    Change(
        (0, 11, 2),
        "merge reuses the state's Variables by default (copy=False, PR #4912)",
        gain=frozenset({Capability.MERGE_REUSES_VARIABLES}),
        lose=frozenset({Capability.MERGE_COPIES_VARIABLES}),
    ),
    Change(
        (0, 12, 0),
        "nnx.Dict returns, as a pytree=True module (PR #4897)",
        switches=(("container", "pytree-false-subclass"),),
    ),
    Change(
        (0, 12, 0),
        "nnx.List: a pytree=True Module with int element keys (helpers.py in the 0.12.0 source)",
        gain=frozenset({Capability.LIST_NODES}),
    ),
    Change(
        (0, 12, 0),
        "in-place operators on Variables (v += 1) raise NotImplementedError (checked by running"
        " 0.12.0, 0.12.8 and 0.12.12)",
        lose=frozenset({Capability.VARIABLE_INPLACE_OPERATORS}),
    ),
    Change(
        (0, 12, 1),
        "Variable refactor: get_value()/set_value(), fixed metadata "
        "is_hijax/has_ref/is_mutable/eager_sharding",
        switches=(
            ("accessors", "get_value"),
            (
                "required_metadata",
                frozenset({"is_hijax", "has_ref", "is_mutable", "eager_sharding"}),
            ),
        ),
    ),
    Change(
        (0, 12, 3),
        "fixed Variable metadata renamed hijax/ref/mutable/eager_sharding",
        switches=(("required_metadata", frozenset({"hijax", "ref", "mutable", "eager_sharding"})),),
    ),
    Change(
        (0, 12, 5),
        "graph.py renamed graphlib.py; graph mode / graph updates flags (pinned on); "
        "Variable.mutable removed from the fixed metadata",
        switches=(
            ("graph_module", "flax.nnx.graphlib"),
            ("graph_mode_flags", True),
            ("required_metadata", frozenset({"hijax", "ref", "eager_sharding"})),
        ),
    ),
)
"""Every flax release after 0.10.0 that changed something the suite sees, oldest first; each entry
checked against that release's own source (``flax/nnx/graph.py`` / ``graphlib.py``,
``variablelib.py``, ``__init__.py``).  flax 0.12.5 - 0.12.12 share one graphlib."""

VERIFIED: tuple[Version, ...] = (
    (0, 10, 0),
    (0, 10, 3),
    (0, 10, 6),
    (0, 11, 0),
    (0, 11, 2),
    (0, 12, 0),
    (0, 12, 8),
    (0, 12, 12),
)
"""The releases this table was checked against by running the suite (the others by reading their
source)."""


@dataclasses.dataclass(frozen=True)
class Profile:
    """What the table says about one flax version."""

    version: Version
    capabilities: frozenset[str]
    behaviour: Behaviour
    changes: tuple[Change, ...]


def profile_for(version: Version) -> Profile:
    """Return the capabilities and behaviour switches of flax ``version`` (see ``CHANGES``)."""
    caps = set(BASE_CAPABILITIES)
    switches: dict[str, object] = {}
    applied = []
    for change in CHANGES:
        if change.since <= version:
            caps -= change.lose
            caps |= change.gain
            switches.update(change.switches)
            applied.append(change)
    return Profile(version, frozenset(caps), Behaviour(**switches), tuple(applied))  # type: ignore[arg-type]


# --- Classes built per flax namespace ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Classes:
    node: type
    user_variable: type
    container: type | None
    pytree_node: type | None = None
    """``Node`` in pytree mode (``pytree=True``, 0.11+)."""
    list_node: type | None = None
    """Blueprint ``nnx_list`` nodes: a ``pytree=False`` subclass of ``nnx.List`` (0.12+)."""
    sequential: type | None = None
    """Blueprint ``sequential`` nodes: ``nnx.Sequential``, a ``pytree=False`` subclass of it
    where Modules have both modes (0.11+)."""


def _new_class(
    name: str,
    base: type,
    namespace: dict[str, object],
    pytree_false: bool,
    pytree_true: bool = False,
) -> type:
    kwds: dict[str, object] = (
        {"pytree": False} if pytree_false else {"pytree": True} if pytree_true else {}
    )

    def body(ns: dict[str, object]) -> None:
        ns.update(namespace)
        ns["__module__"] = __name__
        ns["__qualname__"] = name

    return types.new_class(name, (base,), kwds, body)


@functools.cache
def _classes_for(nnx: ModuleType, b: Behaviour) -> _Classes:
    """Return the blueprint classes for one flax namespace (cached, so equal blueprints give
    equal types and equal graphdefs)."""
    get, put = _accessors(nnx, b)

    def bump(self: Any) -> int:
        """Add one to every Variable held directly (logical not for booleans); return how many."""
        from spec.program import TRANSFORMS

        count = 0
        for value in list(vars(self).values()):
            if isinstance(value, nnx.Variable):
                put(value, TRANSFORMS["add_one"](get(value)))  # type: ignore[arg-type]
                count += 1
        return count

    node = _new_class(MODULE_TYPE_NAME, nnx.Module, {"bump": bump}, b.pytree_keyword)
    user_variable = _new_class("UserVariable", nnx.Param, {}, False)
    container: type | None
    if b.container == "native":
        container = cast(type, nnx.Dict)
    elif b.container == "pytree-false-subclass":
        container = _new_class("Dict", nnx.Dict, {}, True)
    else:
        container = None
    both_modes = b.pytree_keyword and hasattr(nnx, "data")  # 0.11+: pytree= with nnx.data
    pytree_node = (
        _new_class(MODULE_TYPE_NAME, nnx.Module, {"bump": bump}, False, True)
        if both_modes
        else None
    )
    native_list = getattr(nnx, "List", None)
    list_node = (
        _new_class("List", native_list, {}, True)
        if native_list is not None and both_modes
        else None
    )
    sequential = (
        _new_class("Sequential", nnx.Sequential, {}, True)
        if both_modes
        else cast(type, nnx.Sequential)
    )
    return _Classes(node, user_variable, container, pytree_node, list_node, sequential)


def _accessors(
    nnx: ModuleType, b: Behaviour
) -> tuple[Callable[[Any], object], Callable[[Any, object], None]]:
    if b.accessors == "get_value":

        def get(v: Any) -> object:
            return v.get_value()

        def put(v: Any, value: object) -> None:
            v.set_value(value)
    else:

        def get(v: Any) -> object:
            return v.value

        def put(v: Any, value: object) -> None:
            v.value = value

    return get, put


# --- The flat GraphDef encoding ------------------------------------------------------------------


def _real_type_name(nodedef: Any) -> str:
    t = nodedef.type
    if t.__name__ == "GenericPytree":
        treedef = getattr(nodedef.metadata, "treedef", nodedef.metadata)
        node_data = treedef.node_data() if hasattr(treedef, "node_data") else None
        if node_data is not None:
            return str(node_data[0].__name__)
    return str(t.__name__)


def flat_graphdef_tokens(
    g: ModuleType, graphdef: Any, required: frozenset[str] = frozenset()
) -> tuple[Token, ...]:
    """Return the canonical tokens (``spec.semantics.flatten``) of a flat flax GraphDef.

    ``g`` is flax's graph module.  Attributes are interleaved in pre-order: a NodeDef owns the
    next ``num_attributes`` entries of ``graphdef.attributes``, and each ``NodeAttr`` takes the
    next entry of ``graphdef.nodes``.  flax's bookkeeping attributes (``_pytree__*``, and an
    ``nnx.List``'s ``_length``) and their subtrees are consumed but not emitted; ``required``
    metadata keys are dropped.  A node with an index is a graph node; pytree nodes (index None) get
    index -1.  A raw-array attribute gives an ``("array", key)`` token, which the spec's grammar
    does not have (blueprints never build one). Iterative, so deep graphdefs cost no recursion.
    """
    from spec.model import static_model

    nodes = graphdef.nodes
    attributes = graphdef.attributes
    var_indices = {n.index for n in nodes if isinstance(n, g.VariableDef)}
    leaf_attr = tuple(
        getattr(g, n) for n in ("LeafAttr", "ArrayAttr", "MutableArrayAttr") if hasattr(g, n)
    )
    out: list[Token] = []
    root = nodes[0]
    if isinstance(root, g.NodeRef):
        return (("ref", int(root.index)),)
    if isinstance(root, g.VariableDef):
        return (
            (
                "variable",
                None,
                root.type.__name__,
                int(root.index),
                _metadata_without(root.metadata, required),
            ),
        )

    # frame: [placeholder position or -1, nodedef, attributes left, kept count]
    def open_node(nd: Any, emit: bool) -> list[Any]:
        pos = -1
        if emit:
            pos = len(out)
            out.append(("?",))
        return [pos, nd, int(nd.num_attributes), 0]

    next_node = 1
    next_attr = 0
    stack = [open_node(root, True)]
    while stack:
        frame = stack[-1]
        pos, nd, left, kept = frame
        if left == 0:
            stack.pop()
            if pos >= 0:
                is_graph = nd.index is not None
                out[pos] = (
                    "node",
                    "graph" if is_graph else "pytree",
                    _real_type_name(nd),
                    int(nd.index) if is_graph else -1,
                    kept,
                )
            continue
        frame[2] = left - 1
        key, attr = attributes[next_attr]
        next_attr += 1
        keep = (
            pos >= 0
            and not (isinstance(key, str) and key.startswith(_INTERNAL_PREFIXES))
            and not (key == "_length" and _is_flax_list(nd.type))
        )
        if keep:
            frame[3] = kept + 1
        if isinstance(attr, g.Static):
            if keep:
                s = static_model(attr.value)
                out.append(("static", key, s.type_name, s.text))
        elif leaf_attr and isinstance(attr, leaf_attr):
            if keep:
                out.append(("array", key))
        elif isinstance(attr, g.NodeAttr):
            child = nodes[next_node]
            next_node += 1
            if isinstance(child, g.NodeRef):
                if keep:
                    if child.index in var_indices:
                        out.append(("varref", key, int(child.index)))
                    else:
                        out += [("subgraph", key), ("ref", int(child.index))]
            elif isinstance(child, g.VariableDef):
                if keep:
                    out.append(
                        (
                            "variable",
                            key,
                            child.type.__name__,
                            int(child.index),
                            _metadata_without(child.metadata, required),
                        )
                    )
            elif isinstance(child, g.NodeDef):
                if keep:
                    out.append(("subgraph", key))
                stack.append(open_node(child, keep))
            elif keep:
                out.append(("unknown", key, type(child).__name__))
        else:
            raise TypeError(f"unknown GraphDef attribute {attr!r} at key {key!r}")
    return tuple(out)


def _is_flax_list(t: object) -> bool:
    """Whether a NodeDef's type is ``nnx.List`` or a subclass (its ``_length`` is bookkeeping)."""
    return isinstance(t, type) and any(
        c.__name__ == "List" and c.__module__.startswith("flax.nnx") for c in t.__mro__
    )


def _is_graph_type(nnx: ModuleType, t: object) -> bool:
    return isinstance(t, type) and issubclass(t, nnx.Object)


def _nested_type_name(nodedef: Any) -> str:
    t = nodedef.type
    if t.__name__ in ("GenericPytree", "PytreeType"):
        treedef = getattr(nodedef.metadata, "treedef", nodedef.metadata)
        node_data = treedef.node_data() if hasattr(treedef, "node_data") else None
        if node_data is not None:
            return str(node_data[0].__name__)
    return str(t.__name__)


def split_fields_graphdef_tokens(
    nnx: ModuleType, g: ModuleType, graphdef: Any, required: frozenset[str] = frozenset()
) -> tuple[Token, ...]:
    """Return the canonical tokens of a flax 0.10.0 - 0.10.2 GraphDef.

    A ``NodeDef`` there lists its attribute keys in order and keeps the values in three mappings:
    ``subgraphs`` (NodeDef / NodeRef), ``static_fields`` and ``leaves``.  A leaf is a
    ``VariableDef`` with the Variable's metadata (0.10.2) or a ``NodeRef`` (0.10.0 - 0.10.1, whose
    GraphDef carries no Variable metadata, so its token has none); a repeat of a Variable is a
    ``NodeRef`` to an index met earlier in pre-order.  Iterative.
    """
    from spec.model import static_model

    seen_variables: set[int] = set()
    out: list[Token] = []
    stack: list[Any] = [graphdef]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple) and item and item[0] == "?leaf":
            _, key, ref = item
            if isinstance(ref, g.NodeRef) and int(ref.index) in seen_variables:
                out.append(("varref", key, int(ref.index)))
            elif ref is None:
                out.append(("unknown", key, "VariableState"))
            else:
                seen_variables.add(int(ref.index))
                meta = _metadata_without(getattr(ref, "metadata", None), required)
                out.append(("variable", key, ref.type.__name__, int(ref.index), meta))
            continue
        if isinstance(item, tuple):
            out.append(item)
            continue
        if isinstance(item, g.NodeRef):
            out.append(("ref", int(item.index)))
            continue
        kind = "graph" if _is_graph_type(nnx, item.type) else "pytree"
        out.append(("node", kind, _nested_type_name(item), int(item.index), len(item.attributes)))
        pending: list[Any] = []
        for key in item.attributes:
            if key in item.subgraphs:
                pending += [("subgraph", key), item.subgraphs[key]]
            elif key in item.static_fields:
                s = static_model(item.static_fields[key])
                pending.append(("static", key, s.type_name, s.text))
            else:
                pending.append(("?leaf", key, item.leaves.get(key)))
        stack.extend(reversed(pending))
    return tuple(out)


def nested_pairs_graphdef_tokens(
    nnx: ModuleType, g: ModuleType, graphdef: Any, required: frozenset[str] = frozenset()
) -> tuple[Token, ...]:
    """Return the canonical tokens of a flax 0.10.4 - 0.10.5 GraphDef: nested ``NodeDef``s whose
    ``attributes`` are ``(key, NodeDef | VariableDef | NodeRef | Static | ArrayAttr)`` pairs (a
    ``NodeRef``'s type tells a repeated Variable from a repeated node).  Iterative."""
    from spec.model import static_model

    out: list[Token] = []
    root = graphdef
    if isinstance(root, g.VariableDef):
        return (
            (
                "variable",
                None,
                root.type.__name__,
                int(root.index),
                _metadata_without(root.metadata, required),
            ),
        )
    stack: list[Any] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            out.append(item)
            continue
        if isinstance(item, g.NodeRef):
            out.append(("ref", int(item.index)))
            continue
        kind = "graph" if _is_graph_type(nnx, item.type) else "pytree"
        out.append(("node", kind, _nested_type_name(item), int(item.index), len(item.attributes)))
        pending: list[Any] = []
        for key, value in item.attributes:
            if isinstance(value, g.Static):
                s = static_model(value.value)
                pending.append(("static", key, s.type_name, s.text))
            elif isinstance(value, g.VariableDef):
                pending.append(
                    (
                        "variable",
                        key,
                        value.type.__name__,
                        int(value.index),
                        _metadata_without(value.metadata, required),
                    )
                )
            elif isinstance(value, g.NodeRef) and issubclass(value.type, nnx.Variable):
                pending.append(("varref", key, int(value.index)))
            elif isinstance(value, g.NodeRef):
                pending += [("subgraph", key), value]
            elif isinstance(value, g.NodeDef):
                pending += [("subgraph", key), value]
            else:
                pending.append(("array", key))
        stack.extend(reversed(pending))
    return tuple(out)


def _metadata_without(metadata: Any, required: frozenset[str]) -> tuple[tuple[str, object], ...]:
    return _metadata({k: v for k, v in dict(metadata or {}).items() if k not in required})


def _list_key(key: object) -> Key:
    """An nnx.List attribute's key: an element index as an int (0.12.0 stores ints, later releases
    digit strings), any other attribute under its name."""
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        return int(key)
    return cast(Key, key)


# --- The target ----------------------------------------------------------------------------------


class FlaxTarget(NNXTarget):
    """The installed flax release (see the module docstring)."""

    name = "flax"
    reproducer_import = "from flax import nnx"

    def __init__(self) -> None:
        try:
            import flax
            from flax import nnx
        except ImportError as e:
            raise TargetError(
                f"the 'flax' target needs flax installed ({e}); create an environment with "
                "'nnxspec env flax==0.12.8 DIR'"
            ) from e
        self.version = str(flax.__version__)
        self.profile = profile_for(parse_version(self.version))
        # the one inventory generated so far is 0.10.3's: other releases claim none
        self.surface = "flax-0.10.3" if self.version == "0.10.3" else None
        self.capabilities = self.profile.capabilities
        self.behaviour = b = self.profile.behaviour
        self.nnx = nnx
        self.graph_ns: Any = importlib.import_module(b.graph_module)
        classes = _classes_for(nnx, b)
        self.node_type = classes.node
        self.user_variable_type = classes.user_variable
        self.fresh_variable_types = {}
        self.container_type = classes.container
        self.classes = classes
        self._get, self._put = _accessors(nnx, b)
        if b.graph_mode_flags:
            flax.config.update("nnx_graph_mode", True)
            flax.config.update("nnx_graph_updates", True)

    # --- Building -----------------------------------------------------------------------

    def new_graph_node(self, kind: str) -> object:
        if kind == "module":
            return self.node_type()
        if kind == "sequential":
            return self._bare_sequential(self.classes.sequential)
        if kind == "nnx_list":
            if self.classes.list_node is None:
                raise NotApplicable(
                    f"flax {self.version} has no nnx.List for blueprint 'nnx_list' nodes"
                )
            return self.classes.list_node()
        if self.container_type is None:
            raise NotApplicable(
                f"flax {self.version} has no nnx.Dict for blueprint 'container' nodes"
            )
        return self.container_type()

    def new_pytree_graph_node(self, kind: str) -> object:
        """Graph nodes in pytree mode: ``Node(nnx.Module, pytree=True)``, and flax's own
        ``nnx.Dict`` / ``nnx.List`` (pytree=True Modules on 0.12)."""
        if self.classes.pytree_node is None:
            raise NotApplicable(f"flax {self.version} has no pytree= module mode")
        if kind == "module":
            return self.classes.pytree_node()
        if kind == "sequential":
            return self._bare_sequential(self.nnx.Sequential)
        native = getattr(self.nnx, "Dict" if kind == "container" else "List", None)
        if native is None or not getattr(native, "_pytree__is_pytree", False):
            raise NotApplicable(
                f"flax {self.version} has no pytree-mode "
                f"nnx.{'Dict' if kind == 'container' else 'List'}"
            )
        return native()

    @staticmethod
    def _bare_sequential(cls: type | None) -> object:
        """An ``nnx.Sequential`` without its own ``layers``: the blueprint gives every attribute."""
        node = cast(Any, cls)()
        delattr(node, "layers")
        return node

    def _is_list(self, node: object) -> bool:
        native = getattr(self.nnx, "List", None)
        return native is not None and isinstance(node, native)

    def _is_pytree_mode(self, node: object) -> bool:
        cls = type(node)  # a class flag: read it on the class, past any user __getattr__
        return bool(getattr(cls, "_pytree__is_pytree", getattr(cls, "_object__is_pytree", False)))

    def _wrap(self, value: object) -> object:
        """A value for an attribute of a pytree-mode node, with its data / static status said
        explicitly (``nnx.data`` / ``nnx.static``): Variables, graph nodes and pytree
        containers are data, whatever they hold, and so are raw arrays; the rest is static."""
        import jax

        nnx = self.nnx
        if self.classify(value) != "static" or isinstance(value, (jax.Array, np.ndarray)):
            return nnx.data(value)
        return nnx.static(value) if hasattr(nnx, "static") else value

    def set_attr(self, node: object, key: Key, value: object) -> None:
        pytree_mode = self._is_pytree_mode(node)
        if self._is_list(node) and isinstance(key, int):
            items = cast(Any, node)
            value = self._wrap(value) if pytree_mode else value
            if key < len(items):
                items[key] = value
            else:
                items.append(value)
            return
        if pytree_mode:
            if not hasattr(self.nnx, "static") and str(key) in vars(node):
                delattr(node, str(key))  # a fresh status: 0.11 has no nnx.static to override one
            wrapped = self._wrap(value)
            setattr(node, str(key), wrapped)
            if wrapped is not value and vars(node).get(str(key)) is wrapped:
                # the class's own __setattr__ stored the marker raw (it bypasses flax's): store
                # the value itself, as that class would for a plain assignment
                vars(node)[str(key)] = value
            return
        setattr(node, str(key), value)

    def del_attr(self, node: object, key: Key) -> None:
        if self._is_list(node) and isinstance(key, int):
            del cast(Any, node)[key]
            return
        delattr(node, str(key))

    # --- Observing ----------------------------------------------------------------------

    def module_attributes(self, x: object) -> list[tuple[Key, object]]:
        """A module's attributes; an ``nnx.List``'s elements under their int keys (0.12.0 keeps
        them under int keys, later releases under digit strings), its ``_length`` left out."""
        if not self._is_list(x):
            return super().module_attributes(x)
        # an attribute that is no element (update can add one under a str key) keeps its name
        attributes = cast(dict[object, object], vars(x))
        return [
            (_list_key(k), v)
            for k, v in attributes.items()
            if not (isinstance(k, str) and (k == "_length" or k.startswith(_INTERNAL_PREFIXES)))
        ]

    def inspect(self, x: object) -> NodeView:
        if isinstance(x, self.nnx.State):
            # a State's raw children, unsorted: jax's flatten of a State sorts its keys and fails
            # on the int / str mixes the error laws build (that is merge's business to reject)
            return NodeView("pytree", "State", tuple(cast(Any, x).raw_mapping.items()), False)
        if self._is_list(x):
            entries = sorted(
                self.module_attributes(x), key=lambda kv: (isinstance(kv[0], str), kv[0])
            )
            return NodeView("graph", "List", tuple(entries), True)
        view = super().inspect(x)
        if (
            Capability.PYTREE_CHILDREN_SORTED in self.capabilities
            and view.kind == "pytree"
            and (hasattr(x, "_fields") or dataclasses.is_dataclass(x))
        ):
            # the declared variant: namedtuple / dataclass children in sorted key order
            return NodeView(view.kind, view.type_name, view.entries, False)
        return view

    def _metadata_of(self, leaf: Any) -> tuple[tuple[str, object], ...]:
        required = self.behaviour.required_metadata
        return tuple((k, v) for k, v in dict(leaf.get_metadata()).items() if k not in required)

    def leaf_view(self, leaf: object) -> LeafView:
        nnx = self.nnx
        if isinstance(leaf, nnx.Variable):
            value = (
                self._get(leaf)
                if self.behaviour.accessors == "get_value"
                else cast(Any, leaf).raw_value
            )
            return LeafView(type(leaf).__name__, np.asarray(value), self._metadata_of(leaf))  # type: ignore[arg-type]
        if self.behaviour.state_leaves == "VariableState" and isinstance(leaf, nnx.VariableState):
            state_leaf = cast(Any, leaf)
            return LeafView(
                state_leaf.type.__name__,
                np.asarray(state_leaf.value),
                self._metadata_of(state_leaf),  # type: ignore[arg-type]
            )
        raise TypeError(
            f"{type(leaf).__name__} is not a Variable or a state leaf of flax {self.version}"
        )

    def get_value(self, variable: object) -> object:
        return self._get(variable)

    def set_value(self, variable: object, value: object) -> None:
        self._put(variable, value)

    # --- Neutral conversions ------------------------------------------------------------

    def make_leaf(self, view: LeafView) -> object:
        if self.behaviour.state_leaves == "VariableState":
            return super().make_leaf(view)
        cls = self.variable_type(view.type_name)
        return cls(_jnp_array(view.value), **dict(view.metadata))

    def make_state(self, items: Sequence[tuple[Path, LeafView | object]]) -> object:
        if not self.behaviour.state_functions:
            return super().make_state(items)
        pairs = [(tuple(p), self.make_leaf(v) if isinstance(v, LeafView) else v) for p, v in items]
        return self.nnx.from_flat_state(pairs)

    def graphdef_tokens(self, graphdef: object) -> tuple[Token, ...]:
        b = self.behaviour
        if b.graphdef_encoding == "flat":
            return flat_graphdef_tokens(self.graph_ns, graphdef, b.required_metadata)
        if b.graphdef_encoding == "nested-pairs":
            return nested_pairs_graphdef_tokens(
                self.nnx, self.graph_ns, graphdef, b.required_metadata
            )
        if b.graphdef_encoding == "split-fields":
            return split_fields_graphdef_tokens(
                self.nnx, self.graph_ns, graphdef, b.required_metadata
            )
        return tuple(nested_nodedef_tokens(self.nnx, self.graph_ns, graphdef))

    def iter_graph(self, x: object) -> Iterator[tuple[Path, object]]:
        # an nnx.List's _length is bookkeeping, like _pytree__*; blueprint keys never start with _
        for path, value in super().iter_graph(x):
            if not (path and path[-1] == "_length"):
                yield path, value

    # --- Modern flax ---------------------------------------------------------------------

    def to_flat_state(self, state: object) -> object:
        return self.nnx.to_flat_state(state)

    def set_metadata(self, variable: object, name: str, value: object) -> None:
        if hasattr(variable, "set_metadata"):  # 0.12+; plain assignment is deprecated there
            # keywords: 0.12.0's set_metadata takes a dict or keywords, not (name, value)
            cast(Any, variable).set_metadata(**{name: value})
        else:
            setattr(variable, name, value)

    def jit(self, fn: Callable[..., object]) -> Callable[..., object]:
        return cast(Callable[..., object], self.nnx.jit(fn))

    def cached_partial(self, fn: Callable[..., object], *nodes: object) -> Callable[..., object]:
        return cast(Callable[..., object], self.nnx.cached_partial(fn, *nodes))

    # --- Contexts -----------------------------------------------------------------------

    def ctx_split(self, ctx: object, x: object, *filters: object) -> tuple[object, ...]:
        if self.behaviour.context_methods:
            return super().ctx_split(ctx, x, *filters)
        with self.nnx.split_context(cast(Any, ctx).tag) as c:
            return cast(tuple[object, ...], c.split(x, *filters))

    def ctx_merge(self, ctx: object, graphdef: object, state: object, *states: object) -> object:
        if self.behaviour.context_methods:
            return super().ctx_merge(ctx, graphdef, state, *states)
        # The seed told steps (2) and (4) apart by the graphdef: only the inner split (3) stamps
        # the outer indices (flax >= 0.10.4: NodeDef.outer_index) into it.
        root = cast(Any, graphdef).nodes[0]
        inner = getattr(root, "outer_index", None) is None
        with self.nnx.merge_context(cast(Any, ctx).tag, inner) as c:
            return c.merge(graphdef, state, *states)

    def merge_context(
        self, tag: str | None = None, *, inner: bool | None = None
    ) -> AbstractContextManager[object]:
        if self.behaviour.merge_context_args == "tag-inner" and tag is not None:
            return cast(AbstractContextManager[object], self.nnx.merge_context(tag, inner))
        if self.behaviour.merge_context_args == "inner-tag":
            return cast(AbstractContextManager[object], self.nnx.merge_context(inner, tag))
        return cast(AbstractContextManager[object], self.nnx.merge_context(tag))

    # --- Reproducers --------------------------------------------------------------------

    def reproducer_prelude(self) -> str:
        b = self.behaviour
        pin = (
            'flax.config.update("nnx_graph_mode", True)\n'
            'flax.config.update("nnx_graph_updates", True)\n'
            if b.graph_mode_flags
            else ""
        )
        if b.accessors == "get_value":
            bump = (
                "value.set_value(~value.get_value() if value.get_value().dtype == bool else "
                "value.get_value() + 1)"
            )
        else:
            bump = "value.value = ~value.value if value.value.dtype == bool else value.value + 1"
        container = ""
        if b.container == "pytree-false-subclass":
            container = _CONTAINER_PRELUDE
        elif b.container == "absent":
            container = (
                f"# flax {self.version} has no nnx.Dict: nnxspec builds no 'container' node here\n"
            )
        return _PRELUDE.format(
            version=self.version,
            pin=pin,
            node_bases="nnx.Module, pytree=False" if b.pytree_keyword else "nnx.Module",
            bump=bump,
            container=container,
        )


_PRELUDE = '''# flax {version}: the classes nnxspec's flax target builds blueprints with
import collections
import dataclasses
import functools
import types

import flax
import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

{pin}

class Node({node_bases}):
    """A blueprint module: attributes are set one by one after construction."""

    def bump(self):
        count = 0
        for value in list(vars(self).values()):
            if isinstance(value, nnx.Variable):
                {bump}
                count += 1
        return count


class UserVariable(nnx.Param):
    pass


{container}

@functools.lru_cache(maxsize=None)
def namedtuple_type(fields):
    return collections.namedtuple("NT_" + "_".join(fields), fields)


@functools.lru_cache(maxsize=None)
def dataclass_type(fields):
    cls = dataclasses.make_dataclass("DC_" + "_".join(fields), list(fields), frozen=True)
    jax.tree_util.register_dataclass(cls, data_fields=list(fields), meta_fields=[])
    return cls


def values(shape, dtype, seed):
    """The deterministic value of a blueprint Variable: arange(size) + seed, in dtype."""
    base = np.arange(int(np.prod(shape)), dtype=np.int64) + seed
    if dtype == "bool":
        return jnp.asarray((base % 2 == 1).reshape(shape))
    array = base.astype(np.float32 if dtype == "bfloat16" else dtype).reshape(shape)
    return jnp.asarray(array, dtype=dtype)
'''

_CONTAINER_PRELUDE = '''class Dict(nnx.Dict, pytree=False):
    """Blueprint 'container' nodes: nnx.Dict without the pytree=True data/static checks."""


# The graph below spells containers nnx.Dict(); point that name at the Dict above without
# changing flax itself.
_flax_nnx = nnx
nnx = types.ModuleType("nnx", "flax.nnx, with Dict = the pytree=False subclass above")
vars(nnx).update(vars(_flax_nnx))
nnx.Dict = Dict
'''
