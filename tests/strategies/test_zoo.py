"""The zoo of user-written module classes: blueprints carry it, targets build it, graphs() draws
it."""

from __future__ import annotations

import json

import pytest
from hypothesis import Phase, find, given, settings

from spec import zoo
from spec.blueprint import (
    Blueprint,
    BlueprintError,
    NodeSpec,
    ToNode,
    ToStatic,
    ToVar,
    VarSpec,
    from_data,
)
from spec.build import blueprint_model, build
from spec.model import observe
from spec.targets.reference import ReferenceTarget
from strategies import graphs
from strategies._zoo import apply_zoo


def _graph(style: str) -> Blueprint:
    return Blueprint(
        (
            NodeSpec(
                "module", (("a", ToVar(0)), ("b", ToNode(1)), ("c", ToStatic(3))), style=style
            ),
            NodeSpec("module", (("p", ToNode(0)), ("q", ToVar(0))), style=style),
        ),
        (VarSpec(),),
    )


@pytest.mark.parametrize("style", zoo.STYLES)
def test_every_style_builds_with_the_blueprints_attributes(style: str) -> None:
    t = ReferenceTarget()
    x = build(t, _graph(style)).root
    assert type(x).__name__ == zoo.class_name(style)
    assert observe(t, x) == blueprint_model(_graph(style))


def test_styles_round_trip_through_json_and_old_json_still_loads() -> None:
    bp = _graph("dataclass")
    assert Blueprint.from_json(bp.to_json()) == bp
    plain = Blueprint((NodeSpec("module", (("a", ToStatic(1)),)),))
    assert "style" not in plain.to_json()  # plain blueprints keep the JSON they always had
    old = '{"nodes": [{"kind": "module", "entries": [["a", {"static": 1}]]}], "variables": []}'
    assert Blueprint.from_json(old) == plain


def test_bad_styles_are_rejected_with_their_place() -> None:
    with pytest.raises(BlueprintError, match=r"unknown style 'nope'.*nodes\[0\]"):
        Blueprint((NodeSpec("module", style="nope"),))
    with pytest.raises(BlueprintError, match=r"only a module has a style.*nodes\[1\]"):
        Blueprint((NodeSpec("module", (("a", ToNode(1)),)), NodeSpec("list", style="dataclass")))
    with pytest.raises(BlueprintError):
        from_data(json.loads('{"nodes": [{"kind": "dict", "entries": [], "style": "eq_hash"}]}'))


def test_zoo_genes_reach_every_style_and_only_modules() -> None:
    nodes = [
        NodeSpec("module", (("a", ToNode(1)), ("b", ToNode(2)))),
        NodeSpec("list"),
        NodeSpec("module"),
    ]
    drawn = {apply_zoo(nodes, [(0, raw)])[0].style for raw in range(64)}
    assert drawn == set(zoo.STYLES)
    styled = apply_zoo(nodes, [(1, 0), (0, 5)])
    assert [n.style for n in styled] == [zoo.STYLES[5], "", zoo.STYLES[0]]
    assert apply_zoo(nodes, []) == nodes


def test_graphs_draw_styled_modules() -> None:
    found = find(
        graphs(),
        lambda bp: any(n.style for n in bp.nodes),
        settings=settings(max_examples=300, database=None, phases=[Phase.generate]),
    )
    assert any(n.style in zoo.STYLES for n in found.nodes)


@settings(max_examples=50, database=None)
@given(graphs(zoo=False))
def test_graphs_without_zoo_draw_plain_modules_only(bp: Blueprint) -> None:
    assert not any(n.style for n in bp.nodes)


def test_hook_log_records_only_while_recording() -> None:
    t = ReferenceTarget()
    x = t.new_zoo_node("setattr_logging")
    t.set_attr(x, "a", 1)
    with zoo.recording() as log:
        t.set_attr(x, "b", 2)
        t.del_attr(x, "a")
    t.set_attr(x, "c", 3)
    assert log == [
        ("ZooSetattrLogging", "__setattr__", "b"),
        ("ZooSetattrLogging", "__delattr__", "a"),
    ]
