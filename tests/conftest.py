"""Project-wide test settings: the nnxspec Hypothesis profiles (``spec.runner.profiles``).

Plain Hypothesis tests run under ``nnxspec-ci`` (derandomized, no database) when the ``CI``
environment variable is set, else under ``nnxspec-dev``.
"""

from __future__ import annotations

import os

# Many tiny arrays per test, and one process per xdist worker: on a GPU machine each worker would
# otherwise reserve most of the device memory for itself.
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

from hypothesis import settings

from spec.runner.profiles import register_profiles

register_profiles()
settings.load_profile("nnxspec-ci" if os.environ.get("CI") else "nnxspec-dev")


def _import_the_project() -> None:
    """Import every module of the packages up front, so that every process (each xdist worker
    included) has the same project modules loaded before its first test.  Hypothesis mines
    constants from the loaded modules of the project (``sys.modules``) and draws with them, so
    a module imported lazily by an earlier test would change what later derandomized searches
    find and how far they shrink."""
    import importlib
    import pkgutil

    for name in ("reference", "spec", "strategies"):
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            if not info.name.endswith(".__main__"):
                importlib.import_module(info.name)


_import_the_project()
