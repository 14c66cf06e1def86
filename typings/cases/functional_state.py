"""state and variables: one State for 0 or 1 filter, a tuple of States for 2+.

``state`` holds VariableState snapshots (a GraphState); ``variables`` holds the live
Variables. Using the 2+ tuple as a State, or a non-filter, is rejected.
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

assert_type(nnx.state(m), nnx.GraphState)
assert_type(nnx.state(m, nnx.Param), nnx.GraphState)
assert_type(nnx.state(m, nnx.Param, nnx.BatchStat), tuple[nnx.GraphState, ...])
assert_type(nnx.state(m, nnx.Param, nnx.BatchStat, "x", ...), tuple[nnx.GraphState, ...])
assert_type(nnx.state([m, {"a": m}]), nnx.GraphState)

assert_type(nnx.variables(m), nnx.State[nnx.Key, nnx.Variable[Any]])
assert_type(nnx.variables(m, nnx.Param), nnx.State[nnx.Key, nnx.Variable[Any]])
assert_type(nnx.variables(m, nnx.Param, ...), tuple[nnx.State[nnx.Key, nnx.Variable[Any]], ...])

params, stats = nnx.state(m, nnx.Param, nnx.BatchStat)  # accept
assert_type(params, nnx.GraphState)

one: nnx.GraphState = nnx.state(m, nnx.Param, nnx.BatchStat)  # type: ignore[assignment]
pair: tuple[nnx.GraphState, nnx.GraphState] = nnx.state(m, nnx.Param)  # type: ignore[assignment]
nnx.state(m, 1)  # type: ignore[call-overload]
nnx.variables(m, 1.5)  # type: ignore[call-overload]
