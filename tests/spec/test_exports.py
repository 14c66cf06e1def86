"""Each package's ``__all__`` is exactly its public namespace (submodules aside)."""

from __future__ import annotations

import importlib
import types

import pytest


@pytest.mark.parametrize("name", ["spec", "spec.laws", "spec.semantics", "reference", "strategies"])
def test_all_lists_exactly_the_public_names(name: str) -> None:
    module = importlib.import_module(name)
    public = {
        n
        for n, v in vars(module).items()
        if not n.startswith("_") and not isinstance(v, types.ModuleType)
    }
    exported = set(module.__all__)
    assert public - exported == set(), f"public but not exported: {sorted(public - exported)}"
    missing = {n for n in exported if not hasattr(module, n)}
    assert missing == set(), f"exported but missing: {sorted(missing)}"
