"""Hypothesis profiles of the conformance suite (``deadline=None`` everywhere: JAX compiles on
first call, so wall-clock deadlines only measure the compiler).

=============  ===============================================================================
profile        what it is for
=============  ===============================================================================
``dev``        the default: a fast, randomised look at every law (the README's main command)
``ci``         deterministic (``derandomize``), no example database, failure blobs printed
``thorough``   >= 1,000 examples per law, ``target()`` pushing towards sharing, cycles, depth
``exhaustive`` the bounded-exhaustive blueprint set (``strategies.all_blueprints``) per law
=============  ===============================================================================
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings

__all__ = ["PROFILES", "examples_for", "register_profiles"]

PROFILES: dict[str, dict[str, object]] = {
    "dev": {"max_examples": 12, "deadline": None},
    "ci": {"max_examples": 40, "deadline": None, "derandomize": True, "database": None, "print_blob": True},
    "thorough": {"max_examples": 1000, "deadline": None, "suppress_health_check": [HealthCheck.too_slow]},
    "exhaustive": {"max_examples": 1, "deadline": None, "database": None,
                   "phases": [Phase.explicit, Phase.reuse, Phase.generate]},
}
"""Profile name -> hypothesis settings (``exhaustive`` replays an explicit input set instead)."""


def register_profiles() -> None:
    """Register every profile with Hypothesis under the name ``nnxspec-<profile>`` and plain."""
    for name, kwargs in PROFILES.items():
        settings.register_profile(f"nnxspec-{name}", **kwargs)  # type: ignore[arg-type]


def examples_for(profile: str, weight: float) -> int:
    """Return the number of examples a law of relative ``weight`` gets under ``profile``."""
    base = int(PROFILES[profile]["max_examples"])  # type: ignore[call-overload]
    return max(1, int(round(base * weight)))
