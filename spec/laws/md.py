"""MD: Variable metadata: who owns it after merge, and that its insertion order is not structure.

A Variable's metadata (sharding, tags, user annotations) is a small mutable mapping.  Two facts
users rely on: a Variable that merge builds from a raw value (a pure-dict or raw-array state)
owns its metadata, so annotating it changes neither the GraphDef it came from nor any other
merge's Variables; and metadata is a mapping, so the order its entries were inserted in is no
part of the GraphDef or the jax tree structure (equal states trace once under ``jax.jit``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from spec import semantics
from spec.blueprint import Blueprint, MetaValue, VarSpec
from spec.build import build
from spec.errors import LawViolation, NotApplicable
from spec.laws._check import (
    build_case,
    require,
    require_same_model,
    require_same_tokens,
)
from spec.laws._registry import Case, law
from spec.model import observe, observe_objects
from spec.target import Capability, Target

OWNER_KEY = "nnxspec_owner"
"""The metadata entry MD-1 sets on the Variables of one merge."""

EXTRA_METADATA: tuple[tuple[str, MetaValue], ...] = (("alpha", 1), ("omega", "z"))
"""Metadata MD-2 gives every Variable (besides its own), so that every order has two entries to
permute."""


def _raw_state(t: Target, x: object) -> object:
    """Return ``state(x)`` as a target State of raw arrays (no Variables: a pure-dict state)."""
    import jax.numpy as jnp

    return t.make_state([(p, jnp.asarray(v.value)) for p, v in semantics.state(observe(t, x))])


def _variables(t: Target, x: object) -> list[object]:
    _, _, variables = observe_objects(t, x)
    return list(variables)


@law("MD-1")
def merged_variables_own_their_metadata(t: Target, case: Case) -> None:
    """Setting metadata on a Variable that merge built from a raw leaf changes neither the GraphDef
    nor another merge's Variables.

    Statement: r = raw(state(x)); y₁, y₂ = merge(gd, r), merge(gd, r); v.k = "y1" ∀ v ∈
        vars(y₁)  ⟹  every v ∈ vars(y₁) has k ∧ model(y₂) unchanged ∧ tokens(gd) unchanged ∧
        model(merge(gd, r)) == model(y₂)
    Rationale: merge from a pure dict (a checkpoint) must give independent Variables; metadata
        shared with the GraphDef would leak one model's annotations into every later merge, or be
        read-only.
    Seed: graph.py unflatten / Variable.from_metadata (fails: the new Variable keeps the
        VariableDef's own metadata mapping, read-only; deviation D-7).
    """
    x = build_case(t, case).root
    gd, _ = t.split(x)
    if not _variables(t, x):
        return  # no Variable to annotate
    tokens = t.graphdef_tokens(gd)
    y1 = t.merge(gd, _raw_state(t, x))
    y2 = t.merge(gd, _raw_state(t, x))
    before = observe(t, y2)
    for v in _variables(t, y1):
        try:
            t.set_metadata(v, OWNER_KEY, "y1")
        except NotImplementedError as e:
            raise NotApplicable(str(e)) from e
        except Exception as e:
            raise LawViolation(
                f"setting metadata {OWNER_KEY!r} on a Variable of merge(gd, raw state) "
                f"raised {type(e).__name__}: {e}, "
                "but the Variable should own its metadata"
            ) from e
    for v in _variables(t, y1):
        found = dict(t.leaf_view(v).metadata).get(OWNER_KEY)
        require(
            found == "y1",
            f"a Variable of y1 = merge(gd, raw state) has {OWNER_KEY}={found!r} after "
            "setting it, but should have 'y1'",
        )
    require_same_model(
        before,
        observe(t, y2),
        f"another merge's result after setting {OWNER_KEY} on y1's Variables",
    )
    require_same_tokens(
        tokens,
        t.graphdef_tokens(gd),
        f"gd after setting {OWNER_KEY} on the Variables merge(gd, raw state) built:",
    )
    require_same_model(
        before, observe(t, t.merge(gd, _raw_state(t, x))), "a later merge(gd, raw state)"
    )


def _with_extra_metadata(bp: Blueprint) -> Blueprint:
    def extend(v: VarSpec) -> VarSpec:
        merged = {**dict(EXTRA_METADATA), **dict(v.metadata)}
        return dataclasses.replace(v, metadata=tuple(sorted(merged.items())))

    return dataclasses.replace(bp, variables=tuple(extend(v) for v in bp.variables))


def _hashable(gd: object) -> bool:
    try:
        hash(gd)
    except TypeError:
        return False
    return True


@law("MD-2")
def metadata_insertion_order_is_not_structure(t: Target, case: Case) -> None:
    """Graphs whose Variables got equal metadata inserted in different orders have equal graphdefs
    and jax tree structures, and jit traces once.

    Statement: x₁, x₂ = build(g) with metadata in sorted / reversed order  ⟹  graphdef(x₁) ==
        graphdef(x₂) ∧ hash equal ∧ treedef(state(x₁)) == treedef(state(x₂)) ∧
        traces(jit f over both) == 1
    Rationale: metadata is a mapping (Variable(v, a=1, b=2) equals Variable(v, b=2, a=1)); a
        graphdef or treedef keyed on insertion order recompiles for nothing, and caches never hit
        across code paths that annotate in different orders.
    Seed: graph.py VariableDef metadata (HashableMapping, order-free equality; holds).
    """
    import jax

    bp = _with_extra_metadata(case.graph)
    if not bp.variables:
        return
    x1 = build_case(t, dataclasses.replace(case, graph=bp)).root
    try:
        x2 = build(t, bp, reversed_metadata=True).root
    except NotImplementedError as e:
        raise NotApplicable(str(e)) from e
    gd1, s1 = t.split(x1)
    gd2, s2 = t.split(x2)
    require(
        gd1 == gd2,
        "graphdef(x1) == graphdef(x2) is False for equal metadata inserted in other orders, "
        "but should be True",
    )
    if not _hashable(gd1):
        return  # an unhashable static: ERR-6's business
    require(
        hash(gd1) == hash(gd2),
        "hash(graphdef(x1)) != hash(graphdef(x2)) for equal metadata inserted in other orders",
    )
    td1: Any = jax.tree_util.tree_structure(s1)
    td2: Any = jax.tree_util.tree_structure(s2)
    require(
        bool(td1 == td2),
        "the jax tree structures of state(x1) and state(x2) differ for equal metadata "
        "inserted in other orders",
        expected=str(td1),
        actual=str(td2),
    )
    if Capability.JIT not in t.capabilities:
        return
    traces: list[int] = []

    def f(gd: object, s: Any) -> object:
        traces.append(1)
        return s

    jf = jax.jit(f, static_argnums=0)
    jf(gd1, s1)
    jf(gd2, s2)
    require(
        len(traces) == 1,
        f"jit traced {len(traces)} times for two states that differ only in metadata "
        "insertion order, but should trace once",
    )
