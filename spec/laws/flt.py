"""FLT: filters partition the state by first match; a remainder or a malformed filter is an
error.

FLT-8 and FLT-9 treat filters as an algebra: one filter object reused on graphs where the same
path or type has another answer, and the combinators checked leaf by leaf against what their
terms select, so that an answer cached by type, by filter object or by path cannot hide.
"""

from __future__ import annotations

from collections.abc import Callable

from spec import semantics
from spec.blueprint import Blueprint
from spec.build import build
from spec.errors import NotApplicable, SpecError
from spec.filters import (
    AllOf,
    AnyOf,
    CallableFilter,
    Everything,
    FilterSpec,
    Literal,
    Nothing,
    NotOf,
    OfType,
    PathContains,
    PathIn,
    Seq,
    TagFilter,
    TypeFilter,
    WithTag,
    describe,
    has_invalid,
    is_catch_all,
    same_filter,
)
from spec.laws._check import (
    build_case,
    expect_failure,
    flat_models,
    require,
    require_same_state,
    require_unchanged,
    snapshot,
    states_of,
)
from spec.laws._registry import Case, law
from spec.model import Model, NodeSlot, Path, aliasing, observe, path_str
from spec.nearmiss import near_misses_of
from spec.semantics import FlatState
from spec.target import Capability, Target


@law("FLT-1", inputs=("graph", "exhaustive_filters"))
def split_partitions_the_state(t: Target, case: Case) -> None:
    """split with exhaustive filters partitions the state: each leaf goes to the first filter that
    matches it.

    Statement: split(x, *fs)[1:] == semantics.split(model(x), fs)  (disjoint, union = state(x),
        first match wins)
    Rationale: parameters and batch statistics must land in exactly one group each.
    Seed: State.split (holds).
    """
    x = build_case(t, case).root
    expected = semantics.split(observe(t, x), case.filters)
    parts = t.split(x, *(t.make_filter(f) for f in case.filters))[1:]
    require(
        len(parts) == len(expected),
        f"split(x, *fs) returned {len(parts)} states, but should return {len(expected)}",
    )
    for i, (e, a) in enumerate(zip(expected, parts)):
        require_same_state(e, flat_models(t, a), f"split(x, *fs)[{i + 1}]")


@law("FLT-2", inputs=("graph", "nonexhaustive_filters"))
def split_rejects_a_remainder(t: Target, case: Case) -> None:
    """split with filters that leave a leaf unmatched raises, and changes nothing; so does a
    split_context's split.

    Statement: ∃ leaf matched by no f ∈ fs  ⟹  split(x, *fs) and, in a split_context c,
        c.split(x, *fs) raise (non-exhaustive) ∧ x unchanged
    Rationale: silently dropping parameters is worse than an error; `...` says "the rest"
        explicitly.
    Seed: State.split "Non-exhaustive filters"; SplitContext.split splits as split (holds).
    """
    x = build_case(t, case).root
    try:
        semantics.split(observe(t, x), case.filters)
    except SpecError as e:
        before = snapshot(t, x)
        filters = [t.make_filter(f) for f in case.filters]
        expect_failure(t, lambda: t.split(x, *filters), SpecError(e.kind), "split(x, *fs)")
        require_unchanged(t, before, x, what="split(x, *fs)")
        if Capability.SPLIT_MERGE_CONTEXT in t.capabilities:
            with t.split_context() as c:
                expect_failure(
                    t,
                    lambda: t.split_in(c, x, *filters),
                    SpecError(e.kind),
                    "c.split(x, *fs) in a split_context c",
                )
            require_unchanged(t, before, x, what="c.split(x, *fs)")
        return
    # the strategy chose the unmatched leaf by the blueprint's first paths; a target that orders
    # pytree children otherwise (sorted keys) may reach that leaf first at a path a filter matches
    raise NotApplicable("the drawn filters match every leaf of this target's state")


