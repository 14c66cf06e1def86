"""Mutation programs: sequences of edits to a live graph, as plain data.

The same program runs on live objects through any Target (``spec.live_program.run``, eagerly
or inside ``jax.jit`` on tracers) and on models through the oracle
(``spec.semantics.program.apply``).  Every edit
addresses a *graph node* by its path from the root (pytree containers are never edited in place)
and is valid by construction: strategies draw programs by simulating them on the model.

========================  ===============================================================
edit                      meaning
========================  ===============================================================
``SetStatic``             ``node.key = value`` (add or replace with a static value)
``AddVariable``           ``node.key = Variable(...)`` (add or replace)
``AddNode``               ``node.key = <new empty module>``
``DeleteAttr``            ``del node.key``
``Alias``                 ``node.key = <object at source>`` (sharing; the source is a graph
                          node or a Variable)
``PointToAncestor``       ``node.key = <the node levels up>`` (a cycle; 0 is the node itself)
``TransformValues``       every Variable's value ``v <- fn(v)`` (jit-safe, see ``TRANSFORMS``)
========================  ===============================================================

On an ``nnx.List`` node (blueprint kind ``nnx_list``) the key is an int element index instead of
a name: setting index ``len(node)`` appends, setting an existing index replaces that element, and
``DeleteAttr`` is ``del node[i]``, which moves every later element down by one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Protocol, Union

from spec import codec as _codec
from spec.blueprint import Key, StaticValue, Unhashable, VarSpec
from spec.model import Path

__all__ = [
    "TRANSFORMS",
    "AddNode",
    "AddVariable",
    "Alias",
    "DeleteAttr",
    "Edit",
    "PointToAncestor",
    "Program",
    "SetStatic",
    "TransformValues",
    "describe",
]


@dataclasses.dataclass(frozen=True)
class SetStatic:
    node: Path
    key: Key
    value: StaticValue


@dataclasses.dataclass(frozen=True)
class AddVariable:
    node: Path
    key: Key
    variable: VarSpec


@dataclasses.dataclass(frozen=True)
class AddNode:
    node: Path
    key: Key


@dataclasses.dataclass(frozen=True)
class DeleteAttr:
    node: Path
    key: Key


@dataclasses.dataclass(frozen=True)
class Alias:
    node: Path
    key: Key
    source: Path


@dataclasses.dataclass(frozen=True)
class PointToAncestor:
    node: Path
    key: Key
    levels: int


@dataclasses.dataclass(frozen=True)
class TransformValues:
    fn: str


Edit = Union[SetStatic, AddVariable, AddNode, DeleteAttr, Alias, PointToAncestor, TransformValues]
Program = tuple[Edit, ...]

_codec.register(
    SetStatic,
    AddVariable,
    AddNode,
    DeleteAttr,
    Alias,
    PointToAncestor,
    TransformValues,
    VarSpec,
    Unhashable,
)


class _Array(Protocol):
    """What a transform needs of a value: numpy arrays and jax arrays/tracers both qualify."""

    @property
    def dtype(self) -> object: ...
    def __add__(self, other: int, /) -> _Array: ...
    def __mul__(self, other: int, /) -> _Array: ...
    def __neg__(self) -> _Array: ...
    def __invert__(self) -> _Array: ...


def _is_bool(x: _Array) -> bool:
    return str(x.dtype) == "bool"


TRANSFORMS: dict[str, Callable[[_Array], _Array]] = {
    "add_one": lambda x: ~x if _is_bool(x) else x + 1,
    "double": lambda x: x if _is_bool(x) else x * 2,
    "negate": lambda x: ~x if _is_bool(x) else -x,
}
"""Value transforms written with operators only, so they act alike on numpy and on tracers."""


def describe(edit: Edit) -> str:
    """Return the edit as a line of Python over a graph called ``x``."""

    def at(path: Path) -> str:
        return "x" + "".join(f".{k}" if isinstance(k, str) else f"[{k!r}]" for k in path)

    if isinstance(edit, TransformValues):
        return f"for v in all_variables(x): v.value = {edit.fn}(v.value)"
    target = at((*edit.node, edit.key))
    if isinstance(edit, SetStatic):
        return f"{target} = {edit.value!r}"
    if isinstance(edit, AddVariable):
        v = edit.variable
        return f"{target} = nnx.{v.type}(values({v.shape}, {v.dtype!r}, seed={v.seed}))"
    if isinstance(edit, AddNode):
        return f"{target} = Node()"
    if isinstance(edit, DeleteAttr):
        return f"del {target}"
    if isinstance(edit, Alias):
        return f"{target} = {at(edit.source)}"
    return f"{target} = {at(edit.node[: len(edit.node) - edit.levels])}"
