"""Reproducer for ROB-4 (pop removes every Param of a 100,000-deep chain, a 10,000-node ring and a 100,000-attribute module; iter_graph reaches the bottom of a 5,000-deep chain first.) on flax 0.12.8, written by nnxspec.

Plain code against flax's own API: it exits non-zero with ROB-4's message while the law fails."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [], "kind": "module"}], "variables": []}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
# flax 0.12.8: the classes nnxspec's flax target builds blueprints with
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


# --- ROB-4: pop removes every Param of a 100,000-deep chain, a 10,000-node ring and a 100,000-attribute module; iter_graph reaches the bottom of a 5,000-deep chain first.

def chain(depth):
    """depth modules, each the .child of the one before and with a static .level; the last
    holds a Param .p"""
    nodes = [Node() for _ in range(depth)]
    for i, (a, b) in enumerate(zip(nodes, nodes[1:])):
        a.child = b
        a.level = i % 10
    nodes[-1].p = nnx.Param(values((2,), 'float32', 0))
    return nodes[0]


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

x = chain(5000)
try:
    path, _ = next(iter(nnx.iter_graph(x)))
except RecursionError as e:
    raise AssertionError('ROB-4: iter_graph(a 5000-deep chain) raised RecursionError') from e
assert tuple(path) == ('child',) * 4999 + ('p',), (
    f'ROB-4: the first item of iter_graph(a 5000-deep chain) is at a path of 'f'{len(path)} keys, but should be at the Param at the bottom' ' (5000 keys)')
survives('ROB-4', 'a 100000-deep chain', chain(100000), [("pop(x, nnx.Param)", lambda x: nnx.pop(x, nnx.Param))])
survives('ROB-4', 'a 10000-node ring', ring(10000), [("pop(x, nnx.Param)", lambda x: nnx.pop(x, nnx.Param))])
print('ROB-4 holds')
