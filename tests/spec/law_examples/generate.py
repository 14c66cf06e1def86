"""Find and freeze the law examples of ``tests/spec/test_law_examples.py`` (run by hand).

    PYTHONPATH=. python tests/spec/law_examples/generate.py [--from DIR] [LAW ...]

For each law (or the ones named) without an example file yet: with ``--from DIR`` (the
``--workdir`` of an ``nnxspec mutants`` run) the minimal failing cases the suite found against
the mutants are tried first (violations only, smallest first); otherwise, or if none fits, a
failing example is searched with Hypothesis against a mutant that should break it
(``FAIL_TARGETS``, else the catalogue's mutants expecting to kill the law), counting only a
``LawViolation`` raised by the law's checker (crashes are skipped), and shrunk; the same case must
pass on the reference (or, for laws the reference's capabilities exclude, on the toy of
``PASS_TARGETS``).  Laws without drawn inputs use their fixed case (the robustness laws at a small
``scale``).  Existing files are overwritten.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from hypothesis import HealthCheck, given, reject, settings  # noqa: E402
from test_law_examples import target  # type: ignore[import-not-found]  # noqa: E402

import strategies  # noqa: E402
from spec.errors import LawViolation, NotApplicable  # noqa: E402
from spec.laws import FIXED_CASE, LAWS, Case, Law  # noqa: E402
from tests.mutants.catalogue import MUTANTS  # noqa: E402

PASS_TARGETS = {
    "ST-5": "toy:live_state",
    "RT-6": "toy:live_reuse",
    "CALL-3": "toy:live_reuse",
    "CALL-4": "toy:live_reuse",
    "UPD-8": "toy:mutable_dicts",
    "POP-4": "toy:mutable_dicts",
    "FS-1": "toy:flat_state",
    "FS-2": "toy:flat_state",
    "JIT-4": "toy:cached_partial",
}
FAIL_TARGETS = {
    "RT-1": ["mutant:forget_noderef"],
    "RT-3": ["mutant:forget_noderef"],
    "PT-3": ["mutant:forget_noderef"],
    "STAT-2": ["mutant:forget_noderef"],
    "JIT-1": ["mutant:forget_noderef"],
    "BE-1": ["mutant:forget_noderef"],
    "BE-2": ["mutant:step4_no_clear"],
    "CYC-1": ["mutant:index_off_by_one"],
    "CYC-2": ["mutant:back_refs_become_fresh_nodes"],
    "CL-1": ["mutant:back_refs_become_fresh_nodes"],
    "UPD-3": ["mutant:update_only_one_alias"],
    "UPD-4": ["mutant:update_only_one_alias"],
    "GD-3": ["mutant:hash_ignores_statics"],
    "JIT-2": ["mutant:hash_ignores_statics"],
    "ST-5": ["toy:claims_live"],
    "ROB-1": ["mutant:size_capped_flatten"],
    "ROB-2": ["mutant:size_capped_flatten"],
    "ROB-3": ["mutant:size_capped_flatten"],
    "RT-6": ["toy:claims_live_reuse"],
    "CALL-3": ["toy:claims_live_reuse"],
    "CALL-4": ["toy:claims_live_reuse"],
    "ROB-4": ["mutant:pop_keeps_variables", "mutant:iter_graph_pre_order"],
    "ROB-5": ["mutant:step4_new_outer_objects"],
    "ROB-6": ["mutant:context_maps_not_cleared"],
    "ROB-7": ["mutant:split_leaks_graphdefs"],
    "ROB-8": [
        "mutant:merge_ignores_unknown_keys",
        "mutant:merge_by_position",
        "mutant:merge_invents_missing_leaves",
    ],
    "ROB-9": ["mutant:update_non_atomic", "mutant:update_drops_new_keys"],
    "ROB-13": ["mutant:arrays_static"],
    "ROB-14": ["mutant:unhashable_error_unnamed"],
    "ROB-15": ["toy:str_int_keys_only"],
    "ROB-16": ["toy:seed_graph_errors"],
    "ROB-17": ["toy:seed_graph_errors"],
    "ROB-18": ["toy:seed_graph_errors"],
    "ROB-19": ["toy:seed_graph_errors"],
    "ROB-11": [
        "mutant:one_is_true",
        "mutant:catch_all_order_unchecked",
        "mutant:nonexhaustive_split_silent",
    ],
    "ROB-12": ["mutant:context_order_unchecked"],
    "UPD-8": ["toy:dict_keys_dropped"],
    "POP-4": ["toy:mutable_dicts_pop_keeps"],
    "FS-1": ["toy:flat_state_by_position"],
    "FS-2": ["toy:flat_state_by_position"],
    "MD-1": ["toy:shared_metadata"],
    "ERR-13": [
        "mutant:merge_ignores_unknown_keys",
        "mutant:merge_by_position",
        "mutant:merge_invents_missing_leaves",
    ],
    "ERR-14": ["mutant:arrays_static", "mutant:unhashable_error_unnamed"],
    "ERR-15": ["mutant:contexts_live_on_after_exit"],
    "ERR-16": [
        "mutant:catch_all_order_unchecked",
        "mutant:one_is_true",
        "mutant:nonexhaustive_split_silent",
    ],
    "OWN-1": ["mutant:split_shares_metadata"],
    "OWN-3": ["mutant:merge_shares_metadata"],
    "OWN-4": ["mutant:update_shares_metadata"],
    "OWN-5": ["toy:pop_keeps_live"],
    "OWN-6": ["mutant:clone_shares_variables"],
    "OWN-7": ["mutant:leaves_share_metadata"],
    "OWN-8": ["mutant:merge_shares_metadata"],
    "MD-2": ["toy:insertion_order"],
    "EQ-1": ["mutant:graphdef_statics_by_identity", "mutant:graphdef_keys_as_strings"],
    "EQ-2": ["toy:insertion_order"],
    "EQ-3": ["mutant:state_hashable_by_identity"],
    "FLT-8": ["mutant:combinators_remember_paths"],
    "FLT-9": ["mutant:not_is_type_only"],
    "GD-5": ["toy:pop_remembers"],
    "JIT-4": ["toy:cached_partial_on_clone"],
    "UCTX-9": ["toy:step4_needs_inside"],
    "CTX-3": [
        "mutant:split_context_fresh_refmap",
        "mutant:merge_context_ref_copies",
        "toy:unties_variables",
    ],
}
SCALES = {"ROB-1": 0.01, "ROB-2": 0.02, "ROB-3": 0.01, "ROB-4": 0.01, "ROB-5": 0.01, "ROB-7": 0.01}


def _candidates(law: Law) -> list[str]:
    out = list(FAIL_TARGETS.get(law.id, []))
    out += [
        f"mutant:{m.name}"
        for m in MUTANTS
        if law.id in m.expected and f"mutant:{m.name}" not in out
    ]
    return out


def _on(law: Law, case: Case) -> Case:
    return dataclasses.replace(case, backend="cpu") if law.per_backend else case


def _search(law: Law, spec: str) -> tuple[Case, str] | None:
    """Return a minimal case on which ``law`` raises LawViolation on ``spec``'s target."""
    found: list[tuple[Case, str]] = []
    with target(spec) as t:
        if law.fixed:
            case = dataclasses.replace(
                FIXED_CASE,
                scale=SCALES.get(law.id, 1.0),
                backend="cpu" if law.per_backend else None,
            )
            try:
                law.run(t, case)
            except LawViolation as e:
                return case, e.diff
            return None

        @settings(
            max_examples=150,
            derandomize=True,
            database=None,
            deadline=None,
            report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck),
        )
        @given(strategies.cases(law.inputs))
        def search(case: Case) -> None:
            case = _on(law, case)
            try:
                law.run(t, case)
            except LawViolation as e:
                found.append((case, e.diff))
                raise
            except (NotApplicable, Exception):
                reject()

        try:
            search()
        except LawViolation:
            pass
        except Exception as e:  # Unsatisfiable and the like: no example here
            print(f"  {law.id} on {spec}: {type(e).__name__}", flush=True)
    return found[-1] if found else None


