"""Reproducer for UPD-2 (update(x, s) writes the state's values into x's existing Variables, keeping every identity.) on flax 0.12.12, written by nnxspec."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["a", {"node": 1}], ["b", {"var": 0}]], "kind": "container"}, {"entries": [["a", {"var": 0}]], "kind": "module", "style": "setattr_routing"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
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
if 'log_hook' not in globals():
    hook_log = []


    def log_hook(node, hook, name):
        hook_log.append((type(node).__name__, hook, name))
if 'ZooSetattrRouting' not in globals():
    class ZooSetattrRouting(Node):
        """Routes public attribute writes straight into the instance dict (skipping the Module
        base) and refuses every other name, as dict-backed containers do."""

        def __setattr__(self, name, value):
            log_hook(self, "__setattr__", name)
            if name.startswith("_"):
                raise AttributeError(f"{type(self).__name__} stores public names only, not {name!r}")
            vars(self)[name] = value

        def __delattr__(self, name):
            log_hook(self, "__delattr__", name)
            if name.startswith("_"):
                raise AttributeError(f"{type(self).__name__} stores public names only, not {name!r}")
            del vars(self)[name]
v0 = nnx.Param(values((), 'float32', 0))
n0 = nnx.Dict()
n1 = ZooSetattrRouting()
n0.a = n1
n0.b = v0
n1.a = v0
x = n0

# --- the filters ---
fs = ()

# --- the mutation program ---
def run_program(x):
    pass

# --- the step of UPD-2 ---
# this law has no plain-API step: replay it through nnxspec
import json

from spec.laws import Case, law_by_id
from spec.target import resolve_target

CASE = Case.from_data(json.loads('{"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["a", {"node": 1}], ["b", {"var": 0}]], "kind": "container"}, {"entries": [["a", {"var": 0}]], "kind": "module", "style": "setattr_routing"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}'))
law_by_id('UPD-2').run(resolve_target('flax'), CASE)
