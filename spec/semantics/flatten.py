"""flatten: what ``split`` must produce, as a canonical GraphDef token stream and a flat state.

Seed: ``graph.py flatten / _graph_flatten``.  Rules, for a depth-first walk in canonical order
(sorted keys for modules and dicts, positions for sequences and pytree fields):

* a graph node or Variable gets the next index (one shared counter from 0) when first reached;
  the node is numbered *before* its children, which is what makes cycles finite;
* a graph node reached again is a ``ref`` to its index; a Variable reached again is a ``varref``;
* a pytree container gets index -1, is never recorded, and is flattened again at every
  occurrence (so it is rebuilt, unaliased, by merge);
* a new Variable adds ``(path, Variable)`` to the state, at the path where it is first reached;
* anything else is a static attribute, kept in the GraphDef.

Token grammar (pre-order; the target's ``graphdef_tokens`` must produce the same)::

    node     := ("node", kind, type_name, index, n_attributes) attribute{n_attributes}
              | ("ref", index)
    attribute:= ("static", key, type_name, text)
              | ("subgraph", key) node
              | ("variable", key, type_name, index, metadata)
              | ("varref", key, index)
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Union

from spec._gc import paused_gc
from spec.blueprint import Key
from spec.model import Model, NodeSlot, StaticSlot, VarModel, VarSlot
from spec.target import Path, Token

__all__ = ["Cell", "FlatState", "flatten", "graphdef_tokens", "spell", "state", "structure"]

FlatState = tuple[tuple[Path, VarModel], ...]
Cell = Union[tuple["Cell", Key], None]
"""A path as a chain of ``(parent, key)`` cells; ``None`` is the root."""


def spell(cell: Cell) -> Path:
    """Return the path a chain of cells stands for."""
    keys: list[Key] = []
    while cell is not None:
        cell, key = cell
        keys.append(key)
    return tuple(reversed(keys))


@paused_gc
def flatten(m: Model) -> tuple[tuple[Token, ...], FlatState]:
    """Return the GraphDef tokens and the flat state ``split`` must produce for ``m``."""
    tokens: list[Token] = []
    flat: list[tuple[Path, VarModel]] = []
    index_of_node: dict[int, int] = {}
    index_of_var: dict[int, int] = {}
    counter = 0

    def open_node(node_id: int) -> Iterator[tuple[Key, object]]:
        nonlocal counter
        n = m.nodes[node_id]
        if n.kind == "graph":
            index = index_of_node[node_id] = counter
            counter += 1
        else:
            index = -1
        tokens.append(("node", n.kind, n.type_name, index, len(n.entries)))
        return iter(n.entries)

    # Paths are kept as (parent, key) cells and spelled out only for state entries, so a deep
    # graph costs O(size), not O(depth * size).
    stack: list[tuple[Cell, Iterator[tuple[Key, object]]]] = [(None, open_node(0))]
    while stack:
        cell, entries = stack[-1]
        item = next(entries, None)
        if item is None:
            stack.pop()
            continue
        key, slot = item
        if isinstance(slot, StaticSlot):
            tokens.append(("static", key, slot.value.type_name, slot.value.text))
        elif isinstance(slot, VarSlot):
            if slot.id in index_of_var:
                tokens.append(("varref", key, index_of_var[slot.id]))
            else:
                index_of_var[slot.id] = counter
                v = m.variables[slot.id]
                tokens.append(("variable", key, v.type_name, counter, v.metadata))
                counter += 1
                flat.append((spell((cell, key)), v))
        elif isinstance(slot, NodeSlot):
            tokens.append(("subgraph", key))
            if slot.id in index_of_node:
                tokens.append(("ref", index_of_node[slot.id]))
            else:
                stack.append(((cell, key), open_node(slot.id)))
    return tuple(tokens), tuple(flat)


def structure(tokens: tuple[Token, ...]) -> tuple[object, ...]:
    """Return ``tokens`` with each static value as the Python value it renders (for bool, int,
    float and str), so that two structures compare as their graphdefs must: statics by ``==``
    (``1 == True == 1.0``, as jax compares static arguments), everything else exactly."""
    out: list[object] = []
    for token in tokens:
        if token[0] == "static" and token[2] in ("bool", "int", "float", "str"):
            out.append(("static", token[1], ast.literal_eval(str(token[3]))))
        else:
            out.append(token)
    return tuple(out)


def graphdef_tokens(m: Model) -> tuple[Token, ...]:
    """Return the tokens of ``graphdef(x)`` for a graph modelled by ``m``."""
    return flatten(m)[0]


def state(m: Model) -> FlatState:
    """Return ``state(x)`` as a flat state: one entry per distinct Variable, at its first path."""
    return flatten(m)[1]
