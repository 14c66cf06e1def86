"""SURF: the public surface a target claims: present, and the seed's State and context methods
behaving as the seed's do.

A target that claims an inventory (``Target.surface``, see ``spec.surface``) promises the seed's
``State`` methods and context objects; these laws hold it to that, calling the methods on the
target's own objects. A target that claims no surface, or omits the methods, is ``n/a``.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import weakref
from collections.abc import Callable, Sequence
from typing import Any, cast

from spec import semantics
from spec.blueprint import VarSpec
from spec.errors import NotApplicable, SpecError
from spec.filters import Nothing, OfType, describe, is_catch_all
from spec.laws._check import (
    DOCUMENTED_ERRORS,
    build_case,
    expect_failure,
    flat_models,
    importable,
    leaf_model,
    message_names,
    require,
    require_same_state,
    states_of,
)
from spec.laws._registry import Case, law
from spec.model import observe, observe_objects, path_str
from spec.semantics import FlatState
from spec.semantics.merge import nest
from spec.surface.claim import check_target, claims
from spec.target import Capability, Path, Target

_STATE_METHODS = (
    "nnx.State.map",
    "nnx.State.to_pure_dict",
    "nnx.State.replace_by_pure_dict",
    "nnx.State.flat_state",
    "nnx.VariableState.replace",
)


@law("SURF-1", inputs=())
def target_has_the_surface_it_claims(t: Target, case: Case) -> None:
    """Every entry of the public surface a target claims is present with a compatible signature, or
    omitted with a reason.

    Statement: ∀ entry e of inventory(t.surface): e ∈ t with a signature accepting every call e
        accepts ∨ e matches an omission of t; ∀ omission: it matches a gap
    Rationale: seed-era code calls State, Variable, Module and context methods by name; a method no
        law calls is still API.
    Seed: flax 0.10.3's public names, generated into spec/surface/flax-0.10.3.json (holds there).
    """
    report = check_target(t)
    if report is None:
        raise NotApplicable(f"{t.name} {t.version} claims no public surface")
    gaps = report.of("missing") + report.of("incompatible")
    named = [f"{f.key} ({f.status}{': ' + f.detail if f.detail else ''})" for f in gaps[:5]]
    named += [f"stale omission {o.pattern!r}" for o in report.stale[:5]]
    require(
        report.ok,
        f"{len(gaps)} entries of the claimed surface {t.surface} are missing or "
        f"incompatible and {len(report.stale)} omission(s) are stale: " + "; ".join(named),
    )


def _need_state_methods(t: Target) -> None:
    if not claims(t, *_STATE_METHODS):
        raise NotApplicable(f"{t.name} {t.version} does not claim the seed's State methods")


def _string_keys(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {str(k): _string_keys(v) for k, v in tree.items()}
    return tree


def _spells_an_int(key: object) -> bool:
    return isinstance(key, str) and key.strip().lstrip("+-").replace("_", "").isdigit()


@law("SURF-2")
def pure_dicts_carry_values_between_states(t: Target, case: Case) -> None:
    """State.map(f) is a new State of f(path, leaf); to_pure_dict then replace_by_pure_dict moves
    its values into another State in place, keeping each leaf's type and metadata, also with every
    key written as a string (as checkpoints store them).

    Statement: s = state(x); r = s.map(λ p, l: l.replace(value(next(p)))) ⟹ s unchanged ∧ r[p] =
        s[p] with value(next(p)); s.replace_by_pure_dict(r.to_pure_dict()) ⟹ s == r; likewise from
        the string-keyed pure dict ∧ a pure dict with a key s lacks is refused, naming it, and s
        is unchanged
    Rationale: restoring a checkpoint is replace_by_pure_dict on a fresh model's state; a wrong
        path, type or key reading silently loads the wrong weights.
    Seed: statelib.State.map / to_pure_dict / replace_by_pure_dict
        (holds; D-20 for string keys that spell integers).
    """
    _need_state_methods(t)
    x = build_case(t, case).root
    s: Any = t.state(x)
    before = flat_models(t, s)
    if not before:
        return
    paths = [p for p, _ in before]
    raw = {tuple(p): cast(Any, leaf).value for p, leaf in t.flat_state(s)}
    nxt = {p: paths[(i + 1) % len(paths)] for i, p in enumerate(paths)}
    models = dict(before)
    expected = tuple(
        (p, dataclasses.replace(models[nxt[p]], type_name=m.type_name, metadata=m.metadata))
        for p, m in before
    )
    rotate: Callable[[Any, Any], Any] = lambda p, leaf: leaf.replace(raw[nxt[tuple(p)]])  # noqa: E731
    rotated = s.map(rotate)
    require_same_state(before, flat_models(t, s), "state(x) after state(x).map(f)", ordered=True)
    require_same_state(expected, flat_models(t, rotated), "state(x).map(f)", ordered=True)
    s.replace_by_pure_dict(rotated.to_pure_dict())
    require_same_state(
        expected,
        flat_models(t, s),
        "state(x) after replace_by_pure_dict(r.to_pure_dict())",
        ordered=True,
    )
    _require_unknown_keys_refused(t, s, rotated.to_pure_dict())
    keys = [k for p in paths for k in p]
    if any(_spells_an_int(k) for k in keys):  # the seed cannot address those (D-20)
        return
    fresh: Any = t.state(x)
    fresh.replace_by_pure_dict(_string_keys(rotated.to_pure_dict()))
    require_same_state(
        expected,
        flat_models(t, fresh),
        "state(x) after replace_by_pure_dict of the string-keyed pure dict",
        ordered=True,
    )


def _require_unknown_keys_refused(t: Target, s: Any, pure: dict[Any, Any]) -> None:
    """``s.replace_by_pure_dict`` of ``pure`` plus one key ``s`` lacks (a name, a string that
    spells an int) raises a documented error naming it and leaves ``s`` unchanged."""
    before = flat_models(t, s)
    leaf = next(iter(pure.values()))
    for key in ("nnxspec_unknown", "977"):
        expect_failure(
            t,
            functools.partial(s.replace_by_pure_dict, {**pure, key: leaf}),
            SpecError("unknown-key", (key,)),
            f"s.replace_by_pure_dict(pure dict with a key {key!r} s lacks)",
        )
        require_same_state(
            before,
            flat_models(t, s),
            f"s after a refused replace_by_pure_dict (unknown key {key!r})",
            ordered=True,
        )


@law("SURF-3", requires=(Capability.SPLIT_MERGE_CONTEXT,))
def split_and_merge_contexts_let_go_on_exit(t: Target, case: Case) -> None:
    """Once a split_context or merge_context has exited, it keeps no graph object alive.

    Statement: with split_context() as c: c.split(x); with merge_context() as d: y = d.merge(...) ⟹
        after exit, dropping x and y frees every graph node of both while c and d live
    Rationale: a context object outlives its block (transforms keep it); holding the index maps pins
        whole models.
    Seed: graph.py split_context / merge_context (holds: exit deletes ref_index / index_ref and
        ctxtag).
    """
    x = build_case(t, case).root
    if observe(t, x).root.kind != "graph":
        return
    with t.split_context() as c:
        graphdef, state = t.split_in(c, x)
    with t.merge_context() as d:
        y = t.merge_in(d, graphdef, state)
    weak = [
        weakref.ref(o)
        for root in (x, y)
        for o in observe_objects(t, root)[1]
        if t.classify(o) == "graph"
    ]
    contexts = (c, d)  # kept alive on purpose
    del x, y
    gc.collect()
    alive = sum(r() is not None for r in weak)
    require(
        alive == 0,
        f"{alive} graph node(s) are still alive after the contexts exited and "
        f"the graphs were dropped, but {type(contexts[0]).__name__} and "
        f"{type(contexts[1]).__name__} should hold none",
    )


@law("SURF-4", inputs=("graph", "filters"))
def state_split_and_filter_partition_as_the_graph_calls_do(t: Target, case: Case) -> None:
    """A State's own split and filter group its leaves exactly as split and state group the
    graph's: split refuses a remainder, filter drops it, and the State itself is left as it was.

    Statement: s = state(x), ∀ fs ∈ {drawn, drawn without `...`/True}: s.split(*fs) raises iff
        semantics.split(model(x), fs) does, else == it; s.filter(*fs) == semantics.state_groups; s
        unchanged ∧ S({a: VariableState, b: live Param}).split(OfType(VariableState), ...) ≅ a, b
    Rationale: training code splits the State it already holds (params, rest = s.split(nnx.Param,
        ...)); a State method that groups otherwise than the graph call feeds optimizers the wrong
        leaves.
    Seed: statelib.State.split / State.filter (the same partition as graph.split / graph.state;
        holds). Checked wherever the target's State has both methods, claimed surface or not.
    """
    if not case.filters:
        return  # both methods need a first filter
    x = build_case(t, case).root
    m = observe(t, x)
    s: Any = t.state(x)
    if not all(callable(getattr(s, name, None)) for name in ("split", "filter")):
        raise NotApplicable(f"{t.name} {t.version}'s State has no split and filter methods")
    before = flat_models(t, s)
    body = tuple(f for f in case.filters if not is_catch_all(f)) or (Nothing(),)
    for fs in dict.fromkeys((case.filters, body)):  # the drawn filters, then without `...`
        filters = [t.make_filter(f) for f in fs]
        shown = f"({', '.join(map(describe, fs))})"
        try:
            expected = semantics.split(m, fs)
        except SpecError as e:
            expect_failure(
                t,
                lambda fs=filters: s.split(*fs),  # type: ignore[misc]
                SpecError(e.kind),
                f"s.split{shown}",
            )
        else:
            parts = states_of(s.split(*filters), len(fs))
            for i, (want, got) in enumerate(zip(expected, parts)):
                require_same_state(want, flat_models(t, got), f"s.split{shown}[{i}]")
        kept = states_of(s.filter(*filters), len(fs))
        for i, (want, got) in enumerate(zip(semantics.state_groups(m, fs), kept)):
            require_same_state(want, flat_models(t, got), f"s.filter{shown}[{i}]")
    require_same_state(before, flat_models(t, s), "s = state(x) after its split and filter")
    if Capability.STATE_LEAVES_ARE_COPIES in t.capabilities:
        _require_leaf_kinds_apart(t)


def _require_leaf_kinds_apart(t: Target) -> None:
    """A State holding a Param's VariableState at ``a`` and a live Param at ``b`` splits by
    ``OfType(VariableState)`` into ``a`` and ``b``: a filter's answer for one kind of leaf of a
    type is not taken for the other kind."""
    spec = VarSpec(seed=1)
    live = t.new_variable(spec)
    s: Any = t.make_state([(("a",), t.leaf_view(live)), (("b",), live)])
    snapshot_type = type(t.flat_state(s)[0][1])
    of_type: Any = type(t.make_filter(OfType("Param")))
    parts = s.split(of_type(snapshot_type), ...)
    got = [sorted(path_str(tuple(p)) for p, _ in t.flat_state(part)) for part in parts]
    require(
        got == [[".a"], [".b"]],
        f"S({{a: Param's {snapshot_type.__name__}, b: a live Param}})"
        f".split(OfType({snapshot_type.__name__}), ...) gives {got}, but should give"
        " [['.a'], ['.b']]",
    )


@law("SURF-5")
def states_are_nested_mutable_mappings(t: Target, case: Case) -> None:
    """A State reads, builds, assigns, merges, subtracts and copies as the nested mapping of its
    leaves that it is.

    Statement: s = state(x), S = type(s): s[k], s.k, k ∈ s give each top leaf or subtree (an S) ∧
        S(dict(s)), S(nested dicts), a | b, s - a, deepcopy, pickle, S.merge(dict(s)) (an S) hold
        the expected leaves (a, b: halves of s) ∧ s.k = l, s[k] = S(...), s[k][q] = l store them
    Rationale: user code reads, assembles and trims States as mappings (params.layer.kernel,
        State({...}), state - frozen); one that drops or misplaces a leaf loads the wrong weights.
    Seed: statelib.State (Mapping with attribute access, __or__ / __sub__, holds; a State built
        from a mapping holding States breaks on reading them in flax 0.10.x).
    """
    x = build_case(t, case).root
    s: Any = t.state(x)
    cls = type(s)
    if not all(callable(getattr(cls, name, None)) for name in ("__or__", "__sub__")):
        raise NotApplicable(f"{t.name} {t.version}'s State has no | and - operators")
    before = flat_models(t, s)
    top = {k: s[k] for k in s}  # dict(s): each top key's leaf or subtree
    rebuilt = cls(top)
    _require_nested_reads(t, s, before, "state(x)")
    _require_nested_reads(t, rebuilt, before, "S(dict(s))")
    flat = t.flat_state(s)
    half = len(flat) // 2
    a, b = t.make_state(flat[:half]), t.make_state(flat[half:])
    built: list[tuple[str, Callable[[], object], FlatState]] = [
        ("S(dict(s))", lambda: rebuilt, before),
        ("S(nested dicts of s's leaves)", lambda: cls(nest(cast(Any, flat))), before),
        ("a | b", lambda: cast(Any, a) | b, before),
        ("s - a", lambda: s - a, flat_models(t, b)),
        ("copy.deepcopy(s)", lambda: _deepcopy(s), before),
    ]
    if all(importable(kind) for _, leaf in flat for kind in _types_of(leaf)):  # pickle names them
        built.append(("pickle.loads(pickle.dumps(s))", lambda: _pickled(s), before))
    for what, make, want in built:
        require_same_state(want, flat_models(t, make()), f"{what}, s = state(x) (a, b its halves)")
    merged = cls.merge(top)
    require(
        isinstance(merged, cls),
        f"S.merge(m) of one mapping m (dict(s)) is a {type(merged).__name__}, but should be a"
        f" {cls.__name__}",
    )
    require_same_state(before, flat_models(t, merged), "S.merge(dict(s))")
    if flat:
        _require_assignments(t, cls, flat[0][1])


def _require_nested_reads(t: Target, s: Any, flat: Sequence[tuple[Path, Any]], name: str) -> None:
    """``s[k]`` and ``s.k`` are the leaf or subtree at each top key ``k`` of ``s`` (``name``)."""
    below: dict[Any, list[tuple[Path, Any]]] = {}
    for path, leaf in flat:
        below.setdefault(path[0], []).append((path[1:], leaf))
    require("nnxspec_absent" not in s, f"'nnxspec_absent' in {name} is True")
    for key, entries in below.items():
        require(key in s, f"{key!r} in {name} is False, but {key!r} is its top key")
        reads = [(f"{name}[{key!r}]", s[key])]
        attribute = isinstance(key, str) and key.isidentifier() and not key.startswith("_")
        if attribute and not hasattr(type(s), key):  # (a method's name reads as the method)
            reads.append((f"{name}.{key}", getattr(s, key)))
        for what, got in reads:
            if entries[0][0] == ():
                found = leaf_model(t, got)
                require(
                    found == entries[0][1],
                    f"{what} is {found.describe()}, but should be {entries[0][1].describe()}",
                )
            else:
                require(
                    isinstance(got, type(s)),
                    f"{what} is a {type(got).__name__}, but a subtree of a {type(s).__name__}"
                    f" should read as a {type(s).__name__}",
                )
                require_same_state(tuple(entries), flat_models(t, got), what)


def _require_assignments(t: Target, cls: Any, leaf: object) -> None:
    """``s.k = leaf``, ``s[k] = S({'q': leaf})`` and ``s[k]['r'] = leaf`` (through the subtree
    read) store what they were given."""
    s = cls({})
    s.nnxspec_probe = leaf
    s["nnxspec_sub"] = cls({"q": leaf})
    s["nnxspec_sub"]["r"] = leaf
    expected = (
        (("nnxspec_probe",), leaf_model(t, leaf)),
        (("nnxspec_sub", "q"), leaf_model(t, leaf)),
        (("nnxspec_sub", "r"), leaf_model(t, leaf)),
    )
    require_same_state(
        expected,
        flat_models(t, s),
        "s = S({}) after s.nnxspec_probe = l; s['nnxspec_sub'] = S({'q': l});"
        " s['nnxspec_sub']['r'] = l",
    )


def _types_of(leaf: object) -> tuple[type, ...]:
    """The classes pickle must name to pickle a state leaf: its own, and a VariableState's type."""
    held = getattr(leaf, "type", None)
    return (type(leaf), held) if isinstance(held, type) else (type(leaf),)


