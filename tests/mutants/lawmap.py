"""Which laws run which lines of the reference: the automated pass's law selection.

    python -m tests.mutants.lawmap [--profile dev] [--out tests/mutants/lawmap.json] [-k ID ...]

Runs every law once on the reference under ``--profile`` with a line tracer on the reference's
own files (``reference/*.py``), and writes, per law, its verdict, its time and how often it ran
each line (``{"law": {"seconds": s, "verdict": v, "lines": {"module": {"line": hits}}}}``);
``-k ID ...`` adds or retraces laws in an existing map and marks them ``"added"`` with the time
(new or changed: *rerun* runs the survivors they reach again, once per mark, and the report
names those they kill);
``--new-round`` first clears the marks of every other law (the previous round's).

``tests.mutants.auto`` runs a mutant only against the laws that run its line (ordered by hits
per second: the law most likely to reach the changed behaviour soonest first); a mutant whose
line no law runs is *unreached* without any run.  The map is a property of the laws and the
reference: rebuild it when either changes (``auto`` says when the reference's lines moved).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

__all__ = ["LAWMAP", "build", "load", "main"]

HERE = Path(__file__).resolve().parent
LAWMAP = HERE / "lawmap.json"


def _reference_files() -> dict[str, str]:
    """Source file -> module name, for every module of the ``reference`` package."""
    import pkgutil

    import reference

    out = {}
    for info in pkgutil.iter_modules(reference.__path__):
        module = __import__(f"reference.{info.name}", fromlist=["_"])
        if module.__file__:
            out[module.__file__] = f"reference.{info.name}"
    return out


def _trace_law(law: Any, profile: str, files: dict[str, str]) -> dict[str, Any]:
    """Run ``law`` on the reference with a line tracer; return its map entry."""
    from spec.runner.engine import run_law
    from spec.targets.reference import ReferenceTarget

    hits: dict[str, dict[int, int]] = {}

    def local(frame: FrameType, event: str, arg: object) -> Any:
        if event == "line":
            lines = hits.setdefault(files[frame.f_code.co_filename], {})
            lines[frame.f_lineno] = lines.get(frame.f_lineno, 0) + 1
        return local

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        if event == "call" and frame.f_code.co_filename in files:
            return local
        return None

    start = time.perf_counter()
    threading.settrace(tracer)  # run_law checks the law in a thread of its own
    try:
        outcome = run_law(law, ReferenceTarget(), profile, "cpu" if law.per_backend else None)
    finally:
        threading.settrace(None)
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "verdict": outcome.verdict,
        "lines": {
            m: {str(k): v for k, v in sorted(lines.items())} for m, lines in sorted(hits.items())
        },
    }


def build(profile: str, only: Sequence[str] | None = None) -> dict[str, Any]:
    """Trace every law (or those in ``only``) under ``profile``; return the map."""
    from spec.laws import LAWS

    files = _reference_files()
    laws: dict[str, Any] = {}
    for law in LAWS:
        if only and law.id not in only:
            continue
        laws[law.id] = _trace_law(law, profile, files)
        print(
            f"{law.id:<8} {laws[law.id]['verdict']:<5} {laws[law.id]['seconds']:>7.2f} s",
            flush=True,
        )
    from tests.mutants.auto import source_digest

    sources = {m: source_digest(m) for m in sorted(files.values())}
    return {"profile": profile, "python": sys.version.split()[0], "sources": sources, "laws": laws}


def load(path: Path = LAWMAP) -> dict[str, Any]:
    """The committed map (``{}`` when there is none)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.mutants.lawmap", description=__doc__)
    p.add_argument("--profile", default="dev")
    p.add_argument("--out", default=str(LAWMAP))
    p.add_argument("-k", dest="only", nargs="+", metavar="ID", help="trace only these laws")
    p.add_argument(
        "--new-round",
        action="store_true",
        help="with -k: clear the 'added' mark of every law not traced now",
    )
    args = p.parse_args(argv)
    doc = build(args.profile, args.only)
    out = Path(args.out)
    if args.only and out.is_file():  # add (or refresh) some laws of an existing map
        old = load(out)
        from spec.laws import LAWS

        current = {law.id for law in LAWS}
        for law_id in [k for k in old["laws"] if k not in current]:
            del old["laws"][law_id]  # retired
        if args.new_round:
            for entry in old["laws"].values():
                entry.pop("added", None)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        for law_id, entry in doc["laws"].items():
            entry["added"] = stamp  # added or changed since the map was first traced
            old["laws"][law_id] = entry
        doc = old
    out.write_text(json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    failing = [k for k, v in doc["laws"].items() if v["verdict"] not in ("pass", "n/a")]
    print(
        f"wrote {out}: {len(doc['laws'])} laws; not passing on the reference: {failing or 'none'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
