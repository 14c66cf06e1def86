"""SHARE, CYC, PT and STAT: how sharing, cycles, pytree containers and statics survive a split."""

from __future__ import annotations

from spec import semantics
from spec.blueprint import VarSpec, variable_value
from spec.errors import LawViolation
from spec.laws._check import (
    build_case,
    flat_models,
    make_state,
    need,
    observe_root,
    require,
    require_same_state,
    require_same_tokens,
)
from spec.laws._registry import Case, law
from spec.model import Model, NodeSlot, VarSlot, aliasing, observe, path_str, var_model
from spec.program import TRANSFORMS
from spec.target import Capability, LeafView, Path, Target, live_at


def _aliases(t: Target, x: object) -> set[tuple[Path, ...]]:
    """Return the alias classes of graph nodes and Variables of the graph at ``x``."""
    return _alias_classes(observe(t, x))


def _alias_classes(m: Model) -> set[tuple[Path, ...]]:
    return {paths for (kind, i), paths in aliasing(m).items()
            if kind == "Variable" or m.nodes[i].kind == "graph"}


@law("SHARE-1")
def shared_variables_appear_once_in_the_state(t: Target, case: Case) -> None:
    """A Variable reached by several paths appears once in the state, at its first path.

    Statement: ∀ Variable v of x: |{p : state(x)[p] ≅ v}| = 1 ∧ that p = min_DFS(paths(v))
    Rationale: tied weights must be one parameter for the optimizer, not two that drift apart.
    Seed: graph.py _graph_flatten (LeafAttribute NodeRef for repeats; holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    _, first = m.first_paths()
    paths = [tuple(p) for p, _ in t.flat_state(t.state(x))]
    for p in first.values():
        require(p in paths, f"state(x) has no entry at {path_str(p)}, the first path of a Variable")
    require(len(paths) == len(first), f"state(x) has {len(paths)} entries, but x has {len(first)} distinct Variables")


@law("SHARE-2")
def roundtrip_keeps_aliasing(t: Target, case: Case) -> None:
    """A round trip keeps exactly which paths reach the same graph node or Variable.

    Statement: aliases(merge(*split(x))) == aliases(semantics.rebuild(model(x)))  (restricted to graph nodes and Variables)
    Rationale: sharing is the reason NNX graphs are graphs and not trees.
    Seed: graph.py NodeRef / index_ref (holds).
    """
    x = build_case(t, case).root
    # pytree containers are rebuilt per occurrence, so what a shared container holds is reached
    # once per occurrence afterwards (the alias classes of the rebuilt model, not of x itself)
    expected = _alias_classes(semantics.rebuild(observe(t, x)))
    actual = _aliases(t, t.merge(*t.split(x)))
    lost = sorted(expected - actual)
    gained = sorted(actual - expected)
    require(not lost, f"after merge(*split(x)) the paths {[path_str(p) for p in lost[0]] if lost else ''} reach distinct objects, but should reach one")
    require(not gained, f"after merge(*split(x)) the paths {[path_str(p) for p in gained[0]] if gained else ''} reach one object, but should not")


@law("SHARE-3")
def a_write_reaches_exactly_its_aliases(t: Target, case: Case) -> None:
    """After a round trip, writing a Variable through one path changes it at every path that reached it in x, and nowhere else.

    Statement: y = merge(*split(x)); y@p.value ← f(y@p.value)  ⟹  ∀ q: y@q.value changed ⇔ q ~ p in x
    Rationale: aliasing must be real object identity, and distinct Variables must not share storage.
    Seed: graph.py unflatten (index_ref reuse; holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    _, first = m.first_paths()
    y = t.merge(*t.split(x))
    before = observe(t, y)
    for vid, p in first.items():
        written = live_at(t, y, p)
        t.set_value(written, TRANSFORMS["add_one"](t.get_value(written)))  # type: ignore[arg-type]
        after = observe(t, y)
        for path, slot, _ in m.walk():
            if isinstance(slot, VarSlot):
                old = before.resolve(path)
                new = after.resolve(path)
                assert isinstance(old, VarSlot) and isinstance(new, VarSlot)  # sanity check: same structure
                changed = before.variables[old.id] != after.variables[new.id]
                should = slot.id == vid
                require(changed == should, f"after writing y{path_str(p)}, y{path_str(path)} "
                        f"{'changed' if changed else 'did not change'}, but it should "
                        f"{'' if should else 'not '}change: in x it {'is' if should else 'is not'} the same Variable")
        before = after


@law("CYC-1")
def graphdef_closes_cycles_with_references(t: Target, case: Case) -> None:
    """Splitting a cyclic graph terminates and every back edge is a reference in the graphdef.

    Statement: tokens(graphdef(x)) == semantics.graphdef_tokens(model(x)), which holds ("ref", i) for every back edge
    Rationale: a cycle must be encoded finitely, pointing to the node already numbered.
    Seed: graph.py _graph_flatten (ref_index before children; holds).
    """
    if not case.graph.has_cycle:
        return
    x = build_case(t, case).root
    expected = semantics.graphdef_tokens(observe(t, x))
    require_same_tokens(expected, t.graphdef_tokens(t.graphdef(x)), "graphdef(x)")


@law("CYC-2")
def merge_restores_cycles(t: Target, case: Case) -> None:
    """Every back edge of x is, after a round trip, an edge to the very ancestor object.

    Statement: y = merge(*split(x)); ∀ back edge p → q of x: y@p is y@q
    Rationale: self-references (parent pointers, recurrent cells) must come back as references.
    Seed: graph.py _graph_unflatten (node registered before children; holds).
    """
    bp = case.graph
    if not bp.has_cycle:
        return
    built = build_case(t, case)
    m = observe(t, built.root)
    node_paths, _ = m.first_paths()
    y = t.merge(*t.split(built.root))
    for path, slot, first in m.walk():
        if isinstance(slot, NodeSlot) and not first and m.nodes[slot.id].kind == "graph":
            target = node_paths[slot.id]
            require(live_at(t, y, path) is live_at(t, y, target),
                    f"y{path_str(path)} is not y{path_str(target)} after merge(*split(x)), but should be the same object")


@law("PT-1")
def pytree_containers_are_rebuilt_per_occurrence(t: Target, case: Case) -> None:
    """After a round trip no pytree container is reached by two paths.

    Statement: ∀ pytree container c of merge(*split(x)): |paths(c)| = 1  (None and () excepted)
    Rationale: pytree nodes have no identity in the GraphDef; each occurrence is flattened anew.
    Seed: graph.py _graph_flatten (index -1, never recorded; holds).
    """
    y = t.merge(*t.split(build_case(t, case).root))
    m = observe_root(t, y)
    for (kind, i), paths in aliasing(m).items():
        if kind == "node" and m.nodes[i].kind == "pytree":
            raise LawViolation(f"y{path_str(paths[1])} is the same {m.nodes[i].type_name} as y{path_str(paths[0])}, "
                               "but pytree containers must be rebuilt per occurrence")


@law("PT-2")
def pytree_nodes_carry_no_index(t: Target, case: Case) -> None:
    """In the graphdef, pytree containers carry index -1 and graph nodes and Variables count 0, 1, 2, …

    Statement: [i for ("node", "graph", _, i, _) or ("variable", _, _, i, _) in tokens(graphdef(x))] == 0, 1, …, n-1 ∧ pytree indices = -1
    Rationale: only identity-tracked objects take part in the index space that NodeRefs point into.
    Seed: graph.py _graph_flatten (holds).
    """
    tokens = t.graphdef_tokens(t.graphdef(build_case(t, case).root))
    # in token (pre-order) order: a new graph node or Variable takes the next number
    indices = [tok[3] for tok in tokens if (tok[0] == "node" and tok[1] == "graph") or tok[0] == "variable"]
    require(indices == list(range(len(indices))),
            f"graph node and Variable indices in pre-order are {indices}, but should be 0..{len(indices) - 1} in order")
    bad = [tok for tok in tokens if tok[0] == "node" and tok[1] == "pytree" and tok[3] != -1]
    require(not bad, f"pytree node token {bad[0] if bad else ''} carries an index, but should carry -1")


@law("PT-3")
def variables_in_shared_containers_stay_shared(t: Target, case: Case) -> None:
    """A Variable inside a pytree container reached twice is still one Variable after a round trip.

    Statement: ∀ Variable v of x with |paths(v)| > 1: merge(*split(x))@p is merge(*split(x))@q for p, q ∈ paths(v)
    Rationale: rebuilding a container must not duplicate the identity-tracked objects inside it.
    Seed: graph.py _graph_flatten (Variables are recorded even inside pytrees; holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    y = t.merge(*t.split(x))
    for (kind, _), paths in aliasing(m).items():
        if kind == "Variable":
            first = live_at(t, y, paths[0])
            for q in paths[1:]:
                require(live_at(t, y, q) is first, f"y{path_str(q)} and y{path_str(paths[0])} are distinct Variables, but should be one")


@law("PT-4", requires=(Capability.GENERIC_PYTREES,), inputs=())
def a_type_registered_with_jax_later_is_a_node_from_then_on(t: Target, case: Case) -> None:
    """Once a type is registered with jax as a pytree, its instances are pytree nodes for every operation, even where they were static attributes before.

    Statement: x.zz_late = D(v=Param), D a new dataclass; split(x) (D static); register_dataclass(D)  ⟹  update(x, {zz_late.v: f(v)}) as the next call writes f(v) into the Param ∧ state(x) == semantics.state(model(x))
    Rationale: models register their pytree types at import time, often after a first model was built; a type cache must not freeze the first answer.
    Seed: graph.py is_node (asks jax each time; holds).
    """
    import dataclasses

    import jax

    need(t, Capability.GENERIC_PYTREES, "registered jax pytrees are not nodes")
    late = dataclasses.make_dataclass("LateRegistered", ["v"], eq=False)  # hashed by identity while static
    spec = VarSpec(seed=3)
    param = t.new_variable(spec)
    x = t.new_graph_node("module")
    t.set_attr(x, "zz_late", late(param))
    t.split(x)  # D is a static attribute here, and a cache may remember that
    jax.tree_util.register_dataclass(late, data_fields=["v"], meta_fields=[])
    new = semantics.transformed(var_model(LeafView(spec.type, variable_value(spec), ())), "add_one")
    state = make_state(t, ((("zz_late", "v"), new),))
    try:  # the first call after the registration: nothing has looked at D since
        t.update(x, state)
    except Exception as e:
        raise LawViolation(f"update(x, {{zz_late.v: f(v)}}) after the registration raised {type(e).__name__}: {e}") from e
    found = var_model(t.leaf_view(param))
    require(found == new, f"x.zz_late.v after the update is {found.describe()}, but should be {new.describe()}")
    m = observe(t, x)
    require_same_state(semantics.state(m), flat_models(t, t.state(x)), "state(x) after the registration")
    require(any(path == ("zz_late", "v") for path, _ in semantics.state(m)),
            "state(x) after the registration lacks zz_late.v, but should hold the Param inside the registered type")


@law("STAT-1")
def statics_are_kept_by_reference(t: Target, case: Case) -> None:
    """Static attribute values come back from a round trip as the very same objects.

    Statement: ∀ static path p of x: merge(*split(x))@p is x@p
    Rationale: statics live in the GraphDef and are re-attached, never copied.
    Seed: graph.py StaticAttribute (holds).
    """
    x = build_case(t, case).root
    y = t.merge(*t.split(x))
    for path, slot, _ in observe(t, x).walk():
        if not isinstance(slot, (NodeSlot, VarSlot)) and not isinstance(live_at(t, x, path), (int, float, bool, str)):
            require(live_at(t, y, path) is live_at(t, x, path), f"y{path_str(path)} is a copy of x{path_str(path)}, but should be the same object")


@law("STAT-2")
def statics_never_enter_the_state(t: Target, case: Case) -> None:
    """The state holds Variables only: no static value and no path ending at a static attribute.

    Statement: paths(state(x)) ⊆ {first paths of Variables of x}
    Rationale: statics are structure, not data; putting them in the state would make them traced.
    Seed: graph.py _graph_flatten (holds).
    """
    x = build_case(t, case).root
    _, first = observe(t, x).first_paths()
    allowed = set(first.values())
    for p, _ in t.flat_state(t.state(x)):
        require(tuple(p) in allowed, f"state(x) has an entry at {path_str(p)}, which is not the first path of a Variable")

