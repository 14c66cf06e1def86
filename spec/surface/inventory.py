"""The inventory: a public surface as data, generated from a live release and stored as JSON.

``generate(namespaces)`` walks the public names of each namespace (``nnx`` first, then the
modules the seed's graph layer lives in) and records one entry per name, keyed
``<namespace>.<name>``; an object met again under a later namespace is recorded once. Classes
defined in the graph layer (``EXPANDED_MODULES``) and every ``Variable`` subclass also get one
entry per member they define themselves (``<namespace>.<Class>.<member>``) and ``bases``: the
keys of the inventory classes they derive from. Everything else (layers, transforms, ``Rngs``,
re-exported jax functions) is recorded by name, kind and module only: a target that implements
the graph layer lists them as omissions, with a reason.

The committed inventory ``flax-0.10.3.json`` was generated inside the flax 0.10.3 environment:

    nnxspec env flax==0.10.3 .venvs/flax-0.10.3
    .venvs/flax-0.10.3/bin/nnxspec surface --generate

(``--output FILE`` writes elsewhere; the default is this package's ``flax-<version>.json``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from spec.surface.describe import Entry, describe, own_members

__all__ = [
    "EXPANDED_MODULES",
    "HERE",
    "NAMESPACES",
    "Inventory",
    "generate",
    "inventory_path",
    "load",
    "save",
]

HERE = Path(__file__).resolve().parent

NAMESPACES = ("nnx", "nnx.graph", "nnx.statelib", "nnx.variablelib")
"""The namespaces an inventory covers, in walking order: the public ``nnx`` namespace, then the
seed's graph module and the modules of ``State`` and ``Variable`` (for names ``nnx`` does not
export, such as ``graph.flatten`` or ``statelib.FlatState``)."""

EXPANDED_MODULES = (
    "flax.nnx.graph",
    "flax.nnx.statelib",
    "flax.nnx.variablelib",
    "flax.nnx.object",
    "flax.nnx.module",
    "flax.nnx.filterlib",
    "flax.nnx.helpers",
)
"""Modules whose classes are inventoried member by member (the graph layer)."""

COMMAND = "nnxspec surface --generate  (run inside the environment of the release)"

Inventory = dict[str, Any]
"""``{"about": {...}, "entries": {key: entry}}``; an entry has ``namespace``, ``path`` (the
attribute names from the namespace), ``module`` (where the object is defined) and what
``spec.surface.describe`` records for its kind."""


def _defined_in(obj: object) -> str:
    module = getattr(obj, "__module__", None)
    if isinstance(module, str):
        return module
    name = getattr(obj, "__name__", None)
    return name if isinstance(name, str) and type(obj).__name__ == "module" else "?"


def _expanded(cls: type, variable_base: type | None) -> bool:
    if cls.__module__ in EXPANDED_MODULES:
        return True
    return variable_base is not None and issubclass(cls, variable_base)


def _public_names(namespace: Any, prefix: str) -> list[str]:
    names = [n for n in dir(namespace) if not n.startswith("_")]
    if prefix == "nnx":
        return sorted(names)
    # a library module: only what it defines itself (not its imports)
    own = namespace.__name__
    return sorted(n for n in names if getattr(getattr(namespace, n), "__module__", None) == own)


def generate(namespaces: Mapping[str, Any], about: Mapping[str, str]) -> Inventory:
    """Return the inventory of ``namespaces`` (``NAMESPACES`` prefix -> live module)."""
    entries: dict[str, Entry] = {}
    seen: dict[int, str] = {}
    classes: list[tuple[str, str, type]] = []
    variable_base = getattr(namespaces["nnx"], "Variable", None)
    for prefix in NAMESPACES:
        namespace = namespaces[prefix]
        for name in _public_names(namespace, prefix):
            obj = getattr(namespace, name)
            if id(obj) in seen and not isinstance(obj, (str, int, float, bool)):
                continue
            seen[id(obj)] = f"{prefix}.{name}"
            entry = {"namespace": prefix, "path": [name], "module": _defined_in(obj)}
            entry.update(describe(obj))
            entries[f"{prefix}.{name}"] = entry
            if isinstance(obj, type) and _expanded(obj, variable_base):
                classes.append((prefix, name, obj))
    for prefix, name, cls in classes:
        key = f"{prefix}.{name}"
        entries[key]["bases"] = sorted(
            seen[id(base)] for base in cls.__mro__[1:] if id(base) in seen
        )
        for member, entry in own_members(cls).items():
            entries[f"{key}.{member}"] = {"namespace": prefix, "path": [name, member], **entry}
    return {"about": {"command": COMMAND, **about}, "entries": dict(sorted(entries.items()))}


def about_here(release: str) -> dict[str, str]:
    """The ``about`` block for an inventory generated now from ``release``."""
    import jax

    py = ".".join(map(str, sys.version_info[:3]))
    return {"release": release, "jax": str(jax.__version__), "python": py}


def inventory_path(name: str) -> Path:
    """The committed inventory called ``name`` (e.g. ``flax-0.10.3``)."""
    return HERE / f"{name}.json"


def save(inventory: Inventory, path: Path) -> None:
    """Write ``inventory`` as JSON, one entry a line (so a regenerated file diffs by entry)."""
    lines = ["{", f'  "about": {json.dumps(inventory["about"], sort_keys=True)},', '  "entries": {']
    items = list(inventory["entries"].items())
    for i, (key, entry) in enumerate(items):
        comma = "," if i + 1 < len(items) else ""
        lines.append(f"    {json.dumps(key)}: {json.dumps(entry, sort_keys=True)}{comma}")
    lines += ["  }", "}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load(name_or_path: str | Path) -> Inventory:
    """Load a committed inventory by name, or any inventory file by path."""
    path = Path(name_or_path)
    if path.suffix != ".json" and len(path.parts) == 1:
        path = inventory_path(str(name_or_path))
    data: Inventory = json.loads(path.read_text(encoding="utf-8"))
    return data
