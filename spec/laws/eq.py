"""EQ: ``==`` and ``hash`` distinguish exactly what the model distinguishes, on near-miss pairs.

Every law here takes a graph and a drawn *near miss* of it (``strategies.near_misses``: the
graph changed in exactly one aspect: a Variable's type, a metadata value, a static's value or
identity, a key's type, an index, a container's type) and, on every case, also the graph built
a second time with its metadata inserted in reverse order and the graph changed in every aspect
that applies to it (``spec.nearmiss.near_misses_of``).  ``spec.semantics.equality`` says, per
aspect and why, what the model distinguishes; the laws compare against its decision, so an
implementation blind to an aspect (a hash that ignores metadata, a GraphDef that compares keys
as strings) fails, and so does one that sees too much (statics compared by identity, metadata by
insertion order), and equal objects must have equal hashes.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator, Sequence
from typing import Any, cast

from spec import semantics
from spec.blueprint import Blueprint
from spec.build import build
from spec.errors import LawViolation
from spec.laws._check import build_case, require
from spec.laws._jit import is_hashable
from spec.laws._registry import Case, law
from spec.model import Model, Token, diff, observe, path_str
from spec.nearmiss import near_misses_of
from spec.semantics.equality import graphdefs_equal, state_paths, state_structures_equal
from spec.target import Target


def _kinds(bp: Blueprint) -> set[str]:
    return {n.kind for n in bp.nodes}


def _pairs(t: Target, case: Case, x: object = None) -> Iterator[tuple[str, object, object]]:
    """Yield ``(what, x, y)``: the case's graph and its drawn near miss, the graph and the same
    graph with metadata inserted in reverse order (where the target can choose an order), then
    the graph and its near miss in every aspect that applies, at the first place.  A near miss
    with a node kind x lacks (other than a list, tuple, dict or None) is left out: the target
    may not have that kind, and building is not what these laws check.  ``x``: the case's graph
    already built (else it is built here)."""
    x = build_case(t, case).root if x is None else x
    others = [("its near miss y", case.other)] if case.other is not None else []
    others += [
        (f"y = x with its {aspect.replace('_', ' ')} changed", bp)
        for aspect, bp in near_misses_of(case.graph)
    ]
    try:
        reordered = build(t, case.graph, reversed_metadata=True).root
        yield "x and x with metadata inserted in reverse order", x, reordered
    except NotImplementedError:
        pass
    known = _kinds(case.graph) | {"list", "tuple", "dict", "none"}
    for what, bp in others:
        if _kinds(bp) <= known:
            yield f"x and {what}", x, build(t, bp).root


def _difference(a: Model, b: Model) -> str:
    found = diff(a, b, what="graph")
    return f" ({found})" if found else " (the models are equal)"


@law("EQ-1", inputs=("graph", "near_miss"))
def graphdef_equality_follows_the_model(t: Target, case: Case) -> None:
    """On near-miss pairs graphdef == is the model's, both ways round; equal graphdefs hash equal.

    Statement: ∀ (x, y) near miss or metadata reordered, gz = graphdef(z):
    (gx == gy) = (gy == gx) = equality.graphdefs_equal(model(x), model(y))
    ∧ (gx == gy ∧ hashable(gx) ⟹ hash(gx) == hash(gy)) ∧ gx == gx ∧ gx ≠ None, state(x),
        tokens(gx) (both ways round)
    Rationale: jit caches on graphdefs: seeing too little reuses code compiled for another
    structure, seeing too much (identity, insertion order) recompiles for nothing, and a hash
    that disagrees with == breaks every cache keyed on it; a cache lookup also compares a
    graphdef with itself and with keys of other kinds.
    Seed: graph.py NodeDef / VariableDef / HashableMapping: structural == and hash (holds).
    """
    x = build_case(t, case).root
    gx = t.graphdef(x)
    _require_reflexive_and_typed(t, gx, t.state(x))
    mx = observe(t, x)
    for what, _, y in _pairs(t, case, x):
        my = observe(t, y)
        expected = graphdefs_equal(mx, my)
        gy = t.graphdef(y)
        for name, found in (("gx == gy", gx == gy), ("gy == gx", gy == gx)):
            require(
                bool(found) == expected,
                f"for {what}{_difference(mx, my)}: {name} is {bool(found)}, but the model says"
                f" {expected} (gx = graphdef(x), gy = graphdef(y))",
            )
        if expected and is_hashable(gx):
            require(
                hash(gx) == hash(gy),
                f"for {what}{_difference(mx, my)}: graphdef(x) == graphdef(y), but their hashes"
                " differ",
            )


def _require_reflexive_and_typed(t: Target, gd: object, state: object) -> None:
    """``gd == gd`` (with a stable hash), and ``gd`` equals no object of another kind."""
    require(bool(gd == gd), "graphdef(x) == graphdef(x) (the same object) is False")
    if is_hashable(gd):
        require(hash(gd) == hash(gd), "hash(graphdef(x)) differs between two calls")
    others = (("None", None), ("state(x)", state), ("its tokens", t.graphdef_tokens(gd)))
    for name, other in others:
        for found, order in ((gd == other, "graphdef(x) == o"), (other == gd, "o == graphdef(x)")):
            require(
                not _truthy(found),
                f"{order} is True for o = {name}, but a GraphDef equals only GraphDefs",
            )


def _truthy(found: object) -> bool:
    """``bool(found)``, where comparing with a mapping of arrays may give no answer: False."""
    try:
        return bool(found)
    except (TypeError, ValueError):
        return False


def _tree_structure(t: Target, x: object) -> Any:
    import jax

    return jax.tree_util.tree_structure(t.split(x)[1])


@law("EQ-2", inputs=("graph", "near_miss"))
def state_structure_equality_follows_the_model(t: Target, case: Case) -> None:
    """On near-miss pairs the states' tree structures are equal iff paths, types, metadata are.

    Statement: ∀ (x, y) near miss or metadata reordered, tz = treedef(split(z)[1]):
    (tx == ty) = equality.state_structures_equal(model(x), model(y))
    ∧ (tx == ty ⟹ hash(tx) == hash(ty))
    Rationale: a jitted step is cached on its state's tree structure: one blind to a leaf's
    type or metadata runs code traced for other leaves; one that sees container types, statics
    or insertion order retraces for nothing.
    Seed: statelib.State and VariableState (aux data: type and metadata items in insertion
    order, so the seed breaks on the reordered pair: MD-2).
    """
    for what, x, y in _pairs(t, case):
        mx, my = observe(t, x), observe(t, y)
        expected = state_structures_equal(mx, my)
        tx, ty = _tree_structure(t, x), _tree_structure(t, y)
        require(
            bool(tx == ty) == expected,
            f"for {what}{_difference(mx, my)}: treedef(split(x)[1]) == treedef(split(y)[1]) is"
            f" {bool(tx == ty)}, but the model says {expected}",
            expected=str(tx) if not expected else None,
            actual=str(ty) if not expected else None,
        )
        if expected:
            require(
                hash(tx) == hash(ty),
                f"for {what}{_difference(mx, my)}: the states' tree structures are equal, but"
                " their hashes differ",
            )


def _compares(a: object, b: object) -> bool:
    """Check if ``a == b`` gives an answer (comparing array leaves may raise: no verdict)."""
    try:
        bool(a == b)
    except (TypeError, ValueError):
        return False
    return True


@law("EQ-3", inputs=("graph", "near_miss"))
def states_compare_as_mappings(t: Target, case: Case) -> None:
    """A State compares as a mapping: equal to its own leaves, unequal to other paths, unhashable.

    Statement: s = state(x): s == s ∧ s == make_state(flat(s))
    ∧ (paths(x) ≠ paths(y) ⟹ s != state(y), where comparing leaves gives an answer)
    ∧ hash(s) raises TypeError
    Rationale: a State is a mutable mapping of Variables: a hash would go stale as it
    changes, and a key's type (1 vs '1') is part of its path.
    Seed: statelib.State (Mapping.__eq__, unhashable; holds).
    """
    for what, x, y in _pairs(t, case):
        s, sy = t.state(x), t.state(y)
        require(bool(s == s), f"for {what}: state(x) == state(x) (the same object) is False")
        rebuilt = t.make_state(t.flat_state(s))
        require(
            bool(s == rebuilt),
            f"for {what}: state(x) != a State holding the same leaf objects at the same paths",
        )
        mx, my = observe(t, x), observe(t, y)
        if state_paths(mx) != state_paths(my) and _compares(s, sy):
            require(
                not bool(s == sy),
                f"for {what}{_difference(mx, my)}: state(x) == state(y), but their paths differ",
            )
        try:
            hash(s)
        except TypeError:
            continue
        require(False, f"for {what}: hash(state(x)) returned, but a State is mutable: unhashable")


@law("EQ-4", inputs=("graph", "near_miss"))
def graphdef_repr_shows_what_equality_sees(t: Target, case: Case) -> None:
    """A GraphDef's repr names every type and key of its graph, and unequal graphdefs read apart.

    Statement: ∀ (x, y) near miss or reordered, gz = graphdef(z): repr(gx) stable, balanced, shows
    each type name and repr(key) of model(x), each definition as type=T, index=i, a reference's
    type as its target's ∧ (¬ equality.graphdefs_equal(model(x), model(y)) ⟹ repr(gx) ≠ repr(gy))
    Rationale: failure reports, jit cache misses and a user's debugging read graphdefs as text:
    a repr that leaves out a key, a type or an index shows two structures as one, and the reader
    looks for a difference that the text hides.  (Equal graphdefs may still read differently:
    metadata keeps its insertion order, ``1`` and ``True`` are equal statics.)
    Seed: graph.py NodeDef / VariableDef / NodeRef and their attributes are dataclasses whose
    repr shows every field (holds).
    """
    x = build_case(t, case).root
    gx = t.graphdef(x)
    mx = observe(t, x)
    text = _require_readable(gx, _names_in(mx), "repr(graphdef(x))")
    _require_indexed_types(text, semantics.flatten(mx)[0], "repr(graphdef(x))")
    for what, _, y in _pairs(t, case, x):
        my = observe(t, y)
        if not graphdefs_equal(mx, my):
            require(
                repr(t.graphdef(y)) != text,
                f"for {what}{_difference(mx, my)}: graphdef(x) != graphdef(y), but their reprs"
                " are the same",
                actual=text,
            )


def _require_readable(obj: object, names: set[str], what: str) -> str:
    """Return ``repr(obj)`` (``what``) after checking it is stable, its brackets balance and it
    shows every one of ``names``."""
    text = repr(obj)
    require(repr(obj) == text, f"{what} differs between two calls")
    _require_balanced(text, what)
    missing = sorted(n for n in names if n not in text)
    require(not missing, f"{what} does not show {', '.join(missing)}", actual=text)
    return text


def _require_state_layout(text: str, paths: frozenset[tuple[Any, ...]], what: str) -> None:
    """Require the seed's State layout of ``text``: the Python expression ``State({...})``
    whose dicts nest as ``paths``, each key starting a line indented two spaces per depth, each
    nested dict closed on a line of its own at its key's indentation."""
    lines = text.splitlines()
    found: set[tuple[Any, ...]] = set()
    stack: list[tuple[ast.Dict, tuple[Any, ...], int]] = [(_state_call_dict(text, what), (), 1)]
    while stack:
        node, prefix, depth = stack.pop()
        for key_node, value in zip(node.keys, node.values):
            key_expr = cast(ast.expr, key_node)  # None only for ** unpacking, which parses apart
            try:
                key = ast.literal_eval(key_expr)
            except (ValueError, TypeError):
                raise LawViolation(
                    f"{what} has a key that is not a literal at line {node.lineno}", actual=text
                ) from None
            path, column = (*prefix, key), 2 * depth
            line = lines[key_expr.lineno - 1]
            indent = len(line) - len(line.lstrip(" "))
            require(
                key_expr.col_offset == indent == column,
                f"{what}: the key at {path_str(path)} starts at column {key_expr.col_offset} of"
                f" a line indented {indent}, but should start its line at column {column} (2 per"
                " depth)",
                actual=text,
            )
            if not isinstance(value, ast.Dict):
                found.add(path)
                continue
            end = lines[cast(int, value.end_lineno) - 1]
            require(
                not value.keys
                or (end.strip() in ("}", "},") and cast(int, value.end_col_offset) - 1 == column),
                f"{what}: the dict at {path_str(path)} closes in {end.strip()!r} at column"
                f" {cast(int, value.end_col_offset) - 1}, but should close on a line of its own"
                f" at column {column}",
                actual=text,
            )
            stack.append((value, path, depth + 1))
    require(
        found == set(paths),
        f"{what} nests its leaves at {sorted(map(path_str, found))}, but the state's paths are"
        f" {sorted(map(path_str, paths))}",
        actual=text,
    )
    for number, (line, after) in enumerate(itertools.pairwise(lines), start=1):
        require(
            not (after.strip() in _CLOSING_LINES and line.rstrip().endswith(",")),
            f"{what}: line {number} ends in a comma before the line closing its group",
            actual=text,
        )


