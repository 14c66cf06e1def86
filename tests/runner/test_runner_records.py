"""The results.json schema check, records and the report's table and closing line."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from spec.codec import JSON
from spec.runner import report
from spec.runner.records import LawRecord, schema_errors

GOOD: dict[str, object] = {
    "target": "reference",
    "target_version": "0.1",
    "jax": "0.10.2",
    "backends": ["cpu"],
    "profile": "dev",
    "laws": [
        {
            "id": "RT-1",
            "area": "round trip",
            "backend": None,
            "status": "pass",
            "examples": 12,
            "seconds": 0.5,
            "counterexample": None,
        },
        {
            "id": "BE-1",
            "area": "backends",
            "backend": "cpu",
            "status": "fail",
            "examples": 3,
            "seconds": 1,
            "counterexample": "vectors/BE-1_cpu.json",
        },
    ],
}


def test_a_conforming_document_has_no_errors() -> None:
    assert schema_errors(GOOD) == []


def test_every_departure_is_named() -> None:
    bad = copy.deepcopy(GOOD)
    del bad["jax"]
    bad["extra"] = 1
    laws = bad["laws"]
    assert isinstance(laws, list)
    laws = [dict(e) for e in laws]
    bad["laws"] = laws
    laws[0]["status"] = "passed"
    laws[0]["examples"] = True  # a bool is not an integer
    laws[1]["backend"] = 3
    errors = schema_errors(bad)
    assert "$: missing property 'jax'" in errors
    assert "$: unexpected property 'extra'" in errors
    assert any(e.startswith("$.laws[0].status") for e in errors)
    assert any(e.startswith("$.laws[0].examples") for e in errors)
    assert any(e.startswith("$.laws[1].backend") for e in errors)
    assert len(errors) == 5


def _results(records: tuple[LawRecord, ...]) -> report.Results:
    return report.Results(
        "reference", "0.1", "0.10.2", ("cpu", "gpu"), "dev", records, ("a warning",)
    )


def test_the_report_round_trips_and_orders_records(tmp_path: Path) -> None:
    vector: dict[str, JSON] = {
        "format": "nnxspec-vector/1",
        "reproducer": "print('hi')\n",
        "failure": {"diff": "d"},
    }
    records = (
        LawRecord("BE-1", "backends", "gpu", "xfail", 2, 0.1, vector=vector),
        LawRecord("BE-1", "backends", "cpu", "pass", 12, 0.2),
        LawRecord("ST-5", "state contents", None, "n/a", 0, 0.0, reason="lacks a capability"),
        LawRecord("RT-1", "round trip", None, "fail", 3, 0.3, vector=vector),
    )
    results = _results(report.ordered(records, ("cpu", "gpu")))
    assert [r.key for r in results.records] == ["RT-1", "ST-5", "BE-1@cpu", "BE-1@gpu"]
    written = report.write(tmp_path, results)
    doc = json.loads((tmp_path / "results.json").read_text())
    assert schema_errors(doc) == []
    assert [e["counterexample"] for e in doc["laws"]] == [
        "vectors/RT-1.json",
        None,
        None,
        "vectors/BE-1_gpu.json",
    ]
    assert (tmp_path / "vectors" / "BE-1_gpu.py").read_text() == "print('hi')\n"
    back = report.read(tmp_path)
    assert back.records[1].reason == "lacks a capability"
    assert back.warnings == ("a warning",)
    assert [r.status for r in back.records] == [r.status for r in written.records]
    assert "| RT-1 | round trip |  | FAIL |" in (tmp_path / "results.md").read_text()


def test_the_closing_line_counts_each_status() -> None:
    records = [
        LawRecord("A-1", "a", None, s, 1, 0.0)
        for s in ("pass", "pass", "fail", "n/a", "xfail", "xpass")
    ]
    assert report.closing_line(records) == "2 passed, 1 failed, 1 n/a, 1 xfailed, 1 xpassed"
    assert report.closing_line(records[:2]) == "2 passed, 0 failed"


def test_the_table_shows_status_examples_and_reasons() -> None:
    records = (
        LawRecord("ST-5", "state contents", None, "n/a", 0, 0.0, reason="lacks X"),
        LawRecord("RT-1", "round trip", None, "fail", 3, 1.25, counterexample="vectors/RT-1.json"),
    )
    lines = report.table(_results(records)).splitlines()
    assert lines[0].split() == ["law", "area", "backend", "status", "examples", "seconds"]
    assert lines[1].split() == ["ST-5", "state", "contents", "-", "n/a", "0", "0.00", "lacks", "X"]
    assert lines[2].split() == [
        "RT-1",
        "round",
        "trip",
        "-",
        "FAIL",
        "3",
        "1.25",
        "vectors/RT-1.json",
    ]
