"""Every law's checker on concrete examples: one that passes and one that fails.

The examples are frozen JSON under ``tests/spec/law_examples/<LAW>.json`` (found once with
Hypothesis by ``tests/spec/law_examples/generate.py``, then kept)::

    {"law": "SHARE-1",
     "pass": [{"target": "reference", "case": <Case.to_data()>}],
     "fail": [{"target": "mutant:forget_noderef", "case": <Case.to_data()>, "message": "..."}]}

A target is ``reference``, ``mutant:<name>`` (a hand-written mutant of ``tests.mutants.catalogue``,
installed for the one check and undone) or ``toy:<name>`` (a deliberately broken or
capability-declaring adapter defined below, for laws the reference cannot show alone).  A passing
example must pass; a failing one must raise ``LawViolation`` from the law's own checker (not a
crash).  The last test fails when a law has no example of either kind, so a new law needs both.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from spec.errors import LawViolation
from spec.laws import LAWS, Case, law_by_id
from spec.target import Capability, Target
from spec.targets.reference import ReferenceTarget
from tests.mutants.catalogue import Patcher

EXAMPLES = Path(__file__).with_name("law_examples")


class LiveStateToy(ReferenceTarget):
    """Declares the flax >= 0.11 variant (live state leaves) and keeps it: ``state`` returns
    the live Variables (the reference's ``variables``)."""

    name = "toy-live-state"
    capabilities = (ReferenceTarget.capabilities - {Capability.STATE_LEAVES_ARE_COPIES}) | {
        Capability.STATE_LEAVES_ARE_LIVE
    }

    def state(self, x: object, *filters: object) -> object:
        return self.variables(x, *filters)


class ClaimsLiveToy(ReferenceTarget):
    """Declares live state leaves but returns snapshots (a mis-declared adapter)."""

    name = "toy-claims-live"
    capabilities = ReferenceTarget.capabilities | {Capability.STATE_LEAVES_ARE_LIVE}


_FLAX_11 = frozenset({Capability.STATE_LEAVES_ARE_LIVE, Capability.MERGE_REUSES_VARIABLES})
_SEED = frozenset({Capability.STATE_LEAVES_ARE_COPIES, Capability.MERGE_COPIES_VARIABLES})


class LiveReuseToy(ReferenceTarget):
    """The flax >= 0.11 variant, declared and kept: run with the ``merge_reuses_live_variables``
    mutant installed (split returns the live Variables, merge builds around them)."""

    name = "toy-live-reuse"
    capabilities = (ReferenceTarget.capabilities - _SEED) | _FLAX_11


class ClaimsLiveReuseToy(ReferenceTarget):
    """Declares the flax >= 0.11 variant but keeps the seed's copies (a mis-declared adapter)."""

    name = "toy-claims-live-reuse"
    capabilities = (ReferenceTarget.capabilities - _SEED) | _FLAX_11


class MutableDictsToy(ReferenceTarget):
    """Declares the flax >= 0.11.1 variant where update and pop write into plain dicts; run with
    an ``update`` patch that adds a new dict key as a Variable before the reference's update."""

    name = "toy-mutable-dicts"
    capabilities = (ReferenceTarget.capabilities - {Capability.PYTREE_CONTAINERS_ARE_IMMUTABLE}) | {
        Capability.PYTREE_DICTS_ARE_MUTABLE
    }


class FlatStateToy(ReferenceTarget):
    """Declares FlatState inputs (flax >= 0.10.4) and keeps them: ``to_flat_state`` is the
    reference's ``State.flat_state()``, and merge / update read a FlatState as the State of its
    pairs."""

    name = "toy-flat-state"
    capabilities = ReferenceTarget.capabilities | {Capability.FLAT_STATE}

    def to_flat_state(self, state: object) -> object:
        return cast(Any, state).flat_state()

    def _as_state(self, s: object) -> object:
        from reference import FlatState, State

        return State.from_flat_path(list(s)) if isinstance(s, FlatState) else s

    def merge(self, graphdef: object, state: object, *states: object) -> object:
        return super().merge(graphdef, *(self._as_state(s) for s in (state, *states)))

    def update(self, x: object, state: object, *states: object) -> None:
        super().update(x, *(self._as_state(s) for s in (state, *states)))


class FlatStateByPositionToy(FlatStateToy):
    """Reads a FlatState's leaves against its paths in reverse order (a positional mix-up)."""

    name = "toy-flat-state-by-position"

    def _as_state(self, s: object) -> object:
        from reference import FlatState, State

        if not isinstance(s, FlatState):
            return s
        pairs = list(s)
        return State.from_flat_path(
            list(zip([p for p, _ in pairs], reversed([v for _, v in pairs]), strict=True))
        )


_SHARED_METADATA: dict[object, dict[str, Any]] = {}


class SharedMetadataToy(ReferenceTarget):
    """merge gives every Variable it builds the one metadata dict kept for its type and path
    (the seed shared the GraphDef's mapping between merges)."""

    name = "toy-shared-metadata"

    def merge(self, graphdef: object, state: object, *states: object) -> object:
        y = super().merge(graphdef, state, *states)
        for path, v in self.nnx.iter_graph(y):
            if isinstance(v, self.nnx.Variable):
                shared = _SHARED_METADATA.setdefault((id(graphdef), tuple(path)), dict(vars(v)))
                object.__setattr__(v, "__dict__", shared)
        return y


class PopKeepsLiveToy(ReferenceTarget):
    """pop hands out x's live Variables and leaves them in x (a live pop that forgets to
    remove)."""

    name = "toy-pop-keeps-live"

    def pop(self, x: object, *filters: object) -> object:
        return self.variables(x, *filters)


def _insertion_order_leaf() -> type:
    """A state leaf type whose pytree aux data keeps metadata in insertion order (the seed's)."""
    import jax

    class InsertionOrderLeaf:
        def __init__(self, type_: type, value: object, metadata: dict[str, Any]) -> None:
            self.type, self.value, self.metadata = type_, value, metadata

    jax.tree_util.register_pytree_node(
        InsertionOrderLeaf,
        lambda x: ((x.value,), (x.type, tuple(x.metadata.items()))),
        lambda aux, children: InsertionOrderLeaf(aux[0], children[0], dict(aux[1])),
    )
    return InsertionOrderLeaf


class InsertionOrderToy(ReferenceTarget):
    """split's state leaves flatten their metadata in insertion order, as the seed's did."""

    name = "toy-insertion-order"
    leaf_type: type | None = None

    def split(self, x: object, *filters: object) -> tuple[object, ...]:
        gd, *states = super().split(x, *filters)
        cls = InsertionOrderToy.leaf_type = InsertionOrderToy.leaf_type or _insertion_order_leaf()
        out = [
            self.nnx.State.from_flat_path(
                [(p, cls(v.type, v.value, dict(vars(v)))) for p, v in cast(Any, s).flat_state()]
            )
            for s in states
        ]
        return (gd, *out)


class PopRemembersToy(ReferenceTarget):
    """pop keeps a record of the keys it removed in an attribute of the node (as flax 0.11 kept
    them in ``_pytree__nodes``)."""

    name = "toy-pop-remembers"

    def pop(self, x: object, *filters: object) -> object:
        before = {k for k, _ in self.inspect(x).entries}
        result = super().pop(x, *filters)
        removed = before - {k for k, _ in self.inspect(x).entries}
        if removed:
            x._popped = tuple(sorted(map(str, removed)))  # type: ignore[attr-defined]
        return result


class CachedPartialToy(ReferenceTarget):
    """Declares cached_partial: ``jit(f)`` runs ``f`` under ``jax.jit`` between a split and an
    update of its arguments, and ``cached_partial`` binds the nodes to it."""

    name = "toy-cached-partial"
    capabilities = ReferenceTarget.capabilities | {Capability.CACHED_PARTIAL}

    def jit(self, fn: Callable[..., object]) -> Callable[..., object]:
        import jax

        nnx = self.nnx

        def pure(gd: object, state: object) -> object:
            nodes = nnx.merge(gd, state)
            fn(*nodes)
            return nnx.state(nodes)

        jitted = jax.jit(pure, static_argnums=0)

        def call(*nodes: object) -> None:
            gd, state = nnx.split(nodes)
            nnx.update(nodes, jitted(gd, state))

        return call

    def cached_partial(self, fn: Callable[..., object], *nodes: object) -> Callable[..., object]:
        return functools.partial(fn, *nodes)


class CachedPartialOnCloneToy(CachedPartialToy):
    """cached_partial binds clones of the nodes: the calls never reach the graph it was given."""

    name = "toy-cached-partial-on-clone"

    def cached_partial(self, fn: Callable[..., object], *nodes: object) -> Callable[..., object]:
        return functools.partial(fn, *(self.clone(n) for n in nodes))


class SeedGraphErrorsToy(ReferenceTarget):
    """split, graphdef, state and clone raise the seed's errors for hostile graphs: a bare
    TypeError naming nothing for keys that cannot be ordered (D-8), a RecursionError for a
    self-containing pytree, a RuntimeError for a root that is not a node (D-14)."""

    name = "toy-seed-graph-errors"

    def _seed(self, op: Callable[..., Any], *args: object) -> Any:
        from reference.errors import InvalidKeyError, NotANodeError, PytreeCycleError

        try:
            return op(*args)
        except InvalidKeyError:
            raise TypeError("'<' not supported between instances") from None
        except PytreeCycleError:
            raise RecursionError("maximum recursion depth exceeded") from None
        except NotANodeError:
            raise RuntimeError("Unsupported type, this is a bug.") from None

    def split(self, x: object, *filters: object) -> tuple[object, ...]:
        return cast(tuple[object, ...], self._seed(super().split, x, *filters))

    def graphdef(self, x: object) -> object:
        return self._seed(super().graphdef, x)

    def state(self, x: object, *filters: object) -> object:
        return self._seed(super().state, x, *filters)

    def clone(self, x: object) -> object:
        return self._seed(super().clone, x)


class StrIntKeysOnlyToy(ReferenceTarget):
    """split and clone refuse any key that is not a str or an int (a key check stricter than
    the spec's: orderable keys of other types are valid)."""

    name = "toy-str-int-keys-only"

    def _check_keys(self, x: object) -> None:
        from spec.model import observe

        for path, _, _ in observe(self, x).walk():
            if any(type(k) not in (str, int) for k in path):
                raise TypeError(f"invalid key at {path!r}: only str and int keys are supported")

    def split(self, x: object, *filters: object) -> tuple[object, ...]:
        self._check_keys(x)
        return super().split(x, *filters)

    def clone(self, x: object) -> object:
        self._check_keys(x)
        return super().clone(x)


class Step4NeedsInsideToy(ReferenceTarget):
    """Updates the outer graph in place only after the inside ran: when step (4) follows step (1)
    directly, as on a jit cache hit, it merges the pair like a plain merge (new objects)."""

    name = "toy-step4-needs-inside"

    def ctx_merge(self, ctx: object, graphdef: object, state: object, *states: object) -> object:
        from reference._contexts import _SPLIT_OUT

        c = cast(Any, ctx)
        if c._step == _SPLIT_OUT and cast(Any, graphdef).index_mapping is not None:
            y = self.merge(graphdef, state, *states)
            c.unflatten_end({}, outer=True)
            return y
        return super().ctx_merge(ctx, graphdef, state, *states)


class UntiesVariablesToy(ReferenceTarget):
    """merge_context gives a later piece a copy of each Variable an earlier merge of the same
    context built, where the Variable is a graph node's attribute (a tied weight untied)."""

    name = "toy-unties-variables"

    def __init__(self) -> None:
        super().__init__()
        self._built: dict[int, set[int]] = {}  # id(merge context) -> ids of the Variables built

    def merge_in(
        self, merge_ctx: object, graphdef: object, state: object, *states: object
    ) -> object:
        import copy

        y = super().merge_in(merge_ctx, graphdef, state, *states)
        built = self._built.setdefault(id(merge_ctx), set())
        nodes = [n for _, n in self.nnx.iter_graph(y) if self.classify(n) == "graph"]
        variables = {id(v) for _, v in self.nnx.iter_graph(y) if isinstance(v, self.nnx.Variable)}
        for node in nodes:
            for key, v in list(self.inspect(node).entries):
                if isinstance(v, self.nnx.Variable) and id(v) in built:
                    self.set_attr(node, key, copy.copy(v))
        built |= variables
        return y


def _dict_keys(add: bool) -> Callable[[Patcher], None]:
    """An ``update_graph`` patch: a leaf at a key a plain dict lacks is added to the dict as a
    new Variable (``add``), or silently dropped (the broken toy)."""

    def install(p: Patcher) -> None:
        from tests.mutants.helpers import MISSING, child, parent_of, ref, state_leaves

        update = ref("reference._update")
        original = update.update_graph

        def update_graph(node: Any, state: Any) -> None:
            leaves = state_leaves(state)
            kept = []
            for path, leaf in leaves:
                parent = parent_of(node, path)
                if type(parent) is dict and child(parent, path[-1]) is MISSING:
                    if add:
                        parent[path[-1]] = leaf.to_variable()
                    continue
                kept.append((path, leaf))
            original(node, ref("reference._state").from_flat(kept))

        p.replace("reference._update", "update_graph", update_graph)

    return install


def _with_mutant(name: str) -> Callable[[Patcher], None]:
    from tests.mutants.catalogue import mutant_by_name

    def install(p: Patcher) -> None:
        m = mutant_by_name(name)
        assert m.install is not None  # sanity check: only monkeypatch mutants are named here
        m.install(p)

    return install


TOYS: dict[str, tuple[type[ReferenceTarget], Callable[[Patcher], None] | None]] = {
    "live_state": (LiveStateToy, None),
    "claims_live": (ClaimsLiveToy, None),
    "live_reuse": (LiveReuseToy, _with_mutant("merge_reuses_live_variables")),
    "claims_live_reuse": (ClaimsLiveReuseToy, None),
    "mutable_dicts": (MutableDictsToy, _dict_keys(add=True)),
    "dict_keys_dropped": (MutableDictsToy, _dict_keys(add=False)),
    "mutable_dicts_pop_keeps": (MutableDictsToy, _with_mutant("pop_keeps_variables")),
    "flat_state": (FlatStateToy, None),
    "flat_state_by_position": (FlatStateByPositionToy, None),
    "shared_metadata": (SharedMetadataToy, None),
    "pop_keeps_live": (PopKeepsLiveToy, None),
    "insertion_order": (InsertionOrderToy, None),
    "pop_remembers": (PopRemembersToy, None),
    "cached_partial": (CachedPartialToy, None),
    "cached_partial_on_clone": (CachedPartialOnCloneToy, None),
    "seed_graph_errors": (SeedGraphErrorsToy, None),
    "str_int_keys_only": (StrIntKeysOnlyToy, None),
    "step4_needs_inside": (Step4NeedsInsideToy, None),
    "unties_variables": (UntiesVariablesToy, None),
}
"""Toy name -> (adapter class, patches installed while it is used)."""


@contextlib.contextmanager
def target(spec: str) -> Iterator[Target]:
    """Yield the target named ``spec`` (see the module docstring); undo a mutant afterwards."""
    from tests.mutants.catalogue import installed, mutant_by_name

    if spec == "reference":
        yield ReferenceTarget()
        return
    kind, _, name = spec.partition(":")
    if kind == "toy":
        cls, install = TOYS[name]
        p = Patcher()
        try:
            if install is not None:
                install(p)
            yield cls()
        finally:
            p.undo()
        return
    assert kind == "mutant", spec  # sanity check: the example files name one of three kinds
    with installed(mutant_by_name(name)) as t:
        yield t


def load_examples() -> dict[str, dict[str, Any]]:
    """Return the example file of every law, by law id."""
    out = {}
    for path in sorted(EXAMPLES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out[data["law"]] = data
    return out


def _params() -> list[Any]:
    params = []
    for law_id, data in load_examples().items():
        for kind in ("pass", "fail"):
            for i, example in enumerate(data.get(kind, [])):
                params.append(pytest.param(law_id, kind, example, id=f"{law_id}-{kind}-{i}"))
    return params


@pytest.mark.parametrize(("law_id", "kind", "example"), _params())
def test_law_example(law_id: str, kind: str, example: dict[str, Any]) -> None:
    law = law_by_id(law_id)
    case = Case.from_data(example["case"])
    with target(example["target"]) as t:
        if kind == "pass":
            law.run(t, case)
        else:
            with pytest.raises(LawViolation) as raised:
                law.run(t, case)
            assert raised.value.law_id == law_id


WITHOUT_EXAMPLES: dict[str, str] = {}
"""``"<law> <kind>"`` -> why that law has no example of that kind (each one reported)."""


def test_every_law_has_a_passing_and_a_failing_example() -> None:
    examples = load_examples()
    missing = [
        f"{law.id} ({kind})"
        for law in LAWS
        for kind in ("pass", "fail")
        if not examples.get(law.id, {}).get(kind) and f"{law.id} {kind}" not in WITHOUT_EXAMPLES
    ]
    assert not missing, (
        f"laws without examples: {', '.join(missing)}; run tests/spec/law_examples/generate.py"
    )
    unknown = sorted(set(examples) - {law.id for law in LAWS})
    assert not unknown, f"examples for unknown laws: {unknown}"
