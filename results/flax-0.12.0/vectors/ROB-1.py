"""Reproducer for ROB-1 (A chain of 100,000 nested modules splits, merges, updates and clones.) on flax 0.12.0, written by nnxspec.

Plain code against flax's own API: it exits non-zero with ROB-1's message while the law fails."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [], "kind": "module"}], "variables": []}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
# flax 0.12.0: the classes nnxspec's flax target builds blueprints with
import collections
import dataclasses
import functools
import types

import flax
import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx


class Node(nnx.Module, pytree=False):
    """A blueprint module: attributes are set one by one after construction."""

    def bump(self):
        count = 0
        for value in list(vars(self).values()):
            if isinstance(value, nnx.Variable):
                value.value = ~value.value if value.value.dtype == bool else value.value + 1
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


# --- ROB-1: A chain of 100,000 nested modules splits, merges, updates and clones.

def chain(depth):
    """depth modules, each the .child of the one before and with a static .level; the last
    holds a Param .p"""
    nodes = [Node() for _ in range(depth)]
    for i, (a, b) in enumerate(zip(nodes, nodes[1:])):
        a.child = b
        a.level = i % 10
    nodes[-1].p = nnx.Param(values((2,), 'float32', 0))
    return nodes[0]


def survives(law, what, x, operations):
    for name, run in operations:
        try:
            run(x)
        except RecursionError as e:
            raise AssertionError(f"{law}: {name} of {what} raised RecursionError: {e}") from e

survives('ROB-1', 'a 100000-deep chain', chain(100000), [
    ("split", lambda x: nnx.split(x)),
    ("merge(*split(x))", lambda x: nnx.merge(*nnx.split(x))),
    ("update(x, state(x))", lambda x: nnx.update(x, nnx.state(x))),
    ("clone", lambda x: nnx.clone(x)),
])
print('ROB-1 holds')
