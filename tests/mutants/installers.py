"""The hand-written mutants: bugs an implementer of the NNX graph API plausibly makes.

Each mutant is a ``Mutant``: a name, a one-line description, the mechanism that applies it, and
the laws expected to kill it.  Mechanisms:

* ``monkeypatch``: ``install(p)`` wraps or replaces public functions, public methods or
  registry hooks of ``reference`` through a ``Patcher`` (reversible, in this process only,
  nothing on disk); no private name of the reference is read or patched (``helpers``);
* ``wrapper``: a subclass of ``ReferenceTarget`` overrides adapter methods; nothing is patched.

The installers below are grouped by the part of the API they break.
"""

from __future__ import annotations

import dataclasses
import functools
import types
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any, Literal

from spec.target import Path
from spec.targets.reference import ReferenceTarget
from tests.mutants import flatten_bugs, user_bugs
from tests.mutants.helpers import (
    MISSING,
    around,
    attribute_tokens,
    child,
    parent_of,
    places,
    pop_child,
    ref,
    resolve,
    set_child,
    state_leaves,
    token_paths,
)
from tests.mutants.patch import Patcher

__all__ = ["MUTANTS", "Mutant"]

Installer = Callable[[Patcher], None]


@dataclasses.dataclass(frozen=True)
class Mutant:
    """One hand-written mutant of the reference (see the module docstring)."""

    name: str
    description: str
    mechanism: Literal["monkeypatch", "wrapper"]
    expected: tuple[str, ...]
    install: Installer | None = None
    wrapper: type[ReferenceTarget] | None = None


def _wrap(p: Patcher, module: str, name: str, make: Callable[[Any], Any]) -> None:
    """Replace the public ``module.name`` everywhere by ``make(original)``."""
    around(p, module, name, make)


# --- flatten (split / state / graphdef) ------------------------------------------------------


def _attributes_in_insertion_order(p: Patcher) -> None:
    original = ref("reference._registry").GRAPH_REGISTRY[ref("reference").Module].flatten

    def flatten(node: Any) -> tuple[list[tuple[Any, Any]], Any]:
        items, metadata = original(node)
        by_key = dict(items)
        return [(k, by_key[k]) for k in vars(node) if k in by_key], metadata

    p.replace_hook("flatten", original, flatten)


def _dict_keys_in_insertion_order(p: Patcher) -> None:
    registry = ref("reference._registry")
    original = registry.PYTREE_REGISTRY.get(dict) or registry.GRAPH_REGISTRY[dict]

    def flatten_dict(x: dict[Any, Any]) -> tuple[list[tuple[Any, Any]], None]:
        return list(x.items()), None

    p.replace_hook("flatten", original.flatten, flatten_dict)


# --- unflatten (merge / clone) -----------------------------------------------------------------


def _unflatten_preprocess(
    fix: Callable[
        [Any, list[tuple[tuple[Hashable, ...], Any]]], list[tuple[tuple[Hashable, ...], Any]]
    ],
) -> Installer:
    """A mutant that rewrites the flat state before the (correct) unflatten sees it."""

    def install(p: Patcher) -> None:
        def make(original: Any) -> Any:
            def unflatten_graph(
                graphdef: Any, state: Any, index_ref: Any = None, index_ref_cache: Any = None
            ) -> Any:
                from_flat = ref("reference._state").from_flat
                leaves = state_leaves(state)
                fixed = fix(graphdef, leaves)
                if fixed is not leaves:
                    state = from_flat(fixed)
                return original(graphdef, state, index_ref, index_ref_cache)

            return unflatten_graph

        _wrap(p, "reference._unflatten", "unflatten_graph", make)

    return install


def _tags(graphdef: Any) -> dict[tuple[Hashable, ...], tuple[Any, ...]]:
    return dict(attribute_tokens(graphdef))


def _by_position(
    graphdef: Any, leaves: list[tuple[tuple[Hashable, ...], Any]]
) -> list[tuple[tuple[Hashable, ...], Any]]:
    LEAF_DEF = ref("reference._graphdef").LEAF_DEF
    expected = [p for p, tok in attribute_tokens(graphdef) if tok[0] == LEAF_DEF]
    if len(expected) != len(leaves) or not expected:
        return leaves
    return [(p, leaf) for p, (_, leaf) in zip(expected, leaves)]


def _drop_unknown(
    graphdef: Any, leaves: list[tuple[tuple[Hashable, ...], Any]]
) -> list[tuple[tuple[Hashable, ...], Any]]:
    known = _tags(graphdef)
    kept = [(p, leaf) for p, leaf in leaves if p in known]
    return leaves if len(kept) == len(leaves) else kept


def _invent_missing(
    graphdef: Any, leaves: list[tuple[tuple[Hashable, ...], Any]]
) -> list[tuple[tuple[Hashable, ...], Any]]:
    import numpy as np

    from reference._variables import VariableState

    LEAF_DEF = ref("reference._graphdef").LEAF_DEF
    have = {p for p, _ in leaves}
    missing = [
        (p, VariableState(tok[2], np.zeros((), np.float32), **dict(tok[4])))
        for p, tok in attribute_tokens(graphdef)
        if tok[0] == LEAF_DEF and p not in have
    ]
    return [*leaves, *missing] if missing else leaves


def _drop_at(
    tag_name: str,
) -> Callable[
    [Any, list[tuple[tuple[Hashable, ...], Any]]], list[tuple[tuple[Hashable, ...], Any]]
]:
    def fix(
        graphdef: Any, leaves: list[tuple[tuple[Hashable, ...], Any]]
    ) -> list[tuple[tuple[Hashable, ...], Any]]:
        from reference import _graphdef

        tag = getattr(_graphdef, tag_name)
        tags = _tags(graphdef)
        kept = [(p, leaf) for p, leaf in leaves if not (p in tags and tags[p][0] == tag)]
        return leaves if len(kept) == len(leaves) else kept

    return fix


def _merge_reuses_live_variables(p: Patcher) -> None:
    from reference._variables import Variable

    LEAF_DEF = ref("reference._graphdef").LEAF_DEF
    flatten_bugs.live_leaves(p)

    def make(original: Any) -> Any:
        def unflatten_graph(
            graphdef: Any, state: Any, index_ref: Any = None, index_ref_cache: Any = None
        ) -> Any:
            index_ref = {} if index_ref is None else index_ref
            leaves = dict(state_leaves(state))
            for path, tok in attribute_tokens(graphdef):
                leaf = leaves.get(path)
                if tok[0] == LEAF_DEF and isinstance(leaf, Variable) and tok[3] not in index_ref:
                    index_ref[tok[3]] = leaf  # "already built": the live Variable is used as is
            return original(graphdef, state, index_ref, index_ref_cache)

        return unflatten_graph

    _wrap(p, "reference._unflatten", "unflatten_graph", make)


def _cycles_registered_late(p: Patcher) -> None:
    """A graph node is registered only once its children are built: a reference to an
    enclosing node (a cycle) finds nothing, as a reference to an index never built."""
    errors = ref("reference.errors")
    tk = ref("reference._tokens")

    def make(original: Any) -> Any:
        def unflatten_graph(
            graphdef: Any, state: Any, index_ref: Any = None, index_ref_cache: Any = None
        ) -> Any:
            if type(graphdef) is ref("reference._graphdef").NodeDef:
                for _, token, keys, ancestors in token_paths(graphdef.tokens()):
                    if token[0] == tk.SUB_REF and token[3] in ancestors:
                        raise errors.DanglingReferenceError(
                            f"a reference to index {token[3]}",
                            (*keys, token[1]),
                            "expected an index built earlier",
                        )
            return original(graphdef, state, index_ref, index_ref_cache)

        return unflatten_graph

    _wrap(p, "reference._unflatten", "unflatten_graph", make)


def _clone_shares_variables(p: Patcher) -> None:
    from reference._mappings import RefMap
    from reference._variables import Variable

    _api = ref("reference._api")

    def clone(node: Any) -> Any:
        ref_index: Any = RefMap()
        graphdef, state = _api.flatten_graph(node, ref_index)
        index_ref = {i: obj for obj, i in ref_index.items() if isinstance(obj, Variable)}
        return _api.unflatten_graph(graphdef, state, index_ref)

    p.replace("reference._api", "clone", clone)


def _split_shares_metadata(p: Patcher) -> None:
    from reference._variables import Variable, VariableState

    def to_state(self: Any) -> Any:
        state = object.__new__(VariableState)
        state.type = type(self)
        state.value = self.raw_value
        state.__dict__ = self.__dict__  # the Variable's own metadata dict, not a copy
        return state

    p.set_attr(Variable, "to_state", to_state)


def _leaves_share_metadata(p: Patcher) -> None:
    _split_shares_metadata(p)
    _merge_shares_metadata(p)


class _UpdateSharesMetadata(ReferenceTarget):
    """update leaves every written Variable holding the state leaf's own metadata dict."""

    def update(self, x: object, state: object, *states: object) -> None:
        super().update(x, state, *states)
        leaves = {p: v for s in (state, *states) for p, v in self.flat_state(s)}
        for path, v in self.nnx.iter_graph(x):
            leaf = leaves.get(tuple(path))
            if isinstance(v, self.nnx.Variable) and leaf is not None:
                object.__setattr__(v, "__dict__", leaf.__dict__)


def _contexts_live_on_after_exit(p: Patcher) -> None:
    from reference._contexts import MergeContext, SplitContext

    def keep(self: Any) -> None:
        """The exit forgets to drop the maps: the context works on after its block."""

    p.set_attr(SplitContext, "close", keep)
    p.set_attr(MergeContext, "close", keep)


def _merge_shares_metadata(p: Patcher) -> None:
    from reference._variables import VariableState

    def to_variable(self: Any) -> Any:
        variable = object.__new__(self.type)
        variable.raw_value = self.value
        variable.__dict__ = self.__dict__  # the state leaf's own metadata dict, not a copy
        return variable

    p.set_attr(VariableState, "to_variable", to_variable)


