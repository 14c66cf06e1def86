"""Mutants of flatten (split / state / graphdef), written around the reference's own flatten.

Each wraps the public ``flatten_graph(node, ref_index)``: it calls the correct one, then rewrites
its result (the GraphDef's tokens, the nested state, the new entries of ``ref_index``) into what
the buggy flatten would have returned; or it changes what flatten sees through a registry.
Nothing of the reference's traversal is copied.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from typing import Any

from tests.mutants.helpers import (
    MISSING,
    Token,
    around,
    from_flat,
    rebuild,
    ref,
    resolve,
    state_leaves,
    token_paths,
)
from tests.mutants.patch import Patcher

__all__ = [
    "arrays_static",
    "cache_pytrees",
    "first_index_one",
    "forget_variable_refs",
    "last_path",
    "live_leaves",
    "recursive_flatten",
    "statics_copied",
]

Flat = tuple[Any, dict[Any, Any]]
Result = tuple[list[Token], dict[Any, Any], dict[int, int]]
"""The rewritten tokens, the rewritten state, and old index -> new index."""
Rewrite = Callable[[Any, list[Token], dict[Any, Any]], Result]


def _tk() -> Any:
    return ref("reference._tokens")


def _around_flatten(rewrite: Rewrite) -> Callable[[Patcher], None]:
    """A mutant that rewrites ``(tokens, state)`` after the correct flatten of ``node``."""

    def install(p: Patcher) -> None:
        def make(original: Any) -> Any:
            def flatten_graph(node: Any, ref_index: Any = None) -> Flat:
                before = set() if ref_index is None else {id(k) for k in ref_index}
                graphdef, state = original(node, ref_index)
                if type(graphdef) is not ref("reference._graphdef").NodeDef:
                    return graphdef, state
                ops, state, moved = rewrite(node, list(graphdef.tokens()), state)
                if ref_index is not None and moved:
                    for obj in [k for k in ref_index if id(k) not in before]:
                        ref_index[obj] = moved.get(ref_index[obj], ref_index[obj])
                return rebuild(ops), state

            return flatten_graph

        around(p, "reference._flatten", "flatten_graph", make)

    return install


def _renumber(
    ops: list[Token], numbered: Callable[[Token], bool], first: int
) -> tuple[list[Token], dict[int, int]]:
    """Number the defining tokens ``numbered`` accepts from ``first`` on, in token order, and
    point every reference at the new number of the token it referred to."""
    tk = _tk()
    out: list[Token] = []
    moved: dict[int, int] = {}
    counter = first
    for token in ops:
        tag = token[0]
        if tag in (tk.NODE, tk.LEAF_DEF) and numbered(token):
            at = 2 if tag == tk.NODE else 3
            moved.setdefault(token[at], counter)
            token = (*token[:at], counter, *token[at + 1 :])
            counter += 1
        elif tag in (tk.SUB_REF, tk.LEAF_REF):
            token = (*token[:3], moved.get(token[3], token[3]))
        out.append(token)
    return out, moved


def _first_index(ops: list[Token]) -> int:
    tk = _tk()
    found = [
        t[2 if t[0] == tk.NODE else 3]
        for t in ops
        if (t[0] == tk.NODE and t[2] >= 0) or t[0] == tk.LEAF_DEF
    ]
    return min(found) if found else 0


def _graph_or_variable(token: Token) -> bool:
    return bool(token[0] == _tk().LEAF_DEF or token[2] >= 0)


def _state_in_token_order(
    ops: list[Token], leaf_at: Callable[[tuple[Hashable, ...], Token], Any]
) -> dict[Any, Any]:
    tk = _tk()
    pairs = []
    for _, token, keys, _ in token_paths(ops):
        if token[0] == tk.LEAF_DEF:
            path = (*keys, token[1])
            pairs.append((path, leaf_at(path, token)))
    return from_flat(pairs)


# --- the bugs ----------------------------------------------------------------------------------


def _forget(node: Any, ops: list[Token], state: dict[Any, Any]) -> Result:
    tk = _tk()
    metadata = {t[3]: t[4] for t in ops if t[0] == tk.LEAF_DEF}
    if not any(t[0] == tk.LEAF_REF for t in ops):
        return ops, state, {}
    ops = [
        (tk.LEAF_DEF, t[1], t[2], t[3], metadata.get(t[3], {})) if t[0] == tk.LEAF_REF else t
        for t in ops
    ]
    ops, moved = _renumber(ops, _graph_or_variable, _first_index(ops))
    known = dict(state_leaves(state))

    def leaf_at(path: tuple[Hashable, ...], token: Token) -> Any:
        leaf = known.get(path, MISSING)
        return leaf if leaf is not MISSING else resolve(node, path).to_state()

    return ops, _state_in_token_order(ops, leaf_at), moved


forget_variable_refs = _around_flatten(_forget)
"""A Variable seen again is defined again: a new index and a second state entry."""


def _last(node: Any, ops: list[Token], state: dict[Any, Any]) -> Result:
    tk = _tk()
    first: dict[int, tuple[Hashable, ...]] = {}
    last: dict[int, tuple[tuple[Hashable, ...], int]] = {}
    for pos, token, keys, _ in token_paths(ops):
        if token[0] in (tk.LEAF_DEF, tk.LEAF_REF):
            path = (*keys, token[1])
            first.setdefault(token[3], path)
            last[token[3]] = (path, pos)
    leaves = dict(state_leaves(state))
    moved = sorted(
        ((pos, path, leaves[first[i]]) for i, (path, pos) in last.items() if first[i] in leaves),
        key=lambda item: item[0],
    )
    return ops, from_flat([(path, leaf) for _, path, leaf in moved]), {}


last_path = _around_flatten(_last)
"""A shared Variable's state entry is named by its last path, not its first."""


