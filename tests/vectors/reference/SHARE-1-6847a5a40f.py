"""Reproducer for SHARE-1 (A Variable reached by several paths appears once in the state, at its first path.) on reference 0.1.0, written by nnxspec."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["e", {"node": 1}], ["v", {"node": 2}], ["c", {"node": 3}], ["j", {"node": 4}], ["d", {"node": 5}], ["s", {"node": 6}], ["r", {"var": 0}]], "kind": "module"}, {"entries": [["a", {"node": 7}]], "kind": "module"}, {"entries": [], "kind": "none"}, {"entries": [["a", {"node": 7}]], "kind": "module"}, {"entries": [], "kind": "module"}, {"entries": [], "kind": "module"}, {"entries": [], "kind": "module"}, {"entries": [[0, {"node": 1}], [1, {"var": 1}]], "kind": "list"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}, {"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
import reference as nnx
import collections
import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np


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
v1 = nnx.Param(values((), 'float32', 0))
n0 = Node()
n1 = Node()
n3 = Node()
n4 = Node()
n5 = Node()
n6 = Node()
n7 = [n1, v1]
n2 = None
n0.e = n1
n0.v = n2
n0.c = n3
n0.j = n4
n0.d = n5
n0.s = n6
n0.r = v0
n1.a = n7
n3.a = n7
x = n0

# --- the filters ---
fs = ()

# --- the mutation program ---
def run_program(x):
    pass

# --- the step of SHARE-1 ---
# this law has no plain-API step: replay it through nnxspec
import json

from spec.laws import Case, law_by_id
from spec.target import resolve_target

CASE = Case.from_data(json.loads('{"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["e", {"node": 1}], ["v", {"node": 2}], ["c", {"node": 3}], ["j", {"node": 4}], ["d", {"node": 5}], ["s", {"node": 6}], ["r", {"var": 0}]], "kind": "module"}, {"entries": [["a", {"node": 7}]], "kind": "module"}, {"entries": [], "kind": "none"}, {"entries": [["a", {"node": 7}]], "kind": "module"}, {"entries": [], "kind": "module"}, {"entries": [], "kind": "module"}, {"entries": [], "kind": "module"}, {"entries": [[0, {"node": 1}], [1, {"var": 1}]], "kind": "list"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}, {"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}'))
law_by_id('SHARE-1').run(resolve_target('reference'), CASE)
