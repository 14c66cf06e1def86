"""The small pools every strategy draws names and leaf values from, and the leaf strategies.

Pools are deliberately small so that independently drawn pieces meet: a tag filter names a tag
some Variable carries, a ``PathContains`` key names a key some node uses, a mutation program
re-uses attribute names.  Every pool lists its simplest member first (what shrinking goes to).
"""

from __future__ import annotations

import functools

from hypothesis import strategies as st

from spec.blueprint import VARIABLE_TYPES, MetaValue, StaticValue, Unhashable, VarSpec

__all__ = [
    "KEY_POOL",
    "META_NAMES",
    "TAGS",
    "VARIABLE_TYPE_ORDER",
    "integers",
    "metadata",
    "static_values",
    "variable_specs",
]

KEY_POOL: tuple[str, ...] = tuple("abcdefghjkmnpqrstuvwxyz")
"""Attribute and field names: single letters (no ``i``, ``l``, ``o``: they read like digits).

Letters on both sides of ``m`` make ``CallableFilter("last_key_before_m")`` split real graphs;
none of them is a Module method, a ``nnx.Dict`` method or a namedtuple method."""

TAGS: tuple[str, ...] = ("red", "blue", "green")
"""Values of the ``tag`` metadata, shared with tag filters."""

META_NAMES: tuple[str, ...] = ("tag", "note", "group", "level")
"""Metadata names (``tag`` first: the one string filters look at)."""

VARIABLE_TYPE_ORDER: tuple[str, ...] = (
    "Param",
    "BatchStat",
    "Cache",
    "Intermediate",
    "Variable",
    "UserVariable",
)
"""Variable types, simplest (``Param``) first."""
assert set(VARIABLE_TYPE_ORDER) == set(VARIABLE_TYPES)  # sanity check: keep in step with the spec


@functools.cache
def integers(min_value: int, max_value: int) -> st.SearchStrategy[int]:
    """``st.integers``, built once per bounds (building and validating strategies on every draw
    costs more than drawing from them)."""
    return st.integers(min_value, max_value)


_SCALARS: st.SearchStrategy[MetaValue] = st.one_of(
    st.integers(-3, 9),
    st.booleans(),
    st.none(),
    st.text(alphabet="abxyz", max_size=3),
    st.floats(-4.0, 4.0, allow_nan=False, allow_infinity=False, allow_subnormal=False),
)


def _meta_values() -> st.SearchStrategy[MetaValue]:
    """Hashable metadata values: scalars, strings and tuples of them (one level); shrinks to 0."""
    return st.one_of(_SCALARS, st.lists(_SCALARS, max_size=2).map(tuple))


_META_VALUES = _meta_values()
_META_NAME_LISTS = st.lists(st.sampled_from(META_NAMES), max_size=2, unique=True)
_TAG_VALUES = st.sampled_from(TAGS)


@st.composite
def _metadata(draw: st.DrawFn) -> tuple[tuple[str, MetaValue], ...]:
    names = sorted(draw(_META_NAME_LISTS))
    return tuple((n, draw(_TAG_VALUES if n == "tag" else _META_VALUES)) for n in names)


_METADATA = _metadata()


def metadata() -> st.SearchStrategy[tuple[tuple[str, MetaValue], ...]]:
    """Draw sorted ``(name, value)`` metadata; ``tag`` holds a string of ``TAGS``.

    Shrinks towards no metadata, then towards ``tag='red'``.
    """
    return _METADATA


@functools.cache
def variable_specs(dtypes: tuple[str, ...]) -> st.SearchStrategy[VarSpec]:
    """Draw a VarSpec: type, shape of rank <= 2 with dims 1..3, a dtype of ``dtypes``, a seed in
    0..40 and metadata.  Shrinks towards ``Param``, shape ``()``, ``dtypes[0]``, seed 0, no
    metadata.
    """
    return st.builds(
        VarSpec,
        type=st.sampled_from(VARIABLE_TYPE_ORDER),
        shape=st.lists(st.integers(1, 3), max_size=2).map(tuple),
        dtype=st.sampled_from(dtypes),
        seed=st.integers(0, 40),
        metadata=metadata(),
    )


@functools.cache
def static_values(*, unhashable: bool = True) -> st.SearchStrategy[StaticValue]:
    """Draw a static attribute value: a small int, a bool, a short string, a finite float or
    (with ``unhashable``) an ``Unhashable`` set.  Shrinks towards the int 0."""
    options: list[st.SearchStrategy[StaticValue]] = [
        st.integers(-3, 9),
        st.booleans(),
        st.text(alphabet="abxyz", max_size=3),
        st.floats(-4.0, 4.0, allow_nan=False, allow_infinity=False, allow_subnormal=False),
    ]
    if unhashable:
        options.append(
            st.lists(st.integers(0, 3), max_size=2, unique=True).map(
                lambda xs: Unhashable(tuple(sorted(xs)))
            )
        )
    return st.one_of(*options)
