"""SPEC.md: the law catalogue rendered as one Markdown document.

``render()`` is the whole document: a contents list, the notation glossary, every area in
``AREAS`` order with each law's id, title, formal statement, rationale, seed, required
capabilities and inputs, its checker's ``file:line`` and the oracle functions it compares
against (``spec.laws._where``), then the table of known deviations of real releases from the spec
(``spec.deviations.DEVIATIONS``, when that module exists).  The committed ``SPEC.md`` is this
text; ``tests/runner/test_specdoc.py`` fails when it is stale.  Regenerate it with::

    python -m spec.runner laws --markdown --output SPEC.md
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping, Sequence

from spec.laws import AREAS, INPUTS, LAWS, Law
from spec.laws._where import checker_location, oracle_functions

__all__ = ["GLOSSARY", "REGENERATE", "deviation_rows", "render"]

REGENERATE = "python -m spec.runner laws --markdown --output SPEC.md"

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("`x`, `y`", "live object graphs of the target (built from a blueprint `g`: `x = build(g)`)"),
    ("`gd`, `s`, `ss`", "a GraphDef, a State, several States: `gd, s = split(x)`"),
    (
        "`fs`, `f`",
        "a tuple of filters, one filter (the case's neutral filter terms, made into the target's)",
    ),
    ("`p`, `q`", "paths: tuples of keys from the root; `p ∈ s` says the state has a leaf at `p`"),
    (
        "`first(v)`",
        "the first path of a node or Variable `v`: where a depth-first walk from the root, keys in "
        "canonical order, first reaches it; a graph node is walked once, a pytree container "
        "again at "
        "every occurrence, also inside its own expansion (`Model.walk`, as split flattens)",
    ),
    (
        "`model(x)`",
        "the canonical model of a live graph, observed by plain introspection (`spec.model`)",
    ),
    (
        "`semantics.f(…)`",
        "the oracle: the spec's own, obviously-right version of `f` on models (`spec.semantics`)",
    ),
    ("`tokens(gd)`", "a GraphDef as its canonical token stream (`Target.graphdef_tokens`)"),
    ("`aliases(x)`", "the sets of paths that reach one graph node or Variable"),
    ("`run(x, prog)`", "a mutation program applied to a live graph (`spec.program`)"),
    (
        "`≅`",
        "isomorphic: equal canonical models (same kinds, keys, statics, values, metadata and "
        "aliasing)",
    ),
    ("`⟹`, `⇔`", "implies; if and only if"),
    ("`∧`, `∨`", "and; or"),
    ("`∀`, `∃`", "for every; there is"),
    ("`∈`, `∉`, `⊆`", "is in; is not in; is a subset of"),
    ("`∩`, `∪`, `∅`", "intersection; union; the empty set"),
    ("`←`, `→`", "assignment (`v ← f(v)`); maps to"),
    ("`λ`", "an anonymous function"),
    ("`x₀`", "the value of `x` before the operation"),
    ("`…`", "the rest of the arguments or items"),
    (
        "capability",
        "a feature or semantic variant a target declares; a law needing one it lacks is `n/a`",
    ),
    ("`n/a`", "not applicable: reported with its reason, never counted as a pass"),
)
"""The notation the law statements use."""


def _anchor(text: str) -> str:
    return text.lower().replace(" ", "-")


def _area_laws(prefix: str) -> list[Law]:
    return [law for law in LAWS if law.prefix == prefix]


def _oracles(law: Law) -> str:
    found = oracle_functions(law)
    if not found:
        return "none: the target is checked against its own inputs and results"
    return ", ".join(f"`{name.removeprefix('spec.')}` (`{where}`)" for name, where in found)


def _law_section(law: Law) -> list[str]:
    requires = ", ".join(f"`{c}`" for c in sorted(law.requires)) or "none"
    if law.fixed:
        inputs = "a built-in input (no drawn inputs)"
    else:
        inputs = "; ".join(f"`{i}` ({INPUTS[i]})" for i in law.inputs)
    lines = [
        f'<a id="{law.id.lower()}"></a>',
        f"### {law.id}: {law.title}",
        "",
        "```text",
        law.statement,
        "```",
        "",
        f"- **Rationale:** {law.rationale}",
        f"- **Seed:** {law.seed}",
        f"- **Checker:** `{checker_location(law)}` (`{law.check.__name__}`)",
        f"- **Oracle:** {_oracles(law)}",
        f"- **Requires:** {requires}",
        f"- **Inputs:** {inputs}",
    ]
    notes = []
    if law.per_backend:
        notes.append("checked once per JAX backend")
    if law.examples != 1:
        notes.append(f"example weight {law.examples:g}")
    if law.status != "active":
        notes.append(f"status: {law.status}")
    if notes:
        lines.append(f"- **Runner:** {'; '.join(notes)}")
    return [*lines, ""]


def _cell(value: object) -> str:
    if isinstance(value, (tuple, list, frozenset, set)):
        value = ", ".join(str(v) for v in value)
    return str(value).replace("|", "\\|").replace("\n", " ")


def deviation_rows() -> tuple[list[str], list[list[str]]] | None:
    """Return ``(columns, rows)`` of ``spec.deviations.DEVIATIONS``; None when it does not exist.

    Entries may be dataclasses, mappings or tuples; the columns are their fields or keys.
    """
    try:
        module = importlib.import_module("spec.deviations")
    except ImportError:
        return None
    entries = getattr(module, "DEVIATIONS", None)
    if entries is None:
        return None
    if isinstance(entries, Mapping):
        entries = [
            {
                "id": k,
                **(
                    dataclasses.asdict(v)
                    if dataclasses.is_dataclass(v) and not isinstance(v, type)
                    else v
                    if isinstance(v, Mapping)
                    else {"description": v}
                ),
            }
            for k, v in entries.items()
        ]
    columns: list[str] = []
    rows: list[Mapping[str, object] | Sequence[object]] = []
    for entry in entries:
        if dataclasses.is_dataclass(entry) and not isinstance(entry, type):
            entry = dataclasses.asdict(entry)
        if isinstance(entry, Mapping):
            columns += [str(k) for k in entry if str(k) not in columns]
        rows.append(entry)
    width = max((len(r) for r in rows if not isinstance(r, Mapping)), default=0)
    if not columns:
        columns = [f"column {i + 1}" for i in range(width)]
    table = []
    for r in rows:
        if isinstance(r, Mapping):
            table.append([_cell(r.get(c, "")) for c in columns])
        else:
            table.append([_cell(v) for v in r] + [""] * (len(columns) - len(r)))
    return columns, table


def _deviations() -> list[str]:
    lines = [
        "## Deviations",
        "",
        "Known places where real releases depart from the spec (`spec/deviations.py`).",
        "",
    ]
    found = deviation_rows()
    if found is None:
        return [*lines, "_No deviations are recorded yet._", ""]
    columns, rows = found
    if not rows:
        return [*lines, "_None._", ""]
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|" + "---|" * len(columns))
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _ownership() -> list[str]:
    from spec.semantics.ownership import PART_KINDS, RULES

    lines = [
        '<a id="ownership"></a>',
        "## Ownership: what each operation may share",
        "",
        "The rules the OWN laws check (`spec/semantics/ownership.py`).  A mutable part is "
        + "; ".join(f"`{k}`: {v}" for k, v in PART_KINDS.items())
        + ".  Changing one on either side of an operation must change nothing on the other side "
        "nor in another call's results, except through the same object shared whole, where the "
        "column *may share* allows it.",
        "",
        "| operation | may share | rule |",
        "|---|---|---|",
    ]
    for rule in RULES.values():
        shared = [f"{', '.join(sorted(k))} with `{c}`" for c, k in rule.when]
        shared = [", ".join(sorted(rule.always))] * bool(rule.always) + shared
        lines.append(f"| {rule.operation} | {'; '.join(shared) or 'nothing'} | {rule.sentence} |")
    return [*lines, ""]


def _fault_matrix() -> list[str]:
    from spec.laws._faults import FAULTS, OPERATIONS, cell

    reasons: dict[str, str] = {}
    lines = [
        '<a id="fault-matrix"></a>',
        "## Operation × fault matrix",
        "",
        "For every operation and every kind of bad input, the laws that check what happens, or "
        "(a lettered note) why the fault cannot reach the operation (`spec/laws/_faults.py`).",
        "",
        "| fault | " + " | ".join(OPERATIONS) + " |",
        "|---|" + "---|" * len(OPERATIONS),
    ]
    for fault, description in FAULTS.items():
        row = []
        for op in OPERATIONS:
            laws, reason = cell(op, fault)
            if laws:
                row.append(", ".join(f"[{law}](#{law.lower()})" for law in laws))
            else:
                assert reason is not None  # sanity check: tests/spec/test_fault_matrix.py
                letter = reasons.setdefault(reason, chr(ord("a") + len(reasons)))
                row.append(f"({letter})")
        lines.append(f"| `{fault}`: {_cell(description)} | " + " | ".join(row) + " |")
    lines += ["", *(f"- ({letter}) {reason}" for reason, letter in reasons.items()), ""]
    return lines


def render() -> str:
    """Return SPEC.md (see the module docstring)."""
    areas = [(prefix, name) for prefix, name in AREAS.items() if _area_laws(prefix)]
    lines = [
        "# nnxspec: the specification of Flax NNX object-graph semantics",
        "",
        "<!-- Generated from spec/laws by `nnxspec laws --markdown`; do not edit. "
        f"Regenerate with: {REGENERATE} -->",
        "",
        f"{len(LAWS)} laws in {len(areas)} areas. Each law is one checker in `spec/laws/`; "
        "`nnxspec check` runs "
        "them against a target, and `nnxspec laws` lists them.",
        "",
        "## Contents",
        "",
    ]
    for prefix, name in areas:
        count = len(_area_laws(prefix))
        lines.append(
            f"- [{prefix}: {name}](#{_anchor(prefix)}) ({count} law{'s' if count != 1 else ''})"
        )
    lines += ["- [Ownership](#ownership)", "- [Operation × fault matrix](#fault-matrix)"]
    lines += ["- [Deviations](#deviations)", "- [Notation](#notation)"]
    lines.append("")
    for prefix, name in areas:
        lines += [f'<a id="{_anchor(prefix)}"></a>', f"## {prefix}: {name}", ""]
        for law in _area_laws(prefix):
            lines += _law_section(law)
    lines += _ownership()
    lines += _fault_matrix()
    lines += _deviations()
    lines += ["## Notation", "", "| notation | meaning |", "|---|---|"]
    lines += [f"| {term} | {meaning} |" for term, meaning in GLOSSARY]
    return "\n".join(lines) + "\n"
