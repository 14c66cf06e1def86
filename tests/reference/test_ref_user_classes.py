"""User-written Module classes on the reference, as seed-era code writes them (each case checked
against flax 0.10.3, where it works the same way)."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

import reference as nnx


class Routed(nnx.Module):
    """Routes every attribute write into its own ``items`` dict (a dict-backed container)."""

    items: dict[str, Any]

    def __init__(self, **kw: Any) -> None:
        vars(self)["items"] = dict(kw)

    def __setattr__(self, k: str, v: Any) -> None:
        if k == "items":
            object.__setattr__(self, k, v)
        else:
            vars(self)["items"][k] = v


LOG: list[str] = []


class Logged(nnx.Module):
    def __init__(self) -> None:
        self.x = nnx.Param(1)

    def __setattr__(self, k: str, v: Any) -> None:
        LOG.append(k)
        super().__setattr__(k, v)


def test_a_module_routing_writes_into_a_dict_builds_splits_and_merges() -> None:
    d = Routed(a=nnx.Param(1))
    assert sorted(vars(d)) == ["items"]
    graphdef, state = nnx.split(d)
    e = nnx.merge(graphdef, state)
    assert type(e) is Routed and int(e.items["a"].value) == 1
    assert int(nnx.clone(e).items["a"].value) == 1


def test_a_logging_setattr_sees_only_the_users_names() -> None:
    LOG.clear()
    m = Logged()
    nnx.clone(m)
    assert LOG == ["x"]
    graphdef, state = nnx.split(m)
    nnx.merge(graphdef, state)
    nnx.update(m, state)
    nnx.state(m)
    nnx.graphdef(m)
    nnx.pop(m, nnx.Param)
    assert LOG == ["x"]


class P(nnx.Module, experimental_pytree=True):
    def __init__(self) -> None:
        self.w = nnx.Param(np.float32(2.0))
        self.child = nnx.Dict(b=nnx.BatchStat(np.float32(3.0)))


def test_experimental_pytree_makes_a_jax_pytree() -> None:
    p = P()
    leaves, treedef = jax.tree_util.tree_flatten(p)
    assert [float(v) for v in leaves] == [3.0, 2.0]  # sorted by path: child/b, w
    q = jax.tree_util.tree_unflatten(treedef, leaves)
    assert type(q) is P and q is not p and float(q.w.value) == 2.0
    out = jax.jit(lambda m: m)(p)
    assert type(out) is P and float(out.child.b.value) == 3.0
    paths = [jax.tree_util.keystr(path) for path, _ in jax.tree_util.tree_flatten_with_path(p)[0]]
    assert paths[1].startswith("['w']")
    assert nnx.is_graph_node(p)  # still a graph node: split / merge treat it as one


def test_plain_modules_are_not_jax_pytrees() -> None:
    leaves, _ = jax.tree_util.tree_flatten(Logged())
    assert len(leaves) == 1 and isinstance(leaves[0], Logged)
