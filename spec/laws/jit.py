"""JIT: the graph API across ``jax.jit``.

GraphDefs are static (hashable) arguments and states are pytrees, so a function of
``(graphdef, state)`` can be jitted.  The laws check that the jitted result equals the eager
one, and that tracing happens once per distinct structure.
"""

from __future__ import annotations

from collections.abc import Callable

from spec import semantics
from spec.build import build
from spec.errors import LawViolation
from spec.laws._check import (
    build_case,
    flat_models,
    observe_root,
    require,
    require_same_model,
    require_same_state,
)
from spec.laws._jit import is_hashable, jit_static_graphdef
from spec.laws._protocol import TAG, protocol
from spec.laws._registry import Case, law
from spec.live_program import run
from spec.model import observe, observe_objects
from spec.program import TransformValues
from spec.target import Capability, Target


@law("JIT-1", requires=(Capability.JIT,))
def jitted_roundtrip_equals_eager(t: Target, case: Case) -> None:
    """split(merge(gd, s)) inside jax.jit, with gd static, gives the eager result.

    Statement: jit(λ gd, s: split(merge(gd, s)), static gd)(gd, s) == (gd, s)  where gd, s =
        split(x)
    Rationale: the functional training loop jits exactly this; tracing must not change the result.
    Seed: graph.py split / merge with register_static GraphDefs (holds).
    """
    x = build_case(t, case).root
    gd, s = t.split(x)
    if not is_hashable(gd):
        return  # an unhashable static attribute; ERR-6 covers it
    gd2, s2 = jit_static_graphdef(lambda gd, s: t.split(t.merge(gd, s)))(gd, s)
    require(gd2 == gd, "the graphdef returned from jit differs from the one passed in")
    # unordered: jax rebuilds mapping pytrees with sorted keys, so a State that crossed jit may list
    # namedtuple fields sorted; leaf order inside a mapping is not part of its value (ST-2 covers
    # split)
    require_same_state(flat_models(t, s), flat_models(t, s2), "the state returned from jit")
    require_same_model(
        semantics.rebuild(observe(t, x)), observe_root(t, t.merge(gd2, s2)), "merge of jit's output"
    )


@law("JIT-2", requires=(Capability.JIT,), inputs=("graph", "program"))
def jit_traces_once_per_structure(t: Target, case: Case) -> None:
    """A jitted function of (graphdef, state) traces once per distinct structure: never again for
    new values, again for a new structure.

    Statement: traces(f(split(x)), f(split(f_values(x))), f(split(run(program, x)))) == 1 +
        [tokens(x) ≠ tokens(run(program, x))]
    Rationale: spurious retracing is the most reported NNX performance bug (flax #4329, #5548).
    Seed: graph.py NodeDef equality / hash (holds).
    """
    x = build_case(t, case).root
    y = build(t, case.graph).root
    run(t, y, (TransformValues("add_one"),))
    z = build(t, case.graph).root
    run(t, z, case.program)
    (gdx, sx), (gdy, sy), (gdz, sz) = t.split(x), t.split(y), t.split(z)
    if not all(map(is_hashable, (gdx, gdz))):
        return
    traces: list[int] = []

    def f(gd: object, s: object) -> object:
        traces.append(1)
        return t.split(t.merge(gd, s))[1]

    jf = jit_static_graphdef(f)
    jf(gdx, sx)
    jf(gdy, sy)
    require(
        len(traces) == 1,
        f"changing only Variable values retraced: {len(traces)} traces, but should be 1",
    )
    changed = semantics.structure(semantics.graphdef_tokens(observe(t, x))) != semantics.structure(
        semantics.graphdef_tokens(observe(t, z))
    )
    jf(gdz, sz)
    require(
        len(traces) == 1 + changed,
        f"{len(traces)} traces after a program that {'changes' if changed else 'keeps'} the "
        f"structure, but should be {1 + changed}",
    )


