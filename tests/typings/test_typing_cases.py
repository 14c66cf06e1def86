"""The typing cases (typings/cases) under ``mypy --strict``, through ``nnxspec typecheck``.

Three mypy runs (one per scenario, cached per worker across sessions under the system temp
directory, or ``$NNXSPEC_TYPING_CACHE``):

* the reference: every case file and typings/conformance pass, with the exact error codes
  (so a plain ``mypy --strict`` is clean);
* the contract stub itself: the cases are consistent with the contract;
* a deliberately wrong copy of the contract (``split`` with one filter returns three items):
  the cases and the Protocol check fail, on the lines that say so.

The rest are unit tests of the scoring, the result files and the CONFORMANCE.md section.
"""

from __future__ import annotations

import getpass
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from spec.runner import typecheck as tc

CONFORMANCE = sorted((tc.TYPINGS / "conformance").glob("*.py"))


@pytest.fixture(scope="module")
def cache() -> Path:
    root = os.environ.get("NNXSPEC_TYPING_CACHE") or os.path.join(
        tempfile.gettempdir(), f"nnxspec-typing-cache-{getpass.getuser()}"
    )
    path = Path(root) / os.environ.get("PYTEST_XDIST_WORKER", "main")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def reference_run(cache: Path) -> tc.Run:
    return tc.run_cases("reference", cache_dir=cache / "reference", extra_files=CONFORMANCE)


@pytest.fixture(scope="module")
def contract_run(cache: Path) -> tc.Run:
    return tc.run_cases("contract", cache_dir=cache / "contract")


WRONG_FROM = "def split(node: M, first: Filter, /) -> tuple[GraphDef[M], GraphState]: ..."
WRONG_TO = "def split(node: M, first: Filter, /) -> tuple[GraphDef[M], GraphState, GraphState]: ..."


@pytest.fixture(scope="module")
def wrong_run(cache: Path, tmp_path_factory: pytest.TempPathFactory) -> tc.Run:
    typings = tmp_path_factory.mktemp("wrong-typings")
    shutil.copytree(tc.TYPINGS / "nnx_contract", typings / "nnx_contract")
    stub = typings / "nnx_contract" / "__init__.pyi"
    text = stub.read_text(encoding="utf-8")
    assert text.count(WRONG_FROM) == 1
    stub.write_text(text.replace(WRONG_FROM, WRONG_TO), encoding="utf-8")
    check = [p for p in CONFORMANCE if p.name == "check_contract.py"]
    return tc.run_cases("contract", typings=typings, cache_dir=cache / "wrong", extra_files=check)


def by_name(run: tc.Run) -> dict[str, tc.CaseResult]:
    return {c.name: c for c in run.cases}


def line_of(case: str, text: str) -> int:
    """The line of ``typings/cases/<case>.py`` containing ``text`` (exactly one)."""
    lines = (tc.CASES / f"{case}.py").read_text(encoding="utf-8").splitlines()
    hits = [n for n, line in enumerate(lines, 1) if text in line]
    assert len(hits) == 1, (case, text, hits)
    return hits[0]


def failing_lines(case: tc.CaseResult) -> dict[int, str]:
    return {r.line: r.outcome for r in case.failures}


# --- the reference ----------------------------------------------------------------------------


def test_every_case_file_passes_for_the_reference_with_the_exact_codes(
    reference_run: tc.Run,
) -> None:
    assert reference_run.setup_errors == []
    report = tc.report(reference_run, verbose=True)
    assert [c.name for c in reference_run.cases if not c.clean] == [], report
    assert reference_run.mypy_status == 0, report


def test_the_run_covers_every_case_file_and_the_conformance_checks(reference_run: tc.Run) -> None:
    names = {c.name for c in reference_run.cases}
    assert {p.stem for p in tc.case_files()} | {"check_reference", "check_contract"} == names
    cases = [c for c in reference_run.cases if not c.name.startswith("check_")]
    assert all(c.accepts > 0 for c in cases)
    assert sum(c.rejects for c in cases) >= 50
    assert all(c.checks_passed == c.checks for c in cases)


