"""``State``: a nested mapping of leaves (usually VariableStates), and its flat views.

Contract:

- A ``State`` wraps a nested ``dict``; sub-mappings are subtrees, anything else is a
  leaf. ``s[k]`` returns a ``State`` *view* (no copy) for subtrees; ``raw_mapping`` is
  the underlying dict.
- Flat views list ``(path, leaf)`` in insertion order; empty sub-mappings contribute
  nothing.
- ``State`` is a jax pytree: children are the items sorted by key (``DictKey`` keys),
  aux data is the sorted key tuple, so ``jax.tree_util.*_with_path`` works on it.
- Every walk over a nested state here is iterative (explicit stacks), so states as deep
  as the graphs they come from are fine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from typing import Any, Generic, TypeVar, overload

from reference._filters import Bucketer, Filter, check_filter_order, to_predicate
from reference._jax import DictKey, register_keyed_pytree
from reference._nested import (
    from_flat,
    is_subtree,
    iter_flat,
    merge_nested,
    partition,
    raw_of,
    state_repr,
)
from reference._typing import MISSING, Key, PathParts
from reference.errors import (
    InvalidKeyError,
    NonExhaustiveFiltersError,
    StateStructureError,
    UnknownKeyError,
)

K = TypeVar("K", bound=Key)
V = TypeVar("V")
PathT = TypeVar("PathT", bound=PathParts)


class FlatState(Sequence[tuple[PathParts, V]]):
    """An immutable sequence of ``(path, leaf)`` pairs (``paths`` and ``leaves`` views)."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[tuple[PathParts, V]]) -> None:
        self._items = tuple(items)

    @property
    def paths(self) -> tuple[PathParts, ...]:
        return tuple(path for path, _ in self._items)

    @property
    def leaves(self) -> tuple[V, ...]:
        return tuple(leaf for _, leaf in self._items)

    @overload
    def __getitem__(self, index: int) -> tuple[PathParts, V]: ...
    @overload
    def __getitem__(self, index: slice) -> FlatState[V]: ...
    def __getitem__(self, index: int | slice) -> tuple[PathParts, V] | FlatState[V]:
        if isinstance(index, slice):
            return FlatState(self._items[index])
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"FlatState({list(self._items)!r})"


