"""The reference target: nnxspec's own clean-room implementation, judged like any other."""

from __future__ import annotations

from spec.target import Capability
from spec.targets._nnx import NNXTarget
from spec.targets.reference_omissions import OMISSIONS

__all__ = ["ReferenceTarget"]


class ReferenceTarget(NNXTarget):
    """``reference`` driven through the seed-shaped adapter; it declares every capability of
    the seed's semantics, and its errors carry their paths."""

    name = "reference"
    capabilities = NNXTarget.capabilities | {Capability.ERRORS_CARRY_PATHS}
    reproducer_import = "import reference as nnx"
    surface = "flax-0.10.3"
    surface_omissions = OMISSIONS

    def surface_namespace(self, prefix: str) -> object:
        """The reference is one flat namespace: ``nnx.graph.flatten`` is ``reference.flatten``."""
        return self.nnx

    def __init__(self) -> None:
        import reference

        super().__init__(reference)
        self.version = str(getattr(reference, "__version__", "0"))

    def error_path(self, error: BaseException) -> tuple[object, ...] | None:
        """Every reference error about a place keeps that place in ``GraphError.path``."""
        from reference.errors import GraphError

        if isinstance(error, GraphError) and error.path is not None:
            return error.path
        return None
