"""Reproducer for ROB-2 (A ring of 10,000 modules (each pointing to the next, the last to the first) survives every operation.) on flax 0.12.12, written by nnxspec.

Plain code against flax's own API: it exits non-zero with ROB-2's message while the law fails."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [], "kind": "module"}], "variables": []}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
# flax 0.12.12: the classes nnxspec's flax target builds blueprints with
import collections
import dataclasses
import functools
import types

import flax
import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

flax.config.update("nnx_graph_mode", True)
flax.config.update("nnx_graph_updates", True)


class Node(nnx.Module, pytree=False):
    """A blueprint module: attributes are set one by one after construction."""

    def bump(self):
        count = 0
        for value in list(vars(self).values()):
            if isinstance(value, nnx.Variable):
                value.set_value(~value.get_value() if value.get_value().dtype == bool else value.get_value() + 1)
                count += 1
        return count


class Dict(nnx.Dict, pytree=False):
    """Blueprint 'container' nodes: nnx.Dict without the pytree=True data/static checks."""


# The graph below spells containers nnx.Dict(); point that name at the Dict above without
# changing flax itself.
_flax_nnx = nnx
nnx = types.ModuleType("nnx", "flax.nnx, with Dict = the pytree=False subclass above")
vars(nnx).update(vars(_flax_nnx))
nnx.Dict = Dict


def values(shape, dtype, seed):
    """The deterministic value of a blueprint Variable: arange(size) + seed, in dtype."""
    base = np.arange(int(np.prod(shape)), dtype=np.int64) + seed
    if dtype == "bool":
        return jnp.asarray((base % 2 == 1).reshape(shape))
    array = base.astype(np.float32 if dtype == "bfloat16" else dtype).reshape(shape)
    return jnp.asarray(array, dtype=dtype)

# --- the graph ---
n0 = Node()
x = n0

# --- the filters ---
fs = ()

# --- plain helpers: no nnxspec, only this release's own API ---
DOCUMENTED = (ValueError, TypeError, KeyError)


# --- ROB-2: A ring of 10,000 modules (each pointing to the next, the last to the first) survives every operation.


def ring(size, every=100):
    """size modules, each .next of the one before, the last pointing back to the first; every
    every-th one holds a Param .p"""
    nodes = [Node() for _ in range(size)]
    for i, node in enumerate(nodes):
        node.next = nodes[(i + 1) % size]
        if i % every == 0:
            node.p = nnx.Param(values((), 'float32', (i // every) % 5))
    return nodes[0]


def survives(law, what, x, operations):
    for name, run in operations:
        try:
            run(x)
        except RecursionError as e:
            raise AssertionError(f"{law}: {name} of {what} raised RecursionError: {e}") from e

survives('ROB-2', 'a 10000-node ring', ring(10000), [
    ("split", lambda x: nnx.split(x)),
    ("merge(*split(x))", lambda x: nnx.merge(*nnx.split(x))),
    ("update(x, state(x))", lambda x: nnx.update(x, nnx.state(x))),
    ("clone", lambda x: nnx.clone(x)),
    ("iter_graph", lambda x: list(nnx.iter_graph(x))),
])
print('ROB-2 holds')
