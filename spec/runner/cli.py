"""``nnxspec``: the command line (``nnxspec COMMAND --help`` for each command).

The commands live in ``spec.runner.commands``, one module each, and register themselves; this
module only builds the parser from the registry and runs the chosen command.  A user's mistake
gets one line and a non-zero exit: an exception a command lets escape is printed as
``nnxspec COMMAND: Type: message`` (exit 2), with its traceback only under ``--debug``; a closed
pipe (``nnxspec show V | head -1``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from spec.runner import commands

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    """Return the ``nnxspec`` argument parser with every registered command."""
    p = argparse.ArgumentParser(
        prog="nnxspec",
        description="nnxspec: an executable specification and conformance suite for Flax NNX "
        "object-graph semantics.",
    )
    p.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in commands.load().values():
        cp = sub.add_parser(
            command.name,
            help=command.help,
            description=command.description or command.help,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.configure(cp)
        cp.set_defaults(_run=command.run)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nnxspec`` with ``argv`` (default: the process arguments); return the exit status."""
    args = parser().parse_args(list(argv) if argv is not None else None)
    try:
        status: int = args._run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (``| head``): say nothing more, and keep Python's exit-time flush
        # from raising again on the closed pipe
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:
        if args.debug:
            raise
        print(
            f"nnxspec {args.command}: {type(e).__name__}: {e} (--debug shows the traceback)",
            file=sys.stderr,
        )
        return 2
    return status


if __name__ == "__main__":
    raise SystemExit(main())
