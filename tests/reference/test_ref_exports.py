"""The public surface: ``__all__`` lists exactly the public names, all importable."""

from __future__ import annotations

import reference
import reference.errors


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in dir(reference) if name[0] not in "_@"}  # '@': pytest rewriting
    assert set(reference.__all__) == public
    assert len(reference.__all__) == len(set(reference.__all__))


def test_errors_module_all_is_complete() -> None:
    public = {name for name in dir(reference.errors) if name[0] not in "_@"}
    public -= {"annotations", "ClassVar", "Hashable", "Sequence"}
    assert set(reference.errors.__all__) == public
