"""merge: a ``GraphDef[M]`` and one or more states give back an ``M``.

States are mappings: a State, or a plain nested dict ("pure dict"). A GraphDef alone, a
state first, a node instead of a GraphDef, or a non-mapping state are rejected.
"""

from __future__ import annotations

from typing import Any

import nnx_under_test as nnx
from typing_extensions import assert_type


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)
        self.n = nnx.BatchStat(0)


class Sub(Model): ...


m = Model()
graphdef, state = nnx.split(m)
graphdef2, *parts = nnx.split(m, nnx.Param, ...)
pure: dict[str, Any] = {"w": 1.0, "n": 0}

assert_type(nnx.merge(graphdef, state), Model)
assert_type(nnx.merge(graphdef2, parts[0], parts[1]), Model)
assert_type(nnx.merge(graphdef, pure), Model)
assert_type(nnx.merge(*nnx.split(m)), Model)
assert_type(nnx.merge(*nnx.split(m, nnx.Param, ...)), Model)
assert_type(nnx.merge(*nnx.split(Sub())), Sub)
assert_type(nnx.merge(nnx.split([m, m])[0], state), list[Model])

nnx.merge(graphdef)  # type: ignore[call-arg]
nnx.merge(state, graphdef)  # type: ignore[arg-type]
nnx.merge(m, state)  # type: ignore[arg-type]
nnx.merge(graphdef, 1)  # type: ignore[arg-type]
nnx.merge(graphdef, [state])  # type: ignore[arg-type]
wrong: Sub = nnx.merge(graphdef, state)  # type: ignore[assignment]
