# The typed contract of the NNX graph API (seed: flax 0.10.3 ``flax.nnx.graph``).
#
# Implementation-independent: nothing here imports ``reference`` or ``flax``. It says what a
# type checker must conclude about calls into the graph API; the cases in ``typings/cases``
# check an implementation against it, ``nnx_contract.protocols`` states the module's shape
# as Protocols. Where this stub is more precise than the seed's annotations it says so
# ("[precision]"); see typings/README.md for the rules and where Python's type system stops.

import builtins
import contextlib
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, MutableMapping
from types import EllipsisType
from typing import Any as _Any
from typing import Generic, Protocol, TypeAlias, TypeVar, overload

from typing_extensions import Self, Unpack

A = TypeVar("A")
B = TypeVar("B")
M = TypeVar("M")  # the node type: GraphDef[M] merges back into an M
F = TypeVar("F", bound=Callable[..., _Any])
_A_co = TypeVar("_A_co", covariant=True)

# --- keys, paths, filters ---------------------------------------------------------------

Key: TypeAlias = Hashable
"""What a node names a child with (attribute name, sequence index, dict key)."""

PathParts: TypeAlias = tuple[Key, ...]

Predicate: TypeAlias = Callable[[tuple[_Any, ...], _Any], bool]
"""A filter in its final form: ``(path, leaf) -> bool``.

The path is typed ``tuple[Any, ...]``, not ``PathParts``: ``Filter`` holds ``list[Filter]``,
and ``list`` is invariant, so an implementation's Filter alias must be *equivalent* to this
one for its functions to accept this one; implementations type path keys differently (the
seed: an orderable-Hashable Protocol; the reference: ``Hashable``)."""

Filter: TypeAlias = (
    builtins.type[_Any]  # OfType(T)
    | str  # WithTag(s)
    | Predicate  # callables, and the predicate classes below
    | bool  # True: Everything(), False: Nothing()
    | EllipsisType  # ...: Everything()
    | tuple["Filter", ...]  # tuples and lists of filters: Any(*filters)
    | list["Filter"]
    | None  # Nothing()
)
"""Every filter form. Anything else (an int, a dict, a set, ``object()``) is not a filter.

Only lists and tuples are sequences of filters (the seed's ``to_predicate`` tests
``isinstance(f, (list, tuple))``). ``list`` is invariant, so a ``list[type[Param]]``
variable is not a ``list[Filter]``: build such lists with a ``list[Filter]`` annotation, or
pass a tuple. (``Sequence["Filter"]`` would be covariant but also admits sequences the seed
rejects at run time.)"""

class WithTag:
    tag: str
    def __init__(self, tag: str) -> None: ...
    def __call__(self, path: PathParts, x: _Any) -> bool: ...

class PathContains:
    key: Key
    def __init__(self, key: Key) -> None: ...
    def __call__(self, path: PathParts, x: _Any) -> bool: ...

class OfType:
    type: builtins.type[_Any]
    def __init__(self, type: builtins.type[_Any]) -> None: ...
    def __call__(self, path: PathParts, x: _Any) -> bool: ...

class Any:
    def __init__(self, *filters: Filter) -> None: ...
    def __call__(self, path: PathParts, x: _Any) -> bool: ...

class All:
    def __init__(self, *filters: Filter) -> None: ...
    def __call__(self, path: PathParts, x: _Any) -> bool: ...

class Not:
    def __init__(self, filter: Filter, /) -> None: ...
    def __call__(self, path: PathParts, x: _Any) -> bool: ...

class Everything:
    def __call__(self, path: PathParts, x: _Any) -> bool: ...

class Nothing:
    def __call__(self, path: PathParts, x: _Any) -> bool: ...

def to_predicate(filter: Filter) -> Predicate: ...

# --- Variables ----------------------------------------------------------------------------

class Variable(Generic[A]):
    """A mutable cell: ``Param(1.0)`` is a ``Param[float]``, its ``value`` a ``float``."""

    raw_value: A
    def __init__(self, value: A, **metadata: _Any) -> None: ...
    @property
    def value(self) -> A: ...
    @value.setter
    def value(self, value: A) -> None: ...
    def get_metadata(self) -> dict[str, _Any]: ...
    def to_state(self) -> VariableState[A]: ...
    def update_from_state(self, variable_state: VariableState[A]) -> None: ...
    def copy(self) -> Self: ...

class Param(Variable[A]): ...
class BatchStat(Variable[A]): ...
class Cache(Variable[A]): ...
class Intermediate(Variable[A]): ...

class VariableState(Generic[A]):
    """The snapshot of a Variable held in a State: its type, value and metadata."""

    type: builtins.type[Variable[A]]
    value: A
    def __init__(self, type: builtins.type[Variable[A]], value: A, **metadata: _Any) -> None: ...
    def get_metadata(self) -> dict[str, _Any]: ...
    def to_variable(self) -> Variable[A]: ...

