"""The engine on real laws (reference and the broken toy) and on hand-made laws."""

from __future__ import annotations

import dataclasses

import hypothesis
import pytest

from spec.blueprint import Blueprint, NodeSpec, ToNode
from spec.errors import LawViolation, NotApplicable
from spec.laws import Case, Law, law_by_id
from spec.runner import engine, profiles
from spec.runner.engine import NA_PROBE, fixed_case, run_law
from spec.target import Target
from tests.runner.nnxspec_toys import BrokenToy


@pytest.fixture(scope="module")
def reference() -> Target:
    from spec.targets.reference import ReferenceTarget

    return ReferenceTarget()


@pytest.fixture(scope="module")
def toy() -> Target:
    return BrokenToy()


def fake_law(
    check: object,
    *,
    inputs: tuple[str, ...] = ("graph",),
    requires: frozenset[str] = frozenset(),
    per_backend: bool = False,
    examples: float = 1.0,
) -> Law:
    return Law(
        id="ID-99",
        area="test",
        title="a hand-made law",
        statement="-",
        rationale="-",
        seed="-",
        requires=requires,
        inputs=inputs,
        check=check,  # type: ignore[arg-type]
        per_backend=per_backend,
        examples=examples,
    )


def test_a_law_error_that_is_not_a_violation_fails_with_the_minimal_case(toy: Target) -> None:
    outcome = run_law(law_by_id("CL-1"), toy, "ci")
    assert outcome.verdict == "fail"
    assert isinstance(outcome.error, RuntimeError)
    assert (
        outcome.case is not None and outcome.case.graph.variables == ()
    )  # the toy fails on any graph
    assert len(outcome.case.graph.nodes) == 1
    assert outcome.examples >= 1


def test_a_violation_is_shrunk_to_one_variable(toy: Target) -> None:
    outcome = run_law(law_by_id("ST-1"), toy, "ci")
    assert outcome.verdict == "fail"
    assert isinstance(outcome.error, LawViolation) and outcome.error.law_id == "ST-1"
    assert outcome.case is not None and len(outcome.case.graph.variables) == 1


def test_laws_the_toy_does_not_break_pass(toy: Target) -> None:
    outcome = run_law(law_by_id("RT-1"), toy, "ci")
    assert (outcome.verdict, outcome.error) == ("pass", None)
    # the law's own examples, then at most the scale floor's top-up
    own, floor = profiles.examples_for("ci", 1.0), profiles.scale_floor("ci", 1.0)
    assert own <= outcome.examples <= own + floor
    assert outcome.scaled >= floor


def test_a_missing_capability_is_na_before_drawing(reference: Target) -> None:
    outcome = run_law(law_by_id("ST-5"), reference, "dev")
    assert outcome.verdict == "n/a" and outcome.examples == 0
    assert outcome.reason is not None and "state-leaves-are-live" in outcome.reason


def test_a_law_na_on_every_example_stops_after_the_probe(reference: Target) -> None:
    calls = []

    def check(t: Target, case: Case) -> None:
        calls.append(case)
        raise NotApplicable("never applies")

    outcome = run_law(fake_law(check), reference, "dev")
    assert (outcome.verdict, outcome.reason, outcome.examples) == ("n/a", "never applies", 0)
    assert len(calls) == NA_PROBE


def test_a_law_na_on_some_examples_is_judged_on_the_others(reference: Target) -> None:
    def check(t: Target, case: Case) -> None:
        if not case.graph.variables:
            raise NotApplicable("no Variable")

    outcome = run_law(fake_law(check), reference, "ci")
    assert outcome.verdict == "pass" and outcome.examples >= 1


def test_a_fixed_law_runs_once_on_the_fixed_case_at_the_profile_scale(reference: Target) -> None:
    seen: list[Case] = []
    law = fake_law(lambda t, case: seen.append(case), inputs=())
    assert run_law(law, reference, "dev").examples == 1
    assert run_law(law, reference, "ci").examples == 1
    assert seen == [fixed_case(None, "dev"), fixed_case(None, "ci")]
    assert (seen[0].scale, seen[1].scale) == (profiles.FIXED_SCALE["dev"], 1.0)


def test_a_per_backend_law_runs_on_its_backend_and_is_na_where_it_is_absent(
    reference: Target,
) -> None:
    import jax

    devices: list[str] = []

    def check(t: Target, case: Case) -> None:
        assert case.backend == "cpu"
        devices.append(jax.numpy.zeros(()).devices().pop().platform)

    law = fake_law(check, per_backend=True, examples=0.2)
    assert run_law(law, reference, "dev", "cpu").verdict == "pass"
    assert set(devices) == {"cpu"}
    absent = run_law(law, reference, "dev", "no-such-backend")
    assert absent.verdict == "n/a" and "not available" in (absent.reason or "")


