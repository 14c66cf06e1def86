"""Near-miss pairs: a graph and a second graph that differs from it in exactly one aspect.

``near_miss(graph, aspect, pick)`` makes the change, at the place ``pick`` chooses
(``strategies.near_misses`` draws the aspect and the place; the EQ laws also try every aspect at
its first place).  The aspects (``spec.semantics.equality.ASPECTS`` says which ones the
model distinguishes, and why):

* ``variable_type``: one Variable gets another type;
* ``metadata_value``: one Variable's metadata value becomes an unequal one (or gains an entry);
* ``metadata_equal_value``: a metadata value becomes an equal one of another type (``1`` /
  ``True`` / ``1.0``);
* ``static_value``: a static becomes an unequal value;
* ``static_equal_value``: a static becomes an equal value of another type (``1`` / ``True`` /
  ``1.0``);
* ``static_identity``: a static becomes an equal, newly made object (where Python makes one:
  strings, floats, ints beyond the small-int cache);
* ``key_type``: an int-keyed dict gets the same keys as strings (``1`` -> ``'1'``);
* ``index``: one edge points at another node or Variable (sharing changes, or not);
* ``container_type``: one node changes kind (list / tuple / dict, module / container,
  namedtuple / dataclass).

Metadata *insertion order* is not a blueprint change (blueprints keep metadata sorted): the laws
build every case a second time with its metadata inserted in reverse (``spec.build``'s
``reversed_metadata``).  ``True`` as a dict key is not drawn either (blueprint keys are ``str``
and ``int``; the model says ``True`` and ``1`` are one key).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable

from spec.blueprint import (
    VARIABLE_TYPES,
    Blueprint,
    BlueprintError,
    Edge,
    MetaValue,
    NodeSpec,
    StaticValue,
    ToNode,
    ToStatic,
    ToVar,
    Unhashable,
)
from spec.semantics.equality import ASPECTS

__all__ = ["NEAR_MISS_ASPECTS", "Pick", "near_miss", "near_misses_of"]

NEAR_MISS_ASPECTS: tuple[str, ...] = tuple(a for a in ASPECTS if a != "metadata_order")
"""The aspects a blueprint can change (metadata order is a build option, see the docstring)."""

Pick = Callable[[int], int]
"""``pick(n)`` chooses one of ``n`` places (``0 <= result < n``)."""

_SWAPS: dict[str, tuple[str, ...]] = {
    "list": ("tuple", "dict"),
    "tuple": ("list", "dict"),
    "dict": ("list", "tuple"),
    "module": ("container",),
    "container": ("module",),
    "namedtuple": ("dataclass",),
    "dataclass": ("namedtuple",),
}


def _other_value(v: MetaValue) -> MetaValue:
    """Return a value unequal to ``v`` (by ``==``)."""
    if isinstance(v, bool):
        return 2
    if isinstance(v, (int, float)):
        return v + 1
    if isinstance(v, str):
        return v + "x"
    if v is None:
        return 0
    return (*v, 0)


def _equal_value(v: object) -> object | None:
    """Return a value equal to ``v`` (by ``==``, with the same hash) of another type, or None."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return bool(v) if v in (0, 1) else float(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return None


def _fresh_copy(v: StaticValue) -> StaticValue:
    """Return an object equal to ``v``, newly made where Python makes one."""
    if isinstance(v, str):
        return "".join(list(v))
    if isinstance(v, bool) or isinstance(v, Unhashable):
        return v
    if isinstance(v, int):
        return int(str(v))
    return float(repr(v))


def _replace_edge(bp: Blueprint, node: int, key: object, edge: Edge) -> Blueprint | None:
    n = bp.nodes[node]
    entries = tuple((k, edge if k == key and type(k) is type(key) else e) for k, e in n.entries)
    return _valid(bp, nodes=_with_node(bp, node, dataclasses.replace(n, entries=entries)))


def _with_node(bp: Blueprint, i: int, n: NodeSpec) -> tuple[NodeSpec, ...]:
    return (*bp.nodes[:i], n, *bp.nodes[i + 1 :])


def _valid(bp: Blueprint, **changes: object) -> Blueprint | None:
    try:
        return dataclasses.replace(bp, **changes)  # type: ignore[arg-type]
    except BlueprintError:
        return None


def _equal_places(meta: tuple[tuple[str, MetaValue], ...]) -> list[int]:
    return [i for i, (_, value) in enumerate(meta) if _equal_value(value) is not None]


def _variable_change(bp: Blueprint, aspect: str, pick: Pick) -> Blueprint | None:
    owners = list(range(len(bp.variables)))
    if aspect == "metadata_equal_value":
        owners = [j for j in owners if _equal_places(bp.variables[j].metadata)]
    if not owners:
        return None
    j = owners[pick(len(owners))]
    v = bp.variables[j]
    meta = v.metadata
    if aspect == "variable_type":
        others = [name for name in VARIABLE_TYPES if name != v.type]
        v = dataclasses.replace(v, type=others[pick(len(others))])
    elif aspect == "metadata_value" and not meta:
        v = dataclasses.replace(v, metadata=(("note", 1),))
    else:
        places = range(len(meta)) if aspect == "metadata_value" else _equal_places(meta)
        i = places[pick(len(places))]
        name, value = meta[i]
        new = _other_value(value) if aspect == "metadata_value" else _equal_value(value)
        v = dataclasses.replace(v, metadata=(*meta[:i], (name, new), *meta[i + 1 :]))  # type: ignore[arg-type]
    return _valid(bp, variables=(*bp.variables[:j], v, *bp.variables[j + 1 :]))


