"""Reproducer for POP-2 (Popping a Variable that several attributes share removes it from all of them.) on flax 0.10.0, written by nnxspec."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["a", {"var": 0}], ["b", {"var": 0}]], "kind": "module"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
# flax 0.10.0: the classes nnxspec's flax target builds blueprints with
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


class UserVariable(nnx.Param):
    pass




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
n0.a = v0
n0.b = v0
x = n0

# --- the filters ---
fs = ()

# --- the mutation program ---
def run_program(x):
    pass

# --- the step of POP-2 ---
# this law has no plain-API step: replay it through nnxspec
import json

from spec.laws import Case, law_by_id
from spec.target import resolve_target

CASE = Case.from_data(json.loads('{"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["a", {"var": 0}], ["b", {"var": 0}]], "kind": "module"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}'))
law_by_id('POP-2').run(resolve_target('flax'), CASE)
