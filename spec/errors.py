"""The spec's outcomes: a law violation, an expected error, an unsupported operation.

* ``LawViolation`` (an AssertionError, so pytest reports it as a failure) carries the law id, the
  target and a readable difference.
* ``SpecError`` is what the oracle returns/raises when the spec says an operation must fail: a
  stable ``kind`` (one of ``ERROR_KINDS``) and the path at fault.
* ``NotApplicable`` says a law cannot be checked on a target (a missing capability, an input the
  target cannot build); the runner reports it as ``n/a`` with the reason, never as ``pass``.
* ``HarnessError`` says the run itself broke (an adapter that cannot do its job, an input that
  could not be built): the law was not checked, and the runner reports ``error``, never ``fail``.
"""

from __future__ import annotations

from collections.abc import Sequence

from spec.blueprint import Key

__all__ = [
    "ERROR_KINDS",
    "NAMING_KINDS",
    "HarnessError",
    "LawViolation",
    "NotApplicable",
    "SpecError",
]

ERROR_KINDS: dict[str, str] = {
    "missing-key": "the state lacks a key the graphdef needs",
    "unknown-key": "the state has a key the graphdef does not know",
    "static-in-state": "the state holds a value for a static attribute",
    "leaf-for-subgraph": "a state leaf stands where a subgraph belongs",
    "subgraph-for-leaf": "a nested mapping stands where a Variable belongs",
    "not-a-variable": "update targets an attribute that is not a Variable",
    "immutable-node": "update / pop must change a pytree container",
    "non-exhaustive": "split's filters leave a remainder",
    "misplaced-catch-all": "`...` or True is followed by another filter",
    "invalid-filter": "an object that is not a filter",
    "no-filter": "pop needs at least one filter",
    "no-context": "no update context is active for the tag",
    "context-order": "update-context calls out of order",
    "unhashable-static": "a static attribute cannot be hashed",
    "array-attribute": "an array stored as a plain attribute",
    "invalid-key": "a key that cannot be ordered with its siblings, or a non-str attribute name",
    "pytree-cycle": "a pytree container that contains itself with no graph node in between",
    "not-a-node": "the graph API called on something that is not a graph node or pytree",
    "noderef-root": "a GraphDef whose root is a reference to a node built elsewhere",
    "registered-twice": "a node type registered a second time",
}
"""Every documented failure, by stable kind."""

NAMING_KINDS: frozenset[str] = frozenset({"no-context"})
"""Kinds whose ``path`` is a name the message must mention (the context's tag), not a place in
the input."""


def _path_text(path: Sequence[Key]) -> str:
    from spec.model import path_str

    return path_str(path)


class SpecError(Exception):
    """The spec's verdict that an operation must fail with ``kind`` at ``path``."""

    def __init__(self, kind: str, path: Sequence[Key] = (), detail: str = "") -> None:
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown spec error kind {kind!r}")
        self.kind = kind
        self.path = tuple(path)
        self.detail = detail
        super().__init__(f"{kind} at {_path_text(self.path)}" + (f": {detail}" if detail else ""))


class LawViolation(AssertionError):
    """A target broke a law: a readable ``diff``, optional expected / actual renderings, and
    (stamped by ``Law.run``) the law id, the target and the backend."""

    def __init__(
        self, diff: str, *, expected: str | None = None, actual: str | None = None
    ) -> None:
        self.diff = diff
        self.expected = expected
        self.actual = actual
        self.law_id = ""
        self.target = ""
        self.backend: str | None = None
        super().__init__(diff)

    def stamp(self, law_id: str, target: str, backend: str | None) -> None:
        """Record where the violation happened and put it in the message."""
        self.law_id, self.target, self.backend = law_id, target, backend
        where = f"{law_id} · {target}" + (f" · {backend}" if backend else "")
        self.args = (f"{self.diff}\n[{where}]",)


class NotApplicable(Exception):
    """The law cannot be checked here; ``reason`` says why (reported as ``n/a``)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class HarnessError(Exception):
    """The harness, not the target, failed: an adapter raises it (or the runner wraps what it
    raised) when it cannot do its own job, so the law is reported ``error``, not ``fail``."""