def _static_change(bp: Blueprint, aspect: str, pick: Pick) -> Blueprint | None:
    places = [(i, k, e.value) for i, k, e in bp.edges() if isinstance(e, ToStatic)]
    if aspect == "static_equal_value":
        places = [p for p in places if _equal_value(p[2]) is not None]
    if not places:
        return None
    i, k, value = places[pick(len(places))]
    new: object
    if aspect == "static_value":
        new = (
            Unhashable((*value.items, 9)) if isinstance(value, Unhashable) else _other_value(value)
        )
    elif aspect == "static_equal_value":
        new = _equal_value(value)
    else:
        new = _fresh_copy(value)
    return _replace_edge(bp, i, k, ToStatic(new))  # type: ignore[arg-type]


def _key_change(bp: Blueprint, pick: Pick) -> Blueprint | None:
    dicts = [
        i
        for i, n in enumerate(bp.nodes)
        if n.kind == "dict" and n.entries and isinstance(n.entries[0][0], int)
    ]
    if not dicts:
        return None
    i = dicts[pick(len(dicts))]
    n = bp.nodes[i]
    entries = tuple((str(k), e) for k, e in n.entries)
    return _valid(bp, nodes=_with_node(bp, i, dataclasses.replace(n, entries=entries)))


def _index_change(bp: Blueprint, pick: Pick) -> Blueprint | None:
    candidates: list[Blueprint] = []
    uses = Counter((type(e), e.index) for _, _, e in bp.edges() if isinstance(e, (ToNode, ToVar)))
    for i, k, e in bp.edges():
        if isinstance(e, (ToNode, ToVar)) and not _sole_edge_to(e, uses):
            count = len(bp.nodes) if isinstance(e, ToNode) else len(bp.variables)
            for target in range(count):
                if target != e.index and _may_point_back(bp, i, e, target):
                    changed = _replace_edge(bp, i, k, type(e)(target))
                    if changed is not None:
                        candidates.append(changed)
        if len(candidates) >= 16:
            break
    return candidates[pick(len(candidates))] if candidates else None


def _sole_edge_to(e: ToNode | ToVar, uses: Counter[tuple[type, int]]) -> bool:
    """Whether ``e`` is the only edge to its node (not the root) or Variable: moving it would
    leave that node unreachable or that Variable unreferenced, so no move of it is valid."""
    return uses[(type(e), e.index)] == 1 and not (isinstance(e, ToNode) and e.index == 0)


def _may_point_back(bp: Blueprint, i: int, e: ToNode | ToVar, target: int) -> bool:
    """False where moving edge ``e`` of ``nodes[i]`` to ``target`` makes a back edge to a node
    that is not a graph node (``validate`` rejects it; this only saves building it)."""
    return not isinstance(e, ToNode) or target > i or bp.nodes[target].is_graph


def _container_change(bp: Blueprint, pick: Pick) -> Blueprint | None:
    candidates: list[Blueprint] = []
    for i, n in enumerate(bp.nodes):
        if n.style or n.pytree:
            continue
        for kind in _SWAPS.get(n.kind, ()):
            changed = _valid(bp, nodes=_with_node(bp, i, dataclasses.replace(n, kind=kind)))
            if changed is not None:
                candidates.append(changed)
    return candidates[pick(len(candidates))] if candidates else None


def near_miss(graph: Blueprint, aspect: str, pick: Pick) -> Blueprint | None:
    """Return ``graph`` changed in ``aspect`` only (``NEAR_MISS_ASPECTS``), at the place
    ``pick`` chooses; None where the aspect does not apply to ``graph`` (no Variable, no
    static, no int-keyed dict ...)."""
    if aspect in ("variable_type", "metadata_value", "metadata_equal_value"):
        return _variable_change(graph, aspect, pick)
    if aspect.startswith("static_"):
        return _static_change(graph, aspect, pick)
    if aspect == "key_type":
        return _key_change(graph, pick)
    if aspect == "index":
        return _index_change(graph, pick)
    if aspect == "container_type":
        return _container_change(graph, pick)
    raise ValueError(f"unknown near-miss aspect {aspect!r}; known: {NEAR_MISS_ASPECTS}")


def near_misses_of(graph: Blueprint) -> list[tuple[str, Blueprint]]:
    """Return ``(aspect, graph changed in it at its first place)`` for every aspect that applies."""
    out = []
    for aspect in NEAR_MISS_ASPECTS:
        found = near_miss(graph, aspect, lambda n: 0)
        if found is not None:
            out.append((aspect, found))
    return out
