"""Expectations files: parsing, profiles, the target they name, lookups, warnings, and how they
turn verdicts into xfail / xpass."""

from __future__ import annotations

from pathlib import Path

import pytest

from spec.laws import LAWS
from spec.runner import expectations
from spec.runner.expectations import Expectation, Expectations, ExpectationsError
from spec.runner.records import final_status

TEXT = """# flax 0.12: known failures
target = "flax"

[ST-4]
reason = "state() returns live Variables since 0.11"  # a comment after a value
link = "https://example.org/issues/1"

["BE-1@gpu"]
reason = 'a "quoted" word and a # that is not a comment'
link = ""

['NOPE-1']
reason = "an entry that matches no law"
"""


def test_parse_reads_toml_and_names_the_line_at_fault() -> None:
    e = expectations.parse(TEXT)
    assert e.target == "flax"
    assert e.entries[1].reason == 'a "quoted" word and a # that is not a comment'
    with pytest.raises(ExpectationsError, match=r"x\.toml: .*line 3"):
        expectations.parse('[ST-4]\nreason = "ok"\nreason2 = unquoted\n', "x.toml")
    with pytest.raises(ExpectationsError):
        expectations.parse("[ST-4]\n[ST-4]\n")
    with pytest.raises(ExpectationsError, match="profiles must be a list"):
        expectations.parse('[ST-4]\nreason = "x"\nprofiles = "ci"\n')


def test_profiles_say_where_a_failure_shows() -> None:
    e = expectations.parse(
        'target = "t"\n[ROB-11]\nreason = "at scale"\nprofiles = ["ci", "thorough"]\n'
    )
    entry = e.entries[0]
    assert entry.profiles == ("ci", "thorough")
    assert entry.pass_allowed("dev") and not entry.pass_allowed("ci")
    assert final_status("pass", True, pass_allowed=entry.pass_allowed("dev")) == "pass"
    assert final_status("pass", True, pass_allowed=entry.pass_allowed("ci")) == "xpass"
    assert final_status("fail", True, pass_allowed=entry.pass_allowed("dev")) == "xfail"
    assert not Expectation("ST-4", None, "x", "").pass_allowed("dev")
    bad = expectations.parse('target = "t"\n[ST-4]\nreason = "x"\nprofiles = ["big"]\n')
    assert bad.warnings(LAWS, "t") == ["expectation 'ST-4' names unknown profiles ['big']"]


def test_a_file_made_for_another_target_warns() -> None:
    e = expectations.parse(TEXT)
    assert any(
        "made for target 'flax', but this run checks 'reference'" in w
        for w in e.warnings(LAWS, "reference")
    )
    assert not any("made for" in w for w in e.warnings(LAWS, "flax"))
    unnamed = expectations.parse('[ST-4]\nreason = "x"\n')
    assert any("names no target" in w for w in unnamed.warnings(LAWS, "flax"))
    assert unnamed.warnings(LAWS) == []


def test_parse_reads_entries_with_optional_backends() -> None:
    e = expectations.parse(TEXT)
    assert [x.key for x in e.entries] == ["ST-4", "BE-1@gpu", "NOPE-1"]
    assert e.entries[0] == Expectation(
        "ST-4", None, "state() returns live Variables since 0.11", "https://example.org/issues/1"
    )
    with pytest.raises(ExpectationsError, match="unknown keys"):
        expectations.parse('[ST-4]\nreason = "x"\nlnk = "typo"\n')


def test_lookup_prefers_the_backend_entry() -> None:
    e = Expectations(
        (Expectation("BE-1", None, "everywhere", ""), Expectation("BE-1", "gpu", "gpu only", ""))
    )
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
    assert final_status("error", True) == "error"
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
        assert e.warnings(LAWS, name) == [], f"{path} has entries that match no law"
        assert (e.target, e.version) == (name, version), f"{path} names another target or version"
    assert expectations.default_path("no-such-target", "1") is None
