"""A user's mistake gets one line and a non-zero exit, never a traceback (that is behind
``--debug``), and leaves nothing behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from spec.runner import cli, typecheck, vectors
from spec.runner.vectors import VectorError

ROOT = Path(__file__).resolve().parents[2]


def nnxspec(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NNXSPEC_TARGET"}
    return subprocess.run(
        [sys.executable, "-m", "spec.runner", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def _vector(tmp_path: Path, **changes: object) -> Path:
    from spec.blueprint import Blueprint, NodeSpec, ToVar, VarSpec
    from spec.laws import Case

    case = Case(graph=Blueprint((NodeSpec("module", (("a", ToVar(0)),)),), (VarSpec(),)))
    data: dict[str, object] = {
        "format": vectors.FORMAT,
        "law": "RT-1",
        "target": {"name": "reference", "version": "0", "spec": "reference"},
        "expect": "pass",
        "case": case.to_data(),
    }
    data.update(changes)
    path = tmp_path / "v.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_an_unavailable_backend_is_a_usage_error() -> None:
    done = nnxspec("check", "--backends", "tpu", "-k", "[RT-1]")
    assert done.returncode == 4
    assert (
        one_line(done.stdout + done.stderr)
        == "nnxspec check: backend 'tpu' is not available here (jax has: cpu)"
    )


def test_a_selection_of_no_law_says_so_and_counts_nothing() -> None:
    done = nnxspec("check", "-k", "NOPE-1")
    assert done.returncode == 5
    assert "nnxspec check: no law was selected ('nnxspec laws' lists them)" in done.stdout
    assert "0 passed" not in done.stdout


def test_a_bad_keyword_expression_is_a_usage_error_not_a_table_of_errors() -> None:
    done = nnxspec("check", "-k", "RT-1 RT-2")  # two ids without 'or'
    assert done.returncode == 4
    line = one_line(done.stdout + done.stderr)
    assert line.startswith("nnxspec check: Wrong expression passed to '-k': RT-1 RT-2"), line


def test_a_failed_check_leaves_no_temporary_folder() -> None:
    before = set(Path(tempfile.gettempdir()).glob("nnxspec-report-*"))
    done = nnxspec("check", "--target", "nosuch", "-k", "[RT-1]")
    assert done.returncode == 4
    assert one_line(done.stdout + done.stderr).startswith("nnxspec check: unknown target 'nosuch'")
    assert set(Path(tempfile.gettempdir()).glob("nnxspec-report-*")) <= before


def test_typecheck_of_a_module_that_does_not_import(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["typecheck", "--target", "nosuchmod"]) == 2
    out = capsys.readouterr().out
    assert one_line(out).startswith(
        "nnxspec typecheck: target 'nosuchmod': cannot import 'nosuchmod'"
    )


def test_typecheck_target_flax_is_flax_nnx() -> None:
    assert typecheck.resolve_target("flax") == typecheck.resolve_target("flax.nnx")
    assert typecheck.resolve_target("flax").modules[0] == "flax.nnx"


def test_bench_with_an_unknown_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bench", "--targets", "reference,nosuch"]) == 2
    captured = capsys.readouterr()
    assert one_line(captured.out + captured.err).startswith(
        "nnxspec bench: unknown target 'nosuch'"
    )


@pytest.mark.parametrize("seed", ["zero", 1.5, True])
def test_a_vector_with_a_seed_that_is_not_an_integer_is_refused(
    tmp_path: Path, seed: object
) -> None:
    path = _vector(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["case"]["graph"]["variables"][0]["seed"] = seed
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(VectorError, match="seed must be an integer"):
        vectors.load(path)


def test_replay_of_an_unknown_law(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _vector(tmp_path, law="XX-9")
    assert cli.main(["replay", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"ERROR {path}: no law 'XX-9' in this nnxspec ('nnxspec laws' lists them)"
    assert "RT-1" not in out[0]


def test_replay_names_a_bad_file_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "v.json"
    path.write_text("{}", encoding="utf-8")
    assert cli.main(["replay", str(path)]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"ERROR {path}: not an nnxspec vector")
    assert first.count(str(path)) == 1


def test_replay_of_a_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nosuch.json"
    assert cli.main(["replay", str(missing)]) == 2
    assert capsys.readouterr().out == f"nnxspec replay: {missing}: no such file or folder\n"


def test_show_into_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    path = _vector(tmp_path)
    done = subprocess.run(
        f"{sys.executable} -m spec.runner show {path} | head -1",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.stdout.startswith("RT-1: ")
    assert done.stderr == "", done.stderr


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "no-such-results"
    assert cli.main(["bench", "--from-json", str(folder)]) == 2
    err = capsys.readouterr().err
    assert one_line(err).startswith("nnxspec bench: FileNotFoundError: ")
    with pytest.raises(FileNotFoundError):
        cli.main(["--debug", "bench", "--from-json", str(folder)])
