"""PT: pytree containers are rebuilt per occurrence, carry no index, and keep what they hold
shared."""

from __future__ import annotations

import functools

from spec import semantics
from spec.blueprint import VarSpec, variable_value
from spec.errors import LawViolation, NotApplicable, SpecError
from spec.laws._check import (
    build_case,
    expect_failure,
    expect_success,
    flat_models,
    leaf_model,
    make_state,
    observe_root,
    require,
    require_same_state,
)
from spec.laws._registry import Case, law
from spec.model import aliasing, observe, observe_objects, path_str, var_model
from spec.target import Capability, LeafView, Target, live_at


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
            raise LawViolation(
                f"y{path_str(paths[1])} is the same {m.nodes[i].type_name} as "
                f"y{path_str(paths[0])}, "
                "but pytree containers must be rebuilt per occurrence"
            )


@law("PT-2")
def pytree_nodes_carry_no_index(t: Target, case: Case) -> None:
    """In the graphdef, pytree containers carry index -1 and graph nodes and Variables count 0, 1,
    2, …

    Statement: [i for ("node", "graph", _, i, _) or ("variable", _, _, i, _) in tokens(graphdef(x))]
        == 0, 1, …, n-1 ∧ pytree indices = -1
    Rationale: only identity-tracked objects take part in the index space that NodeRefs point into.
    Seed: graph.py _graph_flatten (holds).
    """
    tokens = t.graphdef_tokens(t.graphdef(build_case(t, case).root))
    # in token (pre-order) order: a new graph node or Variable takes the next number
    indices = [
        tok[3] for tok in tokens if (tok[0] == "node" and tok[1] == "graph") or tok[0] == "variable"
    ]
    require(
        indices == list(range(len(indices))),
        f"graph node and Variable indices in pre-order are {indices}, but should be "
        f"0..{len(indices) - 1} in order",
    )
    bad = [tok for tok in tokens if tok[0] == "node" and tok[1] == "pytree" and tok[3] != -1]
    require(
        not bad, f"pytree node token {bad[0] if bad else ''} carries an index, but should carry -1"
    )


