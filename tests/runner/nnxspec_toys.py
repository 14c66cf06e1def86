"""Deliberately broken targets for the runner's meta tests (and their committed vectors).

``BrokenToy`` is the reference with two planted defects, each caught by known laws:

* ``state(x)`` (no filters) forgets its last leaf, so the laws comparing the state with the
  graph fail with a ``LawViolation`` (ST-1, ST-3, SHARE-1) on any graph with a Variable;
* ``clone(x)`` always raises ``RuntimeError``, so the clone laws fail with an error that is not
  a LawViolation (CL-1).

Both defects show on the smallest inputs, so Hypothesis finds and shrinks them in few examples.

``split`` and ``merge`` are untouched, so the round-trip laws (RT-1, ID-1) still pass.  The
target is named ``toy-broken`` and resolved as ``tests.runner.nnxspec_toys:BrokenToy`` (from the
repository root, as ``python -m pytest`` and ``python -m spec.runner`` run there).
"""

from __future__ import annotations

from spec.targets.reference import ReferenceTarget

__all__ = ["FAILS", "PASSES", "SPEC", "BrokenToy", "CrashingToy"]

SPEC = "tests.runner.nnxspec_toys:BrokenToy"
FAILS = ("ST-1", "SHARE-1", "CL-1")
"""Laws the toy must fail (drawn inputs find the defects within a few examples)."""
PASSES = ("RT-1", "ID-1")
"""Laws the toy must still pass."""


class BrokenToy(ReferenceTarget):
    """The reference with a leaf-dropping ``state`` and a crashing ``clone``."""

    def __init__(self) -> None:
        super().__init__()
        self.name = "toy-broken"
        self.version = "1"

    def state(self, x: object, *filters: object) -> object:
        s = super().state(x, *filters)
        if filters:
            return s
        flat = self.flat_state(s)
        return self.make_state(flat[:-1]) if flat else s

    def clone(self, x: object) -> object:
        raise RuntimeError("toy-broken: clone is not implemented")


class CrashingToy(ReferenceTarget):
    """The reference whose ``clone`` ends the process at once: the law never reports (under
    xdist the worker is lost), so the run must count it as an error."""

    name = "toy-crashing"

    def clone(self, x: object) -> object:
        import os

        os._exit(3)
