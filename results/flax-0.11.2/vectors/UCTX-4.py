"""Reproducer for UCTX-4 (Once the protocol is complete, and after the context exits (normally or by an exception), the context keeps no graph object alive.) on flax 0.11.2, written by nnxspec.

Plain code against flax's own API: it exits non-zero with UCTX-4's message while the law fails."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [], "kind": "module"}], "variables": []}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
# flax 0.11.2: the classes nnxspec's flax target builds blueprints with
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


# flax 0.11.2 has no nnx.Dict: nnxspec builds no 'container' node here


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


def is_pytree(y):
    return y is None or isinstance(y, (list, tuple, dict)) or dataclasses.is_dataclass(y)


def entries(y):
    """The entries of a pytree container or a graph node, by plain item and attribute access."""
    if y is None:
        return []
    if isinstance(y, dict):
        return list(y.items())
    if hasattr(y, "_fields"):
        return [(f, getattr(y, f)) for f in y._fields]
    if isinstance(y, (list, tuple)):
        return list(enumerate(y))
    if dataclasses.is_dataclass(y):
        return [(f.name, getattr(y, f.name)) for f in dataclasses.fields(y)]
    return [(k, v) for k, v in vars(y).items() if not k.startswith("_")]


def reachable(x):
    """(path, object) for every place reachable from x, each node and Variable once."""
    out, seen, stack = [], set(), [((), x)]
    while stack:
        path, y = stack.pop()
        if id(y) in seen and not is_pytree(y):
            out.append((path, y))
            continue
        seen.add(id(y))
        out.append((path, y))
        node = is_pytree(y) or hasattr(y, "__dict__")
        if not isinstance(y, nnx.Variable) and node and not hasattr(y, "dtype"):
            stack.extend(((*path, k), v) for k, v in reversed(entries(y)))
    return out


# --- UCTX-4: Once the protocol is complete, and after the context exits (normally or by an exception), the context keeps no graph object alive.
import gc
import inspect
import weakref

TAG = 'nnxspec'
# flax >= 0.10.6 tells the inner merge (2) from the outer one (4) by an argument
TAKES_INNER = 'inner' in inspect.signature(nnx.merge_context).parameters


def split(node):
    with nnx.split_context(TAG) as c:
        return c.split(node)


def merge(gd, s, inner):
    with (nnx.merge_context(TAG, inner) if TAKES_INNER else nnx.merge_context(TAG)) as m:
        return m.merge(gd, s)


def protocol(x):
    """The four calls of the update-context protocol, as nnx's transforms make them."""
    y = merge(*split(x), inner=True)  # (1) outside, (2) inside
    return merge(*split(y), inner=False)  # (3) inside, (4) outside


def is_graph_node(y):
    return hasattr(y, '__dict__') and not isinstance(y, nnx.Variable) and not is_pytree(y)


def alive(refs):
    gc.collect()
    return sum(r() is not None for r in refs)


x = nnx.clone(x)  # a copy that only x holds (the names above hold the original)
nodes = [y for _, y in reachable(x) if is_graph_node(y)]
refs = [weakref.ref(y) for y in nodes]
del nodes
with nnx.update_context(TAG):
    assert protocol(x) is x
    del x
    n = alive(refs)
    assert n == 0, f'UCTX-4: {n} graph node(s) of x are still alive after step (4) and x was dropped (the context not yet exited), but a finished protocol should hold none'
n = alive(refs)
assert n == 0, f'UCTX-4: {n} graph node(s) of x are still alive after exit'
print('UCTX-4 holds: the context keeps no graph node alive after step (4)')
