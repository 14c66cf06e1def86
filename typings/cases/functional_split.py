"""split: a GraphDef generic in the node type, then one State per filter (one if none).

Seed-level claims: 0 and 1 filter give exactly ``(GraphDef[M], GraphState)``; 2+ filters
give a GraphDef[M] then GraphStates. (Exact arities for 2 and 3 filters, which plain
unpacking needs, and ``split(m, *filters)`` are in ``precision_split.py``.)
"""

from __future__ import annotations

import nnx_under_test as nnx
from typing_extensions import assert_type


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)
        self.n = nnx.BatchStat(0)


m = Model()

# 0 and 1 filter: exactly a pair.
assert_type(nnx.split(m), tuple[nnx.GraphDef[Model], nnx.GraphState])
assert_type(nnx.split(m, ...), tuple[nnx.GraphDef[Model], nnx.GraphState])
assert_type(nnx.split(m, nnx.Param), tuple[nnx.GraphDef[Model], nnx.GraphState])

graphdef, state = nnx.split(m)
assert_type(graphdef, nnx.GraphDef[Model])
assert_type(state, nnx.GraphState)

# 2+ filters: a GraphDef then States.
assert_type(nnx.split(m, nnx.Param, ...)[0], nnx.GraphDef[Model])
assert_type(nnx.split(m, nnx.Param, ...)[1], nnx.GraphState)
assert_type(nnx.split(m, nnx.Param, nnx.BatchStat, ...)[-1], nnx.GraphState)
assert_type(nnx.split(m, nnx.Param, nnx.BatchStat, "rngs", nnx.Nothing(), ...)[0], nnx.GraphDef[Model])
first, *states = nnx.split(m, nnx.Param, nnx.BatchStat, "rngs", ...)
assert_type(first, nnx.GraphDef[Model])
assert_type(states, list[nnx.GraphState])

# Unpacking the wrong arity is rejected.
g0, s0, t0 = nnx.split(m)  # type: ignore[misc]
g1, s1, t1 = nnx.split(m, nnx.Param)  # type: ignore[misc]
g2, s2 = nnx.split(m, nnx.Param, ...)  # type: ignore[misc]

# A split's State is not a GraphDef, and the GraphDef is not of another node type.
wrong_state: nnx.GraphDef[Model] = nnx.split(m)[1]  # type: ignore[assignment]
wrong_node: nnx.GraphDef[int] = nnx.split(m)[0]  # type: ignore[assignment]
