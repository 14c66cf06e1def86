"""Render ``tests/mutants/RESULTS.md`` from the committed result files.

    python -m tests.mutants.report [--check]

Inputs (beside this module): ``hand.json`` (``nnxspec mutants --json``),
``auto.json`` (``python -m tests.mutants.auto --json``) and ``triage.json`` (hand-written: for
every survivor of the automated pass, ``{"key": {"verdict": "equivalent" | "new law" | ...,
"why": "..."}}``).  ``--check`` exits 1 if RESULTS.md is not what the inputs render.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["RESULTS", "main", "render"]

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
REGENERATE = "python -m tests.mutants.report"


def _load(name: str) -> Any:
    path = HERE / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _hand(doc: dict[str, Any]) -> list[str]:
    from tests.mutants.catalogue import MUTANTS

    rows = {r["name"]: r for r in doc["mutants"]}
    total = len(doc["mutants"])
    expected_hits = sum(1 for r in doc["mutants"] if r["killed_by_expected"])
    lines = [
        "## Hand-written mutants",
        "",
        f"`nnxspec mutants --profile {doc['profile']}`{' --full' if doc.get('full') else ''}: "
        f"**{doc['killed']} killed, {doc['survived']} survived** of {total} "
        f"({100 * doc['killed'] / max(total, 1):.0f}%); {expected_hits} killed by an expected law; "
        f"{doc['seconds']:.0f} s.",
        "",
        "Phase 1 runs the expected killers; the other laws run only when none of them kills "
        "(`--full` runs them all).  *examples* is `results.json`'s count for the killing law "
        "(examples until the failure, shrinking included); `error` marks a kill by an escaping "
        "exception rather than a law violation.",
        "",
        "| mutant | description | mechanism | expected | killed by (examples) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for m in MUTANTS:
        r = rows.get(m.name)
        if r is None:
            killed = "(not run)"
        else:
            genuine = [k for k in r["killers"] if k["genuine"]]
            killed = (
                ", ".join(
                    f"{k['law']} ({k['examples']}{', error' if k.get('kind') == 'error' else ''})"
                    for k in genuine
                )
                or "**SURVIVED**"
            )
        lines.append(
            f"| `{m.name}` | {_cell(m.description)} | {m.mechanism} | {' '.join(m.expected)} "
            f"| {killed} |"
        )
    return lines


def _auto(doc: dict[str, Any], triage: dict[str, Any]) -> list[str]:
    mutants = doc["mutants"]
    counts = Counter(r["status"] for r in mutants)
    by_module: dict[str, Counter[str]] = {}
    for r in mutants:
        by_module.setdefault(r["module"], Counter())[r["status"]] += 1
    lines = [
        "## Automated pass",
        "",
        f"`python -m tests.mutants.auto --profile {doc['profile']}` over "
        f"{', '.join(f'`{m}`' for m in doc['modules'])}: "
        f"{len(mutants)} AST mutants (comparison, boolean, `not`, constant, `+`/`-`, "
        "`break`/`continue` "
        f"and statement-deletion operators), each run against its module's law subset "
        f"until a genuine failure (a hang counts as killed); {doc['seconds']:.0f} s of "
        "worker time.  "
        "*incompetent*: the mutated module does not load; "
        + (
            f"*not run*: {counts['not run']} left when the session's time ran out."
            if counts["not run"]
            else "*not run*: none (every mutant ran; `--resume` continues a pass from its `--log`)."
        ),
        "",
        "| module | mutants | killed | survived | incompetent | not run |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for module, c in sorted(by_module.items()):
        lines.append(
            f"| `{module}` | {sum(c.values())} | {c['killed']} | {c['survived']} | "
            f"{c['incompetent']} | {c['not run']} |"
        )
    lines.append(
        f"| all | {len(mutants)} | {counts['killed']} | {counts['survived']} | "
        f"{counts['incompetent']} | {counts['not run']} |"
    )
    run_total = len(mutants) - counts["not run"] - counts["incompetent"]
    lines += [
        "",
        f"Kill rate over the mutants run (incompetent ones excluded): "
        f"{counts['killed']} / {run_total} = {100 * counts['killed'] / max(run_total, 1):.0f}%.",
    ]
    rerun = [r for r in mutants if r.get("first_pass") == "survived"]
    if rerun:
        lines += [
            "",
            "### First-pass survivors killed on the rerun "
            f"({sum(r['status'] == 'killed' for r in rerun)} of {len(rerun)})",
            "",
            "Every survivor of the first pass was run again, with the robustness laws included "
            f"(`--rob --only KEY ...`, {doc.get('rerun_seconds', 0):.0f} s), after the laws "
            "and checks "
            "its triage asked for were added: UPD-9 (a Variable type met for the first "
            "time), UPD-10 (raw "
            "arrays for leaves), UPD-11 (a shared node updated through two paths), PT-4 (a "
            "type registered "
            "with jax later), POP-5 (the first blocked place of a pop), ERR-11 / ERR-12 (a "
            "mapping for a "
            "Variable, a leaf for a subgraph in update), ROB-10's registered node types with "
            "unorderable "
            "keys and cycles closed after a graph node, and whole-path checks of errors for "
            "targets "
            "declaring `errors-carry-paths`.",
            "",
            "| mutant | change | killed by |",
            "| --- | --- | --- |",
        ]
        lines += [
            f"| `{r['key']}` | `{_cell(r['before'])}` → `{_cell(r['after'])}` | {r['law']} |"
            for r in rerun
            if r["status"] == "killed"
        ]
    survivors = [r for r in mutants if r["status"] == "survived"]
    verdicts = Counter(triage.get(r["key"], {}).get("verdict", "untriaged") for r in survivors)
    lines += [
        "",
        f"### Survivors ({len(survivors)}): "
        + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())),
        "",
        "Verdicts (`triage.json`): *equivalent*: behaviour provably unchanged; *equivalent "
        "in practice*: "
        "unchanged for every input the laws build; *unreached*: no law's inputs reach the changed "
        "behaviour (the why names an input that does); *killed with --rob*: the robustness laws, "
        "left out of this pass, kill it (`--rob --laws ROB-n`); *killed by a sharper check*: a law "
        "or adapter sharpened after the pass kills it (the why says which); *weak check "
        "(error path)*: an error "
        "law reaches it but checks too little; *gap*: a plain input shows wrong behaviour "
        "that no law "
        "checks (the why proposes the check).",
        "",
        "| mutant | change | verdict | why |",
        "| --- | --- | --- | --- |",
    ]
    for r in survivors:
        t = triage.get(r["key"], {})
        lines.append(
            f"| `{r['key']}` | `{_cell(r['before'])}` → `{_cell(r['after'])}` | "
            f"{t.get('verdict', '**untriaged**')} | {_cell(t.get('why', ''))} |"
        )
    return lines


def render() -> str:
    """Return RESULTS.md as the result files say."""
    lines = [
        "# Mutation results",
        "",
        f"Generated by `{REGENERATE}` from `tests/mutants/*.json`; do not edit by hand.",
        "",
    ]
    hand = _load("hand.json")
    if hand is not None:
        lines += [*_hand(hand), ""]
    auto = _load("auto.json")
    if auto is not None:
        lines += [*_auto(auto, _load("triage.json") or {}), ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.mutants.report", description=__doc__)
    p.add_argument("--check", action="store_true", help="exit 1 if RESULTS.md is stale")
    args = p.parse_args(argv)
    text = render()
    if args.check:
        current = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else ""
        if current != text:
            print(f"{RESULTS} is stale; run {REGENERATE}")
            return 1
        return 0
    RESULTS.write_text(text, encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
