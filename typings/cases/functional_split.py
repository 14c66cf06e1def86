"""split: a ``GraphDef[M]`` first, then one State per filter (one if none).

Shape claims at the seed's precision: 0 and 1 filter give exactly a pair; 2+ filters give a
GraphDef[M] then States (``State[Any, Any]`` here: the exact State type is
``state_types.py``, so that a target with other State parameters fails there only). Exact arities
for 2 and 3 filters, which plain unpacking needs, and ``split(m, *filters)`` are
``precision_split.py``.
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

# 0 and 1 filter: exactly a pair (plain unpacking needs a fixed length).
graphdef, state = nnx.split(m)  # accept
assert_type(graphdef, nnx.GraphDef[Model])
as_state: nnx.State[Any, Any] = state  # accept
graphdef1, state1 = nnx.split(m, nnx.Param)  # accept
assert_type(graphdef1, nnx.GraphDef[Model])
graphdef_all, state_all = nnx.split(m, ...)  # accept
assert_type(graphdef_all, nnx.GraphDef[Model])

# 2+ filters: a GraphDef then States.
assert_type(nnx.split(m, nnx.Param, ...)[0], nnx.GraphDef[Model])
as_state2: nnx.State[Any, Any] = nnx.split(m, nnx.Param, ...)[1]  # accept
assert_type(
    nnx.split(m, nnx.Param, nnx.BatchStat, "rngs", nnx.Nothing(), ...)[0], nnx.GraphDef[Model]
)
first, *states = nnx.split(m, nnx.Param, nnx.BatchStat, "rngs", ...)  # accept
assert_type(first, nnx.GraphDef[Model])
as_states: list[nnx.State[Any, Any]] = states  # accept

# Unpacking the wrong arity is rejected.
g0, s0, t0 = nnx.split(m)  # type: ignore[misc]
g1, s1, t1 = nnx.split(m, nnx.Param)  # type: ignore[misc]
g2, s2 = nnx.split(m, nnx.Param, ...)  # type: ignore[misc]

# The State is not a GraphDef, and the GraphDef is not of another node type.
wrong_state: nnx.GraphDef[Model] = nnx.split(m)[1]  # type: ignore[assignment]
wrong_node: nnx.GraphDef[int] = nnx.split(m)[0]  # type: ignore[assignment]
