"""The operation × fault matrix: for every operation of the graph API and every kind of bad
input, the laws that check what happens, or the reason the fault cannot reach the operation.

``FAULTS`` is derived from the documented error kinds (``spec.errors.ERROR_KINDS``), the hostile
inputs (``spec.hostile``: state edits, hostile graphs, filter calls, context calls) and the ERR
laws.  ``COVERS`` says, law by law, which cells it covers; ``CANNOT`` gives the reason for every
cell no law covers.  ``tests/spec/test_fault_matrix.py`` fails when a cell has neither, or both,
or a law id is unknown; SPEC.md renders the table (``spec.runner.specdoc``).
"""

from __future__ import annotations

__all__ = ["CANNOT", "COVERS", "FAULTS", "OPERATIONS", "cell"]

OPERATIONS: dict[str, str] = {
    "split": "split(x, *fs)",
    "merge": "merge(gd, *ss)",
    "update": "update(x, *ss)",
    "pop": "pop(x, *fs)",
    "state": "state(x, *fs)",
    "graphdef": "graphdef(x)",
    "clone": "clone(x)",
    "contexts": "split_context / merge_context: SplitContext.split, MergeContext.merge",
    "update-context": "update_context: UpdateContext.split / .merge (steps 1 to 4)",
}
"""The operations (the matrix's columns)."""

FAULTS: dict[str, str] = {
    # a state given to merge / update / the contexts' merges (spec.hostile state edits)
    "missing-key": "the state lacks a key the GraphDef needs (missing-key)",
    "extra-key": "a leaf at a key the graph lacks (unknown-key)",
    "mapping-at-unknown-key": "a mapping (a subtree) at a key the graph lacks (unknown-key)",
    "renamed-key": "a leaf under a renamed key, as many leaves as expected (missing-key)",
    "raw-value": "a raw value where a Variable belongs (valid: it takes the GraphDef's type)",
    "wrong-leaf-kind": "a typed leaf of another type, dtype, shape or metadata",
    "leaf-for-subgraph": "a leaf where a subgraph belongs (leaf-for-subgraph)",
    "subgraph-for-leaf": "a mapping where a Variable belongs (subgraph-for-leaf)",
    "static-in-state": "a leaf for a static attribute (static-in-state / not-a-variable)",
    "wrong-nesting": "a leaf moved up the tree",
    "foreign-state": "a GraphDef and a state of different graphs",
    "noderef-root": "a GraphDef whose root is a bare NodeRef (noderef-root)",
    # a graph given to split / state / graphdef / clone / pop / update / the contexts' splits
    "array-attribute": "an array stored as a plain attribute (array-attribute)",
    "unhashable-static": "an unhashable static attribute (unhashable-static)",
    "invalid-key": "keys that cannot be ordered together, or odd key types (invalid-key)",
    "pytree-cycle": "a pytree container that contains itself (pytree-cycle)",
    "not-a-node": "a root that is not a graph node or pytree (not-a-node)",
    "immutable-node": "a change that needs a key added to or removed from a pytree container",
    # filters
    "bad-filter": "a term that is not a filter, or a misplaced `...` / True",
    "non-exhaustive": "filters that leave a leaf unmatched where all must be (non-exhaustive)",
    "no-filter": "no filter at all (valid except for pop: no-filter)",
    # contexts
    "no-context": "no update context is active for the tag (no-context)",
    "context-order": "update-context calls out of order (context-order)",
    "after-exit": "a context used after its `with` block (context-order)",
}
"""The fault kinds (the matrix's rows)."""

_STATE = (
    "missing-key",
    "extra-key",
    "mapping-at-unknown-key",
    "renamed-key",
    "raw-value",
    "wrong-leaf-kind",
    "leaf-for-subgraph",
    "subgraph-for-leaf",
    "static-in-state",
    "wrong-nesting",
    "foreign-state",
)
_GRAPH = ("array-attribute", "unhashable-static", "invalid-key", "pytree-cycle", "not-a-node")
_FILTER = ("bad-filter", "non-exhaustive", "no-filter")
_READERS = ("split", "state", "graphdef", "clone")


