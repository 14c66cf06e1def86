"""Check the surface a target claims (``Target.surface``) and generate an inventory from flax."""

from __future__ import annotations

import functools
import importlib
from typing import Any

from spec.surface.check import SurfaceReport, check
from spec.surface.inventory import NAMESPACES, Inventory, about_here, generate, load
from spec.target import Target

__all__ = ["check_target", "claims", "generate_from_flax"]


def check_target(t: Target) -> SurfaceReport | None:
    """Check ``t`` against the inventory it claims; None if it claims none."""
    if t.surface is None:
        return None
    return check(
        load(t.surface),
        t.surface_namespace,
        t.surface_omissions,
        target=f"{t.name} {t.version}",
        inventory_name=t.surface,
    )


def generate_from_flax() -> tuple[str, Inventory]:
    """Return ``("flax-<version>", inventory)`` for the installed flax release."""
    flax = importlib.import_module("flax")
    version = str(flax.__version__)
    namespaces = {p: importlib.import_module(f"flax.{p}") for p in NAMESPACES}
    return f"flax-{version}", generate(namespaces, about_here(f"flax {version}"))


def claims(t: Target, *keys: str) -> bool:
    """Does ``t`` claim every inventory entry ``keys`` (a surface that has them, none omitted)?"""
    if t.surface is None:
        return False
    entries = _entries(t.surface)
    for key in keys:
        entry = entries.get(key)
        if entry is None:
            return False
        module = entries[f"{entry['namespace']}.{entry['path'][0]}"]["module"]
        if any(o.matches(key, module, entry["kind"]) for o in t.surface_omissions):
            return False
    return True


@functools.cache
def _entries(name: str) -> dict[str, Any]:
    entries: dict[str, Any] = load(name)["entries"]
    return entries
