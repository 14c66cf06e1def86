"""The conformance suite as a pytest test module: one test per law, and one per (law, backend)
for per-backend laws.

Collect it with ``pytest --pyargs spec.runner.suite`` (what ``nnxspec check`` runs) or by its
path.  Test ids are the law ids (``test_law[RT-1]``) and ``LAW-backend`` for per-backend laws
(``test_law[JIT-1-gpu]``), so ``-k "[RT-1]"`` selects one law exactly, ``-k "JIT- or BE-"`` two
areas and ``-k gpu`` one backend.  The run's target, profile and backends come from the
``nnxspec`` plugin's options (``spec.runner.plugin``), else from the environment and defaults
(``spec.runner.config``).

Each test checks its law with ``spec.runner.engine.run_law``, attaches a ``LawRecord`` to its
report, and then passes, fails with the law's error (an expected failure: pytest's ``xfail``), is
skipped by pytest (the law is ``n/a``, with the reason), or fails with ``HarnessError`` (the law
could not be checked: ``error``, which no expectation waives).
"""

from __future__ import annotations

import dataclasses

import pytest

from spec.errors import HarnessError
from spec.laws import LAWS, law_by_id
from spec.runner import plugin
from spec.runner.engine import run_law
from spec.runner.records import PROPERTY, LawRecord, final_status

__all__ = ["SuiteItem", "pytest_generate_tests", "suite_items", "test_law"]


@dataclasses.dataclass(frozen=True)
class SuiteItem:
    """One test of the suite: a law id and, for per-backend laws, a backend."""

    law: str
    backend: str | None = None

    @property
    def test_id(self) -> str:
        return self.law if self.backend is None else f"{self.law}-{self.backend}"


def suite_items(backends: tuple[str, ...]) -> list[SuiteItem]:
    """Return the suite's tests in catalogue order."""
    out: list[SuiteItem] = []
    for law in LAWS:
        if law.per_backend:
            out.extend(SuiteItem(law.id, b) for b in backends)
        else:
            out.append(SuiteItem(law.id))
    return out


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "nnxspec_item" in metafunc.fixturenames:
        state = plugin.run_state(metafunc.config)
        items = suite_items(state.config.backends)
        metafunc.parametrize("nnxspec_item", items, ids=[i.test_id for i in items])


def test_law(nnxspec_item: SuiteItem, request: pytest.FixtureRequest) -> None:
    """Check one law on the run's target (see the module docstring)."""
    state = plugin.run_state(request.config)
    law = law_by_id(nnxspec_item.law)
    profile = state.config.profile
    outcome = run_law(law, state.target, profile, nnxspec_item.backend)
    expectation = state.expectations.lookup(law.id, nnxspec_item.backend)
    vector = None
    if outcome.verdict == "fail" and outcome.error is not None:
        vector = state.vector(law, outcome, expected=expectation)
    status = final_status(
        outcome.verdict,
        expectation is not None,
        pass_allowed=expectation is not None and expectation.pass_allowed(profile),
    )
    record = LawRecord(
        id=law.id,
        area=law.area,
        backend=nnxspec_item.backend,
        status=status,
        examples=outcome.examples,
        seconds=outcome.seconds,
        reason=outcome.reason,
        vector=vector,
    )
    request.node.user_properties.append((PROPERTY, record.to_json()))
    if status == "n/a":
        pytest.skip(f"n/a: {outcome.reason}")
    if status == "error":
        raise HarnessError(outcome.reason or "the law could not be checked") from outcome.error
    if status == "xfail" and expectation is not None:
        pytest.xfail(expectation.reason + (f" ({expectation.link})" if expectation.link else ""))
    if outcome.error is not None:
        raise outcome.error