def _deepcopy(s: object) -> object:
    import copy

    return copy.deepcopy(s)


def _pickled(s: object) -> object:
    import pickle

    return pickle.loads(pickle.dumps(s))


_MODE_NAMES = ("deterministic", "use_running_average")
"""The attributes ``train()`` / ``eval()`` set (False / True)."""


@law("SURF-6", inputs=("module_graph",))
def set_attributes_reaches_every_module_that_has_them(t: Target, case: Case) -> None:
    """Module.set_attributes, train and eval set each named attribute on every Module of the
    graph that has it and that the filters select at its first path, add it to none, and change
    nothing else.

    Statement: x a module root; mods = the Modules of semantics.iter_graph(model(x)), each at its
        path; x.eval() and x.train() raise nothing on x as built; plant deterministic on every
        other attribute-keyed module, use_running_average on the rest, nnxspec_flag on all:
        x.eval() sets each planted mode attribute to True, x.train() to False;
        x.set_attributes(f, nnxspec_flag=v) with f(path, o) = (len(path) odd) sets it exactly
        where f holds; x.set_attributes(nnxspec_absent=1) raises (ValueError / TypeError /
        KeyError naming it) ∧ with raise_if_not_found=False does nothing; no module gains an
        attribute; with the planted ones deleted, model(x) is as built
    Rationale: train() / eval() are how users switch dropout and batch statistics for a whole
        model; a walk that misses a nested or shared module evaluates it in training mode, one
        that adds the attribute where it was absent changes the graph (and jit's cache key).
    Seed: module.py Module.set_attributes / train / eval, over graph.py iter_graph (holds).
    """
    x: Any = build_case(t, case).root
    if not all(callable(getattr(type(x), n, None)) for n in ("set_attributes", "train", "eval")):
        raise NotApplicable(f"{t.name} {t.version}'s Module has no set_attributes, train, eval")
    m, objects, _ = observe_objects(t, x)
    mods = [
        (path, objects[i])
        for path, (kind, i) in semantics.iter_graph(m)
        if kind == "node"
        and isinstance(i, int)
        and callable(getattr(type(objects[i]), "set_attributes", None))
    ]
    x.eval()
    x.train()
    planted = [(p, o) for p, o in mods if not t.inspect(o).positional]
    names = {id(o): {_MODE_NAMES[i % 2], "nnxspec_flag"} for i, (_, o) in enumerate(planted)}
    for i, (_, o) in enumerate(planted):
        t.set_attr(o, _MODE_NAMES[i % 2], i % 3 == 0)
        t.set_attr(o, "nnxspec_flag", 0)
    for call, value in (("eval", True), ("train", False)):
        getattr(x, call)()
        for i, (path, o) in enumerate(planted):
            _require_attribute(o, _MODE_NAMES[i % 2], value, f"x.{call}()", path)
    odd = [o for path, o in planted if len(path) % 2]
    _set_attributes(x, lambda path, _: len(path) % 2 == 1, refused=not odd, nnxspec_flag=7)
    for path, o in planted:
        want = 7 if len(path) % 2 else 0
        _require_attribute(o, "nnxspec_flag", want, "x.set_attributes(f, nnxspec_flag=7)", path)
    _set_attributes(x, refused=True, nnxspec_absent=1)
    for path, o in mods:
        have = {n for n in ("nnxspec_absent", "nnxspec_flag", *_MODE_NAMES) if hasattr(o, n)}
        gained = sorted(have - names.get(id(o), set()))
        require(not gained, f"the Module at {path_str(path)} gained {gained}, never set on it")
    for i, (_, o) in enumerate(planted):
        t.del_attr(o, _MODE_NAMES[i % 2])
        t.del_attr(o, "nnxspec_flag")
    require(observe(t, x) == m, "with the planted attributes deleted, x is not the graph it was")


