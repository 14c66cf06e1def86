"""What the reference leaves out of the seed era's public surface (``flax-0.10.3``), and why.

The reference implements the seed's graph layer (``graph.py``, ``State``, ``Variable`` /
``VariableState``, ``Object`` / ``Module``, filters). Everything ``flax.nnx`` builds on that layer
(layers, transforms, ``Rngs``, optimizers, the linen bridge) is outside it. Each omission below
must explain at least one gap: ``nnxspec surface --target reference`` fails on a stale one.
"""

from __future__ import annotations

from spec.surface.check import Omission

__all__ = ["KNOWN_GAPS", "OMISSIONS"]

_SUBMODULES = (
    "bridge",
    "extract",
    "filterlib",
    "graph",
    "helpers",
    "initializers",
    "metrics",
    "module",
    "nn",
    "object",
    "optimizer",
    "proxy_caller",
    "reprlib",
    "rnglib",
    "spmd",
    "statelib",
    "summary",
    "tracers",
    "training",
    "transforms",
    "traversals",
    "variablelib",
    "visualization",
    "wrappers",
)

KNOWN_GAPS: tuple[Omission, ...] = ()
"""Gaps that are defects, not choices: listed so the rest of the surface stays checked; each must
go with its fix (it then goes stale and fails the check). None today."""

OMISSIONS: tuple[Omission, ...] = (
    *KNOWN_GAPS,
    Omission("kind:typevar", "type variables of flax's own annotations"),
    *(
        Omission(f"nnx.{name}", "the reference is one flat namespace: no submodules")
        for name in _SUBMODULES
    ),
    Omission("module:jax.*", "jax.nn / jax.numpy functions re-exported by nnx, not nnx code"),
    Omission("module:flax.linen.*", "linen pooling functions re-exported by nnx: layers"),
    Omission("module:flax.nnx.nn.*", "layers and initializers: built on the graph layer"),
    Omission(
        "module:flax.nnx.transforms.*",
        "lifted transforms (jit, grad, vmap, scan ...): built on the update-context protocol, "
        "outside the seed's graph layer",
    ),
    *(
        Omission(
            f"nnx.{name}",
            "Rngs, RngStream and the RNG helpers: outside the graph layer "
            "(the RNG Variable types RngState, RngKey and RngCount are provided)",
        )
        for name in (
            "Rngs*",
            "RngStream*",
            "ForkStates",
            "fork",
            "reseed",
            "restore_rngs",
            "split_rngs",
        )
    ),
    Omission("module:flax.nnx.extract", "the transforms' tree plumbing (to_tree, from_tree ...)"),
    Omission("module:flax.nnx.spmd", "sharding helpers: outside the graph layer"),
    Omission("nnx.PARTITION_NAME", "a sharding metadata key: outside the graph layer"),
    Omission("module:flax.nnx.training.*", "metrics and the optimizer: built on the graph layer"),
    Omission("module:flax.nnx.summary", "tabulate: display, outside the graph layer"),
    Omission("module:flax.nnx.visualization", "display helpers, outside the graph layer"),
    Omission("nnx.Initializer", "an annotation alias of the layers' initializers"),
    Omission("nnx.Sequential*", "Sequential: a layer container built on Module"),
    Omission("nnx.TrainState*", "TrainState: a training helper built on Module"),
    Omission("nnx.Perturbation", "perturbations tap intermediates for the transforms' gradients"),
    Omission("nnx.Module.perturb", "perturbations tap intermediates for the transforms' gradients"),
    Omission(
        "nnx.VariableMetadata*",
        "the VariableMetadata / with_metadata initialisers: metadata and hooks are passed as "
        "keywords",
    ),
    *(
        Omission(f"nnx.{name}", "the Variable-type name registry serves the linen bridge")
        for name in (
            "register_variable_name_type_pair",
            "variable_name_from_type",
            "variable_type_from_name",
        )
    ),
    Omission(
        "nnx.with_metadata",
        "the VariableMetadata / with_metadata initialisers: metadata "
        "and hooks are passed as keywords",
    ),
    Omission("nnx.variablelib.split_flat_state", "a helper of the transforms"),
    Omission(
        "nnx.graph.GraphContext*",
        "the thread-local context stacks are private (current_update_context reads them)",
    ),
    Omission(
        "nnx.graph.GRAPH_CONTEXT",
        "the thread-local context stacks are private (current_update_context reads them)",
    ),
    Omission(
        "nnx.graph.NodeImplBase*",
        "registry internals: node types are reached through register_*_node_type and is_*",
    ),
    Omission(
        "nnx.graph.PYTREE_NODE_IMPL",
        "registry internals: node types are reached through register_*_node_type and is_*",
    ),
    Omission(
        "nnx.graph.get_node_impl*",
        "registry internals: node types are reached through register_*_node_type and is_*",
    ),
    Omission("nnx.graph.graph_pop", "the implementation of pop (pop is the API)"),
    Omission("nnx.statelib.NestedStateRepr*", "a repr helper"),
    Omission("nnx.statelib.create_path_filters", "a sharding helper of the transforms"),
    Omission(
        "nnx.GraphDef.index",
        "a field of the concrete GraphDefs (NodeDef, NodeRef), not of the abstract base",
    ),
    Omission(
        "nnx.GraphDef.type",
        "a field of the concrete GraphDefs (NodeDef, NodeRef), not of the abstract base",
    ),
    Omission("nnx.graph.NodeDef.__setstate__", "a NodeDef pickles through __reduce__"),
    Omission(
        "nnx.VariableState.__getattr__",
        "metadata lives in the instance __dict__, so plain attribute lookup finds it",
    ),
    Omission(
        "nnx.Dict.__getattr__",
        "entries are instance attributes, so plain attribute lookup finds them",
    ),
    Omission(
        "nnx.Dict",
        "Dict(mapping=…, /, **entries): the seed's *args goes to dict.update, "
        "which takes at most one positional argument",
    ),
    Omission(
        "nnx.Dict.__init__",
        "Dict(mapping=…, /, **entries): the seed's *args goes to "
        "dict.update, which takes at most one positional argument",
    ),
)
