"""FS: flat states (``to_flat_state``) are merge and update inputs, equivalent to their State.

A FlatState is the sorted ``(path, leaf)`` sequence of a State (flax >= 0.10.4).  Transforms and
checkpoint code hand it to ``merge`` and ``update`` in place of the State it came from, so both
must read it exactly as they read that State.  The laws apply to targets declaring
``Capability.FLAT_STATE``.
"""

from __future__ import annotations

from spec import semantics
from spec.errors import LawViolation
from spec.laws._check import (
    build_case,
    make_state,
    observe_root,
    require,
    require_same_model,
)
from spec.laws._registry import Case, law
from spec.model import observe, observe_objects
from spec.semantics import FlatState
from spec.target import Capability, Target


def _identities(t: Target, x: object) -> list[int]:
    _, nodes, variables = observe_objects(t, x)
    return [id(o) for o in nodes if t.classify(o) == "graph"] + [id(v) for v in variables]


def _transformed(flat: FlatState) -> FlatState:
    return tuple((p, semantics.transformed(v, "add_one")) for p, v in flat)


@law("FS-1", requires=(Capability.FLAT_STATE,))
def merging_a_flat_state_is_merging_its_state(t: Target, case: Case) -> None:
    """merge(gd, to_flat_state(s)) rebuilds the graph exactly as merge(gd, s) does.

    Statement: gd, s = split(x)  ⟹  model(merge(gd, to_flat_state(s))) == model(merge(gd, s)) ==
        semantics.rebuild(model(x))
    Rationale: a FlatState is the same leaves at the same paths as its State; jit and checkpoint
        code pass either, and must get one graph.
    Seed: not in the seed (flax 0.10.4: FlatState, to_flat_state; merge takes it from 0.10.7).
    """
    x = build_case(t, case).root
    expected = semantics.rebuild(observe(t, x))
    gd, s = t.split(x)
    flat = t.to_flat_state(s)
    try:
        y = t.merge(gd, flat)
    except Exception as e:
        raise LawViolation(
            f"merge(gd, to_flat_state(s)) raised {type(e).__name__}: {e}, but should rebuild "
            "x as merge(gd, s) does"
        ) from e
    require_same_model(expected, observe_root(t, y), "merge(gd, to_flat_state(s))")


@law("FS-2", requires=(Capability.FLAT_STATE,))
def updating_from_a_flat_state_is_updating_from_its_state(t: Target, case: Case) -> None:
    """update(x, to_flat_state(s')) writes s' into x exactly as update(x, s') does, keeping every
    identity.

    Statement: s' = f(state(x))  ⟹  update(x, to_flat_state(s')) gives model(x) ==
        semantics.update(model(x₀), s') ∧ ids(x) unchanged
    Rationale: restoring from a flat checkpoint or a transform's flat output must reach the same
        Variables as restoring from the State.
    Seed: not in the seed (flax 0.10.4: FlatState, to_flat_state).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    new = _transformed(semantics.state(m))
    ids = _identities(t, x)
    flat = t.to_flat_state(make_state(t, new))
    what = "update(x, to_flat_state(f(state(x))))"
    try:
        t.update(x, flat)
    except Exception as e:
        raise LawViolation(
            f"{what} raised {type(e).__name__}: {e}, but should update x as update(x, "
            "f(state(x))) does"
        ) from e
    require_same_model(semantics.update(m, new), observe(t, x), f"x after {what}")
    require(
        _identities(t, x) == ids,
        f"{what} replaced graph nodes or Variables, but should keep every identity",
    )
