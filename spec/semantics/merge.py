"""merge (unflatten) and clone: what rebuilding a graph from a GraphDef and states must give.

Seed: ``graph.py unflatten / _graph_unflatten`` and ``clone``.  The state is read as a nested
mapping; at each node, attribute by attribute in GraphDef order:

* static: re-attached; a state value for it is an error (``static-in-state``);
* subgraph: a ``ref`` is the node already built; a new node is built from the sub-mapping (empty
  if absent); a state *leaf* there is an error (``leaf-for-subgraph``);
* new Variable: the state must hold a leaf at this key (``missing-key``; a mapping there is
  ``subgraph-for-leaf``); a leaf with a type is taken whole (type, value, metadata), a raw value
  gets the GraphDef's type and metadata;
* repeated Variable: the Variable already built;
* keys of the sub-mapping no attribute consumed are an error (``unknown-key``).

Graph nodes and Variables are new objects; each pytree occurrence is a new container.  Several
states are merged first, later ones winning at equal paths (``merge_states``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Union, cast

from spec._gc import paused_gc
from spec.blueprint import Key, MetaValue
from spec.errors import SpecError
from spec.model import (
    Model,
    NodeModel,
    NodeSlot,
    Slot,
    StaticModel,
    StaticSlot,
    VarModel,
    VarSlot,
    canonical,
)
from spec.semantics.flatten import Cell, FlatState, flatten, spell
from spec.target import Path, Token

__all__ = ["RawLeaf", "StateLeaf", "clone", "merge", "merge_states", "nest", "rebuild"]


@dataclasses.dataclass(frozen=True)
class RawLeaf:
    """A state leaf without type or metadata (a plain array in a "pure dict" state)."""

    dtype: str
    shape: tuple[int, ...]
    data: bytes

    def typed(self, type_name: str, metadata: tuple[tuple[str, MetaValue], ...]) -> VarModel:
        return VarModel(type_name, self.dtype, self.shape, self.data, metadata)


StateLeaf = Union[VarModel, RawLeaf]
Nested = dict[Key, Union["Nested", StateLeaf]]


def merge_states(*states: Sequence[tuple[Path, StateLeaf]]) -> tuple[tuple[Path, StateLeaf], ...]:
    """Return the union of flat states, later states winning at equal paths (``State.merge``)."""
    merged: dict[Path, StateLeaf] = {}
    for s in states:
        for path, leaf in s:
            merged[path] = leaf
    return tuple(merged.items())


def nest(flat: Sequence[tuple[Path, StateLeaf]]) -> Nested:
    """Return a flat state as nested dicts (``State.from_flat_path``); a later leaf replaces a
    subtree, a path through an earlier leaf is ``leaf-for-subgraph``."""
    root: Nested = {}
    for path, leaf in flat:
        d = root
        for i, key in enumerate(path[:-1]):
            nxt = d.setdefault(key, {})
            if not isinstance(nxt, dict):
                raise SpecError("subgraph-for-leaf", path[: i + 1], "a state path runs through a leaf")
            d = nxt
        d[path[-1]] = leaf
    return root


class _Builder:
    """Consumes a token stream depth-first, building nodes and Variables (see module docstring)."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.nodes: list[NodeModel | None] = []
        self.variables: list[VarModel] = []
        self.node_by_index: dict[int, int] = {}
        self.var_by_index: dict[int, int] = {}

    def next(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def build(self, state: Nested) -> Model:
        head = self.next()
        if head[0] != "node":
            raise SpecError("missing-key", (), "the root of a GraphDef must be a node, not a reference")
        # Work items: (node id, remaining attributes, path, sub-mapping, entries so far, consumed keys)
        root = self._open(head)
        stack: list[tuple[int, int, Cell, Nested, list[tuple[Key, Slot]], set[Key]]] = [
            (root, int(head[4]), None, state, [], set())  # type: ignore[arg-type]
        ]
        while stack:
            node_id, remaining, path, sub, entries, used = stack[-1]
            if remaining == 0:
                stack.pop()
                self._close(node_id, entries, path=path, sub=sub, used=used)
                continue
            stack[-1] = (node_id, remaining - 1, path, sub, entries, used)
            child = self._attribute(path, sub, entries, used)
            if child is not None:
                stack.append(child)
        return Model(tuple(n for n in self.nodes if n is not None), tuple(self.variables))

    def _open(self, head: Token) -> int:
        _, kind, type_name, index, _n = head
        self.nodes.append(NodeModel(kind, type_name, (), positional=kind == "pytree" and type_name != "dict"))  # type: ignore[arg-type]
        node_id = len(self.nodes) - 1
        if kind == "graph":
            self.node_by_index[int(index)] = node_id  # type: ignore[arg-type]
        return node_id

    def _close(self, node_id: int, entries: list[tuple[Key, Slot]], *, path: Cell, sub: Nested, used: set[Key]) -> None:
        unknown = [k for k in sub if k not in used]
        if unknown:
            key = sorted(unknown, key=repr)[0]
            raise SpecError("unknown-key", spell((path, key)), f"no attribute {key!r} in the GraphDef")
        n = self.nodes[node_id]
        assert n is not None  # sanity check
        self.nodes[node_id] = dataclasses.replace(n, entries=tuple(entries))

    def _attribute(self, path: Cell, sub: Nested, entries: list[tuple[Key, Slot]], used: set[Key]
                   ) -> tuple[int, int, Cell, Nested, list[tuple[Key, Slot]], set[Key]] | None:
        token = self.next()
        tag = token[0]
        key = cast(Key, token[1])  # str or int in blueprints; any hashable in hostile states
        cell: Cell = (path, key)
        present = key in sub
        value = sub.get(key)
        if present:
            used.add(key)
        if tag == "static":
            if present:
                raise SpecError("static-in-state", spell(cell), "static attributes live in the GraphDef")
            entries.append((key, StaticSlot(StaticModel(str(token[2]), str(token[3])))))
            return None
        if tag == "varref":
            entries.append((key, VarSlot(self.var_by_index[int(token[2])])))  # type: ignore[arg-type]
            return None
        if tag == "variable":
            if not present:
                raise SpecError("missing-key", spell(cell), "a Variable of the GraphDef has no state leaf")
            if isinstance(value, dict):
                raise SpecError("subgraph-for-leaf", spell(cell), "a mapping stands where a Variable belongs")
            assert isinstance(value, (VarModel, RawLeaf))  # sanity check
            v = value if isinstance(value, VarModel) else value.typed(str(token[2]), token[4])  # type: ignore[arg-type]
            self.var_by_index[int(token[3])] = len(self.variables)  # type: ignore[arg-type]
            self.variables.append(v)
            entries.append((key, VarSlot(len(self.variables) - 1)))
            return None
        assert tag == "subgraph"  # sanity check
        if present and not isinstance(value, dict):
            raise SpecError("leaf-for-subgraph", spell(cell), "a state leaf stands where a subgraph belongs")
        head = self.next()
        if head[0] == "ref":
            entries.append((key, NodeSlot(self.node_by_index[int(head[1])])))  # type: ignore[arg-type]
            return None
        child = self._open(head)
        entries.append((key, NodeSlot(child)))
        sub_state: Nested = value if isinstance(value, dict) else {}
        return (child, int(head[4]), cell, sub_state, [], set())  # type: ignore[arg-type]


@paused_gc
def merge(tokens: Sequence[Token], *states: Sequence[tuple[Path, StateLeaf]]) -> Model:
    """Return the model of ``merge(graphdef, *states)``; raise ``SpecError`` where it must fail."""
    return canonical(_Builder(tokens).build(nest(merge_states(*states))))


def rebuild(m: Model) -> Model:
    """Return ``m`` with every pytree occurrence made a distinct container (what merge gives)."""
    tokens, flat = flatten(m)
    return merge(tokens, flat)


def clone(m: Model) -> Model:
    """Return the model of ``clone(x)``: isomorphic to ``x`` with pytree containers unaliased."""
    return rebuild(m)


def leaves_of(flat: FlatState) -> Mapping[Path, VarModel]:
    """Return a flat state as a path -> leaf mapping."""
    return dict(flat)
