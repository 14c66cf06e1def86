"""The law catalogue's own invariants: ids, docstrings, areas, inputs, capabilities."""

from __future__ import annotations

import re

from spec.laws import AREAS, INPUTS, LAWS
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
    """Ids are never reused, and new ones are appended: each area counts 1, 2, 3, ..."""
    for prefix in AREAS:
        numbers = sorted(int(law.id.split("-")[1]) for law in LAWS if law.prefix == prefix)
        assert numbers == list(range(1, len(numbers) + 1)), (prefix, numbers)


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