def _require_attribute(o: object, name: str, value: object, call: str, path: Path) -> None:
    found = getattr(o, name, "(absent)")
    require(
        found == value and type(found) is type(value),
        f"after {call}, the Module at {path_str(path)} has {name} = {found!r}, should be {value!r}",
    )


def _set_attributes(x: Any, *filters: object, refused: bool, **attributes: object) -> None:
    """``x.set_attributes(*filters, **attributes)``, which raises naming the attributes iff
    ``refused`` (no selected Module has them); with raise_if_not_found=False it never raises."""
    call = f"x.set_attributes({'f, ' if filters else ''}{', '.join(f'{k}=…' for k in attributes)})"
    try:
        x.set_attributes(*filters, **attributes)
    except DOCUMENTED_ERRORS as e:
        require(refused, f"{call} raised {type(e).__name__}: {e}, but a selected Module has them")
        require(
            all(message_names(e, name) for name in attributes),
            f"{call} raised {type(e).__name__}: {e}, which does not name the attributes",
        )
        x.set_attributes(*filters, raise_if_not_found=False, **attributes)
    else:
        require(not refused, f"{call} returned, but no Module it selects has them")


@law("SURF-7")
def variable_and_leaf_node_reprs_name_what_they_hold(t: Target, case: Case) -> None:
    """The repr of every Variable of x starts with its type's name and shows each of its
    metadata names; so does the repr of every Module that holds no other node, with each public
    attribute name.

    Statement: ∀ Variable v of x (first 16): repr(v) = repr(v) starts with type(v).__name__ + '('
        and shows f'{k}=' for each metadata name k ∧ the same for each graph node o of x whose
        entries are Variables and statics only, with its public attribute names
    Rationale: printing a layer is how a user sees what it holds; a repr that raises, leaves out
        an attribute or a Variable's metadata, or names another type hides it.
    Seed: variables.py Variable.__nnx_repr__, object.py Object.__nnx_repr__ (holds).
    """
    x = build_case(t, case).root
    m, nodes, variables = observe_objects(t, x)
    paths, variable_paths = m.first_paths()
    for i, v in enumerate(variables[:16]):
        names = [f"{name}=" for name, _ in t.leaf_view(v).metadata]
        what = f"repr of the {type(v).__name__} at x{path_str(variable_paths[i])}"
        _require_repr_names(v, names, what)
    for i, (node, o) in enumerate(zip(m.nodes, nodes)):
        entries = t.inspect(o).entries
        if node.kind != "graph" or any(t.classify(v) in ("graph", "pytree") for _, v in entries):
            continue
        names = [f"{k}=" for k, _ in entries if isinstance(k, str) and not k.startswith("_")]
        _require_repr_names(o, names, f"repr of the {type(o).__name__} at x{path_str(paths[i])}")


