"""Filtering: how ``split``, ``state``, ``variables`` and ``pop`` sort leaves into groups.

Seed: ``State.split`` / ``State.filter`` / ``filterlib.filters_to_predicates``.

* Filters are checked first: a ``...`` / ``True`` followed by another filter is
  ``misplaced-catch-all``; a term that is not a filter is ``invalid-filter``.
* Each leaf of the flat state goes to the *first* filter that matches it (``first_match``).
* ``split`` demands that every leaf is placed (``non-exhaustive`` otherwise); ``state`` and
  ``variables`` drop the remainder.
* Arity: no filter gives the whole state; one filter gives one group; ``n >= 2`` filters give a
  tuple of ``n`` groups, for ``variables`` too (deviation D-3: the seed returns ``n + 2``).
"""

from __future__ import annotations

from collections.abc import Sequence

from spec.errors import SpecError
from spec.filters import FilterSpec, first_match, has_invalid, misplaced_catch_all
from spec.model import Model, Path, VarModel
from spec.semantics.flatten import FlatState, flatten

__all__ = ["check_filters", "partition", "split", "state_groups"]


def check_filters(filters: Sequence[FilterSpec], *, last_position_rule: bool = True) -> None:
    """Raise SpecError if ``filters`` break the last-position rule or hold a non-filter."""
    i = misplaced_catch_all(filters) if last_position_rule else None
    if i is not None:
        raise SpecError("misplaced-catch-all", (), f"`...` or True at index {i} is not last")
    for f in filters:
        if has_invalid(f):
            raise SpecError("invalid-filter", (), f"{f!r} is not a filter")


def partition(
    flat: FlatState, filters: Sequence[FilterSpec], *, last_position_rule: bool = True
) -> tuple[tuple[FlatState, ...], FlatState]:
    """Return one group per filter (first match wins) and the remainder."""
    check_filters(filters, last_position_rule=last_position_rule)
    groups: list[list[tuple[Path, VarModel]]] = [[] for _ in filters]
    rest: list[tuple[Path, VarModel]] = []
    for path, v in flat:
        i = first_match(filters, path, v.type_name, v.metadata_dict)
        (rest if i is None else groups[i]).append((path, v))
    return tuple(tuple(g) for g in groups), tuple(rest)


def split(m: Model, filters: Sequence[FilterSpec]) -> tuple[FlatState, ...]:
    """Return the states of ``split(x, *filters)`` (after the graphdef)."""
    _, flat = flatten(m)
    if not filters:
        return (flat,)
    groups, rest = partition(flat, filters)
    if rest:
        raise SpecError("non-exhaustive", rest[0][0], "no filter matches this leaf; end with `...`")
    return groups


def state_groups(m: Model, filters: Sequence[FilterSpec]) -> tuple[FlatState, ...]:
    """Return the groups of ``state(x, *filters)`` (one group for zero or one filter)."""
    _, flat = flatten(m)
    if not filters:
        return (flat,)
    return partition(flat, filters)[0]