@law("FLT-3", inputs=("graph", "bad_filters"))
def malformed_filters_are_rejected(t: Target, case: Case) -> None:
    """A `...` or True followed by another filter, or a term that is not a filter, makes split and
    state raise.

    Statement: misplaced(fs) ∨ invalid(fs)  ⟹  split(x, *fs) and state(x, *fs) raise ValueError /
        TypeError
    Rationale: `...` means "everything else"; a filter after it can never match, which is a bug in
        the caller.
    Seed: filterlib.filters_to_predicates (holds, but the seed treats the integer 1 as True: D-10).
    """
    x = build_case(t, case).root
    try:
        semantics.check_filters(case.filters)
    except SpecError as e:
        try:
            filters = [t.make_filter(f) for f in case.filters]
        except (TypeError, ValueError):
            return  # the target rejects the term while it is built: also a documented rejection
        expect_failure(t, lambda: t.split(x, *filters), SpecError(e.kind), "split(x, *fs)")
        expect_failure(t, lambda: t.state(x, *filters), SpecError(e.kind), "state(x, *fs)")
        return
    require(False, "sanity check: the drawn filters are well formed")


@law("FLT-4", inputs=("graph", "filters"))
def state_groups_by_first_match(t: Target, case: Case) -> None:
    """state(x, *fs) groups leaves by first match and drops the remainder; one State per filter
    (one for 0 or 1).

    Statement: state(x, *fs) == semantics.state_groups(model(x), fs), as a tuple iff |fs| >= 2
    Rationale: state() is the non-exhaustive reader; it must agree with split() on what it keeps.
    Seed: graph.py state / State.filter (holds).
    """
    x = build_case(t, case).root
    expected = semantics.state_groups(observe(t, x), case.filters)
    result = t.state(x, *(t.make_filter(f) for f in case.filters))
    for i, (e, a) in enumerate(zip(expected, states_of(result, len(case.filters)))):
        require_same_state(e, flat_models(t, a), f"state(x, *fs)[{i}]")


@law("FLT-5", inputs=("graph",))
def path_contains_looks_at_every_key(t: Target, case: Case) -> None:
    """PathContains(k) takes exactly the leaves with k anywhere on their path, for every key k of
    the state's paths.

    Statement: ∀ k ∈ keys(paths(state(x))): state(x, PathContains(k)) ==
        semantics.state_groups(model(x), (PathContains(k),))[0]
    Rationale: selecting a submodule's parameters by name (PathContains('encoder')) must reach
        leaves at any depth below it.
    Seed: filterlib.PathContains (`self.key in path`; holds).
    """
    from spec.filters import PathContains

    x = build_case(t, case).root
    m = observe(t, x)
    keys = sorted({k for p, _ in semantics.state(m) for k in p}, key=repr)
    for k in keys:
        f = PathContains(k)
        expected = semantics.state_groups(m, (f,))[0]
        require_same_state(
            expected, flat_models(t, t.state(x, t.make_filter(f))), f"state(x, PathContains({k!r}))"
        )


@law("FLT-6", inputs=("graph",))
def type_filters_match_subclasses(t: Target, case: Case) -> None:
    """A type filter (the class itself, or OfType) takes exactly the leaves of that type or a
    subclass, for every Variable type.

    Statement: ∀ T ∈ VARIABLE_TYPES, f ∈ {T, OfType(T)}: state(x, f) ==
        semantics.state_groups(model(x), (f,))[0]
    Rationale: nnx.Param must select user subclasses of Param too; an exact-type test silently drops
        them from optimizers.
    Seed: filterlib.OfType (isinstance / issubclass; holds).
    """
    from spec.blueprint import VARIABLE_TYPES
    from spec.filters import OfType, TypeFilter

    x = build_case(t, case).root
    m = observe(t, x)
    for name in VARIABLE_TYPES:
        filters: tuple[FilterSpec, ...] = (TypeFilter(name), OfType(name))
        for f in filters:
            expected = semantics.state_groups(m, (f,))[0]
            require_same_state(
                expected,
                flat_models(t, t.state(x, t.make_filter(f))),
                f"state(x, {type(f).__name__}({name}))",
            )


