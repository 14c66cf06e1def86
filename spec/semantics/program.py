"""Mutation programs and method calls on models: what an edit sequence must do to a graph.

Each edit of ``spec.program`` has its direct meaning on the ``Draft`` of a model (see the table
in ``spec.program``).  ``bump`` is the meaning of the one method every blueprint module has
(``Node.bump()``, used by the ``call`` laws): add one to every Variable the node holds directly
(logical not for booleans) and return how many there were.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from spec.blueprint import variable_value
from spec.model import Model, NodeSlot, Path, StaticSlot, VarModel, VarSlot, static_model
from spec.program import (
    TRANSFORMS,
    AddNode,
    AddVariable,
    Alias,
    DeleteAttr,
    Edit,
    PointToAncestor,
    SetStatic,
    TransformValues,
)
from spec.semantics.mutable import Draft

__all__ = ["MODULE_TYPE_NAME", "apply", "bump", "transformed"]

MODULE_TYPE_NAME = "Node"
"""The class name every target gives to blueprint nodes of kind ``module``."""


def transformed(v: VarModel, fn: str) -> VarModel:
    """Return ``v`` with ``TRANSFORMS[fn]`` applied to its value."""
    value = np.asarray(TRANSFORMS[fn](v.value))
    value = np.asarray(value.astype(v.value.dtype), order="C")
    return VarModel(v.type_name, v.dtype, v.shape, value.tobytes(), v.metadata)


def _new_variable(spec_v: AddVariable) -> VarModel:
    v = spec_v.variable
    value = np.asarray(variable_value(v), order="C")
    return VarModel(v.type, str(value.dtype), tuple(value.shape), value.tobytes(), v.metadata)


def _static(value: object) -> StaticSlot:
    from spec.blueprint import Unhashable

    if isinstance(value, Unhashable):
        return StaticSlot(static_model(set(value.items)))
    return StaticSlot(static_model(value))


def apply(m: Model, program: Sequence[Edit]) -> Model:
    """Return the model of the graph after running ``program`` on it directly."""
    d = Draft(m)
    for edit in program:
        if isinstance(edit, TransformValues):
            reachable = {s.id for _, s, _ in d.freeze_walk() if isinstance(s, VarSlot)}
            for vid in reachable:
                d.variables[vid] = transformed(d.variables[vid], edit.fn)
            continue
        entries = d.nodes[d.node_at(edit.node)].entries
        if isinstance(edit, SetStatic):
            entries[edit.key] = _static(edit.value)
        elif isinstance(edit, AddVariable):
            entries[edit.key] = VarSlot(d.add_variable(_new_variable(edit)))
        elif isinstance(edit, AddNode):
            entries[edit.key] = NodeSlot(d.add_node("graph", MODULE_TYPE_NAME))
        elif isinstance(edit, DeleteAttr) and isinstance(edit.key, int):
            # an element of an nnx.List: the later elements move down by one
            items = [slot for k, slot in entries.items() if k != edit.key]
            entries.clear()
            entries.update(enumerate(items))
        elif isinstance(edit, DeleteAttr):
            del entries[edit.key]
        elif isinstance(edit, Alias):
            source = d.slot_at(edit.source) if edit.source else NodeSlot(0)
            entries[edit.key] = source
        elif isinstance(edit, PointToAncestor):
            entries[edit.key] = NodeSlot(d.node_at(edit.node[: len(edit.node) - edit.levels]))
    return d.freeze()


def bump(m: Model, path: Path) -> tuple[Model, int]:
    """Return the model after ``node.bump()`` on the node at ``path``, and its return value."""
    d = Draft(m)
    entries = d.nodes[d.node_at(path)].entries
    count = 0
    for slot in entries.values():
        if isinstance(slot, VarSlot):
            d.variables[slot.id] = transformed(d.variables[slot.id], "add_one")
            count += 1
    return d.freeze(), count
