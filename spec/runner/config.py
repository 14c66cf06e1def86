"""What one conformance run is: target, profile, backends, report folder, expectations.

Every entry point (the pytest plugin, ``nnxspec check``, the suite module collected on its own)
builds one ``RunConfig`` from its options, falling back to the environment and then to defaults:

=================  ======================  ==================  ===============================
setting            pytest option           environment         default
=================  ======================  ==================  ===============================
target             ``--nnxspec-target``    ``NNXSPEC_TARGET``  ``reference``
profile            ``--nnxspec-profile``   ``NNXSPEC_PROFILE`` ``dev``
backends           ``--nnxspec-backends``  ``NNXSPEC_BACKENDS`` every platform of ``jax.devices()``
                                                               plus ``cpu``
report folder      ``--nnxspec-report``    ``NNXSPEC_REPORT``  none
expectations       ``--nnxspec-expect``    ``NNXSPEC_EXPECT``  ``spec/targets/expectations/
                                                               <name>[-<version>].toml`` if any
=================  ======================  ==================  ===============================
"""

from __future__ import annotations

import dataclasses
import os
import platform
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path

__all__ = [
    "DEFAULT_PROFILE",
    "DEFAULT_TARGET",
    "ENV",
    "RunConfig",
    "available_backends",
    "backend_devices",
    "default_backends",
    "describe_backends",
    "parse_backends",
    "versions",
]

DEFAULT_TARGET = "reference"
DEFAULT_PROFILE = "dev"
ENV: dict[str, str] = {
    "target": "NNXSPEC_TARGET",
    "profile": "NNXSPEC_PROFILE",
    "backends": "NNXSPEC_BACKENDS",
    "report": "NNXSPEC_REPORT",
    "expect": "NNXSPEC_EXPECT",
}
"""Setting -> environment variable."""


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """One conformance run's settings (see the module docstring)."""

    target: str = DEFAULT_TARGET
    profile: str = DEFAULT_PROFILE
    backends: tuple[str, ...] = ("cpu",)
    report: Path | None = None
    expect: Path | None = None

    def __post_init__(self) -> None:
        from spec.runner.profiles import PROFILES

        if self.profile not in PROFILES:
            raise ValueError(
                f"unknown profile {self.profile!r}; choose one of {', '.join(PROFILES)}"
            )
        if not self.backends:
            raise ValueError("a run needs at least one backend (for example 'cpu')")

    @staticmethod
    def resolve(
        options: Mapping[str, str | None], environ: Mapping[str, str] | None = None
    ) -> RunConfig:
        """Return the config for explicit ``options`` (None = not given), then ``environ``,
        then the defaults."""
        env = os.environ if environ is None else environ

        def pick(name: str) -> str | None:
            given = options.get(name)
            return given if given is not None else env.get(ENV[name]) or None

        backends = pick("backends")
        report = pick("report")
        expect = pick("expect")
        profile = pick("profile") or DEFAULT_PROFILE
        RunConfig(profile=profile)  # validates the profile before jax is imported for backends
        return RunConfig(
            target=pick("target") or DEFAULT_TARGET,
            profile=profile,
            backends=parse_backends(backends) if backends else default_backends(),
            report=Path(report) if report else None,
            expect=Path(expect) if expect else None,
        )


def parse_backends(text: str) -> tuple[str, ...]:
    """Return the backends of a comma-separated list (``"cpu,gpu"``), deduplicated, in order."""
    out: list[str] = []
    for part in text.split(","):
        name = part.strip().lower()
        if name and name not in out:
            out.append(name)
    return tuple(out)


def available_backends() -> tuple[str, ...]:
    """Return the platforms of ``jax.devices()`` with ``cpu`` first and always present."""
    import jax

    found = {d.platform for d in jax.devices()}
    return ("cpu", *sorted(found - {"cpu"}))


def default_backends() -> tuple[str, ...]:
    """The default backend list: every available platform, cpu included."""
    return available_backends()


def backend_devices(backend: str) -> list[object]:
    """Return the devices of ``backend``; an empty list when jax has no such backend here."""
    import jax

    try:
        return list(jax.devices(backend))
    except RuntimeError:
        return []


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, str]:
    """Return the versions a report header shows (python, jax, jaxlib, numpy, hypothesis)."""
    import hypothesis
    import jax
    import numpy

    jaxlib = _version("jaxlib")
    return {
        "python": platform.python_version(),
        "jax": str(jax.__version__),
        "jaxlib": jaxlib,
        "numpy": str(numpy.__version__),
        "hypothesis": str(hypothesis.__version__),
    }


def describe_backends(backends: Sequence[str]) -> str:
    """Return ``cpu [TFRT_CPU_0 (cpu)], gpu [cuda:0 (NVIDIA H100)]`` for a report header."""
    parts = []
    for b in backends:
        devices = backend_devices(b)
        if not devices:
            parts.append(f"{b} [not available here]")
            continue
        names = ", ".join(f"{d} ({getattr(d, 'device_kind', '?')})" for d in devices[:4])
        more = f", +{len(devices) - 4} more" if len(devices) > 4 else ""
        parts.append(f"{b} [{names}{more}]")
    return ", ".join(parts)
