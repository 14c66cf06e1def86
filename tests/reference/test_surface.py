"""The public surface: the committed inventory, the compatibility rules, and the reference (and,
in a flax 0.10.3 environment, flax itself) checked against the surface it claims."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest

from spec.surface import Omission, check, incompatibility, load, save
from spec.surface.claim import check_target, generate_from_flax
from spec.targets.reference import ReferenceTarget
from tests.reference.seed_era import FLAX_NNX

P, PK, VP, KW, VK = (
    "positional-only",
    "positional-or-keyword",
    "var-positional",
    "keyword-only",
    "var-keyword",
)


def test_the_reference_has_the_surface_it_claims() -> None:
    report = check_target(ReferenceTarget())
    assert report is not None
    assert report.ok, report.render()
    assert len(report.of("ok")) > 300


def test_the_inventory_says_how_it_was_made_and_covers_the_graph_layer() -> None:
    inventory = load("flax-0.10.3")
    assert "nnxspec surface --generate" in inventory["about"]["command"]
    assert inventory["about"]["release"] == "flax 0.10.3"
    entries = inventory["entries"]
    for key in (
        "nnx.split",
        "nnx.merge",
        "nnx.update",
        "nnx.pop",
        "nnx.state",
        "nnx.graphdef",
        "nnx.clone",
        "nnx.call",
        "nnx.iter_graph",
        "nnx.graph.flatten",
        "nnx.graph.unflatten",
        "nnx.split_context",
        "nnx.merge_context",
        "nnx.update_context",
        "nnx.statelib.FlatState",
        "nnx.VariableState.replace",
        "nnx.Module.sow",
        "nnx.Module.__init_subclass__",
        "nnx.Object.__init_subclass__",
    ):
        assert key in entries, key
    for method in (
        "replace_by_pure_dict",
        "map",
        "flat_state",
        "from_flat_path",
        "to_pure_dict",
        "split",
        "filter",
        "merge",
        "__or__",
        "__sub__",
        "raw_mapping",
    ):
        assert f"nnx.State.{method}" in entries, method
    assert entries["nnx.Param"]["bases"] == ["nnx.Variable"]
    assert entries["nnx.State"]["abcs"] == ["Iterable", "Mapping", "MutableMapping"]


@pytest.mark.parametrize(
    ("seed", "target", "why"),
    [
        ([["x", PK, False]], [["x", PK, False]], None),
        ([["x", PK, False]], [["x", PK, False], ["y", KW, True]], None),  # an optional extra
        ([["x", P, False]], [["anything", PK, False]], None),  # positional-only names are free
        ([["x", PK, False]], [["x", P, False]], "parameter 0 is 'x' (positional-only)"),
        ([["x", PK, False]], [["y", PK, False]], "parameter 0 is 'y'"),
        ([["x", PK, True]], [["x", PK, False]], "'x' is required"),
        ([["x", PK, False]], [["x", PK, False], ["y", PK, False]], "extra parameter 'y'"),
        ([["k", KW, True]], [["kw", VK, False]], None),  # **kwargs takes any keyword
        ([["k", KW, True]], [], "no keyword parameter 'k'"),
        ([["k", KW, True]], [["k", KW, False]], "keyword 'k' is required"),
        ([["a", VP, False]], [], "no var-positional"),
        ([], [["t", KW, False]], "extra keyword 't'"),
        ([["x", PK, False]], None, "unreadable"),
    ],
)
def test_signature_compatibility(seed: Any, target: Any, why: str | None) -> None:
    got = incompatibility(seed, target)
    assert (got is None) if why is None else (got is not None and why in got), got


def _toy_inventory(tmp_path: Path) -> Any:
    class Cell:
        def __init__(self, value: int, **metadata: Any) -> None: ...
        def replace(self, value: int) -> None: ...
        @property
        def size(self) -> int:
            return 1

    seed = types.ModuleType("seed")
    seed.Cell = Cell  # type: ignore[attr-defined]
    seed.split = lambda node, *filters: None  # type: ignore[attr-defined]
    from spec.surface.inventory import generate

    inventory = generate(
        {
            "nnx": seed,
            "nnx.graph": types.ModuleType("g"),
            "nnx.statelib": types.ModuleType("s"),
            "nnx.variablelib": types.ModuleType("v"),
        },
        {"release": "toy"},
    )
    path = tmp_path / "toy.json"
    save(inventory, path)
    return load(path)


def test_a_gap_is_missing_unless_omitted_and_a_stale_omission_fails(tmp_path: Path) -> None:
    inventory = _toy_inventory(tmp_path)  # its Cell is not a graph-layer class: no members

    class Cell:
        def __init__(self, value: int) -> None: ...

    target = types.SimpleNamespace(Cell=Cell, split=lambda node: None)
    report = check(inventory, lambda prefix: target, [])
    assert {f.key for f in report.of("incompatible")} == {"nnx.Cell", "nnx.split"}
    assert not report.ok
    omissions = [
        Omission("nnx.Cell", "not needed"),
        Omission("nnx.split", "not needed"),
        Omission("nnx.nothing*", "stale"),
    ]
    report = check(inventory, lambda prefix: target, omissions)
    assert [f.detail for f in report.of("omitted")] == ["not needed", "not needed"]
    assert [o.pattern for o in report.stale] == ["nnx.nothing*"] and not report.ok
    assert check(inventory, lambda prefix: target, omissions[:2]).ok


def test_members_are_checked_by_kind_and_signature() -> None:
    inventory = {
        "about": {},
        "entries": {
            "nnx.C": {
                "kind": "class",
                "namespace": "nnx",
                "path": ["C"],
                "module": "m",
                "init": [],
                "abcs": [],
                "bases": [],
            },
            "nnx.C.value": {
                "kind": "property",
                "settable": True,
                "namespace": "nnx",
                "path": ["C", "value"],
            },
            "nnx.C.merge": {
                "kind": "staticmethod",
                "namespace": "nnx",
                "path": ["C", "merge"],
                "params": [["state", P, False], ["states", VP, False]],
            },
            "nnx.C.__setitem__": {
                "kind": "method",
                "namespace": "nnx",
                "path": ["C", "__setitem__"],
                "params": [["key", PK, False], ["value", PK, False]],
            },
        },
    }

    class Good:
        @property
        def value(self) -> int:
            return 0

        @value.setter
        def value(self, v: int) -> None: ...

        @staticmethod
        def merge(state: Any, /, *states: Any) -> None: ...

        def __setitem__(self, k: Any, item: Any) -> None: ...  # protocol names are free

    class Bad:
        @property
        def value(self) -> int:
            return 0

        def merge(self, state: Any, *states: Any) -> None: ...

    assert check(inventory, lambda p: types.SimpleNamespace(C=Good), []).ok
    report = check(inventory, lambda p: types.SimpleNamespace(C=Bad), [])
    assert {f.key: f.detail for f in report.of("incompatible")} == {
        "nnx.C.value": "a read-only property; the seed's can be set",
        "nnx.C.merge": "a method, the seed's is a staticmethod",
    }
    assert [f.key for f in report.of("missing")] == ["nnx.C.__setitem__"]


needs_flax = pytest.mark.skipif(FLAX_NNX is None, reason="needs a flax 0.10.3 environment")


@needs_flax
def test_the_committed_inventory_is_what_flax_0_10_3_generates() -> None:
    name, inventory = generate_from_flax()
    committed = load(name)
    assert inventory["entries"] == committed["entries"]


@needs_flax
def test_flax_0_10_3_has_the_surface_it_claims() -> None:
    from spec.targets.flax import FlaxTarget

    report = check_target(FlaxTarget())
    assert report is not None
    assert report.ok and not report.of("omitted"), report.render()


def test_a_generic_alias_is_described_as_an_alias_on_every_python() -> None:
    # on Python 3.10 isinstance(list[int], type) is True, and issubclass() then raises
    from spec.surface.describe import describe

    assert describe(list[int])["kind"] == "alias"
    assert describe(dict[str, int])["kind"] == "alias"