def _back_refs_become_fresh_nodes(p: Patcher) -> None:
    from reference._graphdef import NodeDef, NodeRef, SubGraphAttribute

    def rebuild(nodedef: Any, ancestors: dict[int, Any], fresh: list[int]) -> Any:
        ancestors = (
            {**ancestors, nodedef.index: nodedef.metadata} if nodedef.index >= 0 else ancestors
        )
        attributes = []
        for a in nodedef.attributes:
            if (
                isinstance(a, SubGraphAttribute)
                and isinstance(a.value, NodeRef)
                and a.value.index in ancestors
            ):
                fresh[0] += 1  # a back reference becomes a new, empty node of the same type
                a = SubGraphAttribute(
                    a.key, NodeDef(a.value.type, fresh[0], (), ancestors[a.value.index])
                )
            elif isinstance(a, SubGraphAttribute) and isinstance(a.value, NodeDef):
                a = SubGraphAttribute(a.key, rebuild(a.value, ancestors, fresh))
            attributes.append(a)
        return NodeDef(
            nodedef.type, nodedef.index, tuple(attributes), nodedef.metadata, nodedef.index_mapping
        )

    def make(original: Any) -> Any:
        def unflatten_graph(
            graphdef: Any, state: Any, index_ref: Any = None, index_ref_cache: Any = None
        ) -> Any:
            if type(graphdef) is NodeDef:
                graphdef = rebuild(graphdef, {}, [10**6])  # fresh indices far above the real ones
            return original(graphdef, state, index_ref, index_ref_cache)

        return unflatten_graph

    _wrap(p, "reference._unflatten", "unflatten_graph", make)


def _merge_aliases_equal_containers(p: Patcher) -> None:
    from reference._object import Object

    def signature(value: Any) -> tuple[Any, ...] | None:
        if type(value) not in (list, dict, tuple) or not value:
            return None
        items = sorted(value.items(), key=repr) if type(value) is dict else list(enumerate(value))
        return (type(value), tuple((k, id(v)) for k, v in items))

    def make(original: Any) -> Any:
        def unflatten_graph(
            graphdef: Any, state: Any, index_ref: Any = None, index_ref_cache: Any = None
        ) -> Any:
            node = original(graphdef, state, index_ref, index_ref_cache)
            if index_ref_cache is None:
                seen_nodes: set[int] = set()
                cache: dict[tuple[Any, ...], Any] = {}
                todo = [node]
                while todo:  # one rebuilt container per equal content: hash-consing
                    x = todo.pop()
                    if not isinstance(x, Object) or id(x) in seen_nodes:
                        continue
                    seen_nodes.add(id(x))
                    for key, value in sorted(vars(x).items()):
                        sig = signature(value)
                        if sig is not None:
                            vars(x)[key] = cache.setdefault(sig, value)
                        todo.append(value)
            return node

        return unflatten_graph

    _wrap(p, "reference._unflatten", "unflatten_graph", make)


def _split_context_fresh_refmap(p: Patcher) -> None:
    from reference import _contexts as c
    from reference._mappings import RefMap

    original = c.SplitContext.split

    def split(self: Any, node: Any, *filters: Any) -> Any:
        if self.ref_index is not None:
            self.ref_index = RefMap()  # each split starts a new index space
        return original(self, node, *filters)

    p.set_attr(c.SplitContext, "split", split)


def _merge_context_ref_copies(p: Patcher) -> None:
    from reference import _api
    from reference import _contexts as c
    from reference._graphdef import NodeRef

    original = c.MergeContext.merge

    def merge(self: Any, graphdef: Any, state: Any, *states: Any) -> Any:
        node = original(self, graphdef, state, *states)
        return (
            _api.clone(node) if type(graphdef) is NodeRef else node
        )  # a copy of the referenced node

    p.set_attr(c.MergeContext, "merge", merge)


# --- update ----------------------------------------------------------------------------------


def _update_wrapper(body: Callable[[Any, Any, Any], None]) -> Installer:
    def install(p: Patcher) -> None:
        _wrap(
            p,
            "reference._update",
            "update_graph",
            lambda original: lambda node, state: body(original, node, state),
        )

    return install


def _only_one_alias(original: Any, node: Any, state: Any) -> None:
    from reference._object import Object
    from reference._variables import Variable

    replaced: list[tuple[Any, Any, Any]] = []
    for path, _ in state_leaves(state):
        parent = parent_of(node, path)
        current = child(parent, path[-1]) if parent is not MISSING else MISSING
        if isinstance(parent, Object) and isinstance(current, Variable):
            vars(parent)[str(path[-1])] = (
                current.copy()
            )  # the write lands in a copy at this path only
            replaced.append((parent, path[-1], current))
    try:
        original(node, state)
    except Exception:
        for parent, key, variable in replaced:
            vars(parent)[key] = variable
        raise


def _non_atomic(original: Any, node: Any, state: Any) -> None:
    from reference._variables import Variable

    from_flat = ref("reference._state").from_flat
    try:
        original(node, state)
    except Exception:
        good = [
            (p, leaf) for p, leaf in state_leaves(state) if isinstance(resolve(node, p), Variable)
        ]
        if good:
            original(node, from_flat(good))  # the writes before the bad key had already happened
        raise


def _drop_new_keys(pytrees: bool) -> Callable[[Any, Any, Any], None]:
    def body(original: Any, node: Any, state: Any) -> None:
        from reference._object import Object

        from_flat = ref("reference._state").from_flat
        leaves = state_leaves(state)
        kept = []
        for path, leaf in leaves:
            parent = parent_of(node, path)
            new_key = parent is not MISSING and child(parent, path[-1]) is MISSING
            if new_key and isinstance(parent, Object) != pytrees:
                continue
            kept.append((path, leaf))
        original(node, state if len(kept) == len(leaves) else from_flat(kept))

    return body


def _new_keys(node: Any, state: Any) -> list[tuple[Any, Hashable, Any]]:
    """``(parent, key, leaf)`` for every leaf of ``state`` at a key its parent lacks."""
    out = []
    for path, leaf in state_leaves(state):
        parent = parent_of(node, path)
        if parent is not MISSING and child(parent, path[-1]) is MISSING:
            out.append((parent, path[-1], leaf))
    return out


def _targets(node: Any, state: Any) -> list[tuple[Any, Any]]:
    """``(variable, leaf)`` for every leaf of ``state`` at a Variable of ``node``."""
    variable_type = ref("reference").Variable
    found = [(resolve(node, path), leaf) for path, leaf in state_leaves(state)]
    return [(v, leaf) for v, leaf in found if isinstance(v, variable_type)]


def _update_stores_variablestate(original: Any, node: Any, state: Any) -> None:
    variable_state = ref("reference").VariableState
    new = [
        (parent, key, leaf)
        for parent, key, leaf in _new_keys(node, state)
        if type(leaf) is variable_state
    ]
    original(node, state)
    for parent, key, leaf in new:  # the VariableState itself becomes the attribute
        pop_child(parent, key)
        set_child(parent, key, leaf)


def _update_keeps_old_metadata(original: Any, node: Any, state: Any) -> None:
    old = [(v, dict(vars(v))) for v, _ in _targets(node, state)]
    original(node, state)
    for variable, metadata in old:
        variable.__dict__ = metadata  # the value is written, the metadata stays


def _second_alias_recreates(original: Any, node: Any, state: Any) -> None:
    from_flat = ref("reference._state").from_flat
    first: list[tuple[Any, Any]] = []
    again: list[tuple[Any, Any]] = []
    created: set[tuple[int, Hashable]] = set()
    for path, leaf in state_leaves(state):
        parent = parent_of(node, path)
        if parent is not MISSING and child(parent, path[-1]) is MISSING:
            place = (id(parent), path[-1])
            (again if place in created else first).append((path, leaf))
            created.add(place)
        else:
            first.append((path, leaf))
    original(node, state if not again else from_flat(first))
    if again:  # the key made through the first alias is made afresh through the second
        for path, _ in again:
            delattr(parent_of(node, path), str(path[-1]))
        original(node, from_flat(again))


def _update_raw_values_clear_metadata(original: Any, node: Any, state: Any) -> None:
    r = ref("reference")
    raw = [
        v
        for v, leaf in _targets(node, state)
        if not (type(leaf) is r.VariableState or isinstance(leaf, r.Variable))
    ]
    original(node, state)
    for variable in raw:
        variable.__dict__ = {}  # a raw array wipes the Variable's metadata


class _PlainDictOnly(type):
    """A stand-in for ``collections.abc.Mapping`` that only plain dicts are instances of."""

    def __instancecheck__(cls, x: object) -> bool:
        return type(x) is dict


def _update_mapping_check_dict_only(p: Patcher) -> None:
    p.set_attr(ref("reference._update"), "Mapping", _PlainDictOnly("Mapping", (), {}))


def _update_error_paths_lose_prefix(original: Any, node: Any, state: Any) -> None:
    try:
        original(node, state)
    except ref("reference.errors").GraphError as error:
        if not error.path:
            raise
        raise error.at(error.path[-1:]) from None  # the failing key without the keys above it


def _update_trusts_the_type_cache(p: Patcher) -> None:
    registry = ref("reference._registry")
    p.set_attr(
        ref("reference._update"), "kind_of", lambda x: registry.KIND.get(type(x), registry.K_STATIC)
    )


# --- pop -------------------------------------------------------------------------------------


def _occurrences(root: Any) -> dict[int, tuple[Any, list[tuple[Any, Any, bool]]]]:
    """Every Variable below ``root``: ``id -> (variable, [(parent, key, parent is a graph
    node)])``."""
    return {
        vid: (v, [(parent, key, is_graph) for parent, key, _, is_graph in where])
        for vid, (v, where) in places(root).items()
    }


def _pop_blames_the_first_found(p: Patcher) -> None:
    r = ref("reference")
    filters_module = ref("reference._filters")

    def make(original: Any) -> Any:
        def pop_graph(node: Any, filters: Any) -> Any:
            try:
                return original(node, filters)
            except r.errors.ImmutableNodeError:
                bucketer = filters_module.Bucketer(
                    [filters_module.to_predicate(f) for f in filters]
                )
                for variable, where in places(node).values():  # Variables in the order first met
                    blocked = [
                        (parent, key, path) for parent, key, path, is_graph in where if not is_graph
                    ]
                    if blocked and bucketer.bucket(where[0][2], variable) < len(filters):
                        parent, key, path = blocked[0]
                        raise r.errors.ImmutableNodeError(
                            f"key {key!r} popped from a {type(parent).__name__}",
                            path,
                            "expected the Variable to be held by graph nodes only: pytree "
                            "nodes are immutable",
                        ) from None
                raise

        return pop_graph

    _wrap(p, "reference._pop", "pop_graph", make)


