"""``Static``: a pytree with no leaves that carries a hashable value as static data."""

from __future__ import annotations

import dataclasses
from typing import Generic

from reference._jax import register_static
from reference._typing import A


@dataclasses.dataclass(frozen=True)
class Static(Generic[A]):
    """An empty pytree node that treats its inner value as static.

    ``value`` must define ``__eq__`` and ``__hash__``; equality and hash follow it.
    """

    value: A


register_static(Static)
