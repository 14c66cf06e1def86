"""A Target for any implementation shaped like the seed's ``nnx`` namespace.

Import it from its public home, ``spec.targets`` (``from spec.targets import NNXTarget``); this
module stays importable for code that names it.  ``NNXTarget`` drives a module object ``nnx`` that
exports the seed's names (``split``, ``merge``, ``Module``, ``Param``, ``State``, filters, contexts
…).  The reference target is this class as is; flax targets subclass it and override what moved
between releases.

Blueprint kinds become: ``module`` -> a ``Node(nnx.Module)`` subclass defined here (with the
``bump`` method of ``spec.semantics.bump``); ``container`` -> ``nnx.Dict``; ``list`` / ``tuple`` /
``dict`` / ``None`` -> themselves; ``namedtuple`` / ``dataclass`` -> a namedtuple type or a
``jax.tree_util.register_dataclass`` type per field tuple, cached so equal blueprints give equal
types.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import importlib
import inspect
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import AbstractContextManager
from types import ModuleType
from typing import Any, Literal, cast

import numpy as np

from spec.blueprint import Key, VarSpec, variable_value
from spec.filters import (
    CALLABLES,
    AllOf,
    AnyOf,
    CallableFilter,
    Everything,
    FilterSpec,
    Invalid,
    Nothing,
    NotOf,
    OfType,
    PathContains,
    PathIn,
    Seq,
    TagFilter,
    TypeFilter,
    WithTag,
)
from spec.filters import (
    Literal as LiteralFilter,
)
from spec.semantics import MODULE_TYPE_NAME
from spec.target import Capability, LeafView, NodeView, Path, Target, TargetError, Token

__all__ = ["NNXTarget", "dataclass_type", "namedtuple_type"]

_INTERNAL_PREFIXES = ("_object__", "_pytree__", "_graph_node__")


@functools.cache
def namedtuple_type(fields: tuple[str, ...]) -> type:
    """Return the namedtuple type used for blueprint ``namedtuple`` nodes with ``fields``."""
    return collections.namedtuple("NT_" + "_".join(fields), fields)


@functools.cache
def dataclass_type(fields: tuple[str, ...]) -> type:
    """Return the registered dataclass pytree type used for blueprint ``dataclass`` nodes."""
    import jax

    cls = dataclasses.make_dataclass("DC_" + "_".join(fields), list(fields), frozen=True)
    jax.tree_util.register_dataclass(cls, data_fields=list(fields), meta_fields=[])
    return cls


@functools.cache
def _classes_for(nnx: ModuleType) -> tuple[type, type]:
    """Return the ``Node`` module class and the ``UserVariable`` class for one ``nnx`` namespace.

    Cached per namespace, so every target over it builds graphs of the same types (equal
    blueprints must give equal graphdefs).
    """

    def bump(self: Any) -> int:
        """Add one to every Variable held directly (logical not for booleans); return how many."""
        from spec.program import TRANSFORMS

        count = 0
        for value in list(vars(self).values()):
            if isinstance(value, nnx.Variable):
                value.value = TRANSFORMS["add_one"](value.value)
                count += 1
        return count

    node = type(MODULE_TYPE_NAME, (nnx.Module,), {"bump": bump, "__module__": __name__})
    user_variable = type("UserVariable", (nnx.Param,), {"__module__": __name__})
    return node, user_variable


def _jnp_array(value: np.ndarray) -> object:
    import jax
    import jax.numpy as jnp

    # a concrete array even while jax.jit traces (a program adding a Variable inside jit): under
    # a trace jnp.asarray gives a tracer, which blueprint_array's cache would leak into later calls
    with jax.ensure_compile_time_eval():
        return jnp.asarray(value)


@functools.lru_cache(maxsize=4096)
def blueprint_array(shape: tuple[int, ...], dtype: str, seed: int) -> object:
    """Return the jax array of a blueprint Variable's value, shared between equal specs.

    Arrays are immutable, so sharing one between Variables changes nothing observable, and it
    saves a device transfer per Variable (100,000 of them in the robustness laws).
    """
    return _jnp_array(variable_value(VarSpec(shape=shape, dtype=dtype, seed=seed)))


def _path_term(predicate: Callable[[tuple[Key, ...]], bool]) -> Callable[..., bool]:
    def term(path: Sequence[Key], _x: object) -> bool:
        return predicate(tuple(path))

    return term


_CALLABLE_TERMS = {name: _path_term(predicate) for name, predicate in CALLABLES.items()}
"""One filter function per named path predicate, made once: a spec built twice gives the very
same function, so filters built from equal specs compare equal (FLT-11)."""


class NNXTarget(Target):
    """The base class of adapters over an NNX-shaped API: subclass it, name it, hand it the module.

    Constructor: ``NNXTarget(nnx)``, where ``nnx`` is the module (or any namespace object) that
    exports the API.  ``nnxspec`` builds an adapter with no arguments, so a subclass has an
    ``__init__(self)`` that imports its library and calls ``super().__init__(module)``::

        class MyForkTarget(NNXTarget):
            name = "myfork"                              # shown in reports, names expectations
            reproducer_import = "import myfork as nnx"   # first line of generated reproducers

            def __init__(self) -> None:
                import myfork

                super().__init__(myfork)
                self.version = myfork.__version__

    Required of ``nnx`` (checked here: a missing one is a ``TargetError`` naming it):
    ``REQUIRED_NAMES``.  Used when a law needs them, and declared through ``capabilities``:
    ``pop`` (``pop``), ``variables`` (``variables``), ``call`` (``call``), ``update_context`` /
    ``current_update_context`` (``update-context``), ``split_context`` / ``merge_context``
    (``split-merge-context``), ``Dict`` (blueprint ``container`` nodes), ``VariableState``
    (snapshot state leaves), the filter classes (``All``, ``Any``, ``Not``, ``OfType``,
    ``PathContains``, ``WithTag``, ``Everything``, ``Nothing``), ``is_graph_node`` / ``is_node``,
    ``is_node_type`` / ``is_pytree_node`` (``node-predicates``), ``RefMap`` (``ref-map``) and
    ``register_graph_node_type`` / ``register_pytree_node_type``, looked up in ``nnx.graph``
    when ``nnx`` has such a submodule, else in ``nnx`` itself; of Variables, ``add_axis`` /
    ``remove_axis`` calling the ``on_add_axis`` / ``on_remove_axis`` metadata hooks
    (``axis-metadata-hooks``), in-place operators (``variable-inplace-operators``) and ``==``
    comparing type, value and metadata (``variable-data-equality``).

    Class attributes to set: ``name``, ``version``, ``capabilities`` (default: the seed's
    semantics; remove what the API lacks, add the variants it follows, see
    ``spec.target.Capability``) and ``reproducer_import``.  Override a method where the API
    differs from the seed's (``spec.targets.flax`` does, per release).
    """

    REQUIRED_NAMES: tuple[str, ...] = (
        "Module",
        "Variable",
        "Param",
        "State",
        "split",
        "merge",
        "update",
        "state",
        "graphdef",
        "clone",
        "iter_graph",
    )

    capabilities = frozenset(
        {
            Capability.STATE_LEAVES_ARE_COPIES,
            Capability.MERGE_COPIES_VARIABLES,
            Capability.ARRAY_ATTRIBUTES_ARE_ERRORS,
            Capability.PYTREE_CONTAINERS_ARE_IMMUTABLE,
            Capability.GENERIC_PYTREES,
            Capability.UPDATE_CONTEXT,
            Capability.UPDATE_CONTEXT_METHODS,
            Capability.SPLIT_MERGE_CONTEXT,
            Capability.CALL,
            Capability.NODEDEF_APPLY,
            Capability.NESTED_NODEDEF,
            Capability.BFLOAT16,
            Capability.VARIABLES,
            Capability.POP,
            Capability.JIT,
            Capability.SOW,
            Capability.AXIS_METADATA_HOOKS,
            Capability.NODE_PREDICATES,
            Capability.REF_MAP,
            Capability.VARIABLE_INPLACE_OPERATORS,
            Capability.VARIABLE_DATA_EQUALITY,
        }
    )

    def __init__(self, nnx: ModuleType) -> None:
        missing = [n for n in self.REQUIRED_NAMES if not hasattr(nnx, n)]
        if missing:
            where = getattr(nnx, "__name__", type(nnx).__name__)
            raise TargetError(
                f"{type(self).__name__}: {where} lacks {', '.join(missing)}, which "
                "an NNXTarget needs (see spec.targets.NNXTarget)"
            )
        self.nnx = nnx
        self.graph_ns: Any = getattr(nnx, "graph", nnx)  # flax keeps the graph API in nnx.graph
        self.node_type, self.user_variable_type = _classes_for(nnx)
        self.fresh_variable_types: dict[str, type] = {}

    def surface_namespace(self, prefix: str) -> object:
        """``nnx`` is the namespace itself; ``nnx.graph`` and the other library modules are its
        submodules of those names."""
        if prefix == "nnx":
            return self.nnx
        return importlib.import_module(f"{self.nnx.__name__}.{prefix.partition('.')[2]}")

    # --- Building -----------------------------------------------------------------------

    def new_graph_node(self, kind: str) -> object:
        return self.node_type() if kind == "module" else self.nnx.Dict()

    def new_zoo_node(self, style: str, *, fresh: bool = False) -> object:
        from spec import zoo
        from spec.errors import NotApplicable

        try:
            return zoo.new_instance(self.node_type, self.nnx, style, fresh=fresh)
        except TypeError as e:
            if style != "pytree_keyword":
                raise
            # the class keyword is USER-2's business; elsewhere the graph is just not buildable
            raise NotApplicable(
                f"{self.name} {self.version} rejects experimental_pytree=True: {e}"
            ) from e

    def set_attr(self, node: object, key: Key, value: object) -> None:
        setattr(node, str(key), value)

    def del_attr(self, node: object, key: Key) -> None:
        delattr(node, str(key))

    def new_pytree(self, kind: str, entries: Sequence[tuple[Key, object]]) -> object:
        values = [v for _, v in entries]
        if kind == "list":
            return values
        if kind == "tuple":
            return tuple(values)
        if kind == "dict":
            return dict(entries)
        if kind == "none":
            return None
        fields = tuple(str(k) for k, _ in entries)
        cls = namedtuple_type(fields) if kind == "namedtuple" else dataclass_type(fields)
        return cls(*values)

    def variable_type(self, name: str) -> type:
        if name in self.fresh_variable_types:
            return self.fresh_variable_types[name]
        return (
            self.user_variable_type
            if name == "UserVariable"
            else cast(type, getattr(self.nnx, name))
        )

    def new_node_type(
        self,
        kind: Literal["graph", "pytree"],
        entries: Sequence[tuple[object, object]],
        metadata: object = None,
    ) -> type:
        fields = {"__module__": __name__, "nnxspec_entries": list(entries)}
        return type(f"Registered{kind.title()}Node", (), {**fields, "nnxspec_metadata": metadata})

    def register_node_type(self, kind: Literal["graph", "pytree"], cls: type) -> None:
        register = getattr(self.graph_ns, f"register_{kind}_node_type", None)
        if register is None:
            raise NotImplementedError(
                f"{self.name} {self.version} has no register_{kind}_node_type"
            )
        items: list[tuple[object, object]] = cast(Any, cls).nnxspec_entries
        metadata: object = cast(Any, cls).nnxspec_metadata

        def flatten(node: object) -> tuple[list[tuple[object, object]], object]:
            return list(items), metadata

        if kind == "graph":
            hooks: list[Callable[..., object]] = [
                flatten,
                lambda node, key, value: None,  # set_key
                lambda node, key: None,  # pop_key
                lambda aux: cls(),  # create_empty
                lambda node: None,  # clear
                lambda node, children: None,  # init (from flax 0.10.1)
            ]
            register(cls, *hooks[: len(inspect.signature(register).parameters) - 1])
        else:
            register(cls, flatten, lambda children, aux: cls())

    def new_variable_type(self, base: str) -> str:
        name = f"Fresh{len(self.fresh_variable_types)}{base}"
        self.fresh_variable_types[name] = type(
            name, (self.variable_type(base),), {"__module__": __name__}
        )
        return name

    def new_variable(self, v: VarSpec) -> object:
        return self.variable_type(v.type)(
            blueprint_array(v.shape, v.dtype, v.seed), **v.metadata_dict
        )

    def new_variable_ordered(self, v: VarSpec, names: Sequence[str]) -> object:
        metadata = v.metadata_dict
        if sorted(names) != sorted(metadata):
            raise ValueError(
                f"{list(names)} is not an order of the metadata names {sorted(metadata)}"
            )
        ordered = {name: metadata[name] for name in names}
        return self.variable_type(v.type)(blueprint_array(v.shape, v.dtype, v.seed), **ordered)

    def set_metadata(self, variable: object, name: str, value: object) -> None:
        setattr(variable, name, value)

    # --- Observing ----------------------------------------------------------------------

    def classify(self, x: object) -> Literal["graph", "pytree", "variable", "static"]:
        nnx = self.nnx
        if isinstance(x, nnx.Variable):
            return "variable"
        if self.graph_ns.is_graph_node(x):
            return "graph"
        if self.graph_ns.is_node(x):
            return "pytree"
        return "static"

    def ref_map(self, items: object = ()) -> MutableMapping[object, object]:
        return cast(MutableMapping[object, object], self.graph_ns.RefMap(items))

    def is_node_type(self, cls: type) -> bool:
        return bool(self.graph_ns.is_node_type(cls))

    def is_pytree_node(self, x: object) -> bool:
        return bool(self.graph_ns.is_pytree_node(x))

    def module_attributes(self, x: object) -> list[tuple[Key, object]]:
        """Return a graph node's own attributes (its ``vars()`` minus bookkeeping)."""
        return [(k, v) for k, v in vars(x).items() if not k.startswith(_INTERNAL_PREFIXES)]

    def inspect(self, x: object) -> NodeView:
        if self.classify(x) == "graph":
            return NodeView("graph", type(x).__name__, tuple(self.module_attributes(x)), False)
        if isinstance(x, (list, tuple)) and not hasattr(x, "_fields"):
            return NodeView("pytree", type(x).__name__, tuple(enumerate(x)), True)
        if isinstance(x, dict):
            return NodeView("pytree", type(x).__name__, tuple(x.items()), False)
        if x is None:
            return NodeView("pytree", "NoneType", (), True)
        if hasattr(x, "_fields"):
            fields = cast(tuple[str, ...], x._fields)
            return NodeView(
                "pytree", type(x).__name__, tuple(zip(fields, cast(tuple[object, ...], x))), True
            )
        if dataclasses.is_dataclass(x):
            entries = tuple((f.name, getattr(x, f.name)) for f in dataclasses.fields(x))
            return NodeView("pytree", type(x).__name__, entries, True)
        return self.inspect_other(x)

    def inspect_other(self, x: object) -> NodeView:
        """Inspect a pytree node of a kind blueprints never build (e.g. a State attribute)."""
        import jax

        leaves = jax.tree_util.tree_flatten_with_path(x, is_leaf=lambda y: y is not x)[0]
        entries = tuple((str(path[0]), value) for path, value in leaves)
        return NodeView("pytree", type(x).__name__, entries, True)

    def leaf_view(self, leaf: object) -> LeafView:
        nnx = self.nnx
        if isinstance(leaf, nnx.Variable):
            metadata = dict(leaf.get_metadata())
            return LeafView(
                type(leaf).__name__, np.asarray(leaf.raw_value), tuple(metadata.items())
            )
        if isinstance(leaf, nnx.VariableState):
            metadata = dict(leaf.get_metadata())
            return LeafView(leaf.type.__name__, np.asarray(leaf.value), tuple(metadata.items()))
        raise TypeError(f"{type(leaf).__name__} is not a Variable or a state leaf of {self.name}")

    def get_value(self, variable: object) -> object:
        return cast(Any, variable).value

    def set_value(self, variable: object, value: object) -> None:
        cast(Any, variable).value = value

    # --- Neutral conversions ------------------------------------------------------------

    def make_filter(self, f: FilterSpec) -> object:
        nnx = self.nnx
        if isinstance(f, TypeFilter):
            return self.variable_type(f.type_name)
        if isinstance(f, TagFilter):
            return f.tag
        if isinstance(f, LiteralFilter):
            return {"...": ..., "true": True, "false": False, "none": None}[f.value]
        if isinstance(f, CallableFilter):
            return _CALLABLE_TERMS[f.name]
        if isinstance(f, Seq):
            items = [self.make_filter(g) for g in f.items]
            return items if f.form == "list" else tuple(items)
        if isinstance(f, OfType):
            return nnx.OfType(self.variable_type(f.type_name))
        if isinstance(f, WithTag):
            return nnx.WithTag(f.tag)
        if isinstance(f, PathContains):
            return nnx.PathContains(f.key)
        if isinstance(f, PathIn):  # flax keeps it in filterlib, unexported from nnx
            path_in = getattr(nnx, "PathIn", None) or nnx.filterlib.PathIn
            return path_in(*f.paths)
        if isinstance(f, AnyOf):
            return nnx.Any(*(self.make_filter(g) for g in f.items))
        if isinstance(f, AllOf):
            return nnx.All(*(self.make_filter(g) for g in f.items))
        if isinstance(f, NotOf):
            return nnx.Not(self.make_filter(f.item))
        if isinstance(f, Everything):
            return nnx.Everything()
        if isinstance(f, Nothing):
            return nnx.Nothing()
        assert isinstance(f, Invalid)  # sanity check: FilterSpec is a closed union
        return {"int": 1, "float": 1.5, "object": object()}[f.form]

    def flat_state(self, state: object) -> list[tuple[Path, object]]:
        from spec.targets._cells import Cell, spell

        def inner(value: object) -> Mapping[Key, object] | None:
            if hasattr(value, "raw_mapping"):
                return cast(Mapping[Key, object], cast(Any, value).raw_mapping)
            return value if isinstance(value, Mapping) else None

        out: list[tuple[Path, object]] = []
        # paths as (parent, key) cells: a 100,000-deep state must not cost O(depth^2)
        stack: list[tuple[Cell, Iterator[tuple[Key, object]]]] = [
            (None, iter(inner(state).items()))  # type: ignore[union-attr]
        ]
        while stack:
            cell, items = stack[-1]
            item = next(items, None)
            if item is None:
                stack.pop()
                continue
            key, value = item
            mapping = inner(value)
            if mapping is not None:
                stack.append(((cell, key), iter(mapping.items())))
            else:
                out.append((spell((cell, key)), value))
        return out

    def make_leaf(self, view: LeafView) -> object:
        """Return a state leaf (a VariableState) for a neutral leaf."""
        cls = self.variable_type(view.type_name)
        return self.nnx.VariableState(cls, _jnp_array(view.value), **dict(view.metadata))

    def make_state(self, items: Sequence[tuple[Path, LeafView | object]]) -> object:
        pairs = [(p, self.make_leaf(v) if isinstance(v, LeafView) else v) for p, v in items]
        return self.nnx.State.from_flat_path(pairs)

    def graphdef_tokens(self, graphdef: object) -> tuple[Token, ...]:
        return tuple(nested_nodedef_tokens(self.nnx, self.graph_ns, graphdef))

    def rebuild_graphdef(self, graphdef: object) -> object:
        if Capability.NESTED_NODEDEF not in self.capabilities:
            return super().rebuild_graphdef(graphdef)
        return rebuild_nested_nodedef(self.graph_ns, graphdef)

    # --- Graph API ----------------------------------------------------------------------

    def split(self, x: object, *filters: object) -> tuple[object, ...]:
        return cast(tuple[object, ...], self.nnx.split(x, *filters))

    def merge(self, graphdef: object, state: object, *states: object) -> object:
        return self.nnx.merge(graphdef, state, *states)

    def update(self, x: object, state: object, *states: object) -> None:
        self.nnx.update(x, state, *states)

    def state(self, x: object, *filters: object) -> object:
        return self.nnx.state(x, *filters)

    def graphdef(self, x: object) -> object:
        return self.nnx.graphdef(x)

    def clone(self, x: object) -> object:
        return self.nnx.clone(x)

    def iter_graph(self, x: object) -> Iterator[tuple[Path, object]]:
        for path, value in self.nnx.iter_graph(x):
            if not any(isinstance(k, str) and k.startswith(_INTERNAL_PREFIXES) for k in path):
                yield tuple(path), value

    def variables(self, x: object, *filters: object) -> object:
        return self.nnx.variables(x, *filters)

    def pop(self, x: object, *filters: object) -> object:
        return self.nnx.pop(x, *filters)

    def sow(self, module: object, type_name: str, name: str, value: object) -> None:
        cast(Any, module).sow(self.variable_type(type_name), name, value)

    def call(self, graphdef_state: tuple[object, object]) -> Any:
        return self.nnx.call(graphdef_state)

    def apply(self, graphdef: object, state: object) -> Any:
        return cast(Any, graphdef).apply(state)

    # --- Reproducers -------------------------------------------------------------------

    def reproducer_prelude(self) -> str:
        line = self.reproducer_import
        module = getattr(self.nnx, "__name__", "reference")
        if line == Target.reproducer_import and module != "reference":
            line = f"import {module} as nnx"  # an adapter of another module that kept the default
        if module != "reference" and not _installed(self.nnx):
            line = FROM_HERE + line
        return PRELUDE.format(nnx_import=line)

    # --- Contexts -----------------------------------------------------------------------

    def update_context(self, tag: str) -> AbstractContextManager[object]:
        return cast(AbstractContextManager[object], self.nnx.update_context(tag))

    def update_context_decorator(
        self, tag: str
    ) -> Callable[[Callable[[], object]], Callable[[], object]]:
        return cast(
            Callable[[Callable[[], object]], Callable[[], object]], self.nnx.update_context(tag)
        )

    def current_update_context(self, tag: str) -> object:
        return self.nnx.current_update_context(tag)

    def ctx_split(self, ctx: object, x: object, *filters: object) -> tuple[object, ...]:
        return cast(tuple[object, ...], cast(Any, ctx).split(x, *filters))

    def ctx_merge(self, ctx: object, graphdef: object, state: object, *states: object) -> object:
        return cast(Any, ctx).merge(graphdef, state, *states)

    def split_context(self, tag: str | None = None) -> AbstractContextManager[object]:
        return cast(AbstractContextManager[object], self.nnx.split_context(tag))

    def merge_context(
        self, tag: str | None = None, *, inner: bool | None = None
    ) -> AbstractContextManager[object]:
        return cast(AbstractContextManager[object], self.nnx.merge_context(tag))

    def split_in(self, split_ctx: object, x: object, *filters: object) -> tuple[object, ...]:
        return cast(tuple[object, ...], cast(Any, split_ctx).split(x, *filters))

    def merge_in(
        self, merge_ctx: object, graphdef: object, state: object, *states: object
    ) -> object:
        return cast(Any, merge_ctx).merge(graphdef, state, *states)


