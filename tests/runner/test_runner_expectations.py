"""Expectations files: the TOML subset, lookups, warnings, and how they turn verdicts into
xfail / xpass."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from spec.laws import LAWS
from spec.runner import expectations
from spec.runner.expectations import Expectation, Expectations, ExpectationsError
from spec.runner.records import final_status

TEXT = '''# flax 0.12: known failures
target = "flax"

[ST-4]
reason = "state() returns live Variables since 0.11"  # a comment after a value
link = "https://example.org/issues/1"

["BE-1@gpu"]
reason = 'a "quoted" word and a # that is not a comment'
link = ""

['NOPE-1']
reason = "an entry that matches no law"
'''


def test_the_subset_parser_agrees_with_tomllib() -> None:
    subset = expectations.parse_subset(TEXT)
    assert subset["ST-4"] == {"reason": "state() returns live Variables since 0.11",
                              "link": "https://example.org/issues/1"}
    assert subset["BE-1@gpu"] == {"reason": 'a "quoted" word and a # that is not a comment', "link": ""}
    assert subset["target"] == "flax"
    if sys.version_info >= (3, 11):
        import tomllib

        assert subset == tomllib.loads(TEXT)


def test_the_subset_parser_names_the_line_at_fault() -> None:
    with pytest.raises(ExpectationsError, match=r"x\.toml:3"):
        expectations.parse_subset('[ST-4]\nreason = "ok"\nreason2 = unquoted\n', "x.toml")
    with pytest.raises(ExpectationsError, match="defined twice"):
        expectations.parse_subset("[ST-4]\n[ST-4]\n")
    with pytest.raises(ExpectationsError, match=r"expected '\[law\]'"):
        expectations.parse_subset("what is this\n")


def test_parse_reads_entries_with_optional_backends() -> None:
    e = expectations.parse(TEXT)
    assert [x.key for x in e.entries] == ["ST-4", "BE-1@gpu", "NOPE-1"]
    assert e.entries[0] == Expectation("ST-4", None, "state() returns live Variables since 0.11",
                                       "https://example.org/issues/1")
    with pytest.raises(ExpectationsError, match="unknown keys"):
        expectations.parse('[ST-4]\nreason = "x"\nlnk = "typo"\n')


def test_lookup_prefers_the_backend_entry() -> None:
    e = Expectations((Expectation("BE-1", None, "everywhere", ""), Expectation("BE-1", "gpu", "gpu only", "")))
    assert e.lookup("BE-1", "gpu") == e.entries[1]
    assert e.lookup("BE-1", "cpu") == e.entries[0]
    assert e.lookup("BE-2", "cpu") is None


def test_entries_that_match_nothing_warn() -> None:
    e = expectations.parse(TEXT)
    warnings = e.warnings(LAWS)
    assert any("'NOPE-1'" in w and "matches no law" in w for w in warnings)
    assert not any("ST-4" in w or "BE-1@gpu" in w for w in warnings)  # BE-1 is per-backend
    bad = Expectations((Expectation("ST-1", "gpu", "x", ""), Expectation("ST-2", None, "", "")))
    assert [w.split(" ")[1] for w in bad.warnings(LAWS)] == ["'ST-1@gpu'", "'ST-2'"]


def test_load_reads_a_file_and_none_means_no_expectations(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(TEXT, encoding="utf-8")
    assert len(expectations.load(path).entries) == 3
    assert expectations.load(None).entries == ()
    with pytest.raises(ExpectationsError, match="cannot read"):
        expectations.load(tmp_path / "missing.toml")


def test_verdicts_become_xfail_and_xpass_only_when_expected() -> None:
    assert final_status("fail", True) == "xfail"
    assert final_status("pass", True) == "xpass"
    assert final_status("n/a", True) == "n/a"
    assert [final_status(v, False) for v in ("pass", "fail", "n/a")] == ["pass", "fail", "n/a"]


def test_shipped_expectations_are_found_and_match_laws() -> None:
    import spec.targets

    folder = Path(spec.targets.__file__).with_name("expectations")
    shipped = sorted(folder.glob("*.toml"))
    for path in shipped:
        name, _, version = path.stem.partition("-")
        assert expectations.default_path(name, version) == path
        e = expectations.load(path)
        assert e.entries, f"{path} has no entries"
        assert e.warnings(LAWS) == [], f"{path} has entries that match no law"
    assert expectations.default_path("no-such-target", "1") is None
