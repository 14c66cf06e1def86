"""CYC: cycles are closed by references in the GraphDef and restored by merge."""

from __future__ import annotations

from spec import semantics
from spec.laws._check import (
    build_case,
    require,
    require_same_tokens,
)
from spec.laws._registry import Case, law
from spec.model import NodeSlot, observe, path_str
from spec.target import Target, live_at


@law("CYC-1")
def graphdef_closes_cycles_with_references(t: Target, case: Case) -> None:
    """Splitting a cyclic graph terminates and every back edge is a reference in the graphdef.

    Statement: tokens(graphdef(x)) == semantics.graphdef_tokens(model(x)), which holds ("ref", i)
        for every back edge
    Rationale: a cycle must be encoded finitely, pointing to the node already numbered.
    Seed: graph.py _graph_flatten (ref_index before children; holds).
    """
    if not case.graph.has_cycle:
        return
    x = build_case(t, case).root
    expected = semantics.graphdef_tokens(observe(t, x))
    require_same_tokens(expected, t.graphdef_tokens(t.graphdef(x)), "graphdef(x)")


@law("CYC-2")
def merge_restores_cycles(t: Target, case: Case) -> None:
    """Every back edge of x is, after a round trip, an edge to the very ancestor object.

    Statement: y = merge(*split(x)); ∀ back edge p → q of x: y@p is y@q
    Rationale: self-references (parent pointers, recurrent cells) must come back as references.
    Seed: graph.py _graph_unflatten (node registered before children; holds).
    """
    bp = case.graph
    if not bp.has_cycle:
        return
    built = build_case(t, case)
    m = observe(t, built.root)
    node_paths, _ = m.first_paths()
    y = t.merge(*t.split(built.root))
    for path, slot, first in m.walk():
        if isinstance(slot, NodeSlot) and not first and m.nodes[slot.id].kind == "graph":
            target = node_paths[slot.id]
            require(
                live_at(t, y, path) is live_at(t, y, target),
                f"y{path_str(path)} is not y{path_str(target)} after merge(*split(x)), but "
                "should be the same object",
            )
