"""split, precisely: the exact arity for 2 and 3 filters, and a sound ``split(m, *filters)``.

[precision] beyond the seed's annotations, which give every 2+ call ``tuple[GraphDef[A],
GraphState, *tuple[GraphState, ...]]``: "a split with two filters returns exactly three
things". With the seed's type mypy rejects the documented ``graphdef, params, rest =
nnx.split(model, nnx.Param, ...)`` (a variadic tuple needs a star target) and accepts
unpacking it into four names.

A splatted sequence of unknown length may hold any number of filters: the result keeps the
node type and has at least one State (mypy unpacks it only with a star target).
"""

from __future__ import annotations

from typing import Any

import nnx_under_test as nnx
from typing_extensions import assert_type


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)
        self.n = nnx.BatchStat(0)


m = Model()

graphdef, params, rest = nnx.split(m, nnx.Param, ...)  # accept
assert_type(graphdef, nnx.GraphDef[Model])
as_state: nnx.State[Any, Any] = rest  # accept
g3, p3, b3, r3 = nnx.split(m, nnx.Param, nnx.BatchStat, ...)  # accept
as_state3: nnx.State[Any, Any] = nnx.split(m, nnx.Param, nnx.BatchStat, ...)[3]  # accept
g2, a2, b2, c2 = nnx.split(m, nnx.Param, ...)  # type: ignore[misc]
g4, a4, b4, c4, d4 = nnx.split(m, nnx.Param, nnx.BatchStat, ...)  # type: ignore[misc]


def splat(filters: tuple[nnx.Filter, ...], more: list[nnx.Filter]) -> None:
    assert_type(nnx.split(m, *filters)[0], nnx.GraphDef[Model])
    _as_state: nnx.State[Any, Any] = nnx.split(m, *filters)[1]  # accept
    assert_type(nnx.split(m, nnx.Param, *more)[0], nnx.GraphDef[Model])
    graphdef, *_states = nnx.split(m, *more)  # accept
    assert_type(graphdef, nnx.GraphDef[Model])
