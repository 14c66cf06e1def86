"""SPEC.md is generated from the law catalogue; this test fails when the committed file is stale."""

from __future__ import annotations

import dataclasses
import sys
import types
from pathlib import Path

import pytest

from spec.laws import AREAS, LAWS
from spec.runner import specdoc

ROOT = Path(__file__).resolve().parents[2]


def test_spec_md_is_up_to_date() -> None:
    committed = (ROOT / "SPEC.md").read_text(encoding="utf-8")
    assert committed == specdoc.render(), f"SPEC.md is stale: run `{specdoc.REGENERATE}`"


def test_every_law_and_area_is_in_it_in_order() -> None:
    text = specdoc.render()
    positions = [text.index(f"### {law.id}: ") for law in LAWS]
    assert positions == sorted(positions)
    for law in LAWS:
        assert law.statement in text and law.rationale in text
    used = {law.prefix for law in LAWS}
    assert all(f"## {p}: {AREAS[p]}" in text for p in used)
    assert "## Notation" in text and "## Deviations" in text


@dataclasses.dataclass(frozen=True)
class _Deviation:
    id: str
    summary: str


def test_deviations_render_from_dataclasses_mappings_or_tuples(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = types.ModuleType("spec.deviations")
    module.DEVIATIONS = [  # type: ignore[attr-defined]
        _Deviation("D-1", "recursion | depth"),
        {"id": "D-2", "summary": "b", "flax": "0.10"},
    ]
    monkeypatch.setitem(sys.modules, "spec.deviations", module)
    columns, rows = specdoc.deviation_rows() or ([], [])
    assert columns == ["id", "summary", "flax"]
    assert rows == [["D-1", "recursion \\| depth", ""], ["D-2", "b", "0.10"]]
    assert "| D-1 | recursion \\| depth |  |" in specdoc.render()
    module.DEVIATIONS = [("D-3", "c")]  # type: ignore[attr-defined]
    assert specdoc.deviation_rows() == (["column 1", "column 2"], [["D-3", "c"]])
