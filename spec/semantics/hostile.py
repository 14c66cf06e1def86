"""The oracle for hostile inputs: what merge / update must do with any state, which graphs the
graph API must reject, and which update-context calls are out of order.

Pure functions, like the rest of ``spec.semantics``; the hostile operations themselves are
described in ``spec.hostile``.

* ``merge``: the plain oracle (``semantics.merge``), and a GraphDef whose root is a ``ref``
  (a bare NodeRef, meaningful only inside the context that made it) is ``noderef-root``.
* ``update``: the plain oracle, and a new attribute of a graph node needs a ``str`` name
  (``invalid-key``; seed: ``setattr`` takes names only).
* ``keys_fault``: the keys of one mapping must be mutually orderable (``invalid-key``; seed: jax
  sorts dict keys, D-8).
* ``graph_fault``: an array attribute (``array-attribute``, where arrays are not leaves), a
  pytree container that contains itself (``pytree-cycle``), a root that is not a node
  (``not-a-node``); an unhashable static is no fault of split (only ``hash(graphdef)`` fails,
  naming one of ``unhashable_statics``).
* ``merge_faults`` / ``update_faults``: every fault of a hostile input, not only the first (a
  target may find another one first; each is a place its message may name).
* ``protocol_steps``: the update-context protocol as a state machine (below).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

from spec.blueprint import Key
from spec.errors import SpecError
from spec.model import Model, NodeSlot, Path, StaticSlot, Token, VarModel
from spec.semantics.merge import Nested, StateLeaf, merge_states, nest
from spec.semantics.merge import merge as plain_merge
from spec.semantics.update import update as plain_update

__all__ = [
    "FRESH",
    "MERGED_IN",
    "SPLIT_IN",
    "SPLIT_OUT",
    "Step",
    "graph_fault",
    "keys_fault",
    "merge",
    "merge_faults",
    "protocol_steps",
    "unhashable_statics",
    "update",
    "update_faults",
]


def merge(tokens: Sequence[Token], *states: Sequence[tuple[Path, StateLeaf]]) -> Model:
    """Return the model of ``merge(graphdef, *states)`` for any states; raise SpecError where it
    must fail (``semantics.merge``, plus ``noderef-root``)."""
    if tokens and tokens[0][0] == "ref":
        raise SpecError(
            "noderef-root",
            (),
            "a GraphDef whose root is a NodeRef can only be merged in the context that made it",
        )
    return plain_merge(tokens, *states)


def update(
    m: Model, *states: Sequence[tuple[Path, StateLeaf]], mutable_dicts: bool = False
) -> Model:
    """Return the model of ``x`` after ``update(x, *states)`` for any states; raise SpecError where
    it must fail (``semantics.update``, plus ``invalid-key`` for a non-str new attribute name;
    ``mutable_dicts`` is the variant of targets declaring ``pytree-dicts-are-mutable``)."""
    nested = nest(merge_states(*states))
    stack: list[tuple[int, Path, Iterator[tuple[Key, Nested | StateLeaf]]]] = [
        (0, (), iter(nested.items()))
    ]
    while stack:
        node_id, path, items = stack[-1]
        item = next(items, None)
        if item is None:
            stack.pop()
            continue
        key, value = item
        node = m.nodes[node_id]
        current = node.get(key) if type(key) in (str, int) else _loose_get(node.entries, key)
        if current is None:
            if node.kind == "graph" and isinstance(value, VarModel) and type(key) is not str:
                raise SpecError(
                    "invalid-key",
                    (*path, key),
                    f"an attribute name must be a str, not {type(key).__name__}",
                )
        elif isinstance(current, NodeSlot) and isinstance(value, dict):
            stack.append((current.id, (*path, key), iter(value.items())))
    return plain_update(m, *states, mutable_dicts=mutable_dicts)


_FILLER = VarModel("Param", "float32", (), b"\x00\x00\x80?", ())
_DROPPED = (
    "unknown-key",
    "static-in-state",
    "leaf-for-subgraph",
    "not-a-variable",
    "immutable-node",
    "invalid-key",
)


def _repaired(
    flat: list[tuple[Path, StateLeaf]], e: SpecError
) -> list[tuple[Path, StateLeaf]] | None:
    """Return ``flat`` with the fault ``e`` removed (its entries dropped, a missing leaf or a leaf
    for a mapping supplied), or None if it cannot be repaired."""
    p = e.path
    kept = [(q, v) for q, v in flat if q[: len(p)] != p]
    if e.kind in _DROPPED:
        return kept
    if e.kind in ("subgraph-for-leaf", "missing-key"):
        return [*kept, (p, _FILLER)]
    return None


def _faults(
    check: Callable[[list[tuple[Path, StateLeaf]]], object],
    states: Sequence[Sequence[tuple[Path, StateLeaf]]],
    limit: int,
) -> list[SpecError]:
    flat: list[tuple[Path, StateLeaf]] | None = list(merge_states(*states))
    found: list[SpecError] = []
    while flat is not None and len(found) < limit:
        try:
            check(flat)
            break
        except SpecError as e:
            found.append(e)
            flat = _repaired(flat, e) if e.path else None
    return found


def merge_faults(
    tokens: Sequence[Token], *states: Sequence[tuple[Path, StateLeaf]], limit: int = 1000
) -> list[SpecError]:
    """Return every fault of ``merge(graphdef, *states)``, in the oracle's order: the first error,
    then the first error once that one is repaired, and so on (empty if the merge succeeds).

    A target with several faults in its input may report any of them first; each is a place at
    fault its message may name.
    """
    return _faults(lambda flat: merge(tokens, flat), states, limit)


def update_faults(
    m: Model,
    *states: Sequence[tuple[Path, StateLeaf]],
    mutable_dicts: bool = False,
    limit: int = 1000,
) -> list[SpecError]:
    """Return every fault of ``update(x, *states)`` (see ``merge_faults``)."""
    return _faults(lambda flat: update(m, flat, mutable_dicts=mutable_dicts), states, limit)


def _loose_get(entries: Sequence[tuple[Key, object]], key: object) -> object:
    """Return the slot a dict lookup with ``key`` finds (``True`` finds ``1``, as in Python)."""
    for k, slot in entries:
        if k == key:
            return slot
    return None


def keys_fault(keys: Sequence[object], path: Path) -> SpecError | None:
    """Return the ``invalid-key`` error for a mapping at ``path`` whose ``keys`` cannot be
    hashed or sorted."""
    try:
        for key in keys:
            hash(key)
        sorted(cast(Sequence[Any], keys))  # orderability is what is being checked
    except TypeError as e:
        return SpecError(
            "invalid-key", path, f"keys {list(keys)!r} cannot be hashed and ordered: {e}"
        )
    return None


def graph_fault(kind: str, path: Path, *, arrays_are_errors: bool = True) -> SpecError | None:
    """Return the error split / state / graphdef / clone must raise for a graph with a hostile
    part of ``kind`` at ``path`` (``ArrayAttribute`` -> ``array``, ...), or None if it is fine.

    ``arrays_are_errors`` is the target's variant (``Capability.ARRAY_ATTRIBUTES_ARE_ERRORS``).
    """
    if kind == "array":
        return (
            SpecError("array-attribute", path, "wrap arrays in a Variable")
            if arrays_are_errors
            else None
        )
    if kind == "cycle":
        return SpecError("pytree-cycle", path, "a pytree container contains itself")
    if kind == "root":
        return SpecError("not-a-node", (), "the root is not a graph node or pytree")
    return None


UNHASHABLE_TYPES = ("set", "frozenset", "list", "dict")
"""Static value types that cannot be hashed (``spec.blueprint.Unhashable``)."""


def unhashable_statics(m: Model) -> list[Path]:
    """Return every path of ``m`` holding an unhashable static: ``hash(graphdef)`` fails there."""
    return [
        p
        for p, slot, _ in m.walk()
        if isinstance(slot, StaticSlot) and slot.value.type_name in UNHASHABLE_TYPES
    ]


# --- the update-context protocol as a state machine --------------------------------------------

FRESH, SPLIT_OUT, MERGED_IN, SPLIT_IN = "fresh", "split-out", "merged-in", "split-in"
"""Phases: no round begun (or the last one complete), after (1), after (2), after (3)."""


@dataclasses.dataclass(frozen=True)
class Step:
    """The oracle's verdict on one call of a ``ContextCalls`` sequence.

    ``role`` is what a successful call is (``outer-split``, ``inner-merge``, ``inner-split``,
    ``outer-merge``, ``exit``, ``current``); ``error`` is set where the call must fail; ``graph``
    says which graph the call acts on (``outer`` or ``inner``); ``mapped`` says whether the pair
    a merge uses carries outer indices (it came from an inner split).
    """

    call: str
    role: str | None
    error: SpecError | None
    phase: str
    graph: str
    mapped: bool


def protocol_steps(calls: Sequence[str], tag: str = "nnxspec") -> list[Step]:
    """Say what each call of an update-context call sequence must do (seed: ``UpdateContext``,
    with deviation D-11: the protocol is checked).

    One round is (1) outer split, (2) inner merge, (3) inner split, (4) outer merge; then a new
    round may begin.  A split is (1) in phase ``fresh`` and (3) after (2); a merge is (2) after
    (1) with a pair that carries no outer indices, and (4) after (3) with the pair (3) returned.
    Any other call is ``context-order``, and so is every call after ``exit``; a rejected call
    changes nothing (the phase stays).  ``merge_ref`` (a NodeRef GraphDef) is ``noderef-root``.
    ``current`` is ``no-context`` after ``exit``.  A second ``exit`` does nothing.
    """
    phase, closed, mapped = FRESH, False, False
    out: list[Step] = []
    for call in calls:
        graph = "inner" if phase in (MERGED_IN, SPLIT_IN) else "outer"
        role: str | None = None
        error: SpecError | None = None
        uses = mapped if call == "merge" else False
        if call == "exit":
            role, closed = "exit", True
        elif call == "current":
            if closed:
                error = SpecError("no-context", (tag,), "the context has exited")
            else:
                role = "current"
        elif closed:
            error = SpecError("context-order", (), f"{call} on an update context that has exited")
        elif call == "merge_ref":
            error = SpecError(
                "noderef-root", (), "UpdateContext.merge needs a GraphDef whose root is a node"
            )
        elif call == "split":
            if phase == FRESH:
                role, phase, mapped = "outer-split", SPLIT_OUT, False
            elif phase == MERGED_IN:
                role, phase, mapped = "inner-split", SPLIT_IN, True
            else:
                error = SpecError("context-order", (), f"split in phase {phase}")
        else:  # merge, merge_plain
            if phase == SPLIT_OUT and not uses:
                role, phase = "inner-merge", MERGED_IN
            elif phase in (SPLIT_OUT, SPLIT_IN) and uses:
                role, phase = "outer-merge", FRESH
            else:
                error = SpecError("context-order", (), f"{call} in phase {phase}")
        out.append(Step(call, role, error, phase, graph, uses))
    return out