def test_the_exhaustive_profile_walks_the_exhaustive_set(reference: Target) -> None:
    import strategies

    seen: list[Case] = []
    outcome = run_law(fake_law(lambda t, case: seen.append(case)), reference, "exhaustive")
    assert outcome.verdict == "pass"
    assert seen == list(strategies.exhaustive_cases(("graph",)))
    assert outcome.examples == len(seen)


def test_the_exhaustive_profile_stops_at_the_first_failure(reference: Target) -> None:
    def check(t: Target, case: Case) -> None:
        if case.graph.has_cycle:
            raise LawViolation("a cycle")

    outcome = run_law(fake_law(check), reference, "exhaustive")
    assert outcome.verdict == "fail" and outcome.case is not None and outcome.case.graph.has_cycle


def test_the_thorough_profile_targets_sharing_cycles_and_depth(
    reference: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels: set[str] = set()

    def fake_target(value: float, *, label: str = "") -> float:
        labels.add(label)
        return value

    monkeypatch.setitem(profiles.FLOORS, "thorough", 3)
    monkeypatch.setitem(
        profiles.PROFILES, "thorough", {**profiles.PROFILES["thorough"], "max_examples": 3}
    )
    monkeypatch.setattr(hypothesis, "target", fake_target)
    outcome = run_law(fake_law(lambda t, case: None), reference, "thorough")
    assert outcome.verdict == "pass"
    assert labels == {"sharing", "cycles", "depth"}


def test_profiles_scale_examples_and_keep_floors() -> None:
    assert profiles.examples_for("dev", 1.0) == 12
    assert profiles.examples_for("dev", 0.01) == 1
    assert profiles.examples_for("thorough", 0.1) >= 1000
    s = profiles.settings_for("ci", 0.5)
    assert (s.max_examples, s.derandomize, s.database, s.deadline) == (20, True, None, None)
    assert hypothesis.Phase.explain not in s.phases and s.report_multiple_bugs is False


def test_check_case_reports_each_verdict(reference: Target, toy: Target) -> None:
    case = dataclasses.replace(fixed_case(), backend=None)
    assert engine.check_case(law_by_id("CL-1"), reference, case)[0] == "pass"
    verdict, _, error = engine.check_case(law_by_id("CL-1"), toy, case)
    assert verdict == "fail" and isinstance(error, RuntimeError)
    assert engine.check_case(law_by_id("ST-5"), reference, case)[0] == "n/a"


@pytest.mark.parametrize(
    "node",
    [NodeSpec("nnx_list", ()), NodeSpec("sequential", ()), NodeSpec("module", (), pytree=True)],
)
def test_a_graph_the_target_cannot_build_is_not_applicable(
    reference: Target, node: NodeSpec
) -> None:
    """A vector drawn on a richer target (an nnx.List, a Sequential, a pytree=True module)
    replayed on one without the capability is n/a, not a failure of the law."""
    root = NodeSpec("module", (("x", ToNode(1)),))
    case = dataclasses.replace(fixed_case(), graph=Blueprint((root, node), ()), backend=None)
    verdict, reason, _ = engine.check_case(law_by_id("UCTX-2"), reference, case)
    assert verdict == "n/a"
    assert reason is not None and "which this graph needs to be built" in reason


# --- The scale tail -----------------------------------------------------------------------------


@pytest.mark.parametrize("law_id", ["RT-1", "JIT-1", "UPD-1", "FLT-2"])
def test_every_law_checks_its_floor_of_scale_graphs_under_dev(
    reference: Target, law_id: str
) -> None:
    law = law_by_id(law_id)
    outcome = run_law(law, reference, "dev")
    assert outcome.verdict == "pass"
    assert outcome.scaled >= profiles.scale_floor("dev", law.examples) >= 2


def test_the_scale_floor_tops_up_with_tailed_graphs_only(reference: Target) -> None:
    from strategies import scale_shape

    shapes: list[str | None] = []
    outcome = run_law(
        fake_law(lambda t, case: shapes.append(scale_shape(case.graph))), reference, "dev"
    )
    floor = profiles.scale_floor("dev", 1.0)
    assert outcome.scaled == sum(s is not None for s in shapes) >= floor
    # the top-up search runs after the law's own and draws nothing but tails
    own = profiles.examples_for("dev", 1.0)
    assert all(s is not None for s in shapes[own:])


def test_a_failure_on_scale_graphs_only_shrinks_to_the_tails_floor(reference: Target) -> None:
    from strategies import scale_shape

    def check(t: Target, case: Case) -> None:
        if scale_shape(case.graph) is not None:
            raise LawViolation("fails on any scale tail")

    outcome = run_law(fake_law(check), reference, "dev")
    assert outcome.verdict == "fail" and outcome.case is not None
    # the simplest tail: a 100-level spine of one-entry nodes over an empty module
    assert outcome.case.graph.depth() == 100
    assert len(outcome.case.graph.nodes) == 101 and not outcome.case.graph.variables
