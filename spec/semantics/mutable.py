"""A mutable working copy of a Model, for the oracle's update, pop and mutation programs.

The oracle never mutates a ``Model``: it copies it into ``Draft``, edits the draft, and freezes
the result with ``Draft.freeze`` (canonical order and numbering).  If an edit fails half-way the
input model is untouched, which is the spec's atomicity in one line.
"""

from __future__ import annotations

import dataclasses

from spec.blueprint import Key
from spec.errors import SpecError
from spec.model import Model, NodeKind, NodeModel, NodeSlot, Path, Slot, VarModel, canonical

__all__ = ["Draft"]


@dataclasses.dataclass
class DraftNode:
    kind: NodeKind
    type_name: str
    positional: bool
    entries: dict[Key, Slot]


class Draft:
    """Nodes and Variables by id, with entries as dicts (insertion-ordered, re-sorted on freeze)."""

    def __init__(self, m: Model) -> None:
        self.nodes = [
            DraftNode(n.kind, n.type_name, n.positional, dict(n.entries)) for n in m.nodes
        ]
        self.variables = list(m.variables)

    def add_variable(self, v: VarModel) -> int:
        self.variables.append(v)
        return len(self.variables) - 1

    def add_node(self, kind: NodeKind, type_name: str) -> int:
        self.nodes.append(DraftNode(kind, type_name, False, {}))
        return len(self.nodes) - 1

    def node_at(self, path: Path) -> int:
        """Return the id of the node at ``path``; SpecError('unknown-key') if there is none."""
        node_id = 0
        for i, key in enumerate(path):
            slot = self.nodes[node_id].entries.get(key)
            if not isinstance(slot, NodeSlot):
                raise SpecError("unknown-key", path[: i + 1], "no node at this path")
            node_id = slot.id
        return node_id

    def slot_at(self, path: Path) -> Slot:
        """Return the slot at a non-empty ``path``."""
        parent = self.node_at(path[:-1])
        slot = self.nodes[parent].entries.get(path[-1])
        if slot is None:
            raise SpecError("unknown-key", path, "no entry at this path")
        return slot

    def _model(self) -> Model:
        nodes = tuple(
            NodeModel(n.kind, n.type_name, tuple(n.entries.items()), n.positional)
            for n in self.nodes
        )
        return Model(nodes, tuple(self.variables))

    def freeze_walk(self) -> list[tuple[Path, Slot, bool]]:
        """Return ``Model.walk()`` of the current draft (what is reachable now)."""
        return list(self._model().walk())

    def freeze(self) -> Model:
        """Return the draft as a canonical Model (unreachable nodes and Variables dropped)."""
        return canonical(self._model())
