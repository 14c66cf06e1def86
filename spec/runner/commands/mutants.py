"""``nnxspec mutants``: registration only; the command lives in ``spec.mutants.cli``."""

from __future__ import annotations

from spec.mutants import cli
from spec.runner.commands import Command, register

register(Command(
    name="mutants",
    help="run the suite against every hand-written mutant of the reference; exit 0 iff all are killed",
    description=cli.__doc__ or "",
    configure=cli.configure,
    run=cli.run,
))
