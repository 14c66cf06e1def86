"""Reproducer for VAR-6 (copy.deepcopy of a Variable, and replace by a Variable of its type, give a Variable of that type whose value is a plain value.) on flax 0.12.8, written by nnxspec.

Plain code against flax's own API: it exits non-zero with VAR-6's message while the law fails."""
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


def value_of(v):
    """A Variable's (or state leaf's) value."""
    get = getattr(v, "get_value", None)
    return get() if callable(get) else v.value


# --- VAR-6: copy.deepcopy of a Variable, and replace by a Variable of its type, give a Variable of that type whose value is a plain value.
import copy
def metadata_of(v):
    return dict(v.get_metadata()) if hasattr(v, "get_metadata") else vars(v)
def set_metadata(v, name, value):
    if hasattr(v, "set_metadata"):
        v.set_metadata(**{name: value})
    else:
        setattr(v, name, value)
for cls, value, metadata in ((nnx.Param, [0.0, 1.0], {"note": "w"}), (nnx.BatchStat, 0.0, {})):
    v = cls(jnp.asarray(value, dtype=jnp.float32), **metadata)
    set_metadata(v, "nnxspec_list", [1])
    d = copy.deepcopy(v)
    assert type(d) is type(v) and d is not v, (
        f"VAR-6: copy.deepcopy(v) of {v!r} is {type(d).__name__} {d!r}, not a {cls.__name__}")
    assert np.asarray(value_of(d)).tolist() == np.asarray(value_of(v)).tolist(), (
        f"VAR-6: copy.deepcopy(v) of {v!r} holds {value_of(d)!r}")
    assert metadata_of(d)["nnxspec_list"] is not metadata_of(v)["nnxspec_list"], (
        "VAR-6: copy.deepcopy(v) shares v's metadata value nnxspec_list (a list)")
    w = cls(jnp.asarray(value, dtype=jnp.float32) + 7, **metadata)
    r = v.replace(w)
    assert type(r) is type(v) and not isinstance(value_of(r), nnx.Variable), (
        f"VAR-6: v.replace(w), w = {w!r}, is {r!r}: not a {cls.__name__} holding w's value")
print("VAR-6 holds: copy.deepcopy(v) and v.replace(w) give a Variable one level deep")