def _pytrees_numbered(node: Any, ops: list[Token], state: dict[Any, Any]) -> Result:
    tk = _tk()
    out: list[Token] = []
    counter = _first_index(ops)
    moved: dict[int, int] = {}  # old index of a graph node or Variable -> new
    containers: dict[int, int] = {}  # id(container) -> its index
    skip_until = -1
    for pos, token, keys, _ in token_paths(ops):
        tag = token[0]
        if pos < skip_until:
            continue
        if tag == tk.NODE and token[2] < 0:  # a pytree container, numbered like a graph node
            obj = resolve(node, tuple(keys))
            if id(obj) in containers:  # met before: a reference, and its subtree goes
                out[-1] = (tk.SUB_REF, out[-1][1], token[1], containers[id(obj)])
                skip_until = pos + 1 + token[5]
                continue
            containers[id(obj)] = counter
            token = (*token[:2], counter, *token[3:])
            counter += 1
        elif tag in (tk.NODE, tk.LEAF_DEF):
            at = 2 if tag == tk.NODE else 3
            moved[token[at]] = counter
            token = (*token[:at], counter, *token[at + 1 :])
            counter += 1
        elif tag in (tk.SUB_REF, tk.LEAF_REF):
            token = (*token[:3], moved.get(token[3], token[3]))
        out.append(token)
    return out, state, moved


cache_pytrees = _around_flatten(_pytrees_numbered)
"""Pytree containers are numbered and referenced like graph nodes (aliased)."""


def _plus_one(node: Any, ops: list[Token], state: dict[Any, Any]) -> Result:
    ops, moved = _renumber(ops, _graph_or_variable, _first_index(ops) + 1)
    return ops, state, moved


first_index_one = _around_flatten(_plus_one)
"""GraphDef indices start at 1 instead of 0."""


def _copies(node: Any, ops: list[Token], state: dict[Any, Any]) -> Result:
    tk = _tk()
    return [(tk.STATIC, t[1], copy.copy(t[2])) if t[0] == tk.STATIC else t for t in ops], state, {}


statics_copied = _around_flatten(_copies)
"""Static values are copied into the GraphDef instead of kept by reference."""


def _live(node: Any, ops: list[Token], state: dict[Any, Any]) -> Result:
    return ops, from_flat([(path, resolve(node, path)) for path, _ in state_leaves(state)]), {}


live_leaves = _around_flatten(_live)
"""state / split return the live Variables instead of snapshots."""


def arrays_static(p: Patcher) -> None:
    """An array attribute becomes a static attribute instead of an error: on the error, the
    array's type is entered in the kind registry as static for the one call, and it is rerun."""
    r = ref("reference._registry")
    errors = ref("reference.errors")

    def make(original: Any) -> Any:
        def flatten_graph(node: Any, ref_index: Any = None) -> Flat:
            added: dict[type, Any] = {}  # array type -> its kind before
            try:
                for _ in range(64):
                    try:
                        return original(node, ref_index)  # type: ignore[no-any-return]
                    except errors.ArrayLeafError as error:
                        t = type(resolve(node, error.path or ()))
                        if t in added or r.KIND.get(t) == r.K_STATIC:
                            raise
                        added[t] = r.KIND.get(t, MISSING)
                        r.KIND[t] = r.K_STATIC
                return original(node, ref_index)  # type: ignore[no-any-return]
            finally:
                for t, kind in added.items():
                    if kind is MISSING:
                        r.KIND.pop(t, None)
                    else:
                        r.KIND[t] = kind

        return flatten_graph

    around(p, "reference._flatten", "flatten_graph", make)


def _visit(value: Any, seen: set[int], on_path: set[int]) -> None:
    """Walk the graph below ``value`` recursively: one Python frame per level."""
    r = ref("reference._registry")
    kind = r.kind_of(value)
    if (
        kind not in (r.K_GRAPH, r.K_PYTREE, r.K_GENERIC)
        or id(value) in seen
        or id(value) in on_path
    ):
        return
    (seen if kind == r.K_GRAPH else on_path).add(id(value))
    for _, item in r.impl_of(value, kind).flatten(value)[0]:
        _visit(item, seen, on_path)
    on_path.discard(id(value))


def recursive_flatten(p: Patcher) -> None:
    """flatten recurses, one Python frame per level of the graph: a depth ceiling."""

    def make(original: Any) -> Any:
        def flatten_graph(node: Any, ref_index: Any = None) -> Flat:
            _visit(node, set(), set())
            return original(node, ref_index)  # type: ignore[no-any-return]

        return flatten_graph

    around(p, "reference._flatten", "flatten_graph", make)