@law("FLT-7", inputs=("graph",))
def numbers_equal_to_true_are_not_filters(t: Target, case: Case) -> None:
    """The integer 1 is not a filter and not a catch-all, alone, after another filter or before
    `...`: split and state reject it.

    Statement: ∀ fs ∈ {(1,), (Param, 1), (1, ...)}: split(x, *fs) and state(x, *fs) raise ValueError
        / TypeError
    Rationale: `1 == True` in Python; an implementation testing `f == True` silently turns a stray 1
        into "everything else".
    Seed: filterlib.to_predicate (breaks: the seed tests `filter == True`, so 1 is a catch-all,
        D-10).
    """
    from spec.filters import Invalid, Literal, TypeFilter

    x = build_case(t, case).root
    one = Invalid("int")
    for fs in ((one,), (TypeFilter("Param"), one), (one, Literal("..."))):
        try:
            filters = [t.make_filter(f) for f in fs]
        except (TypeError, ValueError):
            continue  # rejected while the filter is built: also a rejection
        what = ", ".join(map(repr, fs))
        expect_failure(
            t,
            lambda fs=filters: t.split(x, *fs),  # type: ignore[misc]
            SpecError("invalid-filter"),
            f"split(x, {what})",
        )
        expect_failure(
            t,
            lambda fs=filters: t.state(x, *fs),  # type: ignore[misc]
            SpecError("invalid-filter"),
            f"state(x, {what})",
        )


PROBES: tuple[FilterSpec, ...] = (
    AllOf((OfType("Param"), NotOf(WithTag("red")))),
    AnyOf((PathContains("a"), TagFilter("blue"))),
    NotOf(Seq("list", (TypeFilter("BatchStat"), CallableFilter("even_depth")))),
)
"""Terms FLT-8 and FLT-9 check besides the drawn ones: each mixes type, metadata and path."""


def _graphs_for(case: Case) -> list[tuple[str, Blueprint]]:
    """The graphs FLT-8 runs one filter object over: x, its drawn near miss, x with a Variable's
    type, a metadata value or a key's type changed (same places, other answers), x once more."""
    keep = ("variable_type", "metadata_value", "key_type")
    out = [("x", case.graph)]
    kinds = {n.kind for n in case.graph.nodes} | {"list", "tuple", "dict", "none"}
    if case.other is not None and {n.kind for n in case.other.nodes} <= kinds:
        out.append(("y (x's drawn near miss)", case.other))  # a new kind may not be buildable
    out += [
        (f"x with its {a.replace('_', ' ')} changed", bp)
        for a, bp in near_misses_of(case.graph)
        if a in keep
    ]
    return [*out, ("x again", case.graph)]


def _pop_groups(t: Target, m: Model, f: FilterSpec) -> FlatState | None:
    """Return what pop(x, f) must return, or None where pop must fail or a Variable is reached
    by several paths (which alias pop removes is POP-1's and POP-2's business, not a filter's)."""
    if any(kind == "Variable" for kind, _ in aliasing(m)):
        return None
    mutable = Capability.PYTREE_DICTS_ARE_MUTABLE in t.capabilities
    try:
        return semantics.pop(m, (f,), mutable_dicts=mutable)[1][0]
    except SpecError:
        return None


