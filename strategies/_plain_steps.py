"""Plain-API steps: a law's failing step as plain code against a target's own API.

A reproducer (``strategies._reproducers``) rebuilds a case's graph as ``x`` in plain statements;
the step written here then runs the law's operation through ``nnx`` alone and asserts what the
law expects, with a message that starts with the law id and names the path at fault.  What the
law expects is computed *now*, by the oracle (``spec.semantics``), and written into the script
as literal data, so the script needs nothing of nnxspec: it runs on the target's release alone.

``STEPS`` maps a law id to its writer ``(case, law) -> str``; a writer raises ``NoPlainStep``
for a case it cannot write (then the reproducer replays the law through nnxspec).  The writers
rebuild each law's input the way its checker does (the same oracle calls on the same model), so
a change to a law's input must change its writer too; ``tests/strategies/test_plain_steps.py``
runs every writer's script on the reference (where it must pass) and on a broken target.

The scripts share a few helpers (``HELPERS``): ``snapshot(x)`` describes everything reachable
from ``x`` by plain attribute and item access (Variables by type, value and metadata, a second
reference to a node or Variable as ``("same as", first path)``, statics by repr), and
``make_state`` / ``leaf`` build a State of the release's own kind from plain values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from spec.blueprint import Blueprint, Key
from spec.build import blueprint_model
from spec.errors import SpecError
from spec.filters import FilterSpec, TypeFilter
from spec.laws._registry import Case, Law
from spec.model import Model, NodeSlot, StaticSlot, VarModel, VarSlot, path_str
from spec.semantics import RawLeaf, StateLeaf
from spec.target import Path, Token

__all__ = ["HELPERS", "STEPS", "NoPlainStep", "expected_snapshot", "plain_step"]


class NoPlainStep(Exception):
    """The law's failing step on this case is not a plain API call sequence."""


DOCUMENTED = "(ValueError, TypeError, KeyError)"

HELPERS = '''
# --- plain helpers: no nnxspec, only this release's own API ---
DOCUMENTED = (ValueError, TypeError, KeyError)


def value_of(v):
    """A Variable's (or state leaf's) value."""
    get = getattr(v, "get_value", None)
    return get() if callable(get) else v.value


def leaf(cls, value, **metadata):
    """The state leaf this release makes for a Variable of type cls (what nnx.state gives)."""
    holder = Node()
    holder.v = cls(jnp.asarray(value), **metadata)
    return nnx.state(holder)["v"]


def make_state(pairs):
    """A State holding the (path, leaf) pairs, in this order."""
    if hasattr(nnx, "from_flat_state"):
        return nnx.from_flat_state(pairs)
    return nnx.State.from_flat_path(pairs)


def path_str(path):
    return "".join(f".{k}" if isinstance(k, str) else f"[{k!r}]" for k in path) or "<root>"


def sort_key(key):
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))


def is_pytree(y):
    return y is None or isinstance(y, (list, tuple, dict)) or dataclasses.is_dataclass(y)


def entries(y):
    """The entries of a pytree container or a graph node, by plain item and attribute access."""
    if y is None:
        return []
    if isinstance(y, dict):
        return list(y.items())
    if hasattr(y, "_fields"):
        return [(f, getattr(y, f)) for f in y._fields]
    if isinstance(y, (list, tuple)):
        return list(enumerate(y))
    if dataclasses.is_dataclass(y):
        return [(f.name, getattr(y, f.name)) for f in dataclasses.fields(y)]
    return [(k, v) for k, v in vars(y).items() if not k.startswith("_")]


def static_text(y):
    if isinstance(y, (set, frozenset)):
        return f"{type(y).__name__}({sorted(y, key=repr)!r})"
    return repr(y)


def describe_leaf(v, metadata_keys):
    a = np.asarray(value_of(v))
    md = dict(v.get_metadata()) if hasattr(v, "get_metadata") else {}
    meta = tuple(sorted((k, repr(md[k])) for k in metadata_keys if k in md))
    return (type(v).__name__, str(a.dtype), tuple(a.shape), a.tolist(), meta)


def snapshot(x, metadata_keys=()):
    """{path: what is there} for everything reachable from x, walked depth first in sorted key
    order: a Variable as (type, dtype, shape, values, metadata), a graph node as ("graph",), a
    pytree container as ("pytree",), a node or Variable met before as ("same as", its first
    path), a static as ("static", its repr)."""
    out, seen, stack = {}, {}, [((), x)]
    while stack:
        path, y = stack.pop()
        variable = isinstance(y, nnx.Variable)
        node = (
            not variable and not is_pytree(y) and hasattr(y, "__dict__") and not hasattr(y, "dtype")
        )
        if variable or node:
            if id(y) in seen:
                out[path] = ("same as", seen[id(y)])
                continue
            seen[id(y)] = path
        if variable:
            out[path] = describe_leaf(y, metadata_keys)
        elif node or is_pytree(y):
            out[path] = ("graph",) if node else ("pytree",)
            children = sorted(entries(y), key=lambda kv: sort_key(kv[0]))
            stack.extend(((*path, k), v) for k, v in reversed(children))
        else:
            out[path] = ("static", static_text(y))
    return out


def first_difference(expected, found):
    """The first place where two snapshots differ, as text (None when they are equal)."""
    for p in sorted(set(expected) | set(found), key=lambda p: [sort_key(k) for k in p]):
        if expected.get(p) != found.get(p):
            want, got = expected.get(p, "nothing"), found.get(p, "nothing")
            return f"at {path_str(p)}: expected {want}, found {got}"
    return None


def flat_paths(state):
    """The paths of a State's leaves, by plain mapping access."""
    out, stack = [], [((), state)]
    while stack:
        path, s = stack.pop()
        if hasattr(s, "items") and not isinstance(s, nnx.Variable) and not hasattr(s, "value"):
            stack.extend(((*path, k), v) for k, v in reversed(list(s.items())))
        else:
            out.append(path)
    return out


def must_fail(what, run, key, expected):
    """Run run(); it must raise a ValueError, TypeError or KeyError whose message names key
    (None: a fault of the whole input, no key to name)."""
    try:
        result = run()
    except DOCUMENTED as e:
        if key is not None:
            assert repr(key) in str(e) or str(key) in str(e), (
                f"{what} raised {type(e).__name__}: {e}, but its message should name {key!r}")
        return e
    except Exception as e:
        raise AssertionError(f"{what} raised {type(e).__name__}: {e}, but should raise a "
                             f"ValueError, TypeError or KeyError ({expected})") from e
    raise AssertionError(f"{what} returned a {type(result).__name__}, but should fail: {expected}")


def reachable(x):
    """(path, object) for every place reachable from x, each node and Variable once."""
    out, seen, stack = [], set(), [((), x)]
    while stack:
        path, y = stack.pop()
        if id(y) in seen and not is_pytree(y):
            out.append((path, y))
            continue
        seen.add(id(y))
        out.append((path, y))
        node = is_pytree(y) or hasattr(y, "__dict__")
        if not isinstance(y, nnx.Variable) and node and not hasattr(y, "dtype"):
            stack.extend(((*path, k), v) for k, v in reversed(entries(y)))
    return out


def must_succeed(what, run):
    try:
        return run()
    except Exception as e:
        raise AssertionError(f"{what} raised {type(e).__name__}: {e}, but should succeed") from e
'''
"""Helper functions every plain step may call (written once, after the graph)."""


