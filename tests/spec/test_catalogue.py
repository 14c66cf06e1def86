"""The law catalogue's own invariants: ids, docstrings, areas, inputs, capabilities."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

from spec.laws import AREAS, INPUTS, LAWS, RETIRED, law_by_id
from spec.laws._where import checker_location
from spec.target import Capability

KNOWN_CAPABILITIES = {v for k, v in vars(Capability).items() if k.isupper()}


def test_there_are_at_least_45_laws_in_at_least_12_areas() -> None:
    assert len(LAWS) >= 45
    assert len({law.area for law in LAWS}) >= 12


def test_ids_are_unique_and_well_formed() -> None:
    ids = [law.id for law in LAWS]
    assert len(ids) == len(set(ids))
    for law_id in ids:
        assert re.fullmatch(r"[A-Z]+-[1-9][0-9]*", law_id), law_id
        assert law_id.split("-")[0] in AREAS


def test_numbers_in_each_area_have_no_gaps() -> None:
    """Ids are never reused, and new ones are appended: each area counts 1, 2, 3, ...
    (a retired id keeps its number)."""
    ids = [law.id for law in LAWS] + list(RETIRED)
    for prefix in AREAS:
        numbers = sorted(int(i.split("-")[1]) for i in ids if i.split("-")[0] == prefix)
        assert numbers == list(range(1, len(numbers) + 1)), (prefix, numbers)


def test_retired_ids_are_not_laws_and_say_where_they_went() -> None:
    assert not {law.id for law in LAWS} & set(RETIRED)
    assert all(RETIRED.values())


def test_every_law_states_itself_formally() -> None:
    for law in LAWS:
        assert law.title and law.statement and law.rationale and law.seed, law.id
        assert 1 <= len(law.statement.splitlines()) <= 3, (law.id, law.statement)


def test_inputs_and_capabilities_are_known() -> None:
    for law in LAWS:
        assert set(law.inputs) <= set(INPUTS), law.id
        assert law.requires <= KNOWN_CAPABILITIES, (law.id, law.requires - KNOWN_CAPABILITIES)


def test_catalogue_order_follows_areas() -> None:
    order = [list(AREAS).index(law.prefix) for law in LAWS]
    assert order == sorted(order)


def test_deviations_cite_existing_laws() -> None:
    from spec.deviations import DEVIATIONS

    ids = {law.id for law in LAWS}
    assert [d.id for d in DEVIATIONS] == [f"D-{i}" for i in range(1, len(DEVIATIONS) + 1)]
    for d in DEVIATIONS:
        assert set(d.laws) <= ids, (d.id, set(d.laws) - ids)


def test_each_law_lives_in_the_module_named_after_its_area() -> None:
    """``AREA-N`` is checked in ``spec/laws/<area>.py``, the prefix in lower case."""
    for law in LAWS:
        path = Path(inspect.getsourcefile(law.check) or "")
        assert (path.parent.name, path.name) == ("laws", f"{law.prefix.lower()}.py"), (law.id, path)
        assert law.check.__module__ == f"spec.laws.{law.prefix.lower()}", law.id


def test_every_area_has_its_module() -> None:
    laws_dir = Path(inspect.getsourcefile(law_by_id("ID-1").check) or "").parent
    public = {p.stem for p in laws_dir.glob("*.py") if not p.name.startswith("_")}
    assert public == {prefix.lower() for prefix in AREAS}


def _needs(check: Callable[..., object]) -> list[str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(check)))
    return [
        ast.unparse(call.args[1])
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "need"
    ]


def test_capabilities_are_checked_once() -> None:
    """A capability in ``requires=`` is not checked again by ``need()`` in the checker."""
    by_constant = {f"Capability.{k}": v for k, v in vars(Capability).items() if k.isupper()}
    for law in LAWS:
        again = {by_constant.get(c, c) for c in _needs(law.check)} & law.requires
        assert not again, (law.id, again)


def test_every_law_names_its_checker_and_oracle_in_spec_md() -> None:
    from spec.runner import specdoc

    text = specdoc.render()
    for law in LAWS:
        section = text.split(f"### {law.id}: ", 1)[1].split("\n### ", 1)[0]
        assert f"- **Checker:** `{checker_location(law)}`" in section, law.id
        assert "- **Oracle:** " in section, law.id
