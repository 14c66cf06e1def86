"""Reading TOML: the standard library's ``tomllib`` (Python >= 3.11), else ``tomli`` (the same
parser, a dependency of nnxspec on Python < 3.11)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = ["TOMLError", "load", "loads"]

TOMLError: type[ValueError] = tomllib.TOMLDecodeError


def loads(text: str) -> dict[str, Any]:
    """Parse TOML ``text`` (``TOMLError`` when it is not TOML)."""
    doc: dict[str, Any] = tomllib.loads(text)
    return doc


def load(path: Path) -> dict[str, Any]:
    """Parse the TOML file at ``path``."""
    return loads(path.read_text(encoding="utf-8"))
