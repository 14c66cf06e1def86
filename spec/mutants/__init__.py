"""Hand-written semantic mutants of the reference: how the suite measures its own power.

``MUTANTS`` is the catalogue (``spec.mutants._catalogue``): bugs an implementer of the NNX graph
API plausibly makes, each with a name, a one-line description, its mechanism (a reversible
monkeypatch of ``reference``'s private functions, or a ``ReferenceTarget`` subclass overriding
adapter methods) and the laws expected to kill it.

Every mutant is a target: ``spec.mutants:<name>`` names a zero-argument factory, so::

    nnxspec check --target spec.mutants:forget_noderef --profile ci

checks the suite against it.  The factory installs a monkeypatch mutant for the rest of the
process (one mutant per process; ``nnxspec mutants`` runs each in its own subprocess).  Tests use
``installed(mutant)``, which undoes the patches on exit.  ``nnxspec mutants`` runs the whole
catalogue (``spec.mutants.cli``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from spec.mutants._catalogue import MUTANTS as MUTANTS
from spec.mutants._catalogue import Mutant as Mutant
from spec.mutants._patch import Patcher as Patcher
from spec.target import Target
from spec.targets.reference import ReferenceTarget

__all__ = ["MUTANTS", "Mutant", "Patcher", "installed", "mutant_by_name", "target_for"]

_ACTIVE: dict[str, object] = {}
"""The monkeypatch mutant installed for good in this process (at most one)."""


def mutant_by_name(name: str) -> Mutant:
    """Return the mutant called ``name``; KeyError listing the known names otherwise."""
    for m in MUTANTS:
        if m.name == name:
            return m
    raise KeyError(f"no mutant {name!r}; known: {', '.join(m.name for m in MUTANTS)}")


def _make(m: Mutant) -> ReferenceTarget:
    cls = m.wrapper or ReferenceTarget
    t = cls()
    t.name = f"mutant-{m.name}"
    return t


def target_for(m: Mutant) -> Target:
    """Return ``m`` as a target, installing a monkeypatch mutant for the rest of the process.

    Raises RuntimeError if another monkeypatch mutant is already installed here.
    """
    if m.install is not None:
        active = _ACTIVE.get("name")
        if active is None:
            m.install(Patcher())
            _ACTIVE["name"] = m.name
        elif active != m.name:
            raise RuntimeError(f"mutant {active!r} is installed in this process; cannot add {m.name!r}")
    return _make(m)


@contextlib.contextmanager
def installed(m: Mutant) -> Iterator[Target]:
    """Install ``m`` for the ``with`` block (patches are undone on exit) and yield its target."""
    if _ACTIVE:
        raise RuntimeError(f"mutant {_ACTIVE['name']!r} is installed for good in this process")
    p = Patcher()
    try:
        if m.install is not None:
            m.install(p)
        yield _make(m)
    finally:
        p.undo()


def __getattr__(name: str) -> Callable[[], Target]:
    """``spec.mutants.<name>``: the zero-argument target factory of the mutant ``name``."""
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        m = mutant_by_name(name)
    except KeyError as e:
        raise AttributeError(str(e)) from None

    def factory() -> Target:
        return target_for(m)

    factory.__name__ = name
    return factory
