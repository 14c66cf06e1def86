"""nnxspec's pytest plugin (entry point ``pytest11: nnxspec``).

Inert unless asked: it only adds its options, and does nothing else unless ``--nnxspec-target``
is given, ``NNXSPEC_TARGET`` is set, or the suite module (``spec.runner.suite``) is named on the
command line.  ``--nnxspec-target`` also adds the suite to what pytest collects, so
``pytest --nnxspec-target flax`` runs it.  When active it resolves the target (a usage error if
it cannot), loads the
expectations, prints a report header (target and version, jax / jaxlib / numpy / hypothesis
versions, backends and their devices, profile), collects every suite test's ``LawRecord`` (on the
xdist controller, from the reports the workers send) and at the end prints the results table and
writes the report folder (``spec.runner.report``).  Every selected law is accounted for: a test
that failed without a record (a crash in setup or teardown, a lost xdist worker) and a test that
never reported are recorded as ``error``.

Options (see ``spec.runner.config`` for the environment variables and defaults)::

    --nnxspec-target T      reference | flax | an nnxspec.targets entry point | module:attr
    --nnxspec-profile P     dev | ci | thorough | exhaustive
    --nnxspec-backends B    comma-separated, e.g. cpu,gpu
    --nnxspec-report DIR    write results.json, results.md and failure vectors to DIR
    --nnxspec-expect FILE   the target's expectations (TOML, see spec.runner.expectations);
                            default: spec/targets/expectations/<name>[-<version>].toml if shipped
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Literal

import pytest

from spec.runner.config import ENV, RunConfig
from spec.runner.records import PROPERTY, LawRecord

if TYPE_CHECKING:  # the rest is imported when a run is active: an inert plugin stays cheap
    from spec.codec import JSON
    from spec.laws import Law
    from spec.runner import report
    from spec.runner.engine import Outcome
    from spec.runner.expectations import Expectation, Expectations
    from spec.target import Target

__all__ = ["RunState", "is_active", "load_arguments", "run_state"]

_OPTIONS = ("target", "profile", "backends", "report", "expect")
_SUITE_ARG = re.compile(r"(^|[/\\.])spec[/\\.]runner[/\\.]suite(\.py)?($|::)")


def load_arguments() -> list[str]:
    """Return the pytest arguments that load this plugin: none when the ``pytest11`` entry point
    (an installed nnxspec) already does, else ``-p spec.runner.plugin`` (naming it twice is an
    error in pytest)."""
    from importlib.metadata import entry_points

    if any(ep.name == "nnxspec" for ep in entry_points(group="pytest11")):
        return []
    return ["-p", "spec.runner.plugin"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nnxspec", "nnxspec conformance suite")
    group.addoption(
        "--nnxspec-target",
        default=None,
        metavar="T",
        help="target to check: reference, flax, an entry point or module:attr (env "
        f"{ENV['target']})",
    )
    group.addoption(
        "--nnxspec-profile",
        default=None,
        metavar="P",
        help=f"dev (default), ci, thorough or exhaustive (env {ENV['profile']})",
    )
    group.addoption(
        "--nnxspec-backends",
        default=None,
        metavar="B",
        help="comma-separated jax backends; default: every platform of jax.devices(), plus cpu "
        f"(env {ENV['backends']})",
    )
    group.addoption(
        "--nnxspec-report",
        default=None,
        metavar="DIR",
        help=f"write results.json, results.md and failure vectors to DIR (env {ENV['report']})",
    )
    group.addoption(
        "--nnxspec-expect",
        default=None,
        metavar="FILE",
        help=f"expectations file (TOML) of the target's known failures (env {ENV['expect']})",
    )
    group.addoption(
        "--nnxspec-summary",
        default="table",
        choices=("table", "none"),
        help="print the results table at the end (nnxspec check prints its own)",
    )


def is_active(config: pytest.Config) -> bool:
    """True when this run asked for the suite (see the module docstring)."""
    if config.getoption("nnxspec_target", None) is not None or os.environ.get(ENV["target"]):
        return True
    return any(_SUITE_ARG.search(str(a)) for a in config.args)


@dataclasses.dataclass
class RunState:
    """What one process of a run knows: settings, target, expectations, and (controller) the
    records collected so far."""

    config: RunConfig
    target: Target
    expectations: Expectations
    records: list[LawRecord] = dataclasses.field(default_factory=list)

    def vector(
        self, law: Law, outcome: Outcome, *, expected: Expectation | None
    ) -> Mapping[str, JSON] | None:
        """Return the failure vector of a failed law (None when there is no failing case)."""
        from spec.runner import inputs
        from spec.runner.config import versions
        from spec.runner.vectors import make_vector

        if outcome.case is None or outcome.error is None:
            return None
        script = inputs.reproducer(outcome.case, law, self.target, self.config.target)
        v = versions()
        found: dict[str, JSON] = {
            "profile": self.config.profile,
            "hypothesis": v["hypothesis"],
            "jax": v["jax"],
        }
        return make_vector(
            law,
            self.target,
            self.config.target,
            outcome.case,
            outcome.error,
            reason=expected.reason if expected else None,
            link=expected.link if expected else None,
            found=found,
            reproducer=script,
        )


_KEY = pytest.StashKey[RunState]()


def _options(config: pytest.Config) -> dict[str, str | None]:
    return {name: config.getoption(f"nnxspec_{name}", None) for name in _OPTIONS}


def run_state(config: pytest.Config) -> RunState:
    """Return this run's state, starting it on first use (also without the plugin registered)."""
    state = config.stash.get(_KEY, None)
    if state is None:
        state = _start(config)
        config.stash[_KEY] = state
    return state


