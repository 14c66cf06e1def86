"""VAR: variables returns the live Variables at their state paths."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, cast

from spec import semantics
from spec.blueprint import VarSpec
from spec.errors import LawViolation
from spec.laws._check import build_case, importable, leaf_model, require, states_of
from spec.laws._registry import Case, law
from spec.model import VarModel, observe_objects, path_str
from spec.target import Capability, Target


@law("VAR-1", requires=(Capability.VARIABLES,), inputs=("graph", "filters"))
def variables_returns_live_variables_at_state_paths(t: Target, case: Case) -> None:
    """variables(x, *fs) has the paths and grouping of state(x, *fs), holds x's live Variables, and
    returns one State per filter.

    Statement: paths(variables(x, *fs)[i]) == paths(semantics.state_groups(model(x), fs)[i]) ∧ leaf
        is x@p ∧ |result| = max(1, |fs|)
    Rationale: variables() is state() without copying; the seed returned |fs| + 2 groups for 2+
        filters (D-3).
    Seed: graph.py variables (breaks: arity 4 for two filters, paths from iter_graph).
    """
    x = build_case(t, case).root
    m, _, variables = observe_objects(t, x)
    _, first = m.first_paths()
    by_path = {p: variables[vid] for vid, p in first.items()}
    expected = semantics.state_groups(m, case.filters)
    result = t.variables(x, *(t.make_filter(f) for f in case.filters))
    for i, (e, a) in enumerate(zip(expected, states_of(result, len(case.filters)))):
        leaves = t.flat_state(a)
        require(
            [p for p, _ in e] == [tuple(p) for p, _ in leaves]
            or sorted(map(repr, (p for p, _ in e))) == sorted(repr(tuple(p)) for p, _ in leaves),
            f"variables(x, *fs)[{i}] has paths {[path_str(p) for p, _ in leaves]}, but "
            f"should have {[path_str(p) for p, _ in e]}",
        )
        for p, leaf in leaves:
            require(
                leaf is by_path.get(tuple(p)),
                f"variables(x, *fs)[{i}] at {path_str(p)} is not x's live Variable",
            )


_PROBE = "nnxspec_probe"
"""A metadata name no blueprint draws: set on one Variable to see whether another shares it."""


@law("VAR-2")
def variable_copies_share_no_metadata(t: Target, case: Case) -> None:
    """A Variable's copy, replace, copy_from and pickle round trip carry its type, value and
    metadata, and share no metadata with their source.

    Statement: ∀ Variable v of x (first 16): c = v.copy() (+ an extra entry), r = v.replace(w, p=1),
    c.copy_from(r): each has type(v), the expected leaf; v unchanged; metadata set on one of v, c, r
    changes no other ∧ a pickle round trip of v has its type, leaf ∧ v.shape, v.dtype: its value's
    Rationale: transforms, optimizers and checkpoint code copy Variables to change one thing: a
    copy that shares its source's metadata turns a change to one into a change to both.
    Seed: variables.py Variable.copy / copy_from / __getstate__ (holds); Variable.replace wrote
    the new metadata into the source's own dict ([Deviation D-7]).
    """
    import pickle

    import numpy as np

    x = build_case(t, case).root
    _, _, variables = observe_objects(t, x)
    for i, v in enumerate(variables[:16]):
        where = f"Variable {i} of x ({type(v).__name__})"
        c, r = _copy_and_replace(t, v, where)
        value = np.asarray(t.get_value(v))
        shape, dtype = cast(Any, v).shape, cast(Any, v).dtype
        require(
            tuple(shape) == value.shape and np.dtype(dtype) == value.dtype,
            f"{where}: v.shape, v.dtype are {shape}, {dtype}, but its value's are {value.shape},"
            f" {value.dtype}",
        )
        t.set_metadata(c, "nnxspec_extra", 0)  # copy_from must drop what r lacks
        c.copy_from(r)
        require(leaf_model(t, c) == leaf_model(t, r), f"{where}: c.copy_from(r) left c unlike r")
        for name, changed in (("v", v), ("c", c), ("r", r)):
            others = [
                (n, o, leaf_model(t, o))
                for n, o in (("v", v), ("c", c), ("r", r))
                if o is not changed
            ]
            t.set_metadata(changed, _PROBE, 2 + i)
            for other_name, other, seen in others:
                require(
                    leaf_model(t, other) == seen,
                    f"{where}: setting metadata on {name} also changed {other_name}"
                    " (c = v.copy(), r = v.replace(w, ...), then c.copy_from(r))",
                )
        if not importable(type(v)):  # a type made at run time: pickle cannot name it
            continue
        back = pickle.loads(pickle.dumps(v))
        require(
            type(back) is type(v) and leaf_model(t, back) == leaf_model(t, v),
            f"{where}: a pickle round trip of v gives {type(back).__name__} {leaf_model(t, back)}",
        )


def _copy_and_replace(t: Target, v: object, where: str) -> tuple[Any, Any]:
    """``(v.copy(), v.replace(w, probe=1))``, each checked, and ``v`` checked unchanged."""
    import numpy as np

    new_value = np.arange(3, dtype=np.float32) + 0.5
    before = leaf_model(t, v)
    c: Any = cast(Any, v).copy()
    require(type(c) is type(v) and c is not v, f"{where}: v.copy() is not a new {where}")
    require(leaf_model(t, c) == before, f"{where}: v.copy() differs from v: {leaf_model(t, c)}")
    r: Any = cast(Any, v).replace(new_value, **{_PROBE: 1})
    require(leaf_model(t, v) == before, f"{where}: v.replace(w, {_PROBE}=1) changed v itself")
    expected = dataclasses.replace(
        before,
        dtype="float32",
        shape=(3,),
        data=new_value.tobytes(),
        metadata=tuple(sorted((*before.metadata, (_PROBE, 1)))),
    )
    require(
        type(r) is type(v) and leaf_model(t, r) == expected,
        f"{where}: v.replace(w, {_PROBE}=1) is {type(r).__name__} {leaf_model(t, r)}, expected"
        f" {type(v).__name__} {expected}",
    )
    return c, r


@law("VAR-3", requires=(Capability.AXIS_METADATA_HOOKS,))
def axis_hooks_see_their_variable(t: Target, case: Case) -> None:
    """add_axis and remove_axis call the on_add_axis / on_remove_axis metadata hook once, with
    the Variable, the axis index and name, on a Variable and on its state leaf; without a hook
    they do nothing.

    Statement: ∀ Variable v of x (first 8): v.add_axis(i, n) without hooks leaves v as it was ∧
        with hooks h set as metadata, v.add_axis(i, n) calls h_add(v, i, n) once and
        v.remove_axis(j, n) calls h_remove(v, j, n) once ∧ so does leaf = state(x) at v's path
    Rationale: vmap and scan tell each Variable of the axis they add or remove through these
        hooks (sharding names move with the axis): a hook not called, or called with another
        Variable, leaves partition specs of the wrong rank.
    Seed: variables.py Variable.add_axis / remove_axis and VariableState's (holds).
    """
    x = build_case(t, case).root
    m, _, variables = observe_objects(t, x)
    _, first = m.first_paths()
    calls: list[tuple[str, object, object, object]] = []
    for k, v in enumerate(variables[:8]):
        before = leaf_model(t, v)
        cast(Any, v).add_axis(k % 3, f"axis{k}")
        cast(Any, v).remove_axis(k % 3, f"axis{k}")
        require(
            leaf_model(t, v) == before,
            f"Variable {k} of x ({type(v).__name__}): add_axis / remove_axis without a hook"
            f" changed it: {leaf_model(t, v)}",
        )
        for name in ("on_add_axis", "on_remove_axis"):
            t.set_metadata(v, name, _recorder(calls, name))
    leaves = {tuple(p): leaf for p, leaf in t.flat_state(t.state(x))}
    for k, v in enumerate(variables[:8]):
        for owner, what in ((v, "v"), (leaves.get(first[k]), "v's state leaf")):
            calls.clear()
            cast(Any, owner).add_axis(k % 3, f"axis{k}")
            cast(Any, owner).remove_axis(1 + k % 2, None)
            want = [
                ("on_add_axis", owner, k % 3, f"axis{k}"),
                ("on_remove_axis", owner, 1 + k % 2, None),
            ]
            require(
                len(calls) == 2
                and all(
                    c[1] is w[1] and (c[0], *c[2:]) == (w[0], *w[2:]) for c, w in zip(calls, want)
                ),
                f"Variable {k} of x ({type(v).__name__}) at {path_str(first[k])}: {what}.add_axis("
                f"{k % 3}, 'axis{k}') then .remove_axis({1 + k % 2}, None) made the hook calls"
                f" {_calls_text(calls, owner)}, but should make {_calls_text(want, owner)}",
            )


def _recorder(
    calls: list[tuple[str, object, object, object]], name: str
) -> Callable[[object, object, object], None]:
    def hook(owner: object, axis_index: object, axis_name: object) -> None:
        calls.append((name, owner, axis_index, axis_name))

    return hook


def _calls_text(calls: Sequence[tuple[str, object, object, object]], owner: object) -> str:
    return (
        "["
        + ", ".join(
            f"{n}({'it' if o is owner else type(o).__name__}, {i!r}, {a!r})" for n, o, i, a in calls
        )
        + "]"
    )


@law("VAR-4", inputs=())
def value_operators_act_on_the_value(t: Target, case: Case) -> None:
    """A Variable answers `in` and item assignment through its value, and an in-place operator
    updates its value and gives back the Variable itself.

    Statement: v = Param holding np.arange(3.): 2. ∈ v ∧ 7.5 ∉ v ∧ after v[0] = 7., v's value is
        [7, 1, 2] ∧ w = v; w += 1 ⟹ w is v with value [8, 2, 3] (where in-place operators exist)
    Rationale: optimizer and metric code updates Variables in place (count += 1, buffer[i] = x);
        an operator that rebinds to a bare array, or writes nowhere, loses the update.
    Seed: variables.py Variable.__contains__ / __setitem__ / __iadd__ (holds).
    """
    import numpy as np

    v: Any = t.new_variable(VarSpec(seed=3))
    t.set_value(v, np.arange(3.0))
    require(2.0 in v and 7.5 not in v, "2. in v and 7.5 not in v should hold for v = [0, 1, 2]")
    v[0] = 7.0
    value = np.asarray(t.get_value(v)).tolist()
    require(value == [7.0, 1.0, 2.0], f"after v[0] = 7., v holds {value}, should hold [7, 1, 2]")
    if Capability.VARIABLE_INPLACE_OPERATORS not in t.capabilities:
        return
    w = v
    w += 1
    value = np.asarray(t.get_value(v)).tolist()
    require(
        w is v and value == [8.0, 2.0, 3.0],
        f"w = v; w += 1 gives {'v itself' if w is v else type(w).__name__} and leaves v holding"
        f" {value}, but should give v itself holding [8, 2, 3]",
    )


@law("VAR-5", requires=(Capability.VARIABLE_DATA_EQUALITY,), inputs=())
def variables_compare_as_data(t: Target, case: Case) -> None:
    """Two Variables are == exactly when they have one type, equal values and equal metadata,
    and a Variable is == to itself whatever its value.

    Statement: a, b two Variables of one spec ⟹ a == b ∧ ¬(a != b); b of another type, value,
        metadata value or with one more metadata entry ⟹ a != b ∧ ¬(a == b); v holding an
        array ⟹ v == v; a == a's raw value is False (where == compares Variables as data)
    Rationale: tests, caches and checkpoint diffs compare Variables: an == that ignores the type
        or the metadata calls a BatchStat a Param, and one that asks an array for its truth
        raises on the Variable itself.
    Seed: variables.py Variable.__eq__ (type and vars compared; holds).
    """
    spec = VarSpec(seed=2, metadata=(("note", "w"),))
    a, b = t.new_variable(spec), t.new_variable(spec)
    require(a == b and not a != b, f"two Variables of one spec ({a!r}, {b!r}) are not ==")
    misses = {
        "another type": dataclasses.replace(spec, type="BatchStat"),
        "another value": dataclasses.replace(spec, seed=3),
        "another metadata value": dataclasses.replace(spec, metadata=(("note", "v"),)),
        "one more metadata entry": dataclasses.replace(
            spec, metadata=(("extra", 1), *spec.metadata)
        ),
    }
    for what, other in misses.items():
        c = t.new_variable(other)
        require(
            a != c and not a == c,
            f"a Variable and one that differs by {what} are == ({a!r}, {c!r})",
        )
    v = t.new_variable(VarSpec(shape=(3,)))
    try:
        same = bool(v == v)
    except Exception as e:
        raise LawViolation(f"v == v for a Variable holding an array raised {e!r}") from e
    require(same, "v == v is False for a Variable holding an array")
    require(not a == t.get_value(a), "a Variable is == to its own raw value")


@law("VAR-6", inputs=())
def variable_copies_are_variables_one_level_deep(t: Target, case: Case) -> None:
    """copy.deepcopy of a Variable, and replace by a Variable of its type, give a Variable of that
    type whose value is a plain value.

    Statement: ∀ v of the Variable specs (an array value, metadata): d = copy.deepcopy(v) ⟹
        type(d) is type(v) ∧ d is not v ∧ leaf(d) == leaf(v) ∧ d's metadata is not v's ∧ w of
        type(v) ⟹ type(v.replace(w)) is type(v) ∧ its value is w's (not a Variable)
    Rationale: models are copied with copy.deepcopy and Variables rebuilt with replace; a copy
        that drops the Variable leaves a bare array where the graph expects a Variable, and one
        that nests a Variable inside a Variable hides the value from every operation.
    Seed: variables.py Variable (breaks: __getattr__ forwards __deepcopy__ to the value, D-21;
        replace returns a Variable given for the value, holds).
    """
    import copy

    for spec in (VarSpec(shape=(2,), metadata=(("note", "w"),)), VarSpec(type="BatchStat")):
        v = t.new_variable(spec)
        t.set_metadata(v, "nnxspec_list", [1])
        d: Any = copy.deepcopy(v)
        require(
            type(d) is type(v) and d is not v and _leaf_or_none(t, d) == leaf_model(t, v),
            f"copy.deepcopy(v) of {type(v).__name__} {leaf_model(t, v).describe()} is"
            f" {type(d).__name__} {_describe(t, d)}",
        )
        require(
            d.nnxspec_list is not cast(Any, v).nnxspec_list,
            "copy.deepcopy(v) shares v's metadata value nnxspec_list (a list)",
        )
        w = t.new_variable(dataclasses.replace(spec, seed=7))
        r: Any = cast(Any, v).replace(w)
        require(
            type(r) is type(v) and _leaf_or_none(t, r) == leaf_model(t, w),
            f"v.replace(w), w a {type(w).__name__} {leaf_model(t, w).describe()}, is"
            f" {type(r).__name__} {_describe(t, r)}",
        )


def _leaf_or_none(t: Target, o: object) -> VarModel | None:
    """The leaf model of ``o``, or None where ``o`` is none (a bare array, a nested Variable)."""
    try:
        return leaf_model(t, o)
    except Exception:
        return None


def _describe(t: Target, o: object) -> str:
    """The leaf of ``o`` if it is one, else its repr."""
    m = _leaf_or_none(t, o)
    return repr(o) if m is None else m.describe()
