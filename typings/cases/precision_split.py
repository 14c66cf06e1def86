"""split, precisely: the exact arity for 2 and 3 filters, and a sound ``split(m, *filters)``.

[precision] beyond the seed's annotations (``tuple[GraphDef[A], GraphState,
*tuple[GraphState, ...]]`` for every 2+ call): "a split with two filters returns exactly
three things". A splatted sequence of unknown length may hold 0 or 1 filter, so its result
keeps the node type and gives at least one State.

With the seed's annotations mypy rejects the documented ``graphdef, params, rest =
nnx.split(model, nnx.Param, ...)``: a variadic tuple needs a star target.
"""

from __future__ import annotations

import nnx_under_test as nnx
from typing_extensions import assert_type


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)
        self.n = nnx.BatchStat(0)


m = Model()

assert_type(nnx.split(m, nnx.Param, ...), tuple[nnx.GraphDef[Model], nnx.GraphState, nnx.GraphState])
assert_type(nnx.split(m, nnx.Param, ...)[2], nnx.GraphState)
assert_type(nnx.split(m, nnx.Param, nnx.BatchStat, ...)[3], nnx.GraphState)
graphdef, params, rest = nnx.split(m, nnx.Param, ...)  # accept
assert_type(params, nnx.GraphState)
g3, p3, b3, r3 = nnx.split(m, nnx.Param, nnx.BatchStat, ...)  # accept
assert_type(
    nnx.split(m, nnx.Param, nnx.BatchStat, ...),
    tuple[nnx.GraphDef[Model], nnx.GraphState, nnx.GraphState, nnx.GraphState],
)
g2, a2, b2, c2 = nnx.split(m, nnx.Param, ...)  # type: ignore[misc]
g3, a3, b3, c3, d3 = nnx.split(m, nnx.Param, nnx.BatchStat, ...)  # type: ignore[misc]


# A splatted sequence may hold any number of filters: the GraphDef keeps the node type, and
# there is at least one State. (mypy unpacks such a result only with a star target.)
def splat(filters: tuple[nnx.Filter, ...], more: list[nnx.Filter]) -> None:
    assert_type(nnx.split(m, *filters)[0], nnx.GraphDef[Model])
    assert_type(nnx.split(m, *filters)[1], nnx.GraphState)
    assert_type(nnx.split(m, nnx.Param, *more)[0], nnx.GraphDef[Model])
    graphdef, *states = nnx.split(m, *more)  # accept
    assert_type(graphdef, nnx.GraphDef[Model])
    assert_type(states, list[nnx.GraphState])
