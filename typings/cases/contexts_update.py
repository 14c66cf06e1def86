"""update_context: a context manager giving an UpdateContext, and a decorator keeping the
decorated function's type; the UpdateContext's split / merge are typed like ``split`` /
``merge``, ``current_update_context`` returns it, and its bookkeeping methods are typed.
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

with nnx.update_context("example") as ctx:
    assert_type(ctx, nnx.UpdateContext)
    assert_type(ctx.tag, str)
    assert_type(nnx.current_update_context("example"), nnx.UpdateContext)
    graphdef, state = ctx.split(m)  # accept
    assert_type(graphdef, nnx.GraphDef[Model])
    as_state: nnx.State[Any, Any] = state  # accept
    graphdef2, *states = ctx.split(m, nnx.Param, ...)  # accept
    assert_type(graphdef2, nnx.GraphDef[Model])
    assert_type(ctx.merge(graphdef2, states[0], states[1]), Model)
    g0, s0, t0 = ctx.split(m)  # type: ignore[misc]
    ctx.merge(graphdef)  # type: ignore[call-arg]
    ctx.merge(state, graphdef)  # type: ignore[arg-type]
    ctx.split(m, 1)  # type: ignore[call-overload]


@nnx.update_context("example")
def step(node: Model, scale: float) -> tuple[Model, str]:
    return node, "done"


assert_type(step(m, 2.0), tuple[Model, str])
step(m, "two")  # type: ignore[arg-type]
assert_type(nnx.update_context("t"), nnx.UpdateContextManager)
nnx.update_context()  # type: ignore[call-arg]


def bookkeeping(
    ctx: nnx.UpdateContext, ref_index: nnx.RefMap[Any, int], index_ref: dict[int, Any]
) -> None:
    assert_type(ctx.flatten_end(ref_index), None)
    assert_type(ctx.unflatten_end(index_ref), None)
