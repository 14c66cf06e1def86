"""CL, IT and CALL: clone, iter_graph, and running a method through call / apply."""

from __future__ import annotations

from typing import Any

from spec import semantics
from spec.laws._check import (
    build_case,
    flat_models,
    need,
    observe_root,
    require,
    require_same_model,
    require_same_state,
)
from spec.laws._registry import Case, law
from spec.model import Model, NodeSlot, observe, observe_objects, path_str
from spec.program import TRANSFORMS
from spec.target import Capability, Path, Target, live_at


@law("CL-1")
def clone_rebuilds_the_graph(t: Target, case: Case) -> None:
    """clone(x) is isomorphic to x, with pytree container occurrences rebuilt.

    Statement: model(clone(x)) == semantics.clone(model(x))
    Rationale: clone is merge(*split(x)); it must keep sharing, cycles, statics and metadata.
    Seed: graph.py clone (holds).
    """
    x = build_case(t, case).root
    require_same_model(semantics.clone(observe(t, x)), observe_root(t, t.clone(x)), "clone(x)")


@law("CL-2")
def clone_is_disjoint_from_the_original(t: Target, case: Case) -> None:
    """clone(x) shares no graph node and no Variable with x, so writing one never changes the other.

    Statement: nodes(clone(x)) ∩ nodes(x) = ∅ ∧ variables(clone(x)) ∩ variables(x) = ∅ ∧ writes to clone(x) leave model(x) unchanged
    Rationale: a clone used as an EMA copy or a frozen teacher must not move with the original.
    Seed: graph.py clone (holds; flax >= 0.11 shares array buffers, which is fine for immutable arrays).
    """
    x = build_case(t, case).root
    before = observe(t, x)
    _, xn, xv = observe_objects(t, x)
    _, yn, yv = observe_objects(t, t.clone(x))
    graph_ids = {id(o) for o in xn if t.classify(o) == "graph"}
    require(not graph_ids & {id(o) for o in yn}, "clone(x) shares a graph node with x, but should share none")
    require(not {id(v) for v in xv} & {id(v) for v in yv}, "clone(x) shares a Variable with x, but should share none")
    for v in yv:
        t.set_value(v, TRANSFORMS["add_one"](t.get_value(v)))  # type: ignore[arg-type]
    require_same_model(before, observe(t, x), "x after writing to clone(x)")


def _item_of(t: Target, value: object, nodes: dict[int, int], variables: dict[int, int]) -> tuple[str, object]:
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
    """iter_graph(x) yields in post-order: each graph node and Variable once at its first path, pytree containers and statics at every occurrence, the root last.

    Statement: [(p, item(v)) for p, v in iter_graph(x)] == semantics.iter_graph(model(x))
    Rationale: iter_graph is the basis of iter_modules and of every "for each submodule" utility.
    Seed: graph.py iter_graph (breaks: a shared Variable is yielded at every path, and only the first None / () of the whole graph is, D-5).
    """
    x = build_case(t, case).root
    m, nodes, variables = observe_objects(t, x)
    node_ids = {id(o): i for i, o in enumerate(nodes) if t.classify(o) == "graph"}
    var_ids = {id(v): i for i, v in enumerate(variables)}
    actual = [(p, _item_of(t, v, node_ids, var_ids)) for p, v in t.iter_graph(x)]
    expected = _expected_items(m)
    for i, (e, a) in enumerate(zip(expected, actual)):
        require(e == a, f"iter_graph(x) item {i} is {path_str(a[0])} {a[1]!r}, but should be {path_str(e[0])} {e[1]!r}")
    require(len(actual) == len(expected), f"iter_graph(x) yields {len(actual)} items, but should yield {len(expected)}")


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
            require(live_at(t, x, p) is v, f"iter_graph(x) yields at {path_str(p)} an object that is not x{path_str(p)}")



def _module_paths(m: Model) -> list[Path]:
    paths: list[Path] = [()] if m.root.type_name == semantics.MODULE_TYPE_NAME else []
    for p, s, first in m.walk():
        if first and isinstance(s, NodeSlot) and m.nodes[s.id].type_name == semantics.MODULE_TYPE_NAME:
            paths.append(p)
    return paths


def _navigate(proxy: Any, m: Model, path: Path) -> Any:
    """Follow ``path`` on a call proxy: item access into dicts and sequences, attributes elsewhere."""
    node = m.root
    for key in path:
        if node.type_name in ("dict", "list", "tuple") or not isinstance(key, str):
            proxy = proxy[key]
        else:
            proxy = getattr(proxy, key)
        slot = node.get(key)
        if isinstance(slot, NodeSlot):
            node = m.nodes[slot.id]
    return proxy


