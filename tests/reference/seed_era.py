"""The implementations the seed-era scenarios run on: the reference always, and flax itself when
the environment has a seed-era release installed (``nnxspec env flax==0.10.3 .venvs/flax-0.10.3``,
then run the same tests with that environment's pytest), so the scenarios are checked against
the real thing and not only against our own reading of it."""

from __future__ import annotations

import importlib.util
from types import ModuleType
from typing import Any

import pytest

import reference

SEED_ERA = ("0.10.3",)


def _flax_nnx() -> ModuleType | None:
    if importlib.util.find_spec("flax") is None:
        return None
    import flax

    if flax.__version__ not in SEED_ERA:
        return None
    from flax import nnx

    module: ModuleType = nnx
    return module


FLAX_NNX = _flax_nnx()
IMPLEMENTATIONS: list[Any] = [pytest.param(reference, id="reference")]
if FLAX_NNX is not None:
    IMPLEMENTATIONS.append(pytest.param(FLAX_NNX, id=f"flax-{SEED_ERA[0]}"))

each_implementation = pytest.mark.parametrize("nnx", IMPLEMENTATIONS)
"""Run a test once per implementation, as ``nnx``."""


def is_flax(nnx: Any) -> bool:
    return nnx is not reference
