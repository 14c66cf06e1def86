"""``nnxspec laws [--markdown] [--output FILE]``: the law catalogue.

Plain: one line per law (id, area, checker file:line, title, required capabilities, oracle
functions).  ``--markdown``: SPEC.md
(``spec.runner.specdoc``), printed or written to ``--output``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from spec.laws import LAWS
from spec.laws._where import checker_location, oracle_names
from spec.runner import specdoc
from spec.runner.commands import Command, register

__all__ = ["catalogue", "run"]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--markdown", action="store_true", help="render SPEC.md instead of the plain list"
    )
    p.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of printing")


def catalogue() -> str:
    """Return the plain catalogue, one law a line: id, area, checker file:line, title, required
    capabilities and the oracle functions it compares against."""
    rows = [("id", "area", "checker", "title", "requires", "oracle")]
    for law in LAWS:
        rows.append(
            (
                law.id,
                law.area,
                checker_location(law),
                law.title,
                ", ".join(sorted(law.requires)) or "-",
                "oracle: " + (", ".join(oracle_names(law)) or "-"),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(
        f"{r[0].ljust(widths[0])}  {r[1].ljust(widths[1])}  {r[2].ljust(widths[2])}  "
        f"{r[3]}  [{r[4]}]  {r[5]}"
        for r in rows
    )


def run(args: argparse.Namespace) -> int:
    text = specdoc.render() if args.markdown else catalogue() + "\n"
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output} ({len(LAWS)} laws)")
    else:
        print(text, end="")
    return 0


register(
    Command(
        name="laws",
        help="list the laws, or render SPEC.md with --markdown",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)
