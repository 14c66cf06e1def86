"""BE: the graph API on every available JAX backend: values placed on a device stay there."""

from __future__ import annotations

import functools
from typing import Any

from spec import semantics
from spec.errors import NotApplicable
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
from spec.model import observe
from spec.program import TransformValues
from spec.target import Capability, Target


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


@law("BE-1", requires=(Capability.JIT,), per_backend=True)
def jitted_results_stay_on_the_backend(t: Target, case: Case) -> None:
    """A state placed on a backend's device, transformed under jit, comes back on that device with
    the right values.

    Statement: s_d = device_put(state(x), d); s' = jit(λ gd, s: state(f(merge(gd, s))))(gd,
        s_d)  ⟹  devices(s') = {d} ∧ model(s') == f(semantics.state(model(x)))
    Rationale: a conformance result on CPU says nothing about GPU or TPU placement.
    Seed: not a seed function; JAX placement semantics through split / merge.
    """
    import jax

    device = _device(case.backend)
    x = build_case(t, case).root
    gd, s = t.split(x)
    if not is_hashable(gd):
        return
    s_d = jax.device_put(s, device)

    def step(gd: object, s: object) -> object:
        y = t.merge(gd, s)
        run(t, y, (TransformValues("add_one"),))
        return t.split(y)[1]

    out = jit_static_graphdef(step)(gd, s_d)
    placed = _devices_of(out)
    require(
        placed <= {device},
        f"jit's output lives on {sorted(map(str, placed))}, but should stay on {device}",
    )
    expected = tuple(
        (p, semantics.transformed(v, "add_one")) for p, v in semantics.state(observe(t, x))
    )
    require_same_state(expected, flat_models(t, out), f"the state computed on {case.backend}")


@law(
    "BE-2",
    requires=(Capability.JIT, Capability.UPDATE_CONTEXT),
    inputs=("module_graph", "program"),
    per_backend=True,
)
def protocol_on_the_backend(t: Target, case: Case) -> None:
    """On each backend, the jitted update-context protocol equals direct mutation and keeps values
    on that device.

    Statement: x placed on d; protocol(x, run(program), inside = jit)  ⟹  model(x) ==
        semantics.rebuild(semantics.apply(model(x₀), program)) ∧ devices(state(x)) ⊆ {d}
    Rationale: lifted transforms must behave the same on every accelerator.
    Seed: graph.py update_context (holds).
    """
    import jax

    device = _device(case.backend)
    x = build_case(t, case).root
    gd, s = t.split(x)
    if not is_hashable(gd):
        return
    t.update(x, jax.device_put(s, device))
    expected = semantics.rebuild(semantics.apply(observe(t, x), case.program))
    with t.update_context(TAG) as ctx:
        protocol(
            t,
            ctx,
            x,
            lambda y: run(t, y, case.program),
            wrap=functools.partial(jax.jit, static_argnums=0),
        )
    require_same_model(expected, observe_root(t, x), f"x after the protocol on {case.backend}")
    placed = _devices_of(t.split(x)[1])
    require(
        placed <= {device},
        f"x's values live on {sorted(map(str, placed))} after the protocol, but should stay "
        f"on {device}",
    )
