"""``nnxspec``: the command line (``nnxspec COMMAND --help`` for each command).

The commands live in ``spec.runner.commands``, one module each, and register themselves; this
module only builds the parser from the registry and runs the chosen command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from spec.runner import commands

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    """Return the ``nnxspec`` argument parser with every registered command."""
    p = argparse.ArgumentParser(
        prog="nnxspec",
        description="nnxspec: an executable specification and conformance suite for Flax NNX "
                    "object-graph semantics.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in commands.load().values():
        cp = sub.add_parser(command.name, help=command.help,
                            description=command.description or command.help)
        command.configure(cp)
        cp.set_defaults(_run=command.run)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nnxspec`` with ``argv`` (default: the process arguments); return the exit status."""
    args = parser().parse_args(list(argv) if argv is not None else None)
    status: int = args._run(args)
    sys.stdout.flush()
    return status


if __name__ == "__main__":
    raise SystemExit(main())
