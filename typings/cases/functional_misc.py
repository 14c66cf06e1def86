"""graphdef, clone, flatten, unflatten, iter_graph: the node type flows through.

(``graphdef(m)`` returning ``GraphDef[M]`` is ``precision_graphdef.py``.)
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
graphdef, state = nnx.flatten(m)  # accept
assert_type(graphdef, nnx.GraphDef[Model])
as_state: nnx.State[Any, Any] = state  # accept
assert_type(nnx.flatten(m, nnx.RefMap())[0], nnx.GraphDef[Model])
assert_type(nnx.unflatten(graphdef, state), Model)
assert_type(nnx.unflatten(graphdef, state, index_ref={}), Model)
assert_type(nnx.iter_graph(m), Iterator[tuple[nnx.PathParts, Any]])

nnx.unflatten(graphdef)  # type: ignore[call-arg]
nnx.unflatten(graphdef, state, {})  # type: ignore[call-arg]
nnx.clone()  # type: ignore[call-arg]
