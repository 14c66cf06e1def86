"""Checking one law against one target: draw or enumerate cases, run the law, tell the verdict.

``run_law(law, target, profile, backend)`` is what one suite test does; it knows nothing of
pytest, so the CLI, the meta tests and other tools can call it directly.

* **Inputs.**  A law with inputs draws ``Case``s from ``strategies.cases(law.inputs)`` under
  ``profiles.settings_for(profile, law.examples)``; the ``exhaustive`` profile instead walks
  ``strategies.exhaustive_cases(law.inputs)`` in order.  A *fixed* law (``law.inputs == ()``)
  checks its own built-in input: it runs once on ``fixed_case()`` (an empty module graph, which
  such a law ignores apart from ``case.backend`` and ``case.scale``, the size factor of its
  built-in input: ``profiles.FIXED_SCALE``, a tenth under ``dev``).
* **Backends.**  A per-backend law gets ``case.backend`` set and runs entirely under
  ``jax.default_device`` of that backend's first device; a backend that jax does not have here
  makes the law ``n/a``.
* **Not applicable.**  Missing capabilities (``law.requires``) make the law ``n/a`` before any
  case is drawn.  A ``NotApplicable`` raised for one example rejects that example
  (``hypothesis.reject``), so Hypothesis looks for inputs the law does apply to; if the first
  ``NA_PROBE`` examples are all n/a and none has run, the law is ``n/a`` with the most common
  reason (so a law that is n/a everywhere costs ``NA_PROBE`` examples, not Hypothesis's
  rejection limit).  A law n/a on some examples and checked on others is judged on the others.
* **Failures.**  Hypothesis shrinks a failure and replays the minimal example last; the engine
  remembers the last failing case, so ``Outcome.case`` is the minimal one.
* **Counting.**  ``Outcome.examples`` counts the law runs that reached a verdict (passed or
  failed), shrinking included; rejected (n/a) examples are not counted.
* **Scale.**  Every law with drawn inputs checks at least ``profiles.scale_floor(profile,
  law.examples)`` examples (2 under ``dev``) on graphs with a *scale tail* (deep or wide,
  ``strategies._scale``).  Its own search draws them now and then (one graph in ten); when it
  ends without a failure and short of the floor, a second search of the missing number of
  examples draws only graphs with a tail.  A failure there shrinks within the tail (to the
  shape's floor size, carrying the smallest graph that still fails); a failure the tail does
  not need is usually found, and shrunk without it, by the first search.  A failure whose
  case still has a tail is then reduced (``spec.runner.reduce``): links of the tail spliced
  out and its static entries dropped while the law still fails, so the vector shows the few
  nodes the failure needs.  ``Outcome.scaled`` counts the examples that ran on a tail.  The
  ``exhaustive`` profile has no floor.
* **Thorough.**  Under the ``thorough`` profile every drawn case calls ``hypothesis.target``
  with its sharing, cycles and depth, pushing the search towards the interesting graphs.
* **Errors.**  A law that could not be checked is ``error``, never ``fail``: an input that could
  not be built, in any thread (``spec.incidents``); an adapter fault (a ``HarnessError``, or an
  AttributeError / ImportError / NameError raised by the adapter's own code: it reached for
  something the release lacks), in any thread; a crash of the harness itself.  The first error
  ends the law's search.  An exception that kills one of the law's threads is otherwise the
  law's failure, reported with that exception when the law itself raised nothing.
* **Isolation.**  Each law runs in a thread of its own, and the recursion limit is restored after
  every example.  A ``RecursionError`` inside a target can leave the running thread's recursion
  counter permanently raised (jax's C++ tree functions do, on Python 3.11): confined to the law's
  thread, it dies with it, so the next law (and xdist's messaging) starts clean.  Such a failure
  also ends the search at once: that thread cannot be trusted to shrink.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import sys
import threading
import time
import unittest
from collections.abc import Callable, Iterable, Iterator
from typing import Literal, Protocol, TypeVar

from spec import incidents
from spec.blueprint import Blueprint, NodeSpec
from spec.errors import HarnessError, NotApplicable
from spec.laws import Case, Law
from spec.runner import inputs
from spec.runner.config import backend_devices
from spec.runner.profiles import FIXED_SCALE, scale_floor, settings_for
from spec.runner.reduce import Budget, reduce_case
from spec.target import Target

__all__ = [
    "NA_PROBE",
    "Outcome",
    "Verdict",
    "check_case",
    "check_case_isolated",
    "device_scope",
    "fixed_case",
    "in_own_thread",
    "run_law",
]

Verdict = Literal["pass", "fail", "n/a", "error"]
NA_PROBE = 10
"""How many n/a examples, with no checked one, make a whole law n/a."""


@dataclasses.dataclass(frozen=True)
class Outcome:
    """A law's verdict on a target: how many examples ran, how long it took, why it was n/a (or
    what the error was), and for a failure the minimal failing case and the error it raised."""

    verdict: Verdict
    examples: int
    seconds: float
    reason: str | None = None
    case: Case | None = None
    error: BaseException | None = None
    scaled: int = 0
    """How many of ``examples`` ran on a graph with a scale tail (``strategies.scale_shape``)."""


def fixed_case(backend: str | None = None, profile: str = "ci") -> Case:
    """The case a fixed law (no inputs) runs on: an empty module graph, at the profile's
    ``FIXED_SCALE`` (the size factor of a fixed law's own built-in input)."""
    return Case(
        graph=Blueprint(nodes=(NodeSpec("module"),)),
        backend=backend,
        scale=FIXED_SCALE.get(profile, 1.0),
    )


@contextlib.contextmanager
def device_scope(backend: str | None) -> Iterator[None]:
    """Run the body on ``backend``'s first device (no-op for ``None``); NotApplicable when jax
    has no such backend here."""
    if backend is None:
        yield
        return
    devices = backend_devices(backend)
    if not devices:
        raise NotApplicable(f"backend {backend!r} is not available here")
    import jax

    with jax.default_device(devices[0]):
        yield


def check_case(law: Law, t: Target, case: Case) -> tuple[Verdict, str | None, BaseException | None]:
    """Run ``law`` once on ``case``: ``(verdict, n/a reason or error text, error)``."""
    limit = sys.getrecursionlimit()
    raised: BaseException | None = None
    with incidents.watch() as seen:
        try:
            missing = sorted(law.requires - t.capabilities)
            if missing:
                raise NotApplicable(_missing_text(t, missing))
            with device_scope(case.backend):
                law.run(t, case)
        except NotApplicable as e:
            return "n/a", e.reason, None
        except Exception as e:
            raised = e
        finally:
            if sys.getrecursionlimit() != limit:
                sys.setrecursionlimit(limit)
    return _judge(raised, seen, t)


def _judge(
    raised: BaseException | None, seen: list[incidents.Incident], t: Target
) -> tuple[Verdict, str | None, BaseException | None]:
    """The verdict of an example that did not raise NotApplicable (see Errors in the module
    docstring).  In order: an input that failed to build, in any thread, is ``error`` (``n/a``
    when it was NotApplicable there); so is an adapter fault (``HarnessError``, or the adapter's
    own code reaching for a name the target lacks) raised or dropped by a thread; another
    exception a thread died of is the law's failure, its cause; then the law's own outcome."""
    for i in seen:
        if i.kind == "build" and not isinstance(i.error, NotApplicable):
            return "error", i.describe(), i.error
    for i in seen:
        if isinstance(i.error, NotApplicable):
            return "n/a", i.error.reason, None
    for error in [raised, *(i.error for i in seen)]:
        fault = _adapter_fault(error, t)
        if fault is not None:
            return "error", fault, error
    died = [i for i in seen if i.kind == "thread"]
    if died:
        return "fail", None, raised if raised is not None else died[0].error
    if raised is not None:
        return "fail", None, raised
    return "pass", None, None


def _adapter_fault(error: BaseException | None, t: Target) -> str | None:
    """Why ``error`` is the adapter's fault, or None: a ``HarnessError`` in its chain, or an
    AttributeError / ImportError / NameError raised by the adapter's own code (its innermost
    frame in the module of the target's class or of a base class below ``Target``)."""
    for e in _chain(error):
        if isinstance(e, HarnessError):
            return f"the adapter raised {type(e).__name__}: {e}"
    if (
        not isinstance(error, (AttributeError, ImportError, NameError))
        or error.__traceback__ is None
    ):
        return None
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    adapters = {c.__module__ for c in type(t).__mro__ if issubclass(c, Target) and c is not Target}
    module = tb.tb_frame.f_globals.get("__name__")
    if module not in adapters:
        return None
    return (
        f"the adapter ({module}, line {tb.tb_lineno}) raised {type(error).__name__}: {error}: "
        f"it uses something {t.name} {t.version} does not have"
    )


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    """``error`` and its causes and contexts."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _recursed(error: BaseException | None) -> bool:
    return any(isinstance(e, RecursionError) for e in _chain(error))


def _missing_text(t: Target, missing: list[str]) -> str:
    return (
        f"{t.name} lacks {'capability' if len(missing) == 1 else 'capabilities'} "
        f"{', '.join(missing)}"
    )


class _AllNotApplicable(unittest.SkipTest):
    """Raised inside a Hypothesis test to stop it: the law is n/a on every example seen."""


class _Stop(unittest.SkipTest):
    """Raised inside a Hypothesis test to end the search with the verdict in ``_Tally.stop``."""


@dataclasses.dataclass
class _Tally:
    examples: int = 0
    reasons: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    failing: Case | None = None
    stop: tuple[Verdict, str | None, BaseException | None] | None = None
    scaled: int = 0

    @property
    def reason(self) -> str:
        if not self.reasons:
            return "no input applies"
        ((reason, count),) = self.reasons.most_common(1)
        total = sum(self.reasons.values())
        return reason if count == total else f"{reason} (and {total - count} other n/a examples)"


def run_law(law: Law, t: Target, profile: str = "dev", backend: str | None = None) -> Outcome:
    """Check ``law`` on ``t`` under ``profile`` (on ``backend`` for a per-backend law), in a
    thread of its own (see Isolation in the module docstring)."""
    start = time.perf_counter()
    try:
        return in_own_thread(f"nnxspec-{law.id}", lambda: _run_law(law, t, profile, backend))
    except BaseException as e:  # a crash of the harness: the law was not checked
        return Outcome(
            "error",
            0,
            time.perf_counter() - start,
            f"the run crashed: {type(e).__name__}: {e}",
            error=e,
        )


def check_case_isolated(
    law: Law, t: Target, case: Case
) -> tuple[Verdict, str | None, BaseException | None]:
    """``check_case`` in a thread of its own (see Isolation in the module docstring): what
    ``nnxspec replay`` runs, so that one vector's recursion in the target cannot break the next."""
    return in_own_thread(f"nnxspec-{law.id}-replay", lambda: check_case(law, t, case))


_T = TypeVar("_T")


def in_own_thread(name: str, fn: Callable[[], _T]) -> _T:
    """Return ``fn()`` run in a new thread (re-raising what it raised), so that whatever a
    ``RecursionError`` leaves in the thread's recursion counter dies with that thread."""
    result: list[_T] = []
    raised: list[BaseException] = []

    def body() -> None:
        try:
            result.append(fn())
        except BaseException as e:
            raised.append(e)

    worker = threading.Thread(target=body, name=name, daemon=True)
    worker.start()
    worker.join()
    if raised:
        raise raised[0]
    return result[0]


def _run_law(law: Law, t: Target, profile: str, backend: str | None) -> Outcome:
    start = time.perf_counter()
    tally = _Tally()

    def outcome(
        verdict: Verdict, reason: str | None = None, error: BaseException | None = None
    ) -> Outcome:
        case = tally.failing if verdict in ("fail", "error") else None
        seconds = time.perf_counter() - start
        return Outcome(verdict, tally.examples, seconds, reason, case, error, tally.scaled)

    missing = sorted(law.requires - t.capabilities)
    if missing:
        return outcome("n/a", _missing_text(t, missing))
    if backend is not None and not backend_devices(backend):
        return outcome("n/a", f"backend {backend!r} is not available here")
    if law.fixed:
        return _iterate(law, t, [fixed_case(backend, profile)], tally, outcome)
    if profile == "exhaustive":
        return _iterate(
            law, t, (_on(c, backend) for c in inputs.exhaustive_cases(law.inputs)), tally, outcome
        )
    return _hypothesis(law, t, profile, backend, tally, outcome)


def _on(case: Case, backend: str | None) -> Case:
    return case if backend is None else dataclasses.replace(case, backend=backend)


def _iterate(law: Law, t: Target, cases: Iterable[Case], tally: _Tally, outcome: _Make) -> Outcome:
    for case in cases:
        verdict, reason, error = check_case(law, t, case)
        if verdict == "n/a":
            tally.reasons[reason or "n/a"] += 1
            continue
        if verdict == "error":
            tally.failing = case
            return outcome("error", reason, error)
        tally.examples += 1
        if verdict == "fail":
            tally.failing = case
            return outcome("fail", error=error)
    if tally.examples == 0:
        return outcome("n/a", tally.reason)
    return outcome("pass")


def _aim(case: Case) -> None:
    from hypothesis import target

    g = case.graph
    target(float(g.has_shared_variable) + float(g.has_shared_graph_node), label="sharing")
    target(float(g.has_cycle), label="cycles")
    target(float(g.depth()), label="depth")


def _hypothesis(
    law: Law, t: Target, profile: str, backend: str | None, tally: _Tally, outcome: _Make
) -> Outcome:
    """The law's Hypothesis search, then (see Scale in the module docstring) a second search on
    graphs that all carry a scale tail, for as many examples as the first one left the law
    short of its floor."""
    ended = _search(law, t, profile, backend, tally, outcome, None)
    floor = scale_floor(profile, law.examples)
    if ended is None and tally.scaled < floor:
        ended = _search(law, t, profile, backend, tally, outcome, floor - tally.scaled)
    if ended is not None and ended.verdict == "fail" and _reducible(ended):
        return _reduced(law, t, ended)
    if ended is not None:
        return ended
    if tally.examples == 0:
        return outcome("n/a", tally.reason)
    return outcome("pass")


def _reducible(ended: Outcome) -> bool:
    """Whether ``ended``'s case still has a scale tail and its thread can be trusted to run the
    law again (no RecursionError)."""
    case = ended.case
    return case is not None and inputs.scale_shape(case) is not None and not _recursed(ended.error)


def _reduced(law: Law, t: Target, ended: Outcome) -> Outcome:
    """``ended`` (a failure on a graph with a scale tail) with the smallest case ``reduce_case``
    finds on which the law still fails, and that case's error (see Scale in the module
    docstring)."""
    assert ended.case is not None  # sanity check: the caller checked
    errors: list[BaseException] = []

    def still_fails(case: Case) -> bool:
        verdict, _, error = check_case(law, t, case)
        if verdict == "fail" and error is not None:
            errors.append(error)
            return True
        return False

    case = reduce_case(ended.case, still_fails, Budget())
    if case is ended.case:
        return ended
    return dataclasses.replace(ended, case=case, error=errors[-1])


def _search(
    law: Law,
    t: Target,
    profile: str,
    backend: str | None,
    tally: _Tally,
    outcome: _Make,
    scale: int | None,
) -> Outcome | None:
    """One Hypothesis search: the law's own (``scale`` None) or ``scale`` examples on graphs
    with a scale tail.  Returns the outcome that ends the law, or None if nothing failed."""
    from hypothesis import errors, given, reject, settings

    def body(case: Case) -> None:
        case = _on(case, backend)
        if profile == "thorough":
            _aim(case)
        verdict, reason, error = check_case(law, t, case)
        if verdict == "n/a":
            tally.reasons[reason or "n/a"] += 1
            if tally.examples == 0 and sum(tally.reasons.values()) >= NA_PROBE:
                raise _AllNotApplicable(tally.reason)
            reject()
        tally.scaled += verdict != "error" and inputs.scale_shape(case) is not None
        if verdict == "error" or _recursed(error):
            tally.failing, tally.stop = case, (verdict, reason, error)
            tally.examples += verdict != "error"
            raise _Stop(reason or "stop")
        tally.examples += 1
        if error is not None:
            tally.failing = case
            raise error

    # Each law (and backend) gets its own example-database key, although ``body`` is one function.
    digest = f"{law.id}@{backend}" + ("" if scale is None else "@scale")
    body._hypothesis_internal_add_digest = digest.encode()  # type: ignore[attr-defined]
    chosen = settings_for(profile, law.examples)
    if scale is not None:
        chosen = settings(chosen, max_examples=scale)
    tail = "sometimes" if scale is None else "always"
    test = given(inputs.cases(law.inputs, t.capabilities, tail))(chosen(body))
    try:
        test()
    except BaseException as e:
        if tally.stop is not None:  # even when Hypothesis cannot unwind cleanly after a recursion
            return outcome(*tally.stop)
        if isinstance(e, _AllNotApplicable):
            return outcome("n/a", str(e))
        if scale is not None and isinstance(e, (errors.Unsatisfiable, errors.FailedHealthCheck)):
            return None  # the law applies to no scale graph it was given: judged on the others
        return _ended(e, tally, outcome)
    return None


def _ended(e: BaseException, tally: _Tally, outcome: _Make) -> Outcome:
    """The outcome of a Hypothesis search that raised ``e``."""
    from hypothesis import errors

    if isinstance(e, (errors.Unsatisfiable, errors.FailedHealthCheck)) and tally.examples == 0:
        return outcome("n/a", tally.reason)
    if not isinstance(e, Exception):
        raise e
    return outcome("fail", error=e)


class _Make(Protocol):
    """The type of ``run_law``'s ``outcome`` helper (for the helpers it is passed to)."""

    def __call__(
        self, verdict: Verdict, reason: str | None = None, error: BaseException | None = None
    ) -> Outcome: ...
