"""End-to-end scenarios of typical seed-era nnx code, run on the reference and (in a flax 0.10.3
environment) on flax itself: a jitted training step, a tied embedding, sow then pop, batch
statistics inside jit, a checkpoint restored from a pure dict, a clone edited."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from tests.reference.seed_era import each_implementation

# Each scenario defines its classes from the ``nnx`` it is given, as user code would.


def _mlp(nnx: Any) -> Any:
    class MLP(nnx.Module):  # type: ignore[misc]
        def __init__(self, key: jax.Array) -> None:
            k1, k2 = jax.random.split(key)
            self.w1 = nnx.Param(jax.random.normal(k1, (2, 4)) * 0.5)
            self.b1 = nnx.Param(jnp.zeros(4))
            self.w2 = nnx.Param(jax.random.normal(k2, (4, 1)) * 0.5)
            self.calls = nnx.BatchStat(jnp.array(0))

        def __call__(self, x: jax.Array) -> Any:
            self.calls.value = self.calls.value + 1
            return jnp.tanh(x @ self.w1.value + self.b1.value) @ self.w2.value

    return MLP


@each_implementation
def test_a_jitted_training_step_updates_the_outer_model_in_place(nnx: Any) -> None:
    model = _mlp(nnx)(jax.random.key(0))
    w1 = model.w1
    x = jnp.linspace(-1, 1, 16).reshape(8, 2)
    y = jnp.sin(x[:, :1] * 2)

    @jax.jit
    def train_step(graphdef: Any, params: Any, rest: Any) -> Any:
        def loss_fn(params: Any) -> Any:
            m = nnx.merge(graphdef, params, rest)
            loss = jnp.mean((m(x) - y) ** 2)
            return loss, nnx.state(m, nnx.BatchStat)

        (loss, rest), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        params = jax.tree.map(lambda p, g: p - 0.2 * g, params, grads)
        return loss, params, rest

    graphdef, params, rest = nnx.split(model, nnx.Param, ...)
    losses = []
    for _ in range(25):
        loss, params, rest = train_step(graphdef, params, rest)
        losses.append(float(loss))
    nnx.update(model, params, rest)
    assert losses[-1] < 0.5 * losses[0]
    assert model.w1 is w1  # the outer model's own Variable, updated in place
    np.testing.assert_array_equal(model.w1.value, params["w1"].value)
    assert int(model.calls.value) == 25
    assert abs(float(jnp.mean((model(x) - y) ** 2)) - losses[-1]) < losses[0] - losses[-1]


def _tied(nnx: Any) -> Any:
    class Lookup(nnx.Module):  # type: ignore[misc]
        def __init__(self, table: Any) -> None:
            self.table = table

    class Tied(nnx.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            table = nnx.Param(jnp.arange(6.0).reshape(3, 2) / 10)
            self.embed = Lookup(table)
            self.unembed = Lookup(table)

        def __call__(self, ids: jax.Array) -> Any:
            return self.embed.table.value[ids] @ self.unembed.table.value.T

    return Tied


@each_implementation
def test_a_tied_embedding_is_one_variable_with_one_gradient(nnx: Any) -> None:
    model = _tied(nnx)()
    ids = jnp.array([0, 2, 2])
    graphdef, params = nnx.split(model)
    assert [path for path, _ in params.flat_state()] == [("embed", "table")]

    def loss(params: Any) -> Any:
        return jnp.sum(nnx.merge(graphdef, params)(ids) ** 2)

    grads = jax.grad(loss)(params)
    table = model.embed.table.value
    expected = jax.grad(lambda t: jnp.sum((t[ids] @ t.T) ** 2))(table)  # both uses, summed
    np.testing.assert_allclose(grads["embed"]["table"].value, expected, rtol=1e-6)
    nnx.update(model, jax.tree.map(lambda p, g: p - 0.1 * g, params, grads))
    assert model.embed.table is model.unembed.table
    np.testing.assert_allclose(model.unembed.table.value, table - 0.1 * expected, rtol=1e-6)


def _sower(nnx: Any) -> Any:
    class Block(nnx.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            self.w = nnx.Param(jnp.full((2, 2), 0.5))

        def __call__(self, x: jax.Array) -> Any:
            h = x @ self.w.value
            self.sow(nnx.Intermediate, "h", h)
            return h

    class Net(nnx.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            self.a = Block()
            self.b = Block()

        def __call__(self, x: jax.Array) -> Any:
            return self.b(self.a(x))

    return Net


@each_implementation
def test_sow_then_pop_returns_the_intermediates_and_leaves_the_params(nnx: Any) -> None:
    net = _sower(nnx)()
    x = jnp.ones((1, 2))
    net(x)
    net(2 * x)
    intermediates = nnx.pop(net, nnx.Intermediate)
    sown = intermediates["a"]["h"].value
    assert isinstance(sown, tuple) and len(sown) == 2  # the default reduce collects calls
    np.testing.assert_allclose(sown[1], 2 * sown[0])
    np.testing.assert_allclose(intermediates["b"]["h"].value[0], jnp.ones((1, 2)))
    assert not hasattr(net.a, "h") and not hasattr(net.b, "h")
    assert [path for path, _ in nnx.state(net).flat_state()] == [("a", "w"), ("b", "w")]

    @jax.jit
    def forward(graphdef: Any, state: Any) -> Any:  # sow inside jit, popped inside
        m = nnx.merge(graphdef, state)
        y = m(x)
        return y, nnx.pop(m, nnx.Intermediate)

    y, inner = forward(*nnx.split(net))
    np.testing.assert_allclose(inner["b"]["h"].value[0], y)
    assert not hasattr(net.b, "h")


def _batch_norm(nnx: Any) -> Any:
    class Norm(nnx.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            self.mean = nnx.BatchStat(jnp.zeros(2))
            self.scale = nnx.Param(jnp.ones(2))

        def __call__(self, x: jax.Array) -> Any:
            self.mean.value = 0.9 * self.mean.value + 0.1 * x.mean(0)
            return (x - self.mean.value) * self.scale.value

    return Norm


@each_implementation
def test_batch_statistics_updated_inside_jit_reach_the_outer_model(nnx: Any) -> None:
    norm = _batch_norm(nnx)()
    mean = norm.mean

    @jax.jit
    def step(graphdef: Any, state: Any, x: jax.Array) -> Any:
        m = nnx.merge(graphdef, state)
        y = m(x)
        return y, nnx.state(m, nnx.BatchStat)

    graphdef, state = nnx.split(norm)
    x = jnp.array([[1.0, 2.0], [3.0, 6.0]])
    for _ in range(2):
        _, stats = step(graphdef, state, x)
        nnx.update(norm, stats)
        state = nnx.state(norm)
    np.testing.assert_allclose(norm.mean.value, 0.19 * x.mean(0), rtol=1e-6)
    assert norm.mean is mean
    np.testing.assert_array_equal(norm.scale.value, jnp.ones(2))


def _stack(nnx: Any) -> Any:
    class Stack(nnx.Module):  # type: ignore[misc]
        def __init__(self, key: jax.Array) -> None:
            keys = jax.random.split(key, 2)
            self.layers = [nnx.Dict(w=nnx.Param(jax.random.normal(k, (2, 2)))) for k in keys]
            self.steps = nnx.BatchStat(jnp.array(3))

    return Stack


def _str_keys(tree: Any) -> Any:
    """A pure dict as checkpoint formats write it: every key a string."""
    if isinstance(tree, dict):
        return {str(k): _str_keys(v) for k, v in tree.items()}
    return tree


@each_implementation
def test_a_checkpoint_is_restored_with_replace_by_pure_dict(nnx: Any) -> None:
    trained = _stack(nnx)(jax.random.key(1))
    saved = _str_keys(jax.tree.map(np.asarray, nnx.state(trained).to_pure_dict()))
    assert set(saved["layers"]) == {"0", "1"}
    fresh = _stack(nnx)(jax.random.key(2))
    layer0 = fresh.layers[0].w
    state = nnx.state(fresh)
    state.replace_by_pure_dict(saved)
    nnx.update(fresh, state)
    for got, want in zip(fresh.layers, trained.layers):
        np.testing.assert_array_equal(got.w.value, want.w.value)
    assert fresh.layers[0].w is layer0 and type(fresh.layers[0].w) is nnx.Param
    restored = nnx.state(fresh)
    assert restored["steps"].type is nnx.BatchStat and int(restored["steps"].value) == 3


@each_implementation
def test_a_cloned_model_is_edited_without_touching_the_original(nnx: Any) -> None:
    model = _tied(nnx)()
    before = np.asarray(model.embed.table.value).copy()
    copy = nnx.clone(model)
    assert copy.embed.table is copy.unembed.table  # the tie survives the clone
    assert copy.embed.table is not model.embed.table
    copy.embed.table.value = copy.embed.table.value + 1
    copy.extra = nnx.Param(jnp.zeros(1))
    copy.unembed = copy.embed
    np.testing.assert_array_equal(model.embed.table.value, before)
    assert not hasattr(model, "extra") and model.unembed is not model.embed
    np.testing.assert_array_equal(copy.unembed.table.value, before + 1)
    assert [p for p, _ in nnx.state(model).flat_state()] == [("embed", "table")]
