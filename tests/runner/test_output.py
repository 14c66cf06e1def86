"""What the command line prints: help texts keep their layout, and the product never speaks of
its tracker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spec.runner import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("command", "line"),
    [
        ("bench", "    nnxspec bench --targets reference,flax --quick"),
        ("check", "    nnxspec check --target flax --profile ci -n auto --report results/flax"),
        ("typecheck", "    nnxspec typecheck --target flax --python .venvs/flax-0.12.8/bin/python"),
    ],
)
def test_help_keeps_the_examples_layout(
    command: str, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    assert line in capsys.readouterr().out.splitlines()


def test_typecheck_help_describes_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["typecheck", "--help"])
    out = capsys.readouterr().out
    assert "only registers" not in out
    assert "scored per case file" in out


TRACKER = re.compile(r"\b[Ii]ssues? #?[0-9]+|(?<![\w/\"'])#[0-9]+\b")


def test_the_product_never_speaks_of_its_tracker() -> None:
    """No issue numbers, spelled out or hash-numbered, in the packages, the generated documents
    or the tests (an upstream project's pull request, "flax PR" and its number, is a citation,
    not a tracker reference)."""
    files = [
        p
        for folder in ("spec", "strategies", "reference", "tests", "typings")
        for p in (ROOT / folder).rglob("*")
        if p.suffix in (".py", ".md", ".toml", ".txt", ".pyi")
    ]
    files += [ROOT / name for name in ("BENCHMARKS.md", "SPEC.md", "CONFORMANCE.md", "README.md")]
    found = []
    for path in files:
        if "vectors" in path.parts or not path.is_file():
            continue
        for n, text in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        ):
            for m in TRACKER.finditer(text):
                if (
                    "flax" in text[max(0, m.start() - 30) : m.start()]
                    or "PR " in text[max(0, m.start() - 4) : m.start()]
                ):
                    continue
                found.append(f"{path.relative_to(ROOT)}:{n}: {m.group(0)}")
    assert found == []


def test_plain_pytest_calls_a_law_that_does_not_apply_n_a(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "NNXSPEC_TARGET"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-rA",
            "--nnxspec-target",
            "reference",
            "-k",
            "[ST-5]",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        done.stdout.splitlines()[-1].startswith("=") and " 1 n/a " in done.stdout.splitlines()[-1]
    )
    assert "skipped" not in done.stdout.lower()
