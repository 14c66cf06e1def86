"""Every command README.md shows runs: README claims cannot drift from behaviour.

``readme_commands()`` collects each command of the README's ``bash`` blocks and each inline
``nnxspec ...`` / ``pytest ...`` span; ``HOW`` says how this test runs each one, and the first
test fails when the README shows a command ``HOW`` does not know (or ``HOW`` keeps one the README
dropped).  Fast commands run exactly as shown (placeholders such as ``VECTOR`` or ``A B`` filled
with real files); long ones run with a smaller selection, which ``HOW`` states per command:

* ``nnxspec check`` (every law, dev profile) runs as ``-k "RT-1 or BE-1"``; its flax, adapter and
  report variants likewise with a few laws, flax's only where flax is importable;
* ``pytest -n auto`` (this very suite) runs as ``pytest --collect-only``;
* ``nnxspec env`` runs with ``--dry-run``; ``nnxspec bisect`` (which builds flax environments)
  with ``--help``; ``nnxspec bench`` with ``--quick`` on one small shape
  and two operations of the reference; ``nnxspec mutants`` on one mutant (``--only``) under the
  dev profile; ``nnxspec typecheck --target T`` on the reference;
* commands that write the repository's own files (``> CONFORMANCE.md``, ``--output SPEC.md``,
  ``--report results/...``) write to a temporary folder instead.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
POP2 = "results/flax-0.10.3/vectors/POP-2.json"
NNX = [sys.executable, "-m", "spec.runner"]
Run = tuple[list[str], tuple[int, ...]]
"""argv (``{tmp}`` is the test's temporary folder) and the exit statuses that mean "works"."""


def readme_commands() -> list[str]:
    """The commands README.md shows, once each, in order."""
    text = README.read_text(encoding="utf-8")
    found: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line:
                found.append(re.sub(r"\s+", " ", line))
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    found += [
        s.strip()
        for s in re.findall(r"`([^`\n]+)`", prose)
        if s.startswith(("nnxspec ", "pytest "))
    ]
    return list(dict.fromkeys(found))


def _check(*extra: str) -> list[str]:
    return [*NNX, "check", *extra]


SMALL = ["-k", "RT-1 or BE-1"]
HOW: dict[str, Run | str] = {
    'pip install -e ".[test]" && nnxspec check': (_check(*SMALL), (0,)),
    "pytest -n auto": (
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "auto",
            "--collect-only",
            "-q",
            str(ROOT / "tests" / "spec"),
        ],
        (0,),
    ),
    "nnxspec check": (_check(*SMALL), (0,)),
    "nnxspec check --target flax --profile ci": "flax",
    "nnxspec check --target mypkg.adapters:MyTarget": (
        _check("--target", "spec.targets.reference:ReferenceTarget", "-k", "RT-1"),
        (0,),
    ),
    'nnxspec check -n 2 -k "UCTX or JIT" --report out/ --expect my-known-failures.toml': (
        _check(
            "-n",
            "2",
            "-k",
            "UCTX-1 or JIT-1",
            "--report",
            "{tmp}/out",
            "--expect",
            "{tmp}/my-known-failures.toml",
        ),
        (0,),
    ),
    "nnxspec env flax==0.10.3 .venvs/flax-0.10.3": (
        [*NNX, "env", "flax==0.10.3", "{tmp}/flax-0.10.3", "--dry-run"],
        (0,),
    ),
    ".venvs/flax-0.10.3/bin/nnxspec check --target flax --profile ci --expect "
    "spec/targets/expectations/flax-0.10.3.toml "
    "--report results/flax-0.10.3": "venv",
    "nnxspec conformance results/reference results/flax-0.10.3 results/flax-0.12.8 --section "
    "results/typing.md > CONFORMANCE.md": (
        [
            *NNX,
            "conformance",
            "results/reference",
            "results/flax-0.10.3",
            "results/flax-0.12.8",
            "--section",
            "results/typing.md",
            "--output",
            "{tmp}/CONFORMANCE.md",
        ],
        (0,),
    ),
    "nnxspec report results/flax-0.10.3/vectors/POP-2.json": (
        [*NNX, "report", POP2, "--target", "reference"],
        (0,),
    ),
    "nnxspec reproduce results/flax-0.10.3/vectors/POP-2.json --target reference": (
        [*NNX, "reproduce", POP2, "--target", "reference"],
        (0,),
    ),
    "nnxspec diff tests.examples.retrace:before tests.examples.retrace:after": (
        [*NNX, "diff", "tests.examples.retrace:before", "tests.examples.retrace:after"],
        (1,),
    ),
    "nnxspec laws --markdown": ([*NNX, "laws", "--markdown"], (0,)),
    "nnxspec laws [--markdown]": ([*NNX, "laws"], (0,)),
    "nnxspec laws --markdown --output SPEC.md": (
        [*NNX, "laws", "--markdown", "--output", "{tmp}/SPEC.md"],
        (0,),
    ),
    "nnxspec diff": ([*NNX, "diff", "--help"], (0,)),
    "nnxspec diff A B": ([*NNX, "diff", POP2, "results/flax-0.10.3/vectors/IT-1.json"], (0, 1)),
    "nnxspec bench": ([*NNX, "bench", "--help"], (0,)),
    "nnxspec bench --targets reference,flax": (
        [
            *NNX,
            "bench",
            "--targets",
            "reference",
            "--quick",
            "--shapes",
            "mlp-10",
            "--ops",
            "split,merge",
        ],
        (0,),
    ),
    "nnxspec env": ([*NNX, "env", "--help"], (0,)),
    "nnxspec env flax==V DIR": ([*NNX, "env", "flax==0.12.8", "{tmp}/env", "--dry-run"], (0,)),
    "nnxspec replay PATH": ([*NNX, "replay", POP2, "--target", "reference"], (0,)),
    "nnxspec show PATH": ([*NNX, "show", POP2], (0,)),
    "nnxspec show VECTOR [--dot FILE]": ([*NNX, "show", POP2, "--dot", "{tmp}/pop2.dot"], (0,)),
    "nnxspec report VECTOR": ([*NNX, "report", POP2, "--target", "reference"], (0,)),
    "nnxspec reproduce VECTOR": ([*NNX, "reproduce", POP2, "--target", "reference"], (0,)),
    "nnxspec typecheck --target T": ([*NNX, "typecheck", "--target", "reference"], (0,)),
    "nnxspec mutants --profile ci": (
        [*NNX, "mutants", "--profile", "dev", "--only", "forget_noderef"],
        (0,),
    ),
    "nnxspec history": ([*NNX, "history"], (0,)),
    "nnxspec bisect LAW --releases A..B": ([*NNX, "bisect", "--help"], (0,)),
    "nnxspec conformance RESULTS…": (
        [*NNX, "conformance", "results/reference", "results/flax-0.10.3"],
        (0,),
    ),
    "pytest --nnxspec-target reference --nnxspec-profile ci --nnxspec-report out/": (
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--nnxspec-target",
            "reference",
            "--nnxspec-profile",
            "ci",
            "--nnxspec-report",
            "{tmp}/out",
            "-k",
            "RT-1",
            "-q",
        ],
        (0,),
    ),
}
"""README command -> how this test runs it, or why it runs only in some environments
(``"flax"``: where flax is importable; ``"venv"``: where ``.venvs/flax-0.10.3`` exists)."""


