"""One test (or a few) per deviation of ``spec/deviations.py`` (D-1 ... D-16)."""

from __future__ import annotations

import copy
import types
from typing import Any

import numpy as np
import pytest

import reference as nnx
from reference import errors
from tests.reference.refmodels import Chain, D, chain, leaf, ring

# --- D-1: no depth ceiling ----------------------------------------------------------

DEEP = 100_000


def _last(node: Chain) -> Chain:
    while node.next is not None:
        node = node.next
    return node


def test_d1_deep_chain_split_merge_update_clone_and_graphdef() -> None:
    head = chain(DEEP)
    graphdef, state = nnx.split(head)
    merged = nnx.merge(graphdef, state)
    assert _last(merged).w.value == DEEP - 1 and _last(merged) is not _last(head)
    nnx.update(head, state)
    cloned = nnx.clone(merged)
    assert _last(cloned).w.value == DEEP - 1 and _last(cloned) is not _last(merged)
    # GraphDef equality, hash and repr of a 100,000-deep NodeDef do not recurse
    assert isinstance(graphdef, nnx.NodeDef)
    other = nnx.NodeDef(graphdef.type, graphdef.index, graphdef.attributes, graphdef.metadata)
    assert other is not graphdef and other == graphdef and hash(other) == hash(graphdef)
    text = repr(graphdef)
    assert text.startswith("NodeDef(type=Chain, index=0,")
    assert text.count("NodeDef(") == DEEP + 1  # the last `next` is None
    # the nested view is built on demand and walks down without recursion
    view: Any = graphdef
    for _ in range(3):
        view = next(a.value for a in view.attributes if a.key == "next")
    assert view.index == 3  # Chains are numbered first: "next" sorts before "w"


def test_d1_ring_split_merge_update_clone() -> None:
    size = 10_000
    head = ring(size)
    graphdef, state = nnx.split(head)
    for node in (nnx.merge(graphdef, state), nnx.clone(head)):
        walker = node
        for _ in range(size):
            assert walker.next is not None
            walker = walker.next
        assert walker is node
    nnx.update(head, state)


def test_d1_pytree_cycle_is_an_error_not_a_hang() -> None:
    cyclic: list[Any] = [nnx.Param(1)]
    cyclic.append(cyclic)
    with pytest.raises(errors.PytreeCycleError, match=r"^pytree cycle: .* at 'l/1'"):
        nnx.split(D(l=cyclic))


# --- D-2: atomic update / merge / pop ---------------------------------------------


def _snapshot(node: nnx.Dict[Any]) -> list[tuple[Any, ...]]:
    return [(path, type(v), id(v), getattr(v, "raw_value", v)) for path, v in nnx.iter_graph(node)]


def test_d2_failing_update_changes_nothing() -> None:
    m = D(a=nnx.Param(1), b=2, c=D(x=nnx.Param(3)))
    before = _snapshot(m)
    new_state = {
        "a": 10,
        "c": {"x": 30, "y": nnx.Param.state(5)},
        "b": 3,
    }  # 'b' is static: fails last
    frozen = copy.deepcopy(new_state)
    with pytest.raises(
        errors.StateMismatchError, match=r"^state mismatch: static attribute 'b' at 'b'"
    ):
        nnx.update(m, new_state)
    assert _snapshot(m) == before and not hasattr(m.c, "y")
    assert repr(new_state) == repr(frozen)  # VariableStates compare by identity; their reprs do not


def test_d2_failing_merge_leaves_inputs_and_index_ref_unchanged() -> None:
    graphdef, state = nnx.split(D(a=nnx.Param(1), b=D(c=nnx.Param(2))))
    raw = {"a": state["a"], "b": {"c": leaf(state, "b", "c"), "zzz": 1}}  # unknown key, found last
    with nnx.merge_context() as ctx:
        with pytest.raises(errors.UnknownKeyError, match=r"^unknown key: 'zzz' at 'b/zzz'"):
            ctx.merge(graphdef, raw)
        assert ctx.index_ref == {}
    assert raw["b"] == {"c": leaf(state, "b", "c"), "zzz": 1}


