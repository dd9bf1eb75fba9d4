"""The verdict rules as a table of hand-worked cases, and properties hypothesis checks over any checklist."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.domain.checklist import Checklist
from inspector.domain.verdict import Outcome, StepState, Verdict, propose_verdict

P, F, U = Outcome.PASS, Outcome.FAIL, Outcome.UNSURE
RANK = {Verdict.PASS: 0, Verdict.INCONCLUSIVE: 1, Verdict.FAIL: 2}


def checklist(severities: str = "CMmmm", **rules: Any) -> Checklist:
    """Steps named s0, s1, ... with severities C(ritical), M(ajor), m(inor); each needs one photo."""
    names = {"C": "critical", "M": "major", "m": "minor"}
    steps = [{"id": f"s{n}", "title": f"Step {n}", "instructions": "Look.", "severity": names[code],
              "photo": "required", "references": ["r.png"]} for n, code in enumerate(severities)]
    return Checklist.model_validate({"id": "t", "brand": "B", "model": "M", "category": "sneakers",
                                     "version": 1, "patterns": ["X"], "rules": rules, "steps": steps})


def states(*outcomes: Outcome, photos: int = 1,
           problems: dict[int, str] | None = None) -> dict[str, StepState]:
    problems = problems or {}
    return {f"s{n}": StepState(outcome, photos, (problems[n],) if n in problems else ())
            for n, outcome in enumerate(outcomes)}


# (rules, outcomes, photos, value problems, expected verdict, step ids named in the reasons)
TABLE: list[tuple[dict[str, Any], tuple[Outcome, ...], int, dict[int, str], Verdict, set[str]]] = [
    ({}, (P, P, P, P, P), 1, {}, Verdict.PASS, set()),
    ({}, (F, P, P, P, P), 1, {}, Verdict.FAIL, {"s0"}),
    ({"critical_fail": "inconclusive"}, (F, P, P, P, P), 1, {}, Verdict.INCONCLUSIVE, {"s0"}),
    ({}, (P, F, P, P, P), 1, {}, Verdict.FAIL, {"s1"}),
    ({"major_fail": "inconclusive"}, (P, F, P, P, P), 1, {}, Verdict.INCONCLUSIVE, {"s1"}),
    ({}, (P, P, F, F, P), 1, {}, Verdict.PASS, {"s2", "s3"}),  # two minor fails: recorded, still a pass
    ({}, (P, P, F, F, F), 1, {}, Verdict.FAIL, {"s2", "s3", "s4"}),
    ({"minor_fails_to_fail": 1}, (P, P, P, F, P), 1, {}, Verdict.FAIL, {"s3"}),
    ({"minor_fails_to_fail": 2}, (P, P, P, F, P), 1, {}, Verdict.PASS, {"s3"}),
    ({}, (P, U, P, P, P), 1, {}, Verdict.INCONCLUSIVE, {"s1"}),
    ({"unsure": "fail"}, (P, U, P, P, P), 1, {}, Verdict.FAIL, {"s1"}),
    ({}, (P, P, P, P), 1, {}, Verdict.INCONCLUSIVE, {"s4"}),  # s4 never checked
    ({}, (P, P, P, P, P), 0, {}, Verdict.INCONCLUSIVE, {"s0", "s1", "s2", "s3", "s4"}),
    ({"missing_photo": "fail"}, (P, P, P, P, P), 0, {}, Verdict.FAIL, {"s0", "s1", "s2", "s3", "s4"}),
    ({}, (P, P, P, P, P), 1, {0: "style code not in the brand's list"}, Verdict.FAIL, {"s0"}),
    ({}, (F, U, P, P, P), 1, {}, Verdict.FAIL, {"s0"}),  # a fail outranks a doubt, and only it is named
]


@pytest.mark.parametrize(("rules", "outcomes", "photos", "problems", "verdict", "named"), TABLE)
def test_verdict_table(rules: dict[str, Any], outcomes: tuple[Outcome, ...], photos: int,
                       problems: dict[int, str], verdict: Verdict, named: set[str]) -> None:
    proposed = propose_verdict(checklist(**rules), states(*outcomes, photos=photos, problems=problems))
    assert proposed.verdict is verdict
    assert {reason.step_id for reason in proposed.reasons} == named
    assert proposed.escalate is (verdict is Verdict.INCONCLUSIVE)


def test_a_value_problem_is_quoted_in_the_reason() -> None:
    proposed = propose_verdict(checklist(), states(P, P, P, P, P, problems={1: "country not listed"}))
    assert [reason.text for reason in proposed.reasons] == ["Step 1: country not listed (major)"]


severities = st.text(alphabet="CMm", min_size=1, max_size=8)
rules = st.fixed_dictionaries({
    "critical_fail": st.sampled_from(["fail", "inconclusive"]),
    "major_fail": st.sampled_from(["fail", "inconclusive"]),
    "minor_fails_to_fail": st.integers(1, 4),
    "unsure": st.sampled_from(["inconclusive", "fail"]),
    "missing_photo": st.sampled_from(["inconclusive", "fail"]),
})


@settings(max_examples=300, deadline=None)
@given(severities, rules, st.data())
def test_a_worse_result_never_makes_a_better_verdict(codes: str, chosen: dict[str, Any],
                                                     data: st.DataObject) -> None:
    """Monotone: turning one step's pass into unsure or fail, or losing its photo, never improves it."""
    made = checklist(codes, **chosen)
    outcomes = data.draw(st.lists(st.sampled_from([P, F, U]), min_size=len(codes), max_size=len(codes)))
    before = states(*outcomes)
    step = data.draw(st.integers(0, len(codes) - 1))
    worse = dict(before)
    change = data.draw(st.sampled_from(["fail", "unsure", "no photo", "value problem", "unchecked"]))
    old = before[f"s{step}"]
    if change == "unchecked":
        if old.outcome is not P:
            return  # an unchecked step is a doubt; a recorded fail can be worse than that
        del worse[f"s{step}"]
    else:
        worse[f"s{step}"] = {
            "fail": StepState(F if old.outcome is P else old.outcome, old.photo_count),
            "unsure": StepState(U if old.outcome is P else old.outcome, old.photo_count),
            "no photo": StepState(old.outcome, 0),
            "value problem": StepState(old.outcome, old.photo_count, ("does not match",)),
        }[change]
    assert RANK[propose_verdict(made, worse).verdict] >= RANK[propose_verdict(made, before).verdict]


@settings(max_examples=200, deadline=None)
@given(severities, rules)
def test_all_passed_with_photos_is_a_pass_without_reasons(codes: str, chosen: dict[str, Any]) -> None:
    proposed = propose_verdict(checklist(codes, **chosen), states(*([P] * len(codes))))
    assert proposed.verdict is Verdict.PASS and proposed.reasons == ()


@settings(max_examples=200, deadline=None)
@given(severities, rules, st.data())
def test_every_reason_names_a_step_of_the_checklist_and_a_non_pass_has_one(
        codes: str, chosen: dict[str, Any], data: st.DataObject) -> None:
    outcomes = data.draw(st.lists(st.sampled_from([P, F, U]), min_size=0, max_size=len(codes)))
    photos = data.draw(st.integers(0, 1))
    proposed = propose_verdict(checklist(codes, **chosen), states(*outcomes, photos=photos))
    assert {reason.step_id for reason in proposed.reasons} <= {f"s{n}" for n in range(len(codes))}
    assert proposed.verdict is Verdict.PASS or proposed.reasons