def test_the_committed_default_alias_is_the_generated_one(
    reference_run: tc.Run, cache: Path
) -> None:
    generated = (cache / "reference" / "alias" / f"{tc.ALIAS_MODULE}.pyi").read_text(
        encoding="utf-8"
    )
    assert tc.DEFAULT_ALIAS.read_text(encoding="utf-8") == generated, (
        "regenerate: nnxspec typecheck --target reference --alias > "
        "typings/default/nnx_under_test.pyi"
    )
    assert reference_run.missing == []


# --- the contract itself, and a wrong contract ---------------------------------------------------


def test_the_cases_agree_with_the_contract_stub(contract_run: tc.Run) -> None:
    assert contract_run.setup_errors == []
    assert [c.name for c in contract_run.cases if not c.clean] == [], tc.report(contract_run)


def test_a_wrong_stub_fails_the_cases_on_the_lines_that_check_it(wrong_run: tc.Run) -> None:
    cases = by_name(wrong_run)
    assert not wrong_run.passed and wrong_run.mypy_status == 1
    split = failing_lines(cases["functional_split"])
    assert (
        split[line_of("functional_split", "graphdef1, state1 = nnx.split(m, nnx.Param)")] == "error"
    )
    # The rejection of unpacking a one-filter split into three names stopped happening:
    assert split[line_of("functional_split", "g1, s1, t1 = nnx.split(m, nnx.Param)")] == "accepted"
    types = failing_lines(cases["state_types"])
    assert line_of("state_types", "assert_type(nnx.split(m, nnx.Param), tuple") in types
    assert not cases["protocol_module"].passed
    assert not cases["check_contract"].passed
    # Cases that do not touch a one-filter split still pass.
    assert cases["functional_pop"].passed and cases["variables_generic"].passed


# --- scoring, without mypy -----------------------------------------------------------------------


def _msg(line: int, code: str, message: str = "m", severity: str = "error") -> dict[str, Any]:
    return {
        "file": "x.py",
        "line": line,
        "message": message,
        "hint": None,
        "code": code,
        "severity": severity,
    }


