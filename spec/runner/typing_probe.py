"""Where a target's names live, found inside the target's own interpreter.

``nnxspec typecheck`` runs this file as a script with the target environment's Python (standard
library only, so that environment needs no nnxspec)::

    PYTHON spec/runner/typing_probe.py '[["flax.nnx", "flax.nnx.graph"], ["split", "State"],
    "flax"]'

The argument is JSON: the modules to search in order, the contract's names, and the distribution
whose version labels the results.  It prints one JSON object: ``found`` (name -> the first module
that has it, preferring one that exports it explicitly, as mypy sees exports), ``errors`` (module
-> why it did not import), ``versions`` (python, the distribution, mypy) and ``origin`` (the file
of the top package).
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import json
import platform
import sys
import warnings
from collections.abc import Iterable, Sequence

__all__ = ["exported", "main", "probe"]


def _names_in(value: ast.expr) -> set[str]:
    if isinstance(value, (ast.List, ast.Tuple)):
        return {
            e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        }
    return set()


def _visit(body: Iterable[ast.stmt], out: set[str]) -> None:
    for node in body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            out.add(node.name)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out.add(t.id)
                    if t.id == "__all__":
                        out |= _names_in(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.add(node.target.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            if node.target.id == "__all__":
                out |= _names_in(node.value)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {a.asname for a in node.names if a.asname and a.asname == a.name.split(".")[-1]}
        elif isinstance(node, ast.If):
            _visit(node.body, out)
            _visit(node.orelse, out)
        elif isinstance(node, ast.Try):
            for part in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                _visit(part, out)


def exported(path: str) -> set[str] | None:
    """The names a module file exports for mypy: defined there, imported as ``X as X``, or in
    ``__all__``; None when the file cannot be read or parsed."""
    try:
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
    except (OSError, SyntaxError, ValueError):
        return None
    out: set[str] = set()
    _visit(tree.body, out)
    return out


def _has(module: object, name: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return hasattr(module, name)
        except Exception:  # a lazy attribute that fails to load counts as absent
            return False


def probe(modules: Sequence[str], names: Sequence[str], dist: str | None) -> dict[str, object]:
    """The probe's answer (see the module docstring)."""
    runtime: dict[str, str] = {}
    static: dict[str, str] = {}
    errors: dict[str, str] = {}
    for module in modules:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                mod = importlib.import_module(module)
        except Exception as e:
            errors[module] = f"{type(e).__name__}: {e}"
            continue
        explicit = exported(getattr(mod, "__file__", None) or "")
        for name in names:
            if _has(mod, name):
                runtime.setdefault(name, module)
                if explicit is not None and name in explicit:
                    static.setdefault(name, module)
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for d in ([dist] if dist else []) + ["mypy"]:
        try:
            versions[d] = importlib.metadata.version(d)
        except importlib.metadata.PackageNotFoundError:
            versions[d] = None
    try:
        origin = getattr(importlib.import_module(modules[0].partition(".")[0]), "__file__", None)
    except Exception:
        origin = None
    found = {name: static.get(name, module) for name, module in runtime.items()}
    return {"found": found, "errors": errors, "versions": versions, "origin": origin}


def main(argv: Sequence[str]) -> int:
    modules, names, dist = json.loads(argv[0])
    print(json.dumps(probe(modules, names, dist)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
