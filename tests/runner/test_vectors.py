"""Every vector kept under ``tests/vectors/<target>/`` replays on every test run.

A vector is a counterexample found once (by ``nnxspec check --report``) and kept with
``nnxspec replay --keep tests/vectors``; replaying it needs no Hypothesis, so it is checked the
same way forever.  Each vector replays twice:

* on its own target, where the outcome must be the recorded ``expect`` (a flax vector keeps
  failing until flax is fixed; then the test fails and the vector's ``expect`` is updated);
* on the reference, where it must not fail: a conforming target passes every counterexample.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import pytest

from spec.laws import Case, Law
from spec.runner import engine
from spec.runner.engine import Verdict
from spec.runner.vectors import Vector, find, load, replay
from spec.target import Target, TargetError, resolve_target

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
PATHS = list(find(VECTORS)) if VECTORS.is_dir() else []


@functools.cache
def _target(spec: str) -> Target:
    return resolve_target(spec)


def _target_or_skip(spec: str) -> Target:
    try:
        return _target(spec)
    except TargetError as e:
        pytest.skip(f"target {spec!r} is not available here: {e}")


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(VECTORS)) for p in paths]


def test_there_are_vectors_to_replay() -> None:
    assert PATHS, f"no vectors under {VECTORS}"


@pytest.mark.parametrize("path", PATHS, ids=_ids(PATHS))
def test_vector_on_its_own_target(path: Path) -> None:
    v: Vector = load(path)
    r = replay(v, _target_or_skip(v.target_spec), v.target_spec)
    assert r.ok, (
        f"{v.law} on {r.target}: {r.outcome}, but the vector expects {v.expect}: {r.detail}"
    )


@pytest.mark.parametrize("path", PATHS, ids=_ids(PATHS))
def test_vector_on_the_reference(path: Path) -> None:
    v = load(path)
    r = replay(v, _target("reference"), "reference")
    assert r.outcome in ("pass", "n/a"), (
        f"the reference fails counterexample {path.name} of {v.law}: {r.detail}"
    )


def test_each_replay_runs_in_a_thread_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    # a RecursionError inside a target can leave the running thread's recursion counter raised
    # (jax's C++ tree functions do, on Python 3.11), so replaying a folder must not run two
    # vectors, or a vector and the caller, in one thread
    seen: list[threading.Thread] = []
    check_case = engine.check_case

    def recording(
        law: Law, t: Target, case: Case
    ) -> tuple[Verdict, str | None, BaseException | None]:
        seen.append(threading.current_thread())
        return check_case(law, t, case)

    monkeypatch.setattr(engine, "check_case", recording)
    for path in PATHS[:2]:
        replay(load(path), _target("reference"), "reference")
    assert len(seen) == 2 and len({id(t) for t in [*seen, threading.current_thread()]}) == 3
