"""Render ``tests/mutants/RESULTS.md`` from the committed result files.

    python -m tests.mutants.report [--check]

Inputs (beside this module): ``hand.json`` (``nnxspec mutants --json``), ``hand-dev.json``
(the same under ``--profile dev``: how much of ``ci``'s power the smoke test keeps),
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
            f"| `{m.name}` | {_cell(m.description)} | {m.mechanism} | "
            f"{' '.join(m.expected)} | {killed} |"
        )
    return lines


_STATUS = (
    "killed",
    "timeout",
    "crash",
    "survived",
    "unreached",
    "incompetent",
    "pending",
    "not run",
)
KILLED = ("killed", "timeout", "crash")
EQUIVALENT = ("equivalent", "runs at import")
OUTSIDE = ("outside the laws",)


def triage_for(r: dict[str, Any], triage: dict[str, Any]) -> dict[str, Any]:
    """A survivor's triage: its own entry, else its function's (``fn:<module>:<function>``)."""
    return triage.get(r["key"]) or triage.get(f"fn:{r['module']}:{r.get('function')}") or {}


def _rates(rows: list[dict[str, Any]], triage: dict[str, Any]) -> dict[str, int]:
    c: Counter[str] = Counter()
    for r in rows:
        c[r["status"]] += 1
        if r["status"] in KILLED:
            c[f"killed by {r.get('phase')}"] += 1
        if r["status"] in ("survived", "unreached", "pending"):
            c[triage_for(r, triage).get("verdict", "untriaged")] += 1
    c["killed all"] = sum(c[s] for s in KILLED)
    c["ran"] = len(rows) - c["incompetent"] - c["not run"]  # a pending one counts as a survivor
    c["non-equivalent"] = c["ran"] - sum(c[v] for v in EQUIVALENT)
    c["equivalent all"] = sum(c[v] for v in EQUIVALENT)
    c["specified"] = c["non-equivalent"] - sum(c[v] for v in OUTSIDE)
    return c


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def _module_table(mutants: list[dict[str, Any]], triage: dict[str, Any]) -> list[str]:
    by_module: dict[str, list[dict[str, Any]]] = {}
    for r in mutants:
        by_module.setdefault(r["module"], []).append(r)
    lines = [
        "| module | mutants | killed (dev) | killed (ci) | killed (rerun) "
        "| of which timeout / crash | survived | unreached | equivalent | outside the laws "
        "| incompetent | pending | not run | killed / non-equivalent | killed / specified |",
        "| --- " * 16 + "|",
    ]
    for module, rows in [*sorted(by_module.items()), ("all", mutants)]:
        c = _rates(rows, triage)
        name = f"`{module}`" if module != "all" else "**all**"
        ci_kills = c["killed by ci"] + c["killed by wide"] + c["killed by named"]
        lines.append(
            f"| {name} | {len(rows)} | {c['killed by dev']} | {ci_kills} | "
            f"{c['killed by rerun']} | {c['timeout']} / {c['crash']} | {c['survived']} | "
            f"{c['unreached']} | {c['equivalent all']} | {c['outside the laws']} | "
            f"{c['incompetent']} | "
            f"{c['pending']} | {c['not run']} | {_pct(c['killed all'], c['non-equivalent'])} | "
            f"{_pct(c['killed all'], c['specified'])} |"
        )
    return lines


def _stale_modules() -> list[str]:
    """The reference modules whose source differs from the one the law map was traced on."""
    from tests.mutants.auto import source_digest

    lawmap = _load("lawmap.json") or {}
    sources: dict[str, str] = lawmap.get("sources", {})
    return [m for m, digest in sorted(sources.items()) if source_digest(m) != digest]


def _auto(doc: dict[str, Any], triage: dict[str, Any]) -> list[str]:
    mutants = doc["mutants"]
    c = _rates(mutants, triage)
    killers = Counter(r["law"] for r in mutants if r["status"] == "killed" and r.get("law"))
    lines = [
        "## Automated pass",
        "",
        f"`python -m tests.mutants.auto` over every module of `reference` ({len(doc['modules'])} "
        f"modules with code in functions): {len(mutants)} AST mutants (comparison, boolean, `not`, "
        "constant, `+`/`-`, `break`/`continue` and statement-deletion operators, inside functions "
        "and methods). Each is swapped into the live function and run against the laws that run "
        f"its line (`tests/mutants/lawmap.json`, traced under `{doc['lawmap']['profile']}`, the "
        "most hits per second first): first under `dev` (derandomized), then each survivor under "
        "`ci`. A kill is a failure whose failing case passes on the reference. "
        f"{doc['seconds']:.0f} s of worker time in all.",
        "",
        f"**Killed under ci: {c['killed all']} of {c['non-equivalent']} non-equivalent mutants "
        f"({_pct(c['killed all'], c['non-equivalent'])})**; of the {c['specified']} in code some "
        f"law specifies (not *outside the laws*): {_pct(c['killed all'], c['specified'])}.  "
        "*killed (dev)*: by the first phase; *killed (ci)*: survived `dev`, killed under `ci` (by "
        "one of the first 6 laws, in phase `wide` by a law past that cap, or in phase `named` by "
        "a law named by hand that the law map does not rank for the line); "
        "*killed (rerun)*: survived both, killed when rerun against laws added later (named "
        "below); *timeout*: a law ran past its limit (a hang); *crash*: the worker process died; "
        "*unreached*: no law runs the mutated line; *incompetent*: the mutant does not compile or "
        "install; *pending*: survived `dev`, `ci` not run yet.",
        "",
        *[line for note in doc.get("notes", []) for line in (note, "")],
        *_module_table(mutants, triage),
        "",
        "First killers: " + ", ".join(f"{law} {n}" for law, n in killers.most_common(20)) + ".",
    ]
    stale = _stale_modules()
    if stale:
        lines += [
            "",
            "**Stale for " + ", ".join(f"`{m}`" for m in stale) + ".** Their source changed "
            "after this pass measured them (the law map's digests differ): their rows describe "
            "the earlier code; rerun the pass for them (`--modules`, after "
            "`python -m tests.mutants.lawmap`).",
        ]
    rerun = [r for r in mutants if r["status"] in KILLED and r.get("phase") == "rerun"]
    if rerun:
        lines += [
            "",
            f"### Survivors killed by laws added after the first run ({len(rerun)})",
            "",
            "| mutant | function | change | killed by |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| `{r['key']}` | `{r.get('function', '')}` | `{_cell(r['before'])}` → "
            f"`{_cell(r['after'])}` | {r['law']} |"
            for r in rerun
        ]
    survivors = [r for r in mutants if r["status"] in ("survived", "unreached", "pending")]
    verdicts = Counter(triage_for(r, triage).get("verdict", "untriaged") for r in survivors)
    lines += [
        "",
        f"### Survivors ({len(survivors)}): "
        + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())),
        "",
        "Verdicts (`triage.json`, by mutant key or for a whole function as `fn:<module>:<name>`): "
        "*equivalent*: behaviour provably unchanged; *runs at import*: the function runs only "
        "while the reference is imported, so a mutant swapped in later never runs (counted with "
        "the equivalent ones); *outside the laws*: code no law specifies "
        "(reprs, conveniences beyond the graph semantics; the reference's own tests cover it), "
        "not counted in the second rate; *new law*: a plain input shows wrong behaviour that no "
        "law checks (the why proposes the law); *sharper check*: a law reaches it but checks too "
        "little (the why says what to check).",
        "",
        "| mutant | function | change | status | verdict | why |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in survivors:
        t = triage_for(r, triage)
        lines.append(
            f"| `{r['key']}` | `{r.get('function', '')}` | `{_cell(r['before'])}` → "
            f"`{_cell(r['after'])}` | {r['status']} | {t.get('verdict', '**untriaged**')} | "
            f"{_cell(t.get('why', ''))} |"
        )
    return lines


def _dev_vs_ci(dev: dict[str, Any], ci: dict[str, Any]) -> list[str]:
    """Which of the mutants ``ci`` kills ``dev`` kills too (over the mutants both ran)."""
    dev_rows = {r["name"]: r for r in dev["mutants"]}
    both = [r for r in ci["mutants"] if r["name"] in dev_rows]
    ci_kills = [r["name"] for r in both if r["status"] == "killed"]
    dev_kills = [n for n in ci_kills if dev_rows[n]["status"] == "killed"]
    missed = sorted(set(ci_kills) - set(dev_kills))
    return [
        "## dev against ci",
        "",
        f"`nnxspec mutants --profile dev` (`hand-dev.json`, {dev['seconds']:.0f} s) kills "
        f"**{len(dev_kills)} of the {len(ci_kills)}** mutants `ci` kills "
        f"({_pct(len(dev_kills), len(ci_kills))}), over the {len(both)} both ran; "
        f"{dev['killed']} of its {len(dev['mutants'])} in all.  `dev` draws at random, so a "
        "rerun may differ by a mutant or two.",
        "",
        f"Killed by `ci` only: {', '.join(missed) or 'none'}.",
    ]


def _auto_dev_vs_ci(auto: dict[str, Any]) -> list[str]:
    """The automated pass's kills as ``dev`` finds them: its own phase, then ``dev-recheck``."""
    kills = [m for m in auto["mutants"] if m["status"] in ("killed", "timeout", "crash")]
    first = [m for m in kills if m.get("phase") == "dev"]
    later = [m for m in kills if m.get("phase") != "dev"]
    rechecked = [m for m in later if "dev_recheck" in m]
    found = [m for m in rechecked if m["dev_recheck"] == "killed"]
    missed = sorted(f"`{m['key']}` ({m['law']})" for m in rechecked if m not in found)
    unrun = len(later) - len(rechecked)
    return [
        f"Automated pass: `dev` killed {len(first)} of the {len(kills)} mutants killed in all in"
        f" its own phase; `--phase dev-recheck` ran the {len(rechecked)} that a later phase"
        f" killed by a law's failure under `dev` against that law, and {len(found)} were"
        f" killed: `dev` kills **{len(first) + len(found)} of the {len(kills)}**"
        f" ({_pct(len(first) + len(found), len(kills))}); {unrun} not rechecked (a kill by"
        " timeout or crash has no law to rerun, or the phase has not run yet).",
        "",
        f"Killed under `ci` only: {', '.join(missed) or 'none'}.",
    ]


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
    dev = _load("hand-dev.json")
    if dev is not None and hand is not None:
        lines += [*_dev_vs_ci(dev, hand), ""]
    auto = _load("auto.json")
    if auto is not None:
        lines += [*_auto_dev_vs_ci(auto), ""]
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
