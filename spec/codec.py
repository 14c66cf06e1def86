"""A small, exact JSON codec for the spec's frozen dataclasses (filters, programs, cases).

``encode`` turns a value built from the registered dataclasses, tuples and JSON scalars into JSON
data; ``decode`` rebuilds an equal value.  Dataclasses are written as ``{"$": name, ...fields}``
and tuples as ``{"$tuple": [...]}``, so nothing is lost (JSON has no tuples).
"""

from __future__ import annotations

import dataclasses
from typing import Union

__all__ = ["JSON", "CodecError", "decode", "encode", "register"]

JSON = Union[None, bool, int, float, str, list["JSON"], dict[str, "JSON"]]

_CLASSES: dict[str, type] = {}


class CodecError(ValueError):
    """Data that ``decode`` cannot turn back into a spec value."""


def register(*classes: type) -> None:
    """Make dataclasses encodable under their class names (names must be unique)."""
    for cls in classes:
        known = _CLASSES.setdefault(cls.__name__, cls)
        if known is not cls:
            raise CodecError(f"two codec classes are called {cls.__name__!r}")


def encode(value: object) -> JSON:
    """Return ``value`` as JSON data."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if _CLASSES.get(name) is not type(value):
            raise CodecError(f"{name} is not registered with spec.codec")
        out: dict[str, JSON] = {"$": name}
        for f in dataclasses.fields(value):
            out[f.name] = encode(getattr(value, f.name))
        return out
    raise CodecError(f"cannot encode {type(value).__name__}: {value!r}")


def decode(data: JSON) -> object:
    """Rebuild the value ``encode`` turned into ``data``."""
    if isinstance(data, dict):
        if "$tuple" in data:
            items = data["$tuple"]
            if not isinstance(items, list):
                raise CodecError(f"bad tuple encoding {data!r}")
            return tuple(decode(v) for v in items)
        name = data.get("$")
        cls = _CLASSES.get(name) if isinstance(name, str) else None
        if cls is None:
            raise CodecError(f"unknown class {name!r} in {data!r}")
        kwargs = {k: decode(v) for k, v in data.items() if k != "$"}
        return cls(**kwargs)
    if isinstance(data, list):
        raise CodecError(f"lists are not spec values: {data!r}")
    return data
