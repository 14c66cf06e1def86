"""iter_graph: the order and the items ``iter_graph(x)`` must yield.

Seed: ``graph.py iter_graph``, with deviation D-5.  Post-order over the canonical DFS: a node's
children (in canonical order), then the node itself; the root comes last with path ``()``.
Graph nodes and Variables are yielded once, at their first path; pytree containers (``None`` and
``()`` included) and static values are yielded at every occurrence.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Union

from spec.blueprint import Key
from spec.model import Model, NodeSlot, Path, StaticModel, StaticSlot, VarSlot

__all__ = ["Item", "iter_graph"]

Item = Union[tuple[str, int], tuple[str, StaticModel]]
"""``("node", id)``, ``("var", id)`` or ``("static", value)``."""


def iter_graph(m: Model) -> list[tuple[Path, Item]]:
    """Return ``list(iter_graph(x))`` as ``(path, item)`` pairs."""
    out: list[tuple[Path, Item]] = []
    seen_nodes = {0}
    seen_vars: set[int] = set()
    stack: list[tuple[Path, int, Iterator[tuple[Key, object]]]] = [
        ((), 0, iter(m.nodes[0].entries))
    ]
    while stack:
        path, node_id, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            out.append((path, ("node", node_id)))
            continue
        key, slot = entry
        child = (*path, key)
        if isinstance(slot, NodeSlot):
            is_graph = m.nodes[slot.id].kind == "graph"
            if is_graph and slot.id in seen_nodes:
                continue
            seen_nodes.add(slot.id)
            stack.append((child, slot.id, iter(m.nodes[slot.id].entries)))
        elif isinstance(slot, VarSlot):
            if slot.id not in seen_vars:
                seen_vars.add(slot.id)
                out.append((child, ("var", slot.id)))
        elif isinstance(slot, StaticSlot):
            out.append((child, ("static", slot.value)))
    return out
