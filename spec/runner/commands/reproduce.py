"""``nnxspec reproduce VECTOR... [--target T] [--write | --output FILE]``: a vector's reproducer.

Writes the standalone script for each vector again, from the vector's case, with this nnxspec:
plain code against the target's own API where the law's failing step is a plain call sequence
(``strategies._plain_steps``), otherwise a script that replays the case through nnxspec and
resolves the target by its spec (``module:attr`` or a built-in name).  The target is the
vector's own (its recorded spec) unless ``--target`` names another; it must be importable here
(run it in the release's environment).  Prints the script, or with ``--write`` replaces the
``.py`` beside each vector, or with ``--output FILE`` writes one vector's script to ``FILE``.
Exit status 0 when every script was written; 2 for an unreadable vector or an unknown target.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from spec.laws import law_by_id
from spec.runner.commands import Command, register
from spec.runner.inputs import reproducer
from spec.runner.vectors import VectorError, find, load, write_atomic
from spec.target import Target, TargetError, resolve_target

__all__ = ["run", "script_for"]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths", nargs="+", type=Path, metavar="VECTOR", help="vector files or folders of them"
    )
    p.add_argument("--target", help="write the script for this target instead of each vector's own")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--write", action="store_true", help="replace the .py beside each vector")
    where.add_argument("--output", type=Path, metavar="FILE", help="write the (one) script to FILE")


def script_for(
    path: Path, target: str | None = None, targets: dict[str, Target] | None = None
) -> str:
    """Return the reproducer of the vector in ``path`` for ``target`` (default: its own)."""
    v = load(path)
    spec = target or v.target_spec
    cache = targets if targets is not None else {}
    if spec not in cache:
        cache[spec] = resolve_target(spec)
    try:
        law = law_by_id(v.law)
    except KeyError as e:
        raise VectorError(f"{path}: names the law {v.law}, which this nnxspec does not know") from e
    return reproducer(v.case, law, cache[spec], spec)


def run(args: argparse.Namespace) -> int:
    paths = [p for root in args.paths for p in find(root)]
    if args.output is not None and len(paths) != 1:
        print(f"nnxspec reproduce: --output takes one vector, not {len(paths)}")
        return 2
    targets: dict[str, Target] = {}
    for path in paths:
        try:
            script = script_for(path, args.target, targets)
        except (VectorError, TargetError) as e:
            print(f"nnxspec reproduce: {e}")
            return 2
        if args.write:
            write_atomic(path.with_suffix(".py"), script)
            print(f"wrote {path.with_suffix('.py')}")
        elif args.output is not None:
            write_atomic(args.output, script)
            print(f"wrote {args.output}")
        else:
            print(script, end="")
    return 0


register(
    Command(
        name="reproduce",
        help="write a vector's standalone reproducer script again (plain target API where "
        "possible)",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)
