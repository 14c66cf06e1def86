"""The automated pass's machinery: what it mutates, and that a mutant swapped into the live
reference takes effect everywhere and is undone exactly (the law runs themselves are not
repeated here: ``python -m tests.mutants.auto`` is a long run)."""

from __future__ import annotations

from reference import _registry
from reference._mappings import HashableMapping
from tests.mutants import auto


def test_every_module_with_functions_is_mutated() -> None:
    modules = {m.module for module in auto.MODULES for m in auto.mutations(module)}
    assert {"reference._flatten", "reference._unflatten", "reference._state"} <= modules
    # type aliases and a decorated marker class: no code inside functions
    assert set(auto.MODULES) - modules <= {"reference._typing", "reference._static"}


def test_only_code_run_by_functions_is_mutated() -> None:
    ms = auto.mutations("reference._tokens")
    assert ms and all(m.function and m.def_line <= m.line <= m.def_end for m in ms)
    assert not any(m.line < 30 for m in ms)  # the token numbers (module level) stay


def test_a_mutant_takes_effect_everywhere_and_is_undone() -> None:
    (m,) = [
        m
        for m in auto.mutations("reference._mappings")
        if m.function == "HashableMapping.__eq__" and m.operator == "cmp"
    ]
    a, b = HashableMapping({"x": 1}), HashableMapping({"x": 1})
    kinds = dict(_registry.KIND)
    assert a == b
    installed = auto._Installed(m)
    try:
        assert a != b  # the class's own method, as every caller sees it
        _registry.KIND[HashableMapping] = _registry.K_STATIC  # a cache the mutant filled
    finally:
        installed.undo()
    assert a == b
    assert dict(_registry.KIND) == kinds


def test_a_mutant_of_a_function_run_at_import_is_run_again_and_undone() -> None:
    (m,) = [
        m
        for m in auto.mutations("reference._registry")
        if m.function == "_register_builtins"
        and m.before.startswith("register_pytree_node_type(list")
    ]
    assert _registry.is_node_type(list)
    installed = auto._Installed(m)
    try:
        assert not _registry.is_node_type(list)  # the registration the mutant drops
        assert _registry.is_node_type(tuple) and _registry.is_node_type(dict)
    finally:
        installed.undo()
    assert _registry.is_node_type(list)
    assert _registry.kind_of([]) == _registry.K_PYTREE


def test_the_law_map_orders_laws_by_hits_per_second() -> None:
    m = auto.mutations("reference._mappings")[0]
    lawmap = {
        "laws": {
            "A-1": {"seconds": 1.0, "lines": {m.module: {str(m.line): 2}}},
            "B-1": {"seconds": 0.1, "lines": {m.module: {str(m.line): 1}}},
            "C-1": {"seconds": 0.1, "lines": {}},
        }
    }
    job = auto.plan(m, "dev", lawmap, 10.0)
    assert job.laws == ["B-1", "A-1"]
    assert all(limit >= 30.0 for limit in job.limits.values())


