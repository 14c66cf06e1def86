"""``nnxspec report VECTOR [--target T] [--output FILE]``: an issue-ready Markdown text.

For a counterexample vector it prints what an upstream issue needs: a title (the target and the
law), the versions (python, jax, the target), the minimal reproducer script (written again from
the vector's case with this nnxspec, for its own target or ``--target``; the vector's stored
script when the target cannot be imported here), what was expected and what happened, and the
law's statement, rationale and seed reference.  ``--output FILE`` writes it to ``FILE``.
Exit status 0, or 2 for an unreadable vector.
"""

from __future__ import annotations

import argparse
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import cast

from spec.codec import JSON
from spec.laws import Law, law_by_id
from spec.runner.commands import Command, register
from spec.runner.vectors import Vector, VectorError, load, write_atomic
from spec.target import TargetError

__all__ = ["markdown", "run"]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("vector", type=Path, help="a vector file (.json)")
    p.add_argument(
        "--target", help="write the reproducer for this target instead of the vector's own"
    )
    p.add_argument("--output", type=Path, metavar="FILE", help="write the Markdown to FILE")


def _fence(text: str, lang: str = "") -> list[str]:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return [ticks + lang, text.rstrip("\n"), ticks]


def _script(v: Vector, target: str | None) -> tuple[str, str]:
    """The reproducer and a note on where it comes from."""
    from spec.runner.commands.reproduce import script_for

    assert v.path is not None  # sanity check: report loads vectors from files
    if target is not None:  # asked for by name: a target that cannot be loaded is the user's error
        return script_for(v.path, target), ""
    try:
        return script_for(v.path, None), ""
    except (TargetError, VectorError, ImportError) as e:
        if not v.reproducer:
            return "", f"(no reproducer: the target cannot be loaded here: {e})"
        return (
            v.reproducer,
            f"(the script stored with the vector: the target cannot be loaded here: {e})",
        )


def _versions(v: Vector) -> list[str]:
    found = cast(Mapping[str, JSON], v.data.get("found") or {})
    lines = [f"- {v.target_name}: {v.target_version} (target `{v.target_spec}`)"]
    lines.append(f"- jax: {found.get('jax', 'not recorded')}")
    lines.append(
        f"- python: {platform.python_version()} (where this report was written; the vector "
        "does not record the interpreter)"
    )
    extra = ", ".join(f"{k} {found[k]}" for k in ("profile", "hypothesis", "nnxspec") if k in found)
    if extra:
        lines.append(f"- found by nnxspec ({extra})")
    return lines


def markdown(v: Vector, law: Law | None, *, target: str | None = None) -> str:
    """Return the issue text for vector ``v`` (``law``: its law, None when unknown here)."""
    title = law.title if law is not None else "(a law this nnxspec does not know)"
    failure = cast(Mapping[str, JSON], v.data.get("failure") or {})
    summary = str(failure.get("diff") or failure.get("message") or "").strip()
    lines = [f"# {v.target_name} {v.target_version}: {title} ({v.law})", ""]
    lines += ["## Versions", "", *_versions(v), ""]
    if v.data.get("reason"):
        lines += [f"Known: {v.data['reason']}", ""]
    script, note = _script(v, target)
    lines += ["## Reproducer", ""]
    if script:
        lines += [
            "Save as `repro.py` and run `python repro.py`: it exits non-zero with the message "
            "below while the bug is present.",
            "",
        ]
        lines += _fence(script, "python")
    if note:
        lines += ["", note]
    lines += ["", "## Expected vs actual", ""]
    if summary:
        lines += _fence(summary)
    for part, heading in (("expected", "Expected"), ("actual", "Actual")):
        if failure.get(part):
            lines += ["", f"{heading}:", "", *_fence(str(failure[part]))]
    if failure.get("kind") == "error" and failure.get("type"):
        lines += ["", f"The step raised {failure['type']} instead of completing."]
    if law is not None:
        lines += ["", f"## The law ({law.id}, {law.area})", ""]
        lines += ["Statement:", "", *_fence(law.statement), ""]
        lines += [f"Rationale: {law.rationale}", "", f"Seed: {law.seed}"]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    try:
        v = load(args.vector)
    except VectorError as e:
        print(f"nnxspec report: {e}")
        return 2
    try:
        law: Law | None = law_by_id(v.law)
    except KeyError:
        law = None
    try:
        text = markdown(v, law, target=args.target)
    except (TargetError, VectorError, ImportError) as e:
        print(f"nnxspec report: --target {args.target}: {e}")
        return 2
    if args.output is not None:
        write_atomic(args.output, text)
        print(f"wrote {args.output}")
    else:
        print(text, end="")
    return 0


register(
    Command(
        name="report",
        help="print an issue-ready Markdown text for a counterexample vector",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)
