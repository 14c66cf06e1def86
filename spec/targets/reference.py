"""The reference target: nnxspec's own clean-room implementation, judged like any other."""

from __future__ import annotations

from spec.targets._nnx import NNXTarget

__all__ = ["ReferenceTarget"]


class ReferenceTarget(NNXTarget):
    """``reference`` driven through the seed-shaped adapter; it declares every capability of
    the seed's semantics."""

    name = "reference"
    reproducer_import = "import reference as nnx"

    def __init__(self) -> None:
        import reference

        super().__init__(reference)
        self.version = str(getattr(reference, "__version__", "0"))