def test_a_survivor_is_rerun_against_each_new_round_of_laws_once() -> None:
    m = auto.mutations("reference._mappings")[0]
    line = {m.module: {str(m.line): 1}}
    lawmap = {
        "laws": {
            "A-1": {"seconds": 1.0, "lines": line},
            "N-1": {"seconds": 1.0, "lines": line, "added": True},
        }
    }
    survived: dict[str, object] = {"status": "survived", "law": None, "laws_run": 1}
    done = {
        (m.key, "dev"): {**survived, "phase": "dev"},
        (m.key, "ci"): {**survived, "phase": "ci"},
    }
    assert [j.laws for j in auto._jobs([m], "rerun", done, lawmap, 10.0, None)] == [["N-1"]]
    done[(m.key, "rerun")] = {**survived, "phase": "rerun", "laws": ["N-1"]}
    assert auto._jobs([m], "rerun", done, lawmap, 10.0, None) == []  # done for this round
    lawmap["laws"]["A-1"]["added"] = True  # a later round of new laws
    assert [j.laws for j in auto._jobs([m], "rerun", done, lawmap, 10.0, None)] == [["A-1", "N-1"]]
    done[(m.key, "rerun")] = {
        **survived,
        "phase": "rerun",
        "laws": ["A-1", "N-1"],
        "rounds": {"A-1": True, "N-1": True},
    }
    assert auto._jobs([m], "rerun", done, lawmap, 10.0, None) == []
    lawmap["laws"]["N-1"]["added"] = "2026-12-02T22:00:00Z"  # N-1 changed and traced again
    assert [j.laws for j in auto._jobs([m], "rerun", done, lawmap, 10.0, None)] == [["A-1", "N-1"]]
    done[(m.key, "rerun")] = {**survived, "phase": "rerun", "status": "killed", "law": "N-1"}
    assert auto._jobs([m], "rerun", done, lawmap, 10.0, None) == []  # killed: never again


def test_phase_named_runs_a_final_survivor_against_the_laws_given() -> None:
    m = auto.mutations("reference._mappings")[0]
    lawmap = {"laws": {"A-1": {"seconds": 1.0, "lines": {}}, "B-1": {"seconds": 2.0, "lines": {}}}}
    survived: dict[str, object] = {"status": "survived", "law": None, "laws_run": 1}
    done = {
        (m.key, "dev"): {**survived, "phase": "dev"},
        (m.key, "ci"): {**survived, "phase": "ci"},
    }
    jobs = [
        auto._named(j, ["B-1"], lawmap, 10.0)
        for j in auto._jobs([m], "named", done, lawmap, 10.0, None)
    ]
    assert [(j.phase, j.laws) for j in jobs] == [("named", ["B-1"])]  # no law runs its line
    done[(m.key, "named")] = {**survived, "phase": "named", "status": "killed", "law": "B-1"}
    assert auto.final(m, done)["law"] == "B-1"
    assert auto._jobs([m], "named", done, lawmap, 10.0, None) == []  # killed: never again


def test_dev_recheck_reruns_a_later_kill_under_dev_against_its_law_only() -> None:
    m = auto.mutations("reference._mappings")[0]
    lawmap = {"laws": {"A-1": {"seconds": 1.0, "lines": {}}, "B-1": {"seconds": 2.0, "lines": {}}}}
    survived: dict[str, object] = {"status": "survived", "law": None, "laws_run": 1}
    done = {
        (m.key, "dev"): {**survived, "phase": "dev"},
        (m.key, "ci"): {**survived, "phase": "ci", "status": "killed", "law": "B-1"},
    }
    jobs = auto._jobs([m], auto.DEV_RECHECK, done, lawmap, 10.0, None)
    assert [(j.phase, j.laws, j.profile) for j in jobs] == [
        (auto.DEV_RECHECK, ["B-1"], "dev-fixed")
    ]
    done[(m.key, auto.DEV_RECHECK)] = {**survived, "phase": auto.DEV_RECHECK}
    assert auto.final(m, done)["status"] == "killed"  # a recheck never changes the result
    assert auto._jobs([m], auto.DEV_RECHECK, done, lawmap, 10.0, None) == []  # done
    done = {(m.key, "dev"): {**survived, "phase": "dev", "status": "killed", "law": "A-1"}}
    assert auto._jobs([m], auto.DEV_RECHECK, done, lawmap, 10.0, None) == []  # dev's own kill


def test_a_worker_that_outgrows_its_memory_cap_gets_a_memory_error() -> None:
    import subprocess
    import sys

    code = (
        "from tests.mutants import auto\n"
        "auto._cap_memory(1.0)\n"
        "try:\n"
        "    block = bytearray(2 << 30)\n"
        "except MemoryError:\n"
        "    print('capped')\n"
        "else:\n"
        "    print('not capped')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "capped"