def _passes(law: Law, spec: str, case: Case) -> bool:
    with target(spec) as t:
        try:
            law.run(t, case)
        except Exception as e:
            print(
                f"  {law.id}: the failing case does not pass on {spec}: {type(e).__name__}: "
                f"{str(e)[:200]}",
                flush=True,
            )
            return False
    return True


def _harvested(law: Law, folder: Path | None) -> list[tuple[str, Case]]:
    """The violation vectors of ``law`` in an ``nnxspec mutants`` work folder, smallest first."""
    if folder is None:
        return []
    found = []
    for vector in folder.glob(f"*/phase*/vectors/{law.id}*.json"):
        data = json.loads(vector.read_text(encoding="utf-8"))
        if data.get("law") == law.id and data.get("failure", {}).get("kind") == "violation":
            mutant = vector.parents[2].name
            found.append(
                (len(json.dumps(data["case"])), f"mutant:{mutant}", Case.from_data(data["case"]))
            )
    return [(spec, case) for _, spec, case in sorted(found, key=lambda item: (item[0], item[1]))]


def _check(law: Law, spec: str, case: Case) -> str | None:
    """Return the LawViolation's diff if ``law`` breaks on ``spec`` with ``case``."""
    with target(spec) as t:
        try:
            law.run(t, case)
        except LawViolation as e:
            return e.diff
        except Exception:
            return None
    return None


def generate(law: Law, folder: Path | None = None) -> dict[str, Any] | None:
    pass_spec = PASS_TARGETS.get(law.id, "reference")
    for spec, case in _harvested(law, folder)[:5]:
        message = _check(law, spec, case)
        if message is not None and _passes(law, pass_spec, case):
            return {
                "law": law.id,
                "pass": [{"target": pass_spec, "case": case.to_data()}],
                "fail": [{"target": spec, "case": case.to_data(), "message": message}],
            }
    for spec in _candidates(law):
        result = _search(law, spec)
        if result is None:
            print(f"  {law.id}: no LawViolation found on {spec}", flush=True)
            continue
        case, message = result
        if not _passes(law, pass_spec, case):
            continue
        return {
            "law": law.id,
            "pass": [{"target": pass_spec, "case": case.to_data()}],
            "fail": [{"target": spec, "case": case.to_data(), "message": message}],
        }
    return None


def main(argv: list[str]) -> int:
    folder = None
    if argv[:1] == ["--from"]:
        folder, argv = Path(argv[1]), argv[2:]
    missing = []
    for law in LAWS:
        if (argv and law.id not in argv) or (not argv and (HERE / f"{law.id}.json").is_file()):
            continue
        data = generate(law, folder)
        if data is None:
            missing.append(law.id)
            print(f"{law.id}: NO EXAMPLE", flush=True)
            continue
        (HERE / f"{law.id}.json").write_text(
            json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        print(f"{law.id}: fail on {data['fail'][0]['target']}", flush=True)
    print(f"{len(missing)} law(s) without examples: {' '.join(missing)}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
