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

from spec.model import Model, NodeSlot, Path, StaticSlot, Token, VarModel, VarSlot

__all__ = ["FlatState", "flatten", "graphdef_tokens", "state", "structure"]

FlatState = tuple[tuple[Path, VarModel], ...]


def flatten(m: Model) -> tuple[tuple[Token, ...], FlatState]:
    """Return the GraphDef tokens and the flat state ``split`` must produce for ``m``."""
    tokens: list[Token] = []
    flat: list[tuple[Path, VarModel]] = []
    node_index: dict[int, int] = {}
    var_index: dict[int, int] = {}

    def next_index() -> int:
        return len(node_index) + len(var_index)

    def visit(node_id: int, path: Path) -> None:
        node = m.nodes[node_id]
        index = -1
        if node.kind == "graph":
            index = node_index[node_id] = next_index()
        tokens.append(("node", node.kind, node.type_name, index, len(node.entries)))
        for key, slot in node.entries:
            if isinstance(slot, StaticSlot):
                tokens.append(("static", key, slot.value.type_name, slot.value.text))
            elif isinstance(slot, VarSlot) and slot.id in var_index:
                tokens.append(("varref", key, var_index[slot.id]))
            elif isinstance(slot, VarSlot):
                v = m.variables[slot.id]
                var_index[slot.id] = next_index()
                tokens.append(("variable", key, v.type_name, var_index[slot.id], v.metadata))
                flat.append(((*path, key), v))
            elif isinstance(slot, NodeSlot) and slot.id in node_index:
                tokens.extend([("subgraph", key), ("ref", node_index[slot.id])])
            elif isinstance(slot, NodeSlot):
                tokens.append(("subgraph", key))
                visit(slot.id, (*path, key))

    visit(0, ())
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
