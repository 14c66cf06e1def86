"""USER: classes as users write them (``spec.zoo``): their hooks and class keywords.

The graph laws of every other area already run over the zoo (``graphs()`` draws user-written
module classes); these laws check what only user-written classes can show: that the
implementation's own bookkeeping never reaches a user's attribute hooks, and that the class
keywords seed-era code uses are accepted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from spec import semantics, zoo
from spec.blueprint import Blueprint
from spec.build import build
from spec.errors import LawViolation
from spec.filters import TypeFilter
from spec.laws._check import build_case, observe_root, require, require_same_model
from spec.laws._registry import Case, law
from spec.model import observe
from spec.target import Capability, Target

__all__ = ["hooked"]

_WRITERS = ("setattr_logging", "setattr_routing")


def hooked(bp: Blueprint) -> Blueprint:
    """Return ``bp`` with every seed-era module node (not pytree-mode ones) given a hooked style
    (``zoo.HOOKED_STYLES``, in turn), so those modules report their hook calls."""
    styles = zoo.HOOKED_STYLES
    nodes, count = [], 0
    for n in bp.nodes:
        if n.kind == "module" and not n.pytree:
            n = dataclasses.replace(n, style=styles[count % len(styles)])
            count += 1
        nodes.append(n)
    return Blueprint(tuple(nodes), bp.variables)


def _expected_writes(bp: Blueprint) -> list[tuple[str, str, str]]:
    """The hook calls building ``bp`` makes: one ``__setattr__`` per entry of a writer-hooked
    module, in ``spec.build``'s order (nodes in index order, entries in order)."""
    return [
        (zoo.class_name(n.style), "__setattr__", str(k))
        for n in bp.nodes
        if n.style in _WRITERS
        for k, _ in n.entries
    ]


def _build_hooked(
    t: Target, case: Case, bp: Blueprint
) -> tuple[object, list[tuple[str, str, str]]]:
    try:
        with zoo.recording() as log:
            root = build(t, bp).root
    except Exception as e:
        build_case(t, case)  # n/a if the plain graph cannot be built either
        raise LawViolation(
            f"building the graph with user __setattr__ / __getattr__ hooks raised "
            f"{type(e).__name__}: {e}"
        ) from e
    return root, list(log)


def _operations(t: Target, x: object) -> list[tuple[str, Callable[[], object]]]:
    graphdef, state = t.split(x)[:2]
    ops: list[tuple[str, Callable[[], object]]] = [
        ("split(x)", lambda: t.split(x)),
        ("state(x)", lambda: t.state(x)),
        ("graphdef(x)", lambda: t.graphdef(x)),
        ("clone(x)", lambda: t.clone(x)),
        ("merge(*split(x))", lambda: t.merge(graphdef, state)),
        ("update(x, state)", lambda: t.update(x, state)),
    ]
    if Capability.POP in t.capabilities:
        ops.append(("pop(x, Variable)", lambda: t.pop(x, t.make_filter(TypeFilter("Variable")))))
    return ops


@law("USER-1")
def hooks_see_only_user_attributes(t: Target, case: Case) -> None:
    """A user's attribute hooks see only the attribute names the user's code writes: never
    bookkeeping.

    Statement: with every module's class overriding __setattr__ / __delattr__ / __getattr__:
        log(build x) == [the builder's writes, in order] ∧ ∀ op ∈
        {split, state, graphdef, clone, merge, update, pop}: names(log(op(x))) ⊆ keys(x)
    Rationale: Module subclasses override __setattr__ to log, validate or route writes into a dict;
        an implementation that writes or reads its own bookkeeping (an object-state attribute)
        through them breaks such classes at construction, clone or merge.
    Seed: object.py Object (metaclass __call__ and _graph_node_create_empty write _object__state
        into vars(); set_key uses setattr only for keys the state carries) (holds).
    """
    bp = hooked(case.graph)
    x, log = _build_hooked(t, case, bp)
    expected = _expected_writes(bp)
    require(
        log == expected,
        "building x: user hooks saw other calls than the builder's own writes",
        expected=repr(expected),
        actual=repr(log),
    )
    names = {str(k) for n in bp.nodes for k, _ in n.entries}
    for what, run in _operations(t, x):
        with zoo.recording() as seen:
            try:
                run()
            except Exception:  # whether the operation may fail here is other laws' business
                pass
        strangers = [call for call in seen if call[2] not in names]
        require(
            not strangers,
            f"{what}: user hooks saw names the user never wrote: {strangers!r}",
            expected=f"names among {sorted(names)!r}",
            actual=repr(list(seen)),
        )


@law("USER-2", inputs=("module_graph",))
def pytree_keyword_makes_a_jax_pytree(t: Target, case: Case) -> None:
    """A Module class declared with experimental_pytree=True is a jax pytree whose round trip is a
    clone.

    The keyword is the seed's spelling; a target that renamed it is checked with its own (flax
    >= 0.10.7: ``pytree=True``; ``zoo.KEYWORDS_SOURCE`` reads it off ``__init_subclass__``).

    Statement: class P(Module, experimental_pytree=True) is accepted ∧ for x of class P:
        model(tree_unflatten(*tree_flatten(x)[::-1])) == semantics.clone(model(x))
    Rationale: seed-era code declares modules as pytrees to pass them straight through jax
        transforms; rejecting the keyword breaks the class definition itself.
    Seed: module.py Module.__init_subclass__(experimental_pytree) registers _module_flatten /
        _module_unflatten (split / merge) with jax (holds).
    """
    import jax

    x = build_case(t, case).root
    try:  # the class is defined now, so the definition itself is checked, not a cached one
        p = t.new_zoo_node("pytree_keyword", fresh=True)
    except Exception as e:
        raise LawViolation(
            f"defining a Module class with experimental_pytree=True raised {type(e).__name__}: {e}"
        ) from e
    for key, value in t.inspect(x).entries:
        t.set_attr(p, key, value)
    for key, _ in t.inspect(x).entries:
        t.del_attr(x, key)
    x = p
    leaves, treedef = jax.tree_util.tree_flatten(x)
    require(
        not (len(leaves) == 1 and leaves[0] is x),
        "tree_flatten(x) treats the experimental_pytree Module as a leaf",
    )
    y = jax.tree_util.tree_unflatten(treedef, leaves)
    require_same_model(
        semantics.clone(observe(t, x)), observe_root(t, y), "tree_unflatten(*tree_flatten(x))"
    )
