"""``nnxspec conformance RESULTS...``: the conformance table of several runs, as Markdown.

Each ``RESULTS`` is a report folder of ``nnxspec check --report`` (or its ``results.json``); each
becomes one column, in the order given.  Rows are the laws of the catalogue grouped by area; a cell
is ``pass``, ``FAIL``, ``n/a``, ``xfail`` or ``XPASS`` (per backend for per-backend laws), and every
failing cell (``FAIL`` or ``xfail``) links the run's minimal vector.  Below the table: each column's
expected failures with the reason and link recorded in their vectors (the target's expectation
file), and the n/a reasons; then, for a target with several columns, its release history (``nnxspec
history``: the release that breaks each law and the one that fixes it).  ``--section FILE`` appends
a Markdown file verbatim (repeatable; e.g. the typing results of ``nnxspec typecheck``), so nothing
in the output is ever edited by hand::

    nnxspec conformance results/reference results/flax-0.10.3 results/flax-0.12.8 \\
        --section results/typing.md --output CONFORMANCE.md

``--check FILE`` regenerates and compares with ``FILE`` instead of writing (exit 1 if it differs).
``--compare OLD NEW`` compares two runs' law statuses (not timings or example counts) and exits 1
if any law's status differs: the freshness check of committed results.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from spec.laws import AREAS, LAWS
from spec.runner.commands import Command, register

__all__ = ["Column", "compare", "load_column", "render", "run", "statuses"]

_SHOWN = {"pass": "pass", "fail": "**FAIL**", "n/a": "n/a", "xfail": "xfail", "xpass": "**XPASS**"}


@dataclasses.dataclass(frozen=True)
class Column:
    """One run: its header and every law entry, with where its vectors and reasons are."""

    folder: Path
    doc: Mapping[str, object]
    entries: tuple[Mapping[str, object], ...]
    reasons: Mapping[str, str]

    @property
    def title(self) -> str:
        return f"{self.doc['target']} {self.doc['target_version']}"


def _results_path(path: Path) -> Path:
    return path / "results.json" if path.is_dir() else path


def load_column(path: Path) -> Column:
    """Read a report folder (or its ``results.json``) and the n/a reasons beside it."""
    results = _results_path(path)
    doc = json.loads(results.read_text(encoding="utf-8"))
    reasons: dict[str, str] = {}
    records = results.with_name("records.json")
    if records.is_file():
        for r in json.loads(records.read_text(encoding="utf-8")).get("records", ()):
            if r.get("reason"):
                reasons[_key(r)] = str(r["reason"])
    return Column(results.parent, doc, tuple(doc["laws"]), reasons)


def _key(entry: Mapping[str, object]) -> str:
    return str(entry["id"]) if entry.get("backend") is None else f"{entry['id']}@{entry['backend']}"


def statuses(doc: Mapping[str, object]) -> dict[str, str]:
    """Return ``law[@backend] -> status`` of one ``results.json`` document."""
    return {_key(e): str(e["status"]) for e in doc["laws"]}  # type: ignore[attr-defined]


def compare(old: Mapping[str, object], new: Mapping[str, object]) -> list[str]:
    """Return one line per law whose status differs between two runs (also added / removed)."""
    a, b = statuses(old), statuses(new)
    out = []
    for key in sorted(set(a) | set(b), key=_order):
        if a.get(key) != b.get(key):
            out.append(f"{key}: {a.get(key, 'absent')} -> {b.get(key, 'absent')}")
    for field in ("target", "target_version", "profile"):
        if old.get(field) != new.get(field):
            out.append(f"{field}: {old.get(field)} -> {new.get(field)}")
    return out


def _order(key: str) -> tuple[int, str]:
    law = key.split("@")[0]
    ids = [x.id for x in LAWS]
    return (ids.index(law) if law in ids else len(ids), key)


def _link(column: Column, entry: Mapping[str, object], base: Path) -> str | None:
    rel = entry.get("counterexample")
    if not rel:
        return None
    return Path(os.path.relpath(column.folder / str(rel), base)).as_posix()


def _cell(column: Column, entries: Sequence[Mapping[str, object]], base: Path) -> str:
    if not entries:
        return "–"
    parts = []
    for e in entries:
        text = _SHOWN.get(str(e["status"]), str(e["status"]))
        link = _link(column, e, base)
        if link and e["status"] in ("fail", "xfail"):
            text += f" [vector]({link})"
        if e.get("backend") is not None and (len(entries) > 1 or e["backend"] != "cpu"):
            text = f"{e['backend']}: {text}"
        parts.append(text)
    return "<br>".join(parts)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _vector_reason(column: Column, entry: Mapping[str, object]) -> tuple[str, str]:
    rel = entry.get("counterexample")
    if not rel:
        return "", ""
    try:
        data = json.loads((column.folder / str(rel)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "", ""
    return str(data.get("reason") or ""), str(data.get("link") or "")


def render(
    columns: Sequence[Column], *, base: Path, sections: Sequence[str] = (), command: str = ""
) -> str:
    """Return CONFORMANCE.md for ``columns`` (links relative to the folder ``base``)."""
    lines = [
        "# Conformance of NNX implementations to the nnxspec laws",
        "",
        "<!-- Generated by `nnxspec conformance`; do not edit by hand. -->",
        "",
        f"Generated by `{command}`." if command else "Generated by `nnxspec conformance`.",
        "Cells: `pass`; `**FAIL**` (an unexpected failure); `xfail` (a known, triaged failure: see "
        "below); `n/a` (the target lacks the capability or cannot build the inputs); each "
        "failing cell "
        "links its minimal counterexample vector (`nnxspec replay PATH`, `nnxspec show PATH`; the "
        "`.py` beside it is a standalone reproducer).",
        "",
        "| run | target | jax | profile | backends | pass | FAIL | xfail | XPASS | n/a |",
        "|---|---|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for c in columns:
        counts = {s: sum(1 for e in c.entries if e["status"] == s) for s in _SHOWN}
        backends = ", ".join(str(b) for b in c.doc.get("backends", ()))  # type: ignore[attr-defined]
        lines.append(
            f"| `{Path(os.path.relpath(c.folder, base)).as_posix()}` | {c.title} | "
            f"{c.doc.get('jax')} | "
            f"{c.doc.get('profile')} | {backends} | {counts['pass']} | {counts['fail']} | "
            f"{counts['xfail']} | {counts['xpass']} | {counts['n/a']} |"
        )
    by_law: list[dict[str, list[Mapping[str, object]]]] = []
    for c in columns:
        grouped: dict[str, list[Mapping[str, object]]] = {}
        for e in c.entries:
            grouped.setdefault(str(e["id"]), []).append(e)
        by_law.append(grouped)
    known = [law.id for law in LAWS]
    extra = sorted({i for g in by_law for i in g if i not in known})
    titles = {law.id: law.title for law in LAWS}
    areas = {law.id: law.prefix for law in LAWS}
    for prefix, area in AREAS.items():
        ids = [i for i in known if areas[i] == prefix]
        if not ids:
            continue
        lines += [
            "",
            f"## {prefix}: {area}",
            "",
            "| law | title | " + " | ".join(c.title for c in columns) + " |",
            "|---|---|" + "---|" * len(columns),
        ]
        for i in ids:
            cells = [_cell(c, g.get(i, []), base) for c, g in zip(columns, by_law)]
            lines.append(f"| {i} | {_md(titles[i])} | " + " | ".join(cells) + " |")
    if extra:
        lines += [
            "",
            "## Laws not in this catalogue",
            "",
            "| law | " + " | ".join(c.title for c in columns) + " |",
            "|---|" + "---|" * len(columns),
        ]
        for i in extra:
            lines.append(
                f"| {i} | "
                + " | ".join(_cell(c, g.get(i, []), base) for c, g in zip(columns, by_law))
                + " |"
            )
    for c in columns:
        failing = [e for e in c.entries if e["status"] in ("xfail", "fail", "xpass")]
        na = [e for e in c.entries if e["status"] == "n/a"]
        if not failing and not na:
            continue
        lines += ["", f"## Notes: {c.title}", ""]
        if failing:
            lines += ["| law | status | triage | tracked at |", "|---|---|---|---|"]
            for e in failing:
                reason, link = _vector_reason(c, e)
                if e["status"] == "fail" and not reason:
                    reason = "not triaged: an unexpected failure"
                vector = _link(c, e, base)
                shown = (
                    f"[{_SHOWN[str(e['status'])]}]({vector})"
                    if vector
                    else _SHOWN[str(e["status"])]
                )
                tracked = "the vector" if link and link == vector else _md(link)
                lines.append(f"| {_key(e)} | {shown} | {_md(reason)} | {tracked} |")
            lines.append("")
        if na:
            lines += ["| law | n/a because |", "|---|---|"]
            lines += [f"| {_key(e)} | {_md(c.reasons.get(_key(e), ''))} |" for e in na]
    for text in (*_histories(columns), *sections):
        lines += ["", text.strip()]
    return "\n".join(lines) + "\n"


def _histories(columns: Sequence[Column]) -> list[str]:
    """The release-history section of each target with two or more columns."""
    from spec.runner.commands.history import history_markdown, load_runs

    by_target: dict[str, list[Path]] = {}
    for c in columns:
        by_target.setdefault(str(c.doc["target"]), []).append(c.folder)
    return [
        history_markdown(load_runs(folders)) for folders in by_target.values() if len(folders) > 1
    ]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "results",
        nargs="*",
        type=Path,
        metavar="RESULTS",
        help="report folders (or their results.json), one column each, in order",
    )
    p.add_argument(
        "--section",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="append this Markdown file (repeatable)",
    )
    p.add_argument("--output", type=Path, metavar="FILE", help="write here instead of printing")
    p.add_argument(
        "--check", type=Path, metavar="FILE", help="fail if FILE differs from the generated text"
    )
    p.add_argument(
        "--compare",
        nargs=2,
        type=Path,
        metavar=("OLD", "NEW"),
        help="compare the law statuses of two runs; exit 1 if any differs",
    )


def run(args: argparse.Namespace) -> int:
    if args.compare:
        old, new = (json.loads(_results_path(p).read_text(encoding="utf-8")) for p in args.compare)
        changes = compare(old, new)
        for line in changes:
            print(f"changed: {line}")
        print(
            f"nnxspec conformance: {len(changes)} law status(es) differ between "
            f"{args.compare[0]} and {args.compare[1]}"
            if changes
            else f"nnxspec conformance: {args.compare[1]} has the statuses of {args.compare[0]}"
        )
        return 1 if changes else 0
    if not args.results:
        print(
            "nnxspec conformance: give report folders (or results.json files), or --compare OLD NEW"
        )
        return 2
    out_file = args.output or args.check
    base = (out_file.parent if out_file is not None else Path.cwd()).resolve()
    columns = [load_column(p.resolve()) for p in args.results]
    sections = [f.read_text(encoding="utf-8") for f in args.section]
    shown = [Path(os.path.relpath(p.resolve(), base)).as_posix() for p in args.results]
    cmd = " ".join(
        [
            "nnxspec conformance",
            *shown,
            *(
                f"--section {Path(os.path.relpath(f.resolve(), base)).as_posix()}"
                for f in args.section
            ),
        ]
    )
    if out_file is not None:
        cmd += f" --output {Path(os.path.relpath(out_file.resolve(), base)).as_posix()}"
    text = render(columns, base=base, sections=sections, command=cmd)
    if args.check is not None:
        current = args.check.read_text(encoding="utf-8") if args.check.is_file() else ""
        if current != text:
            print(
                f"nnxspec conformance: {args.check} is stale; regenerate it with: {cmd} "
                f"--output {args.check}"
            )
            return 1
        print(f"nnxspec conformance: {args.check} is current")
        return 0
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        print(f"nnxspec conformance: wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


register(
    Command(
        name="conformance",
        help="render the conformance table of several runs as Markdown (or compare two runs)",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)
