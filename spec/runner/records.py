"""One test's result as plain data, and the ``results.json`` schema.

A suite test (one law, or one law on one backend) ends by attaching a ``LawRecord`` to its pytest
report (``user_properties``, which xdist carries from workers to the controller); the controller
collects them and writes the report (``spec.runner.report``).  A record's ``status`` is the final
one: the raw verdict (pass / fail / n/a / error) combined with the run's expectations (an expected
failure that fails is ``xfail``, one that passes is ``xpass``; an expectation that names the
profiles where the failure shows makes a pass elsewhere a plain ``pass``).  ``error`` is a law that
was not checked (its input could not be built, the adapter or the run crashed, the test never
reported): no expectation covers it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Literal, cast

from spec.codec import JSON

__all__ = [
    "PROPERTY",
    "RESULTS_SCHEMA",
    "STATUSES",
    "LawRecord",
    "Status",
    "final_status",
    "schema_errors",
]

Status = Literal["pass", "fail", "n/a", "xfail", "xpass", "error"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "n/a", "xfail", "xpass", "error")
PROPERTY = "nnxspec-record"
"""The ``user_properties`` name under which a suite test stores its record (JSON text)."""


def final_status(
    verdict: Literal["pass", "fail", "n/a", "error"],
    expected_failure: bool,
    *,
    pass_allowed: bool = False,
) -> Status:
    """Combine a law's verdict with whether an expectation says it fails on this target
    (``pass_allowed``: the expectation says the failure need not show in this run's profile, so
    a pass is a plain ``pass``)."""
    if not expected_failure or verdict in ("n/a", "error"):
        return verdict
    if verdict == "fail":
        return "xfail"
    return "pass" if pass_allowed else "xpass"


@dataclasses.dataclass(frozen=True)
class LawRecord:
    """The result of one suite test.

    ``vector`` is the failure vector (``spec.runner.vectors``) for ``fail`` and ``xfail``;
    ``counterexample`` is filled in by the report writer with the vector's file name.
    """

    id: str
    area: str
    backend: str | None
    status: Status
    examples: int
    seconds: float
    reason: str | None = None
    counterexample: str | None = None
    vector: Mapping[str, JSON] | None = None

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @staticmethod
    def from_json(text: str) -> LawRecord:
        d = json.loads(text)
        return LawRecord(**d)

    def result_entry(self) -> dict[str, JSON]:
        """Return the record as one entry of ``results.json``'s ``laws`` list."""
        return {
            "id": self.id,
            "area": self.area,
            "backend": self.backend,
            "status": self.status,
            "examples": self.examples,
            "seconds": round(float(self.seconds), 3),
            "counterexample": self.counterexample,
        }

    @property
    def key(self) -> str:
        """``LAW`` or ``LAW@backend``: the name expectations and test ids use."""
        return self.id if self.backend is None else f"{self.id}@{self.backend}"


# --- The results.json schema ------------------------------------------------------------------

RESULTS_SCHEMA: dict[str, object] = {
    "type": "object",
    "required": ["target", "target_version", "jax", "backends", "profile", "laws"],
    "properties": {
        "target": {"type": "string"},
        "target_version": {"type": "string"},
        "jax": {"type": "string"},
        "backends": {"type": "array", "items": {"type": "string"}},
        "profile": {"type": "string"},
        "laws": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "id",
                    "area",
                    "backend",
                    "status",
                    "examples",
                    "seconds",
                    "counterexample",
                ],
                "properties": {
                    "id": {"type": "string"},
                    "area": {"type": "string"},
                    "backend": {"type": ["string", "null"]},
                    "status": {"enum": list(STATUSES)},
                    "examples": {"type": "integer"},
                    "seconds": {"type": "number"},
                    "counterexample": {"type": ["string", "null"]},
                },
            },
        },
    },
}
"""The exact shape of ``results.json``, in a JSON-Schema subset (every object is closed: no
property beyond those listed).  ``schema_errors`` checks a document against it by hand."""

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def _type_ok(value: object, names: str | Sequence[str]) -> bool:
    for name in [names] if isinstance(names, str) else names:
        if isinstance(value, _TYPES[name]) and not (
            isinstance(value, bool) and name in ("integer", "number")
        ):
            return True
    return False


def schema_errors(
    doc: object, schema: Mapping[str, object] = RESULTS_SCHEMA, where: str = "$"
) -> list[str]:
    """Return every place where ``doc`` departs from ``schema`` (empty when it conforms)."""
    errors: list[str] = []
    if "enum" in schema:
        if doc not in cast(list[object], schema["enum"]):
            errors.append(f"{where}: {doc!r} is not one of {schema['enum']!r}")
        return errors
    kind = cast("str | list[str]", schema["type"])
    if not _type_ok(doc, kind):
        return [f"{where}: expected {kind}, found {type(doc).__name__} {doc!r:.60}"]
    if isinstance(doc, dict):
        props = cast(Mapping[str, Mapping[str, object]], schema.get("properties", {}))
        for name in cast(list[str], schema.get("required", [])):
            if name not in doc:
                errors.append(f"{where}: missing property {name!r}")
        for name, value in doc.items():
            if name not in props:
                errors.append(f"{where}: unexpected property {name!r}")
            else:
                errors.extend(schema_errors(value, props[name], f"{where}.{name}"))
    elif isinstance(doc, list) and "items" in schema:
        items = cast(Mapping[str, object], schema["items"])
        for i, value in enumerate(doc):
            errors.extend(schema_errors(value, items, f"{where}[{i}]"))
    return errors
