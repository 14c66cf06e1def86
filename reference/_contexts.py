"""Split, merge and update contexts (all bookkeeping is thread-local).

- ``split_context`` / ``merge_context``: share one index space across several splits
  (a RefMap) or merges (an index -> object dict), so references between the pieces
  survive. With a tag they also take part in the update context of that tag.
- ``update_context(tag)``: the four-call protocol that propagates changes made inside a
  transform (new attributes, cycles, swapped Variables, static values) back to the
  *same* outer objects::

      (1) outer split -> (2) inner merge -> (3) inner split -> (4) outer merge

  (3) attaches ``index_mapping`` (outer index -> inner index) to the GraphDef; (4)
  reuses the outer objects for those indices. Under a jit cache hit (2) and (3) do
  not run, so (4) may directly follow (1): the GraphDef's ``index_mapping`` (kept in
  the compiled output) tells them apart.

[Deviation D-11] the protocol is checked: a call that does not fit the current step
(two outer splits, a merge before any split, a second inner merge, ...) raises
``ContextError`` instead of silently taking another branch. The reference maps are
dropped when a round completes (after (4)) and when the context exits, also by an
exception; a closed context raises ``ContextError`` on use. After a completed round
a new round may start with a new outer split.

After exit, as in the seed, a context no longer has its maps: ``UpdateContext`` loses
``ref_index`` and ``index_ref``, ``SplitContext`` its ``ref_index`` and ``ctxtag``,
``MergeContext`` its ``index_ref`` and ``ctxtag`` (``hasattr`` is False), so nothing it
referenced is kept alive by it. [Deviation D-11] a later call raises ``ContextError``
(the seed raised ``AttributeError``).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar, cast, overload

from typing_extensions import Unpack

from reference._api import GraphState, _states
from reference._filters import Filter
from reference._flatten import flatten_graph
from reference._graphdef import GraphDef, NodeDef, with_index_mapping
from reference._jax import register_static
from reference._mappings import RefMap, compose_mapping, compose_mapping_reversed
from reference._state import State
from reference._typing import A
from reference._unflatten import unflatten_graph
from reference.errors import ContextError

F = TypeVar("F", bound=Callable[..., Any])

_FRESH, _SPLIT_OUT, _MERGED_IN, _SPLIT_IN = range(4)
_EXPECTED = {
    _FRESH: "an outer split (1)",
    _SPLIT_OUT: "an inner merge (2) or, after a jit cache hit, the outer merge (4)",
    _MERGED_IN: "an inner split (3)",
    _SPLIT_IN: "the outer merge (4)",
}


class _GraphContext(threading.local):
    def __init__(self) -> None:
        self.update_context_stacks: dict[str, list[UpdateContext]] = {}
        self.ref_index_stack: list[SplitContext] = []
        self.index_ref_stack: list[MergeContext] = []


GRAPH_CONTEXT = _GraphContext()


class UpdateContext:
    """The state of one update-context protocol (see the module docstring).

    Opaque for jax: registered static, all instances equal, hash 0.
    """

    __slots__ = ("_closed", "_step", "index_ref", "ref_index", "tag")

    def __init__(
        self,
        tag: str,
        ref_index: RefMap[Any, int] | None = None,
        index_ref: dict[int, Any] | None = None,
    ) -> None:
        self.tag = tag
        self.ref_index = ref_index
        self.index_ref = index_ref
        self._step = (
            _FRESH if ref_index is None else _SPLIT_OUT if index_ref is None else _MERGED_IN
        )
        self._closed = False

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UpdateContext)

    def __repr__(self) -> str:
        return f"UpdateContext(tag={self.tag!r}, step={self._step}, closed={self._closed})"

    def _fail(self, call: str) -> ContextError:
        if self._closed:
            return ContextError(
                f"{call} on the closed update context {self.tag!r}",
                None,
                "expected an active context",
                "call it inside the `with update_context(...)` block",
            )
        return ContextError(
            f"{call} out of order in update context {self.tag!r}",
            None,
            f"expected {_EXPECTED[self._step]}",
            "the protocol is: outer split, inner merge, inner split, outer merge",
        )

    def flatten_end(self, ref_index: RefMap[Any, int]) -> None:
        """Record the end of a split: (1) keeps ``ref_index``; (3) drops ``index_ref``."""
        if self._closed or self._step not in (_FRESH, _MERGED_IN):
            raise self._fail("split")
        if self._step == _FRESH:
            self.ref_index, self._step = ref_index, _SPLIT_OUT
        else:
            self.index_ref, self._step = None, _SPLIT_IN

    def unflatten_end(self, index_ref: dict[int, Any], *, outer: bool = False) -> None:
        """Record the end of a merge: (2) keeps ``index_ref``; (4) completes the round."""
        if self._closed or self._step not in (_SPLIT_OUT, _SPLIT_IN):
            raise self._fail("merge")
        if outer or self._step == _SPLIT_IN:
            self.ref_index = self.index_ref = None  # round complete: drop the maps
            self._step = _FRESH
        else:
            self.index_ref, self._step = index_ref, _MERGED_IN

    def close(self) -> None:
        """Remove the reference maps (as the seed's exit does); later calls raise
        ``ContextError``."""
        self._closed = True
        del self.ref_index, self.index_ref

    @overload
    def split(self, node: A, /) -> tuple[GraphDef[A], GraphState]: ...
    @overload
    def split(self, node: A, first: Filter, /) -> tuple[GraphDef[A], GraphState]: ...
    @overload
    def split(
        self, node: A, first: Filter, second: Filter, /
    ) -> tuple[GraphDef[A], GraphState, GraphState]: ...
    @overload
    def split(
        self, node: A, first: Filter, second: Filter, third: Filter, /
    ) -> tuple[GraphDef[A], GraphState, GraphState, GraphState]: ...
    @overload
    def split(
        self, node: A, /, *filters: Filter
    ) -> tuple[GraphDef[A], GraphState, Unpack[tuple[GraphState, ...]]]: ...
    def split(
        self, node: A, *filters: Filter
    ) -> tuple[GraphDef[A], Unpack[tuple[GraphState, ...]]]:
        """Split like ``split``: step (1) outside the transform or (3) inside it."""
        if self._closed or self._step not in (_FRESH, _MERGED_IN):
            raise self._fail("split")
        ref_index: RefMap[Any, int] = RefMap()
        graphdef, state = flatten_graph(node, ref_index)
        states = _states(state, filters, exhaustive=True)
        if self._step == _MERGED_IN and type(graphdef) is NodeDef:
            graphdef = with_index_mapping(
                graphdef, compose_mapping(cast(dict[int, Any], self.index_ref), ref_index)
            )
        self.flatten_end(ref_index)
        return (graphdef, *states)

    def merge(
        self, graphdef: GraphDef[A], state: Mapping[Any, Any], *states: Mapping[Any, Any]
    ) -> A:
        """Merge like ``merge``: step (2) inside the transform or (4) outside it."""
        if type(graphdef) is not NodeDef:
            raise ContextError(
                f"a {type(graphdef).__name__} given to UpdateContext.merge",
                None,
                "expected a NodeDef",
            )
        outer = graphdef.index_mapping is not None
        if (
            self._closed
            or self._step not in (_SPLIT_OUT, _SPLIT_IN)
            or (self._step == _SPLIT_IN and not outer)
        ):
            raise self._fail("merge")
        cache = None
        if graphdef.index_mapping is not None:
            cache = compose_mapping_reversed(
                cast(RefMap[Any, int], self.ref_index), graphdef.index_mapping
            )
        index_ref: dict[int, Any] = {}
        node: A = unflatten_graph(graphdef, State.merge(state, *states), index_ref, cache)
        self.unflatten_end(index_ref, outer=outer)
        return node


register_static(UpdateContext)


class UpdateContextManager:
    """``update_context(tag)``: a context manager and a decorator."""

    __slots__ = ("tag",)

    def __init__(self, tag: str) -> None:
        self.tag = tag

    def __enter__(self) -> UpdateContext:
        ctx = UpdateContext(self.tag)
        GRAPH_CONTEXT.update_context_stacks.setdefault(self.tag, []).append(ctx)
        return ctx

    def __exit__(self, *exc_info: object) -> None:
        stack = GRAPH_CONTEXT.update_context_stacks.get(self.tag)
        if not stack:
            raise ContextError(
                f"exit of update context {self.tag!r}", None, "expected it to be active"
            )
        stack.pop().close()
        if not stack:
            del GRAPH_CONTEXT.update_context_stacks[self.tag]

    def __call__(self, f: F) -> F:
        @functools.wraps(f)
        def update_context_manager_wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return f(*args, **kwargs)

        return cast(F, update_context_manager_wrapper)


def update_context(tag: str) -> UpdateContextManager:
    """Create an update context for ``tag`` (context manager or decorator); see module docstring.

    Example::

        >>> import jax, reference as nnx
        >>> m1 = nnx.Dict({})
        >>> with nnx.update_context('example') as ctx:
        ...     graphdef, state = ctx.split(m1)
        ...     @jax.jit
        ...     def f(graphdef, state):
        ...         m2 = ctx.merge(graphdef, state)
        ...         m2.a = 1
        ...         m2.ref = m2  # create a reference cycle
        ...         return ctx.split(m2)
        ...     graphdef_out, state_out = f(graphdef, state)
        ...     m3 = ctx.merge(graphdef_out, state_out)
        >>> assert m1 is m3 and m1.a == 1 and m1.ref is m1
    """
    return UpdateContextManager(tag)


def current_update_context(tag: str) -> UpdateContext:
    """Return the innermost active UpdateContext for ``tag`` (``ContextError`` if none)."""
    stack = GRAPH_CONTEXT.update_context_stacks.get(tag)
    if not stack:
        raise ContextError(
            f"no update context for tag {tag!r}", None, "expected an active `update_context(tag)`"
        )
    return stack[-1]


class SplitContext:
    """Splits sharing one RefMap; with a tag, part of that tag's update context."""

    __slots__ = ("ctxtag", "ref_index")

    ctxtag: str | None
    ref_index: RefMap[Any, int]

    def __init__(self, ctxtag: str | None, ref_index: RefMap[Any, int]) -> None:
        self.ctxtag = ctxtag
        self.ref_index = ref_index

    def close(self) -> None:
        """Remove the map and the tag (the seed's exit); later splits raise ``ContextError``."""
        del self.ref_index, self.ctxtag

    @overload
    def split(self, node: A, /) -> tuple[GraphDef[A], GraphState]: ...
    @overload
    def split(self, node: A, first: Filter, /) -> tuple[GraphDef[A], GraphState]: ...
    @overload
    def split(
        self, node: A, first: Filter, second: Filter, /
    ) -> tuple[GraphDef[A], GraphState, GraphState]: ...
    @overload
    def split(
        self, node: A, first: Filter, second: Filter, third: Filter, /
    ) -> tuple[GraphDef[A], GraphState, GraphState, GraphState]: ...
    @overload
    def split(
        self, node: A, /, *filters: Filter
    ) -> tuple[GraphDef[A], GraphState, Unpack[tuple[GraphState, ...]]]: ...
    def split(
        self, node: A, *filters: Filter
    ) -> tuple[GraphDef[A], Unpack[tuple[GraphState, ...]]]:
        """Split ``node``; objects seen by earlier splits of this context become NodeRefs."""
        try:
            ref_index, ctxtag = self.ref_index, self.ctxtag
        except AttributeError:
            raise ContextError(
                "split on a closed split context", None, "expected an active split_context"
            ) from None
        ctx = current_update_context(ctxtag) if ctxtag is not None else None
        graphdef, state = flatten_graph(node, ref_index)
        states = _states(state, filters, exhaustive=True)
        if ctx is not None and ctx.index_ref is not None and type(graphdef) is NodeDef:
            graphdef = with_index_mapping(graphdef, compose_mapping(ctx.index_ref, ref_index))
        return (graphdef, *states)


@contextlib.contextmanager
def split_context(ctxtag: str | None = None) -> Iterator[SplitContext]:
    """A SplitContext for the ``with`` block; with a tag, ends a split step on success."""
    ctx = SplitContext(ctxtag, RefMap())
    GRAPH_CONTEXT.ref_index_stack.append(ctx)
    try:
        yield ctx
        if ctxtag is not None:
            current_update_context(ctxtag).flatten_end(ctx.ref_index)
    finally:
        GRAPH_CONTEXT.ref_index_stack.pop()
        ctx.close()


class MergeContext:
    """Merges sharing one index space; with a tag, part of that tag's update context."""

    __slots__ = ("ctxtag", "index_ref", "outer")

    ctxtag: str | None
    index_ref: dict[int, Any]
    outer: bool

    def __init__(self, ctxtag: str | None, index_ref: dict[int, Any]) -> None:
        self.ctxtag = ctxtag
        self.index_ref = index_ref
        self.outer = False  # did a merge reuse outer objects (step 4)?

    def close(self) -> None:
        """Remove the map and the tag (the seed's exit); later merges raise ``ContextError``."""
        del self.index_ref, self.ctxtag, self.outer

    def merge(
        self, graphdef: GraphDef[A], state: Mapping[Any, Any], /, *states: Mapping[Any, Any]
    ) -> A:
        """Merge; a NodeRef GraphDef returns the object an earlier merge built."""
        try:
            index_ref, ctxtag = self.index_ref, self.ctxtag
        except AttributeError:
            raise ContextError(
                "merge on a closed merge context", None, "expected an active merge_context"
            ) from None
        ctx = current_update_context(ctxtag) if ctxtag is not None else None
        cache = None
        if ctx is not None and type(graphdef) is NodeDef and graphdef.index_mapping is not None:
            if ctx.ref_index is None:
                raise ctx._fail("merge")
            cache = compose_mapping_reversed(ctx.ref_index, graphdef.index_mapping)
            self.outer = True
        node: A = unflatten_graph(graphdef, State.merge(state, *states), index_ref, cache)  # type: ignore[arg-type]
        return node


@contextlib.contextmanager
def merge_context(ctxtag: str | None = None) -> Iterator[MergeContext]:
    """A MergeContext for the ``with`` block; with a tag, ends a merge step on success."""
    ctx = MergeContext(ctxtag, {})
    GRAPH_CONTEXT.index_ref_stack.append(ctx)
    try:
        yield ctx
        if ctxtag is not None:
            current_update_context(ctxtag).unflatten_end(ctx.index_ref, outer=ctx.outer)
    finally:
        GRAPH_CONTEXT.index_ref_stack.pop()
        ctx.close()
