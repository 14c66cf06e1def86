"""The seed's State methods and the contexts after exit, on the reference and (in a flax 0.10.3
environment) on flax itself; where the reference deviates, the flax run shows the seed's way."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reference.seed_era import each_implementation, is_flax


def _state(nnx: Any) -> Any:
    def leaf(v: float) -> Any:
        return nnx.VariableState(nnx.Param, v)

    return nnx.State(
        {"a": {"k": leaf(1.0), "b": leaf(2.0)}, "c": nnx.VariableState(nnx.BatchStat, 3.0)}
    )


def _values(state: Any) -> list[tuple[Any, Any]]:
    return [(path, leaf.value) for path, leaf in state.flat_state()]


@each_implementation
def test_map_builds_a_new_state_of_f_path_leaf(nnx: Any) -> None:
    state = _state(nnx)
    seen: list[Any] = []

    def double(path: Any, leaf: Any) -> Any:
        seen.append(path)
        return leaf.replace(leaf.value * 2)

    doubled = state.map(double)
    assert seen == [("a", "k"), ("a", "b"), ("c",)]
    assert _values(doubled) == [(("a", "k"), 2.0), (("a", "b"), 4.0), (("c",), 6.0)]
    assert _values(state) == [(("a", "k"), 1.0), (("a", "b"), 2.0), (("c",), 3.0)]
    assert doubled["c"].type is nnx.BatchStat


@each_implementation
def test_to_pure_dict_with_and_without_extract_fn(nnx: Any) -> None:
    state = _state(nnx)
    assert state.to_pure_dict() == {"a": {"k": 1.0, "b": 2.0}, "c": 3.0}
    assert state.to_pure_dict(lambda leaf: leaf.type.__name__) == {
        "a": {"k": "Param", "b": "Param"},
        "c": "BatchStat",
    }


@each_implementation
def test_replace_by_pure_dict_replaces_the_given_paths_in_place(nnx: Any) -> None:
    state = _state(nnx)
    state.replace_by_pure_dict({"a": {"b": 20.0}, "c": 30.0})
    assert _values(state) == [(("a", "k"), 1.0), (("a", "b"), 20.0), (("c",), 30.0)]
    assert state["c"].type is nnx.BatchStat  # leaf.replace keeps the type
    state.replace_by_pure_dict({"c": 4.0}, lambda leaf, v: leaf.replace(v + 1))
    assert state["c"].value == 5.0


@each_implementation
def test_replace_by_pure_dict_reads_string_indices_as_integers(nnx: Any) -> None:
    state = nnx.State(
        {"layers": {0: nnx.VariableState(nnx.Param, 1), 1: nnx.VariableState(nnx.Param, 2)}}
    )
    state.replace_by_pure_dict({"layers": {"1": 7}})
    assert _values(state) == [(("layers", 0), 1), (("layers", 1), 7)]


@each_implementation
def test_replace_by_pure_dict_rejects_an_unknown_path_and_changes_nothing(nnx: Any) -> None:
    state = _state(nnx)
    with pytest.raises(ValueError, match="zzz"):
        state.replace_by_pure_dict({"c": 9.0, "a": {"zzz": 1.0}})
    assert _values(state) == [(("a", "k"), 1.0), (("a", "b"), 2.0), (("c",), 3.0)]
    with pytest.raises(ValueError):
        state.replace_by_pure_dict({"a": 1.0})  # a subtree is not a leaf
    assert _values(state)[0] == (("a", "k"), 1.0)


@each_implementation
def test_replace_by_pure_dict_matches_a_string_key_as_it_is(nnx: Any) -> None:
    """[D-20] the seed reads every key with int(), so a state key '0' cannot be matched."""
    state = nnx.State({"0": nnx.VariableState(nnx.Param, 1)})
    if is_flax(nnx):
        with pytest.raises(ValueError, match=r"not available in state: \(0,\)"):
            state.replace_by_pure_dict({"0": 2})
    else:
        state.replace_by_pure_dict({"0": 2})
        assert state["0"].value == 2


@each_implementation
def test_flat_views_split_filter_merge_and_operators(nnx: Any) -> None:
    state = _state(nnx)
    flat = state.flat_state()
    assert [p for p, _ in flat] == [("a", "k"), ("a", "b"), ("c",)]
    rebuilt = nnx.State.from_flat_path(flat)
    assert rebuilt.raw_mapping == state.raw_mapping
    assert nnx.State.from_flat_path(dict(flat)).raw_mapping == state.raw_mapping
    params, stats = state.split(nnx.Param, nnx.BatchStat)
    assert [p for p, _ in params.flat_state()] == [("a", "k"), ("a", "b")]
    assert state.filter(nnx.BatchStat).raw_mapping == stats.raw_mapping
    with pytest.raises(ValueError):
        state.split(nnx.Param)  # not exhaustive
    merged = nnx.State.merge(params, stats)
    assert merged.raw_mapping == state.raw_mapping
    assert (params | stats).raw_mapping == state.raw_mapping
    assert (state - stats).raw_mapping == params.raw_mapping
    assert state | {} is state and state - {} is state
    assert state.raw_mapping["a"] is state["a"].raw_mapping  # a subtree is a view


@each_implementation
def test_split_and_merge_contexts_lose_their_maps_and_tag_on_exit(nnx: Any) -> None:
    with nnx.split_context() as split_ctx:
        graphdef, state = split_ctx.split(nnx.Dict(a=nnx.Param(1)))
    with nnx.merge_context() as merge_ctx:
        merge_ctx.merge(graphdef, state)
    with nnx.update_context("exit") as update_ctx:
        update_ctx.split(nnx.Dict())
    assert not hasattr(split_ctx, "ref_index") and not hasattr(split_ctx, "ctxtag")
    assert not hasattr(merge_ctx, "index_ref") and not hasattr(merge_ctx, "ctxtag")
    assert not hasattr(update_ctx, "ref_index") and not hasattr(update_ctx, "index_ref")
    assert update_ctx.tag == "exit"
    error = AttributeError if is_flax(nnx) else ValueError  # [D-11] ContextError, a ValueError
    with pytest.raises(error):
        split_ctx.split(nnx.Dict())
    with pytest.raises(error):
        merge_ctx.merge(graphdef, state)
