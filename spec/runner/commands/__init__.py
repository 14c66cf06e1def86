"""The ``nnxspec`` subcommands: a registry that every module of this package adds itself to.

A command is a module here that calls ``register(Command(...))`` at import: its name, a one-line
help, a function adding its arguments to an ``argparse`` parser, and a function running it
(returning the exit status).  ``load()`` imports every module of the package, then every
``nnxspec.commands`` entry point (a module, imported for its ``register`` calls), so a new command
needs no edit anywhere else.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import pkgutil
from collections.abc import Callable

__all__ = ["COMMANDS", "Command", "load", "register"]


@dataclasses.dataclass(frozen=True)
class Command:
    """One ``nnxspec`` subcommand."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    description: str = ""


COMMANDS: dict[str, Command] = {}


def register(command: Command) -> Command:
    """Add ``command`` to the registry (a second command with the same name is an error)."""
    known = COMMANDS.get(command.name)
    if known is not None and known is not command and known.run is not command.run:
        raise ValueError(f"two nnxspec commands are called {command.name!r}")
    COMMANDS[command.name] = command
    return command


def load() -> dict[str, Command]:
    """Import every command module and entry point; return the registry, sorted by name."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    from importlib.metadata import entry_points

    for ep in entry_points(group="nnxspec.commands"):
        importlib.import_module(ep.value.partition(":")[0])
    return dict(sorted(COMMANDS.items()))
