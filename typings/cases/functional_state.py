"""state and variables: one State for 0 or 1 filter, a tuple of States for 2+.

``state`` holds VariableState snapshots, ``variables`` the live Variables (their exact
State types: ``state_types.py``). Using the 2+ tuple as a State, a single State as a tuple,
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

s0: nnx.State[Any, Any] = nnx.state(m)  # accept
s1: nnx.State[Any, Any] = nnx.state(m, nnx.Param)  # accept
s2: tuple[nnx.State[Any, Any], ...] = nnx.state(m, nnx.Param, nnx.BatchStat)  # accept
s4: tuple[nnx.State[Any, Any], ...] = nnx.state(m, nnx.Param, nnx.BatchStat, "x", ...)  # accept
s_pytree: nnx.State[Any, Any] = nnx.state([m, {"a": m}])  # accept
params, stats = nnx.state(m, nnx.Param, nnx.BatchStat)  # accept

v0: nnx.State[Any, Any] = nnx.variables(m)  # accept
v1: nnx.State[Any, Any] = nnx.variables(m, nnx.Param)  # accept
v2: tuple[nnx.State[Any, Any], ...] = nnx.variables(m, nnx.Param, ...)  # accept

one: nnx.State[Any, Any] = nnx.state(m, nnx.Param, nnx.BatchStat)  # type: ignore[assignment]
pair: tuple[nnx.State[Any, Any], nnx.State[Any, Any]] = nnx.state(m, nnx.Param)  # type: ignore[assignment]
single: nnx.State[Any, Any] = nnx.variables(m, nnx.Param, ...)  # type: ignore[assignment]
nnx.state(m, 1)  # type: ignore[call-overload]
nnx.variables(m, 1.5)  # type: ignore[call-overload]
