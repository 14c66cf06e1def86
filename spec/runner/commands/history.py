"""``nnxspec history [RESULTS...]``: when each law broke and was fixed across a target's releases.

Reads committed report folders (default: ``results/flax-*``), orders them by release, and for each
law lists the releases where its status changes: the first release that breaks it (``pass`` ->
a failure) and the one that fixes it (a failure -> ``pass``).  ``xfail`` and ``FAIL`` both count as
failing (the expectation file only says whether it was triaged); ``n/a`` and ``error`` are shown
as they are.  Only laws whose status changes are listed; ``--all`` lists every law.  ``--markdown``
prints the section ``nnxspec conformance`` appends to CONFORMANCE.md::

    nnxspec history                         # results/flax-*
    nnxspec history results/flax-0.10.3 results/flax-0.12.8 --all

A law between two committed releases is narrowed down with ``nnxspec bisect LAW --releases A..B``.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from spec.laws import LAWS
from spec.runner.commands import Command, register

__all__ = [
    "Change",
    "Run",
    "changes",
    "history_markdown",
    "load_runs",
    "normalise",
    "release_key",
    "run",
]


def release_key(version: str) -> tuple[int, ...]:
    """Sort key of a release string such as ``0.12.12`` (numeric, not lexical)."""
    return tuple(int(p) for p in re.findall(r"\d+", version))


def normalise(status: str) -> str:
    """Return ``fail`` for ``fail`` / ``xfail``, ``pass`` for ``pass`` / ``xpass``, else the
    status."""
    return {"xfail": "fail", "xpass": "pass"}.get(status, status)


@dataclasses.dataclass(frozen=True)
class Run:
    """One release's committed results: its version and each law's (normalised) status."""

    target: str
    version: str
    folder: Path
    statuses: Mapping[str, str]


@dataclasses.dataclass(frozen=True)
class Change:
    """A law's status changes between two consecutive runs."""

    law: str
    before: str
    after: str
    previous: str
    release: str

    @property
    def kind(self) -> str:
        if self.before == "pass" and self.after == "fail":
            return "breaks"
        if self.before == "fail" and self.after == "pass":
            return "fixed"
        return "changes"


def _law_statuses(doc: Mapping[str, object]) -> dict[str, str]:
    """One status per law: a per-backend law fails if any backend fails."""
    out: dict[str, str] = {}
    order = ("error", "fail", "n/a", "pass")
    for e in doc["laws"]:  # type: ignore[attr-defined]
        law, status = str(e["id"]), normalise(str(e["status"]))
        old = out.get(law)
        if old is None or (
            status in order and (old not in order or order.index(status) < order.index(old))
        ):
            out[law] = status
    return out


def load_runs(folders: Sequence[Path]) -> list[Run]:
    """Read report folders (or ``results.json`` files) of one target, oldest release first."""
    runs = []
    for folder in folders:
        path = folder / "results.json" if folder.is_dir() else folder
        doc = json.loads(path.read_text(encoding="utf-8"))
        runs.append(
            Run(str(doc["target"]), str(doc["target_version"]), path.parent, _law_statuses(doc))
        )
    targets = {r.target for r in runs}
    if len(targets) > 1:
        raise ValueError(
            f"the runs are of several targets ({', '.join(sorted(targets))}); give one target's"
        )
    return sorted(runs, key=lambda r: release_key(r.version))


def changes(runs: Sequence[Run]) -> dict[str, list[Change]]:
    """Return each law's status changes between consecutive runs (laws absent from a run are
    ``absent`` there: a law added after that run)."""
    laws = [law.id for law in LAWS]
    laws += sorted({i for r in runs for i in r.statuses if i not in laws})
    out: dict[str, list[Change]] = {}
    for law in laws:
        found = []
        for a, b in itertools.pairwise(runs):
            before, after = a.statuses.get(law, "absent"), b.statuses.get(law, "absent")
            if before != after:
                found.append(Change(law, before, after, a.version, b.version))
        out[law] = found
    return out


def _summary(law: str, runs: Sequence[Run], found: Sequence[Change]) -> tuple[str, str, str]:
    first = runs[0].statuses.get(law, "absent")
    broke = [c.release for c in found if c.kind == "breaks"]
    fixed = [c.release for c in found if c.kind == "fixed"]
    if first == "fail":
        broke = [f"≤ {runs[0].version}", *broke]
    return (
        ", ".join(broke) or "–",
        ", ".join(fixed) or "–",
        "; ".join(f"{c.before} → {c.after} in {c.release} (after {c.previous})" for c in found)
        or first,
    )


def history_markdown(runs: Sequence[Run], *, every_law: bool = False) -> str:
    """Return the release-history section (Markdown) of ``runs``."""
    if not runs:
        return ""
    titles = {law.id: law.title for law in LAWS}
    versions = ", ".join(r.version for r in runs)
    lines = [
        f"## Release history ({runs[0].target} {versions})",
        "",
        "Derived from the committed results above (`nnxspec history`): for each law whose status "
        "changes between consecutive releases, the first release that breaks it (`pass` → failing; "
        f"`≤ {runs[0].version}` when the oldest run already fails) and the release that fixes it "
        "(failing → `pass`); `xfail` counts as failing.  A change between two of these releases is "
        "narrowed down with `nnxspec bisect LAW --releases A..B`.",
        "",
        "| law | title | breaks in | fixed in | status changes |",
        "|---|---|---|---|---|",
    ]
    always_failing = []
    for law, found in changes(runs).items():
        statuses = {r.statuses.get(law, "absent") for r in runs}
        if not found and not every_law:
            if statuses == {"fail"}:
                always_failing.append(law)
            continue
        broke, fixed, text = _summary(law, runs, found)
        lines.append(
            f"| {law} | {titles.get(law, '').replace('|', '/')} | {broke} | {fixed} | {text} |"
        )
    if always_failing:
        lines += [
            "",
            f"Failing in every release from {runs[0].version} to {runs[-1].version}: "
            + ", ".join(always_failing)
            + ".",
        ]
    return "\n".join(lines) + "\n"


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "results",
        nargs="*",
        type=Path,
        metavar="RESULTS",
        help="report folders of one target (default: results/flax-*)",
    )
    p.add_argument("--all", action="store_true", help="list every law, not only those that change")


def run(args: argparse.Namespace) -> int:
    folders = list(args.results) or sorted(Path("results").glob("flax-*"))
    folders = [f for f in folders if (f / "results.json").is_file() or f.is_file()]
    if not folders:
        print(
            "nnxspec history: no results folders (give report folders, or run it from the "
            "checkout root)"
        )
        return 2
    try:
        runs = load_runs(folders)
    except (OSError, ValueError, KeyError) as e:
        print(f"nnxspec history: {e}")
        return 2
    print(history_markdown(runs, every_law=args.all), end="")
    return 0


register(
    Command(
        name="history",
        help="for each law, the release that breaks it and the one that fixes it (from committed "
        "results)",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)