@law(
    "JIT-3",
    requires=(Capability.JIT, Capability.UPDATE_CONTEXT),
    inputs=("module_graph", "program"),
)
def protocol_under_jit_equals_direct_mutation(t: Target, case: Case) -> None:
    """The update-context protocol with its inside under jax.jit has the effect of running the
    program directly.

    Statement: protocol(x, run(program), inside = jit)  ⟹  z is x ∧ model(x) ==
        semantics.rebuild(semantics.apply(model(x₀), program))
    Rationale: this is what nnx.jit does; tracing must not lose statics, new nodes or rewired
        sharing.
    Seed: graph.py update_context docstring (jit example; holds).
    """
    x = build_case(t, case).root
    expected = semantics.rebuild(semantics.apply(observe(t, x), case.program))
    gd, _ = t.split(x)
    if not is_hashable(gd):
        return
    with t.update_context(TAG) as ctx:
        z = protocol(t, ctx, x, lambda y: run(t, y, case.program), wrap=jit_static_graphdef)
    require(z is x, "step (4) returned a new object, but should return the outer root")
    require_same_model(expected, observe_root(t, x), "x after the protocol under jit")


def _add_one_everywhere(t: Target) -> Callable[..., None]:
    def f(*nodes: object) -> None:
        for node in nodes:
            run(t, node, (TransformValues("add_one"),))

    return f


@law("JIT-4", requires=(Capability.CACHED_PARTIAL,), inputs=("module_graph",))
def cached_partial_acts_like_jit(t: Target, case: Case) -> None:
    """A cached_partial call sees and updates the graph's own objects, as the uncached jit call
    does, raw array attributes included.

    Statement: f(m) = (v ← v + 1 ∀ Variables v of m); c = cached_partial(jit(f), x₁); c();
        c()  and  jit(f)(x₂) twice  ⟹  model(x₁) == model(x₂) ==
        semantics.apply(model(x₀), add_one twice) ∧ ids(x₁) unchanged  (x₀.zz_array a raw array
        where arrays are leaves)
    Rationale: cached_partial is flax's answer to per-call graph traversal cost; it may skip the
        traversal, not change what the call does to the graph it was given.
    Seed: not in the seed (flax 0.10.4, PR #4469: cached_partial).
    """
    import jax.numpy as jnp

    _cached_partial_case(t, case, None)
    if Capability.ARRAY_ATTRIBUTES_ARE_LEAVES in t.capabilities:
        _cached_partial_case(t, case, jnp.arange(3.0))  # flax #5109: the raw-array attribute case


def _cached_partial_case(t: Target, case: Case, array: object) -> None:
    """JIT-4 on two builds of the case's graph, with ``array`` as root attribute ``zz_array``."""
    x1 = build_case(t, case).root
    x2 = build(t, case.graph).root
    with_array = ""
    if array is not None:
        with_array = " (x with a raw array attribute zz_array)"
        for x in (x1, x2):
            t.set_attr(x, "zz_array", array)
    expected = semantics.apply(
        observe(t, x1), (TransformValues("add_one"), TransformValues("add_one"))
    )
    ids = _identities(t, x1)
    jitted = t.jit(_add_one_everywhere(t))
    try:
        cached = t.cached_partial(jitted, x1)
        cached()
        cached()
    except Exception as e:
        raise LawViolation(
            f"cached_partial(jit(f), x)(){with_array} raised {type(e).__name__}: {e}, but "
            "should run as jit(f)(x) does"
        ) from e
    jitted(x2)
    jitted(x2)
    require_same_model(expected, observe(t, x2), f"x after two jit(f)(x) calls{with_array}")
    require_same_model(
        expected, observe(t, x1), f"x after two cached_partial(jit(f), x)() calls{with_array}"
    )
    require(
        _identities(t, x1) == ids,
        f"cached_partial(jit(f), x)(){with_array} replaced graph nodes or Variables of x, "
        "but should update them in place",
    )


def _identities(t: Target, x: object) -> list[int]:
    _, nodes, variables = observe_objects(t, x)
    return [id(o) for o in nodes if t.classify(o) == "graph"] + [id(v) for v in variables]
