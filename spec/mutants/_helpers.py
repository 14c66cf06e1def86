"""Small helpers the mutants share: reading GraphDef tokens and walking live graphs by path."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from typing import Any

__all__ = ["MISSING", "attribute_tokens", "child", "parent_of", "ref", "resolve", "state_leaves"]

MISSING = object()


def ref(module: str) -> Any:
    """Return the module ``module`` untyped: mutants reach into the reference's private names."""
    import importlib

    return importlib.import_module(module)


def attribute_tokens(graphdef: Any) -> Iterator[tuple[tuple[Hashable, ...], tuple[Any, ...]]]:
    """Yield ``(path, token)`` for every attribute token of a reference ``NodeDef``."""
    import importlib

    g = ref("reference._graphdef")
    NODE, NodeDef = g.NODE, g.NodeDef
    tokens = importlib.import_module("reference._tokens") if _has("reference._tokens") else None
    walk = getattr(tokens, "walk", None) or importlib.import_module("reference._graphdef").walk
    if type(graphdef) is not NodeDef:
        return
    for token, keys in walk(graphdef.tokens()):
        if token[0] != NODE:
            yield (*keys, token[1]), token


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def state_leaves(state: Mapping[Any, Any]) -> list[tuple[tuple[Hashable, ...], Any]]:
    """Return the ``(path, leaf)`` pairs of a nested state (State or dict), in order."""
    return list(ref("reference._state").iter_flat(state))


def child(node: Any, key: Hashable) -> Any:
    """Return ``node``'s child at ``key`` (``MISSING`` if ``node`` is not a node or lacks it)."""
    from reference._registry import K_GENERIC, K_GRAPH, K_PYTREE, impl_of, kind_of

    kind = kind_of(node)
    if kind not in (K_GRAPH, K_PYTREE, K_GENERIC):
        return MISSING
    return impl_of(node, kind).node_dict(node).get(key, MISSING)


def resolve(root: Any, path: tuple[Hashable, ...]) -> Any:
    """Return the object at ``path`` below ``root`` (``MISSING`` if there is none)."""
    x = root
    for key in path:
        x = child(x, key)
        if x is MISSING:
            return MISSING
    return x


def parent_of(root: Any, path: tuple[Hashable, ...]) -> Any:
    """Return the object holding the last key of ``path`` (``MISSING`` if there is none)."""
    return resolve(root, path[:-1]) if path else MISSING
