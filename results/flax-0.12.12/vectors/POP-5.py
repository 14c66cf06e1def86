"""Reproducer for POP-5 (pop that would remove Variables from pytree containers raises, naming the first such place in canonical order, and changes nothing.) on flax 0.12.12, written by nnxspec.

Plain code against flax's own API: it exits non-zero with POP-5's message while the law fails."""
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


def value_of(v):
    """A Variable's (or state leaf's) value."""
    get = getattr(v, "get_value", None)
    return get() if callable(get) else v.value


def path_str(path):
    return "".join(f".{k}" if isinstance(k, str) else f"[{k!r}]" for k in path) or "<root>"


def sort_key(key):
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))


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


def static_text(y):
    if isinstance(y, (set, frozenset)):
        return f"{type(y).__name__}({sorted(y, key=repr)!r})"
    return repr(y)


def describe_leaf(v, metadata_keys):
    a = np.asarray(value_of(v))
    md = dict(v.get_metadata()) if hasattr(v, "get_metadata") else {}
    meta = tuple(sorted((k, repr(md[k])) for k in metadata_keys if k in md))
    return (type(v).__name__, str(a.dtype), tuple(a.shape), a.tolist(), meta)


def snapshot(x, metadata_keys=()):
    """{path: what is there} for everything reachable from x, walked depth first in sorted key
    order: a Variable as (type, dtype, shape, values, metadata), a graph node as ("graph",), a
    pytree container as ("pytree",), a node or Variable met before as ("same as", its first
    path), a static as ("static", its repr)."""
    out, seen, stack = {}, {}, [((), x)]
    while stack:
        path, y = stack.pop()
        variable = isinstance(y, nnx.Variable)
        node = (
            not variable and not is_pytree(y) and hasattr(y, "__dict__") and not hasattr(y, "dtype")
        )
        if variable or node:
            if id(y) in seen:
                out[path] = ("same as", seen[id(y)])
                continue
            seen[id(y)] = path
        if variable:
            out[path] = describe_leaf(y, metadata_keys)
        elif node or is_pytree(y):
            out[path] = ("graph",) if node else ("pytree",)
            children = sorted(entries(y), key=lambda kv: sort_key(kv[0]))
            stack.extend(((*path, k), v) for k, v in reversed(children))
        else:
            out[path] = ("static", static_text(y))
    return out


def first_difference(expected, found):
    """The first place where two snapshots differ, as text (None when they are equal)."""
    for p in sorted(set(expected) | set(found), key=lambda p: [sort_key(k) for k in p]):
        if expected.get(p) != found.get(p):
            want, got = expected.get(p, "nothing"), found.get(p, "nothing")
            return f"at {path_str(p)}: expected {want}, found {got}"
    return None


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


# --- POP-5: pop that would remove Variables from pytree containers raises, naming the first such place in canonical order, and changes nothing.
# the law's own input: x.a = A, x.b = (1, B), x.c = [A]
v0 = nnx.Param(values((), 'float32', 0))
v1 = nnx.Param(values((), 'float32', 1))
n0 = Node()
n2 = [v0]
n1 = (1, v1)
n0.a = v0
n0.b = n1
n0.c = n2
x = n0
params = (nnx.Param,)
before = snapshot(x, ())
must_fail('POP-5: pop(x, *params)', lambda: nnx.pop(x, *params), 1, 'immutable-node at .b[1]: cannot pop from a tuple')
difference = first_difference(before, snapshot(x, ()))
assert difference is None, f'POP-5: pop(x, *params) changed x before failing: 'f'{difference}'
print('POP-5 holds: pop(x, *params) fails, naming .b[1], and changes nothing')
