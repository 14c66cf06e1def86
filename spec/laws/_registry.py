"""The law registry: ``Law``, the ``@law`` decorator, ``Case`` (a law's inputs) and the areas.

A law is one function with one id.  Its docstring has four labelled parts, checked here::

    <title: one sentence>

    Statement: <one to three math-like lines>
    Rationale: <why the spec says so>
    Seed:      <the seed function it derives from, and whether the seed holds>

Source lines stay within 100 columns: the title may run over several lines (they are joined
with single spaces), and a line of a part indented deeper than its label continues the line
above it (joined with a single space), so a long statement line wraps in the source without
changing its value.  Break such lines at single spaces only.

Ids match ``AREA-N``; ``AREA`` must be one of ``AREAS``.  Ids are never renumbered or reused.
A law names the *kinds* of input it quantifies over (``INPUTS``); the runner draws them from
``strategies`` (so the spec itself needs no Hypothesis) or replays them from vectors.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
from collections.abc import Callable

from spec.blueprint import Blueprint, NodeSpec, from_data, to_data
from spec.codec import JSON, decode, encode
from spec.errors import LawViolation, NotApplicable
from spec.filters import FilterSpec
from spec.hostile import Hostile
from spec.program import Program
from spec.target import Target

__all__ = ["AREAS", "FIXED_CASE", "INPUTS", "LAWS", "Case", "Law", "law", "law_by_id"]

AREAS: dict[str, str] = {
    "ID": "identity and determinism",
    "RT": "round trip",
    "FS": "flat states",
    "SHARE": "sharing",
    "CYC": "cycles",
    "PT": "pytree containers",
    "STAT": "static attributes",
    "ST": "state contents",
    "FLT": "filters",
    "GD": "graphdef",
    "EQ": "equality and hashing",
    "VAR": "variables",
    "MD": "Variable metadata",
    "UPD": "update",
    "POP": "pop",
    "CL": "clone",
    "OWN": "ownership",
    "IT": "iter_graph",
    "CALL": "call and apply",
    "CTX": "split and merge contexts",
    "UCTX": "update-context protocol",
    "JIT": "jit",
    "BE": "backends",
    "ERR": "errors",
    "ROB": "robustness",
    "SURF": "public surface",
    "USER": "user-written classes",
}
"""Area prefix -> area name, in the order SPEC.md presents them."""

INPUTS: dict[str, str] = {
    "graph": "a graph blueprint (sharing, cycles, pytree containers, statics, metadata)",
    "module_graph": "a graph blueprint whose root is a module",
    "filters": "a tuple of valid filters, not necessarily exhaustive",
    "exhaustive_filters": "a tuple of valid filters whose last one is `...` or True",
    "nonexhaustive_filters": "valid filters that leave at least one leaf of the graph unmatched",
    "bad_filters": "filters with a misplaced `...`/True or a term that is not a filter",
    "program": "a mutation program valid for the graph",
    "other": "a second graph blueprint",
    "near_miss": "the graph changed in exactly one aspect (strategies.near_misses)",
    "hostile_state": (
        "a state for merge / update with missing, extra, renamed, misplaced or odd keys "
        "(spec.hostile)"
    ),
    "array_attribute": "an array set as a plain attribute (or in a dict attribute) of a node",
    "unhashable_static": "a set stored as a static attribute (or in a dict attribute) of a node",
    "orderable_dict_keys": "a dict attribute whose keys are of odd types but can be ordered",
    "unorderable_dict_keys": "a dict attribute whose keys cannot be ordered together",
    "unorderable_node_keys": "a registered graph or pytree node type whose keys cannot be ordered",
    "pytree_cycle": "a list or dict attribute that contains itself (directly or after a node)",
    "non_node_root": "a Variable, an array, an int or a str where a graph belongs",
    "hostile_filters": (
        "an operation (split / state / variables / pop / SplitContext.split) with any filters, "
        "bad ones included"
    ),
    "hostile_calls": (
        "a sequence of update-context calls in any order (after exit, with a NodeRef GraphDef)"
    ),
}
"""Input kinds a law may quantify over."""


@dataclasses.dataclass(frozen=True)
class Case:
    """One input of a law: a graph and, as the law needs, filters, a program, a second graph.

    ``backend`` is set for per-backend laws; ``scale`` shrinks the built-in inputs of the
    robustness laws (the ``dev`` profile checks them at a tenth of their size); ``hostile`` holds
    the hostile operations of the robustness laws (``spec.hostile``).  Cases serialise to JSON
    exactly (vectors); ``hostile`` is written only when it is not empty, so older vectors and
    their JSON stay as they were.
    """

    graph: Blueprint
    filters: tuple[FilterSpec, ...] = ()
    program: Program = ()
    other: Blueprint | None = None
    backend: str | None = None
    scale: float = 1.0
    hostile: tuple[Hostile, ...] = ()

    def to_data(self) -> dict[str, JSON]:
        data: dict[str, JSON] = {
            "graph": to_data(self.graph),
            "filters": encode(self.filters),
            "program": encode(self.program),
            "other": to_data(self.other) if self.other is not None else None,
            "backend": self.backend,
            "scale": self.scale,
        }
        if self.hostile:
            data["hostile"] = encode(self.hostile)
        return data

    @staticmethod
    def from_data(d: dict[str, JSON]) -> Case:
        filters = decode(d.get("filters", {"$tuple": []}))
        program = decode(d.get("program", {"$tuple": []}))
        other = d.get("other")
        backend = d.get("backend")
        scale = d.get("scale", 1.0)
        hostile = decode(d.get("hostile", {"$tuple": []}))
        return Case(
            graph=from_data(d["graph"]),
            filters=filters,  # type: ignore[arg-type]
            program=program,  # type: ignore[arg-type]
            other=from_data(other) if other is not None else None,
            backend=backend if isinstance(backend, str) else None,
            scale=float(scale) if isinstance(scale, (int, float)) else 1.0,
            hostile=hostile,  # type: ignore[arg-type]
        )

    def to_json(self) -> str:
        return json.dumps(self.to_data(), sort_keys=True)


FIXED_CASE = Case(graph=Blueprint((NodeSpec("module"),)))
"""The case handed to laws with built-in inputs (``inputs=()``); they ignore it."""

Checker = Callable[[Target, Case], None]


@dataclasses.dataclass(frozen=True)
class Law:
    """A numbered law of the spec (see the module docstring)."""

    id: str
    area: str
    title: str
    statement: str
    rationale: str
    seed: str
    requires: frozenset[str]
    inputs: tuple[str, ...]
    check: Checker
    per_backend: bool = False
    examples: float = 1.0
    """Relative example budget: 1 is the profile's default, less for heavy laws."""
    repro: str | None = None
    """Plain Python for a reproducer's failing step, over ``nnx``, ``x`` (the built graph), ``fs``
    (the case's filters) and ``run_program(x)``; None means "replay the law through nnxspec"."""
    status: str = "active"

    @property
    def prefix(self) -> str:
        return self.id.split("-")[0]

    def run(self, t: Target, case: Case) -> None:
        """Check the law on ``case``; a LawViolation is stamped with this law's id and target.

        Raises NotApplicable when ``t`` lacks a required capability.
        """
        missing = sorted(self.requires - t.capabilities)
        if missing:
            raise NotApplicable(f"{t.name} lacks {', '.join(missing)}")
        try:
            self.check(t, case)
        except LawViolation as e:
            e.stamp(self.id, t.describe(), case.backend)
            raise

    @property
    def fixed(self) -> bool:
        """True for laws checked on one built-in input (no drawn inputs)."""
        return not self.inputs


