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
