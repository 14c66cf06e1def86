"""SHARE: a shared Variable or node is one leaf of the state and stays shared through a round
trip."""

from __future__ import annotations

from spec import semantics
from spec.laws._check import (
    build_case,
    require,
)
from spec.laws._registry import Case, law
from spec.model import Model, VarSlot, aliasing, observe, path_str
from spec.program import TRANSFORMS
from spec.target import Path, Target, live_at


def _aliases(t: Target, x: object) -> set[tuple[Path, ...]]:
    """Return the alias classes of graph nodes and Variables of the graph at ``x``."""
    return _alias_classes(observe(t, x))


def _alias_classes(m: Model) -> set[tuple[Path, ...]]:
    return {
        paths
        for (kind, i), paths in aliasing(m).items()
        if kind == "Variable" or m.nodes[i].kind == "graph"
    }


@law("SHARE-1")
def shared_variables_appear_once_in_the_state(t: Target, case: Case) -> None:
    """A Variable reached by several paths appears once in the state, at its first path.

    Statement: ∀ Variable v of x: |{p : state(x)[p] ≅ v}| = 1 ∧ that p = first(v)
    Rationale: tied weights must be one parameter for the optimizer, not two that drift apart.
    Seed: graph.py _graph_flatten (LeafAttribute NodeRef for repeats; a pytree container is
        flattened anew at every occurrence, also inside its own expansion; holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    _, first = m.first_paths()
    paths = [tuple(p) for p, _ in t.flat_state(t.state(x))]
    for p in first.values():
        require(p in paths, f"state(x) has no entry at {path_str(p)}, the first path of a Variable")
    require(
        len(paths) == len(first),
        f"state(x) has {len(paths)} entries, but x has {len(first)} distinct Variables",
    )


@law("SHARE-2")
def roundtrip_keeps_aliasing(t: Target, case: Case) -> None:
    """A round trip keeps exactly which paths reach the same graph node or Variable.

    Statement: aliases(merge(*split(x))) == aliases(semantics.rebuild(model(x)))  (restricted to
        graph nodes and Variables)
    Rationale: sharing is the reason NNX graphs are graphs and not trees.
    Seed: graph.py NodeRef / index_ref (holds).
    """
    x = build_case(t, case).root
    # pytree containers are rebuilt per occurrence, so what a shared container holds is reached
    # once per occurrence afterwards (the alias classes of the rebuilt model, not of x itself)
    expected = _alias_classes(semantics.rebuild(observe(t, x)))
    actual = _aliases(t, t.merge(*t.split(x)))
    lost = sorted(expected - actual)
    gained = sorted(actual - expected)
    require(
        not lost,
        f"after merge(*split(x)) the paths {[path_str(p) for p in lost[0]] if lost else ''} "
        "reach distinct objects, but should reach one",
    )
    require(
        not gained,
        "after merge(*split(x)) the paths "
        f"{[path_str(p) for p in gained[0]] if gained else ''} reach one object, but should "
        "not",
    )


@law("SHARE-3")
def a_write_reaches_exactly_its_aliases(t: Target, case: Case) -> None:
    """After a round trip, writing a Variable through one path changes it at every path that reached
    it in x, and nowhere else.

    Statement: y = merge(*split(x)); y@p.value ← f(y@p.value)  ⟹  ∀ q: y@q.value changed ⇔ q ~ p in
        x
    Rationale: aliasing must be real object identity, and distinct Variables must not share storage.
    Seed: graph.py unflatten (index_ref reuse; holds).
    """
    x = build_case(t, case).root
    m = observe(t, x)
    _, first = m.first_paths()
    y = t.merge(*t.split(x))
    before = observe(t, y)
    for vid, p in first.items():
        written = live_at(t, y, p)
        t.set_value(written, TRANSFORMS["add_one"](t.get_value(written)))  # type: ignore[arg-type]
        after = observe(t, y)
        for path, slot, _ in m.walk():
            if isinstance(slot, VarSlot):
                old = before.resolve(path)
                new = after.resolve(path)
                assert isinstance(old, VarSlot) and isinstance(
                    new, VarSlot
                )  # sanity check: same structure
                changed = before.variables[old.id] != after.variables[new.id]
                should = slot.id == vid
                require(
                    changed == should,
                    f"after writing y{path_str(p)}, y{path_str(path)} "
                    f"{'changed' if changed else 'did not change'}, but it should "
                    f"{'' if should else 'not '}change: in x it "
                    f"{'is' if should else 'is not'} the same Variable",
                )
        before = after
