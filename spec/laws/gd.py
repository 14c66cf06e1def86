"""GD: what graphdef must return: split's GraphDef, the canonical flatten, equal iff structures
are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spec import semantics
from spec.blueprint import VarSpec
from spec.build import build
from spec.errors import NotApplicable
from spec.filters import TypeFilter
from spec.laws._check import (
    build_case,
    pickle_round_trip,
    require,
    require_same_tokens,
)
from spec.laws._jit import is_hashable
from spec.laws._registry import Case, law
from spec.live_program import run
from spec.model import NodeSlot, diff, observe
from spec.target import Capability, Target


@law("GD-1")
def graphdef_is_splits_graphdef(t: Target, case: Case) -> None:
    """graphdef(x) equals the graphdef half of split(x), with the same hash, and so does its
    pickle round trip.

    Statement: graphdef(x) == split(x)[0] == pickle.loads(pickle.dumps(graphdef(x))), with equal
        hashes (types made at run time are carried across by reference)
    Rationale: jit users key caches on graphdef(x); it must be the split's. Data loaders and
        checkpoints send graphdefs to other processes by pickle.
    Seed: graph.py graphdef docstring (holds); NodeDef is a dataclass (pickles as its fields).
    """
    x = build_case(t, case).root
    gd, gd2 = t.graphdef(x), t.split(x)[0]
    require(gd == gd2, "graphdef(x) == split(x)[0] is False, but should be True")
    back = pickle_round_trip(gd)
    require(
        t.graphdef_tokens(back) == t.graphdef_tokens(gd) and back == gd,
        "a pickle round trip of graphdef(x) gives a graphdef unequal to it",
    )
    if all(not isinstance(s, set) for s in _statics(t, x)):
        require(hash(gd) == hash(gd2), "hash(graphdef(x)) != hash(split(x)[0])")
        require(hash(back) == hash(gd), "a pickle round trip of graphdef(x) hashes apart from it")


def _statics(t: Target, x: object) -> list[object]:
    out = []
    stack, seen = [x], set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        for _, v in t.inspect(n).entries:
            kind = t.classify(v)
            if kind in ("graph", "pytree"):
                stack.append(v)
            elif kind == "static":
                out.append(v)
    return out


@law("GD-2")
def graphdef_encodes_the_canonical_flatten(t: Target, case: Case) -> None:
    """The graphdef encodes the canonical depth-first flatten: node and Variable order, indices,
    references, statics and metadata.

    Statement: tokens(graphdef(x)) == semantics.graphdef_tokens(model(x))
    Rationale: the index order is what NodeRefs, states and the update-context index mappings point
        into.
    Seed: graph.py _graph_flatten (holds).
    """
    x = build_case(t, case).root
    require_same_tokens(
        semantics.graphdef_tokens(observe(t, x)), t.graphdef_tokens(t.graphdef(x)), "graphdef(x)"
    )


@law("GD-3", inputs=("graph", "program"))
def graphdefs_are_equal_iff_structures_are(t: Target, case: Case) -> None:
    """Two graphdefs are equal exactly when their structures (tokens) are: values do not count,
    statics (by ==), sharing and metadata do.

    Statement: y = run(program, x')  ⟹  (graphdef(x) == graphdef(y)) ⇔
        (structure(tokens(model(x))) == structure(tokens(model(y))))
    Rationale: over-sensitive graphdefs retrace jit; under-sensitive ones reuse stale compiled code.
    Seed: graph.py NodeDef equality (holds).
    """
    x = build_case(t, case).root
    y = build(t, case.graph).root
    run(t, y, case.program)
    same = semantics.structure(semantics.graphdef_tokens(observe(t, x))) == semantics.structure(
        semantics.graphdef_tokens(observe(t, y))
    )
    equal = t.graphdef(x) == t.graphdef(y)
    require(
        equal == same,
        f"graphdef(x) == graphdef(y) is {equal} after {len(case.program)} edit(s), but "
        f"should be {same}",
    )


def _first_graph_node_of(t: Target, x: object) -> object | None:
    """Return the first graph node of ``x`` in canonical order (the root if it is one)."""
    m = observe(t, x)
    if m.root.kind == "graph":
        return x
    for path, slot, first in m.walk():
        if first and isinstance(slot, NodeSlot) and m.nodes[slot.id].kind == "graph":
            node = x
            for key in path:
                node = next(
                    v for k, v in t.inspect(node).entries if k == key and type(k) is type(key)
                )
            return node
    return None


@law("GD-4")
def graphdefs_see_statics_and_metadata(t: Target, case: Case) -> None:
    """Two graphs that differ only in one static value, or only in one Variable's metadata, have
    unequal graphdefs.

    Statement: y = x with x@p.k = s₁ vs s₂ ≠ s₁ (or a Variable with metadata m₁ vs m₂ ≠
        m₁)  ⟹  graphdef(x) != graphdef(y)
    Rationale: statics and metadata are baked into traced code; a graphdef blind to them lets jit
        reuse code compiled for other values.
    Seed: graph.py NodeDef / StaticAttribute / VariableDef equality (holds).
    """
    from spec.blueprint import VarSpec
    from spec.build import build

    x = build_case(t, case).root
    y = build(t, case.graph).root
    nx, ny = _first_graph_node_of(t, x), _first_graph_node_of(t, y)
    if nx is None or ny is None:
        return
    t.set_attr(nx, "zz_static", 1)
    t.set_attr(ny, "zz_static", 2)
    require(
        t.graphdef(x) != t.graphdef(y),
        "graphdef(x) == graphdef(y) for graphs whose static zz_static is 1 and 2, but they "
        "should differ",
    )
    t.set_attr(ny, "zz_static", 1)
    t.set_attr(nx, "zz_var", t.new_variable(VarSpec(metadata=(("tag", "one"),))))
    t.set_attr(ny, "zz_var", t.new_variable(VarSpec(metadata=(("tag", "two"),))))
    require(
        t.graphdef(x) != t.graphdef(y),
        "graphdef(x) == graphdef(y) for graphs whose Variable zz_var has tag 'one' and "
        "'two', but they should differ",
    )


def _added_then_popped(
    t: Target, x: object, fresh: str, add: Callable[[str], None], what: str
) -> None:
    """Check GD-5 for one way of adding a Variable of type ``fresh`` under ``zz_sown``."""
    gd0 = t.graphdef(x)
    tokens0 = t.graphdef_tokens(gd0)
    add("zz_sown")
    popped = t.pop(x, t.make_filter(TypeFilter(fresh)))
    require(
        bool(t.flat_state(popped)),
        f"pop(x, {fresh}) after {what} popped nothing, but should pop the new Variable",
    )
    gd = t.graphdef(x)
    require_same_tokens(
        tokens0, t.graphdef_tokens(gd), f"graphdef(x) after {what}; pop(x, {fresh}):"
    )
    require(
        gd == gd0,
        f"graphdef(x) after {what}; pop(x, {fresh}) differs from the graphdef before, but "
        "should be equal",
    )
    if is_hashable(gd0):
        require(
            hash(gd) == hash(gd0),
            f"hash(graphdef(x)) after {what}; pop(x, {fresh}) differs from the hash before",
        )


@law("GD-5", requires=(Capability.POP,), inputs=("module_graph",))
def adding_then_popping_an_attribute_restores_the_graphdef(t: Target, case: Case) -> None:
    """Adding a Variable to a module and popping it again gives the graphdef of the module before,
    by assignment and by sow alike.

    Statement: gd₀ = graphdef(x); x.k = T(v) (or, with Capability.SOW, x.sow(T, k, v), or
        x.sow(T, k, v); x.sow(T, k, v + 1), after which state(x, T) holds (v, v + 1));
        pop(x, T)  ⟹  graphdef(x) == gd₀ ∧ hash(graphdef(x)) == hash(gd₀) ∧ tokens
        equal  (T a new Variable type, k a new key)
    Rationale: sow → pop collects intermediates every step; a key or bookkeeping entry left behind
        changes the structure jit caches on, so every step retraces (flax #5130).
    Seed: Module.sow / graph.py pop (holds: pop deletes the attribute through pop_key).
    """
    try:
        fresh = t.new_variable_type("Intermediate")
    except NotImplementedError as e:
        raise NotApplicable(str(e)) from e
    x = build_case(t, case).root
    _added_then_popped(
        t,
        x,
        fresh,
        lambda k: t.set_attr(x, k, t.new_variable(VarSpec(type=fresh, shape=(2,)))),
        f"x.zz_sown = {fresh}(v)",
    )
    if Capability.SOW in t.capabilities:
        import jax
        import jax.numpy as jnp

        value = jnp.arange(2.0)
        _added_then_popped(
            t, x, fresh, lambda k: t.sow(x, fresh, k, value), f"x.sow({fresh}, 'zz_sown', v)"
        )

        def sow_twice(k: str) -> None:
            t.sow(x, fresh, k, value)
            t.sow(x, fresh, k, value + 1)
            held = jax.tree_util.tree_leaves(t.state(x, t.make_filter(TypeFilter(fresh))))
            require(
                len(held) == 2 and bool((held[0] == value).all() & (held[1] == value + 1).all()),
                f"after x.sow({fresh}, 'zz_sown', v) and x.sow({fresh}, 'zz_sown', v + 1) the"
                f" sown Variable holds {held!r}, but should hold (v, v + 1) (the default"
                " reduce_fn appends to the tuple)",
            )

        _added_then_popped(t, x, fresh, sow_twice, f"x.sow({fresh}, 'zz_sown', v) twice")


@law("GD-6", requires=(Capability.NESTED_NODEDEF,))
def nodedef_view_rebuilds_the_graphdef(t: Target, case: Case) -> None:
    """A NodeDef rebuilt from its own nested view with NodeDef.create is the same GraphDef.

    Statement: g = graphdef(x), g' = NodeDef.create over g's view (children first): g' == g == g'
    ∧ hash(g') == hash(g) (hashable g) ∧ tokens(g') == tokens(g) ∧ model(merge(g', state(x))) ==
    model(merge(g, state(x))) ∧ each NodeDef nested in g's view == its own rebuild, both ways
    Rationale: the nested view is the seed's public GraphDef: code that walks it and builds a
    NodeDef (serialisers, graph surgery, tests) must get back the GraphDef split made, one that
    merges and hashes as it does.
    Seed: graph.py NodeDef.create and the attribute classes (frozen dataclasses: holds).
    """
    x = build_case(t, case).root
    g, state = t.split(x)
    rebuilt = t.rebuild_graphdef(g)
    require(bool(rebuilt == g), "NodeDef.create over graphdef(x)'s own view != graphdef(x)")
    require(bool(g == rebuilt), "graphdef(x) != NodeDef.create over graphdef(x)'s own view")
    if is_hashable(g):
        require(
            hash(rebuilt) == hash(g),
            "NodeDef.create over graphdef(x)'s own view hashes differently from graphdef(x)",
        )
    require_same_tokens(t.graphdef_tokens(g), t.graphdef_tokens(rebuilt), "the rebuilt graphdef(x)")
    for where, view in _nested_views(g):
        again = t.rebuild_graphdef(view)
        require(
            bool(view == again) and bool(again == view),
            f"the NodeDef at {where} of graphdef(x)'s view != NodeDef.create over its own view",
        )
    expected = observe(t, t.merge(g, state))
    found = diff(expected, observe(t, t.merge(rebuilt, state)), what="graph")
    require(
        found is None,
        f"merge(the rebuilt graphdef(x), state(x)) differs from merge(graphdef(x), state(x)):"
        f" {found}",
    )


def _nested_views(g: Any) -> list[tuple[str, object]]:
    """``(where, NodeDef)`` for every NodeDef nested in ``g``'s view, pre-order (iteratively)."""
    out: list[tuple[str, object]] = []
    stack: list[tuple[str, Any]] = _subgraphs("", g)
    while stack:
        where, node = stack.pop()
        out.append((where, node))
        stack += _subgraphs(where, node)
    return out


def _subgraphs(where: str, node: Any) -> list[tuple[str, Any]]:
    """The NodeDefs (not NodeRefs) among ``node``'s subgraph attributes, last first."""
    subs = [a for a in node.attributes if type(a).__name__ == "SubGraphAttribute"]
    return [(f"{where}.{a.key}", a.value) for a in reversed(subs) if hasattr(a.value, "attributes")]