def _start(config: pytest.Config) -> RunState:
    from spec.runner import expectations as expectations_mod
    from spec.target import TargetError, resolve_target

    try:
        run = RunConfig.resolve(_options(config))
    except ValueError as e:
        raise pytest.UsageError(f"nnxspec: {e}") from e
    if _options(config)["backends"] is not None or os.environ.get(ENV["backends"]):
        from spec.runner.config import available_backends

        absent = [b for b in run.backends if b not in available_backends()]
        if absent:
            raise pytest.UsageError(
                f"nnxspec: backend {', '.join(map(repr, absent))} is not available here "
                f"(jax has: {', '.join(available_backends())})"
            )
    try:
        target = resolve_target(run.target)
    except TargetError as e:
        raise pytest.UsageError(f"nnxspec: {e}") from e
    path = run.expect or expectations_mod.default_path(target.name, target.version)
    try:
        expect = expectations_mod.load(path)
    except expectations_mod.ExpectationsError as e:
        raise pytest.UsageError(f"nnxspec: {e}") from e
    return RunState(dataclasses.replace(run, expect=path), target, expect)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if is_active(config):
        config.stash[_KEY] = _start(config)
        config.pluginmanager.register(_ActiveRun(config), "nnxspec-active-run")
        if config.getoption("nnxspec_target", None) is not None and not _names_suite(config):
            config.args.append(_suite_path())


def _names_suite(config: pytest.Config) -> bool:
    return any(
        _SUITE_ARG.search(str(a)) or (str(a).endswith("suite.py") and "runner" in str(a))
        for a in config.args
    )


def _suite_path() -> str:
    from importlib.util import find_spec

    found = find_spec("spec.runner.suite")
    assert found is not None and found.origin is not None  # sanity check: it is a module of ours
    return found.origin


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


_NODE_ID = re.compile(r"::test_law\[([A-Z]+-[0-9]+)(?:-([a-z0-9_]+))?\]$")