_CLOSING_LINES = (")", "),", "}", "},", "})")
"""A line of a State repr that only closes a leaf's fields or a nested dict."""


def _state_call_dict(text: str, what: str) -> ast.Dict:
    """The dict of ``text`` parsed as the Python expression ``State({...})``."""
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as e:
        raise LawViolation(
            f"{what} is not a Python expression: {e.msg} at line {e.lineno}", actual=text
        ) from None
    root = tree.args[0] if isinstance(tree, ast.Call) and len(tree.args) == 1 else None
    require(
        isinstance(tree, ast.Call)
        and isinstance(tree.func, ast.Name)
        and tree.func.id == "State"
        and isinstance(root, ast.Dict),
        f"{what} is not the expression State({{...}})",
        actual=text,
    )
    return cast(ast.Dict, root)


_CLOSING = {"(": ")", "[": "]", "{": "}"}


def _require_balanced(text: str, what: str) -> None:
    """Every bracket outside a string literal closes, in order: a reader can tell where each
    node, leaf and mapping ends."""
    open_: list[str] = []
    quote = None
    escaped = False
    for i, c in enumerate(text):
        if quote is not None:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in _CLOSING:
            open_.append(_CLOSING[c])
        elif c in ")]}":
            require(
                bool(open_) and open_.pop() == c,
                f"{what} closes a bracket it never opened ({c!r} at character {i})",
                actual=text,
            )
    require(not open_, f"{what} leaves {''.join(reversed(open_))!r} unclosed", actual=text)


