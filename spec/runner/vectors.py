"""Counterexample vectors: a law's minimal failing input as durable JSON, and its replay.

A vector is independent of Hypothesis: it stores the case itself (blueprint, filters, mutation
program, second graph, backend), not a seed or a database key, so it replays the same way
forever.  ``nnxspec check --report DIR`` writes one per failing test (``DIR/vectors/<law>.json``,
``<law>_<backend>.json`` for per-backend laws, each with its reproducer as a ``.py`` beside it);
vectors kept under ``tests/vectors/<target>/`` replay as plain tests on every project test run.

Format (``FORMAT`` = ``"nnxspec-vector/1"``), one JSON object::

    {
      "format":  "nnxspec-vector/1",
      "law":     "SHARE-1",                   # the law id (ids are never reused)
      "area":    "sharing",
      "target":  {"name": "reference", "version": "0.1.0",
                  "spec": "reference"},       # how resolve_target finds it again
      "expect":  "fail",                      # the outcome on that target: "fail" or "pass"
      "reason":  null, "link": null,          # why it is expected, where it is tracked
      "case":    {...},                       # Case.to_data(): graph, filters, program, other,
      backend "failure": {"kind": "violation",        # "violation" (a LawViolation) or "error"
                  "type": "LawViolation", "message": "...",
                  "diff": "...", "expected": "...", "actual": "...",  # renderings, or null
                  "traceback": "..."},        # for errors; null for violations
      "reproducer": "...",                    # a standalone Python script for that target
      "found": {"profile": "dev", "hypothesis": "6.x", "jax": "0.x", "nnxspec": "0.1.0"}
    }

Replaying (``replay``): the law runs once on the case.  On the vector's own target the outcome
must be ``expect``; on any other target a counterexample must not fail (``pass`` or ``n/a``): a
conforming target passes every vector, whichever target it was found on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal, cast

from spec.codec import JSON
from spec.errors import LawViolation
from spec.laws import Case, Law, law_by_id
from spec.runner.engine import Verdict, check_case_isolated
from spec.target import Target

__all__ = [
    "FORMAT",
    "Replay",
    "Vector",
    "VectorError",
    "failure_data",
    "find",
    "keep_name",
    "load",
    "make_vector",
    "replay",
    "save",
    "write_atomic",
]

FORMAT = "nnxspec-vector/1"


class VectorError(ValueError):
    """A file that is not a vector of a known format; the message says what is wrong."""


@dataclasses.dataclass(frozen=True)
class Vector:
    """A loaded vector: the parsed fields, the raw data, and the file it came from."""

    law: str
    target_name: str
    target_version: str
    target_spec: str
    expect: Literal["fail", "pass"]
    case: Case
    data: Mapping[str, JSON]
    path: Path | None = None

    @property
    def reproducer(self) -> str:
        return str(self.data.get("reproducer") or "")


def failure_data(error: BaseException) -> dict[str, JSON]:
    """Describe a failure: a LawViolation's diff and renderings, or an error's type, message
    and (shortened) traceback."""
    if isinstance(error, LawViolation):
        return {
            "kind": "violation",
            "type": type(error).__name__,
            "message": str(error),
            "diff": error.diff,
            "expected": error.expected,
            "actual": error.actual,
            "traceback": None,
        }
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    text = "".join(lines)
    if len(text) > 8000:
        text = "...\n" + text[-8000:]
    return {
        "kind": "error",
        "type": type(error).__name__,
        "message": str(error)[:4000],
        "diff": None,
        "expected": None,
        "actual": None,
        "traceback": text,
    }


def make_vector(
    law: Law,
    t: Target,
    target_spec: str,
    case: Case,
    error: BaseException,
    *,
    expect: Literal["fail", "pass"] = "fail",
    reason: str | None = None,
    link: str | None = None,
    found: Mapping[str, JSON] | None = None,
    reproducer: str = "",
) -> dict[str, JSON]:
    """Return the vector data for ``law`` failing on ``case`` with ``error`` (see the docstring)."""
    return {
        "format": FORMAT,
        "law": law.id,
        "area": law.area,
        "target": {"name": t.name, "version": t.version, "spec": target_spec},
        "expect": expect,
        "reason": reason,
        "link": link,
        "case": case.to_data(),
        "failure": failure_data(error),
        "reproducer": reproducer,
        "found": dict(found or {}),
    }


def _parse(data: object, path: Path | None) -> Vector:
    where = str(path) if path else "vector"
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise VectorError(f"{where}: not an nnxspec vector (format {found!r}, expected {FORMAT!r})")
    target = data.get("target")
    expect = data.get("expect")
    if (
        not isinstance(target, dict)
        or not isinstance(data.get("law"), str)
        or expect not in ("fail", "pass")
    ):
        raise VectorError(
            f"{where}: a vector needs 'law', a 'target' object and 'expect' fail|pass"
        )
    case_data = data.get("case")
    if not isinstance(case_data, dict):
        raise VectorError(f"{where}: a vector needs a 'case' object")
    try:
        case = Case.from_data(case_data)
    except Exception as e:
        raise VectorError(f"{where}: its case does not load: {type(e).__name__}: {e}") from e
    name = str(target.get("name", "?"))
    return Vector(
        law=data["law"],
        target_name=name,
        target_version=str(target.get("version", "?")),
        target_spec=str(target.get("spec") or name),
        expect=expect,
        case=case,
        data=data,
        path=path,
    )


def load(path: str | os.PathLike[str]) -> Vector:
    """Read the vector in ``path``."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise VectorError(f"{p}: cannot read a vector: {e}") from e
    return _parse(data, p)


