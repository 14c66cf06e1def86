"""Tiny modules for the reference tests (stand-ins for the flax layers the seed's examples use)."""

from __future__ import annotations

import gc
from typing import Any

import jax
import jax.numpy as jnp

import reference as nnx


class Rngs(nnx.Module):
    """A minimal RNG stream: ``rngs()`` / ``rngs.next()`` return a fresh key."""

    def __init__(self, seed: int) -> None:
        self.key = nnx.RngKey(jax.random.key(seed), tag="default")
        self.count = nnx.RngCount(jnp.array(0, dtype=jnp.uint32), tag="default")

    def __call__(self) -> jax.Array:
        key = jax.random.fold_in(self.key.value, self.count.value)
        self.count.value = self.count.value + 1
        return key

    def next(self) -> jax.Array:
        return self()


class Linear(nnx.Module):
    """``y = x @ kernel + bias`` with Params ``kernel`` (din, dout) and ``bias`` (dout,)."""

    def __init__(self, din: int, dout: int, *, rngs: Rngs) -> None:
        self.kernel = nnx.Param(jax.random.uniform(rngs(), (din, dout)))
        self.bias = nnx.Param(jnp.zeros((dout,)))
        self.din, self.dout = din, dout

    def __call__(self, x: jax.Array) -> jax.Array:
        out: jax.Array = x @ self.kernel.value + self.bias.value
        return out


class BatchNorm(nnx.Module):
    """Params ``scale`` / ``bias`` and BatchStats ``mean`` / ``var`` of size ``n``."""

    def __init__(self, n: int, *, rngs: Rngs | None = None) -> None:
        self.scale = nnx.Param(jnp.ones((n,)))
        self.bias = nnx.Param(jnp.zeros((n,)))
        self.mean = nnx.BatchStat(jnp.zeros((n,)))
        self.var = nnx.BatchStat(jnp.ones((n,)))
        self.epsilon = 1e-5
        self.use_running_average = False

    def __call__(self, x: jax.Array) -> jax.Array:
        if not self.use_running_average:
            self.mean.value = 0.9 * self.mean.value + 0.1 * x.mean(axis=0)
            self.var.value = 0.9 * self.var.value + 0.1 * x.var(axis=0)
        y = (x - self.mean.value) / jnp.sqrt(self.var.value + self.epsilon)
        out: jax.Array = y * self.scale.value + self.bias.value
        return out


class Block(nnx.Module):
    """Linear followed by BatchNorm (the benchmark's MLP block)."""

    def __init__(self, din: int, dout: int, *, rngs: Rngs) -> None:
        self.linear = Linear(din, dout, rngs=rngs)
        self.bn = BatchNorm(dout)

    def __call__(self, x: jax.Array) -> jax.Array:
        return jax.nn.relu(self.bn(self.linear(x)))


class MLP(nnx.Module):
    """``depth`` Blocks in a list (depth 10: 60 Variables, 32 graph nodes)."""

    def __init__(self, depth: int, width: int = 4, *, rngs: Rngs) -> None:
        self.blocks = [Block(width, width, rngs=rngs) for _ in range(depth)]

    def __call__(self, x: jax.Array) -> jax.Array:
        for block in self.blocks:
            x = block(x)
        return x


class StatefulLinear(nnx.Module):
    """The seed's ``call`` example module: Params ``w``, ``b`` and a Variable counter."""

    def __init__(self, din: int, dout: int, rngs: Rngs) -> None:
        self.w = nnx.Param(jax.random.uniform(rngs(), (din, dout)))
        self.b = nnx.Param(jnp.zeros((dout,)))
        self.count = nnx.Variable(jnp.array(0, dtype=jnp.uint32))

    def increment(self) -> None:
        self.count += 1

    def __call__(self, x: jax.Array) -> Any:
        self.increment()
        return x @ self.w + self.b


class Chain(nnx.Module):
    """A node of a linked chain / ring: ``next`` (another Chain or None) and a Param."""

    def __init__(self, value: int) -> None:
        self.w = nnx.Param(value)
        self.next: Chain | None = None


def chain(depth: int) -> Chain:
    """A ``depth``-long chain of Chains, built without recursion (and without pausing
    for the cyclic garbage collector, which would rescan the growing chain)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        head = Chain(0)
        node = head
        for i in range(1, depth):
            node.next = Chain(i)
            node = node.next
        return head
    finally:
        if enabled:
            gc.enable()


def ring(size: int) -> Chain:
    """A ``size``-node ring: the last Chain points back to the first."""
    head = chain(size)
    node = head
    while node.next is not None:
        node = node.next
    node.next = head
    return head


def D(*entries: Any, **kwargs: Any) -> nnx.Dict[Any]:
    """An ``nnx.Dict`` typed ``Dict[Any]`` (its entries are of mixed types)."""
    return nnx.Dict(*entries, **kwargs)


def sub(state: nnx.State[Any, Any], *keys: Any) -> nnx.State[Any, Any]:
    """The sub-State at ``keys`` (checked to be a State, for the type checker)."""
    for key in keys:
        value = state[key]
        assert isinstance(value, nnx.State), f"{key!r} is a leaf"
        state = value
    return state


def leaf(state: nnx.State[Any, Any], *keys: Any) -> Any:
    """The leaf at ``keys``."""
    return sub(state, *keys[:-1])[keys[-1]]