def _require_indexed_types(text: str, tokens: Sequence[Token], what: str) -> None:
    """Require ``text`` to show each graph node's and Variable's definition as its type name and
    its index together (``type=T, index=i``, the name quoted or not), and each reference that
    shows a type to show the type defined at its index."""
    defined: dict[int, str] = {}
    for token in tokens:
        if token[0] == "node" and token[1] == "graph":
            defined[cast(int, token[3])] = cast(str, token[2])
        elif token[0] == "variable":
            defined[cast(int, token[3])] = cast(str, token[2])
    for index, name in sorted(defined.items()):
        require(
            re.search(rf"type='?{re.escape(name)}'?,\s*index={index}\b", text) is not None,
            f"{what} does not show the definition of {name} {index} as type={name}, index={index}",
            actual=text,
        )
    for match in re.finditer(r"NodeRef\(\s*type='?([\w.]+)'?,\s*index=(\d+)\b", text):
        name, index = match.group(1), int(match.group(2))
        require(
            defined.get(index, name) == name,
            f"{what} shows a reference to {index} as type={name}, but {index} is a"
            f" {defined.get(index)}",
            actual=text,
        )


def _names_in(m: Model) -> set[str]:
    """What a graphdef's text must show: node and Variable type names, each key's repr."""
    names = {n.type_name for n in m.nodes} | {v.type_name for v in m.variables}
    return names | {repr(k) for n in m.nodes for k in n.keys}


