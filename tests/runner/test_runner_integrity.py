"""Harness integrity: a law that could not be checked is ``error``, never ``fail`` or ``pass``.

An input that cannot be built (in the law's thread or in a worker thread of the law), an adapter
raising ``HarnessError``, and a crash of the run are errors; a target's own exceptions, its
RecursionError included, stay failures; a recursion inside a target never breaks the next law.
"""

from __future__ import annotations

import sys
import threading

import pytest

from spec.errors import HarnessError
from spec.laws import Case, Law, law_by_id
from spec.runner.engine import check_case, fixed_case, run_law
from spec.target import Target
from spec.targets.reference import ReferenceTarget
from tests.runner.test_runner_engine import fake_law


class NoContainersInThreads(ReferenceTarget):
    """Builds nothing outside the main thread: the adapter's fault, as when a release lacks a
    class the adapter uses (``nnx.Dict`` before flax 0.12) and a law builds in a worker thread."""

    def new_graph_node(self, kind: str) -> object:
        if threading.current_thread() is not threading.main_thread():
            raise AttributeError("module 'nnx' has no attribute 'Dict'")
        return super().new_graph_node(kind)


class DeepSplit(ReferenceTarget):
    """A split that lowers the recursion limit, then recurses until Python stops it."""

    def split(self, x: object, *filters: object) -> tuple[object, ...]:
        sys.setrecursionlimit(max(sys.getrecursionlimit() - 100, 200))

        def down(n: int) -> int:
            return down(n + 1) + 1

        down(0)
        raise AssertionError("unreachable")


class NoContextMethods(ReferenceTarget):
    """An adapter calling ``UpdateContext.split``, which a release no longer has (flax 0.10.6)."""

    def ctx_split(self, ctx: object, x: object, *filters: object) -> tuple[object, ...]:
        return self.missing_method(ctx, x)  # type: ignore[attr-defined, no-any-return]


class TargetRaisesInThread(ReferenceTarget):
    def ctx_split(self, ctx: object, x: object, *filters: object) -> tuple[object, ...]:
        if threading.current_thread().name.startswith("nnxspec-"):
            return super().ctx_split(ctx, x, *filters)
        import reference

        return reference.split(object())  # the target's own error


class AdapterGivesUp(ReferenceTarget):
    def clone(self, x: object) -> object:
        raise HarnessError("this adapter cannot clone yet")


def test_an_input_that_fails_to_build_in_a_worker_thread_is_an_error() -> None:
    # UCTX-5 builds its second graph in another thread; the law never sees that exception
    outcome = run_law(law_by_id("UCTX-5"), NoContainersInThreads(), "ci")
    assert outcome.verdict == "error", outcome
    assert (
        outcome.reason is not None and "building an input raised AttributeError" in outcome.reason
    )
    assert "no attribute 'Dict'" in outcome.reason and "thread" in outcome.reason
    assert isinstance(outcome.error, AttributeError)


def test_an_adapter_fault_in_a_worker_thread_is_an_error() -> None:
    outcome = run_law(law_by_id("UCTX-5"), NoContextMethods(), "ci")
    assert outcome.verdict == "error", outcome
    assert outcome.reason is not None and "raised AttributeError" in outcome.reason
    assert "test_runner_integrity, line" in outcome.reason


def test_a_target_error_in_a_worker_thread_is_the_failure_it_caused() -> None:
    outcome = run_law(law_by_id("UCTX-5"), TargetRaisesInThread(), "ci")
    assert outcome.verdict == "fail", outcome
    assert outcome.error is not None and "another thread" in str(outcome.error)


def test_an_input_that_fails_to_build_in_the_law_is_an_error() -> None:
    def check(t: Target, case: Case) -> None:
        from spec.build import build

        raise_in_build = case.graph
        build(t, raise_in_build)

    class Broken(ReferenceTarget):
        def new_variable(self, v: object) -> object:
            raise TypeError("the adapter cannot make this Variable")

    law = fake_law(check, inputs=())
    assert check_case(law, Broken(), fixed_case())[0] == "pass"  # the fixed case has no Variable
    outcome = run_law(fake_law(check), Broken(), "ci")
    assert outcome.verdict == "error" and "cannot make this Variable" in (outcome.reason or "")


def test_a_harness_error_from_the_adapter_is_an_error_not_a_failure() -> None:
    outcome = run_law(law_by_id("CL-1"), AdapterGivesUp(), "ci")
    assert outcome.verdict == "error"
    assert outcome.reason == "the adapter raised HarnessError: this adapter cannot clone yet"


def test_a_recursion_in_the_target_fails_the_law_and_not_the_next_one() -> None:
    limit = sys.getrecursionlimit()
    outcome = run_law(law_by_id("RT-1"), DeepSplit(), "ci")
    assert outcome.verdict == "fail" and isinstance(outcome.error, RecursionError)
    assert (
        outcome.examples == 1
    )  # the search stops at the first recursion: no shrinking in that thread
    assert sys.getrecursionlimit() == limit
    after = run_law(law_by_id("RT-1"), ReferenceTarget(), "dev")
    assert after.verdict == "pass"


def test_a_crash_of_the_run_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from spec.runner import engine

    def crash(*args: object) -> object:
        raise KeyError("engine bug")

    monkeypatch.setattr(engine, "_run_law", crash)
    outcome = run_law(law_by_id("RT-1"), ReferenceTarget(), "dev")
    assert (outcome.verdict, outcome.reason) == ("error", "the run crashed: KeyError: 'engine bug'")


def test_each_law_runs_in_a_thread_of_its_own() -> None:
    names: list[str] = []

    def check(t: Target, case: Case) -> None:
        names.append(threading.current_thread().name)

    law: Law = fake_law(check, inputs=())
    assert run_law(law, ReferenceTarget(), "dev").verdict == "pass"
    assert names == ["nnxspec-ID-99"]
