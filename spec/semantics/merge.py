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

from spec.blueprint import Key, MetaValue
from spec.errors import SpecError
from spec.model import (
    Model,
    NodeKind,
    NodeModel,
    NodeSlot,
    Path,
    Slot,
    StaticModel,
    StaticSlot,
    Token,
    VarModel,
    VarSlot,
    canonical,
)
from spec.semantics.flatten import FlatState, flatten

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
                raise SpecError(
                    "subgraph-for-leaf", path[: i + 1], "a state path runs through a leaf"
                )
            d = nxt
        d[path[-1]] = leaf
    return root


def _int(value: object) -> int:
    """A token's index or count (tokens are plain tuples; these places always hold ints)."""
    assert isinstance(value, int)  # sanity check
    return value


class _Builder:
    """Reads a token stream depth-first, building nodes and Variables (see the module docstring)."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = iter(tokens)
        self.nodes: list[NodeModel] = []
        self.variables: list[VarModel] = []
        self.node_by_index: dict[int, int] = {}
        self.var_by_index: dict[int, int] = {}

    def build(self, state: Nested) -> Model:
        head = next(self.tokens)
        if head[0] != "node":
            raise SpecError(
                "missing-key", (), "the root of a GraphDef must be a node, not a reference"
            )
        self.node(head, (), state)
        return Model(tuple(self.nodes), tuple(self.variables))

    def node(self, head: Token, path: Path, sub: Nested) -> int:
        """Build the node ``head`` opens, at ``path``, from the state's sub-mapping ``sub``."""
        _, kind, type_name, index, count = head
        node_id = len(self.nodes)
        positional = kind == "pytree" and type_name != "dict"
        self.nodes.append(
            NodeModel(cast(NodeKind, kind), str(type_name), (), positional=positional)
        )
        if kind == "graph":
            self.node_by_index[_int(index)] = node_id
        entries = tuple([self.attribute(path, sub) for _ in range(_int(count))])
        unknown = [k for k in sub if k not in {key for key, _ in entries}]
        if unknown:
            key = sorted(unknown, key=repr)[0]
            raise SpecError("unknown-key", (*path, key), f"no attribute {key!r} in the GraphDef")
        self.nodes[node_id] = dataclasses.replace(self.nodes[node_id], entries=entries)
        return node_id

    def attribute(self, path: Path, sub: Nested) -> tuple[Key, Slot]:
        """Read one attribute of the node at ``path``: its key and what it holds."""
        token = next(self.tokens)
        tag = token[0]
        key = cast(Key, token[1])  # str or int in blueprints; any hashable in hostile states
        at, present, value = (*path, key), key in sub, sub.get(key)
        if tag == "static":
            if present:
                raise SpecError("static-in-state", at, "static attributes live in the GraphDef")
            return key, StaticSlot(StaticModel(str(token[2]), str(token[3])))
        if tag == "varref":
            return key, VarSlot(self.var_by_index[_int(token[2])])
        if tag == "variable":
            return key, VarSlot(self.variable(token, at, present, value))
        if present and not isinstance(value, dict):
            raise SpecError("leaf-for-subgraph", at, "a state leaf stands where a subgraph belongs")
        head = next(self.tokens)
        if head[0] == "ref":
            return key, NodeSlot(self.node_by_index[_int(head[1])])
        return key, NodeSlot(self.node(head, at, value if isinstance(value, dict) else {}))

    def variable(
        self, token: Token, at: Path, present: bool, value: Nested | StateLeaf | None
    ) -> int:
        """Build the new Variable ``token`` declares from the state's leaf ``value`` at ``at``."""
        if not present:
            raise SpecError("missing-key", at, "a Variable of the GraphDef has no state leaf")
        if isinstance(value, dict):
            raise SpecError("subgraph-for-leaf", at, "a mapping stands where a Variable belongs")
        assert isinstance(value, (VarModel, RawLeaf))  # sanity check
        metadata = cast(tuple[tuple[str, MetaValue], ...], token[4])
        v = value if isinstance(value, VarModel) else value.typed(str(token[2]), metadata)
        self.var_by_index[_int(token[3])] = len(self.variables)
        self.variables.append(v)
        return len(self.variables) - 1


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
