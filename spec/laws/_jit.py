"""Helpers shared by the JIT and BE laws: jit with a static GraphDef."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def jit_static_graphdef(fn: Callable[..., Any]) -> Callable[..., Any]:
    import jax

    return jax.jit(fn, static_argnums=0)


def is_hashable(gd: object) -> bool:
    try:
        hash(gd)
    except TypeError:
        return False
    return True
