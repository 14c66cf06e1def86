"""The report of a run: ``results.json`` (exact shape below), ``results.md``, failure vectors,
and the terminal table with its closing line.

``results.json``::

    {"target": str, "target_version": str, "jax": str, "backends": [str], "profile": str,
     "laws": [{"id": str, "area": str, "backend": str|null,
               "status": "pass"|"fail"|"n/a"|"xfail"|"xpass"|"error",
               "examples": int, "seconds": float, "counterexample": str|null}]}

``counterexample`` is the vector's path relative to the report folder (``vectors/<name>.json``).
Beside it: ``results.md`` (the same table, n/a reasons and every failure's diff),
``records.json`` (every record with its n/a reason, and the expectation warnings, for
``nnxspec check``'s summary) and
``vectors/<law>[_<backend>].json`` with the reproducer as ``.py``.  Only the xdist controller (or
the single process) writes, once, at the end of the session, and every file is written through a
temporary file and a rename.
"""

from __future__ import annotations

import collections
import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import cast

from spec.codec import JSON
from spec.laws import LAWS
from spec.runner.records import STATUSES, LawRecord, Status
from spec.runner.vectors import save, write_atomic

__all__ = [
    "Results",
    "closing_line",
    "counts",
    "markdown",
    "ordered",
    "read",
    "table",
    "vector_name",
    "write",
]

_SHOWN: dict[str, str] = {
    "pass": "pass",
    "fail": "FAIL",
    "n/a": "n/a",
    "xfail": "xfail",
    "xpass": "XPASS",
    "error": "ERROR",
}


@dataclasses.dataclass(frozen=True)
class Results:
    """Everything a report shows."""

    target: str
    target_version: str
    jax: str
    backends: tuple[str, ...]
    profile: str
    records: tuple[LawRecord, ...]
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, JSON]:
        """Return ``results.json``'s document (see the module docstring)."""
        return {
            "target": self.target,
            "target_version": self.target_version,
            "jax": self.jax,
            "backends": list(self.backends),
            "profile": self.profile,
            "laws": [r.result_entry() for r in self.records],
        }


def ordered(records: Iterable[LawRecord], backends: Sequence[str]) -> tuple[LawRecord, ...]:
    """Return the records in catalogue order, backends in run order (one per test: the last)."""
    position = {law.id: i for i, law in enumerate(LAWS)}
    latest = {r.key: r for r in records}

    def key(r: LawRecord) -> tuple[int, str, int]:
        b = backends.index(r.backend) if r.backend in backends else len(backends)
        return position.get(r.id, len(position)), r.id, b

    return tuple(sorted(latest.values(), key=key))


def vector_name(r: LawRecord) -> str:
    """The file name (no suffix) of a record's vector: ``LAW`` or ``LAW_backend``."""
    return r.id if r.backend is None else f"{r.id}_{r.backend}"


def counts(records: Iterable[LawRecord]) -> dict[Status, int]:
    """Return how many records have each status."""
    c = collections.Counter(r.status for r in records)
    return {s: c.get(s, 0) for s in STATUSES}


def closing_line(records: Iterable[LawRecord]) -> str:
    """``N passed, N failed`` then ``, N n/a``, ``, N xfailed``, ``, N xpassed``, ``, N error(s)``
    if any: every record counted once, so the numbers add up to the tests of the run."""
    c = counts(records)
    line = f"{c['pass']} passed, {c['fail']} failed"
    more: tuple[tuple[Status, str], ...] = (
        ("n/a", "n/a"),
        ("xfail", "xfailed"),
        ("xpass", "xpassed"),
        ("error", "error" if c["error"] == 1 else "errors"),
    )
    for status, word in more:
        if c[status]:
            line += f", {c[status]} {word}"
    return line


