"""graphdef(node) keeps the node type: ``GraphDef[M]``, so ``merge`` of it gives an ``M``.

[precision] the seed annotates ``graphdef(node: Any) -> GraphDef[Any]``.
"""

from __future__ import annotations

import nnx_under_test as nnx
from typing_extensions import assert_type


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)


m = Model()

assert_type(nnx.graphdef(m), nnx.GraphDef[Model])
assert_type(nnx.merge(nnx.graphdef(m), nnx.state(m)), Model)
wrong: nnx.GraphDef[int] = nnx.graphdef(m)  # type: ignore[arg-type]
