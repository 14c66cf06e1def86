"""The errors of the reference NNX graph API.

Every error a user can trigger derives from :class:`GraphError` (a ``ValueError``).
Mistakes that are about the *type* of something also derive from ``TypeError``
(through :class:`GraphTypeError`), and mistakes about a *key* also derive from
``KeyError`` (through :class:`GraphKeyError`), so ``except ValueError``,
``except TypeError`` and ``except KeyError`` keep working where the seed raised those.

Every message has the shape::

    <prefix>: <what> at <path>; <expected vs found>[; <fix hint>]

The prefix is lowercase and stable (each class documents its own), the path is
rendered as ``'a/0/b'`` (keys joined by ``/``) and the root as ``<root>``.
:class:`InternalError` is the only error outside the family: it means "this cannot
happen; it is an nnxspec bug" and is never raised on valid or invalid input.

[Deviation D-14] where the seed raised ``RuntimeError``, ``AssertionError``,
``AttributeError`` or a bare ``KeyError`` on user input, the reference raises one of
these documented classes.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import ClassVar

__all__ = [
    "ArrayLeafError",
    "ContextError",
    "DanglingReferenceError",
    "DuplicateIndexError",
    "FilterError",
    "FilterOrderError",
    "GraphError",
    "GraphKeyError",
    "GraphTypeError",
    "ImmutableNodeError",
    "InternalError",
    "InvalidKeyError",
    "MissingKeyError",
    "NodeTypeError",
    "NonExhaustiveFiltersError",
    "NotANodeError",
    "PytreeCycleError",
    "RegistryError",
    "StateMismatchError",
    "StateStructureError",
    "UnhashableGraphDefError",
    "UnknownKeyError",
    "VariableError",
    "render_path",
]


def render_path(path: Sequence[Hashable] | None) -> str:
    """Render a path as ``'a/0/b'``; the root (empty path) is ``<root>``."""
    if not path:
        return "<root>"
    return repr("/".join(map(str, path)))


def _rebuild(cls: type[GraphError], message: str, path: tuple[Hashable, ...] | None) -> GraphError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.path = path
    return error


class GraphError(ValueError):
    """Root of every documented input error of the reference (prefix: per subclass).

    Build one with ``Cls(what, path, detail, hint)``; the message is
    ``f"{Cls.prefix}: {what} at {render_path(path)}; {detail}; {hint}"``.
    ``path`` is ``None`` when the error is not about a place in a graph
    (then ``at <path>`` is left out). The path is kept in ``.path``.
    """

    prefix: ClassVar[str] = "graph error"
    path: tuple[Hashable, ...] | None

    def __init__(
        self,
        what: str,
        path: Sequence[Hashable] | None = None,
        detail: str | None = None,
        hint: str | None = None,
    ) -> None:
        parts = [f"{self.prefix}: {what}"]
        if path is not None:
            parts[0] += f" at {render_path(path)}"
        if detail:
            parts.append(detail)
        if hint:
            parts.append(hint)
        super().__init__("; ".join(parts))
        self.path = None if path is None else tuple(path)
        self._parts = (what, detail, hint)

    def at(self, path: Sequence[Hashable]) -> GraphError:
        """Return the same error, placed at ``path`` (for errors raised below a traversal)."""
        what, detail, hint = getattr(self, "_parts", (str(self), None, None))
        return type(self)(what, path, detail, hint)

    def __str__(self) -> str:
        # KeyError quotes its message; every error here prints it verbatim.
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), str(self), self.path))


class GraphTypeError(GraphError, TypeError):
    """Root of the errors about the type of a value (prefix: per subclass)."""

    prefix = "type error"


class GraphKeyError(GraphError, KeyError):
    """Root of the errors about a key (prefix: per subclass)."""

    prefix = "key error"


# --- flatten / split -------------------------------------------------------


class ArrayLeafError(GraphError):
    """A jax or numpy array is stored directly as an attribute (prefix ``array leaf``).

    Arrays must be wrapped in a Variable (e.g. ``Param(x)``) to be part of the state.
    """

    prefix = "array leaf"


class NotANodeError(GraphTypeError):
    """The root given to a graph operation is not a graph node or pytree (prefix ``not a node``)."""

    prefix = "not a node"


class InvalidKeyError(GraphTypeError, GraphKeyError):
    """A key is not hashable, not orderable with its siblings, or of a type the node
    does not accept (prefix ``invalid key``). Both a ``TypeError`` and a ``KeyError``."""

    prefix = "invalid key"


class PytreeCycleError(GraphError):
    """A pytree container contains itself without a graph node in between (prefix
    ``pytree cycle``)."""

    prefix = "pytree cycle"


class UnhashableGraphDefError(GraphTypeError):
    """``hash(graphdef)`` failed because a static value or metadata is unhashable
    (prefix ``unhashable static``)."""

    prefix = "unhashable static"


# --- merge / unflatten -----------------------------------------------------


class MissingKeyError(GraphKeyError):
    """The state lacks the value of a Variable the GraphDef needs (prefix ``missing key``)."""

    prefix = "missing key"


class UnknownKeyError(GraphKeyError):
    """The state has keys the GraphDef does not know (prefix ``unknown key``)."""

    prefix = "unknown key"


class StateMismatchError(GraphError):
    """A state value does not fit the attribute it is given for: state for a static
    attribute, a leaf for a subgraph, a non-mapping for a subgraph, or an update of a
    static attribute (prefix ``state mismatch``)."""

    prefix = "state mismatch"


class DanglingReferenceError(GraphKeyError):
    """A NodeRef points to an index that was never built (prefix ``dangling reference``)."""

    prefix = "dangling reference"


class DuplicateIndexError(GraphError):
    """A GraphDef index is built twice in one index space (prefix ``duplicate index``)."""

    prefix = "duplicate index"


class NodeTypeError(GraphTypeError):
    """A node or Variable has another type than the one required: an unregistered node
    type in a GraphDef, a reused object of the wrong type, a ``sow`` target that is not
    a Variable of the requested type (prefix ``node type``)."""

    prefix = "node type"


class StateStructureError(GraphTypeError):
    """A nested state is malformed: a path goes below a leaf (prefix ``state structure``)."""

    prefix = "state structure"


# --- update / pop ----------------------------------------------------------


class ImmutableNodeError(GraphError):
    """A key is added to or popped from a pytree node, which is immutable
    (prefix ``immutable node``)."""

    prefix = "immutable node"


# --- filters ---------------------------------------------------------------


class FilterError(GraphTypeError):
    """An object that is not a filter was given as a filter (prefix ``invalid filter``)."""

    prefix = "invalid filter"


class FilterOrderError(GraphError):
    """``...`` or ``True`` is followed by another filter (prefix ``filter order``)."""

    prefix = "filter order"


class NonExhaustiveFiltersError(GraphError):
    """``split`` filters leave some state unmatched (prefix ``non-exhaustive filters``)."""

    prefix = "non-exhaustive filters"


# --- registries, Variables, contexts --------------------------------------


class RegistryError(GraphError):
    """A type is registered twice, or in both registries (prefix ``already registered``)."""

    prefix = "already registered"


class VariableError(GraphTypeError):
    """A Variable is used with a value or type it does not accept (prefix ``variable``)."""

    prefix = "variable"


class ContextError(GraphError):
    """An update / split / merge context is missing, closed, or used out of order
    (prefix ``context``)."""

    prefix = "context"


class InternalError(RuntimeError):
    """Cannot happen; an nnxspec bug (prefix ``internal error``). Never raised on user input."""

    prefix: ClassVar[str] = "internal error"
