"""ST: what state must return: each Variable once, at its first path, in canonical order."""

from __future__ import annotations

from spec import semantics
from spec.laws._check import (
    build_case,
    flat_models,
    require,
    require_same_state,
)
from spec.laws._registry import Case, law
from spec.model import observe, observe_objects, path_str
from spec.program import TRANSFORMS
from spec.target import Capability, Target


@law("ST-1")
def state_holds_each_variable_at_its_first_path(t: Target, case: Case) -> None:
    """state(x) holds one leaf per distinct Variable, at its first path, equal to it in type, value
    and metadata.

    Statement: model(state(x)) == semantics.state(model(x))
    Rationale: the state is the data half of the graph; its paths are how users address parameters.
    Seed: graph.py flatten / state (holds).
    """
    x = build_case(t, case).root
    require_same_state(semantics.state(observe(t, x)), flat_models(t, t.state(x)), "state(x)")


@law("ST-2")
def state_is_in_canonical_order(t: Target, case: Case) -> None:
    """state(x) lists its leaves in canonical depth-first order (sorted keys, then positions).

    Statement: [p for p, _ in flat(state(x))] == [p for p, _ in semantics.state(model(x))]
    Rationale: leaf order decides the order of jax.tree leaves, hence of optimizer states and
        checkpoints.
    Seed: graph.py flatten + State.from_flat_path (holds).
    """
    x = build_case(t, case).root
    require_same_state(
        semantics.state(observe(t, x)), flat_models(t, t.state(x)), "state(x)", ordered=True
    )


@law("ST-3")
def split_and_state_agree(t: Target, case: Case) -> None:
    """The state half of split(x) is state(x).

    Statement: model(split(x)[1]) == model(state(x))
    Rationale: two ways to read one graph must not disagree.
    Seed: graph.py split / state (holds).
    """
    x = build_case(t, case).root
    require_same_state(
        flat_models(t, t.state(x)), flat_models(t, t.split(x)[1]), "split(x)[1]", ordered=True
    )


@law("ST-4", requires=(Capability.STATE_LEAVES_ARE_COPIES,))
def state_is_a_snapshot(t: Target, case: Case) -> None:
    """state(x) is a snapshot: changing x's Variables afterwards does not change it.

    Statement: s = state(x); v.value ← f(v.value) ∀ v ∈ x  ⟹  model(s) unchanged
    Rationale: a snapshot taken before a step must still describe the state before the step.
    Seed: graph.py flatten (VariableState copies; holds; flax >= 0.11 returns live Variables).
    """
    x = build_case(t, case).root
    s = t.state(x)
    before = flat_models(t, s)
    for v in observe_objects(t, x)[2]:
        t.set_value(v, TRANSFORMS["add_one"](t.get_value(v)))  # type: ignore[arg-type]
    require_same_state(before, flat_models(t, s), "state(x) after changing x")


@law("ST-5", requires=(Capability.STATE_LEAVES_ARE_LIVE,))
def state_holds_the_live_variables(t: Target, case: Case) -> None:
    """state(x)'s leaves are x's own Variables (the flax >= 0.11 variant).

    Statement: ∀ (p, leaf) ∈ state(x): leaf is x@p
    Rationale: with live leaves, updating a leaf updates the graph; that is the variant's contract.
    Seed: not in the seed (flax 0.11.0, PR #4800).
    """
    x = build_case(t, case).root
    m, _, variables = observe_objects(t, x)
    _, first = m.first_paths()
    by_path = {p: variables[vid] for vid, p in first.items()}
    for p, leaf in t.flat_state(t.state(x)):
        require(
            leaf is by_path.get(tuple(p)),
            f"state(x) at {path_str(p)} is not x's Variable there, but should be",
        )
