"""Reproducers: the printed graph, filters and program rebuild exactly what the spec builds,
and whole scripts run standalone against the reference target."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import spec.filters as F
from spec.blueprint import Blueprint, Key, NodeSpec, ToNode, ToStatic, ToVar, Unhashable, VarSpec
from spec.build import blueprint_model
from spec.laws import Case, law_by_id
from spec.laws._registry import Law
from spec.model import Model, diff, observe
from spec.program import (
    TRANSFORMS,
    AddVariable,
    Alias,
    PointToAncestor,
    Program,
    SetStatic,
    TransformValues,
)
from spec.semantics import apply, state_groups
from spec.target import Target
from strategies import (
    FEATURES,
    cases,
    filters_source,
    graph_features,
    graph_source,
    program_source,
    reproducer,
)
from strategies._reproducers import CALLABLE_SOURCES, TRANSFORM_SOURCES

ROOT = Path(__file__).resolve().parents[2]
FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None)

STEP = """\
import pickle
import sys

from spec.model import observe
from spec.targets.reference import ReferenceTarget

t = ReferenceTarget()
run_program(x)
groups = nnx.state(x, *fs)
groups = groups if len(fs) >= 2 else (groups,)
paths = [sorted((tuple(p) for p, _ in t.flat_state(g)), key=repr) for g in groups]
seen_other = observe(t, other) if "other" in globals() else None
sys.stdout.write(pickle.dumps((observe(t, x), paths, seen_other)).hex())
"""
"""A fake law's step: run the program, take the state with the filters, print what is seen."""

FAKE_LAW = Law(
    id="ST-999",
    area="state contents",
    title="a fake law for reproducer tests",
    statement="-",
    rationale="-",
    seed="-",
    requires=frozenset(),
    inputs=("graph", "filters", "program", "other"),
    check=lambda t, case: None,
    repro=STEP,
)


def _expected(case: Case) -> tuple[Model, list[list[tuple[Key, ...]]], Model | None]:
    m = apply(blueprint_model(case.graph), case.program)
    groups = state_groups(m, case.filters)
    paths = [sorted((p for p, _ in g), key=repr) for g in groups]
    return m, paths, blueprint_model(case.other) if case.other is not None else None


def _run_in_process(t: Target, source: str) -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": "reproducer"}
    exec(compile(t.reproducer_prelude() + source, "<reproducer>", "exec"), namespace)
    return namespace


# --- Pieces ------------------------------------------------------------------------------------


def test_callable_sources_mean_the_spec_callables() -> None:
    assert set(CALLABLE_SOURCES) == set(F.CALLABLES)
    paths = [(), ("a",), ("z",), ("a", 0), (0, "b", "n"), ("m",), (1,)]
    for name, source in CALLABLE_SOURCES.items():
        fn = eval(source)
        assert [fn(p, None) for p in paths] == [F.CALLABLES[name](p) for p in paths], name


@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_transform_sources_mean_the_spec_transforms(dtype: str) -> None:
    assert set(TRANSFORM_SOURCES) == set(TRANSFORMS)
    value = (np.arange(4) % 3).astype(dtype)
    for name, source in TRANSFORM_SOURCES.items():
        namespace: dict[str, object] = {}
        exec(source, namespace)
        got = namespace[name](value)  # type: ignore[operator]
        assert np.array_equal(got, TRANSFORMS[name](value)), name  # type: ignore[arg-type]


def test_graph_source_mirrors_the_build_order() -> None:
    bp = Blueprint(
        (
            NodeSpec("module", (("b", ToNode(1)), ("a", ToVar(0)))),
            NodeSpec("tuple", ((0, ToNode(2)), (1, ToStatic(Unhashable((1, 2)))))),
            NodeSpec("dict", ((3, ToNode(0)), (1, ToStatic("s")))),
        ),
        (VarSpec("UserVariable", (2,), "bool", 3, (("tag", "red"),)),),
    )
    assert graph_source(bp) == (
        "v0 = UserVariable(values((2,), 'bool', 3), tag='red')\n"
        "n0 = Node()\n"
        "n2 = {3: n0, 1: 's'}\n"
        "n1 = (n2, {1, 2})\n"
        "n0.b = n1\n"
        "n0.a = v0\n"
        "x = n0\n"
    )


def test_filters_source_defines_the_callables_it_uses() -> None:
    fs = (F.Seq("list", (F.CallableFilter("even_depth"), F.TagFilter("red"))), F.Literal("..."))
    text = filters_source(fs)
    assert text.startswith("CALLABLES = {\n    'even_depth': lambda path, x:")
    assert text.endswith("fs = ([CALLABLES['even_depth'], 'red'], ...)\n")
    assert filters_source(()) == "fs = ()\n"
    assert filters_source((F.TypeFilter("Param"),)) == "fs = (nnx.Param,)\n"


