"""Reproducer for ERR-5 (merge with a state leaf standing where the graphdef has a subgraph raises, also at a shared subgraph's second path (where the graphdef holds a reference).) on flax 0.11.2, written by nnxspec.

Plain code against flax's own API: it exits non-zero with ERR-5's message while the law fails."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["a", {"node": 1}], ["b", {"var": 0}], ["c", {"var": 0}]], "kind": "module"}, {"entries": [["a", {"var": 0}]], "kind": "module"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
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
v0 = nnx.Param(values((), 'float32', 0))
n0 = Node()
n1 = Node()
n0.a = n1
n0.b = v0
n0.c = v0
n1.a = v0
x = n0

# --- the filters ---
fs = ()

# --- plain helpers: no nnxspec, only this release's own API ---
DOCUMENTED = (ValueError, TypeError, KeyError)


def leaf(cls, value, **metadata):
    """The state leaf this release makes for a Variable of type cls (what nnx.state gives)."""
    holder = Node()
    holder.v = cls(jnp.asarray(value), **metadata)
    return nnx.state(holder)["v"]


def make_state(pairs):
    """A State holding the (path, leaf) pairs, in this order."""
    if hasattr(nnx, "from_flat_state"):
        return nnx.from_flat_state(pairs)
    return nnx.State.from_flat_path(pairs)


def must_fail(what, run, key, expected):
    """Run run(); it must raise a ValueError, TypeError or KeyError whose message names key
    (None: a fault of the whole input, no key to name)."""
    try:
        result = run()
    except DOCUMENTED as e:
        if key is not None:
            assert repr(key) in str(e) or str(key) in str(e), (
                f"{what} raised {type(e).__name__}: {e}, but its message should name {key!r}")
        return e
    except Exception as e:
        raise AssertionError(f"{what} raised {type(e).__name__}: {e}, but should raise a "
                             f"ValueError, TypeError or KeyError ({expected})") from e
    raise AssertionError(f"{what} returned a {type(result).__name__}, but should fail: {expected}")


# --- ERR-5: merge with a state leaf standing where the graphdef has a subgraph raises, also at a shared subgraph's second path (where the graphdef holds a reference).
gd = nnx.graphdef(x)
s0 = make_state([
    (('a',), leaf(nnx.Param, jnp.asarray(1.0, dtype='float32'))),
])
must_fail('ERR-5: merge(graphdef(x), state with a leaf for a subgraph)', lambda: nnx.merge(gd, s0), 'a', 'leaf-for-subgraph at .a: a state leaf stands where a subgraph belongs')
print('ERR-5 holds: merge(graphdef(x), state with a leaf for a subgraph) fails, naming .a')
