"""The flax target: the version table everywhere; building, observing and tokens where flax is.

The table tests (``profile_for``) and the replay of the committed flax vectors on the reference
need no flax and run in every environment.  The adapter tests need flax and skip without it (the
project's own environment has none); CI runs them inside the environments that
``nnxspec env flax==VERSION DIR`` creates (``.ci/conformance-fresh.sh``).
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path
from typing import Any, cast

import pytest

from spec import semantics
from spec.blueprint import Blueprint, NodeSpec, ToNode, ToStatic, ToVar, Unhashable, VarSpec
from spec.build import blueprint_model, build
from spec.laws import law_by_id
from spec.laws._check import flat_models
from spec.live_program import run
from spec.model import Model, canonical, diff, observe, observe_objects
from spec.program import (
    AddNode,
    AddVariable,
    Alias,
    DeleteAttr,
    PointToAncestor,
    SetStatic,
    TransformValues,
)
from spec.runner.vectors import find, load, replay
from spec.target import Capability, Target, resolve_target
from spec.targets._nnx import NNXTarget
from spec.targets.flax import (
    BASE_CAPABILITIES,
    CHANGES,
    VERIFIED,
    Behaviour,
    parse_version,
    profile_for,
)

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results"
FLAX_VECTORS = (
    sorted(
        p
        for p in find(RESULTS)
        if p.parent.name == "vectors" and p.parent.parent.name.startswith("flax-")
    )
    if RESULTS.is_dir()
    else []
)


# --- The version table (no flax needed) ----------------------------------------------------------


def test_versions_parse() -> None:
    assert parse_version("0.12.8") == (0, 12, 8)
    assert parse_version("0.13.0.dev20260101+gabc") == (0, 13, 0)
    assert parse_version("1.0") == (1, 0, 0)


def test_the_seed_era_release_has_the_seed_semantics() -> None:
    p = profile_for((0, 10, 3))
    assert p.capabilities == BASE_CAPABILITIES | {
        Capability.NESTED_NODEDEF,
        Capability.AXIS_METADATA_HOOKS,
    }
    assert p.capabilities == NNXTarget.capabilities | {Capability.SEQUENTIAL_NODES}
    assert p.behaviour == Behaviour(graphdef_encoding="nested", required_metadata=frozenset())


def test_the_oldest_release_has_the_split_fields_graphdef_and_hook_metadata() -> None:
    p = profile_for((0, 10, 0))
    assert p.capabilities == BASE_CAPABILITIES and p.changes == ()
    assert Capability.NESTED_NODEDEF not in p.capabilities
    assert Capability.AXIS_METADATA_HOOKS not in p.capabilities  # add_axis_hooks tuples
    assert Capability.NESTED_NODEDEF not in profile_for((0, 10, 4)).capabilities
    assert p.behaviour.graphdef_encoding == "split-fields"
    assert "set_value_hooks" in p.behaviour.required_metadata


@pytest.mark.parametrize(
    ("version", "switch", "before", "after"),
    [
        # each switch at the first release whose own source has it (flax/nnx/graph.py, graphlib.py,
        # variablelib.py, __init__.py of that release's wheel)
        ((0, 10, 4), "graphdef_encoding", "nested", "nested-pairs"),
        ((0, 10, 4), "merge_context_args", "tag", "inner-tag"),
        ((0, 10, 6), "graphdef_encoding", "nested-pairs", "flat"),
        ((0, 10, 6), "context_methods", True, False),
        ((0, 10, 6), "merge_context_args", "inner-tag", "tag-inner"),
        ((0, 10, 7), "pytree_keyword", False, True),
        ((0, 11, 0), "state_leaves", "VariableState", "Variable"),
        ((0, 11, 0), "container", "native", "absent"),
        ((0, 12, 0), "container", "absent", "pytree-false-subclass"),
        ((0, 12, 1), "accessors", "value", "get_value"),
        ((0, 12, 5), "graph_module", "flax.nnx.graph", "flax.nnx.graphlib"),
    ],
)
def test_each_switch_flips_at_its_first_release(
    version: tuple[int, int, int], switch: str, before: object, after: object
) -> None:
    previous = (
        (version[0], version[1], version[2] - 1)
        if version[2]
        else (0, 10, 7)
        if version[1] == 11
        else (0, 11, 2)
    )
    assert getattr(profile_for(previous).behaviour, switch) == before
    assert getattr(profile_for(version).behaviour, switch) == after


@pytest.mark.parametrize(
    ("version", "gained"),
    [
        ((0, 10, 4), Capability.PYTREE_CHILDREN_SORTED),
        ((0, 10, 5), Capability.ARRAY_ATTRIBUTES_ARE_LEAVES),
        ((0, 11, 0), Capability.STATE_LEAVES_ARE_LIVE),
        ((0, 11, 1), Capability.PYTREE_DICTS_ARE_MUTABLE),
        ((0, 11, 2), Capability.MERGE_REUSES_VARIABLES),
    ],
)
def test_each_capability_arrives_at_its_first_release(
    version: tuple[int, int, int], gained: str
) -> None:
    previous = (version[0], version[1], version[2] - 1) if version[2] else (0, 10, 7)
    assert gained not in profile_for(previous).capabilities
    assert gained in profile_for(version).capabilities


def test_update_context_methods_are_gone_in_0_10_6() -> None:
    assert Capability.UPDATE_CONTEXT_METHODS in profile_for((0, 10, 5)).capabilities
    assert Capability.UPDATE_CONTEXT_METHODS not in profile_for((0, 10, 6)).capabilities


def test_fixed_variable_metadata_per_release() -> None:
    assert profile_for((0, 12, 0)).behaviour.required_metadata == frozenset()
    assert profile_for((0, 12, 1)).behaviour.required_metadata == {
        "is_hijax",
        "has_ref",
        "is_mutable",
        "eager_sharding",
    }
    assert profile_for((0, 12, 3)).behaviour.required_metadata == {
        "hijax",
        "ref",
        "mutable",
        "eager_sharding",
    }
    assert profile_for((0, 12, 12)).behaviour.required_metadata == {
        "hijax",
        "ref",
        "eager_sharding",
    }


def test_each_verified_release_declares_its_variants() -> None:
    assert {(0, 10, 3), (0, 11, 2), (0, 12, 8)} <= set(VERIFIED)
    old, mid, new = (profile_for(v) for v in ((0, 10, 3), (0, 11, 2), (0, 12, 8)))
    assert {
        Capability.STATE_LEAVES_ARE_COPIES,
        Capability.MERGE_COPIES_VARIABLES,
        Capability.ARRAY_ATTRIBUTES_ARE_ERRORS,
        Capability.UPDATE_CONTEXT_METHODS,
    } <= old.capabilities
    for p in (mid, new):
        assert {
            Capability.STATE_LEAVES_ARE_LIVE,
            Capability.ARRAY_ATTRIBUTES_ARE_LEAVES,
            Capability.PYTREE_CHILDREN_SORTED,
            Capability.UPDATE_CONTEXT,
        } <= p.capabilities
        assert (
            not {
                Capability.STATE_LEAVES_ARE_COPIES,
                Capability.MERGE_COPIES_VARIABLES,
                Capability.ARRAY_ATTRIBUTES_ARE_ERRORS,
                Capability.UPDATE_CONTEXT_METHODS,
            }
            & p.capabilities
        )
        assert (
            p.behaviour.flat_graphdef
            and not p.behaviour.context_methods
            and p.behaviour.merge_context_inner
        )
    assert (
        mid.behaviour.container == "absent" and new.behaviour.container == "pytree-false-subclass"
    )
    assert new.behaviour.graph_mode_flags and new.behaviour.accessors == "get_value"
    assert not mid.behaviour.graph_mode_flags and mid.behaviour.accessors == "value"


def test_the_table_is_ordered_and_names_known_switches() -> None:
    assert [c.since for c in CHANGES] == sorted(c.since for c in CHANGES)
    fields = {f.name for f in dataclasses.fields(Behaviour)}
    for c in CHANGES:
        assert {name for name, _ in c.switches} <= fields, c.what
        assert not (c.gain & c.lose), c.what


@pytest.mark.parametrize(
    "path", FLAX_VECTORS, ids=[str(p.relative_to(RESULTS)) for p in FLAX_VECTORS]
)
def test_flax_vector_passes_on_the_reference(path: Path) -> None:
    v = load(path)
    if law_by_id(v.law).fixed:
        pytest.skip(
            f"{v.law} checks one built-in full-size input, which the reference's own ci run checks"
        )
    r = replay(v, resolve_target("reference"), "reference")
    assert r.outcome in ("pass", "n/a"), f"the reference fails {path}: {r.detail}"


# --- The adapter (flax needed) -----------------------------------------------------------------

P = VarSpec("Param", (2,), "float32", 1, (("tag", "w"),))
B = VarSpec("BatchStat", (), "int32", 3)
U = VarSpec("UserVariable", (1, 2), "bfloat16", 5, (("group", 2), ("note", "n")))
Q = VarSpec("Param", (), "bool", 1)

BLUEPRINTS: dict[str, Blueprint] = {
    "empty": Blueprint((NodeSpec("module"),)),
    "leaves-and-statics": Blueprint(
        (
            NodeSpec(
                "module",
                (
                    ("w", ToVar(0)),
                    ("s", ToVar(1)),
                    ("n", ToStatic(3)),
                    ("t", ToStatic("x")),
                    ("f", ToStatic(1.5)),
                    ("z", ToStatic(True)),
                ),
            ),
        ),
        (P, B),
    ),
    "sharing-and-cycle": Blueprint(
        (
            NodeSpec("module", (("a", ToNode(1)), ("b", ToNode(1)), ("w", ToVar(0)))),
            NodeSpec("module", (("parent", ToNode(0)), ("w2", ToVar(0)), ("u", ToVar(1)))),
        ),
        (P, U),
    ),
    "pytrees": Blueprint(
        (
            NodeSpec(
                "module", (("l", ToNode(1)), ("d", ToNode(2)), ("n", ToNode(3)), ("tt", ToNode(4)))
            ),
            NodeSpec("list", ((0, ToVar(0)), (1, ToStatic(2)), (2, ToNode(5)))),
            NodeSpec("dict", (("k", ToVar(1)), ("j", ToStatic("v")))),
            NodeSpec("none"),
            NodeSpec("tuple", ((0, ToVar(2)),)),
            NodeSpec("module", (("q", ToVar(0)),)),
        ),
        (P, B, Q),
    ),
    "field-order": Blueprint(
        (
            NodeSpec("module", (("nt", ToNode(1)), ("dc", ToNode(2)))),
            NodeSpec("namedtuple", (("b", ToVar(0)), ("a", ToStatic(1)))),
            NodeSpec("dataclass", (("z", ToStatic("q")), ("y", ToVar(1)))),
        ),
        (P, B),
    ),
    "container": Blueprint(
        (
            NodeSpec("module", (("c", ToNode(1)),)),
            NodeSpec("container", (("x", ToVar(0)), ("lst", ToNode(2)), ("back", ToNode(0)))),
            NodeSpec("list", ((0, ToVar(1)),)),
        ),
        (P, B),
    ),
    "unhashable-static": Blueprint(
        (NodeSpec("module", (("s", ToStatic(Unhashable((1, 2)))), ("w", ToVar(0)))),), (P,)
    ),
}


@pytest.fixture(scope="module")
def flax_target() -> Target:
    pytest.importorskip(
        "flax", reason="flax is not installed here (CI runs these in the flax environments)"
    )
    return resolve_target("flax")


def _expected(t: Target, bp: Blueprint) -> Model:
    """The blueprint's model in the target's declared canonical order."""
    m = blueprint_model(bp)
    if Capability.PYTREE_CHILDREN_SORTED in t.capabilities:
        nodes = tuple(
            dataclasses.replace(n, positional=False)
            if n.type_name.startswith(("NT_", "DC_"))
            else n
            for n in m.nodes
        )
        m = canonical(Model(nodes, m.variables))
    return m


def _build(t: Target, name: str) -> Any:
    if name == "container" and getattr(t, "container_type", None) is None:
        pytest.skip(f"flax {t.version} has no nnx.Dict")
    return build(t, BLUEPRINTS[name]).root


@pytest.mark.parametrize("name", list(BLUEPRINTS))
def test_building_and_observing_match_the_blueprint(flax_target: Target, name: str) -> None:
    x = _build(flax_target, name)
    expected, actual = _expected(flax_target, BLUEPRINTS[name]), observe(flax_target, x)
    assert diff(expected, actual) is None, diff(expected, actual)


@pytest.mark.parametrize("name", list(BLUEPRINTS))
def test_tokens_and_state_follow_the_oracle(flax_target: Target, name: str) -> None:
    t = flax_target
    x = _build(t, name)
    m = observe(t, x)
    tokens, flat = semantics.flatten(m)
    if parse_version(cast(Any, t).version) < (0, 10, 2):
        # flax 0.10.0 - 0.10.1 keep no Variable metadata in the GraphDef (a genuine divergence,
        # triaged in their expectation files): compare the rest
        tokens = tuple((*tok[:4], ()) if tok[0] == "variable" else tok for tok in tokens)
    assert t.graphdef_tokens(t.graphdef(x)) == tokens
    assert flat_models(t, t.state(x)) == flat
    gd, s = t.split(x)
    assert t.graphdef_tokens(gd) == tokens
    y = t.merge(gd, s)
    assert diff(semantics.rebuild(m), observe(t, y)) is None


def test_leaves_carry_only_user_metadata(flax_target: Target) -> None:
    t = flax_target
    x = _build(t, "sharing-and-cycle")
    views = {p: t.leaf_view(leaf) for p, leaf in t.flat_state(t.state(x))}
    assert dict(views[("a", "u")].metadata) == {"group": 2, "note": "n"}
    assert dict(views[("a", "w2")].metadata) == {"tag": "w"}
    assert str(views[("a", "u")].value.dtype) == "bfloat16"


def test_state_leaves_follow_the_declared_variant(flax_target: Target) -> None:
    t = flax_target
    x = _build(t, "leaves-and-statics")
    m, _, variables = observe_objects(t, x)
    at = {p: variables[i] for i, p in m.first_paths()[1].items()}
    live = Capability.STATE_LEAVES_ARE_LIVE in t.capabilities
    assert live != (Capability.STATE_LEAVES_ARE_COPIES in t.capabilities)
    assert all((leaf is at[tuple(p)]) == live for p, leaf in t.flat_state(t.state(x)))
    y = t.merge(*t.split(x))
    shared = {id(v) for v in observe_objects(t, y)[2]} & {id(v) for v in variables}
    assert bool(shared) != (Capability.MERGE_COPIES_VARIABLES in t.capabilities)


def test_the_update_context_protocol_runs_through_the_adapter(flax_target: Target) -> None:
    import jax

    from spec.laws._protocol import protocol

    t = flax_target
    x = _build(t, "sharing-and-cycle")
    program = (
        SetStatic((), "k", 7),
        AddVariable(("a",), "v", B),
        AddNode((), "m"),
        Alias(("m",), "w", ("w",)),
        PointToAncestor(("m",), "up", 1),
        DeleteAttr(("a",), "u"),
        TransformValues("add_one"),
    )
    expected = semantics.rebuild(semantics.apply(observe(t, x), program))
    for wrap in (None, lambda f: jax.jit(f, static_argnums=0)):
        x = _build(t, "sharing-and-cycle")
        with t.update_context("nnxspec-test") as ctx:
            z = protocol(t, ctx, x, lambda y: run(t, y, program), wrap=wrap)
        assert z is x
        assert diff(expected, observe(t, x)) is None


def test_no_deprecation_warnings(flax_target: Target) -> None:
    t = flax_target
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in BLUEPRINTS:
            if name == "container" and getattr(t, "container_type", None) is None:
                continue
            x = build(t, BLUEPRINTS[name]).root
            gd, s = t.split(x)
            for _, leaf in t.flat_state(s):
                t.set_value(leaf, t.get_value(leaf))
                t.leaf_view(leaf)
            t.update(x, s)
            t.merge(gd, s)
            list(t.iter_graph(x))


def test_the_reproducer_prelude_defines_the_same_classes(flax_target: Target) -> None:
    from strategies._reproducers import graph_source

    t = flax_target
    name = "container" if getattr(t, "container_type", None) is not None else "pytrees"
    namespace: dict[str, Any] = {}
    exec(
        compile(t.reproducer_prelude() + graph_source(BLUEPRINTS[name]), "<prelude>", "exec"),
        namespace,
    )
    ours = {"Node": t.node_type, "UserVariable": t.user_variable_type}  # type: ignore[attr-defined]
    if getattr(t, "container_type", None) is not None:
        ours["Dict"] = t.container_type  # type: ignore[attr-defined]
    for cls_name, cls in ours.items():
        theirs = (
            namespace["nnx"].Dict if cls_name == "Dict" else namespace[cls_name]
        )  # graph_source says nnx.Dict()
        assert theirs.__name__ == cls.__name__
        assert [b.__name__ for b in theirs.__mro__] == [b.__name__ for b in cls.__mro__]
    x = namespace["x"]
    assert diff(observe(t, build(t, BLUEPRINTS[name]).root), observe(t, x)) is None


def test_committed_vectors_fail_on_their_own_flax_release(flax_target: Target) -> None:
    # fixed-input laws (the full-size robustness inputs) are rechecked by the ci run itself
    mine = [
        p
        for p in FLAX_VECTORS
        if p.parent.parent.name == f"flax-{flax_target.version}"
        and not law_by_id(load(p).law).fixed
    ]
    if not mine:
        pytest.skip(f"no committed vectors for flax {flax_target.version}")
    outcomes = {
        str(p.relative_to(RESULTS)): replay(load(p), flax_target, "flax").outcome for p in mine
    }
    assert all(o == "fail" for o in outcomes.values()), json.dumps(outcomes, indent=1)
