"""pop: at least one filter; a State for one filter, a tuple of States for 2+.

Without a filter the call is rejected (the seed raises at run time; there is no 0-filter
overload), as is a non-filter or using the 2+ tuple as a State.
"""

from __future__ import annotations

from typing import Any

import nnx_under_test as nnx


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)
        self.c = nnx.Cache(0)
        self.i = nnx.Intermediate(0)


m = Model()

one: nnx.State[Any, Any] = nnx.pop(m, nnx.Cache)  # accept
several: tuple[nnx.State[Any, Any], ...] = nnx.pop(m, nnx.Cache, nnx.Intermediate)  # accept
caches, intermediates = nnx.pop(m, nnx.Cache, nnx.Intermediate)  # accept

nnx.pop(m)  # type: ignore[call-overload]
nnx.pop(m, 0)  # type: ignore[call-overload]
popped: nnx.State[Any, Any] = nnx.pop(m, nnx.Cache, nnx.Intermediate)  # type: ignore[assignment]
