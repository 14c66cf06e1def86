"""DOT drawings: shared edges red, back edges blue and dashed, statics as notes."""

from __future__ import annotations

from spec.blueprint import Blueprint, NodeSpec, ToNode, ToStatic, ToVar, Unhashable, VarSpec
from spec.runner import graphviz

SHARED_AND_CYCLIC = Blueprint(
    nodes=(
        NodeSpec(
            "module", (("a", ToVar(0)), ("b", ToVar(0)), ("child", ToNode(1)), ("n", ToStatic(3)))
        ),
        NodeSpec("module", (("up", ToNode(0)), ("items", ToNode(2)))),
        NodeSpec("list", ((0, ToVar(1)), (1, ToStatic(Unhashable((1, 2)))))),
    ),
    variables=(VarSpec("Param", (2,)), VarSpec("BatchStat", (), metadata=(("tag", "x"),))),
)


def _edges(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "->" in line]


def test_each_kind_of_edge_is_drawn_distinctly() -> None:
    text = graphviz.dot(SHARED_AND_CYCLIC, "title")
    edges = _edges(text)
    shared = [e for e in edges if "color=red" in e]
    back = [e for e in edges if "color=blue" in e]
    assert [e.split(" [")[0] for e in shared] == ["n0 -> v0", "n0 -> v0"]
    assert [e.split(" [")[0] for e in back] == ["n1 -> n0"] and "style=dashed" in back[0]
    assert "constraint=false" in back[0]
    plain = [e.split(" [")[0] for e in edges if "color=" not in e]
    assert plain == ["n0 -> n1", "n1 -> n2", "n2 -> v1"]
    assert sum("style=dotted" in e for e in edges) == 2  # the two statics
    assert 'label="= set([1, 2])"' in text
    assert 'n2 [label="#2 list"' in text and "dashed" in text.split("n2 [label")[1].split("\n")[0]
    assert 'n0 [label="#0 Node (root)"' in text


def test_write_makes_dot_and_svg_when_dot_exists(tmp_path: object) -> None:
    import shutil
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    written = graphviz.write(SHARED_AND_CYCLIC, tmp_path / "g.dot")
    assert written[0].read_text(encoding="utf-8").startswith("digraph nnxspec {")
    assert len(written) == (2 if shutil.which("dot") else 1)
