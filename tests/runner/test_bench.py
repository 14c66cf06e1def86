"""Smoke tests of the ``nnxspec bench`` machinery on tiny graphs with one or two samples.

Nothing here asserts a time: performance is measured by the bench, never asserted by tests.
"""

from __future__ import annotations

import gc
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from spec.bench import driver, plot, report, shapes
from spec.bench.driver import Settings, TargetSpec, WorkerDied, WorkerProcess, parse_targets
from spec.bench.ops import OPS, py_flatten, py_unflatten, state_depth
from spec.bench.worker import Worker, serve
from spec.blueprint import ToNode, ToVar
from spec.runner import cli

TINY = Settings(
    shapes=("mlp-1", "ring-3"),
    ops=("split", "merge", "update", "hash-first", "hash", "tree"),
    rounds=2,
    budget=0.001,
    min_sample=0.0001,
    min_samples=1,
    max_samples=2,
    memory_shapes=("mlp-1",),
    timeout=300,
)


# --- shapes --------------------------------------------------------------------------------------


def test_mlp_blocks_hold_a_linear_and_a_batchnorm() -> None:
    bp = shapes.blueprint("mlp-10")
    assert len(bp.variables) == 60 and len(bp.nodes) == 31
    assert sorted(v.type for v in bp.variables[:6]) == [
        "BatchStat",
        "BatchStat",
        "Param",
        "Param",
        "Param",
        "Param",
    ]
    assert state_depth(bp) == 3


def test_wide_is_seeded_and_shares_about_a_tenth() -> None:
    bp = shapes.blueprint("wide-1k")
    assert bp == shapes.blueprint("wide-1k")
    refs = [e for _, _, e in bp.edges() if isinstance(e, ToVar)]
    assert len(refs) == 1000
    assert 0.05 < 1 - len(bp.variables) / len(refs) < 0.15
    assert state_depth(bp) == 2


def test_chain_and_ring_are_deep() -> None:
    chain = shapes.blueprint("chain-50")
    assert chain.depth() == 49 and state_depth(chain) == 50
    ring = shapes.blueprint("ring-5")
    assert ring.has_cycle and state_depth(ring) == 5
    assert (
        isinstance(ring.nodes[4].entries[0][1], ToNode) and ring.nodes[4].entries[0][1].index == 0
    )


@pytest.mark.parametrize("name", ["wide", "mlp-x", "tree-10", "ring-0", ""])
def test_bad_shape_names_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="shape"):
        shapes.parse_shape(name)


def test_k_means_thousands() -> None:
    assert shapes.parse_shape("wide-16k").size == 16_000
    assert set(shapes.DEFAULT_SHAPES) >= set(shapes.SCALING) | {
        "mlp-10",
        "mlp-50",
        "chain-100000",
        "ring-1000",
    }


# --- settings and target specs -------------------------------------------------------------------


def test_plan_keeps_samples_between_the_bounds() -> None:
    s = Settings(shapes=(), rounds=5, budget=1.0, min_samples=3, max_samples=60)
    assert s.plan(10.0) == (3, 1)  # slow: the minimum, one per round
    assert s.plan(1e-6) == (5, 12)  # fast: the maximum, spread over the rounds
    rounds, per_round = s.plan(0.1)
    assert rounds == 5 and rounds * per_round >= 10