FROM_HERE = """import os
import sys

sys.path.insert(0, os.getcwd())  # the library is not installed: run this from where it imports
"""


def _installed(module: object) -> bool:
    """Whether ``module`` comes from an installed distribution (site-packages), so a script run
    from anywhere imports it."""
    path = str(getattr(module, "__file__", "") or "")
    return "site-packages" in path or "dist-packages" in path


PRELUDE = '''{nnx_import}
import collections
import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np


class Node(nnx.Module):
    """A blueprint module: attributes are set one by one after construction."""

    def bump(self):
        count = 0
        for value in list(vars(self).values()):
            if isinstance(value, nnx.Variable):
                value.value = ~value.value if value.value.dtype == bool else value.value + 1
                count += 1
        return count


class UserVariable(nnx.Param):
    pass


@functools.lru_cache(maxsize=None)
def namedtuple_type(fields):
    return collections.namedtuple("NT_" + "_".join(fields), fields)


@functools.lru_cache(maxsize=None)
def dataclass_type(fields):
    cls = dataclasses.make_dataclass("DC_" + "_".join(fields), list(fields), frozen=True)
    jax.tree_util.register_dataclass(cls, data_fields=list(fields), meta_fields=[])
    return cls


def values(shape, dtype, seed):
    """The deterministic value of a blueprint Variable: arange(size) + seed, in dtype."""
    base = np.arange(int(np.prod(shape)), dtype=np.int64) + seed
    if dtype == "bool":
        return jnp.asarray((base % 2 == 1).reshape(shape))
    array = base.astype(np.float32 if dtype == "bfloat16" else dtype).reshape(shape)
    return jnp.asarray(array, dtype=dtype)
'''