# --- Literals ----------------------------------------------------------------------------------


def _sort_key(key: Key) -> tuple[int, int, str]:
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))


def _class(type_name: str) -> str:
    return "UserVariable" if type_name == "UserVariable" else f"nnx.{type_name}"


def _array(v: VarModel | RawLeaf) -> str:
    value = v.typed("Param", ()).value if isinstance(v, RawLeaf) else v.value
    return f"jnp.asarray({value.tolist()!r}, dtype={v.dtype!r})"


def _leaf(v: StateLeaf) -> str:
    if isinstance(v, RawLeaf):
        return _array(v)
    meta = "".join(f", {k}={value!r}" for k, value in v.metadata)
    return f"leaf({_class(v.type_name)}, {_array(v)}{meta})"


def _state(flat: Sequence[tuple[Path, StateLeaf]]) -> str:
    if not flat:
        return "make_state([])"
    rows = "".join(f"    ({tuple(p)!r}, {_leaf(v)}),\n" for p, v in flat)
    return f"make_state([\n{rows}])"


def _metadata_keys(*models: Model) -> tuple[str, ...]:
    return tuple(sorted({k for m in models for v in m.variables for k, _ in v.metadata}))


def _flat_metadata_keys(*flats: Sequence[tuple[Path, StateLeaf]]) -> tuple[str, ...]:
    """The metadata names the typed leaves of some flat states carry."""
    return tuple(
        sorted({k for f in flats for _, v in f if isinstance(v, VarModel) for k, _ in v.metadata})
    )


def expected_snapshot(m: Model) -> dict[Path, tuple[object, ...]]:
    """The ``snapshot`` (see ``HELPERS``) of a live graph observed as ``m``: the same pre-order
    walk, in the same sorted key order."""
    out: dict[Path, tuple[object, ...]] = {}
    seen: dict[tuple[str, int], Path] = {}
    stack: list[tuple[Path, NodeSlot | VarSlot | StaticSlot]] = [((), NodeSlot(0))]
    while stack:
        path, slot = stack.pop()
        if isinstance(slot, StaticSlot):
            out[path] = ("static", slot.value.text)
            continue
        graph = isinstance(slot, VarSlot) or m.nodes[slot.id].kind == "graph"
        ident = ("var" if isinstance(slot, VarSlot) else "node", slot.id)
        if graph and ident in seen:
            out[path] = ("same as", seen[ident])
            continue
        if graph:
            seen[ident] = path
        if isinstance(slot, VarSlot):
            v = m.variables[slot.id]
            meta = tuple(sorted((k, repr(value)) for k, value in v.metadata))
            out[path] = (v.type_name, v.dtype, v.shape, v.value.tolist(), meta)
            continue
        node = m.nodes[slot.id]
        out[path] = ("graph",) if node.kind == "graph" else ("pytree",)
        children = sorted(node.entries, key=lambda kv: _sort_key(kv[0]))
        stack.extend(((*path, k), s) for k, s in reversed(children))
    return out


# --- Step templates ----------------------------------------------------------------------------


def _must_fail_unchanged(
    law_id: str,
    call: str,
    error: SpecError,
    what: str,
    setup: str,
    meta: tuple[str, ...],
    root: str = "x",
) -> str:
    key = error.path[-1] if error.path else None
    changed = law_id + ": " + what + " changed " + root + " before failing: "
    holds = law_id + " holds: " + what + " fails, naming " + path_str(error.path)
    return (
        f"{setup}"
        f"before = snapshot({root}, {meta!r})\n"
        f"must_fail({law_id + ': ' + what!r}, lambda: {call}, {key!r}, {str(error)!r})\n"
        f"difference = first_difference(before, snapshot({root}, {meta!r}))\n"
        f"assert difference is None, f{changed!r}"
        "f'{difference}'\n"
        f"print({holds + ', and changes nothing'!r})\n"
    )


def _must_give(
    law_id: str,
    call: str,
    expected: Model,
    what: str,
    setup: str,
    result: str,
    inputs_metadata: tuple[str, ...] = (),
) -> str:
    """``call`` must succeed and leave ``result`` (an expression, evaluated after the call) as
    the oracle's graph ``expected``.  The script compares the metadata names ``expected`` and the
    inputs carry (``inputs_metadata``): a name an input brings that the result must not keep is
    compared too."""
    meta = tuple(sorted({*_metadata_keys(expected), *inputs_metadata}))
    return (
        f"{setup}"
        f"EXPECTED = {expected_snapshot(expected)!r}\n"
        f"outcome = must_succeed({law_id + ': ' + what!r}, lambda: {call})\n"
        f"difference = first_difference(EXPECTED, snapshot({result}, {meta!r}))\n"
        f"assert difference is None, f{law_id + ': ' + result + ' after ' + what + ': '!r}"
        "f'{difference}'\n"
        f"print({law_id + ' holds: ' + what + ' gives the expected graph'!r})\n"
    )


