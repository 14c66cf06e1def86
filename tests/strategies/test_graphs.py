"""graphs(): validity, parameters, JSON round trip, the default feature mix and the shrink
target."""

from __future__ import annotations

import collections

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from spec.blueprint import (
    GRAPH_KINDS,
    PYTREE_KINDS,
    Blueprint,
    ToNode,
    ToStatic,
    ToVar,
    Unhashable,
    validate,
)
from spec.build import blueprint_model
from strategies import FEATURES, SCALE_SHAPES, graph_features, graphs, has_true_cycle, scale_shape
from strategies._scale import DEEP, INT_KEYS, LONG, WIDE

FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None)


@FAST
@given(graphs())
def test_drawn_blueprints_are_valid_and_round_trip_through_json(bp: Blueprint) -> None:
    validate(bp)
    assert Blueprint.from_json(bp.to_json()) == bp
    assert Blueprint.from_json(bp.to_json(indent=2)) == bp
    blueprint_model(bp)  # sanity check: the model of every drawn graph can be computed


@FAST
@given(graphs(min_nodes=2, max_nodes=4, min_variables=1, max_variables=2, tail="never"))
def test_size_bounds_are_respected(bp: Blueprint) -> None:
    assert 2 <= len(bp.nodes) <= 4
    assert 1 <= len(bp.variables) <= 2


@FAST
@given(graphs(sharing=False))
def test_without_sharing_nothing_is_shared_and_cycles_close_at_the_root(bp: Blueprint) -> None:
    assert not bp.has_shared_variable
    assert not bp.has_shared_graph_node
    back = [e.index for i, _, e in bp.edges() if isinstance(e, ToNode) and e.index <= i]
    assert set(back) <= {0}


@FAST
@given(graphs(cycles=False))
def test_without_cycles_every_edge_points_forward(bp: Blueprint) -> None:
    assert not bp.has_cycle
    assert not has_true_cycle(bp)


@FAST
@given(graphs(containers=False, statics=False))
def test_without_containers_and_statics(bp: Blueprint) -> None:
    assert all(n.kind in GRAPH_KINDS for n in bp.nodes)
    assert not any(isinstance(e, ToStatic) for _, _, e in bp.edges())


@FAST
@given(graphs(generic_pytrees=False, dtypes=("int32", "bool"), root_kinds=("container",)))
def test_kind_and_dtype_restrictions(bp: Blueprint) -> None:
    assert bp.nodes[0].kind == "container"
    assert not any(n.kind in ("namedtuple", "dataclass") for n in bp.nodes)
    assert all(v.dtype in ("int32", "bool") for v in bp.variables)


@FAST
@given(st.integers(0, 3).flatmap(lambda d: st.tuples(st.just(d), graphs(max_depth=d))))
def test_max_depth_is_respected(drawn: tuple[int, Blueprint]) -> None:
    depth, bp = drawn
    assert bp.depth() <= depth


@FAST
@given(graphs())
def test_keys_and_leaves_use_the_documented_pools(bp: Blueprint) -> None:
    for n in bp.nodes:
        keys = [k for k, _ in n.entries]
        if n.kind in ("list", "tuple"):
            assert keys == list(range(len(keys)))
        if n.kind in PYTREE_KINDS - {"list", "tuple", "dict"} | GRAPH_KINDS:
            assert all(isinstance(k, str) for k in keys)
    for v in bp.variables:
        assert len(v.shape) <= 2 and all(1 <= d <= 3 for d in v.shape)
        assert all(name in ("tag", "note", "group", "level") for name, _ in v.metadata)
    for _, _, e in bp.edges():
        if isinstance(e, ToStatic) and not isinstance(e.value, Unhashable):
            hash(e.value)


# --- The default mix ---------------------------------------------------------------------------

MIX_EXAMPLES = 500
MIX_MINIMUM = {
    "shared Variable": 0.30,
    "shared graph node": 0.30,
    "cycle": 0.20,
    "pytree container": 0.30,
}
_mix: collections.Counter[str] = collections.Counter()


@settings(
    max_examples=MIX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
)
@given(graphs())
def _count_features(bp: Blueprint) -> None:
    _mix["examples"] += 1
    _mix.update(graph_features(bp))


def test_default_feature_mix() -> None:
    _mix.clear()
    _count_features()
    n = _mix["examples"]
    assert n >= MIX_EXAMPLES * 0.9, f"only {n} examples were generated"
    shares = {f: _mix[f] / n for f in FEATURES}
    low = {f: round(shares[f], 3) for f, minimum in MIX_MINIMUM.items() if shares[f] < minimum}
    assert not low, f"features below their minimum share: {low} (all shares: {shares})"


