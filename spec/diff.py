"""Why did it recompile?  The first place where two GraphDefs differ.

``jax.jit`` (and ``nnx.jit``) keys its cache on the GraphDef of each graph argument: two calls
share a trace iff their GraphDefs are equal.  When a step retraces, ``graphdef_diff(t, a, b)``
names the first place, in the GraphDef's own pre-order, where the two differ, and what differs:

* ``structure``: a key present on one side only, or a different kind of entry under one key
  (a static on one side, a Variable or a subgraph on the other);
* ``key type``: the same key spelled with another type (``1`` against ``'1'``);
* ``node type``: a node of another class (or a graph node against a pytree container);
* ``static value``: a static attribute with another value or type (statics compare as jax
  compares static arguments: by ``==``, so ``1``, ``1.0`` and ``True`` are equal);
* ``variable type`` / ``metadata``: a Variable of another type, or with other metadata
  (the differing metadata names are given);
* ``sharing``: a node or Variable that is shared (a reference back to an earlier one) on one
  side and distinct on the other, or shared with a different earlier place;
* ``index``: the same structure numbered differently.

Both sides are compared through the target's neutral token stream (``Target.graphdef_tokens``,
grammar in ``spec.semantics.flatten``), so the answer does not depend on how an implementation
prints its GraphDef.  ``a`` and ``b`` may be GraphDefs or live graphs (then ``t.graphdef`` of
each); ``tokens_diff`` compares two token streams directly (e.g. the oracle's).
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Sequence
from typing import Union

from spec.blueprint import Key
from spec.model import path_str
from spec.target import Path, Target, Token
from spec.targets._cells import Cell, spell

__all__ = ["Difference", "graphdef_diff", "tokens_diff"]


@dataclasses.dataclass(frozen=True)
class Difference:
    """The first place where two GraphDefs differ: its path, what differs, and each side."""

    path: Path
    what: str
    a: str
    b: str

    def __str__(self) -> str:
        return f"at {path_str(self.path)}: {self.what} differs: {self.a} (A) vs {self.b} (B)"


# --- Token streams as trees --------------------------------------------------------------------


@dataclasses.dataclass
class _Node:
    kind: str
    type_name: str
    index: int
    attributes: list[tuple[Key, _Attr]]


@dataclasses.dataclass(frozen=True)
class _Ref:
    index: int


@dataclasses.dataclass(frozen=True)
class _Static:
    type_name: str
    text: str


@dataclasses.dataclass(frozen=True)
class _Var:
    type_name: str
    index: int
    metadata: tuple[tuple[str, object], ...]


@dataclasses.dataclass(frozen=True)
class _VarRef:
    index: int


_Attr = Union[_Node, _Ref, _Static, _Var, _VarRef]


def _tree(tokens: Sequence[Token]) -> _Node | _Ref:
    """Parse a pre-order token stream (iteratively: GraphDefs may be 100,000 levels deep)."""
    it = iter(tokens)

    def node_of(token: Token) -> _Node | _Ref:
        if token[0] == "ref":
            return _Ref(int(token[1]))  # type: ignore[arg-type]
        if token[0] != "node":
            raise ValueError(f"a GraphDef token stream has {token!r} where a node belongs")
        return _Node(str(token[1]), str(token[2]), int(token[3]), [])  # type: ignore[arg-type]

    root = node_of(next(it))
    stack: list[tuple[_Node, int]] = [(root, int(tokens[0][4]))] if isinstance(root, _Node) else []  # type: ignore[arg-type]
    while stack:
        node, left = stack[-1]
        if left == 0:
            stack.pop()
            continue
        stack[-1] = (node, left - 1)
        token = next(it)
        tag, key = token[0], token[1]
        if tag == "static":
            node.attributes.append((key, _Static(str(token[2]), str(token[3]))))  # type: ignore[arg-type]
        elif tag == "variable":
            meta = tuple(token[4]) if isinstance(token[4], tuple) else ()
            node.attributes.append((key, _Var(str(token[2]), int(token[3]), meta)))  # type: ignore[arg-type, arg-type]
        elif tag == "varref":
            node.attributes.append((key, _VarRef(int(token[2]))))  # type: ignore[arg-type, arg-type]
        elif tag == "subgraph":
            child_token = next(it)
            child = node_of(child_token)
            node.attributes.append((key, child))  # type: ignore[arg-type]
            if isinstance(child, _Node):
                stack.append((child, int(child_token[4])))  # type: ignore[arg-type]
        else:
            raise ValueError(f"unknown GraphDef token {token!r}")
    return root


# --- Comparison --------------------------------------------------------------------------------


def _static_value(s: _Static) -> object:
    if s.type_name in ("bool", "int", "float", "str"):
        try:
            return ast.literal_eval(s.text)
        except (ValueError, SyntaxError):
            return s.text
    return (s.type_name, s.text)


def _entry_kind(e: object) -> str:
    return {
        _Node: "a subgraph",
        _Ref: "a subgraph",
        _Static: "a static",
        _Var: "a Variable",
        _VarRef: "a Variable",
    }[type(e)]


def _describe(e: object, places: dict[int, Cell]) -> str:
    if isinstance(e, _Node):
        return f"a new {e.type_name} ({e.kind} node)"
    if isinstance(e, _Ref):
        return f"the node first met at {path_str(spell(places.get(e.index)))}"
    if isinstance(e, _Var):
        return f"a new {e.type_name}"
    if isinstance(e, _VarRef):
        return f"the Variable first met at {path_str(spell(places.get(e.index)))}"
    assert isinstance(e, _Static)  # sanity check: the entries are a closed union
    return f"{e.text} ({e.type_name})"


def _keys_difference(cell: Cell, a: _Node, b: _Node) -> Difference | None:
    keys_a = [k for k, _ in a.attributes]
    keys_b = [k for k, _ in b.attributes]
    if keys_a == keys_b and all(type(x) is type(y) for x, y in zip(keys_a, keys_b)):
        return None
    path = spell(cell)
    for ka, kb in zip(keys_a, keys_b):
        if ka == kb and type(ka) is type(kb):
            continue
        if str(ka) == str(kb):
            return Difference(
                (*path, ka),
                "key type",
                f"{ka!r} ({type(ka).__name__})",
                f"{kb!r} ({type(kb).__name__})",
            )
        only_a = [k for k in keys_a if not any(k == j and type(k) is type(j) for j in keys_b)]
        only_b = [k for k in keys_b if not any(k == j and type(k) is type(j) for j in keys_a)]
        where = (*path, (only_a or only_b or [ka])[0])
        return Difference(where, "structure", f"keys {keys_a!r}", f"keys {keys_b!r}")
    longer = keys_a if len(keys_a) > len(keys_b) else keys_b
    extra = longer[min(len(keys_a), len(keys_b))]
    return Difference((*path, extra), "structure", f"keys {keys_a!r}", f"keys {keys_b!r}")


def _entry_difference(
    cell: Cell, a: object, b: object, places_a: dict[int, Cell], places_b: dict[int, Cell]
) -> tuple[str, str, str] | None:
    """Compare two entries at ``cell`` (not their children): what differs and each side, or None;
    record the first place of each index."""
    if _entry_kind(a) != _entry_kind(b):
        return ("structure", _entry_kind(a), _entry_kind(b))
    if isinstance(a, (_Ref, _VarRef)) or isinstance(b, (_Ref, _VarRef)):
        if not (isinstance(a, (_Ref, _VarRef)) and isinstance(b, (_Ref, _VarRef))):
            return ("sharing", _describe(a, places_a), _describe(b, places_b))
        if spell(places_a.get(a.index)) != spell(places_b.get(b.index)):
            return ("sharing", _describe(a, places_a), _describe(b, places_b))
        return None
    if isinstance(a, _Static) and isinstance(b, _Static):
        va, vb = _static_value(a), _static_value(b)
        if va != vb:
            return ("static value", _describe(a, places_a), _describe(b, places_b))
        return None
    if isinstance(a, _Var) and isinstance(b, _Var):
        if a.type_name != b.type_name:
            return ("variable type", a.type_name, b.type_name)
        if a.metadata != b.metadata:
            ma, mb = dict(a.metadata), dict(b.metadata)
            names = sorted(
                k for k in set(ma) | set(mb) if ma.get(k, _MISSING) != mb.get(k, _MISSING)
            )
            shown = ", ".join(names)
            return (
                f"metadata ({shown})",
                ", ".join(f"{k}={ma[k]!r}" if k in ma else f"no {k}" for k in names),
                ", ".join(f"{k}={mb[k]!r}" if k in mb else f"no {k}" for k in names),
            )
        places_a.setdefault(a.index, cell)
        places_b.setdefault(b.index, cell)
        if a.index != b.index:
            return ("index", str(a.index), str(b.index))
        return None
    assert isinstance(a, _Node) and isinstance(b, _Node)  # sanity check: the kinds matched
    if (a.kind, a.type_name) != (b.kind, b.type_name):
        return ("node type", f"{a.type_name} ({a.kind})", f"{b.type_name} ({b.kind})")
    if a.kind == "graph":
        places_a.setdefault(a.index, cell)
        places_b.setdefault(b.index, cell)
    if a.index != b.index:
        return ("index", str(a.index), str(b.index))
    return None


_MISSING = object()


def tokens_diff(a: Sequence[Token], b: Sequence[Token]) -> Difference | None:
    """Return the first place where two GraphDef token streams differ (None: they are equal,
    so ``jit`` reuses one trace for both)."""
    places_a: dict[int, Cell] = {}
    places_b: dict[int, Cell] = {}
    stack: list[tuple[Cell, object, object]] = [(None, _tree(a), _tree(b))]
    while stack:
        cell, x, y = stack.pop()
        differs = _entry_difference(cell, x, y, places_a, places_b)
        if differs is not None:
            return Difference(spell(cell), *differs)
        if isinstance(x, _Node) and isinstance(y, _Node):
            found = _keys_difference(cell, x, y)
            if found is not None:
                return found
            children = [((cell, k), u, v) for (k, u), (_, v) in zip(x.attributes, y.attributes)]
            stack.extend(reversed(children))
    return None


def graphdef_diff(t: Target, a: object, b: object) -> Difference | None:
    """Return the first place where ``a`` and ``b`` differ as GraphDefs of target ``t``.

    ``a`` and ``b`` are GraphDefs, or live graphs (graph nodes or pytrees of ``t``), whose
    ``t.graphdef`` is taken.  None means equal: ``jit`` reuses one trace for both.
    """
    return tokens_diff(_tokens(t, a), _tokens(t, b))


def _tokens(t: Target, x: object) -> tuple[Token, ...]:
    """The tokens of ``x`` as a GraphDef, else of ``t.graphdef(x)`` (a live graph)."""
    try:
        return t.graphdef_tokens(x)
    except Exception:  # not a GraphDef of t: a live graph (a GraphDef may also be a pytree)
        return t.graphdef_tokens(t.graphdef(x))