def find(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield ``path`` if it is a file, else every ``*.json`` below it, sorted."""
    p = Path(path)
    if p.is_dir():
        yield from sorted(q for q in p.rglob("*.json") if q.is_file())
    else:
        yield p


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (safe under xdist)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is for everyone to read
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save(data: Mapping[str, JSON], path: Path) -> Path:
    """Write a vector as ``path`` (JSON) and its reproducer as ``path`` with suffix ``.py``."""
    write_atomic(path, json.dumps(data, indent=1, sort_keys=True) + "\n")
    script = data.get("reproducer")
    if isinstance(script, str) and script:
        write_atomic(path.with_suffix(".py"), script)
    return path


def keep_name(data: Mapping[str, JSON]) -> str:
    """The file name a vector is kept under in a repository: ``<law>-<case hash>.json``."""
    case = json.dumps(data.get("case"), sort_keys=True)
    backend = cast(Mapping[str, JSON], data.get("case") or {}).get("backend")
    digest = hashlib.sha256(case.encode()).hexdigest()[:10]
    return f"{data.get('law')}{'_' + str(backend) if backend else ''}-{digest}.json"


@dataclasses.dataclass(frozen=True)
class Replay:
    """A vector replayed on a target: the outcome, the expected outcome, and the detail."""

    vector: Vector
    target: str
    outcome: Verdict
    expected: tuple[Verdict, ...]
    detail: str

    @property
    def ok(self) -> bool:
        return self.outcome in self.expected


def replay(v: Vector, t: Target, target_spec: str | None = None) -> Replay:
    """Run the vector's law once on its case against ``t``.

    ``target_spec`` is how ``t`` was named; when it (or, failing that, the target's name) is the
    vector's own target, the outcome must be the vector's ``expect``; elsewhere it must not be
    ``fail``.
    """
    law = law_by_id(v.law)
    outcome, reason, error = check_case_isolated(law, t, v.case)
    own = (target_spec or t.name) in (v.target_spec, v.target_name)
    expected: tuple[Verdict, ...] = (v.expect,) if own else ("pass", "n/a")
    if error is not None:
        first = (error.diff if isinstance(error, LawViolation) else str(error)).splitlines()
        detail = f"{type(error).__name__}: {first[0] if first else ''}"
    else:
        detail = reason or ""
    return Replay(v, t.describe(), outcome, expected, detail)
