"""programs(): valid by construction, every edit kind reached, shrinking towards fewer edits,
and the oracle's simulation agrees with running the program on live reference objects."""

from __future__ import annotations

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from spec.blueprint import Blueprint, NodeSpec, ToNode, ToVar, VarSpec
from spec.build import blueprint_model, build
from spec.live_program import run
from spec.model import diff, observe
from spec.program import Program, SetStatic
from spec.semantics import apply
from spec.target import Target
from strategies import EDIT_KINDS, graphs, programs

FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None)
FIND = settings(
    max_examples=3000,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate, Phase.shrink],
)
CHAIN = Blueprint(
    (
        NodeSpec("module", (("a", ToNode(1)),)),
        NodeSpec("list", ((0, ToNode(2)),)),
        NodeSpec("module", (("b", ToVar(0)),)),
    ),
    (VarSpec(),),
)
"""root.a is a list whose item 0 is a module holding a Variable: paths cross a pytree."""

graph_and_program = graphs().flatmap(lambda g: st.tuples(st.just(g), programs(g)))


@FAST
@given(graph_and_program)
def test_programs_are_valid_for_their_graph(drawn: tuple[Blueprint, Program]) -> None:
    graph, program = drawn
    assert len(program) <= 4
    m = blueprint_model(graph)
    for edit in program:  # each prefix is valid, not only the whole program
        m = apply(m, (edit,))


@pytest.mark.parametrize("kind", EDIT_KINDS)
def test_every_edit_kind_is_reached_and_shrinks_to_a_short_program_on_the_root(kind: str) -> None:
    """The shrunk program is that one edit on the root, possibly after harmless SetStatic edits:
    where the shrinker stops among those depends on the constants Hypothesis mines from every
    loaded module (``sys.modules``), so on which tests ran before in the process (seen under
    xdist: two SetStatics before an AddNode)."""
    program = find(
        programs(CHAIN), lambda p: any(type(e).__name__ == kind for e in p), settings=FIND
    )
    assert [type(e).__name__ for e in program if not isinstance(e, SetStatic)] == (
        [] if kind == "SetStatic" else [kind]
    ), program
    assert type(program[-1]).__name__ == kind, program
    assert all(getattr(e, "node", ()) == () for e in program), program


def test_paths_cross_pytree_containers() -> None:
    program = find(
        programs(CHAIN), lambda p: any(getattr(e, "node", ()) == ("a", 0) for e in p), settings=FIND
    )
    apply(blueprint_model(CHAIN), program)


def test_programs_shrink_towards_fewer_simpler_edits() -> None:
    assert find(programs(CHAIN), lambda p: len(p) >= 1, settings=FIND) == (SetStatic((), "b", 0),)
    assert find(programs(CHAIN), lambda p: len(p) >= 2, settings=FIND) == (
        SetStatic((), "b", 0),
        SetStatic((), "c", 0),
    )


@settings(FAST, max_examples=40)
@given(graph_and_program)
def test_live_run_agrees_with_the_oracle(
    reference_target: Target, drawn: tuple[Blueprint, Program]
) -> None:
    graph, program = drawn
    x = build(reference_target, graph).root
    run(reference_target, x, program)
    problem = diff(
        apply(blueprint_model(graph), program), observe(reference_target, x), what="graph"
    )
    assert problem is None, problem
