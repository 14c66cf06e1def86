"""``nnxspec typecheck [--target T] [--python PY] [--record]``: the typing cases under mypy
--strict.

Runs the typing cases of ``typings/cases`` against an implementation's own annotations: each case
imports the implementation as ``nnx_under_test``, whose stub re-exports the target's names (found
by importing the target in its interpreter); lines that must type-check and lines that must be
rejected are scored per case file.  ``--target`` is ``reference`` (default), ``flax`` (its
``flax.nnx`` API), ``contract``, or modules to search (``mod[,mod...]``); ``--python`` picks the
environment that holds the target and mypy.

Examples::

    nnxspec typecheck
    nnxspec typecheck --target flax --python .venvs/flax-0.12.8/bin/python
    nnxspec typecheck --section
"""

from __future__ import annotations

from spec.runner import typecheck
from spec.runner.commands import Command, register

register(
    Command(
        name="typecheck",
        help="run the typing cases (typings/cases) against an implementation under mypy --strict",
        description=__doc__ or "",
        configure=typecheck.configure,
        run=typecheck.run,
    )
)