def _require_repr_names(o: object, names: Sequence[str], what: str) -> None:
    text = repr(o)
    require(repr(o) == text, f"{what} differs between two calls", actual=text)
    head = type(o).__name__ + "("
    require(text.startswith(head), f"{what} does not start with {head!r}", actual=text)
    missing = [n for n in names if n not in text]
    require(not missing, f"{what} does not show {', '.join(missing)}", actual=text)


@law("SURF-8", requires=(Capability.REF_MAP,))
def ref_maps_key_by_identity(t: Target, case: Case) -> None:
    """RefMap is a mutable mapping keyed by object identity, in insertion order: equal but
    distinct keys are distinct entries, unhashable keys work, and RefMap(m) copies m.

    Statement: K = x's nodes and Variables (first 16) + two equal lists, m[k_i] = i in a RefMap m
        ⟹ m[k_i] = i ∧ list(m) is K ∧ an equal copy of k ∉ m ∧ RefMap(m) and RefMap(m.items())
        hold the same ∧ del m[k_0] removes k_0 only
    Rationale: split and merge contexts tell objects apart by identity through RefMap; two equal
        Modules, Variables or lists must never share an entry.
    Seed: graph.py RefMap (holds).
    """
    x = build_case(t, case).root
    _, nodes, variables = observe_objects(t, x)
    keys = list({id(o): o for o in (*nodes[:8], *variables[:8], [1], [1])}.values())
    m = t.ref_map()
    for i, k in enumerate(keys):
        m[k] = i
    _require_ref_map(m, keys, list(range(len(keys))), "m after m[k_i] = i")
    require([1] not in m, "[1] in m is True, but m holds other lists equal to it, not this one")
    for what, copy in (
        ("RefMap(m)", t.ref_map(m)),
        ("RefMap(m.items())", t.ref_map(list(m.items()))),
    ):
        _require_ref_map(copy, keys, list(range(len(keys))), what)
    del m[keys[0]]
    _require_ref_map(m, keys[1:], list(range(1, len(keys))), "m after del m[k_0]")


