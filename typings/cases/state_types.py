"""The State types are exact: ``split`` / ``state`` / ``pop`` / ``flatten`` give ``GraphState =
State[Key, VariableState[Any]]``; ``variables`` gives ``State[Key, Variable[Any]]``. (The other
case files only need a ``State[Any, Any]``, so a target whose States have other parameters, e.g.
``State[Any, Any]`` or a union of leaf types, fails here only.)
"""

from __future__ import annotations

from typing import Any

import nnx_under_test as nnx
from typing_extensions import assert_type


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)
        self.c = nnx.Cache(0)


m = Model()

assert_type(nnx.split(m), tuple[nnx.GraphDef[Model], nnx.GraphState])
assert_type(nnx.split(m, nnx.Param), tuple[nnx.GraphDef[Model], nnx.GraphState])
assert_type(nnx.split(m, nnx.Param, ...)[1], nnx.GraphState)
assert_type(nnx.state(m), nnx.GraphState)
assert_type(nnx.state(m, nnx.Param), nnx.GraphState)
assert_type(nnx.state(m, nnx.Param, ...), tuple[nnx.GraphState, ...])
assert_type(nnx.variables(m), nnx.State[nnx.Key, nnx.Variable[Any]])
assert_type(nnx.variables(m, nnx.Param, ...), tuple[nnx.State[nnx.Key, nnx.Variable[Any]], ...])
assert_type(nnx.pop(m, nnx.Cache), nnx.GraphState)
assert_type(nnx.pop(m, nnx.Cache, nnx.Param), tuple[nnx.GraphState, ...])
assert_type(nnx.flatten(m), tuple[nnx.GraphDef[Model], nnx.GraphState])
assert_type(nnx.call(nnx.split(m)), nnx.ApplyCaller[tuple[nnx.GraphDef[Model], nnx.GraphState]])
