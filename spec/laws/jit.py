"""JIT and BE: the graph API across ``jax.jit``, and on every available backend.

GraphDefs are static (hashable) arguments and states are pytrees, so a function of
``(graphdef, state)`` can be jitted.  The laws check that the jitted result equals the eager one,
that tracing happens once per distinct structure, and - per backend - that values placed on a
device stay there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from spec import semantics
from spec.build import build
from spec.errors import NotApplicable
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
from spec.laws.contexts import TAG, protocol
from spec.model import observe
from spec.program import TransformValues, run
from spec.target import Capability, Target


def _jit_static_graphdef(fn: Callable[..., Any]) -> Callable[..., Any]:
    import jax

    return jax.jit(fn, static_argnums=0)


def _hashable(gd: object) -> bool:
    try:
        hash(gd)
    except TypeError:
        return False
    return True


def _device(backend: str | None) -> Any:
    import jax

    if backend is None:
        raise NotApplicable("this law needs a backend")
    try:
        return jax.devices(backend)[0]
    except RuntimeError as e:
        raise NotApplicable(f"backend {backend!r} is not available: {e}") from e


def _devices_of(tree: object) -> set[Any]:
    import jax

    found: set[Any] = set()
    for leaf in jax.tree_util.tree_leaves(tree):
        found |= set(leaf.devices())
    return found


@law("JIT-1", requires=(Capability.JIT,))
def jitted_roundtrip_equals_eager(t: Target, case: Case) -> None:
    """split(merge(gd, s)) inside jax.jit, with gd static, gives the eager result.

    Statement: jit(λ gd, s: split(merge(gd, s)), static gd)(gd, s) == (gd, s)  where gd, s = split(x)
    Rationale: the functional training loop jits exactly this; tracing must not change the result.
    Seed: graph.py split / merge with register_static GraphDefs (holds).
    """
    need(t, Capability.JIT, "no jit support")
    x = build_case(t, case).root
    gd, s = t.split(x)
    if not _hashable(gd):
        return  # an unhashable static attribute; ERR-6 covers it
    gd2, s2 = _jit_static_graphdef(lambda gd, s: t.split(t.merge(gd, s)))(gd, s)
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
    need(t, Capability.JIT, "no jit support")
    x = build_case(t, case).root
    y = build(t, case.graph).root
    run(t, y, (TransformValues("add_one"),))
    z = build(t, case.graph).root
    run(t, z, case.program)
    (gdx, sx), (gdy, sy), (gdz, sz) = t.split(x), t.split(y), t.split(z)
    if not all(map(_hashable, (gdx, gdz))):
        return
    traces: list[int] = []

    def f(gd: object, s: object) -> object:
        traces.append(1)
        return t.split(t.merge(gd, s))[1]

    jf = _jit_static_graphdef(f)
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
    need(t, Capability.UPDATE_CONTEXT, "no update-context protocol")
    x = build_case(t, case).root
    expected = semantics.rebuild(semantics.apply(observe(t, x), case.program))
    gd, _ = t.split(x)
    if not _hashable(gd):
        return
    with t.update_context(TAG) as ctx:
        z = protocol(t, ctx, x, lambda y: run(t, y, case.program), wrap=_jit_static_graphdef)
    require(z is x, "step (4) returned a new object, but should return the outer root")
    require_same_model(expected, observe_root(t, x), "x after the protocol under jit")


@law("BE-1", requires=(Capability.JIT,), per_backend=True)
def jitted_results_stay_on_the_backend(t: Target, case: Case) -> None:
    """A state placed on a backend's device, transformed under jit, comes back on that device with the right values.

    Statement: s_d = device_put(state(x), d); s' = jit(λ gd, s: state(f(merge(gd, s))))(gd, s_d)  ⟹  devices(s') = {d} ∧ model(s') == f(semantics.state(model(x)))
    Rationale: a conformance result on CPU says nothing about GPU or TPU placement.
    Seed: not a seed function; JAX placement semantics through split / merge.
    """
    import jax

    device = _device(case.backend)
    x = build_case(t, case).root
    gd, s = t.split(x)
    if not _hashable(gd):
        return
    s_d = jax.device_put(s, device)

    def step(gd: object, s: object) -> object:
        y = t.merge(gd, s)
        run(t, y, (TransformValues("add_one"),))
        return t.split(y)[1]

    out = _jit_static_graphdef(step)(gd, s_d)
    placed = _devices_of(out)
    require(placed <= {device}, f"jit's output lives on {sorted(map(str, placed))}, but should stay on {device}")
    expected = tuple((p, semantics.transformed(v, "add_one")) for p, v in semantics.state(observe(t, x)))
    require_same_state(expected, flat_models(t, out), f"the state computed on {case.backend}")


@law("BE-2", requires=(Capability.JIT, Capability.UPDATE_CONTEXT), inputs=("module_graph", "program"), per_backend=True)
def protocol_on_the_backend(t: Target, case: Case) -> None:
    """On each backend, the jitted update-context protocol equals direct mutation and keeps values on that device.

    Statement: x placed on d; protocol(x, run(program), inside = jit)  ⟹  model(x) == semantics.rebuild(semantics.apply(model(x₀), program)) ∧ devices(state(x)) ⊆ {d}
    Rationale: lifted transforms must behave the same on every accelerator.
    Seed: graph.py update_context (holds).
    """
    import jax

    device = _device(case.backend)
    x = build_case(t, case).root
    gd, s = t.split(x)
    if not _hashable(gd):
        return
    t.update(x, jax.device_put(s, device))
    expected = semantics.rebuild(semantics.apply(observe(t, x), case.program))
    with t.update_context(TAG) as ctx:
        protocol(t, ctx, x, lambda y: run(t, y, case.program), wrap=functools.partial(jax.jit, static_argnums=0))
    require_same_model(expected, observe_root(t, x), f"x after the protocol on {case.backend}")
    placed = _devices_of(t.split(x)[1])
    require(placed <= {device}, f"x's values live on {sorted(map(str, placed))} after the protocol, but should stay on {device}")
