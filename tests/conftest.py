"""Project-wide test settings: the nnxspec Hypothesis profiles (``spec.runner.profiles``).

Plain Hypothesis tests run under ``nnxspec-ci`` (derandomized, no database) when the ``CI``
environment variable is set, else under ``nnxspec-dev``.
"""

from __future__ import annotations

import os

from hypothesis import settings

from spec.runner.profiles import register_profiles

register_profiles()
settings.load_profile("nnxspec-ci" if os.environ.get("CI") else "nnxspec-dev")
