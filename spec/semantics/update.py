"""update: what ``update(x, state, *states)`` must do to a graph.

Seed: ``graph.py update / _graph_update_dynamic``, with deviations D-2 (atomic) and the
new-Variable rule.  The states are merged (later wins) and read as a nested mapping; for each key
of each level, against the node reached so far:

* the key is new: on a pytree container it is ``immutable-node``; on a graph node a typed leaf
  creates a new Variable (never a stored VariableState); a raw value or a mapping cannot create
  anything (``unknown-key``);
* the node holds a subgraph there: a mapping recurses, a leaf is ``leaf-for-subgraph``;
* it holds a Variable: a typed leaf replaces value and metadata (the Variable keeps its type and
  identity), a raw leaf replaces the value; a mapping is ``subgraph-for-leaf``;
* it holds a static value: ``not-a-variable``.

A shared Variable or subgraph reached by several state paths is updated at each, the last one
winning.  If any step fails, nothing changes (the oracle works on a ``Draft``).  With
``mutable_dicts`` (the variant of targets declaring ``pytree-dicts-are-mutable``, flax >= 0.11.1)
a plain ``dict`` container takes new keys like a graph node.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from spec.blueprint import Key
from spec.errors import SpecError
from spec.model import Model, NodeSlot, Path, StaticSlot, VarModel, VarSlot
from spec.semantics.merge import Nested, RawLeaf, StateLeaf, merge_states, nest
from spec.semantics.mutable import Draft

__all__ = ["update"]


def _set_leaf(d: Draft, var_id: int, leaf: StateLeaf) -> None:
    old = d.variables[var_id]
    if isinstance(leaf, RawLeaf):
        d.variables[var_id] = VarModel(
            old.type_name, leaf.dtype, leaf.shape, leaf.data, old.metadata
        )
    else:
        d.variables[var_id] = VarModel(
            old.type_name, leaf.dtype, leaf.shape, leaf.data, leaf.metadata
        )


def update(
    m: Model, *states: Sequence[tuple[Path, StateLeaf]], mutable_dicts: bool = False
) -> Model:
    """Return the model of ``x`` after ``update(x, *states)``; raise SpecError where it must
    fail."""
    d = Draft(m)
    stack: list[tuple[int, Path, Iterator[tuple[Key, Nested | StateLeaf]]]] = [
        (0, (), iter(nest(merge_states(*states)).items()))
    ]
    while stack:
        node_id, path, items = stack[-1]
        item = next(items, None)
        if item is None:
            stack.pop()
            continue
        key, value = item
        node = d.nodes[node_id]
        where: Path = (*path, key)
        current = node.entries.get(key)
        if current is None:
            if node.kind == "pytree" and not (mutable_dicts and node.type_name == "dict"):
                raise SpecError("immutable-node", where, f"cannot add a key to a {node.type_name}")
            if not isinstance(value, VarModel):
                raise SpecError(
                    "unknown-key", where, "only a typed state leaf can create an attribute"
                )
            node.entries[key] = VarSlot(d.add_variable(value))
        elif isinstance(current, NodeSlot):
            if not isinstance(value, dict):
                raise SpecError(
                    "leaf-for-subgraph", where, "a state leaf stands where a subgraph is"
                )
            stack.append((current.id, where, iter(value.items())))
        elif isinstance(current, VarSlot):
            if isinstance(value, dict):
                raise SpecError("subgraph-for-leaf", where, "a mapping stands where a Variable is")
            _set_leaf(d, current.id, value)
        else:
            assert isinstance(current, StaticSlot)  # sanity check
            raise SpecError("not-a-variable", where, "a static attribute cannot be updated")
    return d.freeze()
