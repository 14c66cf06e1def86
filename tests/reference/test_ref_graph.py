"""Core graph semantics: round trips (sharing, cycles, pytrees, jit), indexing, state paths,
update, pop."""

from __future__ import annotations

import collections
import dataclasses
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import reference as nnx
from reference import errors
from tests.reference.refmodels import MLP, Chain, D, Linear, Rngs, leaf, ring

Point = collections.namedtuple("Point", ["x", "y"])


@jax.tree_util.register_dataclass
@dataclasses.dataclass
class Pair:
    left: Any
    right: Any


def shared_graph() -> nnx.Dict[Any]:
    """Tied weights, a self-loop, a 2-cycle, shared Variables, pytrees and statics."""
    tied = Linear(2, 2, rngs=Rngs(0))
    shared_var = nnx.Param(jnp.arange(3.0))
    a, b = D(), D()
    a.peer, b.peer = b, a
    a.v = shared_var
    root = D(
        enc=tied,
        dec=tied,
        v=shared_var,
        pair=(a, b),
        loop=None,
        seq=[1, "s", None],
        point=Point(nnx.BatchStat(1.0), 2),
        data=Pair(shared_var, 3),
        static=frozenset({"x", 1}),
    )
    root.loop = root
    return root


def check_isomorphic(x: nnx.Dict[Any], y: nnx.Dict[Any], same_values: bool = True) -> None:
    """Same structure, fresh objects, same aliasing, identical static values."""
    assert nnx.graphdef(x) == nnx.graphdef(y)
    assert y.enc is y.dec and y.enc is not x.enc
    assert y.loop is y and y.pair[0].peer is y.pair[1] and y.pair[1].peer is y.pair[0]
    assert y.v is y.pair[0].v is y.data.left and y.v is not x.v
    assert y.v.raw_value is x.v.raw_value or not same_values
    assert type(y.point) is Point and type(y.point.x) is nnx.BatchStat
    assert type(y.data) is Pair and y.static is x.static


def test_round_trip_preserves_sharing_cycles_and_statics() -> None:
    x = shared_graph()
    graphdef, state = nnx.split(x)
    check_isomorphic(x, nnx.merge(graphdef, state))
    check_isomorphic(x, nnx.clone(x))


def test_round_trip_under_jit_with_sharing_and_cycles() -> None:
    x = shared_graph()
    graphdef, state = nnx.split(x)

    @jax.jit
    def step(state: nnx.GraphState) -> nnx.GraphState:
        y = nnx.merge(graphdef, state)
        y.v.value = y.v.value + 1  # one Variable, reached from three places
        y.enc.bias.value = y.enc.bias.value - 1
        _, out = nnx.split(y)
        return out

    new_state = step(state)
    y = nnx.merge(graphdef, new_state)
    check_isomorphic(x, y, same_values=False)
    np.testing.assert_allclose(y.pair[0].v.value, np.arange(3.0) + 1)
    np.testing.assert_allclose(y.dec.bias.value, x.enc.bias.value - 1)
    nnx.update(x, new_state)
    np.testing.assert_allclose(x.data.left.value, np.arange(3.0) + 1)


def test_ring_round_trip_under_jit() -> None:
    head = ring(50)
    graphdef, state = nnx.split(head)
    out = jax.jit(lambda s: nnx.split(nnx.merge(graphdef, s))[1])(state)
    merged = nnx.merge(graphdef, out)
    walker: Chain | None = merged
    for _ in range(50):
        assert walker is not None
        walker = walker.next
    assert walker is merged


def test_indices_are_preorder_and_references_point_back() -> None:
    graphdef = nnx.graphdef(shared_graph())
    assert isinstance(graphdef, nnx.NodeDef)
    seen = [graphdef.index]
    stack = [iter(graphdef.attributes)]
    while stack:
        for attribute in stack[-1]:
            value = attribute.value
            if isinstance(value, nnx.NodeRef):
                assert value.index in seen  # references point to earlier indices
            elif isinstance(value, nnx.VariableDef):
                seen.append(value.index)
            elif isinstance(value, nnx.NodeDef):
                if value.index >= 0:
                    seen.append(value.index)
                else:
                    assert value.type in (list, tuple, type(None), nnx.GenericPytree)
                stack.append(iter(value.attributes))
                break
        else:
            stack.pop()
    assert seen == list(range(len(seen)))


def test_pytree_containers_get_index_minus_one_and_are_copied() -> None:
    inner = [nnx.Param(1)]
    x = D(a=inner, b=inner)
    graphdef, state = nnx.split(x)
    attributes = {a.key: a.value for a in graphdef.attributes}  # type: ignore[attr-defined]
    assert attributes["a"].index == -1 and attributes["a"].type is list
    y = nnx.merge(graphdef, state)
    assert y.a is not y.b and y.a[0] is y.b[0]
    assert [path for path, _ in state.flat_state()] == [("a", 0)]


def test_state_paths_are_first_sorted_paths() -> None:
    v = nnx.Param(1)
    x = D(z=v, b=D(y=v), _private=nnx.BatchStat(0))
    paths = [path for path, _ in nnx.state(x).flat_state()]
    assert paths == [("_private",), ("b", "y")]


