"""State is a mutable mapping whose filter / split / merge keep its key and leaf types.

Checked on ``State[K, V]`` for any K and V (type variables), so the result does not depend on
what ``split`` returns (that is ``state_types.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any, TypeVar

import nnx_under_test as nnx
from typing_extensions import assert_type

K = TypeVar("K", bound=nnx.Key)
V = TypeVar("V")


def methods(state: nnx.State[K, V], key: K) -> None:
    as_mapping: Mapping[K, Any] = state  # accept
    as_mutable: MutableMapping[K, Any] = state  # accept
    assert_type(state[key], nnx.State[K, V] | V)
    assert_type(state.filter(nnx.Param), nnx.State[K, V])
    assert_type(state.filter(nnx.Param, nnx.BatchStat), tuple[nnx.State[K, V], ...])
    assert_type(state.split(nnx.Param), nnx.State[K, V])
    assert_type(state.split(nnx.Param, ...), tuple[nnx.State[K, V], ...])
    merged: nnx.State[K, Any] = nnx.State.merge(state, state)  # accept
    assert_type(state.to_pure_dict(), dict[nnx.Key, Any])

    state.filter()  # type: ignore[call-overload]
    state.split(1)  # type: ignore[call-overload]
    not_a_dict: dict[K, Any] = state  # type: ignore[assignment]


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)


state = nnx.state(Model())
as_mapping: Mapping[Any, Any] = state  # accept