def _pop_variant(variant: str) -> Installer:
    """pop mutants written around the correct ``pop_graph``: the graph is put back partly."""

    def install(p: Patcher) -> None:
        from reference._filters import Bucketer, to_predicate

        def make(original: Any) -> Any:
            def pop_graph(node: Any, filters: Any) -> Any:
                before = _occurrences(node)
                try:
                    result = original(node, filters)
                except Exception:
                    if variant == "non_atomic":  # what could be popped was popped before the error
                        bucketer = Bucketer([to_predicate(f) for f in filters])
                        for variable, places in before.values():
                            if bucketer.bucket((), variable) < len(filters):
                                for parent, key, is_graph in places:
                                    if is_graph:
                                        vars(parent).pop(key, None)
                    raise
                after = _occurrences(node)
                for vid, (variable, places) in before.items():
                    if vid in after:
                        continue
                    put_back = (
                        places[1:]
                        if variant == "first_alias"
                        else places
                        if variant == "keep"
                        else []
                    )
                    for parent, key, is_graph in put_back:
                        if is_graph:
                            vars(parent)[key] = variable
                return result

            return pop_graph

        _wrap(p, "reference._pop", "pop_graph", make)

    return install


def _pop_without_filter(p: Patcher) -> None:
    def make(original: Any) -> Any:
        def pop(node: Any, *filters: Any) -> Any:
            return original(node, *(filters or (...,)))

        return pop

    _wrap(p, "reference._api", "pop", make)


# --- iter_graph and variables ------------------------------------------------------------------


def _iter_graph(
    *, repeat_variables: bool = False, pre_order: bool = False, dedupe_pytrees: bool = False
) -> Installer:
    def install(p: Patcher) -> None:
        from reference._registry import K_GENERIC, K_GRAPH, K_PYTREE, K_VARIABLE, impl_of, kind_of

        node_kinds = (K_GRAPH, K_PYTREE, K_GENERIC)

        def iter_graph(node: Any, /) -> Iterator[tuple[tuple[Hashable, ...], Any]]:
            kind = kind_of(node)
            if kind not in node_kinds:
                yield (), node
                return
            seen: set[int] = {id(node)}
            if pre_order:
                yield (), node
            stack: list[tuple[Any, tuple[Hashable, ...], Iterator[tuple[Any, Any]]]] = [
                (node, (), iter(impl_of(node, kind).flatten(node)[0]))
            ]
            while stack:
                parent, path, items = stack[-1]
                for key, value in items:
                    kind = kind_of(value)
                    at = (*path, key)
                    if kind == K_VARIABLE:
                        if id(value) in seen and not repeat_variables:
                            continue
                        seen.add(id(value))
                        yield at, value
                        continue
                    if kind not in node_kinds:
                        yield at, value
                        continue
                    if (kind == K_GRAPH or dedupe_pytrees) and id(value) in seen:
                        continue
                    seen.add(id(value))
                    if pre_order:
                        yield at, value
                    stack.append((value, at, iter(impl_of(value, kind).flatten(value)[0])))
                    break
                else:
                    stack.pop()
                    if not pre_order:
                        yield path, parent

        p.replace("reference._iter", "iter_graph", iter_graph)

    return install


def _variables(variant: str) -> Installer:
    def install(p: Patcher) -> None:
        from reference import _api
        from reference._state import State

        def make(original: Any) -> Any:
            def variables(node: Any, *filters: Any) -> Any:
                if variant == "copies":
                    return _api.state(node, *filters)
                result = original(node, *filters)
                if len(filters) >= 2:  # the seed's arity: one extra group per filter pair
                    return (*result, State({}), State({}))
                return result

            return variables

        _wrap(p, "reference._api", "variables", make)

    return install


# --- filters ---------------------------------------------------------------------------------


def _bucket(variant: str) -> Installer:
    def install(p: Patcher) -> None:
        from reference._filters import Bucketer, Everything

        def bucket(self: Any, path: Any, leaf: Any) -> int:
            found = len(self.predicates)
            for i, predicate in enumerate(self.predicates):
                if variant == "catch_all_first" and isinstance(predicate, Everything):
                    return i
            for i, predicate in enumerate(self.predicates):
                if predicate(path, leaf):
                    found = i
                    if variant != "last_wins":
                        return i
            return found

        p.set_attr(Bucketer, "bucket", bucket)

    return install


def _is_one(f: Any) -> bool:
    return type(f) in (int, float) and f == 1


def _one_is_true(p: Patcher) -> None:
    from reference._filters import Everything

    def make_predicate(original: Any) -> Any:
        def to_predicate(f: Any) -> Any:
            return Everything() if _is_one(f) else original(f)

        return to_predicate

    def make_order(original: Any) -> Any:
        def check_filter_order(filters: Sequence[Any]) -> None:
            original([True if _is_one(f) else f for f in filters])

        return check_filter_order

    _wrap(p, "reference._filters", "to_predicate", make_predicate)
    _wrap(p, "reference._filters", "check_filter_order", make_order)


def _order_unchecked(p: Patcher) -> None:
    def check_filter_order(filters: Sequence[Any]) -> None:
        return None

    p.replace("reference._filters", "check_filter_order", check_filter_order)


def _nonexhaustive_silent(p: Patcher) -> None:
    def make(original: Any) -> Any:
        def split_mapping(mapping: Any, filters: Any, *, exhaustive: bool) -> Any:
            return original(mapping, filters, exhaustive=False)

        return split_mapping

    _wrap(p, "reference._state", "split_mapping", make)


def _filter_call(cls_name: str, call: Callable[[Any, Any, Any], bool]) -> Installer:
    def install(p: Patcher) -> None:
        from reference import _filters

        p.set_attr(getattr(_filters, cls_name), "__call__", call)

    return install


def _path_contains_last(self: Any, path: Any, x: Any) -> bool:
    return bool(path) and path[-1] == self.key


def _path_in_prefixes(self: Any, path: Any, x: Any) -> bool:
    return any(tuple(path[: len(q)]) == q for q in self.paths)


def _path_in_spelled(self: Any, path: Any, x: Any) -> bool:
    return tuple(map(str, path)) in {tuple(map(str, q)) for q in self.paths}


def _repr_keys_unquoted(p: Patcher) -> None:
    """A GraphDef's repr writes string keys without quotes: 1 and '1' read the same."""
    import re

    g = ref("reference._graphdef")
    original = g.NodeDef.__repr__

    def unquoted(self: Any) -> str:
        return re.sub(r"key='([^']*)'", r"key=\1", original(self))

    p.set_attr(g.NodeDef, "__repr__", unquoted)


def _state_repr_hides_metadata(p: Patcher) -> None:
    """A State's repr shows each leaf's type and value but none of its metadata."""
    import re

    st = ref("reference._state")
    original = st.State.__repr__
    metadata_line = re.compile(r"^ +(?!type=|value=)[A-Za-z_]\w*=.*\n", re.MULTILINE)

    def hiding(self: Any) -> str:
        return metadata_line.sub("", original(self))

    p.set_attr(st.State, "__repr__", hiding)


def _state_sub_by_top_key(p: Patcher) -> None:
    """``s - other`` drops every leaf under a top-level key that ``other`` has a leaf under."""
    st = ref("reference._state")
    n = ref("reference._nested")

    def subtract(self: Any, other: Any) -> Any:
        drop = {path[0] for path, _ in n.iter_flat(other)}
        kept = ((q, x) for q, x in n.iter_flat(self._mapping) if q[0] not in drop)
        return st.State._wrap(n.from_flat(kept))

    p.set_attr(st.State, "__sub__", subtract)


def _from_flat_path_overwrites_leaves(p: Patcher) -> None:
    """``State.from_flat_path``: a path below an earlier leaf replaces that leaf by a subtree."""
    st = ref("reference._state")

    def overwriting(cls: Any, flat_state: Any) -> Any:
        pairs = flat_state.items() if isinstance(flat_state, dict) else flat_state
        root: dict[Any, Any] = {}
        for path, leaf in pairs:
            level = root
            for key in path[:-1]:
                if type(level.get(key)) is not dict:
                    level[key] = {}
                level = level[key]
            level[path[-1]] = leaf
        return st.State._wrap(root)

    p.set_attr(st.State, "from_flat_path", classmethod(overwriting))


def _filter_equality_ignores_order(p: Patcher) -> None:
    """``Any`` / ``All`` / ``Not`` compare (and hash) their terms as a set, not in order."""
    f = ref("reference._filters")

    def eq(self: Any, other: Any) -> bool:
        return type(other) is type(self) and set(self.predicates) == set(other.predicates)

    def hash_(self: Any) -> int:
        return hash((type(self), frozenset(self.predicates)))

    p.set_attr(f._Combinator, "__eq__", eq)
    p.set_attr(f._Combinator, "__hash__", hash_)


def _axis_hooks_skip_variable_states(p: Patcher) -> None:
    """``VariableState.add_axis`` / ``remove_axis`` do nothing: only live Variables call their
    axis hooks."""
    v = ref("reference._variables")
    p.set_attr(v.VariableState, "add_axis", lambda self, axis_index, axis_name: None)
    p.set_attr(v.VariableState, "remove_axis", lambda self, axis_index, axis_name: None)


def _is_node_type_graph_only(p: Patcher) -> None:
    """``is_node_type`` answers for graph node types only: list, tuple and dict are not node
    types."""
    r = ref("reference._registry")
    p.set_attr(ref("reference"), "is_node_type", lambda x: x in r.GRAPH_REGISTRY)


def _variable_repr_hides_metadata(p: Patcher) -> None:
    """A Variable's repr shows its type and value but none of its metadata."""
    v = ref("reference._variables")
    p.set_attr(
        v.Variable, "__repr__", lambda self: f"{type(self).__name__}(value={self.raw_value!r})"
    )


def _ref_map_contains_by_equality(p: Patcher) -> None:
    """``key in refmap`` compares keys by ``==``: an equal but distinct object is found."""
    mp = ref("reference._mappings")

    def contains(self: Any, key: object) -> bool:
        return any(k is key or k == key for k in self._keys.values())

    p.set_attr(mp.RefMap, "__contains__", contains)