def _update_step(
    law_id: str,
    m: Model,
    flat: Sequence[tuple[Path, StateLeaf]],
    what: str,
    *,
    mutable_dicts: bool = False,
) -> str:
    from spec import semantics

    setup = f"state = {_state(flat)}\n"
    meta = tuple(sorted({*_metadata_keys(m), *_flat_metadata_keys(flat)}))
    try:
        expected = semantics.update(m, flat, mutable_dicts=mutable_dicts)
    except SpecError as e:
        return _must_fail_unchanged(law_id, "nnx.update(x, state)", e, what, setup, meta)
    return _must_give(law_id, "nnx.update(x, state)", expected, what, setup, "x", meta)


def _merge_step(
    law_id: str,
    gd: str,
    tokens: Sequence[Token],
    flats: Sequence[Sequence[tuple[Path, StateLeaf]]],
    what: str,
) -> str:
    from spec import semantics

    names = [f"s{i}" for i in range(len(flats))]
    setup = f"gd = {gd}\n" + "".join(f"{n} = {_state(f)}\n" for n, f in zip(names, flats))
    call = f"nnx.merge(gd, {', '.join(names)})"
    try:
        expected = semantics.merge(tokens, *flats)
    except SpecError as e:
        key = e.path[-1] if e.path else None
        return (
            f"{setup}must_fail({law_id + ': ' + what!r}, lambda: {call}, {key!r}, {str(e)!r})\n"
            f"print({law_id + ' holds: ' + what + ' fails, naming ' + path_str(e.path)!r})\n"
        )
    return _must_give(law_id, call, expected, what, setup, "outcome", _flat_metadata_keys(*flats))


# --- Writers -----------------------------------------------------------------------------------

Writer = Callable[[Case, Law], str]
STEPS: dict[str, Writer] = {}


def _writes(*law_ids: str) -> Callable[[Writer], Writer]:
    def register(writer: Writer) -> Writer:
        for law_id in law_ids:
            STEPS[law_id] = writer
        return writer

    return register


def plain_step(case: Case, law: Law) -> str:
    """Return the plain step of ``law`` on ``case`` (helpers included); NoPlainStep when there is
    none."""
    writer = STEPS.get(law.id)
    if writer is None:
        raise NoPlainStep(f"{law.id} has no plain-API step writer")
    return HELPERS + f"\n\n# --- {law.id}: {law.title}\n" + writer(case, law)


def _model(case: Case) -> Model:
    from spec.semantics import apply

    return (
        apply(blueprint_model(case.graph), case.program)
        if case.program
        else blueprint_model(case.graph)
    )


def _program_call(case: Case) -> str:
    return "run_program(x)\n" if case.program else ""


def _first_graph_node_path(m: Model) -> Path | None:
    if m.root.kind == "graph":
        return ()
    for path, slot, first in m.walk():
        if first and isinstance(slot, NodeSlot) and m.nodes[slot.id].kind == "graph":
            return path
    return None


def _transformed(flat: Sequence[tuple[Path, StateLeaf]]) -> tuple[tuple[Path, StateLeaf], ...]:
    from spec import semantics

    return tuple(
        (p, semantics.transformed(v, "add_one")) for p, v in flat if isinstance(v, VarModel)
    )


_LEAF = VarModel("Param", "float32", (), b"\x00\x00\x80?", ())


def _none() -> NoPlainStep:
    return NoPlainStep("the case has no place this law's step needs")


# merge: ERR-1 .. ERR-5, ERR-10, RT-5


def _split(case: Case) -> tuple[Model, tuple[Token, ...], tuple[tuple[Path, StateLeaf], ...]]:
    from spec import semantics

    m = _model(case)
    tokens, flat = semantics.flatten(m)
    return m, tokens, flat


@_writes("ERR-1")
def _err1(case: Case, law: Law) -> str:
    _, tokens, flat = _split(case)
    if not flat:
        raise _none()
    return _program_call(case) + _merge_step(
        law.id,
        "nnx.graphdef(x)",
        tokens,
        [flat[:-1]],
        "merge(graphdef(x), state without its last leaf)",
    )


@_writes("ERR-2")
def _err2(case: Case, law: Law) -> str:
    from spec.laws._check import fresh_key

    m, tokens, flat = _split(case)
    extra = (fresh_key(m, (), "zz_extra"),)
    return _program_call(case) + _merge_step(
        law.id,
        "nnx.graphdef(x)",
        tokens,
        [(*flat, (extra, _LEAF))],
        "merge(graphdef(x), state with an extra leaf)",
    )


@_writes("ERR-3")
def _err3(case: Case, law: Law) -> str:
    from spec.laws._check import fresh_key

    m, tokens, flat = _split(case)
    if not flat:
        raise _none()
    (path, leaf), rest = flat[-1], flat[:-1]
    renamed: Path = (*path[:-1], fresh_key(m, path[:-1], "zz_renamed"))
    return _program_call(case) + _merge_step(
        law.id,
        "nnx.graphdef(x)",
        tokens,
        [(*rest, (renamed, leaf))],
        "merge(graphdef(x), state with a renamed key)",
    )


@_writes("ERR-4")
def _err4(case: Case, law: Law) -> str:
    m, tokens, flat = _split(case)
    statics = m.paths_of("static")
    if not statics:
        raise _none()
    return _program_call(case) + _merge_step(
        law.id,
        "nnx.graphdef(x)",
        tokens,
        [(*flat, (statics[0], _LEAF))],
        "merge(graphdef(x), state with a leaf for a static)",
    )


