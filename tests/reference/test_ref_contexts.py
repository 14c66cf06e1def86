"""Split / merge / update contexts: shared index spaces, the four-call protocol, threads."""

from __future__ import annotations

import threading
from typing import Any

import jax
import jax.numpy as jnp
import pytest

import reference as nnx
from reference import errors
from tests.reference.refmodels import D


def test_split_and_merge_contexts_share_references() -> None:
    shared = nnx.Param(1)
    a, b = D(v=shared), D(v=shared)
    with nnx.split_context() as split_ctx:
        graphdef_a, state_a = split_ctx.split(a)
        graphdef_b, state_b = split_ctx.split(b)
        graphdef_again, state_again = split_ctx.split(a)
    assert isinstance(graphdef_again, nnx.NodeRef) and not state_again and not state_b
    with nnx.merge_context() as merge_ctx:
        new_a = merge_ctx.merge(graphdef_a, state_a)
        new_b = merge_ctx.merge(graphdef_b, state_b)
        assert merge_ctx.merge(graphdef_again, state_again) is new_a
    assert new_a.v is new_b.v and new_a.v is not shared
    with pytest.raises(errors.ContextError, match=r"^context: split on a closed split context"):
        split_ctx.split(a)


def test_tagged_split_and_merge_contexts_run_the_protocol() -> None:
    m1 = D(w=nnx.Param(jnp.ones(2)))
    with nnx.update_context("tagged"):
        with nnx.split_context("tagged") as ctx:
            graphdef, state = ctx.split(m1)

        @jax.jit
        def f(graphdef: Any, state: Any) -> Any:
            with nnx.merge_context("tagged") as merge_ctx:
                m2 = merge_ctx.merge(graphdef, state)
            m2.w.value = m2.w.value * 3
            m2.extra = nnx.BatchStat(jnp.zeros(1))
            with nnx.split_context("tagged") as ctx:
                return ctx.split(m2)

        graphdef_out, state_out = f(graphdef, state)
        with nnx.merge_context("tagged") as merge_ctx:
            m3 = merge_ctx.merge(graphdef_out, state_out)
    assert m3 is m1 and float(m1.w.value[0]) == 3.0 and isinstance(m1.extra, nnx.BatchStat)


def test_outer_merge_reuses_outer_objects_after_a_jit_cache_hit() -> None:
    @jax.jit
    def f(graphdef: Any, state: Any) -> Any:
        ctx = nnx.current_update_context("cached")
        m2 = ctx.merge(graphdef, state)
        m2.v.value = m2.v.value + 1
        return ctx.split(m2)

    @nnx.update_context("cached")
    def step(m1: nnx.Dict[Any]) -> nnx.Dict[Any]:
        ctx = nnx.current_update_context("cached")
        return ctx.merge(*f(*ctx.split(m1)))  # the second call skips (2) and (3)

    m1 = D(v=nnx.Param(jnp.zeros(())))
    variable = m1.v
    assert step(m1) is m1 and step(m1) is m1
    assert m1.v is variable and float(m1.v.value) == 2.0


def test_update_context_swaps_and_static_changes_propagate() -> None:
    m1 = D(a=nnx.Param(1), b=nnx.Param(2), s="old")
    a, b = m1.a, m1.b
    with nnx.update_context("swap") as ctx:
        m2 = ctx.merge(*ctx.split(m1))
        m2.a, m2.b = m2.b, m2.a
        m2.s = "new"
        del m2.b  # the Variable that was 'a' is now only at 'a'... and 'b' is gone
        m3 = ctx.merge(*ctx.split(m2))
    assert m3 is m1 and m1.a is b and not hasattr(m1, "b") and m1.s == "new"
    assert a.value == 1


def test_update_context_rejects_a_second_inner_merge_and_bad_graphdefs() -> None:
    with nnx.update_context("strict") as ctx:
        graphdef, state = ctx.split(D())
        ctx.merge(graphdef, state)
        with pytest.raises(
            errors.ContextError, match=r"^context: merge out of order .*expected an inner split"
        ):
            ctx.merge(graphdef, state)
        with pytest.raises(
            errors.ContextError, match=r"^context: a NodeRef given to UpdateContext.merge"
        ):
            ctx.merge(nnx.NodeRef(nnx.Dict, 0), {})


def test_update_contexts_are_thread_local() -> None:
    found: list[str] = []

    def worker() -> None:
        try:
            nnx.current_update_context("threads")
        except errors.ContextError as error:
            found.append(str(error))

    with nnx.update_context("threads"):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert nnx.current_update_context("threads") is not None
    assert found and found[0].startswith("context: no update context for tag 'threads'")


def test_nested_update_contexts_stack() -> None:
    with nnx.update_context("nest") as outer:
        with nnx.update_context("nest") as inner:
            assert nnx.current_update_context("nest") is inner
        assert nnx.current_update_context("nest") is outer
    assert outer == inner and hash(outer) == 0
