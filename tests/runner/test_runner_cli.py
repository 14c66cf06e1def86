"""``nnxspec`` end to end: check (on the broken toy and on the reference), the report, vectors,
replay, show and laws.

The check runs are subprocesses (``python -m spec.runner``), as a user runs them.  The toy run
uses the derandomized ``ci`` profile, so what it finds is the same on every run.  The full
dev-profile check of the reference runs only with ``NNXSPEC_SLOW=1`` (it takes about a minute).
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import fcntl
except ImportError:  # Windows: no lock, each xdist worker may run the toy check itself
    fcntl = None  # type: ignore[assignment]

from spec.runner import cli, vectors
from spec.runner.records import schema_errors
from spec.targets.reference import ReferenceTarget
from tests.runner.nnxspec_toys import SPEC, BrokenToy

ROOT = Path(__file__).resolve().parents[2]


def nnxspec(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``python -m spec.runner ARGS`` from the repository root (the toys importable)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NNXSPEC_TARGET", None)
    return subprocess.run(
        [sys.executable, "-m", "spec.runner", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclasses.dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    report: Path
    results: dict[str, object]

    def status(self, law: str) -> str:
        laws = self.results["laws"]
        assert isinstance(laws, list)
        return str(next(e["status"] for e in laws if e["id"] == law))


EXPECT = """# the toy's known failures
target = "toy-broken"

[CL-1]
reason = "the toy cannot clone"
link = "https://example.org/toy/1"

[RT-1]
reason = "a stale entry: RT-1 passes on the toy"