def test_program_source_prints_paths_by_kind() -> None:
    bp = Blueprint(
        (
            NodeSpec("module", (("d", ToNode(1)),)),
            NodeSpec("dict", (("k", ToNode(2)),)),
            NodeSpec("module", ()),
        ),
    )
    program: Program = (
        SetStatic(("d", "k"), "s", 1),
        Alias((), "e", ("d", "k")),
        PointToAncestor(("d", "k"), "up", 2),
        AddVariable((), "v", VarSpec(seed=2)),
        TransformValues("negate"),
    )
    with_graph = program_source(program, bp)
    assert "    x.d['k'].s = 1\n    x.e = x.d['k']\n    x.d['k'].up = x\n" in with_graph
    assert "    x.v = nnx.Param(values((), 'float32', 2))\n" in with_graph
    assert "def negate(v):" in with_graph and "def all_variables(x):" in with_graph
    without = program_source(program)
    assert "    at(x, 'd', 'k').s = 1\n" in without and "def at(x, *path):" in without
    assert program_source(()) == "def run_program(x):\n    pass\n"


# --- In-process round trip (many examples) -----------------------------------------------------


@FAST
@given(cases(("graph", "filters", "program", "other")), st.booleans())
def test_scripts_rebuild_the_graph_and_replay_the_program(
    reference_target: Target, case: Case, with_graph: bool
) -> None:
    t = reference_target
    source = (
        graph_source(case.graph)
        + graph_source(case.other or case.graph, name="other")
        + filters_source(case.filters)
        + program_source(case.program, case.graph if with_graph else None)
    )
    namespace = _run_in_process(t, source)
    x = namespace["x"]
    built = observe(t, x)
    assert diff(blueprint_model(case.graph), built) is None
    namespace["run_program"](x)  # type: ignore[operator]
    problem = diff(apply(blueprint_model(case.graph), case.program), observe(t, x))
    assert problem is None, problem
    assert len(namespace["fs"]) == len(case.filters)  # type: ignore[arg-type]


# --- Standalone scripts (subprocesses) ---------------------------------------------------------


def _covering_cases() -> list[Case]:
    """Return a few drawn cases that together cover every graph feature, node kind, edit kind and
    filter form (greedy cover over a derandomized draw)."""
    pool: list[Case] = []

    @settings(
        max_examples=150, deadline=None, derandomize=True, database=None, phases=[Phase.generate]
    )
    @given(cases(("graph", "filters", "program", "other")))
    def collect(case: Case) -> None:
        pool.append(case)

    collect()

    def traits(case: Case) -> set[str]:
        out = set(graph_features(case.graph)) | {n.kind for n in case.graph.nodes}
        out |= {type(e).__name__ for e in case.program}
        out |= {type(f).__name__ for f in case.filters}
        return out

    chosen: list[Case] = []
    missing = set().union(*(traits(c) for c in pool))
    while missing:
        best = max(pool, key=lambda c: (len(traits(c) & missing), -len(c.to_json())))
        chosen.append(best)
        missing -= traits(best)
    return chosen


def _run_script(path: Path, *args: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JAX_PLATFORMS": "cpu"}
    return subprocess.Popen(
        [sys.executable, str(path), *map(str, args)],
        cwd=path.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_standalone_reproducers_round_trip(reference_target: Target, tmp_path: Path) -> None:
    t = reference_target
    chosen = _covering_cases()
    assert FEATURES  # sanity check: the greedy cover above is over a non-empty trait set
    scripts = []
    for i, case in enumerate(chosen):
        path = tmp_path / f"repro_{i}.py"
        path.write_text(reproducer(case, FAKE_LAW, t))
        scripts.append((case, path))
    # one process runs the scripts one after the other (each as __main__, in a fresh namespace),
    # so the test pays for one jax import; a second run checks that one script stands alone
    runner = tmp_path / "run_all.py"
    runner.write_text(
        "import runpy, sys\n"
        "for path in sys.argv[1:]:\n"
        "    runpy.run_path(path, run_name='__main__')\n"
        "    sys.stdout.write('\\n')\n"
    )
    proc = _run_script(runner, *(p for _, p in scripts))
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, f"a reproducer failed:\n{err[-3000:]}"
    for (case, path), line in zip(scripts, out.splitlines(), strict=True):
        model, paths, other = pickle.loads(bytes.fromhex(line))
        expected_model, expected_paths, expected_other = _expected(case)
        assert diff(expected_model, model) is None, (diff(expected_model, model), path.read_text())
        assert paths == expected_paths, path.read_text()
        assert other == expected_other, path.read_text()
    alone = _run_script(scripts[0][1])
    out, err = alone.communicate(timeout=300)
    assert alone.returncode == 0, err[-3000:]
    assert pickle.loads(bytes.fromhex(out))[0] == _expected(scripts[0][0])[0]


def test_fallback_reproducer_replays_the_law_through_nnxspec(
    reference_target: Target, tmp_path: Path
) -> None:
    from spec.runner.inputs import reproducer as runner_reproducer
    from strategies._plain_steps import STEPS, NoPlainStep

    t = reference_target
    law = law_by_id("ST-1")
    assert law.repro is None and law.id not in STEPS  # sanity check: this law needs the fallback
    case = Case(
        graph=Blueprint((NodeSpec("module", (("a", ToVar(0)), ("b", ToVar(0)))),), (VarSpec(),)),
        filters=(F.TypeFilter("Param"),),
    )
    with pytest.raises(NoPlainStep):
        reproducer(case, law, t)
    spec = "spec.targets.reference:ReferenceTarget"  # a module:attr spec, not the target's name
    path = tmp_path / "fallback.py"
    path.write_text(runner_reproducer(case, law, t, spec))
    text = path.read_text()
    assert f"resolve_target({spec!r})" in text
    proc = _run_script(path)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
