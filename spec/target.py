"""The Target protocol: the one interface through which the suite drives an implementation.

A Target adapts one implementation of the NNX graph API (``reference``, a flax release, a user's
fork).  It has four jobs:

1. **Build** live objects of its own kinds from blueprints (``new_graph_node``, ``new_pytree``,
   ``new_variable``, ``new_static``; the shared algorithm is ``spec.build.build``).
2. **Observe** live objects by plain introspection (``inspect``, ``leaf_view``) - never through
   its own ``split``, so a broken ``split`` cannot vouch for itself (``spec.model.observe``).
3. **Operate**: the graph API itself (``split``, ``merge``, ``update``, ...), the contexts, and the
   neutral conversions the laws need (``make_filter``, ``make_state``, ``flat_state``,
   ``graphdef_tokens``).
4. **Declare** ``name``, ``version`` and ``capabilities``: the features it provides and the semantic
   variants it follows.  A law whose capability a target lacks is reported ``n/a``, never ``pass``.

Targets are resolved by name (``reference``, ``flax``), through the entry-point group
``nnxspec.targets``, or as ``module:attr`` (``resolve_target``).
"""

from __future__ import annotations

import abc
import dataclasses
import importlib
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Literal, Protocol, cast

import numpy as np

from spec.blueprint import Key, MetaValue, StaticValue, VarSpec
from spec.filters import FilterSpec
from spec.model import Path as Path
from spec.model import Token as Token
from spec.surface.check import Omission

__all__ = [
    "Capability",
    "LeafView",
    "NodeView",
    "Path",
    "Target",
    "TargetError",
    "Token",
    "live_at",
    "resolve_target",
    "target_spec",
]