class State(MutableMapping[K, Any], Generic[K, V]):
    """A nested mapping from keys to leaves ``V`` (VariableStates for graph states).

    ``State(mapping)`` copies the top level; a nested ``State`` value is stored as its
    raw dict. ``State(d, _copy=False)`` wraps the dict ``d`` itself.
    """

    __slots__ = ("__orig_class__", "_mapping")
    _mapping: dict[Any, Any]

    def __init__(
        self, mapping: Mapping[K, Any] | Iterable[tuple[K, Any]] = (), /, *, _copy: bool = True
    ) -> None:
        if _copy:
            source = dict(mapping)
            data = {k: (v._mapping if type(v) is State else v) for k, v in source.items()}
        else:
            if type(mapping) is not dict:
                raise StateStructureError(
                    f"State(..., _copy=False) of a {type(mapping).__name__}",
                    None,
                    "expected a dict",
                )
            data = mapping
        object.__setattr__(self, "_mapping", data)

    @classmethod
    def _wrap(cls, mapping: dict[Any, Any]) -> State[Any, Any]:
        state: State[Any, Any] = object.__new__(State)
        object.__setattr__(state, "_mapping", mapping)
        return state

    def __reduce__(self) -> tuple[Any, ...]:
        return (State._wrap, (self._mapping,))

    @property
    def raw_mapping(self) -> dict[K, Any]:
        """The underlying nested dict (not a copy)."""
        return self._mapping

    # --- mapping protocol ----------------------------------------------------

    def __getitem__(self, key: K) -> State[K, V] | V:
        value = self._mapping[key]
        if is_subtree(value):
            return State._wrap(value if type(value) is dict else dict(value))
        return value  # type: ignore[no-any-return]

    def __setitem__(self, key: K, value: State[K, V] | V) -> None:
        self._mapping[key] = value._mapping if type(value) is State else value

    def __delitem__(self, key: K) -> None:
        del self._mapping[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._mapping)

    def __len__(self) -> int:
        return len(self._mapping)

    def __contains__(self, key: object) -> bool:
        return key in self._mapping

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__") or key == "_mapping":
            raise AttributeError(key)
        try:
            return self[key]  # type: ignore[index]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value: Any) -> None:
        if key == "__orig_class__":
            object.__setattr__(self, key, value)
        else:
            self[key] = value  # type: ignore[index]

    # --- flat views ------------------------------------------------------------

    def flat_state(self) -> FlatState[V]:
        """Return the ``(path, leaf)`` pairs in insertion order."""
        return FlatState(iter_flat(self._mapping))

    @overload
    @classmethod
    def from_flat_path(cls, flat_state: Mapping[PathT, V], /) -> State[Key, V]: ...
    @overload
    @classmethod
    def from_flat_path(cls, flat_state: Iterable[tuple[PathT, V]], /) -> State[Key, V]: ...
    @classmethod
    def from_flat_path(
        cls, flat_state: Mapping[PathT, V] | Iterable[tuple[PathT, V]], /
    ) -> State[Key, V]:
        """Build a State from ``(path, leaf)`` pairs or a ``{path: leaf}`` mapping."""
        pairs = flat_state.items() if isinstance(flat_state, Mapping) else flat_state
        return State._wrap(from_flat(pairs))

    def map(self, f: Callable[[PathParts, V], Any]) -> State[Key, Any]:
        """Return a new State with ``f(path, leaf)`` at each leaf's path (same order)."""
        return State._wrap(
            from_flat((path, f(path, leaf)) for path, leaf in iter_flat(self._mapping))
        )

    def to_pure_dict(self, extract_fn: Callable[[Any], Any] | None = None) -> dict[Key, Any]:
        """Return a nested dict of ``extract_fn(leaf)`` (default: ``leaf.value`` where present)."""
        extract = _leaf_value if extract_fn is None else extract_fn
        return from_flat((path, extract(leaf)) for path, leaf in iter_flat(self._mapping))

    def replace_by_pure_dict(
        self, pure_dict: Mapping[Any, Any], replace_fn: Callable[[V, Any], V] | None = None
    ) -> None:
        """Replace, in place, the leaf at each path of ``pure_dict`` by ``replace_fn(leaf, value)``
        (default: ``leaf.replace(value)`` where the leaf has ``replace``, else ``value``).

        A key of ``pure_dict`` names the state's key equal to it or, for a string that spells an
        integer (as checkpoint formats write list indices), that integer. Paths the pure dict
        leaves out keep their leaves.

        [Deviation D-20] a key is matched as it is before it is read as an integer (the seed
        converted every key with ``int()``, so a state key ``'0'`` could not be matched and a
        float key ``1.5`` matched ``1``), every path is checked and every new leaf computed
        before the first write, and leaves are replaced inside their nested dicts (subtree
        views see them; the seed rebuilt the top-level subtrees).

        Raises:
            UnknownKeyError: a path of ``pure_dict`` is not the path of a leaf of the state
                (a ``ValueError``, as in the seed).
        """
        replace = _replace_leaf if replace_fn is None else replace_fn
        places = [(*_locate(self._mapping, path), value) for path, value in iter_flat(pure_dict)]
        writes = [(parent, key, replace(parent[key], value)) for parent, key, value in places]
        for parent, key, new in writes:
            parent[key] = new

    # --- filtering -------------------------------------------------------------

    @overload
    def split(self, first: Filter, /) -> State[K, V]: ...
    @overload
    def split(
        self, first: Filter, second: Filter, /, *filters: Filter
    ) -> tuple[State[K, V], ...]: ...
    def split(self, first: Filter, /, *filters: Filter) -> State[K, V] | tuple[State[K, V], ...]:
        """Partition into one State per filter; the filters must match every leaf.

        Raises:
            NonExhaustiveFiltersError: some leaf matches no filter.
            FilterOrderError: ``...``/``True`` is not last.
        """
        parts = split_mapping(self._mapping, (first, *filters), exhaustive=True)
        states = tuple(State._wrap(p) for p in parts)
        return states[0] if len(states) == 1 else states

    @overload
    def filter(self, first: Filter, /) -> State[K, V]: ...
    @overload
    def filter(
        self, first: Filter, second: Filter, /, *filters: Filter
    ) -> tuple[State[K, V], ...]: ...
    def filter(self, first: Filter, /, *filters: Filter) -> State[K, V] | tuple[State[K, V], ...]:
        """Like ``split`` but leaves that match no filter are dropped."""
        parts = split_mapping(self._mapping, (first, *filters), exhaustive=False)
        states = tuple(State._wrap(p) for p in parts)
        return states[0] if len(states) == 1 else states

    @staticmethod
    def merge(state: Mapping[K, Any], /, *states: Mapping[K, Any]) -> State[K, Any]:
        """Merge states; later leaves win at the same path. One State is returned as is."""
        if not states:
            return state if type(state) is State else State(state)
        return State._wrap(merge_nested((state, *states)))

    def __or__(self, other: Mapping[K, Any]) -> State[K, Any]:
        return self if not other else State.merge(self, other)

    def __sub__(self, other: Mapping[K, Any]) -> State[K, Any]:
        if not other:
            return self
        drop = {path for path, _ in iter_flat(other)}
        return State._wrap(from_flat((p, x) for p, x in iter_flat(self._mapping) if p not in drop))

    def __repr__(self) -> str:
        return state_repr(self._mapping)


