"""update: a node and one or more states (mappings), in place; returns nothing.

A missing state, a non-mapping state or using the (``None``) result is rejected.
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
graphdef, *parts = nnx.split(m, nnx.Param, ...)
params, rest = parts[0], parts[1]
pure: dict[str, Any] = {"w": 2.0}

assert_type(nnx.update(m, params), None)
assert_type(nnx.update(m, params, rest), None)
assert_type(nnx.update(m, pure), None)
assert_type(nnx.update(m, nnx.state(m)), None)

nnx.update(m)  # type: ignore[call-arg]
nnx.update(m, 1)  # type: ignore[arg-type]
nnx.update(m, params, [rest])  # type: ignore[arg-type]
result = nnx.update(m, params)  # type: ignore[func-returns-value]
