"""Shared fixtures of the strategies tests: the reference target, when it can be imported."""

from __future__ import annotations

import importlib

import pytest

from spec.target import Target


def reference_or_skip() -> Target:
    """Return ``spec.targets.reference.ReferenceTarget()``, or skip the test saying why."""
    try:
        importlib.import_module("reference")
        from spec.targets.reference import ReferenceTarget

        return ReferenceTarget()
    except Exception as e:  # the reference is written concurrently; skip until it imports
        pytest.skip(f"the reference target is not importable yet ({type(e).__name__}: {e})")


@pytest.fixture(scope="session")
def reference_target() -> Target:
    """The reference target (skips the test while ``import reference`` fails)."""
    return reference_or_skip()