def _answers_anew(
    t: Target, f: FilterSpec, filter_object: object, what: str, bp: Blueprint
) -> None:
    """Check state, split and pop with ``filter_object`` on a fresh build of ``bp``."""
    shown = describe(f)
    x = build(t, bp).root
    m = observe(t, x)
    expected = semantics.state_groups(m, (f,))[0]
    where = f"on {what}"
    require_same_state(
        expected, flat_models(t, t.state(x, filter_object)), f"state(x, {shown}) {where}"
    )
    rest = t.make_filter(Literal("..."))
    first = t.split(x, filter_object, rest)[1]
    require_same_state(expected, flat_models(t, first), f"split(x, {shown}, ...)[1] {where}")
    popped = _pop_groups(t, m, f)
    if Capability.POP in t.capabilities and popped is not None:
        result = t.pop(x, filter_object)
        require_same_state(popped, flat_models(t, result), f"pop(x, {shown}) {where}")


@law("FLT-8", inputs=("graph", "filters", "near_miss"), examples=0.5)
def one_filter_object_answers_every_graph_anew(t: Target, case: Case) -> None:
    """One filter object, reused on near-miss graphs by state, split and pop, decides leaves anew.

    Statement: ∀ f ∈ fs ∪ PROBES, F = make_filter(f) once, ∀ g ∈ (x, y, x retyped / retagged /
    rekeyed, x again): state(g, F) == split(g, F, ...)[1] == state_groups(model(g), (f,))[0]
    ∧ pop(g, F) == semantics.pop(model(g), (f,)) where pop succeeds and no Variable is aliased
    Rationale: users build filters once (a module constant) and reuse them on every model; an
    answer cached by filter object, by Variable type or by path is wrong as soon as the same
    path or type means something else in the next graph.
    Seed: filterlib.to_predicate / State.filter / graph.py pop (predicates are called per leaf;
    holds).
    """
    for f in (*case.filters, *PROBES):
        filter_object = t.make_filter(f)
        for what, bp in _graphs_for(case):
            _answers_anew(t, f, filter_object, what, bp)


def _paths(t: Target, x: object, f: FilterSpec) -> frozenset[Path]:
    return frozenset(p for p, _ in t.flat_state(t.state(x, t.make_filter(f))))


def _algebra(
    f: FilterSpec, g: FilterSpec
) -> list[tuple[FilterSpec, str, Callable[..., frozenset[Path]]]]:
    """Composite terms of ``f`` and ``g`` with the set each must select, from the sets ``f``
    and ``g`` select (F, G) and every path (U)."""
    return [
        (NotOf(f), "U − F", lambda F, G, U: U - F),
        (NotOf(NotOf(f)), "F", lambda F, G, U: F),
        (AnyOf((f, g)), "F ∪ G", lambda F, G, U: F | G),
        (AllOf((f, g)), "F ∩ G", lambda F, G, U: F & G),
        (Seq("list", (f, g)), "F ∪ G", lambda F, G, U: F | G),
        (AllOf((f, NotOf(g))), "F − G", lambda F, G, U: F - G),
        (NotOf(AnyOf((f, g))), "U − (F ∪ G)", lambda F, G, U: U - (F | G)),
        (AnyOf(()), "∅", lambda F, G, U: frozenset()),
        (AllOf(()), "U", lambda F, G, U: U),
    ]


