"""Describe live objects as plain data: the one introspection the inventory and its check share.

An object becomes a dict (an *entry*): its ``kind`` (``module``, ``class``, ``function``,
``typevar``, ``alias``, ``value``; for class members ``method``, ``classmethod``, ``staticmethod``,
``property``, ``slot``, ``field``, ``attribute``) and what the kind carries: call parameters as
``[name, kind, has_default]`` triples (the bound ``self`` / ``cls`` dropped), whether a property can
be set, a class's constructor parameters and the ``collections.abc`` interfaces it implements.
Everything is read with ``inspect`` (static lookups for members, so no descriptor runs), never by
calling the object.
"""

from __future__ import annotations

import collections.abc as cabc
import inspect
import types
import typing
from typing import Any

__all__ = ["ABCS", "Entry", "Param", "describe", "describe_member", "own_members", "params_of"]

Param = list[Any]
"""``[name, kind, has_default]`` with ``kind`` one of ``PARAM_KINDS``."""
Entry = dict[str, Any]

PARAM_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional-only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional-or-keyword",
    inspect.Parameter.VAR_POSITIONAL: "var-positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword-only",
    inspect.Parameter.VAR_KEYWORD: "var-keyword",
}

ABCS: dict[str, Any] = {
    "MutableMapping": cabc.MutableMapping,
    "Mapping": cabc.Mapping,
    "Sequence": cabc.Sequence,
    "Iterable": cabc.Iterable,
    "Hashable": cabc.Hashable,
    "Callable": cabc.Callable,
}
"""The interfaces a class entry records (``abcs``) and a target's class must implement too."""

_SKIPPED_DUNDERS = frozenset(
    {
        "__module__",
        "__doc__",
        "__dict__",
        "__weakref__",
        "__slots__",
        "__annotations__",
        "__orig_bases__",
        "__parameters__",
        "__abstractmethods__",
        "__dataclass_params__",
        "__dataclass_fields__",
        "__match_args__",
        "__qualname__",
        "__firstlineno__",
        "__static_attributes__",
        "__signature__",
        "__repr__",
        "__str__",
        "__nnx_repr__",
        "__treescope_repr__",
        "__rich_repr__",
        "__class_getitem__",
        "__type_params__",
    }
)
"""Class-dict names that are bookkeeping or rendering, not API."""


def params_of(fn: Any, *, bound: bool) -> list[Param] | None:
    """Return ``fn``'s parameters (the first dropped when ``bound``), or None if unreadable."""
    try:
        sig = inspect.signature(fn, follow_wrapped=False)
    except (TypeError, ValueError):
        return None
    ps = list(sig.parameters.values())
    if (
        bound
        and ps
        and ps[0].kind
        in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ):
        ps = ps[1:]
    return [[p.name, PARAM_KINDS[p.kind], p.default is not inspect.Parameter.empty] for p in ps]


def render(params: list[Param] | None) -> str:
    """Return a readable ``(a, /, b=…, *args, c, **kw)`` form of ``params``."""
    if params is None:
        return "(?)"
    out: list[str] = []
    kinds = [k for _, k, _ in params]
    for i, (name, kind, has_default) in enumerate(params):
        if (
            kind == "keyword-only"
            and "var-positional" not in kinds
            and (i == 0 or kinds[i - 1] not in ("keyword-only",))
        ):
            out.append("*")
        prefix = {"var-positional": "*", "var-keyword": "**"}.get(kind, "")
        out.append(prefix + name + ("=…" if has_default else ""))
        if kind == "positional-only" and (i + 1 == len(params) or kinds[i + 1] != kind):
            out.append("/")
    return "(" + ", ".join(out) + ")"


def _constructor(cls: type) -> list[Param] | None:
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is not None:
            return [] if klass is object else params_of(init, bound=True)
    return []


def _is_typevar(obj: object) -> bool:
    return isinstance(obj, typing.TypeVar) or type(obj).__name__ in ("ParamSpec", "TypeVarTuple")


def describe(obj: object) -> Entry:
    """Describe a namespace-level object (a module, class, function, type alias or value)."""
    if isinstance(obj, types.ModuleType):
        return {"kind": "module"}
    if _is_typevar(obj):
        return {"kind": "typevar"}
    # aliases first: on Python 3.10 ``isinstance(list[int], type)`` is True
    if typing.get_origin(obj) is not None or type(obj).__name__.endswith("Alias"):
        return {"kind": "alias"}
    if isinstance(obj, type):
        init = _constructor(obj)
        return {
            "kind": "class",
            "init": init,
            "abcs": sorted(name for name, abc in ABCS.items() if issubclass(obj, abc)),
            "signature": render(init),
        }
    if callable(obj):
        params = params_of(obj, bound=False)
        return {"kind": "function", "params": params, "signature": render(params)}
    return {"kind": "value", "type": type(obj).__name__}


def describe_member(raw: object) -> Entry:
    """Describe a class-dict value (as ``inspect.getattr_static`` returns it)."""
    if isinstance(raw, classmethod):
        params = params_of(raw.__func__, bound=True)
        return {"kind": "classmethod", "params": params, "signature": render(params)}
    if isinstance(raw, staticmethod):
        params = params_of(raw.__func__, bound=False)
        return {"kind": "staticmethod", "params": params, "signature": render(params)}
    if isinstance(raw, property):
        return {"kind": "property", "settable": raw.fset is not None}
    if type(raw).__name__ in ("member_descriptor", "getset_descriptor"):
        return {"kind": "slot"}
    if (
        inspect.isfunction(raw)
        or inspect.ismethoddescriptor(raw)
        or (callable(raw) and not isinstance(raw, type))
    ):
        params = params_of(raw, bound=True)
        return {"kind": "method", "params": params, "signature": render(params)}
    return {"kind": "attribute", "type": type(raw).__name__}


def own_members(cls: type) -> dict[str, Entry]:
    """Describe the API names ``cls`` defines itself: public names, protocol dunders and public
    annotations without a class value (instance fields); bookkeeping and rendering are skipped."""
    found: dict[str, Entry] = {}
    for name, raw in vars(cls).items():
        if name in _SKIPPED_DUNDERS or (name.startswith("_") and not _is_dunder(name)):
            continue
        if name == "__hash__" and raw is None:
            continue
        found[name] = describe_member(raw)
    for name in vars(cls).get("__annotations__", {}):
        if not name.startswith("_") and name not in found:
            found[name] = {"kind": "field"}
    return found


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4