def _check_call(t: Target, case: Case, make_proxy: str, *, writes_through: bool = False) -> None:
    x = build_case(t, case).root
    m = observe(t, x)
    paths = _module_paths(m)
    if not paths:
        return
    path = paths[-1]
    gd, s = t.split(x)
    s_before = flat_models(t, s)
    proxy = t.call((gd, s)) if make_proxy == "call" else t.apply(gd, s)
    out, (gd2, s2) = _navigate(proxy, m, path).bump()
    expected, count = semantics.bump(m, path)
    require(out == count, f"{make_proxy}(...){path_str(path)}.bump() returned {out!r}, but should return {count}")
    require_same_model(semantics.rebuild(expected), observe_root(t, t.merge(gd2, s2)), f"the graph returned by {make_proxy}")
    if writes_through:  # the state's leaves are x's live Variables and merge reuses them
        require_same_model(expected, observe(t, x), f"x after {make_proxy}(split(x))")
        require_same_state(semantics.state(expected), flat_models(t, s), f"the state given to {make_proxy}")
        return
    require_same_model(m, observe(t, x), f"x after {make_proxy}(split(x))")
    require_same_state(s_before, flat_models(t, s), f"the state given to {make_proxy}")


@law("CALL-1", requires=(Capability.CALL, Capability.MERGE_COPIES_VARIABLES))
def call_runs_a_method_purely(t: Target, case: Case) -> None:
    """call((gd, s)).<path>.method() runs the method on merge(gd, s) and returns its result with the new split, touching neither x nor s.

    Statement: out, (gd', s') = call(split(x))@p.bump()  ⟹  (model(merge(gd', s')), out) == semantics.bump(model(x), p) ∧ x, s unchanged
    Rationale: call is the pure way to run a stateful method inside jax transforms.
    Seed: graph.py call (holds; with flax >= 0.11.2's reusing merge CALL-3 is the variant).
    """
    need(t, Capability.CALL, "call() is not provided")
    _check_call(t, case, "call")


@law("CALL-2", requires=(Capability.NODEDEF_APPLY, Capability.MERGE_COPIES_VARIABLES))
def apply_runs_a_method_purely(t: Target, case: Case) -> None:
    """gd.apply(s).<path>.method() behaves as call((gd, s)).

    Statement: gd.apply(s)@p.bump() == call((gd, s))@p.bump()  (both as in CALL-1)
    Rationale: NodeDef.apply is the seed's older spelling of call; both must agree.
    Seed: graph.py NodeDef.apply (holds; with flax >= 0.11.2's reusing merge CALL-4 is the variant).
    """
    need(t, Capability.NODEDEF_APPLY, "GraphDef.apply() is not provided")
    _check_call(t, case, "apply")


@law("CALL-3", requires=(Capability.CALL, Capability.MERGE_REUSES_VARIABLES, Capability.STATE_LEAVES_ARE_LIVE))
def call_writes_through_live_state(t: Target, case: Case) -> None:
    """With live state leaves and a reusing merge, call((gd, s)).<path>.method() returns what CALL-1 says and its writes land in s, hence in x.

    Statement: out, (gd', s') = call(split(x))@p.bump()  ⟹  (model(merge(gd', s')), out) == semantics.bump(model(x₀), p) ∧ model(x) == semantics.bump(model(x₀), p)[0] ∧ s holds its leaves
    Rationale: the variant of CALL-1 where split returns x's own Variables and merge reuses them: call is pure only under a jax transform.
    Seed: not in the seed (flax 0.11.0 live state leaves, PR #4800; 0.11.2 merge(copy=False), PR #4912).
    """
    need(t, Capability.CALL, "call() is not provided")
    _check_call(t, case, "call", writes_through=True)


@law("CALL-4", requires=(Capability.NODEDEF_APPLY, Capability.MERGE_REUSES_VARIABLES, Capability.STATE_LEAVES_ARE_LIVE))
def apply_writes_through_live_state(t: Target, case: Case) -> None:
    """With live state leaves and a reusing merge, gd.apply(s).<path>.method() behaves as call((gd, s)) in CALL-3.

    Statement: gd.apply(s)@p.bump() == call((gd, s))@p.bump()  (both as in CALL-3)
    Rationale: the variant of CALL-2 for targets whose merge reuses live state leaves.
    Seed: not in the seed (flax 0.11.0 live state leaves, PR #4800; 0.11.2 merge(copy=False), PR #4912).
    """
    need(t, Capability.NODEDEF_APPLY, "GraphDef.apply() is not provided")
    _check_call(t, case, "apply", writes_through=True)