@law("EQ-5", inputs=("graph", "near_miss"))
def state_repr_shows_what_structure_sees(t: Target, case: Case) -> None:
    """A State's repr names every key and Variable type, and states of unequal structure read apart.

    Statement: ∀ (x, y) near miss or reordered: repr(sx) stable, balanced, shows each key's repr and
        Variable type ∧ it and repr(S of ints at sx's paths) parse as State({...}) nested as sx, 2
        spaces a depth, no comma before a closing line ∧ (sx, sy unlike ⟹ repr(sx) ≠ repr(sy))
    Rationale: a State is what a user prints to see what a split took; a repr that leaves out a
    key's quotes, a leaf's type or its metadata shows two states that jit traces apart as one.
    Seed: statelib.State.__nnx_repr__ (each key's repr, each leaf's VariableState repr with its
    type and metadata; holds).
    """
    x = build_case(t, case).root
    sx = t.state(x)
    mx = observe(t, x)
    names = {repr(k) for path in state_paths(mx) for k in path}
    text = _require_readable(sx, names | {v.type_name for v in mx.variables}, "repr(state(x))")
    _require_state_layout(text, state_paths(mx), "repr(state(x))")
    raw = t.make_state([(tuple(p), i) for i, (p, _) in enumerate(t.flat_state(sx))])
    what = "repr(r), r the State of ints at state(x)'s paths"
    _require_state_layout(_require_readable(raw, names, what), state_paths(mx), what)
    for what, _, y in _pairs(t, case, x):
        my = observe(t, y)
        if not state_structures_equal(mx, my):
            require(
                repr(t.state(y)) != text,
                f"for {what}{_difference(mx, my)}: the states' structures differ, but their"
                " reprs are the same",
                actual=text,
            )
