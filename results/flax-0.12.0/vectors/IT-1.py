"""Reproducer for IT-1 (iter_graph(x) yields in post-order: each graph node and Variable once at its first path, pytree containers and statics at every occurrence, the root last.) on flax 0.12.0, written by nnxspec.

Plain code against flax's own API: it exits non-zero with IT-1's message while the law fails."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["a", {"var": 0}], ["b", {"var": 0}]], "kind": "module"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
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
v0 = nnx.Param(values((), 'float32', 0))
n0 = Node()
n0.a = v0
n0.b = v0
x = n0

# --- the filters ---
fs = ()

# --- plain helpers: no nnxspec, only this release's own API ---
DOCUMENTED = (ValueError, TypeError, KeyError)


def path_str(path):
    return "".join(f".{k}" if isinstance(k, str) else f"[{k!r}]" for k in path) or "<root>"


# --- IT-1: iter_graph(x) yields in post-order: each graph node and Variable once at its first path, pytree containers and statics at every occurrence, the root last.
EXPECTED = [('a',), ()]
found = [tuple(p) for p, _ in nnx.iter_graph(x) if not any(isinstance(k, str) and k.startswith('_') for k in p)]
for i, (want, got) in enumerate(zip(EXPECTED, found)):
    assert want == got, f'IT-1: iter_graph(x) item 'f'{i} is at {path_str(got)}, but should be at {path_str(want)} (expected order: {[path_str(p) for p in EXPECTED]})'
assert len(found) == len(EXPECTED), f'IT-1: iter_graph(x) yields 'f'{len(found)} items, but should yield {len(EXPECTED)}'
print('IT-1 holds: iter_graph(x) yields the expected paths in post-order')
