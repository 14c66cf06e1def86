"""POP: pop returns and removes the matched Variables, from every alias, all-or-nothing."""

from __future__ import annotations

from spec import semantics
from spec.blueprint import Blueprint, NodeSpec, ToNode, ToStatic, ToVar, VarSpec
from spec.build import build
from spec.errors import SpecError
from spec.filters import TypeFilter
from spec.laws._check import (
    build_case,
    expect_failure,
    flat_models,
    require,
    require_same_model,
    require_same_state,
    require_unchanged,
    snapshot,
    states_of,
)
from spec.laws._registry import Case, law
from spec.model import VarSlot, aliasing, observe, observe_objects, path_str
from spec.target import Capability, Target


@law(
    "POP-1",
    requires=(Capability.POP, Capability.PYTREE_CONTAINERS_ARE_IMMUTABLE),
    inputs=("graph", "filters"),
)
def pop_returns_and_removes_the_matched_variables(t: Target, case: Case) -> None:
    """pop(x, *fs) returns the matched Variables grouped by first match and removes every reference
    to them.

    Statement: pop(x, *fs) == semantics.pop(model(x), fs)[1] ∧ model(x) afterwards ==
        semantics.pop(model(x), fs)[0]; all-or-nothing
    Rationale: pop is how sown intermediates leave a module; anything left behind leaks into the
        next step.
    Seed: graph.py pop (breaks on aliased Variables: only the first alias is removed, D-4).
    """
    _pop_matches_the_oracle(t, case, mutable_dicts=False)


def _pop_matches_the_oracle(t: Target, case: Case, *, mutable_dicts: bool) -> None:
    if not case.filters:
        return
    x = build_case(t, case).root
    m = observe(t, x)
    filters = [t.make_filter(f) for f in case.filters]
    try:
        m_after, groups = semantics.pop(m, case.filters, mutable_dicts=mutable_dicts)
    except SpecError as e:
        before = snapshot(t, x)
        expect_failure(t, lambda: t.pop(x, *filters), e, "pop(x, *fs)")
        require_unchanged(t, before, x, what="pop(x, *fs)")
        return
    result = states_of(t.pop(x, *filters), len(case.filters))
    for i, (group, a) in enumerate(zip(groups, result)):
        require_same_state(group, flat_models(t, a), f"pop(x, *fs)[{i}]")
    require_same_model(m_after, observe(t, x), "x after pop(x, *fs)")


@law("POP-2", requires=(Capability.POP,))
def pop_removes_every_alias(t: Target, case: Case) -> None:
    """Popping a Variable that several attributes share removes it from all of them.

    Statement: v ∈ pop(x, type(v))  ⟹  no path of x reaches v afterwards
    Rationale: a popped Variable that stays reachable through an alias is silently kept in the
        graph.
    Seed: graph.py _graph_pop (breaks: only the first path is removed, D-4).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    shared = [vid for (kind, vid), _ in aliasing(m).items() if kind == "Variable"]
    if not shared:
        return
    f = TypeFilter(m.variables[shared[0]].type_name)
    try:
        semantics.pop(m, (f,))
    except SpecError:
        return  # an alias sits in a pytree container: POP-1 checks that failure
    popped = observe_objects(t, x)[2][shared[0]]
    t.pop(x, t.make_filter(f))
    remaining = observe_objects(t, x)
    still = [
        path_str(p)
        for p, s, _ in remaining[0].walk()
        if isinstance(s, VarSlot) and remaining[2][s.id] is popped
    ]
    require(
        all(v is not popped for v in remaining[2]),
        f"after pop(x, {f.type_name}) the popped Variable is still reachable at {still}",
    )


@law("POP-3", requires=(Capability.POP,))
def pop_needs_a_filter(t: Target, case: Case) -> None:
    """pop with no filter raises, and changes nothing.

    Statement: pop(x) raises ValueError / TypeError ∧ x unchanged
    Rationale: "pop nothing" is almost certainly a caller's mistake.
    Seed: graph.py pop ("Expected at least one filter"; holds).
    """
    x = build_case(t, case).root
    before = snapshot(t, x)
    expect_failure(t, lambda: t.pop(x), SpecError("no-filter"), "pop(x)")
    require_unchanged(t, before, x, what="pop(x)")


@law(
    "POP-4",
    requires=(Capability.POP, Capability.PYTREE_DICTS_ARE_MUTABLE),
    inputs=("graph", "filters"),
)
def pop_also_removes_dict_entries(t: Target, case: Case) -> None:
    """pop(x, *fs) behaves as in POP-1, except that entries of plain dict containers are removed in
    place.

    Statement: as POP-1, with semantics.pop(model(x), fs, mutable_dicts=True)
    Rationale: the variant of POP-1 for targets whose pop removes dict entries (flax >= 0.11.1).
    Seed: not in the seed (flax 0.11.1, b5f67688: update / pop work on dicts).
    """
    _pop_matches_the_oracle(t, case, mutable_dicts=True)


_BLOCKED_POP = Blueprint(
    nodes=(
        NodeSpec("module", (("a", ToVar(0)), ("b", ToNode(1)), ("c", ToNode(2)))),
        NodeSpec("tuple", ((0, ToStatic(1)), (1, ToVar(1)))),
        NodeSpec("list", ((0, ToVar(0)),)),
    ),
    variables=(VarSpec(), VarSpec(seed=1)),
)
"""``x.a = A``, ``x.b = (1, B)``, ``x.c = [A]``: popping both Params meets A in a module first,
then B in a tuple at ``b/1``, then A again in a list at ``c/0``: ``b/1`` comes first in
canonical order, though A was found first and ``c/0`` has the smaller last key."""


@law("POP-5", requires=(Capability.POP,), inputs=())
def pop_names_the_first_place_it_cannot_pop_from(t: Target, case: Case) -> None:
    """pop that would remove Variables from pytree containers raises, naming the first such place in
    canonical order, and changes nothing.

    Statement: x = _BLOCKED_POP  ⟹  pop(x, Param) raises (immutable-node at the first blocked path:
        b/1) ∧ x unchanged
    Rationale: the error must point at the first offending place, whatever order the implementation
        finds Variables in.
    Seed: graph.py _graph_pop (raises at the first pytree it meets, after popping the Variables
        before it, D-2).
    """
    x = build(t, _BLOCKED_POP).root
    m = observe(t, x)
    try:
        semantics.pop(m, (TypeFilter("Param"),))
    except SpecError as e:
        before = snapshot(t, x)
        expect_failure(t, lambda: t.pop(x, t.make_filter(TypeFilter("Param"))), e, "pop(x, Param)")
        require_unchanged(t, before, x, what="pop(x, Param)")
        return
    require(False, "sanity check: the oracle pops Variables out of a tuple")
