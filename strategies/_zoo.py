"""Drawing the zoo: which blueprint modules are user-written classes (``spec.zoo``).

A graph's zoo genes are a short list of ``(node choice, style choice)`` pairs, each an
independent list element read modulo the number of module nodes and of styles, so the shrinker
deletes a styled node's style (back to the plain ``Node``) without shifting any other choice.
Two pairs at most: a graph mixes at most two user-written classes with plain modules, and about
half the graphs with a module have at least one.  ``hypothesis.event`` reports each style drawn
as ``zoo: <style>``.
"""

from __future__ import annotations

import dataclasses

from hypothesis import event
from hypothesis import strategies as st

from spec.blueprint import NodeSpec
from spec.zoo import STYLES
from strategies._values import integers

__all__ = ["NO_ZOO", "ZooGene", "apply_zoo", "report_zoo", "zoo_genes"]

ZooGene = tuple[int, int]  # node choice, style choice

NO_ZOO: st.SearchStrategy[list[ZooGene]] = st.just([])
_RAW = integers(0, 63)


def zoo_genes() -> st.SearchStrategy[list[ZooGene]]:
    """Return a strategy for the zoo genes of one graph (shrinks to none)."""
    return st.lists(st.tuples(_RAW, _RAW), max_size=2)


def apply_zoo(nodes: list[NodeSpec], genes: list[ZooGene]) -> list[NodeSpec]:
    """Return ``nodes`` with the styles ``genes`` choose given to seed-era module nodes (not
    pytree-mode ones; the later of two choices of one node wins)."""
    modules = [i for i, n in enumerate(nodes) if n.kind == "module" and not n.pytree]
    if not modules or not genes:
        return nodes
    out = list(nodes)
    for raw_node, raw_style in genes:
        i = modules[raw_node % len(modules)]
        out[i] = dataclasses.replace(out[i], style=STYLES[raw_style % len(STYLES)])
    return out


def report_zoo(nodes: tuple[NodeSpec, ...]) -> None:
    """Report each style among ``nodes`` with ``hypothesis.event`` (``zoo: <style>``)."""
    for style in sorted({n.style for n in nodes if n.style}):
        event(f"zoo: {style}")
