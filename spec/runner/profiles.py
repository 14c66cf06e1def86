"""Hypothesis profiles of the conformance suite (``deadline=None`` everywhere: JAX compiles on
first call, so wall-clock deadlines only measure the compiler).

=============  ===============================================================================
profile        what it is for
=============  ===============================================================================
``dev``        the default: a fast, randomised look at every law (the README's main command)
``ci``         deterministic (``derandomize``), no example database, failure blobs printed
``thorough``   >= 1,000 examples per law, ``target()`` pushing towards sharing, cycles, depth
``exhaustive`` the bounded-exhaustive blueprint set (``strategies.exhaustive_cases``) per law
=============  ===============================================================================

``register_profiles`` makes them available to plain Hypothesis tests as ``nnxspec-<name>``
(``tests/conftest.py`` loads ``nnxspec-ci`` under CI, ``nnxspec-dev`` otherwise).  The runner does
not rely on whichever profile is loaded: ``settings_for`` builds each law's settings from the
Hypothesis ``default`` profile, the named profile, the law's example weight and the runner's own
additions: one minimal failure per law; no ``explain`` phase (it re-runs a failing law many times
to annotate the report; the vector's diff already says what differs); no health check on slow
or often-rejected inputs, since a law may reject inputs its target cannot build.

Reproducible means: the same nnxspec, Hypothesis and target, imported the same way.  Hypothesis
mixes literal constants of *local* modules (those not under ``site-packages``) into a few of its
draws, so a ``ci`` run of nnxspec imported from a checkout (an editable install, as the README's
commands make) draws other examples than the same code installed from a wheel.  Every committed
result comes from a checkout import (``.ci/conformance-fresh.sh`` puts the checkout first on
``PYTHONPATH`` in each release's environment).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

__all__ = [
    "FIXED_SCALE",
    "FLOORS",
    "PROFILES",
    "RUNNER_SETTINGS",
    "SCALE_FLOORS",
    "examples_for",
    "register_profiles",
    "scale_floor",
    "settings_for",
]

PROFILES: dict[str, dict[str, object]] = {
    "dev": {"max_examples": 12, "deadline": None},
    "ci": {"max_examples": 40, "deadline": None, "derandomize": True, "database": None},
    "thorough": {
        "max_examples": 1000,
        "deadline": None,
        "suppress_health_check": [HealthCheck.too_slow],
    },
    "exhaustive": {
        "max_examples": 1,
        "deadline": None,
        "database": None,
        "phases": [Phase.explicit, Phase.reuse, Phase.generate],
    },
}
"""Profile name -> hypothesis settings (``exhaustive`` replays an explicit input set instead)."""

FLOORS: dict[str, int] = {"thorough": 1000}
"""Profile name -> the fewest examples any law gets, whatever its weight."""

FIXED_SCALE: dict[str, float] = {"dev": 0.1}
"""Profile name -> ``Case.scale`` of the built-in input of fixed laws (1 where not listed): the
``dev`` profile checks the robustness laws at a tenth of their size."""

SCALE_FLOORS: dict[str, int] = {"dev": 2, "ci": 4, "thorough": 25}
"""Profile name -> the fewest examples on a graph with a scale tail (deep or wide,
``strategies._scale``) that each law with drawn inputs checks per run, scaled by the law's
weight but never under 2: the first such example Hypothesis draws is the simplest (a 100-level
spine over an empty module), the others carry random graphs.  The runner tops up what the law's
own search drew (``spec.runner.engine``)."""


def scale_floor(profile: str, weight: float) -> int:
    """Return the scale-tail floor of a law of relative ``weight`` under ``profile`` (0 for a
    profile without one, as ``exhaustive``)."""
    if profile not in SCALE_FLOORS:
        return 0
    return max(2, round(SCALE_FLOORS[profile] * weight))


RUNNER_SETTINGS: dict[str, object] = {
    "report_multiple_bugs": False,
    # the failure vector replays a case; "@reproduce_failure" fits no user code
    "print_blob": False,
    "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
}
"""What the runner adds to every profile when it checks a law."""


def register_profiles() -> None:
    """Register every profile with Hypothesis under the name ``nnxspec-<profile>``."""
    for name, kwargs in PROFILES.items():
        settings.register_profile(f"nnxspec-{name}", **kwargs)  # type: ignore[arg-type]


def examples_for(profile: str, weight: float) -> int:
    """Return the number of examples a law of relative ``weight`` gets under ``profile``."""
    base = PROFILES[profile]["max_examples"]
    assert isinstance(base, int)  # sanity check: PROFILES is written above
    scaled: int = round(base * weight)
    return max(FLOORS.get(profile, 1), scaled)


def settings_for(profile: str, weight: float = 1.0) -> settings:
    """Return the Hypothesis settings for one law of ``weight`` under ``profile``.

    Under CI (the ``CI`` environment variable set) every profile is derandomized and uses no
    example database, so a CI run is reproducible whatever profile it asks for.
    """
    kwargs = dict(PROFILES[profile])
    if os.environ.get("CI"):
        kwargs.update(derandomize=True, database=None)
    suppressed = list(kwargs.pop("suppress_health_check", []))  # type: ignore[call-overload]
    for check in RUNNER_SETTINGS["suppress_health_check"]:  # type: ignore[attr-defined]
        if check not in suppressed:
            suppressed.append(check)
    kwargs["max_examples"] = examples_for(profile, weight)
    kwargs["report_multiple_bugs"] = RUNNER_SETTINGS["report_multiple_bugs"]
    kwargs["phases"] = RUNNER_SETTINGS["phases"]
    kwargs["suppress_health_check"] = suppressed
    return settings(settings.get_profile("default"), **kwargs)  # type: ignore[arg-type]
