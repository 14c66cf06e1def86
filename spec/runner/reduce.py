"""Reducing a failure on a graph with a scale tail.

Hypothesis cannot shrink a scale tail below its floor (a spine of 100 levels, a module of 300
attributes: ``strategies._scale``), so a failure that needs some part of the tail (a module
inside a list of the spine, say) is reported with all of it: a 99-node chain and a reproducer
of a thousand lines.  ``reduce_case`` takes such a case apart after the search: it splices out
links of one entry (a node whose only entry is a node, held by one edge) and drops static
entries of modules, dicts and containers, in halves, then quarters, down to one at a time,
keeping each change under which the law still fails, until no change helps or the budget is
spent.  The result is a real counterexample (the law fails on it), usually of a few nodes.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Callable, Sequence

from spec.blueprint import Blueprint, BlueprintError, Edge, Key, ToNode, ToStatic
from spec.laws import Case

__all__ = ["Budget", "reduce_case"]

Unit = tuple[int, Key | None]
"""What one step may remove: ``(node, None)`` splices a link out, ``(node, key)`` drops the
static entry at ``key``."""

_DROPPABLE = ("module", "dict", "container")
"""Node kinds whose static entries can go without renumbering the others."""


@dataclasses.dataclass
class Budget:
    """At most ``checks`` law runs and ``seconds`` of wall time."""

    checks: int = 150
    seconds: float = 30.0


def reduce_case(case: Case, still_fails: Callable[[Case], bool], budget: Budget) -> Case:
    """Return a smaller case than ``case`` on which ``still_fails`` holds (``case`` itself when
    no removal keeps the failure)."""
    deadline = time.monotonic() + budget.seconds
    checks = budget.checks
    size = len(_units(case.graph))
    while size > 0 and checks > 0 and time.monotonic() < deadline:
        units = _units(case.graph)
        size = min(size, len(units))
        kept = None
        for start in range(0, len(units), max(size, 1)):
            smaller = _without(case.graph, units[start : start + size])
            if smaller is None:
                continue
            checks -= 1
            candidate = dataclasses.replace(case, graph=smaller)
            if still_fails(candidate):
                kept = candidate
                break
            if checks <= 0 or time.monotonic() >= deadline:
                break
        if kept is None:
            size //= 2  # one at a time found nothing: size 0 ends the loop
        else:
            case = kept
    return case


def _units(bp: Blueprint) -> list[Unit]:
    """The links of ``bp`` (nodes but the root whose only entry is a node and that one edge
    holds), then its droppable static entries."""
    held = Counter(e.index for _, _, e in bp.edges() if isinstance(e, ToNode))
    links: list[Unit] = [
        (i, None)
        for i, n in enumerate(bp.nodes)
        if i and held[i] == 1 and len(n.entries) == 1 and isinstance(n.entries[0][1], ToNode)
    ]
    statics: list[Unit] = [
        (i, k)
        for i, n in enumerate(bp.nodes)
        if n.kind in _DROPPABLE
        for k, e in n.entries
        if isinstance(e, ToStatic)
    ]
    return links + statics


def _without(bp: Blueprint, units: Sequence[Unit]) -> Blueprint | None:
    """``bp`` with ``units`` removed, or None where the result is not a valid blueprint."""
    links = {i for i, k in units if k is None}
    dropped = {(i, type(k), k) for i, k in units if k is not None}

    def through(index: int) -> int:
        seen = set()
        while index in links and index not in seen:
            seen.add(index)
            ((_, e),) = bp.nodes[index].entries
            assert isinstance(e, ToNode)  # sanity check: a link's only entry is a node
            index = e.index
        return index

    kept = [i for i in range(len(bp.nodes)) if i not in links]
    new_index = {old: new for new, old in enumerate(kept)}

    def edge(e: Edge) -> Edge:
        return ToNode(new_index[through(e.index)]) if isinstance(e, ToNode) else e

    nodes = []
    for i in kept:
        n = bp.nodes[i]
        entries = tuple((k, edge(e)) for k, e in n.entries if (i, type(k), k) not in dropped)
        nodes.append(dataclasses.replace(n, entries=entries))
    try:
        return Blueprint(tuple(nodes), bp.variables)
    except (BlueprintError, KeyError):
        return None