def _leaf_value(leaf: Any) -> Any:
    return leaf.value if hasattr(leaf, "value") else leaf


def _replace_leaf(leaf: Any, value: Any) -> Any:
    return leaf.replace(value) if hasattr(leaf, "replace") else value


def _as_int(key: object) -> object:
    if type(key) is str:
        try:
            return int(key)
        except ValueError:
            pass
    return MISSING


def _locate(mapping: dict[Any, Any], path: PathParts) -> tuple[MutableMapping[Any, Any], Any]:
    """Return the dict holding the leaf at ``path`` (keys matched as ``replace_by_pure_dict``
    says) and the leaf's own key there."""
    level: Mapping[Any, Any] = mapping
    found: list[Any] = []
    for depth, key in enumerate(path):
        real = key if key in level else _as_int(key)
        if real is MISSING or real not in level:
            raise UnknownKeyError(
                f"{key!r} of the pure dict", (*found, key), "expected a key of the state"
            )
        found.append(real)
        value = level[real]
        last = depth == len(path) - 1
        if is_subtree(value) == last:
            raise UnknownKeyError(
                f"{key!r} of the pure dict",
                tuple(found),
                "the state has a subtree there" if last else "the state has a leaf there",
                "a pure dict holds the same paths as the state's leaves",
            )
        if not last:
            level = raw_of(value)
    return level, found[-1]  # type: ignore[return-value]  # a State's subtrees are dicts


def split_mapping(
    mapping: Mapping[Any, Any], filters: Sequence[Filter], *, exhaustive: bool
) -> list[dict[Any, Any]]:
    """Partition a nested mapping by ``filters`` (first match wins); see ``State.split``."""
    check_filter_order(filters)
    predicates = [to_predicate(f) for f in filters]
    parts = partition(mapping, Bucketer(predicates))
    rest = parts.pop()
    if exhaustive and rest:
        raise NonExhaustiveFiltersError(
            "leaves matched by no filter",
            next(iter_flat(rest))[0],
            f"remainder: {state_repr(rest)}",
            "use `...` as the last filter to match all remaining elements",
        )
    return parts


def _sorted_items(state: State[Any, Any]) -> list[tuple[Any, Any]]:
    try:
        return sorted(state._mapping.items())
    except TypeError as error:
        raise InvalidKeyError(
            f"keys {list(state._mapping)!r} of a State",
            None,
            f"expected mutually orderable keys: {error}",
        ) from None


def _flatten_with_keys(state: State[Any, Any]) -> tuple[list[tuple[Any, Any]], tuple[Any, ...]]:
    items = _sorted_items(state)
    return [(DictKey(k), v) for k, v in items], tuple(k for k, _ in items)


def _flatten(state: State[Any, Any]) -> tuple[list[Any], tuple[Any, ...]]:
    items = _sorted_items(state)
    return [v for _, v in items], tuple(k for k, _ in items)


def _unflatten(keys: tuple[Any, ...], children: Iterable[Any]) -> State[Any, Any]:
    return State._wrap(dict(zip(keys, children, strict=True)))


register_keyed_pytree(State, _flatten_with_keys, _unflatten, _flatten)
