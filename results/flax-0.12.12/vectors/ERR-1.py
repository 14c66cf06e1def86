"""Reproducer for ERR-1 (merge with a state that lacks a Variable's leaf raises a documented error naming its key.) on flax 0.12.12, written by nnxspec."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["t", {"node": 1}], ["q", {"var": 0}], ["k", {"node": 1}]], "kind": "module"}, {"entries": [], "kind": "module"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
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


class UserVariable(nnx.Param):
    pass


class Dict(nnx.Dict, pytree=False):
    """Blueprint 'container' nodes: nnx.Dict without the pytree=True data/static checks."""


# The graph below spells containers nnx.Dict(); point that name at the Dict above without
# changing flax itself.
_flax_nnx = nnx
nnx = types.ModuleType("nnx", "flax.nnx, with Dict = the pytree=False subclass above")
vars(nnx).update(vars(_flax_nnx))
nnx.Dict = Dict


@functools.lru_cache(maxsize=None)
def namedtuple_type(fields):
    return collections.namedtuple("NT_" + "_".join(fields), fields)


@functools.lru_cache(maxsize=None)
def dataclass_type(fields):
    cls = dataclasses.make_dataclass("DC_" + "_".join(fields), list(fields), frozen=True)
    jax.tree_util.register_dataclass(cls, data_fields=list(fields), meta_fields=[])
    return cls


def values(shape, dtype, seed):
    """The deterministic value of a blueprint Variable: arange(size) + seed, in dtype."""
    base = np.arange(int(np.prod(shape)), dtype=np.int64) + seed
    if dtype == "bool":
        return jnp.asarray((base % 2 == 1).reshape(shape))
    return jnp.asarray(base.astype(np.float32 if dtype == "bfloat16" else dtype).reshape(shape), dtype=dtype)

# --- the graph ---
v0 = nnx.Param(values((), 'float32', 0))
n0 = Node()
n1 = Node()
n0.t = n1
n0.q = v0
n0.k = n1
x = n0

# --- the filters ---
fs = ()

# --- the mutation program ---
def run_program(x):
    pass

# --- the step of ERR-1 ---
# this law has no plain-API step: replay it through nnxspec
import json

from spec.laws import Case, law_by_id
from spec.target import resolve_target

CASE = Case.from_data(json.loads('{"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["t", {"node": 1}], ["q", {"var": 0}], ["k", {"node": 1}]], "kind": "module"}, {"entries": [], "kind": "module"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}'))
law_by_id('ERR-1').run(resolve_target('flax'), CASE)