def _registration_replaces(p: Patcher) -> None:
    """Registering a node type again replaces its first registration instead of raising."""
    r = ref("reference._registry")
    for name in ("register_graph_node_type", "register_pytree_node_type"):
        original = getattr(r, name)

        @functools.wraps(original)  # the same signature: callers count its hooks
        def replacing(type: Any, *hooks: Any, _original: Any = original) -> None:
            for table in (r.GRAPH_REGISTRY, r.PYTREE_REGISTRY, r.IMPLS):
                table.pop(type, None)
            _original(type, *hooks)

        p.set_attr(ref("reference"), name, replacing)


def _inplace_operators_rebind(p: Patcher) -> None:
    """``v += y`` gives back the bare sum (an array), leaving the Variable as it was."""
    ops = ref("reference._operators")
    p.set_attr(ops.ValueOperators, "__iadd__", lambda self, other: self.value + other)


def _variable_eq_ignores_metadata(p: Patcher) -> None:
    """``v == w`` compares the type and the value only: Variables differing in metadata are ==."""
    api = ref("reference")

    def eq(self: Any, other: Any) -> bool:
        if type(other) is not type(self):
            return False
        mine, theirs = self.raw_value, other.raw_value
        return mine is theirs or bool(mine == theirs)

    p.set_attr(api.Variable, "__eq__", eq)


def _deepcopy_gives_the_value(p: Patcher) -> None:
    """``copy.deepcopy(v)`` deep-copies the Variable's value and returns it bare (flax's own)."""
    import copy

    p.set_attr(
        ref("reference").Variable,
        "__deepcopy__",
        lambda self, memo: copy.deepcopy(self.raw_value, memo),
    )


def _dict_keywords_ignored(p: Patcher) -> None:
    """``Dict(**entries)`` ignores its keyword arguments (a mapping or pairs still work)."""
    cls = ref("reference").Dict
    original = cls.__init__
    p.set_attr(cls, "__init__", lambda self, entries=(), /, **kwargs: original(self, entries))


def _nested_states_asserted_away(p: Patcher) -> None:
    """A State built from a dict keeps the States it holds, and merge's walk asserts each subtree
    is a plain dict (flax 0.10.3's merge of ``{k: state[k]}``)."""
    st = ref("reference._state")
    merge = st.State.merge

    def keeping(state: Any, /, *states: Any) -> Any:
        if not states and type(state) is dict:
            return st.State._wrap(dict(state))
        return merge(state, *states)

    def make(original: Any) -> Any:
        def unflatten_graph(graphdef: Any, state: Any, *args: Any) -> Any:
            raw = getattr(state, "raw_mapping", state)
            assert all(type(v) is not st.State for v in raw.values()), "a subtree is not a dict"
            return original(graphdef, state, *args)

        return unflatten_graph

    p.set_attr(st.State, "merge", staticmethod(keeping))
    _wrap(p, "reference._unflatten", "unflatten_graph", make)


def _update_variable_leaves_value_only(p: Patcher) -> None:
    """update writes a live Variable leaf's value but not its metadata (flax 0.10.3 - 0.10.6)."""
    api = ref("reference")
    n = ref("reference._nested")
    st = ref("reference._state")
    original = api.update

    def values_only(state: Any) -> Any:
        if not isinstance(state, st.State):
            return state
        flat = (
            (q, x.raw_value if isinstance(x, api.Variable) else x) for q, x in n.iter_flat(state)
        )
        return st.State._wrap(n.from_flat(flat))

    p.set_attr(api, "update", lambda x, *states: original(x, *map(values_only, states)))


def _set_attributes_through_modules_only(p: Patcher) -> None:
    """``Module.set_attributes`` walks Module attributes only: a Module in a list or dict of
    another Module is never reached."""
    o = ref("reference._object")

    def walking(
        self: Any, *filters: Any, raise_if_not_found: bool = True, **attributes: Any
    ) -> Any:
        remaining = set(attributes)
        todo: list[tuple[tuple[str, ...], Any]] = [((), self)]
        seen: set[int] = set()
        while todo:
            path, module = todo.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            todo.extend(((*path, name), sub) for name, sub in module.iter_children())
            if filters and not any(f(path, module) for f in filters):
                continue
            for name, value in attributes.items():
                if hasattr(module, name):
                    remaining.discard(name)
                    setattr(module, name, value)
        if remaining and raise_if_not_found:
            raise ValueError(f"no Module has {sorted(remaining)}")

    p.set_attr(o.Module, "set_attributes", walking)


def _nodedef_drops_metadata(p: Patcher) -> None:
    """NodeDef(type, index, attributes, metadata, ...) stores None for the node's metadata."""
    g = ref("reference._graphdef")
    original = g.NodeDef.__init__

    def dropping(
        self: Any, type: Any, index: int, attributes: Any, metadata: Any, *rest: Any
    ) -> None:
        original(self, type, index, attributes, None, *rest)

    p.set_attr(g.NodeDef, "__init__", dropping)


def _replace_writes_source(p: Patcher) -> None:
    """Variable.replace also writes the new metadata into its source (flax 0.10.3)."""
    v = ref("reference._variables")
    replace = v.Variable.replace

    def writing(self: Any, *args: Any, **metadata: Any) -> Any:
        self.__dict__.update(metadata)
        return replace(self, *args, **metadata)

    p.set_attr(v.Variable, "replace", writing)


def _state_split_as_filter(p: Patcher) -> None:
    """State.split drops the leaves no filter matches (it groups like State.filter)."""
    from reference._state import State

    p.set_attr(State, "split", State.filter)


def _state_filter_last_match(p: Patcher) -> None:
    """State.filter puts a leaf in the last filter that matches it (State.split is untouched)."""
    from reference import _state
    from reference._state import State

    def filter_last(self: Any, first: Any, /, *filters: Any) -> Any:
        fs = (first, *filters)
        parts = _state.split_mapping(self._mapping, fs[::-1], exhaustive=False)[::-1]
        states = tuple(State._wrap(part) for part in parts)
        return states[0] if len(states) == 1 else states

    p.set_attr(State, "filter", filter_last)


def _of_type_exact(self: Any, path: Any, x: Any) -> bool:
    from reference._variables import Variable

    if isinstance(x, Variable):
        return type(x) is self.type
    return getattr(x, "type", None) is self.type or type(x) is self.type


def _all_as_any(self: Any, path: Any, x: Any) -> bool:
    return any(p(path, x) for p in self.predicates)


def _combinators_remember_paths(p: Patcher) -> None:
    """Any / All / Not objects remember their answer per path, across calls and graphs."""
    from reference import _filters

    memo: dict[int, tuple[Any, dict[tuple[Any, ...], bool]]] = {}

    def remembering(original: Callable[[Any, Any, Any], bool]) -> Callable[[Any, Any, Any], bool]:
        def __call__(self: Any, path: Any, x: Any) -> bool:
            _, answers = memo.setdefault(id(self), (self, {}))  # keeps self alive: ids stay unique
            key = tuple(path)
            if key not in answers:
                answers[key] = original(self, path, x)
            return answers[key]

        return __call__

    for name in ("Any", "All", "Not"):
        cls = getattr(_filters, name)
        p.set_attr(cls, "__call__", remembering(cls.__call__))


def _not_type_only(p: Patcher) -> None:
    """Not(f) claims to look at the type only, whatever f looks at (answers cached per type)."""
    from reference import _filters

    original = _filters.Not.__init__

    def __init__(self: Any, filter: Any, /) -> None:
        original(self, filter)
        self.type_only = True

    p.set_attr(_filters.Not, "__init__", __init__)


# --- the update-context protocol ----------------------------------------------------------------


def _maps_not_cleared(p: Patcher) -> None:
    """The seed: step (4) keeps the reference maps, and so does the context's exit."""
    c = ref("reference._contexts")
    close = c.UpdateContext.close
    _maps_kept_until_exit(p)

    def close_keeping_maps(self: Any) -> None:
        ref_index, index_ref = self.ref_index, self.index_ref
        close(self)
        self.ref_index, self.index_ref = ref_index, index_ref

    p.set_attr(c.UpdateContext, "close", close_keeping_maps)


def _maps_kept_until_exit(p: Patcher) -> None:
    """Step (4) leaves the reference maps in place; only the context's exit drops them."""
    c = ref("reference._contexts")
    unflatten_end = c.UpdateContext.unflatten_end

    def keep_maps(self: Any, index_ref: Any, *, outer: bool = False) -> None:
        ref_index = self.ref_index
        unflatten_end(self, index_ref, outer=outer)
        if ref_index is not None and self.ref_index is None:  # step (4): keep both maps
            self.ref_index, self.index_ref = ref_index, index_ref

    p.set_attr(c.UpdateContext, "unflatten_end", keep_maps)


def _tagged_split_unstamped(p: Patcher) -> None:
    """SplitContext.split ignores its tag: step (3) on the tagged route stamps no outer indices."""
    c = ref("reference._contexts")
    original = c.SplitContext.split

    def split(self: Any, node: Any, *filters: Any) -> Any:
        tag, self.ctxtag = self.ctxtag, None
        try:
            return original(self, node, *filters)
        finally:
            self.ctxtag = tag

    p.set_attr(c.SplitContext, "split", split)


def _thread_global(p: Patcher) -> None:
    from reference import _contexts as c

    shared = types.SimpleNamespace(update_context_stacks={}, ref_index_stack=[], index_ref_stack=[])
    p.set_attr(c, "GRAPH_CONTEXT", shared)


def _advance(context: Any) -> bool:
    """Take ``context`` one step further through its public steps (outer split -> inner merge
    -> inner split -> outer merge -> fresh); False if it refuses (a closed context)."""
    c = ref("reference._contexts")
    try:
        context.unflatten_end({}, outer=False)
        return True
    except c.ContextError:
        pass
    try:
        context.flatten_end(ref("reference._mappings").RefMap())
        return True
    except c.ContextError:
        return False


def _order_unchecked_context(p: Patcher) -> None:
    """An out-of-order call is not refused: the context is moved on through its steps until the
    call is accepted there (it silently takes another branch)."""
    c = ref("reference._contexts")

    def lenient(original: Any) -> Any:
        def call(self: Any, *args: Any) -> Any:
            try:
                return original(self, *args)
            except c.ContextError:
                for _ in range(4):
                    if not _advance(self):
                        raise
                    try:
                        return original(self, *args)
                    except c.ContextError:
                        continue
                raise

        return call

    p.set_attr(c.UpdateContext, "split", lenient(c.UpdateContext.split))
    p.set_attr(c.UpdateContext, "merge", lenient(c.UpdateContext.merge))