@law("FLT-9", inputs=("graph", "filters"))
def combinators_are_a_boolean_algebra(t: Target, case: Case) -> None:
    """Not, Any, All and lists select, leaf by leaf, the complement, union and intersection.

    Statement: S(h) = paths(state(x, h)), U = paths(state(x)): ∀ f, g ∈ fs ∪ PROBES (pairs in
    turn): S(Not f) = U − S(f), S(Any(f, g)) = S([f, g]) = S(f) ∪ S(g), S(All(f, g)) =
    S(f) ∩ S(g), S(Any()) = ∅, S(All()) = U ∧ split(x, f, Not f) == (S(f), U − S(f)) (f no `...`)
    Rationale: an implementation that decides a combinator without asking its terms per leaf
    (a cached or type-only answer) breaks these identities even where every term alone is right.
    Seed: filterlib.Any / All / Not (holds).
    """
    x = build_case(t, case).root
    universe = frozenset(p for p, _ in semantics.state(observe(t, x)))
    terms = (*case.filters, *PROBES)
    for f, g in zip(terms, (*terms[1:], terms[0])):
        sf, sg = _paths(t, x, f), _paths(t, x, g)
        for h, rule, select in _algebra(f, g):
            found = _paths(t, x, h)
            want = select(sf, sg, universe)
            require(
                found == want,
                f"state(x, {describe(h)}) selects {sorted(map(path_str, found))}, but should select"
                f" {rule} = {sorted(map(path_str, want))} (F = state(x, {describe(f)}),"
                f" G = state(x, {describe(g)}))",
            )
        if is_catch_all(f):
            continue  # `...` must come last: FLT-3's business
        parts = t.split(x, t.make_filter(f), t.make_filter(NotOf(f)))[1:]
        got = tuple(frozenset(p for p, _ in t.flat_state(s)) for s in parts)
        require(
            got == (sf, universe - sf),
            f"split(x, {describe(f)}, Not({describe(f)})) gives {len(got)} groups"
            f" {[sorted(map(path_str, s)) for s in got]}, but should give F and U − F"
            f" = {[sorted(map(path_str, sf)), sorted(map(path_str, universe - sf))]}",
        )


def _path_sets(m: Model) -> list[tuple[str, tuple[Path, ...]]]:
    """Sets of whole paths for PathIn: single leaf paths, every other one, none, the nodes' paths
    (prefixes of leaf paths), leaf paths one key longer, and leaf paths with int keys spelled as
    strings (the near misses a prefix or key-type test would take)."""
    leaves = [p for p, _ in semantics.state(m)]
    out: list[tuple[str, tuple[Path, ...]]] = [(path_str(p), (p,)) for p in leaves[:6]]
    out.append(("every other leaf path", tuple(leaves[::2])))
    out.append(("no path", ()))
    out.append(("the node paths", tuple(p for p, s, _ in m.walk() if isinstance(s, NodeSlot))))
    out.append(("the leaf paths one key longer", tuple((*p, 0) for p in leaves)))
    spelled: tuple[Path, ...] = tuple(
        tuple(str(k) if isinstance(k, int) else k for k in p)
        for p in leaves
        if any(isinstance(k, int) for k in p)
    )
    if spelled:
        out.append(("the leaf paths with int keys as strings", spelled))
    return out