def test_d2_failing_outer_merge_leaves_the_outer_graph_unchanged() -> None:
    m1 = D(a=nnx.Param(1), s=1)
    with nnx.update_context("atomic") as ctx:
        graphdef, state = ctx.split(m1)
        m2 = ctx.merge(graphdef, state)
        m2.s = 2
        m2.a.value = 5
        graphdef_out, state_out = ctx.split(m2)
        before = _snapshot(m1)
        bad = {"a": state_out["a"], "nope": 1}
        with pytest.raises(errors.UnknownKeyError):
            ctx.merge(graphdef_out, bad)
        assert _snapshot(m1) == before
        m3 = ctx.merge(graphdef_out, state_out)  # the protocol can still complete
    assert m3 is m1 and m1.s == 2 and m1.a.value == 5


def test_d2_failing_pop_changes_nothing() -> None:
    shared = nnx.Param(1)
    m = D(a=nnx.Param(0), b=shared, l=[shared])  # 'l' holds it in a list: immutable
    before = _snapshot(m)
    with pytest.raises(errors.ImmutableNodeError, match=r"^immutable node: .* at 'l/0'"):
        nnx.pop(m, nnx.Param)
    assert _snapshot(m) == before


# --- D-3: variables ---------------------------------------------------------------------


def test_d3_variables_returns_one_state_per_filter_with_state_paths() -> None:
    shared = nnx.Param(1)
    m = D(z=shared, a=D(s=shared), b=nnx.BatchStat(2), c=nnx.Cache(3))
    params, stats = nnx.variables(m, nnx.Param, nnx.BatchStat)
    assert leaf(params, "a", "s") is shared and "z" not in params
    assert stats["b"] is m.b
    live = [path for path, _ in nnx.variables(m).flat_state()]
    copies = [path for path, _ in nnx.state(m).flat_state()]
    assert live == copies == [("a", "s"), ("b",), ("c",)]


# --- D-4: pop removes every alias --------------------------------------------------------


def test_d4_pop_removes_every_reference() -> None:
    v = nnx.Param(1)
    m = D(a=v, b=v, sub=D(c=v), keep=nnx.BatchStat(0))
    popped = nnx.pop(m, nnx.Param)
    assert [path for path, _ in popped.flat_state()] == [("a",)]
    assert not hasattr(m, "a") and not hasattr(m, "b") and not hasattr(m.sub, "c")
    assert list(m) == ["keep", "sub"] or sorted(m) == ["keep", "sub"]


# --- D-5: iter_graph -----------------------------------------------------------------------


def test_d5_iter_graph_yields_containers_every_time_and_nodes_once() -> None:
    v = nnx.Param(1)
    inner = D(v=v)
    m = D(a=None, b=None, c=(), d=(), e=inner, f=inner, g=v)
    paths = [path for path, _ in nnx.iter_graph(m)]
    assert paths == [("a",), ("b",), ("c",), ("d",), ("e", "v"), ("e",), ()]


# --- D-6: update / merge with VariableStates and Variables ---------------------------------


def test_d6_update_new_key_with_variable_state_creates_a_variable() -> None:
    m = D()
    nnx.update(m, {"x": nnx.VariableState(nnx.Param, 1, tag="t")})
    assert type(m.x) is nnx.Param and m.x.value == 1 and m.x.tag == "t"


def test_d6_update_with_live_variables_never_nests() -> None:
    m = D(a=nnx.Param(1))
    source = D(a=nnx.Param(2, note="n"))
    identity = id(m.a)
    nnx.update(m, nnx.variables(source))
    assert id(m.a) == identity and m.a.raw_value == 2 and m.a.note == "n"
    graphdef, _ = nnx.split(m)
    merged = nnx.merge(graphdef, nnx.variables(source))
    assert type(merged.a) is nnx.Param and merged.a.raw_value == 2 and merged.a is not source.a


# --- D-7: metadata ownership --------------------------------------------------------------------


def test_d7_merge_from_pure_dict_gives_own_mutable_metadata() -> None:
    graphdef, _ = nnx.split(D(a=nnx.Param(1, tag="x")))
    m1 = nnx.merge(graphdef, {"a": 1})
    m2 = nnx.merge(graphdef, {"a": 2})
    m1.a.foo = 1
    m1.a.tag = "changed"
    assert m2.a.tag == "x" and not hasattr(m2.a, "foo")
    assert nnx.merge(graphdef, {"a": 3}).a.tag == "x"