class Capability:
    """Names of capabilities a target may declare (plain strings, so adapters can add more)."""

    STATE_LEAVES_ARE_COPIES = "state-leaves-are-copies"
    """split / state return snapshots (VariableState) that are independent of the graph (seed)."""
    STATE_LEAVES_ARE_LIVE = "state-leaves-are-live"
    """split / state return the graph's live Variables (flax >= 0.11)."""
    MERGE_COPIES_VARIABLES = "merge-copies-variables"
    """merge builds new Variables, never sharing them with the state it was given."""
    MERGE_REUSES_VARIABLES = "merge-reuses-variables"
    """merge builds the graph around the state's own Variable objects (flax >= 0.11.2 by default,
    ``copy=False``): a method run on the result writes into the state it was given."""
    ARRAY_ATTRIBUTES_ARE_ERRORS = "array-attributes-are-errors"
    """an array attribute (not wrapped in a Variable) makes split raise (seed)."""
    ARRAY_ATTRIBUTES_ARE_LEAVES = "array-attributes-are-leaves"
    """an array attribute is a state leaf (flax >= 0.10.5)."""
    PYTREE_CONTAINERS_ARE_IMMUTABLE = "pytree-containers-are-immutable"
    """update and pop never add or remove keys of a pytree container: they raise (seed)."""
    PYTREE_DICTS_ARE_MUTABLE = "pytree-dicts-are-mutable"
    """update adds keys to, and pop removes entries from, plain ``dict`` containers in place
    (flax >= 0.11.1); other pytree containers stay immutable."""
    GENERIC_PYTREES = "generic-pytrees"
    """registered JAX pytrees (namedtuples, dataclasses) are nodes."""
    PYTREE_CHILDREN_SORTED = "pytree-children-sorted"
    """the children of generic pytrees (namedtuple / dataclass fields) are flattened in sorted key
    order, not field order (flax >= 0.11): the target's canonical order for them is sorted."""
    UPDATE_CONTEXT = "update-context"
    """the four-call update-context protocol is available (natively or through the adapter)."""
    UPDATE_CONTEXT_METHODS = "update-context-methods"
    """``UpdateContext.split`` / ``.merge`` exist natively (flax <= 0.10)."""
    SPLIT_MERGE_CONTEXT = "split-merge-context"
    """``split_context`` / ``merge_context`` share references across several calls."""
    CALL = "call"
    """``call((graphdef, state))`` returns a proxy that runs a method purely."""
    NODEDEF_APPLY = "nodedef-apply"
    """``graphdef.apply(state)`` exists."""
    BFLOAT16 = "bfloat16"
    """bfloat16 Variable values round-trip."""
    VARIABLES = "variables"
    """``variables(node, *filters)`` exists."""
    POP = "pop"
    """``pop(node, *filters)`` exists."""
    JIT = "jit"
    """graphdefs are static and states are pytrees, so split / merge work across ``jax.jit``."""
    PYTREE_MODULES = "pytree-modules"
    """graph nodes can be built in either module mode: ``pytree=True`` (the node is also a JAX
    pytree, flax >= 0.11 and its default) or ``pytree=False``; blueprint nodes with
    ``NodeSpec.pytree`` set are drawn (``Target.new_pytree_graph_node``)."""
    LIST_NODES = "list-nodes"
    """``nnx.List``: a graph node holding a sequence under int keys (flax >= 0.12); blueprint
    ``nnx_list`` nodes are drawn, and programs add, replace and delete their elements."""
    SEQUENTIAL_NODES = "sequential-nodes"
    """``nnx.Sequential``: blueprint ``sequential`` nodes are drawn (a module whose first entry
    the strategies call ``layers``; the adapter builds it with no attribute of its own)."""
    FLAT_STATE = "flat-state"
    """``to_flat_state(state)`` gives a FlatState that merge and update accept in place of the
    State (flax >= 0.10.4; ``Target.to_flat_state``)."""
    CACHED_PARTIAL = "cached-partial"
    """``cached_partial(f, *nodes)`` and ``jit(f)`` exist (flax >= 0.10.4;
    ``Target.cached_partial`` / ``Target.jit``)."""
    SOW = "sow"
    """``Module.sow(type, name, value)`` exists (``Target.sow``)."""
    NESTED_NODEDEF = "nested-nodedef"
    """GraphDefs are the seed's nested ``NodeDef``: ``type``, ``index``, ``attributes``
    (``StaticAttribute`` / ``LeafAttribute`` / ``SubGraphAttribute`` objects), ``metadata``,
    ``index_mapping``, and ``NodeDef.create`` builds one from them (the seed, flax 0.10.3;
    ``Target.rebuild_graphdef``)."""
    NODE_PREDICATES = "node-predicates"
    """``is_node_type(T)`` and ``is_pytree_node(x)`` exist (``Target.is_node_type`` /
    ``Target.is_pytree_node``)."""
    VARIABLE_INPLACE_OPERATORS = "variable-inplace-operators"
    """``v += y`` (and the other in-place operators) update a Variable's value and give back the
    Variable itself (the seed; flax 0.12 raises NotImplementedError)."""
    VARIABLE_DATA_EQUALITY = "variable-data-equality"
    """``v == w`` compares two Variables as data: the same type, an equal value and equal
    metadata (the seed, flax <= 0.10.3; 0.10.4 - 0.12.7 compare by identity, 0.12.8 and later
    compare the values elementwise, whatever the types)."""
    REF_MAP = "ref-map"
    """``RefMap``: a mutable mapping keyed by object identity (``Target.ref_map``)."""
    AXIS_METADATA_HOOKS = "axis-metadata-hooks"
    """``Variable.add_axis`` / ``remove_axis`` call the ``on_add_axis`` / ``on_remove_axis``
    metadata hook (the seed, flax >= 0.10.3; 0.10.0 - 0.10.2 call the tuples ``add_axis_hooks`` /
    ``remove_axis_hooks``)."""
    ERRORS_CARRY_PATHS = "errors-carry-paths"
    """every error about a place in the input carries that whole path as data
    (``Target.error_path``), and the error laws check it, not only the last key in the message."""


