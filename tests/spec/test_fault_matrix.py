"""The operation × fault matrix (``spec.laws._faults``) has no empty cell."""

from __future__ import annotations

from spec.laws import LAWS
from spec.laws._faults import CANNOT, COVERS, FAULTS, OPERATIONS, cell


def test_every_cell_has_a_law_or_a_reason() -> None:
    empty = [(op, f) for op in OPERATIONS for f in FAULTS if cell(op, f) == ((), None)]
    assert not empty, f"cells with neither a law nor a reason: {empty}"


def test_no_cell_has_both_a_law_and_a_reason() -> None:
    both = [(op, f) for op in OPERATIONS for f in FAULTS if all(cell(op, f))]
    assert not both, f"cells with a law and a reason it cannot occur: {both}"


def test_cells_name_known_operations_faults_and_laws() -> None:
    ids = {law.id for law in LAWS}
    assert set(COVERS) <= ids, f"unknown laws: {sorted(set(COVERS) - ids)}"
    cells = {c for cs in COVERS.values() for c in cs} | set(CANNOT)
    unknown = sorted(c for c in cells if c[0] not in OPERATIONS or c[1] not in FAULTS)
    assert not unknown, f"cells outside the matrix: {unknown}"
