"""Plain-API reproducers: every step writer's script runs standalone (no nnxspec import), holds on
the reference, and fails with its law's message on a reference with the bug the law is about."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spec.laws import Case, law_by_id
from spec.target import Target
from strategies import reproducer
from strategies._plain_steps import STEPS, NoPlainStep, plain_step

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "spec" / "law_examples"
VECTORS = sorted((ROOT / "results").glob("flax-*/vectors/*.json"))

RUNNER = """
import json, runpy, sys, traceback
sys.modules["spec"] = sys.modules["strategies"] = None  # a script that imports nnxspec fails
PATCHES = {patches}
for path in sys.argv[1:]:
    import reference
    saved = dict(vars(reference))
    exec(PATCHES.get(path, ""), {{"reference": reference}})
    try:
        runpy.run_path(path, run_name="__main__")
        print(json.dumps([path, "ok", ""]))
    except AssertionError as e:
        print(json.dumps([path, "assert", str(e)]))
    except BaseException as e:
        print(json.dumps([path, "error", traceback.format_exc()[-1500:]]))
    for k, v in saved.items():
        setattr(reference, k, v)
"""


def _run(
    scripts: dict[str, str], tmp_path: Path, patches: dict[str, str] | None = None
) -> dict[str, tuple[str, str]]:
    """Run each script (name -> source) as __main__ in one interpreter (one jax import); return
    name -> (outcome, message).  ``patches`` (name -> code over ``reference``) breaks the
    reference for one script."""
    paths = {}
    for name, text in scripts.items():
        path = tmp_path / f"{name}.py"
        path.write_text(text)
        paths[str(path)] = name
    by_path = {str(tmp_path / f"{n}.py"): code for n, code in (patches or {}).items()}
    runner = tmp_path / "run_all.py"
    runner.write_text(RUNNER.format(patches=repr(by_path)))
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, str(runner), *paths],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    out: dict[str, tuple[str, str]] = {}
    for line in proc.stdout.splitlines():
        if line.startswith("["):
            path, outcome, message = json.loads(line)
            out[paths[path]] = (outcome, message)
    assert len(out) == len(scripts), proc.stderr[-3000:]
    return out


def _small(case: Case) -> Case:
    return dataclasses.replace(case, scale=0.01) if case.scale >= 0.5 else case


def _cases() -> dict[str, Case]:
    """A case per law with a step writer: a committed flax vector's, else a law example's."""
    cases: dict[str, Case] = {}
    for path in VECTORS:
        data = json.loads(path.read_text())
        if data["law"] in STEPS:
            cases.setdefault(data["law"], Case.from_data(data["case"]))
    for law_id in STEPS:
        example = EXAMPLES / f"{law_id}.json"
        if law_id not in cases and example.exists():
            data = json.loads(example.read_text())
            cases[law_id] = Case.from_data((data["fail"] or data["pass"])[0]["case"])
    return {k: _small(v) for k, v in sorted(cases.items())}


def test_every_step_writer_has_a_case_to_check() -> None:
    assert set(_cases()) == set(STEPS)


def test_scripts_are_plain_and_hold_on_the_reference(
    reference_target: Target, tmp_path: Path
) -> None:
    scripts = {}
    for law_id, case in _cases().items():
        text = reproducer(case, law_by_id(law_id), reference_target)
        assert "import reference as nnx" in text
        for word in ("import spec", "from spec", "strategies", "nnxspec import"):
            assert word not in text.replace("written by nnxspec", ""), (law_id, word)
        compile(text, law_id, "exec")
        scripts[law_id] = text
    results = _run(scripts, tmp_path)
    bad = {k: v for k, v in results.items() if v[0] != "ok"}
    assert not bad, bad


BREAKS = {
    "IT-1": "f = reference.iter_graph\nreference.iter_graph = lambda x: reversed(list(f(x)))\n",
    "RT-5": "f = reference.merge\nreference.merge = lambda gd, s, *rest: f(gd, s)\n",
    "UPD-5": "reference.update = lambda x, *states: None\n",
    "POP-1": "reference.pop = lambda x, *fs: reference.state(x, *fs)\n",
    "ERR-6": (
        "class GD:\n    def __hash__(self):\n        raise TypeError('unhashable')\n"
        "reference.graphdef = lambda x: GD()\n"
    ),
    "ERR-17": (  # from_flat_path lets a later path overwrite an earlier leaf
        "def overwriting(cls, pairs):\n"
        "    root = {}\n"
        "    for path, leaf in pairs:\n"
        "        level = root\n"
        "        for key in path[:-1]:\n"
        "            if type(level.get(key)) is not dict:\n"
        "                level[key] = {}\n"
        "            level = level[key]\n"
        "        level[path[-1]] = leaf\n"
        "    return reference.State(root)\n"
        "reference.State.from_flat_path = classmethod(overwriting)\n"
    ),
    "SURF-6": (  # train / eval / set_attributes miss the Modules held in lists and dicts
        "def shallow(self, *filters, raise_if_not_found=True, **attributes):\n"
        "    for name, value in attributes.items():\n"
        "        if hasattr(self, name):\n"
        "            setattr(self, name, value)\n"
        "reference.Module.set_attributes = shallow\n"
    ),
    "PT-5": (  # list, tuple and dict are not node types (flax 0.10.0)
        "import sys\n"
        "registry = sys.modules['reference._registry']\n"
        "reference.is_node_type = lambda t: t in registry.GRAPH_REGISTRY\n"
    ),
    "VAR-2": (  # replace writes the new metadata into its source too (flax 0.10.3)
        "replace = reference.Variable.replace\n"
        "def writing_replace(self, *args, **metadata):\n"
        "    self.__dict__.update(metadata)\n"
        "    return replace(self, *args, **metadata)\n"
        "reference.Variable.replace = writing_replace\n"
    ),
    "UCTX-4": (  # merge contexts that keep every node they merged
        "import contextlib\n"
        "kept, merge_context = [], reference.merge_context\n"
        "class Keeping:\n"
        "    def __init__(self, m):\n        self.m = m\n"
        "    def merge(self, *args):\n        kept.append(self.m.merge(*args))\n"
        "        return kept[-1]\n"
        "@contextlib.contextmanager\n"
        "def keeping(*args):\n    with merge_context(*args) as m:\n        yield Keeping(m)\n"
        "reference.merge_context = keeping\n"
    ),
}
"""A bug per law (code over ``reference``, run before the script): the script must fail."""


def test_scripts_fail_with_the_laws_message_on_a_broken_reference(
    reference_target: Target, tmp_path: Path
) -> None:
    cases = _cases()
    scripts = {k: reproducer(cases[k], law_by_id(k), reference_target) for k in BREAKS}
    results = _run(scripts, tmp_path, patches=BREAKS)
    for law_id, (outcome, message) in results.items():
        assert outcome == "assert" and message.startswith(f"{law_id}: "), (law_id, outcome, message)


def test_a_law_without_a_writer_has_no_plain_step() -> None:
    law = law_by_id("ROB-12")
    assert law.id not in STEPS  # sanity check: the update-context calls need the harness
    case = _cases()["POP-2"]
    with pytest.raises(NoPlainStep):
        plain_step(case, law)


def test_an_adapter_of_another_module_gets_scripts_for_that_module(tmp_path: Path) -> None:
    """A fork (here: the reference under another name) adapted through ``NNXTarget`` with the
    default ``reproducer_import`` gets scripts importing the fork, which run beside it."""
    import importlib

    from spec.targets._nnx import NNXTarget

    (tmp_path / "myfork.py").write_text("from reference import *  # noqa: F403\n")
    sys.path.insert(0, str(tmp_path))
    try:
        fork = importlib.import_module("myfork")
        target = NNXTarget(fork)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("myfork", None)
    text = reproducer(_cases()["POP-2"], law_by_id("POP-2"), target)
    assert "import myfork as nnx" in text and "import reference" not in text
    script = tmp_path / "repro.py"
    script.write_text(text)
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "JAX_PLATFORMS": "cpu", "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    assert proc.returncode == 0 and "POP-2 holds" in proc.stdout, proc.stderr[-2000:]


def test_a_step_compares_the_metadata_names_its_inputs_carry() -> None:
    """update(x, s) with a leaf without the metadata its Variable has: the expected graph has no
    metadata, but the script must still compare the name, or an update that keeps stale
    metadata passes it."""
    import dataclasses

    from spec import semantics
    from strategies._plain_steps import _model, _update_step

    m = _model(_cases()["ERR-1"])
    flat = semantics.state(m)  # the leaves without metadata
    noted = dataclasses.replace(m.variables[0], metadata=(("note", "old"),))
    with_note = dataclasses.replace(m, variables=(noted, *m.variables[1:]))
    step = _update_step("UPD-7", with_note, flat, "update(x, state without the note)")
    assert "snapshot(x, ('note',))" in step, step
