"""The examples of the seed's docstrings (seed-semantics.md section 5), run against
``reference``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

import reference as nnx
from tests.reference.refmodels import BatchNorm, Linear, Rngs, StatefulLinear


class Foo(nnx.Module):
    def __init__(self, rngs: Rngs) -> None:
        self.batch_norm = BatchNorm(2, rngs=rngs)
        self.linear = Linear(2, 3, rngs=rngs)


EXPECTED_PARAMS = """\
State({
  'batch_norm': {
    'bias': VariableState(
      type=Param,
      value=(2,)
    ),
    'scale': VariableState(
      type=Param,
      value=(2,)
    )
  },
  'linear': {
    'bias': VariableState(
      type=Param,
      value=(3,)
    ),
    'kernel': VariableState(
      type=Param,
      value=(2, 3)
    )
  }
})"""

EXPECTED_BATCH_STATS = """\
State({
  'batch_norm': {
    'mean': VariableState(
      type=BatchStat,
      value=(2,)
    ),
    'var': VariableState(
      type=BatchStat,
      value=(2,)
    )
  }
})"""


def test_split_example_prints_the_seed_states() -> None:  # examples 1 and 4
    node = Foo(Rngs(0))
    graphdef, params, batch_stats = nnx.split(node, nnx.Param, nnx.BatchStat)
    assert isinstance(graphdef, nnx.NodeDef)
    assert repr(jax.tree.map(jnp.shape, params)) == EXPECTED_PARAMS
    assert repr(jax.tree.map(jnp.shape, batch_stats)) == EXPECTED_BATCH_STATS


def test_update_context_split_example_with_ctx_split() -> None:  # example 1 (UpdateContext.split)
    node = Foo(Rngs(0))
    with nnx.update_context("example") as ctx:
        _, params, batch_stats = ctx.split(node, nnx.Param, nnx.BatchStat)
    assert repr(jax.tree.map(jnp.shape, params)) == EXPECTED_PARAMS
    assert repr(jax.tree.map(jnp.shape, batch_stats)) == EXPECTED_BATCH_STATS


def test_update_context_with_block_example() -> None:  # example 2, verbatim but the import
    m1 = nnx.Dict({})
    with nnx.update_context("example") as ctx:
        graphdef, state = ctx.split(m1)

        @jax.jit
        def f(graphdef: Any, state: Any) -> Any:
            m2 = ctx.merge(graphdef, state)
            m2.a = 1
            m2.ref = m2  # create a reference cycle
            return ctx.split(m2)

        graphdef_out, state_out = f(graphdef, state)
        m3 = ctx.merge(graphdef_out, state_out)

    assert m1 is m3
    assert m1.a == 1
    assert m1.ref is m1


def test_update_context_decorator_example() -> None:  # example 3, verbatim but the import
    m1 = nnx.Dict({})

    @jax.jit
    def f(graphdef: Any, state: Any) -> Any:
        ctx = nnx.current_update_context("example")
        m2 = ctx.merge(graphdef, state)
        m2.a = 1  # insert static attribute
        m2.ref = m2  # create a reference cycle
        return ctx.split(m2)

    @nnx.update_context("example")
    def g(m1: Any) -> Any:
        ctx = nnx.current_update_context("example")
        graphdef, state = ctx.split(m1)
        graphdef_out, state_out = f(graphdef, state)
        return ctx.merge(graphdef_out, state_out)

    m3 = g(m1)
    assert m1 is m3
    assert m1.a == 1
    assert m1.ref is m1


def test_merge_example() -> None:  # example 5
    node = Foo(Rngs(0))
    graphdef, params, batch_stats = nnx.split(node, nnx.Param, nnx.BatchStat)
    new_node = nnx.merge(graphdef, params, batch_stats)
    assert isinstance(new_node, Foo)
    assert isinstance(new_node.batch_norm, BatchNorm)
    assert isinstance(new_node.linear, Linear)


def test_update_example_with_jax_grad() -> None:  # example 6, nnx.grad replaced by jax.grad
    x = jnp.ones((1, 2))
    y = jnp.ones((1, 3))
    model = Linear(2, 3, rngs=Rngs(0))
    graphdef = nnx.graphdef(model)

    def loss_fn(model: Linear, x: jax.Array, y: jax.Array) -> jax.Array:
        return jnp.mean((y - model(x)) ** 2)

    def pure_loss(state: nnx.GraphState) -> jax.Array:
        return loss_fn(nnx.merge(graphdef, state), x, y)

    prev_loss = loss_fn(model, x, y)
    grads = jax.grad(pure_loss)(nnx.state(model))
    new_state = jax.tree.map(lambda p, g: p - 0.1 * g, nnx.state(model), grads)
    nnx.update(model, new_state)
    assert loss_fn(model, x, y) < prev_loss


def test_variables_example() -> None:  # example 7
    model = Linear(2, 3, rngs=Rngs(0))
    params = nnx.variables(model, nnx.Param)
    assert params["kernel"] is model.kernel
    assert params["bias"] is model.bias


class Model(nnx.Module):
    def __init__(self, rngs: Rngs) -> None:
        self.batch_norm = BatchNorm(2, rngs=rngs)
        self.linear = Linear(2, 3, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.linear(self.batch_norm(x))


def test_state_example() -> None:  # example 8
    model = Model(rngs=Rngs(0))
    params = nnx.state(model, nnx.Param)
    batch_stats = nnx.state(model, nnx.BatchStat)
    params2, batch_stats2 = nnx.state(model, nnx.Param, nnx.BatchStat)
    state = nnx.state(model)
    assert sorted(p for p, _ in params.flat_state()) == sorted(p for p, _ in params2.flat_state())
    assert [p for p, _ in batch_stats.flat_state()] == [p for p, _ in batch_stats2.flat_state()]
    assert len(state.flat_state()) == len(params.flat_state()) + len(batch_stats.flat_state()) == 6


def test_graphdef_example() -> None:  # example 9
    model = Linear(2, 3, rngs=Rngs(0))
    graphdef, _ = nnx.split(model)
    assert graphdef == nnx.graphdef(model)


class SowModel(nnx.Module):
    def __init__(self, rngs: Rngs) -> None:
        self.linear1 = Linear(2, 3, rngs=rngs)
        self.linear2 = Linear(3, 4, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.linear1(x)
        self.sow(nnx.Intermediate, "i", x)
        return self.linear2(x)


def test_pop_example() -> None:  # example 10
    x = jnp.ones((1, 2))
    model = SowModel(rngs=Rngs(0))
    assert not hasattr(model, "i")
    model(x)
    assert hasattr(model, "i")
    intermediates = nnx.pop(model, nnx.Intermediate)
    leaf = intermediates["i"]
    assert isinstance(leaf, nnx.VariableState)
    assert leaf.value[0].shape == (1, 3)
    assert not hasattr(model, "i")


def test_clone_example() -> None:  # example 11
    model = Linear(2, 3, rngs=Rngs(0))
    cloned_model = nnx.clone(model)
    model.bias.value += 1
    assert (model.bias.value != cloned_model.bias.value).all()


def test_call_example_under_jit() -> None:  # example 12a
    linear = StatefulLinear(3, 2, Rngs(0))
    linear_state = nnx.split(linear)

    @jax.jit
    def forward(x: jax.Array, linear_state: Any) -> Any:
        y, linear_state = nnx.call(linear_state)(x)
        return y, linear_state

    x = jnp.ones((1, 3))
    y, linear_state = forward(x, linear_state)
    y, linear_state = forward(x, linear_state)
    assert y.shape == (1, 2)
    linear = nnx.merge(*linear_state)
    assert linear.count.value == 2
    assert linear.count.value.dtype == jnp.uint32


def test_call_example_with_indexing() -> None:  # example 12b
    rngs = Rngs(0)
    nodes = dict(a=StatefulLinear(3, 2, rngs), b=StatefulLinear(2, 1, rngs))
    node_state = nnx.split(nodes)
    _, node_state = nnx.call(node_state)["b"].increment()
    nodes = nnx.merge(*node_state)
    assert nodes["a"].count.value == 0
    assert nodes["b"].count.value == 1


class IterLinear(nnx.Module):
    def __init__(self, din: int, dout: int, *, rngs: Rngs) -> None:
        self.din, self.dout = din, dout
        self.w = nnx.Param(jax.random.uniform(rngs.next(), (din, dout)))
        self.b = nnx.Param(jnp.zeros((dout,)))


def test_iter_graph_example() -> None:  # example 13
    module = IterLinear(3, 4, rngs=Rngs(0))
    graph = [module, module]
    lines = [f"{path} {type(value).__name__}" for path, value in nnx.iter_graph(graph)]
    assert lines == [
        "(0, 'b') Param",
        "(0, 'din') int",
        "(0, 'dout') int",
        "(0, 'w') Param",
        "(0,) IterLinear",
        "() list",
    ]
