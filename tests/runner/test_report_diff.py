"""``nnxspec reproduce``, ``nnxspec report`` and ``nnxspec diff`` (with ``spec.diff``'s near
misses)."""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import pytest

from spec.blueprint import Blueprint, NodeSpec, ToNode, ToStatic, ToVar, VarSpec, to_data
from spec.diff import Difference, graphdef_diff, tokens_diff
from spec.runner.cli import main
from spec.target import Target

ROOT = Path(__file__).resolve().parents[2]
POP2 = ROOT / "results" / "flax-0.10.3" / "vectors" / "POP-2.json"
ROB12 = ROOT / "results" / "flax-0.10.3" / "vectors" / "ROB-12.json"


@pytest.fixture(scope="module")
def reference_target() -> Target:
    from spec.targets.reference import ReferenceTarget

    return ReferenceTarget()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    return status, capsys.readouterr().out


# --- reproduce ---------------------------------------------------------------------------------


def test_reproduce_writes_plain_code_for_a_plain_law(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _run(capsys, "reproduce", str(POP2), "--target", "reference")
    assert status == 0
    assert "import reference as nnx" in out and "nnx.pop(x, nnx.Param)" in out
    assert "from spec" not in out and "import spec" not in out


def test_reproduce_resolves_a_harness_law_by_the_targets_spec(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = "spec.targets.reference:ReferenceTarget"
    status, out = _run(capsys, "reproduce", str(ROB12), "--target", spec)
    assert status == 0
    assert f"resolve_target({spec!r})" in out


def test_reproduce_write_and_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    vector = tmp_path / "POP-2.json"
    vector.write_text(POP2.read_text())
    status, out = _run(capsys, "reproduce", str(vector), "--target", "reference", "--write")
    assert status == 0 and vector.with_suffix(".py").read_text().startswith(
        '"""Reproducer for POP-2'
    )
    status, out = _run(capsys, "reproduce", str(tmp_path / "missing.json"))
    assert status == 2 and out.startswith("nnxspec reproduce: ") and len(out.splitlines()) == 1
    status, out = _run(capsys, "reproduce", str(vector), "--target", "nosuchtarget")
    assert status == 2 and "nosuchtarget" in out


# --- report ------------------------------------------------------------------------------------


def test_report_is_issue_ready_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _run(capsys, "report", str(POP2), "--target", "reference")
    assert status == 0
    lines = out.splitlines()
    assert (
        lines[0]
        == "# flax 0.10.3: Popping a Variable that several attributes share removes it from all "
        "of them. (POP-2)"
    )
    for heading in (
        "## Versions",
        "## Reproducer",
        "## Expected vs actual",
        "## The law (POP-2, pop)",
    ):
        assert heading in lines, heading
    assert "- flax: 0.10.3 (target `flax`)" in lines and "- jax: 0.4.38" in lines
    assert any(line.startswith("- python: ") for line in lines)
    assert "```python" in lines and "nnx.pop(x, nnx.Param)" in out
    assert "after pop(x, Param) the popped Variable is still reachable at ['.b']" in out
    assert "v ∈ pop(x, type(v))" in out  # the statement


def test_report_falls_back_to_the_stored_script(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = json.loads(POP2.read_text())
    data["target"]["spec"] = "nosuch_module_here:Target"
    vector = tmp_path / "v.json"
    vector.write_text(json.dumps(data))
    status, out = _run(capsys, "report", str(vector), "--output", str(tmp_path / "issue.md"))
    text = (tmp_path / "issue.md").read_text()
    assert status == 0 and out.startswith("wrote ")
    assert (
        "the script stored with the vector" in text and data["reproducer"].splitlines()[0] in text
    )


def test_report_for_a_named_target_that_cannot_load_is_an_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out = _run(capsys, "report", str(POP2), "--target", "nosuch_module_here:Target")
    assert status == 2
    assert out.startswith("nnxspec report: --target nosuch_module_here:Target: ")
    assert "nosuch_module_here" in out.splitlines()[0]


def test_report_of_a_non_vector(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{}")
    status, out = _run(capsys, "report", str(tmp_path / "x.json"))
    assert status == 2 and out.startswith("nnxspec report: ")


# --- diff: the Python API on near misses --------------------------------------------------------


def _graph(t: Target, **attrs: object) -> object:
    import jax.numpy as jnp

    nnx = t.nnx  # type: ignore[attr-defined]

    class M(nnx.Module):  # type: ignore[misc, name-defined]
        pass

    m = M()
    for k, v in attrs.items():
        if isinstance(v, tuple) and v and v[0] == "param":
            v = nnx.Param(jnp.ones(2), **v[1]) if len(v) > 1 else nnx.Param(jnp.ones(2))
        setattr(m, k, v)
    return m


def _differs(found: Difference | None, where: str, what: str) -> None:
    from spec.model import path_str

    assert found is not None
    assert (path_str(found.path), found.what.split(" (")[0]) == (where, what), str(found)


def test_diff_names_near_misses(reference_target: Target) -> None:
    t = reference_target
    nnx = t.nnx  # type: ignore[attr-defined]
    import jax.numpy as jnp

    p = nnx.Param(jnp.ones(2))
    same = _graph(t, a=1, b=p)
    assert graphdef_diff(t, same, _graph(t, a=1, b=p)) is None
    assert graphdef_diff(t, _graph(t, a=1), _graph(t, a=True)) is None  # jax: 1 == True
    _differs(graphdef_diff(t, _graph(t, a=1, b=p), _graph(t, a=2, b=p)), ".a", "static value")
    _differs(graphdef_diff(t, _graph(t, a=1), _graph(t, a="1")), ".a", "static value")
    _differs(
        graphdef_diff(
            t, _graph(t, b=nnx.Param(jnp.ones(2))), _graph(t, b=nnx.BatchStat(jnp.ones(2)))
        ),
        ".b",
        "variable type",
    )
    found = graphdef_diff(
        t,
        _graph(t, b=nnx.Param(jnp.ones(2), tag="x")),
        _graph(t, b=nnx.Param(jnp.ones(2), tag="y")),
    )
    _differs(found, ".b", "metadata")
    assert found is not None and "tag='x'" in found.a and "tag='y'" in found.b
    _differs(graphdef_diff(t, _graph(t, d={1: p}), _graph(t, d={"1": p})), ".d[1]", "key type")
    _differs(
        graphdef_diff(t, _graph(t, a=p, b=p), _graph(t, a=p, b=nnx.Param(jnp.ones(2)))),
        ".b",
        "sharing",
    )
    shared = _graph(t)
    _differs(
        graphdef_diff(t, _graph(t, a=shared, b=shared), _graph(t, a=_graph(t), b=_graph(t))),
        ".b",
        "sharing",
    )
    _differs(graphdef_diff(t, _graph(t, a=1), _graph(t, a=1, b=2)), ".b", "structure")
    _differs(graphdef_diff(t, _graph(t, a=1), _graph(t, a=p)), ".a", "structure")
    _differs(graphdef_diff(t, _graph(t, a=[1]), _graph(t, a=(1,))), ".a", "node type")
    # GraphDefs as well as live graphs
    assert graphdef_diff(t, nnx.graphdef(same), same) is None


def test_tokens_diff_reports_an_index_and_takes_deep_streams() -> None:
    a = (("node", "graph", "M", 0, 1), ("variable", "w", "Param", 1, ()))
    b = (("node", "graph", "M", 0, 1), ("variable", "w", "Param", 2, ()))
    _differs(tokens_diff(a, b), ".w", "index")
    depth = 20_000
    deep = tuple(t for i in range(depth) for t in (("node", "graph", "M", i, 1), ("subgraph", "c")))
    end_a = (*deep, ("node", "graph", "M", depth, 1), ("static", "s", "int", "1"))
    end_b = (*deep, ("node", "graph", "M", depth, 1), ("static", "s", "int", "2"))
    found = tokens_diff(end_a, end_b)
    assert found is not None and found.path == ("c",) * depth + ("s",)


# --- diff: the command ---------------------------------------------------------------------------


def _blueprint(static: int) -> Blueprint:
    return Blueprint(
        (
            NodeSpec("module", (("a", ToVar(0)), ("n", ToNode(1)))),
            NodeSpec("module", (("s", ToStatic(static)),)),
        ),
        (VarSpec(),),
    )


def test_diff_command_on_blueprints_vectors_pickles_and_callables(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    reference_target: Target,
) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(to_data(_blueprint(1))))
    b.write_text(json.dumps(to_data(_blueprint(2))))
    status, out = _run(capsys, "diff", str(a), str(b))
    assert status == 1 and "at .n.s: static value differs: 1 (int) (A) vs 2 (int) (B)" in out
    status, out = _run(capsys, "diff", str(a), str(a))
    assert status == 0 and "equal" in out
    status, out = _run(capsys, "diff", str(POP2), str(POP2))
    assert status == 0
    (tmp_path / "my_graphs.py").write_text(
        "import reference as nnx\n\n"
        "class M(nnx.Module):\n    pass\n\n"
        "def first():\n    m = M()\n    m.s = 1\n    return m\n\n"
        "def second():\n    m = M()\n    m.s = 1.5\n    return m\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", ".")])
    monkeypatch.delitem(sys.modules, "my_graphs", raising=False)
    status, out = _run(capsys, "diff", "my_graphs:first", "my_graphs:second")
    assert status == 1 and "at .s: static value differs: 1 (int) (A) vs 1.5 (float) (B)" in out
    import my_graphs  # type: ignore[import-not-found]  # now importable: diff put the folder on sys.path

    with (tmp_path / "g.pkl").open("wb") as f:
        pickle.dump(my_graphs.second(), f)
    status, out = _run(capsys, "diff", "my_graphs:first", str(tmp_path / "g.pkl"))
    assert status == 1 and "1.5" in out
    for bad in ("nosuch.json", "my_graphs:nosuch", "plain-word"):
        status, out = _run(capsys, "diff", bad, str(a))
        assert status == 2 and out.startswith("nnxspec diff: ") and len(out.splitlines()) == 1, out