class TargetError(LookupError):
    """A target could not be found or loaded; the message says where it looked."""


@dataclasses.dataclass(frozen=True)
class NodeView:
    """What introspection sees of one graph node or pytree container.

    ``entries`` are the node's raw children in the target's own order; ``positional`` says the
    canonical order is that order (lists, tuples, namedtuple and dataclass fields) rather than
    sorted keys (modules, dicts).
    """

    kind: Literal["graph", "pytree"]
    type_name: str
    entries: tuple[tuple[Key, object], ...]
    positional: bool


@dataclasses.dataclass(frozen=True, eq=False)
class LeafView:
    """A Variable (or state leaf) as neutral values: type name, numpy value, metadata."""

    type_name: str
    value: np.ndarray
    metadata: tuple[tuple[str, MetaValue], ...]


class _Proxy(Protocol):
    def __getattr__(self, name: str) -> _Proxy: ...
    def __getitem__(self, key: Key) -> _Proxy: ...
    def __call__(self, *args: object) -> tuple[object, tuple[object, ...]]: ...


class Target(abc.ABC):
    """Adapter base class; see the module docstring.  Graph API methods take and return the
    target's own objects (typed ``object``); everything neutral is typed precisely."""

    name: str = "target"
    version: str = "unknown"
    capabilities: frozenset[str] = frozenset()
    surface: str | None = None
    """The public-surface inventory this target claims (``flax-0.10.3``: a file under
    ``spec/surface``), or None; ``nnxspec surface --target`` checks the claim."""
    surface_omissions: Sequence[Omission] = ()
    """Inventory entries this target leaves out on purpose, each with its reason."""

    def surface_namespace(self, prefix: str) -> object:
        """Return the live namespace that stands for inventory namespace ``prefix`` (``nnx``,
        ``nnx.graph`` ...); called only when ``surface`` is set."""
        raise NotImplementedError(f"{self.name} claims no public surface")

    # --- Building --------------------------------------------------------------------------

    @abc.abstractmethod
    def new_graph_node(self, kind: str) -> object:
        """Return a new, empty graph node of blueprint kind ``module`` or ``container``."""

    def new_zoo_node(self, style: str, *, fresh: bool = False) -> object:
        """Return a new, empty module of the user-written class ``style`` (``spec.zoo``), built
        over the target's own Module base (with ``fresh``, of a class defined just now);
        ``NotImplementedError`` if the target cannot."""
        raise NotImplementedError(f"{self.name} cannot build user-written module classes")

    @abc.abstractmethod
    def set_attr(self, node: object, key: Key, value: object) -> None:
        """Set attribute ``key`` of graph node ``node`` (plain attribute assignment)."""

    @abc.abstractmethod
    def del_attr(self, node: object, key: Key) -> None:
        """Delete attribute ``key`` of graph node ``node``."""

    @abc.abstractmethod
    def new_pytree(self, kind: str, entries: Sequence[tuple[Key, object]]) -> object:
        """Return a pytree container of blueprint kind ``kind`` holding ``entries`` in order."""

    @abc.abstractmethod
    def new_variable(self, v: VarSpec) -> object:
        """Return a new Variable of ``v.type`` holding ``variable_value(v)`` and its metadata."""

    def new_variable_type(self, base: str) -> str:
        """Define a new subclass of the Variable type ``base`` and return its type name, which
        ``new_variable``, ``make_state`` and ``leaf_view`` then accept like any other.

        Each call makes a type no graph operation has met yet (for laws about first meetings).
        """
        raise NotImplementedError(f"{self.name} cannot define Variable types")

    def new_registered_node(
        self, kind: Literal["graph", "pytree"], entries: Sequence[tuple[object, object]]
    ) -> object:
        """Register a new ``kind`` node type with the target (its ``register_graph_node_type`` /
        ``register_pytree_node_type``) whose flatten gives ``entries`` as they are, and return an
        instance of it (for laws about node types users register)."""
        cls = self.new_node_type(kind, entries)
        self.register_node_type(kind, cls)
        return cls()

    def new_node_type(
        self,
        kind: Literal["graph", "pytree"],
        entries: Sequence[tuple[object, object]],
        metadata: object = None,
    ) -> type:
        """Return a new class, not yet registered, whose instances ``register_node_type(kind,
        cls)`` makes nodes that flatten to ``entries`` as they are, with ``metadata``."""
        raise NotImplementedError(f"{self.name} cannot register node types")

    def register_node_type(self, kind: Literal["graph", "pytree"], cls: type) -> None:
        """Register ``cls`` (from ``new_node_type``) as a ``kind`` node type with the target."""
        raise NotImplementedError(f"{self.name} cannot register node types")

    def new_static(self, value: StaticValue) -> object:
        """Return the live static value for a blueprint static (a set for ``Unhashable``)."""
        from spec.blueprint import Unhashable

        if isinstance(value, Unhashable):
            return set(value.items)
        return value

    def new_pytree_graph_node(self, kind: str) -> object:
        """Return a new, empty graph node of ``kind`` built in pytree mode (``pytree=True``);
        only called with ``Capability.PYTREE_MODULES`` (``spec.build``)."""
        from spec.errors import NotApplicable

        raise NotApplicable(f"{self.name} cannot build {kind!r} nodes in pytree mode")

    def new_variable_ordered(self, v: VarSpec, names: Sequence[str]) -> object:
        """Return ``new_variable(v)`` with its metadata passed in the order ``names`` (a
        permutation of ``v``'s metadata names), for laws about insertion orders."""
        raise NotImplementedError(f"{self.name} cannot choose a metadata order")

    def set_metadata(self, variable: object, name: str, value: object) -> None:
        """Set metadata entry ``name`` of a live Variable (``variable.name = value`` in the
        seed)."""
        raise NotImplementedError(f"{self.name} cannot set Variable metadata")

    # --- Observing -------------------------------------------------------------------------

    @abc.abstractmethod
    def classify(self, x: object) -> Literal["graph", "pytree", "variable", "static"]:
        """Say what ``x`` is to this target: a graph node, a pytree node, a Variable or a leaf."""

    def ref_map(self, items: object = ()) -> MutableMapping[object, object]:
        """Return the target's ``RefMap(items)`` (a mapping or ``(key, value)`` pairs)."""
        raise NotImplementedError(f"{self.name} does not provide RefMap")

    def is_node_type(self, cls: type) -> bool:
        """Return the target's ``is_node_type(cls)``: ``cls`` is a registered node type."""
        raise NotImplementedError(f"{self.name} does not provide is_node_type()")

    def is_pytree_node(self, x: object) -> bool:
        """Return the target's ``is_pytree_node(x)``: ``x`` is a pytree container."""
        raise NotImplementedError(f"{self.name} does not provide is_pytree_node()")

    @abc.abstractmethod
    def inspect(self, x: object) -> NodeView:
        """Return the raw children of a graph node or pytree container (internals filtered)."""

    @abc.abstractmethod
    def leaf_view(self, leaf: object) -> LeafView:
        """Return a Variable, or a state leaf (VariableState or Variable), as neutral values."""

    def get_value(self, variable: object) -> object:
        """Return the raw (possibly traced) array held by a live Variable."""
        return cast(Any, variable).value

    def set_value(self, variable: object, value: object) -> None:
        """Replace the array held by a live Variable, keeping its identity."""
        cast(Any, variable).value = value

    # --- Neutral conversions -----------------------------------------------------------------

    @abc.abstractmethod
    def make_filter(self, f: FilterSpec) -> object:
        """Return the target's filter for the neutral filter term ``f``."""

    @abc.abstractmethod
    def flat_state(self, state: object) -> list[tuple[Path, object]]:
        """Return the leaves of a State as ``(path, leaf)`` pairs, in the State's own order."""

    @abc.abstractmethod
    def make_state(self, items: Sequence[tuple[Path, LeafView | object]]) -> object:
        """Return a target State holding ``items``: a LeafView becomes a state leaf of that type,
        value and metadata; any other object is stored as given (a raw value)."""

    @abc.abstractmethod
    def graphdef_tokens(self, graphdef: object) -> tuple[Token, ...]:
        """Return the GraphDef as a canonical pre-order token stream (``spec.semantics.tokens``)."""

    def rebuild_graphdef(self, graphdef: object) -> object:
        """Return a new GraphDef built from ``graphdef``'s nested view with the target's own
        constructors (``NodeDef.create``, child nodes first); see ``Capability.NESTED_NODEDEF``."""
        raise NotImplementedError(f"{self.name} has no nested NodeDef to rebuild")

    # --- The graph API -----------------------------------------------------------------------

    @abc.abstractmethod
    def split(self, x: object, *filters: object) -> tuple[object, ...]:
        """``split(x, *filters)``: ``(graphdef, state, ...)``."""

    @abc.abstractmethod
    def merge(self, graphdef: object, state: object, *states: object) -> object:
        """``merge(graphdef, state, *states)``."""

    @abc.abstractmethod
    def update(self, x: object, state: object, *states: object) -> None:
        """``update(x, state, *states)``."""

    @abc.abstractmethod
    def state(self, x: object, *filters: object) -> object:
        """``state(x, *filters)``: a State, or a tuple of States for 2+ filters."""

    @abc.abstractmethod
    def graphdef(self, x: object) -> object:
        """``graphdef(x)``."""

    @abc.abstractmethod
    def clone(self, x: object) -> object:
        """``clone(x)``."""

    @abc.abstractmethod
    def iter_graph(self, x: object) -> Iterator[tuple[Path, object]]:
        """``iter_graph(x)``, with the target's internal bookkeeping entries filtered out."""

    def variables(self, x: object, *filters: object) -> object:
        """``variables(x, *filters)``: live Variables; n/a without ``Capability.VARIABLES``."""
        raise NotImplementedError(f"{self.name} does not provide variables()")

    def pop(self, x: object, *filters: object) -> object:
        """``pop(x, *filters)``; n/a without ``Capability.POP``."""
        raise NotImplementedError(f"{self.name} does not provide pop()")

    def call(self, graphdef_state: tuple[object, object]) -> _Proxy:
        """``call((graphdef, state))``: a proxy whose calls return ``(out, (graphdef, state))``."""
        raise NotImplementedError(f"{self.name} does not provide call()")

    def apply(self, graphdef: object, state: object) -> _Proxy:
        """``graphdef.apply(state)``; n/a without ``Capability.NODEDEF_APPLY``."""
        raise NotImplementedError(f"{self.name} does not provide GraphDef.apply()")

    def to_flat_state(self, state: object) -> object:
        """``to_flat_state(state)``; n/a without ``Capability.FLAT_STATE``."""
        raise NotImplementedError(f"{self.name} does not provide to_flat_state()")

    def sow(self, module: object, type_name: str, name: str, value: object) -> None:
        """``module.sow(type, name, value)``; n/a without ``Capability.SOW``."""
        raise NotImplementedError(f"{self.name} does not provide Module.sow()")

    def jit(self, fn: Callable[..., object]) -> Callable[..., object]:
        """``jit(fn)``: the target's own graph-aware jit; n/a without
        ``Capability.CACHED_PARTIAL``."""
        raise NotImplementedError(f"{self.name} does not provide jit()")

    def cached_partial(self, fn: Callable[..., object], *nodes: object) -> Callable[..., object]:
        """``cached_partial(fn, *nodes)``; n/a without ``Capability.CACHED_PARTIAL``."""
        raise NotImplementedError(f"{self.name} does not provide cached_partial()")

    # --- Contexts ----------------------------------------------------------------------------

    def update_context(self, tag: str) -> AbstractContextManager[object]:
        """``update_context(tag)`` as a context manager yielding the UpdateContext."""
        raise NotImplementedError(f"{self.name} does not provide update_context()")

    def update_context_decorator(
        self, tag: str
    ) -> Callable[[Callable[[], object]], Callable[[], object]]:
        """``update_context(tag)`` used as a decorator."""
        raise NotImplementedError(f"{self.name} does not provide update_context()")

    def current_update_context(self, tag: str) -> object:
        """``current_update_context(tag)``."""
        raise NotImplementedError(f"{self.name} does not provide current_update_context()")

    def ctx_split(self, ctx: object, x: object, *filters: object) -> tuple[object, ...]:
        """Steps (1) and (3) of the update-context protocol: ``ctx.split(x, *filters)``."""
        raise NotImplementedError(f"{self.name} does not provide UpdateContext.split")

    def ctx_merge(self, ctx: object, graphdef: object, state: object, *states: object) -> object:
        """Steps (2) and (4) of the update-context protocol: ``ctx.merge(graphdef, *states)``."""
        raise NotImplementedError(f"{self.name} does not provide UpdateContext.merge")

    def split_context(self, tag: str | None = None) -> AbstractContextManager[object]:
        """``split_context(tag)``; yields an object for ``ctx_split``-like ``split_in``."""
        raise NotImplementedError(f"{self.name} does not provide split_context()")

    def merge_context(
        self, tag: str | None = None, *, inner: bool | None = None
    ) -> AbstractContextManager[object]:
        """``merge_context(tag)`` (``inner`` is passed where the target needs it)."""
        raise NotImplementedError(f"{self.name} does not provide merge_context()")

    def split_in(self, split_ctx: object, x: object, *filters: object) -> tuple[object, ...]:
        """``split_ctx.split(x, *filters)`` inside a ``split_context``."""
        raise NotImplementedError(f"{self.name} does not provide SplitContext.split")

    def merge_in(
        self, merge_ctx: object, graphdef: object, state: object, *states: object
    ) -> object:
        """``merge_ctx.merge(graphdef, *states)`` inside a ``merge_context``."""
        raise NotImplementedError(f"{self.name} does not provide MergeContext.merge")

    # --- Reproducers -------------------------------------------------------------------------

    reproducer_import: str = "import reference as nnx"
    """The import line a reproducer script for this target starts with."""

    def reproducer_prelude(self) -> str:
        """Return Python source that a reproducer starts with: imports, and the definitions of
        ``Node`` (blueprint modules, with ``bump``), ``UserVariable``, ``namedtuple_type(fields)``,
        ``dataclass_type(fields)`` and ``values(shape, dtype, seed)`` for this target."""
        raise NotImplementedError(f"{self.name} cannot write reproducers")

    def error_path(self, error: BaseException) -> tuple[object, ...] | None:
        """Return the place ``error`` says it is about, as data (``None``: it does not say).

        With ``Capability.ERRORS_CARRY_PATHS`` the error laws require every error about a place
        to report one of the places at fault, whole (``spec.laws._check.expect_failure``).
        """
        return None

    def describe(self) -> str:
        """Return ``name version`` for report headers."""
        return f"{self.name} {self.version}"


