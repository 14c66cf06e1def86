"""CTX: split and merge contexts share references across the calls made inside them."""

from __future__ import annotations

from spec.laws._check import (
    build_case,
    require,
)
from spec.laws._registry import Case, law
from spec.model import NodeSlot, observe, path_str
from spec.target import Capability, Target, live_at


@law("CTX-1", requires=(Capability.SPLIT_MERGE_CONTEXT,))
def split_context_shares_references_across_splits(t: Target, case: Case) -> None:
    """Within one split_context, splitting a graph node already split gives a bare reference and an
    empty state.

    Statement: with split_context() as c: c.split(x); gd, s = c.split(x)  ⟹  tokens(gd) ==
        (("ref", 0),) ∧ s is empty
    Rationale: several arguments of one transform may share objects; each shared object must be
        encoded once.
    Seed: graph.py SplitContext (holds).
    """
    x = build_case(t, case).root
    if observe(t, x).root.kind != "graph":
        return
    with t.split_context() as c:
        t.split_in(c, x)
        gd, s = t.split_in(c, x)
    require(
        t.graphdef_tokens(gd) == (("ref", 0),),
        f"the second split in one context gives {t.graphdef_tokens(gd)!r}, but should give a "
        "reference to index 0",
    )
    require(not t.flat_state(s), "the second split in one context has a non-empty state")


@law("CTX-2", requires=(Capability.SPLIT_MERGE_CONTEXT,))
def merge_context_restores_sharing_across_merges(t: Target, case: Case) -> None:
    """Splitting a graph and one of its inner graph nodes in one split_context, then merging both in
    one merge_context, gives back the inner node as part of the merged graph.

    Statement: (a, b) = (x, x@p) split in one context and merged in one context  ⟹  merged(b) is
        merged(a)@p
    Rationale: a transform's arguments that share objects must share them again on the other side.
    Seed: graph.py MergeContext (holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    inner = [
        p
        for p, s, first in m.walk()
        if first and isinstance(s, NodeSlot) and m.nodes[s.id].kind == "graph"
    ]
    if not inner:
        return
    p = inner[0]
    with t.split_context() as c:
        gd1, s1 = t.split_in(c, x)
        gd2, s2 = t.split_in(c, live_at(t, x, p))
    with t.merge_context() as c2:
        a = t.merge_in(c2, gd1, s1)
        b = t.merge_in(c2, gd2, s2)
    require(
        b is live_at(t, a, p),
        f"the merged x{path_str(p)} is not the separately merged inner node, but should be "
        "the same object",
    )