def _require_ref_map(m: Any, keys: Sequence[object], values: Sequence[int], what: str) -> None:
    require(len(m) == len(keys), f"len({what}) is {len(m)}, but should be {len(keys)}")
    listed = list(m)
    require(
        len(listed) == len(keys) and all(a is b for a, b in zip(listed, keys)),
        f"list({what}) is not the keys in insertion order, the very objects",
    )
    for i, (k, v) in enumerate(zip(keys, values)):
        require(k in m, f"key {i} ({type(k).__name__}) in {what} is False")
        require(m[k] == v, f"{what}[key {i}] is {m[k]!r}, but should be {v!r}")


@law("SURF-9", inputs=())
def dict_containers_build_from_keywords_mappings_and_items(t: Target, case: Case) -> None:
    """A Dict container built from keywords, from a mapping, or by item assignment is the
    container that attribute assignment builds, holding the very values given.

    Statement: e = {a: Param, b: 3, c: [Param]}; d₀ = D() with d₀.k = e[k]; d₁ = D(**e), d₂ = D(e),
        d₃ = D() with d₃[k] = e[k]  ⟹  ∀ i: graphdef(dᵢ) == graphdef(d₀) ∧ state(dᵢ) == state(d₀)
        ∧ dᵢ[k] is e[k]
    Rationale: user code builds layer dictionaries all three ways (nnx.Dict(layers),
        nnx.Dict(q=..., k=...), d[name] = layer); a form that drops an entry loses a layer from
        every split.
    Seed: object.py Dict (__init__ and __setitem__ set attributes; holds).
    """
    d0 = t.new_graph_node("container")  # NotApplicable where the target has no Dict
    cls: Any = type(d0)
    entries: dict[str, object] = {
        "a": t.new_variable(VarSpec(seed=1)),
        "b": 3,
        "c": [t.new_variable(VarSpec(type="BatchStat", seed=2))],
    }
    for k, v in entries.items():
        t.set_attr(d0, k, v)
    d3 = cls()
    for k, v in entries.items():
        d3[k] = v
    expected = (t.graphdef(d0), flat_models(t, t.state(d0)))
    for what, d in (
        ("D(**e)", cls(**entries)),
        ("D(e)", cls(entries)),
        ("D() with d[k] = e[k]", d3),
    ):
        got = (t.graphdef(d), flat_models(t, t.state(d)))
        require(got[0] == expected[0], f"graphdef({what}) differs from graphdef(d0)")
        require_same_state(expected[1], got[1], f"state({what})")
        for k, v in entries.items():
            require(d[k] is v, f"{what}[{k!r}] is not the value given for {k!r}")