def test_d7_replace_never_mutates_the_source() -> None:
    v = nnx.Param(1, tag="x")
    w = v.replace(2, tag="y")
    assert (v.value, v.tag, w.value, w.tag) == (1, "x", 2, "y")
    assert v.replace(tag="z").value == 1 and v.tag == "x"


# --- D-8: keys
# -------------------------------------------------------------------------------------


def test_d8_unorderable_keys_raise_naming_the_path() -> None:
    m = D(d={1: nnx.Param(1), "a": nnx.Param(2)})
    with pytest.raises(errors.InvalidKeyError, match=r"^invalid key: .* at 'd'") as info:
        nnx.split(m)
    assert isinstance(info.value, TypeError) and isinstance(info.value, KeyError)


def test_d8_object_keys_must_be_str() -> None:
    with pytest.raises(errors.InvalidKeyError, match=r"^invalid key: 3 .* at '3'"):
        nnx.update(D(), {3: 1})


# --- D-9: one registry per type ----------------------------------------------------------------


def test_d9_a_type_lives_in_one_registry() -> None:
    class Registered(nnx.Module):
        pass

    with pytest.raises(errors.RegistryError, match=r"^already registered: node type .*Registered"):
        nnx.register_pytree_node_type(Registered, lambda x: ((), None), lambda c, m: Registered())
    with pytest.raises(errors.RegistryError):
        nnx.register_graph_node_type(
            list,
            lambda x: ([], None),
            lambda *a: None,
            lambda *a: None,
            lambda m: [],
            lambda x: None,
            lambda *a: None,
        )


# --- D-10: filters
# ----------------------------------------------------------------------------------


def test_d10_one_is_not_true() -> None:
    m = D(a=nnx.Param(1))
    with pytest.raises(errors.FilterError, match=r"^invalid filter: 1 of type int") as info:
        nnx.split(m, 1, nnx.Param)  # type: ignore[call-overload]
    assert isinstance(info.value, TypeError)
    with pytest.raises(
        errors.FilterOrderError, match=r"^filter order: Ellipsis at index 0 followed by 1"
    ):
        nnx.split(m, ..., 1)  # type: ignore[call-overload]
    _, everything, again = nnx.split(m, True, ...)
    assert list(everything) == ["a"] and not again


def test_d10_invalid_filter_is_a_type_error() -> None:
    with pytest.raises(errors.FilterError, match=r"^invalid filter: 1.5 of type float"):
        nnx.state(D(a=nnx.Param(1)), 1.5)  # type: ignore[call-overload]


# --- D-11: update context protocol
# --------------------------------------------------------------------


def test_d11_two_outer_splits_are_rejected() -> None:
    with nnx.update_context("twice") as ctx:
        ctx.split(D())
        with pytest.raises(
            errors.ContextError, match=r"^context: split out of order .*; expected an inner merge"
        ):
            ctx.split(D())


def test_d11_merge_before_split_is_rejected() -> None:
    graphdef, state = nnx.split(D())
    with nnx.update_context("early") as ctx:
        with pytest.raises(
            errors.ContextError, match=r"^context: merge out of order .*; expected an outer split"
        ):
            ctx.merge(graphdef, state)


def _has_maps(ctx: nnx.UpdateContext) -> tuple[bool, bool]:
    return getattr(ctx, "ref_index", None) is not None, getattr(ctx, "index_ref", None) is not None


def test_d11_maps_are_dropped_when_complete_and_on_exit() -> None:
    m1 = D(a=nnx.Param(1))
    with nnx.update_context("drop") as ctx:
        graphdef, state = ctx.split(m1)
        assert _has_maps(ctx) == (True, False)
        m2 = ctx.merge(graphdef, state)
        assert _has_maps(ctx) == (True, True)
        graphdef, state = ctx.split(m2)
        assert _has_maps(ctx) == (True, False)
        ctx.merge(graphdef, state)
        assert _has_maps(ctx) == (False, False)
        ctx.split(m1)  # a new round may start
        assert _has_maps(ctx) == (True, False)
    assert not hasattr(ctx, "ref_index") and not hasattr(ctx, "index_ref")  # as in the seed
    with pytest.raises(
        errors.ContextError, match=r"^context: split on the closed update context 'drop'"
    ):
        ctx.split(m1)


