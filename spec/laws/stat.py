"""STAT: static attributes are kept by reference and never enter the state."""

from __future__ import annotations

from spec.laws._check import (
    build_case,
    require,
)
from spec.laws._registry import Case, law
from spec.model import NodeSlot, VarSlot, observe, path_str
from spec.target import Target, live_at


@law("STAT-1")
def statics_are_kept_by_reference(t: Target, case: Case) -> None:
    """Static attribute values come back from a round trip as the very same objects.

    Statement: ∀ static path p of x: merge(*split(x))@p is x@p
    Rationale: statics live in the GraphDef and are re-attached, never copied.
    Seed: graph.py StaticAttribute (holds).
    """
    x = build_case(t, case).root
    y = t.merge(*t.split(x))
    for path, slot, _ in observe(t, x).walk():
        if not isinstance(slot, (NodeSlot, VarSlot)) and not isinstance(
            live_at(t, x, path), (int, float, bool, str)
        ):
            require(
                live_at(t, y, path) is live_at(t, x, path),
                f"y{path_str(path)} is a copy of x{path_str(path)}, but should be the same object",
            )


@law("STAT-2")
def statics_never_enter_the_state(t: Target, case: Case) -> None:
    """The state holds Variables only: no static value and no path ending at a static attribute.

    Statement: paths(state(x)) ⊆ {first(v) : Variable v of x}
    Rationale: statics are structure, not data; putting them in the state would make them traced.
    Seed: graph.py _graph_flatten (holds).
    """
    x = build_case(t, case).root
    _, first = observe(t, x).first_paths()
    allowed = set(first.values())
    for p, _ in t.flat_state(t.state(x)):
        require(
            tuple(p) in allowed,
            f"state(x) has an entry at {path_str(p)}, which is not the first path of a Variable",
        )