def test_target_specs(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    found = parse_targets(f"reference, flax@{venv}")
    assert found == [TargetSpec("reference"), TargetSpec("flax", venv.resolve())]
    assert found[1].python == str(venv.resolve() / "bin" / "python")
    assert found[0].python == sys.executable
    with pytest.raises(ValueError, match="NAME@VENV"):
        parse_targets("flax@")
    with pytest.raises(ValueError, match="does not exist"):
        parse_targets(f"flax@{tmp_path / 'nothing'}")


# --- the worker, in process ----------------------------------------------------------------------


def _serve(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = io.StringIO()
    serve(Worker("reference"), io.StringIO("".join(json.dumps(r) + "\n" for r in requests)), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_worker_answers_every_request() -> None:
    hello, built, calibrated, timed, first, memory = _serve(
        [
            {"cmd": "hello"},
            {"cmd": "build", "shape": "mlp-1"},
            {"cmd": "calibrate", "shape": "mlp-1", "name": "split", "min_sample": 0.0001},
            {
                "cmd": "time",
                "shape": "mlp-1",
                "name": "split",
                "number": 2,
                "samples": 2,
                "gc": "disabled",
            },
            {"cmd": "time", "shape": "mlp-1", "name": "hash-first", "number": 1, "samples": 2},
            {"cmd": "memory", "shape": "mlp-1"},
            {"cmd": "quit"},
            {"cmd": "hello"},  # after quit: never answered
        ]
    )
    assert hello["ok"] and hello["target"] == "reference" and hello["jax"]
    assert built == {"ok": True, "leaves": 6, "depth": 3, "seconds": built["seconds"]}
    assert calibrated["ok"] and calibrated["number"] >= 1
    assert timed["ok"] and len(timed["samples"]) == 2 and all(s > 0 for s in timed["samples"])
    assert timed["full_collections"] == 0  # the collector is disabled during these samples
    assert first["ok"] and len(first["samples"]) == 2
    assert memory["ok"] and memory["peak_bytes"] > 0


def test_worker_errors_are_answers() -> None:
    unknown, deep, bad_op = _serve(
        [
            {"cmd": "fly"},
            {"cmd": "calibrate", "shape": "ring-1000", "name": "tree", "min_sample": 0.001},
            {"cmd": "calibrate", "shape": "mlp-1", "name": "nope", "min_sample": 0.001},
        ]
    )
    assert unknown == {"ok": False, "error": "ValueError", "message": "unknown request 'fly'"}
    assert (
        deep["ok"] is False
        and deep["error"] == "RecursionError"
        and "1000 levels deep" in deep["message"]
    )
    assert bad_op["ok"] is False and bad_op["error"] == "KeyError"


def test_every_op_runs_on_the_reference() -> None:
    w = Worker("reference")
    try:
        for name in OPS:
            reply = w.handle(
                {"cmd": "time", "shape": "mlp-1", "name": name, "number": 1, "samples": 1}
            )
            assert len(reply["samples"]) == 1, name
        assert gc.get_freeze_count() > 0  # the built graph (and all else) is frozen
    finally:
        w.close()
    assert gc.get_freeze_count() == 0


# --- the worker protocol over a subprocess of this environment -----------------------------------


def test_worker_process_round_trip() -> None:
    w = WorkerProcess(TargetSpec("reference"), timeout=300)
    try:
        info = w.start()
        assert info["ok"] and info["target"] == "reference" and info["executable"]
        assert w.request({"cmd": "build", "shape": "mlp-1"})["leaves"] == 6
        reply = w.request(
            {"cmd": "time", "shape": "mlp-1", "name": "merge", "number": 1, "samples": 2}
        )
        assert reply["ok"] and len(reply["samples"]) == 2
        assert w.request({"cmd": "build", "shape": "nope"})["error"] == "ValueError"
        assert w.process is not None
        w.process.kill()
        w.process.wait()
        with pytest.raises(WorkerDied) as died:
            w._read(5)
        assert died.value.error == "WorkerDied"
        assert w.request({"cmd": "hello"})["ok"]  # a dead worker is restarted on the next request
    finally:
        w.close()
    assert w.process is None


def test_worker_that_cannot_start() -> None:
    w = WorkerProcess(TargetSpec("no-such-target"), timeout=300)
    with pytest.raises(WorkerDied, match="unknown target"):
        w.start()
    assert w.process is None


# --- a whole run, its JSON and its report --------------------------------------------------------


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    lines: list[str] = []
    found = driver.run(
        [TargetSpec("reference"), TargetSpec("reference")],
        TINY,
        command="nnxspec bench (test)",
        progress=lines.append,
    )
    assert any(line.startswith("mlp-1:") for line in lines)
    return found


def test_results_shape(results: dict[str, Any]) -> None:
    assert results["schema"] == driver.SCHEMA
    label = "reference " + results["targets"][0]["version"]
    assert [t["label"] for t in results["targets"]] == [label, label + "'"]  # two of one target
    assert results["machine"]["cpu_count"] and "load_after" in results["machine"]
    assert [s["name"] for s in results["shapes"]] == ["mlp-1", "ring-3"]
    mlp = results["shapes"][0]
    assert mlp["leaves"] == 6 and set(mlp["ops"]) == set(TINY.ops)
    for label in report.labels(results):
        for op in TINY.ops:
            entry = mlp["ops"][op][label]
            assert (
                entry["n"] >= 1
                and entry["median_us"] > 0
                and len(entry["samples_us"]) == entry["n"]
            )
        assert mlp["memory"][label]["peak_bytes"] > 0
    assert results["shapes"][1]["memory"] == {}
    json.dumps(results)  # serialisable as is


def test_jit_ops_are_skipped_above_the_cap() -> None:
    settings = Settings(
        shapes=("mlp-1",),
        ops=("jit",),
        rounds=1,
        budget=0.001,
        min_samples=1,
        max_samples=1,
        jit_max_leaves=5,
        memory_shapes=(),
    )
    found = driver.run([TargetSpec("reference")], settings, progress=lambda _: None)
    (entry,) = found["shapes"][0]["ops"]["jit"].values()
    assert entry == {"skipped": "6 leaves > --jit-max-leaves 5"}


def test_markdown_report(results: dict[str, Any]) -> None:
    text = report.markdown(results, plot="bench.png")
    assert text.startswith("# Benchmarks\n") and "nnxspec bench (test)" in text
    assert "## Goals" in text and "## split + merge + update" in text and "### ring-3" in text
    assert "| `split` |" in text and "## Peak memory of split" in text
    assert "bench.png" not in text  # no scaling section without wide graphs


def _scaling_results(gc_mode: str) -> dict[str, Any]:
    """Two wide shapes whose s+m+u per Variable doubles while the floor's stays put."""

    def ops(us: float, full: float, leaves: int) -> dict[str, Any]:
        per = {"median_us": us, "full_collections_per_call": full / 3}
        return {
            **{op: {"ref": per} for op in report.SMU},
            "tree": {"ref": {"median_us": leaves / 100}},
        }

    return {
        "settings": {"gc": gc_mode},
        "shapes": [
            {"name": "wide-1k", "leaves": 1000, "ops": ops(100.0, 0.0, 1000)},
            {"name": "wide-256k", "leaves": 256000, "ops": ops(51200.0, 3.0, 256000)},
        ],
    }


def test_scaling_verdict_counts_full_collections() -> None:
    lines = report._scaling_verdict(_scaling_results("enabled"), "ref")
    assert "**missed**" in lines[0] and "ratio 2.000" in lines[0]
    assert lines[1].endswith("per s+m+u call: wide-1k 0.00, wide-256k 3.00")
    assert len(report._scaling_verdict(_scaling_results("disabled"), "ref")) == 1


def test_report_helpers() -> None:
    assert (
        report.fmt_us(1234.5) == "1,234"
        and report.fmt_us(12.34) == "12.3"
        and report.fmt_us(0.1234) == "0.123"
    )
    assert report.fmt_us(None) == "–"
    assert report.goal_for("flax 0.12.8") == 5.0 and report.goal_for("flax 0.10.3") == 2.0
    assert report.goal_for("reference 0.1.0") is None


def test_plot_degrades_without_matplotlib(results: dict[str, Any], tmp_path: Path) -> None:
    why = plot.plot(results, tmp_path / "p.png")
    if plot.available():
        assert why == "no wide-graph sizes with times to plot"
    else:
        assert why is not None and "matplotlib is not installed" in why
    assert not (tmp_path / "p.png").exists()


# --- the command ---------------------------------------------------------------------------------


def test_cli_writes_json_and_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_json, out_md = tmp_path / "b.json", tmp_path / "B.md"
    status = cli.main(
        [
            "bench",
            "--targets",
            "reference",
            "--shapes",
            "mlp-1",
            "--ops",
            "split,hash",
            "--rounds",
            "1",
            "--budget",
            "0.001",
            "--min-samples",
            "1",
            "--max-samples",
            "1",
            "--memory-shapes",
            "",
            "--json",
            str(out_json),
            "--markdown",
            str(out_md),
        ]
    )
    assert status == 0
    data = json.loads(out_json.read_text())
    assert data["schema"] == driver.SCHEMA and data["settings"]["ops"] == ["split", "hash"]
    assert "### mlp-1" in out_md.read_text()
    again = tmp_path / "again.md"
    assert cli.main(["bench", "--from-json", str(out_json), "--markdown", str(again)]) == 0
    assert again.read_text() == out_md.read_text()
    assert "report written" in capsys.readouterr().out


def test_cli_rejects_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bench", "--shapes", "blob-3"]) == 2
    assert cli.main(["bench", "--ops", "split,fly"]) == 2
    assert cli.main(["bench", "--targets", "flax@"]) == 2
    err = capsys.readouterr().err
    assert "unknown shape" in err and "unknown operations" in err and "NAME@VENV" in err


def test_checkout_is_on_the_worker_path() -> None:
    root = driver._checkout_root()
    assert root is not None and (root / "spec" / "bench" / "worker.py").is_file()
    assert os.path.samefile(root, Path(__file__).resolve().parents[2])


def test_python_floor_matches_jax() -> None:
    import jax

    tree = {"b": {"x": 1, "a": {"z": 2, "y": 3}}, "a": 4, "c": {"d": {"e": {"f": 5}}}}
    leaves, structure = py_flatten(tree)
    assert leaves == jax.tree_util.tree_leaves(tree)
    assert py_unflatten(structure, leaves) == tree
    deep: dict[str, Any] = {"p": 0}
    for i in range(1, 5000):  # far deeper than jax (or recursion) could go
        deep = {"c": deep, "p": i}
    leaves, structure = py_flatten(deep)
    assert len(leaves) == 5000 and py_flatten(py_unflatten(structure, leaves)) == (
        leaves,
        structure,
    )