@_writes("ERR-5")
def _err5(case: Case, law: Law) -> str:
    m, tokens, flat = _split(case)
    nodes = m.paths_of("node")
    again = m.paths_of("node again")
    if not nodes:
        raise _none()
    p = nodes[0]
    kept = tuple((q, v) for q, v in flat if q[: len(p)] != p)
    steps = [((*kept, (p, _LEAF)), "merge(graphdef(x), state with a leaf for a subgraph)")]
    if again:
        what = "merge(graphdef(x), state with a leaf at a shared subgraph's second path)"
        steps.append(((*flat, (again[0], _LEAF)), what))
    return _program_call(case) + "".join(
        _merge_step(law.id, "nnx.graphdef(x)", tokens, [f], what) for f, what in steps
    )


@_writes("ERR-10")
def _err10(case: Case, law: Law) -> str:
    from spec import semantics

    if case.other is None or case.program:
        raise _none()
    flat = semantics.state(blueprint_model(case.graph))
    tokens = semantics.graphdef_tokens(blueprint_model(case.other))
    return _merge_step(
        law.id, "nnx.graphdef(other)", tokens, [flat], "merge(graphdef(other), state(x))"
    )


@_writes("RT-5")
def _rt5(case: Case, law: Law) -> str:
    from spec import semantics

    _, tokens, flat = _split(case)
    newer = _transformed(flat)
    expected = semantics.merge(tokens, semantics.merge_states(flat, newer))
    setup = f"gd, s = nnx.split(x)\ns2 = {_state(newer)}\n"
    return _program_call(case) + _must_give(
        law.id,
        "nnx.merge(gd, s, s2)",
        expected,
        "merge(gd, s, s2) with s2 = s + 1",
        setup,
        "outcome",
        _flat_metadata_keys(flat, newer),
    )


# update: ERR-9, ERR-11, ERR-12, UPD-5, UPD-6, UPD-8, UPD-11


@_writes("ERR-9")
def _err9(case: Case, law: Law) -> str:
    from spec import semantics

    m = _model(case)
    statics = m.paths_of("static")
    if not statics:
        raise _none()
    flat = (*_transformed(semantics.state(m)), (statics[-1], _LEAF))
    return _program_call(case) + _update_step(
        law.id, m, flat, "update(x, state with a leaf for a static)"
    )


@_writes("ERR-11")
def _err11(case: Case, law: Law) -> str:
    from spec import semantics

    m = _model(case)
    good = _transformed(semantics.state(m))
    paths = [q for q, _ in good]
    if not paths:
        raise _none()
    p = max(paths, key=len)
    leaf = next(v for q, v in good if q == p)
    flat = (*((q, v) for q, v in good if q != p), ((*p, "zz_inner"), leaf))
    return _program_call(case) + _update_step(
        law.id, m, flat, "update(x, state with a dict for a Variable)"
    )


@_writes("ERR-12")
def _err12(case: Case, law: Law) -> str:
    from spec import semantics

    m = _model(case)
    nodes = m.paths_of("node")
    if not nodes:
        raise _none()
    p = max(nodes, key=len)
    good = tuple((q, v) for q, v in _transformed(semantics.state(m)) if q[: len(p)] != p)
    return _program_call(case) + _update_step(
        law.id, m, (*good, (p, _LEAF)), "update(x, state with a leaf for a subgraph)"
    )


@_writes("UPD-5")
def _upd5(case: Case, law: Law) -> str:
    from spec import semantics
    from spec.laws._check import fresh_key

    m = _model(case)
    path = _first_graph_node_path(m)
    if path is None:
        raise _none()
    leaf = VarModel("Param", "float32", (2,), b"\x00\x00\x80?\x00\x00\x00@", (("tag", "new"),))
    new = (((*path, fresh_key(m, path, "A_new")), leaf), *_transformed(semantics.state(m)))
    return _program_call(case) + _update_step(
        law.id, m, new, "update(x, state with a new key first)"
    )


@_writes("UPD-6", "UPD-8")
def _upd6(case: Case, law: Law) -> str:
    from spec import semantics
    from spec.laws._check import fresh_key

    m = _model(case)
    paths = [
        p
        for p, s, first in m.walk()
        if first and isinstance(s, NodeSlot) and m.nodes[s.id].kind == "pytree"
    ]
    if m.root.kind == "pytree":
        paths.insert(0, ())
    if not paths:
        raise _none()
    where = (*paths[0], fresh_key(m, paths[0], "zz_new"))
    flat = (*_transformed(semantics.state(m)), (where, _LEAF))
    return _program_call(case) + _update_step(
        law.id,
        m,
        flat,
        "update(x, state with a new key in a pytree container)",
        mutable_dicts=law.id == "UPD-8",
    )


@_writes("UPD-11")
def _upd11(case: Case, law: Law) -> str:
    import numpy as np

    from spec import semantics
    from spec.laws._check import fresh_key
    from spec.model import aliasing

    m = _model(case)
    shared = [
        paths
        for (kind, nid), paths in aliasing(m).items()
        if kind == "node"
        and m.nodes[nid].kind == "graph"
        and all(isinstance(k, str) for k in m.nodes[nid].keys)
    ]
    if not shared:
        raise _none()
    p, q = shared[0][:2]
    key = fresh_key(m, p, "zz_new")
    first = VarModel("Param", "float32", (), np.float32(1).tobytes(), ())
    second = VarModel("BatchStat", "float32", (), np.float32(2).tobytes(), (("note", "second"),))
    flat = (*_transformed(semantics.state(m)), ((*p, key), first), ((*q, key), second))
    return _program_call(case) + _update_step(
        law.id,
        m,
        flat,
        f"update(x, state with new key {key!r} at {path_str(p)} and at {path_str(q)})",
    )


# pop: POP-1, POP-2, POP-4, POP-5


def _filter_source(f: FilterSpec) -> str:
    from strategies._reproducers import filters_source

    return filters_source((f,), name="f").rsplit("f = (", 1)[1].rsplit(",)", 1)[0]


