"""The contract's stub (typings/nnx_contract/__init__.pyi) against ``reference`` at run time.

For every function and class method the stub declares, ``inspect.signature`` of the
reference's object must have the same parameters: names, kinds (positional-only, ...,
``*args``, keyword-only, ``**kwargs``) and whether each has a default. Overloaded stub
functions are checked call shape by call shape: each overload's calls must bind to the
runtime signature, and every keyword-capable name an overload uses must exist at run time.
Runtime parameters the contract does not have are listed in ``EXTENSIONS`` (they must be
optional); anything else is drift, and so is a stub name the reference lacks.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import reference

STUB = Path(__file__).resolve().parents[2] / "typings" / "nnx_contract" / "__init__.pyi"

# (qualified name, runtime parameter) pairs the contract leaves out on purpose.
EXTENSIONS = {
    ("UpdateContext.unflatten_end", "outer"),  # [Deviation D-11]: a merge step that ends a round
    ("State.__init__", "_copy"),  # private: wrap a dict without copying
}

_KINDS = {
    "posonly": inspect.Parameter.POSITIONAL_ONLY,
    "args": inspect.Parameter.POSITIONAL_OR_KEYWORD,
    "vararg": inspect.Parameter.VAR_POSITIONAL,
    "kwonly": inspect.Parameter.KEYWORD_ONLY,
    "kwarg": inspect.Parameter.VAR_KEYWORD,
}


@dataclass(frozen=True)
class Param:
    name: str
    kind: inspect._ParameterKind
    default: bool


def stub_params(fn: ast.FunctionDef, *, method: bool) -> list[Param]:
    a = fn.args
    out: list[Param] = []
    positional = [*a.posonlyargs, *a.args]
    defaults = [False] * (len(positional) - len(a.defaults)) + [True] * len(a.defaults)
    for i, (arg, has_default) in enumerate(zip(positional, defaults)):
        kind = _KINDS["posonly"] if i < len(a.posonlyargs) else _KINDS["args"]
        out.append(Param(arg.arg, kind, has_default))
    if a.vararg:
        out.append(Param(a.vararg.arg, _KINDS["vararg"], False))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        out.append(Param(arg.arg, _KINDS["kwonly"], default is not None))
    if a.kwarg:
        out.append(Param(a.kwarg.arg, _KINDS["kwarg"], False))
    if method and not any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list
    ):
        out = out[1:]  # self / cls
    return out


def runtime_params(obj: Callable[..., Any]) -> list[Param]:
    return [
        Param(p.name, p.kind, p.default is not inspect.Parameter.empty)
        for p in inspect.signature(obj).parameters.values()
    ]


def _is_overload(fn: ast.FunctionDef) -> bool:
    return any(
        (isinstance(d, ast.Name) and d.id == "overload")
        or (isinstance(d, ast.Attribute) and d.attr == "overload")
        for d in fn.decorator_list
    )


def _is_property(fn: ast.FunctionDef) -> bool:
    return any(
        (isinstance(d, ast.Name) and d.id == "property")
        or (isinstance(d, ast.Attribute) and d.attr in ("setter", "getter"))
        for d in fn.decorator_list
    )


@dataclass
class Entry:
    qualname: str
    overloads: list[ast.FunctionDef]
    method: bool


def stub_entries() -> Iterator[Entry]:
    """Functions and methods of the stub, overloads grouped (properties excluded)."""
    tree = ast.parse(STUB.read_text(encoding="utf-8"))

    def group(body: list[ast.stmt], prefix: str, method: bool) -> Iterator[Entry]:
        seen: dict[str, Entry] = {}
        for node in body:
            if isinstance(node, ast.FunctionDef) and not _is_property(node):
                entry = seen.setdefault(node.name, Entry(prefix + node.name, [], method))
                entry.overloads.append(node)
        yield from seen.values()

    yield from group(tree.body, "", method=False)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            yield from group(node.body, node.name + ".", method=True)


def stub_classes() -> Iterator[tuple[str, list[str]]]:
    """Each stub class with the attributes and properties it declares."""
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names = [
                n.target.id
                for n in node.body
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            ]
            names += [
                n.name for n in node.body if isinstance(n, ast.FunctionDef) and _is_property(n)
            ]
            yield node.name, sorted(set(names))


def resolve(qualname: str) -> Any:
    obj: Any = reference
    for part in qualname.split("."):
        obj = inspect.getattr_static(obj, part) if isinstance(obj, type) else getattr(obj, part)
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
    return obj


def _drop_self(params: list[Param], qualname: str) -> list[Param]:
    if "." in qualname and params and params[0].name in ("self", "cls"):
        return params[1:]
    return params


def mismatches(entry: Entry) -> list[str]:
    try:
        obj = resolve(entry.qualname)
    except AttributeError:
        return [f"{entry.qualname}: not in reference"]
    runtime = _drop_self(runtime_params(obj), entry.qualname)
    problems: list[str] = []
    if len(entry.overloads) == 1 and not _is_overload(entry.overloads[0]):
        stub = stub_params(entry.overloads[0], method=entry.method)
        extra = [p for p in runtime if (entry.qualname, p.name) in EXTENSIONS]
        for p in extra:
            if not (p.default or p.kind in (_KINDS["vararg"], _KINDS["kwarg"])):
                problems.append(f"{entry.qualname}: extension {p.name!r} is required at run time")
        core = [p for p in runtime if p not in extra]
        if _operator(entry.qualname):  # called by Python, positionally: names do not matter
            core, stub = _positional(core), _positional(stub)
        if core != stub:
            problems.append(f"{entry.qualname}: stub {_show(stub)} != runtime {_show(core)}")
        return problems
    # Overloads: every call shape of every overload must bind at run time.
    sig = inspect.signature(obj)
    if "." in entry.qualname and next(iter(sig.parameters), None) in ("self", "cls"):
        sig = sig.replace(parameters=list(sig.parameters.values())[1:])
    names = {p.name: p for p in runtime}
    for fn in entry.overloads:
        params = stub_params(fn, method=entry.method)
        for shape in _call_shapes(params):
            args, kwargs = shape
            try:
                sig.bind(*args, **kwargs)
            except TypeError as e:
                problems.append(
                    f"{entry.qualname}: overload {_show(params)} call {shape} fails: {e}"
                )
        for p in params:
            if p.kind in (_KINDS["args"], _KINDS["kwonly"]) and p.name not in names:
                problems.append(
                    f"{entry.qualname}: overload keyword {p.name!r} missing at run time"
                )
    return problems


def _operator(qualname: str) -> bool:
    name = qualname.rpartition(".")[2]
    return name.startswith("__") and name.endswith("__") and name != "__init__"


def _positional(params: list[Param]) -> list[Param]:
    return [
        Param("_", _KINDS["posonly"], p.default)
        if p.kind in (_KINDS["posonly"], _KINDS["args"])
        else p
        for p in params
    ]


def _call_shapes(params: list[Param]) -> list[tuple[tuple[object, ...], dict[str, object]]]:
    """Calls an overload accepts: required arguments only, then with every optional one and
    two extra ``*args``."""
    required_pos = tuple(
        object() for p in params if p.kind in (_KINDS["posonly"], _KINDS["args"]) and not p.default
    )
    required_kw = {p.name: object() for p in params if p.kind == _KINDS["kwonly"] and not p.default}
    all_pos = tuple(object() for p in params if p.kind in (_KINDS["posonly"], _KINDS["args"]))
    all_kw = {p.name: object() for p in params if p.kind == _KINDS["kwonly"]}
    shapes = [(required_pos, required_kw), (all_pos, all_kw)]
    if any(p.kind == _KINDS["vararg"] for p in params):
        shapes.append(((*all_pos, object(), object()), all_kw))
    return shapes


def _show(params: list[Param]) -> str:
    marks = {
        _KINDS["posonly"]: "{}/",
        _KINDS["args"]: "{}",
        _KINDS["vararg"]: "*{}",
        _KINDS["kwonly"]: "kw:{}",
        _KINDS["kwarg"]: "**{}",
    }
    return (
        "("
        + ", ".join(marks[p.kind].format(p.name) + ("=" if p.default else "") for p in params)
        + ")"
    )


ENTRIES = list(stub_entries())


def test_the_stub_declares_the_graph_api() -> None:
    names = {e.qualname for e in ENTRIES}
    assert {
        "split",
        "merge",
        "update",
        "state",
        "variables",
        "pop",
        "graphdef",
        "clone",
        "call",
        "update_context",
        "split_context",
        "merge_context",
        "UpdateContext.split",
        "UpdateContext.merge",
        "UpdateContext.flatten_end",
        "UpdateContext.unflatten_end",
        "SplitContext.split",
        "MergeContext.merge",
        "Variable.__init__",
    } <= names


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.qualname for e in ENTRIES])
def test_stub_signature_matches_the_reference(entry: Entry) -> None:
    assert mismatches(entry) == []


@pytest.mark.parametrize("name,members", list(stub_classes()), ids=[c for c, _ in stub_classes()])
def test_stub_class_members_exist_in_the_reference(name: str, members: list[str]) -> None:
    """A member the class itself lacks at run time (declared for the type checker only, like
    ``GraphDef.type``) must exist on every concrete subclass (``NodeDef``, ``NodeRef``)."""
    cls = getattr(reference, name)
    assert isinstance(cls, type)

    def has(k: type, member: str) -> bool:
        slots = {s for c in k.__mro__ for s in getattr(c, "__slots__", ())}
        annotated = {a for c in k.__mro__ for a in getattr(c, "__annotations__", {})}
        return hasattr(k, member) or member in slots | annotated | set(
            getattr(k, "__dataclass_fields__", {})
        )

    subclasses: list[type] = cls.__subclasses__()
    missing = [
        m
        for m in members
        if not (has(cls, m) or (subclasses and all(has(k, m) for k in subclasses)))
    ]
    assert missing == []


def test_the_comparison_catches_drift() -> None:
    """A stub entry whose parameters differ from the runtime is reported (no vacuous pass)."""
    tree = ast.parse(
        "def clone(node, /): ...\ndef graphdef(node, extra, /): ...\n"
        "def nothing_like_this(x): ...\n"
    )
    fns = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert mismatches(Entry("clone", [fns[0]], method=False))  # positional-only vs keyword
    assert mismatches(Entry("graphdef", [fns[1]], method=False))  # an extra parameter
    assert mismatches(Entry("nothing_like_this", [fns[2]], method=False)) == [
        "nothing_like_this: not in reference"
    ]
    overloads = ast.parse("@overload\ndef pop(node, /): ...\n").body
    assert isinstance(overloads[0], ast.FunctionDef)
    assert (
        mismatches(Entry("pop", [overloads[0]], method=False)) == []
    )  # binds: runtime is *filters
    bad = ast.parse("@overload\ndef pop(node, /, *, flag): ...\n").body
    assert isinstance(bad[0], ast.FunctionDef)
    assert mismatches(Entry("pop", [bad[0]], method=False))  # no keyword `flag` at run time