# --- GraphDef encodings ------------------------------------------------------------------------


def _type_name(nnx: ModuleType, nodedef: Any) -> str:
    """Return the real type name of a NodeDef, looking through the generic-pytree marker."""
    t = nodedef.type
    if t.__name__ == "GenericPytree":
        treedef = nodedef.metadata
        node_data = treedef.node_data() if hasattr(treedef, "node_data") else None
        if node_data is not None:
            return str(node_data[0].__name__)
    return str(t.__name__)


def _metadata(mapping: Mapping[str, object]) -> tuple[tuple[str, object], ...]:
    from spec.model import _plain

    return tuple(sorted((str(k), _plain(v)) for k, v in mapping.items()))


def nested_nodedef_tokens(nnx: ModuleType, graph: Any, graphdef: object) -> Iterator[Token]:
    """Yield the canonical tokens of a seed-style nested ``NodeDef`` (iteratively).

    A node is a graph node iff its type is an ``nnx.Object`` subclass (all registered graph node
    types blueprints use are); anything else is a pytree node.
    """
    from spec.model import static_model

    stack: list[Any] = [graphdef]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):  # a pre-rendered token
            yield item
            continue
        if isinstance(item, graph.NodeRef):
            yield ("ref", int(item.index))
            continue
        is_graph = isinstance(item.type, type) and issubclass(item.type, nnx.Object)
        kind = "graph" if is_graph else "pytree"
        # the NodeDef's own index, pytree nodes included (the spec says -1 there: PT-2 checks it)
        yield ("node", kind, _type_name(nnx, item), int(item.index), len(item.attributes))
        pending: list[Any] = []
        for attr in item.attributes:
            name = type(attr).__name__
            if name == "StaticAttribute":
                s = static_model(attr.value)
                pending.append(("static", attr.key, s.type_name, s.text))
            elif name == "SubGraphAttribute":
                pending.append(("subgraph", attr.key))
                pending.append(attr.value)
            elif isinstance(attr.value, graph.NodeRef):
                pending.append(("varref", attr.key, int(attr.value.index)))
            else:
                vd = attr.value
                pending.append(
                    ("variable", attr.key, vd.type.__name__, int(vd.index), _metadata(vd.metadata))
                )
        stack.extend(reversed(pending))


def rebuild_nested_nodedef(graph: Any, graphdef: Any) -> object:
    """Build a new seed-style ``NodeDef`` from ``graphdef``'s nested view with
    ``graph.NodeDef.create``, each child node before its parent (iteratively: no depth ceiling).
    Static, leaf and reference attributes are immutable and carried over as they are."""
    # a frame: the node, the attributes rebuilt so far, the iterator over its own attributes
    stack: list[tuple[Any, list[Any], Iterator[Any]]] = [(graphdef, [], iter(graphdef.attributes))]
    while True:
        node, built, rest = stack[-1]
        for attr in rest:
            if type(attr).__name__ == "SubGraphAttribute" and isinstance(attr.value, graph.NodeDef):
                built.append(attr.key)  # replaced by the rebuilt child when it is done
                stack.append((attr.value, [], iter(attr.value.attributes)))
                break
            built.append(attr)
        else:
            stack.pop()
            new = graph.NodeDef.create(
                node.type, node.index, tuple(built), node.metadata, node.index_mapping
            )
            if not stack:
                return new
            parent_built = stack[-1][1]
            parent_built[-1] = graph.SubGraphAttribute(parent_built[-1], new)
