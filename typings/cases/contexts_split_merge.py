"""split_context / merge_context: context managers giving a SplitContext / MergeContext whose
split / merge are typed like ``split`` / ``merge``."""

from __future__ import annotations

import nnx_under_test as nnx
from typing_extensions import assert_type


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)
        self.n = nnx.BatchStat(0)


m = Model()

with nnx.split_context() as split_ctx:
    assert_type(split_ctx, nnx.SplitContext)
    assert_type(split_ctx.split(m), tuple[nnx.GraphDef[Model], nnx.GraphState])
    assert_type(split_ctx.split(m, nnx.Param), tuple[nnx.GraphDef[Model], nnx.GraphState])
    graphdef, *states = split_ctx.split(m, nnx.Param, ...)  # accept
    assert_type(graphdef, nnx.GraphDef[Model])
    params, rest = states[0], states[1]
    g0, s0, t0 = split_ctx.split(m)  # type: ignore[misc]
    split_ctx.split(m, 1)  # type: ignore[call-overload]

with nnx.split_context("tag") as tagged:
    assert_type(tagged, nnx.SplitContext)

with nnx.merge_context() as merge_ctx:
    assert_type(merge_ctx, nnx.MergeContext)
    assert_type(merge_ctx.merge(graphdef, params, rest), Model)
    merge_ctx.merge(graphdef)  # type: ignore[call-arg]
    merge_ctx.merge(params, graphdef)  # type: ignore[arg-type]

with nnx.merge_context("tag") as tagged_merge:
    assert_type(tagged_merge, nnx.MergeContext)

nnx.split_context(1)  # type: ignore[arg-type]
