"""Adapters in three steps, as a user takes them: the worked example of
``tests/examples/fork_adapter`` (a fork of the reference with one bug, and its adapter) run from
its own folder with no PYTHONPATH, and the one-line answers to adapters that are wrong."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from spec.target import Target, TargetError, resolve_target
from spec.targets import NNXTarget

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "fork_adapter"


def _user_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "myproject"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NNXSPEC_TARGET")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_fork_example_fails_the_clone_law_from_its_own_folder(tmp_path: Path) -> None:
    folder = _user_folder(tmp_path)
    done = _run(
        folder,
        "-m",
        "spec.runner",
        "check",
        "--target",
        "myfork_adapter:MyForkTarget",
        "--profile",
        "ci",
        "-k",
        "[CL-2] or [RT-1]",
        "--report",
        "report",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(
        "nnxspec check: myfork 0.1.0 (myfork_adapter:MyForkTarget) · profile ci"
    )
    assert lines[-1] == "1 passed, 1 failed"
    assert any(line.startswith("CL-2 ") and " FAIL " in line for line in lines)
    vector = json.loads((folder / "report" / "vectors" / "CL-2.json").read_text(encoding="utf-8"))
    assert vector["target"]["spec"] == "myfork_adapter:MyForkTarget"
    replayed = _run(folder, "-m", "spec.runner", "replay", "report/vectors/CL-2.json")
    assert replayed.returncode == 0 and "ok   CL-2 on myfork 0.1.0: fail" in replayed.stdout, (
        replayed.stdout
    )
    # the reproducer runs on its own from the user's folder (its own folder is not where the
    # fork imports from) and fails with the law's message
    script = _run(folder, "report/vectors/CL-2.py")
    assert script.returncode == 1, script.stdout + script.stderr
    assert "clone(x) shares a graph node with x" in script.stdout + script.stderr


def test_plain_reproducers_of_a_local_library_import_it_from_the_current_folder() -> None:
    sys.path.insert(0, str(EXAMPLE))
    try:
        t = resolve_target("myfork_adapter:MyForkTarget")
    finally:
        sys.path.remove(str(EXAMPLE))
    prelude = t.reproducer_prelude()
    assert "sys.path.insert(0, os.getcwd())" in prelude
    assert prelude.index("os.getcwd()") < prelude.index("import myfork as nnx")
    assert "os.getcwd()" not in resolve_target("reference").reproducer_prelude()


def test_plain_pytest_finds_the_adapter_in_the_current_folder(tmp_path: Path) -> None:
    folder = _user_folder(tmp_path)
    done = _run(
        folder,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nnxspec-target",
        "myfork_adapter:MyForkTarget",
        "-k",
        "[RT-1]",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


class NotATarget:
    pass


class NoInit(NNXTarget):
    name = "no-init"


class HalfTarget(Target):
    name = "half"


class Nameless(NNXTarget):
    def __init__(self) -> None:
        super().__init__(types.ModuleType("mylib"))


@pytest.mark.parametrize(
    ("attr", "message"),
    [
        ("NotATarget", "is the class NotATarget, which is not a subclass of spec.target.Target"),
        (
            "NoInit",
            "NoInit() failed: TypeError: NNXTarget.__init__() missing 1 required positional "
            "argument: 'nnx' (an adapter is built with no arguments",
        ),
        ("HalfTarget", "lacks the Target members "),
        ("Nameless", "Nameless: mylib lacks Module, Variable"),
        ("nothing_here", "has no attribute 'nothing_here'"),
    ],
)
def test_a_wrong_adapter_gets_one_line_saying_what_is_missing(attr: str, message: str) -> None:
    with pytest.raises(TargetError) as caught:
        resolve_target(f"{__name__}:{attr}")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_nnx_module_missing_names_is_named() -> None:
    with pytest.raises(
        TargetError, match=r"Nameless: mylib lacks Module, Variable, Param, State, split"
    ):
        Nameless()


def test_check_with_a_wrong_adapter_prints_one_line(tmp_path: Path) -> None:
    folder = _user_folder(tmp_path)
    (folder / "bad_adapter.py").write_text(
        "from spec.targets import NNXTarget\n\nclass Bad(NNXTarget):\n    name = 'bad'\n",
        encoding="utf-8",
    )
    done = _run(folder, "-m", "spec.runner", "check", "--target", "bad_adapter:Bad")
    assert done.returncode == 4
    assert done.stdout.splitlines() == [
        "nnxspec check: bad_adapter:Bad() failed: TypeError: NNXTarget.__init__() missing 1 "
        "required "
        "positional argument: 'nnx' (an adapter is built with no arguments: give it an "
        "__init__(self) "
        "that calls super().__init__(...) with what the base class needs, e.g. the nnx module)"
    ]
    assert "INTERNALERROR" not in done.stdout + done.stderr
