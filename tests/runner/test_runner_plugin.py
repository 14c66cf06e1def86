"""The pytest plugin is inert unless asked, and prints its header when it is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from spec.runner import profiles
from spec.runner.plugin import load_arguments

ROOT = Path(__file__).resolve().parents[2]

PLAIN_TEST = """
def test_plain():
    assert 1 + 1 == 2
"""


def run_pytest(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_plain.py").write_text(PLAIN_TEST, encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NNXSPEC_")}
    environ["PYTHONPATH"] = str(ROOT)
    environ.update(env or {})
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *load_arguments(),
            "-p",
            "no:cacheprovider",
            "-c",
            os.devnull,
            "--rootdir",
            str(tmp_path),
            str(tmp_path / "test_plain.py"),
            *args,
        ],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_plugin_does_nothing_in_an_ordinary_run(tmp_path: Path) -> None:
    done = run_pytest(tmp_path)
    assert done.returncode == 0, done.stdout
    assert not [line for line in done.stdout.splitlines() if line.startswith("nnxspec")]
    assert "nnxspec results" not in done.stdout
    assert "1 passed" in done.stdout


def test_the_target_option_activates_it_and_adds_the_suite(tmp_path: Path) -> None:
    done = run_pytest(
        tmp_path,
        "--nnxspec-target",
        "reference",
        "--nnxspec-backends",
        "cpu",
        "--nnxspec-profile",
        "ci",
        "-k",
        "plain or [RT-1]",
    )
    assert done.returncode == 0, done.stdout
    assert "2 passed" in done.stdout  # the plain test and the suite's RT-1
    table = done.stdout.split("nnxspec results")[1].splitlines()
    rows = [line.split() for line in table if line.startswith(("law ", "RT-1 "))]
    assert [r[:5] for r in rows] == [
        ["law", "area", "backend", "status", "examples"],
        ["RT-1", "round", "trip", "-", "pass"],
    ]
    # the law's own examples, then at most the scale floor's top-up
    own, floor = profiles.examples_for("ci", 1.0), profiles.scale_floor("ci", 1.0)
    assert own <= int(rows[1][5]) <= own + floor
    header = [line for line in done.stdout.splitlines() if line.startswith("nnxspec: ")]
    assert header[0].startswith("nnxspec: target reference ")
    assert header[0].endswith("· profile ci")
    assert header[1].startswith("nnxspec: jax ") and "jaxlib" in header[1] and "numpy" in header[1]
    assert "hypothesis" in header[1]
    assert header[2].startswith("nnxspec: backends cpu [")


def test_the_environment_activates_it_and_a_bad_profile_is_a_usage_error(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, env={"NNXSPEC_TARGET": "reference", "NNXSPEC_PROFILE": "nope"})
    assert done.returncode == 4
    assert "unknown profile 'nope'" in done.stderr
