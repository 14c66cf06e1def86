"""Reproducer for PT-5 (is_node_type and is_pytree_node tell graph nodes, registered containers, generic pytrees, Variables and plain leaves apart as split does.) on flax 0.10.0, written by nnxspec.

Plain code against flax's own API: it exits non-zero with PT-5's message while the law fails."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["a", {"node": 1}]], "kind": "module"}, {"entries": [], "kind": "list"}], "variables": []}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
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


def values(shape, dtype, seed):
    """The deterministic value of a blueprint Variable: arange(size) + seed, in dtype."""
    base = np.arange(int(np.prod(shape)), dtype=np.int64) + seed
    if dtype == "bool":
        return jnp.asarray((base % 2 == 1).reshape(shape))
    array = base.astype(np.float32 if dtype == "bfloat16" else dtype).reshape(shape)
    return jnp.asarray(array, dtype=dtype)

# --- the graph ---
n0 = Node()
n1 = []
n0.a = n1
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


def path_str(path):
    return "".join(f".{k}" if isinstance(k, str) else f"[{k!r}]" for k in path) or "<root>"


# --- PT-5: is_node_type and is_pytree_node tell graph nodes, registered containers, generic pytrees, Variables and plain leaves apart as split does.
NODES = [
    ((), x, 'graph'),
    (('a',), x.a, 'pytree'),
]
LEAVES = [
]
G = getattr(nnx, "graph", nnx)  # flax keeps is_node_type in nnx.graph
REGISTERED = (list, tuple, dict, type(None))
for p, o, kind in NODES:
    where = f"the {type(o).__name__} at x{path_str(p)}"
    if kind == "graph":
        assert G.is_node_type(type(o)), f"PT-5: is_node_type(type(o)) is False for {where}"
        continue
    assert G.is_pytree_node(o), f"PT-5: is_pytree_node(o) is False for {where}"
    registered = type(o) in REGISTERED
    assert G.is_node_type(type(o)) == registered, (
        f"PT-5: is_node_type(type(o)) is {not registered} for {where}, a "
        f"{'registered' if registered else 'generic'} pytree container")
for what, leaf in [*LEAVES, ("1", 1), ("'s'", "s"), ("1.5", 1.5), ("a numpy array", np.ones(2))]:
    assert not G.is_node_type(type(leaf)), f"PT-5: is_node_type(type(o)) is True for {what}"
    assert not G.is_pytree_node(leaf), f"PT-5: is_pytree_node(o) is True for {what}"
print("PT-5 holds: is_node_type and is_pytree_node tell nodes from leaves")
