"""Identity- and value-keyed mappings used by the graph machinery.

- ``RefMap``: a mutable mapping keyed by object *identity*; it keeps its keys alive,
  accepts unhashable keys and iterates in insertion order.
- ``HashableMapping``: an immutable, hashable view of a mapping with value equality.
- ``compose_mapping`` / ``compose_mapping_reversed``: relational composition helpers
  used by the update-context protocol.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, MutableMapping
from typing import Generic, TypeVar

from reference._typing import A, B, C

HA = TypeVar("HA", bound=Hashable)
HB = TypeVar("HB")


class RefMap(MutableMapping[A, B]):
    """A mapping that uses object identity (``id``) as the key.

    Equal-but-distinct keys are different entries. Keys are kept alive for as long as
    they are in the map, so an ``id`` is never reused while it is a key.

    ``_index`` (``id -> value``) and ``_keys`` (``id -> key``) are package-internal:
    the flatten loop writes them directly to avoid a method call per object.
    """

    __slots__ = ("_index", "_keys")

    def __init__(self, mapping: Mapping[A, B] | Iterable[tuple[A, B]] = (), /) -> None:
        self._index: dict[int, B] = {}
        self._keys: dict[int, A] = {}
        self.update(mapping)

    def __getitem__(self, key: A) -> B:
        return self._index[id(key)]

    def __contains__(self, key: object) -> bool:
        return id(key) in self._index

    def __setitem__(self, key: A, value: B) -> None:
        self._index[id(key)] = value
        self._keys[id(key)] = key

    def __delitem__(self, key: A) -> None:
        del self._index[id(key)]
        del self._keys[id(key)]

    def __iter__(self) -> Iterator[A]:
        return iter(list(self._keys.values()))

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        items = ", ".join(f"{self._keys[i]!r}: {v!r}" for i, v in self._index.items())
        return f"RefMap({{{items}}})"


class HashableMapping(Mapping[HA, HB], Generic[HA, HB]):
    """An immutable mapping with value equality and a hash.

    ``hm == other`` holds only for another ``HashableMapping`` with equal contents
    (a plain ``dict`` is never equal). The hash does not depend on key order and
    does not sort keys, so mixed ``int``/``str`` keys hash fine; values must be
    hashable for ``hash`` to succeed. ``copy=False`` wraps ``mapping`` without copying.
    """

    __slots__ = ("_mapping",)

    def __init__(self, mapping: Mapping[HA, HB], copy: bool = True) -> None:
        self._mapping: Mapping[HA, HB] = dict(mapping) if copy else mapping

    def __contains__(self, key: object) -> bool:
        return key in self._mapping

    def __getitem__(self, key: HA) -> HB:
        return self._mapping[key]

    def __iter__(self) -> Iterator[HA]:
        return iter(self._mapping)

    def __len__(self) -> int:
        return len(self._mapping)

    def __hash__(self) -> int:
        return hash(frozenset(self._mapping.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HashableMapping) and self._mapping == other._mapping

    def __repr__(self) -> str:
        return repr(dict(self._mapping))


EMPTY_METADATA: HashableMapping[str, object] = HashableMapping({})


def compose_mapping(map_ab: Mapping[A, B], map_bc: Mapping[B, C], /) -> dict[A, C]:
    """Return ``{a: map_bc[b] for a, b in map_ab.items() if b in map_bc}``."""
    return {a: map_bc[b] for a, b in map_ab.items() if b in map_bc}


def compose_mapping_reversed(map_ab: Mapping[A, B], map_bc: Mapping[B, C], /) -> dict[C, A]:
    """Return ``{map_bc[b]: a for a, b in map_ab.items() if b in map_bc}``."""
    return {map_bc[b]: a for a, b in map_ab.items() if b in map_bc}
