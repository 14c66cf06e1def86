"""JIT: the graph API across ``jax.jit``.

GraphDefs are static (hashable) arguments and states are pytrees, so a function of
``(graphdef, state)`` can be jitted.  The laws check that the jitted result equals the eager
one, and that tracing happens once per distinct structure.
"""

from __future__ import annotations

from spec import semantics
from spec.build import build
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
from spec.model import observe
from spec.program import TransformValues, run
from spec.target import Capability, Target


@law("JIT-1", requires=(Capability.JIT,))
def jitted_roundtrip_equals_eager(t: Target, case: Case) -> None:
    """split(merge(gd, s)) inside jax.jit, with gd static, gives the eager result.

    Statement: jit(λ gd, s: split(merge(gd, s)), static gd)(gd, s) == (gd, s)  where gd, s = split(x)
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
    # namedtuple fields sorted; leaf order inside a mapping is not part of its value (ST-2 covers split)
    require_same_state(flat_models(t, s), flat_models(t, s2), "the state returned from jit")
    require_same_model(semantics.rebuild(observe(t, x)), observe_root(t, t.merge(gd2, s2)), "merge of jit's output")


@law("JIT-2", requires=(Capability.JIT,), inputs=("graph", "program"))
def jit_traces_once_per_structure(t: Target, case: Case) -> None:
    """A jitted function of (graphdef, state) traces once per distinct structure: never again for new values, again for a new structure.

    Statement: traces(f(split(x)), f(split(f_values(x))), f(split(run(program, x)))) == 1 + [tokens(x) ≠ tokens(run(program, x))]
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
    require(len(traces) == 1, f"changing only Variable values retraced: {len(traces)} traces, but should be 1")
    changed = semantics.structure(semantics.graphdef_tokens(observe(t, x))) != semantics.structure(
        semantics.graphdef_tokens(observe(t, z)))
    jf(gdz, sz)
    require(len(traces) == 1 + changed, f"{len(traces)} traces after a program that {'changes' if changed else 'keeps'} the structure, but should be {1 + changed}")


@law("JIT-3", requires=(Capability.JIT, Capability.UPDATE_CONTEXT), inputs=("module_graph", "program"))
def protocol_under_jit_equals_direct_mutation(t: Target, case: Case) -> None:
    """The update-context protocol with its inside under jax.jit has the effect of running the program directly.

    Statement: protocol(x, run(program), inside = jit)  ⟹  z is x ∧ model(x) == semantics.rebuild(semantics.apply(model(x₀), program))
    Rationale: this is what nnx.jit does; tracing must not lose statics, new nodes or rewired sharing.
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
