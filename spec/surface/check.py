"""Check a target's namespace against an inventory: every entry present and compatible, or omitted.

An entry is **compatible** when the target's object is of a matching kind and, for callables,
accepts every call the seed's accepts (``incompatibility`` states the rule). An entry the target
lacks, or has incompatibly, must match one of the target's declared ``Omission``s (a reason per
pattern); an omission that explains no gap is *stale* and fails the check too, so the list of
omissions stays exactly the list of gaps.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import sys
from collections.abc import Callable, Sequence
from typing import Any, Literal

from spec.surface.describe import ABCS, Entry, Param, describe, describe_member, render
from spec.surface.inventory import Inventory

__all__ = ["Finding", "Omission", "SurfaceReport", "check", "incompatibility"]

Status = Literal["ok", "missing", "incompatible", "omitted"]


@dataclasses.dataclass(frozen=True)
class Omission:
    """Entries a target does not provide, on purpose: ``pattern`` is an ``fnmatch`` pattern over
    entry keys (``nnx.Rngs*``); written ``module:GLOB`` it matches the module that defines the
    entry (or its class) in the inventory's release (``module:flax.nnx.nn.*``), written
    ``kind:KIND`` the entry's kind (``kind:typevar``)."""

    pattern: str
    reason: str

    def matches(self, key: str, module: str, kind: str) -> bool:
        """Does this omission cover the entry ``key`` (a ``kind`` defined in ``module``)?"""
        field, _, glob = self.pattern.partition(":")
        if field == "module" and glob:
            return fnmatch.fnmatchcase(module, glob)
        if field == "kind" and glob:
            return kind == glob
        return fnmatch.fnmatchcase(key, self.pattern)


@dataclasses.dataclass(frozen=True)
class Finding:
    """The verdict on one entry."""

    key: str
    status: Status
    detail: str = ""


@dataclasses.dataclass(frozen=True)
class SurfaceReport:
    """All findings of one check, plus the omissions that explained nothing."""

    target: str
    inventory: str
    findings: tuple[Finding, ...]
    stale: tuple[Omission, ...]

    def of(self, status: Status) -> list[Finding]:
        return [f for f in self.findings if f.status == status]

    @property
    def ok(self) -> bool:
        return not self.of("missing") and not self.of("incompatible") and not self.stale

    def render(self, *, verbose: bool = False) -> str:
        """One line per failure (and per omission with ``verbose``), then a summary line."""
        lines = [
            f"{f.status}: {f.key}" + (f" ({f.detail})" if f.detail else "")
            for f in self.findings
            if f.status in ("missing", "incompatible") or (verbose and f.status == "omitted")
        ]
        lines += [f"stale omission: {o.pattern!r} ({o.reason}) matches no gap" for o in self.stale]
        counts = ", ".join(
            f"{len(self.of(s))} {s}" for s in ("ok", "omitted", "missing", "incompatible")
        )
        lines.append(
            f"surface {self.inventory} on {self.target}: {counts}, "
            f"{len(self.stale)} stale omission(s)"
        )
        return "\n".join(lines)


# --- signatures --------------------------------------------------------------------------------

_POSITIONAL = ("positional-only", "positional-or-keyword")


def incompatibility(seed: list[Param] | None, target: list[Param] | None) -> str | None:
    """Return why ``target``'s parameters cannot stand in for ``seed``'s, or None if they can.

    The target must accept every call the seed accepts: each seed positional parameter at the same
    position (a positional-or-keyword one with the same name and kind), each keyword-only one by
    name (or through ``**kwargs``), ``*args`` / ``**kwargs`` where the seed has them, a default
    wherever the seed has one; and it may require nothing more.
    """
    if seed is None:
        return None
    if target is None:
        return "signature unreadable"
    s_pos = [p for p in seed if p[1] in _POSITIONAL]
    t_pos = [p for p in target if p[1] in _POSITIONAL]
    t_named = {p[0]: p for p in target if p[1] in ("positional-or-keyword", "keyword-only")}
    t_kinds = {p[1] for p in target}
    var_pos, var_kw = "var-positional" in t_kinds, "var-keyword" in t_kinds
    for i, (name, kind, has_default) in enumerate(s_pos):
        if i >= len(t_pos):
            if var_pos and (kind == "positional-only" or var_kw):
                continue
            return f"no positional parameter {i} for the seed's {name!r}"
        q = t_pos[i]
        if kind == "positional-or-keyword" and (q[0] != name or q[1] != kind):
            return f"parameter {i} is {q[0]!r} ({q[1]}), the seed's is {name!r} ({kind})"
        if has_default and not q[2]:
            return f"parameter {q[0]!r} is required, the seed's {name!r} has a default"
    for name, kind, has_default in seed:
        if kind == "keyword-only":
            named = t_named.get(name)
            if named is None and not var_kw:
                return f"no keyword parameter {name!r}"
            if named is not None and has_default and not named[2]:
                return f"keyword {name!r} is required, the seed's has a default"
        if kind in ("var-positional", "var-keyword") and kind not in t_kinds:
            return f"no {kind} parameter (the seed has *{name})"
    seed_names = {p[0] for p in seed if p[1] in ("positional-or-keyword", "keyword-only")}
    for j, (name, _, has_default) in enumerate(t_pos):
        if j >= len(s_pos) and not has_default:
            return f"requires the extra parameter {name!r}"
    for name, kind, has_default in target:
        if kind == "keyword-only" and not has_default and name not in seed_names:
            return f"requires the extra keyword {name!r}"
    return None