def _pop_step(
    law_id: str, m: Model, filters: Sequence[FilterSpec], *, mutable_dicts: bool, fs: str = "fs"
) -> str:
    from spec import semantics

    call = f"nnx.pop(x, *{fs})"
    what = f"pop(x, *{fs})"
    try:
        after, groups = semantics.pop(m, filters, mutable_dicts=mutable_dicts)
    except SpecError as e:
        return _must_fail_unchanged(law_id, call, e, what, "", _metadata_keys(m))
    paths = [[tuple(p) for p, _ in g] for g in groups]
    result = (
        "popped = outcome if len(" + fs + ") >= 2 else (outcome,)\n"
        f"EXPECTED_PATHS = {paths!r}\n"
        "for i, (want, got) in enumerate(zip(EXPECTED_PATHS, popped)):\n"
        "    assert sorted(map(repr, want)) == sorted(map(repr, flat_paths(got))), (\n"
        f"        f{law_id + ': ' + what + '['!r}"
        "f'{i}] has paths {[path_str(p) for p in flat_paths(got)]}, '\n"
        "        f'but should have {[path_str(p) for p in want]}')\n"
    )
    return _must_give(law_id, call, after, what, "", "x", _metadata_keys(m)) + result


@_writes("POP-1", "POP-4")
def _pop1(case: Case, law: Law) -> str:
    if not case.filters:
        raise _none()
    return _program_call(case) + _pop_step(
        law.id, _model(case), case.filters, mutable_dicts=law.id == "POP-4"
    )


@_writes("POP-5")
def _pop5(case: Case, law: Law) -> str:
    from spec.laws.pop import _BLOCKED_POP
    from strategies._reproducers import graph_source

    blocked: Blueprint = _BLOCKED_POP
    return (
        "# the law's own input: x.a = A, x.b = (1, B), x.c = [A]\n"
        + graph_source(blocked)
        + "params = (nnx.Param,)\n"
        + _pop_step(
            law.id,
            blueprint_model(blocked),
            (TypeFilter("Param"),),
            mutable_dicts=False,
            fs="params",
        )
    )


@_writes("POP-2")
def _pop2(case: Case, law: Law) -> str:
    from spec import semantics
    from spec.model import aliasing
    from strategies._reproducers import _accessor

    m = _model(case)
    shared = [(vid, paths) for (kind, vid), paths in aliasing(m).items() if kind == "Variable"]
    if not shared:
        raise _none()
    vid, paths = shared[0]
    f = TypeFilter(m.variables[vid].type_name)
    try:
        semantics.pop(m, (f,))
    except SpecError as e:
        raise NoPlainStep("an alias sits in a pytree container (POP-1 checks that failure)") from e
    still = (
        f"{law.id}: after pop(x, {f.type_name}) the popped Variable "
        f"(first at {path_str(paths[0])}) is still reachable at "
    )
    return (
        _program_call(case)
        + f"popped = {_accessor(m, paths[0])}\n"
        + f"nnx.pop(x, {_filter_source(f)})\n"
        + "still = [path_str(p) for p, _ in reachable(x) if _ is popped]\n"
        + f"assert not still, f{still!r}"
        + "f'{still}'\n"
        + f"print({law.id + ' holds: pop removes every alias'!r})\n"
    )


# traversal: IT-1, VAR-1, ROB-11 (variables with any filters)


@_writes("IT-1")
def _it1(case: Case, law: Law) -> str:
    from spec import semantics

    expected = [tuple(p) for p, _ in semantics.iter_graph(_model(case))]
    return (
        _program_call(case)
        + f"EXPECTED = {expected!r}\n"
        + "found = [tuple(p) for p, _ in nnx.iter_graph(x) if not any(isinstance(k, str) and "
        "k.startswith('_') for k in p)]\n"
        + "for i, (want, got) in enumerate(zip(EXPECTED, found)):\n"
        + f"    assert want == got, f{law.id + ': iter_graph(x) item '!r}"
        + "f'{i} is at {path_str(got)}, but should be at {path_str(want)} (expected order: "
        "{[path_str(p) for p in EXPECTED]})'\n"
        + f"assert len(found) == len(EXPECTED), f{law.id + ': iter_graph(x) yields '!r}"
        + "f'{len(found)} items, but should yield {len(EXPECTED)}'\n"
        + f"print({law.id + ' holds: iter_graph(x) yields the expected paths in post-order'!r})\n"
    )


@_writes("VAR-1")
def _var1(case: Case, law: Law) -> str:
    from spec import semantics

    m = _model(case)
    groups = [[tuple(p) for p, _ in g] for g in semantics.state_groups(m, case.filters)]
    return (
        _program_call(case)
        + f"EXPECTED = {groups!r}\n"
        + "outcome = nnx.variables(x, *fs)\n"
        + "groups = outcome if len(fs) >= 2 else (outcome,)\n"
        + f"assert len(groups) == len(EXPECTED), f{law.id + ': variables(x, *fs) returned '!r}"
        + "f'{len(groups)} States, but should return {len(EXPECTED)}'\n"
        + "for i, (want, got) in enumerate(zip(EXPECTED, groups)):\n"
        + "    assert sorted(map(repr, want)) == sorted(map(repr, flat_paths(got))), (\n"
        + f"        f{law.id + ': variables(x, *fs)['!r}"
        + "f'{i}] has paths {[path_str(p) for p in flat_paths(got)]}, but should have "
        "{[path_str(p) for p in want]}')\n"
        + f"print({law.id + ' holds: variables(x, *fs) has the paths of state(x, *fs)'!r})\n"
    )


# Variable copies: VAR-2


