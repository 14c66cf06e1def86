"""Building blueprints into live objects through any Target, deterministically.

Order of construction (so that cycles and immutable containers both work):

1. every graph node is created empty (in pytree mode where ``NodeSpec.pytree`` asks for it:
   ``Target.new_pytree_graph_node``), every Variable created;
2. pytree containers are built from the highest index down, so each one's children exist
   (pytree-to-pytree edges always point forward, see ``spec.blueprint``);
3. graph node attributes are set in entry order (back edges are fine: every target exists); an
   ``nnx_list`` node's entries ``0..n-1`` are its elements, set (appended) in that order.

The same blueprint built twice through the same target gives two isomorphic, disjoint graphs.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from spec import incidents, zoo
from spec.blueprint import (
    Blueprint,
    Edge,
    Key,
    StaticValue,
    ToNode,
    ToStatic,
    ToVar,
    Unhashable,
    variable_value,
)
from spec.errors import NotApplicable
from spec.model import (
    Model,
    NodeModel,
    NodeSlot,
    Slot,
    StaticSlot,
    VarModel,
    VarSlot,
    canonical,
    static_model,
)
from spec.target import Capability, Target

__all__ = ["TYPE_NAMES", "Built", "blueprint_model", "build", "needed_capabilities", "type_name"]


@dataclasses.dataclass(frozen=True)
class Built:
    """A built graph: the root, and the live object of every blueprint node and Variable."""

    root: object
    nodes: tuple[object, ...]
    variables: tuple[object, ...]


def build(
    t: Target, bp: Blueprint, *, variable_type: str | None = None, reversed_metadata: bool = False
) -> Built:
    """Return the live graph described by ``bp``, made of ``t``'s own objects.

    With ``variable_type`` (a name from ``t.new_variable_type``) every Variable is of that type
    instead of its blueprint type.  With ``reversed_metadata`` every Variable gets its metadata
    in reverse name order (``t.new_variable_ordered``) instead of sorted order.  A failure is
    also reported to ``spec.incidents`` (whatever thread builds), so the runner can tell a broken
    input from a broken law.
    """
    try:
        return _build(t, bp, variable_type, reversed_metadata)
    except BaseException as e:
        incidents.record(e)
        raise


KIND_CAPABILITIES: dict[str, str] = {
    "nnx_list": Capability.LIST_NODES,
    "sequential": Capability.SEQUENTIAL_NODES,
}
"""Blueprint node kinds that only a target with the capability can build faithfully."""


def needed_capabilities(bp: Blueprint) -> frozenset[str]:
    """Return the capabilities a target needs to build ``bp`` as drawn: ``nnx_list`` and
    ``sequential`` nodes, and graph nodes in pytree mode."""
    needed = {KIND_CAPABILITIES[n.kind] for n in bp.nodes if n.kind in KIND_CAPABILITIES}
    if any(n.pytree for n in bp.nodes):
        needed.add(Capability.PYTREE_MODULES)
    return frozenset(needed)


def _build(t: Target, bp: Blueprint, variable_type: str | None, reversed_metadata: bool) -> Built:
    missing = sorted(needed_capabilities(bp) - t.capabilities)
    if missing:
        # a vector drawn on a richer target, replayed here: the input cannot exist on this one
        raise NotApplicable(
            f"{t.name} lacks {', '.join(missing)}, which this graph needs to be built"
        )
    specs = (
        bp.variables
        if variable_type is None
        else [dataclasses.replace(v, type=variable_type) for v in bp.variables]
    )
    if reversed_metadata:
        variables = tuple(
            t.new_variable_ordered(v, [k for k, _ in reversed(v.metadata)]) for v in specs
        )
    else:
        variables = tuple(t.new_variable(v) for v in specs)
    nodes: list[object] = [None] * len(bp.nodes)
    for i, n in enumerate(bp.nodes):
        if n.style:
            nodes[i] = t.new_zoo_node(n.style)
        elif n.is_graph:
            nodes[i] = t.new_pytree_graph_node(n.kind) if n.pytree else t.new_graph_node(n.kind)

    def value(e: Edge) -> object:
        if isinstance(e, ToNode):
            return nodes[e.index]
        if isinstance(e, ToVar):
            return variables[e.index]
        assert isinstance(e, ToStatic)  # sanity check: Blueprint validation rules out the rest
        return t.new_static(e.value)

    for i in range(len(bp.nodes) - 1, -1, -1):
        n = bp.nodes[i]
        if not n.is_graph:
            nodes[i] = t.new_pytree(n.kind, [(k, value(e)) for k, e in n.entries])
    for i, n in enumerate(bp.nodes):
        if n.is_graph:
            for k, e in n.entries:
                t.set_attr(nodes[i], k, value(e))
    return Built(nodes[0], tuple(nodes), variables)


TYPE_NAMES: dict[str, str] = {
    "module": "Node",
    "container": "Dict",
    "nnx_list": "List",
    "sequential": "Sequential",
    "list": "list",
    "tuple": "tuple",
    "dict": "dict",
    "none": "NoneType",
}
"""The type name a target's observation reports for each blueprint kind (pytree field types are
named ``NT_<fields>`` / ``DC_<fields>``)."""


def type_name(kind: str, keys: tuple[object, ...], style: str = "") -> str:
    """Return the observed type name of a blueprint node of ``kind`` with entry ``keys`` (and
    ``style``, for a module: ``spec.zoo.class_name``)."""
    if style:
        return zoo.class_name(style)
    if kind in TYPE_NAMES:
        return TYPE_NAMES[kind]
    prefix = "NT_" if kind == "namedtuple" else "DC_"
    return prefix + "_".join(str(k) for k in keys)


def blueprint_model(bp: Blueprint) -> Model:
    """Return the model every target must observe after ``build(t, bp)`` (no target needed).

    Strategies use it to simulate mutation programs; tests use it to check adapters build
    faithfully.
    """
    nodes = []
    for n in bp.nodes:
        entries: list[tuple[Key, Slot]] = []
        for k, e in n.entries:
            if isinstance(e, ToNode):
                entries.append((k, NodeSlot(e.index)))
            elif isinstance(e, ToVar):
                entries.append((k, VarSlot(e.index)))
            else:
                entries.append((k, StaticSlot(static_model(_static_value(e.value)))))
        positional = n.kind in ("list", "tuple", "namedtuple", "dataclass", "none", "nnx_list")
        kind = "graph" if n.is_graph else "pytree"
        nodes.append(
            NodeModel(
                kind,  # type: ignore[arg-type]
                type_name(n.kind, tuple(k for k, _ in n.entries), n.style),
                tuple(entries),
                positional,
            )
        )
    variables = []
    for v in bp.variables:
        value = np.asarray(variable_value(v), order="C")
        variables.append(
            VarModel(v.type, str(value.dtype), tuple(value.shape), value.tobytes(), v.metadata)
        )
    return _unshare_value_nodes(canonical(Model(tuple(nodes), tuple(variables))))


def _static_value(value: StaticValue) -> object:
    return set(value.items) if isinstance(value, Unhashable) else value


def _unshare_value_nodes(m: Model) -> Model:
    """Give every occurrence of a ``None`` / ``()`` node its own id, as observation does."""
    if not any(n.type_name in ("NoneType", "tuple") and not n.entries for n in m.nodes):
        return m
    nodes = list(m.nodes)
    out = []
    for n in m.nodes:
        entries = []
        for k, s in n.entries:
            if (
                isinstance(s, NodeSlot)
                and nodes[s.id].type_name in ("NoneType", "tuple")
                and not nodes[s.id].entries
            ):
                nodes.append(nodes[s.id])
                s = NodeSlot(len(nodes) - 1)
            entries.append((k, s))
        out.append(dataclasses.replace(n, entries=tuple(entries)))
    out.extend(nodes[len(m.nodes) :])
    return canonical(Model(tuple(out), m.variables))
