"""Hand-written semantic mutants of the reference: how the suite measures its own power.

``MUTANTS`` is the catalogue (``tests.mutants.installers``): bugs an implementer of the NNX graph
API plausibly makes, each with a name, a one-line description, its mechanism (a reversible
monkeypatch written around ``reference``'s public functions, registries and methods, or a
``ReferenceTarget`` subclass overriding adapter methods) and the laws expected to kill it.

The catalogue lives beside the project's tests, outside the installed packages: run it from a
checkout (``nnxspec mutants`` finds it there; the runner's subprocesses get the checkout on
``PYTHONPATH``).

Every mutant is a target: ``tests.mutants.catalogue:<name>`` names a zero-argument factory, so::

    nnxspec check --target tests.mutants.catalogue:forget_noderef --profile ci

checks the suite against it.  The factory installs a monkeypatch mutant for the rest of the
process (one mutant per process; ``nnxspec mutants`` runs each in its own subprocess).  Tests use
``installed(mutant)``, which undoes the patches on exit.  ``nnxspec mutants`` runs the whole
catalogue (``tests.mutants.cli``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from spec.target import Target
from spec.targets.reference import ReferenceTarget
from tests.mutants.installers import MUTANTS as MUTANTS
from tests.mutants.installers import Mutant as Mutant
from tests.mutants.patch import Patcher as Patcher

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
            raise RuntimeError(
                f"mutant {active!r} is installed in this process; cannot add {m.name!r}"
            )
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
    """``tests.mutants.catalogue.<name>``: the zero-argument target factory of mutant ``name``."""
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