# --- resolution --------------------------------------------------------------------------------


def _static_member(cls: type, name: str) -> tuple[bool, object]:
    for klass in cls.__mro__:
        if name in vars(klass):
            return True, vars(klass)[name]
    for klass in cls.__mro__:
        if name in vars(klass).get("__annotations__", {}):
            return True, _FIELD
    return False, None


_OBJECT_FROM_3_11 = frozenset({"__getstate__"})
"""Members ``object`` itself has from Python 3.11 on (an inventory made there lists them)."""

_FIELD = object()
_DATA_KINDS = ("slot", "field", "property", "attribute")


def _member_finding(key: str, seed: Entry, cls: type) -> Finding:
    found, raw = _static_member(cls, seed["path"][-1])
    if not found and seed["path"][-1] in _OBJECT_FROM_3_11 and sys.version_info < (3, 11):
        # every class has it from Python 3.11 (object's own); before, default pickling serves
        return Finding(key, "ok")
    if not found:
        return Finding(key, "missing")
    got: Entry = {"kind": "field"} if raw is _FIELD else describe_member(raw)
    kind, want = got["kind"], seed["kind"]
    if want in ("slot", "field", "attribute") or (want == "property" and not seed["settable"]):
        ok = kind in _DATA_KINDS
    elif want == "property":
        ok = kind in ("slot", "field") or (kind == "property" and bool(got["settable"]))
        if not ok:
            return Finding(key, "incompatible", f"a read-only {kind}; the seed's can be set")
    else:
        ok = kind == want
    if not ok:
        return Finding(key, "incompatible", f"a {kind}, the seed's is a {want}")
    name = seed["path"][-1]
    if name.startswith("__") and name not in _KEYWORD_DUNDERS:
        return _params_finding(
            key, _by_position(seed.get("params")), _by_position(got.get("params"))
        )
    return _params_finding(key, seed.get("params"), got.get("params"))


_KEYWORD_DUNDERS = ("__init__", "__init_subclass__", "__call__", "__new__")
"""Dunders users call with keywords; Python calls every other protocol method positionally, so
the names of their parameters are not part of the surface."""


def _by_position(params: list[Param] | None) -> list[Param] | None:
    if params is None:
        return None
    return [[n, "positional-only" if k == "positional-or-keyword" else k, d] for n, k, d in params]


def _params_finding(key: str, seed: list[Param] | None, got: list[Param] | None) -> Finding:
    why = incompatibility(seed, got)
    if why is not None:
        return Finding(key, "incompatible", f"{render(got)} vs the seed's {render(seed)}: {why}")
    return Finding(key, "ok")


def _top_finding(
    key: str, seed: Entry, obj: object, resolve_key: Callable[[str], object]
) -> Finding:
    got = describe(obj)
    want = seed["kind"]
    if want == "class":
        if not isinstance(obj, type):
            return Finding(key, "incompatible", f"a {got['kind']}, the seed's is a class")
        missing_abcs = [a for a in seed["abcs"] if not issubclass(obj, ABCS[a])]
        if missing_abcs:
            return Finding(key, "incompatible", f"not a {', '.join(missing_abcs)}")
        for base_key in seed.get("bases", ()):
            base = resolve_key(base_key)
            if isinstance(base, type) and not issubclass(obj, base):
                return Finding(key, "incompatible", f"not a subclass of {base_key}")
        return _params_finding(key, seed["init"], got["init"])
    if want == "function":
        if not callable(obj):
            return Finding(key, "incompatible", f"a {got['kind']}, the seed's is a function")
        params = got["init"] if isinstance(obj, type) else got["params"]
        return _params_finding(key, seed["params"], params)
    if want == "module" and got["kind"] != "module":
        return Finding(key, "incompatible", f"a {got['kind']}, the seed's is a module")
    return Finding(key, "ok")


def check(
    inventory: Inventory,
    resolve: Callable[[str], object],
    omissions: Sequence[Omission],
    *,
    target: str = "target",
    inventory_name: str = "",
) -> SurfaceReport:
    """Check every entry of ``inventory`` against the namespaces ``resolve(prefix)`` returns."""
    entries: dict[str, Entry] = inventory["entries"]
    missing = object()

    def resolve_key(key: str) -> object:
        entry = entries[key]
        obj: Any = resolve(entry["namespace"])
        for name in entry["path"]:
            obj = getattr(obj, name, missing) if obj is not missing else missing
        return obj

    findings: list[Finding] = []
    used: set[int] = set()
    for key, entry in entries.items():
        if len(entry["path"]) == 1:
            obj = resolve_key(key)
            finding = (
                Finding(key, "missing")
                if obj is missing
                else _top_finding(key, entry, obj, resolve_key)
            )
        else:
            owner = resolve_key(f"{entry['namespace']}.{entry['path'][0]}")
            finding = (
                _member_finding(key, entry, owner)
                if isinstance(owner, type)
                else Finding(key, "missing", "its class is missing")
            )
        if finding.status != "ok":
            module = entries[f"{entry['namespace']}.{entry['path'][0]}"]["module"]
            for i, omission in enumerate(omissions):
                if omission.matches(key, module, entry["kind"]):
                    used.add(i)
                    finding = Finding(key, "omitted", omission.reason)
                    break
        findings.append(finding)
    stale = tuple(o for i, o in enumerate(omissions) if i not in used)
    return SurfaceReport(
        target, inventory_name or str(inventory["about"].get("release")), tuple(findings), stale
    )