def test_split_leaves_are_copies_and_merge_makes_new_variables() -> None:
    x = D(a=nnx.Param(jnp.ones(2), tag="t"))
    _, state = nnx.split(x)
    leaf = state["a"]
    assert isinstance(leaf, nnx.VariableState) and leaf.type is nnx.Param
    assert leaf.value is x.a.raw_value and leaf.tag == "t"
    leaf.tag = "changed"
    assert x.a.tag == "t"


def test_graphdef_equal_for_equal_structures_and_sensitive_to_statics() -> None:
    first, second = MLP(2, rngs=Rngs(0)), MLP(2, rngs=Rngs(1))
    assert nnx.graphdef(first) == nnx.graphdef(second)
    assert hash(nnx.graphdef(first)) == hash(nnx.graphdef(second))
    second.blocks[0].bn.epsilon = 1e-3
    assert nnx.graphdef(first) != nnx.graphdef(second)


def test_nodedef_constructor_round_trips_the_nested_view() -> None:
    graphdef = nnx.graphdef(shared_graph())
    assert isinstance(graphdef, nnx.NodeDef)
    rebuilt = nnx.NodeDef(graphdef.type, graphdef.index, graphdef.attributes, graphdef.metadata)
    assert (
        rebuilt == graphdef and hash(rebuilt) == hash(graphdef) and repr(rebuilt) == repr(graphdef)
    )


def test_flatten_with_shared_ref_index_and_unflatten_with_shared_index_ref() -> None:
    shared = nnx.Param(1)
    a, b = D(v=shared), D(v=shared, a=None)
    b.a = a
    ref_index: nnx.RefMap[Any, int] = nnx.RefMap()
    graphdef_a, state_a = nnx.flatten(a, ref_index)
    graphdef_b, state_b = nnx.flatten(b, ref_index)
    graphdef_again, state_again = nnx.flatten(a, ref_index)
    assert isinstance(graphdef_again, nnx.NodeRef) and not state_again
    assert not state_b  # b's Variable and its reference to a were seen before
    index_ref: dict[int, Any] = {}
    new_a = nnx.unflatten(graphdef_a, state_a, index_ref=index_ref)
    new_b = nnx.unflatten(graphdef_b, state_b, index_ref=index_ref)
    assert new_b.a is new_a and new_b.v is new_a.v
    assert nnx.unflatten(graphdef_again, {}, index_ref=index_ref) is new_a


def test_update_keeps_identities_and_reaches_lists_and_dicts() -> None:
    x = D(l=[nnx.Param(1)], d={"k": nnx.Param(2)}, m=D(p=nnx.Param(3)))
    ids = [id(x.l[0]), id(x.d["k"]), id(x.m.p)]
    nnx.update(x, {"l": {0: 10}, "d": {"k": 20}}, {"m": {"p": nnx.VariableState(nnx.Param, 30)}})
    assert [x.l[0].value, x.d["k"].value, x.m.p.value] == [10, 20, 30]
    assert [id(x.l[0]), id(x.d["k"]), id(x.m.p)] == ids
    nnx.update(x, nnx.state(x))
    assert [id(x.l[0]), id(x.d["k"]), id(x.m.p)] == ids


def test_update_adds_new_attributes_to_graph_nodes_only() -> None:
    x = D(sub=D(), l=[1])
    nnx.update(x, {"sub": {"new": nnx.Param(5), "other": nnx.BatchStat.state(7)}})
    assert x.sub.new.value == 5 and type(x.sub.other) is nnx.BatchStat and x.sub.other.value == 7
    with pytest.raises(
        errors.ImmutableNodeError, match=r"^immutable node: new key 1 on a list at 'l/1'"
    ):
        nnx.update(x, {"l": {1: 2}})


def test_pop_without_aliases_partitions_the_state() -> None:
    x = D(a=nnx.Param(1), b=nnx.Intermediate(2), c=D(d=nnx.Intermediate(3), e=nnx.Cache(4)))
    before = nnx.state(x)
    intermediates, caches = nnx.pop(x, nnx.Intermediate, nnx.Cache)
    after = nnx.state(x)

    def flat(state: nnx.GraphState) -> dict[Any, Any]:
        return {path: leaf.value for path, leaf in state.flat_state()}

    assert flat(before) == {**flat(intermediates), **flat(caches), **flat(after)}
    assert list(flat(after)) == [("a",)] and not hasattr(x.c, "d")


def test_pop_requires_a_filter() -> None:
    with pytest.raises(errors.FilterError, match=r"^invalid filter: no filters"):
        nnx.pop(D())  # type: ignore[call-overload]


def test_variables_are_live_objects() -> None:
    x = D(a=nnx.Param(1), b=nnx.BatchStat(2))
    assert nnx.variables(x)["a"] is x.a
    assert nnx.variables(x, nnx.BatchStat)["b"] is x.b


