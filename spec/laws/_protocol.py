"""The update-context protocol as the laws run it (UCTX, JIT, BE, ROB)."""

from __future__ import annotations

from collections.abc import Callable

from spec.target import Target

TAG = "nnxspec"


def protocol(
    t: Target,
    ctx: object,
    x: object,
    inner: Callable[[object], None],
    wrap: Callable[
        [Callable[[object, object], tuple[object, ...]]],
        Callable[[object, object], tuple[object, ...]],
    ]
    | None = None,
) -> object:
    """Run the four calls on ``x`` with ``inner`` applied to the inner graph; return step (4)'s
    result.

    ``wrap`` may wrap the inside (steps 2-3), e.g. in ``jax.jit`` with a static graphdef.
    """
    gd, s = t.ctx_split(ctx, x)

    def inside(gd: object, s: object) -> tuple[object, ...]:
        y = t.ctx_merge(ctx, gd, s)
        inner(y)
        return t.ctx_split(ctx, y)

    gd2, s2 = (wrap(inside) if wrap else inside)(gd, s)
    return t.ctx_merge(ctx, gd2, s2)


def tagged_split(t: Target, node: object) -> tuple[object, ...]:
    """A split as nnx's transforms make it: in a ``split_context(TAG)`` of its own."""
    with t.split_context(TAG) as c:
        return t.split_in(c, node)


def tagged_merge(t: Target, graphdef: object, state: object, *, inside: bool) -> object:
    """A merge as nnx's transforms make it: in a ``merge_context(TAG)`` of its own (``inside``:
    step (2), else step (4))."""
    with t.merge_context(TAG, inner=inside) as m:
        return t.merge_in(m, graphdef, state)


def tagged_protocol(t: Target, x: object, inner: Callable[[object], None]) -> object:
    """The four calls as nnx's transforms drive them inside ``update_context(TAG)``: each step in a
    ``split_context(TAG)`` / ``merge_context(TAG)`` of its own; return step (4)'s result."""
    gd, s = tagged_split(t, x)
    y = tagged_merge(t, gd, s, inside=True)
    inner(y)
    gd2, s2 = tagged_split(t, y)
    return tagged_merge(t, gd2, s2, inside=False)
