"""Expectation files of the shipped targets: ``<target>-<version>.toml`` (``flax-0.12.8.toml``).

Each is the triage of a conformance run (``spec.runner.expectations`` gives the format): every law
the target is known to fail, with the reason (a genuine divergence from the spec) and a link to
the committed minimal vector.  Pass one to ``nnxspec check --expect``; ``path_for`` finds it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["path_for"]


def path_for(target: str, version: str) -> Path | None:
    """Return the expectation file of ``target`` at ``version``, if one ships."""
    path = Path(__file__).with_name(f"{target}-{version}.toml")
    return path if path.is_file() else None