def _step4_new_objects(p: Patcher) -> None:
    c = ref("reference._contexts")
    original = c.UpdateContext.merge

    def merge(self: Any, graphdef: Any, state: Any, *states: Any) -> Any:
        if getattr(graphdef, "index_mapping", None) is None:
            return original(self, graphdef, state, *states)
        node = c.unflatten_graph(graphdef, c.State.merge(state, *states), {}, None)  # no reuse
        self.unflatten_end({}, outer=True)
        return node

    p.set_attr(c.UpdateContext, "merge", merge)


def _reused(graphdef: Any, cache: Any) -> tuple[list[Any], list[Any]]:
    """The graph nodes and the Variables of ``cache`` that merging ``graphdef`` reuses."""
    tk = ref("reference._tokens")
    nodes, variables = [], []
    for _, token, _, _ in token_paths(graphdef.tokens()):
        if token[0] == tk.NODE and token[2] in cache:
            nodes.append(cache[token[2]])
        elif token[0] == tk.LEAF_DEF and token[3] in cache:
            variables.append(cache[token[3]])
    return nodes, variables


def _children(node: Any) -> dict[Any, Any]:
    r = ref("reference._registry")
    return dict(r.impl_of(node, r.kind_of(node)).node_dict(node))


def _after_commit(node: Any, before: dict[Any, Any], variant: str) -> None:
    """Turn the correct commit of a reused ``node`` (its children were ``before``) into
    ``variant``'s."""
    r = ref("reference._registry")
    after = _children(node)
    if variant == "drop_statics":
        gone = [k for k, v in after.items() if r.kind_of(v) == r.K_STATIC]
    elif variant == "drop_new_attributes":
        gone = [k for k in after if k not in before]
    else:  # no_clear: what the node had keeps its place
        gone = []
        for k, v in before.items():
            if k not in after:
                set_child(node, k, v)
    for k in gone:
        pop_child(node, k)


def _commit_variant(variant: str) -> Installer:
    """Step (4) commits the reused objects wrongly: written around the public unflatten, which
    reuses the objects of ``index_ref_cache``."""

    def install(p: Patcher) -> None:
        def make(original: Any) -> Any:
            def unflatten_graph(
                graphdef: Any, state: Any, index_ref: Any = None, index_ref_cache: Any = None
            ) -> Any:
                if not index_ref_cache or type(graphdef) is not ref("reference._graphdef").NodeDef:
                    return original(graphdef, state, index_ref, index_ref_cache)
                nodes, variables = _reused(graphdef, index_ref_cache)
                before = [(n, _children(n)) for n in nodes]
                metadata = [(v, dict(vars(v))) for v in variables]
                result = original(graphdef, state, index_ref, index_ref_cache)
                if variant == "wrong_device":
                    _to_last_device(variables)
                elif variant == "keep_variable_metadata":
                    for v, kept in metadata:
                        vars(v).clear()
                        vars(v).update(kept)
                else:
                    for n, children in before:
                        _after_commit(n, children, variant)
                return result

            return unflatten_graph

        _wrap(p, "reference._unflatten", "unflatten_graph", make)

    return install


def _to_last_device(variables: list[Any]) -> None:
    import jax

    for v in variables:
        value = v.raw_value
        if isinstance(value, jax.Array) and not isinstance(value, jax.core.Tracer):
            v.raw_value = jax.device_put(value, jax.devices()[-1])


def _step4_new_variables(p: Patcher) -> None:
    variable_type = ref("reference").Variable

    def make(original: Any) -> Any:
        def unflatten_graph(
            graphdef: Any, state: Any, index_ref: Any = None, index_ref_cache: Any = None
        ) -> Any:
            if index_ref_cache:  # each reused Variable is replaced by a copy of itself
                index_ref_cache = {
                    i: (v.copy() if isinstance(v, variable_type) else v)
                    for i, v in index_ref_cache.items()
                }
            return original(graphdef, state, index_ref, index_ref_cache)

        return unflatten_graph

    _wrap(p, "reference._unflatten", "unflatten_graph", make)


def _cache_by_outer_index(p: Patcher) -> None:
    def compose_mapping_reversed(map_ab: Any, map_bc: Any, /) -> dict[Any, Any]:
        return {b: a for a, b in map_ab.items() if b in map_bc}  # keyed by the outer index

    p.replace("reference._mappings", "compose_mapping_reversed", compose_mapping_reversed)


def _current_context_autocreate(p: Patcher) -> None:
    from reference import _contexts as c

    def make(original: Any) -> Any:
        def current_update_context(tag: str) -> Any:
            stack = c.GRAPH_CONTEXT.update_context_stacks.get(tag)
            return stack[-1] if stack else c.UpdateContext(tag)

        return current_update_context

    _wrap(p, "reference._contexts", "current_update_context", make)


# --- GraphDef --------------------------------------------------------------------------------


def _graphdef_eq(variant: str) -> Installer:
    def install(p: Patcher) -> None:
        g = ref("reference._graphdef")
        tk = ref("reference._tokens")
        original_hash = g.NodeDef.__hash__

        def view(tokens: tuple[Any, ...]) -> tuple[Any, ...]:
            if variant == "ignore_metadata":
                return tuple(t[:4] if t[0] == tk.LEAF_DEF else t for t in tokens)
            if variant == "keys_as_strings":
                return tuple(t if t[0] == tk.NODE else (t[0], str(t[1]), *t[2:]) for t in tokens)
            if variant == "statics_by_identity":
                return tuple((*t[:2], id(t[2]), *t[3:]) if t[0] == tk.STATIC else t for t in tokens)
            return tuple(t[:2] if t[0] == tk.STATIC else t for t in tokens)

        def __hash__(self: Any) -> int:
            try:
                return hash((view(self.tokens()), self.index_mapping))
            except TypeError:
                return original_hash(self)  # type: ignore[no-any-return]  # raises the named error

        def __eq__(self: Any, other: Any) -> bool:
            if type(other) is not g.NodeDef:
                return False
            if variant == "hash_ignores_statics":  # a "fast" equality: equal hashes
                return hash(self) == hash(other)
            return bool(
                self.index_mapping == other.index_mapping
                and view(self.tokens()) == view(other.tokens())
            )

        p.set_attr(g.NodeDef, "__hash__", __hash__)
        p.set_attr(g.NodeDef, "__eq__", __eq__)

    return install


def _unhashable_unnamed(p: Patcher) -> None:
    g = ref("reference._graphdef")
    errors = ref("reference.errors")
    original_hash = g.NodeDef.__hash__

    def __hash__(self: Any) -> int:
        try:
            return original_hash(self)  # type: ignore[no-any-return]
        except errors.UnhashableGraphDefError as error:
            raise TypeError(f"GraphDef is not hashable: {error.__context__}") from None

    p.set_attr(g.NodeDef, "__hash__", __hash__)


def _metadata_unhashable_unnamed(p: Patcher) -> None:
    """Hashing a GraphDef whose Variable metadata is unhashable raises a bare TypeError."""
    g = ref("reference._graphdef")
    errors = ref("reference.errors")
    original_hash = g.NodeDef.__hash__

    def __hash__(self: Any) -> int:
        try:
            return original_hash(self)  # type: ignore[no-any-return]
        except errors.UnhashableGraphDefError as error:
            if "Variable metadata" not in str(error):
                raise
            raise TypeError(f"unhashable type: {error.__context__}") from None

    p.set_attr(g.NodeDef, "__hash__", __hash__)


def _graphdef_eq_variant(variant: Literal["not_reflexive", "equals_other_kinds"]) -> Installer:
    """NodeDef == unequal to itself (no identity fast path and a flag that breaks the
    comparison of an object with itself), or equal to any object of another kind."""

    def install(p: Patcher) -> None:
        g = ref("reference._graphdef")
        original_eq = g.NodeDef.__eq__

        def __eq__(self: Any, other: object) -> bool:
            if variant == "not_reflexive":
                return self is not other and original_eq(self, other)
            return True if not isinstance(other, g.NodeDef) else original_eq(self, other)

        p.set_attr(g.NodeDef, "__eq__", __eq__)

    return install


def _metadata_hash_by_insertion_order(p: Patcher) -> None:
    """Variable metadata hashes its entries in insertion order (equality stays order-free)."""
    mappings = ref("reference._mappings")

    def __hash__(self: Any) -> int:
        return hash(tuple(self.items()))

    p.set_attr(mappings.HashableMapping, "__hash__", __hash__)


def _state_hashable(p: Patcher) -> None:
    """A State hashes by identity (so it can key a dict), though it is a mutable mapping."""
    p.set_attr(ref("reference._state").State, "__hash__", object.__hash__)


# --- call / apply, State.merge -----------------------------------------------------------------


def _call_mutates_input(p: Patcher) -> None:
    from reference._proxy import CallableProxy

    _api = ref("reference._api")

    def call(graphdef_state: Any, /) -> Any:
        def pure_caller(accessor: Any, *args: Any, **kwargs: Any) -> Any:
            node = _api.merge(*graphdef_state)
            out = accessor(node)(*args, **kwargs)
            graphdef, state = _api.split(node)
            new = dict(state_leaves(state))
            for path, leaf in state_leaves(graphdef_state[1]):  # writes the result back
                if path in new and hasattr(leaf, "value"):
                    leaf.value = new[path].value
            return out, (graphdef, state)

        return CallableProxy(pure_caller)

    p.replace("reference._api", "call", call)


def _apply_returns_input(p: Patcher) -> None:
    from reference import _api
    from reference._graphdef import NodeDef
    from reference._proxy import CallableProxy, DelayedAccessor

    def apply(self: Any, state: Any, *states: Any) -> Any:
        def _apply(accessor: Any, *args: Any, **kwargs: Any) -> Any:
            module = _api.merge(self, state, *states)
            out = accessor(module)(*args, **kwargs)
            return out, (self, state)  # the inputs, not the new split

        return CallableProxy(_apply, DelayedAccessor())

    p.set_attr(NodeDef, "apply", apply)


def _merge_first_wins(p: Patcher) -> None:
    def make(original: Any) -> Any:
        def merge_nested(mappings: Sequence[Any]) -> dict[Any, Any]:
            return original(list(reversed(mappings)))  # type: ignore[no-any-return]

        return merge_nested

    _wrap(p, "reference._state", "merge_nested", make)


# --- wrappers (adapter overrides) --------------------------------------------------------------


