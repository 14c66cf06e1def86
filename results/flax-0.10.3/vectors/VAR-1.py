"""Reproducer for VAR-1 (variables(x, *fs) has the paths and grouping of state(x, *fs), holds x's live Variables, and returns one State per filter.) on flax 0.10.3, written by nnxspec.

Plain code against flax's own API: it exits non-zero with VAR-1's message while the law fails."""
# case: {"backend": null, "filters": {"$tuple": [{"$": "TypeFilter", "type_name": "Param"}, {"$": "TypeFilter", "type_name": "Param"}]}, "graph": {"nodes": [{"entries": [], "kind": "module"}], "variables": []}, "other": null, "program": {"$tuple": []}, "scale": 1.0}
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
n0 = Node()
x = n0

# --- the filters ---
fs = (nnx.Param, nnx.Param)

# --- plain helpers: no nnxspec, only this release's own API ---
DOCUMENTED = (ValueError, TypeError, KeyError)


def path_str(path):
    return "".join(f".{k}" if isinstance(k, str) else f"[{k!r}]" for k in path) or "<root>"


def flat_paths(state):
    """The paths of a State's leaves, by plain mapping access."""
    out, stack = [], [((), state)]
    while stack:
        path, s = stack.pop()
        if hasattr(s, "items") and not isinstance(s, nnx.Variable) and not hasattr(s, "value"):
            stack.extend(((*path, k), v) for k, v in reversed(list(s.items())))
        else:
            out.append(path)
    return out


# --- VAR-1: variables(x, *fs) has the paths and grouping of state(x, *fs), holds x's live Variables, and returns one State per filter.
EXPECTED = [[], []]
outcome = nnx.variables(x, *fs)
groups = outcome if len(fs) >= 2 else (outcome,)
assert len(groups) == len(EXPECTED), f'VAR-1: variables(x, *fs) returned 'f'{len(groups)} States, but should return {len(EXPECTED)}'
for i, (want, got) in enumerate(zip(EXPECTED, groups)):
    assert sorted(map(repr, want)) == sorted(map(repr, flat_paths(got))), (
        f'VAR-1: variables(x, *fs)['f'{i}] has paths {[path_str(p) for p in flat_paths(got)]}, but should have {[path_str(p) for p in want]}')
print('VAR-1 holds: variables(x, *fs) has the paths of state(x, *fs)')
