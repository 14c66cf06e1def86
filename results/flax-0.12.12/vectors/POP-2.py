"""Reproducer for POP-2 (Popping a Variable that several attributes share removes it from all of them.) on flax 0.12.12, written by nnxspec.

Plain code against flax's own API: it exits non-zero with POP-2's message while the law fails."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["a", {"var": 0}], ["b", {"var": 0}]], "kind": "module"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
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


# --- POP-2: Popping a Variable that several attributes share removes it from all of them.
popped = x.a
nnx.pop(x, nnx.Param)
still = [path_str(p) for p, _ in reachable(x) if _ is popped]
assert not still, f'POP-2: after pop(x, Param) the popped Variable (first at .a) is still reachable at 'f'{still}'
print('POP-2 holds: pop removes every alias')