class _StateIgnoresSingleFilter(ReferenceTarget):
    def state(self, x: object, *filters: object) -> object:
        return super().state(x) if len(filters) == 1 else super().state(x, *filters)


class _GraphdefWithIndexMapping(ReferenceTarget):
    def graphdef(self, x: object) -> object:
        from reference._graphdef import with_index_mapping

        return with_index_mapping(super().graphdef(x), {})  # type: ignore[arg-type]


class _SplitCachesOnNode(ReferenceTarget):
    def split(self, x: object, *filters: object) -> tuple[object, ...]:
        out = super().split(x, *filters)
        if self.classify(x) == "graph":
            self.set_attr(x, "zz_graphdef_cache", 0)  # a cached marker left on the node
        return out


class _SplitNondeterministic(ReferenceTarget):
    calls = 0

    def split(self, x: object, *filters: object) -> tuple[object, ...]:
        from reference._graphdef import NodeDef, with_index_mapping

        gd, *states = super().split(x, *filters)
        type(self).calls += 1
        if type(gd) is NodeDef:  # a fresh "trace id" in every graphdef
            gd = with_index_mapping(gd, {-1: type(self).calls})
        return (gd, *states)


class _GraphdefIdentityStamp(ReferenceTarget):
    def graphdef(self, x: object) -> object:
        from reference._graphdef import NodeDef, with_index_mapping

        gd = super().graphdef(x)
        return with_index_mapping(gd, {-1: id(x)}) if type(gd) is NodeDef else gd


class _StateReversed(ReferenceTarget):
    def state(self, x: object, *filters: object) -> object:
        result = super().state(x, *filters)

        def rev(s: object) -> object:
            return self.make_state(list(reversed(self.flat_state(s))))

        return tuple(rev(s) for s in result) if isinstance(result, tuple) else rev(result)


class _IterGraphCopies(ReferenceTarget):
    def iter_graph(self, x: object) -> Iterator[tuple[Path, object]]:
        for path, value in super().iter_graph(x):
            yield path, (value.copy() if self.classify(value) == "variable" else value)  # type: ignore[attr-defined]


_LEAKED: list[object] = []


class _SplitLeaksGraphdefs(ReferenceTarget):
    def split(self, x: object, *filters: object) -> tuple[object, ...]:
        out = super().split(x, *filters)
        _LEAKED.append(out)  # a "cache" of every split that is never evicted
        return out


class _SizeCapped(ReferenceTarget):
    MAX_DEPTH = 64
    MAX_LEAVES = 512

    def split(self, x: object, *filters: object) -> tuple[object, ...]:
        gd, *states = super().split(x, *filters)
        capped = []
        for s in states:
            flat = [(p, v) for p, v in self.flat_state(s) if len(p) <= self.MAX_DEPTH]
            capped.append(self.make_state(flat[: self.MAX_LEAVES]))
        return (gd, *capped)


# --- the State surface and contexts after exit --------------------------------------------------


class _Absent:
    """A class attribute that reads as absent: ``getattr`` raises AttributeError."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        raise AttributeError(self.name)


def _state_lacks(name: str) -> Installer:
    def install(p: Patcher) -> None:
        p.set_attr(ref("reference").State, name, _Absent(name))

    return install


def _pure_dict_keys_as_given(p: Patcher) -> None:
    """replace_by_pure_dict looks keys up as given: a checkpoint's string indices miss."""
    state_cls = ref("reference").State

    def replace_by_pure_dict(self: Any, pure_dict: Any, replace_fn: Any = None) -> None:
        replace = replace_fn or (lambda leaf, v: leaf.replace(v) if hasattr(leaf, "replace") else v)
        for path, value in _flat_items(pure_dict):
            level = self.raw_mapping
            for key in path[:-1]:
                level = level[key]  # KeyError, a LookupError, for '0' where the key is 0
            level[path[-1]] = replace(level[path[-1]], value)

    p.set_attr(state_cls, "replace_by_pure_dict", replace_by_pure_dict)


