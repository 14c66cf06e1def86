"""``nnxspec mutants``: registration only; the command lives in the checkout's ``tests/mutants``.

The hand-written mutants are how the suite measures itself, not part of what users install: the
catalogue and its driver live in ``tests/mutants/`` of a source checkout.  Run from an installed
copy (no checkout beside the ``spec`` package), the command says so in one line and exits 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import spec
from spec.runner.commands import Command, register

_ROOT = Path(spec.__file__).resolve().parent.parent
_NO_CHECKOUT = (
    f"nnxspec mutants: no source checkout here ({_ROOT / 'tests' / 'mutants'} is missing); "
    "the mutants run from a clone of the nnxspec repository, not from an installed copy"
)


def _cli() -> ModuleType | None:
    """The checkout's ``tests.mutants.cli``, or None when ``spec`` is an installed copy."""
    if not (_ROOT / "tests" / "mutants" / "cli.py").is_file():
        return None
    if str(_ROOT) not in sys.path:
        sys.path.insert(0, str(_ROOT))
    return importlib.import_module("tests.mutants.cli")


def _configure(p: argparse.ArgumentParser) -> None:
    cli = _cli()
    if cli is None:  # take any arguments, so that the run can say what is missing

        def parse_known_args(args: Any = None, namespace: Any = None) -> tuple[Any, list[str]]:
            namespace = namespace if namespace is not None else argparse.Namespace()
            namespace.args = list(args or [])
            return namespace, []

        p.parse_known_args = parse_known_args  # type: ignore[method-assign]
    else:
        cli.configure(p)


def _run(args: argparse.Namespace) -> int:
    cli = _cli()
    if cli is None:
        print(_NO_CHECKOUT, file=sys.stderr)
        return 2
    return int(cli.run(args))


register(
    Command(
        name="mutants",
        help="run the suite against every hand-written mutant of the reference (from a checkout); "
        "exit 0 iff all are killed",
        description=__doc__ or "",
        configure=_configure,
        run=_run,
    )
)
