"""State, the filter language, Variables and VariableStates."""

from __future__ import annotations

import pickle
from typing import Any

import jax
import jax.numpy as jnp

import reference as nnx
from tests.reference.refmodels import D


def _state() -> nnx.GraphState:
    model = D(
        a=nnx.Param(1, tag="p"),
        b=D(c=nnx.BatchStat(2), d=nnx.Cache(3)),
        e=nnx.RngKey(4, tag="rng"),
    )
    return nnx.state(model)


def test_state_mapping_views_and_raw_mapping() -> None:
    state = _state()
    view = state["b"]
    assert isinstance(view, nnx.State)
    view.raw_mapping["z"] = 1  # views share the dict
    view["y"] = nnx.VariableState(nnx.Param, 2)  # and write through
    assert state.raw_mapping["b"]["z"] == 1 and state.raw_mapping["b"]["y"].value == 2
    assert state.b is not None and "b" in state and len(state) == 3
    assert not hasattr(state, "missing")


def test_flat_state_and_from_flat_path_round_trip() -> None:
    state = _state()
    flat = state.flat_state()
    assert flat.paths == (("a",), ("b", "c"), ("b", "d"), ("e",))
    rebuilt = nnx.State.from_flat_path(flat)
    assert [p for p, _ in rebuilt.flat_state()] == list(flat.paths)
    assert nnx.State.from_flat_path({("x", "y"): 1}).raw_mapping == {"x": {"y": 1}}
    assert nnx.State.from_flat_path([(("a", "b"), 1), (("a",), 2)]).raw_mapping == {"a": 2}


def test_split_and_filter() -> None:
    state = _state()
    params, rest = state.split(nnx.Param, ...)
    assert list(params) == ["a"] and [p for p, _ in rest.flat_state()] == [
        ("b", "c"),
        ("b", "d"),
        ("e",),
    ]
    stats = state.filter(nnx.BatchStat)
    assert [p for p, _ in stats.flat_state()] == [("b", "c")]
    by_tag, by_path, by_not = state.filter("rng", nnx.PathContains("d"), nnx.Not(nnx.Param))
    assert list(by_tag) == ["e"] and [p for p, _ in by_path.flat_state()] == [("b", "d")]
    assert [p for p, _ in by_not.flat_state()] == [("b", "c")]  # first match wins


def test_filter_predicates() -> None:
    v = nnx.Param(1, tag="t")
    vs = v.to_state()
    assert nnx.OfType(nnx.Param)((), vs) and nnx.OfType(nnx.Variable)((), v)
    assert nnx.WithTag("t")((), vs) and not nnx.WithTag("u")((), vs)
    assert nnx.All(nnx.Param, "t")((), v) and not nnx.All(nnx.Param, "u")((), v)
    assert nnx.Any(nnx.BatchStat, "t")((), v) and nnx.to_predicate([nnx.BatchStat, "t"])((), v)
    assert nnx.Everything() == nnx.Everything() and nnx.Nothing() == nnx.to_predicate(None)
    assert nnx.to_predicate(False) == nnx.Nothing() and nnx.to_predicate(...) == nnx.Everything()
    assert nnx.PathIn(("a",))(("a",), v) and not nnx.PathIn(("a",))(("b",), v)
    assert nnx.Any(nnx.Param) == nnx.Any(nnx.Param) and hash(nnx.Not(nnx.Param)) == hash(
        nnx.Not(nnx.Param)
    )


def test_merge_later_states_win_and_empty_subtrees_vanish() -> None:
    first: nnx.State[str, int] = nnx.State({"a": 1, "b": {"c": 2}, "e": {}})
    second = {"b": {"c": 3, "d": 4}, "f": {"g": {}}}
    merged = nnx.State.merge(first, second)
    assert merged.raw_mapping == {"a": 1, "b": {"c": 3, "d": 4}}
    assert first.raw_mapping["b"] == {"c": 2}  # inputs untouched
    assert nnx.State.merge(first) is first
    assert (first | {}) is first and (first - {"a": 0}).raw_mapping == {"b": {"c": 2}}


def test_state_is_a_keyed_pytree() -> None:
    state = _state()
    paths = [jax.tree_util.keystr(p) for p, _ in jax.tree_util.tree_flatten_with_path(state)[0]]
    assert paths == ["['a'].value", "['b']['c'].value", "['b']['d'].value", "['e'].value"]
    doubled = jax.tree.map(lambda x: x * 2, state)
    leaf = doubled["a"]
    assert isinstance(leaf, nnx.VariableState) and leaf.value == 2 and leaf.tag == "p"


def test_state_repr_and_pure_dict() -> None:
    state = nnx.state(D(a=nnx.Param(1)))
    assert repr(state) == "State({\n  'a': VariableState(\n    type=Param,\n    value=1\n  )\n})"
    assert repr(nnx.State({})) == "State({})"
    assert _state().to_pure_dict() == {"a": 1, "b": {"c": 2, "d": 3}, "e": 4}


def test_state_pickles() -> None:
    state: nnx.State[str, int] = nnx.State({"a": {"b": 1}})
    again = pickle.loads(pickle.dumps(state))
    assert again.raw_mapping == {"a": {"b": 1}}


def test_variable_value_metadata_and_operators() -> None:
    calls: list[Any] = []

    def on_get_value(variable: nnx.Variable[Any], value: Any) -> Any:
        calls.append(value)
        return value

    v = nnx.Param(jnp.ones(2), sharding=None, on_get_value=on_get_value)
    assert v.sharding is None and v.shape == (2,) and len(calls) == 1
    v.note = "n"
    assert v.get_metadata()["note"] == "n"
    count = nnx.Variable(1)
    identity = id(count)
    count += 1
    assert id(count) == identity and count.value == 2
    assert count + 1 == 3 and 1 + count == 3 and -count == -2 and count * 2 == 4
    assert nnx.Param(1) == nnx.Param(1) and nnx.Param(1) != nnx.BatchStat(1)


def test_variable_conversions() -> None:
    v = nnx.Param(1, tag="t")
    state = v.to_state()
    assert state.type is nnx.Param and state.value == 1 and state.tag == "t"
    w = state.to_variable()
    assert type(w) is nnx.Param and w.tag == "t" and w is not v
    w.update_from_state(nnx.VariableState(nnx.Param, 5, tag="u"))
    assert (w.value, w.tag) == (5, "u")
    copied = v.copy()
    copied.tag = "other"
    assert v.tag == "t"
    assert nnx.Param.state(3).value == 3 and state.replace(7).value == 7
    assert pickle.loads(pickle.dumps(v)) == v


def test_rng_state_family_takes_its_tag_as_metadata() -> None:
    key = nnx.RngKey(jax.random.key(0), tag="default")
    assert isinstance(key, nnx.RngState) and key.tag == "default"
    count = nnx.RngCount(0)  # as in the seed, the tag is not required
    assert "tag" not in count.get_metadata()
