"""Reproducer for ERR-6 (With an unhashable static attribute, or a Variable or node with unhashable metadata, split succeeds, but hashing the graphdef raises a TypeError naming the attribute.) on flax 0.12.12, written by nnxspec.

Plain code against flax's own API: it exits non-zero with ERR-6's message while the law fails."""
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


# --- ERR-6: With an unhashable static attribute, or a Variable or node with unhashable metadata, split succeeds, but hashing the graphdef raises a TypeError naming the attribute.
node = x
node.zz_unhashable = {1, 2}
gd = nnx.graphdef(node)  # split succeeds
must_fail('ERR-6: hash(graphdef(x))', lambda: hash(gd), 'zz_unhashable', 'unhashable-static at .zz_unhashable')
del node.zz_unhashable
node.zz_unhashable_metadata = nnx.Param(values((), 'float32', 0), tag=[1, 2])
gd = nnx.graphdef(node)  # split succeeds
must_fail('ERR-6: hash(graphdef(x)) with unhashable Variable metadata', lambda: hash(gd), 'zz_unhashable_metadata', 'unhashable-static at .zz_unhashable_metadata')
print('ERR-6 holds: hashing the graphdef names the unhashable attribute')
