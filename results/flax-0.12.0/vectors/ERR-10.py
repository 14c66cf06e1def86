"""Reproducer for ERR-10 (merge(graphdef(y), state(x)) either fails as the oracle says (naming the key) or builds exactly the oracle's graph.) on flax 0.12.0, written by nnxspec.

Plain code against flax's own API: it exits non-zero with ERR-10's message while the law fails."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [], "kind": "module"}], "variables": []}, "other": {"nodes": [{"entries": [["h", {"var": 0}]], "kind": "module"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "program": {"$tuple": []}, "scale": 1.0}
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

# --- the other graph ---
other_v0 = nnx.Param(values((), 'float32', 0))
other_n0 = Node()
other_n0.h = other_v0
other = other_n0

# --- the filters ---
fs = ()

# --- plain helpers: no nnxspec, only this release's own API ---
DOCUMENTED = (ValueError, TypeError, KeyError)


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


# --- ERR-10: merge(graphdef(y), state(x)) either fails as the oracle says (naming the key) or builds exactly the oracle's graph.
gd = nnx.graphdef(other)
s0 = make_state([])
must_fail('ERR-10: merge(graphdef(other), state(x))', lambda: nnx.merge(gd, s0), 'h', 'missing-key at .h: a Variable of the GraphDef has no state leaf')
print('ERR-10 holds: merge(graphdef(other), state(x)) fails, naming .h')
