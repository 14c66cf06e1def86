"""Neutral filter terms: every form of the NNX filter language as plain, hashable data.

A ``FilterSpec`` is what strategies draw and vectors store; ``Target.make_filter`` turns it into
the target's own filter object, and ``matches`` is the spec's meaning of it.

The filter language (seed: ``filterlib.to_predicate``), form by form:

=====================  =========================================  ============================
term                   the user writes                            matches (path, leaf) when
=====================  =========================================  ============================
``TypeFilter(T)``      the class ``T``                            leaf's type is ``T`` or a subclass
``TagFilter(s)``       the string ``s``                           leaf's metadata ``tag == s``
``Literal("...")``     ``...``                                    always
``Literal("true")``    ``True``                                   always
``Literal("false")``   ``False``                                  never
``Literal("none")``    ``None``                                   never
``CallableFilter(n)``  a function ``(path, x) -> bool``           ``CALLABLES[n](path)``
``Seq("list", fs)``    ``[f1, f2]``                               any of ``fs`` matches
``Seq("tuple", fs)``   ``(f1, f2)``                               any of ``fs`` matches
``OfType(T)``          ``OfType(T)``                              as ``TypeFilter(T)``
``WithTag(s)``         ``WithTag(s)``                             as ``TagFilter(s)``
``PathContains(k)``    ``PathContains(k)``                        ``k in path``
``PathIn(ps)``         ``PathIn(*ps)``                            ``path in ps`` (whole paths)
``AnyOf(fs)``          ``Any(*fs)``                               any of ``fs`` matches
``AllOf(fs)``          ``All(*fs)``                               all of ``fs`` match
``NotOf(f)``           ``Not(f)``                                 ``f`` does not match
``Everything()``       ``Everything()``                           always
``Nothing()``          ``Nothing()``                              never
``Invalid(r)``         an object that is not a filter             (``make_filter`` builds it;
                                                                  the API must raise TypeError)
=====================  =========================================  ============================

Placement rule (``split`` / ``state`` / ``pop``): a leaf goes to the *first* filter that matches.
``...`` and ``True`` may only be followed by more ``...`` / ``True`` (``is_catch_all``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Literal as TLiteral
from typing import Union

from spec import codec as _codec
from spec.blueprint import VARIABLE_TYPES, Key, MetaValue

__all__ = [
    "CALLABLES",
    "AllOf",
    "AnyOf",
    "CallableFilter",
    "Everything",
    "FilterSpec",
    "Invalid",
    "Literal",
    "NotOf",
    "Nothing",
    "OfType",
    "PathContains",
    "PathIn",
    "Seq",
    "TagFilter",
    "TypeFilter",
    "WithTag",
    "describe",
    "first_match",
    "is_catch_all",
    "matches",
    "misplaced_catch_all",
    "same_filter",
    "type_names",
]


@dataclasses.dataclass(frozen=True)
class TypeFilter:
    type_name: str


@dataclasses.dataclass(frozen=True)
class TagFilter:
    tag: str


@dataclasses.dataclass(frozen=True)
class Literal:
    value: TLiteral["...", "true", "false", "none"]


@dataclasses.dataclass(frozen=True)
class CallableFilter:
    name: str


@dataclasses.dataclass(frozen=True)
class Seq:
    form: TLiteral["list", "tuple"]
    items: tuple[FilterSpec, ...]


@dataclasses.dataclass(frozen=True)
class OfType:
    type_name: str


@dataclasses.dataclass(frozen=True)
class WithTag:
    tag: str


@dataclasses.dataclass(frozen=True)
class PathContains:
    key: Key


@dataclasses.dataclass(frozen=True)
class PathIn:
    paths: tuple[tuple[Key, ...], ...]


@dataclasses.dataclass(frozen=True)
class AnyOf:
    items: tuple[FilterSpec, ...]


@dataclasses.dataclass(frozen=True)
class AllOf:
    items: tuple[FilterSpec, ...]


@dataclasses.dataclass(frozen=True)
class NotOf:
    item: FilterSpec


@dataclasses.dataclass(frozen=True)
class Everything:
    pass


@dataclasses.dataclass(frozen=True)
class Nothing:
    pass


@dataclasses.dataclass(frozen=True)
class Invalid:
    """Not a filter: an int (``1`` must not count as ``True``) or a plain object."""

    form: TLiteral["int", "float", "object"]


FilterSpec = Union[
    TypeFilter,
    TagFilter,
    Literal,
    CallableFilter,
    Seq,
    OfType,
    WithTag,
    PathContains,
    PathIn,
    AnyOf,
    AllOf,
    NotOf,
    Everything,
    Nothing,
    Invalid,
]

CALLABLES: dict[str, Callable[[tuple[Key, ...]], bool]] = {
    "even_depth": lambda path: len(path) % 2 == 0,
    "last_key_before_m": lambda path: str(path[-1]) < "m" if path else False,
    "under_int_key": lambda path: any(isinstance(k, int) for k in path),
}
"""Named path predicates for ``CallableFilter``; targets wrap them as ``(path, x) -> bool``."""


def type_names(type_name: str) -> tuple[str, ...]:
    """Return ``type_name`` and the names of its base classes (blueprint Variable types)."""
    return (type_name, *VARIABLE_TYPES.get(type_name, ()))


def matches(
    f: FilterSpec, path: tuple[Key, ...], type_name: str, metadata: Mapping[str, MetaValue]
) -> bool:
    """Check if filter ``f`` matches a leaf of type ``type_name`` with ``metadata`` at ``path``."""
    if isinstance(f, (TypeFilter, OfType)):
        return f.type_name in type_names(type_name)
    if isinstance(f, (TagFilter, WithTag)):
        return "tag" in metadata and metadata["tag"] == f.tag
    if isinstance(f, Literal):
        return f.value in ("...", "true")
    if isinstance(f, CallableFilter):
        return CALLABLES[f.name](path)
    if isinstance(f, PathContains):
        return f.key in path
    if isinstance(f, PathIn):
        return path in f.paths
    if isinstance(f, (Seq, AnyOf)):
        return any(matches(g, path, type_name, metadata) for g in f.items)
    if isinstance(f, AllOf):
        return all(matches(g, path, type_name, metadata) for g in f.items)
    if isinstance(f, NotOf):
        return not matches(f.item, path, type_name, metadata)
    if isinstance(f, Everything):
        return True
    if isinstance(f, Nothing):
        return False
    raise TypeError(f"{f!r} is not a valid filter")


def is_catch_all(f: FilterSpec) -> bool:
    """Check if ``f`` is ``...`` or ``True``, the only filters that may only come last."""
    return isinstance(f, Literal) and f.value in ("...", "true")


def misplaced_catch_all(filters: Sequence[FilterSpec]) -> int | None:
    """Return the index of a ``...`` / ``True`` followed by a different filter, or None."""
    for i, f in enumerate(filters):
        if is_catch_all(f) and not all(is_catch_all(g) for g in filters[i + 1 :]):
            return i
    return None


def first_match(
    filters: Sequence[FilterSpec],
    path: tuple[Key, ...],
    type_name: str,
    metadata: Mapping[str, MetaValue],
) -> int | None:
    """Return the index of the first filter matching the leaf, or None (the remainder)."""
    for i, f in enumerate(filters):
        if matches(f, path, type_name, metadata):
            return i
    return None


def has_invalid(f: FilterSpec) -> bool:
    """Check if ``f`` contains an ``Invalid`` term anywhere."""
    if isinstance(f, Invalid):
        return True
    if isinstance(f, (Seq, AnyOf, AllOf)):
        return any(has_invalid(g) for g in f.items)
    if isinstance(f, NotOf):
        return has_invalid(f.item)
    return False


def same_filter(f: FilterSpec, g: FilterSpec) -> bool:
    """Check if the filter objects ``f`` and ``g`` denote compare equal (and so hash equal).

    Filters compare as data (seed: filterlib): ``Any``, ``All`` and ``Not`` by their kind and
    their terms in order, ``PathIn`` by its *set* of paths, ``OfType`` by its type, ``WithTag``
    by its tag, ``PathContains`` by its key. Inside a combinator a class is ``OfType`` of it, a
    string ``WithTag`` of it, a list or tuple ``Any`` of its items, ``...`` and ``True``
    ``Everything()``, ``False`` and ``None`` ``Nothing()``; a function is itself.
    """
    return _canonical(f) == _canonical(g)


def _canonical(f: FilterSpec) -> object:
    if isinstance(f, (TypeFilter, OfType)):
        return ("type", f.type_name)
    if isinstance(f, (TagFilter, WithTag)):
        return ("tag", f.tag)
    if isinstance(f, Literal):
        return ("everything",) if f.value in ("...", "true") else ("nothing",)
    if isinstance(f, Everything):
        return ("everything",)
    if isinstance(f, Nothing):
        return ("nothing",)
    if isinstance(f, CallableFilter):
        return ("callable", f.name)
    if isinstance(f, PathContains):
        return ("contains", f.key)
    if isinstance(f, PathIn):
        return ("in", frozenset(f.paths))
    if isinstance(f, (Seq, AnyOf)):
        return ("any", tuple(_canonical(g) for g in f.items))
    if isinstance(f, AllOf):
        return ("all", tuple(_canonical(g) for g in f.items))
    if isinstance(f, NotOf):
        return ("not", _canonical(f.item))
    raise TypeError(f"{f!r} is not a valid filter")


def describe(f: FilterSpec) -> str:
    """Return the Python source a user would write for ``f`` (``nnx.`` prefixed)."""
    if isinstance(f, TypeFilter):
        return f"nnx.{f.type_name}" if f.type_name != "UserVariable" else "UserVariable"
    if isinstance(f, TagFilter):
        return repr(f.tag)
    if isinstance(f, Literal):
        return {"...": "...", "true": "True", "false": "False", "none": "None"}[f.value]
    if isinstance(f, CallableFilter):
        return f"CALLABLES[{f.name!r}]"
    if isinstance(f, Seq):
        inner = ", ".join(describe(g) for g in f.items)
        return f"[{inner}]" if f.form == "list" else f"({inner}{',' if len(f.items) == 1 else ''})"
    if isinstance(f, OfType):
        return f"nnx.OfType({describe(TypeFilter(f.type_name))})"
    if isinstance(f, WithTag):
        return f"nnx.WithTag({f.tag!r})"
    if isinstance(f, PathContains):
        return f"nnx.PathContains({f.key!r})"
    if isinstance(f, PathIn):
        return f"nnx.PathIn({', '.join(map(repr, f.paths))})"
    if isinstance(f, AnyOf):
        return f"nnx.Any({', '.join(describe(g) for g in f.items)})"
    if isinstance(f, AllOf):
        return f"nnx.All({', '.join(describe(g) for g in f.items)})"
    if isinstance(f, NotOf):
        return f"nnx.Not({describe(f.item)})"
    if isinstance(f, Everything):
        return "nnx.Everything()"
    if isinstance(f, Nothing):
        return "nnx.Nothing()"
    return {"int": "1", "float": "1.5", "object": "object()"}[f.form]


_codec.register(
    TypeFilter,
    TagFilter,
    Literal,
    CallableFilter,
    Seq,
    OfType,
    WithTag,
    PathContains,
    PathIn,
    AnyOf,
    AllOf,
    NotOf,
    Everything,
    Nothing,
    Invalid,
)