def test_d11_maps_are_dropped_on_exit_by_exception() -> None:
    with pytest.raises(RuntimeError, match="boom"), nnx.update_context("boom") as ctx:
        ctx.split(D(a=nnx.Param(1)))
        raise RuntimeError("boom")
    assert not hasattr(ctx, "ref_index") and not hasattr(ctx, "index_ref")
    with pytest.raises(errors.ContextError, match=r"^context: no update context for tag 'boom'"):
        nnx.current_update_context("boom")


# --- D-12: GraphDef hashing
# ----------------------------------------------------------------------------


def test_d12_unhashable_static_fails_at_hash_naming_the_path() -> None:
    graphdef, _ = nnx.split(D(sub=D(s={1})))
    with pytest.raises(
        errors.UnhashableGraphDefError, match=r"^unhashable static: static attribute at 'sub/s'"
    ) as info:
        hash(graphdef)
    assert isinstance(info.value, TypeError)


def test_d12_hash_is_cached_and_mixed_keys_hash() -> None:
    calls = []

    class CountingStatic:
        def __hash__(self) -> int:
            calls.append(1)
            return 7

    graphdef = nnx.graphdef(D(s=CountingStatic()))
    assert hash(graphdef) == hash(graphdef) and len(calls) == 1
    assert hash(nnx.HashableMapping({1: 1, "a": 2})) == hash(nnx.HashableMapping({"a": 2, 1: 1}))


# --- D-13 / D-14 / D-15 / D-16
# -------------------------------------------------------------------------


def test_d13_dict_len_counts_entries_and_missing_is_key_error() -> None:
    d = D(a=1, b=nnx.Param(2))
    assert len(d) == 2 and sorted(d) == ["a", "b"] and "a" in d and "z" not in d
    with pytest.raises(KeyError):
        d["z"]


def test_d14_splitting_a_variable_is_a_documented_error() -> None:
    with pytest.raises(
        errors.NotANodeError, match=r"^not a node: .* at <root>; .*found a Variable"
    ):
        nnx.split(nnx.Param(1))
    with pytest.raises(errors.ArrayLeafError, match=r"^array leaf: a ndarray attribute at 'x'"):
        nnx.split(D(x=np.zeros(3)))


def test_d15_nested_state_views_merge() -> None:
    graphdef, state = nnx.split(D(a=D(b=nnx.Param(1))))
    merged = nnx.merge(graphdef, {"a": state["a"]})
    assert merged.a.b.value == 1
    assert nnx.State({"a": state["a"]}).raw_mapping["a"] is state.raw_mapping["a"]


def test_d16_of_type_matches_variables_by_class_only() -> None:
    m = D(v=nnx.Variable(types.SimpleNamespace(type=nnx.Param)), p=nnx.Param(1))
    assert list(nnx.variables(m, nnx.Param)) == ["p"]
    assert list(nnx.state(m, nnx.Param)) == ["p"]


def test_d17_a_mapping_for_a_variable_is_rejected_by_update_and_merge() -> None:
    m = D(a=nnx.Param(1))
    graphdef = nnx.graphdef(m)
    with pytest.raises(
        errors.StateStructureError, match=r"^state structure: a dict given for Variable 'a' at 'a'"
    ):
        nnx.update(m, {"a": {"x": 2}})
    with pytest.raises(
        errors.StateStructureError, match=r"^state structure: a dict given for a Variable at 'a'"
    ):
        nnx.merge(graphdef, {"a": {"x": 2}})
    assert m.a.value == 1


def test_d18_update_creates_attributes_only_from_state_leaves() -> None:
    m = D(a=nnx.Param(1))
    for value in (2, {"x": nnx.Param.state(3)}):
        with pytest.raises(errors.UnknownKeyError, match=r"^unknown key: 'new' at 'new'"):
            nnx.update(m, {"a": nnx.Param.state(5), "new": value})
        assert m.a.value == 1 and not hasattr(m, "new")  # all or nothing
    nnx.update(m, {"new": nnx.Param.state(5)})
    assert type(m.new) is nnx.Param and m.new.value == 5


def test_a_leaf_where_a_subgraph_reference_stands_is_rejected_as_in_the_seed() -> None:
    sub = D()
    graphdef = nnx.graphdef(D(a=sub, b=sub))
    with pytest.raises(errors.StateMismatchError, match=r"given for a subgraph at 'b'"):
        nnx.merge(graphdef, {"b": nnx.Param.state(1)})