@law("PT-3")
def variables_in_shared_containers_stay_shared(t: Target, case: Case) -> None:
    """A Variable inside a pytree container reached twice is still one Variable after a round trip.

    Statement: ∀ Variable v of x with |paths(v)| > 1: merge(*split(x))@p is merge(*split(x))@q for
        p, q ∈ paths(v)
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
                require(
                    live_at(t, y, q) is first,
                    f"y{path_str(q)} and y{path_str(paths[0])} are distinct Variables, but "
                    "should be one",
                )


@law("PT-4", requires=(Capability.GENERIC_PYTREES,), inputs=())
def a_type_registered_with_jax_later_is_a_node_from_then_on(t: Target, case: Case) -> None:
    """Once a type is registered with jax as a pytree, its instances are pytree nodes for every
    operation, even where they were static attributes before.

    Statement: x.zz_late = D(v=Param), D a new dataclass; split(x) (D static);
        register_dataclass(D)  ⟹  update(x, {zz_late.v: f(v)}) as the next call writes f(v) into the
        Param ∧ state(x) == semantics.state(model(x))
    Rationale: models register their pytree types at import time, often after a first model was
        built; a type cache must not freeze the first answer.
    Seed: graph.py is_node (asks jax each time; holds).
    """
    import dataclasses

    import jax

    late = dataclasses.make_dataclass(
        "LateRegistered", ["v"], eq=False
    )  # hashed by identity while static
    spec = VarSpec(seed=3)
    param = t.new_variable(spec)
    x = t.new_graph_node("module")
    t.set_attr(x, "zz_late", late(param))
    t.split(x)  # D is a static attribute here, and a cache may remember that
    jax.tree_util.register_dataclass(late, data_fields=["v"], meta_fields=[])
    new = semantics.transformed(var_model(LeafView(spec.type, variable_value(spec), ())), "add_one")
    state = make_state(t, ((("zz_late", "v"), new),))
    expect_success(  # the first call after the registration: nothing has looked at D since
        lambda: t.update(x, state), "update(x, {zz_late.v: f(v)}) after the registration"
    )
    found = var_model(t.leaf_view(param))
    require(
        found == new,
        f"x.zz_late.v after the update is {found.describe()}, but should be {new.describe()}",
    )
    m = observe(t, x)
    require_same_state(
        semantics.state(m), flat_models(t, t.state(x)), "state(x) after the registration"
    )
    require(
        any(path == ("zz_late", "v") for path, _ in semantics.state(m)),
        "state(x) after the registration lacks zz_late.v, but should hold the Param inside "
        "the registered type",
    )


@law("PT-6", inputs=())
def a_type_registered_late_is_a_node_and_registers_once(t: Target, case: Case) -> None:
    """A type met as a static before it is registered as a graph or pytree node type is a node
    from its registration on; registering it again is refused and keeps the first registration.

    Statement: ∀ kind: x.zz_late = C() (C unregistered, flattening to {v: Param}); split(x);
        register(kind, C) ⟹ state(x) holds zz_late.v ∧ (graph: update(x, {zz_late.v: f(v)}) writes
        f(v)) ∧ register(kind, C) again raises a documented error ∧ state(x) still holds zz_late.v
    Rationale: libraries register their node types at import, often after a first model used an
        instance as a plain attribute; a kind cache must not keep the first answer, and a second
        registration must not silently replace the first one's hooks.
    Seed: graph.py register_graph_node_type / register_pytree_node_type (raise on a type already
        registered; is_node asks the registries each time; holds).
    """
    ran: list[str] = []
    for kind in ("graph", "pytree"):
        param = t.new_variable(VarSpec(seed=5))
        try:
            cls = t.new_node_type(kind, [("v", param)])
        except NotImplementedError as e:
            raise NotApplicable(str(e)) from None
        x = t.new_graph_node("module")
        t.set_attr(x, "zz_late", cls())
        t.split(x)  # C is a static attribute here, and a cache may remember that
        try:
            t.register_node_type(kind, cls)
        except NotImplementedError:
            continue  # the target has no registration for this kind
        ran.append(kind)
        _require_late_node(t, x, kind, "")
        if kind == "graph":  # the pytree type's unflatten ignores its children: no update shows
            _require_update_writes(t, x, param, kind)
        expect_failure(
            t,
            functools.partial(t.register_node_type, kind, cls),
            SpecError("registered-twice"),
            f"register_{kind}_node_type of a type already registered",
        )
        _require_late_node(t, x, kind, " and a second registration")
    if not ran:
        raise NotApplicable(f"{t.name} registers no node types")


def _require_late_node(t: Target, x: object, kind: str, attempt: str) -> None:
    """``state(x)`` holds ``zz_late.v``: the type of ``x.zz_late`` is a ``kind`` node type now."""
    paths = [tuple(p) for p, _ in t.flat_state(t.state(x))]
    require(
        ("zz_late", "v") in paths,
        f"state(x) after the registration{attempt} has paths {paths}, but should hold zz_late.v:"
        f" x.zz_late, an instance of a type registered as a {kind} node type after a split, is"
        " not a node",
    )


def _require_update_writes(t: Target, x: object, param: object, kind: str) -> None:
    """``update(x, {zz_late.v: f(v)})`` writes ``f(v)`` into the Param the late node holds."""
    new = semantics.transformed(leaf_model(t, param), "add_one")
    expect_success(
        lambda: t.update(x, make_state(t, ((("zz_late", "v"), new),))),
        f"update(x, {{zz_late.v: f(v)}}), x.zz_late of a type registered late as a {kind} node"
        " type,",
    )
    found = leaf_model(t, param)
    require(
        found == new,
        f"x.zz_late.v after update(x, {{zz_late.v: f(v)}}) is {found.describe()}, but should be"
        f" {new.describe()} (x.zz_late: a type registered late as a {kind} node type)",
    )


_REGISTERED_CONTAINERS = (list, tuple, dict, type(None))
"""The pytree container types the seed registers as node types (the others are generic)."""


@law("PT-5", requires=(Capability.NODE_PREDICATES,))
def node_predicates_tell_nodes_from_leaves(t: Target, case: Case) -> None:
    """is_node_type and is_pytree_node tell graph nodes, registered containers, generic pytrees,
    Variables and plain leaves apart as split does.

    Statement: ∀ object o of x: graph node ⟹ is_node_type(type(o)) ∧ pytree container ⟹
        is_pytree_node(o) ∧ (is_node_type(type(o)) ⟺ type(o) ∈ {list, tuple, dict, None}) ∧
        ∀ Variable or plain leaf o: ¬is_node_type(type(o)) ∧ ¬is_pytree_node(o)
    Rationale: transforms and user code ask these before walking a value; a wrong answer treats
        a Module as a leaf or walks into a Variable.
    Seed: graph.py is_node_type / is_pytree_node (holds).
    """
    import numpy as np

    x = build_case(t, case).root
    m, nodes, variables = observe_objects(t, x)
    paths, _ = m.first_paths()
    for i, (node, o) in enumerate(zip(m.nodes, nodes)):
        where = f"the {type(o).__name__} at x{path_str(paths.get(i, ()))}"
        if node.kind == "graph":
            require(t.is_node_type(type(o)), f"is_node_type(type(o)) is False for {where}")
            continue
        require(t.is_pytree_node(o), f"is_pytree_node(o) is False for {where}")
        registered = type(o) in _REGISTERED_CONTAINERS
        require(
            t.is_node_type(type(o)) == registered,
            f"is_node_type(type(o)) is {not registered} for {where}, a"
            f" {'registered' if registered else 'generic'} pytree container",
        )
    leaves: list[tuple[str, object]] = [(f"the {type(v).__name__}", v) for v in variables[:4]]
    leaves += [("1", 1), ("'s'", "s"), ("1.5", 1.5), ("a numpy array", np.ones(2))]
    for what, leaf in leaves:
        require(not t.is_node_type(type(leaf)), f"is_node_type(type(o)) is True for {what}")
        require(not t.is_pytree_node(leaf), f"is_pytree_node(o) is True for {what}")
