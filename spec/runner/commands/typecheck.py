"""``nnxspec typecheck [--target T] [--python PY] [--record]``: the typing cases under mypy --strict.

The implementation lives in ``spec.runner.typecheck`` (standard library only, also runnable as a
script inside another environment); this module only registers the command.
"""

from __future__ import annotations

from spec.runner import typecheck
from spec.runner.commands import Command, register

register(Command(
    name="typecheck",
    help="run the typing cases (typings/cases) against an implementation under mypy --strict",
    description=__doc__ or "",
    configure=typecheck.configure,
    run=typecheck.run,
))
