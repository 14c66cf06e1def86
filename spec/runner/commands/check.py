"""``nnxspec check``: run the conformance suite through pytest and print the results table.

The suite runs in this process through ``pytest.main`` on ``spec.runner.suite`` (with xdist for
``-n``), isolated from any project configuration (``-c`` an empty file).  By default pytest's own
output is held back: the command prints the run's header line, the table (law, area, backend,
status, examples, seconds, and the n/a reason, the error or the counterexample) and the closing
line, which counts every selected law once::

    90 passed, 3 failed, 6 n/a, 1 error

``-v`` also shows pytest's progress and the failures' tracebacks, ``-vv`` one line per law.  Exit
status 0 iff nothing failed unexpectedly and no law ended in ``error`` (5 when ``-k`` selects no
law; 4 for a usage error, such as an unknown target or backend).

Examples::

    nnxspec check
    nnxspec check --target flax --profile ci -n auto --report results/flax
    nnxspec check --target myadapter:MyTarget -k "RT- or ST-" -v
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

from spec.runner import report
from spec.runner.commands import Command, register
from spec.runner.plugin import load_arguments
from spec.runner.profiles import PROFILES

__all__ = ["pytest_arguments", "run"]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--target", help="reference (default), flax, an nnxspec.targets entry point, or module:attr"
    )
    p.add_argument("--profile", choices=tuple(PROFILES), help="Hypothesis profile (default: dev)")
    p.add_argument(
        "--report",
        type=Path,
        metavar="DIR",
        help="write results.json, results.md and vectors to DIR",
    )
    p.add_argument(
        "-n", dest="workers", metavar="N", help="run on N xdist workers ('auto' for one per core)"
    )
    p.add_argument(
        "-k",
        dest="keyword",
        metavar="EXPR",
        help="select laws by pytest keyword expression, e.g. '[RT-1]' or 'JIT- or BE-'",
    )
    p.add_argument(
        "--expect", type=Path, metavar="FILE", help="the target's expectations file (TOML)"
    )
    p.add_argument(
        "--backends",
        metavar="B",
        help="comma-separated jax backends (default: all present, cpu included)",
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="show pytest's progress and tracebacks (-vv: one line per law)",
    )
    p.add_argument(
        "pytest_args", nargs=argparse.REMAINDER, help="after '--': more pytest arguments"
    )


def pytest_arguments(args: argparse.Namespace, report_dir: Path) -> list[str]:
    """Return the pytest command line that ``nnxspec check`` runs."""
    import spec

    root = Path(spec.__file__).resolve().parent.parent
    # --noconftest: the run must not depend on where it is started; a conftest.py in the working
    # directory's tree (this repository's tests/ among them) would be imported, its folder put first
    # on sys.path, and a folder there named like the target's package (tests/reference) would
    # shadow an editable install of it as an empty namespace package.
    out = [
        "--pyargs",
        "spec.runner.suite",
        "-c",
        os.devnull,
        "--rootdir",
        str(root),
        "--noconftest",
        "-p",
        "no:cacheprovider",
        "--tb=short",
        "--no-header",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        "--nnxspec-summary=none",
        "--nnxspec-report",
        str(report_dir),
    ]
    out[0:0] = load_arguments()
    for option, value in (
        ("target", args.target),
        ("profile", args.profile),
        ("backends", args.backends),
        ("expect", args.expect),
    ):
        if value is not None:
            out += [f"--nnxspec-{option}", str(value)]
    if args.keyword:
        out += ["-k", args.keyword]
    if args.workers not in (None, "0"):
        out += ["-n", str(args.workers), "--dist", "worksteal"]  # a few laws take most of the time
    out += ["-v"] * max(0, args.verbose - 1)
    extra = list(args.pytest_args or [])
    return out + (extra[1:] if extra[:1] == ["--"] else extra)


def run(args: argparse.Namespace) -> int:
    if args.workers not in (None, "0"):
        from importlib.util import find_spec

        if find_spec("xdist") is None:
            print("nnxspec check: -n needs pytest-xdist (pip install pytest-xdist)")
            return 4
    temporary = args.report is None
    folder = Path(tempfile.mkdtemp(prefix="nnxspec-report-")) if temporary else args.report
    try:
        return _check(args, folder)
    finally:
        if temporary and not (folder / "vectors").is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def _check(args: argparse.Namespace, folder: Path) -> int:
    status, held = _pytest(pytest_arguments(args, folder), quiet=args.verbose == 0)
    usage_error = status == 4  # pytest's: a bad -k expression, an unknown option
    if usage_error or not (folder / "results.json").is_file():
        problems = _problems(held)
        for line in problems or [f"the run wrote no results (pytest exit status {status})"]:
            print(f"nnxspec check: {line}")
        if not problems and held:
            print(held.rstrip()[-3000:])
        return status or 3
    results = report.read(folder)
    if args.verbose:
        print()
    print(
        f"nnxspec check: {results.target} {results.target_version} "
        f"({args.target or 'reference'}) · "
        f"profile {results.profile} · backends {', '.join(results.backends)} · jax {results.jax}"
    )
    if results.records:
        print(report.table(results))
        for line in _failure_lines(folder, results):
            print(line)
    for warning in results.warnings:
        print(f"warning: {warning}")
    bad = any(r.status in ("fail", "error") for r in results.records)
    if (folder / "vectors").is_dir():
        print(
            f"counterexample vectors are in {folder / 'vectors'}; replay one with 'nnxspec replay "
            "PATH', draw one with 'nnxspec show PATH'"
            + ("" if args.report is not None else " (a temporary folder: --report DIR keeps them)")
        )
    if status == 5 or not results.records:
        print("nnxspec check: no law was selected ('nnxspec laws' lists them)")
        return 5
    print(report.closing_line(results.records))
    return 1 if bad or status not in (0, 1, 5) else 0


def _failure_lines(folder: Path, results: report.Results) -> list[str]:
    """One line per law that failed unexpectedly: its id and the first line of its failure, read
    from its counterexample vector (the whole failure: ``nnxspec replay`` / ``show``)."""
    import json

    out = []
    for r in results.records:
        if r.status not in ("fail", "error") or not r.counterexample:
            continue
        try:
            failure = json.loads((folder / r.counterexample).read_text(encoding="utf-8"))["failure"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        text = str(failure.get("message") or failure.get("diff") or "").strip()
        if text:
            first = text.splitlines()[0]
            kind = failure.get("type") or "failure"
            out.append(f"{r.id}{'' if r.backend is None else f' [{r.backend}]'}: {kind}: {first}")
    return (["", "why (first line; the whole failure: nnxspec show PATH):", *out]) if out else []


def _pytest(arguments: list[str], *, quiet: bool) -> tuple[int, str]:
    """Run pytest; with ``quiet`` hold back everything it prints and return it."""
    import pytest

    if not quiet:
        return int(pytest.main(arguments)), ""
    held = io.StringIO()
    with contextlib.redirect_stdout(held), contextlib.redirect_stderr(held):
        status = int(pytest.main(arguments))
    return status, held.getvalue()


def _problems(output: str) -> list[str]:
    """pytest's one-line errors (``ERROR: ...``, a usage error) in its held-back output."""
    out = []
    for line in output.splitlines():
        if line.startswith("ERROR: "):
            text = line[len("ERROR: ") :].strip()
            out.append(text[len("nnxspec: ") :] if text.startswith("nnxspec: ") else text)
    return out


register(
    Command(
        name="check",
        help="run the conformance suite against a target and print the results table",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)