@_writes("VAR-2")
def _var2(case: Case, law: Law) -> str:
    def fail(text: str) -> str:
        return f"f{law.id + ': ' + text!r}"

    return (
        _program_call(case)
        + "import pickle\n"
        + "PROBE = 'nnxspec_probe'\n"
        + "W = np.arange(3, dtype=np.float32) + 0.5\n"
        + "ids = set()\n"
        + "variables = [y for _, y in reachable(x) if isinstance(y, nnx.Variable)"
        " and not (id(y) in ids or ids.add(id(y)))]\n"
        + "def metadata_of(v):\n"
        + "    return dict(v.get_metadata()) if hasattr(v, 'get_metadata') else {}\n"
        + "def set_metadata(v, name, value):\n"
        + "    if hasattr(v, 'set_metadata'):\n"
        + "        v.set_metadata(**{name: value})\n"
        + "    else:\n"
        + "        setattr(v, name, value)\n"
        + "for i, v in enumerate(variables[:16]):\n"
        + "    keys = (*metadata_of(v), PROBE, 'nnxspec_extra')\n"
        + "    before = describe_leaf(v, keys)\n"
        + "    value = np.asarray(v.get_value() if hasattr(v, 'get_value') else v.value)\n"
        + "    assert tuple(v.shape) == value.shape and np.dtype(v.dtype) == value.dtype, "
        + fail("v.shape, v.dtype are {v.shape}, {v.dtype}, but its value's are {value.shape}")
        + "\n"
        + "    c = v.copy()\n"
        + "    assert type(c) is type(v) and c is not v and describe_leaf(c, keys) == before, "
        + fail("v.copy() of {before} is {describe_leaf(c, keys)}")
        + "\n"
        + "    r = v.replace(W, **{PROBE: 1})\n"
        + "    assert describe_leaf(v, keys) == before, "
        + fail("v.replace(w, nnxspec_probe=1) changed v: {before} became {describe_leaf(v, keys)}")
        + "\n"
        + "    want = (type(v).__name__, 'float32', (3,), W.tolist(), "
        "tuple(sorted((*before[4], (PROBE, repr(1))))))\n"
        + "    assert type(r) is type(v) and describe_leaf(r, keys) == want, "
        + fail("v.replace(w, nnxspec_probe=1) is {describe_leaf(r, keys)}, expected {want}")
        + "\n"
        + "    set_metadata(c, 'nnxspec_extra', 0)  # copy_from must drop what r lacks\n"
        + "    c.copy_from(r)\n"
        + "    assert describe_leaf(c, keys) == describe_leaf(r, keys), "
        + fail("c.copy_from(r) left c as {describe_leaf(c, keys)}")
        + "\n"
        + "    trio = {'v': v, 'c': c, 'r': r}\n"
        + "    for name, changed in trio.items():\n"
        + "        seen = {n: describe_leaf(o, keys) for n, o in trio.items()"
        " if o is not changed}\n"
        + "        set_metadata(changed, PROBE, 2 + i)\n"
        + "        for n, was in seen.items():\n"
        + "            assert describe_leaf(trio[n], keys) == was, "
        + fail(
            "setting metadata on {name} also changed {n}"
            " (c = v.copy(), r = v.replace(w, ...), then c.copy_from(r))"
        )
        + "\n"
        + "    back = pickle.loads(pickle.dumps(v))\n"
        + "    assert type(back) is type(v) and "
        "describe_leaf(back, keys) == describe_leaf(v, keys), "
        + fail("a pickle round trip of v gives {describe_leaf(back, keys)}")
        + "\n"
        + f"print({law.id + ' holds: copy, replace, copy_from and pickle share no metadata'!r})\n"
    )


@_writes("VAR-6")
def _var6(case: Case, law: Law) -> str:
    return _VAR6_BODY.replace("LAW", law.id)


_VAR6_BODY = """import copy
def metadata_of(v):
    return dict(v.get_metadata()) if hasattr(v, "get_metadata") else vars(v)
def set_metadata(v, name, value):
    if hasattr(v, "set_metadata"):
        v.set_metadata(**{name: value})
    else:
        setattr(v, name, value)
for cls, value, metadata in ((nnx.Param, [0.0, 1.0], {"note": "w"}), (nnx.BatchStat, 0.0, {})):
    v = cls(jnp.asarray(value, dtype=jnp.float32), **metadata)
    set_metadata(v, "nnxspec_list", [1])
    d = copy.deepcopy(v)
    assert type(d) is type(v) and d is not v, (
        f"LAW: copy.deepcopy(v) of {v!r} is {type(d).__name__} {d!r}, not a {cls.__name__}")
    assert np.asarray(value_of(d)).tolist() == np.asarray(value_of(v)).tolist(), (
        f"LAW: copy.deepcopy(v) of {v!r} holds {value_of(d)!r}")
    assert metadata_of(d)["nnxspec_list"] is not metadata_of(v)["nnxspec_list"], (
        "LAW: copy.deepcopy(v) shares v's metadata value nnxspec_list (a list)")
    w = cls(jnp.asarray(value, dtype=jnp.float32) + 7, **metadata)
    r = v.replace(w)
    assert type(r) is type(v) and not isinstance(value_of(r), nnx.Variable), (
        f"LAW: v.replace(w), w = {w!r}, is {r!r}: not a {cls.__name__} holding w's value")
print("LAW holds: copy.deepcopy(v) and v.replace(w) give a Variable one level deep")
"""


# hashing: ERR-6


@_writes("ERR-6")
def _err6(case: Case, law: Law) -> str:
    from strategies._reproducers import _accessor

    m = _model(case)
    path = _first_graph_node_path(m)
    if path is None:
        raise _none()
    node = _accessor(m, path)
    return (
        _program_call(case)
        + f"node = {node}\n"
        + "node.zz_unhashable = {1, 2}\n"
        + "gd = nnx.graphdef(node)  # split succeeds\n"
        + f"must_fail({law.id + ': hash(graphdef(x))'!r}, lambda: hash(gd), 'zz_unhashable', "
        + "'unhashable-static at .zz_unhashable')\n"
        + "del node.zz_unhashable\n"
        + "node.zz_unhashable_metadata = nnx.Param(values((), 'float32', 0), tag=[1, 2])\n"
        + "gd = nnx.graphdef(node)  # split succeeds\n"
        + f"must_fail({law.id + ': hash(graphdef(x)) with unhashable Variable metadata'!r}, "
        + "lambda: hash(gd), 'zz_unhashable_metadata', "
        + "'unhashable-static at .zz_unhashable_metadata')\n"
        + f"print({law.id + ' holds: hashing the graphdef names the unhashable attribute'!r})\n"
    )


