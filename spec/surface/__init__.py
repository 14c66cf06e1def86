"""The public surface a target claims, checked rather than remembered.

``flax-0.10.3.json`` is the inventory of the seed era's public surface (every public name of
``flax.nnx``; the seed's graph layer member by member, with signatures), generated from the
release itself (``spec.surface.inventory`` says how). A target declares the inventory it claims
(``Target.surface``), where each inventory namespace lives in it (``Target.surface_namespace``)
and what it leaves out on purpose (``Target.surface_omissions``, a reason per pattern);
``nnxspec surface --target T`` and ``check`` compare the two (``spec.surface.check``).
"""

from __future__ import annotations

from spec.surface.check import Finding, Omission, SurfaceReport, check, incompatibility
from spec.surface.inventory import Inventory, generate, inventory_path, load, save

__all__ = [
    "Finding",
    "Inventory",
    "Omission",
    "SurfaceReport",
    "check",
    "generate",
    "incompatibility",
    "inventory_path",
    "load",
    "save",
]
