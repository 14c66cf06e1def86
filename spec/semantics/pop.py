"""pop: what ``pop(x, *filters)`` must remove and return.

Seed: ``graph.py pop / _graph_pop``, with deviation D-4 (every alias is removed) and D-2
(atomic).  pop visits every node once, pytree containers included (unlike split, which
flattens a container anew at every occurrence: ``Model.walk(pytrees_again=False)``).  Each
distinct Variable, at its first path in that walk, goes to the first filter that matches; matched
Variables are returned (one state per filter) and *every* entry that holds one is removed.  An
entry inside a pytree container cannot be removed (``immutable-node``), and then nothing is removed
at all.  No filter at all is ``no-filter``. With ``mutable_dicts`` (the variant of targets
declaring ``pytree-dicts-are-mutable``, flax >=
0.11.1) entries of plain ``dict`` containers are removed in place like attributes.
"""

from __future__ import annotations

from collections.abc import Sequence

from spec.errors import SpecError
from spec.filters import FilterSpec
from spec.model import Model, VarSlot
from spec.semantics.flatten import FlatState
from spec.semantics.mutable import Draft
from spec.semantics.partition import partition

__all__ = ["pop"]


def pop(
    m: Model, filters: Sequence[FilterSpec], *, mutable_dicts: bool = False
) -> tuple[Model, tuple[FlatState, ...]]:
    """Return the model after ``pop`` and the popped states; raise SpecError where it must fail.

    ``pop`` checks each filter but not the last-position rule (seed: ``to_predicate`` per filter).
    """
    if not filters:
        raise SpecError("no-filter", (), "pop needs at least one filter")
    visits = list(m.walk(pytrees_again=False))
    flat = tuple(
        (path, m.variables[slot.id])
        for path, slot, first in visits
        if first and isinstance(slot, VarSlot)
    )
    groups, _ = partition(flat, filters, last_position_rule=False)
    popped_paths = {path for g in groups for path, _ in g}
    popped = {
        slot.id
        for path, slot, first in visits
        if first and isinstance(slot, VarSlot) and path in popped_paths
    }
    d = Draft(m)
    removals = []
    for path, slot, _ in visits:
        if isinstance(slot, VarSlot) and slot.id in popped:
            parent = d.node_at(path[:-1])
            if d.nodes[parent].kind == "pytree" and not (
                mutable_dicts and d.nodes[parent].type_name == "dict"
            ):
                raise SpecError(
                    "immutable-node", path, f"cannot pop from a {d.nodes[parent].type_name}"
                )
            removals.append((parent, path[-1]))
    for parent, key in removals:
        d.nodes[parent].entries.pop(key, None)
    return d.freeze(), groups
