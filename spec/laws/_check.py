"""Shared vocabulary of the law checkers: observe, compare, expect a failure, check atomicity.

Every helper that finds a difference raises ``LawViolation`` with a message in one format::

    <observed thing> at <path> is <found>, but should be <expected>

so that a failure reads the same whichever law found it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

import numpy as np

from spec.blueprint import Key
from spec.build import TYPE_NAMES, Built, build
from spec.errors import ERROR_KINDS, NAMING_KINDS, LawViolation, NotApplicable, SpecError
from spec.laws._registry import Case
from spec.model import (
    Model,
    NodeSlot,
    VarModel,
    diff,
    observe,
    observe_objects,
    path_str,
    render,
    var_model,
)
from spec.semantics import FlatState
from spec.semantics.merge import StateLeaf
from spec.target import Capability, LeafView, Path, Target, Token

R = TypeVar("R")

__all__ = [
    "DOCUMENTED_ERRORS",
    "Snapshot",
    "build_case",
    "expect_failure",
    "expect_success",
    "flat_models",
    "fresh_key",
    "leaf_view_of",
    "make_state",
    "message_names",
    "need",
    "observe_root",
    "require",
    "require_same_model",
    "require_same_state",
    "require_same_tokens",
    "require_unchanged",
    "short_repr",
    "snapshot",
    "states_of",
]

DOCUMENTED_ERRORS: tuple[type[BaseException], ...] = (ValueError, TypeError, KeyError)
"""The exception families a user-triggered error may belong to (the spec's error contract)."""
UNDOCUMENTED_ERRORS: tuple[type[BaseException], ...] = (
    AssertionError,
    RecursionError,
    AttributeError,
)


def need(t: Target, capability: str, why: str) -> None:
    """Raise NotApplicable unless ``t`` declares ``capability``."""
    if capability not in t.capabilities:
        raise NotApplicable(f"{t.name} lacks capability {capability!r}: {why}")


def require(
    condition: bool, message: str, *, expected: str | None = None, actual: str | None = None
) -> None:
    """Raise LawViolation(message) unless ``condition`` holds."""
    if not condition:
        raise LawViolation(message, expected=expected, actual=actual)


def build_case(t: Target, case: Case) -> Built:
    """Build the case's graph through ``t``; NotApplicable if ``t`` cannot build it."""
    try:
        return build(t, case.graph)
    except NotApplicable:
        raise
    except Exception as e:  # the target cannot represent this blueprint: not a law failure
        raise NotApplicable(f"{t.name} cannot build this graph: {type(e).__name__}: {e}") from e


def flat_models(t: Target, state: object) -> FlatState:
    """Return a target State as a flat state of models, in the State's own order."""
    return tuple((tuple(p), var_model(t.leaf_view(leaf))) for p, leaf in t.flat_state(state))


def leaf_model(t: Target, leaf: object) -> VarModel:
    """Return the model of one target state leaf or Variable."""
    return var_model(t.leaf_view(leaf))


def importable(cls: type) -> bool:
    """Check if pickle can name ``cls`` (a type made at run time cannot be pickled)."""
    import sys

    return getattr(sys.modules.get(cls.__module__), cls.__qualname__, None) is cls


def pickle_round_trip(obj: object) -> object:
    """``pickle.loads(pickle.dumps(obj))``, with the types made at run time (which pickle cannot
    name) carried across by reference: what is checked is the object's own pickling."""
    import io
    import pickle

    kept: list[type] = []

    class _Pickler(pickle.Pickler):
        def persistent_id(self, o: object) -> int | None:
            if isinstance(o, type) and not importable(o):
                kept.append(o)
                return len(kept) - 1
            return None

    class _Unpickler(pickle.Unpickler):
        def persistent_load(self, pid: object) -> object:
            return kept[cast(int, pid)]

    buffer = io.BytesIO()
    _Pickler(buffer).dump(obj)
    buffer.seek(0)
    return _Unpickler(buffer).load()


def require_same_model(expected: Model, actual: Model, what: str) -> None:
    """Raise LawViolation naming the first differing path unless the models are equal."""
    problem = diff(expected, actual, what=what)
    if problem is not None:
        raise LawViolation(f"{what}: {problem}", expected=render(expected), actual=render(actual))


def _render_state(s: FlatState) -> str:
    return "\n".join(f"{path_str(p)}: {v.describe()}" for p, v in s) or "(empty state)"


def require_same_state(
    expected: FlatState, actual: FlatState, what: str, *, ordered: bool = False
) -> None:
    """Raise LawViolation unless two flat states hold the same leaves at the same paths.

    With ``ordered`` the order of the entries must agree too.
    """
    e, a = dict(expected), dict(actual)
    extra = [p for p in a if p not in e]
    missing = [p for p in e if p not in a]
    msg = None
    if len(a) != len(actual):
        msg = f"{what} holds a path twice"
    elif missing:
        msg = (
            f"{what} at {path_str(missing[0])} is absent, but should be {e[missing[0]].describe()}"
        )
    elif extra:
        msg = f"{what} at {path_str(extra[0])} is {a[extra[0]].describe()}, but should be absent"
    else:
        for p, v in e.items():
            if a[p] != v:
                msg = f"{what} at {path_str(p)} is {a[p].describe()}, but should be {v.describe()}"
                break
        if msg is None and ordered and [p for p, _ in expected] != [p for p, _ in actual]:
            msg = (
                f"{what} lists its paths as {[path_str(p) for p, _ in actual]}, but should list "
                f"them as {[path_str(p) for p, _ in expected]}"
            )
    if msg is not None:
        raise LawViolation(msg, expected=_render_state(expected), actual=_render_state(actual))


def require_same_tokens(expected: Sequence[Token], actual: Sequence[Token], what: str) -> None:
    """Raise LawViolation naming the first differing GraphDef token unless the streams agree."""
    if tuple(expected) == tuple(actual):
        return
    i = next(
        (i for i, (x, y) in enumerate(zip(expected, actual)) if x != y),
        min(len(expected), len(actual)),
    )
    found = actual[i] if i < len(actual) else "the end of the stream"
    should = expected[i] if i < len(expected) else "the end of the stream"
    raise LawViolation(
        f"{what} token {i} is {found!r}, but should be {should!r}",
        expected="\n".join(map(repr, expected)),
        actual="\n".join(map(repr, actual)),
    )


def expect_failure(
    t: Target,
    run: Callable[[], object],
    expected: SpecError,
    what: str,
    faults: Sequence[Path] = (),
) -> BaseException:
    """Run ``run`` and require it to raise a documented error; return that error.

    Documented errors are ValueError, TypeError or KeyError subclasses (never AssertionError,
    RecursionError or AttributeError), and the message must name the last key of a place at
    fault: ``expected.path`` or, for an input with several faults the target may report first,
    any path of ``faults``.  A target declaring ``Capability.ERRORS_CARRY_PATHS`` must carry
    one of those places whole (``t.error_path``).  A fault of the whole input
    (``expected.path == ()``: a NodeRef or non-node root, a call out of order) has no path and
    needs no name; the ``no-context`` error names its tag (``NAMING_KINDS``), not a place.
    The error must survive a pickle round trip with its type, message and carried place.
    """
    try:
        result = run()
    except UNDOCUMENTED_ERRORS as e:
        raise LawViolation(
            f"{what} raised {type(e).__name__}: {e}, but should raise a documented error "
            f"({expected.kind}{f' at {path_str(expected.path)}' if expected.path else ''}: "
            f"{ERROR_KINDS[expected.kind]})"
        ) from e
    except DOCUMENTED_ERRORS as e:
        places = [tuple(p) for p in (expected.path, *faults) if p] if expected.path else []
        if places and not any(message_names(e, p[-1]) for p in places):
            raise LawViolation(
                f"{what} raised {type(e).__name__}: {e!s}, but its message should name "
                f"{_places_text(places)} (at least the last key)"
            ) from e
        if (
            places
            and expected.kind not in NAMING_KINDS
            and Capability.ERRORS_CARRY_PATHS in t.capabilities
        ):
            reported = t.error_path(e)
            if reported is None or tuple(reported) not in places:
                found = (
                    "no place"
                    if reported is None
                    else f"the place {path_str(cast(Path, tuple(reported)))}"
                )
                raise LawViolation(
                    f"{what} raised {type(e).__name__}: {e!s}, which carries {found}, but should "
                    f"carry {_places_text(places)} (the target declares "
                    f"{Capability.ERRORS_CARRY_PATHS})"
                ) from e
        _require_pickles(t, e, what)
        return e
    except Exception as e:
        raise LawViolation(
            f"{what} raised {type(e).__name__}: {e}, but should raise a "
            f"ValueError, TypeError or KeyError ({expected.kind})"
        ) from e
    raise LawViolation(f"{what} returned {short_repr(result)}, but should fail: {expected}")


def expect_success(run: Callable[[], R], what: str) -> R:
    """Run ``run`` and return its result; any error it raises is a violation (``what``: the call,
    as the message names it)."""
    try:
        return run()
    except Exception as e:
        raise LawViolation(f"{what} raised {type(e).__name__}: {e}") from e


def _require_pickles(t: Target, e: BaseException, what: str) -> None:
    """Require a documented error to survive a pickle round trip with its type, its message and
    the place it carries: errors cross process boundaries (pytest-xdist, multiprocessing) so."""
    import pickle

    try:
        back = pickle.loads(pickle.dumps(e))
    except Exception as err:
        raise LawViolation(
            f"{what} raised {type(e).__name__}: {e!s}, which a pickle round trip fails on"
            f" ({type(err).__name__}: {err})"
        ) from e
    carries = Capability.ERRORS_CARRY_PATHS in t.capabilities
    require(
        type(back) is type(e)
        and str(back) == str(e)
        and (not carries or t.error_path(back) == t.error_path(e)),
        f"{what} raised {type(e).__name__}: {e!s}, which a pickle round trip turns into"
        f" {type(back).__name__}: {back!s}"
        + (f" carrying {t.error_path(back)!r}, not {t.error_path(e)!r}" if carries else ""),
    )


def _places_text(places: Sequence[Path]) -> str:
    return " or ".join(sorted({path_str(p) for p in places}))


def message_names(error: BaseException, key: object) -> bool:
    """Whether ``error``'s message names ``key`` (its repr or its str)."""
    text = str(error)
    return repr(key) in text or str(key) in text


def short_repr(x: object) -> str:
    """Return a short repr of ``x``; some targets' reprs recurse on cycles or fail."""
    try:
        return f"{x!r:.200}"
    except Exception as e:
        return f"a {type(x).__name__} (its repr raised {type(e).__name__})"


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """The model of each object and the identity of every node and Variable in it."""

    models: tuple[Model, ...]
    identities: tuple[tuple[int, ...], ...]
    keep: tuple[object, ...]


def snapshot(t: Target, *roots: object) -> Snapshot:
    """Record the models and object identities of graphs or states (for atomicity laws)."""
    models: list[Model] = []
    identities: list[tuple[int, ...]] = []
    keep: list[object] = []
    for root in roots:
        if t.classify(root) in ("graph", "pytree"):
            m, nodes, variables = observe_objects(t, root)
            models.append(m)
            identities.append(tuple(id(o) for o in (*nodes, *variables)))
            keep.extend((*nodes, *variables))
        else:  # a State: its leaves in order
            leaves = t.flat_state(root)
            models.append(_state_as_model(t, leaves))
            identities.append(tuple(id(leaf) for _, leaf in leaves))
            keep.extend(leaf for _, leaf in leaves)
    return Snapshot(tuple(models), tuple(identities), tuple(keep))


def _state_as_model(t: Target, leaves: list[tuple[Path, object]]) -> Model:
    from spec.model import NodeModel, VarSlot

    variables: list[VarModel] = [var_model(t.leaf_view(leaf)) for _, leaf in leaves]
    entries = tuple((path_str(p), VarSlot(i)) for i, (p, _) in enumerate(leaves))
    return Model((NodeModel("pytree", "State", entries, True),), tuple(variables))


def require_unchanged(t: Target, before: Snapshot, *roots: object, what: str) -> None:
    """Raise LawViolation unless ``roots`` look exactly as in ``before`` (models and identities)."""
    after = snapshot(t, *roots)
    for i, (m0, m1) in enumerate(zip(before.models, after.models)):
        problem = diff(m0, m1, what="input")
        if problem is not None:
            raise LawViolation(
                f"{what} changed input {i} before failing: {problem}",
                expected=render(m0),
                actual=render(m1),
            )
    for i, (ids0, ids1) in enumerate(zip(before.identities, after.identities)):
        if ids0 != ids1:
            raise LawViolation(
                f"{what} replaced objects of input {i} before failing "
                "(same values, different identities)"
            )


def observe_root(t: Target, x: object) -> Model:
    """Return ``observe(t, x)``, turning a failure to observe into a law violation."""
    try:
        return observe(t, x)
    except Exception as e:
        raise LawViolation(f"the result cannot be observed: {type(e).__name__}: {e}") from e


def fresh_key(m: Model, path: Path, name: str) -> Key:
    """Return a key absent from the node at ``path`` and of the kind its keys have: an int past
    the last position for int-keyed nodes (lists, tuples, int dicts, ``nnx.List``), else ``name``.

    Mixing int and str keys in one mapping is itself an error (keys must be orderable), which
    would hide the failure a law means to provoke.
    """
    node = m.root
    for key in path:
        slot = node.get(key)
        assert isinstance(slot, NodeSlot)  # sanity check: the path leads through nodes
        node = m.nodes[slot.id]
    keys = node.keys
    int_keyed = node.type_name in ("list", "tuple", TYPE_NAMES["nnx_list"]) or (
        bool(keys) and all(isinstance(k, int) for k in keys)
    )
    if int_keyed:
        return max((k for k in keys if isinstance(k, int)), default=-1) + 1
    return name


def leaf_view_of(v: VarModel) -> LeafView:
    """Return a model leaf as a LeafView, to build target states with ``make_state``."""
    return LeafView(v.type_name, v.value, v.metadata)


def _leaf_object(leaf: StateLeaf) -> object:
    """Return a neutral state leaf as ``t.make_state`` takes it: a LeafView for a typed leaf, a
    plain numpy array for a raw one."""
    if isinstance(leaf, VarModel):
        return leaf_view_of(leaf)
    return np.array(leaf.typed("Param", ()).value)


def make_state(t: Target, flat: Sequence[tuple[Path, StateLeaf]]) -> object:
    """Return a target State holding the leaves of a flat state: typed leaves (models) become
    state leaves of their type, raw leaves plain arrays."""
    return t.make_state([(p, _leaf_object(v)) for p, v in flat])


def states_of(result: object, count: int) -> tuple[object, ...]:
    """Return a ``state`` / ``pop`` / ``variables`` result as a tuple of ``count`` States."""
    if count <= 1:
        return (result,)
    if not isinstance(result, tuple):
        raise LawViolation(
            f"the result is a {type(result).__name__}, but should be a tuple of {count} States"
        )
    if len(result) != count:
        raise LawViolation(f"the result has {len(result)} States, but should have {count}")
    return result