@_writes("ERR-17")
def _err17(case: Case, law: Law) -> str:
    from spec.laws.err import leaf_and_below
    from spec.semantics.merge import nest

    flat, below = leaf_and_below(_model(case))
    items = (*flat, (below, _LEAF))
    try:
        nest(items)
    except SpecError as e:
        keys = (flat[0][0][-1], below[-1])
        what = f"{law.id}: make_state(state(x) + a leaf at {path_str(below)})"
        places = f"{path_str(flat[0][0])} or {path_str(below)}"
        return (
            f"WHAT = {what!r}\n"
            f"e = must_fail(WHAT, lambda: {_state(items)}, None, {str(e)!r})\n"
            f"named = [k for k in {keys!r} if repr(k) in str(e) or str(k) in str(e)]\n"
            "assert named, (f'{WHAT} raised {type(e).__name__}: {e}, '\n"
            f"               'but its message should name ' {places!r})\n"
            f"print({law.id + ' holds: a path through a leaf is refused, naming it'!r})\n"
        )
    raise _none()


@_writes("SURF-6")
def _surf6(case: Case, law: Law) -> str:
    from spec import semantics
    from strategies._reproducers import _accessor

    m = _model(case)
    graph_nodes = [(tuple(p), i) for p, (kind, i) in semantics.iter_graph(m) if kind == "node"]
    rows = "".join(
        f"    ({p!r}, {_accessor(m, p)}, {m.nodes[i].positional}),\n"
        for p, i in graph_nodes
        if isinstance(i, int) and m.nodes[i].kind == "graph"
    )
    return _program_call(case) + f"NODES = [\n{rows}]\n" + _SURF6_BODY.replace("LAW", law.id)


_SURF6_BODY = """MODES = ("deterministic", "use_running_average")
before = snapshot(x)
mods = [(p, o) for p, o, _ in NODES if isinstance(o, nnx.Module)]
x.eval()
x.train()
planted = [(p, o) for p, o, positional in NODES if isinstance(o, nnx.Module) and not positional]
names = {id(o): {MODES[i % 2], "nnxspec_flag"} for i, (_, o) in enumerate(planted)}
for i, (_, o) in enumerate(planted):
    setattr(o, MODES[i % 2], i % 3 == 0)
    o.nnxspec_flag = 0
for call, value in (("eval", True), ("train", False)):
    getattr(x, call)()
    for i, (p, o) in enumerate(planted):
        found = getattr(o, MODES[i % 2], "(absent)")
        assert found is value, (f"LAW: after x.{call}(), the Module at {path_str(p)} has "
                                f"{MODES[i % 2]} = {found!r}, should be {value!r}")
odd = [o for p, o in planted if len(p) % 2]
try:
    x.set_attributes(lambda path, _: len(path) % 2 == 1, nnxspec_flag=7)
    refused = None
except DOCUMENTED as e:
    refused = e
    x.set_attributes(lambda path, _: len(path) % 2 == 1, raise_if_not_found=False, nnxspec_flag=7)
assert (refused is None) == bool(odd), (
    f"LAW: x.set_attributes(f, nnxspec_flag=7) raised {refused!r}" if refused is not None
    else "LAW: x.set_attributes(f, nnxspec_flag=7) returned, but no Module it selects has it")
for p, o in planted:
    want, found = (7 if len(p) % 2 else 0), getattr(o, "nnxspec_flag", "(absent)")
    assert found == want, (f"LAW: after x.set_attributes(f, nnxspec_flag=7), the Module at "
                           f"{path_str(p)} has nnxspec_flag = {found!r}, should be {want!r}")
must_fail("LAW: x.set_attributes(nnxspec_absent=1)", lambda: x.set_attributes(nnxspec_absent=1),
          "nnxspec_absent", "no Module has nnxspec_absent")
x.set_attributes(nnxspec_absent=1, raise_if_not_found=False)
for p, o in mods:
    have = {n for n in ("nnxspec_absent", "nnxspec_flag", *MODES) if hasattr(o, n)}
    gained = sorted(have - names.get(id(o), set()))
    assert not gained, f"LAW: the Module at {path_str(p)} gained {gained}, never set on it"
for i, (_, o) in enumerate(planted):
    delattr(o, MODES[i % 2])
    delattr(o, "nnxspec_flag")
difference = first_difference(before, snapshot(x))
assert difference is None, f"LAW: with the planted attributes deleted, x differs: {difference}"
print("LAW holds: set_attributes, train and eval reach every Module that has the attributes")
"""


@_writes("PT-5")
def _pt5(case: Case, law: Law) -> str:
    from strategies._reproducers import _accessor

    m = _model(case)
    nodes, variables = m.first_paths()
    rows = "".join(
        f"    ({p!r}, {_accessor(m, p)}, {m.nodes[i].kind!r}),\n" for i, p in sorted(nodes.items())
    )
    leaves = "".join(
        f"    ({'the Variable at x' + path_str(p)!r}, {_accessor(m, p)}),\n"
        for _, p in sorted(variables.items())[:4]
    )
    return (
        _program_call(case)
        + f"NODES = [\n{rows}]\nLEAVES = [\n{leaves}]\n"
        + _PT5_BODY.replace("LAW", law.id)
    )


_PT5_BODY = """G = getattr(nnx, "graph", nnx)  # flax keeps is_node_type in nnx.graph
REGISTERED = (list, tuple, dict, type(None))
for p, o, kind in NODES:
    where = f"the {type(o).__name__} at x{path_str(p)}"
    if kind == "graph":
        assert G.is_node_type(type(o)), f"LAW: is_node_type(type(o)) is False for {where}"
        continue
    assert G.is_pytree_node(o), f"LAW: is_pytree_node(o) is False for {where}"
    registered = type(o) in REGISTERED
    assert G.is_node_type(type(o)) == registered, (
        f"LAW: is_node_type(type(o)) is {not registered} for {where}, a "
        f"{'registered' if registered else 'generic'} pytree container")
for what, leaf in [*LEAVES, ("1", 1), ("'s'", "s"), ("1.5", 1.5), ("a numpy array", np.ones(2))]:
    assert not G.is_node_type(type(leaf)), f"LAW: is_node_type(type(o)) is True for {what}"
    assert not G.is_pytree_node(leaf), f"LAW: is_pytree_node(o) is True for {what}"
print("LAW holds: is_node_type and is_pytree_node tell nodes from leaves")
"""