class _ActiveRun:
    """The hooks of an active run (registered by ``pytest_configure``)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.expected: dict[str, tuple[str, str | None]] = {}
        self.reported: set[str] = set()

    @property
    def state(self) -> RunState:
        return run_state(self.config)

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        from spec.runner.config import describe_backends, versions

        s = self.state
        v = versions()
        lines = [
            f"nnxspec: target {s.target.describe()} ({s.config.target}) · profile "
            f"{s.config.profile}",
            f"nnxspec: jax {v['jax']} · jaxlib {v['jaxlib']} · numpy {v['numpy']} · "
            f"hypothesis {v['hypothesis']} · python {v['python']}",
            f"nnxspec: backends {describe_backends(s.config.backends)}",
        ]
        if s.config.expect is not None:
            lines.append(
                f"nnxspec: expectations {s.config.expect} ({len(s.expectations.entries)} entries)"
            )
        return lines

    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        for item in items:
            callspec = getattr(item, "callspec", None)
            suite_item = callspec.params.get("nnxspec_item") if callspec is not None else None
            if suite_item is not None:
                item.extra_keyword_matches.add(suite_item.law.split("-")[0])

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self._expect(item.nodeid for item in session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        self._expect(ids)

    def _expect(self, nodeids: Iterable[str]) -> None:
        """Remember the selected suite tests, so a test that never reports is an error."""
        for nodeid in nodeids:
            m = _NODE_ID.search(nodeid)
            if m is not None:
                self.expected.setdefault(nodeid, (m.group(1), m.group(2)))

    def pytest_report_teststatus(
        self, report: pytest.TestReport, config: pytest.Config
    ) -> tuple[str, str, str] | None:
        """A suite test of a law that does not apply is ``n/a`` in pytest's own output too."""
        if report.skipped and not hasattr(report, "wasxfail") and _NODE_ID.search(report.nodeid):
            return "n/a", "n", "N/A"
        return None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if _is_worker(self.config):
            return
        texts = [str(v) for k, v in report.user_properties if k == PROPERTY]
        if texts and report.when == "call":
            self.state.records.append(LawRecord.from_json(texts[-1]))
            self.reported.add(report.nodeid)
        elif report.failed and (report.when != "call" or not texts):
            self._record_error(report.nodeid, report.duration, _crash_text(report))

    def _record_error(self, nodeid: str, seconds: float, reason: str) -> None:
        m = _NODE_ID.search(nodeid)
        if m is None:
            return
        self.state.records.append(_error_record(m.group(1), m.group(2), seconds, reason))
        self.reported.add(nodeid)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        from spec.runner import report

        if _is_worker(self.config) or self.state.config.report is None:
            return
        report.write(self.state.config.report, self.results())

    def results(self) -> report.Results:
        from spec.laws import LAWS
        from spec.runner import report
        from spec.runner.config import versions

        s = self.state
        missing = [
            _error_record(
                law,
                backend,
                0.0,
                "did not run: the test never reported (a crash "
                "of the process or of its xdist worker, or the run was stopped)",
            )
            for nodeid, (law, backend) in self.expected.items()
            if nodeid not in self.reported
        ]
        return report.Results(
            target=s.target.name,
            target_version=s.target.version,
            jax=versions()["jax"],
            backends=s.config.backends,
            profile=s.config.profile,
            records=report.ordered([*s.records, *missing], s.config.backends),
            warnings=tuple(s.expectations.warnings(LAWS, s.target.name)),
        )

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        from spec.runner import report

        if _is_worker(self.config):
            return
        results = self.results()
        if self.config.getoption("nnxspec_summary", "table") == "table" and results.records:
            terminalreporter.section("nnxspec results")
            for line in report.table(results).splitlines():
                terminalreporter.write_line(line)
        for warning in results.warnings:
            terminalreporter.write_line(f"nnxspec warning: {warning}", yellow=True)


def _error_record(law_id: str, backend: str | None, seconds: float, reason: str) -> LawRecord:
    from spec.laws import LAWS

    area = next((law.area for law in LAWS if law.id == law_id), "?")
    status: Literal["error"] = "error"
    return LawRecord(law_id, area, backend, status, 0, seconds, reason=reason)


def _crash_text(report: pytest.TestReport) -> str:
    """One line on a test that failed without a record (its last line of error text)."""
    lines = [line.strip() for line in str(report.longrepr or "").splitlines() if line.strip()]
    where = "while running" if report.when in ("call", "???") else f"in {report.when}"
    return f"crashed {where}: {lines[-1] if lines else 'no details'}"[:300]