def test_every_readme_command_is_checked() -> None:
    shown = readme_commands()
    assert [c for c in shown if c not in HOW] == [], "README shows commands this test does not run"
    assert [c for c in HOW if c not in shown] == [], (
        "this test runs commands README no longer shows"
    )
    assert shown[:2] == ['pip install -e ".[test]" && nnxspec check', "pytest -n auto"], (
        "README's first two commands must be the two that do everything on a fresh machine"
    )


def _flax_importable() -> bool:
    return importlib.util.find_spec("flax") is not None


def _conditional(kind: str) -> Run:
    if kind == "flax":
        if not _flax_importable():
            pytest.skip("flax is not importable in this environment")
        return _check("--target", "flax", "--profile", "ci", "-k", "RT-1"), (0,)
    venv = ROOT / ".venvs" / "flax-0.10.3" / "bin" / "nnxspec"
    if not venv.exists():
        pytest.skip("no .venvs/flax-0.10.3 here (nnxspec env builds it)")
    return (
        [
            str(venv),
            "check",
            "--target",
            "flax",
            "--profile",
            "ci",
            "--expect",
            "spec/targets/expectations/flax-0.10.3.toml",
            "--report",
            "{tmp}/flax-0.10.3",
            "-k",
            "RT-1",
        ],
        (0,),
    )


@pytest.mark.parametrize("command", list(HOW))
def test_readme_command_runs(command: str, tmp_path: Path) -> None:
    how = HOW[command]
    argv, ok = _conditional(how) if isinstance(how, str) else how
    (tmp_path / "my-known-failures.toml").write_text("")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert proc.returncode in ok, (
        f"{command!r} ran as {argv}: exit "
        f"{proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    )