# --- State, GraphDef ------------------------------------------------------------------------

K = TypeVar("K", bound=Key)
V = TypeVar("V")

class State(MutableMapping[K, _Any], Generic[K, V]):
    """A nested mapping from keys to leaves ``V`` (sub-States at inner nodes)."""

    def __init__(self, mapping: Mapping[K, _Any] | Iterable[tuple[K, _Any]] = (), /) -> None: ...
    def __getitem__(self, key: K) -> State[K, V] | V: ...
    def __setitem__(self, key: K, value: State[K, V] | V) -> None: ...
    def __delitem__(self, key: K) -> None: ...
    def __iter__(self) -> Iterator[K]: ...
    def __len__(self) -> int: ...
    @property
    def raw_mapping(self) -> dict[K, _Any]: ...
    def to_pure_dict(self, extract_fn: Callable[[_Any], _Any] | None = None) -> dict[Key, _Any]: ...
    def replace_by_pure_dict(
        self, pure_dict: Mapping[_Any, _Any], replace_fn: Callable[[V, _Any], V] | None = None
    ) -> None: ...
    def map(self, f: Callable[[tuple[Key, ...], V], _Any]) -> State[Key, _Any]: ...
    @overload
    def split(self, first: Filter, /) -> State[K, V]: ...
    @overload
    def split(
        self, first: Filter, second: Filter, /, *filters: Filter
    ) -> tuple[State[K, V], ...]: ...
    @overload
    def filter(self, first: Filter, /) -> State[K, V]: ...
    @overload
    def filter(
        self, first: Filter, second: Filter, /, *filters: Filter
    ) -> tuple[State[K, V], ...]: ...
    @staticmethod
    def merge(state: Mapping[K, _Any], /, *states: Mapping[K, _Any]) -> State[K, _Any]: ...

GraphState: TypeAlias = State[Key, VariableState[_Any]]
"""What ``split``, ``state`` and ``pop`` return: a State of VariableState snapshots."""

class GraphDef(Generic[M]):
    """The static part of a graph whose root is an ``M``; ``merge`` turns it back into an ``M``."""

    @property
    def type(self) -> builtins.type[M]: ...
    @property
    def index(self) -> int: ...

PureState: TypeAlias = tuple[GraphDef[A], GraphState]

class RefMap(MutableMapping[A, B]):
    """A mapping keyed by object identity (``id``)."""

    def __init__(self, mapping: Mapping[A, B] | Iterable[tuple[A, B]] = (), /) -> None: ...
    def __getitem__(self, key: A) -> B: ...
    def __setitem__(self, key: A, value: B) -> None: ...
    def __delitem__(self, key: A) -> None: ...
    def __iter__(self) -> Iterator[A]: ...
    def __len__(self) -> int: ...

# --- graph nodes --------------------------------------------------------------------------

class Object:
    """Base of user graph nodes; every subclass is a graph node type."""

class Module(Object): ...

# --- the functional API ---------------------------------------------------------------------

# split: one State per filter (one if none). [precision] exactly 2 and 3 filters give exactly
# 3 and 4 items; beyond that, or for a splatted sequence of unknown length (``*filters``),
# at least one State: mypy matches ``split(m, *fs)`` against the first overload taking
# ``*filters``, so that overload must be the sound general one.
@overload
def split(node: M, /) -> tuple[GraphDef[M], GraphState]: ...
@overload
def split(node: M, first: Filter, /) -> tuple[GraphDef[M], GraphState]: ...
@overload
def split(
    node: M, first: Filter, second: Filter, /
) -> tuple[GraphDef[M], GraphState, GraphState]: ...
@overload
def split(
    node: M, first: Filter, second: Filter, third: Filter, /
) -> tuple[GraphDef[M], GraphState, GraphState, GraphState]: ...
@overload
def split(
    node: M, /, *filters: Filter
) -> tuple[GraphDef[M], GraphState, Unpack[tuple[GraphState, ...]]]: ...
def merge(
    graphdef: GraphDef[M], state: Mapping[_Any, _Any], /, *states: Mapping[_Any, _Any]
) -> M: ...
def update(node: object, state: Mapping[_Any, _Any], /, *states: Mapping[_Any, _Any]) -> None: ...

