"""Reproducer for ROB-10 (split, graphdef, state and clone of a graph with an array attribute, a self-containing pytree, unorderable dict keys or keys of a registered node type, or a root that is not a node raise a documented error naming the attribute and change nothing; unhashable statics and orderable odd keys round-trip.) on flax 0.12.12, written by nnxspec."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [], "kind": "module"}], "variables": []}, "hostile": {"$tuple": [{"$": "UnhashableStatic", "at": 0, "boxed": false}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
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
n0 = Node()
x = n0

# --- the filters ---
fs = ()

# --- the mutation program ---
def run_program(x):
    pass

# --- the step of ROB-10 ---
# this law has no plain-API step: replay it through nnxspec
import json

from spec.laws import Case, law_by_id
from spec.target import resolve_target

CASE = Case.from_data(json.loads('{"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [], "kind": "module"}], "variables": []}, "hostile": {"$tuple": [{"$": "UnhashableStatic", "at": 0, "boxed": false}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}'))
law_by_id('ROB-10').run(resolve_target('flax'), CASE)