# --- Resolution --------------------------------------------------------------------------------

BUILTIN_TARGETS: dict[str, str] = {
    "reference": "spec.targets.reference:ReferenceTarget",
    "flax": "spec.targets.flax:FlaxTarget",
}


def _load(spec: str) -> object:
    module_name, _, attr = spec.partition(":")
    try:
        module = _import(module_name)
    except ImportError as e:
        raise TargetError(f"cannot import target module {module_name!r}: {e}") from e
    except Exception as e:
        raise TargetError(
            f"importing target module {module_name!r} failed: {type(e).__name__}: {e}"
        ) from e
    obj: object = module
    for part in attr.split(".") if attr else ():
        try:
            obj = getattr(obj, part)
        except AttributeError as e:
            raise TargetError(f"module {module_name!r} has no attribute {attr!r}") from e
    return obj


def _import(module_name: str) -> object:
    """Import ``module_name``; if its top package is missing, retry with the current directory
    first on ``sys.path``, as ``python -m`` has it."""
    import os
    import sys

    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        here = os.getcwd()
        if e.name != module_name.partition(".")[0] or here in sys.path or "" in sys.path:
            raise
        sys.path.insert(0, here)
        importlib.invalidate_caches()
        return importlib.import_module(module_name)


def _entry_point(name: str) -> str | None:
    from importlib.metadata import entry_points

    for ep in entry_points(group="nnxspec.targets"):
        if ep.name == name:
            return str(ep.value)
    return None


