"""Where a law lives: its checker's file and line, and the oracle functions it compares against.

``checker_location(law)`` is ``spec/laws/<area>.py:<line of its @law>``.  ``oracle_functions(law)``
reads the checker's source, and that of the ``spec.laws`` helpers it calls, and lists every
function of ``spec.semantics`` they name (``semantics.split``, ``oracle.merge``, ...) and every
derived fact of ``spec.model`` they ask for (``aliasing(m)``, ``m.first_paths()``): the oracle the
law holds the target to.  Observing, printing and comparing models is not an oracle.  Laws that
compare a target only with itself name none.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
from collections.abc import Callable
from pathlib import Path

from spec.laws._registry import Law
from spec.model import Model

__all__ = ["checker_location", "oracle_functions", "oracle_names"]

_ROOT = Path(__file__).resolve().parents[2]
_MODEL_ORACLES = ("aliasing", "canonical")
"""The functions of ``spec.model`` that derive facts (the rest observe, print or compare)."""
_MODEL_METHODS = ("first_paths", "walk", "resolve")
"""The methods of ``Model`` that derive facts; met as ``m.<name>`` on a model."""


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(_ROOT).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _location(obj: Callable[..., object]) -> str:
    code = inspect.unwrap(obj).__code__
    return f"{_relative(code.co_filename)}:{code.co_firstlineno}"


def checker_location(law: Law) -> str:
    """Return ``file:line`` of the law's checker (the line of its ``@law`` decorator)."""
    return _location(law.check)


def _named(node: ast.AST, scope: dict[str, object]) -> object | None:
    """Resolve a ``Name`` or a dotted ``Attribute`` chain in ``scope``; None if it does not
    resolve."""
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _named(node.value, scope)
        if isinstance(base, types.ModuleType):
            return getattr(base, node.attr, None)
    return None


def _is_in(obj: object, package: str) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module == package or module.startswith(package + ".")


def _walk(obj: Callable[..., object], found: dict[str, str], seen: set[int]) -> None:
    """Collect the ``spec.semantics`` functions ``obj``'s source names, following law helpers."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    module = inspect.getmodule(obj)
    scope: dict[str, object] = vars(module) if module is not None else {}
    tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Name, ast.Attribute)):
            continue
        named = _named(node, scope)
        if isinstance(node, ast.Attribute) and named is None and node.attr in _MODEL_METHODS:
            named = getattr(Model, node.attr)
        if inspect.isfunction(named) and (
            _is_in(named, "spec.semantics")
            or (
                _is_in(named, "spec.model") and named.__name__ in (*_MODEL_ORACLES, *_MODEL_METHODS)
            )
        ):
            found[f"{named.__module__}.{named.__qualname__}"] = _location(named)
        elif (inspect.isfunction(named) or inspect.isclass(named)) and _is_in(named, "spec.laws"):
            _walk(named, found, seen)


def oracle_functions(law: Law) -> tuple[tuple[str, str], ...]:
    """Return ``(qualified name, file:line)`` of each oracle function the law's checker uses."""
    found: dict[str, str] = {}
    _walk(law.check, found, set())
    return tuple(sorted(found.items()))


def oracle_names(law: Law) -> tuple[str, ...]:
    """Return the law's oracle functions as short names (``semantics.flatten.state``)."""
    return tuple(name.removeprefix("spec.") for name, _ in oracle_functions(law))