def test_iter_graph_post_order_and_module_helpers() -> None:
    model = MLP(2, rngs=Rngs(0))
    modules = [path for path, _ in model.iter_modules()]
    assert modules[-1] == () and modules[:3] == [
        ("blocks", 0, "bn"),
        ("blocks", 0, "linear"),
        ("blocks", 0),
    ]
    assert [name for name, _ in model.blocks[0].iter_children()] == ["bn", "linear"]
    model.eval()
    assert all(block.bn.use_running_average for block in model.blocks)
    model.train()
    assert not model.blocks[1].bn.use_running_average
    with pytest.raises(
        errors.InvalidKeyError, match=r"^invalid key: attributes \['nope'\] at <root>"
    ):
        model.set_attributes(nope=1)


def test_generic_pytrees_and_is_node() -> None:
    assert nnx.is_node(Point(1, 2)) and nnx.is_pytree_node(Pair(1, 2)) and nnx.is_node(None)
    assert not nnx.is_node(1) and not nnx.is_node(nnx.Param(1)) and not nnx.is_node(jnp.ones(1))
    assert nnx.is_graph_node(D()) and not nnx.is_graph_node([])
    assert (
        nnx.is_node_type(list) and nnx.is_node_type(nnx.GenericPytree) and not nnx.is_node_type(int)
    )


def test_static_values_are_kept_by_reference_and_static_wrapper() -> None:
    marker = object()
    x = D(marker=marker)
    assert nnx.merge(*nnx.split(x)).marker is marker
    assert nnx.Static(1) == nnx.Static(1) and hash(nnx.Static(1)) == hash(nnx.Static(1))
    assert jax.tree_util.tree_leaves(nnx.Static(1)) == []


def test_register_graph_node_type_for_a_custom_class() -> None:
    class Box:
        def __init__(self) -> None:
            self.items: dict[Any, Any] = {}

    nnx.register_graph_node_type(
        Box,
        lambda b: (sorted(b.items.items()), None),
        lambda b, k, v: b.items.__setitem__(k, v),
        lambda b, k: b.items.pop(k),
        lambda _: Box(),
        lambda b: b.items.clear(),
        lambda b, items: b.items.update(items),
    )
    box = Box()
    box.items.update(p=nnx.Param(1), me=box)
    graphdef, state = nnx.split(box)
    new = nnx.merge(graphdef, state)
    assert new.items["me"] is new and new.items["p"].value == 1
    nnx.update(new, {"q": nnx.Param.state(2)})
    assert new.items["q"].value == 2
    assert leaf(nnx.pop(new, nnx.Param), "p").value == 1


def test_a_container_reached_again_below_a_graph_node_is_not_a_cycle_error() -> None:
    inner = D()
    shared: list[Any] = [inner, nnx.Param(1)]
    inner.back = shared  # list -> Dict -> the same list: the Dict becomes a reference
    x = D(a=shared, b=inner)
    graphdef, state = nnx.split(x)
    y = nnx.merge(graphdef, state)
    assert y.a[0] is y.b and y.b.back[0] is y.b and y.b.back is not y.a  # containers are copied
    assert y.a[1] is y.b.back[1]
    paths = [path for path, _ in nnx.iter_graph(x)]
    assert paths[-3:] == [("a", 0), ("a",), ()] and ("a", 0, "back", 1) in paths


def test_pop_names_the_first_blocked_occurrence_in_traversal_order() -> None:
    first, second = nnx.Param(0), nnx.Param(1)
    x: list[Any] = [D(a=second), first, second]  # 'first' sits in the list before the 2nd 'second'
    with pytest.raises(
        errors.ImmutableNodeError, match=r"^immutable node: key 1 popped from a list at '1'"
    ):
        nnx.pop(x, nnx.Param)
    assert x[0].a is second


def test_failing_flatten_leaves_a_shared_ref_index_unchanged() -> None:
    ref_index: nnx.RefMap[Any, int] = nnx.RefMap()
    good = D(v=nnx.Param(1))
    nnx.flatten(good, ref_index)
    before = list(ref_index.items())
    with pytest.raises(errors.ArrayLeafError):
        nnx.flatten(D(a=nnx.Param(2), b=D(), z=np.zeros(2)), ref_index)
    assert list(ref_index.items()) == before
    assert ref_index[good] == 0 and ref_index[good.v] == 1


class Marker:
    """A static value with identity equality."""


def test_deepcopy_keeps_sharing_and_copies_statics() -> None:
    import copy

    shared = nnx.Param(jnp.ones(2))
    x = D(a=shared, b=D(c=shared), s=frozenset({1}), k=Marker())
    y = copy.deepcopy(x)
    assert y.a is y.b.c and y.a is not x.a and y.s == x.s
    assert type(y.k) is Marker and y.k is not x.k  # unlike clone, deepcopy copies statics
    assert nnx.clone(x).k is x.k


def test_concurrent_splits_and_merges_in_threads() -> None:
    import threading

    results: list[bool] = []

    def work(seed: int) -> None:
        model = MLP(3, rngs=Rngs(seed))
        for _ in range(20):
            graphdef, state = nnx.split(model)
            model = nnx.merge(graphdef, state)
        results.append(nnx.graphdef(model) == graphdef)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 4
