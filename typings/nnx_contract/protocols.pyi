# The graph API's shape as Protocols: one callable Protocol per function, Protocols for the
# context objects, and ``GraphAPI`` for a whole module, so that mypy can check an
# implementation structurally (``api: GraphAPI[...] = reference``).
#
# Python has no higher-kinded types: a Protocol cannot say "the implementation's own GraphDef
# class, applied to M". So these Protocols are generic in the implementation's concrete types
# (GD = its GraphDef[M], S = its GraphState, ...) and in the node type M. A check binds M to a
# type variable of an enclosing generic function, where it is rigid ("for every M"):
#
#     def conforms(node: M) -> None:
#         api: GraphAPI[M, impl.GraphDef[M], impl.GraphState, ...] = impl
#
# Filters are the contract's structural ``Filter`` (builtins only), so an implementation must
# accept at least every filter form listed there.

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar, overload

from typing_extensions import Unpack

from nnx_contract import ApplyCaller, Filter, PathParts

M = TypeVar("M")
GD = TypeVar("GD")
S = TypeVar("S")
M_co = TypeVar("M_co", covariant=True)
M_contra = TypeVar("M_contra", contravariant=True)
GD_co = TypeVar("GD_co", covariant=True)
GD_contra = TypeVar("GD_contra", contravariant=True)
S_co = TypeVar("S_co", covariant=True)
S_contra = TypeVar("S_contra", contravariant=True)
SV_co = TypeVar("SV_co", covariant=True)
UC_co = TypeVar("UC_co", covariant=True)
SC_co = TypeVar("SC_co", covariant=True)
MC_co = TypeVar("MC_co", covariant=True)
F = TypeVar("F", bound=Callable[..., Any])

# --- functions ----------------------------------------------------------------------------

class SplitFn(Protocol[M_contra, GD_co, S_co]):
    """``split`` (and ``UpdateContext.split``, ``SplitContext.split``): 0-3 filters exactly,
    then any number (including a splatted sequence) giving at least one State."""

    @overload
    def __call__(self, node: M_contra, /) -> tuple[GD_co, S_co]: ...
    @overload
    def __call__(self, node: M_contra, first: Filter, /) -> tuple[GD_co, S_co]: ...
    @overload
    def __call__(
        self, node: M_contra, first: Filter, second: Filter, /
    ) -> tuple[GD_co, S_co, S_co]: ...
    @overload
    def __call__(
        self, node: M_contra, first: Filter, second: Filter, third: Filter, /
    ) -> tuple[GD_co, S_co, S_co, S_co]: ...
    @overload
    def __call__(
        self, node: M_contra, /, *filters: Filter
    ) -> tuple[GD_co, S_co, Unpack[tuple[S_co, ...]]]: ...

class SeedSplitFn(Protocol[M_contra, GD_co, S_co]):
    """``split`` as the seed annotates it: 0 and 1 filter exactly, 2+ a GraphDef then at least
    one State (``SplitFn`` is the contract: exact for 2 and 3 filters)."""

    @overload
    def __call__(self, node: M_contra, /) -> tuple[GD_co, S_co]: ...
    @overload
    def __call__(self, node: M_contra, first: Filter, /) -> tuple[GD_co, S_co]: ...
    @overload
    def __call__(
        self, node: M_contra, first: Filter, second: Filter, /, *filters: Filter
    ) -> tuple[GD_co, S_co, Unpack[tuple[S_co, ...]]]: ...

class MergeFn(Protocol[M_co, GD_contra, S_contra]):
    def __call__(self, graphdef: GD_contra, state: S_contra, /, *states: S_contra) -> M_co: ...

class UpdateFn(Protocol[M_contra, S_contra]):
    def __call__(self, node: M_contra, state: S_contra, /, *states: S_contra) -> None: ...

class StateFn(Protocol[M_contra, S_co]):
    """``state`` and ``variables``: a State for 0 or 1 filter, a tuple of States for 2+."""

    @overload
    def __call__(self, node: M_contra, /) -> S_co: ...
    @overload
    def __call__(self, node: M_contra, first: Filter, /) -> S_co: ...
    @overload
    def __call__(
        self, node: M_contra, first: Filter, second: Filter, /, *filters: Filter
    ) -> tuple[S_co, ...]: ...

