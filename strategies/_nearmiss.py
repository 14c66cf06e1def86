"""The near-miss strategy: a graph's near miss (``spec.nearmiss``), aspect and place drawn."""

from __future__ import annotations

from hypothesis import strategies as st

from spec.blueprint import Blueprint
from spec.nearmiss import NEAR_MISS_ASPECTS, near_miss
from strategies._validation import lazy

__all__ = ["near_misses"]


@st.composite
def _near_misses(draw: st.DrawFn, graph: Blueprint) -> tuple[str, Blueprint]:
    applicable = [a for a in NEAR_MISS_ASPECTS if near_miss(graph, a, lambda n: 0) is not None]
    if not applicable:
        return "none", graph
    aspect = draw(st.sampled_from(applicable))
    found = near_miss(graph, aspect, lambda n: draw(st.integers(0, n - 1)))
    assert found is not None  # sanity check: an aspect that applies applies at every place
    return aspect, found


def near_misses(graph: Blueprint) -> st.SearchStrategy[tuple[str, Blueprint]]:
    """Return a strategy for ``(aspect, other)``: ``other`` is ``graph`` changed in one aspect
    that applies to it, every applicable aspect equally likely (``("none", graph)`` when none
    does).  Shrinks towards the first aspect of ``NEAR_MISS_ASPECTS`` that applies, at its first
    place."""
    return lazy(lambda: _near_misses(graph))
