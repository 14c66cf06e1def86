"""Why did it trace again?  Two versions of one model whose GraphDefs differ in one static.

``nnxspec diff tests.examples.retrace:before tests.examples.retrace:after`` names the place:
``at .head.features: static value differs: 3 (int) (A) vs 4 (int) (B)``.  A training step
jitted over ``before()`` would trace again for ``after()``.
"""

from __future__ import annotations

import jax.numpy as jnp

import reference as nnx


class Linear(nnx.Module):
    def __init__(self, features: int) -> None:
        self.features = features
        self.w = nnx.Param(jnp.zeros((features,)))


class Model(nnx.Module):
    def __init__(self, features: int) -> None:
        self.body = Linear(8)
        self.head = Linear(features)


def before() -> Model:
    return Model(3)


def after() -> Model:
    return Model(4)
