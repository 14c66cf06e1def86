"""CALL: running a method through call / apply: purely, or writing through live state."""

from __future__ import annotations

from typing import Any

from spec import semantics
from spec.laws._check import (
    build_case,
    flat_models,
    observe_root,
    require,
    require_same_model,
    require_same_state,
)
from spec.laws._registry import Case, law
from spec.model import Model, NodeSlot, observe, path_str
from spec.target import Capability, Path, Target


def _module_paths(m: Model) -> list[Path]:
    paths: list[Path] = [()] if m.root.type_name == semantics.MODULE_TYPE_NAME else []
    for p, s, first in m.walk():
        if (
            first
            and isinstance(s, NodeSlot)
            and m.nodes[s.id].type_name == semantics.MODULE_TYPE_NAME
        ):
            paths.append(p)
    return paths


def _navigate(proxy: Any, m: Model, path: Path) -> Any:
    """Follow ``path`` on a call proxy: item access into dicts and sequences, attributes
    elsewhere."""
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
    require(
        out == count,
        f"{make_proxy}(...){path_str(path)}.bump() returned {out!r}, but should return {count}",
    )
    require_same_model(
        semantics.rebuild(expected),
        observe_root(t, t.merge(gd2, s2)),
        f"the graph returned by {make_proxy}",
    )
    if writes_through:  # the state's leaves are x's live Variables and merge reuses them
        require_same_model(expected, observe(t, x), f"x after {make_proxy}(split(x))")
        require_same_state(
            semantics.state(expected), flat_models(t, s), f"the state given to {make_proxy}"
        )
        return
    require_same_model(m, observe(t, x), f"x after {make_proxy}(split(x))")
    require_same_state(s_before, flat_models(t, s), f"the state given to {make_proxy}")


@law("CALL-1", requires=(Capability.CALL, Capability.MERGE_COPIES_VARIABLES))
def call_runs_a_method_purely(t: Target, case: Case) -> None:
    """call((gd, s)).<path>.method() runs the method on merge(gd, s) and returns its result with the
    new split, touching neither x nor s.

    Statement: out, (gd', s') = call(split(x))@p.bump()  ⟹  (model(merge(gd', s')), out) ==
        semantics.bump(model(x), p) ∧ x, s unchanged
    Rationale: call is the pure way to run a stateful method inside jax transforms.
    Seed: graph.py call (holds; with flax >= 0.11.2's reusing merge CALL-3 is the variant).
    """
    _check_call(t, case, "call")


@law("CALL-2", requires=(Capability.NODEDEF_APPLY, Capability.MERGE_COPIES_VARIABLES))
def apply_runs_a_method_purely(t: Target, case: Case) -> None:
    """gd.apply(s).<path>.method() behaves as call((gd, s)).

    Statement: gd.apply(s)@p.bump() == call((gd, s))@p.bump()  (both as in CALL-1)
    Rationale: NodeDef.apply is the seed's older spelling of call; both must agree.
    Seed: graph.py NodeDef.apply (holds; with flax >= 0.11.2's reusing merge CALL-4 is the variant).
    """
    _check_call(t, case, "apply")


@law(
    "CALL-3",
    requires=(Capability.CALL, Capability.MERGE_REUSES_VARIABLES, Capability.STATE_LEAVES_ARE_LIVE),
)
def call_writes_through_live_state(t: Target, case: Case) -> None:
    """With live state leaves and a reusing merge, call((gd, s)).<path>.method() returns what CALL-1
    says and its writes land in s, hence in x.

    Statement: out, (gd', s') = call(split(x))@p.bump()  ⟹  (model(merge(gd', s')), out) ==
        semantics.bump(model(x₀), p) ∧ model(x) == semantics.bump(model(x₀), p)[0] ∧ s holds its
        leaves
    Rationale: the variant of CALL-1 where split returns x's own Variables and merge reuses them:
        call is pure only under a jax transform.
    Seed: not in the seed (flax 0.11.0 live state leaves, PR #4800; 0.11.2
        merge(copy=False), PR #4912).
    """
    _check_call(t, case, "call", writes_through=True)


@law(
    "CALL-4",
    requires=(
        Capability.NODEDEF_APPLY,
        Capability.MERGE_REUSES_VARIABLES,
        Capability.STATE_LEAVES_ARE_LIVE,
    ),
)
def apply_writes_through_live_state(t: Target, case: Case) -> None:
    """With live state leaves and a reusing merge, gd.apply(s).<path>.method() behaves as
    call((gd, s)) in CALL-3.

    Statement: gd.apply(s)@p.bump() == call((gd, s))@p.bump()  (both as in CALL-3)
    Rationale: the variant of CALL-2 for targets whose merge reuses live state leaves.
    Seed: not in the seed (flax 0.11.0 live state leaves, PR #4800; 0.11.2
        merge(copy=False), PR #4912).
    """
    _check_call(t, case, "apply", writes_through=True)
