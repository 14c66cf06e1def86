"""The operations ``nnxspec bench`` times, run inside a worker against one target's own API.

Each operation calls the implementation's functions directly (``t.nnx.split``, not the adapter's
``Target.split``), on a graph built through the target's own classes (``spec.build``).  Inputs an
operation needs (a GraphDef, a State, a jitted function) are made outside the timed region.

Two kinds of operation:

* *repeatable* ones (``split``, ``merge``, ``hash``, ``jit``, ...) are one zero-argument call,
  timed ``number`` times in a row per sample;
* *first-call* ones (``hash-first``, ``jit-first``) need fresh inputs for every call (a new
  GraphDef whose hash is not cached yet, a new ``jax.jit`` wrapper that must trace and compile),
  so each sample is one call after an untimed setup.

An operation that raises (a ``RecursionError`` on a deep graph, say) is reported with the
exception's type and message instead of a time; nothing here catches anything itself.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any, cast

from spec.build import build
from spec.target import Target

__all__ = [
    "OPS",
    "Graph",
    "Op",
    "new_graph",
    "py_flatten",
    "py_unflatten",
    "state_depth",
    "tree_floor_input",
]


@dataclasses.dataclass
class Graph:
    """A built benchmark graph and what the operations derive from it (lazily, untimed)."""

    target: Target
    root: object
    leaves: int
    depth: int
    _split: tuple[object, object] | None = None
    _jitted: Callable[..., Any] | None = None

    @property
    def nnx(self) -> ModuleType:
        return self.target.nnx  # type: ignore[attr-defined, no-any-return]

    def split(self) -> tuple[object, object]:
        """``(graphdef, state)`` of the graph, made once."""
        if self._split is None:
            graphdef, state = self.nnx.split(self.root)
            self._split = (graphdef, state)
        return self._split

    def fresh_graphdef(self) -> object:
        """A new GraphDef of the graph (no hash cached in it yet)."""
        return self.nnx.split(self.root)[0]


def new_graph(t: Target, blueprint: Any) -> Graph:
    """Build ``blueprint`` through ``t``; count its state leaves and its nesting depth."""
    root = build(t, blueprint).root
    return Graph(t, root, len(blueprint.variables), state_depth(blueprint))


def state_depth(blueprint: Any) -> int:
    """The nesting depth of the graph's state: the longest first-visit path, by DFS order.

    Computed on the blueprint (iteratively) with the traversal order every target follows
    (sorted keys, depth first), so a target that cannot split the graph still gets a depth.
    """
    nodes = blueprint.nodes
    seen = {0}
    deepest = 0
    stack: list[tuple[int, int]] = [(0, 0)]
    while stack:
        index, depth = stack.pop()
        deepest = max(deepest, depth)
        children = sorted(
            (k, e.index)
            for k, e in nodes[index].entries
            if hasattr(e, "index") and type(e).__name__ == "ToNode"
        )
        for _, child in reversed(children):
            if child not in seen:
                seen.add(child)
                stack.append((child, depth + 1))
    return deepest + 1  # the Variables sit one level below their node


def _guard_depth(g: Graph, what: str) -> None:
    """Skip jax tree operations on states nested deeper than the interpreter's recursion limit.

    ``jax.tree_util`` flattens recursively in C++: past about ``sys.getrecursionlimit()``
    levels it raises a RecursionError that leaves the interpreter unusable (every later call
    raises too), so it is reported without being run.
    """
    limit = sys.getrecursionlimit() - 50
    if g.depth >= limit:
        raise RecursionError(
            f"{what}: jax.tree_util recurses once per level and this state is {g.depth} levels "
            f"deep (limit ~{limit}); not run, because the error leaves the interpreter unusable"
        )


def tree_floor_input(g: Graph) -> dict[Any, Any]:
    """The graph's state as a nested dict of raw arrays (same paths, same leaves).

    Walks the State's mappings iteratively with one stack, so a 100,000-deep state costs
    linear time (spelling each leaf's full path would be quadratic).
    """
    t = g.target
    variable_type = g.nnx.Variable
    _, state = g.split()

    def mapping(value: object) -> Mapping[Any, Any] | None:
        if hasattr(value, "raw_mapping"):  # a State (reference, flax)
            return cast(Mapping[Any, Any], cast(Any, value).raw_mapping)
        return value if isinstance(value, Mapping) else None

    def leaf(value: Any) -> object:
        return t.get_value(value) if isinstance(value, variable_type) else value.value

    root: dict[Any, Any] = {}
    top = mapping(state)
    assert top is not None  # sanity check: split returns a State
    stack: list[tuple[Mapping[Any, Any], dict[Any, Any]]] = [(top, root)]
    while stack:
        source, target = stack.pop()
        for key, value in source.items():
            inner = mapping(value)
            if inner is None:
                target[key] = leaf(value)
            else:
                child: dict[Any, Any] = {}
                target[key] = child
                stack.append((inner, child))
    return root


# --- The operations ----------------------------------------------------------------------------


def _split(g: Graph) -> Callable[[], object]:
    split, root = g.nnx.split, g.root
    return lambda: split(root)


def _merge(g: Graph) -> Callable[[], object]:
    merge = g.nnx.merge
    graphdef, state = g.split()
    return lambda: merge(graphdef, state)


def _update(g: Graph) -> Callable[[], object]:
    update, root = g.nnx.update, g.root
    _, state = g.split()
    return lambda: update(root, state)


def _clone(g: Graph) -> Callable[[], object]:
    clone, root = g.nnx.clone, g.root
    return lambda: clone(root)


def _state(g: Graph) -> Callable[[], object]:
    state, root = g.nnx.state, g.root
    return lambda: state(root)


def _hash_first(g: Graph) -> Callable[[], object]:
    graphdef = g.fresh_graphdef()
    return lambda: hash(graphdef)


def _hash_later(g: Graph) -> Callable[[], object]:
    graphdef, _ = g.split()
    hash(graphdef)  # the first call, untimed
    return lambda: hash(graphdef)


def _block(x: object) -> object:
    """Wait until every array in ``x`` is computed (jax dispatches asynchronously)."""
    import jax

    wait: Callable[[object], object] = jax.block_until_ready
    return wait(x)


def _round_trip(g: Graph) -> Callable[[object, object], object]:
    nnx = g.nnx

    def round_trip(graphdef: object, state: object) -> object:
        return nnx.split(nnx.merge(graphdef, state))

    return round_trip


def _jit_first(g: Graph) -> Callable[[], object]:
    import jax

    _guard_depth(g, "jax.jit")
    graphdef, state = g.split()
    jitted = jax.jit(_round_trip(g), static_argnums=0)  # a new wrapper: it traces and compiles
    return lambda: _block(jitted(graphdef, state))


def _jit(g: Graph) -> Callable[[], object]:
    import jax

    _guard_depth(g, "jax.jit")
    graphdef, state = g.split()
    if g._jitted is None:
        g._jitted = jax.jit(_round_trip(g), static_argnums=0)
    jitted = g._jitted
    _block(jitted(graphdef, state))  # traced and compiled here, untimed
    return lambda: _block(jitted(graphdef, state))


def _tree(g: Graph) -> Callable[[], object]:
    import jax

    _guard_depth(g, "jax.tree_util.tree_flatten")
    nested = tree_floor_input(g)
    flatten, unflatten = jax.tree_util.tree_flatten, jax.tree_util.tree_unflatten

    def flatten_unflatten() -> object:
        leaves, treedef = flatten(nested)
        return unflatten(treedef, leaves)

    return flatten_unflatten


def py_flatten(tree: dict[Any, Any]) -> tuple[list[object], list[list[Any] | None]]:
    """Flatten nested dicts like ``jax.tree_util``, in pure Python (iteratively): the leaves in
    sorted-key depth-first order, and the structure (each dict's sorted keys, None per leaf)."""
    leaves: list[object] = []
    structure: list[list[Any] | None] = []
    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            keys = sorted(node)
            structure.append(keys)
            stack.extend(node[k] for k in reversed(keys))
        else:
            structure.append(None)
            leaves.append(node)
    return leaves, structure


def py_unflatten(structure: list[list[Any] | None], leaves: list[object]) -> dict[Any, Any]:
    """The inverse of ``py_flatten``: rebuild the nested dicts around ``leaves``."""
    next_leaf = iter(leaves).__next__
    root: dict[Any, Any] = {}
    keys = structure[0]
    assert keys is not None  # sanity check: states are dicts at the top
    stack: list[tuple[dict[Any, Any], list[Any], int]] = [(root, keys, 0)]
    position = 1
    while stack:
        target, keys, done = stack[-1]
        if done == len(keys):
            stack.pop()
            continue
        stack[-1] = (target, keys, done + 1)
        entry = structure[position]
        position += 1
        if entry is None:
            target[keys[done]] = next_leaf()
        else:
            child: dict[Any, Any] = {}
            target[keys[done]] = child
            stack.append((child, entry, 0))
    return root


def _py_tree(g: Graph) -> Callable[[], object]:
    nested = tree_floor_input(g)

    def flatten_unflatten() -> object:
        leaves, structure = py_flatten(nested)
        return py_unflatten(structure, leaves)

    return flatten_unflatten


@dataclasses.dataclass(frozen=True)
class Op:
    """One timed operation: how to make the zero-argument call, and whether each call needs
    fresh inputs (``first_call``: one call per sample, setup untimed)."""

    name: str
    doc: str
    make: Callable[[Graph], Callable[[], object]]
    first_call: bool = False


OPS: dict[str, Op] = {
    op.name: op
    for op in (
        Op("split", "split(root) -> (graphdef, state)", _split),
        Op("merge", "merge(graphdef, state) -> a new graph", _merge),
        Op("update", "update(root, state) with the graph's own state", _update),
        Op("clone", "clone(root)", _clone),
        Op("state", "state(root)", _state),
        Op(
            "hash-first",
            "hash(graphdef) of a new GraphDef (first call)",
            _hash_first,
            first_call=True,
        ),
        Op("hash", "hash(graphdef) again (later calls: cached, or not)", _hash_later),
        Op(
            "jit-first",
            "jax.jit(split∘merge, static graphdef): first call (trace + compile)",
            _jit_first,
            first_call=True,
        ),
        Op("jit", "the same jitted round trip, later calls (steady state)", _jit),
        Op(
            "tree",
            "jax.tree_util flatten + unflatten of the state as a nested dict of arrays (the floor)",
            _tree,
        ),
        Op(
            "py-tree",
            "the same flatten + unflatten in pure Python, iteratively (the interpreter's floor)",
            _py_tree,
        ),
    )
}
"""Every operation, in table order."""
