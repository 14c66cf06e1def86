"""Ownership: which mutable parts an operation's results may share with its inputs.

A *mutable part* is anything a user can change in place after an operation:

* ``node``: a graph node (its attributes: set, add, delete);
* ``container``: a mutable pytree container (a ``dict``'s entries, a ``list``'s items);
* ``leaf``: a Variable or a state leaf (its value and its metadata mapping);
* ``mapping``: a State's mapping, at any level of nesting (its keys and entries).

A GraphDef is immutable: it has no mutable part, but what it holds (its metadata, statics) must
not change when a part of any result changes.  The rule of every operation: changing any mutable
part reachable from a result changes nothing reachable from the inputs, nor from the results of
another call of the same operation, and the other way round, *except* through an object the
operation is meant to share: the kinds in ``may_share`` are the ones whose *same object* may
appear on both sides (a live Variable), and a part is shared only as a whole object, never one
Variable's metadata mapping with another Variable.  Values are arrays, which are immutable, so
sharing an array is not sharing a mutable part.
"""

from __future__ import annotations

import dataclasses

__all__ = ["PART_KINDS", "RULES", "Rule", "may_share"]

PART_KINDS: dict[str, str] = {
    "node": "a graph node's attributes",
    "container": "a mutable pytree container's entries (dict, list)",
    "leaf": "a Variable's or state leaf's value and metadata",
    "mapping": "a State's mapping, at any level",
}
"""The kinds of mutable part (see the module docstring)."""


@dataclasses.dataclass(frozen=True)
class Rule:
    """What one operation may share: ``always`` kinds, plus ``when`` kinds under a capability."""

    operation: str
    sentence: str
    always: frozenset[str] = frozenset()
    when: tuple[tuple[str, frozenset[str]], ...] = ()


_LIVE = "state-leaves-are-live"
_REUSE = "merge-reuses-variables"
_LEAF = frozenset({"leaf"})

RULES: dict[str, Rule] = {
    rule.operation: rule
    for rule in (
        Rule(
            "split",
            "the states share nothing with x, except that with live state leaves each leaf is "
            "x's own Variable",
            when=((_LIVE, _LEAF),),
        ),
        Rule(
            "state",
            "as split: the states share nothing with x but, with live state leaves, its Variables",
            when=((_LIVE, _LEAF),),
        ),
        Rule("graphdef", "the GraphDef shares nothing with x"),
        Rule(
            "merge",
            "the graph shares nothing with the GraphDef or the states, except that a merge that "
            "reuses Variables builds the graph around the states' own Variable objects",
            when=((_REUSE, _LEAF),),
        ),
        Rule(
            "update",
            "update writes values and metadata into x's own Variables: afterwards x and the "
            "states share nothing",
        ),
        Rule("pop", "the popped states share nothing with what is left of x"),
        Rule("clone", "the clone shares nothing with x"),
        Rule(
            "call",
            "the returned GraphDef and state share nothing with the ones given, except that a "
            "merge that reuses Variables runs the method on the given state's own Variables",
            when=((_REUSE, _LEAF),),
        ),
        Rule(
            "contexts",
            "split and merge inside split_context / merge_context share as split and merge do",
            when=((_LIVE, _LEAF), (_REUSE, _LEAF)),
        ),
    )
}
"""The sharing rule of every operation, by operation name."""


def may_share(operation: str, capabilities: frozenset[str]) -> frozenset[str]:
    """Return the part kinds whose same object may be reached from both sides of ``operation``
    on a target declaring ``capabilities``."""
    rule = RULES[operation]
    kinds = set(rule.always)
    for capability, extra in rule.when:
        if capability in capabilities:
            kinds |= extra
    return frozenset(kinds)