# the update-context protocol: UCTX-4


@_writes("UCTX-4")
def _uctx4(case: Case, law: Law) -> str:
    if _model(case).root.kind != "graph":
        raise _none()
    message = (
        "graph node(s) of x are still alive after step (4) and x was dropped (the context not "
        "yet exited), but a finished protocol should hold none"
    )
    return (
        _UCTX_HELPERS
        + "x = nnx.clone(x)  # a copy that only x holds (the names above hold the original)\n"
        + "nodes = [y for _, y in reachable(x) if is_graph_node(y)]\n"
        + "refs = [weakref.ref(y) for y in nodes]\n"
        + "del nodes\n"
        + "with nnx.update_context(TAG):\n"
        + "    assert protocol(x) is x\n"
        + "    del x\n"
        + "    n = alive(refs)\n"
        + f"    assert n == 0, f{law.id + ': {n} ' + message!r}\n"
        + "n = alive(refs)\n"
        + f"assert n == 0, f{law.id + ': {n} graph node(s) of x are still alive after exit'!r}\n"
        + f"print({law.id + ' holds: the context keeps no graph node alive after step (4)'!r})\n"
    )


_UCTX_HELPERS = """import gc
import inspect
import weakref

TAG = 'nnxspec'
# flax >= 0.10.6 tells the inner merge (2) from the outer one (4) by an argument
TAKES_INNER = 'inner' in inspect.signature(nnx.merge_context).parameters


def split(node):
    with nnx.split_context(TAG) as c:
        return c.split(node)


def merge(gd, s, inner):
    with (nnx.merge_context(TAG, inner) if TAKES_INNER else nnx.merge_context(TAG)) as m:
        return m.merge(gd, s)


def protocol(x):
    \"\"\"The four calls of the update-context protocol, as nnx's transforms make them.\"\"\"
    y = merge(*split(x), inner=True)  # (1) outside, (2) inside
    return merge(*split(y), inner=False)  # (3) inside, (4) outside


def is_graph_node(y):
    return hasattr(y, '__dict__') and not isinstance(y, nnx.Variable) and not is_pytree(y)


def alive(refs):
    gc.collect()
    return sum(r() is not None for r in refs)


"""


# size: ROB-1, ROB-2, ROB-4

_SIZE_HELPERS = """
def chain(depth):
    \"\"\"depth modules, each the .child of the one before and with a static .level; the last
    holds a Param .p\"\"\"
    nodes = [Node() for _ in range(depth)]
    for i, (a, b) in enumerate(zip(nodes, nodes[1:])):
        a.child = b
        a.level = i % 10
    nodes[-1].p = nnx.Param(values((2,), 'float32', 0))
    return nodes[0]


def ring(size, every=100):
    \"\"\"size modules, each .next of the one before, the last pointing back to the first; every
    every-th one holds a Param .p\"\"\"
    nodes = [Node() for _ in range(size)]
    for i, node in enumerate(nodes):
        node.next = nodes[(i + 1) % size]
        if i % every == 0:
            node.p = nnx.Param(values((), 'float32', (i // every) % 5))
    return nodes[0]


def survives(law, what, x, operations):
    for name, run in operations:
        try:
            run(x)
        except RecursionError as e:
            raise AssertionError(f"{law}: {name} of {what} raised RecursionError: {e}") from e
"""

_OPERATIONS = """[
    ("split", lambda x: nnx.split(x)),
    ("merge(*split(x))", lambda x: nnx.merge(*nnx.split(x))),
    ("update(x, state(x))", lambda x: nnx.update(x, nnx.state(x))),
    ("clone", lambda x: nnx.clone(x)),
]"""


def _size(case: Case) -> tuple[int, int, int, int]:
    from spec.laws._stress import DEPTH, ITER_DEPTH, RING, WIDTH

    return tuple(max(2, int(n * case.scale)) for n in (DEPTH, RING, WIDTH, ITER_DEPTH))  # type: ignore[return-value]


@_writes("ROB-1")
def _rob1(case: Case, law: Law) -> str:
    depth = _size(case)[0]
    return (
        _SIZE_HELPERS
        + f"\nsurvives({law.id!r}, 'a {depth}-deep chain', chain({depth}), {_OPERATIONS})\n"
        f"print({law.id + ' holds'!r})\n"
    )


@_writes("ROB-2")
def _rob2(case: Case, law: Law) -> str:
    size = _size(case)[1]
    ops = _OPERATIONS[:-1] + '    ("iter_graph", lambda x: list(nnx.iter_graph(x))),\n]'
    return (
        _SIZE_HELPERS + f"\nsurvives({law.id!r}, 'a {size}-node ring', ring({size}), {ops})\n"
        f"print({law.id + ' holds'!r})\n"
    )


@_writes("ROB-4")
def _rob4(case: Case, law: Law) -> str:
    depth, size, _, iter_depth = _size(case)
    pop = '[("pop(x, nnx.Param)", lambda x: nnx.pop(x, nnx.Param))]'
    deep = f"iter_graph(a {iter_depth}-deep chain)"
    first = f"{law.id}: the first item of {deep} is at a path of "
    return (
        _SIZE_HELPERS
        + f"\nx = chain({iter_depth})\n"
        + "try:\n    path, _ = next(iter(nnx.iter_graph(x)))\n"
        + "except RecursionError as e:\n"
        + f"    raise AssertionError({law.id + ': ' + deep + ' raised RecursionError'!r}) from e\n"
        + f"assert tuple(path) == ('child',) * {iter_depth - 1} + ('p',), (\n"
        + f"    f{first!r}"
        + "f'{len(path)} keys, but should be at the Param at the bottom'"
        + f" {' (' + str(iter_depth) + ' keys)'!r})\n"
        + f"survives({law.id!r}, 'a {depth}-deep chain', chain({depth}), {pop})\n"
        + f"survives({law.id!r}, 'a {size}-node ring', ring({size}), {pop})\n"
        + f"print({law.id + ' holds'!r})\n"
    )
