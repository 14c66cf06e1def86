"""The release matrix: ``nnxspec env``'s pins and interpreter choice, ``nnxspec history`` and
``nnxspec bisect`` (with a fake runner: no environment is built, nothing is downloaded)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

from spec.runner.commands import bisect as bisect_cmd
from spec.runner.commands import env as env_cmd
from spec.runner.commands import history as history_cmd

ROOT = Path(__file__).resolve().parents[2]
MATRIX = ("0.10.0", "0.10.3", "0.10.6", "0.11.0", "0.11.2", "0.12.0", "0.12.8", "0.12.12")


# --- nnxspec env
# -----------------------------------------------------------------------------------


@pytest.mark.parametrize("release", MATRIX)
def test_every_matrix_release_has_a_verified_pin_on_a_python_it_installs_on(release: str) -> None:
    pin = env_cmd.pin_for(release)
    assert pin is not None and pin.verified
    major, minor = (int(x) for x in pin.python.split("."))
    assert (major, minor) >= env_cmd.minimum_python(release)


def test_the_newest_releases_need_python_3_12() -> None:
    assert env_cmd.minimum_python("0.12.8") == (3, 11)
    assert env_cmd.minimum_python("0.12.9") == (3, 12)
    assert env_cmd.minimum_python("0.10.3") == (3, 10)
    assert env_cmd.pin_for("0.12.12") is not None and env_cmd.pin_for("0.12.12").python >= "3.12"  # type: ignore[union-attr]


def test_find_python_takes_a_pyenv_install(tmp_path: Path) -> None:
    minor = f"{sys.version_info.major}.{sys.version_info.minor + 50}"
    assert env_cmd.find_python(minor, pyenv_root=tmp_path) is None
    exe = tmp_path / "versions" / f"{minor}.1" / "bin" / "python3"
    exe.parent.mkdir(parents=True)
    exe.write_text(f"#!/bin/sh\necho {minor.replace('.', ' ')}\n")
    exe.chmod(0o755)
    assert env_cmd.find_python(minor, pyenv_root=tmp_path) == str(exe)


def _env_args(tmp_path: Path, *extra: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    env_cmd._configure(p)
    return p.parse_args(["flax==0.12.12", str(tmp_path / "env"), "--dry-run", *extra])


def test_env_says_in_one_line_which_interpreter_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(env_cmd, "find_python", lambda minor, pyenv_root=None: None)
    assert env_cmd.run(_env_args(tmp_path)) == 2
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1 and "Python 3.13" in out and "--python" in out


def test_env_rejects_an_interpreter_too_old_for_the_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if sys.version_info >= (3, 12):
        pytest.skip("needs an interpreter older than 3.12")
    assert env_cmd.run(_env_args(tmp_path, "--python", sys.executable)) == 2
    assert "only on Python >= 3.12" in capsys.readouterr().out


def test_run_hint_names_an_expectations_file_that_exists() -> None:
    for release in ("0.10.3", "0.12.8"):
        hint = env_cmd.run_hint(release, Path("bin/nnxspec"))
        path = Path(hint.split("--expect ")[1])
        assert (path if path.is_absolute() else Path.cwd() / path).is_file()
    assert "--expect" not in env_cmd.run_hint("0.0.1", Path("bin/nnxspec"))


# --- nnxspec history
# -------------------------------------------------------------------------------


def _results(folder: Path, version: str, statuses: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    laws = [
        {"id": k.split("@")[0], "backend": ([*k.split("@"), None])[1], "status": v}
        for k, v in statuses.items()
    ]
    (folder / "results.json").write_text(
        json.dumps({"target": "flax", "target_version": version, "laws": laws})
    )
    return folder


def test_history_names_the_release_that_breaks_and_the_one_that_fixes(tmp_path: Path) -> None:
    runs = history_cmd.load_runs(
        [
            _results(tmp_path / "c", "0.12.8", {"RT-1": "pass", "IT-1": "pass", "UCTX-6": "xfail"}),
            _results(tmp_path / "a", "0.10.3", {"RT-1": "pass", "IT-1": "xfail", "UCTX-6": "pass"}),
            _results(tmp_path / "b", "0.11.2", {"RT-1": "pass", "IT-1": "fail", "UCTX-6": "xfail"}),
        ]
    )
    assert [r.version for r in runs] == ["0.10.3", "0.11.2", "0.12.8"]
    found = history_cmd.changes(runs)
    assert found["RT-1"] == []
    assert [(c.kind, c.release) for c in found["IT-1"]] == [("fixed", "0.12.8")]
    assert [(c.kind, c.release) for c in found["UCTX-6"]] == [("breaks", "0.11.2")]
    text = history_cmd.history_markdown(runs)
    assert "| IT-1 |" in text and "| UCTX-6 |" in text and "| RT-1 |" not in text


def test_history_orders_releases_numerically() -> None:
    assert sorted(["0.12.12", "0.12.8", "0.10.0"], key=history_cmd.release_key) == [
        "0.10.0",
        "0.12.8",
        "0.12.12",
    ]


def test_history_of_the_committed_results_runs() -> None:
    folders = sorted((ROOT / "results").glob("flax-*"))
    runs = history_cmd.load_runs(folders)
    assert len(runs) == len(folders) >= 2
    assert history_cmd.history_markdown(runs).startswith("## Release history")


# --- nnxspec bisect
# --------------------------------------------------------------------------------


def test_releases_between_is_inclusive_and_numeric() -> None:
    known = ["0.10.3", "0.10.4", "0.10.10", "0.11.0", "0.12.8"]
    assert bisect_cmd.releases_between("0.10.4", "0.11.0", known) == ["0.10.4", "0.10.10", "0.11.0"]
    with pytest.raises(ValueError):
        bisect_cmd.releases_between("0.12.8", "0.10.3", known)
    with pytest.raises(ValueError):
        bisect_cmd.parse_range("0.10.3-0.12.8")


RELEASES = [f"0.10.{i}" for i in range(8)] + ["0.11.0", "0.11.1", "0.11.2"]


@pytest.mark.parametrize("change_at", range(1, len(RELEASES)))
def test_bisect_finds_the_first_release_that_changes_with_few_runs(change_at: int) -> None:
    ran: list[str] = []

    def fake(release: str) -> str:
        ran.append(release)
        return "fail" if RELEASES.index(release) >= change_at else "pass"

    result = bisect_cmd.bisect("UCTX-6", RELEASES, fake)
    assert result.first_change == RELEASES[change_at]
    assert len(ran) == len(set(ran)) <= 2 + (len(RELEASES) - 1).bit_length()
    assert f"first change in {RELEASES[change_at]}" in result.lines()[-1]


def test_bisect_reports_no_change_and_linear_mode_runs_everything() -> None:
    ran: list[str] = []

    def fake(release: str) -> str:
        ran.append(release)
        return "fail" if release == "0.10.4" else "pass"

    assert bisect_cmd.bisect("IT-1", RELEASES, fake).first_change is None
    assert "no change" in bisect_cmd.bisect("IT-1", RELEASES, fake).lines()[-1]
    ran.clear()
    result = bisect_cmd.bisect("IT-1", RELEASES, fake, linear=True)
    assert result.first_change == "0.10.4" and sorted(ran) == sorted(RELEASES)


def test_bisect_command_uses_the_pinned_releases(capsys: pytest.CaptureFixture[str]) -> None:
    p = argparse.ArgumentParser()
    bisect_cmd._configure(p)
    args = p.parse_args(["UCTX-6", "--releases", "0.10.3..0.11.0"])
    assert (
        bisect_cmd.run(
            args, status_of=lambda r: "fail" if history_cmd.release_key(r) >= (0, 10, 6) else "pass"
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "first change in 0.10.6: pass in 0.10.5 -> fail in 0.10.6" in out
    assert bisect_cmd.run(p.parse_args(["NO-SUCH-1", "--releases", "0.10.3..0.11.0"])) == 2


def test_env_runner_reuses_an_environment_and_reads_the_law_status(tmp_path: Path) -> None:
    calls: list[list[str]] = []
    folder = tmp_path / "flax-0.10.6"
    folder.mkdir()
    (folder / "nnxspec-env.json").write_text("{}")

    def call(cmd: list[str]) -> int:
        calls.append(cmd)
        report = Path(cmd[cmd.index("--report") + 1])
        _results(report, "0.10.6", {"UCTX-6": "fail", "UCTX-60": "pass"})
        return 1

    runner = bisect_cmd.EnvRunner("UCTX-6", envs=tmp_path, profile="dev", source=None, call=call)
    assert runner("0.10.6") == "fail"
    assert len(calls) == 1 and calls[0][0] == str(folder / "bin" / "nnxspec")
    assert "[UCTX-6] or [UCTX-6-" in calls[0]


def test_env_runner_builds_a_missing_environment(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def call(cmd: list[str]) -> int:
        calls.append(cmd)
        return 1  # the build fails: the release's status is an error, not a law outcome

    runner = bisect_cmd.EnvRunner("UCTX-6", envs=tmp_path, profile="dev", source=ROOT, call=call)
    assert runner("0.10.5") == "error"
    assert calls[0][3:6] == ["env", "flax==0.10.5", str(tmp_path / "flax-0.10.5")]


# --- CI -------------------------------------------------------------------------------------


def test_python_ends_skips_a_missing_interpreter_without_failing(tmp_path: Path) -> None:
    import os
    import subprocess

    env = {**os.environ, "PYENV_ROOT": str(tmp_path), "PYTHON_ENDS": "3.98:0.4.38 3.99:"}
    out = subprocess.run(
        ["bash", str(ROOT / ".ci" / "python-ends.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert (
        "skipped: Python 3.98 not found" in out.stdout
        and "skipped: Python 3.99 not found" in out.stdout
    )


def test_ci_checks_the_seed_era_and_newest_columns_and_leaves_the_matrix_to_its_script() -> None:
    # .ci/run checks the seed-era release and the newest; the rest is .ci/matrix.sh's job
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f'NNXSPEC_FRESH_VERSIONS="0.10.3 {MATRIX[-1]}"' in run and "python-ends.sh" in run
    matrix = (ROOT / ".ci" / "matrix.sh").read_text(encoding="utf-8")
    for release in MATRIX:
        assert release in matrix
        assert (ROOT / "spec" / "targets" / "expectations" / f"flax-{release}.toml").is_file()
