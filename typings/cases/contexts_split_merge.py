"""split_context / merge_context: context managers (optionally tagged) giving a SplitContext /
MergeContext whose split / merge are typed like ``split`` / ``merge``."""

from __future__ import annotations

from typing import Any

import nnx_under_test as nnx
from typing_extensions import assert_type


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)
        self.n = nnx.BatchStat(0)


m = Model()

with nnx.split_context() as split_ctx:
    assert_type(split_ctx, nnx.SplitContext)
    graphdef, state = split_ctx.split(m)  # accept
    assert_type(graphdef, nnx.GraphDef[Model])
    as_state: nnx.State[Any, Any] = state  # accept
    graphdef2, *states = split_ctx.split(m, nnx.Param, ...)  # accept
    assert_type(graphdef2, nnx.GraphDef[Model])
    g0, s0, t0 = split_ctx.split(m)  # type: ignore[misc]
    split_ctx.split(m, 1)  # type: ignore[call-overload]

with nnx.split_context("tag") as tagged:
    assert_type(tagged, nnx.SplitContext)

with nnx.merge_context() as merge_ctx:
    assert_type(merge_ctx, nnx.MergeContext)
    assert_type(merge_ctx.merge(graphdef2, states[0], states[1]), Model)
    merge_ctx.merge(graphdef)  # type: ignore[call-arg]
    merge_ctx.merge(state, graphdef)  # type: ignore[arg-type]

with nnx.merge_context("tag") as tagged_merge:
    assert_type(tagged_merge, nnx.MergeContext)

nnx.split_context(1)  # type: ignore[arg-type]
