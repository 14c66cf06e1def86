"""VAR: variables returns the live Variables at their state paths."""

from __future__ import annotations

from spec import semantics
from spec.laws._check import (
    build_case,
    require,
    states_of,
)
from spec.laws._registry import Case, law
from spec.model import observe_objects, path_str
from spec.target import Capability, Target


@law("VAR-1", requires=(Capability.VARIABLES,), inputs=("graph", "filters"))
def variables_returns_live_variables_at_state_paths(t: Target, case: Case) -> None:
    """variables(x, *fs) has the paths and grouping of state(x, *fs), holds x's live Variables, and
    returns one State per filter.

    Statement: paths(variables(x, *fs)[i]) == paths(semantics.state_groups(model(x), fs)[i]) ∧ leaf
        is x@p ∧ |result| = max(1, |fs|)
    Rationale: variables() is state() without copying; the seed returned |fs| + 2 groups for 2+
        filters (D-3).
    Seed: graph.py variables (breaks: arity 4 for two filters, paths from iter_graph).
    """
    x = build_case(t, case).root
    m, _, variables = observe_objects(t, x)
    _, first = m.first_paths()
    by_path = {p: variables[vid] for vid, p in first.items()}
    expected = semantics.state_groups(m, case.filters)
    result = t.variables(x, *(t.make_filter(f) for f in case.filters))
    for i, (e, a) in enumerate(zip(expected, states_of(result, len(case.filters)))):
        leaves = t.flat_state(a)
        require(
            [p for p, _ in e] == [tuple(p) for p, _ in leaves]
            or sorted(map(repr, (p for p, _ in e))) == sorted(repr(tuple(p)) for p, _ in leaves),
            f"variables(x, *fs)[{i}] has paths {[path_str(p) for p, _ in leaves]}, but "
            f"should have {[path_str(p) for p, _ in e]}",
        )
        for p, leaf in leaves:
            require(
                leaf is by_path.get(tuple(p)),
                f"variables(x, *fs)[{i}] at {path_str(p)} is not x's live Variable",
            )
