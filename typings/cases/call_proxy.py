"""call: a proxy over a ``(GraphDef[M], GraphState)`` pair.

Typed as far as Python allows: attribute and item access give another proxy, and calling
gives ``(output, (GraphDef[M], GraphState))``. Which attributes exist, the method's
parameters and its output type are NOT checked (a proxy cannot map an attribute name to the
method's signature): any attribute is accepted and the output is ``Any``; see
typings/README.md.
"""

from __future__ import annotations

from typing import Any

import nnx_under_test as nnx
from typing_extensions import assert_type


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)

    def __call__(self, x: float) -> float:
        return x * self.w.value

    def increment(self) -> None:
        self.w.value += 1.0


m = Model()
pair = nnx.split(m)
Pair = tuple[nnx.GraphDef[Model], nnx.State[Any, Any]]

proxy: nnx.ApplyCaller[Pair] = nnx.call(pair)  # accept
method: nnx.ApplyCaller[Pair] = nnx.call(pair).increment  # accept
nested: nnx.ApplyCaller[Pair] = nnx.call(pair).layers[0].increment  # accept
out, (graphdef, state) = nnx.call(pair).increment()  # accept
assert_type(out, Any)
assert_type(graphdef, nnx.GraphDef[Model])
as_state: nnx.State[Any, Any] = state  # accept
assert_type(nnx.merge(*nnx.call(pair)(2.0)[1]), Model)

nnx.call(pair[0])  # type: ignore[arg-type]
nnx.call((pair[1], pair[0]))  # type: ignore[arg-type]
nnx.call((pair[0], pair[1], pair[1]))  # type: ignore[arg-type]
nnx.call(m)  # type: ignore[arg-type]
o, p, extra = nnx.call(pair).increment()  # type: ignore[misc]
