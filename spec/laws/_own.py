"""The ownership checker: mutate every mutable part on one side, compare the other side's
snapshots taken before (``spec.semantics.ownership`` states the rules).

A side is a list of ``Root``: a named graph, State or GraphDef.  ``parts`` walks a side to its
mutable parts by plain introspection (``Target.inspect`` and the Mapping protocol), ``fingerprint``
records a side as values (models, leaf models, token streams), and ``check_ownership`` runs an
operation twice, mutates one side of the first run and requires the other side and the second
run's results to look exactly as before; then the other way round.  Because the snapshot is taken
before the mutation and compared after it, an aliasing bug cannot pass as equal values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Literal

from spec.errors import LawViolation
from spec.model import diff, observe, path_str, var_model
from spec.program import TRANSFORMS
from spec.semantics.ownership import may_share
from spec.target import Target

__all__ = ["Part", "Root", "Run", "check_ownership", "fingerprint", "parts"]

RootKind = Literal["graph", "state", "graphdef"]


@dataclasses.dataclass(frozen=True)
class Root:
    """One object on a side of an operation, with the name a failure message uses."""

    name: str
    kind: RootKind
    obj: object


@dataclasses.dataclass(frozen=True)
class Part:
    """A mutable part: its kind (``spec.semantics.ownership.PART_KINDS``), object and place."""

    kind: str
    obj: object
    where: str


Side = Sequence[Root]
Run = Callable[[], tuple[Side, Side, Side]]
"""Build fresh inputs, run the operation twice: ``(inputs, results, second call's results)``."""


def _graph_parts(t: Target, root: Root, seen: set[int]) -> Iterator[Part]:
    stack: list[tuple[str, object]] = [(root.name, root.obj)]
    while stack:
        where, obj = stack.pop()
        what = t.classify(obj)
        if what in ("static",) or id(obj) in seen:
            continue
        seen.add(id(obj))
        if what == "variable":
            yield Part("leaf", obj, where)
            continue
        view = t.inspect(obj)
        if what == "graph":
            yield Part("node", obj, where)
        elif type(obj) in (dict, list):
            yield Part("container", obj, where)
        stack += [(f"{where}{path_str((k,))}", v) for k, v in reversed(view.entries)]


def _state_parts(t: Target, root: Root, seen: set[int]) -> Iterator[Part]:
    stack: list[tuple[str, object]] = [(root.name, root.obj)]
    while stack:
        where, obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, Mapping):
            yield Part("mapping", obj, where)
            stack += [(f"{where}{path_str((k,))}", obj[k]) for k in reversed(list(obj))]
        elif _is_leaf(t, obj):
            yield Part("leaf", obj, where)


def _is_leaf(t: Target, obj: object) -> bool:
    try:
        t.leaf_view(obj)
    except Exception:
        return False
    return True


def parts(t: Target, side: Side) -> list[Part]:
    """Return every mutable part reachable from ``side`` (each object once)."""
    seen: set[int] = set()
    out: list[Part] = []
    for root in side:
        if root.kind == "graph":
            out += _graph_parts(t, root, seen)
        elif root.kind == "state":
            out += _state_parts(t, root, seen)
    return out


def _state_print(t: Target, obj: object) -> object:
    if isinstance(obj, Mapping):
        return tuple(sorted(((repr(k), _state_print(t, obj[k])) for k in obj), key=repr))
    if _is_leaf(t, obj):
        return var_model(t.leaf_view(obj))
    return repr(obj)


def fingerprint(t: Target, side: Side) -> list[object]:
    """Return ``side`` as values: a graph's model, a State's nested leaf models, a GraphDef's
    tokens."""
    out: list[object] = []
    for root in side:
        if root.kind == "graph":
            out.append(observe(t, root.obj))
        elif root.kind == "state":
            out.append(_state_print(t, root.obj))
        else:
            out.append(t.graphdef_tokens(root.obj))
    return out


def _fresh(keys: Sequence[object], n: int) -> object:
    ints = [k for k in keys if isinstance(k, int) and not isinstance(k, bool)]
    if keys and len(ints) == len(keys):
        return max(ints) + 1
    return f"own_probe_{n}"


def mutate(t: Target, part: Part, n: int) -> None:
    """Change ``part`` in place: a new attribute, entry or item; a leaf's value and metadata."""
    obj = part.obj
    if part.kind == "leaf":
        t.set_value(obj, TRANSFORMS["add_one"](t.get_value(obj)))  # type: ignore[arg-type]
        t.set_metadata(obj, "own_probe", n)
    elif part.kind == "node":
        view = t.inspect(obj)
        if not view.positional:
            t.set_attr(obj, f"own_probe_{n}", n)
    elif isinstance(obj, list):
        obj.append(n)
    else:
        mapping: dict[object, object] = obj  # type: ignore[assignment]
        mapping[_fresh(list(mapping), n)] = n


def _one_way(t: Target, operation: str, run: Run, mutated: int) -> None:
    """Mutate side ``mutated`` (0: inputs, 1: results) of one run; the rest must not change."""
    sides = run()
    changed = sides[mutated]
    watched = [r for i, side in enumerate(sides) if i != mutated for r in side]
    kinds = may_share(operation, t.capabilities)
    shared = {id(p.obj) for p in parts(t, watched) if p.kind in kinds}
    before = fingerprint(t, watched)
    done = []
    for n, part in enumerate(parts(t, changed)):
        if not (part.kind in kinds and id(part.obj) in shared):
            mutate(t, part, n)
            done.append(part)
    after = fingerprint(t, watched)
    for root, old, new in zip(watched, before, after):
        if old != new:
            side = "the inputs" if mutated == 0 else f"{operation}'s results"
            raise LawViolation(
                f"mutating {side} ({_describe(done)}) changed {root.name}: "
                f"{_difference(old, new)}; the two should share no mutable part"
            )


def _describe(done: Sequence[Part]) -> str:
    shown = ", ".join(f"{p.kind} {p.where}" for p in done[:4])
    return shown + (f" and {len(done) - 4} more" if len(done) > 4 else "")


def _difference(old: object, new: object) -> str:
    from spec.model import Model

    if isinstance(old, Model) and isinstance(new, Model):
        return diff(old, new, what="it") or "its model changed"
    return f"it was {str(old)[:300]} and is now {str(new)[:300]}"


def check_ownership(t: Target, operation: str, run: Run) -> None:
    """Check the ownership rule of ``operation`` both ways (see the module docstring)."""
    _one_way(t, operation, run, 1)
    _one_way(t, operation, run, 0)
