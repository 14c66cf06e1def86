"""The mutant catalogue itself: well formed, reachable as targets, installed and undone cleanly,
patching public names of the reference only, and runnable as ``nnxspec mutants`` from here."""

from __future__ import annotations

import sys

import pytest

from spec.blueprint import Blueprint
from spec.build import build
from spec.laws import LAWS
from spec.target import resolve_target
from spec.targets.reference import ReferenceTarget
from tests.mutants.catalogue import MUTANTS, Patcher, installed, mutant_by_name


def _reference_state() -> dict[str, object]:
    """Every attribute of every reference module and class, by identity."""
    out: dict[str, object] = {}
    for name, module in sorted(sys.modules.items()):
        if module is None or not (name == "reference" or name.startswith("reference.")):
            continue
        for attr, value in vars(module).items():
            out[f"{name}.{attr}"] = value
            if isinstance(value, type) and value.__module__ == name:
                for cattr, cvalue in vars(value).items():
                    out[f"{name}.{attr}.{cattr}"] = cvalue
    from reference import _registry

    for registry in ("GRAPH_REGISTRY", "PYTREE_REGISTRY", "IMPLS"):
        for t, impl in getattr(_registry, registry).items():
            out[f"{registry}[{t.__qualname__}]"] = impl
    return out


def test_catalogue_is_well_formed() -> None:
    names = [m.name for m in MUTANTS]
    assert len(names) >= 40
    assert len(set(names)) == len(names)
    law_ids = {law.id for law in LAWS}
    for m in MUTANTS:
        assert m.name.isidentifier(), m.name
        assert m.description and "\n" not in m.description, m.name
        assert m.expected and set(m.expected) <= law_ids, (m.name, set(m.expected) - law_ids)
        assert (m.mechanism == "monkeypatch") == (m.install is not None), m.name
        assert (m.mechanism == "wrapper") == (m.wrapper is not None), m.name


def test_mutants_resolve_as_targets() -> None:
    t = resolve_target(
        "tests.mutants.catalogue:state_ignores_single_filter"
    )  # a wrapper: nothing installed
    assert t.name == "mutant-state_ignores_single_filter"
    with pytest.raises(KeyError):
        mutant_by_name("no_such_mutant")


@pytest.mark.parametrize("name", [m.name for m in MUTANTS if m.install is not None])
def test_install_and_undo_restore_the_reference(name: str) -> None:
    ReferenceTarget()  # the blueprint node classes exist before any mutant is installed
    before = _reference_state()
    with installed(mutant_by_name(name)) as t:
        x = build(
            t,
            Blueprint.from_json('{"nodes": [{"kind": "module", "entries": []}], "variables": []}'),
        ).root
        t.state(x)
        changed = {k for k, v in _reference_state().items() if before.get(k) is not v}
        assert changed, f"{name} changed nothing in reference"
    after = _reference_state()
    differ = sorted(k for k in set(before) | set(after) if before.get(k) is not after.get(k))
    assert not differ, f"{name} left {differ[:5]} changed"


def test_patcher_replaces_every_import() -> None:
    import importlib

    api, flat = (
        importlib.import_module("reference._api"),
        importlib.import_module("reference._flatten"),
    )
    original = flat.flatten_graph
    p = Patcher()
    p.replace("reference._flatten", "flatten_graph", len)
    try:
        assert api.flatten_graph is len
        assert flat.flatten_graph is len
    finally:
        p.undo()
    assert api.flatten_graph is original


def test_patcher_refuses_private_names() -> None:
    p = Patcher()
    with pytest.raises(ValueError, match="public names only"):
        p.replace("reference._flatten", "_run", len)
    with pytest.raises(ValueError, match="public names only"):
        p.set_attr(ReferenceTarget, "_private", len)
    p.undo()


@pytest.mark.parametrize("name", ["attributes_insertion_order", "dict_keys_insertion_order"])
def test_hook_mutants_reach_types_registered_later(name: str) -> None:
    from reference._registry import GRAPH_REGISTRY

    m = mutant_by_name(name)
    with installed(m):
        if name == "attributes_insertion_order":
            import reference

            class Late(reference.Module):
                pass

            late = Late()
            late.b, late.a = 1, 2
            assert [k for k, _ in GRAPH_REGISTRY[Late].flatten(late)[0]] == ["b", "a"]
    if name == "attributes_insertion_order":
        assert [k for k, _ in GRAPH_REGISTRY[Late].flatten(late)[0]] == ["a", "b"]


def test_mutants_command_is_registered() -> None:
    from spec.runner.commands import load

    assert "mutants" in load()


def test_mutants_command_says_when_there_is_no_checkout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse
    from pathlib import Path

    from spec.runner.commands import mutants as command

    monkeypatch.setattr(command, "_ROOT", Path("/nonexistent"))
    p = argparse.ArgumentParser()
    command._configure(p)
    assert command._run(p.parse_args(["--profile", "ci"])) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "from a clone" in err