def _cells(ops: tuple[str, ...], faults: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((op, fault) for op in ops for fault in faults)


COVERS: dict[str, tuple[tuple[str, str], ...]] = {
    "ERR-1": (("merge", "missing-key"),),
    "ERR-2": (("merge", "extra-key"),),
    "ERR-3": (("merge", "renamed-key"),),
    "ERR-4": (("merge", "static-in-state"),),
    "ERR-5": (("merge", "leaf-for-subgraph"),),
    "ERR-6": _cells(("split", "graphdef"), ("unhashable-static",)),
    "ERR-7": (("split", "array-attribute"),),
    "ERR-8": (("update-context", "no-context"),),
    "ERR-9": (("update", "static-in-state"),),
    "ERR-10": (("merge", "foreign-state"),),
    "ERR-11": (("update", "subgraph-for-leaf"),),
    "ERR-12": (("update", "leaf-for-subgraph"),),
    "ERR-13": _cells(("contexts", "update-context"), _STATE),
    "ERR-14": _cells(("pop", "update", "contexts", "update-context"), _GRAPH),
    "ERR-15": (("contexts", "after-exit"), ("contexts", "no-context")),
    "ERR-16": _cells(("update-context",), _FILTER),
    "UPD-6": (("update", "immutable-node"),),
    "POP-1": (("pop", "immutable-node"),),
    "ROB-8": (*_cells(("merge",), (*_STATE, "noderef-root")), ("contexts", "noderef-root")),
    "ROB-9": _cells(("update",), _STATE),
    "ROB-13": _cells(_READERS, ("array-attribute",)),
    "ROB-14": (*_cells(_READERS, ("unhashable-static",)), ("merge", "unhashable-static")),
    "ROB-15": (("merge", "invalid-key"),),
    "ROB-16": _cells(_READERS, ("invalid-key",)),
    "ROB-17": _cells(_READERS, ("invalid-key",)),
    "ROB-18": _cells(_READERS, ("pytree-cycle",)),
    "ROB-19": _cells(_READERS, ("not-a-node",)),
    "ROB-11": _cells(("split", "state", "pop", "contexts"), _FILTER),
    "ROB-12": _cells(("update-context",), ("context-order", "after-exit", "noderef-root")),
    "UCTX-6": (("update-context", "context-order"),),
    "UCTX-11": (("update-context", "raw-value"),),
}
"""Law id -> the (operation, fault) cells it covers."""

_NO_STATE = "takes a graph, no state: a fault of a state cannot reach it"
_NO_GRAPH = (
    "takes a GraphDef and states, no graph: split refuses such a graph before any GraphDef "
    "exists (ROB-13 ... ROB-19), and merge builds new containers, it never changes one"
)
_NO_FILTER = "takes no filters"
_NO_CONTEXT = "uses no context"
_READS_ONLY = "reads the graph and changes nothing: no key is added to or removed from anything"

CANNOT: dict[tuple[str, str], str] = {
    **{cell: _NO_STATE for cell in _cells(("split", "pop", *_READERS[1:]), (*_STATE,))},
    **{cell: _NO_STATE for cell in _cells(("split", "pop", *_READERS[1:]), ("noderef-root",))},
    **{
        cell: _NO_GRAPH
        for cell in _cells(
            ("merge",), ("array-attribute", "pytree-cycle", "not-a-node", "immutable-node")
        )
    },
    **{cell: _NO_FILTER for cell in _cells(("merge", "update", "graphdef", "clone"), _FILTER)},
    **{
        cell: _NO_CONTEXT
        for cell in _cells(
            ("split", "merge", "update", "pop", "state", "graphdef", "clone"),
            ("no-context", "context-order", "after-exit"),
        )
    },
    **{cell: _READS_ONLY for cell in _cells(_READERS, ("immutable-node",))},
    ("update", "noderef-root"): "takes no GraphDef: the graph it updates is live",
    ("contexts", "immutable-node"): (
        "SplitContext.split reads, MergeContext.merge builds new containers: neither adds or "
        "removes a key of an existing container"
    ),
    ("update-context", "immutable-node"): (
        "steps (1) and (3) read, and steps (2) and (4) rebuild pytree containers as merge does "
        "(step 4 keeps only graph nodes and Variables): no key of an existing container changes"
    ),
    ("contexts", "context-order"): (
        "split_context / merge_context have no steps: every call inside one stands alone, "
        "so no call can come out of order; use after exit is its own row"
    ),
}
"""(operation, fault) -> why no law is needed: the fault cannot reach the operation."""


def cell(operation: str, fault: str) -> tuple[tuple[str, ...], str | None]:
    """Return the laws covering ``(operation, fault)`` and the reason it cannot occur."""
    laws = tuple(law for law, cells in COVERS.items() if (operation, fault) in cells)
    return laws, CANNOT.get((operation, fault))
