"""Reproducer for ERR-17 (Building or merging States so that a path runs through another path's leaf raises, naming the leaf's path or the later one, and leaves the States as they were.) on flax 0.10.6, written by nnxspec.

Plain code against flax's own API: it exits non-zero with ERR-17's message while the law fails."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [], "kind": "module"}], "variables": []}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
# flax 0.10.6: the classes nnxspec's flax target builds blueprints with
import collections
import dataclasses
import functools
import types

import flax
import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx


class Node(nnx.Module):
    """A blueprint module: attributes are set one by one after construction."""

    def bump(self):
        count = 0
        for value in list(vars(self).values()):
            if isinstance(value, nnx.Variable):
                value.value = ~value.value if value.value.dtype == bool else value.value + 1
                count += 1
        return count


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


# --- ERR-17: Building or merging States so that a path runs through another path's leaf raises, naming the leaf's path or the later one, and leaves the States as they were.
WHAT = 'ERR-17: make_state(state(x) + a leaf at .zz_leaf.zz_below)'
e = must_fail(WHAT, lambda: make_state([
    (('zz_leaf',), leaf(nnx.Param, jnp.asarray(1.0, dtype='float32'))),
    (('zz_leaf', 'zz_below'), leaf(nnx.Param, jnp.asarray(1.0, dtype='float32'))),
]), None, 'subgraph-for-leaf at .zz_leaf: a state path runs through a leaf')
named = [k for k in ('zz_leaf', 'zz_below') if repr(k) in str(e) or str(k) in str(e)]
assert named, (f'{WHAT} raised {type(e).__name__}: {e}, '
               'but its message should name ' '.zz_leaf or .zz_leaf.zz_below')
print('ERR-17 holds: a path through a leaf is refused, naming it')
