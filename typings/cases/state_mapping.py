"""State is a mutable mapping with filter / split / merge that keep its key and leaf types."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

import nnx_under_test as nnx
from typing_extensions import assert_type


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)
        self.n = nnx.BatchStat(0)


m = Model()
state: nnx.GraphState = nnx.state(m)  # accept

as_mapping: Mapping[nnx.Key, Any] = state  # accept
as_mutable: MutableMapping[nnx.Key, Any] = state  # accept
assert_type(state["w"], nnx.GraphState | nnx.VariableState[Any])
assert_type(state.filter(nnx.Param), nnx.GraphState)
assert_type(state.filter(nnx.Param, nnx.BatchStat), tuple[nnx.GraphState, ...])
assert_type(state.split(nnx.Param), nnx.GraphState)
assert_type(state.split(nnx.Param, ...), tuple[nnx.GraphState, ...])
merged: nnx.State[nnx.Key, Any] = nnx.State.merge(state, state)  # accept
assert_type(state.to_pure_dict(), dict[nnx.Key, Any])

state.filter()  # type: ignore[call-overload]
state.split(1)  # type: ignore[call-overload]
not_a_dict: dict[str, Any] = state  # type: ignore[assignment]