["NOPE-7"]
reason = "matches no law"
"""


def _toy_check(folder: Path) -> None:
    expect = folder / "toy.toml"
    expect.write_text(EXPECT, encoding="utf-8")
    done = nnxspec(
        "check",
        "--target",
        SPEC,
        "--profile",
        "ci",
        "--report",
        str(folder / "report"),
        "--expect",
        str(expect),
        "-k",
        "[ST-1] or [CL-1] or [RT-1] or [ST-5]",
    )
    (folder / "stdout.txt").write_text(done.stdout, encoding="utf-8")
    (folder / "stderr.txt").write_text(done.stderr, encoding="utf-8")
    (folder / "returncode.txt").write_text(str(done.returncode), encoding="utf-8")


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The toy check, run once per test session even under xdist (the workers share a folder and
    take turns through a lock; the first one runs it)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / "nnxspec-toy-run"
    with open(root / "nnxspec-toy-run.lock", "w", encoding="utf-8") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "returncode.txt").is_file():
            folder.mkdir(exist_ok=True)
            _toy_check(folder)
    stdout = (folder / "stdout.txt").read_text(encoding="utf-8")
    results = folder / "report" / "results.json"
    assert results.is_file(), stdout + (folder / "stderr.txt").read_text(encoding="utf-8")
    return Run(
        int((folder / "returncode.txt").read_text()),
        stdout,
        folder / "report",
        json.loads(results.read_text(encoding="utf-8")),
    )


def test_the_toy_fails_the_expected_laws(toy_run: Run) -> None:
    assert toy_run.returncode == 1, toy_run.stdout
    assert [toy_run.status(x) for x in ("RT-1", "ST-1", "ST-5", "CL-1")] == [
        "xpass",
        "fail",
        "n/a",
        "xfail",
    ]
    lines = toy_run.stdout.splitlines()
    assert lines[-1] == "0 passed, 1 failed, 1 n/a, 1 xfailed, 1 xpassed"
    assert f"nnxspec check: toy-broken 1 ({SPEC}) · profile ci" in toy_run.stdout


def test_check_prints_the_table_and_not_pytest(toy_run: Run) -> None:
    out = toy_run.stdout
    assert out.startswith("nnxspec check: toy-broken 1"), out[:500]
    for noise in (
        "Traceback",
        "test session starts",
        "configfile",
        "reproduce_failure",
        "short test summary",
    ):
        assert noise not in out, noise
    assert any(line.startswith("ST-1 ") and " FAIL " in line for line in out.splitlines())


def test_check_says_in_one_line_why_each_unexpected_failure_failed(toy_run: Run) -> None:
    lines = toy_run.stdout.splitlines()
    start = lines.index("why (first line; the whole failure: nnxspec show PATH):")
    failure = vectors.load(toy_run.report / "vectors" / "ST-1.json").data["failure"]
    assert isinstance(failure, dict)
    first = str(failure["message"]).splitlines()[0]
    assert lines[start + 1] == f"ST-1: {failure['type']}: {first}"
    assert not any(line.startswith("CL-1: ") for line in lines)  # xfail: expected, not listed


def test_an_expectation_matching_nothing_warns(toy_run: Run) -> None:
    assert "warning: expectation 'NOPE-7'" in toy_run.stdout
    assert "matches no law" in toy_run.stdout


def test_results_json_has_exactly_the_schema(toy_run: Run) -> None:
    assert schema_errors(toy_run.results) == []
    assert toy_run.results["target"] == "toy-broken" and toy_run.results["profile"] == "ci"
    assert (
        (toy_run.report / "results.md")
        .read_text(encoding="utf-8")
        .startswith("# nnxspec results: toy-broken 1")
    )


def test_every_failure_leaves_a_vector_and_a_reproducer(toy_run: Run) -> None:
    st1 = vectors.load(toy_run.report / "vectors" / "ST-1.json")
    cl1 = vectors.load(toy_run.report / "vectors" / "CL-1.json")
    assert (toy_run.report / "vectors" / "ST-1.py").is_file()
    assert st1.law == "ST-1" and st1.target_spec == SPEC and st1.expect == "fail"
    assert len(st1.case.graph.variables) == 1  # shrunk to the smallest graph that shows the defect
    failure = st1.data["failure"]
    assert isinstance(failure, dict) and failure["kind"] == "violation"
    assert failure["diff"] and failure["expected"] and failure["actual"]
    failure = cl1.data["failure"]
    assert (
        isinstance(failure, dict)
        and failure["kind"] == "error"
        and failure["type"] == "RuntimeError"
    )
    assert "toy-broken: clone" in str(failure["traceback"])
    assert cl1.data["reason"] == "the toy cannot clone"  # from the expectation
    assert not (toy_run.report / "vectors" / "RT-1.json").exists()


def test_a_vector_fails_on_the_toy_and_passes_on_the_reference(toy_run: Run) -> None:
    v = vectors.load(toy_run.report / "vectors" / "ST-1.json")
    on_toy = vectors.replay(v, BrokenToy(), SPEC)
    assert (on_toy.outcome, on_toy.ok) == ("fail", True)
    on_reference = vectors.replay(v, ReferenceTarget(), "reference")
    assert (on_reference.outcome, on_reference.ok) == ("pass", True)


def test_a_vector_that_passes_on_its_own_target_says_it_may_be_fixed(toy_run: Run) -> None:
    from spec.runner.commands.replay import _line

    v = vectors.load(toy_run.report / "vectors" / "ST-1.json")
    fixed = vectors.replay(v, ReferenceTarget(), SPEC)  # the toy's spec, its bug gone
    assert (fixed.outcome, fixed.ok) == ("pass", False)
    assert "the law holds on this case now: fixed" in _line(fixed)


def test_replay_command(toy_run: Run, tmp_path: Path) -> None:
    done = nnxspec("replay", str(toy_run.report / "vectors"), "--keep", str(tmp_path))
    assert done.returncode == 0, done.stdout
    assert "2 as expected, 0 unexpected" in done.stdout
    kept = sorted(p.name for p in (tmp_path / "toy-broken").glob("*.json"))
    assert [k.split("-")[0] + "-" + k.split("-")[1] for k in kept] == ["CL-1", "ST-1"]
    done = nnxspec("replay", str(toy_run.report / "vectors" / "ST-1.json"), "--target", "reference")
    assert done.returncode == 0 and "ok   ST-1 on reference" in done.stdout, done.stdout


def test_show_prints_the_graph_and_writes_dot(
    toy_run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        cli.main(
            [
                "show",
                str(toy_run.report / "vectors" / "ST-1.json"),
                "--dot",
                str(tmp_path / "g.dot"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("ST-1: ")
    assert "graph:\n  Node (graph)\n    a: Param(float32[] 0." in out
    assert "failure (LawViolation):" in out
    assert (tmp_path / "g.dot").read_text(encoding="utf-8").startswith("digraph nnxspec {")


def test_laws_command_lists_and_renders(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["laws"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split()[:4] == ["id", "area", "checker", "title"]
    assert listing[1].startswith("ID-1 ")
    assert "spec/laws/id.py:" in listing[1] and "oracle: " in listing[1]
    assert cli.main(["laws", "--markdown"]) == 0
    assert capsys.readouterr().out.startswith("# nnxspec: the specification")


def test_check_on_the_reference_with_two_workers(tmp_path: Path) -> None:
    done = nnxspec(
        "check",
        "-n",
        "2",
        "--profile",
        "ci",
        "-k",
        "[ID-3] or [RT-2] or [ST-5]",
        "--report",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "2 passed, 0 failed, 1 n/a"
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert schema_errors(results) == []
    assert [e["id"] for e in results["laws"]] == ["ID-3", "RT-2", "ST-5"]
    assert "gw0" not in done.stdout  # pytest's output is held back without -v


def test_a_lost_worker_is_an_error_and_every_law_is_counted(tmp_path: Path) -> None:
    done = nnxspec(
        "check",
        "-n",
        "2",
        "--target",
        "tests.runner.nnxspec_toys:CrashingToy",
        "-k",
        "[CL-1] or [RT-2] or [ST-5]",
        "--report",
        str(tmp_path),
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "1 passed, 0 failed, 1 n/a, 1 error", done.stdout
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert schema_errors(results) == []
    assert {e["id"]: e["status"] for e in results["laws"]} == {
        "RT-2": "pass",
        "ST-5": "n/a",
        "CL-1": "error",
    }
    assert "crashed while running" in done.stdout


def test_verbose_check_shows_pytest_and_the_tracebacks(tmp_path: Path) -> None:
    done = nnxspec("check", "-v", "--target", SPEC, "--profile", "ci", "-k", "[CL-1]")
    assert done.returncode == 1
    assert "test session starts" in done.stdout and "RuntimeError: toy-broken: clone" in done.stdout
    assert "reproduce_failure" not in done.stdout and "configfile" not in done.stdout


def test_a_usage_error_names_the_unknown_target() -> None:
    done = nnxspec("check", "--target", "no-such-target", "-k", "[RT-1]")
    assert done.returncode != 0
    assert "unknown target 'no-such-target'" in done.stdout + done.stderr


def test_check_ignores_the_conftest_of_the_working_directory(tmp_path: Path) -> None:
    """A conftest.py where the user stands is not imported (it once put this repository's tests/
    first on sys.path, whose tests/reference then shadowed the editable reference package)."""
    (tmp_path / "conftest.py").write_text(
        'raise RuntimeError("conftest.py imported")\n', encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NNXSPEC_TARGET", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "spec.runner",
            "check",
            "-k",
            "[RT-1]",
            "--report",
            str(tmp_path / "r"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.splitlines()[-1] == "1 passed, 0 failed"


@pytest.mark.skipif(
    not os.environ.get("NNXSPEC_SLOW"), reason="the full check takes a minute: set NNXSPEC_SLOW=1"
)
def test_the_full_dev_check_of_the_reference_passes(tmp_path: Path) -> None:
    done = nnxspec("check", "--report", str(tmp_path))
    assert done.returncode == 0, done.stdout[-5000:]
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert {e["status"] for e in results["laws"]} <= {"pass", "n/a"}
