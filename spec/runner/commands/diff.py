"""``nnxspec diff A B [--target T]``: why did it recompile?  The first place two GraphDefs differ.

``A`` and ``B`` each name a graph, built on the target (default: the reference) before its
GraphDef is taken:

* a vector file (``.json`` with ``"format": "nnxspec-vector/1"``): the graph of its case;
* a blueprint file (``.json`` holding ``spec.blueprint.to_data`` of a blueprint, as a vector's
  ``case.graph``);
* ``module:attr``: a live graph, a GraphDef, or a zero-argument callable returning either,
  imported from the current directory first (as ``python -m`` does);
* a pickle file (``.pkl`` / ``.pickle``) of a live graph or a GraphDef.

It prints the first difference (``spec.diff``: structure, key type, node type, static value,
Variable type or metadata, sharing, index) with its path, and exits 1; or says the GraphDefs
are equal (jit reuses its trace) and exits 0.  2 for an input it cannot read.  From Python:
``spec.diff.graphdef_diff(target, a, b)`` with two live graphs or GraphDefs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pickle
import sys
from pathlib import Path

from spec.blueprint import from_data
from spec.build import build
from spec.diff import graphdef_diff
from spec.runner.commands import Command, register
from spec.runner.vectors import FORMAT, VectorError, load
from spec.target import Target, TargetError, resolve_target

__all__ = ["load_graph", "run"]


class InputError(ValueError):
    """An input of ``nnxspec diff`` that names no graph; the message says why."""


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", metavar="A", help="a vector or blueprint .json, a .pkl, or module:attr")
    p.add_argument("b", metavar="B", help="the same kinds as A")
    p.add_argument(
        "--target",
        default="reference",
        help="the target to build and split on (default: reference)",
    )


def _from_module(spec: str) -> object:
    module_name, _, attr = spec.partition(":")
    if "" not in sys.path and "." not in sys.path:
        sys.path.insert(0, "")  # the current directory, as python -m puts it first
    try:
        obj: object = importlib.import_module(module_name)
    except ImportError as e:
        raise InputError(f"cannot import {module_name!r}: {e}") from e
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise InputError(f"{module_name!r} has no attribute {attr!r}")
        obj = getattr(obj, part)
    return obj() if callable(obj) and not isinstance(obj, type) else obj


def load_graph(t: Target, name: str) -> object:
    """Return the live graph or GraphDef that the input ``name`` of ``nnxspec diff`` names."""
    path = Path(name)
    if path.suffix in (".pkl", ".pickle"):
        try:
            with path.open("rb") as f:
                return pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as e:
            raise InputError(f"{name}: cannot unpickle: {e}") from e
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise InputError(f"{name}: cannot read JSON: {e}") from e
        try:
            bp = (
                load(path).case.graph
                if isinstance(data, dict) and data.get("format") == FORMAT
                else from_data(data)
            )
        except (VectorError, KeyError, TypeError, ValueError) as e:
            raise InputError(f"{name}: neither a vector nor a blueprint: {e}") from e
        return build(t, bp).root
    if ":" in name:
        return _from_module(name)
    raise InputError(f"{name}: not a .json vector or blueprint, a .pkl, or module:attr")


def run(args: argparse.Namespace) -> int:
    try:
        t = resolve_target(args.target)
        a, b = load_graph(t, args.a), load_graph(t, args.b)
        found = graphdef_diff(t, a, b)
    except (InputError, TargetError) as e:
        print(f"nnxspec diff: {e}")
        return 2
    if found is None:
        print(f"the GraphDefs are equal on {t.describe()}: jit reuses one trace for both")
        return 0
    print(f"the GraphDefs differ on {t.describe()} (jit traces again): {found}")
    return 1


register(
    Command(
        name="diff",
        help="name the first place where two graphs' GraphDefs differ (why did jit retrace?)",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)
