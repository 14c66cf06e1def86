"""Reproducer for VAR-2 (A Variable's copy, replace, copy_from and pickle round trip carry its type, value and metadata, and share no metadata with their source.) on flax 0.10.3, written by nnxspec.

Plain code against flax's own API: it exits non-zero with VAR-2's message while the law fails."""
# case: {"backend": null, "filters": {"$tuple": []}, "graph": {"nodes": [{"entries": [["a", {"var": 0}], ["b", {"var": 0}]], "kind": "module"}], "variables": [{"dtype": "float32", "metadata": [], "seed": 0, "shape": [], "type": "Param"}]}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
# flax 0.10.3: the classes nnxspec's flax target builds blueprints with
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
v0 = nnx.Param(values((), 'float32', 0))
n0 = Node()
n0.a = v0
n0.b = v0
x = n0

# --- the filters ---
fs = ()

# --- plain helpers: no nnxspec, only this release's own API ---
DOCUMENTED = (ValueError, TypeError, KeyError)


def value_of(v):
    """A Variable's (or state leaf's) value."""
    get = getattr(v, "get_value", None)
    return get() if callable(get) else v.value


def is_pytree(y):
    return y is None or isinstance(y, (list, tuple, dict)) or dataclasses.is_dataclass(y)


def entries(y):
    """The entries of a pytree container or a graph node, by plain item and attribute access."""
    if y is None:
        return []
    if isinstance(y, dict):
        return list(y.items())
    if hasattr(y, "_fields"):
        return [(f, getattr(y, f)) for f in y._fields]
    if isinstance(y, (list, tuple)):
        return list(enumerate(y))
    if dataclasses.is_dataclass(y):
        return [(f.name, getattr(y, f.name)) for f in dataclasses.fields(y)]
    return [(k, v) for k, v in vars(y).items() if not k.startswith("_")]


def describe_leaf(v, metadata_keys):
    a = np.asarray(value_of(v))
    md = dict(v.get_metadata()) if hasattr(v, "get_metadata") else {}
    meta = tuple(sorted((k, repr(md[k])) for k in metadata_keys if k in md))
    return (type(v).__name__, str(a.dtype), tuple(a.shape), a.tolist(), meta)


def reachable(x):
    """(path, object) for every place reachable from x, each node and Variable once."""
    out, seen, stack = [], set(), [((), x)]
    while stack:
        path, y = stack.pop()
        if id(y) in seen and not is_pytree(y):
            out.append((path, y))
            continue
        seen.add(id(y))
        out.append((path, y))
        node = is_pytree(y) or hasattr(y, "__dict__")
        if not isinstance(y, nnx.Variable) and node and not hasattr(y, "dtype"):
            stack.extend(((*path, k), v) for k, v in reversed(entries(y)))
    return out


# --- VAR-2: A Variable's copy, replace, copy_from and pickle round trip carry its type, value and metadata, and share no metadata with their source.
import pickle
PROBE = 'nnxspec_probe'
W = np.arange(3, dtype=np.float32) + 0.5
ids = set()
variables = [y for _, y in reachable(x) if isinstance(y, nnx.Variable) and not (id(y) in ids or ids.add(id(y)))]
def metadata_of(v):
    return dict(v.get_metadata()) if hasattr(v, 'get_metadata') else {}
def set_metadata(v, name, value):
    if hasattr(v, 'set_metadata'):
        v.set_metadata(**{name: value})
    else:
        setattr(v, name, value)
for i, v in enumerate(variables[:16]):
    keys = (*metadata_of(v), PROBE, 'nnxspec_extra')
    before = describe_leaf(v, keys)
    value = np.asarray(v.get_value() if hasattr(v, 'get_value') else v.value)
    assert tuple(v.shape) == value.shape and np.dtype(v.dtype) == value.dtype, f"VAR-2: v.shape, v.dtype are {v.shape}, {v.dtype}, but its value's are {value.shape}"
    c = v.copy()
    assert type(c) is type(v) and c is not v and describe_leaf(c, keys) == before, f'VAR-2: v.copy() of {before} is {describe_leaf(c, keys)}'
    r = v.replace(W, **{PROBE: 1})
    assert describe_leaf(v, keys) == before, f'VAR-2: v.replace(w, nnxspec_probe=1) changed v: {before} became {describe_leaf(v, keys)}'
    want = (type(v).__name__, 'float32', (3,), W.tolist(), tuple(sorted((*before[4], (PROBE, repr(1))))))
    assert type(r) is type(v) and describe_leaf(r, keys) == want, f'VAR-2: v.replace(w, nnxspec_probe=1) is {describe_leaf(r, keys)}, expected {want}'
    set_metadata(c, 'nnxspec_extra', 0)  # copy_from must drop what r lacks
    c.copy_from(r)
    assert describe_leaf(c, keys) == describe_leaf(r, keys), f'VAR-2: c.copy_from(r) left c as {describe_leaf(c, keys)}'
    trio = {'v': v, 'c': c, 'r': r}
    for name, changed in trio.items():
        seen = {n: describe_leaf(o, keys) for n, o in trio.items() if o is not changed}
        set_metadata(changed, PROBE, 2 + i)
        for n, was in seen.items():
            assert describe_leaf(trio[n], keys) == was, f'VAR-2: setting metadata on {name} also changed {n} (c = v.copy(), r = v.replace(w, ...), then c.copy_from(r))'
    back = pickle.loads(pickle.dumps(v))
    assert type(back) is type(v) and describe_leaf(back, keys) == describe_leaf(v, keys), f'VAR-2: a pickle round trip of v gives {describe_leaf(back, keys)}'
print('VAR-2 holds: copy, replace, copy_from and pickle share no metadata')
