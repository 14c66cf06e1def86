"""Per-target expectations: the laws a target is known to fail, with why and where it is tracked.

An expectations file is TOML (read with ``tomllib``, or ``tomli`` before Python 3.11).  It names
its target (and version), then has one table per expected failure; the table name is a law id, or
``LAW@backend`` for one backend of a per-backend law (quote names with ``@``)::

    # flax 0.12: laws it is known to break
    target = "flax"
    version = "0.12.8"

    [ST-4]
    reason = "state() returns live Variables since flax 0.11"
    link = "https://github.com/google/flax/issues/0000"

    ["JIT-2@gpu"]
    reason = "donated buffers are reused on gpu"
    link = ""

    [ROB-11]
    reason = "pop leaves an aliased Variable reachable, on graphs only large searches draw"
    profiles = ["ci", "thorough"]

A law that is expected to fail and fails is reported ``xfail``; one that passes is ``xpass``
(not a failure: the expectation is stale and should go).  ``profiles`` lists the profiles under
which the failure is known to show (a failure that needs the larger or longer searches of ``ci``
and ``thorough``); under any other profile the law may pass, and a pass there is a plain ``pass``
("xpass-allowed"), while a failure is still ``xfail``.  So one file holds under ``dev``, ``ci``
and ``thorough`` alike.  ``dev`` searches at random, so a failure it finds only sometimes is
listed under the profiles that always show it, never under ``dev``.

Warnings (printed with the results, never fatal): an entry naming no law, a backend on a law that
is not per-backend, an entry with no reason, a profile that does not exist, and a file whose
``target`` is not the run's target (or that names none).  Prefer a vector kept under
``tests/vectors/<target>/`` with ``"expect": "fail"`` to an expectation: a vector replays one
exact input, while an expectation waives a whole Hypothesis search.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path

from spec.laws import Law
from spec.runner import toml

__all__ = ["Expectation", "Expectations", "ExpectationsError", "default_path", "load", "parse"]


class ExpectationsError(ValueError):
    """A malformed expectations file; the message names the file (and the line, when TOML says)."""


@dataclasses.dataclass(frozen=True)
class Expectation:
    """One expected failure: ``law`` (on ``backend`` only, when given), why, where tracked, and
    the profiles where it is known to show (empty: every profile)."""

    law: str
    backend: str | None
    reason: str
    link: str
    profiles: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.law if self.backend is None else f"{self.law}@{self.backend}"

    def pass_allowed(self, profile: str) -> bool:
        """True when a pass under ``profile`` is no sign of a stale entry (see the module
        docstring)."""
        return bool(self.profiles) and profile not in self.profiles


@dataclasses.dataclass(frozen=True)
class Expectations:
    """The entries of one expectations file (empty when the run has none), and the target and
    version it says it was made for."""

    entries: tuple[Expectation, ...] = ()
    source: Path | None = None
    target: str | None = None
    version: str | None = None

    def lookup(self, law_id: str, backend: str | None) -> Expectation | None:
        """Return the entry for ``law_id`` on ``backend``: ``LAW@backend`` first, then ``LAW``."""
        exact = [
            e
            for e in self.entries
            if e.law == law_id and e.backend is not None and e.backend == backend
        ]
        if exact:
            return exact[0]
        return next((e for e in self.entries if e.law == law_id and e.backend is None), None)

    def warnings(self, laws: Iterable[Law], target: str | None = None) -> list[str]:
        """Return a warning for every entry that matches no law, or no backend of one, and (given
        the run's ``target`` name) for a file made for another target."""
        from spec.runner.profiles import PROFILES

        known = {law.id: law for law in laws}
        where = f" in {self.source}" if self.source else ""
        out = []
        if target is not None and self.entries and self.target != target:
            made = (
                f"made for target {self.target!r}"
                if self.target
                else 'names no target (add target = "...")'
            )
            out.append(f"the expectations file{where} {made}, but this run checks {target!r}")
        for e in self.entries:
            law = known.get(e.law)
            if law is None:
                out.append(f"expectation {e.key!r}{where} matches no law")
            elif e.backend is not None and not law.per_backend:
                out.append(
                    f"expectation {e.key!r}{where} names a backend, but {e.law} is not "
                    "checked per backend"
                )
            elif not e.reason:
                out.append(f"expectation {e.key!r}{where} gives no reason")
            unknown = [p for p in e.profiles if p not in PROFILES]
            if unknown:
                out.append(f"expectation {e.key!r}{where} names unknown profiles {unknown}")
        return out


def parse(text: str, source: str = "<expectations>") -> Expectations:
    """Return the expectations of TOML ``text``."""
    try:
        doc = toml.loads(text)
    except toml.TOMLError as e:
        raise ExpectationsError(f"{source}: {e}") from e
    entries = []
    for key, body in doc.items():
        if not isinstance(body, Mapping):
            continue  # top-level keys: target, version
        law, _, backend = key.partition("@")
        unknown = sorted(set(body) - {"reason", "link", "profiles"})
        if unknown:
            raise ExpectationsError(
                f"{source}: [{key}] has unknown keys {unknown}; expected reason, link, profiles"
            )
        profiles = body.get("profiles", [])
        if not isinstance(profiles, list) or not all(isinstance(p, str) for p in profiles):
            raise ExpectationsError(f"{source}: [{key}] profiles must be a list of profile names")
        entries.append(
            Expectation(
                law.strip(),
                backend.strip().lower() or None,
                str(body.get("reason", "")),
                str(body.get("link", "")),
                tuple(profiles),
            )
        )
    target, version = doc.get("target"), doc.get("version")
    return Expectations(
        tuple(entries),
        Path(source) if source != "<expectations>" else None,
        str(target) if target is not None else None,
        str(version) if version is not None else None,
    )


def load(path: Path | None) -> Expectations:
    """Read an expectations file; no file means no expectations."""
    if path is None:
        return Expectations()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ExpectationsError(f"cannot read expectations file {path}: {e}") from e
    return parse(text, str(path))


def default_path(target_name: str, target_version: str = "") -> Path | None:
    """The expectations shipped for a target (``spec/targets/expectations``):
    ``<name>-<version>.toml``, else ``<name>.toml``; None when neither exists."""
    import spec.targets

    folder = Path(spec.targets.__file__).with_name("expectations")
    names = ([f"{target_name}-{target_version}.toml"] if target_version else []) + [
        f"{target_name}.toml"
    ]
    return next((folder / n for n in names if (folder / n).is_file()), None)
