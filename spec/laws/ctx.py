"""CTX: split and merge contexts share references across the calls made inside them."""

from __future__ import annotations

from collections.abc import Sequence

from spec import semantics
from spec.laws._check import (
    build_case,
    observe_root,
    require,
    require_same_model,
)
from spec.laws._registry import Case, law
from spec.model import NodeSlot, observe, observe_objects, path_str
from spec.target import Capability, Path, Target, live_at


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


@law("CTX-3", requires=(Capability.SPLIT_MERGE_CONTEXT,))
def merge_context_shares_exactly_what_the_pieces_share(t: Target, case: Case) -> None:
    """Several pieces of a graph split in one split_context and merged in one merge_context share
    graph nodes and Variables exactly as the pieces of the original graph do, whichever piece
    reaches an object first.

    Statement: gdᵢ, sᵢ = c.split(x@pᵢ) for i = 1..n in one split_context; yᵢ = c'.merge(gdᵢ, sᵢ)
        in order in one merge_context  ⟹  model(yᵢ) == semantics.rebuild(model(x@pᵢ)) ∧
        (yᵢ@q is yⱼ@r ⟺ x@pᵢ@q is x@pⱼ@r) for graph nodes and Variables
    Rationale: a transform's later arguments reach objects that an earlier argument's merge built
        (a shared layer, a tied weight); building them anew unties them, and merging two into one
        ties what was separate.
    Seed: graph.py SplitContext / MergeContext (one ref_index and one index_ref across the calls;
        holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    inner = [
        p
        for p, s, first in m.walk()
        if first and isinstance(s, NodeSlot) and m.nodes[s.id].kind == "graph"
    ][:3]
    root = [()] if m.root.kind == "graph" else []
    for paths in ([*root, *inner], [*reversed(inner), *root]):
        if len(paths) >= 2:
            _check_pieces(t, x, paths)


def _check_pieces(t: Target, x: object, paths: Sequence[Path]) -> None:
    """CTX-3 on the pieces of ``x`` at ``paths``, split and merged in that order."""
    pieces = [live_at(t, x, p) for p in paths]
    expected = [semantics.rebuild(observe(t, piece)) for piece in pieces]
    with t.split_context() as c:
        pairs = [t.split_in(c, piece) for piece in pieces]
    with t.merge_context() as c2:
        merged = [t.merge_in(c2, gd, s) for gd, s in pairs]
    order = ", ".join(f"x{path_str(p)}" for p in paths)
    first: dict[int, tuple[object, str]] = {}  # id(original) -> (its merged object, where)
    owner: dict[int, str] = {}  # id(merged object) -> where its original was first reached
    for p, piece, model, y in zip(paths, pieces, expected, merged):
        require_same_model(model, observe_root(t, y), f"the merged x{path_str(p)} ({order})")
        originals, copies = _objects(t, piece), _objects(t, y)
        for q, o in originals.items():
            where, got = f"{path_str(q)} of the merged x{path_str(p)}", copies[q]
            if id(o) in first:
                want, at = first[id(o)]
                require(
                    got is want,
                    f"{where} is not {at} (pieces {order}), but should be the same object, as in x",
                )
            else:
                require(
                    id(got) not in owner,
                    f"{where} is {owner.get(id(got))} (pieces {order}), but should be a "
                    "different object, as in x",
                )
                first[id(o)], owner[id(got)] = (got, where), where


def _objects(t: Target, root: object) -> dict[Path, object]:
    """First path -> live object, for every graph node and Variable below ``root``."""
    m, nodes, variables = observe_objects(t, root)
    first_nodes, first_vars = m.first_paths()
    out = {first_nodes[i]: o for i, o in enumerate(nodes) if t.classify(o) == "graph"}
    out.update({first_vars[i]: v for i, v in enumerate(variables)})
    return out
