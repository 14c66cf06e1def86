"""graphdef, clone, flatten, unflatten, iter_graph: the node type flows through.

(``graphdef(m)`` returning ``GraphDef[M]`` is in ``precision_graphdef.py``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import nnx_under_test as nnx
from typing_extensions import assert_type


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)


m = Model()

assert_type(nnx.clone(m), Model)
assert_type(nnx.clone([m]), list[Model])
assert_type(nnx.flatten(m), tuple[nnx.GraphDef[Model], nnx.GraphState])
assert_type(nnx.flatten(m, nnx.RefMap()), tuple[nnx.GraphDef[Model], nnx.GraphState])
graphdef, state = nnx.flatten(m)
assert_type(nnx.unflatten(graphdef, state), Model)
assert_type(nnx.unflatten(graphdef, state, index_ref={}), Model)
assert_type(nnx.iter_graph(m), Iterator[tuple[nnx.PathParts, Any]])
for path, _value in nnx.iter_graph(m):
    assert_type(path, nnx.PathParts)

nnx.unflatten(graphdef)  # type: ignore[call-arg]
nnx.unflatten(graphdef, state, {})  # type: ignore[call-arg]