@law("FLT-10", inputs=("graph", "filters"))
def path_in_takes_exactly_the_paths_it_lists(t: Target, case: Case) -> None:
    """PathIn(*ps) takes exactly the leaves whose whole path is in ps: not a leaf below or above a
    listed path, nor one at a path spelled with keys of another type; its complement and its
    intersections with drawn filters follow.

    Statement: U = paths(state(x)), S(h) = paths(state(x, h)): ∀ ps ∈ path_sets(x): S(PathIn(*ps))
        = ps ∩ U ∧ S(Not(PathIn(*ps))) = U − ps ∧ ∀ f ∈ fs: S(All(PathIn(*ps), f)) = ps ∩ S(f)
    Rationale: PathIn selects the leaves a checkpoint or a config names by path; a prefix match or
        a str/int key mix-up selects other parameters without a word.
    Seed: filterlib.PathIn (`path in self.paths`; holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    universe = frozenset(p for p, _ in semantics.state(m))
    drawn = [(f, _paths(t, x, f)) for f in case.filters[:2] if not is_catch_all(f)]
    for name, ps in _path_sets(m):
        f = PathIn(ps)
        listed = universe & frozenset(ps)
        checks: list[tuple[FilterSpec, frozenset[Path], str]] = [
            (f, listed, "ps ∩ U"),
            (NotOf(f), universe - listed, "U − ps"),
        ]
        checks += [(AllOf((f, g)), listed & sg, f"ps ∩ S({describe(g)})") for g, sg in drawn]
        for h, want, rule in checks:
            found = _paths(t, x, h)
            require(
                found == want,
                f"state(x, {describe(h)}) selects {sorted(map(path_str, found))}, but should"
                f" select {rule} = {sorted(map(path_str, want))} (ps: {name})",
            )


def _twins(f: FilterSpec) -> list[FilterSpec]:
    """Terms one step from ``f``: some spell the same filter another way (a class and OfType, a
    list and Any, PathIn's paths reordered), some differ in one part (Any for All, a key's type,
    a path dropped, another type or tag)."""
    if isinstance(f, (TypeFilter, OfType)):
        other = "BatchStat" if f.type_name == "Param" else "Param"
        return [OfType(f.type_name), TypeFilter(f.type_name), OfType(other)]
    if isinstance(f, (TagFilter, WithTag)):
        return [WithTag(f.tag), TagFilter(f.tag + "_")]
    if isinstance(f, PathContains):
        key = f.key
        return [PathContains(str(key) if not isinstance(key, str) else key + "_")]
    if isinstance(f, PathIn):
        return [PathIn(f.paths[::-1]), PathIn(f.paths[1:]), PathIn((*f.paths, *f.paths[:1]))]
    if isinstance(f, (AnyOf, Seq)):
        return [AllOf(f.items), Seq("list", f.items), AnyOf(f.items[::-1])]
    if isinstance(f, AllOf):
        return [AnyOf(f.items), AllOf(f.items[::-1])]
    if isinstance(f, NotOf):
        return [f.item, NotOf(f)]
    if isinstance(f, (Literal, Everything, Nothing)):
        return [Everything(), Nothing(), Literal("none")]
    if isinstance(f, CallableFilter):
        return [CallableFilter("even_depth" if f.name != "even_depth" else "under_int_key")]
    return []


def _equality_terms(case: Case, limit: int = 32) -> list[FilterSpec]:
    """A PathIn, FLT-8's probes and the drawn filters, their direct terms, and their twins."""
    bases: list[FilterSpec] = []
    for f in (PathIn((("a",), ("b", 0), (1,))), *PROBES, *case.filters):
        if has_invalid(f):
            continue
        bases.append(f)
        if isinstance(f, (Seq, AnyOf, AllOf)):
            bases.extend(f.items)
        elif isinstance(f, NotOf):
            bases.append(f.item)
    out: list[FilterSpec] = []
    for f in bases:
        for g in (f, *_twins(f)):
            if g not in out:
                out.append(g)
    return out[:limit]


@law("FLT-11", inputs=("filters",))
def filters_compare_as_data(t: Target, case: Case) -> None:
    """Filters built from terms that denote one filter are == with equal hashes; from any other
    terms they are !=: Any, All and Not compare kind and terms in order, PathIn its path set.

    Statement: ∀ h, h' ∈ terms(fs ∪ PROBES) and their one-step twins: (F(h) == F(h')) ⟺
        same_filter(h, h') ∧ (F(h) == F(h') ⟹ hash(F(h)) == hash(F(h'))), F(h) = make_filter(Not h)
    Rationale: nnx.StateAxes, DiffState and jit's static arguments key dicts and caches by filter:
        a filter unequal to its twin misses its entry, and one equal to another takes its entry.
    Seed: filterlib's __eq__ / __hash__ of Not, Any, All, PathIn, OfType, WithTag (holds).
    """
    terms = _equality_terms(case)
    built = [(h, t.make_filter(NotOf(h))) for h in terms]
    for i, (h, a) in enumerate(built):
        for h2, b in built[i:]:
            want = same_filter(h, h2)
            got = bool(a == b) and bool(b == a)
            require(
                got == want,
                f"Not({describe(h)}) == Not({describe(h2)}) is {got}, but should be {want}: the"
                f" terms {'denote the same filter' if want else 'denote different filters'}",
            )
            if want:
                require(
                    hash(a) == hash(b),
                    f"Not({describe(h)}) and Not({describe(h2)}) are equal but hash apart",
                )
