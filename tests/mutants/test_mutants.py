"""The mutant catalogue itself: well formed, reachable as targets, installed and undone cleanly,
and its bug-switching flatten equal to the reference's with every switch off."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings

import reference
import strategies
from spec.blueprint import Blueprint
from spec.build import build
from spec.laws import LAWS
from spec.mutants import MUTANTS, Patcher, installed, mutant_by_name
from spec.mutants._flatten import flatten
from spec.target import resolve_target
from spec.targets.reference import ReferenceTarget


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
    t = resolve_target("spec.mutants:state_ignores_single_filter")  # a wrapper: nothing installed
    assert t.name == "mutant-state_ignores_single_filter"
    with pytest.raises(KeyError):
        mutant_by_name("no_such_mutant")


@pytest.mark.parametrize("name", [m.name for m in MUTANTS if m.install is not None])
def test_install_and_undo_restore_the_reference(name: str) -> None:
    ReferenceTarget()  # the blueprint node classes exist before any mutant is installed
    before = _reference_state()
    with installed(mutant_by_name(name)) as t:
        x = build(t, Blueprint.from_json('{"nodes": [{"kind": "module", "entries": []}], "variables": []}')).root
        t.state(x)
        changed = {k for k, v in _reference_state().items() if before.get(k) is not v}
        assert changed, f"{name} changed nothing in reference"
    after = _reference_state()
    differ = sorted(k for k in set(before) | set(after) if before.get(k) is not after.get(k))
    assert not differ, f"{name} left {differ[:5]} changed"


def test_patcher_replaces_every_import() -> None:
    import importlib

    api, flat = importlib.import_module("reference._api"), importlib.import_module("reference._flatten")
    original = flat.flatten_graph
    p = Patcher()
    p.replace("reference._flatten", "flatten_graph", len)
    try:
        assert api.flatten_graph is len
        assert flat.flatten_graph is len
    finally:
        p.undo()
    assert api.flatten_graph is original


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(strategies.graphs())
def test_bug_free_flatten_equals_the_reference(bp: Blueprint) -> None:
    from reference._flatten import flatten_graph

    t = ReferenceTarget()
    x = build(t, bp).root
    gd, state = flatten_graph(x)
    mine, my_state = flatten(x)
    assert mine == gd
    assert reference.State._wrap(my_state).flat_state().paths == reference.State._wrap(state).flat_state().paths


def test_mutants_command_is_registered() -> None:
    from spec.runner.commands import load

    assert "mutants" in load()
