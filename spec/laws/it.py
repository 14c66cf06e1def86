"""IT: iter_graph walks the graph in post-order, once per object, yielding the live objects."""

from __future__ import annotations

from spec import semantics
from spec.laws._check import (
    build_case,
    require,
)
from spec.laws._registry import Case, law
from spec.model import Model, observe_objects, path_str
from spec.target import Path, Target, live_at


def _item_of(
    t: Target, value: object, nodes: dict[int, int], variables: dict[int, int]
) -> tuple[str, object]:
    what = t.classify(value)
    if what == "variable":
        return ("var", variables.get(id(value), -1))
    if what == "graph":
        return ("node", nodes.get(id(value), -1))
    if what == "pytree":
        return ("pytree", t.inspect(value).type_name)
    from spec.model import static_model

    return ("static", static_model(value))


def _expected_items(m: Model) -> list[tuple[Path, tuple[str, object]]]:
    out: list[tuple[Path, tuple[str, object]]] = []
    for path, (kind, ref) in semantics.iter_graph(m):
        if kind == "node" and m.nodes[ref].kind == "pytree":  # type: ignore[index]
            out.append((path, ("pytree", m.nodes[ref].type_name)))  # type: ignore[index]
        else:
            out.append((path, (kind, ref)))
    return out


@law("IT-1")
def iter_graph_walks_in_post_order_once_per_object(t: Target, case: Case) -> None:
    """iter_graph(x) yields in post-order: each graph node and Variable once at its first path,
    pytree containers and statics at every occurrence, the root last.

    Statement: [(p, item(v)) for p, v in iter_graph(x)] == semantics.iter_graph(model(x))
    Rationale: iter_graph is the basis of iter_modules and of every "for each submodule" utility.
    Seed: graph.py iter_graph (breaks: a shared Variable is yielded at every path, and only the
        first None / () of the whole graph is, D-5).
    """
    x = build_case(t, case).root
    m, nodes, variables = observe_objects(t, x)
    node_ids = {id(o): i for i, o in enumerate(nodes) if t.classify(o) == "graph"}
    var_ids = {id(v): i for i, v in enumerate(variables)}
    actual = [(p, _item_of(t, v, node_ids, var_ids)) for p, v in t.iter_graph(x)]
    expected = _expected_items(m)
    for i, (e, a) in enumerate(zip(expected, actual)):
        require(
            e == a,
            f"iter_graph(x) item {i} is {path_str(a[0])} {a[1]!r}, but should be "
            f"{path_str(e[0])} {e[1]!r}",
        )
    require(
        len(actual) == len(expected),
        f"iter_graph(x) yields {len(actual)} items, but should yield {len(expected)}",
    )


@law("IT-2")
def iter_graph_yields_the_live_objects(t: Target, case: Case) -> None:
    """Every graph node and Variable that iter_graph yields is the live object at that path of x.

    Statement: ∀ (p, v) ∈ iter_graph(x) with v a graph node or Variable: v is x@p
    Rationale: callers mutate what iter_graph yields (e.g. to set a flag on every submodule).
    Seed: graph.py iter_graph (holds).
    """
    x = build_case(t, case).root
    for p, v in t.iter_graph(x):
        if t.classify(v) in ("graph", "variable"):
            require(
                live_at(t, x, p) is v,
                f"iter_graph(x) yields at {path_str(p)} an object that is not x{path_str(p)}",
            )