# state / variables / pop: one State for zero (pop: none) or one filter, a tuple for 2+.
@overload
def state(node: object, /) -> GraphState: ...
@overload
def state(node: object, first: Filter, /) -> GraphState: ...
@overload
def state(
    node: object, first: Filter, second: Filter, /, *filters: Filter
) -> tuple[GraphState, ...]: ...
@overload
def variables(node: object, /) -> State[Key, Variable[_Any]]: ...
@overload
def variables(node: object, first: Filter, /) -> State[Key, Variable[_Any]]: ...
@overload
def variables(
    node: object, first: Filter, second: Filter, /, *filters: Filter
) -> tuple[State[Key, Variable[_Any]], ...]: ...
@overload
def pop(node: object, filter: Filter, /) -> GraphState: ...
@overload
def pop(
    node: object, filter: Filter, filter2: Filter, /, *filters: Filter
) -> tuple[GraphState, ...]: ...
def graphdef(node: M, /) -> GraphDef[M]: ...  # [precision] the seed returns GraphDef[Any]
def clone(node: M) -> M: ...
def flatten(
    node: M, /, ref_index: RefMap[_Any, int] | None = None
) -> tuple[GraphDef[M], GraphState]: ...
def unflatten(
    graphdef: GraphDef[M],
    state: Mapping[_Any, _Any],
    /,
    *,
    index_ref: dict[int, _Any] | None = None,
    index_ref_cache: dict[int, _Any] | None = None,
) -> M: ...
def iter_graph(node: object, /) -> Iterator[tuple[PathParts, _Any]]: ...

class ApplyCaller(Protocol[_A_co]):
    """What ``call`` returns. Attribute and item access give another ApplyCaller, calling
    gives ``(output, new (graphdef, state))``. The method's name, parameters and output are
    not known to the checker: ``Any`` in, ``Any`` out (see typings/README.md)."""

    def __getattr__(self, name: str, /) -> ApplyCaller[_A_co]: ...
    def __getitem__(self, key: _Any, /) -> ApplyCaller[_A_co]: ...
    def __call__(self, *args: _Any, **kwargs: _Any) -> tuple[_Any, _A_co]: ...

def call(
    graphdef_state: tuple[GraphDef[A], GraphState], /
) -> ApplyCaller[tuple[GraphDef[A], GraphState]]: ...

# --- contexts -------------------------------------------------------------------------------

class UpdateContext:
    """The four-call protocol: outer split, inner merge, inner split, outer merge."""

    tag: str
    def flatten_end(self, ref_index: RefMap[_Any, int]) -> None: ...
    def unflatten_end(self, index_ref: dict[int, _Any]) -> None: ...
    @overload
    def split(self, node: M, /) -> tuple[GraphDef[M], GraphState]: ...
    @overload
    def split(self, node: M, first: Filter, /) -> tuple[GraphDef[M], GraphState]: ...
    @overload
    def split(
        self, node: M, first: Filter, second: Filter, /
    ) -> tuple[GraphDef[M], GraphState, GraphState]: ...
    @overload
    def split(
        self, node: M, first: Filter, second: Filter, third: Filter, /
    ) -> tuple[GraphDef[M], GraphState, GraphState, GraphState]: ...
    @overload
    def split(
        self, node: M, /, *filters: Filter
    ) -> tuple[GraphDef[M], GraphState, Unpack[tuple[GraphState, ...]]]: ...
    def merge(self, graphdef: GraphDef[M], state: GraphState, *states: GraphState) -> M: ...

class UpdateContextManager:
    """``update_context(tag)``: a context manager giving the UpdateContext, and a decorator
    that keeps the decorated function's type."""

    tag: str
    def __init__(self, tag: str) -> None: ...
    def __enter__(self) -> UpdateContext: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def __call__(self, f: F) -> F: ...

def update_context(tag: str) -> UpdateContextManager: ...
def current_update_context(tag: str) -> UpdateContext: ...

class SplitContext:
    ctxtag: str | None
    @overload
    def split(self, node: M, /) -> tuple[GraphDef[M], GraphState]: ...
    @overload
    def split(self, node: M, first: Filter, /) -> tuple[GraphDef[M], GraphState]: ...
    @overload
    def split(
        self, node: M, first: Filter, second: Filter, /
    ) -> tuple[GraphDef[M], GraphState, GraphState]: ...
    @overload
    def split(
        self, node: M, first: Filter, second: Filter, third: Filter, /
    ) -> tuple[GraphDef[M], GraphState, GraphState, GraphState]: ...
    @overload
    def split(
        self, node: M, /, *filters: Filter
    ) -> tuple[GraphDef[M], GraphState, Unpack[tuple[GraphState, ...]]]: ...

class MergeContext:
    ctxtag: str | None
    def merge(self, graphdef: GraphDef[M], state: GraphState, /, *states: GraphState) -> M: ...

def split_context(ctxtag: str | None = None) -> contextlib.AbstractContextManager[SplitContext]: ...
def merge_context(ctxtag: str | None = None) -> contextlib.AbstractContextManager[MergeContext]: ...