def table(results: Results, *, reasons: bool = True) -> str:
    """Return the results as an aligned text table (law, area, backend, status, examples,
    seconds, and the n/a reason or the counterexample)."""
    rows = [("law", "area", "backend", "status", "examples", "seconds", "")]
    for r in results.records:
        note = ""
        if reasons and r.status in ("n/a", "error") and r.reason:
            note = r.reason
        elif r.counterexample:
            note = r.counterexample
        rows.append(
            (
                r.id,
                r.area,
                r.backend or "-",
                _SHOWN[r.status],
                str(r.examples),
                f"{r.seconds:.2f}",
                note,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    out = []
    for row in rows:
        cells = [
            row[i].rjust(widths[i]) if i in (4, 5) else row[i].ljust(widths[i]) for i in range(6)
        ]
        out.append("  ".join(cells) + (f"  {row[6]}" if row[6] else ""))
    return "\n".join(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(results: Results) -> str:
    """Return ``results.md``."""
    lines = [
        f"# nnxspec results: {results.target} {results.target_version}",
        "",
        f"- profile: `{results.profile}`",
        f"- jax: `{results.jax}`",
        f"- backends: {', '.join(f'`{b}`' for b in results.backends)}",
        f"- {closing_line(results.records)}",
        "",
        "| law | area | backend | status | examples | seconds | note |",
        "|---|---|---|---|---:|---:|---|",
    ]
    for r in results.records:
        note = f"[vector]({r.counterexample})" if r.counterexample else _md(r.reason or "")
        lines.append(
            f"| {r.id} | {r.area} | {r.backend or ''} | {_SHOWN[r.status]} | {r.examples} | "
            f"{r.seconds:.2f} | {note} |"
        )
    for w in results.warnings:
        lines += ["", f"> warning: {w}"]
    failures = [r for r in results.records if r.vector is not None]
    if failures:
        lines += ["", "## Counterexamples"]
    for r in failures:
        failure = cast(Mapping[str, JSON], (r.vector or {}).get("failure") or {})
        lines += [
            "",
            f"### {r.key} ({_SHOWN[r.status]})",
            "",
            f"Vector: `{r.counterexample}`; replay with `nnxspec replay {r.counterexample}`, "
            f"draw with `nnxspec show {r.counterexample}`.",
            "",
            "```",
            str(failure.get("diff") or failure.get("message") or ""),
            "```",
        ]
    return "\n".join(lines) + "\n"


def write(folder: Path, results: Results) -> Results:
    """Write the report into ``folder``; return the results with counterexample paths set."""
    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for r in results.records:
        if r.vector is not None:
            rel = f"vectors/{vector_name(r)}.json"
            save(r.vector, folder / rel)
            r = dataclasses.replace(r, counterexample=rel)
        records.append(r)
    results = dataclasses.replace(results, records=tuple(records))
    write_atomic(folder / "results.json", json.dumps(results.to_json(), indent=1) + "\n")
    plain = [dataclasses.replace(r, vector=None) for r in results.records]
    extra = {
        "records": [json.loads(r.to_json()) for r in plain],
        "warnings": list(results.warnings),
    }
    write_atomic(folder / "records.json", json.dumps(extra, indent=1) + "\n")
    write_atomic(folder / "results.md", markdown(results))
    return results


def read(folder: Path) -> Results:
    """Read a report folder back (``results.json``, with the reasons of ``records.json``)."""
    doc = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    full = {}
    warnings: tuple[str, ...] = ()
    extra = folder / "records.json"
    if extra.is_file():
        more = json.loads(extra.read_text(encoding="utf-8"))
        warnings = tuple(more.get("warnings", ()))
        for d in more.get("records", ()):
            r = LawRecord(**d)
            full[r.key] = r
    records = []
    for e in doc["laws"]:
        key = e["id"] if e["backend"] is None else f"{e['id']}@{e['backend']}"
        reason = full[key].reason if key in full else None
        records.append(
            LawRecord(
                e["id"],
                e["area"],
                e["backend"],
                e["status"],
                e["examples"],
                e["seconds"],
                reason=reason,
                counterexample=e["counterexample"],
            )
        )
    return Results(
        doc["target"],
        doc["target_version"],
        doc["jax"],
        tuple(doc["backends"]),
        doc["profile"],
        tuple(records),
        warnings,
    )