# --- Shrinking ---------------------------------------------------------------------------------

SHRINK = settings(
    max_examples=2000,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate, Phase.shrink],
)


def test_shared_variable_and_cycle_shrink_to_a_tiny_graph() -> None:
    bp = find(graphs(), lambda g: g.has_shared_variable and has_true_cycle(g), settings=SHRINK)
    assert len(bp.nodes) <= 3, bp
    assert len(bp.variables) <= 2, bp
    # the minimal example is a single module with a self-loop and one Variable reached twice
    assert (len(bp.nodes), len(bp.variables)) == (1, 1), bp
    assert bp.nodes[0].kind == "module"
    assert (
        bp.variables[0].shape == ()
        and bp.variables[0].type == "Param"
        and bp.variables[0].seed == 0
    )


def test_size_shrinks_to_a_star_of_plain_modules() -> None:
    bp = find(graphs(), lambda g: len(g.nodes) >= 3, settings=SHRINK)
    assert [n.kind for n in bp.nodes] == ["module"] * 3
    assert bp.nodes[0].entries == (("a", ToNode(1)), ("b", ToNode(2)))
    assert not bp.variables and not any(n.entries for n in bp.nodes[1:])


def test_a_variable_shrinks_to_a_scalar_param() -> None:
    bp = find(graphs(), lambda g: len(g.variables) >= 1, settings=SHRINK)
    assert bp.nodes == (bp.nodes[0],) and bp.nodes[0].entries == (("a", ToVar(0)),)
    v = bp.variables[0]
    assert (v.type, v.shape, v.dtype, v.seed, v.metadata) == ("Param", (), "float32", 0, ())


def test_a_shared_graph_node_shrinks_without_cycles_or_containers() -> None:
    bp = find(graphs(), lambda g: g.has_shared_graph_node, settings=SHRINK)
    assert len(bp.nodes) == 2 and not has_true_cycle(bp) and not bp.has_pytree_container, bp


def test_health_checks_pass_in_the_default_profile() -> None:
    @settings(deadline=None, database=None, derandomize=True)
    @given(graphs())
    def draw(bp: Blueprint) -> None:
        pass

    draw()  # default settings: every health check enabled, none suppressed


@pytest.mark.parametrize("feature", FEATURES)
def test_every_feature_is_reachable(feature: str) -> None:
    found = find(
        graphs(),
        lambda g: feature in graph_features(g),
        settings=settings(SHRINK, phases=[Phase.generate]),
    )
    assert feature in graph_features(found)


# --- The scale tail ----------------------------------------------------------------------------


@FAST
@given(graphs(tail="always", root_kinds=("module",)))
def test_an_always_tail_is_deep_or_wide_and_keeps_the_root_kind(bp: Blueprint) -> None:
    shape = scale_shape(bp)
    assert shape in SCALE_SHAPES
    assert bp.nodes[0].kind == "module"
    sizes = {
        "deep": bp.depth(),
        "wide": max(len(n.entries) for n in bp.nodes if n.kind == "module"),
        "int-keyed dict": max((len(n.entries) for n in bp.nodes if n.kind == "dict"), default=0),
        "long list": max((len(n.entries) for n in bp.nodes if n.kind == "list"), default=0),
        "long tuple": max((len(n.entries) for n in bp.nodes if n.kind == "tuple"), default=0),
    }
    floors = {"deep": DEEP, "wide": WIDE, "int-keyed dict": INT_KEYS}
    assert sizes[str(shape)] >= floors.get(str(shape), LONG)


@FAST
@given(graphs(tail="never"))
def test_tail_never_draws_small_graphs(bp: Blueprint) -> None:
    assert scale_shape(bp) is None


@pytest.mark.parametrize("shape", SCALE_SHAPES)
def test_every_scale_shape_is_reachable_and_shrinks_to_its_floor(shape: str) -> None:
    bp = find(
        graphs(),
        lambda b: scale_shape(b) == shape,
        settings=settings(max_examples=2000, deadline=None, derandomize=True, database=None),
    )
    floor = {"deep": DEEP, "wide": WIDE, "int-keyed dict": INT_KEYS}.get(shape, LONG)
    if shape == "deep":
        assert bp.depth() == floor and len(bp.nodes) == floor + 1
    else:  # one fan node, the root, carrying an empty module
        assert max(len(n.entries) for n in bp.nodes) == floor
        assert len(bp.nodes) == 2


def test_the_scale_tail_obeys_the_kind_switches() -> None:
    @FAST
    @given(graphs(tail="always", containers=False, statics=False))
    def check(bp: Blueprint) -> None:
        assert scale_shape(bp) == "deep"
        assert all(n.kind in GRAPH_KINDS for n in bp.nodes)

    check()
