"""state and variables: one State for 0 or 1 filter, a tuple of States for 2+.

``state`` holds VariableState snapshots (a GraphState), ``variables`` the live Variables
(exact types: ``state_types.py``). Using the 2+ tuple as a State, a single State as a tuple,
or a non-filter is rejected.
"""

from __future__ import annotations

from typing import Any

import nnx_under_test as nnx


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)
        self.n = nnx.BatchStat(0)


m = Model()

s0: nnx.GraphState = nnx.state(m)  # accept
s1: nnx.GraphState = nnx.state(m, nnx.Param)  # accept
s2: tuple[nnx.GraphState, ...] = nnx.state(m, nnx.Param, nnx.BatchStat)  # accept
s4: tuple[nnx.GraphState, ...] = nnx.state(m, nnx.Param, nnx.BatchStat, "x", ...)  # accept
s_pytree: nnx.GraphState = nnx.state([m, {"a": m}])  # accept
params, stats = nnx.state(m, nnx.Param, nnx.BatchStat)  # accept

v0: nnx.State[nnx.Key, nnx.Variable[Any]] = nnx.variables(m)  # accept
v1: nnx.State[nnx.Key, nnx.Variable[Any]] = nnx.variables(m, nnx.Param)  # accept
v2: tuple[nnx.State[nnx.Key, nnx.Variable[Any]], ...] = nnx.variables(m, nnx.Param, ...)  # accept

one: nnx.GraphState = nnx.state(m, nnx.Param, nnx.BatchStat)  # type: ignore[assignment]
pair: tuple[nnx.GraphState, nnx.GraphState] = nnx.state(m, nnx.Param)  # type: ignore[assignment]
single: nnx.State[nnx.Key, nnx.Variable[Any]] = nnx.variables(m, nnx.Param, ...)  # type: ignore[assignment]
nnx.state(m, 1)  # type: ignore[call-overload]
nnx.variables(m, 1.5)  # type: ignore[call-overload]