def test_scoring_classifies_each_line(tmp_path: Path) -> None:
    case = tmp_path / "area_topic.py"
    case.write_text(
        "\n".join(
            [
                "x = f()  # type: ignore[arg-type]",  # 1 rejected as expected
                "y = f()  # type: ignore[arg-type]",  # 2 accepted: fail
                "z = f()  # type: ignore[arg-type]",  # 3 rejected with another code
                "w = f()  # type: ignore[misc]",  # 4 rejected under a narrower code
                "assert_type(f(), int)",  # 5 accept: error
                "v = f()  # accept",  # 6 accept: fine
                "u = 1",  # 7 not a check, but an error there fails the file
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = tc._score(
        case,
        [
            _msg(2, "unused-ignore", 'Unused "type: ignore" comment'),
            _msg(3, "call-arg", "Too few arguments"),
            _msg(3, "unused-ignore", 'Unused "type: ignore" comment'),
            _msg(
                4,
                "unused-ignore",
                'Unused "type: ignore" comment, use narrower [call-arg] instead of [misc] code',
            ),
            _msg(5, "assert-type", 'Expression is of type "str", not "int"'),
            _msg(6, "", "a note", severity="note"),
            _msg(7, "name-defined"),
        ],
    )
    outcomes = {r.line: (r.kind, r.outcome) for r in result.lines}
    assert outcomes == {
        2: ("reject", "accepted"),
        3: ("reject", "other-code"),
        4: ("reject", "other-code"),
        5: ("accept", "error"),
        7: ("other", "error"),
    }
    assert (result.accepts, result.rejects) == (2, 4)
    assert result.checks_passed == 4  # lines 2 and 5 fail; line 7 is not a check
    assert not result.passed and not result.clean
    assert tc._score(case, []).clean


def test_expectations_parse_ignores_and_accept_markers(tmp_path: Path) -> None:
    case = tmp_path / "c.py"
    case.write_text(
        'a  # type: ignore[x, y]\nassert_type(a, int)\nb  # accept\nc = "assert_type("\n',
        encoding="utf-8",
    )
    assert tc.expectations(case) == {
        1: tc.Expectation("reject", ("x", "y")),
        2: tc.Expectation("accept"),
        3: tc.Expectation("accept"),
    }


def test_the_alias_derives_graphstate_and_falls_back_to_the_contract() -> None:
    names = tc.contract_names()
    assert {"split", "GraphDef", "Filter", "GraphState", "UpdateContext"} <= set(names)
    found = {n: "impl" for n in names if n not in ("Filter", "GraphState", "split")}
    text = tc.render_alias(tc.Target("impl", ("impl",)), found, names)
    assert "from impl import GraphDef as GraphDef" in text
    assert " split as split" not in text  # missing: the cases' uses of it will fail
    assert "GraphState: _TypeAlias = State[Key, VariableState[_Any]]" in text
    assert "Filter: _TypeAlias = type[_Any] | str" in text


# --- result files and the CONFORMANCE.md section
# ---------------------------------------------------


def _run(label: str, passed: bool) -> tc.Run:
    lines = [] if passed else [tc.LineResult(3, "accept", "error", ("Expression is of type ...",))]
    case = tc.CaseResult(
        "functional_split", accepts=2, rejects=1, lines=lines, output="x.py:3: error"
    )
    return tc.Run(
        "flax.nnx",
        label,
        {"mypy": "2.4.1", "python": "3.11", "flax": label[5:]},
        ["PathIn"],
        ["GraphState"],
        [case],
        [],
        1.0,
    )


def test_result_files_round_trip_and_keep_hand_written_notes(tmp_path: Path) -> None:
    path = tmp_path / "flax-9.9.toml"
    tc.write_toml(_run("flax-9.9", passed=False), path)
    text = path.read_text(encoding="utf-8").replace('notes = ""', 'notes = "hand-written"', 1)
    path.write_text(text, encoding="utf-8")
    tc.write_toml(_run("flax-9.9", passed=False), path)  # a rerun keeps the notes
    data = tc._load_toml(path)
    case = data["cases"]["functional_split"]
    assert case["notes"] == "hand-written"
    assert case["conformance_automated"] == "Fail" and case["checks_passed"] == 2
    assert data["summary"]["checks"] == 3 and data["missing"] == ["PathIn"]


def test_typing_section_has_a_column_per_target_and_the_notes(tmp_path: Path) -> None:
    tc.write_toml(_run("flax-0.10.3", passed=True), tmp_path / "a.toml")
    tc.write_toml(_run("flax-0.9.0", passed=False), tmp_path / "b.toml")
    text = (
        (tmp_path / "b.toml").read_text(encoding="utf-8").replace('notes = ""', 'notes = "why"', 1)
    )
    (tmp_path / "b.toml").write_text(text, encoding="utf-8")
    section = tc.typing_section(tmp_path)
    assert "| case | flax-0.9.0 | flax-0.10.3 |" in section  # versions in numeric order
    assert "| `functional_split` | Fail (2/3) | Pass (3/3) |" in section
    assert "**flax-0.9.0, `functional_split`**: why" in section
    assert tc.typing_section(tmp_path / "none").startswith("## Typing")


def test_recorded_results_cover_the_reference_and_both_flax_versions() -> None:
    labels = [r["label"] for r in tc.load_results()]
    assert labels[0] == "reference"
    assert {"flax-0.10.3", "flax-0.12.8"} <= set(labels)
    section = tc.typing_section()
    for name in (p.stem for p in tc.case_files()):
        assert f"| `{name}` |" in section


def test_recorded_results_are_current(reference_run: tc.Run) -> None:
    """Every result file was recorded with today's case files (same files, same checks), and
    the reference's matches a fresh run; rerun ``nnxspec typecheck --record`` otherwise."""
    counts = {}
    for path in tc.case_files():
        expected = tc.expectations(path).values()
        counts[path.stem] = (
            sum(e.kind == "accept" for e in expected),
            sum(e.kind == "reject" for e in expected),
        )
    for result in tc.load_results():
        recorded = {name: (c["accepts"], c["rejects"]) for name, c in result["cases"].items()}
        assert recorded == counts, result["label"]
    reference = next(r for r in tc.load_results() if r["label"] == "reference")
    fresh = {c.name: (c.checks_passed, c.checks) for c in reference_run.cases if c.name in counts}
    assert {n: (c["checks_passed"], c["checks"]) for n, c in reference["cases"].items()} == fresh


def test_the_command_is_registered() -> None:
    from spec.runner import commands

    assert "typecheck" in commands.load()