class PopFn(Protocol[M_contra, S_co]):
    """``pop``: at least one filter; a State for one, a tuple of States for 2+."""

    @overload
    def __call__(self, node: M_contra, filter: Filter, /) -> S_co: ...
    @overload
    def __call__(
        self, node: M_contra, filter: Filter, filter2: Filter, /, *filters: Filter
    ) -> tuple[S_co, ...]: ...

class GraphdefFn(Protocol[M_contra, GD_co]):
    def __call__(self, node: M_contra, /) -> GD_co: ...

class CloneFn(Protocol[M]):
    def __call__(self, node: M) -> M: ...

class IterGraphFn(Protocol[M_contra]):
    def __call__(self, node: M_contra, /) -> Iterator[tuple[PathParts, Any]]: ...

class CallFn(Protocol[GD, S]):
    def __call__(self, graphdef_state: tuple[GD, S], /) -> ApplyCaller[tuple[GD, S]]: ...

# --- contexts -------------------------------------------------------------------------------

class UpdateContextAPI(Protocol[M, GD, S]):
    """An UpdateContext, for node type M."""

    @property
    def tag(self) -> str: ...
    @property
    def split(self) -> SplitFn[M, GD, S]: ...
    def merge(self, graphdef: GD, state: S, *states: S) -> M: ...

class SplitContextAPI(Protocol[M_contra, GD_co, S_co]):
    @property
    def split(self) -> SplitFn[M_contra, GD_co, S_co]: ...

class MergeContextAPI(Protocol[M_co, GD_contra, S_contra]):
    def merge(self, graphdef: GD_contra, state: S_contra, /, *states: S_contra) -> M_co: ...

class UpdateContextManagerAPI(Protocol[UC_co]):
    """``update_context(tag)``: ``with`` gives the context; as a decorator it keeps the type."""

    def __enter__(self) -> UC_co: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def __call__(self, f: F) -> F: ...

class UpdateContextFn(Protocol[UC_co]):
    def __call__(self, tag: str) -> UpdateContextManagerAPI[UC_co]: ...

class CurrentUpdateContextFn(Protocol[UC_co]):
    def __call__(self, tag: str) -> UC_co: ...

class SplitContextFn(Protocol[SC_co]):
    def __call__(self, ctxtag: str | None = None) -> contextlib.AbstractContextManager[SC_co]: ...

class MergeContextFn(Protocol[MC_co]):
    def __call__(self, ctxtag: str | None = None) -> contextlib.AbstractContextManager[MC_co]: ...

# --- the module -----------------------------------------------------------------------------

class GraphAPI(Protocol[M, GD, S, SV_co, UC_co, SC_co, MC_co]):
    """A graph API module, for node type M: GD its GraphDef[M], S its GraphState, SV its
    State of live Variables, UC / SC / MC its UpdateContext / SplitContext / MergeContext."""

    @property
    def split(self) -> SplitFn[M, GD, S]: ...
    @property
    def merge(self) -> MergeFn[M, GD, S]: ...
    @property
    def update(self) -> UpdateFn[M, S]: ...
    @property
    def state(self) -> StateFn[M, S]: ...
    @property
    def variables(self) -> StateFn[M, SV_co]: ...
    @property
    def pop(self) -> PopFn[M, S]: ...
    @property
    def graphdef(self) -> GraphdefFn[M, GD]: ...
    @property
    def clone(self) -> CloneFn[M]: ...
    @property
    def iter_graph(self) -> IterGraphFn[M]: ...
    @property
    def call(self) -> CallFn[GD, S]: ...
    @property
    def update_context(self) -> UpdateContextFn[UC_co]: ...
    @property
    def current_update_context(self) -> CurrentUpdateContextFn[UC_co]: ...
    @property
    def split_context(self) -> SplitContextFn[SC_co]: ...
    @property
    def merge_context(self) -> MergeContextFn[MC_co]: ...