LAWS: list[Law] = []

RETIRED: dict[str, str] = {
    "ROB-10": "split by fault kind into ROB-13 ... ROB-19 (one hostile graph fault each)",
}
"""Law ids no longer in the catalogue, with where their content went: never reused."""
_ID = re.compile(r"^([A-Z]+)-([1-9][0-9]*)$")
_SECTIONS = ("Statement", "Rationale", "Seed")


def _parse_doc(law_id: str, doc: str | None) -> tuple[str, dict[str, str]]:
    if not doc:
        raise ValueError(f"law {law_id} has no docstring")
    head, _, body = inspect.cleandoc(doc).partition("\n\n")
    title = " ".join(line.strip() for line in head.splitlines())
    parts: dict[str, list[str]] = {}
    current = None
    for line in body.splitlines():
        m = re.match(r"^(Statement|Rationale|Seed):\s*(.*)$", line)
        if m:
            current = m.group(1)
            parts[current] = [m.group(2)] if m.group(2) else []
        elif current and line.strip():
            if line[0].isspace() and parts[current]:
                parts[current][-1] += " " + line.strip()
            else:
                parts[current].append(line.strip())
    missing = [s for s in _SECTIONS if not parts.get(s)]
    if missing:
        raise ValueError(f"law {law_id}'s docstring lacks {', '.join(missing)}")
    return title, {k: "\n".join(v) for k, v in parts.items()}


def law(
    law_id: str,
    *,
    requires: tuple[str, ...] = (),
    inputs: tuple[str, ...] = ("graph",),
    per_backend: bool = False,
    examples: float = 1.0,
    repro: str | None = None,
) -> Callable[[Checker], Checker]:
    """Register the decorated checker as the law ``law_id`` (see the module docstring)."""
    m = _ID.match(law_id)
    if not m or m.group(1) not in AREAS:
        raise ValueError(f"law id {law_id!r} does not match AREA-N with AREA in {tuple(AREAS)}")
    if law_id in RETIRED:
        raise ValueError(f"law id {law_id} is retired ({RETIRED[law_id]}); ids are never reused")
    unknown = [i for i in inputs if i not in INPUTS]
    if unknown:
        raise ValueError(f"law {law_id} names unknown inputs {unknown}; known: {tuple(INPUTS)}")

    def register(check: Checker) -> Checker:
        if any(existing.id == law_id for existing in LAWS):
            raise ValueError(f"law id {law_id} is registered twice")
        title, parts = _parse_doc(law_id, check.__doc__)
        LAWS.append(
            Law(
                id=law_id,
                area=AREAS[m.group(1)],
                title=title,
                statement=parts["Statement"],
                rationale=parts["Rationale"],
                seed=parts["Seed"],
                requires=frozenset(requires),
                inputs=inputs,
                check=check,
                per_backend=per_backend,
                examples=examples,
                repro=repro,
            )
        )
        return check

    return register


def law_by_id(law_id: str) -> Law:
    """Return the law with id ``law_id``; KeyError naming the known ids otherwise."""
    for candidate in LAWS:
        if candidate.id == law_id:
            return candidate
    if law_id in RETIRED:
        raise KeyError(f"law {law_id} is retired: {RETIRED[law_id]}")
    raise KeyError(f"no law {law_id!r}; known laws: {', '.join(x.id for x in LAWS)}")
