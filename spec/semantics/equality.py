"""equality: what ``==`` and ``hash`` of GraphDefs, States and Variable metadata must distinguish.

Seed: ``graph.py`` NodeDef / VariableDef / HashableMapping (frozen dataclasses: structural ``==``
and ``hash``), ``statelib.State`` (``Mapping.__eq__``, unhashable).  The model distinguishes
exactly what a traced computation can observe, and nothing else:

================================  ===========  ================================================
near miss: two graphs that        distinguish  why
differ only in ...
================================  ===========  ================================================
a Variable's type                 yes          the type is in the VariableDef and the treedef
a metadata value (unequal)        yes          metadata is baked into traced code
a metadata value, equal by ==     no           metadata is a mapping compared by ``==``
(``1`` / ``True`` / ``1.0``)                   (``HashableMapping``), and ``hash`` agrees
metadata insertion order          no           a mapping has no order (MD-2)
a static's value (unequal)        yes          statics are baked into traced code
a static's value, equal by ==     no           statics compare by ``==``, as jax compares
(``1`` / ``True`` / ``1.0``)                   static arguments (``structure``)
a static's identity (an equal,    no           a GraphDef holds statics by value
distinct object)
a key's type (``1`` vs ``'1'``)   yes          ``1 != '1'``: different attributes, paths
a key ``True`` vs ``1``           no           one dict key in Python (``True == 1``, equal
                                               hashes); blueprints draw no bool keys
which node / Variable an edge     as the       sharing is structure (a ``ref``); pointing at
points at (an index)              model says   an equal, unshared node may change nothing
a container's type (list / tuple  yes for the  the node's type is in the GraphDef; a State
/ dict, module / container, ...)  GraphDef     holds Variables at paths only, so a State's
                                               structure sees only the paths it changes
================================  ===========  ================================================

"Distinguish" means: the GraphDefs are unequal (``graphdefs_equal``), or the States' jax tree
structures are (``state_structures_equal``).  Whatever the model does not distinguish must give
equal objects *and equal hashes*.  A State is a mutable mapping: ``==`` compares keys and leaves
(``Mapping.__eq__``), so States with different paths are unequal, and a State is unhashable.
"""

from __future__ import annotations

from spec.model import Model
from spec.semantics.flatten import flatten, graphdef_tokens, structure

__all__ = ["ASPECTS", "graphdefs_equal", "state_paths", "state_structure", "state_structures_equal"]

ASPECTS: dict[str, bool | None] = {
    "variable_type": True,
    "metadata_value": True,
    "metadata_equal_value": False,
    "metadata_order": False,
    "static_value": True,
    "static_equal_value": False,
    "static_identity": False,
    "key_type": True,
    "index": None,
    "container_type": True,
}
"""Near-miss aspect -> whether the model distinguishes the two GraphDefs (None: the model
decides from the two graphs).  The table above gives the reasons; ``graphdefs_equal`` is the
decision itself, and the laws use it, never this table."""


def graphdefs_equal(a: Model, b: Model) -> bool:
    """Check if graphs modelled by ``a`` and ``b`` must have equal GraphDefs (and so equal
    hashes): their token streams agree, statics and metadata values compared by ``==``."""
    return structure(graphdef_tokens(a)) == structure(graphdef_tokens(b))


def state_structure(m: Model) -> tuple[object, ...]:
    """Return what the jax tree structure of ``state(x)`` holds: each leaf's path, Variable
    type and metadata (as a mapping: order-free, values by ``==``), in path order; never the
    value, its dtype or its shape (those are the leaves)."""
    leaves = [(path, v.type_name, dict(v.metadata)) for path, v in flatten(m)[1]]
    return tuple(sorted(leaves, key=lambda leaf: repr(leaf[0])))


def state_structures_equal(a: Model, b: Model) -> bool:
    """Check if ``state(x)`` of graphs modelled by ``a`` and ``b`` must have equal jax tree
    structures (and so equal hashes)."""
    return state_structure(a) == state_structure(b)


def state_paths(m: Model) -> frozenset[tuple[object, ...]]:
    """Return the paths of ``state(x)``: two States with different path sets are unequal."""
    return frozenset(path for path, _ in flatten(m)[1])
