"""RefMap, HashableMapping, compose_mapping(_reversed), NodeDef.apply, index_ref_cache, custom
pytrees."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

import reference as nnx
from tests.reference.refmodels import D, Linear, Rngs


def test_refmap_is_identity_keyed_and_ordered() -> None:
    a, b = [1], [1]  # equal, unhashable, distinct
    refmap: nnx.RefMap[list[int], str] = nnx.RefMap([(a, "a")])
    refmap[b] = "b"
    assert refmap[a] == "a" and refmap[b] == "b" and len(refmap) == 2
    assert list(refmap) == [a, b] and [1] not in refmap
    del refmap[a]
    assert list(refmap.items()) == [(b, "b")]


def test_hashable_mapping_has_value_semantics() -> None:
    first = nnx.HashableMapping({"x": 1, "y": 2})
    assert first == nnx.HashableMapping({"y": 2, "x": 1}) and hash(first) == hash(
        nnx.HashableMapping({"y": 2, "x": 1})
    )
    assert first != {"x": 1, "y": 2} and dict(first) == {"x": 1, "y": 2}
    source = {"k": 1}
    view = nnx.HashableMapping(source, copy=False)
    source["k"] = 2
    assert view["k"] == 2 and nnx.HashableMapping(source)["k"] == 2


def test_compose_mapping_and_its_reverse() -> None:
    ab = {"a": 1, "b": 2, "c": 3}
    bc = {1: "x", 2: "y"}
    assert nnx.compose_mapping(ab, bc) == {"a": "x", "b": "y"}
    assert nnx.compose_mapping_reversed(ab, bc) == {"x": "a", "y": "b"}


def test_nodedef_apply_merges_calls_and_flattens() -> None:
    model = Linear(2, 3, rngs=Rngs(0))
    graphdef, state = nnx.split(model)
    assert isinstance(graphdef, nnx.NodeDef)
    y, (graphdef_out, state_out) = graphdef.apply(state)(jnp.ones((1, 2)))
    assert y.shape == (1, 3) and graphdef_out == graphdef
    assert [p for p, _ in state_out.flat_state()] == [p for p, _ in state.flat_state()]


def test_unflatten_with_index_ref_cache_reuses_objects() -> None:
    x = D(a=nnx.Param(1), sub=D(b=nnx.BatchStat(2)), s=1)
    graphdef, state = nnx.split(x)
    cache: dict[int, Any] = {0: x, 1: x.a, 2: x.sub, 3: x.sub.b}
    new_state = {"a": 10, "sub": {"b": nnx.VariableState(nnx.BatchStat, 20)}}
    variable_a = x.a
    y = nnx.unflatten(graphdef, new_state, index_ref_cache=cache)
    assert y is x and x.a is variable_a and x.a.value == 10 and x.sub.b.value == 20 and x.s == 1
    assert nnx.unflatten(graphdef, state) is not x


def test_custom_pytree_node_type() -> None:
    class Pair:
        def __init__(self, left: Any, right: Any) -> None:
            self.left, self.right = left, right

    nnx.register_pytree_node_type(
        Pair,
        lambda p: ([("left", p.left), ("right", p.right)], None),
        lambda children, _: Pair(*(value for _, value in children)),
    )
    shared = nnx.Param(1)
    x = D(p=Pair(shared, D(v=shared)))
    graphdef, state = nnx.split(x)
    y = nnx.merge(graphdef, state)
    assert type(y.p) is Pair and y.p.left is y.p.right.v and y.p.left is not shared
    assert [p for p, _ in state.flat_state()] == [("p", "left")]
    assert nnx.is_pytree_node(Pair(1, 2)) and nnx.is_node_type(Pair)