def _flat_items(tree: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _flat_items(value, (*prefix, key))
        else:
            yield (*prefix, key), value


def _pure_dict_drops_metadata(p: Patcher) -> None:
    """replace_by_pure_dict rebuilds each leaf from its type and the value alone."""
    nnx = ref("reference")
    original = nnx.State.replace_by_pure_dict

    def replace_by_pure_dict(self: Any, pure_dict: Any, replace_fn: Any = None) -> None:
        original(self, pure_dict, lambda leaf, v: nnx.VariableState(leaf.type, v))

    p.set_attr(nnx.State, "replace_by_pure_dict", replace_by_pure_dict)


def _map_in_place(p: Patcher) -> None:
    """State.map writes f(path, leaf) into the State itself and returns it."""
    state_cls = ref("reference").State

    def map_in_place(self: Any, f: Any) -> Any:
        for path, leaf in list(self.flat_state()):
            level = self.raw_mapping
            for key in path[:-1]:
                level = level[key]
            level[path[-1]] = f(path, leaf)
        return self

    p.set_attr(state_cls, "map", map_in_place)


def _context_maps_kept_after_exit(p: Patcher) -> None:
    """split_context / merge_context keep their maps after exit (only the tag goes)."""
    c = ref("reference._contexts")

    def keep_split(self: Any) -> None:
        del self.ctxtag

    def keep_merge(self: Any) -> None:
        del self.ctxtag

    p.set_attr(c.SplitContext, "close", keep_split)
    p.set_attr(c.MergeContext, "close", keep_merge)


def _m(name: str, description: str, expected: str, install: Installer) -> Mutant:
    return Mutant(name, description, "monkeypatch", tuple(expected.split()), install=install)


def _w(name: str, description: str, expected: str, wrapper: type[ReferenceTarget]) -> Mutant:
    return Mutant(name, description, "wrapper", tuple(expected.split()), wrapper=wrapper)


MUTANTS: tuple[Mutant, ...] = (
    # flatten
    _m(
        "forget_noderef",
        "a Variable seen again is defined again (new index, second state entry) instead of a "
        "NodeRef",
        "SHARE-1 ST-1 SHARE-2 GD-2",
        flatten_bugs.forget_variable_refs,
    ),
    _m(
        "last_path_naming",
        "a shared Variable's state entry is named by its last path, not its first",
        "SHARE-1 ST-1 RT-1",
        flatten_bugs.last_path,
    ),
    _m(
        "pytree_cached",
        "pytree containers are numbered and referenced like graph nodes (aliased)",
        "PT-2 GD-2 RT-1",
        flatten_bugs.cache_pytrees,
    ),
    _m(
        "index_off_by_one",
        "GraphDef indices start at 1 instead of 0",
        "PT-2 GD-2",
        flatten_bugs.first_index_one,
    ),
    _m(
        "arrays_static",
        "an array attribute becomes a static attribute instead of an error",
        "ERR-7",
        flatten_bugs.arrays_static,
    ),
    _m(
        "statics_copied",
        "static values are copied into the GraphDef instead of kept by reference",
        "STAT-1",
        flatten_bugs.statics_copied,
    ),
    _m(
        "state_leaves_live",
        "state / split return the live Variables instead of snapshots",
        "ST-4",
        flatten_bugs.live_leaves,
    ),
    _m(
        "recursive_flatten",
        "flatten recurses (one Python frame per level): a depth ceiling",
        "ROB-1 ROB-2",
        flatten_bugs.recursive_flatten,
    ),
    _m(
        "attributes_insertion_order",
        "module attributes flatten in insertion order instead of sorted order",
        "GD-2 ST-2",
        _attributes_in_insertion_order,
    ),
    _m(
        "dict_keys_insertion_order",
        "dict keys flatten in insertion order instead of sorted order",
        "GD-2 ST-2",
        _dict_keys_in_insertion_order,
    ),
    # merge / clone
    _m(
        "merge_reuses_live_variables",
        "split returns live Variables and merge reuses them instead of copying",
        "RT-4 CL-2 ST-4",
        _merge_reuses_live_variables,
    ),
    _m(
        "merge_by_position",
        "merge matches state leaves to the GraphDef by position, not by key",
        "ERR-3 ERR-10",
        _unflatten_preprocess(_by_position),
    ),
    _m(
        "merge_ignores_unknown_keys",
        "merge silently drops state entries the GraphDef does not know",
        "ERR-2",
        _unflatten_preprocess(_drop_unknown),
    ),
    _m(
        "merge_invents_missing_leaves",
        "merge fills a missing Variable with zeros instead of failing",
        "ERR-1",
        _unflatten_preprocess(_invent_missing),
    ),
    _m(
        "merge_ignores_static_state",
        "merge silently ignores a state entry at a static attribute",
        "ERR-4",
        _unflatten_preprocess(_drop_at("STATIC")),
    ),
    _m(
        "merge_ignores_leaf_for_subgraph",
        "merge silently ignores a leaf standing where a subgraph belongs",
        "ERR-5",
        _unflatten_preprocess(_drop_at("SUB")),
    ),
    _m(
        "cycles_registered_late",
        "merge registers a graph node only after its children are built",
        "CYC-2 RT-1 CL-1",
        _cycles_registered_late,
    ),
    _m(
        "back_refs_become_fresh_nodes",
        "merge builds a new empty node for a reference to an ancestor (cycles become copies)",
        "CYC-2 RT-1 CL-1",
        _back_refs_become_fresh_nodes,
    ),
    _m(
        "merge_aliases_equal_containers",
        "merge reuses one rebuilt container for containers with equal contents",
        "PT-1",
        _merge_aliases_equal_containers,
    ),
    _m(
        "clone_shares_variables",
        "clone reuses the original Variables (index map seeded from the split)",
        "CL-2",
        _clone_shares_variables,
    ),
    _m(
        "merge_shares_metadata",
        "merge gives each Variable it builds the state leaf's own metadata dict, not a copy",
        "OWN-3 OWN-8",
        _merge_shares_metadata,
    ),
    _m(
        "split_shares_metadata",
        "split's state leaves hold their Variable's own metadata dict, not a copy",
        "OWN-1 OWN-2 OWN-5 OWN-7 OWN-8",
        _split_shares_metadata,
    ),
    _m(
        "contexts_live_on_after_exit",
        "split_context / merge_context keep their maps at exit: a stale handle works on",
        "ERR-15",
        _contexts_live_on_after_exit,
    ),
    _m(
        "leaves_share_metadata",
        "split's state leaves and merge's Variables hold one another's metadata dicts",
        "OWN-1 OWN-2 OWN-3 OWN-7 OWN-8",
        _leaves_share_metadata,
    ),
    _w(
        "update_shares_metadata",
        "update leaves each Variable it writes holding the state leaf's own metadata dict",
        "OWN-4",
        _UpdateSharesMetadata,
    ),
    # update
    _m(
        "update_only_one_alias",
        "update replaces the Variable at the state's path instead of writing in place",
        "UPD-1 UPD-2",
        _update_wrapper(_only_one_alias),
    ),
    _m(
        "update_non_atomic",
        "update applies the valid leaves before raising for a bad one",
        "ERR-9 UPD-6",
        _update_wrapper(_non_atomic),
    ),
    _m(
        "update_drops_new_keys",
        "update silently ignores leaves at keys a graph node lacks",
        "UPD-5",
        _update_wrapper(_drop_new_keys(pytrees=False)),
    ),
    _m(
        "update_pytree_new_key_silent",
        "update silently ignores leaves at keys a pytree container lacks",
        "UPD-6",
        _update_wrapper(_drop_new_keys(pytrees=True)),
    ),
    _m(
        "update_stores_variablestate",
        "update stores a new leaf's VariableState itself as the attribute",
        "UPD-5",
        _update_wrapper(_update_stores_variablestate),
    ),
    _m(
        "update_keeps_old_metadata",
        "update writes a leaf's value but keeps the Variable's old metadata",
        "UPD-7",
        _update_wrapper(_update_keeps_old_metadata),
    ),
    _m(
        "update_second_alias_recreates",
        "a key new on a shared node, given through two of its paths, is made afresh at the "
        "second instead of updated",
        "UPD-11",
        _update_wrapper(_second_alias_recreates),
    ),
    _m(
        "update_raw_values_clear_metadata",
        "update with a plain array for a Variable's leaf drops the Variable's metadata",
        "UPD-10",
        _update_wrapper(_update_raw_values_clear_metadata),
    ),
    _m(
        "update_mapping_check_dict_only",
        "update rejects a dict given for a Variable but stores a State (any other mapping) "
        "as its value",
        "ERR-11",
        _update_mapping_check_dict_only,
    ),
    _m(
        "update_error_paths_lose_prefix",
        "update's errors report the failing key without the keys above it",
        "ERR-12 ERR-11 ERR-9",
        _update_wrapper(_update_error_paths_lose_prefix),
    ),
    _m(
        "update_trusts_the_type_cache",
        "update trusts its type cache: a value whose type no split has met (a new Variable "
        "type), or met as a leaf (a jax pytree registered since), is taken for a static",
        "UPD-9 PT-4",
        _update_trusts_the_type_cache,
    ),
    # pop
    _m(
        "pop_first_alias_only",
        "pop removes a shared Variable from its first attribute only",
        "POP-2 POP-1",
        _pop_variant("first_alias"),
    ),
    _m(
        "pop_keeps_variables",
        "pop returns the matched Variables but leaves them in the graph",
        "POP-1 POP-2",
        _pop_variant("keep"),
    ),
    _m(
        "pop_non_atomic",
        "pop removes Variables one by one and fails midway on a pytree container",
        "POP-1",
        _pop_variant("non_atomic"),
    ),
    _m(
        "pop_blames_the_first_found",
        "pop's error names a place of the Variable it found first, not the first place in "
        "traversal order",
        "POP-5",
        _pop_blames_the_first_found,
    ),
    _m(
        "pop_without_filter",
        "pop with no filter pops everything instead of raising",
        "POP-3",
        _pop_without_filter,
    ),
    # iter_graph, variables
    _m(
        "iter_graph_repeats_variables",
        "iter_graph yields a shared Variable at every path",
        "IT-1 VAR-1",
        _iter_graph(repeat_variables=True),
    ),
    _m(
        "iter_graph_pre_order",
        "iter_graph yields a node before its children (pre-order)",
        "IT-1",
        _iter_graph(pre_order=True),
    ),
    _m(
        "iter_graph_dedupes_pytrees",
        "iter_graph yields a pytree container (None, ()) only once per identity",
        "IT-1",
        _iter_graph(dedupe_pytrees=True),
    ),
    _m(
        "variables_n_plus_2",
        "variables() returns n + 2 groups for n >= 2 filters",
        "VAR-1",
        _variables("n_plus_2"),
    ),
    _m(
        "variables_returns_copies",
        "variables() returns VariableState copies instead of the live Variables",
        "VAR-1",
        _variables("copies"),
    ),
    # filters
    _m(
        "catch_all_matches_first",
        "`...` / True takes every leaf before the filters in front of it are tried",
        "FLT-1 FLT-4",
        _bucket("catch_all_first"),
    ),
    _m(
        "last_filter_wins",
        "a leaf goes to the last matching filter instead of the first",
        "FLT-1 FLT-4",
        _bucket("last_wins"),
    ),
    _m(
        "one_is_true",
        "the integer 1 counts as True (a catch-all) in filters",
        "FLT-7 FLT-3",
        _one_is_true,
    ),
    _m(
        "catch_all_order_unchecked",
        "a filter after `...` / True is accepted (and never matches)",
        "FLT-3",
        _order_unchecked,
    ),
    _m(
        "nonexhaustive_split_silent",
        "split drops the leaves no filter matches instead of raising",
        "FLT-2",
        _nonexhaustive_silent,
    ),
    _m(
        "path_contains_last_key_only",
        "PathContains(k) only looks at the last key of the path",
        "FLT-5",
        _filter_call("PathContains", _path_contains_last),
    ),
    _m(
        "path_in_matches_prefixes",
        "PathIn(*ps) also takes the leaves below a listed path",
        "FLT-10",
        _filter_call("PathIn", _path_in_prefixes),
    ),
    _m(
        "path_in_keys_as_strings",
        "PathIn compares paths with every key as a string (1 and '1' are one key)",
        "FLT-10",
        _filter_call("PathIn", _path_in_spelled),
    ),
    _m(
        "oftype_exact_type",
        "OfType / type filters match the exact type, not subclasses",
        "FLT-6 FLT-1 FLT-4",
        _filter_call("OfType", _of_type_exact),
    ),
    _m(
        "all_acts_as_any",
        "All(f, g) matches when any of its filters matches",
        "FLT-1 FLT-4",
        _filter_call("All", _all_as_any),
    ),
    _m(
        "combinators_remember_paths",
        "an Any / All / Not object answers a path as it did the first time (across graphs)",
        "FLT-8",
        _combinators_remember_paths,
    ),
    _m(
        "not_is_type_only",
        "Not(f) is marked type-only, so its answers are cached per Variable type",
        "FLT-9",
        _not_type_only,
    ),
    # contexts
    _m(
        "split_context_fresh_refmap",
        "split_context starts a new index space for every split",
        "CTX-1",
        _split_context_fresh_refmap,
    ),
    _m(
        "merge_context_ref_copies",
        "merging a bare reference in a merge_context gives a copy of the node",
        "CTX-2",
        _merge_context_ref_copies,
    ),
    _m(
        "context_maps_not_cleared",
        "the update context keeps its reference maps after step (4) and on exit",
        "UCTX-4",
        _maps_not_cleared,
    ),
    _m(
        "context_maps_kept_until_exit",
        "step (4) keeps the update context's reference maps until the context exits (the seed)",
        "UCTX-4",
        _maps_kept_until_exit,
    ),
    _m(
        "tagged_split_unstamped",
        "a tagged split_context's split stamps no outer indices into step (3)'s graphdef",
        "UCTX-10",
        _tagged_split_unstamped,
    ),
    _m(
        "thread_global_contexts",
        "the update-context stacks are global instead of thread-local",
        "UCTX-5",
        _thread_global,
    ),
    _m(
        "context_order_unchecked",
        "out-of-order update-context calls silently take another branch",
        "UCTX-6",
        _order_unchecked_context,
    ),
    _m(
        "step4_new_outer_objects",
        "step (4) builds new outer objects instead of reusing the outer ones",
        "UCTX-1 UCTX-2 UCTX-3 UCTX-7 JIT-3",
        _step4_new_objects,
    ),
    _m(
        "step4_loses_statics",
        "step (4) drops static attributes when it re-initialises a reused node",
        "UCTX-1 UCTX-2 UCTX-7 JIT-3",
        _commit_variant("drop_statics"),
    ),
    _m(
        "step4_no_clear",
        "step (4) does not clear a reused node, so deleted attributes survive",
        "UCTX-2 UCTX-7 JIT-3",
        _commit_variant("no_clear"),
    ),
    _m(
        "step4_drops_new_attributes",
        "step (4) drops attributes created inside the transform",
        "UCTX-2 UCTX-7 JIT-3",
        _commit_variant("drop_new_attributes"),
    ),
    _m(
        "step4_new_variables",
        "step (4) replaces reused Variables by new ones (same values, new identity)",
        "UCTX-3",
        _step4_new_variables,
    ),
    _m(
        "step4_cache_by_outer_index",
        "step (4) reuses the outer object with the same index, ignoring the index mapping",
        "UCTX-2 UCTX-3",
        _cache_by_outer_index,
    ),
    _m(
        "step4_wrong_device",
        "step (4) commits values to the last device instead of leaving them where they are",
        "BE-2",
        _commit_variant("wrong_device"),
    ),
    _m(
        "current_context_autocreate",
        "current_update_context makes a new context when none is active",
        "ERR-8 UCTX-8",
        _current_context_autocreate,
    ),
    # GraphDef
    _m(
        "graphdef_eq_ignores_metadata",
        "GraphDef equality and hash ignore Variable metadata",
        "GD-4",
        _graphdef_eq("ignore_metadata"),
    ),
    _m(
        "hash_ignores_statics",
        "the GraphDef hash ignores static values and equality compares hashes",
        "GD-4",
        _graphdef_eq("hash_ignores_statics"),
    ),
    _m(
        "graphdef_keys_as_strings",
        "GraphDef equality and hash compare attribute keys as strings (1 and '1' are one key)",
        "EQ-1",
        _graphdef_eq("keys_as_strings"),
    ),
    _m(
        "graphdef_statics_by_identity",
        "GraphDef equality and hash compare static values by identity, not by ==",
        "EQ-1 GD-3",
        _graphdef_eq("statics_by_identity"),
    ),
    _m(
        "metadata_hash_by_insertion_order",
        "Variable metadata in a GraphDef hashes in insertion order, while == ignores the order",
        "EQ-1 MD-2",
        _metadata_hash_by_insertion_order,
    ),
    _m(
        "state_hashable_by_identity",
        "a State is hashable (by identity), though it is a mutable mapping",
        "EQ-3",
        _state_hashable,
    ),
    _m(
        "unhashable_error_unnamed",
        "hashing a GraphDef with an unhashable static names no attribute",
        "ERR-6",
        _unhashable_unnamed,
    ),
    _m(
        "metadata_unhashable_error_unnamed",
        "hashing a GraphDef whose Variable metadata is unhashable names no attribute",
        "ERR-6",
        _metadata_unhashable_unnamed,
    ),
    _m(
        "graphdef_not_reflexive",
        "a GraphDef is not equal to itself (== compares an object with itself as unequal)",
        "EQ-1",
        _graphdef_eq_variant("not_reflexive"),
    ),
    _m(
        "graphdef_equals_other_kinds",
        "a GraphDef equals any object that is not a GraphDef",
        "EQ-1",
        _graphdef_eq_variant("equals_other_kinds"),
    ),
    _m(
        "graphdef_repr_keys_unquoted",
        "a GraphDef's repr writes keys with str, not repr (1 and '1' read the same)",
        "EQ-4",
        _repr_keys_unquoted,
    ),
    _m(
        "state_repr_hides_metadata",
        "a State's repr leaves out every leaf's metadata (Param(0.) and Param(0., note=1) read"
        " the same)",
        "EQ-5",
        _state_repr_hides_metadata,
    ),
    _m(
        "state_sub_by_top_key",
        "s - other drops every leaf under a top-level key other touches, not just other's paths",
        "SURF-5",
        _state_sub_by_top_key,
    ),
    _m(
        "from_flat_path_overwrites_leaves",
        "State.from_flat_path replaces a leaf by a subtree when a later path runs through it",
        "ERR-17",
        _from_flat_path_overwrites_leaves,
    ),
    _m(
        "set_attributes_through_modules_only",
        "Module.set_attributes / train / eval walk Module attributes only, missing the Modules"
        " held in lists and dicts",
        "SURF-6",
        _set_attributes_through_modules_only,
    ),
    _m(
        "filter_equality_ignores_order",
        "Any / All / Not compare and hash their terms as a set: Any(a, b) == Any(b, a)",
        "FLT-11",
        _filter_equality_ignores_order,
    ),
    _m(
        "axis_hooks_skip_variable_states",
        "VariableState.add_axis / remove_axis never call the axis metadata hooks",
        "VAR-3",
        _axis_hooks_skip_variable_states,
    ),
    _m(
        "is_node_type_graph_only",
        "is_node_type is True for graph node types only, not for list, tuple, dict or None",
        "PT-5",
        _is_node_type_graph_only,
    ),
    _m(
        "variable_repr_hides_metadata",
        "a Variable's repr shows its type and value, none of its metadata",
        "SURF-7",
        _variable_repr_hides_metadata,
    ),
    _m(
        "ref_map_contains_by_equality",
        "key in RefMap compares keys by ==, so an equal but distinct object is found",
        "SURF-8",
        _ref_map_contains_by_equality,
    ),
    _m(
        "registration_replaces",
        "register_graph_node_type / register_pytree_node_type of a registered type replace its"
        " hooks instead of raising",
        "PT-6",
        _registration_replaces,
    ),
    _m(
        "inplace_operators_rebind",
        "v += y gives back the bare sum, leaving the Variable unchanged",
        "VAR-4",
        _inplace_operators_rebind,
    ),
    _m(
        "variable_eq_ignores_metadata",
        "v == w compares the Variables' type and value only, not their metadata",
        "VAR-5",
        _variable_eq_ignores_metadata,
    ),
    _m(
        "deepcopy_gives_the_value",
        "copy.deepcopy of a Variable gives a deep copy of its bare value",
        "VAR-6",
        _deepcopy_gives_the_value,
    ),
    _m(
        "step4_keeps_outer_metadata",
        "step (4) writes the outer Variables' values but keeps their metadata",
        "UCTX-11",
        _commit_variant("keep_variable_metadata"),
    ),
    _m(
        "dict_keywords_ignored",
        "Dict(**entries) ignores its keyword arguments",
        "SURF-9",
        _dict_keywords_ignored,
    ),
    _m(
        "nested_states_asserted_away",
        "a State built from a dict keeps the States it holds, and merge asserts plain dicts",
        "RT-7",
        _nested_states_asserted_away,
    ),
    _m(
        "update_variable_leaves_value_only",
        "update writes a live Variable leaf's value but not its metadata",
        "UPD-12",
        _update_variable_leaves_value_only,
    ),
    _m(
        "nodedef_constructor_drops_metadata",
        "NodeDef(type, index, attributes, metadata) keeps None for the node's metadata",
        "GD-6",
        _nodedef_drops_metadata,
    ),
    _m(
        "variable_replace_writes_source",
        "Variable.replace also writes the new metadata into the Variable it copies",
        "VAR-2",
        _replace_writes_source,
    ),
    # call, apply, State.merge
    _m(
        "call_mutates_input_state",
        "call writes the new values back into the state it was given",
        "CALL-1",
        _call_mutates_input,
    ),
    _m(
        "apply_returns_input_state",
        "GraphDef.apply returns the state it was given instead of the new split",
        "CALL-2",
        _apply_returns_input,
    ),
    _m(
        "merge_first_state_wins",
        "merging several states keeps the first leaf at a path, not the last",
        "RT-5",
        _merge_first_wins,
    ),
    # wrappers
    _w(
        "state_ignores_single_filter",
        "state(x, f) with one filter ignores the filter",
        "FLT-4",
        _StateIgnoresSingleFilter,
    ),
    _w(
        "graphdef_with_index_mapping",
        "graphdef(x) carries an (empty) index mapping that split's does not",
        "GD-1 RT-2",
        _GraphdefWithIndexMapping,
    ),
    _w(
        "split_caches_on_node",
        "split leaves a cache attribute on the node it splits",
        "ID-2",
        _SplitCachesOnNode,
    ),
    _w(
        "split_nondeterministic",
        "split stamps a fresh trace id into every graphdef",
        "ID-1",
        _SplitNondeterministic,
    ),
    _w(
        "graphdef_identity_stamp",
        "graphdef(x) depends on the identity of x",
        "ID-3",
        _GraphdefIdentityStamp,
    ),
    _w(
        "state_order_differs_from_split",
        "state(x) lists its leaves in another order than split(x)",
        "ST-3 ST-2",
        _StateReversed,
    ),
    _w(
        "iter_graph_yields_copies",
        "iter_graph yields copies of the Variables instead of the live ones",
        "IT-2",
        _IterGraphCopies,
    ),
    _w(
        "split_leaks_graphdefs",
        "split keeps every result in a cache that is never evicted",
        "ROB-7",
        _SplitLeaksGraphdefs,
    ),
    _w(
        "size_capped_flatten",
        "split silently drops leaves deeper than 64 levels or beyond the 512th",
        "ROB-1 ROB-2 ROB-3",
        _SizeCapped,
    ),
    _m(
        "state_lacks_replace_by_pure_dict",
        "State has no replace_by_pure_dict (checkpoints cannot be restored into a State)",
        "SURF-1",
        _state_lacks("replace_by_pure_dict"),
    ),
    _m(
        "state_lacks_map",
        "State has no map",
        "SURF-1",
        _state_lacks("map"),
    ),
    _m(
        "pure_dict_string_indices_unread",
        "replace_by_pure_dict looks keys up as given: a checkpoint's string list indices miss",
        "SURF-2",
        _pure_dict_keys_as_given,
    ),
    _m(
        "pure_dict_drops_metadata",
        "replace_by_pure_dict rebuilds each leaf from its type and value, losing its metadata",
        "SURF-2",
        _pure_dict_drops_metadata,
    ),
    _m(
        "state_map_in_place",
        "State.map writes into the State itself instead of building a new one",
        "SURF-2",
        _map_in_place,
    ),
    _m(
        "context_maps_kept_after_exit",
        "split_context / merge_context keep their reference maps after exit",
        "SURF-3",
        _context_maps_kept_after_exit,
    ),
    _m(
        "state_split_drops_remainder",
        "State.split drops the leaves no filter matches instead of raising",
        "SURF-4",
        _state_split_as_filter,
    ),
    _m(
        "state_filter_last_match_wins",
        "State.filter puts a leaf in the last filter that matches it",
        "SURF-4",
        _state_filter_last_match,
    ),
    _m(
        "shared_subgraph_state_unchecked",
        "merge ignores a state leaf at a shared subgraph's second path",
        "ERR-5",
        _unflatten_preprocess(_drop_at("SUB_REF")),
    ),
    # user-written classes
    _m(
        "bookkeeping_through_setattr_at_construction",
        "constructing a Module stores its object state through the class's own __setattr__",
        "USER-1",
        user_bugs.bookkeeping_through_setattr_at_construction,
    ),
    _m(
        "bookkeeping_through_setattr_in_create_empty",
        "merge / clone / unflatten store a rebuilt node's object state through its __setattr__",
        "USER-1",
        user_bugs.bookkeeping_through_setattr_in_create_empty,
    ),
    _m(
        "bookkeeping_through_setattr_in_clone",
        "clone resets every new node's object state through its __setattr__",
        "USER-1",
        user_bugs.bookkeeping_through_setattr_in_clone,
    ),
    _m(
        "bookkeeping_through_setattr_in_update",
        "update resets every node's object state through its __setattr__",
        "USER-1",
        user_bugs.bookkeeping_through_setattr_in_update,
    ),
    _m(
        "bookkeeping_through_setattr_in_pop",
        "pop resets every node's object state through its __setattr__",
        "USER-1",
        user_bugs.bookkeeping_through_setattr_in_pop,
    ),
    _m(
        "pytree_keyword_rejected",
        "Module.__init_subclass__ takes no keyword: experimental_pytree=True raises TypeError",
        "USER-2",
        user_bugs.pytree_keyword_rejected,
    ),
    _m(
        "pytree_keyword_ignored",
        "experimental_pytree=True is accepted but the class is not registered with jax",
        "USER-2",
        user_bugs.pytree_keyword_ignored,
    ),
)
"""Every hand-written mutant, in catalogue order."""