def live_at(t: Target, root: object, path: Sequence[Key]) -> object:
    """Return the target's live object at ``path`` below ``root``, walked through ``t.inspect``
    (keys match by value and type, so ``1`` and ``True`` stay apart); KeyError for a missing key."""
    x = root
    for key in path:
        for k, v in t.inspect(x).entries:
            if k == key and type(k) is type(key):
                x = v
                break
        else:
            raise KeyError(key)
    return x


def resolve_target(name: str) -> Target:
    """Return the target called ``name``: a built-in name, an ``nnxspec.targets`` entry point,
    or ``module:attr`` naming a Target subclass, instance or zero-argument factory.

    ``module`` is imported as ``python -m`` would: when it is not importable as is, the current
    directory is tried (so an adapter next to the user is found without PYTHONPATH).  Every
    failure is a ``TargetError`` whose message says, in one line, what is missing.
    """
    spec = target_spec(name)
    obj = _load(spec)
    if isinstance(obj, Target):
        return obj
    if isinstance(obj, type) and not issubclass(obj, Target):
        raise TargetError(
            f"{spec!r} is the class {obj.__name__}, which is not a subclass of "
            "spec.target.Target (subclass spec.targets.NNXTarget for an NNX-shaped API)"
        )
    if not callable(obj):
        raise TargetError(
            f"{spec!r} is a {type(obj).__name__}, not a Target subclass, instance or factory"
        )
    missing = sorted(getattr(obj, "__abstractmethods__", ()))
    if missing:
        raise TargetError(f"{spec!r} lacks the Target members {', '.join(missing)}")
    try:
        made = obj()
    except TargetError:
        raise
    except Exception as e:
        raise TargetError(
            f"{spec}() failed: {type(e).__name__}: {e}{_constructor_hint(obj, e)}"
        ) from e
    if isinstance(made, Target):
        return made
    raise TargetError(f"{spec}() returned a {type(made).__name__}, not a spec.target.Target")


def target_spec(name: str) -> str:
    """Return the ``module:attr`` that target ``name`` resolves to, without importing it;
    TargetError for a name that is none of a built-in, an entry point, ``module:attr``."""
    spec = BUILTIN_TARGETS.get(name) or _entry_point(name) or (name if ":" in name else None)
    if spec is None:
        known = ", ".join(sorted(BUILTIN_TARGETS))
        raise TargetError(
            f"unknown target {name!r}: not a built-in ({known}), not an 'nnxspec.targets' entry "
            "point, and not of the form 'module:attr'"
        )
    return spec


def _constructor_hint(obj: object, error: Exception) -> str:
    if (
        isinstance(error, TypeError)
        and isinstance(obj, type)
        and "positional argument" in str(error)
    ):
        return (
            " (an adapter is built with no arguments: give it an __init__(self) that calls "
            "super().__init__(...) with what the base class needs, e.g. the nnx module)"
        )
    return ""
